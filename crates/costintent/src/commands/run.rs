//! `costintent run`: simulate, report, and optionally write a report folder,
//! vary one assumption, or rank the assumptions by their effect on p90.

use costintent_analysis::{ComparisonOutput, RunRequest, ShardRequest, Sketched, VaryAxis};
use costintent_report::{ChartLinks, Report, ReportFile, ShardIndex, pretty_json};

use super::{CliRunner, ScenarioText};
use crate::cli::{RunArgs, RunFormat};
use crate::error::CliError;
use crate::files::ReportDir;
use crate::output::{print_stderr, print_stdout, stdout_color};

pub(crate) fn run(args: &RunArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    // Checked before simulating, so a bad path fails in a second rather than
    // after a long run; nothing is created until the report is written.
    let out_dir = args.out.as_deref().map(ReportDir::check).transpose()?;
    let settings = costintent_analysis::Settings {
        precision: args.precision,
        max_trials: args.max_trials,
        ..super::settings(&args.sim)?
    };
    let file = ScenarioText::read(&args.scenario)?;
    if let Some(path) = &args.attempts_log {
        write_attempts_log(&file, &catalog, &settings, args.trial, path)?;
    }
    let mut runner = CliRunner {
        quiet: args.sim.quiet,
        budget_gate: args.fail_over_budget.then_some(args.budget),
        csv: out_dir.is_some(),
        sketch_hint: args.vary.is_empty() && !args.sketch,
    };
    if let (Some((index, count)), Some(dir)) = (args.shard, &out_dir) {
        return run_shard(
            args,
            &file,
            &catalog,
            &settings,
            ShardIndex { index, count },
            dir,
            &mut runner,
        );
    }
    if args.sketch {
        return run_sketched(args, &file, &catalog, &settings, out_dir.as_ref(), &mut runner);
    }
    if !args.vary.is_empty() {
        let axes = vary_axes(&args.vary)?;
        runner.csv = false;
        let output = costintent_analysis::vary(
            &file.source(&catalog),
            &settings,
            &axes,
            args.budget,
            &mut runner,
        )?;
        super::compare::emit(&output, args.format, out_dir.as_ref())?;
        return fail_over_budget_of_runs(args, &output);
    }
    let request = RunRequest {
        budget: args.budget,
        test_plan: out_dir.is_some(),
        sensitivity: args.sensitivity,
    };
    let output =
        costintent_analysis::run(&file.source(&catalog), &settings, &request, &mut runner)?;
    let report = &output.report;
    if let Some(dir) = &out_dir {
        let files = report.files(&output.outcomes).map_err(|e| CliError::runtime(e.to_string()))?;
        write_folder(dir, &files)?;
        #[cfg(not(feature = "parquet"))]
        print_stderr("note: trials.parquet not written (built without the `parquet` feature)\n");
    }
    print_report(report, args.format)?;
    if let Some(dir) = &out_dir {
        print_stderr(&format!(
            "wrote the report to {} (open report.html)\n",
            super::folder_text(dir.path())
        ));
    }
    fail_over_budget(args, report)
}

/// `--shard I/N --out DIR`: one shard of the run, written as
/// DIR/costintent.shard.
fn run_shard(
    args: &RunArgs,
    file: &ScenarioText,
    catalog: &costintent_scenario::Catalog,
    settings: &costintent_analysis::Settings,
    index: ShardIndex,
    dir: &ReportDir,
    runner: &mut CliRunner,
) -> Result<(), CliError> {
    let catalog_text = args
        .sim
        .catalog
        .as_deref()
        .map(|path| crate::files::read_text(path, crate::files::Input::CATALOG))
        .transpose()?;
    let request = ShardRequest {
        index,
        budget: args.budget,
        sketch: args.sketch,
        catalog: catalog_text.as_deref(),
    };
    let shard = costintent_analysis::shard(&file.source(catalog), settings, &request, runner)?;
    let (first, end) = index.range(shard.run.trials);
    write_folder(
        dir,
        &[ReportFile { name: crate::files::SHARD_FILE.to_owned(), bytes: shard.to_bytes() }],
    )?;
    print_stderr(&format!(
        "wrote shard {}/{} (trials {first} to {} of {}) to {}; merge every shard with `costintent merge`\n",
        index.index,
        index.count,
        end - 1,
        shard.run.trials,
        super::folder_text(dir.path())
    ));
    Ok(())
}

/// `--sketch`: the run kept as sketches.
fn run_sketched(
    args: &RunArgs,
    file: &ScenarioText,
    catalog: &costintent_scenario::Catalog,
    settings: &costintent_analysis::Settings,
    out_dir: Option<&ReportDir>,
    runner: &mut CliRunner,
) -> Result<(), CliError> {
    let request = RunRequest { budget: args.budget, test_plan: false, sensitivity: false };
    let output =
        costintent_analysis::run_sketched(&file.source(catalog), settings, &request, runner)?;
    emit_sketched(&output, args.format, out_dir)?;
    fail_over_budget(args, &output.report)
}

/// Prints a sketched run's report and writes its folder.
pub(crate) fn emit_sketched(
    output: &Sketched,
    format: RunFormat,
    out_dir: Option<&ReportDir>,
) -> Result<(), CliError> {
    if let Some(dir) = out_dir {
        let files = output
            .report
            .files_sketched(&output.outcomes)
            .map_err(|e| CliError::runtime(e.to_string()))?;
        write_folder(dir, &files)?;
        print_stderr("note: trials.csv and trials.parquet not written (--sketch keeps no trial)\n");
    }
    print_report(&output.report, format)?;
    if let Some(dir) = out_dir {
        print_stderr(&format!(
            "wrote the report to {} (open report.html)\n",
            super::folder_text(dir.path())
        ));
    }
    Ok(())
}

/// Prints a report on stdout in `format`.
pub(crate) fn print_report(report: &Report, format: RunFormat) -> Result<(), CliError> {
    match format {
        RunFormat::Json => print_stdout(&pretty_json(&report.to_json())),
        RunFormat::Markdown => print_stdout(&report.render_markdown(&ChartLinks::standard())),
        RunFormat::Table => print_stdout(&report.render_table(stdout_color())),
    }
}

/// `--attempts-log FILE --trial N`: one trial's attempts, written before the
/// run (the trial is simulated again on its own, with the same draws).
fn write_attempts_log(
    file: &ScenarioText,
    catalog: &costintent_scenario::Catalog,
    settings: &costintent_analysis::Settings,
    trial: u64,
    path: &std::path::Path,
) -> Result<(), CliError> {
    let checked = file.source(catalog).load(&[])?;
    let scenario = &checked.scenario;
    let options = settings.options_for(scenario);
    if trial >= options.trials {
        return Err(CliError::input_with_help(
            format!("--trial {trial} is not one of the {} trials", options.trials),
            "trials are numbered from 0",
        ));
    }
    let n = super::attempts_log::write(scenario, options.seed, options.scale, trial, path)?;
    print_stderr(&format!("wrote the {n} attempts of trial {trial} to {}\n", path.display()));
    Ok(())
}

/// Writes a report folder's files, all or nothing.
pub(crate) fn write_folder(dir: &ReportDir, files: &[ReportFile]) -> Result<(), CliError> {
    let mut staged = dir.stage()?;
    for file in files {
        staged.write(&file.name, &file.bytes)?;
    }
    staged.commit()
}

fn fail_over_budget(args: &RunArgs, report: &Report) -> Result<(), CliError> {
    if !args.fail_over_budget {
        return Ok(());
    }
    let Some(budget) = &report.budget else { return Err(super::needs_budget()) };
    if budget.exceed.estimate > args.max_risk {
        return Err(CliError::OverBudget {
            p_exceed: budget.exceed.estimate,
            max_risk: args.max_risk,
            run: None,
        });
    }
    Ok(())
}

/// `--fail-over-budget` with `--vary`: every run is tested against its own
/// budget; the worst one decides.
fn fail_over_budget_of_runs(args: &RunArgs, output: &ComparisonOutput) -> Result<(), CliError> {
    if !args.fail_over_budget {
        return Ok(());
    }
    let worst = output
        .comparison
        .runs
        .iter()
        .filter_map(|r| r.exceed.map(|p| (r.name.clone(), p.estimate)))
        .filter(|(_, p)| *p > args.max_risk)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match worst {
        Some((run, p_exceed)) => {
            Err(CliError::OverBudget { p_exceed, max_risk: args.max_risk, run: Some(run) })
        }
        None => Ok(()),
    }
}

/// Every `--vary` as an axis of the grid; a key may vary only once.
fn vary_axes(options: &[String]) -> Result<Vec<VaryAxis>, CliError> {
    let mut axes: Vec<VaryAxis> = Vec::with_capacity(options.len());
    for text in options {
        let (path, values) = parse_vary(text)?;
        if axes.iter().any(|a| a.path == path) {
            return Err(CliError::input_with_help(
                format!("--vary {path} is given twice"),
                format!("list every value in one option: --vary {path}=V1,V2,..."),
            ));
        }
        axes.push(VaryAxis { path, values });
    }
    Ok(axes)
}

/// Splits `agent.cache.ttl=5m,1h` into the path and its values. Values may
/// be quoted TOML strings or inline tables; commas inside braces, brackets
/// or quotes do not split.
pub(crate) fn parse_vary(text: &str) -> Result<(String, Vec<String>), CliError> {
    let help = "write --vary WORKLOAD.KEY=V1,V2,... for example --vary agent.cache.ttl=5m,1h";
    let Some((path, rest)) = text.split_once('=') else {
        return Err(CliError::input_with_help(format!("--vary `{text}` has no `=`"), help));
    };
    let path = path.trim();
    if path.is_empty() || !path.contains('.') {
        return Err(CliError::input_with_help(
            format!("--vary `{text}`: `{path}` is not WORKLOAD.KEY"),
            help,
        ));
    }
    let mut values = Vec::new();
    let (mut depth, mut quoted, mut current) = (0_i32, false, String::new());
    for ch in rest.chars() {
        match ch {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                values.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    values.push(current.trim().to_owned());
    if values.iter().any(String::is_empty) {
        return Err(CliError::input_with_help(format!("--vary `{text}` has an empty value"), help));
    }
    Ok((path.to_owned(), values))
}

#[cfg(test)]
mod tests {
    use super::{parse_vary, vary_axes};

    #[test]
    fn vary_splits_values_but_not_inside_tables_or_quotes() {
        let (path, values) = parse_vary("agent.cache.ttl=5m,1h").expect("valid");
        assert_eq!(path, "agent.cache.ttl");
        assert_eq!(values, ["5m", "1h"]);
        let (_, values) =
            parse_vary(r#"agent.turns={ dist = "poisson", mean = 3 },"a,b",7"#).expect("valid");
        assert_eq!(values, [r#"{ dist = "poisson", mean = 3 }"#, r#""a,b""#, "7"]);
        assert!(parse_vary("agent").is_err());
        assert!(parse_vary("agent=1").is_err());
        assert!(parse_vary("agent.x=1,,2").is_err());
    }

    #[test]
    fn several_vary_options_are_axes_of_a_grid_each_key_once() {
        let options = ["agent.cache.ttl=5m,1h".to_owned(), "agent.turns.mean=20,30,40".to_owned()];
        let axes = vary_axes(&options).expect("valid");
        assert_eq!(axes.len(), 2);
        assert_eq!(axes[1].path, "agent.turns.mean");
        assert_eq!(axes[1].values, ["20", "30", "40"]);
        let twice = ["agent.cache.ttl=5m".to_owned(), "agent.cache.ttl=1h".to_owned()];
        assert!(vary_axes(&twice).is_err());
    }
}
