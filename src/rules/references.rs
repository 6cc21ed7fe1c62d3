//! Rules that name other rules: the names must exist, skipping spreads along them, and no
//! rule may depend on its own history.

use std::collections::{BTreeMap, BTreeSet};

use super::{Rule, RuleProblem};

/// Rules that name other rules (`first_since(other)`): the other must exist, a rule whose
/// other was skipped is skipped too, and no rule may depend on itself through its `when`.
pub(super) fn check(
    rules: &mut Vec<Rule>,
    skipped: &mut Vec<(String, String)>,
    problems: &mut Vec<RuleProblem>,
) {
    let refs = |r: &Rule, with_facts: bool| -> BTreeSet<String> {
        let mut ms = BTreeSet::new();
        r.when.metrics(&mut ms);
        if with_facts {
            ms.extend(r.facts.values().cloned());
        }
        ms.iter()
            .flat_map(|m| {
                m.rules()
                    .into_iter()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    // Skipping spreads to rules that read skipped ones.
    loop {
        let gone: BTreeMap<String, String> = skipped.iter().cloned().collect();
        let before = rules.len();
        rules.retain(|r| match refs(r, true).iter().find_map(|id| gone.get(id)) {
            Some(name) => {
                skipped.push((r.id.clone(), name.clone()));
                false
            }
            None => true,
        });
        if rules.len() == before {
            break;
        }
    }
    let ids: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    for r in rules.iter() {
        for id in refs(r, true) {
            if !ids.contains(id.as_str()) {
                problems.push(RuleProblem {
                    path: r.path.clone(),
                    line: r.line,
                    column: 3,
                    message: format!("rule '{}': names rule '{id}', which does not exist", r.id),
                });
            }
        }
    }
    // A cycle: following `when` references from a rule leads back to it.
    let graph: BTreeMap<&str, BTreeSet<String>> = rules
        .iter()
        .map(|r| (r.id.as_str(), refs(r, false)))
        .collect();
    for r in rules.iter() {
        let mut stack: Vec<String> = graph[r.id.as_str()].iter().cloned().collect();
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if id == r.id {
                problems.push(RuleProblem {
                    path: r.path.clone(),
                    line: r.line,
                    column: 3,
                    message: format!(
                        "rule '{}': its condition depends on its own history (a cycle of rules)",
                        r.id
                    ),
                });
                break;
            }
            if seen.insert(id.clone()) {
                if let Some(next) = graph.get(id.as_str()) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
    }
}
