//! The fast path against the unit-by-unit path, on every bundled scenario
//! at ×1, ×10 and ×100 and on scenarios whose token medians, failure rates,
//! cache shares and volumes are drawn per trial.
//!
//! The rule: the fast path's mean, p50, p90 and p99 of total spend, and each
//! workload's spend, waste, attempts, requests, lost requests and per-unit
//! quantity and USD means, differ from the exact path's by at most the 95%
//! margin of the difference of two Monte Carlo estimates (both runs have
//! their own sampling error: `1.96 · √(se_fast² + se_exact²)` for means,
//! half the sum of the two order-statistic intervals' widths for
//! percentiles), widened by 0.5% of the value (and 0.05 of a request for
//! counts that are almost always 0).
//!
//! The exact runs must stay affordable in CI, so the trial count falls as
//! the volume grows (a few dozen trials at ×100); a percentile is compared
//! only where at least 10 trials lie beyond it (so the p99 needs 1,000
//! trials), because below that its order-statistic interval means nothing.
//! `benches/fast_vs_exact.sh` repeats the comparison with 2,000 trials at
//! every scale in a release build, p99 included.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::atomic::AtomicBool;

use costintent_scenario::{Catalog, Date, LoadOptions, Scenario, load_str};
use costintent_sim::{EngineMode, Method, Outcomes, SimOptions, simulate};

/// Engine work (requests simulated) an exact run of the test may take.
const WORK: f64 = 2e6;

fn load(name: &str, text: &str) -> Scenario {
    let catalog = Catalog::embedded();
    let options =
        LoadOptions { catalog: &catalog, today: Date::new(2026, 11, 29).unwrap(), overrides: &[] };
    match load_str(name, text, &options) {
        Ok(checked) => checked.scenario,
        Err(d) => panic!("{name}: {d:?}"),
    }
}

fn run(s: &Scenario, trials: u64, scale: f64, mode: EngineMode) -> Outcomes {
    let options = SimOptions { scale, mode, threads: 2, ..SimOptions::new(trials, s.seed) };
    simulate(s, &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

/// Trials `first ..` (`count` of them) of an exact run of `trials` trials.
fn exact_part(s: &Scenario, first: u64, count: u64, trials: u64, scale: f64) -> Outcomes {
    let options = SimOptions {
        scale,
        mode: EngineMode::Exact,
        threads: 1,
        first_trial: first,
        run_trials: trials,
        ..SimOptions::new(count, s.seed)
    };
    simulate(s, &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

/// The exact run of `trials` trials, of which `probe` holds the first ones.
///
/// A trial's draws depend only on the seed and its index (what shards and
/// `--threads` rely on, and `tests/determinism.rs` checks), so this is the
/// run made in one piece; but the probe's trials are not drawn twice, and
/// the rest is drawn in two halves on two threads. In one piece, a run of
/// fewer than 256 trials (every run at ×100) is one chunk of the engine,
/// which gets one thread.
fn exact_after(s: &Scenario, mut probe: Outcomes, trials: u64, scale: f64) -> Outcomes {
    let done = probe.trials() as u64;
    let rest = trials.saturating_sub(done);
    let half = rest / 2;
    let (first, second) = std::thread::scope(|threads| {
        let first = threads.spawn(|| exact_part(s, done, half, trials, scale));
        let second = exact_part(s, done + half, rest - half, trials, scale);
        (first.join().unwrap(), second)
    });
    probe.append(first);
    probe.append(second);
    probe
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn se(x: &[f64]) -> f64 {
    let m = mean(x);
    let n = x.len() as f64;
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0) / n).sqrt()
}

/// The 95% interval of the `p` quantile (type 1) from order statistics.
fn quantile_ci(x: &[f64], p: f64) -> (f64, f64, f64) {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    let at = |k: f64| s[(k.clamp(1.0, n) as usize) - 1];
    let half = 1.96 * (n * p * (1.0 - p)).sqrt();
    (at((n * p).ceil()), at((n * p - half).floor()), at((n * p + half).ceil()))
}

fn check_mean(fast: &[f64], exact: &[f64], slack: f64, what: &str, failures: &mut Vec<String>) {
    let (m, got) = (mean(exact), mean(fast));
    let margin = 1.96 * (se(exact).powi(2) + se(fast).powi(2)).sqrt() + 0.005 * m.abs() + slack;
    if (got - m).abs() > margin {
        failures.push(format!("{what}: fast mean {got}, exact {m}, margin {margin}"));
    }
}

fn compare(name: &str, fast: &Outcomes, exact: &Outcomes, failures: &mut Vec<String>) {
    check_mean(&fast.total, &exact.total, 0.0, &format!("{name} total"), failures);
    let n = exact.total.len() as f64;
    for p in [0.5, 0.9, 0.99] {
        if n * (1.0 - p) < 10.0 {
            continue;
        }
        let (want, lo, hi) = quantile_ci(&exact.total, p);
        let (got, flo, fhi) = quantile_ci(&fast.total, p);
        let margin = 0.5 * ((hi - lo) + (fhi - flo)) + 0.005 * want.abs();
        if (got - want).abs() > margin {
            failures
                .push(format!("{name} p{}: fast {got}, exact {want}, margin {margin}", p * 100.0));
        }
    }
    for (f, e) in fast.workloads.iter().zip(&exact.workloads) {
        let w = format!("{name}/{}", f.name);
        check_mean(&f.spend, &e.spend, 0.0, &format!("{w} spend"), failures);
        check_mean(&f.waste, &e.waste, 0.0, &format!("{w} waste"), failures);
        check_mean(&f.attempts, &e.attempts, 0.05, &format!("{w} attempts"), failures);
        check_mean(&f.requests, &e.requests, 0.05, &format!("{w} requests"), failures);
        check_mean(&f.lost, &e.lost, 0.05, &format!("{w} lost"), failures);
        for (fu, eu) in f.units.iter().zip(&e.units) {
            let u = format!("{w} {:?}", fu.unit);
            check_mean(&fu.quantity, &eu.quantity, 0.0, &format!("{u} quantity"), failures);
            check_mean(&fu.usd, &eu.usd, 0.0, &format!("{u} usd"), failures);
        }
    }
}

/// Compares the two paths at each scale; returns how many workload runs
/// were drawn as sums, so the test can insist the fast path was exercised.
fn fast_matches_exact(name: &str, s: &Scenario, failures: &mut Vec<String>) -> u64 {
    let mut summed = 0;
    for scale in [1.0, 10.0, 100.0] {
        // The work of one trial, from a few exact trials.
        let probe = run(s, 4, scale, EngineMode::Exact);
        let per_trial: f64 =
            probe.workloads.iter().map(|w| mean(&w.requests) + 1.0).sum::<f64>().max(1.0);
        let trials = (WORK / per_trial).clamp(40.0, 2000.0) as u64;
        let exact = exact_after(s, probe, trials, scale);
        let fast = run(s, trials, scale, EngineMode::Compound);
        summed += fast
            .methods
            .iter()
            .filter(|m| matches!(m, Method::Fast { fast_trials, .. } if *fast_trials > 0))
            .count() as u64;
        compare(&format!("{name} ×{scale} ({trials} trials)"), &fast, &exact, failures);
    }
    summed
}

#[test]
fn bundled_scenarios_agree_at_every_scale() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 8, "bundled scenarios: {names:?}");
    let mut failures = Vec::new();
    let mut summed = 0;
    for path in &names {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        summed += fast_matches_exact(&name, &load(&name, &text), &mut failures);
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert!(summed >= 20, "the fast path ran in only {summed} workload runs");
}

/// Scenarios whose unit distributions change from trial to trial.
const PER_TRIAL: &[(&str, &str)] = &[
    (
        "token-median",
        r#"[scenario]
name = "t"
prices = "2026-11-01"
seed = 5
[[workload]]
name = "chat"
kind = "requests"
model = "openai/gpt-5-mini"
requests = { per = "day", mean = 2000 }
input = { dist = "lognormal", median = { dist = "uniform", min = 500, max = 3000 }, p90 = 8000 }
output = { dist = "lognormal", median = 300, p90 = 1200 }
"#,
    ),
    (
        "failure-rate",
        r#"[scenario]
name = "t"
prices = "2026-11-01"
seed = 6
[[workload]]
name = "agent"
kind = "agent"
model = "anthropic/claude-sonnet-4-6"
sessions = { per = "day", mean = 30 }
turns = { dist = "negbin", mean = 12, p90 = 30 }
input = { dist = "lognormal", median = 2000, p90 = 8000 }
output = { dist = "lognormal", median = 500, p90 = 2000 }
context = { start = 10000, window = 200000, compact_to = 20000 }
cache = { ttl = "5m", gap = { dist = "lognormal", median = "30s", p90 = "6m" } }
failures = { rate = { dist = "beta", mean = 0.05, sd = 0.03 }, retries = 2, billed = "input" }
"#,
    ),
    (
        "cache-share",
        r#"[scenario]
name = "t"
prices = "2026-11-01"
seed = 7
[[workload]]
name = "chat"
kind = "requests"
model = "openai/gpt-5-mini"
requests = { per = "day", dist = "negbin", mean = 3000, p90 = 4500 }
input = { dist = "lognormal", median = 1500, p90 = 6000 }
output = { dist = "lognormal", median = 300, p90 = 1000 }
cached = { dist = "beta", mean = 0.4, sd = 0.15 }
"#,
    ),
    (
        "volume",
        r#"[scenario]
name = "t"
prices = "2026-11-01"
seed = 8
[[workload]]
name = "chat"
kind = "requests"
model = "openai/gpt-5-mini"
requests = { per = "day", mean = { dist = "gamma", mean = 4000, sd = 1500 } }
input = { dist = "lognormal", median = 1500, p90 = 6000 }
output = { dist = "lognormal", median = 300, p90 = 1000 }
failures = { rate = 0.02, retries = 1, billed = "none" }
"#,
    ),
];

#[test]
fn per_trial_parameters_agree_at_every_scale() {
    let mut failures = Vec::new();
    let mut summed = 0;
    for (name, text) in PER_TRIAL {
        summed += fast_matches_exact(name, &load(name, text), &mut failures);
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert!(summed >= 10, "the fast path ran in only {summed} workload runs");
}
