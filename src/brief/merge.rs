//! Findings that share a fact, told once: two findings of one family that share the fact their
//! rule names in `merge_on` (the Russell 2000's day against the S&P 500 and against the
//! Nasdaq-100 share the Russell 2000's return) become one statement, in the rule's `merged`
//! wording. The first keeps its place and takes the second's facts as `also_<name>`; the
//! second is left out, and the JSON's `dropped` says with whom it was told.

use std::sync::Arc;

use crate::rules::Finding;

/// The family of a rule id: `leads` for `leads[small_caps,tech,1d]`.
fn family(id: &str) -> &str {
    id.split('[').next().unwrap_or(id)
}

/// The subject of `b` that `a` does not name, if it has exactly one.
fn own_subject(a: &Finding, b: &Finding) -> Option<String> {
    let named = |s: &String| a.rule.about.subjects.iter().any(|(t, _)| t == s);
    let mut own = (b.rule.about.subjects.iter()).filter(|(s, _)| !named(s));
    match (own.next(), own.next()) {
        (Some((s, _)), None) => Some(s.clone()),
        _ => None,
    }
}

/// Whether `b` can be told with `a`: one family with `merged` wordings, and the fact both
/// name in `merge_on` has one metric and one value in both.
fn joins(a: &Finding, b: &Finding) -> bool {
    let Some(on) = a.rule.merge_on.as_deref() else {
        return false;
    };
    a.also.is_none()
        && !a.rule.merged.is_empty()
        && family(&a.rule.id) == family(&b.rule.id)
        && a.rule
            .facts
            .get(on)
            .is_some_and(|m| b.rule.facts.get(on) == Some(m))
        && a.facts.get(on).is_some_and(|v| b.facts.get(on) == Some(v))
        && own_subject(a, b).is_some()
}

/// `kept` with each finding that shares its `merge_on` fact with an earlier one told by it;
/// the findings told so are added to `dropped` with the reason.
pub fn shared_facts(kept: Vec<Finding>, dropped: &mut Vec<(String, String)>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(kept.len());
    for f in kept {
        let Some(g) = out.iter_mut().find(|g| joins(g, &f)) else {
            out.push(f);
            continue;
        };
        g.also = own_subject(g, &f);
        g.rule = Arc::new(g.rule.with_also(&f.rule));
        for (name, v) in &f.facts {
            g.facts.insert(format!("also_{name}"), v.clone());
        }
        let why = format!(
            "told with {} in one statement (they share a fact)",
            g.rule.id
        );
        dropped.push((f.rule.id.clone(), why));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Metric, Value, Window};
    use crate::rules::{Condition, Rule, Says};

    /// A `leads` member of `a` over `b` on the day, with the leader's return `a_ret`.
    fn lead(a: &str, b: &str, a_ret: f64, b_ret: f64, merged: bool) -> Finding {
        let ret = |s: &str| Metric::Return(s.into(), Window::Days(1));
        let about = crate::rules::About {
            subjects: vec![(a.into(), 1), (b.into(), -1)],
            ..Default::default()
        };
        Finding {
            rule: Arc::new(Rule {
                id: format!("leads[{a},{b},1d]"),
                section: "performance".into(),
                priority: 50,
                group: None,
                when: Condition::All(vec![]),
                facts: [("a_ret".into(), ret(a)), ("b_ret".into(), ret(b))].into(),
                says: Says::Snippet(vec![String::new()]),
                takeaway: vec![],
                headline: vec![],
                watch: vec![],
                clause: vec![],
                merged: if merged { vec!["m".into()] } else { vec![] },
                merge_on: Some("a_ret".into()),
                maybe: Default::default(),
                about,
                applies_to: vec![],
                baseline: false,
                show: true,
                expect: Default::default(),
                path: "r.yaml".into(),
                line: 1,
            }),
            facts: [
                ("a_ret".into(), Value::Number(a_ret)),
                ("b_ret".into(), Value::Number(b_ret)),
            ]
            .into(),
            strength: 0.0,
            news: 1.0,
            also: None,
        }
    }

    #[test]
    fn two_leads_of_one_index_on_one_day_become_one_statement() {
        let kept = vec![
            lead("IWM", "SPY", 2.7, 0.2, true),
            lead("SPY", "QQQ", 0.2, 0.0, true),
            lead("IWM", "QQQ", 2.7, 0.0, true),
        ];
        let mut dropped = Vec::new();
        let out = shared_facts(kept, &mut dropped);
        let ids: Vec<&str> = out.iter().map(|f| f.rule.id.as_str()).collect();
        assert_eq!(ids, ["leads[IWM,SPY,1d]", "leads[SPY,QQQ,1d]"]);
        let first = &out[0];
        assert_eq!(first.also.as_deref(), Some("QQQ"));
        assert_eq!(first.facts["also_b_ret"], Value::Number(0.0));
        assert_eq!(
            first.rule.facts["also_b_ret"],
            Metric::Return("QQQ".into(), Window::Days(1))
        );
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].0, "leads[IWM,QQQ,1d]");
        // The S&P 500's lead over the Nasdaq-100 shares no leader's return: it stays.
        assert!(out[1].also.is_none());
    }

    #[test]
    fn without_merged_wordings_or_a_shared_value_findings_stay_apart() {
        let mut dropped = Vec::new();
        let plain = vec![
            lead("IWM", "SPY", 2.7, 0.2, false),
            lead("IWM", "QQQ", 2.7, 0.0, false),
        ];
        assert_eq!(shared_facts(plain, &mut dropped).len(), 2);
        // Another value of the same metric (it cannot happen on one day, but a stale fact
        // could) is not a shared fact.
        let apart = vec![
            lead("IWM", "SPY", 2.7, 0.2, true),
            lead("IWM", "QQQ", 2.6, 0.0, true),
        ];
        assert_eq!(shared_facts(apart, &mut dropped).len(), 2);
        assert!(dropped.is_empty());
    }
}
