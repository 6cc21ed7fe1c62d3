//! The JSON contract of one brief, with the provenance of every sentence: the rule, the facts
//! at full precision with their metrics, each metric's definition, and the data files.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{verify, Prepared, Words};
use crate::narrative::context::BriefCtx;
use crate::output::json::{
    json_value, JsonBrief, JsonDropped, JsonFact, JsonFile, JsonFinding, JsonSentence, JsonSource,
};
use crate::rules::Finding;

fn facts_of(f: &Finding) -> BTreeMap<String, JsonFact> {
    f.facts
        .iter()
        .map(|(k, v)| {
            let fact = JsonFact {
                value: json_value(v),
                metric: f.rule.facts.get(k).map(ToString::to_string),
            };
            (k.clone(), fact)
        })
        .collect()
}

/// The JSON of a brief for `asked`, whose words and table are `w`.
pub fn json(
    p: &Prepared,
    w: &Words,
    ctx: &BriefCtx,
    asked: NaiveDate,
    warnings: Vec<String>,
) -> JsonBrief {
    let s = &w.selection;
    let sentence = |part, i: usize, text: &str| JsonSentence {
        part,
        section: (part == "body").then(|| s.kept[i].rule.section.clone()),
        rule: s.kept[i].rule.id.clone(),
        text: text.to_string(),
        facts: facts_of(&s.kept[i]),
    };
    // The findings' texts in reading order, with the table after the body.
    let parts = verify::printed(s, &w.texts);
    let (before, after): (Vec<_>, Vec<_>) = parts
        .into_iter()
        .partition(|(part, _, _)| matches!(*part, "headline" | "takeaway" | "body"));
    let mut sentences: Vec<JsonSentence> = before
        .into_iter()
        .map(|(part, i, text)| sentence(part, i, text))
        .collect();
    for ((label, _, values), row) in w.table.rows.iter().zip(&w.table_ctx.rows) {
        let facts = w
            .table
            .columns
            .iter()
            .zip(values)
            .map(|(col, v)| {
                let fact = JsonFact {
                    value: v.as_ref().map_or(serde_json::Value::Null, json_value),
                    metric: None,
                };
                (col.clone(), fact)
            })
            .collect();
        sentences.push(JsonSentence {
            part: "table",
            section: None,
            rule: "table".into(),
            text: format!("{label}: {}", row.cells.join(" | ")),
            facts,
        });
    }
    sentences.extend(
        after
            .into_iter()
            .map(|(part, i, text)| sentence(part, i, text)),
    );
    let metrics = s
        .kept
        .iter()
        .flat_map(|f| f.rule.facts.values())
        .map(|m| (m.to_string(), m.describe()))
        .collect();
    let sources = p
        .data
        .sources
        .iter()
        .map(|l| JsonSource {
            symbol: l.source.symbol.clone(),
            name: l.source.name.clone(),
            files: l
                .source
                .files
                .iter()
                .map(|f| JsonFile {
                    // As the run file writes it, so the JSON does not depend on where the
                    // project sits.
                    path: p
                        .config
                        .path
                        .parent()
                        .and_then(|base| f.strip_prefix(base).ok())
                        .unwrap_or(f)
                        .display()
                        .to_string(),
                    last_date: l.last_date().map(|d| d.to_string()),
                })
                .collect(),
        })
        .collect();
    JsonBrief {
        as_of: asked.to_string(),
        data_as_of: ctx.data_as_of.clone(),
        headline: s.headline.map(|i| w.texts[i].headline.clone()),
        findings: s
            .kept
            .iter()
            .zip(&w.texts)
            .map(|(f, t)| JsonFinding {
                rule: f.rule.id.clone(),
                section: f.rule.section.clone(),
                priority: f.rule.priority,
                strength: f.strength,
                text: t.text.clone(),
                facts: f
                    .facts
                    .iter()
                    .map(|(k, v)| (k.clone(), json_value(v)))
                    .collect(),
            })
            .collect(),
        dropped: s
            .dropped
            .iter()
            .map(|(rule, why)| JsonDropped {
                rule: rule.clone(),
                why: why.clone(),
            })
            .collect(),
        sentences,
        metrics,
        sources,
        fact_check: w.tally,
        warnings,
    }
}
