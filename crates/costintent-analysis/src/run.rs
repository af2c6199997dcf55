//! One scenario: its report, with the test plan of a report folder and the
//! sensitivity ranking when they are asked for.

use costintent_report::{Report, RunInfo};
use costintent_sim::Outcomes;

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
    let mut warnings = Warnings::default();
    warnings.add(&checked);
    let scenario = &checked.scenario;
    let options = settings.options_for(scenario);
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
    let outcomes = runner.simulate(scenario, &options, "simulating")?;
    let info = RunInfo {
        trials: options.trials,
        seed: options.seed,
        scale: options.scale,
        budget: request.budget,
    };
    let mut report = Report::build(scenario, &outcomes, &info).map_err(AnalysisError::from)?;
    report.warnings.extend(checked.warnings.iter().map(|w| w.message.clone()));
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
