//! `fetch` against the loopback server of `http_server.rs`, which serves the real files of
//! ../shared/data in each provider's format. A copy of a file cut a few sessions short is
//! fetched back to the whole file, byte for byte; each failure the providers are known for
//! leaves the file as it was, with a clear error; `daily --fetch` fetches the missing
//! session, publishes and mails it, and a second run does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::http_server::{Canned, Server};
use crate::support::{root, scratch};

fn shared(rel: &str) -> PathBuf {
    root().join("../shared/data").join(rel)
}

const SPY: &str = "taeheon-kong_etf-app/SPY.csv";
const DGS10: &str = "chatterjee-aryan_macro_regime_modeling/DGS10.csv";
const IWM_2025: &str = "ishares_holdings/IWM_holdings_2025-05-13__ebaybasics_SignalCraft.csv";
const IWM_2026: &str = "ishares_holdings/IWM_holdings_2026-04-10__LuxSire_PortfolioApp.csv";

/// `src` copied to `dst` with the rows after `last` left out.
fn cut(src: &Path, dst: &Path, last: &str) {
    let text = std::fs::read_to_string(src).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(|c: char| c.is_ascii_digit()) || &l[..10] <= last)
        .collect();
    std::fs::write(dst, kept.join("\n") + "\n").unwrap();
}

fn server() -> Server {
    let files = BTreeMap::from([
        ("SPY".to_string(), shared(SPY)),
        ("DGS10".to_string(), shared(DGS10)),
        ("IWM_holdings".to_string(), shared(IWM_2026)),
    ]);
    Server::start(files)
}

/// A run file in `dir` with SPY (Yahoo), DGS10 (FRED) and IWM holdings (iShares), each
/// fetched from `base`.
fn run_file(dir: &Path, base: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("holdings")).unwrap();
    let text = format!(
        "rules: {rules}
sources:
  - symbol: SPY
    name: S&P 500 (SPY)
    file: SPY.csv
    format: yahoo
    role: index
    fetch: {{provider: yahoo, base_url: '{base}', cookie_url: '{base}/cookie'}}
  - symbol: DGS10
    name: 10-year Treasury yield
    file: DGS10.csv
    format: fred
    role: macro
    fetch: {{provider: fred, base_url: '{base}'}}
  - symbol: IWM_HOLDINGS
    name: iShares Russell 2000 (IWM) holdings
    files: [holdings/IWM_holdings_*.csv]
    format: ishares
    role: holdings
    of: SPY
    fetch: {{provider: ishares, id: IWM, base_url: '{base}', url: /fund/IWM.ajax}}
",
        rules = root().join("rules").display()
    );
    let path = dir.join("marketbrief.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn fetch(config: &Path, now: &str, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["fetch", "--config", config.to_str().unwrap()])
        .args(args)
        .env(marketbrief::calendar::NOW_ENV, now)
        .output()
        .unwrap();
    crate::support::outcome(&o)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// Asserts the two files are the same, naming the first line that differs.
fn same(got: &Path, want: &Path) {
    let (g, w) = (read(got), read(want));
    if g == w {
        return;
    }
    let first = g.lines().zip(w.lines()).position(|(a, b)| a != b);
    match first {
        Some(i) => panic!(
            "{} line {}: {:?} where {} has {:?}",
            got.display(),
            i + 1,
            g.lines().nth(i),
            want.display(),
            w.lines().nth(i)
        ),
        None => panic!(
            "{}: {} lines, {} has {} (ends {:?})",
            got.display(),
            g.lines().count(),
            want.display(),
            w.lines().count(),
            &g[g.len().saturating_sub(80)..]
        ),
    }
}

/// A scratch folder with SPY cut after `spy_last`, DGS10 after 2025-09-18 and one IWM
/// snapshot; its run file.
fn setup(name: &str, server: &Server, spy_last: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    cut(&shared(SPY), &dir.join("SPY.csv"), spy_last);
    cut(&shared(DGS10), &dir.join("DGS10.csv"), "2025-09-18");
    std::fs::create_dir_all(dir.join("holdings")).unwrap();
    std::fs::copy(
        shared(IWM_2025),
        dir.join("holdings/IWM_holdings_2025-05-13.csv"),
    )
    .unwrap();
    let config = run_file(&dir, &server.base());
    (dir, config)
}

#[test]
fn fetching_restores_the_real_files_byte_for_byte() {
    let server = server();
    let (dir, config) = setup("fetch_all", &server, "2026-04-24");
    // After the close of Friday 2026-05-01 (16:00 EDT is 20:00 UTC).
    let now = "2026-05-01T21:00:00Z";
    let (code, out, err) = fetch(&config, now, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("SPY: 5 sessions added (2026-04-27 to 2026-05-01)"),
        "{out}"
    );
    assert!(
        out.contains("DGS10: 5 sessions added (2025-09-19 to 2025-09-25)"),
        "{out}"
    );
    assert!(
        out.contains("IWM_HOLDINGS: new holdings snapshot as of 2026-04-10"),
        "{out}"
    );
    same(&dir.join("SPY.csv"), &shared(SPY));
    same(&dir.join("DGS10.csv"), &shared(DGS10));
    let saved = dir.join("holdings/IWM_holdings_2026-04-10.csv");
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        std::fs::read(shared(IWM_2026)).unwrap()
    );
    // Only the missing sessions (and five before, to check them) were asked for.
    let charts = server.requests("/v8/finance/chart/SPY");
    assert_eq!(charts.len(), 1);
    let period1 = chrono::NaiveDate::from_ymd_opt(2026, 4, 17)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert!(
        charts[0]
            .1
            .contains(&format!("period1={}", period1.and_utc().timestamp())),
        "{charts:?}"
    );
    assert!(server.requests("/graph/fredgraph.csv")[0]
        .1
        .contains("cosd=2025-09-11"));
    // A second run asks for nothing it has and changes nothing.
    let (code, out, err) = fetch(&config, now, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("SPY: up to date (last session 2026-05-01)"),
        "{out}"
    );
    assert!(out.contains("IWM_HOLDINGS: up to date"), "{out}");
    assert_eq!(server.requests("/v8/finance/chart/SPY").len(), 1);
    // A dry run says what it would ask, and asks nothing.
    cut(&shared(SPY), &dir.join("SPY.csv"), "2026-04-24");
    let (code, out, _) = fetch(&config, now, &["--dry-run", "--source", "SPY"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("SPY: would ask Yahoo for SPY from 2026-04-17"),
        "{out}"
    );
    assert_eq!(server.requests("/v8/finance/chart/SPY").len(), 1);
}

#[test]
fn a_holiday_has_no_bar_and_that_is_no_error() {
    let server = server();
    let (dir, config) = setup("fetch_holiday", &server, "2024-03-27");
    // Good Friday 2024-03-29: the exchange is closed, Yahoo has no bar.
    let (code, out, err) = fetch(&config, "2024-04-02T21:00:00Z", &["--source", "SPY"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("SPY: 3 sessions added (2024-03-28 to 2024-04-02)"),
        "{out}"
    );
    let text = read(&dir.join("SPY.csv"));
    assert!(
        text.contains("\n2024-03-28,")
            && text.contains("\n2024-04-01,")
            && !text.contains("2024-03-29")
    );
}

#[test]
fn a_session_in_progress_is_not_stored() {
    let server = server();
    let (dir, config) = setup("fetch_in_progress", &server, "2024-07-10");
    // 14:00 EDT on 2024-07-16: the session is open; its bar so far is not a close.
    let (code, out, err) = fetch(&config, "2024-07-16T18:00:00Z", &["--source", "SPY"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("SPY: 3 sessions added (2024-07-11 to 2024-07-15)"),
        "{out}"
    );
    assert!(
        out.contains(
            "the session of 2024-07-16 is still in progress (it closes at 16:00 New York time)"
        ),
        "{out}"
    );
    assert!(!read(&dir.join("SPY.csv")).contains("2024-07-16"));
    // After the close it is stored.
    let (code, out, _) = fetch(&config, "2024-07-16T20:30:00Z", &["--source", "SPY"]);
    assert_eq!(code, 0);
    assert!(out.contains("SPY: 1 session added (2024-07-16)"), "{out}");
}

/// Runs a fetch of SPY that must fail with `why`, leaving the file byte for byte.
fn fails_and_leaves_the_file(
    name: &str,
    plan: impl FnOnce(&mut crate::http_server::Plan),
    why: &str,
) {
    let server = server();
    let (dir, config) = setup(name, &server, "2026-04-24");
    plan(&mut server.plan.lock().unwrap());
    let before = std::fs::read(dir.join("SPY.csv")).unwrap();
    let (code, out, err) = fetch(&config, "2026-05-01T21:00:00Z", &["--source", "SPY"]);
    assert_eq!(code, marketbrief::fetch::FETCH_EXIT, "{out}{err}");
    assert!(
        err.contains("SPY: NOT UPDATED") && err.contains(why),
        "{err}"
    );
    assert!(err.contains("could not update: SPY"), "{err}");
    assert_eq!(
        std::fs::read(dir.join("SPY.csv")).unwrap(),
        before,
        "the file as it was"
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
}

fn canned(status: u16, body: &str, cut_short: bool) -> Canned {
    Canned {
        prefix: "/v8/finance/chart",
        status,
        headers: vec![],
        body: body.to_string(),
        cut_short,
    }
}

#[test]
fn a_server_error_three_times_leaves_the_file() {
    fails_and_leaves_the_file(
        "fetch_500",
        |p| (0..3).for_each(|_| p.canned.push_back(canned(500, "oops", false))),
        "HTTP 500, 3 times",
    );
}

#[test]
fn a_malformed_body_leaves_the_file() {
    fails_and_leaves_the_file(
        "fetch_malformed",
        |p| {
            p.canned
                .push_back(canned(200, "<html>Will be right back</html>", false))
        },
        "not a chart response",
    );
}

#[test]
fn a_truncated_body_leaves_the_file() {
    let body = r#"{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York"},"timestamp":[17"#;
    fails_and_leaves_the_file(
        "fetch_truncated",
        |p| (0..3).for_each(|_| p.canned.push_back(canned(200, body, true))),
        "cut short",
    );
    // The same body with its length told honestly is cut JSON: refused as such.
    fails_and_leaves_the_file(
        "fetch_cut_json",
        |p| p.canned.push_back(canned(200, body, false)),
        "not a chart response",
    );
}

#[test]
fn a_session_left_out_is_refused() {
    fails_and_leaves_the_file(
        "fetch_gap",
        |p| p.drop.push("2026-04-29".into()),
        "skips the session(s) 2026-04-29",
    );
}

#[test]
fn a_429_is_waited_out_as_retry_after_says() {
    let server = server();
    let (dir, config) = setup("fetch_429", &server, "2026-04-24");
    let mut c = canned(429, "Too Many Requests", false);
    c.headers.push(("Retry-After", "1".into()));
    server.plan.lock().unwrap().canned.push_back(c);
    let (code, out, err) = fetch(&config, "2026-05-01T21:00:00Z", &["--source", "SPY"]);
    assert_eq!(code, 0, "{out}{err}");
    let charts = server.requests("/v8/finance/chart/SPY");
    assert_eq!(charts.len(), 2, "one refused, one served");
    assert!(
        charts[1].0 - charts[0].0 >= std::time::Duration::from_secs(1),
        "waited as told"
    );
    same(&dir.join("SPY.csv"), &shared(SPY));
}

#[test]
fn a_revised_history_is_refused_then_accepted_with_the_flag() {
    let server = server();
    let (dir, config) = setup("fetch_revised", &server, "2026-04-24");
    server.plan.lock().unwrap().revise = Some(("2026-04-22".into(), 1.02));
    let before = read(&dir.join("SPY.csv"));
    let old_close = before
        .lines()
        .find(|l| l.starts_with("2026-04-22"))
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_string();
    let (code, _, err) = fetch(&config, "2026-05-01T21:00:00Z", &["--source", "SPY"]);
    assert_eq!(code, marketbrief::fetch::FETCH_EXIT, "{err}");
    assert!(
        err.contains(&format!("2026-04-22 Close: {old_close} in the file")),
        "{err}"
    );
    assert!(
        err.contains("(+2.000%)") && err.contains("--accept-revisions"),
        "{err}"
    );
    assert_eq!(read(&dir.join("SPY.csv")), before);
    let (code, out, err) = fetch(
        &config,
        "2026-05-01T21:00:00Z",
        &["--source", "SPY", "--accept-revisions"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("5 sessions added") && out.contains("2 stored values revised"),
        "{out}"
    );
    let new_close = old_close.parse::<f64>().unwrap() * 1.02;
    let after = read(&dir.join("SPY.csv"));
    let row = after.lines().find(|l| l.starts_with("2026-04-22")).unwrap();
    assert_eq!(
        row.split(',').nth(4).unwrap().parse::<f64>().unwrap(),
        new_close,
        "{row}"
    );
}

#[test]
fn fred_under_its_old_header_is_read_and_the_file_keeps_its_own() {
    let server = server();
    let (dir, config) = setup("fetch_fred_header", &server, "2026-04-24");
    server.plan.lock().unwrap().renamed_fred = true;
    let (code, out, err) = fetch(&config, "2026-05-01T21:00:00Z", &["--source", "DGS10"]);
    assert_eq!(code, 0, "{out}{err}");
    same(&dir.join("DGS10.csv"), &shared(DGS10));
}

#[test]
fn daily_fetch_brings_the_missing_session_then_publishes_and_mails_it_once() {
    use crate::daily::{daily_demo, free_port, LAST};
    use crate::daily_safety::{server as smtp, smtp_block};
    let port = free_port();
    let (dir, config) = daily_demo("daily_fetch", &smtp_block(port, "none", ""));
    let Some(mail) = smtp(&dir, port, &[]) else {
        return;
    };
    let demo = root().join("examples/demo/data");
    let files = BTreeMap::from([
        ("LRG".to_string(), demo.join("LRG.csv")),
        ("SML".to_string(), demo.join("SML.csv")),
        ("TEC".to_string(), demo.join("TEC.csv")),
        ("DGS10".to_string(), demo.join("treasury_10y.csv")),
    ]);
    let http = Server::start(files);
    let base = http.base();
    // The data one session behind: the last close (Friday 2025-06-27) is missing.
    let mut text = read(&config);
    for (file, provider) in [
        ("LRG.csv", "yahoo"),
        ("SML.csv", "yahoo"),
        ("TEC.csv", "yahoo"),
        ("treasury_10y.csv", "fred"),
    ] {
        cut(&demo.join(file), &dir.join("data").join(file), "2025-06-26");
        let line = format!("    file: data/{file}\n");
        let block = format!("{line}    fetch: {{provider: {provider}, base_url: '{base}', cookie_url: '{base}/cookie'}}\n");
        assert!(text.contains(&line));
        text = text.replace(&line, &block);
    }
    std::fs::write(&config, text).unwrap();
    let daily = |now: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
            .args(["daily", "--fetch", "--config", config.to_str().unwrap()])
            .env(marketbrief::calendar::NOW_ENV, now)
            .env_remove("MARKETBRIEF_SMTP_USER")
            .env_remove("MARKETBRIEF_SMTP_PASSWORD")
            .output()
            .unwrap();
        crate::support::outcome(&o)
    };
    // Without fetching, the run would refuse the stale data; with it, it fetches the session.
    let before = mail.count();
    let (code, out, err) = daily("2025-06-27T21:00:00Z");
    assert_eq!(code, 0, "{out}{err}");
    for symbol in ["LRG", "SML", "TEC", "DGS10"] {
        assert!(
            out.contains(&format!("fetch: {symbol}: 1 session added ({LAST})")),
            "{out}"
        );
    }
    assert!(
        out.contains(&format!("published the brief for {LAST}")),
        "{out}"
    );
    assert_eq!(mail.count(), before + 1, "one message");
    assert!(dir.join(format!("out/{LAST}/brief-{LAST}.md")).exists());
    // The closes fetched are the demo's closes.
    for file in ["LRG.csv", "treasury_10y.csv"] {
        let (got, want) = (read(&dir.join("data").join(file)), read(&demo.join(file)));
        let last = |t: &str| {
            t.lines()
                .last()
                .unwrap()
                .split(',')
                .map(|c| c.parse::<f64>().ok())
                .collect::<Vec<_>>()
        };
        assert_eq!(last(&got), last(&want), "{file}");
    }
    // A second run fetches nothing (no request made) and sends nothing.
    let charts = http.requests("/v8/finance/chart").len();
    let (code, out, err) = daily("2025-06-27T21:30:00Z");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("fetch: LRG: up to date (last session 2025-06-27)"),
        "{out}"
    );
    assert!(out.contains("already published and sent"), "{out}");
    assert_eq!(http.requests("/v8/finance/chart").len(), charts);
    assert_eq!(mail.count(), before + 1, "still one message");
}

#[test]
fn offline_every_source_fails_fast_and_is_named() {
    let dir = scratch("fetch_offline");
    cut(&shared(SPY), &dir.join("SPY.csv"), "2026-04-24");
    cut(&shared(SPY), &dir.join("SPY2.csv"), "2026-04-24");
    // A port nothing listens on.
    let base = format!("http://127.0.0.1:{}", crate::daily::free_port());
    let block = |sym: &str, file: &str| {
        format!("  - symbol: {sym}\n    name: {sym}\n    file: {file}\n    format: yahoo\n    role: index\n    fetch: {{provider: yahoo, id: SPY, base_url: '{base}', cookie_url: '{base}/cookie'}}\n")
    };
    let text = format!(
        "rules: {}\nsources:\n{}{}",
        root().join("rules").display(),
        block("SPY", "SPY.csv"),
        block("SPY2", "SPY2.csv")
    );
    let config = dir.join("marketbrief.yaml");
    std::fs::write(&config, text).unwrap();
    let before = std::fs::read(dir.join("SPY.csv")).unwrap();
    let (code, _, err) = fetch(&config, "2026-05-01T21:00:00Z", &[]);
    assert_eq!(code, marketbrief::fetch::FETCH_EXIT, "{err}");
    assert!(
        err.contains("SPY: NOT UPDATED") && err.contains("connection failed"),
        "{err}"
    );
    assert!(
        err.contains("SPY2: NOT UPDATED")
            && err.contains("the handshake failed earlier in this run"),
        "{err}"
    );
    assert!(err.contains("could not update: SPY, SPY2"), "{err}");
    assert_eq!(std::fs::read(dir.join("SPY.csv")).unwrap(), before);
}
