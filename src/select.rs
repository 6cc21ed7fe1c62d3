//! Which findings make the brief, and in what order.
//!
//! Findings rank by news value (how rare the day's reading is, with the rule's priority as
//! the author's weight: `rules::news`), then by priority, then by strength (how far past its
//! thresholds the condition is), then by rule id for a stable order. Then, strongest first:
//! - **contradictions** go: findings that share a `group` exclude each other, so "led" and
//!   "trailed" over one window never both print;
//! - **repeats** merge: a finding whose facts are all facts of findings already kept states
//!   nothing new and is merged into them;
//! - the **budget** of the run file's `style:` caps each section and the whole body;
//! - a `baseline` finding (the day's moves) is kept for the plan, which prints it only when
//!   nothing else does, or as the lead's context on a day of one finding;
//! - a caveat with `applies_to` stays only when a finding of those sections printed.
//!
//! Where each kept finding goes (headline, lead, takeaways, sections) is the document plan's
//! job (`narrative::plan`).

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Budget;
use crate::metrics::Metric;
use crate::rules::Finding;

/// The findings of a brief.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Every kept finding, strongest first (caveats included).
    pub kept: Vec<Finding>,
    /// Findings that held but do not print: (rule id, why).
    pub dropped: Vec<(String, String)>,
}

fn is_caveat(f: &Finding) -> bool {
    f.rule.section == "caveats"
}

fn fact_metrics(f: &Finding) -> BTreeSet<&Metric> {
    f.rule.facts.values().collect()
}

/// Ranks and de-duplicates findings within `budget`.
pub fn select(mut findings: Vec<Finding>, budget: &Budget) -> Selection {
    findings.sort_by(|a, b| {
        b.news
            .total_cmp(&a.news)
            .then_with(|| b.rule.priority.cmp(&a.rule.priority))
            .then_with(|| b.strength.total_cmp(&a.strength))
            .then_with(|| a.rule.id.cmp(&b.rule.id))
    });
    prefer_headline_window(&mut findings);
    let mut kept: Vec<Finding> = Vec::new();
    let mut dropped = Vec::new();
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    let mut per_section: BTreeMap<String, usize> = BTreeMap::new();
    let mut body = 0;
    for f in findings {
        let id = f.rule.id.clone();
        if let Some(g) = &f.rule.group {
            if let Some(winner) = groups.get(g) {
                dropped.push((id, format!("contradicts or repeats '{winner}' (group {g})")));
                continue;
            }
            groups.insert(g.clone(), id.clone());
        }
        let mine = fact_metrics(&f);
        let alike: Vec<&Finding> = kept
            .iter()
            .filter(|k| is_caveat(k) == is_caveat(&f))
            .collect();
        let stated: BTreeSet<&Metric> = alike.iter().flat_map(|k| fact_metrics(k)).collect();
        if !mine.is_empty() && mine.is_subset(&stated) {
            let by: Vec<&str> = alike
                .iter()
                .filter(|k| !fact_metrics(k).is_disjoint(&mine))
                .map(|k| k.rule.id.as_str())
                .collect();
            dropped.push((id, format!("states only facts of '{}'", by.join("', '"))));
            continue;
        }
        let n = per_section.entry(f.rule.section.clone()).or_insert(0);
        if *n >= budget.per_section || !is_caveat(&f) && body >= budget.total {
            dropped.push((id, "over the length budget".into()));
            continue;
        }
        *n += 1;
        body += usize::from(!is_caveat(&f));
        kept.push(f);
    }
    let printed: BTreeSet<String> = kept
        .iter()
        .filter(|f| !is_caveat(f))
        .map(|f| f.rule.section.clone())
        .collect();
    kept.retain(|f| {
        let applies =
            f.rule.applies_to.is_empty() || f.rule.applies_to.iter().any(|s| printed.contains(s));
        if !applies {
            let about = f.rule.applies_to.join(", ");
            dropped.push((f.rule.id.clone(), format!("nothing printed about {about}")));
        }
        applies
    });
    Selection { kept, dropped }
}

/// Within a group, the member measured over the window of the strongest finding (the one
/// the headline states) goes first, so that "equal weight against cap weight" is told over
/// the headline's own window when that member holds. Other findings keep their order.
fn prefer_headline_window(findings: &mut [Finding]) {
    let Some(window) = (findings.iter())
        .find(|f| !is_caveat(f) && !f.rule.baseline)
        .and_then(|f| f.rule.about.window)
    else {
        return;
    };
    for i in 0..findings.len() {
        let Some(group) = findings[i].rule.group.clone() else {
            continue;
        };
        if findings[i].rule.about.window == Some(window) {
            continue;
        }
        // The first of its group: move the group's member over the headline's window here.
        if findings[..i]
            .iter()
            .any(|f| f.rule.group.as_ref() == Some(&group))
        {
            continue;
        }
        let same = (i + 1..findings.len()).find(|&j| {
            findings[j].rule.group.as_ref() == Some(&group)
                && findings[j].rule.about.window == Some(window)
        });
        if let Some(j) = same {
            findings[i..=j].rotate_right(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Window;
    use crate::rules::{Condition, Rule, Says};

    fn finding(id: &str, section: &str, priority: i64, group: Option<&str>) -> Finding {
        Finding {
            rule: std::sync::Arc::new(Rule {
                id: id.into(),
                section: section.into(),
                priority,
                group: group.map(Into::into),
                when: Condition::All(vec![]),
                facts: [(id.to_string(), Metric::Close(id.into()))].into(),
                says: Says::Snippet(vec![String::new()]),
                takeaway: vec![],
                headline: vec![],
                watch: vec![],
                clause: vec![],
                merged: vec![],
                merge_on: None,
                maybe: Default::default(),
                about: Default::default(),
                applies_to: vec![],
                baseline: false,
                show: true,
                expect: Default::default(),
                path: "r.yaml".into(),
                line: 1,
            }),
            facts: Default::default(),
            strength: 0.0,
            news: priority as f64 / 100.0,
            also: None,
        }
    }

    fn ids(s: &Selection) -> Vec<&str> {
        s.kept.iter().map(|f| f.rule.id.as_str()).collect()
    }

    #[test]
    fn ranks_and_groups() {
        let s = select(
            vec![
                finding("breadth_weak", "breadth", 40, None),
                finding("beat_week", "performance", 70, Some("sl_week")),
                finding("lag_week", "performance", 60, Some("sl_week")),
                finding("still_behind", "caveats", 90, None),
                finding("top10", "concentration", 70, None),
                finding("rates", "rates", 20, None),
            ],
            &Budget::default(),
        );
        assert_eq!(
            ids(&s),
            [
                "still_behind",
                "beat_week",
                "top10",
                "breadth_weak",
                "rates"
            ]
        );
        assert_eq!(s.dropped[0].0, "lag_week");
        assert!(s.dropped[0].1.contains("beat_week"), "{:?}", s.dropped);
    }

    #[test]
    fn strength_breaks_ties_and_repeats_merge() {
        let mut weak = finding("weak", "performance", 50, None);
        weak.strength = 0.2;
        let mut strong = finding("strong", "performance", 50, None);
        strong.strength = 1.5;
        std::sync::Arc::make_mut(&mut strong.rule)
            .facts
            .insert("weak".into(), Metric::Close("weak".into()));
        let s = select(vec![weak, strong], &Budget::default());
        assert_eq!(ids(&s), ["strong"]);
        assert_eq!(s.kept.len(), 1, "weak states only facts of strong");
        assert_eq!(
            s.dropped,
            [("weak".into(), "states only facts of 'strong'".into())]
        );
    }

    #[test]
    fn budgets_cap_sections_and_the_body() {
        let many: Vec<Finding> = (0..6)
            .map(|i| {
                let mut f = finding(&format!("p{i}"), "performance", 50 - i, None);
                std::sync::Arc::make_mut(&mut f.rule).facts =
                    [("x".into(), Metric::Return(format!("S{i}"), Window::Days(1)))].into();
                f
            })
            .chain([finding("b", "breadth", 10, None)])
            .collect();
        let budget = Budget {
            per_section: 2,
            total: 3,
            takeaways: 1,
            watch: 3,
        };
        let s = select(many, &budget);
        assert_eq!(ids(&s), ["p0", "p1", "b"]);
        assert_eq!(s.dropped.len(), 4);
    }

    #[test]
    fn a_baseline_is_kept_for_the_plan_to_place() {
        let mut day = finding("market_day", "performance", 1, None);
        std::sync::Arc::make_mut(&mut day.rule).baseline = true;
        let s = select(
            vec![day, finding("beat", "breadth", 50, None)],
            &Budget::default(),
        );
        assert_eq!(ids(&s), ["beat", "market_day"]);
    }

    #[test]
    fn caveats_about_unprinted_sections_go() {
        let mut about_breadth = finding("thin_members", "caveats", 10, None);
        std::sync::Arc::make_mut(&mut about_breadth.rule).applies_to = vec!["breadth".into()];
        let mut about_perf = finding("young_move", "caveats", 10, None);
        std::sync::Arc::make_mut(&mut about_perf.rule).applies_to = vec!["performance".into()];
        let s = select(
            vec![
                finding("beat", "performance", 50, None),
                about_breadth,
                about_perf,
            ],
            &Budget::default(),
        );
        assert_eq!(ids(&s), ["beat", "young_move"]);
        assert_eq!(s.dropped[0].0, "thin_members");
    }

    #[test]
    fn a_group_speaks_over_the_headlines_window_when_it_can() {
        let over = |id: &str, priority, group: Option<&str>, days| {
            let mut f = finding(id, "style", priority, group);
            std::sync::Arc::make_mut(&mut f.rule).about.window = Some(Window::Days(days));
            f
        };
        let findings = || {
            vec![
                over("lead_21d", 80, None, 21),
                over("equal_63d", 49, Some("equal_vs_cap"), 63),
                over("equal_21d", 48, Some("equal_vs_cap"), 21),
            ]
        };
        let s = select(findings(), &Budget::default());
        assert_eq!(ids(&s), ["lead_21d", "equal_21d"]);
        // Without a member over the headline's window, the stronger one speaks.
        let mut other = findings();
        std::sync::Arc::make_mut(&mut other[0].rule).about.window = Some(Window::Days(5));
        assert_eq!(
            ids(&select(other, &Budget::default())),
            ["lead_21d", "equal_63d"]
        );
    }
}
