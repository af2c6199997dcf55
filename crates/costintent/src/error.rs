//! Failures of a command and the exit code each one maps to.

use std::io::Write as _;

use costintent_scenario::Diagnostics;
use costintent_scenario::diagnostics::printable;

/// Exit codes (documented in `--help` and the README).
pub(crate) mod exit {
    /// Something failed while running (I/O, internal).
    pub(crate) const RUNTIME: u8 = 1;
    /// The scenario, a log, or the command line is invalid.
    pub(crate) const INPUT: u8 = 2;
    /// `--fail-over-budget` and the risk of exceeding the budget is too high.
    pub(crate) const OVER_BUDGET: u8 = 3;
    /// Stopped by Ctrl-C or SIGTERM.
    pub(crate) const INTERRUPTED: u8 = 130;
}

/// Why a command did not succeed.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A scenario with errors (all of them, located).
    Scenario(Box<Diagnostics>),
    /// Other invalid input: a message and an optional suggestion.
    Input { message: String, help: Option<String> },
    /// A failure while running.
    Runtime(String),
    /// The budget check of `--fail-over-budget` failed; the report was
    /// printed. `run` names the worst run of a `--vary`.
    OverBudget { p_exceed: f64, max_risk: f64, run: Option<String> },
    /// Ctrl-C or SIGTERM during a simulation.
    Interrupted { done: u64, total: u64 },
    /// Ctrl-C or SIGTERM while writing output: nothing was put in place.
    InterruptedWriting { target: std::path::PathBuf },
}

impl CliError {
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self::Input { message: message.into(), help: None }
    }

    pub(crate) fn input_with_help(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::Input { message: message.into(), help: Some(help.into()) }
    }

    pub(crate) fn runtime(message: impl Into<String>) -> Self {
        Self::Runtime(message.into())
    }

    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Scenario(_) | Self::Input { .. } => exit::INPUT,
            Self::Runtime(_) => exit::RUNTIME,
            Self::OverBudget { .. } => exit::OVER_BUDGET,
            Self::Interrupted { .. } | Self::InterruptedWriting { .. } => exit::INTERRUPTED,
        }
    }

    /// Prints the error to stderr.
    pub(crate) fn report(&self) {
        let mut err = anstream::stderr();
        let red = anstyle::AnsiColor::Red.on_default().bold();
        // Messages can quote paths, keys and names from files: never let
        // them carry a control character to the terminal.
        let text = match self {
            Self::Scenario(diagnostics) => diagnostics.render(crate::output::stderr_color()),
            Self::Input { message, help } => {
                let mut s = format!("{red}error{red:#}: {}\n", printable(message));
                if let Some(help) = help {
                    s.push_str(&format!("  = help: {}\n", printable(help)));
                }
                s
            }
            Self::Runtime(message) => format!("{red}error{red:#}: {}\n", printable(message)),
            Self::OverBudget { p_exceed, max_risk, run } => format!(
                "{red}over budget{red:#}: {}P(spend > budget) = {:.1}% is above the accepted {:.1}% (--max-risk)\n",
                run.as_ref().map(|r| format!("in run `{r}`, ")).unwrap_or_default(),
                p_exceed * 100.0,
                max_risk * 100.0
            ),
            Self::Interrupted { done, total } => format!(
                "interrupted: stopped after {done} of {total} trials; nothing was written\n"
            ),
            Self::InterruptedWriting { target } => format!(
                "interrupted while writing {}: nothing was put in place (a previous version is untouched)\n",
                printable(&target.display().to_string())
            ),
        };
        // Nothing useful can be done if stderr itself is gone.
        let _ = err.write_all(text.as_bytes());
    }
}

impl From<Diagnostics> for CliError {
    fn from(d: Diagnostics) -> Self {
        Self::Scenario(Box::new(d))
    }
}
