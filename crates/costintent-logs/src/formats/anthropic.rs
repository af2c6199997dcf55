//! Anthropic: Messages API responses, Message Batches results, the Admin
//! API usage_report / cost_report pages and the console usage CSV.
//!
//! Token classes: `input_tokens` excludes the cache, and
//! `cache_creation_input_tokens` and `cache_read_input_tokens` are
//! additive, so the normalized `input` is their sum. The 5-minute / 1-hour
//! split of cache writes is in `cache_creation` when the response has it.
//! Batch results are billed at the batch discount; `errored`, `canceled`
//! and `expired` results are not billed.

use serde_json::Value;

use super::{Collector, Keyed, LineCtx, str_of, string_of, u64_of};
use crate::record::{Attempt, BUCKET_SCHEMA, Bucket, Money, Src, Status, Tokens, Units};

/// Normalized tokens of an Anthropic `usage` object (input and output required).
pub(crate) fn tokens(usage: &Value) -> Option<Tokens> {
    let input = u64_of(usage, "input_tokens")?;
    let output = u64_of(usage, "output_tokens")?;
    let read = u64_of(usage, "cache_read_input_tokens").unwrap_or(0);
    let split = usage.get("cache_creation").filter(|c| !c.is_null());
    let w5 = split.and_then(|c| u64_of(c, "ephemeral_5m_input_tokens"));
    let w1 = split.and_then(|c| u64_of(c, "ephemeral_1h_input_tokens"));
    let write = u64_of(usage, "cache_creation_input_tokens")
        .unwrap_or_else(|| w5.unwrap_or(0) + w1.unwrap_or(0));
    Some(Tokens {
        input: Some(input + read + write),
        output: Some(output),
        cache_read: Some(read),
        cache_write: Some(write),
        cache_write_5m: w5,
        cache_write_1h: w1,
        reasoning: usage.get("output_tokens_details").and_then(|d| u64_of(d, "thinking_tokens")),
        ..Tokens::default()
    })
}

fn units(usage: &Value) -> Units {
    let web = usage.get("server_tool_use");
    Units {
        requests: Some(1),
        web_searches: web.and_then(|w| u64_of(w, "web_search_requests")).filter(|n| *n > 0),
        web_fetches: web.and_then(|w| u64_of(w, "web_fetch_requests")).filter(|n| *n > 0),
        ..Units::default()
    }
}

fn tool_calls(message: &Value) -> u64 {
    message.get("content").and_then(Value::as_array).map_or(0, |blocks| {
        blocks.iter().filter(|b| str_of(b, "type") == Some("tool_use")).count() as u64
    })
}

/// A Message (or an error body) as an attempt.
fn message_attempt(message: &Value, kind: &str) -> Result<Attempt, &'static str> {
    if str_of(message, "type") == Some("error") {
        let error = message.get("error");
        return Ok(Attempt {
            src: Src { kind: kind.to_owned(), ..Src::default() },
            provider: "anthropic".to_owned(),
            api: Some("messages".to_owned()),
            request_id: string_of(message, "request_id"),
            status: match error.and_then(|e| str_of(e, "type")) {
                Some("rate_limit_error") => Status::RateLimited,
                Some("timeout_error") => Status::Timeout,
                _ => Status::Error,
            },
            error_type: error.and_then(|e| string_of(e, "type")),
            units: Units { requests: Some(1), ..Units::default() },
            billable: Some(false),
            ..Attempt::default()
        });
    }
    let usage =
        message.get("usage").filter(|u| !u.is_null()).ok_or("anthropic: message without usage")?;
    let tokens = tokens(usage).ok_or("anthropic: usage without input_tokens and output_tokens")?;
    let model = string_of(message, "model").ok_or("anthropic: message without a model")?;
    let stop = str_of(message, "stop_reason");
    Ok(Attempt {
        src: Src { kind: kind.to_owned(), ..Src::default() },
        provider: "anthropic".to_owned(),
        api: Some("messages".to_owned()),
        model,
        request_id: ["request_id", "_request_id", "request-id"]
            .iter()
            .find_map(|k| string_of(message, k)),
        response_id: string_of(message, "id"),
        status: match stop {
            Some("max_tokens" | "model_context_window_exceeded") => Status::Incomplete,
            _ => Status::Ok,
        },
        finish_reason: stop.map(str::to_owned),
        tier: string_of(usage, "service_tier"),
        speed: string_of(usage, "speed"),
        tokens,
        units: Units { tool_calls: Some(tool_calls(message)), ..units(usage) },
        billable: Some(true),
        ..Attempt::default()
    })
}

/// One Messages API response (or error body) per line.
pub(crate) fn parse_message(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    match message_attempt(value, "anthropic.messages") {
        Ok(attempt) => out.attempt(ctx, Keyed::plain(attempt)),
        Err(reason) => out.skip(ctx, reason),
    }
}

/// One line of a Message Batches results file.
pub(crate) fn parse_batch_line(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    let custom_id = string_of(value, "custom_id");
    let Some(result) = value.get("result") else {
        return out.skip(ctx, "anthropic-batch: line without result");
    };
    let kind = "anthropic.batch_result";
    let unbilled = |status: Status, error_type: Option<String>| Attempt {
        src: Src { kind: kind.to_owned(), ..Src::default() },
        provider: "anthropic".to_owned(),
        api: Some("batch".to_owned()),
        client_request_id: custom_id.clone(),
        status,
        error_type,
        tier: Some("batch".to_owned()),
        billable: Some(false),
        ..Attempt::default()
    };
    match str_of(result, "type") {
        Some("succeeded") => {
            let Some(message) = result.get("message") else {
                return out.skip(ctx, "anthropic-batch: succeeded result without message");
            };
            match message_attempt(message, kind) {
                Ok(mut attempt) => {
                    attempt.api = Some("batch".to_owned());
                    attempt.tier = Some("batch".to_owned());
                    attempt.client_request_id = custom_id;
                    out.attempt(ctx, Keyed::plain(attempt));
                }
                Err(reason) => out.skip(ctx, reason),
            }
        }
        Some("errored") => {
            let error = result.get("error").and_then(|e| e.get("error").or(Some(e)));
            let error_type = error.and_then(|e| string_of(e, "type"));
            out.attempt(ctx, Keyed::plain(unbilled(Status::Error, error_type)));
        }
        Some("canceled") => out.attempt(ctx, Keyed::plain(unbilled(Status::Cancelled, None))),
        Some("expired") => out.attempt(ctx, Keyed::plain(unbilled(Status::Expired, None))),
        _ => out.skip(ctx, "anthropic-batch: unknown result type"),
    }
}

/// A page of `usage_report/messages` or `cost_report`.
pub(crate) fn parse_report_page(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    let Some(windows) = value.get("data").and_then(Value::as_array) else {
        return out.skip(ctx, "anthropic-usage: page without data");
    };
    for window in windows {
        let start = string_of(window, "starting_at");
        let end = string_of(window, "ending_at");
        let Some(results) = window.get("results").and_then(Value::as_array) else {
            out.skip(ctx, "anthropic-usage: window without results");
            continue;
        };
        for result in results {
            let mut row = Bucket {
                v: BUCKET_SCHEMA.to_owned(),
                provider: "anthropic".to_owned(),
                window_start: start.clone(),
                window_end: end.clone(),
                model: string_of(result, "model"),
                tier: string_of(result, "service_tier"),
                ..Bucket::default()
            };
            if result.get("uncached_input_tokens").is_some() {
                row.src.kind = "anthropic.usage_report".to_owned();
                let uncached = u64_of(result, "uncached_input_tokens").unwrap_or(0);
                let read = u64_of(result, "cache_read_input_tokens").unwrap_or(0);
                let split = result.get("cache_creation");
                let w5 = split.and_then(|c| u64_of(c, "ephemeral_5m_input_tokens")).unwrap_or(0);
                let w1 = split.and_then(|c| u64_of(c, "ephemeral_1h_input_tokens")).unwrap_or(0);
                row.tokens = Tokens {
                    input: Some(uncached + read + w5 + w1),
                    output: u64_of(result, "output_tokens"),
                    cache_read: Some(read),
                    cache_write: Some(w5 + w1),
                    cache_write_5m: Some(w5),
                    cache_write_1h: Some(w1),
                    ..Tokens::default()
                };
                row.units.web_searches =
                    result.get("server_tool_use").and_then(|w| u64_of(w, "web_search_requests"));
                out.bucket(ctx, row);
            } else if let Some(amount) = result.get("amount") {
                row.src.kind = "anthropic.cost_report".to_owned();
                // The amount is a decimal string in cents: "123.45" is $1.2345.
                let cents =
                    amount.as_f64().or_else(|| amount.as_str().and_then(|s| s.parse().ok()));
                let Some(cents) = cents else {
                    out.skip(ctx, "anthropic-usage: cost amount is not a number");
                    continue;
                };
                row.line_item = string_of(result, "description")
                    .or_else(|| string_of(result, "token_type"))
                    .or_else(|| string_of(result, "cost_type"));
                let currency = str_of(result, "currency").unwrap_or("USD").to_ascii_uppercase();
                row.amount = Some(Money { currency, ..Money::usd(cents / 100.0) });
                out.bucket(ctx, row);
            } else {
                out.skip(ctx, "anthropic-usage: result is neither usage nor cost");
            }
        }
    }
}

/// Column indexes of the console usage CSV.
#[derive(Debug)]
pub(crate) struct ConsoleColumns {
    date: usize,
    model: usize,
    tier: Option<usize>,
    api_key: Option<usize>,
    workspace: Option<usize>,
    no_cache: usize,
    write_5m: Option<usize>,
    write_1h: Option<usize>,
    read: Option<usize>,
    output: usize,
    web: Option<usize>,
}

impl ConsoleColumns {
    pub(crate) fn new(header: &csv::StringRecord) -> Result<Self, String> {
        let columns = super::HeaderColumns(header);
        let (find, need) = (|name| columns.find(name), |name| columns.need(name));
        Ok(Self {
            date: need("usage_date_utc")?,
            model: need("model_version")?,
            tier: find("usage_type"),
            api_key: find("api_key"),
            workspace: find("workspace"),
            no_cache: need("usage_input_tokens_no_cache")?,
            write_5m: find("usage_input_tokens_cache_write_5m"),
            write_1h: find("usage_input_tokens_cache_write_1h"),
            read: find("usage_input_tokens_cache_read"),
            output: need("usage_output_tokens")?,
            web: find("web_search_count"),
        })
    }

    pub(crate) fn row(&self, row: &csv::StringRecord) -> Result<Bucket, &'static str> {
        let cell = |i: usize| row.get(i).map(str::trim).unwrap_or("");
        let count = |i: Option<usize>| -> Result<u64, &'static str> {
            match i.map(cell) {
                None | Some("") => Ok(0),
                Some(text) => text
                    .parse()
                    .map_err(|_| "anthropic-console-csv: token count is not a whole number"),
            }
        };
        let day = cell(self.date);
        let start_ms = crate::time::parse_millis(day)
            .ok_or("anthropic-console-csv: usage_date_utc is not a date")?;
        let (no_cache, w5, w1, read) = (
            count(Some(self.no_cache))?,
            count(self.write_5m)?,
            count(self.write_1h)?,
            count(self.read)?,
        );
        let opt = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(Bucket {
            v: BUCKET_SCHEMA.to_owned(),
            src: Src { kind: "anthropic.console_csv".to_owned(), ..Src::default() },
            provider: "anthropic".to_owned(),
            window_start: Some(crate::time::format_millis(start_ms)),
            window_end: Some(crate::time::format_millis(start_ms + 86_400_000)),
            model: Some(cell(self.model).to_owned()).filter(|m| !m.is_empty()),
            tier: opt(self.tier),
            line_item: [opt(self.api_key), opt(self.workspace)]
                .into_iter()
                .flatten()
                .reduce(|a, b| format!("{a} / {b}")),
            tokens: Tokens {
                input: Some(no_cache + w5 + w1 + read),
                output: Some(count(Some(self.output))?),
                cache_read: Some(read),
                cache_write: Some(w5 + w1),
                cache_write_5m: Some(w5),
                cache_write_1h: Some(w1),
                ..Tokens::default()
            },
            units: Units {
                web_searches: Some(count(self.web)?).filter(|n| *n > 0),
                ..Units::default()
            },
            ..Bucket::default()
        })
    }
}
