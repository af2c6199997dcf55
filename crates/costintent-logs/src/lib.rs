//! Importers of AI API usage logs and billing exports into one normalized
//! attempt record, `costintent.attempt/v1` ([`Attempt`]), and the summaries
//! built on it (`logs summarize`, `logs review`).
//!
//! Formats ([`Format`]): Claude Code transcripts, Codex rollouts, OpenAI
//! Chat/Responses objects and Batch output, the OpenAI Usage/Costs API pages
//! and cost CSV, Anthropic Messages responses, batch results, the Admin
//! usage/cost report pages and the console CSV, Gemini `usageMetadata`,
//! OpenRouter generation records and the activity CSV, and costintent's own
//! JSONL (written by [`write_attempt`]). The format of each input is
//! detected from its content; [`ImportOptions::format`] forces one.
//!
//! # Reading: streaming, parallel, bounded
//!
//! Inputs are [`Input`]s (a name and a way to open it): this crate never
//! touches the file system itself. JSON-lines inputs are cut into ~4 MiB
//! chunks at newline boundaries; chunks of big and small files alike are
//! parsed in parallel (rayon) and consumed strictly in input order while the
//! next batch is parsed (see `scan`). Memory holds two batches of chunks
//! (a few tens of MiB) plus the deduplication state, whatever the file
//! sizes. Every line that is not used is counted with its reason: *skipped*
//! (unusable: invalid JSON, a truncated last line, non-UTF-8 bytes, a null
//! token count, an over-long line…) or *ignored* (no usage by design: a
//! user line in a transcript, a stream chunk before the one with usage).
//!
//! # Deduplication
//!
//! Claude Code writes one response on several lines (one per content block,
//! and repeated streaming snapshots), Gemini streams write one chunk per
//! line. Those lines share a 64-bit key (FNV-1a of the message id, or of
//! the response id; see `formats::claude_code` for why the message id alone
//! is the key) and the summary keeps one line per key: the one with the
//! most output tokens, then the most input, then the last: the final
//! snapshot. The key table is the only state that grows with the input: one
//! compact entry (counts, no strings, about 150 bytes with the table's
//! overhead) per distinct response, so a million responses take about
//! 150 MB. It is global, so duplicates are found across chunk boundaries,
//! across files and across sessions (a resumed session copies its parent's
//! lines). A 64-bit hash collision between two of a million responses has a
//! probability of about 3 × 10⁻⁸.
//!
//! # Why not polars
//!
//! The design suggested polars lazy scans for CSV and NDJSON where they fit.
//! They do not fit here, for three reasons. (1) Accounting: polars' NDJSON
//! reader infers one schema and either fails the file or nulls what does
//! not fit; it cannot say "line 812 is truncated, line 9,044 has a null
//! token count" and go on, which is the contract of this crate. (2) Shape:
//! the usable logs are irregular (a Claude Code transcript mixes a dozen
//! line types whose usage is nested two levels down; Codex needs a
//! stateful subtraction; OpenAI Usage pages nest results in buckets), so a
//! frame would be built only to be walked row by row. (3) Cost: polars
//! makes a clean build 3–9 minutes longer on the project's 2-core machine
//! (see the build notes), against seconds for `csv` and `serde_json`,
//! while typed `serde_json` parsing of borrowed lines already runs at
//! several hundred MB/s per core (benches/RESULTS.md). CSV exports are read
//! row by row with the `csv` crate, which keeps per-row errors.
//!
//! # Pricing
//!
//! Catalog prices come from `costintent_scenario::Catalog::resolve` at the
//! request's UTC day (long-context whole-request tier, batch discount, cache
//! 5-minute and 1-hour writes, cache reads); [`pricing`] applies them.
//! Model names map to catalog ids ([`ModelMap`]); an unknown model is
//! reported by name with its token totals and never priced at $0.
//!
//! Where the catalog says the provider rejects prompts above a limit on the
//! request's day (`ModelPrice::reject_above`, a `long_context` rule with
//! `mode = "reject"`, such as Claude Sonnet 4.5 above 200k tokens from
//! 2026-04-30), a record above the limit is set against that rule
//! ([`pricing::length`]):
//! - a failed attempt is what the catalog predicts: refused and not billed,
//!   so its catalog price is $0 (a note counts them);
//! - an answered one contradicts the catalog: the request was served, so it
//!   was billed, but the catalog has no price for it (pricing it at $0 would
//!   hide spend; at the base price or at a tier that has ended, invent one).
//!   Its tokens are counted, a billed amount in the log is kept as its cost,
//!   and without one it is left unpriced ([`Row::unpriced_attempts`], so the
//!   cost reads as a lower bound). `summarize` adds a note with the count,
//!   days and longest prompt; `review` reports a [`Mismatch::AboveLimit`].
//!   Such a record usually means a route with other limits (a partner
//!   platform) or a catalog out of date.

mod formats;
mod models;
pub mod pricing;
mod record;
mod review;
mod scan;
mod summary;
pub mod time;

use std::io::Write;

pub use formats::Format;
pub use formats::codex::UNKNOWN_MODEL as CODEX_UNKNOWN_MODEL;
pub use models::ModelMap;
pub use record::{
    ATTEMPT_SCHEMA, Attempt, BUCKET_SCHEMA, Bucket, Cost, Dims, Money, Src, Status, Tokens, Units,
};
pub use review::{MATCH_USD, Mismatch, Review, TokenTotals};
pub use scan::{FileStats, ImportError, ImportOptions, ImportStats, Input, Opener, Skipped};
pub use summary::{ExportRow, GroupBy, ModelRow, Row, Summary, SummaryOptions};

use costintent_scenario::{Catalog, Date};

/// Reads `inputs` and summarizes them (`logs summarize`).
pub fn summarize(
    inputs: &[Input],
    import: &ImportOptions,
    options: &SummaryOptions<'_>,
) -> Result<Summary, ImportError> {
    let mut sink = summary::Summarizer::new(*options);
    let stats = scan::run(inputs, import, &mut sink)?;
    Ok(sink.finish(stats))
}

/// Reads `inputs` and collects the request, job or attempt with id `id`
/// (`logs review`). A review without attempts means no record has the id.
pub fn review(
    id: &str,
    inputs: &[Input],
    import: &ImportOptions,
    catalog: &Catalog,
    undated_prices: Date,
) -> Result<Review, ImportError> {
    let mut sink = review::Collect::new(id);
    let stats = scan::run(inputs, import, &mut sink)?;
    Ok(sink.finish(stats, catalog, undated_prices))
}

/// Every record of `inputs`, held in memory (for tests and small inputs;
/// `summarize` streams). Duplicate lines of one response are merged as in
/// the summary, keeping the final snapshot in the position of its first line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records {
    /// Attempts, in input order.
    pub attempts: Vec<Attempt>,
    /// Billing-export rows, in input order.
    pub buckets: Vec<Bucket>,
    /// Lines merged into a response already read.
    pub duplicates_dropped: u64,
    /// Files, lines, skipped and ignored lines.
    pub stats: ImportStats,
}

/// Reads every record of `inputs` into memory.
pub fn read_records(inputs: &[Input], import: &ImportOptions) -> Result<Records, ImportError> {
    struct Keep {
        records: Records,
        by_key: std::collections::HashMap<u64, usize>,
    }
    impl scan::Sink for Keep {
        fn attempt(&mut self, keyed: formats::Keyed, _position: u64) {
            let Some(key) = keyed.dedup else {
                return self.records.attempts.push(keyed.attempt);
            };
            match self.by_key.get(&key) {
                None => {
                    self.by_key.insert(key, self.records.attempts.len());
                    self.records.attempts.push(keyed.attempt);
                }
                Some(&i) => {
                    self.records.duplicates_dropped += 1;
                    let out =
                        |a: &Attempt| (a.tokens.output.unwrap_or(0), a.tokens.input.unwrap_or(0));
                    if out(&keyed.attempt) >= out(&self.records.attempts[i]) {
                        self.records.attempts[i] = keyed.attempt;
                    }
                }
            }
        }
        fn bucket(&mut self, bucket: Bucket) {
            self.records.buckets.push(bucket);
        }
    }
    let mut keep = Keep { records: Records::default(), by_key: Default::default() };
    let stats = scan::run(inputs, import, &mut keep)?;
    keep.records.stats = stats;
    Ok(keep.records)
}

/// Writes one attempt as a line of `costintent.attempt/v1` JSONL (with its
/// `record_id` filled in). Reading the line back with the `costintent`
/// format gives the same attempt.
pub fn write_attempt(out: &mut dyn Write, attempt: &Attempt) -> std::io::Result<()> {
    let mut attempt = attempt.clone();
    attempt.v = ATTEMPT_SCHEMA.to_owned();
    attempt.ensure_record_id();
    serde_json::to_writer(&mut *out, &attempt)?;
    out.write_all(b"\n")
}

/// Writes one bucket as a line of `costintent.bucket/v1` JSONL.
pub fn write_bucket(out: &mut dyn Write, bucket: &Bucket) -> std::io::Result<()> {
    let mut bucket = bucket.clone();
    bucket.v = BUCKET_SCHEMA.to_owned();
    serde_json::to_writer(&mut *out, &bucket)?;
    out.write_all(b"\n")
}
