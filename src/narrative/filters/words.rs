//! Words chosen from numbers: direction verbs from the sign and the size of a move, counts
//! and ordinals in words, and British spellings of the templates' American words.

use crate::config::Band;

/// Verbs for a rise, by size: slight, plain, sharp.
pub const UP_WORDS: [&str; 3] = ["edged up", "rose", "surged"];
/// Verbs for a fall, by size: slight, plain, sharp.
pub const DOWN_WORDS: [&str; 3] = ["slipped", "fell", "tumbled"];
/// What a move smaller than the band's `flat` is called.
pub const FLAT_WORDS: &str = "was little changed";

/// The direction verb for a move of `x` in a unit whose sizes `band` sets: `edged up`,
/// `rose`, `surged`, `slipped`, `fell`, `tumbled`, or `was little changed`.
pub fn direction(x: f64, band: Band) -> &'static str {
    let a = x.abs();
    if a < band.flat {
        return FLAT_WORDS;
    }
    let size = if a < band.slight {
        0
    } else if a < band.sharp {
        1
    } else {
        2
    };
    if x > 0.0 {
        UP_WORDS[size]
    } else {
        DOWN_WORDS[size]
    }
}

/// A move with its verb and size, the size formatted by `size`: `rose 1.2%`, `slipped 3
/// basis points`, `was little changed` (no figure, since a rounded one would say nothing).
pub fn moved(x: f64, band: Band, size: impl Fn(f64) -> String) -> String {
    match direction(x, band) {
        FLAT_WORDS => FLAT_WORDS.to_string(),
        verb => format!("{verb} {}", size(x.abs())),
    }
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
            (0.0, "was little changed"),
            (-0.0, "was little changed"),
            (0.09, "was little changed"),
            (-0.09, "was little changed"),
            (0.3, "edged up"),
            (-0.3, "slipped"),
            (1.2, "rose"),
            (-1.2, "fell"),
            (2.0, "surged"),
            (-7.5, "tumbled"),
            (1e9, "surged"),
        ];
        for (x, want) in cases {
            assert_eq!(direction(x, b), want, "{x}");
        }
        let bp = Bands::default().bp;
        assert_eq!(direction(-15.0, bp), "fell");
        assert_eq!(direction(25.0, bp), "surged");
        let pct = |x: f64| super::super::numbers::percent(x, false);
        assert_eq!(moved(-1.23, b, pct), "fell 1.2%");
        assert_eq!(moved(0.04, b, pct), "was little changed");
        assert_eq!(moved(3.0, b, pct), "surged 3.0%");
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
