//! Comparisons with common random numbers: several scenario files
//! ([`compare`]), or one scenario with keys set to several values
//! ([`vary`]). Every run uses the same seed and trial count, so the
//! per-trial differences isolate what changed.

use costintent_report::{CompareInfo, Comparison, ReportError, ReportFile, Run};
use costintent_scenario::{Override, Scenario};
use costintent_sim::{Outcomes, SimOptions};

use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

/// One key to vary and its values (`agent.cache.ttl` = `5m`, `1h`), each a
/// TOML value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaryAxis {
    /// `workload.key` or `scenario.key`.
    pub path: String,
    /// The values, in the order given; at least one.
    pub values: Vec<String>,
}

/// A run of a comparison, kept for the overlaid distributions chart.
#[derive(Clone, Debug)]
pub struct ComparedRun {
    /// The run's name (a file stem, or `key=value`).
    pub name: String,
    /// The scenario it simulated.
    pub scenario: Scenario,
    /// Its per-trial outcomes.
    pub outcomes: Outcomes,
}

/// A comparison and the runs it was built from.
#[derive(Clone, Debug)]
pub struct ComparisonOutput {
    /// The statistics of every run and each run's difference from the first.
    pub comparison: Comparison,
    /// The runs, in order; the first is the baseline.
    pub runs: Vec<ComparedRun>,
}

impl ComparisonOutput {
    /// The runs as the report crate takes them.
    pub fn runs(&self) -> Vec<Run<'_>> {
        self.runs
            .iter()
            .map(|r| Run { name: &r.name, scenario: &r.scenario, outcomes: &r.outcomes })
            .collect()
    }

    /// Every file of the comparison folder.
    pub fn files(&self) -> Result<Vec<ReportFile>, ReportError> {
        self.comparison.files(&self.runs())
    }
}

/// Compares scenario files, the first being the baseline; each comes with
/// the name its run is shown under. One set of engine options serves every
/// run (the first file's defaults, unless `settings` give them), so trial i
/// of every run sees the same usage draws.
pub fn compare<R: Runner>(
    sources: &[(String, Source<'_>)],
    settings: &Settings,
    runner: &mut R,
) -> Result<ComparisonOutput, R::Error> {
    // Validate every file before simulating any, so a typo in the last file
    // does not cost a long run of the first.
    let mut warnings = Warnings::default();
    let mut loaded = Vec::with_capacity(sources.len());
    for (name, source) in sources {
        let checked = source.load(&[])?;
        warnings.add(&checked);
        loaded.push((name.clone(), checked.scenario));
    }
    let Some((_, first)) = loaded.first() else {
        return Err(AnalysisError::Input {
            message: "compare needs at least two scenario files".to_owned(),
            help: None,
        }
        .into());
    };
    let options = settings.options_for(first);
    compare_loaded(loaded, &warnings, options, None, runner)
}

/// Varies one or more keys of `source`: one run per value, or per
/// combination of values when several keys vary (the first key changes
/// slowest), compared against the first. Every run is validated, and
/// checked to be comparable, before any is simulated. `budget` replaces
/// every run's own budget; without it each run is tested against its
/// scenario's (so that `scenario.budget` can vary).
pub fn vary<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    axes: &[VaryAxis],
    budget: Option<f64>,
    runner: &mut R,
) -> Result<ComparisonOutput, R::Error> {
    let combinations = grid(axes);
    let mut warnings = Warnings::default();
    let mut loaded: Vec<(String, Scenario, SimOptions)> = Vec::with_capacity(combinations.len());
    for overrides in combinations {
        let label = overrides
            .iter()
            .map(|o| format!("{}={}", o.path, o.value))
            .collect::<Vec<_>>()
            .join(", ");
        let checked = source.load(&overrides)?;
        warnings.add(&checked);
        let options = settings.options_for(&checked.scenario);
        loaded.push((label, checked.scenario, options));
    }
    let Some((_, _, options)) = loaded.first() else {
        return Err(AnalysisError::Input {
            message: "--vary needs at least one value".to_owned(),
            help: None,
        }
        .into());
    };
    let options = *options;
    let keys = axes.iter().map(|a| a.path.as_str()).collect::<Vec<_>>().join(", ");
    for (label, _, run_options) in &loaded[1..] {
        let differs = if run_options.trials != options.trials {
            Some(format!("{} trials against {}", run_options.trials, options.trials))
        } else if run_options.seed != options.seed {
            Some(format!("seed {} against {}", run_options.seed, options.seed))
        } else {
            None
        };
        if let Some(differs) = differs {
            return Err(AnalysisError::input(
                format!(
                    "--vary {keys}: run `{label}` would use {differs}; a comparison needs the same trials and seed in every run (common random numbers)"
                ),
                "vary another key; set the trial count with --trials and the seed with --seed",
            )
            .into());
        }
    }
    let loaded = loaded.into_iter().map(|(label, scenario, _)| (label, scenario)).collect();
    compare_loaded(loaded, &warnings, options, budget, runner)
}

/// Every combination of the axes' values as overrides, the first axis
/// changing slowest.
fn grid(axes: &[VaryAxis]) -> Vec<Vec<Override>> {
    let mut combinations: Vec<Vec<Override>> = vec![Vec::new()];
    for axis in axes {
        combinations = combinations
            .into_iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |value| {
                    let mut overrides = prefix.clone();
                    overrides.push(Override { path: axis.path.clone(), value: value.clone() });
                    overrides
                })
            })
            .collect();
    }
    combinations.retain(|c| !c.is_empty());
    combinations
}

/// Simulates validated scenarios with the same options and compares them.
fn compare_loaded<R: Runner>(
    loaded: Vec<(String, Scenario)>,
    warnings: &Warnings,
    options: SimOptions,
    budget: Option<f64>,
    runner: &mut R,
) -> Result<ComparisonOutput, R::Error> {
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: loaded.iter().map(|(name, scenario)| (name.as_str(), scenario)).collect(),
        transient: None,
        options,
        comparison: true,
        batch: None,
    })?;
    let mut runs = Vec::with_capacity(loaded.len());
    for (name, scenario) in loaded {
        let outcomes = runner.simulate(&scenario, &options, &name)?;
        runs.push(ComparedRun { name, scenario, outcomes });
    }
    let borrowed: Vec<Run<'_>> = runs
        .iter()
        .map(|r| Run { name: &r.name, scenario: &r.scenario, outcomes: &r.outcomes })
        .collect();
    let comparison = Comparison::build(&borrowed, &CompareInfo { seed: options.seed, budget })
        .map_err(AnalysisError::from)?;
    Ok(ComparisonOutput { comparison, runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(path: &str, values: &[&str]) -> VaryAxis {
        VaryAxis { path: path.to_owned(), values: values.iter().map(|v| (*v).to_owned()).collect() }
    }

    #[test]
    fn a_grid_takes_every_combination_first_key_slowest() {
        let labels: Vec<String> = grid(&[axis("a.x", &["1", "2"]), axis("a.y", &["p", "q", "r"])])
            .iter()
            .map(|c| {
                c.iter().map(|o| format!("{}={}", o.path, o.value)).collect::<Vec<_>>().join(" ")
            })
            .collect();
        assert_eq!(
            labels,
            [
                "a.x=1 a.y=p",
                "a.x=1 a.y=q",
                "a.x=1 a.y=r",
                "a.x=2 a.y=p",
                "a.x=2 a.y=q",
                "a.x=2 a.y=r"
            ]
        );
        assert_eq!(grid(&[axis("a.x", &["1", "2"])]).len(), 2);
        assert!(grid(&[]).is_empty());
    }
}
