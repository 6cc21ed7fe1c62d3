//! The whole market story on the real data: sector leaders and laggards, the VIX, the
//! high-yield spread, the 2-year yield, an index's distance from its low, the small-to-large
//! ratio's path and a threshold chosen from the data, each recomputed here from the CSV files
//! with plain loops and arithmetic (not the metric code) and compared with the facts of the
//! briefs' JSON. For each kind of figure the test walks the days its rules held, in steps
//! over the whole history, and compares every brief that printed one, until five have.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::AsOf;
use serde_json::Value as J;

use crate::real_data::data_dir;
use crate::support::root;

/// Briefs compared for each kind of figure.
const WANTED: usize = 5;

/// (date, value) rows of a CSV whose first column is the date, the value taken from column
/// `col` (0-based); rows without a number are skipped, and so are extra header lines.
fn series(path: &Path, col: usize) -> BTreeMap<NaiveDate, f64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f[0].parse().ok()?, f.get(col)?.trim().parse().ok()?))
        })
        .collect()
}

/// The Close column of a Yahoo CSV with one header line.
fn closes(path: &Path) -> BTreeMap<NaiveDate, f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "Close").unwrap();
    series(path, col)
}

/// The last observation on or before `d`, at most `carry` calendar days old (FRED series
/// miss bond-market holidays).
fn on(s: &BTreeMap<NaiveDate, f64>, d: NaiveDate, carry: i64) -> Option<f64> {
    let (day, v) = s.range(..=d).next_back()?;
    ((d - *day).num_days() <= carry).then_some(*v)
}

fn num(v: &J) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

fn near(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() < 1e-6 * b.abs().max(1.0),
        "{what}: brief {a}, files {b}"
    );
}

struct Files {
    data: std::path::PathBuf,
}

impl Files {
    fn etf(&self, symbol: &str) -> BTreeMap<NaiveDate, f64> {
        closes(&self.data.join(format!("taeheon-kong_etf-app/{symbol}.csv")))
    }
    fn fred(&self, name: &str) -> BTreeMap<NaiveDate, f64> {
        series(
            &self
                .data
                .join(format!("chatterjee-aryan_macro_regime_modeling/{name}.csv")),
            1,
        )
    }
}

/// For every member of the rule family `base`, the days it held, spread over history, and
/// for each brief that printed it, `compare(facts, row)`; returns how many were compared.
fn compare_printed(
    run: &Prepared,
    base: &str,
    mut compare: impl FnMut(&str, &BTreeMap<String, J>, usize),
) -> usize {
    let members: Vec<String> = (run.rules.rules.iter())
        .map(|r| r.id.clone())
        .filter(|id| id.starts_with(&format!("{base}[")) || id == base)
        .collect();
    assert!(!members.is_empty(), "rules of {base}");
    let mut days: Vec<usize> = Vec::new();
    for id in &members {
        let held = run.held.column(id).unwrap().bool().unwrap().clone();
        days.extend((held.iter().enumerate()).filter_map(|(i, h)| (h == Some(true)).then_some(i)));
    }
    days.sort_unstable();
    days.dedup();
    let mut compared = 0;
    let step = (days.len() / 200).max(1);
    // In a fixed order scattered over the whole history, so that the few briefs compared
    // are not all from its first years.
    let mut sampled: Vec<usize> = days.iter().copied().step_by(step).collect();
    sampled.sort_by_key(|&r| (r as u64).wrapping_mul(2_654_435_761) % (1 << 32));
    for &row in &sampled {
        let brief = run.brief(AsOf::Date(run.frame.calendar[row])).unwrap();
        for f in brief
            .json
            .findings
            .iter()
            .filter(|f| members.contains(&f.rule))
        {
            compare(&f.rule, &f.facts, row);
            compared += 1;
        }
        if compared >= WANTED {
            break;
        }
    }
    assert!(
        compared >= WANTED,
        "{base}: only {compared} briefs printed it"
    );
    compared
}

/// The window in sessions of a member label's last part (`21d` → 21).
fn sessions(id: &str) -> usize {
    let label = id.rsplit_once('[').unwrap().1.trim_end_matches(']');
    let w = label.rsplit(',').next().unwrap();
    w.trim_end_matches('d').parse().unwrap()
}

#[test]
fn the_market_story_matches_the_files() {
    let Some(data) = data_dir() else { return };
    let files = Files { data: data.clone() };
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let run = Prepared::new(&config).unwrap();
    let cal = run.frame.calendar.clone();
    // Large caps, small caps and tech: the index levels on the rows the run file tells by
    // them, the funds' adjusted closes on the others.
    let (from, to) = crate::real_data::index_span(&data);
    let by_index = |row: usize| cal[row] >= from && cal[row] <= to;
    let (spy, iwm, qqq) = (files.etf("SPY"), files.etf("IWM"), files.etf("QQQ"));
    let gspc = closes(&data.join("derived/index_GSPC_daily_2010-01-04_2025-04-29.csv"));
    let ndx = closes(&data.join("derived/index_NDX_daily_2010-01-04_2025-04-29.csv"));
    // ^RUT has a three-line yfinance header; its first value column is the close.
    let rut = series(&data.join("tapi262_portfolio_opt/RUT.csv"), 1);
    let prices = |name: &str, row: usize| match (name, by_index(row)) {
        ("small_caps", true) => &rut,
        ("small_caps", false) => &iwm,
        ("large_caps", true) => &gspc,
        ("large_caps", false) => &spy,
        (_, true) => &ndx,
        (_, false) => &qqq,
    };
    let mut told = [0, 0];

    // Sector leaders and laggards: every fund's return over the window, ranked.
    let funds = [
        "XLB", "XLC", "XLE", "XLF", "XLI", "XLK", "XLP", "XLRE", "XLU", "XLV", "XLY",
    ];
    let sector_closes: Vec<(&str, BTreeMap<NaiveDate, f64>)> =
        funds.iter().map(|s| (*s, files.etf(s))).collect();
    compare_printed(&run, "sector_leaders", |id, facts, row| {
        let w = sessions(id);
        let (d, base) = (cal[row], cal[row - w]);
        let mut ranked: Vec<(&str, f64)> = (sector_closes.iter())
            .filter_map(|(s, c)| Some((*s, (c.get(&d)? / c.get(&base)? - 1.0) * 100.0)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let last = ranked.len() - 1;
        assert_eq!(facts["top"], J::from(ranked[0].0), "{id} on {d}");
        assert_eq!(facts["second"], J::from(ranked[1].0), "{id} on {d}");
        assert_eq!(facts["bottom"], J::from(ranked[last].0), "{id} on {d}");
        near(num(&facts["top_ret"]), ranked[0].1, "top return");
        near(num(&facts["second_ret"]), ranked[1].1, "second return");
        near(num(&facts["bottom_ret"]), ranked[last].1, "bottom return");
        let risers = ranked.iter().filter(|r| r.1 > 0.0).count();
        assert_eq!(
            num(&facts["risers"]) as usize,
            risers,
            "{id} on {d}: risers"
        );
        assert_eq!(
            num(&facts["size"]) as usize,
            ranked.len(),
            "{id} on {d}: size"
        );
    });

    // The VIX: its level and its level a window earlier (FRED's close, carried five days).
    let vix = files.fred("VIXCLS");
    for base in ["vix_jumps", "vix_falls"] {
        compare_printed(&run, base, |id, facts, row| {
            let w = sessions(id);
            let (now, then) = (
                on(&vix, cal[row], 5).unwrap(),
                on(&vix, cal[row - w], 5).unwrap(),
            );
            near(num(&facts["now"]), now, "VIX now");
            near(num(&facts["then"]), then, "VIX then");
        });
    }

    // The high-yield spread's change in basis points over the window.
    let hy = files.fred("BAMLH0A0HYM2");
    for base in ["credit_widens", "credit_narrows"] {
        compare_printed(&run, base, |id, facts, row| {
            let w = sessions(id);
            let (now, then) = (
                on(&hy, cal[row], 5).unwrap(),
                on(&hy, cal[row - w], 5).unwrap(),
            );
            near(num(&facts["change"]), (now - then) * 100.0, "HY change");
            near(num(&facts["level"]), now, "HY level");
        });
    }

    // The 2-year yield's change since the ratio of the leading index to the other made its
    // 63-session low (the latest row on ties).
    let dgs2 = files.fred("DGS2");
    let ratio_low = |a: &BTreeMap<NaiveDate, f64>, b: &BTreeMap<NaiveDate, f64>, row: usize| {
        (row + 1 - 63..=row)
            .min_by(|&x, &y| {
                let (rx, ry) = (a[&cal[x]] / b[&cal[x]], a[&cal[y]] / b[&cal[y]]);
                rx.total_cmp(&ry).then(y.cmp(&x))
            })
            .unwrap()
    };
    compare_printed(&run, "yields_since_move", |id, facts, row| {
        told[usize::from(by_index(row))] += 1;
        let (small, large) = (prices("small_caps", row), prices("large_caps", row));
        let (a, b) = if id.contains("[small_caps,") {
            (small, large)
        } else {
            (large, small)
        };
        let start = ratio_low(a, b, row);
        assert_eq!(
            facts["start"],
            J::from(cal[start].to_string()),
            "{id}: start"
        );
        let change = (on(&dgs2, cal[row], 5).unwrap() - on(&dgs2, cal[start], 5).unwrap()) * 100.0;
        near(num(&facts["two"]), change, "2-year since the move");
    });
    compare_printed(&run, "yield_moves", |id, facts, row| {
        if !id.contains("two_year") || !id.ends_with(",21d]") {
            return;
        }
        let change =
            (on(&dgs2, cal[row], 5).unwrap() - on(&dgs2, cal[row - 21], 5).unwrap()) * 100.0;
        near(num(&facts["change"]), change, "2-year over a month");
    });

    // An index's distance from its 52-week low, and the low's date.
    for base in ["near_bull_market", "bull_market", "correction"] {
        compare_printed(&run, base, |id, facts, row| {
            told[usize::from(by_index(row))] += 1;
            let name = id.rsplit_once('[').unwrap().1.trim_end_matches(']');
            let level = prices(name, row);
            let low = (row + 1 - 252..=row)
                .min_by(|&x, &y| level[&cal[x]].total_cmp(&level[&cal[y]]).then(y.cmp(&x)))
                .unwrap();
            assert_eq!(
                facts["low_day"],
                J::from(cal[low].to_string()),
                "{id}: low date"
            );
            let up = (level[&cal[row]] / level[&cal[low]] - 1.0) * 100.0;
            near(num(&facts["up"]), up, "distance from the low");
        });
    }

    // The ratio's path: from its 63-session low to today.
    compare_printed(&run, "ratio_path", |id, facts, row| {
        told[usize::from(by_index(row))] += 1;
        let (rut, gspc) = (prices("small_caps", row), prices("large_caps", row));
        let start = ratio_low(rut, gspc, row);
        assert_eq!(
            facts["start"],
            J::from(cal[start].to_string()),
            "{id}: start"
        );
        let r = |i: usize| rut[&cal[i]] / gspc[&cal[i]];
        near(num(&facts["from"]), r(start), "ratio at the low");
        near(num(&facts["now"]), r(row), "ratio now");
    });

    // A threshold chosen from the data: the largest round margin (0.5 to 10 points) by which
    // one index beat the other on at least two days of the week so far, and the last day
    // before this week on which a week so far had seen that margin cleared twice.
    let week = |d: NaiveDate| (d.iso_week().year(), d.iso_week().week());
    compare_printed(&run, "cleared_twice_this_week", |id, facts, row| {
        let label = id.rsplit_once('[').unwrap().1.trim_end_matches(']');
        let (a, b) = label.split_once(',').unwrap();
        told[usize::from(by_index(row))] += 1;
        let (a, b) = (prices(a, row), prices(b, row));
        let day_spread =
            |i: usize| (a[&cal[i]] / a[&cal[i - 1]] - b[&cal[i]] / b[&cal[i - 1]]) * 100.0;
        // Rows of the week of row t, up to t.
        let cal = &cal;
        let week_of = |t: usize| -> Vec<usize> {
            (0..=t)
                .rev()
                .take_while(|&j| week(cal[j]) == week(cal[t]))
                .collect()
        };
        let cleared_twice = |t: usize, level: f64| {
            (week_of(t).into_iter())
                .filter(|&j| j > 0 && day_spread(j) > level)
                .count()
                >= 2
        };
        let levels: Vec<f64> = (1..=20).map(|k| k as f64 * 0.5).collect();
        let level = *levels
            .iter()
            .rev()
            .find(|&&l| cleared_twice(row, l))
            .unwrap();
        near(num(&facts["level"]), level, "the round margin");
        let first = *week_of(row).last().unwrap();
        let since = (1..first).rev().find(|&t| cleared_twice(t, level)).unwrap();
        assert_eq!(
            facts["since"],
            J::from(cal[since].to_string()),
            "{id}: since"
        );
    });
    assert!(told.iter().all(|&n| n > 0), "rows told each way: {told:?}");
}
