//! Macro events from the user's calendar: the latest event of a kind on or before each day,
//! with its actual and expected figures and the surprise (actual minus expected). Rules bound
//! how recent it must be with `days_since(event_date(events, "CPI")) <= 3`.

use chrono::NaiveDate;

use super::{to_days, EventField, Metric};
use crate::data::{Content, Dataset};

/// The event column, `None` for other metrics, `Some(Err(symbol))` if the source holds no
/// events.
pub fn column<'a>(
    data: &Dataset,
    m: &'a Metric,
    calendar: &[NaiveDate],
) -> Option<Result<Vec<Option<f64>>, &'a str>> {
    let Metric::Event(field, symbol, kind) = m else {
        return None;
    };
    let Some(Content::Events(all)) = data.get(symbol).map(|l| &l.content) else {
        return Some(Err(symbol));
    };
    let events: Vec<_> = all
        .iter()
        .filter(|e| e.kind.eq_ignore_ascii_case(kind))
        .collect();
    Some(Ok(calendar
        .iter()
        .map(|d| {
            let i = events.partition_point(|e| e.date <= *d).checked_sub(1)?;
            let e = events[i];
            match field {
                EventField::Actual => Some(e.actual),
                EventField::Expected => e.expected,
                EventField::Surprise => Some(e.actual - e.expected?),
                EventField::Date => Some(to_days(e.date) as f64),
            }
        })
        .collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Event;
    use crate::metrics::tests::dataset_of;

    #[test]
    fn the_latest_event_of_its_kind() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ev = |date: &str, kind: &str, actual, expected| Event {
            date: d(date),
            kind: kind.into(),
            actual,
            expected,
            label: None,
        };
        let events = vec![
            ev("2024-06-12", "CPI", 3.3, Some(3.4)),
            ev("2024-07-05", "payrolls", 206.0, Some(190.0)),
            ev("2024-07-11", "CPI", 3.0, None),
        ];
        let data = dataset_of("E", "events", "events", Content::Events(events));
        let calendar = [d("2024-06-11"), d("2024-07-10"), d("2024-07-11")];
        let get = |f| {
            column(
                &data,
                &Metric::Event(f, "E".into(), "cpi".into()),
                &calendar,
            )
            .unwrap()
            .unwrap()
        };
        let s = get(EventField::Surprise);
        assert_eq!(s[0], None);
        assert!((s[1].unwrap() + 0.1).abs() < 1e-9, "3.3 - 3.4");
        assert_eq!(s[2], None, "no expectation, no surprise");
        assert_eq!(get(EventField::Actual)[2], Some(3.0));
        assert_eq!(
            get(EventField::Date)[1],
            Some(to_days(d("2024-06-12")) as f64)
        );
    }
}
