//! Why a report could not be built or written.

use std::fmt;

/// Why a report could not be built or written.
///
/// The messages are lowercase fragments that read after "cannot build the
/// report: ", with no trailing period.
#[derive(Clone, Debug, PartialEq)]
pub enum ReportError {
    /// The run has no trials, so there is nothing to summarise.
    NoTrials,
    /// The run info promises a different number of trials than the outcomes hold.
    TrialCount {
        /// Trials the run info states.
        expected: u64,
        /// Trials the outcomes hold.
        found: usize,
    },
    /// A per-trial column is not as long as the run.
    ColumnLength {
        /// The column, as `workload.agent.spend` or `wallet.or.topups`.
        column: String,
        /// Trials in the run.
        expected: usize,
        /// Values in the column.
        found: usize,
    },
    /// A per-trial column holds NaN or an infinity.
    NonFinite {
        /// The column, as `workload.agent.spend`.
        column: String,
        /// The trial index (`first_trial + i`).
        trial: u64,
    },
    /// The outcomes' workloads or wallets do not line up with the scenario's.
    Mismatch {
        /// `"workload"` or `"wallet"`.
        what: &'static str,
        /// Names in the scenario, in order.
        scenario: Vec<String>,
        /// Names in the outcomes, in order.
        outcomes: Vec<String>,
    },
    /// `compare` got no runs.
    NoRuns,
    /// Runs to compare do not cover the same trials, so their per-trial
    /// differences would not pair the same usage draws.
    UnpairedRuns {
        /// The run that differs from the first.
        run: String,
        /// What differs, as a fragment (`"20000 trials against 10000"`).
        detail: String,
    },
    /// Writing Parquet failed.
    Parquet(String),
    /// A chart could not be drawn.
    Chart(crate::charts::ChartError),
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTrials => f.write_str("the run has no trials"),
            Self::TrialCount { expected, found } => {
                write!(f, "the run asked for {expected} trials but the outcomes hold {found}")
            }
            Self::ColumnLength { column, expected, found } => {
                write!(f, "column `{column}` has {found} values for {expected} trials")
            }
            Self::NonFinite { column, trial } => {
                write!(f, "column `{column}` is not a finite number in trial {trial}")
            }
            Self::Mismatch { what, scenario, outcomes } => write!(
                f,
                "the outcomes' {what}s [{}] do not match the scenario's [{}]",
                outcomes.join(", "),
                scenario.join(", ")
            ),
            Self::NoRuns => f.write_str("there are no runs to compare"),
            Self::UnpairedRuns { run, detail } => {
                write!(f, "run `{run}` does not pair with the first run: {detail}")
            }
            Self::Parquet(message) => write!(f, "writing trials.parquet: {message}"),
            Self::Chart(error) => write!(f, "drawing charts: {error}"),
        }
    }
}

impl std::error::Error for ReportError {}
