//! The fast path: a workload's trial drawn as a compound sum instead of
//! unit by unit, so that run time does not grow with traffic.
//!
//! For a workload whose unit distribution is the same in every trial (no
//! per-trial parameter among its failure settings, latencies and usage
//! draws; per-trial volumes are fine), the engine simulates a *pool* of
//! units once per run with the ordinary unit-by-unit code, on streams of
//! their own, and learns the moments of one unit's ledger cells (quantities
//! billed and wasted by unit and price tier, attempts, requests, lost
//! requests). A trial with at least [`FastPlan::min_units`] units then draws
//! its ledger from [`SumSampler`]; a trial with fewer is simulated unit by
//! unit exactly as `--exact` would, so small volumes lose nothing.
//!
//! Errors, and how they are bounded:
//!
//! - The pool's means are estimates: the pool grows until the standard
//!   error of the mean cost per unit is at most [`TARGET_RSE`] of it (or the
//!   pool reaches [`MAX_POOL`] units, and the relative standard error is
//!   reported). Every trial shares this error, so it shifts the whole
//!   distribution by that fraction; `--exact` has none.
//! - The shape of the sum: see [`crate::compound`]; `min_units` keeps the
//!   sum's skewness at or below 0.25, where the Cornish–Fisher expansion is
//!   accurate, and every cell four standard deviations above 0.
//! - Lost requests, when they are rare (a sum that would need more than
//!   [`RARE_UNITS`] units to look normal), are drawn as a Poisson count with
//!   the right mean instead.
//!
//! The fast path is not used when the pool would cost more than a quarter of
//! simulating every unit of the run, or when some cell cannot become normal
//! (a quantity that is almost always 0), or when a unit parameter is drawn
//! per trial; the report names the method of each workload.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::attempts::Attempts;
use crate::compound::{MomentSums, SumSampler, UnitMoments};
use crate::kinds::Ctx;
use crate::ledger::Ledger;
use crate::params::ParamDraws;
use crate::prices::{PriceTable, idx};
use crate::rng::{SimRng, Stream, stream};
use crate::sampling::poisson_count;
use crate::workload::Compiled;
use crate::ziggurat::standard_normal;

/// Units per pool chunk (the unit of parallel work and of determinism).
const POOL_CHUNK: u64 = 4096;
/// The pilot pool, from which the pool's final size is chosen.
const PILOT: u64 = 4 * POOL_CHUNK;
/// The largest pool.
pub(crate) const MAX_POOL: u64 = 512 * POOL_CHUNK;
/// Target relative standard error of the pool's mean cost per unit.
pub(crate) const TARGET_RSE: f64 = 5e-4;
/// A counter whose sum needs more units than this to look normal is rare.
const RARE_UNITS: f64 = 1e4;
/// Trials whose volumes estimate the mean volume of a run.
const VOLUME_PROBE: u64 = 256;

/// Where a cell of the unit vector lives in the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Billed { tier: usize, unit: usize },
    Wasted { tier: usize, unit: usize },
    Attempts,
    Requests,
    Lost,
}

/// How a workload's trials were simulated, for the report.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// Every unit of every trial simulated (`--exact`, or the fast path did
    /// not apply); `reason` says why when the fast path was not forced off.
    Exact {
        /// Why the fast path was not used (`None` with `--exact`).
        reason: Option<String>,
    },
    /// Trials with at least `min_units` units drawn as compound sums.
    Fast {
        /// Units simulated in the pool.
        pool_units: u64,
        /// Fewest units a trial needs to be drawn as a sum.
        min_units: f64,
        /// Relative standard error of the pool's mean cost per unit.
        mean_rse: f64,
        /// Trials drawn as sums (the rest were simulated unit by unit).
        fast_trials: u64,
    },
}

/// A workload's fast path for one run.
#[derive(Clone, Debug)]
pub(crate) struct FastPlan {
    cells: Vec<Cell>,
    sampler: SumSampler,
    rare: Vec<bool>,
    min_units: f64,
    pool_units: u64,
    mean_rse: f64,
}

/// What [`FastPlan::build`] decided.
#[derive(Debug)]
pub(crate) enum Plan {
    Fast(FastPlan),
    Exact(String),
}

/// A workload's plans, one per price segment of the period.
#[derive(Debug)]
pub(crate) struct WorkloadPlan {
    segments: Vec<Plan>,
}

impl WorkloadPlan {
    /// Plans every segment of `w` (all exact with `exact`).
    pub(crate) fn build(
        w: &Compiled,
        seed: u64,
        scale: f64,
        trials: u64,
        exact: bool,
        cancel: &AtomicBool,
    ) -> Self {
        let segments = (0..w.segments.len())
            .map(|j| {
                if exact {
                    Plan::Exact(String::new())
                } else {
                    FastPlan::build(w, j, seed, scale, trials, cancel)
                }
            })
            .collect();
        Self { segments }
    }

    /// Each segment's fast plan, if it has one.
    pub(crate) fn fast(&self) -> Vec<Option<&FastPlan>> {
        self.segments.iter().map(Plan::fast).collect()
    }

    /// The method, with `summed` trials drawn (in some segment) as sums.
    pub(crate) fn method(&self, summed: u64) -> Method {
        let fast: Vec<&FastPlan> = self.segments.iter().filter_map(Plan::fast).collect();
        if fast.is_empty() {
            return self.segments.first().map_or(Method::Exact { reason: None }, |p| p.method(0));
        }
        Method::Fast {
            pool_units: fast.iter().map(|p| p.pool_units).sum(),
            min_units: fast.iter().map(|p| p.min_units).fold(f64::INFINITY, f64::min),
            mean_rse: fast.iter().map(|p| p.mean_rse).fold(0.0, f64::max),
            fast_trials: summed,
        }
    }
}

impl Plan {
    /// The fast plan, if there is one.
    pub(crate) fn fast(&self) -> Option<&FastPlan> {
        match self {
            Self::Fast(p) => Some(p),
            Self::Exact(_) => None,
        }
    }

    /// The method, with `summed` trials drawn as sums.
    pub(crate) fn method(&self, summed: u64) -> Method {
        match self {
            Self::Fast(p) => p.method(summed),
            Self::Exact(reason) if reason.is_empty() => Method::Exact { reason: None },
            Self::Exact(reason) => Method::Exact { reason: Some(reason.clone()) },
        }
    }
}

impl FastPlan {
    /// Fewest units a trial needs to be drawn as a sum.
    pub(crate) fn min_units(&self) -> f64 {
        self.min_units
    }

    /// The method, with `fast_trials` trials drawn as sums.
    pub(crate) fn method(&self, fast_trials: u64) -> Method {
        Method::Fast {
            pool_units: self.pool_units,
            min_units: self.min_units,
            mean_rse: self.mean_rse,
            fast_trials,
        }
    }

    /// Plans the fast path of segment `segment` of workload `w` for a run
    /// of `trials` trials.
    pub(crate) fn build(
        w: &Compiled,
        segment: usize,
        seed: u64,
        scale: f64,
        trials: u64,
        cancel: &AtomicBool,
    ) -> Plan {
        let Some(part) = w.segments.get(segment) else {
            return Plan::Exact("no such segment".into());
        };
        let end = w.segments.get(segment + 1).map_or(1.0, |s| s.start);
        let share = (end - part.start).max(0.0);
        let prices = &part.prices;
        // The unit distribution must not depend on per-trial draws.
        let mut state = w.state();
        let mut rng = stream(seed, 0, w.name_hash(), Stream::Params);
        let mut params = ParamDraws::new(&mut rng);
        w.prepare(&mut state, &mut params);
        if params.drawn > 0 {
            return Plan::Exact("a unit parameter is drawn per trial".into());
        }
        let mean_volume = share * mean_volume(w, seed, scale, trials.min(VOLUME_PROBE));
        let units_in_run = mean_volume * trials as f64;
        if units_in_run < 4.0 * PILOT as f64 {
            return Plan::Exact("few units: simulating them is as fast".into());
        }

        let cells = cells(w, prices);
        let cell_prices: Vec<f64> = cells
            .iter()
            .map(|c| match *c {
                Cell::Billed { tier, unit } => prices.usd[tier][unit],
                _ => 0.0,
            })
            .collect();
        let d = cells.len();
        let pool = Pool {
            w,
            prices,
            seed,
            segment: segment as u64,
            cells: &cells,
            cell_prices: &cell_prices,
            cancel,
        };
        let mut sums = pool.run(0, PILOT / POOL_CHUNK);
        let pilot = sums.moments(&cell_prices);
        let (mean, var) = (pilot.cost_mean(), pilot.cost_var());
        let cv2 = if mean > 0.0 { var / (mean * mean) } else { 0.0 };
        let wanted = (cv2 / (TARGET_RSE * TARGET_RSE)).ceil().clamp(PILOT as f64, MAX_POOL as f64);
        let chunks = (wanted as u64).div_ceil(POOL_CHUNK);
        if (chunks * POOL_CHUNK) as f64 * 4.0 > units_in_run {
            return Plan::Exact("the pool would cost more than a quarter of the run".into());
        }
        let rest = pool.run(PILOT / POOL_CHUNK, chunks);
        sums.merge(&rest);
        let moments = sums.moments(&cell_prices);
        let n = sums.count();
        let rare: Vec<bool> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (m, v) = (moments.mean[i], moments.cov[i * d + i]);
                *c == Cell::Lost && v > 0.0 && (m <= 0.0 || 16.0 * v / (m * m) > RARE_UNITS)
            })
            .collect();
        let Some(min_units) = moments.min_units(&rare) else {
            return Plan::Exact("a billed quantity is almost always 0 (a rare event)".into());
        };
        let mean_rse = relative_se(&moments, n);
        Plan::Fast(FastPlan {
            cells,
            sampler: SumSampler::new(moments),
            rare,
            min_units: min_units.ceil(),
            pool_units: n as u64,
            mean_rse,
        })
    }

    /// Draws the ledger of `volume` units from `rng`.
    pub(crate) fn draw(&self, volume: f64, rng: &mut SimRng, ledger: &mut Ledger) {
        let mut z = vec![0.0; self.sampler.normals()];
        for x in &mut z {
            *x = standard_normal(rng);
        }
        let mut out = vec![0.0; self.cells.len()];
        self.sampler.draw(volume, &z, &mut out);
        let means = &self.sampler.moments().mean;
        for (i, &rare) in self.rare.iter().enumerate() {
            if rare {
                out[i] = poisson_count(rng, volume * means[i]);
            }
        }
        for (cell, &x) in self.cells.iter().zip(&out) {
            match *cell {
                Cell::Billed { tier, unit } => ledger.billed[tier][unit] = x,
                Cell::Wasted { tier, unit } => ledger.wasted[tier][unit] = x,
                Cell::Attempts => ledger.attempts = x,
                Cell::Requests => ledger.requests = x,
                Cell::Lost => ledger.lost = x,
            }
        }
        // A unit's waste is part of what it billed.
        for (billed, wasted) in ledger.billed.iter().zip(ledger.wasted.iter_mut()) {
            for (b, w) in billed.iter().zip(wasted.iter_mut()) {
                *w = w.min(*b);
            }
        }
    }
}

/// The ledger cells a workload can fill under `prices`.
fn cells(w: &Compiled, prices: &PriceTable) -> Vec<Cell> {
    let tiers = if prices.above.is_finite() { 2 } else { 1 };
    let mut cells = Vec::new();
    for &unit in w.units() {
        for tier in 0..tiers {
            cells.push(Cell::Billed { tier, unit: idx(unit) });
            cells.push(Cell::Wasted { tier, unit: idx(unit) });
        }
    }
    cells.extend([Cell::Attempts, Cell::Requests, Cell::Lost]);
    cells
}

fn read(ledger: &Ledger, cell: Cell) -> f64 {
    match cell {
        Cell::Billed { tier, unit } => ledger.billed[tier][unit],
        Cell::Wasted { tier, unit } => ledger.wasted[tier][unit],
        Cell::Attempts => ledger.attempts,
        Cell::Requests => ledger.requests,
        Cell::Lost => ledger.lost,
    }
}

/// A pool of units of one workload segment, simulated chunk by chunk.
struct Pool<'a> {
    w: &'a Compiled,
    prices: &'a PriceTable,
    seed: u64,
    segment: u64,
    cells: &'a [Cell],
    cell_prices: &'a [f64],
    cancel: &'a AtomicBool,
}

impl Pool<'_> {
    /// Simulates chunks `first..end` and returns their merged moments.
    fn run(&self, first: u64, end: u64) -> MomentSums {
        let chunks: Vec<MomentSums> = (first..end)
            .into_par_iter()
            .map(|chunk| {
                if self.cancel.load(Ordering::Relaxed) {
                    return MomentSums::new(self.cells.len());
                }
                self.chunk(chunk)
            })
            .collect();
        let mut sums = MomentSums::new(self.cells.len());
        for c in &chunks {
            sums.merge(c);
        }
        sums
    }

    fn chunk(&self, chunk: u64) -> MomentSums {
        let w = self.w;
        let hash = w.name_hash();
        // Each segment's pool has its own streams.
        let index = chunk | (self.segment << 40);
        let mut state = w.state();
        // The unit parameters are fixed (checked by the caller): no draws.
        let mut unused = stream(self.seed, index, hash, Stream::Params);
        let attempt_params = w.prepare(&mut state, &mut ParamDraws::new(&mut unused));
        let mut attempts =
            Attempts::new(stream(self.seed, index, hash, Stream::PoolAttempts), attempt_params);
        let mut usage = stream(self.seed, index, hash, Stream::PoolUsage);
        let d = self.cells.len();
        let mut rows = vec![0.0; d * POOL_CHUNK as usize];
        for row in rows.chunks_exact_mut(d) {
            let mut ledger = Ledger::default();
            let mut ctx = Ctx {
                usage: &mut usage,
                attempts: &mut attempts,
                latency: &mut state.latency,
                ledger: &mut ledger,
                billed: w.billed(),
                prices: self.prices,
                cancel: self.cancel,
            };
            w.simulate_units(&mut state.kind, &mut ctx, 1.0);
            for (x, &cell) in row.iter_mut().zip(self.cells) {
                *x = read(&ledger, cell);
            }
        }
        MomentSums::of_chunk(&rows, d, self.cell_prices)
    }
}

/// The mean volume of the first `n` trials.
fn mean_volume(w: &Compiled, seed: u64, scale: f64, n: u64) -> f64 {
    let mut state = w.state();
    let mut total = 0.0;
    for trial in 0..n {
        let mut rng = stream(seed, trial, w.name_hash(), Stream::Params);
        let mut params = ParamDraws::new(&mut rng);
        w.prepare(&mut state, &mut params);
        total += w.draw_volume(&mut params, seed, trial, scale);
    }
    total / n.max(1) as f64
}

/// Relative standard error of the pool's mean cost per unit.
fn relative_se(m: &UnitMoments, n: f64) -> f64 {
    let mean = m.cost_mean();
    if mean > 0.0 { (m.cost_var() / n).sqrt() / mean } else { 0.0 }
}
