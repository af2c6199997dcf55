//! Prices as the engine uses them: USD per unit (per token, per image, per
//! second, per fee), in two tiers, with the model's currency folded in.
//!
//! Tier 0 is the base price list; tier 1 is the long-context list that a
//! request whose prompt exceeds `long_context.above` pays for *every* token
//! (the whole-request rule). Without a long-context rule both tiers are the
//! same and the threshold is infinite. A tier cache price that the catalog
//! does not give is the base cache price scaled by tier input / base input;
//! a tier reasoning price, the base reasoning price scaled by tier output /
//! base output. Missing cache prices fall back to the input price.
//!
//! Currency: a model priced in credits is converted at the wallet's
//! `credit_usd` when the workload pays through a wallet, else at the
//! provider's list price per credit. Image and video prices in the scenario
//! (`usd_per_image`, `usd_per_second`) are already USD at the list price of a
//! credit, so through a wallet they are rescaled by `credit_usd /
//! usd_per_credit`. Poll costs are USD as written.

use costintent_scenario::{CacheWritePrice, Currency, ModelPrice, Wallet};

use crate::outcome::Unit;

/// Number of billing units ([`Unit::ALL`]).
pub(crate) const N_UNITS: usize = Unit::ALL.len();

/// Index of a unit in per-unit arrays.
pub(crate) const fn idx(unit: Unit) -> usize {
    unit as usize
}

/// USD per unit, `[tier][unit]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PriceTable {
    pub(crate) usd: [[f64; N_UNITS]; 2],
    /// Prompt tokens above which a request pays tier 1 (∞ without a rule).
    pub(crate) above: f64,
    /// Prompt tokens above which the provider rejects a request: it fails
    /// unbilled and is lost (∞ without a rule; −∞ when every request is
    /// rejected, the model being retired with no successor).
    pub(crate) reject: f64,
}

/// How a model's amounts convert to USD for one workload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Conversion {
    /// Multiplier for amounts in the model's currency (token prices, fees).
    pub(crate) model: f64,
    /// Multiplier for the scenario's `usd_per_image` / `usd_per_second`.
    pub(crate) listed_usd: f64,
}

impl Conversion {
    /// The conversion for a model paid directly or through `wallet`.
    pub(crate) fn new(price: &ModelPrice, wallet: Option<&Wallet>) -> Self {
        match (price.currency, wallet) {
            (Currency::Usd, _) => Self { model: 1.0, listed_usd: 1.0 },
            (Currency::Credits { usd_per_credit }, None) => {
                Self { model: usd_per_credit, listed_usd: 1.0 }
            }
            (Currency::Credits { usd_per_credit }, Some(w)) => {
                let listed = if usd_per_credit > 0.0 { w.credit_usd / usd_per_credit } else { 1.0 };
                Self { model: w.credit_usd, listed_usd: listed }
            }
        }
    }
}

/// Options that change the token price list.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenOptions {
    /// Which cache-write price applies.
    pub(crate) cache_write: CacheWritePrice,
    /// Batch mode: input, output, reasoning and cache prices × (1 − discount).
    pub(crate) batch: bool,
}

impl Default for PriceTable {
    /// Nothing priced, no tier and no rejection.
    fn default() -> Self {
        Self { usd: [[0.0; N_UNITS]; 2], above: f64::INFINITY, reject: f64::INFINITY }
    }
}

impl PriceTable {
    /// Token prices (both tiers) and the per-request and per-task fees.
    pub(crate) fn tokens(price: &ModelPrice, conv: Conversion, opts: TokenOptions) -> Self {
        let per_token = conv.model / 1e6;
        let input = price.input_per_mtok.unwrap_or(0.0);
        let output = price.output_per_mtok.unwrap_or(0.0);
        let read = price.cache_read_per_mtok.unwrap_or(input);
        let write = match opts.cache_write {
            CacheWritePrice::FiveMinutes => price.cache_write_5m_per_mtok,
            CacheWritePrice::OneHour => price.cache_write_1h_per_mtok,
        }
        .unwrap_or(input);
        let reasoning = price.reasoning_per_mtok.unwrap_or(output);
        let discount = if opts.batch { 1.0 - price.batch_discount.unwrap_or(0.0) } else { 1.0 };

        let mut table = Self {
            usd: [[0.0; N_UNITS]; 2],
            above: f64::INFINITY,
            reject: price.reject_above.unwrap_or(f64::INFINITY),
        };
        let base = [input, output, reasoning, read, write];
        let tier = match &price.long_context {
            Some(lc) => {
                table.above = lc.above;
                let in_ratio = if input > 0.0 { lc.input_per_mtok / input } else { 1.0 };
                let out_ratio = if output > 0.0 { lc.output_per_mtok / output } else { 1.0 };
                let tier_write = match opts.cache_write {
                    CacheWritePrice::FiveMinutes => lc.cache_write_5m_per_mtok,
                    CacheWritePrice::OneHour => lc.cache_write_1h_per_mtok,
                };
                [
                    lc.input_per_mtok,
                    lc.output_per_mtok,
                    reasoning * out_ratio,
                    lc.cache_read_per_mtok.unwrap_or(read * in_ratio),
                    tier_write.unwrap_or(write * in_ratio),
                ]
            }
            None => base,
        };
        let units = [
            Unit::InputTokens,
            Unit::OutputTokens,
            Unit::ReasoningTokens,
            Unit::CacheReadTokens,
            Unit::CacheWriteTokens,
        ];
        for (t, list) in [base, tier].iter().enumerate() {
            for (unit, amount) in units.iter().zip(list) {
                table.usd[t][idx(*unit)] = amount * discount * per_token;
            }
        }
        table.set_flat(Unit::Requests, price.per_request.unwrap_or(0.0) * conv.model);
        table.set_flat(Unit::Tasks, price.per_task.unwrap_or(0.0) * conv.model);
        table
    }

    /// Sets a price that has no long-context tier.
    pub(crate) fn set_flat(&mut self, unit: Unit, usd: f64) {
        self.usd[0][idx(unit)] = usd;
        self.usd[1][idx(unit)] = usd;
    }

    /// Whether the provider rejects a request with this many prompt tokens.
    #[inline]
    pub(crate) fn rejects(&self, prompt_tokens: f64) -> bool {
        prompt_tokens > self.reject
    }

    /// The tier a request with this many prompt tokens pays.
    #[inline]
    pub(crate) fn tier(&self, prompt_tokens: f64) -> usize {
        usize::from(prompt_tokens > self.above)
    }
}

/// The fee units a model charges, in display order.
pub(crate) fn fee_units(price: &ModelPrice) -> impl Iterator<Item = Unit> {
    let request = price.per_request.is_some().then_some(Unit::Requests);
    let task = price.per_task.is_some().then_some(Unit::Tasks);
    request.into_iter().chain(task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use costintent_scenario::LongContext;

    fn sonnet() -> ModelPrice {
        ModelPrice {
            id: "test/sonnet".into(),
            input_per_mtok: Some(3.0),
            output_per_mtok: Some(15.0),
            cache_read_per_mtok: Some(0.3),
            cache_write_5m_per_mtok: Some(3.75),
            cache_write_1h_per_mtok: Some(6.0),
            long_context: Some(LongContext {
                above: 200_000.0,
                input_per_mtok: 6.0,
                output_per_mtok: 22.5,
                cache_read_per_mtok: None,
                cache_write_5m_per_mtok: None,
                cache_write_1h_per_mtok: Some(12.0),
            }),
            ..ModelPrice::default()
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15 * b.abs()
    }

    #[test]
    fn tiers_scale_missing_cache_prices() {
        let conv = Conversion { model: 1.0, listed_usd: 1.0 };
        let opts = TokenOptions { cache_write: CacheWritePrice::FiveMinutes, batch: false };
        let t = PriceTable::tokens(&sonnet(), conv, opts);
        assert!(close(t.usd[0][idx(Unit::InputTokens)], 3e-6));
        assert!(close(t.usd[1][idx(Unit::InputTokens)], 6e-6));
        assert!(close(t.usd[1][idx(Unit::CacheReadTokens)], 0.6e-6));
        assert!(close(t.usd[1][idx(Unit::CacheWriteTokens)], 7.5e-6));
        assert!(close(t.usd[1][idx(Unit::ReasoningTokens)], 22.5e-6));
        assert_eq!(t.tier(200_000.0), 0);
        assert_eq!(t.tier(200_001.0), 1);
        let one_hour = TokenOptions { cache_write: CacheWritePrice::OneHour, batch: false };
        let t = PriceTable::tokens(&sonnet(), conv, one_hour);
        assert!(close(t.usd[0][idx(Unit::CacheWriteTokens)], 6e-6));
        assert!(close(t.usd[1][idx(Unit::CacheWriteTokens)], 12e-6));
    }

    #[test]
    fn batch_and_credits_scale_every_token_price() {
        let mut p = sonnet();
        p.batch_discount = Some(0.5);
        p.long_context = None;
        p.currency = Currency::Credits { usd_per_credit: 0.01 };
        let wallet = Wallet {
            name: "w".into(),
            credit_usd: 0.02,
            fee_percent: 0.0,
            fee_min: 0.0,
            topup: 10.0,
            usage_fee_percent: 0.0,
            usage_fee_free_requests_per_month: 0.0,
        };
        let conv = Conversion::new(&p, Some(&wallet));
        assert_eq!(conv, Conversion { model: 0.02, listed_usd: 2.0 });
        let opts = TokenOptions { cache_write: CacheWritePrice::FiveMinutes, batch: true };
        let t = PriceTable::tokens(&p, conv, opts);
        // 3 credits per 1M tokens × 0.5 × $0.02 per credit.
        assert!(close(t.usd[0][idx(Unit::InputTokens)], 3.0 * 0.5 * 0.02 / 1e6));
        assert_eq!(t.usd[0], t.usd[1]);
        assert_eq!(t.above, f64::INFINITY);
        let direct = Conversion::new(&p, None);
        assert_eq!(direct, Conversion { model: 0.01, listed_usd: 1.0 });
    }
}
