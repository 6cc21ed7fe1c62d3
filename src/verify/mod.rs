//! `marketbrief verify`: a writer's edited draft read back against the data of its date.
//!
//! Every figure with its unit, every date and every direction word before a figure is read
//! from the Markdown (prose, headings, list items, table cells with their labels, the front
//! matter's title and summary) and matched against that date's values: every metric of the run
//! file, whether or not a finding printed it, and every figure the brief showed. How a figure
//! is attributed to a metric is in `attribute.rs`. A figure is then supported, contradicted
//! (the sentence names a metric, which has another value) or unverified (no metric of the date
//! has that value, and the sentence names none).

mod attribute;
pub mod draft;
mod values;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::brief::{AsOf, Error, Prepared};
use crate::config::{Role, RunConfig};
use crate::metrics::{Metric, Value};
use crate::narrative::check::{direction_before, figures, find_dates};
use crate::narrative::refer::Entities;
use attribute::{describe, fit, named_strongly, written, Candidate, Fit, Named, Reader};

/// What became of one figure of the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A metric of the date has this value.
    Supported,
    /// The metric the sentence names has another value.
    Contradicted,
    /// No metric of the date has this value, and the sentence names none.
    Unverified,
    /// A figure the run's templates write by hand, or a window's length.
    Literal,
}

/// One figure of the draft.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// 1-based line in the draft.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// As printed, with its direction word if it has one (`fell 2.2%`).
    pub claim: String,
    /// What became of it.
    pub status: Status,
    /// The metric it was attributed to (canonical name), if any.
    pub metric: Option<String>,
    /// That metric's value at full precision.
    pub value: Option<serde_json::Value>,
    /// For a contradicted or unverified figure: what the data says.
    pub message: Option<String>,
}

/// Every figure of a draft and what the data says of it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The draft's path, as given.
    pub draft: String,
    /// The date asked for.
    pub as_of: NaiveDate,
    /// The trading day whose data is read.
    pub data_as_of: NaiveDate,
    /// Every figure read, in the draft's order.
    pub figures: Vec<Figure>,
}

impl Report {
    /// The figures that are not supported.
    pub fn problems(&self) -> impl Iterator<Item = &Figure> {
        (self.figures.iter())
            .filter(|f| matches!(f.status, Status::Contradicted | Status::Unverified))
    }

    /// For a person: one `DRAFT.md:LINE:COL: 'claim': message` line per problem, then a
    /// summary.
    pub fn human(&self) -> String {
        let mut out = String::new();
        for f in self.problems() {
            out.push_str(&format!(
                "{}:{}:{}: '{}': {}\n",
                self.draft,
                f.line,
                f.column,
                f.claim,
                f.message.as_deref().unwrap_or_default()
            ));
        }
        let count = |s: Status| self.figures.iter().filter(|f| f.status == s).count();
        out.push_str(&format!(
            "{}: {} figures read against the data of {}: {} supported, {} contradicted, {} unverified ({} written by the templates or naming a window)\n",
            self.draft,
            self.figures.len(),
            self.data_as_of,
            count(Status::Supported),
            count(Status::Contradicted),
            count(Status::Unverified),
            count(Status::Literal),
        ));
        out
    }
}

/// `text` with each byte range replaced by `~` (same length, so positions hold).
fn mask(text: &str, spans: &[(usize, usize)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &(a, b) in spans {
        bytes[a..b].fill(b'~');
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Durations that name a window or a name's own number ("21 sessions", "200-day",
/// "three-month", "10-year"), not claims; "517 sessions in a row" stays a claim.
fn durations(text: &str) -> Vec<(usize, usize)> {
    use regex::Regex;
    use std::sync::LazyLock;
    static DURATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?-u:\b)(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifty-two)(?:-| )(?:sessions?|days?|weeks?|months?|years?|trading days)(?-u:\b)(?: in a row)?").expect("valid")
    });
    (DURATION.find_iter(text))
        .filter(|m| !m.as_str().ends_with(" in a row"))
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// What one figure's value is checked against, and how it ended.
struct Judged {
    status: Status,
    candidate: Option<Candidate>,
    message: Option<String>,
}

/// The shared state of one verification.
struct Verifier<'a> {
    candidates: Vec<Candidate>,
    entities: &'a Entities,
    config: &'a RunConfig,
    date: NaiveDate,
    literals: BTreeSet<String>,
    /// Member and holdings sources: prose names them through their index ("its members").
    implicit: BTreeSet<String>,
}

impl Verifier<'_> {
    fn best<'c>(
        &self,
        pool: impl Iterator<Item = &'c Candidate>,
        named: &Named,
        at: usize,
    ) -> Option<(&'c Candidate, Fit)> {
        // The metric's own value before one worked out from printed figures.
        pool.filter_map(|c| fit(c, named, at, &self.implicit).map(|f| (c, f)))
            .max_by_key(|(c, f)| (*f, !c.derived))
    }

    fn contradiction(&self, c: &Candidate, decimals: usize) -> String {
        let m = c.metric.as_ref().expect("named candidates are metrics");
        format!(
            "{} on {} was {}",
            describe(m, self.entities),
            self.date,
            written(&c.value, c.kind, decimals, self.config.locale)
        )
    }

    /// Judges a number claim at `at` in `masked`, with an optional direction.
    fn number(
        &self,
        claim: &crate::narrative::check::Claim,
        direction: Option<bool>,
        named: &Named,
    ) -> Judged {
        let sign_ok = |v: &Value| {
            direction.is_none_or(|up| match v {
                Value::Number(x) => (*x > 0.0) == up,
                Value::Count(n) => (*n > 0) == up,
                _ => false,
            })
        };
        // "More than 1.5 points" is true of any gap beyond the line.
        let beyond = |c: &Candidate| match (claim.lower_bound(), &c.value) {
            (Some(x), Value::Number(v)) => claim.fits_kind(c.kind) && v.abs() > x,
            _ => false,
        };
        let states =
            |c: &&Candidate| (claim.states(&c.value, c.kind) || beyond(c)) && sign_ok(&c.value);
        // A line to watch is what would be, not what was: only a sentence about a line states it.
        let about_line =
            |c: &&Candidate| named.line || !c.metric.as_ref().is_some_and(attribute::hypothetical);
        let named_pool: Vec<(&Candidate, Fit)> = (self.candidates.iter())
            .filter(about_line)
            .filter(|c| claim.fits_kind(c.kind))
            .filter_map(|c| fit(c, named, claim.start, &self.implicit).map(|f| (c, f)))
            .collect();
        let supported = named_pool.iter().map(|(c, _)| *c).find(|c| states(c));
        if let Some(c) = supported {
            let best = self.best(
                named_pool.iter().map(|(c, _)| *c).filter(|c| states(c)),
                named,
                claim.start,
            );
            return Judged {
                status: Status::Supported,
                candidate: Some(best.map_or(c.clone(), |b| b.0.clone())),
                message: None,
            };
        }
        // The named metric it contradicts: window and subject named, then (for a figure
        // without a direction word) one of the figure's sign, then the nearest subject.
        let negative = claim.raw.starts_with(['-', '−']);
        let sign_fits = |c: &Candidate| {
            direction.is_some() || matches!(c.value, Value::Number(x) if (x < 0.0) == negative)
        };
        // A round figure the templates write ("the 20% that marks a bull market").
        let literal = self.literals.contains(&claim.raw.to_lowercase());
        if literal && claim.decimals() == 0 {
            return Judged {
                status: Status::Literal,
                candidate: None,
                message: None,
            };
        }
        let strong = (named_pool.iter())
            .filter(|(c, f)| named_strongly(c, *f, claim))
            .max_by_key(|(c, f)| (f.window, f.outright, sign_fits(c), f.in_order, f.closeness));
        if let Some((c, _)) = strong {
            let mut message = self.contradiction(c, claim.decimals());
            if let (Some(up), Value::Number(x)) = (direction, &c.value) {
                if (*x > 0.0) != up && *x != 0.0 {
                    message.push_str(if *x > 0.0 { ", a rise" } else { ", a fall" });
                }
            }
            return Judged {
                status: Status::Contradicted,
                candidate: Some((*c).clone()),
                message: Some(message),
            };
        }
        if literal {
            return Judged {
                status: Status::Literal,
                candidate: None,
                message: None,
            };
        }
        match self.candidates.iter().filter(about_line).find(states) {
            Some(c) => Judged {
                status: Status::Supported,
                candidate: Some(c.clone()),
                message: None,
            },
            None => Judged {
                status: Status::Unverified,
                candidate: None,
                message: Some(format!(
                    "no metric of {} has this value, and the sentence names none it could be",
                    self.date
                )),
            },
        }
    }

    fn date(&self, d: &crate::narrative::check::DateClaim, named: &Named) -> Judged {
        let dates = || (self.candidates.iter()).filter(|c| matches!(c.value, Value::Date(_)));
        let is = |c: &&Candidate| matches!(c.value, Value::Date(x) if d.is(x));
        if let Some(c) = dates().find(is) {
            let best = self.best(dates().filter(is), named, d.start);
            return Judged {
                status: Status::Supported,
                candidate: Some(best.map_or(c.clone(), |b| b.0.clone())),
                message: None,
            };
        }
        let plain = |c: &Candidate| c.metric.as_ref().is_some_and(attribute::plain);
        let outright = (dates())
            .filter_map(|c| fit(c, named, d.start, &self.implicit).map(|f| (c, f)))
            .filter(|(_, f)| f.outright)
            .max_by_key(|(c, f)| (plain(c), f.in_order, f.closeness));
        match outright {
            Some((c, _)) => Judged {
                status: Status::Contradicted,
                candidate: Some(c.clone()),
                message: Some(self.contradiction(c, 0)),
            },
            None => Judged {
                status: Status::Unverified,
                candidate: None,
                message: Some(format!("no date of {}'s data is this date", self.date)),
            },
        }
    }
}

/// Reads `markdown` (the draft at `path`) against the data of `as_of`.
pub fn verify(
    prepared: &Prepared,
    config: &RunConfig,
    as_of: AsOf,
    path: &Path,
    markdown: &str,
) -> Result<Report, Error> {
    let row = prepared.row(as_of)?;
    let data_as_of = prepared.frame.calendar[row];
    let brief = prepared.brief(AsOf::Date(data_as_of))?;
    let entities = Entities::new(config);
    let symbols: Vec<String> = config.sources.iter().map(|s| s.symbol.clone()).collect();
    let reader = Reader::new(&entities, &symbols);
    let verifier = Verifier {
        candidates: values::candidates(prepared, row, &brief.json),
        entities: &entities,
        config,
        date: data_as_of,
        literals: prepared.template_figures(),
        implicit: (config.sources.iter())
            .filter(|s| matches!(s.role, Role::Members | Role::Holdings))
            .map(|s| s.symbol.clone())
            .collect(),
    };
    let mut figures_out = Vec::new();
    let mut previous: Option<(usize, Named)> = None;
    for p in draft::passages(markdown) {
        let mut named = reader.read(&p.text);
        // A table cell reads its column and row labels as its names, at its own place.
        if !p.labels.is_empty() {
            let labels = reader.read(&p.labels);
            named
                .subjects
                .extend(labels.subjects.into_iter().map(|s| (0, 0, s.2)));
            named
                .windows
                .extend(labels.windows.into_iter().map(|w| (0, w.1)));
        }
        // An index and the fund that tells it where it has no data are one entity.
        let tracked: Vec<(usize, usize, String)> = (named.subjects.iter())
            .filter_map(|(a, b, id)| Some((*a, *b, config.same_entity(id)?.to_string())))
            .collect();
        named.subjects.extend(tracked);
        // A sentence without subjects of its own ("It narrowed 11 basis points") reads the
        // previous sentence's, in the same paragraph.
        let own_spans = named.spans.clone();
        if named.subjects.is_empty() {
            if let Some((para, prev)) = &previous {
                if *para == p.paragraph {
                    named.subjects = (prev.subjects.iter())
                        .map(|s| (usize::MAX / 4, usize::MAX / 4, s.2.clone()))
                        .collect();
                    if named.windows.is_empty() {
                        named.windows = prev.windows.clone();
                    }
                }
            }
        }
        let dates = find_dates(&p.text);
        let mut spans = own_spans;
        spans.extend(dates.iter().map(|d| (d.start, d.end)));
        let lengths = durations(&p.text);
        // "52-week" is a name's length, not the window of a figure.
        (named.windows).retain(|(at, _)| !lengths.iter().any(|(a, b)| a <= at && at < b));
        spans.extend(lengths);
        let masked = mask(&p.text, &spans);
        let mut found: Vec<(usize, String, Judged)> = Vec::new();
        for d in &dates {
            found.push((d.start, d.raw.clone(), verifier.date(d, &named)));
        }
        for c in figures(&masked) {
            let direction = direction_before(&masked, c.start);
            let (start, raw) = match &direction {
                Some((word, _)) => {
                    let head = masked[..c.start].trim_end();
                    (head.len() - word.len(), format!("{word} {}", c.raw))
                }
                None => (c.start, c.raw.clone()),
            };
            let judged = verifier.number(&c, direction.map(|d| d.1), &named);
            found.push((start, raw, judged));
        }
        found.sort_by_key(|f| f.0);
        for (start, claim, j) in found {
            let (line, column) = p.position(start);
            figures_out.push(Figure {
                line,
                column,
                claim,
                status: j.status,
                metric: (j.candidate.as_ref())
                    .and_then(|c| c.metric.as_ref())
                    .map(Metric::to_string),
                value: j
                    .candidate
                    .as_ref()
                    .map(|c| crate::output::json_value(&c.value)),
                message: j.message,
            });
        }
        previous = Some((p.paragraph, named));
    }
    let asked = match as_of {
        AsOf::Latest => data_as_of,
        AsOf::Date(d) => d,
    };
    Ok(Report {
        draft: path.display().to_string(),
        as_of: asked,
        data_as_of,
        figures: figures_out,
    })
}
