//! Bad input stops the run with a message naming file and line, a non-zero exit, no panic and
//! no output file.

use crate::support::{demo_copy, files_in, generate_into, run, scratch, use_own_rules};

#[test]
fn a_malformed_csv_names_file_line_and_column() {
    let dir = scratch("malformed_csv");
    let config = demo_copy(&dir);
    let csv = dir.join("data/LRG.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Line 10 of the file: replace its Close (5th field) with a word.
    let mut fields: Vec<&str> = lines[9].split(',').collect();
    fields[4] = "n/a";
    lines[9] = fields.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();

    let out = dir.join("out");
    let (code, stderr) = generate_into(&config, &out);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("LRG.csv:10: column 'Close': not a number 'n/a'"),
        "{stderr}"
    );
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
}

#[test]
fn a_duplicate_date_names_both_lines() {
    let dir = scratch("duplicate_date");
    let config = demo_copy(&dir);
    let csv = dir.join("data/TEC.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let dup = lines[5];
    lines.insert(6, dup);
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let (code, stderr) = generate_into(&config, &dir.join("out"));
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("TEC.csv:7: column 'Date': date"),
        "{stderr}"
    );
    assert!(stderr.contains("repeats (line 6 has"), "{stderr}");
}

#[test]
fn a_rule_naming_an_unknown_metric_names_file_and_line() {
    let dir = scratch("unknown_metric");
    let config = demo_copy(&dir);
    use_own_rules(
        &config,
        "mine.yaml",
        "- id: typo\n  section: performance\n  priority: 1\n  when: retrun(small_caps, 1d) > 1\n  says: hello\n",
    );

    let out = dir.join("out");
    let (code, stderr) = generate_into(&config, &out);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(
            "mine.yaml:4:9: rule 'typo': in `retrun(small_caps, 1d) > 1`: unknown metric 'retrun'"
        ),
        "{stderr}"
    );
    assert!(files_in(&out).is_empty());
}

#[test]
fn a_template_error_names_the_users_file_and_line() {
    let dir = scratch("template_error");
    let config = demo_copy(&dir);
    let templates = crate::support::use_own_templates(&config);
    std::fs::write(
        templates.join("brief.md.tera"),
        "# {{ headline }}\n\n{% if takeaways %}\nunclosed\n",
    )
    .unwrap();

    let out = dir.join("out");
    let (code, stderr) = generate_into(&config, &out);
    assert_eq!(code, 3, "{stderr}");
    let file = templates.join("brief.md.tera");
    assert!(stderr.contains(&format!("{}:", file.display())), "{stderr}");
    assert!(files_in(&out).is_empty());
}

#[test]
fn an_unknown_filter_in_a_rule_text_names_the_rule() {
    let dir = scratch("rule_text_error");
    let config = demo_copy(&dir);
    use_own_rules(
        &config,
        "r.yaml",
        "- id: first\n  section: performance\n  priority: 1\n  when: return(small_caps, 1d) > -100\n  says: fine\n\
- id: filtered\n  section: performance\n  priority: 1\n  when: return(small_caps, 1d) > -100\n  facts:\n    x: return(small_caps, 1d)\n  says: \"{{ x | percentage }}\"\n",
    );
    let (code, stderr) = generate_into(&config, &dir.join("out"));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("r.yaml:6: rule 'filtered', 'says' text"),
        "{stderr}"
    );
    assert!(stderr.contains("percentage"), "{stderr}");
}

#[test]
fn an_as_of_date_outside_the_data_names_the_range() {
    let config = crate::support::root().join("examples/demo/marketbrief.yaml");
    let o = run(&[
        "generate",
        "--config",
        config.to_str().unwrap(),
        "--as-of",
        "2030-01-02",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(
            "as-of date 2030-01-02 is outside the data, which runs from 2024-01-02 to 2025-06-27"
        ),
        "{stderr}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn an_unknown_key_in_the_run_file_is_located() {
    let dir = scratch("unknown_key");
    let config = demo_copy(&dir);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("locale: en-US", "locael: en-US");
    std::fs::write(&config, text).unwrap();
    let (code, stderr) = generate_into(&config, &dir.join("out"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("unknown field `locael`"), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
}

#[test]
fn an_absurd_window_is_refused_by_check_with_file_and_line() {
    let dir = scratch("bad_absurd_window");
    let config = demo_copy(&dir);
    let yaml = "- id: sane\n  section: performance\n  priority: 5\n  when: return(large_caps, 25200d) > 2\n  says: \"Up.\"\n\n- id: absurd\n  section: performance\n  priority: 5\n  when: return(large_caps, 99999999999d) > 2\n  says: \"Up.\"\n";
    use_own_rules(&config, "windows.yaml", yaml);
    let o = run(&["check", "--config", config.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("rules/windows.yaml:10:9: rule 'absurd': in `return(large_caps, 99999999999d) > 2`: '99999999999d' is longer than a century of sessions (at most 25200d)"),
        "{err}"
    );
    assert!(
        err.contains("1 problem"),
        "the century itself is allowed: {err}"
    );
}
