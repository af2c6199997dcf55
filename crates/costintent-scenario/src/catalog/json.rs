//! `costintent catalog show <id> --format json`: one model's prices and rules
//! with their dates and sources.
//!
//! The shape is `{"model", "prices": [...], "rules": {...}}` plus a few
//! descriptive keys. Each price has `unit`, `usd`, `per`, `valid_from`,
//! `valid_until` and `source` (dates are `null` when open), and `variant`,
//! `credits` and `note` when they apply. `rules` holds `long_context`,
//! `batch_discount`, `cache_ttl` (the cache-write price per TTL),
//! `currency`, `audio`, `retired_on` and `successor`.

use serde_json::{Map, Value, json};

use super::entry::{CurrencyRule, ModelEntry, Validity};
use super::resolve::price_line;
use super::unit::Unit;
use crate::date::Date;

/// The JSON of `entry` (shown under `id`). With `day`, only what applies
/// that day (`asked` is the day the user asked about, which differs from
/// `day` for a retired model showing its last prices); without, the whole
/// history.
pub(crate) fn model_json(
    entry: &ModelEntry,
    id: &str,
    day: Option<Date>,
    asked: Option<Date>,
) -> Value {
    let applies = |v: &Validity| day.is_none_or(|d| v.contains(d));
    let usd = |amount: f64| amount * entry.currency.usd_per_unit();
    let prices: Vec<Value> = entry
        .lines
        .iter()
        .filter(|l| applies(&l.validity))
        .map(|l| {
            let line = price_line(entry, l);
            let mut obj = Map::new();
            obj.insert("unit".into(), json!(line.unit));
            if !line.variant.is_empty() {
                obj.insert("variant".into(), json!(line.variant));
            }
            obj.insert("usd".into(), json!(line.usd));
            if let Some(credits) = line.credits {
                obj.insert("credits".into(), json!(credits));
            }
            obj.insert("per".into(), json!(line.per));
            obj.insert("valid_from".into(), date(line.valid_from));
            obj.insert("valid_until".into(), date(line.valid_until));
            obj.insert("source".into(), json!(line.source));
            if let Some(note) = &l.note {
                obj.insert("note".into(), json!(note));
            }
            Value::Object(obj)
        })
        .collect();
    let long_context: Vec<Value> = entry
        .long_context
        .iter()
        .filter(|r| applies(&r.validity))
        .map(|r| {
            json!({
                "above": r.above,
                "input_per_mtok": usd(r.input),
                "output_per_mtok": usd(r.output),
                "cache_read_per_mtok": r.cache_read.map(usd),
                "cache_write_5m_per_mtok": r.cache_write_5m.map(usd),
                "cache_write_1h_per_mtok": r.cache_write_1h.map(usd),
                "rule": "whole request: a prompt (input plus cache reads and writes) above `above` tokens is billed entirely at these prices",
                "valid_from": date(r.validity.from),
                "valid_until": date(r.validity.until),
                "source": r.source.citation(),
            })
        })
        .collect();
    let batch: Vec<Value> = entry
        .batch
        .iter()
        .filter(|r| applies(&r.validity))
        .map(|r| {
            json!({
                "share": r.share,
                "applies_to": "input and output tokens",
                "valid_from": date(r.validity.from),
                "valid_until": date(r.validity.until),
                "source": r.source.citation(),
            })
        })
        .collect();
    let cache_ttl: Vec<Value> = entry
        .lines
        .iter()
        .filter(|l| applies(&l.validity))
        .filter_map(|l| {
            let ttl = match l.unit {
                Unit::CacheWrite5mToken => "5m",
                Unit::CacheWrite1hToken => "1h",
                _ => return None,
            };
            Some(json!({
                "ttl": ttl,
                "usd_per_mtok": usd(l.amount),
                "valid_from": date(l.validity.from),
                "valid_until": date(l.validity.until),
                "source": l.source.citation(),
            }))
        })
        .collect();
    let currency = match &entry.currency {
        CurrencyRule::Usd => json!({ "unit": "usd" }),
        CurrencyRule::Credits { usd_per_credit, source } => json!({
            "unit": "credits",
            "usd_per_credit": usd_per_credit,
            "source": source.citation(),
        }),
    };
    let audio = entry.audio_rates.as_ref().map_or(Value::Null, |r| {
        json!({
            "input_tokens_per_minute": r.input_tokens_per_minute,
            "output_tokens_per_minute": r.output_tokens_per_minute,
            "source": r.source.citation(),
        })
    });
    let mut out = Map::new();
    out.insert("model".into(), json!(id));
    if id != entry.id {
        out.insert("priced_as".into(), json!(entry.id));
    }
    out.insert("name".into(), json!(entry.name));
    out.insert("provider".into(), json!(entry.provider()));
    out.insert("kind".into(), json!(entry.kind.name()));
    out.insert("status".into(), json!(entry.status.name()));
    if let Some(asked) = asked {
        out.insert("date".into(), json!(asked.to_string()));
    }
    if let (Some(day), Some(asked)) = (day, asked)
        && day != asked
    {
        out.insert("prices_of".into(), json!(day.to_string()));
    }
    if let Some(note) = &entry.note {
        out.insert("note".into(), json!(note));
    }
    out.insert("prices".into(), Value::Array(prices));
    out.insert(
        "rules".into(),
        json!({
            "long_context": long_context,
            "batch_discount": batch,
            "cache_ttl": cache_ttl,
            "currency": currency,
            "audio": audio,
            "retired_on": date(entry.retired_on),
            "successor": entry.successor,
        }),
    );
    Value::Object(out)
}

fn date(d: Option<Date>) -> Value {
    d.map_or(Value::Null, |d| json!(d.to_string()))
}
