//! Very large runs: kept as sketches (`--sketch`), computed as shards of
//! their trials (`run --shard I/N`), and merged (`merge`).
//!
//! A shard plans exactly as the whole run does (the fast path plans from
//! the run's trial count) and simulates only its contiguous range of the
//! trials, so the shards' trials are the single run's trials. With every
//! trial kept, a merge appends them in trial order and builds the report
//! the single run builds, to the byte; with sketches, the merged sketches
//! equal the whole run's and the streamed means agree to rounding.

use costintent_report::{
    Report, RunInfo, Shard, ShardIndex, ShardRun, ShardScenario, ShardStep, SketchedOutcomes,
    StepData, check_shards,
};
use costintent_scenario::Scenario;
use costintent_sim::{EngineMode, Outcomes, SimOptions};

use crate::plan::{DEFAULT_STEPS, plan_from_steps};
use crate::{AnalysisError, RunPlan, RunRequest, Runner, Settings, Source, Warnings};

/// Trials simulated at once with `--sketch` (about 16 MB of rows for a
/// typical scenario).
pub const SKETCH_BATCH: u64 = 1 << 16;

/// A run kept as sketches, with its report.
#[derive(Clone, Debug)]
pub struct Sketched {
    /// The report.
    pub report: Report,
    /// The sketches it was built from (the charts need them).
    pub outcomes: SketchedOutcomes,
}

/// Which shard to compute, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShardRequest<'a> {
    /// The shard (from 0) and the number of shards.
    pub index: ShardIndex,
    /// `--budget`.
    pub budget: Option<f64>,
    /// `--sketch`.
    pub sketch: bool,
    /// The `--catalog` file's text, stored in the shard so that the merge
    /// prices the scenario alike.
    pub catalog: Option<&'a str>,
}

/// What a merge produced.
#[derive(Clone, Debug)]
pub enum MergeOutput {
    /// Shards that kept every trial: the single run's report and outcomes.
    Trials {
        /// The report, with its test plan.
        report: Box<Report>,
        /// Every trial, in trial order.
        outcomes: Outcomes,
    },
    /// Shards that kept sketches.
    Sketch(Box<Sketched>),
}

/// Simulates `source` once, kept as sketches.
pub fn run_sketched<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    request: &RunRequest,
    runner: &mut R,
) -> Result<Sketched, R::Error> {
    if request.sensitivity {
        return Err(AnalysisError::input(
            "--sketch does not combine with --sensitivity",
            "rank the assumptions with fewer trials and without --sketch",
        )
        .into());
    }
    let checked = source.load(&[])?;
    let warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let options = settings.options_for(scenario);
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: vec![("simulating", scenario)],
        transient: None,
        options,
        comparison: false,
        batch: Some(SKETCH_BATCH.min(options.trials)),
    })?;
    let budget = request.budget.or(scenario.budget);
    let outcomes = simulate_sketched(scenario, &options, budget, "simulating", runner)?;
    let info = RunInfo {
        trials: options.trials,
        seed: options.seed,
        scale: options.scale,
        budget: request.budget,
    };
    let mut report =
        Report::build_sketched(scenario, &outcomes, &info).map_err(AnalysisError::from)?;
    report.warnings.extend(checked.warnings.iter().map(|w| w.message.clone()));
    Ok(Sketched { report, outcomes })
}

fn simulate_sketched<R: Runner>(
    scenario: &Scenario,
    options: &SimOptions,
    budget: Option<f64>,
    label: &str,
    runner: &mut R,
) -> Result<SketchedOutcomes, R::Error> {
    let mut sketch: Option<SketchedOutcomes> = None;
    let mut left = options.trials;
    let first = SKETCH_BATCH.min(left);
    runner.simulate_batches(scenario, options, label, first, &mut |batch| {
        left -= batch.trials() as u64;
        sketch.get_or_insert_with(|| SketchedOutcomes::new(&batch, budget)).add(&batch);
        SKETCH_BATCH.min(left)
    })?;
    Ok(sketch.ok_or(AnalysisError::input("the run has no trials", "give --trials 1 or more"))?)
}

/// Computes one shard of the run of `source`: its range of the trials of
/// the 100% run and, when it keeps every trial, of the test plan's
/// smaller steps (a report folder has the plan).
pub fn shard<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    request: &ShardRequest<'_>,
    runner: &mut R,
) -> Result<Shard, R::Error> {
    let checked = source.load(&[])?;
    let warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let options = settings.options_for(scenario);
    let ShardIndex { index, count } = request.index;
    if count == 0 || index >= count {
        return Err(AnalysisError::input(
            format!("--shard {index}/{count} is not a shard: I counts from 0 and must be below N"),
            "for 4 shards give --shard 0/4, --shard 1/4, --shard 2/4 and --shard 3/4",
        )
        .into());
    }
    if count > options.trials {
        return Err(AnalysisError::input(
            format!(
                "--shard {index}/{count}: {count} shards of {} trials leave some empty",
                options.trials
            ),
            format!("use at most {} shards, or more trials", options.trials),
        )
        .into());
    }
    let (first, end) = request.index.range(options.trials);
    let shard_options = SimOptions {
        first_trial: first,
        trials: end - first,
        run_trials: options.trials,
        ..options
    };
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: vec![("shard", scenario)],
        transient: (!request.sketch).then_some(scenario),
        options: shard_options,
        comparison: false,
        batch: request.sketch.then_some(SKETCH_BATCH.min(shard_options.trials)),
    })?;
    let budget = request.budget.or(scenario.budget);
    // A report folder's test plan needs the smaller steps' trials; sketches
    // make no plan (see `merge`).
    let percents: &[f64] = if request.sketch { &[100.0] } else { &DEFAULT_STEPS };
    let mut steps = Vec::with_capacity(percents.len());
    for &percent in percents {
        let step_options = SimOptions { scale: options.scale * percent / 100.0, ..shard_options };
        let label = format!("shard {index}/{count}, {percent}%");
        let data = if request.sketch {
            StepData::Sketch(Box::new(simulate_sketched(
                scenario,
                &step_options,
                budget,
                &label,
                runner,
            )?))
        } else {
            StepData::Trials(runner.simulate(scenario, &step_options, &label)?)
        };
        steps.push(ShardStep { percent, data });
    }
    Ok(Shard {
        scenario: ShardScenario {
            file: source.name.to_owned(),
            text: source.text.to_owned(),
            catalog: request.catalog.map(str::to_owned),
            today: source.today,
            prices_date: scenario.prices_date,
        },
        run: ShardRun {
            seed: options.seed,
            trials: options.trials,
            scale: options.scale,
            exact: options.mode == EngineMode::Exact,
            budget: request.budget,
            sketch: request.sketch,
        },
        index: request.index,
        steps,
    })
}

/// Merges named shards into the report of the single run. `source` is the
/// scenario the shards carry (the caller loads its catalog from them);
/// the shards are checked to be the whole of one run first.
pub fn merge<R: Runner>(
    source: &Source<'_>,
    shards: Vec<(String, Shard)>,
    runner: &mut R,
) -> Result<MergeOutput, R::Error> {
    let shards = check_shards(shards)
        .map_err(|e| AnalysisError::Input { message: e.message, help: Some(e.help) })?;
    let checked = source.load(&[])?;
    let warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let run = shards[0].run;
    let options = SimOptions {
        trials: run.trials,
        seed: run.seed,
        threads: 0,
        scale: run.scale,
        first_trial: 0,
        mode: if run.exact { EngineMode::Exact } else { EngineMode::Auto },
        run_trials: 0,
        rse_goal: None,
    };
    let steps = shards[0].steps.len();
    if shards.iter().any(|s| s.steps.len() != steps) || steps == 0 {
        return Err(AnalysisError::input(
            "the shards do not hold the same steps",
            "run every shard with the same costintent version",
        )
        .into());
    }
    // Every step's trials are held at once while they are appended.
    let kept =
        if run.sketch { vec![("merging", scenario)] } else { vec![("merging", scenario); steps] };
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept,
        transient: None,
        options,
        comparison: false,
        batch: run.sketch.then_some(1),
    })?;
    let info = RunInfo { trials: run.trials, seed: run.seed, scale: run.scale, budget: run.budget };
    let mut merged: Vec<(f64, StepData)> = Vec::with_capacity(steps);
    for step in 0..steps {
        let percent = shards[0].steps[step].percent;
        let mut data: Option<StepData> = None;
        for shard in &shards {
            let part = &shard.steps[step];
            if part.percent.to_bits() != percent.to_bits() {
                return Err(AnalysisError::input(
                    "the shards do not hold the same steps",
                    "run every shard with the same costintent version",
                )
                .into());
            }
            match (&mut data, &part.data) {
                (None, d) => data = Some(d.clone()),
                (Some(StepData::Trials(all)), StepData::Trials(o)) => all.append(o.clone()),
                (Some(StepData::Sketch(all)), StepData::Sketch(s)) => all.merge(s),
                _ => {
                    return Err(AnalysisError::input(
                        "the shards mix kept trials and sketches",
                        "run every shard with --sketch, or none",
                    )
                    .into());
                }
            }
        }
        if let Some(data) = data {
            merged.push((percent, data));
        }
    }
    let Some((_, base)) = merged.pop() else {
        return Err(AnalysisError::input("the shards hold no runs", "run the shards again").into());
    };
    match base {
        StepData::Sketch(outcomes) => {
            let mut report =
                Report::build_sketched(scenario, &outcomes, &info).map_err(AnalysisError::from)?;
            report.warnings.extend(checked.warnings.iter().map(|w| w.message.clone()));
            Ok(MergeOutput::Sketch(Box::new(Sketched { report, outcomes: *outcomes })))
        }
        StepData::Trials(outcomes) => {
            let mut report =
                Report::build(scenario, &outcomes, &info).map_err(AnalysisError::from)?;
            report.warnings.extend(checked.warnings.iter().map(|w| w.message.clone()));
            let mut smaller = merged.into_iter();
            let percents: Vec<f64> = DEFAULT_STEPS.to_vec();
            let plan = plan_from_steps(scenario, run.scale, &outcomes, &percents, |percent, _| {
                match smaller.next() {
                    Some((p, StepData::Trials(o))) if p == percent => Ok(o),
                    _ => Err(AnalysisError::input(
                        "the shards do not hold the test plan's steps",
                        "run every shard with the same costintent version",
                    )),
                }
            })?;
            report.test_plan = Some(plan.to_test_plan());
            Ok(MergeOutput::Trials { report: Box::new(report), outcomes })
        }
    }
}
