//! Rules: YAML files of conditions over metrics, and what to say when they hold.
//!
//! A rule file is read as written (`raw.rs`), then every rule is validated against the run
//! file (metrics resolve, sections exist, ids are unique), and all problems of all files are
//! reported at once, each with its file and line. A valid rule's `when` compiles into one
//! polars boolean expression; [`RuleSet::evaluate`] computes every rule over the whole calendar
//! in one pass, and [`RuleSet::findings`] reads the as-of row.

pub mod about;
mod expr;
pub mod family;
pub mod kinds;
pub mod news;
mod raw;
mod references;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::RunConfig;
use crate::metrics::{in_dependency_order, Metric, MetricFrame, Value};

pub use about::{About, Family};
pub use expr::{parse_call, Arg, Op, Operand};

/// Sections of a brief, in the order they are printed.
pub const SECTIONS: &[&str] = &[
    "performance",
    "rotation",
    "sectors",
    "style",
    "concentration",
    "breadth",
    "risk",
    "rates",
    "valuation",
    "history",
    "positioning",
    "caveats",
];

/// One problem in one rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleProblem {
    /// The rule file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (of the offending text, or of the rule's `id`).
    pub column: usize,
    /// What is wrong, naming the rule.
    pub message: String,
}

/// Every problem found in the rule folder.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The folder or a file could not be read.
    #[error("{path}: cannot read rules: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Rules that cannot be used, all of them.
    #[error("{}", .0.iter().map(|p| format!("{}:{}:{}: {}", p.path.display(), p.line, p.column, p.message)).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<RuleProblem>),
    /// Polars failed while evaluating conditions.
    #[error("evaluating rules: {0}")]
    Polars(#[from] PolarsError),
}

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `left op right`.
    Compare(Side, Op, Side),
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
}

/// A resolved side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Side {
    /// A number.
    Number(f64),
    /// A metric column.
    Metric(Metric),
}

impl Side {
    fn expr(&self) -> Expr {
        match self {
            Side::Number(x) => lit(*x),
            Side::Metric(m) => col(m.to_string()),
        }
    }
}

impl Condition {
    /// The boolean column expression that says on which dates the condition holds. Missing
    /// values stay unknown through `all`, `any` and `not` (three-valued logic), and unknown
    /// means "does not hold" only at the end, so `not` of a missing comparison is not true.
    pub fn holds(&self) -> Expr {
        self.expr().fill_null(lit(false))
    }

    fn expr(&self) -> Expr {
        match self {
            Condition::Compare(l, op, r) => {
                let (l, r) = (l.expr(), r.expr());
                match op {
                    Op::Gt => l.gt(r),
                    Op::Ge => l.gt_eq(r),
                    Op::Lt => l.lt(r),
                    Op::Le => l.lt_eq(r),
                    Op::Eq => l.eq(r),
                    Op::Ne => l.neq(r),
                }
            }
            Condition::All(cs) => cs
                .iter()
                .map(Condition::expr)
                .reduce(Expr::and)
                .unwrap_or(lit(true)),
            Condition::Any(cs) => cs
                .iter()
                .map(Condition::expr)
                .reduce(Expr::or)
                .unwrap_or(lit(false)),
            Condition::Not(c) => c.expr().not(),
        }
    }

    /// How far past its thresholds the condition is on `row`: each comparison's margin over
    /// the size of its threshold (at least 1), the weakest of an `all`, the strongest of an
    /// `any`, and 0 for `not` or a missing value.
    pub fn strength(&self, metrics: &MetricFrame, row: usize) -> f64 {
        let number = |side: &Side| match side {
            Side::Number(x) => Some(*x),
            Side::Metric(m) => match metrics.value(m, row)? {
                Value::Number(x) => Some(x),
                Value::Count(n) => Some(n as f64),
                _ => None,
            },
        };
        let strength = match self {
            Condition::Compare(l, op, r) => {
                let (Some(a), Some(b)) = (number(l), number(r)) else {
                    return 0.0;
                };
                let past = match op {
                    Op::Gt | Op::Ge => a - b,
                    Op::Lt | Op::Le => b - a,
                    Op::Eq | Op::Ne => 0.0,
                };
                let threshold = match (l, r) {
                    (_, Side::Number(x)) | (Side::Number(x), _) => *x,
                    _ => b,
                };
                past / threshold.abs().max(1.0)
            }
            Condition::All(cs) => cs
                .iter()
                .map(|c| c.strength(metrics, row))
                .fold(f64::INFINITY, f64::min),
            Condition::Any(cs) => cs
                .iter()
                .map(|c| c.strength(metrics, row))
                .fold(0.0, f64::max),
            Condition::Not(_) => 0.0,
        };
        if strength.is_finite() {
            strength.max(0.0)
        } else {
            0.0
        }
    }

    fn metrics(&self, out: &mut BTreeSet<Metric>) {
        match self {
            Condition::Compare(l, _, r) => {
                for side in [l, r] {
                    if let Side::Metric(m) = side {
                        out.insert(m.clone());
                    }
                }
            }
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.metrics(out)),
            Condition::Not(c) => c.metrics(out),
        }
    }
}

/// What a rule says when it holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Says {
    /// Inline Tera snippets: one wording, or several that the brief rotates through by date.
    Snippet(Vec<String>),
    /// The name of a template in the template folder.
    Template(String),
}

impl Says {
    /// How many wordings the brief rotates through (a template is one).
    pub fn wordings(&self) -> usize {
        match self {
            Says::Snippet(v) => v.len(),
            Says::Template(_) => 1,
        }
    }
}

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// One of [`SECTIONS`].
    pub section: String,
    /// Higher is more notable.
    pub priority: i64,
    /// Findings of one group exclude each other: only the highest priority is kept.
    pub group: Option<String>,
    /// The compiled condition.
    pub when: Condition,
    /// Named facts, each a metric (those under `maybe:` included).
    pub facts: BTreeMap<String, Metric>,
    /// Facts a text may do without (`maybe:`): a day without their value still gives the
    /// finding, and the texts test `{% if name is defined %}`. A run without the data of one
    /// has it here and not among `facts`.
    pub maybe: BTreeSet<String>,
    /// The body text.
    pub says: Says,
    /// Wordings of a short line for the key takeaways (none: the body text is used).
    pub takeaway: Vec<String>,
    /// Wordings of a headline (none: the takeaway, without its full stop).
    pub headline: Vec<String>,
    /// Wordings of a line for the "what to watch" close (none: the rule adds no line).
    pub watch: Vec<String>,
    /// Wordings of a short clause that can close another finding's headline after "as"
    /// ("tech sells off"): none, the rule never does.
    pub clause: Vec<String>,
    /// Wordings of one statement for two findings of the rule's family that share a fact
    /// (the leader's return over one window, against two others): the second's facts read
    /// `also_<name>` and its own subject `also_name`. None: such findings stay two.
    pub merged: Vec<String>,
    /// The fact that two findings of the family must share, under this name with one metric
    /// and one value, to be told by `merged`.
    pub merge_on: Option<String>,
    /// What the rule is about: its subjects and their stances, its family and window.
    pub about: About,
    /// For caveats: the sections this caveat is about. It prints only when the brief prints
    /// a finding of one of them (empty: it always may).
    pub applies_to: Vec<String>,
    /// A rule expected to hold on most days (the day's moves, or a signal that other rules
    /// count): it prints only when no other body finding does, so a quiet day still has a
    /// headline, and the backtest's noise bar (held on more than 40% of days) spares it.
    pub baseline: bool,
    /// `false` for a signal that other rules read through history metrics (`streak(...)`)
    /// but that is never a finding of its own.
    pub show: bool,
    /// Dates on which the rule is expected to hold, or not (its rule tests).
    pub expect: Expect,
    /// Where the rule is written.
    pub path: PathBuf,
    /// The line of its `id:`.
    pub line: usize,
}

/// A rule's tests: dates of the run file's data on which it must hold, or must not.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// Trading days on which the condition must hold.
    pub fires_on: Vec<chrono::NaiveDate>,
    /// Trading days on which it must not.
    pub silent_on: Vec<chrono::NaiveDate>,
    /// The line of `expect:` (the rule's line when there is none).
    pub line: usize,
}

/// A rule that holds on the as-of date, with the values of its facts.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule (shared with the run's rule set: a finding is made per rule and day).
    pub rule: std::sync::Arc<Rule>,
    /// Fact values on the as-of date.
    pub facts: BTreeMap<String, Value>,
    /// How far past its thresholds the condition is on that date (0 at the threshold, 1 at
    /// twice it): ranks findings of equal news value.
    pub strength: f64,
    /// How much of the day's news it is (see [`news`]): the brief leads with the highest.
    pub news: f64,
    /// The subject of a finding merged into this one (see [`Rule::merged`]), whose facts it
    /// holds as `also_<name>`.
    pub also: Option<String>,
}

impl Rule {
    /// The rule with `other`'s facts added as `also_<name>`: what a merged statement reads.
    pub fn with_also(&self, other: &Rule) -> Rule {
        let mut out = self.clone();
        for (name, m) in &other.facts {
            out.facts.insert(format!("also_{name}"), m.clone());
        }
        for name in &other.maybe {
            out.maybe.insert(format!("also_{name}"));
        }
        out
    }
}

impl Finding {
    /// The metrics of the facts it has values for (an optional fact without one, or one
    /// left out, is not read).
    pub fn metrics(&self) -> impl Iterator<Item = &Metric> {
        (self.rule.facts.iter())
            .filter(|(name, _)| self.facts.contains_key(*name))
            .map(|(_, m)| m)
    }
}

/// Whether rule `id` held on `row` of its boolean column (`None`: unknown, or no such row).
pub fn held_on(held: &DataFrame, id: &str, row: usize) -> Option<bool> {
    (held.column(id).ok())
        .and_then(|c| c.get(row).ok())
        .and_then(|v| v.extract_bool())
}

/// All rules of a run, and their boolean columns once evaluated.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Rules, in file-name order, then in file order; shared with the findings they make.
    pub rules: Vec<std::sync::Arc<Rule>>,
    /// Rules left out because they need data the run file marks absent: (rule id, name).
    pub skipped: Vec<(String, String)>,
}

impl RuleSet {
    /// Reads and validates every `*.yaml` file of `dir`, reporting all problems at once.
    pub fn load(dir: &Path, config: &RunConfig) -> Result<Self, RuleError> {
        let (set, problems) = Self::load_all(dir, config)?;
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(RuleError::Invalid(problems))
        }
    }

    /// The valid rules of `dir` and the problems of the others (for `check`, which goes on
    /// to the templates of the valid ones). Only a folder or file that cannot be read fails.
    pub fn load_all(dir: &Path, config: &RunConfig) -> Result<(Self, Vec<RuleProblem>), RuleError> {
        let io = |source| RuleError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        files.sort();
        let mut rules = Vec::new();
        let mut problems = Vec::new();
        let mut skipped = Vec::new();
        // Every rule's id and place, valid or not, so a repeated id is reported either way.
        let mut ids: Vec<(String, PathBuf, usize)> = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|source| RuleError::Io {
                path: path.clone(),
                source,
            })?;
            raw::validate_file(
                &path,
                &text,
                config,
                &mut rules,
                &mut problems,
                &mut skipped,
                &mut ids,
            );
        }
        let mut seen: BTreeMap<&str, (&Path, usize)> = BTreeMap::new();
        for (id, path, line) in &ids {
            if let Some((p, l)) = seen.insert(id, (path, *line)) {
                problems.push(RuleProblem {
                    path: path.clone(),
                    line: *line,
                    column: 3,
                    message: format!("rule '{id}': id already used at {}:{l}", p.display()),
                });
            }
        }
        references::check(&mut rules, &mut skipped, &mut problems);
        about::resolve(&mut rules);
        let rules = rules.into_iter().map(std::sync::Arc::new).collect();
        Ok((RuleSet { rules, skipped }, problems))
    }

    /// Every metric the rules read, in conditions and facts.
    pub fn metrics(&self) -> BTreeSet<Metric> {
        let mut out = BTreeSet::new();
        for r in &self.rules {
            r.when.metrics(&mut out);
            out.extend(r.facts.values().cloned());
        }
        out
    }

    /// One boolean column per rule (named by its id) over the whole calendar. Rules are
    /// evaluated in rounds: those whose metrics are all in the frame, then the history metrics
    /// that read the rules just evaluated (added to `metrics`), then the rules that need those.
    pub fn evaluate(&self, metrics: &mut MetricFrame) -> Result<DataFrame, RuleError> {
        let order = in_dependency_order(&self.metrics());
        let mut pending: Vec<&Rule> = self.rules.iter().map(|r| &**r).collect();
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut columns: Vec<Column> = Vec::new();
        loop {
            let held = DataFrame::new_infer_height(columns.clone())?;
            for m in &order {
                if !metrics.has(m) && m.rules().iter().all(|r| done.contains(r)) {
                    metrics.derive(m, Some(&held))?;
                }
            }
            let (ready, rest): (Vec<&Rule>, Vec<&Rule>) = pending.into_iter().partition(|r| {
                let mut needs = BTreeSet::new();
                r.when.metrics(&mut needs);
                needs.iter().all(|m| metrics.has(m))
            });
            pending = rest;
            if ready.is_empty() {
                break;
            }
            let exprs: Vec<Expr> = ready
                .iter()
                .map(|r| r.when.holds().alias(r.id.as_str()))
                .collect();
            let out = metrics.frame.clone().lazy().select(exprs).collect()?;
            columns.extend(out.columns().iter().cloned());
            done.extend(ready.iter().map(|r| r.id.as_str()));
        }
        assert!(
            pending.is_empty(),
            "rule cycles are rejected when rules load"
        );
        Ok(DataFrame::new_infer_height(columns)?)
    }

    /// The rules that hold on `row`, with their facts. A rule whose facts are not all defined
    /// on that date is left out, with a warning: a brief never prints a number it lacks.
    pub fn findings(
        &self,
        held: &DataFrame,
        metrics: &MetricFrame,
        news: &news::News,
        row: usize,
        warnings: &mut Vec<String>,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in self.rules.iter().filter(|r| r.show) {
            if held_on(held, &rule.id, row) != Some(true) {
                continue;
            }
            let mut facts = BTreeMap::new();
            let mut missing = Vec::new();
            for (name, metric) in &rule.facts {
                match metrics.value(metric, row) {
                    Some(v) => {
                        facts.insert(name.clone(), v);
                    }
                    None if rule.maybe.contains(name) => {}
                    None => missing.push(format!("{name} = {metric}")),
                }
            }
            if missing.is_empty() {
                out.push(Finding {
                    rule: std::sync::Arc::clone(rule),
                    facts,
                    strength: rule.when.strength(metrics, row),
                    news: news.of(rule, held, row),
                    also: None,
                });
            } else {
                warnings.push(format!(
                    "rule '{}' held but was left out: no value for {}",
                    rule.id,
                    missing.join(", ")
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Window;

    fn held(c: &Condition) -> Vec<Option<bool>> {
        let x = Metric::Return("X".into(), Window::Days(1)).to_string();
        let df = df![x.as_str() => [Some(6.0), Some(1.0), None]].unwrap();
        let out = df.lazy().select([c.holds().alias("h")]).collect().unwrap();
        out.column("h").unwrap().bool().unwrap().iter().collect()
    }

    #[test]
    fn a_missing_value_never_makes_a_rule_hold() {
        let gt5 = Condition::Compare(
            Side::Metric(Metric::Return("X".into(), Window::Days(1))),
            Op::Gt,
            Side::Number(5.0),
        );
        assert_eq!(held(&gt5), [Some(true), Some(false), Some(false)]);
        let not = Condition::Not(Box::new(gt5.clone()));
        assert_eq!(held(&not), [Some(false), Some(true), Some(false)]);
        let any = Condition::Any(vec![not.clone(), Condition::All(vec![])]);
        assert_eq!(
            held(&any),
            [Some(true), Some(true), Some(true)],
            "unknown or true is true"
        );
        let all = Condition::All(vec![not, Condition::Any(vec![])]);
        assert_eq!(held(&all), [Some(false), Some(false), Some(false)]);
    }
}
