//! The brief's files: Markdown as rendered, HTML through pulldown-cmark, and the JSON contract.
//!
//! Everything is rendered in memory first; files are written only when every format has
//! rendered, each to a temporary name then renamed, so a failed run leaves no half-written
//! brief behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::OutputFormat;
use crate::metrics::Value;

/// One finding in the JSON contract.
#[derive(Debug, Clone, Serialize)]
pub struct JsonFinding {
    /// Rule id.
    pub rule: String,
    /// Section.
    pub section: String,
    /// Priority.
    pub priority: i64,
    /// Rendered body text.
    pub text: String,
    /// Named facts: numbers as numbers, dates as ISO strings.
    pub facts: BTreeMap<String, serde_json::Value>,
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

/// Removes runs of blank lines that template loops leave behind (never inside a table,
/// where a blank line would end it, because loops there are trimmed).
pub fn tidy_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() && blank > 0 {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Markdown to an HTML fragment, tables on.
pub fn markdown_to_html(md: &str) -> String {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let parser = pulldown_cmark::Parser::new_ext(md, opts);
    let mut html = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// Writes each rendered format as `<stem>.<ext>` in `dir`, all or nothing as far as the file
/// system allows: every file is written under a temporary name first, then all are renamed.
pub fn write_all(
    dir: &Path,
    stem: &str,
    rendered: &[(OutputFormat, String)],
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut staged = Vec::new();
    for (format, text) in rendered {
        let final_path = dir.join(format!("{stem}.{}", format.extension()));
        let tmp = dir.join(format!(".{stem}.{}.tmp", format.extension()));
        if let Err(e) = std::fs::write(&tmp, text) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        staged.push((tmp, final_path));
    }
    let mut written = Vec::new();
    for (tmp, path) in staged {
        std::fs::rename(&tmp, &path)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_runs_collapse_and_tables_render() {
        let md = tidy_markdown("# T\n\n\n\nText  \n\n| a | b |\n|---|---:|\n| x | 1 |\n\n\n");
        assert_eq!(md, "# T\n\nText\n\n| a | b |\n|---|---:|\n| x | 1 |\n");
        let html = markdown_to_html(&md);
        assert!(html.contains("<table>"), "{html}");
        assert!(
            html.contains("<td style=\"text-align: right\">1</td>")
                || html.contains("<td align=\"right\">1</td>"),
            "{html}"
        );
    }

    #[test]
    fn json_numbers_stay_numbers() {
        assert_eq!(json_value(&Value::Number(2.5)), serde_json::json!(2.5));
        let d = chrono::NaiveDate::from_ymd_opt(2024, 7, 16).unwrap();
        assert_eq!(json_value(&Value::Date(d)), serde_json::json!("2024-07-16"));
    }
}
