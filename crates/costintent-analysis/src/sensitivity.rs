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
use costintent_report::{Change, ReportError, Sensitivity, SensitivityRow};
use costintent_scenario::{Override, Scenario};
use costintent_sim::SimOptions;

use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

/// The factor per-request assumptions are divided and multiplied by: a
/// third less and half again as much, the kind of error a first estimate of
/// prompt sizes or turns makes.
pub const FACTOR: f64 = 1.5;

/// The sensitivity ranking of `source`'s assumptions; `headline_p90` is the
/// p90 of the scenario as written at the same settings, which the ranking
/// sets its base against.
pub fn sensitivity<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    headline_p90: f64,
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
        batch: None,
    })?;
    runs.run(&options, headline_p90, runner)
}

/// Every scenario of the ranking, validated before any is simulated.
pub(crate) struct SensitivityRuns {
    /// The scenario with every uncertain parameter at its median.
    base: Scenario,
    /// How many parameters drawn per trial the base fixes.
    fixed_at_median: usize,
    /// One entry per assumption that can be varied.
    assumptions: Vec<Assumption>,
    /// Assumptions that could not be varied, with the reason.
    skipped: Vec<String>,
}

/// One assumption moved down and up, the others at the base.
struct Assumption {
    path: String,
    what: String,
    change: Change,
    at_low: Scenario,
    at_high: Scenario,
    note: Option<String>,
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
                what: "drawn per trial".to_owned(),
                change: Change::Percentiles { p10: q[0], p90: q[2] },
                at_low: load(&at(Some((i, 0))))?,
                at_high: load(&at(Some((i, 2))))?,
                note: None,
            });
        }
        for assumption in base.request_assumptions() {
            let scaled =
                |factor: f64| base.with_request_assumption_scaled(&assumption.path, factor);
            match (scaled(1.0 / FACTOR), scaled(FACTOR)) {
                (Ok(low), Ok(high)) => {
                    let notes: Vec<String> = [("down", low.note), ("up", high.note)]
                        .into_iter()
                        .filter_map(|(way, note)| note.map(|n| format!("{way}: {n}")))
                        .collect();
                    assumptions.push(Assumption {
                        path: assumption.path,
                        what: assumption.what.to_owned(),
                        change: Change::Factor(FACTOR),
                        at_low: low.scenario,
                        at_high: high.scenario,
                        note: (!notes.is_empty()).then(|| notes.join("; ")),
                    });
                }
                (Err(reason), _) | (_, Err(reason)) => {
                    skipped.push(format!("{}: {reason}", assumption.path));
                }
            }
        }
        Ok(Self { base, fixed_at_median: params.len(), assumptions, skipped })
    }

    /// Simulates the base and every assumption moved down and up.
    pub(crate) fn run<R: Runner>(
        self,
        options: &SimOptions,
        headline_p90: f64,
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
        for a in self.assumptions {
            let (low, high) = match a.change {
                Change::Percentiles { .. } => ("at p10".to_owned(), "at p90".to_owned()),
                Change::Factor(f) => (format!("÷{f}"), format!("×{f}")),
            };
            let p90_at_low = p90_of(&a.at_low, &format!("{} {low}", a.path))?;
            let p90_at_high = p90_of(&a.at_high, &format!("{} {high}", a.path))?;
            rows.push(SensitivityRow {
                path: a.path,
                what: a.what,
                change: a.change,
                p90_at_low,
                p90_at_high,
                note: a.note,
            });
        }
        Ok(Sensitivity::new(
            base_p90,
            headline_p90,
            self.fixed_at_median,
            FACTOR,
            rows,
            self.skipped,
        ))
    }
}
