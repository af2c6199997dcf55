//! Synthetic scenarios and outcomes for the report tests.
//!
//! The outcomes are filled directly (no engine), with simple deterministic
//! per-trial formulas whose totals are consistent: total = Σ workload spend +
//! Σ wallet fees, and each workload's spend = Σ of its units' USD.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use costintent_scenario::{
    AgentSpec, Billed, Cache, CacheWritePrice, Choice, Context, Date, Dist, Draw, Failures,
    ImageSpec, LogNormalParams, ModelPrice, NegBinSpread, Origin, Period, PriceLine, Scenario,
    TimeUnit, Value, VideoSpec, Volume, Wallet, Workload, WorkloadKind,
};
use costintent_sim::{Outcomes, Unit, UnitSeries, WalletOutcome, WorkloadOutcome};

pub fn date() -> Date {
    "2026-11-01".parse().expect("valid date")
}

fn line(unit: &str, variant: &str, usd: f64, per: &str, source: &str) -> PriceLine {
    PriceLine {
        unit: unit.into(),
        variant: variant.into(),
        usd,
        credits: None,
        per: per.into(),
        valid_from: Some("2025-09-29".parse().expect("valid date")),
        valid_until: None,
        source: source.into(),
    }
}

fn lognormal(median: f64, p90: f64) -> Draw {
    Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 {
        median: Value::Fixed(median),
        p90: Value::Fixed(p90),
    }))
}

/// A scenario with an agent paying through a wallet, an image workload and a
/// video workload with a choice of durations.
pub fn scenario(budget: Option<f64>) -> Scenario {
    let sonnet_source = "https://www.anthropic.com/pricing (read 2026-11-01)";
    let agent = Workload {
        name: "agent".into(),
        price_changes: Vec::new(),
        tokens_rescaled: None,
        price: ModelPrice {
            id: "anthropic/claude-sonnet-4-5".into(),
            origin: Origin::Catalog,
            input_per_mtok: Some(3.0),
            output_per_mtok: Some(15.0),
            cache_read_per_mtok: Some(0.3),
            cache_write_5m_per_mtok: Some(3.75),
            lines: vec![
                line("input_token", "", 3.0, "1M tokens", sonnet_source),
                line("output_token", "", 15.0, "1M tokens", sonnet_source),
                line("cache_read_token", "", 0.3, "1M tokens", sonnet_source),
                line("cache_write_5m_token", "", 3.75, "1M tokens", sonnet_source),
            ],
            ..ModelPrice::default()
        },
        failures: Failures {
            rate: Value::PerTrial {
                dist: Box::new(Dist::Beta { mean: Value::Fixed(0.03), sd: Value::Fixed(0.01) }),
                domain: costintent_scenario::Domain::Probability,
            },
            retries: Value::Fixed(3.0),
            billed: Billed::Input,
        },
        timeout: None,
        via: Some(0),
        api_key: None,
        kind: WorkloadKind::Agent(AgentSpec {
            sessions: Volume::PerUnit {
                per: TimeUnit::Day,
                units: 30.0,
                dist: Dist::Poisson { mean: Value::Fixed(60.0) },
            },
            turns: Draw::Dist(Dist::NegBin {
                mean: Value::Fixed(25.0),
                spread: NegBinSpread::P90(Value::Fixed(60.0)),
            }),
            input: lognormal(3000.0, 12_000.0),
            output: lognormal(600.0, 2500.0),
            context: Context { start: 12_000.0, window: 200_000.0, compact_to: 30_000.0 },
            compaction_cost: false,
            cache: Some(Cache {
                ttl_seconds: 300.0,
                write_price: CacheWritePrice::FiveMinutes,
                gap: lognormal(20.0, 240.0),
            }),
            tools: None,
            reasoning: None,
        }),
    };
    let image = Workload {
        name: "thumbnails".into(),
        price_changes: Vec::new(),
        tokens_rescaled: None,
        price: ModelPrice {
            id: "openai/gpt-image-1".into(),
            origin: Origin::Scenario,
            lines: vec![line(
                "image",
                "size=1024x1024 quality=medium",
                0.042,
                "image",
                "scenario file",
            )],
            ..ModelPrice::default()
        },
        failures: Failures {
            rate: Value::Fixed(0.02),
            retries: Value::Fixed(2.0),
            billed: Billed::None,
        },
        timeout: None,
        via: None,
        api_key: None,
        kind: WorkloadKind::Image(ImageSpec {
            requests: Volume::Fixed(800.0),
            size: "1024x1024".into(),
            quality: "medium".into(),
            n: Draw::Const(1.0),
            regenerate: Value::Fixed(0.1),
            usd_per_image: 0.042,
        }),
    };
    let video = Workload {
        name: "clips".into(),
        price_changes: Vec::new(),
        tokens_rescaled: None,
        price: ModelPrice {
            id: "openai/sora-2".into(),
            origin: Origin::Catalog,
            lines: vec![line(
                "video_second",
                "resolution=720p",
                0.1,
                "second",
                "https://openai.com/api/pricing (read 2026-11-01)",
            )],
            ..ModelPrice::default()
        },
        failures: Failures::none(),
        timeout: None,
        via: None,
        api_key: None,
        kind: WorkloadKind::Video(VideoSpec {
            requests: Volume::PerPeriod(Dist::Poisson { mean: Value::Fixed(40.0) }),
            seconds: Draw::Dist(Dist::Choice(Arc::new(Choice {
                values: vec![4.0, 8.0, 12.0],
                cumulative: vec![0.25, 0.75, 1.0],
            }))),
            resolution: "720p".into(),
            audio: false,
            poll: None,
            usd_per_second: 0.1,
        }),
    };
    Scenario {
        name: "Pilot, 12 engineers".into(),
        period: Period { seconds: 30.0 * 86_400.0, text: "30d".into() },
        trials: Some(20),
        seed: 42,
        prices_date: date(),
        budget,
        workloads: vec![agent, image, video],
        wallets: vec![Wallet {
            name: "openrouter".into(),
            credit_usd: 1.0,
            fee_percent: 5.5,
            fee_min: 0.8,
            topup: 25.0,
            usage_fee_percent: 0.0,
            usage_fee_free_requests_per_month: 0.0,
        }],
    }
}

/// A spread-out but deterministic number in [0, 1) for trial `i`.
fn jitter(i: usize, salt: usize) -> f64 {
    ((i * 37 + salt * 11) % 101) as f64 / 101.0
}

fn series(unit: Unit, quantity: Vec<f64>, usd_per_unit: f64) -> UnitSeries {
    let usd = quantity.iter().map(|q| q * usd_per_unit).collect();
    UnitSeries { unit, quantity, usd }
}

fn sum_usd(units: &[UnitSeries], n: usize) -> Vec<f64> {
    (0..n).map(|i| units.iter().map(|u| u.usd[i]).sum()).collect()
}

/// Consistent outcomes for [`scenario`] over `n` trials starting at `first_trial`.
pub fn outcomes(n: usize, first_trial: u64) -> Outcomes {
    let agent_units = vec![
        series(Unit::InputTokens, (0..n).map(|i| 2e6 * (1.0 + jitter(i, 1))).collect(), 3e-6),
        series(Unit::OutputTokens, (0..n).map(|i| 5e5 * (1.0 + jitter(i, 2))).collect(), 15e-6),
        series(Unit::CacheReadTokens, (0..n).map(|i| 3e7 * (1.0 + jitter(i, 3))).collect(), 0.3e-6),
        series(
            Unit::CacheWriteTokens,
            (0..n).map(|i| 4e6 * (1.0 + jitter(i, 4))).collect(),
            3.75e-6,
        ),
    ];
    let agent_spend = sum_usd(&agent_units, n);
    let agent = WorkloadOutcome {
        name: "agent".into(),
        waste: agent_spend.iter().map(|s| 0.03 * s).collect(),
        spend: agent_spend.clone(),
        attempts: (0..n).map(|i| 1900.0 + (i % 9) as f64).collect(),
        requests: vec![1800.0; n],
        lost: (0..n).map(|i| (i % 3) as f64).collect(),
        units: agent_units,
    };
    let image_units =
        vec![series(Unit::Images, (0..n).map(|i| 880.0 + (i % 7) as f64).collect(), 0.042)];
    let image_spend = sum_usd(&image_units, n);
    let image = WorkloadOutcome {
        name: "thumbnails".into(),
        waste: vec![0.0; n],
        spend: image_spend,
        attempts: (0..n).map(|i| 898.0 + (i % 7) as f64).collect(),
        requests: (0..n).map(|i| 880.0 + (i % 7) as f64).collect(),
        lost: vec![0.0; n],
        units: image_units,
    };
    let video_units = vec![series(
        Unit::VideoSeconds,
        (0..n).map(|i| 320.0 + 8.0 * (i % 5) as f64).collect(),
        0.1,
    )];
    let video_spend = sum_usd(&video_units, n);
    let video = WorkloadOutcome {
        name: "clips".into(),
        waste: vec![0.0; n],
        spend: video_spend,
        attempts: vec![40.0; n],
        requests: vec![40.0; n],
        lost: vec![0.0; n],
        units: video_units,
    };
    let topups: Vec<f64> = agent_spend.iter().map(|s| (s / 25.0).ceil()).collect();
    let wallet = WalletOutcome {
        name: "openrouter".into(),
        purchase_fees: topups.iter().map(|t| t * 1.375).collect(),
        usage_fees: vec![0.0; n],
        credits_bought: topups.iter().map(|t| t * 25.0).collect(),
        credits_used: agent_spend.clone(),
        topups,
    };
    let total = (0..n)
        .map(|i| agent.spend[i] + image.spend[i] + video.spend[i] + wallet.purchase_fees[i])
        .collect();
    Outcomes {
        first_trial,
        total,
        workloads: vec![agent, image, video],
        wallets: vec![wallet],
        clamped_draws: 0,
        methods: Vec::new(),
    }
}

/// Outcomes of a single workload `w` (no wallets) with the given totals.
pub fn single_workload(totals: &[f64]) -> (Scenario, Outcomes) {
    let mut scenario = scenario(None);
    scenario.workloads.truncate(2);
    scenario.workloads.remove(0);
    scenario.wallets.clear();
    let n = totals.len();
    let images = series(Unit::Images, totals.iter().map(|t| t / 0.042).collect(), 0.042);
    let outcome = WorkloadOutcome {
        name: "thumbnails".into(),
        spend: images.usd.clone(),
        waste: vec![0.0; n],
        attempts: vec![1.0; n],
        requests: vec![1.0; n],
        lost: vec![0.0; n],
        units: vec![images],
    };
    let outcomes = Outcomes {
        first_trial: 0,
        total: outcome.spend.clone(),
        workloads: vec![outcome],
        wallets: Vec::new(),
        clamped_draws: 0,
        methods: Vec::new(),
    };
    (scenario, outcomes)
}
