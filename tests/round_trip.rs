//! A simulated trial written as a usage log (`run --attempts-log`) and read
//! back by `logs summarize` gives that trial's totals: requests, attempts,
//! tokens by class exactly, dollars to the micro-dollar.
//!
//! With `--trials 1` the run's JSON means are trial 0's values.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn costintent(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut v = v;
    for key in path {
        v = &v[*key];
    }
    v.as_f64().unwrap_or(0.0)
}

fn round_trip(scenario: &str, seed: &str) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("trial.jsonl");
    let log = log.to_str().unwrap();
    let run = costintent(&[
        "run",
        scenario,
        "--trials",
        "1",
        "--seed",
        seed,
        "--format",
        "json",
        "--quiet",
        "--attempts-log",
        log,
        "--trial",
        "0",
    ]);
    let logs =
        costintent(&["logs", "summarize", log, "--by", "workload", "--format", "json", "--quiet"]);
    assert_eq!(num(&logs, &["duplicates_dropped"]), 0.0, "{scenario}");
    assert!(logs["skipped"].as_array().is_some_and(Vec::is_empty), "{scenario}: {logs}");
    for w in run["workloads"].as_array().unwrap() {
        let name = w["name"].as_str().unwrap();
        let model = w["model"].as_str().unwrap();
        let got = &logs["by_model"][model];
        let units = |k: &str| num(w, &["units", k]);
        let what = format!("{scenario} {name}");
        assert_eq!(num(got, &["attempts"]), num(w, &["attempts", "mean"]), "{what} attempts");
        assert_eq!(num(got, &["requests"]), num(w, &["requests", "mean"]), "{what} requests");
        assert_eq!(num(got, &["cache_read_tokens"]), units("cache_read_tokens"), "{what} reads");
        assert_eq!(num(got, &["cache_write_tokens"]), units("cache_write_tokens"), "{what} writes");
        // The log convention: input includes cache reads and writes, output
        // includes reasoning.
        let input =
            units("input_tokens") + units("cache_read_tokens") + units("cache_write_tokens");
        assert_eq!(num(got, &["input_tokens"]), input, "{what} input");
        let output = units("output_tokens") + units("reasoning_tokens");
        assert_eq!(num(got, &["output_tokens"]), output, "{what} output");
        let (billed, spend) = (num(got, &["billed_usd"]), num(w, &["spend", "mean"]));
        assert!((billed - spend).abs() <= 2e-6, "{what}: logged ${billed}, simulated ${spend}");
    }
}

#[test]
fn a_coding_agent_trial_comes_back_whole() {
    round_trip("scenarios/coding-agent.toml", "42");
}

#[test]
fn a_batch_trial_comes_back_whole() {
    round_trip("scenarios/batch-job.toml", "19");
}

#[test]
fn a_mixed_trial_comes_back_whole() {
    // Cached shares, timeouts and images.
    round_trip("scenarios/mixed.toml", "23");
}

#[test]
fn a_voice_bot_trial_prices_its_audio_as_the_engine_bills_it() {
    // Realtime audio: uncached, cached (the conversation re-read each turn)
    // and output audio each have their own price; the log carries the
    // cached audio apart (`cache_read_audio`), so the catalog price of the
    // log is the bill, up to whole-token rounding.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("trial.jsonl");
    let log = log.to_str().unwrap();
    let run = costintent(&[
        "run",
        "scenarios/voice-bot.toml",
        "--trials",
        "1",
        "--format",
        "json",
        "--quiet",
        "--attempts-log",
        log,
    ]);
    let logs =
        costintent(&["logs", "summarize", log, "--by", "workload", "--format", "json", "--quiet"]);
    let spend = num(&run, &["total", "mean"]);
    let got = &logs["by_model"]["openai/gpt-realtime-mini"];
    let (billed, catalog) = (num(got, &["billed_usd"]), num(got, &["catalog_usd"]));
    assert!((billed - spend).abs() <= 2e-6, "logged ${billed}, simulated ${spend}");
    assert!((catalog - billed).abs() <= 1e-4 * billed, "catalog ${catalog}, billed ${billed}");
}
