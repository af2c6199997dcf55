//! The sample reports in reports/ are what the code produces now: every
//! bundled scenario is run with its own seed and trial count, and every file
//! must match the committed one byte for byte. When this fails after an
//! intended change, run `bash reports/regenerate.sh` and commit the result.

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

fn check(stem: &str, scratch: &Path) -> Result<(), String> {
    let out = scratch.join(stem);
    let run = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", &format!("scenarios/{stem}.toml"), "--quiet", "--format", "json", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .map_err(|e| format!("{stem}: cannot run costintent: {e}"))?;
    if !run.status.success() {
        return Err(format!("{stem}: run failed:\n{}", String::from_utf8_lossy(&run.stderr)));
    }
    let committed = root().join("reports").join(stem);
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
            (path.extension()? == "toml").then(|| path.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    stems.sort();
    assert!(stems.len() >= 6, "{stems:?}");
    let scratch = tempfile::tempdir().expect("temp dir");
    // Two at a time: the machine this runs on has two cores, and each run
    // uses both through rayon anyway.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = stems
            .chunks(stems.len().div_ceil(2))
            .map(|chunk| {
                let scratch = scratch.path();
                s.spawn(move || {
                    chunk.iter().filter_map(|stem| check(stem, scratch).err()).collect::<Vec<_>>()
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
