//! Reading market data: the real formats in which it is published, checked on load, and one
//! trading calendar for the run.
//!
//! Every reader returns plain columns (dates and values) or a clear [`DataError`] that names the
//! file, the line and the column. Nothing downstream ever sees an unsorted date or a cell that
//! was not a number.

pub mod cache;
mod check;
mod events;
pub mod frame_cache;
mod fred;
mod ishares;
mod matrix;
mod parquet;
mod shiller;
mod yahoo;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::{Format, Role, RunConfig, Source};

use check::DateOrder;

/// Everything that can be wrong with a data file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The data file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A required column is not in the header.
    #[error("{path}:{line}: missing column '{column}' (header has: {found})")]
    MissingColumn {
        /// The data file.
        path: PathBuf,
        /// The header line.
        line: usize,
        /// The column that was looked for.
        column: String,
        /// The columns that were there.
        found: String,
    },
    /// A cell that should hold a date or a number does not.
    #[error("{path}:{line}: column '{column}': {problem} '{value}'")]
    BadCell {
        /// The data file.
        path: PathBuf,
        /// The line of the cell.
        line: usize,
        /// The column of the cell.
        column: String,
        /// What was expected, e.g. "not a number".
        problem: &'static str,
        /// The cell as written.
        value: String,
    },
    /// Dates must strictly increase down the file.
    #[error("{path}:{line}: column '{column}': date {date} {problem} (line {previous_line} has {previous})")]
    DateOrder {
        /// The data file.
        path: PathBuf,
        /// The line of the offending date.
        line: usize,
        /// The date column's name.
        column: String,
        /// The offending date.
        date: NaiveDate,
        /// "repeats" or "is out of order".
        problem: &'static str,
        /// The date before it.
        previous: NaiveDate,
        /// The line of the date before it.
        previous_line: usize,
    },
    /// The CSV itself is malformed (e.g. a row with the wrong number of fields).
    #[error("{path}:{line}: malformed CSV: {message}")]
    Malformed {
        /// The data file.
        path: PathBuf,
        /// The line where parsing failed.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A file that holds no usable row.
    #[error("{path}: no data rows")]
    Empty {
        /// The data file.
        path: PathBuf,
    },
    /// A holdings file whose date is neither in the file nor in the run file.
    #[error(
        "{path}: no 'Fund Holdings as of' line; give the snapshot date as 'as_of' in the run file"
    )]
    UndatedHoldings {
        /// The holdings file.
        path: PathBuf,
    },
    /// Parquet could not be read.
    #[error("{path}: parquet: {message}")]
    Parquet {
        /// The data file.
        path: PathBuf,
        /// Polars' message.
        message: String,
    },
}

/// Observations of one series, in date order, without blanks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Observation dates, strictly increasing.
    pub dates: Vec<NaiveDate>,
    /// One value per date.
    pub values: Vec<f64>,
}

/// Daily closes of every member of an index, on the matrix's own dates.
#[derive(Debug, Clone, Default)]
pub struct Members {
    /// Dates, strictly increasing.
    pub dates: Vec<NaiveDate>,
    /// Member tickers.
    pub tickers: Vec<String>,
    /// How many members have a close on each date.
    pub listed: Vec<u32>,
    /// `closes[t][d]`: ticker `t` on date `d`; `None` before listing. Read from the cache,
    /// they are decoded only when first asked for (breadth kept in the cache needs none).
    closes: std::sync::OnceLock<Vec<Vec<Option<f64>>>>,
    /// The closes as the cache keeps them (per ticker, each date's f64, NaN when missing).
    packed: Option<std::sync::Arc<Vec<u8>>>,
}

impl PartialEq for Members {
    fn eq(&self, o: &Members) -> bool {
        self.dates == o.dates && self.tickers == o.tickers && self.closes() == o.closes()
    }
}

impl Members {
    /// Members from their closes, `closes[t][d]` for ticker `t` on date `d`.
    pub fn new(dates: Vec<NaiveDate>, tickers: Vec<String>, closes: Vec<Vec<Option<f64>>>) -> Self {
        let listed = (0..dates.len())
            .map(|d| {
                closes
                    .iter()
                    .filter(|c| c.get(d).is_some_and(Option::is_some))
                    .count() as u32
            })
            .collect();
        Members {
            dates,
            tickers,
            listed,
            closes: std::sync::OnceLock::from(closes),
            packed: None,
        }
    }

    /// Members whose closes stay packed until asked for.
    pub(crate) fn packed(
        dates: Vec<NaiveDate>,
        tickers: Vec<String>,
        listed: Vec<u32>,
        packed: Vec<u8>,
    ) -> Self {
        Members {
            dates,
            tickers,
            listed,
            closes: std::sync::OnceLock::new(),
            packed: Some(std::sync::Arc::new(packed)),
        }
    }

    /// `closes()[t][d]`: ticker `t` on date `d`; `None` before listing.
    pub fn closes(&self) -> &[Vec<Option<f64>>] {
        self.closes.get_or_init(|| {
            let n = self.dates.len().max(1);
            let bytes = self.packed.as_deref().map_or(&[][..], Vec::as_slice);
            (bytes.chunks(8 * n))
                .map(|col| {
                    (col.chunks_exact(8))
                        .map(|b| f64::from_le_bytes(b.try_into().expect("eight bytes")))
                        .map(|x| (!x.is_nan()).then_some(x))
                        .collect()
                })
                .collect()
        })
    }
}

/// One equity position of a fund.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    /// Exchange ticker.
    pub ticker: String,
    /// Company name.
    pub name: String,
    /// GICS sector as the fund writes it.
    pub sector: String,
    /// Weight in the fund, in percent.
    pub weight: f64,
}

/// The equity holdings of a fund on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The date the holdings are as of.
    pub as_of: NaiveDate,
    /// The file it came from.
    pub file: PathBuf,
    /// Equity positions only (cash, futures and untraded rights dropped).
    pub holdings: Vec<Holding>,
}

/// Monthly valuation rows, one per month (dated the first), missing values as `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Monthly {
    /// The first day of each month, strictly increasing.
    pub dates: Vec<NaiveDate>,
    /// The index level (Shiller: the month's average).
    pub price: Vec<Option<f64>>,
    /// Trailing twelve-month earnings per share of the index.
    pub earnings: Vec<Option<f64>>,
    /// Cyclically adjusted P/E.
    pub cape: Vec<Option<f64>>,
}

/// One dated macro event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The day it was published.
    pub date: NaiveDate,
    /// What it is, as rules name it (e.g. `CPI`).
    pub kind: String,
    /// The reported figure.
    pub actual: f64,
    /// The consensus expectation, if known.
    pub expected: Option<f64>,
    /// How prose may name it ("June CPI").
    pub label: Option<String>,
}

/// What a source holds once read.
#[derive(Debug, Clone)]
pub enum Content {
    /// An index, fund or macro series.
    Series(Series),
    /// A member matrix.
    Members(Members),
    /// Holdings snapshots, oldest first.
    Holdings(Vec<Snapshot>),
    /// Monthly valuation data.
    Valuation(Monthly),
    /// An events calendar, in date order.
    Events(Vec<Event>),
}

/// A source and what was read from it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The source as configured.
    pub source: Source,
    /// Its data.
    pub content: Content,
    /// What its reader had to leave out, for the brief's note beside the source ("62 closes
    /// of zero or below (DEC) are read as missing").
    pub notes: Vec<String>,
    /// Its key in the cache of parsed sources (None when the cache is off), for figures
    /// computed from it alone.
    pub cache_key: Option<cache::Key>,
}

impl Loaded {
    /// The last date this source has data for.
    pub fn last_date(&self) -> Option<NaiveDate> {
        match &self.content {
            Content::Series(s) => s.dates.last().copied(),
            Content::Members(m) => m.dates.last().copied(),
            Content::Holdings(h) => h.last().map(|s| s.as_of),
            Content::Valuation(m) => m.dates.last().copied(),
            Content::Events(e) => e.last().map(|e| e.date),
        }
    }
}

/// All data of a run, with its trading calendar.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Trading days: the union of the index sources' dates.
    pub calendar: Vec<NaiveDate>,
    /// Sources in run-file order.
    pub sources: Vec<Loaded>,
    /// Things worth knowing that did not stop the load.
    pub warnings: Vec<String>,
    /// Where parsed sources and figures computed from one source are kept (see [`cache`]).
    pub cache_dir: Option<PathBuf>,
    /// The fund that tells each index where the index has no data (the run file's `funds`).
    pub funds: std::collections::BTreeMap<String, String>,
    /// The rows of the calendar that the funds tell (see [`crate::metrics::fund_rows`]).
    pub fund_rows: Vec<bool>,
}

impl Dataset {
    /// Reads every source of the run file, several at a time (largest files first), and
    /// reports the first failing source in run-file order, so the message does not depend on
    /// which thread finished first.
    pub fn load(config: &RunConfig) -> Result<Self, DataError> {
        let n = config.sources.len();
        let size = |s: &Source| -> u64 {
            (s.files.iter())
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum()
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(size(&config.sources[i])));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let cache_dir = cache::folder(&config.path);
        type Read = (usize, Cached);
        let workers = std::thread::available_parallelism().map_or(1, |p| p.get().min(n.max(1)));
        let mut read: Vec<Read> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&i) = order.get(k) else { break };
                            done.push((i, read_cached(&config.sources[i], &cache_dir)));
                        }
                        done
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a reader thread does not panic"))
                .collect()
        });
        read.sort_by_key(|(i, ..)| *i);
        let mut sources = Vec::with_capacity(n);
        let mut warnings = Vec::new();
        for (i, (content, w, notes, cache_key)) in read {
            sources.push(Loaded {
                source: config.sources[i].clone(),
                content: content?,
                notes,
                cache_key,
            });
            warnings.extend(w);
        }
        let mut calendar: Vec<NaiveDate> = sources
            .iter()
            .filter(|l| l.source.role == Role::Index)
            .filter_map(|l| match &l.content {
                Content::Series(s) => Some(s.dates.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect();
        calendar.sort_unstable();
        calendar.dedup();
        let dates = |sym: &str| match &sources.iter().find(|l| l.source.symbol == sym)?.content {
            Content::Series(s) => Some(s.dates.clone()),
            _ => None,
        };
        let fund_rows = crate::metrics::fund_rows(&calendar, &config.funds, &dates);
        Ok(Dataset {
            calendar,
            sources,
            warnings,
            cache_dir: Some(cache_dir),
            funds: config.funds.clone(),
            fund_rows,
        })
    }

    /// The loaded source with this symbol.
    pub fn get(&self, symbol: &str) -> Option<&Loaded> {
        self.sources.iter().find(|l| l.source.symbol == symbol)
    }
}

/// A source read (content, warnings, notes) with its cache key.
type Cached = (
    Result<Content, DataError>,
    Vec<String>,
    Vec<String>,
    Option<cache::Key>,
);

/// Reads `source` from the cache in `dir` when a valid entry exists, else from its file,
/// keeping what it read for the next run.
fn read_cached(source: &Source, dir: &Path) -> Cached {
    let _p = crate::profile::phase(|| format!("3 data: {} ({:?})", source.symbol, source.format));
    let key = {
        let _k = crate::profile::phase(|| "3z cache: key (read and hash)".into());
        cache::key(source)
    };
    let _g = crate::profile::phase(|| "3z cache: entry read".into());
    if let Some((content, warnings, notes)) = key.as_ref().and_then(|k| cache::get(dir, k)) {
        return (Ok(content), warnings, notes, key);
    }
    let (mut warnings, mut notes) = (Vec::new(), Vec::new());
    let content = read_source(source, &mut warnings, &mut notes);
    if let (Ok(c), Some(k)) = (&content, &key) {
        cache::put(dir, k, c, &warnings, &notes);
    }
    (content, warnings, notes, key)
}

pub(crate) fn read_source(
    source: &Source,
    warnings: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Result<Content, DataError> {
    let first = &source.files[0];
    let column = source.column.as_deref();
    Ok(match (source.format, source.role) {
        (Format::Yahoo, _) => {
            Content::Series(yahoo::read(first, column.unwrap_or("Close"), warnings)?)
        }
        (Format::Fred, _) => Content::Series(fred::read(first, column)?),
        (Format::Matrix, _) => Content::Members(matrix::read(first, notes)?),
        (Format::Parquet, Role::Members) => Content::Members(parquet::read_members(first)?),
        (Format::Parquet, _) => Content::Series(parquet::read_series(first, column)?),
        (Format::Ishares, _) => {
            let mut snaps = source
                .files
                .iter()
                .map(|f| ishares::read(f, source.as_of))
                .collect::<Result<Vec<_>, _>>()?;
            snaps.sort_by_key(|s| s.as_of);
            Content::Holdings(snaps)
        }
        (Format::Shiller, _) => Content::Valuation(shiller::read(first)?),
        (Format::Events, _) => Content::Events(events::read(first)?),
    })
}

fn read_text(path: &Path) -> Result<String, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// Parses `YYYY-MM-DD` (a time part after a space or `T` is ignored, as yfinance writes one).
fn parse_date(cell: &str) -> Option<NaiveDate> {
    let day = cell.trim().get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Parses a number as data files write it: quotes already gone, thousands separators allowed.
fn parse_number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    let v: f64 = if t.contains(',') {
        t.replace(',', "").parse().ok()?
    } else {
        t.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// A cell read as a date, or an error naming file, line and column.
fn date_cell(path: &Path, line: usize, column: &str, cell: &str) -> Result<NaiveDate, DataError> {
    parse_date(cell).ok_or_else(|| bad_cell(path, line, column, "not a date", cell))
}

/// A cell read as a number, or an error naming file, line and column.
fn number_cell(path: &Path, line: usize, column: &str, cell: &str) -> Result<f64, DataError> {
    parse_number(cell).ok_or_else(|| bad_cell(path, line, column, "not a number", cell))
}

/// The highest price a close may have: far above any index level or share price, far below a
/// number that only a broken file holds.
pub const MAX_PRICE: f64 = 1e9;

/// A close read as a price: a number above zero and below [`MAX_PRICE`], or an error naming
/// file, line and column.
fn price_cell(path: &Path, line: usize, column: &str, cell: &str) -> Result<f64, DataError> {
    let x = number_cell(path, line, column, cell)?;
    price(path, line, column, x)
}

/// Checks a close already read as a number (see [`price_cell`]).
fn price(path: &Path, line: usize, column: &str, x: f64) -> Result<f64, DataError> {
    match x {
        _ if x <= 0.0 => Err(bad_cell(
            path,
            line,
            column,
            "not a positive price",
            &x.to_string(),
        )),
        _ if x > MAX_PRICE => Err(bad_cell(
            path,
            line,
            column,
            "an absurd price",
            &x.to_string(),
        )),
        _ => Ok(x),
    }
}

fn bad_cell(
    path: &Path,
    line: usize,
    column: &str,
    problem: &'static str,
    value: &str,
) -> DataError {
    DataError::BadCell {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        problem,
        value: value.to_string(),
    }
}

/// Maps a csv crate error to a located [`DataError`].
fn csv_error(path: &Path, line_offset: usize, e: csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line() as usize) + line_offset;
    DataError::Malformed {
        path: path.to_path_buf(),
        line,
        message: match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            other => format!("{other:?}"),
        },
    }
}

/// Finds a header column by name, or reports it missing.
fn find_column(
    path: &Path,
    line: usize,
    header: &csv::StringRecord,
    name: &str,
) -> Result<usize, DataError> {
    header
        .iter()
        .position(|h| h.trim() == name)
        .ok_or_else(|| DataError::MissingColumn {
            path: path.to_path_buf(),
            line,
            column: name.to_string(),
            found: header.iter().collect::<Vec<_>>().join(","),
        })
}

#[cfg(test)]
pub(crate) mod testutil {
    use std::io::Write;
    use std::path::PathBuf;

    /// Writes `text` to a fresh temporary file and returns its path.
    pub fn temp_file(name: &str, text: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "marketbrief-test-{}-{}",
            std::process::id(),
            name.replace('/', "_")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text)
            .unwrap();
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_thousands_separators() {
        assert_eq!(parse_number("21,749,937,094.76"), Some(21_749_937_094.76));
        assert_eq!(parse_number(" 7.12 "), Some(7.12));
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("NaN"), None);
    }

    #[test]
    fn dates_ignore_a_time_part() {
        let d = NaiveDate::from_ymd_opt(2024, 7, 16).unwrap();
        assert_eq!(parse_date("2024-07-16"), Some(d));
        assert_eq!(parse_date("2024-07-16 00:00:00-04:00"), Some(d));
        assert_eq!(parse_date("16/07/2024"), None);
    }
}
