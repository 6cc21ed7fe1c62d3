//! Rule tests: a rule's `expect: {fires_on: [...], silent_on: [...]}` dates, checked against
//! the run file's data and reported like a test runner.

use chrono::NaiveDate;
use serde::Serialize;

use super::evaluate;
use crate::brief::Prepared;

/// One expected date of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// Rule id.
    pub rule: String,
    /// `file:line` of the rule's `expect:`.
    pub location: String,
    /// The date.
    pub date: NaiveDate,
    /// `true` for `fires_on`, `false` for `silent_on`.
    pub fires: bool,
    /// Why it failed, or `None` when it passed.
    pub failure: Option<String>,
    /// Why it was not run: its date is outside this run file's data.
    pub ignored: Option<String>,
}

impl Case {
    /// `fires on 2024-07-16` or `silent on ...`.
    pub fn name(&self) -> String {
        let what = if self.fires { "fires on" } else { "silent on" };
        format!("{} {what} {}", self.rule, self.date)
    }
}

/// Runs every rule's expected dates (or only those of rule `only`).
pub fn run(prepared: &Prepared, only: Option<&str>) -> Vec<Case> {
    let frame = &prepared.frame;
    let cal = &frame.calendar;
    let mut cases = Vec::new();
    for rule in &prepared.rules.rules {
        if only.is_some_and(|o| !crate::rules::family::names(o, &rule.id)) {
            continue;
        }
        let location = format!("{}:{}", rule.path.display(), rule.expect.line);
        let dates = (rule.expect.fires_on.iter().map(|d| (*d, true)))
            .chain(rule.expect.silent_on.iter().map(|d| (*d, false)));
        for (date, fires) in dates {
            let (first, last) = (cal[0], cal[cal.len() - 1]);
            let ignored = (date < first || date > last)
                .then(|| format!("outside the data, which runs from {first} to {last}"));
            let failure = match cal.binary_search(&date) {
                _ if ignored.is_some() => None,
                Err(i) => Some(format!(
                    "{date} is not a trading day in the data (the one before is {})",
                    cal[i - 1]
                )),
                Ok(row) => {
                    let node = evaluate(&rule.when, frame, row);
                    (node.fired() != fires).then(|| {
                        let mut lines = vec![if fires {
                            "expected it to fire, but its condition did not hold:".to_string()
                        } else {
                            "expected it to stay silent, but its condition held:".to_string()
                        }];
                        node.lines(1, &mut lines);
                        lines.join("\n")
                    })
                }
            };
            cases.push(Case {
                rule: rule.id.clone(),
                location: location.clone(),
                date,
                fires,
                failure,
                ignored,
            });
        }
    }
    cases
}

/// The report, as `cargo test` prints one, and whether every case passed. `untested` are
/// rules without `expect:`, `skipped` rules the run leaves out for lack of data.
pub fn report(cases: &[Case], untested: &[String], skipped: &[String]) -> (String, bool) {
    let rules: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.rule.as_str()).collect();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut out = format!(
        "running {} rule test{} from {} rule{}\n",
        cases.len(),
        plural(cases.len()),
        rules.len(),
        plural(rules.len())
    );
    for c in cases {
        let verdict = match (&c.failure, &c.ignored) {
            (Some(_), _) => "FAILED".to_string(),
            (None, Some(why)) => format!("ignored, {why}"),
            (None, None) => "ok".to_string(),
        };
        out.push_str(&format!("test {} ... {verdict}\n", c.name()));
    }
    let failed: Vec<&Case> = cases.iter().filter(|c| c.failure.is_some()).collect();
    if !failed.is_empty() {
        out.push_str("\nfailures:\n");
        for c in &failed {
            out.push_str(&format!(
                "\n---- {} ----\n{}: {}\n",
                c.name(),
                c.location,
                c.failure.as_deref().unwrap_or_default()
            ));
        }
        out.push_str("\nfailures:\n");
        for c in &failed {
            out.push_str(&format!("    {}\n", c.name()));
        }
    }
    if !untested.is_empty() {
        out.push_str(&format!(
            "\nrules without expect: {}\n",
            untested.join(", ")
        ));
    }
    if !skipped.is_empty() {
        out.push_str(&format!(
            "\nrules left out for data the run file marks absent: {}\n",
            skipped.join(", ")
        ));
    }
    let ignored = cases.iter().filter(|c| c.ignored.is_some()).count();
    let passed = cases.len() - failed.len() - ignored;
    let ok = failed.is_empty();
    out.push_str(&format!(
        "\ntest result: {}. {passed} passed; {} failed; {ignored} ignored\n",
        if ok { "ok" } else { "FAILED" },
        failed.len()
    ));
    (out, ok)
}
