//! The report crate's tests, one module per file of this folder, built as one
//! test binary: one link instead of seven, and one binary for Cargo to run.
//! (`every_test_file_is_a_module` in the top-level tests/main.rs checks that
//! every file of this folder is declared below.) Run one file's tests with its
//! module name as the filter, for example
//! `cargo test -p costintent-report --test report_tests compare::`.

mod common;

mod compare;
mod csv;
mod parquet;
mod plan;
mod report;
mod report_charts;
mod stats;
