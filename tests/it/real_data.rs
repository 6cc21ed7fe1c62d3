//! Figures on the real data in ../shared/data, checked against values this test computes on
//! its own from the CSV files (plain line splitting and arithmetic, not the metric code).
//! When the data is missing the tests fail under CI and are skipped elsewhere.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};

use crate::support::{root, scratch};

const DATES: &[&str] = &[
    "2019-12-31",
    "2020-03-23",
    "2022-06-16",
    "2024-01-02",
    "2024-07-16",
    "2024-09-10",
    "2025-04-08",
    "2025-05-12",
];

/// The dates the run file tells by the index levels (its `universe: {index, fund}`): from the
/// 252nd session of the latest-starting index file to the end of the earliest-ending one.
pub fn index_span(data: &std::path::Path) -> (NaiveDate, NaiveDate) {
    let files = [
        "tapi262_portfolio_opt/RUT.csv",
        "derived/index_GSPC_daily_2010-01-04_2025-04-29.csv",
        "derived/index_NDX_daily_2010-01-04_2025-04-29.csv",
    ];
    let rows: Vec<Vec<(NaiveDate, f64)>> = files.iter().map(|f| yahoo(&data.join(f))).collect();
    let from = rows.iter().map(|r| r[251].0).max().unwrap();
    let to = rows.iter().map(|r| r.last().unwrap().0).min().unwrap();
    (from, to)
}

pub fn data_dir() -> Option<PathBuf> {
    let dir = root().join("../shared/data");
    if dir.join("taeheon-kong_etf-app/SPY.csv").exists() {
        return Some(dir.canonicalize().unwrap());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared/data is missing under CI"
    );
    eprintln!("skipping: ../shared/data is missing");
    None
}

/// (date, close) rows of a one-header Yahoo CSV, read by column name.
pub fn yahoo(path: &PathBuf) -> Vec<(NaiveDate, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let close = header.iter().position(|h| *h == "Close").unwrap();
    // yfinance's three-line header ("Ticker,^RUT", "Date,,") holds no close.
    lines
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), f[close].parse().unwrap())
        })
        .collect()
}

/// Percent return from the close `back` rows earlier.
pub fn ret_rows(rows: &[(NaiveDate, f64)], i: usize, back: usize) -> f64 {
    (rows[i].1 / rows[i - back].1 - 1.0) * 100.0
}

/// Percent return since the last close of the previous period, periods keyed by `key`.
pub fn ret_period(
    rows: &[(NaiveDate, f64)],
    i: usize,
    key: impl Fn(NaiveDate) -> (i32, u32),
) -> f64 {
    let k = key(rows[i].0);
    let base = (0..i).rev().find(|&j| key(rows[j].0) != k).unwrap();
    (rows[i].1 / rows[base].1 - 1.0) * 100.0
}

/// Share of members above their 200-day average on `date`, and how many had 200 days.
fn breadth(path: &PathBuf, date: NaiveDate) -> (f64, i64) {
    let text = std::fs::read_to_string(path).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let end = rows
        .iter()
        .position(|r| r[0].parse::<NaiveDate>().unwrap() == date)
        .unwrap();
    let (mut above, mut counted) = (0, 0);
    for t in 1..rows[0].len() {
        // A close of zero or below is read as missing (one R2K member has 62 of them).
        let closes: Vec<f64> = rows[..=end]
            .iter()
            .filter_map(|r| r[t].parse().ok())
            .filter(|x: &f64| *x > 0.0)
            .collect();
        if closes.len() >= 200 {
            let sma = closes[closes.len() - 200..].iter().sum::<f64>() / 200.0;
            counted += 1;
            if *closes.last().unwrap() > sma {
                above += 1;
            }
        }
    }
    (100.0 * above as f64 / counted as f64, counted)
}

/// Sum of the ten largest equity weights of an iShares file.
fn top10(path: &PathBuf) -> f64 {
    let text = std::fs::read_to_string(path).unwrap();
    let start = text
        .lines()
        .position(|l| l.trim_start_matches('\u{feff}').starts_with("Ticker,"))
        .unwrap();
    let table: Vec<&str> = text
        .lines()
        .skip(start)
        .take_while(|l| !l.trim().is_empty() && !l.starts_with(" ,"))
        .collect();
    let table = table.join("\n");
    let mut rdr = csv::Reader::from_reader(table.as_bytes());
    let mut w: Vec<f64> = Vec::new();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    let (class, weight, ticker) = (col("Asset Class"), col("Weight (%)"), col("Ticker"));
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[class] == "Equity" && &r[ticker] != "-" {
            w.push(r[weight].parse().unwrap());
        }
    }
    w.sort_by(|a, b| b.total_cmp(a));
    w[..10].iter().sum()
}

const RULES: &str = r#"
- id: prices
  section: performance
  priority: 3
  when: close(large_caps) > 0
  facts:
    spy_1d: return(large_caps, 1d)
    spy_5d: return(large_caps, 5d)
    spy_wtd: return(large_caps, wtd)
    spy_mtd: return(large_caps, mtd)
    spy_ytd: return(large_caps, ytd)
    iwm_21d: return(small_caps, 21d)
    gap_21d: spread(small_caps, large_caps, 21d)
    ratio: ratio(small_caps, large_caps)
    bear_line: line(large_caps, 252d, -20)
    to_bear: to_line(large_caps, 252d, -20)
    bull_line: line(small_caps, 252d, 20)
    to_bull: to_line(small_caps, 252d, 20)
  says: "{{ spy_1d | pct }}"
- id: sp500_breadth
  section: breadth
  priority: 2
  when: members_counted(large_caps, 200) > 0
  facts:
    share: share_above_sma(large_caps, 200)
    counted: members_counted(large_caps, 200)
  says: "{{ share | pct }}"
- id: r2k_breadth
  section: breadth
  priority: 1
  when: members_counted(small_caps, 200) > 0
  facts:
    share: share_above_sma(small_caps, 200)
    counted: members_counted(small_caps, 200)
  says: "{{ share | pct }}"
- id: holdings
  section: concentration
  priority: 1
  when: top_weight(large_caps, 10) > 0
  facts:
    top10: top_weight(large_caps, 10)
    snapshot: holdings_date(large_caps)
  says: "{{ top10 | pct }}"
"#;

fn brief_json(date: &str) -> serde_json::Value {
    let run_file = real_run_file(&format!("real_{date}"), RULES);
    crate::support::brief_json(&run_file, date)
}

/// The real run file in a scratch folder `name`, with `rules` as its only rule file.
fn real_run_file(name: &str, rules: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/facts.yaml"), rules).unwrap();
    let run_file = std::fs::read_to_string(root().join("examples/real/marketbrief.yaml")).unwrap();
    let data = data_dir().unwrap();
    let run_file = run_file
        .replace("../../../shared/data", data.to_str().unwrap())
        .replace("rules: ../../rules", "rules: rules");
    std::fs::write(dir.join("marketbrief.yaml"), run_file).unwrap();
    dir.join("marketbrief.yaml")
}

#[test]
fn the_fact_check_refuses_an_index_and_its_fund_with_two_numbers() {
    let Some(_) = data_dir() else { return };
    // One rule names the entity, the other its fund: on a day the index tells, the two
    // returns of the day differ (the fund's adjusted close moves with its own costs and
    // dividends).
    let rules = r#"
- id: entity_day
  section: performance
  priority: 2
  when: close(large_caps) > 0
  facts:
    day: return(large_caps, 1d)
  says: "The S&P 500 moved {{ day | pct(signed=true) }}."
- id: fund_day
  section: performance
  priority: 1
  when: close(SPY) > 0
  facts:
    day: return(SPY, 1d)
  says: "SPY moved {{ day | pct(signed=true) }}."
"#;
    let run_file = real_run_file("one_number", rules);
    let generate = |date: &str| {
        crate::support::outcome(&crate::support::run(&[
            "generate",
            "--config",
            run_file.to_str().unwrap(),
            "--as-of",
            date,
        ]))
    };
    let (code, out, err) = generate("2024-07-25");
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.is_empty(), "no half-written brief: {out}");
    assert!(
        err.contains("two values") && err.contains("facts.yaml"),
        "{err}"
    );
    // Where the fund tells the S&P 500, both rules read SPY: one number, and the brief is
    // written.
    let (code, out, err) = generate("2025-08-08");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("SPY moved"), "{out}");
}

fn facts(json: &serde_json::Value, rule: &str) -> Option<BTreeMap<String, serde_json::Value>> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .map(|f| serde_json::from_value(f["facts"].clone()).unwrap())
}

fn close_to(got: &serde_json::Value, want: f64, what: &str) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {got}"));
    assert!(
        (g - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: got {g}, want {want}"
    );
}

#[test]
fn returns_spreads_ratio_breadth_and_top10_match_the_files() {
    let Some(data) = data_dir() else { return };
    let (spy_fund, iwm_fund) = (
        yahoo(&data.join("taeheon-kong_etf-app/SPY.csv")),
        yahoo(&data.join("taeheon-kong_etf-app/IWM.csv")),
    );
    let (gspc, rut) = (
        yahoo(&data.join("derived/index_GSPC_daily_2010-01-04_2025-04-29.csv")),
        yahoo(&data.join("tapi262_portfolio_opt/RUT.csv")),
    );
    let (from, to) = index_span(&data);
    let mut told = [0, 0];
    let sp_matrix = data.join("derived/sp500_members_close_wide_2019-01-02_2024-09-10.csv");
    let r2k_matrix =
        data.join("derived/russell2000_members2025_adjclose_wide_2023-09-01_2025-05-13.csv");
    for date in DATES {
        let d: NaiveDate = date.parse().unwrap();
        let json = brief_json(date);
        assert_eq!(json["data_as_of"], *date);
        // Large and small caps are the indexes' levels where the run tells the date by them,
        // the funds' adjusted closes elsewhere.
        let by_index = d >= from && d <= to;
        told[usize::from(by_index)] += 1;
        let (spy, iwm) = match by_index {
            true => (&gspc, &rut),
            false => (&spy_fund, &iwm_fund),
        };
        let i = spy.iter().position(|r| r.0 == d).unwrap();
        assert_eq!(iwm[i].0, d, "large and small caps share dates");
        let f = facts(&json, "prices").expect("prices rule always holds");
        close_to(&f["spy_1d"], ret_rows(spy, i, 1), "spy_1d");
        close_to(&f["spy_5d"], ret_rows(spy, i, 5), "spy_5d");
        let week = |d: NaiveDate| (d.iso_week().year(), d.iso_week().week());
        close_to(&f["spy_wtd"], ret_period(spy, i, week), "spy_wtd");
        close_to(
            &f["spy_mtd"],
            ret_period(spy, i, |d| (d.year(), d.month())),
            "spy_mtd",
        );
        close_to(
            &f["spy_ytd"],
            ret_period(spy, i, |d| (d.year(), 0)),
            "spy_ytd",
        );
        close_to(&f["iwm_21d"], ret_rows(iwm, i, 21), "iwm_21d");
        close_to(
            &f["gap_21d"],
            ret_rows(iwm, i, 21) - ret_rows(spy, i, 21),
            "gap_21d",
        );
        close_to(&f["ratio"], iwm[i].1 / spy[i].1, "ratio");
        // The bear-market line is 80% of the highest of the last 252 closes, the bull-market
        // line 120% of the lowest; each is also a distance from today's close.
        let year = |rows: &[(NaiveDate, f64)]| {
            rows[i + 1 - 252..=i]
                .iter()
                .map(|r| r.1)
                .collect::<Vec<_>>()
        };
        let high = year(spy).into_iter().fold(f64::MIN, f64::max);
        let low = year(iwm).into_iter().fold(f64::MAX, f64::min);
        close_to(&f["bear_line"], high * 0.8, "bear_line");
        close_to(
            &f["to_bear"],
            (high * 0.8 / spy[i].1 - 1.0) * 100.0,
            "to_bear",
        );
        close_to(&f["bull_line"], low * 1.2, "bull_line");
        close_to(
            &f["to_bull"],
            (low * 1.2 / iwm[i].1 - 1.0) * 100.0,
            "to_bull",
        );

        if d <= "2024-09-10".parse().unwrap() {
            let (share, counted) = breadth(&sp_matrix, d);
            let b = facts(&json, "sp500_breadth").expect("S&P 500 breadth on a date of the matrix");
            close_to(&b["share"], share, "sp500 share");
            assert_eq!(b["counted"], counted);
        }
        if d >= "2024-07-01".parse().unwrap() {
            let (share, counted) = breadth(&r2k_matrix, d);
            let b = facts(&json, "r2k_breadth").expect("Russell 2000 breadth");
            close_to(&b["share"], share, "r2k share");
            assert_eq!(b["counted"], counted);
        }
        let holdings = data.join("ishares_holdings");
        let expected_top10 = if d >= "2023-12-20".parse().unwrap() {
            Some((
                top10(&holdings.join("IVV_holdings_2023-12-20__AdhamNader.csv")),
                "2023-12-20",
            ))
        } else if d >= "2023-04-06".parse().unwrap() {
            Some((
                top10(&holdings.join("IVV_holdings_2023-04-06__martinbel_shiny-python.csv")),
                "2023-04-06",
            ))
        } else {
            None
        };
        match (expected_top10, facts(&json, "holdings")) {
            (Some((w, snap)), Some(h)) => {
                close_to(&h["top10"], w, "top10");
                assert_eq!(h["snapshot"], snap);
            }
            (None, None) => {}
            (want, got) => panic!("{date}: holdings expected {want:?}, got {got:?}"),
        }
    }
    assert!(told.iter().all(|&n| n > 0), "dates told each way: {told:?}");
}

#[test]
fn provenance_sanity_checks_hold() {
    // PROVENANCE.md's own figures, computed by its authors another way.
    let Some(_) = data_dir() else { return };
    let json = brief_json("2024-07-16");
    let r2k = facts(&json, "r2k_breadth").unwrap();
    assert_eq!((r2k["share"].as_f64().unwrap() * 10.0).round() / 10.0, 75.3);
    let h = facts(&json, "holdings").unwrap();
    assert_eq!(
        (h["top10"].as_f64().unwrap() * 100.0).round() / 100.0,
        31.07
    );
}
