//! The report of one run: every number the renderers print, computed once.
//!
//! [`Report::build`] checks that the outcomes line up with the scenario,
//! then summarises them. Renderers (JSON, table, Markdown, HTML) only format
//! what is here, so they cannot disagree with each other.

use costintent_scenario::{Currency, Date, Origin, Period, PriceLine, Scenario};
use costintent_sim::{Method, Outcomes, Unit};

use crate::breakdown::{BreakdownLine, breakdown, ratio};
use crate::describe::{WorkloadAssumptions, describe_scenario};
use crate::error::ReportError;
use crate::format::{percent, plain_number, usd};
use crate::sensitivity::Sensitivity;
use crate::sketch::SketchedOutcomes;
use crate::stats::{
    Proportion, QuantileEstimate, SortedSample, Summary, mean, proportion, select_quantile,
};

/// A 95% interval of a percentile wider than this share of the percentile
/// itself (±10%) earns a warning that more trials are needed.
const WIDE_INTERVAL: f64 = 0.2;

/// How the run was made, as far as the output depends on it.
///
/// The thread count is deliberately absent: output must not depend on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunInfo {
    /// Trials in the outcomes (for a shard, the shard's trials). Must equal
    /// the outcomes' length: a mismatch means the wrong outcomes were passed.
    pub trials: u64,
    /// Master seed.
    pub seed: u64,
    /// `--scale`: the factor applied to every volume (1 when not given).
    pub scale: f64,
    /// A budget given on the command line, which replaces the scenario's.
    pub budget: Option<f64>,
}

/// The prepaid test plan section of the Markdown, HTML and JSON reports
/// ([`crate::Plan::to_test_plan`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestPlan {
    /// One or two sentences that say what the test is for.
    pub summary: String,
    /// The steps, in order, each a sentence.
    pub steps: Vec<String>,
    /// Key figures as label and value (`"credit to buy"`, `"$50.00"`).
    pub facts: Vec<(String, String)>,
}

/// The report of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// What one trial simulates.
    pub period: Period,
    /// Catalog date of the prices.
    pub prices_date: Date,
    /// Number of trials.
    pub trials: u64,
    /// Index of the first trial (non-zero for a shard).
    pub first_trial: u64,
    /// Master seed.
    pub seed: u64,
    /// Volume scale factor.
    pub scale: f64,
    /// Total spend per trial.
    pub total: Summary,
    /// The budget and how often it is exceeded, when there is a budget.
    pub budget: Option<BudgetStats>,
    /// One entry per workload, in scenario order.
    pub workloads: Vec<WorkloadStats>,
    /// Spend by workload × billing unit and wallet fees.
    pub breakdown: Vec<BreakdownLine>,
    /// Trials in the p90 trial set (total at least the p90), which the
    /// breakdown's tail shares are computed over.
    pub tail_trials: u64,
    /// Money spent on attempts that produced nothing the user kept.
    pub waste: WasteStats,
    /// One entry per wallet, in scenario order.
    pub wallets: Vec<WalletStats>,
    /// Per-trial parameter draws that were clamped into their domain.
    pub clamped_draws: u64,
    /// The prices behind the numbers, one entry per model.
    pub prices: Vec<PricesUsed>,
    /// Each workload's parameters in words.
    pub assumptions: Vec<WorkloadAssumptions>,
    /// The prepaid test plan, when one was computed (a report folder has
    /// one). `None` omits the section.
    pub test_plan: Option<TestPlan>,
    /// The sensitivity ranking, when one was computed (`--sensitivity`).
    /// `None` omits it.
    pub sensitivity: Option<Sensitivity>,
    /// How the trial count was chosen, when the run stopped at a precision
    /// rather than at a given count. `None` omits it.
    pub adaptive: Option<AdaptiveRun>,
    /// Things the reader should know before trusting the numbers: the
    /// statistical warnings, then the scenario's `check` warnings when the
    /// caller appends them.
    pub warnings: Vec<String>,
    /// With `--sketch`: the sketches' relative accuracy (percentiles are
    /// within this share of the trial at their rank; no trial is kept).
    pub sketch: Option<f64>,
}

/// An adaptive run: trials in batches, in trial order, until the p90's
/// 95% interval (and the budget probability's, with a budget) is narrow
/// enough, or the most trials allowed have run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaptiveRun {
    /// The goal: the p90's 95% interval within ± this share of the p90,
    /// and the budget probability's within ± this many (as a fraction,
    /// 0.005 = 0.5 percentage points).
    pub precision: f64,
    /// The most trials the run could take.
    pub max_trials: u64,
    /// Batches run.
    pub batches: u64,
    /// Whether the goal was reached (else the run stopped at `max_trials`).
    pub reached: bool,
    /// The p90's 95% interval at the end, as the larger of its two
    /// half-widths over the p90.
    pub p90_half_width: f64,
    /// The budget probability's Wilson 95% interval at the end: its larger
    /// half-width, when there is a budget.
    pub exceed_half_width: Option<f64>,
}

impl AdaptiveRun {
    /// Why the run stopped, in words.
    pub fn stop_words(&self) -> String {
        let budget = if self.exceed_half_width.is_some() {
            format!(" and the budget probability's within ±{}", percent_points(self.precision))
        } else {
            String::new()
        };
        if self.reached {
            format!(
                "run until the p90's 95% interval was within ±{} of it{budget}",
                crate::format::percent(self.precision)
            )
        } else {
            format!(
                "stopped at the most trials allowed ({}) before the p90's 95% interval was within ±{}{budget}",
                crate::format::plain_number(self.max_trials as f64),
                crate::format::percent(self.precision)
            )
        }
    }
}

/// `0.005` as "0.5 percentage points".
fn percent_points(fraction: f64) -> String {
    let text = crate::format::percent(fraction);
    format!("{} percentage points", text.trim_end_matches('%'))
}

/// The budget and the chance of exceeding it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BudgetStats {
    /// USD for the period.
    pub amount: f64,
    /// Trials whose total is strictly above the budget, with the Wilson
    /// interval of the probability.
    pub exceed: Proportion,
}

/// Per-workload results.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadStats {
    /// The workload's name.
    pub name: String,
    /// Its kind keyword (`agent`, `image`, …).
    pub kind: String,
    /// Its model id.
    pub model: String,
    /// The wallet it pays from, if any.
    pub via: Option<String>,
    /// Spend per trial (wallet fees excluded).
    pub spend: Summary,
    /// Mean waste per trial.
    pub waste_mean: f64,
    /// Mean attempts per trial.
    pub attempts_mean: f64,
    /// Mean logical requests per trial.
    pub requests_mean: f64,
    /// Mean lost requests per trial.
    pub lost_mean: f64,
    /// Per-trial means of each billing unit the workload uses.
    pub units: Vec<UnitStats>,
    /// How its trials were simulated (`None` for outcomes that do not say).
    pub method: Option<Method>,
    /// Whether its model bills cache writes as such; when not, the
    /// engine's cache-write quantity is input billed at the input price.
    pub cache_writes_billed: bool,
}

impl WorkloadStats {
    /// A billing unit of this workload in words (`cache write`, or `input
    /// (cache miss)` when the model bills no cache writes).
    pub fn unit_label(&self, unit: Unit) -> &'static str {
        crate::provider::unit_label(unit, self.cache_writes_billed)
    }
}

/// Per-trial means of one billing unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitStats {
    /// The unit.
    pub unit: Unit,
    /// Mean quantity per trial (tokens, images, seconds, …).
    pub quantity_mean: f64,
    /// Mean USD per trial.
    pub usd_mean: f64,
}

/// Waste over all workloads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WasteStats {
    /// Mean waste per trial.
    pub mean: f64,
    /// 90th percentile of waste per trial.
    pub p90: f64,
    /// Mean waste over mean total spend.
    pub share_of_spend: f64,
}

/// Per-wallet results (means per trial).
#[derive(Clone, Debug, PartialEq)]
pub struct WalletStats {
    /// The wallet's name.
    pub name: String,
    /// USD per credit.
    pub credit_usd: f64,
    /// Top-ups bought.
    pub topups_mean: f64,
    /// USD of purchase fees.
    pub purchase_fees_mean: f64,
    /// USD of usage fees.
    pub usage_fees_mean: f64,
    /// Credits bought.
    pub credits_bought_mean: f64,
    /// Credits used.
    pub credits_used_mean: f64,
    /// Credits bought but not used by the end of the period (reported, not
    /// counted as spend).
    pub unused_credits_mean: f64,
    /// The unused credit in USD.
    pub unused_usd_mean: f64,
}

impl WalletStats {
    /// A wallet's statistics from the means per trial of its top-ups,
    /// purchase fees, usage fees, credits bought and credits used.
    fn of(spec: &costintent_scenario::Wallet, means: [f64; 5]) -> Self {
        let [topups, purchase_fees, usage_fees, bought, used] = means;
        Self {
            name: spec.name.clone(),
            credit_usd: spec.credit_usd,
            topups_mean: topups,
            purchase_fees_mean: purchase_fees,
            usage_fees_mean: usage_fees,
            credits_bought_mean: bought,
            credits_used_mean: used,
            unused_credits_mean: bought - used,
            unused_usd_mean: (bought - used) * spec.credit_usd,
        }
    }
}

/// The prices of one model, with where each came from.
#[derive(Clone, Debug, PartialEq)]
pub struct PricesUsed {
    /// `provider/model`.
    pub model: String,
    /// Where the prices came from, in words (`catalog`, `scenario file`, a path).
    pub origin: String,
    /// What the amounts are in (`USD`, or credits with their list price).
    pub currency: String,
    /// The day the model stops being served, if known.
    pub retired_on: Option<Date>,
    /// Workloads using the model, in scenario order.
    pub workloads: Vec<String>,
    /// Every price with its source and dates.
    pub lines: Vec<PriceLine>,
}

impl Report {
    /// Summarises `outcomes` of `scenario`.
    ///
    /// Fails when the run has no trials, when a column is not one value per
    /// trial or is not finite, or when the outcomes' workloads or wallets are
    /// not the scenario's, in order: a report over mismatched inputs would
    /// print wrong numbers with confidence.
    pub fn build(
        scenario: &Scenario,
        outcomes: &Outcomes,
        info: &RunInfo,
    ) -> Result<Report, ReportError> {
        let n = outcomes.trials();
        if n == 0 {
            return Err(ReportError::NoTrials);
        }
        if usize::try_from(info.trials).ok() != Some(n) {
            return Err(ReportError::TrialCount { expected: info.trials, found: n });
        }
        check_shape(scenario, outcomes)?;

        let sorted_total = SortedSample::from_slice(&outcomes.total);
        let total =
            Summary::from_sorted(&outcomes.total, &sorted_total).ok_or(ReportError::NoTrials)?;
        let budget = match info.budget.or(scenario.budget) {
            Some(amount) => {
                let above = sorted_total.count_above(amount) as u64;
                let exceed = proportion(above, n as u64).ok_or(ReportError::NoTrials)?;
                Some(BudgetStats { amount, exceed })
            }
            None => None,
        };

        let mut workloads = Vec::with_capacity(scenario.workloads.len());
        for (i, (spec, outcome)) in scenario.workloads.iter().zip(&outcomes.workloads).enumerate() {
            let spend = Summary::of(&outcome.spend).ok_or(ReportError::NoTrials)?;
            workloads.push(WorkloadStats {
                name: spec.name.clone(),
                kind: spec.kind.keyword().to_owned(),
                model: spec.price.id.clone(),
                via: spec.via.and_then(|i| scenario.wallets.get(i)).map(|w| w.name.clone()),
                spend,
                waste_mean: mean(&outcome.waste),
                attempts_mean: mean(&outcome.attempts),
                requests_mean: mean(&outcome.requests),
                lost_mean: mean(&outcome.lost),
                units: outcome
                    .units
                    .iter()
                    .map(|series| UnitStats {
                        unit: series.unit,
                        quantity_mean: mean(&series.quantity),
                        usd_mean: mean(&series.usd),
                    })
                    .collect(),
                method: outcomes.methods.get(i).cloned(),
                cache_writes_billed: crate::provider::bills_cache_writes(spec),
            });
        }

        let tail_threshold = total.p90.value;
        let tail_trials = outcomes.total.iter().filter(|&&t| t >= tail_threshold).count() as u64;
        let waste = waste_stats(outcomes, total.mean);
        let wallets = scenario
            .wallets
            .iter()
            .zip(&outcomes.wallets)
            .map(|(spec, outcome)| {
                WalletStats::of(
                    spec,
                    [
                        mean(&outcome.topups),
                        mean(&outcome.purchase_fees),
                        mean(&outcome.usage_fees),
                        mean(&outcome.credits_bought),
                        mean(&outcome.credits_used),
                    ],
                )
            })
            .collect();

        let mut report = Report {
            scenario: scenario.name.clone(),
            period: scenario.period.clone(),
            prices_date: scenario.prices_date,
            trials: n as u64,
            first_trial: outcomes.first_trial,
            seed: info.seed,
            scale: info.scale,
            total,
            budget,
            workloads,
            breakdown: breakdown(outcomes, tail_threshold),
            tail_trials,
            waste,
            wallets,
            clamped_draws: outcomes.clamped_draws,
            prices: prices_used(scenario),
            assumptions: describe_scenario(scenario),
            test_plan: None,
            sensitivity: None,
            adaptive: None,
            warnings: Vec::new(),
            sketch: None,
        };
        report.warnings = report.statistical_warnings(scenario);
        Ok(report)
    }

    /// Summarises a run kept as sketches (`--sketch`): exact means,
    /// extremes and budget exceedance; percentiles within the sketches'
    /// relative accuracy; the p90+ set of the breakdown read by sketch
    /// bucket. `info.budget` must be the budget the sketches counted
    /// (`--budget`, else the scenario's).
    pub fn build_sketched(
        scenario: &Scenario,
        outcomes: &SketchedOutcomes,
        info: &RunInfo,
    ) -> Result<Report, ReportError> {
        let n = outcomes.trials();
        if n == 0 {
            return Err(ReportError::NoTrials);
        }
        if info.trials != n {
            return Err(ReportError::TrialCount {
                expected: info.trials,
                found: usize::try_from(n).unwrap_or(usize::MAX),
            });
        }
        let names = |a: Vec<String>, b: Vec<String>, what: &'static str| {
            if a == b {
                Ok(())
            } else {
                Err(ReportError::Mismatch { what, scenario: a, outcomes: b })
            }
        };
        names(
            scenario.workloads.iter().map(|w| w.name.clone()).collect(),
            outcomes.workloads.iter().map(|w| w.name.clone()).collect(),
            "workload",
        )?;
        names(
            scenario.wallets.iter().map(|w| w.name.clone()).collect(),
            outcomes.wallets.iter().map(|w| w.name.clone()).collect(),
            "wallet",
        )?;
        let total = outcomes.total.summary().ok_or(ReportError::NoTrials)?;
        let budget = match info.budget.or(scenario.budget) {
            Some(amount) if outcomes.budget.map(f64::to_bits) == Some(amount.to_bits()) => {
                let exceed = proportion(outcomes.exceed, n).ok_or(ReportError::NoTrials)?;
                Some(BudgetStats { amount, exceed })
            }
            Some(amount) => {
                return Err(ReportError::Mismatch {
                    what: "budget",
                    scenario: vec![amount.to_string()],
                    outcomes: outcomes.budget.iter().map(f64::to_string).collect(),
                });
            }
            None => None,
        };
        let mut workloads = Vec::with_capacity(scenario.workloads.len());
        for (i, (spec, o)) in scenario.workloads.iter().zip(&outcomes.workloads).enumerate() {
            workloads.push(WorkloadStats {
                name: spec.name.clone(),
                kind: spec.kind.keyword().to_owned(),
                model: spec.price.id.clone(),
                via: spec.via.and_then(|i| scenario.wallets.get(i)).map(|w| w.name.clone()),
                spend: o.spend.summary().ok_or(ReportError::NoTrials)?,
                waste_mean: o.waste.mean,
                attempts_mean: o.attempts.mean,
                requests_mean: o.requests.mean,
                lost_mean: o.lost.mean,
                units: o
                    .units
                    .iter()
                    .map(|(unit, quantity, usd)| UnitStats {
                        unit: *unit,
                        quantity_mean: quantity.mean,
                        usd_mean: usd.mean,
                    })
                    .collect(),
                method: outcomes.methods.get(i).cloned(),
                cache_writes_billed: crate::provider::bills_cache_writes(spec),
            });
        }
        let (breakdown, tail_trials) =
            crate::breakdown::breakdown_sketched(outcomes, total.p90.value);
        let waste_mean = outcomes.waste.moments.mean;
        let waste = WasteStats {
            mean: waste_mean,
            p90: outcomes
                .waste
                .at_rank(
                    crate::stats::quantile_rank(usize::try_from(n).unwrap_or(usize::MAX), 0.9)
                        .unwrap_or(1),
                )
                .unwrap_or(0.0),
            share_of_spend: ratio(waste_mean, total.mean),
        };
        let wallets = scenario
            .wallets
            .iter()
            .zip(&outcomes.wallets)
            .map(|(spec, o)| WalletStats::of(spec, o.columns.map(|c| c.mean)))
            .collect();
        let mut report = Report {
            scenario: scenario.name.clone(),
            period: scenario.period.clone(),
            prices_date: scenario.prices_date,
            trials: n,
            first_trial: outcomes.first_trial,
            seed: info.seed,
            scale: info.scale,
            total,
            budget,
            workloads,
            breakdown,
            tail_trials,
            waste,
            wallets,
            clamped_draws: outcomes.clamped_draws,
            prices: prices_used(scenario),
            assumptions: describe_scenario(scenario),
            test_plan: None,
            sensitivity: None,
            adaptive: None,
            warnings: Vec::new(),
            sketch: Some(crate::sketch::RELATIVE_ACCURACY),
        };
        report.warnings = report.statistical_warnings(scenario);
        if outcomes.total.may_have_collapsed() {
            report.warnings.push(
                "total spend spans more than the sketch's bins cover, so its lowest bins may be merged and low percentiles read high; run without --sketch to check".to_owned(),
            );
        }
        Ok(report)
    }

    /// A billing unit of `workload` in words (see [`WorkloadStats::unit_label`]).
    pub fn unit_label(&self, workload: &str, unit: Unit) -> &'static str {
        self.workloads
            .iter()
            .find(|w| w.name == workload)
            .map_or_else(|| unit.label(), |w| w.unit_label(unit))
    }

    /// The budget that holds with 90%, 95% and 99% probability: the p90,
    /// p95 and p99 of total spend.
    pub fn budget_for_probability(&self) -> [(f64, &QuantileEstimate); 3] {
        [(0.90, &self.total.p90), (0.95, &self.total.p95), (0.99, &self.total.p99)]
    }

    /// Warnings about the Monte Carlo precision and the inputs.
    fn statistical_warnings(&self, scenario: &Scenario) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.clamped_draws > 0 {
            warnings.push(format!(
                "{} per-trial parameter draws fell outside their valid range and were moved to \
                 the nearest valid value; check the uncertain parameters' distributions",
                self.clamped_draws
            ));
        }
        let clamped: Vec<&str> = self
            .total
            .percentiles()
            .iter()
            .filter(|(_, estimate)| estimate.ranks.clamped)
            .map(|(label, _)| *label)
            .collect();
        if !clamped.is_empty() {
            let intervals = if clamped.len() == 1 {
                "its 95% interval reaches"
            } else {
                "their 95% intervals reach"
            };
            warnings.push(format!(
                "{} trials are too few for a reliable {}: {intervals} the most extreme trial; \
                 run more trials",
                self.trials,
                join_words(&clamped)
            ));
        }
        for (label, estimate) in self.total.percentiles() {
            let wide = estimate.value > 0.0 && estimate.ci.width() > WIDE_INTERVAL * estimate.value;
            if wide && !estimate.ranks.clamped {
                warnings.push(format!(
                    "the {label} of {} is only known to within {} to {}; run more trials",
                    usd(estimate.value),
                    usd(estimate.ci.lo),
                    usd(estimate.ci.hi)
                ));
            }
        }
        for workload in &self.workloads {
            if workload.requests_mean > 0.0 && workload.lost_mean > 0.01 * workload.requests_mean {
                // Requests after a retirement inside the period are rejected,
                // not failed: say so, or the loss reads as a reliability problem.
                let retired = scenario
                    .workloads
                    .iter()
                    .find(|w| w.name == workload.name)
                    .and_then(|w| {
                        w.price_changes.iter().find(|c| {
                            c.price.served_by.is_none()
                                && c.price.retired_on.is_some_and(|d| d <= c.date)
                        })
                    })
                    .map(|c| c.date);
                let why = match retired {
                    Some(day) => format!(
                        ": its model retires on {day} and the provider rejects the requests from then (requests whose every retry failed count too)"
                    ),
                    None => " after every retry failed".to_owned(),
                };
                warnings.push(format!(
                    "workload `{}` loses {} of its requests{why}",
                    workload.name,
                    percent(workload.lost_mean / workload.requests_mean)
                ));
            }
        }
        if self.scale != 1.0 && self.scale.is_finite() {
            warnings.push(format!(
                "volumes are multiplied by {} (--scale); the assumptions list the volumes as \
                 written",
                plain_number(self.scale)
            ));
        }
        warnings
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn waste_stats(outcomes: &Outcomes, total_mean: f64) -> WasteStats {
    let mut per_trial = vec![0.0; outcomes.trials()];
    for workload in &outcomes.workloads {
        for (acc, w) in per_trial.iter_mut().zip(&workload.waste) {
            *acc += w;
        }
    }
    let waste_mean = mean(&per_trial);
    // One percentile is needed, so a linear-time selection beats a sort.
    let p90 = select_quantile(&mut per_trial, 0.9).unwrap_or(0.0);
    WasteStats { mean: waste_mean, p90, share_of_spend: ratio(waste_mean, total_mean) }
}

fn prices_used(scenario: &Scenario) -> Vec<PricesUsed> {
    let mut prices: Vec<PricesUsed> = Vec::new();
    for workload in &scenario.workloads {
        let price = &workload.price;
        if let Some(existing) = prices.iter_mut().find(|p| p.model == price.id) {
            existing.workloads.push(workload.name.clone());
            continue;
        }
        prices.push(PricesUsed {
            model: price.id.clone(),
            origin: match &price.origin {
                Origin::Catalog => "catalog".to_owned(),
                Origin::Scenario => "scenario file".to_owned(),
                Origin::File(path) => format!("catalog file {path}"),
            },
            currency: match price.currency {
                Currency::Usd => "USD".to_owned(),
                Currency::Credits { usd_per_credit } => {
                    format!("credits at {} each", usd(usd_per_credit))
                }
            },
            retired_on: price.retired_on,
            workloads: vec![workload.name.clone()],
            lines: price.lines.clone(),
        });
    }
    prices
}

/// Checks that every column has one finite value per trial and that the
/// outcomes' workloads and wallets are the scenario's, in order.
fn check_shape(scenario: &Scenario, outcomes: &Outcomes) -> Result<(), ReportError> {
    let scenario_workloads: Vec<String> =
        scenario.workloads.iter().map(|w| w.name.clone()).collect();
    let outcome_workloads: Vec<String> =
        outcomes.workloads.iter().map(|w| w.name.clone()).collect();
    if scenario_workloads != outcome_workloads {
        return Err(ReportError::Mismatch {
            what: "workload",
            scenario: scenario_workloads,
            outcomes: outcome_workloads,
        });
    }
    let scenario_wallets: Vec<String> = scenario.wallets.iter().map(|w| w.name.clone()).collect();
    let outcome_wallets: Vec<String> = outcomes.wallets.iter().map(|w| w.name.clone()).collect();
    if scenario_wallets != outcome_wallets {
        return Err(ReportError::Mismatch {
            what: "wallet",
            scenario: scenario_wallets,
            outcomes: outcome_wallets,
        });
    }

    let checker = ColumnChecker { n: outcomes.trials(), first_trial: outcomes.first_trial };
    checker.check("total", &outcomes.total)?;
    for w in &outcomes.workloads {
        let column = |field: &str| format!("workload.{}.{field}", w.name);
        checker.check(&column("spend"), &w.spend)?;
        checker.check(&column("waste"), &w.waste)?;
        checker.check(&column("attempts"), &w.attempts)?;
        checker.check(&column("requests"), &w.requests)?;
        checker.check(&column("lost"), &w.lost)?;
        for series in &w.units {
            let key = series.unit.json_key();
            checker.check(&column(&format!("units.{key}.quantity")), &series.quantity)?;
            checker.check(&column(&format!("units.{key}.usd")), &series.usd)?;
        }
    }
    for w in &outcomes.wallets {
        let column = |field: &str| format!("wallet.{}.{field}", w.name);
        checker.check(&column("topups"), &w.topups)?;
        checker.check(&column("purchase_fees"), &w.purchase_fees)?;
        checker.check(&column("usage_fees"), &w.usage_fees)?;
        checker.check(&column("credits_bought"), &w.credits_bought)?;
        checker.check(&column("credits_used"), &w.credits_used)?;
    }
    Ok(())
}

struct ColumnChecker {
    n: usize,
    first_trial: u64,
}

impl ColumnChecker {
    fn check(&self, column: &str, values: &[f64]) -> Result<(), ReportError> {
        if values.len() != self.n {
            return Err(ReportError::ColumnLength {
                column: column.to_owned(),
                expected: self.n,
                found: values.len(),
            });
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(ReportError::NonFinite {
                column: column.to_owned(),
                trial: self.first_trial + i as u64,
            });
        }
        Ok(())
    }
}
