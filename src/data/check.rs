//! The one check every dated file gets: dates strictly increase.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::DataError;

/// Follows the dates of one file down its lines and rejects repeats and reversals.
#[derive(Debug)]
pub struct DateOrder {
    path: PathBuf,
    column: String,
    last: Option<(NaiveDate, usize)>,
}

impl DateOrder {
    /// Starts checking the date column `column` of `path`.
    pub fn new(path: &Path, column: &str) -> Self {
        DateOrder {
            path: path.to_path_buf(),
            column: column.to_string(),
            last: None,
        }
    }

    /// Accepts the date on `line`, or says why it cannot follow the previous one.
    pub fn push(&mut self, date: NaiveDate, line: usize) -> Result<(), DataError> {
        if let Some((previous, previous_line)) = self.last {
            if date <= previous {
                return Err(DataError::DateOrder {
                    path: self.path.clone(),
                    line,
                    column: self.column.clone(),
                    date,
                    problem: if date == previous {
                        "repeats"
                    } else {
                        "is out of order"
                    },
                    previous,
                    previous_line,
                });
            }
        }
        self.last = Some((date, line));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn repeats_and_reversals_are_named() {
        let mut o = DateOrder::new(Path::new("f.csv"), "Date");
        o.push(d("2024-01-02"), 2).unwrap();
        o.push(d("2024-01-03"), 3).unwrap();
        let e = o.push(d("2024-01-03"), 4).unwrap_err().to_string();
        assert_eq!(
            e,
            "f.csv:4: column 'Date': date 2024-01-03 repeats (line 3 has 2024-01-03)"
        );
        let e = o.push(d("2024-01-01"), 5).unwrap_err().to_string();
        assert!(e.contains("is out of order"), "{e}");
    }
}
