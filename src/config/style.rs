//! The run file's `style:` block: how long a brief may be, where direction words change
//! ("edged up" below one size, "surged" above another), which tags the front matter carries,
//! and the disclaimer line of email formats. Every key has a default, so the block is optional.

use serde::Deserialize;

/// Where the direction words change, for one unit. A move smaller than `flat` "was little
/// changed"; below `slight` it "edged up" or "slipped"; from `sharp` on it "surged" or
/// "tumbled"; in between it "rose" or "fell".
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Below this size, a move is "little changed".
    pub flat: f64,
    /// Below this size, a move is slight.
    pub slight: f64,
    /// From this size on, a move is sharp.
    pub sharp: f64,
}

impl Band {
    /// The band for a move over `sessions` trading days: moves add up roughly like a random
    /// walk, so every size scales by the square root of the span ("tumbled" is 2% in a
    /// session, about 9% over a month).
    pub fn over(self, sessions: usize) -> Band {
        let k = (sessions.max(1) as f64).sqrt();
        Band {
            flat: self.flat * k,
            slight: self.slight * k,
            sharp: self.sharp * k,
        }
    }
}

/// Magnitude bands for percent moves and for basis-point moves.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Bands {
    /// For percent returns and percentage points.
    pub percent: Band,
    /// For yields, in basis points.
    pub bp: Band,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            percent: Band {
                flat: 0.1,
                slight: 0.5,
                sharp: 2.0,
            },
            bp: Band {
                flat: 1.0,
                slight: 5.0,
                sharp: 20.0,
            },
        }
    }
}

/// How much a brief may say.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    /// Findings per body section.
    pub per_section: usize,
    /// Findings in the whole body (caveats not counted).
    pub total: usize,
    /// Key takeaways after the headline (three to five reads best).
    pub takeaways: usize,
    /// Lines in the "what to watch" close.
    pub watch: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            per_section: 3,
            total: 18,
            takeaways: 4,
            watch: 3,
        }
    }
}

/// What a brief does with a holdings figure whose snapshot is older than `max_age_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OldHoldings {
    /// Print it, in a sentence that dates the snapshot (the shipped texts do, in the past
    /// tense), and date the table row.
    Dated,
    /// Leave the finding and the table row out.
    Omit,
}

/// How old a holdings snapshot may be before a brief treats it as history.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Holdings {
    /// Calendar days from the snapshot to the brief's date.
    pub max_age_days: i64,
    /// `dated` or `omit`.
    pub older: OldHoldings,
}

impl Default for Holdings {
    fn default() -> Self {
        Holdings {
            max_age_days: 31,
            older: OldHoldings::Dated,
        }
    }
}

/// A quiet day: when no finding's news value reaches `below`, the headline says the session
/// was quiet and the brief is short.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Quiet {
    /// The news-value floor (see `rules::news`): about one day in ten falls below 2.5 with
    /// the shipped rules over 2010-2025.
    pub below: f64,
    /// Findings in the body of a quiet brief.
    pub findings: usize,
    /// Key takeaways of a quiet brief.
    pub takeaways: usize,
}

impl Default for Quiet {
    fn default() -> Self {
        Quiet {
            below: 2.5,
            findings: 4,
            takeaways: 2,
        }
    }
}

/// The `style:` block of the run file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Style {
    /// Length budgets.
    pub budget: Budget,
    /// Direction-word bands.
    pub bands: Bands,
    /// What to do with old holdings snapshots.
    pub holdings: Holdings,
    /// The news-value floor under which a day is quiet.
    pub quiet: Quiet,
    /// Tags every brief's front matter carries, before the tags of its sections.
    pub tags: Vec<String>,
    /// The closing line of the email formats.
    pub disclaimer: String,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            budget: Budget::default(),
            bands: Bands::default(),
            holdings: Holdings::default(),
            quiet: Quiet::default(),
            tags: vec!["markets".into()],
            disclaimer: "This brief is generated from market data for information only. \
                         It describes the past and is not investment advice."
                .into(),
        }
    }
}

impl Style {
    /// What is wrong with the block, if anything: (the key to point at, the message).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        for (key, b) in [("percent:", self.bands.percent), ("bp:", self.bands.bp)] {
            let ordered = 0.0 <= b.flat && b.flat <= b.slight && b.slight <= b.sharp;
            if !ordered || !b.sharp.is_finite() {
                return Some((
                    key,
                    format!(
                        "style bands {}: need 0 <= flat <= slight <= sharp, got {} / {} / {}",
                        key.trim_end_matches(':'),
                        b.flat,
                        b.slight,
                        b.sharp
                    ),
                ));
            }
        }
        if self.holdings.max_age_days < 0 {
            return Some((
                "max_age_days:",
                "style holdings: max_age_days cannot be negative".into(),
            ));
        }
        let b = &self.budget;
        if b.per_section == 0 || b.total == 0 {
            return Some((
                "budget:",
                "style budget: per_section and total must be at least 1".into(),
            ));
        }
        if !self.quiet.below.is_finite() || self.quiet.findings == 0 {
            return Some((
                "quiet:",
                "style quiet: below must be a number and findings at least 1".into(),
            ));
        }
        if b.takeaways > 8 {
            return Some((
                "takeaways:",
                format!(
                    "style budget: {} takeaways is not a summary; at most 8",
                    b.takeaways
                ),
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_blocks_keep_defaults_and_bad_bands_are_named() {
        let s: Style = serde_norway::from_str(
            "budget: {total: 6}\nbands: {bp: {flat: 2, slight: 6, sharp: 25}}",
        )
        .unwrap();
        assert_eq!(s.budget.total, 6);
        assert_eq!(s.budget.per_section, 3);
        assert_eq!(s.bands.bp.sharp, 25.0);
        assert_eq!(s.bands.percent, Bands::default().percent);
        assert!(s.problem().is_none());
        let bad: Style =
            serde_norway::from_str("bands: {percent: {flat: 1, slight: 0.5, sharp: 2}}").unwrap();
        let (key, msg) = bad.problem().unwrap();
        assert_eq!(key, "percent:");
        assert!(msg.contains("flat <= slight"), "{msg}");
        assert!(serde_norway::from_str::<Style>("budget: {totl: 3}").is_err());
        let quiet: Style = serde_norway::from_str("quiet: {below: 3.1}").unwrap();
        assert_eq!(quiet.quiet.below, 3.1);
        assert_eq!(quiet.quiet.findings, Quiet::default().findings);
        let none: Style = serde_norway::from_str("quiet: {findings: 0}").unwrap();
        assert_eq!(none.problem().unwrap().0, "quiet:");
    }
}
