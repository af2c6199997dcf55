//! Writing results to stdout and stderr, and colour decisions (files: `files.rs`).

use std::io::{IsTerminal as _, Write as _};

use crate::error::CliError;

/// Whether to colour stdout: only on a terminal, never with `NO_COLOR`.
pub(crate) fn stdout_color() -> bool {
    color_allowed() && std::io::stdout().is_terminal()
}

/// Whether to colour stderr: only on a terminal, never with `NO_COLOR`.
pub(crate) fn stderr_color() -> bool {
    color_allowed() && std::io::stderr().is_terminal()
}

fn color_allowed() -> bool {
    // https://no-color.org: any non-empty value disables colour.
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints to stdout. A closed pipe (`costintent run … | head`) is not an error.
pub(crate) fn print_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::runtime(format!("cannot write to stdout: {e}"))),
    }
}

/// Prints a line to stderr (status messages, warnings).
pub(crate) fn print_stderr(text: &str) {
    let mut err = anstream::stderr();
    // Nothing useful can be done if stderr itself is gone.
    let _ = err.write_all(text.as_bytes());
}
