//! News value: how unusual a finding is on its day, so that the rarest thing leads rather
//! than the rule with the highest fixed priority.
//!
//! A rule's *measure* is the metric of its first comparison with a number
//! (`spread(IWM, SPY, 5d) > 2` measures `spread(IWM, SPY, 5d)`, and a high value is news;
//! `return(SPY, 1d) <= -2` measures the day's return, and a low value is news). Its *rarity*
//! on a day is `-log10` of the share of earlier days on which the measure was at least as
//! extreme, ties included: 1 for a reading seen one day in ten, 2 for one in a hundred, 4 at
//! most. Ties matter: "all 11 sector funds fell" is the highest count there is, yet it is
//! no rarer than the days on which all of them fell. A "highest since" measure (days since a
//! date) is rated the same way, by how often a reading that far back comes. A short history
//! counts for less ([`PRIOR_DAYS`]); a week, month or year so far is read against whole
//! earlier periods. A compound condition (a threshold crossed: a fall past 20% on its first
//! day) is rated by the rarer of its measure and how often the rule held before, and so is a
//! rule without a measure. A rule with no headline of its own is context: its priority
//! alone ranks it.
//!
//! The columns are computed once, over the whole calendar, when a run is prepared (one pass
//! with a Fenwick tree each); a brief reads one row. The news value of a finding is its
//! rarity, less [`OLD_NEWS`] of it times the share of the last [`RECENT`] sessions the rule
//! already held on (a state that has lasted is not the day's news), plus [`NEW_BONUS`] on the
//! first day it holds (a threshold just crossed), plus [`PRIORITY_WEIGHT`] times its priority
//! over 100: the rule author's judgement of what this brief is about.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::DataFrame;

use super::{held_on, Condition, Op, Rule, Side};
use crate::metrics::{percentile, Lookback, Metric, MetricFrame, Window};

/// Rarity of a finding whose rule has no history to rate it by: a reading seen on one day in
/// ten.
pub const DEFAULT_RARITY: f64 = 1.0;

/// The most a rarity can be: one day in ten thousand.
pub const MAX_RARITY: f64 = 4.0;

/// The share of its rarity that a rule which held on every one of the last [`RECENT`]
/// sessions loses: a state that has been true for two weeks is old news, however rare (the
/// deepest inversion of the yield curve in forty years, a year on, is not the day's story).
pub const OLD_NEWS: f64 = 0.6;

/// What a rule's priority (0 to 100) weighs, per 100: the author's judgement of what this
/// brief is about. The day's fall of the S&P 500 leads over the VIX's jump that came with it,
/// though a 50% jump of the VIX is rarer.
pub const PRIORITY_WEIGHT: f64 = 3.0;

/// The sessions before the date that [`OLD_NEWS`] looks back on.
pub const RECENT: usize = 10;

/// The bonus of a rule on the first day it holds.
pub const NEW_BONUS: f64 = 0.1;

/// The measure of a condition and whether a high value of it is the news.
pub fn measure(when: &Condition) -> Option<(Metric, bool)> {
    match when {
        Condition::Compare(Side::Metric(m), op, Side::Number(_)) => {
            high(*op).map(|h| (m.clone(), h))
        }
        Condition::Compare(Side::Number(_), op, Side::Metric(m)) => {
            high(*op).map(|h| (m.clone(), !h))
        }
        Condition::All(cs) | Condition::Any(cs) => cs.iter().find_map(measure),
        _ => None,
    }
}

fn high(op: Op) -> Option<bool> {
    match op {
        Op::Gt | Op::Ge => Some(true),
        Op::Lt | Op::Le => Some(false),
        Op::Eq | Op::Ne => None,
    }
}

/// Rarity of each row of `v` read in the direction `high`: `-log10` of the share of earlier
/// values at least as extreme as the row's, ties included.
pub fn rarity_column(v: &[Option<f64>], high: bool) -> Vec<Option<f64>> {
    // `percentile` counts the earlier values strictly below; of the negated column, those
    // strictly above. Either way one minus it is the share at least as extreme.
    let turned: Vec<Option<f64>> = v.iter().map(|x| x.map(|x| -x)).collect();
    let p = percentile(if high { v } else { &turned }, Lookback::All);
    let mut earlier = 0usize;
    (v.iter().zip(&p))
        .map(|(x, p)| {
            let out = p.map(|p| rarity_of(((1.0 - p / 100.0) * earlier as f64).round(), earlier));
            earlier += usize::from(x.is_some());
            out
        })
        .collect()
}

fn is_to_date(w: &Window) -> bool {
    matches!(
        w,
        Window::WeekToDate | Window::MonthToDate | Window::QuarterToDate | Window::YearToDate
    )
}

/// The period of a to-date window that `day` falls in.
fn period(day: NaiveDate, w: Window) -> (i32, u32) {
    match w {
        Window::WeekToDate => (day.iso_week().year(), day.iso_week().week()),
        Window::MonthToDate => (day.year(), day.month()),
        Window::QuarterToDate => (day.year(), (day.month() - 1) / 3),
        _ => (day.year(), 0),
    }
}

/// Rarity of a to-date measure ("down 16 basis points this week"), read against the
/// earlier periods' whole moves: against every earlier day, a Friday's week would be rated
/// against Mondays' one-day weeks too, and read as rarer than it is.
pub fn rarity_against_whole_periods(
    v: &[Option<f64>],
    high: bool,
    calendar: &[NaiveDate],
    w: Window,
) -> Vec<Option<f64>> {
    let sign = if high { 1.0 } else { -1.0 };
    let mut ends: Vec<f64> = Vec::new(); // sorted, in the direction of the news
    (0..v.len())
        .map(|t| {
            let x = v[t].map(|x| sign * x);
            let out = x.filter(|_| ends.len() >= 20).map(|x| {
                let beyond = ends.len() - ends.partition_point(|e| *e < x);
                rarity_of(beyond as f64, ends.len())
            });
            let ends_period = calendar
                .get(t + 1)
                .is_some_and(|next| period(*next, w) != period(calendar[t], w));
            if let Some(x) = x.filter(|_| ends_period) {
                let at = ends.partition_point(|e| *e < x);
                ends.insert(at, x);
            }
            out
        })
        .collect()
}

/// Earlier readings assumed at [`DEFAULT_RARITY`] before any are seen: a short history
/// counts for less. The biggest weekly fall in 77 weeks is one in 78 on its own, about one
/// in 21 with these; among 8,000 days, 25 as low is one in 310 either way.
pub const PRIOR_DAYS: f64 = 50.0;

/// `-log10` of the share of `of` earlier days that were at least as extreme (`count`), with
/// today counted in both and [`PRIOR_DAYS`] more at one in ten: a reading beyond all of 400
/// days is about one in 90, not one in ten thousand, so a short history never reads as a rare
/// one. Within `[0, MAX_RARITY]`.
pub fn rarity_of(count: f64, of: usize) -> f64 {
    let prior = PRIOR_DAYS * 10f64.powf(-DEFAULT_RARITY);
    (-((count + 1.0 + prior) / (of as f64 + 1.0 + PRIOR_DAYS)).log10()).clamp(0.0, MAX_RARITY)
}

/// A finding's news value from its rarity, the share of the last [`RECENT`] sessions on
/// which the rule held, whether it held the day before, and its priority.
pub fn value(rarity: f64, recent: f64, new: bool, priority: i64) -> f64 {
    rarity * (1.0 - OLD_NEWS * recent)
        + if new { NEW_BONUS } else { 0.0 }
        + PRIORITY_WEIGHT * priority as f64 / 100.0
}

/// The rarity columns of the rules that can lead, by rule id.
#[derive(Debug, Clone, Default)]
pub struct News {
    rarity: BTreeMap<String, Vec<Option<f64>>>,
}

impl News {
    /// Rates every shown rule that is not a caveat or a baseline, over the whole calendar.
    pub fn new(rules: &[std::sync::Arc<Rule>], frame: &MetricFrame, held: &DataFrame) -> Self {
        let mut rarity = BTreeMap::new();
        for rule in rules.iter().filter(|r| leads(r)) {
            // A compound condition is rarer than its measure: a threshold crossed ("enters
            // a bear market": a fall of 20%, the first day of it) or two things at once. The
            // rarer of the two rates it.
            let by_hold = || by_hold_rate(&held_column(held, &rule.id));
            let compound =
                matches!(&rule.when, Condition::All(cs) | Condition::Any(cs) if cs.len() > 1);
            let by_measure = measure(&rule.when).and_then(|(m, high)| {
                let v = frame.numbers(&m).ok()?;
                Some(match m.window().filter(is_to_date) {
                    Some(w) => rarity_against_whole_periods(&v, high, &frame.calendar, w),
                    None => rarity_column(&v, high),
                })
            });
            let column = match by_measure {
                Some(m) if !compound => m,
                Some(m) => (m.iter().zip(&by_hold()))
                    .map(|(a, b)| match (a, b) {
                        (Some(a), Some(b)) => Some(a.max(*b)),
                        (a, b) => a.or(*b),
                    })
                    .collect(),
                None => by_hold(),
            };
            rarity.insert(rule.id.clone(), column);
        }
        News { rarity }
    }

    /// The news value of rule `rule` on `row`, given on which rows it held.
    pub fn of(&self, rule: &Rule, held: &DataFrame, row: usize) -> f64 {
        let Some(column) = self.rarity.get(&rule.id) else {
            return value(0.0, 0.0, false, rule.priority);
        };
        let rarity = column.get(row).copied().flatten().unwrap_or(DEFAULT_RARITY);
        let before = |k: usize| row.checked_sub(k).and_then(|r| held_on(held, &rule.id, r));
        let recent = (1..=RECENT).filter(|&k| before(k) == Some(true)).count();
        let new = before(1) == Some(false);
        value(rarity, recent as f64 / RECENT as f64, new, rule.priority)
    }
}

/// Whether a rule's findings compete for the lead: not a caveat or a baseline, and with a
/// headline of its own (a rule written without one is context, ranked by priority alone).
fn leads(rule: &Rule) -> bool {
    rule.show && !rule.baseline && rule.section != "caveats" && !rule.headline.is_empty()
}

fn held_column(held: &DataFrame, id: &str) -> Vec<Option<bool>> {
    (held.column(id).ok())
        .and_then(|c| c.bool().ok().map(|b| b.iter().collect()))
        .unwrap_or_default()
}

/// Rarity of a rule without a measure: `-log10` of the share of earlier days it held.
fn by_hold_rate(was: &[Option<bool>]) -> Vec<Option<f64>> {
    let (mut days, mut held) = (0usize, 0usize);
    was.iter()
        .map(|h| {
            let out = (days >= 20).then(|| rarity_of(held as f64, days));
            days += usize::from(h.is_some());
            held += usize::from(*h == Some(true));
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Window;

    #[test]
    fn measure_reads_the_first_comparison_with_a_number() {
        let m = Metric::Return("SPY".into(), Window::Days(1));
        let c = Condition::All(vec![
            Condition::Compare(Side::Number(-2.0), Op::Ge, Side::Metric(m.clone())),
            Condition::Compare(Side::Metric(m.clone()), Op::Gt, Side::Number(-9.0)),
        ]);
        assert_eq!(
            measure(&c),
            Some((m.clone(), false)),
            "-2 >= x: low is news"
        );
        let two = Condition::Compare(Side::Metric(m.clone()), Op::Gt, Side::Metric(m));
        assert_eq!(measure(&two), None);
    }

    #[test]
    fn a_rare_small_move_outranks_a_common_big_spread() {
        // 2,000 tiny daily moves (0 to 0.09), then 0.9: above every earlier day. With the 50
        // prior days at one in ten: (0 + 1 + 5) / (2,000 + 1 + 50).
        let calm: Vec<Option<f64>> = (0..2000)
            .map(|i| Some(0.01 * (i % 10) as f64))
            .chain([Some(0.9)])
            .collect();
        // A spread that cycles through 0, 1, ..., 9 points, then 5.0: big, but 1,000 of the
        // 2,000 earlier days (5 to 9) were at least as wide.
        let wide: Vec<Option<f64>> = (0..2000)
            .map(|i| Some((i % 10) as f64))
            .chain([Some(5.0)])
            .collect();
        let small = rarity_column(&calm, true)[2000].unwrap();
        let big = rarity_column(&wide, true)[2000].unwrap();
        assert!((small + (6.0f64 / 2051.0).log10()).abs() < 1e-9, "{small}");
        assert!((big + (1006.0f64 / 2051.0).log10()).abs() < 1e-9, "{big}");
        // Of two rules the author weighs alike, the rare reading leads.
        let (small_news, big_news) = (value(small, 0.0, false, 60), value(big, 0.0, false, 60));
        assert!(
            small_news > big_news + 2.0,
            "{small_news} against {big_news}"
        );
        // The same spread, true on each of the last ten sessions, is older news still.
        assert!(value(big, 1.0, false, 60) < big_news);
        assert!(value(big, 0.0, true, 60) > big_news, "the first day of it");
    }

    #[test]
    fn ties_count_as_at_least_as_extreme_in_either_direction() {
        // A count of funds that fell: 11 (all) on 25 of 100 days, then 11 again.
        let v: Vec<Option<f64>> = (0..100)
            .map(|i| Some(if i % 4 == 0 { 11.0 } else { 5.0 }))
            .chain([Some(11.0)])
            .collect();
        let r = rarity_column(&v, true)[100].unwrap();
        assert!((r + (31.0f64 / 151.0).log10()).abs() < 1e-9, "{r}");
        // Read low: 5 or less came on 75 of the 100 days.
        let low: Vec<Option<f64>> = v[..100].iter().copied().chain([Some(5.0)]).collect();
        let r = rarity_column(&low, false)[100].unwrap();
        assert!((r + (81.0f64 / 151.0).log10()).abs() < 1e-9, "{r}");
        assert_eq!(rarity_column(&v, true)[5], None, "too little history");
    }

    #[test]
    fn a_week_so_far_is_read_against_whole_weeks() {
        // Thirty weeks of Monday to Friday: the week-to-date move is 1 on Mondays and grows
        // by 1 a day to 5 on Fridays. Then a Monday with 5.
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut calendar = Vec::new();
        let mut v = Vec::new();
        for week in 0..30 {
            for day in 0..5 {
                calendar.push(monday + chrono::Duration::days(7 * week + day));
                v.push(Some(day as f64 + 1.0));
            }
        }
        calendar.push(monday + chrono::Duration::days(7 * 30));
        v.push(Some(5.0));
        let r = rarity_against_whole_periods(&v, true, &calendar, Window::WeekToDate);
        // Every one of the 30 earlier weeks ended at 5: (30 + 1 + 5) / (30 + 1 + 50).
        let weeks = r[150].unwrap();
        assert!((weeks + (36.0f64 / 81.0).log10()).abs() < 1e-9, "{weeks}");
        // Against every earlier day, 30 of 150 as high: 36 in 201, rarer than it is.
        let all_days = rarity_column(&v, true)[150].unwrap();
        assert!(
            (all_days + (36.0f64 / 201.0).log10()).abs() < 1e-9,
            "{all_days}"
        );
        assert_eq!(r[10], None, "fewer than 20 weeks");
    }

    #[test]
    fn a_rule_without_a_measure_is_rated_by_how_often_it_held() {
        let was: Vec<Option<bool>> = (0..100).map(|i| Some(i % 10 == 0)).collect();
        let r = by_hold_rate(&was);
        assert_eq!(r[10], None);
        // Before row 99: 10 of 99 days held; with today and the prior, 16 in 150.
        let expected = -(16.0f64 / 150.0).log10();
        assert!((r[99].unwrap() - expected).abs() < 1e-9, "{:?}", r[99]);
    }
}
