//! One daily run at a time per output folder: an exclusive OS file lock on `.daily.lock` in
//! `daily.out`, taken before the run decides anything and held until its record is written.
//! The lock dies with its process (a killed run leaves no lock behind), so a stale lock file is
//! never a reason to wait. The file also says who holds it and since when, for the message of
//! a run that finds it taken.
//!
//! The lock is `flock(2)` on Unix (`LockFileEx` on Windows) through `std::fs::File::try_lock`.
//! On NFS, Linux maps it to a POSIX byte-range lock that the server enforces (NFSv4, or v3 with
//! lockd); on a mount without locking (`nolock`) it only excludes runs on the same machine.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a waiting run tries again.
const POLL: Duration = Duration::from_millis(200);

/// A held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// The lock is held by another run.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// The lock file.
    pub path: PathBuf,
    /// What the holder wrote: its process id and start time.
    pub holder: String,
}

/// The lock file of an output folder.
pub fn path(out: &Path) -> PathBuf {
    out.join(".daily.lock")
}

/// Takes the lock of `out`, waiting up to `wait` for another run to finish.
pub fn acquire(out: &Path, wait: Duration) -> Result<RunLock, LockError> {
    std::fs::create_dir_all(out).map_err(|e| LockError::Io(format!("{}: {e}", out.display())))?;
    let path = path(out);
    let io = |e: std::io::Error| LockError::Io(format!("{}: {e}", path.display()));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => std::thread::sleep(POLL),
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(LockError::Held(Held {
                    path,
                    holder: holder.trim().to_string(),
                }));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
    let me = format!(
        "pid {} since {}\n",
        std::process::id(),
        chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    );
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(me.as_bytes()).map_err(io)?;
    Ok(RunLock { _file: file })
}

/// Why the lock could not be taken.
#[derive(Debug, Clone, PartialEq)]
pub enum LockError {
    /// Another run holds it.
    Held(Held),
    /// The lock file could not be opened or written.
    Io(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holder_and_taken_once_released() {
        let out = std::env::temp_dir().join(format!("marketbrief-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let first = acquire(&out, Duration::ZERO).unwrap();
        let Err(LockError::Held(held)) = acquire(&out, Duration::from_millis(300)) else {
            panic!("the lock is held");
        };
        assert!(
            held.holder
                .starts_with(&format!("pid {} since ", std::process::id())),
            "{held:?}"
        );
        drop(first);
        assert!(acquire(&out, Duration::ZERO).is_ok());
        let _ = std::fs::remove_dir_all(&out);
    }
}
