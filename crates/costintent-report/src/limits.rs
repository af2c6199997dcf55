//! `costintent limits`: the spend limits to set at the provider, from the
//! forecast: per workload and per API key or workspace the scenario names
//! (`api_key`), a daily limit that a normal day passes with the stated
//! probability and a monthly one that a normal month passes with it, and
//! where each provider sets them.
//!
//! The analysis layer simulates the days and the period and fills in
//! [`LimitInputs`]; [`Limits::build`] takes the quantiles (`stats.rs`).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::format::{percent, usd};
use crate::json::money;
use crate::stats::SortedSample;

/// The schema id of `limits --format json`.
pub const LIMITS_SCHEMA: &str = "costintent.limits/v1";

/// Where a provider sets spend limits, as its own documentation says
/// (read 2026-11-29).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProviderLimits {
    /// The provider (`anthropic`, `openai`, `openrouter`).
    pub provider: &'static str,
    /// Where the limit is set and what it caps.
    pub where_set: &'static str,
    /// Whether the provider can enforce a daily limit itself.
    pub daily: bool,
    /// The page that says so.
    pub source: &'static str,
}

/// What the providers offer.
pub const PROVIDERS: [ProviderLimits; 3] = [
    ProviderLimits {
        provider: "anthropic",
        where_set: "Claude Console, Settings > Workspaces > (workspace) > Limits: a monthly workspace spend limit (below the organization's) and spend notifications; no daily cap",
        daily: false,
        source: "https://support.claude.com/en/articles/9796807-creating-and-managing-workspaces-in-the-claude-console",
    },
    ProviderLimits {
        provider: "openai",
        where_set: "a monthly hard spend limit per project (requests then fail with 429 project_spend_limit_exceeded; enforcement is not instantaneous) and spend alerts, in the dashboard or the Admin API (/organization/projects/{id}/spend_limit); no daily cap",
        daily: false,
        source: "https://developers.openai.com/api/docs/guides/spend-limits",
    },
    ProviderLimits {
        provider: "openrouter",
        where_set: "a credit limit per API key with limit_reset daily, weekly or monthly (midnight UTC); workspace budgets (Enterprise) take daily, weekly, monthly and lifetime limits at once",
        daily: true,
        source: "https://openrouter.ai/docs/api-reference/limits",
    },
];

/// What one key, workspace or workload spends.
#[derive(Clone, Debug)]
pub struct LimitGroup {
    /// The scenario's `api_key` name, or the workload's name when it has none.
    pub name: String,
    /// Whether `name` is an `api_key` (else a workload).
    pub is_key: bool,
    /// The workloads in it.
    pub workloads: Vec<String>,
    /// Their providers (the catalog id's first part), without repeats.
    pub providers: Vec<String>,
    /// Spend of one day (the busiest day of a ramp or growth), per trial.
    pub daily: Vec<f64>,
    /// Spend of a 30-day month, per trial.
    pub monthly: Vec<f64>,
}

/// Everything `limits` needs, before statistics.
#[derive(Clone, Debug)]
pub struct LimitInputs {
    /// The scenario's name.
    pub scenario: String,
    /// The probability a normal day or month passes (0.99: the p99).
    pub probability: f64,
    /// Per workload, then per `api_key`.
    pub groups: Vec<LimitGroup>,
    /// Caveats, as sentences.
    pub notes: Vec<String>,
}

/// The limits of one group.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitRow {
    /// The name (key or workload).
    pub name: String,
    /// Whether it is an `api_key`.
    pub is_key: bool,
    /// Its workloads.
    pub workloads: Vec<String>,
    /// Its providers.
    pub providers: Vec<String>,
    /// Median daily spend.
    pub daily_p50: f64,
    /// The daily limit: the quantile of daily spend, rounded up to a cent.
    pub daily_limit: f64,
    /// Median monthly spend.
    pub monthly_p50: f64,
    /// The monthly limit.
    pub monthly_limit: f64,
}

/// The result of `limits`.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The scenario's name.
    pub scenario: String,
    /// The probability a normal day or month passes.
    pub probability: f64,
    /// One row per workload, then per key.
    pub rows: Vec<LimitRow>,
    /// Trials behind each quantile.
    pub trials: usize,
    /// Caveats.
    pub notes: Vec<String>,
}

fn round_up_cents(x: f64) -> f64 {
    (x * 100.0).ceil() / 100.0
}

impl Limits {
    /// Takes the quantiles of `inputs`.
    pub fn build(inputs: LimitInputs) -> Self {
        let p = inputs.probability;
        let mut trials = 0;
        let rows = inputs
            .groups
            .into_iter()
            .map(|g| {
                let daily = SortedSample::new(g.daily);
                let monthly = SortedSample::new(g.monthly);
                trials = trials.max(daily.len());
                LimitRow {
                    daily_p50: daily.quantile(0.5).unwrap_or(0.0),
                    daily_limit: round_up_cents(daily.quantile(p).unwrap_or(0.0)),
                    monthly_p50: monthly.quantile(0.5).unwrap_or(0.0),
                    monthly_limit: round_up_cents(monthly.quantile(p).unwrap_or(0.0)),
                    name: g.name,
                    is_key: g.is_key,
                    workloads: g.workloads,
                    providers: g.providers,
                }
            })
            .collect();
        Self { scenario: inputs.scenario, probability: p, rows, trials, notes: inputs.notes }
    }

    /// The `costintent.limits/v1` JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "schema": LIMITS_SCHEMA,
            "scenario": self.scenario,
            "probability": self.probability,
            "trials": self.trials,
            "limits": self.rows.iter().map(|r| json!({
                "name": r.name,
                "scope": if r.is_key { "api_key" } else { "workload" },
                "workloads": r.workloads,
                "providers": r.providers,
                "daily_p50": money(r.daily_p50),
                "daily_limit": money(r.daily_limit),
                "monthly_p50": money(r.monthly_p50),
                "monthly_limit": money(r.monthly_limit),
            })).collect::<Vec<_>>(),
            "providers": PROVIDERS.iter()
                .filter(|p| self.rows.iter().any(|r| r.providers.iter().any(|x| x == p.provider)))
                .map(|p| json!({
                    "provider": p.provider,
                    "where": p.where_set,
                    "daily_limit_at_provider": p.daily,
                    "source": p.source,
                })).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }

    /// The terminal text.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Spend limits: {} (a normal day and a normal month pass with probability {}; {} trials)",
            self.scenario,
            percent(self.probability),
            self.trials
        );
        let _ = writeln!(
            out,
            "\n  {:<28} {:>12} {:>12} {:>14} {:>14}",
            "workload or key", "day p50", "daily limit", "month p50", "monthly limit"
        );
        for r in &self.rows {
            let name = if r.is_key { format!("key {}", r.name) } else { r.name.clone() };
            let _ = writeln!(
                out,
                "  {:<28} {:>12} {:>12} {:>14} {:>14}",
                name,
                usd(r.daily_p50),
                usd(r.daily_limit),
                usd(r.monthly_p50),
                usd(r.monthly_limit)
            );
        }
        let _ = writeln!(
            out,
            "\nA runaway loop is stopped within a day only by a daily limit: where the provider has none, gate the daily figure in your client or alert on it."
        );
        for p in PROVIDERS {
            if self.rows.iter().any(|r| r.providers.iter().any(|x| x == p.provider)) {
                let _ = writeln!(out, "  {}: {} ({})", p.provider, p.where_set, p.source);
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }
}
