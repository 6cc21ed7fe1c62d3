//! Words: the Tera environment that turns findings and figures into the brief's text.
//!
//! The shipped templates are embedded in the binary; a user's template folder overrides them
//! file by file (same relative name) and may add new ones for rules' `template:`. Every rule's
//! snippets are compiled together with the templates at start-up, so that a template mistake
//! stops the run before any data is read into a brief, with the file and line named.

pub mod check;
pub mod connect;
pub mod context;
pub mod filters;
mod locate;
pub mod plan;
pub mod refer;
mod templates;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera};

use crate::config::{Bands, Locale};
use crate::metrics::{Kind, Value};
use crate::rules::{Finding, Rule, RuleSet, Says};
use context::{RowCtx, TableCtx};
use locate::locate;
pub(crate) use locate::tera_position;
use templates::printed_variables;
pub(crate) use templates::template_sources;
pub use templates::{ALSO_NAME, DEFAULT_TEMPLATES, SAID, SPANS};

/// A template problem, located in the file the user can open.
#[derive(Debug, thiserror::Error)]
pub enum NarrativeError {
    /// A template file could not be read.
    #[error("{path}: cannot read template: {source}")]
    Io {
        /// The template file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A template or rule text that does not compile or render.
    #[error("{location}: {message}")]
    Template {
        /// `file:line`, or the rule file, line and which text.
        location: String,
        /// Tera's message.
        message: String,
    },
    /// A rule names a template that does not exist.
    #[error("{path}:{line}: rule '{rule}': template '{template}' not found")]
    MissingTemplate {
        /// The rule file.
        path: PathBuf,
        /// The rule's line.
        line: usize,
        /// The rule id.
        rule: String,
        /// The template it names.
        template: String,
    },
}

/// Where a template came from, for messages.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// Shipped in the binary.
    Embedded,
    /// A file of the user's template folder.
    File(PathBuf),
    /// A rule's text: rule file, rule line, rule id, which text.
    Rule(PathBuf, usize, String, &'static str),
}

/// The text of one finding, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct FindingText {
    /// The body paragraph.
    pub text: String,
    /// The key-takeaway line.
    pub takeaway: String,
    /// The headline, if this finding leads.
    pub headline: String,
    /// The line for the "what to watch" close, if the rule has one.
    pub watch: Option<String>,
    /// The clause that can close another finding's headline, if the rule has one.
    pub clause: Option<String>,
    /// Whether the body text's first word may go to lower case after a connective (it is a
    /// plain word, not a name).
    pub lowercase_ok: bool,
    /// The facts the body text prints, by name.
    pub printed: Vec<String>,
    /// The text of the templates used, outside their tags: figures written there by hand
    /// ("over 21 sessions") are the template's own, not facts.
    pub literals: String,
}

/// What one finding's texts are rendered with.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The values its texts show, by fact name (see `brief::shown`).
    pub shown: &'a BTreeMap<String, Value>,
    /// The sessions each fact's window spans, for the direction words.
    pub spans: &'a BTreeMap<String, usize>,
    /// Its facts the brief has printed already, earlier in reading order: a text can say
    /// `{% if said.small %}that gain{% else %}{{ small | pct }}{% endif %}`.
    pub said: &'a BTreeSet<String>,
    /// How the brief names the subject of a finding merged into this one (its marker), if
    /// one was: the body text is then the rule's `merged` wording.
    pub also: Option<&'a str>,
}

/// A comparison table: one column per index, one row per metric.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Index display names.
    pub columns: Vec<String>,
    /// Row label, how its numbers read, and one value per column.
    pub rows: Vec<(String, Kind, Vec<Option<Value>>)>,
    /// For each row, the metric of each column's value (for the JSON's provenance).
    pub metrics: Vec<Vec<Option<crate::metrics::Metric>>>,
}

/// The Tera environment of a run.
pub struct Narrator {
    tera: Tera,
    origins: BTreeMap<String, Origin>,
    /// For each rule, the facts its takeaway wordings print.
    takeaway_facts: BTreeMap<String, Vec<String>>,
    /// For each template, the variables it prints (in `{{ }}`, not in conditions).
    printed: BTreeMap<String, Vec<String>>,
    /// The rules whose texts read `said`.
    reads_said: BTreeSet<String>,
    /// Each template's text outside its tags: the fact check's literals, read once.
    literals: BTreeMap<String, String>,
    locale: Locale,
}

/// The template name of a rule's `which` text, wording `i`.
pub(crate) fn wording_name(rule: &str, which: &str, i: usize) -> String {
    format!("rule/{rule}/{which}/{i}")
}

/// Which of `n` wordings a rule uses on trading day `day`: a fixed offset from the rule's id
/// plus the day, so the same date always reads the same and consecutive days differ.
pub fn wording_index(rule: &str, which: &str, day: usize, n: usize) -> usize {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let seed = format!("{rule}/{which}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    ((seed % n.max(1) as u64) as usize + day) % n.max(1)
}

impl Narrator {
    /// Every template's text outside its tags: what the templates write by hand.
    pub fn literal_texts(&self) -> impl Iterator<Item = &str> {
        self.literals.values().map(String::as_str)
    }

    /// Loads the embedded templates, the user's overrides, and every rule's texts.
    pub fn new(
        user_dir: Option<&Path>,
        rules: &RuleSet,
        locale: Locale,
        bands: Bands,
    ) -> Result<Self, NarrativeError> {
        let mut sources = template_sources(user_dir, rules)?;
        if locale == Locale::EnGb {
            for (text, _) in sources.values_mut() {
                *text = filters::british_template(text);
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html.tera"]);
        filters::register(&mut tera, locale, bands);
        let origins: BTreeMap<String, Origin> = sources
            .iter()
            .map(|(n, (_, o))| (n.clone(), o.clone()))
            .collect();
        let literals: BTreeMap<String, String> = sources
            .iter()
            .map(|(n, (t, _))| (n.clone(), check::plain_text(t)))
            .collect();
        let narrator_err = |e: tera::Error| locate(&origins, e);
        tera.add_raw_templates(sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
            .map_err(narrator_err)?;
        for rule in &rules.rules {
            if let Says::Template(t) = &rule.says {
                if !tera.contains_template(t) {
                    return Err(NarrativeError::MissingTemplate {
                        path: rule.path.clone(),
                        line: rule.line,
                        rule: rule.id.clone(),
                        template: t.clone(),
                    });
                }
            }
        }
        let takeaway_facts = (rules.rules.iter())
            .map(|r| {
                let mut used: Vec<String> = (0..r.takeaway.len())
                    .filter_map(|i| {
                        tera.get_template_variables(&wording_name(&r.id, "takeaway", i))
                            .ok()
                    })
                    .flatten()
                    .filter(|v| r.facts.contains_key(*v))
                    .map(str::to_string)
                    .collect();
                used.sort();
                used.dedup();
                (r.id.clone(), used)
            })
            .collect();
        let printed: BTreeMap<String, Vec<String>> = (sources.iter())
            .map(|(n, (t, _))| (n.clone(), printed_variables(t)))
            .collect();
        let reads_said = (rules.rules.iter())
            .filter(|r| {
                sources.iter().any(|(n, (t, o))| {
                    matches!(o, Origin::Rule(_, _, id, _) if *id == r.id)
                        && n.starts_with("rule/")
                        && t.contains(SAID)
                })
            })
            .map(|r| r.id.clone())
            .collect();
        Ok(Narrator {
            tera,
            origins,
            takeaway_facts,
            printed,
            reads_said,
            literals,
            locale,
        })
    }

    /// Whether a rule's texts read `said` (and so may read differently once the plan knows
    /// what comes before them).
    pub fn reads_said(&self, rule: &str) -> bool {
        self.reads_said.contains(rule)
    }

    /// The facts a rule's takeaway wordings print (by name).
    pub fn takeaway_facts(&self, rule: &str) -> &[String] {
        self.takeaway_facts.get(rule).map_or(&[], Vec::as_slice)
    }

    /// Renders a finding's body, takeaway, headline, watch line and clause with `inputs`
    /// and the names (markers, see [`refer`]), in the wordings of trading day `day`.
    pub fn finding(
        &self,
        f: &Finding,
        inputs: &Inputs,
        names: &BTreeMap<String, String>,
        day: usize,
    ) -> Result<FindingText, NarrativeError> {
        let mut ctx = Context::new();
        for (k, v) in inputs.shown {
            match v {
                Value::Number(x) => ctx.insert(k.clone(), x),
                Value::Count(n) => ctx.insert(k.clone(), n),
                Value::Date(d) => ctx.insert(k.clone(), &d.to_string()),
                Value::Text(s) => ctx.insert(k.clone(), &crate::output::escape_markdown(s)),
            }
        }
        ctx.insert("names", names);
        ctx.insert(SPANS, inputs.spans);
        let said: BTreeMap<&String, bool> = (f.rule.facts.keys())
            .map(|k| (k, inputs.said.contains(k)))
            .collect();
        ctx.insert(SAID, &said);
        if let Some(name) = inputs.also {
            ctx.insert(ALSO_NAME, name);
        }
        let rule: &Rule = &f.rule;
        let mut used = Vec::new();
        let mut render = |which: &'static str, n: usize| -> Result<String, NarrativeError> {
            let name = match (&rule.says, which) {
                (Says::Template(t), "says") => t.clone(),
                _ => wording_name(&rule.id, which, wording_index(&rule.id, which, day, n)),
            };
            let text = self.render_ctx(&name, &ctx)?;
            // A clause closes another sentence: it keeps its own case.
            let text = match which {
                "clause" => text.trim().to_string(),
                _ => sentence_case(text.trim()),
            };
            used.push(name);
            Ok(text)
        };
        let text = match inputs.also {
            Some(_) if !f.rule.merged.is_empty() => render("merged", f.rule.merged.len())?,
            _ => render("says", rule.says.wordings())?,
        };
        let takeaway = match rule.takeaway.len() {
            0 => text.clone(),
            n => render("takeaway", n)?,
        };
        let headline = match rule.headline.len() {
            // A headline is a claim, not a sentence: no closing full stop.
            0 => takeaway.trim_end_matches('.').to_string(),
            n => render("headline", n)?,
        };
        // An empty watch line (a member's window that has none) is no watch line.
        let watch = match rule.watch.len() {
            0 => None,
            n => Some(render("watch", n)?).filter(|w| !w.trim().is_empty()),
        };
        // An empty clause (a family member's window that has none) is no clause.
        let clause = match rule.clause.len() {
            0 => None,
            n => Some(render("clause", n)?.trim_end_matches('.').to_string())
                .filter(|c| !c.is_empty()),
        };
        let printed = self.printed.get(&used[0]).cloned().unwrap_or_default();
        let literals = used
            .iter()
            .filter_map(|n| self.literals.get(n).map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        let texts: Vec<&str> = (inputs.shown.values())
            .filter_map(|v| match v {
                Value::Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        Ok(FindingText {
            printed,
            lowercase_ok: plain_start(&text, &texts),
            text,
            takeaway,
            headline,
            watch,
            clause,
            literals,
        })
    }

    /// Renders a named template with a serializable context.
    pub fn render<T: Serialize>(&self, name: &str, ctx: &T) -> Result<String, NarrativeError> {
        let ctx = Context::from_serialize(ctx).map_err(|e| locate(&self.origins, e))?;
        self.render_ctx(name, &ctx)
    }

    fn render_ctx(&self, name: &str, ctx: &Context) -> Result<String, NarrativeError> {
        self.tera
            .render(name, ctx)
            .map_err(|e| locate(&self.origins, e))
    }

    /// A date as the run's locale writes it.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        filters::date(d, self.locale)
    }

    /// The comparison table as templates see it, every cell in the shared number formats.
    pub fn table(&self, table: &Table) -> TableCtx {
        let rows = table
            .rows
            .iter()
            .map(|(label, kind, values)| RowCtx {
                label: label.clone(),
                cells: values
                    .iter()
                    .map(|v| self.cell(v.as_ref(), *kind))
                    .collect(),
            })
            .collect();
        TableCtx {
            columns: table.columns.clone(),
            rows,
        }
    }

    fn cell(&self, value: Option<&Value>, kind: Kind) -> String {
        match (value, kind) {
            (None, _) => "n/a".to_string(),
            (Some(Value::Number(x)), Kind::Return) => filters::percent(*x, true),
            (Some(Value::Number(x)), Kind::Percent) => filters::percent(*x, false),
            (Some(Value::Number(x)), Kind::Points) => filters::signed(*x, 1),
            (Some(Value::Number(x)), Kind::BasisPoints) => filters::basis_points(*x, true),
            (Some(Value::Number(x)), Kind::Times) => format!("{x:.1}x"),
            (Some(Value::Number(x)), _) => filters::level(*x),
            (Some(Value::Count(n)), _) => filters::whole(*n as f64),
            (Some(Value::Date(d)), _) => filters::date(*d, self.locale),
            (Some(Value::Text(s)), _) => s.clone(),
        }
    }
}

/// Whether a text starts with a plain word that may go to lower case after a connective:
/// an initial capital followed by lower-case letters, not a name from the data.
fn plain_start(text: &str, names: &[&str]) -> bool {
    let word: String = text.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = text[word.len()..].chars().next();
    let mut chars = word.chars();
    let plain = chars.next().is_some_and(char::is_uppercase)
        && chars.all(char::is_lowercase)
        && !matches!(after, Some('\'' | '’' | '&' | '-'))
        && !PROPER.contains(&word.as_str())
        && !check::MONTHS.contains(&word.as_str());
    plain && !names.iter().any(|n| !n.is_empty() && text.starts_with(n))
}

/// Words that are names wherever they stand (and the months).
const PROPER: &[&str] = &[
    "Shiller",
    "Herfindahl",
    "Nasdaq",
    "Russell",
    "Treasury",
    "Treasuries",
    "Federal",
    "Fed",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
];

/// Capitalises the first letter, so a text may begin with a name that reads "the ...".
fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
