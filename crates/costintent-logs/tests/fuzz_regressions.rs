//! Replays the kept fuzz corpus and every crash found by the log fuzz
//! targets (fuzz/corpus and fuzz/regressions, for `logs_detect` and
//! `logs_format`) through the very checks the targets run: no panic,
//! `read_records` and `summarize` agree, attempts written as
//! `costintent.attempt/v1` read back the same, `logs review` finds a request
//! that was read. The fuzzers themselves run apart (fuzz/README.md); this
//! test keeps what they found fixed.

#![allow(clippy::unwrap_used)]

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/logs.rs"]
mod logs;

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn detected_imports_of_the_kept_inputs_pass_the_fuzz_checks() {
    replay("logs_detect", logs::detect);
}

#[test]
fn forced_imports_of_the_kept_inputs_pass_the_fuzz_checks() {
    replay("logs_format", logs::forced);
}
