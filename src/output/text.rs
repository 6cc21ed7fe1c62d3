//! Plain text for email bodies: Markdown's structure kept (headings underlined, bullets
//! hanging), lines wrapped at [`WIDTH`] columns, the table in fixed-width columns.

use crate::narrative::context::TableCtx;

/// Line width of the plain-text format.
pub const WIDTH: usize = 72;

/// Wraps `text` to `width` columns, starting continuation lines with `indent`.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out
}

/// The plain-text form of rendered Markdown-ish text: `# ` and `## ` headings underlined,
/// `- ` bullets wrapped with a hanging indent, paragraphs wrapped, table lines kept.
pub fn plain(md: &str) -> String {
    let mut out = Vec::new();
    for block in md.split("\n\n") {
        let block = block.trim_end();
        if block.starts_with('|') || block.starts_with("    ") {
            out.push(block.to_string());
        } else if let Some(h) = block.strip_prefix("# ") {
            out.push(underlined(h, '='));
        } else if let Some(h) = block.strip_prefix("## ") {
            out.push(underlined(h, '-'));
        } else if !block.is_empty() {
            out.push(lists(block));
        }
    }
    let mut s = crate::output::unescape_markdown(&out.join("\n\n"));
    s.push('\n');
    s
}

/// A list item's marker at the start of `line`: `- ` (printed `  * `) or `12. ` (printed as
/// written, indented by two).
fn marker(line: &str) -> Option<(usize, String)> {
    if line.starts_with("- ") {
        return Some((2, "  * ".to_string()));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". "))
        .then(|| (digits + 2, format!("  {}", &line[..digits + 2])))
}

/// A block of paragraph lines and list items (`- ` or `1. `), each item wrapped with a
/// hanging indent, so a numbered list never runs into the paragraph above it.
fn lists(block: &str) -> String {
    let mut parts: Vec<(String, String)> = Vec::new(); // (marker, text)
    for line in block.lines() {
        match (marker(line), parts.last_mut()) {
            (Some((skip, mark)), _) => parts.push((mark, line[skip..].to_string())),
            (None, Some((_, text))) => {
                text.push(' ');
                text.push_str(line.trim());
            }
            (None, None) => parts.push((String::new(), line.trim().to_string())),
        }
    }
    let wrapped: Vec<String> = parts
        .iter()
        .map(|(mark, text)| {
            let indent = " ".repeat(mark.chars().count());
            wrap(text, WIDTH, mark, &indent)
        })
        .collect();
    wrapped.join("\n")
}

/// A heading, wrapped, over a line of `mark` as long as its longest line.
fn underlined(heading: &str, mark: char) -> String {
    let text = wrap(heading, WIDTH, "", "");
    let width = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    format!("{text}\n{}", mark.to_string().repeat(width))
}

/// The comparison table in fixed-width columns, numbers right-aligned.
pub fn table(t: &TableCtx, corner: &str) -> String {
    let header: Vec<&str> = std::iter::once(corner)
        .chain(t.columns.iter().map(String::as_str))
        .collect();
    let rows: Vec<Vec<&str>> = t
        .rows
        .iter()
        .map(|r| {
            std::iter::once(r.label.as_str())
                .chain(r.cells.iter().map(String::as_str))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // The label column takes what the figures leave of the line, its labels wrapped; when
    // the figures alone leave it too little, each row is a label over its figures.
    let figures: usize = widths.iter().skip(1).map(|w| w + 2).sum();
    let room = WIDTH.saturating_sub(INDENT.len() + figures);
    if room < MIN_LABEL {
        return stacked(&header, &rows);
    }
    let label = widths[0].min(room);
    let line = |cells: &[&str]| {
        let wrapped = wrap(cells[0], label, "", "");
        let mut lines = wrapped.lines();
        let mut s = format!("{INDENT}{:<label$}", lines.next().unwrap_or(""));
        for (c, w) in cells.iter().zip(&widths).skip(1) {
            s.push_str(&format!("  {c:>w$}"));
        }
        let mut out = s.trim_end().to_string();
        for more in lines {
            out.push_str(&format!("\n{HANG}{more}"));
        }
        out
    };
    let mut out = vec![line(&header)];
    out.extend(rows.iter().map(|r| line(r)));
    out.join("\n")
}

/// The table's indent in the plain text.
const INDENT: &str = "    ";
/// A table line's continuation: under its label, two columns in.
const HANG: &str = "      ";
/// The narrowest label column worth printing beside the figures.
const MIN_LABEL: usize = 14;

/// A table too wide for [`WIDTH`] columns: each row's label, then its figures named by
/// their columns, wrapped.
fn stacked(header: &[&str], rows: &[Vec<&str>]) -> String {
    let mut out = vec![format!("{INDENT}{}", header[0])];
    for r in rows {
        out.push(wrap(r[0], WIDTH, INDENT, INDENT));
        let figures: Vec<String> = (header.iter().zip(r.iter()).skip(1))
            .map(|(h, c)| format!("{h} {c};"))
            .collect();
        let text = figures.join(" ");
        let text = text.strip_suffix(';').unwrap_or(&text);
        out.push(wrap(text, WIDTH, HANG, HANG));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrative::context::RowCtx;

    #[test]
    fn paragraphs_wrap_and_bullets_hang() {
        let words = "word ".repeat(30);
        let text = plain(&format!(
            "# Title\n\n{words}\n\n- {words}\n- short\n\n## {words}"
        ));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Title");
        assert_eq!(lines[1], "=====");
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(text.contains("\n  * word word"), "{text}");
        assert!(text.contains("\n    word"), "{text}");
        assert!(text.contains("\n  * short\n"), "{text}");
        let rule = text.lines().last().unwrap();
        assert!(rule.len() > 60 && rule.chars().all(|c| c == '-'), "{text}");
    }

    #[test]
    fn a_numbered_list_keeps_its_items_apart_from_the_paragraph() {
        let text = plain("Rallies like this one faded within weeks.\n1. Whether small caps hold the lead.\n2. Whether yields keep falling\nthis week.\n");
        assert_eq!(
            text,
            "Rallies like this one faded within weeks.\n  1. Whether small caps hold the lead.\n  2. Whether yields keep falling this week.\n"
        );
    }

    #[test]
    fn table_columns_align() {
        let t = TableCtx {
            columns: vec!["S&P 500".into(), "Russell 2000".into()],
            rows: vec![RowCtx {
                label: "Day".into(),
                cells: vec!["+0.6%".into(), "+3.5%".into()],
            }],
        };
        assert_eq!(
            table(&t, "July 16"),
            "    July 16  S&P 500  Russell 2000\n    Day        +0.6%         +3.5%"
        );
    }

    #[test]
    fn a_long_label_wraps_and_a_wide_table_stacks_within_the_width() {
        let cells = |n: usize| (0..n).map(|i| format!("+{i}.0%")).collect::<Vec<_>>();
        let t = |n: usize| TableCtx {
            columns: (0..n).map(|i| format!("Index number {i}")).collect(),
            rows: vec![RowCtx {
                label: "Largest sector weight (holdings of December 20, 2023)".into(),
                cells: cells(n),
            }],
        };
        let three = table(&t(3), "July 25");
        assert!(three.lines().all(|l| l.chars().count() <= WIDTH), "{three}");
        // The figures stay on the row's first line, the label goes on below them.
        let lines: Vec<&str> = three.lines().collect();
        assert!(lines[1].starts_with("    Largest sector") && lines[1].ends_with("+2.0%"));
        assert!(
            lines[2].starts_with("      ") && lines.len() == 4,
            "{three}"
        );
        let six = table(&t(6), "July 25");
        assert!(six.lines().all(|l| l.chars().count() <= WIDTH), "{six}");
        assert!(six.contains("Index number 5 +5.0%"), "{six}");
    }
}
