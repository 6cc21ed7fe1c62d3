//! A dated CSV that a reader already reads (Yahoo's layouts, FRED's), kept as written: its
//! header lines, line ending and byte-order mark stay; fetched rows are appended in its
//! columns; rows already in it are compared with what the provider serves now.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// A column a provider serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Opening price.
    Open,
    /// High.
    High,
    /// Low.
    Low,
    /// Close.
    Close,
    /// Close adjusted for splits and dividends.
    AdjClose,
    /// Shares traded.
    Volume,
    /// Dividend paid that day.
    Dividends,
    /// Split ratio that day.
    Splits,
    /// A FRED series' value.
    Value,
}

impl Col {
    fn of_yahoo(name: &str) -> Option<Col> {
        let key: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
        Some(match key.to_ascii_lowercase().as_str() {
            "open" => Col::Open,
            "high" => Col::High,
            "low" => Col::Low,
            "close" => Col::Close,
            "adjclose" => Col::AdjClose,
            "volume" => Col::Volume,
            "dividends" => Col::Dividends,
            "stocksplits" => Col::Splits,
            _ => return None,
        })
    }
}

/// One dated row a provider served.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Its session.
    pub date: NaiveDate,
    /// Its values.
    pub cells: Vec<(Col, f64)>,
}

impl Row {
    /// The value of `col`, if served.
    pub fn get(&self, col: Col) -> Option<f64> {
        self.cells.iter().find(|(c, _)| *c == col).map(|(_, v)| *v)
    }
}

/// A stored value the provider now serves differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The session.
    pub date: NaiveDate,
    /// The column's name in the file.
    pub column: String,
    /// In the file.
    pub old: f64,
    /// Served now.
    pub new: f64,
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let change = (self.new / self.old - 1.0) * 100.0;
        write!(
            f,
            "{} {}: {} in the file, {} now ({change:+.3}%)",
            self.date,
            self.column,
            number(Col::Close, self.old),
            number(Col::Close, self.new)
        )
    }
}

/// The file as written.
#[derive(Debug, Clone)]
pub struct Table {
    path: PathBuf,
    bom: bool,
    newline: &'static str,
    header: Vec<String>,
    names: Vec<String>,
    columns: Vec<Option<Col>>,
    rows: Vec<(NaiveDate, String)>,
}

/// What merging did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Sessions added after the file's last.
    pub added: Vec<NaiveDate>,
    /// Stored values rewritten (only with `accept`).
    pub revised: Vec<Revision>,
}

impl Table {
    /// Reads `path`: Yahoo's one-line or three-line header when `fred` is false, else
    /// FRED's `observation_date,<SERIES>` (or `DATE,...`).
    pub fn read(path: &Path, fred: bool) -> Result<Table, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let bom = text.starts_with('\u{feff}');
        let text = text.trim_start_matches('\u{feff}');
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let lines: Vec<&str> = text.lines().collect();
        let header_lines = if lines.first().is_some_and(|l| l.starts_with("Price,")) {
            3
        } else {
            1
        };
        if lines.len() < header_lines {
            return Err(format!("{}: no header", path.display()));
        }
        let names: Vec<String> = lines[0].split(',').map(|s| s.trim().to_string()).collect();
        let columns = names
            .iter()
            .enumerate()
            .map(|(i, n)| match (i, fred) {
                (0, _) => None,
                (1, true) => Some(Col::Value),
                (_, true) => None,
                (_, false) => Col::of_yahoo(n),
            })
            .collect();
        let mut rows = Vec::new();
        for (i, line) in lines.iter().enumerate().skip(header_lines) {
            if line.trim().is_empty() {
                continue;
            }
            let first = line.split(',').next().unwrap_or("");
            let date = first
                .trim()
                .get(..10)
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .ok_or_else(|| format!("{}:{}: '{first}' is not a date", path.display(), i + 1))?;
            rows.push((date, line.to_string()));
        }
        Ok(Table {
            path: path.to_path_buf(),
            bom,
            newline,
            header: lines[..header_lines]
                .iter()
                .map(|l| l.to_string())
                .collect(),
            names,
            columns,
            rows,
        })
    }

    /// The last date in the file.
    pub fn last(&self) -> Option<NaiveDate> {
        self.rows.last().map(|(d, _)| *d)
    }

    /// The file's columns that a provider fills.
    pub fn served(&self) -> Vec<Col> {
        self.columns.iter().flatten().copied().collect()
    }

    fn stored(&self, line: &str, col: Col) -> Option<(String, f64)> {
        let i = self.columns.iter().position(|c| *c == Some(col))?;
        let cell = line.split(',').nth(i)?.trim();
        cell.parse::<f64>().ok().map(|v| (self.names[i].clone(), v))
    }

    /// Adds `rows` after the file's last date and compares the ones it has in the columns
    /// `checked`. A change beyond `tolerance` (relative) is a revision: without `accept`,
    /// the revisions come back as the error and nothing changes; with it, those rows are
    /// rewritten.
    pub fn merge(
        &mut self,
        rows: &[Row],
        checked: &[Col],
        tolerance: f64,
        accept: bool,
    ) -> Result<Merged, Vec<Revision>> {
        let mut merged = Merged::default();
        let last = self.last();
        let mut replace = Vec::new();
        for row in rows {
            if last.is_some_and(|l| row.date <= l) {
                let Some(at) = self.rows.iter().position(|(d, _)| *d == row.date) else {
                    continue;
                };
                let mut changed = false;
                for col in checked {
                    let (Some((column, old)), Some(new)) =
                        (self.stored(&self.rows[at].1, *col), row.get(*col))
                    else {
                        continue;
                    };
                    if (new - old).abs() > tolerance * old.abs() {
                        merged.revised.push(Revision {
                            date: row.date,
                            column,
                            old,
                            new,
                        });
                        changed = true;
                    }
                }
                if changed {
                    replace.push((at, self.line(row)));
                }
            } else {
                merged.added.push(row.date);
                self.rows.push((row.date, self.line(row)));
            }
        }
        if !merged.revised.is_empty() && !accept {
            self.rows.truncate(self.rows.len() - merged.added.len());
            return Err(merged.revised);
        }
        for (at, line) in replace {
            self.rows[at].1 = line;
        }
        Ok(merged)
    }

    /// `row` in the file's columns; a column the provider does not serve is left empty.
    fn line(&self, row: &Row) -> String {
        let cells: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| match (i, col) {
                (0, _) => row.date.to_string(),
                (_, Some(c)) => row.get(*c).map_or_else(String::new, |v| number(*c, v)),
                (_, None) => String::new(),
            })
            .collect();
        cells.join(",")
    }

    /// Writes the file beside itself and renames it into place, so a failure at any point
    /// leaves the old file as it was.
    pub fn save(&self) -> Result<(), String> {
        let mut text = String::new();
        if self.bom {
            text.push('\u{feff}');
        }
        for line in self.header.iter().chain(self.rows.iter().map(|(_, l)| l)) {
            text.push_str(line);
            text.push_str(self.newline);
        }
        replace_file(&self.path, text.as_bytes())
    }
}

/// A number as Yahoo's and FRED's files write it (pandas and Python's `repr`): volumes whole,
/// other values as the fewest significant digits that read back as the same number, a tie
/// in the last digit rounded to even, and `.0` on whole values.
fn number(col: Col, v: f64) -> String {
    if col == Col::Volume {
        return format!("{}", v.round() as i64);
    }
    let digits = (1..=17)
        .find(|p| format!("{:.*e}", p - 1, v).parse::<f64>() == Ok(v))
        .unwrap_or(17);
    let exponent = if v == 0.0 {
        0
    } else {
        v.abs().log10().floor() as i32
    };
    let decimals = (digits as i32 - 1 - exponent).max(0) as usize;
    let text = format!("{v:.decimals$}");
    match text.contains('.') {
        true => text,
        false => format!("{text}.0"),
    }
}

/// Replaces `path` with `bytes`: a temporary file beside it, flushed to disk, renamed over it.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.fetch-{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("{}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::temp_file;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn bar(date: &str, close: f64) -> Row {
        Row {
            date: d(date),
            cells: vec![
                (Col::Open, close - 1.0),
                (Col::Close, close),
                (Col::Volume, 1200.4),
            ],
        }
    }

    #[test]
    fn rows_are_appended_in_the_files_columns_and_layout() {
        let p = temp_file("t_yf.csv", "\u{feff}Price,Close,High,Low,Open,Volume\r\nTicker,^RUT,^RUT,^RUT,^RUT,^RUT\r\nDate,,,,,\r\n2024-01-02,10,11,9,9.5,100\r\n".as_bytes());
        let mut t = Table::read(&p, false).unwrap();
        let m = t
            .merge(
                &[bar("2024-01-02", 10.0), bar("2024-01-03", 12.25)],
                &[Col::Close],
                1e-4,
                false,
            )
            .unwrap();
        assert_eq!(m.added, [d("2024-01-03")]);
        t.save().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("\u{feff}Price,"), "{text}");
        assert!(
            text.ends_with("2024-01-02,10,11,9,9.5,100\r\n2024-01-03,12.25,,,11.25,1200\r\n"),
            "{text:?}"
        );
    }

    #[test]
    fn numbers_read_back_as_written() {
        // 713.16998291015625 is as far from ...562 as from ...563: the even digit, as pandas.
        for text in [
            "713.1699829101562",
            "121.55999755859375",
            "0.467",
            "118.0",
            "4.16",
            "1e-05",
            "0.0",
        ] {
            let v: f64 = text.parse().unwrap();
            let want = if text == "1e-05" { "0.00001" } else { text };
            assert_eq!(number(Col::Close, v), want);
        }
        assert_eq!(number(Col::Volume, 55748000.0), "55748000");
    }

    #[test]
    fn a_revision_is_refused_then_accepted() {
        let p = temp_file(
            "t_rev.csv",
            b"Date,Open,Close,Volume\n2024-01-02,9,10,100\n",
        );
        let mut t = Table::read(&p, false).unwrap();
        let e = t
            .merge(
                &[bar("2024-01-02", 10.5), bar("2024-01-03", 11.0)],
                &[Col::Close],
                1e-4,
                false,
            )
            .unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "2024-01-02 Close: 10.0 in the file, 10.5 now (+5.000%)"
        );
        assert_eq!(t.last(), Some(d("2024-01-02")), "nothing added");
        let m = t
            .merge(
                &[bar("2024-01-02", 10.5), bar("2024-01-03", 11.0)],
                &[Col::Close],
                1e-4,
                true,
            )
            .unwrap();
        assert_eq!((m.added.len(), m.revised.len()), (1, 1));
        t.save().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            text,
            "Date,Open,Close,Volume\n2024-01-02,9.5,10.5,1200\n2024-01-03,10.0,11.0,1200\n"
        );
    }
}
