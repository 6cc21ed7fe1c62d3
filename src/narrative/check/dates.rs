//! Dates in a text: read in either locale's style ("July 16, 2024", "16 July 2024", "July
//! 2024", "July 16"), checked against a finding's date facts and masked before its numbers
//! are read; and any date after the brief's own.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::{Captures, Regex};

use super::Fact;
use crate::metrics::Value;

/// The months, as both locales write them.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
static DATES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    let m = MONTHS.join("|");
    [
        format!(r"(?-u:\b)(?P<m>{m}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}})(?-u:\b)"),
        format!(r"(?-u:\b)(?P<d>\d{{1,2}}) (?P<m>{m}) (?P<y>\d{{4}})(?-u:\b)"),
        format!(r"(?-u:\b)(?P<m>{m}) (?P<y>\d{{4}})(?-u:\b)"),
        format!(r"(?-u:\b)(?P<m>{m}) (?P<d>\d{{1,2}})(?-u:\b)"),
        format!(r"(?-u:\b)(?P<d>\d{{1,2}}) (?P<m>{m})(?-u:\b)"),
    ]
    .iter()
    .map(|p| Regex::new(p).expect("date patterns are valid"))
    .collect()
});

/// Reads the dates of `text`, checks each against the date facts, and masks them. Returns the
/// masked text and how many dates it read, or the first date no fact (or literal) supports.
pub(super) fn dates(text: &str, facts: &[Fact], literal: &str) -> Result<(String, usize), String> {
    let mut out = text.to_string();
    let mut count = 0;
    let mut bad = None;
    for re in DATES.iter() {
        out = re
            .replace_all(&out, |c: &Captures| {
                let field = |k: &str| c.name(k).and_then(|m| m.as_str().parse::<u32>().ok());
                let month = MONTHS
                    .iter()
                    .position(|m| *m == &c["m"])
                    .map(|i| i as u32 + 1);
                let ok = |d: NaiveDate| {
                    Some(d.month()) == month
                        && field("y").is_none_or(|y| d.year() == y as i32)
                        && field("d").is_none_or(|day| d.day() == day)
                };
                let dated = facts
                    .iter()
                    .any(|f| matches!(f.value, Value::Date(d) if ok(*d)));
                if dated {
                    count += 1;
                } else if !literal.contains(&c[0]) {
                    bad.get_or_insert_with(|| c[0].to_string());
                }
                "§".to_string()
            })
            .into_owned();
    }
    match bad {
        Some(d) => Err(d),
        None => Ok((out, count)),
    }
}

/// A date read from a text: where, and the fields it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct DateClaim {
    /// As printed.
    pub raw: String,
    /// Byte range in the text.
    pub start: usize,
    /// End of that range.
    pub end: usize,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, when printed.
    pub day: Option<u32>,
    /// Year, when printed.
    pub year: Option<i32>,
}

impl DateClaim {
    /// Whether `d` is this date (on the fields printed).
    pub fn is(&self, d: NaiveDate) -> bool {
        d.month() == self.month
            && self.year.is_none_or(|y| d.year() == y)
            && self.day.is_none_or(|day| d.day() == day)
    }
}

/// Every date in `text` in either locale's style, in order, the longest form first where two
/// overlap ("July 5, 2024" rather than "July 5").
pub fn find_dates(text: &str) -> Vec<DateClaim> {
    let mut out: Vec<DateClaim> = Vec::new();
    for re in DATES.iter() {
        for c in re.captures_iter(text) {
            let m = c.get(0).expect("whole match");
            if out.iter().any(|d| d.start < m.end() && m.start() < d.end) {
                continue;
            }
            let field = |k: &str| c.name(k).and_then(|m| m.as_str().parse::<u32>().ok());
            let Some(month) = MONTHS.iter().position(|n| *n == &c["m"]) else {
                continue;
            };
            out.push(DateClaim {
                raw: m.as_str().to_string(),
                start: m.start(),
                end: m.end(),
                month: month as u32 + 1,
                day: field("d"),
                year: field("y").map(|y| y as i32),
            });
        }
    }
    out.sort_by_key(|d| d.start);
    out
}

/// The first date in `text` (either locale's style, or ISO) that is after `day`.
pub fn date_after(text: &str, day: NaiveDate) -> Option<String> {
    static ISO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)").expect("valid"));
    for c in ISO.captures_iter(text) {
        let d = NaiveDate::parse_from_str(&c[0], "%Y-%m-%d").ok();
        if d.is_some_and(|d| d > day) {
            return Some(c[0].to_string());
        }
    }
    for re in DATES.iter() {
        for c in re.captures_iter(text) {
            let field = |k: &str| c.name(k).and_then(|m| m.as_str().parse::<u32>().ok());
            let Some(month) = MONTHS.iter().position(|m| *m == &c["m"]) else {
                continue;
            };
            let Some(year) = field("y") else { continue };
            let first =
                NaiveDate::from_ymd_opt(year as i32, month as u32 + 1, field("d").unwrap_or(1));
            if first.is_some_and(|d| d > day) {
                return Some(c[0].to_string());
            }
        }
    }
    None
}
