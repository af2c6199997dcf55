//! End-to-end tests of `costintent logs summarize` and `costintent logs
//! review` on the hand-written fixtures of crates/costintent-logs. The
//! dollar figures are worked out in crates/costintent-logs/tests/importers.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FIXTURES: &str = "crates/costintent-logs/tests/fixtures";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn costintent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn fixture(rel: &str) -> String {
    format!("{FIXTURES}/{rel}")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "exit {:?}\nstderr:\n{}", out.status.code(), stderr(out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn summarize_json_has_the_documented_shape_and_figures() {
    let dir = fixture("claude-code");
    let out = costintent(&["logs", "summarize", &dir, "--format", "json", "--date", "2026-09-01"]);
    let v = json(&out);
    assert_eq!(v["schema"], "costintent.logs-summary/v1");
    assert_eq!(v["records"], 8);
    assert_eq!(v["duplicates_dropped"], 4);
    let skipped: Vec<(String, u64)> = v["skipped"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|k| {
            (k["reason"].as_str().expect("reason").to_owned(), k["count"].as_u64().expect("count"))
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("claude-code: input_tokens or output_tokens missing or null", 1),
            ("invalid JSON", 1),
            ("not UTF-8", 1),
            ("truncated last line", 1),
        ]
        .map(|(r, n)| (r.to_owned(), n))
    );
    let haiku = &v["by_model"]["anthropic/claude-haiku-4-5"];
    assert_eq!(haiku["requests"], 4);
    assert_eq!(haiku["attempts"], 4);
    // input_tokens includes cache reads (226,200) and writes (6,200).
    assert_eq!(haiku["input_tokens"], 232_425);
    assert_eq!(haiku["output_tokens"], 983);
    assert_eq!(haiku["cache_read_tokens"], 226_200);
    assert_eq!(haiku["cache_write_tokens"], 6_200);
    assert_eq!(haiku["cost_usd"], 0.03681);
    assert_eq!(v["by_model"]["anthropic/claude-sonnet-4-5"]["cost_usd"], 1.002);
    assert_eq!(v["unknown_models"]["claude-experimental-9"]["cost_usd"], Value::Null);
    assert_eq!(v["unknown_models"]["claude-experimental-9"]["input_tokens"], 100);
    assert_eq!(v["totals"]["failures"], 1);
    assert_eq!(v["input"]["formats"]["claude-code"], 3);
    assert!(stderr(&out).contains("MB/s"), "{}", stderr(&out));
}

#[test]
fn summarize_by_day_and_the_table() {
    let dir = fixture("claude-code");
    let v = json(&costintent(&[
        "logs",
        "summarize",
        &dir,
        "--by",
        "day",
        "--format",
        "json",
        "--quiet",
    ]));
    assert_eq!(v["by"], "day");
    assert_eq!(v["groups"]["2026-09-01"]["attempts"], 5);
    // s2 is dated 2026-04-29, the last day of Claude Sonnet 4.5's long-context tier.
    assert_eq!(v["groups"]["2026-04-29"]["cost_usd"], 1.002);
    let out = costintent(&["logs", "summarize", &dir, "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "anthropic/claude-haiku-4-5",
        "claude-experimental-9 (not in catalog)",
        "truncated last line (first: crates/costintent-logs/tests/fixtures/claude-code/project-a/s1.jsonl:12)",
        "input tokens include cache reads and writes",
        "≥ $1.04",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(stderr(&out).is_empty(), "--quiet: {}", stderr(&out));
}

#[test]
fn summarize_is_the_same_on_any_thread_count() {
    let args = |threads: &'static str| {
        vec![
            "logs",
            "summarize",
            FIXTURES,
            "--format",
            "json",
            "--by",
            "session",
            "--threads",
            threads,
            "--quiet",
            "--date",
            "2026-09-01",
        ]
    };
    let one = costintent(&args("1"));
    let three = costintent(&args("3"));
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&three));
    // The whole fixture tree: every format at once, plus the mixed folder.
    let v = json(&one);
    assert!(
        v["by_model"]["openrouter/anthropic/claude-sonnet-4-6"]["billed_usd"].as_f64().is_some()
    );
    assert!(v["billing_exports"]["openai/gpt-5-mini"]["amount_usd"].as_f64().is_some());
}

#[test]
fn review_card_shows_the_mismatch_in_tokens_and_dollars() {
    let out = costintent(&[
        "logs",
        "review",
        "gen-1",
        &fixture("openrouter/generations.jsonl"),
        &fixture("openrouter/activity.csv"),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "Budget Review: gen-1",
        "tokens in     5,400 (4,096 read from cache, 0 written to cache)",
        "attempts      2 (1 retry, 1 failed)",
        "catalog cost  $0.010391",
        "billed cost   $0.00812",
        "logs do not match",
        "cost: billed $0.00812 vs catalog $0.010391: $0.002271 less than the catalog price",
        "attempts: openrouter.generation has 2, openrouter.activity_csv has 1",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn review_markdown_and_json_say_logs_matched() {
    let files = [fixture("costintent/app.jsonl"), fixture("openrouter/generations.jsonl")];
    let out =
        costintent(&["logs", "review", "gen-3", &files[0], &files[1], "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("### Budget Review: `gen-3`"), "{text}");
    assert!(text.contains("| billed cost | $0.00085 |"), "{text}");
    assert!(text.contains("**logs matched**"), "{text}");
    let v =
        json(&costintent(&["logs", "review", "gen-3", &files[0], &files[1], "--format", "json"]));
    assert_eq!(v["schema"], "costintent.logs-review/v1");
    assert_eq!(v["matched"], true);
    assert_eq!(v["tokens"]["input"], 2000);
    assert_eq!(v["catalog_usd"], 0.00085);
    assert_eq!(v["billed_usd"], 0.00085);
    assert_eq!(v["records"][0]["src"]["kind"], "costintent.app");
}

#[test]
fn review_of_a_claude_code_request_merges_its_lines() {
    let v = json(&costintent(&[
        "logs",
        "review",
        "msg_A1",
        &fixture("claude-code"),
        "--format",
        "json",
        "--quiet",
    ]));
    assert_eq!(v["request_id"], "req_A1");
    assert_eq!(v["tokens"]["output"], 233);
    assert_eq!(v["tool_calls"], 1);
    assert_eq!(v["duplicates_dropped"], 2);
    // One source and no billed amount: nothing to compare.
    assert_eq!(v["matched"], Value::Null);
    assert_eq!(v["catalog_usd"], 0.010071);
}

/// From 2026-04-30 the catalog says Claude Sonnet 4.5 rejects prompts above
/// 200k tokens; the figures are worked out in importers.rs
/// (`answered_requests_above_the_reject_limit_are_not_priced`).
#[test]
fn requests_above_the_reject_limit_are_noted_and_not_priced() {
    let dir = fixture("over-limit");
    let v = json(&costintent(&["logs", "summarize", &dir, "--format", "json", "--quiet"]));
    let sonnet = &v["by_model"]["anthropic/claude-sonnet-4-5"];
    assert_eq!(sonnet["input_tokens"], 667_000);
    assert_eq!(sonnet["catalog_usd"], 0.021);
    assert_eq!(sonnet["billed_usd"], 1.25);
    assert_eq!(sonnet["cost_usd"], 1.271);
    assert_eq!(sonnet["unpriced_attempts"], 1);
    let notes: Vec<&str> =
        v["notes"].as_array().expect("a list").iter().filter_map(Value::as_str).collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("2 answered attempts on 2026-04-30 to 2026-05-01"), "{notes:?}");
    assert!(notes[1].contains("1 failed attempt on 2026-05-01"), "{notes:?}");
    let out = costintent(&["logs", "summarize", &dir, "--quiet"]);
    let text = stdout(&out);
    assert!(text.contains("≥ $1.27"), "{text}");
    assert!(text.contains("the logs contradict the catalog"), "{text}");

    let out = costintent(&["logs", "review", "req_D2", &dir, "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "catalog cost  not priced",
        "logs do not match",
        "prompt: 210,000 tokens, above the 200,000 that the catalog says anthropic/claude-sonnet-4-5 rejects on 2026-04-30, yet the log shows it answered",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let v = json(&costintent(&["logs", "review", "req_D2", &dir, "--format", "json", "--quiet"]));
    assert_eq!(v["matched"], false);
    assert_eq!(v["catalog_usd"], Value::Null);
    assert_eq!(v["mismatches"][0]["kind"], "above_reject_limit");
    assert_eq!(v["mismatches"][0]["day"], "2026-04-30");
    assert_eq!(v["mismatches"][0]["prompt_tokens"], 210_000);
    assert_eq!(v["mismatches"][0]["limit_tokens"], 200_000);
}

#[test]
fn bad_inputs_exit_2_with_a_located_message() {
    let out = costintent(&["logs", "summarize", "no/such/file.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read no/such/file.jsonl"), "{}", stderr(&out));

    let notes = fixture("mixed/notes.json");
    let out = costintent(&["logs", "summarize", &notes]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{notes}:1")), "{err}");
    assert!(err.contains("--log-format"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let out = costintent(&["logs", "review", "req_nothing", &fixture("claude-code")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no record in the logs has the id `req_nothing`"),
        "{}",
        stderr(&out)
    );

    let out = costintent(&["logs", "summarize", &fixture("claude-code"), "--log-format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_folder_of_mixed_files_is_read_and_accounted_for() {
    let v =
        json(&costintent(&["logs", "summarize", &fixture("mixed"), "--format", "json", "--quiet"]));
    // session.jsonl: msg_B1 and two snapshots of msg_B2.
    assert_eq!(v["records"], 2);
    assert_eq!(v["duplicates_dropped"], 1);
    assert_eq!(v["input"]["files_passed_over"], 1, "README.md");
    let reasons: Vec<&str> = v["skipped"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|k| k["reason"].as_str().expect("reason"))
        .collect();
    assert_eq!(reasons, ["empty file", "file in no known log format (found in a folder)"]);
    // notes.json (one line) and settings.json (a pretty-printed document).
    assert_eq!(v["skipped"][1]["count"], 2);
}

#[test]
fn forced_log_format_and_help_text() {
    let out = costintent(&["logs", "summarize", "--help"]);
    let help = stdout(&out);
    assert!(help.contains("input_tokens INCLUDES cache reads and cache writes"), "{help}");
    assert!(help.contains("--log-format"), "{help}");
    let v = json(&costintent(&[
        "logs",
        "summarize",
        &fixture("anthropic/messages.jsonl"),
        "--log-format",
        "anthropic",
        "--format",
        "json",
        "--date",
        "2026-09-01",
        "--quiet",
    ]));
    assert_eq!(v["by_model"]["anthropic/claude-opus-4-5"]["cost_usd"], 0.081345);
    assert_eq!(
        v["notes"][0],
        "2 records carry no time; they are priced at the prices of 2026-09-01"
    );
}
