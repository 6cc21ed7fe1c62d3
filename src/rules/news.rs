//! News value: how unusual a finding is on its day, so that the rarest thing leads rather
//! than the rule with the highest fixed priority.
//!
//! A rule's *measure* is the metric of its first comparison with a number
//! (`spread(IWM, SPY, 5d) > 2` measures `spread(IWM, SPY, 5d)`, and a high value is news;
//! `return(SPY, 1d) <= -2` measures the day's return, and a low value is news). Its news
//! column is the percentile of that measure against every earlier day of the same measure
//! (`percentile(m, all)`, computed once over the calendar with the other metrics). The news
//! value of a finding is that rarity on a log scale (1 for a reading seen on one day in ten,
//! 2 for one in a hundred, 4 at most); a measure of days since a date ("its highest since
//! 2020") is rated by how many sessions such a reading takes to come back. From it go
//! [`OLD_NEWS`] times the share of the last ten sessions the rule already held on (a state
//! that has lasted is not the day's news); a tenth of a point is added on the first day the
//! rule holds (a threshold just crossed), and its priority over 100, which keeps the rule
//! author's judgement as a tie-break between equally rare findings.

use crate::metrics::{Lookback, Metric, Stat};

use super::{Condition, Op, Side};

/// Rarity given to a finding whose rule has no measure (two metrics compared): a reading
/// seen on one day in ten.
pub const DEFAULT_RARITY: f64 = 1.0;

/// The most a rarity can be: one day in ten thousand.
pub const MAX_RARITY: f64 = 4.0;

/// What a rule that held on every one of the last [`RECENT`] sessions loses: a state that
/// has been true for two weeks is old news.
pub const OLD_NEWS: f64 = 0.6;

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

/// The percentile column that rates a measure.
pub fn column(measure: &Metric) -> Metric {
    Metric::Stat(Stat::Percentile, Box::new(measure.clone()), Lookback::All)
}

/// Rarity on a log scale from a percentile (percent of earlier days below today's value),
/// read in the direction the rule looks: -log10 of the share of days at least as extreme.
pub fn rarity(percentile: Option<f64>, high: bool) -> f64 {
    let Some(p) = percentile.filter(|p| p.is_finite()) else {
        return DEFAULT_RARITY;
    };
    let beyond = if high { 100.0 - p } else { p } / 100.0;
    (-beyond.max(1e-4).log10()).clamp(0.0, MAX_RARITY)
}

/// Rarity of "the highest since" a date `days` calendar days back: such a reading comes
/// once in that many sessions, so its rarity is the log of the sessions between. (Measured
/// as a percentile instead, every long "since" would read as one day in ten thousand.)
pub fn recurrence(days: Option<f64>) -> f64 {
    days.filter(|d| d.is_finite() && *d > 0.0)
        .map_or(DEFAULT_RARITY, |d| (d * 252.0 / 365.25).log10())
        .clamp(0.0, MAX_RARITY)
}

/// Whether a measure counts calendar days since a date ("its highest since ...").
pub fn is_recurrence(measure: &Metric) -> bool {
    matches!(measure, Metric::DaysSince(_))
}

/// A finding's news value from its rarity, the share of the last [`RECENT`] sessions on
/// which the rule held (none the day before: a threshold just crossed), and its priority.
pub fn value(rarity: f64, recent: f64, new: bool, priority: i64) -> f64 {
    rarity - OLD_NEWS * recent + if new { NEW_BONUS } else { 0.0 } + priority as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{stats::percentile, Window};

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
        // A column of tiny daily moves, then a move of 0.9: rare for this measure.
        let calm: Vec<Option<f64>> = (0..400)
            .map(|i| Some(0.1 * ((i * 7 % 11) as f64 / 11.0)))
            .chain([Some(0.9)])
            .collect();
        // A spread that swings widely every day, then 5.0: big, but common.
        let wide: Vec<Option<f64>> = (0..400)
            .map(|i| Some(10.0 * ((i * 13 % 17) as f64 / 17.0)))
            .chain([Some(5.0)])
            .collect();
        let p_calm = *percentile(&calm, Lookback::All).last().unwrap();
        let p_wide = *percentile(&wide, Lookback::All).last().unwrap();
        assert_eq!(p_calm, Some(100.0), "above every earlier day");
        // 5.0 is above the values 0..=4.7 of the 17-step cycle: 9 of 17.
        let expected: f64 = 100.0 * (9.0_f64 * 400.0 / 17.0).floor() / 400.0;
        assert!((p_wide.unwrap() - expected).abs() < 1.0, "{p_wide:?}");
        let small = value(rarity(p_calm, true), 0.0, false, 10);
        let big = value(rarity(p_wide, true), 0.0, false, 80);
        // The same spread, true on each of the last ten sessions, is older news still.
        assert!(value(rarity(p_wide, true), 1.0, false, 80) < big);
        assert!(small > big, "{small} against {big}");
        assert_eq!(rarity(p_calm, true), MAX_RARITY);
        assert!((rarity(Some(90.0), true) - 1.0).abs() < 1e-9);
        assert!((rarity(Some(1.0), false) - 2.0).abs() < 1e-9, "low tail");
        assert_eq!(rarity(None, true), DEFAULT_RARITY);
        // A reading last seen five years back comes once in about 1,260 sessions.
        assert!((recurrence(Some(5.0 * 365.25)) - 1260f64.log10()).abs() < 1e-9);
    }
}
