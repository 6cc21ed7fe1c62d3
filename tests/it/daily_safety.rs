//! The daily run's promises under stress, against a real SMTP server on loopback (aiosmtpd,
//! which `.ci/run` installs): two runs at once send one message; a run killed at each step is
//! finished by the next, which sends exactly what is missing; TLS and STARTTLS with a
//! certificate the test makes, an untrusted certificate refused, a wrong password (535)
//! reported without the password.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::daily::{daily_demo, free_port, LAST};
use crate::support::root;

/// The test server of `tests/fixtures/smtp/server.py`, killed when dropped.
pub struct Server {
    child: Child,
    maildir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Messages received so far.
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new")).map_or(0, |r| r.count())
    }
}

/// Starts the server with `args`, or None outside CI when aiosmtpd is missing.
pub fn server(dir: &Path, port: u16, args: &[&str]) -> Option<Server> {
    if !crate::support::aiosmtpd_present() {
        return None;
    }
    let maildir = dir.join(format!("maildir-{port}"));
    let script = root().join("tests/fixtures/smtp/server.py");
    let child = Command::new("python3")
        .arg(script)
        .args([
            "--port",
            &port.to_string(),
            "--maildir",
            maildir.to_str().unwrap(),
        ])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, maildir };
    crate::support::wait_for_port(port, "the SMTP test server");
    Some(server)
}

pub fn smtp_block(port: u16, tls: &str, extra: &str) -> String {
    format!("    smtp:\n      host: 127.0.0.1\n      port: {port}\n      tls: {tls}\n      timeout_secs: 10\n{extra}")
}

fn daily_command(config: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_marketbrief"));
    c.args([
        "daily",
        "--config",
        config.to_str().unwrap(),
        "--as-of",
        LAST,
    ])
    .args(args)
    .env_remove("MARKETBRIEF_SMTP_USER")
    .env_remove("MARKETBRIEF_SMTP_PASSWORD");
    c
}

/// Runs `daily` to the end: exit code, stdout, stderr.
fn daily(config: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let o = daily_command(config, args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    crate::support::outcome(&o)
}

/// Starts `daily` paused at `step` and kills it there; returns once it is dead.
fn kill_at(config: &Path, step: &str) {
    let mut child = daily_command(config, &[])
        .env(marketbrief::daily::PAUSE_ENV, step)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let start = Instant::now();
    while !line.contains(&format!("paused at {step}")) {
        line.clear();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the run ended before {step}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no pause at {step}"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn record(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("out/published.json")).unwrap()).unwrap()
}

#[test]
fn two_runs_at_once_send_one_message_and_a_held_lock_is_named() {
    let port = free_port();
    let (dir, config) = daily_demo("daily_lock", &smtp_block(port, "none", ""));
    let Some(server) = server(&dir, port, &[]) else {
        return;
    };

    // A run that holds the lock (paused after publishing): another one exits 8 at once.
    let mut holder = daily_command(&config, &[])
        .env(marketbrief::daily::PAUSE_ENV, "published")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(holder.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("paused at published") {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0);
    }
    let (code, _, err_text) = daily(&config, &[], &[]);
    assert_eq!(code, 8, "{err_text}");
    assert!(
        err_text.contains("another daily run holds")
            && err_text.contains(&format!("pid {} since ", holder.id())),
        "{err_text}"
    );
    assert_eq!(server.count(), 0, "the second run sent nothing");
    // Waiting runs out while the holder still holds it.
    let started = Instant::now();
    let (code, _, _) = daily(&config, &["--wait", "1"], &[]);
    assert_eq!(code, 8);
    assert!(started.elapsed() >= Duration::from_secs(1));
    holder.kill().unwrap();
    holder.wait().unwrap();

    // Two runs started together: one sends, the other finds the lock taken or the brief sent.
    let (dir, config) = daily_demo("daily_together", &smtp_block(port, "none", ""));
    let _ = dir;
    let before = server.count();
    let runs: Vec<Child> = (0..2)
        .map(|_| {
            daily_command(&config, &[])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<(i32, String)> = runs
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&o.stdout).into_owned()
                + &String::from_utf8_lossy(&o.stderr);
            (o.status.code().unwrap_or(-1), text)
        })
        .collect();
    assert_eq!(server.count() - before, 1, "exactly one message: {codes:?}");
    let sent = codes
        .iter()
        .filter(|(c, t)| *c == 0 && t.contains("sent to"))
        .count();
    assert_eq!(sent, 1, "{codes:?}");
    for (code, text) in &codes {
        assert!(
            *code == 0 || *code == 8 && text.contains("another daily run holds"),
            "{codes:?}"
        );
    }
    // With --wait, the second finds the brief sent and sends nothing.
    let (code, out, _) = daily(&config, &["--wait", "30"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("already published and sent"), "{out}");
    assert_eq!(server.count() - before, 1);
}

#[test]
fn a_run_killed_at_each_step_is_finished_by_the_next() {
    let port = free_port();
    let Some(server) = server(&crate::support::scratch("daily_kill_server"), port, &[]) else {
        return;
    };
    // (step, messages the server holds once the next run is done): killed after the server
    // accepted the message and before "sent" was written, the next run sends it again, the
    // one window in which a reader gets two.
    for (step, expected) in [
        ("staged", 1),
        ("published", 1),
        ("sending", 1),
        ("accepted", 2),
    ] {
        let (dir, config) =
            daily_demo(&format!("daily_kill_{step}"), &smtp_block(port, "none", ""));
        let before = server.count();
        kill_at(&config, step);
        let published = dir.join(format!("out/{LAST}/brief-{LAST}.eml")).exists();
        assert_eq!(published, step != "staged", "{step}: published yet?");
        let (code, out, err) = daily(&config, &[], &[]);
        assert_eq!(code, 0, "{step}: {err}");
        assert_eq!(server.count() - before, expected, "{step}: {out}{err}");
        let r = record(&dir);
        assert!(r["briefs"][LAST]["sent_at"].is_string(), "{step}: {r}");
        // Nothing a dead run left behind survives the next one.
        let leftovers: Vec<String> = std::fs::read_dir(dir.join("out"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".partial-") || n.contains(".old-"))
            .collect();
        assert!(leftovers.is_empty(), "{step}: {leftovers:?}");
        if step == "sending" || step == "accepted" {
            assert!(err.contains("a run stopped while sending"), "{step}: {err}");
        }
        // Done: a further run sends nothing.
        let (code, out, _) = daily(&config, &[], &[]);
        assert_eq!(code, 0);
        assert!(out.contains("already published and sent"), "{step}: {out}");
        assert_eq!(server.count() - before, expected);
    }
}

/// A self-signed certificate for 127.0.0.1, as PEM files in `dir`: (cert, key).
fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let c = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let (cert, key) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    std::fs::write(&cert, c.cert.pem()).unwrap();
    std::fs::write(&key, c.key_pair.serialize_pem()).unwrap();
    (cert, key)
}

#[test]
fn tls_and_starttls_with_a_trusted_certificate_and_refusals_otherwise() {
    for mode in ["tls", "starttls"] {
        let port = free_port();
        let dir = crate::support::scratch(&format!("daily_{mode}_certs"));
        let (cert, key) = certificate(&dir, "server");
        let args = [
            "--mode",
            mode,
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ];
        let Some(server) = server(&dir, port, &args) else {
            return;
        };

        // Not trusted: refused, with what to do; nothing sent, exit 7.
        let (_, untrusted) = daily_demo(
            &format!("daily_{mode}_untrusted"),
            &smtp_block(port, mode, ""),
        );
        let (code, _, err) = daily(&untrusted, &[], &[]);
        assert_eq!(code, 7, "{mode}: {err}");
        assert!(
            err.contains("certificate") && err.contains("ca_file"),
            "{mode}: {err}"
        );
        assert_eq!(server.count(), 0);

        // Trusted through ca_file: delivered once.
        let ca = format!("      ca_file: {}\n", cert.display());
        let (tdir, trusted) = daily_demo(
            &format!("daily_{mode}_trusted"),
            &smtp_block(port, mode, &ca),
        );
        let (code, out, err) = daily(&trusted, &[], &[]);
        assert_eq!(code, 0, "{mode}: {err}");
        assert!(out.contains("sent to"), "{out}");
        assert_eq!(server.count(), 1);
        assert!(record(&tdir)["briefs"][LAST]["sent_at"].is_string());
    }
}

#[test]
fn a_wrong_password_is_not_sent_and_never_printed() {
    let port = free_port();
    let dir = crate::support::scratch("daily_auth_server");
    let Some(server) = server(&dir, port, &["--auth", "brief:right-secret"]) else {
        return;
    };
    let (rdir, config) = daily_demo("daily_auth", &smtp_block(port, "none", ""));
    let wrong = "wrong-secret-4711";
    let env = [
        ("MARKETBRIEF_SMTP_USER", "brief"),
        ("MARKETBRIEF_SMTP_PASSWORD", wrong),
    ];
    let (code, out, err) = daily(&config, &[], &env);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("535"), "{err}");
    assert!(
        !err.contains(wrong) && !out.contains(wrong),
        "the password is printed: {err}"
    );
    assert!(record(&rdir)["briefs"][LAST]["sent_at"].is_null());
    assert_eq!(server.count(), 0);
    // The right one: the next run sends what was published.
    let env = [
        ("MARKETBRIEF_SMTP_USER", "brief"),
        ("MARKETBRIEF_SMTP_PASSWORD", "right-secret"),
    ];
    let (code, _, err) = daily(&config, &[], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(server.count(), 1);
}
