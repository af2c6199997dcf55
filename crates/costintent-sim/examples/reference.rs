//! Speed and agreement check on the reference workload
//! (benches/reference.toml, built here in Rust).
//!
//! ```text
//! cargo run --release -p costintent-sim --example reference -- [TRIALS] [THREADS...]
//! ```
//!
//! Prints trials per second for each thread count and the mean, p50, p90
//! and p99 of the total, to compare with the numpy peer
//! (`peer_numpy.py TRIALS 1`).

// Printing the measurements is this program's whole job.
#![allow(clippy::print_stdout)]

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use costintent_scenario::{
    AgentSpec, Billed, Context, Date, Dist, Draw, Failures, LogNormalParams, ModelPrice, Period,
    Scenario, Value, Volume, Workload, WorkloadKind,
};
use costintent_sim::{EngineMode, SimOptions, simulate};

fn reference() -> Scenario {
    let lognormal = |median: f64, p90: f64| {
        Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 {
            median: Value::Fixed(median),
            p90: Value::Fixed(p90),
        }))
    };
    let agent = AgentSpec {
        sessions: Volume::PerPeriod(Dist::Poisson { mean: Value::Fixed(400.0) }),
        turns: Draw::Dist(Dist::Geometric { mean: Value::Fixed(25.0) }),
        input: lognormal(3000.0, 12000.0),
        output: lognormal(600.0, 2500.0),
        context: Context { start: 0.0, window: 200_000.0, compact_to: 20_000.0 },
        compaction_cost: false,
        cache: None,
        tools: None,
        reasoning: None,
    };
    Scenario {
        name: "reference: agent team month".into(),
        period: Period { seconds: 30.0 * 86_400.0, text: "30d".into() },
        trials: Some(100_000),
        seed: 1,
        prices_date: Date::new(2026, 11, 1).expect("valid date"),
        budget: None,
        workloads: vec![Workload {
            name: "agent".into(),
            price_changes: Vec::new(),
            tokens_rescaled: None,
            price: ModelPrice {
                id: "ref/agent".into(),
                input_per_mtok: Some(0.57),
                output_per_mtok: Some(15.0),
                ..ModelPrice::default()
            },
            failures: Failures {
                rate: Value::Fixed(0.03),
                retries: Value::Fixed(3.0),
                billed: Billed::Input,
            },
            timeout: None,
            via: None,
            api_key: None,
            kind: WorkloadKind::Agent(agent),
        }],
        wallets: vec![],
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    // Type 7 (linear interpolation between order statistics), as numpy's default.
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let trials: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let threads: Vec<usize> = if args.len() > 1 {
        args[1..].iter().filter_map(|a| a.parse().ok()).collect()
    } else {
        vec![1, 2]
    };
    let scenario = reference();
    for &t in &threads {
        // Every unit simulated: this measures the unit-by-unit path.
        let options =
            SimOptions { threads: t, mode: EngineMode::Exact, ..SimOptions::new(trials, 1) };
        let start = Instant::now();
        let out =
            simulate(&scenario, &options, &|_| {}, &AtomicBool::new(false)).expect("not cancelled");
        let secs = start.elapsed().as_secs_f64();
        let mut total = out.total.clone();
        total.sort_by(f64::total_cmp);
        let n = total.len() as f64;
        let mean = total.iter().sum::<f64>() / n;
        let sd = (total.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let turns: f64 = out.workloads[0].requests.iter().sum();
        println!(
            "impl=costintent threads={t} N={trials} secs={secs:.3} trials_per_s={:.1} \
             turns_per_trial={:.1} mean={mean:.3} (se {:.3}) p50={:.3} p90={:.3} p99={:.3}",
            n / secs,
            turns / n,
            sd / n.sqrt(),
            quantile(&total, 0.5),
            quantile(&total, 0.9),
            quantile(&total, 0.99),
        );
    }
}
