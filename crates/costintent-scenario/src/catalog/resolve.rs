//! Turning a catalog entry into the engine's [`ModelPrice`] for one day.
//!
//! Only lines and rules valid on that day count. Every field of
//! [`ModelPrice`] the entry can fill is filled, amounts stay in the model's
//! currency, and every price that went into it is listed in
//! [`ModelPrice::lines`] with its source (long-context tier prices too, with
//! the qualifier `context_above=<tokens>`).

use super::entry::{CurrencyRule, LineEntry, ModelEntry};
use super::unit::PriceUnit;
use crate::date::Date;
use crate::prices::{
    AudioPrice, Currency, ImagePrice, LongContext, ModelPrice, PriceLine, VideoPrice,
};

/// The prices of `entry` in effect on `day` (already the effective day:
/// for a retired model past its last price, that last day), under `id`
/// (which differs from the entry's id for a route such as OpenRouter).
pub(crate) fn model_price(entry: &ModelEntry, id: &str, day: Date) -> ModelPrice {
    let mut price = ModelPrice {
        id: id.to_owned(),
        origin: entry.origin.clone(),
        currency: match &entry.currency {
            CurrencyRule::Usd => Currency::Usd,
            CurrencyRule::Credits { usd_per_credit, .. } => {
                Currency::Credits { usd_per_credit: *usd_per_credit }
            }
        },
        retired_on: entry.retired_on,
        ..ModelPrice::default()
    };
    let lines: Vec<&LineEntry> = entry.lines.iter().filter(|l| l.validity.contains(day)).collect();
    let mut audio_in = None;
    let mut audio_out = None;
    let mut audio_cached = None;
    for line in &lines {
        let amount = Some(line.amount);
        let v = &line.variant;
        match line.unit {
            PriceUnit::InputToken => price.input_per_mtok = amount,
            PriceUnit::OutputToken => price.output_per_mtok = amount,
            PriceUnit::ReasoningToken => price.reasoning_per_mtok = amount,
            PriceUnit::CacheReadToken => price.cache_read_per_mtok = amount,
            PriceUnit::CacheWrite5mToken => price.cache_write_5m_per_mtok = amount,
            PriceUnit::CacheWrite1hToken => price.cache_write_1h_per_mtok = amount,
            PriceUnit::AudioInputToken => audio_in = amount,
            PriceUnit::AudioOutputToken => audio_out = amount,
            PriceUnit::AudioCacheReadToken => audio_cached = amount,
            PriceUnit::Request => price.per_request = amount,
            PriceUnit::Task => price.per_task = amount,
            PriceUnit::Image => match (&v.size, &v.quality) {
                (Some(size), Some(quality)) => price.images.push(ImagePrice {
                    size: size.clone(),
                    quality: quality.clone(),
                    amount: line.amount,
                }),
                _ => price.per_image = amount,
            },
            PriceUnit::VideoSecond => {
                if v.is_empty() {
                    price.per_video_second = amount;
                } else {
                    price.video.push(VideoPrice {
                        resolution: v.resolution.clone().unwrap_or_default(),
                        audio: v.audio,
                        amount: line.amount,
                    });
                }
            }
        }
        price.lines.push(price_line(entry, line));
    }
    if let (Some(input), Some(output), Some(rates)) = (audio_in, audio_out, &entry.audio_rates) {
        price.audio = Some(AudioPrice {
            input_per_mtok: input,
            output_per_mtok: output,
            cached_input_per_mtok: audio_cached,
            input_tokens_per_minute: rates.input_tokens_per_minute,
            output_tokens_per_minute: rates.output_tokens_per_minute,
        });
    }
    let rules = entry.long_context.iter().filter(|r| r.validity.contains(day));
    for rule in rules {
        let Some(tier) = rule.tier() else {
            price.reject_above = Some(rule.above);
            continue;
        };
        price.long_context = Some(LongContext {
            above: rule.above,
            input_per_mtok: tier.input,
            output_per_mtok: tier.output,
            cache_read_per_mtok: tier.cache_read,
            cache_write_5m_per_mtok: tier.cache_write_5m,
            cache_write_1h_per_mtok: tier.cache_write_1h,
        });
        let qualifier = format!("context_above={}", rule.above);
        let prices = [
            (PriceUnit::InputToken, Some(tier.input)),
            (PriceUnit::OutputToken, Some(tier.output)),
            (PriceUnit::CacheReadToken, tier.cache_read),
            (PriceUnit::CacheWrite5mToken, tier.cache_write_5m),
            (PriceUnit::CacheWrite1hToken, tier.cache_write_1h),
        ];
        for (unit, amount) in prices {
            if let Some(amount) = amount {
                price.lines.push(PriceLine {
                    unit: unit.name().to_owned(),
                    variant: qualifier.clone(),
                    usd: amount * entry.currency.usd_per_unit(),
                    credits: entry.currency.is_credits().then_some(amount),
                    per: unit.per().to_owned(),
                    valid_from: rule.validity.from,
                    valid_until: rule.validity.until,
                    source: rule.source.citation(),
                });
            }
        }
    }
    price.batch_discount = entry.batch.iter().find(|r| r.validity.contains(day)).map(|r| r.share);
    price
}

/// The display form of a catalog line: dollars always, credits too for
/// credit-priced models.
pub(crate) fn price_line(entry: &ModelEntry, line: &LineEntry) -> PriceLine {
    PriceLine {
        unit: line.unit.name().to_owned(),
        variant: line.variant.describe(),
        usd: line.amount * entry.currency.usd_per_unit(),
        credits: entry.currency.is_credits().then_some(line.amount),
        per: line.unit.per().to_owned(),
        valid_from: line.validity.from,
        valid_until: line.validity.until,
        source: line.source.citation(),
    }
}
