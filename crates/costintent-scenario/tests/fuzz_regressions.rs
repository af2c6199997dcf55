//! Replays the kept fuzz corpus and every crash found by the catalog fuzz
//! targets (fuzz/corpus and fuzz/regressions, for `catalog_litellm`,
//! `catalog_genai_prices` and `catalog_file`) through the very checks the
//! targets run: no panic, errors that name the file, imports and catalog
//! files that read back the same. The fuzzers themselves run apart
//! (fuzz/README.md); this test keeps what they found fixed.

#![allow(clippy::unwrap_used)]

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/src/catalog.rs"]
mod catalog;

#[allow(unreachable_pub, dead_code)]
#[path = "../../../fuzz/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn litellm_imports_of_the_kept_inputs_pass_the_fuzz_checks() {
    replay("catalog_litellm", catalog::litellm);
}

#[test]
fn genai_prices_imports_of_the_kept_inputs_pass_the_fuzz_checks() {
    replay("catalog_genai_prices", catalog::genai_prices);
}

#[test]
fn catalog_files_of_the_kept_inputs_pass_the_fuzz_checks() {
    replay("catalog_file", catalog::catalog_file);
}
