//! Every number, date and direction word that reaches a reader is formatted here, and only
//! here: the Tera filters call these functions, and so do the comparison table and the
//! fact check's reading of them (`narrative::check`).
//!
//! | filter | gives |
//! |---|---|
//! | `pct(signed=false)`, `abs_pct` | `3.4%`, `+3.4%` |
//! | `points(short=false)` | `2.1 percentage points`, `2.1 points` (`bare=true`: `2.1`, as in "from 2.1 to 3.0 points") |
//! | `signed(digits=1)` | `+1.2`, `-0.3` |
//! | `bp(signed=false)` | `15 basis points`, `+15 bp` |
//! | `level`, `ratio`, `whole` | `5,432.10`, `0.487`, `2,840` |
//! | `approx(unit="pct")` | `just shy of 10%`, `more than 2.5 points` (`unit="points"`) |
//! | `share` | `about a third`, else `43.0%` |
//! | `times(double=false)` | `roughly twice` (`roughly double`), `2.4 times` |
//! | `moved(unit="pct")`, `direction(unit="pct")` | `rose 1.2%`, `slipped 3 basis points` (`unit="bp"`), `was little changed` |
//! | `up_down(unit="pct")` | `up 1.2%`, `down 0.3%`, `flat` |
//! | `rate` | a yield to two decimals: `4.29%` |
//!
//! The direction filters scale their bands by the square root of the fact's window in
//! sessions (`span=`): the narrator passes it for every fact a rule text pipes into them.
//! | `often`, `in_words`, `ordinal` | `twice`, `three`, `fifth` |
//! | `date`, `day_month`, `month` | `July 9, 2024` / `9 July 2024`, `July 9`, `June 2023` |
//!
//! Every filter refuses NaN and infinities: a brief never prints a number it does not have.

pub mod dates;
pub mod numbers;
pub mod words;

use chrono::NaiveDate;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::config::{Bands, Locale};
pub use dates::{date, day_month, month};
pub use numbers::{
    approx, basis_points, level, percent, points, rate, ratio, share, signed, times, whole,
};
pub use words::{british, british_template, direction, in_words, moved, often, ordinal, up_down};

fn number(v: &Value, filter: &str) -> TeraResult<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        Some(x) => Err(tera::Error::message(format!(
            "filter `{filter}` refuses {x}: a brief never prints a number it does not have"
        ))),
        None => Err(tera::Error::message(format!(
            "filter `{filter}` needs a number, got {}",
            v.name()
        ))),
    }
}

fn count(v: &Value, filter: &str) -> TeraResult<i64> {
    let x = number(v, filter)?;
    if x.fract() != 0.0 {
        return Err(tera::Error::message(format!(
            "filter `{filter}` needs a whole count, got {x}"
        )));
    }
    Ok(x as i64)
}

fn day(v: &Value, filter: &str) -> TeraResult<NaiveDate> {
    v.as_str()
        .and_then(|s| s.parse::<NaiveDate>().ok())
        .ok_or_else(|| {
            tera::Error::message(format!(
                "filter `{filter}` needs a YYYY-MM-DD date, got {v}"
            ))
        })
}

fn flag(k: &Kwargs, name: &str) -> TeraResult<bool> {
    Ok(k.get::<bool>(name)?.unwrap_or(false))
}

/// The unit a `moved`, `direction` or `approx` filter speaks in.
fn unit(k: &Kwargs, filter: &str) -> TeraResult<&'static str> {
    match k.get::<String>("unit")?.as_deref() {
        None | Some("pct") => Ok("pct"),
        Some("points") => Ok("points"),
        Some("bp") if filter != "approx" => Ok("bp"),
        Some(other) => Err(tera::Error::message(format!(
            "filter `{filter}`: unknown unit '{other}' (pct, points{})",
            if filter == "approx" { "" } else { ", bp" }
        ))),
    }
}

type Filter = fn(f64, &Kwargs) -> TeraResult<String>;

/// Filters that read one number and kwargs, by name.
const NUMBER_FILTERS: &[(&str, Filter)] = &[
    ("pct", |x, k| Ok(percent(x, flag(k, "signed")?))),
    ("abs_pct", |x, _| Ok(percent(x.abs(), false))),
    ("points", |x, k| {
        Ok(if flag(k, "bare")? {
            numbers::bare(x)
        } else {
            points(x, flag(k, "short")?)
        })
    }),
    ("signed", |x, k| {
        let digits = k.get::<i64>("digits")?.unwrap_or(1);
        Ok(signed(x, digits.clamp(0, 6) as usize))
    }),
    ("bp", |x, k| Ok(basis_points(x, flag(k, "signed")?))),
    ("level", |x, k| {
        // `round=true`: a line to watch, whole from 1,000 up ("4,915"), two decimals below.
        Ok(if flag(k, "round")? && x.abs() >= 1000.0 {
            whole(x)
        } else {
            level(x)
        })
    }),
    ("rate", |x, _| Ok(rate(x))),
    ("ratio", |x, _| Ok(ratio(x))),
    ("whole", |x, _| Ok(whole(x))),
    ("approx", |x, k| {
        Ok(match unit(k, "approx")? {
            "points" => approx(x, " points"),
            _ => approx(x, "%"),
        })
    }),
    ("share", |x, _| Ok(share(x))),
    ("times", |x, k| Ok(times(x, flag(k, "double")?))),
];

/// Registers the filters on a Tera instance for one locale and one set of bands.
pub fn register(tera: &mut Tera, locale: Locale, bands: Bands) {
    for (name, f) in NUMBER_FILTERS {
        let (name, f) = (*name, *f);
        tera.register_filter(
            name,
            move |v: Value, k: Kwargs, _: &State| -> TeraResult<String> {
                f(number(&v, name)?, &k)
            },
        );
    }
    // The band of a unit over the span a text passes (one session when it does not).
    let band = move |u: &str, k: &Kwargs| -> TeraResult<crate::config::Band> {
        let span = k.get::<i64>("span")?.unwrap_or(1).max(1) as usize;
        Ok(if u == "bp" { bands.bp } else { bands.percent }.over(span))
    };
    let size = |u: &str, a: f64| match u {
        "bp" => basis_points(a, false),
        "points" => points(a, true),
        _ => percent(a, false),
    };
    tera.register_filter(
        "moved",
        move |v: Value, k: Kwargs, _: &State| -> TeraResult<String> {
            let x = number(&v, "moved")?;
            let u = unit(&k, "moved")?;
            Ok(moved(x, band(u, &k)?, |a| size(u, a)))
        },
    );
    tera.register_filter(
        "up_down",
        move |v: Value, k: Kwargs, _: &State| -> TeraResult<String> {
            let x = number(&v, "up_down")?;
            let u = unit(&k, "up_down")?;
            Ok(up_down(x, band(u, &k)?, |a| size(u, a)))
        },
    );
    tera.register_filter(
        "direction",
        move |v: Value, k: Kwargs, _: &State| -> TeraResult<String> {
            let x = number(&v, "direction")?;
            Ok(direction(x, band(unit(&k, "direction")?, &k)?).to_string())
        },
    );
    tera.register_filter(
        "often",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(often(count(&v, "often")?)) },
    );
    tera.register_filter(
        "in_words",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(in_words(count(&v, "in_words")?))
        },
    );
    tera.register_filter(
        "ordinal",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(ordinal(count(&v, "ordinal")?))
        },
    );
    tera.register_filter(
        "year",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(day(&v, "year")?.format("%Y").to_string())
        },
    );
    tera.register_filter(
        "month",
        |v: Value, _: Kwargs, _: &State| -> TeraResult<String> { Ok(month(day(&v, "month")?)) },
    );
    tera.register_filter(
        "date",
        move |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(date(day(&v, "date")?, locale))
        },
    );
    tera.register_filter(
        "day_month",
        move |v: Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(day_month(day(&v, "day_month")?, locale))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, x: f64) -> Result<String, String> {
        let mut tera = Tera::default();
        register(&mut tera, Locale::EnGb, Bands::default());
        tera.add_raw_template("t", template).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("x", &x);
        ctx.insert("d", "2024-07-09");
        tera.render("t", &ctx).map_err(|e| {
            std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(": ")
        })
    }

    #[test]
    fn filters_render_through_tera() {
        let cases = [
            ("{{ x | pct(signed=true) }}", 3.44, "+3.4%"),
            ("{{ x | moved }}", -1.26, "dropped 1.3%"),
            ("{{ x | level(round=true) }}", 4914.58, "4,915"),
            ("{{ x | level(round=true) }}", 105.594, "105.59"),
            ("{{ x | moved(unit=\"bp\") }}", 15.2, "rose 15 basis points"),
            (
                "{{ x | moved(unit=\"points\") }}",
                0.3,
                "inched up 0.3 points",
            ),
            (
                "{{ x | direction(unit=\"bp\") }}",
                -0.4,
                "was little changed",
            ),
            ("{{ x | approx }}", 9.96, "just shy of 10%"),
            (
                "{{ x | approx(unit=\"points\") }}",
                2.6,
                "more than 2.5 points",
            ),
            ("{{ x | often }}", 3.0, "three times"),
            ("{{ x | in_words }}", 3.0, "three"),
            ("{{ x | ordinal }}", 21.0, "21st"),
            ("{{ x | signed(digits=2) }}", -0.123, "-0.12"),
            ("{{ x | moved(span=21) }}", -2.9, "declined 2.9%"),
            ("{{ x | moved(span=21) }}", 9.8, "soared 9.8%"),
            ("{{ x | up_down }}", 0.04, "flat"),
            ("{{ x | up_down }}", -0.34, "down 0.3%"),
            ("{{ x | rate }}", 4.2849, "4.28%"),
            ("{{ x | bp(signed=true) }}", 7.6, "+8 bp"),
            (
                "{{ d | date }} / {{ d | day_month }}",
                0.0,
                "9 July 2024 / 9 July",
            ),
        ];
        for (t, x, want) in cases {
            assert_eq!(render(t, x).as_deref(), Ok(want), "{t}");
        }
    }

    #[test]
    fn nan_infinity_fractions_and_bad_units_are_refused() {
        for t in ["{{ x | pct }}", "{{ x | moved }}", "{{ x | approx }}"] {
            let e = render(t, f64::NAN).unwrap_err();
            assert!(e.contains("refuses NaN"), "{t}: {e}");
        }
        let e = render("{{ x | ratio }}", f64::INFINITY).unwrap_err();
        assert!(e.contains("refuses inf"), "{e}");
        let e = render("{{ x | often }}", 2.5).unwrap_err();
        assert!(e.contains("whole count"), "{e}");
        let e = render("{{ x | moved(unit=\"yen\") }}", 1.0).unwrap_err();
        assert!(e.contains("unknown unit 'yen'"), "{e}");
        let e = render("{{ d | pct }}", 0.0).unwrap_err();
        assert!(e.contains("needs a number"), "{e}");
    }
}
