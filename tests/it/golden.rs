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
        let golden = expected_dir.join(&name);
        if std::env::var_os("MARKETBRIEF_BLESS").is_some() {
            std::fs::create_dir_all(&expected_dir).unwrap();
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            got == want,
            "{name} differs from {}:\n{got}",
            golden.display()
        );
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
    assert_eq!(md, golden);
}

#[test]
fn a_user_template_overrides_one_partial_and_keeps_the_rest() {
    let dir = scratch("override");
    let config = crate::support::demo_copy(&dir);
    std::fs::create_dir_all(dir.join("templates/partials")).unwrap();
    std::fs::write(
        dir.join("templates/partials/caveats.md.tera"),
        "## Before you trade\n\n{% for c in caveats %}- {{ c }}\n{% endfor %}- Our house caveat.\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&config).unwrap() + "templates: templates\n";
    std::fs::write(&config, text).unwrap();
    let o = run(&["generate", "--config", config.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(
        md.contains("## Before you trade\n\n- Our house caveat."),
        "{md}"
    );
    assert!(!md.contains("## Caveats"));
    assert!(
        md.contains("## The indexes side by side"),
        "the other templates stay embedded"
    );
}

#[test]
fn a_weekend_as_of_gives_the_friday_brief() {
    let config = root().join("examples/demo/marketbrief.yaml");
    let brief = |date: &str| {
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
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let saturday = brief("2025-06-21");
    let friday = brief("2025-06-20");
    assert_eq!(saturday["as_of"], "2025-06-21");
    assert_eq!(saturday["data_as_of"], "2025-06-20");
    assert_eq!(saturday["findings"], friday["findings"]);
}
