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

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) {
            files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

fn replay(target: &str, check: impl Fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "{target}: the kept corpus has its seeds");
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
