//! Each log importer forced (`--log-format`, picked by the first byte), on
//! any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| costintent_fuzz::logs::forced(data));
