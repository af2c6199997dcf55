//! `costintent calibrate`: reads the logs and the scenario, fits the
//! scenario to the logs (`costintent_analysis::calibrate`), writes the
//! fitted values into the user's file (`costintent_scenario::edit`),
//! validates the result, and writes it with the fits.

use std::time::Instant;

use costintent_analysis::CalibrateOptions;
use costintent_report::calibrate as render;
use costintent_scenario::LoadOptions;

use crate::cli::CalibrateArgs;
use crate::error::CliError;
use crate::files::{Input, read_text, write_file};
use crate::output::{print_stderr, print_stdout};

pub(crate) fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    let prepared = super::logs::prepare(&args.paths, &args.input)?;
    let name = args.scenario.display().to_string();
    let text = read_text(&args.scenario, Input::SCENARIO)?;
    let options =
        LoadOptions { catalog: &prepared.catalog, today: crate::clock::today(), overrides: &[] };
    let checked = costintent_scenario::load_str(&name, &text, &options)?;
    super::print_warnings(&checked);
    let scenario = &checked.scenario;

    let start = Instant::now();
    let records = prepared
        .pool
        .install(|| costintent_logs::read_records(&prepared.inputs, &prepared.import))
        .map_err(super::logs::import_error)?;
    super::logs::speed_line(&records.stats, start.elapsed().as_secs_f64(), args.input.quiet);
    if records.attempts.is_empty() {
        let what = if records.buckets.is_empty() {
            "the logs hold no request records".to_owned()
        } else {
            format!(
                "the logs hold only billing-export rows ({}), which count no requests",
                records.buckets.len()
            )
        };
        return Err(CliError::input_with_help(
            what,
            "give request-level logs: Claude Code transcripts, API responses, OpenRouter generations or costintent JSONL",
        ));
    }

    let calibration = costintent_analysis::calibrate(
        scenario,
        &records.attempts,
        &CalibrateOptions { workload: args.workload.as_deref() },
    )
    .map_err(|e| CliError::input_with_help(e.message, e.help))?;
    check_keep(&args.keep, &calibration)?;

    let files = records.stats.files.len();
    let source = format!("{files} file{}", if files == 1 { "" } else { "s" });
    let edits = render::edits(scenario, &calibration, &args.keep, &source);
    let calibrated = costintent_scenario::edit::apply(&text, &edits.header, &edits.edits)
        .map_err(|e| CliError::runtime(format!("cannot write the calibrated scenario: {e}")))?;
    // The written file must load like any other; a failure here is a bug in
    // calibrate, not in the user's input.
    let out_name = args
        .out
        .as_ref()
        .map_or_else(|| "calibrated scenario".to_owned(), |p| p.display().to_string());
    if let Err(diagnostics) = costintent_scenario::load_str(&out_name, &calibrated, &options) {
        return Err(CliError::runtime(format!(
            "the calibrated scenario does not validate (please report this):\n{}",
            diagnostics.render(false)
        )));
    }

    let summary = render::table(&edits);
    match &args.out {
        Some(path) => {
            write_file(path, calibrated.as_bytes())?;
            print_stdout(&format!("{summary}\nwrote {}\n", path.display()))
        }
        None => {
            if !args.input.quiet {
                print_stderr(&summary);
            }
            print_stdout(&calibrated)
        }
    }
}

/// Every `--keep` names a key calibrate reports on.
fn check_keep(
    keep: &[String],
    calibration: &costintent_analysis::Calibration,
) -> Result<(), CliError> {
    let mut known: Vec<String> = Vec::new();
    for w in &calibration.workloads {
        for k in &w.keys {
            for key in [k.key(), k.path[0].to_owned()] {
                for name in [key.clone(), format!("{}.{key}", w.name)] {
                    if !known.contains(&name) {
                        known.push(name);
                    }
                }
            }
        }
    }
    for k in keep {
        if !known.contains(k) {
            return Err(CliError::input_with_help(
                format!("--keep {k}: calibrate fits no such key"),
                format!("keys: {}", known.join(", ")),
            ));
        }
    }
    Ok(())
}
