//! The log importers with format detection, on any bytes (the first byte
//! sets how the file was given and its extension).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| costintent_fuzz::logs::detect(data));
