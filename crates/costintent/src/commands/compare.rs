//! `costintent compare`: several scenarios with common random numbers.

use costintent_analysis::ComparisonOutput;
use costintent_report::{ChartLinks, Comparison, pretty_json};

use super::{CliRunner, ScenarioText};
use crate::cli::{CompareArgs, RunFormat};
use crate::error::CliError;
use crate::files::ReportDir;
use crate::output::{print_stderr, print_stdout, stdout_color};

pub(crate) fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    // Checked before simulating; created only when the comparison is written.
    let out_dir = args.out.as_deref().map(ReportDir::check).transpose()?;
    let settings = super::settings(&args.sim)?;
    let files = args
        .scenarios
        .iter()
        .map(|path| ScenarioText::read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let sources: Vec<(String, costintent_analysis::Source<'_>)> = run_names(&args.scenarios)
        .into_iter()
        .zip(files.iter().map(|f| f.source(&catalog)))
        .collect();
    let output =
        costintent_analysis::compare(&sources, &settings, &mut CliRunner::new(args.sim.quiet))?;
    emit(&output, args.format, out_dir.as_ref())
}

/// Prints a comparison and writes its files.
pub(crate) fn emit(
    output: &ComparisonOutput,
    format: RunFormat,
    out_dir: Option<&ReportDir>,
) -> Result<(), CliError> {
    let comparison = &output.comparison;
    let mut links = ChartLinks::default();
    if let Some(out_dir) = out_dir {
        let files = output.files().map_err(|e| CliError::runtime(e.to_string()))?;
        super::run::write_folder(out_dir, &files)?;
        links = Comparison::folder_links();
    }
    match format {
        RunFormat::Json => print_stdout(&pretty_json(&comparison.to_json()))?,
        RunFormat::Markdown => print_stdout(&comparison.render_markdown(&links))?,
        RunFormat::Table => print_stdout(&comparison.render_table(stdout_color()))?,
    }
    if let Some(dir) = out_dir {
        print_stderr(&format!("wrote the comparison to {}\n", super::folder_text(dir.path())));
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
