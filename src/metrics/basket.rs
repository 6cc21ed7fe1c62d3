//! A basket of series ranked against each other over a window (the sector funds): who led
//! and who lagged with their returns, how many rose, how far apart the best and the worst
//! were, where one member ranks, and the weight in a fund's holdings of the leader's sector
//! ("technology, 29% of the S&P 500, fell 4.2%"). Every figure reads the members' return
//! columns of the same window; a member without a return that day (a fund not yet listed)
//! takes no part.

use polars::prelude::*;

use super::{BasketStat, Metric, MetricFrame};

/// Rows of members ranked best first: (member index, return), one list per row.
type Rows = Vec<Vec<(usize, f64)>>;

/// The ranked rows of each (basket, window) computed so far.
#[derive(Debug, Default)]
pub struct Ranked(
    std::sync::Mutex<std::collections::BTreeMap<(String, super::Window), std::sync::Arc<Rows>>>,
);

impl Clone for Ranked {
    fn clone(&self) -> Self {
        Ranked::default()
    }
}

/// The members with a return on each row, best first, computed once per basket and window.
fn ranked(
    frame: &MetricFrame,
    b: &super::Basket,
    w: super::Window,
) -> PolarsResult<std::sync::Arc<Rows>> {
    let key = (b.key.clone(), w);
    if let Some(rows) = frame
        .ranked
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
    {
        return Ok(rows.clone());
    }
    let rows = std::sync::Arc::new(rank(frame, &b.members, w)?);
    frame
        .ranked
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, rows.clone());
    Ok(rows)
}

/// The members with a return on each row, best first: (member index, return).
fn rank(frame: &MetricFrame, members: &[String], w: super::Window) -> PolarsResult<Rows> {
    let returns = (members.iter())
        .map(|s| frame.numbers(&Metric::Return(s.clone(), w)))
        .collect::<PolarsResult<Vec<_>>>()?;
    Ok((0..frame.calendar.len())
        .map(|t| {
            let mut row: Vec<(usize, f64)> = (returns.iter().enumerate())
                .filter_map(|(i, r)| r[t].map(|x| (i, x)))
                .collect();
            // Best first; ties by the order of the basket, so the text is stable.
            row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            row
        })
        .collect())
}

/// A figure of one row from its ranked members: (row, best first) to the value.
type RowFigure<'a> = dyn Fn(usize, &[(usize, f64)]) -> Option<f64> + 'a;

/// The column of a basket metric: text (a member's symbol) for leaders and laggards, numbers
/// otherwise.
pub fn column(frame: &MetricFrame, m: &Metric) -> PolarsResult<Column> {
    let name = m.to_string();
    let (b, w) = match m {
        Metric::Basket(_, b, w, _)
        | Metric::BasketWeight(_, b, w, _, _)
        | Metric::Rank(_, b, w) => (b, *w),
        _ => unreachable!("baskets only"),
    };
    let rows = ranked(frame, b, w)?;
    // The n-th from the top (leaders) or the bottom (laggards), if the row has that many.
    let pick = |row: &[(usize, f64)], leader: bool, n: usize| -> Option<(usize, f64)> {
        let i = if leader {
            n.checked_sub(1)?
        } else {
            row.len().checked_sub(n)?
        };
        row.get(i).copied()
    };
    let text = |leader: bool, n: usize| -> Column {
        let v: Vec<Option<String>> = (rows.iter())
            .map(|r| pick(r, leader, n).map(|(i, _)| b.members[i].clone()))
            .collect();
        Column::new(name.as_str().into(), v)
    };
    let numbers = |f: &RowFigure| -> Column {
        let v: Vec<Option<f64>> = rows.iter().enumerate().map(|(t, r)| f(t, r)).collect();
        Column::new(name.as_str().into(), v)
    };
    Ok(match m {
        Metric::Basket(BasketStat::Leader, _, _, n) => text(true, *n),
        Metric::Basket(BasketStat::Laggard, _, _, n) => text(false, *n),
        Metric::Basket(BasketStat::LeaderReturn, _, _, n) => {
            numbers(&|_, r| pick(r, true, *n).map(|p| p.1))
        }
        Metric::Basket(BasketStat::LaggardReturn, _, _, n) => {
            numbers(&|_, r| pick(r, false, *n).map(|p| p.1))
        }
        Metric::Basket(BasketStat::Risers, ..) => {
            numbers(&|_, r| (!r.is_empty()).then(|| r.iter().filter(|p| p.1 > 0.0).count() as f64))
        }
        Metric::Basket(BasketStat::Members, ..) => {
            numbers(&|_, r| (!r.is_empty()).then_some(r.len() as f64))
        }
        Metric::Basket(BasketStat::Dispersion, ..) => {
            numbers(&|_, r| (r.len() >= 2).then(|| r[0].1 - r[r.len() - 1].1))
        }
        Metric::Rank(s, ..) => {
            let me = b.members.iter().position(|x| x == s);
            numbers(&|_, r| {
                let me = me?;
                r.iter().position(|p| p.0 == me).map(|i| (i + 1) as f64)
            })
        }
        Metric::BasketWeight(leader, _, _, n, h) => {
            let weights = (b.sectors.iter())
                .map(|sec| match sec {
                    Some(sec) => frame
                        .numbers(&Metric::SectorWeight(h.clone(), sec.clone()))
                        .map(Some),
                    None => Ok(None),
                })
                .collect::<PolarsResult<Vec<_>>>()?;
            numbers(&|t, r| {
                let (i, _) = pick(r, *leader, *n)?;
                weights[i].as_ref()?[t]
            })
        }
        _ => unreachable!("baskets only"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tests::frame_of;
    use crate::metrics::{Basket, Value, Window};

    fn basket() -> Box<Basket> {
        Box::new(Basket {
            key: "sectors".into(),
            members: vec!["A".into(), "B".into(), "C".into()],
            sectors: vec![Some("Alpha".into()), None, Some("Gamma".into())],
        })
    }

    #[test]
    fn leaders_laggards_risers_and_dispersion() {
        let w = Window::Days(1);
        let r = |s: &str| Metric::Return(s.into(), w).to_string();
        // Row 0: A +3, B -1, C +1. Row 1: C has no return yet; A -2, B +4.
        let mut f = frame_of(&[
            (&r("A"), vec![3.0, -2.0]),
            (&r("B"), vec![-1.0, 4.0]),
            (&r("C"), vec![1.0, f64::NAN]),
        ]);
        let b = basket();
        let get = |f: &MetricFrame, m: &Metric, row: usize| f.value(m, row);
        for m in [
            Metric::Basket(BasketStat::Leader, b.clone(), w, 1),
            Metric::Basket(BasketStat::Laggard, b.clone(), w, 1),
            Metric::Basket(BasketStat::LeaderReturn, b.clone(), w, 2),
            Metric::Basket(BasketStat::Risers, b.clone(), w, 1),
            Metric::Basket(BasketStat::Members, b.clone(), w, 1),
            Metric::Basket(BasketStat::Dispersion, b.clone(), w, 1),
            Metric::Rank("C".into(), b.clone(), w),
        ] {
            let c = column(&f, &m).unwrap();
            f.push_column(&m, c).unwrap();
        }
        let leader = Metric::Basket(BasketStat::Leader, b.clone(), w, 1);
        assert_eq!(get(&f, &leader, 0), Some(Value::Text("A".into())));
        assert_eq!(get(&f, &leader, 1), Some(Value::Text("B".into())));
        let laggard = Metric::Basket(BasketStat::Laggard, b.clone(), w, 1);
        assert_eq!(get(&f, &laggard, 0), Some(Value::Text("B".into())));
        let second = Metric::Basket(BasketStat::LeaderReturn, b.clone(), w, 2);
        assert_eq!(
            get(&f, &second, 0),
            Some(Value::Number(1.0)),
            "C, second best"
        );
        let risers = Metric::Basket(BasketStat::Risers, b.clone(), w, 1);
        assert_eq!(
            (get(&f, &risers, 0), get(&f, &risers, 1)),
            (Some(Value::Count(2)), Some(Value::Count(1)))
        );
        let size = Metric::Basket(BasketStat::Members, b.clone(), w, 1);
        assert_eq!(
            get(&f, &size, 1),
            Some(Value::Count(2)),
            "C has no return on row 1"
        );
        let spread = Metric::Basket(BasketStat::Dispersion, b.clone(), w, 1);
        assert_eq!(get(&f, &spread, 0), Some(Value::Number(4.0)), "+3 - (-1)");
        let rank = Metric::Rank("C".into(), b.clone(), w);
        assert_eq!(
            (get(&f, &rank, 0), get(&f, &rank, 1)),
            (Some(Value::Count(2)), None)
        );
    }

    #[test]
    fn the_leaders_sector_weight_comes_from_the_holdings() {
        let w = Window::Days(1);
        let r = |s: &str| Metric::Return(s.into(), w).to_string();
        let sw = |sec: &str| Metric::SectorWeight("H".into(), sec.into()).to_string();
        let f = frame_of(&[
            (&r("A"), vec![3.0, -2.0]),
            (&r("B"), vec![-1.0, 4.0]),
            (&r("C"), vec![1.0, 0.0]),
            (&sw("Alpha"), vec![20.0, 21.0]),
            (&sw("Gamma"), vec![5.0, 6.0]),
        ]);
        let m = Metric::BasketWeight(true, basket(), w, 1, "H".into());
        let c = column(&f, &m).unwrap();
        let v: Vec<Option<f64>> = c.f64().unwrap().iter().collect();
        // Row 0: A leads (Alpha, 20%). Row 1: B leads, and B has no sector.
        assert_eq!(v, [Some(20.0), None]);
        let m = Metric::BasketWeight(false, basket(), w, 1, "H".into());
        let v: Vec<Option<f64>> = column(&f, &m).unwrap().f64().unwrap().iter().collect();
        assert_eq!(
            v,
            [None, Some(21.0)],
            "B lags on row 0 (no sector), A on row 1"
        );
    }
}
