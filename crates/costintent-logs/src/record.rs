//! The normalized records every importer produces.
//!
//! [`Attempt`] is `costintent.attempt/v1`: one API attempt (one request sent
//! to one endpoint, or one async job submission). [`Bucket`] is
//! `costintent.bucket/v1`: one aggregate row of a billing export (a day of
//! one model in the OpenAI Usage API, one row of the Anthropic console CSV),
//! which has no request ids and is never mixed with attempts.
//!
//! Conventions (the same as the design notes' `costintent.attempt/v1`):
//! - token totals are inclusive and subsets are named: `tokens.input` counts
//!   everything the model read, cache reads and writes included; `output`
//!   counts everything generated, reasoning included; `cache_read`,
//!   `cache_write*` and `reasoning` are subsets;
//! - unknown is not zero: a count that was not reported is `None` (`null`);
//! - money the provider reported goes to `cost.billed`, a tool's estimate to
//!   `cost.client_estimate`; costintent's catalog price is computed when
//!   summarizing and never stored as billed (a simulated attempt log is the
//!   one exception: its `billed` is what the simulated provider billed).

use serde::{Deserialize, Serialize};

/// The schema tag of an attempt line.
pub const ATTEMPT_SCHEMA: &str = "costintent.attempt/v1";
/// The schema tag of a bucket line.
pub const BUCKET_SCHEMA: &str = "costintent.bucket/v1";

/// One API attempt, as a line of `costintent.attempt/v1` JSONL.
///
/// Every field but `v`, `src`, `provider`, `model` and `status` is optional;
/// build one with `Attempt { provider: …, model: …, ..Attempt::default() }`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// Always [`ATTEMPT_SCHEMA`].
    #[serde(default = "attempt_schema")]
    pub v: String,
    /// Deterministic id of the record (a hash of the source kind, the best
    /// native id and the attempt number); [`Attempt::ensure_record_id`] fills it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Where the record was read.
    #[serde(default)]
    pub src: Src,
    /// The billing counterparty: `openai`, `anthropic`, `google`, `openrouter`, …
    #[serde(default)]
    pub provider: String,
    /// The server behind a router or gateway (OpenRouter's `provider_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
    /// `chat`, `responses`, `messages`, `generate_content`, `batch`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// The served model as the log names it (`claude-sonnet-4-5-20250929`).
    #[serde(default)]
    pub model: String,
    /// The alias that was requested, if the log says and it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_requested: Option<String>,
    /// Provider per-HTTP-request id (`req_…`, `gen-…`, `responseId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Response object id (`msg_…`, `chatcmpl-…`, `resp_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_id: Option<String>,
    /// Client-chosen id (`custom_id`, `x-client-request-id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// Async job or batch id (`batch_…`, `msgbatch_…`, `video_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The logical call that groups retries and fallbacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Agent session or conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// 1-based attempt number within `parent_id`; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// When the request was sent (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_start: Option<String>,
    /// Final byte or terminal state (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_end: Option<String>,
    /// End-to-end latency, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Time to first token, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<u64>,
    /// Time queued before processing (jobs), ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_ms: Option<u64>,
    /// Server-side processing time, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<u64>,
    /// How the attempt ended.
    #[serde(default)]
    pub status: Status,
    /// Final HTTP status of the attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Provider error type or code (`overloaded_error`, `batch_expired`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// The finish or stop reason as the log gives it (`end_turn`, `stop`, `length`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Service tier: `standard`, `batch`, `flex`, `priority`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// `standard` or `fast`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<String>,
    /// Token counts (inclusive totals, named subsets).
    #[serde(default, skip_serializing_if = "Tokens::is_empty")]
    pub tokens: Tokens,
    /// Non-token billing units and counts.
    #[serde(default, skip_serializing_if = "Units::is_empty")]
    pub units: Units,
    /// Money reported by the provider or estimated by a tool.
    #[serde(default, skip_serializing_if = "Cost::is_empty")]
    pub cost: Cost,
    /// Whether the provider bills this attempt; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable: Option<bool>,
    /// Grouping dimensions.
    #[serde(default, skip_serializing_if = "Dims::is_empty")]
    pub dims: Dims,
}

fn attempt_schema() -> String {
    ATTEMPT_SCHEMA.to_owned()
}

fn bucket_schema() -> String {
    BUCKET_SCHEMA.to_owned()
}

/// Where a record was read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Src {
    /// The source format: `claude_code.transcript`, `openai.chat`,
    /// `anthropic.batch_result`, `costintent.sim`, …
    pub kind: String,
    /// The file (as given on the command line), when read from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line (or CSV row, or array element) in that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// How an attempt ended.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Completed.
    #[default]
    Ok,
    /// Completed but cut short (`max_tokens`, `length`, content filter on output).
    Incomplete,
    /// Failed (HTTP error, `errored` batch line, API error message).
    Error,
    /// Cancelled by the client or the user.
    Cancelled,
    /// Timed out.
    Timeout,
    /// Rejected with 429.
    RateLimited,
    /// Blocked by moderation.
    Filtered,
    /// Expired before it ran (batch).
    Expired,
    /// Not finished when the log was written.
    InFlight,
}

impl Status {
    /// Whether the attempt failed (anything but ok, incomplete and in flight).
    pub fn is_failure(self) -> bool {
        !matches!(self, Self::Ok | Self::Incomplete | Self::InFlight)
    }

    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Incomplete => "incomplete",
            Self::Error => "error",
            Self::Cancelled => "cancelled",
            Self::Timeout => "timeout",
            Self::RateLimited => "rate_limited",
            Self::Filtered => "filtered",
            Self::Expired => "expired",
            Self::InFlight => "in_flight",
        }
    }
}

/// Token counts. `input` includes cache reads and writes; `output` includes
/// reasoning. `None` means not reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// Everything the model read, cache reads and writes included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<u64>,
    /// Everything generated, reasoning included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<u64>,
    /// Input read from the prompt cache (⊆ input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<u64>,
    /// Input written to the prompt cache (⊆ input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<u64>,
    /// Cache writes with a 5-minute TTL (⊆ cache_write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<u64>,
    /// Cache writes with a 1-hour TTL (⊆ cache_write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<u64>,
    /// Reasoning or thinking tokens (⊆ output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<u64>,
    /// Tool-use prompt tokens (Gemini; ⊆ input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_prompt: Option<u64>,
    /// Audio input tokens (⊆ input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_audio: Option<u64>,
    /// Audio output tokens (⊆ output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_audio: Option<u64>,
    /// Audio input read from the prompt cache (⊆ cache_read and ⊆
    /// input_audio): OpenAI Realtime's `cached_tokens_details.audio_tokens`,
    /// the usage API's `input_cached_audio_tokens`. Priced at the cached
    /// audio rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_audio: Option<u64>,
}

impl Tokens {
    /// Whether no count is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Cache writes, whether or not the TTL split is known.
    pub fn cache_write_total(&self) -> u64 {
        self.cache_write
            .unwrap_or_else(|| self.cache_write_5m.unwrap_or(0) + self.cache_write_1h.unwrap_or(0))
    }

    /// Input that was neither read from nor written to the cache.
    /// Saturates at zero when a log reports more cached than input tokens
    /// (an OpenAI realtime example does).
    pub fn uncached_input(&self) -> u64 {
        self.input
            .unwrap_or(0)
            .saturating_sub(self.cache_read.unwrap_or(0))
            .saturating_sub(self.cache_write_total())
    }
}

/// Non-token billing units and counts; all optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Units {
    /// HTTP requests this attempt was (1 for an attempt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// Tool calls the model made in this response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<u64>,
    /// Server-side web searches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_searches: Option<u64>,
    /// Server-side web fetches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_fetches: Option<u64>,
    /// Images generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<u64>,
    /// Seconds of video generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_seconds: Option<f64>,
    /// Async tasks (jobs) billed with a per-task fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<u64>,
}

impl Units {
    /// Whether no unit is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Money attached to a record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// What the provider billed (OpenRouter `cost`, an export's amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed: Option<Money>,
    /// A tool's estimate (Claude Code `costUSD`, LiteLLM `spend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_estimate: Option<Money>,
}

impl Cost {
    /// Whether neither amount is set.
    pub fn is_empty(&self) -> bool {
        self.billed.is_none() && self.client_estimate.is_none()
    }
}

/// An amount of money.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Money {
    /// The amount in `currency`.
    pub amount: f64,
    /// `USD`.
    #[serde(default = "usd")]
    pub currency: String,
    /// What the amount counts: `usd`, `credits_openrouter`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The tool that estimated it (client estimates only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
}

fn usd() -> String {
    "USD".to_owned()
}

impl Money {
    /// An amount in US dollars.
    pub fn usd(amount: f64) -> Self {
        Self { amount, currency: usd(), unit: Some("usd".to_owned()), tool: None }
    }

    /// The amount in USD, when the currency is USD (OpenRouter credits are
    /// 1 USD each).
    pub fn as_usd(&self) -> Option<f64> {
        self.currency.eq_ignore_ascii_case("usd").then_some(self.amount)
    }
}

/// Grouping dimensions with fixed names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dims {
    /// The scenario workload (costintent's own attempt logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Provider project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// API key id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
    /// Anthropic workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// End user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Calling application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Claude Code: `main` or `sidechain` (a subagent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_source: Option<String>,
}

impl Dims {
    /// Whether no dimension is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Attempt {
    /// The best id to join on: request id, else response id, else client
    /// request id, else job id.
    pub fn native_id(&self) -> Option<&str> {
        self.request_id
            .as_deref()
            .or(self.response_id.as_deref())
            .or(self.client_request_id.as_deref())
            .or(self.job_id.as_deref())
    }

    /// The time the attempt is dated by: its end, else its start.
    pub fn timestamp(&self) -> Option<&str> {
        self.ts_end.as_deref().or(self.ts_start.as_deref())
    }

    /// Whether this attempt begins a logical request: not a retry (attempt
    /// number above 1), and not a Claude Code API-error line, which reports
    /// a failed attempt of a request whose retries the transcript does not show.
    pub fn starts_request(&self) -> bool {
        let retry = self.attempt.is_some_and(|a| a > 1);
        let surfaced_error =
            self.src.kind == crate::formats::claude_code::KIND && self.status.is_failure();
        !retry && !surfaced_error
    }

    /// Fills `record_id` when it is missing: a stable 64-bit FNV-1a hash of
    /// the source kind, the native id (else the file and line, else the
    /// whole record) and the attempt number.
    pub fn ensure_record_id(&mut self) {
        if self.record_id.is_some() {
            return;
        }
        let place = match (self.native_id(), self.src.line) {
            (Some(id), _) => id.to_owned(),
            (None, Some(line)) => format!("{}:{line}", self.src.file.as_deref().unwrap_or("")),
            // Nothing identifies it but its content.
            (None, None) => serde_json::to_string(self).unwrap_or_default(),
        };
        let key = format!("{}|{}|{}", self.src.kind, place, self.attempt.unwrap_or(0));
        self.record_id = Some(format!("{:016x}", fnv1a(key.as_bytes())));
    }
}

/// 64-bit FNV-1a: tiny, stable across platforms and Rust versions.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// One aggregate row of a billing export (`costintent.bucket/v1`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Always [`BUCKET_SCHEMA`].
    #[serde(default = "bucket_schema")]
    pub v: String,
    /// Where the row was read.
    #[serde(default)]
    pub src: Src,
    /// `openai`, `anthropic`, `openrouter`.
    #[serde(default)]
    pub provider: String,
    /// Start of the window (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_start: Option<String>,
    /// End of the window (RFC 3339, UTC), exclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_end: Option<String>,
    /// The model as the export names it, if grouped by model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Service tier, or `batch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Free-text line item or description (OpenAI costs, Anthropic cost report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_item: Option<String>,
    /// Requests in the window, when the export counts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// Token counts, same conventions as attempts.
    #[serde(default, skip_serializing_if = "Tokens::is_empty")]
    pub tokens: Tokens,
    /// Web searches and other units.
    #[serde(default, skip_serializing_if = "Units::is_empty")]
    pub units: Units,
    /// The amount billed for the row (already converted from cents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}
