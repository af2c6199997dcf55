//! Attempts, failures, retries and client timeouts.
//!
//! Every attempt fails independently with probability `rate`; a request gets
//! at most `1 + retries` attempts. Instead of a uniform per attempt, the
//! engine keeps a countdown of the attempts left before the next failure,
//! drawn from the geometric distribution of successes before a failure
//! (`⌊E / λ⌋` with E ~ Exp(1) and λ = −ln(1 − rate), exact: see
//! [`crate::sampling`]). The geometric is
//! memoryless, so the sequence of attempt outcomes is exactly i.i.d.
//! Bernoulli(rate) — across requests, turns and sessions alike — and an
//! attempt that succeeds costs one decrement. The expected number of
//! attempts per request is therefore `(1 − p^(k+1)) / (1 − p)` for rate `p`
//! and `k` retries, and a request is lost with probability `p^(k+1)`.
//!
//! With a client timeout, an attempt that did not fail draws a latency; a
//! latency above `after` makes the client abandon the attempt and retry (it
//! uses a retry like a failure), while the provider finishes and bills it in
//! full. A request whose every attempt failed or was abandoned is lost.
//!
//! Video jobs also count status polls: an attempt that runs for `d` seconds
//! is polled `⌈min(d, after) / every⌉` times (with or without a client
//! timeout: without one, `after` is infinite and the client waits for the
//! whole job); a failed attempt is polled once.
//!
//! **Retries and the prompt cache.** With a prompt cache (`cache_ttl`), an
//! attempt the provider billed — a failure billed `input`, `full` or
//! `partial`, or an attempt abandoned by the client — also wrote the prompt
//! to the cache, so a later attempt of the same request reads the whole
//! prompt from the cache instead of writing it again, while that write is
//! still alive: a failure returns at once, an abandoned attempt is retried
//! `after` seconds later, so its write is still readable only when `after` is
//! shorter than the TTL. A failure billed `none` wrote nothing. Such *warm*
//! attempts are counted apart ([`Outcome::failed_warm`],
//! [`Outcome::abandoned_warm`], [`Outcome::kept_warm`]) so that the ledger can
//! bill their input side as cache reads.

use costintent_scenario::Billed;

use crate::rng::{SimRng, uniform};
use crate::sampling::{Source, exponential, geometric_inv_rate};

/// What happened to one request's attempts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Outcome {
    /// Attempts that failed.
    pub(crate) failed: u32,
    /// Attempts abandoned by the client timeout (billed in full).
    pub(crate) abandoned: u32,
    /// Whether an attempt succeeded (otherwise the request is lost).
    pub(crate) ok: bool,
    /// Sum over failed attempts of the uniform output share billed under
    /// `billed = "partial"` (0 for other policies).
    pub(crate) partial_share: f64,
    /// Status polls of the kept attempt (video only).
    pub(crate) polls_kept: f64,
    /// Status polls of failed and abandoned attempts (video only).
    pub(crate) polls_wasted: f64,
    /// Of `failed`, the billed failures sent while the cache held the prompt.
    pub(crate) failed_warm: u32,
    /// Of `abandoned`, those sent while the cache held the prompt.
    pub(crate) abandoned_warm: u32,
    /// Whether the kept attempt was sent while the cache held the prompt.
    pub(crate) kept_warm: bool,
}

impl Outcome {
    /// One attempt, which succeeded.
    pub(crate) const CLEAN: Self = Self {
        failed: 0,
        abandoned: 0,
        ok: true,
        partial_share: 0.0,
        polls_kept: 0.0,
        polls_wasted: 0.0,
        failed_warm: 0,
        abandoned_warm: 0,
        kept_warm: false,
    };

    /// Attempts sent.
    pub(crate) fn attempts(&self) -> f64 {
        f64::from(self.failed) + f64::from(self.abandoned) + f64::from(u8::from(self.ok))
    }
}

/// Per-trial attempt state of one workload.
#[derive(Debug)]
pub(crate) struct Attempts {
    rng: SimRng,
    /// Successful attempts left before the next failure.
    countdown: u64,
    /// 1 / −ln(1 − rate), or 0 when every attempt fails.
    inv_rate: f64,
    never_fails: bool,
    retries: u32,
    billed: Billed,
    /// The client gives up after this many seconds (∞ without a timeout).
    after: f64,
    /// Whether attempts that did not fail draw a duration (a timeout or a
    /// job duration is given).
    timed: bool,
    /// Whether an abandoned attempt's cache write is still alive when its
    /// retry is sent (`after` shorter than the cache TTL).
    abandoned_write_alive: bool,
    /// Whether attempts write the prompt to a cache (agent with `cache`).
    cached: bool,
    /// Seconds between status polls (video), if polls are counted.
    poll_every: Option<f64>,
    /// Whether every attempt can take the one-decrement path when it succeeds.
    simple: bool,
}

/// Failure and timeout settings for one trial.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AttemptParams {
    /// Probability that an attempt fails, in [0, 1].
    pub(crate) rate: f64,
    /// Retries after a failed or abandoned attempt.
    pub(crate) retries: u32,
    /// What a failed attempt is billed.
    pub(crate) billed: Billed,
    /// Client timeout in seconds, if any.
    pub(crate) after: Option<f64>,
    /// Status poll interval in seconds (video), if polls are counted.
    pub(crate) poll_every: Option<f64>,
    /// The prompt cache's TTL in seconds, when attempts write a cache.
    pub(crate) cache_ttl: Option<f64>,
}

impl AttemptParams {
    /// The probability that a request (not rejected outright) is lost: its
    /// every attempt fails or is abandoned. An attempt fails with
    /// probability `rate`; one that does not is abandoned when its latency,
    /// whose distribution function is `latency_cdf`, exceeds the timeout.
    pub(crate) fn lost_probability(&self, latency_cdf: Option<&dyn Fn(f64) -> Option<f64>>) -> f64 {
        let p = if self.rate.is_nan() { 0.0 } else { self.rate.clamp(0.0, 1.0) };
        let q = match (self.after, latency_cdf) {
            (Some(after), Some(cdf)) if after.is_finite() => {
                1.0 - cdf(after).unwrap_or(1.0).clamp(0.0, 1.0)
            }
            _ => 0.0,
        };
        let per_attempt = p + (1.0 - p) * q;
        per_attempt.powi(i32::try_from(self.retries).unwrap_or(i32::MAX).saturating_add(1))
    }
}

impl Attempts {
    /// The state at the start of a trial.
    pub(crate) fn new(mut rng: SimRng, p: AttemptParams) -> Self {
        let rate = if p.rate.is_nan() { 0.0 } else { p.rate.clamp(0.0, 1.0) };
        let never_fails = rate == 0.0;
        // A rate of 1 gives 1/∞ = 0: every countdown is then 0.
        let inv_rate = if never_fails { 0.0 } else { geometric_inv_rate(rate) };
        let countdown = if never_fails { u64::MAX } else { draw_countdown(&mut rng, inv_rate) };
        Self {
            rng,
            countdown,
            inv_rate,
            never_fails,
            retries: p.retries,
            billed: p.billed,
            after: p.after.unwrap_or(f64::INFINITY),
            timed: p.after.is_some(),
            abandoned_write_alive: match (p.after, p.cache_ttl) {
                (Some(after), Some(ttl)) => after < ttl,
                _ => false,
            },
            cached: p.cache_ttl.is_some(),
            poll_every: p.poll_every,
            simple: p.after.is_none() && p.poll_every.is_none(),
        }
    }

    /// Sends every request through [`Attempts::next_slow`] (traces need its
    /// outcome); the draws are the same, since the one-decrement path only
    /// skips work that consumes no randomness.
    pub(crate) fn force_slow(&mut self) {
        self.simple = false;
    }

    /// The outcome of the next request. `latency` gives the duration of an
    /// attempt that did not fail (only drawn with a timeout or polls).
    #[cfg(test)]
    pub(crate) fn next(&mut self, latency: &mut Source) -> Outcome {
        if self.try_clean() { Outcome::CLEAN } else { self.next_slow(latency) }
    }

    /// Takes the one-decrement path if the next request needs nothing else:
    /// no timeout or polls, and its first attempt succeeds. Otherwise
    /// returns false and leaves the state alone; call [`Attempts::next_slow`].
    #[inline(always)]
    pub(crate) fn try_clean(&mut self) -> bool {
        let clean = self.simple && self.countdown > 0;
        self.countdown -= u64::from(clean);
        clean
    }

    /// The outcome of the next request, attempt by attempt.
    #[cold]
    pub(crate) fn next_slow(&mut self, latency: &mut Source) -> Outcome {
        let mut o = Outcome { ok: false, ..Outcome::default() };
        let billed_failure = self.billed != Billed::None;
        // Whether the cache holds the prompt, written by an earlier attempt.
        let mut warm = false;
        let mut attempt = 0u32;
        loop {
            if self.fails() {
                o.failed += 1;
                o.polls_wasted += 1.0;
                if self.billed == Billed::Partial {
                    o.partial_share += uniform(&mut self.rng);
                }
                if billed_failure {
                    o.failed_warm += u32::from(warm);
                    warm = self.cached;
                }
            } else {
                let duration = if self.timed { Some(latency.next(&mut self.rng)) } else { None };
                let polls = match (self.poll_every, duration) {
                    (Some(every), Some(d)) => (d.min(self.after) / every).ceil().max(1.0),
                    _ => 1.0,
                };
                if duration.is_some_and(|d| d > self.after) {
                    o.abandoned += 1;
                    o.polls_wasted += polls;
                    o.abandoned_warm += u32::from(warm);
                    warm = self.cached && self.abandoned_write_alive;
                } else {
                    o.ok = true;
                    o.polls_kept = polls;
                    o.kept_warm = warm;
                    break;
                }
            }
            if attempt >= self.retries {
                break;
            }
            attempt += 1;
        }
        if self.poll_every.is_none() {
            o.polls_kept = 0.0;
            o.polls_wasted = 0.0;
        }
        o
    }

    /// Whether the next attempt fails, advancing the countdown.
    #[inline]
    fn fails(&mut self) -> bool {
        if self.countdown > 0 {
            self.countdown -= 1;
            return false;
        }
        if self.never_fails {
            // u64::MAX attempts have passed; start another such run.
            self.countdown = u64::MAX;
            return false;
        }
        self.countdown = draw_countdown(&mut self.rng, self.inv_rate);
        true
    }
}

/// Successes before the next failure: Geometric on 0, 1, 2, ….
fn draw_countdown(rng: &mut SimRng, inv_rate: f64) -> u64 {
    // The product is ≥ 0; `as` truncates (the floor) and saturates.
    (exponential(rng) * inv_rate) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use crate::sampling::{Fast, Rounding};

    fn params(rate: f64, retries: u32) -> AttemptParams {
        AttemptParams {
            rate,
            retries,
            billed: Billed::Input,
            after: None,
            poll_every: None,
            cache_ttl: None,
        }
    }

    #[test]
    fn attempt_counts_match_the_closed_form() {
        for (p, k) in [(0.03, 3u32), (0.3, 2), (0.5, 0), (0.9, 5)] {
            let mut a = Attempts::new(stream(1, 0, 0, Stream::Attempts), params(p, k));
            let mut latency = Source::new(Rounding::Continuous);
            let n = 400_000.0;
            let (mut attempts, mut lost, mut sq) = (0.0, 0.0, 0.0);
            for _ in 0..n as u32 {
                let o = a.next(&mut latency);
                attempts += o.attempts();
                sq += o.attempts() * o.attempts();
                lost += f64::from(u8::from(!o.ok));
            }
            let want = (1.0 - p.powi(k as i32 + 1)) / (1.0 - p);
            let mean = attempts / n;
            let sd = (sq / n - mean * mean).sqrt();
            // 5 standard errors of the mean attempt count.
            assert!((mean - want).abs() < 5.0 * sd / n.sqrt() + 1e-12, "p={p}: {mean} vs {want}");
            let p_lost = p.powi(k as i32 + 1);
            let se = (p_lost * (1.0 - p_lost) / n).sqrt();
            assert!((lost / n - p_lost).abs() < 5.0 * se + 1e-12, "p={p}: lost {}", lost / n);
        }
    }

    #[test]
    fn edge_rates() {
        let mut latency = Source::new(Rounding::Continuous);
        let mut never = Attempts::new(stream(1, 0, 0, Stream::Attempts), params(0.0, 3));
        let mut always = Attempts::new(stream(1, 0, 0, Stream::Attempts), params(1.0, 3));
        for _ in 0..1000 {
            assert_eq!(never.next(&mut latency), Outcome::CLEAN);
            let o = always.next(&mut latency);
            assert_eq!((o.failed, o.ok), (4, false));
        }
    }

    #[test]
    fn timeouts_abandon_slow_attempts() {
        // Latency uniform on [0, 10), timeout 5: half the attempts are
        // abandoned; with 1 retry a request is lost with probability 1/4.
        let mut latency = Source::new(Rounding::Continuous);
        latency.reset(&Fast::Uniform { min: 0.0, width: 10.0 });
        let p = AttemptParams { after: Some(5.0), poll_every: Some(2.0), ..params(0.0, 1) };
        let mut a = Attempts::new(stream(2, 0, 0, Stream::Attempts), p);
        let n: f64 = 200_000.0;
        let (mut lost, mut abandoned, mut polls) = (0.0, 0.0, 0.0);
        for _ in 0..n as u32 {
            let o = a.next(&mut latency);
            lost += f64::from(u8::from(!o.ok));
            abandoned += f64::from(o.abandoned);
            polls += o.polls_kept + o.polls_wasted;
            assert!(o.polls_kept <= 3.0 && o.polls_wasted <= 6.0);
        }
        let se = (0.25 * 0.75 / n).sqrt();
        assert!((lost / n - 0.25).abs() < 5.0 * se);
        // Abandoned per request: 1/2 + 1/4 = 0.75.
        assert!((abandoned / n - 0.75).abs() < 0.01);
        assert!(polls > 0.0);
    }
}
