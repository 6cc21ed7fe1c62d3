//! Concentration and sector mix from holdings snapshots.
//!
//! Holdings are not daily: each snapshot's figures hold from its date until the next
//! snapshot, and every figure can be paired with `holdings_date(..)` so that the brief says
//! which snapshot it comes from. Weights are the fund's own `Weight (%)`, not renormalised,
//! except in the Herfindahl index, which is taken over equity weights rescaled to sum to 100
//! (so 10,000 means one stock; the effective number of stocks is 10,000 over it). Changes
//! compare the snapshot in force with the one before it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::{to_days, Metric};
use crate::data::{Content, Dataset, Snapshot};

/// Summed weight of the `n` largest positions.
pub fn top_weight(s: &Snapshot, n: usize) -> f64 {
    let mut w: Vec<f64> = s.holdings.iter().map(|h| h.weight).collect();
    w.sort_by(|a, b| b.total_cmp(a));
    w.iter().take(n).sum()
}

/// Weight of each sector, summed over positions.
pub fn sector_weights(s: &Snapshot) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for h in &s.holdings {
        *out.entry(h.sector.clone()).or_insert(0.0) += h.weight;
    }
    out
}

/// Herfindahl index of the equity weights, rescaled to sum to 100: from 10,000 / N to 10,000.
pub fn hhi(s: &Snapshot) -> Option<f64> {
    let total: f64 = s.holdings.iter().map(|h| h.weight).sum();
    (total > 0.0).then(|| {
        s.holdings
            .iter()
            .map(|h| (100.0 * h.weight / total).powi(2))
            .sum()
    })
}

/// Summed weight of the tickers of a group; share classes and punctuation are compared
/// loosely (`BRK.B` = `BRK-B`).
pub fn group_weight(s: &Snapshot, tickers: &[String]) -> f64 {
    let norm = |t: &str| t.to_ascii_uppercase().replace(['.', '-', ' ', '/'], "");
    let wanted: Vec<String> = tickers.iter().map(|t| norm(t)).collect();
    s.holdings
        .iter()
        .filter(|h| wanted.contains(&norm(&h.ticker)))
        .map(|h| h.weight)
        .sum()
}

fn largest_sector(s: &Snapshot) -> Option<(String, f64)> {
    sector_weights(s)
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The column for a holdings metric over `calendar`, `None` if `metric` is of another family,
/// `Some(Err(symbol))` if its source holds no holdings.
pub fn column<'a>(
    data: &Dataset,
    metric: &'a Metric,
    calendar: &[NaiveDate],
) -> Option<Result<Column, &'a str>> {
    let symbol = match metric {
        Metric::TopWeight(s, _)
        | Metric::TopWeightChange(s, _)
        | Metric::GroupWeight(s, ..)
        | Metric::Hhi(s)
        | Metric::EffectiveN(s)
        | Metric::PreviousHoldingsDate(s)
        | Metric::SectorWeight(s, _)
        | Metric::LargestSector(s)
        | Metric::LargestSectorWeight(s)
        | Metric::HoldingsDate(s) => s,
        _ => return None,
    };
    let snaps = match data.get(symbol).map(|l| &l.content) {
        Some(Content::Holdings(h)) => h,
        _ => return Some(Err(symbol)),
    };
    // Which snapshot is in force on each calendar day (the latest on or before it). Each
    // figure is worked out once per snapshot, then spread over the days it is in force.
    let index: Vec<Option<usize>> = calendar
        .iter()
        .map(|d| snaps.partition_point(|s| s.as_of <= *d).checked_sub(1))
        .collect();
    let name = metric.to_string();
    let spread = |per_snapshot: Vec<Option<f64>>| -> Vec<Option<f64>> {
        index
            .iter()
            .map(|i| i.and_then(|i| per_snapshot[i]))
            .collect()
    };
    let number = |f: &dyn Fn(&Snapshot) -> Option<f64>| {
        let v = spread(snaps.iter().map(f).collect());
        Column::new(name.as_str().into(), v)
    };
    let days = |f: &dyn Fn(usize) -> Option<usize>| {
        let v: Vec<Option<i32>> = index
            .iter()
            .map(|i| i.and_then(f).map(|j| to_days(snaps[j].as_of)))
            .collect();
        Column::new(name.as_str().into(), v)
    };
    Some(Ok(match metric {
        Metric::TopWeight(_, n) => number(&|s| Some(top_weight(s, *n))),
        Metric::TopWeightChange(_, n) => {
            let top: Vec<f64> = snaps.iter().map(|s| top_weight(s, *n)).collect();
            let change = (0..snaps.len())
                .map(|i| Some(top[i] - top[i.checked_sub(1)?]))
                .collect();
            Column::new(name.as_str().into(), spread(change))
        }
        Metric::GroupWeight(_, _, tickers) => number(&|s| Some(group_weight(s, tickers))),
        Metric::Hhi(_) => number(&hhi),
        Metric::EffectiveN(_) => number(&|s| hhi(s).map(|h| 10_000.0 / h)),
        Metric::PreviousHoldingsDate(_) => days(&|i| i.checked_sub(1)),
        Metric::SectorWeight(_, sector) => number(&|s| {
            let weights = sector_weights(s);
            let found = weights.iter().find(|(k, _)| k.eq_ignore_ascii_case(sector));
            Some(found.map_or(0.0, |(_, w)| *w))
        }),
        Metric::LargestSectorWeight(_) => number(&|s| largest_sector(s).map(|x| x.1)),
        Metric::LargestSector(_) => {
            let per: Vec<Option<String>> = snaps
                .iter()
                .map(|s| largest_sector(s).map(|x| x.0))
                .collect();
            let v: Vec<Option<String>> = index
                .iter()
                .map(|i| i.and_then(|i| per[i].clone()))
                .collect();
            Column::new(name.as_str().into(), v)
        }
        Metric::HoldingsDate(_) => days(&Some),
        _ => unreachable!("only holdings metrics reach here"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Holding;

    fn snap() -> Snapshot {
        let h = |t: &str, sector: &str, weight| Holding {
            ticker: t.into(),
            name: t.into(),
            sector: sector.into(),
            weight,
        };
        Snapshot {
            as_of: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            file: "x.csv".into(),
            holdings: vec![
                h("A", "Tech", 5.0),
                h("B", "Energy", 1.0),
                h("C", "Tech", 3.0),
                h("D", "Health", 4.5),
            ],
        }
    }

    #[test]
    fn top_weights_and_sectors() {
        let s = snap();
        assert_eq!(top_weight(&s, 2), 9.5); // 5 + 4.5
        assert_eq!(top_weight(&s, 10), 13.5);
        assert_eq!(sector_weights(&s)["Tech"], 8.0);
        assert_eq!(largest_sector(&s), Some(("Tech".into(), 8.0)));
    }

    #[test]
    fn herfindahl_and_groups() {
        let s = snap();
        // Rescaled weights: 5, 1, 3, 4.5 of 13.5 -> squares of 37.04%, 7.41%, 22.22%, 33.33%.
        let expect = [5.0f64, 1.0, 3.0, 4.5]
            .iter()
            .map(|w| (100.0 * w / 13.5).powi(2))
            .sum::<f64>();
        assert!((hhi(&s).unwrap() - expect).abs() < 1e-9);
        assert!(
            (expect - 3031.55).abs() < 0.01,
            "by hand: 1371.74 + 54.87 + 493.83 + 1111.11"
        );
        let group = ["a".to_string(), "D".to_string(), "ZZZ".to_string()];
        assert_eq!(group_weight(&s, &group), 9.5);
    }
}
