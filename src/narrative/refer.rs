//! Referring expressions: how a brief names an index, a group or a series each time it comes
//! up, the way an editor would. The first mention in a brief is the full name with its ticker
//! ("the Russell 2000 (IWM)"); later ones use the short name ("the Russell 2000") or a generic
//! form ("small caps", "the index"), chosen in turn so that no form repeats back to back. A
//! section or a bullet starts again from the short name, never from the ticker. "Percentage
//! points" is spelled out once, then "points".
//!
//! Rule texts do not spell names out: `{{ names.small_caps }}` renders a marker (the entity's
//! id between two private-use characters), and [`Referrer::realize`] replaces the markers of a
//! whole brief in reading order. A "the" written before a marker is absorbed, since every form
//! carries its own article. Entities that share a sentence are named alike (both by name,
//! or both by kind: "small caps beat large caps"); plural forms ("small caps") never stand
//! where the verb or an "its" needs a singular subject; and the anaphor ("the index") only
//! follows a sentence that named this entity and no other.

use std::collections::{BTreeMap, BTreeSet};

mod entities;

pub use entities::{Entities, Forms};

use super::filters::words::{DOWN_WORDS, UP_WORDS};

/// Opens a marker.
pub const OPEN: char = '\u{E000}';
/// Closes a marker.
pub const CLOSE: char = '\u{E001}';

/// The marker rule texts render for entity `id`.
pub fn marker(id: &str) -> String {
    format!("{OPEN}{id}{CLOSE}")
}

/// The id of a group entity (groups and sources share no names).
pub fn group_id(key: &str) -> String {
    format!("@{key}")
}

/// Where a text stands in the brief: the headline speaks in short names and keeps no
/// memory; the rest is read in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The headline (and other titles).
    Headline,
    /// Running prose: the lead, sections, bullets.
    Prose,
}

/// The state of naming across one brief, read in order.
#[derive(Debug, Clone)]
pub struct Referrer<'e> {
    entities: &'e Entities,
    /// Entities named in full already.
    introduced: BTreeSet<String>,
    /// Entities named since the last [`Referrer::reset`].
    in_scope: BTreeSet<String>,
    /// The last form used for each entity.
    last_form: BTreeMap<String, String>,
    /// The entities the last sentence named.
    last_sentence: BTreeSet<String>,
    /// Whether "percentage points" was spelled out already.
    points_said: bool,
    /// Direction verbs used since the last reset.
    verbs: BTreeSet<&'static str>,
}

impl<'e> Referrer<'e> {
    /// A brief's naming state, before anything is read.
    pub fn new(entities: &'e Entities) -> Self {
        Referrer {
            entities,
            introduced: BTreeSet::new(),
            in_scope: BTreeSet::new(),
            last_form: BTreeMap::new(),
            last_sentence: BTreeSet::new(),
            points_said: false,
            verbs: BTreeSet::new(),
        }
    }

    /// A new section, paragraph group or bullet: names start again from the short form.
    pub fn reset(&mut self) {
        self.in_scope.clear();
        self.last_sentence.clear();
        self.verbs.clear();
    }

    /// `text` with its markers replaced by names and its units shortened after their first
    /// use, in `scope`.
    pub fn realize(&mut self, text: &str, scope: Scope) -> String {
        let text = match scope {
            Scope::Headline => text.replace("percentage point", "point"),
            Scope::Prose => {
                let text = self.units(text);
                self.vary_verbs(&text)
            }
        };
        let mut out = String::with_capacity(text.len() + 32);
        for sentence in split_sentences(&text) {
            let ids = marker_ids(sentence);
            let distinct: BTreeSet<&str> = ids.iter().copied().collect();
            // Entities that share a sentence are named alike: all by name, or, where each has
            // a generic form and the first was last named by name, all by kind.
            // Each mention must have a generic form that fits where it stands.
            let fits_by_kind = |id: &str, after: &str, counted: bool| {
                let singular = singular_next(after) || counted;
                self.entities
                    .get(id)
                    .is_some_and(|f| f.generic.iter().any(|g| !(singular && is_plural(g))))
            };
            let by_kind = distinct.len() > 1
                && distinct.iter().all(|id| self.introduced.contains(*id))
                && mentions(sentence).iter().all(|(id, before, after)| {
                    fits_by_kind(id, after, before.ends_with("members of "))
                })
                && ids.first().is_some_and(|id| {
                    let short = self.entities.get(id).map(|f| f.short.as_str());
                    self.in_scope.contains(*id)
                        && self.last_form.get(*id).map(String::as_str) == short
                });
            let mut rest = sentence;
            while let Some(open) = rest.find(OPEN) {
                let Some(len) = rest[open..].find(CLOSE) else {
                    break;
                };
                let id = &rest[open + OPEN.len_utf8()..open + len];
                let after = &rest[open + len + CLOSE.len_utf8()..];
                let mut before = &rest[..open];
                let mut capital = false;
                for article in ["the ", "The "] {
                    if let Some(b) = before.strip_suffix(article) {
                        if !b.ends_with(|c: char| c.is_alphanumeric()) {
                            capital = article == "The ";
                            before = b;
                        }
                    }
                }
                out.push_str(before);
                let at_start = out.is_empty() || out.ends_with(". ") || out.ends_with("\n");
                let name = match self.entities.get(id) {
                    Some(forms) => {
                        let form = match scope {
                            Scope::Headline => forms.short.clone(),
                            Scope::Prose => {
                                let counted = before.ends_with("members of ");
                                let crowd = match distinct.len() {
                                    1 => Crowd::Alone,
                                    _ if by_kind => Crowd::ByKind,
                                    _ => Crowd::ByName,
                                };
                                self.choose(id, forms, after, crowd, counted)
                            }
                        };
                        if capital || at_start {
                            capitalize(&form)
                        } else {
                            form
                        }
                    }
                    None => id.to_string(),
                };
                // "the S&P 500 (SPY)" then "(+1.9%)": one parenthesis, "(SPY, +1.9%)".
                match (name.strip_suffix(')'), after.strip_prefix(" (")) {
                    (Some(open_name), Some(inner)) => {
                        out.push_str(open_name);
                        out.push_str(", ");
                        rest = inner;
                    }
                    _ => {
                        out.push_str(&name);
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            if !distinct.is_empty() {
                self.last_sentence = distinct.iter().map(|s| s.to_string()).collect();
            }
        }
        capitalize(&out)
    }

    /// Direction verbs not repeated within a paragraph: a verb used already gives way to the
    /// next synonym of the same size ("soared 9.8% ... jumped 10.0%"), which the fact check
    /// reads the same.
    fn vary_verbs(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        'scan: while !rest.is_empty() {
            let at_word = out.is_empty() || !out.ends_with(|c: char| c.is_alphanumeric());
            if at_word {
                for set in UP_WORDS.iter().chain(&DOWN_WORDS) {
                    for &word in set.iter() {
                        let follows = rest.strip_prefix(word).map(|r| r.chars().next());
                        if follows.is_some_and(|f| !f.is_some_and(char::is_alphanumeric)) {
                            // Only a verb of a figure ("eased 2.7%") varies: in "credit
                            // eased:" a synonym could say something else.
                            let figure = rest[word.len()..]
                                .strip_prefix(' ')
                                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
                            let fresh = (set.iter().copied())
                                .find(|w| !self.verbs.contains(w))
                                .filter(|_| figure && self.verbs.contains(word))
                                .unwrap_or(word);
                            self.verbs.insert(fresh);
                            out.push_str(fresh);
                            rest = &rest[word.len()..];
                            continue 'scan;
                        }
                    }
                }
            }
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }

    /// "Percentage points" once, then "points".
    fn units(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("percentage point") {
            out.push_str(&rest[..i]);
            if self.points_said {
                out.push_str("point");
            } else {
                out.push_str("percentage point");
                self.points_said = true;
            }
            rest = &rest[i + "percentage point".len()..];
        }
        out.push_str(rest);
        out
    }

    /// The form for this mention. `crowd`: whether other entities share the sentence and how
    /// they are named; `counted`: the name follows "members of", where only a singular name
    /// reads well.
    fn choose(
        &mut self,
        id: &str,
        forms: &Forms,
        after: &str,
        crowd: Crowd,
        counted: bool,
    ) -> String {
        let singular = singular_next(after) || counted;
        let fits = |g: &&String| !(singular && is_plural(g));
        let form = if !self.introduced.contains(id) {
            self.introduced.insert(id.to_string());
            forms.full.clone()
        } else if crowd == Crowd::ByKind {
            // Entities that share a sentence are named alike: here all by kind.
            forms
                .generic
                .iter()
                .find(fits)
                .unwrap_or(&forms.short)
                .clone()
        } else if crowd == Crowd::ByName || !self.in_scope.contains(id) {
            // Or all by name ("the ratio of the Russell 2000 to the S&P 500"), and each
            // scope starts from the short name.
            forms.short.clone()
        } else {
            let mut candidates: Vec<&str> = vec![&forms.short];
            candidates.extend(forms.generic.iter().filter(fits).map(String::as_str));
            // "The index" only where the sentence before named this entity and no other.
            if let Some(a) = &forms.anaphor {
                if self.last_sentence.len() == 1 && self.last_sentence.contains(id) {
                    candidates.push(a);
                }
            }
            // The next form after the one used last, in a fixed order, so that forms take
            // turns and none repeats back to back while another is available.
            let last = self.last_form.get(id).map(String::as_str);
            let next = last
                .and_then(|l| candidates.iter().position(|c| *c == l))
                .map_or(0, |i| i + 1);
            candidates[next % candidates.len()].to_string()
        };
        self.in_scope.insert(id.to_string());
        self.last_form.insert(id.to_string(), form.clone());
        form
    }
}

/// `text` with its markers left out (for reading its own figures).
pub fn without_markers(text: &str) -> String {
    markers_as(text, "")
}

/// `text` with each marker written as `name`.
pub fn markers_as(text: &str, name: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            OPEN => {
                inside = true;
                out.push_str(name);
            }
            CLOSE => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Each marker of a sentence: its id, the text before it and the text after it.
fn mentions(sentence: &str) -> Vec<(&str, &str, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = sentence[from..].find(OPEN).map(|i| from + i) {
        let Some(len) = sentence[open..].find(CLOSE) else {
            break;
        };
        let end = open + len + CLOSE.len_utf8();
        out.push((
            &sentence[open + OPEN.len_utf8()..open + len],
            &sentence[..open],
            &sentence[end..],
        ));
        from = end;
    }
    out
}

/// Who else a sentence names, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crowd {
    /// No other entity.
    Alone,
    /// Others, all named by name.
    ByName,
    /// Others, all named by kind.
    ByKind,
}

/// The ids of the markers in `text`, in order.
pub fn marker_ids(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        let Some(len) = rest[open..].find(CLOSE) else {
            break;
        };
        out.push(&rest[open + OPEN.len_utf8()..open + len]);
        rest = &rest[open + len + CLOSE.len_utf8()..];
    }
    out
}

/// A form that takes a plural verb: its last word ends in a single "s" ("small caps").
fn is_plural(form: &str) -> bool {
    let last = form.rsplit(' ').next().unwrap_or(form);
    last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us")
}

/// Whether the word after a name agrees with a singular subject only: "is", "has", "was",
/// a possessive, or a present-tense verb (or plural noun) ending in "s".
fn singular_next(after: &str) -> bool {
    if after.starts_with("'s") || after.starts_with("’s") {
        return true;
    }
    // A later "its" or "itself" in the sentence refers back to a singular name.
    let clause = after.split(OPEN).next().unwrap_or(after);
    if clause
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w == "its" || w == "itself")
    {
        return true;
    }
    // The verb may follow a parenthesis: "small caps (+9.9% year to date) trails".
    let after = match after.trim_start().strip_prefix('(') {
        Some(inner) => inner.split_once(')').map_or(inner, |(_, rest)| rest),
        None => after,
    };
    let word: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    matches!(
        word.as_str(),
        "is" | "has" | "was" | "does" | "itself" | "its"
    ) || (word.len() > 2 && word.ends_with('s') && !word.ends_with("ss"))
}

/// Sentences of a text, each with its trailing space: a full stop, question or exclamation
/// mark followed by a space ends one (decimal points are never followed by a space).
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        let ends = matches!(bytes[i], b'.' | b'?' | b'!')
            && bytes.get(i + 1) == Some(&b' ')
            && bytes.get(i + 2).is_some_and(|c| !c.is_ascii_lowercase());
        if ends {
            out.push(&text[start..i + 2]);
            start = i + 2;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The first letter upper case.
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
