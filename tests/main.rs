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

/// Every `.rs` file of each test folder built as one binary (this one and
/// the crates' folders that hold a `main.rs`) is a module of its `main.rs`:
/// Cargo builds only that file as a test, so a file left out would silently
/// never run. One check for every such folder of the workspace.
#[test]
fn every_test_file_is_a_module() {
    use std::path::Path;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut folders = vec![root.join("tests")];
    for entry in std::fs::read_dir(root.join("crates")).expect("crates folder") {
        folders.push(entry.expect("entry").path().join("tests"));
    }
    let mut checked = 0;
    for dir in folders {
        let Ok(main) = std::fs::read_to_string(dir.join("main.rs")) else { continue };
        checked += 1;
        for entry in std::fs::read_dir(&dir).expect("tests folder") {
            let path = entry.expect("entry").path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
                let declared = main.contains(&format!("\nmod {stem};\n"));
                assert!(declared, "{} is not a module of its main.rs", path.display());
            }
        }
    }
    // The top-level folder and the engine, report, logs and analysis crates.
    assert_eq!(checked, 5, "test folders with a main.rs");
}
