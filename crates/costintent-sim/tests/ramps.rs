//! Volumes whose rate changes over the period (`ramp`, `growth`, `daily`),
//! checked in dollars against closed forms, alone and across a dated price
//! change inside the period.

use crate::common::*;
use costintent_scenario::{
    DayCount, Dist, ModelPrice, PriceChange, RateProfile, RateShape, TimeUnit, Value, Volume,
    WorkloadKind,
};
use costintent_sim::Unit;

/// Requests of exactly 1M input tokens and no output: each costs the input
/// price per 1M in dollars.
fn million_token_requests(volume: Volume) -> WorkloadKind {
    WorkloadKind::Requests(requests(volume, c(1e6), c(0.0)))
}

fn ramp(from: f64, to: f64, count: DayCount) -> Volume {
    Volume::Profile(RateProfile {
        per: TimeUnit::Day,
        days: 30.0,
        shape: RateShape::Ramp { from: Value::Fixed(from), to: Value::Fixed(to) },
        count,
    })
}

fn daily(rates: &[f64]) -> Volume {
    Volume::Profile(RateProfile {
        per: TimeUnit::Day,
        days: rates.len() as f64,
        shape: RateShape::Daily(rates.to_vec()),
        count: DayCount::Exact,
    })
}

/// `price` from day `day` (0-based) of the 30-day period that starts on
/// 2026-11-01.
fn change_on_day(day: u32, price: ModelPrice) -> PriceChange {
    let start = costintent_scenario::Date::new(2026, 11, 1).expect("date");
    PriceChange { at_seconds: f64::from(day) * 86_400.0, date: start.add_days(day.into()), price }
}

#[test]
fn a_poisson_ramp_has_the_trapezoid_mean_in_dollars() {
    // From 2 a day on day 1 to 14 on day 30: 30 · (2 + 14) / 2 = 240 requests
    // on average, each $1; the total is Poisson, so its variance is 240 too.
    let s = scenario(vec![workload(
        "api",
        price(1.0, 0.0),
        million_token_requests(ramp(2.0, 14.0, DayCount::Poisson)),
    )]);
    let n = 20_000;
    let o = run(&s, n, 11);
    let a = &o.workloads[0];
    assert_mean(&a.spend, 240.0, "ramp spend");
    let se_var = ((240.0 + 2.0 * 240.0f64.powi(2)) / n as f64).sqrt();
    assert!((var(&a.spend) - 240.0).abs() < 5.0 * se_var, "variance {}", var(&a.spend));
    for (&spend, &r) in a.spend.iter().zip(&a.requests) {
        assert!((spend - r).abs() < 1e-9, "$1 per request: {spend} for {r}");
    }
}

#[test]
fn an_exact_daily_table_gives_exactly_its_count_every_trial() {
    let rates = [3.0, 0.0, 5.0, 7.0, 11.0, 0.0, 2.0];
    let s = scenario(vec![workload("api", price(2.0, 0.0), million_token_requests(daily(&rates)))]);
    let o = run(&s, 500, 12);
    // 28 requests of $2.
    assert_all(&o.workloads[0].requests, 28.0, "requests");
    assert_all(&o.workloads[0].spend, 56.0, "spend");
}

#[test]
fn exact_arrivals_round_a_fractional_day_stochastically() {
    // A ramp from 1 to 2 over 30 days with exact arrivals: each day's count
    // is ⌊1 + i/29 + U⌋, so the total is 45 on average and lies between 30
    // and 60; scaled by 2, exactly 2 + 2i/29 rounded, mean 90.
    let s = scenario(vec![workload(
        "api",
        price(1.0, 0.0),
        million_token_requests(ramp(1.0, 2.0, DayCount::Exact)),
    )]);
    let o = run(&s, 20_000, 13);
    let r = &o.workloads[0].requests;
    assert_mean(r, 45.0, "exact ramp");
    assert!(r.iter().all(|&x| (30.0..=60.0).contains(&x)));
    let options =
        costintent_sim::SimOptions { scale: 2.0, ..costintent_sim::SimOptions::new(20_000, 13) };
    let twice = costintent_sim::simulate(&s, &options, &|_| {}, &Default::default()).expect("run");
    assert_mean(&twice.workloads[0].requests, 90.0, "scaled exact ramp");
}

#[test]
fn a_ramp_across_a_price_change_bills_each_part_by_its_share_of_the_volume() {
    // From 10 a day to 40 a day over 30 days, $1 per request until day 12
    // (days 1 to 12), $3 from day 13. Expected requests on days 1–12:
    // Σ_{i<12} (10 + 30 i / 29) = 120 + 30 · 66 / 29; on all 30 days: 750.
    let first = 120.0 + 30.0 * 66.0 / 29.0;
    let second = 750.0 - first;
    // Poisson counts in each part: mean $ = first + 3 · second, variance
    // first · 1² + second · 3².
    let mean_usd = first + 3.0 * second;
    let var_usd = first + 9.0 * second;
    let mut w = workload(
        "api",
        price(1.0, 0.0),
        million_token_requests(ramp(10.0, 40.0, DayCount::Poisson)),
    );
    w.price_changes = vec![change_on_day(12, price(3.0, 0.0))];
    let n = 20_000;
    let o = run(&scenario(vec![w]), n, 14);
    let a = &o.workloads[0];
    assert_mean(&a.spend, mean_usd, "spend across the change");
    let se_var = (2.0 * var_usd * var_usd / n as f64).sqrt() * 1.5;
    assert!(
        (var(&a.spend) - var_usd).abs() < 5.0 * se_var,
        "variance {} vs {var_usd}",
        var(&a.spend)
    );
    // A constant rate would put 12/30 of the units in the first part: $1,950
    // on average; the ramp's $1,969 must be told apart from it.
    assert!((mean_usd - 1950.0).abs() > 10.0 * se(&a.spend), "the test separates the two splits");
    for (&spend, &r) in a.spend.iter().zip(&a.requests) {
        // Spend = k · $1 + (r − k) · $3 for a whole k between 0 and r.
        let k = (3.0 * r - spend) / 2.0;
        assert!((k - k.round()).abs() < 1e-6 && (0.0..=r).contains(&k), "{spend} for {r}");
    }
}

#[test]
fn an_exact_daily_table_across_a_price_change_bills_each_day_at_its_price() {
    // Ten days: 1, 2, …, 10 requests; $1 until day 4, $5 from day 5: exactly
    // (1 + 2 + 3 + 4) · $1 + (5 + … + 10) · $5 = $235 in every trial.
    let rates: Vec<f64> = (1..=10).map(f64::from).collect();
    let mut w = workload("api", price(1.0, 0.0), million_token_requests(daily(&rates)));
    w.price_changes = vec![change_on_day(4, price(5.0, 0.0))];
    let mut s = scenario(vec![w]);
    s.period.seconds = 10.0 * 86_400.0;
    let o = run(&s, 300, 15);
    assert_all(&o.workloads[0].spend, 235.0, "spend");
    assert_all(quantity(&o.workloads[0], Unit::InputTokens), 55e6, "tokens");
}

#[test]
fn a_count_per_day_grows_by_its_factor() {
    // Exactly 10 a day grown 10% a day over 3 days: 10, 11 and ⌊12.1 + U⌋
    // (12 or 13, mean 12.1), so 33 or 34 with mean 33.1.
    let volume = Volume::Profile(RateProfile {
        per: TimeUnit::Day,
        days: 3.0,
        shape: RateShape::Growth {
            start: Value::Fixed(1.0),
            rate: Value::Fixed(0.1),
            every: TimeUnit::Day,
        },
        count: DayCount::Scaled(choice(&[10.0], &[1.0])),
    });
    let mut s = scenario(vec![workload("api", price(1.0, 0.0), million_token_requests(volume))]);
    s.period.seconds = 3.0 * 86_400.0;
    let o = run(&s, 20_000, 16);
    let r = &o.workloads[0].requests;
    assert!(r.iter().all(|&x| x == 33.0 || x == 34.0), "counts {:?}", &r[..10]);
    assert_mean(r, 33.1, "grown counts");
}

#[test]
fn poisson_growth_has_the_geometric_sum_as_its_mean() {
    // 4 a day growing 50% a week over 30 days: Σ 4 · 1.5^(i/7).
    let volume = Volume::Profile(RateProfile {
        per: TimeUnit::Day,
        days: 30.0,
        shape: RateShape::Growth {
            start: Value::Fixed(4.0),
            rate: Value::Fixed(0.5),
            every: TimeUnit::Week,
        },
        count: DayCount::Poisson,
    });
    let want: f64 = (0..30).map(|i| 4.0 * 1.5f64.powf(f64::from(i) / 7.0)).sum();
    let s = scenario(vec![workload("api", price(1.0, 0.0), million_token_requests(volume))]);
    let o = run(&s, 20_000, 17);
    assert_mean(&o.workloads[0].spend, want, "grown Poisson spend");
}

#[test]
fn an_uncertain_ramp_end_is_drawn_once_per_trial() {
    // `to` uniform on [10, 30] per trial: the mean is the ramp at its mean,
    // 30 · (2 + 20) / 2 = 330, and the spread is wider than Poisson.
    let volume = Volume::Profile(RateProfile {
        per: TimeUnit::Day,
        days: 30.0,
        shape: RateShape::Ramp {
            from: Value::Fixed(2.0),
            to: Value::PerTrial {
                dist: Box::new(Dist::Uniform { min: Value::Fixed(10.0), max: Value::Fixed(30.0) }),
                domain: costintent_scenario::Domain::NonNegative,
            },
        },
        count: DayCount::Poisson,
    });
    let s = scenario(vec![workload("api", price(1.0, 0.0), million_token_requests(volume))]);
    let o = run(&s, 20_000, 18);
    let r = &o.workloads[0].requests;
    assert_mean(r, 330.0, "uncertain ramp");
    // Var = E[Λ] + Var[Λ] with Λ = 30 + 15 · to: 330 + 225 · 400 / 12 = 7,830.
    let want = 330.0 + 225.0 * 400.0 / 12.0;
    assert!((var(r) - want).abs() < 0.1 * want, "variance {} vs {want}", var(r));
}

#[test]
fn ramps_are_the_same_on_any_number_of_threads() {
    let mut w = workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(
            ramp(50.0, 400.0, DayCount::Poisson),
            lognormal(800.0, 3000.0),
            c(100.0),
        )),
    );
    w.price_changes = vec![change_on_day(9, price(2.0, 1.0))];
    let s = scenario(vec![w]);
    let one = run_with(&s, 600, 19, 1);
    let three = run_with(&s, 600, 19, 3);
    assert_eq!(one.workloads[0].spend, three.workloads[0].spend);
    assert_eq!(one.workloads[0].requests, three.workloads[0].requests);
}

#[test]
fn a_large_ramp_across_a_price_change_agrees_with_its_closed_form_on_the_fast_path() {
    // 2,000 a day to 6,000 a day: 120,000 requests a trial on average,
    // enough for compound sums. Input tokens lognormal (median 1,000, p90
    // 3,000): mean exp(μ + σ²/2). $1 per 1M until day 10, $4 from day 11.
    let sigma = (3.0f64).ln() / 1.281_551_565_545;
    let tokens = 1000.0 * (sigma * sigma / 2.0).exp();
    let first: f64 = (0..10).map(|i| 2000.0 + 4000.0 * f64::from(i) / 29.0).sum();
    let second = 120_000.0 - first;
    let want = (first * 1.0 + second * 4.0) * tokens / 1e6;
    let mut w = workload(
        "api",
        price(1.0, 0.0),
        WorkloadKind::Requests(requests(
            ramp(2000.0, 6000.0, DayCount::Poisson),
            lognormal(1000.0, 3000.0),
            c(0.0),
        )),
    );
    w.price_changes = vec![change_on_day(10, price(4.0, 0.0))];
    // `run_compound` checks that every workload was drawn as sums.
    let o = run_compound(&scenario(vec![w]), 400, 20);
    let a = &o.workloads[0];
    assert_mean(&a.spend, want, "fast-path ramp spend");
}
