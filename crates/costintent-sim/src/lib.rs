//! The costintent engine: Monte Carlo simulation of a validated scenario.
//!
//! Pure computation: no file or network I/O, no clock, no global RNG, no
//! printing. Each trial draws from its own generator seeded from (master
//! seed, trial index), with one sub-stream per workload keyed by a stable
//! hash of the workload's name, so results are byte-identical on any thread
//! count and adding a workload leaves the others' draws alone.

mod outcome;

pub use outcome::{Outcomes, Unit, UnitSeries, WalletOutcome, WorkloadOutcome};
