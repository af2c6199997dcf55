//! One scenario: its report, with the test plan of a report folder and the
//! sensitivity ranking when they are asked for.

use costintent_report::stats::{CONFIDENCE, z_for_level};
use costintent_report::{Report, RunInfo};
use costintent_sim::{Outcomes, SimOptions};

use crate::adaptive::{Stopper, TrialCount};

use crate::plan::{DEFAULT_STEPS, plan_with_base};
use crate::sensitivity::SensitivityRuns;
use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

/// What a run should produce besides the report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunRequest {
    /// A budget that replaces the scenario's.
    pub budget: Option<f64>,
    /// Add the prepaid test plan ([`DEFAULT_STEPS`]) to the report, as a
    /// report folder has it.
    pub test_plan: bool,
    /// Add the sensitivity ranking to the report.
    pub sensitivity: bool,
}

/// A run's report and the outcomes it was built from (the charts and the
/// per-trial files need every trial).
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The report, with the scenario's `check` warnings appended and the
    /// test plan and sensitivity ranking when requested.
    pub report: Report,
    /// The run's per-trial outcomes.
    pub outcomes: Outcomes,
}

/// Simulates `source` once and reports it.
pub fn run<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    request: &RunRequest,
    runner: &mut R,
) -> Result<RunOutput, R::Error> {
    let checked = source.load(&[])?;
    let mut warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let budget = request.budget.or(scenario.budget);
    // An adaptive run is planned for the most trials it may take, with
    // pools as precise as its goal needs (see `SimOptions::rse_goal`).
    let (mut options, mut stopper) = match settings.trial_count(scenario) {
        TrialCount::Fixed(trials) => {
            (SimOptions { trials, ..settings.options_for(scenario) }, None)
        }
        TrialCount::Adaptive { precision, max_trials } => (
            SimOptions {
                trials: max_trials,
                run_trials: max_trials,
                rse_goal: Some(precision / z_for_level(CONFIDENCE).unwrap_or(1.96)),
                ..settings.options_for(scenario)
            },
            Some(Stopper::new(precision, max_trials, budget)),
        ),
    };
    let sensitivity = if request.sensitivity {
        Some(SensitivityRuns::load(source, &mut warnings)?)
    } else {
        None
    };
    // The test plan and the sensitivity ranking simulate further runs
    // while this one is kept.
    let transient = (request.sensitivity || request.test_plan).then_some(scenario);
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: vec![("simulating", scenario)],
        transient,
        options,
        comparison: false,
        batch: None,
    })?;
    let outcomes = match &mut stopper {
        None => runner.simulate(scenario, &options, "simulating")?,
        Some(stopper) => {
            let mut all: Option<Outcomes> = None;
            let first = stopper.next(None);
            runner.simulate_batches(scenario, &options, "simulating", first, &mut |batch| {
                match &mut all {
                    Some(all) => all.append(batch),
                    None => all = Some(batch),
                }
                stopper.next(all.as_ref())
            })?;
            let outcomes = all.ok_or_else(|| {
                AnalysisError::input("an adaptive run ran no trials", "pass --trials N")
            })?;
            options.trials = outcomes.trials() as u64;
            outcomes
        }
    };
    let info = RunInfo {
        trials: options.trials,
        seed: options.seed,
        scale: options.scale,
        budget: request.budget,
    };
    let mut report = Report::build(scenario, &outcomes, &info).map_err(AnalysisError::from)?;
    report.warnings.extend(checked.warnings.iter().map(|w| w.message.clone()));
    report.adaptive = stopper.as_ref().and_then(Stopper::result);
    if let Some(runs) = sensitivity {
        report.sensitivity = Some(runs.run(&options, report.total.p90.value, runner)?);
    }
    if request.test_plan {
        // The 100% step of the plan is this run; the smaller steps are
        // simulated with the same seed (common random numbers).
        let plan = plan_with_base(scenario, &options, &outcomes, &DEFAULT_STEPS, runner)?;
        report.test_plan = Some(plan.to_test_plan());
    }
    Ok(RunOutput { report, outcomes })
}
