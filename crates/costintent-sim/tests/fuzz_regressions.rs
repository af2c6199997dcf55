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

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every file of `fuzz/<dir>/<target>`, sorted (none when the folder does
/// not exist yet).
fn inputs(dir: &str, target: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz").join(dir).join(target);
    let Ok(entries) = std::fs::read_dir(&folder) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// Runs `check` on each file; fails with the list of files that panicked.
fn replay(files: &[PathBuf], check: impl Fn(&[u8])) {
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap();
            catch_unwind(AssertUnwindSafe(|| check(&data))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "inputs that fail their fuzz check:\n{}", failed.join("\n"));
}

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
    let files = inputs("corpus", "scenario_text");
    assert!(files.len() >= 20, "the kept corpus holds the bundled scenarios at least");
    replay(&files, scenario_check);
}

#[test]
fn every_scenario_crash_found_by_fuzzing_stays_fixed() {
    let mut files = inputs("regressions", "scenario_text");
    files.extend(inputs("regressions", "scenario_structured"));
    replay(&files, scenario_check);
}
