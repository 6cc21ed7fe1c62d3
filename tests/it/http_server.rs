//! A test HTTP server on loopback that speaks the providers' formats, built from real files:
//! Yahoo's cookie, crumb and chart JSON from a Yahoo CSV, FRED's `fredgraph.csv` from a FRED
//! CSV, an iShares holdings download from a holdings file. A plan plays back failures first
//! (429 with Retry-After, 500s, malformed or truncated bodies) and bends the data (a renamed
//! header, a revised close, a bar still in progress, a session left out).

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A response served before the real ones, to the first request whose path starts with
/// `prefix`.
pub struct Canned {
    pub prefix: &'static str,
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// Announce a longer body than is sent, then close: a body cut short.
    pub cut_short: bool,
}

/// What the server bends.
#[derive(Default)]
pub struct Plan {
    pub canned: VecDeque<Canned>,
    /// FRED's header as it was before late 2024 (`DATE`).
    pub renamed_fred: bool,
    /// A stored session's close and adjusted close, multiplied.
    pub revise: Option<(String, f64)>,
    /// A bar served for a date beyond the file (date, close): the session in progress.
    pub extra_bar: Option<(String, String)>,
    /// Sessions left out of the chart.
    pub drop: Vec<String>,
}

pub const COOKIE: &str = "A3=d=test&S=ok";
pub const CRUMB: &str = "Abc/def.9";

/// The server; it lives as long as the test.
pub struct Server {
    pub port: u16,
    pub plan: Arc<Mutex<Plan>>,
    /// Each request's path and when it came.
    pub log: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Server {
    /// Serves `files`: a symbol (or FRED series, or `FUND_holdings`) to the real file.
    pub fn start(files: BTreeMap<String, PathBuf>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let plan = Arc::new(Mutex::new(Plan::default()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (p, l, f) = (plan.clone(), log.clone(), Arc::new(files));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (p, l, f) = (p.clone(), l.clone(), f.clone());
                std::thread::spawn(move || handle(stream, &p, &l, &f));
            }
        });
        Server { port, plan, log }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Requests so far whose path starts with `prefix`.
    pub fn requests(&self, prefix: &str) -> Vec<(Instant, String)> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(_, p)| p.starts_with(prefix))
            .cloned()
            .collect()
    }
}

fn handle(
    stream: TcpStream,
    plan: &Mutex<Plan>,
    log: &Mutex<Vec<(Instant, String)>>,
    files: &BTreeMap<String, PathBuf>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut cookie = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("cookie") {
                cookie = value.trim().to_string();
            }
        }
    }
    log.lock().unwrap().push((Instant::now(), target.clone()));
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let q: BTreeMap<&str, &str> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let canned = {
        let mut plan = plan.lock().unwrap();
        let at = plan.canned.iter().position(|c| path.starts_with(c.prefix));
        at.and_then(|i| plan.canned.remove(i))
    };
    let mut out = stream;
    if let Some(c) = canned {
        let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", c.status);
        for (n, v) in &c.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        let announced = if c.cut_short {
            c.body.len() + 5000
        } else {
            c.body.len()
        };
        head.push_str(&format!("Content-Length: {announced}\r\n\r\n"));
        let _ = out.write_all(head.as_bytes());
        let _ = out.write_all(c.body.as_bytes());
        return;
    }
    let (status, extra, body) = route(path, &q, &cookie, &plan.lock().unwrap(), files);
    let head = format!(
        "HTTP/1.1 {status} X\r\nConnection: close\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(&body);
    let _ = out.flush();
    let _ = reader.read(&mut [0u8; 0]);
}

fn route(
    path: &str,
    q: &BTreeMap<&str, &str>,
    cookie: &str,
    plan: &Plan,
    files: &BTreeMap<String, PathBuf>,
) -> (u16, String, Vec<u8>) {
    if path == "/cookie" {
        return (404, format!("Set-Cookie: {COOKIE}; Expires=Wed, 01 Dec 2027 00:00:00 GMT; Path=/; Domain=127.0.0.1\r\n"), b"Not found".to_vec());
    }
    if path == "/v1/test/getcrumb" {
        return match cookie.contains(COOKIE) {
            true => (200, String::new(), CRUMB.as_bytes().to_vec()),
            false => (401, String::new(), b"no cookie".to_vec()),
        };
    }
    if let Some(symbol) = path.strip_prefix("/v8/finance/chart/") {
        let symbol = symbol.replace("%5E", "^");
        if q.get("crumb") != Some(&"Abc%2Fdef.9") || !cookie.contains(COOKIE) {
            let body = r#"{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}"#;
            return (401, String::new(), body.as_bytes().to_vec());
        }
        let (from, to) = (
            q["period1"].parse::<i64>().unwrap(),
            q["period2"].parse::<i64>().unwrap(),
        );
        return (
            200,
            String::new(),
            chart(&files[&symbol], from, to, plan).into_bytes(),
        );
    }
    if path == "/graph/fredgraph.csv" {
        let text = std::fs::read_to_string(&files[q["id"]]).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let header = if plan.renamed_fred {
            header.replace("observation_date", "DATE")
        } else {
            header.to_string()
        };
        let mut body = header + "\n";
        for l in lines.filter(|l| l[..10] >= *q["cosd"]) {
            body.push_str(l);
            body.push('\n');
        }
        return (200, String::new(), body.into_bytes());
    }
    if let Some(fund) = path
        .strip_prefix("/fund/")
        .and_then(|f| f.strip_suffix(".ajax"))
    {
        assert_eq!(
            q.get("fileName").copied(),
            Some(format!("{fund}_holdings").as_str())
        );
        return (
            200,
            String::new(),
            std::fs::read(&files[&format!("{fund}_holdings")]).unwrap(),
        );
    }
    (404, String::new(), b"no such page".to_vec())
}

/// The instant of the 09:30 New York open of `date` (EDT from April to October, EST
/// otherwise; either way the same New York date).
fn open_of(date: &str) -> i64 {
    let d: chrono::NaiveDate = date.parse().unwrap_or_else(|e| panic!("{date:?}: {e}"));
    let summer = (4..=10).contains(&chrono::Datelike::month(&d));
    let t = d.and_hms_opt(if summer { 13 } else { 14 }, 30, 0).unwrap();
    t.and_utc().timestamp()
}

/// A Yahoo chart response from a Yahoo CSV: the rows whose open falls in [from, to].
fn chart(file: &PathBuf, from: i64, to: i64, plan: &Plan) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|s| s.replace(' ', ""))
        .collect();
    // yfinance's three-line header: the `Ticker` and `Date` lines are no rows.
    let mut rows: Vec<Vec<String>> = lines
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    if let Some((date, close)) = &plan.extra_bar {
        let mut bar = rows.last().unwrap().clone();
        bar[0] = date.clone();
        for (i, n) in names.iter().enumerate().skip(1) {
            if n == "Close" || n == "AdjClose" {
                bar[i] = close.clone();
            }
        }
        rows.push(bar);
    }
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .filter(|r| (from..=to).contains(&open_of(&r[0])) && !plan.drop.contains(&r[0]))
        .map(|mut r| {
            if let Some((date, factor)) = &plan.revise {
                if &r[0] == date {
                    for (i, n) in names.iter().enumerate() {
                        if n == "Close" || n == "AdjClose" {
                            r[i] = (r[i].parse::<f64>().unwrap() * factor).to_string();
                        }
                    }
                }
            }
            r
        })
        .collect();
    let col = |name: &str| -> String {
        let i = names.iter().position(|n| n == name).unwrap();
        let cells: Vec<&str> = rows.iter().map(|r| r[i].as_str()).collect();
        format!("[{}]", cells.join(","))
    };
    let stamps: Vec<String> = rows.iter().map(|r| open_of(&r[0]).to_string()).collect();
    let divs: Vec<String> = match names.iter().position(|n| n == "Dividends") {
        Some(i) => rows
            .iter()
            .filter(|r| r[i] != "0.0")
            .map(|r| {
                format!(
                    r#""{t}":{{"amount":{a},"date":{t}}}"#,
                    t = open_of(&r[0]),
                    a = r[i]
                )
            })
            .collect(),
        None => vec![],
    };
    let adj = match names.iter().any(|n| n == "AdjClose") {
        true => format!(r#","adjclose":[{{"adjclose":{}}}]"#, col("AdjClose")),
        false => String::new(),
    };
    format!(
        r#"{{"chart":{{"result":[{{"meta":{{"currency":"USD","exchangeTimezoneName":"America/New_York","timezone":"EDT","gmtoffset":-14400}},"timestamp":[{}],"events":{{"dividends":{{{}}}}},"indicators":{{"quote":[{{"open":{},"high":{},"low":{},"close":{},"volume":{}}}]{adj}}}}}],"error":null}}}}"#,
        stamps.join(","),
        divs.join(","),
        col("Open"),
        col("High"),
        col("Low"),
        col("Close"),
        col("Volume")
    )
}
