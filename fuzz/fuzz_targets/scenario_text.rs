//! `load_str` on any text; a valid scenario is simulated briefly and its
//! outcomes checked.
#![no_main]

use std::time::Duration;

use costintent_fuzz::{scenario, simulate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(valid) = scenario::load(text, &[]) {
        simulate::simulate(&valid, Duration::from_millis(50));
    }
});
