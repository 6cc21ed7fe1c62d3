//! The comparison table: the indexes the run file compares as columns, and as rows the
//! metrics the brief's findings used, each restated for every compared index (a finding on
//! the Russell 2000's 21-session return brings a "21 sessions" row with every index's
//! 21-session return). The day and the year to date are always there for context.

use std::collections::BTreeMap;

use crate::config::{Role, RunConfig};
use crate::metrics::{Breadth, Kind, Lookback, Metric, MetricFrame, Turn, Valuation, Window};
use crate::narrative::Table;

/// Most rows a table has.
pub const MAX_ROWS: usize = 8;

/// The rows every table has, where the data allow.
const BASE_ROWS: [&str; 4] = ["Close", "Day", "Year to date", "From 52-week high"];

/// One possible row: its label, how its numbers read, where it sorts, and the metric that
/// fills it for each compared index (none where an index has no such data).
#[derive(Debug, Clone)]
pub struct TableRow {
    /// What tells it from other rows: its label, and for a move the pair whose move it is.
    key: String,
    label: String,
    kind: Kind,
    order: (u8, usize),
    per_index: Vec<Option<Metric>>,
}

impl TableRow {
    /// The metrics this row reads.
    pub fn metrics(&self) -> impl Iterator<Item = &Metric> {
        self.per_index.iter().flatten()
    }
}

fn window_label(w: Window) -> (String, usize) {
    match w {
        Window::Days(1) => ("Day".into(), 1),
        Window::Days(n) => (format!("{n} sessions"), n),
        Window::WeekToDate => ("Week to date".into(), 3),
        Window::PreviousWeek => ("Previous week".into(), 6),
        Window::MonthToDate => ("Month to date".into(), 12),
        Window::PreviousMonth => ("Previous month".into(), 25),
        Window::QuarterToDate => ("Quarter to date".into(), 40),
        Window::YearToDate => ("Year to date".into(), 130),
    }
}

fn lookback_label(l: Lookback) -> String {
    match l {
        Lookback::Days(252) => "52-week".into(),
        Lookback::Days(n) => format!("{n}-day"),
        Lookback::All => "record".into(),
    }
}

/// The row a fact metric brings, if it can be restated for every compared index.
pub fn row_for(m: &Metric, config: &RunConfig) -> Option<TableRow> {
    let linked = |s: &String, role| config.linked(s, role).map(|l| l.symbol.clone());
    let row = |label: String, kind, order, f: &dyn Fn(&String) -> Option<Metric>| TableRow {
        key: label.clone(),
        label,
        kind,
        order,
        per_index: config.compare.iter().map(f).collect(),
    };
    let out = match m.clone() {
        // An index's level where the index tells the row, its fund's price where the fund does.
        Metric::Close(_) => row("Close".into(), Kind::Level, (0, 0), &|s| {
            Some(Metric::Close(s.clone()))
        }),
        Metric::Return(_, w) | Metric::Spread(_, _, w) | Metric::Multiple(_, _, w) => {
            let (label, n) = window_label(w);
            row(label, Kind::Return, (0, n), &|s| {
                Some(Metric::Return(s.clone(), w))
            })
        }
        // One row per move: the move of one pair is not that of another.
        Metric::MoveReturn(_, a, b, n) => TableRow {
            key: format!("Since the move began ({a}/{b}, {n})"),
            ..row("Since the move began".into(), Kind::Return, (1, n), &|s| {
                Some(Metric::MoveReturn(s.clone(), a.clone(), b.clone(), n))
            })
        },
        Metric::Turn(t @ (Turn::FromPeak | Turn::FromTrough), _, lb) => {
            let (what, o) = match t {
                Turn::FromPeak => ("high", 0),
                _ => ("low", 1),
            };
            row(
                format!("From {} {what}", lookback_label(lb)),
                Kind::Return,
                (2, o),
                &|s| Some(Metric::Turn(t, s.clone(), lb)),
            )
        }
        Metric::TopWeight(_, n) => row(format!("Top-{n} weight"), Kind::Percent, (3, n), &|s| {
            linked(s, Role::Holdings).map(|h| Metric::TopWeight(h, n))
        }),
        Metric::LargestSector(_) | Metric::LargestSectorWeight(_) => row(
            "Largest sector weight".into(),
            Kind::Percent,
            (4, 0),
            &|s| linked(s, Role::Holdings).map(Metric::LargestSectorWeight),
        ),
        Metric::Breadth(b @ (Breadth::AboveSma | Breadth::AtHigh | Breadth::AtLow), _, n) => {
            let label = match b {
                Breadth::AboveSma => format!("Members above {n}-day average"),
                Breadth::AtHigh => format!("Members at {n}-day highs"),
                _ => format!("Members at {n}-day lows"),
            };
            row(label, Kind::Percent, (5, n), &|s| {
                linked(s, Role::Members).map(|mm| Metric::Breadth(b, mm, n))
            })
        }
        Metric::Breadth(Breadth::MedianFromHigh, _, n) => row(
            format!(
                "Median member from {} high",
                lookback_label(Lookback::Days(n))
            ),
            Kind::Return,
            (6, n),
            &|s| linked(s, Role::Members).map(|mm| Metric::Breadth(Breadth::MedianFromHigh, mm, n)),
        ),
        Metric::Valuation(v @ (Valuation::Pe | Valuation::Cape), _) => row(
            match v {
                Valuation::Pe => "P/E (trailing, Shiller)".into(),
                _ => "CAPE (Shiller)".into(),
            },
            Kind::Times,
            (7, v as usize),
            &|s| linked(s, Role::Valuation).map(|src| Metric::Valuation(v, src)),
        ),
        _ => return None,
    };
    out.per_index.iter().any(Option::is_some).then_some(out)
}

/// Every row any rule's facts could bring, plus the day and the year to date, found once
/// per run so that choosing a brief's rows only looks them up.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    by_key: BTreeMap<String, TableRow>,
    /// The key of the row each fact metric brings.
    of_fact: BTreeMap<Metric, String>,
}

impl Rows {
    /// The base rows (the index level, the day, the year to date and the distance from the
    /// 52-week high) and the rows of every metric in `facts`.
    pub fn new<'a>(facts: impl Iterator<Item = &'a Metric>, config: &RunConfig) -> Rows {
        let first = config.compare.first().cloned().unwrap_or_default();
        let base = [
            Metric::Close(first.clone()),
            Metric::Return(first.clone(), Window::Days(1)),
            Metric::Return(first.clone(), Window::YearToDate),
            Metric::Turn(Turn::FromPeak, first.clone(), Lookback::Days(252)),
        ];
        let mut rows = Rows::default();
        let mut add = |m: &Metric| {
            if let Some(r) = row_for(m, config) {
                rows.of_fact.insert(m.clone(), r.key.clone());
                rows.by_key.insert(r.key.clone(), r);
            }
        };
        base.iter().for_each(&mut add);
        facts.for_each(add);
        rows
    }

    /// Every metric any row reads.
    pub fn metrics(&self) -> impl Iterator<Item = &Metric> {
        self.by_key.values().flat_map(TableRow::metrics)
    }

    /// The rows of one brief's table: the base rows and those of the printed findings'
    /// `facts`, in a fixed order, at most [`MAX_ROWS`].
    pub fn choose<'a>(&self, facts: impl Iterator<Item = &'a Metric>) -> Vec<&TableRow> {
        let mut chosen: Vec<&TableRow> = BASE_ROWS
            .iter()
            .filter_map(|l| self.by_key.get(*l))
            .collect();
        for key in facts.filter_map(|m| self.of_fact.get(m)) {
            // One row per label: the first move the findings speak of.
            let row = &self.by_key[key];
            if chosen.len() < MAX_ROWS && !chosen.iter().any(|c| c.label == row.label) {
                chosen.push(row);
            }
        }
        chosen.sort_by_key(|r| r.order);
        chosen
    }
}

/// The table with each compared index's values on `row`.
pub fn fill(
    chosen: &[&TableRow],
    config: &RunConfig,
    names: &BTreeMap<String, String>,
    frame: &MetricFrame,
    row: usize,
) -> Table {
    Table {
        columns: config.compare.iter().map(|s| names[s].clone()).collect(),
        rows: chosen
            .iter()
            .map(|r| {
                let values = r
                    .per_index
                    .iter()
                    .map(|m| m.as_ref().and_then(|m| frame.value(m, row)));
                (r.label.clone(), r.kind, values.collect())
            })
            .collect(),
        metrics: chosen.iter().map(|r| r.per_index.clone()).collect(),
    }
}

/// Most sector funds the sector table lists: the best and the worst three.
const SECTOR_ROWS: usize = 3;

/// The sector table: when a printed finding ranks a basket (`leader(sectors, 5d, 1)`...),
/// its best and worst members over that window, one row each, best first.
pub fn sectors<'a>(
    mut facts: impl Iterator<Item = &'a Metric>,
    names: &BTreeMap<String, String>,
    frame: &MetricFrame,
    row: usize,
) -> Option<Table> {
    let (basket, w) = facts.find_map(|m| match m {
        Metric::Basket(_, b, w, _) | Metric::BasketWeight(_, b, w, _, _) => Some((b, *w)),
        _ => None,
    })?;
    let mut members: Vec<(&String, f64)> = (basket.members.iter())
        .filter_map(|s| match frame.value(&Metric::Return(s.clone(), w), row)? {
            crate::metrics::Value::Number(x) => Some((s, x)),
            _ => None,
        })
        .collect();
    members.sort_by(|a, b| b.1.total_cmp(&a.1));
    if members.len() > 2 * SECTOR_ROWS {
        members.drain(SECTOR_ROWS..members.len() - SECTOR_ROWS);
    }
    let rows = (members.iter())
        .map(|(s, x)| {
            let label = names.get(*s).cloned().unwrap_or_else(|| s.to_string());
            let label = crate::narrative::refer::capitalize(&label);
            (
                label,
                Kind::Return,
                vec![Some(crate::metrics::Value::Number(*x))],
            )
        })
        .collect::<Vec<_>>();
    let metrics = (members.iter())
        .map(|(s, _)| vec![Some(Metric::Return(s.to_string(), w))])
        .collect();
    (!rows.is_empty()).then(|| Table {
        columns: vec![window_label(w).0],
        rows,
        metrics,
    })
}
