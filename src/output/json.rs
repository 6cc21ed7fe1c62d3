//! The JSON contract, with provenance: for every sentence the rule that produced it and the
//! facts it states at full precision, each with its metric's name and definition; the data
//! files with their last dates; and what the fact check verified.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::metrics::Value;
use crate::narrative::check::Tally;

/// One fact as the JSON lists it.
#[derive(Debug, Clone, Serialize)]
pub struct JsonFact {
    /// The value at full precision: numbers as numbers, dates as ISO strings.
    pub value: serde_json::Value,
    /// The metric's canonical name (`spread(IWM, SPY, 21d)`), or null for a built-in fact.
    pub metric: Option<String>,
}

/// One sentence (or table row) of the brief and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct JsonSentence {
    /// `headline`, `takeaway`, `body`, `caveat`, `watch` or `table`.
    pub part: &'static str,
    /// The body section, for body sentences.
    pub section: Option<String>,
    /// The rule that produced it (`data_limits/...` for the built-in caveats, `table` for
    /// table rows).
    pub rule: String,
    /// The text as printed.
    pub text: String,
    /// The facts it may state.
    pub facts: BTreeMap<String, JsonFact>,
}

/// One kept finding.
#[derive(Debug, Clone, Serialize)]
pub struct JsonFinding {
    /// Rule id.
    pub rule: String,
    /// Section.
    pub section: String,
    /// Priority.
    pub priority: i64,
    /// How far past its thresholds the condition was (ranks equal news values).
    pub strength: f64,
    /// Its news value: how rare the day's reading is, with its priority (ranks findings).
    pub news: f64,
    /// Rendered body text.
    pub text: String,
    /// Named facts: numbers as numbers, dates as ISO strings.
    pub facts: BTreeMap<String, serde_json::Value>,
}

/// A finding that held but does not print.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDropped {
    /// Rule id.
    pub rule: String,
    /// Why it does not print.
    pub why: String,
}

/// One data file.
#[derive(Debug, Clone, Serialize)]
pub struct JsonFile {
    /// The path as the run file writes it (relative to the run file's folder).
    pub path: String,
    /// The source's last date, ISO.
    pub last_date: Option<String>,
}

/// One data source.
#[derive(Debug, Clone, Serialize)]
pub struct JsonSource {
    /// Its symbol in the run file.
    pub symbol: String,
    /// Display name.
    pub name: String,
    /// Its files.
    pub files: Vec<JsonFile>,
}

/// The JSON contract: stable field names, numbers as numbers, dates as ISO strings.
#[derive(Debug, Clone, Serialize)]
pub struct JsonBrief {
    /// The date asked for.
    pub as_of: String,
    /// The trading day the figures are from (the last on or before `as_of`).
    pub data_as_of: String,
    /// The headline, or null on a day when no rule held.
    pub headline: Option<String>,
    /// Findings, strongest first.
    pub findings: Vec<JsonFinding>,
    /// Findings that held but were left out, and why.
    pub dropped: Vec<JsonDropped>,
    /// Every sentence and table row, in reading order, with its provenance.
    pub sentences: Vec<JsonSentence>,
    /// The definition of every metric a fact names.
    pub metrics: BTreeMap<String, String>,
    /// The data files and their last dates.
    pub sources: Vec<JsonSource>,
    /// What the post-render fact check verified.
    pub fact_check: Tally,
    /// Things the reader should know (stale sources, findings left out).
    pub warnings: Vec<String>,
}

/// A fact value as JSON.
pub fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Number(x) => serde_json::Number::from_f64(*x)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Count(n) => serde_json::Value::from(*n),
        Value::Date(d) => serde_json::Value::String(d.to_string()),
        Value::Text(s) => serde_json::Value::String(s.clone()),
    }
}
