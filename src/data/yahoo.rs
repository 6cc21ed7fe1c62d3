//! Yahoo Finance / yfinance daily CSV.
//!
//! Two header shapes exist in the wild: the classic one line (`Date,Open,High,Low,Close,...`)
//! and yfinance's multi-index three lines (`Price,Close,High,...` / `Ticker,^RUT,...` /
//! `Date,,,,`), where data starts on line 4 and the first column holds the date.

use std::path::Path;

use super::{
    csv_error, date_cell, find_column, price_cell, read_text, DataError, DateOrder, Series,
};

/// Reads the `column` (usually `Close`) of a Yahoo CSV. Rows whose value is blank or `null`
/// (Yahoo writes those for some holidays) are skipped and counted in `warnings`.
pub fn read(path: &Path, column: &str, warnings: &mut Vec<String>) -> Result<Series, DataError> {
    let text = read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let mut header = match records.next() {
        Some(r) => r.map_err(|e| csv_error(path, 0, e))?,
        None => {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
            })
        }
    };
    let multi_index = header.get(0) == Some("Price");
    if multi_index {
        // Skip the `Ticker,...` and `Date,,,` lines; the first column is the date.
        for _ in 0..2 {
            records
                .next()
                .transpose()
                .map_err(|e| csv_error(path, 0, e))?;
        }
        let mut names: Vec<String> = header.iter().map(str::to_string).collect();
        names[0] = "Date".to_string();
        header = csv::StringRecord::from(names);
    }
    let header_line = 1;
    let date_col = find_column(path, header_line, &header, "Date")?;
    let value_col = find_column(path, header_line, &header, column)?;

    let mut series = Series::default();
    let mut order = DateOrder::new(path, "Date");
    let mut skipped: Vec<usize> = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(path, 0, e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |i: usize| record.get(i).unwrap_or("");
        let date = date_cell(path, line, "Date", cell(date_col))?;
        order.push(date, line)?;
        let raw = cell(value_col).trim();
        if raw.is_empty() || raw == "null" {
            skipped.push(line);
            continue;
        }
        let value = price_cell(path, line, column, raw)?;
        series.dates.push(date);
        series.values.push(value);
    }
    if series.dates.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    if let Some(first) = skipped.first() {
        warnings.push(format!(
            "{}: {} rows with no {column} were skipped (first at line {first})",
            path.display(),
            skipped.len()
        ));
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    #[test]
    fn one_line_header() {
        let p = temp_file(
            "spy.csv",
            b"Date,Open,High,Low,Close,AdjClose\n2024-01-02,1,2,0.5,10.5,9\n2024-01-03,1,2,0.5,11,9\n",
        );
        let s = read(&p, "Close", &mut vec![]).unwrap();
        assert_eq!(s.values, vec![10.5, 11.0]);
        assert_eq!(s.dates[1].to_string(), "2024-01-03");
        let adj = read(&p, "AdjClose", &mut vec![]).unwrap();
        assert_eq!(adj.values, vec![9.0, 9.0]);
    }

    #[test]
    fn a_close_that_is_no_price_is_refused_with_its_line() {
        for (close, problem) in [
            ("0", "not a positive price '0'"),
            ("-5", "not a positive price '-5'"),
            ("1e999", "not a number '1e999'"),
            ("3e12", "an absurd price '3000000000000'"),
        ] {
            let text = format!("Date,Close\n2024-01-02,10\n2024-01-03,{close}\n");
            let p = temp_file("bad_close.csv", text.as_bytes());
            let e = read(&p, "Close", &mut vec![]).unwrap_err().to_string();
            assert!(
                e.ends_with(&format!("bad_close.csv:3: column 'Close': {problem}")),
                "{e}"
            );
        }
    }

    #[test]
    fn yfinance_three_line_header() {
        let p = temp_file(
            "rut.csv",
            "\u{feff}Price,Close,High,Low,Open,Volume\nTicker,^RUT,^RUT,^RUT,^RUT,^RUT\nDate,,,,,\n\
             2010-01-04,640.1,640.1,628.1,628.1,39\n2010-01-05,638.49,641.9,635.9,639.7,24\n"
                .as_bytes(),
        );
        let s = read(&p, "Close", &mut vec![]).unwrap();
        assert_eq!(s.values, vec![640.1, 638.49]);
    }

    #[test]
    fn a_word_in_a_number_column_names_file_line_and_column() {
        let p = temp_file("bad.csv", b"Date,Close\n2024-01-02,10\n2024-01-03,ten\n");
        let e = read(&p, "Close", &mut vec![]).unwrap_err().to_string();
        assert!(
            e.ends_with("bad.csv:3: column 'Close': not a number 'ten'"),
            "{e}"
        );
    }

    #[test]
    fn null_rows_are_skipped_and_reported() {
        let p = temp_file(
            "nul.csv",
            b"Date,Close\n2024-01-02,10\n2024-01-03,null\n2024-01-04,12\n",
        );
        let mut w = vec![];
        let s = read(&p, "Close", &mut w).unwrap();
        assert_eq!(s.values, vec![10.0, 12.0]);
        assert!(
            w[0].contains("1 rows with no Close were skipped (first at line 3)"),
            "{w:?}"
        );
    }

    #[test]
    fn missing_column_and_duplicate_date() {
        let p = temp_file("nocl.csv", b"Date,Open\n2024-01-02,10\n");
        let e = read(&p, "Close", &mut vec![]).unwrap_err().to_string();
        assert!(e.contains("nocl.csv:1: missing column 'Close'"), "{e}");
        let p = temp_file("dup.csv", b"Date,Close\n2024-01-02,10\n2024-01-02,11\n");
        let e = read(&p, "Close", &mut vec![]).unwrap_err().to_string();
        assert!(
            e.contains("dup.csv:3: column 'Date': date 2024-01-02 repeats"),
            "{e}"
        );
    }
}
