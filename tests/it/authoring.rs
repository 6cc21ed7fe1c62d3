//! Rule authoring: `check` on seeded mistakes (a snapshot of the whole message), the shipped
//! rules' own tests and a broken threshold, `explain` against the engine's columns, the
//! backtest's quality bar on the real data, and `backtest --write-briefs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use marketbrief::authoring::{backtest, evaluate, explain};
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::AsOf;

use crate::real_data::data_dir;
use crate::support::{files_in, golden, root, run, scratch};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const REAL: &str = "examples/real/marketbrief.yaml";

#[test]
fn check_reports_every_seeded_mistake_at_its_place() {
    let o = run(&["check", "--config", "tests/fixtures/check/run.yaml"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(o.stdout.is_empty());
    golden(&root().join("tests/fixtures/check/expected.txt"), &stderr);
    // The snapshot is blessed by hand; these hold whatever it says.
    for (place, what) in [
        (
            "mistakes.yaml:5:9: rule 'typo_metric'",
            "unknown metric 'retrun'",
        ),
        (
            "mistakes.yaml:11:9: rule 'date_against_number'",
            "type mismatch",
        ),
        (
            "mistakes.yaml:17:9: rule 'impossible_share'",
            "bad threshold",
        ),
        (
            "mistakes.yaml:28:18: rule 'fact_not_provided'",
            "uses 'small'",
        ),
        (
            "mistakes.yaml:36:30: rule 'unknown_filter'",
            "Unknown filter `percnt`",
        ),
        (
            "mistakes.yaml:44:40: rule 'wrong_kind_in_text'",
            "filter `pct` needs a number",
        ),
        (
            "mistakes.yaml:47:3: rule 'misspelt_section'",
            "unknown section",
        ),
        ("mistakes.yaml:52:3: rule 'missing_template'", "not found"),
        (
            "mistakes.yaml:58:3: rule 'impossible_share'",
            "id already used",
        ),
        (
            "mistakes.yaml:70:39: rule 'undated_holdings'",
            "without the date of its snapshot",
        ),
        ("partials/caveats.md.tera:2:30:", "expected }}"),
        (
            "partials/watch.md.tera:3:16:",
            "undefined variable 'closing_note'",
        ),
    ] {
        let line = stderr.lines().find(|l| l.contains(place));
        assert!(
            line.is_some_and(|l| l.contains(what)),
            "{place} {what}:\n{stderr}"
        );
    }
    assert!(stderr.trim_end().ends_with("12 problems"), "{stderr}");
}

#[test]
fn check_passes_the_shipped_run_files() {
    let configs = if data_dir().is_some() {
        vec![REAL, "examples/demo/marketbrief.yaml"]
    } else {
        vec!["examples/demo/marketbrief.yaml"]
    };
    for config in configs {
        let o = run(&["check", "--config", config]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(text(&o.stdout).starts_with("ok: the run file, "));
    }
}

/// A copy of the real run file in `dir` reading a copy of the shipped rules, with `edit`
/// applied to the rule files' text.
fn real_with_rules(dir: &Path, edit: impl Fn(&str) -> String) -> PathBuf {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = entry.unwrap().path();
        let t = std::fs::read_to_string(&p).unwrap();
        std::fs::write(rules.join(p.file_name().unwrap()), edit(&t)).unwrap();
    }
    let data = data_dir().expect("the real data is there");
    let run_file = std::fs::read_to_string(root().join(REAL))
        .unwrap()
        .replace("../../../shared/data", data.to_str().unwrap())
        .replace("rules: ../../rules", "rules: rules");
    let path = dir.join("marketbrief.yaml");
    std::fs::write(&path, run_file).unwrap();
    path
}

#[test]
fn shipped_rule_tests_pass_and_a_broken_threshold_fails() {
    if data_dir().is_none() {
        return;
    }
    let o = run(&["test", "--config", REAL]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    let config = RunConfig::load(&root().join(REAL)).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    let rules = &prepared.rules.rules;
    let cases: usize = (rules.iter())
        .map(|r| r.expect.fires_on.len() + r.expect.silent_on.len())
        .sum();
    assert!(
        rules.iter().all(|r| !r.expect.fires_on.is_empty()),
        "every shipped rule has a date it fires on"
    );
    assert!(
        out.contains(&format!(
            "test result: ok. {cases} passed; 0 failed; 0 ignored"
        )),
        "{out}"
    );

    // The month members of the lead family ask for a gap above 2 points; above 20 their
    // dates stop firing.
    let dir = scratch("broken_threshold");
    let from = "    21d: {t: 2}\n";
    let broken = real_with_rules(&dir, |t| match t.contains("- id: leads\n") {
        true => t.replace(from, "    21d: {t: 20}\n"),
        false => t.to_string(),
    });
    let o = run(&["test", "--config", broken.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(5), "{out}");
    assert!(out.contains("test result: FAILED."), "{out}");
    let failed: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .collect();
    // The month members' own fires_on dates fail, and so may rules that read their
    // history; nothing else.
    let month = |id: &str| id.starts_with("leads[") && id.ends_with(",21d]");
    let reads_it = |rule: &str| {
        (rules.iter().find(|r| r.id == rule)).is_some_and(|r| {
            let when = format!("{:?}", r.when);
            (rules.iter()).any(|m| month(&m.id) && when.contains(&m.id))
        })
    };
    for own in rules.iter().filter(|r| month(&r.id)) {
        for date in &own.expect.fires_on {
            let id = &own.id;
            assert!(
                failed.contains(&format!("{id} fires on {date}").as_str()),
                "{out}"
            );
        }
    }
    for f in &failed {
        let rule = f.split(' ').next().unwrap();
        assert!(month(rule) || reads_it(rule), "{f} should not fail:\n{out}");
    }
    assert!(out.contains("expected it to fire, but its condition did not hold:"));
    assert!(out.contains("✗ spread(^RUT, ^GSPC, 21d) > 20"), "{out}");
}

#[test]
fn explain_agrees_with_the_engine_on_every_rule_and_day() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join(REAL)).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    let frame = &prepared.frame;
    // The engine's columns are polars expressions; explain walks the condition in Rust,
    // value by value. They must agree everywhere (every 7th day keeps the debug build quick).
    for rule in &prepared.rules.rules {
        let column = prepared.held.column(&rule.id).unwrap().bool().unwrap();
        for row in (0..frame.calendar.len()).step_by(7) {
            let engine = column.get(row) == Some(true);
            let node = evaluate(&rule.when, frame, row);
            assert_eq!(
                node.fired(),
                engine,
                "{} on {}: {node:?}",
                rule.id,
                frame.calendar[row]
            );
        }
    }
    // On 2024-07-16 explain names the rule whose headline the brief prints; the operand of
    // its condition is the value the brief's JSON states for the same metric.
    let day = AsOf::Date(NaiveDate::from_ymd_opt(2024, 7, 16).unwrap());
    let brief = prepared.brief(day).unwrap();
    let headline = (brief.json.sentences.iter())
        .find(|s| s.part == "headline")
        .unwrap();
    let e = explain::explain(&prepared, day, Some(&headline.rule)).unwrap();
    assert_eq!(e.rules.len(), 1);
    let r = &e.rules[0];
    assert!(r.held);
    assert!(
        r.outcome.starts_with("held, printed as the headline") && r.outcome.contains("in the lead"),
        "{}: {}",
        headline.rule,
        r.outcome
    );
    let operand = &r.condition.operands[0];
    let fact = (headline.facts.values())
        .find(|f| f.metric.as_deref() == Some(operand.expr.as_str()))
        .unwrap_or_else(|| panic!("no fact of the headline is {}", operand.expr));
    assert_eq!(operand.value, fact.value);

    // Before the member matrix starts, a breadth rule is unknown, and says which data.
    let early = AsOf::Date(NaiveDate::from_ymd_opt(2015, 6, 1).unwrap());
    let e = explain::explain(&prepared, early, Some("breadth_strong[large_caps]")).unwrap();
    let node = &e.rules[0].condition;
    assert_eq!(node.holds, None);
    let missing = node.operands[0].missing.as_deref().unwrap();
    assert!(
        missing.starts_with("no value on this date (defined from 2019-"),
        "{missing}"
    );
}

#[test]
fn explain_command_prints_text_and_json() {
    if data_dir().is_none() {
        return;
    }
    let o = run(&["explain", "--config", REAL, "--as-of", "2024-07-16"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let config = RunConfig::load(&root().join(REAL)).unwrap();
    let loaded = marketbrief::rules::RuleSet::load(&config.rules_dir, &config)
        .unwrap()
        .rules
        .len();
    assert!(
        out.starts_with(&format!("2024-07-16: {loaded} rules, ")),
        "{out}"
    );
    assert_eq!(
        out.matches(": held, printed as the headline").count(),
        1,
        "one rule prints the headline: {out}"
    );
    assert!(out.contains("after_softer_inflation_report: skipped: it needs 'events'"));
    let o = run(&[
        "explain",
        "--config",
        REAL,
        "--as-of",
        "2024-07-16",
        "--rule",
        "market_day",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["rules"][0]["id"], "market_day");
    let outcome = json["rules"][0]["outcome"].as_str().unwrap();
    assert!(outcome.starts_with("held, not printed: "), "{outcome}");
    let o = run(&["explain", "--config", REAL, "--rule", "no_such_rule"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn shipped_rules_clear_the_quality_bar_on_2010_to_2025() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join(REAL)).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let rows = backtest::span(&prepared, d(2010, 1, 1), d(2025, 12, 31)).unwrap();
    let result = backtest::stats(&prepared, rows.clone());
    assert!(result.trading_days > 3900, "{}", result.trading_days);
    for r in &result.rules {
        // Recount from the engine's column, independently of the stats' own loop.
        let column = prepared.held.column(&r.id).unwrap().bool().unwrap();
        let days = rows
            .clone()
            .filter(|&i| column.get(i) == Some(true))
            .count();
        assert_eq!(r.days, days, "{}", r.id);
        assert!(r.days > 0, "{} never fires in 2010-2025", r.id);
        assert!(
            r.baseline || r.share <= backtest::NOISY_SHARE,
            "{} fires on {:.1}% of days without `baseline: true`",
            r.id,
            r.share
        );
        assert!(r.longest_run <= r.days && r.runs <= r.days);
    }
}

#[test]
fn backtest_writes_every_brief_and_counts_in_csv_and_json() {
    let dir = scratch("backtest");
    let config = "examples/demo/marketbrief.yaml";
    let briefs = dir.join("briefs");
    let o = run(&[
        "backtest",
        "--config",
        config,
        "--from",
        "2025-05-01",
        "--to",
        "2025-06-30",
        "--write-briefs",
        briefs.to_str().unwrap(),
        "--brief-format",
        "md,json",
        "--format",
        "csv",
    ]);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{err}");
    // Not a terminal: no progress bar drawn.
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
    let files = files_in(&briefs);
    let days = files.iter().filter(|f| f.ends_with(".md")).count();
    assert_eq!(files.len(), 2 * days);
    assert!(err.contains(&format!("wrote {days} briefs")), "{err}");
    // Count each rule's printed days from the JSON files, and compare.
    let mut printed: BTreeMap<String, usize> = BTreeMap::new();
    for f in files.iter().filter(|f| f.ends_with(".json")) {
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(briefs.join(f)).unwrap()).unwrap();
        for finding in j["findings"].as_array().unwrap() {
            *printed
                .entry(finding["rule"].as_str().unwrap().into())
                .or_default() += 1;
        }
    }
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("rule,section,baseline,signal,days,share,first,last,longest_run,runs,median_gap,printed")
    );
    // A member's id is quoted, for its commas.
    let body = lines.collect::<Vec<_>>().join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        records.iter().any(|r| r[0].contains(',')),
        "family members listed"
    );
    for cells in &records {
        let line = cells.iter().collect::<Vec<_>>().join(",");
        let (id, held, share, got) = (&cells[0], &cells[4], &cells[5], &cells[11]);
        let want = printed.get(id).copied().unwrap_or(0);
        assert_eq!(got, want.to_string(), "{id}");
        let held: usize = held.parse().unwrap();
        assert!(want <= held, "{id} printed on more days than it held");
        let share: f64 = share.parse().unwrap();
        assert!(
            (share - 100.0 * held as f64 / days as f64).abs() < 0.01,
            "{line}"
        );
    }
}
