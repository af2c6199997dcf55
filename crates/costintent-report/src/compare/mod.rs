//! Comparisons of runs that share their random numbers (`costintent compare`).
//!
//! Runs made with the same seed and trial count see the same usage draws in
//! the same trial (common random numbers), so the per-trial difference
//! `B − A` isolates the effect of what changed (model, prices, scale) from
//! the noise of usage. Its distribution is far tighter than the difference
//! of two independent runs, which is why a comparison reports both the
//! per-trial differences and the plain difference of percentiles.

mod render;

use costintent_scenario::{Period, Scenario};
use costintent_sim::Outcomes;

use crate::error::ReportError;
use crate::stats::{Proportion, Summary, mean, proportion};

/// The schema id of the comparison JSON.
pub const COMPARE_SCHEMA: &str = "costintent.compare/v1";

/// One run to compare: a name for the reader, its scenario and outcomes.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    /// What the reader calls the run (`"sonnet"`, `"scale 10x"`).
    pub name: &'a str,
    /// The scenario the run simulated.
    pub scenario: &'a Scenario,
    /// Its per-trial outcomes.
    pub outcomes: &'a Outcomes,
}

/// How the compared runs were made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompareInfo {
    /// The master seed all runs share.
    pub seed: u64,
    /// A budget to test every run against (`--budget`); `None` tests each
    /// run against its own scenario's budget, if it has one (so that
    /// `--vary scenario.budget=…` gives each run its budget).
    pub budget: Option<f64>,
}

/// Side-by-side statistics of several runs and each run's per-trial
/// difference from the first.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Trials in every run.
    pub trials: u64,
    /// Index of the first trial.
    pub first_trial: u64,
    /// The shared master seed.
    pub seed: u64,
    /// The first run's period (the others' are checked to match, or warned).
    pub period: Period,
    /// The budget every run is tested against, when they share one; `None`
    /// when no run has a budget or their budgets differ (see
    /// [`RunStats::budget`]).
    pub budget: Option<f64>,
    /// One entry per run, in the order given; the first is the baseline.
    pub runs: Vec<RunStats>,
    /// One entry per run after the first: that run against the first.
    pub differences: Vec<Difference>,
    /// Things the reader should know (runs with different periods, …).
    pub warnings: Vec<String>,
}

/// One run's statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct RunStats {
    /// The run's name.
    pub name: String,
    /// Its scenario's name.
    pub scenario: String,
    /// Total spend per trial.
    pub total: Summary,
    /// The budget this run is tested against, if any.
    pub budget: Option<f64>,
    /// Trials over the budget, when there is one.
    pub exceed: Option<Proportion>,
    /// Mean spend per workload, in scenario order.
    pub workloads: Vec<(String, f64)>,
}

/// One run against the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// The baseline run's name.
    pub baseline: String,
    /// The other run's name.
    pub run: String,
    /// Distribution of the per-trial difference `run − baseline` (negative:
    /// the run is cheaper in that trial).
    pub per_trial: Summary,
    /// Trials where the run is strictly cheaper than the baseline, with the
    /// Wilson interval of that share.
    pub cheaper: Proportion,
    /// Trials where both cost exactly the same.
    pub equal_trials: u64,
    /// `mean(run) − mean(baseline)`.
    pub mean_change: f64,
    /// `p50(run) − p50(baseline)`.
    pub p50_change: f64,
    /// `p90(run) − p90(baseline)`.
    pub p90_change: f64,
    /// `p95(run) − p95(baseline)`.
    pub p95_change: f64,
    /// `p99(run) − p99(baseline)`.
    pub p99_change: f64,
    /// The difference workload by workload (by name; a workload only one
    /// run has counts as zero spend in the other), then the wallet fees when
    /// either run has wallets, so the means add up to the total's.
    pub workloads: Vec<WorkloadDifference>,
}

/// One workload's spend in a run against the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadDifference {
    /// The workload's name, or `wallet fees` for the fees of every wallet.
    pub name: String,
    /// Whether the line is the wallet fees rather than a workload.
    pub wallet_fees: bool,
    /// Its mean spend in the baseline (`None`: the baseline has no such
    /// workload).
    pub baseline_mean: Option<f64>,
    /// Its mean spend in the run (`None`: the run has no such workload).
    pub run_mean: Option<f64>,
    /// Distribution of the per-trial difference `run − baseline` of its
    /// spend.
    pub per_trial: Summary,
}

impl Comparison {
    /// Compares `runs` against the first.
    ///
    /// Fails when there are no runs, when a run has no trials, or when a run
    /// does not cover the same trials as the first (different count or
    /// first trial): its per-trial differences would then pair unrelated
    /// draws.
    pub fn build(runs: &[Run<'_>], info: &CompareInfo) -> Result<Comparison, ReportError> {
        let first = runs.first().ok_or(ReportError::NoRuns)?;
        let n = first.outcomes.trials();
        if n == 0 {
            return Err(ReportError::NoTrials);
        }
        let mut warnings = Vec::new();
        for run in &runs[1..] {
            let detail = if run.outcomes.trials() != n {
                Some(format!("{} trials against {n}", run.outcomes.trials()))
            } else if run.outcomes.first_trial != first.outcomes.first_trial {
                Some(format!(
                    "its trials start at {} against {}",
                    run.outcomes.first_trial, first.outcomes.first_trial
                ))
            } else {
                None
            };
            if let Some(detail) = detail {
                return Err(ReportError::UnpairedRuns { run: run.name.to_owned(), detail });
            }
            if run.scenario.period != first.scenario.period {
                warnings.push(format!(
                    "run `{}` simulates {} but `{}` simulates {}: the totals cover different \
                     periods",
                    run.name, run.scenario.period.text, first.name, first.scenario.period.text
                ));
            }
        }
        for run in runs {
            if let Some(i) = run.outcomes.total.iter().position(|t| !t.is_finite()) {
                return Err(ReportError::NonFinite {
                    column: format!("{}.total", run.name),
                    trial: run.outcomes.first_trial + i as u64,
                });
            }
        }

        let stats = runs
            .iter()
            .map(|run| run_stats(run, info.budget.or(run.scenario.budget)))
            .collect::<Result<Vec<_>, _>>()?;
        let budget = match stats.first().and_then(|s| s.budget) {
            Some(b) if stats.iter().all(|s| s.budget == Some(b)) => Some(b),
            _ => None,
        };
        let baseline = &stats[0];
        let mut differences = Vec::with_capacity(runs.len().saturating_sub(1));
        for (run, run_stats) in runs.iter().zip(&stats).skip(1) {
            let diff: Vec<f64> =
                run.outcomes.total.iter().zip(&first.outcomes.total).map(|(b, a)| b - a).collect();
            let per_trial = Summary::of(&diff).ok_or(ReportError::NoTrials)?;
            let cheaper_count = diff.iter().filter(|&&d| d < 0.0).count() as u64;
            let equal_trials = diff.iter().filter(|&&d| d == 0.0).count() as u64;
            let (a, b) = (&baseline.total, &run_stats.total);
            differences.push(Difference {
                baseline: baseline.name.clone(),
                run: run_stats.name.clone(),
                per_trial,
                cheaper: proportion(cheaper_count, n as u64).ok_or(ReportError::NoTrials)?,
                equal_trials,
                mean_change: b.mean - a.mean,
                p50_change: b.p50.value - a.p50.value,
                p90_change: b.p90.value - a.p90.value,
                p95_change: b.p95.value - a.p95.value,
                p99_change: b.p99.value - a.p99.value,
                workloads: workload_differences(first.outcomes, run.outcomes)?,
            });
        }
        Ok(Comparison {
            trials: n as u64,
            first_trial: first.outcomes.first_trial,
            seed: info.seed,
            period: first.scenario.period.clone(),
            budget,
            runs: stats,
            differences,
            warnings,
        })
    }
}

/// Each workload's per-trial difference (baseline workloads in order, then
/// the run's new ones), and the wallet fees' when either run has wallets.
fn workload_differences(
    baseline: &Outcomes,
    run: &Outcomes,
) -> Result<Vec<WorkloadDifference>, ReportError> {
    let n = baseline.trials();
    let zeros = vec![0.0; n];
    let spend_of = |outcomes: &'_ Outcomes, name: &str| -> Option<Vec<f64>> {
        outcomes.workloads.iter().find(|w| w.name == name).map(|w| w.spend.clone())
    };
    let mut names: Vec<&str> = baseline.workloads.iter().map(|w| w.name.as_str()).collect();
    for w in &run.workloads {
        if !names.contains(&w.name.as_str()) {
            names.push(&w.name);
        }
    }
    let line = |name: String, wallet_fees: bool, a: Option<Vec<f64>>, b: Option<Vec<f64>>| {
        let (a_mean, b_mean) = (a.as_deref().map(mean), b.as_deref().map(mean));
        let (a, b) = (a.unwrap_or_else(|| zeros.clone()), b.unwrap_or_else(|| zeros.clone()));
        let diff: Vec<f64> = b.iter().zip(&a).map(|(b, a)| b - a).collect();
        let per_trial = Summary::of(&diff).ok_or(ReportError::NoTrials)?;
        Ok(WorkloadDifference {
            name,
            wallet_fees,
            baseline_mean: a_mean,
            run_mean: b_mean,
            per_trial,
        })
    };
    let mut lines = names
        .into_iter()
        .map(|name| line(name.to_owned(), false, spend_of(baseline, name), spend_of(run, name)))
        .collect::<Result<Vec<_>, ReportError>>()?;
    if !baseline.wallets.is_empty() || !run.wallets.is_empty() {
        // Fees are what the total holds beyond the workloads' spend.
        let fees = |outcomes: &Outcomes| -> Vec<f64> {
            (0..n)
                .map(|i| {
                    outcomes.total[i] - outcomes.workloads.iter().map(|w| w.spend[i]).sum::<f64>()
                })
                .collect()
        };
        lines.push(line("wallet fees".to_owned(), true, Some(fees(baseline)), Some(fees(run)))?);
    }
    Ok(lines)
}

fn run_stats(run: &Run<'_>, budget: Option<f64>) -> Result<RunStats, ReportError> {
    let outcomes = run.outcomes;
    let total = Summary::of(&outcomes.total).ok_or(ReportError::NoTrials)?;
    let exceed = match budget {
        Some(amount) => {
            let over = outcomes.total.iter().filter(|&&t| t > amount).count() as u64;
            Some(proportion(over, outcomes.trials() as u64).ok_or(ReportError::NoTrials)?)
        }
        None => None,
    };
    Ok(RunStats {
        name: run.name.to_owned(),
        scenario: run.scenario.name.clone(),
        total,
        budget,
        exceed,
        workloads: outcomes.workloads.iter().map(|w| (w.name.clone(), mean(&w.spend))).collect(),
    })
}
