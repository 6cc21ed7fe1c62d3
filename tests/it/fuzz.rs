//! Property-based fuzzing on the stable toolchain (proptest): every reader, the run file, the
//! rule expression parser, whole rule files and rule texts as Tera snippets get random bytes
//! and real inputs with bytes flipped, lines dropped or repeated, columns swapped and numbers
//! stretched to extremes. The property: no panic, and either an error that names the file or a
//! result holding only finite numbers.
//!
//! CI runs a bounded number of cases (`CASES` per target, well under a minute in all);
//! `MARKETBRIEF_FUZZ_CASES=N` runs N per target. Inputs that ever failed are kept under
//! `tests/fixtures/fuzz/<target>/` and replayed first, and proptest keeps its own seeds in
//! `tests/it/proptest-regressions/`.

use std::path::{Path, PathBuf};

use marketbrief::config::RunConfig;
use marketbrief::data::{Content, Dataset};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::{root, scratch};

/// Cases per target under CI.
const CASES: u32 = 48;

fn cases(base: u32) -> u32 {
    std::env::var("MARKETBRIEF_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(base)
}

/// Values a number may be stretched to.
const EXTREMES: &[&str] = &[
    "0",
    "-5",
    "-0",
    "1e308",
    "1e999",
    "-1e999",
    "NaN",
    "inf",
    "99999999999999999999",
    "",
    "abc",
    "1,2",
    "0.0000000001",
    "\"",
    "2024-13-45",
];

/// One edit of a text: what, and two positions (taken modulo the text's size).
type Edit = (u8, u32, u32);

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0u8..6, any::<u32>(), any::<u32>()), 1..6)
}

/// `seed` with `edits` applied: a byte flipped, a line dropped or repeated, two columns
/// swapped on a line, a number replaced by an extreme, or the text cut short.
fn mutate(seed: &str, edits: &[Edit]) -> Vec<u8> {
    let mut lines: Vec<String> = seed.lines().map(str::to_string).collect();
    let mut bytes: Option<Vec<u8>> = None;
    for &(kind, a, b) in edits {
        let n = lines.len().max(1);
        let i = a as usize % n;
        match kind {
            0 if !lines.is_empty() => drop(lines.remove(i)),
            1 if !lines.is_empty() => lines.insert(i, lines[i].clone()),
            2 if !lines.is_empty() => {
                let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
                let (x, y) = (b as usize % cells.len(), (b as usize / 7) % cells.len());
                cells.swap(x, y);
                lines[i] = cells.join(",");
            }
            3 if !lines.is_empty() => {
                let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
                let x = b as usize % cells.len();
                cells[x] = EXTREMES[(b as usize / 13) % EXTREMES.len()].to_string();
                lines[i] = cells.join(",");
            }
            4 => {
                let mut v = bytes
                    .take()
                    .unwrap_or_else(|| lines.join("\n").into_bytes());
                if !v.is_empty() {
                    let at = a as usize % v.len();
                    v[at] ^= 1 << (b % 8);
                }
                bytes = Some(v);
            }
            _ => {
                let text = lines.join("\n");
                let cut = a as usize % (text.len() + 1);
                lines = text
                    .get(..cut)
                    .unwrap_or(&text)
                    .lines()
                    .map(str::to_string)
                    .collect();
            }
        }
    }
    bytes.unwrap_or_else(|| (lines.join("\n") + "\n").into_bytes())
}

/// Every number a loaded dataset holds is finite.
fn all_finite(data: &Dataset) -> bool {
    data.sources.iter().all(|l| match &l.content {
        Content::Series(s) => s.values.iter().all(|x| x.is_finite()),
        Content::Members(m) => m.closes().iter().flatten().flatten().all(|x| x.is_finite()),
        Content::Holdings(h) => h
            .iter()
            .flat_map(|s| &s.holdings)
            .all(|x| x.weight.is_finite()),
        Content::Valuation(v) => [&v.price, &v.earnings, &v.cape]
            .iter()
            .all(|c| c.iter().flatten().all(|x| x.is_finite())),
        Content::Events(e) => e
            .iter()
            .all(|e| e.actual.is_finite() && e.expected.is_none_or(f64::is_finite)),
    })
}

/// A reader target: the file format, its role, and a valid seed.
struct Reader {
    name: &'static str,
    format: &'static str,
    role: &'static str,
    seed: String,
}

fn demo(file: &str, lines: usize) -> String {
    let text = std::fs::read_to_string(root().join("examples/demo/data").join(file)).unwrap();
    text.lines().take(lines).collect::<Vec<_>>().join("\n") + "\n"
}

fn readers() -> Vec<Reader> {
    vec![
        Reader { name: "yahoo", format: "yahoo", role: "index", seed: demo("LRG.csv", 40) },
        Reader { name: "fred", format: "fred", role: "macro", seed: demo("treasury_10y.csv", 40) },
        Reader { name: "matrix", format: "matrix", role: "members", seed: demo("large_members.csv", 30) },
        Reader { name: "ishares", format: "ishares", role: "holdings", seed: demo("LRG_holdings.csv", 40) },
        Reader {
            name: "shiller",
            format: "shiller",
            role: "valuation",
            seed: "Date,SP500,Dividend,Earnings,Consumer Price Index,Long Interest Rate,Real Price,Real Dividend,Real Earnings,PE10\n\
                   2024-01-01,4700.1,70.2,190.5,308.4,4.1,4800.2,71.0,194.0,31.2\n\
                   2024-02-01,4900.3,70.4,191.0,309.6,4.2,4990.0,71.2,194.5,32.0\n\
                   2024-03-01,5100.9,70.6,0.0,310.3,4.2,5180.0,71.4,0.0,0.0\n"
                .into(),
        },
        Reader {
            name: "events",
            format: "events",
            role: "events",
            seed: "date,kind,actual,expected,label\n2024-01-11,CPI,3.4,3.2,CPI\n2024-02-13,CPI,3.1,2.9,\n2024-03-12,CPI,3.2,,\n".into(),
        },
    ]
}

/// The run file of a reader target: the demo's large-cap index (with members and holdings
/// read from the fuzzed file where that is the target) and the fuzzed file.
fn run_file(dir: &Path, r: &Reader) -> PathBuf {
    let lrg = root().join("examples/demo/data/LRG.csv");
    let index = match r.format {
        "yahoo" => "  - {symbol: X, name: X, file: fuzzed.csv, format: yahoo, role: index}\n".to_string(),
        _ => format!(
            "  - {{symbol: LRG, name: LRG, file: {}, format: yahoo, role: index}}\n  - {{symbol: X, name: X, file: fuzzed.csv, format: {}, role: {}{}}}\n",
            lrg.display(),
            r.format,
            r.role,
            if matches!(r.role, "members" | "holdings" | "valuation") { ", of: LRG" } else { "" }
        ),
    };
    let text = format!(
        "rules: {}\nsources:\n{index}",
        root().join("rules").display()
    );
    let path = dir.join("run.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The reader property for one input.
fn reader_holds(dir: &Path, r: &Reader, bytes: &[u8]) -> Result<(), TestCaseError> {
    std::fs::write(dir.join("fuzzed.csv"), bytes).unwrap();
    let config =
        RunConfig::load(&run_file(dir, r)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    match Dataset::load(&config) {
        Ok(data) => prop_assert!(
            all_finite(&data),
            "{}: a non-finite number was read",
            r.name
        ),
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(
                msg.contains("fuzzed.csv"),
                "{}: the error does not name the file: {msg}",
                r.name
            );
        }
    }
    Ok(())
}

/// Replays the kept inputs of `target`, then runs `cases` generated ones.
fn fuzz<S: Strategy>(
    target: &str,
    cases_n: u32,
    strategy: S,
    property: impl Fn(&[u8]) -> Result<(), TestCaseError>,
    to_bytes: impl Fn(&S::Value) -> Vec<u8>,
) -> u32 {
    let kept = root().join("tests/fixtures/fuzz").join(target);
    if let Ok(entries) = std::fs::read_dir(&kept) {
        for e in entries.flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            if let Err(why) = property(&bytes) {
                panic!("{target}: kept input {} fails: {why}", e.path().display());
            }
        }
    }
    let mut runner = TestRunner::new(Config {
        cases: cases_n,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |v| property(&to_bytes(&v)));
    if let Err(e) = result {
        panic!("{target}: {e}");
    }
    cases_n
}

#[test]
fn readers_never_panic_and_read_only_finite_numbers() {
    // Every case is read by the reader itself, never served from the cache of parsed sources.
    marketbrief::data::cache::disable();
    for r in readers() {
        let dir = scratch(&format!("fuzz_{}", r.name));
        let seed = r.seed.clone();
        // The seed itself reads, and a close of -5 where a number belongs is refused: the
        // property can fail.
        std::fs::write(dir.join("fuzzed.csv"), &seed).unwrap();
        let config = RunConfig::load(&run_file(&dir, &r)).unwrap();
        let data = Dataset::load(&config).unwrap_or_else(|e| panic!("{}: {e}", r.name));
        assert!(all_finite(&data));
        let mutated = fuzz(
            &format!("reader_{}", r.name),
            cases(CASES),
            edits(),
            |b| reader_holds(&dir, &r, b),
            |e| mutate(&seed, e),
        );
        let random = fuzz(
            &format!("reader_{}", r.name),
            cases(CASES / 4),
            prop::collection::vec(any::<u8>(), 0..300),
            |b| reader_holds(&dir, &r, b),
            Clone::clone,
        );
        eprintln!(
            "fuzz reader {}: {mutated} mutated and {random} random inputs",
            r.name
        );
    }
}

#[test]
fn the_run_file_never_panics() {
    let dir = scratch("fuzz_run_file");
    let seed = std::fs::read_to_string(root().join("examples/demo/marketbrief.yaml")).unwrap();
    let n = fuzz(
        "run_file",
        cases(CASES * 2),
        edits(),
        |b| {
            let text = String::from_utf8_lossy(b);
            // Parsing alone (paths are not followed): an error names the file.
            if let Err(e) = RunConfig::parse(&dir.join("run.yaml"), &text) {
                prop_assert!(e.to_string().contains("run.yaml"), "{e}");
            }
            Ok(())
        },
        |e| mutate(&seed, e),
    );
    eprintln!("fuzz run file: {n} mutated inputs");
}

/// Conditions and calls as the shipped rules write them.
const EXPRESSIONS: &[&str] = &[
    "spread(small_caps, large_caps, 21d) > 2",
    "percentile(dispersion(sectors, 5d), all) >= 75",
    "cleared(spread(small_caps, tech, 1d), wtd, 2) >= 1",
    "days_since(most_extreme_since(level(vix), low)) > 365",
    "since_move(yield(two_year), small_caps, large_caps, 63d) <= -15",
    "low(ratio(small_caps, large_caps), 21d) <= low(ratio(small_caps, large_caps), all)",
    "streak(correction[large_caps]) <= 1",
];

#[test]
fn the_expression_parser_never_panics() {
    let seeds = EXPRESSIONS.join("\n");
    let mutated = fuzz(
        "expression",
        cases(CASES * 8),
        (edits(), 0..EXPRESSIONS.len()),
        |b| {
            let _ = marketbrief::rules::parse_call(&String::from_utf8_lossy(b));
            Ok(())
        },
        |(e, i)| {
            let mut v = mutate(EXPRESSIONS[*i], e);
            v.retain(|c| *c != b'\n');
            v
        },
    );
    let alphabet = "abcdefghij_()[],.<>=!-+ 0123456789dwtmy\"$";
    let random = fuzz(
        "expression",
        cases(CASES * 8),
        prop::collection::vec(0..alphabet.len(), 0..80),
        |b| {
            let _ = marketbrief::rules::parse_call(&String::from_utf8_lossy(b));
            Ok(())
        },
        |ix| ix.iter().map(|&i| alphabet.as_bytes()[i]).collect(),
    );
    let _ = seeds;
    eprintln!("fuzz expressions: {mutated} mutated and {random} random inputs");
}

/// A folder with the demo run file and one rule file holding `rules`; returns the run file.
fn rules_project(dir: &Path, rules: &[u8]) -> PathBuf {
    let rules_dir = dir.join("rules");
    let _ = std::fs::remove_dir_all(&rules_dir);
    std::fs::create_dir_all(&rules_dir).unwrap();
    std::fs::write(rules_dir.join("fuzzed.yaml"), rules).unwrap();
    let demo = root().join("examples/demo");
    let text = std::fs::read_to_string(demo.join("marketbrief.yaml"))
        .unwrap()
        .replace("rules: ../../rules", "rules: rules")
        .replace("file: data/", &format!("file: {}/data/", demo.display()));
    let path = dir.join("marketbrief.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// One shipped rule file's first rules, as a seed.
fn rule_seed(file: &str, rules: usize) -> String {
    let text = std::fs::read_to_string(root().join("rules").join(file)).unwrap();
    text.split("\n- id: ")
        .take(rules + 1)
        .collect::<Vec<_>>()
        .join("\n- id: ")
}

#[test]
fn rule_files_and_rule_texts_never_panic() {
    let dir = scratch("fuzz_rules");
    // Whole rule files: every problem is reported with the rule file's name.
    let seed = rule_seed("rotation.yaml", 2);
    let clean = marketbrief::authoring::lint::check(&rules_project(&dir, seed.as_bytes()));
    assert!(clean.problems.is_empty(), "{clean}");
    assert!(
        clean.rules >= 2,
        "the seed's rules are read: {}",
        clean.rules
    );
    let broken = seed.replace("spread($a, $b, 21d)", "spraed($a, $b, 21d)");
    let report = marketbrief::authoring::lint::check(&rules_project(&dir, broken.as_bytes()));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.path.ends_with("fuzzed.yaml")),
        "{report}"
    );
    let files = fuzz(
        "rule_file",
        cases(CASES / 2),
        edits(),
        |b| {
            let config = rules_project(&dir, b);
            let report = marketbrief::authoring::lint::check(&config);
            for p in &report.problems {
                let at = format!("{}: {}", p.path.display(), p.message);
                prop_assert!(
                    at.contains("fuzzed.yaml"),
                    "a problem not placed in the file: {at}"
                );
            }
            Ok(())
        },
        |e| mutate(&seed, e),
    );
    // Rule texts as Tera snippets: a valid rule whose `says` is fuzzed.
    let pieces = [
        "{{ gap | points }}",
        "{{ names.small_caps }}",
        "{% if said.gap %}",
        "{% endif %}",
        "{{ a_ret | moved(unit=\"bp\") }}",
        "{{ gap | pct(signed=true) }}",
        "{{",
        "}}",
        "{%",
        "%}",
        "{{ missing }}",
        "{{ gap | nofilter }}",
        " text ",
        "{# #}",
        "{{ names[gap] }}",
        "{% for x in gap %}{% endfor %}",
        "{{ 1 / 0 }}",
        "{{ gap | times(double=1) }}",
    ];
    let texts = fuzz(
        "rule_text",
        cases(CASES / 2),
        prop::collection::vec(0..pieces.len(), 0..12),
        |b| {
            let says = String::from_utf8_lossy(b).replace('\'', "''");
            let rule = format!(
                "- id: fuzzed\n  section: performance\n  priority: 50\n  when: spread(small_caps, large_caps, 21d) > 2\n  facts:\n    gap: spread(small_caps, large_caps, 21d)\n    a_ret: return(small_caps, 21d)\n  says: '{says}'\n"
            );
            let config = rules_project(&dir, rule.as_bytes());
            let report = marketbrief::authoring::lint::check(&config);
            for p in &report.problems {
                let at = format!("{}: {}", p.path.display(), p.message);
                prop_assert!(
                    at.contains("fuzzed.yaml"),
                    "a problem not placed in the file: {at}"
                );
            }
            Ok(())
        },
        |ix| {
            ix.iter()
                .map(|&i| pieces[i])
                .collect::<String>()
                .into_bytes()
        },
    );
    eprintln!("fuzz rule files: {files} mutated inputs; rule texts: {texts}");
}
