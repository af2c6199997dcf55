//! OpenRouter: `/generation` records (bare or as `{"data": …}`), chat
//! responses with `usage.cost`, and the activity CSV export.
//!
//! OpenRouter reports what it charged (credits, 1 credit = 1 USD), so these
//! records carry `cost.billed`. A generation's `provider_responses[]` lists
//! every upstream attempt: the failed ones become failed, unbilled attempts
//! and the served one carries the tokens and the charge, all sharing the
//! generation id as `parent_id`. Tokens are the provider's own counts
//! (`native_tokens_*`); cached tokens are part of the prompt. A cancelled
//! stream keeps its tokens and cost: it is billed.

use serde_json::Value;

use super::openai::{Body, attempt_from_body};
use super::{Collector, Keyed, LineCtx, string_of, u64_of};
use crate::record::{Attempt, Money, Src, Status, Tokens, Units};

pub(crate) fn parse_record(value: &Value, ctx: &LineCtx<'_>, out: &mut Collector) {
    let record = value.get("data").filter(|d| d.is_object()).unwrap_or(value);
    if record.get("native_tokens_prompt").is_none() && record.get("total_cost").is_none() {
        // A chat response (OpenAI-shaped, with `usage.cost`).
        return match attempt_from_body(record, "openrouter") {
            Body::Attempt(mut attempt) => {
                attempt.request_id = attempt.request_id.or_else(|| attempt.response_id.clone());
                out.attempt(ctx, Keyed::plain(*attempt));
            }
            Body::Ignore(reason) => out.ignore(reason),
            Body::Skip(reason) => out.skip(ctx, reason),
        };
    }
    let Some(model) = string_of(record, "model") else {
        return out.skip(ctx, "openrouter: generation without a model");
    };
    let Some(prompt) = u64_of(record, "native_tokens_prompt").or(u64_of(record, "tokens_prompt"))
    else {
        return out.skip(ctx, "openrouter: generation without native_tokens_prompt");
    };
    let completion = u64_of(record, "native_tokens_completion")
        .or(u64_of(record, "tokens_completion"))
        .unwrap_or(0);
    let id = string_of(record, "id");
    let cancelled = record.get("cancelled").and_then(Value::as_bool) == Some(true);
    let cost = record.get("total_cost").or(record.get("usage")).and_then(Value::as_f64);
    let served = Attempt {
        src: Src { kind: "openrouter.generation".to_owned(), ..Src::default() },
        provider: "openrouter".to_owned(),
        upstream: string_of(record, "provider_name"),
        api: Some("chat".to_owned()),
        model,
        request_id: id.clone(),
        response_id: string_of(record, "upstream_id"),
        parent_id: id.clone(),
        ts_start: string_of(record, "created_at"),
        latency_ms: u64_of(record, "latency"),
        processing_ms: u64_of(record, "generation_time"),
        status: if cancelled { Status::Cancelled } else { Status::Ok },
        finish_reason: string_of(record, "finish_reason"),
        tier: string_of(record, "service_tier"),
        tokens: Tokens {
            input: Some(prompt),
            output: Some(completion),
            cache_read: Some(u64_of(record, "native_tokens_cached").unwrap_or(0)),
            reasoning: u64_of(record, "native_tokens_reasoning"),
            ..Tokens::default()
        },
        units: Units {
            requests: Some(1),
            web_searches: u64_of(record, "num_search_results").filter(|n| *n > 0),
            ..Units::default()
        },
        cost: crate::record::Cost {
            billed: cost
                .map(|c| Money { unit: Some("credits_openrouter".to_owned()), ..Money::usd(c) }),
            client_estimate: None,
        },
        billable: Some(true),
        ..Attempt::default()
    };
    let upstreams = record.get("provider_responses").and_then(Value::as_array);
    let Some(upstreams) = upstreams.filter(|u| u.len() > 1) else {
        let attempt = Attempt { attempt: Some(1), ..served };
        return out.attempt(ctx, Keyed::plain(attempt));
    };
    // The served attempt is the last one with a 2xx status (else the last).
    let ok = |u: &Value| u64_of(u, "status").is_some_and(|s| (200..300).contains(&s));
    let served_index = upstreams.iter().rposition(ok).unwrap_or(upstreams.len() - 1);
    for (i, upstream) in upstreams.iter().enumerate() {
        let number = Some(i as u32 + 1);
        if i == served_index {
            let attempt = Attempt {
                attempt: number,
                upstream: string_of(upstream, "provider_name").or(served.upstream.clone()),
                latency_ms: u64_of(upstream, "latency").or(served.latency_ms),
                ..served.clone()
            };
            out.attempt(ctx, Keyed::plain(attempt));
        } else {
            let http = u64_of(upstream, "status").and_then(|s| u16::try_from(s).ok());
            let attempt = Attempt {
                src: served.src.clone(),
                provider: "openrouter".to_owned(),
                upstream: string_of(upstream, "provider_name"),
                api: served.api.clone(),
                model: served.model.clone(),
                request_id: id.clone(),
                parent_id: id.clone(),
                attempt: number,
                ts_start: served.ts_start.clone(),
                latency_ms: u64_of(upstream, "latency"),
                status: if http == Some(429) { Status::RateLimited } else { Status::Error },
                http_status: http,
                units: Units { requests: Some(1), ..Units::default() },
                billable: Some(false),
                ..Attempt::default()
            };
            out.attempt(ctx, Keyed::plain(attempt));
        }
    }
}

/// Column indexes of the activity CSV.
#[derive(Debug)]
pub(crate) struct ActivityColumns {
    id: usize,
    created: usize,
    cost: usize,
    prompt: usize,
    completion: usize,
    reasoning: Option<usize>,
    cached: Option<usize>,
    model: usize,
    provider: Option<usize>,
    cancelled: Option<usize>,
    finish: Option<usize>,
    generation_ms: Option<usize>,
    ttft_ms: Option<usize>,
    api_key: Option<usize>,
    app: Option<usize>,
    user: Option<usize>,
}

impl ActivityColumns {
    pub(crate) fn new(header: &csv::StringRecord) -> Result<Self, String> {
        let columns = super::HeaderColumns(header);
        let (find, need) = (|name| columns.find(name), |name| columns.need(name));
        Ok(Self {
            id: need("generation_id")?,
            created: need("created_at")?,
            cost: need("cost_total")?,
            prompt: need("tokens_prompt")?,
            completion: need("tokens_completion")?,
            reasoning: find("tokens_reasoning"),
            cached: find("tokens_cached"),
            model: find("model_permaslug")
                .or(find("model"))
                .ok_or("the header has no `model_permaslug` column")?,
            provider: find("provider_name"),
            cancelled: find("cancelled"),
            finish: find("finish_reason_raw").or(find("finish_reason_normalized")),
            generation_ms: find("generation_time_ms"),
            ttft_ms: find("time_to_first_token_ms"),
            api_key: find("api_key_name"),
            app: find("app_name"),
            user: find("user"),
        })
    }

    pub(crate) fn row(&self, row: &csv::StringRecord) -> Result<Attempt, &'static str> {
        let cell = |i: usize| row.get(i).map(str::trim).unwrap_or("");
        let opt = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty()).map(str::to_owned);
        let count = |i: Option<usize>| -> Result<Option<u64>, &'static str> {
            match i.map(cell) {
                None | Some("") => Ok(None),
                Some(t) => t
                    .parse()
                    .map(Some)
                    .map_err(|_| "openrouter-csv: token count is not a whole number"),
            }
        };
        let created = cell(self.created);
        let ts = crate::time::parse_millis(created)
            .ok_or("openrouter-csv: created_at is not a timestamp")?;
        let cost: f64 =
            cell(self.cost).parse().map_err(|_| "openrouter-csv: cost_total is not a number")?;
        let model = cell(self.model);
        if model.is_empty() {
            return Err("openrouter-csv: row without a model");
        }
        let cancelled = opt(self.cancelled).is_some_and(|c| c.eq_ignore_ascii_case("true"));
        Ok(Attempt {
            src: Src { kind: "openrouter.activity_csv".to_owned(), ..Src::default() },
            provider: "openrouter".to_owned(),
            upstream: opt(self.provider),
            api: Some("chat".to_owned()),
            model: model.to_owned(),
            request_id: Some(cell(self.id).to_owned()).filter(|s| !s.is_empty()),
            ts_start: Some(crate::time::format_millis(ts)),
            processing_ms: count(self.generation_ms)?,
            ttft_ms: count(self.ttft_ms)?,
            status: if cancelled { Status::Cancelled } else { Status::Ok },
            finish_reason: opt(self.finish),
            tokens: Tokens {
                input: Some(count(Some(self.prompt))?.unwrap_or(0)),
                output: Some(count(Some(self.completion))?.unwrap_or(0)),
                cache_read: Some(count(self.cached)?.unwrap_or(0)),
                reasoning: count(self.reasoning)?,
                ..Tokens::default()
            },
            units: Units { requests: Some(1), ..Units::default() },
            cost: crate::record::Cost {
                billed: Some(Money {
                    unit: Some("credits_openrouter".to_owned()),
                    ..Money::usd(cost)
                }),
                client_estimate: None,
            },
            billable: Some(true),
            dims: crate::record::Dims {
                api_key_id: opt(self.api_key),
                app: opt(self.app),
                user: opt(self.user),
                ..crate::record::Dims::default()
            },
            ..Attempt::default()
        })
    }
}

/// Column indexes of the OpenAI dashboard cost export.
#[derive(Debug)]
pub(crate) struct OpenaiCostColumns {
    start: usize,
    end: Option<usize>,
    amount: usize,
    currency: Option<usize>,
    line_item: usize,
}

impl OpenaiCostColumns {
    pub(crate) fn new(header: &csv::StringRecord) -> Result<Self, String> {
        let columns = super::HeaderColumns(header);
        let (find, need) = (|name| columns.find(name), |name| columns.need(name));
        Ok(Self {
            start: find("start_time_iso")
                .or(find("start_time"))
                .ok_or("the header has no `start_time` column")?,
            end: find("end_time_iso").or(find("end_time")),
            amount: need("amount_value")?,
            currency: find("amount_currency"),
            line_item: need("line_item")?,
        })
    }

    /// `Ok(None)` for a day without a charge (an empty amount cell).
    pub(crate) fn row(
        &self,
        row: &csv::StringRecord,
    ) -> Result<Option<crate::record::Bucket>, &'static str> {
        let cell = |i: usize| row.get(i).map(str::trim).unwrap_or("");
        let amount = cell(self.amount);
        if amount.is_empty() {
            return Ok(None);
        }
        let amount: f64 =
            amount.parse().map_err(|_| "openai-cost-csv: amount_value is not a number")?;
        let time = |text: &str| {
            crate::time::parse_millis(text)
                .or_else(|| text.parse::<i64>().ok().map(|s| s * 1000))
                .map(crate::time::format_millis)
        };
        let start = time(cell(self.start)).ok_or("openai-cost-csv: start_time is not a time")?;
        let line_item = cell(self.line_item).to_owned();
        let model =
            line_item.split(',').next().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
        let currency =
            self.currency.map(cell).filter(|c| !c.is_empty()).unwrap_or("usd").to_ascii_uppercase();
        Ok(Some(crate::record::Bucket {
            v: crate::record::BUCKET_SCHEMA.to_owned(),
            src: Src { kind: "openai.cost_csv".to_owned(), ..Src::default() },
            provider: "openai".to_owned(),
            window_start: Some(start),
            window_end: self.end.map(cell).and_then(time),
            model,
            line_item: Some(line_item).filter(|l| !l.is_empty()),
            amount: Some(Money { currency, ..Money::usd(amount) }),
            ..crate::record::Bucket::default()
        }))
    }
}
