//! Where a window starts and ends on the trading calendar, for every row at once.
//!
//! A trailing window of N days runs from the close N rows back to today's. A to-date window
//! runs from the last close of the previous week, month, quarter or year. A previous-period
//! window runs from the last close of the period before last to the last close of the last one.

use chrono::{Datelike, NaiveDate};

use super::{to_days, Window};

/// A key that changes exactly when a new week (Monday), month, quarter or year starts.
pub fn period_key(window: Window, date: NaiveDate) -> i32 {
    match window {
        // 1970-01-01 was a Thursday: shifting by 3 makes weeks start on Monday.
        Window::WeekToDate | Window::PreviousWeek => (to_days(date) + 3).div_euclid(7),
        Window::MonthToDate | Window::PreviousMonth => date.year() * 12 + date.month0() as i32,
        Window::QuarterToDate => date.year() * 4 + date.month0() as i32 / 3,
        Window::YearToDate => date.year(),
        Window::Days(_) => 0,
    }
}

/// For each row, the rows of the window's start (`base`) and end, where both exist.
pub fn spans(calendar: &[NaiveDate], window: Window) -> Vec<Option<(usize, usize)>> {
    if let Window::Days(n) = window {
        return (0..calendar.len())
            .map(|t| t.checked_sub(n).map(|b| (b, t)))
            .collect();
    }
    // last_before[t]: the last row of the period before row t's; prev_last[t]: the same for
    // the period before that one.
    let mut out = Vec::with_capacity(calendar.len());
    let (mut last_before, mut prev_last) = (None, None);
    for t in 0..calendar.len() {
        if t > 0 && period_key(window, calendar[t]) != period_key(window, calendar[t - 1]) {
            prev_last = last_before;
            last_before = Some(t - 1);
        }
        out.push(match window {
            Window::PreviousWeek | Window::PreviousMonth => prev_last.zip(last_before),
            _ => last_before.map(|b| (b, t)),
        });
    }
    out
}

/// `value(end) op value(base)` over every row's span, where both values exist.
pub fn over(
    values: &[Option<f64>],
    spans: &[Option<(usize, usize)>],
    op: impl Fn(f64, f64) -> Option<f64>,
) -> Vec<Option<f64>> {
    spans
        .iter()
        .map(|s| {
            let (b, e) = (*s)?;
            op(values[e]?, values[b]?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> Vec<NaiveDate> {
        // Thu Jan 25 .. Tue Feb 6 2024, trading days only.
        [25, 26, 29, 30, 31]
            .iter()
            .map(|d| NaiveDate::from_ymd_opt(2024, 1, *d).unwrap())
            .chain(
                [1, 2, 5, 6]
                    .iter()
                    .map(|d| NaiveDate::from_ymd_opt(2024, 2, *d).unwrap()),
            )
            .collect()
    }

    #[test]
    fn to_date_and_previous_periods() {
        let c = calendar();
        let wtd = spans(&c, Window::WeekToDate);
        // Rows 0,1 are the first week seen: no earlier week. Mon Jan 29 (row 2) starts from
        // Fri Jan 26 (row 1); Mon Feb 5 (row 7) from Fri Feb 2 (row 6).
        assert_eq!(wtd[..3], [None, None, Some((1, 2))]);
        assert_eq!(wtd[7], Some((6, 7)));
        let prev_week = spans(&c, Window::PreviousWeek);
        // Feb 5 and 6: the previous week ran from Fri Jan 26 (row 1) to Fri Feb 2 (row 6).
        assert_eq!(prev_week[6], None);
        assert_eq!(prev_week[7..], [Some((1, 6)), Some((1, 6))]);
        let prev_month = spans(&c, Window::PreviousMonth);
        // January has no complete month before it here.
        assert!(prev_month.iter().all(Option::is_none));
        assert_eq!(spans(&c, Window::Days(3))[3], Some((0, 3)));
    }

    #[test]
    fn differences_need_both_ends() {
        let v = [Some(1.0), None, Some(4.0), Some(7.0)];
        let s = spans(&[NaiveDate::MIN; 4], Window::Days(2));
        assert_eq!(
            over(&v, &s, |a, b| Some(a - b)),
            [None, None, Some(3.0), None]
        );
    }
}
