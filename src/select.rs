//! Which findings make the brief, and in what order.
//!
//! The strongest finding (highest priority, then rule id for a stable order) is the headline;
//! findings that share a `group` exclude each other (only the strongest is kept, so "beat" and
//! "lagged" over one window never both print); the body keeps at most a few per section.

use std::collections::{BTreeMap, BTreeSet};

use crate::rules::{Finding, SECTIONS};

/// How many findings a body section keeps.
pub const PER_SECTION: usize = 4;
/// How many key takeaways a brief has at most.
pub const TAKEAWAYS: usize = 5;

/// The findings of a brief, placed.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Every kept finding, strongest first (caveats included).
    pub kept: Vec<Finding>,
    /// Index into `kept` of the headline finding, if any finding is not a caveat.
    pub headline: Option<usize>,
    /// Indexes into `kept` of the key takeaways.
    pub takeaways: Vec<usize>,
    /// Body sections in print order, each with indexes into `kept`.
    pub sections: Vec<(String, Vec<usize>)>,
    /// Indexes into `kept` of caveat findings.
    pub caveats: Vec<usize>,
}

/// Ranks, de-duplicates and places findings.
pub fn select(mut findings: Vec<Finding>) -> Selection {
    findings.sort_by(|a, b| {
        b.rule
            .priority
            .cmp(&a.rule.priority)
            .then_with(|| a.rule.id.cmp(&b.rule.id))
    });
    let mut groups = BTreeSet::new();
    findings.retain(|f| match &f.rule.group {
        Some(g) => groups.insert(g.clone()),
        None => true,
    });
    let is_caveat = |f: &Finding| f.rule.section == "caveats";
    // A finding the body has no room for is not kept at all, so the JSON lists what prints.
    let mut per_section: BTreeMap<String, usize> = BTreeMap::new();
    findings.retain(|f| {
        let n = per_section.entry(f.rule.section.clone()).or_insert(0);
        *n += 1;
        is_caveat(f) || *n <= PER_SECTION
    });
    let body: Vec<usize> = (0..findings.len())
        .filter(|&i| !is_caveat(&findings[i]))
        .collect();
    let sections = SECTIONS
        .iter()
        .filter(|s| **s != "caveats")
        .filter_map(|s| {
            let idx: Vec<usize> = body
                .iter()
                .copied()
                .filter(|&i| findings[i].rule.section == *s)
                .collect();
            (!idx.is_empty()).then(|| (s.to_string(), idx))
        })
        .collect();
    Selection {
        headline: body.first().copied(),
        takeaways: body.iter().copied().take(TAKEAWAYS).collect(),
        caveats: (0..findings.len())
            .filter(|&i| is_caveat(&findings[i]))
            .collect(),
        sections,
        kept: findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Condition, Rule, Says};

    fn finding(id: &str, section: &str, priority: i64, group: Option<&str>) -> Finding {
        Finding {
            rule: Rule {
                id: id.into(),
                section: section.into(),
                priority,
                group: group.map(Into::into),
                when: Condition::All(vec![]),
                facts: Default::default(),
                says: Says::Snippet(String::new()),
                takeaway: None,
                headline: None,
                show: true,
                path: "r.yaml".into(),
                line: 1,
            },
            facts: Default::default(),
        }
    }

    #[test]
    fn ranks_groups_and_places() {
        let s = select(vec![
            finding("breadth_weak", "breadth", 40, None),
            finding("beat_week", "performance", 70, Some("sl_week")),
            finding("lag_week", "performance", 60, Some("sl_week")),
            finding("still_behind", "caveats", 90, None),
            finding("top10", "concentration", 70, None),
        ]);
        let ids: Vec<&str> = s.kept.iter().map(|f| f.rule.id.as_str()).collect();
        assert_eq!(ids, ["still_behind", "beat_week", "top10", "breadth_weak"]);
        assert_eq!(s.headline, Some(1));
        assert_eq!(s.takeaways, vec![1, 2, 3]);
        assert_eq!(s.caveats, vec![0]);
        let names: Vec<&str> = s.sections.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["performance", "concentration", "breadth"]);
    }
}
