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
    let line = |cells: &[&str]| {
        let mut s = format!("    {:<w$}", cells[0], w = widths[0]);
        for (c, w) in cells.iter().zip(&widths).skip(1) {
            s.push_str(&format!("  {c:>w$}"));
        }
        s.trim_end().to_string()
    };
    let mut out = vec![line(&header)];
    out.extend(rows.iter().map(|r| line(r)));
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
}
