//! `kind = "requests"`: independent API calls.
//!
//! Per request: input `I`, output `O` and reasoning `R` tokens are drawn.
//! A share `c` of the input (`cached`, a per-trial parameter) is read from
//! the prompt cache — `round(c · I)` whole cache-read tokens — and the rest
//! is billed at the input price. Reasoning tokens are billed
//! at the reasoning price, or the output price when the model has none.
//! Batch mode multiplies input, output, reasoning and cache prices by
//! `1 − batch_discount`. A request whose prompt `I` exceeds the long-context
//! threshold pays the tier prices for all its tokens; one above the model's
//! rejection limit fails unbilled and is lost. Per-request and per-task fees
//! are charged per attempt, with the input side.

use costintent_scenario::{RequestsSpec, Value};

use crate::kinds::{Ctx, count};
use crate::ledger::{Clean, Parts};
use crate::math::round_count;
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::idx;
use crate::sampling::{Rounding, Source};

/// A requests workload, converted once per run.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    input: DrawSpec,
    output: DrawSpec,
    reasoning: Option<DrawSpec>,
    cached: Value,
    fees: [(usize, f64); 2],
}

impl Spec {
    /// Converts the scenario's requests spec.
    pub(crate) fn new(r: &RequestsSpec, fees: [(usize, f64); 2]) -> Self {
        Self {
            input: DrawSpec::new(&r.input),
            output: DrawSpec::new(&r.output),
            reasoning: r.reasoning.as_ref().map(DrawSpec::new),
            cached: r.cached.clone(),
            fees,
        }
    }

    /// The units a requests workload bills, besides fees.
    pub(crate) fn units(r: &RequestsSpec) -> Vec<Unit> {
        let mut units = vec![Unit::InputTokens, Unit::OutputTokens];
        if r.reasoning.is_some() {
            units.push(Unit::ReasoningTokens);
        }
        if !matches!(r.cached, Value::Fixed(c) if c == 0.0) {
            units.push(Unit::CacheReadTokens);
        }
        units
    }
}

/// Draw sites of a requests workload.
#[derive(Clone, Debug)]
pub(crate) struct State {
    input: Source,
    output: Source,
    reasoning: Source,
    cached: f64,
}

impl State {
    /// Allocates the draw sites.
    pub(crate) fn new() -> Self {
        Self {
            input: Source::new(Rounding::Count),
            output: Source::new(Rounding::Count),
            reasoning: Source::new(Rounding::Count),
            cached: 0.0,
        }
    }

    /// Resolves this trial's samplers and cached share, in a fixed order.
    pub(crate) fn reset(&mut self, spec: &Spec, params: &mut ParamDraws<'_>) {
        self.input.reset(&params.sampler(&spec.input));
        self.output.reset(&params.sampler(&spec.output));
        if let Some(r) = &spec.reasoning {
            self.reasoning.reset(&params.sampler(r));
        }
        self.cached = params.value(&spec.cached).clamp(0.0, 1.0);
    }

    /// Sends `requests` requests.
    pub(crate) fn run(&mut self, spec: &Spec, ctx: &mut Ctx<'_>, requests: f64) {
        const INPUT: usize = idx(Unit::InputTokens);
        const READ: usize = idx(Unit::CacheReadTokens);
        const OUTPUT: usize = idx(Unit::OutputTokens);
        const REASONING: usize = idx(Unit::ReasoningTokens);
        let has_reasoning = spec.reasoning.is_some();
        let c = self.cached;
        let mut clean = Clean::default();
        for k in 0..count(requests) {
            if ctx.stop(k) {
                break;
            }
            ctx.unit_started();
            let i = self.input.next(ctx.usage);
            let o = self.output.next(ctx.usage);
            let r = if has_reasoning { self.reasoning.next(ctx.usage) } else { 0.0 };
            if ctx.prices.rejects(i) {
                ctx.reject();
                continue;
            }
            // Whole tokens read from the cache, the rest at the input price.
            let cached = round_count(c * i);
            let uncached = i - cached;
            let tier = ctx.prices.tier(i);
            if ctx.attempts.try_clean() {
                clean.add::<true>(tier, [uncached, cached, o, r]);
            } else {
                let parts = Parts::new(
                    [(INPUT, uncached), (READ, cached), spec.fees[0], spec.fees[1]],
                    [(OUTPUT, o), (REASONING, r)],
                );
                ctx.request_slow(tier, &parts);
            }
        }
        ctx.ledger.add_clean(&clean, [INPUT, READ, OUTPUT, REASONING], spec.fees);
    }
}
