//! The email: HTML for mail clients (inline styles, a fluid column of at most 640 pixels that
//! fills a phone, tables that scroll in their own box, no external resources, every text from
//! the data escaped), the plain-text brief as its alternative, and the charts as inline images,
//! assembled as one MIME message (multipart/alternative, whose HTML part is multipart/related
//! with the images) and written as an `.eml` file.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use serde::Serialize;

use crate::brief::{Brief, Error, Prepared};
use crate::config::{Email, ListUnsubscribe, RunConfig};

/// An image the HTML shows, by its file name and its `Content-ID`.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    /// The PNG file name.
    pub file: String,
    /// Its `Content-ID` without the angle brackets (`chart-relative.2024-07-25@example.com`),
    /// which the HTML names as `cid:`.
    pub cid: String,
    /// Its alternative text.
    pub alt: String,
}

#[derive(Serialize)]
struct SectionHtml {
    title: String,
    paragraphs: Vec<String>,
}

#[derive(Serialize)]
struct RowHtml {
    label: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct SourceHtml {
    name: String,
    coverage: &'static str,
    last_date: String,
}

/// What the email template sees: every text of the brief already turned from Markdown into
/// HTML (raw HTML in it shown as text), so the template marks them `safe`; the rest is
/// escaped by the template.
#[derive(Serialize)]
struct EmailCtx<'a> {
    lang: &'static str,
    title: &'a str,
    date: String,
    plain_headline: String,
    headline: String,
    lead: String,
    takeaways: Vec<String>,
    sections: Vec<SectionHtml>,
    columns: Vec<String>,
    rows: Vec<RowHtml>,
    /// The sector table's window, and its rows (none when no sector finding printed).
    sector_columns: Vec<String>,
    sector_rows: Vec<RowHtml>,
    caveats: Vec<String>,
    watch: Vec<String>,
    /// The user's own `partials/takeaways.md.tera`, `caveats.md.tera` and `watch.md.tera`
    /// as HTML with the email's inline styles, where the run file's templates override them
    /// (else empty, and the email's own design shows those parts).
    takeaways_block: String,
    caveats_block: String,
    watch_block: String,
    sources: Vec<SourceHtml>,
    disclaimer: String,
    charts: &'a [ChartRef],
}

/// One Markdown text as inline HTML (without the paragraph around it).
fn inline(md: &str) -> String {
    let html = crate::output::markdown_to_html(md);
    let html = html.trim();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_string()
}

/// A partial the user overrode, rendered as the Markdown formats render it, then as HTML
/// with the email's inline styles; empty when the shipped partial is in force.
fn overridden(
    prepared: &Prepared,
    config: &RunConfig,
    brief: &Brief,
    name: &str,
) -> Result<String, Error> {
    let own = (config.templates_dir.as_ref()).is_some_and(|d| d.join(name).is_file());
    if !own {
        return Ok(String::new());
    }
    let md = prepared.render(name, &brief.ctx)?;
    let html = crate::output::markdown_to_html(&md);
    const SANS: &str = "font-family:Arial, Helvetica, sans-serif;";
    Ok(html
        .replace(
            "<h2>",
            &format!("<h2 style=\"margin:8px 0; {SANS} font-size:15px; color:#343a40;\">"),
        )
        .replace(
            "<ul>",
            "<ul style=\"margin:0 0 8px 20px; padding:0; font-size:15px; line-height:22px;\">",
        )
        .replace(
            "<ol>",
            "<ol style=\"margin:0 0 8px 20px; padding:0; font-size:15px; line-height:22px;\">",
        )
        .replace("<li>", "<li style=\"margin:0 0 6px 0;\">")
        .replace(
            "<p>",
            "<p style=\"margin:0 0 8px 0; font-size:15px; line-height:22px;\">",
        ))
}

/// A table's rows as inline HTML.
fn rows(t: &crate::narrative::context::TableCtx) -> Vec<RowHtml> {
    (t.rows.iter())
        .map(|r| RowHtml {
            label: inline(&r.label),
            cells: r.cells.iter().map(|c| inline(c)).collect(),
        })
        .collect()
}

/// The email's HTML body.
pub fn html(
    prepared: &Prepared,
    config: &RunConfig,
    brief: &Brief,
    charts: &[ChartRef],
) -> Result<String, Error> {
    let b = &brief.ctx;
    let all = |v: &[String]| v.iter().map(|s| inline(s)).collect::<Vec<_>>();
    let ctx = EmailCtx {
        lang: config.locale.tag(),
        title: &b.title,
        date: crate::narrative::filters::date(brief.data_as_of, config.locale),
        plain_headline: crate::output::unescape_markdown(&b.headline),
        headline: inline(&b.headline),
        lead: inline(&b.lead),
        takeaways: all(&b.takeaways),
        sections: (b.sections.iter())
            .map(|s| SectionHtml {
                title: s.title.clone(),
                paragraphs: all(&s.paragraphs),
            })
            .collect(),
        columns: all(&b.table.columns),
        rows: rows(&b.table),
        sector_columns: all(&b.sectors.columns),
        sector_rows: rows(&b.sectors),
        caveats: all(&b.caveats),
        watch: all(&b.watch),
        takeaways_block: overridden(prepared, config, brief, "partials/takeaways.md.tera")?,
        caveats_block: overridden(prepared, config, brief, "partials/caveats.md.tera")?,
        watch_block: overridden(prepared, config, brief, "partials/watch.md.tera")?,
        // The fresh series first, as one source.
        sources: (!b.fresh.names.is_empty())
            .then(|| SourceHtml {
                name: inline(&b.fresh.names),
                coverage: "data to",
                last_date: b.fresh.last_date.clone(),
            })
            .into_iter()
            .chain(b.sources.iter().map(|s| SourceHtml {
                name: inline(&s.name),
                coverage: s.coverage,
                last_date: s.last_date.clone(),
            }))
            .collect(),
        disclaimer: inline(&b.disclaimer),
        charts,
    };
    prepared.render("email.html.tera", &ctx)
}

/// The subject: the prefix, then the headline.
pub fn subject(email: &Email, brief: &Brief) -> String {
    let headline = crate::output::unescape_markdown(&brief.ctx.headline);
    match &email.subject_prefix {
        Some(p) => format!("{p} {headline}"),
        None => headline,
    }
}

/// A sender or recipient, or a message naming the run file's bad address.
pub fn mailbox(text: &str) -> Result<Mailbox, String> {
    text.parse()
        .map_err(|e| format!("daily.email: '{text}' is not an email address: {e}"))
}

/// The `Content-ID` of the chart file `file` in the edition of `date`, on the sender's domain
/// (RFC 2392: an addr-spec, unique to the message's edition).
pub fn content_id(email: &Email, file: &str, date: chrono::NaiveDate) -> Result<String, String> {
    let domain = mailbox(&email.from)?.email.domain().to_string();
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    Ok(format!("{stem}.{date}@{domain}"))
}

/// The `List-Unsubscribe` header's value and whether one-click applies, or a message naming
/// the run file's bad entry.
fn unsubscribe(list: &ListUnsubscribe) -> Result<(String, bool), String> {
    let mut targets = Vec::new();
    if let Some(m) = &list.mailto {
        let address = mailbox(m).map_err(|_| {
            format!("daily.email.list_unsubscribe.mailto: '{m}' is not an email address")
        })?;
        targets.push(format!("<mailto:{}?subject=unsubscribe>", address.email));
    }
    if let Some(u) = &list.url {
        let fine = u.starts_with("https://")
            && u.len() > "https://".len()
            && !u
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | ',' | '"'));
        if !fine {
            return Err(format!(
                "daily.email.list_unsubscribe.url: '{u}' is not an https:// address (one-click \
                 unsubscription, RFC 8058, needs one)"
            ));
        }
        targets.push(format!("<{u}>"));
    }
    if targets.is_empty() {
        return Err("daily.email.list_unsubscribe: give mailto, url or both".into());
    }
    Ok((targets.join(", "), list.url.is_some()))
}

/// The whole message, ready to write as `.eml` and to send; `images` are (Content-ID, file
/// name, bytes).
pub fn message(
    email: &Email,
    subject: &str,
    html: String,
    text: String,
    images: Vec<(String, String, Vec<u8>)>,
) -> Result<Vec<u8>, String> {
    let from = mailbox(&email.from)?;
    // A Message-ID of our own, unique per message, on the sender's domain (RFC 5322 3.6.4).
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let id = format!(
        "<marketbrief.{nanos}.{}@{}>",
        std::process::id(),
        from.email.domain()
    );
    let mut builder = Message::builder()
        .message_id(Some(id))
        .from(from)
        .subject(subject);
    for to in &email.to {
        builder = builder.to(mailbox(to)?);
    }
    if let Some(list) = &email.list_unsubscribe {
        let (value, one_click) = unsubscribe(list)?;
        const LIST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
        const POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
        builder = builder.raw_header(HeaderValue::new(LIST, value));
        if one_click {
            let click = "List-Unsubscribe=One-Click".to_string();
            builder = builder.raw_header(HeaderValue::new(POST, click));
        }
    }
    let mut related = MultiPart::related().singlepart(SinglePart::html(html));
    for (cid, name, bytes) in images {
        let png = ContentType::parse("image/png").expect("a valid content type");
        let part = Attachment::new_inline_with_name(cid, name).body(bytes, png);
        related = related.singlepart(part);
    }
    let body = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .multipart(related);
    let message = builder
        .multipart(body)
        .map_err(|e| format!("building the email: {e}"))?;
    Ok(message.formatted())
}
