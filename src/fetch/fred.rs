//! FRED: the `fredgraph.csv?id=SERIES` download (no key), or the API's
//! `fred/series/observations` JSON with a key from the environment. Holidays come as `.` or
//! blank and are not observations.

use chrono::NaiveDate;

use super::http::{encode, snippet, Http};
use super::table::{Col, Row};

/// Observations of `series` from `from` on, by the keyless CSV download.
pub fn graph(
    http: &mut Http,
    base: &str,
    series: &str,
    from: NaiveDate,
) -> Result<Vec<Row>, String> {
    let url = format!(
        "{base}/graph/fredgraph.csv?id={}&cosd={from}",
        encode(series)
    );
    let body = http.body(&url)?;
    parse_csv(&body, series).map_err(|e| format!("{url}: {e}"))
}

/// Observations of `series` from `from` on, by the API, with the key in `key_env`.
pub fn api(
    http: &mut Http,
    base: &str,
    series: &str,
    from: NaiveDate,
    key_env: &str,
) -> Result<Vec<Row>, String> {
    let key = std::env::var(key_env)
        .map_err(|_| format!("the FRED API needs a key in the environment variable {key_env}"))?;
    let query = |key: &str| {
        format!(
            "{base}/fred/series/observations?series_id={}&api_key={key}&file_type=json&observation_start={from}",
            encode(series)
        )
    };
    let (url, shown) = (query(&encode(&key)), query("***"));
    let reply = http.get(&url, &[], &shown)?;
    if reply.status != 200 {
        let body = reply.body.replace(&key, "***");
        return Err(format!(
            "{shown}: HTTP {} ({})",
            reply.status,
            snippet(&body)
        ));
    }
    parse_json(&reply.body).map_err(|e| format!("{shown}: {e}"))
}

/// A `fredgraph.csv` body: a date column (`observation_date`, or `DATE` as before late 2024)
/// and the series' column.
pub fn parse_csv(body: &str, series: &str) -> Result<Vec<Row>, String> {
    let body = body.trim_start_matches('\u{feff}');
    let mut lines = body.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().ok_or("an empty body")?;
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    if !matches!(names.first(), Some(&"observation_date") | Some(&"DATE")) {
        return Err(format!(
            "not a FRED CSV: the header is '{}'",
            snippet(header)
        ));
    }
    let value = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(series))
        .ok_or_else(|| format!("no column '{series}' in the header '{header}'"))?;
    let mut rows: Vec<Row> = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let date: NaiveDate = cells[0]
            .trim()
            .parse()
            .map_err(|_| format!("line {}: '{}' is not a date", i + 2, cells[0]))?;
        let raw = cells.get(value).map_or("", |c| c.trim());
        let v = match raw {
            "" | "." => None,
            _ => Some(
                number(raw)
                    .ok_or_else(|| format!("line {}: {date}: '{raw}' is not a number", i + 2))?,
            ),
        };
        push(&mut rows, date, v)?;
    }
    Ok(rows)
}

/// An API body: `{"observations": [{"date": ..., "value": ...}, ...]}`.
pub fn parse_json(body: &str) -> Result<Vec<Row>, String> {
    let json: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| format!("not a FRED API response: {e} ({})", snippet(body)))?;
    let list = json
        .get("observations")
        .and_then(|o| o.as_array())
        .ok_or("not a FRED API response: no 'observations'")?;
    let mut rows = Vec::new();
    for o in list {
        let (Some(date), Some(raw)) = (
            o.get("date").and_then(|d| d.as_str()),
            o.get("value").and_then(|v| v.as_str()),
        ) else {
            return Err(format!("an observation without a date or value: {o}"));
        };
        let date: NaiveDate = date
            .parse()
            .map_err(|_| format!("'{date}' is not a date"))?;
        let v = match raw {
            "" | "." => None,
            _ => Some(number(raw).ok_or_else(|| format!("{date}: '{raw}' is not a number"))?),
        };
        push(&mut rows, date, v)?;
    }
    Ok(rows)
}

fn number(raw: &str) -> Option<f64> {
    raw.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Adds a row; a holiday (no value) is kept as a row without one, as FRED writes it.
fn push(rows: &mut Vec<Row>, date: NaiveDate, v: Option<f64>) -> Result<(), String> {
    if rows.last().is_some_and(|r| r.date >= date) {
        return Err(format!("dates out of order or repeated at {date}"));
    }
    let cells = v.map(|v| vec![(Col::Value, v)]).unwrap_or_default();
    rows.push(Row { date, cells });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_headers_and_holidays() {
        for header in ["observation_date,DGS10", "DATE,DGS10"] {
            let rows = parse_csv(
                &format!("{header}\n2024-07-03,4.36\n2024-07-04,.\n2024-07-05,\n2024-07-08,4.28\n"),
                "DGS10",
            )
            .unwrap();
            assert_eq!(rows.len(), 4);
            assert_eq!(rows[1].get(Col::Value), None);
            assert_eq!(rows[3].get(Col::Value), Some(4.28));
        }
        let e = parse_csv("observation_date,DGS2\n2024-07-03,4.36\n", "DGS10").unwrap_err();
        assert!(e.contains("no column 'DGS10'"), "{e}");
        let e = parse_csv("<html>rate limited</html>", "DGS10").unwrap_err();
        assert!(e.contains("not a FRED CSV"), "{e}");
    }

    #[test]
    fn api_observations() {
        let rows = parse_json(r#"{"observations":[{"date":"2024-07-03","value":"4.36"},{"date":"2024-07-04","value":"."}]}"#).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get(Col::Value), Some(4.36));
        assert_eq!(
            rows[1].get(Col::Value),
            None,
            "a holiday, kept without a value"
        );
    }
}
