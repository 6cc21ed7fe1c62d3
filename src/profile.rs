//! Time by phase, for `bench/profile.sh`: with `MARKETBRIEF_PROFILE` set, each phase's total
//! time (and how often it ran) goes to stderr when the command ends. Off, a phase costs one
//! relaxed load.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The environment variable that turns the profile on.
pub const PROFILE_ENV: &str = "MARKETBRIEF_PROFILE";

static STATE: AtomicU8 = AtomicU8::new(0); // 0 unknown, 1 off, 2 on
static TOTALS: Mutex<BTreeMap<String, (Duration, u32)>> = Mutex::new(BTreeMap::new());

fn on() -> bool {
    match STATE.load(Ordering::Relaxed) {
        0 => {
            let on = std::env::var_os(PROFILE_ENV).is_some();
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        s => s == 2,
    }
}

/// A phase under way; its time is added when it is dropped.
pub struct Phase(Option<(String, Instant)>);

/// Starts timing `name` (a closure, so an unused name costs nothing when off).
pub fn phase(name: impl FnOnce() -> String) -> Phase {
    Phase(on().then(|| (name(), Instant::now())))
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some((name, start)) = self.0.take() {
            let mut totals = TOTALS.lock().unwrap_or_else(|p| p.into_inner());
            let e = totals.entry(name).or_default();
            e.0 += start.elapsed();
            e.1 += 1;
        }
    }
}

/// Prints every phase's total to stderr, when the profile is on.
pub fn report() {
    if !on() {
        return;
    }
    let totals = TOTALS.lock().unwrap_or_else(|p| p.into_inner());
    for (name, (d, n)) in totals.iter() {
        eprintln!(
            "profile: {name:<40} {:>9.1} ms  ({n}x)",
            d.as_secs_f64() * 1000.0
        );
    }
}
