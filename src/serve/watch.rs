//! What the preview watches: the run file, the rules folder, the templates folder and every
//! data file the run reads (a `fetch` during a preview is seen too). A save is seen as a change
//! in any file's size or modification time, or a file added or removed.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::config::RunConfig;

/// The files and folders watched.
#[derive(Debug, Clone)]
pub struct Watched {
    roots: Vec<PathBuf>,
}

/// Every watched file with its size and modification time, sorted.
pub type Stamp = Vec<(PathBuf, u64, Option<SystemTime>)>;

impl Watched {
    /// Before the run file has been read: it, and `rules/` and `templates/` beside it.
    pub fn first(config: &Path) -> Watched {
        let dir = config.parent().unwrap_or(Path::new("."));
        Watched {
            roots: vec![
                config.to_path_buf(),
                dir.join("rules"),
                dir.join("templates"),
            ],
        }
    }

    /// The run file, the folders it names and its data files.
    pub fn of(config_path: &Path, config: &RunConfig) -> Watched {
        let mut roots = vec![config_path.to_path_buf(), config.rules_dir.clone()];
        roots.extend(config.templates_dir.clone());
        roots.extend(config.sources.iter().flat_map(|s| s.files.iter().cloned()));
        Watched { roots }
    }

    /// The watched files as they are now.
    pub fn stamp(&self) -> Stamp {
        let mut out = Vec::new();
        for root in &self.roots {
            walk(root, 0, &mut out);
        }
        out.sort();
        out
    }
}

fn walk(path: &Path, depth: usize, out: &mut Stamp) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        out.push((path.to_path_buf(), meta.len(), meta.modified().ok()));
        return;
    }
    if depth > 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for e in entries.flatten() {
        // Editors' swap files and the cache are not the run's files.
        let hidden = e.file_name().to_string_lossy().starts_with('.');
        if !hidden {
            walk(&e.path(), depth + 1, out);
        }
    }
}
