//! Gemini `generateContent` responses with `usageMetadata`, one per line.
//!
//! Token classes: `promptTokenCount` includes cached content, and the
//! tool-use prompt is separate, so `input = promptTokenCount +
//! toolUsePromptTokenCount`; `candidatesTokenCount` excludes thoughts, and
//! thoughts are billed as output, so `output = candidatesTokenCount +
//! thoughtsTokenCount` (the semantics since April 2025). A streamed response
//! writes one chunk per line, each with the usage so far and the same
//! `responseId`: the chunks share a deduplication key and the summary keeps
//! the one with the most output (the last).

use serde_json::Value;

use super::{Collector, Keyed, LineCtx, str_of, string_of, u64_of};
use crate::record::{Attempt, Src, Status, Tokens, Units, fnv1a};

pub(crate) fn parse_response(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    let Some(usage) = value.get("usageMetadata").filter(|u| !u.is_null()) else {
        return out.skip(ctx, "gemini: response without usageMetadata");
    };
    let Some(model) = string_of(value, "modelVersion").or_else(|| string_of(value, "model")) else {
        return out.skip(ctx, "gemini: response without modelVersion");
    };
    let Some(prompt) = u64_of(usage, "promptTokenCount") else {
        return out.skip(ctx, "gemini: usageMetadata without promptTokenCount");
    };
    let tool_prompt = u64_of(usage, "toolUsePromptTokenCount").unwrap_or(0);
    let candidates = u64_of(usage, "candidatesTokenCount").unwrap_or(0);
    let thoughts = u64_of(usage, "thoughtsTokenCount").unwrap_or(0);
    let first = value.get("candidates").and_then(Value::as_array).and_then(|c| c.first());
    let finish = first.and_then(|c| str_of(c, "finishReason"));
    let blocked = value.get("promptFeedback").and_then(|p| str_of(p, "blockReason"));
    let status = match (finish, blocked) {
        (_, Some(_)) => Status::Filtered,
        (Some("SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII"), _) => {
            Status::Filtered
        }
        (Some("MAX_TOKENS"), _) => Status::Incomplete,
        _ => Status::Ok,
    };
    let response_id = string_of(value, "responseId");
    let tool_calls = first
        .and_then(|c| c.get("content"))
        .and_then(|c| c.get("parts"))
        .and_then(Value::as_array)
        .map_or(0, |parts| parts.iter().filter(|p| p.get("functionCall").is_some()).count() as u64);
    let attempt = Attempt {
        src: Src { kind: "google.generate_content".to_owned(), ..Src::default() },
        provider: "google".to_owned(),
        api: Some("generate_content".to_owned()),
        model,
        request_id: response_id.clone(),
        response_id: response_id.clone(),
        ts_end: string_of(value, "createTime"),
        status,
        finish_reason: finish.or(blocked).map(str::to_owned),
        tier: string_of(usage, "trafficType"),
        tokens: Tokens {
            input: Some(prompt + tool_prompt),
            output: Some(candidates + thoughts),
            cache_read: Some(u64_of(usage, "cachedContentTokenCount").unwrap_or(0)),
            reasoning: Some(thoughts),
            tool_prompt: Some(tool_prompt).filter(|n| *n > 0),
            ..Tokens::default()
        },
        units: Units { requests: Some(1), tool_calls: Some(tool_calls), ..Units::default() },
        billable: Some(true),
        ..Attempt::default()
    };
    let dedup = response_id.map(|id| fnv1a(format!("gemini\0{id}").as_bytes()));
    out.attempt(ctx, Keyed { attempt, dedup, parts: Vec::new() });
}
