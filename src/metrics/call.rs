//! From a call as a rule writes it (`move_return(small_caps, small_caps, large_caps, 63d)`)
//! to a [`Metric`]: arity, argument types, universe names and linked sources.

use std::fmt;

use super::metric::*;
use crate::config::{Role, RunConfig};
use crate::rules::Arg;

/// Why a call does not give a metric.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// A mistake in the call, explained.
    Invalid(String),
    /// The call names a universe entry the run file marks as absent (`name: ~`).
    Absent(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Invalid(m) => f.write_str(m),
            CallError::Absent(n) => write!(f, "this run has no data for '{n}'"),
        }
    }
}

impl From<String> for CallError {
    fn from(s: String) -> Self {
        CallError::Invalid(s)
    }
}

/// Every metric function with its arguments, for messages and the README.
pub const FUNCTIONS: &[&str] = &[
    "close(index)",
    "return(index, window)",
    "spread(index, index, window)",
    "multiple(index, index, window)",
    "ratio(index, index)",
    "move_start(index, index, Nd)",
    "move_return(index, index, index, Nd)",
    "move_days(index, index, Nd)",
    "peak|peak_date|from_peak|trough|trough_date|from_trough(index, lookback)",
    "line|to_line(index, lookback, pct)",
    "high|low|percentile(metric, lookback)",
    "ago|change|pct_change(metric, window)",
    "most_extreme_since(metric, high|low)",
    "days_since(date metric)",
    "data_start(metric)",
    "count(rule, window)",
    "streak|streak_weeks|first_since|episodes|last_episode(rule)",
    "faded|episode_at(rule, metric, Nd)",
    "similar(rule, metric, pct)",
    "similar_faded(rule, metric, pct, Nd)",
    "band_low|band_high(metric, pct)",
    "share_above_sma|members_counted|share_at_high|share_at_low|median_from_high(index, days)",
    "advancers|decliners(index)",
    "top_weight|top_weight_change(index, n)",
    "group_weight(index, group)",
    "hhi|effective_n|largest_sector|largest_sector_weight(index)",
    "holdings_date|previous_holdings_date(index)",
    "sector_weight(index, \"Sector\")",
    "pe|cape|earnings_yield|valuation_month(valuation)",
    "yield(series)",
    "yield_change(series, window)",
    "curve(series, series)",
    "actual|expected|surprise|event_date(events, \"kind\")",
    "sessions(window)",
    "level(series)",
    "leader|leader_return|laggard|laggard_return(basket, window, n)",
    "risers|basket_size|dispersion(basket, window)",
    "leader_weight|laggard_weight(basket, window, n, index)",
    "rank(index, basket, window)",
    "at_move_start|since_move(metric, index, index, Nd)",
    "cleared|cleared_since(metric, window, k)",
];

fn arity(name: &str) -> Option<usize> {
    Some(match name {
        "close"
        | "days_since"
        | "data_start"
        | "advancers"
        | "decliners"
        | "hhi"
        | "effective_n"
        | "largest_sector"
        | "largest_sector_weight"
        | "holdings_date"
        | "previous_holdings_date"
        | "pe"
        | "cape"
        | "earnings_yield"
        | "valuation_month"
        | "yield"
        | "streak"
        | "streak_weeks"
        | "first_since"
        | "episodes"
        | "last_episode"
        | "sessions"
        | "level" => 1,
        "return" | "ratio" | "peak" | "peak_date" | "from_peak" | "trough" | "trough_date"
        | "from_trough" | "high" | "low" | "percentile" | "ago" | "change" | "pct_change"
        | "most_extreme_since" | "count" | "share_above_sma" | "members_counted"
        | "share_at_high" | "share_at_low" | "median_from_high" | "top_weight"
        | "top_weight_change" | "group_weight" | "sector_weight" | "yield_change" | "curve"
        | "actual" | "expected" | "surprise" | "event_date" | "band_low" | "band_high" => 2,
        "spread" | "multiple" | "move_start" | "move_days" | "faded" | "episode_at" | "similar"
        | "line" | "to_line" => 3,
        "risers" | "basket_size" | "dispersion" => 2,
        "leader" | "leader_return" | "laggard" | "laggard_return" | "rank" | "cleared"
        | "cleared_since" => 3,
        "move_return" | "similar_faded" | "leader_weight" | "laggard_weight" | "at_move_start"
        | "since_move" => 4,
        _ => return None,
    })
}

impl Metric {
    /// Builds a metric from a call as written in a rule, resolving universe names and linked
    /// member and holdings sources through the run file. Rule ids are taken as written; the
    /// rule set checks that they exist.
    pub fn from_call(name: &str, args: &[Arg], config: &RunConfig) -> Result<Metric, CallError> {
        let Some(arity) = arity(name) else {
            let known = FUNCTIONS.join(", ");
            return Err(format!("unknown metric '{name}' (known: {known})").into());
        };
        if args.len() != arity {
            let got = args.len();
            return Err(format!("{name}() takes {arity} arguments, got {got}").into());
        }
        let a = Args { args, config };
        use Metric as M;
        Ok(match name {
            "close" => M::Close(a.index(0)?),
            "return" => M::Return(a.index(0)?, a.window(1)?),
            "spread" => M::Spread(a.index(0)?, a.index(1)?, a.window(2)?),
            "multiple" => M::Multiple(a.index(0)?, a.index(1)?, a.window(2)?),
            "ratio" => M::Ratio(a.index(0)?, a.index(1)?),
            "sessions" => M::Sessions(a.window(0)?),
            "level" => M::Level(a.series(0)?),
            "leader" | "leader_return" | "laggard" | "laggard_return" | "risers"
            | "basket_size" | "dispersion" => {
                let stat = match name {
                    "leader" => BasketStat::Leader,
                    "leader_return" => BasketStat::LeaderReturn,
                    "laggard" => BasketStat::Laggard,
                    "laggard_return" => BasketStat::LaggardReturn,
                    "risers" => BasketStat::Risers,
                    "basket_size" => BasketStat::Members,
                    _ => BasketStat::Dispersion,
                };
                let n = if matches!(
                    stat,
                    BasketStat::Leader
                        | BasketStat::LeaderReturn
                        | BasketStat::Laggard
                        | BasketStat::LaggardReturn
                ) {
                    a.whole(2, false)?
                } else {
                    1
                };
                M::Basket(stat, a.basket(0)?, a.window(1)?, n)
            }
            "leader_weight" | "laggard_weight" => M::BasketWeight(
                name == "leader_weight",
                a.basket(0)?,
                a.window(1)?,
                a.whole(2, false)?,
                a.holdings(3)?,
            ),
            "rank" => M::Rank(a.index(0)?, a.basket(1)?, a.window(2)?),
            "at_move_start" => M::AtMoveStart(a.metric(0)?, a.index(1)?, a.index(2)?, a.days(3)?),
            "since_move" => M::SinceMove(a.metric(0)?, a.index(1)?, a.index(2)?, a.days(3)?),
            "cleared" => M::Cleared(a.metric(0)?, a.window(1)?, a.whole(2, false)?),
            "cleared_since" => M::ClearedSince(a.metric(0)?, a.window(1)?, a.whole(2, false)?),
            "move_start" => M::MoveStart(a.index(0)?, a.index(1)?, a.days(2)?),
            "move_days" => M::MoveDays(a.index(0)?, a.index(1)?, a.days(2)?),
            "move_return" => M::MoveReturn(a.index(0)?, a.index(1)?, a.index(2)?, a.days(3)?),
            "peak" | "peak_date" | "from_peak" | "trough" | "trough_date" | "from_trough" => {
                let turn = match name {
                    "peak" => Turn::Peak,
                    "peak_date" => Turn::PeakDate,
                    "from_peak" => Turn::FromPeak,
                    "trough" => Turn::Trough,
                    "trough_date" => Turn::TroughDate,
                    _ => Turn::FromTrough,
                };
                M::Turn(turn, a.index(0)?, a.lookback(1)?)
            }
            "line" | "to_line" => {
                let pct = a.line(2)?;
                let turn = if name == "line" {
                    Turn::Line(pct)
                } else {
                    Turn::ToLine(pct)
                };
                M::Turn(turn, a.index(0)?, a.lookback(1)?)
            }
            "high" | "low" | "percentile" => {
                let stat = match name {
                    "high" => Stat::High,
                    "low" => Stat::Low,
                    _ => Stat::Percentile,
                };
                M::Stat(stat, a.metric(0)?, a.lookback(1)?)
            }
            "ago" => M::Ago(a.metric(0)?, a.window(1)?),
            "change" => M::Change(a.metric(0)?, a.window(1)?),
            "pct_change" => M::PctChange(a.metric(0)?, a.window(1)?),
            "most_extreme_since" => {
                let high = match a.word(1)? {
                    "high" => true,
                    "low" => false,
                    other => return Err(format!("'{other}' is neither high nor low").into()),
                };
                M::MostExtremeSince(a.metric(0)?, high)
            }
            "days_since" => {
                let m = a.metric(0)?;
                if m.kind() != Kind::Date {
                    return Err(format!("days_since() needs a date, and {m} is not one").into());
                }
                M::DaysSince(m)
            }
            "data_start" => M::DataStart(a.metric(0)?),
            "count" => M::Count(a.rule(0)?, a.window(1)?),
            "streak" | "streak_weeks" | "first_since" | "episodes" | "last_episode" => {
                let hist = match name {
                    "streak" => Hist::Streak,
                    "streak_weeks" => Hist::StreakWeeks,
                    "first_since" => Hist::FirstSince,
                    "episodes" => Hist::Episodes,
                    _ => Hist::LastEpisode,
                };
                M::History(hist, a.rule(0)?)
            }
            "faded" => M::Faded(a.rule(0)?, a.metric(1)?, a.days(2)?),
            "episode_at" => M::EpisodeAt(a.rule(0)?, a.metric(1)?, a.whole(2, true)?),
            "similar" => M::Similar(a.rule(0)?, a.metric(1)?, a.percent(2)?),
            "similar_faded" => M::SimilarFaded(a.rule(0)?, a.metric(1)?, a.percent(2)?, a.days(3)?),
            "band_low" | "band_high" => M::Band(a.metric(0)?, a.percent(1)?, name == "band_high"),
            "share_above_sma" | "members_counted" | "share_at_high" | "share_at_low"
            | "median_from_high" => {
                let b = match name {
                    "share_above_sma" => Breadth::AboveSma,
                    "members_counted" => Breadth::Counted,
                    "share_at_high" => Breadth::AtHigh,
                    "share_at_low" => Breadth::AtLow,
                    _ => Breadth::MedianFromHigh,
                };
                M::Breadth(b, a.source(0, Role::Members)?, a.whole(1, false)?)
            }
            "advancers" => M::Breadth(Breadth::Advancers, a.source(0, Role::Members)?, 1),
            "decliners" => M::Breadth(Breadth::Decliners, a.source(0, Role::Members)?, 1),
            "top_weight" => M::TopWeight(a.holdings(0)?, a.whole(1, false)?),
            "top_weight_change" => M::TopWeightChange(a.holdings(0)?, a.whole(1, false)?),
            "group_weight" => {
                let group = a.word(1)?;
                let Some(g) = config.groups.get(group) else {
                    return Err(
                        format!("no group '{group}' under 'groups:' in the run file").into(),
                    );
                };
                M::GroupWeight(a.holdings(0)?, group.to_string(), g.tickers.clone())
            }
            "hhi" => M::Hhi(a.holdings(0)?),
            "effective_n" => M::EffectiveN(a.holdings(0)?),
            "sector_weight" => M::SectorWeight(a.holdings(0)?, a.text(1)?),
            "largest_sector" => M::LargestSector(a.holdings(0)?),
            "largest_sector_weight" => M::LargestSectorWeight(a.holdings(0)?),
            "holdings_date" => M::HoldingsDate(a.holdings(0)?),
            "previous_holdings_date" => M::PreviousHoldingsDate(a.holdings(0)?),
            "pe" | "cape" | "earnings_yield" | "valuation_month" => {
                let v = match name {
                    "pe" => Valuation::Pe,
                    "cape" => Valuation::Cape,
                    "earnings_yield" => Valuation::EarningsYield,
                    _ => Valuation::Month,
                };
                M::Valuation(v, a.source(0, Role::Valuation)?)
            }
            "yield" => M::Yield(a.series(0)?),
            "yield_change" => M::YieldChange(a.series(0)?, a.window(1)?),
            "curve" => M::Curve(a.series(0)?, a.series(1)?),
            _ => {
                let field = match name {
                    "actual" => EventField::Actual,
                    "expected" => EventField::Expected,
                    "surprise" => EventField::Surprise,
                    _ => EventField::Date,
                };
                M::Event(field, a.source(0, Role::Events)?, a.text(1)?)
            }
        })
    }
}

struct Args<'a> {
    args: &'a [Arg],
    config: &'a RunConfig,
}

impl Args<'_> {
    fn word(&self, i: usize) -> Result<&str, CallError> {
        match &self.args[i] {
            Arg::Word(w) => Ok(w),
            other => Err(format!(
                "argument {} must be a plain word, not '{}'",
                i + 1,
                other.text()
            )
            .into()),
        }
    }

    fn text(&self, i: usize) -> Result<String, CallError> {
        match &self.args[i] {
            Arg::Word(w) | Arg::Text(w) => Ok(w.clone()),
            Arg::Call(name, _) => {
                Err(format!("argument {} must be text, not {name}(...)", i + 1).into())
            }
        }
    }

    fn window(&self, i: usize) -> Result<Window, CallError> {
        let w = self.word(i)?;
        too_long(w)?;
        Window::parse(w).ok_or_else(|| {
            format!("'{w}' is not a window (1d, 21d, wtd, mtd, qtd, ytd, prev_week, prev_month)")
                .into()
        })
    }

    fn lookback(&self, i: usize) -> Result<Lookback, CallError> {
        let w = self.word(i)?;
        too_long(w)?;
        Lookback::parse(w).ok_or_else(|| format!("'{w}' is not a lookback (252d, all)").into())
    }

    /// A number of trading days written `63d` (or `63`).
    fn days(&self, i: usize) -> Result<usize, CallError> {
        let w = self.word(i)?;
        too_long(w)?;
        match w.strip_suffix('d').unwrap_or(w).parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("'{w}' is not a number of days (e.g. 63d)").into()),
        }
    }

    fn whole(&self, i: usize, zero: bool) -> Result<usize, CallError> {
        let w = self.word(i)?;
        too_long(w)?;
        match w.strip_suffix('d').unwrap_or(w).parse::<usize>() {
            Ok(n) if n > 0 || zero => Ok(n),
            _ => Err(format!("'{w}' is not a positive whole number").into()),
        }
    }

    /// A line's distance in percent from a peak (negative, -1 to -99) or a trough (1 to 999).
    fn line(&self, i: usize) -> Result<i16, CallError> {
        let w = self.word(i)?;
        match w.trim_end_matches('%').parse::<i16>() {
            Ok(n) if (-99..=-1).contains(&n) || (1..=999).contains(&n) => Ok(n),
            _ => Err(format!(
                "'{w}' is not a line in percent (-99 to -1 below a peak, 1 to 999 above a trough)"
            )
            .into()),
        }
    }

    /// A band's half-width in percent of today's value, 1 to 99.
    fn percent(&self, i: usize) -> Result<usize, CallError> {
        let w = self.word(i)?;
        match w.trim_end_matches('%').parse::<usize>() {
            Ok(n) if (1..100).contains(&n) => Ok(n),
            _ => Err(format!("'{w}' is not a band in percent (1 to 99)").into()),
        }
    }

    /// A basket of the run file, its members and their sectors resolved.
    fn basket(&self, i: usize) -> Result<Box<Basket>, CallError> {
        let key = self.word(i)?;
        if self.config.absent.iter().any(|a| a == key) {
            return Err(CallError::Absent(key.to_string()));
        }
        let Some(b) = self.config.baskets.get(key) else {
            let known: Vec<&str> = self.config.baskets.keys().map(String::as_str).collect();
            return Err(format!(
                "no basket '{key}' under 'baskets:' in the run file (baskets: {})",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            )
            .into());
        };
        let sectors = (b.members.iter())
            .map(|m| self.config.resolve(m).and_then(|s| s.sector.clone()))
            .collect();
        Ok(Box::new(Basket {
            key: key.to_string(),
            members: b.members.clone(),
            sectors,
        }))
    }

    fn rule(&self, i: usize) -> Result<String, CallError> {
        Ok(self.word(i)?.to_string())
    }

    fn metric(&self, i: usize) -> Result<Box<Metric>, CallError> {
        match &self.args[i] {
            Arg::Call(name, args) => Ok(Box::new(Metric::from_call(name, args, self.config)?)),
            other => Err(format!(
                "argument {} must be a metric call, not '{}'",
                i + 1,
                other.text()
            )
            .into()),
        }
    }

    fn index(&self, i: usize) -> Result<String, CallError> {
        self.source(i, Role::Index)
    }

    fn holdings(&self, i: usize) -> Result<String, CallError> {
        self.source(i, Role::Holdings)
    }

    /// A yield series: a macro source, or an index source read as a level.
    fn series(&self, i: usize) -> Result<String, CallError> {
        self.source(i, Role::Macro)
            .or_else(|e| self.source(i, Role::Index).map_err(|_| e))
    }

    /// Resolves an argument to a source symbol of `role`: a universe name or symbol, or (for
    /// members and holdings) the source linked to that index with `of:`.
    fn source(&self, i: usize, role: Role) -> Result<String, CallError> {
        let arg = self.word(i)?;
        if self.config.absent.iter().any(|a| a == arg) {
            return Err(CallError::Absent(arg.to_string()));
        }
        let source = self
            .config
            .resolve(arg)
            .ok_or_else(|| format!("'{arg}' is neither a universe name nor a source symbol"))?;
        if source.role == role {
            return Ok(source.symbol.clone());
        }
        if source.role == Role::Index {
            if let Some(linked) = self.config.linked(&source.symbol, role) {
                return Ok(linked.symbol.clone());
            }
        }
        let what = match role {
            Role::Members => "member",
            Role::Holdings => "holdings",
            Role::Index => "index",
            Role::Macro => "macro",
            Role::Valuation => "valuation",
            Role::Events => "events",
        };
        let hint = match role {
            Role::Members | Role::Holdings => {
                format!(" (link a source to '{}' with 'of:')", source.symbol)
            }
            _ => String::new(),
        };
        Err(format!("'{arg}' has no {what} data{hint}").into())
    }
}

/// Refuses a count of days beyond [`MAX_DAYS`](super::metric::MAX_DAYS), naming the limit.
fn too_long(w: &str) -> Result<(), CallError> {
    let digits = w.strip_suffix('d').unwrap_or(w);
    let long = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits
            .parse::<usize>()
            .map_or(true, |n| n > super::metric::MAX_DAYS);
    match long {
        true => Err(format!(
            "'{w}' is longer than a century of sessions (at most {}d)",
            super::metric::MAX_DAYS
        )
        .into()),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_call;
    use crate::rules::Operand;
    use std::path::Path;

    fn config() -> RunConfig {
        let text = "
rules: r
sources:
  - {symbol: SPY, name: S&P 500, file: spy.csv, format: yahoo, role: index}
  - {symbol: QQQ, name: Nasdaq-100, file: qqq.csv, format: yahoo, role: index}
  - {symbol: SPX_M, name: members, file: m.csv, format: matrix, role: members, of: SPY}
universe: {large_caps: SPY, valuation: ~}
groups: {giants: {name: the giants, tickers: [AAPL, MSFT]}}
";
        RunConfig::parse(Path::new("run.yaml"), text).unwrap()
    }

    fn call(text: &str) -> Result<Metric, CallError> {
        match parse_call(text).unwrap() {
            Operand::Call(name, args) => Metric::from_call(&name, &args, &config()),
            Operand::Number(_) => unreachable!(),
        }
    }

    fn err(text: &str) -> String {
        call(text).unwrap_err().to_string()
    }

    #[test]
    fn calls_resolve_universe_names_and_linked_sources() {
        assert_eq!(
            call("return(large_caps, ytd)"),
            Ok(Metric::Return("SPY".into(), Window::YearToDate))
        );
        assert_eq!(
            call("share_above_sma(large_caps, 200)"),
            Ok(Metric::Breadth(Breadth::AboveSma, "SPX_M".into(), 200))
        );
        for text in [
            "return(SPY, 21d)",
            "percentile(ratio(SPY, QQQ), all)",
            "days_since(first_since(some_rule))",
            "faded(some_rule, spread(SPY, QQQ, 21d), 30d)",
            "move_return(SPY, SPY, QQQ, 63d)",
            "from_peak(SPY, 252d)",
            "advancers(SPX_M)",
            "change(ratio(SPY, QQQ), prev_month)",
        ] {
            assert_eq!(
                call(text).unwrap().to_string(),
                text,
                "names read back as written"
            );
        }
        assert_eq!(
            call("days_since(first_since(r))").unwrap().rules(),
            ["r"],
            "history metrics know their rules"
        );
    }

    #[test]
    fn bad_calls_say_why() {
        assert_eq!(err("spread(SPY, QQQ)"), "spread() takes 3 arguments, got 2");
        assert!(err("return(SPY, 1m)").contains("'1m' is not a window"));
        assert!(err("return(SPY, 0d)").contains("not a window"));
        assert!(err("top_weight(SPY, ten)").contains("no holdings data"));
        assert!(err("share_above_sma(QQQ, 200)").contains("'QQQ' has no member data"));
        assert!(err("days_since(close(SPY))").contains("needs a date"));
        assert!(err("high(SPY, all)").contains("must be a metric call"));
        assert!(err("group_weight(SPY, titans)").contains("no group 'titans'"));
        assert_eq!(
            call("pe(valuation)"),
            Err(CallError::Absent("valuation".into()))
        );
    }
}
