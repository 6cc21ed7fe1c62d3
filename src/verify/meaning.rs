//! What a figure is a figure of. A metric's meaning follows from what it measures; a
//! figure's, from its unit and the words around it: "fell 3%" is a move, "4.7% below its
//! high" a distance, "31.1% of the S&P 500" a share, "11.2 points" a gap, "5,399.22" a level,
//! "three rose" a count. A figure can only be supported by a metric of its meaning: a price
//! from ten years earlier never supports a month's return because both are near 12.

use std::collections::BTreeSet;

use crate::metrics::{Breadth, Kind, Metric, Turn};
use crate::narrative::check::Claim;

/// What a number measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Meaning {
    /// A percent change over a window (a return).
    Move,
    /// How far a level is from a turning point or a line ("4.7% below its high").
    Distance,
    /// A difference in points or basis points (a lead, a yield's change, the curve).
    Gap,
    /// A percent of a whole (a weight, a share of members, a percentile).
    Share,
    /// A level: a close, a yield, a ratio, a valuation.
    Level,
    /// How many (sessions, members, funds, episodes).
    Count,
    /// How many times another figure.
    Multiple,
}

impl Meaning {
    /// In a reader's words, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Meaning::Move => "move over a window",
            Meaning::Distance => "distance from a high, a low or a line",
            Meaning::Gap => "gap",
            Meaning::Share => "share",
            Meaning::Level => "level",
            Meaning::Count => "count",
            Meaning::Multiple => "multiple",
        }
    }
}

/// Whether a metric measures a distance from a turning point or a line.
fn distance(m: &Metric) -> bool {
    match m {
        Metric::Turn(t, ..) => !matches!(
            t,
            Turn::Peak | Turn::PeakDate | Turn::Trough | Turn::TroughDate | Turn::Line(_)
        ),
        Metric::Breadth(Breadth::MedianFromHigh, ..) => true,
        Metric::Stat(_, inner, _) | Metric::Ago(inner, _) | Metric::Band(inner, ..) => {
            distance(inner)
        }
        _ => false,
    }
}

/// What a metric measures; `None` for dates and names.
pub fn of_metric(m: &Metric) -> Option<Meaning> {
    Some(match m.kind() {
        Kind::Return if distance(m) => Meaning::Distance,
        Kind::Return => Meaning::Move,
        Kind::Points | Kind::BasisPoints => Meaning::Gap,
        Kind::Percent => Meaning::Share,
        Kind::Level => Meaning::Level,
        Kind::Count => Meaning::Count,
        Kind::Times => Meaning::Multiple,
        Kind::Date | Kind::Text => return None,
    })
}

/// Whether a level-valued metric prints as a percent (a yield and what is read from one).
pub fn percent_level(m: &Metric) -> bool {
    match m {
        Metric::Yield(_) | Metric::Valuation(..) => true,
        Metric::Stat(_, inner, _)
        | Metric::Ago(inner, _)
        | Metric::AtMoveStart(inner, ..)
        | Metric::Band(inner, ..)
        | Metric::EpisodeAt(_, inner, _) => percent_level(inner),
        _ => false,
    }
}

/// Words after a percent that make it a distance: "4.7% below its high", "off its peak".
const DISTANCE_AFTER: [&str; 8] = [
    "below",
    "above",
    "under",
    "off",
    "short of",
    "from its",
    "from the",
    "away from",
];
/// Turning points a distance is measured from.
const TURNING: [&str; 8] = [
    "high", "low", "peak", "trough", "record", "line", "bottom", "top",
];
/// Nouns of a move: "a 3% drop", "the 9.5% rally".
const MOVE_NOUNS: [&str; 12] = [
    "drop", "gain", "rise", "fall", "decline", "rally", "loss", "jump", "slide", "advance",
    "return", "rebound",
];

/// The meanings a figure may have, read from its unit, its sign, a direction word before it
/// and the words of its passage (`text` lowercased, with a table cell's labels).
pub fn of_claim(claim: &Claim, direction: bool, text: &str) -> BTreeSet<Meaning> {
    use Meaning as M;
    let after = text.get(claim.end..).unwrap_or_default();
    let near_after: String = after.chars().take(40).collect();
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .collect();
    let turning = TURNING.iter().any(|t| tokens.contains(t));
    let is_distance = turning
        && (DISTANCE_AFTER.iter().any(|w| near_after.contains(w))
            || [
                "from 52-week",
                "from its",
                "off its",
                "below its",
                "above its",
            ]
            .iter()
            .any(|w| text.contains(w)));
    let signed = claim.raw.starts_with(['+', '-', '−']);
    let raw = claim.raw.to_lowercase();
    let mut out = BTreeSet::new();
    if ["doubled", "tripled", "halved"].contains(&raw.as_str()) {
        out.insert(M::Move);
    } else if raw.ends_with('%') {
        if is_distance {
            out.insert(M::Distance);
        } else if signed || direction {
            out.insert(M::Move);
        } else {
            out.extend([M::Share, M::Level]);
            let before = text.get(..claim.start).unwrap_or_default();
            let moves = |s: &str| MOVE_NOUNS.iter().any(|n| s.contains(n));
            let near_before: String = before.chars().rev().take(30).collect();
            let near_before: String = near_before.chars().rev().collect();
            if moves(&near_after) || moves(&near_before) {
                out.insert(M::Move);
            }
        }
    } else if raw.ends_with("points") || raw.ends_with("point") || raw.ends_with("bp") {
        out.insert(M::Gap);
    } else if raw.ends_with('x') || raw.ends_with("times") || raw == "twice" {
        out.extend([M::Multiple, M::Level]);
    } else if raw.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        // A bare number: a level (a close, a ratio, a rounded line) or, when whole, a count.
        out.insert(M::Level);
        if !raw.contains('.') {
            out.insert(M::Count);
        }
    } else {
        // A number or an ordinal in words: "three rose", "a fifth straight session".
        out.insert(M::Count);
    }
    out
}

/// Whether a turning point's metric is the one `text` (lowercased) speaks of: from a high or a
/// low, over 52 weeks or the whole record, when the text says.
pub fn turn_fits(m: &Metric, text: &str) -> bool {
    use crate::metrics::Lookback;
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .collect();
    let said = |words: &[&str]| words.iter().any(|w| tokens.contains(w));
    let highs = said(&["high", "highs", "peak", "top", "record"]);
    let lows = said(&["low", "lows", "trough", "bottom"]);
    let Metric::Turn(t, _, lookback) = m else {
        return true;
    };
    let side = match (highs, lows) {
        (true, false) => t.from_peak(),
        (false, true) => !t.from_peak(),
        _ => true,
    };
    let span = match lookback {
        Lookback::All => !said(&["52-week", "year"]) || said(&["record", "all-time"]),
        Lookback::Days(252) => !said(&["record", "all-time"]) || said(&["52-week"]),
        Lookback::Days(_) => true,
    };
    side && span
}

/// Quantifiers a writer puts before a figure that the brief never writes, and the range of
/// sizes each allows around the figure's own value `x` (its rounding `tol`).
fn quantified(word: &str, x: f64, tol: f64) -> Option<(f64, f64)> {
    Some(match word {
        "at least" | "no less than" => (x - tol, f64::INFINITY),
        "over" | "upwards of" => (x, f64::INFINITY),
        "nearly" | "close to" | "approaching" => (x * 0.9 - tol, x),
        "under" | "less than" | "no more than" => (0.0, x),
        _ => return None,
    })
}

/// The sizes a writer's figure allows, `(lo, hi, signed)` as [`Claim::range`] gives them,
/// with a quantifier just before it in `text` ("at least 3%", "nearly 10%") read too.
pub fn range(claim: &Claim, text: &str) -> (f64, f64, bool) {
    let (lo, hi, signed) = claim.range();
    // A figure with its own quantifier ("more than 12%") or in words ("three") is read as is.
    if claim.raw.starts_with(char::is_alphabetic) {
        return (lo, hi, signed);
    }
    let head = text.get(..claim.start).unwrap_or_default().trim_end();
    let (x, tol) = ((lo + hi) / 2.0, (hi - lo) / 2.0);
    for word in super::read::QUANTIFIERS {
        let cut = head.len().saturating_sub(word.len());
        let (rest, tail) = (head.get(..cut), head.get(cut..));
        let bounded = tail.is_some_and(|t| t.eq_ignore_ascii_case(word))
            && !rest.is_some_and(|r| r.ends_with(char::is_alphanumeric));
        if bounded {
            let (lo, hi) = quantified(word, x.abs(), tol).expect("a listed word");
            return (lo, hi, false);
        }
    }
    (lo, hi, signed)
}

/// Whether a figure allowing `range` is true of `v`.
pub fn holds(range: (f64, f64, bool), v: f64) -> bool {
    let (lo, hi, signed) = range;
    let x = if signed { v } else { v.abs() };
    lo - 1e-9 <= x && x <= hi + 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrative::check::figures;

    fn meanings(text: &str) -> BTreeSet<Meaning> {
        let c = &figures(text)[0];
        let direction = super::super::read::direction(text, c.start).is_some();
        of_claim(c, direction, &text.to_lowercase())
    }

    #[test]
    fn a_figure_reads_as_what_its_words_say() {
        use Meaning as M;
        assert_eq!(
            meanings("It rose more than 12% in a month."),
            [M::Move].into()
        );
        assert_eq!(meanings("It is 4.7% below its high."), [M::Distance].into());
        assert_eq!(meanings("Returns: +9.9% on the month."), [M::Move].into());
        assert_eq!(
            meanings("The largest names make up 31.1% of the index."),
            [M::Share, M::Level].into()
        );
        assert_eq!(
            meanings("After a 3% drop it recovered."),
            [M::Move, M::Share, M::Level].into()
        );
        assert_eq!(meanings("A gap of 11.2 points."), [M::Gap].into());
        assert_eq!(meanings("It narrowed 11 basis points."), [M::Gap].into());
        assert_eq!(meanings("It closed at 5,399.22."), [M::Level].into());
        assert_eq!(meanings("Of the 11 funds."), [M::Level, M::Count].into());
        assert_eq!(meanings("Of them, three rose."), [M::Count].into());
        let doubled = &crate::narrative::check::multiplying_verbs("The VIX doubled.")[0].0;
        assert_eq!(
            of_claim(doubled, true, "the vix doubled."),
            [M::Move].into()
        );
        assert!(holds(doubled.range(), 104.0) && !holds(doubled.range(), 80.0));
    }

    #[test]
    fn bounds_read_as_the_ranges_they_state() {
        let r = |text: &str| {
            let c = &figures(text)[0];
            range(c, text)
        };
        // "More than 12%" allows 15 but not 10.
        assert!(holds(r("It rose more than 12% in a month."), 15.0));
        assert!(!holds(r("It rose more than 12% in a month."), 10.0));
        assert!(holds(r("It rose at least 3% in a week."), 2.96));
        assert!(!holds(r("It rose at least 3% in a week."), 2.4));
        assert!(holds(r("It fell nearly 10% from the high."), 9.6));
        assert!(!holds(r("It fell nearly 10% from the high."), 10.4));
        assert!(holds(r("It has about 9% of the weight."), 9.8));
        assert!(!holds(r("It has about 9% of the weight."), 10.6));
        assert!(holds(r("It lost under 2% on the day."), 1.2));
        // A printed sign is read with the figure: +1.2% is not a fall of 1.2%.
        assert!(holds(r("Returns of +1.2% on the day."), 1.24));
        assert!(!holds(r("Returns of +1.2% on the day."), -1.2));
    }

    #[test]
    fn a_metric_means_what_it_measures() {
        use crate::metrics::{Lookback, Window};
        let spy = || "SPY".to_string();
        let month = Window::Days(21);
        let close = Metric::Close("IWM".into());
        assert_eq!(
            of_metric(&Metric::Return(spy(), month)),
            Some(Meaning::Move)
        );
        let from_peak = Metric::Turn(Turn::FromPeak, spy(), Lookback::All);
        assert_eq!(of_metric(&from_peak), Some(Meaning::Distance));
        let ago = Metric::Ago(Box::new(close), Window::Days(2520));
        assert_eq!(of_metric(&ago), Some(Meaning::Level));
        let spread = Metric::Spread("IWM".into(), spy(), month);
        assert_eq!(of_metric(&spread), Some(Meaning::Gap));
        assert_eq!(
            of_metric(&Metric::TopWeight(spy(), 10)),
            Some(Meaning::Share)
        );
        let start = Metric::MoveStart("IWM".into(), spy(), 63);
        assert_eq!(of_metric(&start), None);
    }
}
