//! Where a run's templates come from: the embedded defaults, the user's folder overriding
//! them file by file, and every rule's texts (each wording its own template). Rule texts are
//! prepared on the way in: their direction filters learn their fact's window (`span_of`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::{wording_name, NarrativeError, Origin};
use crate::rules::{RuleSet, Says};

/// The embedded default templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "brief.md.tera",
        include_str!("../../templates/brief.md.tera"),
    ),
    (
        "partials/takeaways.md.tera",
        include_str!("../../templates/partials/takeaways.md.tera"),
    ),
    (
        "partials/table.md.tera",
        include_str!("../../templates/partials/table.md.tera"),
    ),
    (
        "partials/caveats.md.tera",
        include_str!("../../templates/partials/caveats.md.tera"),
    ),
    (
        "partials/sources.md.tera",
        include_str!("../../templates/partials/sources.md.tera"),
    ),
    (
        "partials/watch.md.tera",
        include_str!("../../templates/partials/watch.md.tera"),
    ),
    (
        "brief.txt.tera",
        include_str!("../../templates/brief.txt.tera"),
    ),
    (
        "page.html.tera",
        include_str!("../../templates/page.html.tera"),
    ),
    (
        "email.html.tera",
        include_str!("../../templates/email.html.tera"),
    ),
    (
        "limits/holdings.tera",
        include_str!("../../templates/limits/holdings.tera"),
    ),
    (
        "limits/members.tera",
        include_str!("../../templates/limits/members.tera"),
    ),
    (
        "limits/survivorship.tera",
        include_str!("../../templates/limits/survivorship.tera"),
    ),
    (
        "limits/stale.tera",
        include_str!("../../templates/limits/stale.tera"),
    ),
];

/// Every template of a run by name, with where it came from: the embedded ones, the user's
/// folder (overriding them file by file), and every rule's texts.
pub(crate) fn template_sources(
    user_dir: Option<&Path>,
    rules: &RuleSet,
) -> Result<BTreeMap<String, (String, Origin)>, NarrativeError> {
    let mut sources: BTreeMap<String, (String, Origin)> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), (t.to_string(), Origin::Embedded)))
        .collect();
    if let Some(dir) = user_dir {
        for path in files_under(dir)? {
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(|source| NarrativeError::Io {
                path: path.clone(),
                source,
            })?;
            sources.insert(name, (text, Origin::File(path)));
        }
    }
    for rule in &rules.rules {
        let mut add = |which: &'static str, texts: &[String]| {
            for (i, text) in texts.iter().enumerate() {
                let origin = Origin::Rule(rule.path.clone(), rule.line, rule.id.clone(), which);
                sources.insert(wording_name(&rule.id, which, i), (text.clone(), origin));
            }
        };
        if let Says::Snippet(s) = &rule.says {
            add("says", s);
        }
        add("takeaway", &rule.takeaway);
        add("headline", &rule.headline);
        add("watch", &rule.watch);
        add("clause", &rule.clause);
        add("merged", &rule.merged);
    }
    for (text, origin) in sources.values_mut() {
        if matches!(origin, Origin::Rule(..)) {
            *text = with_spans(text);
        }
    }
    Ok(sources)
}

/// The context map of each fact's span in sessions, which the direction filters read.
pub const SPANS: &str = "span_of";

/// The context map of which facts the brief has printed already.
pub const SAID: &str = "said";

/// In a `merged` wording, how the brief names the other finding's own subject.
pub const ALSO_NAME: &str = "also_name";

/// The variables a template prints, in `{{ }}` (not those it only tests).
pub(super) fn printed_variables(text: &str) -> Vec<String> {
    static PRINTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)").expect("a valid pattern")
    });
    let mut v: Vec<String> = (PRINTED.captures_iter(text))
        .map(|c| c[1].to_string())
        .filter(|n| n != "names")
        .collect();
    v.sort();
    v.dedup();
    v
}

static DIRECTION_FILTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<head>\{\{-?\s*(?P<var>[A-Za-z_][A-Za-z0-9_]*)\s*\|\s*(?:moved|direction|up_down))(?:\s*\((?P<args>[^)]*)\))?",
    )
    .expect("a valid pattern")
});

/// A rule text whose direction filters are told the span of the fact they read:
/// `{{ small | moved }}` becomes `{{ small | moved(span=span_of.small) }}`, so that a fall
/// over a month is not called "tumbled" on a one-session scale.
fn with_spans(text: &str) -> String {
    DIRECTION_FILTER
        .replace_all(text, |c: &regex::Captures| {
            let args = c.name("args").map_or("", |a| a.as_str()).trim();
            if args.contains("span") {
                return c[0].to_string();
            }
            let sep = if args.is_empty() { "" } else { ", " };
            format!("{}({args}{sep}span={SPANS}.{})", &c["head"], &c["var"])
        })
        .into_owned()
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>, NarrativeError> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|source| NarrativeError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else if path.extension().is_some_and(|e| e == "tera") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}
