//! "Sources and notes": the sources a brief used, as of the brief's date (the last
//! observation on or before it, the holdings snapshot in force, the valuation month in use),
//! each with the run file's note and the brief's data notes about it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::limits::Note;
use super::Prepared;
use crate::config::Source;
use crate::data::{Content, Loaded};
use crate::metrics::Metric;
use crate::narrative::context::{FreshCtx, SourceCtx};
use crate::output;

/// Names as a list reads them: "a, b and c".
fn as_list(names: Vec<String>) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The last date on or before `day` for which `l` has data, and how the list says it.
pub fn as_of(l: &Loaded, day: NaiveDate) -> Option<(&'static str, NaiveDate)> {
    let last = |dates: &[NaiveDate]| {
        let i = dates.partition_point(|d| *d <= day);
        i.checked_sub(1).map(|i| dates[i])
    };
    match &l.content {
        Content::Series(s) => last(&s.dates).map(|d| ("data to", d)),
        Content::Members(m) => last(&m.dates).map(|d| ("closes to", d)),
        Content::Holdings(h) => (h.iter().rev())
            .find(|s| s.as_of <= day)
            .map(|s| ("as of", s.as_of)),
        // A month's figures are used from the first day of the next month.
        Content::Valuation(m) => (m.dates.iter().rev())
            .find(|d| {
                d.checked_add_months(chrono::Months::new(1))
                    .is_some_and(|n| n <= day)
            })
            .map(|d| ("monthly figures to", *d)),
        Content::Events(e) => (e.iter().rev())
            .find(|e| e.date <= day)
            .map(|e| ("events to", e.date)),
    }
}

/// The sources of a brief: the fresh series on one line, the others each with what
/// qualifies its figures, and the notes about reading the files (for stderr and the JSON,
/// not the brief).
pub(super) struct Sources {
    pub fresh: FreshCtx,
    pub listed: Vec<SourceCtx>,
    pub file_notes: Vec<String>,
}

impl Prepared<'_> {
    /// The sources behind `read` (every metric the brief prints), as of `day`, with their
    /// notes; the notes' texts are `notes` (rendered, in the order of `limits`).
    pub(super) fn sources(
        &self,
        read: &BTreeSet<&Metric>,
        day: NaiveDate,
        limits: &[Note],
        notes: &[String],
    ) -> Sources {
        let row = self.frame.row_on_or_before(day).unwrap_or(0);
        let used: BTreeSet<&str> = read.iter().flat_map(|m| self.sources_on(m, row)).collect();
        let mut by_source: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (n, text) in limits.iter().zip(notes) {
            by_source.entry(&n.source).or_default().push(text.clone());
        }
        let mut file_notes = Vec::new();
        let mut fresh: Vec<&Source> = Vec::new();
        let mut listed = Vec::new();
        for l in (self.data.sources.iter()).filter(|l| used.contains(l.source.symbol.as_str())) {
            let Some((coverage, date)) = as_of(l, day) else {
                continue;
            };
            // How the files were read is the pipeline's business, not the reader's.
            file_notes.extend((l.notes.iter()).map(|n| format!("{}: {n}", l.source.name)));
            let mut notes: Vec<String> = l.source.note.iter().cloned().collect();
            notes.extend(
                by_source
                    .get(l.source.symbol.as_str())
                    .cloned()
                    .unwrap_or_default(),
            );
            if matches!(l.content, Content::Series(_)) && date == day && notes.is_empty() {
                fresh.push(&l.source);
                continue;
            }
            let files = match &l.content {
                // The snapshot in force, not every snapshot of the run.
                Content::Holdings(h) => (h.iter().rev())
                    .find(|s| s.as_of == date)
                    .map(|s| s.file.clone())
                    .into_iter()
                    .collect(),
                _ => l.source.files.clone(),
            };
            let files = (files.iter())
                .map(|f| {
                    f.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect::<Vec<_>>()
                .join("`, `");
            // A list item starts in capitals: "The high-yield spread", not "the".
            let name = match l.source.name.strip_prefix("the ") {
                Some(rest) => format!("The {rest}"),
                None => l.source.name.clone(),
            };
            listed.push(SourceCtx {
                name: output::escape_markdown(&name),
                files,
                coverage,
                last_date: date.to_string(),
                monthly: matches!(l.content, Content::Valuation(_)),
                note: (!notes.is_empty()).then(|| notes.join(" ")),
                symbol: l.source.symbol.clone(),
            });
        }
        // The funds that tell an index here, and why.
        let told: Vec<(&String, &String)> = (self.config.funds.iter())
            .filter(|(_, f)| self.told_by_funds(row) && used.contains(f.as_str()))
            .collect();
        let index_end = (told.iter())
            .filter_map(|(i, _)| self.data.get(i)?.last_date())
            .filter(|d| *d < day)
            .min();
        let short =
            |sym: &str| (self.entities.get(sym)).map_or(sym.to_string(), |f| f.short.clone());
        Sources {
            fresh: FreshCtx {
                last_date: day.to_string(),
                names: self.fresh_names(&fresh),
                stand_ins: as_list(told.iter().map(|(_, f)| f.to_string()).collect()),
                indexes: as_list(told.iter().map(|(i, _)| short(i)).collect()),
                indexes_end: index_end.map(|d| d.to_string()).unwrap_or_default(),
            },
            listed: self.collapse_baskets(listed),
            file_notes,
        }
    }

    /// The fresh series as a list reads them: a fund by its ticker, an index or a rate by
    /// its short name, a basket two or more of whose members are here as one ("the sector
    /// funds").
    fn fresh_names(&self, sources: &[&Source]) -> String {
        let here = |m: &String| sources.iter().any(|s| s.symbol == *m);
        let mut names: Vec<String> = Vec::new();
        for s in sources {
            let basket = (self.config.baskets.values())
                .find(|b| b.members.contains(&s.symbol))
                .filter(|b| b.members.iter().filter(|m| here(m)).count() > 1);
            let ticker = format!("({})", s.symbol);
            let name = match (basket, &s.short, s.name.ends_with(&ticker)) {
                (Some(b), _, _) => b.name.clone(),
                (None, _, true) => s.symbol.clone(),
                (None, Some(short), false) => short.clone(),
                (None, None, false) => {
                    (self.entities.get(&s.symbol)).map_or(s.name.clone(), |f| f.short.clone())
                }
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        as_list(names.iter().map(|n| output::escape_markdown(n)).collect())
    }
    /// One line for the members of each basket the brief read (eleven sector funds are one
    /// source to a reader), dated by the member whose data end first.
    fn collapse_baskets(&self, mut listed: Vec<SourceCtx>) -> Vec<SourceCtx> {
        for basket in self.config.baskets.values() {
            let of = |s: &SourceCtx| basket.members.contains(&s.symbol);
            let members: Vec<&SourceCtx> = listed.iter().filter(|s| of(s)).collect();
            if members.len() < 2 {
                continue;
            }
            let first = members.iter().min_by_key(|s| s.last_date.clone()).cloned();
            let Some(first) = first else { continue };
            let symbols: Vec<&str> = members.iter().map(|s| s.symbol.as_str()).collect();
            let notes: Vec<&str> = members.iter().filter_map(|s| s.note.as_deref()).collect();
            let one = SourceCtx {
                name: output::escape_markdown(&format!(
                    "{} ({})",
                    crate::narrative::refer::capitalize(&basket.name),
                    symbols.join(", ")
                )),
                files: (members.iter().map(|s| s.files.as_str()))
                    .collect::<Vec<_>>()
                    .join("`, `"),
                note: (!notes.is_empty()).then(|| notes.join(" ")),
                ..first.clone()
            };
            let at = listed.iter().position(of).unwrap_or(0);
            listed.retain(|s| !of(s));
            listed.insert(at.min(listed.len()), one);
        }
        listed
    }
}
