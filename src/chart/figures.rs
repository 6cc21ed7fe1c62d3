//! The figures the charts draw, read from the run's data: the pair the headline compares and
//! the compared indexes' returns, with the same definitions as the metrics (N trading days of
//! each series' own dates; year to date since the last close of the previous year).

use chrono::{Datelike, NaiveDate};

use super::draw::{Relative, Returns};
use crate::brief::Prepared;
use crate::config::{Locale, RunConfig};
use crate::data::{Content, Series};
use crate::metrics::Metric;

/// Trading days of history the relative chart shows (about six months).
pub const RELATIVE_DAYS: usize = 126;
/// Trading days back in which the move's start (the ratio's low) is looked for.
pub const MOVE_DAYS: usize = 63;

/// A day as the locale abbreviates it on a chart: "Jul 16, 2024" or "16 Jul 2024" (without
/// the year: "Jul 16", "16 Jul").
pub fn day(d: NaiveDate, locale: Locale, year: bool) -> String {
    let pattern = match (locale, year) {
        (Locale::EnUs, true) => "%b %-d, %Y",
        (Locale::EnUs, false) => "%b %-d",
        (Locale::EnGb, true) => "%-d %b %Y",
        (Locale::EnGb, false) => "%-d %b",
    };
    d.format(pattern).to_string()
}

fn series<'a>(prepared: &'a Prepared, symbol: &str) -> Option<&'a Series> {
    match &prepared.data.get(symbol)?.content {
        Content::Series(s) => Some(s),
        _ => None,
    }
}

/// The two series the headline finding compares (the first metric of its facts that names a
/// pair), else the first two compared indexes.
pub fn pair(
    prepared: &Prepared,
    config: &RunConfig,
    rule: Option<&str>,
) -> Option<(String, String)> {
    let from_rule = rule
        .and_then(|id| prepared.rules.rules.iter().find(|r| r.id == id))
        .and_then(|r| {
            r.facts.values().find_map(|m| match m {
                Metric::Spread(a, b, _)
                | Metric::Multiple(a, b, _)
                | Metric::Ratio(a, b)
                | Metric::MoveStart(a, b, _)
                | Metric::MoveDays(a, b, _)
                | Metric::MoveReturn(_, a, b, _) => Some((a.clone(), b.clone())),
                _ => None,
            })
        });
    from_rule.or_else(|| match config.compare.as_slice() {
        [a, b, ..] => Some((a.clone(), b.clone())),
        _ => None,
    })
}

/// `a` over `b` on their common dates up to `as_of`, the last [`RELATIVE_DAYS`], rebased to
/// 100, with the ratio's low of the last [`MOVE_DAYS`] marked as the move's start.
pub fn relative(
    prepared: &Prepared,
    names: (&str, &str),
    (a, b): (&str, &str),
    as_of: NaiveDate,
    locale: Locale,
) -> Option<Relative> {
    let (sa, sb) = (series(prepared, a)?, series(prepared, b)?);
    let mut ratio: Vec<(NaiveDate, f64)> = Vec::new();
    let mut j = 0;
    for (d, va) in sa
        .dates
        .iter()
        .zip(&sa.values)
        .filter(|(d, _)| **d <= as_of)
    {
        while j < sb.dates.len() && sb.dates[j] < *d {
            j += 1;
        }
        if j < sb.dates.len() && sb.dates[j] == *d && sb.values[j] != 0.0 {
            ratio.push((*d, va / sb.values[j]));
        }
    }
    let ratio = &ratio[ratio.len().saturating_sub(RELATIVE_DAYS)..];
    let base = ratio.first()?.1;
    let points: Vec<(NaiveDate, f64)> = ratio.iter().map(|(d, r)| (*d, 100.0 * r / base)).collect();
    let recent = &points[points.len().saturating_sub(MOVE_DAYS)..];
    let start = recent
        .iter()
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|p| p.0)
        .filter(|d| Some(*d) != points.last().map(|p| p.0));
    let start_label = start.map_or_else(String::new, |d| day(d, locale, false));
    Some(Relative {
        title: format!(
            "{} relative to {} (100 = {})",
            names.0,
            names.1,
            day(points[0].0, locale, true)
        ),
        alt: relative_alt(names, &points, start, &start_label, locale),
        start_label,
        points,
        start,
    })
}

/// The relative chart's point: where the line went since the move began.
fn relative_alt(
    (a, b): (&str, &str),
    points: &[(NaiveDate, f64)],
    start: Option<NaiveDate>,
    start_label: &str,
    locale: Locale,
) -> String {
    let Some(&(end_day, end)) = points.last() else {
        return String::new();
    };
    let end_day = day(end_day, locale, true);
    match start.and_then(|d| points.iter().find(|p| p.0 == d)) {
        Some(&(_, low)) => format!(
            "From its low of {low:.1} on {start_label}, the line rose {:.1}% to {end:.1} on \
             {end_day}: {a} gained on {b} since the move began.",
            100.0 * (end / low - 1.0)
        ),
        None => format!(
            "The line ended at its lowest of the past three months, {end:.1} on {end_day}: \
             {a} lost ground to {b}."
        ),
    }
}

/// The percent return of `s` over `n` of its trading days to the last date on or before
/// `as_of`, and since the last close of the previous year.
pub fn window_returns(s: &Series, as_of: NaiveDate) -> [Option<f64>; 4] {
    let end = s.dates.partition_point(|d| *d <= as_of);
    let Some(i) = end.checked_sub(1) else {
        return [None; 4];
    };
    let back = |n: usize| {
        i.checked_sub(n)
            .map(|k| 100.0 * (s.values[i] / s.values[k] - 1.0))
    };
    let year_start = NaiveDate::from_ymd_opt(s.dates[i].year(), 1, 1).expect("a date");
    let ytd = s
        .dates
        .partition_point(|d| *d < year_start)
        .checked_sub(1)
        .map(|k| 100.0 * (s.values[i] / s.values[k] - 1.0));
    [back(1), back(5), back(21), ytd]
}

/// The compared indexes' returns over a day, a week, a month and the year to date.
pub fn returns(prepared: &Prepared, config: &RunConfig, as_of: NaiveDate) -> Option<Returns> {
    let series: Vec<(String, Vec<Option<f64>>)> = config
        .compare
        .iter()
        .filter_map(|sym| {
            let s = series(prepared, sym)?;
            let name = config.resolve(sym).map_or(sym.clone(), |s| s.name.clone());
            Some((name, window_returns(s, as_of).to_vec()))
        })
        .collect();
    let windows = ["1 day", "1 week", "1 month", "Year to date"].map(String::from);
    (!series.is_empty()).then(|| Returns {
        title: format!("Returns to {}, percent", day(as_of, config.locale, true)),
        alt: returns_alt(&windows, &series),
        windows: windows.to_vec(),
        series,
    })
}

/// The returns chart's point: the best and the worst index of each window.
fn returns_alt(windows: &[String], series: &[(String, Vec<Option<f64>>)]) -> String {
    let parts: Vec<String> = (windows.iter().enumerate())
        .filter_map(|(k, window)| {
            let mut of: Vec<(&str, f64)> = (series.iter())
                .filter_map(|(name, v)| Some((name.as_str(), v.get(k).copied().flatten()?)))
                .collect();
            of.sort_by(|x, y| y.1.total_cmp(&x.1));
            let (best, worst) = (of.first()?, of.last()?);
            Some(if of.len() == 1 {
                format!("{window}: {} {:+.1}%", best.0, best.1)
            } else {
                format!(
                    "{window}: {} best at {:+.1}%, {} worst at {:+.1}%",
                    best.0, best.1, worst.0, worst.1
                )
            })
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}.", parts.join("; "))
    }
}
