//! iShares fund holdings CSV, as downloaded from a fund page.
//!
//! Layout: a preamble of a few lines (fund name, `Fund Holdings as of,"Apr 06, 2023"`, ...),
//! the header `Ticker,Name,Sector,Asset Class,Market Value,Weight (%),...`, one quoted row per
//! position with thousands separators, a blank line, then a legal footer. Some copies have no
//! preamble or footer. Only equity rows are positions in stocks: cash, futures and the untraded
//! rights listed with ticker `-` are dropped.

use std::path::Path;

use chrono::NaiveDate;

use super::{csv_error, find_column, number_cell, read_text, DataError, Holding, Snapshot};

/// Reads one holdings file. `fallback_date` is used when the file has no "as of" line.
pub fn read(path: &Path, fallback_date: Option<NaiveDate>) -> Result<Snapshot, DataError> {
    let text = read_text(path)?;
    let lines: Vec<&str> = text.lines().collect();
    let header_idx = lines
        .iter()
        .position(|l| l.trim_start().trim_start_matches('"').starts_with("Ticker"))
        .ok_or_else(|| DataError::MissingColumn {
            path: path.to_path_buf(),
            line: 1,
            column: "Ticker".into(),
            found: lines.first().unwrap_or(&"").to_string(),
        })?;
    let as_of = lines[..header_idx]
        .iter()
        .find_map(|l| l.strip_prefix("Fund Holdings as of,"))
        .and_then(|d| NaiveDate::parse_from_str(d.trim().trim_matches('"'), "%b %d, %Y").ok())
        .or(fallback_date)
        .ok_or_else(|| DataError::UndatedHoldings {
            path: path.to_path_buf(),
        })?;
    // The table ends at the first line with nothing but separators and spaces.
    let end = lines[header_idx..]
        .iter()
        .position(|l| l.chars().all(|c| c == ',' || c == '"' || c.is_whitespace()))
        .map_or(lines.len(), |n| header_idx + n);
    let table = lines[header_idx..end].join("\n");

    let mut rdr = csv::ReaderBuilder::new().from_reader(table.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| csv_error(path, header_idx, e))?
        .clone();
    let header_line = header_idx + 1;
    let col = |name| find_column(path, header_line, &header, name);
    let (ticker, name, sector, class, weight) = (
        col("Ticker")?,
        col("Name")?,
        col("Sector")?,
        col("Asset Class")?,
        col("Weight (%)")?,
    );
    let mut holdings = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, header_idx, e))?;
        let line = header_idx + record.position().map_or(0, |p| p.line() as usize);
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if cell(class) != "Equity" || cell(ticker) == "-" || cell(ticker).is_empty() {
            continue;
        }
        let w = number_cell(path, line, "Weight (%)", cell(weight))?;
        holdings.push(Holding {
            ticker: cell(ticker).into(),
            name: cell(name).into(),
            sector: cell(sector).into(),
            weight: w,
        });
    }
    if holdings.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Snapshot {
        as_of,
        file: path.to_path_buf(),
        holdings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    const FILE: &str = "\u{feff}iShares Core S&P 500 ETF\n\
Fund Holdings as of,\"Apr 06, 2023\"\n\
Stock,\"-\"\n \n\
Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Shares,Price\n\
\"AAPL\",\"APPLE INC\",\"Information Technology\",\"Equity\",\"21,749,937,094.76\",\"7.12\",\"1\",\"1\",\"164.66\"\n\
\"XOM\",\"EXXON\",\"Energy\",\"Equity\",\"1,000.00\",\"1.30\",\"1\",\"1\",\"1\"\n\
\"-\",\"RIGHTS\",\"Health Care\",\"Equity\",\"1.31\",\"0.00\",\"1\",\"1\",\"0\"\n\
\"USD\",\"USD CASH\",\"Cash and/or Derivatives\",\"Cash\",\"5.00\",\"0.50\",\"1\",\"1\",\"1\"\n\
\"ESM3\",\"S&P500 EMINI\",\"Cash and/or Derivatives\",\"Futures\",\"0.00\",\"0.00\",\"1\",\"1\",\"1\"\n \n\
\"The content contained herein is owned by BlackRock,\n spanning, lines\"\n";

    #[test]
    fn preamble_footer_cash_and_futures() {
        let p = temp_file("IVV.csv", FILE.as_bytes());
        let s = read(&p, None).unwrap();
        assert_eq!(s.as_of, NaiveDate::from_ymd_opt(2023, 4, 6).unwrap());
        let tickers: Vec<_> = s.holdings.iter().map(|h| h.ticker.as_str()).collect();
        assert_eq!(tickers, vec!["AAPL", "XOM"]);
        assert_eq!(s.holdings[0].weight, 7.12);
        assert_eq!(s.holdings[0].sector, "Information Technology");
    }

    #[test]
    fn undated_file_needs_a_date_and_bad_weight_is_located() {
        let bare = "Ticker,Name,Sector,Asset Class,Weight (%)\nAAPL,APPLE,IT,Equity,7.2\nMSFT,MS,IT,Equity,abc\n";
        let p = temp_file("bare.csv", bare.as_bytes());
        let e = read(&p, None).unwrap_err().to_string();
        assert!(e.contains("no 'Fund Holdings as of' line"), "{e}");
        let d = NaiveDate::from_ymd_opt(2023, 12, 20).unwrap();
        let e = read(&p, Some(d)).unwrap_err().to_string();
        assert!(
            e.ends_with("bare.csv:3: column 'Weight (%)': not a number 'abc'"),
            "{e}"
        );
    }
}
