//! `costintent reconcile`: where the actual spend of a period falls in the
//! forecast, the gap to the forecast explained by assumption, the logs'
//! billed amounts against the catalog, and, mid-period (`--as-of`), the
//! updated forecast of the period's end.
//!
//! The analysis layer reads the logs and runs the simulations and fills in
//! [`ReconcileInputs`]; [`Reconciliation::build`] computes the statistics
//! (one quantile definition, `stats.rs`) and the renderers format them.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::format::{percent, plain_number, usd};
use crate::json::money;
use crate::stats::{SortedSample, sorted_percentile_of, sorted_share_above};

/// The schema id of `reconcile --format json`.
pub const RECONCILE_SCHEMA: &str = "costintent.reconcile/v1";

/// What explains part of the gap between the actual spend and the
/// forecast's mean, in the order the gap is explained (each step changes
/// one assumption from the forecast's value to the logs', the earlier ones
/// already changed; see the analysis layer's `reconcile` documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// More or fewer requests (agent turns, image requests, jobs) than the
    /// forecast's mean.
    Volume,
    /// More or fewer attempts per request: failures and their retries.
    FailureRate,
    /// More or fewer tokens (and images, seconds, fees) per attempt, with
    /// the forecast's shares of cache reads and writes in the input.
    TokensPerRequest,
    /// Another share of the input read from or written to the cache.
    CacheShare,
    /// The catalog's prices on the logged days differ from what the
    /// forecast paid (a price change it did not know of, a batch share).
    Prices,
    /// Billed amounts in the logs differ from the catalog price of the same
    /// tokens.
    Billing,
    /// Records of no workload of the scenario (another model, another
    /// workload name).
    Unmatched,
    /// Rows of a billing export: an amount without per-request detail.
    ExportRows,
    /// Wallet fees the forecast includes and the logs do not show.
    WalletFees,
}

impl Cause {
    /// Every cause, in the order the gap is explained.
    pub const ALL: [Cause; 9] = [
        Cause::Volume,
        Cause::FailureRate,
        Cause::TokensPerRequest,
        Cause::CacheShare,
        Cause::Prices,
        Cause::Billing,
        Cause::Unmatched,
        Cause::ExportRows,
        Cause::WalletFees,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Self::Volume => "volume",
            Self::FailureRate => "failure_rate",
            Self::TokensPerRequest => "tokens_per_request",
            Self::CacheShare => "cache_share",
            Self::Prices => "price_changes",
            Self::Billing => "billed_vs_catalog",
            Self::Unmatched => "unmatched_records",
            Self::ExportRows => "billing_export_rows",
            Self::WalletFees => "wallet_fees",
        }
    }

    /// A label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Volume => "volume (requests)",
            Self::FailureRate => "failure rate (attempts per request)",
            Self::TokensPerRequest => "tokens per request",
            Self::CacheShare => "cache share of the input",
            Self::Prices => "price changes",
            Self::Billing => "billed vs catalog price",
            Self::Unmatched => "records of no workload",
            Self::ExportRows => "billing export rows (not itemized)",
            Self::WalletFees => "wallet fees (not in the logs)",
        }
    }
}

/// One workload's part of the gap.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadGap {
    /// The workload's name.
    pub name: String,
    /// The forecast's mean spend.
    pub expected_usd: f64,
    /// The spend its records show.
    pub actual_usd: f64,
    /// The forecast's mean requests.
    pub expected_requests: f64,
    /// Requests in its records.
    pub actual_requests: f64,
    /// The gap by cause (causes that do not apply to a workload are 0).
    pub by_cause: Vec<(Cause, f64)>,
}

/// A record whose billed amount differs from the catalog price of its
/// tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceMismatch {
    /// The record's id (request id, else record id).
    pub record: String,
    /// The model as logged.
    pub model: String,
    /// The UTC day it was priced at.
    pub day: String,
    /// USD billed, as logged.
    pub billed_usd: f64,
    /// USD at the catalog's prices of that day.
    pub catalog_usd: f64,
}

/// Billed amounts against the catalog, request by request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PriceCheck {
    /// Records with both a billed amount and a catalog price.
    pub compared: u64,
    /// Their billed USD.
    pub billed_usd: f64,
    /// Their USD at catalog prices.
    pub catalog_usd: f64,
    /// How many differ by more than half a micro-dollar.
    pub mismatched: u64,
    /// The largest differences, largest first (at most five).
    pub largest: Vec<PriceMismatch>,
}

/// How the logs' records were used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordCounts {
    /// Attempt records read.
    pub attempts: u64,
    /// Of them, dated inside the window reconciled.
    pub in_window: u64,
    /// Dated before the period's start (left out).
    pub before: u64,
    /// Dated after the window's end (left out).
    pub after: u64,
    /// Without a date (counted in the window).
    pub undated: u64,
    /// In the window and matched to no workload.
    pub unmatched: u64,
    /// In the window with neither a billed amount nor a catalog price
    /// (counted at $0, so the actual spend is a lower bound).
    pub unpriced: u64,
    /// Billing-export rows in the window.
    pub export_rows: u64,
}

/// Mid-period: the conditioned forecast of the period's end.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlyWarning {
    /// The last day the logs count (inclusive), `YYYY-MM-DD`.
    pub as_of: String,
    /// Days of the period elapsed through `as_of`.
    pub elapsed_days: f64,
    /// Days left.
    pub remaining_days: f64,
    /// Spend in the logs so far.
    pub spend_so_far: f64,
    /// Per workload: the factor on its volume and on its cost per request
    /// that the logs so far imply, against the forecast.
    pub workloads: Vec<(String, f64, f64)>,
    /// Projected spend of the whole period, one per trial (spend so far
    /// plus a simulation of the rest).
    pub projected: Vec<f64>,
}

/// Everything `reconcile` reports, before statistics.
#[derive(Clone, Debug)]
pub struct ReconcileInputs {
    /// The scenario's name.
    pub scenario: String,
    /// The period as written (`30d`, `2026-12`).
    pub period: String,
    /// The first day of the period (`YYYY-MM-DD`).
    pub from: String,
    /// The day after the period's last (`YYYY-MM-DD`).
    pub to: String,
    /// The budget, from `--budget` or the scenario.
    pub budget: Option<f64>,
    /// The spend the logs show in the window.
    pub actual_usd: f64,
    /// The forecast's mean spend over the window (the whole period's mean,
    /// or mid-period the mean of the part elapsed): the gap's reference.
    pub expected_usd: f64,
    /// The forecast's total spend, one value per trial.
    pub forecast: Vec<f64>,
    /// The gap by workload.
    pub workloads: Vec<WorkloadGap>,
    /// Gap lines that belong to no workload.
    pub other: Vec<(Cause, f64)>,
    /// Billed against catalog.
    pub price_check: PriceCheck,
    /// How records were used.
    pub records: RecordCounts,
    /// Mid-period: the conditioned forecast.
    pub early_warning: Option<EarlyWarning>,
    /// Caveats, as sentences.
    pub notes: Vec<String>,
}

/// A distribution of spend, summarized.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Quantiles (type 1).
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
}

impl Spread {
    fn of(sorted: &SortedSample) -> Self {
        let q = |p| sorted.quantile(p).unwrap_or(0.0);
        Self {
            mean: crate::stats::mean(sorted.values()),
            p25: q(0.25),
            p50: q(0.5),
            p75: q(0.75),
            p90: q(0.9),
            p99: q(0.99),
        }
    }

    fn to_json(self) -> Value {
        json!({
            "mean": money(self.mean),
            "p25": money(self.p25),
            "p50": money(self.p50),
            "p75": money(self.p75),
            "p90": money(self.p90),
            "p99": money(self.p99),
        })
    }
}

/// The mid-period forecast, summarized.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// What the analysis gave.
    pub warning: EarlyWarning,
    /// The projected end-of-period spend.
    pub spread: Spread,
    /// P(projected spend > budget), when a budget is known.
    pub p_exceed_budget: Option<f64>,
    /// Where the projected median falls in the original forecast (0–100).
    pub percentile_in_forecast: f64,
}

/// The result of `reconcile`.
#[derive(Clone, Debug)]
pub struct Reconciliation {
    /// What the analysis gave.
    pub inputs: ReconcileInputs,
    /// Trials of the forecast.
    pub trials: usize,
    /// The forecast of the whole period.
    pub forecast: Spread,
    /// Where the actual spend falls in the forecast, 0–100. Mid-period,
    /// where the projected median falls.
    pub percentile: f64,
    /// P(spend > budget): the forecast's after the period, the projection's
    /// mid-period.
    pub p_exceed_budget: Option<f64>,
    /// The gap to the forecast's mean, by cause, over every workload.
    pub gap: Vec<(Cause, f64)>,
    /// Mid-period: the projection.
    pub projection: Option<Projection>,
}

impl Reconciliation {
    /// Computes the statistics of `inputs`.
    pub fn build(inputs: ReconcileInputs) -> Self {
        let sorted = SortedSample::from_slice(&inputs.forecast);
        let forecast = Spread::of(&sorted);
        let mut gap: Vec<(Cause, f64)> = Cause::ALL.iter().map(|c| (*c, 0.0)).collect();
        for (cause, usd) in
            inputs.workloads.iter().flat_map(|w| w.by_cause.iter()).chain(&inputs.other)
        {
            if let Some(slot) = gap.iter_mut().find(|(c, _)| c == cause) {
                slot.1 += usd;
            }
        }
        let projection = inputs.early_warning.as_ref().map(|warning| {
            let projected = SortedSample::from_slice(&warning.projected);
            let spread = Spread::of(&projected);
            Projection {
                warning: warning.clone(),
                spread,
                p_exceed_budget: inputs.budget.map(|b| sorted_share_above(projected.values(), b)),
                percentile_in_forecast: sorted_percentile_of(sorted.values(), spread.p50),
            }
        });
        let (percentile, p_exceed_budget) = match &projection {
            Some(p) => (p.percentile_in_forecast, p.p_exceed_budget),
            None => (
                sorted_percentile_of(sorted.values(), inputs.actual_usd),
                inputs.budget.map(|b| sorted_share_above(sorted.values(), b)),
            ),
        };
        Self {
            trials: sorted.len(),
            forecast,
            percentile,
            p_exceed_budget,
            gap,
            projection,
            inputs,
        }
    }

    /// The gap between the actual spend and the forecast's mean over the
    /// window (the sum of the gap's lines, up to rounding).
    pub fn total_gap(&self) -> f64 {
        self.inputs.actual_usd - self.inputs.expected_usd
    }

    /// Whether the budget is exceeded: after the period, by the actual
    /// spend; mid-period, with a probability above `max_risk`.
    pub fn over_budget(&self, max_risk: f64) -> Option<bool> {
        let budget = self.inputs.budget?;
        Some(match &self.projection {
            Some(p) => p.p_exceed_budget.unwrap_or(0.0) > max_risk,
            None => self.inputs.actual_usd > budget,
        })
    }

    /// The `costintent.reconcile/v1` JSON.
    pub fn to_json(&self) -> Value {
        let i = &self.inputs;
        let by_cause = |lines: &[(Cause, f64)]| {
            let mut map = serde_json::Map::new();
            for (cause, usd) in lines {
                map.insert(cause.key().to_owned(), money(*usd));
            }
            Value::Object(map)
        };
        let projection = self.projection.as_ref().map(|p| {
            json!({
                "as_of": p.warning.as_of,
                "elapsed_days": p.warning.elapsed_days,
                "remaining_days": p.warning.remaining_days,
                "spend_so_far": money(p.warning.spend_so_far),
                "projected": p.spread.to_json(),
                "p_exceed_budget": p.p_exceed_budget,
                "workloads": p.warning.workloads.iter().map(|(name, volume, cost)| json!({
                    "name": name,
                    "volume_factor": volume,
                    "cost_per_request_factor": cost,
                })).collect::<Vec<_>>(),
            })
        });
        json!({
            "schema": RECONCILE_SCHEMA,
            "scenario": i.scenario,
            "period": i.period,
            "from": i.from,
            "to": i.to,
            "trials": self.trials,
            "actual_usd": money(i.actual_usd),
            "percentile": (self.percentile * 100.0).round() / 100.0,
            "budget": i.budget.map(money),
            "p_exceed_budget": self.p_exceed_budget,
            "forecast": self.forecast.to_json(),
            "gap": {
                "expected_usd": money(i.expected_usd),
                "total": money(self.total_gap()),
                "by_cause": by_cause(&self.gap),
                "workloads": i.workloads.iter().map(|w| json!({
                    "name": w.name,
                    "expected_usd": money(w.expected_usd),
                    "actual_usd": money(w.actual_usd),
                    "expected_requests": (w.expected_requests * 100.0).round() / 100.0,
                    "actual_requests": w.actual_requests,
                    "by_cause": by_cause(&w.by_cause),
                })).collect::<Vec<_>>(),
            },
            "billed_vs_catalog": {
                "compared": i.price_check.compared,
                "billed_usd": money(i.price_check.billed_usd),
                "catalog_usd": money(i.price_check.catalog_usd),
                "mismatched": i.price_check.mismatched,
                "largest": i.price_check.largest.iter().map(|m| json!({
                    "record": m.record,
                    "model": m.model,
                    "day": m.day,
                    "billed_usd": money(m.billed_usd),
                    "catalog_usd": money(m.catalog_usd),
                })).collect::<Vec<_>>(),
            },
            "records": {
                "attempts": i.records.attempts,
                "in_window": i.records.in_window,
                "before_period": i.records.before,
                "after_window": i.records.after,
                "undated": i.records.undated,
                "unmatched": i.records.unmatched,
                "unpriced": i.records.unpriced,
                "export_rows": i.records.export_rows,
            },
            "as_of": projection,
            "notes": i.notes,
        })
    }

    /// The terminal text.
    pub fn render_text(&self) -> String {
        let i = &self.inputs;
        let f = &self.forecast;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Reconciliation: {} (period {}, from {} to {}, exclusive)",
            i.scenario, i.period, i.from, i.to
        );
        let r = &i.records;
        let _ = writeln!(
            out,
            "Records: {} attempts read, {} in the window ({} before the period, {} after, {} undated, {} of no workload, {} unpriced); {} billing export rows",
            n(r.attempts),
            n(r.in_window),
            n(r.before),
            n(r.after),
            n(r.undated),
            n(r.unmatched),
            n(r.unpriced),
            n(r.export_rows)
        );
        let _ = writeln!(
            out,
            "Forecast of the period ({} trials): mean {}, p25 {}, p50 {}, p75 {}, p90 {}, p99 {}",
            self.trials,
            usd(f.mean),
            usd(f.p25),
            usd(f.p50),
            usd(f.p75),
            usd(f.p90),
            usd(f.p99)
        );
        match &self.projection {
            None => {
                let _ = writeln!(
                    out,
                    "Actual spend: {}, at the {} percentile of the forecast",
                    usd(i.actual_usd),
                    ordinal(self.percentile)
                );
                if let Some(budget) = i.budget {
                    let _ = writeln!(
                        out,
                        "Budget {}: the forecast gave P(spend > budget) = {}; the actual spend is {} it",
                        usd(budget),
                        percent(self.p_exceed_budget.unwrap_or(0.0)),
                        if i.actual_usd > budget { "over" } else { "within" }
                    );
                }
            }
            Some(p) => {
                let w = &p.warning;
                let _ = writeln!(
                    out,
                    "As of {} ({} of {} days): spent {} so far",
                    w.as_of,
                    plain_number(w.elapsed_days),
                    plain_number(w.elapsed_days + w.remaining_days),
                    usd(w.spend_so_far)
                );
                let _ = writeln!(
                    out,
                    "Projected for the period: p50 {}, p90 {}, p99 {} (mean {}); the projected median is at the {} percentile of the forecast",
                    usd(p.spread.p50),
                    usd(p.spread.p90),
                    usd(p.spread.p99),
                    usd(p.spread.mean),
                    ordinal(p.percentile_in_forecast)
                );
                if let (Some(budget), Some(pe)) = (i.budget, p.p_exceed_budget) {
                    let _ = writeln!(
                        out,
                        "Budget {}: P(spend > budget) = {} (the forecast gave {})",
                        usd(budget),
                        percent(pe),
                        percent(sorted_share_above(
                            SortedSample::from_slice(&i.forecast).values(),
                            budget
                        ))
                    );
                }
                for (name, volume, cost) in &w.workloads {
                    let _ = writeln!(
                        out,
                        "  {name}: volume ×{:.2} and cost per request ×{:.2} of the forecast so far",
                        volume, cost
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "\nGap to the forecast's mean{} ({}): {}",
            if self.projection.is_some() { " so far" } else { "" },
            usd(i.expected_usd),
            signed(self.total_gap())
        );
        for (cause, usd) in &self.gap {
            // Lines that round to nothing are left out.
            if usd.abs() >= 0.005 {
                let _ = writeln!(out, "  {:<38} {:>14}", cause.label(), signed(*usd));
            }
        }
        if !i.workloads.is_empty() {
            let _ = writeln!(out, "\nBy workload:");
            let _ = writeln!(
                out,
                "  {:<24} {:>14} {:>14} {:>14} {:>12}",
                "workload", "forecast mean", "actual", "gap", "requests"
            );
            for w in &i.workloads {
                let _ = writeln!(
                    out,
                    "  {:<24} {:>14} {:>14} {:>14} {:>12}",
                    w.name,
                    usd(w.expected_usd),
                    usd(w.actual_usd),
                    signed(w.actual_usd - w.expected_usd),
                    format!(
                        "{}/{}",
                        plain_number(w.actual_requests),
                        plain_number(w.expected_requests.round())
                    )
                );
            }
        }
        let c = &i.price_check;
        let _ = writeln!(
            out,
            "\nBilled vs catalog, per request: {} records with both, billed {}, catalog {}; {} differ",
            n(c.compared),
            usd(c.billed_usd),
            usd(c.catalog_usd),
            n(c.mismatched)
        );
        for m in &c.largest {
            let _ = writeln!(
                out,
                "  {} ({}, {}): billed {}, catalog {}",
                m.record,
                m.model,
                m.day,
                usd(m.billed_usd),
                usd(m.catalog_usd)
            );
        }
        for note in &i.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }
}

/// A count with thousands separators.
fn n(x: u64) -> String {
    plain_number(x as f64)
}

/// `+$12.30` or `-$4.00`.
fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{}", usd(x)) } else { usd(x) }
}

/// `47th`, `1st`, `99.5th`.
fn ordinal(p: f64) -> String {
    let rounded = (p * 10.0).round() / 10.0;
    if rounded.fract() != 0.0 {
        // "the 17.2th" reads wrong; a decimal takes the suffix of its
        // last digit ("17.2nd", "40.1st", "12.5th").
        let tenth = ((rounded * 10.0).round() as i64).rem_euclid(10);
        let suffix = match tenth {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        };
        return format!("{rounded}{suffix}");
    }
    let n = rounded as i64;
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
