//! Reading a writer's Markdown back as passages of prose: each sentence of each paragraph,
//! heading and list item, the front matter's title and summary, and each table cell with its
//! row and column labels, every character mapped to its line and column in the file.
//!
//! Markup is dropped (emphasis, links, escapes, list bullets, heading marks); images are left
//! out (a chart's title is not a claim of the text).

/// One stretch of prose to read figures from.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// The text, markup removed.
    pub text: String,
    /// For each byte of `text`, its 1-based (line, column) in the file.
    pub at: Vec<(usize, usize)>,
    /// Words that name what the passage is about without being part of it: a table cell's
    /// column and row labels.
    pub labels: String,
    /// Which paragraph it belongs to (a sentence without names of its own reads the names of
    /// the sentence before it in the same paragraph).
    pub paragraph: usize,
    /// The heading of its section ("Performance and rotation"), empty before the first.
    pub section: String,
}

impl Passage {
    /// Line and column of byte `i` of the text.
    pub fn position(&self, i: usize) -> (usize, usize) {
        self.at.get(i).or(self.at.last()).copied().unwrap_or((1, 1))
    }
}

/// A line's text with markup removed, each byte mapped to its column.
fn clean(line: &str, number: usize, from: usize) -> (String, Vec<(usize, usize)>) {
    let mut text = String::new();
    let mut at = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().skip_while(|(i, _)| *i < from).collect();
    let mut k = 0;
    let push = |c: char, byte: usize, text: &mut String, at: &mut Vec<(usize, usize)>| {
        let col = line[..byte].chars().count() + 1;
        text.push(c);
        at.extend(std::iter::repeat_n((number, col), c.len_utf8()));
    };
    while k < chars.len() {
        let (byte, c) = chars[k];
        match c {
            '\\' if k + 1 < chars.len() && chars[k + 1].1.is_ascii_punctuation() => {
                push(chars[k + 1].1, chars[k + 1].0, &mut text, &mut at);
                k += 2;
                continue;
            }
            '*' | '_' | '`' => {
                // Emphasis and code marks; an underscore inside a word stays.
                let inside = c == '_'
                    && k > 0
                    && chars[k - 1].1.is_alphanumeric()
                    && chars.get(k + 1).is_some_and(|n| n.1.is_alphanumeric());
                if inside {
                    push(c, byte, &mut text, &mut at);
                }
            }
            // An image is skipped whole, and a link's target is not prose: both end at ')'.
            '!' | ']'
                if chars
                    .get(k + 1)
                    .is_some_and(|n| n.1 == if c == '!' { '[' } else { '(' }) =>
            {
                let end = line[byte..].find(')').map_or(line.len(), |e| byte + e + 1);
                while k < chars.len() && chars[k].0 < end {
                    k += 1;
                }
                continue;
            }
            '[' => {}
            c => push(c, byte, &mut text, &mut at),
        }
        k += 1;
    }
    (text, at)
}

/// Where a line's prose starts: after heading marks, list bullets and quote marks.
fn prose_start(line: &str) -> usize {
    let trimmed = line.trim_start();
    let mut i = line.len() - trimmed.len();
    let rest = &line[i..];
    for mark in ["#### ", "### ", "## ", "# ", "- ", "* ", "+ ", "> "] {
        if rest.starts_with(mark) {
            i += mark.len();
            break;
        }
    }
    i
}

/// Splits a paragraph's text into sentences: at `.`, `!` or `?` followed by a space and a
/// capital letter, a sign or a digit (never inside a number such as 2.5).
fn sentence_ends(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut ends = Vec::new();
    for i in 0..b.len() {
        if matches!(b[i], b'.' | b'!' | b'?')
            && b.get(i + 1) == Some(&b' ')
            && b.get(i + 2).is_some_and(|n| {
                n.is_ascii_alphanumeric() && !n.is_ascii_lowercase()
                    || matches!(n, b'+' | b'-' | b'"')
            })
        {
            ends.push(i + 1);
        }
    }
    ends.push(text.len());
    ends
}

fn cells(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if c == '|' && !line[..i].ends_with('\\') {
            if i > start {
                out.push((start, &line[start..i]));
            }
            start = i + 1;
        }
    }
    if start < line.len() && !line[start..].trim().is_empty() {
        out.push((start, &line[start..]));
    }
    out
}

/// Every passage of `markdown`.
pub fn passages(markdown: &str) -> Vec<Passage> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut i = 0;
    // Front matter: its title and summary are published too.
    if lines.first() == Some(&"---") {
        if let Some(end) = lines.iter().skip(1).position(|l| *l == "---") {
            for (n, line) in lines.iter().enumerate().take(end + 1).skip(1) {
                for key in ["title: ", "summary: "] {
                    if let Some(v) = line.strip_prefix(key) {
                        let from = key.len() + usize::from(v.starts_with('"'));
                        let (mut text, mut at) = clean(line, n + 1, from);
                        if v.starts_with('"') && text.ends_with('"') {
                            text.pop();
                            at.pop();
                        }
                        paragraph += 1;
                        out.push(Passage {
                            text,
                            at,
                            labels: String::new(),
                            paragraph,
                            section: String::new(),
                        });
                    }
                }
            }
            i = end + 2;
        }
    }
    let mut block: (String, Vec<(usize, usize)>) = (String::new(), Vec::new());
    let mut header: Vec<String> = Vec::new();
    let mut section = String::new();
    let flush = |block: &mut (String, Vec<(usize, usize)>),
                 out: &mut Vec<Passage>,
                 p: usize,
                 section: &str| {
        let (text, at) = std::mem::take(block);
        let mut start = 0;
        for end in sentence_ends(&text) {
            let s = &text[start..end];
            let lead = s.len() - s.trim_start().len();
            if !s.trim().is_empty() {
                out.push(Passage {
                    text: s.trim().to_string(),
                    at: at[start + lead..start + lead + s.trim().len()].to_vec(),
                    labels: String::new(),
                    paragraph: p,
                    section: section.to_string(),
                });
            }
            start = end;
        }
    };
    while i < lines.len() {
        let line = lines[i];
        let number = i + 1;
        i += 1;
        let t = line.trim();
        // A chart's image: its text alternative is the chart's, drawn from the data.
        if t.starts_with("![") {
            continue;
        }
        if t.starts_with('|') {
            flush(&mut block, &mut out, paragraph, &section);
            let row: Vec<(usize, &str)> = cells(line);
            if row
                .iter()
                .all(|(_, c)| c.trim().chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
            {
                continue;
            }
            if header.is_empty() {
                header = row.iter().map(|(_, c)| clean(c.trim(), 0, 0).0).collect();
                paragraph += 1;
                // The header's first cell may be a date: read it as prose.
                if let Some((start, first)) = row.first() {
                    let lead = first.len() - first.trim_start().len();
                    let end = start + first.trim_end().len();
                    let (text, at) = clean(&line[..end], number, start + lead);
                    out.push(Passage {
                        text,
                        at,
                        labels: String::new(),
                        paragraph,
                        section: section.clone(),
                    });
                }
                continue;
            }
            let label = row
                .first()
                .map(|(_, c)| clean(c.trim(), 0, 0).0)
                .unwrap_or_default();
            for (k, (start, cell)) in row.iter().enumerate().skip(1) {
                let lead = cell.len() - cell.trim_start().len();
                let (text, at) =
                    clean(&line[..start + cell.trim_end().len()], number, start + lead);
                let column = header.get(k).cloned().unwrap_or_default();
                out.push(Passage {
                    text,
                    at,
                    labels: format!("{column} | {label}"),
                    paragraph,
                    section: section.clone(),
                });
            }
            continue;
        }
        header.clear();
        if t.is_empty() {
            flush(&mut block, &mut out, paragraph, &section);
            paragraph += 1;
            continue;
        }
        let heading = t.starts_with('#');
        let item = ["- ", "* ", "+ "].iter().any(|m| t.starts_with(m));
        if heading || item {
            flush(&mut block, &mut out, paragraph, &section);
            paragraph += 1;
        }
        let (text, at) = clean(line, number, prose_start(line));
        if t.starts_with("## ") {
            section = text.trim().to_string();
        }
        if !block.0.is_empty() {
            block.0.push(' ');
            let last = *block.1.last().expect("text has positions");
            block.1.push(last);
        }
        block.0.push_str(&text);
        block.1.extend(at);
        if heading {
            flush(&mut block, &mut out, paragraph, &section);
            paragraph += 1;
        }
    }
    flush(&mut block, &mut out, paragraph, &section);
    out.retain(|p| !p.text.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_tables_and_front_matter_keep_their_positions() {
        let md = "---\ntitle: \"Small caps lead by 2.1 points\"\ndate: 2024-07-16\n---\n\n# Head\n\nThe *Russell 2000* rose 2.5%. It beat \\[the\\] index.\nA second line.\n\n| July 16 | S&P 500 (SPY) | IWM |\n|---|---:|---:|\n| Day | +0.6% | +3.5% |\n\n![Chart 100 = Jan 2](c.svg)\n";
        let p = passages(md);
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Small caps lead by 2.1 points",
                "Head",
                "The Russell 2000 rose 2.5%.",
                "It beat [the] index.",
                "A second line.",
                "July 16",
                "+0.6%",
                "+3.5%"
            ]
        );
        // "2.1" is on line 2, column 28 of the file.
        let i = p[0].text.find("2.1").unwrap();
        assert_eq!(p[0].position(i), (2, 28));
        // "2.5%" on line 8: "The *Russell 2000* rose " is 24 characters.
        let i = p[2].text.find("2.5%").unwrap();
        assert_eq!(p[2].position(i), (8, 25));
        assert_eq!(p[3].paragraph, p[2].paragraph);
        assert_eq!(p[4].position(0), (9, 1));
        assert_eq!(p[7].labels, "IWM | Day");
        assert_eq!(p[7].position(0), (13, 17));
        assert_eq!(p[6].labels, "S&P 500 (SPY) | Day");
    }
}
