//! The analysis crate's tests, one module per file of this folder, built as
//! one test binary: one link instead of three, and one binary for Cargo to run.
//! Run one file's tests with its module name as the filter, for example
//! `cargo test -p costintent-analysis --test analysis_tests adaptive::`.

mod adaptive;
mod analysis;
mod calibrate;

/// Every `.rs` file of this folder is a module above: Cargo builds only
/// this file as a test, so a file left out would silently never run.
#[test]
fn every_test_file_is_a_module() {
    use std::path::Path;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(dir.join("main.rs")).expect("main.rs");
    for entry in std::fs::read_dir(&dir).expect("tests folder") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            assert!(main.contains(&format!("\nmod {stem};\n")), "tests/{stem}.rs is not a module");
        }
    }
}
