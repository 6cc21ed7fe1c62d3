//! `verify` on hand-made edits of real drafts: true and false bounds, counts in words, wrong
//! windows, wrong subjects and signs, figures that an unrelated metric has by value, broken
//! printed arithmetic. Every figure an edit writes is computed by this test from the data
//! files (closes, yields, the VIX), never taken from the brief; each edit names the verdict and
//! the metric it expects, and no false claim may be supported.

use chrono::{Datelike, NaiveDate};
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::verify::{verify, Figure, Status};
use marketbrief::AsOf;
use regex::Regex;

use crate::real_data::{data_dir, index_span, ret_period, ret_rows, yahoo};
use crate::support::root;

/// What an edit expects of the figure it wrote.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Supported,
    Contradicted,
    /// Unverified or contradicted: a false claim that names no metric it could be.
    NotSupported,
}

/// One edit: where its figure is (line, and the figure as `verify` prints its claim), what
/// it expects, and the metric it expects the figure to be judged against.
struct Expect {
    what: String,
    line: usize,
    needle: String,
    want: Want,
    metric: Option<String>,
    /// Text the message must contain.
    message: Option<&'static str>,
}

/// Closes of one index file with the row of the brief's day.
struct Series {
    rows: Vec<(NaiveDate, f64)>,
    i: usize,
}

impl Series {
    fn new(file: &str, day: NaiveDate) -> Series {
        let rows = yahoo(&data_dir().unwrap().join(file));
        let i = rows
            .iter()
            .position(|r| r.0 == day)
            .expect("the day is in the file");
        Series { rows, i }
    }
    fn ret(&self, n: usize) -> f64 {
        ret_rows(&self.rows, self.i, n)
    }
    fn ytd(&self) -> f64 {
        ret_period(&self.rows, self.i, |d| (d.year(), 0))
    }
    fn close(&self) -> f64 {
        self.rows[self.i].1
    }
    /// Percent below the highest close of the last 252 sessions.
    fn below_high(&self) -> f64 {
        let from = self.i + 1 - 252.min(self.i + 1);
        let high = (self.rows[from..=self.i].iter().map(|r| r.1)).fold(f64::MIN, f64::max);
        100.0 * (1.0 - self.close() / high)
    }
}

/// The last value on or before `day` of a FRED file.
fn fred(file: &str, day: NaiveDate) -> f64 {
    let text = std::fs::read_to_string(data_dir().unwrap().join(file)).unwrap();
    (text.lines().skip(1))
        .filter_map(|l| {
            let (d, v) = l.split_once(',')?;
            Some((d.parse::<NaiveDate>().ok()?, v.parse::<f64>().ok()?))
        })
        .filter(|(d, _)| *d <= day)
        .last()
        .unwrap()
        .1
}

fn rose(x: f64) -> &'static str {
    if x >= 0.0 {
        "rose"
    } else {
        "fell"
    }
}

fn grouped(x: f64) -> String {
    let s = format!("{x:.2}");
    let (int, frac) = s.split_once('.').unwrap();
    let mut out = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}

const WORDS: [&str; 12] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
];

/// New sentences, each its own paragraph under a heading of its own at the end of the draft:
/// (sentence, the figure's claim, expected verdict, expected metric).
fn new_sentences(day: NaiveDate) -> Vec<(String, String, Want, Option<String>)> {
    let spx = Series::new("derived/index_GSPC_daily_2010-01-04_2025-04-29.csv", day);
    let rut = Series::new("tapi262_portfolio_opt/RUT.csv", day);
    let ndx = Series::new("derived/index_NDX_daily_2010-01-04_2025-04-29.csv", day);
    let (s21, r21, n21) = (spx.ret(21), rut.ret(21), ndx.ret(21));
    let (s1, r5, ytd) = (spx.ret(1), rut.ret(5), rut.ytd());
    let below = spx.below_high();
    let ten = fred("chatterjee-aryan_macro_regime_modeling/DGS10.csv", day);
    let vix = fred("chatterjee-aryan_macro_regime_modeling/VIXCLS.csv", day);
    let m = |s: &str| Some(s.to_string());
    use Want::*;
    let mut out: Vec<(String, String, Want, Option<String>)> = Vec::new();
    let mut add = |sentence: String, claim: String, want, metric| {
        out.push((sentence, claim, want, metric));
    };
    let (dr, ds) = (rose(r21), rose(s21));
    // Bounds: true and false, on the month's return of the subject named.
    let hi = r21.abs().floor() + 2.0;
    add(
        format!("The Russell 2000 {dr} more than {hi}% over the past month."),
        format!("{dr} more than {hi}%"),
        Contradicted,
        m("return(^RUT, 21d)"),
    );
    if r21.abs() > 0.5 {
        let lo = format!("{:.1}", r21.abs() - 0.4);
        add(
            format!("The Russell 2000 {dr} more than {lo}% over the past month."),
            format!("{dr} more than {lo}%"),
            Supported,
            m("return(^RUT, 21d)"),
        );
    }
    let hi = s21.abs().floor() + 2.0;
    add(
        format!("The S&P 500 {ds} more than {hi}% over the past month."),
        format!("{ds} more than {hi}%"),
        Contradicted,
        m("return(^GSPC, 21d)"),
    );
    let exact = format!("{:.1}%", s21.abs());
    add(
        format!("The S&P 500 {ds} {exact} over the past month."),
        format!("{ds} {exact}"),
        Supported,
        m("return(^GSPC, 21d)"),
    );
    let about = format!("{:.1}", s21.abs() * 1.05);
    add(
        format!("The S&P 500 {ds} about {about}% over the past month."),
        format!("{ds} about {about}%"),
        Supported,
        m("return(^GSPC, 21d)"),
    );
    let at_least = format!("{:.1}", s21.abs() + 0.6);
    add(
        format!("The S&P 500 {ds} at least {at_least}% over the past month."),
        format!("{ds} at least {at_least}%"),
        Contradicted,
        m("return(^GSPC, 21d)"),
    );
    if s21.abs() > 0.8 {
        let at_least = format!("{:.1}", s21.abs() - 0.6);
        add(
            format!("The S&P 500 {ds} at least {at_least}% over the past month."),
            format!("{ds} at least {at_least}%"),
            Supported,
            m("return(^GSPC, 21d)"),
        );
    }
    let almost = format!("{:.1}", (s21.abs() * 10.0).ceil() / 10.0 + 0.1);
    add(
        format!("The S&P 500 {ds} almost {almost}% over the past month."),
        format!("{ds} almost {almost}%"),
        Supported,
        m("return(^GSPC, 21d)"),
    );
    // Wrong window, wrong subject, wrong sign.
    if (s1 - s21).abs() >= 0.15 {
        add(
            format!("The S&P 500 {ds} {exact} on the day."),
            format!("{ds} {exact}"),
            Contradicted,
            m("return(^GSPC, 1d)"),
        );
    }
    if (n21 - s21).abs() >= 0.15 {
        add(
            format!("The Nasdaq-100 {ds} {exact} over the past month."),
            format!("{ds} {exact}"),
            Contradicted,
            m("return(^NDX, 21d)"),
        );
    }
    if s21.abs() >= 0.05 {
        let other = rose(-s21);
        add(
            format!("The S&P 500 {other} {exact} over the past month."),
            format!("{other} {exact}"),
            Contradicted,
            m("return(^GSPC, 21d)"),
        );
    }
    let ytd_text = format!("{:.1}%", ytd.abs());
    let up = if ytd >= 0.0 { "up" } else { "down" };
    add(
        format!("The Russell 2000 is {up} {ytd_text} this year."),
        format!("{up} {ytd_text}"),
        Supported,
        m("return(^RUT, ytd)"),
    );
    if (ytd - r21).abs() >= 0.15 {
        add(
            format!("The Russell 2000 is {up} {ytd_text} over the past month."),
            format!("{up} {ytd_text}"),
            Contradicted,
            m("return(^RUT, 21d)"),
        );
    }
    let five = format!("{:.1}%", r5.abs());
    add(
        format!("The Russell 2000 {} {five} over five sessions.", rose(r5)),
        format!("{} {five}", rose(r5)),
        Supported,
        m("return(^RUT, 5d)"),
    );
    let five_off = format!("{:.1}%", r5.abs() + 1.0);
    add(
        format!(
            "The Russell 2000 {} {five_off} over five sessions.",
            rose(r5)
        ),
        format!("{} {five_off}", rose(r5)),
        Contradicted,
        m("return(^RUT, 5d)"),
    );
    // A window left open: read over the day in a section of the writer's own.
    let day_move = format!("{:.1}%", s1.abs());
    add(
        format!("The S&P 500 {} {day_move}.", rose(s1)),
        format!("{} {day_move}", rose(s1)),
        Supported,
        m("return(^GSPC, 1d)"),
    );
    if (s1 - s21).abs() >= 0.15 {
        add(
            format!("The S&P 500 {ds} {exact}."),
            format!("{ds} {exact}"),
            Contradicted,
            m("return(^GSPC, 1d)"),
        );
    }
    // Distances, levels, a yield, the VIX.
    if below >= 0.1 {
        let d = format!("{below:.1}%");
        add(
            format!("The S&P 500 is {d} below its 52-week high."),
            d.clone(),
            Supported,
            m("from_peak(^GSPC, 252d)"),
        );
        // The month's return of the Russell 2000 stated with the S&P 500's distance from
        // its high: a value of the date, but not of this meaning.
        if (below - r21.abs()).abs() >= 0.15 {
            add(
                format!("The Russell 2000 {dr} {d} over the past month."),
                format!("{dr} {d}"),
                Contradicted,
                m("return(^RUT, 21d)"),
            );
        }
    }
    let d = format!("{:.1}%", below + 1.5);
    add(
        format!("The S&P 500 is {d} below its 52-week high."),
        d.clone(),
        Contradicted,
        m("from_peak(^GSPC, 252d)"),
    );
    let close = grouped(spx.close());
    add(
        format!("The S&P 500 closed at {close}."),
        close.clone(),
        Supported,
        m("close(^GSPC)"),
    );
    let off = grouped(spx.close() * 1.02);
    add(
        format!("The S&P 500 closed at {off}."),
        off.clone(),
        Contradicted,
        m("close(^GSPC)"),
    );
    let y = format!("{ten:.2}%");
    add(
        format!("The 10-year Treasury yield stood at {y}."),
        y.clone(),
        Supported,
        m("yield(DGS10)"),
    );
    let y = format!("{:.2}%", ten + 0.25);
    add(
        format!("The 10-year Treasury yield stood at {y}."),
        y.clone(),
        Contradicted,
        m("yield(DGS10)"),
    );
    let v = format!("{vix:.2}");
    add(
        format!("The VIX closed at {v}."),
        v.clone(),
        Supported,
        m("level(VIXCLS)"),
    );
    let v = format!("{:.2}", vix + 3.0);
    add(
        format!("The VIX closed at {v}."),
        v.clone(),
        Contradicted,
        m("level(VIXCLS)"),
    );
    // A verb that is its own figure: the VIX doubled, or did not, over the month.
    let month_ago = spx.rows[spx.i - 21].0;
    let vix_move = 100.0
        * (vix
            / fred(
                "chatterjee-aryan_macro_regime_modeling/VIXCLS.csv",
                month_ago,
            )
            - 1.0);
    add(
        "The VIX doubled over the past month.".into(),
        "doubled".into(),
        if (90.0..=110.0).contains(&vix_move) {
            Supported
        } else {
            Contradicted
        },
        m("pct_change(level(VIXCLS), 21d)"),
    );
    // Counts in words that name nothing the data counts.
    add(
        "The Russell 2000 has beaten the S&P 500 ten sessions in a row.".into(),
        "ten".into(),
        NotSupported,
        None,
    );
    out
}

/// Edits in place of the brief's own sentences: (pattern with the figure as group 1, the
/// new figure from the old, expected verdict, expected metric prefix, message).
type InPlace = (
    &'static str,
    &'static str,
    fn(&str) -> String,
    Want,
    Option<&'static str>,
    Option<&'static str>,
);

fn in_place() -> Vec<InPlace> {
    use Want::*;
    fn plus(by: f64) -> impl Fn(&str) -> String {
        move |g: &str| {
            let x: f64 = g.replace(',', "").parse().unwrap();
            let signed = g.starts_with(['+', '-']);
            match signed {
                true => format!("{:+.1}", x + by),
                false => format!("{:.1}", x + by),
            }
        }
    }
    vec![
        (
            "a direction word flipped",
            r"(?:surged|soared|jumped|climbed|rose|fell|slipped|declined|tumbled|dropped|slumped) (\d+\.\d)%",
            |g| format!("{g}% (flipped)"),
            Contradicted,
            None,
            None,
        ),
        (
            "a day's return in the table",
            r"(?m)^\| Day \| ([+-]\d+\.\d)%",
            |g| plus(0.7)(g),
            Contradicted,
            Some("return(^GSPC, 1d)"),
            None,
        ),
        (
            "the five-session return in the table",
            r"(?m)^\| 5 sessions \| ([+-]\d+\.\d)%",
            |g| plus(-0.6)(g),
            Contradicted,
            Some("return(^GSPC, 5d)"),
            None,
        ),
        (
            "a count of risers in words",
            r"Of the \d+ funds, (\w+) rose",
            |g| {
                let n = WORDS.iter().position(|w| *w == g).unwrap_or(0);
                WORDS[(n + 1) % WORDS.len()].to_string()
            },
            Contradicted,
            Some("risers("),
            None,
        ),
        (
            "the date of the move's start",
            r"made its three-month low on ((?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4})",
            |g| {
                let d = NaiveDate::parse_from_str(g, "%B %-d, %Y").unwrap();
                (d + chrono::Duration::days(1))
                    .format("%B %-d, %Y")
                    .to_string()
            },
            Contradicted,
            Some("move_start("),
            None,
        ),
        (
            "the headline's gap",
            r#"(?m)^title: "[^"\n]*?(\d+\.\d) (?:percentage )?points"#,
            |g| plus(1.0)(g),
            Contradicted,
            None,
            None,
        ),
        (
            "a return beside an unchanged printed gap",
            r"returned ([+-]\d+\.\d)% against [+-]\d+\.\d% for [^,]+, a gap of",
            |g| plus(1.0)(g),
            Contradicted,
            Some("return("),
            None,
        ),
        (
            "the top-ten weight",
            r"made up (\d+\.\d)% of the",
            |g| plus(2.0)(g),
            Contradicted,
            Some("top_weight("),
            None,
        ),
        (
            "a move stated with a true lower bound",
            r"(?:surged|soared|jumped|climbed|rose) (\d+\.\d%)",
            |g| {
                let x: f64 = g.trim_end_matches('%').parse().unwrap();
                format!("more than {:.0}%", (x - 0.6).max(0.0).floor())
            },
            Supported,
            None,
            None,
        ),
        (
            "a move stated with a false lower bound",
            r"(?:fell|slipped|declined|tumbled|dropped|slumped) (\d+\.\d%)",
            |g| {
                let x: f64 = g.trim_end_matches('%').parse().unwrap();
                format!("more than {:.0}%", x.ceil() + 1.0)
            },
            Contradicted,
            None,
            None,
        ),
    ]
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

/// The first match of `pattern` on a line no earlier edit touched, its group 1 replaced by
/// `f(group)`: the new text, the line, and the new figure.
fn apply(
    md: &str,
    pattern: &str,
    f: fn(&str) -> String,
    touched: &[usize],
) -> Option<(String, usize, String)> {
    let c = (Regex::new(pattern).unwrap().captures_iter(md))
        .find(|c| !touched.contains(&line_of(md, c.get(0).unwrap().start())))?;
    let g = c.get(1).unwrap();
    let mut new = f(g.as_str());
    let flipped = new.ends_with(" (flipped)");
    if flipped {
        // The direction word before the figure, reversed.
        let whole = c.get(0).unwrap();
        let word = &md[whole.start()..g.start() - 1];
        let other = match word {
            "surged" | "soared" | "jumped" | "climbed" | "rose" => "fell",
            _ => "rose",
        };
        let figure = new.trim_end_matches(" (flipped)").to_string();
        new = format!("{other} {figure}");
        let text = format!("{}{new}{}", &md[..whole.start()], &md[whole.end()..]);
        return Some((text, line_of(md, whole.start()), new));
    }
    let text = format!("{}{new}{}", &md[..g.start()], &md[g.end()..]);
    Some((text, line_of(md, g.start()), new))
}

fn check(day: NaiveDate, figures: &[Figure], e: &Expect, failures: &mut Vec<String>) {
    let found = (figures.iter()).find(|f| f.line == e.line && f.claim.contains(&e.needle));
    let Some(f) = found else {
        failures.push(format!(
            "{day} {}: no figure '{}' on line {}",
            e.what, e.needle, e.line
        ));
        return;
    };
    let status_ok = match e.want {
        Want::Supported => f.status == Status::Supported,
        Want::Contradicted => f.status == Status::Contradicted,
        Want::NotSupported => matches!(f.status, Status::Contradicted | Status::Unverified),
    };
    let metric_ok = (e.metric.as_ref()).is_none_or(|m| {
        f.metric
            .as_deref()
            .is_some_and(|g| g.starts_with(m.as_str()))
    });
    let message_ok =
        (e.message).is_none_or(|m| f.message.as_deref().is_some_and(|g| g.contains(m)));
    if !(status_ok && metric_ok && message_ok) {
        failures.push(format!(
            "{day} {}: '{}' is {:?} by {:?} ({}), want {:?} by {:?}",
            e.what,
            f.claim,
            f.status,
            f.metric,
            f.message.clone().unwrap_or_default(),
            e.want,
            e.metric
        ));
    }
}

#[test]
fn hand_made_edits_of_real_drafts_get_the_verdict_of_their_meaning() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let mut prepared = Prepared::new(&config).unwrap();
    prepared.draw_charts = false;
    let mut failures = Vec::new();
    let mut edits = 0;
    let mut verdicts = [0usize; 3];
    // A crash, a rotation, a rally.
    let gap = Regex::new(
        r"returned [+-]\d+\.\d% against [+-]\d+\.\d% for [^,]+, a gap of (\d+\.\d) points",
    )
    .unwrap();
    for date in ["2020-03-23", "2024-07-25", "2025-04-09"] {
        let day: NaiveDate = date.parse().unwrap();
        let mut md = prepared.brief(AsOf::Date(day)).unwrap().markdown;
        let mut expects = Vec::new();
        for (what, pattern, f, want, metric, message) in in_place() {
            let touched: Vec<usize> = expects.iter().map(|e: &Expect| e.line).collect();
            let Some((text, line, needle)) = apply(&md, pattern, f, &touched) else {
                continue;
            };
            md = text;
            expects.push(Expect {
                what: what.to_string(),
                line,
                needle,
                want,
                metric: metric.map(String::from),
                message,
            });
        }
        // A return changed beside an unchanged gap: the gap no longer adds up either.
        if let Some(g) = expects
            .iter()
            .find(|e| e.what.starts_with("a return beside"))
        {
            let line = md.lines().nth(g.line - 1).unwrap().to_string();
            if let Some(c) = gap.captures(&line) {
                expects.push(Expect {
                    what: "a printed gap that no longer adds up".into(),
                    line: g.line,
                    needle: format!("{} points", &c[1]),
                    want: Want::Contradicted,
                    metric: None,
                    message: Some("do not give this gap"),
                });
            }
        }
        md.push_str("\n\n## Editor's additions\n");
        for (sentence, claim, want, metric) in new_sentences(day) {
            md.push('\n');
            md.push_str(&sentence);
            md.push('\n');
            expects.push(Expect {
                what: format!("new sentence \"{sentence}\""),
                line: md.lines().count(),
                needle: claim,
                want,
                metric,
                message: None,
            });
        }
        let report = verify(
            &prepared,
            &config,
            AsOf::Date(day),
            std::path::Path::new("draft.md"),
            &md,
        )
        .unwrap();
        for e in &expects {
            check(day, &report.figures, e, &mut failures);
            verdicts[e.want as usize] += 1;
        }
        edits += expects.len();
        // Nothing but the edits is reported.
        let edited: Vec<(usize, &str)> = expects
            .iter()
            .map(|e| (e.line, e.needle.as_str()))
            .collect();
        for f in report.problems() {
            let ours = (edited.iter()).any(|(l, n)| *l == f.line && f.claim.contains(n));
            if !ours {
                failures.push(format!(
                    "{day} {}:{} '{}' reported though not edited: {}",
                    f.line,
                    f.column,
                    f.claim,
                    f.message.clone().unwrap_or_default()
                ));
            }
        }
    }
    eprintln!(
        "{edits} edits: {} want supported, {} contradicted, {} not supported",
        verdicts[0], verdicts[1], verdicts[2]
    );
    assert!(edits >= 30, "only {edits} edits applied");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A fact of the brief's JSON: its metric and value.
fn facts_of(s: &serde_json::Value) -> Vec<(String, f64)> {
    (s["facts"].as_object().into_iter().flatten())
        .filter_map(|(_, f)| Some((f["metric"].as_str()?.to_string(), f["value"].as_f64()?)))
        .collect()
}

#[test]
fn a_figure_replaced_by_an_unrelated_metrics_value_is_never_supported() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let mut prepared = Prepared::new(&config).unwrap();
    prepared.draw_charts = false;
    let percent = Regex::new(r"(?:^|[ (])([+-]?\d+\.\d)%").unwrap();
    let n = prepared.frame.calendar.len();
    let (mut replaced, mut new, mut days) = (0, 0, 0);
    let mut failures = Vec::new();
    // Days spread over the calendar the indexes tell (the S&P 500 by its index level).
    let (from, to) = index_span(&data_dir().unwrap());
    for row in (300..n).step_by(97) {
        let day = prepared.frame.calendar[row];
        if day < from || day > to {
            continue;
        }
        let brief = prepared.brief(AsOf::Date(day)).unwrap();
        let json = serde_json::to_value(&brief.json).unwrap();
        let sentences = json["sentences"].as_array().unwrap();
        let all: Vec<(String, f64)> = sentences.iter().flat_map(facts_of).collect();
        let mut md = brief.markdown.clone();
        // (line, column or 0 for anywhere on the line, the figure as printed)
        let mut wanted: Vec<(usize, usize, String)> = Vec::new();
        for s in sentences {
            let part = s["part"].as_str().unwrap();
            if !matches!(part, "lead" | "takeaway" | "body" | "caveat") {
                continue;
            }
            let text = s["text"].as_str().unwrap();
            let own = facts_of(s);
            let Some(c) = percent.captures(text) else {
                continue;
            };
            let figure = c.get(1).unwrap();
            let shown: f64 = figure.as_str().parse().unwrap();
            // The value of a metric this sentence does not state, far from every value it
            // does state, printed as the figure was.
            let far = |v: f64| own.iter().all(|(_, x)| (x.abs() - v.abs()).abs() > 0.15);
            let other = (all.iter())
                .filter(|(m, _)| own.iter().all(|(o, _)| o != m))
                .map(|(_, v)| *v)
                .find(|v| far(*v) && (v.abs() - shown.abs()).abs() > 0.15 && v.abs() < 1e4);
            let Some(v) = other else { continue };
            let printed = match figure.as_str().starts_with(['+', '-']) {
                true => format!("{:+.1}", if shown < 0.0 { -v.abs() } else { v.abs() }),
                false => format!("{:.1}", v.abs()),
            };
            let Some(at) = md.find(text) else { continue };
            let start = at + figure.start();
            md.replace_range(start..at + figure.end(), &printed);
            let line_start = md[..start].rfind('\n').map_or(0, |i| i + 1);
            let column = md[line_start..start].chars().count() + 1;
            let line = md[..start].matches('\n').count() + 1;
            wanted.push((line, column, format!("{printed}%")));
            replaced += 1;
        }
        // New sentences: a month's return stated with another metric's value.
        md.push_str("\n\n## Editor's additions\n");
        let spx = Series::new("derived/index_GSPC_daily_2010-01-04_2025-04-29.csv", day);
        let month = spx.ret(21);
        let others = (all.iter())
            .filter(|(m, v)| m != "return(^GSPC, 21d)" && (v.abs() - month.abs()).abs() > 0.15)
            .filter(|(_, v)| v.abs() < 1e4);
        for (_, v) in others.take(8) {
            let figure = format!("{:.1}%", v.abs());
            md.push_str(&format!(
                "\nThe S&P 500 {} {figure} over the past month.\n",
                rose(month)
            ));
            wanted.push((md.lines().count(), 0, figure));
            new += 1;
        }
        let report = verify(
            &prepared,
            &config,
            AsOf::Date(day),
            std::path::Path::new("draft.md"),
            &md,
        )
        .unwrap();
        days += 1;
        for (line, column, figure) in &wanted {
            let covers = |f: &&Figure| {
                let end = f.column + f.claim.chars().count();
                *column == 0 || (f.column..end).contains(column)
            };
            let f = (report.figures.iter())
                .filter(|f| f.line == *line && f.claim.contains(figure.as_str()))
                .find(covers);
            match f {
                None => failures.push(format!("{day} line {line}: no figure {figure}")),
                Some(f) if f.status == Status::Supported => failures.push(format!(
                    "{day} line {line}: '{}' supported by {:?}",
                    f.claim, f.metric
                )),
                Some(_) => {}
            }
        }
    }
    eprintln!("{replaced} figures replaced and {new} new ones on {days} days");
    assert!(replaced > 100 && new > 50, "{replaced} replaced, {new} new");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
