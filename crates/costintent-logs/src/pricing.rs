//! Pricing logged tokens with the catalog's prices of the request's day.
//!
//! The prices come from `costintent_scenario::Catalog::resolve` (dated
//! lines, the long-context tier, the batch discount, credits); this module
//! only applies them to counts, with the same rules the engine bills
//! simulated requests by:
//! - the long-context tier is whole-request: a request whose prompt (input
//!   including cache reads and writes) exceeds the tier's threshold pays
//!   the tier price for every token; a tier cache price the catalog does not
//!   give is the base cache price scaled by tier input / base input, a tier
//!   reasoning price the base reasoning price scaled by tier output / base
//!   output;
//! - a prompt above the limit the provider rejects on that day
//!   ([`ModelPrice::reject_above`], a `mode = "reject"` rule) has no price:
//!   [`length`] says [`Length::AboveLimit`] and the callers decide (a
//!   failed attempt is what the catalog predicts and costs nothing; an
//!   answered one contradicts the catalog and is left unpriced, see the
//!   crate documentation);
//! - a missing cache-read or cache-write price falls back to the input
//!   price, a missing reasoning price to the output price;
//! - cache writes whose TTL the log does not split are billed at the
//!   5-minute price;
//! - batch requests pay (1 − discount) on every token price; a batch
//!   request of a model without a catalog discount is priced at the
//!   standard price and counted (see [`Priced::notes`]);
//! - credit-priced models are converted at the provider's list price of a
//!   credit;
//! - per-request and per-task fees are added per attempt and per task;
//!   images and video seconds are priced when the model has one price per
//!   image or per second; when the price depends on a size, quality or
//!   resolution (not carried by the counts) they are left unpriced and
//!   flagged ([`Priced::unpriced_units`]).
//!
//! These are the engine's rules (module documentation of costintent-sim's
//! `prices`), implemented a second time because the engine's price table is
//! private to it; `tests/engine_agreement.rs` prices the same counts through
//! the engine and through [`price`] and requires the same dollars.
//!
//! The function is linear in the counts, so an aggregate of requests of one
//! model, day and class (batch or not, above the tier or not) is priced in
//! one call: sums of integer counts are exact and order-free, which keeps
//! summaries identical on any thread count.

use costintent_scenario::{Currency, ModelPrice};

/// Token counts of one price class, by the price each pays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenSums {
    /// Input neither read from nor written to the cache.
    pub uncached_input: u64,
    /// Output, reasoning excluded.
    pub output: u64,
    /// Reasoning (priced as output unless the catalog prices it).
    pub reasoning: u64,
    /// Cache reads (text).
    pub cache_read: u64,
    /// Audio input neither read from nor written to the cache.
    pub audio_input: u64,
    /// Audio input read from the cache.
    pub audio_cache_read: u64,
    /// Audio output.
    pub audio_output: u64,
    /// Cache writes at the 5-minute price (including writes of unknown TTL).
    pub cache_write_5m: u64,
    /// Cache writes at the 1-hour price.
    pub cache_write_1h: u64,
    /// Attempts (for a per-request fee).
    pub requests: u64,
    /// Async tasks (for a per-task fee).
    pub tasks: u64,
    /// Images generated.
    pub images: u64,
    /// Seconds of video generated, in milliseconds (integers keep sums exact).
    pub video_ms: u64,
}

impl TokenSums {
    /// Adds another class's counts.
    pub fn add(&mut self, other: &TokenSums) {
        self.uncached_input += other.uncached_input;
        self.output += other.output;
        self.reasoning += other.reasoning;
        self.cache_read += other.cache_read;
        self.audio_input += other.audio_input;
        self.audio_cache_read += other.audio_cache_read;
        self.audio_output += other.audio_output;
        self.cache_write_5m += other.cache_write_5m;
        self.cache_write_1h += other.cache_write_1h;
        self.requests += other.requests;
        self.tasks += other.tasks;
        self.images += other.images;
        self.video_ms += other.video_ms;
    }

    /// The counts of one attempt.
    pub fn of_attempt(attempt: &crate::record::Attempt) -> Self {
        let u = &attempt.units;
        Self {
            tasks: u.tasks.unwrap_or(0),
            images: u.images.unwrap_or(0),
            video_ms: u.video_seconds.map_or(0, |s| (s.max(0.0) * 1000.0).round() as u64),
            ..Self::of(&attempt.tokens, 1)
        }
    }

    /// The counts of one attempt's tokens. Audio is a part of input,
    /// output and cache reads with prices of its own; text is the rest.
    pub fn of(tokens: &crate::record::Tokens, requests: u64) -> Self {
        let write = tokens.cache_write_total();
        let write_1h = tokens.cache_write_1h.unwrap_or(0).min(write);
        let output = tokens.output.unwrap_or(0);
        let reasoning = tokens.reasoning.unwrap_or(0).min(output);
        let audio_output = tokens.output_audio.unwrap_or(0).min(output - reasoning);
        let cache_read = tokens.cache_read.unwrap_or(0);
        let audio_in = tokens.input_audio.unwrap_or(0);
        let audio_cache_read = tokens.cache_read_audio.unwrap_or(0).min(audio_in).min(cache_read);
        let uncached = tokens.uncached_input();
        let audio_input = (audio_in - audio_cache_read).min(uncached);
        Self {
            uncached_input: uncached - audio_input,
            output: output - reasoning - audio_output,
            reasoning,
            cache_read: cache_read - audio_cache_read,
            audio_input,
            audio_cache_read,
            audio_output,
            cache_write_5m: write - write_1h,
            cache_write_1h: write_1h,
            requests,
            ..Self::default()
        }
    }
}

/// What a price class pays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PriceClass {
    /// Batch API requests.
    pub batch: bool,
    /// Requests above the long-context threshold.
    pub long_context: bool,
}

/// A priced amount and what was approximated.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Priced {
    /// USD.
    pub usd: f64,
    /// Whether a batch class was priced without a catalog discount.
    pub batch_without_discount: bool,
    /// Whether images or video seconds have no single catalog price (the
    /// price depends on a size, quality or resolution the counts do not
    /// carry): `usd` then leaves them out and the amount is not a full price.
    pub unpriced_units: bool,
}

impl Priced {
    /// The caveats, as sentences.
    pub fn notes(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.batch_without_discount {
            out.push("batch requests of a model without a batch discount in the catalog are priced at the standard price");
        }
        out
    }
}

/// What the catalog says about a prompt of a given length on a given day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Length {
    /// Base prices.
    Standard,
    /// Above the long-context threshold: the whole request pays the tier.
    LongContext,
    /// Above the limit the provider rejects with an error and does not bill
    /// ([`ModelPrice::reject_above`]): the catalog has no price for it.
    AboveLimit {
        /// The limit, in prompt tokens.
        limit: u64,
    },
}

/// How a request with this prompt (input including cache reads and writes)
/// is treated. The rejection limit comes first: on a day with both a tier
/// and a limit above it, a prompt between the two pays the tier.
pub fn length(price: &ModelPrice, prompt_tokens: u64) -> Length {
    let prompt = prompt_tokens as f64;
    if let Some(limit) = price.reject_above
        && prompt > limit
    {
        return Length::AboveLimit { limit: limit as u64 };
    }
    if price.long_context.as_ref().is_some_and(|lc| prompt > lc.above) {
        Length::LongContext
    } else {
        Length::Standard
    }
}

/// The catalog price of `tokens` in `class`, in USD.
pub fn price(price: &ModelPrice, class: PriceClass, tokens: &TokenSums) -> Priced {
    let to_usd = match price.currency {
        Currency::Usd => 1.0,
        Currency::Credits { usd_per_credit } => usd_per_credit,
    };
    let input = price.input_per_mtok.unwrap_or(0.0);
    let output = price.output_per_mtok.unwrap_or(0.0);
    let read = price.cache_read_per_mtok.unwrap_or(input);
    let write_5m = price.cache_write_5m_per_mtok.unwrap_or(input);
    let write_1h = price.cache_write_1h_per_mtok.unwrap_or(input);
    let reasoning = price.reasoning_per_mtok.unwrap_or(output);
    let mut rates = [input, output, reasoning, read, write_5m, write_1h];
    if class.long_context
        && let Some(lc) = &price.long_context
    {
        let in_ratio = if input > 0.0 { lc.input_per_mtok / input } else { 1.0 };
        let out_ratio = if output > 0.0 { lc.output_per_mtok / output } else { 1.0 };
        rates = [
            lc.input_per_mtok,
            lc.output_per_mtok,
            reasoning * out_ratio,
            lc.cache_read_per_mtok.unwrap_or(read * in_ratio),
            lc.cache_write_5m_per_mtok.unwrap_or(write_5m * in_ratio),
            lc.cache_write_1h_per_mtok.unwrap_or(write_1h * in_ratio),
        ];
    }
    let mut priced = Priced::default();
    let discount = match (class.batch, price.batch_discount) {
        (true, Some(share)) => 1.0 - share,
        (true, None) => {
            priced.batch_without_discount = true;
            1.0
        }
        (false, _) => 1.0,
    };
    let counts = [
        tokens.uncached_input,
        tokens.output,
        tokens.reasoning,
        tokens.cache_read,
        tokens.cache_write_5m,
        tokens.cache_write_1h,
    ];
    // Audio at the model's audio prices; a model without them (not a
    // realtime model) prices audio as text.
    let audio_rates = match &price.audio {
        Some(a) => [
            a.input_per_mtok,
            a.cached_input_per_mtok.unwrap_or(a.input_per_mtok),
            a.output_per_mtok,
        ],
        None => [rates[0], rates[3], rates[1]],
    };
    let audio_counts = [tokens.audio_input, tokens.audio_cache_read, tokens.audio_output];
    let per_mtok: f64 = counts.iter().zip(rates).map(|(n, rate)| *n as f64 * rate).sum::<f64>()
        + audio_counts.iter().zip(audio_rates).map(|(n, rate)| *n as f64 * rate).sum::<f64>();
    let mut fees = tokens.requests as f64 * price.per_request.unwrap_or(0.0)
        + tokens.tasks as f64 * price.per_task.unwrap_or(0.0);
    match (tokens.images, price.per_image) {
        (0, _) => {}
        (n, Some(each)) => fees += n as f64 * each,
        (_, None) => priced.unpriced_units = true,
    }
    match (tokens.video_ms, price.per_video_second) {
        (0, _) => {}
        (ms, Some(each)) => fees += ms as f64 / 1000.0 * each,
        (_, None) => priced.unpriced_units = true,
    }
    priced.usd = (per_mtok / 1e6 * discount + fees) * to_usd;
    priced
}

#[cfg(test)]
mod tests {
    use super::*;
    use costintent_scenario::{Catalog, Date};

    fn resolve(id: &str, day: &str) -> ModelPrice {
        let date: Date = day.parse().unwrap();
        Catalog::embedded().resolve(id, date).unwrap()
    }

    #[test]
    fn sonnet_4_6_pays_the_tier_only_before_2026_03_13() {
        // 300k prompt tokens: 10k uncached, 250k read, 40k written (5m); 2k out.
        let t = TokenSums {
            uncached_input: 10_000,
            cache_read: 250_000,
            cache_write_5m: 40_000,
            output: 2_000,
            ..TokenSums::default()
        };
        let march = resolve("anthropic/claude-sonnet-4-6", "2026-03-12");
        assert_eq!(length(&march, 300_000), Length::LongContext);
        assert_eq!(length(&march, 200_000), Length::Standard);
        let tier = PriceClass { long_context: true, batch: false };
        // 10k×$6 + 250k×$0.60 + 40k×$7.50 + 2k×$22.50 per 1M = 0.06+0.15+0.30+0.045.
        assert!((price(&march, tier, &t).usd - 0.555).abs() < 1e-12);
        let april = resolve("anthropic/claude-sonnet-4-6", "2026-04-01");
        assert_eq!(length(&april, 300_000), Length::Standard);
        // 10k×$3 + 250k×$0.30 + 40k×$3.75 + 2k×$15 = 0.03+0.075+0.15+0.03.
        assert!((price(&april, PriceClass::default(), &t).usd - 0.285).abs() < 1e-12);
    }

    #[test]
    fn sonnet_4_5_pays_the_tier_until_2026_04_29_and_is_rejected_from_2026_04_30() {
        let last_tier_day = resolve("anthropic/claude-sonnet-4-5", "2026-04-29");
        assert_eq!(length(&last_tier_day, 210_000), Length::LongContext);
        assert_eq!(length(&last_tier_day, 200_000), Length::Standard);
        let first_reject_day = resolve("anthropic/claude-sonnet-4-5", "2026-04-30");
        assert_eq!(length(&first_reject_day, 210_000), Length::AboveLimit { limit: 200_000 });
        assert_eq!(length(&first_reject_day, 200_000), Length::Standard);
        // A tier and a higher limit on the same day: the tier between them.
        let both = ModelPrice { reject_above: Some(1_000_000.0), ..last_tier_day.clone() };
        assert_eq!(length(&both, 1_000_000), Length::LongContext);
        assert_eq!(length(&both, 1_000_001), Length::AboveLimit { limit: 1_000_000 });
    }

    #[test]
    fn batch_halves_and_one_hour_writes_cost_more() {
        let haiku = resolve("anthropic/claude-haiku-4-5", "2026-09-01");
        let t = TokenSums {
            uncached_input: 1_000_000,
            cache_write_1h: 1_000_000,
            ..TokenSums::default()
        };
        // $1 input + $2 one-hour writes, half off in batch.
        assert!((price(&haiku, PriceClass::default(), &t).usd - 3.0).abs() < 1e-12);
        let batch = PriceClass { batch: true, long_context: false };
        let p = price(&haiku, batch, &t);
        assert!((p.usd - 1.5).abs() < 1e-12);
        assert!(!p.batch_without_discount);
        // GPT-5 has the Batch guide's 50% discount (openai.toml, source
        // openai-batch) and no cache-write price, so its writes pay the input
        // price: 1M × $1.25 + 1M × $1.25 = $2.50, $1.25 in batch.
        let gpt5 = resolve("openai/gpt-5", "2026-09-01");
        assert_eq!(gpt5.batch_discount, Some(0.5));
        assert!((price(&gpt5, PriceClass::default(), &t).usd - 2.5).abs() < 1e-12);
        let p = price(&gpt5, batch, &t);
        assert!((p.usd - 1.25).abs() < 1e-12);
        assert!(!p.batch_without_discount);
    }

    #[test]
    fn batch_without_a_catalog_discount_is_standard_price_and_flagged() {
        // A model the catalog gives no batch discount (built here, so that a
        // catalog update cannot silently turn this into a discount test).
        let plain = ModelPrice {
            id: "test/no-batch".into(),
            input_per_mtok: Some(2.0),
            output_per_mtok: Some(8.0),
            ..ModelPrice::default()
        };
        let t = TokenSums { uncached_input: 1_000_000, output: 500_000, ..TokenSums::default() };
        let batch = PriceClass { batch: true, long_context: false };
        let p = price(&plain, batch, &t);
        // 1M × $2 + 0.5M × $8, no discount.
        assert!((p.usd - 6.0).abs() < 1e-12);
        assert!(p.batch_without_discount);
        assert_eq!(p.notes().len(), 1);
        assert!(!price(&plain, PriceClass::default(), &t).batch_without_discount);
    }

    #[test]
    fn fees_images_and_video_seconds() {
        let flat = ModelPrice {
            per_task: Some(0.05),
            per_image: Some(0.04),
            per_video_second: Some(0.10),
            currency: Currency::Credits { usd_per_credit: 1.0 },
            ..ModelPrice::default()
        };
        let t = TokenSums { tasks: 2, images: 3, video_ms: 8_500, ..TokenSums::default() };
        // 2×0.05 + 3×0.04 + 8.5×0.10.
        let p = price(&flat, PriceClass::default(), &t);
        assert!((p.usd - 1.07).abs() < 1e-12);
        assert!(!p.unpriced_units);
        let by_size = ModelPrice { per_image: None, ..flat };
        assert!(price(&by_size, PriceClass::default(), &t).unpriced_units);
    }

    #[test]
    fn audio_pays_the_audio_prices_and_text_the_rest() {
        // A realtime turn: 1,000 text and 50,000 audio input tokens, of which
        // 40,000 audio and 500 text were read from the cache; 300 output
        // tokens, 200 of them audio.
        let tokens = crate::record::Tokens {
            input: Some(51_000),
            cache_read: Some(40_500),
            cache_read_audio: Some(40_000),
            input_audio: Some(50_000),
            output: Some(300),
            output_audio: Some(200),
            ..crate::record::Tokens::default()
        };
        let sums = TokenSums::of(&tokens, 1);
        assert_eq!(
            (sums.uncached_input, sums.cache_read, sums.audio_input, sums.audio_cache_read),
            (500, 500, 10_000, 40_000)
        );
        assert_eq!((sums.output, sums.audio_output), (100, 200));
        let realtime = resolve("openai/gpt-realtime-mini", "2026-11-01");
        // Text: 500 × 0.60 + 500 × 0.06 + 100 × 2.40; audio: 10,000 × 10 +
        // 40,000 × 0.30 + 200 × 20 (per 1M).
        let want = (500.0 * 0.60
            + 500.0 * 0.06
            + 100.0 * 2.40
            + 10_000.0 * 10.0
            + 40_000.0 * 0.30
            + 200.0 * 20.0)
            / 1e6;
        let got = price(&realtime, PriceClass::default(), &sums).usd;
        assert!((got - want).abs() < 1e-12, "{got} against {want}");
        // A model without audio prices bills audio as text.
        let text_only = ModelPrice {
            id: "test/text".into(),
            input_per_mtok: Some(1.0),
            output_per_mtok: Some(2.0),
            cache_read_per_mtok: Some(0.1),
            ..ModelPrice::default()
        };
        let want = (10_500.0 * 1.0 + 40_500.0 * 0.1 + 300.0 * 2.0) / 1e6;
        let got = price(&text_only, PriceClass::default(), &sums).usd;
        assert!((got - want).abs() < 1e-12, "{got} against {want}");
    }
}
