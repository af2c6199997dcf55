//! The sample reports in reports/ are what the code produces now: every
//! bundled scenario is run with its own seed and trial count (plus the extra
//! runs of [`EXTRA`]), and every file must match the committed one byte for
//! byte. When this fails after an intended change, run
//! `bash reports/regenerate.sh` (which runs this test with
//! `COSTINTENT_UPDATE_REPORTS=1`) and commit the result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable entry").file_name().to_string_lossy().into_owned())
        // Parquet needs the default `parquet` feature; without it the file
        // is neither written nor compared.
        .filter(|name| cfg!(feature = "parquet") || name != "trials.parquet")
        .collect()
}

/// Sample reports beyond one per scenario: (folder, scenario, extra flags).
/// Sensitivity runs the scenario about twenty times, so it uses fewer trials.
const EXTRA: &[(&str, &str, &[&str])] =
    &[("coding-agent-sensitivity", "coding-agent", &["--trials", "4000", "--sensitivity"])];

/// One sample report to produce: its folder under reports/, the scenario
/// and the extra command-line flags.
struct Job {
    folder: String,
    scenario: String,
    flags: Vec<String>,
}

fn update_requested() -> bool {
    std::env::var_os("COSTINTENT_UPDATE_REPORTS").is_some_and(|v| v == "1")
}

fn check(job: &Job, scratch: &Path) -> Result<(), String> {
    let stem = job.folder.as_str();
    let committed = root().join("reports").join(stem);
    let out = if update_requested() {
        let _ = std::fs::remove_dir_all(&committed);
        committed.clone()
    } else {
        scratch.join(stem)
    };
    let run = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", &format!("scenarios/{}.toml", job.scenario), "--quiet", "--format", "json"])
        .args(&job.flags)
        .arg("--out")
        .arg(&out)
        .current_dir(root())
        .output()
        .map_err(|e| format!("{stem}: cannot run costintent: {e}"))?;
    if !run.status.success() {
        return Err(format!("{stem}: run failed:\n{}", String::from_utf8_lossy(&run.stderr)));
    }
    if update_requested() {
        return Ok(());
    }
    if !committed.is_dir() {
        return Err(format!("reports/{stem}/ is missing"));
    }
    let (now, then) = (file_names(&out), file_names(&committed));
    if now != then {
        return Err(format!("reports/{stem}/ holds {then:?} but a run writes {now:?}"));
    }
    for name in &now {
        let a = std::fs::read(out.join(name)).map_err(|e| format!("{name}: {e}"))?;
        let b = std::fs::read(committed.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if a != b {
            return Err(format!("reports/{stem}/{name} is stale"));
        }
    }
    Ok(())
}

#[test]
fn sample_reports_are_current() {
    let mut stems: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .filter_map(|e| {
            let path = e.expect("entry").path();
            if path.extension()? != "toml" {
                return None;
            }
            Some(path.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    stems.sort();
    assert!(stems.len() >= 6, "{stems:?}");
    let mut jobs: Vec<Job> = stems
        .iter()
        .map(|stem| Job { folder: stem.clone(), scenario: stem.clone(), flags: Vec::new() })
        .collect();
    jobs.extend(EXTRA.iter().map(|(folder, scenario, flags)| Job {
        folder: (*folder).to_owned(),
        scenario: (*scenario).to_owned(),
        flags: flags.iter().map(|f| (*f).to_owned()).collect(),
    }));
    let scratch = tempfile::tempdir().expect("temp dir");
    // Two at a time: the machine this runs on has two cores, and each run
    // uses both through rayon anyway.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(2))
            .map(|chunk| {
                let scratch = scratch.path();
                s.spawn(move || {
                    chunk.iter().filter_map(|job| check(job, scratch).err()).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("no panic")).collect()
    });
    assert!(
        failures.is_empty(),
        "{}\n\nrun `bash reports/regenerate.sh` and commit reports/ if the change is intended",
        failures.join("\n")
    );
}
