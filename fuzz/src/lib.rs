//! Fuzzing costintent: the checks each target runs, and the structure-aware
//! scenario inputs. The targets in `fuzz_targets/` are one line each; the
//! checks live here so that the regression tests of the main workspace can
//! replay the kept corpus and every crash with the very same code (they
//! include these files by path; see README.md).

pub mod catalog;
pub mod logs;
pub mod scenario;
pub mod simulate;
pub mod structured;

/// The engine's invariants, shared with the property tests.
#[path = "../../crates/costintent-sim/tests/invariants/mod.rs"]
pub mod invariants;
