//! Rule files as written, and their validation into [`Rule`]s.
//!
//! serde gives line and column for syntax errors and unknown keys. For problems found after
//! parsing (an unknown metric, a bad section) the line is found in the text: the rule's `id:`
//! line, or the first line of that rule that contains the offending expression.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::expr::{parse_call, parse_comparison, Operand};
use super::kinds;
use super::{Condition, Expect, Rule, RuleProblem, Says, Side, SECTIONS};
use crate::config::RunConfig;
use crate::metrics::{CallError, Metric};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    section: String,
    priority: i64,
    group: Option<String>,
    when: RawCondition,
    #[serde(default)]
    facts: BTreeMap<String, String>,
    #[serde(default)]
    maybe: BTreeMap<String, String>,
    says: Option<Wording>,
    template: Option<String>,
    takeaway: Option<Wording>,
    headline: Option<Wording>,
    watch: Option<Wording>,
    clause: Option<Wording>,
    #[serde(default)]
    applies_to: Vec<String>,
    #[serde(default)]
    baseline: bool,
    show: Option<bool>,
    expect: Option<RawExpect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    fires_on: Vec<chrono::NaiveDate>,
    #[serde(default)]
    silent_on: Vec<chrono::NaiveDate>,
}

/// One text, or several wordings of it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Wording {
    One(String),
    Many(Vec<String>),
}

impl Wording {
    fn is_empty(&self) -> bool {
        matches!(self, Wording::Many(v) if v.is_empty())
    }

    fn into_vec(self) -> Vec<String> {
        match self {
            Wording::One(s) => vec![s],
            Wording::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawCondition {
    Compare(String),
    All(AllOf),
    Any(AnyOf),
    Not(NotOf),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllOf {
    all: Vec<RawCondition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnyOf {
    any: Vec<RawCondition>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotOf {
    not: Box<RawCondition>,
}

/// Validates one file's rules, appending good ones to `rules` and problems to `problems`.
/// A rule that needs data the run file marks absent (`name: ~`) goes to `skipped` with the
/// name it needs. Every rule's id, file and line go to `ids`, valid or not.
pub fn validate_file(
    path: &Path,
    text: &str,
    config: &RunConfig,
    rules: &mut Vec<Rule>,
    problems: &mut Vec<RuleProblem>,
    skipped: &mut Vec<(String, String)>,
    ids: &mut Vec<(String, std::path::PathBuf, usize)>,
) {
    let raws: Vec<RawRule> = match serde_norway::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            problems.push(RuleProblem {
                path: path.to_path_buf(),
                line,
                column,
                message: e.to_string(),
            });
            return;
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    // Rules are found in file order: each search starts below the previous rule's `id:`, so
    // a repeated id points at its own rule.
    let mut searched = 0;
    for raw in raws {
        let id_line = lines[searched..]
            .iter()
            .position(|l| {
                let l = l.trim_start().trim_start_matches("- ").trim();
                l.strip_prefix("id:")
                    .map(|v| v.trim().trim_matches(['"', '\'']))
                    == Some(raw.id.as_str())
            })
            .map_or(searched.max(1), |i| searched + i + 1);
        searched = id_line.min(lines.len());
        ids.push((raw.id.clone(), path.to_path_buf(), id_line));
        // The rule runs until the next `- id:` or `- ` at the start of a list item.
        let end = lines[id_line..]
            .iter()
            .position(|l| l.starts_with("- "))
            .map_or(lines.len(), |n| id_line + n);
        // The line and column of the first text of this rule containing `needle`.
        let at = |needle: &str| {
            let id_col = lines[id_line - 1].find("id:").map_or(1, |c| c + 1);
            lines[id_line - 1..end]
                .iter()
                .enumerate()
                .find_map(|(i, l)| l.find(needle).map(|c| (id_line + i, c + 1)))
                .unwrap_or((id_line, id_col))
        };
        let line_of = |needle: &str| at(needle).0;
        let mut found = Vec::new();
        let mut absent = None;
        let mut problem = |needle: &str, error: CallError| match error {
            CallError::Absent(name) => absent = Some(name),
            CallError::Invalid(message) => found.push(RuleProblem {
                path: path.to_path_buf(),
                line: at(needle).0,
                column: at(needle).1,
                message: format!("rule '{}': {message}", raw.id),
            }),
        };
        if !SECTIONS.contains(&raw.section.as_str()) {
            let msg = format!(
                "unknown section '{}' (known: {})",
                raw.section,
                SECTIONS.join(", ")
            );
            problem("section:", msg.into());
        }
        for s in raw
            .applies_to
            .iter()
            .filter(|s| !SECTIONS.contains(&s.as_str()))
        {
            let msg = format!("applies_to: unknown section '{s}'");
            problem("applies_to:", msg.into());
        }
        let show = raw.show.unwrap_or(true);
        let says = match (raw.says, raw.template) {
            (Some(s), None) if !s.is_empty() => Some(Says::Snippet(s.into_vec())),
            (None, Some(t)) => Some(Says::Template(t)),
            (None, None) if !show => Some(Says::Snippet(vec![String::new()])),
            _ => {
                problem(
                    "id:",
                    "needs exactly one of 'says' (a snippet or a list of wordings) or 'template' \
                     (a file name), unless it has 'show: false'"
                        .to_string()
                        .into(),
                );
                None
            }
        };
        let when = condition(&raw.when, config, &mut problem);
        let mut facts = BTreeMap::new();
        for (name, text) in raw.facts.iter().chain(&raw.maybe) {
            if raw.facts.contains_key(name) && raw.maybe.contains_key(name) {
                problem(
                    text,
                    format!("fact '{name}' is under both facts: and maybe:").into(),
                );
            }
            let metric = parse_call(text)
                .map_err(CallError::Invalid)
                .and_then(|op| side(op, config));
            match metric {
                Ok(Side::Metric(m)) => {
                    facts.insert(name.clone(), m);
                }
                Ok(Side::Number(_)) => {
                    problem(text, format!("fact '{name}' must be a metric").into())
                }
                Err(CallError::Invalid(e)) => problem(text, format!("fact '{name}': {e}").into()),
                Err(absent) => problem(text, absent),
            }
        }
        let clean = found.is_empty();
        problems.extend(found);
        if let (Some(name), true) = (absent, clean) {
            skipped.push((raw.id, name));
            continue;
        }
        if let (Some(when), Some(says), true) = (when, says, clean) {
            let mut rule = Rule {
                id: raw.id,
                section: raw.section,
                priority: raw.priority,
                group: raw.group,
                when,
                facts,
                says,
                takeaway: raw.takeaway.map_or_else(Vec::new, Wording::into_vec),
                headline: raw.headline.map_or_else(Vec::new, Wording::into_vec),
                watch: raw.watch.map_or_else(Vec::new, Wording::into_vec),
                clause: raw.clause.map_or_else(Vec::new, Wording::into_vec),
                maybe: raw.maybe.keys().cloned().collect(),
                about: super::About::default(),
                applies_to: raw.applies_to,
                baseline: raw.baseline,
                show,
                expect: raw.expect.map_or_else(
                    || Expect {
                        line: id_line,
                        ..Expect::default()
                    },
                    |e| Expect {
                        fires_on: e.fires_on,
                        silent_on: e.silent_on,
                        line: line_of("expect:"),
                    },
                ),
                path: path.to_path_buf(),
                line: id_line,
            };
            rule.about = super::about::of_rule(&rule, config);
            rules.push(rule);
        }
    }
}

fn side(op: Operand, config: &RunConfig) -> Result<Side, CallError> {
    match op {
        Operand::Number(x) => Ok(Side::Number(x)),
        Operand::Call(name, args) => Metric::from_call(&name, &args, config).map(Side::Metric),
    }
}

fn condition(
    raw: &RawCondition,
    config: &RunConfig,
    problem: &mut dyn FnMut(&str, CallError),
) -> Option<Condition> {
    let list = |cs: &[RawCondition], problem: &mut dyn FnMut(&str, CallError)| {
        // Visit every branch, so that every problem is reported, then give up if any failed.
        let out: Vec<Option<Condition>> =
            cs.iter().map(|c| condition(c, config, problem)).collect();
        out.into_iter().collect::<Option<Vec<_>>>()
    };
    match raw {
        RawCondition::Compare(text) => {
            let parsed =
                parse_comparison(text)
                    .map_err(CallError::Invalid)
                    .and_then(|(l, op, r)| {
                        Ok(Condition::Compare(side(l, config)?, op, side(r, config)?))
                    });
            match parsed {
                Ok(Condition::Compare(l, op, r)) if kinds::problem(&l, op, &r).is_some() => {
                    let why = kinds::problem(&l, op, &r).unwrap_or_default();
                    problem(text, format!("in `{text}`: {why}").into());
                    None
                }
                Ok(c) => Some(c),
                Err(CallError::Invalid(e)) => {
                    problem(text, format!("in `{text}`: {e}").into());
                    None
                }
                Err(absent) => {
                    problem(text, absent);
                    None
                }
            }
        }
        RawCondition::All(a) => list(&a.all, problem).map(Condition::All),
        RawCondition::Any(a) => list(&a.any, problem).map(Condition::Any),
        RawCondition::Not(n) => {
            condition(&n.not, config, problem).map(|c| Condition::Not(Box::new(c)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config() -> RunConfig {
        let text = "
rules: rules
sources:
  - {symbol: SPY, name: S&P 500, file: spy.csv, format: yahoo, role: index}
  - {symbol: IWM, name: Russell 2000, file: iwm.csv, format: yahoo, role: index}
universe: {large_caps: SPY, small_caps: IWM}
";
        RunConfig::parse(Path::new("run.yaml"), text).unwrap()
    }

    fn validate(text: &str) -> (Vec<Rule>, Vec<RuleProblem>) {
        let (mut rules, mut problems, mut skipped) = (vec![], vec![], vec![]);
        validate_file(
            &PathBuf::from("r.yaml"),
            text,
            &config(),
            &mut rules,
            &mut problems,
            &mut skipped,
            &mut vec![],
        );
        (rules, problems)
    }

    #[test]
    fn a_good_rule_compiles() {
        let (rules, problems) = validate(
            "- id: beat\n  section: performance\n  priority: 50\n  when:\n    all:\n      - spread(small_caps, large_caps, 21d) > 2\n      - not: return(small_caps, 21d) < 0\n  facts:\n    gap: spread(small_caps, large_caps, 21d)\n  says: \"{{ gap }}\"\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let r = &rules[0];
        assert_eq!(r.line, 1);
        let spread = Metric::Spread("IWM".into(), "SPY".into(), crate::metrics::Window::Days(21));
        assert_eq!(r.facts["gap"], spread);
        assert!(matches!(&r.when, Condition::All(c) if c.len() == 2));
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = "- id: ok\n  section: performance\n  priority: 1\n  when: return(SPY, 1d) > 0\n  says: fine\n\
- id: bad\n  section: perfomance\n  priority: 1\n  when: retrun(SPY, 1d) > 0\n  facts:\n    x: return(QQQ, 1d)\n  says: x\n";
        let (rules, problems) = validate(text);
        assert_eq!(rules.len(), 1);
        let got: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, 7);
        assert!(got[0]
            .1
            .starts_with("rule 'bad': unknown section 'perfomance'"));
        assert_eq!(got[1].0, 9);
        assert!(got[1].1.contains("unknown metric 'retrun'"));
        assert_eq!(got[2].0, 11);
        assert!(got[2]
            .1
            .contains("'QQQ' is neither a universe name nor a source symbol"));
    }

    #[test]
    fn unknown_keys_carry_serde_lines() {
        let (_, problems) = validate("- id: x\n  section: performance\n  priority: 1\n  when: return(SPY, 1d) > 0\n  say: typo\n");
        assert_eq!(problems[0].line, 5, "{problems:?}");
        assert!(problems[0].message.contains("say"));
    }
}
