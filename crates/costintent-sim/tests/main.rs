//! The engine's tests, one module per file of this folder, built as one test
//! binary: one link instead of ten, and the harness runs the slow tests of
//! every file side by side on every core (Cargo runs test binaries one after
//! another). `every_test_file_is_a_module` in the top-level tests/main.rs
//! checks that every file of this folder is declared below. Run one file's
//! tests with its module name as the filter, for example
//! `cargo test -p costintent-sim --test engine fast_path::`.

mod common;
mod invariants;

mod closed_forms;
mod closed_forms_compound;
mod determinism;
mod fast_path;
mod fuzz_regressions;
mod properties;
mod ramps;
mod reference;
mod samplers;
mod trace;
