//! What a comparison may compare: a metric's kind (a return, a share, a date...) decides which
//! other side makes sense and which thresholds it can ever cross.

use super::{Op, Side};
use crate::metrics::Kind;

/// The kind in words, for messages.
pub fn kind_words(k: Kind) -> &'static str {
    match k {
        Kind::Return => "a return in percent",
        Kind::Percent => "a percent of a whole (0 to 100)",
        Kind::Points => "a gap in percentage points",
        Kind::BasisPoints => "a figure in basis points",
        Kind::Times => "a multiple of another return",
        Kind::Level => "a level",
        Kind::Count => "a count",
        Kind::Date => "a date",
        Kind::Text => "a name",
    }
}

/// Returns as percents, shares and gaps in points are all numbers of percent, and may be
/// compared with each other; any other pair of kinds must match.
fn comparable(a: Kind, b: Kind) -> bool {
    let percentish = |k| matches!(k, Kind::Return | Kind::Percent | Kind::Points);
    a == b || (percentish(a) && percentish(b))
}

/// What is wrong with `left op right`, if anything: `type mismatch: ...` or
/// `bad threshold: ...`.
pub fn problem(left: &Side, op: Op, right: &Side) -> Option<String> {
    match (left, right) {
        (Side::Number(a), Side::Number(b)) => Some(format!(
            "bad threshold: `{a} {op} {b}` compares two numbers, so it never depends on the data"
        )),
        (Side::Metric(m), Side::Metric(n)) => {
            let (a, b) = (m.kind(), n.kind());
            (a == Kind::Text || !comparable(a, b)).then(|| {
                format!(
                    "type mismatch: {m} is {}, {n} is {}",
                    kind_words(a),
                    kind_words(b)
                )
            })
        }
        (Side::Metric(m), Side::Number(x)) => threshold(&m.to_string(), m.kind(), op, *x),
        (Side::Number(x), Side::Metric(m)) => threshold(&m.to_string(), m.kind(), flip(op), *x),
    }
}

/// `x op m` read as `m op' x`.
fn flip(op: Op) -> Op {
    match op {
        Op::Gt => Op::Lt,
        Op::Ge => Op::Le,
        Op::Lt => Op::Gt,
        Op::Le => Op::Ge,
        other => other,
    }
}

fn threshold(metric: &str, kind: Kind, op: Op, x: f64) -> Option<String> {
    let what = kind_words(kind);
    if matches!(kind, Kind::Date | Kind::Text) {
        return Some(format!(
            "type mismatch: {metric} is {what}, compared with the number {x}{}",
            if kind == Kind::Date {
                " (compare days_since(...) of it instead)"
            } else {
                ""
            }
        ));
    }
    if !x.is_finite() {
        return Some(format!("bad threshold: {x} is not a number"));
    }
    // The values the metric can take, and whether equality can be meant.
    let (low, high) = match kind {
        Kind::Percent => (0.0, 100.0),
        Kind::Count => (0.0, f64::INFINITY),
        Kind::Return => (-100.0, f64::INFINITY),
        Kind::Times => (0.0, f64::INFINITY),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    };
    let never = match op {
        Op::Gt => x >= high,
        Op::Ge => x > high,
        Op::Lt => x <= low,
        Op::Le => x < low,
        Op::Eq => x < low || x > high,
        Op::Ne => false,
    };
    let always = match op {
        Op::Gt => x < low,
        Op::Ge => x <= low,
        Op::Lt => x > high,
        Op::Le => x >= high,
        Op::Ne => x < low || x > high,
        Op::Eq => false,
    };
    if never || always {
        let verdict = if never { "never" } else { "always" };
        return Some(format!(
            "bad threshold: {metric} is {what}, so `{op} {x}` {verdict} holds"
        ));
    }
    if matches!(op, Op::Eq | Op::Ne) && (kind != Kind::Count || x.fract() != 0.0) {
        return Some(format!(
            "bad threshold: {metric} is {what}; `{op} {x}` asks for an exact value it will \
             almost never take (use a range)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Breadth, Metric, Window};

    fn share() -> Side {
        Side::Metric(Metric::Breadth(Breadth::AboveSma, "M".into(), 200))
    }

    #[test]
    fn thresholds_outside_what_a_metric_can_take_are_refused() {
        let num = Side::Number;
        assert!(problem(&share(), Op::Gt, &num(60.0)).is_none());
        let e = problem(&share(), Op::Gt, &num(150.0)).unwrap();
        assert!(e.starts_with("bad threshold") && e.contains("never"), "{e}");
        let e = problem(&num(-5.0), Op::Lt, &share()).unwrap();
        assert!(e.contains("always"), "-5 < share always holds: {e}");
        let ret = Side::Metric(Metric::Return("X".into(), Window::Days(5)));
        assert!(problem(&ret, Op::Lt, &num(-100.0))
            .unwrap()
            .contains("never"));
        assert!(problem(&ret, Op::Eq, &num(2.0))
            .unwrap()
            .contains("exact value"));
        assert!(problem(&ret, Op::Gt, &num(f64::INFINITY)).is_some());
        assert!(problem(&num(1.0), Op::Gt, &num(0.0)).is_some());
    }

    #[test]
    fn dates_and_names_do_not_compare_with_numbers() {
        let date = Side::Metric(Metric::HoldingsDate("H".into()));
        let e = problem(&date, Op::Gt, &Side::Number(5.0)).unwrap();
        assert!(
            e.starts_with("type mismatch: holdings_date(H) is a date"),
            "{e}"
        );
        let ret = Side::Metric(Metric::Return("X".into(), Window::Days(5)));
        assert!(
            problem(&ret, Op::Gt, &share()).is_none(),
            "percent-like kinds compare"
        );
        let count = Side::Metric(Metric::Breadth(Breadth::Advancers, "M".into(), 1));
        assert!(problem(&ret, Op::Gt, &count)
            .unwrap()
            .starts_with("type mismatch"));
    }
}
