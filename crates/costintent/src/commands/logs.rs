//! `costintent logs summarize` and `costintent logs review`: the file system
//! side (paths, folders, the clock, threads) around `costintent-logs`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use costintent_logs::{Format, GroupBy, ImportError, ImportOptions, Input, SummaryOptions};
use costintent_scenario::Date;

use crate::cli::{
    CardFormat, LogInputArgs, LogsArgs, LogsBy, LogsCommand, ReviewArgs, SummarizeArgs, TableOrJson,
};
use crate::error::CliError;
use crate::output::{print_stderr, print_stdout};
use costintent_report::logs as render;
use costintent_report::pretty_json;

/// File name endings read from folders.
const LOG_EXTENSIONS: [&str; 4] = ["jsonl", "ndjson", "json", "csv"];

pub(crate) fn logs(args: LogsArgs) -> Result<(), CliError> {
    match args.command {
        LogsCommand::Summarize(args) => summarize(&args),
        LogsCommand::Review(args) => review(&args),
    }
}

/// What every `logs` command needs before reading.
pub(super) struct Prepared {
    pub(super) inputs: Vec<Input>,
    /// Files in the folders that were not read (not a log by their name).
    passed_over: u64,
    pub(super) import: ImportOptions,
    pub(super) catalog: costintent_scenario::Catalog,
    undated_prices: Date,
    pub(super) pool: rayon::ThreadPool,
}

pub(super) fn prepare(paths: &[PathBuf], args: &LogInputArgs) -> Result<Prepared, CliError> {
    let format = args
        .log_format
        .as_deref()
        .map(|f| f.parse::<Format>().map_err(CliError::input))
        .transpose()?;
    let undated_prices = match args.date.as_deref() {
        Some(text) => text.parse::<Date>().map_err(|e| {
            CliError::input_with_help(format!("--date: {e}"), "for example --date 2026-11-01")
        })?,
        None => crate::clock::today(),
    };
    let catalog = super::load_catalog(args.catalog.as_deref())?;
    let (inputs, passed_over) = inputs(paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| CliError::runtime(format!("cannot start worker threads: {e}")))?;
    Ok(Prepared {
        inputs,
        passed_over,
        import: ImportOptions { format },
        catalog,
        undated_prices,
        pool,
    })
}

/// The log files `paths` name (files, and the log files of folders, read
/// recursively), and how many files in the folders were passed over.
pub(crate) fn inputs(paths: &[PathBuf]) -> Result<(Vec<Input>, u64), CliError> {
    let mut files = Vec::new();
    let mut passed_over = 0;
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            CliError::input_with_help(
                format!("cannot read {}: {e}", path.display()),
                "give log files or folders that exist (for Claude Code: ~/.claude/projects)",
            )
        })?;
        if meta.is_dir() {
            walk(path, &mut files, &mut passed_over)?;
        } else {
            files.push((path.clone(), true));
        }
    }
    let inputs = files
        .into_iter()
        .map(|(path, explicit)| Input {
            name: path.display().to_string(),
            open: Box::new(move || {
                Ok(Box::new(std::fs::File::open(&path)?) as Box<dyn std::io::Read + Send>)
            }),
            explicit,
        })
        .collect();
    Ok((inputs, passed_over))
}

/// Every log file under `dir`, sorted, so the order (and so the output) does
/// not depend on the file system. Symbolic links to folders are not followed.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool)>, passed_over: &mut u64) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError::input(format!("cannot read folder {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            walk(&path, out, passed_over)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| LOG_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push((path, false));
        } else {
            *passed_over += 1;
        }
    }
    Ok(())
}

pub(crate) fn import_error(err: ImportError) -> CliError {
    match err {
        ImportError::Io { file, message } => {
            CliError::runtime(format!("cannot read {file}: {message}"))
        }
        ImportError::Unrecognized { location, message, help } => {
            let help = help.replace("name the format", "name the format with --log-format");
            CliError::input_with_help(format!("{location}: {message}"), help)
        }
    }
}

pub(super) fn speed_line(stats: &costintent_logs::ImportStats, seconds: f64, quiet: bool) {
    if quiet {
        return;
    }
    let mb = stats.bytes() as f64 / 1e6;
    let rate = if seconds > 0.0 { mb / seconds } else { 0.0 };
    print_stderr(&format!(
        "read {} files, {mb:.1} MB, {} lines in {seconds:.2} s ({rate:.0} MB/s)\n",
        stats.files.len(),
        stats.lines()
    ));
}

fn summarize(args: &SummarizeArgs) -> Result<(), CliError> {
    let prepared = prepare(&args.paths, &args.input)?;
    let by = match args.by {
        LogsBy::Model => GroupBy::Model,
        LogsBy::Day => GroupBy::Day,
        LogsBy::Session => GroupBy::Session,
        LogsBy::Workload => GroupBy::Workload,
    };
    let options =
        SummaryOptions { catalog: &prepared.catalog, by, undated_prices: prepared.undated_prices };
    let start = Instant::now();
    let summary = prepared
        .pool
        .install(|| costintent_logs::summarize(&prepared.inputs, &prepared.import, &options))
        .map_err(import_error)?;
    speed_line(&summary.stats, start.elapsed().as_secs_f64(), args.input.quiet);
    let text = match args.format {
        TableOrJson::Json => pretty_json(&render::summary_json(&summary, prepared.passed_over)),
        TableOrJson::Table => render::summary_table(&summary, prepared.passed_over),
    };
    print_stdout(&text)
}

fn review(args: &ReviewArgs) -> Result<(), CliError> {
    let prepared = prepare(&args.paths, &args.input)?;
    let start = Instant::now();
    let review = prepared
        .pool
        .install(|| {
            costintent_logs::review(
                &args.id,
                &prepared.inputs,
                &prepared.import,
                &prepared.catalog,
                prepared.undated_prices,
            )
        })
        .map_err(import_error)?;
    speed_line(&review.stats, start.elapsed().as_secs_f64(), args.input.quiet);
    if review.attempts.is_empty() {
        return Err(CliError::input_with_help(
            format!("no record in the logs has the id `{}`", args.id),
            "the id is matched against request ids (req_…, gen-…), response ids (msg_…, chatcmpl-…), custom_id, job ids and parent ids",
        ));
    }
    let text = match args.format {
        CardFormat::Table => render::review_card(&review),
        CardFormat::Markdown => render::review_markdown(&review),
        CardFormat::Json => pretty_json(&render::review_json(&review)),
    };
    print_stdout(&text)
}
