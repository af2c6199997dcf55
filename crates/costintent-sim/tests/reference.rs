//! The engine against an obviously-correct slow implementation of the
//! `requests` and `agent` kinds: plain loops, one uniform per attempt, the
//! `rand_distr` samplers, no skip-sampling, no buffers, no local sums.
//! Proptest draws small random scenarios; for each, the per-trial means of
//! spend, waste, attempts, requests and lost requests must agree within
//! 5 combined standard errors, √(SE_engine² + SE_reference²).

// Test helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use crate::common::*;
use costintent_scenario::{
    AgentSpec, Billed, Cache, CacheWritePrice, Dist, Draw, Failures, LongContext, Mode, ModelPrice,
    RequestsSpec, Sampler, Scenario, Timeout, Tools, Value, Volume, Workload, WorkloadKind,
};
use proptest::prelude::*;
use rand::SeedableRng as _;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Beta, Distribution as _, Gamma, Geometric, LogNormal, Normal, Poisson};

// ---------------------------------------------------------------------------
// The reference implementation.
// ---------------------------------------------------------------------------

/// What one trial of one workload gave.
#[derive(Clone, Copy, Debug, Default)]
struct Trial {
    spend: f64,
    waste: f64,
    attempts: f64,
    requests: f64,
    lost: f64,
}

fn sampler(draw: &Draw) -> Sampler {
    match draw {
        Draw::Const(x) => Sampler::Const(*x),
        Draw::Dist(d) => d.fixed_sampler().expect("fixed parameters").expect("valid"),
    }
}

/// One raw draw, with `rand_distr`.
fn sample(s: &Sampler, rng: &mut Xoshiro256PlusPlus) -> f64 {
    match s {
        Sampler::Const(x) => *x,
        Sampler::Poisson { mean } => {
            if *mean == 0.0 {
                0.0
            } else {
                Poisson::new(*mean).unwrap().sample(rng)
            }
        }
        Sampler::NegBin { r, mean } => {
            let lambda = Gamma::new(*r, mean / r).unwrap().sample(rng);
            if lambda > 0.0 { Poisson::new(lambda).unwrap().sample(rng) } else { 0.0 }
        }
        // rand_distr counts failures before the first success (0, 1, …).
        Sampler::Geometric { p } => 1.0 + Geometric::new(*p).unwrap().sample(rng) as f64,
        Sampler::LogNormal { mu, sigma } => LogNormal::new(*mu, *sigma).unwrap().sample(rng),
        Sampler::Normal { mean, sd } => loop {
            let x = Normal::new(*mean, *sd).unwrap().sample(rng);
            if x >= 0.0 {
                break x;
            }
        },
        Sampler::Uniform { min, max } => {
            if min == max {
                *min
            } else {
                rng.random_range(*min..*max)
            }
        }
        Sampler::Gamma { shape, scale } => Gamma::new(*shape, *scale).unwrap().sample(rng),
        Sampler::Beta { a, b } => Beta::new(*a, *b).unwrap().sample(rng),
        Sampler::Choice(c) => {
            let u: f64 = rng.random();
            let i = c.cumulative.iter().position(|&cum| u < cum).unwrap_or(c.values.len() - 1);
            c.values[i]
        }
    }
}

/// A whole count: round half away from zero, never negative.
fn count(x: f64) -> f64 {
    x.round().max(0.0)
}

fn volume(v: &Volume, rng: &mut Xoshiro256PlusPlus) -> f64 {
    match v {
        Volume::Fixed(n) => count(*n),
        Volume::PerPeriod(d) => count(sample(&d.fixed_sampler().unwrap().unwrap(), rng)),
        Volume::PerUnit { .. } | Volume::Profile(_) => unreachable!("not generated"),
    }
}

/// USD per token (or per fee) in one price tier.
#[derive(Clone, Copy, Debug)]
struct Tier {
    input: f64,
    output: f64,
    reasoning: f64,
    read: f64,
    write: f64,
}

/// The two tiers and the threshold, straight from the pricing rules.
fn tiers(p: &ModelPrice, write_1h: bool, batch: bool) -> ([Tier; 2], f64) {
    let m = if batch { 1.0 - p.batch_discount.unwrap_or(0.0) } else { 1.0 } / 1e6;
    let input = p.input_per_mtok.unwrap();
    let output = p.output_per_mtok.unwrap();
    let read = p.cache_read_per_mtok.unwrap_or(input);
    let write = if write_1h { p.cache_write_1h_per_mtok } else { p.cache_write_5m_per_mtok }
        .unwrap_or(input);
    let reasoning = p.reasoning_per_mtok.unwrap_or(output);
    let base = Tier {
        input: input * m,
        output: output * m,
        reasoning: reasoning * m,
        read: read * m,
        write: write * m,
    };
    match &p.long_context {
        None => ([base, base], f64::INFINITY),
        Some(lc) => {
            let in_ratio = lc.input_per_mtok / input;
            let tier_write =
                if write_1h { lc.cache_write_1h_per_mtok } else { lc.cache_write_5m_per_mtok };
            let long = Tier {
                input: lc.input_per_mtok * m,
                output: lc.output_per_mtok * m,
                reasoning: reasoning * lc.output_per_mtok / output * m,
                read: lc.cache_read_per_mtok.unwrap_or(read * in_ratio) * m,
                write: tier_write.unwrap_or(write * in_ratio) * m,
            };
            ([base, long], lc.above)
        }
    }
}

/// Sends one request attempt by attempt; returns whether it succeeded.
///
/// `warm_input` is what the input side costs once an earlier billed attempt
/// has written the prompt to the cache (`ttl` is `Some` for an agent that
/// caches): a billed failure's write is read by the next attempt at once, an
/// abandoned attempt's only if the retry comes within the TTL.
#[allow(clippy::too_many_arguments)]
fn attempts(
    w: &Workload,
    input: f64,
    warm_input: f64,
    output: f64,
    ttl: Option<f64>,
    latency: Option<&Sampler>,
    rng: &mut Xoshiro256PlusPlus,
    t: &mut Trial,
) -> bool {
    let rate = w.failures.rate.fixed().unwrap();
    let retries = w.failures.retries.fixed().unwrap() as u32;
    t.requests += 1.0;
    let mut warm = false;
    // What this request billed; its waste is what it billed beyond the cost
    // of one cold, successful attempt (or all of it when it is lost).
    let mut spent = 0.0;
    for _ in 0..=retries {
        t.attempts += 1.0;
        let charge_in = if warm { warm_input } else { input };
        let u: f64 = rng.random();
        if u < rate {
            let billed = match w.failures.billed {
                Billed::None => 0.0,
                Billed::Input => charge_in,
                Billed::Full => charge_in + output,
                Billed::Partial => charge_in + rng.random::<f64>() * output,
            };
            if w.failures.billed != Billed::None {
                warm = ttl.is_some();
            }
            spent += billed;
            continue;
        }
        if let (Some(timeout), Some(latency)) = (&w.timeout, latency)
            && sample(latency, rng).max(0.0) > timeout.after_seconds
        {
            spent += charge_in + output;
            warm = ttl.is_some_and(|ttl| timeout.after_seconds < ttl);
            continue;
        }
        spent += charge_in + output;
        t.spend += spent;
        t.waste += spent - (input + output);
        return true;
    }
    t.spend += spent;
    t.waste += spent;
    t.lost += 1.0;
    false
}

fn fees(p: &ModelPrice) -> f64 {
    p.per_request.unwrap_or(0.0) + p.per_task.unwrap_or(0.0)
}

fn reference_requests(w: &Workload, r: &RequestsSpec, rng: &mut Xoshiro256PlusPlus) -> Trial {
    let (tiers, above) = tiers(&w.price, false, r.mode == Mode::Batch);
    let (input, output) = (sampler(&r.input), sampler(&r.output));
    let reasoning = r.reasoning.as_ref().map(sampler);
    let latency = w.timeout.as_ref().map(|t| sampler(&t.latency));
    let c = r.cached.fixed().unwrap();
    let mut t = Trial::default();
    for _ in 0..volume(&r.requests, rng) as u64 {
        let i = count(sample(&input, rng));
        let o = count(sample(&output, rng));
        let re = reasoning.as_ref().map_or(0.0, |s| count(sample(s, rng)));
        let p = tiers[usize::from(i > above)];
        let cached = (c * i).round();
        let charge_in = (i - cached) * p.input + cached * p.read + fees(&w.price);
        let charge_out = o * p.output + re * p.reasoning;
        attempts(w, charge_in, charge_in, charge_out, None, latency.as_ref(), rng, &mut t);
    }
    t
}

fn reference_agent(w: &Workload, a: &AgentSpec, rng: &mut Xoshiro256PlusPlus) -> Trial {
    let write_1h = a.cache.as_ref().is_some_and(|c| c.write_price == CacheWritePrice::OneHour);
    let (tiers, above) = tiers(&w.price, write_1h, false);
    let turns = sampler(&a.turns);
    let (input, output) = (sampler(&a.input), sampler(&a.output));
    let reasoning = a.reasoning.as_ref().map(sampler);
    let gap = a.cache.as_ref().map(|c| (c.ttl_seconds, sampler(&c.gap)));
    let tools = a.tools.as_ref().map(|t| (sampler(&t.calls), sampler(&t.output)));
    let latency = w.timeout.as_ref().map(|t| sampler(&t.latency));
    let ctx = a.context;
    let mut t = Trial::default();
    for _ in 0..volume(&a.sessions, rng) as u64 {
        let n = count(sample(&turns, rng)) as u64;
        let mut context = ctx.start;
        let mut pending_tools = 0.0;
        let mut cached: Option<f64> = None;
        for turn in 0..n {
            let x = count(sample(&input, rng)) + pending_tools;
            pending_tools = 0.0;
            let y = count(sample(&output, rng));
            let r = reasoning.as_ref().map_or(0.0, |s| count(sample(s, rng)));
            // Whether the cache still holds the last prompt sent.
            let alive = match &gap {
                None => false,
                Some((ttl, g)) => turn > 0 && sample(g, rng).max(0.0) < *ttl && cached.is_some(),
            };
            if context + x > ctx.window {
                if a.compaction_cost {
                    let p = tiers[usize::from(context > above)];
                    let charge = match (&gap, cached) {
                        (None, _) => context * p.input,
                        (Some(_), Some(prev)) if alive => {
                            prev * p.read + (context - prev) * p.write
                        }
                        (Some(_), _) => context * p.write,
                    };
                    t.spend += charge + ctx.compact_to * p.output + fees(&w.price);
                }
                context = ctx.compact_to;
                cached = None;
            }
            let prompt = context + x;
            let p = tiers[usize::from(prompt > above)];
            let charge_in = match (&gap, cached) {
                (None, _) => prompt * p.input,
                (Some(_), Some(prev)) if alive => prev * p.read + (prompt - prev) * p.write,
                (Some(_), _) => prompt * p.write,
            } + fees(&w.price);
            let warm_in = match &gap {
                None => charge_in,
                Some(_) => prompt * p.read + fees(&w.price),
            };
            let charge_out = y * p.output + r * p.reasoning;
            let mut tool_tokens = 0.0;
            if let Some((calls, each)) = &tools
                && turn + 1 < n
            {
                for _ in 0..count(sample(calls, rng)) as u64 {
                    tool_tokens += count(sample(each, rng));
                }
            }
            let ttl = gap.as_ref().map(|(ttl, _)| *ttl);
            if attempts(w, charge_in, warm_in, charge_out, ttl, latency.as_ref(), rng, &mut t) {
                context = prompt + y;
                if gap.is_some() {
                    cached = Some(prompt);
                }
                pending_tools = tool_tokens;
            }
        }
    }
    t
}

fn reference(s: &Scenario, trials: u64, seed: u64) -> Vec<Trial> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let w = &s.workloads[0];
    (0..trials)
        .map(|_| match &w.kind {
            WorkloadKind::Requests(r) => reference_requests(w, r, &mut rng),
            WorkloadKind::Agent(a) => reference_agent(w, a, &mut rng),
            _ => unreachable!("not generated"),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The comparison.
// ---------------------------------------------------------------------------

fn compare(s: &Scenario, trials: u64, seed: u64) -> Result<(), TestCaseError> {
    let engine = run(s, trials, seed);
    let reference = reference(s, trials, seed ^ 0x5eed);
    let w = &engine.workloads[0];
    type Column<'a> = (&'a str, &'a [f64], fn(&Trial) -> f64);
    let columns: [Column<'_>; 5] = [
        ("spend", &w.spend, |t| t.spend),
        ("waste", &w.waste, |t| t.waste),
        ("attempts", &w.attempts, |t| t.attempts),
        ("requests", &w.requests, |t| t.requests),
        ("lost", &w.lost, |t| t.lost),
    ];
    for (name, ours, theirs) in columns {
        let theirs: Vec<f64> = reference.iter().map(theirs).collect();
        let (m1, m2) = (mean(ours), mean(&theirs));
        let tol = 5.0 * (se(ours).powi(2) + se(&theirs).powi(2)).sqrt() + 1e-9 * m2.abs().max(1e-9);
        prop_assert!(
            (m1 - m2).abs() <= tol,
            "{name}: engine {m1} vs reference {m2} (tolerance {tol})"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Random small scenarios.
// ---------------------------------------------------------------------------

fn token_draw(lo: f64, hi: f64) -> impl Strategy<Value = Draw> {
    prop_oneof![
        (lo..hi).prop_map(|x| Draw::Const(x.round())),
        (lo..hi, 1.0..5.0).prop_map(|(m, k)| lognormal(m, m * k)),
        (0.0..lo, lo..hi).prop_map(|(a, b)| uniform(a, b)),
    ]
}

fn volume_strategy() -> impl Strategy<Value = Volume> {
    prop_oneof![
        (5.0..25.0f64).prop_map(|n| Volume::Fixed(n.round())),
        (5.0..25.0f64).prop_map(|m| Volume::PerPeriod(poisson(m))),
    ]
}

fn failures_strategy() -> impl Strategy<Value = Failures> {
    let billed = prop_oneof![
        Just(Billed::None),
        Just(Billed::Input),
        Just(Billed::Full),
        Just(Billed::Partial)
    ];
    (prop_oneof![Just(0.0), 0.0..0.6], 0u32..4, billed)
        .prop_map(|(rate, retries, billed)| failures(rate, f64::from(retries), billed))
}

fn timeout_strategy() -> impl Strategy<Value = Option<Timeout>> {
    prop_oneof![
        Just(None),
        (1.0..20.0f64).prop_map(|after| Some(timeout(after, uniform(0.0, 30.0))))
    ]
}

fn price_strategy() -> impl Strategy<Value = ModelPrice> {
    (
        0.1..10.0f64,
        1.0..50.0f64,
        proptest::option::of(0.01..1.0f64),
        proptest::option::of(1.0..2.0f64),
        proptest::option::of(1.0..5.0f64),
        proptest::option::of((1000.0..30_000.0f64, 1.0..3.0f64)),
        proptest::option::of(0.001..0.01f64),
    )
        .prop_map(|(input, output, read, write, reasoning, long, fee)| {
            let mut p = price(input, output);
            p.cache_read_per_mtok = read.map(|r| r * input);
            p.cache_write_5m_per_mtok = write.map(|w| w * input);
            p.cache_write_1h_per_mtok = write.map(|w| 1.6 * w * input);
            p.reasoning_per_mtok = reasoning;
            p.batch_discount = Some(0.5);
            p.per_request = fee;
            p.long_context = long.map(|(above, k)| LongContext {
                above,
                input_per_mtok: k * input,
                output_per_mtok: 1.5 * output,
                cache_read_per_mtok: None,
                cache_write_5m_per_mtok: None,
                cache_write_1h_per_mtok: None,
            });
            p
        })
}

fn requests_strategy() -> impl Strategy<Value = WorkloadKind> {
    (
        volume_strategy(),
        token_draw(10.0, 5000.0),
        token_draw(10.0, 2000.0),
        proptest::option::of(token_draw(1.0, 500.0)),
        prop_oneof![Just(0.0), 0.0..1.0f64],
        any::<bool>(),
    )
        .prop_map(|(volume, input, output, reasoning, cached, batch)| {
            let mut r = requests(volume, input, output);
            r.reasoning = reasoning;
            r.cached = Value::Fixed(cached);
            r.mode = if batch { Mode::Batch } else { Mode::Standard };
            WorkloadKind::Requests(r)
        })
}

fn agent_strategy() -> impl Strategy<Value = WorkloadKind> {
    let turns = prop_oneof![
        (1.0..12.0f64).prop_map(|n| Draw::Const(n.round())),
        (1.0..8.0f64).prop_map(geometric),
    ];
    let cache = proptest::option::of((
        60.0..600.0f64,
        prop_oneof![(0.0..900.0f64).prop_map(Draw::Const), Just(uniform(0.0, 900.0))],
        any::<bool>(),
    ));
    let tools = proptest::option::of((
        prop_oneof![
            (0.0..3.0f64).prop_map(|n| Draw::Const(n.round())),
            Just(Draw::Dist(poisson(1.5)))
        ],
        token_draw(10.0, 800.0),
    ));
    (
        (volume_strategy(), turns, token_draw(10.0, 4000.0), token_draw(10.0, 1500.0)),
        (0.0..5000.0f64, 8000.0..40_000.0f64, 0.05..0.5f64, any::<bool>()),
        (cache, tools, proptest::option::of(token_draw(1.0, 400.0))),
    )
        .prop_map(
            |(
                (sessions, turns, input, output),
                (start, window, shrink, cost),
                (cache, tools, reasoning),
            )| {
                let mut a =
                    agent(sessions, turns, input, output, context(start, window, window * shrink));
                a.compaction_cost = cost;
                a.cache = cache.map(|(ttl, gap, one_hour)| Cache {
                    ttl_seconds: ttl,
                    write_price: if one_hour {
                        CacheWritePrice::OneHour
                    } else {
                        CacheWritePrice::FiveMinutes
                    },
                    gap,
                });
                a.tools = tools.map(|(calls, output)| Tools { calls, output });
                a.reasoning = reasoning;
                WorkloadKind::Agent(a)
            },
        )
}

fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![requests_strategy(), agent_strategy()],
        price_strategy(),
        failures_strategy(),
        timeout_strategy(),
        "[a-z]{1,8}",
    )
        .prop_map(|(kind, price, failures, timeout, name)| {
            let mut w = workload(&name, price, kind);
            w.failures = failures;
            w.timeout = timeout;
            scenario(vec![w])
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn engine_matches_the_reference_in_distribution(s in scenario_strategy(), seed in any::<u64>()) {
        compare(&s, 2000, seed)?;
    }
}

#[test]
fn the_reference_workload_agrees_with_the_reference_implementation() {
    // The shape of benches/reference.toml, scaled down 20× in
    // sessions so the slow reference stays quick.
    let mut w = workload(
        "agent",
        price(0.57, 15.0),
        WorkloadKind::Agent(agent(
            Volume::PerPeriod(poisson(20.0)),
            geometric(25.0),
            lognormal(3000.0, 12_000.0),
            lognormal(600.0, 2500.0),
            context(0.0, 200_000.0, 20_000.0),
        )),
    );
    w.failures = failures(0.03, 3.0, Billed::Input);
    compare(&scenario(vec![w]), 3000, 7).unwrap();
}

#[test]
fn a_per_trial_distribution_is_resolved_each_trial() {
    // Input tokens lognormal with a median drawn per trial from
    // Uniform(500, 1500): the engine's mean spend matches the reference's
    // average over the same parameter distribution (drawn here by hand).
    let median = Value::PerTrial {
        dist: Box::new(Dist::Uniform { min: Value::Fixed(500.0), max: Value::Fixed(1500.0) }),
        domain: costintent_scenario::Domain::Positive,
    };
    let input = Draw::Dist(Dist::LogNormal(costintent_scenario::LogNormalParams::MedianP90 {
        median,
        p90: Value::Fixed(4000.0),
    }));
    let spec = requests(Volume::Fixed(50.0), input, c(0.0));
    let s = scenario(vec![workload("api", price(1.0, 1.0), WorkloadKind::Requests(spec))]);
    let o = run(&s, 4000, 3);
    // E[input] = E_m[m · exp(σ²/2)] with σ = ln(4000 / m) / z90, by
    // numerical integration over m.
    let z90 = costintent_scenario::convert::Z90;
    let steps = 10_000;
    let expected_input: f64 = (0..steps)
        .map(|i| {
            let m = 500.0 + 1000.0 * (f64::from(i) + 0.5) / f64::from(steps);
            let sigma = (4000.0 / m).ln() / z90;
            m * (sigma * sigma / 2.0).exp()
        })
        .sum::<f64>()
        / f64::from(steps);
    // Rounding to whole tokens moves the mean by less than 1/2 token.
    let per_request: Vec<f64> = o.workloads[0].spend.iter().map(|s| s / 50.0 * 1e6).collect();
    let tol = 5.0 * se(&per_request) + 0.5;
    assert!(
        (mean(&per_request) - expected_input).abs() < tol,
        "{} vs {expected_input}",
        mean(&per_request)
    );
    assert_eq!(o.clamped_draws, 0);
}
