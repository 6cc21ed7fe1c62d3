//! FRED CSV: `observation_date,<SERIES>` (older downloads: `DATE,<SERIES>`), one row per
//! business day, the value blank (or `.`) where the bond market was closed.

use std::path::Path;

use super::{
    csv_error, date_cell, find_column, number_cell, read_text, DataError, DateOrder, Series,
};

/// Reads a FRED series; `column` picks the value column, else the second column. Blank and `.`
/// cells are holidays: they are not observations, so they are left out.
pub fn read(path: &Path, column: Option<&str>) -> Result<Series, DataError> {
    let text = read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = rdr.headers().map_err(|e| csv_error(path, 0, e))?.clone();
    let date_name = if header.iter().any(|h| h == "observation_date") {
        "observation_date"
    } else {
        "DATE"
    };
    let date_col = find_column(path, 1, &header, date_name)?;
    let value_col = match column {
        Some(name) => find_column(path, 1, &header, name)?,
        None if header.len() >= 2 => 1,
        None => find_column(path, 1, &header, "<value>")?,
    };
    let value_name = header.get(value_col).unwrap_or("").to_string();

    let mut series = Series::default();
    let mut order = DateOrder::new(path, date_name);
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, 0, e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let date_text = record.get(date_col).unwrap_or("");
        let date = date_cell(path, line, date_name, date_text)?;
        order.push(date, line)?;
        let raw = record.get(value_col).unwrap_or("").trim();
        if raw.is_empty() || raw == "." {
            continue;
        }
        let value = number_cell(path, line, &value_name, raw)?;
        series.dates.push(date);
        series.values.push(value);
    }
    if series.dates.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    #[test]
    fn holidays_are_not_observations() {
        let p = temp_file(
            "DGS10.csv",
            b"observation_date,DGS10\n1999-01-15,4.60\n1999-01-18,\n1999-01-19,4.63\n1999-01-20,.\n",
        );
        let s = read(&p, None).unwrap();
        assert_eq!(s.values, vec![4.60, 4.63]);
        assert_eq!(s.dates.len(), 2);
    }

    #[test]
    fn bad_value_is_located() {
        let p = temp_file(
            "DGS2.csv",
            b"observation_date,DGS2\n1999-01-15,4.60\n1999-01-19,n/a\n",
        );
        let e = read(&p, None).unwrap_err().to_string();
        assert!(
            e.ends_with("DGS2.csv:3: column 'DGS2': not a number 'n/a'"),
            "{e}"
        );
    }
}
