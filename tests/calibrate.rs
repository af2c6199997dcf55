//! End-to-end tests of `costintent calibrate`: a trial simulated by the
//! engine and written with `run --attempts-log` is calibrated against a
//! scenario of guesses; the result keeps the user's comments, passes
//! `check`, and recovers the engine's own parameters (the context rule
//! from the cache pattern). The statistics are tested with their standard
//! errors in crates/costintent-analysis/tests/calibrate.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use costintent_scenario::{
    AgentSpec, Catalog, Date, Dist, Draw, LoadOptions, LogNormalParams, Value, WorkloadKind,
};

fn costintent(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The scenario the engine simulates (the truth).
const TRUTH: &str = r#"[scenario]
name = "truth"
period = "30d"
prices = "2026-11-01"
seed = 7

[[workload]]
name = "agent"
kind = "agent"
model = "anthropic/claude-sonnet-4-6"
sessions = { per = "day", mean = 30 }
turns = { dist = "negbin", mean = 25, sd = 20 }
input = { dist = "lognormal", median = 2000, p90 = 8000 }
output = { dist = "lognormal", median = 500, p90 = 2000 }
context = { start = 12000, window = 200000, compact_to = 30000 }
cache = { ttl = "5m", gap = { dist = "lognormal", median = "30s", p90 = "6m" } }
failures = { rate = 0.02, retries = 3, billed = "none" }
"#;

/// The user's guesses, with comments that must survive.
const GUESS: &str = r#"#:schema ./schema.json
# Our team's coding agent: first guesses.

[scenario]
name = "guess"   # named by us
period = "30d"
prices = "2026-11-01"

[[workload]]
name = "agent"
kind = "agent"
model = "anthropic/claude-sonnet-4-6"
# How many sessions the whole team will run.
sessions = { per = "day", mean = 60 }
turns = { dist = "negbin", mean = 10, p90 = 20 }              # model calls per session
input = { dist = "lognormal", median = 1000, p90 = 4000 }     # new tokens per turn
output = { dist = "lognormal", median = 300, p90 = 1200 }
context = { start = 5000, window = 200000, compact_to = 20000 }
cache = { ttl = "5m", gap = { dist = "lognormal", median = "10s", p90 = "120s" } }
failures = { rate = 0.05, retries = 3, billed = "none" }
"#;

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("costintent-calibrate-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn agent(text: &str) -> AgentSpec {
    let catalog = Catalog::embedded();
    let options = LoadOptions {
        catalog: &catalog,
        today: Date::new(2026, 11, 29).expect("date"),
        overrides: &[],
    };
    let checked = match costintent_scenario::load_str("calibrated.toml", text, &options) {
        Ok(c) => c,
        Err(d) => panic!("{}", d.render_plain()),
    };
    match &checked.scenario.workloads[0].kind {
        WorkloadKind::Agent(a) => a.clone(),
        _ => panic!("an agent"),
    }
}

fn median(d: &Draw) -> f64 {
    match d {
        Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 {
            median: Value::Fixed(m), ..
        })) => *m,
        other => panic!("a fixed lognormal median, not {other:?}"),
    }
}

fn close(what: &str, got: f64, truth: f64, tolerance: f64) {
    assert!(
        (got / truth - 1.0).abs() <= tolerance,
        "{what}: {got} vs {truth} (tolerance {:.0}%)",
        tolerance * 100.0
    );
}

#[test]
fn an_engine_trial_calibrates_back_to_its_scenario() {
    let dir = temp_dir("engine");
    std::fs::write(dir.join("truth.toml"), TRUTH).expect("write");
    std::fs::write(dir.join("guess.toml"), GUESS).expect("write");
    ok(&costintent(
        &dir,
        &["run", "truth.toml", "--trials", "1", "--quiet", "--attempts-log", "trial.jsonl"],
    ));
    let summary = ok(&costintent(
        &dir,
        &[
            "calibrate",
            "trial.jsonl",
            "--scenario",
            "guess.toml",
            "-o",
            "calibrated.toml",
            "--quiet",
        ],
    ));
    assert!(summary.contains("context.start:"), "{summary}");
    assert!(summary.contains("wrote calibrated.toml"), "{summary}");
    let text = std::fs::read_to_string(dir.join("calibrated.toml")).expect("written");

    // Every line the user wrote that was not a replaced value survives.
    for line in [
        "#:schema ./schema.json",
        "# Our team's coding agent: first guesses.",
        "name = \"guess\"   # named by us",
        "# How many sessions the whole team will run.",
        "# model calls per session",
        "# new tokens per turn",
    ] {
        assert!(text.contains(line), "lost `{line}`:\n{text}");
    }
    // A simulated trial dates each session within the period: the volume
    // (30 a day in truth, 60 guessed) is fitted from the days.
    let mean: f64 = text
        .split("sessions = { per = \"day\", mean = ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a fitted daily mean");
    // 902 sessions in 30 days: a Poisson mean's standard error is about 1.
    assert!((mean - 30.0).abs() < 4.0, "{mean}\n{text}");
    assert!(text.contains("# calibrate: sessions: Poisson mean"), "{text}");
    ok(&costintent(&dir, &["check", "calibrated.toml"]));

    // The engine's parameters, recovered (tolerances several times the
    // standard errors the comments state for this trial of ~20k turns).
    let a = agent(&text);
    close("context.start", a.context.start, 12_000.0, 0.05);
    close("context.compact_to", a.context.compact_to, 30_000.0, 0.10);
    close("input median", median(&a.input), 2_000.0, 0.03);
    close("output median", median(&a.output), 500.0, 0.03);
    let gap = a.cache.as_ref().map(|c| median(&c.gap)).expect("a cache");
    // From the share of expired caches, with the guess's spread (the same
    // ratio of p90 to median as the truth's: 12).
    close("cache.gap median", gap, 30.0, 0.10);
    let Draw::Dist(Dist::NegBin { mean: Value::Fixed(turns), .. }) = a.turns else {
        panic!("negbin turns: {:?}", a.turns)
    };
    // Sessions without turns leave no record: the mean is of the others.
    close("turns mean", turns, 25.0, 0.08);

    // Calibrating the calibrated file again gives the same file.
    let again = ok(&costintent(
        &dir,
        &["calibrate", "trial.jsonl", "--scenario", "calibrated.toml", "--quiet"],
    ));
    assert_eq!(again, text);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_options_are_input_errors() {
    let dir = temp_dir("bad");
    std::fs::write(dir.join("guess.toml"), GUESS).expect("write");
    std::fs::write(dir.join("truth.toml"), TRUTH).expect("write");
    ok(&costintent(
        &dir,
        &[
            "run",
            "truth.toml",
            "--trials",
            "1",
            "--quiet",
            "--scale",
            "0.05",
            "--attempts-log",
            "t.jsonl",
        ],
    ));
    let out = costintent(
        &dir,
        &["calibrate", "t.jsonl", "--scenario", "guess.toml", "--workload", "nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use one of: agent"));
    let out = costintent(
        &dir,
        &["calibrate", "t.jsonl", "--scenario", "guess.toml", "--keep", "agent.nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("calibrate fits no such key"));
    std::fs::write(dir.join("empty.jsonl"), "").expect("write");
    let out = costintent(&dir, &["calibrate", "empty.jsonl", "--scenario", "guess.toml"]);
    assert_eq!(out.status.code(), Some(2));
    // --keep leaves a fitted key as written and says so.
    let text = ok(&costintent(
        &dir,
        &["calibrate", "t.jsonl", "--scenario", "guess.toml", "--keep", "agent.output", "--quiet"],
    ));
    assert!(text.contains("output = { dist = \"lognormal\", median = 300, p90 = 1200 }"), "{text}");
    assert!(text.contains("# calibrate: output: kept (--keep); lognormal median"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}
