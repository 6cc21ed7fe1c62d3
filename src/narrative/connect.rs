//! Aggregation: the findings of one paragraph joined by words that carry their relation,
//! read from the data rather than written into rule texts.
//!
//! Two findings that share a subject in one family either agree ("And over five sessions
//! ...", where the window narrows) or point opposite ways ("But on the day ..."); a caveat on
//! the subject of the finding before it concedes ("Still, ..."). Findings on different subjects of one family
//! that measure alike over the same window compare ("Likewise, ...", "By contrast, ..."). Anything else is simply
//! set side by side.
//! The words rotate with the trading day, so consecutive briefs do not read alike, and the
//! same date always reads the same.

use crate::rules::About;

/// How a finding relates to the one before it in a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same subject, the same way.
    Addition,
    /// The same subject, the other way.
    Contrast,
    /// A caveat against what came before.
    Concession,
    /// Another subject, the same way.
    Likewise,
    /// Another subject, the other way.
    Unlike,
    /// No relation worth a word.
    Plain,
}

/// One finding's text in a paragraph, with what the connectives need.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The rendered text (names still as markers).
    pub text: &'a str,
    /// What it is about.
    pub about: &'a About,
    /// A caveat.
    pub caveat: bool,
    /// Whether the text's first word may go to lower case after a connective.
    pub lowercase_ok: bool,
}

/// How `next` relates to `prev`.
pub fn relation(prev: &Message, next: &Message) -> Relation {
    let (a, b) = (prev.about, next.about);
    let stances: Vec<i8> = a
        .subjects
        .iter()
        .filter_map(|(s, x)| b.stance(s).map(|y| x * y))
        .filter(|p| *p != 0)
        .collect();
    let shared = a.subjects.iter().any(|(s, _)| b.stance(s).is_some());
    // A caveat on the same subject qualifies what came before it.
    if next.caveat && !prev.caveat && shared {
        return Relation::Concession;
    }
    // A relative stance (ahead of another index) and an absolute one (up, down, near a
    // high) do not contrast: "in a bear market" and "behind large caps" are not opposites.
    if a.family != b.family || a.relative != b.relative {
        return Relation::Plain;
    }
    if !stances.is_empty() {
        return if stances.iter().any(|p| *p < 0) {
            Relation::Contrast
        } else {
            Relation::Addition
        };
    }
    match (a.subjects.first(), b.subjects.first()) {
        // Parallel only when measured alike over the same window: a five-session lead and a
        // three-month ratio are not "likewise".
        (Some((_, x)), Some((_, y)))
            if !shared && a.measure == b.measure && a.window == b.window && *x != 0 && *y != 0 =>
        {
            if x == y {
                Relation::Likewise
            } else {
                Relation::Unlike
            }
        }
        _ => Relation::Plain,
    }
}

/// The words a relation can open a sentence with. An addition gets "And" only where the
/// window narrows (month, then week): otherwise the sentence elaborates and needs no word.
fn words(r: Relation, nested: bool) -> &'static [&'static str] {
    match r {
        Relation::Addition if nested => &["And"],
        Relation::Addition => &[],
        Relation::Contrast => &["But", "Yet"],
        Relation::Concession => &["Still,", "Even so,"],
        Relation::Likewise => &["Likewise,", "Similarly,"],
        Relation::Unlike => &["By contrast,", "In contrast,"],
        Relation::Plain => &[],
    }
}

/// The texts of one paragraph, each after the first opened by the word of its relation to
/// the one before, on trading day `day`.
pub fn paragraph(messages: &[Message], day: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(messages.len());
    let mut last: Option<&str> = None;
    for (i, m) in messages.iter().enumerate() {
        let Some(prev) = i.checked_sub(1).map(|j| &messages[j]) else {
            out.push(m.text.to_string());
            continue;
        };
        let last_word = last;
        let r = relation(prev, m);
        let nested = match (prev.about.sessions(), m.about.sessions()) {
            (Some(a), Some(b)) => b < a,
            _ => false,
        };
        // Never the same word twice running: the next choice, or none.
        let choices: Vec<&str> = (words(r, nested).iter().copied())
            .filter(|w| Some(*w) != last_word)
            .collect();
        let Some(&word) = choices.get((day + i) % choices.len().max(1)) else {
            out.push(m.text.to_string());
            last = None;
            continue;
        };
        last = Some(word);
        out.push(format!("{word} {}", lower_first(m.text, m.lowercase_ok)));
    }
    out
}

/// The text with its first letter in lower case, where that letter starts a plain word.
fn lower_first(text: &str, ok: bool) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if ok && c.is_uppercase() => c.to_lowercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Window;
    use crate::rules::Family;

    fn about(subjects: &[(&str, i8)], family: Family, days: Option<usize>) -> About {
        About {
            subjects: subjects.iter().map(|(s, x)| (s.to_string(), *x)).collect(),
            family,
            window: days.map(Window::Days),
            ..About::default()
        }
    }

    fn msg<'a>(text: &'a str, about: &'a About) -> Message<'a> {
        Message {
            text,
            about,
            caveat: false,
            lowercase_ok: true,
        }
    }

    #[test]
    fn three_windows_of_one_pair_merge_with_time_and_contrast() {
        let pair = |s, days| About {
            relative: true,
            ..about(s, Family::Performance, Some(days))
        };
        let month = pair(&[("IWM", 1), ("SPY", -1)], 21);
        let week = pair(&[("IWM", 1), ("SPY", -1)], 5);
        let day = pair(&[("IWM", -1), ("SPY", 1)], 1);
        let texts = paragraph(
            &[
                msg("Over the month small caps led.", &month),
                msg("Over the week they led.", &week),
                msg("On the day they lagged.", &day),
            ],
            0,
        );
        assert_eq!(
            texts,
            [
                "Over the month small caps led.",
                "And over the week they led.",
                "But on the day they lagged.",
            ]
        );
    }

    #[test]
    fn a_connective_never_opens_two_sentences_running() {
        let pair = |days| About {
            relative: true,
            ..about(&[("IWM", 1), ("SPY", -1)], Family::Performance, Some(days))
        };
        let (m, w, d) = (pair(21), pair(5), pair(1));
        let texts = paragraph(&[msg("M.", &m), msg("W.", &w), msg("D.", &d)], 0);
        assert_eq!(texts, ["M.", "And w.", "D."]);
    }

    #[test]
    fn addition_contrast_and_concession_follow_the_stances() {
        let lead = about(&[("IWM", 1), ("SPY", -1)], Family::Performance, Some(21));
        let same = about(&[("IWM", 1), ("QQQ", -1)], Family::Performance, Some(21));
        let behind = about(&[("IWM", -1), ("SPY", 1)], Family::Performance, None);
        let (a, b, mut c) = (msg("A.", &lead), msg("B.", &same), msg("C.", &behind));
        assert_eq!(relation(&a, &b), Relation::Addition);
        let bear = about(&[("SPY", -1)], Family::Performance, None);
        let relative = About {
            relative: true,
            ..lead.clone()
        };
        assert_eq!(
            relation(&msg("Bear.", &bear), &msg("Lag.", &relative)),
            Relation::Plain,
            "an absolute and a relative stance do not contrast"
        );
        assert_eq!(relation(&a, &c), Relation::Contrast);
        c.caveat = true;
        assert_eq!(relation(&a, &c), Relation::Concession);
        // Same window, same way: an elaboration, with no word of its own.
        assert_eq!(paragraph(&[a, b], 0), ["A.", "B."]);
    }

    #[test]
    fn two_indexes_breadth_compare_and_families_do_not_mix() {
        let small = About {
            measure: "share_above_sma".into(),
            ..about(&[("IWM", 1)], Family::Breadth, None)
        };
        let large = About {
            subjects: vec![("SPY".into(), 1)],
            ..small.clone()
        };
        let thin = About {
            subjects: vec![("SPY".into(), -1)],
            ..small.clone()
        };
        let highs = About {
            measure: "share_at_high".into(),
            ..large.clone()
        };
        let weights = about(&[("SPY", 1)], Family::Concentration, None);
        let s = msg("Small.", &small);
        assert_eq!(relation(&s, &msg("L.", &large)), Relation::Likewise);
        assert_eq!(relation(&s, &msg("T.", &thin)), Relation::Unlike);
        assert_eq!(
            relation(&msg("L.", &large), &msg("W.", &weights)),
            Relation::Plain
        );
        assert_eq!(
            relation(&s, &msg("H.", &highs)),
            Relation::Plain,
            "another measure"
        );
        let over_a_year = About {
            window: Some(crate::metrics::Window::Days(252)),
            ..large.clone()
        };
        assert_eq!(
            relation(&s, &msg("Y.", &over_a_year)),
            Relation::Plain,
            "alike, but over another window"
        );
        let texts = paragraph(&[s, msg("Only 35% of members.", &thin)], 1);
        assert_eq!(texts[1], "By contrast, only 35% of members.");
        let proper = Message {
            lowercase_ok: false,
            ..msg("Shiller's data.", &large)
        };
        assert_eq!(paragraph(&[s, proper], 0)[1], "Similarly, Shiller's data.");
    }
}
