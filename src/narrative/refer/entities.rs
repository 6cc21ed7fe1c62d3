//! The entities of a run and the forms prose may name each by: the full name with its ticker,
//! the short name, generic names (by universe name when the run file gives none), and "the
//! index" for an index.

use std::collections::BTreeMap;

use super::group_id;
use crate::config::{Role, RunConfig};

/// How prose may name one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Forms {
    /// First mention, with its ticker: "the Russell 2000 (IWM)".
    pub full: String,
    /// Later mentions and section starts: "the Russell 2000".
    pub short: String,
    /// Other later mentions: "small caps".
    pub generic: Vec<String>,
    /// The anaphor, where unambiguous: "the index".
    pub anaphor: Option<String>,
}

impl Forms {
    /// Every form, longest first (for masking names out of figures).
    pub fn all(&self) -> Vec<&str> {
        let mut v: Vec<&str> = [self.full.as_str(), self.short.as_str()]
            .into_iter()
            .chain(self.generic.iter().map(String::as_str))
            .chain(self.anaphor.as_deref())
            .collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.len()));
        v.dedup();
        v
    }
}

/// Generic names by universe name, when the run file gives none.
const GENERIC: &[(&str, &str)] = &[
    ("large_caps", "large caps"),
    ("small_caps", "small caps"),
    ("tech", "tech"),
    ("equal_weight", "the equal-weighted index"),
    ("ten_year", "the 10-year"),
    ("two_year", "the 2-year"),
    ("value", "value stocks"),
    ("growth", "growth stocks"),
];

/// "the " before a name, unless it has its own article or starts in lower case (a common
/// noun such as "financials (XLF)" takes none).
fn with_article(name: &str) -> String {
    match name.strip_prefix("The ") {
        Some(rest) => format!("the {rest}"),
        None if name.starts_with("the ") => name.to_string(),
        None if name.starts_with(char::is_lowercase) => name.to_string(),
        None => format!("the {name}"),
    }
}

/// A name without a closing parenthesis: "Russell 2000 (IWM)" → "Russell 2000".
fn without_parenthesis(name: &str) -> &str {
    match name
        .trim_end()
        .strip_suffix(')')
        .and_then(|n| n.rfind(" ("))
    {
        Some(i) => name[..i].trim_end(),
        None => name,
    }
}

/// The forms of every entity of a run, by id.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    by_id: BTreeMap<String, Forms>,
}

impl Entities {
    /// The entities of a run file: every source and every group, with the run file's forms
    /// or the defaults.
    pub fn new(config: &RunConfig) -> Entities {
        let mut by_id = BTreeMap::new();
        for s in &config.sources {
            let aliases: Vec<&str> = (config.universe.iter())
                .filter(|(_, sym)| **sym == s.symbol)
                .map(|(alias, _)| alias.as_str())
                .collect();
            let generic = if s.generic.is_empty() {
                (GENERIC.iter())
                    .filter(|(alias, _)| aliases.contains(alias))
                    .map(|(_, g)| g.to_string())
                    .collect()
            } else {
                s.generic.clone()
            };
            let name = crate::output::escape_markdown(&s.name);
            let forms = Forms {
                full: with_article(&name),
                short: s.short.clone().unwrap_or_else(|| {
                    with_article(&crate::output::escape_markdown(without_parenthesis(
                        &s.name,
                    )))
                }),
                generic,
                anaphor: (s.role == Role::Index).then(|| "the index".to_string()),
            };
            by_id.insert(s.symbol.clone(), forms);
        }
        for (key, g) in &config.groups {
            let name = crate::output::escape_markdown(&g.name);
            let forms = Forms {
                full: with_article(&name),
                short: g.short.clone().unwrap_or_else(|| {
                    with_article(&crate::output::escape_markdown(without_parenthesis(
                        &g.name,
                    )))
                }),
                generic: g.generic.clone(),
                anaphor: None,
            };
            by_id.insert(group_id(key), forms);
        }
        Entities { by_id }
    }

    /// Entities from forms given by id (for tests and tools).
    pub fn from_forms(forms: impl IntoIterator<Item = (String, Forms)>) -> Entities {
        Entities {
            by_id: forms.into_iter().collect(),
        }
    }

    /// The forms of `id`.
    pub fn get(&self, id: &str) -> Option<&Forms> {
        self.by_id.get(id)
    }

    /// Every form of every entity, longest first.
    pub fn every_form(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_id.values().flat_map(Forms::all).collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.len()));
        v.dedup();
        v
    }

    /// Every form by which prose names an entity, with the entity's id, longest first: the
    /// full, short and generic forms and the bare ticker (not the anaphor "the index", which
    /// names whichever index was last named).
    pub fn naming_forms(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = (self.by_id.iter())
            .flat_map(|(id, f)| {
                [f.full.as_str(), f.short.as_str()]
                    .into_iter()
                    .chain(f.generic.iter().map(String::as_str))
                    .map(move |form| (form, id.as_str()))
            })
            .collect();
        v.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
        v.dedup();
        v
    }

    /// The full forms that carry a ticker (a parenthesis), for the once-only count.
    pub fn tickered(&self) -> Vec<(&str, &str)> {
        (self.by_id.iter())
            .filter(|(_, f)| f.full != f.short && f.full.ends_with(')'))
            .map(|(id, f)| (id.as_str(), f.full.as_str()))
            .collect()
    }
}
