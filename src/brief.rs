//! One brief, end to end: run file → data → metrics → rules → selection → words → formats.
//!
//! This is the library's front door ([`Brief::generate`]); the CLI only parses arguments,
//! calls it, and writes what it returns.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::config::{ConfigError, OutputFormat, Role, RunConfig};
use crate::data::{Content, DataError, Dataset};
use polars::prelude::DataFrame;

use crate::metrics::{self, Breadth, Kind, Metric, MetricFrame, MetricsError, Valuation, Window};
use crate::narrative::context::{section_title, BriefCtx, PageCtx, SectionCtx, SourceCtx};
use crate::narrative::{NarrativeError, Narrator, Table};
use crate::output::{self, JsonBrief, JsonFinding};
use crate::rules::{RuleError, RuleSet};
use crate::select;

/// Which date a brief is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// The last trading day in the data.
    Latest,
    /// A given date (a non-trading day means the trading day before it).
    Date(NaiveDate),
}

/// Anything that stops a brief.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The run file.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A data file.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The rules.
    #[error(transparent)]
    Rules(#[from] RuleError),
    /// Templates and rule texts.
    #[error(transparent)]
    Narrative(#[from] NarrativeError),
    /// Computation.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    /// The as-of date is outside the data.
    #[error("as-of date {asked} is outside the data, which runs from {first} to {last}")]
    OutOfRange {
        /// The date asked for.
        asked: NaiveDate,
        /// The first trading day of the data.
        first: NaiveDate,
        /// The last trading day of the data.
        last: NaiveDate,
    },
}

impl Error {
    /// The process exit code for this error: 3 for a problem in what the user wrote (run
    /// file, rules, templates), 4 for a problem in the data or the date asked for, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Rules(RuleError::Polars(_)) => 1,
            Error::Config(_) | Error::Rules(_) | Error::Narrative(_) => 3,
            Error::Data(_) | Error::OutOfRange { .. } => 4,
            _ => 1,
        }
    }
}

/// A generated brief, ready to be written in any format.
#[derive(Debug, Clone)]
pub struct Brief {
    /// The trading day the figures are from.
    pub data_as_of: NaiveDate,
    /// The Markdown text.
    pub markdown: String,
    /// The HTML page.
    pub html: String,
    /// The JSON contract.
    pub json: JsonBrief,
}

/// One row of the comparison table: a label, how its numbers read, and the metric that fills
/// it for each compared index (none where that index has no such data).
struct TableRow {
    label: &'static str,
    kind: Kind,
    per_index: Vec<Option<Metric>>,
}

/// The comparison table's rows, for the indexes the run file compares.
fn comparison_rows(config: &RunConfig) -> Vec<TableRow> {
    let linked = |s: &String, role| config.linked(s, role).map(|l| l.symbol.clone());
    let row = |label, kind, f: &dyn Fn(&String) -> Option<Metric>| TableRow {
        label,
        kind,
        per_index: config.compare.iter().map(f).collect(),
    };
    let ret = |w| move |s: &String| Some(Metric::Return(s.clone(), w));
    vec![
        row("Day", Kind::Return, &ret(Window::Days(1))),
        row("Week to date", Kind::Return, &ret(Window::WeekToDate)),
        row("Month to date", Kind::Return, &ret(Window::MonthToDate)),
        row("Year to date", Kind::Return, &ret(Window::YearToDate)),
        row("Top-10 weight", Kind::Percent, &|s| {
            linked(s, Role::Holdings).map(|h| Metric::TopWeight(h, 10))
        }),
        row("Largest sector", Kind::Text, &|s| {
            linked(s, Role::Holdings).map(Metric::LargestSector)
        }),
        row("Largest sector weight", Kind::Percent, &|s| {
            linked(s, Role::Holdings).map(Metric::LargestSectorWeight)
        }),
        row("P/E (trailing, Shiller)", Kind::Level, &|s| {
            linked(s, Role::Valuation).map(|v| Metric::Valuation(Valuation::Pe, v))
        }),
        row("Members above 200-day average", Kind::Percent, &|s| {
            linked(s, Role::Members).map(|m| Metric::Breadth(Breadth::AboveSma, m, 200))
        }),
    ]
    .into_iter()
    .filter(|r| r.per_index.iter().any(Option::is_some))
    .collect()
}

/// Everything a run computes once, whatever the date: the data, every metric and every rule
/// over the whole calendar. Briefs for any number of dates are then rows of it.
pub struct Prepared<'a> {
    config: &'a RunConfig,
    /// The validated rules.
    pub rules: RuleSet,
    narrator: Narrator,
    /// The data as read.
    pub data: Dataset,
    table_rows: Vec<TableRow>,
    /// Every metric, one column each.
    pub frame: MetricFrame,
    /// One boolean column per rule: on which dates it holds.
    pub held: DataFrame,
}

impl Brief {
    /// Reads the run file's data and rules and writes the brief for `as_of`.
    pub fn generate(config: &RunConfig, as_of: AsOf) -> Result<Brief, Error> {
        Prepared::new(config)?.brief(as_of)
    }
}

impl<'a> Prepared<'a> {
    /// Loads rules, templates and data, and computes every metric and rule over the calendar.
    pub fn new(config: &'a RunConfig) -> Result<Self, Error> {
        let rules = RuleSet::load(&config.rules_dir, config)?;
        let narrator = Narrator::new(config.templates_dir.as_deref(), &rules, config.locale)?;
        let data = Dataset::load(config)?;
        let mut wanted: BTreeSet<Metric> = rules.metrics();
        let table_rows = comparison_rows(config);
        wanted.extend(
            table_rows
                .iter()
                .flat_map(|r| r.per_index.iter().flatten().cloned()),
        );
        let mut frame = metrics::compute(&data, &wanted)?;
        let held = rules.evaluate(&mut frame)?;
        Ok(Prepared {
            config,
            rules,
            narrator,
            data,
            table_rows,
            frame,
            held,
        })
    }

    /// The brief for `as_of`.
    pub fn brief(&self, as_of: AsOf) -> Result<Brief, Error> {
        let Prepared {
            config,
            rules,
            narrator,
            data,
            table_rows: rows,
            frame,
            held,
        } = self;
        let (first, last) = match (frame.calendar.first(), frame.calendar.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => unreachable!(
                "a run file always has an index source, and readers reject empty files"
            ),
        };
        let asked = match as_of {
            AsOf::Latest => last,
            AsOf::Date(d) if d < first || d > last => {
                return Err(Error::OutOfRange {
                    asked: d,
                    first,
                    last,
                })
            }
            AsOf::Date(d) => d,
        };
        let row = frame
            .row_on_or_before(asked)
            .expect("asked is within the calendar");
        let data_as_of = frame.calendar[row];

        let mut warnings = data.warnings.clone();
        stale_sources(data, data_as_of, &mut warnings);
        let findings = rules.findings(held, frame, row, &mut warnings);
        let selection = select::select(findings);

        let names = display_names(config);
        let texts = selection
            .kept
            .iter()
            .map(|f| narrator.finding(f, &names))
            .collect::<Result<Vec<_>, _>>()?;
        let headline = selection.headline.map(|i| texts[i].headline.clone());

        let table = Table {
            columns: config.compare.iter().map(|s| names[s].clone()).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    let values = r
                        .per_index
                        .iter()
                        .map(|m| m.as_ref().and_then(|m| frame.value(m, row)));
                    (r.label.to_string(), r.kind, values.collect())
                })
                .collect(),
        };

        let ctx = BriefCtx {
            title: config.title.clone(),
            as_of: asked.to_string(),
            data_as_of: data_as_of.to_string(),
            headline: headline.clone().unwrap_or_else(|| {
                "No rule fired: a quiet session by this brief's measures".into()
            }),
            takeaways: selection
                .takeaways
                .iter()
                .map(|&i| texts[i].takeaway.clone())
                .collect(),
            sections: selection
                .sections
                .iter()
                .map(|(key, idx)| SectionCtx {
                    key: key.clone(),
                    title: section_title(key),
                    paragraphs: idx.iter().map(|&i| texts[i].text.clone()).collect(),
                })
                .collect(),
            caveats: selection
                .caveats
                .iter()
                .map(|&i| texts[i].text.clone())
                .collect(),
            table: narrator.table(&table),
            sources: data
                .sources
                .iter()
                .map(|l| SourceCtx {
                    name: l.source.name.clone(),
                    files: l
                        .source
                        .files
                        .iter()
                        .map(|f| {
                            f.file_name()
                                .unwrap_or_default()
                                .to_string_lossy()
                                .into_owned()
                        })
                        .collect::<Vec<_>>()
                        .join("`, `"),
                    coverage: match l.content {
                        Content::Holdings(_) => "holdings as of",
                        _ => "data to",
                    },
                    last_date: l.last_date().map(|d| d.to_string()).unwrap_or_default(),
                    note: l.source.note.clone(),
                })
                .collect(),
            warnings: warnings.clone(),
        };
        let markdown = output::tidy_markdown(&narrator.render("brief.md.tera", &ctx)?);
        let page = PageCtx {
            lang: match config.locale {
                crate::config::Locale::EnUs => "en-US",
                crate::config::Locale::EnGb => "en-GB",
            },
            headline: ctx.headline.clone(),
            body: output::markdown_to_html(&markdown),
        };
        let html = narrator.render("page.html.tera", &page)?;
        let json = JsonBrief {
            as_of: asked.to_string(),
            data_as_of: data_as_of.to_string(),
            headline,
            findings: selection
                .kept
                .iter()
                .zip(&texts)
                .map(|(f, t)| JsonFinding {
                    rule: f.rule.id.clone(),
                    section: f.rule.section.clone(),
                    priority: f.rule.priority,
                    text: t.text.clone(),
                    facts: f
                        .facts
                        .iter()
                        .map(|(k, v)| (k.clone(), output::json_value(v)))
                        .collect(),
                })
                .collect(),
            warnings,
        };
        Ok(Brief {
            data_as_of,
            markdown,
            html,
            json,
        })
    }
}

impl Brief {
    /// The brief in one format.
    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Md => self.markdown.clone(),
            OutputFormat::Html => self.html.clone(),
            OutputFormat::Json => {
                let mut s =
                    serde_json::to_string_pretty(&self.json).expect("plain data serializes");
                s.push('\n');
                s
            }
        }
    }
}

/// Display names by universe name and by symbol, for rule texts.
fn display_names(config: &RunConfig) -> BTreeMap<String, String> {
    let mut names: BTreeMap<String, String> = config
        .sources
        .iter()
        .map(|s| (s.symbol.clone(), s.name.clone()))
        .collect();
    for (key, group) in &config.groups {
        names.insert(key.clone(), group.name.clone());
    }
    for (alias, symbol) in &config.universe {
        if let Some(s) = config.resolve(symbol) {
            names.insert(alias.clone(), s.name.clone());
        }
    }
    names
}

/// Warns about sources that end before the brief's date, and old holdings snapshots.
fn stale_sources(data: &Dataset, day: NaiveDate, warnings: &mut Vec<String>) {
    for l in &data.sources {
        let Some(last) = l.last_date() else { continue };
        match &l.content {
            Content::Holdings(_) if last <= day && (day - last).num_days() > 31 => {
                warnings.push(format!(
                    "{}: the latest holdings snapshot is from {last}, {} days before this brief",
                    l.source.name,
                    (day - last).num_days()
                ))
            }
            Content::Holdings(_) | Content::Events(_) | Content::Valuation(_) => {}
            _ if last < day => warnings.push(format!(
                "{}: no data after {last}; its figures are left out",
                l.source.name
            )),
            _ => {}
        }
    }
}
