//! The file system: inputs read with limits, outputs written so that nothing
//! is half-written and nothing that is not a regular file is ever replaced.
//!
//! Reading: an input (scenario, catalog, price file) must be a regular file
//! of at most [`MAX_INPUT_BYTES`]; a device, FIFO, socket or folder is
//! refused before it is opened, and the read itself is bounded, so
//! `costintent check /dev/zero` fails in a millisecond instead of filling
//! memory.
//!
//! Writing a file ([`write_file`]): the destination must be absent or a
//! regular file. A symbolic link is refused (not followed, not replaced):
//! following it could overwrite any file the link names, and replacing it
//! would silently turn a link the user made into a copy. Device nodes,
//! FIFOs, sockets and folders are refused. The bytes go to a temporary file
//! in the same folder, which is synced and renamed into place.
//!
//! Writing a folder ([`ReportDir`]): the whole report is written into a
//! temporary sibling folder, then swapped with the old one in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two renames), and the
//! old one removed. The folder is therefore the old report or the new one,
//! never a mix. An existing folder is replaced only when it is empty or holds
//! nothing but files costintent writes, so `--out ~` cannot delete a home
//! folder. Ctrl-C or SIGTERM while writing removes the temporary folder and
//! leaves the old report.

use std::ffi::OsString;
use std::fs::{File, FileType, Metadata};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::error::CliError;
use crate::progress::cancel_flag;

/// The largest scenario, catalog or price file read (64 MiB). LiteLLM's
/// price file, the largest real input, is about 1 MB.
pub(crate) const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Test hook: milliseconds to sleep before each file of a report folder is
/// written, so that a test can interrupt the write (documented in
/// docs/bad-input.md; not an option, as no user needs it).
const WRITE_DELAY_ENV: &str = "COSTINTENT_TEST_WRITE_DELAY_MS";

/// The file a shard folder holds (`run --shard I/N --out DIR`).
pub(crate) const SHARD_FILE: &str = "costintent.shard";

/// What kind of input a path should hold, for messages.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Input {
    /// `scenario file`, `catalog file`, `price file`.
    pub(crate) what: &'static str,
    /// Said when the file does not exist.
    pub(crate) missing_help: &'static str,
}

impl Input {
    pub(crate) const SCENARIO: Input = Input {
        what: "scenario file",
        missing_help: "check the path; `costintent init` writes a starter scenario",
    };
    pub(crate) const CATALOG: Input = Input {
        what: "catalog file",
        missing_help: "`costintent catalog import litellm <file> --out <catalog.toml>` writes one",
    };
    pub(crate) const PRICE_FILE: Input = Input {
        what: "price file",
        missing_help: "download LiteLLM's model_prices_and_context_window.json and give its path",
    };
}

/// Reads a UTF-8 text input: a regular file of at most [`MAX_INPUT_BYTES`].
pub(crate) fn read_text(path: &Path, input: Input) -> Result<String, CliError> {
    let shown = path.display();
    let what = input.what;
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            CliError::input_with_help(
                format!("cannot read {what} {shown}: no such file"),
                input.missing_help,
            )
        } else {
            CliError::input(format!("cannot read {what} {shown}: {e}"))
        }
    })?;
    refuse_special_input(path, &meta, input)?;
    refuse_large_input(path, meta.len(), input)?;
    let file = open_for_reading(path)
        .map_err(|e| CliError::input(format!("cannot read {what} {shown}: {e}")))?;
    // The path may have been replaced between the check and the open.
    let meta =
        file.metadata().map_err(|e| CliError::input(format!("cannot read {what} {shown}: {e}")))?;
    refuse_special_input(path, &meta, input)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::input(format!("cannot read {what} {shown}: {e}")))?;
    refuse_large_input(path, bytes.len() as u64, input)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let before = &bytes[..valid];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        let byte = bytes.get(valid).copied().unwrap_or(0);
        CliError::input_with_help(
            format!(
                "{what} {shown} is not UTF-8 text: byte 0x{byte:02X} at {shown}:{line}:{column}"
            ),
            "save the file as UTF-8",
        )
    })
}

/// A shard given to `merge`: a folder holding [`SHARD_FILE`], or that file.
/// Returns the file's path and size, checked to be a regular file.
pub(crate) fn shard_file(path: &Path) -> Result<(PathBuf, u64), CliError> {
    let input = Input {
        what: "shard",
        missing_help: "give the folders that `costintent run --shard I/N --out DIR` wrote",
    };
    let missing = |shown: &Path| {
        CliError::input_with_help(
            format!("cannot read shard {}: no such file", shown.display()),
            input.missing_help,
        )
    };
    let meta = std::fs::metadata(path).map_err(|_| missing(path))?;
    let file = if meta.is_dir() { path.join(SHARD_FILE) } else { path.to_owned() };
    let meta = std::fs::metadata(&file).map_err(|_| missing(&file))?;
    refuse_special_input(&file, &meta, input)?;
    Ok((file, meta.len()))
}

/// Reads a shard file whole (its size was checked against the memory
/// available first).
pub(crate) fn read_shard(path: &Path) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    open_for_reading(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| CliError::runtime(format!("cannot read shard {}: {e}", path.display())))?;
    Ok(bytes)
}

/// Opens without blocking on a FIFO that appeared after the type check.
#[cfg(unix)]
fn open_for_reading(path: &Path) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let fd =
        rustix::fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn refuse_special_input(path: &Path, meta: &Metadata, input: Input) -> Result<(), CliError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(CliError::input_with_help(
        format!("{} is {}, not a {}", path.display(), describe_type(meta.file_type()), input.what),
        format!("give the path of a {} (a regular file)", input.what),
    ))
}

fn refuse_large_input(path: &Path, len: u64, input: Input) -> Result<(), CliError> {
    if len <= MAX_INPUT_BYTES {
        return Ok(());
    }
    Err(CliError::input_with_help(
        format!(
            "{} {} is {} or more, above the {} limit",
            input.what,
            path.display(),
            megabytes(len),
            megabytes(MAX_INPUT_BYTES)
        ),
        format!("a {} is a few kilobytes; check that this is the right file", input.what),
    ))
}

fn megabytes(bytes: u64) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}

/// `a folder`, `a character device`, … for messages.
fn describe_type(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// What a file destination holds now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// Nothing: the file will be created.
    Absent,
    /// A regular file (not a link), which may be replaced.
    File,
}

/// Checks a file destination without following links: absent or a regular
/// file is fine; anything else is refused with exit code 2.
pub(crate) fn file_destination(path: &Path) -> Result<Destination, CliError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Destination::Absent),
        Err(e) => {
            return Err(CliError::runtime(format!("cannot write {}: {e}", path.display())));
        }
    };
    let t = meta.file_type();
    if t.is_file() {
        return Ok(Destination::File);
    }
    if t.is_symlink() {
        let target =
            std::fs::read_link(path).map(|t| format!(" (to {})", t.display())).unwrap_or_default();
        return Err(CliError::input_with_help(
            format!(
                "{} is a symbolic link{target}; costintent neither writes through nor replaces links",
                path.display()
            ),
            "give the path of the file itself, or remove the link first",
        ));
    }
    Err(CliError::input_with_help(
        format!(
            "{} is {}, not a regular file; costintent only ever replaces regular files",
            path.display(),
            describe_type(t)
        ),
        "give the path of a new file or of a regular file to replace",
    ))
}

/// The folder that holds `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes a file so that readers see either the old or the complete new
/// content, never a half-written file: a temporary file in the same folder,
/// synced, then renamed into place. The destination must be absent or a
/// regular file ([`file_destination`]); an interruption before the rename
/// removes the temporary file and changes nothing.
pub(crate) fn write_file(target: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = parent_of(target);
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
    file_destination(target)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".costintent-")
        .tempfile_in(dir)
        .map_err(|e| fail("creating a temporary file", &without_temp_path(&e)))?;
    tmp.write_all(bytes).map_err(|e| fail("writing", &without_temp_path(&e)))?;
    keep_or_default_permissions(tmp.as_file(), target)
        .map_err(|e| fail("setting permissions", &e))?;
    tmp.as_file().sync_all().map_err(|e| fail("syncing", &e))?;
    if cancel_flag().load(Ordering::SeqCst) {
        // Dropping `tmp` removes the temporary file.
        return Err(CliError::InterruptedWriting { target: target.to_owned() });
    }
    // Checked again just before the rename, so that what is replaced is
    // what was checked.
    match file_destination(target)? {
        Destination::Absent => {
            tmp.persist_noclobber(target).map_err(|e| fail("renaming into place", &e.error))?
        }
        Destination::File => {
            tmp.persist(target).map_err(|e| fail("renaming into place", &e.error))?
        }
    };
    Ok(())
}

/// The system's error without the name of a temporary file that no longer
/// exists (tempfile appends ` at path "…"` to its errors).
fn without_temp_path(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((error, _)) => error.to_owned(),
        None => text,
    }
}

/// Temporary files are created readable by their owner only; a report is an
/// ordinary file, so give it the permissions of the file it replaces, or
/// rw-r--r-- for a new one.
#[cfg(unix)]
fn keep_or_default_permissions(file: &File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::symlink_metadata(target)
        .ok()
        .filter(Metadata::is_file)
        .map_or(0o644, |m| m.permissions().mode() & 0o7777);
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn keep_or_default_permissions(_file: &File, _target: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Names of every file costintent writes into a report folder (`run --out`,
/// `compare --out`, `run --vary --out`). An existing folder that holds
/// anything else is not replaced.
const REPORT_FILES: &[&str] = &[
    SHARD_FILE,
    "report.md",
    "report.html",
    "summary.json",
    "trials.csv",
    "trials.parquet",
    "sensitivity.md",
    "comparison.md",
    "comparison.html",
    "comparison.json",
];

/// Chart names; each is written as `.svg` and `.png`.
const REPORT_CHARTS: &[&str] =
    &["histogram", "exceedance", "breakdown", "tornado", "distributions"];

fn is_report_file(name: &str) -> bool {
    REPORT_FILES.contains(&name)
        || name.rsplit_once('.').is_some_and(|(stem, ext)| {
            matches!(ext, "svg" | "png") && REPORT_CHARTS.contains(&stem)
        })
}

/// A report folder to be written: checked before any simulation, created
/// only when the report is written, and replaced as a whole.
#[derive(Debug)]
pub(crate) struct ReportDir {
    /// As the user gave it, for messages.
    shown: PathBuf,
    /// Absolute, so that renames do not depend on `.` components.
    target: PathBuf,
    parent: PathBuf,
    name: OsString,
}

impl ReportDir {
    /// Checks `path` for `--out`: it must be absent, or a folder (not a
    /// link) that is empty or holds only report files; its nearest existing
    /// ancestor must be a folder we can write in. Creates nothing.
    pub(crate) fn check(path: &Path) -> Result<Self, CliError> {
        let shown = path.to_owned();
        let target = std::path::absolute(path).map_err(|e| {
            CliError::runtime(format!("cannot use {} as the output folder: {e}", path.display()))
        })?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(CliError::input_with_help(
                format!("{} cannot be replaced by a report folder", path.display()),
                "give a folder name, such as --out report/",
            ));
        };
        let dir = Self {
            shown,
            parent: parent.to_owned(),
            name: name.to_owned(),
            target: target.clone(),
        };
        match std::fs::symlink_metadata(&target) {
            // A missing folder, or one below a file (`--out scenario.toml/x`,
            // reported by the writability check below).
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) => {}
            Err(e) => {
                return Err(CliError::runtime(format!(
                    "cannot use {} as the output folder: {e}",
                    path.display()
                )));
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = std::fs::read_link(&target)
                    .map(|t| format!(" (to {})", t.display()))
                    .unwrap_or_default();
                return Err(CliError::input_with_help(
                    format!(
                        "{} is a symbolic link{to}; costintent does not replace links with a report folder",
                        path.display()
                    ),
                    "give the folder's own path, or remove the link first",
                ));
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(CliError::input_with_help(
                    format!(
                        "{} is {}, not a folder",
                        path.display(),
                        describe_type(meta.file_type())
                    ),
                    "--out takes a folder: give a new folder's path",
                ));
            }
            Ok(_) => dir.check_replaceable()?,
        }
        dir.check_writable()?;
        Ok(dir)
    }

    /// The folder as the user gave it.
    pub(crate) fn path(&self) -> &Path {
        &self.shown
    }

    /// An existing folder is replaced only when all it holds is report
    /// files: it is then an earlier report.
    fn check_replaceable(&self) -> Result<(), CliError> {
        let entries = std::fs::read_dir(&self.target).map_err(|e| {
            CliError::runtime(format!(
                "cannot read the output folder {}: {e}",
                self.shown.display()
            ))
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| {
                CliError::runtime(format!(
                    "cannot read the output folder {}: {e}",
                    self.shown.display()
                ))
            })?;
            let name = entry.file_name();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            let known = name.to_str().is_some_and(is_report_file);
            if !(is_file && known) {
                let why =
                    if known { "is not a regular file" } else { "was not written by costintent" };
                return Err(CliError::input_with_help(
                    format!(
                        "{} holds {} ({why}); the report would replace the whole folder",
                        self.shown.display(),
                        self.shown.join(&name).display()
                    ),
                    "give a new or empty folder, or remove what does not belong to the report",
                ));
            }
        }
        Ok(())
    }

    /// Fails early (before a long simulation) when the folder could not be
    /// written: the nearest existing ancestor must be a folder in which a
    /// temporary folder can be made (and is removed at once).
    fn check_writable(&self) -> Result<(), CliError> {
        let mut ancestor = self.parent.as_path();
        loop {
            match std::fs::metadata(ancestor) {
                Ok(meta) if meta.is_dir() => break,
                Ok(meta) => {
                    return Err(CliError::input_with_help(
                        format!(
                            "cannot create {}: {} is {}",
                            self.shown.display(),
                            ancestor.display(),
                            describe_type(meta.file_type())
                        ),
                        "give a path inside a folder",
                    ));
                }
                Err(_) => match ancestor.parent() {
                    Some(up) => ancestor = up,
                    None => break,
                },
            }
        }
        tempfile::Builder::new()
            .prefix(".costintent-check-")
            .tempdir_in(ancestor)
            .map(drop)
            .map_err(|e| {
                CliError::runtime(format!(
                    "cannot write the output folder {}: {} is not writable: {}",
                    self.shown.display(),
                    ancestor.display(),
                    without_temp_path(&e)
                ))
            })
    }

    /// Creates the missing parent folders and a temporary sibling folder to
    /// write the report into.
    pub(crate) fn stage(&self) -> Result<Staged<'_>, CliError> {
        let created = create_parents(&self.parent).map_err(|e| {
            CliError::runtime(format!("cannot create {}: {e}", self.parent.display()))
        })?;
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        prefix.push(".costintent-");
        let tmp = match tempfile::Builder::new().prefix(&prefix).tempdir_in(&self.parent) {
            Ok(tmp) => tmp,
            Err(e) => {
                remove_created(&created);
                return Err(CliError::runtime(format!(
                    "cannot write {}: creating a temporary folder: {}",
                    self.shown.display(),
                    without_temp_path(&e)
                )));
            }
        };
        Ok(Staged { dir: self, tmp: Some(tmp), created, written: Vec::new() })
    }
}

/// Creates the missing ancestors of `dir`, returning those it created
/// (outermost first) so that a failed write can remove them again.
fn create_parents(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut at = dir;
    while std::fs::symlink_metadata(at).is_err() {
        missing.push(at.to_owned());
        match at.parent() {
            Some(up) => at = up,
            None => break,
        }
    }
    missing.reverse();
    let mut created = Vec::new();
    for path in missing {
        match std::fs::create_dir(&path) {
            Ok(()) => created.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                remove_created(&created);
                return Err(e);
            }
        }
    }
    Ok(created)
}

/// Removes folders [`create_parents`] made, innermost first, if still empty.
fn remove_created(created: &[PathBuf]) {
    for path in created.iter().rev() {
        let _ = std::fs::remove_dir(path);
    }
}

/// A report being written into a temporary folder. Dropping it without
/// [`Staged::commit`] removes the temporary folder (and any parent folders
/// it created), leaving the destination as it was.
#[derive(Debug)]
pub(crate) struct Staged<'a> {
    dir: &'a ReportDir,
    tmp: Option<tempfile::TempDir>,
    created: Vec<PathBuf>,
    written: Vec<String>,
}

impl Staged<'_> {
    /// Writes one file of the report (synced). Fails with
    /// [`CliError::InterruptedWriting`] after Ctrl-C or SIGTERM.
    pub(crate) fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), CliError> {
        test_delay();
        self.interrupted()?;
        let Some(tmp) = &self.tmp else {
            return Err(CliError::runtime("internal error: the report was already committed"));
        };
        let path = tmp.path().join(name);
        let fail = |e: std::io::Error| {
            CliError::runtime(format!("cannot write {}: {e}", self.dir.shown.join(name).display()))
        };
        let mut file = File::options().write(true).create_new(true).open(&path).map_err(fail)?;
        file.write_all(bytes).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        self.written.push(name.to_owned());
        Ok(())
    }

    fn interrupted(&self) -> Result<(), CliError> {
        if cancel_flag().load(Ordering::SeqCst) {
            return Err(CliError::InterruptedWriting { target: self.dir.shown.clone() });
        }
        Ok(())
    }

    /// Puts the new report in place of the old one (or where there was
    /// none) and removes the old one.
    pub(crate) fn commit(mut self) -> Result<(), CliError> {
        // On an early return, `Drop` removes the temporary folder.
        self.interrupted()?;
        let Some(tmp) = self.tmp.take() else {
            return Err(CliError::runtime("internal error: the report was already committed"));
        };
        let result = self.put_in_place(tmp);
        if result.is_err() {
            remove_created(&self.created);
        }
        self.created.clear();
        result
    }

    /// Swaps `tmp` in; on failure `tmp` is removed when dropped.
    fn put_in_place(&self, tmp: tempfile::TempDir) -> Result<(), CliError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            CliError::runtime(format!("cannot write {}: {what}: {e}", self.dir.shown.display()))
        };
        set_folder_permissions(tmp.path(), &self.dir.target)
            .map_err(|e| fail("setting permissions", &e))?;
        if let Ok(dir) = File::open(tmp.path()) {
            // Make the new files' entries durable before they become the report.
            let _ = dir.sync_all();
        }
        let target = &self.dir.target;
        // Checked again just before the swap: still ours to replace.
        match std::fs::symlink_metadata(target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::rename(tmp.path(), target).map_err(|e| fail("renaming into place", &e))?;
                // The temporary folder is now the report: keep it.
                let _ = tmp.keep();
            }
            Err(e) => return Err(fail("checking the folder", &e)),
            Ok(meta) => {
                if meta.file_type().is_symlink() || !meta.is_dir() {
                    return Err(fail("checking the folder", &"it is no longer a folder"));
                }
                self.dir.check_replaceable()?;
                // After the swap the temporary path holds the old report;
                // dropping `tmp` removes it.
                swap(tmp.path(), target).map_err(|e| fail("swapping in the new report", &e))?;
                drop(tmp);
            }
        }
        if let Ok(parent) = File::open(&self.dir.parent) {
            let _ = parent.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged<'_> {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = tmp.close();
            remove_created(&self.created);
        }
    }
}

/// Exchanges the new folder `new` with the existing `target` in one step, so
/// that `target` is never missing; where the system cannot, moves the old
/// folder aside first (`target` is then missing for a moment, never mixed).
fn swap(new: &Path, target: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Old kernels and some file systems (NFS, FUSE) cannot exchange.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Move the old report to a fresh empty folder's name (a rename of a
    // folder replaces an empty folder), then the new one into place, then
    // put the old one where the caller removes it: at `new`.
    let parent = parent_of(target);
    let aside = tempfile::Builder::new().prefix(".costintent-old-").tempdir_in(parent)?.keep();
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(new, target) {
        // Put the old report back rather than leave nothing.
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    std::fs::rename(&aside, new)
}

/// The new folder gets the old one's permissions, or rwxr-xr-x.
#[cfg(unix)]
fn set_folder_permissions(dir: &Path, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::symlink_metadata(target)
        .ok()
        .filter(Metadata::is_dir)
        .map_or(0o755, |m| m.permissions().mode() & 0o7777);
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_folder_permissions(_dir: &Path, _target: &Path) -> std::io::Result<()> {
    Ok(())
}

fn test_delay() {
    if let Some(ms) = std::env::var(WRITE_DELAY_ENV).ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(Duration::from_millis(ms.min(10_000)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_file_names_are_known_and_nothing_else() {
        for name in ["report.md", "summary.json", "histogram.svg", "tornado.png", "comparison.json"]
        {
            assert!(is_report_file(name), "{name}");
        }
        for name in ["notes.txt", "histogram.jpg", ".bashrc", "report.md.bak", "svg"] {
            assert!(!is_report_file(name), "{name}");
        }
    }

    #[test]
    fn a_missing_destination_is_absent_and_a_folder_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(file_destination(&dir.path().join("x.toml")).ok(), Some(Destination::Absent));
        let file = dir.path().join("f.toml");
        std::fs::write(&file, "x").expect("write");
        assert_eq!(file_destination(&file).ok(), Some(Destination::File));
        let err = file_destination(dir.path()).expect_err("a folder is refused");
        assert_eq!(err.exit_code(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn links_and_devices_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("f.toml");
        std::fs::write(&file, "x").expect("write");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        assert_eq!(file_destination(&link).expect_err("link").exit_code(), 2);
        assert_eq!(file_destination(Path::new("/dev/null")).expect_err("device").exit_code(), 2);
        // Refusing the destination leaves the link and its target alone.
        assert!(write_file(&link, b"new").is_err());
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "x");
        assert!(std::fs::symlink_metadata(&link).expect("still there").file_type().is_symlink());
    }

    #[test]
    fn inputs_must_be_small_regular_utf8_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(read_text(dir.path(), Input::SCENARIO).expect_err("folder").exit_code(), 2);
        let big = dir.path().join("big.toml");
        File::create(&big).and_then(|f| f.set_len(MAX_INPUT_BYTES + 1)).expect("sparse file");
        let err = read_text(&big, Input::SCENARIO).expect_err("too large");
        assert!(
            matches!(&err, CliError::Input { message, .. } if message.contains("64 MB")),
            "{err:?}"
        );
        let latin1 = dir.path().join("latin1.toml");
        std::fs::write(&latin1, b"name = \"caf\xe9\"\n").expect("write");
        let err = read_text(&latin1, Input::SCENARIO).expect_err("not UTF-8");
        assert!(
            matches!(&err, CliError::Input { message, .. } if message.contains("0xE9") && message.contains(":1:12")),
            "{err:?}"
        );
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, "a = 1\n").expect("write");
        assert_eq!(read_text(&ok, Input::SCENARIO).ok().as_deref(), Some("a = 1\n"));
    }

    #[cfg(unix)]
    #[test]
    fn device_inputs_are_refused_without_reading() {
        let err = read_text(Path::new("/dev/zero"), Input::CATALOG).expect_err("device");
        assert!(
            matches!(&err, CliError::Input { message, .. } if message.contains("character device")),
            "{err:?}"
        );
    }
}
