//! Wide member matrices: `Date` and one column per member ticker, a blank cell where the
//! member was not listed yet. A close of zero or below (scraped matrices hold some before a
//! listing) is read as missing, with a note for the brief; a number that is not a price
//! at all (text, an overflow, an absurd level) is an error.

use std::path::Path;

use super::{
    csv_error, date_cell, find_column, number_cell, price_cell, read_text, DataError, DateOrder,
    Members,
};

/// Reads a member matrix; what it reads as missing is said in `notes` (for the brief).
pub fn read(path: &Path, notes: &mut Vec<String>) -> Result<Members, DataError> {
    let text = read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = rdr.headers().map_err(|e| csv_error(path, 0, e))?.clone();
    let date_col = find_column(path, 1, &header, "Date")?;
    let tickers: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != date_col)
        .map(|(_, t)| t.trim().to_string())
        .collect();
    let mut closes: Vec<Vec<Option<f64>>> = vec![Vec::new(); tickers.len()];
    let mut dates: Vec<chrono::NaiveDate> = Vec::new();
    let mut order = DateOrder::new(path, "Date");
    let mut not_prices: Vec<String> = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, 0, e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let date_text = record.get(date_col).unwrap_or("");
        let date = date_cell(path, line, "Date", date_text)?;
        order.push(date, line)?;
        dates.push(date);
        let mut t = 0;
        for (i, cell) in record.iter().enumerate() {
            if i == date_col {
                continue;
            }
            let cell = cell.trim();
            let ticker = &tickers[t];
            let value = match number_cell(path, line, ticker, cell) {
                _ if cell.is_empty() => None,
                Ok(x) if x <= 0.0 => {
                    not_prices.push(ticker.clone());
                    None
                }
                _ => Some(price_cell(path, line, ticker, cell)?),
            };
            closes[t].push(value);
            t += 1;
        }
    }
    if dates.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    if !not_prices.is_empty() {
        let mut tickers: Vec<&str> = not_prices.iter().map(String::as_str).collect();
        tickers.sort_unstable();
        tickers.dedup();
        notes.push(format!(
            "{} closes of zero or below ({}) are read as missing.",
            not_prices.len(),
            tickers.join(", ")
        ));
    }
    Ok(Members::new(dates, tickers, closes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    #[test]
    fn blanks_before_listing_are_none() {
        let p = temp_file(
            "m.csv",
            b"Date,AAA,BBB\n2024-01-02,10,\n2024-01-03,11,5.5\n",
        );
        let m = read(&p, &mut vec![]).unwrap();
        assert_eq!(m.tickers, vec!["AAA", "BBB"]);
        assert_eq!(m.closes()[0], vec![Some(10.0), Some(11.0)]);
        assert_eq!(m.closes()[1], vec![None, Some(5.5)]);
    }

    #[test]
    fn errors_name_the_ticker_column_and_short_rows() {
        let p = temp_file("m2.csv", b"Date,AAA,BBB\n2024-01-02,10,x\n");
        let e = read(&p, &mut vec![]).unwrap_err().to_string();
        assert!(
            e.ends_with("m2.csv:2: column 'BBB': not a number 'x'"),
            "{e}"
        );
        let p = temp_file("m3.csv", b"Date,AAA,BBB\n2024-01-02,10\n");
        let e = read(&p, &mut vec![]).unwrap_err().to_string();
        assert!(
            e.ends_with("m3.csv:2: malformed CSV: 2 fields where the header has 3"),
            "{e}"
        );
    }

    #[test]
    fn a_close_of_zero_is_missing_with_a_warning_and_an_overflow_is_an_error() {
        let p = temp_file("m4.csv", b"Date,AAA,BBB\n2024-01-02,0,5\n2024-01-03,-1,6\n");
        let mut notes = vec![];
        let m = read(&p, &mut notes).unwrap();
        assert_eq!(m.closes()[0], vec![None, None]);
        assert_eq!(m.closes()[1], vec![Some(5.0), Some(6.0)]);
        assert_eq!(
            notes,
            ["2 closes of zero or below (AAA) are read as missing."]
        );
        let p = temp_file("m5.csv", b"Date,AAA\n2024-01-02,1e999\n");
        let e = read(&p, &mut vec![]).unwrap_err().to_string();
        assert!(
            e.ends_with("m5.csv:2: column 'AAA': not a number '1e999'"),
            "{e}"
        );
    }
}
