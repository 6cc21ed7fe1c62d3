//! Rule families: one rule written for several indexes, pairs or windows, giving one rule
//! per member.
//!
//! ```yaml
//! - id: leads
//!   pairs: [[small_caps, large_caps], [value, growth]]
//!   windows: [1d, 5d, 21d]
//!   when: spread($a, $b, $w) > 2
//!   says: "{{ names.$a }} beat {{ names.$b }} by {{ gap | points }} $over."
//! ```
//!
//! gives six rules, `leads[small_caps,large_caps,1d]` to `leads[value,growth,21d]`. In every
//! expression and text of the rule, `$x` is the member of `for_each`, `$a` and `$b` those of
//! a pair, `$w` the window, and `$over` and `$in` the window in words ("over the past month",
//! "in a month"; `$Over` and `$In` to start a sentence). `vars:` gives more, by window or by
//! member: `vars: {1d: {t: 1}, 21d: {t: 2}}` makes `$t` the threshold of each window. A member's label (inside the brackets) names it in `expect:` and wherever
//! another rule reads its history.

/// One member of a family: what its placeholders stand for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    /// `$x`.
    pub x: Option<String>,
    /// `$a` and `$b`.
    pub pair: Option<(String, String)>,
    /// `$w`.
    pub window: Option<String>,
    /// The family's `vars:` for this member (`$t` for the `t` of its label's or its window's
    /// entry), longest names first.
    pub vars: Vec<(String, String)>,
}

impl Member {
    /// The label inside the member's id: `small_caps,large_caps,21d`.
    pub fn label(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        parts.extend(self.x.as_deref());
        if let Some((a, b)) = &self.pair {
            parts.extend([a.as_str(), b.as_str()]);
        }
        parts.extend(self.window.as_deref());
        parts.join(",")
    }

    /// The member's rule id: `base[label]`.
    pub fn id(&self, base: &str) -> String {
        format!("{base}[{}]", self.label())
    }

    /// `text` with this member's placeholders filled in.
    pub fn fill(&self, text: &str) -> String {
        let mut out = text.to_string();
        // Longer names first, so that `$then` is not read as `$t` followed by "hen".
        let mut vars: Vec<&(String, String)> = self.vars.iter().collect();
        vars.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        for (name, value) in vars {
            out = out.replace(&format!("${name}"), value);
        }
        if let Some(w) = &self.window {
            out = (out.replace("$Over", &capitalize(&over(w))))
                .replace("$over", &over(w))
                .replace("$In", &capitalize(&within(w)))
                .replace("$in", &within(w));
        }
        if let Some(x) = &self.x {
            out = out.replace("$x", x);
        }
        if let Some((a, b)) = &self.pair {
            out = out.replace("$a", a).replace("$b", b);
        }
        if let Some(w) = &self.window {
            out = out.replace("$w", w);
        }
        out
    }
}

/// Whether `query` names rule `id`: the id itself, or its family (`leads` names every
/// `leads[...]`).
pub fn names(query: &str, id: &str) -> bool {
    id == query
        || id
            .strip_prefix(query)
            .is_some_and(|rest| rest.starts_with('['))
}

/// A family's `vars:`: by member label or by window, each a map of placeholder names to
/// values (`21d: {t: 2, p: 80}`).
pub type Vars = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

/// The members of a family: every `for_each` name (or every pair), times every window, each
/// with its `vars` (its label's entry over its window's). A rule with none of the three is a
/// single rule (one member with nothing to fill).
pub fn members(
    for_each: &[String],
    pairs: &[(String, String)],
    windows: &[String],
    vars: &Vars,
) -> Result<Vec<Member>, String> {
    let mut out = plain_members(for_each, pairs, windows)?;
    let labels: Vec<String> = out.iter().map(Member::label).collect();
    for key in vars.keys() {
        let known = labels.contains(key)
            || windows.contains(key)
            || for_each.contains(key)
            || pairs
                .iter()
                .any(|(a, b)| a == key || b == key || format!("{a},{b}") == *key);
        if !known {
            return Err(format!(
                "vars: '{key}' is neither a member ({}) nor a window",
                labels.join("; ")
            ));
        }
    }
    for m in &mut out {
        // From the broadest entry to the most particular: a window, one side of a pair or
        // the name, the whole pair, the whole label.
        let keys = [
            m.window.clone(),
            m.pair.as_ref().map(|(a, _)| a.clone()),
            m.pair.as_ref().map(|(_, b)| b.clone()),
            m.x.clone(),
            m.pair.as_ref().map(|(a, b)| format!("{a},{b}")),
            Some(m.label()),
        ];
        let mut merged = std::collections::BTreeMap::new();
        for k in keys.iter().flatten() {
            if let Some(v) = vars.get(k) {
                merged.extend(v.clone());
            }
        }
        let mut v: Vec<(String, String)> = merged.into_iter().collect();
        v.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        m.vars = v;
    }
    Ok(out)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn plain_members(
    for_each: &[String],
    pairs: &[(String, String)],
    windows: &[String],
) -> Result<Vec<Member>, String> {
    if !for_each.is_empty() && !pairs.is_empty() {
        return Err("a family takes for_each or pairs, not both".into());
    }
    let heads: Vec<Member> = if !for_each.is_empty() {
        (for_each.iter())
            .map(|x| Member {
                x: Some(x.clone()),
                ..Member::default()
            })
            .collect()
    } else if !pairs.is_empty() {
        (pairs.iter())
            .map(|p| Member {
                pair: Some(p.clone()),
                ..Member::default()
            })
            .collect()
    } else {
        vec![Member::default()]
    };
    if windows.is_empty() {
        return Ok(heads);
    }
    Ok(heads
        .iter()
        .flat_map(|h| {
            windows.iter().map(move |w| Member {
                window: Some(w.clone()),
                ..h.clone()
            })
        })
        .collect())
}

/// A window in words after a verb: "on the day", "over five sessions", "over the past month".
fn over(w: &str) -> String {
    match w {
        "1d" => "on the day".into(),
        "5d" => "over five sessions".into(),
        "21d" => "over the past month".into(),
        "63d" => "over three months".into(),
        "126d" => "over six months".into(),
        "252d" => "over the past year".into(),
        "wtd" => "this week".into(),
        "mtd" => "this month".into(),
        "qtd" => "this quarter".into(),
        "ytd" => "this year".into(),
        "prev_week" => "last week".into(),
        "prev_month" => "last month".into(),
        other => format!("over {} sessions", other.trim_end_matches('d')),
    }
}

/// A window in a headline's words: "in a session", "in five sessions", "in a month".
fn within(w: &str) -> String {
    match w {
        "1d" => "in a session".into(),
        "5d" => "in five sessions".into(),
        "21d" => "in a month".into(),
        "63d" => "in three months".into(),
        "126d" => "in six months".into(),
        "252d" => "in a year".into(),
        other => over(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn pairs_times_windows_give_one_member_each() {
        let pairs = vec![
            ("small_caps".to_string(), "large_caps".to_string()),
            ("value".to_string(), "growth".to_string()),
        ];
        let mut vars = Vars::new();
        vars.insert(
            "21d".into(),
            [
                ("t".to_string(), "2".to_string()),
                ("p".into(), "80".into()),
            ]
            .into(),
        );
        vars.insert(
            "value,growth,21d".into(),
            [("t".to_string(), "3".to_string())].into(),
        );
        let m = members(&[], &pairs, &s(&["5d", "21d"]), &vars).unwrap();
        let ids: Vec<String> = m.iter().map(|m| m.id("leads")).collect();
        assert_eq!(
            ids,
            [
                "leads[small_caps,large_caps,5d]",
                "leads[small_caps,large_caps,21d]",
                "leads[value,growth,5d]",
                "leads[value,growth,21d]",
            ]
        );
        assert_eq!(
            m[1].fill("spread($a, $b, $w) > $t: {{ names.$a }} led $over ($in). $Over"),
            "spread(small_caps, large_caps, 21d) > 2: {{ names.small_caps }} led over the \
             past month (in a month). Over the past month"
        );
        assert_eq!(
            m[3].fill("$t $p"),
            "3 80",
            "the label's entry over the window's"
        );
        assert_eq!(
            m[0].fill("$t"),
            "$t",
            "no entry: left as written, for check to find"
        );
        let bad: Vars = [("3d".to_string(), Default::default())].into();
        assert!(members(&[], &pairs, &s(&["5d"]), &bad)
            .unwrap_err()
            .contains("'3d'"));
    }

    #[test]
    fn a_family_name_names_its_members() {
        assert!(names("leads", "leads[a,b,1d]"));
        assert!(names("leads[a,b,1d]", "leads[a,b,1d]"));
        assert!(!names("lead", "leads[a,b,1d]"));
        assert!(!names("leads", "leads_more"));
    }

    #[test]
    fn for_each_and_single_rules() {
        let none = Vars::new();
        let m = members(&s(&["large_caps", "tech"]), &[], &[], &none).unwrap();
        assert_eq!(m[1].id("near_high"), "near_high[tech]");
        assert_eq!(m[1].fill("from_peak($x, 252d)"), "from_peak(tech, 252d)");
        let single = members(&[], &[], &[], &none).unwrap();
        assert_eq!(single, [Member::default()]);
        assert_eq!(single[0].fill("no $x here"), "no $x here");
        assert!(members(&s(&["a"]), &[("a".into(), "b".into())], &[], &none).is_err());
    }
}
