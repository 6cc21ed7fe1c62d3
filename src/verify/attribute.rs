//! Which metrics a sentence can be about. A sentence names its subjects (the Russell 2000,
//! small caps, IWM) and its windows (over the past month, five sessions); the metrics whose
//! every source is named, and whose window is named when they have one, are the ones it can
//! be about, ranked by how well they fit (window named, subject named outright, nearness).
//! What a figure then means, and which of those can support it, is in `meaning.rs` and
//! `judge.rs`.

use std::collections::BTreeSet;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::metrics::{Kind, Metric, Value, Window};
use crate::narrative::check::Claim;
use crate::narrative::refer::Entities;

/// A value a draft may state: a metric's on the date, or a figure the brief showed.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The metric, when the value is one.
    pub metric: Option<Metric>,
    /// The value at full precision.
    pub value: Value,
    /// How it reads.
    pub kind: Kind,
    /// Worked out from printed figures (a gap from two rounded returns), not the metric's own
    /// value.
    pub derived: bool,
}

/// Window phrases, as briefs and writers say them.
const WINDOWS: &[(&str, Window)] = &[
    ("on the day", Window::Days(1)),
    ("in a session", Window::Days(1)),
    ("session", Window::Days(1)),
    ("the day", Window::Days(1)),
    ("day", Window::Days(1)),
    ("daily", Window::Days(1)),
    ("today", Window::Days(1)),
    ("five sessions", Window::Days(5)),
    ("5 sessions", Window::Days(5)),
    ("five-session", Window::Days(5)),
    ("5-session", Window::Days(5)),
    ("past week", Window::Days(5)),
    ("1 week", Window::Days(5)),
    ("a week", Window::Days(5)),
    ("week", Window::Days(5)),
    ("past month", Window::Days(21)),
    ("a month", Window::Days(21)),
    ("month-long", Window::Days(21)),
    ("one month", Window::Days(21)),
    ("1 month", Window::Days(21)),
    ("21 sessions", Window::Days(21)),
    ("21-session", Window::Days(21)),
    ("month", Window::Days(21)),
    ("three months", Window::Days(63)),
    ("63 sessions", Window::Days(63)),
    ("six months", Window::Days(126)),
    ("126 sessions", Window::Days(126)),
    ("past year", Window::Days(252)),
    ("a year", Window::Days(252)),
    ("252 sessions", Window::Days(252)),
    ("this week", Window::WeekToDate),
    ("week to date", Window::WeekToDate),
    ("this month", Window::MonthToDate),
    ("month to date", Window::MonthToDate),
    ("this quarter", Window::QuarterToDate),
    ("this year", Window::YearToDate),
    ("year to date", Window::YearToDate),
    ("year-to-date", Window::YearToDate),
    ("on the year", Window::YearToDate),
    ("for the year", Window::YearToDate),
    ("last week", Window::PreviousWeek),
    ("previous week", Window::PreviousWeek),
    ("calendar week", Window::PreviousWeek),
    ("last month", Window::PreviousMonth),
    ("previous month", Window::PreviousMonth),
    ("calendar month", Window::PreviousMonth),
];

/// Reads names and windows out of texts.
pub struct Reader {
    names: AhoCorasick,
    ids: Vec<String>,
    windows: AhoCorasick,
}

/// What one passage names: each subject and window with its byte position.
#[derive(Debug, Clone, Default)]
pub struct Named {
    /// (start, end, entity id) of each name, in order.
    pub subjects: Vec<(usize, usize, String)>,
    /// (position, window).
    pub windows: Vec<(usize, Window)>,
    /// Byte ranges of names (to be masked before figures are read).
    pub spans: Vec<(usize, usize)>,
    /// Whether it speaks of a move since a date ("since then", "since the ratio's low"): the
    /// window of the figures measured from the start of the current move.
    pub since: bool,
    /// Whether it speaks of a line to watch ("the bear-market line"): only then can a figure
    /// be a line's level or the distance to it, which are what would be, not what was.
    pub line: bool,
}

fn bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
}

impl Reader {
    /// A reader for the run's entities.
    pub fn new(entities: &Entities, symbols: &[String]) -> Reader {
        let mut forms: Vec<(String, String)> = Vec::new();
        for (form, id) in entities.naming_forms() {
            let plain = crate::output::unescape_markdown(form);
            if let Some(bare) = plain.strip_prefix("the ") {
                forms.push((bare.to_string(), id.to_string()));
            }
            forms.push((plain, id.to_string()));
        }
        for s in symbols {
            if s.chars().all(|c| c.is_ascii_alphanumeric()) && s.len() >= 2 {
                forms.push((s.clone(), s.clone()));
            }
        }
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(forms.iter().map(|f| &f.0))
            .expect("plain names compile");
        let windows = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(WINDOWS.iter().map(|w| w.0))
            .expect("plain phrases compile");
        Reader {
            names,
            ids: forms.into_iter().map(|f| f.1).collect(),
            windows,
        }
    }

    /// What `text` names.
    pub fn read(&self, text: &str) -> Named {
        let mut named = Named::default();
        for m in self.names.find_iter(text) {
            // A ticker is a name only in capitals: "XLE", not "xle".
            let id = &self.ids[m.pattern().as_usize()];
            let exact = &text[m.start()..m.end()];
            if exact.eq_ignore_ascii_case(id) && exact != id {
                continue;
            }
            if bounded(text, m.start(), m.end()) {
                named.subjects.push((m.start(), m.end(), id.clone()));
                named.spans.push((m.start(), m.end()));
            }
        }
        named.since = text.to_lowercase().contains("since");
        named.line = text.to_lowercase().contains(" line");
        for m in self.windows.find_iter(text) {
            if bounded(text, m.start(), m.end()) {
                named
                    .windows
                    .push((m.start(), WINDOWS[m.pattern().as_usize()].1));
            }
        }
        named
    }
}

/// The metrics a figure can be measured against when it disagrees: the plain ones a writer
/// restates, not statistics of statistics.
pub fn plain(m: &Metric) -> bool {
    use Metric as M;
    matches!(
        m,
        M::Close(_)
            | M::Return(..)
            | M::Spread(..)
            | M::Multiple(..)
            | M::Ratio(..)
            | M::MoveStart(..)
            | M::MoveReturn(..)
            | M::MoveDays(..)
            | M::PctChange(..)
            | M::Change(..)
            | M::Yield(_)
            | M::YieldChange(..)
            | M::Level(_)
            | M::TopWeight(..)
            | M::SectorWeight(..)
            | M::LargestSectorWeight(..)
            | M::Breadth(..)
            | M::Curve(..)
            | M::Turn(..)
            | M::Basket(..)
    )
}

/// A line to watch or the distance to it: what would be, not what was.
pub fn hypothetical(m: &Metric) -> bool {
    use crate::metrics::Turn;
    matches!(m, Metric::Turn(Turn::Line(_) | Turn::ToLine(_), ..))
}

/// How a candidate fits what a passage names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fit {
    /// Its window is named.
    pub window: bool,
    /// One of its sources is named outright.
    pub outright: bool,
    /// A pair's two sources are named in its order.
    pub in_order: bool,
    /// Minus the distance from the figure to its subject's name.
    pub closeness: i64,
}

/// How well a candidate fits what a passage names: `None` when it names another subject or
/// window; otherwise (whether its window is named, whether a source is named outright,
/// closeness of its nearest named subject). Member and holdings sources need not be named
/// ("its members", "the holdings"): `implicit` lists them.
pub fn fit(c: &Candidate, named: &Named, at: usize, implicit: &BTreeSet<String>) -> Option<Fit> {
    let m = c.metric.as_ref()?;
    let sources = m.sources();
    let ids: BTreeSet<&str> = named.subjects.iter().map(|s| s.2.as_str()).collect();
    let known = |s: &&str| ids.contains(s) || implicit.contains(*s);
    if sources.is_empty() || !sources.iter().all(known) {
        return None;
    }
    let window = match (m.window(), named.windows.is_empty()) {
        (Some(w), false) if named.windows.iter().any(|n| n.1 == w) => true,
        (Some(_), false) => return None,
        // A figure since the move began is the move's own.
        (None, _) => {
            named.since
                && matches!(
                    m,
                    Metric::MoveReturn(..) | Metric::MoveDays(..) | Metric::SinceMove(..)
                )
        }
        _ => false,
    };
    let outright = sources.iter().any(|s| ids.contains(s));
    // Closeness of the figure's subject (a metric's first source) to the figure: a name
    // before it ("the value index fell 2.2%") counts from its end, one after it at double.
    let distance = (named.subjects.iter())
        .filter(|s| s.2 == sources[0])
        .map(|s| match s.1 <= at {
            true => (at - s.1) as i64,
            false => 2 * (s.0 as i64 - at as i64).abs(),
        })
        .min()
        .unwrap_or(i64::MAX / 2);
    // A pair named in its order: "the ratio of the Russell 2000 to the S&P 500".
    let first = |id: &str| (named.subjects.iter()).position(|s| s.2 == id);
    let in_order = match sources.as_slice() {
        [a, b, ..] if a != b => matches!((first(a), first(b)), (Some(x), Some(y)) if x < y),
        _ => true,
    };
    Some(Fit {
        window,
        outright,
        in_order,
        closeness: -distance,
    })
}

/// Whether a candidate is one a sentence names strongly enough for `claim` to contradict
/// it: a plain metric, one of whose sources the sentence names outright, whose window (if it
/// has one) the sentence names, and whose values print as `claim` does (a percentage for a
/// return or a yield, points for a gap; a bare number only for a price or ratio printed with
/// decimals, never for a count, whose subject a sentence rarely names).
pub fn named_strongly(c: &Candidate, fit: Fit, claim: &Claim) -> bool {
    let Some(m) = &c.metric else { return false };
    let same_unit = match claim.has_unit() {
        // A price or ratio printed with decimals, of the same order as the value (a ratio of
        // 0.572 is not a misprinted index level).
        false => {
            let near = |v: f64| {
                let x: f64 = claim.raw.replace(',', "").parse().unwrap_or(f64::NAN);
                (0.5..=2.0).contains(&(x / v).abs())
            };
            matches!(m, Metric::Close(_) | Metric::Level(_) | Metric::Ratio(..))
                && claim.decimals() >= 2
                && matches!(c.value, Value::Number(v) if near(v))
        }
        true => {
            claim.fits_kind(c.kind)
                && (c.kind != Kind::Level || matches!(m, Metric::Yield(_) | Metric::Curve(..)))
        }
    };
    plain(m) && fit.outright && (fit.window || m.window().is_none()) && same_unit
}
