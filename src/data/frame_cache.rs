//! The computed metric columns and rule columns of a run, kept in the cache folder so that
//! the next run with the same inputs reads them instead of computing them again (about 90 ms
//! of a brief's 200). One entry per run file, read in the background while the rules,
//! templates and data load; it is used only when everything the columns depend on is as it
//! was: this program (its version, and the executable's size and modification time), the
//! run file's bytes, every rule file's bytes, every data file's path, size, modification
//! time and content hash, and the list of metrics asked for. Each column keeps its type and
//! which values are missing, so a brief is the same byte for byte with or without it.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;

use super::cache::{self, content_hash, Key, Reader};
use super::Dataset;
use crate::config::RunConfig;

const MAGIC: &[u8] = b"MBFRAME2";

fn file_line(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    let mtime = (meta.as_ref())
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let hash = std::fs::read(path).map_or(0, |b| content_hash(&b));
    format!(
        "{} {} {mtime} {hash:016x}\n",
        path.display(),
        meta.map_or(0, |m| m.len())
    )
}

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rule_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The key of a run's columns, or None when the cache is off.
pub fn key(config: &RunConfig, data: &Dataset, metrics: &[String]) -> Option<Key> {
    if cache::off() || data.cache_dir.is_none() {
        return None;
    }
    let mut text = format!("{}\n", env!("CARGO_PKG_VERSION"));
    if let Ok(exe) = std::env::current_exe() {
        let meta = std::fs::metadata(&exe).ok()?;
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        text.push_str(&format!("exe {} {}\n", meta.len(), mtime.as_nanos()));
    }
    text.push_str(&file_line(&config.path));
    let mut rules = Vec::new();
    rule_files(&config.rules_dir, &mut rules);
    rules.sort();
    rules.iter().for_each(|r| text.push_str(&file_line(r)));
    for l in &data.sources {
        text.push_str(&format!("source {}\n", l.source.symbol));
        match &l.cache_key {
            Some(k) => text.push_str(&String::from_utf8_lossy(&k.text)),
            None => l
                .source
                .files
                .iter()
                .for_each(|f| text.push_str(&file_line(f))),
        }
    }
    text.push_str(&metrics.join("\n"));
    Some(Key {
        name: entry_name(&config.path),
        text: text.into_bytes(),
    })
}

/// The entry of the run file at `run_file`: one per run file.
fn entry_name(run_file: &Path) -> PathBuf {
    let path = std::fs::canonicalize(run_file).unwrap_or_else(|_| run_file.to_path_buf());
    let hash = content_hash(path.to_string_lossy().as_bytes());
    PathBuf::from(format!("frame-{hash:016x}.bin"))
}

/// An entry read back: the key text it was made for, and its columns.
pub struct Entry {
    text: Vec<u8>,
    metrics: DataFrame,
    held: DataFrame,
}

/// Starts reading the run file's entry in the background (it is most of the cached run's
/// reading); [`Entry`]'s columns are used only if [`take`] finds its key matches.
pub fn start_reading(config: &RunConfig) -> Option<std::thread::JoinHandle<Option<Entry>>> {
    if cache::off() {
        return None;
    }
    let path = cache::folder(&config.path).join(entry_name(&config.path));
    Some(std::thread::spawn(move || {
        let _p = crate::profile::phase(|| "4 metrics: read from the cache (thread)".into());
        let bytes = std::fs::read(path).ok()?;
        decode(&bytes)
    }))
}

/// The columns of `entry` if it was made for `key`.
pub fn take(entry: Option<Entry>, key: &Key) -> Option<(DataFrame, DataFrame)> {
    let e = entry?;
    (e.text == key.text).then_some((e.metrics, e.held))
}

/// One validity byte per row (1: a value), then, for fixed-width types, every row's value
/// (a missing one written as zero), so that a column reads back in one pass.
fn put_frame(w: &mut Vec<u8>, frame: &DataFrame) -> PolarsResult<()> {
    w.extend_from_slice(&(frame.height() as u32).to_le_bytes());
    w.extend_from_slice(&(frame.width() as u32).to_le_bytes());
    for c in frame.columns() {
        cache::put_bytes(w, c.name().as_bytes());
        match c.dtype() {
            DataType::Float64 => {
                w.push(0);
                let a = c.f64()?;
                w.extend(a.iter().map(|v| u8::from(v.is_some())));
                a.iter()
                    .for_each(|v| w.extend_from_slice(&v.unwrap_or(0.0).to_le_bytes()));
            }
            DataType::Int32 => {
                w.push(1);
                let a = c.i32()?;
                w.extend(a.iter().map(|v| u8::from(v.is_some())));
                a.iter()
                    .for_each(|v| w.extend_from_slice(&v.unwrap_or(0).to_le_bytes()));
            }
            DataType::Boolean => {
                w.push(2);
                let a = c.bool()?;
                w.extend(a.iter().map(|v| u8::from(v.is_some())));
                w.extend(a.iter().map(|v| u8::from(v == Some(true))));
            }
            DataType::String => {
                w.push(3);
                let a = c.str()?;
                w.extend(a.iter().map(|v| u8::from(v.is_some())));
                a.iter()
                    .for_each(|v| cache::put_bytes(w, v.unwrap_or_default().as_bytes()));
            }
            other => polars_bail!(ComputeError: "no cache layout for {other}"),
        }
    }
    Ok(())
}

/// `n` validity bytes as a mask (None when every value is there).
fn validity(r: &mut Reader, n: usize) -> Option<Option<Bitmap>> {
    let valid = r.take(n)?;
    if valid.iter().any(|v| *v > 1) {
        return None;
    }
    Some((!valid.iter().all(|v| *v == 1)).then(|| valid.iter().map(|v| *v == 1).collect()))
}

/// `n` values of `width` bytes each, read by `one`.
fn fixed<T>(r: &mut Reader, n: usize, width: usize, one: impl Fn(&[u8]) -> T) -> Option<Vec<T>> {
    Some(
        r.take(n.checked_mul(width)?)?
            .chunks_exact(width)
            .map(one)
            .collect(),
    )
}

fn get_frame(r: &mut Reader) -> Option<DataFrame> {
    let (height, width) = (r.u32()? as usize, r.u32()? as usize);
    let mut columns = Vec::with_capacity(width.min(100_000));
    for _ in 0..width {
        let name = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        let name = PlSmallStr::from(name.as_str());
        let column = match r.take(1)?[0] {
            0 => {
                let mask = validity(r, height)?;
                let v = fixed(r, height, 8, |b| {
                    f64::from_le_bytes(b.try_into().expect("eight bytes"))
                })?;
                Float64Chunked::from_vec_validity(name, v, mask).into_column()
            }
            1 => {
                let mask = validity(r, height)?;
                let v = fixed(r, height, 4, |b| {
                    i32::from_le_bytes(b.try_into().expect("four bytes"))
                })?;
                Int32Chunked::from_vec_validity(name, v, mask).into_column()
            }
            2 => {
                let valid = r.take(height)?;
                let v = r.take(height)?;
                let values: Vec<Option<bool>> = (valid.iter().zip(v))
                    .map(|(ok, b)| (*ok == 1).then_some(*b == 1))
                    .collect();
                Column::new(name, values)
            }
            3 => {
                let valid = r.take(height)?.to_vec();
                let texts = (valid.iter())
                    .map(|v| {
                        let s = String::from_utf8(r.bytes()?.to_vec()).ok()?;
                        (*v <= 1).then_some((*v == 1).then_some(s))
                    })
                    .collect::<Option<Vec<Option<String>>>>()?;
                Column::new(name, texts)
            }
            _ => return None,
        };
        columns.push(column);
    }
    DataFrame::new_infer_height(columns).ok()
}

fn decode(bytes: &[u8]) -> Option<Entry> {
    let mut r = Reader::new(bytes);
    (r.take(MAGIC.len())? == MAGIC && r.take(cache::MAGIC.len())? == cache::MAGIC).then_some(())?;
    let text = r.bytes()?.to_vec();
    let metrics = get_frame(&mut r)?;
    let held = get_frame(&mut r)?;
    (r.at == bytes.len()).then_some(Entry {
        text,
        metrics,
        held,
    })
}

/// Keeps a run's metric columns and rule columns. A failure is no error: the next run
/// computes them.
pub fn put(dir: &Path, key: &Key, metrics: &DataFrame, held: &DataFrame) {
    let mut w = MAGIC.to_vec();
    w.extend(cache::header(key));
    if put_frame(&mut w, metrics).is_ok() && put_frame(&mut w, held).is_ok() {
        cache::save(dir, &key.name, &w);
    }
}
