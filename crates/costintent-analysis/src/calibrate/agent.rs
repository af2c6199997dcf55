//! The agent's context rule recovered from consecutive requests of a
//! session.
//!
//! The engine's rule (README, "agent"): turn t sends the prompt
//! P_t = c + x_t, where c is the context (the previous prompt plus the
//! output kept from it; `context.start` before the first turn) and x_t the
//! new tokens (an `input` draw plus the tool output of the previous turn's
//! calls). A turn whose context would exceed the window is compacted:
//! P_t = `compact_to` + x_t. Logged prompts are the records' input tokens
//! (cache reads and writes included), so for successful turns in order:
//!
//! - the first turn gives P_1 = start + x_1, so `start` = mean(P_1) −
//!   mean(x) (standard error from both means);
//! - a later turn with P_t ≥ P_{t−1} + kept output_{t−1} grew the context by
//!   x_t: those differences are the sample of new tokens per turn;
//! - a turn whose prompt is smaller than that context was compacted, and
//!   `compact_to` = mean(P_t) − mean(x) over those turns;
//! - with a cache, a turn (not the first, not compacted, first attempt)
//!   that read nothing from the cache came after a gap of at least the TTL.
//!
//! A lost turn (no successful attempt) leaves the context as it was, so it
//! is skipped. The kept output is the logged output less reasoning, which
//! the engine does not keep in the context.

use costintent_scenario::{AgentSpec, Scenario};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use super::fit;
use super::{
    Fit, KeyFit, LogNormalFit, MeanFit, Missing, Per, RateFit, Request, kept_output, key_fit,
    lognormal_sigma,
};

/// Fits the agent's per-turn keys, its context and its cache gap.
pub(super) fn fit(
    _scenario: &Scenario,
    spec: &AgentSpec,
    sessions: &[Vec<&Request<'_>>],
) -> Vec<KeyFit> {
    let separate_reasoning = spec.reasoning.is_some();
    let records = sessions.iter().flatten().flat_map(|r| r.attempts.iter().copied());
    let (mut cache_known, mut tools_counted) = (false, false);
    for a in records {
        cache_known |= a.tokens.cache_read.is_some() || a.tokens.cache_write.is_some();
        tools_counted |= a.units.tool_calls.is_some();
    }

    let mut first_prompts = Vec::new();
    // Compacted turns: their prompt and the context before them.
    let mut compacted: Vec<(f64, f64)> = Vec::new();
    // New tokens per turn, with the tool calls of the turn before.
    let mut growth: Vec<(f64, f64)> = Vec::new();
    let mut outputs = Vec::new();
    let mut reasoning = Vec::new();
    let mut calls_per_turn = Vec::new();
    let mut expired = RateFit { k: 0, n: 0 };
    let mut gaps = Vec::new();
    let mut largest_prompt: f64 = 0.0;
    let dated = super::dated(&sessions.iter().flatten().copied().collect::<Vec<_>>());

    for session in sessions {
        let mut previous: Option<(f64, f64)> = None;
        let mut previous_calls = 0.0;
        for (t, request) in session.iter().enumerate() {
            if dated
                && t > 0
                && let (Some(now), Some(before)) = (request.start_ms, session[t - 1].start_ms)
            {
                gaps.push((now - before) as f64 / 1000.0);
            }
            let Some(a) = request.success() else { continue };
            let Some(prompt) = a.tokens.input.map(|p| p as f64) else { continue };
            largest_prompt = largest_prompt.max(prompt);
            outputs.extend(kept_output(a, separate_reasoning));
            if separate_reasoning {
                reasoning.extend(a.tokens.reasoning);
            }
            let calls = a.units.tool_calls.unwrap_or(0) as f64;
            if t + 1 < session.len() {
                calls_per_turn.push(calls);
            }
            match previous {
                None => first_prompts.push(prompt),
                Some((p, kept)) => {
                    let context = p + kept;
                    if prompt < context {
                        compacted.push((prompt, context));
                    } else {
                        growth.push((prompt - context, previous_calls));
                        if cache_known && a.attempt.unwrap_or(1) == 1 {
                            expired.n += 1;
                            expired.k += u64::from(a.tokens.cache_read.unwrap_or(0) == 0);
                        }
                    }
                }
            }
            let kept = kept_output(a, true).unwrap_or(0) as f64;
            previous = Some((prompt, kept));
            previous_calls = calls;
        }
    }

    let mut keys = Vec::new();
    // New tokens per turn: with tools, only turns after a turn without
    // tool calls are pure input.
    let input_sample: Vec<f64> = match (&spec.tools, tools_counted) {
        (Some(_), true) => growth.iter().filter(|(_, c)| *c == 0.0).map(|(g, _)| *g).collect(),
        (Some(_), false) => Vec::new(),
        (None, _) => growth.iter().map(|(g, _)| *g).collect(),
    };
    let input_fit = fit::lognormal(&input_sample);
    let all_growth: Vec<f64> = growth.iter().map(|(g, _)| *g).collect();
    let mean_growth = fit::mean_and_var_of_mean(&all_growth).map_or(0.0, |(m, _)| m);
    keys.push(key_fit(
        &["input"],
        match (&input_fit, &spec.tools, tools_counted) {
            (_, Some(_), false) => {
                Fit::NotInformed(Missing::ToolsNotCounted { mean_new_tokens: mean_growth })
            }
            (Some(f), _, _) => Fit::Tokens { per: Per::Turn, fit: f.clone() },
            (None, _, _) => Fit::NotInformed(Missing::TooFew),
        },
    ));
    keys.push(super::tokens(&["output"], Per::Turn, outputs.into_iter().map(Some)));
    if separate_reasoning {
        keys.push(super::tokens(&["reasoning"], Per::Turn, reasoning.into_iter().map(Some)));
    }
    if spec.tools.is_some() {
        keys.push(key_fit(
            &["tools", "calls"],
            match fit::counts(&calls_per_turn) {
                Some(fit) if tools_counted => Fit::Count { per: Per::Turn, fit },
                Some(_) | None if !tools_counted => Fit::NotInformed(Missing::NotFitted),
                _ => Fit::NotInformed(Missing::TooFew),
            },
        ));
        keys.push(key_fit(&["tools", "output"], Fit::NotInformed(Missing::NotFitted)));
    }

    // Levels: a mean prompt less the mean input.
    let input_mean = fit::mean_and_var_of_mean(&input_sample);
    let level = |prompts: &[f64]| -> Fit {
        match (fit::mean_and_var_of_mean(prompts), input_mean) {
            (Some((p, vp)), Some((x, vx))) => Fit::Level(MeanFit {
                n: prompts.len(),
                value: (p - x).max(0.0),
                se: (vp + vx).sqrt(),
            }),
            _ if spec.tools.is_some() && !tools_counted => {
                Fit::NotInformed(Missing::ToolsNotCounted { mean_new_tokens: mean_growth })
            }
            _ => Fit::NotInformed(Missing::TooFew),
        }
    };
    keys.push(key_fit(&["context", "start"], level(&first_prompts)));
    // The file's window: the logs cannot bound it from below, since a
    // huge input after a compaction can make a prompt larger than the
    // context before it, which reads as a turn without compaction.
    let window = spec.context.window;
    keys.push(key_fit(
        &["context", "compact_to"],
        match (&input_fit, compacted.len()) {
            (Some(input), n) if n >= 2 => compact_to(input, window, &compacted),
            _ => level(&[]),
        },
    ));
    keys.push(key_fit(
        &["context", "window"],
        Fit::Window { largest_prompt, compactions: compacted.len() },
    ));

    if let Some(cache) = &spec.cache {
        let gap = if let Some(f) = fit::lognormal(&gaps) {
            Fit::Gap(f)
        } else if !cache_known {
            Fit::NotInformed(if dated { Missing::NoCacheCounts } else { Missing::NoTimes })
        } else if expired.n < 2 {
            Fit::NotInformed(Missing::TooFew)
        } else if let Some(sigma) = lognormal_sigma(&cache.gap) {
            gap_from_expiry(expired, cache.ttl_seconds, sigma)
        } else {
            Fit::NotInformed(Missing::NoTimes)
        };
        keys.push(key_fit(&["cache", "gap"], gap));
    }
    keys
}

/// `compact_to` from compacted turns. A compacted prompt is `compact_to`
/// plus the turn's new tokens x, but x is not a typical draw: the turn was
/// compacted because the context c before it plus x exceeded the window, so
/// x is a draw of the input given x > window − c. Each turn's expected x
/// given that (from the fitted lognormal and the file's window) is subtracted:
/// E[X | X > a] = mean · (1 − Φ((ln a − μ − σ²)/σ)) / (1 − Φ((ln a − μ)/σ)).
fn compact_to(input: &LogNormalFit, window: f64, compacted: &[(f64, f64)]) -> Fit {
    let (mu, sigma) = (input.mu, input.sigma);
    // E[X^k | X > a] for a lognormal: exp(kμ + k²σ²/2) Φ̄((ln a − μ − kσ²)/σ) / Φ̄((ln a − μ)/σ).
    let conditional_moment = |a: f64, k: f64| -> f64 {
        let raw = (k * mu + k * k * sigma * sigma / 2.0).exp();
        if a <= 0.0 || sigma <= 0.0 {
            return raw;
        }
        let tail = 1.0 - fit::normal_cdf((a.ln() - mu) / sigma);
        if tail < 1e-12 {
            // Far in the tail the draw is a itself, nearly.
            return a.powf(k);
        }
        raw * (1.0 - fit::normal_cdf((a.ln() - mu - k * sigma * sigma) / sigma)) / tail
    };
    let mut levels = Vec::with_capacity(compacted.len());
    let mut model_variance = 0.0;
    for &(prompt, context) in compacted {
        let a = window - context;
        let mean = conditional_moment(a, 1.0);
        levels.push(prompt - mean);
        model_variance += (conditional_moment(a, 2.0) - mean * mean).max(0.0);
    }
    let n = levels.len() as f64;
    match fit::mean_and_var_of_mean(&levels) {
        // The standard error is the larger of the sample's and the fitted
        // law's: a handful of compactions from a skewed law understates
        // the spread.
        Some((value, var)) => Fit::Level(MeanFit {
            n: levels.len(),
            value: value.max(0.0),
            se: var.max(model_variance / (n * n)).sqrt(),
        }),
        None => Fit::NotInformed(Missing::TooFew),
    }
}

/// The gap's median such that P(gap ≥ ttl) is the expired share, for a
/// lognormal with spread `sigma`: ln ttl = ln median + σ z, z = Φ⁻¹(1 − p).
fn gap_from_expiry(expired: RateFit, ttl: f64, sigma: f64) -> Fit {
    let Ok(normal) = Normal::new(0.0, 1.0) else {
        return Fit::NotInformed(Missing::TooFew);
    };
    let p = expired.rate();
    let z = normal.inverse_cdf(1.0 - p);
    let median = ttl * (-sigma * z).exp();
    let se_median = median * sigma * expired.se() / normal.pdf(z);
    Fit::GapFromExpiry { expired, ttl, sigma, median, se_median }
}
