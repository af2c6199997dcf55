//! The engine's determinism invariants (architecture.md): results depend on
//! the scenario, seed and trial indices only — not on the thread count —
//! and each workload's draws are keyed by its name.

// Test helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::common::*;
use costintent_scenario::{Billed, Scenario, Volume, WorkloadKind};
use costintent_sim::{Cancelled, EngineMode, Method, SimOptions, simulate};

/// A scenario that exercises every kind, failures, timeouts and a wallet.
fn mixed() -> Scenario {
    let mut p = price(3.0, 15.0);
    p.cache_read_per_mtok = Some(0.3);
    p.cache_write_5m_per_mtok = Some(3.75);
    let mut coding = agent(
        Volume::PerPeriod(poisson(20.0)),
        geometric(8.0),
        lognormal(3000.0, 12_000.0),
        lognormal(600.0, 2500.0),
        context(5000.0, 60_000.0, 10_000.0),
    );
    coding.cache = Some(cache(300.0, lognormal(20.0, 400.0)));
    let mut a = workload("agent", p.clone(), WorkloadKind::Agent(coding));
    a.failures = failures(0.05, 2.0, Billed::Partial);
    a.via = Some(0);

    let mut r = workload(
        "api",
        p,
        WorkloadKind::Requests(requests(
            Volume::PerPeriod(poisson(300.0)),
            lognormal(800.0, 3000.0),
            uniform(10.0, 400.0),
        )),
    );
    r.failures = failures(0.1, 3.0, Billed::Input);
    r.timeout = Some(timeout(30.0, lognormal(5.0, 40.0)));

    let img = workload(
        "images",
        price(0.0, 0.0),
        WorkloadKind::Image(image(Volume::PerPeriod(poisson(50.0)), c(1.0), 0.3, 0.04)),
    );
    let mut s = scenario(vec![a, r, img]);
    s.wallets = vec![wallet("prepaid", 25.0, 5.5, 0.8)];
    s
}

#[test]
fn identical_outcomes_on_1_2_and_7_threads() {
    let s = mixed();
    // 1,000 trials span several chunks of 256, so threads really interleave.
    let one = run_with(&s, 1000, 5, 1);
    let two = run_with(&s, 1000, 5, 2);
    let seven = run_with(&s, 1000, 5, 7);
    assert_eq!(one, two);
    assert_eq!(one, seven);
    assert_identities(&one);
    // Sanity: something random happened.
    assert!(var(&one.total) > 0.0);
}

#[test]
fn a_different_seed_gives_different_draws() {
    let s = mixed();
    let a = run(&s, 300, 5);
    let b = run(&s, 300, 6);
    let same = a.total.iter().zip(&b.total).filter(|(x, y)| x == y).count();
    assert_eq!(same, 0, "{same} trials identical across seeds");
}

#[test]
fn a_shard_draws_what_the_whole_run_draws() {
    let s = mixed();
    let whole = run(&s, 600, 5);
    let options = SimOptions {
        first_trial: 256,
        threads: 2,
        mode: EngineMode::Exact,
        ..SimOptions::new(100, 5)
    };
    let shard = simulate(&s, &options, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(shard.first_trial, 256);
    assert_eq!(shard.total[..], whole.total[256..356]);
    assert_eq!(shard.workloads[1].spend[..], whole.workloads[1].spend[256..356]);
}

/// Runs `mixed()` at 40 times its volume with compound sums.
fn compound(
    trials: u64,
    threads: usize,
    first_trial: u64,
    run_trials: u64,
) -> costintent_sim::Outcomes {
    let options = SimOptions {
        threads,
        first_trial,
        run_trials,
        scale: 40.0,
        mode: EngineMode::Compound,
        ..SimOptions::new(trials, 9)
    };
    simulate(&mixed(), &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

#[test]
fn compound_sums_are_identical_on_1_2_and_7_threads() {
    let one = compound(600, 1, 0, 0);
    assert!(
        one.methods
            .iter()
            .any(|m| matches!(m, Method::Fast { fast_trials, .. } if *fast_trials > 0)),
        "the fast path ran: {:?}",
        one.methods
    );
    assert_eq!(one, compound(600, 2, 0, 0));
    assert_eq!(one, compound(600, 7, 0, 0));
    assert_identities(&one);
}

#[test]
fn a_compound_shard_draws_what_the_whole_run_draws() {
    // The shard plans its pools from the whole run (`run_trials`), so it
    // makes the same choices and draws.
    let whole = compound(600, 2, 0, 0);
    let shard = compound(100, 2, 256, 600);
    assert_eq!(shard.total[..], whole.total[256..356]);
    for (a, b) in shard.workloads.iter().zip(&whole.workloads) {
        assert_eq!(a.spend[..], b.spend[256..356]);
        assert_eq!(a.lost[..], b.lost[256..356]);
    }
    assert_eq!(shard.methods.len(), whole.methods.len());
}

#[test]
fn adding_a_workload_leaves_the_others_alone() {
    let s = mixed();
    let base = run(&s, 300, 5);
    let mut more = s.clone();
    let extra = workload(
        "extra",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(Volume::PerPeriod(poisson(10.0)), c(10.0), c(10.0))),
    );
    more.workloads.insert(1, extra);
    let with = run(&more, 300, 5);
    assert_eq!(base.workloads[0], with.workloads[0]);
    assert_eq!(base.workloads[1], with.workloads[2]);
    assert_eq!(base.workloads[2], with.workloads[3]);
}

#[test]
fn renaming_a_workload_changes_its_draws() {
    let s = mixed();
    let base = run(&s, 300, 5);
    let mut renamed = s.clone();
    renamed.workloads[1].name = "api-v2".into();
    let r = run(&renamed, 300, 5);
    assert_ne!(base.workloads[1].spend, r.workloads[1].spend);
    // The other workloads keep their draws.
    assert_eq!(base.workloads[0].spend, r.workloads[0].spend);
}

#[test]
fn prices_do_not_change_usage_draws() {
    // Common random numbers: another model with other prices sees exactly
    // the same tokens, turns and attempts.
    let s = mixed();
    let base = run(&s, 200, 5);
    let mut cheaper = s.clone();
    cheaper.workloads[0].price = price(0.5, 2.0);
    let c = run(&cheaper, 200, 5);
    let (a, b) = (&base.workloads[0], &c.workloads[0]);
    assert_eq!(a.attempts, b.attempts);
    assert_eq!(a.requests, b.requests);
    assert_eq!(a.units[0].quantity, b.units[0].quantity);
    assert_ne!(a.spend, b.spend);
}

#[test]
fn failure_settings_do_not_change_token_draws() {
    // Usage and attempts are separate streams, so failure settings never
    // change how many sessions and turns a trial has.
    let s = mixed();
    let base = run(&s, 200, 5);
    let mut none = s.clone();
    none.workloads[0].failures = costintent_scenario::Failures::none();
    let n = run(&none, 200, 5);
    assert_eq!(base.workloads[0].requests, n.workloads[0].requests);
}

#[test]
fn progress_counts_every_trial_and_cancel_stops() {
    let s = mixed();
    let done = AtomicU64::new(0);
    let options = SimOptions { threads: 2, ..SimOptions::new(700, 1) };
    let progress = |n: u64| {
        done.fetch_add(n, Ordering::Relaxed);
    };
    simulate(&s, &options, &progress, &AtomicBool::new(false)).unwrap();
    assert_eq!(done.load(Ordering::Relaxed), 700);

    let cancel = AtomicBool::new(true);
    assert_eq!(simulate(&s, &options, &|_| {}, &cancel), Err(Cancelled));
}

#[test]
fn zero_trials_and_empty_scenarios_are_fine() {
    let s = mixed();
    let o = run(&s, 0, 1);
    assert_eq!(o.trials(), 0);
    assert_eq!(o.workloads.len(), 3);
    let empty = scenario(vec![]);
    let o = run(&empty, 10, 1);
    assert_eq!(o.total, vec![0.0; 10]);
}

#[test]
fn one_trial_at_a_time_gives_the_runs_totals() {
    // The bench hook runs the same code as a whole run.
    let s = mixed();
    let whole = run(&s, 40, 9);
    let engine = costintent_sim::Engine::new(&s);
    let mut scratch = engine.scratch();
    for trial in [0u64, 1, 17, 39] {
        let total = engine.trial_total(&mut scratch, 9, trial, 1.0);
        assert_eq!(total, whole.total[trial as usize]);
    }
    assert_eq!(costintent_sim::simulate_trial(&s, 9, 17, 1.0), whole.total[17]);
}

#[test]
fn cancel_stops_inside_a_huge_trial() {
    // One trial of 10^12 requests, every one simulated (probe row 4): the
    // cancel flag is checked inside the unit loops, so setting it after
    // 200 ms returns promptly rather than after hours.
    let s = scenario(vec![workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(Volume::Fixed(1e12), c(100.0), c(10.0))),
    )]);
    let options = SimOptions { threads: 1, mode: EngineMode::Exact, ..SimOptions::new(1, 1) };
    let cancel = AtomicBool::new(false);
    let started = std::time::Instant::now();
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            cancel.store(true, Ordering::Relaxed);
        });
        simulate(&s, &options, &|_| {}, &cancel)
    });
    assert_eq!(result, Err(Cancelled));
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
}

#[test]
fn batches_of_one_plan_add_up_to_the_run() {
    // A run made of batches (adaptive precision) with one plan is the run:
    // identical columns, also where trials are drawn as compound sums.
    for mode in [EngineMode::Exact, EngineMode::Compound] {
        let s = mixed();
        let engine = costintent_sim::Engine::new(&s);
        let whole = SimOptions { threads: 2, scale: 40.0, mode, ..SimOptions::new(900, 4) };
        let cancel = AtomicBool::new(false);
        let plans = engine.plan(&whole, &cancel);
        let all = engine.run_planned(&whole, &plans, &|_| {}, &cancel).unwrap();
        let mut batched = costintent_sim::Outcomes::default();
        for first in [0, 300, 600] {
            let batch = SimOptions { first_trial: first, trials: 300, ..whole };
            batched.append(engine.run_planned(&batch, &plans, &|_| {}, &cancel).unwrap());
        }
        assert_eq!(batched, all, "{mode:?}");
    }
}
