//! The document plan: which finding leads, what the lead paragraph says, which findings the
//! key takeaways summarise, and how the rest falls into sections and paragraphs.
//!
//! - **Headline**: the strongest finding's claim, joined with "as" to the clause of the
//!   strongest finding in the lead that has one and agrees with it on a shared subject
//!   ("Small caps extend their lead as tech sells off").
//! - **Lead**: the headline finding, then up to two findings of the same family and kind
//!   (relative or absolute) on the same subject (what supports or contrasts with it), then the strongest caveat on that subject
//!   (what qualifies it), in at most four sentences. A lead of one sentence takes the next
//!   strongest finding as context.
//! - **Takeaways**: the headline finding's summary first, then the next findings' summaries,
//!   skipping any that shares a metric with one already taken.
//! - **Sections**: what the lead did not say, in order of their strongest finding, findings on
//!   the same subject next to each other, at most four sentences to a paragraph. A section
//!   the lead emptied is left out.

use std::collections::BTreeSet;

use super::context::heading_of;
use crate::metrics::Metric;
use crate::rules::About;

/// Most sentences in the lead and in a body paragraph.
pub const MAX_SENTENCES: usize = 4;

/// What the planner needs to know of one kept finding.
#[derive(Debug, Clone)]
pub struct Info<'a> {
    /// Its section.
    pub section: &'a str,
    /// A caveat (about what could reverse the story).
    pub caveat: bool,
    /// Prints only when nothing else does.
    pub baseline: bool,
    /// What it is about.
    pub about: &'a About,
    /// The metrics its takeaway prints.
    pub metrics: BTreeSet<&'a Metric>,
    /// The metrics of all its facts.
    pub metrics_all: BTreeSet<&'a Metric>,
    /// The metrics its body text prints.
    pub printed: BTreeSet<&'a Metric>,
    /// What its condition measures (`spread(IWM, QQQ, 21d)` for a lead): its news.
    pub measure: Option<Metric>,
    /// The figures its takeaway prints, as written and sorted: two takeaways never print
    /// the same ones.
    pub figures: Vec<String>,
    /// Sentences in its body text.
    pub sentences: usize,
    /// It has a takeaway wording of its own (shorter than, and unlike, its body).
    pub takeaway: bool,
    /// The figures its headline prints, as written: a takeaway that prints only figures of
    /// the brief's headline is the headline reworded.
    pub headline_figures: Vec<String>,
    /// Its rule, without the family member (`leads` for `leads[small_caps,tech,5d]`): one
    /// takeaway per kind of finding.
    pub kind: &'a str,
    /// It has a headline clause.
    pub clause: bool,
    /// The sentence frames (first four words of each sentence) of its watch line, if it has
    /// one.
    pub watch: Option<Vec<String>>,
}

/// The plan of one brief, by index into the kept findings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The finding whose headline leads.
    pub headline: Option<usize>,
    /// The finding whose clause closes the headline.
    pub clause: Option<usize>,
    /// The lead paragraph, in order.
    pub lead: Vec<usize>,
    /// The key takeaways, in order.
    pub takeaways: Vec<usize>,
    /// Body sections in print order, each a list of paragraphs.
    pub sections: Vec<(String, Vec<Vec<usize>>)>,
    /// Caveats the lead did not use.
    pub caveats: Vec<usize>,
    /// Findings whose watch lines close the brief.
    pub watch: Vec<usize>,
    /// Findings left out because the lead or an earlier section printed all their figures.
    pub told: Vec<usize>,
}

/// Whether a finding's news is printed in `said` already: every figure it prints, or the
/// figure its condition measures when its text prints it (the 14.4-point lead that the lead
/// called the widest since 2016 is not told again as a lead; a run since a low, measured by
/// the same spread but printing its own figures, is new).
fn told_by(f: &Info, said: &BTreeSet<&Metric>) -> bool {
    let measured = (f.measure.as_ref()).is_some_and(|m| f.printed.contains(m) && said.contains(m));
    measured || !f.printed.is_empty() && f.printed.iter().all(|m| covered(m, said))
}

/// Whether `m` is printed in `said`, or follows from what is: a spread or a multiple of two
/// returns both printed over its window.
fn covered(m: &Metric, said: &BTreeSet<&Metric>) -> bool {
    let ret = |a: &String, w| said.contains(&Metric::Return(a.clone(), w));
    said.contains(m)
        || match m {
            Metric::Spread(a, b, w) | Metric::Multiple(a, b, w) => ret(a, *w) && ret(b, *w),
            _ => false,
        }
}

fn shares(a: &About, b: &About) -> bool {
    a.subjects.iter().any(|(s, _)| b.stance(s).is_some())
}

/// Some subject on which the two stances are opposite.
fn opposes(a: &About, b: &About) -> bool {
    a.subjects
        .iter()
        .any(|(s, x)| b.stance(s).is_some_and(|y| x * y < 0))
}

/// Plans a brief of `kept` findings (strongest first) with `takeaways` and `watch` lines at
/// most.
pub fn plan(kept: &[Info], takeaways: usize, watch: usize) -> Plan {
    let body: Vec<usize> = (0..kept.len())
        .filter(|&i| !kept[i].caveat && !kept[i].baseline)
        .collect();
    let baseline: Vec<usize> = (0..kept.len())
        .filter(|&i| !kept[i].caveat && kept[i].baseline)
        .collect();
    let Some(&h) = body.first().or(baseline.first()) else {
        return Plan {
            caveats: (0..kept.len()).filter(|&i| kept[i].caveat).collect(),
            ..Plan::default()
        };
    };
    let top = kept[h].about;
    let mut lead = vec![h];
    let mut sentences = kept[h].sentences;
    let fits = |sentences: usize, i: usize| sentences + kept[i].sentences <= MAX_SENTENCES;
    // Each fact once: what the brief has printed so far, in reading order. A finding whose
    // news it holds already says nothing new ("the gap was 5.4 points" after "the widest lead
    // since 2021: 5.4 points"; "the S&P 500 fell harder: -5.9% against -4.5%" after the day's
    // moves), in the lead or after it.
    let mut said: BTreeSet<&Metric> = kept[h].printed.iter().copied().collect();
    // What supports it: the same family, the same subject.
    for &i in body.iter().skip(1) {
        if lead.len() >= 3 {
            break;
        }
        let alike = kept[i].about.family == top.family && kept[i].about.relative == top.relative;
        if alike && shares(kept[i].about, top) && fits(sentences, i) && !told_by(&kept[i], &said) {
            lead.push(i);
            sentences += kept[i].sentences;
            said.extend(kept[i].printed.iter().copied());
        }
    }
    // What qualifies it: the strongest caveat of its kind on its subject.
    let qualifies = |i: usize| {
        kept[i].caveat && kept[i].about.relative == top.relative && shares(kept[i].about, top)
    };
    if let Some(c) = (0..kept.len()).find(|&i| qualifies(i)) {
        if fits(sentences, c) {
            lead.push(c);
            sentences += kept[c].sentences;
            said.extend(kept[c].printed.iter().copied());
        }
    }
    // Context when the story is one sentence: the next finding, whatever it is about, or
    // the day's moves, if they say something new.
    if sentences < 2 {
        let new = |i: &&usize| {
            !kept[**i]
                .metrics_all
                .iter()
                .any(|m| kept[h].metrics_all.contains(m))
        };
        let adds = |i: &&usize| !told_by(&kept[**i], &said);
        if let Some(&i) = (body.iter().filter(|i| !lead.contains(i)).filter(adds))
            .chain(baseline.iter().filter(new))
            .find(|i| !lead.contains(i) && fits(sentences, **i))
        {
            lead.push(i);
            said.extend(kept[i].printed.iter().copied());
        }
    }
    // The headline's closing clause comes from a finding in the lead that agrees with it,
    // over the same window: "up 2.9% on the day as the Russell 2000 sells off" must not join
    // a day to a month.
    let clause = lead.iter().copied().skip(1).find(|&i| {
        kept[i].clause
            && !kept[i].caveat
            && shares(kept[i].about, top)
            && !opposes(kept[i].about, top)
            && kept[i].about.window == top.window
    });

    let mut told = Vec::new();
    for &i in body.iter().filter(|i| !lead.contains(i)) {
        if told_by(&kept[i], &said) {
            told.push(i);
        } else {
            said.extend(kept[i].printed.iter().copied());
        }
    }

    // Takeaways: the headline's first, then each next finding that adds a metric of its
    // own, one of each kind ("four spreads" are one); none that only rewords the headline.
    let rewords_headline = |i: usize| {
        let f = &kept[i].figures;
        !f.is_empty() && f.iter().all(|x| kept[h].headline_figures.contains(x))
    };
    let mut taken: Vec<usize> = Vec::new();
    let mut stated: BTreeSet<&Metric> = BTreeSet::new();
    if rewords_headline(h) {
        stated.extend(kept[h].metrics.iter().copied());
    }
    for &i in std::iter::once(&h).chain(body.iter()) {
        let headline_again = rewords_headline(i);
        let same_kind = taken.iter().any(|&j| kept[j].kind == kept[i].kind);
        if taken.len() >= takeaways
            || taken.contains(&i)
            || !kept[i].takeaway
            || told.contains(&i)
            || headline_again
            || same_kind
        {
            continue;
        }
        let same_figures =
            |j: &usize| !kept[i].figures.is_empty() && kept[*j].figures == kept[i].figures;
        if kept[i].metrics.iter().any(|m| stated.contains(m)) || taken.iter().any(same_figures) {
            continue;
        }
        stated.extend(kept[i].metrics.iter().copied());
        taken.push(i);
    }

    let rest: Vec<usize> = (body.iter().copied())
        .filter(|i| !lead.contains(i) && !told.contains(i))
        .collect();
    let mut sections: Vec<(String, Vec<Vec<usize>>)> = Vec::new();
    let mut order: Vec<&str> = Vec::new();
    for &i in &rest {
        if !order.contains(&heading_of(kept[i].section)) {
            order.push(heading_of(kept[i].section));
        }
    }
    for name in order {
        let mine: Vec<usize> = rest
            .iter()
            .copied()
            .filter(|&i| heading_of(kept[i].section) == name)
            .collect();
        sections.push((name.to_string(), paragraphs(kept, &by_subject(kept, mine))));
    }
    let caveats = (0..kept.len())
        .filter(|&i| kept[i].caveat && !lead.contains(&i))
        .collect();
    // One watch line per kind of finding and per frame: two members of one rule, or two
    // rules with one line to watch, would say the same thing.
    let (mut kinds, mut frames) = (BTreeSet::new(), BTreeSet::new());
    let watch = (body.iter().copied())
        .filter(|&i| {
            let Some(mine) = &kept[i].watch else {
                return false;
            };
            let fresh = !told.contains(&i)
                && !kinds.contains(kept[i].kind)
                && !mine.iter().any(|f| frames.contains(f));
            if fresh {
                kinds.insert(kept[i].kind);
                frames.extend(mine);
            }
            fresh
        })
        .take(watch)
        .collect();
    Plan {
        headline: Some(h),
        clause,
        lead,
        takeaways: taken,
        sections,
        caveats,
        watch,
        told,
    }
}

/// A section's findings with those on the same first subject next to each other, in the
/// order each subject first comes up.
fn by_subject(kept: &[Info], mine: Vec<usize>) -> Vec<usize> {
    let key = |i: usize| kept[i].about.subjects.first().map(|s| s.0.as_str());
    let mut keys: Vec<Option<&str>> = Vec::new();
    for &i in &mine {
        if !keys.contains(&key(i)) {
            keys.push(key(i));
        }
    }
    keys.iter()
        .flat_map(|k| mine.iter().copied().filter(move |&i| key(i) == *k))
        .collect()
}

/// Findings in paragraphs of at most [`MAX_SENTENCES`] sentences; a paragraph closes early
/// where the subject changes if it already has two sentences.
fn paragraphs(kept: &[Info], order: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut count = 0;
    for &i in order {
        let s = kept[i].sentences;
        let new_subject = out.last().and_then(|p| p.last()).is_some_and(|&j| {
            !shares(kept[i].about, kept[j].about) || kept[i].about.family != kept[j].about.family
        });
        let full = count + s > MAX_SENTENCES || (new_subject && count >= 3);
        if out.is_empty() || full {
            out.push(vec![i]);
            count = s;
        } else {
            out.last_mut().expect("a paragraph").push(i);
            count += s;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Window;
    use crate::rules::Family;

    fn about(subjects: &[(&str, i8)], family: Family) -> About {
        About {
            subjects: subjects.iter().map(|(s, x)| (s.to_string(), *x)).collect(),
            family,
            ..About::default()
        }
    }

    fn info<'a>(section: &'a str, about: &'a About, sentences: usize) -> Info<'a> {
        Info {
            section,
            caveat: section == "caveats",
            baseline: false,
            about,
            metrics: BTreeSet::new(),
            metrics_all: BTreeSet::new(),
            printed: BTreeSet::new(),
            measure: None,
            sentences,
            takeaway: true,
            headline_figures: Vec::new(),
            kind: section,
            figures: Vec::new(),
            clause: false,
            watch: None,
        }
    }

    #[test]
    fn the_lead_takes_support_then_a_qualifier_and_sections_keep_the_rest() {
        let iwm_spy = about(&[("IWM", 1), ("SPY", -1)], Family::Performance);
        let iwm_qqq = about(&[("IWM", 1), ("QQQ", -1)], Family::Performance);
        let behind = about(&[("IWM", -1), ("SPY", 1)], Family::Performance);
        let spy_conc = about(&[("SPY", 1)], Family::Concentration);
        let kept = vec![
            info("performance", &iwm_spy, 1),    // 0: headline
            info("concentration", &spy_conc, 2), // 1: other family
            info("rotation", &iwm_qqq, 1),       // 2: support
            info("performance", &iwm_spy, 1),    // 3: support (week)
            info("performance", &iwm_spy, 1),    // 4: left for the section
            info("caveats", &behind, 1),         // 5: qualifier
        ];
        let p = plan(&kept, 4, 3);
        assert_eq!(p.headline, Some(0));
        assert_eq!(p.lead, [0, 2, 3, 5]);
        assert_eq!(
            p.sections,
            [
                ("concentration".to_string(), vec![vec![1]]),
                ("performance".to_string(), vec![vec![4]]),
            ]
        );
        assert!(p.caveats.is_empty(), "the qualifier moved to the lead");
        assert_eq!(
            p.takeaways[0], 0,
            "the first takeaway supports the headline"
        );
    }

    #[test]
    fn takeaways_never_share_a_metric() {
        let a = about(&[("IWM", 1)], Family::Performance);
        let m1 = Metric::Close("IWM".into());
        let m2 = Metric::Close("SPY".into());
        let mut kept = vec![
            info("performance", &a, 1),
            info("performance", &a, 1),
            info("rotation", &a, 1),
        ];
        kept[0].metrics = [&m1].into();
        kept[1].metrics = [&m1, &m2].into();
        kept[2].metrics = [&m2].into();
        assert_eq!(plan(&kept, 4, 3).takeaways, [0, 2]);
    }

    #[test]
    fn one_watch_line_per_kind_of_finding() {
        let spx = about(&[("^GSPC", -1)], Family::Performance);
        let ndx = about(&[("^NDX", -1)], Family::Performance);
        let vix = about(&[("VIX", 1)], Family::Risk);
        let mut kept = vec![
            info("history", &spx, 1),
            info("history", &ndx, 1),
            info("risk", &vix, 1),
        ];
        for (k, frame) in kept.iter_mut().zip([
            "the bear-market line for",
            "the name and the",
            "whether the name settles",
        ]) {
            k.watch = Some(vec![frame.to_string()]);
        }
        // The two bear markets are one kind: the second index's line is left out.
        assert_eq!(plan(&kept, 4, 3).watch, [0, 2]);
        kept[1].kind = "correction";
        assert_eq!(plan(&kept, 4, 3).watch, [0, 1, 2]);
        // Two kinds with one frame: the second line would read as the first again.
        kept[1].watch = kept[0].watch.clone();
        assert_eq!(plan(&kept, 4, 3).watch, [0, 2]);
    }

    #[test]
    fn a_finding_whose_figures_the_lead_printed_is_told_already() {
        let day = Window::Days(1);
        let iwm = Metric::Return("IWM".into(), day);
        let spy = Metric::Return("SPY".into(), day);
        let qqq = Metric::Return("QQQ".into(), day);
        let gap = Metric::Spread("IWM".into(), "SPY".into(), day);
        let market = about(&[("SPY", -1)], Family::Performance);
        let pair = about(&[("IWM", 1), ("SPY", -1)], Family::Breadth);
        let mut kept = vec![
            info("performance", &market, 1), // the day's moves
            info("rotation", &pair, 1),      // the same two returns and their gap
            info("rotation", &pair, 1),      // a return the lead did not print
        ];
        kept[0].printed = [&iwm, &spy].into();
        kept[1].printed = [&iwm, &spy, &gap].into();
        kept[2].printed = [&iwm, &qqq].into();
        let p = plan(&kept, 4, 3);
        assert_eq!(p.lead, [0, 2], "the lead takes the next finding as context");
        assert_eq!(p.told, [1], "its gap follows from two printed returns");
        assert!(!p.takeaways.contains(&1));
        assert!(p.sections.is_empty(), "{:?}", p.sections);
    }

    #[test]
    fn support_that_prints_the_headlines_measure_again_stays_out_of_the_lead() {
        let month = Window::Days(21);
        let gap = Metric::Spread("IWM".into(), "SPY".into(), month);
        let iwm = Metric::Return("IWM".into(), month);
        let start = Metric::MoveStart("IWM".into(), "SPY".into(), 63);
        let pair = about(&[("IWM", 1), ("SPY", -1)], Family::Performance);
        let mut kept = vec![
            info("history", &pair, 1),     // the widest lead since 2021: the gap
            info("performance", &pair, 1), // the same gap, with its returns
            info("rotation", &pair, 1),    // the run since the low, measured by the gap
        ];
        kept[0].printed = [&gap].into();
        kept[1].printed = [&gap, &iwm].into();
        kept[1].measure = Some(gap.clone());
        kept[2].printed = [&start].into();
        kept[2].measure = Some(gap.clone());
        let p = plan(&kept, 4, 3);
        assert_eq!(p.lead, [0, 2], "the run prints figures of its own");
        assert_eq!(p.told, [1]);
    }

    #[test]
    fn a_clause_joins_the_headline_only_over_its_window() {
        let day = About {
            window: Some(Window::Days(1)),
            ..about(&[("IWM", 1), ("SPY", -1)], Family::Performance)
        };
        let month = About {
            window: Some(Window::Days(21)),
            ..day.clone()
        };
        let mut kept = vec![info("performance", &day, 1), info("performance", &month, 1)];
        kept[1].clause = true;
        assert_eq!(plan(&kept, 4, 3).lead, [0, 1]);
        assert_eq!(
            plan(&kept, 4, 3).clause,
            None,
            "a month's clause on a day's headline"
        );
        let same = day.clone();
        kept[1] = info("performance", &same, 1);
        kept[1].clause = true;
        assert_eq!(plan(&kept, 4, 3).clause, Some(1));
    }

    #[test]
    fn paragraphs_close_at_four_sentences_and_at_a_new_subject() {
        let a = about(&[("IWM", 1)], Family::Breadth);
        let b = about(&[("SPY", 1)], Family::Breadth);
        let top = about(&[("QQQ", 1)], Family::Performance);
        let kept = vec![
            info("performance", &top, 2),
            info("breadth", &a, 2),
            info("breadth", &b, 2),
            info("breadth", &a, 1),
            info("breadth", &b, 1),
        ];
        let p = plan(&kept, 4, 3);
        // IWM's findings first (2 + 1 sentences), then SPY's (a new subject after three).
        assert_eq!(
            p.sections[0],
            ("breadth".to_string(), vec![vec![1, 3], vec![2, 4]])
        );
    }
}
