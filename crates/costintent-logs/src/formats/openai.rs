//! OpenAI: Chat Completions and Responses objects, Batch output lines, and
//! the organization Usage and Costs API pages.
//!
//! Token classes: `prompt_tokens` / `input_tokens` already include cached
//! and cache-write tokens, and `completion_tokens` / `output_tokens` already
//! include reasoning, so they map onto the normalized totals as they are.
//! In a stream, usage arrives only in the last chunk: earlier chunks are
//! counted as ignored, and a non-chunk object without usage (an interrupted
//! stream whose usage was lost) is skipped with that reason.

use serde_json::Value;

use super::{Collector, Keyed, LineCtx, str_of, string_of, u64_of};
use crate::record::{Attempt, Bucket, Money, Src, Status, Tokens, Units};
use crate::time::format_unix_seconds;

/// The chat or responses object of one line.
pub(crate) fn parse_object(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    match attempt_from_body(value, "openai") {
        Body::Attempt(attempt) => out.attempt(ctx, Keyed::plain(*attempt)),
        Body::Ignore(reason) => out.ignore(reason),
        Body::Skip(reason) => out.skip(ctx, reason),
    }
}

pub(crate) enum Body {
    Attempt(Box<Attempt>),
    Ignore(&'static str),
    Skip(&'static str),
}

/// An OpenAI-shaped response body (chat completion, chunk or response) as
/// an attempt; `provider` is `openai` or `openrouter`.
pub(crate) fn attempt_from_body(value: &Value, provider: &str) -> Body {
    if !value.is_object() {
        return Body::Skip("openai: line is not a JSON object");
    }
    if let Some(error) = value.get("error").filter(|e| !e.is_null())
        && value.get("usage").is_none_or(Value::is_null)
    {
        return Body::Attempt(Box::new(Attempt {
            src: Src { kind: format!("{provider}.error"), ..Src::default() },
            provider: provider.to_owned(),
            model: string_of(value, "model").unwrap_or_default(),
            request_id: request_id(value),
            status: Status::Error,
            error_type: str_of(error, "type").or(str_of(error, "code")).map(str::to_owned),
            billable: Some(false),
            units: Units { requests: Some(1), ..Units::default() },
            ..Attempt::default()
        }));
    }
    let object = str_of(value, "object").unwrap_or("");
    let usage = value.get("usage").filter(|u| !u.is_null());
    let Some(usage) = usage else {
        return match object {
            "chat.completion.chunk" => Body::Ignore("openai: stream chunk without usage"),
            _ if value.get("status").and_then(Value::as_str) == Some("in_progress")
                || value.get("status").and_then(Value::as_str) == Some("queued") =>
            {
                Body::Ignore("openai: response still in progress")
            }
            _ => Body::Skip("openai: response without usage (interrupted stream?)"),
        };
    };
    let responses = object == "response" || usage.get("input_tokens").is_some();
    let Some(model) = string_of(value, "model") else {
        return Body::Skip("openai: response without a model");
    };
    let tokens = usage_tokens(usage, if responses { &RESPONSES_KEYS } else { &CHAT_KEYS });
    let Some(tokens) = tokens else {
        return Body::Skip("openai: usage without input and output token counts");
    };
    let (kind, api) = if responses { ("responses", "responses") } else { ("chat", "chat") };
    let mut attempt = Attempt {
        src: Src { kind: format!("{provider}.{kind}"), ..Src::default() },
        provider: provider.to_owned(),
        api: Some(api.to_owned()),
        model,
        request_id: request_id(value),
        response_id: string_of(value, "id"),
        tier: string_of(value, "service_tier"),
        tokens,
        units: Units { requests: Some(1), ..Units::default() },
        billable: Some(true),
        ..Attempt::default()
    };
    if responses {
        attempt.ts_start = value.get("created_at").and_then(Value::as_i64).map(format_unix_seconds);
        attempt.ts_end = value
            .get("completed_at")
            .and_then(Value::as_i64)
            .map(format_unix_seconds)
            .or_else(|| attempt.ts_start.clone());
        attempt.status = match str_of(value, "status") {
            Some("failed") => Status::Error,
            Some("cancelled") => Status::Cancelled,
            Some("incomplete") => Status::Incomplete,
            Some("queued" | "in_progress") => Status::InFlight,
            _ => Status::Ok,
        };
        attempt.finish_reason =
            value.get("incomplete_details").and_then(|d| str_of(d, "reason")).map(str::to_owned);
        if let Some(items) = value.get("output").and_then(Value::as_array) {
            let kind = |i: &Value| str_of(i, "type").unwrap_or("").to_owned();
            let tools = items.iter().filter(|i| kind(i).ends_with("_call")).count() as u64;
            let searches = items.iter().filter(|i| kind(i) == "web_search_call").count() as u64;
            attempt.units.tool_calls = Some(tools);
            attempt.units.web_searches = (searches > 0).then_some(searches);
        }
    } else {
        attempt.ts_end = value.get("created").and_then(Value::as_i64).map(format_unix_seconds);
        let finish = value
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(|c| str_of(c, "finish_reason"));
        attempt.finish_reason = finish.map(str::to_owned);
        attempt.status = match finish {
            Some("length" | "content_filter") => Status::Incomplete,
            _ => Status::Ok,
        };
        let tool_calls: u64 = value
            .get("choices")
            .and_then(Value::as_array)
            .map(|choices| {
                choices
                    .iter()
                    .filter_map(|c| c.get("message").or(c.get("delta")))
                    .filter_map(|m| m.get("tool_calls").and_then(Value::as_array))
                    .map(|calls| calls.len() as u64)
                    .sum()
            })
            .unwrap_or(0);
        attempt.units.tool_calls = Some(tool_calls);
    }
    if let Some(cost) = usage.get("cost").and_then(Value::as_f64) {
        attempt.cost.billed =
            Some(Money { unit: Some("credits_openrouter".to_owned()), ..Money::usd(cost) });
    }
    Body::Attempt(Box::new(attempt))
}

/// A request id logged next to the body: `x_request_id`, `request_id` or
/// the SDKs' `_request_id`.
fn request_id(value: &Value) -> Option<String> {
    ["x_request_id", "_request_id", "request_id", "x-request-id"]
        .iter()
        .find_map(|k| string_of(value, k))
}

/// The names of a `usage` object's counts: Chat Completions' or Responses'.
struct UsageKeys {
    input: &'static str,
    output: &'static str,
    input_details: &'static str,
    output_details: &'static str,
}

const CHAT_KEYS: UsageKeys = UsageKeys {
    input: "prompt_tokens",
    output: "completion_tokens",
    input_details: "prompt_tokens_details",
    output_details: "completion_tokens_details",
};

const RESPONSES_KEYS: UsageKeys = UsageKeys {
    input: "input_tokens",
    output: "output_tokens",
    input_details: "input_tokens_details",
    output_details: "output_tokens_details",
};

/// The tokens of a Chat Completions or Responses `usage`: both count cached
/// tokens (and cache writes) inside the input and reasoning inside the
/// output; only Chat Completions reports audio tokens.
fn usage_tokens(usage: &Value, keys: &UsageKeys) -> Option<Tokens> {
    let input = u64_of(usage, keys.input)?;
    let output = u64_of(usage, keys.output)?;
    let prompt = usage.get(keys.input_details);
    let completion = usage.get(keys.output_details);
    Some(Tokens {
        input: Some(input),
        output: Some(output),
        cache_read: Some(prompt.and_then(|d| u64_of(d, "cached_tokens")).unwrap_or(0)),
        cache_write: prompt.and_then(|d| u64_of(d, "cache_write_tokens")),
        reasoning: completion.and_then(|d| u64_of(d, "reasoning_tokens")),
        input_audio: prompt.and_then(|d| u64_of(d, "audio_tokens")).filter(|n| *n > 0),
        output_audio: completion.and_then(|d| u64_of(d, "audio_tokens")).filter(|n| *n > 0),
        ..Tokens::default()
    })
}

/// One line of a Batch output or error file.
pub(crate) fn parse_batch_line(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    let custom_id = string_of(value, "custom_id");
    let response = value.get("response").filter(|r| !r.is_null());
    let status_code = response.and_then(|r| u64_of(r, "status_code"));
    let error = value.get("error").filter(|e| !e.is_null());
    let failed = |status: Status, error_type: Option<String>, http: Option<u64>| Attempt {
        src: Src { kind: "openai.batch_output".to_owned(), ..Src::default() },
        provider: "openai".to_owned(),
        api: Some("batch".to_owned()),
        model: response
            .and_then(|r| r.get("body"))
            .and_then(|b| string_of(b, "model"))
            .unwrap_or_default(),
        client_request_id: custom_id.clone(),
        request_id: response.and_then(|r| string_of(r, "request_id")),
        response_id: string_of(value, "id"),
        status,
        http_status: http.and_then(|h| u16::try_from(h).ok()),
        error_type,
        tier: Some("batch".to_owned()),
        billable: Some(false),
        ..Attempt::default()
    };
    if let Some(error) = error {
        let code = string_of(error, "code");
        let status = match code.as_deref() {
            Some("batch_expired") => Status::Expired,
            Some("batch_cancelled") => Status::Cancelled,
            Some("request_timeout") => Status::Timeout,
            _ => Status::Error,
        };
        return out.attempt(ctx, Keyed::plain(failed(status, code, status_code)));
    }
    let Some(response) = response else {
        return out.skip(ctx, "openai-batch: line without response or error");
    };
    if status_code.is_none_or(|c| c >= 400) {
        let body_error = response.get("body").and_then(|b| b.get("error"));
        let error_type = body_error.and_then(|e| string_of(e, "type").or(string_of(e, "code")));
        let status = if status_code == Some(429) { Status::RateLimited } else { Status::Error };
        return out.attempt(ctx, Keyed::plain(failed(status, error_type, status_code)));
    }
    let Some(body) = response.get("body") else {
        return out.skip(ctx, "openai-batch: response without body");
    };
    match attempt_from_body(body, "openai") {
        Body::Attempt(mut attempt) => {
            attempt.src.kind = "openai.batch_output".to_owned();
            attempt.api = Some("batch".to_owned());
            attempt.tier = Some("batch".to_owned());
            attempt.client_request_id = custom_id;
            attempt.request_id = string_of(response, "request_id").or(attempt.request_id);
            attempt.http_status = status_code.and_then(|h| u16::try_from(h).ok());
            out.attempt(ctx, Keyed::plain(*attempt));
        }
        Body::Ignore(reason) | Body::Skip(reason) => out.skip(ctx, reason),
    }
}

/// A page (or one bucket) of the organization Usage or Costs API.
pub(crate) fn parse_usage_page(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    let buckets: Vec<&Value> = match str_of(value, "object") {
        Some("page") => value
            .get("data")
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |d| d.iter().collect()),
        Some("bucket") => vec![value],
        _ => return out.skip(ctx, "openai-usage: not a page or bucket object"),
    };
    for bucket in buckets {
        let start = bucket.get("start_time").and_then(Value::as_i64).map(format_unix_seconds);
        let end = bucket.get("end_time").and_then(Value::as_i64).map(format_unix_seconds);
        let results = bucket.get("results").or(bucket.get("result")).and_then(Value::as_array);
        let Some(results) = results else {
            out.skip(ctx, "openai-usage: bucket without results");
            continue;
        };
        for result in results {
            let mut row = Bucket {
                v: crate::record::BUCKET_SCHEMA.to_owned(),
                provider: "openai".to_owned(),
                window_start: start.clone(),
                window_end: end.clone(),
                model: string_of(result, "model"),
                tier: match result.get("batch").and_then(Value::as_bool) {
                    Some(true) => Some("batch".to_owned()),
                    _ => string_of(result, "service_tier"),
                },
                ..Bucket::default()
            };
            match str_of(result, "object") {
                Some("organization.usage.completions.result") => {
                    row.src.kind = "openai.usage_completions".to_owned();
                    row.requests = u64_of(result, "num_model_requests");
                    row.tokens = Tokens {
                        input: u64_of(result, "input_tokens"),
                        output: u64_of(result, "output_tokens"),
                        cache_read: u64_of(result, "input_cached_tokens"),
                        cache_write: u64_of(result, "input_cache_write_tokens"),
                        input_audio: u64_of(result, "input_audio_tokens"),
                        output_audio: u64_of(result, "output_audio_tokens"),
                        cache_read_audio: u64_of(result, "input_cached_audio_tokens"),
                        ..Tokens::default()
                    };
                    out.bucket(ctx, row);
                }
                Some("organization.costs.result") => {
                    row.src.kind = "openai.costs".to_owned();
                    row.line_item = string_of(result, "line_item");
                    if row.model.is_none() {
                        // `line_item` is free text: "gpt-4o-2024-08-06, Input".
                        row.model = row
                            .line_item
                            .as_deref()
                            .and_then(|l| l.split(',').next())
                            .map(|m| m.trim().to_owned())
                            .filter(|m| !m.is_empty());
                    }
                    let amount = result.get("amount");
                    let value = amount.and_then(|a| a.get("value")).and_then(|v| {
                        v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    });
                    match value {
                        Some(v) => {
                            let currency = amount
                                .and_then(|a| str_of(a, "currency"))
                                .unwrap_or("usd")
                                .to_ascii_uppercase();
                            row.amount = Some(Money { currency, ..Money::usd(v) });
                            out.bucket(ctx, row);
                        }
                        None => out.skip(ctx, "openai-usage: cost result without amount.value"),
                    }
                }
                _ => out.ignore("openai-usage: result type not imported (images, audio, …)"),
            }
        }
    }
}
