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
