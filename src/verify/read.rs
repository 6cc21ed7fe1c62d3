//! One passage read for figures: what it names, its dates, its numbers with their direction
//! words, and its frame (the text with each of those replaced by `#`), by which a draft's
//! sentence is found among the brief's own when only its figures changed.

use std::sync::LazyLock;

use regex::Regex;

use super::attribute::{Named, Reader};
use crate::config::RunConfig;
use crate::narrative::check::{
    direction_before, figures, find_dates, multiplying_verbs, Claim, DateClaim,
};

/// Words a writer puts between a direction word and its figure ("fell at least 3%").
pub const QUANTIFIERS: [&str; 10] = [
    "at least",
    "no less than",
    "over",
    "upwards of",
    "nearly",
    "close to",
    "approaching",
    "under",
    "less than",
    "no more than",
];

/// A figure of a passage.
#[derive(Debug, Clone)]
pub enum Item {
    /// A date.
    Date(DateClaim),
    /// A number, with its direction word (`fell`, a fall) when it has one.
    Number(Claim, Option<(String, bool)>),
}

/// A figure with where it starts (its direction word's start, if any) and how it reads.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Byte where it starts in the passage's text.
    pub start: usize,
    /// Byte where it ends.
    pub end: usize,
    /// As printed, with its direction word: `fell 2.2%`.
    pub raw: String,
    /// What it is.
    pub item: Item,
}

/// A passage read.
#[derive(Debug, Clone)]
pub struct Read {
    /// Its names and windows.
    pub named: Named,
    /// The text with names, dates and window lengths masked by `~`.
    pub masked: String,
    /// Its figures, in order.
    pub items: Vec<Placed>,
    /// The text with each figure replaced by `#`.
    pub frame: String,
}

/// `text` with each byte range replaced by `~` (same length, so positions hold).
fn mask(text: &str, spans: &[(usize, usize)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &(a, b) in spans {
        bytes[a..b].fill(b'~');
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Durations that name a window or a name's own number ("21 sessions", "200-day",
/// "three-month", "10-year"), not claims; "517 sessions in a row" stays a claim.
fn durations(text: &str) -> Vec<(usize, usize)> {
    static DURATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifty-two)(?:-| )(?:sessions?|days?|weeks?|months?|years?|trading days)(?-u:\b)(?: in a row)?").expect("valid")
    });
    (DURATION.find_iter(text))
        .filter(|m| !m.as_str().ends_with(" in a row"))
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// The direction word just before byte `at` ("rose 1.2%"), as (word, a rise?); "made up
/// 31.1%" is a share, not a rise.
pub fn direction(text: &str, at: usize) -> Option<(String, bool)> {
    let d = direction_before(text, at)?;
    let head = text[..at].trim_end();
    let before = head[..head.len() - d.0.len()].trim_end();
    let verb = before.rsplit(' ').next().unwrap_or_default();
    let phrasal = d.0 == "up" && ["make", "makes", "made", "making"].contains(&verb);
    (!phrasal).then_some(d)
}

/// Reads `text`, a cell's `labels` naming its subject and window.
pub fn read(reader: &Reader, config: &RunConfig, text: &str, labels: &str) -> Read {
    let mut named = reader.read(text);
    if !labels.is_empty() {
        let l = reader.read(labels);
        (named.subjects).extend(l.subjects.into_iter().map(|s| (0, 0, s.2)));
        (named.windows).extend(l.windows.into_iter().map(|w| (0, w.1)));
        named.since |= l.since;
    }
    // An index and the fund that tells it where it has no data are one entity.
    let tracked: Vec<(usize, usize, String)> = (named.subjects.iter())
        .filter_map(|(a, b, id)| Some((*a, *b, config.same_entity(id)?.to_string())))
        .collect();
    named.subjects.extend(tracked);
    let dates = find_dates(text);
    let mut spans = named.spans.clone();
    spans.extend(dates.iter().map(|d| (d.start, d.end)));
    let lengths = durations(text);
    // "52-week" is a name's length, not the window of a figure; "five sessions" is one.
    (named.windows).retain(|(at, _)| !lengths.iter().any(|(a, b)| a < at && at < b));
    spans.extend(lengths);
    let masked = mask(text, &spans);
    let mut items: Vec<Placed> = (dates.into_iter())
        .map(|d| Placed {
            start: d.start,
            end: d.end,
            raw: d.raw.clone(),
            item: Item::Date(d),
        })
        .collect();
    for c in figures(&masked) {
        // "fell at least 3%": the direction word before the quantifier.
        let head = masked[..c.start].trim_end();
        let bound = (QUANTIFIERS.iter())
            .find(|q| head.ends_with(*q) && head[..head.len() - q.len()].ends_with(' '))
            .map_or(c.start, |q| head.len() - q.len());
        let direction = direction(&masked, bound);
        let (start, raw) = match &direction {
            Some((word, _)) => {
                let head = masked[..bound].trim_end();
                let start = head.len() - word.len();
                (start, format!("{word} {}", text[bound..c.end].trim()))
            }
            None => (c.start, c.raw.clone()),
        };
        items.push(Placed {
            start,
            end: c.end,
            raw,
            item: Item::Number(c, direction),
        });
    }
    // "The VIX doubled": the verb is the figure and its direction.
    for (c, up) in multiplying_verbs(&masked) {
        items.push(Placed {
            start: c.start,
            end: c.end,
            raw: c.raw.clone(),
            item: Item::Number(c.clone(), Some((c.raw, up))),
        });
    }
    items.sort_by_key(|p| p.start);
    let mut frame = String::new();
    let mut at = 0;
    for p in &items {
        frame.push_str(&text[at..p.start.max(at)]);
        frame.push('#');
        at = at.max(p.end);
    }
    frame.push_str(&text[at..]);
    Read {
        named,
        masked,
        items,
        frame,
    }
}
