//! Every day's brief of a backtest, written on all cores into a folder published at once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::brief::{AsOf, Error, Prepared};
use crate::config::OutputFormat;

/// Writes the brief of every trading day of `rows` into `dir` (`brief-<date>.<ext>`), on as
/// many threads as there are cores, and counts the days each rule printed. `tick` is called
/// once per brief written. The first failure in date order stops the run.
///
/// The briefs are written into a staging folder beside `dir`, which becomes `dir` (or whose
/// files move into an existing `dir`) only once every brief is written: a failure or a crash
/// leaves no half-written set, and no file is created twice (creating files is what the
/// file system charges most for).
pub fn write_briefs(
    prepared: &Prepared,
    rows: std::ops::Range<usize>,
    dir: &Path,
    formats: &[OutputFormat],
    tick: &(dyn Fn() + Sync),
) -> Result<(usize, BTreeMap<String, usize>), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let name = dir
        .file_name()
        .map_or("briefs".into(), |n| n.to_string_lossy().into_owned());
    let staging = dir.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let written = write_into(prepared, rows, &staging, formats, tick);
    let published = written.and_then(|counts| {
        publish(&staging, dir).map_err(io(dir))?;
        Ok(counts)
    });
    if published.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    published
}

/// Moves the staged briefs to `dir`: the whole folder at once when `dir` is new (or empty),
/// else file by file.
fn publish(staging: &Path, dir: &Path) -> std::io::Result<()> {
    if dir.exists() && std::fs::remove_dir(dir).is_err() {
        for entry in std::fs::read_dir(staging)? {
            let entry = entry?;
            std::fs::rename(entry.path(), dir.join(entry.file_name()))?;
        }
        return std::fs::remove_dir(staging);
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(staging, dir)
}

fn write_into(
    prepared: &Prepared,
    rows: std::ops::Range<usize>,
    dir: &Path,
    formats: &[OutputFormat],
    tick: &(dyn Fn() + Sync),
) -> Result<(usize, BTreeMap<String, usize>), Error> {
    let next = AtomicUsize::new(rows.start);
    let stop = AtomicBool::new(false);
    let failures: Mutex<Vec<(usize, Error)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |p| p.get());
    let counts: Vec<BTreeMap<String, usize>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut printed: BTreeMap<String, usize> = BTreeMap::new();
                    while !stop.load(Ordering::Relaxed) {
                        let row = next.fetch_add(1, Ordering::Relaxed);
                        if row >= rows.end {
                            break;
                        }
                        let date = prepared.frame.calendar[row];
                        let written =
                            prepared
                                .brief_in(AsOf::Date(date), formats)
                                .and_then(|brief| {
                                    let _p = crate::profile::phase(|| "10 write files".into());
                                    for f in formats {
                                        let path =
                                            dir.join(format!("brief-{date}.{}", f.extension()));
                                        std::fs::write(&path, brief.render(*f))
                                            .map_err(|source| Error::Io { path, source })?;
                                    }
                                    Ok(brief)
                                });
                        match written {
                            Ok(brief) => {
                                for f in &brief.json.findings {
                                    *printed.entry(f.rule.clone()).or_default() += 1;
                                }
                                tick();
                            }
                            Err(e) => {
                                stop.store(true, Ordering::Relaxed);
                                failures.lock().expect("not poisoned").push((row, e));
                            }
                        }
                    }
                    printed
                })
            })
            .collect();
        (handles.into_iter())
            .map(|h| h.join().expect("a brief thread does not panic"))
            .collect()
    });
    let mut failures = failures.into_inner().expect("not poisoned");
    failures.sort_by_key(|(row, _)| *row);
    if let Some((_, e)) = failures.into_iter().next() {
        return Err(e);
    }
    let mut printed: BTreeMap<String, usize> = BTreeMap::new();
    for c in counts {
        for (id, n) in c {
            *printed.entry(id).or_default() += n;
        }
    }
    Ok((rows.len(), printed))
}
