//! The synthetic dataset behind `examples/demo`: three indexes, two member matrices, two
//! holdings files and a Treasury yield, written in the same real formats the readers take.
//!
//! Every number is made up. The generator is deterministic (a fixed seed, and only
//! arithmetic that gives the same bits on every machine), and its last month is shaped so the
//! demo brief has something to say: small caps pull ahead of large caps and tech.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};

/// splitmix64: small, fast and identical everywhere.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An approximately standard normal draw (Irwin–Hall: twelve uniforms less six).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

const HOLIDAYS: &[&str] = &[
    "2024-01-01",
    "2024-01-15",
    "2024-02-19",
    "2024-03-29",
    "2024-05-27",
    "2024-06-19",
    "2024-07-04",
    "2024-09-02",
    "2024-11-28",
    "2024-12-25",
    "2025-01-01",
    "2025-01-20",
    "2025-02-17",
    "2025-04-18",
    "2025-05-26",
    "2025-06-19",
];

/// Trading days of the demo: weekdays that are not exchange holidays.
fn trading_days() -> Vec<NaiveDate> {
    let holidays: Vec<NaiveDate> = HOLIDAYS
        .iter()
        .map(|d| d.parse().expect("valid date"))
        .collect();
    let (start, end) = (
        NaiveDate::from_ymd_opt(2024, 1, 2),
        NaiveDate::from_ymd_opt(2025, 6, 27),
    );
    start
        .expect("valid")
        .iter_days()
        .take_while(|d| Some(*d) <= end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(d))
        .collect()
}

/// Daily returns of the three indexes: a common factor, each index's own noise, and a final
/// month in which small caps lead.
fn index_returns(rng: &mut Rng, n: usize) -> [Vec<f64>; 3] {
    let mut out = [vec![0.0], vec![0.0], vec![0.0]];
    for t in 1..n {
        let market = 0.0004 + 0.007 * rng.normal();
        let late = t + 21 >= n;
        let (small_tilt, tech_tilt) = if late {
            (0.0042, -0.0016)
        } else {
            (-0.0002, 0.0003)
        };
        out[0].push(market + 0.002 * rng.normal());
        out[1].push(1.1 * market + small_tilt + 0.006 * rng.normal());
        out[2].push(1.2 * market + tech_tilt + 0.005 * rng.normal());
    }
    out
}

fn path(start: f64, returns: &[f64]) -> Vec<f64> {
    let mut level = start;
    returns
        .iter()
        .map(|r| {
            level *= 1.0 + r;
            level
        })
        .collect()
}

/// Member closes following an index with their own noise; some list late (blank before).
fn members(
    rng: &mut Rng,
    index: &[f64],
    prefix: &str,
    count: usize,
) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let n = index.len();
    let mut tickers = Vec::new();
    let mut closes = Vec::new();
    for k in 0..count {
        tickers.push(format!("{prefix}{:02}", k + 1));
        let beta = 0.6 + 0.8 * rng.uniform();
        let listed = if k % 9 == 4 {
            60 + (rng.uniform() * 200.0) as usize
        } else {
            0
        };
        let mut price = 10.0 + 90.0 * rng.uniform();
        let mut col = vec![None; n];
        for (t, cell) in col.iter_mut().enumerate().skip(listed) {
            if t > listed {
                price *= 1.0 + beta * index[t] + 0.012 * rng.normal();
            }
            *cell = Some(price);
        }
        closes.push(col);
    }
    (tickers, closes)
}

fn yahoo_csv(
    days: &[NaiveDate],
    closes: &[f64],
    rng: &mut Rng,
    yfinance_header: bool,
    ticker: &str,
) -> String {
    let mut s = String::new();
    if yfinance_header {
        s.push_str("Price,Close,High,Low,Open,Volume\n");
        let _ = writeln!(s, "Ticker,{ticker},{ticker},{ticker},{ticker},{ticker}");
        s.push_str("Date,,,,,\n");
    } else {
        s.push_str("Date,Open,High,Low,Close,Adj Close,Volume\n");
    }
    let mut prev = closes[0];
    for (d, c) in days.iter().zip(closes) {
        let open = prev * (1.0 + 0.002 * rng.normal());
        let high = open.max(*c) * (1.0 + 0.003 * rng.uniform());
        let low = open.min(*c) * (1.0 - 0.003 * rng.uniform());
        let volume = 1_000_000 + (rng.uniform() * 500_000.0) as u64;
        if yfinance_header {
            let _ = writeln!(s, "{d},{c:.2},{high:.2},{low:.2},{open:.2},{volume}");
        } else {
            let _ = writeln!(s, "{d},{open:.2},{high:.2},{low:.2},{c:.2},{c:.2},{volume}");
        }
        prev = *c;
    }
    s
}

fn matrix_csv(days: &[NaiveDate], tickers: &[String], closes: &[Vec<Option<f64>>]) -> String {
    let mut s = format!("Date,{}\n", tickers.join(","));
    for (t, d) in days.iter().enumerate() {
        s.push_str(&d.to_string());
        for col in closes {
            match col[t] {
                Some(c) => {
                    let _ = write!(s, ",{c:.2}");
                }
                None => s.push(','),
            }
        }
        s.push('\n');
    }
    s
}

const SECTORS: &[&str] = &[
    "Information Technology",
    "Health Care",
    "Financials",
    "Industrials",
    "Consumer Discretionary",
    "Communication",
    "Energy",
    "Consumer Staples",
];

/// An iShares-style holdings file: preamble, quoted numbers with separators, cash and futures
/// rows, a blank line and a footer. Weights decay with rank (`decay` near 1 is flat).
fn holdings_csv(
    fund: &str,
    prefix: &str,
    as_of: NaiveDate,
    names: usize,
    decay: f64,
    tech_tilt: bool,
    rng: &mut Rng,
) -> String {
    let raw: Vec<f64> = (0..names)
        .map(|k| decay.powi(k as i32) * (0.9 + 0.2 * rng.uniform()))
        .collect();
    let total: f64 = raw.iter().sum();
    let mut s = format!(
        "\u{feff}{fund}\nFund Holdings as of,\"{}\"\nInception Date,\"Jan 02, 2001\"\nShares Outstanding,\"100,000,000.00\"\nStock,\"-\"\nBond,\"-\"\nCash,\"-\"\nOther,\"-\"\n \n",
        as_of.format("%b %d, %Y")
    );
    s.push_str("Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date\n");
    let money = |x: f64| {
        let whole = format!("{:.0}", x.trunc());
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{out}.{:02}", ((x.fract()) * 100.0).round() as u64 % 100)
    };
    for (k, r) in raw.iter().enumerate() {
        let weight = 99.0 * r / total;
        let sector = if tech_tilt && k < 6 {
            SECTORS[0]
        } else {
            SECTORS[(k * 5 + 3) % SECTORS.len()]
        };
        let value = weight * 1.0e9;
        let _ = writeln!(
            s,
            "\"{prefix}{:03}\",\"SYNTHETIC COMPANY {:03}\",\"{sector}\",\"Equity\",\"{}\",\"{weight:.2}\",\"{}\",\"1,000.00\",\"100.00\",\"United States\",\"NASDAQ\",\"USD\",\"1.00\",\"USD\",\"-\"",
            k + 1,
            k + 1,
            money(value),
            money(value),
        );
    }
    s.push_str("\"USD\",\"USD CASH\",\"Cash and/or Derivatives\",\"Cash\",\"9,000,000.00\",\"0.90\",\"9,000,000.00\",\"9,000,000.00\",\"100.00\",\"United States\",\"-\",\"USD\",\"1.00\",\"USD\",\"-\"\n");
    s.push_str("\"XYZ5\",\"INDEX EMINI JUN 25\",\"Cash and/or Derivatives\",\"Futures\",\"0.00\",\"0.00\",\"1,000,000.00\",\"10.00\",\"5,000.00\",\"-\",\"Chicago Mercantile Exchange\",\"USD\",\"1.00\",\"USD\",\"-\"\n");
    s.push_str(" \n\"This file is synthetic demo data made by marketbrief's generator.\nIt imitates the layout of a fund holdings download, footer included.\"\n");
    s
}

/// The 10-year yield: a random walk, quieter over the last month (so that the month's story is
/// the indexes', not a rates move).
fn fred_csv(days: &[NaiveDate], rng: &mut Rng) -> String {
    let mut s = String::from("observation_date,DGS10\n");
    let mut y = 4.10;
    let mut day = days[0];
    let last = *days.last().expect("days");
    let quiet_from = days[days.len().saturating_sub(22)];
    while day <= last {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            if days.contains(&day) {
                y += if day > quiet_from { 0.012 } else { 0.035 } * rng.normal();
                let _ = writeln!(s, "{day},{y:.2}");
            } else {
                let _ = writeln!(s, "{day},");
            }
        }
        day = day.succ_opt().expect("valid");
    }
    s
}

/// Every demo file, by file name.
pub fn files() -> Vec<(&'static str, String)> {
    let mut rng = Rng(20_240_102);
    let days = trading_days();
    let [large_r, small_r, tech_r] = index_returns(&mut rng, days.len());
    let (large, small, tech) = (
        path(4700.0, &large_r),
        path(1950.0, &small_r),
        path(16500.0, &tech_r),
    );
    let (lt, lc) = members(&mut rng, &large_r, "L", 50);
    let (st, sc) = members(&mut rng, &small_r, "S", 60);
    let snapshot = days[days.len() - 8];
    vec![
        ("LRG.csv", yahoo_csv(&days, &large, &mut rng, false, "LRG")),
        ("SML.csv", yahoo_csv(&days, &small, &mut rng, true, "SML")),
        ("TEC.csv", yahoo_csv(&days, &tech, &mut rng, false, "TEC")),
        ("large_members.csv", matrix_csv(&days, &lt, &lc)),
        ("small_members.csv", matrix_csv(&days, &st, &sc)),
        (
            "LRG_holdings.csv",
            holdings_csv(
                "Synthetic Large Cap Fund",
                "LG",
                snapshot,
                120,
                0.96,
                true,
                &mut rng,
            ),
        ),
        (
            "SML_holdings.csv",
            holdings_csv(
                "Synthetic Small Cap Fund",
                "SM",
                snapshot,
                200,
                0.997,
                false,
                &mut rng,
            ),
        ),
        ("treasury_10y.csv", fred_csv(&days, &mut rng)),
    ]
}

/// Writes the demo files into `dir`, returning their paths.
pub fn write(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    files()
        .into_iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).map(|_| p)
        })
        .collect()
}
