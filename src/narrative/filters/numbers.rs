//! Figures: percentages, points, basis points, levels, ratios, multiples and shares, each
//! rounded the way people write them and never to more precision than the data bears.
//!
//! Every function here takes a finite number; the Tera filters refuse NaN and infinities
//! before calling them. A value that rounds to zero prints as zero, never "-0.0".

/// Rounds to `digits` decimals, folding negative zero into zero.
fn round_to(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    let r = (x * p).round() / p;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Digits with thousands separators and `digits` decimals: `1,234.5`.
pub(crate) fn grouped(x: f64, digits: usize) -> String {
    let s = format!("{:.digits$}", round_to(x, digits as i32).abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let mut out = String::new();
    if round_to(x, digits as i32) < 0.0 {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A percentage: one decimal below 100, whole numbers from 100 on; `signed` adds `+` to
/// gains.
///
/// ```
/// use marketbrief::narrative::filters::percent;
/// assert_eq!(percent(3.4149, true), "+3.4%");
/// assert_eq!(percent(-2.25, false), "-2.3%");
/// assert_eq!(percent(-0.04, true), "0.0%");
/// assert_eq!(percent(1234.5, false), "1,235%");
/// ```
pub fn percent(x: f64, signed: bool) -> String {
    let digits = percent_digits(x);
    let body = grouped(x, digits);
    if signed && round_to(x, digits as i32) > 0.0 {
        format!("+{body}%")
    } else {
        format!("{body}%")
    }
}

/// A spread's size: `2.1 percentage points`, or `2.1 points` when `short`. Always
/// positive: direction is the sentence's job.
pub fn points(x: f64, short: bool) -> String {
    let r = round_to(x.abs(), 1);
    let unit = if short { "point" } else { "percentage point" };
    let plural = if r == 1.0 { "" } else { "s" };
    format!("{} {unit}{plural}", grouped(r, 1))
}

/// A size without sign or unit, one decimal: `8.4` (the first end of "8.4 to 14.0 points").
pub fn bare(x: f64) -> String {
    grouped(round_to(x.abs(), 1), 1)
}

/// A number with its sign and `digits` decimals: `+1.2`, `-0.3`, `0.0`.
pub fn signed(x: f64, digits: usize) -> String {
    let r = round_to(x, digits as i32);
    if r > 0.0 {
        format!("+{}", grouped(r, digits))
    } else {
        grouped(r, digits)
    }
}

/// A change in yields: `15 basis points` (always positive), or `+15 bp` when `signed`.
pub fn basis_points(x: f64, signed_form: bool) -> String {
    if signed_form {
        return format!("{} bp", signed(x, 0));
    }
    let r = round_to(x.abs(), 0);
    let plural = if r == 1.0 { "" } else { "s" };
    format!("{} basis point{plural}", grouped(r, 0))
}

/// An index level with thousands separators and two decimals: `5,432.10`.
pub fn level(x: f64) -> String {
    grouped(x, 2)
}

/// A yield or rate to two decimals, as FRED publishes it: `4.29%`. Two decimals make the
/// basis-point gap between two printed yields add up.
pub fn rate(x: f64) -> String {
    format!("{}%", grouped(x, 2))
}

/// Decimals [`percent`] prints: one, none from 100 on.
fn percent_digits(x: f64) -> usize {
    if x.abs() >= 99.95 {
        0
    } else {
        1
    }
}

/// The value a reader gets back from [`percent`]'s text (one decimal, whole from 100).
pub fn percent_printed(x: f64) -> f64 {
    round_to(x, percent_digits(x) as i32)
}

/// The value a reader gets back from [`rate`]'s text.
pub fn rate_printed(x: f64) -> f64 {
    round_to(x, 2)
}

/// Decimals [`ratio`] prints: three significant digits.
fn ratio_digits(x: f64) -> usize {
    let a = x.abs();
    if a >= 99.95 {
        0
    } else if a >= 9.995 {
        1
    } else if a >= 0.9995 {
        2
    } else {
        3
    }
}

/// The value a reader gets back from [`ratio`]'s text (three significant digits).
pub fn ratio_printed(x: f64) -> f64 {
    round_to(x, ratio_digits(x) as i32)
}

/// A ratio to three significant digits: `0.487`, `1.23`, `12.3`, `1,234`.
pub fn ratio(x: f64) -> String {
    grouped(x, ratio_digits(x))
}

/// A whole number with thousands separators: `2,840`.
pub fn whole(x: f64) -> String {
    grouped(x, 0)
}

/// A size in rounding words, on the absolute value: `just shy of 10%`, `just over 12%`,
/// `more than 2.5 points`, `almost 2.5 points`, `12%`: marks at halves below 20 (a fraction
/// under .3 is "just over", .3 to .5 "almost" the half, .5 to .7 "more than" it, from .7
/// "just shy of" the next whole), at whole numbers from 20 on. Below 1 it prints one decimal.
///
/// ```
/// use marketbrief::narrative::filters::approx;
/// assert_eq!(approx(9.96, "%"), "just shy of 10%");
/// assert_eq!(approx(2.6, " points"), "more than 2.5 points");
/// ```
pub fn approx(x: f64, unit: &str) -> String {
    let a = round_to(x.abs(), 2);
    if a < 1.0 {
        // From the value itself: rounding the rounded value would round twice.
        return format!("{}{unit}", grouped(x.abs(), 1));
    }
    let n = a.floor();
    let f = round_to(a - n, 2);
    let halves = a < 20.0;
    let mark = |m: f64| {
        if m.fract() == 0.0 {
            whole(m)
        } else {
            format!("{m:.1}")
        }
    };
    let (phrase, target) = if f == 0.0 {
        ("", n)
    } else if !halves {
        if f < 0.5 {
            ("just over ", n)
        } else {
            ("just shy of ", n + 1.0)
        }
    } else if f < 0.3 {
        ("just over ", n)
    } else if f < 0.5 {
        ("almost ", n + 0.5)
    } else if f == 0.5 {
        ("", n + 0.5)
    } else if f < 0.7 {
        ("more than ", n + 0.5)
    } else {
        ("just shy of ", n + 1.0)
    };
    format!("{phrase}{}{unit}", mark(target))
}

/// Fractions people say, with the percent share each stands for.
pub const FRACTIONS: &[(&str, f64)] = &[
    ("about a tenth", 10.0),
    ("about a fifth", 20.0),
    ("about a quarter", 25.0),
    ("about a third", 100.0 / 3.0),
    ("about two fifths", 40.0),
    ("roughly half", 50.0),
    ("about three fifths", 60.0),
    ("about two thirds", 200.0 / 3.0),
    ("about three quarters", 75.0),
    ("about four fifths", 80.0),
    ("about nine tenths", 90.0),
];

/// How close a share must be to a fraction to be called by its name, in points.
pub const FRACTION_TOLERANCE: f64 = 1.5;

/// A percent share as a fraction when one is close (`about a third` for 33.1), else as a
/// percentage.
pub fn share(x: f64) -> String {
    FRACTIONS
        .iter()
        .find(|(_, p)| (x - p).abs() <= FRACTION_TOLERANCE)
        .map_or_else(|| percent(x, false), |(words, _)| words.to_string())
}

/// Multiples people say: `roughly twice` (or `roughly double`), `roughly three times`,
/// `about half`; otherwise `2.4 times`.
pub fn times(x: f64, double: bool) -> String {
    let near = |n: f64| (x - n).abs() <= 0.1 * n;
    if near(2.0) {
        if double {
            "roughly double"
        } else {
            "roughly twice"
        }
        .into()
    } else if near(3.0) {
        "roughly three times".into()
    } else if near(4.0) {
        "roughly four times".into()
    } else if near(0.5) {
        "about half".into()
    } else {
        format!("{} times", grouped(x, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_sensibly() {
        let cases = [
            (3.4149, false, "3.4%"),
            (3.4149, true, "+3.4%"),
            (0.0, true, "0.0%"),
            (-0.0, true, "0.0%"),
            (-0.04, true, "0.0%"),
            (0.05, true, "+0.1%"),
            (-2.25, true, "-2.3%"),
            (99.94, false, "99.9%"),
            (99.96, true, "+100%"),
            (1234.5, false, "1,235%"),
            (-48_123.0, true, "-48,123%"),
            (1e-9, true, "0.0%"),
        ];
        for (x, s, want) in cases {
            assert_eq!(percent(x, s), want, "{x}");
        }
    }

    #[test]
    fn points_signed_and_basis_points() {
        assert_eq!(points(-2.13, false), "2.1 percentage points");
        assert_eq!(points(0.96, false), "1.0 percentage point");
        assert_eq!(points(2.96, true), "3.0 points");
        assert_eq!(points(-0.0, true), "0.0 points");
        assert_eq!(signed(1.25, 1), "+1.3");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(-1234.0, 0), "-1,234");
        assert_eq!(basis_points(-15.2, false), "15 basis points");
        assert_eq!(basis_points(0.6, false), "1 basis point");
        assert_eq!(basis_points(-0.4, true), "0 bp");
        assert_eq!(basis_points(-15.2, true), "-15 bp");
        assert_eq!(basis_points(22.5, true), "+23 bp");
    }

    #[test]
    fn levels_ratios_and_wholes() {
        assert_eq!(level(5432.1), "5,432.10");
        assert_eq!(level(-0.001), "0.00");
        assert_eq!(level(1234567.0), "1,234,567.00");
        assert_eq!(ratio(0.48712), "0.487");
        assert_eq!(ratio(0.99971), "1.00");
        assert_eq!(ratio(1.2345), "1.23");
        assert_eq!(ratio(26.44), "26.4");
        assert_eq!(ratio(1234.4), "1,234");
        assert_eq!(ratio(0.000_012_3), "0.000");
        assert_eq!(whole(2839.5), "2,840");
        assert_eq!(whole(-0.4), "0");
    }

    #[test]
    fn rounding_words() {
        let cases = [
            (9.96, "%", "just shy of 10%"),
            (-9.96, "%", "just shy of 10%"),
            (9.7, "%", "just shy of 10%"),
            (10.0, "%", "10%"),
            (10.2, "%", "just over 10%"),
            (2.4, " points", "almost 2.5 points"),
            (2.5, " points", "2.5 points"),
            (2.65, " points", "more than 2.5 points"),
            (2.7, " points", "just shy of 3 points"),
            (31.2, "%", "just over 31%"),
            (31.6, "%", "just shy of 32%"),
            (0.43, "%", "0.4%"),
            (0.04999, "%", "0.0%"),
            (0.0, "%", "0.0%"),
            (1_234.2, "%", "just over 1,234%"),
        ];
        for (x, unit, want) in cases {
            assert_eq!(approx(x, unit), want, "{x}");
        }
    }

    #[test]
    fn shares_and_multiples_in_words() {
        assert_eq!(share(33.1), "about a third");
        assert_eq!(share(49.0), "roughly half");
        assert_eq!(share(24.0), "about a quarter");
        assert_eq!(share(41.2), "about two fifths");
        assert_eq!(share(41.6), "41.6%");
        assert_eq!(share(43.0), "43.0%");
        assert_eq!(share(0.0), "0.0%");
        assert_eq!(times(2.12, false), "roughly twice");
        assert_eq!(times(1.85, true), "roughly double");
        assert_eq!(times(2.5, false), "2.5 times");
        assert_eq!(times(3.1, false), "roughly three times");
        assert_eq!(times(0.52, false), "about half");
        assert_eq!(times(1250.0, false), "1,250.0 times");
    }
}
