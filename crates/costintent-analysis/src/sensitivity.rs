//! Which uncertain assumptions move p90 spend most (`run --sensitivity`).
//!
//! One at a time: every uncertain parameter (a parameter written as a
//! distribution, drawn once per trial) is fixed at its median for the base
//! run; then each one in turn is set to its p10 and to its p90 while the
//! others stay at their medians. All runs share the seed, so trial i sees
//! the same usage draws in every run (common random numbers) and the
//! differences are the assumption's effect, not noise. Parameters are fixed
//! through overrides, so each run is validated exactly like the file.

use costintent_report::stats::Summary;
use costintent_report::{ReportError, Sensitivity, SensitivityRow};
use costintent_scenario::{Override, Scenario};
use costintent_sim::SimOptions;

use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

/// The sensitivity ranking of `source`'s uncertain assumptions.
pub fn sensitivity<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    runner: &mut R,
) -> Result<Sensitivity, R::Error> {
    let mut warnings = Warnings::default();
    let runs = SensitivityRuns::load(source, &mut warnings)?;
    let options = settings.options_for(&runs.base);
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: Vec::new(),
        transient: Some(&runs.base),
        options,
        comparison: false,
    })?;
    runs.run(&options, runner)
}

/// Every scenario of the ranking, validated before any is simulated.
pub(crate) struct SensitivityRuns {
    /// The scenario with every uncertain parameter at its median.
    base: Scenario,
    /// One entry per assumption that can be varied.
    assumptions: Vec<Assumption>,
    /// Assumptions that could not be varied, with the reason.
    skipped: Vec<String>,
}

/// One assumption at its p10 and p90, the others at their medians.
struct Assumption {
    path: String,
    low_value: f64,
    high_value: f64,
    at_low: Scenario,
    at_high: Scenario,
}

impl SensitivityRuns {
    /// Finds the uncertain parameters and validates every scenario the
    /// ranking simulates; their warnings go to `warnings`.
    pub(crate) fn load(
        source: &Source<'_>,
        warnings: &mut Warnings,
    ) -> Result<Self, AnalysisError> {
        let file = source.load(&[])?;
        warnings.add(&file);
        let mut params: Vec<(String, [f64; 3])> = Vec::new();
        let mut skipped = Vec::new();
        for p in file.scenario.uncertain_parameters() {
            match (p.quantile(0.1), p.quantile(0.5), p.quantile(0.9)) {
                (Some(lo), Some(mid), Some(hi)) => {
                    // A retry count is a whole number.
                    let q = if p.path.ends_with("retries") {
                        [lo.round(), mid.round(), hi.round()]
                    } else {
                        [lo, mid, hi]
                    };
                    params.push((p.path, q));
                }
                _ => skipped
                    .push(format!("{}: its distribution has uncertain parameters itself", p.path)),
            }
        }
        // The overrides with parameter `varied` at `level` (0: p10, 2: p90)
        // and every other parameter at its median.
        let at = |varied: Option<(usize, usize)>| -> Vec<Override> {
            params
                .iter()
                .enumerate()
                .map(|(j, (path, q))| {
                    let level = match varied {
                        Some((k, level)) if k == j => level,
                        _ => 1,
                    };
                    Override { path: path.clone(), value: format!("{:?}", q[level]) }
                })
                .collect()
        };
        let mut load = |overrides: &[Override]| -> Result<Scenario, AnalysisError> {
            let checked = source.load(overrides)?;
            warnings.add(&checked);
            Ok(checked.scenario)
        };
        let base = load(&at(None))?;
        let mut assumptions = Vec::with_capacity(params.len());
        for (i, (path, q)) in params.iter().enumerate() {
            assumptions.push(Assumption {
                path: path.clone(),
                low_value: q[0],
                high_value: q[2],
                at_low: load(&at(Some((i, 0))))?,
                at_high: load(&at(Some((i, 2))))?,
            });
        }
        Ok(Self { base, assumptions, skipped })
    }

    /// Simulates the base and every assumption at its p10 and p90.
    pub(crate) fn run<R: Runner>(
        self,
        options: &SimOptions,
        runner: &mut R,
    ) -> Result<Sensitivity, R::Error> {
        let mut p90_of = |scenario: &Scenario, label: &str| -> Result<f64, R::Error> {
            let outcomes = runner.simulate(scenario, options, label)?;
            Ok(Summary::of(&outcomes.total)
                .map(|s| s.p90.value)
                .ok_or(AnalysisError::Report(ReportError::NoTrials))?)
        };
        let base_p90 = p90_of(&self.base, "sensitivity: base")?;
        let mut rows = Vec::with_capacity(self.assumptions.len());
        for a in &self.assumptions {
            let p90_at_low = p90_of(&a.at_low, &format!("{} at p10", a.path))?;
            let p90_at_high = p90_of(&a.at_high, &format!("{} at p90", a.path))?;
            rows.push(SensitivityRow {
                path: a.path.clone(),
                low_value: a.low_value,
                high_value: a.high_value,
                p90_at_low,
                p90_at_high,
            });
        }
        Ok(Sensitivity::new(base_p90, rows, self.skipped))
    }
}
