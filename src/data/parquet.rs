//! Parquet in the long layout: one row per date (and per ticker, for members), columns
//! `date` (a Parquet date or `YYYY-MM-DD` text), `ticker` and `close`. "Line" in errors is
//! the 1-based row number.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;

use super::{bad_cell, parse_date, DataError, DateOrder, Members, Series};

fn read_frame(path: &Path) -> Result<DataFrame, DataError> {
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetReader::new(file)
        .finish()
        .map_err(|e| DataError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

fn column<'a>(path: &Path, df: &'a DataFrame, name: &str) -> Result<&'a Column, DataError> {
    df.column(name).map_err(|_| DataError::MissingColumn {
        path: path.to_path_buf(),
        line: 0,
        column: name.to_string(),
        found: df
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(","),
    })
}

fn wrong_type(path: &Path, name: &str, c: &Column) -> DataError {
    bad_cell(
        path,
        0,
        name,
        "has an unusable type",
        &c.dtype().to_string(),
    )
}

fn dates(path: &Path, df: &DataFrame) -> Result<Vec<NaiveDate>, DataError> {
    let c = column(path, df, "date")?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let missing = |row: usize, value: String| bad_cell(path, row + 1, "date", "not a date", &value);
    match c.dtype() {
        DataType::Date => {
            let days = c
                .cast(&DataType::Int32)
                .map_err(|_| wrong_type(path, "date", c))?;
            let days = days.i32().map_err(|_| wrong_type(path, "date", c))?;
            days.iter()
                .enumerate()
                .map(|(row, d)| {
                    d.map(|d| epoch + chrono::Days::new(d as u64))
                        .ok_or_else(|| missing(row, "null".into()))
                })
                .collect()
        }
        DataType::String => {
            let s = c.str().map_err(|_| wrong_type(path, "date", c))?;
            s.iter()
                .enumerate()
                .map(|(row, v)| {
                    let v = v.unwrap_or("");
                    parse_date(v).ok_or_else(|| missing(row, v.into()))
                })
                .collect()
        }
        _ => Err(wrong_type(path, "date", c)),
    }
}

/// A close that is a finite, positive and plausible price, or an error naming the row.
fn checked(path: &Path, row: usize, column: &str, v: f64) -> Result<f64, DataError> {
    if !v.is_finite() {
        return Err(bad_cell(path, row, column, "not a number", &v.to_string()));
    }
    super::price(path, row, column, v)
}

fn closes(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, DataError> {
    let c = column(path, df, name)?;
    let f = c
        .cast(&DataType::Float64)
        .map_err(|_| wrong_type(path, name, c))?;
    Ok(f.f64()
        .map_err(|_| wrong_type(path, name, c))?
        .iter()
        .collect())
}

/// Reads one series: `date` and `close` (or `column`), rows in date order; null closes skipped.
pub fn read_series(path: &Path, column_name: Option<&str>) -> Result<Series, DataError> {
    let df = read_frame(path)?;
    let name = column_name.unwrap_or("close");
    let dates = dates(path, &df)?;
    let values = closes(path, &df, name)?;
    let mut order = DateOrder::new(path, "date");
    let mut series = Series::default();
    for (row, (date, value)) in dates.into_iter().zip(values).enumerate() {
        order.push(date, row + 1)?;
        if let Some(v) = value {
            let v = checked(path, row + 1, name, v)?;
            series.dates.push(date);
            series.values.push(v);
        }
    }
    if series.dates.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(series)
}

/// Reads members: `date`, `ticker`, `close`, in any row order; each ticker's dates must not
/// repeat.
pub fn read_members(path: &Path) -> Result<Members, DataError> {
    let df = read_frame(path)?;
    let dates = dates(path, &df)?;
    let values = closes(path, &df, "close")?;
    let tc = column(path, &df, "ticker")?;
    let tickers = tc.str().map_err(|_| wrong_type(path, "ticker", tc))?;

    let mut calendar = dates.clone();
    calendar.sort_unstable();
    calendar.dedup();
    let row_of: HashMap<NaiveDate, usize> =
        calendar.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut tickers_out: Vec<String> = Vec::new();
    let mut closes: Vec<Vec<Option<f64>>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (row, ((date, value), ticker)) in dates.iter().zip(values).zip(tickers.iter()).enumerate() {
        let ticker = ticker.unwrap_or("").to_string();
        let t = *index.entry(ticker.clone()).or_insert_with(|| {
            tickers_out.push(ticker.clone());
            closes.push(vec![None; calendar.len()]);
            tickers_out.len() - 1
        });
        let cell = &mut closes[t][row_of[date]];
        if cell.is_some() {
            let value = format!("{ticker} {date}");
            return Err(bad_cell(
                path,
                row + 1,
                "date",
                "repeats for its ticker",
                &value,
            ));
        }
        *cell = value
            .map(|v| checked(path, row + 1, "close", v))
            .transpose()?;
    }
    if calendar.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Members::new(calendar, tickers_out, closes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    fn write(name: &str, mut df: DataFrame) -> std::path::PathBuf {
        let p = temp_file(name, b"");
        let f = std::fs::File::create(&p).unwrap();
        ParquetWriter::new(f).finish(&mut df).unwrap();
        p
    }

    #[test]
    fn long_members_any_row_order() {
        let df = df![
            "date" => ["2024-01-03", "2024-01-02", "2024-01-03"],
            "ticker" => ["AAA", "AAA", "BBB"],
            "close" => [11.0, 10.0, 5.0],
        ]
        .unwrap();
        let m = read_members(&write("m.parquet", df)).unwrap();
        assert_eq!(m.tickers, vec!["AAA", "BBB"]);
        assert_eq!(m.closes()[0], vec![Some(10.0), Some(11.0)]);
        assert_eq!(m.closes()[1], vec![None, Some(5.0)]);
    }

    #[test]
    fn series_rejects_unsorted_dates_by_row() {
        let df = df!["date" => ["2024-01-03", "2024-01-02"], "close" => [1.0, 2.0]].unwrap();
        let e = read_series(&write("s.parquet", df), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.parquet:2: column 'date': date 2024-01-02 is out of order"),
            "{e}"
        );
    }
}
