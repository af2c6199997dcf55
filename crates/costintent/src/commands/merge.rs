//! `costintent merge`: the shards of a run (`run --shard I/N`) into the
//! single run's report.

use costintent_analysis::MergeOutput;
use costintent_report::{Shard, ShardScenario};
use costintent_scenario::Catalog;

use super::CliRunner;
use crate::cli::MergeArgs;
use crate::error::CliError;
use crate::files::{ReportDir, read_shard, shard_file};
use crate::memory;
use crate::output::print_stderr;

pub(crate) fn merge(args: &MergeArgs) -> Result<(), CliError> {
    // Checked first, so a bad path fails before the shards are read; the
    // folder is replaced whole when the report is written (or not at all).
    let out_dir = args.out.as_deref().map(ReportDir::check).transpose()?;
    let files = args.shards.iter().map(|p| shard_file(p)).collect::<Result<Vec<_>, _>>()?;
    // The shards are read whole and their trials appended into one run:
    // about twice their size at once.
    let size: u64 = files.iter().map(|(_, len)| *len).fold(0, u64::saturating_add);
    let available = memory::available()?;
    let usable = memory::usable(&available);
    if size.saturating_mul(2) > usable {
        return Err(CliError::input_with_help(
            format!(
                "the {} shards hold {}, and merging them needs about {} of memory, more than the {} this merge may use",
                files.len(),
                memory::bytes_text(size),
                memory::bytes_text(size.saturating_mul(2)),
                memory::bytes_text(usable)
            ),
            "run the shards with --sketch: sketches merge in memory that does not grow with the trial count",
        ));
    }
    let mut shards = Vec::with_capacity(files.len());
    for (path, _) in &files {
        let bytes = read_shard(path)?;
        let shard = Shard::from_bytes(&bytes).map_err(|e| {
            CliError::input_with_help(format!("shard {}: {}", path.display(), e.message), e.help)
        })?;
        shards.push((path.display().to_string(), shard));
    }
    let Some((_, first)) = shards.first() else {
        return Err(CliError::input("no shards to merge"));
    };
    let scenario: ShardScenario = first.scenario.clone();
    let catalog = shard_catalog(&scenario)?;
    let source = costintent_analysis::Source {
        name: &scenario.file,
        text: &scenario.text,
        catalog: &catalog,
        today: scenario.today,
    };
    let mut runner = CliRunner { csv: out_dir.is_some(), ..CliRunner::new(true) };
    match costintent_analysis::merge(&source, shards, &mut runner)? {
        MergeOutput::Trials { report, outcomes } => {
            if let Some(dir) = &out_dir {
                let files =
                    report.files(&outcomes).map_err(|e| CliError::runtime(e.to_string()))?;
                super::run::write_folder(dir, &files)?;
                #[cfg(not(feature = "parquet"))]
                print_stderr(
                    "note: trials.parquet not written (built without the `parquet` feature)\n",
                );
            }
            super::run::print_report(&report, args.format)?;
            if let Some(dir) = &out_dir {
                print_stderr(&format!(
                    "wrote the report to {} (open report.html)\n",
                    super::folder_text(dir.path())
                ));
            }
            Ok(())
        }
        MergeOutput::Sketch(output) => {
            super::run::emit_sketched(&output, args.format, out_dir.as_ref())
        }
    }
}

/// The catalog the shards were priced with: the built-in one, with the
/// `--catalog` file they carry laid over it.
fn shard_catalog(scenario: &ShardScenario) -> Result<Catalog, CliError> {
    let embedded = Catalog::embedded();
    let Some(text) = &scenario.catalog else { return Ok(embedded) };
    let user = Catalog::from_toml_str(&format!("the catalog of {}", scenario.file), text)
        .map_err(|e| CliError::input(e.to_string()))?;
    Ok(embedded.overlay(&user))
}
