//! What one workload billed in one trial, by unit and price tier.
//!
//! The hot loops add *quantities* (tokens, images, seconds, fees) to
//! `[tier][unit]` cells; dollars are quantity × price, computed once at the
//! end of the trial. Token counts are whole numbers, so these sums are exact
//! below 2^53, and the result does not depend on the order requests were
//! billed in.

use costintent_scenario::Billed;

use crate::attempts::Outcome;
use crate::outcome::Unit;
use crate::prices::{N_UNITS, PriceTable, idx};

/// Quantities billed and wasted, plus request counters.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Ledger {
    /// Quantity billed, `[tier][unit]`.
    pub(crate) billed: [[f64; N_UNITS]; 2],
    /// Quantity billed on failed or abandoned attempts, `[tier][unit]`.
    pub(crate) wasted: [[f64; N_UNITS]; 2],
    /// Attempts sent.
    pub(crate) attempts: f64,
    /// Logical requests.
    pub(crate) requests: f64,
    /// Requests whose every attempt failed, or that the provider rejected.
    pub(crate) lost: f64,
    /// Of `lost`, the requests the provider rejected outright (a prompt
    /// above the model's limit, a retired model).
    pub(crate) rejected: f64,
}

/// The billable parts of one attempt: an input side (prompt tokens and
/// per-attempt fees, what `billed = "input"` charges) and an output side.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Parts {
    /// `(unit index, quantity)`; unused slots have quantity 0.
    pub(crate) input: [(usize, f64); 4],
    /// `(unit index, quantity)`; unused slots have quantity 0.
    pub(crate) output: [(usize, f64); 2],
    /// The input side of an attempt sent while an earlier attempt's cache
    /// write is alive (the whole prompt read from the cache). Only kinds
    /// that write a cache produce such attempts; others leave it unused.
    pub(crate) warm_input: [(usize, f64); 4],
}

impl Parts {
    /// Parts whose input side is the same for every attempt.
    pub(crate) fn new(input: [(usize, f64); 4], output: [(usize, f64); 2]) -> Self {
        Self { input, output, warm_input: input }
    }
}

/// Quantities of requests that succeeded on their first attempt, summed in
/// locals so that a hot loop keeps them in registers instead of waiting on
/// a read-modify-write of the ledger per request. Four slots, each with a
/// unit fixed by the caller; [`Ledger::add_clean`] moves them over.
///
/// The tier is kept branch-free and without indexing (which would put the
/// sums back in memory): `all` sums every request, `long` only those in the
/// long-context tier, and tier 0 gets `all − long`. Quantities are whole
/// token counts, so that difference is exact.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Clean {
    all: [f64; 4],
    long: [f64; 4],
    count: f64,
}

impl Clean {
    /// Adds one request's quantities in price tier `tier` (0 or 1);
    /// `LONG = false` promises the tier is 0.
    #[inline(always)]
    pub(crate) fn add<const LONG: bool>(&mut self, tier: usize, q: [f64; 4]) {
        for (sum, q) in self.all.iter_mut().zip(q) {
            *sum += q;
        }
        if LONG {
            let w = if tier == 0 { 0.0 } else { 1.0 };
            for (sum, q) in self.long.iter_mut().zip(q) {
                *sum += w * q;
            }
        }
        self.count += 1.0;
    }
}

/// The per-trial totals of a ledger.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Totals {
    /// USD billed.
    pub(crate) spend: f64,
    /// USD billed on failed or abandoned attempts.
    pub(crate) waste: f64,
}

impl Ledger {
    /// Counts one request and bills its attempts.
    ///
    /// The successful attempt and every abandoned attempt bill `parts` in
    /// full; each failed attempt bills per `billed`: nothing, its input side,
    /// everything, or its input side plus a uniform share of its output side
    /// (the sum of those shares is `outcome.partial_share`; the shared
    /// output is billed rounded to whole tokens or images). An attempt sent
    /// while an earlier attempt's cache write is alive (the outcome's `*_warm`
    /// counts) bills `parts.warm_input` instead of `parts.input`.
    ///
    /// Waste is what the failures added: everything billed beyond what the
    /// request would have cost had its first attempt succeeded (`parts`
    /// with the cold input side), or everything when the request was lost.
    /// Without a cache that is exactly the failed and abandoned attempts;
    /// with one, a retry that reads the prompt a failed attempt wrote makes
    /// the read the waste, not the write the request needed anyway.
    #[inline]
    pub(crate) fn settle(&mut self, tier: usize, parts: &Parts, o: &Outcome, billed: Billed) {
        self.requests += 1.0;
        self.attempts += o.attempts();
        if !o.ok {
            self.lost += 1.0;
        }
        let failed = f64::from(o.failed);
        let (fail_in, fail_out) = match billed {
            Billed::None => (0.0, 0.0),
            Billed::Input => (failed, 0.0),
            Billed::Full => (failed, failed),
            Billed::Partial => (failed, o.partial_share),
        };
        let kept = f64::from(u8::from(o.ok));
        let abandoned = f64::from(o.abandoned);
        // Input sides: cold attempts bill `input`, warm ones `warm_input`.
        let warm = f64::from(u8::from(o.ok && o.kept_warm))
            + f64::from(o.failed_warm)
            + f64::from(o.abandoned_warm);
        let cold = kept + abandoned + fail_in - warm;
        for &(u, q) in &parts.input {
            self.billed[tier][u] += q * cold;
            self.wasted[tier][u] += q * (cold - kept);
        }
        if warm > 0.0 {
            for &(u, q) in &parts.warm_input {
                self.billed[tier][u] += q * warm;
                self.wasted[tier][u] += q * warm;
            }
        }
        let _ = fail_out;
        for &(u, q) in &parts.output {
            // A partial output is billed in whole tokens (images): the
            // failed attempts' shares, summed, rounded.
            let partial = if billed == Billed::Partial {
                crate::math::round_count(q * o.partial_share)
            } else {
                0.0
            };
            let full = if billed == Billed::Full { failed } else { 0.0 };
            let waste = q * (abandoned + full) + partial;
            self.billed[tier][u] += q * kept + waste;
            self.wasted[tier][u] += waste;
        }
    }

    /// Moves the quantities of clean requests over: slot `i` is billed as
    /// `units[i]`, and each request as one attempt paying `fees`.
    pub(crate) fn add_clean(&mut self, c: &Clean, units: [usize; 4], fees: [(usize, f64); 2]) {
        for (i, &u) in units.iter().enumerate() {
            self.billed[0][u] += c.all[i] - c.long[i];
            self.billed[1][u] += c.long[i];
        }
        for (u, q) in fees {
            self.billed[0][u] += q * c.count;
        }
        self.requests += c.count;
        self.attempts += c.count;
    }

    /// Bills a quantity that is not part of any attempt's parts (status
    /// polls), split into kept and wasted.
    pub(crate) fn add(&mut self, unit: Unit, kept: f64, wasted: f64) {
        self.billed[0][idx(unit)] += kept + wasted;
        self.wasted[0][idx(unit)] += wasted;
    }

    /// Adds another ledger's quantities and counters.
    pub(crate) fn merge(&mut self, other: &Self) {
        for (a, b) in self.billed.iter_mut().flatten().zip(other.billed.iter().flatten()) {
            *a += b;
        }
        for (a, b) in self.wasted.iter_mut().flatten().zip(other.wasted.iter().flatten()) {
            *a += b;
        }
        self.attempts += other.attempts;
        self.requests += other.requests;
        self.lost += other.lost;
        self.rejected += other.rejected;
    }

    /// Quantity of a unit over both tiers.
    pub(crate) fn quantity(&self, unit: Unit) -> f64 {
        self.billed[0][idx(unit)] + self.billed[1][idx(unit)]
    }

    /// USD of a unit over both tiers.
    pub(crate) fn usd(&self, unit: Unit, prices: &PriceTable) -> f64 {
        let u = idx(unit);
        self.billed[0][u] * prices.usd[0][u] + self.billed[1][u] * prices.usd[1][u]
    }

    /// Spend and waste in USD, summed over `units` in order.
    pub(crate) fn totals(&self, units: &[Unit], prices: &PriceTable) -> Totals {
        let mut t = Totals::default();
        for &unit in units {
            let u = idx(unit);
            t.spend += self.usd(unit, prices);
            t.waste += self.wasted[0][u] * prices.usd[0][u] + self.wasted[1][u] * prices.usd[1][u];
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Parts {
        Parts::new(
            [(idx(Unit::InputTokens), 1000.0), (idx(Unit::Requests), 1.0), (0, 0.0), (0, 0.0)],
            [(idx(Unit::OutputTokens), 100.0), (0, 0.0)],
        )
    }

    #[test]
    fn settle_bills_each_policy() {
        let o = Outcome { failed: 2, ok: true, partial_share: 0.5, ..Outcome::CLEAN };
        let cases = [
            (Billed::None, 1000.0, 100.0, 0.0, 0.0),
            (Billed::Input, 3000.0, 100.0, 2000.0, 0.0),
            (Billed::Full, 3000.0, 300.0, 2000.0, 200.0),
            (Billed::Partial, 3000.0, 150.0, 2000.0, 50.0),
        ];
        for (billed, input, output, waste_in, waste_out) in cases {
            let mut l = Ledger::default();
            l.settle(0, &parts(), &o, billed);
            assert_eq!(l.quantity(Unit::InputTokens), input, "{billed:?}");
            assert_eq!(l.quantity(Unit::OutputTokens), output, "{billed:?}");
            assert_eq!(l.wasted[0][idx(Unit::InputTokens)], waste_in, "{billed:?}");
            assert_eq!(l.wasted[0][idx(Unit::OutputTokens)], waste_out, "{billed:?}");
            assert_eq!((l.attempts, l.requests, l.lost), (3.0, 1.0, 0.0));
        }
    }

    #[test]
    fn lost_and_abandoned_attempts_are_waste() {
        let o = Outcome { failed: 1, abandoned: 1, ok: false, ..Outcome::CLEAN };
        let mut l = Ledger::default();
        l.settle(1, &parts(), &o, Billed::Input);
        // Abandoned: billed in full; failed: input only. No kept attempt.
        assert_eq!(l.billed[1][idx(Unit::InputTokens)], 2000.0);
        assert_eq!(l.billed[1][idx(Unit::OutputTokens)], 100.0);
        assert_eq!(l.billed[1], l.wasted[1]);
        assert_eq!((l.attempts, l.lost), (2.0, 1.0));
    }
}
