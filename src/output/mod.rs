//! The brief's files: Markdown with front matter, HTML through pulldown-cmark, plain text for
//! email bodies, and the JSON contract with provenance.
//!
//! Everything is rendered in memory first; files are written only when every format has
//! rendered, each to a temporary name then renamed, so a failed run leaves no half-written
//! brief behind.

mod escape;
pub mod json;
pub mod text;

use std::path::{Path, PathBuf};

pub use escape::{escape_html, escape_markdown, unescape_markdown};
pub use json::{json_value, JsonBrief};

/// Front matter that static-site and newsletter tools read: title, date, tags, summary.
/// Strings are written as JSON strings, which YAML reads as they are.
pub fn front_matter(title: &str, date: &str, tags: &[String], summary: &str) -> String {
    let quote = |s: &str| serde_json::to_string(&unescape_markdown(s)).expect("strings serialize");
    let tags: Vec<String> = tags.iter().map(|t| quote(t)).collect();
    format!(
        "---\ntitle: {}\ndate: {date}\ntags: [{}]\nsummary: {}\n---\n\n",
        quote(title),
        tags.join(", "),
        quote(summary)
    )
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
    use pulldown_cmark::Event;
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    // Raw HTML never passes: whatever reaches the Markdown is shown as text.
    let parser = pulldown_cmark::Parser::new_ext(md, opts).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut html = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// Writes each `(file name, contents)` in `dir`, all or nothing as far as the file system
/// allows: every file is written under a temporary name first, then all are renamed.
pub fn write_all(dir: &Path, files: &[(String, String)]) -> std::io::Result<Vec<PathBuf>> {
    let _p = crate::profile::phase(|| "10 write files".into());
    std::fs::create_dir_all(dir)?;
    let mut staged = Vec::new();
    for (name, text) in files {
        let final_path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
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
    use crate::metrics::Value;

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
    fn front_matter_is_yaml_with_escaped_strings() {
        let fm = front_matter(
            "Small caps \"pull\" ahead: 2.1 points",
            "2024-07-16",
            &["markets".into(), "breadth".into()],
            "A: b",
        );
        assert_eq!(
            fm,
            "---\ntitle: \"Small caps \\\"pull\\\" ahead: 2.1 points\"\ndate: 2024-07-16\n\
             tags: [\"markets\", \"breadth\"]\nsummary: \"A: b\"\n---\n\n"
        );
        let yaml: serde_norway::Value =
            serde_norway::from_str(fm.trim().trim_matches('-')).unwrap();
        assert_eq!(
            yaml["title"].as_str(),
            Some("Small caps \"pull\" ahead: 2.1 points")
        );
        assert_eq!(yaml["tags"][1].as_str(), Some("breadth"));
    }

    #[test]
    fn json_numbers_stay_numbers() {
        assert_eq!(json_value(&Value::Number(2.5)), serde_json::json!(2.5));
        let d = chrono::NaiveDate::from_ymd_opt(2024, 7, 16).unwrap();
        assert_eq!(json_value(&Value::Date(d)), serde_json::json!("2024-07-16"));
    }
}
