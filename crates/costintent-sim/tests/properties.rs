//! The engine's invariants on generated scenarios, in every engine mode.
//!
//! Scenarios are generated as scenario text (all five kinds, every volume
//! form: counts, rates, distributions per unit of time and rates that ramp,
//! grow or are listed day by day, in periods of days or calendar months;
//! distributions with per-trial parameters, failures with each billing
//! policy, client timeouts, prompt caches with both TTLs, tools, compaction,
//! a prepaid wallet with fees, catalog models whose prices change or whose
//! long-context rule starts rejecting prompts inside the period, and models
//! priced in the file) and loaded by the parser, which must accept every
//! one: a rejected scenario is a bug of the generator, never skipped.
//!
//! On each scenario, in the exact mode (every unit simulated) and the
//! default one (which draws large trials as compound sums), and on the
//! large ones in the compound mode too (compound sums wherever they are
//! accurate; on every small scenario it would take ten times as long):
//! - the invariants of `tests/invariants` (spend ≥ 0, total = workloads +
//!   wallet fees, spend = sum of units, attempts ≥ requests ≥ lost,
//!   waste ≤ spend, credits used ≤ bought, ordered percentiles inside their
//!   intervals, through the report crate's statistics);
//! - the same outcomes on 1 and 2 threads;
//! - `--scale 0` gives zero spend in every trial.
//!
//! `small` scenarios exercise the rules; `large` ones have enough volume
//! and trials for the default mode to take its fast path in most of them
//! (five in eight when this was written; the fast path is required to
//! happen in `the_fast_path_is_taken_and_keeps_the_invariants`).

#![allow(clippy::unwrap_used)]

use crate::invariants;

use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

use costintent_scenario::{Catalog, Date, LoadOptions, Scenario};
use costintent_sim::{EngineMode, Method, Outcomes, SimOptions, simulate};
use proptest::prelude::*;

/// A text model of the catalog with the first day of a period in which its
/// prices (or its long-context rule, or its availability) change, or do
/// not: the period's workloads are priced in parts.
const CATALOG_MODELS: &[(&str, &str)] = &[
    // Rejects prompts above 200k tokens from 2026-04-30.
    ("anthropic/claude-sonnet-4-5", "2026-04-15"),
    ("anthropic/claude-sonnet-4-6", "2026-03-01"),
    // A long-context tier; prices change on 2025-10-31.
    ("google/gemini-2.5-pro", "2025-10-15"),
    ("openai/gpt-5", "2026-12-01"),
    ("openai/gpt-4.1-nano", "2026-10-10"),
    ("anthropic/claude-haiku-4-5", "2026-11-01"),
];

/// Models priced in the file: text (with a batch discount, cache prices and
/// a long-context tier), images, video and realtime audio.
const OWN_MODELS: &str = r#"
[models."acme/text"]
input_per_mtok = 2
output_per_mtok = 8
cache_read_per_mtok = 0.2
cache_write_per_mtok = 2.5
cache_write_1h_per_mtok = 4
reasoning_per_mtok = 8
batch_discount = 0.5
per_request = 0.0005
long_context = { above = 30000, input_per_mtok = 4, output_per_mtok = 12 }

[models."acme/image"]
per_image = 0.04

[models."acme/video"]
per_video_second = 0.15

[models."acme/voice"]
input_per_mtok = 0.6
output_per_mtok = 2.4
audio = { input_per_mtok = 10, output_per_mtok = 20, cached_input_per_mtok = 0.3, input_tokens_per_minute = 600, output_tokens_per_minute = 1200 }
"#;

fn num(x: f64) -> String {
    format!("{x:.4}")
}

/// A token count per request or turn.
fn tokens(low: f64, high: f64) -> impl Strategy<Value = String> {
    prop_oneof![
        (low..high).prop_map(|x| num(x.round())),
        (low..high, 1.2..6.0f64)
            .prop_map(|(m, f)| format!(r#"{{ dist = "lognormal", median = {}, p90 = {} }}"#, num(m), num(m * f))),
        (low..high, 0.1..0.8f64)
            .prop_map(|(m, cv)| format!(r#"{{ dist = "gamma", mean = {}, sd = {} }}"#, num(m), num(m * cv))),
        (low..high, 0.0..1.0f64)
            .prop_map(|(m, s)| format!(r#"{{ dist = "uniform", min = {}, max = {} }}"#, num(m * s), num(m))),
        (low..high, 0.05..0.5f64)
            .prop_map(|(m, cv)| format!(r#"{{ dist = "normal", mean = {}, sd = {} }}"#, num(m), num(m * cv))),
        (low..high)
            .prop_map(|m| format!(r#"{{ dist = "choice", values = [{}, {}], weights = [3, 1] }}"#, num(m), num(2.0 * m))),
        // An uncertain median, drawn once per trial.
        (low..high).prop_map(|m| format!(
            r#"{{ dist = "lognormal", median = {{ dist = "gamma", mean = {}, sd = {} }}, p90 = {} }}"#,
            num(m),
            num(m / 5.0),
            num(m * 8.0)
        )),
    ]
}

/// A count of things per unit (turns, tool calls, images).
fn count(mean_high: f64) -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..4).prop_map(|n| n.to_string()),
        (1.0..mean_high).prop_map(|m| format!(r#"{{ dist = "geometric", mean = {} }}"#, num(m))),
        (0.5..mean_high).prop_map(|m| format!(r#"{{ dist = "poisson", mean = {} }}"#, num(m))),
        Just(r#"{ dist = "choice", values = [1, 2, 5], weights = [5, 2, 1] }"#.to_owned()),
    ]
}

/// A volume with about `low..high` units per day in a period of `days`
/// days: constant rates and counts, and rates that change day by day.
fn volume(low: f64, high: f64, days: usize) -> BoxedStrategy<String> {
    let constant = prop_oneof![
        (low..high).prop_map(|m| format!(r#"{{ per = "day", mean = {} }}"#, num(m))),
        (low..high).prop_map(|m| format!(r#"{{ per = "hour", mean = {} }}"#, num(m / 24.0))),
        // Over-dispersed: a variance of twice the mean.
        (low..high).prop_map(|m| format!(
            r#"{{ per = "day", dist = "negbin", mean = {}, sd = {} }}"#,
            num(m.max(0.5)),
            num((2.0 * m.max(0.5)).sqrt())
        )),
        (low..high).prop_map(|m| format!(r#"{{ dist = "poisson", mean = {} }}"#, num(m * 7.0))),
        (low..high).prop_map(|m| num((m * 7.0).round())),
        // An uncertain rate, drawn once per trial.
        (low..high).prop_map(|m| format!(
            r#"{{ per = "week", mean = {{ dist = "gamma", mean = {}, sd = {} }} }}"#,
            num(m.max(0.5) * 7.0),
            num(m.max(0.5) * 2.0)
        )),
    ];
    let mut forms = vec![constant.boxed()];
    forms.push(prop_oneof![
        // Growth of a first day's rate, compounded daily (down or up).
        (low..high, -0.5..1.0f64).prop_map(|(m, g)| format!(
            r#"{{ per = "day", mean = {}, growth = {{ per_week = {} }} }}"#,
            num(m),
            num(g)
        )),
        // A count distribution per day that grows.
        (low..high, -0.05..0.1f64).prop_map(|(m, g)| format!(
            r#"{{ per = "day", dist = "negbin", mean = {}, sd = {}, growth = {{ per_day = {} }} }}"#,
            num(m.max(0.5)),
            num((2.0 * m.max(0.5)).sqrt()),
            num(g)
        )),
        // An uncertain growth, drawn once per trial; exact arrivals.
        (low..high).prop_map(|m| format!(
            r#"{{ per = "hour", mean = {}, growth = {{ per_month = {{ dist = "uniform", min = 0, max = 0.5 }} }}, arrivals = "exact" }}"#,
            num(m / 24.0)
        )),
        // Every day's rate.
        (prop::collection::vec(low..high, days), any::<bool>()).prop_map(|(rates, exact)| {
            let rates: Vec<String> = rates.into_iter().map(num).collect();
            let arrivals = if exact { r#", arrivals = "exact""# } else { "" };
            format!(r#"{{ per = "day", daily = [{}]{arrivals} }}"#, rates.join(", "))
        }),
    ]
    .boxed());
    if days >= 2 {
        forms.push(prop_oneof![
            (low..high, low..high).prop_map(|(a, b)| format!(
                r#"{{ per = "day", ramp = {{ from = {}, to = {} }} }}"#,
                num(a),
                num(b)
            )),
            // An uncertain last day's rate; exact arrivals.
            (low..high, low..high).prop_map(|(a, b)| format!(
                r#"{{ per = "day", ramp = {{ from = {}, to = {{ dist = "gamma", mean = {}, sd = {} }} }}, arrivals = "exact" }}"#,
                num(a),
                num(b.max(0.5)),
                num(b.max(0.5) / 4.0)
            )),
        ]
        .boxed());
    }
    // Constant volumes as often as changing ones.
    let changing = prop::strategy::Union::new(forms.split_off(1));
    prop_oneof![forms.remove(0), changing.boxed()].boxed()
}

fn failures() -> impl Strategy<Value = String> {
    let billed = prop::sample::select(vec!["none", "input", "full", "partial"]);
    let rate = prop_oneof![
        (0.0..0.4f64).prop_map(num),
        (0.02..0.3f64).prop_map(|m| format!(
            r#"{{ dist = "beta", mean = {}, sd = {} }}"#,
            num(m),
            num(m / 4.0)
        )),
    ];
    prop_oneof![
        Just(String::new()),
        (rate, 0u32..4, billed).prop_map(|(rate, retries, billed)| format!(
            "failures = {{ rate = {rate}, retries = {retries}, billed = \"{billed}\" }}\n"
        )),
    ]
}

fn timeout() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        1 => (5u32..60, 1.0..20.0f64).prop_map(|(after, median)| format!(
            "timeout = {{ after = \"{after}s\", latency = {{ dist = \"lognormal\", median = \"{}s\", p90 = \"{}s\" }} }}\n",
            num(median),
            num(median * 4.0)
        )),
    ]
}

/// How big a generated scenario is.
#[derive(Clone, Copy, Debug)]
struct Size {
    /// Units (requests, sessions) per day.
    low: f64,
    high: f64,
}

const SMALL: Size = Size { low: 0.0, high: 30.0 };

/// One `[[workload]]` table without its name; `text_model` is the
/// scenario's catalog model.
fn workload(size: Size, text_model: &'static str, days: usize) -> impl Strategy<Value = String> {
    let Size { low, high } = size;
    let text = prop::sample::select(vec![text_model, "acme/text"]);
    let requests = (
        text.clone(),
        volume(low, high, days),
        tokens(50.0, 4000.0),
        tokens(10.0, 800.0),
        prop_oneof![Just(String::new()), tokens(0.0, 500.0).prop_map(|r| format!("reasoning = {r}\n"))],
        prop_oneof![
            Just(String::new()),
            (0.0..0.9f64).prop_map(|c| format!("cached = {}\n", num(c))),
            Just("cached = { dist = \"beta\", mean = 0.4, sd = 0.1 }\n".to_owned()),
        ],
        prop::sample::select(vec!["standard", "batch"]),
        failures(),
        timeout(),
    )
        .prop_map(|(model, volume, input, output, reasoning, cached, mode, failures, timeout)| {
            format!(
                "kind = \"requests\"\nmodel = \"{model}\"\nrequests = {volume}\ninput = {input}\noutput = {output}\n{reasoning}{cached}mode = \"{mode}\"\n{failures}{timeout}"
            )
        });
    let agent = (
        // Sessions of several turns: fewer of them.
        (text, volume(low / 10.0, high / 10.0 + 0.5, days), count(12.0), tokens(50.0, 3000.0), tokens(10.0, 800.0)),
        (
            // context: start < window, compact_to < window
            (20_000.0..250_000.0f64, 0.0..0.5f64, 0.05..0.6f64),
            prop_oneof![
                Just(String::new()),
                (prop::sample::select(vec!["5m", "1h"]), 5.0..600.0f64).prop_map(|(ttl, gap)| format!(
                    "cache = {{ ttl = \"{ttl}\", gap = {{ dist = \"lognormal\", median = \"{}s\", p90 = \"{}s\" }} }}\n",
                    num(gap),
                    num(gap * 6.0)
                )),
            ],
            prop_oneof![
                Just(String::new()),
                (count(3.0), tokens(10.0, 2000.0)).prop_map(|(c, o)| format!("tools = {{ calls = {c}, output = {o} }}\n")),
            ],
            any::<bool>(),
            failures(),
            timeout(),
        ),
    )
        .prop_map(|((model, sessions, turns, input, output), ((window, start, compact), cache, tools, compaction, failures, timeout))| {
            let model = if cache.contains("\"1h\"") { "acme/text" } else { model };
            format!(
                "kind = \"agent\"\nmodel = \"{model}\"\nsessions = {sessions}\nturns = {turns}\ninput = {input}\noutput = {output}\ncontext = {{ start = {}, window = {}, compact_to = {} }}\ncompaction_cost = {compaction}\n{cache}{tools}{failures}{timeout}",
                num((window * start).round()),
                num(window.round()),
                num((window * compact).round()),
            )
        });
    let image = (volume(low / 2.0, high / 2.0, days), count(4.0), prop_oneof![Just(0.0), 0.0..0.6f64], failures(), timeout())
        .prop_map(|(requests, n, regenerate, failures, timeout)| {
            format!(
                "kind = \"image\"\nmodel = \"acme/image\"\nrequests = {requests}\nsize = \"1024x1024\"\nquality = \"high\"\nn = {n}\nregenerate = {}\n{failures}{timeout}",
                num(regenerate)
            )
        });
    let video = (
        volume(low / 4.0, high / 4.0 + 0.5, days),
        prop_oneof![(2u32..20).prop_map(|s| format!("\"{s}s\"")), Just(r#"{ dist = "choice", values = ["4s", "8s"] }"#.to_owned())],
        any::<bool>(),
        prop_oneof![
            Just(String::new()),
            (30u32..300).prop_map(|t| format!("client_timeout = \"{t}s\"\nduration = {{ dist = \"lognormal\", median = \"80s\", p90 = \"5m\" }}\n")),
            Just("duration = { dist = \"lognormal\", median = \"60s\", p90 = \"3m\" }\npoll = { every = \"10s\", cost = 0.0001 }\n".to_owned()),
        ],
        failures(),
    )
        .prop_map(|(requests, seconds, audio, timing, failures)| {
            format!(
                "kind = \"video\"\nmodel = \"acme/video\"\nrequests = {requests}\nseconds = {seconds}\nresolution = \"720p\"\naudio = {audio}\n{timing}{failures}"
            )
        });
    // A voice session has tens of turns, each billing the conversation.
    let realtime = (volume(low / 40.0, high / 40.0 + 0.5, days), tokens(0.5, 15.0), 0.5..8.0f64, prop_oneof![Just(0.5), 0.1..0.9f64], failures())
        .prop_map(|(sessions, minutes, tpm, share, failures)| {
            format!(
                "kind = \"realtime\"\nmodel = \"acme/voice\"\nsessions = {sessions}\nminutes = {minutes}\nturns_per_minute = {}\nuser_share = {}\n{failures}",
                num(tpm),
                num(share)
            )
        });
    prop_oneof![requests, agent, image, video, realtime]
}

fn wallet() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (5.0..200.0f64, 0.0..8.0f64, 0.0..1.0f64, prop_oneof![Just(0.0), 0.0..6.0f64]).prop_map(
            |(topup, fee, fee_min, usage)| format!(
                "[[wallet]]\nname = \"prepaid\"\ntopup = {}\nfee_percent = {}\nfee_min = {}\nusage_fee_percent = {}\n",
                num(topup),
                num(fee),
                num(fee_min),
                num(usage)
            )
        ),
        Just("[[wallet]]\nname = \"prepaid\"\npreset = \"openrouter-card\"\ntopup = 25\n".to_owned()),
    ]
}

/// Days in a month written `YYYY-MM`.
fn month_days(month: &str) -> usize {
    let (year, month) = month.split_once('-').unwrap();
    let (year, month): (u32, u32) = (year.parse().unwrap(), month.parse().unwrap());
    match month {
        2 if year.is_multiple_of(4) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A scenario of `size`: its text and its trial count.
fn scenario(
    size: Size,
    trials: std::ops::Range<u64>,
    max_workloads: usize,
) -> impl Strategy<Value = (String, u64)> {
    let periods = vec!["1d", "7d", "30d", "calendar"];
    (0..CATALOG_MODELS.len(), prop::sample::select(periods), trials, any::<u32>(), wallet())
        .prop_flat_map(move |(model, period, trials, seed, wallet)| {
            let (text_model, prices) = CATALOG_MODELS[model];
            let period = if size.high > SMALL.high { "30d" } else { period };
            // A calendar month where the price date is its first day.
            let (period, days) = match (period, prices.strip_suffix("-01")) {
                ("calendar", Some(month)) => (month.to_owned(), month_days(month)),
                ("calendar", None) | ("30d", _) => ("30d".to_owned(), 30),
                ("7d", _) => ("7d".to_owned(), 7),
                _ => ("1d".to_owned(), 1),
            };
            let workloads = prop::collection::vec(
                (workload(size, text_model, days), any::<bool>()),
                1..=max_workloads,
            );
            (Just((text_model, prices, period, trials, seed, wallet)), workloads)
        })
        .prop_map(|((_, prices, period, trials, seed, wallet), workloads)| {
            let mut text = format!(
                "[scenario]\nname = \"generated\"\nperiod = \"{period}\"\ntrials = {trials}\nseed = {seed}\nprices = {prices}\nbudget = 100\n\n{wallet}\n{OWN_MODELS}\n"
            );
            for (i, (body, via)) in workloads.iter().enumerate() {
                let _ = write!(text, "[[workload]]\nname = \"w{i}\"\n{body}");
                if *via && !wallet.is_empty() {
                    text.push_str("via = \"prepaid\"\n");
                }
                text.push('\n');
            }
            (text, trials)
        })
}

fn load(text: &str) -> Scenario {
    let catalog = Catalog::embedded();
    let today = Date::new(2026, 11, 29).unwrap();
    let options = LoadOptions { catalog: &catalog, today, overrides: &[] };
    match costintent_scenario::load_str("generated.toml", text, &options) {
        Ok(checked) => checked.scenario,
        Err(d) => panic!("the generator wrote an invalid scenario:\n{}\n{text}", d.render_plain()),
    }
}

fn run(s: &Scenario, trials: u64, mode: EngineMode, threads: usize, scale: f64) -> Outcomes {
    let options = SimOptions { threads, scale, mode, ..SimOptions::new(trials, s.seed) };
    simulate(s, &options, &|_| {}, &AtomicBool::new(false)).unwrap()
}

/// The three engine modes.
const ALL_MODES: &[EngineMode] = &[EngineMode::Exact, EngineMode::Auto, EngineMode::Compound];

/// Every property, in each of `modes`; the number of workloads the default
/// mode drew as sums.
fn check(text: &str, trials: u64, modes: &[EngineMode]) -> Result<usize, TestCaseError> {
    let s = load(text);
    let mut fast = 0;
    for &mode in modes {
        let one = run(&s, trials, mode, 1, 1.0);
        let found =
            invariants::violations(&one, trials as usize, s.workloads.len(), s.wallets.len());
        prop_assert!(found.is_empty(), "{mode:?} mode:\n{}\n{text}", found.join("\n"));
        let two = run(&s, trials, mode, 2, 1.0);
        prop_assert!(one == two, "{mode:?} mode: 1 and 2 threads differ\n{text}");
        let zero = run(&s, trials, mode, 2, 0.0);
        prop_assert!(
            zero.total.iter().all(|&t| t == 0.0),
            "{mode:?} mode: --scale 0 spends {:?}\n{text}",
            zero.total.iter().find(|&&t| t != 0.0)
        );
        let found =
            invariants::violations(&zero, trials as usize, s.workloads.len(), s.wallets.len());
        prop_assert!(found.is_empty(), "{mode:?} mode, scale 0:\n{}\n{text}", found.join("\n"));
        if mode == EngineMode::Auto {
            fast += one
                .methods
                .iter()
                .filter(|m| matches!(m, Method::Fast { fast_trials, .. } if *fast_trials > 0))
                .count();
        }
    }
    Ok(fast)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn small_scenarios_keep_the_invariants_exact_and_by_default((text, trials) in scenario(SMALL, 40..80, 3)) {
        check(&text, trials, &[EngineMode::Exact, EngineMode::Auto])?;
    }
}

/// Volumes and trials large enough for the fast path.
const LARGE: Size = Size { low: 600.0, high: 1500.0 };

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn large_scenarios_keep_the_invariants_in_every_mode((text, trials) in scenario(LARGE, 120..160, 1)) {
        check(&text, trials, ALL_MODES)?;
    }
}

#[test]
fn the_fast_path_is_taken_and_keeps_the_invariants() {
    // 200 trials of about 30,000 requests each: the default mode draws
    // them as compound sums.
    let text = format!(
        "[scenario]\nname = \"large\"\nperiod = \"30d\"\ntrials = 200\nseed = 7\nprices = 2026-11-01\n\n\
         [[wallet]]\nname = \"prepaid\"\ntopup = 500\nfee_percent = 5.5\nfee_min = 0.8\n\
         {OWN_MODELS}\n\
         [[workload]]\nname = \"api\"\nkind = \"requests\"\nmodel = \"acme/text\"\n\
         requests = {{ per = \"day\", mean = 1000 }}\n\
         input = {{ dist = \"lognormal\", median = 1200, p90 = 2400 }}\noutput = {{ dist = \"gamma\", mean = 300, sd = 120 }}\n\
         failures = {{ rate = 0.05, retries = 2, billed = \"partial\" }}\nvia = \"prepaid\"\n"
    );
    let fast = check(&text, 200, ALL_MODES).unwrap();
    assert_eq!(fast, 1, "the default mode drew the workload's trials as sums");
}

#[test]
fn the_invariants_catch_broken_outcomes() {
    // The checks themselves must be able to fail: break a real run's
    // outcomes one way at a time.
    let text = format!(
        "[scenario]\nname = \"check\"\nperiod = \"7d\"\nprices = 2026-11-01\n\n\
         [[wallet]]\nname = \"prepaid\"\ntopup = 5\nfee_percent = 5\nfee_min = 0.5\n\
         {OWN_MODELS}\n\
         [[workload]]\nname = \"api\"\nkind = \"requests\"\nmodel = \"acme/text\"\n\
         requests = {{ per = \"day\", mean = 50 }}\ninput = 1000\noutput = 200\n\
         failures = {{ rate = 0.1, retries = 1, billed = \"full\" }}\nvia = \"prepaid\"\n"
    );
    let s = load(&text);
    let good = run(&s, 50, EngineMode::Exact, 1, 1.0);
    let broken = |f: &dyn Fn(&mut Outcomes)| {
        let mut o = good.clone();
        f(&mut o);
        invariants::violations(&o, 50, 1, 1)
    };
    assert!(broken(&|_| {}).is_empty());
    assert!(!broken(&|o| o.total[3] += 0.01).is_empty(), "total ≠ parts");
    assert!(!broken(&|o| o.workloads[0].units[0].usd[1] += 0.01).is_empty(), "spend ≠ units");
    assert!(!broken(&|o| o.workloads[0].requests[2] = o.workloads[0].attempts[2] + 1.0).is_empty());
    assert!(!broken(&|o| o.workloads[0].lost[2] = o.workloads[0].requests[2] + 1.0).is_empty());
    assert!(!broken(&|o| o.workloads[0].waste[4] = o.workloads[0].spend[4] * 2.0 + 1.0).is_empty());
    assert!(
        !broken(&|o| o.wallets[0].credits_used[0] = o.wallets[0].credits_bought[0] + 1.0)
            .is_empty()
    );
    assert!(!broken(&|o| o.total[0] = f64::NAN).is_empty(), "NaN");
    assert!(!broken(&|o| o.total.pop().map(|_| ()).unwrap_or(())).is_empty(), "a missing trial");
    assert!(!broken(&|o| o.methods.clear()).is_empty(), "no methods");
}
