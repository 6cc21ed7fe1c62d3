//! `marketbrief daily`: the unattended run after each close. It refuses stale data, publishes
//! a dated folder whole or not at all (md, html, txt, json, the email as `.eml`, and charts),
//! keeps a record so that a date is published and sent once, and sends over SMTP.

pub mod chart;
mod email;
pub mod figures;
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

/// Why a daily run stopped.
#[derive(Debug, thiserror::Error)]
pub enum DailyError {
    /// The run file has no `daily:` section.
    #[error("{0}: the run file has no `daily:` section (out, stale_after, email)")]
    NoSection(PathBuf),
    /// Some sources are too old for the brief's date; nothing was written.
    #[error("stale data, no brief written for {date}:\n{}", .sources.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n"))]
    Stale {
        /// The brief's date.
        date: NaiveDate,
        /// The sources too old.
        sources: Vec<Stale>,
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
        }
    }
}

/// How the run was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The brief's date (default: the latest close in the data).
    pub as_of: Option<NaiveDate>,
    /// Today, against which the data's freshness is judged when `as_of` is not given.
    pub today: NaiveDate,
    /// Publish and send again even if the record says it was done.
    pub force: bool,
    /// Build everything, write and send nothing.
    pub dry_run: bool,
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
        /// The email's subject (or which published message it would send) and recipients.
        email: Option<(String, Vec<String>)>,
    },
    /// Published (and sent to these recipients, if any).
    Published {
        /// The brief's date.
        date: NaiveDate,
        /// Its folder.
        dir: PathBuf,
        /// Its files.
        files: Vec<String>,
        /// The recipients it was sent to.
        sent_to: Vec<String>,
    },
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> DailyError + '_ {
    move |e| DailyError::Publish(format!("{}: {e}", what.display()))
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Runs the daily brief for `config`.
pub fn run(config: &RunConfig, opts: &Options) -> Result<Outcome, DailyError> {
    let daily =
        (config.daily.as_ref()).ok_or_else(|| DailyError::NoSection(config.path.clone()))?;
    let prepared = Prepared::new(config)?;
    let row = prepared.row(opts.as_of.map_or(AsOf::Latest, AsOf::Date))?;
    let date = prepared.frame.calendar[row];
    let reference = opts.as_of.unwrap_or(opts.today);
    let stale = stale::stale_sources(&prepared.data, reference, daily.stale_after);
    if !stale.is_empty() {
        return Err(DailyError::Stale {
            date: reference,
            sources: stale,
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
            let published = format!("brief-{date}.eml, published but not sent");
            let email = daily.email.as_ref().map(|e| (published, e.to.clone()));
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
        let sent_to = deliver(daily, &dir, date, &mut record)?;
        return Ok(Outcome::Published {
            date,
            dir,
            files,
            sent_to,
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
        let email = (daily.email.as_ref()).map(|e| (email::subject(e, &brief), e.to.clone()));
        return Ok(Outcome::DryRun {
            date,
            dir,
            files,
            email,
        });
    }
    publish(&staging, &dir).map_err(io(&dir))?;
    record.briefs.insert(
        key,
        Entry {
            published_at: now(),
            files: files.clone(),
            sent_at: None,
            recipients: Vec::new(),
        },
    );
    record
        .save(&daily.out)
        .map_err(io(&Record::path(&daily.out)))?;
    let sent_to = match mails {
        Some(_) => deliver(daily, &dir, date, &mut record)?,
        None => Vec::new(),
    };
    Ok(Outcome::Published {
        date,
        dir,
        files,
        sent_to,
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
    send::send(email, smtp, &eml).map_err(|why| DailyError::Send {
        date,
        dir: dir.to_path_buf(),
        why,
    })?;
    if let Some(entry) = record.briefs.get_mut(&date.to_string()) {
        entry.sent_at = Some(now());
        entry.recipients = email.to.clone();
    }
    record
        .save(&daily.out)
        .map_err(io(&Record::path(&daily.out)))?;
    Ok(email.to.clone())
}

/// Moves the staged folder to `dir`, replacing an earlier one (a `--force` run) only once the
/// new one is complete.
fn publish(staging: &Path, dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        let old = dir.with_file_name(format!(
            ".{}.old-{}",
            dir.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        std::fs::rename(dir, &old)?;
        std::fs::rename(staging, dir)?;
        return std::fs::remove_dir_all(&old);
    }
    std::fs::rename(staging, dir)
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
    let name_of = |sym: &str| {
        config
            .resolve(sym)
            .map_or(sym.to_string(), |s| s.name.clone())
    };
    let relative = figures::pair(prepared, config, headline_rule.as_deref())
        .and_then(|(a, b)| figures::relative(prepared, (&name_of(&a), &name_of(&b)), &a, &b, date));
    let returns = figures::returns(prepared, config, date);
    let charts =
        chart::write(staging, relative.as_ref(), returns.as_ref()).map_err(DailyError::Publish)?;
    let pngs: Vec<email::ChartRef> = (charts.iter())
        .filter(|f| f.ends_with(".png"))
        .map(|f| email::ChartRef {
            file: f.clone(),
            alt: match f.as_str() {
                "chart-relative.png" => relative.as_ref().map(|r| r.title.clone()),
                _ => returns.as_ref().map(|r| r.title.clone()),
            }
            .unwrap_or_default(),
        })
        .collect();
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
        std::fs::write(&path, bytes).map_err(io(&path))?;
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
        let preview = body.replace("src=\"cid:", "src=\"");
        let images = (pngs.iter())
            .map(|c| {
                let path = staging.join(&c.file);
                std::fs::read(&path)
                    .map(|b| (c.file.clone(), b))
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
