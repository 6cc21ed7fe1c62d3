//! The `fetch` command: runs [`crate::fetch`] and reports each source on a line.

use std::path::Path;

use super::Failure;
use crate::brief::Error;
use crate::config::RunConfig;
use crate::fetch::{Options, FETCH_EXIT};

/// Fetches, prints what changed per source (stdout) and what could not be updated (stderr);
/// fails with [`FETCH_EXIT`] naming each source not updated.
pub fn run(
    config: &Path,
    source: Option<String>,
    dry_run: bool,
    accept_revisions: bool,
) -> Result<(), Failure> {
    let config = RunConfig::load(config).map_err(Error::from)?;
    let opts = Options {
        source,
        dry_run,
        accept_revisions,
        now: crate::calendar::now(),
    };
    let reports =
        crate::fetch::run(&config, &opts).map_err(|message| Failure { message, code: 2 })?;
    if reports.is_empty() {
        println!("no source in {} has a fetch: block", config.path.display());
    }
    let mut failed = Vec::new();
    for r in &reports {
        match &r.result {
            Ok(_) => println!("{}", r.line()),
            Err(_) => {
                eprintln!("{}", r.line());
                failed.push(r.symbol.clone());
            }
        }
        for n in &r.notes {
            println!("{}: {n}", r.symbol);
        }
    }
    match failed.is_empty() {
        true => Ok(()),
        false => Err(Failure {
            message: format!(
                "could not update: {} (the files of those sources are as they were)",
                failed.join(", ")
            ),
            code: FETCH_EXIT,
        }),
    }
}
