//! Every importer against its hand-written fixture: exact counts, tokens and
//! dollars. Dollars are worked out by hand in the comments from the embedded
//! catalog's prices (USD per 1M tokens) on the fixture's day, using models
//! whose prices do not change around those days:
//! - claude-haiku-4-5: input 1, output 5, 5m write 1.25, 1h write 2, read 0.10, batch −50%
//! - claude-sonnet-4-5: 3 / 15 / 3.75 / 6 / 0.30; until 2026-04-29 a request whose
//!   prompt is above 200k tokens pays 6 / 22.50 / 7.50 / 12 / 0.60 for all of it; from
//!   2026-04-30 such a request is rejected (the catalog's `mode = "reject"` rule), so
//!   the transcript with the long prompt (project-b/s2) is dated 2026-04-29
//! - claude-sonnet-4-6 (2026-09): 3 / 15 / 3.75 / 6 / 0.30, no tier any more
//! - claude-opus-4-5: 5 / 25 / 6.25 / 10 / 0.50
//! - gpt-4.1: input 2, output 8, cached 0.50, batch −50%
//! - gpt-5-mini: input 0.25, output 2, cached 0.025
//! - gemini-2.5-flash: input 0.30, output 2.50, cached 0.03

use std::path::{Path, PathBuf};

use costintent_logs::{
    Attempt, Cost, Dims, Format, GroupBy, ImportError, ImportOptions, Input, Money, Row, Src,
    Status, Summary, SummaryOptions, Tokens, Units,
};
use costintent_scenario::{Catalog, Date};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn input(rel: &str) -> Input {
    let path = fixture(rel);
    Input {
        name: rel.to_owned(),
        open: Box::new(move || {
            Ok(Box::new(std::fs::File::open(&path)?) as Box<dyn std::io::Read + Send>)
        }),
        explicit: true,
    }
}

fn day(s: &str) -> Date {
    s.parse().expect("a test date")
}

fn summarize_with(files: &[&str], by: GroupBy, format: Option<Format>) -> Summary {
    let catalog = Catalog::embedded();
    let inputs: Vec<Input> = files.iter().map(|f| input(f)).collect();
    let options = SummaryOptions { catalog: &catalog, by, undated_prices: day("2026-09-01") };
    costintent_logs::summarize(&inputs, &ImportOptions { format }, &options)
        .expect("fixtures import")
}

fn summarize(files: &[&str]) -> Summary {
    summarize_with(files, GroupBy::Model, None)
}

fn usd(x: Option<f64>) -> f64 {
    x.expect("priced")
}

fn assert_usd(got: Option<f64>, want: f64) {
    let got = usd(got);
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

fn skipped(s: &Summary) -> Vec<(String, u64)> {
    s.stats.skipped.iter().map(|k| (k.reason.clone(), k.count)).collect()
}

fn tokens(row: &Row) -> [u64; 5] {
    [
        row.input_tokens,
        row.output_tokens,
        row.cache_read_tokens,
        row.cache_write_tokens,
        row.reasoning_tokens,
    ]
}

#[test]
fn claude_code_transcripts_dedup_sidechains_errors_and_bad_lines() {
    let s = summarize(&[
        "claude-code/project-a/s1.jsonl",
        "claude-code/project-a/s1/subagents/agent-1.jsonl",
        "claude-code/project-b/s2.jsonl",
    ]);
    // msg_A1 ×3 snapshots, msg_A2 (+ a sidechain replay under a new request id),
    // msg_A4, msg_C1, msg_B1, msg_B2 ×2 snapshots, msg_B3, one API-error line.
    assert_eq!(s.records, 8);
    assert_eq!(s.duplicates_dropped, 4);
    assert_eq!(
        skipped(&s),
        vec![
            ("claude-code: input_tokens or output_tokens missing or null".to_owned(), 1),
            ("invalid JSON".to_owned(), 1),
            ("not UTF-8".to_owned(), 1),
            ("truncated last line".to_owned(), 1),
        ]
    );
    let first = |reason: &str| {
        s.stats.skipped.iter().find(|k| k.reason == reason).map(|k| k.first.clone()).unwrap()
    };
    assert_eq!(first("truncated last line"), "claude-code/project-a/s1.jsonl:12");
    assert_eq!(first("not UTF-8"), "claude-code/project-b/s2.jsonl:4");
    let ignored: Vec<(String, u64)> = s.stats.ignored.clone();
    assert_eq!(
        ignored,
        vec![("claude-code: summary line".to_owned(), 1), ("claude-code: user line".to_owned(), 4),]
    );

    let haiku = &s.by_model["anthropic/claude-haiku-4-5"];
    assert_eq!(haiku.logged_as, vec!["claude-haiku-4-5-20251001".to_owned()]);
    let h = &haiku.row;
    assert_eq!((h.requests, h.attempts, h.failures, h.retries), (4, 4, 0, 0));
    // A1 6+1200+74000, A2 4+2000+75200, A4 10+77000, C1 5+3000.
    assert_eq!(tokens(h), [232_425, 983, 226_200, 6_200, 0]);
    // Tool calls: toolu_01 (A1's last snapshot), toolu_02 + toolu_03 (A2).
    assert_eq!(h.tool_calls, 3);
    // A1: 6×1 + 1200×1.25 + 74000×0.10 + 233×5 = 10,071 µ$
    // A2: 4×1 + 2000×2 (1-hour writes) + 75200×0.10 + 50×5 = 11,774 µ$
    // A4: 10×1 + 77000×0.10 + 300×5 = 9,210 µ$
    // C1: 5×1 + 3000×1.25 (no TTL split: 5-minute price) + 400×5 = 5,755 µ$
    assert_usd(h.cost_usd, 0.036_81);
    assert_usd(h.catalog_usd, 0.036_81);
    assert_eq!(h.billed_usd, None);

    let sonnet = &s.by_model["anthropic/claude-sonnet-4-5"].row;
    assert_eq!((sonnet.requests, sonnet.attempts), (2, 2));
    assert_eq!(tokens(sonnet), [212_000, 3_000, 60_000, 0, 0]);
    // B1: 2000×3 + 1000×15 = 0.021. B2 (no request id: session-scoped key,
    // final snapshot 2000 out): prompt 210,000 > 200k on 2026-04-29, the
    // tier's last day, so the whole request pays the tier:
    // 150000×6 + 60000×0.60 + 2000×22.50 = 0.981 (at base prices it would be
    // 0.498; a day later the catalog says the request would be rejected, see
    // `answered_requests_above_the_reject_limit_are_not_priced`).
    assert_usd(sonnet.cost_usd, 1.002);

    let unknown = &s.unknown_models["claude-experimental-9"];
    assert_eq!((unknown.attempts, unknown.input_tokens, unknown.output_tokens), (1, 100, 10));
    assert_eq!(unknown.cost_usd, None, "an unknown model is never priced");
    assert_eq!(unknown.unpriced_attempts, 1);
    assert!(s.notes.iter().any(|n| n.contains("claude-experimental-9")), "{:?}", s.notes);

    // The synthetic API-error line: a failed attempt, not a request.
    assert_eq!((s.without_model.attempts, s.without_model.failures), (1, 1));
    assert_eq!(s.without_model.requests, 0);
    assert_eq!((s.totals.requests, s.totals.attempts, s.totals.failures), (7, 8, 1));
    assert_usd(s.totals.cost_usd, 1.038_81);
}

#[test]
fn claude_code_by_session_and_day() {
    let files = [
        "claude-code/project-a/s1.jsonl",
        "claude-code/project-a/s1/subagents/agent-1.jsonl",
        "claude-code/project-b/s2.jsonl",
    ];
    let s = summarize_with(&files, GroupBy::Session, None);
    let keys: Vec<&str> = s.groups.keys().map(String::as_str).collect();
    assert_eq!(keys, ["s1", "s2"]);
    // s1: the four haiku responses and the error line.
    assert_eq!((s.groups["s1"].attempts, s.groups["s1"].requests), (5, 4));
    assert_usd(s.groups["s1"].cost_usd, 0.036_81);
    let s = summarize_with(&files, GroupBy::Day, None);
    let keys: Vec<&str> = s.groups.keys().map(String::as_str).collect();
    assert_eq!(keys, ["2026-04-29", "2026-09-01"]);
    // s2: B1, B2 (the long-context tier, 0.021 + 0.981) and the unknown model's B3.
    assert_eq!(s.groups["2026-04-29"].attempts, 3);
    assert_usd(s.groups["2026-04-29"].cost_usd, 1.002);
    assert_eq!(s.groups["2026-04-29"].unpriced_attempts, 1);
    assert_usd(s.groups["2026-09-01"].cost_usd, 0.036_81);
}

/// Claude Sonnet 4.5 from 2026-04-30: the catalog says the provider rejects
/// prompts above 200k tokens with an error and bills nothing. A failed
/// attempt above the limit is what the catalog predicts and costs $0; an
/// answered one contradicts the catalog, has no catalog price and is left
/// unpriced (its billed amount, where the log has one, is kept), with notes.
#[test]
fn answered_requests_above_the_reject_limit_are_not_priced() {
    let s = summarize(&["over-limit/s3.jsonl", "over-limit/app.jsonl"]);
    let sonnet = &s.by_model["anthropic/claude-sonnet-4-5"].row;
    // D1 and D2 (transcript, 2026-04-30), E1 (failed) and E2 (app, 2026-05-01).
    assert_eq!((sonnet.requests, sonnet.attempts, sonnet.failures), (4, 4, 1));
    // Every token is counted: 2,000 + 210,000 + 250,000 + 205,000 in.
    assert_eq!(tokens(sonnet), [667_000, 4_000, 60_000, 0, 0]);
    // Only D1 has a catalog price: 2000×3 + 1000×15 = 0.021. D2 (prompt
    // 210,000) would be 0.498 at base prices or 0.981 at the tier that ended
    // on 2026-04-29: neither is counted. E1 costs nothing; E2 keeps its
    // billed $1.25 and has no catalog price to set against it.
    assert_usd(sonnet.catalog_usd, 0.021);
    assert_usd(sonnet.billed_usd, 1.25);
    assert_eq!(sonnet.catalog_usd_of_billed, None);
    assert_usd(sonnet.cost_usd, 0.021 + 1.25);
    assert_eq!(sonnet.unpriced_attempts, 1, "D2");
    assert_eq!(
        s.notes,
        [
            "anthropic/claude-sonnet-4-5: 2 answered attempts on 2026-04-30 to 2026-05-01 had prompts above 200000 tokens (up to 210000), which the catalog says the provider rejects with an error on those days: the logs contradict the catalog (a platform with other limits, or a catalog out of date?), so the catalog has no price for them; 1 without a billed amount left unpriced, tokens counted",
            "anthropic/claude-sonnet-4-5: 1 failed attempt on 2026-05-01 had a prompt above 200000 tokens: rejected, as the catalog says, and not billed ($0)",
        ]
    );

    // The same transcript a day earlier pays the long-context tier and has no note.
    let earlier = std::fs::read_to_string(fixture("over-limit/s3.jsonl"))
        .unwrap()
        .replace("2026-04-30T", "2026-04-29T");
    let catalog = Catalog::embedded();
    let options =
        SummaryOptions { catalog: &catalog, by: GroupBy::Model, undated_prices: day("2026-09-01") };
    let s = costintent_logs::summarize(
        &[Input::from_bytes("s3.jsonl", earlier.into_bytes())],
        &ImportOptions::default(),
        &options,
    )
    .unwrap();
    let sonnet = &s.by_model["anthropic/claude-sonnet-4-5"].row;
    assert_usd(sonnet.cost_usd, 0.021 + 0.981);
    assert_eq!(sonnet.unpriced_attempts, 0);
    assert!(s.notes.is_empty(), "{:?}", s.notes);
}

#[test]
fn review_of_a_request_above_the_reject_limit() {
    let catalog = Catalog::embedded();
    let review = |id: &str, file: &str| {
        costintent_logs::review(
            id,
            &[input(file)],
            &ImportOptions::default(),
            &catalog,
            day("2026-09-01"),
        )
        .unwrap()
    };
    // Answered: the log contradicts the catalog, which has no price for it.
    let r = review("req_D2", "over-limit/s3.jsonl");
    assert_eq!(r.catalog_model.as_deref(), Some("anthropic/claude-sonnet-4-5"));
    assert_eq!(r.catalog_usd, None);
    assert!(r.compared);
    assert!(!r.matched());
    assert_eq!(
        r.mismatches,
        [costintent_logs::Mismatch::AboveLimit {
            model: "anthropic/claude-sonnet-4-5".to_owned(),
            day: day("2026-04-30"),
            prompt_tokens: 210_000,
            limit: 200_000,
        }]
    );
    // Below the limit on the same day: priced, nothing to compare.
    let r = review("req_D1", "over-limit/s3.jsonl");
    assert_usd(r.catalog_usd, 0.021);
    assert!(!r.compared && r.mismatches.is_empty());
    // Failed above the limit: what the catalog predicts, $0, with a note.
    let r = review("req_E1", "over-limit/app.jsonl");
    assert_eq!(r.catalog_usd, Some(0.0));
    assert!(r.mismatches.is_empty());
    assert_eq!(
        r.notes,
        [
            "a failed attempt on 2026-05-01 had a prompt of 250000 tokens, above the 200000 that the catalog says anthropic/claude-sonnet-4-5 rejects: rejected, as the catalog says, and not billed ($0)"
        ]
    );
    // Answered with a billed amount: the amount stays, the mismatch is the limit.
    let r = review("req_E2", "over-limit/app.jsonl");
    assert_usd(r.billed_usd, 1.25);
    assert_eq!(r.catalog_usd, None);
    assert!(matches!(
        r.mismatches.as_slice(),
        [costintent_logs::Mismatch::AboveLimit { prompt_tokens: 205_000, .. }]
    ));
}

#[test]
fn dedup_holds_across_files_in_any_order() {
    // The sidechain replay of msg_A2 comes first this time: the parent's
    // line is then the duplicate, and the totals do not change.
    let a = summarize(&[
        "claude-code/project-a/s1/subagents/agent-1.jsonl",
        "claude-code/project-a/s1.jsonl",
    ]);
    let b = summarize(&[
        "claude-code/project-a/s1.jsonl",
        "claude-code/project-a/s1/subagents/agent-1.jsonl",
    ]);
    assert_eq!(a.duplicates_dropped, 3);
    assert_eq!(a.totals, b.totals);
    assert_eq!(a.by_model, b.by_model);
}

#[test]
fn codex_rollout_turns_cumulative_counters_into_deltas() {
    let s = summarize(&["codex/rollout-2026-09-03T10-00-00-019a.jsonl"]);
    let mini = &s.by_model["openai/gpt-5-mini"].row;
    // Deltas: (4000 in, 3000 cached, 300 out, 150 reasoning), (4000, 4000, 300, 100),
    // then the counters drop and last_token_usage (2000, 1000, 100, 0) is used.
    assert_eq!(mini.attempts, 3);
    assert_eq!(tokens(mini), [10_000, 700, 8_000, 0, 250]);
    // 1000×0.25 + 3000×0.025 + 300×2 = 925 µ$; 4000×0.025 + 300×2 = 700 µ$;
    // 1000×0.25 + 1000×0.025 + 100×2 = 475 µ$.
    assert_usd(mini.cost_usd, 0.0021);
    let before_model = &s.unknown_models[costintent_logs::CODEX_UNKNOWN_MODEL];
    assert_eq!((before_model.input_tokens, before_model.output_tokens), (1000, 100));
    assert_eq!(
        s.stats.ignored,
        vec![
            ("codex: line without usage".to_owned(), 2),
            ("codex: token_count repeating the previous total".to_owned(), 1),
            ("codex: token_count without info".to_owned(), 1),
        ]
    );
    assert!(s.stats.skipped.is_empty());
}

#[test]
fn openai_chat_responses_stream_chunks_and_errors() {
    let s = summarize(&["openai/chat.jsonl"]);
    let gpt = &s.by_model["openai/gpt-4.1"].row;
    assert_eq!((gpt.requests, gpt.attempts, gpt.failures), (3, 3, 0));
    assert_eq!(tokens(gpt), [12_400, 4_606, 8_048, 0, 0]);
    // 352×2 + 2048×0.5 + 310×8 = 4,208 µ$; last chunk 1000×2 + 200×8 = 3,600 µ$;
    // response 3000×2 + 6000×0.5 + 4096×8 = 41,768 µ$.
    assert_usd(gpt.cost_usd, 0.049_576);
    assert_eq!(s.stats.ignored, vec![("openai: stream chunk without usage".to_owned(), 2)]);
    assert_eq!(
        skipped(&s),
        vec![("openai: response without usage (interrupted stream?)".to_owned(), 1)]
    );
    assert_eq!((s.without_model.attempts, s.without_model.failures), (1, 1));
}

#[test]
fn openai_batch_output_bills_successes_at_half_price_only() {
    let s = summarize(&["openai/batch_output.jsonl"]);
    let gpt = &s.by_model["openai/gpt-4.1"].row;
    // (812×2 + 95×8) × 0.5 = 1,192 µ$.
    assert_usd(gpt.cost_usd, 0.001_192);
    assert_eq!(s.records, 3);
    assert_eq!((s.without_model.attempts, s.without_model.failures), (2, 2));
    let records = costintent_logs::read_records(
        &[input("openai/batch_output.jsonl")],
        &ImportOptions::default(),
    )
    .unwrap();
    let statuses: Vec<Status> = records.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Status::Ok, Status::Error, Status::Expired]);
    assert_eq!(records.attempts[1].http_status, Some(500));
    assert_eq!(records.attempts[2].billable, Some(false));
    assert_eq!(records.attempts[0].client_request_id.as_deref(), Some("doc-1"));
}

#[test]
fn anthropic_messages_and_batch_results() {
    let s = summarize(&["anthropic/messages.jsonl", "anthropic/batch_results.jsonl"]);
    let opus = &s.by_model["anthropic/claude-opus-4-5"].row;
    assert_eq!(tokens(opus), [91_314, 412, 88_200, 3_100, 0]);
    assert_eq!((opus.tool_calls, opus.web_searches), (1, 1));
    assert!(s.notes.iter().any(|n| n.starts_with("1 server-side web searches")), "{:?}", s.notes);
    // 14×5 + 1100×6.25 + 2000×10 + 88200×0.5 + 412×25 = 81,345 µ$ (no time: priced on 2026-09-01).
    assert_usd(opus.cost_usd, 0.081_345);
    let haiku = &s.by_model["anthropic/claude-haiku-4-5"].row;
    // (640×1 + 88×5) × 0.5 = 540 µ$.
    assert_usd(haiku.cost_usd, 0.000_54);
    // The overloaded error body and the errored, canceled and expired batch lines.
    assert_eq!((s.without_model.attempts, s.without_model.failures), (4, 4));
    assert!(s.notes.iter().any(|n| n.contains("carry no time")), "{:?}", s.notes);
}

#[test]
fn gemini_keeps_the_last_stream_chunk_and_counts_thoughts_as_output() {
    let s = summarize(&["gemini/responses.jsonl"]);
    assert_eq!(s.duplicates_dropped, 1);
    let flash = &s.by_model["google/gemini-2.5-flash"].row;
    assert_eq!((flash.requests, flash.attempts, flash.failures), (2, 2, 1));
    // r-1: input 15300 + 12 tool prompt, output 240 + 910 thoughts; r-2 blocked: 500 in.
    assert_eq!(tokens(flash), [15_812, 1_150, 11_500, 0, 910]);
    // r-1: 3812×0.30 + 11500×0.03 + 1150×2.50 = 4,363.6 µ$; r-2: 500×0.30 = 150 µ$.
    assert_usd(flash.cost_usd, 0.004_513_6);
}

#[test]
fn openrouter_generations_fallbacks_cancelled_and_billed() {
    let s = summarize(&["openrouter/generations.jsonl"]);
    let sonnet = &s.by_model["openrouter/anthropic/claude-sonnet-4-6"].row;
    // One request, two upstream attempts: a 529 from Anthropic, then Bedrock.
    assert_eq!((sonnet.requests, sonnet.attempts, sonnet.failures, sonnet.retries), (1, 2, 1, 1));
    assert_eq!(tokens(sonnet), [5_400, 350, 4_096, 0, 0]);
    assert_usd(sonnet.billed_usd, 0.008_12);
    assert_usd(sonnet.cost_usd, 0.008_12);
    // 1304×3 + 4096×0.30 + 350×15 = 10,390.8 µ$.
    assert_usd(sonnet.catalog_usd, 0.010_390_8);
    let gpt = &s.by_model["openrouter/openai/gpt-4.1"].row;
    assert_eq!((gpt.attempts, gpt.failures), (1, 1), "a cancelled stream");
    // Billed 0.002784 = 1000×2 + 98×8 µ$.
    assert_usd(gpt.billed_usd, 0.002_784);
    assert_usd(gpt.catalog_usd, 0.002_784);
    let flash = &s.by_model["openrouter/google/gemini-2.5-flash"].row;
    assert_usd(flash.billed_usd, 0.000_85);
    assert_usd(flash.catalog_usd, 0.000_85);
    assert_usd(s.totals.cost_usd, 0.008_12 + 0.002_784 + 0.000_85);
}

#[test]
fn openrouter_activity_csv_with_quotes_and_bad_rows() {
    let s = summarize(&["openrouter/activity.csv"]);
    assert_eq!(s.records, 2);
    assert_eq!(
        skipped(&s),
        vec![
            ("openrouter-csv: created_at is not a timestamp".to_owned(), 1),
            ("openrouter-csv: token count is not a whole number".to_owned(), 1),
        ]
    );
    assert_eq!(s.stats.skipped[0].first, "openrouter/activity.csv:4");
    let sonnet = &s.by_model["openrouter/anthropic/claude-sonnet-4-6"].row;
    assert_usd(sonnet.billed_usd, 0.008_12);
    let mini = &s.by_model["openrouter/openai/gpt-5-mini"].row;
    // Billed 0.0005; the catalog says 1000×0.25 + 50×2 = 350 µ$.
    assert_usd(mini.billed_usd, 0.000_5);
    assert_usd(mini.catalog_usd, 0.000_35);
    let records = costintent_logs::read_records(
        &[input("openrouter/activity.csv")],
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(records.attempts[1].dims.app.as_deref(), Some("my-app, beta"));
}

#[test]
fn billing_exports_are_buckets_not_attempts() {
    let s = summarize(&[
        "openai/usage_completions.json",
        "openai/costs.json",
        "anthropic/usage_report.json",
        "anthropic/cost_report.json",
        "anthropic/claude_api_tokens_2026_09_01_to_2026_09_02.csv",
    ]);
    assert_eq!(s.records, 0);
    let mini = &s.exports["openai/gpt-5-mini"];
    assert_eq!((mini.rows, mini.requests), (3, Some(410)));
    assert_eq!(
        (mini.input_tokens, mini.output_tokens, mini.cache_read_tokens, mini.cache_write_tokens),
        (1_200_000, 90_000, 800_000, 50_000)
    );
    assert_usd(mini.amount_usd, 0.6013);
    let sonnet = &s.exports["anthropic/claude-sonnet-4-6"];
    // usage report 52000 + 910000 + 40000; console 48000 + 6000 + 410000.
    assert_eq!((sonnet.rows, sonnet.input_tokens, sonnet.output_tokens), (3, 1_466_000, 82_000));
    // "123.45" cents.
    assert_usd(sonnet.amount_usd, 1.2345);
    assert_eq!(s.exports["anthropic/claude-haiku-4-5"].input_tokens, 1_000);
    assert_eq!(
        skipped(&s),
        vec![("anthropic-console-csv: token count is not a whole number".to_owned(), 1)]
    );
    let formats: Vec<Option<String>> = s.stats.files.iter().map(|f| f.format.clone()).collect();
    assert_eq!(
        formats,
        [
            "openai-usage",
            "openai-usage",
            "anthropic-usage",
            "anthropic-usage",
            "anthropic-console-csv"
        ]
        .map(|f| Some(f.to_owned()))
    );
}

fn sample_attempts() -> Vec<Attempt> {
    let base = Attempt {
        src: Src {
            kind: "costintent.sim".to_owned(),
            file: Some("trial-7".to_owned()),
            line: None,
        },
        provider: "anthropic".to_owned(),
        api: Some("messages".to_owned()),
        model: "anthropic/claude-haiku-4-5".to_owned(),
        session_id: Some("session-1".to_owned()),
        ts_start: Some("2026-09-01T10:00:00.000Z".to_owned()),
        ts_end: Some("2026-09-01T10:00:03.500Z".to_owned()),
        latency_ms: Some(3500),
        tokens: Tokens {
            input: Some(80_000),
            output: Some(700),
            cache_read: Some(75_000),
            cache_write: Some(4_000),
            cache_write_5m: Some(4_000),
            cache_write_1h: Some(0),
            reasoning: Some(200),
            ..Tokens::default()
        },
        units: Units { requests: Some(1), tool_calls: Some(2), ..Units::default() },
        cost: Cost { billed: Some(Money::usd(0.016_7)), client_estimate: None },
        billable: Some(true),
        dims: Dims { workload: Some("agent".to_owned()), ..Dims::default() },
        ..Attempt::default()
    };
    let failed = Attempt {
        parent_id: Some("turn-1".to_owned()),
        attempt: Some(1),
        status: Status::Error,
        http_status: Some(529),
        error_type: Some("overloaded_error".to_owned()),
        tokens: Tokens::default(),
        cost: Cost::default(),
        billable: Some(false),
        ..base.clone()
    };
    let retry = Attempt {
        parent_id: Some("turn-1".to_owned()),
        attempt: Some(2),
        request_id: Some("req_sim_2".to_owned()),
        ..base.clone()
    };
    let batch = Attempt {
        model: "anthropic/claude-haiku-4-5".to_owned(),
        tier: Some("batch".to_owned()),
        tokens: Tokens { input: Some(640), output: Some(88), ..Tokens::default() },
        cost: Cost { billed: Some(Money::usd(0.000_54)), client_estimate: None },
        dims: Dims { workload: Some("nightly".to_owned()), ..Dims::default() },
        ..base.clone()
    };
    vec![base, failed, retry, batch]
}

#[test]
fn costintent_attempt_log_round_trips() {
    let attempts = sample_attempts();
    let mut bytes = Vec::new();
    for a in &attempts {
        costintent_logs::write_attempt(&mut bytes, a).unwrap();
    }
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text.lines().all(|l| l.starts_with(r#"{"v":"costintent.attempt/v1","record_id":""#)));
    let read = costintent_logs::read_records(
        &[Input::from_bytes("attempts.jsonl", bytes.clone())],
        &ImportOptions::default(),
    )
    .unwrap();
    let mut want = attempts.clone();
    for a in &mut want {
        a.v = costintent_logs::ATTEMPT_SCHEMA.to_owned();
        a.ensure_record_id();
    }
    assert_eq!(read.attempts, want);
    assert_eq!(read.stats.files[0].format.as_deref(), Some("costintent"));
    let ids: std::collections::BTreeSet<_> = want.iter().map(|a| a.record_id.clone()).collect();
    assert_eq!(ids.len(), 4, "record ids differ");

    // The summary gives back the totals that were written.
    let catalog = Catalog::embedded();
    let options = SummaryOptions {
        catalog: &catalog,
        by: GroupBy::Workload,
        undated_prices: day("2026-09-01"),
    };
    let s = costintent_logs::summarize(
        &[Input::from_bytes("attempts.jsonl", bytes)],
        &ImportOptions::default(),
        &options,
    )
    .unwrap();
    let t = &s.totals;
    assert_eq!((t.requests, t.attempts, t.failures, t.retries), (3, 4, 1, 1));
    assert_eq!(t.input_tokens, 80_000 * 2 + 640);
    assert_eq!(t.output_tokens, 700 * 2 + 88);
    assert_usd(t.billed_usd, 0.016_7 * 2.0 + 0.000_54);
    assert_eq!(s.groups["agent"].attempts, 3);
    assert_eq!(s.groups["nightly"].attempts, 1);
    // The catalog price of the batch record: (640×1 + 88×5) × 0.5 = 540 µ$.
    assert_usd(s.groups["nightly"].catalog_usd, 0.000_54);
}

#[test]
fn costintent_reader_skips_unknown_schema_versions() {
    let s = summarize(&["costintent/app.jsonl"]);
    assert_eq!(s.records, 2);
    assert_eq!(skipped(&s), vec![("costintent: unknown schema version in `v`".to_owned(), 1)]);
}

#[test]
fn bad_inputs_are_counted_or_located_never_a_panic() {
    let catalog = Catalog::embedded();
    let options =
        SummaryOptions { catalog: &catalog, by: GroupBy::Model, undated_prices: day("2026-09-01") };
    let run = |inputs: Vec<Input>| {
        costintent_logs::summarize(&inputs, &ImportOptions::default(), &options)
    };
    // An empty file is counted.
    let s = run(vec![Input::from_bytes("empty.jsonl", Vec::new())]).unwrap();
    assert_eq!(skipped(&s), vec![("empty file".to_owned(), 1)]);
    // A named file in no known format is an error at file:line.
    let err =
        run(vec![Input::from_bytes("notes.json", br#"{"hello":"world"}"#.to_vec())]).unwrap_err();
    match err {
        ImportError::Unrecognized { location, help, .. } => {
            assert_eq!(location, "notes.json:1");
            assert!(help.contains("claude-code"), "{help}");
        }
        other => panic!("{other:?}"),
    }
    // The same file found in a folder is counted, and the import goes on.
    let mut found = Input::from_bytes("dir/notes.json", br#"{"hello":"world"}"#.to_vec());
    found.explicit = false;
    let s = run(vec![found]).unwrap();
    assert_eq!(
        skipped(&s),
        vec![("file in no known log format (found in a folder)".to_owned(), 1)]
    );
    // A broken pretty-printed document is located.
    let err = run(vec![Input::from_bytes(
        "page.json",
        b"{\n  \"object\": \"page\",\n  \"data\": [\n".to_vec(),
    )])
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Unrecognized { location, .. } if location.starts_with("page.json:4")),
        "{err:?}"
    );
    // Only garbage and stray bytes: a named file is an error, not a panic.
    let err =
        run(vec![Input::from_bytes("bin.jsonl", vec![0xff, 0xfe, 0x00, 0x10, b'\n'])]).unwrap_err();
    assert!(matches!(err, ImportError::Unrecognized { .. }));
    // An unreadable input is an I/O error naming it.
    let missing = Input {
        name: "gone.jsonl".to_owned(),
        open: Box::new(|| Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))),
        explicit: true,
    };
    assert!(
        matches!(run(vec![missing]).unwrap_err(), ImportError::Io { file, .. } if file == "gone.jsonl")
    );
}

#[test]
fn forced_format_reads_what_detection_would_not() {
    // A Messages response without `type` or a msg_ id is not recognised…
    let line = br#"{"model":"claude-haiku-4-5","usage":{"input_tokens":1000,"output_tokens":100}}"#
        .to_vec();
    let catalog = Catalog::embedded();
    let options =
        SummaryOptions { catalog: &catalog, by: GroupBy::Model, undated_prices: day("2026-09-01") };
    let inputs = vec![Input::from_bytes("x.jsonl", line.clone())];
    assert!(costintent_logs::summarize(&inputs, &ImportOptions::default(), &options).is_err());
    // …but --format anthropic reads it: 1000×1 + 100×5 = 1,500 µ$.
    let inputs = vec![Input::from_bytes("x.jsonl", line)];
    let s = costintent_logs::summarize(
        &inputs,
        &ImportOptions { format: Some(Format::Anthropic) },
        &options,
    )
    .unwrap();
    assert_usd(s.by_model["anthropic/claude-haiku-4-5"].row.cost_usd, 0.0015);
}

/// Many copies of the transcript lines, so the file spans several 4 MiB
/// chunks, give the same per-response result on 1 and 4 threads: chunk
/// boundaries and parallelism change nothing.
#[test]
fn big_inputs_are_deterministic_across_threads_and_chunks() {
    let template = std::fs::read(fixture("claude-code/project-a/s1.jsonl")).unwrap();
    // Lines 3–5 (msg_A1's three snapshots) and 7 (msg_A2), renamed per copy.
    let lines: Vec<&[u8]> = template.split(|b| *b == b'\n').collect();
    let pick = [lines[2], lines[3], lines[4], lines[6]];
    let mut big = Vec::new();
    let copies = 9_000;
    for i in 0..copies {
        for line in pick {
            let line = String::from_utf8_lossy(line)
                .replace("msg_A", &format!("msg_{i}_A"))
                .replace("req_A", &format!("req_{i}_A"));
            big.extend_from_slice(line.as_bytes());
            big.push(b'\n');
        }
    }
    assert!(big.len() > 9 << 20, "spans several chunks: {} bytes", big.len());
    let catalog = Catalog::embedded();
    let options =
        SummaryOptions { catalog: &catalog, by: GroupBy::Day, undated_prices: day("2026-09-01") };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let inputs = vec![Input::from_bytes("big.jsonl", big.clone())];
        pool.install(|| costintent_logs::summarize(&inputs, &ImportOptions::default(), &options))
            .unwrap()
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(one, four);
    assert_eq!(one.records, 2 * copies as u64);
    assert_eq!(one.duplicates_dropped, 2 * copies as u64);
    // Per copy: A1 10,071 µ$ + A2 11,774 µ$.
    assert_usd(one.totals.cost_usd, 0.021_845 * f64::from(copies));
    assert_eq!(one.totals.tool_calls, 3 * copies as u64);
}

#[test]
fn failed_attempts_without_a_model_read_back_from_costintent_jsonl() {
    // Found by fuzzing: an errored, cancelled or expired batch line names
    // no model; `write_attempt` wrote it, but the costintent reader skipped
    // it as "attempt without a model", so the round trip lost failures.
    let read = costintent_logs::read_records(
        &[input("anthropic/batch_results.jsonl")],
        &ImportOptions::default(),
    )
    .unwrap();
    let without_model = read.attempts.iter().filter(|a| a.model.is_empty()).count();
    assert_eq!(without_model, 3, "the errored, cancelled and expired lines");
    let mut bytes = Vec::new();
    let mut want = read.attempts.clone();
    for a in &mut want {
        costintent_logs::write_attempt(&mut bytes, a).unwrap();
        a.v = costintent_logs::ATTEMPT_SCHEMA.to_owned();
        a.ensure_record_id();
    }
    let again = costintent_logs::read_records(
        &[Input::from_bytes("again.jsonl", bytes)],
        &ImportOptions { format: Some(Format::Costintent) },
    )
    .unwrap();
    assert_eq!(again.attempts, want);
    assert!(again.stats.skipped.is_empty(), "{:?}", again.stats.skipped);

    // A success still needs a model.
    let line = br#"{"v":"costintent.attempt/v1","src":{"kind":"app"},"provider":"openai","model":"","status":"ok"}"#;
    let success = costintent_logs::read_records(
        &[Input::from_bytes("s.jsonl", line.to_vec())],
        &ImportOptions { format: Some(Format::Costintent) },
    )
    .unwrap();
    assert!(success.attempts.is_empty());
    assert_eq!(success.stats.skipped[0].reason, "costintent: attempt without a model");
}
