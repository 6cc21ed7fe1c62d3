//! Every row of GENRE.md's claim table is produced by a shipped rule. On the real data (with an
//! events calendar this test writes), every rule named for a row holds on some date, and for
//! each row the brief of one of those dates carries the finding. No date is written here: the
//! dates come from the rules' own columns.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::AsOf;

use crate::real_data::data_dir;
use crate::support::{root, scratch};

/// GENRE.md's claim rows, each with the shipped rules (family members) that make that kind
/// of claim.
const CLAIMS: &[(&str, &[&str])] = &[
    (
        "period return",
        &[
            "leads[small_caps,large_caps,1d]",
            "calendar_month[large_caps,gain]",
            "calendar_month[large_caps,loss]",
            "big_day[down]",
            "big_day[up]",
        ],
    ),
    (
        "relative return (spread)",
        &[
            "leads[small_caps,large_caps,21d]",
            "leads[tech,small_caps,21d]",
        ],
    ),
    (
        "return multiple",
        &["gains_multiple[small_caps,large_caps]"],
    ),
    (
        "move since an anchor date",
        &["run_since_low[small_caps,large_caps]"],
    ),
    (
        "rarity",
        &[
            "lead_first_in_a_while[small_caps,large_caps]",
            "widest_lead_in_a_year[small_caps,large_caps]",
            "curve_turns_positive_after_long_inversion",
        ],
    ),
    (
        "repeated events",
        &["cleared_twice_this_week[small_caps,tech]"],
    ),
    (
        "streaks",
        &[
            "weekly_winning_streak[large_caps]",
            "daily_outperformance_streak[small_caps,large_caps]",
        ],
    ),
    (
        "distance from a turning point",
        &[
            "correction[large_caps]",
            "bear_market[large_caps]",
            "enters_correction[large_caps]",
            "enters_bear_market[large_caps]",
            "near_bull_market[small_caps]",
        ],
    ),
    (
        "records",
        &[
            "record_close[large_caps]",
            "small_caps_lag_below_high_while_large_caps_at_record",
        ],
    ),
    (
        "price ratio",
        &[
            "ratio_climbs[small_caps,large_caps]",
            "ratio_near_record_low[small_caps,large_caps]",
        ],
    ),
    (
        "concentration",
        &[
            "top10_weight_above_30",
            "named_group_weight",
            "top10_weight_rose_between_snapshots",
            "top10_weight_against_small_caps",
        ],
    ),
    ("sector mix", &["tech_sector_dominates"]),
    (
        "breadth",
        &[
            "breadth_strong[small_caps]",
            "breadth_weak[large_caps]",
            "large_caps_narrow_near_high",
            "new_highs[small_caps]",
            "new_lows[small_caps]",
            "advancers_outnumber_on_a_down_day[small_caps]",
        ],
    ),
    (
        "valuation",
        &[
            "large_caps_rich_on_trailing_earnings",
            "cape_in_top_decile",
            "equal_weight[large_caps,equal_weight,63d]",
            "equal_weight[equal_weight,large_caps,63d]",
        ],
    ),
    (
        "rates",
        &[
            "yield_moves[ten_year,up,wtd]",
            "yield_moves[ten_year,down,wtd]",
            "curve_inverted",
        ],
    ),
    (
        "macro catalysts",
        &[
            "after_softer_inflation_report",
            "after_hotter_inflation_report",
        ],
    ),
    (
        "episodes from history",
        &["earlier_leads_faded[small_caps,large_caps]"],
    ),
];

/// Kinds of claim beyond GENRE.md's table that the shipped rules make, each with its rules.
const MORE_CLAIMS: &[(&str, &[&str])] = &[
    (
        "sector leaders and laggards",
        &[
            "sector_leaders[5d]",
            "sector_leaders[21d]",
            "sectors_move_together[all,fall,5d]",
        ],
    ),
    (
        "style and size",
        &[
            "style_leads[value,growth,21d]",
            "profitable_small_caps[sp600,small_caps,21d]",
            "equal_weight[equal_weight,large_caps,21d]",
        ],
    ),
    (
        "volatility",
        &["vix_jumps[5d]", "vix_extreme[low]", "vix_elevated"],
    ),
    (
        "credit",
        &[
            "credit_widens[21d]",
            "credit_narrows[21d]",
            "credit_and_stocks[confirms,rally]",
        ],
    ),
    (
        "yields over a move",
        &[
            "yields_since_move[small_caps,large_caps]",
            "yield_moves[two_year,down,21d]",
            "fed_funds_backdrop[fed_funds,cuts]",
        ],
    ),
    (
        "index levels and distances",
        &[
            "bull_market[small_caps]",
            "enters_bull_market[large_caps]",
            "rebound_within_drawdown[large_caps]",
        ],
    ),
    ("the ratio's path", &["ratio_path[small_caps,large_caps]"]),
];

/// The claim column of GENRE.md's table.
fn genre_rows() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("../shared/docs/GENRE.md")).unwrap();
    let table = text
        .split("| claim |")
        .nth(1)
        .expect("GENRE.md has its claim table");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').nth(1).unwrap().trim().to_string())
        .collect()
}

/// The real run file with absolute paths and an events calendar: a softer-than-expected CPI
/// report on the first trading day after the 10th of odd months of 2023-2024, a hotter one in
/// even months, dates taken from the SPY file.
fn real_with_events(dir: &Path, data: &Path) -> PathBuf {
    let spy = std::fs::read_to_string(data.join("taeheon-kong_etf-app/SPY.csv")).unwrap();
    let mut events = String::from("date,kind,actual,expected,label\n");
    let mut month_done = BTreeSet::new();
    for line in spy.lines().skip(1) {
        let d: NaiveDate = line[..10].parse().unwrap();
        if (2023..=2024).contains(&d.year())
            && d.day() > 10
            && month_done.insert(d.month0() + 12 * d.year() as u32)
        {
            let (actual, expected) = if d.month() % 2 == 1 {
                (3.0, 3.2)
            } else {
                (3.4, 3.2)
            };
            events.push_str(&format!("{d},CPI,{actual},{expected},test CPI\n"));
        }
    }
    std::fs::write(dir.join("events.csv"), events).unwrap();
    let text = std::fs::read_to_string(root().join("examples/real/marketbrief.yaml")).unwrap();
    let text = text
        .replace("../../../shared/data", &data.display().to_string())
        .replace("rules: ../../rules", &format!("rules: {}", root().join("rules").display()))
        .replace("  events: ~", "  events: EVENTS")
        .replace(
            "universe:",
            "  - {symbol: EVENTS, name: test events, file: events.csv, format: events, role: events}\nuniverse:",
        );
    let path = dir.join("marketbrief.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_genre_claim_is_made_by_a_shipped_rule() {
    let Some(data) = data_dir() else { return };
    let rows = genre_rows();
    let named: Vec<&str> = CLAIMS.iter().map(|c| c.0).collect();
    assert_eq!(
        rows, named,
        "every GENRE.md claim row has shipped rules, in order"
    );

    let dir = scratch("claims");
    let config = RunConfig::load(&real_with_events(&dir, &data)).unwrap();
    let run = Prepared::new(&config).unwrap();
    for (claim, rules) in CLAIMS.iter().chain(MORE_CLAIMS) {
        shown_on_a_real_date(&run, claim, rules);
    }
}

/// Every rule of a claim holds on some date, and the brief of one of those dates prints one
/// of them.
fn shown_on_a_real_date(run: &Prepared, claim: &str, rules: &[&str]) {
    let ids: BTreeSet<&str> = run.rules.rules.iter().map(|r| r.id.as_str()).collect();
    let mut shown = false;
    for rule in rules {
        assert!(ids.contains(rule), "{claim}: no shipped rule '{rule}'");
        let held = run.held.column(rule).unwrap().bool().unwrap().clone();
        let days: Vec<usize> = held
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == Some(true))
            .map(|(i, _)| i)
            .collect();
        assert!(
            !days.is_empty(),
            "{claim}: rule '{rule}' never holds on the real data"
        );
        if shown {
            continue;
        }
        // Up to eight dates spread over the days it holds: selection may leave a finding
        // out (groups, the length budget), but not on all of them.
        let step = (days.len() / 8).max(1);
        for &i in days.iter().step_by(step) {
            let brief = run.brief(AsOf::Date(run.frame.calendar[i])).unwrap();
            if let Some(f) = brief.json.findings.iter().find(|f| f.rule == *rule) {
                let printed = brief.json.sentences.iter().any(|s| s.rule == *rule);
                assert!(printed, "{claim}: {rule} printed\n{}", brief.markdown);
                assert!(!f.text.contains("{{"), "{claim}: {rule} rendered");
                eprintln!("{claim}: {rule} on {}: {}", brief.data_as_of, f.text);
                shown = true;
                break;
            }
        }
    }
    assert!(shown, "{claim}: no brief carries a finding of its rules");
}

#[test]
fn eventful_days_mix_six_kinds_of_claim_with_history() {
    let Some(data) = data_dir() else { return };
    let dir = scratch("eventful");
    let config = RunConfig::load(&real_with_events(&dir, &data)).unwrap();
    let run = Prepared::new(&config).unwrap();
    let claim_of = |rule: &str| CLAIMS.iter().find(|c| c.1.contains(&rule)).map(|c| c.0);
    // Days on which a "first time since" or "widest since" rule holds are the candidates.
    let mut best = (0, String::new());
    for i in 0..run.frame.calendar.len() {
        let rarity = CLAIMS[4]
            .1
            .iter()
            .any(|r| run.held.column(r).unwrap().bool().unwrap().get(i) == Some(true));
        if !rarity {
            continue;
        }
        let brief = run.brief(AsOf::Date(run.frame.calendar[i])).unwrap();
        let kinds: BTreeSet<&str> = brief
            .json
            .findings
            .iter()
            .filter_map(|f| claim_of(&f.rule))
            .collect();
        if kinds.contains("rarity") && kinds.len() > best.0 {
            best = (kinds.len(), format!("{}: {kinds:?}", brief.data_as_of));
        }
    }
    eprintln!("richest day with a rarity finding: {}", best.1);
    assert!(
        best.0 >= 6,
        "the richest first-since day mixes only {} kinds",
        best.0
    );
}

#[test]
fn no_rule_or_metric_holds_a_date_literal() {
    let is_date = |w: &[u8]| {
        w.len() == 10
            && w.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .chain(std::fs::read_dir(root().join("src/metrics")).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 10);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests may build small frames on dates, comments may name the epoch, and a
        // rule's tests (`fires_on:`, `silent_on:`) are dates by nature; the code, conditions
        // and rule texts may not hold any date.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            // A family's tests are a flow map per member: `label: {fires_on: [...]}`.
            let comment = ["//", "#", "fires_on:", "silent_on:"]
                .iter()
                .any(|c| line.trim_start().starts_with(c))
                || line.contains(": {fires_on: [");
            let found = !comment && line.as_bytes().windows(10).any(is_date);
            assert!(
                !found,
                "{}:{}: a date literal: {line}",
                path.display(),
                n + 1
            );
        }
    }
}
