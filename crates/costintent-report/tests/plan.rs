//! The prepaid test plan's log checks name the usage fields of each
//! workload's own API, never call uncached input a cache write, and state
//! the model's own cache-write prices.

use costintent_report::provider::Api;
use costintent_report::{PlanCache, PlanKind, RequestUsage, WorkloadPlan};
use costintent_scenario::CacheWritePrice;
use costintent_sim::Unit;

/// A token workload with round per-request figures.
fn workload(name: &str, model: &str, kind: PlanKind, units: &[Unit]) -> WorkloadPlan {
    WorkloadPlan {
        name: name.to_owned(),
        model: model.to_owned(),
        kind,
        api: Api::of_model(model),
        cache: None,
        prices: Vec::new(),
        cost_per_request: 0.12,
        attempts_per_request: 1.02,
        lost_share: 0.0001,
        waste_share: 0.005,
        usage: RequestUsage {
            input_tokens: 1_200.0,
            output_tokens: 900.0,
            reasoning_tokens: if units.contains(&Unit::ReasoningTokens) { 600.0 } else { 0.0 },
            cache_read_tokens: if units.contains(&Unit::CacheReadTokens) { 80_000.0 } else { 0.0 },
            cache_write_tokens: if units.contains(&Unit::CacheWriteTokens) {
                20_000.0
            } else {
                0.0
            },
            ..RequestUsage::default()
        },
        billed_units: units.to_vec(),
    }
}

fn cache(tier: CacheWritePrice, five: Option<f64>, hour: Option<f64>) -> Option<PlanCache> {
    Some(PlanCache {
        ttl_seconds: if tier == CacheWritePrice::OneHour { 3_600.0 } else { 300.0 },
        tier,
        write_5m_per_mtok: five,
        write_1h_per_mtok: hour,
    })
}

const AGENT_UNITS: [Unit; 5] = [
    Unit::InputTokens,
    Unit::OutputTokens,
    Unit::ReasoningTokens,
    Unit::CacheReadTokens,
    Unit::CacheWriteTokens,
];

fn checks(w: &WorkloadPlan) -> String {
    let mut out = format!("{} ({}), billed per {}:\n", w.name, w.model, w.unit_labels().join(", "));
    for check in w.log_checks() {
        out.push_str(&format!("- {check}\n"));
    }
    out
}

#[test]
fn log_checks_name_each_apis_own_fields() {
    let mut anthropic_agent =
        workload("agent", "anthropic/claude-sonnet-4-6", PlanKind::Agent, &AGENT_UNITS);
    anthropic_agent.cache = cache(CacheWritePrice::FiveMinutes, Some(3.75), Some(6.0));
    anthropic_agent.usage.input_tokens = 0.0;
    let mut anthropic_hour =
        workload("hour", "anthropic/claude-sonnet-4-6", PlanKind::Agent, &AGENT_UNITS);
    anthropic_hour.cache = cache(CacheWritePrice::OneHour, Some(3.75), Some(6.0));
    let anthropic_plain = workload(
        "batch",
        "anthropic/claude-haiku-4-5",
        PlanKind::Requests,
        &[Unit::InputTokens, Unit::OutputTokens],
    );
    // OpenAI bills no cache writes for this model: the engine's "writes"
    // are prompt tokens billed as input, and must not be called writes.
    let mut openai_agent = workload("coder", "openai/gpt-5-mini", PlanKind::Agent, &AGENT_UNITS);
    openai_agent.cache = cache(CacheWritePrice::FiveMinutes, None, None);
    let openai_requests = workload(
        "chat",
        "openai/gpt-5-mini",
        PlanKind::Requests,
        &[Unit::InputTokens, Unit::OutputTokens, Unit::ReasoningTokens, Unit::CacheReadTokens],
    );
    let gemini = workload(
        "summaries",
        "google/gemini-2.5-flash",
        PlanKind::Requests,
        &[Unit::InputTokens, Unit::OutputTokens, Unit::ReasoningTokens, Unit::CacheReadTokens],
    );
    let mut openrouter =
        workload("routed", "openrouter/anthropic/claude-sonnet-4-6", PlanKind::Agent, &AGENT_UNITS);
    openrouter.cache = cache(CacheWritePrice::FiveMinutes, Some(3.75), Some(6.0));
    let mut voice = workload(
        "calls",
        "openai/gpt-realtime-mini",
        PlanKind::Realtime,
        &[Unit::AudioInputTokens, Unit::AudioCachedInputTokens, Unit::AudioOutputTokens],
    );
    voice.usage.audio_input_tokens = 4_000.0;
    voice.usage.audio_cached_tokens = 3_900.0;
    voice.usage.audio_output_tokens = 160.0;
    let text: String = [
        &anthropic_agent,
        &anthropic_hour,
        &anthropic_plain,
        &openai_agent,
        &openai_requests,
        &gemini,
        &openrouter,
        &voice,
    ]
    .into_iter()
    .map(checks)
    .collect::<Vec<_>>()
    .join("\n");
    insta::assert_snapshot!(text);
}

#[test]
fn caches_a_provider_does_not_bill_are_not_mentioned() {
    let mut openai_agent = workload("coder", "openai/gpt-5-mini", PlanKind::Agent, &AGENT_UNITS);
    openai_agent.cache = cache(CacheWritePrice::FiveMinutes, None, None);
    let text = checks(&openai_agent);
    for wrong in ["cache write", "cache_creation", "cache_write_tokens", "1-hour", "written"] {
        assert!(!text.contains(wrong), "{wrong:?} in {text}");
    }
    assert!(text.contains("input (cache miss)"), "{text}");
    // Anthropic's input_tokens excludes the cache; OpenAI's prompt count
    // includes it.
    assert!(text.contains("cached tokens included"), "{text}");
    let mut anthropic =
        workload("agent", "anthropic/claude-sonnet-4-6", PlanKind::Agent, &AGENT_UNITS);
    anthropic.cache = cache(CacheWritePrice::FiveMinutes, Some(3.75), Some(6.0));
    let text = checks(&anthropic);
    assert!(text.contains("the uncached input only"), "{text}");
    assert!(text.contains("thinking included"), "{text}");
    assert!(text.contains("$3.75 per 1M") && text.contains("$6.00 per 1M"), "{text}");
    assert!(!text.contains("2×"), "{text}");
}
