//! `costintent catalog show <id>`: one model's prices and rules with their
//! dates and sources, as typed data ([`ModelView`]) that the CLI renders as
//! text or serialises as JSON.
//!
//! The JSON shape is `{"model", "prices": [...], "rules": {...}}` plus a few
//! descriptive keys. Each price has `unit`, `usd`, `per`, `valid_from`,
//! `valid_until` and `source` (dates are `null` when open), and `variant`,
//! `credits`, `start` (`"documented"` when `valid_from` is only the earliest
//! day a source documents the price) and `note` when they apply. `rules`
//! holds `long_context` (each with its `mode`, `tier` or `reject`),
//! `batch_discount`, `cache_ttl` (the cache-write price per TTL),
//! `currency`, `audio`, `retired_on`, `successor` and `after_retirement`.

use serde::Serialize;

use super::entry::{CurrencyRule, LongContextMode, ModelEntry, Validity};
use super::resolve::price_line;
use super::unit::PriceUnit;
use crate::date::Date;

/// One model as `catalog show` presents it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelView {
    /// The id asked for.
    pub model: String,
    /// The catalog id whose prices these are, when `model` is a route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priced_as: Option<String>,
    /// Human name.
    pub name: String,
    /// The provider.
    pub provider: String,
    /// `text`, `image`, `video` or `realtime`.
    pub kind: &'static str,
    /// Lifecycle status (on `date` when one was asked for).
    pub status: &'static str,
    /// The day asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// The day whose prices are shown, when it differs from `date` (a
    /// retired model keeps its last prices).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_of: Option<Date>,
    /// Caveats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The tokenizer family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<String>,
    /// The prices (on the day, or the whole history).
    pub prices: Vec<PriceView>,
    /// The rules.
    pub rules: RulesView,
}

/// One price with its dates and source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriceView {
    /// The billing unit.
    pub unit: String,
    /// Qualifiers; empty when none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// The amount in USD.
    pub usd: f64,
    /// The amount in credits, for credit-priced models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<f64>,
    /// What the amount buys.
    pub per: String,
    /// First day.
    pub valid_from: Option<Date>,
    /// `"documented"` when `valid_from` is the earliest day a source
    /// documents the price rather than the day it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<&'static str>,
    /// Last day.
    pub valid_until: Option<Date>,
    /// Where it was read.
    pub source: String,
    /// Caveats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The rules of a model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RulesView {
    /// Long-context tiers and rejection limits.
    pub long_context: Vec<LongContextView>,
    /// Batch discounts.
    pub batch_discount: Vec<BatchView>,
    /// Cache-write prices per TTL.
    pub cache_ttl: Vec<CacheTtlView>,
    /// What amounts are denominated in.
    pub currency: CurrencyView,
    /// Audio tokens per minute.
    pub audio: Option<AudioView>,
    /// The retirement day.
    pub retired_on: Option<Date>,
    /// The recommended replacement.
    pub successor: Option<String>,
    /// `rejected` or `routed`: what happens to requests after retirement.
    pub after_retirement: &'static str,
}

/// A long-context rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LongContextView {
    /// Threshold in prompt tokens.
    pub above: f64,
    /// `tier` or `reject`.
    pub mode: &'static str,
    /// Tier prices in USD per 1M tokens (`None` for a rejection limit).
    pub input_per_mtok: Option<f64>,
    /// Output tier price.
    pub output_per_mtok: Option<f64>,
    /// Cache-read tier price.
    pub cache_read_per_mtok: Option<f64>,
    /// 5-minute cache-write tier price.
    pub cache_write_5m_per_mtok: Option<f64>,
    /// 1-hour cache-write tier price.
    pub cache_write_1h_per_mtok: Option<f64>,
    /// The rule in words.
    pub rule: &'static str,
    /// First day.
    pub valid_from: Option<Date>,
    /// Last day.
    pub valid_until: Option<Date>,
    /// Where it was read.
    pub source: String,
    /// Caveats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A batch discount.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchView {
    /// Share off.
    pub share: f64,
    /// What it applies to.
    pub applies_to: &'static str,
    /// First day.
    pub valid_from: Option<Date>,
    /// `"documented"` when `valid_from` is only the earliest documented day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<&'static str>,
    /// Last day.
    pub valid_until: Option<Date>,
    /// Where it was read.
    pub source: String,
}

/// A cache-write price for one TTL.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheTtlView {
    /// `5m` or `1h`.
    pub ttl: &'static str,
    /// USD per 1M tokens written.
    pub usd_per_mtok: f64,
    /// First day.
    pub valid_from: Option<Date>,
    /// Last day.
    pub valid_until: Option<Date>,
    /// Where it was read.
    pub source: String,
}

/// What amounts are denominated in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurrencyView {
    /// `usd` or `credits`.
    pub unit: &'static str,
    /// USD per credit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_credit: Option<f64>,
    /// Where the credit price was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Audio tokens per minute of speech.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AudioView {
    /// Tokens per minute of user audio.
    pub input_tokens_per_minute: f64,
    /// Tokens per minute of assistant audio.
    pub output_tokens_per_minute: f64,
    /// Where the rates were read.
    pub source: String,
}

const TIER_RULE: &str = "whole request: a prompt (input plus cache reads and writes) above `above` tokens is billed entirely at these prices";
const REJECT_RULE: &str = "rejected: the provider answers a prompt (input plus cache reads and writes) above `above` tokens with an error and bills nothing";

fn start(v: &Validity) -> Option<&'static str> {
    v.documented_start.then_some("documented")
}

/// The view of `entry` (shown under `id`). With `day`, only what applies
/// that day (`asked` is the day the user asked about, which differs from
/// `day` for a retired model showing its last prices); without, the whole
/// history.
pub(crate) fn model_view(
    entry: &ModelEntry,
    id: &str,
    day: Option<Date>,
    asked: Option<Date>,
) -> ModelView {
    let applies = |v: &Validity| day.is_none_or(|d| v.contains(d));
    let usd = |amount: f64| amount * entry.currency.usd_per_unit();
    let prices = entry
        .lines
        .iter()
        .filter(|l| applies(&l.validity))
        .map(|l| {
            let line = price_line(entry, l);
            PriceView {
                unit: line.unit,
                variant: line.variant,
                usd: line.usd,
                credits: line.credits,
                per: line.per,
                valid_from: line.valid_from,
                start: start(&l.validity),
                valid_until: line.valid_until,
                source: line.source,
                note: l.note.clone(),
            }
        })
        .collect();
    let long_context = entry
        .long_context
        .iter()
        .filter(|r| applies(&r.validity))
        .map(|r| {
            let tier = r.tier();
            LongContextView {
                above: r.above,
                mode: r.mode.name(),
                input_per_mtok: tier.map(|t| usd(t.input)),
                output_per_mtok: tier.map(|t| usd(t.output)),
                cache_read_per_mtok: tier.and_then(|t| t.cache_read).map(usd),
                cache_write_5m_per_mtok: tier.and_then(|t| t.cache_write_5m).map(usd),
                cache_write_1h_per_mtok: tier.and_then(|t| t.cache_write_1h).map(usd),
                rule: match r.mode {
                    LongContextMode::Tier(_) => TIER_RULE,
                    LongContextMode::Reject => REJECT_RULE,
                },
                valid_from: r.validity.from,
                valid_until: r.validity.until,
                source: r.source.citation(),
                note: r.note.clone(),
            }
        })
        .collect();
    let batch_discount = entry
        .batch
        .iter()
        .filter(|r| applies(&r.validity))
        .map(|r| BatchView {
            share: r.share,
            applies_to: "input and output tokens",
            valid_from: r.validity.from,
            start: start(&r.validity),
            valid_until: r.validity.until,
            source: r.source.citation(),
        })
        .collect();
    let cache_ttl = entry
        .lines
        .iter()
        .filter(|l| applies(&l.validity))
        .filter_map(|l| {
            let ttl = match l.unit {
                PriceUnit::CacheWrite5mToken => "5m",
                PriceUnit::CacheWrite1hToken => "1h",
                _ => return None,
            };
            Some(CacheTtlView {
                ttl,
                usd_per_mtok: usd(l.amount),
                valid_from: l.validity.from,
                valid_until: l.validity.until,
                source: l.source.citation(),
            })
        })
        .collect();
    let currency = match &entry.currency {
        CurrencyRule::Usd => CurrencyView { unit: "usd", usd_per_credit: None, source: None },
        CurrencyRule::Credits { usd_per_credit, source } => CurrencyView {
            unit: "credits",
            usd_per_credit: Some(*usd_per_credit),
            source: Some(source.citation()),
        },
    };
    let audio = entry.audio_rates.as_ref().map(|r| AudioView {
        input_tokens_per_minute: r.input_tokens_per_minute,
        output_tokens_per_minute: r.output_tokens_per_minute,
        source: r.source.citation(),
    });
    let status = asked.map_or(entry.status, |d| entry.status_on(d));
    ModelView {
        model: id.to_owned(),
        priced_as: (id != entry.id).then(|| entry.id.clone()),
        name: entry.name.clone(),
        provider: entry.provider().to_owned(),
        kind: entry.kind.name(),
        status: status.name(),
        date: asked,
        prices_of: day.filter(|d| asked.is_some_and(|a| a != *d)),
        note: entry.note.clone(),
        tokenizer: entry.tokenizer.clone(),
        prices,
        rules: RulesView {
            long_context,
            batch_discount,
            cache_ttl,
            currency,
            audio,
            retired_on: entry.retired_on,
            successor: entry.successor.clone(),
            after_retirement: entry.after_retirement.name(),
        },
    }
}
