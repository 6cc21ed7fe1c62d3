//! What a newcomer tries in the first hour, as the README says it: the sample rule passes its
//! own tests, `check` reports every problem across files, exit codes and help text, en-GB
//! chart labels, a partial override reaching the email, and what `daily` says it did.

use std::path::{Path, PathBuf};

use crate::daily::{daily_demo, LAST};
use crate::support::{outcome, root, run, scratch};

/// The real run file copied into `dir`, its data paths absolute, its rules `dir/rules`.
fn real_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("examples/real/marketbrief.yaml")).unwrap();
    let data = root().join("../shared/data");
    let text = text
        .replace("../../../shared/data", data.to_str().unwrap())
        .replace("rules: ../../rules", "rules: rules")
        .replace("out: ../../out/daily", "out: out");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    let path = dir.join("marketbrief.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_readmes_sample_rule_checks_clean_and_passes_its_tests() {
    if !root().join("../shared/data").exists() {
        return;
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let after = readme
        .split("Each file is a list of rules:")
        .nth(1)
        .unwrap();
    let sample = after
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    assert!(
        sample.contains("- id: small_caps_beat_large_caps_month"),
        "{sample}"
    );
    let dir = scratch("newcomer_sample_rule");
    let config = real_copy(&dir);
    std::fs::write(dir.join("rules/sample.yaml"), sample).unwrap();
    let c = config.to_str().unwrap();
    let (code, out, err) = outcome(&run(&["check", "--config", c]));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = outcome(&run(&[
        "test",
        "--config",
        c,
        "--rule",
        "small_caps_beat_large_caps_month",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 passed"), "{out}");
    // The keys the sample shows in a comment are refused where they do not belong.
    let bad = sample.replace("  expect:", "  applies_to: [breadth]\n  expect:");
    std::fs::write(dir.join("rules/sample.yaml"), bad).unwrap();
    let (code, _, err) = outcome(&run(&["check", "--config", c]));
    assert_eq!(code, 3);
    assert!(err.contains("applies_to is for caveats"), "{err}");
}

#[test]
fn check_reports_every_problem_across_files_an_unknown_key_among_them() {
    let dir = scratch("newcomer_check_all");
    let config = crate::support::demo_copy(&dir);
    crate::support::use_own_rules(
        &config,
        "a.yaml",
        "- id: typo\n  section: performance\n  priority: 5\n  descripton: misspelt\n  when: return(large_caps, 21d) > 2\n  says: \"Up.\"\n\n- id: bad_fact\n  section: performance\n  priority: 5\n  when: return(large_caps, 21d) > 2\n  facts:\n    gap: return(large_caps, 21d, 3)\n  says: \"Up.\"\n",
    );
    std::fs::write(
        dir.join("rules/b.yaml"),
        "- id: bad_section\n  section: leadership\n  priority: 5\n  when: return(large_caps, 21d) > 2\n  says: \"Up.\"\n",
    )
    .unwrap();
    let (code, _, err) = outcome(&run(&["check", "--config", config.to_str().unwrap()]));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("rules/a.yaml:4:3: unknown field `descripton`"),
        "{err}"
    );
    assert!(
        err.contains(
            "rules/a.yaml:13:5: rule 'bad_fact': fact 'gap': return() takes 2 arguments, got 3"
        ),
        "the fact's own line: {err}"
    );
    assert!(
        err.contains("rules/b.yaml:2:3: rule 'bad_section': unknown section 'leadership'"),
        "{err}"
    );
    assert!(err.contains("3 problems"), "{err}");
}

#[test]
fn exit_codes_and_help_say_what_the_readme_says() {
    let (code, _, err) = outcome(&run(&["generate", "--config", "no/such/marketbrief.yaml"]));
    assert_eq!(code, 1, "a missing run file is an I/O error: {err}");
    let (_, help, _) = outcome(&run(&["generate", "--help"]));
    assert!(help.contains("md, html, json, txt"), "{help}");
    assert!(help.contains("outputs.dir"), "{help}");
    let (_, help, _) = outcome(&run(&["daily", "--help"]));
    assert!(
        help.contains("--fetch") && help.contains("latest"),
        "{help}"
    );
    let (code, _, err) = outcome(&run(&[
        "daily",
        "--config",
        "examples/demo/marketbrief.yaml",
        "--dry-run",
    ]));
    assert_eq!(
        code, 3,
        "the demo has no daily: section, as the README says: {err}"
    );
    assert!(err.contains("no `daily:` section"), "{err}");
}

#[test]
fn daily_in_en_gb_labels_its_charts_in_british_dates() {
    let (dir, config) = daily_demo("newcomer_en_gb", "");
    let text0 = std::fs::read_to_string(&config)
        .unwrap()
        .replace("locale: en-US", "locale: en-GB");
    std::fs::write(&config, text0).unwrap();
    let (code, out, err) = outcome(&run(&[
        "daily",
        "--config",
        config.to_str().unwrap(),
        "--as-of",
        LAST,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("not sent: the run file's email has no smtp:"),
        "{out}"
    );
    let folder = dir.join("out").join(LAST);
    let returns = std::fs::read_to_string(folder.join("chart-returns.svg")).unwrap();
    assert!(returns.contains("Returns to 27 Jun 2025"), "en-GB title");
    let relative = std::fs::read_to_string(folder.join("chart-relative.svg")).unwrap();
    assert!(
        !relative.contains("Jun 27") && !returns.contains("Jun 27"),
        "no American date"
    );
    let eml = std::fs::read_to_string(folder.join(format!("brief-{LAST}.eml"))).unwrap();
    assert!(
        eml.contains("Message-ID: <marketbrief.") && eml.contains("@example.com>"),
        "{}",
        &eml[..400.min(eml.len())]
    );
}

#[test]
fn a_partial_override_reaches_the_email_and_dry_runs_say_what_they_would_not_send() {
    let (dir, config) = daily_demo("newcomer_partial", "");
    let templates = crate::support::use_own_templates(&config);
    std::fs::create_dir_all(templates.join("partials")).unwrap();
    std::fs::write(
        templates.join("partials/watch.md.tera"),
        "{% if watch -%}\n## Questions for next week\n\n{% for w in watch -%}\n1. {{ w }}\n{% endfor -%}\n{% endif -%}\n",
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let (code, out, err) = outcome(&run(&[
        "daily",
        "--config",
        c,
        "--as-of",
        LAST,
        "--dry-run",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("not sent: the run file's email has no smtp:"),
        "{out}"
    );
    assert!(!out.contains("and mail"), "{out}");
    let (code, _, err) = outcome(&run(&["daily", "--config", c, "--as-of", LAST]));
    assert_eq!(code, 0, "{err}");
    let folder = dir.join("out").join(LAST);
    let email = std::fs::read_to_string(folder.join(format!("email-{LAST}.html"))).unwrap();
    assert!(
        email.contains("Questions for next week"),
        "the override's heading"
    );
    assert!(!email.contains("What to watch"), "not the built-in one");
    assert!(email.contains("<ol style="), "its list, styled inline");
    let txt = std::fs::read_to_string(folder.join(format!("brief-{LAST}.txt"))).unwrap();
    let heading = txt
        .find("Questions for next week")
        .expect("the text has it");
    assert!(
        txt[heading..].contains("\n  1. "),
        "a numbered list stays a list: {}",
        &txt[heading..]
    );
}
