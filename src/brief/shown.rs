//! The values a brief's texts show, so that printed figures add up as printed: a gap between
//! two returns is the difference of the two returns as they print (+8.1% and +5.8% give 2.3
//! points, whatever the third decimal says), a multiple is the ratio of the printed returns,
//! a yield gap or change in basis points is the difference of the yields to two decimals, and
//! a percent change of a ratio is that of the printed ratios. The JSON keeps every fact at
//! full precision; a shown value never differs from it by more than the parts' rounding.
//!
//! Also here: the span in sessions of each fact's window, which scales the direction words.

use std::collections::BTreeMap;

use crate::metrics::{Kind, Metric, MetricFrame, Value, Window};
use crate::narrative::filters::numbers::{percent_printed, rate_printed, ratio_printed};
use crate::rules::Finding;

fn number(frame: &MetricFrame, m: &Metric, row: usize) -> Option<f64> {
    match frame.value(m, row)? {
        Value::Number(x) => Some(x),
        _ => None,
    }
}

/// The value of `m` a reader gets back from the brief's printed parts, if it is built from
/// parts the brief prints; `None` keeps the value itself.
fn from_parts(m: &Metric, frame: &MetricFrame, row: usize) -> Option<f64> {
    let ret = |s: &str, w: Window| {
        number(frame, &Metric::Return(s.to_string(), w), row).map(percent_printed)
    };
    let yld = |s: &str| number(frame, &Metric::Yield(s.to_string()), row).map(rate_printed);
    match m {
        Metric::Spread(a, b, w) => Some(ret(a, *w)? - ret(b, *w)?),
        Metric::Multiple(a, b, w) => {
            let (x, y) = (ret(a, *w)?, ret(b, *w)?);
            (x > 0.0 && y > 0.0).then(|| x / y)
        }
        Metric::Curve(a, b) => Some(((yld(a)? - yld(b)?) * 100.0).round()),
        // Daily yields are published to two decimals: their changes are whole basis points.
        Metric::YieldChange(..) => number(frame, m, row).map(f64::round),
        Metric::Change(inner, w) | Metric::PctChange(inner, w) => {
            let now = number(frame, inner, row)?;
            let then = number(frame, &Metric::Ago(inner.clone(), *w), row)?;
            let printed = |x: f64| match inner.kind() {
                Kind::Return | Kind::Percent => Some(percent_printed(x)),
                Kind::Level if matches!(**inner, Metric::Ratio(..)) => Some(ratio_printed(x)),
                Kind::Level if matches!(**inner, Metric::Yield(_)) => Some(rate_printed(x)),
                _ => None,
            };
            let (now, then) = (printed(now)?, printed(then)?);
            match m {
                Metric::Change(..) => Some(now - then),
                _ => (then != 0.0).then(|| (now / then - 1.0) * 100.0),
            }
        }
        _ => None,
    }
}

/// The values the texts of `f` show, by fact name.
pub fn values(f: &Finding, frame: &MetricFrame, row: usize) -> BTreeMap<String, Value> {
    f.facts
        .iter()
        .map(|(name, v)| {
            let shown = (f.rule.facts.get(name))
                .and_then(|m| from_parts(m, frame, row))
                .filter(|x| x.is_finite())
                .map_or_else(|| v.clone(), Value::Number);
            (name.clone(), shown)
        })
        .collect()
}

/// Every window's span, by row: (start row, end row).
pub type Spans = BTreeMap<Window, Vec<Option<(usize, usize)>>>;

/// The spans of every window the rules' facts use, computed once per run.
pub fn window_spans<'a>(
    calendar: &[chrono::NaiveDate],
    facts: impl Iterator<Item = &'a Metric>,
) -> Spans {
    let mut out = Spans::new();
    for w in facts.filter_map(Metric::window) {
        out.entry(w)
            .or_insert_with(|| crate::metrics::window_spans(calendar, w));
    }
    out
}

/// How many sessions each fact of `f` spans on `row` (one for a figure without a window).
pub fn sessions(
    f: &Finding,
    spans: &Spans,
    frame: &MetricFrame,
    row: usize,
) -> BTreeMap<String, usize> {
    f.rule
        .facts
        .iter()
        .map(|(name, m)| {
            let n = match m {
                Metric::MoveReturn(_, a, b, n) => {
                    let days = Metric::MoveDays(a.clone(), b.clone(), *n);
                    match frame.value(&days, row) {
                        Some(Value::Count(d)) => d.max(1) as usize,
                        _ => *n,
                    }
                }
                _ => m
                    .window()
                    .and_then(|w| spans.get(&w)?.get(row).copied().flatten())
                    .map_or(1, |(b, e)| e.saturating_sub(b).max(1)),
            };
            (name.clone(), n)
        })
        .collect()
}
