//! Round trips of `calibrate`: synthetic usage logs written from a known
//! model by this file's own seeded generator (dated `costintent.attempt/v1`
//! JSONL, read back through the logs crate), fitted, and compared with the
//! model that wrote them.
//!
//! Tolerance: every recovered parameter lies within 4 of its own standard
//! errors of the truth (|estimate − truth| ≤ 4 se; a correct standard error
//! fails that about once in 16,000 draws). The coverage test checks that
//! the standard errors are honest: over 24 seeds the z-scores
//! (estimate − truth) / se have a standard deviation between 0.6 and 1.5.

use std::io::Cursor;

use costintent_analysis::calibrate::{
    CalibrateOptions, Calibration, CountLaw, Fit, KeyFit, LogNormalFit, calibrate,
};
use costintent_logs::{
    Attempt, Dims, ImportOptions, Input, Src, Status, Tokens, read_records, write_attempt,
};
use costintent_scenario::{Catalog, Date, LoadOptions, Scenario, load_str};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Gamma, LogNormal, Poisson};

const Z90: f64 = 1.281_551_565_544_600_4;
/// The tolerance, in standard errors.
const K: f64 = 4.0;

/// A lognormal by its log's mean and sd.
#[derive(Clone, Copy, Debug)]
struct Ln {
    mu: f64,
    sigma: f64,
}

impl Ln {
    fn median_p90(median: f64, p90: f64) -> Self {
        Self { mu: median.ln(), sigma: (p90 / median).ln() / Z90 }
    }
    fn draw(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        LogNormal::new(self.mu, self.sigma).expect("valid").sample(rng)
    }
    fn count(&self, rng: &mut Xoshiro256PlusPlus) -> u64 {
        self.draw(rng).round().max(1.0) as u64
    }
}

/// A count: Poisson (`sd` None) or negative binomial as gamma–Poisson.
fn count(rng: &mut Xoshiro256PlusPlus, mean: f64, sd: Option<f64>) -> u64 {
    let lambda = match sd {
        None => mean,
        Some(sd) => {
            let r = mean * mean / (sd * sd - mean);
            Gamma::new(r, mean / r).expect("valid").sample(rng)
        }
    };
    if lambda <= 0.0 { 0 } else { Poisson::new(lambda).expect("valid").sample(rng) as u64 }
}

/// The model a requests workload's log is written from.
#[derive(Clone, Debug)]
struct RequestsTruth {
    days: u32,
    per_day: f64,
    per_day_sd: Option<f64>,
    input: Ln,
    output: Ln,
    cached_share: f64,
    failure_rate: f64,
    retries: u32,
}

/// The model an agent workload's log is written from (the engine's rule).
#[derive(Clone, Debug)]
struct AgentTruth {
    days: u32,
    sessions_per_day: f64,
    turns_mean: f64,
    turns_sd: f64,
    start: f64,
    input: Ln,
    output: Ln,
    window: f64,
    compact_to: f64,
    gap: Ln,
    ttl: f64,
    failure_rate: f64,
}

fn iso(ms: i64) -> String {
    costintent_logs::time::format_millis(ms)
}

const DAY0_MS: i64 = 1_796_083_200_000; // 2026-12-01T00:00:00Z

fn base(workload: &str, model: &str, id: String, parent: String, attempt: u32, ms: i64) -> Attempt {
    Attempt {
        src: Src { kind: "costintent.sim".into(), file: None, line: None },
        provider: "anthropic".into(),
        model: model.into(),
        request_id: Some(id),
        parent_id: Some(parent),
        attempt: Some(attempt),
        ts_start: Some(iso(ms)),
        dims: Dims { workload: Some(workload.into()), ..Dims::default() },
        ..Attempt::default()
    }
}

fn requests_log(t: &RequestsTruth, seed: u64) -> Vec<Attempt> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = Vec::new();
    let mut request = 0u64;
    for day in 0..t.days {
        let n = count(&mut rng, t.per_day, t.per_day_sd);
        for _ in 0..n {
            request += 1;
            let ms = DAY0_MS + i64::from(day) * 86_400_000 + rng.random_range(0..86_400_000i64);
            let input = t.input.count(&mut rng);
            let output = t.output.count(&mut rng);
            // The cached part: a uniform share with mean `cached_share`.
            let read = (input as f64 * rng.random_range(0.0..2.0 * t.cached_share)).round() as u64;
            for attempt in 1..=t.retries + 1 {
                let fails = rng.random::<f64>() < t.failure_rate;
                let mut a = base(
                    "chat",
                    "claude-haiku-4-5",
                    format!("r{request}-a{attempt}"),
                    format!("r{request}"),
                    attempt,
                    ms + i64::from(attempt) * 2_000,
                );
                if fails {
                    a.status = Status::Error;
                    a.http_status = Some(529);
                } else {
                    a.tokens = Tokens {
                        input: Some(input),
                        output: Some(output),
                        cache_read: Some(read),
                        ..Tokens::default()
                    };
                }
                out.push(a);
                if !fails {
                    break;
                }
            }
        }
    }
    out
}

/// Sessions of turns by the engine's agent rule (no tools, no reasoning,
/// failed attempts unbilled and without usage, 3 retries).
fn agent_log(t: &AgentTruth, seed: u64) -> Vec<Attempt> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = Vec::new();
    let (mut session, mut request) = (0u64, 0u64);
    for day in 0..t.days {
        let sessions = count(&mut rng, t.sessions_per_day, None);
        for _ in 0..sessions {
            session += 1;
            let mut ms = DAY0_MS + i64::from(day) * 86_400_000 + rng.random_range(0..80_000_000i64);
            let turns = count(&mut rng, t.turns_mean, Some(t.turns_sd));
            let mut context = t.start;
            let mut cached_prompt: Option<f64> = None;
            for turn in 0..turns {
                request += 1;
                let x = t.input.count(&mut rng) as f64;
                let y = t.output.count(&mut rng) as f64;
                let compacted = context + x > t.window;
                if compacted {
                    context = t.compact_to;
                }
                let prompt = context + x;
                let alive = if turn > 0 {
                    let gap = t.gap.draw(&mut rng);
                    ms += (gap * 1000.0).round() as i64;
                    gap < t.ttl && cached_prompt.is_some()
                } else {
                    false
                };
                if compacted {
                    cached_prompt = None;
                }
                let (read, write) = match (compacted || !alive, cached_prompt) {
                    (false, Some(c)) => (c, prompt - c),
                    _ => (0.0, prompt),
                };
                let mut ok = false;
                for attempt in 1..=4 {
                    let fails = rng.random::<f64>() < t.failure_rate;
                    let mut a = base(
                        "agent",
                        "claude-sonnet-4-6",
                        format!("s{session}-r{request}-a{attempt}"),
                        format!("s{session}-r{request}"),
                        attempt,
                        ms + i64::from(attempt - 1) * 1_000,
                    );
                    a.session_id = Some(format!("s{session}"));
                    if fails {
                        a.status = Status::Error;
                        a.http_status = Some(529);
                    } else {
                        a.tokens = Tokens {
                            input: Some(prompt as u64),
                            output: Some(y as u64),
                            cache_read: Some(read as u64),
                            cache_write: Some(write as u64),
                            ..Tokens::default()
                        };
                        ok = true;
                    }
                    out.push(a);
                    if ok {
                        break;
                    }
                }
                if ok {
                    context = prompt + y;
                    cached_prompt = Some(prompt);
                }
            }
        }
    }
    out
}

/// The records written as JSONL and read back through the logs crate.
fn through_jsonl(records: &[Attempt]) -> Vec<Attempt> {
    let mut bytes = Vec::new();
    for r in records {
        write_attempt(&mut bytes, r).expect("writes");
    }
    let input = Input {
        name: "synthetic.jsonl".into(),
        open: Box::new(move || Ok(Box::new(Cursor::new(bytes.clone())) as Box<_>)),
        explicit: true,
    };
    let read = read_records(&[input], &ImportOptions::default()).expect("reads");
    assert_eq!(read.attempts.len(), records.len(), "every line read back");
    read.attempts
}

const SCENARIO: &str = r#"# A chat feature and a coding agent (the values are guesses).
[scenario]
name = "synthetic"
period = "30d"
prices = "2026-11-01"

[[workload]]
name = "chat"
kind = "requests"
model = "anthropic/claude-haiku-4-5"
requests = { per = "day", mean = 100 }   # a guess
input = { dist = "lognormal", median = 1000, p90 = 3000 }
output = { dist = "lognormal", mean = 300, sd = 200 }
cached = 0.1
failures = { rate = 0.01, retries = 2, billed = "none" }

[[workload]]
name = "agent"
kind = "agent"
model = "anthropic/claude-sonnet-4-6"
sessions = { per = "day", mean = 10 }
turns = { dist = "negbin", mean = 10, p90 = 25 }
input = { dist = "lognormal", median = 1000, p90 = 4000 }
output = { dist = "lognormal", median = 300, p90 = 1200 }
context = { start = 5000, window = 200000, compact_to = 20000 }
cache = { ttl = "5m", gap = { dist = "lognormal", median = "10s", p90 = "2m" } }
failures = { rate = 0.01, retries = 3, billed = "none" }
"#;

fn scenario(text: &str) -> Scenario {
    let catalog = Catalog::embedded();
    let today = Date::new(2026, 11, 29).expect("date");
    let options = LoadOptions { catalog: &catalog, today, overrides: &[] };
    match load_str("synthetic.toml", text, &options) {
        Ok(c) => c.scenario,
        Err(d) => panic!("{}", d.render_plain()),
    }
}

fn requests_truth() -> RequestsTruth {
    RequestsTruth {
        days: 28,
        per_day: 150.0,
        per_day_sd: Some(40.0),
        input: Ln::median_p90(2500.0, 9000.0),
        output: Ln::median_p90(400.0, 1500.0),
        cached_share: 0.35,
        failure_rate: 0.03,
        retries: 2,
    }
}

fn agent_truth() -> AgentTruth {
    AgentTruth {
        days: 28,
        sessions_per_day: 12.0,
        turns_mean: 30.0,
        turns_sd: 25.0,
        start: 15_000.0,
        input: Ln::median_p90(2000.0, 8000.0),
        output: Ln::median_p90(500.0, 2000.0),
        window: 200_000.0,
        compact_to: 30_000.0,
        gap: Ln::median_p90(25.0, 360.0),
        ttl: 300.0,
        failure_rate: 0.02,
    }
}

fn fitted(cal: &Calibration, workload: &str, key: &str) -> KeyFit {
    let w = cal.workloads.iter().find(|w| w.name == workload).expect("workload");
    w.keys.iter().find(|k| k.key() == key).unwrap_or_else(|| panic!("{workload}.{key}")).clone()
}

fn within(what: &str, estimate: f64, truth: f64, se: f64) -> f64 {
    let z = (estimate - truth) / se;
    assert!(
        z.abs() <= K,
        "{what}: estimate {estimate} vs truth {truth}, se {se}: {z:.2} standard errors off"
    );
    z
}

fn lognormal_within(what: &str, fit: &Fit, truth: Ln) -> [f64; 2] {
    let f: &LogNormalFit = match fit {
        Fit::Tokens { fit, .. } | Fit::Gap(fit) => fit,
        other => panic!("{what}: not a lognormal fit: {other:?}"),
    };
    [
        within(&format!("{what} μ"), f.mu, truth.mu, f.se_mu()),
        within(&format!("{what} σ"), f.sigma, truth.sigma, f.se_sigma()),
    ]
}

fn calibrate_both(seed: u64) -> Calibration {
    let mut records = requests_log(&requests_truth(), seed);
    records.extend(agent_log(&agent_truth(), seed + 1000));
    let records = through_jsonl(&records);
    calibrate(&scenario(SCENARIO), &records, &CalibrateOptions::default()).expect("calibrates")
}

#[test]
fn requests_round_trip() {
    let t = requests_truth();
    let cal = calibrate_both(1);
    lognormal_within("chat input", &fitted(&cal, "chat", "input").fit, t.input);
    lognormal_within("chat output", &fitted(&cal, "chat", "output").fit, t.output);
    let Fit::Count { fit, .. } = fitted(&cal, "chat", "requests").fit else { panic!("count") };
    assert_eq!(fit.n, 28, "days from the first to the last");
    assert_eq!(fit.law, CountLaw::NegBin, "over-dispersed days are found");
    within("chat requests a day", fit.mean, t.per_day, fit.se_mean());
    within("chat requests sd", fit.sd(), 40.0, fit.se_sd());
    let Fit::Share(share) = fitted(&cal, "chat", "cached").fit else { panic!("share") };
    within("chat cached share", share.share, t.cached_share, share.se);
    let Fit::Rate(rate) = fitted(&cal, "chat", "failures.rate").fit else { panic!("rate") };
    within("chat failure rate", rate.rate(), t.failure_rate, rate.se());
}

#[test]
fn agent_round_trip_recovers_the_context_rule() {
    let t = agent_truth();
    let cal = calibrate_both(2);
    lognormal_within("agent input", &fitted(&cal, "agent", "input").fit, t.input);
    lognormal_within("agent output", &fitted(&cal, "agent", "output").fit, t.output);
    lognormal_within("agent gap", &fitted(&cal, "agent", "cache.gap").fit, t.gap);
    let Fit::Level(start) = fitted(&cal, "agent", "context.start").fit else { panic!("level") };
    within("agent context.start", start.value, t.start, start.se);
    let Fit::Level(compact) = fitted(&cal, "agent", "context.compact_to").fit else {
        panic!("compactions are seen: {:?}", fitted(&cal, "agent", "context.compact_to"))
    };
    assert!(compact.n >= 20, "compactions seen: {}", compact.n);
    within("agent context.compact_to", compact.value, t.compact_to, compact.se);
    let Fit::Count { fit: turns, .. } = fitted(&cal, "agent", "turns").fit else { panic!() };
    assert_eq!(turns.law, CountLaw::NegBin);
    // Sessions drawn with no turns leave no record: the fitted mean is of
    // sessions with at least one turn. For NB(30, sd 25), P(0) ≈ 2.5%.
    let r = t.turns_mean.powi(2) / (t.turns_sd.powi(2) - t.turns_mean);
    let p0 = (r / (r + t.turns_mean)).powf(r);
    within("agent turns mean (given ≥ 1)", turns.mean, t.turns_mean / (1.0 - p0), turns.se_mean());
    let Fit::Count { fit: sessions, .. } = fitted(&cal, "agent", "sessions").fit else { panic!() };
    within(
        "agent sessions a day (with ≥ 1 turn)",
        sessions.mean,
        t.sessions_per_day * (1.0 - p0),
        sessions.se_mean(),
    );
    let Fit::Rate(rate) = fitted(&cal, "agent", "failures.rate").fit else { panic!("rate") };
    within("agent failure rate", rate.rate(), t.failure_rate, rate.se());
}

#[test]
fn standard_errors_are_honest_over_seeds() {
    // z-scores of parameters whose standard errors this crate derives
    // (not textbook ones): the context levels, the daily volume, the share.
    let (rt, at) = (requests_truth(), agent_truth());
    let mut zs: Vec<Vec<f64>> = vec![Vec::new(); 6];
    for seed in 0..24 {
        let mut small = rt.clone();
        small.days = 10;
        small.per_day = 60.0;
        let mut agent = at.clone();
        agent.days = 6;
        let mut records = requests_log(&small, 100 + seed);
        records.extend(agent_log(&agent, 200 + seed));
        let cal = calibrate(&scenario(SCENARIO), &records, &CalibrateOptions::default())
            .expect("calibrates");
        let Fit::Level(start) = fitted(&cal, "agent", "context.start").fit else { panic!() };
        zs[0].push((start.value - at.start) / start.se);
        let Fit::Count { fit, .. } = fitted(&cal, "chat", "requests").fit else { panic!() };
        zs[1].push((fit.mean - small.per_day) / fit.se_mean());
        let Fit::Share(share) = fitted(&cal, "chat", "cached").fit else { panic!() };
        zs[2].push((share.share - rt.cached_share) / share.se);
        let Fit::Tokens { fit: input, .. } = fitted(&cal, "agent", "input").fit else { panic!() };
        zs[3].push((input.mu - at.input.mu) / input.se_mu());
        let Fit::Rate(rate) = fitted(&cal, "chat", "failures.rate").fit else { panic!() };
        zs[4].push((rate.rate() - rt.failure_rate) / rate.se());
        if let Fit::Level(c) = fitted(&cal, "agent", "context.compact_to").fit {
            zs[5].push((c.value - at.compact_to) / c.se);
        }
    }
    assert!(zs[5].len() >= 20, "compactions seen in most seeds: {}", zs[5].len());
    for (name, z) in
        ["context.start", "requests a day", "cached", "input μ", "failure rate", "compact_to"]
            .iter()
            .zip(&zs)
    {
        let n = z.len() as f64;
        let mean = z.iter().sum::<f64>() / n;
        let sd = (z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!((0.6..1.5).contains(&sd), "{name}: sd of z over seeds {sd:.2} (mean {mean:.2})");
        assert!(mean.abs() < 0.8, "{name}: mean z over seeds {mean:.2} (biased)");
    }
}

#[test]
fn few_observations_make_parameters_uncertain() {
    let mut t = requests_truth();
    t.days = 3;
    t.per_day = 15.0;
    t.per_day_sd = None;
    let records = through_jsonl(&requests_log(&t, 9));
    let cal =
        calibrate(&scenario(SCENARIO), &records, &CalibrateOptions { workload: Some("chat") })
            .expect("calibrates");
    for key in ["requests", "input", "output", "cached", "failures.rate"] {
        assert!(fitted(&cal, "chat", key).uncertain, "{key} is drawn per trial");
    }
    // With many observations the token fits are fixed values.
    let cal = calibrate_both(3);
    assert!(!fitted(&cal, "chat", "input").uncertain);
    assert!(!fitted(&cal, "agent", "output").uncertain);
}

#[test]
fn undated_records_leave_volume_and_gaps_to_the_cache_pattern() {
    // A simulated trial's log dates every record at the period's start.
    let mut records = agent_log(&agent_truth(), 5);
    for r in &mut records {
        r.ts_start = Some("2026-12-01T00:00:00Z".into());
    }
    let cal =
        calibrate(&scenario(SCENARIO), &records, &CalibrateOptions::default()).expect("calibrates");
    assert!(matches!(
        fitted(&cal, "agent", "sessions").fit,
        Fit::NotInformed(costintent_analysis::calibrate::Missing::NoTimes)
    ));
    // The gap's median follows from the share of expired caches, with the
    // file's spread (median 10s, p90 2m), not the truth's.
    let Fit::GapFromExpiry { expired, median, se_median, .. } =
        fitted(&cal, "agent", "cache.gap").fit
    else {
        panic!("{:?}", fitted(&cal, "agent", "cache.gap"))
    };
    let truth_share =
        1.0 - normal_cdf((300f64.ln() - agent_truth().gap.mu) / agent_truth().gap.sigma);
    within("expired share", expired.rate(), truth_share, expired.se());
    let file_sigma = (120f64 / 10.0).ln() / Z90;
    let implied = 300.0 * (-file_sigma * inverse_normal(1.0 - truth_share)).exp();
    within("gap median from the expired share", median, implied, se_median);
}

fn normal_cdf(z: f64) -> f64 {
    costintent_report::calibrate::normal_cdf(z)
}

/// Φ⁻¹ by bisection on [`normal_cdf`] (independent of statrs' inverse).
fn inverse_normal(p: f64) -> f64 {
    let (mut lo, mut hi) = (-10.0, 10.0);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if normal_cdf(mid) < p { lo = mid } else { hi = mid }
    }
    (lo + hi) / 2.0
}
