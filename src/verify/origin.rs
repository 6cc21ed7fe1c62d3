//! Where a draft's sentence came from. A writer edits the brief, so most sentences of a
//! draft are the brief's own, word for word or with a figure changed. Such a sentence has the
//! frame (its text with its figures replaced) of a sentence of the brief, and each of its
//! figures says what the brief's figure at the same place said: the facts that figure
//! printed. A table cell says what the brief's cell of the same row and column said.

use std::collections::HashMap;

use super::attribute::{Candidate, Reader};
use super::read::{read, Item};
use crate::config::RunConfig;
use crate::metrics::{Metric, Value};
use crate::output::json::JsonFact;
use crate::output::JsonBrief;

/// What the brief's figure at one place printed.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The figure as the brief printed it (empty for a table cell).
    pub raw: String,
    /// The facts it states (none for a figure the template writes by hand).
    pub facts: Vec<Candidate>,
}

/// The brief's sentences by frame, and its table cells by (column, row label).
#[derive(Debug, Default)]
pub struct Origins {
    sentences: HashMap<String, Vec<Vec<Slot>>>,
    cells: HashMap<(String, String), Slot>,
}

impl Origins {
    /// Every sentence and cell of `brief`, and the readers' notes on its sources (whose
    /// figures are the notes' own, kept as written); `metrics` are the run's, by canonical
    /// name.
    pub fn new<'n>(
        brief: &JsonBrief,
        notes: impl Iterator<Item = &'n str>,
        metrics: &HashMap<String, &Metric>,
        derived: &[Candidate],
        reader: &Reader,
        config: &RunConfig,
    ) -> Origins {
        let candidate = |f: &JsonFact| super::values::fact(f, metrics);
        let mut out = Origins::default();
        // A printed gap is the difference of the printed returns, so that the page adds up:
        // the brief's figure may be that, not the metric's own value.
        let worked_out = |c: Candidate| {
            let also = (derived.iter()).filter(|d| d.metric.is_some() && d.metric == c.metric);
            std::iter::once(c.clone())
                .chain(also.cloned())
                .collect::<Vec<_>>()
        };
        for s in &brief.sentences {
            let facts: Vec<Candidate> = (s.facts.values())
                .filter_map(candidate)
                .flat_map(worked_out)
                .collect();
            if s.part == "table" {
                let Some((label, _)) = s.text.split_once(": ") else {
                    continue;
                };
                let label = crate::output::unescape_markdown(label);
                for (column, fact) in &s.facts {
                    let slot = Slot {
                        raw: String::new(),
                        facts: candidate(fact).into_iter().collect(),
                    };
                    out.cells.insert((column.clone(), label.clone()), slot);
                }
                continue;
            }
            for p in super::draft::passages(&s.text) {
                let r = read(reader, config, &p.text, "");
                let slots = (r.items.iter())
                    .map(|placed| Slot {
                        raw: placed.raw.clone(),
                        facts: (facts.iter())
                            .filter(|c| printed(&placed.item, c))
                            .cloned()
                            .collect(),
                    })
                    .collect();
                out.sentences.entry(r.frame).or_default().push(slots);
            }
        }
        for note in notes {
            for p in super::draft::passages(note) {
                let r = read(reader, config, &p.text, "");
                let slots = (r.items.iter())
                    .map(|placed| Slot {
                        raw: placed.raw.clone(),
                        facts: Vec::new(),
                    })
                    .collect();
                out.sentences.entry(r.frame).or_default().push(slots);
            }
        }
        out
    }

    /// The brief's sentences with this frame.
    pub fn sentence(&self, frame: &str) -> &[Vec<Slot>] {
        self.sentences.get(frame).map_or(&[], Vec::as_slice)
    }

    /// The brief's cell of this column and row label.
    pub fn cell(&self, column: &str, row: &str) -> Option<&Slot> {
        self.cells.get(&(column.to_string(), row.to_string()))
    }
}

/// Whether the brief's figure `item` printed the fact `c`.
fn printed(item: &Item, c: &Candidate) -> bool {
    match (item, &c.value) {
        (Item::Date(d), Value::Date(x)) => d.is(*x),
        (Item::Number(claim, direction), v) => {
            let sign = |x: f64| direction.as_ref().is_none_or(|(_, up)| (x > 0.0) == *up);
            let signed = match v {
                Value::Number(x) => sign(*x),
                Value::Count(n) => sign(*n as f64),
                // A bare four-digit number may be a date's year ("since 2005").
                _ => return claim.states(v, c.kind),
            };
            signed && claim.fits_kind(c.kind) && claim.states(v, c.kind)
        }
        _ => false,
    }
}
