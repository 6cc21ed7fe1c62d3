//! Runs the post-render fact check (`narrative::check`) over everything a brief prints: each
//! printed text (headline, lead, takeaway, body, caveat, watch line, data note) against the
//! values its finding's texts show, with its arithmetic read back from the text, and no date
//! after the brief's; and each table cell against its value. The first mismatch stops the
//! brief.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::compose::Printed;
use super::Error;
use crate::config::Bands;
use crate::metrics::{Metric, Value};
use crate::narrative::check::{check, check_masked, date_after, Fact, Masks, Mismatch, Tally};
use crate::narrative::context::TableCtx;
use crate::narrative::{FindingText, Table};
use crate::rules::Finding;

/// What every text of one brief is checked with.
pub struct Check<'a> {
    /// The run's direction bands.
    pub bands: Bands,
    /// The brief's date.
    pub date: NaiveDate,
    /// Every form of every name, so that figures in names are not read as claims.
    pub masks: &'a Masks,
}

impl Check<'_> {
    fn one(
        &self,
        f: &Finding,
        text: &str,
        literals: &str,
        shown: &BTreeMap<String, Value>,
        spans: &BTreeMap<String, usize>,
    ) -> Result<Tally, Error> {
        let facts: Vec<Fact> = shown
            .iter()
            .map(|(k, value)| Fact {
                value,
                kind: f
                    .rule
                    .facts
                    .get(k)
                    .map_or_else(|| value.kind(), |m| m.kind()),
                span: spans.get(k).copied().unwrap_or(1),
                threshold: matches!(f.rule.facts.get(k), Some(Metric::Cleared(..))),
            })
            .collect();
        let extra: Vec<&str> = (shown.values())
            .filter_map(|v| match v {
                Value::Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let fail = |mismatch: Mismatch| Error::FactCheck {
            date: self.date,
            rule: f.rule.id.clone(),
            location: format!("{}:{}", f.rule.path.display(), f.rule.line),
            mismatch,
        };
        if let Some(d) = date_after(text, self.date) {
            return Err(fail(Mismatch {
                claim: d,
                text: text.to_string(),
                why: "a date after the brief's own".into(),
            }));
        }
        check_masked(text, &facts, literals, (self.masks, &extra), self.bands).map_err(fail)
    }

    /// Checks every printed text of the brief.
    pub fn printed(
        &self,
        printed: &[Printed],
        kept: &[Finding],
        texts: &[FindingText],
        shown: &[BTreeMap<String, Value>],
        spans: &[BTreeMap<String, usize>],
    ) -> Result<Tally, Error> {
        let _p = crate::profile::phase(|| "8 fact check (within 7)".into());
        let mut tally = Tally::default();
        for p in printed {
            let i = p.finding;
            tally += self.one(&kept[i], &p.text, &texts[i].literals, &shown[i], &spans[i])?;
        }
        Ok(tally)
    }

    /// One entity, one number: no two printed findings show one measure of one entity over
    /// one window with two values, such as an index's return and its fund's (`to_index` maps
    /// a fund to the index it tells).
    pub fn one_number(
        &self,
        printed: &[Printed],
        kept: &[Finding],
        shown: &[BTreeMap<String, Value>],
        to_index: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), Error> {
        let mut seen: BTreeMap<String, (&Value, &Finding)> = BTreeMap::new();
        let mut done = std::collections::BTreeSet::new();
        for i in printed
            .iter()
            .map(|p| p.finding)
            .filter(|i| done.insert(*i))
        {
            let f = &kept[i];
            for (name, m) in &f.rule.facts {
                let Some(v) = shown[i].get(name) else {
                    continue;
                };
                let key = crate::metrics::with_series(m, to_index).to_string();
                match seen.get(&key) {
                    Some((w, other)) if !same_value(v, w) => {
                        return Err(Error::FactCheck {
                            date: self.date,
                            rule: f.rule.id.clone(),
                            location: format!("{}:{}", f.rule.path.display(), f.rule.line),
                            mismatch: Mismatch {
                                claim: format!("{name} = {m}"),
                                text: format!("{key}: {v:?} here, {w:?} in '{}'", other.rule.id),
                                why: "one entity, measure and window printed with two values \
                                      (name the index in both rules, or the fund in both)"
                                    .into(),
                            },
                        });
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, (v, f));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks a data note.
    pub fn note(&self, f: &Finding, text: &str) -> Result<Tally, Error> {
        self.one(f, text, "", &f.facts, &BTreeMap::new())
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
        _ => a == b,
    }
}

/// Checks every table cell against its value.
pub fn table(table: &Table, ctx: &TableCtx, bands: Bands, date: NaiveDate) -> Result<Tally, Error> {
    let _p = crate::profile::phase(|| "8 fact check (within 7)".into());
    let mut tally = Tally::default();
    for ((label, kind, values), row) in table.rows.iter().zip(&ctx.rows) {
        for (value, cell) in values.iter().zip(&row.cells) {
            let Some(value) = value else { continue };
            let masks: Vec<&str> = match value {
                Value::Text(s) => vec![s.as_str()],
                _ => vec![],
            };
            let fact = Fact {
                value,
                kind: *kind,
                span: 1,
                threshold: false,
            };
            let one =
                check(cell, &[fact], "", &masks, bands).map_err(|mismatch| Error::FactCheck {
                    date,
                    rule: "table".into(),
                    location: format!("row '{label}'"),
                    mismatch,
                })?;
            // A cell is not a sentence: count it apart.
            tally += Tally {
                texts: 0,
                cells: 1,
                ..one
            };
        }
    }
    Ok(tally)
}
