//! The JSON contract of one brief, with the provenance of every sentence: the rule, the facts
//! at full precision with their metrics, each metric's definition, and the data files.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::words::Words;
use super::Prepared;
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

/// The JSON of a brief for `asked`, whose words and table are `w`. Without `full`, only the
/// findings, the dropped ones and the tally: what a backtest counts, without the sentences'
/// evidence, the metrics' definitions and the sources.
pub fn json(
    p: &Prepared,
    w: &Words,
    ctx: &BriefCtx,
    asked: NaiveDate,
    warnings: Vec<String>,
    full: bool,
) -> JsonBrief {
    let s = &w.selection;
    let printed = &w.composed.printed;
    let (sentences, metrics, sources) = match full {
        true => evidence(p, w),
        false => Default::default(),
    };
    JsonBrief {
        as_of: asked.to_string(),
        data_as_of: ctx.data_as_of.clone(),
        headline: w.composed.headline.clone(),
        findings: (s.kept.iter().enumerate())
            .map(|(i, f)| JsonFinding {
                rule: f.rule.id.clone(),
                section: f.rule.section.clone(),
                priority: f.rule.priority,
                strength: f.strength,
                news: (f.news * 1000.0).round() / 1000.0,
                // What the brief printed for it: its lead, body or caveat text.
                text: (printed.iter())
                    .find(|p| p.finding == i && matches!(p.part, "lead" | "body" | "caveat"))
                    .map_or_else(|| w.texts[i].text.clone(), |p| p.text.clone()),
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

/// Every printed sentence with its evidence, the definitions of the metrics read, and the
/// sources.
fn evidence(
    p: &Prepared,
    w: &Words,
) -> (Vec<JsonSentence>, BTreeMap<String, String>, Vec<JsonSource>) {
    let s = &w.selection;
    let sentence = |part, section: Option<String>, f: &Finding, text: &str| JsonSentence {
        part,
        section,
        rule: f.rule.id.clone(),
        text: text.to_string(),
        facts: facts_of(f),
    };
    // The printed texts in reading order, with the table after the body and the data notes
    // at the end.
    let printed = &w.composed.printed;
    let (before, after): (Vec<_>, Vec<_>) = printed
        .iter()
        .partition(|p| matches!(p.part, "headline" | "lead" | "takeaway" | "body"));
    let mut sentences: Vec<JsonSentence> = before
        .into_iter()
        .map(|p| sentence(p.part, p.section.clone(), &s.kept[p.finding], &p.text))
        .collect();
    let tables =
        std::iter::once((&w.table, &w.table_ctx)).chain(w.sectors.iter().map(|(t, c)| (t, c)));
    for (table, ctx) in tables {
        let metrics = table
            .metrics
            .iter()
            .map(Some)
            .chain(std::iter::repeat(None));
        for (((label, _, values), row), row_metrics) in
            table.rows.iter().zip(&ctx.rows).zip(metrics)
        {
            let metric = |k: usize| {
                let m = row_metrics.and_then(|r| r.get(k)).and_then(Option::as_ref);
                m.map(ToString::to_string)
            };
            let facts = (table.columns.iter().zip(values).enumerate())
                .map(|(k, (col, v))| {
                    let fact = JsonFact {
                        value: v.as_ref().map_or(serde_json::Value::Null, json_value),
                        metric: v.as_ref().and_then(|_| metric(k)),
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
    }
    sentences.extend(
        after
            .into_iter()
            .map(|p| sentence(p.part, None, &s.kept[p.finding], &p.text)),
    );
    sentences.extend(
        (w.notes.iter().zip(&w.note_texts)).map(|(n, t)| sentence("note", None, &n.finding, t)),
    );
    let metrics = s
        .kept
        .iter()
        .flat_map(|f| f.metrics())
        .chain(w.read.iter())
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
    (sentences, metrics, sources)
}
