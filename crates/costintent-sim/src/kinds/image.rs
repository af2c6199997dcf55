//! `kind = "image"`: image generation priced per image.
//!
//! Each request asks for `n` images (a draw per request) at the resolved
//! price per image. After each request the user asks again with probability
//! `regenerate`, so an initial request leads to a geometric number of
//! requests (1, 2, …; mean `1 / (1 − regenerate)`), each a new request with
//! its own `n` draw and its own attempts; the requests column counts them
//! all. The number of asks is drawn exactly (inverse CDF of the geometric),
//! whatever `regenerate` is; a per-trial draw above
//! [`MAX_REGENERATE`] (validation rejects such fixed values) is capped there
//! and counted as a clamped draw. A failed attempt billed `"input"` pays the request and
//! task fees only; `"partial"` pays those plus a uniform share of the images.

use costintent_scenario::{ImageSpec, MAX_REGENERATE, Value};

use crate::kinds::{Ctx, count};
use crate::ledger::Parts;
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::idx;
use crate::rng::uniform_open;
use crate::sampling::{Rounding, Source};

/// An image workload, converted once per run.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    n: DrawSpec,
    regenerate: Value,
    fees: [(usize, f64); 2],
}

impl Spec {
    /// Converts the scenario's image spec.
    pub(crate) fn new(i: &ImageSpec, fees: [(usize, f64); 2]) -> Self {
        Self { n: DrawSpec::new(&i.n), regenerate: i.regenerate.clone(), fees }
    }
}

/// Draw sites of an image workload.
#[derive(Clone, Debug)]
pub(crate) struct State {
    n: Source,
    /// 1 / ln(regenerate) (negative), or 0 when the user never asks again.
    inv_ln_g: f64,
    /// This trial's `regenerate`.
    g: f64,
}

impl State {
    /// Allocates the draw sites.
    pub(crate) fn new() -> Self {
        Self { n: Source::new(Rounding::Count), inv_ln_g: 0.0, g: 0.0 }
    }

    /// Resolves this trial's samplers and regeneration probability.
    pub(crate) fn reset(&mut self, spec: &Spec, params: &mut ParamDraws<'_>) {
        self.n.reset(&params.sampler(&spec.n));
        let mut g = params.value(&spec.regenerate).clamp(0.0, 1.0);
        if g > MAX_REGENERATE {
            g = MAX_REGENERATE;
            params.clamped += 1;
        }
        self.inv_ln_g = if g > 0.0 { 1.0 / g.ln() } else { 0.0 };
        self.g = g;
    }

    /// The probability that an initial request leads to `k` requests in all
    /// (geometric: `(1 − g) · g^(k − 1)`).
    pub(crate) fn requests_pmf(&self, k: u64) -> Option<f64> {
        if k == 0 {
            return Some(0.0);
        }
        Some((1.0 - self.g) * self.g.powf(k as f64 - 1.0))
    }

    /// Sends `requests` initial requests and their regenerations.
    pub(crate) fn run(&mut self, spec: &Spec, ctx: &mut Ctx<'_>, requests: f64) {
        for k in 0..count(requests) {
            if ctx.stop(k) {
                break;
            }
            ctx.unit_started();
            let asks = if self.inv_ln_g < 0.0 {
                1 + count(uniform_open(ctx.usage).ln() * self.inv_ln_g)
            } else {
                1
            };
            for a in 0..asks {
                if ctx.stop(a + 1) {
                    return;
                }
                let n = self.n.next(ctx.usage);
                let parts = Parts::new(
                    [spec.fees[0], spec.fees[1], (0, 0.0), (0, 0.0)],
                    [(idx(Unit::Images), n), (0, 0.0)],
                );
                ctx.request(0, &parts);
            }
        }
    }
}
