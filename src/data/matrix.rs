//! Wide member matrices: `Date` and one column per member ticker, a blank cell where the
//! member was not listed yet.

use std::path::Path;

use super::{
    csv_error, date_cell, find_column, number_cell, read_text, DataError, DateOrder, Members,
};

/// Reads a member matrix.
pub fn read(path: &Path) -> Result<Members, DataError> {
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
    let mut members = Members {
        closes: vec![Vec::new(); tickers.len()],
        tickers,
        dates: Vec::new(),
    };
    let mut order = DateOrder::new(path, "Date");
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, 0, e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let date_text = record.get(date_col).unwrap_or("");
        let date = date_cell(path, line, "Date", date_text)?;
        order.push(date, line)?;
        members.dates.push(date);
        let mut t = 0;
        for (i, cell) in record.iter().enumerate() {
            if i == date_col {
                continue;
            }
            let cell = cell.trim();
            let value = if cell.is_empty() {
                None
            } else {
                Some(number_cell(path, line, &members.tickers[t], cell)?)
            };
            members.closes[t].push(value);
            t += 1;
        }
    }
    if members.dates.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(members)
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
        let m = read(&p).unwrap();
        assert_eq!(m.tickers, vec!["AAA", "BBB"]);
        assert_eq!(m.closes[0], vec![Some(10.0), Some(11.0)]);
        assert_eq!(m.closes[1], vec![None, Some(5.5)]);
    }

    #[test]
    fn errors_name_the_ticker_column_and_short_rows() {
        let p = temp_file("m2.csv", b"Date,AAA,BBB\n2024-01-02,10,x\n");
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("m2.csv:2: column 'BBB': not a number 'x'"),
            "{e}"
        );
        let p = temp_file("m3.csv", b"Date,AAA,BBB\n2024-01-02,10\n");
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("m3.csv:2: malformed CSV: 2 fields where the header has 3"),
            "{e}"
        );
    }
}
