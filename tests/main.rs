//! The end-to-end tests of the `costintent` binary, one module per file of
//! this folder, built as one test binary: one link instead of eight, and the
//! slow tests of every file run side by side on every core (Cargo runs test
//! binaries one after another, and the harness runs one binary's tests in
//! parallel). Run one file's tests with its module name as the filter, for
//! example `cargo test -p costintent --test end_to_end reports::`.

mod calibrate;
mod cli;
mod logs;
mod reconcile;
mod reports;
mod robustness;
mod round_trip;
mod shards;

/// Every `.rs` file of this folder is a module above: Cargo builds only
/// this file as a test, so a file left out would silently never run.
#[test]
fn every_test_file_is_a_module() {
    use std::path::Path;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let main = std::fs::read_to_string(dir.join("main.rs")).expect("main.rs");
    for entry in std::fs::read_dir(&dir).expect("tests folder") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            assert!(main.contains(&format!("\nmod {stem};\n")), "tests/{stem}.rs is not a module");
        }
    }
}
