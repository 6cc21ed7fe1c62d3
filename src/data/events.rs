//! A user's calendar of macro events: CSV with a header `date,kind,actual,expected` (and an
//! optional `label`), or a YAML list of maps with the same keys. `expected` may be blank.

use std::path::Path;

use serde::Deserialize;

use super::{csv_error, date_cell, find_column, number_cell, read_text, DataError, Event};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: chrono::NaiveDate,
    kind: String,
    actual: f64,
    expected: Option<f64>,
    label: Option<String>,
}

/// Reads the calendar, sorted by date; a kind may not appear twice on one date.
pub fn read(path: &Path) -> Result<Vec<Event>, DataError> {
    let text = read_text(path)?;
    let yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let mut events: Vec<(usize, Event)> = if yaml {
        read_yaml(path, &text)?
    } else {
        read_csv(path, &text)?
    };
    events.sort_by(|a, b| (a.1.date, &a.1.kind).cmp(&(b.1.date, &b.1.kind)));
    for pair in events.windows(2) {
        let ((l1, a), (l2, b)) = (&pair[0], &pair[1]);
        if a.date == b.date && a.kind == b.kind {
            return Err(DataError::Malformed {
                path: path.to_path_buf(),
                line: *l1.max(l2),
                message: format!(
                    "event '{}' on {} is listed twice (also line {})",
                    a.kind,
                    a.date,
                    l1.min(l2)
                ),
            });
        }
    }
    if events.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(events.into_iter().map(|(_, e)| e).collect())
}

fn read_csv(path: &Path, text: &str) -> Result<Vec<(usize, Event)>, DataError> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = rdr.headers().map_err(|e| csv_error(path, 0, e))?.clone();
    let cols =
        ["date", "kind", "actual", "expected"].map(|name| find_column(path, 1, &header, name));
    let [date_col, kind_col, actual_col, expected_col] = cols;
    let (date_col, kind_col, actual_col, expected_col) =
        (date_col?, kind_col?, actual_col?, expected_col?);
    let label_col = header.iter().position(|h| h.trim() == "label");
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, 0, e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let kind = cell(kind_col);
        if kind.is_empty() {
            return Err(super::bad_cell(path, line, "kind", "empty kind", kind));
        }
        let expected = match cell(expected_col) {
            "" => None,
            x => Some(number_cell(path, line, "expected", x)?),
        };
        out.push((
            line,
            Event {
                date: date_cell(path, line, "date", cell(date_col))?,
                kind: kind.to_string(),
                actual: number_cell(path, line, "actual", cell(actual_col))?,
                expected,
                label: label_col
                    .map(|c| cell(c).to_string())
                    .filter(|l| !l.is_empty()),
            },
        ));
    }
    Ok(out)
}

fn read_yaml(path: &Path, text: &str) -> Result<Vec<(usize, Event)>, DataError> {
    let raws: Vec<RawEvent> = serde_norway::from_str(text).map_err(|e| DataError::Malformed {
        path: path.to_path_buf(),
        line: e.location().map_or(1, |l| l.line()),
        message: e.to_string(),
    })?;
    // serde gives no line for a parsed item: number items by their `- ` lines.
    let item_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- "))
        .map(|(i, _)| i + 1)
        .collect();
    Ok(raws
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let line = item_lines.get(i).copied().unwrap_or(1);
            (
                line,
                Event {
                    date: r.date,
                    kind: r.kind,
                    actual: r.actual,
                    expected: r.expected,
                    label: r.label,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    #[test]
    fn csv_and_yaml_read_alike() {
        let csv = temp_file(
            "events.csv",
            b"date,kind,actual,expected,label\n2024-07-11,CPI,3.0,3.1,June CPI (y/y)\n2024-06-12,CPI,3.3,,\n",
        );
        let yaml = temp_file(
            "events.yaml",
            b"- {date: 2024-07-11, kind: CPI, actual: 3.0, expected: 3.1, label: June CPI (y/y)}\n- {date: 2024-06-12, kind: CPI, actual: 3.3}\n",
        );
        let a = read(&csv).unwrap();
        assert_eq!(a, read(&yaml).unwrap());
        assert_eq!(a[0].expected, None, "sorted by date; blank expected");
        assert_eq!(a[1].label.as_deref(), Some("June CPI (y/y)"));
    }

    #[test]
    fn a_repeated_event_names_both_lines() {
        let p = temp_file(
            "events_twice.csv",
            b"date,kind,actual,expected\n2024-07-11,CPI,3.0,3.1\n2024-07-11,CPI,3.0,3.1\n",
        );
        let e = read(&p).unwrap_err().to_string();
        assert!(e.contains("events_twice.csv:3: malformed CSV: event 'CPI' on 2024-07-11 is listed twice (also line 2)"), "{e}");
    }
}
