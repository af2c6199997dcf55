//! Replays the kept fuzz corpus and every crash the scenario fuzz targets
//! found (fuzz/corpus/scenario_text, fuzz/regressions/scenario_text and
//! fuzz/regressions/scenario_structured) through the very checks the
//! targets run: the parser's diagnostics, then a short simulation of a
//! valid scenario in both engine modes with the engine's invariants. The
//! fuzzers themselves run apart (fuzz/README.md); this test keeps what they
//! found fixed.

#![allow(clippy::unwrap_used)]

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/scenario.rs"]
mod scenario;
#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/simulate.rs"]
mod simulate;

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/replay.rs"]
mod replay;

use std::time::Duration;

use replay::{kept_inputs, replay_files};

/// The check of both scenario targets on a kept file: its overrides are
/// comment lines at the top (`scenario::OVERRIDE_LINE`).
fn scenario_check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let overrides = scenario::overrides_in(text);
    if let Some(valid) = scenario::load(text, &overrides) {
        // A debug build is slower than the fuzzer's: a longer deadline.
        simulate::simulate(&valid, Duration::from_secs(2));
    }
}

#[test]
fn the_kept_scenario_corpus_passes_the_fuzz_checks() {
    let files = kept_inputs(&["corpus"], "scenario_text");
    assert!(files.len() >= 20, "the kept corpus holds the bundled scenarios at least");
    replay_files(&files, scenario_check);
}

#[test]
fn every_scenario_crash_found_by_fuzzing_stays_fixed() {
    let mut files = kept_inputs(&["regressions"], "scenario_text");
    files.extend(kept_inputs(&["regressions"], "scenario_structured"));
    replay_files(&files, scenario_check);
}
