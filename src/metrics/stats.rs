//! Any metric against its own history: high, low and percentile over a lookback, its value at
//! the start of a window and its change since, the last date it was this extreme ("the widest
//! gap since ..."), and calendar days since a date-valued metric.

use polars::prelude::PolarsResult;

use super::turning::rolling_extreme;
use super::{to_days, windows, Lookback, Metric, MetricFrame, Stat};

/// Fewer earlier values than this give no percentile.
const MIN_HISTORY: usize = 20;

/// The column of a statistic metric.
pub fn column(frame: &MetricFrame, m: &Metric) -> PolarsResult<Vec<Option<f64>>> {
    let inner = match m {
        Metric::Stat(_, i, _)
        | Metric::Ago(i, _)
        | Metric::Change(i, _)
        | Metric::PctChange(i, _)
        | Metric::MostExtremeSince(i, _)
        | Metric::DaysSince(i)
        | Metric::DataStart(i)
        | Metric::Band(i, _, _) => i,
        _ => unreachable!("statistics only"),
    };
    let v = frame.numbers(inner)?;
    Ok(match m {
        Metric::Stat(Stat::Percentile, _, l) => percentile(&v, *l),
        Metric::Stat(stat, _, l) => rolling_extreme(&v, *l, *stat == Stat::High)
            .iter()
            .map(|i| v[(*i)?])
            .collect(),
        Metric::Ago(_, w) => {
            windows::over(&v, &windows::spans(&frame.calendar, *w), |_, b| Some(b))
        }
        Metric::Change(_, w) => {
            windows::over(&v, &windows::spans(&frame.calendar, *w), |e, b| Some(e - b))
        }
        Metric::PctChange(_, w) => {
            windows::over(&v, &windows::spans(&frame.calendar, *w), |e, b| {
                (b != 0.0).then(|| (e / b - 1.0) * 100.0)
            })
        }
        Metric::Band(_, p, high) => {
            let k = if *high { 1.0 } else { -1.0 } * *p as f64 / 100.0;
            v.iter().map(|x| x.map(|x| x + k * x.abs())).collect()
        }
        // Unknown before it, the same date from it on.
        Metric::DataStart(_) => match v.iter().position(Option::is_some) {
            Some(first) => (0..v.len())
                .map(|r| (r >= first).then(|| to_days(frame.calendar[first]) as f64))
                .collect(),
            None => vec![None; v.len()],
        },
        Metric::MostExtremeSince(_, high) => previous_at_least(&v, *high)
            .iter()
            .map(|j| j.map(|j| to_days(frame.calendar[j]) as f64))
            .collect(),
        _ => frame
            .calendar
            .iter()
            .zip(&v)
            .map(|(d, then)| Some(to_days(*d) as f64 - (*then)?))
            .collect(),
    })
}

/// Percent of the lookback's earlier values (today excluded) below today's value.
pub fn percentile(v: &[Option<f64>], lookback: Lookback) -> Vec<Option<f64>> {
    // The window's values are counted in a Fenwick tree over their ranks, so each row costs
    // a logarithm, not a pass over its lookback (the whole history for `all`).
    let mut sorted: Vec<f64> = v.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let rank = |x: f64| sorted.partition_point(|y| *y < x); // values below x
    let mut tree = vec![0usize; sorted.len() + 1];
    let add = |tree: &mut Vec<usize>, x: f64, up: bool| {
        let mut i = rank(x) + 1;
        while i < tree.len() {
            if up {
                tree[i] += 1
            } else {
                tree[i] -= 1
            }
            i += i & i.wrapping_neg();
        }
    };
    let below = |tree: &Vec<usize>, x: f64| {
        let mut i = rank(x);
        let mut n = 0;
        while i > 0 {
            n += tree[i];
            i -= i & i.wrapping_neg();
        }
        n
    };
    let first = v.iter().position(Option::is_some);
    let (mut lo, mut count) = (0usize, 0usize);
    (0..v.len())
        .map(|t| {
            if let Some(x) = t.checked_sub(1).and_then(|h| v[h]) {
                add(&mut tree, x, true);
                count += 1;
            }
            let from = match lookback {
                Lookback::Days(n) => (t + 1).checked_sub(n),
                Lookback::All => Some(0),
            };
            while from.is_some_and(|f| lo < f) {
                if let Some(x) = v[lo] {
                    add(&mut tree, x, false);
                    count -= 1;
                }
                lo += 1;
            }
            let now = v[t]?;
            let from = from?;
            if lookback != Lookback::All && first? > from {
                return None;
            }
            (count >= MIN_HISTORY).then(|| 100.0 * below(&tree, now) as f64 / count as f64)
        })
        .collect()
}

/// For each row, the last earlier row whose value was at least as high (`high`) or at least as
/// low as this row's: one pass with a stack of rows that are still candidates.
pub fn previous_at_least(v: &[Option<f64>], high: bool) -> Vec<Option<usize>> {
    let mut stack: Vec<usize> = Vec::new();
    v.iter()
        .enumerate()
        .map(|(t, x)| {
            let x = (*x)?;
            let passes = |old: f64| if high { old >= x } else { old <= x };
            while stack
                .last()
                .is_some_and(|&i| v[i].is_some_and(|old| !passes(old)))
            {
                stack.pop();
            }
            let found = stack.last().copied();
            stack.push(t);
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tests::frame_of;
    use crate::metrics::Window;

    #[test]
    fn the_data_start_is_the_first_dated_value_from_that_row_on() {
        // Weekdays from Mon 2024-01-01; the series' first value is on Wed 2024-01-03, and a
        // gap later does not move it.
        let nan = f64::NAN;
        let mut f = frame_of(&[("close(x)", vec![nan, nan, 1.0, 2.0, nan, 3.0])]);
        let m = Metric::DataStart(Box::new(Metric::Close("x".into())));
        f.derive(&m, None).unwrap();
        let start = to_days(chrono::NaiveDate::from_ymd_opt(2024, 1, 3).unwrap()) as f64;
        let s = Some(start);
        assert_eq!(f.numbers(&m).unwrap(), vec![None, None, s, s, s, s]);
    }

    #[test]
    fn sessions_into_a_month_and_a_band_around_today() {
        // Weekdays from Mon 2024-01-01: January has 23, so Thu 2024-02-01 is row 23.
        let mut f = frame_of(&[("x", vec![4.0; 30])]);
        let m = Metric::Sessions(Window::MonthToDate);
        f.derive(&m, None).unwrap();
        let v = f.numbers(&m).unwrap();
        assert_eq!(v[22], None, "no close of a month before January here");
        assert_eq!((v[23], v[24], v[29]), (Some(1.0), Some(2.0), Some(7.0)));
        let x = Metric::Close("X".into());
        f.push(&x, vec![Some(-8.0); 30]).unwrap();
        let low = Metric::Band(Box::new(x.clone()), 25, false);
        let high = Metric::Band(Box::new(x), 25, true);
        assert_eq!(column(&f, &low).unwrap()[0], Some(-10.0));
        assert_eq!(column(&f, &high).unwrap()[0], Some(-6.0));
    }

    #[test]
    fn the_last_time_it_was_this_high() {
        let v = [Some(5.0), Some(3.0), Some(4.0), None, Some(4.5), Some(6.0)];
        // Row 2 (4): row 0 (5) is the last at least as high. Row 4 (4.5): row 0 again.
        // Row 5 (6): never. Row 1 (3): row 0.
        assert_eq!(
            previous_at_least(&v, true),
            [None, Some(0), Some(0), None, Some(0), None]
        );
        // Lows: row 2 (4): row 1 (3). Row 4 (4.5): row 2 (4).
        assert_eq!(
            previous_at_least(&v, false),
            [None, None, Some(1), None, Some(2), Some(4)]
        );
    }

    #[test]
    fn percentile_ranks_against_earlier_values() {
        let v: Vec<Option<f64>> = (0..25).map(|i| Some(f64::from(i % 10))).collect();
        let p = percentile(&v, Lookback::All);
        assert_eq!(p[19], None, "19 earlier values are too few");
        // Row 24 (value 4) against rows 0..24: values below 4 are 0..3, three times each
        // among 0..9, 10..19 and 20..23 -> 4 + 4 + 4 = 12 of 24.
        assert_eq!(p[24], Some(50.0));
    }

    /// The counting of the definition, row by row over the lookback.
    fn percentile_by_hand(v: &[Option<f64>], lookback: Lookback) -> Vec<Option<f64>> {
        let first = v.iter().position(Option::is_some);
        (0..v.len())
            .map(|t| {
                let now = v[t]?;
                let from = match lookback {
                    Lookback::Days(n) => {
                        let from = (t + 1).checked_sub(n)?;
                        if first? > from {
                            return None;
                        }
                        from
                    }
                    Lookback::All => 0,
                };
                let earlier: Vec<f64> = v[from..t].iter().flatten().copied().collect();
                let below = earlier.iter().filter(|x| **x < now).count();
                (earlier.len() >= MIN_HISTORY).then(|| 100.0 * below as f64 / earlier.len() as f64)
            })
            .collect()
    }

    #[test]
    fn percentile_equals_counting_by_hand() {
        // Ties, gaps and a start with no values, over both kinds of lookback.
        let v: Vec<Option<f64>> = (0..400)
            .map(|i: i32| match i {
                0..=4 => None,
                _ if i % 17 == 0 => None,
                _ => Some(f64::from((i * 37) % 23) - 5.0),
            })
            .collect();
        for lookback in [
            Lookback::All,
            Lookback::Days(30),
            Lookback::Days(21),
            Lookback::Days(252),
        ] {
            assert_eq!(
                percentile(&v, lookback),
                percentile_by_hand(&v, lookback),
                "{lookback}"
            );
        }
    }

    #[test]
    fn changes_and_days_since() {
        let f = frame_of(&[("close(A)", vec![10.0, 11.0, 12.0, 9.0])]);
        let a = Box::new(Metric::Close("A".into()));
        let change = column(&f, &Metric::Change(a.clone(), Window::Days(2))).unwrap();
        assert_eq!(change, [None, None, Some(2.0), Some(-2.0)]);
        let pct = column(&f, &Metric::PctChange(a.clone(), Window::Days(3))).unwrap();
        assert!((pct[3].unwrap() + 10.0).abs() < 1e-9);
        let ago = column(&f, &Metric::Ago(a.clone(), Window::Days(1))).unwrap();
        assert_eq!(ago[3], Some(12.0));
        let low = column(&f, &Metric::Stat(Stat::Low, a, Lookback::Days(2))).unwrap();
        assert_eq!(low, [None, Some(10.0), Some(11.0), Some(9.0)]);
    }
}
