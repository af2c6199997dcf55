//! Sharded runs, merges and `--sketch`, end to end: 4 shards of every
//! bundled scenario merge into the single run's report folder byte for
//! byte; sketches stay within their stated bound of the exact order
//! statistics; mismatched or missing shards are refused with exit code 2;
//! and the deployment manifests carry what the merge depends on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn costintent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> Output {
    let out = costintent(args);
    assert!(
        out.status.success(),
        "costintent {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bundled_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the bundled scenarios are found");
    files
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Runs `scenario` once into `dir/single` and as 4 shards merged into
/// `dir/merged`, with `extra` options on both.
fn single_and_merged(scenario: &Path, dir: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let single = dir.join("single");
    let merged = dir.join("merged");
    let mut args = vec!["run", path(scenario), "--quiet", "--out", path(&single)];
    args.extend_from_slice(extra);
    ok(&args);
    let mut shards = Vec::new();
    for i in [2, 0, 3, 1] {
        let shard = dir.join(format!("shard-{i}"));
        let index = format!("{i}/4");
        let mut args =
            vec!["run", path(scenario), "--quiet", "--shard", &index, "--out", path(&shard)];
        args.extend_from_slice(extra);
        ok(&args);
        shards.push(shard);
    }
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|s| path(s)));
    args.extend(["--out", path(&merged)]);
    ok(&args);
    (single, merged)
}

fn files_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("report folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn four_shards_of_every_bundled_scenario_merge_into_the_single_runs_report() {
    for scenario in bundled_scenarios() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (single, merged) = single_and_merged(&scenario, dir.path(), &["--trials", "601"]);
        assert_eq!(files_of(&single), files_of(&merged), "{}", scenario.display());
        for name in files_of(&single) {
            let a = std::fs::read(single.join(&name)).expect("single file");
            let b = std::fs::read(merged.join(&name)).expect("merged file");
            assert!(
                a == b,
                "{}: {name} differs between the single run and the merge",
                scenario.display()
            );
        }
    }
}

#[test]
fn merged_sketches_equal_a_sketched_single_run_within_the_bound_of_the_exact_one() {
    let scenario = repo().join("scenarios/coding-agent.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let (single, merged) =
        single_and_merged(&scenario, dir.path(), &["--trials", "3001", "--sketch"]);
    assert!(!single.join("trials.csv").exists(), "--sketch writes no trials.csv");
    let exact = ok(&["run", path(&scenario), "--quiet", "--trials", "3001", "--format", "json"]);
    let exact: Value = serde_json::from_slice(&exact.stdout).expect("JSON");
    let read = |dir: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).expect("summary"))
            .expect("JSON")
    };
    let (sketched, merged) = (read(&single), read(&merged));
    let bound = sketched["sketch"]["relative_accuracy"].as_f64().expect("the bound is stated");
    assert!(bound > 0.0 && bound <= 0.01);
    for key in ["p50", "p90", "p95", "p99"] {
        let truth = exact["total"][key].as_f64().expect("exact");
        for report in [&sketched, &merged] {
            let value = report["total"][key].as_f64().expect("sketched");
            // Money is rounded to a micro-dollar in the JSON.
            assert!(
                (value - truth).abs() <= bound * truth + 2e-6,
                "{key}: sketch {value} vs exact {truth}, bound ±{bound}"
            );
        }
    }
    // Sketches merge exactly: the percentiles of the merged shards are the
    // single sketched run's; moments and exceedance are exact in both.
    for key in ["min", "max", "p50", "p90", "p95", "p99"] {
        assert_eq!(sketched["total"][key], merged["total"][key], "{key}");
    }
    for key in ["mean", "sd", "min", "max"] {
        let (a, b) = (exact["total"][key].as_f64(), sketched["total"][key].as_f64());
        let (a, b) = (a.expect("exact"), b.expect("sketched"));
        assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0) + 2e-6, "{key}: {a} vs {b}");
    }
    assert_eq!(exact["budget"]["trials_over"], sketched["budget"]["trials_over"]);
    assert_eq!(exact["budget"]["trials_over"], merged["budget"]["trials_over"]);
}

#[test]
fn merge_refuses_mismatched_missing_and_foreign_shards() {
    let scenario = repo().join("scenarios/batch-job.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let shard = |i: u32, extra: &[&str]| -> PathBuf {
        let out = dir.path().join(format!("shard-{i}{}", extra.join("")));
        let index = format!("{i}/3");
        let mut args = vec![
            "run",
            path(&scenario),
            "--quiet",
            "--trials",
            "300",
            "--shard",
            &index,
            "--out",
            path(&out),
        ];
        args.extend_from_slice(extra);
        ok(&args);
        out
    };
    let (s0, s1, s2) = (shard(0, &[]), shard(1, &[]), shard(2, &[]));
    let other_seed = shard(2, &["--seed", "7"]);
    let refused = |args: &[&str], says: &str| {
        let out = costintent(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?} should say `{says}`: {stderr}");
        assert!(stderr.contains("help"), "a suggestion: {stderr}");
    };
    refused(&["merge", path(&s0), path(&s1), path(&other_seed)], "seed 7, not");
    refused(&["merge", path(&s0), path(&s2)], "1 of the 3 shards is missing: 1/3");
    refused(&["merge", path(&s0), path(&s1), path(&s1), path(&s2)], "are both shard 1/3");
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).expect("dir");
    std::fs::write(foreign.join("costintent.shard"), "not a shard").expect("write");
    refused(&["merge", path(&s0), path(&foreign)], "not a costintent shard file");
    let truncated = dir.path().join("truncated.shard");
    let bytes = std::fs::read(s1.join("costintent.shard")).expect("shard");
    std::fs::write(&truncated, &bytes[..bytes.len() - 5]).expect("write");
    refused(&["merge", path(&s0), path(&truncated), path(&s2)], "shorter than its header says");
    refused(
        &["run", path(&scenario), "--shard", "4/4", "--out", path(&dir.path().join("x"))],
        "does not exist",
    );
    refused(
        &[
            "run",
            path(&scenario),
            "--trials",
            "3",
            "--shard",
            "0/4",
            "--out",
            path(&dir.path().join("y")),
        ],
        "leave some empty",
    );
    // A good merge after all that.
    let report = dir.path().join("report");
    ok(&["merge", path(&s2), path(&s0), path(&s1), "--out", path(&report)]);
    assert!(report.join("summary.json").is_file());
}

#[test]
fn a_run_too_large_for_memory_suggests_sketch_and_sketch_fits() {
    let scenario = repo().join("scenarios/coding-agent.toml");
    let too_many = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", path(&scenario), "--quiet", "--trials", "100000000"])
        .env("COSTINTENT_MEMORY_LIMIT", "256M")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&too_many.stderr);
    assert_eq!(too_many.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--sketch"), "suggests --sketch: {stderr}");
    // With --sketch the same limit holds one batch of trials; refused only
    // for the trial count, not for memory (a short run shows it fits).
    let sketched = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", path(&scenario), "--quiet", "--trials", "70000", "--sketch"])
        .env("COSTINTENT_MEMORY_LIMIT", "256M")
        .output()
        .expect("runs");
    assert!(sketched.status.success(), "{}", String::from_utf8_lossy(&sketched.stderr));
    let plain = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", path(&scenario), "--quiet", "--trials", "70000"])
        .env("COSTINTENT_MEMORY_LIMIT", "4M")
        .output()
        .expect("runs");
    assert_eq!(plain.status.code(), Some(2), "4M cannot hold 70,000 trials");
}

/// The Kubernetes manifests are validated against the API schema with
/// kubernetes-validate where it is installed (see README); this checks
/// what the merge depends on: an Indexed Job whose completions are the
/// shard count, each pod writing its JOB_COMPLETION_INDEX's shard to a
/// shared volume that the merge job reads.
#[test]
fn the_kubernetes_manifests_shard_by_completion_index_onto_a_shared_volume() {
    let dir = repo().join("deploy/kubernetes");
    let shards = std::fs::read_to_string(dir.join("costintent-shards.yaml")).expect("manifest");
    let merge = std::fs::read_to_string(dir.join("costintent-merge.yaml")).expect("manifest");
    let value = |text: &str, key: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix(&format!("{key}:")))
            .map(|v| v.trim().trim_matches('"').to_owned())
            .collect()
    };
    assert_eq!(value(&shards, "completionMode"), ["Indexed"]);
    let completions = value(&shards, "completions");
    assert_eq!(completions.len(), 1);
    assert!(
        shards.contains(&format!("--shard \"${{JOB_COMPLETION_INDEX}}/{}\"", completions[0])),
        "the shard count is the completions"
    );
    assert!(shards.contains("--out \"/shards/shard-${JOB_COMPLETION_INDEX}\""));
    assert!(merge.contains("costintent merge /shards/shard-*/ --out /shards/report/"));
    for text in [&shards, &merge] {
        assert_eq!(value(text, "mountPath").first().map(String::as_str), Some("/shards"));
        assert!(value(text, "claimName").contains(&"costintent-shards".to_owned()));
    }
    assert!(shards.contains("ReadWriteMany"), "every node mounts the shard volume");
}
