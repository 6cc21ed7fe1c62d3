//! `marketbrief check`: the run file, every rule and every template, with every problem
//! reported at once, each at its file, line and column and naming its rule.
//!
//! Rules are validated as a run validates them (unknown metrics, type mismatches, thresholds
//! a metric can never cross). Templates are compiled one by one, so that one broken template
//! does not hide the next. Each rule text's variables must be the rule's facts (or `names`),
//! each page template's variables must be fields of its context, and each rule text must
//! render with values of its facts' kinds (a date through `percent` fails here, not on the
//! first day the rule fires). No data is read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use crate::brief::display_names;
use crate::config::RunConfig;
use crate::metrics::{Kind, Metric};
use crate::narrative::context::{BriefCtx, PageCtx};
use crate::narrative::{
    filters, template_sources, tera_position, wording_name, Origin, ALSO_NAME, SAID, SPANS,
};
use crate::rules::{Rule, RuleError, RuleSet, Says};

/// One problem, where a person can open it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when the file as a whole is at fault: the message then names it).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, naming the rule when there is one.
    pub message: String,
}

/// Everything `check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
    /// Rules read (valid or not).
    pub rules: usize,
    /// Templates compiled, rule texts included.
    pub templates: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            match p.line {
                // Whole-file messages name their file already.
                0 => writeln!(f, "{}", p.message)?,
                _ => writeln!(
                    f,
                    "{}:{}:{}: {}",
                    p.path.display(),
                    p.line,
                    p.column,
                    p.message
                )?,
            }
        }
        let n = self.problems.len();
        write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })
    }
}

impl Report {
    /// The line printed when all is well.
    pub fn summary(&self) -> String {
        format!(
            "ok: the run file, {} rules and {} templates have no problems\n",
            self.rules, self.templates
        )
    }
}

/// Checks the run file at `config_path` and everything it names.
pub fn check(config_path: &Path) -> Report {
    let mut report = Report::default();
    let config = match RunConfig::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            report.problems.push(Problem {
                path: config_path.to_path_buf(),
                line: 0,
                column: 0,
                message: e.to_string(),
            });
            return report;
        }
    };
    let rules = match RuleSet::load_all(&config.rules_dir, &config) {
        Ok((rules, problems)) => {
            report
                .problems
                .extend(problems.into_iter().map(|p| Problem {
                    path: p.path,
                    line: p.line,
                    column: p.column,
                    message: p.message,
                }));
            rules
        }
        Err(e) => {
            let path = match &e {
                RuleError::Io { path, .. } => path.clone(),
                _ => config.rules_dir.clone(),
            };
            report.problems.push(whole_file(path, e.to_string()));
            return report;
        }
    };
    report.rules = count_rules(&config.rules_dir);
    templates(&config, &rules, &mut report);
    report.problems.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
    });
    report.problems.dedup();
    report
}

fn whole_file(path: PathBuf, message: String) -> Problem {
    Problem {
        path,
        line: 0,
        column: 0,
        message,
    }
}

/// Rules written in the folder, counted by their `id:` lines.
fn count_rules(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|t| {
            t.lines()
                .filter(|l| l.trim_start().trim_start_matches("- ").starts_with("id:"))
                .count()
        })
        .sum()
}

fn templates(config: &RunConfig, rules: &RuleSet, report: &mut Report) {
    let sources = match template_sources(config.templates_dir.as_deref(), rules) {
        Ok(s) => s,
        Err(e) => {
            let dir = config.templates_dir.clone().unwrap_or_default();
            report.problems.push(whole_file(dir, e.to_string()));
            return;
        }
    };
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html.tera"]);
    filters::register(&mut tera, config.locale, config.style.bands);
    let problem = |name: &str, line: usize, col: usize, message: String| {
        let (path, line, column, rule) = position(&sources, name, line, col);
        Problem {
            path,
            line,
            column,
            message: match rule {
                Some(id) => format!("rule '{id}': {message}"),
                None => message,
            },
        }
    };
    // Compile: all at once when all is well, else one at a time in rounds, so that a template
    // that includes another waits for it, and each broken one reports its own error.
    let mut pending: Vec<&String> = sources.keys().collect();
    if tera
        .add_raw_templates(sources.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
        .is_ok()
    {
        pending.clear();
    }
    loop {
        let before = pending.len();
        pending.retain(|name| tera.add_raw_template(name, &sources[*name].0).is_err());
        if pending.len() == before {
            break;
        }
    }
    for name in &pending {
        if let Err(e) = tera.add_raw_template(name, &sources[*name].0) {
            let (at, message) = tera_position(&e);
            // A template that only fails because it includes a broken one is not reported.
            let cascade = pending
                .iter()
                .any(|p| message.contains(&format!("Unknown template `{p}`")));
            if cascade {
                continue;
            }
            let (n, line, col) = at.unwrap_or(((*name).clone(), 1, 1));
            let n = if sources.contains_key(&n) {
                n
            } else {
                (*name).clone()
            };
            report
                .problems
                .push(problem(&n, line, col, first_line(&message)));
        }
    }
    report.templates = sources.len() - pending.len();
    let compiled = |name: &str| tera.contains_template(name) && !pending.iter().any(|p| *p == name);

    let names = display_names(config);
    for rule in &rules.rules {
        let mut texts: Vec<String> = Vec::new();
        for (which, n) in [
            ("takeaway", rule.takeaway.len()),
            ("headline", rule.headline.len()),
            ("watch", rule.watch.len()),
            ("clause", rule.clause.len()),
            ("merged", rule.merged.len()),
        ] {
            texts.extend((0..n).map(|i| wording_name(&rule.id, which, i)));
        }
        match &rule.says {
            Says::Snippet(v) => {
                texts.extend((0..v.len()).map(|i| wording_name(&rule.id, "says", i)));
            }
            // A template that exists but does not compile has its own problem above.
            Says::Template(t) if !sources.contains_key(t) => {
                report.problems.push(Problem {
                    path: rule.path.clone(),
                    line: rule.line,
                    column: 3,
                    message: format!("rule '{}': template '{t}' not found", rule.id),
                });
            }
            Says::Template(t) => texts.push(t.clone()),
        }
        // A merged wording reads the other finding's facts too, as `also_<name>`.
        let with_also = rule.with_also(rule);
        for name in texts.iter().filter(|n| compiled(n)) {
            let text = &sources[name].0;
            let merged = name.starts_with(&format!("rule/{}/merged/", rule.id));
            let rule = if merged { &with_also } else { rule };
            let unknown = unknown_variables(&tera, name, rule);
            for var in &unknown {
                let (line, col) = first_use(text, var);
                let facts: Vec<&str> = rule.facts.keys().map(String::as_str).collect();
                let message = format!(
                    "uses '{var}', which the rule's facts do not provide (its facts: {})",
                    if facts.is_empty() {
                        "none".to_string()
                    } else {
                        facts.join(", ")
                    }
                );
                report.problems.push(problem(name, line, col, message));
            }
            if let Some(var) = undated_holdings(&tera, name, rule) {
                let (line, col) = first_use(text, &var);
                let message = format!(
                    "prints the holdings figure '{var}' without the date of its snapshot: add a \
                     holdings_date(...) fact and print it, since snapshots are often months old"
                );
                report.problems.push(problem(name, line, col, message));
            }
            if unknown.is_empty() {
                // With every fact, and without the `maybe:` ones (a day that lacks them).
                let rendered = tera
                    .render(name, &sample_context(rule, &names, true))
                    .and_then(|_| tera.render(name, &sample_context(rule, &names, false)));
                if let Err(e) = rendered {
                    let (at, message) = tera_position(&e);
                    let (_, line, col) = at.unwrap_or((name.clone(), 1, 1));
                    let message = format!(
                        "does not render with values of its facts' kinds: {}",
                        first_line(&message)
                    );
                    report.problems.push(problem(name, line, col, message));
                }
            }
        }
    }
    page_variables(&tera, &sources, report);
}

/// A Tera message's first line, without its own `error: ` prefix.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default().trim();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

/// Variables a rule text reads that are neither the rule's facts nor `names`.
fn unknown_variables(tera: &Tera, name: &str, rule: &Rule) -> BTreeSet<String> {
    let Ok(vars) = tera.get_template_variables(name) else {
        return BTreeSet::new();
    };
    vars.into_iter()
        .filter(|v| {
            !["names", SPANS, SAID, ALSO_NAME].contains(v)
                && !rule.facts.contains_key(*v)
                && !rule.maybe.contains(*v)
        })
        .map(str::to_string)
        .collect()
}

/// A holdings fact a rule text prints when it prints no snapshot date.
fn undated_holdings(tera: &Tera, name: &str, rule: &Rule) -> Option<String> {
    let vars = tera.get_template_variables(name).ok()?;
    let metric = |v: &str| rule.facts.get(v);
    let dated = vars.iter().any(|v| {
        matches!(
            metric(v),
            Some(Metric::HoldingsDate(_) | Metric::PreviousHoldingsDate(_))
        )
    });
    (!dated)
        .then(|| {
            vars.into_iter()
                .find(|v| metric(v).is_some_and(|m| m.holdings().is_some()))
        })
        .flatten()
        .map(str::to_string)
}

/// The facts of `rule` with a value of each one's kind (the `maybe:` ones only with
/// `maybe`), and the run's display names.
fn sample_context(rule: &Rule, names: &BTreeMap<String, String>, maybe: bool) -> Context {
    let mut ctx = Context::new();
    for (name, metric) in (rule.facts.iter()).filter(|(n, _)| maybe || !rule.maybe.contains(*n)) {
        match metric.kind() {
            Kind::Count => ctx.insert(name.clone(), &3),
            Kind::Date => ctx.insert(name.clone(), "2024-01-02"),
            // A basket's leader or laggard is one of its members' symbols.
            Kind::Text => match metric {
                Metric::Basket(_, b, ..) => ctx.insert(name.clone(), &b.members[0]),
                _ => ctx.insert(name.clone(), "Energy"),
            },
            _ => ctx.insert(name.clone(), &1.5),
        }
    }
    ctx.insert("names", names);
    ctx.insert(ALSO_NAME, "the other index");
    let spans: BTreeMap<&String, usize> = rule.facts.keys().map(|k| (k, 1)).collect();
    ctx.insert(SPANS, &spans);
    // With `maybe` set, every fact counts as said already; without, none.
    let said: BTreeMap<&String, bool> = rule.facts.keys().map(|k| (k, maybe)).collect();
    ctx.insert(SAID, &said);
    ctx
}

/// The page templates' variables against the fields of their contexts.
fn page_variables(tera: &Tera, sources: &BTreeMap<String, (String, Origin)>, report: &mut Report) {
    let brief_fields = fields(&BriefCtx::default());
    let page_fields = fields(&PageCtx::default());
    for (name, (text, origin)) in sources {
        let Origin::File(path) = origin else { continue };
        let known = if name == "page.html.tera" {
            &page_fields
        } else if name.starts_with("brief.") || name.starts_with("partials/") {
            &brief_fields
        } else {
            continue;
        };
        let Ok(vars) = tera.get_template_variables(name) else {
            continue;
        };
        let mut unknown: Vec<&str> = vars.into_iter().filter(|v| !known.contains(*v)).collect();
        unknown.sort_unstable();
        for var in unknown {
            let (line, column) = first_use(text, var);
            let mut fields: Vec<&str> = known.iter().map(String::as_str).collect();
            fields.sort_unstable();
            report.problems.push(Problem {
                path: path.clone(),
                line,
                column,
                message: format!(
                    "undefined variable '{var}' (this template can use: {})",
                    fields.join(", ")
                ),
            });
        }
    }
}

fn fields<T: serde::Serialize>(ctx: &T) -> BTreeSet<String> {
    match serde_json::to_value(ctx) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => BTreeSet::new(),
    }
}

/// The line and column of the first use of `var` inside a `{{ }}` or `{% %}` tag of `text`.
fn first_use(text: &str, var: &str) -> (usize, usize) {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut in_tag = false;
    for (i, line) in text.lines().enumerate() {
        let mut k = 0;
        while k < line.len() {
            let rest = &line[k..];
            if rest.starts_with("{{") || rest.starts_with("{%") {
                in_tag = true;
            } else if rest.starts_with("}}") || rest.starts_with("%}") {
                in_tag = false;
            } else if in_tag && rest.starts_with(var) {
                let before = line[..k].chars().next_back();
                let after = rest[var.len()..].chars().next();
                if !before.is_some_and(|c| is_word(c) || c == '.') && !after.is_some_and(is_word) {
                    return (i + 1, line[..k].chars().count() + 1);
                }
            }
            k += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    (1, 1)
}

/// Where line `line`, column `col` of template `name` is in a file a person can open, and the
/// rule it belongs to. A rule text's position is found in its rule file: the text's line is
/// looked up below the rule's `id:`.
fn position(
    sources: &BTreeMap<String, (String, Origin)>,
    name: &str,
    line: usize,
    col: usize,
) -> (PathBuf, usize, usize, Option<String>) {
    match sources.get(name) {
        Some((_, Origin::File(p))) => (p.clone(), line, col, None),
        Some((text, Origin::Rule(path, rule_line, id, _))) => {
            // YAML folds and indents texts, so the text's own line and column are not the
            // file's: the piece of text at that point (up to the end of its tag) is looked up
            // in the rule's lines of the file instead.
            let piece: String = {
                let l = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
                let rest: String = l.chars().skip(col.saturating_sub(1)).collect();
                let end = ["}}", "%}"]
                    .iter()
                    .filter_map(|t| rest.find(t).map(|i| i + t.len()))
                    .min()
                    .unwrap_or(rest.len());
                rest[..end].trim_end().to_string()
            };
            let file = std::fs::read_to_string(path).unwrap_or_default();
            let block = (file.lines().enumerate().skip(rule_line - 1))
                .take_while(|(i, l)| *i + 1 == *rule_line || !l.starts_with("- "));
            let found = block.filter(|_| !piece.is_empty()).find_map(|(i, l)| {
                l.find(piece.as_str())
                    .map(|c| (i + 1, l[..c].chars().count() + 1))
            });
            let (line, column) = found.unwrap_or((*rule_line, 3));
            (path.clone(), line, column, Some(id.clone()))
        }
        _ => (PathBuf::from(format!("{name} (embedded)")), line, col, None),
    }
}
