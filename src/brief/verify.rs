//! Runs the post-render fact check (`narrative::check`) over everything a brief prints: each
//! finding's headline, takeaway, body, caveat or watch line against that finding's facts, and
//! each table cell against its value. The first mismatch stops the brief.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Error;
use crate::config::Bands;
use crate::metrics::{Kind, Value};
use crate::narrative::check::{check, Fact, Tally};
use crate::narrative::context::TableCtx;
use crate::narrative::{FindingText, Table};
use crate::rules::Finding;
use crate::select::Selection;

/// How a value reads when no metric says: built-in facts of the data-limit caveats.
fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Number(_) => Kind::Level,
        Value::Count(_) => Kind::Count,
        Value::Date(_) => Kind::Date,
        Value::Text(_) => Kind::Text,
    }
}

fn one(
    f: &Finding,
    text: &str,
    literals: &str,
    names: &BTreeMap<String, String>,
    bands: Bands,
    date: NaiveDate,
) -> Result<Tally, Error> {
    let facts: Vec<Fact> = f
        .facts
        .iter()
        .map(|(k, value)| Fact {
            value,
            kind: f
                .rule
                .facts
                .get(k)
                .map_or_else(|| kind_of(value), |m| m.kind()),
        })
        .collect();
    let masks: Vec<&str> = names
        .values()
        .map(String::as_str)
        .chain(f.facts.values().filter_map(|v| match v {
            Value::Text(s) => Some(s.as_str()),
            _ => None,
        }))
        .collect();
    check(text, &facts, literals, &masks, bands).map_err(|mismatch| Error::FactCheck {
        date,
        rule: f.rule.id.clone(),
        location: format!("{}:{}", f.rule.path.display(), f.rule.line),
        mismatch,
    })
}

/// Every text a brief prints from its findings, in reading order: (part, index into
/// `s.kept`, text), the part being `headline`, `takeaway`, `body`, `caveat` or `watch`.
pub fn printed<'t>(s: &Selection, texts: &'t [FindingText]) -> Vec<(&'static str, usize, &'t str)> {
    let mut out: Vec<(&'static str, usize, &str)> = Vec::new();
    if let Some(h) = s.headline {
        out.push(("headline", h, &texts[h].headline));
    }
    out.extend(
        s.takeaways
            .iter()
            .map(|&i| ("takeaway", i, texts[i].takeaway.as_str())),
    );
    for (_, idx) in &s.sections {
        out.extend(idx.iter().map(|&i| ("body", i, texts[i].text.as_str())));
    }
    out.extend(
        s.caveats
            .iter()
            .map(|&i| ("caveat", i, texts[i].text.as_str())),
    );
    for &i in &s.watch {
        if let Some(w) = &texts[i].watch {
            out.push(("watch", i, w.as_str()));
        }
    }
    out
}

/// Checks every printed text of the selection.
pub fn findings(
    s: &Selection,
    texts: &[FindingText],
    names: &BTreeMap<String, String>,
    bands: Bands,
    date: NaiveDate,
) -> Result<Tally, Error> {
    let mut tally = Tally::default();
    for (_, i, text) in printed(s, texts) {
        tally += one(&s.kept[i], text, &texts[i].literals, names, bands, date)?;
    }
    Ok(tally)
}

/// Checks every table cell against its value.
pub fn table(table: &Table, ctx: &TableCtx, bands: Bands, date: NaiveDate) -> Result<Tally, Error> {
    let mut tally = Tally::default();
    for ((label, kind, values), row) in table.rows.iter().zip(&ctx.rows) {
        for (value, cell) in values.iter().zip(&row.cells) {
            let Some(value) = value else { continue };
            let masks: Vec<&str> = match value {
                Value::Text(s) => vec![s.as_str()],
                _ => vec![],
            };
            let fact = Fact { value, kind: *kind };
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
