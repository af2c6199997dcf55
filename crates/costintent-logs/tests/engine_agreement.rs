//! The engine and this crate price tokens by the same rules (the engine's
//! are stated in the module documentation of costintent-sim's `prices`
//! and `kinds`): the same token counts, run through a deterministic
//! scenario in the engine and through `costintent_logs::pricing::price`,
//! must cost the same to 1e-12 relative.
//!
//! The rules compared:
//! - a missing cache-read or cache-write price falls back to the input price,
//!   a missing reasoning price to the output price;
//! - the long-context tier is whole-request, decided per request (per agent
//!   turn) by the prompt including cache reads and writes; a tier cache price
//!   the catalog does not give is the base one × tier input / base input, the
//!   tier reasoning price the base one × tier output / base output;
//! - batch: every token price × (1 − discount); no discount, standard price;
//! - 5-minute and 1-hour cache writes;
//! - per-request fees per attempt; credits at the list price of a credit.
//!
//! Not compared: the rejection limit (`reject_above`), which the engine
//! does not bill by (only `check` warns), and images, video and audio,
//! which logs carry without the size, resolution or audio split the engine
//! prices by.

use std::sync::atomic::AtomicBool;

use costintent_logs::pricing::{self, Length, PriceClass, TokenSums};
use costintent_scenario::{
    AgentSpec, Billed, Cache, CacheWritePrice, Catalog, Context, Currency, Date, Draw, Failures,
    LongContext, Mode, ModelPrice, Period, RequestsSpec, Scenario, Value, Volume, Workload,
    WorkloadKind,
};

const TRIALS: u64 = 3;

fn resolve(id: &str, day: &str) -> ModelPrice {
    let date: Date = day.parse().expect("a test date");
    Catalog::embedded().resolve(id, date).expect("a catalog model")
}

/// What the engine bills for one workload, the same in every trial.
fn engine_spend(price: &ModelPrice, kind: WorkloadKind) -> f64 {
    let scenario = Scenario {
        name: "agreement".into(),
        period: Period { seconds: 30.0 * 86_400.0, text: "30d".into() },
        trials: Some(TRIALS),
        seed: 7,
        prices_date: "2026-09-01".parse().expect("a test date"),
        budget: None,
        workloads: vec![Workload {
            name: "w".into(),
            price: price.clone(),
            price_changes: Vec::new(),
            tokens_rescaled: None,
            failures: Failures {
                rate: Value::Fixed(0.0),
                retries: Value::Fixed(0.0),
                billed: Billed::None,
            },
            timeout: None,
            via: None,
            api_key: None,
            kind,
        }],
        wallets: vec![],
    };
    let options = costintent_sim::SimOptions::new(TRIALS, 7);
    let out = costintent_sim::simulate(&scenario, &options, &|_| {}, &AtomicBool::new(false))
        .expect("not cancelled");
    let spend = &out.workloads[0].spend;
    assert_eq!(spend.len() as u64, TRIALS);
    assert!(spend.iter().all(|s| *s == spend[0]), "a deterministic scenario: {spend:?}");
    spend[0]
}

/// What the logs crate prices for the same requests.
fn logs_price(price: &ModelPrice, batch: bool, requests: &[(u64, TokenSums)]) -> f64 {
    requests
        .iter()
        .map(|(prompt, sums)| {
            let length = pricing::length(price, *prompt);
            assert!(!matches!(length, Length::AboveLimit { .. }), "not compared");
            let class = PriceClass { batch, long_context: length == Length::LongContext };
            pricing::price(price, class, sums).usd
        })
        .sum()
}

fn assert_same(engine: f64, logs: f64, what: &str) {
    assert!(engine > 0.0, "{what}: something is billed");
    assert!(
        (engine - logs).abs() <= 1e-12 * engine.abs(),
        "{what}: engine ${engine}, logs ${logs}"
    );
}

/// One request of `input` tokens (a share `cached` read from the cache),
/// `output` and `reasoning`, per trial.
fn one_request(input: f64, cached: f64, output: f64, reasoning: f64, mode: Mode) -> WorkloadKind {
    WorkloadKind::Requests(RequestsSpec {
        requests: Volume::Fixed(1.0),
        input: Draw::Const(input),
        output: Draw::Const(output),
        reasoning: Some(Draw::Const(reasoning)),
        cached: Value::Fixed(cached),
        mode,
    })
}

/// The logs' view of `one_request`: (prompt, counts).
fn one_request_sums(input: u64, read: u64, output: u64, reasoning: u64) -> (u64, TokenSums) {
    let sums = TokenSums {
        uncached_input: input - read,
        cache_read: read,
        output,
        reasoning,
        requests: 1,
        ..TokenSums::default()
    };
    (input, sums)
}

/// A price with no cache, reasoning or tier cache prices, a batch discount
/// and a request fee: every fallback at once.
fn sparse() -> ModelPrice {
    ModelPrice {
        id: "test/sparse".into(),
        input_per_mtok: Some(2.0),
        output_per_mtok: Some(8.0),
        batch_discount: Some(0.4),
        per_request: Some(0.001),
        long_context: Some(LongContext {
            above: 100_000.0,
            input_per_mtok: 5.0,
            output_per_mtok: 12.0,
            cache_read_per_mtok: None,
            cache_write_5m_per_mtok: None,
            cache_write_1h_per_mtok: None,
        }),
        ..ModelPrice::default()
    }
}

#[test]
fn requests_cost_the_same_in_the_engine_and_in_the_logs() {
    let with_reasoning_price = ModelPrice {
        reasoning_per_mtok: Some(10.0),
        cache_read_per_mtok: Some(0.2),
        currency: Currency::Credits { usd_per_credit: 0.5 },
        ..sparse()
    };
    let cases = [
        // The tier with every price given (its last day), and base prices.
        ("sonnet 4.5, tier", resolve("anthropic/claude-sonnet-4-5", "2026-04-29"), 250_000),
        ("sonnet 4.5, base", resolve("anthropic/claude-sonnet-4-5", "2026-04-29"), 150_000),
        // A 50% batch discount and no cache-write prices.
        ("gpt-5", resolve("openai/gpt-5", "2026-09-01"), 80_000),
        ("sparse, tier", sparse(), 120_000),
        ("sparse, base", sparse(), 60_000),
        ("reasoning price, credits, tier", with_reasoning_price.clone(), 120_000),
        ("reasoning price, credits, base", with_reasoning_price, 60_000),
        // No batch discount: batch is priced at the standard price.
        ("no discount", ModelPrice { batch_discount: None, ..sparse() }, 120_000),
    ];
    for (what, price, input) in cases {
        for (mode, batch) in [(Mode::Standard, false), (Mode::Batch, true)] {
            // A quarter of the input read from the cache; reasoning apart.
            let read = input / 4;
            let kind = one_request(input as f64, 0.25, 3_000.0, 700.0, mode);
            let engine = engine_spend(&price, kind);
            let logs = logs_price(&price, batch, &[one_request_sums(input, read, 3_000, 700)]);
            assert_same(engine, logs, &format!("{what}, batch {batch}"));
        }
    }
}

/// An agent session of two turns 60 s apart under a 5-minute (or 1-hour)
/// TTL: turn 1 writes its whole prompt P1 = start + input; turn 2 reads P1
/// and writes output₁ + input, with prompt P2 = P1 + output₁ + input.
fn two_turns(start: f64, input: f64, output: f64, reasoning: f64, ttl: f64) -> WorkloadKind {
    WorkloadKind::Agent(AgentSpec {
        sessions: Volume::Fixed(1.0),
        turns: Draw::Const(2.0),
        input: Draw::Const(input),
        output: Draw::Const(output),
        context: Context { start, window: 10_000_000.0, compact_to: 1_000.0 },
        compaction_cost: false,
        cache: Some(Cache {
            ttl_seconds: ttl,
            write_price: if ttl > 300.0 {
                CacheWritePrice::OneHour
            } else {
                CacheWritePrice::FiveMinutes
            },
            gap: Draw::Const(60.0),
        }),
        tools: None,
        reasoning: Some(Draw::Const(reasoning)),
    })
}

fn two_turn_sums(
    start: u64,
    input: u64,
    output: u64,
    reasoning: u64,
    one_hour: bool,
) -> [(u64, TokenSums); 2] {
    let p1 = start + input;
    let p2 = p1 + output + input;
    let write = |n: u64| {
        if one_hour {
            TokenSums { cache_write_1h: n, ..TokenSums::default() }
        } else {
            TokenSums { cache_write_5m: n, ..TokenSums::default() }
        }
    };
    let turn = |written: u64, read: u64| TokenSums {
        cache_read: read,
        output,
        reasoning,
        requests: 1,
        ..write(written)
    };
    [(p1, turn(p1, 0)), (p2, turn(output + input, p1))]
}

#[test]
fn agent_cache_writes_and_the_per_turn_tier_cost_the_same() {
    let sonnet = resolve("anthropic/claude-sonnet-4-5", "2026-04-29");
    let cases = [
        ("sonnet 4.5", sonnet.clone()),
        // No cache prices at all: reads and writes pay the input price.
        ("sparse", sparse()),
    ];
    for (what, price) in cases {
        for (ttl, one_hour) in [(300.0, false), (3_600.0, true)] {
            // P1 = 160,000 is below 200k; P2 = 215,000 is above: turn 2 pays the tier.
            let engine = engine_spend(&price, two_turns(150_000.0, 10_000.0, 45_000.0, 500.0, ttl));
            let logs =
                logs_price(&price, false, &two_turn_sums(150_000, 10_000, 45_000, 500, one_hour));
            assert_same(engine, logs, &format!("{what}, 1-hour writes {one_hour}"));
        }
    }
    // Anchored by hand (USD per 1M, Sonnet 4.5 on 2026-04-29, 5-minute writes):
    // turn 1: 160,000 × 3.75 + 45,000 × 15 + 500 × 15 = 1.2825;
    // turn 2 (tier): 160,000 × 0.60 + 55,000 × 7.50 + 45,500 × 22.50 = 1.53225.
    let logs = logs_price(&sonnet, false, &two_turn_sums(150_000, 10_000, 45_000, 500, false));
    assert!((logs - 2.81475).abs() < 1e-12, "{logs}");
}
