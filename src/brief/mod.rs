//! One brief, end to end: run file → data → metrics → rules → selection → words → formats,
//! then the fact check of every sentence before anything is returned.
//!
//! This is the library's front door ([`Brief::generate`]); the CLI only parses arguments,
//! calls it, and writes what it returns.

mod compose;
mod limits;
mod merge;
mod provenance;
mod shown;
mod sources;
mod table;
mod verify;
mod words;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use crate::config::{ConfigError, OutputFormat, RunConfig};
use crate::data::{DataError, Dataset};
use crate::metrics::{self, Breadth, Metric, MetricFrame, MetricsError};
use crate::narrative::check::Mismatch;
use crate::narrative::context::{BriefCtx, PageCtx, TableCtx};
use crate::narrative::refer::{self, Entities};
use crate::narrative::{NarrativeError, Narrator};
use crate::output::{self, JsonBrief};
use crate::rules::{RuleError, RuleSet};
pub use sources::as_of as source_as_of;
use table::Rows;

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
    /// A rendered figure or direction word that the facts do not support.
    #[error(
        "fact check failed on {date}, rule '{rule}' ({location}): {mismatch}. \
         This is a template bug; no brief was written"
    )]
    FactCheck {
        /// The brief's date.
        date: NaiveDate,
        /// The rule whose text failed (`table` for a table cell).
        rule: String,
        /// Where the rule is written.
        location: String,
        /// What does not match.
        mismatch: Mismatch,
    },
    /// A file could not be written.
    #[error("writing {path}: {source}")]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
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
    /// file, rules, templates, including a template that fails the fact check), 4 for a
    /// problem in the data or the date asked for, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Rules(RuleError::Polars(_)) => 1,
            // A run file that cannot be read is an I/O error, like any other file.
            Error::Config(ConfigError::Io { .. }) => 1,
            Error::Config(_) | Error::Rules(_) | Error::Narrative(_) | Error::FactCheck { .. } => 3,
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
    /// The Markdown text, with front matter.
    pub markdown: String,
    /// The HTML page.
    pub html: String,
    /// What the page wraps: the brief's HTML from its title to its charts.
    pub html_body: String,
    /// The plain text for email bodies.
    pub text: String,
    /// The JSON contract, with provenance.
    pub json: JsonBrief,
    /// What the templates were given: for other renderings (the email).
    pub ctx: BriefCtx,
    /// The charts, drawn as SVG: inline in the HTML; linked from the Markdown when it is
    /// written to a folder ([`Brief::markdown_with_charts`]).
    pub charts: Vec<crate::chart::Figure>,
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
    table_rows: Rows,
    /// Display names, for the table's columns: as the indexes tell a row, and as their funds
    /// do (see [`crate::metrics::fund_rows`]).
    names: [BTreeMap<String, String>; 2],
    /// What rule texts see as `names`: markers the brief turns into referring expressions,
    /// as the indexes tell a row and as their funds do.
    markers: [BTreeMap<String, String>; 2],
    /// How each entity may be named.
    entities: Entities,
    /// Every form of every name, capitalised too: masked out of figures by the fact check.
    masks: crate::narrative::check::Masks,
    /// The spans of the facts' windows, row by row.
    spans: shown::Spans,
    /// Every metric, one column each.
    pub frame: MetricFrame,
    /// One boolean column per rule: on which dates it holds.
    pub held: DataFrame,
    /// How rare each leading rule's reading is, row by row.
    news: crate::rules::news::News,
    /// Every metric of the run (the rules', the table's and their inputs), in dependency
    /// order: what `verify` reads a draft against.
    pub metrics: Vec<Metric>,
    /// Whether briefs draw their charts (a backtest writing thousands of briefs does not).
    pub draw_charts: bool,
}

impl Brief {
    /// Reads the run file's data and rules and writes the brief for `as_of`.
    pub fn generate(config: &RunConfig, as_of: AsOf) -> Result<Brief, Error> {
        Prepared::new(config)?.brief(as_of)
    }

    /// The Markdown with a "Charts" section linking each chart as the file
    /// [`crate::chart::file_name`] names beside it (written by the caller).
    pub fn markdown_with_charts(&self, stem: &str) -> String {
        match self.charts.is_empty() {
            true => self.markdown.clone(),
            false => format!(
                "{}\n{}\n",
                self.markdown.trim_end(),
                crate::chart::markdown(&self.charts, stem)
            ),
        }
    }

    /// The brief in one format.
    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Md => self.markdown.clone(),
            OutputFormat::Html => self.html.clone(),
            OutputFormat::Txt => self.text.clone(),
            OutputFormat::Json => {
                let mut s =
                    serde_json::to_string_pretty(&self.json).expect("plain data serializes");
                s.push('\n');
                s
            }
        }
    }
}

impl<'a> Prepared<'a> {
    /// Loads rules, templates and data, and computes every metric and rule over the calendar.
    pub fn new(config: &'a RunConfig) -> Result<Self, Error> {
        // The kept columns, the data, and the rules with their templates load side by side.
        let kept = crate::data::frame_cache::start_reading(config);
        let (words, data) = std::thread::scope(|scope| {
            let data = scope.spawn(|| {
                let _p = crate::profile::phase(|| "3 data: read and parse (all)".into());
                Dataset::load(config)
            });
            let words = (|| -> Result<(RuleSet, Narrator), Error> {
                let p = crate::profile::phase(|| "1 rules: load and compile".into());
                let rules = RuleSet::load(&config.rules_dir, config)?;
                drop(p);
                let _p = crate::profile::phase(|| "2 templates: compile".into());
                let narrator = Narrator::new(
                    config.templates_dir.as_deref(),
                    &rules,
                    config.locale,
                    config.style.bands,
                )?;
                Ok((rules, narrator))
            })();
            (words, data.join().expect("the data thread does not panic"))
        });
        let (rules, narrator) = words?;
        let data = data?;
        let mut wanted: BTreeSet<Metric> = rules.metrics();
        let table_rows = Rows::new(rules.rules.iter().flat_map(|r| r.facts.values()), config);
        wanted.extend(table_rows.metrics().cloned());
        // The data-limit caveats count the members a breadth figure could use.
        let counted: Vec<Metric> = wanted
            .iter()
            .filter_map(|m| match m {
                Metric::Breadth(_, s, n) if *n > 1 => {
                    Some(Metric::Breadth(Breadth::Counted, s.clone(), *n))
                }
                _ => None,
            })
            .collect();
        wanted.extend(counted);
        let all_metrics = metrics::in_dependency_order(&wanted);
        // The columns of an earlier run with the same program, run file, rules and data.
        let names: Vec<String> = all_metrics.iter().map(Metric::to_string).collect();
        let key = crate::data::frame_cache::key(config, &data, &names);
        let dir = data.cache_dir.clone();
        let entry = kept.and_then(|h| h.join().ok().flatten());
        let cached = key
            .as_ref()
            .and_then(|k| crate::data::frame_cache::take(entry, k));
        let (frame, held) = match cached {
            Some((columns, held)) => (
                MetricFrame::from_columns(columns, data.calendar.clone(), &all_metrics),
                held,
            ),
            None => {
                let p = crate::profile::phase(|| "4 metrics: plan and breadth".into());
                let mut frame = metrics::compute(&data, &wanted)?;
                drop(p);
                let p = crate::profile::phase(|| "5 rules: evaluate".into());
                let held = rules.evaluate(&mut frame)?;
                drop(p);
                if let (Some(d), Some(k)) = (&dir, &key) {
                    crate::data::frame_cache::put(d, k, &frame.frame, &held);
                }
                (frame, held)
            }
        };
        let _p = crate::profile::phase(|| "6 prepare: names and spans".into());
        let entities = Entities::new(config);
        let mut masks: Vec<String> = (entities.every_form().into_iter())
            .flat_map(|f| [f.to_string(), refer::capitalize(f)])
            .chain(
                config
                    .sources
                    .iter()
                    .map(|s| output::escape_markdown(&s.name)),
            )
            .collect();
        masks.sort_by_key(|m| std::cmp::Reverse(m.len()));
        masks.dedup();
        let masks = crate::narrative::check::Masks::new(&masks);
        let facts = rules.rules.iter().flat_map(|r| r.facts.values());
        let spans = shown::window_spans(&frame.calendar, facts);
        let news = crate::rules::news::News::new(&rules.rules, &frame, &held);
        Ok(Prepared {
            config,
            rules,
            narrator,
            data,
            table_rows,
            names: told_both_ways(display_names(config), config),
            markers: told_both_ways(mention_markers(config), config),
            entities,
            masks,
            spans,
            frame,
            held,
            news,
            metrics: all_metrics,
            draw_charts: true,
        })
    }

    /// Whether the funds tell `row`, rather than the indexes they track.
    pub fn told_by_funds(&self, row: usize) -> bool {
        self.data.fund_rows.get(row).copied().unwrap_or(false)
    }

    /// The data sources of `m`'s value on `row`: a fund's where the funds tell the row.
    pub fn sources_on<'m>(&'m self, m: &'m Metric, row: usize) -> Vec<&'m str> {
        let funds = self.told_by_funds(row);
        (m.sources().into_iter())
            .map(|s| match self.config.funds.get(s) {
                Some(fund) if funds => fund.as_str(),
                _ => s,
            })
            .collect()
    }

    /// Display names as `row` is told.
    fn names_on(&self, row: usize) -> &BTreeMap<String, String> {
        &self.names[usize::from(self.told_by_funds(row))]
    }

    /// The mention markers as `row` is told.
    fn markers_on(&self, row: usize) -> &BTreeMap<String, String> {
        &self.markers[usize::from(self.told_by_funds(row))]
    }

    /// The row of the trading day a brief for `as_of` describes.
    pub fn row(&self, as_of: AsOf) -> Result<usize, Error> {
        let cal = &self.frame.calendar;
        let (first, last) = match (cal.first(), cal.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => unreachable!(
                "a run file always has an index source, and readers reject empty files"
            ),
        };
        match as_of {
            // The last session that has closed: a bar for a session still in progress is
            // no close.
            AsOf::Latest => {
                let closed = self.config.calendar.last_closed(crate::calendar::now());
                Ok(cal.partition_point(|d| *d <= closed).max(1) - 1)
            }
            AsOf::Date(d) if d < first || d > last => Err(Error::OutOfRange {
                asked: d,
                first,
                last,
            }),
            AsOf::Date(d) => Ok(self
                .frame
                .row_on_or_before(d)
                .expect("d is within the calendar")),
        }
    }

    /// The brief for `as_of`, in every format.
    pub fn brief(&self, as_of: AsOf) -> Result<Brief, Error> {
        let all = [
            OutputFormat::Md,
            OutputFormat::Html,
            OutputFormat::Txt,
            OutputFormat::Json,
        ];
        self.brief_in(as_of, &all)
    }

    /// The brief for `as_of`, rendered in `formats` only: without `txt` its text is empty,
    /// and without `json` its JSON holds only the findings (what a backtest counts).
    pub fn brief_in(&self, as_of: AsOf, formats: &[OutputFormat]) -> Result<Brief, Error> {
        let (config, frame, narrator) = (self.config, &self.frame, &self.narrator);
        let row = self.row(as_of)?;
        let asked = match as_of {
            AsOf::Latest => frame.calendar[row],
            AsOf::Date(d) => d,
        };
        let data_as_of = frame.calendar[row];
        let mut warnings = self.data.warnings.clone();
        let p = crate::profile::phase(|| "7 brief: selection, narrative, fact check".into());
        let words = self.words(row, &mut warnings)?;
        drop(p);
        let _p = crate::profile::phase(|| "9 brief: render md, html, txt, json".into());
        let c = &words.composed;
        let read = words.read.iter().collect();
        let sources = self.sources(&read, data_as_of, &words.notes, &words.note_texts);
        warnings.extend(sources.file_notes);
        let ctx = BriefCtx {
            title: config.title.clone(),
            as_of: asked.to_string(),
            data_as_of: data_as_of.to_string(),
            headline: c.headline.clone().unwrap_or_else(|| {
                "No rule fired: a quiet session by this brief's measures".into()
            }),
            lead: c.lead.clone(),
            takeaways: c.takeaways.clone(),
            sections: c.sections.clone(),
            caveats: c.caveats.clone(),
            watch: c.watch.clone(),
            table_text: output::text::table(&words.table_ctx, &narrator.date(data_as_of)),
            table: words.table_ctx.clone(),
            sectors: (words.sectors.as_ref()).map_or_else(TableCtx::default, |s| s.1.clone()),
            sectors_text: (words.sectors.as_ref())
                .map(|s| output::text::table(&s.1, "Sector funds"))
                .unwrap_or_default(),
            fresh: sources.fresh,
            sources: sources.listed,
            warnings: warnings.clone(),
            disclaimer: config.style.disclaimer.clone(),
        };
        let body = output::tidy_markdown(&narrator.render("brief.md.tera", &ctx)?);
        let mut tags = config.style.tags.clone();
        tags.extend(c.sections.iter().map(|s| s.key.clone()));
        let summary = c.takeaways.first().unwrap_or(&ctx.headline).clone();
        let front = output::front_matter(&ctx.headline, &ctx.data_as_of, &tags, &summary);
        let draw = self.draw_charts
            && (formats.contains(&OutputFormat::Html) || formats.contains(&OutputFormat::Md));
        let charts = match draw {
            true => {
                let _p = crate::profile::phase(|| "9a draw charts".into());
                let headline = (c.printed.iter())
                    .find(|p| p.part == "headline")
                    .map(|p| words.selection.kept[p.finding].rule.id.as_str());
                crate::chart::figures(self, config, headline, data_as_of).map_err(|e| {
                    Error::Io {
                        path: "charts".into(),
                        source: std::io::Error::other(e),
                    }
                })?
            }
            false => Vec::new(),
        };
        let html_body = output::markdown_to_html(&body) + &crate::chart::html(&charts);
        let page = PageCtx {
            lang: config.locale.tag(),
            headline: output::unescape_markdown(&ctx.headline),
            body: html_body.clone(),
            disclaimer: ctx.disclaimer.clone(),
        };
        let html = narrator.render("page.html.tera", &page)?;
        let p = crate::profile::phase(|| "9b render txt".into());
        let text = match formats.contains(&OutputFormat::Txt) {
            true => output::text::plain(&output::tidy_markdown(
                &narrator.render("brief.txt.tera", &ctx)?,
            )),
            false => String::new(),
        };
        drop(p);
        let _p = crate::profile::phase(|| "9c render json".into());
        let full = formats.contains(&OutputFormat::Json);
        let json = provenance::json(self, &words, &ctx, asked, warnings, full);
        Ok(Brief {
            data_as_of,
            markdown: front + &body,
            html,
            html_body,
            text,
            json,
            ctx,
            charts,
        })
    }

    /// The figures the run's templates write by hand, each with the word after it ("one
    /// good", "20% that"), lower-cased: [`figure_in_context`] of each.
    pub fn template_figures(&self) -> BTreeSet<String> {
        (self.narrator.literal_texts())
            .flat_map(|t| {
                let claims = crate::narrative::check::figures(t);
                claims.into_iter().map(move |c| figure_in_context(t, &c))
            })
            .collect()
    }

    /// Renders one of the run's templates (embedded or the user's) with `ctx`.
    pub fn render<T: serde::Serialize>(&self, name: &str, ctx: &T) -> Result<String, Error> {
        Ok(self.narrator.render(name, ctx)?)
    }
}

/// A figure of `text` with the word after it, lower-cased: "ten largest", "20% that".
pub fn figure_in_context(text: &str, c: &crate::narrative::check::Claim) -> String {
    let next = (text[c.end..].split_whitespace().next()).unwrap_or_default();
    let next = next.trim_matches(|ch: char| !ch.is_alphanumeric());
    format!("{} {next}", c.raw).trim().to_lowercase()
}

/// Names by key as the indexes tell a row, and as their funds do: there, each index with a
/// fund (and its universe name) takes the fund's.
fn told_both_ways(
    by_key: BTreeMap<String, String>,
    config: &RunConfig,
) -> [BTreeMap<String, String>; 2] {
    let mut funds = by_key.clone();
    for (index, fund) in &config.funds {
        let Some(v) = by_key.get(fund) else { continue };
        let aliases = (config.universe.iter()).filter(|(_, sym)| *sym == index);
        for key in std::iter::once(index).chain(aliases.map(|(alias, _)| alias)) {
            funds.insert(key.clone(), v.clone());
        }
    }
    [by_key, funds]
}

/// What rule texts see as `names`, by universe name, symbol and group key: a marker for each
/// entity, which the brief realizes as "the Russell 2000 (IWM)", "the Russell 2000" or
/// "small caps" depending on where it stands (see `narrative::refer`).
pub fn mention_markers(config: &RunConfig) -> BTreeMap<String, String> {
    let mut names: BTreeMap<String, String> = (config.sources.iter())
        .map(|s| (s.symbol.clone(), refer::marker(&s.symbol)))
        .collect();
    for key in config.groups.keys() {
        names.insert(key.clone(), refer::marker(&refer::group_id(key)));
    }
    for (alias, symbol) in &config.universe {
        names.insert(alias.clone(), refer::marker(symbol));
    }
    names
}

/// Display names by universe name, by symbol and by group key, for rule texts, escaped for
/// Markdown (they are data: a name may hold `*` or `<`).
pub fn display_names(config: &RunConfig) -> BTreeMap<String, String> {
    let esc = |s: &str| output::escape_markdown(s);
    let mut names: BTreeMap<String, String> = config
        .sources
        .iter()
        .map(|s| (s.symbol.clone(), esc(&s.name)))
        .collect();
    for (key, group) in &config.groups {
        names.insert(key.clone(), esc(&group.name));
    }
    for (alias, symbol) in &config.universe {
        if let Some(s) = config.resolve(symbol) {
            names.insert(alias.clone(), esc(&s.name));
        }
    }
    names
}
