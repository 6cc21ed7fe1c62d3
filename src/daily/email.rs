//! The email: HTML for mail clients (inline styles, a 640-pixel table, no external resources,
//! every text from the data escaped), the plain-text brief as its alternative, and the charts
//! as inline images, assembled as one MIME message (multipart/alternative, whose HTML part is
//! multipart/related with the images) and written as an `.eml` file.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use serde::Serialize;

use crate::brief::{Brief, Error, Prepared};
use crate::config::{Email, Locale, RunConfig};

/// An image the HTML shows, by its file name (also its `Content-ID`).
#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    /// The PNG file name.
    pub file: String,
    /// Its alternative text.
    pub alt: String,
}

#[derive(Serialize)]
struct EmailCtx<'a> {
    lang: &'static str,
    date: String,
    brief: &'a crate::narrative::context::BriefCtx,
    charts: &'a [ChartRef],
}

/// The email's HTML body.
pub fn html(
    prepared: &Prepared,
    config: &RunConfig,
    brief: &Brief,
    charts: &[ChartRef],
) -> Result<String, Error> {
    let ctx = EmailCtx {
        lang: match config.locale {
            Locale::EnUs => "en-US",
            Locale::EnGb => "en-GB",
        },
        date: crate::narrative::filters::date(brief.data_as_of, config.locale),
        brief: &brief.ctx,
        charts,
    };
    prepared.render("email.html.tera", &ctx)
}

/// The subject: the prefix, then the headline.
pub fn subject(email: &Email, brief: &Brief) -> String {
    match &email.subject_prefix {
        Some(p) => format!("{p} {}", brief.ctx.headline),
        None => brief.ctx.headline.clone(),
    }
}

/// A sender or recipient, or a message naming the run file's bad address.
pub fn mailbox(text: &str) -> Result<Mailbox, String> {
    text.parse()
        .map_err(|e| format!("daily.email: '{text}' is not an email address: {e}"))
}

/// The whole message, ready to write as `.eml` and to send.
pub fn message(
    email: &Email,
    subject: &str,
    html: String,
    text: String,
    images: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, String> {
    let mut builder = Message::builder()
        .from(mailbox(&email.from)?)
        .subject(subject);
    for to in &email.to {
        builder = builder.to(mailbox(to)?);
    }
    let mut related = MultiPart::related().singlepart(SinglePart::html(html));
    for (name, bytes) in images {
        let png = ContentType::parse("image/png").expect("a valid content type");
        related = related.singlepart(Attachment::new_inline(name).body(bytes, png));
    }
    let body = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .multipart(related);
    let message = builder
        .multipart(body)
        .map_err(|e| format!("building the email: {e}"))?;
    Ok(message.formatted())
}
