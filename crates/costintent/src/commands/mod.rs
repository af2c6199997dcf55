//! One module per command; this one dispatches and holds what they share.

mod catalog;
mod check;
mod compare;
mod init;
mod logs;
mod logs_render;
mod plan;
mod run;
mod sensitivity;

use std::path::Path;

use costintent_scenario::{Catalog, Checked, LoadOptions, Override, Scenario, WorkloadKind};
use costintent_sim::{Engine, Outcomes, RunError, SimOptions};

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
        Command::Logs(args) => logs::logs(args),
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

/// Engine options from the command line and the scenario's defaults.
pub(crate) fn sim_options(args: &SimArgs, scenario: &Scenario) -> Result<SimOptions, CliError> {
    if !(args.scale.is_finite() && args.scale > 0.0) {
        return Err(CliError::input_with_help(
            format!("--scale must be a positive number, not {}", args.scale),
            "for example --scale 10 for ten times the volume",
        ));
    }
    let trials = args.trials.unwrap_or(scenario.trials);
    if trials == 0 {
        return Err(CliError::input("--trials must be at least 1"));
    }
    Ok(SimOptions {
        trials,
        seed: args.seed.unwrap_or(scenario.seed),
        threads: threads(args.threads),
        scale: args.scale,
        first_trial: 0,
        exact: args.exact,
        run_trials: 0,
    })
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

/// Warns when `--scale` takes a workload's volume beyond any real workload
/// (the file's own volumes are checked at validation).
pub(crate) fn warn_scaled_volumes(scenario: &Scenario, scale: f64) {
    use costintent_scenario::limits;
    if scale == 1.0 {
        return;
    }
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
            crate::output::print_stderr(&format!(
                "warning: --scale {} takes workload `{}` to {} per period on average, more than any real workload ({} is the usual ceiling); simulating it may take long\n",
                limits::show(scale),
                costintent_scenario::diagnostics::printable(&w.name),
                limits::show(mean),
                limits::show(limits::VOLUME_WARNING)
            ));
        }
    }
}

/// Refuses a command whose runs would not fit in memory (exit code 2),
/// before anything is simulated.
pub(crate) fn ensure_memory(need: &Need<'_>) -> Result<(), CliError> {
    need.ensure_fits(&memory::available()?)
}

/// Simulates with a progress bar and Ctrl-C handling.
pub(crate) fn simulate(
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
    result.map_err(|e| match e {
        RunError::Cancelled => {
            CliError::Interrupted { done: progress.done(), total: options.trials }
        }
        RunError::OutOfMemory { bytes } => CliError::runtime(format!(
            "cannot allocate {} for the per-trial results of {} trials",
            memory::bytes_text(bytes),
            memory::group(options.trials)
        )),
    })
}
