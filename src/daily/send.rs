//! Sending the published `.eml` over SMTP. The server comes from the run file; the user name
//! and password only from the environment.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls as ClientTls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use super::email::mailbox;
use crate::config::{Email, Smtp, Tls};

/// Sends `eml` to the run file's recipients through its server.
pub fn send(email: &Email, smtp: &Smtp, eml: &[u8]) -> Result<(), String> {
    let from = mailbox(&email.from)?.email;
    let to = email
        .to
        .iter()
        .map(|t| mailbox(t).map(|m| m.email))
        .collect::<Result<Vec<_>, _>>()?;
    let envelope =
        Envelope::new(Some(from), to).map_err(|e| format!("the email's envelope: {e}"))?;
    let tls = |host: &str| {
        let mut params = TlsParameters::builder(host.to_string());
        if let Some(ca) = &smtp.ca_file {
            let pem = std::fs::read(ca).map_err(|e| format!("ca_file {}: {e}", ca.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("ca_file {}: not a PEM certificate: {e}", ca.display()))?;
            params = params.add_root_certificate(cert);
        }
        params.build().map_err(|e| format!("TLS for {host}: {e}"))
    };
    let builder = SmtpTransport::builder_dangerous(&smtp.host)
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(smtp.timeout_secs)));
    let builder = match smtp.tls {
        Tls::None => builder.tls(ClientTls::None),
        Tls::Starttls => builder.tls(ClientTls::Required(tls(&smtp.host)?)),
        Tls::Tls => builder.tls(ClientTls::Wrapper(tls(&smtp.host)?)),
    };
    let builder = match (
        std::env::var(&smtp.user_env),
        std::env::var(&smtp.password_env),
    ) {
        (Ok(user), Ok(password)) => builder.credentials(Credentials::new(user, password)),
        (Ok(_), Err(_)) => {
            return Err(format!(
                "{} is set but {} is not: no password to log in with",
                smtp.user_env, smtp.password_env
            ))
        }
        _ => builder,
    };
    let server = format!("{}:{}", smtp.host, smtp.port);
    builder
        .build()
        .send_raw(&envelope, eml)
        .map(|_| ())
        .map_err(|e| {
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                let more = s.to_string();
                if !why.contains(&more) {
                    why.push_str(&format!(": {more}"));
                }
                source = s.source();
            }
            // An untrusted certificate says what to do about it.
            if why.contains("certificate") || why.contains("UnknownIssuer") {
                why.push_str(
                    " (the server's certificate is not trusted: give its CA as `ca_file:` under `smtp:`)",
                );
            }
            format!("sending through {server}: {why}")
        })
}
