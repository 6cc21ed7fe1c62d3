//! Breadth: how many members of an index take part in its move.
//!
//! Each member's N-day average, high and low are rolling windows over its own listed days
//! (a running sum, and monotonic queues for highs and lows), computed once per member in a
//! single pass; each member's reading is then tallied into its date. The shares (above the
//! average, at a high, at a low), the median distance from the high and the advancers and
//! decliners are those tallies. A member with fewer than N days of history has no reading,
//! so it is left out of the denominator; `members_counted(x, N)` is that count.

use std::collections::{BTreeSet, VecDeque};

use polars::prelude::*;

use super::{to_days, Breadth, Metric};
use crate::data::Members;

/// A lazy frame with `date` and a column for each `(measure, n)` asked for.
pub fn frame(
    symbol: &str,
    members: &Members,
    wanted: &BTreeSet<(Breadth, usize)>,
    cache: Option<(&std::path::Path, &crate::data::cache::Key)>,
) -> PolarsResult<LazyFrame> {
    let days: Vec<i32> = members.dates.iter().map(|d| to_days(*d)).collect();
    let wanted: Vec<(Breadth, usize)> = wanted.iter().copied().collect();
    let mut columns = vec![Column::new("date".into(), days)];
    // The same matrix and measures give the same columns: kept in the run's cache.
    let what = format!("breadth {wanted:?}");
    let cached = cache.and_then(|(dir, key)| crate::data::cache::get_columns(dir, key, &what));
    let values = match cached.filter(|c| c.len() == wanted.len()) {
        Some(values) => values,
        None => {
            let values = measures(members, &wanted);
            if let Some((dir, key)) = cache {
                crate::data::cache::put_columns(dir, key, &what, &values);
            }
            values
        }
    };
    for (&(measure, n), values) in wanted.iter().zip(values) {
        let name = Metric::Breadth(measure, symbol.into(), n).to_string();
        columns.push(Column::new(name.as_str().into(), values));
    }
    Ok(DataFrame::new_infer_height(columns)?.lazy())
}

/// What a measure compares each close with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Against {
    Previous,
    Mean,
    High,
    Low,
}

fn against(measure: Breadth) -> Against {
    match measure {
        Breadth::AboveSma | Breadth::Counted => Against::Mean,
        Breadth::AtHigh | Breadth::MedianFromHigh => Against::High,
        Breadth::AtLow => Against::Low,
        Breadth::Advancers | Breadth::Decliners => Against::Previous,
    }
}

/// Per date, for one measure: members with a reading, members whose reading is "yes", and
/// (for the median) the readings themselves.
struct Tally {
    counted: Vec<u32>,
    yes: Vec<u32>,
    readings: Vec<Vec<f64>>,
}

/// Every measure asked for, for every date of the matrix. Each member's windows are computed
/// once and shared by the measures that read them.
fn measures(members: &Members, wanted: &[(Breadth, usize)]) -> Vec<Vec<Option<f64>>> {
    let days = members.dates.len();
    let mut tallies: Vec<Tally> = wanted
        .iter()
        .map(|(m, _)| Tally {
            counted: vec![0; days],
            yes: vec![0; days],
            readings: if *m == Breadth::MedianFromHigh {
                vec![Vec::new(); days]
            } else {
                Vec::new()
            },
        })
        .collect();
    let windows: BTreeSet<(Against, usize)> = wanted
        .iter()
        .map(|&(m, n)| {
            (
                against(m),
                if against(m) == Against::Previous {
                    2
                } else {
                    n
                },
            )
        })
        .collect();
    let mut own: Vec<(usize, f64)> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for closes in members.closes() {
        own.clear();
        own.extend(
            closes
                .iter()
                .enumerate()
                .filter_map(|(d, c)| c.map(|c| (d, c))),
        );
        values.clear();
        values.extend(own.iter().map(|(_, c)| *c));
        for &(kind, n) in &windows {
            if n == 0 || values.len() < n {
                continue;
            }
            // The window's value for each listed day k >= n - 1, at index k + 1 - n.
            let window: Vec<f64> = match kind {
                Against::Previous => values.windows(2).map(|w| w[0]).collect(),
                Against::Mean => rolling_mean(&values, n),
                Against::High => rolling_extreme(&values, n, true),
                Against::Low => rolling_extreme(&values, n, false),
            };
            for (i, &(measure, wanted_n)) in wanted.iter().enumerate() {
                let n_of = if kind == Against::Previous {
                    2
                } else {
                    wanted_n
                };
                if against(measure) != kind || n_of != n {
                    continue;
                }
                let tally = &mut tallies[i];
                for (k, w) in (n - 1..).zip(&window) {
                    let (day, close) = own[k];
                    tally.counted[day] += 1;
                    tally.yes[day] += u32::from(match measure {
                        Breadth::AboveSma | Breadth::Counted | Breadth::Advancers => close > *w,
                        Breadth::Decliners => close < *w,
                        Breadth::AtHigh => close >= *w,
                        Breadth::AtLow => close <= *w,
                        Breadth::MedianFromHigh => {
                            tally.readings[day].push((close / w - 1.0) * 100.0);
                            false
                        }
                    });
                }
            }
        }
    }
    wanted
        .iter()
        .zip(tallies)
        .map(|(&(measure, _), mut t)| {
            (0..days)
                .map(|d| match measure {
                    Breadth::Counted => Some(f64::from(t.counted[d])),
                    Breadth::Advancers | Breadth::Decliners => Some(f64::from(t.yes[d])),
                    Breadth::MedianFromHigh => median(&mut t.readings[d]),
                    _ => (t.counted[d] > 0)
                        .then(|| 100.0 * f64::from(t.yes[d]) / f64::from(t.counted[d])),
                })
                .collect()
        })
        .collect()
}

/// The mean of each full window of `n` values, in order. The running sum is compensated
/// (Neumaier), so that it does not drift over thousands of days.
fn rolling_mean(values: &[f64], n: usize) -> Vec<f64> {
    let add = |(sum, carry): (f64, f64), x: f64| {
        let t = sum + x;
        let lost = if sum.abs() >= x.abs() {
            (sum - t) + x
        } else {
            (x - t) + sum
        };
        (t, carry + lost)
    };
    let mut total = (0.0, 0.0);
    let mut out = Vec::with_capacity(values.len() + 1 - n);
    for (k, &x) in values.iter().enumerate() {
        total = add(total, x);
        if k >= n {
            total = add(total, -values[k - n]);
        }
        if k + 1 >= n {
            out.push((total.0 + total.1) / n as f64);
        }
    }
    out
}

/// The highest (or lowest) of each full window of `n` values, in order: a monotonic queue of
/// the candidates' positions.
fn rolling_extreme(values: &[f64], n: usize, high: bool) -> Vec<f64> {
    let beats = |a: f64, b: f64| if high { a >= b } else { a <= b };
    let mut queue: VecDeque<usize> = VecDeque::new();
    let mut out = Vec::with_capacity(values.len() + 1 - n);
    for (k, &x) in values.iter().enumerate() {
        while queue.back().is_some_and(|&j| beats(x, values[j])) {
            queue.pop_back();
        }
        queue.push_back(k);
        if queue.front().is_some_and(|&j| j + n <= k) {
            queue.pop_front();
        }
        if k + 1 >= n {
            out.push(values[queue[0]]);
        }
    }
    out
}

/// The median, or `None` for no values (the values are reordered).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let (len, mid) = (values.len(), values.len() / 2);
    let (lower, middle, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let middle = *middle;
    Some(if len % 2 == 1 {
        middle
    } else {
        let below = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (below + middle) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn rolling_windows_and_median_by_hand() {
        let v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0];
        // Windows of 3: (3,1,4) (1,4,1) (4,1,5) (1,5,9) (5,9,2).
        let mean = rolling_mean(&v, 3);
        let by_hand = [8.0 / 3.0, 2.0, 10.0 / 3.0, 5.0, 16.0 / 3.0];
        assert_eq!(mean.len(), 5);
        for (got, want) in mean.iter().zip(by_hand) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(rolling_extreme(&v, 3, true), [4.0, 4.0, 5.0, 9.0, 9.0]);
        assert_eq!(rolling_extreme(&v, 3, false), [1.0, 1.0, 1.0, 1.0, 2.0]);
        assert_eq!(rolling_extreme(&v, 1, true), v);
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn share_leaves_out_members_without_enough_history() {
        let dates: Vec<NaiveDate> = (2..=5)
            .map(|day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap())
            .collect();
        let members = Members::new(
            dates,
            vec!["A".into(), "B".into(), "C".into()],
            vec![
                vec![Some(10.0), Some(11.0), Some(12.0), Some(9.0)],
                vec![Some(10.0), Some(9.0), Some(8.0), Some(9.5)],
                vec![None, None, Some(5.0), Some(6.0)], // listed on day 3
            ],
        );
        let wanted = [
            Breadth::AboveSma,
            Breadth::Counted,
            Breadth::AtHigh,
            Breadth::MedianFromHigh,
        ]
        .map(|b| (b, 2));
        let mut wanted = BTreeSet::from(wanted);
        wanted.insert((Breadth::Advancers, 1));
        let df = frame("M", &members, &wanted, None)
            .unwrap()
            .collect()
            .unwrap();
        let share: Vec<Option<f64>> = df
            .column("share_above_sma(M, 2)")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        let count: Vec<Option<f64>> = df
            .column("members_counted(M, 2)")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        // Day 1: nobody has 2 days. Day 2: A 11 > 10.5 yes, B 9 < 9.5 no -> 50% of 2.
        // Day 3: A 12 > 11.5 yes, B 8 < 8.5 no, C one day only -> 50% of 2.
        // Day 4: A 9 < 10.5 no, B 9.5 > 8.75 yes, C 6 > 5.5 yes -> 2 of 3.
        assert_eq!(count, vec![Some(0.0), Some(2.0), Some(2.0), Some(3.0)]);
        assert_eq!(share[1..3], [Some(50.0), Some(50.0)]);
        assert!((share[3].unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(share[0], None);
        let get = |name: &str| -> Vec<Option<f64>> {
            df.column(name).unwrap().f64().unwrap().iter().collect()
        };
        // Day 4: A 9 vs high 12 (-25%), B 9.5 vs 9.5 (0%, at a high), C 6 vs 6 (at a high).
        assert_eq!(get("median_from_high(M, 2)")[3], Some(0.0));
        assert!((get("share_at_high(M, 2)")[3].unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // Day 2: A 11 vs 12 high? no: high of (10, 11) is 11 -> 0%; B 9 vs 10 -> -10%.
        assert!((get("median_from_high(M, 2)")[1].unwrap() + 5.0).abs() < 1e-9);
        // Day 4 advancers: B (8 -> 9.5) and C (5 -> 6); A fell.
        assert_eq!(get("advancers(M)")[3], Some(2.0));
    }
}
