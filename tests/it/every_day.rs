//! Over every trading day of the real data: the brief renders and its post-render fact check
//! passes, and no two consecutive days share a headline sentence unless the headline's facts
//! are the same (nothing changed). Over 2010-2025, read as an editor reads it, from the
//! rendered Markdown alone (not from the facts):
//!
//! - each index named in full with its ticker at most once;
//! - no takeaway equal to a body sentence, or as long as its finding's body text, and no two
//!   takeaways with the same figures;
//! - every sentence with two printed values and a printed gap adds up as printed;
//! - no direction word on a figure that prints as zero;
//! - nothing dated after the brief, and every holdings figure dated in its own sentence;
//! - no percentile read backwards ("than on only") or without the start of its data ("of its
//!   readings in the data" now reads "since 2010"), no bare level sentence ("The Russell 2000
//!   index ended the day at 2,222.98."), no note about the run itself ("Note: rule ...") in
//!   the brief; "Likewise" and "Similarly" are counted;
//! - no "outpaces/leads/beats" headline whose returns are both falls of more than 5%;
//! - sentence frames (first four words) repeated in the prose at most 0.05 per brief;
//! - "Sources and notes" at most 60 words on average;
//! - a quiet day ("Quiet markets — ...") at most 250 words before the table;
//! - no entity printed with two values for one measure and window (an index and its fund);
//! - a fact printed in two sentences of the lead and sections, outside a comparison, at most
//!   0.02 times per brief (read from the printed figures and the sentences' facts);
//! - counted: figures printed in two sentences, the news value of the strongest finding.
//!
//! The figures are printed for the record.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use marketbrief::brief::Prepared;
use marketbrief::config::RunConfig;
use marketbrief::narrative::check::Tally;
use marketbrief::AsOf;
use regex::Regex;

use crate::real_data::data_dir;
use crate::support::root;

/// The brief's prose: the Markdown from the headline to the table, and the caveats and watch
/// lines after it (not the table, not the sources).
fn prose(md: &str) -> String {
    let body = md.split("\n---\n").nth(1).unwrap_or(md);
    let (before, after) = body
        .split_once("## The indexes side by side")
        .unwrap_or((body, ""));
    let tail = after.split_once("## Caveats").map_or("", |(_, t)| t);
    let tail = tail.split("## Sources and notes").next().unwrap_or("");
    format!("{before}\n{tail}")
}

/// Paragraphs of running prose: not headings, bullets, the dateline or the table.
fn paragraphs(md: &str) -> Vec<String> {
    let body = md.split("\n---\n").nth(1).unwrap_or(md);
    let body = body
        .split("## The indexes side by side")
        .next()
        .unwrap_or("");
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with(['#', '-', '*', '|']))
        .map(str::to_string)
        .collect()
}

fn sentences(p: &str) -> Vec<&str> {
    static END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[.!?] +[A-Z(]").unwrap());
    let mut out = Vec::new();
    let mut start = 0;
    for m in END.find_iter(p) {
        out.push(p[start..m.start() + 1].trim());
        start = m.end() - 1;
    }
    out.push(p[start..].trim());
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

static VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<pre>\w+ )?(?P<sign>[+-])?(?P<n>\d[\d,]*\.\d+|\d[\d,]*)(?P<unit>%| percentage points?\b| points?\b| basis points?\b)",
    )
    .unwrap()
});

/// (position, value, unit, half of the last digit) of each exact figure in a sentence; a
/// figure after a word for a fall ("fell", "down") is negative.
fn figures(s: &str) -> Vec<(usize, f64, &'static str, f64)> {
    VALUE
        .captures_iter(s)
        .filter_map(|c| {
            let pre = c.name("pre").map_or("", |p| p.as_str().trim());
            if ["than", "over", "shy", "almost", "about", "roughly"].contains(&pre) {
                return None;
            }
            let at = c.name("n").unwrap().start();
            if s[..c.name("sign").map_or(at, |x| x.start())]
                .ends_with(|ch: char| ch.is_alphanumeric() || ch == '-')
            {
                return None;
            }
            let digits = c["n"].replace(',', "");
            let mut x: f64 = digits.parse().ok()?;
            let half = 0.5 * 10f64.powi(-(digits.split('.').nth(1).map_or(0, str::len) as i32));
            if c.name("sign").is_some_and(|x| x.as_str() == "-") || DOWN.contains(&pre) {
                x = -x;
            }
            let unit = match c["unit"].trim() {
                "%" => "%",
                u if u.starts_with("basis") => "bp",
                _ => "pt",
            };
            Some((at, x, unit, half))
        })
        .collect()
}

/// Gaps read against their values (the two before, else one before and one after, else the
/// two after): (sentences with two values and a gap, those that do not add up).
fn arithmetic(s: &str) -> (usize, Vec<String>) {
    let f = figures(s);
    let values: Vec<_> = f.iter().filter(|x| x.2 == "%").collect();
    if values.len() < 2 {
        return (0, vec![]);
    }
    let mut bad = Vec::new();
    let mut any = false;
    for gap in f.iter().filter(|x| x.2 != "%") {
        let before: Vec<_> = values.iter().filter(|v| v.0 < gap.0).collect();
        let after: Vec<_> = values.iter().filter(|v| v.0 > gap.0).collect();
        let (a, b) = match (before.len(), after.len()) {
            (n, _) if n >= 2 => (before[n - 2], before[n - 1]),
            (1, m) if m >= 1 => (before[0], after[0]),
            (0, m) if m >= 2 => (after[0], after[1]),
            _ => continue,
        };
        any = true;
        let diff = (a.1 - b.1).abs() * if gap.2 == "bp" { 100.0 } else { 1.0 };
        if (diff - gap.1.abs()).abs() > gap.3 + 1e-6 {
            bad.push(format!(
                "{} and {} give {diff:.2}, not {}: {s}",
                a.1, b.1, gap.1
            ));
        }
    }
    (usize::from(any), bad)
}

/// Words for a fall, as a reader knows them.
const DOWN: [&str; 10] = [
    "slipped", "eased", "fell", "dropped", "declined", "tumbled", "slumped", "plunged", "down",
    "lost",
];

static ZERO_MOVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:rose|climbed|edged up|inched up|surged|jumped|soared|up|gained|slipped|eased|fell|dropped|declined|tumbled|slumped|plunged|down|lost) [+-]?0(?:\.0+)?(?:%| percentage points?| points?| basis points?)").unwrap()
});

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Every date a text prints (with a year), in either locale or ISO.
fn dates(text: &str) -> Vec<NaiveDate> {
    static D: LazyLock<Regex> = LazyLock::new(|| {
        let m = MONTHS.join("|");
        Regex::new(&format!(
            r"(?:(?P<m1>{m}) (?P<d1>\d{{1,2}}), (?P<y1>\d{{4}}))|(?:(?P<d2>\d{{1,2}}) (?P<m2>{m}) (?P<y2>\d{{4}}))|(?:(?P<m3>{m}) (?P<y3>\d{{4}}))|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
        ))
        .unwrap()
    });
    D.captures_iter(text)
        .filter_map(|c| {
            if let Some(iso) = c.name("iso") {
                return iso.as_str().parse().ok();
            }
            let (m, d, y) = ["1", "2", "3"].iter().find_map(|k| {
                let m = c.name(&format!("m{k}"))?.as_str();
                let d = c
                    .name(&format!("d{k}"))
                    .map_or(1, |d| d.as_str().parse().unwrap());
                let y: i32 = c.name(&format!("y{k}"))?.as_str().parse().ok()?;
                Some((m, d, y))
            })?;
            let month = MONTHS.iter().position(|x| *x == m)? as u32 + 1;
            NaiveDate::from_ymd_opt(y, month, d)
        })
        .collect()
}

/// The numbers a text prints, as written.
fn numbers_in(text: &str) -> Vec<String> {
    static N: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d[\d,]*(?:\.\d+)?").unwrap());
    // The number in an index's name ("S&P 500", "Russell 2000", "Nasdaq-100") is no figure.
    let named = |at: usize| {
        ["S&P ", "Russell ", "Nasdaq-", "SmallCap "]
            .iter()
            .any(|w| text[..at].ends_with(w))
    };
    (N.find_iter(text))
        .filter(|m| !named(m.start()))
        .map(|m| m.as_str().to_string())
        .collect()
}

#[derive(Default, Debug)]
struct Record {
    briefs: usize,
    remention: usize,
    takeaways: usize,
    verbatim: usize,
    paragraphs: usize,
    sentences: usize,
    gap_sentences: usize,
    mismatches: Vec<String>,
    zero_moves: Vec<String>,
    late_dates: Vec<String>,
    words: usize,
    than_on_only: Vec<String>,
    /// Percentiles against "the data" without saying since when.
    no_start: Vec<String>,
    bare_levels: Vec<String>,
    run_notes: Vec<String>,
    likewise: usize,
    rout_leads: Vec<String>,
    frames: Vec<String>,
    bullet_frames: usize,
    /// Watch lines, those that name a figure (a level, a distance), and briefs with two alike.
    watch_lines: usize,
    watch_figures: usize,
    watch_alike: Vec<String>,
    sources_words: usize,
    lead_news: Vec<f64>,
    quiet: usize,
    long_quiet: Vec<String>,
    two_values: Vec<String>,
    twice: usize,
    /// A fact printed in two sentences of the lead and sections, outside a comparison.
    fact_twice: Vec<String>,
    /// Facts printed again by a second comparison.
    fact_twice_compared: usize,
}

/// A metric's name with each symbol read as its index ("return(SPY, 21d)" and
/// "return(^GSPC, 21d)" are both "return(large_caps, 21d)"): the entity, measure and window
/// a reader sees.
fn as_entity(metric: &str, entity: &BTreeMap<String, String>) -> String {
    static ARG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\^A-Z][A-Z0-9_^.]*").unwrap());
    ARG.replace_all(metric, |c: &regex::Captures| {
        entity
            .get(&c[0])
            .cloned()
            .unwrap_or_else(|| c[0].to_string())
    })
    .into_owned()
}

/// Figures with a unit ("5.9%", "3.1 points") printed in more than one sentence of `text`.
fn printed_twice(text: &str) -> usize {
    static F: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[+-]?\d[\d,]*\.\d+(?:%| percentage points?| points?)").unwrap()
    });
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for s in text.lines().flat_map(sentences) {
        let mine: std::collections::BTreeSet<String> = (F.find_iter(s))
            .map(|m| {
                m.as_str()
                    .trim_start_matches('+')
                    .replace(" percentage", "")
            })
            .collect();
        for f in mine {
            *seen.entry(f).or_default() += 1;
        }
    }
    seen.values().filter(|n| **n > 1).count()
}

/// The facts of a brief that its lead and sections print in two sentences, by metric: a
/// printed figure is a fact's when the fact's value prints as it (to its last digit), so two
/// indexes that happen to share a figure are not one fact twice. A repeat both of whose
/// sentences compare ("against", "than", "while", "ahead of", "behind", "times", "twice") is
/// a comparison that needs the
/// figure again, and is returned apart: (outside comparisons, within them).
fn facts_twice(brief: &marketbrief::brief::Brief) -> (Vec<String>, usize) {
    static F: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[+-]?(\d[\d,]*\.(\d+))(?:%| percentage points?| points?)").unwrap()
    });
    let compares = |t: &str| {
        [
            " against ",
            " than ",
            " while ",
            "ahead of",
            "behind",
            " times ",
            "twice",
        ]
        .iter()
        .any(|w| t.contains(w))
    };
    let mut seen: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let texts: Vec<&str> = (brief.json.sentences.iter())
        .filter(|s| matches!(s.part, "lead" | "body"))
        .map(|s| s.text.as_str())
        .collect();
    for (i, s) in (brief.json.sentences.iter())
        .filter(|s| matches!(s.part, "lead" | "body"))
        .enumerate()
    {
        let mut mine = std::collections::BTreeSet::new();
        for c in F.captures_iter(&s.text) {
            let printed: f64 = c[1].replace(',', "").parse().unwrap();
            let decimals = c[2].len() as i32;
            for f in s.facts.values() {
                let (Some(m), Some(v)) = (f.metric.as_deref(), f.value.as_f64()) else {
                    continue;
                };
                let shown = (v.abs() * 10f64.powi(decimals)).round() / 10f64.powi(decimals);
                if (shown - printed).abs() < 1e-9 {
                    mine.insert(m.to_string());
                }
            }
        }
        for m in mine {
            seen.entry(m).or_default().push(i);
        }
    }
    let mut outside = Vec::new();
    let mut within = 0;
    for (m, at) in seen.iter().filter(|(_, at)| at.len() > 1) {
        if at.iter().all(|&i| compares(texts[i])) {
            within += 1;
        } else {
            outside.push(format!(
                "{m}: {:?}",
                at.iter().map(|&i| texts[i]).collect::<Vec<_>>()
            ));
        }
    }
    (outside, within)
}

/// A headline that frames one index beating another.
static BEATS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:outpaces|leads|beats|ahead of|tilts to|in favor of)\b").unwrap()
});

/// Sentence frames (the first four words, lower case) that open two sentences of `text`.
fn repeated_frames(text: &str) -> Vec<String> {
    let mut seen = BTreeMap::new();
    for s in text.lines().flat_map(sentences) {
        let words: Vec<String> = (s.split_whitespace().take(4))
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect();
        if words.len() == 4 {
            *seen.entry(words.join(" ")).or_insert(0) += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(f, _)| f)
        .collect()
}

/// The text of the section under `heading`, up to the next heading ("" when there is none).
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let tail = md.split_once(heading).map_or("", |(_, t)| t);
    tail.split("\n## ").next().unwrap_or("")
}

/// The words of the "Sources and notes" section.
fn sources_words(md: &str) -> usize {
    (section(md, "## Sources and notes").split_whitespace())
        .filter(|w| *w != "-")
        .count()
}

/// A sentence that only states an index's level: it tells the reader nothing.
static BARE_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^The [A-Z][\w&' -]* index (?:ended the day at|closed at|finished at) [\d,]+\.\d+\.$",
    )
    .unwrap()
});

/// Fails naming the first ten of `found`, if there are any.
fn assert_none(found: &[String]) {
    assert!(found.is_empty(), "{:?}", &found[..found.len().min(10)]);
}

#[test]
fn every_trading_day_renders_reads_like_a_draft_and_varies_its_headline() {
    if data_dir().is_none() {
        return;
    }
    let config = RunConfig::load(&root().join("examples/real/marketbrief.yaml")).unwrap();
    let prepared = Prepared::new(&config).unwrap();
    let tickered: Vec<String> = (config.sources.iter())
        .filter(|s| s.name.ends_with(')'))
        .map(|s| s.name.trim_end_matches(')').to_string())
        .collect();
    let mut tally = Tally::default();
    let mut headlines: BTreeMap<String, usize> = BTreeMap::new();
    let mut previous: Option<(String, String)> = None;
    let mut notes: BTreeMap<String, usize> = BTreeMap::new();
    let (mut repeats, mut days) = (0, 0);
    // The last five headlines, with their facts: a week of briefs never repeats the headline
    // of a rule with five wordings unless nothing changed, and every rule that leads often
    // has five.
    let mut week: Vec<(String, String)> = Vec::new();
    let mut week_repeats = 0;
    let mut leads: BTreeMap<String, usize> = BTreeMap::new();
    let wordings = |id: &str| {
        (prepared.rules.rules.iter())
            .find(|r| r.id == id)
            .map_or(0, |r| r.headline.len())
    };
    let mut r = Record::default();
    // Each universe name is one entity, told by its index or by the fund that stands in.
    let entity: BTreeMap<String, String> = (config.universe.iter())
        .flat_map(|(k, sym)| {
            let fund = config.funds.get(sym).map(|f| (f.clone(), k.clone()));
            std::iter::once((sym.clone(), k.clone())).chain(fund)
        })
        .collect();
    let window = |d: NaiveDate| (2010..=2025).contains(&chrono::Datelike::year(&d));
    for day in prepared.frame.calendar.clone() {
        let brief = prepared
            .brief(AsOf::Date(day))
            .unwrap_or_else(|e| panic!("{day}: {e}"));
        days += 1;
        tally += brief.json.fact_check;
        let headline = brief.json.headline.clone().unwrap_or_default();
        let facts = (brief.json.sentences.iter())
            .find(|s| s.part == "headline")
            .map(|s| serde_json::to_string(&s.facts).unwrap())
            .unwrap_or_default();
        if let Some((before, before_facts)) = &previous {
            if *before == headline {
                assert_eq!(
                    before_facts, &facts,
                    "{day}: same headline as the day before, though its facts changed: {headline}"
                );
                repeats += 1;
            }
        }
        *headlines.entry(headline.clone()).or_default() += 1;
        let lead_rule = (brief.json.sentences.iter())
            .find(|s| s.part == "headline")
            .map(|s| s.rule.clone())
            .unwrap_or_default();
        *leads.entry(lead_rule.clone()).or_default() += 1;
        if let Some((_, f)) = week.iter().find(|(h, _)| *h == headline) {
            week_repeats += 1;
            if wordings(&lead_rule) >= 5 {
                assert_eq!(
                    *f, facts,
                    "{day}: the headline of an earlier day this week, with other facts: {headline}"
                );
            }
        }
        week.push((headline.clone(), facts.clone()));
        if week.len() > 4 {
            week.remove(0);
        }
        for s in brief.json.sentences.iter().filter(|s| s.part == "note") {
            *notes.entry(s.rule.clone()).or_default() += 1;
        }
        previous = Some((headline, facts));
        if !window(day) {
            continue;
        }

        let md = &brief.markdown;
        let text = prose(md);
        r.briefs += 1;
        r.words += text
            .split_whitespace()
            .filter(|w| !w.starts_with('#'))
            .count();
        for name in &tickered {
            let n = text.matches(name.as_str()).count();
            r.remention += n.saturating_sub(1);
        }
        let body: Vec<&str> = (brief.json.sentences.iter())
            .filter(|s| matches!(s.part, "lead" | "body" | "caveat"))
            .map(|s| s.text.as_str())
            .collect();
        let body_sentences: Vec<&str> = body.iter().flat_map(|t| sentences(t)).collect();
        let takeaways: Vec<_> = (brief.json.sentences.iter())
            .filter(|s| s.part == "takeaway")
            .collect();
        let mut figure_sets: Vec<Vec<String>> = Vec::new();
        for t in &takeaways {
            r.takeaways += 1;
            if body_sentences.contains(&t.text.as_str()) || body.contains(&t.text.as_str()) {
                r.verbatim += 1;
            }
            let own = (brief.json.sentences.iter())
                .find(|s| s.rule == t.rule && matches!(s.part, "lead" | "body"))
                .map(|s| s.text.clone())
                .unwrap_or_default();
            // Names aside: the takeaways come first, so they name an index in full.
            let words = |t: &str| {
                (t.split_whitespace())
                    .filter(|w| !w.starts_with(|c: char| c.is_uppercase() || c == '('))
                    .count()
            };
            assert!(
                own.is_empty() || words(&t.text) <= words(&own),
                "{day}: takeaway longer than its body text:\n{}\n{own}",
                t.text
            );
            let mut figures = numbers_in(&t.text);
            figures.sort();
            if !figures.is_empty() {
                assert!(
                    !figure_sets.contains(&figures),
                    "{day}: two takeaways with the same figures {figures:?}"
                );
                figure_sets.push(figures);
            }
        }
        // A holdings figure is dated in its own sentence: snapshots are months apart.
        for sent in &brief.json.sentences {
            let holdings = sent.facts.values().any(|f| {
                f.metric.as_deref().is_some_and(|m| {
                    [
                        "top_weight",
                        "group_weight",
                        "hhi",
                        "effective_n",
                        "sector_weight",
                        "largest_sector",
                    ]
                    .iter()
                    .any(|h| m.starts_with(h))
                })
            });
            if holdings && matches!(sent.part, "headline" | "lead" | "takeaway" | "body") {
                assert!(
                    MONTHS.iter().any(|m| sent.text.contains(m)),
                    "{day}: a holdings figure without its date: {}",
                    sent.text
                );
            }
        }
        for p in paragraphs(md) {
            r.paragraphs += 1;
            r.sentences += sentences(&p).len();
        }
        for s in text.lines().flat_map(sentences) {
            let (n, bad) = arithmetic(s);
            r.gap_sentences += n;
            r.mismatches
                .extend(bad.into_iter().map(|b| format!("{day}: {b}")));
        }
        r.zero_moves.extend(
            ZERO_MOVE
                .find_iter(md)
                .map(|m| format!("{day}: {}", m.as_str())),
        );
        if md.contains("than on only") {
            r.than_on_only.push(day.to_string());
        }
        if md.contains("readings in the data") || md.contains("trading days in the data") {
            r.no_start.push(day.to_string());
        }
        if md.contains("- Note: ") {
            r.run_notes.push(day.to_string());
        }
        for s in text.lines().flat_map(sentences) {
            if BARE_LEVEL.is_match(s) {
                r.bare_levels.push(format!("{day}: {s}"));
            }
            r.likewise += usize::from(s.starts_with("Likewise,") || s.starts_with("Similarly,"));
        }
        // A rout told as a lead: both of the headline's returns falls of more than 5%.
        let falls: Vec<f64> = (brief.json.sentences.iter())
            .find(|s| s.part == "headline")
            .map(|s| {
                (s.facts.values())
                    .filter(|f| {
                        f.metric
                            .as_deref()
                            .is_some_and(|m| m.starts_with("return("))
                    })
                    .filter_map(|f| f.value.as_f64())
                    .collect()
            })
            .unwrap_or_default();
        let headline = brief.json.headline.clone().unwrap_or_default();
        if BEATS.is_match(&headline) && falls.len() >= 2 && falls.iter().all(|x| *x < -5.0) {
            r.rout_leads.push(format!("{day}: {headline}"));
        }
        // Frames repeated in the running prose, and in the bullets (takeaways, watch items).
        r.frames.extend(
            repeated_frames(&paragraphs(md).join("\n"))
                .into_iter()
                .map(|f| format!("{day}: {f}")),
        );
        let bullets: Vec<&str> = (text.lines())
            .filter_map(|l| l.strip_prefix("- "))
            .collect();
        r.bullet_frames += repeated_frames(&bullets.join("\n")).len();
        let watch: Vec<&str> = (section(md, "## What to watch").lines())
            .filter_map(|l| l.strip_prefix("- "))
            .collect();
        r.watch_lines += watch.len();
        // A figure from the data, not the 20% of a line's definition.
        r.watch_figures += (watch.iter())
            .filter(|l| {
                (l.split_whitespace()).any(|w| {
                    w.trim_matches(|c: char| !c.is_ascii_digit()) != "20"
                        && w.chars().any(|c| c.is_ascii_digit())
                })
            })
            .count();
        r.watch_alike.extend(
            repeated_frames(&watch.join("\n"))
                .into_iter()
                .map(|f| format!("{day}: {f}")),
        );
        r.sources_words += sources_words(md);
        // One entity, one number: no entity, measure and window printed with two values
        // (the fund's and the index's), no turning point with two dates.
        let mut values: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for s in (brief.json.sentences.iter())
            .filter(|s| matches!(s.part, "headline" | "lead" | "body" | "takeaway"))
        {
            for f in s.facts.values() {
                if let Some(m) = f.metric.as_deref() {
                    let shown = match f.value.as_f64() {
                        Some(x) => format!("{x:.1}"),
                        None => f.value.to_string(),
                    };
                    values
                        .entry(as_entity(m, &entity))
                        .or_default()
                        .insert(shown);
                }
            }
        }
        for (key, v) in values.iter().filter(|(_, v)| v.len() > 1) {
            r.two_values.push(format!("{day}: {key}: {v:?}"));
        }
        let body: String = paragraphs(md).join("\n");
        r.twice += printed_twice(&body);
        let (outside, within) = facts_twice(&brief);
        r.fact_twice
            .extend(outside.into_iter().map(|t| format!("{day}: {t}")));
        r.fact_twice_compared += within;
        // A quiet day is called quiet in its headline, and short before the table.
        if headline.starts_with("Quiet markets — ") {
            r.quiet += 1;
            let body = md.split("\n---\n").nth(1).unwrap_or(md);
            let before = body
                .split("## The indexes side by side")
                .next()
                .unwrap_or("");
            let words = (before.split_whitespace())
                .filter(|w| !w.starts_with('#') && *w != "-" && !w.starts_with('*'))
                .count();
            if words > 250 {
                r.long_quiet.push(format!("{day}: {words} words"));
            }
        }
        if let Some(f) = (brief.json.findings.iter()).find(|f| f.section != "caveats") {
            r.lead_news.push(f.news);
        }
        let after_date: Vec<NaiveDate> = dates(md).into_iter().filter(|d| *d > day).collect();
        if !after_date.is_empty() {
            r.late_dates.push(format!("{day}: {after_date:?}"));
        }
    }
    let per = |n: usize| n as f64 / r.briefs.max(1) as f64;
    eprintln!(
        "{days} trading days: {} sentences and {} table cells, {} numbers, {} dates, {} direction \
         words, {} sums checked ({} template literals); {} distinct headlines; {repeats} \
         unchanged repeats from the day before, {week_repeats} within five sessions",
        tally.texts,
        tally.cells,
        tally.numbers,
        tally.dates,
        tally.directions,
        tally.sums,
        tally.literals,
        headlines.len()
    );
    eprintln!(
        "2010-2025, {} briefs: full-name re-mentions per brief {:.3}; verbatim takeaways {:.1}% \
         of {}; sentences per body paragraph {:.2}; {} of {} sentences with two values and a gap \
         do not add up; {} zero-figure direction words; {} briefs with a later date; {:.0} words \
         per brief",
        r.briefs,
        per(r.remention),
        100.0 * r.verbatim as f64 / r.takeaways.max(1) as f64,
        r.takeaways,
        r.sentences as f64 / r.paragraphs.max(1) as f64,
        r.mismatches.len(),
        r.gap_sentences,
        r.zero_moves.len(),
        r.late_dates.len(),
        per(r.words),
    );
    eprintln!(
        "2010-2025: {} briefs with \"than on only\", {} with a percentile \"in the data\" (no \
         start year), {} bare level sentences, {} briefs with a note about the run; \
         \"Likewise\"/\"Similarly\" open {:.2} sentences per brief",
        r.than_on_only.len(),
        r.no_start.len(),
        r.bare_levels.len(),
        r.run_notes.len(),
        per(r.likewise),
    );
    eprintln!(
        "2010-2025: {} rout headlines told as a lead; {:.2} repeated sentence frames per brief \
         in the prose (first: {:?}), {:.2} in the bullets; {:.0} words of sources and notes per \
         brief",
        r.rout_leads.len(),
        per(r.frames.len()),
        &r.frames[..r.frames.len().min(12)],
        per(r.bullet_frames),
        per(r.sources_words),
    );
    eprintln!(
        "2010-2025: {} watch lines, {:.0}% of them with a level or a distance; {} briefs with two \
         alike (first: {:?})",
        r.watch_lines,
        100.0 * r.watch_figures as f64 / r.watch_lines.max(1) as f64,
        r.watch_alike.len(),
        &r.watch_alike[..r.watch_alike.len().min(5)],
    );
    r.lead_news.sort_by(f64::total_cmp);
    let q = |p: f64| r.lead_news[((r.lead_news.len() - 1) as f64 * p) as usize];
    eprintln!(
        "2010-2025: news value of the strongest finding: 5% {:.2}, 10% {:.2}, 25% {:.2}, median {:.2}, 90% {:.2}",
        q(0.05),
        q(0.1),
        q(0.25),
        q(0.5),
        q(0.9)
    );
    eprintln!(
        "2010-2025: {} quiet briefs ({:.1}%), {} of them over 250 words before the table",
        r.quiet,
        100.0 * per(r.quiet),
        r.long_quiet.len()
    );
    assert_none(&r.long_quiet);
    let two_briefs: std::collections::BTreeSet<&str> =
        r.two_values.iter().map(|s| &s[..10]).collect();
    eprintln!(
        "2010-2025: {} briefs ({:.0}%) print one entity, measure and window with two values \
         (first: {:?}); {:.2} figures per brief printed in two sentences of the lead and sections",
        two_briefs.len(),
        100.0 * per(two_briefs.len()),
        &r.two_values[..r.two_values.len().min(6)],
        per(r.twice),
    );
    let mut by_metric: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &r.fact_twice {
        let m = t[12..].split(": ").next().unwrap_or("");
        *by_metric.entry(m).or_default() += 1;
    }
    let mut by_metric: Vec<(&str, usize)> = by_metric.into_iter().collect();
    by_metric.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    eprintln!(
        "2010-2025: facts printed in two sentences of the lead and sections: {:.3} per brief \
         outside a comparison (most: {:?}; first: {:?}), {:.3} within comparisons",
        per(r.fact_twice.len()),
        &by_metric[..by_metric.len().min(10)],
        &r.fact_twice[..r.fact_twice.len().min(3)],
        per(r.fact_twice_compared),
    );
    // A fact printed again outside a comparison: 0.29 per brief when first counted, before
    // merged statements and texts that skip a figure the brief has said (`said.level`).
    assert!(
        per(r.fact_twice.len()) <= 0.02,
        "{:.3} facts per brief printed twice outside a comparison: {:?}",
        per(r.fact_twice.len()),
        &r.fact_twice[..r.fact_twice.len().min(5)]
    );
    // 147 briefs before each index became one entity (fund and index), 14 after the turn
    // groups, none once the run file names each index's fund.
    assert_none(&r.two_values);
    // Four-word openers repeated in the running prose: 1.19 per brief before the rules took
    // the next wording of a rule whose text would repeat one; what is left starts with a name.
    assert!(
        per(r.frames.len()) <= 0.05,
        "{:.2} repeated sentence frames per brief: {:?}",
        per(r.frames.len()),
        &r.frames[..r.frames.len().min(10)]
    );
    assert!(r.quiet > 0, "no quiet day in sixteen years");
    let mut by_lead: Vec<(&String, &usize)> = leads.iter().collect();
    by_lead.sort_by_key(|(_, n)| std::cmp::Reverse(**n));
    eprintln!("leads, by rule: {:?}", &by_lead[..by_lead.len().min(25)]);
    eprintln!("data notes printed, by rule: {notes:?}");
    assert_none(&r.rout_leads);
    assert!(
        per(r.sources_words) <= 60.0,
        "sources and notes average {:.0} words",
        per(r.sources_words)
    );
    assert_none(&r.than_on_only);
    assert_none(&r.no_start);
    assert_none(&r.bare_levels);
    assert_none(&r.run_notes);
    assert_none(&r.watch_alike);
    let few: Vec<String> = (leads.iter())
        .filter(|(r, n)| !r.is_empty() && **n > 20 && wordings(r) < 5)
        .map(|(r, n)| {
            format!(
                "'{r}' leads {n} briefs with {} headline wordings",
                wordings(r)
            )
        })
        .collect();
    assert_none(&few);
    assert_eq!(r.remention, 0, "an index named in full twice in a brief");
    assert_eq!(r.verbatim, 0, "takeaways that copy the body");
    assert!(
        r.mismatches.is_empty(),
        "{:#?}",
        &r.mismatches[..r.mismatches.len().min(10)]
    );
    assert_none(&r.zero_moves);
    assert_none(&r.late_dates);
    assert!(
        r.sentences as f64 / r.paragraphs as f64 >= 2.0,
        "paragraphs average {:.2} sentences",
        r.sentences as f64 / r.paragraphs as f64
    );
    assert!(
        r.gap_sentences > 1000,
        "only {} gap sentences read",
        r.gap_sentences
    );
    // The data notes each speak on some day.
    for rule in [
        "data_limits/holdings_age",
        "data_limits/thin_history",
        "data_limits/survivorship",
        "data_limits/stale",
    ] {
        assert!(notes.contains_key(rule), "no note from {rule}");
    }
    assert!(days > 5000, "the real calendar has {days} days");
    assert!(tally.numbers > 20 * days, "{tally:?}");
}

#[test]
fn the_editors_reading_catches_what_it_should() {
    // The test's own reading, on sentences whose answers are known.
    assert_eq!(
        arithmetic("It returned +8.1% against +5.8%, a lead of 2.4 points.")
            .1
            .len(),
        1
    );
    assert_eq!(
        arithmetic("It returned +8.1% against +5.8%, a lead of 2.3 points.")
            .1
            .len(),
        0
    );
    assert_eq!(
        arithmetic("The 10-year yield (4.3%) is 14 basis points below the 2-year (4.4%).")
            .1
            .len(),
        1
    );
    assert_eq!(
        arithmetic("It fell 1.2% while the other rose 0.5%, 1.7 points behind.")
            .1
            .len(),
        0
    );
    let entity: BTreeMap<String, String> = [("SPY", "large_caps"), ("^GSPC", "large_caps")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(
        as_entity("from_peak(^GSPC, 252d)", &entity),
        as_entity("from_peak(SPY, 252d)", &entity)
    );
    assert_eq!(
        printed_twice("It fell 5.9%. Then it fell 5.9% again, and 3.1 points."),
        1
    );
    assert!(BARE_LEVEL.is_match("The Russell 2000 index ended the day at 2,222.98."));
    assert!(BARE_LEVEL.is_match("The S&P 500 index closed at 5,074.08."));
    assert!(!BARE_LEVEL.is_match("The S&P 500 index closed at 5,074.08, a record."));
    assert!(ZERO_MOVE.is_match("The S&P 500 is up 0.0% this week."));
    assert!(!ZERO_MOVE.is_match("The S&P 500 is up 0.1% this week."));
    let d = dates("data to May 1, 2026 and 9 July 2024, June 2023, 2024-09-13");
    assert_eq!(d.len(), 4, "{d:?}");
    assert_eq!(
        sentences("One. Two 1.5% here. Three (SPY, +1.9%)."),
        ["One.", "Two 1.5% here.", "Three (SPY, +1.9%)."]
    );
}
