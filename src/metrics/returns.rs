//! Closes and returns of one series, over its own trading days.
//!
//! Trailing windows compare a close with the close N rows earlier. Calendar windows
//! (week-, month-, quarter-, year-to-date) compare it with the last close of the previous
//! period: at the first row of each period that is the previous row's close, carried forward
//! through the period. Both are whole-column expressions.

use polars::prelude::*;

use super::windows::period_key;
use super::{to_days, Metric, Window};
use crate::data::Series;

/// A lazy frame with `date` and the requested `close(..)` and `return(..)` columns.
pub fn frame(series: &Series, metrics: &[&Metric]) -> PolarsResult<LazyFrame> {
    let days: Vec<i32> = series.dates.iter().map(|d| to_days(*d)).collect();
    let mut columns = vec![
        Column::new("date".into(), days),
        Column::new("__close".into(), series.values.clone()),
    ];
    let mut exprs = Vec::new();
    for m in metrics {
        let name = m.to_string();
        let close = col("__close");
        match m {
            Metric::Close(_) => exprs.push(close.alias(name)),
            Metric::Return(_, Window::Days(n)) => exprs.push(
                ((close.clone() / close.shift(lit(*n as i64)) - lit(1.0)) * lit(100.0)).alias(name),
            ),
            Metric::Return(_, w) => {
                let key_name = format!("__key_{w}");
                if !columns.iter().any(|c| c.name().as_str() == key_name) {
                    let keys: Vec<i32> = series.dates.iter().map(|d| period_key(*w, *d)).collect();
                    columns.push(Column::new(key_name.as_str().into(), keys));
                }
                let key = col(key_name.as_str());
                // The close before each period's first row, carried through the period.
                let carry = |x: Expr| {
                    when(key.clone().neq(key.clone().shift(lit(1))))
                        .then(x.shift(lit(1)))
                        .otherwise(lit(NULL).cast(DataType::Float64))
                        .fill_null_with_strategy(FillNullStrategy::Forward(None))
                };
                let base = carry(close.clone());
                let (end, base) = match w {
                    // The last period ended at `base`; it started at the base carried then.
                    Window::PreviousWeek | Window::PreviousMonth => (base.clone(), carry(base)),
                    _ => (close, base),
                };
                exprs.push(((end / base - lit(1.0)) * lit(100.0)).alias(name));
            }
            _ => {}
        }
    }
    let mut keep = vec![col("date")];
    keep.extend(metrics.iter().map(|m| col(m.to_string())));
    Ok(DataFrame::new_infer_height(columns)?
        .lazy()
        .with_columns(exprs)
        .select(keep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run(series: &Series, m: Metric) -> Vec<Option<f64>> {
        let df = frame(series, &[&m]).unwrap().collect().unwrap();
        let c = df.column(&m.to_string()).unwrap().f64().unwrap().clone();
        c.iter()
            .map(|v| v.map(|x| (x * 1e9).round() / 1e9))
            .collect()
    }

    /// Fri 2024-01-26, Mon 29, Tue 30, Wed 31, Thu Feb 1, Fri Feb 2, Mon Feb 5.
    fn week_series() -> Series {
        Series {
            dates: [
                "2024-01-26",
                "2024-01-29",
                "2024-01-30",
                "2024-01-31",
                "2024-02-01",
                "2024-02-02",
                "2024-02-05",
            ]
            .iter()
            .map(|s| d(s))
            .collect(),
            values: vec![100.0, 102.0, 101.0, 104.0, 110.0, 99.0, 99.0],
        }
    }

    #[test]
    fn trailing_days() {
        let r = run(&week_series(), Metric::Return("X".into(), Window::Days(2)));
        // 101/100-1 = 1%; 104/102-1 = 1.960784314%
        assert_eq!(r[..4], [None, None, Some(1.0), Some(1.960784314)]);
    }

    #[test]
    fn week_to_date_uses_last_friday() {
        let r = run(
            &week_series(),
            Metric::Return("X".into(), Window::WeekToDate),
        );
        // Week of Jan 29 measured from Fri Jan 26 (100); week of Feb 5 from Fri Feb 2 (99).
        assert_eq!(
            r,
            [
                None,
                Some(2.0),
                Some(1.0),
                Some(4.0),
                Some(10.0),
                Some(-1.0),
                Some(0.0)
            ]
        );
    }

    #[test]
    fn month_to_date_uses_last_close_of_previous_month() {
        let r = run(
            &week_series(),
            Metric::Return("X".into(), Window::MonthToDate),
        );
        // January has no earlier month here; February measured from Jan 31 (104).
        assert_eq!(r[..4], [None, None, None, None]);
        assert_eq!(r[4], Some(5.769230769)); // 110/104 - 1
        assert_eq!(r[6], Some(-4.807692308)); // 99/104 - 1
    }

    #[test]
    fn previous_week_is_the_whole_last_week() {
        let r = run(
            &week_series(),
            Metric::Return("X".into(), Window::PreviousWeek),
        );
        // On Mon Feb 5: the week of Jan 29 ran from Fri Jan 26 (100) to Fri Feb 2 (99).
        assert_eq!(r[6], Some(-1.0));
        assert!(r[..6].iter().all(Option::is_none));
    }
}
