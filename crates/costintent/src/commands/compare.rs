//! `costintent compare`: several scenarios with common random numbers.

use costintent_report::charts::ChartFormat;
use costintent_report::{ChartLinks, ChartSvgs, CompareInfo, Comparison, Run};
use costintent_scenario::Scenario;
use costintent_sim::Outcomes;

use crate::cli::{CompareArgs, RunFormat};
use crate::error::CliError;
use crate::files::ReportDir;
use crate::memory::Need;
use crate::output::{pretty_json, print_stderr, print_stdout, stdout_color};

pub(crate) fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    // Checked before simulating; created only when the comparison is written.
    let out_dir = args.out.as_deref().map(ReportDir::check).transpose()?;
    // Validate every file before simulating any, so a typo in the last file
    // does not cost a long run of the first.
    let mut scenarios = Vec::new();
    for path in &args.scenarios {
        scenarios.push(super::load_scenario(path, &catalog, &[])?.scenario);
    }
    // One set of options for all runs (the first file's defaults), so trial
    // i of every run sees the same usage draws.
    let Some(first) = scenarios.first() else {
        return Err(CliError::input("compare needs at least two scenario files"));
    };
    let options = super::sim_options(&args.sim, first)?;
    for scenario in &scenarios {
        super::warn_scaled_volumes(scenario, options.scale);
    }
    super::ensure_memory(&Need {
        kept: scenarios.iter().collect(),
        transient: None,
        trials: options.trials,
        csv: false,
    })?;
    let names = run_names(&args.scenarios);
    let mut runs: Vec<(String, Scenario, Outcomes)> = Vec::new();
    for (name, scenario) in names.into_iter().zip(scenarios) {
        let outcomes = super::simulate(&scenario, &options, &name, args.sim.quiet)?;
        runs.push((name, scenario, outcomes));
    }
    let borrowed: Vec<Run<'_>> =
        runs.iter().map(|(name, scenario, outcomes)| Run { name, scenario, outcomes }).collect();
    let comparison =
        Comparison::build(&borrowed, &CompareInfo { seed: options.seed, budget: None })
            .map_err(|e| CliError::runtime(e.to_string()))?;
    emit(&comparison, &borrowed, args.format, out_dir.as_ref())
}

/// Prints a comparison and writes its files.
pub(crate) fn emit(
    comparison: &Comparison,
    runs: &[Run<'_>],
    format: RunFormat,
    out_dir: Option<&ReportDir>,
) -> Result<(), CliError> {
    let mut links = ChartLinks::default();
    if let Some(out_dir) = out_dir {
        let chart = comparison
            .distributions_chart(runs)
            .map_err(|e| CliError::runtime(format!("drawing charts: {e}")))?;
        let mut dir = out_dir.stage()?;
        dir.write("distributions.svg", chart.svg.as_bytes())?;
        dir.write("distributions.png", &chart.png)?;
        let file_links = ChartLinks {
            distributions: Some(format!("distributions.{}", ChartFormat::Svg.extension())),
            ..ChartLinks::default()
        };
        let svgs = ChartSvgs { distributions: Some(chart.svg), ..ChartSvgs::default() };
        dir.write("comparison.md", comparison.render_markdown(&file_links).as_bytes())?;
        dir.write("comparison.html", comparison.render_html(&svgs).as_bytes())?;
        dir.write("comparison.json", pretty_json(&comparison.to_json()).as_bytes())?;
        dir.commit()?;
        links = file_links;
    }
    match format {
        RunFormat::Json => print_stdout(&pretty_json(&comparison.to_json()))?,
        RunFormat::Markdown => print_stdout(&comparison.render_markdown(&links))?,
        RunFormat::Table => print_stdout(&comparison.render_table(stdout_color()))?,
    }
    if let Some(dir) = out_dir {
        print_stderr(&format!("wrote the comparison to {}/\n", dir.path().display()));
    }
    Ok(())
}

/// File stems as run names, made unique (`a`, `a#2`) so a scenario compared
/// with itself stays readable.
fn run_names(paths: &[std::path::PathBuf]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for path in paths {
        let stem = path
            .file_stem()
            .map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
        let mut name = stem.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{stem}#{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}
