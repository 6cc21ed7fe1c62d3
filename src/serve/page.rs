//! The preview's pages: the brief of one trading day in the HTML the `html` format writes
//! (charts included), each sentence marked so that hovering or focusing it shows its
//! evidence; the "why not?" list; and the page shown while the run has problems. Every text
//! from the data or the rules is escaped; the page loads nothing from anywhere but the
//! server that sent it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::authoring::explain::{explain_brief, Explanation};
use crate::brief::{AsOf, Brief, Prepared};
use crate::config::RunConfig;
use crate::metrics::Metric;
use crate::output::{escape_html, markdown_to_html, JsonBrief};

/// One fact as the evidence panel shows it.
#[derive(Debug, Serialize)]
struct FactEvidence {
    name: String,
    /// The value at full precision, as the brief's JSON writes it.
    value: String,
    metric: Option<String>,
    definition: Option<String>,
}

/// A data file behind a sentence.
#[derive(Debug, Serialize)]
struct FileEvidence {
    source: String,
    path: String,
    /// The last date the brief read from it (on or before the brief's date).
    read_to: Option<String>,
    /// The file's own last date.
    last_date: Option<String>,
}

/// `path` without `..` steps, and relative to the working folder when inside it:
/// `/work/main/examples/real/../../rules/a.yaml:9` → `rules/a.yaml:9`.
fn tidy(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            ".." if parts.last().is_some_and(|p| !p.is_empty() && *p != "..") => {
                parts.pop();
            }
            "." => {}
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    let cwd = std::env::current_dir()
        .map(|d| format!("{}/", d.display()))
        .unwrap_or_default();
    joined
        .strip_prefix(&cwd)
        .map_or(joined.clone(), str::to_string)
}

/// What the panel shows for one sentence.
#[derive(Debug, Serialize)]
struct Evidence {
    part: String,
    rule: String,
    location: String,
    outcome: String,
    condition: Vec<String>,
    facts: Vec<FactEvidence>,
    files: Vec<FileEvidence>,
}

fn evidence(
    prepared: &Prepared,
    json: &JsonBrief,
    why: &Explanation,
    date: NaiveDate,
) -> Vec<Evidence> {
    let by_name: BTreeMap<String, &Metric> = (prepared.metrics.iter())
        .map(|m| (m.to_string(), m))
        .collect();
    let row = prepared.frame.row_on_or_before(date).unwrap_or(0);
    (json.sentences.iter())
        .map(|s| {
            let rule = why.rules.iter().find(|r| r.id == s.rule);
            let mut condition = Vec::new();
            if let Some(r) = rule {
                r.condition.lines(0, &mut condition);
            }
            let facts = (s.facts.iter())
                .map(|(name, f)| FactEvidence {
                    name: name.clone(),
                    value: f.value.to_string(),
                    definition: (f.metric.as_ref()).and_then(|m| json.metrics.get(m).cloned()),
                    metric: f.metric.clone(),
                })
                .collect();
            let mut symbols: Vec<&str> = (s.facts.values())
                .filter_map(|f| f.metric.as_ref().and_then(|m| by_name.get(m)))
                .flat_map(|m| prepared.sources_on(m, row))
                .collect();
            symbols.sort();
            symbols.dedup();
            let read_to = |symbol: &str| {
                (prepared.data.sources.iter())
                    .find(|l| l.source.symbol == symbol)
                    .and_then(|l| crate::brief::source_as_of(l, date))
                    .map(|d| d.1.to_string())
            };
            let files = (json.sources.iter())
                .filter(|src| symbols.contains(&src.symbol.as_str()))
                .flat_map(|src| {
                    src.files.iter().map(|f| FileEvidence {
                        source: src.name.clone(),
                        path: f.path.clone(),
                        read_to: read_to(&src.symbol),
                        last_date: f.last_date.clone(),
                    })
                })
                .collect();
            Evidence {
                part: s.part.to_string(),
                rule: s.rule.clone(),
                location: rule.map_or_else(|| "built in".to_string(), |r| tidy(&r.location)),
                outcome: rule.map_or_else(String::new, |r| r.outcome.clone()),
                condition,
                facts,
                files,
            }
        })
        .collect()
}

/// A sentence's Markdown as the page prints it inline (without its paragraph).
fn inline(text: &str) -> String {
    let html = markdown_to_html(text);
    let html = html.trim_end();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_string()
}

/// The brief's HTML with each sentence the JSON lists wrapped in a focusable span, found in
/// reading order.
fn marked(brief: &Brief) -> String {
    let mut html = brief.html_body.clone();
    let mut from = 0;
    for (k, s) in brief.json.sentences.iter().enumerate() {
        // A table row ("Index level: 5,399.22 | ...") marks its whole row.
        if s.part == "table" {
            let label = inline(s.text.split(": ").next().unwrap_or_default());
            let row = format!("<tr><td>{label}</td>");
            if let Some(i) = html.find(&row) {
                let open = format!("<tr class=\"s\" tabindex=\"0\" data-s=\"{k}\">");
                html.replace_range(i..i + "<tr>".len(), &open);
            }
            continue;
        }
        let needle = inline(&s.text);
        if needle.is_empty() {
            continue;
        }
        let at = html[from..]
            .find(&needle)
            .map(|i| i + from)
            .or_else(|| html.find(&needle));
        if let Some(i) = at {
            let open = format!("<span class=\"s\" tabindex=\"0\" data-s=\"{k}\">");
            html.insert_str(i + needle.len(), "</span>");
            html.insert_str(i, &open);
            from = i + open.len() + needle.len() + "</span>".len();
        }
    }
    html
}

/// The rules that held but were not printed, with the reason.
fn why_not(why: &Explanation) -> String {
    let items: Vec<String> = (why.rules.iter())
        .filter(|r| r.held && !r.outcome.contains(", printed"))
        .map(|r| {
            let reason = r
                .outcome
                .strip_prefix("held, not printed: ")
                .or_else(|| r.outcome.strip_prefix("held "))
                .unwrap_or(&r.outcome);
            format!(
                "<li><code>{}</code> <span class=\"where\">{}</span>: {}</li>",
                escape_html(&r.id),
                escape_html(&tidy(&r.location)),
                escape_html(reason)
            )
        })
        .collect();
    match items.is_empty() {
        true => "<p>Every rule that held is in the brief.</p>".into(),
        false => format!("<ul>{}</ul>", items.join("\n")),
    }
}

const STYLE: &str = r#"
body { margin: 0; font-family: Helvetica, Arial, sans-serif; color: #1d1d1d; }
header { position: sticky; top: 0; background: #f4f4f4; border-bottom: 1px solid #ddd; padding: 0.5rem 1rem; display: flex; gap: 1rem; align-items: center; z-index: 1; }
header a { text-decoration: none; }
#layout { display: grid; grid-template-columns: minmax(0, 46rem) minmax(16rem, 1fr); gap: 2rem; padding: 0 1rem; }
#brief { font-family: Georgia, 'Times New Roman', serif; line-height: 1.55; }
#brief h1 { font-size: 1.8rem; line-height: 1.25; }
#brief h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
#brief table { border-collapse: collapse; width: 100%; font-family: Helvetica, Arial, sans-serif; font-size: 0.9rem; }
#brief th, #brief td { padding: 0.35rem 0.6rem; border-bottom: 1px solid #e5e5e5; }
figure.chart svg { max-width: 100%; height: auto; }
.s { border-radius: 3px; }
.s:hover, .s:focus, .s.on { background: #fff3bf; outline: none; }
aside { position: sticky; top: 3.5rem; align-self: start; max-height: calc(100vh - 4.5rem); overflow: auto; font-size: 0.85rem; border-left: 3px solid #ffd43b; padding: 0 1rem; }
aside pre { white-space: pre-wrap; font-size: 0.8rem; background: #f8f8f8; padding: 0.5rem; }
aside table { border-collapse: collapse; } aside td { padding: 0.15rem 0.4rem; border-bottom: 1px solid #eee; vertical-align: top; }
.where, .muted { color: #666; }
#problems { background: #fff5f5; border: 1px solid #ffa8a8; padding: 1rem; white-space: pre-wrap; }
"#;

const SCRIPT: &str = r#"
const page = document.body.dataset;
const evidence = JSON.parse(document.getElementById('evidence-data').textContent);
const panel = document.getElementById('evidence');
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function show(k) {
  const e = evidence[k];
  document.querySelectorAll('.s.on').forEach(s => s.classList.remove('on'));
  document.querySelector('.s[data-s="' + k + '"]').classList.add('on');
  panel.replaceChildren(el('h3', 'Evidence'));
  const rule = el('p'); rule.append(el('code', e.rule), ' ', el('span', e.location, 'where')); panel.append(rule);
  if (e.outcome) panel.append(el('p', e.part + ': ' + e.outcome, 'muted')); else panel.append(el('p', e.part, 'muted'));
  if (e.condition.length) { panel.append(el('h4', 'Condition')); panel.append(el('pre', e.condition.join('\n'))); }
  if (e.facts.length) {
    panel.append(el('h4', 'Facts'));
    const t = el('table');
    for (const f of e.facts) {
      const r = el('tr'); r.className = 'fact'; r.dataset.name = f.name;
      r.append(el('td', f.name), el('td', f.value, 'value'), el('td', f.metric || 'built in', 'where'));
      if (f.definition) r.title = f.definition;
      t.append(r);
    }
    panel.append(t);
  }
  if (e.files.length) {
    panel.append(el('h4', 'Data'));
    const u = el('ul');
    for (const f of e.files) u.append(el('li', f.source + ': ' + f.path + (f.read_to ? ', read to ' + f.read_to : '') + (f.last_date ? ' (file ends ' + f.last_date + ')' : '')));
    panel.append(u);
  }
}
document.querySelectorAll('.s').forEach(s => {
  s.addEventListener('mouseenter', () => show(s.dataset.s));
  s.addEventListener('focus', () => show(s.dataset.s));
});
document.addEventListener('keydown', e => {
  if (e.target.tagName === 'INPUT') return;
  if (e.key === 'ArrowLeft' && page.prev) location.href = '/brief/' + page.prev;
  if (e.key === 'ArrowRight' && page.next) location.href = '/brief/' + page.next;
});
const picker = document.getElementById('date');
if (picker) picker.addEventListener('change', () => { if (picker.value) location.href = '/brief/' + picker.value; });
"#;

/// Reloads the page when the server's generation changes (a watched file was saved).
const RELOAD: &str = r#"
setInterval(() => {
  fetch('/generation', {cache: 'no-store'}).then(r => r.text()).then(g => {
    if (g !== document.body.dataset.generation) location.reload();
  }).catch(() => {});
}, 400);
"#;

fn shell(title: &str, data: &str, header: &str, body: &str, scripts: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body {data}>\n<header>{header}</header>\n{body}\n<script>{scripts}</script>\n</body>\n</html>\n",
        escape_html(title)
    )
}

/// The page while the run has problems: `check`'s messages, each with its place.
pub fn broken(lines: &[String], generation: u64) -> String {
    let body = format!(
        "<main id=\"layout\"><div id=\"brief\"><h1>The run has problems</h1><p>Fix them and save: the brief comes back on the next good save.</p><pre id=\"problems\">{}</pre></div></main>",
        escape_html(&lines.join("\n"))
    );
    shell(
        "marketbrief: problems",
        &format!("data-generation=\"{generation}\""),
        "<strong>marketbrief preview</strong>",
        &body,
        RELOAD,
    )
}

/// The page of the brief for `day` (the trading day on or before it).
pub fn brief(config: &RunConfig, prepared: &Prepared, day: NaiveDate, generation: u64) -> String {
    let cal = &prepared.frame.calendar;
    let row = match prepared.row(AsOf::Date(day)) {
        Ok(r) => r,
        Err(e) => return broken(&[e.to_string()], generation),
    };
    let date = cal[row];
    let prev = row.checked_sub(1).map(|r| cal[r].to_string());
    let next = cal.get(row + 1).map(|d| d.to_string());
    let nav = |d: &Option<String>, label: &str, key: &str| match d {
        Some(d) => format!("<a href=\"/brief/{d}\" title=\"{key}\">{label} {d}</a>"),
        None => format!("<span class=\"muted\">{label}</span>"),
    };
    let header = format!(
        "<strong>{}</strong> {} <input type=\"date\" id=\"date\" value=\"{date}\" min=\"{}\" max=\"{}\"> {} <span class=\"muted\">← → move a trading day; hover a sentence for its evidence</span>",
        escape_html(&config.title),
        nav(&prev, "←", "previous trading day (←)"),
        cal.first().map(|d| d.to_string()).unwrap_or_default(),
        cal.last().map(|d| d.to_string()).unwrap_or_default(),
        nav(&next, "→", "next trading day (→)"),
    );
    let data = format!(
        "data-generation=\"{generation}\" data-date=\"{date}\" data-prev=\"{}\" data-next=\"{}\"",
        prev.clone().unwrap_or_default(),
        next.clone().unwrap_or_default()
    );
    let (article, evidence_json, why) = match prepared.brief(AsOf::Date(date)) {
        Ok(brief) => {
            let why = explain_brief(prepared, AsOf::Date(date), None, Ok(&brief.json)).ok();
            let ev = why
                .as_ref()
                .map_or_else(Vec::new, |w| evidence(prepared, &brief.json, w, date));
            let json = serde_json::to_string(&ev)
                .expect("plain data")
                .replace("</", "<\\/");
            let note = match day == date {
                true => String::new(),
                false => format!(
                    "<p class=\"muted\">{day} is not a trading day: this is the brief for {date}.</p>"
                ),
            };
            let article = format!(
                "{note}{}<footer><p class=\"muted\">{}</p></footer>",
                marked(&brief),
                escape_html(&brief.ctx.disclaimer)
            );
            (article, json, why.map_or_else(String::new, |w| why_not(&w)))
        }
        Err(e) => (
            format!(
                "<h1>No brief for {date}</h1><pre id=\"problems\">{}</pre>",
                escape_html(&e.to_string())
            ),
            "[]".to_string(),
            String::new(),
        ),
    };
    let body = format!(
        "<main id=\"layout\"><article id=\"brief\">{article}<section id=\"why-not\"><h2>Why not?</h2><p class=\"muted\">Rules that held on {date} but are not in the brief.</p>{why}</section></article><aside id=\"evidence\" aria-live=\"polite\"><h3>Evidence</h3><p class=\"muted\">Hover or focus a sentence to see the rule, its condition value by value, its facts at full precision and the data behind them.</p></aside></main>\n<script type=\"application/json\" id=\"evidence-data\">{evidence_json}</script>"
    );
    shell(
        &format!("{} · {date}", config.title),
        &data,
        &header,
        &body,
        &format!("{SCRIPT}{RELOAD}"),
    )
}
