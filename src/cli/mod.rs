//! The command line: the only place that reads arguments, prints, and picks exit codes.

mod authoring;
mod fetch;

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::brief::{AsOf, Error};
use crate::config::{OutputFormat, RunConfig};

/// Writes market commentary from market data: rules over metric columns, filled into templates.
#[derive(Debug, Parser)]
#[command(name = "marketbrief", version, about)]
pub struct Cli {
    /// Read every source from its file and compute every column, neither reading nor
    /// writing the cache (`.marketbrief-cache/` beside the run file: parsed sources and the
    /// run's computed columns).
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the brief for one date.
    Generate {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// The date of the brief: YYYY-MM-DD, or `latest` for the last trading day in the data.
        #[arg(long, default_value = "latest", value_parser = parse_as_of)]
        as_of: AsOf,
        /// Formats, comma-separated: md, html, json, txt (default: the run file's, else md).
        #[arg(long, value_delimiter = ',', value_parser = parse_format)]
        format: Vec<OutputFormat>,
        /// Folder for the files `brief-<date>.<ext>` (default: the run file's `outputs.dir`);
        /// without either, one format goes to stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check the run file, every rule and every template, and report every problem at once.
    Check {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Show, for each rule, whether it held on a date and why, value by value.
    Explain {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// The date: YYYY-MM-DD, or `latest`.
        #[arg(long, default_value = "latest", value_parser = parse_as_of)]
        as_of: AsOf,
        /// Only this rule.
        #[arg(long)]
        rule: Option<String>,
        /// `text` for people, `json` for tools.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Run the rules' tests (their `expect:` dates) against the run file's data.
    Test {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// Only this rule's tests.
        #[arg(long)]
        rule: Option<String>,
    },
    /// Count how often each rule held over a span of history; optionally write every brief.
    Backtest {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// First date (default: the first trading day of the data).
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Last date (default: the last trading day of the data).
        #[arg(long, value_parser = parse_date)]
        to: Option<NaiveDate>,
        /// Write every trading day's brief into this folder.
        #[arg(long)]
        write_briefs: Option<PathBuf>,
        /// Formats of the briefs written (default: the run file's).
        #[arg(long, value_delimiter = ',', value_parser = parse_format)]
        brief_format: Vec<OutputFormat>,
        /// How to print the counts: `table`, `csv` or `json`.
        #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
        format: String,
        /// Instead of the counts, list the days this rule (or each member of this family)
        /// held, one `date rule` line each: for choosing `expect:` dates.
        #[arg(long, value_name = "RULE")]
        days: Option<String>,
    },
    /// The unattended daily run: refuse stale data, publish a dated folder, mail it once.
    Daily {
        /// The run file (marketbrief.yaml), with a `daily:` section.
        #[arg(long, short)]
        config: PathBuf,
        /// The brief's date: YYYY-MM-DD, or `latest` (the default) for the last NYSE session
        /// that has closed, against which the data's freshness is judged.
        #[arg(long, default_value = "latest", value_parser = parse_as_of)]
        as_of: AsOf,
        /// First bring the sources with `fetch:` blocks up to date (see `fetch`).
        #[arg(long)]
        fetch: bool,
        /// With --fetch: rewrite stored closes that a provider revised.
        #[arg(long, requires = "fetch")]
        accept_revisions: bool,
        /// Publish and send again even if the record says this date is done.
        #[arg(long)]
        force: bool,
        /// Build everything and say what would be published and sent; write and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// When another daily run holds the output folder, wait this many seconds for it
        /// before giving up (exit 8). Default: give up at once.
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        wait: u64,
    },
    /// Bring every source with a `fetch:` block up to date from its provider (Yahoo, FRED,
    /// iShares, a CSV URL): only missing sessions are asked for, the result is validated, and
    /// each file is replaced atomically or left as it was.
    Fetch {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// Only the source with this symbol.
        #[arg(long, value_name = "SYMBOL")]
        source: Option<String>,
        /// Say what would be asked for; ask and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Rewrite stored closes that a provider now serves differently (how splits and
        /// dividend adjustments arrive); without it such a response is refused.
        #[arg(long)]
        accept_revisions: bool,
    },
    /// A live preview in the browser: the brief for any trading day with its charts, each
    /// sentence's evidence on hover, the rules that held but were not printed; reloads when
    /// a rule file, template or the run file is saved.
    Serve {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// The port to listen on (0: any free port, printed on stderr).
        #[arg(long, default_value_t = 4400)]
        port: u16,
        /// The address to listen on; loopback unless told otherwise.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the page in the desktop's browser.
        #[arg(long)]
        open: bool,
    },
    /// Read a writer's edited Markdown draft back against the data of its date: every figure,
    /// date and direction word is matched to that date's metrics. Exit 10 if any figure is
    /// contradicted or cannot be attributed.
    Verify {
        /// The run file (marketbrief.yaml).
        #[arg(long, short)]
        config: PathBuf,
        /// The date the draft describes: YYYY-MM-DD, or `latest`.
        #[arg(long, value_parser = parse_as_of)]
        as_of: AsOf,
        /// `text` for people (`DRAFT.md:LINE:COL: ...` lines), `json` for tools (every figure).
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// The draft (Markdown, as `generate` wrote it and the writer edited it).
        draft: PathBuf,
    },
    /// Write the synthetic demo dataset (the one shipped in examples/demo/data).
    DemoData {
        /// Folder to write into.
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_as_of(s: &str) -> Result<AsOf, String> {
    if s == "latest" {
        return Ok(AsOf::Latest);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(AsOf::Date)
        .map_err(|_| format!("'{s}' is not a date: use YYYY-MM-DD or latest"))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date: use YYYY-MM-DD"))
}

fn parse_format(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s)
        .ok_or_else(|| format!("'{s}' is not a format: use md, html, json or txt"))
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// The message, with its causes.
    pub message: String,
    /// The process exit code.
    pub code: i32,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            message: e.to_string(),
            code: e.exit_code(),
        }
    }
}

pub(crate) fn io_failure(what: String, e: std::io::Error) -> Failure {
    Failure {
        message: format!("{what}: {e}"),
        code: 1,
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    if cli.no_cache {
        crate::data::cache::disable();
    }
    match cli.command {
        Command::Generate {
            config,
            as_of,
            format,
            out,
        } => {
            let config = RunConfig::load(&config).map_err(Error::from)?;
            let out = out.or_else(|| config.out_dir.clone());
            // Without a folder, one format goes to stdout: Markdown unless --format names another.
            let formats = match (&out, format.len()) {
                (None, 0) => vec![OutputFormat::Md],
                (None, 1) => format,
                (None, _) => {
                    return Err(Failure {
                        message: "several formats need --out DIR (stdout takes one)".into(),
                        code: 2,
                    })
                }
                (Some(_), 0) => config.formats.clone(),
                (Some(_), _) => format,
            };
            let prepared = crate::brief::Prepared::new(&config)?;
            let brief = prepared.brief(as_of)?;
            // The process ends next: its memory goes back whole, without freeing every column
            // and template one by one.
            std::mem::forget(prepared);
            let stem = format!("brief-{}", brief.data_as_of);
            match out {
                Some(dir) => {
                    // In a folder the Markdown links its charts, written beside it as SVG.
                    let mut files: Vec<(String, String)> = (formats.iter())
                        .map(|f| {
                            let text = match f {
                                OutputFormat::Md => brief.markdown_with_charts(&stem),
                                _ => brief.render(*f),
                            };
                            (format!("{stem}.{}", f.extension()), text)
                        })
                        .collect();
                    if formats.contains(&OutputFormat::Md) {
                        files.extend(
                            (brief.charts.iter())
                                .map(|c| (crate::chart::file_name(&stem, c), c.svg.clone())),
                        );
                    }
                    let written = crate::output::write_all(&dir, &files)
                        .map_err(|e| io_failure(format!("writing to {}", dir.display()), e))?;
                    for p in written {
                        eprintln!("wrote {}", p.display());
                    }
                }
                None => {
                    let mut stdout = std::io::stdout().lock();
                    stdout
                        .write_all(brief.render(formats[0]).as_bytes())
                        .map_err(|e| io_failure("writing to stdout".into(), e))?;
                }
            }
            for w in &brief.json.warnings {
                eprintln!("warning: {w}");
            }
            Ok(())
        }
        Command::Check { config } => authoring::check(&config),
        Command::Explain {
            config,
            as_of,
            rule,
            format,
        } => authoring::explain(&config, as_of, rule.as_deref(), &format),
        Command::Test { config, rule } => authoring::test(&config, rule.as_deref()),
        Command::Backtest {
            config,
            from,
            to,
            write_briefs,
            brief_format,
            format,
            days,
        } => match days {
            Some(rule) => authoring::held_days(&config, from, to, &rule),
            None => authoring::backtest(
                &config,
                from,
                to,
                write_briefs.as_deref(),
                brief_format,
                &format,
            ),
        },
        Command::Daily {
            config,
            as_of,
            fetch,
            accept_revisions,
            force,
            dry_run,
            wait,
        } => {
            let opts = crate::daily::Options {
                as_of: match as_of {
                    AsOf::Latest => None,
                    AsOf::Date(d) => Some(d),
                },
                now: crate::calendar::now(),
                fetch,
                accept_revisions,
                force,
                dry_run,
                wait: std::time::Duration::from_secs(wait),
            };
            daily(&config, &opts)
        }
        Command::Fetch {
            config,
            source,
            dry_run,
            accept_revisions,
        } => fetch::run(&config, source, dry_run, accept_revisions),
        Command::Serve {
            config,
            port,
            bind,
            open,
        } => {
            let addr = crate::serve::default_addr(port, Some(&bind))
                .map_err(|message| Failure { message, code: 2 })?;
            let opts = crate::serve::Options { config, addr, open };
            crate::serve::run(&opts).map_err(|message| Failure { message, code: 1 })
        }
        Command::Verify {
            config,
            as_of,
            format,
            draft,
        } => authoring::verify(&config, as_of, &draft, &format),
        Command::DemoData { out } => crate::demo::write(&out)
            .map(|files| {
                files
                    .iter()
                    .for_each(|f| eprintln!("wrote {}", f.display()))
            })
            .map_err(|e| io_failure(format!("writing demo data to {}", out.display()), e)),
    }
}

fn daily(config: &std::path::Path, opts: &crate::daily::Options) -> Result<(), Failure> {
    use crate::daily::{run, Outcome};
    let config = RunConfig::load(config).map_err(Error::from)?;
    let outcome = run(&config, opts).map_err(|e| Failure {
        message: e.to_string(),
        code: e.exit_code(),
    })?;
    match outcome {
        Outcome::AlreadyDone { date, sent } => println!(
            "the brief for {date} was already published{}: nothing to do (--force to do it again)",
            if sent { " and sent" } else { "" }
        ),
        Outcome::DryRun {
            date,
            dir,
            files,
            email,
        } => {
            println!("dry run: would publish {} ({date}):", dir.display());
            for f in files {
                println!("  {f}");
            }
            match email {
                Some(m) if m.published => println!(
                    "and send brief-{date}.eml, published by an earlier run but not sent yet, to {}",
                    m.to.join(", ")
                ),
                Some(m) if m.sends => println!("and mail \"{}\" to {}", m.subject, m.to.join(", ")),
                Some(m) => println!(
                    "and write the email \"{}\" as brief-{date}.eml; not sent: the run file's email has no smtp:",
                    m.subject
                ),
                None => {}
            }
        }
        Outcome::Published {
            date,
            dir,
            files,
            sent_to,
            sent_only,
            no_smtp,
            resent,
        } => {
            if let Some(at) = resent {
                eprintln!(
                    "warning: a run stopped while sending this brief (at {at}); the server may \
                     have had it already, so it was sent again"
                );
            }
            match sent_only {
                true => println!(
                    "sent the brief for {date}, published earlier in {}",
                    dir.display()
                ),
                false => println!(
                    "published the brief for {date} in {} ({} files)",
                    dir.display(),
                    files.len()
                ),
            }
            if !sent_to.is_empty() {
                println!("sent to {}", sent_to.join(", "));
            }
            if no_smtp {
                println!(
                    "not sent: the run file's email has no smtp: (the message is brief-{date}.eml)"
                );
            }
        }
    }
    Ok(())
}
