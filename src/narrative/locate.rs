//! Tera errors located in the file a person can open: a template file, or a rule's text in
//! its rule file.

use std::collections::BTreeMap;

use tera::ErrorKind;

use super::{NarrativeError, Origin};

/// Turns a Tera error into one that names the file (and line) a person can open.
pub(super) fn locate(origins: &BTreeMap<String, Origin>, e: tera::Error) -> NarrativeError {
    let (at, message) = tera_position(&e);
    let location =
        |(name, line, col): &(String, usize, usize)| origin_location(origins, name, *line, *col);
    // Pre-rendered reports point at `--> name:line:col`: point them at the file instead.
    let message = message
        .lines()
        .map(
            |l| match l.trim_start().strip_prefix("--> ").and_then(parse_pointer) {
                Some((name, line, col)) => {
                    format!(" --> {}", location(&(name.to_string(), line, col)))
                }
                None => l.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n");
    NarrativeError::Template {
        location: at.as_ref().map_or_else(|| "templates".into(), location),
        message,
    }
}

/// Where a Tera error points (template name, line, 1-based column) and its message.
pub(crate) fn tera_position(e: &tera::Error) -> (Option<(String, usize, usize)>, String) {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => (
            Some((
                r.filename().to_string(),
                r.span().start_line,
                r.span().start_col + 1,
            )),
            r.message().to_string(),
        ),
        _ => {
            // Validation errors (unknown filters, includes) come as pre-rendered reports.
            let text = std::iter::successors(Some(e as &dyn std::error::Error), |e| e.source())
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(": ");
            let at = text.lines().find_map(|l| {
                let (name, line, col) = l
                    .trim_start()
                    .strip_prefix("--> ")
                    .and_then(parse_pointer)?;
                Some((name.to_string(), line, col))
            });
            (at, text)
        }
    }
}

/// Splits `name:line:col`.
fn parse_pointer(s: &str) -> Option<(&str, usize, usize)> {
    let mut parts = s.trim().rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line, col))
}

pub(crate) fn origin_location(
    origins: &BTreeMap<String, Origin>,
    name: &str,
    line: usize,
    col: usize,
) -> String {
    match origins.get(name) {
        Some(Origin::File(p)) => format!("{}:{line}:{col}", p.display()),
        Some(Origin::Embedded) | None => format!("{name} (embedded):{line}:{col}"),
        Some(Origin::Rule(p, rule_line, id, which)) => {
            format!(
                "{}:{rule_line}: rule '{id}', '{which}' text line {line}",
                p.display()
            )
        }
    }
}
