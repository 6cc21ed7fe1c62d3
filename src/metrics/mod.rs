//! Named metrics, each computed once as a column over the whole trading calendar.
//!
//! A [`Metric`] is what a rule can name (`return(small_caps, 21d)`); [`compute`] turns the set
//! of metrics a run needs into one polars frame with a `date` column and one column per metric,
//! so that a brief for any date is a row of it and history questions are column operations.

mod breadth;
mod holdings;
mod returns;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::{Role, RunConfig};
use crate::data::{Content, Dataset};

/// Errors while computing metrics: these are bugs or impossible data, not user mistakes.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// Polars refused an operation.
    #[error("computing metrics: {0}")]
    Polars(#[from] PolarsError),
    /// A metric names a source whose data is of another kind.
    #[error("metric {metric}: source '{symbol}' holds no {wanted}")]
    WrongSource {
        /// The metric.
        metric: String,
        /// The source it names.
        symbol: String,
        /// What it needed.
        wanted: &'static str,
    },
}

/// A return window.
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
}

impl Window {
    /// Parses `1d`, `21d`, `wtd`, `mtd`, `qtd`, `ytd`.
    pub fn parse(s: &str) -> Option<Window> {
        match s {
            "wtd" => Some(Window::WeekToDate),
            "mtd" => Some(Window::MonthToDate),
            "qtd" => Some(Window::QuarterToDate),
            "ytd" => Some(Window::YearToDate),
            _ => {
                let n: usize = s.strip_suffix('d')?.parse().ok()?;
                (n > 0).then_some(Window::Days(n))
            }
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
        }
    }
}

/// A metric a rule, a fact or the comparison table can name. Symbols are resolved source
/// symbols (universe names are gone by now).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Closing level of an index.
    Close(String),
    /// Percent return of an index over a window.
    Return(String, Window),
    /// Return of the first minus return of the second, in percentage points.
    Spread(String, String, Window),
    /// Closing level of the first divided by the second.
    Ratio(String, String),
    /// Percent of members closing above their N-day simple average.
    ShareAboveSma(String, usize),
    /// How many members had N days of history (the denominator of the share).
    MembersCounted(String, usize),
    /// Summed weight of the N largest holdings, percent.
    TopWeight(String, usize),
    /// Weight of one sector, percent.
    SectorWeight(String, String),
    /// Name of the largest sector.
    LargestSector(String),
    /// Weight of the largest sector, percent.
    LargestSectorWeight(String),
    /// Date of the holdings snapshot in use.
    HoldingsDate(String),
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
    /// A plain ratio or level.
    Level,
    /// A whole count.
    Count,
    /// A calendar date.
    Date,
    /// A name.
    Text,
}

/// Names of the metric functions, for messages.
pub const FUNCTIONS: &[&str] = &[
    "close(index)",
    "return(index, window)",
    "spread(index, index, window)",
    "ratio(index, index)",
    "share_above_sma(index, days)",
    "members_counted(index, days)",
    "top_weight(index, n)",
    "sector_weight(index, \"Sector\")",
    "largest_sector(index)",
    "largest_sector_weight(index)",
    "holdings_date(index)",
];

impl Metric {
    /// Builds a metric from a call as written in a rule, resolving universe names and linked
    /// member and holdings sources through the run file.
    pub fn from_call(name: &str, args: &[String], config: &RunConfig) -> Result<Metric, String> {
        let arity = match name {
            "close" | "largest_sector" | "largest_sector_weight" | "holdings_date" => 1,
            "return" | "ratio" | "share_above_sma" | "members_counted" | "top_weight"
            | "sector_weight" => 2,
            "spread" => 3,
            _ => {
                let known = FUNCTIONS.join(", ");
                return Err(format!("unknown metric '{name}' (known: {known})"));
            }
        };
        if args.len() != arity {
            return Err(format!(
                "{name}() takes {arity} arguments, got {}",
                args.len()
            ));
        }
        let index = |i: usize| resolve(config, &args[i], Role::Index);
        let members = |i: usize| resolve(config, &args[i], Role::Members);
        let holdings = |i: usize| resolve(config, &args[i], Role::Holdings);
        let window = |i: usize| {
            Window::parse(&args[i]).ok_or_else(|| {
                format!(
                    "'{}' is not a window (1d, 21d, wtd, mtd, qtd, ytd)",
                    args[i]
                )
            })
        };
        let count = |i: usize| match args[i].parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("'{}' is not a positive whole number", args[i])),
        };
        Ok(match name {
            "close" => Metric::Close(index(0)?),
            "return" => Metric::Return(index(0)?, window(1)?),
            "spread" => Metric::Spread(index(0)?, index(1)?, window(2)?),
            "ratio" => Metric::Ratio(index(0)?, index(1)?),
            "share_above_sma" => Metric::ShareAboveSma(members(0)?, count(1)?),
            "members_counted" => Metric::MembersCounted(members(0)?, count(1)?),
            "top_weight" => Metric::TopWeight(holdings(0)?, count(1)?),
            "sector_weight" => Metric::SectorWeight(holdings(0)?, args[1].clone()),
            "largest_sector" => Metric::LargestSector(holdings(0)?),
            "largest_sector_weight" => Metric::LargestSectorWeight(holdings(0)?),
            _ => Metric::HoldingsDate(holdings(0)?),
        })
    }

    /// How to read this metric's values.
    pub fn kind(&self) -> Kind {
        match self {
            Metric::Close(_) | Metric::Ratio(..) => Kind::Level,
            Metric::Spread(..) => Kind::Points,
            Metric::MembersCounted(..) => Kind::Count,
            Metric::LargestSector(_) => Kind::Text,
            Metric::HoldingsDate(_) => Kind::Date,
            Metric::Return(..) => Kind::Return,
            _ => Kind::Percent,
        }
    }

    /// The metrics this one is computed from (itself included), so helpers get computed too.
    fn with_inputs(&self) -> Vec<Metric> {
        let mut out = vec![self.clone()];
        match self {
            Metric::Spread(a, b, w) => {
                out.push(Metric::Return(a.clone(), *w));
                out.push(Metric::Return(b.clone(), *w));
            }
            Metric::Ratio(a, b) => {
                out.push(Metric::Close(a.clone()));
                out.push(Metric::Close(b.clone()));
            }
            _ => {}
        }
        out
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::Close(s) => write!(f, "close({s})"),
            Metric::Return(s, w) => write!(f, "return({s}, {w})"),
            Metric::Spread(a, b, w) => write!(f, "spread({a}, {b}, {w})"),
            Metric::Ratio(a, b) => write!(f, "ratio({a}, {b})"),
            Metric::ShareAboveSma(s, n) => write!(f, "share_above_sma({s}, {n})"),
            Metric::MembersCounted(s, n) => write!(f, "members_counted({s}, {n})"),
            Metric::TopWeight(s, n) => write!(f, "top_weight({s}, {n})"),
            Metric::SectorWeight(s, sec) => write!(f, "sector_weight({s}, \"{sec}\")"),
            Metric::LargestSector(s) => write!(f, "largest_sector({s})"),
            Metric::LargestSectorWeight(s) => write!(f, "largest_sector_weight({s})"),
            Metric::HoldingsDate(s) => write!(f, "holdings_date({s})"),
        }
    }
}

/// Resolves a rule's argument to a source symbol of `role`: a universe name or symbol of an
/// index, or (for members and holdings) the source linked to that index with `of:`.
fn resolve(config: &RunConfig, arg: &str, role: Role) -> Result<String, String> {
    let source = config
        .resolve(arg)
        .ok_or_else(|| format!("'{arg}' is neither a universe name nor a source symbol"))?;
    if source.role == role {
        return Ok(source.symbol.clone());
    }
    if source.role == Role::Index {
        if let Some(linked) = config.linked(&source.symbol, role) {
            return Ok(linked.symbol.clone());
        }
    }
    let what = match role {
        Role::Members => "member",
        Role::Holdings => "holdings",
        Role::Index => "index",
        Role::Macro => "macro",
    };
    Err(format!(
        "'{arg}' has no {what} data (link a source to '{}' with 'of:')",
        source.symbol
    ))
}

/// One value of a metric on one date.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number, in the metric's [`Kind`].
    Number(f64),
    /// A whole count.
    Count(i64),
    /// A date.
    Date(NaiveDate),
    /// A name.
    Text(String),
}

/// Every metric a run needs, one column each, over the trading calendar.
#[derive(Debug, Clone)]
pub struct MetricFrame {
    /// `date` (days since 1970-01-01, Int32) and one column per metric, named by its
    /// [`Metric`] display.
    pub frame: DataFrame,
    /// The trading calendar, one entry per row.
    pub calendar: Vec<NaiveDate>,
    kinds: BTreeMap<String, Kind>,
}

impl MetricFrame {
    /// The value of `metric` on row `row`, or `None` where it is not defined.
    pub fn value(&self, metric: &Metric, row: usize) -> Option<Value> {
        let name = metric.to_string();
        let col = self.frame.column(&name).ok()?;
        let v = col.get(row).ok()?;
        match self.kinds.get(&name)? {
            Kind::Date => v.extract::<i32>().map(|d| Value::Date(from_days(d))),
            Kind::Text => v.get_str().map(|s| Value::Text(s.to_string())),
            Kind::Count => v.extract::<f64>().map(|x| Value::Count(x.round() as i64)),
            _ => v
                .extract::<f64>()
                .filter(|x| x.is_finite())
                .map(Value::Number),
        }
    }

    /// The row of the last trading day on or before `date`.
    pub fn row_on_or_before(&self, date: NaiveDate) -> Option<usize> {
        self.calendar.partition_point(|d| *d <= date).checked_sub(1)
    }
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!("epoch"),
};

/// Days since 1970-01-01, the date encoding of every frame here.
pub fn to_days(d: NaiveDate) -> i32 {
    (d - EPOCH).num_days() as i32
}

/// The inverse of [`to_days`].
pub fn from_days(days: i32) -> NaiveDate {
    EPOCH + chrono::Duration::days(days as i64)
}

/// Computes every metric in `wanted` (and the helpers they are built from) over the calendar.
pub fn compute(data: &Dataset, wanted: &BTreeSet<Metric>) -> Result<MetricFrame, MetricsError> {
    let all: BTreeSet<Metric> = wanted.iter().flat_map(Metric::with_inputs).collect();
    let days: Vec<i32> = data.calendar.iter().map(|d| to_days(*d)).collect();
    let mut lf = DataFrame::new_infer_height(vec![Column::new("date".into(), days)])?.lazy();

    // Per-series columns (closes, returns) are computed on each series' own dates, then joined.
    let mut by_series: BTreeMap<&str, Vec<&Metric>> = BTreeMap::new();
    for m in &all {
        if let Metric::Close(s) | Metric::Return(s, _) = m {
            by_series.entry(s.as_str()).or_default().push(m);
        }
    }
    for (symbol, metrics) in by_series {
        let series = match data.get(symbol).map(|l| &l.content) {
            Some(Content::Series(s)) => s,
            _ => return Err(wrong(metrics[0], symbol, "daily series")),
        };
        lf = lf.left_join(returns::frame(series, &metrics)?, col("date"), col("date"));
    }
    let mut members_needed: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for m in &all {
        if let Metric::ShareAboveSma(s, n) | Metric::MembersCounted(s, n) = m {
            members_needed.entry(s.as_str()).or_default().insert(*n);
        }
    }
    for (symbol, windows) in members_needed {
        let members = match data.get(symbol).map(|l| &l.content) {
            Some(Content::Members(m)) => m,
            _ => {
                let smallest = *windows.first().expect("a window was asked for");
                let metric = Metric::ShareAboveSma(symbol.into(), smallest);
                return Err(wrong(&metric, symbol, "members"));
            }
        };
        lf = lf.left_join(
            breadth::frame(symbol, members, &windows)?,
            col("date"),
            col("date"),
        );
    }
    // Columns built from the joined ones.
    let mut derived = Vec::new();
    for m in &all {
        let name = m.to_string();
        match m {
            Metric::Spread(a, b, w) => derived.push(
                (col(Metric::Return(a.clone(), *w).to_string())
                    - col(Metric::Return(b.clone(), *w).to_string()))
                .alias(name),
            ),
            Metric::Ratio(a, b) => derived.push(
                (col(Metric::Close(a.clone()).to_string())
                    / col(Metric::Close(b.clone()).to_string()))
                .alias(name),
            ),
            _ => {}
        }
    }
    if !derived.is_empty() {
        lf = lf.with_columns(derived);
    }
    let mut frame = lf.collect()?;
    for m in &all {
        if let Some(column) = holdings::column(data, m, &data.calendar) {
            frame.with_column(column.map_err(|w| wrong(m, w, "holdings"))?)?;
        }
    }
    let kinds = all.iter().map(|m| (m.to_string(), m.kind())).collect();
    Ok(MetricFrame {
        frame,
        calendar: data.calendar.clone(),
        kinds,
    })
}

fn wrong(metric: &Metric, symbol: &str, wanted: &'static str) -> MetricsError {
    MetricsError::WrongSource {
        metric: metric.to_string(),
        symbol: symbol.to_string(),
        wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> RunConfig {
        let text = "
rules: r
sources:
  - {symbol: SPY, name: S&P 500, file: spy.csv, format: yahoo, role: index}
  - {symbol: QQQ, name: Nasdaq-100, file: qqq.csv, format: yahoo, role: index}
  - {symbol: SPX_M, name: members, file: m.csv, format: matrix, role: members, of: SPY}
universe: {large_caps: SPY}
";
        RunConfig::parse(Path::new("run.yaml"), text).unwrap()
    }

    fn call(name: &str, args: &[&str]) -> Result<Metric, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Metric::from_call(name, &args, &config())
    }

    #[test]
    fn calls_resolve_universe_names_and_linked_sources() {
        assert_eq!(
            call("return", &["large_caps", "ytd"]),
            Ok(Metric::Return("SPY".into(), Window::YearToDate))
        );
        assert_eq!(
            call("share_above_sma", &["large_caps", "200"]),
            Ok(Metric::ShareAboveSma("SPX_M".into(), 200))
        );
        assert_eq!(
            call("return", &["SPY", "21d"]).unwrap().to_string(),
            "return(SPY, 21d)"
        );
    }

    #[test]
    fn bad_calls_say_why() {
        assert_eq!(
            call("spread", &["SPY", "QQQ"]),
            Err("spread() takes 3 arguments, got 2".into())
        );
        assert!(call("return", &["SPY", "1m"])
            .unwrap_err()
            .contains("'1m' is not a window"));
        assert!(call("return", &["SPY", "0d"])
            .unwrap_err()
            .contains("not a window"));
        assert!(call("top_weight", &["SPY", "ten"])
            .unwrap_err()
            .contains("no holdings data"));
        assert!(call("share_above_sma", &["QQQ", "200"])
            .unwrap_err()
            .contains("'QQQ' has no member data"));
    }
}
