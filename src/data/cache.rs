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
use crate::config::{Format, Source};

/// The environment variable that turns the cache off.
pub const NO_CACHE_ENV: &str = "MARKETBRIEF_NO_CACHE";
/// The cache folder's name, beside the run file.
pub const DIR: &str = ".marketbrief-cache";
pub(super) const MAGIC: &[u8; 8] = b"MBCACHE3";

static OFF: AtomicBool = AtomicBool::new(false);

/// Turns the cache off for this process (`--no-cache`).
pub fn disable() {
    OFF.store(true, Ordering::Relaxed);
}

pub(super) fn off() -> bool {
    OFF.load(Ordering::Relaxed) || std::env::var_os(NO_CACHE_ENV).is_some()
}

/// A source's entry name and what the entry must match (the reading settings and the file as
/// it is now). Made once per source and run: the file is read and hashed here, not again for
/// each lookup.
#[derive(Debug, Clone)]
pub struct Key {
    pub(super) name: PathBuf,
    pub(super) text: Vec<u8>,
}

/// The key of `source` (one file), or None when the cache is off or the file unreadable.
pub fn key(source: &Source) -> Option<Key> {
    // Only daily series and member matrices are kept (other contents are cheap to read).
    let kept = matches!(
        source.format,
        Format::Yahoo | Format::Fred | Format::Matrix | Format::Parquet
    );
    if off() || !kept {
        return None;
    }
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
    let content = content_hash(&bytes);
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
        content
    );
    let mut name = std::collections::hash_map::DefaultHasher::new();
    name.write(path.to_string_lossy().as_bytes());
    name.write(format!("{:?} {:?}", source.format, source.column).as_bytes());
    Some(Key {
        name: PathBuf::from(format!("{:016x}.bin", name.finish())),
        text: text.into_bytes(),
    })
}

/// A 64-bit hash of a file's bytes, eight at a time: each step is a bijection of the state
/// for a given word and of the word for a given state, so any change of one word changes it,
/// and it reads at memory speed (SipHash, std's default, took 19 ms over the real data's
/// 25 MB). It detects edits; it is not meant to resist forgery.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let step = |h: u64, w: u64| (h ^ w).wrapping_mul(K).rotate_left(29);
    let mut words = bytes.chunks_exact(8);
    let mut h = (&mut words).fold(0x5851_F42D_4C95_7F2D, |h, w| {
        step(h, u64::from_le_bytes(w.try_into().expect("eight bytes")))
    });
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = step(h, u64::from_le_bytes(tail));
    step(h, bytes.len() as u64)
}

/// The folder of entries for the run file at `run_file`.
pub fn folder(run_file: &Path) -> PathBuf {
    run_file.parent().unwrap_or(Path::new(".")).join(DIR)
}

/// A parsed source read back, with its reader's warnings and notes, if a valid entry exists.
pub fn get(dir: &Path, key: &Key) -> Option<(Content, Vec<String>, Vec<String>)> {
    let bytes = std::fs::read(dir.join(&key.name)).ok()?;
    let mut r = Reader::after_header(&bytes, key)?;
    let warnings = r.strings()?;
    let notes = r.strings()?;
    let content = match r.u32()? {
        0 => {
            let dates = r.dates()?;
            let values = (r.column(dates.len())?.into_iter())
                .map(|v| v.unwrap_or(f64::NAN))
                .collect();
            Content::Series(Series { dates, values })
        }
        1 => {
            let dates = r.dates()?;
            let tickers = r.strings()?;
            let listed = (r.take(dates.len().checked_mul(4)?)?.chunks_exact(4))
                .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")))
                .collect();
            let packed = r.take(tickers.len().checked_mul(dates.len())?.checked_mul(8)?)?;
            Content::Members(Members::packed(dates, tickers, listed, packed.to_vec()))
        }
        _ => return None,
    };
    (r.at == bytes.len()).then_some((content, warnings, notes))
}

/// Keeps a parsed daily series or member matrix. A failure to write is no error: the next
/// run reads the source.
pub fn put(dir: &Path, key: &Key, content: &Content, warnings: &[String], notes: &[String]) {
    let mut w = header(key);
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
            m.listed
                .iter()
                .for_each(|n| w.extend_from_slice(&n.to_le_bytes()));
            m.closes().iter().for_each(|col| put_column(&mut w, col));
        }
        _ => return,
    }
    save(dir, &key.name, &w);
}

/// Columns computed from one source alone (breadth from a member matrix), under `what`
/// (the measures asked for), if a valid entry exists.
pub fn get_columns(dir: &Path, key: &Key, what: &str) -> Option<Vec<Vec<Option<f64>>>> {
    let bytes = std::fs::read(dir.join(columns_name(&key.name, what))).ok()?;
    let mut r = Reader::after_header(&bytes, key)?;
    (r.bytes()? == what.as_bytes()).then_some(())?;
    let (n, len) = (r.u32()? as usize, r.u32()? as usize);
    if n.saturating_mul(len).saturating_mul(8) > bytes.len() {
        return None;
    }
    let columns = (0..n).map(|_| r.column(len)).collect::<Option<Vec<_>>>()?;
    (r.at == bytes.len()).then_some(columns)
}

/// Keeps columns computed from one source alone, under `what`.
pub fn put_columns(dir: &Path, key: &Key, what: &str, columns: &[Vec<Option<f64>>]) {
    let mut w = header(key);
    put_bytes(&mut w, what.as_bytes());
    let len = columns.first().map_or(0, Vec::len);
    w.extend_from_slice(&(columns.len() as u32).to_le_bytes());
    w.extend_from_slice(&(len as u32).to_le_bytes());
    columns.iter().for_each(|col| put_column(&mut w, col));
    save(dir, &columns_name(&key.name, what), &w);
}

/// An entry's start: the format's mark, then the key it was made for.
pub(super) fn header(key: &Key) -> Vec<u8> {
    let mut w = MAGIC.to_vec();
    put_bytes(&mut w, &key.text);
    w
}

/// A column of numbers, a missing one written as NaN (readers never give NaN).
fn put_column(w: &mut Vec<u8>, col: &[Option<f64>]) {
    col.iter()
        .for_each(|v| w.extend_from_slice(&v.unwrap_or(f64::NAN).to_le_bytes()));
}

fn columns_name(name: &Path, what: &str) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(what.as_bytes());
    name.with_extension(format!("{:016x}.bin", h.finish()))
}

/// Writes an entry whole (a temporary file renamed), or not at all.
pub(super) fn save(dir: &Path, name: &Path, bytes: &[u8]) {
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(name);
    let temp = dir.join(format!("{}.{}.tmp", name.display(), std::process::id()));
    let written = std::fs::File::create(&temp).and_then(|mut f| f.write_all(bytes));
    if written.and_then(|_| std::fs::rename(&temp, &path)).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

pub(super) fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
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
pub(super) struct Reader<'a> {
    b: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `b`.
    pub(super) fn new(b: &'a [u8]) -> Reader<'a> {
        Reader { b, at: 0 }
    }

    /// A reader placed after the header, if the entry has the format's mark and `key`'s text.
    pub(super) fn after_header(b: &'a [u8], key: &Key) -> Option<Reader<'a>> {
        let mut r = Reader { b, at: 0 };
        (r.take(8)? == MAGIC && r.bytes()? == key.text).then_some(r)
    }
    pub(super) fn column(&mut self, len: usize) -> Option<Vec<Option<f64>>> {
        let bytes = self.take(len.checked_mul(8)?)?;
        Some(
            (bytes.chunks_exact(8))
                .map(|b| f64::from_le_bytes(b.try_into().expect("eight bytes")))
                .map(|x| (!x.is_nan()).then_some(x))
                .collect(),
        )
    }
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(super) fn bytes(&mut self) -> Option<&'a [u8]> {
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

#[cfg(test)]
mod tests {
    use super::content_hash;

    #[test]
    fn any_changed_byte_and_a_trailing_zero_change_the_hash() {
        let text = b"Date,Close\n2024-07-16,563.52\n2024-07-17,560.01\n".to_vec();
        let h = content_hash(&text);
        for i in 0..text.len() {
            let mut t = text.clone();
            t[i] ^= 1;
            assert_ne!(content_hash(&t), h, "byte {i}");
        }
        let mut longer = text.clone();
        longer.push(0);
        assert_ne!(content_hash(&longer), h);
        assert_eq!(content_hash(&text), h);
    }
}
