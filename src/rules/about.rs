//! What a rule is about, read from its condition: the indexes its first comparison names,
//! the way that comparison points for each of them (its *stance*), the family of measure it
//! speaks of, and its window. `spread(small_caps, large_caps, 21d) > 2` is about small caps
//! (+1, ahead) and large caps (-1, behind), in performance, over 21 sessions;
//! `from_peak(large_caps, 252d) <= -10` is about large caps (-1). The brief's planner joins
//! findings on the same subject into paragraphs, with a contrast where stances differ and an
//! addition where they agree.
//!
//! Members, holdings and valuation sources stand for the index they describe (`of:`), and a
//! rule that counts another rule's days (`count(r, wtd) >= 2`) is about what that rule is
//! about.

use crate::config::RunConfig;
use crate::metrics::{Metric, Window};

use super::{Condition, Op, Rule, Side};

/// The kind of measure a rule speaks of: connectives join only findings of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// Returns, spreads, ratios, moves, levels and turning points.
    #[default]
    Performance,
    /// Members' participation.
    Breadth,
    /// Holdings weights.
    Concentration,
    /// Earnings multiples.
    Valuation,
    /// Yields and the curve.
    Rates,
    /// Macro events.
    Events,
    /// Sector funds against each other.
    Sectors,
    /// Volatility and credit spreads (rules of the `risk` section).
    Risk,
}

/// What a rule is about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct About {
    /// Index (or series) symbols with the stance of the finding toward each: +1 ahead, up or
    /// strong; -1 behind, down or weak; 0 named without a direction.
    pub subjects: Vec<(String, i8)>,
    /// The family of its first compared metric.
    pub family: Family,
    /// The window of its first compared metric, if it has one.
    pub window: Option<Window>,
    /// The function of its first compared metric (`spread`, `share_above_sma`...): findings
    /// on different subjects are compared ("likewise") only when they measure alike.
    pub measure: String,
    /// Its first compared metric sets one index against another (a spread, a ratio, a move
    /// since their ratio's low): a stance relative to the other, not an absolute move.
    pub relative: bool,
    /// A rule whose history the first comparison reads, to take its subject from (none once
    /// the rule set is loaded).
    pub via: Option<String>,
}

impl About {
    /// The stance toward `symbol`, if the rule is about it.
    pub fn stance(&self, symbol: &str) -> Option<i8> {
        self.subjects.iter().find(|(s, _)| s == symbol).map(|s| s.1)
    }

    /// A rough length in sessions of the window, for ordering nested windows.
    pub fn sessions(&self) -> Option<usize> {
        Some(match self.window? {
            Window::Days(n) => n,
            Window::WeekToDate => 3,
            Window::PreviousWeek => 5,
            Window::MonthToDate => 11,
            Window::PreviousMonth => 21,
            Window::QuarterToDate => 32,
            Window::YearToDate => 126,
        })
    }
}

fn direction(op: Op) -> i8 {
    match op {
        Op::Gt | Op::Ge => 1,
        Op::Lt | Op::Le => -1,
        Op::Eq | Op::Ne => 0,
    }
}

/// The first comparison of a condition, with the sign a `not` around it gives.
fn first(c: &Condition, sign: i8) -> Option<(&Side, Op, &Side, i8)> {
    match c {
        Condition::Compare(l, op, r) => Some((l, *op, r, sign)),
        Condition::All(cs) | Condition::Any(cs) => cs.iter().find_map(|c| first(c, sign)),
        Condition::Not(c) => first(c, -sign),
    }
}

/// Which way a metric's rise points for its subject: +1 (a higher return, more members above
/// their average, closer to a high), -1 (more members at a low, more decliners), 0 where
/// higher is neither better nor worse (weights, multiples, yields, counts of members).
fn polarity(m: &Metric) -> i8 {
    use crate::metrics::Breadth as B;
    match m {
        Metric::Breadth(B::AtLow | B::Decliners, ..) => -1,
        Metric::Breadth(B::Counted, ..) => 0,
        Metric::Breadth(..) => 1,
        _ if m.holdings().is_some() => 0,
        Metric::HoldingsDate(_)
        | Metric::PreviousHoldingsDate(_)
        | Metric::Valuation(..)
        | Metric::Event(..)
        | Metric::Sessions(_) => 0,
        Metric::Stat(_, inner, _)
        | Metric::Ago(inner, _)
        | Metric::Change(inner, _)
        | Metric::PctChange(inner, _)
        | Metric::Band(inner, _, _) => polarity(inner),
        _ => 1,
    }
}

/// The index a source stands for: itself, or the index it describes, and for a fund that
/// tells an index, that index.
fn index_of(symbol: &str, config: &RunConfig) -> String {
    let of = (config.sources.iter())
        .find(|s| s.symbol == symbol)
        .and_then(|s| s.of.as_deref())
        .unwrap_or(symbol);
    config.index_of_fund(of).unwrap_or(of).to_string()
}

/// The subjects of a metric with their signs, its family, its window, and a rule it reads.
fn of_metric(m: &Metric, config: &RunConfig) -> About {
    use Metric as M;
    let one = |s: &str, family| About {
        subjects: vec![(index_of(s, config), 1)],
        family,
        ..About::default()
    };
    let pair = |a: &str, b: &str, family| About {
        subjects: vec![(index_of(a, config), 1), (index_of(b, config), -1)],
        family,
        relative: true,
        ..About::default()
    };
    let mut out = match m {
        M::Close(s) | M::Return(s, _) | M::Turn(_, s, _) => one(s, Family::Performance),
        M::Spread(a, b, _)
        | M::Multiple(a, b, _)
        | M::Ratio(a, b)
        | M::MoveStart(a, b, _)
        | M::MoveDays(a, b, _)
        | M::MoveReturn(_, a, b, _) => pair(a, b, Family::Performance),
        M::Stat(_, inner, _)
        | M::Ago(inner, _)
        | M::Change(inner, _)
        | M::PctChange(inner, _)
        | M::MostExtremeSince(inner, _)
        | M::DaysSince(inner)
        | M::DataStart(inner)
        | M::Band(inner, _, _) => of_metric(inner, config),
        M::Count(r, _)
        | M::History(_, r)
        | M::Faded(r, _, _)
        | M::EpisodeAt(r, _, _)
        | M::Similar(r, _, _)
        | M::SimilarFaded(r, _, _, _) => About {
            via: Some(r.clone()),
            ..About::default()
        },
        M::Breadth(_, s, _) => one(s, Family::Breadth),
        M::TopWeight(s, _)
        | M::TopWeightChange(s, _)
        | M::GroupWeight(s, _, _)
        | M::Hhi(s)
        | M::EffectiveN(s)
        | M::SectorWeight(s, _)
        | M::LargestSector(s)
        | M::LargestSectorWeight(s)
        | M::HoldingsDate(s)
        | M::PreviousHoldingsDate(s) => one(s, Family::Concentration),
        M::Valuation(_, s) => one(s, Family::Valuation),
        M::Yield(s) | M::YieldChange(s, _) => one(s, Family::Rates),
        M::Curve(a, b) => pair(a, b, Family::Rates),
        M::Event(_, s, _) => one(s, Family::Events),
        M::Sessions(_) => About::default(),
        M::Level(s) => one(s, Family::Rates),
        M::Basket(..) | M::BasketWeight(..) => About {
            family: Family::Sectors,
            ..About::default()
        },
        M::Rank(s, ..) => one(s, Family::Sectors),
        M::AtMoveStart(inner, ..)
        | M::SinceMove(inner, ..)
        | M::Cleared(inner, ..)
        | M::ClearedSince(inner, ..) => of_metric(inner, config),
    };
    let window = match m {
        M::Return(_, w)
        | M::Spread(_, _, w)
        | M::Multiple(_, _, w)
        | M::YieldChange(_, w)
        | M::Change(_, w)
        | M::PctChange(_, w)
        | M::Count(_, w) => Some(*w),
        M::MoveStart(_, _, n) | M::MoveDays(_, _, n) | M::MoveReturn(_, _, _, n) => {
            Some(Window::Days(*n))
        }
        _ => None,
    };
    out.window = out.window.or(window);
    if out.measure.is_empty() {
        out.measure = m
            .to_string()
            .split('(')
            .next()
            .unwrap_or_default()
            .to_string();
    }
    out
}

/// What `rule` is about, before rules it reads are resolved ([`resolve`]).
pub fn of_rule(rule: &Rule, config: &RunConfig) -> About {
    let mut about = of_condition(rule, config);
    // A yield and a spread read alike; the section tells risk from rates.
    if rule.section == "risk" {
        about.family = Family::Risk;
    }
    about
}

fn of_condition(rule: &Rule, config: &RunConfig) -> About {
    let Some((l, op, r, sign)) = first(&rule.when, 1) else {
        return About::default();
    };
    let dir = direction(op) * sign;
    let side = |s: &Side, d: i8| match s {
        Side::Number(_) => None,
        Side::Metric(m) => {
            let mut a = of_metric(m, config);
            for s in &mut a.subjects {
                s.1 *= d * polarity(m);
            }
            Some(a)
        }
    };
    match (side(l, dir), side(r, -dir)) {
        (Some(mut a), Some(b)) => {
            for s in b.subjects {
                if !a.subjects.iter().any(|x| x.0 == s.0) {
                    a.subjects.push(s);
                }
            }
            a
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => About::default(),
    }
}

/// Fills in the subject of rules that read another rule's history from that rule, keeping
/// their own window and, where the count or streak is of days the other rule held, its
/// stance.
pub fn resolve(rules: &mut [Rule]) {
    for _ in 0..rules.len() {
        let mut changed = false;
        for i in 0..rules.len() {
            let Some(via) = rules[i].about.via.clone() else {
                continue;
            };
            let Some(source) = rules.iter().find(|r| r.id == via && r.about.via.is_none()) else {
                continue;
            };
            let from = source.about.clone();
            let about = &mut rules[i].about;
            about.subjects = from.subjects;
            about.family = from.family;
            about.measure = from.measure;
            about.relative = from.relative;
            about.window = about.window.or(from.window);
            about.via = None;
            changed = true;
        }
        if !changed {
            break;
        }
    }
}
