//! `costintent run`: simulate, report, and optionally write a report folder,
//! vary one assumption, or rank the assumptions by their effect on p90.

use costintent_report::charts::ChartFormat;
use costintent_report::{
    ChartLinks, ChartSvgs, CompareInfo, Comparison, Report, ReportCharts, RunInfo, trials_csv,
};
use costintent_scenario::{Catalog, Override, Scenario};
use costintent_sim::{Outcomes, SimOptions};

use super::plan::{PlanSteps, build_plan};
use super::sensitivity::{Sensitivity, sensitivity};
use crate::cli::{RunArgs, RunFormat};
use crate::error::CliError;
use crate::files::{ReportDir, Staged};
use crate::memory::Need;
use crate::output::{pretty_json, print_stderr, print_stdout, stdout_color};

pub(crate) fn run(args: &RunArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    // Checked before simulating, so a bad path fails in a second rather than
    // after a long run; nothing is created until the report is written.
    let out_dir = args.out.as_deref().map(ReportDir::check).transpose()?;
    if let Some(vary) = &args.vary {
        return run_vary(args, &catalog, vary, out_dir.as_ref());
    }
    let checked = super::load_scenario(&args.scenario, &catalog, &[])?;
    let scenario = &checked.scenario;
    let options = super::sim_options(&args.sim, scenario)?;
    super::warn_scaled_volumes(scenario, options.scale);
    if let Some(path) = &args.attempts_log {
        if args.trial >= options.trials {
            return Err(CliError::input_with_help(
                format!("--trial {} is not one of the {} trials", args.trial, options.trials),
                "trials are numbered from 0",
            ));
        }
        let n =
            super::attempts_log::write(scenario, options.seed, options.scale, args.trial, path)?;
        print_stderr(&format!(
            "wrote the {n} attempts of trial {} to {}\n",
            args.trial,
            path.display()
        ));
    }
    if args.fail_over_budget && args.budget.or(scenario.budget).is_none() {
        return Err(needs_budget());
    }
    // The test plan (with --out) and --sensitivity simulate further runs
    // while this one is kept.
    let transient = (args.sensitivity || out_dir.is_some()).then_some(scenario);
    super::ensure_memory(&Need {
        kept: vec![scenario],
        transient,
        trials: options.trials,
        csv: out_dir.is_some(),
    })?;
    let outcomes = super::simulate(scenario, &options, "simulating", args.sim.quiet)?;
    let info = RunInfo {
        trials: options.trials,
        seed: options.seed,
        scale: options.scale,
        budget: args.budget,
    };
    let mut report =
        Report::build(scenario, &outcomes, &info).map_err(|e| CliError::runtime(e.to_string()))?;
    report.warnings.extend(checked.warnings.iter().map(|w| w.message.clone()));

    let sensitivity = if args.sensitivity {
        Some(sensitivity(&args.scenario, &catalog, &args.sim, &options, args.budget)?)
    } else {
        None
    };

    if let Some(dir) = &out_dir {
        // The 100% step of the plan is this run; the smaller steps are
        // simulated with the same seed (common random numbers).
        let plan =
            build_plan(scenario, &options, &outcomes, &PlanSteps::default_steps(), args.sim.quiet)?;
        report.test_plan = Some(plan.to_test_plan());
        let mut staged = dir.stage()?;
        write_report_files(&mut staged, &report, &outcomes, sensitivity.as_ref())?;
        staged.commit()?;
    }

    match args.format {
        RunFormat::Json => print_stdout(&pretty_json(&report_json(&report, sensitivity.as_ref())))?,
        RunFormat::Markdown => print_stdout(&report.render_markdown(&ChartLinks::standard()))?,
        RunFormat::Table => {
            let mut text = report.render_table(stdout_color());
            if let Some(s) = &sensitivity {
                text.push('\n');
                text.push_str(&s.render_table());
            }
            print_stdout(&text)?;
        }
    }
    if let Some(dir) = &out_dir {
        print_stderr(&format!(
            "wrote the report to {}/ (open report.html)\n",
            dir.path().display()
        ));
    }
    fail_over_budget(args, &report)
}

fn needs_budget() -> CliError {
    CliError::input_with_help(
        "--fail-over-budget needs a budget",
        "set `budget` in [scenario] or pass --budget USD",
    )
}

fn fail_over_budget(args: &RunArgs, report: &Report) -> Result<(), CliError> {
    if !args.fail_over_budget {
        return Ok(());
    }
    let Some(budget) = &report.budget else { return Err(needs_budget()) };
    if budget.exceed.estimate > args.max_risk {
        return Err(CliError::OverBudget {
            p_exceed: budget.exceed.estimate,
            max_risk: args.max_risk,
            run: None,
        });
    }
    Ok(())
}

/// The JSON report, with the sensitivity ranking when there is one.
fn report_json(report: &Report, sensitivity: Option<&Sensitivity>) -> serde_json::Value {
    let mut json = report.to_json();
    if let (Some(s), serde_json::Value::Object(map)) = (sensitivity, &mut json) {
        map.insert("sensitivity".into(), s.to_json());
    }
    json
}

/// Writes every report file into the staged folder.
fn write_report_files(
    dir: &mut Staged<'_>,
    report: &Report,
    outcomes: &Outcomes,
    sensitivity: Option<&Sensitivity>,
) -> Result<(), CliError> {
    let charts =
        report.charts(outcomes).map_err(|e| CliError::runtime(format!("drawing charts: {e}")))?;
    for format in [ChartFormat::Svg, ChartFormat::Png] {
        for (name, bytes) in charts.files(format) {
            dir.write(&name, bytes)?;
        }
    }
    let mut links = ReportCharts::links(ChartFormat::Svg);
    let mut svgs: ChartSvgs = charts.svgs();
    if let Some(s) = sensitivity {
        if let Some(chart) =
            s.chart().map_err(|e| CliError::runtime(format!("drawing charts: {e}")))?
        {
            dir.write("tornado.svg", chart.svg.as_bytes())?;
            dir.write("tornado.png", &chart.png)?;
            links.tornado = Some("tornado.svg".into());
            svgs.tornado = Some(chart.svg);
        }
        dir.write("sensitivity.md", s.render_markdown().as_bytes())?;
    }
    dir.write("report.md", report.render_markdown(&links).as_bytes())?;
    dir.write("report.html", report.render_html(&svgs).as_bytes())?;
    dir.write("summary.json", pretty_json(&report_json(report, sensitivity)).as_bytes())?;
    dir.write("trials.csv", trials_csv(outcomes).as_bytes())?;
    write_parquet(dir, outcomes)?;
    Ok(())
}

#[cfg(feature = "parquet")]
fn write_parquet(dir: &mut Staged<'_>, outcomes: &Outcomes) -> Result<(), CliError> {
    let bytes = costintent_report::trials_parquet(outcomes)
        .map_err(|e| CliError::runtime(format!("writing trials.parquet: {e}")))?;
    dir.write("trials.parquet", &bytes)?;
    Ok(())
}

#[cfg(not(feature = "parquet"))]
fn write_parquet(_dir: &mut Staged<'_>, _outcomes: &Outcomes) -> Result<(), CliError> {
    print_stderr("note: trials.parquet not written (built without the `parquet` feature)\n");
    Ok(())
}

/// `--vary workload.key=v1,v2,...`: one run per value with common random
/// numbers, reported as a comparison against the first value. Every value
/// is validated, and the runs checked to be comparable and to fit in
/// memory, before any is simulated.
fn run_vary(
    args: &RunArgs,
    catalog: &Catalog,
    vary: &str,
    out_dir: Option<&ReportDir>,
) -> Result<(), CliError> {
    let (path, values) = parse_vary(vary)?;
    let mut loaded: Vec<(String, Scenario, SimOptions)> = Vec::new();
    for value in &values {
        let overrides = [Override { path: path.clone(), value: value.clone() }];
        let checked = super::load_scenario(&args.scenario, catalog, &overrides)?;
        let opts = super::sim_options(&args.sim, &checked.scenario)?;
        loaded.push((format!("{path}={value}"), checked.scenario, opts));
    }
    let Some((_, first_scenario, options)) = loaded.first() else {
        return Err(CliError::input("--vary needs at least one value"));
    };
    let options = *options;
    for (label, _, opts) in &loaded[1..] {
        let differs = if opts.trials != options.trials {
            Some(format!("{} trials against {}", opts.trials, options.trials))
        } else if opts.seed != options.seed {
            Some(format!("seed {} against {}", opts.seed, options.seed))
        } else {
            None
        };
        if let Some(differs) = differs {
            return Err(CliError::input_with_help(
                format!(
                    "--vary {path}: run `{label}` would use {differs}; a comparison needs the same trials and seed in every run (common random numbers)"
                ),
                "vary another key; set the trial count with --trials and the seed with --seed",
            ));
        }
    }
    super::warn_scaled_volumes(first_scenario, options.scale);
    if args.fail_over_budget
        && let Some((label, _, _)) =
            loaded.iter().find(|(_, s, _)| args.budget.or(s.budget).is_none())
    {
        return Err(CliError::input_with_help(
            format!("--fail-over-budget needs a budget, and run `{label}` has none"),
            "set `budget` in [scenario] or pass --budget USD",
        ));
    }
    super::ensure_memory(&Need {
        kept: loaded.iter().map(|(_, s, _)| s).collect(),
        transient: None,
        trials: options.trials,
        csv: false,
    })?;
    let mut runs: Vec<(String, Scenario, Outcomes)> = Vec::new();
    for (label, scenario, opts) in loaded {
        let outcomes = super::simulate(&scenario, &opts, &label, args.sim.quiet)?;
        runs.push((label, scenario, outcomes));
    }
    let borrowed: Vec<costintent_report::Run<'_>> = runs
        .iter()
        .map(|(name, scenario, outcomes)| costintent_report::Run { name, scenario, outcomes })
        .collect();
    let comparison =
        Comparison::build(&borrowed, &CompareInfo { seed: options.seed, budget: args.budget })
            .map_err(|e| CliError::runtime(e.to_string()))?;
    super::compare::emit(&comparison, &borrowed, args.format, out_dir)?;
    if !args.fail_over_budget {
        return Ok(());
    }
    // Every run is tested against its own budget; the worst one decides.
    let worst = comparison
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
    use super::parse_vary;

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
}
