//! `marketbrief daily`: the unattended run after each close. It refuses stale data, publishes
//! a dated folder whole or not at all (md, html, txt, json, the email as `.eml`, and charts),
//! keeps a record so that a date is published and sent once, and sends over SMTP.

mod email;
pub mod lock;
pub mod record;
mod send;
pub mod stale;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::brief::{AsOf, Brief, Error, Prepared};
use crate::config::{Daily, OutputFormat, RunConfig};
use crate::narrative::context::PageCtx;
use record::{Entry, Record};
use stale::Stale;

/// Exit code when a source is too old.
pub const STALE_EXIT: i32 = 6;
/// Exit code when the brief was published but could not be sent.
pub const SEND_EXIT: i32 = 7;
/// Exit code when another daily run holds the output folder's lock.
pub const LOCK_EXIT: i32 = 8;

/// The environment variable that makes a run stop at a named step (`staged`, `published`,
/// `sending`, `accepted`) and wait there to be killed: for the tests of crash safety only.
pub const PAUSE_ENV: &str = "MARKETBRIEF_TEST_PAUSE_AT";

/// Why a daily run stopped.
#[derive(Debug, thiserror::Error)]
pub enum DailyError {
    /// The run file has no `daily:` section.
    #[error("{0}: the run file has no `daily:` section (out, stale_after, email)")]
    NoSection(PathBuf),
    /// Some sources are too old for the brief's date; nothing was written.
    #[error("stale data, no brief written for {date}:\n{}{}", .sources.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n"), .unfetched.iter().map(|s| format!("\n  fetch failed: {s}")).collect::<String>())]
    Stale {
        /// The brief's date.
        date: NaiveDate,
        /// The sources too old.
        sources: Vec<Stale>,
        /// What `--fetch` could not update, each as a line.
        unfetched: Vec<String>,
    },
    /// The brief itself.
    #[error(transparent)]
    Brief(Box<Error>),
    /// Something in the run file's `daily:` section.
    #[error("{0}")]
    Settings(String),
    /// Writing the folder, the charts or the record.
    #[error("{0}")]
    Publish(String),
    /// Another run holds the output folder's lock; this one did nothing.
    #[error("another daily run holds {} ({}); nothing was done (--wait SECONDS to wait for it)", .path.display(), if .holder.is_empty() { "its holder is unknown" } else { .holder.as_str() })]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, as it wrote: its process id and start time.
        holder: String,
    },
    /// The brief is published but the email did not go out; the next run retries.
    #[error("the brief for {date} is published in {dir} but was not sent: {why}. It is marked as not sent; the next run will send it")]
    Send {
        /// The brief's date.
        date: NaiveDate,
        /// Its folder.
        dir: PathBuf,
        /// The server's or the connection's reason.
        why: String,
    },
}

impl From<Error> for DailyError {
    fn from(e: Error) -> Self {
        DailyError::Brief(Box::new(e))
    }
}

impl DailyError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            DailyError::NoSection(_) | DailyError::Settings(_) => 3,
            DailyError::Stale { .. } => STALE_EXIT,
            DailyError::Brief(e) => e.exit_code(),
            DailyError::Publish(_) => 1,
            DailyError::Send { .. } => SEND_EXIT,
            DailyError::Locked { .. } => LOCK_EXIT,
        }
    }
}

/// How the run was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The brief's date (default: the last session that has closed).
    pub as_of: Option<NaiveDate>,
    /// The time now: the last session closed by then is the default date, and the one the
    /// data's freshness is judged against.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Fetch the sources with `fetch:` blocks first.
    pub fetch: bool,
    /// With `fetch`: rewrite stored values the providers revised.
    pub accept_revisions: bool,
    /// Publish and send again even if the record says it was done.
    pub force: bool,
    /// Build everything, write and send nothing.
    pub dry_run: bool,
    /// How long to wait for another run's lock before giving up.
    pub wait: std::time::Duration,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The record says this date is done.
    AlreadyDone {
        /// The brief's date.
        date: NaiveDate,
        /// Whether it was sent (false when the run file mails no one).
        sent: bool,
    },
    /// Nothing written: what would have been.
    DryRun {
        /// The brief's date.
        date: NaiveDate,
        /// The folder it would be published in.
        dir: PathBuf,
        /// Its files.
        files: Vec<String>,
        /// What would happen to the email (None without an `email:` section).
        email: Option<DryMail>,
    },
    /// Published (and sent to these recipients, if any).
    Published {
        /// The brief's date.
        date: NaiveDate,
        /// Its folder.
        dir: PathBuf,
        /// Its files.
        files: Vec<String>,
        /// The recipients it was sent to (none without `smtp:`).
        sent_to: Vec<String>,
        /// The folder was published by an earlier run; this one only sent it.
        sent_only: bool,
        /// The run file has an `email:` section without `smtp:`: the `.eml` is written, not sent.
        no_smtp: bool,
        /// Set when a previous run stopped while sending this brief: it may have reached the
        /// server already, and was sent again (the at-least-once window).
        resent: Option<String>,
    },
}

/// The email a dry run would write or send.
#[derive(Debug, Clone, PartialEq)]
pub struct DryMail {
    /// Its subject (empty for a message published earlier, sent as it is).
    pub subject: String,
    /// Its recipients.
    pub to: Vec<String>,
    /// Whether it would be sent (the run file has `smtp:`).
    pub sends: bool,
    /// It is the message an earlier run published and could not send.
    pub published: bool,
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> DailyError + '_ {
    move |e| DailyError::Publish(format!("{}: {e}", what.display()))
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Stops here when the tests ask for it (see [`PAUSE_ENV`]), until killed.
fn pause(step: &str) {
    if std::env::var(PAUSE_ENV).is_ok_and(|s| s == step) {
        eprintln!("paused at {step}");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}

/// Runs `fetch` for the daily run: prints what changed, and gives the run file read anew (a
/// fetched holdings snapshot joins its source) and the sources it could not update.
fn fetch_first(
    config: &RunConfig,
    opts: &Options,
) -> Result<(Option<RunConfig>, Vec<String>), DailyError> {
    let fetch_opts = crate::fetch::Options {
        source: None,
        dry_run: opts.dry_run,
        accept_revisions: opts.accept_revisions,
        now: opts.now,
    };
    let reports = crate::fetch::run(config, &fetch_opts).map_err(DailyError::Settings)?;
    let mut unfetched = Vec::new();
    for r in &reports {
        match r.result.is_ok() {
            true => println!("fetch: {}", r.line()),
            false => eprintln!("fetch: {}", r.line()),
        }
        for n in &r.notes {
            println!("fetch: {}: {n}", r.symbol);
        }
        if r.result.is_err() {
            unfetched.push(r.line());
        }
    }
    let reloaded =
        RunConfig::load(&config.path).map_err(|e| DailyError::Settings(e.to_string()))?;
    Ok((Some(reloaded), unfetched))
}

/// Runs the daily brief for `config`: under the output folder's lock, except a dry run,
/// which writes nothing.
pub fn run(config: &RunConfig, opts: &Options) -> Result<Outcome, DailyError> {
    let daily =
        (config.daily.as_ref()).ok_or_else(|| DailyError::NoSection(config.path.clone()))?;
    let _lock = match opts.dry_run {
        true => None,
        false => Some(lock::acquire(&daily.out, opts.wait).map_err(|e| match e {
            lock::LockError::Held(h) => DailyError::Locked {
                path: h.path,
                holder: h.holder,
            },
            lock::LockError::Io(why) => DailyError::Publish(why),
        })?),
    };
    if !opts.dry_run {
        clear_leftovers(&daily.out);
    }
    let (fetched, unfetched) = match opts.fetch {
        true => fetch_first(config, opts)?,
        false => (None, Vec::new()),
    };
    let config = fetched.as_ref().unwrap_or(config);
    let mut prepared = Prepared::new(config)?;
    // The dated folder draws its charts itself, as PNG for the email and SVG beside the page.
    prepared.draw_charts = false;
    // Freshness is judged only now, after fetching was tried.
    let reference = opts.as_of.unwrap_or(config.calendar.last_closed(opts.now));
    let asked = match (opts.as_of, prepared.frame.calendar.last()) {
        (None, Some(last)) => reference.min(*last),
        _ => reference,
    };
    let row = prepared.row(AsOf::Date(asked))?;
    let date = prepared.frame.calendar[row];
    let stale = stale::stale_sources(
        &prepared.data,
        &config.calendar,
        reference,
        daily.stale_after,
    );
    if !stale.is_empty() {
        return Err(DailyError::Stale {
            date: reference,
            sources: stale,
            unfetched,
        });
    }
    let mut record = Record::load(&daily.out).map_err(DailyError::Publish)?;
    let key = date.to_string();
    let dir = daily.out.join(&key);
    let mails = daily.email.as_ref().filter(|e| e.smtp.is_some());
    if let (Some(entry), false) = (record.briefs.get(&key), opts.force) {
        if entry.sent_at.is_some() || mails.is_none() {
            let sent = entry.sent_at.is_some();
            return Ok(Outcome::AlreadyDone { date, sent });
        }
        if opts.dry_run {
            // Published, not sent: the run would send the published message as it is.
            let email = daily.email.as_ref().map(|e| DryMail {
                subject: String::new(),
                to: e.to.clone(),
                sends: true,
                published: true,
            });
            let files = entry.files.clone();
            return Ok(Outcome::DryRun {
                date,
                dir,
                files,
                email,
            });
        }
        // Published but not sent: send what was published.
        let files = entry.files.clone();
        let resent = entry.sending_at.clone();
        let sent_to = deliver(daily, &dir, date, &mut record)?;
        return Ok(Outcome::Published {
            date,
            dir,
            files,
            sent_to,
            sent_only: true,
            no_smtp: false,
            resent,
        });
    }
    let brief = prepared.brief(AsOf::Date(date))?;
    let staging = if opts.dry_run {
        std::env::temp_dir().join(format!("marketbrief-dry-run-{}", std::process::id()))
    } else {
        daily
            .out
            .join(format!(".{key}.partial-{}", std::process::id()))
    };
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let built = build(&prepared, config, daily, &brief, &staging);
    let files = match built {
        Ok(files) => files,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if opts.dry_run {
        let _ = std::fs::remove_dir_all(&staging);
        let email = (daily.email.as_ref()).map(|e| DryMail {
            subject: email::subject(e, &brief),
            to: e.to.clone(),
            sends: e.smtp.is_some(),
            published: false,
        });
        return Ok(Outcome::DryRun {
            date,
            dir,
            files,
            email,
        });
    }
    pause("staged");
    publish(&staging, &dir).map_err(io(&dir))?;
    record.briefs.insert(
        key,
        Entry {
            published_at: now(),
            files: files.clone(),
            ..Entry::default()
        },
    );
    record
        .save(&daily.out)
        .map_err(io(&Record::path(&daily.out)))?;
    pause("published");
    let sent_to = match mails {
        Some(_) => deliver(daily, &dir, date, &mut record)?,
        None => Vec::new(),
    };
    Ok(Outcome::Published {
        date,
        dir,
        files,
        sent_to,
        sent_only: false,
        no_smtp: daily.email.as_ref().is_some_and(|e| e.smtp.is_none()),
        resent: None,
    })
}

/// Sends the published `.eml` of `date` and records it.
fn deliver(
    daily: &Daily,
    dir: &Path,
    date: NaiveDate,
    record: &mut Record,
) -> Result<Vec<String>, DailyError> {
    let (Some(email), Some(smtp)) = (
        daily.email.as_ref(),
        daily.email.as_ref().and_then(|e| e.smtp.as_ref()),
    ) else {
        return Ok(Vec::new());
    };
    let eml_path = dir.join(format!("brief-{date}.eml"));
    let eml = std::fs::read(&eml_path).map_err(io(&eml_path))?;
    // "Sending" goes to disk before the first byte to the server, "sent" right after its
    // answer: a run stopped between the two is the only one that can send a brief twice.
    let key = date.to_string();
    let save = |record: &Record| (record.save(&daily.out)).map_err(io(&Record::path(&daily.out)));
    if let Some(entry) = record.briefs.get_mut(&key) {
        entry.sending_at = Some(now());
    }
    save(record)?;
    pause("sending");
    send::send(email, smtp, &eml).map_err(|why| DailyError::Send {
        date,
        dir: dir.to_path_buf(),
        why,
    })?;
    pause("accepted");
    if let Some(entry) = record.briefs.get_mut(&key) {
        entry.sent_at = Some(now());
        entry.recipients = email.to.clone();
    }
    save(record)?;
    Ok(email.to.clone())
}

/// Removes what runs that died left in `out`: half-staged folders and replaced ones. Only
/// called under the lock, so no live run owns them.
fn clear_leftovers(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && (name.contains(".partial-") || name.contains(".old-")) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Moves the staged folder to `dir`, replacing an earlier one (a `--force` run) only once the
/// new one is complete, and flushes the rename to disk.
fn publish(staging: &Path, dir: &Path) -> std::io::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    if dir.exists() {
        let old = dir.with_file_name(format!(
            ".{}.old-{}",
            dir.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        std::fs::rename(dir, &old)?;
        std::fs::rename(staging, dir)?;
        sync_dir(parent)?;
        return std::fs::remove_dir_all(&old);
    }
    std::fs::rename(staging, dir)?;
    sync_dir(parent)
}

/// Writes every file of the dated folder into `staging`; returns their names.
fn build(
    prepared: &Prepared,
    config: &RunConfig,
    daily: &Daily,
    brief: &Brief,
    staging: &Path,
) -> Result<Vec<String>, DailyError> {
    let date = brief.data_as_of;
    let headline_rule = (brief.json.sentences.iter())
        .find(|s| s.part == "headline")
        .map(|s| s.rule.clone());
    let (relative, returns) =
        crate::chart::charts(prepared, config, headline_rule.as_deref(), date);
    let charts = crate::chart::draw::write(staging, relative.as_ref(), returns.as_ref())
        .map_err(DailyError::Publish)?;
    let cid = |file: &str| match &daily.email {
        Some(e) => email::content_id(e, file, date).map_err(DailyError::Settings),
        None => Ok(file.to_string()),
    };
    let pngs: Vec<email::ChartRef> = (charts.iter())
        .filter(|f| f.ends_with(".png"))
        .map(|f| -> Result<email::ChartRef, DailyError> {
            Ok(email::ChartRef {
                file: f.clone(),
                cid: cid(f)?,
                alt: match f.as_str() {
                    "chart-relative.png" => relative
                        .as_ref()
                        .map(|r| crate::chart::alt(&r.title, &r.alt)),
                    _ => returns
                        .as_ref()
                        .map(|r| crate::chart::alt(&r.title, &r.alt)),
                }
                .unwrap_or_default(),
            })
        })
        .collect::<Result<_, _>>()?;
    // The Markdown and the page show the SVG charts after the brief.
    let figures: String = (pngs.iter())
        .map(|c| {
            let alt = crate::output::escape_markdown(&c.alt);
            format!("![{alt}]({})\n\n", c.file.replace(".png", ".svg"))
        })
        .collect();
    let markdown = if figures.is_empty() {
        brief.markdown.clone()
    } else {
        format!("{}\n## Charts\n\n{figures}", brief.markdown.trim_end())
    };
    let body = markdown.splitn(3, "---\n").nth(2).unwrap_or(&markdown);
    let page = PageCtx {
        lang: config.locale.tag(),
        headline: crate::output::unescape_markdown(&brief.ctx.headline),
        body: crate::output::markdown_to_html(body),
        disclaimer: brief.ctx.disclaimer.clone(),
    };
    let html = prepared.render("page.html.tera", &page)?;
    let mut files = Vec::new();
    let mut write = |name: String, bytes: &[u8]| -> Result<(), DailyError> {
        let path = staging.join(&name);
        write_synced(&path, bytes).map_err(io(&path))?;
        files.push(name);
        Ok(())
    };
    write(format!("brief-{date}.md"), markdown.as_bytes())?;
    write(format!("brief-{date}.html"), html.as_bytes())?;
    write(format!("brief-{date}.txt"), brief.text.as_bytes())?;
    write(
        format!("brief-{date}.json"),
        brief.render(OutputFormat::Json).as_bytes(),
    )?;
    if let Some(e) = &daily.email {
        let body = email::html(prepared, config, brief, &pngs)?;
        // A preview for a browser: the same HTML, its images read from the files beside it.
        let preview = (pngs.iter()).fold(body.clone(), |html, c| {
            html.replace(
                &format!("src=\"cid:{}\"", c.cid),
                &format!("src=\"{}\"", c.file),
            )
        });
        let images = (pngs.iter())
            .map(|c| {
                let path = staging.join(&c.file);
                std::fs::read(&path)
                    .map(|b| (c.cid.clone(), c.file.clone(), b))
                    .map_err(io(&path))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let eml = email::message(
            e,
            &email::subject(e, brief),
            body,
            brief.text.clone(),
            images,
        )
        .map_err(DailyError::Settings)?;
        write(format!("brief-{date}.eml"), &eml)?;
        write(format!("email-{date}.html"), preview.as_bytes())?;
    }
    files.extend(charts);
    files.sort();
    Ok(files)
}

/// Writes a file and flushes it to disk, so that a published folder survives a power cut.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
