//! Briefs on the real data for eventful dates, in both locales, kept in examples/real/briefs
//! so they cannot drift from what the code writes (MARKETBRIEF_BLESS=1 rewrites them). The
//! dates: the March 2020 low (a bear market), 2023-12-11 (the most kinds of claim in one
//! brief), and the July 2024 small-cap rotation.

use chrono::NaiveDate;
use marketbrief::brief::Prepared;
use marketbrief::config::{Locale, RunConfig};
use marketbrief::AsOf;

use crate::real_data::data_dir;
use crate::support::{golden, root};

const DATES: [&str; 5] = [
    "2020-03-23",
    "2023-06-06",
    "2023-12-11",
    "2024-07-16",
    "2024-07-25",
];

#[test]
fn eventful_real_briefs_match_the_shipped_examples_in_both_locales() {
    if data_dir().is_none() {
        return;
    }
    for (locale, tag) in [(Locale::EnUs, "en-US"), (Locale::EnGb, "en-GB")] {
        let mut config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
        config.locale = locale;
        let prepared = Prepared::new(&config).unwrap();
        for date in DATES {
            let day: NaiveDate = date.parse().unwrap();
            let brief = prepared.brief(AsOf::Date(day)).unwrap();
            let (us, gb) = (day.format("%B %-d, %Y"), day.format("%-d %B %Y"));
            let (want, not) = match locale {
                Locale::EnUs => (us.to_string(), gb.to_string()),
                Locale::EnGb => (gb.to_string(), us.to_string()),
            };
            assert!(brief.markdown.contains(&want), "{tag} {date}: no '{want}'");
            assert!(!brief.markdown.contains(&not), "{tag} {date}: '{not}'");
            let dir = root().join("examples/real/briefs");
            golden(&dir.join(format!("{date}.{tag}.md")), &brief.markdown);
            golden(&dir.join(format!("{date}.{tag}.html")), &brief.html);
        }
    }
}

#[test]
fn the_readme_excerpt_is_the_shipped_brief() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let golden =
        std::fs::read_to_string(root().join("examples/real/briefs/2024-07-25.en-US.md")).unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let golden = squash(&golden);
    let quote: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("> # "))
        .take_while(|l| l.starts_with('>'))
        .map(|l| l.trim_start_matches('>').trim())
        .collect();
    assert!(quote.len() > 10, "the README quotes a brief");
    for paragraph in quote.split(|l| l.is_empty()) {
        let p = squash(&paragraph.join(" "));
        assert!(
            golden.contains(&p),
            "README quotes what the brief does not say:\n{p}"
        );
    }
}
