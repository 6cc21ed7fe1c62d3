//! The record of what the daily run published and sent, so that a second run for the same
//! date does nothing, and a brief whose sending failed is sent by the next run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One published date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When the dated folder was published (local time, RFC 3339).
    pub published_at: String,
    /// The files of the dated folder.
    pub files: Vec<String>,
    /// When a run began sending it; with no `sent_at`, that run stopped before it knew
    /// whether the server took the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending_at: Option<String>,
    /// When the email went out, if it did.
    pub sent_at: Option<String>,
    /// To whom.
    #[serde(default)]
    pub recipients: Vec<String>,
}

/// Every published date, in `published.json` beside the dated folders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// By date of the brief.
    pub briefs: BTreeMap<String, Entry>,
}

impl Record {
    /// The record's file in the output folder.
    pub fn path(out: &Path) -> PathBuf {
        out.join("published.json")
    }

    /// Reads the record; a missing file is an empty record, a damaged one an error naming it.
    pub fn load(out: &Path) -> Result<Record, String> {
        let path = Self::path(out);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                format!(
                    "{}:{}: the record of published briefs is damaged: {e}",
                    path.display(),
                    e.line()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Record::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Writes the record whole and durably: to a temporary name, flushed to disk, renamed
    /// over the old one, and the rename flushed too.
    pub fn save(&self, out: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let path = Self::path(out);
        let tmp = out.join(".published.json.tmp");
        let mut text = serde_json::to_string_pretty(self).expect("plain data");
        text.push('\n');
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(out)?.sync_all()
    }
}
