//! Yahoo Finance's chart API: a session cookie, a crumb for it, then
//! `v8/finance/chart/SYMBOL?period1=...&period2=...&interval=1d`. Bars are dated in the
//! exchange's time zone (`meta.exchangeTimezoneName`); rows with a null close are skipped.

use chrono::{DateTime, Duration, NaiveDate};
use serde_json::Value;

use super::http::{encode, snippet, Http};
use super::table::{Col, Row};
use crate::calendar::to_new_york;

/// Where Yahoo's session cookie is handed out.
pub const COOKIE_URL: &str = "https://fc.yahoo.com";

/// A cookie and the crumb that goes with it.
#[derive(Debug, Clone)]
pub struct Session {
    cookie: String,
    crumb: String,
}

/// The handshakes of a run, by server: each made once; one that failed is not tried again
/// for the other symbols (a run offline fails fast, naming the first reason).
#[derive(Debug, Default)]
pub struct Sessions(std::collections::HashMap<String, Result<Session, String>>);

/// Gets a cookie from `cookie_url` and a crumb from `{base}/v1/test/getcrumb`.
pub fn handshake(http: &mut Http, base: &str, cookie_url: &str) -> Result<Session, String> {
    let reply = http.get(cookie_url, &[], cookie_url)?;
    if reply.cookies.is_empty() {
        return Err(format!(
            "{cookie_url} set no cookie (HTTP {}), so no crumb can be had",
            reply.status
        ));
    }
    let cookie = reply.cookies.join("; ");
    let url = format!("{base}/v1/test/getcrumb");
    let reply = http.get(&url, &[("Cookie", &cookie)], &url)?;
    let crumb = reply.body.trim().to_string();
    let looks_like_crumb =
        !crumb.is_empty() && crumb.len() < 64 && !crumb.contains(['<', '{', ' ']);
    if reply.status != 200 || !looks_like_crumb {
        return Err(format!(
            "{url}: no crumb (HTTP {}: {})",
            reply.status,
            snippet(&reply.body)
        ));
    }
    Ok(Session { cookie, crumb })
}

/// The daily bars of `symbol` from `from` (a date) to `to` (an instant), and the served
/// columns. A stale crumb (HTTP 401) is answered by one new handshake.
pub fn chart(
    http: &mut Http,
    sessions: &mut Sessions,
    (base, cookie_url): (&str, &str),
    symbol: &str,
    from: NaiveDate,
    to: DateTime<chrono::Utc>,
) -> Result<Vec<Row>, String> {
    let period1 = from
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    for attempt in 0..2 {
        let key = format!("{base} {cookie_url}");
        let s = match sessions.0.get(&key) {
            Some(Ok(s)) => s.clone(),
            Some(Err(e)) => return Err(format!("{e} (the handshake failed earlier in this run)")),
            None => {
                let made = handshake(http, base, cookie_url);
                sessions.0.insert(key.clone(), made.clone());
                made?
            }
        };
        let url = format!(
            "{base}/v8/finance/chart/{}?period1={period1}&period2={}&interval=1d&events=div%7Csplit&includeAdjustedClose=true&crumb={}",
            encode(symbol),
            to.timestamp(),
            encode(&s.crumb)
        );
        let reply = http.get(&url, &[("Cookie", &s.cookie)], &url)?;
        if reply.status == 401 && attempt == 0 {
            sessions.0.remove(&key);
            continue;
        }
        if reply.status != 200 {
            return Err(format!(
                "{url}: HTTP {} ({})",
                reply.status,
                snippet(&reply.body)
            ));
        }
        return parse(&reply.body).map_err(|e| format!("{url}: {e}"));
    }
    Err(format!("{base}: the crumb was refused twice"))
}

/// The rows of a chart response.
pub fn parse(body: &str) -> Result<Vec<Row>, String> {
    let json: Value = serde_json::from_str(body)
        .map_err(|e| format!("not a chart response: {e} ({})", snippet(body)))?;
    let chart = json
        .get("chart")
        .ok_or("not a chart response: no 'chart'")?;
    if let Some(err) = chart.get("error").filter(|e| !e.is_null()) {
        return Err(format!("Yahoo answered with an error: {err}"));
    }
    let result = chart
        .pointer("/result/0")
        .ok_or("not a chart response: no 'chart.result[0]'")?;
    let zone = result
        .pointer("/meta/exchangeTimezoneName")
        .and_then(Value::as_str);
    let offset = result.pointer("/meta/gmtoffset").and_then(Value::as_i64);
    let date_of = |ts: i64| -> Option<NaiveDate> {
        let t = DateTime::from_timestamp(ts, 0)?;
        Some(match (zone, offset) {
            (Some("America/New_York"), _) | (None, None) => to_new_york(t).date(),
            (_, Some(off)) => (t.naive_utc() + Duration::seconds(off)).date(),
            (Some(_), None) => to_new_york(t).date(),
        })
    };
    let Some(stamps) = result.get("timestamp").and_then(Value::as_array) else {
        // No bars in the range (a holiday, a weekend): nothing to add.
        return Ok(Vec::new());
    };
    let quote = result
        .pointer("/indicators/quote/0")
        .ok_or("not a chart response: no 'indicators.quote'")?;
    let series = |v: Option<&Value>, name: &str| -> Result<Option<Vec<Value>>, String> {
        match v {
            None => Ok(None),
            Some(Value::Array(a)) if a.len() == stamps.len() => Ok(Some(a.clone())),
            Some(_) => Err(format!("'{name}' does not have one value per timestamp")),
        }
    };
    let close = series(quote.get("close"), "close")?.ok_or("the response has no 'close' column")?;
    let columns = [
        (Col::Open, series(quote.get("open"), "open")?),
        (Col::High, series(quote.get("high"), "high")?),
        (Col::Low, series(quote.get("low"), "low")?),
        (Col::Volume, series(quote.get("volume"), "volume")?),
        (
            Col::AdjClose,
            series(
                result.pointer("/indicators/adjclose/0/adjclose"),
                "adjclose",
            )?,
        ),
    ];
    let events = |kind: &str, field: &str| -> Vec<(i64, f64)> {
        let Some(map) = result
            .pointer(&format!("/events/{kind}"))
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        map.values()
            .filter_map(|e| Some((e.get("date")?.as_i64()?, e.get(field)?.as_f64()?)))
            .collect()
    };
    let dividends = events("dividends", "amount");
    let splits: Vec<(i64, f64)> = result
        .pointer("/events/splits")
        .and_then(Value::as_object)
        .map(|map| {
            map.values()
                .filter_map(|e| {
                    let (n, d) = (
                        e.get("numerator")?.as_f64()?,
                        e.get("denominator")?.as_f64()?,
                    );
                    Some((e.get("date")?.as_i64()?, n / d))
                })
                .collect()
        })
        .unwrap_or_default();
    rows(stamps, &close, &columns, &dividends, &splits, date_of)
}

fn rows(
    stamps: &[Value],
    close: &[Value],
    columns: &[(Col, Option<Vec<Value>>)],
    dividends: &[(i64, f64)],
    splits: &[(i64, f64)],
    date_of: impl Fn(i64) -> Option<NaiveDate>,
) -> Result<Vec<Row>, String> {
    let mut out: Vec<Row> = Vec::new();
    for (i, ts) in stamps.iter().enumerate() {
        let date = ts
            .as_i64()
            .and_then(&date_of)
            .ok_or_else(|| format!("timestamp {ts} is not a time"))?;
        let Some(c) = close[i].as_f64() else {
            continue; // null: no trade that day
        };
        let mut cells = vec![(Col::Close, c)];
        for (col, values) in columns {
            if let Some(v) = values.as_ref().and_then(|v| v[i].as_f64()) {
                cells.push((*col, v));
            }
        }
        let on_day = |events: &[(i64, f64)]| {
            events
                .iter()
                .filter(|(t, _)| date_of(*t) == Some(date))
                .fold(0.0, |sum, (_, v)| sum + v)
        };
        cells.push((Col::Dividends, on_day(dividends)));
        let split = on_day(splits);
        cells.push((Col::Splits, split));
        if out.last().is_some_and(|r| r.date >= date) {
            return Err(format!("bars out of order or repeated at {date}"));
        }
        out.push(Row { date, cells });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_dated_in_new_york_and_null_rows_skipped() {
        // 2024-07-15 and 2024-07-16 at 09:30 EDT (13:30 UTC); the second bar's close is null.
        let body = r#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York","gmtoffset":-14400},
            "timestamp":[1721050200,1721136600,1721223000],
            "events":{"dividends":{"1721050200":{"amount":1.5,"date":1721050200}}},
            "indicators":{"quote":[{"open":[1,2,3],"high":[1,2,3],"low":[1,2,3],"close":[10.5,null,12],"volume":[5,6,7]}],
            "adjclose":[{"adjclose":[10,null,11.5]}]}}],"error":null}}"#;
        let rows = parse(body).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].date.to_string(), "2024-07-15");
        assert_eq!(rows[1].date.to_string(), "2024-07-17");
        assert_eq!(rows[0].get(Col::Dividends), Some(1.5));
        assert_eq!(rows[1].get(Col::AdjClose), Some(11.5));
        assert_eq!(rows[1].get(Col::Dividends), Some(0.0));
    }

    #[test]
    fn malformed_responses_are_refused() {
        for (body, why) in [
            ("<html>", "not a chart response"),
            (
                r#"{"chart":{"result":null,"error":{"code":"Not Found"}}}"#,
                "error",
            ),
            (
                r#"{"chart":{"result":[{"timestamp":[1],"indicators":{"quote":[{"open":[1]}]}}]}}"#,
                "no 'close'",
            ),
            (
                r#"{"chart":{"result":[{"timestamp":[1,2],"indicators":{"quote":[{"close":[1]}]}}]}}"#,
                "one value per timestamp",
            ),
        ] {
            let e = parse(body).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }
}
