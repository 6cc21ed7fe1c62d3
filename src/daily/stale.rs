//! Fresh data or no brief: every daily source must reach close enough to the brief's date.

use chrono::NaiveDate;

use crate::calendar::Nyse;
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
    /// NYSE sessions after its last date up to the reference date.
    pub behind: u32,
    /// Sessions allowed.
    pub allowed: u32,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}) ends on {}, {} sessions before the brief's date (allowed: {})",
            self.file, self.symbol, self.last, self.behind, self.allowed
        )
    }
}

/// The sources too old for a brief dated `reference`: daily series (indexes, members, macro)
/// against the run's default, other sources only where they set their own `stale_after`.
pub fn stale_sources(
    data: &Dataset,
    calendar: &Nyse,
    reference: NaiveDate,
    default: u32,
) -> Vec<Stale> {
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
        let behind = calendar.sessions_after(last, reference);
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

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn staleness_counts_sessions_not_weekdays() {
        let nyse = Nyse::default();
        // Friday before Memorial Day 2025 to the Tuesday after: one session, not two.
        assert_eq!(nyse.sessions_after(d("2025-05-23"), d("2025-05-27")), 1);
        // Thursday before Good Friday 2024 to the Monday after: one session.
        assert_eq!(nyse.sessions_after(d("2024-03-28"), d("2024-04-01")), 1);
        // The weekend and the same day count nothing.
        assert_eq!(nyse.sessions_after(d("2025-04-25"), d("2025-04-27")), 0);
        assert_eq!(nyse.sessions_after(d("2025-04-28"), d("2025-04-25")), 0);
        // Two full weeks, with no holiday: ten.
        assert_eq!(nyse.sessions_after(d("2025-04-25"), d("2025-05-09")), 10);
    }
}
