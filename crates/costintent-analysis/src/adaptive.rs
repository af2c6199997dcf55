//! Adaptive trial counts: a run made of batches of trials, in trial order,
//! that stops once its answer is known precisely enough.
//!
//! The answer is the p90 (and, with a budget, the chance of exceeding it).
//! After each batch the p90's distribution-free 95% interval and the budget
//! probability's Wilson interval are computed over every trial so far; the
//! run stops when the p90's interval is within ± `precision` of the p90 and
//! the probability's within ± `precision` (as a fraction: 0.005 is half a
//! percentage point), or when `max_trials` have run.
//!
//! Both half-widths shrink like `1/√n`, so the next batch is sized to reach
//! the goal from what the last one showed (with a tenth more for safety),
//! at least [`BATCH_UNIT`] trials and at most as many as have run (the run
//! at most doubles per batch, so an early, noisy estimate cannot send it
//! far past what it needs). Batch sizes depend only on the trials already
//! simulated, and trial `i` draws the same numbers whatever batch it falls
//! in, so the result is deterministic for a seed and a precision, on any
//! thread count.
//!
//! Stopping on the data makes the final interval slightly optimistic (a run
//! that happened to look precise stops early); with batches that at most
//! double and a goal checked on the whole run so far, the effect is small
//! against the margin of the goal itself, and `--trials N` remains for a
//! fixed count.

use costintent_report::AdaptiveRun;
use costintent_report::stats::{CONFIDENCE, SortedSample, wilson_interval};
use costintent_sim::Outcomes;

/// The default goal: the p90's 95% interval within ±0.5% of it.
pub const DEFAULT_PRECISION: f64 = 0.005;
/// The most trials an adaptive run takes unless told otherwise.
pub const DEFAULT_MAX_TRIALS: u64 = 200_000;
/// The first batch.
pub const FIRST_BATCH: u64 = 4_096;
/// Batches are whole multiples of this many trials.
pub const BATCH_UNIT: u64 = 1_024;
/// The safety margin on the trials the goal needs.
const MARGIN: f64 = 1.1;

/// How many trials a run takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrialCount {
    /// Exactly this many (`--trials`, or the scenario's `trials`).
    Fixed(u64),
    /// Batches until the goal (see the module documentation).
    Adaptive {
        /// The goal, as a fraction (0.005 for ±0.5%).
        precision: f64,
        /// The most trials to run.
        max_trials: u64,
    },
}

/// Decides the batches of one adaptive run.
#[derive(Clone, Debug)]
pub(crate) struct Stopper {
    precision: f64,
    max_trials: u64,
    budget: Option<f64>,
    batches: u64,
    last: Option<AdaptiveRun>,
}

impl Stopper {
    pub(crate) fn new(precision: f64, max_trials: u64, budget: Option<f64>) -> Self {
        Self { precision, max_trials: max_trials.max(1), budget, batches: 0, last: None }
    }

    /// The size of the next batch after `so_far` (`None` before the
    /// first), or 0 to stop.
    pub(crate) fn next(&mut self, so_far: Option<&Outcomes>) -> u64 {
        let Some(outcomes) = so_far.filter(|o| o.trials() > 0) else {
            self.batches = 1;
            return FIRST_BATCH.min(self.max_trials);
        };
        let n = outcomes.trials() as u64;
        let state = self.measure(&outcomes.total);
        self.last = Some(state);
        if state.reached || n >= self.max_trials {
            return 0;
        }
        // The half-widths fall like 1/√n: the trials the goal needs.
        let worst = (state.p90_half_width / self.precision)
            .max(state.exceed_half_width.map_or(0.0, |h| h / self.precision));
        let needed =
            if worst.is_finite() { n as f64 * worst * worst * MARGIN } else { 2.0 * n as f64 };
        let more = (needed - n as f64).clamp(BATCH_UNIT as f64, n as f64);
        let more = (more as u64).div_ceil(BATCH_UNIT) * BATCH_UNIT;
        self.batches += 1;
        more.min(self.max_trials - n)
    }

    /// How the run ended (after [`Stopper::next`] returned 0).
    pub(crate) fn result(&self) -> Option<AdaptiveRun> {
        self.last.map(|state| AdaptiveRun { batches: self.batches, ..state })
    }

    fn measure(&self, totals: &[f64]) -> AdaptiveRun {
        let sorted = SortedSample::from_slice(totals);
        let p90_half_width = sorted.estimate(0.9, CONFIDENCE).map_or(f64::INFINITY, |e| {
            let half = (e.value - e.ci.lo).max(e.ci.hi - e.value);
            if half <= 0.0 {
                0.0
            } else if e.value > 0.0 {
                half / e.value
            } else {
                f64::INFINITY
            }
        });
        let exceed_half_width = self.budget.map(|budget| {
            let n = sorted.len() as u64;
            let over = sorted.count_above(budget) as u64;
            wilson_interval(over, n, CONFIDENCE).map_or(f64::INFINITY, |ci| {
                let p = over as f64 / n as f64;
                (p - ci.lo).max(ci.hi - p)
            })
        });
        let reached = p90_half_width <= self.precision
            && exceed_half_width.is_none_or(|h| h <= self.precision);
        AdaptiveRun {
            precision: self.precision,
            max_trials: self.max_trials,
            batches: self.batches,
            reached,
            p90_half_width,
            exceed_half_width,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(totals: Vec<f64>) -> Outcomes {
        Outcomes { total: totals, ..Outcomes::default() }
    }

    /// A deterministic sample of `n` values with a smooth distribution
    /// (an exponential's quantiles at evenly spread levels, interleaved).
    fn sample(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let u = ((i * 7919) % n) as f64 / n as f64 + 0.5 / n as f64;
                100.0 - 10.0 * (1.0 - u).ln()
            })
            .collect()
    }

    #[test]
    fn the_first_batch_is_fixed_and_a_precise_run_stops() {
        let mut stop = Stopper::new(0.005, 200_000, None);
        assert_eq!(stop.next(None), FIRST_BATCH);
        // A sample with no spread is known exactly: stop.
        assert_eq!(stop.next(Some(&outcomes(vec![5.0; 4096]))), 0);
        let result = stop.result().expect("a result");
        assert!(result.reached);
        assert_eq!(result.p90_half_width, 0.0);
    }

    #[test]
    fn batches_grow_towards_the_goal_and_at_most_double() {
        let mut stop = Stopper::new(0.001, 1_000_000, None);
        stop.next(None);
        let first = stop.next(Some(&outcomes(sample(4096))));
        assert!(first > 0 && first <= 4096, "{first}");
        assert_eq!(first % BATCH_UNIT, 0);
        // A looser goal needs fewer trials: a batch no larger.
        let mut loose = Stopper::new(0.004, 1_000_000, None);
        loose.next(None);
        let loose_first = loose.next(Some(&outcomes(sample(4096))));
        assert!(loose_first <= first, "{loose_first} against {first}");
    }

    #[test]
    fn the_run_stops_at_the_most_trials_allowed() {
        let mut stop = Stopper::new(1e-6, 5_000, Some(110.0));
        assert_eq!(stop.next(None), 4096);
        assert_eq!(stop.next(Some(&outcomes(sample(4096)))), 5_000 - 4096);
        assert_eq!(stop.next(Some(&outcomes(sample(5_000)))), 0);
        let result = stop.result().expect("a result");
        assert!(!result.reached);
        assert_eq!(result.batches, 2);
        assert!(result.exceed_half_width.is_some());
    }

    #[test]
    fn the_budget_probability_must_be_precise_too() {
        // p90 is pinned (a constant upper tail) but half the trials exceed
        // the budget: the Wilson half-width at n = 4096 is about 1.5
        // percentage points, above a goal of 0.5.
        let mut totals = vec![1.0; 2048];
        totals.extend(vec![2.0; 2048]);
        let mut stop = Stopper::new(0.005, 1_000_000, Some(1.5));
        stop.next(None);
        let more = stop.next(Some(&outcomes(totals.clone())));
        assert!(more > 0, "not precise yet");
        let mut no_budget = Stopper::new(0.005, 1_000_000, None);
        no_budget.next(None);
        assert_eq!(no_budget.next(Some(&outcomes(totals))), 0);
    }
}
