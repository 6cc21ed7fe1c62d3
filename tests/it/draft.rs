//! The brief as a draft, on real dates: what the run file's holdings policy does with an old
//! snapshot, and that the lead's printed gap is the difference of the returns recomputed
//! from the ETF files and rounded as printed.

use chrono::NaiveDate;
use marketbrief::brief::Prepared;
use marketbrief::config::{OldHoldings, RunConfig};
use marketbrief::AsOf;

use crate::real_data::{data_dir, yahoo};
use crate::support::root;

fn real() -> RunConfig {
    RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap()
}

fn day(s: &str) -> AsOf {
    AsOf::Date(s.parse().unwrap())
}

#[test]
fn an_old_snapshot_is_dated_or_left_out_as_the_run_file_says() {
    if data_dir().is_none() {
        return;
    }
    // 2024-07-25: the IVV snapshot in force is of 2023-12-20, 218 days old.
    let mut config = real();
    assert_eq!(config.style.holdings.older, OldHoldings::Dated);
    let dated = Prepared::new(&config)
        .unwrap()
        .brief(day("2024-07-25"))
        .unwrap();
    // Every sentence that prints a holdings weight dates its snapshot, and so does the
    // table's row of one.
    let body = dated.markdown.split("## The indexes").next().unwrap();
    let weights: Vec<&str> = (body.split(". "))
        .filter(|s| s.contains("holdings") && s.contains('%'))
        .collect();
    assert!(!weights.is_empty(), "{}", dated.markdown);
    for sentence in &weights {
        assert!(
            sentence.contains("2023"),
            "an undated holdings sentence: {sentence}"
        );
    }
    // No table row of holdings weights without its snapshot.
    for row in ["| Top-10 weight |", "| Largest sector weight |"] {
        assert!(!dated.markdown.contains(row), "{}", dated.markdown);
    }

    config.style.holdings.older = OldHoldings::Omit;
    let omitted = Prepared::new(&config)
        .unwrap()
        .brief(day("2024-07-25"))
        .unwrap();
    assert!(
        !omitted.markdown.contains("December 20, 2023"),
        "{}",
        omitted.markdown
    );
    assert!(
        !omitted.markdown.contains("IVV"),
        "its source is not listed either"
    );
    // A finding whose weight was only optional stays, without it.
    let sectors = |b: &marketbrief::brief::Brief| {
        (b.json.findings.iter())
            .find(|f| f.rule.starts_with("sector_leaders"))
            .cloned()
    };
    let (with, without) = (sectors(&dated).unwrap(), sectors(&omitted).unwrap());
    assert!(with.facts.contains_key("bottom_weight"));
    assert!(
        !without.facts.contains_key("bottom_weight"),
        "{}",
        without.text
    );
    let why: Vec<&str> = (omitted.json.dropped.iter())
        .filter(|d| d.why.contains("holdings snapshot is older than 31 days"))
        .map(|d| d.rule.as_str())
        .collect();
    assert!(why.contains(&"top10_weight_above_30"), "{why:?}");

    // A limit longer than the snapshot's age: the table row is not dated.
    config.style.holdings.max_age_days = 400;
    let young = Prepared::new(&config)
        .unwrap()
        .brief(day("2024-07-25"))
        .unwrap();
    assert!(
        young.markdown.contains("| Top-10 weight |")
            || young.markdown.contains("| Largest sector weight |"),
        "{}",
        young.markdown
    );
}

#[test]
fn the_leads_gap_is_the_difference_of_the_rounded_returns_from_the_files() {
    let Some(data) = data_dir() else { return };
    // The dates below are told by the indexes' own levels (the run file's `{index, fund}`).
    let (rut, gspc) = (
        yahoo(&data.join("tapi262_portfolio_opt/RUT.csv")),
        yahoo(&data.join("derived/index_GSPC_daily_2010-01-04_2025-04-29.csv")),
    );
    let config = real();
    let prepared = Prepared::new(&config).unwrap();
    // The first day from each of these on which the month lead prints, a few years apart.
    let printed_on = |from: &str| {
        let from: NaiveDate = from.parse().unwrap();
        (prepared
            .frame
            .calendar
            .iter()
            .filter(|d| **d >= from)
            .take(30))
        .find(|d| {
            let brief = prepared.brief(AsOf::Date(**d)).unwrap();
            (brief.json.sentences.iter()).any(|s| {
                matches!(s.part, "lead" | "body") && s.rule == "leads[small_caps,large_caps,21d]"
            })
        })
        .copied()
        .unwrap_or_else(|| panic!("the month lead prints on no day of 30 from {from}"))
    };
    for from in ["2016-11-25", "2020-12-01", "2023-12-11", "2024-07-16"] {
        let d = printed_on(from);
        let date = d.to_string();
        let ret = |rows: &[(NaiveDate, f64)]| {
            let i = rows.iter().position(|r| r.0 == d).unwrap();
            (rows[i].1 / rows[i - 21].1 - 1.0) * 100.0
        };
        let (a, b) = (ret(&rut), ret(&gspc));
        let round = |x: f64| (x * 10.0).round() / 10.0;
        let gap = format!("{:.1}", round(a) - round(b));
        let brief = prepared.brief(AsOf::Date(d)).unwrap();
        let lead = (brief.json.sentences.iter())
            .find(|s| {
                matches!(s.part, "lead" | "body") && s.rule == "leads[small_caps,large_caps,21d]"
            })
            .map(|s| s.text.clone())
            .unwrap_or_else(|| panic!("{date}: the month lead is not printed"));
        assert!(
            lead.contains(&format!("{gap} percentage points"))
                || lead.contains(&format!("{gap} points")),
            "{date}: {a:.3} and {b:.3} print a gap of {gap}: {lead}"
        );
        // The full-precision fact stays in the JSON.
        let fact = &(brief.json.sentences.iter())
            .find(|s| s.rule == "leads[small_caps,large_caps,21d]")
            .unwrap()
            .facts["gap"];
        let exact = fact.value.as_f64().unwrap();
        assert!(
            (exact - (a - b)).abs() < 1e-6,
            "{date}: {exact} vs {}",
            a - b
        );
    }
}
