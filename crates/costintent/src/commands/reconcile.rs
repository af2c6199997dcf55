//! `costintent reconcile`: reads the logs (the file system side) and hands
//! them to `costintent_analysis::reconcile`, which runs the forecast.

use costintent_analysis::ReconcileRequest;
use costintent_logs::{Format, ImportOptions};
use costintent_report::pretty_json;
use costintent_scenario::Date;

use super::{CliRunner, ScenarioText};
use crate::cli::{ReconcileArgs, TextOrJson};
use crate::error::CliError;
use crate::output::print_stdout;

pub(crate) fn reconcile(args: &ReconcileArgs) -> Result<(), CliError> {
    let from = args.from.as_deref().map(|t| date("--from", t)).transpose()?;
    let as_of = args.as_of.as_deref().map(|t| date("--as-of", t)).transpose()?;
    let format = args
        .log_format
        .as_deref()
        .map(|f| f.parse::<Format>().map_err(CliError::input))
        .transpose()?;
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    let settings = super::settings(&args.sim)?;
    let file = ScenarioText::read(&args.scenario)?;
    let (inputs, _) = super::logs::inputs(&args.logs)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.sim.threads)
        .build()
        .map_err(|e| CliError::runtime(format!("cannot start worker threads: {e}")))?;
    let records = pool
        .install(|| costintent_logs::read_records(&inputs, &ImportOptions { format }))
        .map_err(super::logs::import_error)?;
    if records.attempts.is_empty() && records.buckets.is_empty() {
        return Err(CliError::input_with_help(
            "the logs hold no usage record",
            "give the period's usage logs or billing export (`logs summarize` shows what they hold)",
        ));
    }
    let mut runner = CliRunner::new(args.sim.quiet);
    if args.fail_over_budget {
        runner.budget_gate = Some(args.budget);
    }
    let result = costintent_analysis::reconcile(
        &file.source(&catalog),
        &settings,
        &ReconcileRequest { records: &records, from, as_of, budget: args.budget },
        &mut runner,
    )?;
    match args.format {
        TextOrJson::Json => print_stdout(&pretty_json(&result.to_json()))?,
        TextOrJson::Text => print_stdout(&result.render_text())?,
    }
    if args.fail_over_budget {
        match result.over_budget(args.max_risk) {
            None => return Err(super::needs_budget()),
            Some(true) => {
                return Err(CliError::OverBudget {
                    // After the period the actual spend is over: certain.
                    p_exceed: if result.projection.is_some() {
                        result.p_exceed_budget.unwrap_or(1.0)
                    } else {
                        1.0
                    },
                    max_risk: args.max_risk,
                    run: None,
                });
            }
            Some(false) => {}
        }
    }
    Ok(())
}

fn date(option: &str, text: &str) -> Result<Date, CliError> {
    text.parse::<Date>().map_err(|e| {
        CliError::input_with_help(
            format!("{option}: {e}"),
            format!("for example {option} 2026-11-01"),
        )
    })
}
