//! Replaying the kept fuzz inputs under `cargo test`: the corpus and the
//! crashes in `fuzz/corpus/<target>` and `fuzz/regressions/<target>`, each
//! through the check its target runs. Not part of the fuzz crate: the
//! crates' `fuzz_regressions` tests include this file by path (so
//! `CARGO_MANIFEST_DIR` is theirs, two folders below the repository root).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Every file of `fuzz/<dir>/<target>` for each of `dirs`, sorted (none
/// for a folder that does not exist yet).
pub fn kept_inputs(dirs: &[&str], target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) {
            files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

/// Runs `check` on each file; fails with the list of files that panicked.
pub fn replay_files(files: &[PathBuf], check: impl Fn(&[u8])) {
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

/// The corpus and the crashes of `target` (at least its seeds) through
/// `check`.
pub fn replay(target: &str, check: impl Fn(&[u8])) {
    let files = kept_inputs(&["corpus", "regressions"], target);
    assert!(!files.is_empty(), "{target}: the kept corpus has its seeds");
    replay_files(&files, check);
}
