//! A draft's figures and the metrics they are judged against, in a reader's words: "the
//! Russell 2000's 21-session return", "+9.9%".

use crate::metrics::{Kind, Lookback, Metric, Value, Window};
use crate::narrative::refer::Entities;

/// A window as a reader says it, before "return" or "gap": "21-session", "year-to-date".
fn window_words(w: Window) -> String {
    match w {
        Window::Days(1) => "one-day".into(),
        Window::Days(n) => format!("{n}-session"),
        Window::WeekToDate => "week-to-date".into(),
        Window::MonthToDate => "month-to-date".into(),
        Window::QuarterToDate => "quarter-to-date".into(),
        Window::YearToDate => "year-to-date".into(),
        Window::PreviousWeek => "previous week's".into(),
        Window::PreviousMonth => "previous month's".into(),
    }
}

/// A metric in a reader's words: "the Russell 2000's 21-session return".
pub fn describe(m: &Metric, entities: &Entities) -> String {
    let name = |s: &str| {
        entities.get(s).map_or(s.to_string(), |f| {
            crate::output::unescape_markdown(&f.short)
        })
    };
    // Without its article, inside another phrase: "the Russell 2000/S&P 500 ratio".
    let bare = |s: &str| {
        let n = name(s);
        n.strip_prefix("the ").map_or(n.clone(), str::to_string)
    };
    let owner = |s: &str| format!("{}'s", name(s));
    use crate::metrics::{BasketStat as B, Hist, Stat, Turn};
    use Metric as M;
    let ordinal = |n: usize| match n {
        1 => String::new(),
        2 => "second ".into(),
        3 => "third ".into(),
        n => format!("{n}th "),
    };
    match m {
        M::Close(s) => format!("{} close", owner(s)),
        M::Level(s) => name(s),
        M::Turn(t, s, l) => {
            let span = match l {
                Lookback::Days(252) => "52-week".to_string(),
                Lookback::Days(n) => format!("{n}-session"),
                Lookback::All => "record".to_string(),
            };
            let extreme = if t.from_peak() { "high" } else { "low" };
            let line = |p: &i16| match p {
                -20 => "bear-market line".to_string(),
                20 => "bull-market line".to_string(),
                p => format!("line {}% from its {span} {extreme}", p.abs()),
            };
            match t {
                Turn::Peak | Turn::Trough => format!("{} {span} {extreme}", owner(s)),
                Turn::PeakDate | Turn::TroughDate => {
                    format!("the date of {} {span} {extreme}", owner(s))
                }
                Turn::FromPeak | Turn::FromTrough => {
                    format!("{} distance from its {span} {extreme}", owner(s))
                }
                Turn::Line(p) => format!("{} {}", owner(s), line(p)),
                Turn::ToLine(p) => format!("{} distance to its {}", owner(s), line(p)),
            }
        }
        M::Basket(stat, b, w, n) => {
            let over = window_words(*w);
            let key = &b.key;
            match stat {
                B::Risers => format!("the count of the {key} with a {over} gain"),
                B::Members => format!("the count of the {key} with a {over} return"),
                B::LeaderReturn => format!("the {}best {over} return among the {key}", ordinal(*n)),
                B::LaggardReturn => {
                    format!("the {}worst {over} return among the {key}", ordinal(*n))
                }
                _ => format!("`{m}`"),
            }
        }
        M::TopWeight(h, n) => format!("the weight of the {n} largest holdings of {}", name(h)),
        M::SectorWeight(h, sector) => format!("{sector}'s weight in {}", name(h)),
        M::LargestSectorWeight(h) => format!("the largest sector's weight in {}", name(h)),
        M::Stat(Stat::Percentile, inner, _) => {
            format!(
                "the percentile of {} among its readings",
                describe(inner, entities)
            )
        }
        M::Ago(inner, Window::Days(n)) => {
            format!("{} {n} sessions earlier", describe(inner, entities))
        }
        M::History(Hist::Streak, rule) => format!("the sessions in a row of `{rule}`"),
        M::Return(s, w) => format!("{} {} return", owner(s), window_words(*w)),
        M::Spread(a, b, w) => format!(
            "the {} gap between {} and {}",
            window_words(*w),
            name(a),
            name(b)
        ),
        M::Ratio(a, b) => format!("the ratio of {} to {}", name(a), name(b)),
        M::MoveStart(a, b, n) => format!(
            "the date of the {}/{} ratio's {n}-session low",
            bare(a),
            bare(b)
        ),
        M::MoveReturn(x, a, b, _) if x == a => format!(
            "{} return since its ratio to {} made its low",
            owner(x),
            name(b)
        ),
        M::MoveReturn(x, a, b, _) => format!(
            "{} return since the {}/{} ratio's low",
            owner(x),
            bare(a),
            bare(b)
        ),
        M::MoveDays(a, b, _) => {
            format!("the sessions since the {}/{} ratio's low", bare(a), bare(b))
        }
        M::Yield(s) => name(s),
        M::YieldChange(s, w) => format!("the {} change in {}", window_words(*w), name(s)),
        M::PctChange(inner, w) | M::Change(inner, w) => {
            let what = match &**inner {
                M::Close(s) | M::Level(s) | M::Yield(s) => name(s),
                other => other.to_string(),
            };
            format!("the {} change in {what}", window_words(*w))
        }
        other => format!("`{other}` ({})", other.describe()),
    }
}

/// `v` written as `kind` prints it, with `decimals` decimals (as the draft printed it).
pub fn written(v: &Value, kind: Kind, decimals: usize, locale: crate::config::Locale) -> String {
    let number = |x: f64| crate::narrative::filters::numbers::grouped(x, decimals);
    match (v, kind) {
        (Value::Number(x), Kind::Return) => {
            let n = number(*x);
            match n.starts_with('-') {
                true => format!("{n}%"),
                false => format!("+{n}%"),
            }
        }
        (Value::Number(x), Kind::Percent) => format!("{}%", number(*x)),
        (Value::Number(x), Kind::Points) => format!("{} points", number(*x)),
        (Value::Number(x), Kind::BasisPoints) => format!("{} basis points", number(*x)),
        (Value::Number(x), Kind::Times) => format!("{}x", number(*x)),
        (Value::Number(x), _) => number(*x),
        (Value::Count(n), _) => number(*n as f64),
        (Value::Date(d), _) => match locale {
            crate::config::Locale::EnUs => d.format("%B %-d, %Y").to_string(),
            crate::config::Locale::EnGb => d.format("%-d %B %Y").to_string(),
        },
        (Value::Text(s), _) => s.clone(),
    }
}
