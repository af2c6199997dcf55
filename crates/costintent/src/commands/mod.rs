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

use costintent_scenario::{Catalog, Checked, Date, LoadOptions, Override, Scenario};
use costintent_sim::{Outcomes, SimOptions};

use crate::cli::{Command, SimArgs};
use crate::error::CliError;
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
    let text = std::fs::read_to_string(file).map_err(|e| {
        CliError::input_with_help(
            format!("cannot read catalog file {}: {e}", file.display()),
            "`costintent catalog import litellm <file> --out <catalog.toml>` writes one",
        )
    })?;
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
    let options = LoadOptions { catalog, today: Date::today_utc(), overrides };
    let checked = costintent_scenario::load_file(path, &options)?;
    print_warnings(&checked);
    Ok(checked)
}

/// Prints a scenario's warnings to stderr.
pub(crate) fn print_warnings(checked: &Checked) {
    for warning in &checked.warnings {
        crate::output::print_stderr(&warning.render(crate::output::stderr_color()));
    }
}

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
        threads: args.threads,
        scale: args.scale,
        first_trial: 0,
    })
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
    let result = costintent_sim::simulate(scenario, options, &|n| progress.advance(n), cancel);
    progress.finish();
    result.map_err(|_cancelled| CliError::Interrupted {
        done: progress.done(),
        total: options.trials,
    })
}
