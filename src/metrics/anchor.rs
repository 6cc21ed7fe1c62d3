//! Moves since an anchor found from the data. The start of the first index's current run
//! against the second is the day the ratio of their closes was lowest within the last N
//! trading days: from there on, the first has done better. `move_start(a, b, 63d)` is that
//! date, `move_days` the sessions since, and `move_return(x, a, b, 63d)` any index's return
//! since that close, so a brief can say "since 3 March the index has gained 8%, while the
//! S&P 500 is flat" without anyone typing a date.

use polars::prelude::PolarsResult;

use super::turning::rolling_extreme;
use super::{to_days, Lookback, Metric, MetricFrame};

/// The column of a move metric.
pub fn column(frame: &MetricFrame, m: &Metric) -> PolarsResult<Vec<Option<f64>>> {
    let (a, b, n) = match m {
        Metric::MoveStart(a, b, n) | Metric::MoveDays(a, b, n) => (a, b, *n),
        Metric::MoveReturn(_, a, b, n)
        | Metric::AtMoveStart(_, a, b, n)
        | Metric::SinceMove(_, a, b, n) => (a, b, *n),
        _ => unreachable!("moves only"),
    };
    let close_a = frame.numbers(&Metric::Close(a.clone()))?;
    let close_b = frame.numbers(&Metric::Close(b.clone()))?;
    let ratio: Vec<Option<f64>> = close_a
        .iter()
        .zip(&close_b)
        .map(|(x, y)| Some((*x)? / (*y)?))
        .collect();
    let starts = rolling_extreme(&ratio, Lookback::Days(n), false);
    let x = match m {
        Metric::MoveReturn(x, ..) => frame.numbers(&Metric::Close(x.clone()))?,
        Metric::AtMoveStart(inner, ..) | Metric::SinceMove(inner, ..) => frame.numbers(inner)?,
        _ => Vec::new(),
    };
    // A yield's change is in basis points, as everywhere else.
    let scale = match m {
        Metric::SinceMove(inner, ..) if matches!(**inner, Metric::Yield(_)) => 100.0,
        _ => 1.0,
    };
    Ok(starts
        .iter()
        .enumerate()
        .map(|(t, s)| {
            let s = (*s)?;
            match m {
                Metric::MoveStart(..) => Some(to_days(frame.calendar[s]) as f64),
                Metric::MoveDays(..) => Some((t - s) as f64),
                Metric::AtMoveStart(..) => x[s],
                Metric::SinceMove(..) => Some((x[t]? - x[s]?) * scale),
                _ => Some((x[t]? / x[s]? - 1.0) * 100.0),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tests::frame_of;

    #[test]
    fn the_move_starts_at_the_ratio_low() {
        // Ratio A/B: 1.0, 0.9, 0.8, 1.0, 1.1 -> the low within 4 days is row 2.
        let f = frame_of(&[
            ("close(A)", vec![10.0, 9.0, 8.0, 11.0, 12.1]),
            ("close(B)", vec![10.0, 10.0, 10.0, 11.0, 11.0]),
        ]);
        let days = column(&f, &Metric::MoveDays("A".into(), "B".into(), 4)).unwrap();
        assert_eq!(days, [None, None, None, Some(1.0), Some(2.0)]);
        let start = column(&f, &Metric::MoveStart("A".into(), "B".into(), 4)).unwrap();
        assert_eq!(start[4], Some(to_days(f.calendar[2]) as f64));
        let ret = Metric::MoveReturn("B".into(), "A".into(), "B".into(), 4);
        let r = column(&f, &ret).unwrap();
        assert!((r[4].unwrap() - 10.0).abs() < 1e-9, "B: 11 / 10 - 1");
        let ret_a = Metric::MoveReturn("A".into(), "A".into(), "B".into(), 4);
        assert!(
            (column(&f, &ret_a).unwrap()[4].unwrap() - 51.25).abs() < 1e-9,
            "12.1 / 8"
        );
        // A's close at the start (row 2) and its change since.
        let close_a = Box::new(Metric::Close("A".into()));
        let at = Metric::AtMoveStart(close_a.clone(), "A".into(), "B".into(), 4);
        assert_eq!(column(&f, &at).unwrap()[4], Some(8.0));
        let since = Metric::SinceMove(close_a, "A".into(), "B".into(), 4);
        assert!((column(&f, &since).unwrap()[4].unwrap() - 4.1).abs() < 1e-9);
    }

    #[test]
    fn a_yield_since_the_move_is_in_basis_points() {
        let f = frame_of(&[
            ("close(A)", vec![10.0, 9.0, 8.0, 11.0, 12.1]),
            ("close(B)", vec![10.0, 10.0, 10.0, 11.0, 11.0]),
            ("yield(T2)", vec![4.60, 4.55, 4.50, 4.41, 4.36]),
        ]);
        let two = Box::new(Metric::Yield("T2".into()));
        let since = Metric::SinceMove(two.clone(), "A".into(), "B".into(), 4);
        // The move began on row 2 (4.50); on row 4 the yield is 4.36: 14 basis points lower.
        assert!((column(&f, &since).unwrap()[4].unwrap() + 14.0).abs() < 1e-9);
        assert_eq!(since.kind(), crate::metrics::Kind::BasisPoints);
        let at = Metric::AtMoveStart(two, "A".into(), "B".into(), 4);
        assert_eq!(column(&f, &at).unwrap()[4], Some(4.50));
    }
}
