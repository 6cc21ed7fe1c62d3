//! Valuation from Shiller's monthly data: trailing P/E (price over twelve-month earnings), the
//! cyclically adjusted P/E, and the earnings yield. A month's row is an average over that
//! month, so it is used only from the first trading day of the next month; when that row lacks
//! earnings (Shiller's `0.0`), the figure is missing rather than carried from an older month.

use chrono::{Datelike, NaiveDate};

use super::{to_days, Metric, Valuation};
use crate::data::{Content, Dataset};

/// The valuation column, `None` for other metrics, `Some(Err(symbol))` if the source holds no
/// monthly valuation data.
pub fn column<'a>(
    data: &Dataset,
    m: &'a Metric,
    calendar: &[NaiveDate],
) -> Option<Result<Vec<Option<f64>>, &'a str>> {
    let Metric::Valuation(what, symbol) = m else {
        return None;
    };
    let Some(Content::Valuation(v)) = data.get(symbol).map(|l| &l.content) else {
        return Some(Err(symbol));
    };
    Some(Ok(calendar
        .iter()
        .map(|d| {
            let month_start = d.with_day(1).expect("day 1 exists");
            let i = v
                .dates
                .partition_point(|r| *r < month_start)
                .checked_sub(1)?;
            let (price, earnings) = (v.price[i], v.earnings[i]);
            match what {
                Valuation::Pe => Some(price? / earnings?),
                Valuation::EarningsYield => Some(100.0 * earnings? / price?),
                Valuation::Cape => v.cape[i],
                Valuation::Month => Some(to_days(v.dates[i]) as f64),
            }
        })
        .collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Monthly;
    use crate::metrics::tests::dataset_of;

    #[test]
    fn a_month_counts_from_the_next_month_on() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let monthly = Monthly {
            dates: vec![d("2023-05-01"), d("2023-06-01")],
            price: vec![Some(4000.0), Some(4400.0)],
            earnings: vec![Some(200.0), None],
            cape: vec![Some(29.0), Some(30.0)],
        };
        let data = dataset_of("V", "shiller", "valuation", Content::Valuation(monthly));
        let calendar = [d("2023-05-31"), d("2023-06-01"), d("2023-07-03")];
        let get = |v| {
            column(&data, &Metric::Valuation(v, "V".into()), &calendar)
                .unwrap()
                .unwrap()
        };
        // May 31: April is not in the file. June: May's row. July: June's row, no earnings.
        assert_eq!(get(Valuation::Pe), [None, Some(20.0), None]);
        assert_eq!(get(Valuation::EarningsYield), [None, Some(5.0), None]);
        assert_eq!(get(Valuation::Cape), [None, Some(29.0), Some(30.0)]);
        assert_eq!(
            get(Valuation::Month)[2],
            Some(to_days(d("2023-06-01")) as f64)
        );
    }
}
