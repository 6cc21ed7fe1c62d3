//! One index, one entity: a universe entry `{index: ^GSPC, fund: SPY}` is told by the index's
//! own series on the days it has one, and by the fund on the others (before the index's data
//! begin, after they end). Rules name the index; every metric on it is computed twice over the
//! whole calendar, once on each series, and the column keeps, row by row, the one of that
//! row's telling. A row is told by the indexes only when every such index has a year of data
//! to it, so one brief never mixes the two.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use super::{Metric, MetricFrame};

/// Sessions of an index's own data a row needs before the index tells it: a year, so that
/// 52-week highs and lows and a quarter's returns are the index's own.
pub const WARM_UP: usize = 252;

/// The same metric on other series: every price series `f` maps is replaced.
pub fn mapped(m: &Metric, f: &dyn Fn(&str) -> Option<String>) -> Metric {
    use Metric as M;
    let s = |x: &String| f(x).unwrap_or_else(|| x.clone());
    let b = |x: &Metric| Box::new(mapped(x, f));
    match m {
        M::Close(x) => M::Close(s(x)),
        M::Return(x, w) => M::Return(s(x), *w),
        M::Level(x) => M::Level(s(x)),
        M::Spread(a, c, w) => M::Spread(s(a), s(c), *w),
        M::Multiple(a, c, w) => M::Multiple(s(a), s(c), *w),
        M::Ratio(a, c) => M::Ratio(s(a), s(c)),
        M::MoveStart(a, c, n) => M::MoveStart(s(a), s(c), *n),
        M::MoveDays(a, c, n) => M::MoveDays(s(a), s(c), *n),
        M::MoveReturn(x, a, c, n) => M::MoveReturn(s(x), s(a), s(c), *n),
        M::Turn(t, x, l) => M::Turn(*t, s(x), *l),
        M::Stat(st, x, l) => M::Stat(*st, b(x), *l),
        M::Ago(x, w) => M::Ago(b(x), *w),
        M::Change(x, w) => M::Change(b(x), *w),
        M::PctChange(x, w) => M::PctChange(b(x), *w),
        M::MostExtremeSince(x, hi) => M::MostExtremeSince(b(x), *hi),
        M::DaysSince(x) => M::DaysSince(b(x)),
        M::DataStart(x) => M::DataStart(b(x)),
        M::Band(x, p, up) => M::Band(b(x), *p, *up),
        M::Cleared(x, w, k) => M::Cleared(b(x), *w, *k),
        M::ClearedSince(x, w, k) => M::ClearedSince(b(x), *w, *k),
        M::AtMoveStart(x, a, c, n) => M::AtMoveStart(b(x), s(a), s(c), *n),
        M::SinceMove(x, a, c, n) => M::SinceMove(b(x), s(a), s(c), *n),
        M::Basket(st, k, w, n) => M::Basket(*st, basket(k, &s), *w, *n),
        M::Rank(x, k, w) => M::Rank(s(x), basket(k, &s), *w),
        M::BasketWeight(lead, k, w, n, h) => {
            M::BasketWeight(*lead, basket(k, &s), *w, *n, h.clone())
        }
        // Rules' days, holdings, members, macro and valuation series are one for both.
        other => other.clone(),
    }
}

fn basket(k: &super::Basket, s: &dyn Fn(&String) -> String) -> Box<super::Basket> {
    Box::new(super::Basket {
        members: k.members.iter().map(s).collect(),
        ..k.clone()
    })
}

/// Which rows the funds tell: those on which some index of `funds` has less than
/// [`WARM_UP`] sessions of its own data to date, or that come after its data end.
pub fn fund_rows(
    calendar: &[NaiveDate],
    funds: &BTreeMap<String, String>,
    index_dates: &dyn Fn(&str) -> Option<Vec<NaiveDate>>,
) -> Vec<bool> {
    let mut out = vec![false; calendar.len()];
    for index in funds.keys() {
        let dates = index_dates(index).unwrap_or_default();
        let (Some(first), Some(last)) = (dates.get(WARM_UP - 1), dates.last()) else {
            out.iter_mut().for_each(|r| *r = true);
            continue;
        };
        for (r, d) in out.iter_mut().zip(calendar) {
            *r |= d < first || d > last;
        }
    }
    out
}

/// The fund variant of each metric that reads an index of `funds`, to be computed beside it.
pub fn fund_variants<'a>(
    metrics: impl Iterator<Item = &'a Metric>,
    funds: &BTreeMap<String, String>,
) -> Vec<(Metric, Metric)> {
    let f = |s: &str| funds.get(s).cloned();
    metrics
        .filter(|m| m.rules().is_empty())
        .filter_map(|m| {
            let fund = mapped(m, &f);
            (fund != *m).then(|| (m.clone(), fund))
        })
        .collect()
}

/// Replaces each metric's column, on the rows the funds tell, by its fund variant's.
pub fn combine(
    frame: &mut MetricFrame,
    variants: &[(Metric, Metric)],
    fund_rows: &[bool],
) -> PolarsResult<()> {
    if !fund_rows.iter().any(|&f| f) {
        return Ok(());
    }
    let mask = BooleanChunked::from_slice("fund".into(), fund_rows);
    let mut columns = Vec::new();
    for (index, fund) in variants {
        let (name, fund_name) = (index.to_string(), fund.to_string());
        let (Ok(i), Ok(f)) = (frame.frame.column(&name), frame.frame.column(&fund_name)) else {
            continue;
        };
        let f = f.cast(i.dtype())?;
        let c = f
            .as_materialized_series()
            .zip_with(&mask, i.as_materialized_series())?;
        columns.push(c.with_name(name.as_str().into()).into_column());
    }
    for c in columns {
        frame.frame.with_column(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Lookback, Stat, Turn, Window};

    #[test]
    fn every_price_series_of_a_metric_is_mapped_and_nothing_else() {
        let f = |s: &str| (s == "^GSPC").then(|| "SPY".to_string());
        let m = Metric::Stat(
            Stat::High,
            Box::new(Metric::Spread(
                "^RUT".into(),
                "^GSPC".into(),
                Window::Days(21),
            )),
            Lookback::Days(252),
        );
        let want = Metric::Stat(
            Stat::High,
            Box::new(Metric::Spread(
                "^RUT".into(),
                "SPY".into(),
                Window::Days(21),
            )),
            Lookback::Days(252),
        );
        assert_eq!(mapped(&m, &f), want);
        let t = Metric::Turn(Turn::FromPeak, "^GSPC".into(), Lookback::All);
        assert_eq!(mapped(&t, &f).to_string(), "from_peak(SPY, all)");
        let rule = Metric::Count("r".into(), Window::Days(5));
        assert_eq!(mapped(&rule, &f), rule);
    }

    #[test]
    fn the_funds_tell_rows_before_a_year_of_index_data_and_after_it_ends() {
        let day =
            |i: u32| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(i as u64);
        let calendar: Vec<NaiveDate> = (0..400).map(day).collect();
        // The index has data from day 10 to day 299.
        let index: Vec<NaiveDate> = (10..300).map(day).collect();
        let funds = BTreeMap::from([("^X".to_string(), "X".to_string())]);
        let rows = fund_rows(&calendar, &funds, &|s| (s == "^X").then(|| index.clone()));
        let first_told = rows.iter().position(|f| !f).unwrap();
        // Its 252nd session is day 261.
        assert_eq!(first_told, 10 + WARM_UP - 1);
        assert!(rows[first_told..300].iter().all(|f| !f));
        assert!(rows[300..].iter().all(|&f| f));
        // An index with too short a history leaves every row to the funds.
        let short: Vec<NaiveDate> = (0..100).map(day).collect();
        let rows = fund_rows(&calendar, &funds, &|_| Some(short.clone()));
        assert!(rows.iter().all(|&f| f));
    }

    #[test]
    fn combined_columns_take_the_fund_on_its_rows() {
        let mut frame = crate::metrics::tests::frame_of(&[
            ("close(^X)", vec![100.0, 101.0, 102.0]),
            ("close(X)", vec![10.0, 10.1, 10.2]),
        ]);
        let pair = (Metric::Close("^X".into()), Metric::Close("X".into()));
        combine(
            &mut frame,
            std::slice::from_ref(&pair),
            &[true, false, true],
        )
        .unwrap();
        let got = frame.numbers(&pair.0).unwrap();
        assert_eq!(got, vec![Some(10.0), Some(101.0), Some(10.2)]);
        // The fund's own column is left as it was.
        assert_eq!(frame.numbers(&pair.1).unwrap()[1], Some(10.1));
    }
}
