//! The NYSE calendar against the sessions in the real price files, day by day, and the days
//! people get wrong: Good Friday, Juneteenth from 2022, 2025-01-09, Thanksgiving and the
//! early close after it, Christmas Eve, `latest` on a holiday, staleness over a long weekend.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use marketbrief::calendar::{Nyse, NOW_ENV};

use crate::support::{demo_copy, root, scratch};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dates_in(rel: &str) -> Vec<NaiveDate> {
    let text = std::fs::read_to_string(root().join("../shared/data").join(rel)).unwrap();
    text.lines()
        .filter_map(|l| l.get(..10)?.parse().ok())
        .collect()
}

#[test]
fn every_session_of_twenty_years_of_etf_prices_and_no_other_day() {
    let nyse = Nyse::default();
    for file in [
        "taeheon-kong_etf-app/SPY.csv",
        "taeheon-kong_etf-app/IWM.csv",
        "taeheon-kong_etf-app/QQQ.csv",
    ] {
        let dates = dates_in(file);
        let (first, last) = (dates[0], *dates.last().unwrap());
        assert!(
            first <= d("2005-01-03") && last >= d("2026-04-30"),
            "{file}"
        );
        let not_sessions: Vec<_> = dates.iter().filter(|d| !nyse.is_session(**d)).collect();
        assert!(
            not_sessions.is_empty(),
            "{file} trades on days the calendar closes: {not_sessions:?}"
        );
        let sessions = nyse.sessions(first, last);
        let missing: Vec<_> = sessions
            .iter()
            .filter(|s| dates.binary_search(s).is_err())
            .collect();
        assert!(
            missing.is_empty(),
            "{file} has no bar on sessions: {missing:?}"
        );
        assert_eq!(sessions.len() + 1, dates.len(), "{file}");
    }
}

#[test]
fn the_days_people_get_wrong() {
    let nyse = Nyse::default();
    let early = NaiveTime::from_hms_opt(13, 0, 0);
    let full = NaiveTime::from_hms_opt(16, 0, 0);
    // Good Friday: closed, though no federal holiday.
    for good_friday in ["2024-03-29", "2025-04-18", "2026-04-03", "2016-03-25"] {
        assert_eq!(
            nyse.closure(d(good_friday)),
            Some("Good Friday"),
            "{good_friday}"
        );
    }
    // Juneteenth from 2022 only (2021-06-18 traded), moved off the weekend.
    assert!(nyse.is_session(d("2021-06-18")));
    assert_eq!(nyse.closure(d("2022-06-20")), Some("Juneteenth"));
    assert_eq!(nyse.closure(d("2023-06-19")), Some("Juneteenth"));
    assert_eq!(
        nyse.closure(d("2027-06-18")),
        Some("Juneteenth"),
        "Saturday's, on the Friday"
    );
    // One-off closures.
    for day in [
        "2025-01-09",
        "2018-12-05",
        "2012-10-29",
        "2012-10-30",
        "2001-09-11",
    ] {
        assert!(!nyse.is_session(d(day)), "{day}");
    }
    // Thanksgiving closed, the day after closes at 13:00.
    assert_eq!(nyse.closure(d("2024-11-28")), Some("Thanksgiving"));
    assert_eq!(nyse.close_time(d("2024-11-29")), early);
    assert_eq!(nyse.close_time(d("2025-11-28")), early);
    // Christmas Eve on Monday to Thursday closes early; on a Friday it is the holiday.
    assert_eq!(nyse.close_time(d("2024-12-24")), early);
    assert_eq!(nyse.close_time(d("2025-12-24")), early);
    assert_eq!(nyse.closure(d("2021-12-24")), Some("Christmas"));
    assert_eq!(nyse.closure(d("2022-12-26")), Some("Christmas"));
    // July 3: early before a Tuesday-to-Friday Fourth; a Wednesday only from 2013.
    assert_eq!(nyse.close_time(d("2024-07-03")), early);
    assert_eq!(nyse.close_time(d("2002-07-03")), full);
    assert_eq!(nyse.close_time(d("2019-07-03")), early);
    assert_eq!(nyse.closure(d("2026-07-03")), Some("Independence Day"));
    // New Year's Day on a Saturday is not made up on the Friday.
    assert!(nyse.is_session(d("2021-12-31")));
    assert_eq!(nyse.closure(d("2023-01-02")), Some("New Year's Day"));
}

#[test]
fn the_last_closed_session_skips_holidays_and_sessions_in_progress() {
    let nyse = Nyse::default();
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    // Thanksgiving evening: Wednesday's close is the latest.
    assert_eq!(
        nyse.last_closed(at("2024-11-28T23:00:00Z")),
        d("2024-11-27")
    );
    // The day after at 12:59 and 13:01 New York time (EST, UTC-5).
    assert_eq!(
        nyse.last_closed(at("2024-11-29T17:59:00Z")),
        d("2024-11-27")
    );
    assert_eq!(
        nyse.last_closed(at("2024-11-29T18:01:00Z")),
        d("2024-11-29")
    );
    // A Saturday, and a Tuesday morning after Memorial Day.
    assert_eq!(
        nyse.last_closed(at("2025-05-31T12:00:00Z")),
        d("2025-05-30")
    );
    assert_eq!(
        nyse.last_closed(at("2025-05-27T14:00:00Z")),
        d("2025-05-23")
    );
}

/// The demo in `dir`, cut after `last`, with a `daily:` section.
fn demo_until(dir: &Path, last: &str) -> std::path::PathBuf {
    let config = demo_copy(dir);
    for entry in std::fs::read_dir(dir.join("data")).unwrap() {
        let p = entry.unwrap().path();
        if p.to_string_lossy().contains("holdings") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("20") || &l[..10] <= last)
            .collect();
        std::fs::write(&p, kept.join("\n") + "\n").unwrap();
    }
    let text = std::fs::read_to_string(&config).unwrap() + "daily:\n  out: out\n  stale_after: 1\n";
    std::fs::write(&config, text).unwrap();
    config
}

fn run_at(now: &str, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .env(NOW_ENV, now)
        .output()
        .unwrap();
    crate::support::outcome(&o)
}

#[test]
fn staleness_over_a_long_weekend_counts_sessions() {
    // The demo cut after Friday 2025-05-23; Monday 2025-05-26 is Memorial Day.
    let dir = scratch("calendar_long_weekend");
    let config = demo_until(&dir, "2025-05-23");
    let c = config.to_str().unwrap();
    // Tuesday 10:00 New York: no session has closed since Friday. Weekdays would say two.
    let (code, out, err) = run_at(
        "2025-05-27T14:00:00Z",
        &["daily", "--config", c, "--dry-run"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(2025-05-23)"), "{out}");
    // Tuesday after the close: one session behind, as allowed.
    let (code, _, err) = run_at(
        "2025-05-27T21:00:00Z",
        &["daily", "--config", c, "--dry-run"],
    );
    assert_eq!(code, 0, "{err}");
    // Wednesday after the close: two sessions behind, stale.
    let (code, _, err) = run_at(
        "2025-05-28T21:00:00Z",
        &["daily", "--config", c, "--dry-run"],
    );
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("ends on 2025-05-23, 2 sessions before the brief's date (allowed: 1)"),
        "{err}"
    );
}

#[test]
fn latest_on_a_holiday_is_the_session_before() {
    let dir = scratch("calendar_latest_holiday");
    let config = demo_until(&dir, "2025-04-17");
    let c = config.to_str().unwrap();
    // Good Friday 2025-04-18, evening: the brief is Thursday's, and fresh.
    let (code, out, err) = run_at(
        "2025-04-18T22:00:00Z",
        &["daily", "--config", c, "--dry-run", "--as-of", "latest"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(2025-04-17)"), "{out}");
    // `generate --as-of latest` on a file holding a bar for a session still in progress
    // takes the last closed session.
    let lrg = dir.join("data/LRG.csv");
    let mut text = std::fs::read_to_string(&lrg).unwrap();
    text.push_str("2025-04-21,5300,5300,5300,5300,5300,1000\n");
    std::fs::write(&lrg, text).unwrap();
    let (code, out, err) = run_at(
        "2025-04-21T15:00:00Z",
        &["generate", "--config", c, "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"data_as_of\": \"2025-04-17\""),
        "{}",
        &out[..out.len().min(400)]
    );
}
