//! The log formats, how each is recognised, and what a parsed line yields.
//!
//! Every importer turns one line (JSONL), one row (CSV) or one element (a
//! JSON document) into zero or more [`Attempt`]s or [`Bucket`]s, or says why
//! it could not: an *ignored* line has no usage by design (a user message in
//! a transcript), a *skipped* line should have had usage but could not be
//! used (invalid JSON, a truncated last line, a null token count). Both are
//! counted with their reason; nothing is dropped silently.

pub(crate) mod anthropic;
pub(crate) mod claude_code;
pub(crate) mod codex;
pub(crate) mod costintent;
pub(crate) mod gemini;
pub(crate) mod openai;
pub(crate) mod openrouter;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::record::{Attempt, Bucket};

/// The columns of a CSV export's header, found by name (spaces and a
/// byte-order mark around a name are ignored).
pub(crate) struct HeaderColumns<'a>(pub(crate) &'a csv::StringRecord);

impl HeaderColumns<'_> {
    /// The column named `name`, if the header has one.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    }

    /// The column named `name`, or why the file cannot be read without it.
    pub(crate) fn need(&self, name: &str) -> Result<usize, String> {
        self.find(name).ok_or_else(|| format!("the header has no `{name}` column"))
    }
}

/// A log or export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// costintent's own `costintent.attempt/v1` (and `bucket/v1`) JSONL.
    Costintent,
    /// Claude Code transcripts (`~/.claude/projects/**/*.jsonl`).
    ClaudeCode,
    /// OpenAI Codex CLI rollouts (`~/.codex/sessions/**/rollout-*.jsonl`).
    Codex,
    /// OpenAI Chat Completions or Responses objects, one per line.
    Openai,
    /// OpenAI Batch output or error file lines.
    OpenaiBatch,
    /// OpenAI organization Usage or Costs API pages (JSON, time buckets).
    OpenaiUsage,
    /// OpenAI dashboard cost export (CSV).
    OpenaiCostCsv,
    /// Anthropic Messages API responses, one per line.
    Anthropic,
    /// Anthropic Message Batches result lines.
    AnthropicBatch,
    /// Anthropic Admin API usage_report / cost_report pages (JSON).
    AnthropicUsage,
    /// Anthropic console usage export (CSV).
    AnthropicConsoleCsv,
    /// Gemini `generateContent` responses with `usageMetadata`, one per line.
    Gemini,
    /// OpenRouter generation records (`/generation`) or chat responses.
    Openrouter,
    /// OpenRouter activity export (CSV, one row per generation).
    OpenrouterCsv,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [Format; 14] = [
        Format::Costintent,
        Format::ClaudeCode,
        Format::Codex,
        Format::Openai,
        Format::OpenaiBatch,
        Format::OpenaiUsage,
        Format::OpenaiCostCsv,
        Format::Anthropic,
        Format::AnthropicBatch,
        Format::AnthropicUsage,
        Format::AnthropicConsoleCsv,
        Format::Gemini,
        Format::Openrouter,
        Format::OpenrouterCsv,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Costintent => "costintent",
            Self::ClaudeCode => "claude-code",
            Self::Codex => "codex",
            Self::Openai => "openai",
            Self::OpenaiBatch => "openai-batch",
            Self::OpenaiUsage => "openai-usage",
            Self::OpenaiCostCsv => "openai-cost-csv",
            Self::Anthropic => "anthropic",
            Self::AnthropicBatch => "anthropic-batch",
            Self::AnthropicUsage => "anthropic-usage",
            Self::AnthropicConsoleCsv => "anthropic-console-csv",
            Self::Gemini => "gemini",
            Self::Openrouter => "openrouter",
            Self::OpenrouterCsv => "openrouter-csv",
        }
    }

    /// One line of description for `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Costintent => "costintent.attempt/v1 JSONL (costintent's own attempt logs)",
            Self::ClaudeCode => "Claude Code transcripts (projects/<project>/<session>.jsonl)",
            Self::Codex => "Codex CLI rollouts (sessions/YYYY/MM/DD/rollout-*.jsonl)",
            Self::Openai => "OpenAI Chat Completions / Responses objects, one per line",
            Self::OpenaiBatch => "OpenAI Batch output or error file",
            Self::OpenaiUsage => "OpenAI organization Usage / Costs API pages (JSON)",
            Self::OpenaiCostCsv => "OpenAI dashboard cost export (CSV)",
            Self::Anthropic => "Anthropic Messages API responses, one per line",
            Self::AnthropicBatch => "Anthropic Message Batches results (JSONL)",
            Self::AnthropicUsage => "Anthropic Admin API usage_report / cost_report pages (JSON)",
            Self::AnthropicConsoleCsv => "Anthropic console usage export (CSV)",
            Self::Gemini => "Gemini generateContent responses (usageMetadata), one per line",
            Self::Openrouter => "OpenRouter /generation records or chat responses with usage",
            Self::OpenrouterCsv => "OpenRouter activity export (CSV)",
        }
    }

    /// Whether the format is CSV (read row by row, not line by line).
    pub fn is_csv(self) -> bool {
        matches!(self, Self::OpenaiCostCsv | Self::AnthropicConsoleCsv | Self::OpenrouterCsv)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            format!("unknown log format `{s}`; expected one of {}", names.join(", "))
        })
    }
}

/// Why a line was not used.
pub(crate) type Reason = Cow<'static, str>;

/// Where a line is and what is known about its place in the file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineCtx<'a> {
    /// Its name, for `src.file`.
    pub(crate) file: &'a str,
    /// 1-based line number.
    pub(crate) line: u64,
    /// The last line of the file, without a trailing newline (so a JSON
    /// error is most likely a truncated write).
    pub(crate) unterminated: bool,
}

/// What one line gave.
#[derive(Debug)]
pub(crate) enum LineOut {
    /// An attempt; `dedup` is set for formats that write one response on
    /// several lines (Claude Code).
    Attempt(Box<Keyed>),
    /// A billing-export row.
    Bucket(Box<Bucket>),
    /// A Codex event, assembled into attempts by a stateful pass.
    Codex(Box<codex::Event>),
}

/// An attempt with what deduplication needs.
#[derive(Debug)]
pub(crate) struct Keyed {
    pub(crate) attempt: Attempt,
    /// Hash of the response's identity; lines with the same key are
    /// snapshots of one response.
    pub(crate) dedup: Option<u64>,
    /// Hashes of the tool-use blocks on this line (a response's tool calls
    /// are spread over its lines, one content block per line).
    pub(crate) parts: Vec<u64>,
}

impl Keyed {
    pub(crate) fn plain(attempt: Attempt) -> Self {
        Self { attempt, dedup: None, parts: Vec::new() }
    }
}

/// Collects what the lines of one chunk gave, in line order.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    pub(crate) items: Vec<(u64, LineOut)>,
    /// (reason, count, first line)
    pub(crate) skipped: Vec<(Reason, u64, u64)>,
    pub(crate) ignored: Vec<(Reason, u64)>,
    pub(crate) lines: u64,
}

impl Collector {
    pub(crate) fn attempt(&mut self, ctx: &LineCtx<'_>, mut keyed: Keyed) {
        keyed.attempt.src.file = Some(ctx.file.to_owned());
        keyed.attempt.src.line = Some(ctx.line);
        self.items.push((ctx.line, LineOut::Attempt(Box::new(keyed))));
    }

    pub(crate) fn bucket(&mut self, ctx: &LineCtx<'_>, mut bucket: Bucket) {
        bucket.src.file = Some(ctx.file.to_owned());
        bucket.src.line = Some(ctx.line);
        self.items.push((ctx.line, LineOut::Bucket(Box::new(bucket))));
    }

    pub(crate) fn skip(&mut self, ctx: &LineCtx<'_>, reason: impl Into<Reason>) {
        let reason = reason.into();
        match self.skipped.iter_mut().find(|(r, _, _)| *r == reason) {
            Some((_, n, _)) => *n += 1,
            None => self.skipped.push((reason, 1, ctx.line)),
        }
    }

    pub(crate) fn ignore(&mut self, reason: impl Into<Reason>) {
        let reason = reason.into();
        match self.ignored.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.ignored.push((reason, 1)),
        }
    }

    /// Counts a line that failed to parse, with the most useful reason.
    pub(crate) fn json_error(
        &mut self,
        ctx: &LineCtx<'_>,
        line: &[u8],
        format: Format,
        err: &serde_json::Error,
    ) {
        let reason = json_error_reason(line, format, err, ctx.unterminated);
        self.skip(ctx, reason);
    }
}

/// Why a line failed to parse: not UTF-8, a truncated last line, invalid
/// JSON, or a field of the wrong type (named, without the column).
pub(crate) fn json_error_reason(
    line: &[u8],
    format: Format,
    err: &serde_json::Error,
    unterminated: bool,
) -> Reason {
    if std::str::from_utf8(line).is_err() {
        return "not UTF-8".into();
    }
    if err.is_eof() || err.is_syntax() {
        return if unterminated { "truncated last line".into() } else { "invalid JSON".into() };
    }
    let message = err.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    format!("{format}: {message}").into()
}

/// Parses one line of `format`.
pub(crate) fn parse_line(format: Format, line: &[u8], ctx: &LineCtx<'_>, out: &mut Collector) {
    match format {
        Format::Costintent => costintent::parse_line(line, ctx, out),
        Format::ClaudeCode => claude_code::parse_line(line, ctx, out),
        Format::Codex => codex::parse_line(line, ctx, out),
        _ => match serde_json::from_slice::<Value>(line) {
            Ok(value) => parse_value(format, &value, ctx, out),
            Err(e) => out.json_error(ctx, line, format, &e),
        },
    }
}

/// Parses one JSON value (a line, or an element of a JSON document) of one
/// of the provider formats.
pub(crate) fn parse_value(format: Format, value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    match format {
        Format::Openai => openai::parse_object(value, ctx, out),
        Format::OpenaiBatch => openai::parse_batch_line(value, ctx, out),
        Format::OpenaiUsage => openai::parse_usage_page(value, ctx, out),
        Format::Anthropic => anthropic::parse_message(value, ctx, out),
        Format::AnthropicBatch => anthropic::parse_batch_line(value, ctx, out),
        Format::AnthropicUsage => anthropic::parse_report_page(value, ctx, out),
        Format::Gemini => gemini::parse_response(value, ctx, out),
        Format::Openrouter => openrouter::parse_record(value, ctx, out),
        Format::Costintent | Format::ClaudeCode | Format::Codex => {
            // Line formats with their own typed parsers; a value of theirs
            // only reaches here from a JSON document, which they never are.
            out.skip(ctx, format!("{format}: expected one JSON object per line"));
        }
        Format::OpenaiCostCsv | Format::AnthropicConsoleCsv | Format::OpenrouterCsv => {
            out.skip(ctx, format!("{format}: expected CSV, found JSON"));
        }
    }
}

/// Recognises the format of a JSON line or document.
pub(crate) fn detect_json(value: &Value) -> Option<Format> {
    let obj = value.as_object()?;
    let has = |k: &str| obj.contains_key(k);
    let str_of = |k: &str| obj.get(k).and_then(Value::as_str);
    if str_of("v").is_some_and(|v| v.starts_with("costintent.")) {
        return Some(Format::Costintent);
    }
    if has("sessionId") && (has("uuid") || has("parentUuid") || has("type")) {
        return Some(Format::ClaudeCode);
    }
    if matches!(str_of("type"), Some("summary" | "file-history-snapshot"))
        && (has("leafUuid") || has("messageId") || has("snapshot"))
    {
        return Some(Format::ClaudeCode);
    }
    if has("payload")
        && has("timestamp")
        && matches!(
            str_of("type"),
            Some("session_meta" | "turn_context" | "event_msg" | "response_item" | "compacted")
        )
    {
        return Some(Format::Codex);
    }
    if has("custom_id") && obj.get("result").is_some_and(|r| r.get("type").is_some()) {
        return Some(Format::AnthropicBatch);
    }
    if has("custom_id") && (has("response") || has("error")) {
        return Some(Format::OpenaiBatch);
    }
    if str_of("object") == Some("page") || str_of("object") == Some("bucket") {
        return Some(Format::OpenaiUsage);
    }
    if let Some(data) = obj.get("data") {
        if let Some(first) = data.as_array().and_then(|a| a.first()) {
            if first.get("starting_at").is_some() {
                return Some(Format::AnthropicUsage);
            }
            if first.get("object").and_then(Value::as_str) == Some("bucket") {
                return Some(Format::OpenaiUsage);
            }
        }
        if data.get("native_tokens_prompt").is_some() || data.get("total_cost").is_some() {
            return Some(Format::Openrouter);
        }
    }
    if has("usageMetadata") || has("modelVersion") {
        return Some(Format::Gemini);
    }
    if has("native_tokens_prompt") || has("total_cost") {
        return Some(Format::Openrouter);
    }
    let id = str_of("id").unwrap_or("");
    if id.starts_with("gen-") || obj.get("usage").is_some_and(|u| u.get("cost").is_some()) {
        return Some(Format::Openrouter);
    }
    if str_of("type") == Some("message") || id.starts_with("msg_") {
        return Some(Format::Anthropic);
    }
    if matches!(str_of("object"), Some("chat.completion" | "response" | "chat.completion.chunk"))
        || id.starts_with("chatcmpl-")
        || id.starts_with("resp_")
    {
        return Some(Format::Openai);
    }
    None
}

/// Recognises a CSV export from its header line.
pub(crate) fn detect_csv_header(header: &str) -> Option<Format> {
    let header = header.trim_start_matches('\u{feff}');
    let columns: Vec<&str> = header.split(',').map(|c| c.trim().trim_matches('"')).collect();
    let has = |c: &str| columns.contains(&c);
    if has("generation_id") && has("cost_total") {
        Some(Format::OpenrouterCsv)
    } else if has("usage_date_utc") && has("model_version") {
        Some(Format::AnthropicConsoleCsv)
    } else if has("amount_value") && has("line_item") {
        Some(Format::OpenaiCostCsv)
    } else {
        None
    }
}

/// A JSON number field as u64 (accepting integral floats such as `12.0`).
pub(crate) fn u64_of(value: &Value, key: &str) -> Option<u64> {
    let v = value.get(key)?;
    v.as_u64().or_else(|| v.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
}

/// A string field.
pub(crate) fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A string field, owned; empty strings are absent.
pub(crate) fn string_of(value: &Value, key: &str) -> Option<String> {
    str_of(value, key).filter(|s| !s.is_empty()).map(str::to_owned)
}
