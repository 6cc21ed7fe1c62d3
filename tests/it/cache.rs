//! The cache of parsed sources never changes a brief: byte-identical with and without it,
//! a changed data file is always seen (even with its size and modification time kept), and a
//! damaged entry is read past.

use std::path::Path;

use crate::support::{demo_copy, root, run, scratch};

fn brief(config: &Path, out: &Path, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    let _ = std::fs::remove_dir_all(out);
    let mut args = extra.to_vec();
    let (c, o) = (config.to_str().unwrap(), out.to_str().unwrap());
    args.extend([
        "generate",
        "--config",
        c,
        "--format",
        "md,html,txt,json",
        "--out",
        o,
    ]);
    let result = run(&args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_brief_is_the_same_with_and_without_the_cache_and_a_changed_file_is_seen() {
    let dir = scratch("cache_demo");
    let config = demo_copy(&dir);
    let cache = dir.join(marketbrief::data::cache::DIR);
    let cold = brief(&config, &dir.join("cold"), &["--no-cache"]);
    assert!(!cache.exists(), "--no-cache writes no entry");
    let first = brief(&config, &dir.join("first"), &[]);
    assert!(
        std::fs::read_dir(&cache).unwrap().count() >= 4,
        "entries written"
    );
    let warm = brief(&config, &dir.join("warm"), &[]);
    assert_eq!(cold, first);
    assert_eq!(cold, warm, "byte for byte from the cache");

    // One close changed, the file's size and modification time kept.
    let lrg = dir.join("data/LRG.csv");
    let text = std::fs::read_to_string(&lrg).unwrap();
    let mtime = std::fs::metadata(&lrg).unwrap().modified().unwrap();
    let last = text.lines().last().unwrap();
    let close = last.split(',').nth(4).unwrap();
    // The last digit moved by one: the same length, another price.
    let (head, tail) = close.split_at(close.len() - 1);
    let digit = tail.parse::<u32>().unwrap();
    let changed = format!("{head}{}", (digit + 1) % 10);
    assert_eq!(changed.len(), close.len());
    assert_ne!(changed, close);
    let new_last = last.replacen(close, &changed, 1);
    std::fs::write(&lrg, text.replacen(last, &new_last, 1)).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&lrg)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&lrg).unwrap().len(), text.len() as u64);
    let after = brief(&config, &dir.join("after"), &[]);
    let truth = brief(&config, &dir.join("truth"), &["--no-cache"]);
    assert_eq!(after, truth, "the changed close is read");
    assert_ne!(after, warm, "and it shows");

    // Damaged entries (cut short, or another file's bytes) are read past.
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        std::fs::write(e.path(), &bytes[..bytes.len() / 2]).unwrap();
    }
    assert_eq!(brief(&config, &dir.join("damaged"), &[]), truth);
}

#[test]
fn the_real_brief_is_the_same_from_the_cache() {
    if !root().join("../shared/data").exists() {
        return;
    }
    let dir = scratch("cache_real");
    let text = std::fs::read_to_string(root().join("examples/real/marketbrief.yaml")).unwrap();
    let text = text
        .replace(
            "../../../shared/data",
            root().join("../shared/data").to_str().unwrap(),
        )
        .replace(
            "rules: ../../rules",
            &format!("rules: {}", root().join("rules").display()),
        );
    let config = dir.join("marketbrief.yaml");
    std::fs::write(&config, text).unwrap();
    let one = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut args = extra.to_vec();
        let (c, o) = (config.to_str().unwrap(), out.to_str().unwrap());
        args.extend([
            "generate",
            "--config",
            c,
            "--as-of",
            "2024-07-16",
            "--format",
            "md,html,json",
            "--out",
            o,
        ]);
        assert!(run(&args).status.success());
        ["md", "html", "json"]
            .map(|e| std::fs::read(out.join(format!("brief-2024-07-16.{e}"))).unwrap())
    };
    let cold = one("cold", &["--no-cache"]);
    let _ = one("fill", &[]);
    assert!(cold == one("warm", &[]), "byte-identical from the cache");
}

#[test]
fn the_computed_columns_are_kept_and_a_changed_rule_is_seen() {
    let dir = scratch("cache_frame");
    let config = demo_copy(&dir);
    // Its own rules folder, to edit.
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for e in std::fs::read_dir(root().join("rules")).unwrap().flatten() {
        std::fs::copy(e.path(), rules.join(e.file_name())).unwrap();
    }
    let run_file = std::fs::read_to_string(&config).unwrap();
    let line = run_file.lines().find(|l| l.starts_with("rules:")).unwrap();
    std::fs::write(&config, run_file.replace(line, "rules: rules")).unwrap();
    let first = brief(&config, &dir.join("first"), &[]);
    let cache = dir.join(marketbrief::data::cache::DIR);
    let frames = || {
        std::fs::read_dir(&cache)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("frame-"))
            .count()
    };
    assert_eq!(frames(), 1, "the run's columns are kept");
    assert_eq!(brief(&config, &dir.join("warm"), &[]), first);

    // The month-lead threshold raised from 2 to 20 points: the headline changes, and the
    // brief read with the kept columns of the old rules would not.
    let perf = rules.join("performance.yaml");
    let text = std::fs::read_to_string(&perf).unwrap();
    assert!(text.contains("    21d: {t: 2}\n"));
    std::fs::write(
        &perf,
        text.replace("    21d: {t: 2}\n", "    21d: {t: 20}\n"),
    )
    .unwrap();
    let edited = brief(&config, &dir.join("edited"), &[]);
    let truth = brief(&config, &dir.join("truth"), &["--no-cache"]);
    assert_eq!(edited, truth, "the edited rule is read");
    assert_ne!(edited, first, "and it shows");
    assert_eq!(frames(), 1, "one entry per run file, made anew");
    // A third version of the rules.
    std::fs::write(
        &perf,
        text.replace("    21d: {t: 2}\n", "    21d: {t: 3}\n"),
    )
    .unwrap();
    let third = brief(&config, &dir.join("third"), &[]);
    assert_eq!(
        third,
        brief(&config, &dir.join("third_truth"), &["--no-cache"])
    );
    assert_eq!(frames(), 1);
}
