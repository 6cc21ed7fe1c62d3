//! Rule files as written, and their validation into [`Rule`]s.
//!
//! serde gives line and column for syntax errors and unknown keys. For problems found after
//! parsing (an unknown metric, a bad section) the line is found in the text: the rule's `id:`
//! line, or the first line of that rule that contains the offending expression.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::expr::{parse_call, parse_comparison, Operand};
use super::family::{self, Member};
use super::kinds;
use super::{Condition, Expect, Rule, RuleProblem, Says, Side, SECTIONS};
use crate::config::RunConfig;
use crate::metrics::{CallError, Metric};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    #[serde(default)]
    for_each: Vec<String>,
    #[serde(default)]
    pairs: Vec<(String, String)>,
    #[serde(default)]
    windows: Vec<String>,
    #[serde(default)]
    vars: family::Vars,
    section: String,
    priority: RawPriority,
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
    merged: Option<Wording>,
    merge_on: Option<String>,
    #[serde(default)]
    applies_to: Vec<String>,
    #[serde(default)]
    baseline: bool,
    show: Option<bool>,
    expect: Option<RawExpect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    fires_on: Vec<chrono::NaiveDate>,
    #[serde(default)]
    silent_on: Vec<chrono::NaiveDate>,
    /// A family's tests by member label: `"small_caps,large_caps,21d": {fires_on: [...]}`.
    #[serde(default)]
    members: BTreeMap<String, RawDates>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDates {
    #[serde(default)]
    fires_on: Vec<chrono::NaiveDate>,
    #[serde(default)]
    silent_on: Vec<chrono::NaiveDate>,
}

/// A priority, or a placeholder a family fills (`$p`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawPriority {
    Number(i64),
    Placeholder(String),
}

/// One text, or several wordings of it.
#[derive(Debug, Clone, Deserialize)]
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

    fn filled(&self, m: &Member) -> Wording {
        match self {
            Wording::One(s) => Wording::One(m.fill(s)),
            Wording::Many(v) => Wording::Many(v.iter().map(|s| m.fill(s)).collect()),
        }
    }
}

impl RawCondition {
    fn filled(&self, m: &Member) -> RawCondition {
        match self {
            RawCondition::Compare(s) => RawCondition::Compare(m.fill(s)),
            RawCondition::All(a) => RawCondition::All(AllOf {
                all: a.all.iter().map(|c| c.filled(m)).collect(),
            }),
            RawCondition::Any(a) => RawCondition::Any(AnyOf {
                any: a.any.iter().map(|c| c.filled(m)).collect(),
            }),
            RawCondition::Not(n) => RawCondition::Not(NotOf {
                not: Box::new(n.not.filled(m)),
            }),
        }
    }
}

impl RawRule {
    /// The rule of one member of its family: id `base[label]`, placeholders filled.
    fn member(&self, m: &Member, family: bool) -> RawRule {
        let fill_map = |map: &BTreeMap<String, String>| {
            map.iter().map(|(k, v)| (k.clone(), m.fill(v))).collect()
        };
        RawRule {
            id: if family {
                m.id(&self.id)
            } else {
                self.id.clone()
            },
            group: self.group.as_ref().map(|g| m.fill(g)),
            priority: match &self.priority {
                RawPriority::Placeholder(p) => RawPriority::Placeholder(m.fill(p)),
                n => n.clone(),
            },
            when: self.when.filled(m),
            facts: fill_map(&self.facts),
            maybe: fill_map(&self.maybe),
            says: self.says.as_ref().map(|w| w.filled(m)),
            takeaway: self.takeaway.as_ref().map(|w| w.filled(m)),
            headline: self.headline.as_ref().map(|w| w.filled(m)),
            watch: self.watch.as_ref().map(|w| w.filled(m)),
            clause: self.clause.as_ref().map(|w| w.filled(m)),
            merged: self.merged.as_ref().map(|w| w.filled(m)),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawCondition {
    Compare(String),
    All(AllOf),
    Any(AnyOf),
    Not(NotOf),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllOf {
    all: Vec<RawCondition>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnyOf {
    any: Vec<RawCondition>,
}

#[derive(Debug, Clone, Deserialize)]
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
    let lines: Vec<&str> = text.lines().collect();
    let Some(raws) = parse_rules(path, text, &lines, problems) else {
        return;
    };
    // Rules are found in file order: each search starts below the previous rule's `id:`, so
    // a repeated id points at its own rule.
    let mut searched = 0;
    for family_raw in raws {
        let id_line = lines[searched..]
            .iter()
            .position(|l| {
                let l = l.trim_start().trim_start_matches("- ").trim();
                l.strip_prefix("id:")
                    .map(|v| v.trim().trim_matches(['"', '\'']))
                    == Some(family_raw.id.as_str())
            })
            .map_or(searched.max(1), |i| searched + i + 1);
        searched = id_line.min(lines.len());
        // The rule runs until the next `- id:` or `- ` at the start of a list item.
        let end = lines[id_line..]
            .iter()
            .position(|l| l.starts_with("- "))
            .map_or(lines.len(), |n| id_line + n);
        let place = Place {
            path,
            lines: &lines,
            id_line,
            end,
        };
        let (for_each, pairs, windows) =
            (&family_raw.for_each, &family_raw.pairs, &family_raw.windows);
        // A family member's id has its label; vars alone do not make a family.
        let family = !(for_each.is_empty() && pairs.is_empty() && windows.is_empty());
        let members = match family::members(for_each, pairs, windows, &family_raw.vars) {
            Ok(m) => m,
            Err(e) => {
                let (line, column) = place.at("id:");
                problems.push(RuleProblem {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!("rule '{}': {e}", family_raw.id),
                });
                ids.push((family_raw.id.clone(), path.to_path_buf(), id_line));
                continue;
            }
        };
        let labels: Vec<String> = members.iter().map(Member::label).collect();
        for label in (family_raw.expect.iter())
            .flat_map(|e| e.members.keys())
            .filter(|l| !labels.contains(l))
        {
            let (line, column) = place.at(label);
            problems.push(RuleProblem {
                path: path.to_path_buf(),
                line,
                column,
                message: format!(
                    "rule '{}': expect: no member '{label}' (members: {})",
                    family_raw.id,
                    labels.join("; ")
                ),
            });
        }
        for m in &members {
            let raw = family_raw.member(m, family);
            ids.push((raw.id.clone(), path.to_path_buf(), id_line));
            let mut out = Out {
                rules: &mut *rules,
                problems: &mut *problems,
                skipped: &mut *skipped,
            };
            validate_rule(raw, &m.label(), &place, config, &mut out);
        }
    }
}

/// Where a rule is written: its file's lines, its `id:` line and the line after its last.
struct Place<'a> {
    path: &'a Path,
    lines: &'a [&'a str],
    id_line: usize,
    end: usize,
}

/// The rules of a file, each `- ` item parsed alone (as the whole file would be, scalars and
/// all), so a misspelt key in one does not hide the problems of the others; each problem's
/// position is moved back to the file's. None when the file is no YAML list at all.
fn parse_rules(
    path: &Path,
    text: &str,
    lines: &[&str],
    problems: &mut Vec<RuleProblem>,
) -> Option<Vec<RawRule>> {
    let mut problem = |(line, column): (usize, usize), message: String| {
        problems.push(RuleProblem {
            path: path.to_path_buf(),
            line,
            column,
            message,
        })
    };
    let whole = |e: &serde_norway::Error| e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let items: Vec<serde_norway::Value> = match serde_norway::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            problem(whole(&e), e.to_string());
            return None;
        }
    };
    let starts: Vec<usize> = (lines.iter().enumerate())
        .filter(|(_, l)| l.starts_with("- "))
        .map(|(i, _)| i + 1)
        .collect();
    if items.len() != starts.len() {
        // Items not each at the start of a line (a flow list): the file parsed whole.
        return match serde_norway::from_str::<Vec<RawRule>>(text) {
            Ok(r) => Some(r),
            Err(e) => {
                problem(whole(&e), e.to_string());
                None
            }
        };
    }
    let mut raws = Vec::new();
    for (k, start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |n| n - 1);
        match serde_norway::from_str::<Vec<RawRule>>(&lines[start - 1..end].join("\n")) {
            Ok(r) => raws.extend(r),
            Err(e) => {
                // The chunk's own positions and list index mean nothing to the reader.
                let message = e.to_string();
                let message = message.strip_prefix(".[0]: ").unwrap_or(&message);
                let message = message
                    .rfind(" at line ")
                    .map_or(message, |i| &message[..i]);
                let at = e
                    .location()
                    .map_or((*start, 1), |l| (start - 1 + l.line(), l.column()));
                problem(at, message.to_string());
            }
        }
    }
    Some(raws)
}

impl Place<'_> {
    /// The line and column of the first text of this rule containing `needle`, else of the
    /// first containing its function name (a family member's text has its placeholders
    /// filled), else of the rule's `id:`.
    fn at(&self, needle: &str) -> (usize, usize) {
        let (lines, id_line) = (self.lines, self.id_line);
        let id_col = lines[id_line - 1].find("id:").map_or(1, |c| c + 1);
        let find = |needle: &str| {
            lines[id_line - 1..self.end]
                .iter()
                .enumerate()
                .find_map(|(i, l)| l.find(needle).map(|c| (id_line + i, c + 1)))
        };
        let head = needle.split_once('(').map(|(f, _)| format!("{f}("));
        find(needle)
            .or_else(|| head.as_deref().and_then(find))
            .unwrap_or((id_line, id_col))
    }
}

/// Where validation puts what it finds.
struct Out<'a> {
    rules: &'a mut Vec<Rule>,
    problems: &'a mut Vec<RuleProblem>,
    skipped: &'a mut Vec<(String, String)>,
}

/// Validates one rule (or one family member, whose tests are those of its `label` and those
/// common to the family).
fn validate_rule(raw: RawRule, label: &str, place: &Place, config: &RunConfig, out: &mut Out) {
    let (path, id_line) = (place.path, place.id_line);
    let at = |needle: &str| place.at(needle);
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
    if !raw.applies_to.is_empty() && raw.section != "caveats" {
        let msg = format!(
            "applies_to is for caveats (a caveat prints only beside findings of those sections); this rule's section is '{}'",
            raw.section
        );
        problem("applies_to:", msg.into());
    }
    let priority = match &raw.priority {
        RawPriority::Number(n) => Some(*n),
        RawPriority::Placeholder(p) => match p.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                problem(
                    "priority:",
                    format!("priority '{p}' is not a whole number (a family's vars fill $names)")
                        .into(),
                );
                None
            }
        },
    };
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
        // Found at the fact's own line (`gap: spread(...)`), not at a `when:` that reads the same.
        let at = format!("{name}: {text}");
        let text = &at[name.len() + 2..];
        let mut problem = |_: &str, message: CallError| problem(&at, message);
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
            Ok(Side::Number(_)) => problem(text, format!("fact '{name}' must be a metric").into()),
            Err(CallError::Invalid(e)) => problem(text, format!("fact '{name}': {e}").into()),
            // A `maybe:` fact on data this run lacks is one the texts do without.
            Err(CallError::Absent(_)) if raw.maybe.contains_key(name) => {}
            Err(absent) => problem(text, absent),
        }
    }
    match (&raw.merge_on, raw.merged.is_some()) {
        (Some(on), true) if !facts.contains_key(on) => problem(
            "merge_on:",
            format!("merge_on: '{on}' is not one of the rule's facts").into(),
        ),
        (None, true) => problem(
            "merged:",
            "'merged' needs 'merge_on': the fact two findings share"
                .to_string()
                .into(),
        ),
        (Some(_), false) => problem(
            "merge_on:",
            "'merge_on' needs 'merged': the wordings of the one statement"
                .to_string()
                .into(),
        ),
        _ => {}
    }
    let clean = found.is_empty();
    out.problems.extend(found);
    if let (Some(name), true) = (absent, clean) {
        out.skipped.push((raw.id, name));
        return;
    }
    if let (Some(when), Some(says), Some(priority), true) = (when, says, priority, clean) {
        let mut rule = Rule {
            id: raw.id,
            section: raw.section,
            priority,
            group: raw.group,
            when,
            facts,
            says,
            takeaway: raw.takeaway.map_or_else(Vec::new, Wording::into_vec),
            headline: raw.headline.map_or_else(Vec::new, Wording::into_vec),
            watch: raw.watch.map_or_else(Vec::new, Wording::into_vec),
            clause: raw.clause.map_or_else(Vec::new, Wording::into_vec),
            merged: raw.merged.map_or_else(Vec::new, Wording::into_vec),
            merge_on: raw.merge_on,
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
                |e| {
                    let mine = e.members.get(label);
                    let dates = |common: &[chrono::NaiveDate], own: Option<&Vec<_>>| {
                        let mut v = common.to_vec();
                        v.extend(own.into_iter().flatten());
                        v
                    };
                    Expect {
                        fires_on: dates(&e.fires_on, mine.map(|m| &m.fires_on)),
                        silent_on: dates(&e.silent_on, mine.map(|m| &m.silent_on)),
                        line: line_of("expect:"),
                    }
                },
            ),
            path: path.to_path_buf(),
            line: id_line,
        };
        rule.about = super::about::of_rule(&rule, config);
        out.rules.push(rule);
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
    fn a_family_gives_one_rule_per_member_with_its_own_tests() {
        let text = "- id: leads\n  pairs: [[small_caps, large_caps]]\n  windows: [1d, 21d]\n  section: performance\n  priority: 50\n  group: sl_$w\n  when: spread($a, $b, $w) > 2\n  facts:\n    gap: spread($a, $b, $w)\n  says: \"{{ names.$a }} led $over.\"\n  expect:\n    fires_on: [2024-01-02]\n    members:\n      small_caps,large_caps,21d: {silent_on: [2024-01-03]}\n";
        let (rules, problems) = validate(text);
        assert!(problems.is_empty(), "{problems:?}");
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "leads[small_caps,large_caps,1d]",
                "leads[small_caps,large_caps,21d]"
            ]
        );
        let month = &rules[1];
        assert_eq!(month.group.as_deref(), Some("sl_21d"));
        let spread = Metric::Spread("IWM".into(), "SPY".into(), crate::metrics::Window::Days(21));
        assert_eq!(month.facts["gap"], spread);
        assert_eq!(
            month.says,
            Says::Snippet(vec![
                "{{ names.small_caps }} led over the past month.".into()
            ])
        );
        assert_eq!(
            month.expect.fires_on.len(),
            1,
            "common tests apply to every member"
        );
        assert_eq!(month.expect.silent_on.len(), 1);
        assert!(rules[0].expect.silent_on.is_empty());
        assert_eq!(month.line, 1);
        // A member the family does not have, and a bad expression, named per member.
        let bad = text
            .replace("small_caps,large_caps,21d:", "small_caps,tech,21d:")
            .replace("spread($a, $b, $w) > 2", "spred($a, $b, $w) > 2");
        let (_, problems) = validate(&bad);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("no member 'small_caps,tech,21d'")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("rule 'leads[small_caps,large_caps,1d]': in `spred")),
            "{messages:?}"
        );
        assert_eq!(
            problems
                .iter()
                .find(|p| p.message.contains("spred"))
                .unwrap()
                .line,
            7
        );
    }

    #[test]
    fn unknown_keys_carry_serde_lines() {
        let (_, problems) = validate("- id: x\n  section: performance\n  priority: 1\n  when: return(SPY, 1d) > 0\n  say: typo\n");
        assert_eq!(problems[0].line, 5, "{problems:?}");
        assert!(problems[0].message.contains("say"));
    }
}
