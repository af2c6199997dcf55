//! Valid scenarios edited in their TOML tree (see `structured.rs`), with
//! overrides; a result that is still valid is simulated briefly and its
//! outcomes checked.
#![no_main]

use std::time::Duration;

use costintent_fuzz::{scenario, simulate, structured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(case) = structured::case(data) else { return };
    if let Some(valid) = scenario::load(&case.text, &case.overrides) {
        simulate::simulate(&valid, Duration::from_millis(50));
    }
});
