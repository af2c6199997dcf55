//! `Catalog::from_toml_str` (`--catalog FILE`) on any bytes; a catalog that
//! reads is written, read back and queried.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| costintent_fuzz::catalog::catalog_file(data));
