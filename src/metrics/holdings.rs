//! Concentration and sector mix from holdings snapshots.
//!
//! Holdings are not daily: each snapshot's figures hold from its date until the next
//! snapshot, and every figure can be paired with `holdings_date(..)` so that the brief says
//! which snapshot it comes from. Weights are the fund's own `Weight (%)`, not renormalised.

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
    // Which snapshot is in force on each calendar day (the latest on or before it).
    let in_force: Vec<Option<&Snapshot>> = calendar
        .iter()
        .map(|d| {
            let n = snaps.partition_point(|s| s.as_of <= *d);
            n.checked_sub(1).map(|i| &snaps[i])
        })
        .collect();
    let name = metric.to_string();
    let number = |f: &dyn Fn(&Snapshot) -> Option<f64>| {
        let v: Vec<Option<f64>> = in_force.iter().map(|s| s.and_then(f)).collect();
        Column::new(name.as_str().into(), v)
    };
    Some(Ok(match metric {
        Metric::TopWeight(_, n) => number(&|s| Some(top_weight(s, *n))),
        Metric::SectorWeight(_, sector) => number(&|s| {
            let weights = sector_weights(s);
            let found = weights.iter().find(|(k, _)| k.eq_ignore_ascii_case(sector));
            Some(found.map_or(0.0, |(_, w)| *w))
        }),
        Metric::LargestSectorWeight(_) => number(&|s| largest_sector(s).map(|x| x.1)),
        Metric::LargestSector(_) => {
            let v: Vec<Option<String>> = in_force
                .iter()
                .map(|s| s.and_then(largest_sector).map(|x| x.0))
                .collect();
            Column::new(name.as_str().into(), v)
        }
        Metric::HoldingsDate(_) => {
            let v: Vec<Option<i32>> = in_force
                .iter()
                .map(|s| s.map(|s| to_days(s.as_of)))
                .collect();
            Column::new(name.as_str().into(), v)
        }
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
}
