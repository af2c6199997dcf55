//! `costintent plan`: the small prepaid test before scaling, derived from the
//! scenario itself. Every figure comes from the engine: the 100% step is the
//! scenario as written (so it matches `run` exactly, same seed and trials),
//! the smaller steps are the same scenario at a smaller `--scale`.

use std::fmt::Write as _;

use costintent_report::stats::Summary;
use costintent_report::{TestPlan, format, json_money};
use costintent_scenario::{Scenario, WorkloadKind};
use costintent_sim::{Outcomes, SimOptions, Unit};
use serde_json::{Value, json};

use crate::cli::{PlanArgs, TextOrJson};
use crate::error::CliError;
use crate::output::{pretty_json, print_stdout};

/// Scale-up steps in percent of the scenario's volume.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PlanSteps(pub(crate) Vec<f64>);

impl PlanSteps {
    /// 1%, 10%, 100%.
    pub(crate) fn default_steps() -> Self {
        Self(vec![1.0, 10.0, 100.0])
    }
}

/// The plan: what to confirm, run, check and expect.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    scenario: String,
    period: String,
    workloads: Vec<WorkloadPlan>,
    steps: Vec<Step>,
    wallets: Vec<String>,
}

#[derive(Clone, Debug)]
struct WorkloadPlan {
    name: String,
    model: String,
    kind: &'static str,
    /// Each price the workload pays, in words with its source.
    prices: Vec<String>,
    /// Mean USD per logical request (request, turn, image request, job).
    cost_per_request: f64,
    attempts_per_request: f64,
    lost_share: f64,
    waste_share: f64,
    /// What to look for in the logs, kind by kind.
    log_checks: Vec<String>,
    /// The billing units the workload actually pays for.
    billed_units: Vec<&'static str>,
}

#[derive(Clone, Debug)]
struct Step {
    percent: f64,
    scale: f64,
    spend: Summary,
    /// Mean USD of usage (spend without wallet fees): what a dashboard shows.
    usage: f64,
    /// Mean logical requests (requests, turns, images, jobs) in the step.
    requests: f64,
    /// Cash to have on the account: the p90 of purchases (credit plus fees)
    /// when the scenario has wallets, else the p90 spend.
    credit_to_buy: f64,
}

pub(crate) fn plan(args: &PlanArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    let checked = super::load_scenario(&args.scenario, &catalog, &[])?;
    let options = super::sim_options(&args.sim, &checked.scenario)?;
    super::warn_scaled_volumes(&checked.scenario, options.scale);
    // The 100% run is kept while the smaller steps are simulated.
    super::ensure_memory(&crate::memory::Need {
        kept: vec![&checked.scenario],
        transient: Some(&checked.scenario),
        trials: options.trials,
        csv: false,
    })?;
    let base = super::simulate(&checked.scenario, &options, "100%", args.sim.quiet)?;
    let plan = build_plan(
        &checked.scenario,
        &options,
        &base,
        &PlanSteps(args.steps.clone()),
        args.sim.quiet,
    )?;
    match args.format {
        TextOrJson::Json => print_stdout(&pretty_json(&plan.to_json())),
        TextOrJson::Text => print_stdout(&plan.render_text()),
    }
}

/// Builds the plan; `base` are the outcomes of the scenario at `options`
/// (the 100% step).
pub(crate) fn build_plan(
    scenario: &Scenario,
    options: &SimOptions,
    base: &Outcomes,
    steps: &PlanSteps,
    quiet: bool,
) -> Result<Plan, CliError> {
    if steps.0.is_empty() || steps.0.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
        return Err(CliError::input_with_help(
            "--steps must be positive percentages",
            "for example --steps 1,10,100",
        ));
    }
    // Smallest first: the plan grows the volume step by step.
    let mut percents = steps.0.clone();
    percents.sort_by(f64::total_cmp);
    percents.dedup();
    let mut out_steps = Vec::new();
    for &percent in &percents {
        let scale = options.scale * percent / 100.0;
        let step_outcomes;
        let outcomes = if percent == 100.0 {
            base
        } else {
            let step_options = SimOptions { scale, ..*options };
            step_outcomes =
                super::simulate(scenario, &step_options, &format!("{percent}%"), quiet)?;
            &step_outcomes
        };
        out_steps.push(step(scenario, percent, scale, outcomes)?);
    }
    Ok(Plan {
        scenario: scenario.name.clone(),
        period: scenario.period.text.clone(),
        workloads: scenario
            .workloads
            .iter()
            .zip(&base.workloads)
            .map(|(w, o)| workload_plan(w, o))
            .collect(),
        steps: out_steps,
        wallets: scenario
            .wallets
            .iter()
            .map(|w| {
                format!(
                    "{}: buys ${} of credit at a time for a fee of {} (a {}% fee, at least {})",
                    w.name,
                    w.topup,
                    format::usd(w.fee_per_topup()),
                    w.fee_percent,
                    format::usd(w.fee_min)
                )
            })
            .collect(),
    })
}

fn step(
    scenario: &Scenario,
    percent: f64,
    scale: f64,
    outcomes: &Outcomes,
) -> Result<Step, CliError> {
    let spend = Summary::of(&outcomes.total)
        .ok_or_else(|| CliError::runtime("the simulation returned no trials"))?;
    let credit_to_buy = if scenario.wallets.is_empty() {
        spend.p90.value
    } else {
        // Per trial: every purchase of every wallet, credit plus fees.
        let purchases: Vec<f64> = (0..outcomes.trials())
            .map(|i| {
                scenario
                    .wallets
                    .iter()
                    .zip(&outcomes.wallets)
                    .map(|(w, o)| o.topups[i] * w.topup + o.purchase_fees[i])
                    .sum()
            })
            .collect();
        Summary::of(&purchases).map_or(spend.p90.value, |s| s.p90.value)
    };
    let requests = outcomes.workloads.iter().map(|w| mean(&w.requests)).sum();
    let usage = outcomes.workloads.iter().map(|w| mean(&w.spend)).sum();
    Ok(Step { percent, scale, spend, usage, requests, credit_to_buy })
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() { 0.0 } else { x.iter().sum::<f64>() / x.len() as f64 }
}

fn workload_plan(
    w: &costintent_scenario::Workload,
    o: &costintent_sim::WorkloadOutcome,
) -> WorkloadPlan {
    let requests = mean(&o.requests);
    let per = |x: f64| if requests > 0.0 { x / requests } else { 0.0 };
    let spend = mean(&o.spend);
    let prices = w
        .price
        .lines
        .iter()
        .map(|l| {
            let variant =
                if l.variant.is_empty() { String::new() } else { format!(" [{}]", l.variant) };
            let date = l.valid_from.map_or_else(|| "undated".to_owned(), |d| format!("from {d}"));
            format!(
                "{}{variant}: {} per {} ({date}; {})",
                l.unit,
                format::unit_price(l.usd),
                l.per,
                l.source
            )
        })
        .collect();
    let used = |unit: Unit| o.units.iter().any(|u| u.unit == unit);
    let mut log_checks = vec![
        "every attempt has its own request ID; retries show as extra IDs for the same logical request".to_owned(),
        format!(
            "about {:.3} attempts per request and {} of requests lost after all retries",
            per(mean(&o.attempts)),
            format::percent(per(mean(&o.lost)))
        ),
    ];
    match &w.kind {
        WorkloadKind::Requests(_) | WorkloadKind::Agent(_) => {
            log_checks.push(format!(
                "input and output token counts per request (usage.input_tokens / output_tokens): about {} in and {} out",
                format::quantity(per(unit_qty(o, Unit::InputTokens) + unit_qty(o, Unit::CacheReadTokens) + unit_qty(o, Unit::CacheWriteTokens))),
                format::quantity(per(unit_qty(o, Unit::OutputTokens)))
            ));
            if used(Unit::CacheReadTokens) || used(Unit::CacheWriteTokens) {
                log_checks.push(format!(
                    "cached tokens: about {} read from and {} written to the cache per request (cache_read_input_tokens / cache_creation_input_tokens)",
                    format::quantity(per(unit_qty(o, Unit::CacheReadTokens))),
                    format::quantity(per(unit_qty(o, Unit::CacheWriteTokens)))
                ));
            }
            if used(Unit::ReasoningTokens) {
                log_checks.push(format!(
                    "reasoning tokens are billed as output: about {} per request",
                    format::quantity(per(unit_qty(o, Unit::ReasoningTokens)))
                ));
            }
        }
        WorkloadKind::Image(i) => log_checks.push(format!(
            "images billed per request at {} {}: about {:.2} images per request",
            i.size,
            i.quality,
            per(unit_qty(o, Unit::Images))
        )),
        WorkloadKind::Video(v) => {
            log_checks.push(format!(
                "seconds billed per job at {}: about {:.1}; a job the client resubmitted after a timeout bills twice",
                v.resolution,
                per(unit_qty(o, Unit::VideoSeconds))
            ));
        }
        WorkloadKind::Realtime(_) => log_checks.push(format!(
            "audio tokens per turn: about {} in (most of it the re-sent conversation) and {} out",
            format::quantity(per(
                unit_qty(o, Unit::AudioInputTokens) + unit_qty(o, Unit::AudioCachedInputTokens)
            )),
            format::quantity(per(unit_qty(o, Unit::AudioOutputTokens)))
        )),
    }
    WorkloadPlan {
        name: w.name.clone(),
        model: w.price.id.clone(),
        kind: w.kind.keyword(),
        prices,
        cost_per_request: per(spend),
        attempts_per_request: per(mean(&o.attempts)),
        lost_share: per(mean(&o.lost)),
        waste_share: if spend > 0.0 { mean(&o.waste) / spend } else { 0.0 },
        log_checks,
        billed_units: o.units.iter().map(|u| u.unit.label()).collect(),
    }
}

fn unit_qty(o: &costintent_sim::WorkloadOutcome, unit: Unit) -> f64 {
    o.units.iter().find(|u| u.unit == unit).map_or(0.0, |u| mean(&u.quantity))
}

impl Plan {
    /// The smallest step that sends at least one request on average: the
    /// one to compare with the dashboard.
    fn first_step(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.requests >= 1.0).or(self.steps.last())
    }

    /// The plan as the `plan` section of the reports.
    pub(crate) fn to_test_plan(&self) -> TestPlan {
        let mut steps = Vec::new();
        for w in &self.workloads {
            steps.push(format!(
                "Confirm the model and pricing unit of \"{}\": {} ({}), billed per {}.",
                w.name,
                w.model,
                w.kind,
                w.billed_units.join(", ")
            ));
        }
        for w in &self.workloads {
            steps.push(format!(
                "Run one small request on \"{}\" and check its cost: about {} per request on average.",
                w.name,
                format::usd(w.cost_per_request)
            ));
        }
        for w in &self.workloads {
            steps.push(format!("Check the logs of \"{}\": {}.", w.name, w.log_checks.join("; ")));
        }
        if let Some(first) = self.first_step() {
            let fees = first.spend.mean - first.usage;
            steps.push(format!(
                "Run the {}% step (about {} requests) and compare the provider's usage dashboard: expect about {} of usage{} (90% of the time at most {} in total).",
                first.percent,
                format::quantity(first.requests),
                format::usd(first.usage),
                if fees > 1e-9 {
                    format!(" plus {} of wallet fees (credit purchases and usage fees)", format::usd(fees))
                } else {
                    String::new()
                },
                format::usd(first.spend.p90.value)
            ));
        }
        steps.push(format!(
            "Scale slowly: {}.",
            self.steps
                .iter()
                .map(|s| format!(
                    "{}% → {} expected, {} at p90",
                    s.percent,
                    format::usd(s.spend.mean),
                    format::usd(s.spend.p90.value)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        let mut facts: Vec<(String, String)> = self
            .steps
            .iter()
            .map(|s| {
                (
                    format!("credit to buy for the {}% step (p90, with fees)", s.percent),
                    format::usd(s.credit_to_buy),
                )
            })
            .collect();
        facts.extend(self.wallets.iter().map(|w| ("wallet".to_owned(), w.clone())));
        TestPlan {
            summary: format!(
                "Before scaling \"{}\", confirm on a small prepaid test that the model, its pricing unit and the logs match these assumptions, then grow the volume step by step.",
                self.scenario
            ),
            steps,
            facts,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "schema": "costintent.plan/v1",
            "scenario": self.scenario,
            "period": self.period,
            "workloads": self.workloads.iter().map(|w| json!({
                "name": w.name,
                "model": w.model,
                "kind": w.kind,
                "prices": w.prices,
                "cost_per_request": json_money(w.cost_per_request),
                "attempts_per_request": w.attempts_per_request,
                "lost_share": w.lost_share,
                "waste_share": w.waste_share,
                "log_checks": w.log_checks,
            })).collect::<Vec<_>>(),
            "wallets": self.wallets,
            "steps": self.steps.iter().map(|s| json!({
                "percent": s.percent,
                "scale": s.scale,
                "requests": s.requests,
                "usage": json_money(s.usage),
                "expected_spend": json_money(s.spend.mean),
                "p90_spend": json_money(s.spend.p90.value),
                "p99_spend": json_money(s.spend.p99.value),
                "credit_to_buy": json_money(s.credit_to_buy),
            })).collect::<Vec<_>>(),
        })
    }

    fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Prepaid test plan: {} ({} at 100%)", self.scenario, self.period);
        let _ = writeln!(out, "\n1. Confirm the model and the pricing unit");
        for w in &self.workloads {
            let _ = writeln!(out, "   {} ({}) on {}:", w.name, w.kind, w.model);
            for p in &w.prices {
                let _ = writeln!(out, "     - {p}");
            }
        }
        let _ = writeln!(out, "\n2. Run one small request first");
        for w in &self.workloads {
            let _ = writeln!(
                out,
                "   {}: about {} per request on average ({:.3} attempts per request, {} of spend wasted on failures)",
                w.name,
                format::usd(w.cost_per_request),
                w.attempts_per_request,
                format::percent(w.waste_share)
            );
        }
        let _ = writeln!(out, "\n3. Check the logs and request IDs");
        for w in &self.workloads {
            let _ = writeln!(out, "   {}:", w.name);
            for c in &w.log_checks {
                let _ = writeln!(out, "     - {c}");
            }
        }
        if let Some(first) = self.first_step() {
            let _ = writeln!(out, "\n4. Compare the provider dashboard");
            let _ = writeln!(
                out,
                "   after the {}% step (about {} requests) the usage dashboard should show about {}{}; total spend is about {} (90% of the time at most {}); a larger gap means an assumption is off",
                first.percent,
                format::quantity(first.requests),
                format::usd(first.usage),
                if first.spend.mean > first.usage + 1e-9 {
                    format!(
                        ", plus {} of wallet fees (credit purchases and usage fees)",
                        format::usd(first.spend.mean - first.usage)
                    )
                } else {
                    String::new()
                },
                format::usd(first.spend.mean),
                format::usd(first.spend.p90.value)
            );
        }
        let _ = writeln!(out, "\n5. Scale slowly");
        let _ = writeln!(
            out,
            "   {:>8}  {:>10}  {:>12}  {:>12}  {:>12}  {:>14}",
            "volume", "requests", "expected", "p90", "p99", "credit to buy"
        );
        for s in &self.steps {
            let _ = writeln!(
                out,
                "   {:>7}%  {:>10}  {:>12}  {:>12}  {:>12}  {:>14}{}",
                s.percent,
                format::quantity(s.requests),
                format::usd(s.spend.mean),
                format::usd(s.spend.p90.value),
                format::usd(s.spend.p99.value),
                format::usd(s.credit_to_buy),
                if s.requests < 1.0 { "  (under one request: too small to test)" } else { "" }
            );
        }
        for w in &self.wallets {
            let _ = writeln!(out, "   wallet {w}");
        }
        let _ = writeln!(
            out,
            "   (credit to buy: the p90 of purchases including fees, so 9 tests in 10 need no second top-up)"
        );
        out
    }
}
