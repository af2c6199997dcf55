//! The analysis layer of costintent: everything that runs several
//! simulations of a scenario and reduces them, returning typed results that
//! the report crate renders.
//!
//! - [`run`]: one scenario, with the test plan of a report folder and the
//!   sensitivity ranking when asked for ([`RunOutput`]).
//! - [`vary`]: one scenario with a key set to each of several values (a
//!   grid when several keys vary), compared run against run.
//! - [`compare`]: several scenario files, compared run against run.
//! - [`plan`]: the small prepaid test before scaling.
//! - [`sensitivity`]: which assumptions move p90 spend most.
//! - [`limits`]: the spend limits to set at the provider.
//! - [`reconcile`]: a period's logs against the forecast, after the period
//!   or mid-period (`--as-of`).
//! - [`run_sketched`]: one scenario kept as sketches (`--sketch`);
//!   [`shard`] and [`merge`]: one run computed as contiguous shards of its
//!   trials and merged into the single run's report.
//! - [`calibrate()`]: the scenario's distributions fitted to usage logs
//!   (no simulation: statistics of the logs, returned as typed fits).
//!
//! Every run of one analysis uses the same seed and trial count, so trial
//! `i` of each sees the same usage draws (common random numbers) and the
//! differences between runs are the effect of what changed, not noise.
//!
//! The layer is pure like the engine: it reads no file, no clock and no
//! terminal. Scenario text, the catalog and "today" come in a [`Source`];
//! the simulations themselves go through a [`Runner`] that the caller
//! implements, which is where the CLI draws progress bars, honours Ctrl-C,
//! prints warnings and checks memory before anything is simulated. Every
//! scenario an analysis needs (each value of `--vary`, each assumption of
//! the sensitivity ranking) is validated before the first simulation, so a
//! bad value fails in a second, not after a long run.

mod adaptive;
pub mod calibrate;
mod compare;
mod limits;
mod plan;
mod reconcile;
mod run;
mod sensitivity;
mod shard;

use costintent_report::ReportError;
use costintent_scenario::{Catalog, Checked, Date, Diagnostic, Diagnostics, LoadOptions, Override};
use costintent_sim::{EngineMode, Outcomes, SimOptions};

pub use adaptive::{BATCH_UNIT, DEFAULT_MAX_TRIALS, DEFAULT_PRECISION, FIRST_BATCH, TrialCount};
pub use calibrate::{CalibrateOptions, Calibration, calibrate};
pub use compare::{ComparedRun, ComparisonOutput, VaryAxis, compare, vary};
pub use limits::{DEFAULT_PROBABILITY, limits};
pub use plan::{DEFAULT_STEPS, plan};
pub use reconcile::{ReconcileRequest, reconcile};
pub use run::{RunOutput, RunRequest, run};
pub use sensitivity::{FACTOR, sensitivity};
pub use shard::{MergeOutput, SKETCH_BATCH, ShardRequest, Sketched, merge, run_sketched, shard};

/// The scenario type every analysis takes, re-exported for callers.
pub use costintent_scenario::Scenario;

/// What the analysis layer needs from its caller to simulate: the CLI
/// implements it with a progress bar, Ctrl-C handling, warnings on stderr
/// and a memory check.
pub trait Runner {
    /// The caller's error type; analysis errors convert into it.
    type Error: From<AnalysisError>;

    /// Called once per analysis, after every scenario it needs is validated
    /// and before the first simulation: the warnings to show (each once)
    /// and what the analysis will simulate and keep in memory.
    fn prepare(&mut self, plan: &RunPlan<'_>) -> Result<(), Self::Error>;

    /// Simulates `scenario`; `label` names the run for a progress line.
    fn simulate(
        &mut self,
        scenario: &Scenario,
        options: &SimOptions,
        label: &str,
    ) -> Result<Outcomes, Self::Error>;

    /// Simulates `scenario` in batches of trials, in trial order from
    /// `options.first_trial`, every batch planned for the whole run
    /// (`options.run_trials`, else `options.trials`, and
    /// `options.rse_goal`), so that every batch draws what the whole run
    /// draws for its trials. The first batch has `first` trials; `each`
    /// takes every batch's outcomes (to keep, append or sketch) and says
    /// how many trials the next batch has, 0 to stop.
    ///
    /// This default simulates each batch with [`Runner::simulate`] (the
    /// same plan every time, made anew); the CLI plans once and shows one
    /// progress display.
    fn simulate_batches(
        &mut self,
        scenario: &Scenario,
        options: &SimOptions,
        label: &str,
        first: u64,
        each: &mut dyn FnMut(Outcomes) -> u64,
    ) -> Result<(), Self::Error> {
        let run_trials = if options.run_trials > 0 { options.run_trials } else { options.trials };
        let mut first_trial = options.first_trial;
        let mut trials = first;
        while trials > 0 {
            let part = SimOptions { first_trial, trials, run_trials, ..*options };
            let outcomes = self.simulate(scenario, &part, label)?;
            first_trial += trials;
            trials = each(outcomes);
        }
        Ok(())
    }
}

/// What an analysis is about to do, for [`Runner::prepare`].
#[derive(Clone, Debug)]
pub struct RunPlan<'a> {
    /// The scenarios' `check` warnings, without repeats (the same warning
    /// of the same file given by several runs is listed once).
    pub warnings: &'a [Diagnostic],
    /// The runs whose outcomes are kept until the results are built, with
    /// their labels: one for `run` and `plan`, one per value or file for
    /// `vary` and `compare`.
    pub kept: Vec<(&'a str, &'a Scenario)>,
    /// Runs made one after another and dropped (the smaller steps of the
    /// test plan, the runs of the sensitivity ranking): they need room for
    /// one more run of this scenario.
    pub transient: Option<&'a Scenario>,
    /// The engine options every run shares (trial count, seed, scale).
    pub options: SimOptions,
    /// Whether the kept runs are compared with each other (`vary`,
    /// `compare`) rather than reported one by one.
    pub comparison: bool,
    /// With `--sketch`: the trials held in memory at once (the runs keep
    /// sketches, not their trials).
    pub batch: Option<u64>,
}

/// Why an analysis could not be made.
#[derive(Debug)]
pub enum AnalysisError {
    /// A scenario, or a scenario with a value set by the analysis, is
    /// invalid (every problem, located).
    Scenario(Box<Diagnostics>),
    /// Another invalid request: a message and an optional suggestion.
    Input {
        /// What is wrong, as a lowercase fragment.
        message: String,
        /// How to fix it, when there is a way.
        help: Option<String>,
    },
    /// The results could not be built from the runs.
    Report(ReportError),
}

impl AnalysisError {
    pub(crate) fn input(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::Input { message: message.into(), help: Some(help.into()) }
    }
}

impl std::fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Scenario(diagnostics) => f.write_str(&diagnostics.render_plain()),
            Self::Input { message, .. } => f.write_str(message),
            Self::Report(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for AnalysisError {}

impl From<ReportError> for AnalysisError {
    fn from(error: ReportError) -> Self {
        Self::Report(error)
    }
}

impl From<Diagnostics> for AnalysisError {
    fn from(diagnostics: Diagnostics) -> Self {
        Self::Scenario(Box::new(diagnostics))
    }
}

/// A scenario file's text and what loading it needs, so that an analysis
/// can validate the scenario again with values set (`--vary`, the
/// sensitivity ranking's assumptions) exactly as if the file said so.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file name used in messages.
    pub name: &'a str,
    /// The file's text.
    pub text: &'a str,
    /// Where model ids are looked up.
    pub catalog: &'a Catalog,
    /// The day that counts as today (the default `prices` date).
    pub today: Date,
}

impl Source<'_> {
    /// Validates the scenario with `overrides` applied.
    pub fn load(&self, overrides: &[Override]) -> Result<Checked, AnalysisError> {
        let options = LoadOptions { catalog: self.catalog, today: self.today, overrides };
        Ok(costintent_scenario::load_str(self.name, self.text, &options)?)
    }
}

/// Engine settings from the command line; what is not given comes from
/// each scenario's own defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Trials per run (default: the scenario's `trials`).
    pub trials: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    pub seed: Option<u64>,
    /// Worker threads (0: every core); results do not depend on it.
    pub threads: usize,
    /// Factor on every volume.
    pub scale: f64,
    /// Unit by unit everywhere (`--exact`), or the engine's choice per
    /// workload (compound sums where volume is large).
    pub mode: EngineMode,
    /// The goal of an adaptive run (`--precision`), which makes a run
    /// adaptive even when its scenario gives `trials`.
    pub precision: Option<f64>,
    /// The most trials of an adaptive run (`--max-trials`).
    pub max_trials: Option<u64>,
}

impl Settings {
    /// The engine options for `scenario`: these settings, with the
    /// scenario's trial count and seed where none is given. The caller
    /// checks its own values first (a positive finite scale, at least one
    /// trial); a scenario's own trial count is always at least one.
    pub fn options_for(&self, scenario: &Scenario) -> SimOptions {
        let trials = match self.trial_count(scenario) {
            TrialCount::Fixed(n) => n,
            TrialCount::Adaptive { .. } => FIXED_TRIALS,
        };
        SimOptions {
            trials,
            seed: self.seed.unwrap_or(scenario.seed),
            threads: self.threads,
            scale: self.scale,
            first_trial: 0,
            mode: self.mode,
            run_trials: 0,
            rse_goal: None,
        }
    }

    /// How many trials `run` takes for `scenario`: `--trials`, else
    /// adaptive with `--precision`, else the scenario's `trials`, else
    /// adaptive with the default precision.
    pub fn trial_count(&self, scenario: &Scenario) -> TrialCount {
        let adaptive = |precision: f64| TrialCount::Adaptive {
            precision,
            max_trials: self.max_trials.unwrap_or(DEFAULT_MAX_TRIALS),
        };
        match (self.trials, self.precision, scenario.trials) {
            (Some(n), _, _) => TrialCount::Fixed(n),
            (None, Some(p), _) => adaptive(p),
            (None, None, Some(n)) => TrialCount::Fixed(n),
            (None, None, None) => adaptive(DEFAULT_PRECISION),
        }
    }
}

/// Trials of each run of an analysis that compares runs (`compare`,
/// `--vary`, `plan`) when neither the command line nor the scenario gives a
/// count: runs compared trial by trial need one count for all.
pub const FIXED_TRIALS: u64 = 20_000;

/// Warnings of every scenario an analysis loads, each kept once.
#[derive(Debug, Default)]
struct Warnings(Vec<Diagnostic>);

impl Warnings {
    /// The warnings of one loaded scenario.
    fn of(checked: &Checked) -> Self {
        let mut warnings = Self::default();
        warnings.add(checked);
        warnings
    }

    /// Adds `checked`'s warnings that are not listed yet (the same warning
    /// renders the same, file name and location included).
    fn add(&mut self, checked: &Checked) {
        for warning in &checked.warnings {
            let text = warning.render_plain();
            if !self.0.iter().any(|known| known.render_plain() == text) {
                self.0.push(warning.clone());
            }
        }
    }
}
