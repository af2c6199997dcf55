//! The fast path: a workload's trial drawn as a compound sum instead of
//! unit by unit, so that run time does not grow with traffic.
//!
//! Within a trial, a workload's units (requests, sessions, jobs, initial
//! image requests) are independent and identically distributed given the
//! trial's parameters. The engine simulates a *pool* of units once per run
//! with the ordinary unit-by-unit code, on streams of their own, learns the
//! moments of one unit's ledger cells (quantities billed and wasted by unit
//! and price tier, attempts, requests, lost requests), and draws a trial
//! with at least `min_units` units from [`SumSampler`]. A trial with fewer
//! units is simulated unit by unit, exactly as `--exact` would, so small
//! volumes lose nothing.
//!
//! **Precision of the pool.** The pool's mean is an estimate shared by every
//! trial, so its error shifts the whole distribution. Two things keep it
//! small:
//!
//! - *Post-stratification* on the number of requests a unit makes (an
//!   agent's or a voice session's turns, an image request's regenerations),
//!   whose probabilities are known exactly from the scenario's
//!   distributions ([`crate::law`]): the mean is `Σ_k P(k) · mean_k` over
//!   the pool's units with `k` requests, which removes the variance that
//!   the number of turns causes — most of a session's (Cochran, *Sampling
//!   Techniques*, 1977, §5A.9). Strata with fewer than [`MIN_STRATUM`]
//!   units are pooled with their known total probability.
//! - The pool grows until the standard error of the mean cost per unit is
//!   at most [`TARGET_RSE`] of it, or it reaches [`MAX_POOL`] units; the
//!   report gives the relative standard error reached.
//!
//! **Rare cells.** A cell that is almost always 0 (the waste of a lost
//! agent turn, the lost-request count when failures are rare) cannot be
//! normal in any realistic sum. Such cells are drawn as a compound Poisson
//! sum: `K ~ Poisson(N · π)` units with a non-zero value, each value picked
//! from those the pool saw.
//!
//! **Per-trial unit parameters.** When one parameter of the unit's
//! distribution is drawn per trial (an uncertain failure rate, cached
//! share, token median, regeneration rate), the pools are simulated at
//! [`GRID_LEVELS`] quantiles of that parameter over the run's trials, with
//! common random numbers (the same streams at every node, so that the
//! differences between nodes are precise), and the moments are
//! interpolated (monotone cubic for the means, linear for the rest). The
//! interpolation is checked at the midpoint between every two nodes against
//! a pool simulated there; an error above [`GRID_TOLERANCE`] of the mean
//! cost falls back to simulating every unit. Two or more such parameters
//! also fall back.
//!
//! The fast path is not used when the pools would cost more than a quarter
//! of simulating every unit of the run; the report names the method of each
//! workload and why.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::attempts::Attempts;
use crate::compound::{MomentSums, SumSampler, UnitMoments};
use crate::engine::EngineMode;
use crate::kinds::Ctx;
use crate::ledger::Ledger;
use crate::params::ParamDraws;
use crate::prices::{PriceTable, idx};
use crate::rng::{SimRng, Stream, stream, uniform};
use crate::sampling::{binomial_count, poisson_count};
use crate::workload::{Compiled, State};
use crate::ziggurat::standard_normal;

/// Units per pool chunk (the unit of parallel work and of determinism).
const POOL_CHUNK: u64 = 4096;
/// The pilot pool, from which the pool's final size is chosen.
const PILOT: u64 = 4 * POOL_CHUNK;
/// The largest pool, in requests simulated (per parameter value): about a
/// second of work; a pool of agent sessions holds fewer units than a pool
/// of single requests.
pub(crate) const MAX_POOL_REQUESTS: f64 = 16_777_216.0;
/// The pool's mean cost per unit must be known to this relative standard
/// error at least, or the workload is simulated unit by unit.
pub(crate) const REQUIRED_RSE: f64 = 1e-3;
/// The smallest relative standard error a pool aims for; above it, a pool
/// aims for a fifth of the run's own relative standard error on the mean.
pub(crate) const TARGET_RSE: f64 = 1e-4;
/// The pools may cost at most this share of simulating every unit.
const POOL_SHARE: f64 = 0.25;
/// A cell whose sum needs more units than this to look normal is rare.
const RARE_UNITS: f64 = 1e4;
/// Non-zero values of a rare cell kept per pool chunk.
const RARE_KEPT: usize = 16;
/// Fewest pool units a stratum needs to be estimated on its own.
const MIN_STRATUM: f64 = 32.0;
/// Trials whose volumes estimate the mean volume of a run.
const VOLUME_PROBE: u64 = 256;
/// Quantile levels of a per-trial parameter at which pools are simulated.
pub(crate) const GRID_LEVELS: [f64; 5] = [0.0, 0.1, 0.5, 0.9, 1.0];
/// Largest relative error of the interpolated mean cost at the midpoints.
pub(crate) const GRID_TOLERANCE: f64 = 2.5e-3;
/// Rounds of adding nodes where the interpolation is off.
const MAX_REFINEMENTS: usize = 3;

/// The run a plan is made for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RunSize {
    /// Trials of the whole run (of an adaptive run: the most it may reach).
    pub(crate) trials: u64,
    /// An adaptive run's goal for its relative standard error (see
    /// [`crate::SimOptions::rse_goal`]).
    pub(crate) rse_goal: Option<f64>,
}

/// Where a cell of the unit vector lives in the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Billed {
        tier: usize,
        unit: usize,
    },
    Wasted {
        tier: usize,
        unit: usize,
    },
    Attempts,
    Requests,
    /// Requests the provider rejected outright (lost, never attempted
    /// again). The other lost requests are drawn from the requests that
    /// were not rejected, see [`FastPlan::draw`].
    Rejected,
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
        /// Units simulated in the pools.
        pool_units: u64,
        /// Fewest units a trial needed to be drawn as a sum (the smallest
        /// over the run's parameter values).
        min_units: f64,
        /// Relative standard error of the pool's mean cost per unit (the
        /// largest over the nodes of a parameter grid).
        mean_rse: f64,
        /// Trials drawn as sums (the rest were simulated unit by unit).
        fast_trials: u64,
    },
}

/// What the pools learnt at one value of the per-trial unit parameter.
#[derive(Clone, Debug)]
struct Node {
    theta: f64,
    moments: UnitMoments,
    /// Per rare cell: the share of units with a non-zero value.
    rare_share: Vec<f64>,
    /// Per rare cell: non-zero values seen.
    rare_values: Vec<Vec<f64>>,
    mean_rse: f64,
}

/// How a trial's sum is drawn: one precomputed sampler, or one built per
/// trial from moments interpolated at the trial's parameter.
#[derive(Clone, Debug)]
enum Shape {
    Fixed { sampler: SumSampler, min_units: f64 },
    Grid { nodes: Vec<Node>, min_units: f64 },
}

/// A workload segment's fast path for one run.
#[derive(Clone, Debug)]
pub(crate) struct FastPlan {
    cells: Vec<Cell>,
    /// Indices of the cells drawn by the sum sampler.
    normal: Vec<usize>,
    /// Indices of the rare cells.
    rare: Vec<usize>,
    shape: Shape,
    /// The rare cells' statistics when there is no grid.
    fixed_rare: Option<(Vec<f64>, Vec<Vec<f64>>)>,
    pool_units: u64,
    mean_rse: f64,
}

/// What [`FastPlan::build`] decided.
#[derive(Debug)]
pub(crate) enum Plan {
    Fast(Box<FastPlan>),
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
        rse_goal: Option<f64>,
        mode: EngineMode,
        cancel: &AtomicBool,
    ) -> Self {
        let run = RunSize { trials, rse_goal };
        let segments = (0..w.segments.len())
            .map(|j| match mode {
                EngineMode::Exact => Plan::Exact(String::new()),
                EngineMode::Auto => FastPlan::build(w, j, seed, scale, run, false, cancel),
                EngineMode::Compound => FastPlan::build(w, j, seed, scale, run, true, cancel),
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
            min_units: fast.iter().map(|p| p.least_units()).fold(f64::INFINITY, f64::min),
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
            Self::Fast(p) => Method::Fast {
                pool_units: p.pool_units,
                min_units: p.least_units(),
                mean_rse: p.mean_rse,
                fast_trials: summed,
            },
            Self::Exact(reason) if reason.is_empty() => Method::Exact { reason: None },
            Self::Exact(reason) => Method::Exact { reason: Some(reason.clone()) },
        }
    }
}

impl FastPlan {
    /// Fewest units any trial needs to be drawn as a sum.
    fn least_units(&self) -> f64 {
        match &self.shape {
            Shape::Fixed { min_units, .. } | Shape::Grid { min_units, .. } => *min_units,
        }
    }

    /// Plans the fast path of segment `segment` of workload `w` for a run
    /// of `run.trials` trials; `always` skips the checks of cost (the pools
    /// against the run) but none of accuracy.
    pub(crate) fn build(
        w: &Compiled,
        segment: usize,
        seed: u64,
        scale: f64,
        run: RunSize,
        always: bool,
        cancel: &AtomicBool,
    ) -> Plan {
        let trials = run.trials;
        let Some(part) = w.segments.get(segment) else {
            return Plan::Exact("no such segment".into());
        };
        let end = w.segments.get(segment + 1).map_or(1.0, |s| s.start);
        let share = (end - part.start).max(0.0);
        let prices = &part.prices;

        // The per-trial unit parameters, over the run's trials.
        let thetas = match unit_parameters(w, seed, trials) {
            Ok(t) => t,
            Err(reason) => return Plan::Exact(reason),
        };
        let volumes = probe_volumes(w, seed, scale, trials.min(VOLUME_PROBE));
        let mean_volume = share * volumes.iter().sum::<f64>() / volumes.len().max(1) as f64;
        // With `always`, the pools are sized as if the run were large.
        let units_in_run = if always { f64::INFINITY } else { mean_volume * trials as f64 };
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
        let pool = Pool {
            w,
            prices,
            seed,
            segment: segment as u64,
            cells: &cells,
            cell_prices: &cell_prices,
            cancel,
        };
        let nodes_theta = grid_nodes(thetas.as_deref());
        // Pools per run, in units of a full pool: one per node, and a
        // quarter-size check at each midpoint.
        // (With room for two more nodes where the interpolation needs them.)
        let pools_per_run = if nodes_theta.len() > 1 {
            nodes_theta.len() as f64 + 0.25 * (nodes_theta.len() - 1) as f64 + 2.5
        } else {
            1.0
        };

        // The pool size, from a pilot at the middle node.
        let middle = nodes_theta[nodes_theta.len() / 2];
        let pilot = pool.run(middle, 0, PILOT / POOL_CHUNK);
        let Some((pilot_moments, pilot_rse)) = pilot.moments(w, &pool, middle) else {
            return Plan::Exact("the pool's units cost nothing".into());
        };
        let requests_cell = cells.iter().position(|c| *c == Cell::Requests).unwrap_or(0);
        // Most trials must be large enough to be drawn as sums.
        let rare_now = rare_cells(&pilot_moments);
        let normal_now: Vec<usize> = (0..cells.len()).filter(|i| !rare_now.contains(i)).collect();
        let Some(pilot_min) = restrict(&pilot_moments, &normal_now).min_units(&[]) else {
            return Plan::Exact("a billed quantity is almost always 0".into());
        };
        let large = volumes.iter().filter(|&&v| share * v >= pilot_min).count();
        if 2 * large < volumes.len() {
            return Plan::Exact(format!(
                "most trials have fewer than the {} units a compound sum needs",
                pilot_min.ceil()
            ));
        }
        // As large as a relative standard error of TARGET_RSE needs, within
        // POOL_SHARE of the run's work; too small for REQUIRED_RSE: exact.
        let units_for = |rse: f64| PILOT as f64 * (pilot_rse / rse).powi(2);
        let requests_per_unit = pilot_moments.mean[requests_cell].max(1.0);
        let max_pool = (MAX_POOL_REQUESTS / requests_per_unit).max(PILOT as f64);
        let affordable = (POOL_SHARE * units_in_run / pools_per_run).min(max_pool);
        if units_for(REQUIRED_RSE) > affordable {
            return Plan::Exact(
                "the pool that would pin down the mean cost per unit would cost more than a \
                 quarter of the run"
                    .into(),
            );
        }
        // The pool's error should be small against the run's own Monte
        // Carlo error on the mean: a fifth of it (between TARGET_RSE and
        // REQUIRED_RSE). Var(total) ≈ E[N]·σ² + Var(N)·μ² per trial.
        let (mu, sigma2) = (pilot_moments.cost_mean(), pilot_moments.cost_var());
        let n_mean = mean_volume;
        let n_var = volumes.iter().map(|v| (share * v - n_mean).powi(2)).sum::<f64>()
            / (volumes.len().max(2) - 1) as f64;
        let run_rse = run.rse_goal.unwrap_or_else(|| {
            ((n_mean * sigma2 + n_var * mu * mu) / trials.max(1) as f64).sqrt()
                / (n_mean * mu).max(f64::MIN_POSITIVE)
        });
        // `always` (tests of the fast path) takes the smallest adequate pool.
        let target =
            if always { REQUIRED_RSE } else { (0.2 * run_rse).clamp(TARGET_RSE, REQUIRED_RSE) };
        let wanted = units_for(target).min(affordable).max(PILOT as f64);
        let chunks = (wanted as u64).div_ceil(POOL_CHUNK);
        let d = cells.len();
        // The interpolation is checked with pools of a quarter the size,
        // against the nodes' first quarter: the same streams, so that the
        // comparison is not drowned in the pools' own noise.
        let check_chunks = (chunks / 4).max(PILOT / POOL_CHUNK).min(chunks);
        let grid = nodes_theta.len() > 1;
        let mut simulated = 0u64;
        // A node: the full pool's moments, and (with a grid) its first
        // `check_chunks` chunks' moments for the checks.
        let node_at = |theta: f64, simulated: &mut u64| -> Option<(Node, Option<Node>)> {
            let mut stats = if theta == middle { pilot.clone() } else { PoolStats::new(d) };
            let start = if theta == middle { PILOT / POOL_CHUNK } else { 0 };
            stats.merge(pool.run(theta, start, check_chunks.max(start)));
            let prefix = if grid { Some(stats.node(w, &pool, theta)?) } else { None };
            stats.merge(pool.run(theta, check_chunks.max(start), chunks));
            *simulated += (chunks - start) * POOL_CHUNK;
            Some((stats.node(w, &pool, theta)?, prefix))
        };
        simulated += PILOT;
        let mut nodes = Vec::with_capacity(nodes_theta.len());
        let mut prefix_nodes = Vec::with_capacity(nodes_theta.len());
        for &theta in &nodes_theta {
            let Some((node, prefix)) = node_at(theta, &mut simulated) else {
                return Plan::Exact("the pool's units cost nothing".into());
            };
            nodes.push(node);
            prefix_nodes.extend(prefix);
        }
        // Check the interpolation at the midpoint of every interval; where
        // it is off, the midpoint becomes a node and its two halves are
        // checked in turn (at most MAX_REFINEMENTS rounds).
        let mut unchecked: Vec<(f64, f64)> =
            nodes_theta.windows(2).map(|pair| (pair[0], pair[1])).collect();
        let mut rounds = 0;
        while grid && !unchecked.is_empty() {
            let mut split = Vec::new();
            for &(lo, hi) in &unchecked {
                let mid = 0.5 * (lo + hi);
                let stats = pool.run(mid, 0, check_chunks);
                simulated += check_chunks * POOL_CHUNK;
                let Some(truth) = stats.node(w, &pool, mid) else {
                    return Plan::Exact("the pool's units cost nothing".into());
                };
                let guess = interpolate(&prefix_nodes, mid);
                let (want, got) = (truth.moments.cost_mean(), guess.cost_mean());
                let error = if want > 0.0 { ((got - want) / want).abs() } else { 0.0 };
                if error > GRID_TOLERANCE {
                    if rounds == MAX_REFINEMENTS {
                        return Plan::Exact(format!(
                            "the cost per unit changes too sharply with the per-trial parameter \
                             to interpolate (off by {:.2}% between {lo} and {hi})",
                            100.0 * error
                        ));
                    }
                    split.push((lo, mid, hi));
                }
            }
            unchecked.clear();
            for (lo, mid, hi) in split {
                let Some((node, prefix)) = node_at(mid, &mut simulated) else {
                    return Plan::Exact("the pool's units cost nothing".into());
                };
                let at = nodes.partition_point(|n| n.theta < mid);
                nodes.insert(at, node);
                if let Some(prefix) = prefix {
                    prefix_nodes.insert(at, prefix);
                }
                unchecked.extend([(lo, mid), (mid, hi)]);
            }
            rounds += 1;
        }
        if simulated as f64 > 2.0 * POOL_SHARE * units_in_run {
            return Plan::Exact(
                "the pools the parameter grid needed would cost more than half the run".into(),
            );
        }
        if cancel.load(Ordering::Relaxed) {
            return Plan::Exact("cancelled".into());
        }

        // Rare cells, judged at the middle node.
        let rare = rare_cells(&nodes[nodes.len() / 2].moments);
        let normal: Vec<usize> = (0..d).filter(|i| !rare.contains(i)).collect();
        let mean_rse = nodes.iter().map(|n| n.mean_rse).fold(0.0, f64::max);

        let shape = if nodes.len() == 1 {
            let node = &nodes[0];
            let moments = restrict(&node.moments, &normal);
            let Some(min_units) = moments.min_units(&[]) else {
                return Plan::Exact("a billed quantity is almost always 0".into());
            };
            Shape::Fixed { sampler: SumSampler::new(moments), min_units: min_units.ceil() }
        } else {
            let mut least = f64::INFINITY;
            for node in &nodes {
                let rare = rare_cells(&node.moments);
                let normal: Vec<usize> = (0..d).filter(|i| !rare.contains(i)).collect();
                if let Some(n) = restrict(&node.moments, &normal).min_units(&[]) {
                    least = least.min(n.ceil());
                }
            }
            if !least.is_finite() {
                return Plan::Exact("a billed quantity is almost always 0".into());
            }
            Shape::Grid { nodes: nodes.clone(), min_units: least }
        };
        let fixed_rare = match &shape {
            Shape::Fixed { .. } => {
                let node = &nodes[0];
                Some((
                    rare.iter().map(|&i| node.rare_share[i]).collect(),
                    rare.iter().map(|&i| node.rare_values[i].clone()).collect(),
                ))
            }
            Shape::Grid { .. } => None,
        };
        Plan::Fast(Box::new(FastPlan {
            cells,
            normal,
            rare,
            shape,
            fixed_rare,
            pool_units: simulated,
            mean_rse,
        }))
    }

    /// Whether a trial with `volume` units and unit parameters `theta` is
    /// drawn as a sum, and the sampler to draw it with.
    pub(crate) fn sampler_for(&self, volume: f64, theta: &[f64]) -> Option<TrialSampler<'_>> {
        match &self.shape {
            Shape::Fixed { sampler, min_units } => (volume >= *min_units).then_some(TrialSampler {
                sampler: SamplerRef::Shared(sampler),
                normal: &self.normal,
                rare: self.rare.iter().enumerate().map(|(k, &i)| (k, i)).collect(),
                theta: None,
            }),
            Shape::Grid { nodes, min_units } => {
                if volume < *min_units {
                    return None;
                }
                // Which cells are rare depends on the parameter: the waste
                // of failures is rare where failures are.
                let t = theta.first().copied().unwrap_or(0.0);
                let all = interpolate(nodes, t);
                let rare = rare_cells(&all);
                let normal: Vec<usize> = (0..all.dim()).filter(|i| !rare.contains(i)).collect();
                let moments = restrict(&all, &normal);
                let needed = moments.min_units(&[])?;
                (volume >= needed).then(|| TrialSampler {
                    sampler: SamplerRef::Own(Box::new(SumSampler::new(moments)), normal),
                    normal: &[],
                    rare: rare.into_iter().map(|i| (i, i)).collect(),
                    theta: Some(t),
                })
            }
        }
    }

    /// Draws the ledger of `volume` units from `rng`. `lost_probability`
    /// is the chance that a request that was not rejected outright is lost
    /// (every attempt failed): the number lost is binomial given the
    /// requests, attempt outcomes being independent of everything else, so
    /// it is drawn exactly rather than learnt from the pool, where losing
    /// a request can be too rare to be seen.
    pub(crate) fn draw(
        &self,
        sampler: &TrialSampler<'_>,
        volume: f64,
        lost_probability: f64,
        rng: &mut SimRng,
        ledger: &mut Ledger,
    ) {
        let (s, normal) = match &sampler.sampler {
            SamplerRef::Shared(s) => (*s, sampler.normal),
            SamplerRef::Own(s, normal) => (s.as_ref(), normal.as_slice()),
        };
        let mut z = vec![0.0; s.normals()];
        for x in &mut z {
            *x = standard_normal(rng);
        }
        let mut out = vec![0.0; normal.len()];
        s.draw(volume, &z, &mut out);
        for (&i, &x) in normal.iter().zip(&out) {
            write(ledger, self.cells[i], x);
        }
        // Rare cells: a Poisson number of units with a non-zero value.
        for &(k, i) in &sampler.rare {
            let (share, values) = match (&self.fixed_rare, sampler.theta, &self.shape) {
                (Some((shares, values)), _, _) => (shares[k], values[k].as_slice()),
                (None, Some(t), Shape::Grid { nodes, .. }) => {
                    let share = pchip(nodes, t, |n| n.rare_share[i]).max(0.0);
                    (share, rare_values(nodes, t, i))
                }
                _ => (0.0, &[][..]),
            };
            let events = poisson_count(rng, volume * share);
            let mut x = 0.0;
            if !values.is_empty() {
                let mut e = 0.0;
                while e < events {
                    let pick = (uniform(rng) * values.len() as f64) as usize;
                    x += values[pick.min(values.len() - 1)];
                    e += 1.0;
                }
            }
            write(ledger, self.cells[i], x);
        }
        ledger.requests = ledger.requests.round();
        ledger.rejected = ledger.rejected.round().min(ledger.requests);
        let attempted = ledger.requests - ledger.rejected;
        ledger.lost = ledger.rejected + binomial_count(rng, attempted, lost_probability);
        ledger.attempts = ledger.attempts.max(ledger.requests);
        // A unit's waste is part of what it billed.
        for (billed, wasted) in ledger.billed.iter().zip(ledger.wasted.iter_mut()) {
            for (b, w) in billed.iter().zip(wasted.iter_mut()) {
                *w = w.min(*b);
            }
        }
    }
}

/// The non-zero values of cell `i` seen at the node nearest to `t` that saw
/// any.
fn rare_values(nodes: &[Node], t: f64, i: usize) -> &[f64] {
    let mut order: Vec<&Node> = nodes.iter().collect();
    order.sort_by(|a, b| (a.theta - t).abs().total_cmp(&(b.theta - t).abs()));
    order.into_iter().map(|n| n.rare_values[i].as_slice()).find(|v| !v.is_empty()).unwrap_or(&[])
}

/// How one trial's sum is drawn.
#[derive(Debug)]
pub(crate) struct TrialSampler<'a> {
    sampler: SamplerRef<'a>,
    /// The cells the shared sampler draws (with an own sampler, its own).
    normal: &'a [usize],
    /// Rare cells: (index into the fixed rare statistics, cell index).
    rare: Vec<(usize, usize)>,
    /// The trial's unit parameter, on a grid.
    theta: Option<f64>,
}

/// The sum sampler of one trial.
#[derive(Debug)]
enum SamplerRef<'a> {
    /// The plan's own (no per-trial unit parameter).
    Shared(&'a SumSampler),
    /// Built for this trial, over these cells.
    Own(Box<SumSampler>, Vec<usize>),
}

fn write(ledger: &mut Ledger, cell: Cell, x: f64) {
    match cell {
        Cell::Billed { tier, unit } => ledger.billed[tier][unit] = x,
        Cell::Wasted { tier, unit } => ledger.wasted[tier][unit] = x,
        Cell::Attempts => ledger.attempts = x,
        Cell::Requests => ledger.requests = x,
        Cell::Rejected => ledger.rejected = x,
    }
}

fn read(ledger: &Ledger, cell: Cell) -> f64 {
    match cell {
        Cell::Billed { tier, unit } => ledger.billed[tier][unit],
        Cell::Wasted { tier, unit } => ledger.wasted[tier][unit],
        Cell::Attempts => ledger.attempts,
        Cell::Requests => ledger.requests,
        Cell::Rejected => ledger.rejected,
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
    cells.extend([Cell::Attempts, Cell::Requests, Cell::Rejected]);
    cells
}

/// The moments of the cells `keep` only.
fn restrict(m: &UnitMoments, keep: &[usize]) -> UnitMoments {
    let d = m.dim();
    UnitMoments {
        mean: keep.iter().map(|&i| m.mean[i]).collect(),
        cov: keep.iter().flat_map(|&i| keep.iter().map(move |&j| m.cov[i * d + j])).collect(),
        prices: keep.iter().map(|&i| m.prices[i]).collect(),
        skew: m.skew,
        kurt: m.kurt,
    }
}

/// The values of the one per-trial unit parameter over the run's trials:
/// `None` when the unit distribution is fixed; an error (the reason to
/// simulate every unit) when two or more parameters, or nested ones, are
/// drawn per trial.
fn unit_parameters(w: &Compiled, seed: u64, trials: u64) -> Result<Option<Vec<f64>>, String> {
    let mut state = w.state();
    let mut rng = stream(seed, 0, w.name_hash(), Stream::Params);
    let mut params = ParamDraws::new(&mut rng);
    w.prepare(&mut state, &mut params);
    if params.drawn == 0 {
        return Ok(None);
    }
    if params.nested {
        return Err("a per-trial parameter's distribution is itself uncertain".into());
    }
    if params.recorded.len() > 1 {
        return Err(format!(
            "{} unit parameters are drawn per trial (the fast path handles one)",
            params.recorded.len()
        ));
    }
    let mut values = Vec::with_capacity(usize::try_from(trials).unwrap_or(0));
    for trial in 0..trials {
        let mut rng = stream(seed, trial, w.name_hash(), Stream::Params);
        let mut params = ParamDraws::new(&mut rng);
        w.prepare(&mut state, &mut params);
        values.push(params.recorded.first().copied().unwrap_or(0.0));
    }
    Ok(Some(values))
}

/// The parameter values at which pools are simulated: one (any) without a
/// per-trial parameter; else the [`GRID_LEVELS`] quantiles of its values
/// over the run, the smallest and largest included, without repeats.
fn grid_nodes(thetas: Option<&[f64]>) -> Vec<f64> {
    let Some(values) = thetas.filter(|v| !v.is_empty()) else {
        return vec![0.0];
    };
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let last = sorted.len() - 1;
    let mut nodes: Vec<f64> = GRID_LEVELS
        .iter()
        .map(|&q| sorted[((q * last as f64).round() as usize).min(last)])
        .collect();
    nodes.dedup();
    nodes
}

/// The interval of `t` among the nodes: `(i, fraction)` with node `i` on the
/// left (clamped to the nodes' range).
fn locate(nodes: &[Node], t: f64) -> (usize, f64) {
    let n = nodes.len();
    if n < 2 || t <= nodes[0].theta {
        return (0, 0.0);
    }
    if t >= nodes[n - 1].theta {
        return (n - 2, 1.0);
    }
    let i = nodes.partition_point(|node| node.theta <= t).saturating_sub(1).min(n - 2);
    let (a, b) = (nodes[i].theta, nodes[i + 1].theta);
    (i, if b > a { (t - a) / (b - a) } else { 0.0 })
}

/// A scalar at `t`: linear between the neighbouring nodes.
fn interpolate_scalar(nodes: &[Node], t: f64, f: impl Fn(&Node) -> f64) -> f64 {
    if nodes.len() == 1 {
        return f(&nodes[0]);
    }
    let (i, u) = locate(nodes, t);
    (1.0 - u) * f(&nodes[i]) + u * f(&nodes[i + 1])
}

/// Monotone cubic (Fritsch–Carlson) interpolation of `f` over the nodes.
fn pchip(nodes: &[Node], t: f64, f: impl Fn(&Node) -> f64) -> f64 {
    let n = nodes.len();
    if n < 3 {
        return interpolate_scalar(nodes, t, f);
    }
    let (i, u) = locate(nodes, t);
    let x: Vec<f64> = nodes.iter().map(|n| n.theta).collect();
    let y: Vec<f64> = nodes.iter().map(&f).collect();
    let slope = |k: usize| (y[k + 1] - y[k]) / (x[k + 1] - x[k]);
    // Derivative at node k: the harmonic mean of the neighbouring slopes
    // where they agree in sign, else 0 (keeps the curve monotone).
    let deriv = |k: usize| -> f64 {
        if k == 0 {
            return slope(0);
        }
        if k == n - 1 {
            return slope(n - 2);
        }
        let (a, b) = (slope(k - 1), slope(k));
        if a * b <= 0.0 {
            0.0
        } else {
            let (h0, h1) = (x[k] - x[k - 1], x[k + 1] - x[k]);
            let (w1, w2) = (2.0 * h1 + h0, h1 + 2.0 * h0);
            (w1 + w2) / (w1 / a + w2 / b)
        }
    };
    let h = x[i + 1] - x[i];
    let (d0, d1) = (deriv(i), deriv(i + 1));
    let (u2, u3) = (u * u, u * u * u);
    let h00 = 2.0 * u3 - 3.0 * u2 + 1.0;
    let h10 = u3 - 2.0 * u2 + u;
    let h01 = -2.0 * u3 + 3.0 * u2;
    let h11 = u3 - u2;
    h00 * y[i] + h10 * h * d0 + h01 * y[i + 1] + h11 * h * d1
}

/// The unit moments at parameter value `t`: means by monotone cubic
/// interpolation, covariances, skewness and kurtosis linearly.
fn interpolate(nodes: &[Node], t: f64) -> UnitMoments {
    let first = &nodes[0].moments;
    let d = first.dim();
    UnitMoments {
        mean: (0..d).map(|i| pchip(nodes, t, |n| n.moments.mean[i])).collect(),
        cov: (0..d * d).map(|k| interpolate_scalar(nodes, t, |n| n.moments.cov[k])).collect(),
        prices: first.prices.clone(),
        skew: interpolate_scalar(nodes, t, |n| n.moments.skew),
        kurt: interpolate_scalar(nodes, t, |n| n.moments.kurt),
    }
}

/// What a pool of units showed: moments by stratum (the number of requests
/// a unit made) and the non-zero values of each cell.
#[derive(Clone, Debug)]
struct PoolStats {
    strata: BTreeMap<u64, MomentSums>,
    nonzero: Vec<u64>,
    values: Vec<Vec<f64>>,
    units: u64,
}

impl PoolStats {
    /// A grid node at parameter value `theta` from these statistics.
    fn node(&self, w: &Compiled, pool: &Pool<'_>, theta: f64) -> Option<Node> {
        let (moments, mean_rse) = self.moments(w, pool, theta)?;
        let (rare_share, rare_values) = self.rare_cells();
        Some(Node { theta, moments, rare_share, rare_values, mean_rse })
    }

    fn new(d: usize) -> Self {
        Self { strata: BTreeMap::new(), nonzero: vec![0; d], values: vec![Vec::new(); d], units: 0 }
    }

    /// Adds a later chunk's statistics (chunks merge in chunk order).
    fn merge(&mut self, other: Self) {
        for (k, sums) in other.strata {
            self.strata.entry(k).or_insert_with(|| MomentSums::new(sums.dim())).merge(&sums);
        }
        for (a, b) in self.nonzero.iter_mut().zip(&other.nonzero) {
            *a += b;
        }
        for (a, b) in self.values.iter_mut().zip(other.values) {
            a.extend(b);
        }
        self.units += other.units;
    }

    /// Per cell: the share of units with a non-zero value, and the values.
    fn rare_cells(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let n = self.units.max(1) as f64;
        (self.nonzero.iter().map(|&c| c as f64 / n).collect(), self.values.clone())
    }

    /// The unit moments and the relative standard error of the mean cost,
    /// post-stratified with the known probabilities of each stratum at
    /// parameter value `theta` where the kind provides them.
    fn moments(&self, w: &Compiled, pool: &Pool<'_>, theta: f64) -> Option<(UnitMoments, f64)> {
        let mut state = w.state();
        pool.prepare(&mut state, theta);
        let prices = pool.cell_prices;
        let waste = pool.waste_prices();
        let weights: Option<Vec<(u64, f64)>> =
            self.strata.keys().map(|&k| w.requests_pmf(&state, k).map(|p| (k, p))).collect();
        let (moments, mean_var, (waste_mean, waste_var)) = match weights {
            Some(weights) if self.strata.len() > 1 => {
                // Strata with enough units stand alone; the rest share the
                // probability left over (which also covers counts never seen).
                let mut parts: Vec<(f64, &MomentSums)> = Vec::new();
                let mut rest = MomentSums::new(prices.len());
                let mut kept = 0.0;
                for (k, p) in &weights {
                    let sums = &self.strata[k];
                    if sums.count() >= MIN_STRATUM {
                        parts.push((*p, sums));
                        kept += p;
                    } else {
                        rest.merge(sums);
                    }
                }
                let leftover = (1.0 - kept).max(0.0);
                if rest.count() > 0.0 && leftover > 0.0 {
                    parts.push((leftover, &rest));
                } else if kept > 0.0 {
                    for part in &mut parts {
                        part.0 /= kept;
                    }
                }
                MomentSums::mixture(&parts, prices, &waste)
            }
            _ => {
                let mut all = MomentSums::new(prices.len());
                for sums in self.strata.values() {
                    all.merge(sums);
                }
                MomentSums::mixture(&[(1.0, &all)], prices, &waste)
            }
        };
        let mean = moments.cost_mean();
        if mean <= 0.0 {
            return None;
        }
        // The mean cost per unit's relative standard error; waste that is a
        // noticeable part of the cost (5% or more) must be known to three
        // times that, relative to itself.
        let mut rse = mean_var.sqrt() / mean;
        if waste_mean >= 0.05 * mean {
            rse = rse.max(waste_var.sqrt() / waste_mean / 3.0);
        }
        Some((moments, rse))
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
    /// The prices of the wasted cells (0 elsewhere): waste per unit.
    fn waste_prices(&self) -> Vec<f64> {
        self.cells
            .iter()
            .map(|c| match *c {
                Cell::Wasted { tier, unit } => self.prices.usd[tier][unit],
                _ => 0.0,
            })
            .collect()
    }

    /// Resolves the unit parameters at `theta` into `state`.
    fn prepare(&self, state: &mut State, theta: f64) -> crate::attempts::AttemptParams {
        let mut unused = stream(self.seed, 0, self.w.name_hash(), Stream::Params);
        let values = [theta];
        self.w.prepare(state, &mut ParamDraws::replaying(&mut unused, &values))
    }

    /// Simulates chunks `first..end` at parameter value `theta`.
    fn run(&self, theta: f64, first: u64, end: u64) -> PoolStats {
        let chunks: Vec<PoolStats> = (first..end)
            .into_par_iter()
            .map(|chunk| {
                if self.cancel.load(Ordering::Relaxed) {
                    return PoolStats::new(self.cells.len());
                }
                self.chunk(theta, chunk)
            })
            .collect();
        let mut stats = PoolStats::new(self.cells.len());
        for c in chunks {
            stats.merge(c);
        }
        stats
    }

    fn chunk(&self, theta: f64, chunk: u64) -> PoolStats {
        let w = self.w;
        let hash = w.name_hash();
        // Each segment's pool has its own streams; every parameter value
        // uses the same ones (common random numbers).
        let index = chunk | (self.segment << 40);
        let mut state = w.state();
        let attempt_params = self.prepare(&mut state, theta);
        let mut attempts =
            Attempts::new(stream(self.seed, index, hash, Stream::PoolAttempts), attempt_params);
        let mut usage = stream(self.seed, index, hash, Stream::PoolUsage);
        let d = self.cells.len();
        let requests_at = self.cells.iter().position(|c| *c == Cell::Requests).unwrap_or(0);
        let mut by_stratum: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        let mut stats = PoolStats::new(d);
        let mut row = vec![0.0; d];
        for _ in 0..POOL_CHUNK {
            let mut ledger = Ledger::default();
            let mut ctx = Ctx {
                usage: &mut usage,
                attempts: &mut attempts,
                latency: &mut state.latency,
                ledger: &mut ledger,
                billed: w.billed(),
                prices: self.prices,
                cancel: self.cancel,
                trace: None,
            };
            w.simulate_units(&mut state.kind, &mut ctx, 1.0);
            for (i, (x, &cell)) in row.iter_mut().zip(self.cells).enumerate() {
                *x = read(&ledger, cell);
                if *x != 0.0 {
                    stats.nonzero[i] += 1;
                    if stats.values[i].len() < RARE_KEPT {
                        stats.values[i].push(*x);
                    }
                }
            }
            by_stratum.entry(row[requests_at] as u64).or_default().extend_from_slice(&row);
        }
        stats.units = POOL_CHUNK;
        for (k, rows) in by_stratum {
            stats.strata.insert(k, MomentSums::of_chunk(&rows, d, self.cell_prices));
        }
        stats
    }
}

/// The volumes of the first `n` trials.
fn probe_volumes(w: &Compiled, seed: u64, scale: f64, n: u64) -> Vec<f64> {
    let mut state = w.state();
    (0..n)
        .map(|trial| {
            let mut rng = stream(seed, trial, w.name_hash(), Stream::Params);
            let mut params = ParamDraws::new(&mut rng);
            w.prepare(&mut state, &mut params);
            w.draw_volume(&mut params, seed, trial, scale)
        })
        .collect()
}

/// The cells whose sum needs more than [`RARE_UNITS`] units to look normal.
fn rare_cells(m: &UnitMoments) -> Vec<usize> {
    let d = m.dim();
    (0..d)
        .filter(|&i| {
            let (mean, var) = (m.mean[i], m.cov[i * d + i]);
            var > 0.0 && (mean <= 0.0 || 16.0 * var / (mean * mean) > RARE_UNITS)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_nodes_are_quantiles_without_repeats() {
        let values: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(grid_nodes(Some(&values)), vec![0.0, 10.0, 50.0, 90.0, 100.0]);
        assert_eq!(grid_nodes(Some(&[2.0, 2.0, 3.0])), vec![2.0, 3.0]);
        assert_eq!(grid_nodes(None), vec![0.0]);
    }
}
