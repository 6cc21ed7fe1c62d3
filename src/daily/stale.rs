//! Fresh data or no brief: every daily source must reach close enough to the brief's date.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::config::Role;
use crate::data::Dataset;

/// A source whose last date is too old.
#[derive(Debug, Clone, PartialEq)]
pub struct Stale {
    /// Its symbol.
    pub symbol: String,
    /// Its (first) file.
    pub file: String,
    /// Its last date.
    pub last: NaiveDate,
    /// Weekdays between its last date and the reference date.
    pub behind: u32,
    /// Weekdays allowed.
    pub allowed: u32,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}) ends on {}, {} trading days before the brief's date (allowed: {})",
            self.file, self.symbol, self.last, self.behind, self.allowed
        )
    }
}

/// Weekdays after `from` up to and including `to` (0 when `to` is not after `from`): trading
/// days, with weekends skipped and holidays counted (a day's grace covers them).
pub fn weekdays_between(from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as u32
}

/// The sources too old for a brief dated `reference`: daily series (indexes, members, macro)
/// against the run's default, other sources only where they set their own `stale_after`.
pub fn stale_sources(data: &Dataset, reference: NaiveDate, default: u32) -> Vec<Stale> {
    let mut out = Vec::new();
    for loaded in &data.sources {
        let s = &loaded.source;
        let daily = matches!(s.role, Role::Index | Role::Members | Role::Macro);
        let Some(allowed) = s.stale_after.or(daily.then_some(default)) else {
            continue;
        };
        let Some(last) = loaded.last_date() else {
            continue;
        };
        let behind = weekdays_between(last, reference);
        if behind > allowed {
            let file = s
                .files
                .first()
                .map_or_else(String::new, |f| f.display().to_string());
            out.push(Stale {
                symbol: s.symbol.clone(),
                file,
                last,
                behind,
                allowed,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_do_not_count() {
        // Friday 2025-04-25 to Monday 2025-04-28: one trading day.
        assert_eq!(weekdays_between(d(2025, 4, 25), d(2025, 4, 28)), 1);
        assert_eq!(weekdays_between(d(2025, 4, 25), d(2025, 4, 27)), 0);
        assert_eq!(weekdays_between(d(2025, 4, 28), d(2025, 4, 28)), 0);
        assert_eq!(weekdays_between(d(2025, 4, 28), d(2025, 4, 25)), 0);
        // Two full weeks: ten.
        assert_eq!(weekdays_between(d(2025, 4, 25), d(2025, 5, 9)), 10);
    }
}
