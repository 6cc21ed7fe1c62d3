//! Arithmetic a reader can redo: in a sentence that prints two values and the gap between
//! them, the gap must be what the printed values give. Read from the text alone, without the
//! facts:
//!
//! - a gap in points or percentage points beside two percentages: their difference, within
//!   the gap's printed precision (+8.1% and +5.8% need 2.3 points);
//! - a gap in basis points beside two percentages: their difference times 100 (4.29% and
//!   4.43% need 14 basis points);
//! - a multiple ("2.4 times", "roughly twice") beside two percentages: their ratio;
//! - a percent change after "from A to B": B over A.
//!
//! Each gap is paired with the two values nearest to it in its sentence. A sentence with
//! fewer than two values has nothing to add up.

use std::sync::LazyLock;

use regex::Regex;

use super::Mismatch;
use crate::narrative::refer::split_sentences;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Percent,
    Points,
    BasisPoints,
    Times,
}

#[derive(Debug, Clone, Copy)]
struct Figure {
    at: usize,
    value: f64,
    /// Half a unit of the last printed digit.
    half: f64,
    unit: Unit,
    /// A multiple in words ("roughly twice"): ten percent either way.
    rough: bool,
}

static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<rough>roughly |about |just shy of |just over |almost |more than )?(?P<s>[+\-−])?(?P<n>\d[\d,]*(?:\.\d+)?)(?P<u>%| percentage points?(?-u:\b)| points?(?-u:\b)| basis points?(?-u:\b)| bp(?-u:\b)| times(?-u:\b))",
    )
    .expect("a valid pattern")
});

static WORD_MULTIPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)roughly (?P<w>twice|double|three times|four times)(?-u:\b)|(?-u:\b)about half(?-u:\b)")
        .expect("a valid pattern")
});

static FROM_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)from (?P<a>\d[\d,]*(?:\.\d+)?) to (?P<b>\d[\d,]*(?:\.\d+)?)(?-u:\b)[^.%]*?\((?P<p>[+\-−]?\d[\d,]*(?:\.\d+)?)%\)",
    )
    .expect("a valid pattern")
});

fn parse(n: &str) -> Option<(f64, f64)> {
    let digits = n.replace(',', "");
    let x: f64 = digits.parse().ok()?;
    let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
    Some((x, 0.5 * 10f64.powi(-(decimals as i32))))
}

fn figures(sentence: &str) -> Vec<Figure> {
    let mut out = Vec::new();
    for c in FIGURE.captures_iter(sentence) {
        let m = c.get(0).expect("the whole match");
        let n = c.name("n").expect("a number");
        // A number inside a word or a name ("S&P 500", "10-year") is not a figure.
        let lead = c.name("s").map_or(n.start(), |s| s.start());
        if sentence[..lead].ends_with(|ch: char| ch.is_alphanumeric() || ch == '-') {
            continue;
        }
        let Some((mut x, half)) = parse(n.as_str()) else {
            continue;
        };
        // "fell 2.5%" prints a size; the value a reader takes from it is negative.
        let verb = sentence[..lead].trim_end().rsplit(' ').next().unwrap_or("");
        let down = matches!(verb, "down" | "lost")
            || crate::narrative::filters::words::verb_band(verb).is_some_and(|(up, _)| !up);
        if matches!(c.name("s").map(|s| s.as_str()), Some("-" | "−")) || down {
            x = -x;
        }
        let unit = match c["u"].trim() {
            "%" => Unit::Percent,
            u if u.starts_with("basis") || u == "bp" => Unit::BasisPoints,
            "times" => Unit::Times,
            _ => Unit::Points,
        };
        out.push(Figure {
            at: m.start(),
            value: x,
            half,
            unit,
            rough: c.name("rough").is_some(),
        });
    }
    for c in WORD_MULTIPLE.captures_iter(sentence) {
        let m = c.get(0).expect("the whole match");
        let value = match c.name("w").map(|w| w.as_str()) {
            Some("twice" | "double") => 2.0,
            Some("three times") => 3.0,
            Some("four times") => 4.0,
            _ => 0.5,
        };
        out.push(Figure {
            at: m.start(),
            value,
            half: 0.0,
            unit: Unit::Times,
            rough: true,
        });
    }
    out.sort_by_key(|f| f.at);
    out
}

/// The two values a gap is read against: the two just before it ("+10.0% against -1.2%, a
/// lead of 11.2 points"); else the one before and the one after it ("+1.2%, 3.8 points more
/// than the S&P 500 (-2.6%)"); else the two after it ("11.2 points (+10.0% against -1.2%)").
/// Values in rounding words are not exact enough to add up.
fn nearest(values: &[Figure], gap: &Figure) -> Option<(Figure, Figure)> {
    let exact: Vec<Figure> = values.iter().copied().filter(|v| !v.rough).collect();
    let before: Vec<Figure> = exact.iter().copied().filter(|v| v.at < gap.at).collect();
    let after: Vec<Figure> = exact.iter().copied().filter(|v| v.at > gap.at).collect();
    match (before.as_slice(), after.as_slice()) {
        ([.., a, b], _) => Some((*a, *b)),
        ([a], [b, ..]) => Some((*a, *b)),
        ([], [a, b, ..]) => Some((*a, *b)),
        _ => None,
    }
}

/// Whether the printed gap follows from the printed values.
fn adds_up(a: Figure, b: Figure, gap: Figure) -> bool {
    let eps = 1e-9;
    match gap.unit {
        Unit::Points => ((a.value - b.value).abs() - gap.value.abs()).abs() <= gap.half + eps,
        Unit::BasisPoints => {
            ((a.value - b.value).abs() * 100.0 - gap.value.abs()).abs() <= gap.half + eps
        }
        Unit::Times => {
            let (hi, lo) = if a.value.abs() >= b.value.abs() {
                (a.value, b.value)
            } else {
                (b.value, a.value)
            };
            if lo == 0.0 {
                return false;
            }
            let r = if gap.value < 1.0 { lo / hi } else { hi / lo };
            let tol = if gap.rough { 0.1 * gap.value } else { gap.half };
            (r - gap.value).abs() <= tol + eps
        }
        Unit::Percent => true,
    }
}

/// Checks every sentence of `text` (names already masked); returns how many gaps it read, or
/// the first that does not add up.
pub fn check(text: &str) -> Result<usize, Mismatch> {
    let mut count = 0;
    for sentence in split_sentences(text) {
        let all = figures(sentence);
        let values: Vec<Figure> = all
            .iter()
            .copied()
            .filter(|f| f.unit == Unit::Percent)
            .collect();
        // A gap in rounding words ("more than 2.5 points") is not exact; a multiple in words
        // ("roughly twice") is checked to within its tenth.
        let gaps = all
            .iter()
            .filter(|f| f.unit != Unit::Percent && (!f.rough || f.unit == Unit::Times));
        for gap in gaps {
            let Some((a, b)) = nearest(&values, gap) else {
                continue;
            };
            if !adds_up(a, b, *gap) {
                return Err(Mismatch {
                    claim: sentence[gap.at..]
                        .split([',', ';', ')'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                    text: text.to_string(),
                    why: format!(
                        "the printed values {} and {} do not give this gap",
                        a.value, b.value
                    ),
                });
            }
            count += 1;
        }
        for c in FROM_TO.captures_iter(sentence) {
            let (Some((a, ha)), Some((b, hb))) = (parse(&c["a"]), parse(&c["b"])) else {
                continue;
            };
            let p: f64 = c["p"]
                .replace(['+', ','], "")
                .replace('−', "-")
                .parse()
                .unwrap_or(f64::NAN);
            let half = parse(c["p"].trim_start_matches(['+', '-', '−'])).map_or(0.05, |x| x.1);
            // The printed ends may each be off by half their last digit.
            let lo = ((b - hb) / (a + ha) - 1.0) * 100.0 - half;
            let hi = ((b + hb) / (a - ha) - 1.0) * 100.0 + half;
            if a == 0.0 || !(lo - 1e-9..=hi + 1e-9).contains(&p) {
                return Err(Mismatch {
                    claim: c[0].to_string(),
                    text: text.to_string(),
                    why: format!("from {a} to {b} is not a change of {p}%"),
                });
            }
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_add_up_from_the_printed_parts() {
        for ok in [
            "The index returned +8.1% against +5.8%, a lead of 2.3 points.",
            "It returned +1.2%, 3.8 percentage points more than the other (-2.6%).",
            "The 10-year yield (4.29%) is 14 basis points below the 2-year (4.43%).",
            "It gained 9.3%, roughly four times the 2.2% of the other.",
            "It gained 6.0%, 2.5 times the 2.4% of the other.",
            "The ratio climbed from 0.449 to 0.490 (+9.1%) over three months.",
            "The top-10 weight went up 3.7 points to 31.1%.",
            "It rose 1.2% on the day. The gap over five sessions was 3.8 points.",
            "It fell 2.5% on the day, against -7.5% for the other: a gap of 5.0 points.",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
        for bad in [
            "The index returned +8.1% against +5.8%, a lead of 2.4 points.",
            "The 10-year yield (4.3%) is 14 basis points below the 2-year (4.4%).",
            "It gained 9.3%, roughly twice the 2.2% of the other.",
            "The ratio climbed from 0.449 to 0.490 (+7.0%) over three months.",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_inside_names_are_not_figures() {
        // "500 (+1.0%)" would pair with nothing: only one value is a figure.
        assert_eq!(
            check("The S&P 500 rose 1.0%, 0.4 points behind.").ok(),
            Some(0)
        );
    }
}
