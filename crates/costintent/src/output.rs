//! Writing results: stdout, atomic files, colour decisions.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

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

/// JSON as printed and written: pretty, with a trailing newline.
pub(crate) fn pretty_json(v: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    format!("{text}\n")
}

/// Prints a line to stderr (status messages, warnings).
pub(crate) fn print_stderr(text: &str) {
    let mut err = anstream::stderr();
    // Nothing useful can be done if stderr itself is gone.
    let _ = err.write_all(text.as_bytes());
}

/// A directory that receives output files, created up front so that a bad
/// path fails before a long simulation rather than after it.
#[derive(Debug)]
pub(crate) struct OutDir {
    path: PathBuf,
}

impl OutDir {
    pub(crate) fn create(path: &Path) -> Result<Self, CliError> {
        std::fs::create_dir_all(path).map_err(|e| {
            CliError::runtime(format!("cannot create output directory {}: {e}", path.display()))
        })?;
        Ok(Self { path: path.to_owned() })
    }

    /// Writes `name` inside the directory atomically.
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
        let target = self.path.join(name);
        write_atomically(&target, bytes)?;
        Ok(target)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// Writes a file so that readers see either the old or the complete new
/// content, never a half-written file: a temporary file in the same
/// directory, synced, then renamed over the target.
pub(crate) fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        CliError::runtime(format!("cannot write {}: {what}: {e}", target.display()))
    };
    if !dir.is_dir() {
        return Err(CliError::input_with_help(
            format!(
                "cannot write {}: the folder {} does not exist",
                target.display(),
                dir.display()
            ),
            "create it first, or give a path in an existing folder",
        ));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".costintent-")
        .tempfile_in(dir)
        .map_err(|e| fail("creating a temporary file", &e))?;
    tmp.write_all(bytes).map_err(|e| fail("writing", &e))?;
    keep_or_default_permissions(tmp.as_file(), target)
        .map_err(|e| fail("setting permissions", &e))?;
    tmp.as_file().sync_all().map_err(|e| fail("syncing", &e))?;
    tmp.persist(target).map_err(|e| fail("renaming into place", &e.error))?;
    Ok(())
}

/// Temporary files are created readable by their owner only; a report is an
/// ordinary file, so give it the permissions of the file it replaces, or
/// rw-r--r-- for a new one.
#[cfg(unix)]
fn keep_or_default_permissions(file: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn keep_or_default_permissions(_file: &std::fs::File, _target: &Path) -> std::io::Result<()> {
    Ok(())
}
