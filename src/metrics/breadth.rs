//! Breadth: how many members of an index take part in its move.
//!
//! The member matrix is laid out long (one row per member and listed day). Each member's
//! N-day average, high and low are rolling windows over its own rows, and the shares (above
//! the average, at a high, at a low), the median distance from the high and the advancers and
//! decliners are aggregates per date. A member with fewer than N days of history has no
//! reading, so it is left out of the denominator; `members_counted(x, N)` is that count.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::{to_days, Breadth, Metric};
use crate::data::Members;

/// A lazy frame with `date` and a column for each `(measure, n)` asked for.
pub fn frame(
    symbol: &str,
    members: &Members,
    wanted: &BTreeSet<(Breadth, usize)>,
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

    let opts = |n: usize| RollingOptionsFixedWindow {
        window_size: n,
        min_periods: n,
        ..Default::default()
    };
    let per_member = |e: Expr| e.over([col("ticker")]);
    let mut flags = Vec::new();
    let mut aggs = Vec::new();
    for &(measure, n) in wanted {
        // Each member's reading for the day: null while it lacks n days of history.
        let reading = match measure {
            Breadth::AboveSma | Breadth::Counted => {
                col("close").gt(per_member(col("close").rolling_mean(opts(n)))?)
            }
            Breadth::AtHigh => col("close").gt_eq(per_member(col("close").rolling_max(opts(n)))?),
            Breadth::AtLow => col("close").lt_eq(per_member(col("close").rolling_min(opts(n)))?),
            Breadth::MedianFromHigh => {
                (col("close") / per_member(col("close").rolling_max(opts(n)))? - lit(1.0))
                    * lit(100.0)
            }
            Breadth::Advancers => col("close").gt(per_member(col("close").shift(lit(1)))?),
            Breadth::Decliners => col("close").lt(per_member(col("close").shift(lit(1)))?),
        };
        let name = Metric::Breadth(measure, symbol.into(), n).to_string();
        let flag = format!("__{name}");
        flags.push(reading.cast(DataType::Float64).alias(flag.as_str()));
        let flag = col(flag.as_str());
        aggs.push(
            match measure {
                Breadth::AboveSma | Breadth::AtHigh | Breadth::AtLow => flag.mean() * lit(100.0),
                Breadth::Counted => flag.count().cast(DataType::Float64),
                Breadth::MedianFromHigh => flag.median(),
                Breadth::Advancers | Breadth::Decliners => flag.sum(),
            }
            .alias(name),
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
        let wanted = [
            Breadth::AboveSma,
            Breadth::Counted,
            Breadth::AtHigh,
            Breadth::MedianFromHigh,
        ]
        .map(|b| (b, 2));
        let mut wanted = BTreeSet::from(wanted);
        wanted.insert((Breadth::Advancers, 1));
        let df = frame("M", &members, &wanted).unwrap().collect().unwrap();
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
