//! Thresholds chosen from the data: rather than one fixed line ("beat tech by more than a
//! point twice this week"), the most notable true statement. `cleared(m, wtd, 2)` is the
//! largest round level (0.5, 1, 1.5 ... 10) that `m` exceeded on at least two days of the
//! week so far; `cleared_since(m, wtd, 2)` the last day before this week on which a week so
//! far had seen that same level exceeded twice: "more than 2.5 points twice this week, the
//! first time since November 2020". Each level's days are counted once for the whole
//! calendar (prefix sums), so the columns cost a few passes, not a search per date.

use polars::prelude::PolarsResult;

use super::{to_days, windows, Metric, MetricFrame};

/// The round levels, in points or percent.
pub const LEVELS: [f64; 20] = [
    0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5,
    10.0,
];

/// The column of `cleared` or `cleared_since`.
pub fn column(frame: &MetricFrame, m: &Metric) -> PolarsResult<Vec<Option<f64>>> {
    let (inner, w, k) = match m {
        Metric::Cleared(inner, w, k) | Metric::ClearedSince(inner, w, k) => (inner, *w, *k),
        _ => unreachable!("thresholds only"),
    };
    let v = frame.numbers(inner)?;
    let spans = windows::spans(&frame.calendar, w);
    let n = v.len();
    // held[l][t]: the window ending on row t saw level l exceeded on k days or more.
    let held: Vec<Vec<bool>> = (LEVELS.iter())
        .map(|&level| {
            let mut prefix = vec![0usize; n + 1];
            for t in 0..n {
                prefix[t + 1] = prefix[t] + usize::from(v[t].is_some_and(|x| x > level));
            }
            (spans.iter())
                .map(|s| s.is_some_and(|(b, e)| prefix[e + 1] - prefix[b + 1] >= k))
                .collect()
        })
        .collect();
    let best = |t: usize| (0..LEVELS.len()).rev().find(|&l| held[l][t]);
    Ok(match m {
        Metric::Cleared(..) => (0..n).map(|t| best(t).map(|l| LEVELS[l])).collect(),
        _ => {
            // last[l][t]: the last row at or before t on which level l's condition held.
            let last: Vec<Vec<Option<usize>>> = (held.iter())
                .map(|h| {
                    let mut seen = None;
                    (0..n)
                        .map(|t| {
                            if h[t] {
                                seen = Some(t);
                            }
                            seen
                        })
                        .collect()
                })
                .collect();
            (0..n)
                .map(|t| {
                    let l = best(t)?;
                    // Before this window: on or before its base row.
                    let (b, _) = spans[t]?;
                    last[l][b].map(|d| to_days(frame.calendar[d]) as f64)
                })
                .collect()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tests::frame_of;
    use crate::metrics::Window;

    #[test]
    fn the_largest_level_cleared_twice_and_when_that_last_happened() {
        // Weekdays from Mon 2024-01-01: week 1 rows 0-4, week 2 rows 5-9, week 3 rows 10-14.
        let x = vec![
            2.6, 2.7, 0.0, 0.0, 0.0, // week 1: twice above 2.5
            1.2, 3.1, 0.0, 0.0, 0.0, // week 2: twice above 1.0 only
            2.8, 0.0, 2.9, 0.0, 0.0, // week 3: twice above 2.5 again
        ];
        let mut f = frame_of(&[("s", vec![0.0; 15])]);
        let s = Metric::Close("S".into());
        f.push(&s, x.iter().map(|v| Some(*v)).collect()).unwrap();
        let cleared = Metric::Cleared(Box::new(s.clone()), Window::WeekToDate, 2);
        let since = Metric::ClearedSince(Box::new(s), Window::WeekToDate, 2);
        let c = column(&f, &cleared).unwrap();
        let d = column(&f, &since).unwrap();
        assert_eq!(c[4], None, "week 1 has no week before it to count from");
        assert_eq!(
            c[6],
            Some(1.0),
            "1.2 and 3.1: both above 1, only one above 1.5"
        );
        assert_eq!(c[12], Some(2.5), "2.8 and 2.9");
        // Week 3's 2.5 twice last held before it in... week 1 had no base, so never.
        assert_eq!(d[12], None);
        assert_eq!(d[6], None, "no earlier week with a base");
        let count_up = |x: &[f64]| {
            let mut f = frame_of(&[("s", vec![0.0; x.len()])]);
            let s = Metric::Close("S".into());
            f.push(&s, x.iter().map(|v| Some(*v)).collect()).unwrap();
            let m = Metric::ClearedSince(Box::new(s), Window::WeekToDate, 2);
            (column(&f, &m).unwrap(), f.calendar.clone())
        };
        // Four weeks: week 2 and week 4 clear 2.5 twice; week 4's "since" is week 2's
        // second day (row 6), the last day its condition held.
        let mut y = vec![0.0; 20];
        y[5] = 2.6;
        y[6] = 2.7;
        y[16] = 3.0;
        y[17] = 2.6;
        let (d, cal) = count_up(&y);
        assert_eq!(
            d[17],
            Some(to_days(cal[9]) as f64),
            "held through Friday of week 2"
        );
    }
}
