//! Each metric's definition in words, for the JSON provenance: what a reader of a figure
//! needs to know to recompute it from the data files.

use super::metric::{
    BasketStat, Breadth, EventField, Hist, Lookback, Metric, Stat, Turn, Valuation, Window,
};

fn window(w: Window) -> String {
    match w {
        Window::Days(1) => "the last trading day".into(),
        Window::Days(n) => format!("the last {n} trading days"),
        Window::WeekToDate => "the week to date (from the last close of the previous week)".into(),
        Window::MonthToDate => {
            "the month to date (from the last close of the previous month)".into()
        }
        Window::QuarterToDate => "the quarter to date".into(),
        Window::YearToDate => "the year to date (from the last close of the previous year)".into(),
        Window::PreviousWeek => "the previous calendar week".into(),
        Window::PreviousMonth => "the previous calendar month".into(),
    }
}

fn lookback(l: Lookback) -> String {
    match l {
        Lookback::Days(n) => format!("the last {n} trading days"),
        Lookback::All => "all of the run's data".into(),
    }
}

impl Metric {
    /// This metric's definition in words.
    pub fn describe(&self) -> String {
        use Metric as M;
        match self {
            M::Close(s) => format!("closing level of {s}"),
            M::Return(s, w) => format!("percent change of {s}'s close over {}", window(*w)),
            M::Spread(a, b, w) => format!(
                "return of {a} minus return of {b} over {}, in percentage points",
                window(*w)
            ),
            M::Multiple(a, b, w) => format!(
                "return of {a} divided by return of {b} over {} (only when both are positive)",
                window(*w)
            ),
            M::Ratio(a, b) => format!("close of {a} divided by close of {b}"),
            M::MoveStart(a, b, n) => {
                format!("date of the lowest {a}/{b} close ratio within the last {n} trading days")
            }
            M::MoveReturn(x, a, b, n) => format!(
                "percent change of {x}'s close since the lowest {a}/{b} ratio of the last {n} trading days"
            ),
            M::MoveDays(a, b, n) => format!(
                "trading days since the lowest {a}/{b} ratio of the last {n} trading days"
            ),
            M::Turn(t @ (Turn::Line(p) | Turn::ToLine(p)), s, l) => {
                let (side, extreme) = match t.from_peak() {
                    true => ("below", "highest"),
                    false => ("above", "lowest"),
                };
                let (p, l) = (p.abs(), lookback(*l));
                match t {
                    Turn::Line(_) => format!("the level {p}% {side} the {extreme} close of {s} over {l}"),
                    _ => format!(
                        "percent move of {s}'s close to the level {p}% {side} its {extreme} close over {l}"
                    ),
                }
            }
            M::Turn(t, s, l) => {
                let what = match t {
                    Turn::Peak => "highest close",
                    Turn::PeakDate => "date of the highest close",
                    Turn::FromPeak => "percent distance of the close from the highest close",
                    Turn::Trough => "lowest close",
                    Turn::TroughDate => "date of the lowest close",
                    Turn::FromTrough => "percent distance of the close above the lowest close",
                    Turn::Line(_) | Turn::ToLine(_) => unreachable!("described above"),
                };
                format!("{what} of {s} over {}", lookback(*l))
            }
            M::Stat(st, m, l) => {
                let what = match st {
                    Stat::High => "highest value",
                    Stat::Low => "lowest value",
                    Stat::Percentile => "percent of earlier values (at least 20) at or below today's",
                };
                format!("{what} of [{}] over {}", m.describe(), lookback(*l))
            }
            M::Ago(m, w) => format!("[{}] as it stood {} ago", m.describe(), window(*w)),
            M::Change(m, w) => format!("change in [{}] over {}", m.describe(), window(*w)),
            M::PctChange(m, w) => {
                format!("percent change in [{}] over {}", m.describe(), window(*w))
            }
            M::MostExtremeSince(m, high) => format!(
                "date of the last earlier day on which [{}] was at least as {}",
                m.describe(),
                if *high { "high" } else { "low" }
            ),
            M::DaysSince(m) => format!("calendar days since the date given by [{}]", m.describe()),
            M::DataStart(m) => format!("the first date on which [{}] has a value", m.describe()),
            M::Count(r, w) => format!("trading days in {} on which rule '{r}' held", window(*w)),
            M::History(h, r) => match h {
                Hist::Streak => format!("consecutive trading days rule '{r}' has held"),
                Hist::StreakWeeks => format!("consecutive weeks rule '{r}' held at the week's close"),
                Hist::FirstSince => format!("last earlier date on which rule '{r}' held, before the current run"),
                Hist::Episodes => format!("earlier episodes of rule '{r}' (runs at most 5 days apart joined)"),
                Hist::LastEpisode => format!("start date of the last earlier episode of rule '{r}'"),
            },
            M::Faded(r, m, n) => format!(
                "earlier episodes of rule '{r}' after which [{}] fell below half its value at the episode's start within {n} trading days",
                m.describe()
            ),
            M::EpisodeAt(r, m, n) => format!(
                "[{}] {n} trading days after the start of the last earlier episode of rule '{r}'",
                m.describe()
            ),
            M::Similar(r, m, p) => format!(
                "earlier episodes of rule '{r}' in which [{}] came within {p}% of today's value",
                m.describe()
            ),
            M::SimilarFaded(r, m, p, n) => format!(
                "of the earlier episodes of rule '{r}' in which [{}] came within {p}% of today's value, those in which it fell below half of that within {n} trading days",
                m.describe()
            ),
            M::Band(m, p, high) => format!(
                "[{}] {} {p}%",
                m.describe(),
                if *high { "plus" } else { "less" }
            ),
            M::Sessions(w) => format!("trading sessions in {} so far", window(*w)),
            M::Level(s) => format!("{s}, the latest value (carried over days it is not published)"),
            M::Basket(stat, b, w, n) => {
                let members = b.members.join(", ");
                let over = window(*w);
                match stat {
                    BasketStat::Leader => format!("the member of {} ({members}) with the {n}-th best return over {over}", b.key),
                    BasketStat::LeaderReturn => format!("the {n}-th best return over {over} among {} ({members})", b.key),
                    BasketStat::Laggard => format!("the member of {} ({members}) with the {n}-th worst return over {over}", b.key),
                    BasketStat::LaggardReturn => format!("the {n}-th worst return over {over} among {} ({members})", b.key),
                    BasketStat::Risers => format!("members of {} ({members}) with a positive return over {over}", b.key),
                    BasketStat::Members => format!("members of {} ({members}) with a return over {over}", b.key),
                    BasketStat::Dispersion => format!("best minus worst return over {over} among {} ({members}), in points", b.key),
                }
            }
            M::BasketWeight(leader, b, w, n, h) => format!(
                "weight in {h}'s holdings of the sector of the {n}-th {} of {} over {}, percent",
                if *leader { "best" } else { "worst" },
                b.key,
                window(*w)
            ),
            M::Rank(s, b, w) => format!("rank of {s} by return over {} among {} (1 the best)", window(*w), b.key),
            M::AtMoveStart(m, a, b, n) => format!(
                "[{}] on the day of the lowest {a}/{b} ratio of the last {n} trading days",
                m.describe()
            ),
            M::SinceMove(m, a, b, n) => format!(
                "change in [{}] since the lowest {a}/{b} ratio of the last {n} trading days",
                m.describe()
            ),
            M::Cleared(m, w, k) => format!(
                "the largest of 0.5, 1, 1.5 ... 10 that [{}] exceeded on at least {k} days of {}",
                m.describe(),
                window(*w)
            ),
            M::ClearedSince(m, w, k) => format!(
                "the last day before {} on which [{}] had exceeded that level on {k} days of the same kind of window",
                window(*w),
                m.describe()
            ),
            M::Breadth(b, s, n) => match b {
                Breadth::AboveSma => format!("percent of {s} members closing above their {n}-day average"),
                Breadth::Counted => format!("{s} members with at least {n} days of prices"),
                Breadth::AtHigh => format!("percent of {s} members at a {n}-day closing high"),
                Breadth::AtLow => format!("percent of {s} members at a {n}-day closing low"),
                Breadth::MedianFromHigh => format!("median percent distance of {s} members from their {n}-day high"),
                Breadth::Advancers => format!("{s} members that closed higher"),
                Breadth::Decliners => format!("{s} members that closed lower"),
            },
            M::TopWeight(h, n) => format!("combined weight of the {n} largest {h} holdings, percent"),
            M::TopWeightChange(h, n) => format!(
                "change in the combined weight of the {n} largest {h} holdings since the previous snapshot, in points"
            ),
            M::GroupWeight(h, g, t) => format!("combined weight in {h} of group '{g}' ({}), percent", t.join(", ")),
            M::Hhi(h) => format!("Herfindahl index of {h} weights rescaled to 100 (sum of squared weights)"),
            M::EffectiveN(h) => format!("10,000 divided by the Herfindahl index of {h}"),
            M::SectorWeight(h, s) => format!("weight of sector '{s}' in {h}, percent"),
            M::LargestSector(h) => format!("sector with the largest weight in {h}"),
            M::LargestSectorWeight(h) => format!("weight of the largest sector in {h}, percent"),
            M::HoldingsDate(h) => format!("date of the {h} holdings snapshot in effect"),
            M::PreviousHoldingsDate(h) => format!("date of the {h} snapshot before the one in effect"),
            M::Valuation(v, s) => match v {
                Valuation::Pe => format!("{s} price divided by trailing 12-month earnings (Shiller monthly, used from the next month)"),
                Valuation::Cape => format!("{s} cyclically adjusted P/E (Shiller monthly, used from the next month)"),
                Valuation::EarningsYield => format!("{s} trailing earnings divided by price, percent"),
                Valuation::Month => format!("month of the {s} valuation row in effect"),
            },
            M::Yield(s) => format!("{s} yield, percent"),
            M::YieldChange(s, w) => format!("change in the {s} yield over {}, basis points", window(*w)),
            M::Curve(a, b) => format!("{a} yield minus {b} yield, basis points"),
            M::Event(f, s, k) => match f {
                EventField::Actual => format!("actual value of the latest '{k}' event in {s} on or before the day"),
                EventField::Expected => format!("expected value of the last '{k}' event in {s}"),
                EventField::Surprise => format!("actual minus expected of the last '{k}' event in {s}"),
                EventField::Date => format!("date of the last '{k}' event in {s}"),
            },
        }
    }
}
