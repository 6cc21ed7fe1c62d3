//! `serve`, started by the test on a free loopback port and driven in headless Chromium over
//! the DevTools protocol: load a date, move to the next trading day with the → key, hover a
//! sentence and read its evidence (which must equal the brief's JSON), edit a rule file in a
//! temporary copy and see the page reload with the change, break it and see `check`'s message
//! with its line, fix it and see the brief again, see it reload when a data file changes; a
//! screenshot is kept in `target/test-artifacts/`, and every request the page made went to
//! the server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::cdp::Browser;
use crate::support::{demo_copy, root, scratch};

/// The server process, stopped when the test ends (passing or not).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve` on port 0 and returns it with the address it printed.
fn start(config: &std::path::Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_marketbrief"))
        .args(["serve", "--config", config.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in '{first}'"))
        .to_string();
    // Keep reading stderr so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (Server(child), url)
}

/// The trading days of the demo data, read from its index file.
fn demo_days() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("examples/demo/data/LRG.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn the_preview_shows_evidence_moves_by_key_and_reloads_on_each_save() {
    let dir = scratch("serve");
    let config = demo_copy(&dir);
    copy_dir(&root().join("rules"), &dir.join("rules"));
    let run_file = std::fs::read_to_string(&config).unwrap();
    let rules_line = run_file.lines().find(|l| l.starts_with("rules:")).unwrap();
    std::fs::write(&config, run_file.replace(rules_line, "rules: rules")).unwrap();
    let (_server, url) = start(&config);
    let Some(mut b) = Browser::launch(&dir) else {
        return;
    };

    // Load a date, then move to the next trading day with the key.
    let days = demo_days();
    let (day, next) = (&days[days.len() - 2], &days[days.len() - 1]);
    b.navigate(&format!("{url}brief/{day}"));
    assert_eq!(b.eval("document.body.dataset.date"), *day);
    assert!(
        b.eval("document.querySelectorAll('#brief .s').length")
            .as_u64()
            > Some(5)
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#brief figure.chart svg').length"),
        2
    );
    b.key("ArrowRight", 39);
    b.wait_for(
        &format!("location.pathname === '/brief/{next}' && document.readyState === 'complete'"),
        60,
        "the next trading day",
    );

    // Hover the lead's first sentence: the panel shows its facts as the brief's JSON has them.
    hover_the_lead_and_read_its_evidence(&mut b, &config, next);
    screenshot(&mut b, "serve-preview.png");
    assert!(
        b.eval("document.querySelector('#why-not').textContent.length > 20") == true,
        "a why-not list"
    );

    // Edit a rule file: the page reloads with the change.
    let history = dir.join("rules/history.yaml");
    let text = std::fs::read_to_string(&history).unwrap();
    assert!(b.eval("document.body.textContent.includes('that marks a correction')") == true);
    let edited = text.replace("that marks a correction", "that marks a market correction");
    std::fs::write(&history, &edited).unwrap();
    b.wait_for(
        "document.body.textContent.includes('that marks a market correction')",
        60,
        "the page to reload with the edit",
    );

    // Break it: the page shows check's message at the file and line.
    let line = edited
        .lines()
        .position(|l| l.trim_start().starts_with("when:"))
        .unwrap()
        + 1;
    let broken = edited.replacen("when:", "whenn:", 1);
    std::fs::write(&history, &broken).unwrap();
    let problems = b.wait_for(
        "document.getElementById('problems') && document.getElementById('problems').textContent",
        60,
        "the problems page",
    );
    let problems = problems.as_str().unwrap();
    assert!(
        problems.contains(&format!("history.yaml:{line}:")),
        "line {line}: {problems}"
    );
    assert!(problems.contains("whenn"), "{problems}");

    // Fix it: the brief comes back.
    std::fs::write(&history, &edited).unwrap();
    b.wait_for(
        "!document.getElementById('problems') && document.body.textContent.includes('that marks a market correction')",
        60,
        "the brief after the fix",
    );
    // A data file rewritten (as `fetch` does) rebuilds the run too: the page reloads.
    let generation = b.eval("document.body.dataset.generation");
    let lrg = dir.join("data/LRG.csv");
    let bytes = std::fs::read(&lrg).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&lrg, &bytes).unwrap();
    b.wait_for(
        &format!(
            "document.body.dataset.generation && document.body.dataset.generation !== {generation}"
        ),
        60,
        "the page to reload after a data file changed",
    );
    std::thread::sleep(Duration::from_millis(200));

    // Every request went to the server on loopback.
    let requests = b.requests();
    assert!(requests.len() >= 4, "{requests:?}");
    let outside: Vec<&String> = requests
        .iter()
        .filter(|u| !u.starts_with(&url) && !u.starts_with("about:") && !u.starts_with("data:"))
        .collect();
    assert!(outside.is_empty(), "requests beyond loopback: {outside:?}");
}

/// Hovers the lead's first sentence and checks the evidence panel against the brief's JSON
/// for `date`: the same facts at full precision, the rule with its file and line, and the
/// data files.
fn hover_the_lead_and_read_its_evidence(b: &mut Browser, config: &std::path::Path, date: &str) {
    b.hover("#brief p .s");
    b.wait_for(
        "document.querySelectorAll('#evidence tr.fact').length > 0",
        10,
        "the evidence panel",
    );
    let k = b.eval("document.querySelector('.s.on').dataset.s");
    let k: usize = k.as_str().unwrap().parse().unwrap();
    let shown = b.eval(
        "[...document.querySelectorAll('#evidence tr.fact')].map(r => [r.dataset.name, r.querySelector('.value').textContent])",
    );
    let panel = b.eval("document.getElementById('evidence').textContent");
    let json = crate::support::brief_json(config, date);
    let sentence = &json["sentences"][k];
    let facts = sentence["facts"].as_object().unwrap();
    assert_eq!(shown.as_array().unwrap().len(), facts.len(), "{panel}");
    for pair in shown.as_array().unwrap() {
        let name = pair[0].as_str().unwrap();
        assert_eq!(
            pair[1].as_str().unwrap(),
            facts[name]["value"].to_string(),
            "fact {name}"
        );
    }
    let rule = sentence["rule"].as_str().unwrap();
    let panel = panel.as_str().unwrap();
    assert!(panel.contains(rule), "{panel}");
    assert!(
        panel.contains("rules/") && panel.contains(".yaml:"),
        "{panel}"
    );
    assert!(
        panel.contains(&format!(".csv, read to {date} (file ends ")),
        "{panel}"
    );
}

/// Keeps a screenshot of the page in `target/test-artifacts/`.
fn screenshot(b: &mut Browser, name: &str) {
    let artifacts = root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(artifacts.join(name), png).unwrap();
}

#[test]
fn the_real_preview_shows_the_evidence_of_a_sentence() {
    if crate::real_data::data_dir().is_none() {
        return;
    }
    let dir = scratch("serve-real");
    let config = root().join("examples/real/marketbrief.yaml");
    let (_server, url) = start(&config);
    let Some(mut b) = Browser::launch(&dir) else {
        return;
    };
    let date = "2024-07-25";
    b.navigate(&format!("{url}brief/{date}"));
    hover_the_lead_and_read_its_evidence(&mut b, &config, date);
    screenshot(&mut b, "serve-real-2024-07-25.png");
    // Rules that held but are not printed, each with its reason.
    let why = b.eval("document.querySelector('#why-not').textContent");
    assert!(
        why.as_str().unwrap().contains("over the length budget"),
        "{why}"
    );
}
