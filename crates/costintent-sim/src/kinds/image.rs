//! `kind = "image"`: image generation priced per image.
//!
//! Each request asks for `n` images (a draw per request) at the resolved
//! price per image. After each request the user asks again with probability
//! `regenerate`, so an initial request leads to a geometric number of
//! requests (1, 2, …; mean `1 / (1 − regenerate)`), each a new request with
//! its own `n` draw and its own attempts; the requests column counts them
//! all. A `regenerate` of 1 would never end and is capped at 0.999 (counted
//! as a clamped draw). A failed attempt billed `"input"` pays the request and
//! task fees only; `"partial"` pays those plus a uniform share of the images.

use costintent_scenario::{ImageSpec, Value};

use crate::kinds::{Ctx, count};
use crate::ledger::Parts;
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::idx;
use crate::rng::uniform_open;
use crate::sampling::{Rounding, Source};

/// The largest `regenerate` probability the engine simulates.
const MAX_REGENERATE: f64 = 0.999;

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
}

impl State {
    /// Allocates the draw sites.
    pub(crate) fn new() -> Self {
        Self { n: Source::new(Rounding::Count), inv_ln_g: 0.0 }
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
    }

    /// Sends `requests` initial requests and their regenerations.
    pub(crate) fn run(&mut self, spec: &Spec, ctx: &mut Ctx<'_>, requests: f64) {
        for _ in 0..count(requests) {
            let asks = if self.inv_ln_g < 0.0 {
                1 + count(uniform_open(ctx.usage).ln() * self.inv_ln_g)
            } else {
                1
            };
            for _ in 0..asks {
                let n = self.n.next(ctx.usage);
                let parts = Parts {
                    input: [spec.fees[0], spec.fees[1], (0, 0.0), (0, 0.0)],
                    output: [(idx(Unit::Images), n), (0, 0.0)],
                };
                ctx.request(0, &parts);
            }
        }
    }
}
