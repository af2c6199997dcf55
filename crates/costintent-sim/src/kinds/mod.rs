//! The workload kinds: what one trial of each does, request by request.
//!
//! Each kind has a `Spec` (converted once per run), a `State` (draw sites,
//! allocated once per chunk of trials and reset per trial) and a `run` loop
//! that turns a volume into billed quantities through [`Ctx::request`].

pub(crate) mod agent;
pub(crate) mod image;
pub(crate) mod realtime;
pub(crate) mod requests;
pub(crate) mod video;

use std::sync::atomic::{AtomicBool, Ordering};

use costintent_scenario::{Billed, ModelPrice};

use crate::attempts::{Attempts, Outcome};
use crate::ledger::{Ledger, Parts};
use crate::outcome::Unit;
use crate::prices::{PriceTable, idx};
use crate::rng::SimRng;
use crate::sampling::Source;

/// Everything a kind's loop bills through, for one workload and trial.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    /// Usage draws (tokens, turns, gaps, …).
    pub(crate) usage: &'a mut SimRng,
    /// Attempt outcomes.
    pub(crate) attempts: &'a mut Attempts,
    /// Latency (or job duration) of an attempt, when a timeout is set.
    pub(crate) latency: &'a mut Source,
    /// Where quantities go.
    pub(crate) ledger: &'a mut Ledger,
    /// What a failed attempt is billed.
    pub(crate) billed: Billed,
    /// The workload's prices (for the long-context threshold).
    pub(crate) prices: &'a PriceTable,
    /// Set when the run is cancelled.
    pub(crate) cancel: &'a AtomicBool,
    /// Records every attempt (a traced trial; `None` in runs).
    pub(crate) trace: Option<&'a mut crate::trace::Tracer>,
}

impl Ctx<'_> {
    /// Whether to stop: the run was cancelled. Loops call it with their
    /// counter and it looks at the flag every 4,096 iterations, so that a
    /// trial of billions of requests (or a session of millions of turns)
    /// still stops within milliseconds of Ctrl-C.
    #[inline(always)]
    pub(crate) fn stop(&self, i: u64) -> bool {
        i & 0xFFF == 0 && self.cancel.load(Ordering::Relaxed)
    }

    /// Counts a request the provider rejects (its prompt is above the
    /// model's limit, or the model is retired): one attempt, not billed,
    /// lost. Retrying would not help, so there are no retries.
    #[cold]
    pub(crate) fn reject(&mut self) -> Outcome {
        if let Some(t) = self.trace.as_deref_mut() {
            t.rejected(self.prices);
        }
        self.ledger.requests += 1.0;
        self.ledger.attempts += 1.0;
        self.ledger.lost += 1.0;
        self.ledger.rejected += 1.0;
        Outcome { failed: 1, ok: false, ..Outcome::CLEAN }
    }

    /// Sends one request with these parts in this price tier and bills its
    /// attempts; returns what happened. (For kinds without a prompt: a
    /// request is rejected only when the model is.)
    #[inline]
    pub(crate) fn request(&mut self, tier: usize, parts: &Parts) -> Outcome {
        if self.prices.rejects(0.0) {
            return self.reject();
        }
        if self.attempts.try_clean() {
            let ledger = &mut *self.ledger;
            ledger.requests += 1.0;
            ledger.attempts += 1.0;
            for &(u, q) in parts.input.iter().chain(&parts.output) {
                ledger.billed[tier][u] += q;
            }
            return Outcome::CLEAN;
        }
        self.request_slow(tier, parts)
    }

    /// [`Ctx::request`] once the one-decrement path has been ruled out.
    #[cold]
    pub(crate) fn request_slow(&mut self, tier: usize, parts: &Parts) -> Outcome {
        let o = self.attempts.next_slow(self.latency);
        self.ledger.settle(tier, parts, &o, self.billed);
        if let Some(t) = self.trace.as_deref_mut() {
            t.request(tier, parts, &o, self.billed, self.prices);
        }
        o
    }

    /// A new unit (session, initial request, job) begins: for traces.
    #[inline(always)]
    pub(crate) fn unit_started(&mut self) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.unit();
        }
    }
}

/// Per-attempt fee parts: `(unit, 1)` for each fee the model charges and
/// `(unit, 0)` otherwise, so the quantity of an unpriced fee stays 0.
pub(crate) fn fee_parts(price: &ModelPrice) -> [(usize, f64); 2] {
    [
        (idx(Unit::Requests), if price.per_request.is_some() { 1.0 } else { 0.0 }),
        (idx(Unit::Tasks), if price.per_task.is_some() { 1.0 } else { 0.0 }),
    ]
}

/// Whole count as a loop bound (counts are whole and non-negative; `as`
/// saturates at the extremes).
pub(crate) fn count(x: f64) -> u64 {
    x as u64
}
