//! History of a rule: how often it held in a window, how long it has held, when it last held
//! before the current run ("the first time since ..."), and its earlier episodes with what
//! followed them. Everything reads the rule's boolean column, computed once for the whole
//! calendar, and looks only backwards: a figure for a date uses nothing after it.
//!
//! A *run* is consecutive trading days on which the rule held. An *episode* is a run, with runs
//! separated by at most [`EPISODE_GAP`] days joined, so that a condition flickering around its
//! threshold counts once. Episode metrics are defined only on days the rule holds.

use polars::prelude::*;

use super::{to_days, windows, Hist, Metric, MetricFrame};

/// Runs separated by this many non-holding days or fewer are one episode.
pub const EPISODE_GAP: usize = 5;

/// The column of a history metric, reading rule columns from `held`.
pub fn column(frame: &MetricFrame, held: &DataFrame, m: &Metric) -> PolarsResult<Vec<Option<f64>>> {
    let rule = match m {
        Metric::Count(r, _) | Metric::History(_, r) | Metric::Faded(r, ..) => r,
        Metric::EpisodeAt(r, ..) | Metric::Similar(r, ..) | Metric::SimilarFaded(r, ..) => r,
        _ => unreachable!("history only"),
    };
    let h: Vec<bool> = held
        .column(rule)?
        .bool()?
        .iter()
        .map(|b| b.unwrap_or(false))
        .collect();
    let date = |i: usize| Some(to_days(frame.calendar[i]) as f64);
    Ok(match m {
        Metric::Count(_, w) => {
            let mut prefix = vec![0usize; h.len() + 1];
            for (i, x) in h.iter().enumerate() {
                prefix[i + 1] = prefix[i] + usize::from(*x);
            }
            windows::spans(&frame.calendar, *w)
                .iter()
                .map(|s| s.map(|(b, e)| (prefix[e + 1] - prefix[b + 1]) as f64))
                .collect()
        }
        Metric::History(Hist::Streak, _) => runs(&h).iter().map(|&r| Some(r as f64)).collect(),
        Metric::History(Hist::StreakWeeks, _) => weekly_streak(frame, &h),
        Metric::History(Hist::FirstSince, _) => {
            let run = runs(&h);
            let mut last_held = None;
            let mut before_run = vec![None; h.len()];
            for t in 0..h.len() {
                if h[t] {
                    // The run started at t + 1 - run[t]; the last held day before it.
                    before_run[t] = if run[t] == 1 {
                        last_held
                    } else {
                        before_run[t - 1]
                    };
                    last_held = Some(t);
                }
            }
            before_run.iter().map(|i| i.and_then(date)).collect()
        }
        _ => {
            let starts = episode_starts(&h);
            let inner = match m {
                Metric::Faded(_, inner, _)
                | Metric::EpisodeAt(_, inner, _)
                | Metric::Similar(_, inner, _)
                | Metric::SimilarFaded(_, inner, _, _) => frame.numbers(inner)?,
                _ => Vec::new(),
            };
            // Earlier episodes on day t: those that started before t's own episode.
            let mut out = vec![None; h.len()];
            for (t, slot) in out.iter_mut().enumerate() {
                if !h[t] {
                    continue;
                }
                let k = starts.partition_point(|&s| s <= t) - 1;
                let earlier = &starts[..k];
                *slot = match m {
                    Metric::History(Hist::Episodes, _) => Some(k as f64),
                    Metric::History(_, _) => earlier.last().and_then(|&s| date(s)),
                    Metric::Faded(_, _, n) => Some(faded(&inner, earlier, *n, t) as f64),
                    Metric::EpisodeAt(_, _, n) => earlier
                        .last()
                        .map(|s| s + n)
                        .filter(|&i| i <= t)
                        .and_then(|i| inner[i]),
                    Metric::Similar(_, _, p) => {
                        let anchors = similar(&h, &inner, earlier, starts[k], t, *p);
                        anchors.map(|a| a.len() as f64)
                    }
                    Metric::SimilarFaded(_, _, p, n) => {
                        let anchors = similar(&h, &inner, earlier, starts[k], t, *p);
                        anchors.map(|a| faded(&inner, &a, *n, t) as f64)
                    }
                    _ => unreachable!("episode metrics"),
                };
            }
            out
        }
    })
}

/// Consecutive holding days ending on each day (0 where the rule does not hold).
fn runs(h: &[bool]) -> Vec<usize> {
    let mut out = Vec::with_capacity(h.len());
    let mut run = 0;
    for &x in h {
        run = if x { run + 1 } else { 0 };
        out.push(run);
    }
    out
}

/// On days the rule holds: 1 plus the number of consecutive earlier weeks whose last trading
/// day it held on. Elsewhere 0.
fn weekly_streak(frame: &MetricFrame, h: &[bool]) -> Vec<Option<f64>> {
    let key = |i: usize| windows::period_key(super::Window::WeekToDate, frame.calendar[i]);
    let mut out = Vec::with_capacity(h.len());
    let mut completed = 0usize; // streak of weeks ending with the previous week
    let mut current = 0usize; // streak if this week ended on the previous row
    for (t, &holds) in h.iter().enumerate() {
        if t > 0 && key(t) != key(t - 1) {
            completed = current;
        }
        current = if holds { completed + 1 } else { 0 };
        out.push(Some(current as f64));
    }
    out
}

/// Rows on which episodes start.
fn episode_starts(h: &[bool]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut last: Option<usize> = None;
    for (t, _) in h.iter().enumerate().filter(|(_, x)| **x) {
        if last.is_none_or(|l| t - l > EPISODE_GAP + 1) {
            starts.push(t);
        }
        last = Some(t);
    }
    starts
}

/// How many of the days `starts` (episodes' starts, or the days they came within a band) saw
/// `v`, `n` days later (and no later than `today`), below half of its positive value then.
fn faded(v: &[Option<f64>], starts: &[usize], n: usize, today: usize) -> usize {
    starts
        .iter()
        .filter(|&&s| s + n <= today)
        .filter(|&&s| match (v[s], v[s + n]) {
            (Some(start), Some(later)) => start > 0.0 && later < start / 2.0,
            _ => false,
        })
        .count()
}

/// For each earlier episode (starting at `earlier`, the current one at `current`), the first
/// day on which `v` came within `pct`% of its value on day `t`, if it did; `None` when `v` has
/// no value on `t`.
fn similar(
    h: &[bool],
    v: &[Option<f64>],
    earlier: &[usize],
    current: usize,
    t: usize,
    pct: usize,
) -> Option<Vec<usize>> {
    let today = v[t]?;
    let k = today.abs() * pct as f64 / 100.0;
    let (lo, hi) = (today - k, today + k);
    let ends: Vec<usize> = earlier.iter().skip(1).copied().chain([current]).collect();
    Some(
        earlier
            .iter()
            .zip(ends)
            .filter_map(|(&s, e)| {
                (s..e).find(|&i| h[i] && v[i].is_some_and(|x| lo <= x && x <= hi))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tests::frame_of;
    use crate::metrics::Window;

    fn held(h: &[u8]) -> DataFrame {
        let v: Vec<bool> = h.iter().map(|x| *x == 1).collect();
        df!["r" => v].unwrap()
    }

    fn col(f: &MetricFrame, h: &DataFrame, m: Metric) -> Vec<Option<f64>> {
        column(f, h, &m).unwrap()
    }

    #[test]
    fn counts_streaks_and_first_since() {
        // Calendar: weekdays from Mon 2024-01-01; rows 0-4 week 1, rows 5-9 week 2.
        let f = frame_of(&[("x", vec![0.0; 10])]);
        let h = held(&[1, 0, 1, 1, 0, 0, 1, 1, 1, 0]);
        let count = col(&f, &h, Metric::Count("r".into(), Window::Days(3)));
        assert_eq!(count[3], Some(2.0)); // rows 1..=3
        assert_eq!(count[8], Some(3.0)); // rows 6..=8
        let wtd = col(&f, &h, Metric::Count("r".into(), Window::WeekToDate));
        assert_eq!(wtd[8], Some(3.0), "Mon-Thu of week 2: rows 6, 7, 8");
        assert_eq!(wtd[4], None, "no earlier week to start from");
        let streak = col(&f, &h, Metric::History(Hist::Streak, "r".into()));
        assert_eq!(streak[..4], [Some(1.0), Some(0.0), Some(1.0), Some(2.0)]);
        let since = col(&f, &h, Metric::History(Hist::FirstSince, "r".into()));
        // Run at rows 2-3: previous held day row 0. Run at rows 6-8: row 3.
        assert_eq!(since[0], None);
        assert_eq!(since[3], Some(to_days(f.calendar[0]) as f64));
        assert_eq!(since[8], Some(to_days(f.calendar[3]) as f64));
        assert_eq!(since[9], None);
    }

    #[test]
    fn weekly_streaks_count_week_ends() {
        // Three weeks (rows 0-4, 5-9, 10-14). Held on Friday of weeks 1 and 2, and Mon of 3.
        let f = frame_of(&[("x", vec![0.0; 11])]);
        let h = held(&[0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1]);
        let w = col(&f, &h, Metric::History(Hist::StreakWeeks, "r".into()));
        assert_eq!(w[4], Some(1.0));
        assert_eq!(w[8], Some(0.0));
        assert_eq!(w[9], Some(2.0));
        assert_eq!(w[10], Some(3.0), "a third straight week, so far");
    }

    #[test]
    fn episodes_join_short_gaps_and_report_what_followed() {
        let spread = vec![
            3.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 3.5, 0.0, 0.0, 0.0,
        ];
        let f = frame_of(&[("spread", spread.clone())]);
        // Runs at rows 0, 7 (gap of 6: a new episode), and 10-11 (gap of 2: same episode).
        let h = held(&[1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0]);
        let episodes = col(&f, &h, Metric::History(Hist::Episodes, "r".into()));
        assert_eq!(episodes[0], Some(0.0));
        assert_eq!(episodes[7], Some(1.0));
        assert_eq!(episodes[11], Some(1.0), "rows 7-11 are one episode");
        assert_eq!(episodes[12], None);
        let last = col(&f, &h, Metric::History(Hist::LastEpisode, "r".into()));
        assert_eq!(last[11], Some(to_days(f.calendar[0]) as f64));
        let mut frame = f.clone();
        let s = Metric::Close("S".into());
        frame
            .push(&s, spread.iter().map(|x| Some(*x)).collect())
            .unwrap();
        let at = col(
            &frame,
            &h,
            Metric::EpisodeAt("r".into(), Box::new(s.clone()), 1),
        );
        assert_eq!(at[7], Some(0.5), "one day after row 0");
        let faded = col(&frame, &h, Metric::Faded("r".into(), Box::new(s), 1));
        assert_eq!(faded[7], Some(1.0), "3.0 fell to 0.5, below half");
    }

    #[test]
    fn similar_episodes_are_those_that_came_within_the_band() {
        // Episodes (gaps of more than five days apart) start at rows 0, 10 and 20; today is
        // row 21, in the third, with the value 10.
        let mut v = vec![0.0; 22];
        v[..3].copy_from_slice(&[4.0, 9.0, 3.0]);
        v[10..13].copy_from_slice(&[20.0, 30.0, 2.0]);
        v[20..].copy_from_slice(&[6.0, 10.0]);
        let mut h = vec![0u8; 22];
        for i in [0, 1, 2, 10, 11, 12, 20, 21] {
            h[i] = 1;
        }
        let f = frame_of(&[("x", v.clone())]);
        let mut frame = f.clone();
        let x = Metric::Close("X".into());
        frame
            .push(&x, v.iter().map(|x| Some(*x)).collect())
            .unwrap();
        let held = held(&h);
        let similar = col(
            &frame,
            &held,
            Metric::Similar("r".into(), Box::new(x.clone()), 25),
        );
        // Band 7.5..12.5: the first episode reached 9 (row 1); the second jumped from 20 to
        // 30, then 2, and never was within it; today's own episode does not count.
        assert_eq!(similar[21], Some(1.0));
        let wide = col(
            &frame,
            &held,
            Metric::Similar("r".into(), Box::new(x.clone()), 99),
        );
        assert_eq!(wide[21], Some(2.0), "0.1..19.9 takes row 0 and row 12");
        let faded = col(
            &frame,
            &held,
            Metric::SimilarFaded("r".into(), Box::new(x), 25, 1),
        );
        assert_eq!(
            faded[21],
            Some(1.0),
            "9 at row 1, then 3 at row 2: below half"
        );
        assert_eq!(similar[5], None, "defined only on days the rule holds");
    }
}
