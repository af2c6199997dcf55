//! Hostile inputs, resource limits and interrupted writes, as tests of the
//! binary: every row of the bad-input catalogue (docs/bad-input.md) and of
//! the adversarial probe's seventeen findings (issue 13).
//!
//! Resource cases use small limits so that they run in a second:
//! `COSTINTENT_MEMORY_LIMIT` lowers the memory a run may use, and
//! `COSTINTENT_TEST_WRITE_DELAY_MS` slows the writing of a report folder so
//! that a signal can land in the middle of it. Every child process runs
//! under a deadline, so a regression that hangs fails the test instead of
//! hanging it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary, run in `dir`, without colour, with a memory limit that keeps
/// an accidental huge run from touching the machine's memory.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_costintent"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COSTINTENT_MEMORY_LIMIT", "2G")
        .env_remove("COSTINTENT_TEST_WRITE_DELAY_MS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for `child` at most `secs` seconds; kills it and fails otherwise.
fn wait_at_most(mut child: Child, secs: u64, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().expect("output"),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!(
                    "{what}: still running after {secs} s (killed)\nstderr:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
}

/// Runs the binary in `dir` with a 60-second deadline.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let child = command(dir, args).spawn().expect("the binary starts");
    wait_at_most(child, 60, &args.join(" "))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts the exit code and that nothing panicked; returns stderr.
fn expect_exit(out: &Output, code: i32, what: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{what}: exit code\nstderr:\n{err}");
    assert!(!err.contains("panicked"), "{what}: panic\n{err}");
    err
}

/// A scenario whose every trial costs exactly $2.00: 1000 requests of 1000
/// input ($1 per 1M) and 500 output ($2 per 1M) tokens.
const EXACT: &str = r#"[scenario]
name = "exact"
period = "30d"
trials = 200
seed = 1

[models."acme/a"]
input_per_mtok = 1.0
output_per_mtok = 2.0

[[workload]]
name = "chat"
kind = "requests"
model = "acme/a"
requests = 1000
input = 1000
output = 500
"#;

/// A scenario with `body` as its one workload's keys (after the model).
fn scenario_with(body: &str) -> String {
    format!(
        "[scenario]\nname = \"probe\"\nperiod = \"30d\"\ntrials = 50\n\n[models.\"acme/a\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n\n[[workload]]\nname = \"chat\"\nkind = \"requests\"\nmodel = \"acme/a\"\n{body}\n"
    )
}

/// A temporary folder with `exact.toml` in it.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("exact.toml"), EXACT).expect("write scenario");
    dir
}

/// Entries of `dir` whose name contains `.costintent`: temporary files and
/// folders that must never be left behind.
fn strays(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("readable folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".costintent"))
        .collect()
}

/// A hand-written LiteLLM price file with one chat model.
const LITELLM: &str = r#"{
  "acme-chat": {
    "litellm_provider": "acme",
    "mode": "chat",
    "input_cost_per_token": 1e-06,
    "output_cost_per_token": 2e-06
  }
}"#;

// ---------------------------------------------------------------------------
// Issue 13, row 1: never replace what is not a regular file.

#[cfg(unix)]
#[test]
fn row01_destinations_that_are_not_regular_files_are_refused() {
    use std::os::unix::fs::FileTypeExt as _;
    let ws = workspace();
    let dir = ws.path();
    std::fs::write(dir.join("prices.json"), LITELLM).expect("write");
    std::fs::write(dir.join("target.toml"), "# keep me\n").expect("write");
    std::os::unix::fs::symlink("target.toml", dir.join("link.toml")).expect("symlink");
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo");
    std::fs::create_dir(dir.join("folder")).expect("mkdir");

    let destinations = ["/dev/null", "/dev/stdout", "link.toml", "fifo", "folder"];
    for dest in destinations {
        let init = run_in(dir, &["init", dest, "--force"]);
        let err = expect_exit(&init, 2, &format!("init {dest} --force"));
        assert!(
            err.contains("not a regular file") || err.contains("symbolic link"),
            "{dest}: {err}"
        );
        let import =
            run_in(dir, &["catalog", "import", "litellm", "prices.json", "--out", dest, "--force"]);
        expect_exit(&import, 2, &format!("catalog import --out {dest} --force"));
    }
    // Everything is as it was: the device, the link and its target, the FIFO.
    let null = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
    assert!(null.file_type().is_char_device(), "/dev/null is still a device");
    assert!(std::fs::symlink_metadata(dir.join("link.toml")).expect("link").is_symlink());
    assert_eq!(std::fs::read_to_string(dir.join("target.toml")).expect("target"), "# keep me\n");
    assert!(std::fs::symlink_metadata(&fifo).expect("fifo").file_type().is_fifo());
    assert!(dir.join("folder").is_dir());
    // A report folder may not be a link, a file or a device either.
    std::os::unix::fs::symlink("folder", dir.join("dirlink")).expect("symlink");
    for dest in ["dirlink", "target.toml", "/dev/null"] {
        let run = run_in(dir, &["run", "exact.toml", "--out", dest]);
        expect_exit(&run, 2, &format!("run --out {dest}"));
    }
    assert!(std::fs::symlink_metadata(dir.join("dirlink")).expect("link").is_symlink());
    assert_eq!(strays(dir), Vec::<String>::new());
    // A regular file is still replaced with --force, and only with it.
    let again = run_in(dir, &["init", "target.toml"]);
    expect_exit(&again, 2, "init over a file without --force");
    let forced = run_in(dir, &["init", "target.toml", "--force"]);
    expect_exit(&forced, 0, "init over a file with --force");
    assert!(std::fs::read_to_string(dir.join("target.toml")).expect("read").contains("[scenario]"));
}

// ---------------------------------------------------------------------------
// Row 2: a run that cannot fit in memory is refused before allocating.

#[test]
fn row02_runs_too_large_for_memory_are_refused_with_the_estimate() {
    let ws = workspace();
    let dir = ws.path();
    // 100 million trials of an 11-column row: 17.6 GB of rows and columns.
    let mut cmd = command(dir, &["run", "exact.toml", "--trials", "100000000"]);
    cmd.env("COSTINTENT_MEMORY_LIMIT", "1G");
    let out = wait_at_most(cmd.spawn().expect("starts"), 30, "run --trials 1e8");
    let err = expect_exit(&out, 2, "--trials 100000000");
    assert!(err.contains("100,000,000 trials need about 18.6 GiB"), "{err}");
    assert!(err.contains("--trials"), "suggests fewer trials: {err}");

    // `trials = 1e12` in the file is refused with the machine's real memory
    // (no override: 176 TB fits nowhere), and `check` reports it.
    std::fs::write(dir.join("huge.toml"), EXACT.replace("trials = 200", "trials = 1e12"))
        .expect("write");
    let mut cmd = command(dir, &["run", "huge.toml"]);
    cmd.env_remove("COSTINTENT_MEMORY_LIMIT");
    let out = wait_at_most(cmd.spawn().expect("starts"), 30, "run trials = 1e12");
    let err = expect_exit(&out, 2, "trials = 1e12");
    assert!(err.contains("1,000,000,000,000 trials need about 181.9 TiB"), "{err}");
    let check = run_in(dir, &["check", "huge.toml"]);
    let err = expect_exit(&check, 0, "check trials = 1e12");
    assert!(stdout(&check).contains("memory    about 181.9 TiB"), "{}", stdout(&check));
    assert!(err.contains("`run` will refuse it"), "{err}");

    // `--vary scenario.trials=...`: the same estimate, before simulating.
    let vary = run_in(dir, &["run", "exact.toml", "--vary", "scenario.trials=1e12"]);
    let err = expect_exit(&vary, 2, "--vary scenario.trials=1e12");
    assert!(err.contains("TiB of memory"), "{err}");

    // 1,000 workloads × 2M trials: 288 GB; refused, with the largest count that fits.
    let mut many = String::from(
        "[scenario]\nname = \"many\"\nperiod = \"30d\"\n\n[models.\"acme/a\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n",
    );
    for i in 0..1000 {
        many.push_str(&format!(
            "\n[[workload]]\nname = \"w{i}\"\nkind = \"requests\"\nmodel = \"acme/a\"\nrequests = 1\ninput = 1\noutput = 1\n"
        ));
    }
    std::fs::write(dir.join("many.toml"), many).expect("write");
    let mut cmd = command(dir, &["run", "many.toml", "--trials", "2000000"]);
    cmd.env("COSTINTENT_MEMORY_LIMIT", "16G");
    let out = wait_at_most(cmd.spawn().expect("starts"), 60, "1000 workloads");
    let err = expect_exit(&out, 2, "1,000 workloads × 2M trials");
    assert!(err.contains("2,000,000 trials need about"), "{err}");
    assert!(err.contains("lower the trial count to at most"), "{err}");
}

// ---------------------------------------------------------------------------
// Row 3: inputs are small regular files, refused before they are read.

#[cfg(unix)]
#[test]
fn row03_devices_fifos_folders_and_huge_files_are_refused_as_inputs() {
    let ws = workspace();
    let dir = ws.path();
    let made = Command::new("mkfifo").arg(dir.join("fifo")).status().expect("mkfifo");
    assert!(made.success());
    // A sparse 100 MB file takes no disk space.
    let big = std::fs::File::create(dir.join("big.toml")).expect("create");
    big.set_len(100 * 1024 * 1024).expect("sparse file");
    let cases: [(&[&str], &str); 7] = [
        (&["check", "/dev/zero"], "character device"),
        (&["check", "exact.toml", "--catalog", "/dev/zero"], "character device"),
        (&["run", "exact.toml", "--catalog", "/dev/zero"], "character device"),
        (&["check", "fifo"], "FIFO"),
        (&["check", "."], "a folder"),
        (&["check", "big.toml"], "above the 64 MB limit"),
        (&["catalog", "import", "litellm", "/dev/zero"], "character device"),
    ];
    for (args, mention) in cases {
        let child = command(dir, args).spawn().expect("starts");
        // A read of /dev/zero or a FIFO would never end: 10 seconds is plenty.
        let out = wait_at_most(child, 10, &args.join(" "));
        let err = expect_exit(&out, 2, &args.join(" "));
        assert!(err.contains(mention), "{args:?} should say {mention}:\n{err}");
        assert!(err.len() < 1_000, "{args:?}: a short message");
    }
}

// ---------------------------------------------------------------------------
// Row 4 (validation part): absurd volumes are warned about or refused.

#[test]
fn row04_absurd_volumes_and_periods_are_caught_at_validation() {
    let ws = workspace();
    let dir = ws.path();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");

    write("fixed.toml", &scenario_with("requests = 1e15\ninput = 10\noutput = 5"));
    let out = run_in(dir, &["check", "fixed.toml"]);
    let err = expect_exit(&out, 0, "requests = 1e15 is allowed with a warning");
    assert!(err.contains("more than any real workload"), "{err}");
    assert!(err.contains("fixed.toml:14:12"), "located: {err}");

    write(
        "rate.toml",
        &scenario_with("requests = { per = \"day\", mean = 1e15 }\ninput = 10\noutput = 5"),
    );
    let out = run_in(dir, &["check", "rate.toml"]);
    let err = expect_exit(&out, 2, "1e15 per day is 3e16 per period");
    assert!(err.contains("3e16 per period on average, above the sanity bound of 1e15"), "{err}");

    write("period.toml", &EXACT.replace("\"30d\"", "\"99999999999999999999d\""));
    let out = run_in(dir, &["check", "period.toml"]);
    let err = expect_exit(&out, 2, "period of 1e20 days");
    assert!(err.contains("`period` is 1e20 days, above the sanity bound of 3660 days"), "{err}");
    assert!(err.contains("period.toml:3:10"), "{err}");

    let realtime = "[scenario]\nname = \"voice\"\nperiod = \"30d\"\n\n[[workload]]\nname = \"bot\"\nkind = \"realtime\"\nmodel = \"openai/gpt-realtime-mini\"\nsessions = 10\nminutes = 1e7\nturns_per_minute = 4\n";
    write("voice.toml", realtime);
    let out = run_in(dir, &["check", "voice.toml"]);
    let err = expect_exit(&out, 2, "realtime minutes = 1e7");
    assert!(
        err.contains("`minutes` is 1e7 minutes, above the sanity bound of 10080 minutes"),
        "{err}"
    );

    // --scale is warned about before simulating (the memory limit then
    // stops this run, so the test does not simulate 1e11 requests).
    let mut cmd = command(dir, &["run", "exact.toml", "--scale", "1e8", "--trials", "1000000"]);
    cmd.env("COSTINTENT_MEMORY_LIMIT", "1M");
    let out = wait_at_most(cmd.spawn().expect("starts"), 30, "--scale 1e8");
    let err = expect_exit(&out, 2, "--scale 1e8 with a tiny memory limit");
    assert!(err.contains("--scale 1e8 takes workload `chat` to 1e11 per period"), "{err}");
}

// ---------------------------------------------------------------------------
// Row 5: --threads is bounded.

#[test]
fn row05_thread_counts_are_capped_or_refused() {
    let ws = workspace();
    let dir = ws.path();
    let start = Instant::now();
    let out = run_in(dir, &["run", "exact.toml", "--threads", "100000"]);
    let err = expect_exit(&out, 2, "--threads 100000");
    assert!(err.contains("more than the 1024 supported"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10), "refused at once");

    let json = |threads: &str| {
        let out = run_in(dir, &["run", "exact.toml", "--threads", threads, "--format", "json"]);
        let err = expect_exit(&out, 0, &format!("--threads {threads}"));
        (out.stdout, err)
    };
    let (capped, err) = json("1024");
    assert!(err.contains("--threads 1024 lowered to"), "{err}");
    let (one, _) = json("1");
    assert_eq!(capped, one, "the result does not depend on the thread count");
}

// ---------------------------------------------------------------------------
// Row 6 and issue 12 part 5: a report folder is the old report or the new
// one, whatever moment a signal arrives; no temporary files remain.

/// Every file of `dir`, by name.
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("readable report folder")
        .map(|e| {
            let e = e.expect("entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for (name, bytes) in files_of(from) {
        std::fs::write(to.join(name), bytes).expect("write");
    }
}

#[cfg(unix)]
fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name}");
}

#[cfg(unix)]
#[test]
fn row06_a_signal_at_any_moment_leaves_the_old_report_or_the_new_one() {
    let ws = workspace();
    let dir = ws.path();
    // References: the old report (seed 1) and the new one (seed 2).
    for (seed, folder) in [("1", "ref-old"), ("2", "ref-new")] {
        let out = run_in(dir, &["run", "exact.toml", "--seed", seed, "--out", folder, "--quiet"]);
        expect_exit(&out, 0, folder);
    }
    let old = files_of(&dir.join("ref-old"));
    let new = files_of(&dir.join("ref-new"));
    assert_ne!(old, new, "the two reports differ");
    assert!(old.len() >= 10, "{} files", old.len());

    let report = dir.join("report");
    let mut outcomes = Vec::new();
    // Milliseconds after the write started (None: right after the start of
    // the process, during validation or simulation).
    let moments: [Option<u64>; 9] = [
        None,
        Some(0),
        Some(80),
        Some(250),
        Some(500),
        Some(800),
        Some(1050),
        Some(1200),
        Some(3000),
    ];
    for (i, moment) in moments.into_iter().enumerate() {
        let _ = std::fs::remove_dir_all(&report);
        copy_dir(&dir.join("ref-old"), &report);
        let mut cmd =
            command(dir, &["run", "exact.toml", "--seed", "2", "--out", "report", "--quiet"]);
        // About 100 ms per file: the write of 10 files takes a second.
        cmd.env("COSTINTENT_TEST_WRITE_DELAY_MS", "100");
        let mut child = cmd.spawn().expect("starts");
        if let Some(ms) = moment {
            // Wait until the temporary folder appears: the write has begun.
            let deadline = Instant::now() + Duration::from_secs(30);
            while strays(dir).is_empty()
                && child.try_wait().expect("poll").is_none()
                && Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(ms));
        }
        let sig = if i % 2 == 0 { "TERM" } else { "INT" };
        if child.try_wait().expect("poll").is_none() {
            signal(&child, sig);
        }
        let out = wait_at_most(child, 30, "interrupted run");
        let code = out.status.code();
        let now = files_of(&report);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            panic!(
                "SIG{sig} at {moment:?}: the folder is a mix of reports: {:?}\nstderr:\n{}",
                now.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                stderr(&out)
            )
        };
        assert_eq!(
            strays(dir),
            Vec::<String>::new(),
            "SIG{sig} at {moment:?}: temporary files left"
        );
        match which {
            "old" => assert!(
                code == Some(130) || code.is_none(),
                "SIG{sig} at {moment:?}: old report but exit {code:?}\n{}",
                stderr(&out)
            ),
            _ => assert!(code == Some(0) || code == Some(130), "{code:?}\n{}", stderr(&out)),
        }
        outcomes.push((moment, sig, which));
    }
    // The signals during the write kept the old report; the late one came
    // after the new report was in place.
    assert!(outcomes.iter().any(|(m, _, w)| m.is_some() && *w == "old"), "{outcomes:?}");
    assert!(outcomes.iter().any(|(_, _, w)| *w == "new"), "{outcomes:?}");
}

/// Issue 12 item 5: `merge --out` is as safe as `run --out`: a signal
/// while it writes leaves the previous report, never a mix.
#[cfg(unix)]
#[test]
fn a_signal_during_merge_leaves_the_old_report_or_the_new_one() {
    let ws = workspace();
    let dir = ws.path();
    for i in 0..2 {
        let shard = format!("{i}/2");
        let folder = format!("shard-{i}");
        let out = run_in(dir, &["run", "exact.toml", "--shard", &shard, "--out", &folder]);
        expect_exit(&out, 0, &folder);
    }
    let merged = run_in(dir, &["merge", "shard-0", "shard-1", "--out", "ref-new"]);
    expect_exit(&merged, 0, "merge");
    let old_run = run_in(dir, &["run", "exact.toml", "--seed", "7", "--out", "ref-old", "--quiet"]);
    expect_exit(&old_run, 0, "old report");
    let (old, new) = (files_of(&dir.join("ref-old")), files_of(&dir.join("ref-new")));
    assert_ne!(old, new, "the two reports differ");
    let report = dir.join("report");
    let mut seen = Vec::new();
    for (i, ms) in [0_u64, 150, 400, 700].into_iter().enumerate() {
        let _ = std::fs::remove_dir_all(&report);
        copy_dir(&dir.join("ref-old"), &report);
        let mut cmd = command(dir, &["merge", "shard-0", "shard-1", "--out", "report"]);
        cmd.env("COSTINTENT_TEST_WRITE_DELAY_MS", "100");
        let mut child = cmd.spawn().expect("starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while strays(dir).is_empty()
            && child.try_wait().expect("poll").is_none()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(ms));
        let sig = if i % 2 == 0 { "TERM" } else { "INT" };
        if child.try_wait().expect("poll").is_none() {
            signal(&child, sig);
        }
        let out = wait_at_most(child, 30, "interrupted merge");
        let now = files_of(&report);
        assert!(now == old || now == new, "SIG{sig} at {ms} ms: a mix\n{}", stderr(&out));
        assert_eq!(strays(dir), Vec::<String>::new(), "SIG{sig} at {ms} ms: temporary files");
        seen.push(now == old);
    }
    assert!(seen.iter().any(|old| *old), "a signal during the write kept the old report");
}

#[test]
fn row06_a_folder_that_is_not_a_report_is_never_replaced() {
    let ws = workspace();
    let dir = ws.path();
    // `summary.json` as a folder, and a folder holding a foreign file.
    std::fs::create_dir_all(dir.join("odd/summary.json")).expect("mkdir");
    std::fs::create_dir_all(dir.join("mine")).expect("mkdir");
    std::fs::write(dir.join("mine/notes.txt"), "mine").expect("write");
    for (folder, mention) in
        [("odd", "is not a regular file"), ("mine", "was not written by costintent")]
    {
        let start = Instant::now();
        let out = run_in(dir, &["run", "exact.toml", "--trials", "20000000", "--out", folder]);
        let err = expect_exit(&out, 2, folder);
        assert!(err.contains(mention), "{folder}: {err}");
        assert!(start.elapsed() < Duration::from_secs(20), "refused before simulating");
    }
    assert!(dir.join("odd/summary.json").is_dir());
    assert_eq!(std::fs::read_to_string(dir.join("mine/notes.txt")).expect("kept"), "mine");
    let out = run_in(dir, &["compare", "exact.toml", "exact.toml", "--out", "mine"]);
    expect_exit(&out, 2, "compare --out into a foreign folder");
    assert_eq!(strays(dir), Vec::<String>::new());
}

#[test]
fn row06_compare_and_vary_replace_their_folder_whole() {
    let ws = workspace();
    let dir = ws.path();
    let out = run_in(dir, &["compare", "exact.toml", "exact.toml", "--out", "cmp", "--quiet"]);
    expect_exit(&out, 0, "compare --out");
    let first = files_of(&dir.join("cmp"));
    assert!(first.iter().any(|(n, _)| n == "comparison.json"), "{first:?}");
    // A vary into the same folder replaces it entirely.
    let out = run_in(
        dir,
        &["run", "exact.toml", "--vary", "chat.output=500,1500", "--out", "cmp", "--quiet"],
    );
    expect_exit(&out, 0, "run --vary --out");
    let second = files_of(&dir.join("cmp"));
    assert_ne!(first, second);
    let json: Value = serde_json::from_slice(
        &second.iter().find(|(n, _)| n == "comparison.json").expect("comparison.json").1,
    )
    .expect("valid JSON");
    assert_eq!(json["runs"][1]["name"], "chat.output=1500");
    assert_eq!(strays(dir), Vec::<String>::new());
}

/// Mounts a 64 KiB tmpfs at `at`, or says loudly why it cannot (the only
/// reason this part of the test is skipped).
#[cfg(target_os = "linux")]
#[expect(clippy::print_stderr, reason = "a skipped check must say so")]
fn small_tmpfs(at: &Path) -> Option<TmpfsGuard> {
    std::fs::create_dir_all(at).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(at)
        .stderr(Stdio::piped())
        .output();
    match mounted {
        Ok(out) if out.status.success() => Some(TmpfsGuard(at.to_owned())),
        Ok(out) => {
            eprintln!(
                "SKIPPED the tmpfs part: cannot mount a small tmpfs here ({}); the ulimit part still runs",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!("SKIPPED the tmpfs part: cannot run mount ({e}); the ulimit part still runs");
            None
        }
    }
}

#[cfg(target_os = "linux")]
struct TmpfsGuard(PathBuf);

#[cfg(target_os = "linux")]
impl Drop for TmpfsGuard {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn row06_a_full_disk_fails_cleanly_and_leaves_nothing_behind() {
    let ws = workspace();
    let dir = ws.path();
    // A real full disk: a 64 KiB tmpfs (the report is about 300 KB).
    if let Some(_mount) = small_tmpfs(&dir.join("small")) {
        let out = run_in(dir, &["run", "exact.toml", "--out", "small/report", "--quiet"]);
        let err = expect_exit(&out, 1, "--out on a full disk");
        assert!(err.contains("No space left on device"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.join("small")).expect("mounted").collect();
        assert!(left.is_empty(), "nothing left on the small disk: {left:?}");
        // The one-file writers too.
        // Fill the disk (the last bytes may not fit: that is the point).
        let _ = std::fs::write(dir.join("small/fill"), vec![b'x'; 64 * 1024]);
        let out = run_in(dir, &["init", "small/s.toml"]);
        expect_exit(&out, 1, "init on a full disk");
        let names: Vec<String> = std::fs::read_dir(dir.join("small"))
            .expect("mounted")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["fill"], "no temporary file left");
    }
    // A simulated write error that needs no privileges: a file-size limit
    // (with SIGXFSZ ignored, a write beyond it fails with EFBIG).
    let sh = format!(
        "trap '' XFSZ; ulimit -f 8; exec '{}' run exact.toml --out limited --quiet",
        env!("CARGO_BIN_EXE_costintent")
    );
    let child = Command::new("sh")
        .args(["-c", &sh])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COSTINTENT_MEMORY_LIMIT", "2G")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let out = wait_at_most(child, 60, "ulimit -f");
    let err = expect_exit(&out, 1, "a write error");
    assert!(err.contains("cannot write limited/"), "{err}");
    assert!(!dir.join("limited").exists(), "no partial report");
    assert_eq!(strays(dir), Vec::<String>::new());
}

#[test]
fn row06_unwritable_or_impossible_out_paths_fail_before_simulating() {
    let ws = workspace();
    let dir = ws.path();
    let start = Instant::now();
    // /proc cannot hold new folders, even for root.
    let out = run_in(
        dir,
        &["run", "exact.toml", "--trials", "20000000", "--out", "/proc/costintent-test/report"],
    );
    let err = expect_exit(&out, 1, "--out under /proc");
    assert!(err.contains("not writable"), "{err}");
    let out = run_in(dir, &["run", "exact.toml", "--out", "exact.toml/report"]);
    let err = expect_exit(&out, 2, "--out inside a file");
    assert!(err.contains("is a regular file"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(20), "before simulating");
    // A missing parent is created, but only when the report is written.
    let out = run_in(dir, &["run", "exact.toml", "--out", "a/b/report", "--quiet"]);
    expect_exit(&out, 0, "--out with missing parents");
    assert!(dir.join("a/b/report/summary.json").is_file());
}

// ---------------------------------------------------------------------------
// Rows 7, 8 and 15: --vary with budgets, thresholds and trial counts.

#[test]
fn row07_each_varied_run_uses_its_own_budget() {
    let ws = workspace();
    let out = run_in(
        ws.path(),
        &["run", "exact.toml", "--vary", "scenario.budget=1.5,2.5", "--format", "json"],
    );
    expect_exit(&out, 0, "--vary scenario.budget");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["runs"][0]["budget"], 1.5);
    assert_eq!(v["runs"][0]["p_exceed"], 1.0, "every $2.00 trial is above $1.50");
    assert_eq!(v["runs"][1]["budget"], 2.5);
    assert_eq!(v["runs"][1]["p_exceed"], 0.0, "no $2.00 trial is above $2.50");
    assert_eq!(v["budget"], Value::Null, "no single budget for both runs");
    let table = run_in(ws.path(), &["run", "exact.toml", "--vary", "scenario.budget=1.5,2.5"]);
    let text = stdout(&table);
    assert!(text.contains("budget") && text.contains("$1.50") && text.contains("$2.50"), "{text}");
    assert!(text.contains("P(spend > budget)"), "{text}");
}

#[test]
fn row08_fail_over_budget_applies_per_run_and_sensitivity_with_vary_is_refused() {
    let ws = workspace();
    let dir = ws.path();
    let over = run_in(
        dir,
        &["run", "exact.toml", "--vary", "scenario.budget=2.5,1.5", "--fail-over-budget"],
    );
    let err = expect_exit(&over, 3, "one run over budget");
    assert!(err.contains("in run `scenario.budget=1.5`"), "{err}");
    let fine = run_in(
        dir,
        &["run", "exact.toml", "--vary", "scenario.budget=2.5,3", "--fail-over-budget"],
    );
    expect_exit(&fine, 0, "every run within budget");
    let both = run_in(dir, &["run", "exact.toml", "--vary", "chat.output=1,2", "--sensitivity"]);
    let err = expect_exit(&both, 2, "--sensitivity with --vary");
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn row15_invalid_combinations_exit_2_before_simulating() {
    let ws = workspace();
    let dir = ws.path();
    let trials = run_in(dir, &["run", "exact.toml", "--vary", "scenario.trials=10,50"]);
    let err = expect_exit(&trials, 2, "--vary scenario.trials");
    assert!(err.contains("same trials and seed"), "{err}");
    // 20 million trials would take minutes: the answer comes at once.
    for args in [
        &["run", "exact.toml", "--trials", "20000000", "--fail-over-budget"][..],
        &[
            "run",
            "exact.toml",
            "--trials",
            "20000000",
            "--fail-over-budget",
            "--vary",
            "chat.output=1,2",
        ][..],
    ] {
        let start = Instant::now();
        let out = run_in(dir, args);
        let err = expect_exit(&out, 2, "--fail-over-budget without a budget");
        assert!(err.contains("--fail-over-budget needs a budget"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(20), "checked before simulating");
    }
}

// ---------------------------------------------------------------------------
// Rows 11 and 16: values that would overflow or are absurd.

#[test]
fn row11_row16_overflowing_and_absurd_values_are_refused_at_validation() {
    let ws = workspace();
    let dir = ws.path();
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "lognormal-p90",
            &scenario_with(
                "requests = 10\ninput = { dist = \"lognormal\", median = 100, p90 = 1e300 }\noutput = 5",
            ),
            "`p90` of `input` is 1e300 tokens, above the sanity bound of 1e9 tokens",
            ":15:51",
        ),
        (
            "wide-lognormal",
            &scenario_with(
                "requests = 10\ninput = { dist = \"lognormal\", median = 1, p90 = 1e8 }\noutput = 5",
            ),
            "99.9999th percentile",
            ":15:9",
        ),
        (
            "input-1e300",
            &scenario_with("requests = 10\ninput = 1e300\noutput = 5"),
            "`input` is 1e300 tokens",
            ":15:9",
        ),
        (
            "price-1e308",
            &EXACT.replace("input_per_mtok = 1.0", "input_per_mtok = 1e308"),
            "`input_per_mtok` is 1e308 USD, above the sanity bound of 10000 USD",
            ":8:18",
        ),
        (
            "price-1.2e44",
            &EXACT.replace("output_per_mtok = 2.0", "output_per_mtok = 1.2e44"),
            "`output_per_mtok` is 1.2e44 USD",
            ":9:19",
        ),
        (
            "budget-1e308",
            &EXACT.replace("seed = 1", "seed = 1\nbudget = 1e308"),
            "`budget` is 1e308 USD, above the sanity bound of 1e12 USD",
            ":6:10",
        ),
    ];
    for (name, text, mention, location) in cases {
        let file = format!("{name}.toml");
        std::fs::write(dir.join(&file), text).expect("write");
        for cmd in ["check", "run"] {
            let out = run_in(dir, &[cmd, &file]);
            let err = expect_exit(&out, 2, &format!("{cmd} {name}"));
            assert!(err.contains(mention), "{name} should say {mention}:\n{err}");
            assert!(err.contains(&format!("{file}{location}")), "{name} at {location}:\n{err}");
            assert!(err.contains("= help:"), "{name} has a suggestion:\n{err}");
        }
    }
    let images = "[scenario]\nname = \"img\"\nperiod = \"30d\"\n\n[[workload]]\nname = \"thumbs\"\nkind = \"image\"\nmodel = \"openai/gpt-image-1.5\"\nrequests = 10\nsize = \"1024x1024\"\nquality = \"medium\"\nn = 1e15\n";
    std::fs::write(dir.join("n.toml"), images).expect("write");
    let out = run_in(dir, &["check", "n.toml"]);
    let err = expect_exit(&out, 2, "n = 1e15");
    assert!(err.contains("`n` is 1e15"), "{err}");
    let out = run_in(dir, &["run", "exact.toml", "--budget", "1e308"]);
    let err = expect_exit(&out, 2, "--budget 1e308");
    assert!(err.contains("above the sanity bound of 1e12 USD"), "{err}");
    // A catalog file with an absurd price is refused where it says so.
    let catalog = "[sources.mine]\ntitle = \"my page\"\n\n[[model]]\nid = \"acme/big\"\nname = \"Big\"\nsource = \"mine\"\nprices = [ { unit = \"input_token\", usd = 1.2e44 } ]\n";
    std::fs::write(dir.join("prices.toml"), catalog).expect("write");
    let out = run_in(dir, &["catalog", "list", "--catalog", "prices.toml"]);
    let err = expect_exit(&out, 2, "catalog price 1.2e44");
    assert!(err.contains("prices.toml:8:") && err.contains("1.2e44 USD"), "{err}");
}

// ---------------------------------------------------------------------------
// Row 12: no control character reaches the terminal.

#[test]
fn row12_control_characters_in_names_and_ids_are_refused_and_never_printed() {
    let ws = workspace();
    let dir = ws.path();
    let wallet = "\n[[wallet]]\nname = \"w\\u001b[31m\"\ntopup = 10\n";
    let cases: [(&str, String, &str); 5] = [
        ("workload", EXACT.replace("name = \"chat\"", "name = \"ch\\u001b[2Jat\""), ":12:8"),
        ("nul", EXACT.replace("name = \"chat\"", "name = \"chat\\u0000\""), ":12:8"),
        ("scenario", EXACT.replace("name = \"exact\"", "name = \"e\\u001b]0;x\\u0007\""), ":2:8"),
        ("model", EXACT.replace("acme/a", "acme/\\u001ba"), ":7:"),
        ("wallet", format!("{EXACT}{wallet}"), ":20:8"),
    ];
    for (what, text, location) in cases {
        let file = format!("{what}.toml");
        std::fs::write(dir.join(&file), text).expect("write");
        for cmd in ["check", "run"] {
            let out = run_in(dir, &[cmd, &file]);
            let err = expect_exit(&out, 2, &format!("{cmd} {what}"));
            assert!(err.contains("control character"), "{what}: {err}");
            assert!(err.contains(&format!("{file}{location}")), "{what} at {location}: {err}");
            for stream in [&out.stdout, &out.stderr] {
                assert!(
                    !stream.contains(&0x1b) && !stream.contains(&0),
                    "{what}: raw escape or NUL printed"
                );
            }
        }
    }
    // A raw ESC byte in a comment is quoted as a visible symbol.
    std::fs::write(dir.join("raw.toml"), "[scenario]\nname = \"x\"\n# \u{1b}[2J\n").expect("write");
    let out = run_in(dir, &["check", "raw.toml"]);
    expect_exit(&out, 2, "raw ESC in a comment");
    assert!(!out.stderr.contains(&0x1b), "{}", stderr(&out));
    assert!(stderr(&out).contains('\u{241b}'), "shown as ␛: {}", stderr(&out));
    // From a --catalog file: refused, nothing printed raw.
    let catalog = "[sources.mine]\ntitle = \"my \\u001b]0;pwned\\u0007 page\"\n\n[[model]]\nid = \"acme/\\u001b[2Jx\"\nname = \"X\"\nsource = \"mine\"\nprices = [ { unit = \"input_token\", usd = 1.0 } ]\n";
    std::fs::write(dir.join("evil.toml"), catalog).expect("write");
    for args in [
        &["catalog", "list", "--catalog", "evil.toml"][..],
        &["check", "exact.toml", "--catalog", "evil.toml"][..],
    ] {
        let out = run_in(dir, args);
        let err = expect_exit(&out, 2, "catalog with escapes");
        assert!(err.contains("control character"), "{err}");
        assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b));
    }
}

// ---------------------------------------------------------------------------
// Row 13: --max-risk is a probability.

#[test]
fn row13_max_risk_outside_zero_to_one_is_refused() {
    let ws = workspace();
    for p in ["-0.1", "NaN", "1.5", "inf"] {
        let out = run_in(
            ws.path(),
            &["run", "exact.toml", "--budget", "3", "--fail-over-budget", "--max-risk", p],
        );
        let err = expect_exit(&out, 2, &format!("--max-risk {p}"));
        assert!(err.contains("not a probability between 0 and 1"), "{p}: {err}");
    }
    for p in ["0", "1"] {
        let out = run_in(
            ws.path(),
            &["run", "exact.toml", "--budget", "3", "--fail-over-budget", "--max-risk", p],
        );
        expect_exit(&out, 0, &format!("--max-risk {p}"));
    }
}

// ---------------------------------------------------------------------------
// Row 14: errors about huge lines stay short.

#[test]
fn row14_a_huge_single_line_gives_a_short_error() {
    let ws = workspace();
    let dir = ws.path();
    // 10 MB on one line: an unterminated string, then an unknown 5 MB key.
    let mut line = String::from("[scenario]\nname = \"");
    line.push_str(&"a".repeat(10_000_000));
    std::fs::write(dir.join("long.toml"), line).expect("write");
    let mut key = "k".repeat(5_000_000);
    key.push_str(" = 1\n");
    std::fs::write(dir.join("key.toml"), key).expect("write");
    for file in ["long.toml", "key.toml"] {
        let out = run_in(dir, &["check", file]);
        let err = expect_exit(&out, 2, file);
        assert!(err.len() < 4_000, "{file}: {} bytes of error", err.len());
        assert!(err.contains('…'), "{file}: the quote is cut: {err}");
    }
    // 100 MB: refused by size before it is read.
    let big = std::fs::File::create(dir.join("huge.toml")).expect("create");
    big.set_len(100_000_000).expect("sparse");
    let out = run_in(dir, &["check", "huge.toml"]);
    let err = expect_exit(&out, 2, "100 MB");
    assert!(err.len() < 1_000 && err.contains("limit"), "{err}");
}

// ---------------------------------------------------------------------------
// Row 17: an interrupted simulation creates no folder.

#[cfg(unix)]
#[test]
fn row17_an_interrupted_simulation_creates_no_output_folder() {
    let ws = workspace();
    let dir = ws.path();
    // Long enough to be interrupted: millions of trials of a real scenario.
    let scenario = root().join("scenarios/coding-agent.toml");
    let scenario = scenario.to_str().expect("utf-8 path");
    for sig in ["INT", "TERM"] {
        let child =
            command(dir, &["run", scenario, "--trials", "2000000", "--out", "newdir/report"])
                .spawn()
                .expect("starts");
        std::thread::sleep(Duration::from_millis(1500));
        signal(&child, sig);
        let out = wait_at_most(child, 30, "interrupted simulation");
        let err = expect_exit(&out, 130, &format!("SIG{sig} during the simulation"));
        assert!(err.contains("nothing was written"), "{err}");
        assert!(!dir.join("newdir").exists(), "SIG{sig}: no folder was created");
        assert_eq!(strays(dir), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------
// Issue 12, part 2: the rest of the bad-input catalogue.

#[test]
fn catalogue_malformed_wrong_types_nan_zero_negative_and_nesting() {
    let ws = workspace();
    let dir = ws.path();
    let nested = "{ dist = \"poisson\", mean = ".repeat(5) + "3" + &" }".repeat(5);
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("malformed", "[scenario\nname = \"x\"\n".into(), "invalid TOML", ":1:"),
        (
            "wrong-type",
            scenario_with("requests = \"many\"\ninput = 10\noutput = 5"),
            "must be a number",
            ":14:12",
        ),
        (
            "nan",
            scenario_with("requests = 10\ninput = nan\noutput = 5"),
            "must be a finite number",
            ":15:9",
        ),
        (
            "infinity",
            scenario_with(
                "requests = 10\ninput = 10\noutput = 5\nfailures = { rate = inf, billed = \"none\" }",
            ),
            "must be a finite number",
            ":17:21",
        ),
        (
            "negative",
            scenario_with("requests = -5\ninput = 10\noutput = 5"),
            "must not be negative",
            ":14:12",
        ),
        (
            "zero-median",
            scenario_with(
                "requests = 10\ninput = { dist = \"lognormal\", median = 0, p90 = 10 }\noutput = 5",
            ),
            "must be greater than 0",
            ":15:40",
        ),
        (
            "zero-period",
            EXACT.replace("\"30d\"", "\"0d\""),
            "`period` must be longer than 0",
            ":3:10",
        ),
        (
            "zero-trials",
            EXACT.replace("trials = 200", "trials = 0"),
            "`trials` must be at least 1",
            ":4:10",
        ),
        (
            "nested",
            scenario_with(&format!("requests = 10\ninput = {nested}\noutput = 5")),
            "nest more than 4 levels",
            ":15:",
        ),
        ("empty", String::new(), "missing `[scenario]` table", ":1:1"),
    ];
    for (name, text, mention, location) in cases {
        let file = format!("{name}.toml");
        std::fs::write(dir.join(&file), text).expect("write");
        let out = run_in(dir, &["check", &file]);
        let err = expect_exit(&out, 2, name);
        assert!(err.contains(mention), "{name} should say {mention}:\n{err}");
        assert!(err.contains(&format!("{file}{location}")), "{name} at {location}:\n{err}");
    }
    // Deep TOML nesting is refused by the parser, not by a stack overflow.
    let deep = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(dir.join("deep.toml"), deep).expect("write");
    let out = run_in(dir, &["check", "deep.toml"]);
    let err = expect_exit(&out, 2, "deeply nested arrays");
    assert!(err.contains("invalid TOML"), "{err}");
    // Zero trials on the command line.
    let out = run_in(dir, &["run", "exact.toml", "--trials", "0"]);
    expect_exit(&out, 2, "--trials 0");
}

#[test]
fn catalogue_files_that_are_not_utf8_text_or_not_files() {
    let ws = workspace();
    let dir = ws.path();
    std::fs::write(dir.join("latin1.toml"), b"[scenario]\nname = \"caf\xe9\"\n").expect("write");
    let out = run_in(dir, &["check", "latin1.toml"]);
    let err = expect_exit(&out, 2, "non-UTF-8");
    assert!(err.contains("not UTF-8 text: byte 0xE9 at latin1.toml:2:12"), "{err}");
    std::fs::create_dir(dir.join("folder.toml")).expect("mkdir");
    let out = run_in(dir, &["run", "folder.toml"]);
    let err = expect_exit(&out, 2, "a folder");
    assert!(err.contains("folder.toml is a folder, not a scenario file"), "{err}");
    let out = run_in(dir, &["check", "missing.toml"]);
    let err = expect_exit(&out, 2, "missing");
    assert!(err.contains("no such file") && err.contains("costintent init"), "{err}");
}

#[test]
fn catalogue_litellm_import_skips_entries_with_escapes_or_absurd_prices() {
    let ws = workspace();
    let dir = ws.path();
    let json = r#"{
  "good": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06 },
  "evil\u001b[2J": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06 },
  "dear": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1.2e38, "output_cost_per_token": 2e-06 }
}"#;
    std::fs::write(dir.join("prices.json"), json).expect("write");
    let out =
        run_in(dir, &["catalog", "import", "litellm", "prices.json", "--out", "imported.toml"]);
    let err = expect_exit(&out, 0, "import");
    assert!(err.contains("imported 1 models"), "{err}");
    assert!(!out.stderr.contains(&0x1b));
    let text = std::fs::read_to_string(dir.join("imported.toml")).expect("written");
    assert!(
        text.contains("acme/good") && !text.contains("evil") && !text.contains("dear"),
        "{text}"
    );
    // And the imported file is a valid --catalog.
    let out = run_in(dir, &["catalog", "show", "acme/good", "--catalog", "imported.toml"]);
    expect_exit(&out, 0, "the imported catalog loads");
}
