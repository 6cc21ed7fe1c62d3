//! Turning points: the trailing peak and trough of an index, their dates, and how far the close
//! is from each. A 52-week high is `from_peak(x, 252d) >= 0`, a record `from_peak(x, all) >= 0`,
//! a correction `from_peak(x, 252d) <= -10`, a bear market -20, a bull market
//! `from_trough(x, 252d) >= 20`.
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
    let max = matches!(turn, Turn::Peak | Turn::PeakDate | Turn::FromPeak);
    let rows = rolling_extreme(&close, *lookback, max);
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
            })
        })
        .collect())
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
}
