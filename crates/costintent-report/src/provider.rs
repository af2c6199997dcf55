//! Whose API a workload calls, and how that API's usage fields count
//! tokens, so that what the reports tell a reader to look for in their logs
//! names the fields they will see.
//!
//! The APIs disagree on what "input" means (see the log-format notes of the
//! logs crate): Anthropic's `usage.input_tokens` excludes cache reads and
//! writes, which are counted apart, while OpenAI, Gemini and OpenRouter
//! count cached tokens inside the prompt total; Anthropic's and OpenAI's
//! output counts include reasoning, Gemini's `candidatesTokenCount` does
//! not. Only caches the provider bills are mentioned: OpenAI and Gemini do
//! not report cache writes for most models, and a prompt not read from the
//! cache is then billed as plain input.

use costintent_scenario::{CacheWritePrice, ModelPrice, Workload, WorkloadKind};
use costintent_sim::Unit;

/// The API a workload's requests go through, as far as its usage fields go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// Anthropic's Messages API.
    Anthropic,
    /// OpenAI's Chat Completions, Responses and Realtime APIs.
    OpenAi,
    /// Google's Gemini API (`usageMetadata`).
    Gemini,
    /// OpenRouter, whatever model it routes to (OpenAI-style `usage`).
    OpenRouter,
    /// Any other provider: no field names are assumed.
    Other,
}

impl Api {
    /// The API of a catalog model id: the provider before the first `/`
    /// (`openrouter/anthropic/…` goes through OpenRouter).
    pub fn of_model(id: &str) -> Self {
        match id.split('/').next() {
            Some("anthropic") => Self::Anthropic,
            Some("openai") => Self::OpenAi,
            Some("google") => Self::Gemini,
            Some("openrouter") => Self::OpenRouter,
            _ => Self::Other,
        }
    }
}

/// Whether a workload's cache writes are billed as cache writes: an agent
/// whose cache TTL has a write price. Without one the engine bills a prompt
/// that was not read from the cache at the input price, and calling those
/// tokens "cache writes" would be wrong.
pub fn bills_cache_writes(workload: &Workload) -> bool {
    match &workload.kind {
        WorkloadKind::Agent(agent) => agent
            .cache
            .as_ref()
            .is_some_and(|cache| write_price(&workload.price, cache.write_price).is_some()),
        _ => false,
    }
}

/// The model's cache-write price per 1M tokens for a TTL tier.
pub fn write_price(price: &ModelPrice, tier: CacheWritePrice) -> Option<f64> {
    match tier {
        CacheWritePrice::FiveMinutes => price.cache_write_5m_per_mtok,
        CacheWritePrice::OneHour => price.cache_write_1h_per_mtok,
    }
}

/// A billing unit in words for a workload: the engine's cache-write
/// quantity is `input (cache miss)` when the model bills no cache writes.
pub fn unit_label(unit: Unit, cache_writes_billed: bool) -> &'static str {
    match unit {
        Unit::CacheWriteTokens if !cache_writes_billed => "input (cache miss)",
        _ => unit.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_is_the_provider_of_the_id() {
        assert_eq!(Api::of_model("anthropic/claude-sonnet-4-6"), Api::Anthropic);
        assert_eq!(Api::of_model("openai/gpt-5-mini"), Api::OpenAi);
        assert_eq!(Api::of_model("google/gemini-2.5-flash"), Api::Gemini);
        assert_eq!(Api::of_model("openrouter/anthropic/claude-sonnet-4-6"), Api::OpenRouter);
        assert_eq!(Api::of_model("runway/gen4_turbo"), Api::Other);
    }

    #[test]
    fn uncached_input_is_never_called_a_cache_write() {
        assert_eq!(unit_label(Unit::CacheWriteTokens, true), "cache write");
        assert_eq!(unit_label(Unit::CacheWriteTokens, false), "input (cache miss)");
        assert_eq!(unit_label(Unit::CacheReadTokens, false), "cache read");
    }
}
