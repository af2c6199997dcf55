//! Importing pydantic/genai-prices' published `data.json` (the v2 file,
//! `prices/new_data/v2/data.json`; the older `prices/data.json` has the same
//! shape with fewer units).
//!
//! The file is a list of providers, each with `models`; a model's `prices`
//! is either one price table or a list of `{constraint, prices}` where
//! `constraint.start_date` starts a new price. Prices are USD per 1M tokens
//! (`*_mtok`) or per thousand calls (`*_kcount`). The importer keeps:
//!
//! - dated changes as dated lines: the price in force before the first
//!   `start_date` applies on any earlier day, each later one from its
//!   `start_date` to the day before the next;
//! - token prices: `input_mtok`, `output_mtok`, `cache_read_mtok`,
//!   `cache_write_mtok` and `cache_write_5m_mtok` (the 5-minute write),
//!   `cache_write_1h_mtok`, `output_reasoning_mtok`, `input_audio_mtok`,
//!   `output_audio_mtok`, `cache_audio_read_mtok`; `requests_kcount` as a
//!   per-request fee; `input_text_mtok`, `output_text_mtok` and
//!   `cache_text_read_mtok` where the generic price is absent;
//! - tiered prices (`{base, tiers: [{start, price}]}`, a whole-request cliff
//!   at `start` prompt tokens) as the long-context rule: the base price is
//!   the line, the lowest tier the rule (a unit that is not tiered keeps its
//!   base price above the threshold);
//! - `deprecated: true` as the deprecated status, `price_comments` in the
//!   note.
//!
//! Everything else is reported: time-of-day prices (DeepSeek's off-peak
//! hours) skip the model, since costintent prices by day; other units
//! (images, video, web searches…) and further tiers are dropped fields.
//! Imported ids are `<provider id>/<model id>`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::entry::{
    AfterRetirement, CurrencyRule, LineEntry, LongContextMode, LongContextRule, ModelEntry,
    ModelKind, Source, Status, TierPrices, Validity, Variant,
};
use super::error::CatalogError;
use super::import::{Collector, ImportFormat, ImportReport, json_type, parse_json, round};
use super::unit::PriceUnit;
use crate::date::Date;
use crate::prices::Origin;

/// Imports genai-prices' JSON; errors only for text that is not a JSON
/// list of providers.
pub(crate) fn import(
    json_text: &str,
    file_name: &str,
    read: Option<Date>,
) -> Result<(Vec<ModelEntry>, ImportReport), CatalogError> {
    let root = parse_json(json_text, file_name)?;
    let Value::Array(providers) = root else {
        return Err(CatalogError::whole(
            file_name,
            format!(
                "expected genai-prices' data.json, a JSON list of providers, found {}",
                json_type(&root)
            ),
        ));
    };
    let source = Source {
        key: "genai-prices".to_owned(),
        title: format!("pydantic/genai-prices data.json ({file_name})"),
        url: None,
        read,
    };
    let mut c = Collector::new(file_name, ImportFormat::GenaiPrices, source);
    for (i, provider) in providers.iter().enumerate() {
        let Some(p) = provider.as_object() else {
            c.skip(
                &format!("[{i}]"),
                "not a provider",
                Some(format!("the value is {}", json_type(provider))),
            );
            continue;
        };
        let Some(provider_id) = p.get("id").and_then(Value::as_str) else {
            c.skip(&format!("[{i}]"), "provider without id", None);
            continue;
        };
        let Some(models) = p.get("models").and_then(Value::as_array) else {
            c.skip(provider_id, "provider without models", None);
            continue;
        };
        for model in models {
            c.report.entries += 1;
            import_model(&mut c, provider_id, model);
        }
    }
    Ok(c.finish())
}

/// One price table in force from `start` (open when `None`).
struct Period<'a> {
    start: Option<Date>,
    prices: &'a Map<String, Value>,
}

fn import_model(c: &mut Collector, provider: &str, model: &Value) {
    let Some(m) = model.as_object() else {
        c.skip(provider, "not a model entry", Some(format!("the value is {}", json_type(model))));
        return;
    };
    let Some(model_id) = m.get("id").and_then(Value::as_str) else {
        c.skip(provider, "model without id", None);
        return;
    };
    let id = format!("{provider}/{model_id}");
    let key = id.as_str();
    let periods = match m.get("prices") {
        Some(Value::Object(prices)) => vec![Period { start: None, prices }],
        Some(Value::Array(list)) => match periods(list) {
            Ok(p) => p,
            Err((reason, detail)) => {
                c.skip(key, reason, Some(detail));
                return;
            }
        },
        _ => {
            c.skip(key, "no price fields", None);
            return;
        }
    };
    let mut lines = Vec::new();
    let mut long_context = Vec::new();
    let mut dropped = Vec::new();
    for (i, period) in periods.iter().enumerate() {
        let until = periods.get(i + 1).and_then(|next| next.start).map(|d| d.add_days(-1));
        let validity = Validity { from: period.start, until, documented_start: false };
        let (mut period_lines, rule) = prices(c, period.prices, validity, &mut dropped);
        lines.append(&mut period_lines);
        long_context.extend(rule);
    }
    dropped.sort();
    dropped.dedup();
    for field in &dropped {
        c.drop_field(field.clone());
    }
    if lines.is_empty() {
        let detail = (!dropped.is_empty()).then(|| format!("has only: {}", dropped.join(", ")));
        let reason =
            if dropped.is_empty() { "no price fields" } else { "no supported price fields" };
        c.skip(key, reason, detail);
        return;
    }
    let mut note =
        format!("Imported from {} (provider `{provider}`, model `{model_id}`).", c.source.title);
    if let Some(comment) = m.get("price_comments").and_then(Value::as_str) {
        note.push_str(&format!(" genai-prices notes: {comment}"));
    }
    let deprecated = m.get("deprecated").and_then(Value::as_bool) == Some(true);
    let has_audio = lines.iter().any(|l: &LineEntry| l.unit == PriceUnit::AudioInputToken);
    let entry = ModelEntry {
        id: id.clone(),
        name: m.get("name").and_then(Value::as_str).unwrap_or(model_id).to_owned(),
        kind: if has_audio { ModelKind::Realtime } else { ModelKind::Text },
        status: if deprecated { Status::Deprecated } else { Status::Active },
        retired_on: None,
        successor: None,
        after_retirement: AfterRetirement::Rejected,
        tokenizer: None,
        note: Some(note),
        currency: CurrencyRule::Usd,
        lines,
        long_context,
        batch: Vec::new(),
        audio_rates: None,
        origin: Origin::File(c.file.clone()),
    };
    c.insert(key, entry);
}

/// The dated periods of a list of conditional prices, in date order.
fn periods(list: &[Value]) -> Result<Vec<Period<'_>>, (&'static str, String)> {
    let mut out = Vec::new();
    for item in list {
        let Some(prices) = item.get("prices").and_then(Value::as_object) else {
            return Err(("malformed dated prices", "a conditional price without `prices`".into()));
        };
        let start = match item.get("constraint") {
            None | Some(Value::Null) => None,
            Some(Value::Object(constraint)) => {
                if constraint.contains_key("start_time") || constraint.contains_key("end_time") {
                    return Err((
                        "time-of-day prices",
                        "prices that depend on the hour (off-peak windows) are not modelled".into(),
                    ));
                }
                match constraint.get("start_date").and_then(Value::as_str).map(str::parse::<Date>) {
                    Some(Ok(date)) => Some(date),
                    _ => {
                        return Err((
                            "malformed dated prices",
                            format!("unsupported constraint {}", Value::Object(constraint.clone())),
                        ));
                    }
                }
            }
            Some(other) => {
                return Err((
                    "malformed dated prices",
                    format!("the constraint is {}", json_type(other)),
                ));
            }
        };
        out.push(Period { start, prices });
    }
    out.sort_by_key(|p| p.start);
    let undated = out.iter().filter(|p| p.start.is_none()).count();
    if undated > 1 {
        return Err(("malformed dated prices", "two prices without a start date".into()));
    }
    if out.windows(2).any(|w| w[0].start == w[1].start) {
        return Err(("malformed dated prices", "two prices with the same start date".into()));
    }
    // genai-prices uses the first entry when no constraint is active yet, so
    // the earliest price also applies before its own start date.
    if let Some(first) = out.first_mut() {
        first.start = None;
    }
    Ok(out)
}

/// The unit a price field maps to.
fn unit_of(field: &str, prices: &Map<String, Value>) -> Option<PriceUnit> {
    Some(match field {
        "input_mtok" => PriceUnit::InputToken,
        "output_mtok" => PriceUnit::OutputToken,
        "cache_read_mtok" => PriceUnit::CacheReadToken,
        "cache_write_mtok" | "cache_write_5m_mtok" => PriceUnit::CacheWrite5mToken,
        "cache_write_1h_mtok" => PriceUnit::CacheWrite1hToken,
        "output_reasoning_mtok" => PriceUnit::ReasoningToken,
        "input_audio_mtok" => PriceUnit::AudioInputToken,
        "output_audio_mtok" => PriceUnit::AudioOutputToken,
        "cache_audio_read_mtok" => PriceUnit::AudioCacheReadToken,
        "requests_kcount" => PriceUnit::Request,
        "input_text_mtok" if !prices.contains_key("input_mtok") => PriceUnit::InputToken,
        "output_text_mtok" if !prices.contains_key("output_mtok") => PriceUnit::OutputToken,
        "cache_text_read_mtok" if !prices.contains_key("cache_read_mtok") => {
            PriceUnit::CacheReadToken
        }
        _ => return None,
    })
}

/// The lines of one price table and its long-context rule (from tiered
/// prices), valid over `validity`; unsupported fields go to `dropped`.
fn prices(
    c: &Collector,
    prices: &Map<String, Value>,
    validity: Validity,
    dropped: &mut Vec<String>,
) -> (Vec<LineEntry>, Option<LongContextRule>) {
    let mut lines = Vec::new();
    // unit → (base, lowest tier start and price)
    let mut tiered: BTreeMap<PriceUnit, (f64, u64, f64)> = BTreeMap::new();
    let both_cache_writes =
        prices.contains_key("cache_write_mtok") && prices.contains_key("cache_write_5m_mtok");
    for (field, value) in prices {
        let Some(unit) = unit_of(field, prices) else {
            dropped.push(field.clone());
            continue;
        };
        if both_cache_writes && field == "cache_write_mtok" {
            dropped.push(format!("{field} (cache_write_5m_mtok is given too)"));
            continue;
        }
        let scale = |x: f64| if unit == PriceUnit::Request { round(x / 1000.0) } else { round(x) };
        match value {
            Value::Number(n) => match n.as_f64() {
                Some(x) => lines.push(line(c, unit, scale(x), validity)),
                None => dropped.push(format!("{field} (not a number)")),
            },
            Value::Object(t) => {
                let base = t.get("base").and_then(Value::as_f64);
                let mut tiers: Vec<(u64, f64)> = t
                    .get("tiers")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(|x| {
                                Some((x.get("start")?.as_u64()?, x.get("price")?.as_f64()?))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                tiers.sort_by_key(|&(start, _)| start);
                let Some(base) = base else {
                    dropped.push(format!("{field} (tiered without a base price)"));
                    continue;
                };
                lines.push(line(c, unit, scale(base), validity));
                if let Some(&(start, price)) = tiers.first() {
                    tiered.insert(unit, (base, start, scale(price)));
                }
                if tiers.len() > 1 {
                    dropped.push(format!("{field} (a second context tier)"));
                }
            }
            other => dropped.push(format!("{field} ({})", json_type(other))),
        }
    }
    let rule = long_context_rule(c, &lines, &tiered, validity, dropped);
    (lines, rule)
}

/// The whole-request rule at the lowest threshold any token price is tiered
/// at; tiers at other thresholds are dropped.
fn long_context_rule(
    c: &Collector,
    lines: &[LineEntry],
    tiered: &BTreeMap<PriceUnit, (f64, u64, f64)>,
    validity: Validity,
    dropped: &mut Vec<String>,
) -> Option<LongContextRule> {
    let above = tiered.values().map(|&(_, start, _)| start).min()?;
    let mut price_above = |unit: PriceUnit| -> Option<f64> {
        match tiered.get(&unit) {
            Some(&(_, start, price)) if start == above => Some(price),
            Some(_) => {
                dropped.push(format!("{} tier (another threshold)", unit.name()));
                None
            }
            // Not tiered: the same price above the threshold.
            None => lines.iter().find(|l| l.unit == unit).map(|l| l.amount),
        }
    };
    let input = price_above(PriceUnit::InputToken);
    let output = price_above(PriceUnit::OutputToken);
    let cache_read = price_above(PriceUnit::CacheReadToken);
    let cache_write_5m = price_above(PriceUnit::CacheWrite5mToken);
    let cache_write_1h = price_above(PriceUnit::CacheWrite1hToken);
    for unit in tiered.keys() {
        if !matches!(
            unit,
            PriceUnit::InputToken
                | PriceUnit::OutputToken
                | PriceUnit::CacheReadToken
                | PriceUnit::CacheWrite5mToken
                | PriceUnit::CacheWrite1hToken
        ) {
            dropped.push(format!("{} tier (only text token prices have tiers here)", unit.name()));
        }
    }
    let (Some(input), Some(output)) = (input, output) else {
        dropped.push("tiered prices without input and output prices".to_owned());
        return None;
    };
    Some(LongContextRule {
        above: above as f64,
        mode: LongContextMode::Tier(TierPrices {
            input,
            output,
            cache_read,
            cache_write_5m,
            cache_write_1h,
        }),
        validity,
        source: std::sync::Arc::clone(&c.source),
        note: None,
    })
}

fn line(c: &Collector, unit: PriceUnit, amount: f64, validity: Validity) -> LineEntry {
    LineEntry {
        unit,
        variant: Variant::default(),
        amount,
        validity,
        source: std::sync::Arc::clone(&c.source),
        note: None,
    }
}
