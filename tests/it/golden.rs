//! The demo brief against its golden copy in examples/demo/expected, and the demo data
//! against its generator. Set MARKETBRIEF_BLESS=1 to rewrite the golden files after a
//! deliberate change, then review the diff.

use crate::support::{root, run, scratch};

#[test]
fn demo_data_is_what_the_generator_writes() {
    for (name, text) in marketbrief::demo::files() {
        let path = root().join("examples/demo/data").join(name);
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == text,
            "{} differs from `marketbrief demo-data`; regenerate it",
            path.display()
        );
    }
}

#[test]
fn demo_brief_matches_golden_markdown_html_and_json() {
    let out = scratch("golden");
    let config = root().join("examples/demo/marketbrief.yaml");
    let (code, stderr) = crate::support::generate_into(&config, &out);
    assert_eq!(code, 0, "{stderr}");
    let expected_dir = root().join("examples/demo/expected");
    for ext in ["md", "html", "json"] {
        let name = format!("brief-2025-06-27.{ext}");
        let got = std::fs::read_to_string(out.join(&name)).unwrap();
        crate::support::golden(&expected_dir.join(&name), &got);
    }
}

#[test]
fn stdout_gets_the_markdown_without_out() {
    let config = root().join("examples/demo/marketbrief.yaml");
    let o = run(&["generate", "--config", config.to_str().unwrap()]);
    assert!(o.status.success());
    let md = String::from_utf8(o.stdout).unwrap();
    let golden = std::fs::read_to_string(root().join("examples/demo/expected/brief-2025-06-27.md"))
        .unwrap_or_default();
    // On stdout nothing is written beside the Markdown, so it links no charts.
    let (without_charts, charts) = golden.split_once("\n## Charts\n").unwrap();
    assert!(
        charts.contains("](brief-2025-06-27-relative.svg)"),
        "{charts}"
    );
    assert_eq!(md, without_charts);
}

#[test]
fn the_html_carries_both_charts_inline_and_the_markdown_links_them_beside_it() {
    let out = scratch("charts");
    let config = root().join("examples/demo/marketbrief.yaml");
    let (code, stderr) = crate::support::generate_into(&config, &out);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(out.join("brief-2025-06-27.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 2, "two inline charts");
    assert!(!html.contains("<img"), "nothing is loaded from elsewhere");
    let md = std::fs::read_to_string(out.join("brief-2025-06-27.md")).unwrap();
    for key in ["relative", "returns"] {
        let file = format!("brief-2025-06-27-{key}.svg");
        assert!(md.contains(&format!("]({file})")), "{md}");
        let svg = std::fs::read_to_string(out.join(&file)).unwrap();
        assert!(svg.starts_with("<svg"), "{file}");
        // The file is the drawing the page shows.
        assert!(
            html.contains(svg.trim()),
            "{file} differs from the inline chart"
        );
    }
}

#[test]
fn a_user_template_overrides_one_partial_and_keeps_the_rest() {
    let dir = scratch("override");
    let config = crate::support::demo_copy(&dir);
    let templates = crate::support::use_own_templates(&config);
    std::fs::create_dir_all(templates.join("partials")).unwrap();
    std::fs::write(
        templates.join("partials/caveats.md.tera"),
        "## Before you trade\n\n{% for c in caveats %}- {{ c }}\n{% endfor %}- Our house caveat.\n",
    )
    .unwrap();
    let o = run(&["generate", "--config", config.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).unwrap();
    let section = md
        .split("## Before you trade\n\n")
        .nth(1)
        .expect("the user's heading");
    assert!(section.contains("- Our house caveat.\n"), "{md}");
    assert!(!md.contains("## Caveats"));
    assert!(
        md.contains("## The indexes side by side"),
        "the other templates stay embedded"
    );
}

#[test]
fn a_weekend_as_of_gives_the_friday_brief() {
    let config = root().join("examples/demo/marketbrief.yaml");
    let brief = |date: &str| crate::support::brief_json(&config, date);
    let saturday = brief("2025-06-21");
    let friday = brief("2025-06-20");
    assert_eq!(saturday["as_of"], "2025-06-21");
    assert_eq!(saturday["data_as_of"], "2025-06-20");
    assert_eq!(saturday["findings"], friday["findings"]);
}

#[test]
fn a_rule_can_say_its_text_through_a_named_template() {
    let dir = scratch("rule_template");
    let config = crate::support::demo_copy(&dir);
    crate::support::use_own_rules(
        &config,
        "own.yaml",
        "- id: ratio_note\n  section: rotation\n  priority: 5\n  when: ratio(small_caps, large_caps) > 0\n  facts:\n    r: ratio(small_caps, large_caps)\n  template: notes/ratio.md.tera\n",
    );
    let templates = crate::support::use_own_templates(&config);
    std::fs::create_dir_all(templates.join("notes")).unwrap();
    std::fs::write(
        templates.join("notes/ratio.md.tera"),
        "The ratio of the {{ names.small_caps }} to the {{ names.large_caps }} stands at {{ r | ratio }}.",
    )
    .unwrap();
    let o = run(&[
        "generate",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "ratio_note");
    // The ratio from the demo files' last closes, computed here.
    let last_close = |file: &str, col: usize| -> f64 {
        let text = std::fs::read_to_string(root().join("examples/demo/data").join(file)).unwrap();
        text.lines()
            .last()
            .unwrap()
            .split(',')
            .nth(col)
            .unwrap()
            .parse()
            .unwrap()
    };
    let r = last_close("SML.csv", 1) / last_close("LRG.csv", 4);
    assert!((f["facts"]["r"].as_f64().unwrap() - r).abs() < 1e-12);
    let want = format!("The ratio of the Small Cap Index to the Large Cap Index stands at {r:.3}.");
    assert_eq!(f["text"], want);
}
