//! Builders that keep the engine tests short: scenarios are built as Rust
//! structs with custom prices, without the catalog or the parser.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use costintent_scenario::{
    AgentSpec, Billed, Cache, CacheWritePrice, Choice, Context, Date, Dist, Draw, Failures,
    ImageSpec, LogNormalParams, Mode, ModelPrice, Period, RealtimeSpec, RequestsSpec, Scenario,
    Timeout, Value, VideoSpec, Volume, Wallet, Workload, WorkloadKind,
};
use costintent_sim::{EngineMode, Outcomes, SimOptions, Unit, WorkloadOutcome, simulate};

/// A model priced per 1M input and output tokens.
pub fn price(input: f64, output: f64) -> ModelPrice {
    ModelPrice {
        id: "test/model".into(),
        input_per_mtok: Some(input),
        output_per_mtok: Some(output),
        ..ModelPrice::default()
    }
}

/// A 30-day scenario with these workloads and no wallets.
pub fn scenario(workloads: Vec<Workload>) -> Scenario {
    Scenario {
        name: "test".into(),
        period: Period { seconds: 30.0 * 86_400.0, text: "30d".into() },
        trials: Some(100),
        seed: 42,
        prices_date: Date::new(2026, 11, 1).expect("valid date"),
        budget: None,
        workloads,
        wallets: vec![],
    }
}

/// A workload without failures, timeout or wallet.
pub fn workload(name: &str, price: ModelPrice, kind: WorkloadKind) -> Workload {
    Workload {
        name: name.into(),
        price,
        price_changes: Vec::new(),
        tokens_rescaled: None,
        failures: Failures::none(),
        timeout: None,
        via: None,
        api_key: None,
        kind,
    }
}

/// `failures = { rate, retries, billed }`.
pub fn failures(rate: f64, retries: f64, billed: Billed) -> Failures {
    Failures { rate: Value::Fixed(rate), retries: Value::Fixed(retries), billed }
}

/// `timeout = { after, latency }`.
pub fn timeout(after: f64, latency: Draw) -> Timeout {
    Timeout { after_seconds: after, latency }
}

/// A constant draw.
pub fn c(x: f64) -> Draw {
    Draw::Const(x)
}

/// `{ dist = "lognormal", median, p90 }`.
pub fn lognormal(median: f64, p90: f64) -> Draw {
    Draw::Dist(lognormal_dist(median, p90))
}

/// The bare lognormal distribution.
pub fn lognormal_dist(median: f64, p90: f64) -> Dist {
    Dist::LogNormal(LogNormalParams::MedianP90 {
        median: Value::Fixed(median),
        p90: Value::Fixed(p90),
    })
}

/// `{ dist = "uniform", min, max }`.
pub fn uniform(min: f64, max: f64) -> Draw {
    Draw::Dist(Dist::Uniform { min: Value::Fixed(min), max: Value::Fixed(max) })
}

/// `{ dist = "poisson", mean }`.
pub fn poisson(mean: f64) -> Dist {
    Dist::Poisson { mean: Value::Fixed(mean) }
}

/// `{ dist = "geometric", mean }`.
pub fn geometric(mean: f64) -> Draw {
    Draw::Dist(Dist::Geometric { mean: Value::Fixed(mean) })
}

/// `{ dist = "choice", values, weights }`.
pub fn choice(values: &[f64], weights: &[f64]) -> Dist {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut cumulative: Vec<f64> = weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect();
    if let Some(last) = cumulative.last_mut() {
        *last = 1.0;
    }
    Dist::Choice(Arc::new(Choice { values: values.to_vec(), cumulative }))
}

/// A `requests` workload with standard prices and no cache or reasoning.
pub fn requests(volume: Volume, input: Draw, output: Draw) -> RequestsSpec {
    RequestsSpec {
        requests: volume,
        input,
        output,
        reasoning: None,
        cached: Value::Fixed(0.0),
        mode: Mode::Standard,
    }
}

/// An agent workload without cache, tools or reasoning.
pub fn agent(
    sessions: Volume,
    turns: Draw,
    input: Draw,
    output: Draw,
    context: Context,
) -> AgentSpec {
    AgentSpec {
        sessions,
        turns,
        input,
        output,
        context,
        compaction_cost: false,
        cache: None,
        tools: None,
        reasoning: None,
    }
}

/// `context = { start, window, compact_to }`.
pub fn context(start: f64, window: f64, compact_to: f64) -> Context {
    Context { start, window, compact_to }
}

/// `cache = { ttl, gap }` at the 5-minute write price.
pub fn cache(ttl: f64, gap: Draw) -> Cache {
    Cache { ttl_seconds: ttl, write_price: CacheWritePrice::FiveMinutes, gap }
}

/// An image workload at `usd_per_image`.
pub fn image(volume: Volume, n: Draw, regenerate: f64, usd_per_image: f64) -> ImageSpec {
    ImageSpec {
        requests: volume,
        size: "1024x1024".into(),
        quality: "medium".into(),
        n,
        regenerate: Value::Fixed(regenerate),
        usd_per_image,
    }
}

/// A video workload at `usd_per_second`, without polls.
pub fn video(volume: Volume, seconds: Draw, usd_per_second: f64) -> VideoSpec {
    VideoSpec {
        requests: volume,
        seconds,
        resolution: "720p".into(),
        audio: false,
        poll: None,
        usd_per_second,
    }
}

/// A realtime workload.
pub fn realtime(
    volume: Volume,
    minutes: Draw,
    turns_per_minute: f64,
    user_share: f64,
) -> RealtimeSpec {
    RealtimeSpec {
        sessions: volume,
        minutes,
        turns_per_minute: Value::Fixed(turns_per_minute),
        user_share: Value::Fixed(user_share),
    }
}

/// A wallet.
pub fn wallet(name: &str, topup: f64, fee_percent: f64, fee_min: f64) -> Wallet {
    Wallet {
        name: name.into(),
        credit_usd: 1.0,
        fee_percent,
        fee_min,
        topup,
        usage_fee_percent: 0.0,
        usage_fee_free_requests_per_month: 0.0,
    }
}

/// Runs `trials` trials with `seed` on `threads` threads.
pub fn run_with(s: &Scenario, trials: u64, seed: u64, threads: usize) -> Outcomes {
    let options = SimOptions { threads, ..SimOptions::new(trials, seed) };
    simulate(s, &options, &|_| {}, &AtomicBool::new(false)).expect("not cancelled")
}

/// Runs `trials` trials with `seed` on 2 threads.
///
/// Every unit of every trial is simulated (`EngineMode::Exact`): these tests state
/// what the unit-by-unit rules bill. `run_compound` runs the fast path.
pub fn run(s: &Scenario, trials: u64, seed: u64) -> Outcomes {
    let options =
        SimOptions { threads: 2, mode: EngineMode::Exact, ..SimOptions::new(trials, seed) };
    simulate(s, &options, &|_| {}, &AtomicBool::new(false)).expect("not cancelled")
}

/// Runs `trials` trials drawing every workload as compound sums where that
/// is accurate (`EngineMode::Compound`), and checks that it was.
pub fn run_compound(s: &Scenario, trials: u64, seed: u64) -> Outcomes {
    let options =
        SimOptions { threads: 2, mode: EngineMode::Compound, ..SimOptions::new(trials, seed) };
    let o = simulate(s, &options, &|_| {}, &AtomicBool::new(false)).expect("not cancelled");
    for (w, method) in o.workloads.iter().zip(&o.methods) {
        assert!(
            matches!(method, costintent_sim::Method::Fast { .. }),
            "workload `{}` was not drawn as a compound sum: {method:?}",
            w.name
        );
    }
    o
}

/// Sample mean.
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample variance (n − 1 denominator).
pub fn var(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0)
}

/// Standard error of the sample mean.
pub fn se(x: &[f64]) -> f64 {
    (var(x) / x.len() as f64).sqrt()
}

/// Asserts `|mean(x) − want| ≤ 5 standard errors` (plus a hair for exact
/// cases where the standard error is 0).
pub fn assert_mean(x: &[f64], want: f64, what: &str) {
    let (m, e) = (mean(x), se(x));
    let tol = 5.0 * e + 1e-9 * want.abs().max(1e-9);
    assert!((m - want).abs() <= tol, "{what}: mean {m} vs {want} (5 SE = {})", 5.0 * e);
}

/// Asserts every element equals `want` to 1e-12 relative.
pub fn assert_all(x: &[f64], want: f64, what: &str) {
    for (i, v) in x.iter().enumerate() {
        assert!(
            (v - want).abs() <= 1e-12 * want.abs().max(1e-300),
            "{what}: trial {i} gave {v}, want {want}"
        );
    }
}

/// The quantity column of a unit, panicking if the workload does not list it.
pub fn quantity(w: &WorkloadOutcome, unit: Unit) -> &[f64] {
    &w.units.iter().find(|u| u.unit == unit).unwrap_or_else(|| panic!("no {unit:?}")).quantity
}

/// The USD column of a unit.
pub fn usd(w: &WorkloadOutcome, unit: Unit) -> &[f64] {
    &w.units.iter().find(|u| u.unit == unit).unwrap_or_else(|| panic!("no {unit:?}")).usd
}

/// Checks the accounting identities of every trial: a workload's spend is
/// the sum of its units' USD, waste is at most spend, and the total is the
/// workloads' spend plus the wallets' fees.
pub fn assert_identities(o: &Outcomes) {
    for t in 0..o.trials() {
        let mut total = 0.0;
        for w in &o.workloads {
            let units: f64 = w.units.iter().map(|u| u.usd[t]).sum();
            assert!((units - w.spend[t]).abs() <= 1e-9 * w.spend[t].abs().max(1.0), "{}", w.name);
            assert!(w.waste[t] <= w.spend[t] * (1.0 + 1e-12) + 1e-12, "{}", w.name);
            assert!(w.lost[t] <= w.requests[t] && w.requests[t] <= w.attempts[t]);
            total += w.spend[t];
        }
        for wallet in &o.wallets {
            total += wallet.purchase_fees[t] + wallet.usage_fees[t];
        }
        assert!((total - o.total[t]).abs() <= 1e-9 * total.abs().max(1.0));
    }
}
