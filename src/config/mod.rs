//! The run file (`marketbrief.yaml`): which data to read, which rules and templates to use,
//! and where the brief goes.
//!
//! The file is read in two steps, as the user wrote it (`Raw*`, unknown keys rejected with
//! their line) and then validated into [`RunConfig`], whose paths are resolved against the
//! run file's folder and whose references between sources are known to hold. Nothing here
//! touches market data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

mod daily;
pub mod fetch;
mod style;
pub use daily::{Daily, Email, ListUnsubscribe, Smtp, Tls};

pub use style::{Band, Bands, Budget, Holdings, OldHoldings, Quiet, Style};

/// Everything that can be wrong with a run file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The run file could not be read.
    #[error("{path}: cannot read the run file: {source}")]
    Io {
        /// The run file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// YAML syntax or shape error; serde_norway's message carries line and column.
    #[error("{path}: {message}")]
    Yaml {
        /// The run file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value that parses but cannot be used.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The run file.
        path: PathBuf,
        /// Line of the offending item (best effort: the first line that names it).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The format a data file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Yahoo Finance / yfinance daily OHLCV CSV (one header line, or yfinance's three).
    Yahoo,
    /// FRED CSV: `observation_date,<SERIES>`, blank (or `.`) on holidays.
    Fred,
    /// Wide member matrix: `Date` and one column per ticker, blank before listing.
    Matrix,
    /// iShares fund holdings CSV, with preamble and footer.
    Ishares,
    /// Parquet in the long layout: `date`, `ticker` (members only), `close`.
    Parquet,
    /// Shiller's monthly S&P 500 file: `Date,SP500,Dividend,Earnings,...,PE10` (0.0 = missing).
    Shiller,
    /// A user's events calendar, CSV or YAML: `date, kind, actual, expected` (and `label`).
    Events,
}

/// What a data source is to the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Daily closes of an index or fund; these dates make the trading calendar.
    Index,
    /// Daily closes of every member of an index, for breadth.
    Members,
    /// Holdings snapshots of a fund, for concentration and sector mix.
    Holdings,
    /// A macro series such as a Treasury yield.
    Macro,
    /// Monthly valuation figures (P/E, earnings).
    Valuation,
    /// A calendar of dated macro events.
    Events,
}

/// English style for dates and spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
pub enum Locale {
    /// "July 9, 2024"
    #[default]
    #[serde(rename = "en-US")]
    EnUs,
    /// "9 July 2024"
    #[serde(rename = "en-GB")]
    EnGb,
}

impl Locale {
    /// The language tag, as HTML's `lang` writes it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::EnUs => "en-US",
            Locale::EnGb => "en-GB",
        }
    }
}

/// An output format of the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Markdown, for editing.
    Md,
    /// A standalone HTML page.
    Html,
    /// The JSON contract for programs, with each sentence's provenance.
    Json,
    /// Plain text wrapped for email bodies.
    Txt,
}

impl OutputFormat {
    /// Parses `md`, `html`, `json` or `txt`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "md" | "markdown" => Some(Self::Md),
            "html" => Some(Self::Html),
            "json" => Some(Self::Json),
            "txt" | "text" => Some(Self::Txt),
            _ => None,
        }
    }

    /// The file extension written for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Md => "md",
            Self::Html => "html",
            Self::Json => "json",
            Self::Txt => "txt",
        }
    }
}

/// A universe entry: a source symbol, or an index told by its own series where it has data and
/// by a fund that tracks it elsewhere (`{index: ^GSPC, fund: SPY}`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawEntry {
    Symbol(String),
    Index { index: String, fund: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    #[serde(default)]
    locale: Locale,
    rules: String,
    templates: Option<String>,
    sources: Vec<RawSource>,
    #[serde(default)]
    universe: BTreeMap<String, Option<RawEntry>>,
    #[serde(default)]
    groups: BTreeMap<String, Group>,
    #[serde(default)]
    baskets: BTreeMap<String, BasketConfig>,
    #[serde(default)]
    compare: Vec<String>,
    #[serde(default)]
    outputs: RawOutputs,
    #[serde(default)]
    style: Style,
    daily: Option<daily::RawDaily>,
    #[serde(default)]
    calendar: fetch::RawCalendar,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOutputs {
    formats: Option<Vec<OutputFormat>>,
    dir: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    symbol: String,
    name: String,
    file: Option<String>,
    files: Option<Vec<String>>,
    format: Format,
    role: Role,
    column: Option<String>,
    of: Option<String>,
    as_of: Option<NaiveDate>,
    note: Option<String>,
    stale_after: Option<u32>,
    short: Option<String>,
    #[serde(default)]
    generic: Vec<String>,
    carry_days: Option<i64>,
    sector: Option<String>,
    fetch: Option<fetch::Fetch>,
}

/// A named basket of series ranked against each other, such as the sector funds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasketConfig {
    /// How prose names the basket ("the sector funds").
    pub name: String,
    /// Its members: universe names or source symbols of index sources.
    pub members: Vec<String>,
}

/// A named group of tickers, such as the largest tech names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// How prose names it at first mention ("the Magnificent Seven (Apple, ...)").
    pub name: String,
    /// How prose names it afterwards (default: the name without its parenthesis).
    pub short: Option<String>,
    /// Other names for later mentions.
    #[serde(default)]
    pub generic: Vec<String>,
    /// Its tickers as the holdings files write them.
    pub tickers: Vec<String>,
}

/// One data source, validated: its files exist as paths (not yet read).
#[derive(Debug, Clone)]
pub struct Source {
    /// Short symbol used in rules, e.g. `IWM`.
    pub symbol: String,
    /// Display name, used in full at the first mention and in the table, e.g.
    /// "Russell 2000 (IWM)".
    pub name: String,
    /// How prose names it after the first mention (default: the name without its
    /// parenthesis, after "the": "the Russell 2000").
    pub short: Option<String>,
    /// Other names for later mentions ("small caps"); defaults by universe name.
    pub generic: Vec<String>,
    /// For a macro series: the most calendar days a value is carried onto days it is not
    /// published (default 5, over bond-market holidays; a monthly series needs about 35).
    pub carry_days: Option<i64>,
    /// For a fund of one sector: the sector as holdings files name it ("Financials"), to
    /// find its weight in another fund's holdings.
    pub sector: Option<String>,
    /// Files, resolved against the run file's folder (several only for holdings snapshots).
    pub files: Vec<PathBuf>,
    /// How the files are written.
    pub format: Format,
    /// What the source is.
    pub role: Role,
    /// The value column to read where the format has several (default `Close`).
    pub column: Option<String>,
    /// For members and holdings: the index symbol they describe.
    pub of: Option<String>,
    /// For a holdings file without a "Fund Holdings as of" line: its date.
    pub as_of: Option<NaiveDate>,
    /// A known limit of this data, printed with the sources.
    pub note: Option<String>,
    /// For the daily run: NYSE sessions its last date may lag the brief's date. Daily series
    /// (indexes, members, macro) take the `daily:` default; others are checked only when set.
    pub stale_after: Option<u32>,
    /// Where `marketbrief fetch` brings it up to date from, if anywhere.
    pub fetch: Option<fetch::Fetch>,
}

/// A validated run file.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The run file itself.
    pub path: PathBuf,
    /// Title of the brief.
    pub title: String,
    /// Date and spelling style.
    pub locale: Locale,
    /// Folder of rule files.
    pub rules_dir: PathBuf,
    /// Folder of user templates overriding the embedded ones, file by file.
    pub templates_dir: Option<PathBuf>,
    /// Data sources, in the order written.
    pub sources: Vec<Source>,
    /// Names used by rules (e.g. `small_caps`) mapped to source symbols: for an index with a
    /// fund, the index's.
    pub universe: BTreeMap<String, String>,
    /// The fund that tells an index on the days its own series has no data, by index symbol
    /// (`^GSPC` → `SPY`): one entity, whose figures come from one series or the other.
    pub funds: BTreeMap<String, String>,
    /// Universe names written as `~`: this run has no such data, so rules that need them are
    /// skipped rather than rejected.
    pub absent: Vec<String>,
    /// Named groups of tickers (e.g. the largest tech names), for `group_weight`.
    pub groups: BTreeMap<String, Group>,
    /// Named baskets of index sources (resolved to symbols), for `leader`, `risers` and the
    /// rest of the cross-sectional metrics.
    pub baskets: BTreeMap<String, BasketConfig>,
    /// Indexes side by side in the comparison table.
    pub compare: Vec<String>,
    /// Formats written when the command line does not say.
    pub formats: Vec<OutputFormat>,
    /// Output folder when the command line does not say.
    pub out_dir: Option<PathBuf>,
    /// Length budgets, direction bands, tags and the disclaimer.
    pub style: Style,
    /// The unattended daily run's settings, if the run file has them.
    pub daily: Option<Daily>,
    /// The exchange calendar, with the run file's added closures.
    pub calendar: crate::calendar::Nyse,
}

impl RunConfig {
    /// Reads and validates a run file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Validates run-file text; `path` is used for messages and to resolve relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_norway::from_str(text).map_err(|e| ConfigError::Yaml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let invalid = |needle: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: line_of(text, needle),
            message,
        };

        let mut sources: Vec<Source> = Vec::new();
        for s in raw.sources {
            if sources.iter().any(|o| o.symbol == s.symbol) {
                let msg = format!("source symbol '{}' is used twice", s.symbol);
                return Err(invalid(&s.symbol, msg));
            }
            let files = match (s.file, s.files) {
                (Some(f), None) => vec![f],
                (None, Some(fs)) if !fs.is_empty() => fs,
                _ => {
                    let msg = format!(
                        "source '{}' needs exactly one of 'file' or 'files'",
                        s.symbol
                    );
                    return Err(invalid(&s.symbol, msg));
                }
            };
            let fits = matches!(
                (s.role, s.format),
                (
                    Role::Index | Role::Macro,
                    Format::Yahoo | Format::Fred | Format::Parquet
                ) | (Role::Members, Format::Matrix | Format::Parquet)
                    | (Role::Holdings, Format::Ishares)
                    | (Role::Valuation, Format::Shiller)
                    | (Role::Events, Format::Events)
            );
            if !fits {
                let msg = format!(
                    "source '{}': format {:?} cannot be read as role {:?}",
                    s.symbol, s.format, s.role
                );
                return Err(invalid(&s.symbol, msg));
            }
            if let Some(problem) = s.fetch.as_ref().and_then(|f| f.problem(&s.symbol)) {
                return Err(invalid("fetch:", problem));
            }
            let mut paths = Vec::new();
            for f in &files {
                paths.extend(fetch::expand(base, f).map_err(|m| invalid(f, m))?);
            }
            if paths.len() > 1 && s.role != Role::Holdings {
                let msg = format!("source '{}': only holdings take several files", s.symbol);
                return Err(invalid(&s.symbol, msg));
            }
            sources.push(Source {
                symbol: s.symbol,
                name: s.name,
                files: paths,
                format: s.format,
                role: s.role,
                column: s.column,
                of: s.of,
                as_of: s.as_of,
                note: s.note,
                stale_after: s.stale_after,
                short: s.short,
                generic: s.generic,
                carry_days: s.carry_days,
                sector: s.sector,
                fetch: s.fetch,
            });
        }
        if !sources.iter().any(|s| s.role == Role::Index) {
            return Err(invalid(
                "sources",
                "at least one source must have role: index".into(),
            ));
        }
        let is_index = |sym: &str| {
            sources
                .iter()
                .any(|s| s.symbol == sym && s.role == Role::Index)
        };
        for s in &sources {
            if let Some(of) = &s.of {
                if !is_index(of) {
                    let msg = format!("source '{}': 'of: {of}' is not an index source", s.symbol);
                    return Err(invalid(&format!("of: {of}"), msg));
                }
            }
        }
        let mut universe = BTreeMap::new();
        let mut funds = BTreeMap::new();
        let mut absent = Vec::new();
        for (alias, entry) in raw.universe {
            let (sym, fund) = match entry {
                None => {
                    absent.push(alias);
                    continue;
                }
                Some(RawEntry::Symbol(sym)) => (sym, None),
                Some(RawEntry::Index { index, fund }) => (index, Some(fund)),
            };
            for s in std::iter::once(&sym).chain(&fund) {
                if !sources.iter().any(|src| src.symbol == *s) {
                    let msg = format!("universe '{alias}': no source has symbol '{s}'");
                    return Err(invalid(&format!("{alias}:"), msg));
                }
            }
            if let Some(fund) = fund {
                if !is_index(&sym) || !is_index(&fund) || fund == sym {
                    let msg = format!(
                        "universe '{alias}': 'index: {sym}' and 'fund: {fund}' must be two sources with role: index"
                    );
                    return Err(invalid(&format!("{alias}:"), msg));
                }
                funds.insert(sym.clone(), fund);
            }
            universe.insert(alias, sym);
        }
        let mut baskets = BTreeMap::new();
        for (key, b) in raw.baskets {
            let mut members = Vec::new();
            for m in &b.members {
                let sym = universe.get(m).unwrap_or(m);
                if !is_index(sym) {
                    let msg =
                        format!("baskets: {key}: '{m}' is neither a universe name nor an index");
                    return Err(invalid(&m.to_string(), msg));
                }
                members.push(sym.clone());
            }
            if members.len() < 2 {
                let msg = format!("baskets: {key}: a basket needs at least two members");
                return Err(invalid(&format!("{key}:"), msg));
            }
            baskets.insert(
                key,
                BasketConfig {
                    name: b.name,
                    members,
                },
            );
        }
        let mut compare = Vec::new();
        for name in &raw.compare {
            let sym = universe.get(name).unwrap_or(name);
            if !is_index(sym) {
                let msg = format!("compare: '{name}' is neither a universe name nor an index");
                return Err(invalid(name, msg));
            }
            compare.push(sym.clone());
        }
        if let Some((key, message)) = raw.style.problem() {
            return Err(invalid(key, message));
        }
        Ok(RunConfig {
            path: path.to_path_buf(),
            title: raw.title.unwrap_or_else(|| "Market brief".to_string()),
            locale: raw.locale,
            rules_dir: base.join(raw.rules),
            templates_dir: raw.templates.map(|t| base.join(t)),
            sources,
            universe,
            funds,
            absent,
            groups: raw.groups,
            baskets,
            compare,
            formats: raw
                .outputs
                .formats
                .unwrap_or_else(|| vec![OutputFormat::Md]),
            out_dir: raw.outputs.dir.map(|d| base.join(d)),
            style: raw.style,
            daily: raw.daily.map(|d| d.resolve(base)),
            calendar: crate::calendar::Nyse::with(&raw.calendar.closed, &raw.calendar.early_close),
        })
    }

    /// The source with this symbol, or the index a universe name stands for.
    pub fn resolve(&self, name: &str) -> Option<&Source> {
        let sym = self.universe.get(name).map(String::as_str).unwrap_or(name);
        self.sources.iter().find(|s| s.symbol == sym)
    }

    /// The members or holdings source that describes the index `symbol`: linked with `of:` to
    /// it, or to the index or fund that tells the same entity.
    pub fn linked(&self, symbol: &str, role: Role) -> Option<&Source> {
        let index = self.index_of_fund(symbol).unwrap_or(symbol);
        let fund = self.funds.get(index).map(String::as_str);
        let of_role = || self.sources.iter().filter(move |s| s.role == role);
        of_role()
            .find(|s| s.of.as_deref() == Some(symbol))
            .or_else(|| {
                of_role().find(|s| (s.of.as_deref()).is_some_and(|o| o == index || Some(o) == fund))
            })
    }

    /// The other series of the same entity: an index's fund, or a fund's index.
    pub fn same_entity(&self, symbol: &str) -> Option<&str> {
        (self.funds.get(symbol).map(String::as_str)).or_else(|| self.index_of_fund(symbol))
    }

    /// The index a fund tells where the index has no data (`SPY` → `^GSPC`).
    pub fn index_of_fund(&self, fund: &str) -> Option<&str> {
        (self.funds.iter())
            .find(|(_, f)| *f == fund)
            .map(|(i, _)| i.as_str())
    }
}

/// The 1-based line of the first occurrence of `needle`, or 1.
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "
rules: rules
sources:
  - {symbol: SPY, name: S&P 500, file: spy.csv, format: yahoo, role: index}
  - {symbol: SPX_M, name: members, file: m.csv, format: matrix, role: members, of: SPY}
universe:
  large_caps: SPY
compare: [large_caps]
";

    #[test]
    fn paths_resolve_against_the_run_file() {
        let c = RunConfig::parse(Path::new("/x/run/marketbrief.yaml"), GOOD).unwrap();
        assert_eq!(c.sources[0].files[0], Path::new("/x/run/spy.csv"));
        assert_eq!(c.rules_dir, Path::new("/x/run/rules"));
        assert_eq!(c.compare, vec!["SPY".to_string()]);
        assert_eq!(c.linked("SPY", Role::Members).unwrap().symbol, "SPX_M");
        assert_eq!(c.resolve("large_caps").unwrap().symbol, "SPY");
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let text = GOOD.replace("compare:", "comparre:");
        let err = RunConfig::parse(Path::new("run.yaml"), &text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("comparre"), "{msg}");
        assert!(msg.contains("line 8"), "{msg}");
    }

    #[test]
    fn a_link_to_a_missing_index_names_its_line() {
        let text = GOOD.replace("of: SPY", "of: QQQ");
        let err = RunConfig::parse(Path::new("run.yaml"), &text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "run.yaml:5: source 'SPX_M': 'of: QQQ' is not an index source"
        );
    }
}
