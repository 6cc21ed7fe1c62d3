//! The run file's `daily:` section: where the unattended daily run publishes, how stale the
//! data may be, and whom it mails. Credentials are never in the file: only the names of the
//! environment variables that hold them.

use std::path::PathBuf;

use serde::Deserialize;

/// `daily:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDaily {
    out: String,
    #[serde(default = "one")]
    stale_after: u32,
    email: Option<Email>,
}

fn one() -> u32 {
    1
}

/// The daily run's settings, paths resolved against the run file.
#[derive(Debug, Clone)]
pub struct Daily {
    /// The folder that holds one dated folder per published brief, and the record.
    pub out: PathBuf,
    /// How many NYSE sessions a daily source may lag the brief's date.
    pub stale_after: u32,
    /// The email, if the brief is mailed.
    pub email: Option<Email>,
}

impl RawDaily {
    /// Resolves paths against the run file's folder.
    pub fn resolve(self, base: &std::path::Path) -> Daily {
        let mut email = self.email;
        if let Some(smtp) = email.as_mut().and_then(|e| e.smtp.as_mut()) {
            smtp.ca_file = smtp.ca_file.take().map(|f| base.join(f));
        }
        Daily {
            out: base.join(self.out),
            stale_after: self.stale_after,
            email,
        }
    }
}

/// Who receives the brief, and through which server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Email {
    /// The sender, `Name <address>` or an address.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Put before the headline in the subject (e.g. `[Market brief]`).
    pub subject_prefix: Option<String>,
    /// The server; without it the `.eml` file is written but nothing is sent.
    pub smtp: Option<Smtp>,
    /// How a reader leaves the list: the message's `List-Unsubscribe` header (RFC 2369), with
    /// one-click unsubscription (RFC 8058) when a URL is given.
    pub list_unsubscribe: Option<ListUnsubscribe>,
}

/// Where unsubscribe requests go: an address, a web address, or both.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListUnsubscribe {
    /// An address that unsubscribes its sender (`unsubscribe@example.com`).
    pub mailto: Option<String>,
    /// An `https://` address that unsubscribes on a POST (one-click).
    pub url: Option<String>,
}

/// An SMTP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    /// Host name or address.
    pub host: String,
    /// Port (587 for STARTTLS, 465 for TLS, 25 plain).
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub tls: Tls,
    /// The environment variable holding the user name (default `MARKETBRIEF_SMTP_USER`); no
    /// login when it is unset.
    #[serde(default = "user_env")]
    pub user_env: String,
    /// The environment variable holding the password (default `MARKETBRIEF_SMTP_PASSWORD`).
    #[serde(default = "password_env")]
    pub password_env: String,
    /// Seconds to wait for the server (default 30).
    #[serde(default = "thirty")]
    pub timeout_secs: u64,
    /// A PEM file of certificates to trust besides the public roots (a private CA, or a
    /// self-signed server), relative to the run file.
    pub ca_file: Option<std::path::PathBuf>,
}

fn user_env() -> String {
    "MARKETBRIEF_SMTP_USER".into()
}

fn password_env() -> String {
    "MARKETBRIEF_SMTP_PASSWORD".into()
}

fn thirty() -> u64 {
    30
}

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// Plain text (a relay on the same machine).
    None,
    /// Plain, upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte.
    Tls,
}
