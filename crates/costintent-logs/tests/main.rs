//! The usage-log crate's tests, one module per file of this folder, built as
//! one test binary: one link instead of three, and one binary for Cargo to run.
//! (`every_test_file_is_a_module` in the top-level tests/main.rs checks that
//! every file of this folder is declared below.) Run one file's tests with its
//! module name as the filter, for example
//! `cargo test -p costintent-logs --test logs_tests engine_agreement::`.

mod engine_agreement;
mod fuzz_regressions;
mod importers;
