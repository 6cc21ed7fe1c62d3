//! The post-render fact check: reads a rendered text back, finds every figure in it (digits,
//! dates, rounding words such as "just shy of 10%", fractions such as "about a third", counts
//! and ordinals in words), and matches each to a fact of the finding that produced it, within
//! the rounding the printed form allows. Direction words ("rose 1.2%") must agree with the
//! sign of the fact they describe. Figures the template itself writes ("over 21 sessions")
//! are the template's own and pass as literals. A figure that matches nothing is a template
//! bug: the brief stops rather than print it.
//!
//! This reads text independently of the filters that wrote it: the filters round, this checks
//! that the rounded text still tells the truth about the full-precision value.

use std::sync::LazyLock;

use chrono::Datelike;
use regex::Regex;
use serde::Serialize;

pub mod arithmetic;
mod dates;

use dates::dates;
pub use dates::{date_after, find_dates, DateClaim, MONTHS};

use super::filters::numbers::{FRACTIONS, FRACTION_TOLERANCE};
use super::filters::words::{size_band, verb_band, DOWN_WORDS, FLAT_WORDS, ORDINALS, UP_WORDS};
use crate::config::Bands;
use crate::metrics::{Kind, Value};

/// A fact a text may state: its value and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct Fact<'a> {
    /// The value, at full precision.
    pub value: &'a Value,
    /// How its numbers read (percent, points, basis points...).
    pub kind: Kind,
    /// The sessions its window spans (1 for a figure without a window): a direction word's
    /// intensity is judged on that scale.
    pub span: usize,
    /// A round line the data cleared (`cleared`): "more than 2.5 points" states it exactly.
    pub threshold: bool,
}

/// What the fact check verified.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Sentences checked (headline, takeaways, body, caveats, watch lines).
    pub texts: usize,
    /// Table cells checked.
    pub cells: usize,
    /// Numbers (and number words) matched to a fact.
    pub numbers: usize,
    /// Dates matched to a fact.
    pub dates: usize,
    /// Direction words matched to the sign of their fact.
    pub directions: usize,
    /// Figures written by the template itself.
    pub literals: usize,
    /// Gaps, multiples and changes whose printed parts were added up.
    pub sums: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.texts += o.texts;
        self.cells += o.cells;
        self.numbers += o.numbers;
        self.dates += o.dates;
        self.directions += o.directions;
        self.literals += o.literals;
        self.sums += o.sums;
    }
}

/// A figure in a text that no fact supports.
#[derive(Debug, Clone, thiserror::Error)]
#[error("'{claim}' in \"{text}\": {why}")]
pub struct Mismatch {
    /// The figure as printed.
    pub claim: String,
    /// The text it is in.
    pub text: String,
    /// What is wrong.
    pub why: String,
}

const NUMBER_WORDS: [&str; 11] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];
const MULTIPLE_WORDS: [(&str, f64); 5] = [
    ("roughly twice", 2.0),
    ("roughly double", 2.0),
    ("roughly three times", 3.0),
    ("roughly four times", 4.0),
    ("about half", 0.5),
];

static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    let mut phrases: Vec<String> = FRACTIONS.iter().map(|(w, _)| w.to_string()).collect();
    phrases.extend(MULTIPLE_WORDS.iter().map(|(w, _)| w.to_string()));
    phrases.extend(NUMBER_WORDS.iter().map(|w| format!("{w} times")));
    phrases.extend(["once", "twice"].map(String::from));
    phrases.extend(NUMBER_WORDS.iter().map(|w| w.to_string()));
    phrases.extend(ORDINALS.iter().map(|w| w.to_string()));
    Regex::new(&format!(r"(?i)(?-u:\b)(?:{})(?-u:\b)", phrases.join("|"))).expect("valid")
});

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<q>just shy of |just over |almost |more than |about |roughly )?(?P<s>[+\-−])?(?P<n>\d(?:[\d,]*\d)?(?:\.\d+)?)(?P<u>%| percentage points?(?-u:\b)| points?(?-u:\b)| basis points?(?-u:\b)| bp(?-u:\b)|x(?-u:\b)| times(?-u:\b)|st(?-u:\b)|nd(?-u:\b)|rd(?-u:\b)|th(?-u:\b))?",
    )
    .expect("valid")
});

/// Direction words without a size of their own: their figure's sign is checked, not its band.
const PLAIN_UP: [&str; 2] = ["up", "gained"];
const PLAIN_DOWN: [&str; 2] = ["down", "lost"];

static DIRECTION: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<&str> = (UP_WORDS.iter().chain(&DOWN_WORDS))
        .flat_map(|w| w.iter())
        .chain(PLAIN_UP.iter().chain(&PLAIN_DOWN))
        .copied()
        .collect();
    // Longest first, so that "edged up" is read whole, not as "up".
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    Regex::new(&format!(
        r"(?-u:\b)(?:{}|{FLAT_WORDS})(?-u:\b)",
        words.join("|")
    ))
    .expect("valid")
});

/// A template's text outside its tags: what it writes by hand.
pub fn plain_text(template: &str) -> String {
    static TAGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}").expect("valid"));
    TAGS.replace_all(template, " ").into_owned()
}

/// One figure read from a text: as printed, where, and what values it may state.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The figure as printed (`+10.0%`, `11.2 points`, `five`).
    pub raw: String,
    /// Its byte range in the text read.
    pub start: usize,
    /// The end of that range.
    pub end: usize,
    test: Test,
}

impl Claim {
    /// Whether this figure, as printed, states `v` read as `kind` (within the rounding its
    /// printed form allows; a bare four-digit number may be a date's year).
    pub fn states(&self, v: &Value, kind: Kind) -> bool {
        let fact = Fact {
            value: v,
            kind,
            span: 1,
            threshold: false,
        };
        numeric(v).is_some_and(|x| self.test.holds(x, &fact)) || year_of(self, v)
    }

    /// Whether its unit (or none) may print a value of `kind`.
    pub fn fits_kind(&self, kind: Kind) -> bool {
        self.test.unit().fits(kind) && !matches!(kind, Kind::Date | Kind::Text)
    }

    /// For "more than x": the line `x` a writer says the value is beyond.
    pub fn lower_bound(&self) -> Option<f64> {
        match self.test {
            Test::MoreThan { x, .. } => Some(x),
            _ => None,
        }
    }

    /// The sizes this figure allows as a writer means it, `(lo, hi, signed)`: it is true of
    /// `v` when `lo <= v <= hi` (of `|v|` unless `signed`). Unlike [`Claim::states`], which
    /// reads the brief's own "more than 2.5 points" as just beyond the line, "more than 12%"
    /// here allows any size beyond 12.
    pub fn range(&self) -> (f64, f64, bool) {
        match self.test {
            Test::Near { x, tol, signed, .. } => (x - tol, x + tol, signed),
            Test::Within { lo, hi, .. } => (lo, hi, false),
            Test::MoreThan { x, .. } => (x, f64::INFINITY, false),
        }
    }

    /// Whether it carries a unit (`%`, points, basis points, times) rather than being a bare
    /// number.
    pub fn has_unit(&self) -> bool {
        self.test.unit() != Unit::Any
    }

    /// The number of decimals printed (for writing a value the same way).
    pub fn decimals(&self) -> usize {
        let digits: String = (self.raw.chars())
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect();
        digits.split_once('.').map_or(0, |(_, f)| f.len())
    }
}

/// Every figure in `text`, in order (dates and names should be masked first).
pub fn figures(text: &str) -> Vec<Claim> {
    claims(text)
}

/// Verbs that state a percent change by themselves ("the VIX doubled"): each a claim of
/// the change it names (within a tenth either way) and whether it is a rise.
pub fn multiplying_verbs(text: &str) -> Vec<(Claim, bool)> {
    static VERBS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u:\b)(doubled|tripled|halved)(?-u:\b)").expect("valid"));
    (VERBS.find_iter(text))
        .map(|m| {
            let (x, up) = match m.as_str() {
                "doubled" => (100.0, true),
                "tripled" => (200.0, true),
                _ => (50.0, false),
            };
            let test = Test::Within {
                lo: 0.9 * x,
                hi: 1.1 * x,
                unit: Unit::Percent,
            };
            (claim(m.as_str(), m.start(), m.end(), test), up)
        })
        .collect()
}

/// The direction word just before byte `at` of `text` ("rose 1.2%"), as (word, a rise?).
pub fn direction_before(text: &str, at: usize) -> Option<(String, bool)> {
    let head = text[..at].trim_end();
    let m = DIRECTION.find_iter(head).find(|m| m.end() == head.len())?;
    let word = m.as_str();
    let up = verb_band(word).map(|(up, _)| up).or_else(|| {
        PLAIN_UP
            .contains(&word)
            .then_some(true)
            .or(PLAIN_DOWN.contains(&word).then_some(false))
    })?;
    Some((word.to_string(), up))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Percent,
    Points,
    BasisPoints,
    Times,
    Any,
}

#[derive(Debug, Clone, Copy)]
enum Test {
    /// |v| (or v, when signed) within `tol` of `x`, in a unit.
    Near {
        x: f64,
        tol: f64,
        signed: bool,
        unit: Unit,
    },
    /// `lo <= |v| < hi` (rounding words), in a unit.
    Within { lo: f64, hi: f64, unit: Unit },
    /// "more than x": a value just above `x`, or a line of exactly `x` that the data cleared.
    MoreThan { x: f64, unit: Unit },
}

impl Unit {
    /// Whether a figure printed in this unit may state a value of `kind`.
    fn fits(self, kind: Kind) -> bool {
        match self {
            Unit::Percent => matches!(kind, Kind::Return | Kind::Percent | Kind::Level),
            Unit::Points => kind == Kind::Points,
            Unit::BasisPoints => kind == Kind::BasisPoints,
            Unit::Times => matches!(kind, Kind::Times | Kind::Level | Kind::Count),
            Unit::Any => true,
        }
    }
}

impl Test {
    fn unit(&self) -> Unit {
        match *self {
            Test::Near { unit, .. } | Test::Within { unit, .. } | Test::MoreThan { unit, .. } => {
                unit
            }
        }
    }

    fn holds(&self, v: f64, fact: &Fact) -> bool {
        let fits = |unit: Unit| unit.fits(fact.kind);
        match *self {
            Test::Near {
                x,
                tol,
                signed,
                unit,
            } => fits(unit) && ((if signed { v } else { v.abs() }) - x).abs() <= tol,
            Test::Within { lo, hi, unit } => fits(unit) && lo <= v.abs() && v.abs() < hi,
            Test::MoreThan { x, unit } => {
                let above = x < v.abs() && v.abs() < x + 0.205;
                fits(unit) && (above || fact.threshold && (v.abs() - x).abs() < 1e-9)
            }
        }
    }
}

fn near(x: f64, tol: f64) -> Test {
    Test::Near {
        x,
        tol,
        signed: false,
        unit: Unit::Any,
    }
}

/// Every figure in `text` (dates already masked), in order.
fn claims(text: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut taken = vec![false; text.len()];
    for m in WORDS.find_iter(text) {
        let w = m.as_str().to_lowercase();
        let test = if let Some((_, p)) = FRACTIONS.iter().find(|(f, _)| *f == w) {
            Test::Within {
                lo: p - FRACTION_TOLERANCE - 0.05,
                hi: p + FRACTION_TOLERANCE + 0.05,
                unit: Unit::Percent,
            }
        } else if let Some((_, x)) = MULTIPLE_WORDS.iter().find(|(f, _)| *f == w) {
            near(*x, 0.1 * x + 0.01)
        } else {
            let head = w.split(' ').next().unwrap_or_default();
            let n = match head {
                "once" => 1,
                "twice" => 2,
                _ => NUMBER_WORDS
                    .iter()
                    .position(|n| *n == head)
                    .or_else(|| ORDINALS.iter().position(|o| *o == head).map(|i| i + 1))
                    .unwrap_or(0),
            };
            near(n as f64, 1e-9)
        };
        taken[m.start()..m.end()].fill(true);
        out.push(claim(m.as_str(), m.start(), m.end(), test));
    }
    for c in NUMBER.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let n = c.name("n").expect("number");
        let sign = c.name("s");
        let lead = sign.map_or(n.start(), |s| s.start());
        let before = text[..lead].chars().next_back();
        if taken[m.start()] || before.is_some_and(|b| b.is_alphanumeric() || b == '§') {
            continue;
        }
        let digits = n.as_str().trim_end_matches(',').replace(',', "");
        let Ok(x) = digits.parse::<f64>() else {
            continue;
        };
        let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
        let unit = match c.name("u").map(|u| u.as_str().trim()) {
            Some("%") => Unit::Percent,
            Some(u) if u.starts_with("percentage") || u.starts_with("point") => Unit::Points,
            Some(u) if u.starts_with("basis") || u == "bp" => Unit::BasisPoints,
            Some("x" | "times") => Unit::Times,
            _ => Unit::Any,
        };
        let signed = sign.is_some() && before.is_none_or(|b| b.is_whitespace() || b == '(');
        let x = if signed && sign.map(|s| s.as_str()) != Some("+") {
            -x
        } else {
            x
        };
        let tol = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9 * x.abs().max(1.0);
        let wide = if x >= 20.0 { 0.5 } else { 0.3 } + 0.005;
        let test = match c.name("q").map(|q| q.as_str().trim()) {
            Some("just shy of") => Test::Within {
                lo: x - wide,
                hi: x,
                unit,
            },
            Some("just over") => Test::Within {
                lo: x + 1e-12,
                hi: x + wide,
                unit,
            },
            Some("almost") => Test::Within {
                lo: x - 0.205,
                hi: x,
                unit,
            },
            Some("more than") => Test::MoreThan { x, unit },
            Some(_) => Test::Within {
                lo: x * 0.9 - tol,
                hi: x * 1.1 + tol,
                unit,
            },
            None => Test::Near {
                x,
                tol,
                signed,
                unit,
            },
        };
        let start = if signed { m.start() } else { n.start() };
        let start = c.name("q").map_or(start, |q| q.start());
        out.push(claim(&text[start..m.end()], start, m.end(), test));
    }
    out.sort_by_key(|c| c.start);
    out
}

fn claim(raw: &str, start: usize, end: usize, test: Test) -> Claim {
    Claim {
        raw: raw.trim().to_string(),
        start,
        end,
        test,
    }
}

/// Replaces each of `masks` (names, text facts) by `§`, longest first, so that figures in
/// names ("S&P 500") are not read as claims.
/// Names the check does not read (an index's "500", a fund's "2000"), compiled once into
/// one automaton that replaces each, longest first, by `§`.
#[derive(Debug, Clone)]
pub struct Masks(Option<aho_corasick::AhoCorasick>);

impl Masks {
    /// The automaton for `names` (empty names are ignored).
    pub fn new<S: AsRef<str>>(names: &[S]) -> Masks {
        let names: Vec<&str> = (names.iter().map(|n| n.as_ref()))
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Masks(None);
        }
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&names)
            .expect("plain names compile");
        Masks(Some(automaton))
    }

    /// `text` with every name replaced, then each of `extra` (longest first).
    fn apply(&self, text: &str, extra: &[&str]) -> String {
        let text = match &self.0 {
            Some(a) => a.replace_all(text, &vec!["§"; a.patterns_len()]),
            None => text.to_string(),
        };
        let mut extra: Vec<&&str> = extra.iter().filter(|m| !m.is_empty()).collect();
        extra.sort_by_key(|m| std::cmp::Reverse(m.len()));
        extra.iter().fold(text, |t, m| t.replace(**m, "§"))
    }
}

/// A number's or a count's value.
pub fn numeric(v: &Value) -> Option<f64> {
    match v {
        Value::Number(x) => Some(*x),
        Value::Count(n) => Some(*n as f64),
        _ => None,
    }
}

/// Checks one rendered text against the facts of the finding that produced it. `literal`
/// is the template's own text ([`plain_text`]); `masks` are names to ignore.
pub fn check(
    text: &str,
    facts: &[Fact],
    literal: &str,
    masks: &[&str],
    bands: Bands,
) -> Result<Tally, Mismatch> {
    check_masked(text, facts, literal, (&Masks(None), masks), bands)
}

/// [`check`] with the run's names compiled once (`masks.0`) and this text's own (`masks.1`).
pub fn check_masked(
    text: &str,
    facts: &[Fact],
    literal: &str,
    masks: (&Masks, &[&str]),
    bands: Bands,
) -> Result<Tally, Mismatch> {
    let mask = |t: &str| masks.0.apply(t, masks.1);
    let fail = |claim: &str, why: String| Mismatch {
        claim: claim.to_string(),
        text: text.to_string(),
        why,
    };
    let literal = mask(literal);
    let (masked, date_count) = dates(&mask(text), facts, &literal)
        .map_err(|d| fail(&d, "no date fact of this finding is that date".into()))?;
    let literal_claims: Vec<String> =
        claims(&dates(&literal, &[], "").map_or(literal.clone(), |d| d.0))
            .into_iter()
            .map(|c| c.raw)
            .collect();
    let mut tally = Tally {
        texts: 1,
        dates: date_count,
        ..Tally::default()
    };
    let found = claims(&masked);
    let supported = |c: &Claim, sign: f64| {
        facts
            .iter()
            .any(|f| numeric(f.value).is_some_and(|v| c.test.holds(v, f) && v * sign > 0.0))
    };
    for c in &found {
        let by_fact = facts
            .iter()
            .any(|f| numeric(f.value).is_some_and(|v| c.test.holds(v, f)) || year_of(c, f.value));
        if by_fact {
            tally.numbers += 1;
        } else if literal_claims
            .iter()
            .any(|l| l.eq_ignore_ascii_case(&c.raw))
        {
            tally.literals += 1;
        } else {
            return Err(fail(
                &c.raw,
                "no fact of this finding has this value".into(),
            ));
        }
    }
    for m in DIRECTION.find_iter(&masked) {
        let word = m.as_str();
        if word == FLAT_WORDS {
            let flat = facts.iter().any(|f| {
                let band = if f.kind == Kind::BasisPoints {
                    bands.bp
                } else {
                    bands.percent
                };
                numeric(f.value).is_some_and(|v| v.abs() < band.over(f.span).flat)
            });
            if !flat {
                return Err(fail(word, "no fact of this finding is that small".into()));
            }
            tally.directions += 1;
            continue;
        }
        let rest = &masked[m.end()..];
        let gap = rest.len() - rest.trim_start().len();
        let Some(c) = found.iter().find(|c| c.start == m.end() + gap) else {
            continue;
        };
        let up = verb_band(word).is_some_and(|(up, _)| up) || PLAIN_UP.contains(&word);
        let sign = if up { 1.0 } else { -1.0 };
        let digits: Vec<char> = c.raw.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && digits.iter().all(|d| *d == '0') {
            return Err(fail(
                &format!("{word} {}", c.raw),
                "a direction word on a figure that prints as zero (write \"flat\")".into(),
            ));
        }
        if !supported(c, sign) {
            let dir = if sign > 0.0 { "rise" } else { "fall" };
            return Err(fail(
                &format!("{word} {}", c.raw),
                format!("no fact of this finding is a {dir} of that size"),
            ));
        }
        // A graded verb must fit the size of the move over its own window.
        if let Some((_, size)) = verb_band(word) {
            let fits = facts.iter().any(|f| {
                numeric(f.value).is_some_and(|v| {
                    let band = if f.kind == Kind::BasisPoints {
                        bands.bp
                    } else {
                        bands.percent
                    };
                    c.test.holds(v, f) && size_band(v, band.over(f.span)) == Some(size)
                })
            });
            if !fits {
                return Err(fail(
                    &format!("{word} {}", c.raw),
                    "the verb does not fit the size of this move over its window".into(),
                ));
            }
        }
        tally.directions += 1;
    }
    tally.sums = arithmetic::check(&masked).map_err(|m| Mismatch {
        text: text.to_string(),
        ..m
    })?;
    Ok(tally)
}

/// The numbers `text` prints, as written, sorted.
pub fn printed_numbers(text: &str) -> Vec<String> {
    static DIGITS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\d(?:[\d,]*\d)?(?:\.\d+)?").expect("valid"));
    let mut v: Vec<String> = DIGITS
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect();
    v.sort();
    v
}

/// A plain four-digit number may be the year of a date fact ("since 2008").
fn year_of(c: &Claim, v: &Value) -> bool {
    match (v, c.test) {
        (
            Value::Date(d),
            Test::Near {
                x,
                tol,
                signed: false,
                unit: Unit::Any,
            },
        ) if tol < 0.51 => c.end - c.start == 4 && f64::from(d.year()) == x,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
