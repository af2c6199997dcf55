//! The costintent engine: Monte Carlo simulation of a validated scenario.
//!
//! Pure computation: no file or network I/O, no clock, no global RNG, no
//! printing. Each trial draws from its own generator seeded from (master
//! seed, trial index), with one sub-stream per workload keyed by a stable
//! hash of the workload's name, so results are byte-identical on any thread
//! count and adding a workload leaves the others' draws alone.
//!
//! ```no_run
//! # fn demo(scenario: &costintent_scenario::Scenario) {
//! use std::sync::atomic::AtomicBool;
//! use costintent_sim::{SimOptions, simulate};
//!
//! let options = SimOptions::new(20_000, 42);
//! let outcomes = simulate(scenario, &options, &|_done| {}, &AtomicBool::new(false))
//!     .expect("not cancelled");
//! let mean = outcomes.total.iter().sum::<f64>() / outcomes.trials() as f64;
//! # let _ = mean;
//! # }
//! ```
//!
//! # What a trial simulates
//!
//! Each rule is stated in the documentation of the module that implements
//! it (read the source, or `cargo doc --document-private-items`):
//!
//! - Streams and seeding: `rng` — four streams per workload
//!   (parameters, volume, usage, attempts) so that prices, failure settings
//!   and `--scale` change as few draws as possible.
//! - Uncertain parameters, drawn once per trial and clamped to their domain:
//!   `params`.
//! - Volumes and `--scale`: `volume`.
//! - Sampling conventions (rounding, truncated normals, geometric counts):
//!   `sampling`; the ziggurat and the vectorised `exp`: `ziggurat`, `math`.
//! - Attempts, failures, retries, timeouts and polls: `attempts`.
//! - Billing by unit and long-context tier, waste: `ledger`, `prices`.
//! - The kinds: `kinds::requests`, `kinds::agent`, `kinds::image`,
//!   `kinds::video`, `kinds::realtime` (each module's documentation states
//!   its rules).
//! - Wallets, top-ups and fees: `wallet`.
//!
//! A workload's spend is the USD of everything it billed (credit used, for a
//! workload paying through a wallet); a trial's total is the workloads'
//! spend in scenario order plus every wallet's purchase and usage fees.

mod attempts;
mod compound;
mod engine;
mod fast;
mod kinds;
mod law;
mod ledger;
mod math;
mod outcome;
mod params;
mod prices;
mod rng;
mod sampling;
mod trace;
mod volume;
mod wallet;
mod workload;
mod ziggurat;
mod ziggurat_tables;

pub use engine::{
    CHUNK, Cancelled, Engine, EngineMode, Plans, RunError, SimOptions, TrialScratch, simulate,
    simulate_trial,
};
pub use fast::Method;
pub use outcome::{Outcomes, Unit, UnitSeries, WalletOutcome, WorkloadOutcome};
pub use sampling::Draws;
pub use trace::{AttemptStatus, TraceAttempt};
