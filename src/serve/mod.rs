//! `marketbrief serve`: a live preview for the writer. A local web server (loopback unless
//! told otherwise) shows the brief for any trading day, with its charts; hovering or focusing
//! a sentence shows its evidence; a "why not?" list names the rules that held but were not
//! printed. Saving a rule file, template or the run file (or a data file changing) rebuilds
//! the run and reloads the page; a save with a mistake shows `check`'s messages instead,
//! until the next good save.
//!
//! One thread serves every request: a preview has one reader, and the run (data, metrics,
//! rules) is rebuilt between requests, never under one. The HTTP layer is `tiny_http`, a
//! small synchronous server without an async runtime.

mod page;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tiny_http::{Header, Request, Response, Server};

use crate::authoring::lint;
use crate::brief::{AsOf, Prepared};
use crate::config::RunConfig;

/// How often the watched files are looked at.
const POLL: Duration = Duration::from_millis(250);

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The run file.
    pub config: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// Open the page in the desktop's browser once listening.
    pub open: bool,
}

/// What the server shows between two saves.
enum Site<'a> {
    /// The run built: briefs for any trading day.
    Ready {
        config: &'a RunConfig,
        prepared: &'a Prepared<'a>,
    },
    /// The run did not build: what `check` (or the build) said.
    Broken(Vec<String>),
}

/// Runs the preview until the process is stopped. Returns only if the address cannot be
/// bound.
pub fn run(opts: &Options) -> Result<(), String> {
    let server = Server::http(opts.addr).map_err(|e| format!("listening on {}: {e}", opts.addr))?;
    let url = format!("http://{}/", server.server_addr());
    eprintln!(
        "serving the preview of {} at {url} (Ctrl-C to stop)",
        opts.config.display()
    );
    if !opts.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, beyond loopback: anyone who can reach this machine can read the briefs",
            opts.addr
        );
    }
    if opts.open {
        open_browser(&url);
    }
    let mut generation: u64 = 0;
    let mut watched = watch::Watched::first(&opts.config);
    loop {
        generation += 1;
        let stamp = watched.stamp();
        let report = lint::check(&opts.config);
        if !report.problems.is_empty() {
            let lines = report.to_string().lines().map(String::from).collect();
            eprintln!("the run has problems; showing them until the next save");
            serve_until_change(&server, &Site::Broken(lines), generation, &watched, &stamp);
            continue;
        }
        let config = match RunConfig::load(&opts.config) {
            Ok(c) => c,
            Err(e) => {
                let site = Site::Broken(vec![e.to_string()]);
                serve_until_change(&server, &site, generation, &watched, &stamp);
                continue;
            }
        };
        watched = watch::Watched::of(&opts.config, &config);
        let stamp = watched.stamp();
        let started = Instant::now();
        match Prepared::new(&config) {
            Ok(prepared) => {
                eprintln!(
                    "built the run in {:.1} s (generation {generation})",
                    started.elapsed().as_secs_f64()
                );
                let site = Site::Ready {
                    config: &config,
                    prepared: &prepared,
                };
                serve_until_change(&server, &site, generation, &watched, &stamp);
            }
            Err(e) => {
                let site = Site::Broken(vec![e.to_string()]);
                serve_until_change(&server, &site, generation, &watched, &stamp);
            }
        }
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {e}); open {url} yourself");
    }
}

/// Answers requests until a watched file changes.
fn serve_until_change(
    server: &Server,
    site: &Site,
    generation: u64,
    watched: &watch::Watched,
    stamp: &watch::Stamp,
) {
    let mut last_look = Instant::now();
    loop {
        if let Ok(Some(request)) = server.recv_timeout(POLL) {
            answer(request, site, generation);
        }
        if last_look.elapsed() >= POLL {
            last_look = Instant::now();
            if watched.stamp() != *stamp {
                eprintln!("a watched file changed; rebuilding");
                return;
            }
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn respond(request: Request, status: u16, kind: &str, body: String) {
    let response = Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    // A reader who closed the page is not an error.
    let _ = request.respond(response);
}

fn redirect(request: Request, to: &str) {
    let response = Response::empty(303).with_header(header("Location", to));
    let _ = request.respond(response);
}

const HTML: &str = "text/html; charset=utf-8";

/// One request: `/` (the latest brief), `/brief/DATE`, `/generation` (what the page polls
/// to know when to reload).
fn answer(request: Request, site: &Site, generation: u64) {
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("/").to_string();
    match path.as_str() {
        "/generation" => respond(request, 200, "text/plain", generation.to_string()),
        "/favicon.ico" => respond(request, 204, "text/plain", String::new()),
        "/" => match site {
            Site::Ready { prepared, .. } => match prepared.row(AsOf::Latest) {
                Ok(row) => {
                    let day = prepared.frame.calendar[row];
                    redirect(request, &format!("/brief/{day}"));
                }
                Err(e) => respond(
                    request,
                    500,
                    HTML,
                    page::broken(&[e.to_string()], generation),
                ),
            },
            Site::Broken(lines) => respond(request, 200, HTML, page::broken(lines, generation)),
        },
        p if p.starts_with("/brief/") => {
            let asked = p.trim_start_matches("/brief/");
            let Ok(day) = asked.parse::<NaiveDate>() else {
                return respond(
                    request,
                    404,
                    "text/plain",
                    format!("'{asked}' is not a date (YYYY-MM-DD)"),
                );
            };
            match site {
                Site::Broken(lines) => respond(request, 200, HTML, page::broken(lines, generation)),
                Site::Ready { config, prepared } => {
                    let body = page::brief(config, prepared, day, generation);
                    respond(request, 200, HTML, body)
                }
            }
        }
        _ => respond(request, 404, "text/plain", format!("no page at {path}")),
    }
}

/// The address `serve` listens on by default: loopback, port 4400.
pub fn default_addr(port: u16, bind: Option<&str>) -> Result<SocketAddr, String> {
    let host = bind.unwrap_or("127.0.0.1");
    format!("{host}:{port}")
        .parse::<SocketAddr>()
        .or_else(|_| format!("[{host}]:{port}").parse::<SocketAddr>())
        .map_err(|_| format!("'{host}' is not an IP address to listen on"))
}
