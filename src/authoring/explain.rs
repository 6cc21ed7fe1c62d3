//! `marketbrief explain`: for each rule on one date, whether it held and why (each operand's
//! value against its threshold, and which data was missing), and what the brief did with it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{evaluate, Node, Operand};
use crate::brief::{AsOf, Error, Prepared};
use crate::metrics::Value;
use crate::output::{json_value, JsonBrief};

/// Why every rule held or not on one date.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The date asked for.
    pub as_of: NaiveDate,
    /// The trading day whose data is read.
    pub data_as_of: NaiveDate,
    /// The rules, in file order.
    pub rules: Vec<RuleExplanation>,
    /// Rules left out of the run because they need data the run file marks absent.
    pub skipped: Vec<Skipped>,
    /// Why the brief itself could not be written that day, if it could not.
    pub brief_error: Option<String>,
}

/// One rule on one date.
#[derive(Debug, Clone, Serialize)]
pub struct RuleExplanation {
    /// Rule id.
    pub id: String,
    /// `file:line` of the rule.
    pub location: String,
    /// Its section.
    pub section: String,
    /// Its priority.
    pub priority: i64,
    /// Whether its condition held.
    pub held: bool,
    /// What the brief did with it, in words.
    pub outcome: String,
    /// The condition, part by part.
    pub condition: Node,
    /// Its facts on that date.
    pub facts: BTreeMap<String, Operand>,
}

/// A rule the run leaves out.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// Rule id.
    pub id: String,
    /// The data name it needs.
    pub needs: String,
}

/// Explains every rule (or only `only`) on `as_of`.
pub fn explain(prepared: &Prepared, as_of: AsOf, only: Option<&str>) -> Result<Explanation, Error> {
    let brief = prepared.brief(as_of).map(|b| b.json);
    explain_brief(
        prepared,
        as_of,
        only,
        brief.as_ref().map_err(ToString::to_string),
    )
}

/// [`explain`] for a brief already written for `as_of` (or why it could not be).
pub fn explain_brief(
    prepared: &Prepared,
    as_of: AsOf,
    only: Option<&str>,
    brief: Result<&JsonBrief, String>,
) -> Result<Explanation, Error> {
    let row = prepared.row(as_of)?;
    let frame = &prepared.frame;
    let data_as_of = frame.calendar[row];
    let (brief, brief_error) = match brief {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(e)),
    };
    let part_of = |id: &str, part: &str| {
        brief
            .as_ref()
            .is_some_and(|b| b.sentences.iter().any(|s| s.rule == id && s.part == part))
    };
    let mut rules = Vec::new();
    for rule in &prepared.rules.rules {
        if only.is_some_and(|o| !crate::rules::family::names(o, &rule.id)) {
            continue;
        }
        let condition = evaluate(&rule.when, frame, row);
        let held = condition.fired();
        let facts: BTreeMap<String, Operand> = (rule.facts.iter())
            .map(|(name, m)| {
                let v: Option<Value> = frame.value(m, row);
                let missing = v.is_none().then(|| "no value on this date".to_string());
                let value = v.as_ref().map_or(serde_json::Value::Null, json_value);
                (
                    name.clone(),
                    Operand {
                        expr: m.to_string(),
                        value,
                        missing,
                    },
                )
            })
            .collect();
        let dropped = brief
            .as_ref()
            .and_then(|b| b.dropped.iter().find(|d| d.rule == rule.id));
        let kept = brief
            .as_ref()
            .and_then(|b| b.findings.iter().find(|f| f.rule == rule.id));
        let outcome = if !held {
            "did not hold".to_string()
        } else if !rule.show {
            "held (a signal other rules read; it never prints itself)".to_string()
        } else if let Some(f) = kept {
            let mut parts = Vec::new();
            if part_of(&rule.id, "headline") {
                parts.push("as the headline".to_string());
            }
            if part_of(&rule.id, "lead") {
                parts.push("in the lead".to_string());
            }
            if part_of(&rule.id, "takeaway") {
                parts.push("as a key takeaway".to_string());
            }
            if part_of(&rule.id, "body") || part_of(&rule.id, "caveat") {
                parts.push(format!("in {}", f.section));
            }
            match parts.as_slice() {
                [] => "held, not printed".to_string(),
                [one] => format!("held, printed {one}"),
                [init @ .., last] => format!("held, printed {} and {last}", init.join(", ")),
            }
        } else if let Some(d) = dropped {
            format!("held, not printed: {}", d.why)
        } else if let Some((name, _)) = facts.iter().find(|(_, o)| o.missing.is_some()) {
            format!("held, not printed: its fact '{name}' has no value on this date")
        } else if brief_error.is_some() {
            "held; the brief could not be written (see below)".to_string()
        } else {
            "held, not printed".to_string()
        };
        rules.push(RuleExplanation {
            id: rule.id.clone(),
            location: format!("{}:{}", rule.path.display(), rule.line),
            section: rule.section.clone(),
            priority: rule.priority,
            held,
            outcome,
            condition,
            facts,
        });
    }
    let skipped = (prepared.rules.skipped.iter())
        .filter(|(id, _)| only.is_none_or(|o| crate::rules::family::names(o, id)))
        .map(|(id, needs)| Skipped {
            id: id.clone(),
            needs: needs.clone(),
        })
        .collect();
    let asked = match as_of {
        AsOf::Latest => data_as_of,
        AsOf::Date(d) => d,
    };
    Ok(Explanation {
        as_of: asked,
        data_as_of,
        rules,
        skipped,
        brief_error,
    })
}

impl Explanation {
    /// The explanation for a person: a summary line, then each rule with its condition.
    pub fn human(&self) -> String {
        let held = self.rules.iter().filter(|r| r.held).count();
        let printed = (self.rules.iter())
            .filter(|r| r.outcome.contains("printed") && !r.outcome.contains("not printed"))
            .count();
        let n = self.rules.len();
        let mut out = vec![format!(
            "{}{}: {n} rule{}, {held} held, {printed} printed.",
            self.data_as_of,
            if self.as_of == self.data_as_of {
                String::new()
            } else {
                format!(" (the trading day on or before {})", self.as_of)
            },
            if n == 1 { "" } else { "s" }
        )];
        for r in &self.rules {
            out.push(String::new());
            out.push(format!("{}: {}", r.id, r.outcome));
            out.push(format!(
                "  {} · {} · priority {}",
                r.location, r.section, r.priority
            ));
            r.condition.lines(1, &mut out);
            if !r.facts.is_empty() {
                let facts: Vec<String> = (r.facts.iter())
                    .map(|(name, o)| {
                        let v = o
                            .missing
                            .as_ref()
                            .map_or_else(|| o.shown(), |_| "missing".into());
                        format!("{name} = {v}")
                    })
                    .collect();
                out.push(format!("  facts: {}", facts.join(", ")));
            }
        }
        for s in &self.skipped {
            out.push(String::new());
            out.push(format!(
                "{}: skipped: it needs '{}', which the run file marks absent",
                s.id, s.needs
            ));
        }
        if let Some(e) = &self.brief_error {
            out.push(String::new());
            out.push(format!("The brief for this date could not be written: {e}"));
        }
        out.push(String::new());
        out.join("\n")
    }
}
