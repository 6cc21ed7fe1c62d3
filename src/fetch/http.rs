//! One blocking HTTP client for every provider: timeouts, retries with backoff on 429, 5xx,
//! timeouts and broken connections (honouring `Retry-After`, with a cap), and a polite pause
//! between requests to one host.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Attempts per request before giving up.
pub const ATTEMPTS: u32 = 3;
/// The longest `Retry-After` honoured; a server asking for more is waited on this long.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
/// The wait before the second attempt, doubled before each later one.
const BACKOFF: Duration = Duration::from_millis(500);
/// The least time between two requests to one host.
const PAUSE: Duration = Duration::from_millis(250);
/// The largest body read.
const BODY_LIMIT: u64 = 64 * 1024 * 1024;

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Set-Cookie` values, name=value parts only.
    pub cookies: Vec<String>,
    /// The body.
    pub body: String,
}

/// The client.
pub struct Http {
    agent: ureq::Agent,
    last: HashMap<String, Instant>,
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

impl Http {
    /// A client with a 10-second connect and a 60-second overall timeout per request.
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(concat!(
                "Mozilla/5.0 (compatible; marketbrief/",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build();
        Http {
            agent: config.into(),
            last: HashMap::new(),
        }
    }

    /// GETs `url` with `headers`, retrying what may pass (429, 5xx, timeouts, a connection
    /// or body cut short). Any other status is returned for the caller to judge. `shown` is
    /// the URL as messages may print it (a key removed).
    pub fn get(
        &mut self,
        url: &str,
        headers: &[(&str, &str)],
        shown: &str,
    ) -> Result<Reply, String> {
        let mut why = String::new();
        for attempt in 0..ATTEMPTS {
            self.pause_for(url);
            let wait = match self.once(url, headers) {
                Ok(Once::Done(reply)) => return Ok(reply),
                Ok(Once::Retry { status, after }) => {
                    why = format!("HTTP {status}");
                    after.unwrap_or(BACKOFF * 2u32.pow(attempt))
                }
                Err(e) => {
                    why = e;
                    BACKOFF * 2u32.pow(attempt)
                }
            };
            if attempt + 1 < ATTEMPTS {
                std::thread::sleep(wait.min(RETRY_AFTER_CAP));
            }
        }
        Err(format!("{shown}: {why}, {ATTEMPTS} times"))
    }

    /// GETs `url`, which must answer 200; its body.
    pub fn body(&mut self, url: &str) -> Result<String, String> {
        let reply = self.get(url, &[], url)?;
        if reply.status != 200 {
            let status = reply.status;
            return Err(format!("{url}: HTTP {status} ({})", snippet(&reply.body)));
        }
        Ok(reply.body)
    }

    fn pause_for(&mut self, url: &str) {
        let host = host(url).to_string();
        if let Some(at) = self.last.get(&host) {
            let since = at.elapsed();
            if since < PAUSE {
                std::thread::sleep(PAUSE - since);
            }
        }
        self.last.insert(host, Instant::now());
    }

    fn once(&self, url: &str, headers: &[(&str, &str)]) -> Result<Once, String> {
        let mut request = self.agent.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request.call().map_err(describe)?;
        let status = response.status().as_u16();
        if status == 429 || (500..600).contains(&status) {
            let after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Ok(Once::Retry { status, after });
        }
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(|v| v.trim().to_string())
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(|e| format!("the body was cut short or unreadable ({})", describe(e)))?;
        Ok(Once::Done(Reply {
            status,
            cookies,
            body,
        }))
    }
}

enum Once {
    Done(Reply),
    Retry {
        status: u16,
        after: Option<Duration>,
    },
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::Io(io) => format!("connection failed ({io})"),
        other => other.to_string(),
    }
}

/// The host part of a URL (for the polite pause).
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

/// The start of a body, for messages.
pub fn snippet(body: &str) -> String {
    let s: String = body.chars().take(80).collect();
    let s = s.replace(['\n', '\r'], " ");
    if body.chars().count() > 80 {
        format!("{s}...")
    } else {
        s
    }
}

/// `s` with the characters a query value cannot hold percent-encoded.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_encoding() {
        assert_eq!(
            host("http://127.0.0.1:8080/v8/finance?x=1"),
            "127.0.0.1:8080"
        );
        assert_eq!(host("https://fred.stlouisfed.org"), "fred.stlouisfed.org");
        assert_eq!(encode("^GSPC"), "%5EGSPC");
        assert_eq!(encode("a/b c"), "a%2Fb%20c");
    }
}
