//! Notes on the data's own limits, found after selection because each depends on what the
//! brief prints: the age of the holdings snapshot behind a concentration figure, members left
//! out of breadth for lack of history, a member list taken from a later date (survivorship),
//! and series that end before the brief's date. They are not caveats about the market: each
//! goes once, briefly, beside its source under "Sources and notes". Each is a finding of a
//! built-in rule with its own facts and template (`templates/limits/*.tera`, embedded and
//! overridable), so it goes through the same fact check as any other text.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::config::RunConfig;
use crate::data::{Content, Dataset, Loaded};
use crate::metrics::{Breadth, Metric, MetricFrame, Value};
use crate::rules::{Condition, Finding, Rule, Says};

/// A holdings snapshot older than this many days earns a note.
pub const SNAPSHOT_AGE_DAYS: i64 = 7;

/// A note about one source's data.
#[derive(Debug, Clone)]
pub struct Note {
    /// The source symbol it is about.
    pub source: String,
    /// The built-in finding that words it.
    pub finding: Finding,
}

fn note(source: &str, id: &str, template: &str, facts: Vec<(&str, Value)>) -> Note {
    Note {
        source: source.to_string(),
        finding: finding(id, template, facts),
    }
}

fn finding(id: &str, template: &str, facts: Vec<(&str, Value)>) -> Finding {
    Finding {
        rule: std::sync::Arc::new(Rule {
            id: format!("data_limits/{id}"),
            section: "caveats".into(),
            priority: 0,
            group: None,
            when: Condition::All(vec![]),
            facts: BTreeMap::new(),
            says: Says::Template(template.into()),
            expect: Default::default(),
            takeaway: vec![],
            headline: vec![],
            watch: vec![],
            clause: vec![],
            merged: vec![],
            merge_on: None,
            maybe: Default::default(),
            about: Default::default(),
            applies_to: vec![],
            baseline: false,
            show: true,
            path: "(built in)".into(),
            line: 0,
        }),
        facts: facts.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        strength: 0.0,
        news: 0.0,
        also: None,
    }
}

/// The source a metric reads holdings or members from, if any.
fn holdings_or_members(m: &Metric) -> Option<&str> {
    match m {
        Metric::TopWeight(h, _)
        | Metric::TopWeightChange(h, _)
        | Metric::GroupWeight(h, _, _)
        | Metric::Hhi(h)
        | Metric::EffectiveN(h)
        | Metric::SectorWeight(h, _)
        | Metric::LargestSector(h)
        | Metric::LargestSectorWeight(h)
        | Metric::Breadth(_, h, _) => Some(h),
        _ => None,
    }
}

/// The data notes for a brief on row `row` whose printed findings state `facts` and whose
/// table reads `table` metrics.
pub fn notes<'a>(
    config: &RunConfig,
    data: &Dataset,
    frame: &MetricFrame,
    row: usize,
    facts: impl Iterator<Item = &'a Metric>,
    table: impl Iterator<Item = &'a Metric>,
) -> Vec<Note> {
    let day = frame.calendar[row];
    // What the brief prints: the findings' facts and the table cells that have a value.
    let read: Vec<&Metric> = facts
        .chain(table.filter(|m| frame.value(m, row).is_some()))
        .collect();
    let sources: BTreeSet<&str> = read.iter().filter_map(|m| holdings_or_members(m)).collect();
    let mut out = Vec::new();
    for l in data
        .sources
        .iter()
        .filter(|l| sources.contains(l.source.symbol.as_str()))
    {
        let sym = l.source.symbol.as_str();
        match &l.content {
            Content::Holdings(snaps) => {
                let Some(s) = snaps.iter().rev().find(|s| s.as_of <= day) else {
                    continue;
                };
                let age = (day - s.as_of).num_days();
                if age > SNAPSHOT_AGE_DAYS {
                    let facts = vec![
                        ("snapshot", Value::Date(s.as_of)),
                        ("age", Value::Count(age)),
                    ];
                    out.push(note(sym, "holdings_age", "limits/holdings.tera", facts));
                }
            }
            Content::Members(m) => {
                out.extend(thin_history(l, m, &read, frame, row));
                // A list taken after the brief's date: later additions are counted back in
                // time and earlier leavers are missing. Its date is after the brief's, so the
                // note does not print it.
                if l.source.as_of.is_some_and(|d| d > day) {
                    out.push(note(
                        sym,
                        "survivorship",
                        "limits/survivorship.tera",
                        vec![],
                    ));
                }
            }
            _ => {}
        }
    }
    out.extend(stale(config, data, day));
    out
}

/// Members with prices on the day that lack the history a breadth figure needs.
fn thin_history(
    l: &Loaded,
    m: &crate::data::Members,
    read: &[&Metric],
    frame: &MetricFrame,
    row: usize,
) -> Option<Note> {
    let day = frame.calendar[row];
    let d = m.dates.iter().rposition(|d| *d <= day)?;
    let listed = i64::from(m.listed[d]);
    let (days, counted) = read
        .iter()
        .filter_map(|x| match x {
            Metric::Breadth(_, s, n) if *s == l.source.symbol && *n > 1 => Some(*n),
            _ => None,
        })
        .max()
        .and_then(|n| {
            let counted = Metric::Breadth(Breadth::Counted, l.source.symbol.clone(), n);
            match frame.value(&counted, row)? {
                Value::Count(c) => Some((n, c)),
                _ => None,
            }
        })?;
    (0 < counted && counted < listed).then(|| {
        let facts = vec![
            ("listed", Value::Count(listed)),
            ("counted", Value::Count(counted)),
            ("left_out", Value::Count(listed - counted)),
            ("days", Value::Count(days as i64)),
        ];
        note(
            &l.source.symbol,
            "thin_history",
            "limits/members.tera",
            facts,
        )
    })
}

/// Index and macro series of the run that end before the brief's date.
fn stale(config: &RunConfig, data: &Dataset, day: NaiveDate) -> Vec<Note> {
    let used: BTreeSet<&String> = config
        .compare
        .iter()
        .chain(config.universe.values())
        .collect();
    data.sources
        .iter()
        .filter(|l| used.contains(&l.source.symbol) && matches!(l.content, Content::Series(_)))
        .filter_map(|l| {
            let last = l.last_date().filter(|last| *last < day)?;
            let facts = vec![("last", Value::Date(last))];
            Some(note(&l.source.symbol, "stale", "limits/stale.tera", facts))
        })
        .collect()
}
