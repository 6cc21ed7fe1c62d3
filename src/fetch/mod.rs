//! `marketbrief fetch`: brings every source with a `fetch:` block up to date. Only the
//! sessions after the file's last (and a few before it, to check them) are asked for; what
//! comes back is validated (prices, missing sessions, a session still in progress, revised
//! history) and the file the reader reads is replaced atomically, or left byte for byte.

mod fred;
pub mod http;
mod snapshot;
pub mod table;
mod yahoo;

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::{to_new_york, Nyse};
use crate::config::fetch::Provider;
use crate::config::{Format, RunConfig, Source};
use http::Http;
use table::{Col, Row, Table};

/// The exit code when a source could not be updated.
pub const FETCH_EXIT: i32 = 9;

/// How the fetch was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this source.
    pub source: Option<String>,
    /// Say what would be asked for; ask nothing, write nothing.
    pub dry_run: bool,
    /// Rewrite stored closes the provider now serves differently (splits, dividends).
    pub accept_revisions: bool,
    /// The time now (it decides which sessions have closed).
    pub now: DateTime<Utc>,
}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Its file already has the last closed session; nothing was asked.
    UpToDate {
        /// The file's last date.
        last: NaiveDate,
    },
    /// Asked; these sessions were added and these stored values rewritten.
    Updated {
        /// Sessions added.
        added: Vec<NaiveDate>,
        /// Stored values rewritten (with `--accept-revisions`).
        revised: Vec<String>,
    },
    /// A new holdings snapshot, saved as its own file.
    Snapshot {
        /// Its date.
        as_of: NaiveDate,
        /// The file written.
        file: String,
    },
    /// A dry run: what would be asked.
    WouldAsk {
        /// The request, in words.
        what: String,
    },
}

/// One source's outcome, with the notes worth telling (a bar still in progress, ...).
#[derive(Debug, Clone)]
pub struct SourceReport {
    /// The source's symbol.
    pub symbol: String,
    /// What happened, or why it could not be updated.
    pub result: Result<Change, String>,
    /// Things the user should know that did not stop it.
    pub notes: Vec<String>,
}

impl SourceReport {
    /// One line for the terminal.
    pub fn line(&self) -> String {
        let what = match &self.result {
            Ok(Change::UpToDate { last }) => format!("up to date (last session {last})"),
            Ok(Change::Updated { added, revised }) => {
                let mut s = match (added.first(), added.last()) {
                    (Some(a), Some(b)) if a == b => format!("1 session added ({a})"),
                    (Some(a), Some(b)) => format!("{} sessions added ({a} to {b})", added.len()),
                    _ => "no new sessions served yet".to_string(),
                };
                if !revised.is_empty() {
                    s.push_str(&format!(
                        "; {} stored values revised: {}",
                        revised.len(),
                        revised.join("; ")
                    ));
                }
                s
            }
            Ok(Change::Snapshot { as_of, file }) => {
                format!("new holdings snapshot as of {as_of}, saved as {file}")
            }
            Ok(Change::WouldAsk { what }) => format!("would ask {what}"),
            Err(e) => format!("NOT UPDATED: {e}"),
        };
        format!("{}: {what}", self.symbol)
    }
}

/// Fetches every source of `config` that has a `fetch:` block (or only `opts.source`).
pub fn run(config: &RunConfig, opts: &Options) -> Result<Vec<SourceReport>, String> {
    let wanted: Vec<&Source> = config
        .sources
        .iter()
        .filter(|s| s.fetch.is_some())
        .filter(|s| opts.source.as_ref().is_none_or(|w| *w == s.symbol))
        .collect();
    if let (Some(w), true) = (&opts.source, wanted.is_empty()) {
        return Err(match config.sources.iter().any(|s| s.symbol == *w) {
            true => format!(
                "source '{w}' has no fetch: block in {}",
                config.path.display()
            ),
            false => format!("no source '{w}' in {}", config.path.display()),
        });
    }
    let mut http = Http::new();
    let mut sessions = yahoo::Sessions::default();
    let mut reports = Vec::new();
    for source in wanted {
        let mut notes = Vec::new();
        let result = one(source, config, opts, &mut http, &mut sessions, &mut notes);
        reports.push(SourceReport {
            symbol: source.symbol.clone(),
            result,
            notes,
        });
    }
    Ok(reports)
}

fn one(
    source: &Source,
    config: &RunConfig,
    opts: &Options,
    http: &mut Http,
    sessions: &mut yahoo::Sessions,
    notes: &mut Vec<String>,
) -> Result<Change, String> {
    let spec = source
        .fetch
        .as_ref()
        .expect("only sources with fetch: blocks");
    let cal = &config.calendar;
    let id = spec.id.clone().unwrap_or_else(|| source.symbol.clone());
    let base = spec.base();
    let file = &source.files[0];
    match spec.provider {
        Provider::Ishares => return snapshot::holdings(http, source, spec, &id, opts.dry_run),
        Provider::Csv => return snapshot::whole_file(http, source, spec, opts, notes),
        Provider::Yahoo | Provider::Fred | Provider::FredApi => {}
    }
    let fred = spec.provider != Provider::Yahoo;
    if fred != (source.format == Format::Fred) {
        return Err(format!(
            "{}: {:?} serves another format than {:?}",
            file.display(),
            spec.provider,
            source.format
        ));
    }
    let mut table = Table::read(file, fred)?;
    let last = table
        .last()
        .ok_or_else(|| format!("{}: no rows to extend", file.display()))?;
    let closed = cal.last_closed(opts.now);
    if last >= closed {
        return Ok(Change::UpToDate { last });
    }
    let mut from = last;
    for _ in 0..spec.overlap.unwrap_or(5) {
        from = cal.previous(from);
    }
    if opts.dry_run {
        let what = format!(
            "{:?} for {id} from {from} (file ends {last}; last closed session {closed})",
            spec.provider
        );
        return Ok(Change::WouldAsk { what });
    }
    let rows = match spec.provider {
        Provider::Yahoo => {
            let cookie_url = spec.cookie_url.as_deref().unwrap_or(yahoo::COOKIE_URL);
            yahoo::chart(http, sessions, (&base, cookie_url), &id, from, opts.now)?
        }
        Provider::Fred => fred::graph(http, &base, &id, from)?,
        Provider::FredApi => {
            let env = spec.api_key_env.as_deref().unwrap_or("FRED_API_KEY");
            fred::api(http, &base, &id, from, env)?
        }
        Provider::Ishares | Provider::Csv => unreachable!("handled above"),
    };
    let rows = keep_closed(rows, cal, opts.now, !fred, notes);
    validate(&rows, &table.served(), fred)?;
    if !fred {
        missing_sessions(&rows, cal, last)?;
    }
    let mut checked = vec![Col::Close, Col::AdjClose, Col::Value];
    checked.retain(|c| table.served().contains(c));
    let merged = table
        .merge(&rows, &checked, spec.tolerance(), opts.accept_revisions)
        .map_err(|revisions| {
            let list: Vec<String> = revisions.iter().map(|r| r.to_string()).collect();
            format!(
                "the provider revised {} stored values (beyond {} relative): {}; nothing written (--accept-revisions rewrites them)",
                list.len(),
                spec.tolerance(),
                list.join("; ")
            )
        })?;
    if !merged.added.is_empty() || !merged.revised.is_empty() {
        table.save()?;
    }
    Ok(Change::Updated {
        added: merged.added,
        revised: merged.revised.iter().map(|r| r.to_string()).collect(),
    })
}

/// The rows of closed sessions: a bar for today before the close is still in progress, a bar
/// dated later is no bar, and (for exchange prices) a bar on a day the exchange was closed is
/// dropped. Each is said in `notes`.
fn keep_closed(
    rows: Vec<Row>,
    cal: &Nyse,
    now: DateTime<Utc>,
    exchange: bool,
    notes: &mut Vec<String>,
) -> Vec<Row> {
    let today = to_new_york(now).date();
    rows.into_iter()
        .filter(|r| {
            if r.date > today {
                notes.push(format!("a bar dated {} is after today ({today}) in New York: not stored", r.date));
                return false;
            }
            if exchange && !cal.is_session(r.date) {
                let why = cal.closure(r.date).unwrap_or("a weekend");
                notes.push(format!("a bar dated {} ({why}, no session) was not stored", r.date));
                return false;
            }
            let open = cal.close_at(r.date).is_some_and(|close| now < close);
            if open {
                let at = cal.close_time(r.date).map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
                notes.push(format!("the session of {} is still in progress (it closes at {at} New York time): its bar was not stored", r.date));
            }
            !open
        })
        .collect()
}

/// Refuses a price that is no price (zero, negative, not finite, absurd) and a column the
/// file has that the response lacks, naming the date.
fn validate(rows: &[Row], served: &[Col], fred: bool) -> Result<(), String> {
    for row in rows {
        for col in served {
            if matches!(col, Col::Dividends | Col::Splits) {
                continue;
            }
            let Some(v) = row.get(*col) else {
                if *col == Col::AdjClose || *col == Col::Close {
                    return Err(format!(
                        "{}: the response has no {col:?}, which the file has",
                        row.date
                    ));
                }
                continue;
            };
            let price = !fred && *col != Col::Volume;
            let bad = !v.is_finite()
                || (price && v <= 0.0)
                || (price && v > 1e9)
                || (*col == Col::Volume && v < 0.0)
                || (fred && v.abs() > 1e6);
            if bad {
                return Err(format!(
                    "{}: {col:?} {v} is not a price the file can take",
                    row.date
                ));
            }
        }
    }
    Ok(())
}

/// Refuses a response that skips a session between the file's last and its own last.
fn missing_sessions(rows: &[Row], cal: &Nyse, last: NaiveDate) -> Result<(), String> {
    let Some(end) = rows.last().map(|r| r.date) else {
        return Ok(());
    };
    let missing: Vec<String> = cal
        .sessions(last, end)
        .into_iter()
        .filter(|d| !rows.iter().any(|r| r.date == *d))
        .map(|d| d.to_string())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the response skips the session(s) {} before its last bar ({end}); nothing written",
        missing.join(", ")
    ))
}
