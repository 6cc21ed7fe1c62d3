//! Turning points: the trailing peak and trough of an index, their dates, and how far the close
//! is from each. A 52-week high is `from_peak(x, 252d) >= 0`, a record `from_peak(x, all) >= 0`,
//! a correction `from_peak(x, 252d) <= -10`, a bear market -20, a bull market
//! `from_trough(x, 252d) >= 20`. The lines themselves are levels: `line(x, 252d, -20)` is
//! where a bear market would begin (80% of the 52-week high), `to_line(x, 252d, -20)` how far
//! the close stands from it.
//!
//! The extremes come from one pass over the column with a monotone queue, so every row costs
//! O(1) whatever the lookback.

use std::collections::VecDeque;

use polars::prelude::PolarsResult;

use super::{to_days, Lookback, Metric, MetricFrame, Turn};

/// For each row, the row of the highest (`max`) or lowest value within the lookback, today
/// included; the latest row wins ties. Missing values are never extremes. A row gets `None`
/// when it has no value, or when the series has not been going for the whole lookback.
pub fn rolling_extreme(
    values: &[Option<f64>],
    lookback: Lookback,
    max: bool,
) -> Vec<Option<usize>> {
    let first = values.iter().position(Option::is_some);
    let beats = |new: f64, old: f64| if max { new >= old } else { new <= old };
    let mut queue: VecDeque<usize> = VecDeque::new();
    let mut out = Vec::with_capacity(values.len());
    for (t, v) in values.iter().enumerate() {
        if let Lookback::Days(n) = lookback {
            while queue.front().is_some_and(|&i| i + n <= t) {
                queue.pop_front();
            }
        }
        let Some(x) = v else {
            out.push(None);
            continue;
        };
        while queue
            .back()
            .is_some_and(|&i| values[i].is_some_and(|old| beats(*x, old)))
        {
            queue.pop_back();
        }
        queue.push_back(t);
        let long_enough = match lookback {
            Lookback::Days(n) => first.is_some_and(|f| f + n <= t + 1),
            Lookback::All => true,
        };
        out.push(if long_enough {
            queue.front().copied()
        } else {
            None
        });
    }
    out
}

/// The column of a [`Metric::Turn`].
pub fn column(frame: &MetricFrame, m: &Metric) -> PolarsResult<Vec<Option<f64>>> {
    let Metric::Turn(turn, symbol, lookback) = m else {
        unreachable!("turning points only")
    };
    let close = frame.numbers(&Metric::Close(symbol.clone()))?;
    let rows = rolling_extreme(&close, *lookback, turn.from_peak());
    Ok(rows
        .iter()
        .enumerate()
        .map(|(t, i)| {
            let i = (*i)?;
            let (now, extreme) = (close[t]?, close[i]?);
            Some(match turn {
                Turn::Peak | Turn::Trough => extreme,
                Turn::PeakDate | Turn::TroughDate => to_days(frame.calendar[i]) as f64,
                Turn::FromPeak | Turn::FromTrough => (now / extreme - 1.0) * 100.0,
                Turn::Line(pct) => line(extreme, *pct),
                Turn::ToLine(pct) => (line(extreme, *pct) / now - 1.0) * 100.0,
            })
        })
        .collect())
}

/// The level `pct`% away from a turning point.
fn line(extreme: f64, pct: i16) -> f64 {
    extreme * (1.0 + f64::from(pct) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_over_a_trailing_window() {
        let v = [Some(3.0), Some(5.0), None, Some(4.0), Some(1.0), Some(5.0)];
        let hi = rolling_extreme(&v, Lookback::Days(3), true);
        // Rows 0-1 lack three days of history; row 2 has no value.
        // Row 3: rows 1..=3 -> 5 at row 1. Row 4: rows 2..=4 -> 4 at row 3.
        // Row 5: rows 3..=5 -> 5 at row 5.
        assert_eq!(hi, [None, None, None, Some(1), Some(3), Some(5)]);
        let lo = rolling_extreme(&v, Lookback::All, false);
        assert_eq!(lo, [Some(0), Some(0), None, Some(0), Some(4), Some(4)]);
        let ties = rolling_extreme(&[Some(2.0), Some(2.0)], Lookback::All, true);
        assert_eq!(
            ties,
            [Some(0), Some(1)],
            "the latest equal value is the peak"
        );
    }

    #[test]
    fn lines_from_the_peak_and_the_trough() {
        // Closes 100, 125, 110, 90 over a three-day lookback. On the last row the peak of rows
        // 1..=3 is 125 and the trough 90.
        let frame =
            crate::metrics::tests::frame_of(&[("close(X)", vec![100.0, 125.0, 110.0, 90.0])]);
        let at = |t: Turn| {
            let m = Metric::Turn(t, "X".into(), Lookback::Days(3));
            column(&frame, &m).unwrap()[3].unwrap()
        };
        // The bear line is 80% of 125 = 100, 11.1% above a close of 90 (100/90 - 1).
        assert!((at(Turn::Line(-20)) - 100.0).abs() < 1e-9);
        assert!((at(Turn::ToLine(-20)) - 11.111111111).abs() < 1e-6);
        // The bull line is 120% of 90 = 108, 20% above the close.
        assert!((at(Turn::Line(20)) - 108.0).abs() < 1e-9);
        assert!((at(Turn::ToLine(20)) - 20.0).abs() < 1e-9);
        // On row 2 (closes 100, 125, 110) the bear line of 100 is 9.1% below 110.
        let m = Metric::Turn(Turn::ToLine(-20), "X".into(), Lookback::Days(3));
        let v = column(&frame, &m).unwrap()[2].unwrap();
        assert!((v - (100.0 / 110.0 - 1.0) * 100.0).abs() < 1e-9);
    }
}
