//! `kind = "agent"`: sessions of turns that re-send a growing context.
//!
//! Per session the engine draws the number of turns `T`; the context `c`
//! starts at `context.start`. Turn `t`:
//!
//! 1. New input `x_t` = an `input` draw plus the tool tokens returned in turn
//!    `t − 1` (the sum of one `tools.output` draw per call, over a
//!    `tools.calls` draw of calls).
//! 2. If `c + x_t > window`, the context is compacted: `c = compact_to`, and
//!    the turn reads nothing from the cache and writes its whole prompt. With
//!    `compaction_cost = true` the compaction is one extra model call that
//!    sends the old context and returns `compact_to` tokens; it is not
//!    subject to failures and not counted as a turn or an attempt. Its input
//!    is billed like a turn's: without a cache at the input price; with one,
//!    the prefix the cache still holds (the last prompt sent, when this
//!    turn's gap is shorter than the TTL) as cache reads and the rest as a
//!    cache write.
//! 3. The prompt is `P_t = c + x_t`; output `y_t` and reasoning `r_t` drawn.
//! 4. Without a cache every prompt token is billed at the input price. With
//!    one, the turn writes `P_t` when it is the session's first, compacted,
//!    or its gap `g_t ≥ ttl` (the cache expired); otherwise it reads
//!    `P_prev` (the last prompt sent successfully) and writes `P_t − P_prev`.
//! 5. Long context: if `P_t > above`, every token of the turn (input, cache
//!    reads and writes, output, reasoning) is billed at the tier prices. If
//!    `P_t` is above the model's rejection limit (or the model is retired
//!    with no successor), the turn fails unbilled and is lost.
//! 6. Failed attempts are billed per `failures.billed`. With a cache, an
//!    attempt that the provider billed (a failure billed `input`, `full` or
//!    `partial`, or an attempt abandoned by the client timeout while the
//!    write is still alive) wrote the whole prompt to the cache, so every
//!    later attempt of the turn reads all `P_t` tokens from the cache and
//!    writes none (see [`crate::attempts`]).
//! 7. After a successful turn `c = P_t + y_t` (reasoning is not kept). A lost
//!    turn leaves `c` as it was before the turn, except that a compaction
//!    made before it stands (its call was made, and billed when it costs),
//!    as the numpy peer does; it keeps the cache's prompt and returns no tool
//!    tokens. A compaction invalidates the cached prefix even when its turn
//!    is lost, so the next turn writes its whole prompt.
//!
//! Usage draws do not depend on attempt outcomes: a turn draws its input,
//! output, reasoning, gap (turns 2 onwards) and tool calls (all but the last
//! turn) whether or not it succeeds, so changing failure settings or prices
//! leaves every usage draw in place.

use costintent_scenario::{AgentSpec, CacheWritePrice, Context, Sampler};

use crate::kinds::{Ctx, count};
use crate::ledger::{Clean, Parts};
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::idx;
use crate::sampling::{Rounding, Source};

const INPUT: usize = idx(Unit::InputTokens);
const OUTPUT: usize = idx(Unit::OutputTokens);
const REASONING: usize = idx(Unit::ReasoningTokens);
const READ: usize = idx(Unit::CacheReadTokens);
const WRITE: usize = idx(Unit::CacheWriteTokens);

/// An agent workload, converted once per run.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    turns: DrawSpec,
    input: DrawSpec,
    output: DrawSpec,
    reasoning: Option<DrawSpec>,
    context: Context,
    compaction_cost: bool,
    /// TTL in seconds and the gap between turns.
    cache: Option<(f64, DrawSpec)>,
    /// Calls per turn and tokens per call.
    tools: Option<(DrawSpec, DrawSpec)>,
    fees: [(usize, f64); 2],
}

impl Spec {
    /// Converts the scenario's agent spec.
    pub(crate) fn new(a: &AgentSpec, fees: [(usize, f64); 2]) -> Self {
        Self {
            turns: DrawSpec::new(&a.turns),
            input: DrawSpec::new(&a.input),
            output: DrawSpec::new(&a.output),
            reasoning: a.reasoning.as_ref().map(DrawSpec::new),
            context: a.context,
            compaction_cost: a.compaction_cost,
            cache: a.cache.as_ref().map(|c| (c.ttl_seconds, DrawSpec::new(&c.gap))),
            tools: a.tools.as_ref().map(|t| (DrawSpec::new(&t.calls), DrawSpec::new(&t.output))),
            fees,
        }
    }

    /// The prompt cache's TTL in seconds, when the agent caches.
    pub(crate) fn cache_ttl(&self) -> Option<f64> {
        self.cache.as_ref().map(|(ttl, _)| *ttl)
    }

    /// Which cache-write price the turns pay.
    pub(crate) fn cache_write_price(a: &AgentSpec) -> CacheWritePrice {
        a.cache.as_ref().map_or(CacheWritePrice::FiveMinutes, |c| c.write_price)
    }

    /// The units an agent bills, besides fees.
    pub(crate) fn units(a: &AgentSpec) -> Vec<Unit> {
        let mut units = vec![Unit::OutputTokens];
        if a.cache.is_some() {
            units.extend([Unit::CacheReadTokens, Unit::CacheWriteTokens]);
        } else {
            units.push(Unit::InputTokens);
        }
        if a.reasoning.is_some() {
            units.push(Unit::ReasoningTokens);
        }
        units
    }
}

/// Draw sites of an agent workload.
#[derive(Clone, Debug)]
pub(crate) struct State {
    turns: Source,
    input: Source,
    output: Source,
    reasoning: Source,
    gap: Source,
    tool_calls: Source,
    tool_output: Source,
    /// This trial's distribution of turns per session.
    turns_law: Sampler,
}

impl State {
    /// Allocates the draw sites.
    pub(crate) fn new() -> Self {
        Self {
            turns: Source::new(Rounding::Count),
            input: Source::new(Rounding::Count),
            output: Source::new(Rounding::Count),
            reasoning: Source::new(Rounding::Count),
            gap: Source::new(Rounding::Continuous),
            tool_calls: Source::new(Rounding::Count),
            tool_output: Source::new(Rounding::Count),
            turns_law: Sampler::Const(0.0),
        }
    }

    /// The probability that a session has `k` turns (each turn is one
    /// request), for the fast path's stratification.
    pub(crate) fn requests_pmf(&self, k: u64) -> Option<f64> {
        crate::law::count_pmf(&self.turns_law, k)
    }

    /// Resolves this trial's samplers, in a fixed order.
    pub(crate) fn reset(&mut self, spec: &Spec, params: &mut ParamDraws<'_>) {
        let (turns, law) = params.sampler_with_law(&spec.turns);
        self.turns.reset(&turns);
        self.turns_law = law;
        self.input.reset(&params.sampler(&spec.input));
        self.output.reset(&params.sampler(&spec.output));
        if let Some(r) = &spec.reasoning {
            self.reasoning.reset(&params.sampler(r));
        }
        if let Some((_, gap)) = &spec.cache {
            self.gap.reset(&params.sampler(gap));
        }
        if let Some((calls, output)) = &spec.tools {
            self.tool_calls.reset(&params.sampler(calls));
            self.tool_output.reset(&params.sampler(output));
        }
    }

    /// Runs `sessions` sessions.
    pub(crate) fn run(&mut self, spec: &Spec, ctx: &mut Ctx<'_>, sessions: f64) {
        // Clean turns (one successful attempt) add to these slots:
        // cache reads, prompt tokens (cache writes, or input without a
        // cache), output, reasoning.
        let prompt_unit = if spec.cache.is_some() { WRITE } else { INPUT };
        let units = [READ, prompt_unit, OUTPUT, REASONING];
        // The loop is compiled four times, so that the common shapes (no
        // cache, tools or reasoning; no long-context tier) carry no dead
        // branches or sums.
        let plain = spec.cache.is_none() && spec.tools.is_none() && spec.reasoning.is_none();
        let long = ctx.prices.above.is_finite();
        let n = count(sessions);
        let clean = match (plain, long) {
            (true, false) => self.sessions::<true, false>(spec, ctx, n, prompt_unit),
            (true, true) => self.sessions::<true, true>(spec, ctx, n, prompt_unit),
            (false, false) => self.sessions::<false, false>(spec, ctx, n, prompt_unit),
            (false, true) => self.sessions::<false, true>(spec, ctx, n, prompt_unit),
        };
        ctx.ledger.add_clean(&clean, units, spec.fees);
    }

    /// `n` sessions. `PLAIN`: no cache, tools or reasoning. `LONG`: the
    /// model has a long-context tier.
    fn sessions<const PLAIN: bool, const LONG: bool>(
        &mut self,
        spec: &Spec,
        ctx: &mut Ctx<'_>,
        n: u64,
        prompt_unit: usize,
    ) -> Clean {
        let mut clean = Clean::default();
        for k in 0..n {
            if ctx.stop(k) {
                break;
            }
            ctx.unit_started();
            self.session::<PLAIN, LONG>(spec, ctx, &mut clean, prompt_unit);
        }
        clean
    }

    #[inline(always)]
    fn session<const PLAIN: bool, const LONG: bool>(
        &mut self,
        spec: &Spec,
        ctx: &mut Ctx<'_>,
        clean: &mut Clean,
        prompt_unit: usize,
    ) {
        let Context { start, window, .. } = spec.context;
        let has_reasoning = !PLAIN && spec.reasoning.is_some();
        let ttl = if PLAIN { None } else { spec.cache.as_ref().map(|(ttl, _)| *ttl) };
        let has_tools = !PLAIN && spec.tools.is_some();

        let turns = count(self.turns.next(ctx.usage));
        let mut context = start;
        let mut tool_tokens = 0.0;
        // The last prompt sent successfully, while the cache holds a prefix
        // of the current context; negative when it does not.
        let mut cached_prompt = -1.0;
        for t in 0..turns {
            if ctx.stop(t + 1) {
                return;
            }
            let x = self.input.next(ctx.usage) + tool_tokens;
            let y = self.output.next(ctx.usage);
            // A branch, not a select: the context is the loop's only
            // carried dependency, and a predicted branch keeps the
            // comparison off it (a select would put an add, a compare and
            // a blend on it, about 12 cycles a turn instead of 4). The
            // call to a function that is never inlined is what keeps the
            // compiler from turning the branch into a select.
            let compacted = context + x > window;
            let old_context = context;
            if compacted {
                context = compacted_context(spec);
            }
            let prompt = context + x;
            let r = if has_reasoning { self.reasoning.next(ctx.usage) } else { 0.0 };
            // Whether the cache still holds the last prompt (a gap is drawn
            // from turn 2 on, compacted or not).
            let alive = match ttl {
                None => false,
                Some(ttl) => t > 0 && self.gap.next(ctx.usage) < ttl && cached_prompt >= 0.0,
            };
            if compacted {
                let cached = if alive { cached_prompt } else { 0.0 };
                self.bill_compaction(spec, ctx, old_context, cached, prompt_unit);
                cached_prompt = -1.0;
            }
            // Cache reads and prompt-side tokens (writes, or plain input).
            let (read, written) = if compacted || !alive {
                (0.0, prompt)
            } else {
                (cached_prompt, prompt - cached_prompt)
            };
            let next_tools = if has_tools && t + 1 < turns {
                let calls = self.tool_calls.next(ctx.usage);
                self.tool_output.sum_of(ctx.usage, calls)
            } else {
                0.0
            };

            let tier = if LONG { ctx.prices.tier(prompt) } else { 0 };
            let ok = if ctx.prices.rejects(prompt) {
                ctx.reject();
                false
            } else if ctx.attempts.try_clean() {
                clean.add::<LONG>(tier, [read, written, y, r]);
                true
            } else {
                let parts = Parts {
                    input: [(READ, read), (prompt_unit, written), spec.fees[0], spec.fees[1]],
                    output: [(OUTPUT, y), (REASONING, r)],
                    // A retry after a billed attempt reads the whole prompt.
                    warm_input: [(READ, prompt), (prompt_unit, 0.0), spec.fees[0], spec.fees[1]],
                };
                ctx.request_slow(tier, &parts).ok
            };
            if ok {
                // `x + y` does not wait for the context (whole tokens, so
                // the sum is exact in any order).
                context += x + y;
                if ttl.is_some() {
                    cached_prompt = prompt;
                }
                tool_tokens = next_tools;
            } else {
                tool_tokens = 0.0;
            }
        }
    }

    /// Bills the compaction call, if it costs: the `old` context in (of
    /// which the cache still holds `cached` tokens, read rather than
    /// written), `compact_to` tokens out.
    #[cold]
    #[inline(never)]
    fn bill_compaction(
        &self,
        spec: &Spec,
        ctx: &mut Ctx<'_>,
        old: f64,
        cached: f64,
        prompt_unit: usize,
    ) {
        if !spec.compaction_cost {
            return;
        }
        let tier = ctx.prices.tier(old);
        let ledger = &mut *ctx.ledger;
        ledger.billed[tier][READ] += cached;
        ledger.billed[tier][prompt_unit] += old - cached;
        ledger.billed[tier][OUTPUT] += spec.context.compact_to;
        for (u, q) in spec.fees {
            ledger.billed[tier][u] += q;
        }
        if let Some(t) = ctx.trace.as_deref_mut() {
            let mut q = vec![
                (Unit::CacheReadTokens, cached),
                (Unit::ALL[prompt_unit], old - cached),
                (Unit::OutputTokens, spec.context.compact_to),
            ];
            q.extend(spec.fees.iter().map(|&(u, x)| (Unit::ALL[u], x)));
            q.retain(|&(_, x)| x != 0.0);
            t.compaction(tier, q, ctx.prices);
        }
    }
}

/// The context after compaction. A function of its own, kept out of line,
/// so that the turn loop branches on compaction (rare, well predicted)
/// rather than selecting (see `State::session`).
#[cold]
#[inline(never)]
fn compacted_context(spec: &Spec) -> f64 {
    spec.context.compact_to
}
