//! The values a draft may state on its date: every metric of the run, the figures the brief
//! showed (its facts), the figures a brief works out from printed ones so that they add up on
//! the page, the counts in the readers' notes, and the dates of the data.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::attribute::Candidate;
use crate::brief::Prepared;
use crate::metrics::{Kind, Metric, Value};
use crate::narrative::check::figures;
use crate::output::json::JsonFact;
use crate::output::JsonBrief;

/// A fact the brief showed, as a candidate: its value as JSON stated it (numbers, ISO
/// dates), and its metric when the run has one of that canonical name.
pub fn fact(f: &JsonFact, metrics: &HashMap<String, &Metric>) -> Option<Candidate> {
    let value = match &f.value {
        serde_json::Value::Number(n) => n.as_f64().map(Value::Number),
        serde_json::Value::String(s) => s.parse::<NaiveDate>().ok().map(Value::Date),
        _ => None,
    }?;
    let metric = (f.metric.as_ref()).and_then(|n| metrics.get(n).map(|m| (*m).clone()));
    let kind = metric.as_ref().map_or_else(|| value.kind(), Metric::kind);
    Some(Candidate {
        metric,
        value,
        kind,
        derived: false,
    })
}

/// Every value the draft may state on `row`: the run's metrics, and the brief's shown facts.
pub fn candidates(
    prepared: &Prepared,
    row: usize,
    shown: &JsonBrief,
    metrics: &HashMap<String, &Metric>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = (prepared.metrics.iter())
        .filter(|m| m.kind() != Kind::Text)
        .filter_map(|m| {
            let value = prepared.frame.value(m, row)?;
            Some(Candidate {
                metric: Some(m.clone()),
                kind: m.kind(),
                value,
                derived: false,
            })
        })
        .collect();
    let facts = (shown.sentences.iter()).flat_map(|s| s.facts.values());
    out.extend(facts.filter_map(|f| fact(f, metrics)));
    out.extend(printed_arithmetic(prepared, row));
    // Counts in the readers' notes beside the sources ("62 closes of zero or below").
    let counts = (prepared.data.sources.iter())
        .flat_map(|l| l.notes.iter())
        .flat_map(|n| figures(n))
        .filter_map(|c| c.raw.replace(',', "").parse::<i64>().ok());
    out.extend(counts.map(|n| Candidate {
        metric: None,
        value: Value::Count(n),
        kind: Kind::Count,
        derived: false,
    }));
    // The brief's own date and each source's last date on it ("data to July 25, 2024").
    let day = prepared.frame.calendar[row];
    let dates = (prepared.data.sources.iter())
        .filter_map(|l| crate::brief::source_as_of(l, day).map(|d| d.1))
        .chain(shown.data_as_of.parse::<NaiveDate>().ok())
        .chain(shown.as_of.parse::<NaiveDate>().ok());
    out.extend(dates.map(|d| Candidate {
        metric: None,
        value: Value::Date(d),
        kind: Kind::Date,
        derived: false,
    }));
    out
}

fn rounded(x: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (x * p).round() / p
}

/// Figures a brief works out from the figures it prints, so that they add up on the page: a
/// gap as the difference of the two printed returns, a multiple as their quotient, a change as
/// the change between the printed levels. Each is its metric's value as a reader can
/// recompute it from the draft.
fn printed_arithmetic(prepared: &Prepared, row: usize) -> Vec<Candidate> {
    let value = |m: &Metric| match prepared.frame.value(m, row) {
        Some(Value::Number(x)) => Some(x),
        _ => None,
    };
    let mut out = Vec::new();
    for m in &prepared.metrics {
        let found: Vec<f64> = match m {
            Metric::Spread(a, b, w) | Metric::Multiple(a, b, w) => {
                let (Some(x), Some(y)) = (
                    value(&Metric::Return(a.clone(), *w)),
                    value(&Metric::Return(b.clone(), *w)),
                ) else {
                    continue;
                };
                let (x, y) = (rounded(x, 1), rounded(y, 1));
                match m {
                    Metric::Spread(..) => vec![x - y],
                    _ if y > 0.0 => vec![x / y],
                    _ => vec![],
                }
            }
            Metric::PctChange(inner, w) | Metric::Change(inner, w) => {
                let (Some(now), Some(then)) =
                    (value(inner), value(&Metric::Ago(inner.clone(), *w)))
                else {
                    continue;
                };
                (1..=3)
                    .filter_map(|d| {
                        let (n, t) = (rounded(now, d), rounded(then, d));
                        match m {
                            Metric::PctChange(..) => (t != 0.0).then(|| 100.0 * (n / t - 1.0)),
                            _ => Some(n - t),
                        }
                    })
                    .collect()
            }
            _ => continue,
        };
        out.extend(found.into_iter().map(|x| Candidate {
            metric: Some(m.clone()),
            value: Value::Number(x),
            kind: m.kind(),
            derived: true,
        }));
    }
    out
}
