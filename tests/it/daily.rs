//! The daily run: stale data refused with nothing written, a dated folder published once
//! (`--force` again), delivery to a real SMTP server on loopback (Python's aiosmtpd, which
//! `.ci/run` installs), a refused connection leaving the brief marked as not sent, and the
//! charts' figures against the metric columns.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::NaiveDate;
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::metrics::{Metric, Value, Window};

use crate::support::{demo_copy, files_in, root, run, scratch};

/// A demo copy whose run file has a `daily:` section (and `extra` appended to it).
pub fn daily_demo(name: &str, extra: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let config = demo_copy(&dir);
    let text = std::fs::read_to_string(&config).unwrap()
        + "daily:\n  out: out\n  stale_after: 1\n  email:\n    from: \"Brief <brief@example.com>\"\n    to: [\"reader@example.com\", \"Second Reader <second@example.com>\"]\n    subject_prefix: \"[Brief]\"\n"
        + extra;
    std::fs::write(&config, text).unwrap();
    (dir, config)
}

fn daily(config: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["daily", "--config", config.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = run(&all);
    crate::support::outcome(&o)
}

pub const LAST: &str = "2025-06-27"; // the demo data's last close

#[test]
fn stale_data_stops_the_run_and_writes_nothing() {
    // Today is long after the demo's last close: every daily source is stale.
    let (dir, config) = daily_demo("daily_stale", "");
    let (code, _, err) = daily(&config, &[]);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("stale data, no brief written"), "{err}");
    assert!(err.contains("LRG.csv (LRG) ends on 2025-06-27"), "{err}");
    // Nothing but the lock the run held while it looked.
    assert_eq!(
        files_in(&dir.join("out")),
        [".daily.lock"],
        "nothing written"
    );
    // The same close, asked for: fresh.
    let (code, _, err) = daily(&config, &["--as-of", LAST, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        files_in(&dir.join("out")),
        [".daily.lock"],
        "a dry run writes nothing"
    );
}

#[test]
fn a_date_is_published_once_and_force_publishes_again() {
    let (dir, config) = daily_demo("daily_once", "");
    let (code, out, err) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("published the brief for {LAST}")),
        "{out}"
    );
    let folder = dir.join("out").join(LAST);
    let files = files_in(&folder);
    for ext in ["md", "html", "txt", "json", "eml"] {
        assert!(files.contains(&format!("brief-{LAST}.{ext}")), "{files:?}");
    }
    for chart in [
        "chart-relative.png",
        "chart-relative.svg",
        "chart-returns.png",
        "chart-returns.svg",
    ] {
        assert!(files.contains(&chart.to_string()), "{files:?}");
    }
    // No staging folder or temporary file is left beside it.
    let out_files = files_in(&dir.join("out"));
    assert_eq!(out_files, [".daily.lock", LAST, "published.json"]);
    let png = std::fs::read(folder.join("chart-relative.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let md = std::fs::read_to_string(folder.join(format!("brief-{LAST}.md"))).unwrap();
    assert!(
        md.contains("](chart-relative.svg)"),
        "the Markdown shows the charts"
    );

    let stamp = std::fs::metadata(folder.join(format!("brief-{LAST}.md")))
        .unwrap()
        .modified()
        .unwrap();
    let (code, out, _) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 0);
    assert!(out.contains("already published"), "{out}");
    let again = std::fs::metadata(folder.join(format!("brief-{LAST}.md")))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(stamp, again, "the second run wrote nothing");

    std::thread::sleep(Duration::from_millis(20));
    let (code, out, err) = daily(&config, &["--as-of", LAST, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("published the brief"), "{out}");
    let forced = std::fs::metadata(folder.join(format!("brief-{LAST}.md")))
        .unwrap()
        .modified()
        .unwrap();
    assert!(forced > stamp);
}

/// Python's aiosmtpd on a free loopback port, storing messages in a maildir.
struct SmtpServer {
    child: Child,
    maildir: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn smtp_server(dir: &Path, port: u16) -> Option<SmtpServer> {
    let maildir = dir.join("maildir");
    smtp_server_with(
        dir,
        port,
        "aiosmtpd.handlers.Mailbox",
        &[maildir.to_str().unwrap()],
    )
}

/// aiosmtpd with handler class `class` (its module found in `dir`) and its arguments.
fn smtp_server_with(dir: &Path, port: u16, class: &str, args: &[&str]) -> Option<SmtpServer> {
    if !crate::support::aiosmtpd_present() {
        return None;
    }
    let maildir = dir.join("maildir");
    let path = match std::env::var("PYTHONPATH") {
        Ok(p) => format!("{}:{p}", dir.display()),
        Err(_) => dir.display().to_string(),
    };
    let child = Command::new("python3")
        .env("PYTHONPATH", path)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", class])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = SmtpServer { child, maildir };
    crate::support::wait_for_port(port, "aiosmtpd");
    Some(server)
}

fn received(server: &SmtpServer) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(server.maildir.join("new"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The message parsed by Python's own MIME parser, summarised as JSON.
fn parse(message: &Path) -> serde_json::Value {
    let script = r#"
import email, json, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
parts = [{"type": p.get_content_type(), "cid": p.get("Content-ID"), "size": len(p.get_payload(decode=True) or b"")}
         for p in m.walk()]
html = m.get_body(preferencelist=("html",)).get_content()
text = m.get_body(preferencelist=("plain",)).get_content()
print(json.dumps({"subject": str(m["Subject"]), "to": str(m["To"]), "from": str(m["From"]),
                  "rcpt": str(m.get("X-RcptTo")), "parts": parts, "html": html, "text": text}))
"#;
    let o = Command::new("python3")
        .args(["-c", script, message.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_email_reaches_a_real_smtp_server_once_and_a_failure_is_retried() {
    let port = free_port();
    let smtp = format!("    smtp:\n      host: 127.0.0.1\n      port: {port}\n      tls: none\n");
    let (dir, config) = daily_demo("daily_smtp", &smtp);

    // No server yet: the brief is published, marked as not sent, exit 7.
    let (code, _, err) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 7, "{err}");
    assert!(
        err.contains("was not sent") && err.contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/published.json")).unwrap())
            .unwrap();
    assert!(record["briefs"][LAST]["sent_at"].is_null());

    let Some(server) = smtp_server(&dir, port) else {
        return;
    };
    // The next run sends what was published.
    let (code, out, err) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("sent to reader@example.com, Second Reader <second@example.com>"),
        "{out}"
    );
    let got = received(&server);
    assert_eq!(got.len(), 1);
    let m = parse(&got[0]);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("out/{LAST}/brief-{LAST}.json"))).unwrap(),
    )
    .unwrap();
    let headline = json["headline"].as_str().unwrap();
    assert_eq!(m["subject"], format!("[Brief] {headline}"));
    assert!(m["to"].as_str().unwrap().contains("reader@example.com"));
    assert!(
        m["rcpt"].as_str().unwrap().contains("second@example.com"),
        "{}",
        m["rcpt"]
    );
    let types: Vec<&str> = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "multipart/alternative");
    assert!(
        types.contains(&"text/plain") && types.contains(&"multipart/related"),
        "{types:?}"
    );
    let images: Vec<&serde_json::Value> = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == "image/png")
        .collect();
    assert_eq!(images.len(), 2);
    for img in images {
        let cid = img["cid"].as_str().unwrap().trim_matches(['<', '>']);
        assert!(
            m["html"]
                .as_str()
                .unwrap()
                .contains(&format!("src=\"cid:{cid}\"")),
            "{cid}"
        );
        assert!(img["size"].as_u64().unwrap() > 1000);
    }
    assert!(m["text"]
        .as_str()
        .unwrap()
        .contains(headline.split(':').next().unwrap()));
    assert!(
        !m["html"].as_str().unwrap().contains("http://")
            && !m["html"].as_str().unwrap().contains("https://")
    );

    // Done: a second run sends nothing; --force sends again.
    let (code, out, _) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 0);
    assert!(out.contains("already published and sent"), "{out}");
    assert_eq!(received(&server).len(), 1);
    let (code, _, err) = daily(&config, &["--as-of", LAST, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(received(&server).len(), 2);
    drop(server);
}

#[test]
fn the_relative_chart_marks_the_move_start_the_brief_uses() {
    let config = RunConfig::load(&root().join("examples/demo/marketbrief.yaml")).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    let date = NaiveDate::from_ymd_opt(2025, 6, 27).unwrap();
    let chart = marketbrief::chart::figures::relative(
        &prepared,
        ("a", "b"),
        ("SML", "LRG"),
        date,
        marketbrief::config::Locale::EnUs,
    )
    .unwrap();
    let row = prepared.frame.row_on_or_before(date).unwrap();
    let start = prepared
        .frame
        .value(&Metric::MoveStart("SML".into(), "LRG".into(), 63), row);
    assert_eq!(start, chart.start.map(Value::Date));
    // The returns chart reads the same figures as the metrics.
    let returns = marketbrief::chart::figures::returns(&prepared, &config, date).unwrap();
    for (i, sym) in config.compare.iter().enumerate() {
        for (k, w) in [
            Window::Days(1),
            Window::Days(5),
            Window::Days(21),
            Window::YearToDate,
        ]
        .iter()
        .enumerate()
        {
            let m = Metric::Return(sym.clone(), *w);
            let want = prepared.frame.value(&m, row);
            let got = returns.series[i].1[k];
            match (want, got) {
                (Some(Value::Number(a)), Some(b)) => {
                    assert!((a - b).abs() < 1e-9, "{m}: {a} vs {b}")
                }
                (None, _) => {} // not a metric this run computes
                (w, g) => panic!("{m}: {w:?} vs {g:?}"),
            }
        }
    }
}

#[test]
fn hostile_names_come_out_escaped_in_html_markdown_and_email() {
    let (dir, config) = daily_demo("daily_hostile", "");
    let hostile = "Small <script>alert(1)</script> *Cap* [Index] 2000";
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("name: Small Cap Index\n", &format!("name: \"{hostile}\"\n"));
    assert!(text.contains(hostile));
    std::fs::write(&config, text).unwrap();
    // And a sector of the holdings data, which the concentration findings name.
    let holdings = dir.join("data/LRG_holdings.csv");
    let csv = std::fs::read_to_string(&holdings).unwrap();
    assert!(csv.contains("Information Technology"));
    std::fs::write(
        &holdings,
        csv.replace("Information Technology", "Info <b>Tech</b> _Hot_"),
    )
    .unwrap();
    let (code, _, err) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 0, "{err}");
    let folder = dir.join("out").join(LAST);
    let read = |name: String| std::fs::read_to_string(folder.join(name)).unwrap();

    let md = read(format!("brief-{LAST}.md"));
    // The front matter is YAML: its strings are plain text, quoted. The Markdown is escaped.
    let md = md.splitn(3, "---\n").nth(2).unwrap().to_string();
    assert!(
        md.contains("Small \\<script\\>alert(1)\\</script\\> \\*Cap\\* \\[Index\\] 2000"),
        "{md}"
    );
    assert!(!md.contains("<script>"));
    assert!(md.contains("Info \\<b\\>Tech\\</b\\> \\_Hot\\_"), "{md}");
    assert!(!md.contains("<b>"));
    for html in [
        read(format!("brief-{LAST}.html")),
        read(format!("email-{LAST}.html")),
    ] {
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>") && html.contains("Info &lt;b&gt;Tech&lt;/b&gt; _Hot_"));
        assert!(
            html.contains("Small &lt;script&gt;alert(1)&lt;/script&gt; *Cap* [Index] 2000"),
            "{html}"
        );
    }
    let txt = read(format!("brief-{LAST}.txt"));
    assert!(
        txt.contains("Small <script>alert(1)</script> *Cap* [Index] 2000")
            || txt.contains("Small <script>alert(1)</script> *Cap*\n"),
        "{txt}"
    );
    // The email as a mail client reads it: the HTML part escaped, the subject plain.
    let m = parse(&folder.join(format!("brief-{LAST}.eml")));
    let html = m["html"].as_str().unwrap();
    assert!(
        !html.contains("<script") && html.contains("&lt;script&gt;"),
        "{html}"
    );
    let subject = m["subject"].as_str().unwrap();
    assert!(!subject.contains('\\'), "{subject}");
}

/// Hosts Chromium itself calls in the background (time, sign-in, search), whatever the page:
/// not the email's requests.
const CHROMIUM_OWN: &[&str] = &[
    "accounts.google.com:443",
    "www.google.com:443",
    "clients1.google.com",
    "clients2.google.com",
    "update.googleapis.com",
    "optimizationguide-pa.googleapis.com",
    "redirector.gvt1.com",
    "edgedl.me.gvt1.com",
];

/// Opens `page` in headless Chromium with every request sent to a logging proxy on loopback;
/// writes a screenshot to `shot` and returns the first line of each request the proxy saw.
fn chromium_requests(page: &Path, shot: &Path) -> Option<Vec<String>> {
    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing under CI (.ci/run installs it)"
        );
        return None;
    };
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = proxy.local_addr().unwrap().port();
    proxy.set_nonblocking(true).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (seen2, done2) = (seen.clone(), done.clone());
    let logger = std::thread::spawn(move || {
        use std::io::Read;
        while !done2.load(std::sync::atomic::Ordering::Relaxed) {
            match proxy.accept() {
                Ok((mut c, _)) => {
                    c.set_nonblocking(false).unwrap();
                    c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                    let mut buf = [0u8; 2048];
                    let n = c.read(&mut buf).unwrap_or(0);
                    let line = String::from_utf8_lossy(&buf[..n])
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    seen2.lock().unwrap().push(line);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    let profile = shot.with_extension("profile");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .args([
            "--disable-extensions",
            "--disable-default-apps",
            "--no-pings",
        ])
        .arg(format!("--proxy-server=http://127.0.0.1:{port}"))
        .arg("--proxy-bypass-list=<-loopback>")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--window-size=800,2400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    logger.join().unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    let seen = seen.lock().unwrap().clone();
    Some(seen)
}

fn page_requests(seen: &[String]) -> Vec<String> {
    seen.iter()
        .filter(|l| !CHROMIUM_OWN.iter().any(|h| l.contains(h)))
        .cloned()
        .collect()
}

/// The widest run of pure white pixels across the screenshot's row `y`.
fn white_width(shot: &Path, y: u32) -> u32 {
    let decoder = png::Decoder::new(std::fs::File::open(shot).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let row = &buf[(y as usize * info.line_size)..((y as usize + 1) * info.line_size)];
    let (mut best, mut run) = (0, 0);
    for px in row.chunks(channels) {
        if px[..3] == [255, 255, 255] {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

#[test]
fn the_email_renders_in_chromium_offline_at_email_width() {
    let (dir, config) = daily_demo("daily_chromium", "");
    let (code, _, err) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 0, "{err}");
    let page = dir
        .join("out")
        .join(LAST)
        .join(format!("email-{LAST}.html"));
    // The screenshot is kept as a test artifact.
    let artifacts = root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("email-demo.png");
    let Some(seen) = chromium_requests(&page, &shot) else {
        return;
    };
    assert_eq!(
        page_requests(&seen),
        Vec::<String>::new(),
        "all requests: {seen:?}"
    );
    // The content table is 640 pixels (and its border) on a grey page.
    let width = white_width(&shot, 120);
    assert!((600..=700).contains(&width), "email width {width}");

    // The method sees a page's requests: a page with one remote image is caught.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        "<img src=\"http://images.example.org/pixel.png\">",
    )
    .unwrap();
    let seen = chromium_requests(&control, &artifacts.join("control.png")).unwrap();
    let caught = page_requests(&seen);
    assert!(
        caught.iter().any(|l| l.contains("images.example.org")),
        "{seen:?}"
    );
}

#[test]
fn a_rejected_recipient_is_reported_and_the_brief_stays_unsent() {
    let port = free_port();
    let smtp = format!("    smtp:\n      host: 127.0.0.1\n      port: {port}\n      tls: none\n");
    let (dir, config) = daily_demo("daily_rejected", &smtp);
    // A server that refuses one of the two recipients.
    std::fs::write(
        dir.join("refusing.py"),
        "class Refusing:\n    async def handle_RCPT(self, server, session, envelope, address, options):\n        \
         if address.startswith('second@'):\n            return '550 5.1.1 no such mailbox here'\n        \
         envelope.rcpt_tos.append(address)\n        return '250 OK'\n    \
         async def handle_DATA(self, server, session, envelope):\n        return '250 OK'\n",
    )
    .unwrap();
    let Some(server) = smtp_server_with(&dir, port, "refusing.Refusing", &[]) else {
        return;
    };
    let (code, _, err) = daily(&config, &["--as-of", LAST]);
    assert_eq!(code, 7, "{err}");
    assert!(
        err.contains("was not sent") && err.contains("no such mailbox"),
        "{err}"
    );
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/published.json")).unwrap())
            .unwrap();
    assert!(record["briefs"][LAST]["sent_at"].is_null(), "{record}");
    drop(server);
}

#[test]
fn the_real_run_file_refuses_as_stale_and_publishes_an_explicit_date() {
    let Some(data) = crate::real_data::data_dir() else {
        return;
    };
    let dir = scratch("daily_real");
    let text = std::fs::read_to_string(root().join("examples/real/marketbrief.yaml"))
        .unwrap()
        .replace("../../../shared/data", data.to_str().unwrap())
        .replace(
            "rules: ../../rules",
            &format!("rules: {}", root().join("rules").display()),
        )
        .replace("out: ../../out/daily", "out: out");
    let config = dir.join("marketbrief.yaml");
    std::fs::write(&config, text).unwrap();
    // Its data ends in 2025-2026: today, it is stale.
    let (code, _, err) = daily(&config, &[]);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("SPY.csv (SPY) ends on "), "{err}");
    assert_eq!(files_in(&dir.join("out")), [".daily.lock"]);
    let (code, _, err) = daily(&config, &["--as-of", "2024-07-16"]);
    assert_eq!(code, 0, "{err}");
    let files = files_in(&dir.join("out/2024-07-16"));
    let want = [
        "brief-2024-07-16.eml",
        "brief-2024-07-16.html",
        "brief-2024-07-16.json",
        "brief-2024-07-16.md",
        "brief-2024-07-16.txt",
        "chart-relative.png",
        "chart-relative.svg",
        "chart-returns.png",
        "chart-returns.svg",
        "email-2024-07-16.html",
    ];
    assert_eq!(files, want);
}
