//! One module per command; this one dispatches and holds what they share.

mod attempts_log;
mod calibrate;
mod catalog;
mod check;
mod compare;
mod init;
mod limits;
mod logs;
mod merge;
mod plan;
mod reconcile;
mod run;

use std::path::Path;

use costintent_analysis::{AnalysisError, RunPlan, Runner, Settings};
use costintent_scenario::{Catalog, Checked, LoadOptions, Override, Scenario, WorkloadKind};
use costintent_sim::{Engine, EngineMode, Outcomes, RunError, SimOptions};

use crate::cli::{Command, SimArgs};
use crate::error::CliError;
use crate::files::{Input, read_text};
use crate::memory::{self, Need};
use crate::progress::{Progress, cancel_flag};

/// Runs one command.
pub(crate) fn dispatch(command: Command) -> Result<(), CliError> {
    match command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Init(args) => init::init(&args),
        Command::Catalog(args) => catalog::catalog(args),
        Command::Compare(args) => compare::compare(&args),
        Command::Plan(args) => plan::plan(&args),
        Command::Reconcile(args) => reconcile::reconcile(&args),
        Command::Limits(args) => limits::limits(&args),
        Command::Logs(args) => logs::logs(args),
        Command::Merge(args) => merge::merge(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
    }
}

/// The built-in catalog, with a user catalog file laid over it.
pub(crate) fn load_catalog(file: Option<&Path>) -> Result<Catalog, CliError> {
    let embedded = Catalog::embedded();
    let Some(file) = file else { return Ok(embedded) };
    let text = read_text(file, Input::CATALOG)?;
    let user = Catalog::from_toml_str(&file.display().to_string(), &text)
        .map_err(|e| CliError::input(e.to_string()))?;
    Ok(embedded.overlay(&user))
}

/// Loads and validates a scenario; warnings go to stderr.
pub(crate) fn load_scenario(
    path: &Path,
    catalog: &Catalog,
    overrides: &[Override],
) -> Result<Checked, CliError> {
    let options = LoadOptions { catalog, today: crate::clock::today(), overrides };
    let text = read_text(path, Input::SCENARIO)?;
    let checked = costintent_scenario::load_str(&path.display().to_string(), &text, &options)?;
    print_warnings(&checked);
    Ok(checked)
}

/// Prints a scenario's warnings to stderr.
pub(crate) fn print_warnings(checked: &Checked) {
    for warning in &checked.warnings {
        crate::output::print_stderr(&warning.render(crate::output::stderr_color()));
    }
}

/// The most worker threads `--threads` accepts; more only cost memory and
/// start-up time (results never depend on the thread count).
pub(crate) const MAX_THREADS: usize = 1024;

/// Threads per core beyond which `--threads` is lowered, with a warning.
const THREADS_PER_CORE: usize = 4;

/// Engine settings from the command line (the scenario's defaults fill in
/// what is not given), with `--scale` and `--trials` checked.
pub(crate) fn settings(args: &SimArgs) -> Result<Settings, CliError> {
    if !(args.scale.is_finite() && args.scale > 0.0) {
        return Err(CliError::input_with_help(
            format!("--scale must be a positive number, not {}", args.scale),
            "for example --scale 10 for ten times the volume",
        ));
    }
    if args.trials == Some(0) {
        return Err(CliError::input("--trials must be at least 1"));
    }
    Ok(Settings {
        trials: args.trials,
        seed: args.seed,
        threads: threads(args.threads),
        scale: args.scale,
        mode: if args.exact { EngineMode::Exact } else { EngineMode::Auto },
        precision: None,
        max_trials: None,
    })
}

/// A scenario file read for the analysis layer: its name for messages and
/// its text.
pub(crate) struct ScenarioText {
    name: String,
    text: String,
}

impl ScenarioText {
    /// Reads the scenario file at `path`.
    pub(crate) fn read(path: &Path) -> Result<Self, CliError> {
        Ok(Self { name: path.display().to_string(), text: read_text(path, Input::SCENARIO)? })
    }

    /// The file as the analysis layer takes it, looked up in `catalog`.
    pub(crate) fn source<'a>(&'a self, catalog: &'a Catalog) -> costintent_analysis::Source<'a> {
        costintent_analysis::Source {
            name: &self.name,
            text: &self.text,
            catalog,
            today: crate::clock::today(),
        }
    }
}

/// The CLI's side of the analysis layer: warnings on stderr, the
/// `--fail-over-budget` and memory checks before anything is simulated,
/// and a progress bar and Ctrl-C handling for every simulation.
pub(crate) struct CliRunner {
    /// No progress bar.
    pub(crate) quiet: bool,
    /// With `--fail-over-budget`: the `--budget` given, if any; every run
    /// then needs a budget, from the command line or its scenario.
    pub(crate) budget_gate: Option<Option<f64>>,
    /// Whether trials.csv is built (for the memory estimate).
    pub(crate) csv: bool,
    /// Whether a refusal for memory suggests `--sketch` (a single run).
    pub(crate) sketch_hint: bool,
}

impl CliRunner {
    pub(crate) fn new(quiet: bool) -> Self {
        Self { quiet, budget_gate: None, csv: false, sketch_hint: false }
    }
}

impl Runner for CliRunner {
    type Error = CliError;

    fn prepare(&mut self, plan: &RunPlan<'_>) -> Result<(), CliError> {
        for warning in plan.warnings {
            crate::output::print_stderr(&warning.render(crate::output::stderr_color()));
        }
        let mut scaled: Vec<String> = Vec::new();
        for scenario in plan.kept.iter().map(|(_, s)| *s).chain(plan.transient) {
            for warning in scaled_volume_warnings(scenario, plan.options.scale) {
                if !scaled.contains(&warning) {
                    crate::output::print_stderr(&warning);
                    scaled.push(warning);
                }
            }
        }
        if let Some(cli_budget) = self.budget_gate {
            let without = plan.kept.iter().find(|(_, s)| cli_budget.or(s.budget).is_none());
            match without {
                Some(_) if !plan.comparison => return Err(needs_budget()),
                Some((label, _)) => {
                    return Err(CliError::input_with_help(
                        format!("--fail-over-budget needs a budget, and run `{label}` has none"),
                        "set `budget` in [scenario] or pass --budget USD",
                    ));
                }
                None => {}
            }
        }
        ensure_memory(&Need {
            kept: plan.kept.iter().map(|(_, s)| *s).collect(),
            transient: plan.transient,
            // Sketched runs hold one batch of trials at a time.
            trials: plan.batch.unwrap_or(plan.options.trials),
            csv: self.csv && plan.batch.is_none(),
            sketch_hint: self.sketch_hint && plan.batch.is_none(),
        })
    }

    fn simulate(
        &mut self,
        scenario: &Scenario,
        options: &SimOptions,
        label: &str,
    ) -> Result<Outcomes, CliError> {
        simulate(scenario, options, label, self.quiet)
    }

    /// Batches under one plan of the engine (planned once, not per batch),
    /// with one progress display: of the whole run when its length is
    /// known, else growing with each batch (an adaptive run).
    fn simulate_batches(
        &mut self,
        scenario: &Scenario,
        options: &SimOptions,
        label: &str,
        first: u64,
        each: &mut dyn FnMut(Outcomes) -> u64,
    ) -> Result<(), CliError> {
        let cancel = cancel_flag();
        let adaptive = options.rse_goal.is_some();
        let progress = Progress::new(if adaptive { 0 } else { options.trials }, label, self.quiet);
        let engine = Engine::new(scenario);
        let run_trials = if options.run_trials > 0 { options.run_trials } else { options.trials };
        // Planned once for the whole run, as a single run plans.
        let plans = engine.plan(&SimOptions { run_trials, ..*options }, cancel);
        let mut first_trial = options.first_trial;
        let mut trials = first;
        while trials > 0 {
            if adaptive {
                progress.set_total(first_trial - options.first_trial + trials);
            }
            let part = SimOptions { first_trial, trials, run_trials, ..*options };
            let outcomes = engine
                .run_planned(&part, &plans, &|n| progress.advance(n), cancel)
                .map_err(|e| {
                    progress.finish();
                    run_error(e, &progress, progress.total(), trials)
                })?;
            first_trial += trials;
            trials = each(outcomes);
        }
        progress.finish();
        Ok(())
    }
}

/// A folder as the messages name it: the path as given, with exactly one
/// trailing separator (`report/`, never `report//`).
pub(crate) fn folder_text(path: &Path) -> String {
    let text = path.display().to_string();
    let separator = std::path::MAIN_SEPARATOR;
    let trimmed = text.trim_end_matches(['/', separator]);
    if trimmed.is_empty() { text } else { format!("{trimmed}{separator}") }
}

/// The error of `--fail-over-budget` without a budget.
pub(crate) fn needs_budget() -> CliError {
    CliError::input_with_help(
        "--fail-over-budget needs a budget",
        "set `budget` in [scenario] or pass --budget USD",
    )
}

/// `--threads`, lowered to [`THREADS_PER_CORE`] per core with a warning
/// (the option's parser already refused more than [`MAX_THREADS`]).
fn threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let cap = (cores * THREADS_PER_CORE).min(MAX_THREADS);
    if requested > cap {
        crate::output::print_stderr(&format!(
            "warning: --threads {requested} lowered to {cap} ({THREADS_PER_CORE} per core on {cores} cores); results do not depend on it\n"
        ));
        return cap;
    }
    requested
}

/// Warnings for each workload that `--scale` takes beyond any real
/// workload (the file's own volumes are checked at validation).
fn scaled_volume_warnings(scenario: &Scenario, scale: f64) -> Vec<String> {
    use costintent_scenario::limits;
    if scale == 1.0 {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    for w in &scenario.workloads {
        let volume = match &w.kind {
            WorkloadKind::Requests(r) => &r.requests,
            WorkloadKind::Agent(a) => &a.sessions,
            WorkloadKind::Image(i) => &i.requests,
            WorkloadKind::Video(v) => &v.requests,
            WorkloadKind::Realtime(r) => &r.sessions,
        };
        if let Some(mean) = volume.mean().map(|m| m * scale)
            && mean > limits::VOLUME_WARNING
        {
            warnings.push(format!(
                "warning: --scale {} takes workload `{}` to {} per period on average, more than any real workload ({} is the usual ceiling); simulating it may take long\n",
                limits::show(scale),
                costintent_scenario::diagnostics::printable(&w.name),
                limits::show(mean),
                limits::show(limits::VOLUME_WARNING)
            ));
        }
    }
    warnings
}

/// Refuses a command whose runs would not fit in memory (exit code 2),
/// before anything is simulated.
fn ensure_memory(need: &Need<'_>) -> Result<(), CliError> {
    need.ensure_fits(&memory::available()?)
}

/// Simulates with a progress bar and Ctrl-C handling.
fn simulate(
    scenario: &Scenario,
    options: &SimOptions,
    label: &str,
    quiet: bool,
) -> Result<Outcomes, CliError> {
    let cancel = cancel_flag();
    let progress = Progress::new(options.trials, label, quiet);
    let engine = Engine::new(scenario);
    let result = engine.run(options, &|n| progress.advance(n), cancel);
    progress.finish();
    result.map_err(|e| run_error(e, &progress, options.trials, options.trials))
}

/// The CLI error of a failed simulation of `total` trials, `held` of them
/// in memory at once.
fn run_error(error: RunError, progress: &Progress, total: u64, held: u64) -> CliError {
    match error {
        RunError::Cancelled => CliError::Interrupted { done: progress.done(), total },
        RunError::OutOfMemory { bytes } => CliError::runtime(format!(
            "cannot allocate {} for the per-trial results of {} trials",
            memory::bytes_text(bytes),
            memory::group(held)
        )),
    }
}

impl From<AnalysisError> for CliError {
    fn from(error: AnalysisError) -> Self {
        match error {
            AnalysisError::Scenario(diagnostics) => Self::Scenario(diagnostics),
            AnalysisError::Input { message, help } => Self::Input { message, help },
            AnalysisError::Report(error) => Self::runtime(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::folder_text;
    use std::path::Path;

    #[test]
    fn a_folder_is_named_with_one_trailing_separator() {
        assert_eq!(folder_text(Path::new("report")), "report/");
        assert_eq!(folder_text(Path::new("report/")), "report/");
        assert_eq!(folder_text(Path::new("out/report//")), "out/report/");
        assert_eq!(folder_text(Path::new("/")), "/");
    }
}
