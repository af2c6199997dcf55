//! Claude Code transcripts: `projects/<project>/<session>.jsonl`, with
//! subagents in `…/subagents/*.jsonl`.
//!
//! One API response is written on several lines: one per content block, and
//! as streaming snapshots whose `output_tokens` grow. All of them carry the
//! response's `message.id` (and usually `requestId`). Those lines get the
//! same deduplication key, and the summary keeps one per key: the line with
//! the most output tokens, the last one on a tie (the final snapshot).
//!
//! The key is the message id. Anthropic makes `message.id` unique per
//! response, so the pair (message id, request id) that ccusage uses adds
//! nothing when both are present, and keying on the message alone also
//! drops the sidechain (`/btw`) replays that copy a parent message under a
//! new request id (ccusage #913) and transcripts copied into a resumed
//! session (ccusage #1762). Lines without a request id come from
//! Anthropic-compatible third-party endpoints whose message ids are not
//! known to be unique, so their key is scoped to the session (as ccusage
//! does after #1661). A line with neither id is counted as it is.
//!
//! Lines flagged `isApiErrorMessage` (a usage limit, an overloaded API,
//! written with `model: "<synthetic>"` and zero usage) are failed attempts,
//! not requests. User, system, summary and snapshot lines are counted as
//! ignored: they carry no usage.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::{Collector, Format, Keyed, LineCtx};
use crate::record::{Attempt, Dims, Money, Src, Status, Tokens, Units, fnv1a};

/// `src.kind` of transcript records.
pub(crate) const KIND: &str = "claude_code.transcript";

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", default, borrow)]
    session_id: Option<Cow<'a, str>>,
    #[serde(rename = "requestId", default, borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "isSidechain", default)]
    is_sidechain: Option<bool>,
    #[serde(rename = "isApiErrorMessage", default)]
    is_api_error: Option<bool>,
    #[serde(rename = "costUSD", default)]
    cost_usd: Option<f64>,
    #[serde(default, borrow)]
    message: Option<Message<'a>>,
    #[serde(default, borrow)]
    data: Option<Progress<'a>>,
}

/// `progress` lines can nest a whole assistant line under `data.message`.
#[derive(Deserialize)]
struct Progress<'a> {
    #[serde(default, borrow)]
    message: Option<Box<Line<'a>>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    stop_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<Usage<'a>>,
    #[serde(default)]
    content: ToolUses,
}

#[derive(Deserialize)]
struct Usage<'a> {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
    #[serde(default, borrow)]
    service_tier: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    speed: Option<Cow<'a, str>>,
    #[serde(default)]
    server_tool_use: Option<ServerToolUse>,
    #[serde(default)]
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Deserialize)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_5m_input_tokens: Option<u64>,
    #[serde(default)]
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct ServerToolUse {
    #[serde(default)]
    web_search_requests: Option<u64>,
    #[serde(default)]
    web_fetch_requests: Option<u64>,
}

#[derive(Deserialize)]
struct OutputDetails {
    #[serde(default)]
    thinking_tokens: Option<u64>,
}

/// Hashes of the `tool_use` blocks' ids in `message.content`, which is a
/// string on user lines and a list of blocks on assistant lines.
#[derive(Default)]
struct ToolUses(Vec<u64>);

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for ToolUses {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ToolUses;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("message content (a string or a list of blocks)")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<ToolUses, E> {
                Ok(ToolUses::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<ToolUses, E> {
                Ok(ToolUses::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ToolUses, A::Error> {
                let mut out = Vec::new();
                while let Some(block) = seq.next_element::<Block<'de>>()? {
                    if block.kind.as_deref() == Some("tool_use") {
                        let id = block.id.as_deref().unwrap_or("");
                        out.push(fnv1a(id.as_bytes()));
                    }
                }
                Ok(ToolUses(out))
            }
        }
        d.deserialize_any(V)
    }
}

pub(crate) fn parse_line(bytes: &[u8], ctx: &LineCtx<'_>, out: &mut Collector) {
    match serde_json::from_slice::<Line<'_>>(bytes) {
        Ok(line) => use_line(line, ctx, out),
        Err(e) => out.json_error(ctx, bytes, Format::ClaudeCode, &e),
    }
}

fn use_line(line: Line<'_>, ctx: &LineCtx<'_>, out: &mut Collector) {
    let kind = line.kind.as_deref().unwrap_or("");
    if kind == "progress" {
        match line.data.and_then(|d| d.message) {
            Some(nested) if nested.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
                return use_line(*nested, ctx, out);
            }
            _ => return out.ignore("claude-code: progress line"),
        }
    }
    if line.is_api_error == Some(true) {
        return out.attempt(ctx, Keyed::plain(api_error(&line)));
    }
    if kind != "assistant" {
        return out.ignore(match kind {
            "user" => "claude-code: user line",
            "system" => "claude-code: system line",
            "summary" => "claude-code: summary line",
            "file-history-snapshot" => "claude-code: file-history snapshot",
            "" => "claude-code: line without a type",
            _ => "claude-code: line of another type",
        });
    }
    let Some(message) = line.message else {
        return out.skip(ctx, "claude-code: assistant line without a message");
    };
    let Some(usage) = message.usage else {
        return out.skip(ctx, "claude-code: assistant line without usage");
    };
    let (Some(input), Some(output)) = (usage.input_tokens, usage.output_tokens) else {
        return out.skip(ctx, "claude-code: input_tokens or output_tokens missing or null");
    };
    let Some(model) = message.model.filter(|m| !m.is_empty()) else {
        return out.skip(ctx, "claude-code: assistant line without a model");
    };
    let cache_read = usage.cache_read_input_tokens.unwrap_or(0);
    let split = usage.cache_creation.as_ref();
    let write_5m = split.and_then(|c| c.ephemeral_5m_input_tokens);
    let write_1h = split.and_then(|c| c.ephemeral_1h_input_tokens);
    let cache_write = usage
        .cache_creation_input_tokens
        .unwrap_or_else(|| write_5m.unwrap_or(0) + write_1h.unwrap_or(0));
    let message_id = message.id.filter(|s| !s.is_empty());
    let request_id = line.request_id.filter(|s| !s.is_empty());
    let session_id = line.session_id.filter(|s| !s.is_empty());
    let dedup = match (&message_id, &request_id) {
        (Some(m), Some(_)) => Some(key(&[b"m", m.as_bytes()])),
        (Some(m), None) => {
            Some(key(&[b"s", session_id.as_deref().unwrap_or("").as_bytes(), m.as_bytes()]))
        }
        (None, Some(r)) => Some(key(&[b"r", r.as_bytes()])),
        (None, None) => None,
    };
    let stop = message.stop_reason.as_deref();
    let status = match stop {
        Some("max_tokens" | "model_context_window_exceeded") => Status::Incomplete,
        _ => Status::Ok,
    };
    let web = usage.server_tool_use.as_ref();
    let attempt = Attempt {
        src: Src { kind: KIND.to_owned(), ..Src::default() },
        provider: "anthropic".to_owned(),
        api: Some("messages".to_owned()),
        model: model.into_owned(),
        request_id: request_id.map(Cow::into_owned),
        response_id: message_id.map(Cow::into_owned),
        session_id: session_id.map(Cow::into_owned),
        ts_end: line.timestamp.map(Cow::into_owned),
        status,
        finish_reason: stop.map(str::to_owned),
        tier: usage.service_tier.map(Cow::into_owned),
        speed: usage.speed.map(Cow::into_owned),
        tokens: Tokens {
            input: Some(input + cache_read + cache_write),
            output: Some(output),
            cache_read: Some(cache_read),
            cache_write: Some(cache_write),
            cache_write_5m: write_5m,
            cache_write_1h: write_1h,
            reasoning: usage.output_tokens_details.and_then(|d| d.thinking_tokens),
            ..Tokens::default()
        },
        units: Units {
            requests: Some(1),
            tool_calls: Some(message.content.0.len() as u64),
            web_searches: web.and_then(|w| w.web_search_requests).filter(|n| *n > 0),
            web_fetches: web.and_then(|w| w.web_fetch_requests).filter(|n| *n > 0),
            ..Units::default()
        },
        cost: crate::record::Cost {
            client_estimate: line.cost_usd.map(|amount| Money {
                tool: Some("claude-code costUSD".to_owned()),
                ..Money::usd(amount)
            }),
            billed: None,
        },
        billable: Some(true),
        dims: Dims {
            query_source: Some(
                if line.is_sidechain == Some(true) { "sidechain" } else { "main" }.to_owned(),
            ),
            ..Dims::default()
        },
        ..Attempt::default()
    };
    out.attempt(ctx, Keyed { attempt, dedup, parts: message.content.0 });
}

/// A synthetic API-error line: a failed attempt with no tokens.
fn api_error(line: &Line<'_>) -> Attempt {
    let message = line.message.as_ref();
    Attempt {
        src: Src { kind: KIND.to_owned(), ..Src::default() },
        provider: "anthropic".to_owned(),
        api: Some("messages".to_owned()),
        model: message.and_then(|m| m.model.as_deref()).unwrap_or("<synthetic>").to_owned(),
        request_id: line.request_id.as_deref().filter(|s| !s.is_empty()).map(str::to_owned),
        session_id: line.session_id.as_deref().map(str::to_owned),
        ts_end: line.timestamp.as_deref().map(str::to_owned),
        status: Status::Error,
        error_type: Some("api_error_message".to_owned()),
        billable: Some(false),
        ..Attempt::default()
    }
}

fn key(parts: &[&[u8]]) -> u64 {
    let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        bytes.extend_from_slice(part);
        bytes.push(0);
    }
    fnv1a(&bytes)
}
