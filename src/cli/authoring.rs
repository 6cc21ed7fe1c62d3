//! The rule-authoring commands: `check`, `explain`, `test`, `backtest`, and `verify` for a
//! writer's edited draft.

use std::io::IsTerminal;
use std::path::Path;

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};

use super::Failure;
use crate::authoring::{backtest as bt, explain as ex, lint, ruletest};
use crate::brief::{AsOf, Error, Prepared};
use crate::config::{OutputFormat, RunConfig};
use crate::rules::family::names as family_names;

/// Exit code of `test` when a rule test fails.
pub const TESTS_FAILED: i32 = 5;

/// Exit code of `verify` when a figure of the draft is contradicted or unverified.
pub const DRAFT_UNSUPPORTED: i32 = 10;

fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes());
}

fn load(config: &Path) -> Result<RunConfig, Failure> {
    Ok(RunConfig::load(config).map_err(Error::from)?)
}

/// `--rule ID` must name a rule of the run (skipped ones included), or a family of them: exit
/// 2 otherwise.
fn known_rule(prepared: &Prepared, config: &RunConfig, rule: Option<&str>) -> Result<(), Failure> {
    let Some(id) = rule else { return Ok(()) };
    let names = |r: &str| family_names(id, r);
    let known = prepared.rules.rules.iter().any(|r| names(&r.id))
        || prepared.rules.skipped.iter().any(|(s, _)| names(s));
    if known {
        return Ok(());
    }
    Err(Failure {
        message: format!("no rule '{id}' in {}", config.rules_dir.display()),
        code: 2,
    })
}

/// `backtest --days RULE`: the days a rule, or each member of a family, held.
pub fn held_days(
    config: &Path,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    rule: &str,
) -> Result<(), Failure> {
    let config = load(config)?;
    let mut prepared = Prepared::new(&config)?;
    // Explanations, tests and backtests read findings and texts, never the charts.
    prepared.draw_charts = false;
    known_rule(&prepared, &config, Some(rule))?;
    let rows = bt::span(&prepared, from, to)?;
    let mut out = String::new();
    let polars = |e: polars::prelude::PolarsError| Error::from(crate::rules::RuleError::Polars(e));
    for r in (prepared.rules.rules.iter()).filter(|r| family_names(rule, &r.id)) {
        let held = prepared.held.column(&r.id).map_err(polars)?;
        let held = held.bool().map_err(polars)?;
        for i in rows.clone() {
            if held.get(i) == Some(true) {
                out.push_str(&format!("{} {}\n", prepared.frame.calendar[i], r.id));
            }
        }
    }
    print(&out);
    Ok(())
}

/// `check`: every problem of the run file, rules and templates; exit 3 if there are any.
pub fn check(config: &Path) -> Result<(), Failure> {
    let report = lint::check(config);
    if report.problems.is_empty() {
        print(&report.summary());
        return Ok(());
    }
    Err(Failure {
        message: report.to_string(),
        code: 3,
    })
}

/// `explain`: each rule's condition, value by value, on one date.
pub fn explain(
    config: &Path,
    as_of: AsOf,
    rule: Option<&str>,
    format: &str,
) -> Result<(), Failure> {
    let config = load(config)?;
    let mut prepared = Prepared::new(&config)?;
    // Explanations, tests and backtests read findings and texts, never the charts.
    prepared.draw_charts = false;
    known_rule(&prepared, &config, rule)?;
    let explanation = ex::explain(&prepared, as_of, rule)?;
    match format {
        "json" => {
            let mut s = serde_json::to_string_pretty(&explanation).expect("plain data");
            s.push('\n');
            print(&s);
        }
        _ => print(&explanation.human()),
    }
    Ok(())
}

/// `test`: the rules' `expect:` dates; exit 5 if any fails.
pub fn test(config: &Path, rule: Option<&str>) -> Result<(), Failure> {
    let config = load(config)?;
    let mut prepared = Prepared::new(&config)?;
    // Explanations, tests and backtests read findings and texts, never the charts.
    prepared.draw_charts = false;
    known_rule(&prepared, &config, rule)?;
    let cases = ruletest::run(&prepared, rule);
    let untested: Vec<String> = (prepared.rules.rules.iter())
        .filter(|r| rule.is_none_or(|o| o == r.id))
        .filter(|r| r.expect.fires_on.is_empty() && r.expect.silent_on.is_empty())
        .map(|r| r.id.clone())
        .collect();
    let skipped: Vec<String> = (prepared.rules.skipped.iter())
        .filter(|(id, _)| rule.is_none_or(|o| o == id))
        .map(|(id, _)| id.clone())
        .collect();
    let (report, ok) = ruletest::report(&cases, &untested, &skipped);
    print(&report);
    if ok {
        Ok(())
    } else {
        Err(Failure {
            message: "rule tests failed".into(),
            code: TESTS_FAILED,
        })
    }
}

/// `backtest`: per-rule counts over a span, and optionally every day's brief written.
pub fn backtest(
    config: &Path,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    write_briefs: Option<&Path>,
    brief_format: Vec<OutputFormat>,
    format: &str,
) -> Result<(), Failure> {
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(Failure {
                message: format!("--from {f} is after --to {t}"),
                code: 2,
            });
        }
    }
    let config = load(config)?;
    let mut prepared = Prepared::new(&config)?;
    // Explanations, tests and backtests read findings and texts, never the charts.
    prepared.draw_charts = false;
    let rows = bt::span(&prepared, from, to)?;
    let mut result = bt::stats(&prepared, rows.clone());
    if let Some(dir) = write_briefs {
        let formats = if brief_format.is_empty() {
            config.formats.clone()
        } else {
            brief_format
        };
        // A bar only for a person watching: none when stderr is a file or a pipe.
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new(rows.len() as u64)
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} briefs, {eta} left") {
            bar.set_style(style);
        }
        let (written, printed) = bt::write_briefs(&prepared, rows, dir, &formats, &|| bar.inc(1))?;
        bar.finish_and_clear();
        eprintln!("wrote {written} briefs to {}", dir.display());
        result = result.with_printed(written, &printed);
    }
    match format {
        "csv" => print(&result.csv()),
        "json" => {
            let mut s = serde_json::to_string_pretty(&result).expect("plain data");
            s.push('\n');
            print(&s);
        }
        _ => print(&result.table()),
    }
    Ok(())
}

/// `verify`: a writer's draft against the data of its date; exit 10 if a figure is not
/// supported.
pub fn verify(config: &Path, as_of: AsOf, draft: &Path, format: &str) -> Result<(), Failure> {
    let markdown = std::fs::read_to_string(draft).map_err(|e| Failure {
        message: format!("reading {}: {e}", draft.display()),
        code: 1,
    })?;
    let config = load(config)?;
    let mut prepared = Prepared::new(&config)?;
    prepared.draw_charts = false;
    let report = crate::verify::verify(&prepared, &config, as_of, draft, &markdown)?;
    match format {
        "json" => {
            let mut s = serde_json::to_string_pretty(&report).expect("plain data");
            s.push('\n');
            print(&s);
        }
        _ => print(&report.human()),
    }
    match report.problems().count() {
        0 => Ok(()),
        n => Err(Failure {
            message: format!(
                "{n} figure{} of {} {} not supported by the data of {}",
                if n == 1 { "" } else { "s" },
                draft.display(),
                if n == 1 { "is" } else { "are" },
                report.data_as_of
            ),
            code: DRAFT_UNSUPPORTED,
        }),
    }
}
