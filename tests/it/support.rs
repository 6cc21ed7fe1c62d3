//! Helpers: run the binary, and lay out throwaway copies of the demo.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `marketbrief` with `args`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A finished run's exit code, stdout and stderr, once it is known not to have panicked.
pub fn outcome(o: &Output) -> (i32, String, String) {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    (o.status.code().unwrap_or(-1), out, err)
}

/// Whether Python's aiosmtpd is here for the SMTP tests; under CI it must be (.ci/run
/// installs it), elsewhere those tests are skipped.
pub fn aiosmtpd_present() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "aiosmtpd is missing under CI (.ci/run installs it)"
    );
    ok
}

/// Waits (at most 20 s) until a server of the test listens on loopback `port`.
pub fn wait_for_port(port: u16, what: &str) {
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{what} did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A fresh empty folder under the target directory, named after the test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target").join("it-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies the demo (run file and data) into `dir`, pointing its rules at the shipped folder.
/// Returns the copied run file.
pub fn demo_copy(dir: &Path) -> PathBuf {
    let src = root().join("examples/demo");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for entry in std::fs::read_dir(src.join("data")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.join("data").join(p.file_name().unwrap())).unwrap();
    }
    let run = std::fs::read_to_string(src.join("marketbrief.yaml")).unwrap();
    let rules = root().join("rules");
    let run = run.replace("rules: ../../rules", &format!("rules: {}", rules.display()));
    let path = dir.join("marketbrief.yaml");
    std::fs::write(&path, run).unwrap();
    path
}

/// The files in `dir`, by name, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs `generate` for `config` into `out` in all three formats; returns the exit code and
/// stderr, and checks that nothing panicked.
pub fn generate_into(config: &Path, out: &Path) -> (i32, String) {
    let o = run(&[
        "generate",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "md,html,json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (o.status.code().unwrap_or(-1), stderr)
}

/// The JSON brief `generate` writes for `date` with the run file `config`.
pub fn brief_json(config: &Path, date: &str) -> serde_json::Value {
    let o = run(&[
        "generate",
        "--config",
        config.to_str().unwrap(),
        "--as-of",
        date,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Points a copied run file at its own rules folder holding one file `name` with `yaml`.
pub fn use_own_rules(config: &Path, name: &str, yaml: &str) {
    let rules = config.parent().unwrap().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join(name), yaml).unwrap();
    let text = std::fs::read_to_string(config).unwrap();
    let text: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.starts_with("rules:") {
                "rules: rules"
            } else {
                l
            }
        })
        .collect();
    std::fs::write(config, text.join("\n") + "\n").unwrap();
}

/// Points a copied run file at a `templates` folder beside it, and returns that folder.
pub fn use_own_templates(config: &Path) -> PathBuf {
    let dir = config.parent().unwrap().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(config).unwrap() + "templates: templates\n";
    std::fs::write(config, text).unwrap();
    dir
}

/// Asserts that `got` is the content of the golden file `path`; with MARKETBRIEF_BLESS set,
/// writes it instead (review the diff after).
pub fn golden(path: &Path, got: &str) {
    if std::env::var_os("MARKETBRIEF_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    assert!(got == want, "{} differs:\n{got}", path.display());
}
