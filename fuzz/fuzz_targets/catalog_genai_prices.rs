//! `Catalog::import_genai_prices` on any bytes; what it imports must read back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| costintent_fuzz::catalog::genai_prices(data));
