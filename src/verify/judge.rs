//! Judging one figure of a draft. A figure in a sentence the brief wrote (its frame found
//! among the brief's) is judged against the facts the brief's figure at that place printed. A
//! figure elsewhere is judged by meaning: only metrics of its meaning (a move, a distance, a
//! share...), of the subjects its sentence names and of the window it names (or, when it
//! names none, the window of its section, which the report says it assumed) can support or
//! contradict it. A value alone never supports a figure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::attribute::{self, fit, named_strongly, Candidate, Fit, Named};
use super::meaning::{self, Meaning};
use super::origin::Slot;
use super::read::{Item, Placed};
use super::words::{describe, written};
use super::Status;
use crate::config::RunConfig;
use crate::metrics::{Metric, Value, Window};
use crate::narrative::check::{numeric as number, Claim};
use crate::narrative::refer::Entities;

/// How one figure ended, and the value it was judged against.
pub struct Judged {
    /// The verdict.
    pub status: Status,
    /// The fact or metric it was judged against.
    pub candidate: Option<Candidate>,
    /// For a problem: what the data says.
    pub message: Option<String>,
    /// The window the sentence left open and the judging assumed.
    pub assumed: Option<String>,
}

impl Judged {
    fn new(status: Status, candidate: Option<&Candidate>, message: Option<String>) -> Judged {
        Judged {
            status,
            candidate: candidate.cloned(),
            message,
            assumed: None,
        }
    }
}

/// The shared state of one verification.
pub struct Verifier<'a> {
    /// Every value the draft may state.
    pub candidates: Vec<Candidate>,
    /// Names of the run's entities.
    pub entities: &'a Entities,
    /// The run file.
    pub config: &'a RunConfig,
    /// The date of the data.
    pub date: NaiveDate,
    /// Figures the templates write by hand, with the word after each ("20% that").
    pub literals: BTreeSet<String>,
    /// Member and holdings sources: prose names them through their index ("its members").
    pub implicit: BTreeSet<String>,
    /// The window most of each section's moves are over, by heading.
    pub section_windows: BTreeMap<String, Window>,
}

/// A window in a reader's words, for "assumed" notes.
fn window_said(w: Window) -> String {
    match w {
        Window::Days(1) => "the day".into(),
        Window::Days(n) => format!("{n} sessions"),
        Window::WeekToDate => "the week to date".into(),
        Window::MonthToDate => "the month to date".into(),
        Window::QuarterToDate => "the quarter to date".into(),
        Window::YearToDate => "the year to date".into(),
        Window::PreviousWeek => "the previous week".into(),
        Window::PreviousMonth => "the previous month".into(),
    }
}

impl Verifier<'_> {
    /// What the data says of `c`: "the Russell 2000's 21-session return on 2024-07-25 was
    /// +9.9% (9.920637244039998)".
    fn says(&self, c: &Candidate, decimals: usize) -> String {
        let what = match &c.metric {
            Some(m) => describe(m, self.entities),
            None => "the figure the brief printed here".to_string(),
        };
        let at_draft = written(&c.value, c.kind, decimals, self.config.locale);
        match number(&c.value) {
            Some(x) if at_draft.trim_start_matches('+') != x.to_string() => {
                format!(
                    "{what} on {} was {at_draft} ({x} at full precision)",
                    self.date
                )
            }
            _ => format!("{what} on {} was {at_draft}", self.date),
        }
    }

    /// Whether figure `claim` (with its direction word) is true of `c`.
    fn states(&self, claim: &Claim, up: Option<bool>, text: &str, c: &Candidate) -> bool {
        // A bare four-digit number may be a date's year ("since 2005").
        let Some(v) = number(&c.value) else {
            return claim.states(&c.value, c.kind);
        };
        let signed = up.is_none_or(|up| (v > 0.0) == up);
        signed && claim.fits_kind(c.kind) && meaning::holds(meaning::range(claim, text), v)
    }

    /// Judges a figure at a place where the brief printed `slot`.
    pub fn aligned(&self, p: &Placed, slot: &Slot, text: &str) -> Option<Judged> {
        if slot.facts.is_empty() {
            // A figure the template writes by hand, kept as it was.
            let kept = p.raw.eq_ignore_ascii_case(&slot.raw);
            return kept.then(|| Judged::new(Status::Literal, None, None));
        }
        let holds = |c: &&Candidate| match &p.item {
            Item::Date(d) => matches!(c.value, Value::Date(x) if d.is(x)),
            Item::Number(claim, dir) => self.states(claim, dir.as_ref().map(|d| d.1), text, c),
        };
        // The brief's own figure, unchanged, states what it stated.
        let unchanged = p.raw.eq_ignore_ascii_case(&slot.raw);
        if let Some(c) = slot.facts.iter().find(|c| unchanged || holds(c)) {
            return Some(Judged::new(Status::Supported, Some(c), None));
        }
        let c = (slot.facts.iter())
            .max_by_key(|c| (!c.derived, c.metric.as_ref().map(attribute::plain)))
            .expect("facts are not empty");
        let decimals = match &p.item {
            Item::Number(claim, _) => claim.decimals(),
            Item::Date(_) => 0,
        };
        let mut message = self.says(c, decimals);
        if let (Item::Number(_, Some((_, up))), Some(x)) = (&p.item, number(&c.value)) {
            if (x > 0.0) != *up && x != 0.0 {
                message.push_str(if x > 0.0 { ", a rise" } else { ", a fall" });
            }
        }
        Some(Judged::new(Status::Contradicted, Some(c), Some(message)))
    }

    /// Judges a number of a sentence the brief did not write, by its meaning.
    pub fn number(
        &self,
        claim: &Claim,
        direction: Option<bool>,
        named: &Named,
        text: &str,
        section: &str,
    ) -> Judged {
        let lower = text.to_lowercase();
        let meanings = meaning::of_claim(claim, direction.is_some(), &lower);
        let percent = claim.raw.ends_with('%');
        let default = (self.section_windows.get(section).copied()).unwrap_or(Window::Days(1));
        let window_open = named.windows.is_empty();
        let means = |m: &Metric| {
            let Some(meant) = meaning::of_metric(m) else {
                return false;
            };
            // A level printed with % is a yield's; a bare number is never one.
            let level_unit = meant != Meaning::Level || meaning::percent_level(m) == percent;
            // A move is over a window, or since the move began.
            let windowed = meant != Meaning::Move
                || m.window().is_some()
                || named.since && matches!(m, Metric::MoveReturn(..) | Metric::SinceMove(..));
            let window_fits = match m.window() {
                Some(w) if window_open => w == default,
                _ => true,
            };
            meanings.contains(&meant)
                && level_unit
                && windowed
                && window_fits
                && meaning::turn_fits(m, &lower)
        };
        let pool: Vec<(&Candidate, Fit)> = (self.candidates.iter())
            .filter(|c| named.line || !c.metric.as_ref().is_some_and(attribute::hypothetical))
            .filter(|c| claim.fits_kind(c.kind) && c.metric.as_ref().is_some_and(means))
            .filter_map(|c| fit(c, named, claim.start, &self.implicit).map(|f| (c, f)))
            // The window assumed counts as named.
            .map(|(c, mut f)| {
                let m = c.metric.as_ref().expect("pooled candidates are metrics");
                f.window |= window_open && m.window() == Some(default);
                (c, f)
            })
            .collect();
        let assumed = |c: &Candidate| {
            let w = c.metric.as_ref()?.window()?;
            window_open.then(|| format!("{}, the window of this section", window_said(w)))
        };
        let supported = (pool.iter())
            .filter(|(c, _)| self.states(claim, direction, text, c))
            .max_by_key(|(c, f)| (*f, !c.derived));
        if let Some((c, _)) = supported {
            let mut j = Judged::new(Status::Supported, Some(c), None);
            j.assumed = assumed(c);
            return j;
        }
        // A round figure the templates write ("the 20% that marks a bull market").
        if (self.literals).contains(&crate::brief::figure_in_context(text, claim)) {
            return Judged::new(Status::Literal, None, None);
        }
        let negative = claim.raw.starts_with(['-', '−']);
        let sign_fits = |c: &Candidate| {
            direction.is_some() || matches!(c.value, Value::Number(x) if (x < 0.0) == negative)
        };
        let strong = (pool.iter())
            .filter(|(c, f)| named_strongly(c, *f, claim) && !c.derived)
            .max_by_key(|(c, f)| (f.window, f.outright, sign_fits(c), f.in_order, f.closeness));
        let open = |j: &mut Judged, c: &Candidate| {
            if let (Some(a), Some(m)) = (assumed(c), j.message.as_mut()) {
                m.push_str(&format!(" (no window named: read over {a})"));
                j.assumed = Some(a);
            }
        };
        if let Some((c, _)) = strong {
            let mut message = self.says(c, claim.decimals());
            if let (Some(up), Some(x)) = (direction, number(&c.value)) {
                if (x > 0.0) != up && x != 0.0 {
                    message.push_str(if x > 0.0 { ", a rise" } else { ", a fall" });
                }
            }
            let mut j = Judged::new(Status::Contradicted, Some(c), Some(message));
            open(&mut j, c);
            return j;
        }
        let meant: Vec<&str> = meanings.iter().map(|m| m.words()).collect();
        let windowed = meanings.contains(&Meaning::Move) || meanings.contains(&Meaning::Gap);
        let window = match window_open && windowed {
            true => format!(" (no window named: read over {})", window_said(default)),
            false => String::new(),
        };
        let message = format!(
            "no metric of {} that the sentence names ({}) has this value{window}",
            self.date,
            meant.join(", ")
        );
        let mut j = Judged::new(Status::Unverified, None, Some(message));
        j.assumed = (window_open && windowed).then(|| window_said(default));
        j
    }

    /// Judges a date of a sentence the brief did not write: a date of the data, or a date
    /// metric of what the sentence names.
    pub fn date(&self, d: &crate::narrative::check::DateClaim, named: &Named) -> Judged {
        let fitting: Vec<(&Candidate, Option<Fit>)> = (self.candidates.iter())
            .filter(|c| matches!(c.value, Value::Date(_)))
            .map(|c| (c, fit(c, named, d.start, &self.implicit)))
            .filter(|(c, f)| c.metric.is_none() || f.is_some())
            .collect();
        let is = |c: &Candidate| matches!(c.value, Value::Date(x) if d.is(x));
        let found = (fitting.iter())
            .filter(|(c, _)| is(c))
            .max_by_key(|(_, f)| *f);
        if let Some((c, _)) = found {
            return Judged::new(Status::Supported, Some(c), None);
        }
        let plain = |c: &Candidate| c.metric.as_ref().is_some_and(attribute::plain);
        let outright = (fitting.iter())
            .filter_map(|(c, f)| Some((*c, (*f)?)))
            .filter(|(_, f)| f.outright)
            .max_by_key(|(c, f)| (plain(c), f.in_order, f.closeness));
        match outright {
            Some((c, _)) => Judged::new(Status::Contradicted, Some(c), Some(self.says(c, 0))),
            None => Judged::new(
                Status::Unverified,
                None,
                Some(format!(
                    "no date of {}'s data, and none of what the sentence names, is this date",
                    self.date
                )),
            ),
        }
    }

    /// A figure whose printed parts no longer give it: "the printed values 10.4 and -1.3 do
    /// not give this gap".
    pub fn arithmetic(&self, why: &str) -> Judged {
        Judged::new(Status::Contradicted, None, Some(why.to_string()))
    }
}
