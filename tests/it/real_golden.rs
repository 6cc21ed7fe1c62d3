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

/// The headline and the lead's first sentence of each shipped real brief (en-US), spelled out
/// as an editor read and approved them, so a change to either shows here in words, not only
/// as a golden file's diff.
const READ: [(&str, &str, &str); 5] = [
    (
        "2020-03-23",
        "The VIX down 25.5% in five sessions, to 61.59",
        "Volatility eased: the VIX fell from 82.69 to 61.59 over five sessions (-25.5%).",
    ),
    (
        "2023-06-06",
        "Leadership tilts to the Russell 2000, ahead of the S&P 500 by 2.5 points in a session",
        "The Russell 2000 returned +2.7% on the day, against +0.2% for the S&P 500: a lead of \
         2.5 percentage points.",
    ),
    (
        "2023-12-11",
        "The widest lead for the Russell 2000 over the S&P 500 since June 2022: 5.3 points in a \
         month",
        "No month since June 10, 2022 has seen a wider lead for the Russell 2000 over the S&P \
         500 than today's 5.3 percentage points.",
    ),
    (
        "2024-07-16",
        "The Russell 2000 leads the S&P 500 by 9.9 points in five sessions",
        "The Russell 2000 returned +11.5% over five sessions, against +1.6% for the S&P 500: a \
         lead of 9.9 percentage points.",
    ),
    (
        "2024-07-25",
        "The widest lead for the Russell 2000 over the Nasdaq-100 since December 2016: 14.3 \
         points in a month",
        "No month since December 8, 2016 has seen a wider lead for the Russell 2000 over the \
         Nasdaq-100 than today's 14.3 percentage points.",
    ),
];

#[test]
fn each_real_brief_has_the_headline_and_lead_an_editor_read() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    for (date, headline, lead) in READ {
        let brief = prepared.brief(AsOf::Date(date.parse().unwrap())).unwrap();
        assert_eq!(brief.json.headline.as_deref(), Some(headline), "{date}");
        // The lead's first text (a merged statement holds two sentences) opens with it.
        let first = (brief.json.sentences.iter())
            .find(|s| s.part == "lead")
            .map_or("", |s| s.text.as_str());
        assert!(first.starts_with(lead), "{date}: {first}");
    }
}
