//! A cache of parsed sources, so a run does not parse the same CSV twice: each daily series
//! and member matrix, once read, is kept as a small binary file in `.marketbrief-cache/`
//! beside the run file. An entry is served only when the file's path, size, modification time
//! and content hash, the source's reading settings and this program's version all match what
//! the entry records; anything else (a changed byte, a truncated or foreign entry) is read
//! from the source again and the entry rewritten. `--no-cache` (or `MARKETBRIEF_NO_CACHE`)
//! turns it off.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use super::{Content, Members, Series};
use crate::config::Source;

/// The environment variable that turns the cache off.
pub const NO_CACHE_ENV: &str = "MARKETBRIEF_NO_CACHE";
/// The cache folder's name, beside the run file.
pub const DIR: &str = ".marketbrief-cache";
const MAGIC: &[u8; 8] = b"MBCACHE1";

static OFF: AtomicBool = AtomicBool::new(false);

/// Turns the cache off for this process (`--no-cache`).
pub fn disable() {
    OFF.store(true, Ordering::Relaxed);
}

fn off() -> bool {
    OFF.load(Ordering::Relaxed) || std::env::var_os(NO_CACHE_ENV).is_some()
}

/// What an entry must match: the reading settings and the file as it is now.
fn key(source: &Source) -> Option<(PathBuf, Vec<u8>)> {
    let [file] = source.files.as_slice() else {
        return None;
    };
    let bytes = std::fs::read(file).ok()?;
    let meta = std::fs::metadata(file).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut content = std::collections::hash_map::DefaultHasher::new();
    content.write(&bytes);
    let path = std::fs::canonicalize(file).ok()?;
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{:?} {:?} {:?} {:?}\n{:016x}\n",
        env!("CARGO_PKG_VERSION"),
        path.display(),
        file.display(),
        meta.len(),
        mtime.as_nanos(),
        source.format,
        source.role,
        source.column,
        source.as_of,
        content.finish()
    );
    let mut name = std::collections::hash_map::DefaultHasher::new();
    name.write(path.to_string_lossy().as_bytes());
    name.write(format!("{:?} {:?}", source.format, source.column).as_bytes());
    Some((
        PathBuf::from(format!("{:016x}.bin", name.finish())),
        text.into_bytes(),
    ))
}

/// The folder of entries for the run file at `run_file`.
pub fn folder(run_file: &Path) -> PathBuf {
    run_file.parent().unwrap_or(Path::new(".")).join(DIR)
}

/// A parsed source read back, with its reader's warnings and notes, if a valid entry exists.
pub fn get(dir: &Path, source: &Source) -> Option<(Content, Vec<String>, Vec<String>)> {
    if off() {
        return None;
    }
    let (name, key) = key(source)?;
    let bytes = std::fs::read(dir.join(name)).ok()?;
    let mut r = Reader { b: &bytes, at: 0 };
    (r.take(8)? == MAGIC).then_some(())?;
    (r.bytes()? == key).then_some(())?;
    let warnings = r.strings()?;
    let notes = r.strings()?;
    let content = match r.u32()? {
        0 => {
            let dates = r.dates()?;
            let values = (0..dates.len())
                .map(|_| r.f64())
                .collect::<Option<Vec<_>>>()?;
            Content::Series(Series { dates, values })
        }
        1 => {
            let dates = r.dates()?;
            let tickers = r.strings()?;
            let mut closes = Vec::with_capacity(tickers.len());
            for _ in &tickers {
                let col = (0..dates.len()).map(|_| r.f64().map(|x| (!x.is_nan()).then_some(x)));
                closes.push(col.collect::<Option<Vec<_>>>()?);
            }
            Content::Members(Members {
                dates,
                tickers,
                closes,
            })
        }
        _ => return None,
    };
    (r.at == bytes.len()).then_some((content, warnings, notes))
}

/// Keeps a parsed daily series or member matrix; other contents are cheap to read again.
/// A failure to write is no error: the next run reads the source.
pub fn put(dir: &Path, source: &Source, content: &Content, warnings: &[String], notes: &[String]) {
    if off() || !matches!(content, Content::Series(_) | Content::Members(_)) {
        return;
    }
    let Some((name, key)) = key(source) else {
        return;
    };
    let mut w = Vec::new();
    w.extend_from_slice(MAGIC);
    put_bytes(&mut w, &key);
    put_strings(&mut w, warnings);
    put_strings(&mut w, notes);
    match content {
        Content::Series(s) => {
            w.extend_from_slice(&0u32.to_le_bytes());
            put_dates(&mut w, &s.dates);
            s.values
                .iter()
                .for_each(|v| w.extend_from_slice(&v.to_le_bytes()));
        }
        Content::Members(m) => {
            w.extend_from_slice(&1u32.to_le_bytes());
            put_dates(&mut w, &m.dates);
            put_strings(&mut w, &m.tickers);
            for col in &m.closes {
                col.iter()
                    .for_each(|v| w.extend_from_slice(&v.unwrap_or(f64::NAN).to_le_bytes()));
            }
        }
        _ => return,
    }
    save(dir, &name, &w);
}

/// Columns computed from one source alone (breadth from a member matrix), under `what`
/// (the measures asked for), if a valid entry exists.
pub fn get_columns(dir: &Path, source: &Source, what: &str) -> Option<Vec<Vec<Option<f64>>>> {
    if off() {
        return None;
    }
    let (name, key) = key(source)?;
    let bytes = std::fs::read(dir.join(columns_name(&name, what))).ok()?;
    let mut r = Reader { b: &bytes, at: 0 };
    (r.take(8)? == MAGIC).then_some(())?;
    (r.bytes()? == key).then_some(())?;
    (r.bytes()? == what.as_bytes()).then_some(())?;
    let (n, len) = (r.u32()? as usize, r.u32()? as usize);
    if n.saturating_mul(len).saturating_mul(8) > bytes.len() {
        return None;
    }
    let columns = (0..n)
        .map(|_| {
            (0..len)
                .map(|_| r.f64().map(|x| (!x.is_nan()).then_some(x)))
                .collect()
        })
        .collect::<Option<Vec<Vec<_>>>>()?;
    (r.at == bytes.len()).then_some(columns)
}

/// Keeps columns computed from `source` alone, under `what`.
pub fn put_columns(dir: &Path, source: &Source, what: &str, columns: &[Vec<Option<f64>>]) {
    let Some((name, key)) = key(source).filter(|_| !off()) else {
        return;
    };
    let mut w = Vec::new();
    w.extend_from_slice(MAGIC);
    put_bytes(&mut w, &key);
    put_bytes(&mut w, what.as_bytes());
    let len = columns.first().map_or(0, Vec::len);
    w.extend_from_slice(&(columns.len() as u32).to_le_bytes());
    w.extend_from_slice(&(len as u32).to_le_bytes());
    for col in columns {
        col.iter()
            .for_each(|v| w.extend_from_slice(&v.unwrap_or(f64::NAN).to_le_bytes()));
    }
    save(dir, &columns_name(&name, what), &w);
}

fn columns_name(name: &Path, what: &str) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(what.as_bytes());
    name.with_extension(format!("{:016x}.bin", h.finish()))
}

/// Writes an entry whole (a temporary file renamed), or not at all.
fn save(dir: &Path, name: &Path, bytes: &[u8]) {
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(name);
    let temp = dir.join(format!("{}.{}.tmp", name.display(), std::process::id()));
    let written = std::fs::File::create(&temp).and_then(|mut f| f.write_all(bytes));
    if written.and_then(|_| std::fs::rename(&temp, &path)).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
    w.extend_from_slice(&(b.len() as u32).to_le_bytes());
    w.extend_from_slice(b);
}

fn put_strings(w: &mut Vec<u8>, s: &[String]) {
    w.extend_from_slice(&(s.len() as u32).to_le_bytes());
    s.iter().for_each(|x| put_bytes(w, x.as_bytes()));
}

fn put_dates(w: &mut Vec<u8>, d: &[NaiveDate]) {
    w.extend_from_slice(&(d.len() as u32).to_le_bytes());
    d.iter()
        .for_each(|d| w.extend_from_slice(&crate::metrics::to_days(*d).to_le_bytes()));
}

/// Reads an entry; every read checks its bounds, so a cut or foreign file gives None.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.u32()? as usize;
        (0..n.min(self.b.len()))
            .map(|_| String::from_utf8(self.bytes()?.to_vec()).ok())
            .collect::<Option<Vec<_>>>()
            .filter(|v| v.len() == n)
    }
    fn dates(&mut self) -> Option<Vec<NaiveDate>> {
        let n = self.u32()? as usize;
        if n > self.b.len() {
            return None;
        }
        (0..n)
            .map(|_| {
                let d = i32::from_le_bytes(self.take(4)?.try_into().ok()?);
                (-1_000_000..1_000_000)
                    .contains(&d)
                    .then(|| crate::metrics::from_days(d))
            })
            .collect()
    }
}
