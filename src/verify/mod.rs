//! `marketbrief verify`: a writer's edited draft read back against the data of its date.
//!
//! Every figure with its unit, every date and every direction word before a figure is read
//! from the Markdown (prose, headings, list items, table cells with their labels, the front
//! matter's title and summary). A figure in a sentence the brief wrote, word for word or with
//! its figures changed, is judged against what the brief's figure at that place printed
//! (`origin.rs`). A figure elsewhere is judged by meaning (`meaning.rs`, `judge.rs`): only a
//! metric of its kind (a move, a distance, a share, a level, a count), of the subjects and
//! the window its sentence names (`attribute.rs`) can support it; when the sentence names no
//! window, its section's is assumed and the report says so. A figure is then supported,
//! contradicted (the metric it means has another value), or unverified (no metric of its
//! meaning fits what the sentence names). A value alone never supports a figure. A gap,
//! multiple or change that its printed parts no longer give is reported too.

mod attribute;
pub mod draft;
mod judge;
mod meaning;
mod origin;
mod read;
mod values;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::brief::{AsOf, Error, Prepared};
use crate::config::{Role, RunConfig};
use crate::metrics::{Metric, Window};
use crate::narrative::refer::Entities;
use attribute::{Named, Reader};
use judge::{Judged, Verifier};
use origin::{Origins, Slot};
use read::Item;

/// What became of one figure of the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The fact the brief printed at this place, or a metric of the figure's meaning that
    /// the sentence names, has this value.
    Supported,
    /// That fact or metric has another value, or the printed figures no longer add up.
    Contradicted,
    /// No metric of the figure's meaning fits what the sentence names.
    Unverified,
    /// A figure the run's templates write by hand, or a window's length.
    Literal,
}

/// One figure of the draft.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// 1-based line in the draft.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// As printed, with its direction word if it has one (`fell 2.2%`).
    pub claim: String,
    /// What became of it.
    pub status: Status,
    /// The metric it was attributed to (canonical name), if any.
    pub metric: Option<String>,
    /// That metric's value at full precision.
    pub value: Option<serde_json::Value>,
    /// For a contradicted or unverified figure: what the data says.
    pub message: Option<String>,
    /// The window the judging assumed where the sentence names none ("21 sessions, the
    /// window of this section").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed: Option<String>,
}

/// Every figure of a draft and what the data says of it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The draft's path, as given.
    pub draft: String,
    /// The date asked for.
    pub as_of: NaiveDate,
    /// The trading day whose data is read.
    pub data_as_of: NaiveDate,
    /// Every figure read, in the draft's order.
    pub figures: Vec<Figure>,
}

impl Report {
    /// The figures that are not supported.
    pub fn problems(&self) -> impl Iterator<Item = &Figure> {
        (self.figures.iter())
            .filter(|f| matches!(f.status, Status::Contradicted | Status::Unverified))
    }

    /// For a person: one `DRAFT.md:LINE:COL: 'claim': message` line per problem, then a
    /// summary.
    pub fn human(&self) -> String {
        let mut out = String::new();
        for f in self.problems() {
            out.push_str(&format!(
                "{}:{}:{}: '{}': {}\n",
                self.draft,
                f.line,
                f.column,
                f.claim,
                f.message.as_deref().unwrap_or_default()
            ));
        }
        let count = |s: Status| self.figures.iter().filter(|f| f.status == s).count();
        out.push_str(&format!(
            "{}: {} figures read against the data of {}: {} supported, {} contradicted, {} unverified ({} written by the templates or naming a window)\n",
            self.draft,
            self.figures.len(),
            self.data_as_of,
            count(Status::Supported),
            count(Status::Contradicted),
            count(Status::Unverified),
            count(Status::Literal),
        ));
        out
    }
}

/// The window most of the moves in each section of the brief are over, by heading: what a
/// writer's figure in that section is read over when its sentence names no window.
fn section_windows(
    markdown: &str,
    origins: &Origins,
    reader: &Reader,
    config: &RunConfig,
) -> BTreeMap<String, Window> {
    let mut counts: BTreeMap<String, BTreeMap<Window, usize>> = BTreeMap::new();
    for p in draft::passages(markdown) {
        let r = read::read(reader, config, &p.text, "");
        let Some(slots) = origins.sentence(&r.frame).first() else {
            continue;
        };
        let moves = (slots.iter().flat_map(|s| s.facts.iter()))
            .filter_map(|c| c.metric.as_ref())
            .filter(|m| meaning::of_metric(m) == Some(meaning::Meaning::Move));
        for w in moves.filter_map(Metric::window) {
            *counts
                .entry(p.section.clone())
                .or_default()
                .entry(w)
                .or_default() += 1;
        }
    }
    (counts.into_iter())
        .filter_map(|(section, c)| {
            let most = c
                .into_iter()
                .max_by_key(|(w, n)| (*n, std::cmp::Reverse(*w)))?;
            Some((section, most.0))
        })
        .collect()
}

/// The brief's slots for a draft passage: its table cell's, or those of the brief's sentence
/// with its frame that the draft's figures agree with most.
fn slots_for<'o>(
    verifier: &Verifier,
    origins: &'o Origins,
    p: &draft::Passage,
    r: &read::Read,
) -> Vec<Option<&'o Slot>> {
    if let Some((column, row)) = p.labels.split_once(" | ") {
        let cell = origins.cell(column, row);
        return r.items.iter().map(|_| cell).collect();
    }
    let agree = |slots: &[Slot]| {
        (r.items.iter().zip(slots))
            .filter_map(|(item, slot)| verifier.aligned(item, slot, &p.text))
            .filter(|j| matches!(j.status, Status::Supported | Status::Literal))
            .count()
    };
    let best = (origins.sentence(&r.frame).iter())
        .filter(|slots| slots.len() == r.items.len())
        .max_by_key(|slots| agree(slots));
    match best {
        Some(slots) => slots.iter().map(Some).collect(),
        None => r.items.iter().map(|_| None).collect(),
    }
}

/// Reads `markdown` (the draft at `path`) against the data of `as_of`.
pub fn verify(
    prepared: &Prepared,
    config: &RunConfig,
    as_of: AsOf,
    path: &Path,
    markdown: &str,
) -> Result<Report, Error> {
    let row = prepared.row(as_of)?;
    let data_as_of = prepared.frame.calendar[row];
    let brief = prepared.brief(AsOf::Date(data_as_of))?;
    let entities = Entities::new(config);
    let symbols: Vec<String> = config.sources.iter().map(|s| s.symbol.clone()).collect();
    let reader = Reader::new(&entities, &symbols);
    let by_name: HashMap<String, &Metric> = (prepared.metrics.iter())
        .map(|m| (m.to_string(), m))
        .collect();
    // The readers' notes on the sources: the run file's and those the data gave.
    let notes = (prepared.data.sources.iter())
        .flat_map(|l| l.source.note.iter().chain(&l.notes).map(String::as_str));
    let candidates = values::candidates(prepared, row, &brief.json, &by_name);
    let derived: Vec<_> = candidates.iter().filter(|c| c.derived).cloned().collect();
    let origins = Origins::new(&brief.json, notes, &by_name, &derived, &reader, config);
    let verifier = Verifier {
        candidates,
        entities: &entities,
        config,
        date: data_as_of,
        literals: prepared.template_figures(),
        implicit: (config.sources.iter())
            .filter(|s| matches!(s.role, Role::Members | Role::Holdings))
            .map(|s| s.symbol.clone())
            .collect(),
        section_windows: section_windows(&brief.markdown, &origins, &reader, config),
    };
    let mut figures_out = Vec::new();
    let mut previous: Option<(usize, Named)> = None;
    for p in draft::passages(markdown) {
        let mut r = read::read(&reader, config, &p.text, &p.labels);
        // A sentence without subjects of its own ("It narrowed 11 basis points") reads the
        // previous sentence's, in the same paragraph.
        if r.named.subjects.is_empty() {
            if let Some((para, prev)) = &previous {
                if *para == p.paragraph {
                    r.named.subjects = (prev.subjects.iter())
                        .map(|s| (usize::MAX / 4, usize::MAX / 4, s.2.clone()))
                        .collect();
                    if r.named.windows.is_empty() {
                        r.named.windows = prev.windows.clone();
                    }
                }
            }
        }
        let slots = slots_for(&verifier, &origins, &p, &r);
        let mut judged: Vec<Judged> = (r.items.iter().zip(&slots))
            .map(|(item, slot)| {
                let by_origin = slot.and_then(|s| verifier.aligned(item, s, &p.text));
                by_origin.unwrap_or_else(|| match &item.item {
                    Item::Date(d) => verifier.date(d, &r.named),
                    Item::Number(c, dir) => {
                        let dir = dir.as_ref().map(|d| d.1);
                        verifier.number(c, dir, &r.named, &p.text, &p.section)
                    }
                })
            })
            .collect();
        // A gap, multiple or change that its printed parts no longer give.
        if let Err(m) = crate::narrative::check::arithmetic::check(&r.masked) {
            let at = r.masked.find(&m.claim);
            let gap = (r.items.iter()).position(|i| match &i.item {
                Item::Number(c, _) => Some(c.start) == at,
                Item::Date(_) => false,
            });
            if let Some(k) = gap {
                if matches!(judged[k].status, Status::Supported | Status::Literal) {
                    judged[k] = verifier.arithmetic(&m.why);
                }
            }
        }
        for (item, j) in r.items.iter().zip(judged) {
            let (line, column) = p.position(item.start);
            figures_out.push(Figure {
                line,
                column,
                claim: item.raw.clone(),
                status: j.status,
                metric: (j.candidate.as_ref())
                    .and_then(|c| c.metric.as_ref())
                    .map(Metric::to_string),
                value: (j.candidate.as_ref()).map(|c| crate::output::json_value(&c.value)),
                message: j.message,
                assumed: j.assumed,
            });
        }
        previous = Some((p.paragraph, r.named));
    }
    let asked = match as_of {
        AsOf::Latest => data_as_of,
        AsOf::Date(d) => d,
    };
    Ok(Report {
        draft: path.display().to_string(),
        as_of: asked,
        data_as_of,
        figures: figures_out,
    })
}
