//! A traced trial lists every attempt, and its attempts add up to what the
//! trial billed in any run: quantities exactly, dollars to rounding.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::AtomicBool;

use crate::common::*;
use costintent_scenario::{Billed, Scenario, Volume, WorkloadKind};
use costintent_sim::{AttemptStatus, Engine, EngineMode, SimOptions, Unit, simulate};

fn check(s: &Scenario, trials: u64, seed: u64) {
    let options =
        SimOptions { mode: EngineMode::Exact, threads: 1, ..SimOptions::new(trials, seed) };
    let run = simulate(s, &options, &|_| {}, &AtomicBool::new(false)).unwrap();
    let engine = Engine::new(s);
    for trial in 0..trials {
        let attempts = engine.trace(seed, trial, 1.0);
        let t = trial as usize;
        for (i, w) in run.workloads.iter().enumerate() {
            let mine: Vec<_> = attempts.iter().filter(|a| a.workload == i).collect();
            let calls = mine.iter().filter(|a| a.status != AttemptStatus::Compaction).count();
            assert_eq!(calls as f64, w.attempts[t], "{} attempts, trial {trial}", w.name);
            let requests: std::collections::BTreeSet<u64> = mine
                .iter()
                .filter(|a| a.status != AttemptStatus::Compaction)
                .map(|a| a.request)
                .collect();
            assert_eq!(requests.len() as f64, w.requests[t], "{} requests", w.name);
            let usd: f64 = mine.iter().map(|a| a.usd).sum();
            assert!(
                (usd - w.spend[t]).abs() <= 1e-9 * w.spend[t].abs().max(1.0),
                "{} spend: trace {usd}, run {}",
                w.name,
                w.spend[t]
            );
            for series in &w.units {
                let q: f64 = mine
                    .iter()
                    .flat_map(|a| a.quantities.iter())
                    .filter(|(u, _)| *u == series.unit)
                    .map(|(_, x)| x)
                    .sum();
                let want = series.quantity[t];
                assert!(
                    (q - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "{} {:?}: trace {q}, run {want}",
                    w.name,
                    series.unit
                );
            }
            let lost = mine
                .iter()
                .filter(|a| a.status != AttemptStatus::Compaction)
                .fold(std::collections::BTreeMap::new(), |mut m, a| {
                    let ok = m.entry(a.request).or_insert(false);
                    *ok |= a.status == AttemptStatus::Ok;
                    m
                })
                .values()
                .filter(|ok| !**ok)
                .count();
            assert_eq!(lost as f64, w.lost[t], "{} lost", w.name);
        }
    }
}

#[test]
fn traces_add_up_to_the_trial() {
    // Every kind, failures billed each way, timeouts, a cache with
    // compaction, a rejection limit.
    let mut p = price(3.0, 15.0);
    p.cache_read_per_mtok = Some(0.3);
    p.cache_write_5m_per_mtok = Some(3.75);
    p.reject_above = Some(40_000.0);
    let mut coding = agent(
        Volume::PerPeriod(poisson(8.0)),
        geometric(10.0),
        lognormal(3000.0, 12_000.0),
        lognormal(600.0, 2500.0),
        context(5000.0, 50_000.0, 8000.0),
    );
    coding.cache = Some(cache(300.0, lognormal(20.0, 400.0)));
    coding.compaction_cost = true;
    let mut a = workload("agent", p.clone(), WorkloadKind::Agent(coding));
    a.failures = failures(0.2, 2.0, Billed::Input);

    let mut r = workload(
        "api",
        price(1.0, 4.0),
        WorkloadKind::Requests(requests(
            Volume::PerPeriod(poisson(60.0)),
            lognormal(800.0, 3000.0),
            uniform(10.0, 400.0),
        )),
    );
    r.failures = failures(0.2, 2.0, Billed::Partial);
    r.timeout = Some(timeout(30.0, lognormal(5.0, 60.0)));

    let img = workload(
        "images",
        price(0.0, 0.0),
        WorkloadKind::Image(image(Volume::PerPeriod(poisson(20.0)), c(2.0), 0.4, 0.04)),
    );
    let mut spec = video(Volume::PerPeriod(poisson(10.0)), c(8.0), 0.1);
    spec.poll = Some(costintent_scenario::Poll { every_seconds: 5.0, usd_per_poll: 0.001 });
    let mut v = workload("clips", price(0.0, 0.0), WorkloadKind::Video(spec));
    v.timeout = Some(timeout(40.0, lognormal(30.0, 90.0)));
    v.failures = failures(0.1, 1.0, Billed::Full);

    check(&scenario(vec![a, r, img, v]), 40, 3);
}

#[test]
fn a_trace_marks_rejected_requests_and_compactions() {
    let mut p = price(3.0, 15.0);
    p.reject_above = Some(4000.0);
    let mut spec = one_session_spec();
    spec.compaction_cost = true;
    let s = scenario(vec![workload("agent", p, WorkloadKind::Agent(spec))]);
    let attempts = Engine::new(&s).trace(1, 0, 1.0);
    let statuses: Vec<AttemptStatus> = attempts.iter().map(|a| a.status).collect();
    // Prompts 1500, 2600, 3700, then 4800 > 4000 is rejected, twice.
    assert_eq!(
        statuses,
        [
            AttemptStatus::Ok,
            AttemptStatus::Ok,
            AttemptStatus::Ok,
            AttemptStatus::Rejected,
            AttemptStatus::Rejected
        ]
    );
    assert_eq!(attempts[3].usd, 0.0);
    assert!(attempts[0].quantities.contains(&(Unit::InputTokens, 1500.0)));
}

fn one_session_spec() -> costintent_scenario::AgentSpec {
    agent(Volume::Fixed(1.0), c(5.0), c(1000.0), c(100.0), context(500.0, 1e6, 1000.0))
}

/// Mean arrival (in days) of a trace's units, and how many there were.
fn arrivals(s: &Scenario, trial: u64) -> (f64, usize) {
    let attempts = Engine::new(s).trace(5, trial, 1.0);
    let mut units = std::collections::BTreeMap::new();
    for a in &attempts {
        assert!((0.0..30.0).contains(&a.at_days), "arrival {} outside the period", a.at_days);
        let at = units.entry(a.unit).or_insert(a.at_days);
        assert_eq!(*at, a.at_days, "a unit's attempts share its arrival");
    }
    let n = units.len();
    (units.values().sum::<f64>() / n.max(1) as f64, n)
}

#[test]
fn a_trace_dates_units_over_the_period() {
    // A constant rate: uniform over the 30 days, mean 15 (sd 30/√12/√n).
    let flat = |volume| {
        scenario(vec![workload(
            "api",
            price(1.0, 4.0),
            WorkloadKind::Requests(requests(volume, c(100.0), c(10.0))),
        )])
    };
    let (mean, n) = arrivals(&flat(Volume::Fixed(3000.0)), 0);
    assert_eq!(n, 3000);
    let sd = 30.0 / 12f64.sqrt() / (n as f64).sqrt();
    assert!((mean - 15.0).abs() < 4.0 * sd, "mean arrival {mean}");
    // A ramp from 0 to 100 a day: day i weighs i, so the mean arrival is
    // Σ i·(i + 0.5) / Σ i over i < 30 = 20.17 days.
    let ramp = costintent_scenario::RateProfile {
        per: costintent_scenario::TimeUnit::Day,
        days: 30.0,
        shape: costintent_scenario::RateShape::Ramp {
            from: costintent_scenario::Value::Fixed(0.0),
            to: costintent_scenario::Value::Fixed(100.0),
        },
        count: costintent_scenario::DayCount::Exact,
    };
    let (mean, n) = arrivals(&flat(Volume::Profile(ramp)), 1);
    let weights: Vec<f64> = (0..30).map(f64::from).collect();
    let want = weights.iter().enumerate().map(|(i, w)| w * (i as f64 + 0.5)).sum::<f64>()
        / weights.iter().sum::<f64>();
    assert!(
        (mean - want).abs() < 4.0 * 30.0 / 12f64.sqrt() / (n as f64).sqrt(),
        "{mean} vs {want}"
    );
    // Another trial dates its units differently.
    assert_ne!(
        arrivals(&flat(Volume::Fixed(3000.0)), 1).0,
        arrivals(&flat(Volume::Fixed(3000.0)), 0).0
    );
}
