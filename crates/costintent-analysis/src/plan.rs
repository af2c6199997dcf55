//! The small prepaid test before scaling: the scenario at 100% of its volume
//! (exactly what `run` simulates) and at each smaller step, with the same
//! seed, reduced to a [`Plan`].

use costintent_report::{Plan, PlanStep, StepRun};
use costintent_scenario::Scenario;
use costintent_sim::{Outcomes, SimOptions};

use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

/// The steps of a report folder's test plan, in percent of the volume.
pub const DEFAULT_STEPS: [f64; 3] = [1.0, 10.0, 100.0];

/// The prepaid test plan of `source` with `steps` in percent of the
/// scenario's volume (each positive; order and repeats do not matter).
pub fn plan<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    steps: &[f64],
    runner: &mut R,
) -> Result<Plan, R::Error> {
    check_steps(steps)?;
    let checked = source.load(&[])?;
    let warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let options = settings.options_for(scenario);
    // The 100% run is kept while the smaller steps are simulated.
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: vec![("100%", scenario)],
        transient: Some(scenario),
        options,
        comparison: false,
        batch: None,
    })?;
    let base = runner.simulate(scenario, &options, "100%")?;
    plan_with_base(scenario, &options, &base, steps, runner)
}

/// The plan when the 100% run (`base`, the scenario at `options`) is
/// already made: the smaller steps are simulated with the same seed, one
/// at a time.
pub(crate) fn plan_with_base<R: Runner>(
    scenario: &Scenario,
    options: &SimOptions,
    base: &Outcomes,
    steps: &[f64],
    runner: &mut R,
) -> Result<Plan, R::Error> {
    plan_from_steps(scenario, options.scale, base, steps, |percent, scale| {
        let step_options = SimOptions { scale, ..*options };
        runner.simulate(scenario, &step_options, &format!("{percent}%"))
    })
}

/// The plan given the 100% run (`base`, at `scale`) and a way to get each
/// smaller step's outcomes (`step(percent, scale)`), called smallest
/// first: simulated by [`plan_with_base`], read from shards by a merge.
pub(crate) fn plan_from_steps<E: From<AnalysisError>>(
    scenario: &Scenario,
    scale: f64,
    base: &Outcomes,
    steps: &[f64],
    mut step: impl FnMut(f64, f64) -> Result<Outcomes, E>,
) -> Result<Plan, E> {
    check_steps(steps)?;
    // Smallest first: the plan grows the volume step by step.
    let mut percents = steps.to_vec();
    percents.sort_by(f64::total_cmp);
    percents.dedup();
    let mut reduced = Vec::with_capacity(percents.len());
    for percent in percents {
        let step_scale = scale * percent / 100.0;
        let built = if percent == 100.0 {
            PlanStep::build(scenario, &StepRun { percent, scale: step_scale, outcomes: base })
        } else {
            let outcomes = step(percent, step_scale)?;
            PlanStep::build(scenario, &StepRun { percent, scale: step_scale, outcomes: &outcomes })
        };
        reduced.push(built.map_err(AnalysisError::from)?);
    }
    Ok(Plan::build(scenario, base, reduced))
}

/// Steps are positive percentages, at least one.
fn check_steps(steps: &[f64]) -> Result<(), AnalysisError> {
    if steps.is_empty() || steps.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
        return Err(AnalysisError::input(
            "the plan's steps must be positive percentages",
            "for example 1, 10 and 100",
        ));
    }
    Ok(())
}
