//! Over every trading day of the real data: the brief renders, its post-render fact check
//! passes, and no two consecutive days share a headline sentence unless the headline's facts
//! are the same (nothing changed). The totals are printed for the record.

use std::collections::BTreeMap;

use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::narrative::check::Tally;
use marketbrief::AsOf;

use crate::real_data::data_dir;
use crate::support::root;

#[test]
fn every_trading_day_renders_checks_and_varies_its_headline() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    let mut tally = Tally::default();
    let mut headlines: BTreeMap<String, usize> = BTreeMap::new();
    let mut previous: Option<(String, String)> = None;
    let mut caveats: BTreeMap<String, usize> = BTreeMap::new();
    let (mut repeats, mut days) = (0, 0);
    for day in prepared.frame.calendar.clone() {
        let brief = prepared
            .brief(AsOf::Date(day))
            .unwrap_or_else(|e| panic!("{day}: {e}"));
        days += 1;
        tally += brief.json.fact_check;
        let headline = brief.json.headline.clone().unwrap_or_default();
        let facts = brief
            .json
            .sentences
            .iter()
            .find(|s| s.part == "headline")
            .map(|s| serde_json::to_string(&s.facts).unwrap())
            .unwrap_or_default();
        if let Some((before, before_facts)) = &previous {
            if *before == headline {
                assert_eq!(
                    before_facts, &facts,
                    "{day}: same headline as the day before, though its facts changed: {headline}"
                );
                repeats += 1;
            }
        }
        *headlines.entry(headline.clone()).or_default() += 1;
        for s in brief.json.sentences.iter().filter(|s| s.part == "caveat") {
            *caveats.entry(s.rule.clone()).or_default() += 1;
        }
        previous = Some((headline, facts));
    }
    eprintln!(
        "{days} trading days: {} sentences and {} table cells, {} numbers, {} dates, {} direction \
         words checked ({} template literals); {} distinct headlines; {repeats} unchanged repeats",
        tally.texts,
        tally.cells,
        tally.numbers,
        tally.dates,
        tally.directions,
        tally.literals,
        headlines.len()
    );
    eprintln!("caveats printed, by rule: {caveats:?}");
    // The data-driven caveats each speak on some day: the age of a move, what followed
    // earlier episodes, and the data's own limits.
    for rule in [
        "small_caps_move_is_young",
        "earlier_small_cap_leads_faded",
        "data_limits/holdings_age",
        "data_limits/thin_history",
        "data_limits/survivorship",
        "data_limits/stale",
    ] {
        assert!(caveats.contains_key(rule), "no caveat from {rule}");
    }
    assert!(days > 5000, "the real calendar has {days} days");
    assert!(tally.numbers > 20 * days, "{tally:?}");
}
