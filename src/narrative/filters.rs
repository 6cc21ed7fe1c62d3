//! Every number and date that reaches a reader is formatted here, and only here: the Tera
//! filters call these functions, and so does the comparison table.
//!
//! Precision follows what the data can bear: returns and weights to one decimal, levels to
//! two, ratios to three significant digits.

use chrono::NaiveDate;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::config::Locale;

/// `3.4%`; with `signed`, `+3.4%`. Values that round to zero print as `0.0%`.
///
/// ```
/// use marketbrief::narrative::filters::percent;
/// assert_eq!(percent(3.4149, true), "+3.4%");
/// assert_eq!(percent(-2.25, false), "-2.3%");
/// assert_eq!(percent(-0.04, true), "0.0%");
/// ```
pub fn percent(x: f64, signed: bool) -> String {
    let r = (x * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if signed && r > 0.0 {
        format!("+{r:.1}%")
    } else {
        format!("{r:.1}%")
    }
}

/// A spread's size in words: `2.1 percentage points` (always positive; direction is the
/// sentence's job).
pub fn points(x: f64) -> String {
    let r = ((x.abs()) * 10.0).round() / 10.0;
    if r == 1.0 {
        "1.0 percentage point".into()
    } else {
        format!("{r:.1} percentage points")
    }
}

/// An index level with thousands separators and two decimals: `5,432.10`.
pub fn level(x: f64) -> String {
    let s = format!("{:.2}", x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{frac}", if x < 0.0 { "-" } else { "" })
}

/// A ratio to three significant digits: `0.487`, `1.23`, `12.3`.
pub fn ratio(x: f64) -> String {
    let digits = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else if x.abs() >= 1.0 {
        2
    } else {
        3
    };
    format!("{x:.digits$}")
}

/// `July 16, 2024` (US) or `16 July 2024` (UK).
pub fn date(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::EnUs => d.format("%B %-d, %Y").to_string(),
        Locale::EnGb => d.format("%-d %B %Y").to_string(),
    }
}

/// A direction verb that always matches the sign: `rose`, `fell`, `was flat` (under 0.05).
pub fn direction(x: f64) -> &'static str {
    if x >= 0.05 {
        "rose"
    } else if x <= -0.05 {
        "fell"
    } else {
        "was flat"
    }
}

/// A change in yields: `15 basis points` (always positive; direction is the sentence's job).
pub fn basis_points(x: f64) -> String {
    let r = x.abs().round();
    if r == 1.0 {
        "1 basis point".into()
    } else {
        format!("{r:.0} basis points")
    }
}

/// A multiple as people say it: `roughly twice`, `roughly three times`, `2.4 times`.
pub fn times(x: f64) -> String {
    let near = |n: f64| (x - n).abs() <= 0.1 * n;
    if near(2.0) {
        "roughly twice".into()
    } else if near(3.0) {
        "roughly three times".into()
    } else if near(4.0) {
        "roughly four times".into()
    } else {
        format!("{x:.1} times")
    }
}

/// How often: `once`, `twice`, `3 times`.
pub fn often(n: i64) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// `first` to `tenth`, then `11th`, `22nd`, `23rd`.
pub fn ordinal(n: i64) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    if (1..=10).contains(&n) {
        return WORDS[n as usize - 1].into();
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A whole number with thousands separators: `2,840`.
pub fn whole(x: f64) -> String {
    let s = level(x.round());
    s.trim_end_matches(".00").to_string()
}

/// `June 2023`, for monthly figures.
pub fn month(d: NaiveDate) -> String {
    d.format("%B %Y").to_string()
}

fn number(v: &Value, filter: &str) -> TeraResult<f64> {
    v.as_f64().ok_or_else(|| {
        tera::Error::message(format!(
            "filter `{filter}` needs a number, got {}",
            v.name()
        ))
    })
}

fn day(v: &Value, filter: &str) -> TeraResult<NaiveDate> {
    v.as_str()
        .and_then(|s| s.parse::<NaiveDate>().ok())
        .ok_or_else(|| {
            tera::Error::message(format!(
                "filter `{filter}` needs a YYYY-MM-DD date, got {v}"
            ))
        })
}

/// Registers the filters on a Tera instance for one locale.
pub fn register(tera: &mut Tera, locale: Locale) {
    tera.register_filter(
        "pct",
        |v: Value, k: Kwargs, _: &State| -> TeraResult<String> {
            let signed = k.get::<bool>("signed")?.unwrap_or(false);
            Ok(percent(number(&v, "pct")?, signed))
        },
    );
    tera.register_filter(
        "abs_pct",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(percent(number(&v, "abs_pct")?.abs(), false))
        },
    );
    tera.register_filter(
        "points",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(points(number(&v, "points")?))
        },
    );
    tera.register_filter(
        "level",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(level(number(&v, "level")?)) },
    );
    tera.register_filter(
        "ratio",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(ratio(number(&v, "ratio")?)) },
    );
    tera.register_filter(
        "direction",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(direction(number(&v, "direction")?).to_string())
        },
    );
    tera.register_filter(
        "bp",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(basis_points(number(&v, "bp")?))
        },
    );
    tera.register_filter(
        "times",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(times(number(&v, "times")?)) },
    );
    tera.register_filter(
        "often",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(often(number(&v, "often")?.round() as i64))
        },
    );
    tera.register_filter(
        "ordinal",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(ordinal(number(&v, "ordinal")?.round() as i64))
        },
    );
    tera.register_filter(
        "whole",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(whole(number(&v, "whole")?)) },
    );
    tera.register_filter(
        "month",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(month(day(&v, "month")?)) },
    );
    tera.register_filter(
        "date",
        move |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(date(day(&v, "date")?, locale))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(percent(3.4149, false), "3.4%");
        assert_eq!(percent(3.4149, true), "+3.4%");
        assert_eq!(percent(-0.04, true), "0.0%");
        assert_eq!(percent(-2.25, true), "-2.3%");
        assert_eq!(points(-2.13), "2.1 percentage points");
        assert_eq!(points(0.96), "1.0 percentage point");
        assert_eq!(level(5432.1), "5,432.10");
        assert_eq!(level(123.456), "123.46");
        assert_eq!(level(1234567.0), "1,234,567.00");
        assert_eq!(ratio(0.48712), "0.487");
        assert_eq!(ratio(1.2345), "1.23");
        assert_eq!(direction(0.3), "rose");
        assert_eq!(direction(-0.3), "fell");
        assert_eq!(direction(0.01), "was flat");
        assert_eq!(basis_points(-15.2), "15 basis points");
        assert_eq!(basis_points(0.6), "1 basis point");
        assert_eq!(times(2.12), "roughly twice");
        assert_eq!(times(2.5), "2.5 times");
        assert_eq!(often(2), "twice");
        assert_eq!(ordinal(3), "third");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(whole(2839.5), "2,840");
    }

    #[test]
    fn dates_by_locale() {
        let d = NaiveDate::from_ymd_opt(2024, 7, 9).unwrap();
        assert_eq!(date(d, Locale::EnUs), "July 9, 2024");
        assert_eq!(date(d, Locale::EnGb), "9 July 2024");
    }
}
