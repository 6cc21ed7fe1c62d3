//! What a rule can name: windows, lookbacks and the [`Metric`]s themselves, with their
//! canonical names (the column names of the metric frame) and how their values read.

use std::fmt;

/// A window over which something is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Window {
    /// The last N trading days (`1d`, `5d`, `21d`, ...).
    Days(usize),
    /// Since the last close of the previous week.
    WeekToDate,
    /// Since the last close of the previous month.
    MonthToDate,
    /// Since the last close of the previous quarter.
    QuarterToDate,
    /// Since the last close of the previous year.
    YearToDate,
    /// The whole previous calendar week, close to close.
    PreviousWeek,
    /// The whole previous calendar month, close to close.
    PreviousMonth,
}

/// The longest window a rule may ask for: a century of sessions. Longer is a typing slip
/// (`99999999999d`), refused by `check` and `generate` with the rule's file and line.
pub const MAX_DAYS: usize = 25_200;

/// A count of days `1..=MAX_DAYS` written `63d`.
fn days(s: &str) -> Option<usize> {
    let n: usize = s.strip_suffix('d')?.parse().ok()?;
    (1..=MAX_DAYS).contains(&n).then_some(n)
}

impl Window {
    /// Parses `1d`, `21d`, `wtd`, `mtd`, `qtd`, `ytd`, `prev_week`, `prev_month`.
    pub fn parse(s: &str) -> Option<Window> {
        match s {
            "wtd" => Some(Window::WeekToDate),
            "mtd" => Some(Window::MonthToDate),
            "qtd" => Some(Window::QuarterToDate),
            "ytd" => Some(Window::YearToDate),
            "prev_week" => Some(Window::PreviousWeek),
            "prev_month" => Some(Window::PreviousMonth),
            _ => days(s).map(Window::Days),
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Days(n) => write!(f, "{n}d"),
            Window::WeekToDate => f.write_str("wtd"),
            Window::MonthToDate => f.write_str("mtd"),
            Window::QuarterToDate => f.write_str("qtd"),
            Window::YearToDate => f.write_str("ytd"),
            Window::PreviousWeek => f.write_str("prev_week"),
            Window::PreviousMonth => f.write_str("prev_month"),
        }
    }
}

/// How far back a high, a low or a percentile looks: N trading days, or all history to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lookback {
    /// The last N trading days, today included (`252d` is 52 weeks).
    Days(usize),
    /// Every day up to and including today.
    All,
}

impl Lookback {
    /// Parses `252d` or `all`.
    pub fn parse(s: &str) -> Option<Lookback> {
        if s == "all" {
            return Some(Lookback::All);
        }
        days(s).map(Lookback::Days)
    }
}

impl fmt::Display for Lookback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lookback::Days(n) => write!(f, "{n}d"),
            Lookback::All => f.write_str("all"),
        }
    }
}

/// Trailing turning points of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Turn {
    /// Highest close in the lookback.
    Peak,
    /// Its date.
    PeakDate,
    /// Percent from that peak (zero on the day of a new high, negative below it).
    FromPeak,
    /// Lowest close in the lookback.
    Trough,
    /// Its date.
    TroughDate,
    /// Percent above that trough.
    FromTrough,
    /// The level `pct`% from the peak (a negative `pct`) or the trough (a positive one): the
    /// bear-market line of `line(x, 252d, -20)`, the bull-market line of `line(x, 252d, 20)`.
    Line(i16),
    /// Percent the close would move to reach that line (negative when it is below).
    ToLine(i16),
}

impl Turn {
    /// Whether the turning point is the lookback's highest close (not its lowest).
    pub fn from_peak(self) -> bool {
        match self {
            Turn::Peak | Turn::PeakDate | Turn::FromPeak => true,
            Turn::Line(pct) | Turn::ToLine(pct) => pct < 0,
            Turn::Trough | Turn::TroughDate | Turn::FromTrough => false,
        }
    }
}

/// Statistics of any metric over its own history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stat {
    /// Highest value in the lookback.
    High,
    /// Lowest value in the lookback.
    Low,
    /// Percent of the lookback's earlier values below today's.
    Percentile,
}

/// What history says about a rule's run of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hist {
    /// Consecutive trading days up to today on which the rule held.
    Streak,
    /// Consecutive weeks, this one included, whose last close (so far) the rule held on.
    StreakWeeks,
    /// The last earlier day, before the current run, on which the rule held.
    FirstSince,
    /// Earlier episodes of the rule (runs of days, gaps under a week joined).
    Episodes,
    /// The start of the most recent earlier episode.
    LastEpisode,
}

/// Breadth of an index's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Breadth {
    /// Percent of members closing above their N-day simple average.
    AboveSma,
    /// Members with N days of history (the denominator of the N-day shares).
    Counted,
    /// Percent of members closing at an N-day high.
    AtHigh,
    /// Percent of members closing at an N-day low.
    AtLow,
    /// Median member's percent distance from its N-day high.
    MedianFromHigh,
    /// Members that closed up on the day (N is 1).
    Advancers,
    /// Members that closed down on the day (N is 1).
    Decliners,
}

/// Monthly valuation from Shiller's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Valuation {
    /// Price over trailing twelve-month earnings.
    Pe,
    /// Shiller's cyclically adjusted P/E (ten years of real earnings).
    Cape,
    /// Earnings over price, percent.
    EarningsYield,
    /// The month the figures are for.
    Month,
}

/// One field of the latest event of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventField {
    /// The reported figure.
    Actual,
    /// The consensus expectation.
    Expected,
    /// Actual minus expected.
    Surprise,
    /// The date of the event.
    Date,
}

/// A named basket of series ranked against each other (the sector funds), with each member's
/// GICS sector where the run file gives one (to find its weight in a fund's holdings).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Basket {
    /// Its key under `baskets:` in the run file.
    pub key: String,
    /// Member source symbols.
    pub members: Vec<String>,
    /// Each member's sector as holdings files name it, if known.
    pub sectors: Vec<Option<String>>,
}

/// A figure of a basket over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BasketStat {
    /// The symbol of the n-th best member.
    Leader,
    /// Its return.
    LeaderReturn,
    /// The symbol of the n-th worst member.
    Laggard,
    /// Its return.
    LaggardReturn,
    /// Members whose return is above zero.
    Risers,
    /// Members with a return over the window.
    Members,
    /// The best return minus the worst, in points.
    Dispersion,
}

/// A metric a rule, a fact or the comparison table can name. Symbols are resolved source
/// symbols (universe names are gone by now); rule ids name other rules' boolean series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Closing level of an index.
    Close(String),
    /// Percent return of an index over a window.
    Return(String, Window),
    /// Return of the first minus return of the second, in percentage points.
    Spread(String, String, Window),
    /// Return of the first over return of the second, defined only when both are positive.
    Multiple(String, String, Window),
    /// Closing level of the first divided by the second.
    Ratio(String, String),
    /// Date of the lowest first/second ratio in the last N days: where the first's current
    /// outperformance started.
    MoveStart(String, String, usize),
    /// Percent return of an index since [`Metric::MoveStart`] of the pair.
    MoveReturn(String, String, String, usize),
    /// Trading days since [`Metric::MoveStart`].
    MoveDays(String, String, usize),
    /// A trailing turning point of an index's close.
    Turn(Turn, String, Lookback),
    /// A statistic of a metric over its history.
    Stat(Stat, Box<Metric>, Lookback),
    /// The value of a metric at the start of a window (`ago(ratio(a, b), 21d)`).
    Ago(Box<Metric>, Window),
    /// Change of a metric over a window, in its own units.
    Change(Box<Metric>, Window),
    /// Percent change of a metric over a window.
    PctChange(Box<Metric>, Window),
    /// The last earlier date on which a metric was at least this high (`true`) or this low.
    MostExtremeSince(Box<Metric>, bool),
    /// Calendar days from a date-valued metric to today.
    DaysSince(Box<Metric>),
    /// The first date on which a metric has a value: where its history in the data begins
    /// ("among the lowest 5% of its readings since 2010").
    DataStart(Box<Metric>),
    /// Days within a window on which a rule held.
    Count(String, Window),
    /// A history fact about a rule.
    History(Hist, String),
    /// Of the rule's earlier episodes, how many saw the metric N days after the start below
    /// half its value at the start ("gave back most of the lead").
    Faded(String, Box<Metric>, usize),
    /// The metric N days after the start of the rule's most recent earlier episode.
    EpisodeAt(String, Box<Metric>, usize),
    /// Earlier episodes of the rule in which the metric came within ±pct% of today's value:
    /// the base rate of leads "of this size".
    Similar(String, Box<Metric>, usize),
    /// Of those, how many saw the metric, N days after it first came within that band, below
    /// half of what it was then.
    SimilarFaded(String, Box<Metric>, usize, usize),
    /// Today's value of the metric less pct% (`false`) or plus pct% (`true`): the band that
    /// [`Metric::Similar`] uses, for the text to state.
    Band(Box<Metric>, usize, bool),
    /// Breadth of a members source over N days.
    Breadth(Breadth, String, usize),
    /// Summed weight of the N largest holdings, percent.
    TopWeight(String, usize),
    /// Change in the top-N weight since the previous snapshot, in points.
    TopWeightChange(String, usize),
    /// Summed weight of a named group of tickers from the run file (name, tickers).
    GroupWeight(String, String, Vec<String>),
    /// Herfindahl index of the equity weights (0 to 10,000).
    Hhi(String),
    /// Effective number of stocks: 10,000 over the Herfindahl index.
    EffectiveN(String),
    /// Weight of one sector, percent.
    SectorWeight(String, String),
    /// Name of the largest sector.
    LargestSector(String),
    /// Weight of the largest sector, percent.
    LargestSectorWeight(String),
    /// Date of the holdings snapshot in use.
    HoldingsDate(String),
    /// Date of the snapshot before it.
    PreviousHoldingsDate(String),
    /// A monthly valuation figure.
    Valuation(Valuation, String),
    /// A yield level, percent.
    Yield(String),
    /// Change of a yield over a window, in basis points.
    YieldChange(String, Window),
    /// First yield minus second, in basis points (10-year minus 2-year).
    Curve(String, String),
    /// A field of the latest event of a kind on or before the date.
    Event(EventField, String, String),
    /// Trading sessions in a window so far: `sessions(mtd)` is 1 on a month's first session.
    Sessions(Window),
    /// The value of a macro series (the VIX, a credit spread, a policy rate), carried over
    /// the days it is not published (the source's `carry_days`).
    Level(String),
    /// A basket figure over a window; `usize` is the rank for leaders and laggards.
    Basket(BasketStat, Box<Basket>, Window, usize),
    /// The weight, in a fund's holdings (the last field), of the sector of the basket's n-th
    /// leader (`true`) or laggard over a window.
    BasketWeight(bool, Box<Basket>, Window, usize, String),
    /// The rank (1 the best) of a member in its basket over a window.
    Rank(String, Box<Basket>, Window),
    /// A metric's value on the day the move of the pair began ([`Metric::MoveStart`]).
    AtMoveStart(Box<Metric>, String, String, usize),
    /// A metric's change since the move of the pair began (basis points for a yield).
    SinceMove(Box<Metric>, String, String, usize),
    /// The largest round level (0.5, 1, 1.5 ... 10) that a metric cleared on at least `k`
    /// days of a window: "beat tech by more than 2.5 points twice this week".
    Cleared(Box<Metric>, Window, usize),
    /// The last day before the window on which a window of the same kind saw that level
    /// cleared as often: "the first time since November 2020".
    ClearedSince(Box<Metric>, Window, usize),
}

/// What a metric's numbers mean, for formatting and for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A percent return (3.4 means +3.4%), printed with its sign.
    Return,
    /// Percent of a whole, such as a weight or a share of members (3.4 means 3.4%).
    Percent,
    /// Percentage points.
    Points,
    /// Basis points.
    BasisPoints,
    /// How many times another figure.
    Times,
    /// A plain ratio or level.
    Level,
    /// A whole count.
    Count,
    /// A calendar date.
    Date,
    /// A name.
    Text,
}

impl Metric {
    /// How to read this metric's values.
    pub fn kind(&self) -> Kind {
        use Metric as M;
        match self {
            M::Close(_) | M::Ratio(..) | M::Hhi(_) | M::EffectiveN(_) | M::Yield(_) => Kind::Level,
            M::Return(..) | M::MoveReturn(..) | M::PctChange(..) => Kind::Return,
            M::Spread(..) | M::TopWeightChange(..) => Kind::Points,
            M::Multiple(..) => Kind::Times,
            M::MoveStart(..) | M::MostExtremeSince(..) | M::HoldingsDate(_) => Kind::Date,
            M::PreviousHoldingsDate(_) | M::DataStart(_) => Kind::Date,
            M::MoveDays(..) | M::DaysSince(_) | M::Count(..) | M::Faded(..) => Kind::Count,
            M::Sessions(_) => Kind::Count,
            M::Similar(..) | M::SimilarFaded(..) => Kind::Count,
            M::Band(m, _, _) => m.kind(),
            M::Level(_) => Kind::Level,
            M::Basket(BasketStat::Leader | BasketStat::Laggard, ..) => Kind::Text,
            M::Basket(BasketStat::LeaderReturn | BasketStat::LaggardReturn, ..) => Kind::Return,
            M::Basket(BasketStat::Risers | BasketStat::Members, ..) | M::Rank(..) => Kind::Count,
            M::Basket(BasketStat::Dispersion, ..) => Kind::Points,
            M::BasketWeight(..) => Kind::Percent,
            M::AtMoveStart(m, ..) | M::Cleared(m, ..) => m.kind(),
            M::SinceMove(m, ..) => match m.kind() {
                Kind::Return | Kind::Percent | Kind::Points => Kind::Points,
                _ if matches!(**m, M::Yield(_)) => Kind::BasisPoints,
                _ if matches!(**m, M::Level(_)) => Kind::Points,
                other => other,
            },
            M::ClearedSince(..) => Kind::Date,
            M::Turn(Turn::PeakDate | Turn::TroughDate, ..) => Kind::Date,
            M::Turn(Turn::Peak | Turn::Trough | Turn::Line(_), ..) => Kind::Level,
            M::Turn(..) => Kind::Return,
            M::Stat(Stat::Percentile, ..) => Kind::Percent,
            M::Stat(_, m, _) | M::Ago(m, _) | M::EpisodeAt(_, m, _) => m.kind(),
            M::Change(m, _) => match m.kind() {
                Kind::Return | Kind::Percent | Kind::Points => Kind::Points,
                // A macro level such as the VIX moves in points.
                _ if matches!(**m, M::Level(_)) => Kind::Points,
                other => other,
            },
            M::History(Hist::FirstSince | Hist::LastEpisode, _) => Kind::Date,
            M::History(..) => Kind::Count,
            M::Breadth(Breadth::Counted | Breadth::Advancers | Breadth::Decliners, ..) => {
                Kind::Count
            }
            M::Breadth(Breadth::MedianFromHigh, ..) => Kind::Return,
            M::Breadth(..) | M::TopWeight(..) | M::GroupWeight(..) | M::SectorWeight(..) => {
                Kind::Percent
            }
            M::LargestSector(_) => Kind::Text,
            M::LargestSectorWeight(_) => Kind::Percent,
            M::Valuation(Valuation::Month, _) | M::Event(EventField::Date, ..) => Kind::Date,
            M::Valuation(Valuation::EarningsYield, _) => Kind::Percent,
            M::Valuation(..) => Kind::Level,
            M::YieldChange(..) | M::Curve(..) => Kind::BasisPoints,
            M::Event(..) => Kind::Level,
        }
    }

    /// The metrics this one is computed from, inner ones first, ending with itself.
    pub fn with_inputs(&self) -> Vec<Metric> {
        use Metric as M;
        let mut out = match self {
            M::Spread(a, b, w) | M::Multiple(a, b, w) => {
                vec![M::Return(a.clone(), *w), M::Return(b.clone(), *w)]
            }
            M::Ratio(a, b) | M::MoveStart(a, b, _) | M::MoveDays(a, b, _) => {
                vec![M::Close(a.clone()), M::Close(b.clone())]
            }
            M::MoveReturn(x, a, b, _) => {
                vec![
                    M::Close(x.clone()),
                    M::Close(a.clone()),
                    M::Close(b.clone()),
                ]
            }
            M::Turn(_, s, _) => vec![M::Close(s.clone())],
            M::Stat(_, m, _)
            | M::Ago(m, _)
            | M::Change(m, _)
            | M::PctChange(m, _)
            | M::MostExtremeSince(m, _)
            | M::DaysSince(m)
            | M::DataStart(m)
            | M::Faded(_, m, _)
            | M::EpisodeAt(_, m, _)
            | M::Similar(_, m, _)
            | M::SimilarFaded(_, m, _, _)
            | M::Band(m, _, _) => m.with_inputs(),
            M::YieldChange(s, _) => vec![M::Yield(s.clone())],
            M::Basket(_, b, w, _) | M::Rank(_, b, w) => {
                b.members.iter().map(|s| M::Return(s.clone(), *w)).collect()
            }
            M::BasketWeight(_, b, w, _, h) => {
                let mut v: Vec<Metric> =
                    b.members.iter().map(|s| M::Return(s.clone(), *w)).collect();
                v.extend(
                    b.sectors
                        .iter()
                        .flatten()
                        .map(|sec| M::SectorWeight(h.clone(), sec.clone())),
                );
                v
            }
            M::AtMoveStart(m, a, b, _) | M::SinceMove(m, a, b, _) => {
                let mut v = m.with_inputs();
                v.extend([M::Close(a.clone()), M::Close(b.clone())]);
                v
            }
            M::Cleared(m, _, _) | M::ClearedSince(m, _, _) => m.with_inputs(),
            M::Curve(a, b) => vec![M::Yield(a.clone()), M::Yield(b.clone())],
            _ => vec![],
        };
        out.push(self.clone());
        out
    }

    /// The data sources this metric's values come from (not counting other rules' days).
    pub fn sources(&self) -> Vec<&str> {
        use Metric as M;
        match self {
            M::Close(s) | M::Return(s, _) | M::Turn(_, s, _) => vec![s],
            M::Spread(a, b, _)
            | M::Multiple(a, b, _)
            | M::Ratio(a, b)
            | M::MoveStart(a, b, _)
            | M::MoveDays(a, b, _)
            | M::Curve(a, b) => vec![a, b],
            M::MoveReturn(x, a, b, _) => vec![x, a, b],
            M::Stat(_, m, _)
            | M::Ago(m, _)
            | M::Change(m, _)
            | M::PctChange(m, _)
            | M::MostExtremeSince(m, _)
            | M::DaysSince(m)
            | M::DataStart(m)
            | M::Faded(_, m, _)
            | M::EpisodeAt(_, m, _)
            | M::Similar(_, m, _)
            | M::SimilarFaded(_, m, _, _)
            | M::Band(m, _, _) => m.sources(),
            M::Count(..) | M::History(..) | M::Sessions(_) => vec![],
            M::Basket(_, b, ..) | M::Rank(_, b, _) => {
                b.members.iter().map(String::as_str).collect()
            }
            M::BasketWeight(_, b, _, _, h) => {
                let mut v: Vec<&str> = b.members.iter().map(String::as_str).collect();
                v.push(h);
                v
            }
            M::AtMoveStart(m, a, b, _) | M::SinceMove(m, a, b, _) => {
                let mut v = m.sources();
                v.extend([a.as_str(), b.as_str()]);
                v
            }
            M::Cleared(m, ..) | M::ClearedSince(m, ..) => m.sources(),
            M::Level(s) => vec![s],
            M::Breadth(_, s, _)
            | M::TopWeight(s, _)
            | M::TopWeightChange(s, _)
            | M::GroupWeight(s, _, _)
            | M::Hhi(s)
            | M::EffectiveN(s)
            | M::SectorWeight(s, _)
            | M::LargestSector(s)
            | M::LargestSectorWeight(s)
            | M::HoldingsDate(s)
            | M::PreviousHoldingsDate(s)
            | M::Valuation(_, s)
            | M::Yield(s)
            | M::YieldChange(s, _)
            | M::Event(_, s, _) => vec![s],
        }
    }

    /// The holdings source a figure is read from, if it is a holdings figure.
    pub fn holdings(&self) -> Option<&str> {
        use Metric as M;
        match self {
            M::TopWeight(s, _)
            | M::TopWeightChange(s, _)
            | M::GroupWeight(s, _, _)
            | M::Hhi(s)
            | M::EffectiveN(s)
            | M::SectorWeight(s, _)
            | M::LargestSector(s)
            | M::LargestSectorWeight(s)
            | M::BasketWeight(_, _, _, _, s) => Some(s),
            _ => None,
        }
    }

    /// The window a figure is measured over, if it has one.
    pub fn window(&self) -> Option<Window> {
        use Metric as M;
        match self {
            M::Return(_, w)
            | M::Spread(_, _, w)
            | M::Multiple(_, _, w)
            | M::YieldChange(_, w)
            | M::Change(_, w)
            | M::PctChange(_, w)
            | M::Count(_, w)
            | M::Basket(_, _, w, _)
            | M::Rank(_, _, w)
            | M::Cleared(_, w, _) => Some(*w),
            _ => None,
        }
    }

    /// The rules whose boolean series this metric reads, directly or through inner metrics.
    pub fn rules(&self) -> Vec<&str> {
        use Metric as M;
        match self {
            M::Count(r, _) | M::History(_, r) => vec![r.as_str()],
            M::Faded(r, m, _)
            | M::EpisodeAt(r, m, _)
            | M::Similar(r, m, _)
            | M::SimilarFaded(r, m, _, _) => {
                let mut v = m.rules();
                v.push(r.as_str());
                v
            }
            M::Stat(_, m, _)
            | M::Ago(m, _)
            | M::Change(m, _)
            | M::PctChange(m, _)
            | M::MostExtremeSince(m, _)
            | M::DaysSince(m)
            | M::DataStart(m)
            | M::Band(m, _, _)
            | M::AtMoveStart(m, ..)
            | M::SinceMove(m, ..)
            | M::Cleared(m, ..)
            | M::ClearedSince(m, ..) => m.rules(),
            _ => vec![],
        }
    }
}

fn turn_name(t: Turn) -> &'static str {
    match t {
        Turn::Line(_) => "line",
        Turn::ToLine(_) => "to_line",
        Turn::Peak => "peak",
        Turn::PeakDate => "peak_date",
        Turn::FromPeak => "from_peak",
        Turn::Trough => "trough",
        Turn::TroughDate => "trough_date",
        Turn::FromTrough => "from_trough",
    }
}

fn hist_name(h: Hist) -> &'static str {
    match h {
        Hist::Streak => "streak",
        Hist::StreakWeeks => "streak_weeks",
        Hist::FirstSince => "first_since",
        Hist::Episodes => "episodes",
        Hist::LastEpisode => "last_episode",
    }
}

fn breadth_name(b: Breadth) -> &'static str {
    match b {
        Breadth::AboveSma => "share_above_sma",
        Breadth::Counted => "members_counted",
        Breadth::AtHigh => "share_at_high",
        Breadth::AtLow => "share_at_low",
        Breadth::MedianFromHigh => "median_from_high",
        Breadth::Advancers => "advancers",
        Breadth::Decliners => "decliners",
    }
}

fn valuation_name(v: Valuation) -> &'static str {
    match v {
        Valuation::Pe => "pe",
        Valuation::Cape => "cape",
        Valuation::EarningsYield => "earnings_yield",
        Valuation::Month => "valuation_month",
    }
}

fn event_name(e: EventField) -> &'static str {
    match e {
        EventField::Actual => "actual",
        EventField::Expected => "expected",
        EventField::Surprise => "surprise",
        EventField::Date => "event_date",
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Metric as M;
        match self {
            M::Close(s) => write!(f, "close({s})"),
            M::Return(s, w) => write!(f, "return({s}, {w})"),
            M::Spread(a, b, w) => write!(f, "spread({a}, {b}, {w})"),
            M::Multiple(a, b, w) => write!(f, "multiple({a}, {b}, {w})"),
            M::Ratio(a, b) => write!(f, "ratio({a}, {b})"),
            M::MoveStart(a, b, n) => write!(f, "move_start({a}, {b}, {n}d)"),
            M::MoveReturn(x, a, b, n) => write!(f, "move_return({x}, {a}, {b}, {n}d)"),
            M::MoveDays(a, b, n) => write!(f, "move_days({a}, {b}, {n}d)"),
            M::Turn(t @ (Turn::Line(p) | Turn::ToLine(p)), s, l) => {
                write!(f, "{}({s}, {l}, {p})", turn_name(*t))
            }
            M::Turn(t, s, l) => write!(f, "{}({s}, {l})", turn_name(*t)),
            M::Stat(Stat::High, m, l) => write!(f, "high({m}, {l})"),
            M::Stat(Stat::Low, m, l) => write!(f, "low({m}, {l})"),
            M::Stat(Stat::Percentile, m, l) => write!(f, "percentile({m}, {l})"),
            M::Ago(m, w) => write!(f, "ago({m}, {w})"),
            M::Change(m, w) => write!(f, "change({m}, {w})"),
            M::PctChange(m, w) => write!(f, "pct_change({m}, {w})"),
            M::MostExtremeSince(m, high) => {
                let side = if *high { "high" } else { "low" };
                write!(f, "most_extreme_since({m}, {side})")
            }
            M::DaysSince(m) => write!(f, "days_since({m})"),
            M::DataStart(m) => write!(f, "data_start({m})"),
            M::Count(r, w) => write!(f, "count({r}, {w})"),
            M::History(h, r) => write!(f, "{}({r})", hist_name(*h)),
            M::Faded(r, m, n) => write!(f, "faded({r}, {m}, {n}d)"),
            M::EpisodeAt(r, m, n) => write!(f, "episode_at({r}, {m}, {n}d)"),
            M::Similar(r, m, p) => write!(f, "similar({r}, {m}, {p})"),
            M::SimilarFaded(r, m, p, n) => write!(f, "similar_faded({r}, {m}, {p}, {n}d)"),
            M::Band(m, p, high) => {
                let side = if *high { "band_high" } else { "band_low" };
                write!(f, "{side}({m}, {p})")
            }
            M::Breadth(b @ (Breadth::Advancers | Breadth::Decliners), s, _) => {
                write!(f, "{}({s})", breadth_name(*b))
            }
            M::Breadth(b, s, n) => write!(f, "{}({s}, {n})", breadth_name(*b)),
            M::TopWeight(s, n) => write!(f, "top_weight({s}, {n})"),
            M::TopWeightChange(s, n) => write!(f, "top_weight_change({s}, {n})"),
            M::GroupWeight(s, g, _) => write!(f, "group_weight({s}, {g})"),
            M::Hhi(s) => write!(f, "hhi({s})"),
            M::EffectiveN(s) => write!(f, "effective_n({s})"),
            M::SectorWeight(s, sec) => write!(f, "sector_weight({s}, \"{sec}\")"),
            M::LargestSector(s) => write!(f, "largest_sector({s})"),
            M::LargestSectorWeight(s) => write!(f, "largest_sector_weight({s})"),
            M::HoldingsDate(s) => write!(f, "holdings_date({s})"),
            M::PreviousHoldingsDate(s) => write!(f, "previous_holdings_date({s})"),
            M::Valuation(v, s) => write!(f, "{}({s})", valuation_name(*v)),
            M::Yield(s) => write!(f, "yield({s})"),
            M::YieldChange(s, w) => write!(f, "yield_change({s}, {w})"),
            M::Curve(a, b) => write!(f, "curve({a}, {b})"),
            M::Event(e, s, k) => write!(f, "{}({s}, \"{k}\")", event_name(*e)),
            M::Sessions(w) => write!(f, "sessions({w})"),
            M::Level(s) => write!(f, "level({s})"),
            M::Basket(stat, b, w, n) => {
                let k = &b.key;
                match stat {
                    BasketStat::Leader => write!(f, "leader({k}, {w}, {n})"),
                    BasketStat::LeaderReturn => write!(f, "leader_return({k}, {w}, {n})"),
                    BasketStat::Laggard => write!(f, "laggard({k}, {w}, {n})"),
                    BasketStat::LaggardReturn => write!(f, "laggard_return({k}, {w}, {n})"),
                    BasketStat::Risers => write!(f, "risers({k}, {w})"),
                    BasketStat::Members => write!(f, "basket_size({k}, {w})"),
                    BasketStat::Dispersion => write!(f, "dispersion({k}, {w})"),
                }
            }
            M::BasketWeight(leader, b, w, n, h) => {
                let which = if *leader {
                    "leader_weight"
                } else {
                    "laggard_weight"
                };
                write!(f, "{which}({}, {w}, {n}, {h})", b.key)
            }
            M::Rank(s, b, w) => write!(f, "rank({s}, {}, {w})", b.key),
            M::AtMoveStart(m, a, b, n) => write!(f, "at_move_start({m}, {a}, {b}, {n}d)"),
            M::SinceMove(m, a, b, n) => write!(f, "since_move({m}, {a}, {b}, {n}d)"),
            M::Cleared(m, w, k) => write!(f, "cleared({m}, {w}, {k})"),
            M::ClearedSince(m, w, k) => write!(f, "cleared_since({m}, {w}, {k})"),
        }
    }
}
