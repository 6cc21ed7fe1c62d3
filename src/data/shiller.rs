//! Shiller's monthly S&P 500 file (`Date,SP500,Dividend,Earnings,...,PE10`), as published in
//! the `datasets/s-and-p-500` package. `0.0` there means *missing*, not zero: recent rows carry
//! only the price.

use std::path::Path;

use super::Monthly;
use super::{csv_error, date_cell, find_column, number_cell, read_text, DataError, DateOrder};

/// Reads the file; each row's date is the first of its month.
pub fn read(path: &Path) -> Result<Monthly, DataError> {
    let text = read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = rdr.headers().map_err(|e| csv_error(path, 0, e))?.clone();
    let date_col = find_column(path, 1, &header, "Date")?;
    let price_col = find_column(path, 1, &header, "SP500")?;
    let earnings_col = find_column(path, 1, &header, "Earnings")?;
    let cape_col = find_column(path, 1, &header, "PE10")?;
    let mut out = Monthly::default();
    let mut order = DateOrder::new(path, "Date");
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, 0, e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let date = date_cell(path, line, "Date", record.get(date_col).unwrap_or(""))?;
        order.push(date, line)?;
        let number = |col: usize, name: &str| -> Result<Option<f64>, DataError> {
            let x = number_cell(path, line, name, record.get(col).unwrap_or(""))?;
            Ok((x != 0.0).then_some(x))
        };
        out.price.push(number(price_col, "SP500")?);
        out.earnings.push(number(earnings_col, "Earnings")?);
        out.cape.push(number(cape_col, "PE10")?);
        out.dates.push(date);
    }
    if out.dates.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    #[test]
    fn zero_means_missing() {
        let p = temp_file(
            "shiller.csv",
            b"Date,SP500,Dividend,Earnings,Consumer Price Index,Long Interest Rate,Real Price,Real Dividend,Real Earnings,PE10\n\
              2023-06-01,4345.37,67.68,181.16,305.1,3.75,4395.8,68.5,183.3,30.1\n\
              2023-10-01,4269.40,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0\n",
        );
        let m = read(&p).unwrap();
        assert_eq!(m.earnings, [Some(181.16), None]);
        assert_eq!(m.cape, [Some(30.1), None]);
        assert_eq!(m.price[1], Some(4269.40));
    }

    #[test]
    fn a_bad_cell_names_its_line() {
        let p = temp_file(
            "shiller_bad.csv",
            b"Date,SP500,Earnings,PE10\n2023-06-01,4345.37,x,30.1\n",
        );
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("shiller_bad.csv:2: column 'Earnings': not a number 'x'"),
            "{e}"
        );
    }
}
