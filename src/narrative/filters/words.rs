//! Words chosen from numbers: direction verbs from the sign and the size of a move, counts
//! and ordinals in words, and British spellings of the templates' American words.

use crate::config::Band;

/// Verbs for a rise, by size (slight, plain, sharp), each with its synonyms.
pub const UP_WORDS: [&[&str]; 3] = [
    &["edged up", "inched up"],
    &["rose", "climbed"],
    &["surged", "jumped", "soared"],
];
/// Verbs for a fall, by size (slight, plain, sharp), each with its synonyms.
pub const DOWN_WORDS: [&[&str]; 3] = [
    &["slipped", "eased"],
    &["fell", "dropped", "declined"],
    &["tumbled", "slumped", "plunged"],
];
/// What a move smaller than the band's `flat` is called.
pub const FLAT_WORDS: &str = "was little changed";

/// Whether `word` is a direction verb: (a rise, its size band 0..=2).
pub fn verb_band(word: &str) -> Option<(bool, usize)> {
    (0..3).find_map(|i| {
        if UP_WORDS[i].contains(&word) {
            Some((true, i))
        } else if DOWN_WORDS[i].contains(&word) {
            Some((false, i))
        } else {
            None
        }
    })
}

/// The size band (0 slight, 1 plain, 2 sharp) of a move of `x`, or `None` when flat.
pub fn size_band(x: f64, band: Band) -> Option<usize> {
    let a = x.abs();
    if a < band.flat {
        None
    } else if a < band.slight {
        Some(0)
    } else if a < band.sharp {
        Some(1)
    } else {
        Some(2)
    }
}

/// The direction verb for a move of `x` in a unit whose sizes `band` sets: `edged up`,
/// `rose`, `surged`, `slipped`, `fell`, `tumbled` or a synonym of the same size (chosen from
/// the value, so the same figure always reads the same and two figures rarely share a verb),
/// or `was little changed`.
pub fn direction(x: f64, band: Band) -> &'static str {
    let Some(size) = size_band(x, band) else {
        return FLAT_WORDS;
    };
    let words = if x > 0.0 {
        UP_WORDS[size]
    } else {
        DOWN_WORDS[size]
    };
    // The printed tenth picks the synonym: stable for a figure, varied across figures.
    let tenths = (x.abs() * 10.0).round() as usize;
    words[tenths % words.len()]
}

/// A move with its verb and size, the size formatted by `size`: `rose 1.2%`, `slipped 3
/// basis points`, `was little changed` (no figure, since a rounded one would say nothing).
pub fn moved(x: f64, band: Band, size: impl Fn(f64) -> String) -> String {
    let shown = size(x.abs());
    match direction(x, band) {
        // A size that prints as zero says no direction either.
        _ if !shown.chars().any(|c| ('1'..='9').contains(&c)) => FLAT_WORDS.to_string(),
        FLAT_WORDS => FLAT_WORDS.to_string(),
        verb => format!("{verb} {shown}"),
    }
}

/// A move as "up 1.2%", "down 0.3%" or "flat" (below the band's `flat`, or where the size
/// would print as zero).
pub fn up_down(x: f64, band: Band, size: impl Fn(f64) -> String) -> String {
    let shown = size(x.abs());
    if x.abs() < band.flat || !shown.chars().any(|c| ('1'..='9').contains(&c)) {
        return "flat".into();
    }
    let word = if x > 0.0 { "up" } else { "down" };
    format!("{word} {shown}")
}

const SMALL: [&str; 11] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

/// A count in words up to ten (`three`), in digits beyond (`12`, `1,250`).
pub fn in_words(n: i64) -> String {
    match usize::try_from(n) {
        Ok(i) if i <= 10 => SMALL[i].to_string(),
        _ => super::numbers::whole(n as f64),
    }
}

/// How often: `once`, `twice`, `three times` up to ten, then `12 times`.
pub fn often(n: i64) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{} times", in_words(n)),
    }
}

/// Ordinal words for one to ten.
pub const ORDINALS: [&str; 10] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];

/// `first` to `tenth`, then `11th`, `22nd`, `23rd`, `101st`.
pub fn ordinal(n: i64) -> String {
    if (1..=10).contains(&n) {
        return ORDINALS[n as usize - 1].into();
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// American spellings a market brief uses, with their British forms. Whole words only, so
/// proper names in the data ("Labor Department") are never touched: the conversion runs on
/// template text, not on names.
pub const BRITISH: &[(&str, &str)] = &[
    ("analyze", "analyse"),
    ("analyzed", "analysed"),
    ("behavior", "behaviour"),
    ("center", "centre"),
    ("color", "colour"),
    ("defense", "defence"),
    ("favor", "favour"),
    ("favorable", "favourable"),
    ("favored", "favoured"),
    ("gray", "grey"),
    ("labor", "labour"),
    ("leveled", "levelled"),
    ("modeling", "modelling"),
    ("neighbor", "neighbour"),
    ("program", "programme"),
    ("realize", "realise"),
    ("realized", "realised"),
    ("rumor", "rumour"),
    ("signaled", "signalled"),
    ("totaled", "totalled"),
    ("traveled", "travelled"),
    ("unfavorable", "unfavourable"),
    ("utilize", "utilise"),
];

/// Replaces the American words of [`BRITISH`] in `text` by their British forms, keeping an
/// initial capital.
pub fn british(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let lower = word.to_lowercase();
        match BRITISH.iter().find(|(us, _)| *us == lower) {
            Some((_, gb)) if word.chars().next().is_some_and(char::is_uppercase) => {
                let mut c = gb.chars();
                out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                out.extend(c);
            }
            Some((_, gb)) => out.push_str(gb),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// [`british`] on a Tera template's text, leaving its tags (`{{ }}`, `{% %}`, `{# #}`) as
/// they are, so variable names never change.
pub fn british_template(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(open) = rest.find(['{']) {
        let close = match &rest[open..].get(..2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            Some("{#") => "#}",
            _ => {
                out.push_str(&british(&rest[..=open]));
                rest = &rest[open + 1..];
                continue;
            }
        };
        out.push_str(&british(&rest[..open]));
        let end = rest[open..]
            .find(close)
            .map_or(rest.len(), |e| open + e + 2);
        out.push_str(&rest[open..end]);
        rest = &rest[end..];
    }
    out.push_str(&british(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Bands;

    #[test]
    fn direction_words_follow_sign_and_size() {
        let b = Bands::default().percent;
        let cases = [
            (0.0, None),
            (-0.0, None),
            (0.09, None),
            (-0.09, None),
            (0.3, Some((true, 0))),
            (-0.3, Some((false, 0))),
            (1.2, Some((true, 1))),
            (-1.2, Some((false, 1))),
            (2.0, Some((true, 2))),
            (-7.5, Some((false, 2))),
            (1e9, Some((true, 2))),
        ];
        for (x, want) in cases {
            let word = direction(x, b);
            assert_eq!(verb_band(word), want, "{x}: {word}");
            assert_eq!(word == FLAT_WORDS, want.is_none(), "{x}: {word}");
        }
        assert_eq!(
            direction(1.2, b),
            direction(1.2, b),
            "the same figure, the same verb"
        );
        assert_ne!(
            direction(1.2, b),
            direction(1.3, b),
            "synonyms vary with the figure"
        );
        let bp = Bands::default().bp;
        assert_eq!(verb_band(direction(-15.0, bp)), Some((false, 1)));
        assert_eq!(verb_band(direction(25.0, bp)), Some((true, 2)));
        let pct = |x: f64| super::super::numbers::percent(x, false);
        assert!(moved(-1.23, b, pct).ends_with(" 1.2%"));
        assert_eq!(moved(0.04, b, pct), "was little changed");
        assert_eq!(
            verb_band(moved(3.0, b, pct).trim_end_matches(" 3.0%")),
            Some((true, 2))
        );
    }

    #[test]
    fn counts_and_ordinals_in_words() {
        assert_eq!(in_words(0), "zero");
        assert_eq!(in_words(3), "three");
        assert_eq!(in_words(10), "ten");
        assert_eq!(in_words(12), "12");
        assert_eq!(in_words(1250), "1,250");
        assert_eq!(in_words(-2), "-2");
        assert_eq!(often(1), "once");
        assert_eq!(often(2), "twice");
        assert_eq!(often(3), "three times");
        assert_eq!(often(14), "14 times");
        assert_eq!(ordinal(1), "first");
        assert_eq!(ordinal(5), "fifth");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(101), "101st");
        assert_eq!(ordinal(113), "113th");
    }

    #[test]
    fn british_spellings_whole_words_only() {
        assert_eq!(
            british("Favor the center; the analyzed behavior. Centered."),
            "Favour the centre; the analysed behaviour. Centered."
        );
        assert_eq!(
            british_template("The color {{ color | pct }} {% if color %}gray{% endif %}"),
            "The colour {{ color | pct }} {% if color %}grey{% endif %}"
        );
    }
}
