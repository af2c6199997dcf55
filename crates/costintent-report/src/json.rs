//! The JSON report (`costintent run --format json`), schema
//! `costintent.report/v1`.
//!
//! The keys fixed by the scenario format come first, in its order, with
//! their meaning unchanged; every other key is an addition. Money is rounded
//! to a micro-dollar (1e-6 USD) so that the last bits of floating-point
//! arithmetic do not churn the output; nothing else is rounded.
//! Probabilities, shares and quantities print with full precision.

use costintent_sim::Method;
use serde_json::{Map, Value, json};

use crate::breakdown::BreakdownLine;
use crate::report::{BudgetStats, Report, TestPlan, WalletStats, WorkloadStats};
use crate::stats::{CONFIDENCE, QuantileEstimate, Summary};

/// The schema id of the JSON report.
pub const REPORT_SCHEMA: &str = "costintent.report/v1";

/// JSON as printed and written: pretty, with a trailing newline.
pub fn pretty(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    format!("{text}\n")
}

/// Rounds USD to a micro-dollar for output.
pub fn money(x: f64) -> Value {
    let rounded = (x * 1e6).round() / 1e6;
    // −0.0 would print as "-0.0"; a rounded amount of nothing is plain 0.
    json!(if rounded == 0.0 { 0.0 } else { rounded })
}

/// A money interval as `[lo, hi]`.
pub(crate) fn money_interval(estimate: &QuantileEstimate) -> Value {
    json!([money(estimate.ci.lo), money(estimate.ci.hi)])
}

/// The fixed `total` object: mean, mean_stderr, sd, min, p50, p90, p95,
/// p99, max.
pub(crate) fn summary_json(s: &Summary) -> Value {
    json!({
        "mean": money(s.mean),
        "mean_stderr": money(s.mean_stderr),
        "sd": money(s.sd),
        "min": money(s.min),
        "p50": money(s.p50.value),
        "p90": money(s.p90.value),
        "p95": money(s.p95.value),
        "p99": money(s.p99.value),
        "max": money(s.max),
    })
}

/// The percentiles' confidence intervals, plus the mean's normal interval.
pub(crate) fn summary_ci_json(s: &Summary, z: f64) -> Value {
    json!({
        "level": CONFIDENCE,
        "mean": [money(s.mean - z * s.mean_stderr), money(s.mean + z * s.mean_stderr)],
        "p50": money_interval(&s.p50),
        "p90": money_interval(&s.p90),
        "p95": money_interval(&s.p95),
        "p99": money_interval(&s.p99),
    })
}

/// A statement of the estimators, so that the file explains itself.
pub(crate) fn method_json() -> Value {
    json!({
        "percentile": "inverse empirical CDF (Hyndman-Fan type 1): the order statistic x_(ceil(p*n)) of the sorted trials",
        "percentile_ci": "distribution-free order-statistic interval with exact equal-tailed binomial ranks",
        "mean_ci": "mean +- z * standard error",
        "p_exceed_ci": "Wilson score interval",
        "confidence": CONFIDENCE,
        "money_rounding_usd": 1e-6,
    })
}

impl Report {
    /// The report as JSON: exactly the keys the scenario format fixes, plus
    /// additions (`prices_date`, `scale`, `total_ci`, `budget_for_probability`,
    /// `breakdown`, `waste`, `wallets`, `prices`, `assumptions`, `warnings`,
    /// and `sensitivity` when the report has one). Key order is fixed, so the printed text is deterministic.
    pub fn to_json(&self) -> Value {
        let z = crate::stats::z_for_level(CONFIDENCE).unwrap_or(1.959_963_984_540_054);
        let mut root = Map::new();
        root.insert("schema".into(), json!(REPORT_SCHEMA));
        root.insert("scenario".into(), json!(self.scenario));
        root.insert("trials".into(), json!(self.trials));
        root.insert("seed".into(), json!(self.seed));
        root.insert("currency".into(), json!("USD"));
        root.insert("period".into(), json!(self.period.text));
        root.insert("total".into(), summary_json(&self.total));
        root.insert("budget".into(), self.budget.as_ref().map_or(Value::Null, budget_json));
        root.insert(
            "workloads".into(),
            Value::Array(self.workloads.iter().map(workload_json).collect()),
        );

        root.insert("first_trial".into(), json!(self.first_trial));
        root.insert("prices_date".into(), json!(self.prices_date.to_string()));
        root.insert("scale".into(), json!(self.scale));
        root.insert("total_ci".into(), summary_ci_json(&self.total, z));
        let mut for_probability = Map::new();
        for (p, estimate) in self.budget_for_probability() {
            for_probability.insert(format!("{p:.2}"), money(estimate.value));
        }
        root.insert("budget_for_probability".into(), Value::Object(for_probability));
        root.insert(
            "breakdown".into(),
            json!({
                "tail_trials": self.tail_trials,
                "tail_threshold": money(self.total.p90.value),
                "lines": self.breakdown.iter().map(breakdown_json).collect::<Vec<_>>(),
            }),
        );
        let by_workload: Map<String, Value> =
            self.workloads.iter().map(|w| (w.name.clone(), money(w.waste_mean))).collect();
        root.insert(
            "waste".into(),
            json!({
                "mean": money(self.waste.mean),
                "p90": money(self.waste.p90),
                "share_of_spend": self.waste.share_of_spend,
                "by_workload": by_workload,
            }),
        );
        root.insert("wallets".into(), Value::Array(self.wallets.iter().map(wallet_json).collect()));
        root.insert("clamped_draws".into(), json!(self.clamped_draws));
        if let Some(accuracy) = self.sketch {
            root.insert(
                "sketch".into(),
                json!({
                    "algorithm": "DDSketch",
                    "relative_accuracy": accuracy,
                    "rank_error": 0,
                    "bound": "every percentile and interval end is within relative_accuracy of the trial at its rank; means, sd, min, max and p_exceed are exact",
                    "trials_kept": false,
                }),
            );
        }
        root.insert(
            "prices".into(),
            Value::Array(
                self.prices
                    .iter()
                    .map(|p| {
                        json!({
                            "model": p.model,
                            "origin": p.origin,
                            "currency": p.currency,
                            "retired_on": p.retired_on.map(|d| d.to_string()),
                            "workloads": p.workloads,
                            "lines": p.lines,
                        })
                    })
                    .collect(),
            ),
        );
        root.insert("assumptions".into(), json!(self.assumptions));
        root.insert("test_plan".into(), self.test_plan.as_ref().map_or(Value::Null, plan_json));
        root.insert("method".into(), method_json());
        if let Some(a) = &self.adaptive {
            root.insert(
                "adaptive".into(),
                json!({
                    "precision": a.precision,
                    "max_trials": a.max_trials,
                    "batches": a.batches,
                    "stopped": if a.reached { "precision reached" } else { "max trials" },
                    "p90_half_width": a.p90_half_width,
                    "exceed_half_width": a.exceed_half_width,
                }),
            );
        }
        root.insert("warnings".into(), json!(self.warnings));
        if let Some(sensitivity) = &self.sensitivity {
            root.insert("sensitivity".into(), sensitivity.to_json());
        }
        Value::Object(root)
    }
}

fn budget_json(b: &BudgetStats) -> Value {
    json!({
        "amount": money(b.amount),
        "p_exceed": b.exceed.estimate,
        "p_exceed_ci": [b.exceed.ci.lo, b.exceed.ci.hi],
        "trials_over": b.exceed.count,
    })
}

fn workload_json(w: &WorkloadStats) -> Value {
    let units: Map<String, Value> =
        w.units.iter().map(|u| (u.unit.json_key().to_owned(), json!(u.quantity_mean))).collect();
    let units_usd: Map<String, Value> =
        w.units.iter().map(|u| (u.unit.json_key().to_owned(), money(u.usd_mean))).collect();
    let mut value = json!({
        "name": w.name,
        "kind": w.kind,
        "model": w.model,
        "spend": {
            "mean": money(w.spend.mean),
            "p50": money(w.spend.p50.value),
            "p90": money(w.spend.p90.value),
            "p99": money(w.spend.p99.value),
            "mean_stderr": money(w.spend.mean_stderr),
            "p95": money(w.spend.p95.value),
        },
        "waste": {"mean": money(w.waste_mean)},
        "attempts": {"mean": w.attempts_mean},
        "lost_requests": {"mean": w.lost_mean},
        "units": units,
        "requests": {"mean": w.requests_mean},
        "units_usd": units_usd,
        "via": w.via,
    });
    if let (Some(method), Some(map)) = (&w.method, value.as_object_mut()) {
        map.insert("method".into(), simulation_method_json(method));
    }
    value
}

/// How a workload's trials were simulated.
fn simulation_method_json(m: &Method) -> Value {
    match m {
        Method::Exact { reason } => json!({"kind": "exact", "reason": reason}),
        Method::Fast { pool_units, min_units, mean_rse, fast_trials } => json!({
            "kind": "compound",
            "pool_units": pool_units,
            "min_units": min_units,
            "mean_rse": mean_rse,
            "compound_trials": fast_trials,
        }),
    }
}

fn breakdown_json(line: &BreakdownLine) -> Value {
    json!({
        "workload": line.item.workload(),
        "wallet": line.item.wallet(),
        "item": line.item.key(),
        "usd_mean": money(line.usd_mean),
        "share": line.share_of_mean,
        "share_p90_trials": line.share_in_tail,
    })
}

fn wallet_json(w: &WalletStats) -> Value {
    json!({
        "name": w.name,
        "credit_usd": w.credit_usd,
        "topups": {"mean": w.topups_mean},
        "purchase_fees": {"mean": money(w.purchase_fees_mean)},
        "usage_fees": {"mean": money(w.usage_fees_mean)},
        // Credits are rounded like money: a difference of two sums would
        // otherwise print its floating-point noise (14840.699999999997).
        "credits_bought": {"mean": money(w.credits_bought_mean)},
        "credits_used": {"mean": money(w.credits_used_mean)},
        "unused_credits": {"mean": money(w.unused_credits_mean), "usd": money(w.unused_usd_mean)},
    })
}

fn plan_json(plan: &TestPlan) -> Value {
    let facts: Vec<Value> =
        plan.facts.iter().map(|(label, value)| json!({"label": label, "value": value})).collect();
    json!({"summary": plan.summary, "steps": plan.steps, "facts": facts})
}
