//! From a plan and the findings' rendered texts to the brief's words: the headline (with its
//! closing clause), the lead paragraph, the takeaways, the sections' paragraphs, the caveats
//! and the watch lines. Connectives join each paragraph's findings, then the names are
//! realized in reading order, so the first mention anywhere is the full one and each section,
//! paragraph and bullet starts again from the short name.

use crate::narrative::connect::{self, Message};
use crate::narrative::context::{heading_title, SectionCtx};
use crate::narrative::plan::Plan;
use crate::narrative::refer::{Entities, Referrer, Scope};
use crate::narrative::FindingText;
use crate::rules::Finding;

/// One printed text: where it stands, which finding wrote it, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    /// `headline`, `lead`, `takeaway`, `body`, `caveat` or `watch`.
    pub part: &'static str,
    /// The body section, for `body`.
    pub section: Option<String>,
    /// Index of the finding in the kept list.
    pub finding: usize,
    /// The text as printed.
    pub text: String,
}

/// The brief's words.
#[derive(Debug, Clone, Default)]
pub struct Composed {
    /// The headline, if a finding leads.
    pub headline: Option<String>,
    /// The lead paragraph.
    pub lead: String,
    /// Key takeaway lines.
    pub takeaways: Vec<String>,
    /// Body sections with their paragraphs.
    pub sections: Vec<SectionCtx>,
    /// Caveats.
    pub caveats: Vec<String>,
    /// What to watch.
    pub watch: Vec<String>,
    /// Every printed text in reading order.
    pub printed: Vec<Printed>,
}

fn message<'a>(kept: &'a [Finding], texts: &'a [FindingText], i: usize) -> Message<'a> {
    Message {
        text: &texts[i].text,
        about: &kept[i].rule.about,
        caveat: kept[i].rule.section == "caveats",
        lowercase_ok: texts[i].lowercase_ok,
    }
}

/// Joins the findings `idx` into one paragraph and realizes it, recording each text.
fn paragraph(cx: &mut Cx, idx: &[usize], part: &'static str, section: Option<&str>) -> String {
    let messages: Vec<Message> = idx.iter().map(|&i| message(cx.kept, cx.texts, i)).collect();
    let joined = connect::paragraph(&messages, cx.day);
    cx.referrer.reset();
    let mut out = Vec::new();
    for (&i, text) in idx.iter().zip(joined) {
        let text = cx.referrer.realize(&text, Scope::Prose);
        cx.printed.push(Printed {
            part,
            section: section.map(str::to_string),
            finding: i,
            text: text.clone(),
        });
        out.push(text);
    }
    out.join(" ")
}

/// One bullet of its own: its names start again from the short form.
fn bullet(cx: &mut Cx, i: usize, part: &'static str, text: &str) -> String {
    cx.referrer.reset();
    let text = cx.referrer.realize(text, Scope::Prose);
    cx.printed.push(Printed {
        part,
        section: None,
        finding: i,
        text: text.clone(),
    });
    text
}

struct Cx<'a> {
    kept: &'a [Finding],
    texts: &'a [FindingText],
    referrer: Referrer<'a>,
    printed: Vec<Printed>,
    day: usize,
}

/// The findings under heading `key`, in order.
fn paragraphs_of(plan: &Plan, key: &str) -> Vec<usize> {
    (plan.sections.iter())
        .filter(|(k, _)| k == key)
        .flat_map(|(_, ps)| ps.iter().flatten().copied())
        .collect()
}

/// Longest headline, in characters, that takes a closing clause.
pub const MAX_HEADLINE: usize = 80;

/// The headline: the leading finding's claim, and the clause of a finding that supports it
/// when the two fit in [`MAX_HEADLINE`] characters ("... as tech sells off").
fn headline(cx: &mut Cx, plan: &Plan) -> Option<String> {
    let h = plan.headline?;
    let head = cx.referrer.realize(&cx.texts[h].headline, Scope::Headline);
    let clause = plan
        .clause
        .and_then(|c| cx.texts[c].clause.as_ref().map(|t| (c, t)));
    let tail = clause.map(|(c, t)| {
        let tail = cx.referrer.realize(&format!("as {t}"), Scope::Headline);
        (c, format!("a{}", &tail[1..]))
    });
    let record = |cx: &mut Cx, i: usize, text: &str| {
        cx.printed.push(Printed {
            part: "headline",
            section: None,
            finding: i,
            text: text.to_string(),
        })
    };
    record(cx, h, &head);
    // A clause whose subject the headline already names ("small caps ... as small caps")
    // would only repeat it.
    let repeats = |tail: &str| {
        let subject: Vec<&str> = tail.split(' ').skip(1).take(2).collect();
        head.to_lowercase()
            .contains(&subject.join(" ").to_lowercase())
    };
    match tail {
        Some((c, tail))
            if head.chars().count() + 1 + tail.chars().count() <= MAX_HEADLINE
                && !repeats(&tail) =>
        {
            record(cx, c, &tail);
            Some(format!("{head} {tail}"))
        }
        _ => Some(head),
    }
}

/// The words of a brief whose kept findings are `kept`, rendered as `texts`, planned as
/// `plan`, on trading day `day`.
pub fn compose(
    kept: &[Finding],
    texts: &[FindingText],
    plan: &Plan,
    entities: &Entities,
    day: usize,
) -> Composed {
    let mut cx = Cx {
        kept,
        texts,
        referrer: Referrer::new(entities),
        printed: Vec::new(),
        day,
    };
    let mut out = Composed {
        headline: headline(&mut cx, plan),
        ..Composed::default()
    };
    out.lead = paragraph(&mut cx, &plan.lead, "lead", None);
    out.takeaways = (plan.takeaways.iter())
        .map(|&i| bullet(&mut cx, i, "takeaway", &texts[i].takeaway))
        .collect();
    for (key, paragraphs) in &plan.sections {
        let paragraphs = (paragraphs.iter())
            .map(|p| paragraph(&mut cx, p, "body", Some(key)))
            .collect();
        let held: Vec<&str> = (paragraphs_of(plan, key).iter())
            .map(|&i| kept[i].rule.section.as_str())
            .collect();
        out.sections.push(SectionCtx {
            key: key.clone(),
            title: heading_title(&held),
            paragraphs,
        });
    }
    out.caveats = (plan.caveats.iter())
        .map(|&i| bullet(&mut cx, i, "caveat", &texts[i].text))
        .collect();
    out.watch = (plan.watch.iter())
        .filter_map(|&i| texts[i].watch.as_ref().map(|w| (i, w)))
        .map(|(i, w)| bullet(&mut cx, i, "watch", w))
        .collect();
    out.printed = cx.printed;
    out
}
