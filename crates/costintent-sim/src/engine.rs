//! Running trials: chunks on a dedicated thread pool, rows into columns.
//!
//! Trials are split into fixed chunks of [`CHUNK`] trials. Each chunk owns a
//! contiguous slice of a row-major table (one row per trial) and fills it
//! with its own draw-site buffers, so no two threads share anything mutable.
//! Every value in a row is computed from that trial's own streams in a fixed
//! order — workloads in scenario order, then wallets — so the table, and the
//! columns transposed from it, are the same on any number of threads.
//! Memory is one row of `2 + Σ (5 + 2 · units) + 5 · wallets` numbers per
//! trial, briefly twice while the columns are built.

use std::sync::atomic::{AtomicBool, Ordering};

use costintent_scenario::{Scenario, Wallet};
use rayon::prelude::*;

use crate::fast::{FastPlan, WorkloadPlan};
use crate::outcome::{Outcomes, UnitSeries, WalletOutcome, WorkloadOutcome};
use crate::trace::{TraceAttempt, Tracer};
use crate::wallet::settle;
use crate::workload::{Compiled, State, TrialKey};

/// Trials per chunk: the unit of work handed to a thread and of progress.
pub const CHUNK: usize = 256;

/// How to run a simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimOptions {
    /// Number of trials.
    pub trials: u64,
    /// Master seed; with the trial index it determines every draw.
    pub seed: u64,
    /// Worker threads; 0 uses every core. Results do not depend on it.
    pub threads: usize,
    /// `--scale K`: multiplies every volume (1.0 leaves them as written).
    pub scale: f64,
    /// Index of the first trial, so a shard of a larger run draws exactly
    /// what that run draws for the same trials (0 for a whole run).
    pub first_trial: u64,
    /// Whether trials may be drawn as compound sums (see [`EngineMode`]).
    pub mode: EngineMode,
    /// Trials of the whole run when this is a shard of it (0: `trials`).
    /// The fast path plans from the whole run, so that every shard makes
    /// the same choices and draws as the single run.
    pub run_trials: u64,
    /// The relative standard error an adaptive run stops at (its results
    /// then matter to about this precision), which sizes the fast path's
    /// pools: a fifth of it. `None`: the error of a run of `run_trials`
    /// trials. With it, plan with `run_trials` set to the most trials the
    /// run may reach, so that per-trial parameters are planned over all of
    /// them.
    pub rse_goal: Option<f64>,
}

impl SimOptions {
    /// A whole run of `trials` trials with `seed`, on every core, unscaled.
    pub fn new(trials: u64, seed: u64) -> Self {
        Self {
            trials,
            seed,
            threads: 0,
            scale: 1.0,
            first_trial: 0,
            mode: EngineMode::Auto,
            run_trials: 0,
            rse_goal: None,
        }
    }
}

/// How a run simulates each workload's units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EngineMode {
    /// Draw a trial's units as a compound sum where that is accurate and
    /// cheaper than simulating them (the default; see the fast path in the
    /// engine's documentation).
    #[default]
    Auto,
    /// Simulate every unit of every trial (`--exact`).
    Exact,
    /// Draw compound sums wherever they are accurate, even where simulating
    /// every unit would be as fast (for tests of the fast path itself).
    Compound,
}

/// The run stopped because the caller set the cancel flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("simulation cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// Why [`Engine::run`] returned no outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The caller set the cancel flag.
    Cancelled,
    /// The table of per-trial rows could not be allocated.
    OutOfMemory {
        /// Bytes the table needed.
        bytes: u64,
    },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Cancelled => Cancelled.fmt(f),
            Self::OutOfMemory { bytes } => {
                write!(f, "cannot allocate {bytes} bytes for the per-trial results")
            }
        }
    }
}

impl std::error::Error for RunError {}

/// A scenario compiled for simulation: samplers converted and prices in USD
/// per unit, once; then any number of trials or runs.
#[derive(Clone, Debug)]
pub struct Engine {
    workloads: Vec<Compiled>,
    workload_names: Vec<String>,
    wallets: Vec<Wallet>,
    /// Column offset of each workload's block in a row.
    offsets: Vec<usize>,
    /// Column offset of the wallets' block.
    wallets_at: usize,
    /// Length of the period in days (for monthly allowances).
    period_days: f64,
    width: usize,
}

/// How each workload of a run is simulated ([`Engine::plan`]).
#[derive(Debug)]
pub struct Plans {
    workloads: Vec<WorkloadPlan>,
}

/// Reusable buffers for running trials one at a time ([`Engine::trial_total`]).
#[derive(Clone, Debug)]
pub struct TrialScratch {
    states: Vec<State>,
    /// Per wallet: USD of credit used, and API requests (attempts) sent.
    wallet_used: Vec<(f64, f64)>,
    row: Vec<f64>,
    /// Per workload, trials drawn as compound sums.
    summed: Vec<u64>,
}

/// Columns of a row: total, clamped draws, then the blocks.
const TOTAL: usize = 0;
const CLAMPED: usize = 1;
/// Columns per workload before its units: spend, waste, attempts, requests, lost.
const WORKLOAD_COLUMNS: usize = 5;
/// Columns per wallet: top-ups, purchase fees, usage fees, credits bought, used.
const WALLET_COLUMNS: usize = 5;

impl Engine {
    /// Compiles a validated scenario.
    pub fn new(scenario: &Scenario) -> Self {
        let workloads: Vec<Compiled> =
            scenario.workloads.iter().map(|w| Compiled::new(w, scenario)).collect();
        let mut offsets = Vec::with_capacity(workloads.len());
        let mut at = 2;
        for w in &workloads {
            offsets.push(at);
            at += WORKLOAD_COLUMNS + 2 * w.units.len();
        }
        let wallets_at = at;
        let width = at + WALLET_COLUMNS * scenario.wallets.len();
        Self {
            workloads,
            workload_names: scenario.workloads.iter().map(|w| w.name.clone()).collect(),
            wallets: scenario.wallets.clone(),
            offsets,
            wallets_at,
            period_days: scenario.period.days(),
            width,
        }
    }

    /// Buffers for [`Engine::trial_total`].
    pub fn scratch(&self) -> TrialScratch {
        TrialScratch {
            states: self.workloads.iter().map(Compiled::state).collect(),
            wallet_used: vec![(0.0, 0.0); self.wallets.len()],
            row: vec![0.0; self.width],
            summed: vec![0; self.workloads.len()],
        }
    }

    /// Simulates one trial and returns its total spend (for benchmarks and
    /// spot checks; [`Engine::run`] gives every column).
    pub fn trial_total(
        &self,
        scratch: &mut TrialScratch,
        seed: u64,
        trial: u64,
        scale: f64,
    ) -> f64 {
        let key = TrialKey { seed, trial, scale };
        let plans = vec![Vec::new(); self.workloads.len()];
        let mut row = std::mem::take(&mut scratch.row);
        self.trial_into(scratch, key, &mut row, &AtomicBool::new(false), &plans);
        let total = row[TOTAL];
        scratch.row = row;
        total
    }

    /// Simulates trial `trial` unit by unit (whatever the volume) and
    /// returns every attempt it sent, workload by workload; the same draws
    /// as the trial in any run with the same seed and scale.
    pub fn trace(&self, seed: u64, trial: u64, scale: f64) -> Vec<TraceAttempt> {
        let mut attempts = Vec::new();
        let cancel = AtomicBool::new(false);
        let key = TrialKey { seed, trial, scale };
        for (i, w) in self.workloads.iter().enumerate() {
            let mut state = w.state();
            let mut tracer = Tracer::new(i, self.period_days);
            w.run(&mut state, key, &cancel, &[], Some(&mut tracer));
            attempts.append(&mut tracer.attempts);
        }
        attempts
    }

    /// Bytes of memory a run of `trials` trials needs: the row table
    /// (`trials` × the row width × 8 bytes) and, while the columns are
    /// built from it, the same again. Saturates instead of overflowing.
    pub fn memory_needed(&self, trials: u64) -> u64 {
        trials.saturating_mul(self.width as u64).saturating_mul(8).saturating_mul(2)
    }

    /// Runs `options.trials` trials. `progress` is called from worker
    /// threads with the number of trials each finished chunk held; setting
    /// `cancel` stops the run at the next trial and returns
    /// [`RunError::Cancelled`]. A row table that cannot be allocated is
    /// [`RunError::OutOfMemory`], not an abort (callers should still check
    /// [`Engine::memory_needed`] first: an operating system that
    /// overcommits may grant the allocation and fail later).
    pub fn run(
        &self,
        options: &SimOptions,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<Outcomes, RunError> {
        let plans = self.plan(options, cancel);
        self.run_planned(options, &plans, progress, cancel)
    }

    /// Plans how each workload is simulated in a run with these options:
    /// unit by unit, or as compound sums from pools of units simulated now
    /// (see the fast path). Plans depend on the seed, scale, mode and the
    /// run's trial count (`run_trials`, else `trials`), not on which trials
    /// a call of [`Engine::run_planned`] runs, so a run made of several
    /// batches or shards draws what the whole run draws.
    pub fn plan(&self, options: &SimOptions, cancel: &AtomicBool) -> Plans {
        let run_trials = if options.run_trials > 0 { options.run_trials } else { options.trials };
        let plan = || {
            self.workloads
                .iter()
                .map(|w| {
                    WorkloadPlan::build(
                        w,
                        options.seed,
                        options.scale,
                        run_trials,
                        options.rse_goal,
                        options.mode,
                        cancel,
                    )
                })
                .collect()
        };
        let workloads = match rayon::ThreadPoolBuilder::new().num_threads(options.threads).build() {
            Ok(pool) => pool.install(plan),
            Err(_) => plan(),
        };
        Plans { workloads }
    }

    /// Runs trials `options.first_trial ..` (`options.trials` of them) with
    /// plans from [`Engine::plan`] (made with the same seed, scale and mode).
    pub fn run_planned(
        &self,
        options: &SimOptions,
        plans: &Plans,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<Outcomes, RunError> {
        let width = self.width;
        let len = usize::try_from(options.trials)
            .ok()
            .and_then(|trials| trials.checked_mul(width))
            .filter(|len| len.checked_mul(8).is_some_and(|b| b <= isize::MAX as usize));
        let out_of_memory = RunError::OutOfMemory { bytes: self.memory_needed(options.trials) / 2 };
        let Some(len) = len else { return Err(out_of_memory) };
        let mut rows: Vec<f64> = Vec::new();
        rows.try_reserve_exact(len).map_err(|_| out_of_memory)?;
        rows.resize(len, 0.0);
        let n_workloads = self.workloads.len();
        let fast: Vec<Vec<Option<&FastPlan>>> =
            plans.workloads.iter().map(WorkloadPlan::fast).collect();
        let work = |(chunk, slab): (usize, &mut [f64])| -> Vec<u64> {
            if cancel.load(Ordering::Relaxed) {
                return vec![0u64; n_workloads];
            }
            let mut scratch = self.scratch();
            let first = options.first_trial.wrapping_add((chunk * CHUNK) as u64);
            let mut done = 0;
            for (k, row) in slab.chunks_mut(width).enumerate() {
                if cancel.load(Ordering::Relaxed) {
                    return scratch.summed;
                }
                let trial = first.wrapping_add(k as u64);
                let key = TrialKey { seed: options.seed, trial, scale: options.scale };
                self.trial_into(&mut scratch, key, row, cancel, &fast);
                done += 1;
            }
            progress(done);
            scratch.summed
        };
        let counts: Vec<Vec<u64>> =
            match rayon::ThreadPoolBuilder::new().num_threads(options.threads).build() {
                Ok(pool) => pool
                    .install(|| rows.par_chunks_mut(CHUNK * width).enumerate().map(work).collect()),
                // Without threads the same chunks run here, with the same results.
                Err(_) => rows.chunks_mut(CHUNK * width).enumerate().map(work).collect(),
            };
        if cancel.load(Ordering::Relaxed) {
            return Err(RunError::Cancelled);
        }
        let mut outcomes = self.columns(&rows, options.first_trial);
        outcomes.methods = plans
            .workloads
            .iter()
            .enumerate()
            .map(|(i, p)| p.method(counts.iter().map(|c| c[i]).sum()))
            .collect();
        Ok(outcomes)
    }

    /// Fills one row.
    fn trial_into(
        &self,
        scratch: &mut TrialScratch,
        key: TrialKey,
        row: &mut [f64],
        cancel: &AtomicBool,
        plans: &[Vec<Option<&FastPlan>>],
    ) {
        let TrialScratch { states, wallet_used, summed, .. } = scratch;
        wallet_used.fill((0.0, 0.0));
        let mut total = 0.0;
        let mut clamped = 0u64;
        let workloads = self.workloads.iter().zip(states.iter_mut()).zip(&self.offsets);
        for (i, ((w, state), &at)) in workloads.enumerate() {
            let plan = plans.get(i).map_or(&[][..], Vec::as_slice);
            let r = w.run(state, key, cancel, plan, None);
            if r.summed {
                summed[i] += 1;
            }
            let block = &mut row[at..at + WORKLOAD_COLUMNS + 2 * w.units.len()];
            block[0] = r.totals.spend;
            block[1] = r.totals.waste;
            block[2] = r.ledger.attempts;
            block[3] = r.ledger.requests;
            block[4] = r.ledger.lost;
            for (i, &unit) in w.units.iter().enumerate() {
                block[WORKLOAD_COLUMNS + 2 * i] = r.ledger.quantity(unit);
                block[WORKLOAD_COLUMNS + 2 * i + 1] = r.usd[crate::prices::idx(unit)];
            }
            total += r.totals.spend;
            clamped += r.clamped;
            if let Some((used, requests)) = w.via.and_then(|i| wallet_used.get_mut(i)) {
                *used += r.totals.spend;
                *requests += r.ledger.attempts;
            }
        }
        for (i, (wallet, &(used, requests))) in
            self.wallets.iter().zip(wallet_used.iter()).enumerate()
        {
            let t = settle(wallet, used, requests, self.period_days);
            let at = self.wallets_at + WALLET_COLUMNS * i;
            row[at..at + WALLET_COLUMNS].copy_from_slice(&[
                t.topups,
                t.purchase_fees,
                t.usage_fees,
                t.credits_bought,
                t.credits_used,
            ]);
            total += t.purchase_fees + t.usage_fees;
        }
        row[TOTAL] = total;
        row[CLAMPED] = clamped as f64;
    }

    /// Transposes the row table into [`Outcomes`] columns.
    fn columns(&self, rows: &[f64], first_trial: u64) -> Outcomes {
        let width = self.width;
        let column =
            |c: usize| -> Vec<f64> { rows.iter().skip(c).step_by(width).copied().collect() };
        let clamped = rows.iter().skip(CLAMPED).step_by(width).map(|&x| x as u64).sum();
        let workloads = self
            .workloads
            .iter()
            .zip(&self.offsets)
            .zip(&self.workload_names)
            .map(|((w, &at), name)| WorkloadOutcome {
                name: name.clone(),
                spend: column(at),
                waste: column(at + 1),
                attempts: column(at + 2),
                requests: column(at + 3),
                lost: column(at + 4),
                units: w
                    .units
                    .iter()
                    .enumerate()
                    .map(|(i, &unit)| UnitSeries {
                        unit,
                        quantity: column(at + WORKLOAD_COLUMNS + 2 * i),
                        usd: column(at + WORKLOAD_COLUMNS + 2 * i + 1),
                    })
                    .collect(),
            })
            .collect();
        let wallets = self
            .wallets
            .iter()
            .enumerate()
            .map(|(i, wallet)| {
                let at = self.wallets_at + WALLET_COLUMNS * i;
                WalletOutcome {
                    name: wallet.name.clone(),
                    topups: column(at),
                    purchase_fees: column(at + 1),
                    usage_fees: column(at + 2),
                    credits_bought: column(at + 3),
                    credits_used: column(at + 4),
                }
            })
            .collect();
        Outcomes {
            first_trial,
            total: column(TOTAL),
            workloads,
            wallets,
            clamped_draws: clamped,
            methods: Vec::new(),
        }
    }
}

/// Simulates `options.trials` trials of `scenario`.
///
/// `progress(n)` is called from worker threads with the number of trials
/// just finished (once per chunk of [`CHUNK`]). When `cancel` is set the run
/// stops at the next trial and returns [`Cancelled`]. The result depends on
/// the scenario, `seed`, `scale`, `first_trial` and the trial count only —
/// never on `threads`.
///
/// # Panics
///
/// When the per-trial table cannot be allocated; [`Engine::run`] returns
/// that as an error instead.
pub fn simulate(
    scenario: &Scenario,
    options: &SimOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Outcomes, Cancelled> {
    match Engine::new(scenario).run(options, progress, cancel) {
        Ok(outcomes) => Ok(outcomes),
        Err(RunError::Cancelled) => Err(Cancelled),
        // What `vec!` did before `Engine::run` learnt to report it.
        Err(e @ RunError::OutOfMemory { .. }) => panic!("{e}"),
    }
}

/// Total spend of one trial of `scenario` (for benchmarks; compiles the
/// scenario on every call, so loop over [`Engine::trial_total`] instead).
pub fn simulate_trial(scenario: &Scenario, seed: u64, trial: u64, scale: f64) -> f64 {
    let engine = Engine::new(scenario);
    let mut scratch = engine.scratch();
    engine.trial_total(&mut scratch, seed, trial, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let text = "[scenario]\nname = \"t\"\nperiod = \"1d\"\n\n[models.\"acme/a\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n\n[[workload]]\nname = \"chat\"\nkind = \"requests\"\nmodel = \"acme/a\"\nrequests = 3\ninput = 10\noutput = 5\n";
        let catalog = costintent_scenario::Catalog::embedded();
        let options = costintent_scenario::LoadOptions {
            catalog: &catalog,
            today: costintent_scenario::Date::new(2026, 11, 1).expect("date"),
            overrides: &[],
        };
        let checked = costintent_scenario::load_str("t.toml", text, &options).expect("valid");
        Engine::new(&checked.scenario)
    }

    #[test]
    fn memory_needed_counts_rows_and_their_transpose() {
        let engine = engine();
        // total, clamped, 5 workload columns, 2 units × (quantity, usd).
        assert_eq!(engine.width, 11);
        assert_eq!(engine.memory_needed(1000), 1000 * 11 * 8 * 2);
        assert_eq!(engine.memory_needed(u64::MAX), u64::MAX, "saturates");
    }

    #[test]
    fn a_table_too_large_to_allocate_is_an_error_not_an_abort() {
        let engine = engine();
        let cancel = AtomicBool::new(false);
        for trials in [u64::MAX, 1 << 56] {
            let options = SimOptions::new(trials, 1);
            let err = engine.run(&options, &|_| {}, &cancel).expect_err("cannot allocate");
            assert!(matches!(err, RunError::OutOfMemory { .. }), "{err:?}");
        }
        let ok = engine.run(&SimOptions::new(10, 1), &|_| {}, &cancel).expect("small run");
        assert_eq!(ok.trials(), 10);
    }
}
