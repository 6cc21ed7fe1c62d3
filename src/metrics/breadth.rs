//! Breadth: how many members of an index take part in its move.
//!
//! The member matrix is laid out long (one row per member and listed day), each member's
//! N-day simple average is a rolling mean over its own rows, and the share above it is an
//! aggregate per date. A member with fewer than N days of history has no average, so it is
//! left out of the denominator; the count that was used is its own column.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::{to_days, Metric};
use crate::data::Members;

/// A lazy frame with `date`, `share_above_sma(symbol, n)` and `members_counted(symbol, n)`
/// for each `n` in `windows`.
pub fn frame(
    symbol: &str,
    members: &Members,
    windows: &BTreeSet<usize>,
) -> PolarsResult<LazyFrame> {
    let cells = members
        .closes
        .iter()
        .map(|c| c.iter().flatten().count())
        .sum();
    let (mut date, mut ticker, mut close) = (
        Vec::with_capacity(cells),
        Vec::with_capacity(cells),
        Vec::with_capacity(cells),
    );
    let days: Vec<i32> = members.dates.iter().map(|d| to_days(*d)).collect();
    for (t, closes) in members.closes.iter().enumerate() {
        for (d, c) in closes.iter().enumerate() {
            if let Some(c) = c {
                date.push(days[d]);
                ticker.push(t as u32);
                close.push(*c);
            }
        }
    }
    let long = DataFrame::new_infer_height(vec![
        Column::new("date".into(), date),
        Column::new("ticker".into(), ticker),
        Column::new("close".into(), close),
    ])?
    .lazy();

    let mut flags = Vec::new();
    let mut aggs = Vec::new();
    for &n in windows {
        let sma = col("close")
            .rolling_mean(RollingOptionsFixedWindow {
                window_size: n,
                min_periods: n,
                ..Default::default()
            })
            .over([col("ticker")])?;
        let flag = format!("__above_{n}");
        flags.push(
            col("close")
                .gt(sma)
                .cast(DataType::Float64)
                .alias(flag.as_str()),
        );
        let share = Metric::ShareAboveSma(symbol.into(), n).to_string();
        let counted = Metric::MembersCounted(symbol.into(), n).to_string();
        aggs.push((col(flag.as_str()).mean() * lit(100.0)).alias(share));
        aggs.push(
            col(flag.as_str())
                .count()
                .cast(DataType::Float64)
                .alias(counted),
        );
    }
    Ok(long
        .with_columns(flags)
        .group_by([col("date")])
        .agg(aggs)
        .sort(["date"], Default::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn share_leaves_out_members_without_enough_history() {
        let dates: Vec<NaiveDate> = (2..=5)
            .map(|day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap())
            .collect();
        let members = Members {
            dates,
            tickers: vec!["A".into(), "B".into(), "C".into()],
            closes: vec![
                vec![Some(10.0), Some(11.0), Some(12.0), Some(9.0)],
                vec![Some(10.0), Some(9.0), Some(8.0), Some(9.5)],
                vec![None, None, Some(5.0), Some(6.0)], // listed on day 3
            ],
        };
        let df = frame("M", &members, &BTreeSet::from([2]))
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
    }
}
