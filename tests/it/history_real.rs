//! History, turning points, valuation and rates on the real data, each figure recomputed here
//! from the CSV files with plain arithmetic (not the metric code), for every date in `DATES`
//! where it is defined.

use chrono::{Datelike, NaiveDate};
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::metrics::{Hist, Lookback, Metric, MetricFrame, Turn, Valuation, Value, Window};

use crate::real_data::{data_dir, yahoo};
use crate::support::root;

const DATES: &[&str] = &[
    "2020-03-23",
    "2021-02-09",
    "2022-06-16",
    "2023-06-15",
    "2023-12-11",
    "2024-07-16",
    "2024-11-11",
];

fn value(frame: &MetricFrame, m: &Metric, d: NaiveDate) -> Option<Value> {
    let row = frame.row_on_or_before(d).unwrap();
    assert_eq!(frame.calendar[row], d, "{d} is a trading day");
    frame.value(m, row)
}

fn number(frame: &MetricFrame, m: &Metric, d: NaiveDate) -> f64 {
    match value(frame, m, d) {
        Some(Value::Number(x)) => x,
        other => panic!("{m} on {d}: {other:?}"),
    }
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() < 1e-6 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

/// Last column of a two-column CSV (FRED or similar), blanks skipped.
fn fred(path: &std::path::Path) -> Vec<(NaiveDate, f64)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (d, v) = l.split_once(',')?;
            Some((d.parse().ok()?, v.trim().parse().ok()?))
        })
        .collect()
}

#[test]
fn first_since_anchor_trough_pe_and_yield_change_match_the_files() {
    let Some(data) = data_dir() else { return };
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let run = Prepared::new(&config).unwrap();
    let f = &run.frame;
    let spy = yahoo(&data.join("taeheon-kong_etf-app/SPY.csv"));
    let iwm = yahoo(&data.join("taeheon-kong_etf-app/IWM.csv"));
    assert!(spy.iter().zip(&iwm).all(|(a, b)| a.0 == b.0), "same dates");
    let shiller =
        std::fs::read_to_string(data.join("datasets_s-and-p-500/shiller_monthly.csv")).unwrap();
    let dgs10 = fred(&data.join("chatterjee-aryan_macro_regime_modeling/DGS10.csv"));
    // The run file tells the S&P 500 and the Russell 2000 by their index levels from the
    // 252nd session of the latest-starting index file to the end of the earliest-ending one,
    // and by the funds elsewhere (`universe: {index, fund}`).
    let by_date = |rows: Vec<(NaiveDate, f64)>| -> std::collections::BTreeMap<NaiveDate, f64> {
        rows.into_iter().collect()
    };
    let rut = by_date(yahoo(&data.join("tapi262_portfolio_opt/RUT.csv")));
    let gspc = by_date(yahoo(
        &data.join("derived/index_GSPC_daily_2010-01-04_2025-04-29.csv"),
    ));
    let (told_from, told_to) = crate::real_data::index_span(&data);
    let by_index = |d: NaiveDate| d >= told_from && d <= told_to;

    // The 21-session small-minus-large spread over the files' rows, as the run tells each
    // row, and where it was above 2 points.
    let spread = |i: usize| {
        let (d, back) = (spy[i].0, spy[i - 21].0);
        match by_index(d) {
            true => (rut[&d] / rut[&back] - gspc[&d] / gspc[&back]) * 100.0,
            false => (iwm[i].1 / iwm[i - 21].1 - spy[i].1 / spy[i - 21].1) * 100.0,
        }
    };
    let lead = |i: usize| i >= 21 && spread(i) > 2.0;
    let mut checked = [0; 5];
    for date in DATES {
        let d: NaiveDate = date.parse().unwrap();
        let i = spy.iter().position(|r| r.0 == d).unwrap();

        // first_since: the last day before the current run of leads on which it held.
        let m = Metric::History(Hist::FirstSince, "leads[small_caps,large_caps,21d]".into());
        if lead(i) {
            let start = (0..=i).rev().take_while(|&j| lead(j)).last().unwrap();
            let want = (0..start).rev().find(|&j| lead(j)).map(|j| spy[j].0);
            assert_eq!(value(f, &m, d), want.map(Value::Date), "first_since on {d}");
            checked[0] += 1;
        } else {
            assert_eq!(value(f, &m, d), None, "not holding on {d}");
        }

        // The move since the lowest Russell 2000 / S&P 500 ratio of the last 63 sessions
        // (latest on ties); these dates are told by the indexes.
        assert!(by_index(d), "{d} is told by the indexes");
        let r = |j: usize| rut[&spy[j].0] / gspc[&spy[j].0];
        let low = (i + 1 - 63..=i)
            .min_by(|&a, &b| r(a).partial_cmp(&r(b)).unwrap().then(b.cmp(&a)))
            .unwrap();
        let start = Metric::MoveStart("^RUT".into(), "^GSPC".into(), 63);
        assert_eq!(
            value(f, &start, d),
            Some(Value::Date(spy[low].0)),
            "move start {d}"
        );
        let ret = Metric::MoveReturn("^GSPC".into(), "^RUT".into(), "^GSPC".into(), 63);
        close(
            number(f, &ret, d),
            (gspc[&d] / gspc[&spy[low].0] - 1.0) * 100.0,
            "S&P 500 since",
        );
        checked[1] += 1;

        // Percent above the lowest Russell 2000 index close of the last 252 sessions (the
        // drawdown rules read the index levels).
        let trough = spy[i + 1 - 252..=i]
            .iter()
            .map(|r| rut[&r.0])
            .fold(f64::MAX, f64::min);
        let m = Metric::Turn(Turn::FromTrough, "^RUT".into(), Lookback::Days(252));
        close(
            number(f, &m, d),
            (rut[&d] / trough - 1.0) * 100.0,
            "from trough",
        );
        checked[2] += 1;

        // Shiller P/E: the previous month's row, SP500 / Earnings, when earnings are there.
        let prev = d
            .with_day(1)
            .unwrap()
            .pred_opt()
            .unwrap()
            .with_day(1)
            .unwrap();
        let row: Vec<f64> = shiller
            .lines()
            .find(|l| l.starts_with(&prev.to_string()))
            .unwrap()
            .split(',')
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        let pe = Metric::Valuation(Valuation::Pe, "SHILLER".into());
        if row[2] != 0.0 {
            close(number(f, &pe, d), row[0] / row[2], "P/E");
            checked[3] += 1;
        } else {
            assert_eq!(value(f, &pe, d), None, "no earnings, no P/E on {d}");
        }

        // 10-year yield change this week, in basis points: the latest observation on or
        // before the date against the one on or before last week's last trading day.
        let week = |x: NaiveDate| x.iso_week();
        let base_day = spy[..i]
            .iter()
            .rev()
            .find(|r| week(r.0) != week(d))
            .unwrap()
            .0;
        let on = |x: NaiveDate| dgs10.iter().rev().find(|r| r.0 <= x).map(|r| r.1).unwrap();
        let bp = Metric::YieldChange("DGS10".into(), Window::WeekToDate);
        if d <= dgs10.last().unwrap().0 {
            close(
                number(f, &bp, d),
                (on(d) - on(base_day)) * 100.0,
                "bp change",
            );
            checked[4] += 1;
        }
    }
    assert!(
        checked.iter().all(|&n| n >= 2),
        "each figure checked on 2+ dates: {checked:?}"
    );
}
