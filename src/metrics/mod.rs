//! Named metrics, each computed once as a column over the whole trading calendar.
//!
//! A [`Metric`] is what a rule can name (`return(small_caps, 21d)`); [`compute`] turns the set
//! of metrics a run needs into one polars frame with a `date` column and one column per metric,
//! so that a brief for any date is a row of it and history questions are column operations.

mod anchor;
mod basket;
mod breadth;
mod call;
mod describe;
mod entity;
mod events;
mod history;
mod holdings;
mod metric;
mod rates;
mod returns;
mod stats;
pub(crate) use stats::percentile;
mod thresholds;
mod turning;
mod valuation;
mod windows;

pub use breadth::median;
pub use call::{CallError, FUNCTIONS};
pub use entity::{fund_rows, mapped as with_series, WARM_UP};
pub use metric::{
    Basket, BasketStat, Breadth, EventField, Hist, Kind, Lookback, Metric, Stat, Turn, Valuation,
    Window,
};
pub use windows::spans as window_spans;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use polars::prelude::*;

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

impl Value {
    /// How the value reads when no metric says (a built-in fact): a number as a level.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Number(_) => Kind::Level,
            Value::Count(_) => Kind::Count,
            Value::Date(_) => Kind::Date,
            Value::Text(_) => Kind::Text,
        }
    }
}

/// Every metric a run needs, one column each, over the trading calendar.
#[derive(Debug, Clone)]
pub struct MetricFrame {
    /// `date` (days since 1970-01-01, Int32) and one column per metric, named by its
    /// [`Metric`] display. Date-valued metrics are Int32 days too.
    pub frame: DataFrame,
    /// The trading calendar, one entry per row.
    pub calendar: Vec<NaiveDate>,
    kinds: BTreeMap<String, Kind>,
    /// Each basket's members ranked on every row, per window: built once, read by every
    /// basket metric of that window.
    ranked: basket::Ranked,
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

    /// The first and last dates on which `metric` has a value.
    pub fn defined_range(&self, metric: &Metric) -> Option<(NaiveDate, NaiveDate)> {
        let col = self.frame.column(&metric.to_string()).ok()?;
        let first = (0..col.len()).find(|&i| self.value(metric, i).is_some())?;
        let last = (0..col.len())
            .rev()
            .find(|&i| self.value(metric, i).is_some())?;
        Some((self.calendar[first], self.calendar[last]))
    }

    /// Whether the frame has a column for `metric`.
    pub fn has(&self, metric: &Metric) -> bool {
        self.kinds.contains_key(&metric.to_string())
    }

    /// A numeric (or date) column as plain values; NaN and infinities read as missing.
    pub fn numbers(&self, metric: &Metric) -> PolarsResult<Vec<Option<f64>>> {
        let c = self
            .frame
            .column(&metric.to_string())?
            .cast(&DataType::Float64)?;
        Ok(c.f64()?
            .iter()
            .map(|v| v.filter(|x| x.is_finite()))
            .collect())
    }

    /// A frame of columns computed earlier (read from the cache): `metrics` names what each
    /// column is.
    pub fn from_columns(frame: DataFrame, calendar: Vec<NaiveDate>, metrics: &[Metric]) -> Self {
        let kinds = (metrics.iter())
            .map(|m| (m.to_string(), m.kind()))
            .filter(|(name, _)| frame.column(name).is_ok())
            .collect();
        MetricFrame {
            frame,
            calendar,
            kinds,
            ranked: Default::default(),
        }
    }

    /// Adds a column of numbers (or of dates as days, for date-valued metrics) for `metric`.
    pub fn push(&mut self, metric: &Metric, values: Vec<Option<f64>>) -> PolarsResult<()> {
        let name = metric.to_string();
        let column = if metric.kind() == Kind::Date {
            let days: Vec<Option<i32>> = values.iter().map(|v| v.map(|x| x as i32)).collect();
            Column::new(name.as_str().into(), days)
        } else {
            Column::new(name.as_str().into(), values)
        };
        self.push_column(metric, column)
    }

    fn push_column(&mut self, metric: &Metric, column: Column) -> PolarsResult<()> {
        self.frame.with_column(column)?;
        self.kinds.insert(metric.to_string(), metric.kind());
        Ok(())
    }

    /// Computes a metric whose inputs are columns of this frame (and, for history metrics,
    /// rule columns of `held`). Returns `false` for metrics read straight from data.
    pub fn derive(&mut self, m: &Metric, held: Option<&DataFrame>) -> PolarsResult<bool> {
        if self.has(m) {
            return Ok(true);
        }
        if matches!(
            m,
            Metric::Basket(..) | Metric::BasketWeight(..) | Metric::Rank(..)
        ) {
            let column = basket::column(self, m)?;
            self.push_column(m, column)?;
            return Ok(true);
        }
        let values = match m {
            Metric::Turn(..) => turning::column(self, m)?,
            Metric::MoveStart(..)
            | Metric::MoveReturn(..)
            | Metric::MoveDays(..)
            | Metric::AtMoveStart(..)
            | Metric::SinceMove(..) => anchor::column(self, m)?,
            Metric::Cleared(..) | Metric::ClearedSince(..) => thresholds::column(self, m)?,
            Metric::Stat(..)
            | Metric::Ago(..)
            | Metric::Change(..)
            | Metric::PctChange(..)
            | Metric::MostExtremeSince(..)
            | Metric::DaysSince(_)
            | Metric::DataStart(_)
            | Metric::Band(..) => stats::column(self, m)?,
            Metric::Count(..)
            | Metric::History(..)
            | Metric::Faded(..)
            | Metric::EpisodeAt(..)
            | Metric::Similar(..)
            | Metric::SimilarFaded(..) => match held {
                Some(held) => history::column(self, held, m)?,
                None => return Ok(false),
            },
            Metric::YieldChange(..) | Metric::Curve(..) => rates::derived(self, m)?,
            Metric::Sessions(w) => windows::spans(&self.calendar, *w)
                .iter()
                .map(|s| s.map(|(b, e)| (e - b) as f64))
                .collect(),
            _ => return Ok(false),
        };
        self.push(m, values)?;
        Ok(true)
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

/// Every metric in `wanted` with its inputs, inner ones first, each once.
pub fn in_dependency_order(wanted: &BTreeSet<Metric>) -> Vec<Metric> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in wanted.iter().flat_map(Metric::with_inputs) {
        if seen.insert(m.clone()) {
            out.push(m);
        }
    }
    out
}

/// Computes every metric in `wanted` (and the metrics they are built from) over the calendar,
/// except those that read rules' boolean series: [`MetricFrame::derive`] adds those once the
/// rules they read are evaluated.
pub fn compute(data: &Dataset, wanted: &BTreeSet<Metric>) -> Result<MetricFrame, MetricsError> {
    // An index with a fund: each metric on it, inputs included, is computed on the fund too,
    // and the two are combined row by row once every column is there.
    let variants = entity::fund_variants(in_dependency_order(wanted).iter(), &data.funds);
    let mut wanted = wanted.clone();
    wanted.extend(variants.iter().map(|(_, fund)| fund.clone()));
    let all: Vec<Metric> = in_dependency_order(&wanted)
        .into_iter()
        .filter(|m| m.rules().is_empty())
        .collect();
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
    let mut members_needed: BTreeMap<&str, BTreeSet<(Breadth, usize)>> = BTreeMap::new();
    for m in &all {
        if let Metric::Breadth(b, s, n) = m {
            members_needed
                .entry(s.as_str())
                .or_default()
                .insert((*b, *n));
        }
    }
    // Breadth reads every member's whole history: one thread per members source.
    let mut member_sources = Vec::new();
    for (symbol, wanted) in members_needed {
        match data.get(symbol) {
            Some(
                loaded @ crate::data::Loaded {
                    content: Content::Members(m),
                    ..
                },
            ) => member_sources.push((symbol, m, wanted, loaded.cache_key.as_ref())),
            _ => {
                let (b, n) = *wanted.first().expect("a measure was asked for");
                let metric = Metric::Breadth(b, symbol.into(), n);
                return Err(wrong(&metric, symbol, "members"));
            }
        }
    }
    let breadth_frames = std::thread::scope(|scope| {
        let handles: Vec<_> = (member_sources.iter())
            .map(|(symbol, members, wanted, key)| {
                let cache = data.cache_dir.as_deref().zip(*key);
                scope.spawn(move || {
                    let _p =
                        crate::profile::phase(|| format!("4 metrics: breadth {symbol} (thread)"));
                    breadth::frame(symbol, members, wanted, cache)
                })
            })
            .collect();
        (handles.into_iter())
            .map(|h| h.join().expect("a breadth thread does not panic"))
            .collect::<PolarsResult<Vec<_>>>()
    })?;
    let _p0 = crate::profile::phase(|| "4c metrics: lazy plan building".into());
    for frame in breadth_frames {
        lf = lf.left_join(frame, col("date"), col("date"));
    }
    // Columns built from the joined ones.
    let mut derived = Vec::new();
    for m in &all {
        let name = m.to_string();
        let ret = |s: &String, w: &Window| col(Metric::Return(s.clone(), *w).to_string());
        match m {
            Metric::Spread(a, b, w) => derived.push((ret(a, w) - ret(b, w)).alias(name)),
            Metric::Multiple(a, b, w) => derived.push(
                when(ret(a, w).gt(lit(0.0)).and(ret(b, w).gt(lit(0.0))))
                    .then(ret(a, w) / ret(b, w))
                    .otherwise(lit(NULL).cast(DataType::Float64))
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
    let p = crate::profile::phase(|| "4a metrics: polars collect (returns, joins)".into());
    let frame = lf.collect()?;
    drop(p);
    let _p = crate::profile::phase(|| "4b metrics: derived and non-daily columns".into());
    let kinds = all
        .iter()
        .map(|m| (m.to_string(), m.kind()))
        .filter(|(name, _)| frame.column(name).is_ok())
        .collect();
    let mut out = MetricFrame {
        frame,
        calendar: data.calendar.clone(),
        kinds,
        ranked: Default::default(),
    };
    // Columns read from non-daily data, then columns built from other columns, in order.
    for m in &all {
        if out.has(m) {
            continue;
        }
        let _pm = crate::profile::phase(|| {
            let name = m.to_string();
            format!("4b  {}", name.split('(').next().unwrap_or(&name))
        });
        if let Some(column) = holdings::column(data, m, &data.calendar) {
            let column = column.map_err(|w| wrong(m, w, "holdings"))?;
            out.push_column(m, column)?;
        } else if let Some(values) = valuation::column(data, m, &data.calendar) {
            out.push(m, values.map_err(|w| wrong(m, w, "valuation data"))?)?;
        } else if let Some(values) = events::column(data, m, &data.calendar) {
            out.push(m, values.map_err(|w| wrong(m, w, "events"))?)?;
        } else if let Some(values) = rates::column(data, m, &data.calendar) {
            out.push(m, values.map_err(|w| wrong(m, w, "daily series"))?)?;
        } else if !out.derive(m, None)? {
            unreachable!("every metric without rules is computed here: {m}");
        }
    }
    entity::combine(&mut out, &variants, &data.fund_rows)?;
    Ok(out)
}

fn wrong(metric: &Metric, symbol: &str, wanted: &'static str) -> MetricsError {
    MetricsError::WrongSource {
        metric: metric.to_string(),
        symbol: symbol.to_string(),
        wanted,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    /// A dataset holding one source, `symbol`, read as `format` in `role`, with `content`.
    pub fn dataset_of(symbol: &str, format: &str, role: &str, content: Content) -> Dataset {
        let text = format!(
            "rules: r\nsources:\n  - {{symbol: X, name: X, file: x.csv, format: yahoo, role: index}}\n  - {{symbol: {symbol}, name: {symbol}, file: f.csv, format: {format}, role: {role}}}\n"
        );
        let config =
            crate::config::RunConfig::parse(std::path::Path::new("run.yaml"), &text).unwrap();
        Dataset {
            cache_dir: None,
            funds: Default::default(),
            fund_rows: vec![],
            calendar: vec![],
            sources: vec![crate::data::Loaded {
                source: config.sources[1].clone(),
                content,
                notes: vec![],
                cache_key: None,
            }],
            warnings: vec![],
        }
    }

    /// A frame over the weekdays from Monday 2024-01-01, with the named columns.
    pub fn frame_of(cols: &[(&str, Vec<f64>)]) -> MetricFrame {
        let rows = cols.first().map_or(0, |c| c.1.len());
        let calendar: Vec<NaiveDate> = NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .iter_days()
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .take(rows)
            .collect();
        let mut columns = vec![Column::new(
            "date".into(),
            calendar.iter().map(|d| to_days(*d)).collect::<Vec<_>>(),
        )];
        let mut kinds = BTreeMap::new();
        for (name, values) in cols {
            columns.push(Column::new((*name).into(), values.clone()));
            kinds.insert(name.to_string(), Kind::Level);
        }
        MetricFrame {
            frame: DataFrame::new_infer_height(columns).unwrap(),
            calendar,
            kinds,
            ranked: Default::default(),
        }
    }
}
