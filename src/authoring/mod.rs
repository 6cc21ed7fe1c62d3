//! Tools for the people who write rules: `check` (every problem at once), `explain` (why a
//! rule held or not on a date), rule tests (`expect:` dates) and the backtest over history.
//!
//! They read what a run prepares once ([`crate::brief::Prepared`]: every metric and every
//! rule as a column over the whole calendar), so a question about one date or about twenty
//! years costs the same start-up.

pub mod backtest;
mod briefs;
pub mod explain;
pub mod lint;
pub mod ruletest;

use serde::Serialize;

use crate::metrics::{MetricFrame, Value};
use crate::output::json_value;
use crate::rules::{Condition, Op, Side};

/// One part of a rule's condition, evaluated on one date, in the three-valued logic the
/// engine uses: a comparison with a missing value is unknown, and unknown is not "holds".
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// `all`, `any`, `not`, or the comparison as the engine reads it.
    pub test: String,
    /// `true`, `false`, or null when a value it needs is missing.
    pub holds: Option<bool>,
    /// A comparison's operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// A comparison's two sides on that date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operands: Vec<Operand>,
    /// The parts of an `all`, `any` or `not`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Node>,
}

/// One side of a comparison on one date.
#[derive(Debug, Clone, Serialize)]
pub struct Operand {
    /// The metric's canonical name, or the number as written.
    pub expr: String,
    /// Its value (numbers as numbers, dates as ISO strings), null when missing.
    pub value: serde_json::Value,
    /// Why there is no value: the dates on which the metric is defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// Evaluates `c` on `row`, part by part.
pub fn evaluate(c: &Condition, frame: &MetricFrame, row: usize) -> Node {
    match c {
        Condition::Compare(l, op, r) => {
            let (lv, rv) = (side_value(l, frame, row), side_value(r, frame, row));
            let holds = compare(lv.as_ref(), *op, rv.as_ref());
            Node {
                test: format!("{} {op} {}", side_text(l), side_text(r)),
                holds,
                op: Some(op.to_string()),
                operands: vec![operand(l, lv, frame), operand(r, rv, frame)],
                parts: Vec::new(),
            }
        }
        Condition::All(cs) | Condition::Any(cs) => {
            let parts: Vec<Node> = cs.iter().map(|c| evaluate(c, frame, row)).collect();
            let all = matches!(c, Condition::All(_));
            // Kleene logic: one false decides an `all`, one true an `any`.
            let decisive = parts.iter().any(|p| p.holds == Some(!all));
            let unknown = parts.iter().any(|p| p.holds.is_none());
            let holds = match (decisive, unknown) {
                (true, _) => Some(!all),
                (false, true) => None,
                (false, false) => Some(all),
            };
            let test = if all { "all" } else { "any" };
            Node {
                test: test.into(),
                holds,
                op: None,
                operands: Vec::new(),
                parts,
            }
        }
        Condition::Not(inner) => {
            let part = evaluate(inner, frame, row);
            Node {
                test: "not".into(),
                holds: part.holds.map(|h| !h),
                op: None,
                operands: Vec::new(),
                parts: vec![part],
            }
        }
    }
}

impl Node {
    /// Whether the rule holds: unknown counts as not.
    pub fn fired(&self) -> bool {
        self.holds == Some(true)
    }

    /// The node and its parts as indented lines: `✓` holds, `✗` does not, `?` unknown.
    pub fn lines(&self, indent: usize, out: &mut Vec<String>) {
        let mark = match self.holds {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "?",
        };
        let pad = "  ".repeat(indent);
        if self.operands.is_empty() {
            let of = if self.test == "not" { ":" } else { " of:" };
            out.push(format!("{pad}{mark} {}{of}", self.test));
        } else {
            let shown: Vec<String> = self.operands.iter().map(Operand::shown).collect();
            let op = self.op.as_deref().unwrap_or("?");
            out.push(format!(
                "{pad}{mark} {}   ({} {op} {})",
                self.test, shown[0], shown[1]
            ));
            for o in &self.operands {
                if let Some(why) = &o.missing {
                    out.push(format!("{pad}    {}: {why}", o.expr));
                }
            }
        }
        for p in &self.parts {
            p.lines(indent + 1, out);
        }
    }
}

impl Operand {
    /// The value as `explain` prints it: whole numbers plain, others to four decimals.
    pub(crate) fn shown(&self) -> String {
        match &self.value {
            serde_json::Value::Null => "missing".into(),
            serde_json::Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if x.fract() == 0.0 && x.abs() < 1e15 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.4}")
                }
            }
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

fn side_text(s: &Side) -> String {
    match s {
        Side::Number(x) => number_text(*x),
        Side::Metric(m) => m.to_string(),
    }
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

fn side_value(s: &Side, frame: &MetricFrame, row: usize) -> Option<Value> {
    match s {
        Side::Number(x) => Some(Value::Number(*x)),
        Side::Metric(m) => frame.value(m, row),
    }
}

fn operand(s: &Side, v: Option<Value>, frame: &MetricFrame) -> Operand {
    let missing = match (s, &v) {
        (Side::Metric(m), None) => Some(match frame.defined_range(m) {
            Some((first, last)) => {
                format!("no value on this date (defined from {first} to {last})")
            }
            None => "no value on any date of the data".into(),
        }),
        _ => None,
    };
    Operand {
        expr: side_text(s),
        value: v.as_ref().map_or(serde_json::Value::Null, json_value),
        missing,
    }
}

/// A comparison as the engine's columns make it: numbers and counts as numbers, dates by day,
/// names by text; anything missing is unknown.
fn compare(l: Option<&Value>, op: Op, r: Option<&Value>) -> Option<bool> {
    use std::cmp::Ordering;
    let as_number = |v: &Value| match v {
        Value::Number(x) => Some(*x),
        Value::Count(n) => Some(*n as f64),
        Value::Date(d) => Some(f64::from(crate::metrics::to_days(*d))),
        Value::Text(_) => None,
    };
    let order: Ordering = match (l?, r?) {
        (Value::Text(a), Value::Text(b)) => a.cmp(b),
        (a, b) => as_number(a)?.partial_cmp(&as_number(b)?)?,
    };
    Some(match op {
        Op::Gt => order == Ordering::Greater,
        Op::Ge => order != Ordering::Less,
        Op::Lt => order == Ordering::Less,
        Op::Le => order != Ordering::Greater,
        Op::Eq => order == Ordering::Equal,
        Op::Ne => order != Ordering::Equal,
    })
}
