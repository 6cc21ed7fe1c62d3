//! One trading day's words: the findings that hold, selected; the values their texts show;
//! the texts rendered; the document planned (headline, lead, takeaways, sections) and
//! composed, names realized in reading order; the table; the data notes; and the fact check
//! of every printed text and cell. Nothing reaches a reader unless all of it passes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::compose::{compose, Composed};
use super::limits::{self, Note};
use super::{shown, table, verify, Error, Prepared};
use crate::config::OldHoldings;
use crate::data::Content;
use crate::metrics::{Metric, Value};
use crate::narrative::check::{printed_numbers, Tally};
use crate::narrative::context::TableCtx;
use crate::narrative::plan::{self, Info, Plan};
use crate::narrative::refer::{self, split_sentences, without_markers};
use crate::narrative::{FindingText, Inputs, Table};
use crate::rules::{news, Finding};
use crate::select::{self, Selection};

/// How much priority a finding on a holdings snapshot older than the run file's limit loses.
const OLD_SNAPSHOT_PENALTY: i64 = 10;

/// The findings of a plan in the order a reader meets their body texts.
fn reading_order(plan: &Plan) -> Vec<usize> {
    (plan.lead.iter())
        .chain(plan.sections.iter().flat_map(|(_, ps)| ps.iter().flatten()))
        .chain(&plan.caveats)
        .copied()
        .collect()
}

/// A brief's findings in words, with what the fact check verified.
pub(super) struct Words {
    pub selection: Selection,
    pub texts: Vec<FindingText>,
    pub composed: Composed,
    pub notes: Vec<Note>,
    pub note_texts: Vec<String>,
    pub table: Table,
    pub table_ctx: TableCtx,
    /// The sector table, when a printed finding ranks a basket.
    pub sectors: Option<(Table, TableCtx)>,
    pub tally: Tally,
    /// Every metric the brief prints (findings' facts and table cells with a value).
    pub read: BTreeSet<Metric>,
}

impl Prepared<'_> {
    /// The snapshot in force on `day` for holdings source `symbol`.
    fn snapshot(&self, symbol: &str, day: NaiveDate) -> Option<NaiveDate> {
        match &self.data.get(symbol)?.content {
            Content::Holdings(h) => h.iter().rev().find(|s| s.as_of <= day).map(|s| s.as_of),
            _ => None,
        }
    }

    /// The holdings snapshots behind `metrics` that are older than the run file allows.
    fn old_snapshots<'m>(
        &self,
        metrics: impl Iterator<Item = &'m Metric>,
        day: NaiveDate,
    ) -> BTreeSet<NaiveDate> {
        let limit = self.config.style.holdings.max_age_days;
        metrics
            .filter_map(|m| match m {
                // The date of an old snapshot goes with its figures.
                Metric::HoldingsDate(h) => Some(h.as_str()),
                _ => m.holdings(),
            })
            .filter_map(|h| self.snapshot(h, day))
            .filter(|d| (day - *d).num_days() > limit)
            .collect()
    }

    /// Selects, words and fact-checks the findings of trading day `row`, and fills the
    /// comparison table with the rows they call for.
    pub(super) fn words(&self, row: usize, warnings: &mut Vec<String>) -> Result<Words, Error> {
        let (config, frame) = (self.config, &self.frame);
        let day = frame.calendar[row];
        let omit = config.style.holdings.older == OldHoldings::Omit;
        let mut old = Vec::new();
        let p = crate::profile::phase(|| "7a findings and selection".into());
        let findings: Vec<Finding> = (self
            .rules
            .findings(&self.held, frame, &self.news, row, warnings))
        .into_iter()
        .map(|mut f| {
            // An optional fact from an old snapshot is left out; the finding stays.
            if omit {
                let old: Vec<String> = (f.rule.facts.iter())
                    .filter(|(name, m)| {
                        f.rule.maybe.contains(*name)
                            && !self.old_snapshots(std::iter::once(*m), day).is_empty()
                    })
                    .map(|(name, _)| name.clone())
                    .collect();
                old.iter().for_each(|name| drop(f.facts.remove(name)));
            }
            f
        })
        .filter(|f| {
            let required = (f.rule.facts.iter())
                .filter(|(name, _)| !f.rule.maybe.contains(*name))
                .map(|(_, m)| m);
            let stale = self.old_snapshots(required, day);
            let keep = !omit || stale.is_empty();
            if !keep {
                let why = format!(
                    "its holdings snapshot is older than {} days (style: holdings)",
                    config.style.holdings.max_age_days
                );
                old.push((f.rule.id.clone(), why));
            }
            keep
        })
        .collect();
        // Old news ranks lower: a finding on a snapshot older than the limit gives way to
        // fresher ones of nearly the same rank.
        let findings: Vec<Finding> = (findings.into_iter())
            .map(|mut f| {
                let required = (f.rule.facts.iter())
                    .filter(|(name, _)| !f.rule.maybe.contains(*name))
                    .map(|(_, m)| m);
                if !self.old_snapshots(required, day).is_empty() {
                    std::sync::Arc::make_mut(&mut f.rule).priority -= OLD_SNAPSHOT_PENALTY;
                    f.news -= news::PRIORITY_WEIGHT * OLD_SNAPSHOT_PENALTY as f64 / 100.0;
                }
                f
            })
            .collect();
        // A quiet day: nothing reaches the news-value floor. Its brief is short.
        let q = config.style.quiet;
        let strongest = (findings.iter())
            .filter(|f| f.rule.section != "caveats" && !f.rule.baseline)
            .map(|f| f.news)
            .fold(f64::NEG_INFINITY, f64::max);
        let quiet = strongest < q.below;
        let mut budget = config.style.budget;
        if quiet {
            budget.total = budget.total.min(q.findings);
            budget.takeaways = budget.takeaways.min(q.takeaways);
            budget.watch = budget.watch.min(1);
        }
        let mut selection = select::select(findings, &budget);
        selection.dropped.extend(old);
        let kept = std::mem::take(&mut selection.kept);
        selection.kept = super::merge::shared_facts(kept, &mut selection.dropped);
        let kept = &selection.kept;
        let body_facts = || {
            (kept.iter())
                .filter(|f| f.rule.section != "caveats")
                .flat_map(|f| f.metrics())
        };
        let mut chosen = self.table_rows.choose(body_facts());
        if omit {
            chosen.retain(|r| self.old_snapshots(r.metrics(), day).is_empty());
        }
        let table_read = chosen.iter().flat_map(|r| r.metrics());
        let notes = limits::notes(config, &self.data, frame, row, body_facts(), table_read);

        let shown: Vec<BTreeMap<String, Value>> = (kept.iter())
            .map(|f| shown::values(f, frame, row))
            .collect();
        let spans: Vec<BTreeMap<String, usize>> = (kept.iter())
            .map(|f| shown::sessions(f, &self.spans, frame, row))
            .collect();
        let nothing = BTreeSet::new();
        let render_on = |i: usize, said: &BTreeSet<String>, wording_day: usize| {
            let also = (kept[i].also.as_deref())
                .and_then(|s| self.markers_on(row).get(s))
                .map(String::as_str);
            let inputs = Inputs {
                shown: &shown[i],
                spans: &spans[i],
                said,
                also,
            };
            self.narrator
                .finding(&kept[i], &inputs, self.markers_on(row), wording_day)
        };
        let render = |i: usize, said: &BTreeSet<String>| render_on(i, said, row);
        drop(p);
        let p = crate::profile::phase(|| "7b finding texts (Tera)".into());
        let mut texts = (0..kept.len())
            .map(|i| render(i, &nothing))
            .collect::<Result<Vec<_>, _>>()?;
        let infos: Vec<Info> = (kept.iter().zip(&texts))
            .map(|(f, t)| Info {
                section: &f.rule.section,
                caveat: f.rule.section == "caveats",
                baseline: f.rule.baseline,
                about: &f.rule.about,
                metrics: (self.narrator.takeaway_facts(&f.rule.id).iter())
                    .filter_map(|k| f.rule.facts.get(k))
                    .collect(),
                metrics_all: f.rule.facts.values().collect(),
                printed: (t.printed.iter())
                    .filter_map(|k| f.rule.facts.get(k))
                    .collect(),
                measure: crate::rules::news::measure(&f.rule.when).map(|(m, _)| m),
                sentences: split_sentences(&t.text).len(),
                figures: printed_numbers(&without_markers(&t.takeaway)),
                headline_figures: printed_numbers(&without_markers(&t.headline)),
                kind: f.rule.id.split('[').next().unwrap_or(&f.rule.id),
                takeaway: !f.rule.takeaway.is_empty()
                    && t.takeaway != t.text
                    && t.takeaway.len() < t.text.len(),
                clause: t.clause.is_some(),
                watch: (t.watch.as_deref()).map(sentence_frames),
            })
            .collect();
        drop(p);
        let p = crate::profile::phase(|| "7c plan, retexts, compose".into());
        let plan = plan::plan(&infos, budget.takeaways, budget.watch);
        // Now that the order is known, texts that read `said` learn which of their facts the
        // brief printed before them (in the lead, the sections, the caveats).
        // No sentence frame twice: a text that opens a sentence with the first four words of
        // an earlier one takes the next of its rule's wordings that does not.
        let mut printed: BTreeSet<&Metric> = BTreeSet::new();
        let mut frames: BTreeSet<String> = BTreeSet::new();
        for i in reading_order(&plan) {
            let rule = &kept[i].rule;
            let said: BTreeSet<String> = (rule.facts.iter())
                .filter(|(_, m)| printed.contains(m))
                .map(|(k, _)| k.clone())
                .collect();
            if self.narrator.reads_said(&rule.id) {
                texts[i] = render(i, &said)?;
            }
            let wordings = rule.says.wordings();
            let repeats = |t: &str| sentence_frames(t).iter().any(|f| frames.contains(f));
            if plan.headline != Some(i) && repeats(&texts[i].text) {
                for k in 1..wordings {
                    let other = render_on(i, &said, row + k)?;
                    if !repeats(&other.text) {
                        texts[i] = other;
                        break;
                    }
                }
            }
            frames.extend(sentence_frames(&texts[i].text));
            printed.extend(texts[i].printed.iter().filter_map(|k| rule.facts.get(k)));
        }
        let mut composed = compose(kept, &texts, &plan, &self.entities, row);
        if quiet {
            call_quiet(&mut composed);
        }
        // Findings the plan did not use: those whose figures were printed already, and
        // baselines, when other findings told the day.
        for (i, f) in kept.iter().enumerate() {
            if !composed.printed.iter().any(|p| p.finding == i) {
                let why = if plan.told.contains(&i) {
                    "its figures are printed already".to_string()
                } else {
                    "a baseline, and other findings print".to_string()
                };
                selection.dropped.push((f.rule.id.clone(), why));
            }
        }

        let no_spans = BTreeMap::new();
        let note_texts = (notes.iter())
            .map(|n| {
                let inputs = Inputs {
                    shown: &n.finding.facts,
                    spans: &no_spans,
                    said: &nothing,
                    also: None,
                };
                let t = self
                    .narrator
                    .finding(&n.finding, &inputs, self.markers_on(row), row)?;
                Ok(t.text)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        drop(p);
        let check = verify::Check {
            bands: config.style.bands,
            date: day,
            masks: &self.masks,
        };
        let mut tally = check.printed(&composed.printed, kept, &texts, &shown, &spans)?;
        let to_index = |s: &str| config.index_of_fund(s).map(String::from);
        check.one_number(&composed.printed, kept, &shown, &to_index)?;
        for (n, text) in notes.iter().zip(&note_texts) {
            tally += check.note(&n.finding, text)?;
        }

        let _p = crate::profile::phase(|| "7d tables, sources".into());
        let mut table = table::fill(&chosen, config, self.names_on(row), frame, row);
        for (r, (label, _, _)) in chosen.iter().zip(table.rows.iter_mut()) {
            let old = self.old_snapshots(r.metrics(), day);
            if !old.is_empty() {
                let dates: Vec<String> = old.iter().map(|d| self.narrator.date(*d)).collect();
                *label = format!("{label} (holdings of {})", dates.join(" and "));
            }
        }
        let table_ctx = self.narrator.table(&table);
        tally += verify::table(&table, &table_ctx, config.style.bands, day)?;
        let printed_facts = (kept.iter())
            .filter(|f| f.rule.show && !f.rule.baseline)
            .flat_map(|f| f.metrics());
        let sectors = table::sectors(printed_facts, self.names_on(row), frame, row)
            .map(|t| {
                let ctx = self.narrator.table(&t);
                verify::table(&t, &ctx, config.style.bands, day).map(|n| {
                    tally += n;
                    (t, ctx)
                })
            })
            .transpose()?;
        let mut read: BTreeSet<Metric> = kept.iter().flat_map(|f| f.metrics().cloned()).collect();
        read.extend(
            chosen
                .iter()
                .flat_map(|r| r.metrics())
                .filter(|m| frame.value(m, row).is_some())
                .cloned(),
        );
        Ok(Words {
            selection,
            texts,
            composed,
            notes,
            note_texts,
            table,
            table_ctx,
            sectors,
            tally,
            read,
        })
    }
}

/// The first four words of each sentence of `text`, in lower case and without punctuation:
/// its sentence frames ("the turn has a"). A name reads "the name", as most names print.
fn sentence_frames(text: &str) -> Vec<String> {
    (split_sentences(&refer::markers_as(text, "the name")).iter())
        .filter_map(|s| {
            let words: Vec<String> = (s.split_whitespace())
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                })
                .filter(|w| !w.is_empty())
                .take(4)
                .collect();
            (words.len() == 4).then(|| words.join(" "))
        })
        .collect()
}

/// A quiet day's headline says so: "Quiet markets — the Russell 2000 ..." (no window word:
/// "a quiet session" would read as a one-day figure to `verify`, and the headline's figure
/// may be a month's).
fn call_quiet(composed: &mut Composed) {
    let Some(h) = composed.headline.take() else {
        return;
    };
    // "The Russell 2000" and "Large caps" go to lower case; "S&P 500" and "VIX" do not.
    let mut chars = h.chars();
    let lower = match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if b.is_lowercase() => {
            format!("{}{}", a.to_lowercase(), &h[a.len_utf8()..])
        }
        _ => h.clone(),
    };
    let quiet = format!("Quiet markets — {lower}");
    for p in composed.printed.iter_mut().filter(|p| p.part == "headline") {
        p.text = quiet.clone();
    }
    composed.headline = Some(quiet);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet(headline: &str) -> String {
        let mut c = Composed {
            headline: Some(headline.to_string()),
            ..Composed::default()
        };
        call_quiet(&mut c);
        c.headline.unwrap()
    }

    #[test]
    fn a_quiet_headline_keeps_the_case_of_names() {
        assert_eq!(
            quiet("The Russell 2000 gains ground"),
            "Quiet markets — the Russell 2000 gains ground"
        );
        assert_eq!(quiet("S&P 500 up 0.2%"), "Quiet markets — S&P 500 up 0.2%");
        assert_eq!(quiet("VIX at 12.1"), "Quiet markets — VIX at 12.1");
    }

    #[test]
    fn a_frame_is_the_first_four_words_with_names_read_alike() {
        let text = format!(
            "Over five sessions {o}small_caps{c} rose 2.0%. Over five sessions {o}tech{c} fell.",
            o = refer::OPEN,
            c = refer::CLOSE
        );
        let f = sentence_frames(&text);
        assert_eq!(f, ["over five sessions the", "over five sessions the"]);
    }
}
