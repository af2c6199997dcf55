//! `reconcile` on synthetic logs written from a known scenario
//! (`run --attempts-log`): the round trips of the acceptance criteria.
//!
//! `tests/fixtures/reconcile/forecast.toml` is a forecast whose daily volume
//! is uncertain (its mean drawn once per trial, median 300); `truth.toml` is
//! what really happened: the same scenario with that mean at its median. A
//! log is one trial of the truth, with a seed the forecast does not use.
//! (A log drawn from the forecast itself would fall at a uniformly random
//! percentile, inside p25–p75 only half the time: a forecast is near the
//! median of its logs when its spread is uncertainty about parameters the
//! world holds fixed, which is what these fixtures model.)

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FORECAST: &str = "tests/fixtures/reconcile/forecast.toml";
const TRUTH: &str = "tests/fixtures/reconcile/truth.toml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn costintent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costintent")).args(args).current_dir(root()).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = costintent(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Writes trial 0 of the truth with `seed` (and `scale`) to `dir`.
fn truth_log(dir: &Path, seed: u64, scale: f64) -> String {
    let log = dir.join(format!("truth-{seed}-{scale}.jsonl"));
    let log = log.to_str().unwrap().to_owned();
    let (seed, scale) = (seed.to_string(), scale.to_string());
    let out = costintent(&[
        "run",
        TRUTH,
        "--trials",
        "1",
        "--seed",
        &seed,
        "--scale",
        &scale,
        "--quiet",
        "--attempts-log",
        &log,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    log
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut v = v;
    for key in path {
        v = &v[*key];
    }
    v.as_f64().unwrap_or_else(|| panic!("{path:?} is not a number in {v}"))
}

/// The gap's lines add up to the gap (each is rounded to the micro-dollar).
fn assert_gap_adds_up(r: &Value) {
    let lines = r["gap"]["by_cause"].as_object().unwrap();
    let sum: f64 = lines.values().map(|v| v.as_f64().unwrap()).sum();
    let total = num(r, &["gap", "total"]);
    assert!((sum - total).abs() < 1e-5 * lines.len() as f64, "lines {sum} vs gap {total}");
    let actual = num(r, &["actual_usd"]);
    let expected = num(r, &["gap", "expected_usd"]);
    assert!((actual - expected - total).abs() < 2e-6, "{actual} - {expected} != {total}");
}

#[test]
fn a_log_of_the_scenario_lands_near_the_median() {
    let dir = tempfile::tempdir().unwrap();
    let mut inside = 0;
    let mut percentiles = Vec::new();
    for seed in 1..=10 {
        let log = truth_log(dir.path(), seed, 1.0);
        let r = json(&["reconcile", FORECAST, &log, "--format", "json", "--quiet"]);
        let percentile = num(&r, &["percentile"]);
        percentiles.push(percentile);
        inside += usize::from((25.0..=75.0).contains(&percentile));
        assert_gap_adds_up(&r);
        // The simulated charges are the catalog's prices: nothing differs.
        assert_eq!(r["billed_vs_catalog"]["mismatched"], 0, "{}", r["billed_vs_catalog"]);
        assert!(num(&r, &["billed_vs_catalog", "compared"]) > 8000.0);
        assert_eq!(num(&r, &["gap", "by_cause", "billed_vs_catalog"]), 0.0);
        assert_eq!(r["from"], "2026-11-01");
        assert_eq!(r["records"]["after_window"], 0);
    }
    eprintln!("percentiles of 10 logs of the truth: {percentiles:?}");
    assert!(inside >= 9, "only {inside} of 10 between p25 and p75: {percentiles:?}");
}

#[test]
fn a_log_with_doubled_volume_lands_beyond_p99() {
    let dir = tempfile::tempdir().unwrap();
    let log = truth_log(dir.path(), 11, 2.0);
    let r = json(&["reconcile", FORECAST, &log, "--format", "json", "--quiet"]);
    let actual = num(&r, &["actual_usd"]);
    eprintln!(
        "doubled volume: actual {actual}, forecast p99 {}, percentile {}",
        num(&r, &["forecast", "p99"]),
        num(&r, &["percentile"])
    );
    assert!(actual > num(&r, &["forecast", "p99"]));
    assert!(num(&r, &["percentile"]) > 99.0);
    assert_gap_adds_up(&r);
    // The gap is the volume's: the other assumptions held.
    let gap = num(&r, &["gap", "total"]);
    let volume = num(&r, &["gap", "by_cause", "volume"]);
    assert!(volume > 0.9 * gap, "volume {volume} of {gap}");
    // The actual spend exceeds the scenario's budget ($45): exit code 3.
    let out = costintent(&["reconcile", FORECAST, &log, "--quiet", "--fail-over-budget"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn as_of_halfway_through_a_doubled_month_flags_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let doubled = truth_log(dir.path(), 12, 2.0);
    let args = |log: &str| {
        vec![
            "reconcile".to_owned(),
            FORECAST.to_owned(),
            log.to_owned(),
            "--as-of".to_owned(),
            "2026-11-15".to_owned(),
            "--quiet".to_owned(),
        ]
    };
    let run = |log: &str, extra: &[&str]| {
        let mut a = args(log);
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        costintent(&a)
    };
    let out = run(&doubled, &["--format", "json"]);
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let as_of = &r["as_of"];
    assert_eq!(num(as_of, &["elapsed_days"]), 15.0);
    // Half the doubled month is about the whole forecast month already.
    let so_far = num(as_of, &["spend_so_far"]);
    let p_exceed = num(&r, &["p_exceed_budget"]);
    eprintln!(
        "as of day 15 of a doubled month: so far {so_far}, projected p50 {} p90 {} p99 {}, P(> $45) {p_exceed}",
        num(as_of, &["projected", "p50"]),
        num(as_of, &["projected", "p90"]),
        num(as_of, &["projected", "p99"])
    );
    assert!(p_exceed > 0.9, "P(exceed) {p_exceed}");
    assert!(num(as_of, &["projected", "p50"]) > 1.6 * num(&r, &["forecast", "p50"]));
    assert_gap_adds_up(&r);
    // Only the first 15 days count.
    assert!(num(&r, &["records", "after_window"]) > 0.0);
    let out = run(&doubled, &["--fail-over-budget"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    // A normal month is not flagged.
    let normal = truth_log(dir.path(), 12, 1.0);
    let out = run(&normal, &["--fail-over-budget", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(num(&r, &["p_exceed_budget"]) < 0.1);
}

#[test]
fn billed_amounts_off_the_catalog_and_records_of_no_workload_are_lines_of_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let log = truth_log(dir.path(), 3, 1.0);
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The first record billed $1 more than the catalog says.
    let billed = lines[0]["cost"]["billed"]["amount"].as_f64().unwrap();
    lines[0]["cost"]["billed"]["amount"] = (billed + 1.0).into();
    // A record of another model and no workload, billed $2.
    let mut stray = lines[1].clone();
    stray["model"] = "anthropic/claude-sonnet-4-5".into();
    stray["dims"] = serde_json::json!({});
    stray["request_id"] = "stray".into();
    stray["cost"]["billed"]["amount"] = 2.0.into();
    lines.push(stray);
    let edited = dir.path().join("edited.jsonl");
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&edited, body).unwrap();
    let edited = edited.to_str().unwrap();
    let before = json(&["reconcile", FORECAST, &log, "--format", "json", "--quiet"]);
    let after = json(&["reconcile", FORECAST, edited, "--format", "json", "--quiet"]);
    // The edited record and the stray one (billed $2, which the catalog
    // prices otherwise) differ from the catalog.
    assert_eq!(after["billed_vs_catalog"]["mismatched"], 2);
    let first_id = lines[0]["request_id"].as_str().unwrap();
    let largest = after["billed_vs_catalog"]["largest"].as_array().unwrap();
    let edited_row = largest.iter().find(|m| m["record"] == first_id).unwrap();
    assert!(
        (num(edited_row, &["billed_usd"]) - num(edited_row, &["catalog_usd"]) - 1.0).abs() < 1e-6
    );
    assert!((num(&after, &["gap", "by_cause", "billed_vs_catalog"]) - 1.0).abs() < 1e-5);
    assert!((num(&after, &["gap", "by_cause", "unmatched_records"]) - 2.0).abs() < 1e-6);
    assert_eq!(after["records"]["unmatched"], 1);
    let grew = num(&after, &["actual_usd"]) - num(&before, &["actual_usd"]);
    assert!((grew - 3.0).abs() < 1e-5, "{grew}");
    assert_gap_adds_up(&after);
}

#[test]
fn bad_requests_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let log = truth_log(dir.path(), 4, 1.0);
    let out = costintent(&["reconcile", FORECAST, &log, "--as-of", "2026-10-01", "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("before the period's start"));
    let out = costintent(&["reconcile", FORECAST, &log, "--from", "2026-13-01", "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let out = costintent(&["reconcile", FORECAST, empty.to_str().unwrap(), "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // A later start leaves the first days' records out and says so.
    let r =
        json(&["reconcile", FORECAST, &log, "--from", "2026-11-11", "--format", "json", "--quiet"]);
    assert!(num(&r, &["records", "before_period"]) > 0.0);
    assert_eq!(r["from"], "2026-11-11");
}

#[test]
fn limits_per_workload_and_per_key() {
    const KEYS: &str = "tests/fixtures/reconcile/keys.toml";
    let r = json(&["limits", KEYS, "--format", "json", "--quiet"]);
    let rows = r["limits"].as_array().unwrap();
    let row = |name: &str| rows.iter().find(|x| x["name"] == name).unwrap();
    let (chat, summaries, key) = (row("chat"), row("summaries"), row("prod"));
    assert_eq!(key["scope"], "api_key");
    assert_eq!(key["workloads"], serde_json::json!(["chat", "summaries"]));
    // `summaries` is 100 fixed requests a day of fixed size: its day and
    // month are constant, and the key is chat shifted by them.
    assert_eq!(num(summaries, &["daily_p50"]), num(summaries, &["daily_limit"]));
    let shift = num(summaries, &["monthly_p50"]);
    assert!((num(key, &["monthly_limit"]) - num(chat, &["monthly_limit"]) - shift).abs() <= 0.011);
    // A negative binomial day (mean 300, p90 450) keeps its spread: its p99
    // is well above its median, unlike a thinned month (about ±10%).
    let ratio = num(chat, &["daily_limit"]) / num(chat, &["daily_p50"]);
    eprintln!("chat: day p50 {} limit {}", num(chat, &["daily_p50"]), num(chat, &["daily_limit"]));
    assert!(ratio > 1.5, "daily p99 / p50 = {ratio}");
    assert!(num(chat, &["monthly_limit"]) < 1.5 * num(chat, &["monthly_p50"]));
    let provider = &r["providers"][0];
    assert_eq!(provider["provider"], "anthropic");
    assert_eq!(provider["daily_limit_at_provider"], false);
    // A secret in `api_key` is refused.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(KEYS)).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text.replacen(
            "api_key = \"prod\"",
            "api_key = \"sk-ant-api03-abcdefghijklmnopqrstuvwxyz\"",
            1,
        ),
    )
    .unwrap();
    let out = costintent(&["limits", bad.to_str().unwrap(), "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("looks like a secret"));
}
