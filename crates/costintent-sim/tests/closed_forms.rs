//! The engine against closed forms: exact dollars where nothing is random,
//! and means (and variances) within 5 Monte Carlo standard errors where
//! something is. The standard error of a mean of n trials is s / √n with s
//! the sample standard deviation, unless a test says otherwise.

// Test helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use crate::common::*;
use costintent_scenario::{
    Billed, CacheWritePrice, Currency, LongContext, Mode, Poll, TimeUnit, Tools, Value, Volume,
    WorkloadKind,
};
use costintent_sim::Unit;

#[test]
fn fixed_requests_cost_exact_dollars_every_trial() {
    let spec = requests(Volume::Fixed(100.0), c(1000.0), c(200.0));
    let s = scenario(vec![workload("api", price(3.0, 15.0), WorkloadKind::Requests(spec))]);
    let o = run(&s, 50, 1);
    let w = &o.workloads[0];
    // 100 × (1000 × $3 + 200 × $15) / 1M = $0.60.
    assert_all(&o.total, 0.6, "total");
    assert_all(&w.spend, 0.6, "spend");
    assert_all(quantity(w, Unit::InputTokens), 100_000.0, "input tokens");
    assert_all(quantity(w, Unit::OutputTokens), 20_000.0, "output tokens");
    assert_all(usd(w, Unit::OutputTokens), 0.3, "output usd");
    assert_all(&w.requests, 100.0, "requests");
    assert_all(&w.attempts, 100.0, "attempts");
    assert_all(&w.waste, 0.0, "waste");
    let listed: Vec<Unit> = w.units.iter().map(|u| u.unit).collect();
    assert_eq!(listed, [Unit::InputTokens, Unit::OutputTokens]);
    assert_identities(&o);
}

#[test]
fn cached_share_batch_reasoning_and_fees_are_exact() {
    let mut p = price(3.0, 15.0);
    p.cache_read_per_mtok = Some(0.3);
    p.reasoning_per_mtok = Some(10.0);
    p.batch_discount = Some(0.5);
    p.per_request = Some(0.001);
    let mut spec = requests(Volume::Fixed(10.0), c(1000.0), c(100.0));
    spec.cached = Value::Fixed(0.25);
    spec.reasoning = Some(c(50.0));
    spec.mode = Mode::Batch;
    let s = scenario(vec![workload("batch", p, WorkloadKind::Requests(spec))]);
    let o = run(&s, 20, 2);
    let w = &o.workloads[0];
    // Per request: 750 input at $3, 250 cached at $0.3, 100 output at $15,
    // 50 reasoning at $10, all halved; plus a $0.001 request fee.
    let per_request = 0.5 * (750.0 * 3.0 + 250.0 * 0.3 + 100.0 * 15.0 + 50.0 * 10.0) / 1e6 + 0.001;
    assert_all(&w.spend, 10.0 * per_request, "spend");
    assert_all(quantity(w, Unit::CacheReadTokens), 2500.0, "cache read");
    assert_all(quantity(w, Unit::ReasoningTokens), 500.0, "reasoning");
    assert_all(quantity(w, Unit::Requests), 10.0, "request fees");
    let listed: Vec<Unit> = w.units.iter().map(|u| u.unit).collect();
    assert_eq!(
        listed,
        [
            Unit::InputTokens,
            Unit::OutputTokens,
            Unit::ReasoningTokens,
            Unit::CacheReadTokens,
            Unit::Requests
        ]
    );
    assert_identities(&o);
}

#[test]
fn poisson_volume_has_poisson_mean_and_variance() {
    let spec = requests(Volume::PerPeriod(poisson(50.0)), c(1000.0), c(0.0));
    let s = scenario(vec![workload("api", price(1.0, 1.0), WorkloadKind::Requests(spec))]);
    let n = 20_000;
    let o = run(&s, n, 3);
    let req = &o.workloads[0].requests;
    assert_mean(req, 50.0, "requests");
    // For Poisson(λ) the sample variance has variance ≈ (μ4 − σ⁴) / n with
    // μ4 = λ(1 + 3λ): (λ + 2λ²) / n.
    let se_var = ((50.0 + 2.0 * 2500.0) / n as f64).sqrt();
    assert!((var(req) - 50.0).abs() < 5.0 * se_var, "variance {}", var(req));
    // Spend is exactly $0.001 per request.
    for (spend, r) in o.workloads[0].spend.iter().zip(req) {
        assert!((spend - r * 0.001).abs() < 1e-12);
    }
}

#[test]
fn per_unit_volumes_and_scale() {
    // Poisson per day over 30 days: Poisson(300); scaled by 0.5: Poisson(150).
    let per_day = Volume::PerUnit { per: TimeUnit::Day, units: 30.0, dist: poisson(10.0) };
    let s = scenario(vec![workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(per_day, c(1.0), c(0.0))),
    )]);
    let o = run(&s, 4000, 4);
    assert_mean(&o.workloads[0].requests, 300.0, "Poisson per day");
    let options =
        costintent_sim::SimOptions { scale: 0.5, ..costintent_sim::SimOptions::new(4000, 4) };
    let half = costintent_sim::simulate(&s, &options, &|_| {}, &Default::default()).unwrap();
    assert_mean(&half.workloads[0].requests, 150.0, "scaled Poisson");
    // SE of a Poisson(λ) sample variance: √((λ + 2λ²) / n).
    let se_var = ((150.0 + 2.0 * 150.0f64.powi(2)) / 4000.0).sqrt();
    assert!((var(&half.workloads[0].requests) - 150.0).abs() < 5.0 * se_var);

    // A constant count of 4 per unit over 2.5 units: 4 + 4 + Binomial(4, 0.5),
    // mean 10, variance 1.
    let fractional =
        Volume::PerUnit { per: TimeUnit::Week, units: 2.5, dist: choice(&[4.0], &[1.0]) };
    let s = scenario(vec![workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(fractional, c(1.0), c(0.0))),
    )]);
    let o = run(&s, 20_000, 5);
    let req = &o.workloads[0].requests;
    assert_mean(req, 10.0, "thinned volume");
    assert!(req.iter().all(|&r| (8.0..=12.0).contains(&r)));
    // Var of the sample variance for a Binomial(4, 1/2) + 8: μ4 = 1.75,
    // σ⁴ = 1, so SE = √(0.75 / n).
    assert!((var(req) - 1.0).abs() < 5.0 * (0.75f64 / 20_000.0).sqrt(), "variance {}", var(req));

    // Scale on a fixed count: ⌊2.5 × 10 + U⌋ = 25 exactly, and ⌊0.25 × 10 + U⌋
    // is 2 or 3 with mean 2.5; on another count: ⌊1.5 × 3 + U⌋ is 4 or 5
    // with mean 4.5.
    let fixed = scenario(vec![workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(Volume::Fixed(10.0), c(1.0), c(0.0))),
    )]);
    let options =
        costintent_sim::SimOptions { scale: 2.5, ..costintent_sim::SimOptions::new(10, 6) };
    let o = costintent_sim::simulate(&fixed, &options, &|_| {}, &Default::default()).unwrap();
    assert_all(&o.workloads[0].requests, 25.0, "scaled fixed volume");
    let options =
        costintent_sim::SimOptions { scale: 0.25, ..costintent_sim::SimOptions::new(20_000, 6) };
    let o = costintent_sim::simulate(&fixed, &options, &|_| {}, &Default::default()).unwrap();
    let req = &o.workloads[0].requests;
    assert!(req.iter().all(|&r| r == 2.0 || r == 3.0));
    assert_mean(req, 2.5, "stochastically rounded fixed volume");
    let other = scenario(vec![workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(Volume::PerPeriod(choice(&[3.0], &[1.0])), c(1.0), c(0.0))),
    )]);
    let options =
        costintent_sim::SimOptions { scale: 1.5, ..costintent_sim::SimOptions::new(20_000, 7) };
    let o = costintent_sim::simulate(&other, &options, &|_| {}, &Default::default()).unwrap();
    let req = &o.workloads[0].requests;
    assert!(req.iter().all(|&r| r == 4.0 || r == 5.0));
    assert_mean(req, 4.5, "stochastic rounding");
}

/// Expected cost of one request with failure rate `p`, `k` retries and
/// per-attempt input and output charges: (mean attempts, P(lost), mean
/// spend, mean waste) for each billing policy.
fn failure_closed_form(p: f64, k: i32, input: f64, output: f64, billed: Billed) -> [f64; 4] {
    let attempts = (1.0 - p.powi(k + 1)) / (1.0 - p);
    let lost = p.powi(k + 1);
    let failed = attempts - (1.0 - lost);
    let per_failed = match billed {
        Billed::None => 0.0,
        Billed::Input => input,
        Billed::Full => input + output,
        // The uniform share of the output has mean 1/2.
        Billed::Partial => input + 0.5 * output,
    };
    let waste = failed * per_failed;
    [attempts, lost, (1.0 - lost) * (input + output) + waste, waste]
}

#[test]
fn failures_match_the_closed_forms_for_every_policy() {
    let (p, k) = (0.3, 2);
    let requests_per_trial = 500.0;
    for billed in [Billed::None, Billed::Input, Billed::Full, Billed::Partial] {
        let mut w = workload(
            "api",
            price(1.0, 10.0),
            WorkloadKind::Requests(requests(
                Volume::Fixed(requests_per_trial),
                c(1000.0),
                c(100.0),
            )),
        );
        w.failures = failures(p, f64::from(k), billed);
        let s = scenario(vec![w]);
        let o = run(&s, 2000, 8);
        let w = &o.workloads[0];
        // $0.001 input and $0.001 output per attempt.
        let [attempts, lost, spend, waste] = failure_closed_form(p, k, 0.001, 0.001, billed);
        let per_request = |x: &[f64]| x.iter().map(|v| v / requests_per_trial).collect::<Vec<_>>();
        assert_mean(&per_request(&w.attempts), attempts, &format!("{billed:?} attempts"));
        assert_mean(&per_request(&w.lost), lost, &format!("{billed:?} lost"));
        assert_mean(&per_request(&w.spend), spend, &format!("{billed:?} spend"));
        assert_mean(&per_request(&w.waste), waste, &format!("{billed:?} waste"));
        assert_identities(&o);
    }
}

#[test]
fn timeouts_bill_abandoned_attempts_in_full() {
    // No failures; latency uniform on [0, 10) s, the client gives up after
    // 5 s and retries once. Per request: 1.5 attempts, all billed in full,
    // 0.75 of them abandoned (waste), and P(lost) = 1/4.
    let mut w = workload(
        "api",
        price(1.0, 10.0),
        WorkloadKind::Requests(requests(Volume::Fixed(400.0), c(1000.0), c(100.0))),
    );
    w.failures = failures(0.0, 1.0, Billed::None);
    w.timeout = Some(timeout(5.0, uniform(0.0, 10.0)));
    let s = scenario(vec![w]);
    let o = run(&s, 2000, 9);
    let w = &o.workloads[0];
    let per_request = |x: &[f64]| x.iter().map(|v| v / 400.0).collect::<Vec<_>>();
    assert_mean(&per_request(&w.attempts), 1.5, "attempts");
    assert_mean(&per_request(&w.lost), 0.25, "lost");
    assert_mean(&per_request(&w.spend), 1.5 * 0.002, "spend");
    assert_mean(&per_request(&w.waste), 0.75 * 0.002, "waste");
}

/// One session of 5 turns, 1,000 new tokens and 100 output tokens each,
/// starting from a 500-token context.
fn one_session(window: f64, compact_to: f64) -> costintent_scenario::AgentSpec {
    agent(Volume::Fixed(1.0), c(5.0), c(1000.0), c(100.0), context(500.0, window, compact_to))
}

fn agent_run(
    spec: costintent_scenario::AgentSpec,
    p: costintent_scenario::ModelPrice,
) -> costintent_sim::Outcomes {
    let s = scenario(vec![workload("agent", p, WorkloadKind::Agent(spec))]);
    let o = run(&s, 3, 10);
    assert_identities(&o);
    o
}

#[test]
fn agent_prompts_without_cache() {
    // Prompts 1500, 2600, 3700, 4800, 5900.
    let o = agent_run(one_session(1e6, 1000.0), price(3.0, 15.0));
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::InputTokens), 18_500.0, "prompt tokens");
    assert_all(quantity(w, Unit::OutputTokens), 500.0, "output tokens");
    assert_all(&w.spend, (18_500.0 * 3.0 + 500.0 * 15.0) / 1e6, "spend");
    assert_all(&w.requests, 5.0, "turns");
}

#[test]
fn agent_cache_reads_and_writes_with_gaps_below_and_above_ttl() {
    let mut p = price(3.0, 15.0);
    p.cache_read_per_mtok = Some(0.3);
    p.cache_write_5m_per_mtok = Some(3.75);
    p.cache_write_1h_per_mtok = Some(6.0);

    // Gaps of 10 s under a 300 s TTL: turn 1 writes 1500, then each turn
    // reads the previous prompt and writes the 1100 new tokens.
    let mut spec = one_session(1e6, 1000.0);
    spec.cache = Some(cache(300.0, c(10.0)));
    let o = agent_run(spec.clone(), p.clone());
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::CacheReadTokens), 1500.0 + 2600.0 + 3700.0 + 4800.0, "reads");
    assert_all(quantity(w, Unit::CacheWriteTokens), 1500.0 + 4.0 * 1100.0, "writes");
    let listed: Vec<Unit> = w.units.iter().map(|u| u.unit).collect();
    assert_eq!(listed, [Unit::OutputTokens, Unit::CacheReadTokens, Unit::CacheWriteTokens]);
    let want = (12_600.0 * 0.3 + 5900.0 * 3.75 + 500.0 * 15.0) / 1e6;
    assert_all(&w.spend, want, "spend");

    // The 1-hour write price.
    let mut one_hour = spec.clone();
    if let Some(cache) = one_hour.cache.as_mut() {
        cache.write_price = CacheWritePrice::OneHour;
    }
    let o = agent_run(one_hour, p.clone());
    let want = (12_600.0 * 0.3 + 5900.0 * 6.0 + 500.0 * 15.0) / 1e6;
    assert_all(&o.workloads[0].spend, want, "1-hour spend");

    // Gaps of 400 s over a 300 s TTL: every turn writes its whole prompt.
    spec.cache = Some(cache(300.0, c(400.0)));
    let o = agent_run(spec, p);
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::CacheReadTokens), 0.0, "expired reads");
    assert_all(quantity(w, Unit::CacheWriteTokens), 18_500.0, "expired writes");
}

#[test]
fn agent_compaction_with_and_without_cost_and_cache() {
    // Window 4000, compact to 1000: prompts 1500, 2600, 3700, then turn 4
    // would send 4800 > 4000, so the context restarts at 1000: 2000, 3100.
    let o = agent_run(one_session(4000.0, 1000.0), price(3.0, 15.0));
    assert_all(quantity(&o.workloads[0], Unit::InputTokens), 12_900.0, "compacted prompts");

    // The compaction call bills the old context (3800) in and 1000 out.
    let mut costed = one_session(4000.0, 1000.0);
    costed.compaction_cost = true;
    let o = agent_run(costed, price(3.0, 15.0));
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::InputTokens), 12_900.0 + 3800.0, "with compaction call");
    assert_all(quantity(w, Unit::OutputTokens), 500.0 + 1000.0, "compaction output");
    assert_all(&w.requests, 5.0, "the compaction call is not a turn");

    // With a cache: the compacted turn reads nothing and writes 2000.
    let mut cached = one_session(4000.0, 1000.0);
    cached.cache = Some(cache(300.0, c(10.0)));
    let o = agent_run(cached, price(3.0, 15.0));
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::CacheReadTokens), 1500.0 + 2600.0 + 2000.0, "reads");
    assert_all(
        quantity(w, Unit::CacheWriteTokens),
        1500.0 + 1100.0 + 1100.0 + 2000.0 + 1100.0,
        "writes",
    );
}

#[test]
fn agent_tools_and_reasoning() {
    // Two tool calls returning 50 tokens each add 100 tokens to the next
    // turn's input; reasoning is billed but not kept in the context.
    let mut spec = one_session(1e6, 1000.0);
    spec.tools = Some(Tools { calls: c(2.0), output: c(50.0) });
    spec.reasoning = Some(c(30.0));
    let o = agent_run(spec, price(3.0, 15.0));
    let w = &o.workloads[0];
    // Prompts: 1500, 2700, 3900, 5100, 6300.
    assert_all(quantity(w, Unit::InputTokens), 19_500.0, "prompts with tools");
    assert_all(quantity(w, Unit::ReasoningTokens), 150.0, "reasoning");
    assert_all(usd(w, Unit::ReasoningTokens), 150.0 * 15.0 / 1e6, "reasoning at the output price");
}

#[test]
fn long_context_tier_bills_whole_requests() {
    let mut p = price(3.0, 15.0);
    p.long_context = Some(LongContext {
        above: 200_000.0,
        input_per_mtok: 6.0,
        output_per_mtok: 22.5,
        cache_read_per_mtok: None,
        cache_write_5m_per_mtok: None,
        cache_write_1h_per_mtok: None,
    });
    // Start at 150k, 20k new tokens and 1k output a turn: prompts 170k and
    // 191k at base prices, 212k and 233k entirely at the tier prices.
    let spec =
        agent(Volume::Fixed(1.0), c(4.0), c(20_000.0), c(1000.0), context(150_000.0, 1e6, 1.0));
    let o = agent_run(spec, p);
    let w = &o.workloads[0];
    let want = (361_000.0 * 3.0 + 2000.0 * 15.0 + 445_000.0 * 6.0 + 2000.0 * 22.5) / 1e6;
    assert_all(&w.spend, want, "long-context spend");
    assert_all(quantity(w, Unit::InputTokens), 806_000.0, "prompt tokens");
}

#[test]
fn video_seconds_and_polls_are_exact() {
    let mut spec = video(Volume::Fixed(10.0), c(8.0), 0.1);
    spec.poll = Some(Poll { every_seconds: 5.0, usd_per_poll: 0.001 });
    let mut w = workload("clips", price(0.0, 0.0), WorkloadKind::Video(spec));
    // Jobs take 12 s, the client waits up to 100 s: ⌈12 / 5⌉ = 3 polls each.
    w.timeout = Some(timeout(100.0, c(12.0)));
    let o = run(&scenario(vec![w]), 5, 11);
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::VideoSeconds), 80.0, "seconds");
    assert_all(quantity(w, Unit::Polls), 30.0, "polls");
    assert_all(&w.spend, 8.0 + 0.03, "spend");
    assert_identities(&o);

    // Jobs that take 12 s against a 10 s client timeout are abandoned,
    // resubmitted (1 retry) and lost; both attempts bill in full.
    let mut spec = video(Volume::Fixed(10.0), c(8.0), 0.1);
    spec.poll = Some(Poll { every_seconds: 5.0, usd_per_poll: 0.0 });
    let mut w = workload("clips", price(0.0, 0.0), WorkloadKind::Video(spec));
    w.timeout = Some(timeout(10.0, c(12.0)));
    w.failures = failures(0.0, 1.0, Billed::None);
    let o = run(&scenario(vec![w]), 5, 12);
    let w = &o.workloads[0];
    assert_all(&w.spend, 16.0, "resubmitted jobs");
    assert_all(&w.waste, 16.0, "all wasted");
    assert_all(&w.lost, 10.0, "lost");
    assert_all(quantity(w, Unit::Polls), 10.0 * 2.0 * 2.0, "⌈10 / 5⌉ polls per attempt");
}

#[test]
fn images_regenerate_geometrically() {
    // 2 images at $0.04 per request; the user asks again with probability
    // 1/2, so 2 requests per initial request on average.
    let spec = image(Volume::Fixed(100.0), c(2.0), 0.5, 0.04);
    let o =
        run(&scenario(vec![workload("img", price(0.0, 0.0), WorkloadKind::Image(spec))]), 4000, 13);
    let w = &o.workloads[0];
    assert_mean(&w.requests, 200.0, "requests with regenerations");
    assert_mean(&w.spend, 200.0 * 2.0 * 0.04, "image spend");
    // Requests per initial request are Geometric(1/2): variance 2 each, so
    // the trial's count has variance σ² = 200. The sample variance has
    // SE = σ² √((2 + κ) / n), with κ = 6.5 / 100 the excess kurtosis of a
    // sum of 100 geometrics (each has 6 + p² / (1 − p) = 6.5).
    let se_var = 200.0 * ((2.0 + 0.065) / 4000.0f64).sqrt();
    assert!((var(&w.requests) - 200.0).abs() < 5.0 * se_var, "variance {}", var(&w.requests));
    assert_identities(&o);
}

#[test]
fn realtime_rebills_the_conversation() {
    let mut p = price(0.0, 0.0);
    p.audio = Some(costintent_scenario::AudioPrice {
        input_per_mtok: 32.0,
        output_per_mtok: 64.0,
        cached_input_per_mtok: Some(0.4),
        input_tokens_per_minute: 600.0,
        output_tokens_per_minute: 1200.0,
    });
    // 10 minutes at 1 turn a minute: each turn has 300 user and 600
    // assistant tokens; turn t re-bills 900 (t − 1) cached tokens.
    let spec = realtime(Volume::Fixed(1.0), c(10.0), 1.0, 0.5);
    let o = run(&scenario(vec![workload("voice", p, WorkloadKind::Realtime(spec))]), 3, 14);
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::AudioCachedInputTokens), 900.0 * 45.0, "cached history");
    assert_all(quantity(w, Unit::AudioInputTokens), 3000.0, "new user audio");
    assert_all(quantity(w, Unit::AudioOutputTokens), 6000.0, "assistant audio");
    let want = (40_500.0 * 0.4 + 3000.0 * 32.0 + 6000.0 * 64.0) / 1e6;
    assert_all(&w.spend, want, "realtime spend");
    assert_identities(&o);
}

#[test]
fn wallet_fees_are_exact_for_a_fixed_spend() {
    // $100 of request fees a trial through an OpenRouter-like wallet:
    // $25 top-ups at 5.5 % (min $0.80): 4 top-ups, $1.375 each.
    let mut p = price(0.0, 0.0);
    p.per_request = Some(1.0);
    let mut w = workload(
        "api",
        p,
        WorkloadKind::Requests(requests(Volume::Fixed(100.0), c(10.0), c(10.0))),
    );
    w.via = Some(0);
    let mut s = scenario(vec![w]);
    s.wallets = vec![wallet("openrouter", 25.0, 5.5, 0.8)];
    let o = run(&s, 5, 15);
    let wallet = &o.wallets[0];
    assert_all(&wallet.topups, 4.0, "top-ups");
    assert_all(&wallet.purchase_fees, 4.0 * 1.375, "purchase fees");
    assert_all(&wallet.credits_bought, 100.0, "credits bought");
    assert_all(&wallet.credits_used, 100.0, "credits used");
    assert_all(&o.total, 105.5, "total");
    assert_identities(&o);

    // A 5 % usage fee on top, and credits at $0.01 for a credit-priced model.
    // The fee is charged to the balance: $100 of use draws $105, which needs
    // a fifth $25 top-up (5 × $1.375 of purchase fees).
    s.wallets[0].usage_fee_percent = 5.0;
    s.wallets[0].credit_usd = 0.01;
    s.workloads[0].price.currency = Currency::Credits { usd_per_credit: 0.01 };
    s.workloads[0].price.per_request = Some(100.0);
    let o = run(&s, 5, 16);
    assert_all(&o.workloads[0].spend, 100.0, "100 credits × $0.01 × 100 requests");
    assert_all(&o.wallets[0].credits_used, 10_000.0, "credits used");
    assert_all(&o.wallets[0].topups, 5.0, "top-ups with the usage fee");
    assert_all(&o.total, 100.0 + 5.0 * 1.375 + 5.0, "total with usage fee");
}

#[test]
fn per_trial_parameters_are_drawn_and_clamped() {
    // A rate drawn from Uniform(−0.5, 0.5): half the draws are clamped to
    // 0, so clamped_draws counts about half the trials; the mean rate over
    // trials is E[max(X, 0)] = 0.125.
    let mut w = workload(
        "api",
        price(1.0, 1.0),
        WorkloadKind::Requests(requests(Volume::Fixed(200.0), c(1.0), c(0.0))),
    );
    w.failures.rate = Value::PerTrial {
        dist: Box::new(costintent_scenario::Dist::Uniform {
            min: Value::Fixed(-0.5),
            max: Value::Fixed(0.5),
        }),
        domain: costintent_scenario::Domain::Probability,
    };
    w.failures.retries = Value::Fixed(0.0);
    let n = 4000;
    let o = run(&scenario(vec![w]), n, 17);
    let clamped = o.clamped_draws as f64 / n as f64;
    assert!((clamped - 0.5).abs() < 5.0 * (0.25 / n as f64).sqrt(), "{clamped}");
    let lost: Vec<f64> = o.workloads[0].lost.iter().map(|l| l / 200.0).collect();
    assert_mean(&lost, 0.125, "lost share");
}

/// Prices with a 5-minute cache: $3 input, $0.30 read, $3.75 write, $15 output.
fn cached_price() -> costintent_scenario::ModelPrice {
    let mut p = price(3.0, 15.0);
    p.cache_read_per_mtok = Some(0.3);
    p.cache_write_5m_per_mtok = Some(3.75);
    p
}

#[test]
fn retries_read_the_prompt_a_billed_attempt_cached() {
    // Every attempt fails (rate 1, one retry), billed "input": each of the 5
    // turns is lost and the context stays at 500, so every prompt is 1,500.
    // The first attempt writes the prompt; the retry, sent at once, reads
    // it from the cache instead of writing it again.
    let mut spec = one_session(1e6, 1000.0);
    spec.cache = Some(cache(300.0, c(10.0)));
    let mut w = workload("agent", cached_price(), WorkloadKind::Agent(spec.clone()));
    w.failures = failures(1.0, 1.0, Billed::Input);
    let o = run(&scenario(vec![w.clone()]), 3, 20);
    let a = &o.workloads[0];
    assert_all(quantity(a, Unit::CacheWriteTokens), 5.0 * 1500.0, "one write per turn");
    assert_all(quantity(a, Unit::CacheReadTokens), 5.0 * 1500.0, "the retry reads");
    assert_all(&a.lost, 5.0, "lost turns");
    let want = 5.0 * 1500.0 * (3.75 + 0.3) / 1e6;
    assert_all(&a.spend, want, "spend");
    assert_all(&a.waste, want, "all of it wasted");
    assert_identities(&o);

    // Billed "none": the failed attempts wrote nothing and cost nothing.
    w.failures = failures(1.0, 1.0, Billed::None);
    let o = run(&scenario(vec![w]), 3, 21);
    assert_all(&o.workloads[0].spend, 0.0, "unbilled failures");

    // One-turn sessions failing with p = 0.3, 2 retries, billed "input":
    // whatever the outcome, the first attempt writes the 1,500-token prompt
    // and every later attempt reads it.
    let one_turn =
        agent(Volume::Fixed(200.0), c(1.0), c(1000.0), c(100.0), context(500.0, 1e6, 1000.0));
    let mut spec = one_turn;
    spec.cache = Some(cache(300.0, c(10.0)));
    let mut w = workload("agent", cached_price(), WorkloadKind::Agent(spec));
    w.failures = failures(0.3, 2.0, Billed::Input);
    let o = run(&scenario(vec![w]), 2000, 22);
    let a = &o.workloads[0];
    assert_all(quantity(a, Unit::CacheWriteTokens), 200.0 * 1500.0, "first attempts write");
    let extra: Vec<f64> = a.attempts.iter().map(|n| 1500.0 * (n - 200.0)).collect();
    for (reads, want) in quantity(a, Unit::CacheReadTokens).iter().zip(&extra) {
        assert_eq!(reads, want, "every later attempt reads the prompt");
    }
    // Waste is what the failures added: the retries' reads (and, for the
    // rare lost turn, everything it billed).
    for ((waste, reads), lost) in
        a.waste.iter().zip(quantity(a, Unit::CacheReadTokens)).zip(&a.lost)
    {
        let want = reads * 0.3 / 1e6 + lost * 1500.0 * 3.75 / 1e6;
        assert!((waste - want).abs() < 1e-12, "waste {waste} vs {want}");
    }
    let [attempts, ..] = failure_closed_form(0.3, 2, 0.0, 0.0, Billed::Input);
    let per_session: Vec<f64> = a.attempts.iter().map(|n| n / 200.0).collect();
    assert_mean(&per_session, attempts, "attempts per turn");
}

#[test]
fn abandoned_attempts_feed_the_cache_only_within_the_ttl() {
    // No failures; every attempt takes 12 s and the client gives up after
    // 10 s, with one retry: both attempts of each turn are abandoned, billed
    // in full, and the turn is lost (prompt 1,500 every turn).
    let mut spec = one_session(1e6, 1000.0);
    spec.cache = Some(cache(300.0, c(10.0)));
    let mut w = workload("agent", cached_price(), WorkloadKind::Agent(spec.clone()));
    w.failures = failures(0.0, 1.0, Billed::None);
    w.timeout = Some(timeout(10.0, c(12.0)));
    let o = run(&scenario(vec![w.clone()]), 3, 23);
    let a = &o.workloads[0];
    // Retried 10 s later, within the 300 s TTL: the retry reads.
    assert_all(quantity(a, Unit::CacheWriteTokens), 5.0 * 1500.0, "writes within the TTL");
    assert_all(quantity(a, Unit::CacheReadTokens), 5.0 * 1500.0, "reads within the TTL");
    assert_all(quantity(a, Unit::OutputTokens), 5.0 * 2.0 * 100.0, "both attempts bill output");

    // A 5 s TTL has expired by the time of the retry: it writes again.
    spec.cache = Some(cache(5.0, c(1.0)));
    w.kind = WorkloadKind::Agent(spec);
    let o = run(&scenario(vec![w]), 3, 24);
    let a = &o.workloads[0];
    assert_all(quantity(a, Unit::CacheWriteTokens), 5.0 * 2.0 * 1500.0, "writes after expiry");
    assert_all(quantity(a, Unit::CacheReadTokens), 0.0, "nothing to read");
}

#[test]
fn compaction_reads_the_cached_context() {
    // Window 4000, compact to 1000, gaps of 10 s under a 300 s TTL. Prompts
    // 1500, 2600, 3700; before turn 4 the 3,800-token context is compacted by
    // a call that reads the cached 3,700-token prompt, writes the 100 tokens
    // after it and returns 1,000; then prompts 2000 (written whole) and 3100.
    let mut spec = one_session(4000.0, 1000.0);
    spec.cache = Some(cache(300.0, c(10.0)));
    spec.compaction_cost = true;
    let o = agent_run(spec.clone(), cached_price());
    let w = &o.workloads[0];
    let reads = 1500.0 + 2600.0 + 3700.0 + 2000.0;
    let writes = 1500.0 + 1100.0 + 1100.0 + 100.0 + 2000.0 + 1100.0;
    assert_all(quantity(w, Unit::CacheReadTokens), reads, "reads");
    assert_all(quantity(w, Unit::CacheWriteTokens), writes, "writes");
    assert_all(quantity(w, Unit::OutputTokens), 500.0 + 1000.0, "turns and compaction output");
    let want = (reads * 0.3 + writes * 3.75 + 1500.0 * 15.0) / 1e6;
    assert_all(&w.spend, want, "spend");

    // Gaps of 400 s: the cache has expired, so the compaction call writes
    // the whole old context, and every turn writes its whole prompt.
    spec.cache = Some(cache(300.0, c(400.0)));
    let o = agent_run(spec, cached_price());
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::CacheReadTokens), 0.0, "expired reads");
    let writes = 1500.0 + 2600.0 + 3700.0 + 3800.0 + 2000.0 + 3100.0;
    assert_all(quantity(w, Unit::CacheWriteTokens), writes, "expired writes");
}

#[test]
fn realtime_sessions_without_turns_bill_nothing() {
    // 0.4 minutes at 1 turn a minute rounds to 0 turns: nobody spoke.
    let mut p = price(0.0, 0.0);
    p.audio = Some(costintent_scenario::AudioPrice {
        input_per_mtok: 32.0,
        output_per_mtok: 64.0,
        cached_input_per_mtok: Some(0.4),
        input_tokens_per_minute: 600.0,
        output_tokens_per_minute: 1200.0,
    });
    let spec = realtime(Volume::Fixed(10.0), c(0.4), 1.0, 0.5);
    let o = run(&scenario(vec![workload("voice", p, WorkloadKind::Realtime(spec))]), 3, 25);
    let w = &o.workloads[0];
    assert_all(&w.spend, 0.0, "spend");
    assert_all(&w.requests, 0.0, "turns");
}

#[test]
fn video_polls_follow_the_job_duration_without_a_client_timeout() {
    // Jobs take 12 s and the client waits for as long as they take (no
    // client timeout): ⌈12 / 5⌉ = 3 polls each.
    let mut spec = video(Volume::Fixed(10.0), c(8.0), 0.1);
    spec.poll = Some(Poll { every_seconds: 5.0, usd_per_poll: 0.001 });
    let mut w = workload("clips", price(0.0, 0.0), WorkloadKind::Video(spec));
    w.timeout = Some(timeout(f64::INFINITY, c(12.0)));
    let o = run(&scenario(vec![w]), 5, 26);
    let w = &o.workloads[0];
    assert_all(quantity(w, Unit::Polls), 30.0, "polls");
    assert_all(&w.spend, 8.0 + 0.03, "spend");
    assert_all(&w.lost, 0.0, "nothing abandoned");
}

#[test]
fn regeneration_above_the_old_cap_is_simulated_exactly() {
    // regenerate = 0.9995: 1 / (1 − 0.9995) = 2,000 requests per initial
    // request on average (the engine used to cap it at 0.999, i.e. 1,000).
    let spec = image(Volume::Fixed(5.0), c(1.0), 0.9995, 0.01);
    let o =
        run(&scenario(vec![workload("img", price(0.0, 0.0), WorkloadKind::Image(spec))]), 2000, 27);
    let w = &o.workloads[0];
    assert_mean(&w.requests, 5.0 * 2000.0, "requests with regenerations");
    assert_eq!(o.clamped_draws, 0, "a fixed value is not clamped");
}

#[test]
fn prompts_above_the_rejection_limit_fail_unbilled() {
    // Input 1,000 or 300,000 tokens with equal probability; the provider
    // rejects prompts above 200k: those requests are lost, bill nothing and
    // are not retried (1 attempt each).
    let mut p = price(3.0, 15.0);
    p.reject_above = Some(200_000.0);
    let spec = requests(Volume::Fixed(100.0), choice_draw(&[1000.0, 300_000.0]), c(100.0));
    let mut w = workload("api", p, WorkloadKind::Requests(spec));
    w.failures = failures(0.0, 3.0, Billed::Full);
    let o = run(&scenario(vec![w]), 4000, 30);
    let a = &o.workloads[0];
    for ((&lost, &attempts), &spend) in a.lost.iter().zip(&a.attempts).zip(&a.spend) {
        let kept = 100.0 - lost;
        assert_eq!(attempts, 100.0, "one attempt each, no retries");
        let want = kept * (1000.0 * 3.0 + 100.0 * 15.0) / 1e6;
        assert!((spend - want).abs() < 1e-12, "only kept requests bill");
    }
    assert_mean(&a.lost, 50.0, "half are rejected");
    assert_all(&a.waste, 0.0, "a rejection is not billed, so not waste");

    // An agent whose context outgrows the limit: prompts 1500, 2600, 3700,
    // then 4800 > 4000 is rejected and the session's later turns too (the
    // context does not shrink), so 2 turns are lost and 3 billed.
    let mut p = price(3.0, 15.0);
    p.reject_above = Some(4000.0);
    let o = agent_run(one_session(1e6, 1000.0), p);
    let a = &o.workloads[0];
    assert_all(&a.lost, 2.0, "turns 4 and 5 rejected");
    assert_all(quantity(a, Unit::InputTokens), 1500.0 + 2600.0 + 3700.0, "billed prompts");
}

/// A fixed choice draw with equal weights.
fn choice_draw(values: &[f64]) -> costintent_scenario::Draw {
    costintent_scenario::Draw::Dist(choice(values, &vec![1.0; values.len()]))
}

#[test]
fn a_price_change_inside_the_period_bills_each_part_at_its_price() {
    // $1 per 1M input until day 12 of 30, then $3: requests fall in the
    // first part with probability 0.4, so with n = 1000 requests of 1M
    // tokens the spend is 1000 · (0.4 · $1 + 0.6 · $3) = $2,200 on average,
    // with variance n · 0.4 · 0.6 · ($3 − $1)² = 960 (binomial split).
    let spec = requests(Volume::Fixed(1000.0), c(1e6), c(0.0));
    let mut w = workload("api", price(1.0, 0.0), WorkloadKind::Requests(spec));
    let later = price(3.0, 0.0);
    w.price_changes = vec![costintent_scenario::PriceChange {
        at_seconds: 12.0 * 86_400.0,
        date: costintent_scenario::Date::new(2026, 11, 13).expect("date"),
        price: later,
    }];
    let n = 20_000;
    let o = run(&scenario(vec![w]), n, 31);
    let a = &o.workloads[0];
    assert_mean(&a.spend, 2200.0, "spend across the change");
    let se_var = 960.0 * (2.0 / n as f64).sqrt();
    assert!((var(&a.spend) - 960.0).abs() < 5.0 * se_var, "variance {}", var(&a.spend));
    for (&spend, &tokens) in a.spend.iter().zip(quantity(a, Unit::InputTokens)) {
        assert_eq!(tokens, 1e9, "every request's tokens are counted once");
        // Spend = k · $1 + (1000 − k) · $3 for a whole k.
        let k = (3000.0 - spend) / 2.0;
        assert!((k - k.round()).abs() < 1e-6 && (0.0..=1000.0).contains(&k), "{spend}");
    }
    assert_identities(&o);
}

#[test]
fn a_model_retired_inside_the_period_rejects_what_comes_after() {
    // Retired (no successor) on day 20 of 30: a third of the requests come
    // after and fail unbilled.
    let spec = requests(Volume::Fixed(300.0), c(1e6), c(0.0));
    let mut w = workload("api", price(2.0, 0.0), WorkloadKind::Requests(spec));
    let mut retired = price(2.0, 0.0);
    let day = costintent_scenario::Date::new(2026, 11, 21).expect("date");
    retired.retired_on = Some(day);
    w.price_changes = vec![costintent_scenario::PriceChange {
        at_seconds: 20.0 * 86_400.0,
        date: day,
        price: retired,
    }];
    let o = run(&scenario(vec![w]), 10_000, 32);
    let a = &o.workloads[0];
    assert_mean(&a.lost, 100.0, "requests after the retirement");
    for (&lost, &spend) in a.lost.iter().zip(&a.spend) {
        assert!((spend - (300.0 - lost) * 2.0).abs() < 1e-9, "lost requests bill nothing");
    }
}
