//! `marketbrief backtest`: how often each rule would have held over a span of history, read
//! straight from the rules' boolean columns, and optionally every day's brief written.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::brief::{Error, Prepared};
use crate::metrics::median;

pub use super::briefs::write_briefs;

/// How often one rule held.
#[derive(Debug, Clone, Serialize)]
pub struct RuleStats {
    /// Rule id.
    pub id: String,
    /// Its section.
    pub section: String,
    /// Marked `baseline: true` (expected to hold on most days).
    pub baseline: bool,
    /// A signal other rules read (`show: false`), never printed itself.
    pub signal: bool,
    /// Trading days on which it held.
    pub days: usize,
    /// Those days as a percent of the span's trading days.
    pub share: f64,
    /// The first day it held.
    pub first: Option<NaiveDate>,
    /// The last day it held.
    pub last: Option<NaiveDate>,
    /// The most consecutive trading days it held.
    pub longest_run: usize,
    /// How many separate runs of days it held.
    pub runs: usize,
    /// The median number of trading days without it between two runs (none with fewer
    /// than two runs).
    pub median_gap: Option<f64>,
    /// Days its finding printed in the brief (only when the briefs are written).
    pub printed: Option<usize>,
}

/// A backtest over a span of trading days.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// The first trading day of the span.
    pub from: NaiveDate,
    /// The last trading day of the span.
    pub to: NaiveDate,
    /// Trading days in the span.
    pub trading_days: usize,
    /// One entry per rule, in file order.
    pub rules: Vec<RuleStats>,
    /// Briefs written, when asked for.
    pub briefs_written: Option<usize>,
    /// Rules the run leaves out because they need data the run file marks absent.
    pub skipped: Vec<String>,
}

/// The rows of the trading days from `from` to `to` (both optional: the whole calendar).
pub fn span(
    prepared: &Prepared,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<std::ops::Range<usize>, Error> {
    let cal = &prepared.frame.calendar;
    let start = from.map_or(0, |d| cal.partition_point(|c| *c < d));
    let end = to.map_or(cal.len(), |d| cal.partition_point(|c| *c <= d));
    if start >= end {
        let (first, last) = (cal[0], cal[cal.len() - 1]);
        return Err(Error::OutOfRange {
            asked: from.or(to).unwrap_or(first),
            first,
            last,
        });
    }
    Ok(start..end)
}

/// Counts, first and last days, runs and gaps of every rule over `rows`.
pub fn stats(prepared: &Prepared, rows: std::ops::Range<usize>) -> Backtest {
    let cal = &prepared.frame.calendar;
    let n = rows.len();
    let rules = (prepared.rules.rules.iter())
        .map(|rule| {
            let held: Vec<bool> = prepared
                .held
                .column(&rule.id)
                .ok()
                .and_then(|c| {
                    c.bool()
                        .ok()
                        .map(|b| b.iter().map(|v| v == Some(true)).collect())
                })
                .unwrap_or_else(|| vec![false; cal.len()]);
            let held = &held[rows.clone()];
            let days = held.iter().filter(|h| **h).count();
            let first = held.iter().position(|h| *h).map(|i| cal[rows.start + i]);
            let last = held.iter().rposition(|h| *h).map(|i| cal[rows.start + i]);
            let runs = Runs::of(held);
            RuleStats {
                id: rule.id.clone(),
                section: rule.section.clone(),
                baseline: rule.baseline,
                signal: !rule.show,
                days,
                share: 100.0 * days as f64 / n as f64,
                first,
                last,
                longest_run: runs.longest,
                runs: runs.count,
                median_gap: runs.median_gap,
                printed: None,
            }
        })
        .collect();
    Backtest {
        from: cal[rows.start],
        to: cal[rows.end - 1],
        trading_days: n,
        rules,
        briefs_written: None,
        skipped: prepared
            .rules
            .skipped
            .iter()
            .map(|(id, _)| id.clone())
            .collect(),
    }
}

/// The runs of consecutive held days in a column.
#[derive(Debug, Clone, PartialEq)]
pub struct Runs {
    /// How many runs.
    pub count: usize,
    /// The longest, in days.
    pub longest: usize,
    /// The median number of days without the rule between two runs.
    pub median_gap: Option<f64>,
}

impl Runs {
    /// The runs of `held`.
    pub fn of(held: &[bool]) -> Runs {
        // Runs as (start, length).
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (i, h) in held.iter().enumerate() {
            match (h, runs.last_mut()) {
                (true, Some((s, len))) if *s + *len == i => *len += 1,
                (true, _) => runs.push((i, 1)),
                (false, _) => {}
            }
        }
        let mut gaps: Vec<f64> = runs
            .windows(2)
            .map(|w| (w[1].0 - (w[0].0 + w[0].1)) as f64)
            .collect();
        Runs {
            count: runs.len(),
            longest: runs.iter().map(|r| r.1).max().unwrap_or(0),
            median_gap: median(&mut gaps),
        }
    }
}

impl Backtest {
    /// Adds the days each rule printed, from [`write_briefs`].
    pub fn with_printed(mut self, written: usize, printed: &BTreeMap<String, usize>) -> Self {
        for r in &mut self.rules {
            r.printed = Some(printed.get(&r.id).copied().unwrap_or(0));
        }
        self.briefs_written = Some(written);
        self
    }

    /// CSV, one line per rule.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "rule,section,baseline,signal,days,share,first,last,longest_run,runs,median_gap,printed\n",
        );
        let opt = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        // A family member's id holds commas: `leads[small_caps,large_caps,21d]`, quoted.
        let field = |s: &str| match s.contains([',', '"']) {
            true => format!("\"{}\"", s.replace('"', "\"\"")),
            false => s.to_string(),
        };
        for r in &self.rules {
            out.push_str(&format!(
                "{},{},{},{},{},{:.2},{},{},{},{},{},{}\n",
                field(&r.id),
                r.section,
                r.baseline,
                r.signal,
                r.days,
                r.share,
                opt(r.first),
                opt(r.last),
                r.longest_run,
                r.runs,
                r.median_gap.map(|g| g.to_string()).unwrap_or_default(),
                r.printed.map(|p| p.to_string()).unwrap_or_default(),
            ));
        }
        out
    }

    /// A table for a terminal, then the rules that look noisy or dead.
    pub fn table(&self) -> String {
        let opt = |d: Option<NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
        let width = self
            .rules
            .iter()
            .map(|r| r.id.len())
            .max()
            .unwrap_or(4)
            .max(4)
            + 2;
        let mut out = format!(
            "{} to {}: {} trading days, {} rules\n\n",
            self.from,
            self.to,
            self.trading_days,
            self.rules.len()
        );
        out.push_str(&format!(
            "{:<width$} {:>6} {:>7} {:>11} {:>11} {:>7} {:>5} {:>7}{}\n",
            "rule",
            "days",
            "share",
            "first",
            "last",
            "longest",
            "runs",
            "med gap",
            if self.briefs_written.is_some() {
                "  printed"
            } else {
                ""
            }
        ));
        for r in &self.rules {
            let mark = if r.baseline {
                " (baseline)"
            } else if r.signal {
                " (signal)"
            } else {
                ""
            };
            out.push_str(&format!(
                "{:<width$} {:>6} {:>6.1}% {:>11} {:>11} {:>7} {:>5} {:>7}{}{mark}\n",
                r.id,
                r.days,
                r.share,
                opt(r.first),
                opt(r.last),
                r.longest_run,
                r.runs,
                r.median_gap.map_or("-".into(), |g| format!("{g:.0}")),
                r.printed.map_or(String::new(), |p| format!("  {p:>7}")),
            ));
        }
        let noisy: Vec<&str> = (self.rules.iter())
            .filter(|r| !r.baseline && r.share > NOISY_SHARE)
            .map(|r| r.id.as_str())
            .collect();
        let dead: Vec<&str> = (self.rules.iter())
            .filter(|r| r.days == 0)
            .map(|r| r.id.as_str())
            .collect();
        if !noisy.is_empty() {
            out.push_str(&format!(
                "\nHeld on more than {NOISY_SHARE}% of days (noise unless baseline): {}\n",
                noisy.join(", ")
            ));
        }
        if !dead.is_empty() {
            out.push_str(&format!("\nNever held: {}\n", dead.join(", ")));
        }
        if !self.skipped.is_empty() {
            out.push_str(&format!(
                "\nLeft out for data the run file marks absent: {}\n",
                self.skipped.join(", ")
            ));
        }
        out
    }
}

/// The share of trading days above which a rule that is not a baseline reads as noise.
pub const NOISY_SHARE: f64 = 40.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_gaps_by_hand() {
        let (t, f) = (true, false);
        // Runs: [1..=2] (2 days), [5] (1), [7..=9] (3); gaps 2 (days 3, 4) and 1 (day 6).
        let held = [f, t, t, f, f, t, f, t, t, t];
        let want = Runs {
            count: 3,
            longest: 3,
            median_gap: Some(1.5),
        };
        assert_eq!(Runs::of(&held), want);
        assert_eq!(
            Runs::of(&[f, f]),
            Runs {
                count: 0,
                longest: 0,
                median_gap: None
            }
        );
        let one = Runs::of(&[t, t, t]);
        assert_eq!((one.count, one.longest, one.median_gap), (1, 3, None));
        // Gaps 4, 1 and 1: the median is 1.
        let held = [t, f, f, f, f, t, f, t, f, t];
        assert_eq!(Runs::of(&held).median_gap, Some(1.0));
    }
}
