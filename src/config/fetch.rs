//! A source's `fetch:` block (where `marketbrief fetch` brings it up to date from), the run
//! file's `calendar:` additions, and file patterns in `files:`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

/// Who serves a source's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// Yahoo Finance's chart API (cookie and crumb), written in the Yahoo CSV layout.
    Yahoo,
    /// FRED's `fredgraph.csv` download (no key).
    Fred,
    /// The FRED API (`fred/series/observations`), with a key from the environment.
    FredApi,
    /// An iShares fund page's holdings CSV: each new snapshot saved as its own file.
    Ishares,
    /// Any URL serving the whole file in the source's format.
    Csv,
}

impl Provider {
    /// The public server the provider is reached at, unless the run file says otherwise.
    pub fn default_base(self) -> &'static str {
        match self {
            Provider::Yahoo => "https://query2.finance.yahoo.com",
            Provider::Fred => "https://fred.stlouisfed.org",
            Provider::FredApi => "https://api.stlouisfed.org",
            Provider::Ishares => "https://www.ishares.com",
            Provider::Csv => "",
        }
    }
}

/// Where and how one source is fetched.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetch {
    /// Who serves it.
    pub provider: Provider,
    /// The provider's name for it: ticker, FRED series or fund ticker (default: the source's
    /// symbol).
    pub id: Option<String>,
    /// Scheme and host (and any path prefix) to use instead of the provider's public server:
    /// a mirror, or a test server.
    pub base_url: Option<String>,
    /// Yahoo: where the session cookie comes from (default `https://fc.yahoo.com`).
    pub cookie_url: Option<String>,
    /// iShares: the fund page's `.ajax` path (`/us/products/239710/ishares-russell-2000-etf/
    /// 1467271812596.ajax`); csv: the whole URL, or a path under `base_url`.
    pub url: Option<String>,
    /// The FRED API: the environment variable holding the key (default `FRED_API_KEY`).
    pub api_key_env: Option<String>,
    /// The largest relative change allowed to a close already in the file (default 0.0001,
    /// a hundredth of a percent); more is a revision, refused without `--accept-revisions`.
    pub tolerance: Option<f64>,
    /// Sessions before the file's last date asked for again, to check them (default 5).
    pub overlap: Option<u32>,
}

impl Fetch {
    /// The base URL without a trailing slash.
    pub fn base(&self) -> String {
        let base = self
            .base_url
            .as_deref()
            .unwrap_or(self.provider.default_base());
        base.trim_end_matches('/').to_string()
    }

    /// The relative change allowed to a stored close.
    pub fn tolerance(&self) -> f64 {
        self.tolerance.unwrap_or(1e-4)
    }

    /// A problem with the block, if any.
    pub fn problem(&self, symbol: &str) -> Option<String> {
        let url_needed = matches!(self.provider, Provider::Ishares | Provider::Csv);
        if url_needed && self.url.is_none() {
            return Some(format!(
                "source '{symbol}': fetch from {:?} needs 'url'",
                self.provider
            ));
        }
        if self.tolerance.is_some_and(|t| !(0.0..1.0).contains(&t)) {
            return Some(format!(
                "source '{symbol}': fetch tolerance must be in [0, 1)"
            ));
        }
        if self.overlap.is_some_and(|o| o > 250) {
            return Some(format!(
                "source '{symbol}': fetch overlap is at most 250 sessions"
            ));
        }
        None
    }
}

/// The run file's `calendar:` section: closures the built-in NYSE table does not have yet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    /// Days the exchange is closed all day.
    #[serde(default)]
    pub closed: Vec<NaiveDate>,
    /// Days it closes at 13:00.
    #[serde(default)]
    pub early_close: Vec<NaiveDate>,
}

/// The files an entry of `files:` names: itself, or, when its file name has a `*`, every
/// file in its folder that matches, in name order (so fetched holdings snapshots join the
/// source by themselves).
pub fn expand(base: &Path, entry: &str) -> Result<Vec<PathBuf>, String> {
    let path = base.join(entry);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some((prefix, suffix)) = name.split_once('*') else {
        return Ok(vec![path]);
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let listing =
        std::fs::read_dir(dir).map_err(|e| format!("files: {entry}: {}: {e}", dir.display()))?;
    let mut found: Vec<PathBuf> = listing
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.len() >= prefix.len() + suffix.len() && n.starts_with(prefix) && n.ends_with(suffix)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(format!(
            "files: {entry} matches no file in {}",
            dir.display()
        ));
    }
    Ok(found)
}
