//! Text from the data (names, sectors, notes) inside Markdown: the characters that Markdown
//! or HTML would read as markup are backslash-escaped on the way in, and unescaped for the
//! plain-text forms (the `.txt` brief, the email subject, the front matter).

/// Characters escaped: emphasis, code, links, raw HTML and table cells.
const SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|'];

/// `text` with every Markdown-special character backslash-escaped, and `&` escaped where it
/// would start an HTML entity, so that it reads as written once rendered ("S&P 500" stays).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let entity = c == '&' && {
            let rest = &text[i + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
                .collect();
            !name.is_empty() && rest[name.len()..].starts_with(';')
        };
        if SPECIAL.contains(&c) || entity {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The text a reader sees: backslash escapes of ASCII punctuation removed.
pub fn unescape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// `text` safe inside HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_round_trip() {
        let name = "Small <script>alert('x')</script> *Cap* [Index] | A&amp;B & S&P_500 \\";
        let md = escape_markdown(name);
        assert_eq!(
            md,
            "Small \\<script\\>alert('x')\\</script\\> \\*Cap\\* \\[Index\\] \\| A\\&amp;B & S&P\\_500 \\\\"
        );
        assert_eq!(unescape_markdown(&md), name);
        let html = crate::output::markdown_to_html(&md);
        assert_eq!(
            html.trim(),
            "<p>Small &lt;script&gt;alert('x')&lt;/script&gt; *Cap* [Index] | A&amp;amp;B &amp; S&amp;P_500 \\</p>"
        );
        assert_eq!(escape_markdown("S&P 500 (SPY)"), "S&P 500 (SPY)");
    }
}
