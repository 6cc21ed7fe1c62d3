//! The New York Stock Exchange's calendar: which days are sessions, when each closes, and
//! what time it is in New York.
//!
//! The holidays are rules (New Year's Day, Martin Luther King Jr. Day from 1998, Washington's
//! Birthday, Good Friday, Memorial Day, Juneteenth from 2022, Independence Day, Labor Day,
//! Thanksgiving, Christmas, each moved off the weekend as the exchange does), so they hold in
//! any year. One-off closures and early closes since 2000 are a table below; a closure
//! announced later goes into the run file (`calendar: {closed: [...]}`) until this table
//! has it. The rules and the table are checked in the tests against the sessions in the
//! real price files (2005 to 2026), day by day.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

/// Days the exchange closed for the whole day outside its holiday rules, since 2000.
const CLOSED: [(&str, &str); 10] = [
    ("2001-09-11", "the September 11 attacks"),
    ("2001-09-12", "the September 11 attacks"),
    ("2001-09-13", "the September 11 attacks"),
    ("2001-09-14", "the September 11 attacks"),
    ("2004-06-11", "the mourning of President Reagan"),
    ("2007-01-02", "the mourning of President Ford"),
    ("2012-10-29", "Hurricane Sandy"),
    ("2012-10-30", "Hurricane Sandy"),
    ("2018-12-05", "the mourning of President George H. W. Bush"),
    ("2025-01-09", "the mourning of President Carter"),
];

/// Early closes (13:00) outside the rules, since 2000.
const EARLY: [&str; 1] = ["2003-12-26"];

/// The regular close, New York time.
const CLOSE: (u32, u32) = (16, 0);
/// The early close, New York time.
const EARLY_CLOSE: (u32, u32) = (13, 0);

/// The environment variable that sets the clock (an RFC 3339 instant such as
/// `2025-06-27T21:00:00Z`), for tests and for replaying a past day's run.
pub const NOW_ENV: &str = "MARKETBRIEF_NOW";

/// The time now: the clock, or [`NOW_ENV`] when it is set to an instant.
pub fn now() -> DateTime<Utc> {
    match std::env::var(NOW_ENV) {
        Ok(s) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => t.with_timezone(&Utc),
            Err(e) => {
                eprintln!("warning: {NOW_ENV}='{s}' is no RFC 3339 instant ({e}); using the clock");
                Utc::now()
            }
        },
        Err(_) => Utc::now(),
    }
}

/// The NYSE calendar, with the closures a run file adds.
#[derive(Debug, Clone, Default)]
pub struct Nyse {
    closed: BTreeSet<NaiveDate>,
    early: BTreeSet<NaiveDate>,
}

impl Nyse {
    /// The calendar with these extra full closures and early closes.
    pub fn with(closed: &[NaiveDate], early: &[NaiveDate]) -> Self {
        Nyse {
            closed: closed.iter().copied().collect(),
            early: early.iter().copied().collect(),
        }
    }

    /// Why the exchange is closed on `d`, a weekday; None on a session or a weekend.
    pub fn closure(&self, d: NaiveDate) -> Option<&'static str> {
        if weekend(d) {
            return None;
        }
        if self.closed.contains(&d) {
            return Some("a closure in the run file");
        }
        let text = d.to_string();
        if let Some((_, why)) = CLOSED.iter().find(|(day, _)| *day == text) {
            return Some(why);
        }
        holiday(d)
    }

    /// Whether `d` is a trading session.
    pub fn is_session(&self, d: NaiveDate) -> bool {
        !weekend(d) && self.closure(d).is_none()
    }

    /// When session `d` closes, New York time (None when `d` is no session).
    pub fn close_time(&self, d: NaiveDate) -> Option<NaiveTime> {
        if !self.is_session(d) {
            return None;
        }
        let (h, m) = if self.is_early(d) { EARLY_CLOSE } else { CLOSE };
        NaiveTime::from_hms_opt(h, m, 0)
    }

    fn is_early(&self, d: NaiveDate) -> bool {
        if self.early.contains(&d) || EARLY.contains(&d.to_string().as_str()) {
            return true;
        }
        let (y, m, day, wd) = (d.year(), d.month(), d.day(), d.weekday());
        let day_after_thanksgiving =
            m == 11 && wd == Weekday::Fri && thanksgiving(y).succ_opt() == Some(d);
        let christmas_eve = m == 12 && day == 24 && !matches!(wd, Weekday::Fri) && y >= 1999;
        let july_3 = m == 7
            && day == 3
            && (matches!(wd, Weekday::Mon | Weekday::Tue | Weekday::Thu)
                || (wd == Weekday::Wed && y >= 2013));
        let july_5 = m == 7 && day == 5 && wd == Weekday::Fri && (1996..=2012).contains(&y);
        day_after_thanksgiving || christmas_eve || july_3 || july_5
    }

    /// The instant session `d` closes (None when `d` is no session).
    pub fn close_at(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        self.close_time(d).map(|t| from_new_york(d.and_time(t)))
    }

    /// The last session that has closed at `now`.
    pub fn last_closed(&self, now: DateTime<Utc>) -> NaiveDate {
        let mut d = to_new_york(now).date();
        loop {
            if self.close_at(d).is_some_and(|close| close <= now) {
                return d;
            }
            d = d.pred_opt().expect("dates in range");
        }
    }

    /// The last session strictly before `d`.
    pub fn previous(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d.pred_opt().expect("dates in range");
        while !self.is_session(d) {
            d = d.pred_opt().expect("dates in range");
        }
        d
    }

    /// Sessions after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn sessions_after(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_session(*d))
            .count() as u32
    }

    /// The sessions after `from` up to and including `to`.
    pub fn sessions(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_session(*d))
            .collect()
    }
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The `n`th `wd` of a month (n = 1 is the first).
fn nth(y: i32, m: u32, wd: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(y, m, wd, n).expect("every month has four of each")
}

fn last_monday_of_may(y: i32) -> NaiveDate {
    let d = NaiveDate::from_ymd_opt(y, 5, 31).expect("valid");
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

fn thanksgiving(y: i32) -> NaiveDate {
    nth(y, 11, Weekday::Thu, 4)
}

/// Easter Sunday (the anonymous Gregorian algorithm).
fn easter(y: i32) -> NaiveDate {
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let g = (8 * b + 13) / 25;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 19 * l) / 433;
    let month = (h + l - 7 * m + 90) / 25;
    let day = (h + l - 7 * m + 33 * month + 19) % 32;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32).expect("Easter is a date")
}

/// A fixed-date holiday as observed: Saturday's on the Friday before, Sunday's on the Monday.
fn observed(y: i32, m: u32, day: u32) -> NaiveDate {
    let d = NaiveDate::from_ymd_opt(y, m, day).expect("valid");
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// The rule-based holiday on weekday `d`, if any.
fn holiday(d: NaiveDate) -> Option<&'static str> {
    let y = d.year();
    // New Year's Day on a Sunday moves to Monday; on a Saturday it is not made up.
    let new_year = NaiveDate::from_ymd_opt(y, 1, 1).expect("valid");
    if d == new_year || (new_year.weekday() == Weekday::Sun && d == new_year + Duration::days(1)) {
        return Some("New Year's Day");
    }
    let rules: [(NaiveDate, &'static str, bool); 9] = [
        (
            nth(y, 1, Weekday::Mon, 3),
            "Martin Luther King Jr. Day",
            y >= 1998,
        ),
        (nth(y, 2, Weekday::Mon, 3), "Washington's Birthday", true),
        (easter(y) - Duration::days(2), "Good Friday", true),
        (last_monday_of_may(y), "Memorial Day", true),
        (observed(y, 6, 19), "Juneteenth", y >= 2022),
        (observed(y, 7, 4), "Independence Day", true),
        (nth(y, 9, Weekday::Mon, 1), "Labor Day", true),
        (thanksgiving(y), "Thanksgiving", true),
        (observed(y, 12, 25), "Christmas", true),
    ];
    rules
        .iter()
        .find(|(day, _, applies)| *applies && *day == d)
        .map(|(_, name, _)| *name)
}

/// Hours New York is behind UTC at the UTC instant `utc`: 4 in daylight time (from 02:00 on
/// the second Sunday of March to 02:00 on the first Sunday of November, the rule since 2007),
/// else 5.
fn new_york_behind(utc: NaiveDateTime) -> i64 {
    let y = utc.year();
    let start = nth(y, 3, Weekday::Sun, 2)
        .and_hms_opt(7, 0, 0)
        .expect("valid"); // 02:00 EST
    let end = nth(y, 11, Weekday::Sun, 1)
        .and_hms_opt(6, 0, 0)
        .expect("valid"); // 02:00 EDT
    if utc >= start && utc < end {
        4
    } else {
        5
    }
}

/// New York's wall clock at `t`.
pub fn to_new_york(t: DateTime<Utc>) -> NaiveDateTime {
    let utc = t.naive_utc();
    utc - Duration::hours(new_york_behind(utc))
}

/// The instant a New York wall-clock time names (daylight time is judged on the standard-time
/// reading, which is exact for every time a market opens or closes).
pub fn from_new_york(local: NaiveDateTime) -> DateTime<Utc> {
    let guess = local + Duration::hours(5);
    let utc = local + Duration::hours(new_york_behind(guess));
    utc.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_of_known_years() {
        for (y, e) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2000, "2000-04-23"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter(y), d(e));
        }
    }

    #[test]
    fn new_york_time_follows_daylight_saving() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 2024-03-10 02:00 EST is the change: 06:59 UTC is 01:59 EST, 07:00 UTC is 03:00 EDT.
        assert_eq!(
            to_new_york(at("2024-03-10T06:59:00Z")).to_string(),
            "2024-03-10 01:59:00"
        );
        assert_eq!(
            to_new_york(at("2024-03-10T07:00:00Z")).to_string(),
            "2024-03-10 03:00:00"
        );
        assert_eq!(
            to_new_york(at("2024-11-03T05:59:00Z")).to_string(),
            "2024-11-03 01:59:00"
        );
        assert_eq!(
            to_new_york(at("2024-11-03T06:00:00Z")).to_string(),
            "2024-11-03 01:00:00"
        );
        let close = Nyse::default().close_at(d("2024-07-16")).unwrap();
        assert_eq!(close, at("2024-07-16T20:00:00Z"));
        let close = Nyse::default().close_at(d("2024-12-16")).unwrap();
        assert_eq!(close, at("2024-12-16T21:00:00Z"));
    }

    #[test]
    fn a_closure_in_the_run_file_is_a_closure() {
        let cal = Nyse::with(&[d("2031-03-05")], &[d("2031-03-06")]);
        assert!(!cal.is_session(d("2031-03-05")));
        assert_eq!(
            cal.close_time(d("2031-03-06")),
            NaiveTime::from_hms_opt(13, 0, 0)
        );
        assert!(Nyse::default().is_session(d("2031-03-05")));
    }
}
