//! A valid scenario simulates without a panic, and its outcomes keep the
//! engine's invariants (`crates/costintent-sim/tests/invariants`).
//!
//! The run is short (two trials on one thread) and watched by a clock: a
//! scenario that asks for billions of requests is valid, but simulating it
//! is not what a fuzzer should spend its time on, so the run is cancelled
//! after `budget` and only a finished run is checked.
//!
//! Expects the invariants module at `crate::invariants` (the fuzz crate and
//! the regression test both include it under that name).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use costintent_scenario::Scenario;
use costintent_sim::{Engine, EngineMode, RunError, SimOptions};

/// Trials per fuzzed run.
const TRIALS: u64 = 2;

/// Requests in the exact run above which the default mode is run too
/// (below it, it plans the exact path anyway).
const FAST_PATH_REQUESTS: f64 = 10_000.0;

/// Simulates `scenario` briefly and checks the outcomes: unit by unit, with
/// compound sums wherever they are accurate (even for a small run, so that
/// the sums meet every scenario), and in the default mode too when the run
/// is large enough for it to differ from both. A run that takes longer than
/// `budget` is cancelled and not checked.
pub fn simulate(scenario: &Scenario, budget: Duration) {
    let engine = Engine::new(scenario);
    for mode in [EngineMode::Exact, EngineMode::Compound, EngineMode::Auto] {
        let options = SimOptions { threads: 1, mode, ..SimOptions::new(TRIALS, scenario.seed) };
        let outcomes = match with_deadline(budget, |cancel| engine.run(&options, &|_| {}, cancel)) {
            Ok(outcomes) => outcomes,
            Err(RunError::Cancelled) => return,
            Err(e @ RunError::OutOfMemory { .. }) => panic!("{TRIALS} trials cannot need {e}"),
        };
        let found = crate::invariants::violations(
            &outcomes,
            TRIALS as usize,
            scenario.workloads.len(),
            scenario.wallets.len(),
        );
        assert!(found.is_empty(), "{mode:?} mode: broken invariants:\n{}", found.join("\n"));
        let requests: f64 = outcomes.workloads.iter().flat_map(|w| &w.requests).sum();
        if mode == EngineMode::Compound && requests < FAST_PATH_REQUESTS {
            return;
        }
    }
}

/// Runs `work` with a flag that a watchdog thread sets after `budget`.
fn with_deadline<T>(budget: Duration, work: impl FnOnce(&AtomicBool) -> T) -> T {
    let cancel = Arc::new(AtomicBool::new(false));
    let done = Arc::new((Mutex::new(false), Condvar::new()));
    let watchdog = {
        let (cancel, done) = (Arc::clone(&cancel), Arc::clone(&done));
        std::thread::spawn(move || {
            let (lock, wake) = &*done;
            let finished = lock.lock().unwrap_or_else(|e| e.into_inner());
            let (finished, _) = wake
                .wait_timeout_while(finished, budget, |finished| !*finished)
                .unwrap_or_else(|e| e.into_inner());
            if !*finished {
                cancel.store(true, Ordering::Relaxed);
            }
        })
    };
    let out = work(&cancel);
    let (lock, wake) = &*done;
    *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
    wake.notify_one();
    let _ = watchdog.join();
    out
}
