//! The closed forms again, with every workload drawn as compound sums
//! (`EngineMode::Compound`, checked by `run_compound`): the fast path must bill
//! what the unit-by-unit rules bill. Where units are identical the sum is
//! exact to the cent; where they vary, means agree within 5 standard errors
//! of the trials plus the pool's own relative standard error (at most 1e-3,
//! so 3 of those are allowed on top).
//!
//! Per-trial identities between random units (such as "each trial's reads
//! equal 1,500 per extra attempt") hold only unit by unit; they stay in
//! `closed_forms.rs`, which runs every unit.

#![allow(clippy::unwrap_used)]

use crate::common::*;
use costintent_scenario::{Billed, Value, Volume, WorkloadKind};
use costintent_sim::{Method, Unit};

/// `x`'s mean is `want` within 5 standard errors and 3 pool errors.
fn assert_close(x: &[f64], want: f64, what: &str) {
    let m = mean(x);
    let tol = 5.0 * se(x) + 3e-3 * want.abs() + 1e-12;
    assert!((m - want).abs() <= tol, "{what}: mean {m}, want {want} (±{tol})");
}

#[test]
fn identical_requests_sum_to_exact_dollars() {
    let spec = requests(Volume::Fixed(100_000.0), c(1000.0), c(200.0));
    let s = scenario(vec![workload("api", price(3.0, 15.0), WorkloadKind::Requests(spec))]);
    let o = run_compound(&s, 20, 1);
    let w = &o.workloads[0];
    // 100,000 × (1000 × $3 + 200 × $15) / 1M = $600.
    assert_all(&w.spend, 600.0, "spend");
    assert_all(quantity(w, Unit::InputTokens), 1e8, "input tokens");
    assert_all(&w.requests, 100_000.0, "requests");
    assert_all(&w.waste, 0.0, "waste");
    match &o.methods[0] {
        Method::Fast { fast_trials, .. } => assert_eq!(*fast_trials, 20, "every trial summed"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn failures_match_the_closed_forms_as_sums() {
    // p = 0.3, 2 retries, $0.001 input and $0.001 output per attempt.
    let (p, k) = (0.3_f64, 2);
    let n = 50_000.0;
    for billed in [Billed::None, Billed::Input, Billed::Full, Billed::Partial] {
        let mut w = workload(
            "api",
            price(1.0, 10.0),
            WorkloadKind::Requests(requests(Volume::Fixed(n), c(1000.0), c(100.0))),
        );
        w.failures = failures(p, f64::from(k), billed);
        let o = run_compound(&scenario(vec![w]), 400, 8);
        let w = &o.workloads[0];
        let attempts = (1.0 - p.powi(k + 1)) / (1.0 - p);
        let lost = p.powi(k + 1);
        let failed = attempts - (1.0 - lost);
        let per_failed = match billed {
            Billed::None => 0.0,
            Billed::Input => 0.001,
            Billed::Full => 0.002,
            Billed::Partial => 0.0015,
        };
        let waste = failed * per_failed;
        let spend = (1.0 - lost) * 0.002 + waste;
        assert_close(&w.attempts, n * attempts, &format!("{billed:?} attempts"));
        assert_close(&w.lost, n * lost, &format!("{billed:?} lost"));
        assert_close(&w.spend, n * spend, &format!("{billed:?} spend"));
        assert_close(&w.waste, n * waste, &format!("{billed:?} waste"));
        assert_identities(&o);
    }
}

#[test]
fn agent_sessions_sum_to_their_exact_prompts() {
    // 10,000 identical sessions of 5 turns: prompts 1500 … 5900 each.
    let spec =
        agent(Volume::Fixed(10_000.0), c(5.0), c(1000.0), c(100.0), context(500.0, 1e6, 1.0));
    let s = scenario(vec![workload("agent", price(3.0, 15.0), WorkloadKind::Agent(spec))]);
    let o = run_compound(&s, 10, 10);
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::InputTokens), 10_000.0 * 18_500.0, "prompt tokens");
    assert_all(&w.spend, 10_000.0 * (18_500.0 * 3.0 + 500.0 * 15.0) / 1e6, "spend");
    assert_all(&w.requests, 50_000.0, "turns");
}

#[test]
fn agent_cache_with_random_gaps_matches_the_closed_form() {
    // Gaps uniform on [0, 600) s under a 300 s TTL: turns 2–5 each find the
    // cache alive with probability 1/2. Alive: read the previous prompt,
    // write the 1,100 new tokens; expired: write the whole prompt.
    let mut p = price(3.0, 15.0);
    p.cache_read_per_mtok = Some(0.3);
    p.cache_write_5m_per_mtok = Some(3.75);
    let mut spec =
        agent(Volume::Fixed(20_000.0), c(5.0), c(1000.0), c(100.0), context(500.0, 1e6, 1.0));
    spec.cache = Some(cache(300.0, uniform(0.0, 600.0)));
    let o = run_compound(&scenario(vec![workload("agent", p, WorkloadKind::Agent(spec))]), 200, 11);
    let w = &o.workloads[0];
    let prompts = [1500.0, 2600.0, 3700.0, 4800.0, 5900.0];
    let reads: f64 = prompts.windows(2).map(|p| 0.5 * p[0]).sum();
    let writes: f64 = prompts[0] + prompts[1..].iter().map(|p| 0.5 * p + 0.5 * 1100.0).sum::<f64>();
    assert_close(quantity(w, Unit::CacheReadTokens), 20_000.0 * reads, "reads");
    assert_close(quantity(w, Unit::CacheWriteTokens), 20_000.0 * writes, "writes");
}

#[test]
fn poisson_sessions_have_the_compound_variance() {
    // Poisson(2,000) sessions of exactly $1 each: spend is Poisson, mean and
    // variance 2,000 (the volume is drawn exactly; each unit is constant).
    let spec =
        agent(Volume::PerPeriod(poisson(2000.0)), c(1.0), c(1e6), c(0.0), context(0.0, 1e9, 1.0));
    let s = scenario(vec![workload("agent", price(1.0, 0.0), WorkloadKind::Agent(spec))]);
    let n = 4000;
    let o = run_compound(&s, n, 12);
    let spend = &o.workloads[0].spend;
    assert_close(spend, 2000.0, "mean");
    let se_var = ((2000.0 + 2.0 * 2000.0f64.powi(2)) / n as f64).sqrt();
    assert!((var(spend) - 2000.0).abs() < 5.0 * se_var, "variance {}", var(spend));
}

#[test]
fn a_per_trial_failure_rate_is_interpolated_correctly() {
    // The rate is drawn per trial from Uniform(0, 0.2), so pools are
    // simulated on a grid of rates; with 1 retry billed "input", a request
    // has 1 + r attempts and r + r² failed ones on average, each wasting its
    // $0.001 of input: E[1 + r] = 1.1, E[r + r²] = 0.1 + 0.04 / 3.
    let mut w = workload(
        "api",
        price(1.0, 0.0),
        WorkloadKind::Requests(requests(Volume::Fixed(20_000.0), c(1000.0), c(0.0))),
    );
    w.failures.rate = Value::PerTrial {
        dist: Box::new(costintent_scenario::Dist::Uniform {
            min: Value::Fixed(0.0),
            max: Value::Fixed(0.2),
        }),
        domain: costintent_scenario::Domain::Probability,
    };
    w.failures.retries = Value::Fixed(1.0);
    w.failures.billed = Billed::Input;
    let o = run_compound(&scenario(vec![w]), 2000, 13);
    let a = &o.workloads[0];
    assert_close(&a.attempts, 20_000.0 * 1.1, "attempts");
    assert_close(&a.waste, 20_000.0 * (0.1 + 0.04 / 3.0) * 0.001, "waste");
    // E[r²] = 0.04 / 3: requests lost when both attempts fail.
    assert_close(&a.lost, 20_000.0 * 0.04 / 3.0, "lost");
}

#[test]
fn images_with_regenerations_as_sums() {
    let spec = image(Volume::Fixed(50_000.0), c(2.0), 0.5, 0.04);
    let o = run_compound(
        &scenario(vec![workload("img", price(0.0, 0.0), WorkloadKind::Image(spec))]),
        400,
        14,
    );
    let w = &o.workloads[0];
    assert_close(&w.requests, 100_000.0, "requests with regenerations");
    assert_close(&w.spend, 100_000.0 * 2.0 * 0.04, "image spend");
}
