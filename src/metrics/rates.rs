//! Rates: yield levels from FRED-style daily series, their changes in basis points, and the
//! curve (10-year minus 2-year). The bond market keeps its own holidays, so a yield is carried
//! onto a stock-market day from its latest observation, at most [`CARRY_DAYS`] calendar days
//! old; beyond that it is missing.

use chrono::NaiveDate;
use polars::prelude::PolarsResult;

use super::{windows, Metric, MetricFrame};
use crate::data::{Content, Dataset};

/// The oldest observation a yield level is carried from.
pub const CARRY_DAYS: i64 = 5;

/// The column of a yield or a macro level (the VIX, a spread, a monthly policy rate), `None`
/// for other metrics, `Some(Err(symbol))` if the source is not a daily series. A value is
/// carried onto later days for at most the source's `carry_days` (default [`CARRY_DAYS`]).
pub fn column<'a>(
    data: &Dataset,
    m: &'a Metric,
    calendar: &[NaiveDate],
) -> Option<Result<Vec<Option<f64>>, &'a str>> {
    let (Metric::Yield(symbol) | Metric::Level(symbol)) = m else {
        return None;
    };
    let Some(loaded) = data.get(symbol) else {
        return Some(Err(symbol));
    };
    let Content::Series(s) = &loaded.content else {
        return Some(Err(symbol));
    };
    let carry = loaded.source.carry_days.unwrap_or(CARRY_DAYS);
    Some(Ok(calendar
        .iter()
        .map(|d| {
            let i = s.dates.partition_point(|x| x <= d).checked_sub(1)?;
            ((*d - s.dates[i]).num_days() <= carry).then_some(s.values[i])
        })
        .collect()))
}

/// Yield changes and the curve, from yield level columns.
pub fn derived(frame: &MetricFrame, m: &Metric) -> PolarsResult<Vec<Option<f64>>> {
    Ok(match m {
        Metric::YieldChange(s, w) => {
            let v = frame.numbers(&Metric::Yield(s.clone()))?;
            windows::over(&v, &windows::spans(&frame.calendar, *w), |e, b| {
                Some((e - b) * 100.0)
            })
        }
        Metric::Curve(a, b) => {
            let a = frame.numbers(&Metric::Yield(a.clone()))?;
            let b = frame.numbers(&Metric::Yield(b.clone()))?;
            a.iter()
                .zip(&b)
                .map(|(x, y)| Some(((*x)? - (*y)?) * 100.0))
                .collect()
        }
        _ => unreachable!("rates only"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tests::frame_of;
    use crate::metrics::Window;

    #[test]
    fn changes_are_in_basis_points() {
        let f = frame_of(&[
            ("yield(T10)", vec![4.25, 4.30, 4.10]),
            ("yield(T2)", vec![4.75, 4.70, 4.20]),
        ]);
        let change = derived(&f, &Metric::YieldChange("T10".into(), Window::Days(2))).unwrap();
        assert!(
            (change[2].unwrap() + 15.0).abs() < 1e-9,
            "4.10 - 4.25 = -15 bp"
        );
        let curve = derived(&f, &Metric::Curve("T10".into(), "T2".into())).unwrap();
        assert!(
            (curve[0].unwrap() + 50.0).abs() < 1e-9,
            "4.25 - 4.75 = -50 bp"
        );
    }

    #[test]
    fn a_monthly_level_is_carried_for_its_carry_days() {
        let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
        let series = crate::data::Series {
            dates: vec![d(1, 1), d(2, 1)],
            values: vec![5.33, 5.08],
        };
        let mut data = crate::metrics::tests::dataset_of(
            "FF",
            "fred",
            "macro",
            crate::data::Content::Series(series),
        );
        let calendar = [d(1, 3), d(1, 31), d(2, 5), d(3, 20)];
        let level = Metric::Level("FF".into());
        // The default carries five days: only January 3 has a value.
        let short = column(&data, &level, &calendar).unwrap().unwrap();
        assert_eq!(short, [Some(5.33), None, Some(5.08), None]);
        // A monthly series carried 35 days: every day until mid-March has the latest month.
        data.sources[0].source.carry_days = Some(35);
        let long = column(&data, &level, &calendar).unwrap().unwrap();
        assert_eq!(
            long,
            [Some(5.33), Some(5.33), Some(5.08), None],
            "March 20 is 48 days on"
        );
    }
}
