//! Providers that serve a whole file: an iShares fund's holdings (each new snapshot saved as
//! its own file, named by its "Fund Holdings as of" date) and a plain CSV URL (the file
//! replaced, once the source's own reader accepts it and its past values stand).

use std::path::{Path, PathBuf};

use super::http::{encode, Http};
use super::table::replace_file;
use super::{Change, Options};
use crate::config::fetch::Fetch;
use crate::config::Source;
use crate::data::{read_source, Content};

fn url_of(spec: &Fetch, query: Option<String>) -> String {
    let url = spec.url.clone().unwrap_or_default();
    let url = match url.contains("://") {
        true => url,
        false => format!("{}/{}", spec.base(), url.trim_start_matches('/')),
    };
    match (url.contains('?'), query) {
        (false, Some(q)) => format!("{url}?{q}"),
        _ => url,
    }
}

/// A file beside `near`, for checking a download with the reader before it counts.
fn temp_beside(near: &Path, body: &str) -> Result<PathBuf, String> {
    let name = near
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = near.with_file_name(format!(".{name}.download-{}", std::process::id()));
    std::fs::write(&temp, body).map_err(|e| format!("{}: {e}", temp.display()))?;
    Ok(temp)
}

/// Downloads the fund's holdings; a snapshot of a date the source lacks is saved as
/// `{FUND}_holdings_{date}.csv` beside its first file.
pub fn holdings(
    http: &mut Http,
    source: &Source,
    spec: &Fetch,
    fund: &str,
    dry_run: bool,
) -> Result<Change, String> {
    let query = format!(
        "fileType=csv&fileName={}_holdings&dataType=fund",
        encode(fund)
    );
    let url = url_of(spec, Some(query));
    if dry_run {
        return Ok(Change::WouldAsk {
            what: format!("for the holdings at {url}"),
        });
    }
    let body = http.body(&url)?;
    let first = &source.files[0];
    let temp = temp_beside(first, &body)?;
    let mut probe = source.clone();
    probe.files = vec![temp.clone()];
    probe.as_of = None;
    let read = read_source(&probe, &mut Vec::new(), &mut Vec::new());
    let snapshot = match read {
        Ok(Content::Holdings(mut s)) if !s.is_empty() => s.remove(0),
        Ok(_) => unreachable!("an ishares source reads as holdings"),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(format!("{url}: not a holdings file the reader takes: {e}"));
        }
    };
    let mut have = source.clone();
    have.files.retain(|f| f != &temp);
    let known = match read_source(&have, &mut Vec::new(), &mut Vec::new()) {
        Ok(Content::Holdings(s)) => s.iter().any(|s| s.as_of == snapshot.as_of),
        _ => false,
    };
    if known {
        let _ = std::fs::remove_file(&temp);
        return Ok(Change::UpToDate {
            last: snapshot.as_of,
        });
    }
    let target = first.with_file_name(format!("{fund}_holdings_{}.csv", snapshot.as_of));
    let saved = replace_file(&target, body.as_bytes());
    let _ = std::fs::remove_file(&temp);
    saved?;
    Ok(Change::Snapshot {
        as_of: snapshot.as_of,
        file: target.display().to_string(),
    })
}

/// Downloads the whole file; it replaces the old one if the source's reader takes it and
/// no value the old file had moved beyond the tolerance (unless revisions are accepted).
pub fn whole_file(
    http: &mut Http,
    source: &Source,
    spec: &Fetch,
    opts: &Options,
    notes: &mut Vec<String>,
) -> Result<Change, String> {
    let url = url_of(spec, None);
    if opts.dry_run {
        return Ok(Change::WouldAsk {
            what: format!("for {url}"),
        });
    }
    let body = http.body(&url)?;
    let file = &source.files[0];
    let temp = temp_beside(file, &body)?;
    let checked = compare(
        source,
        &temp,
        spec.tolerance(),
        opts.accept_revisions,
        notes,
    );
    let result = checked.and_then(|(added, revised)| {
        if !added.is_empty() || !revised.is_empty() {
            std::fs::rename(&temp, file).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        Ok(Change::Updated { added, revised })
    });
    let _ = std::fs::remove_file(&temp);
    result.map_err(|e| format!("{url}: {e}"))
}

type Compared = (Vec<chrono::NaiveDate>, Vec<String>);

fn compare(
    source: &Source,
    temp: &Path,
    tolerance: f64,
    accept: bool,
    notes: &mut Vec<String>,
) -> Result<Compared, String> {
    let mut probe = source.clone();
    probe.files = vec![temp.to_path_buf()];
    let mut warnings = Vec::new();
    let new = read_source(&probe, &mut warnings, notes)
        .map_err(|e| format!("not a file the reader takes: {e}"))?;
    notes.extend(warnings);
    let old = read_source(source, &mut Vec::new(), &mut Vec::new()).ok();
    let (Content::Series(new), Some(Content::Series(old))) = (&new, &old) else {
        // Not a series (or the old file was unreadable): the reader's word is the check.
        return Ok((Vec::new(), vec!["the whole file replaced".to_string()]));
    };
    let mut revised = Vec::new();
    for (d, v) in old.dates.iter().zip(&old.values) {
        match new.dates.binary_search(d) {
            Ok(i) if (new.values[i] - v).abs() > tolerance * v.abs() => {
                revised.push(format!("{d}: {v} in the file, {} now", new.values[i]));
            }
            Ok(_) => {}
            Err(_) => revised.push(format!("{d}: {v} in the file, missing now")),
        }
    }
    if !revised.is_empty() && !accept {
        return Err(format!(
            "the download changes {} stored values: {}; nothing written (--accept-revisions rewrites them)",
            revised.len(),
            revised.iter().take(10).cloned().collect::<Vec<_>>().join("; ")
        ));
    }
    let last = old.dates.last().copied();
    let added = new
        .dates
        .iter()
        .filter(|d| last.is_none_or(|l| **d > l))
        .copied()
        .collect();
    Ok((added, revised))
}
