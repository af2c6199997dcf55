//! End-to-end tests of the `costintent` binary: what a user types, what they
//! see, and the exit codes they script against.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn costintent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "exit {:?}\nstderr:\n{}", out.status.code(), stderr(out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "the bundled scenarios are all there: {files:?}");
    files
}

#[test]
fn every_bundled_scenario_passes_check() {
    for file in scenario_files() {
        let out = costintent(&["check", file.to_str().expect("utf-8 path")]);
        assert_eq!(out.status.code(), Some(0), "{}:\n{}", file.display(), stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(": ok"), "{text}");
        assert!(text.contains("source:"), "check shows each price's source:\n{text}");
    }
}

#[test]
fn bad_inputs_exit_2_with_a_located_message() {
    // (fixture, what the message must mention, line:column it must point at)
    let cases = [
        ("misspelled-key.toml", "turns", ":14:1"),
        ("misspelled-model.toml", "anthropic/claude-sonnet-4-5", ":9:9"),
        ("rate-out-of-range.toml", "rate", ":16:21"),
        ("p90-below-median.toml", "p90", ":14:"),
        ("negative-count.toml", "requests", ":13:12"),
        ("malformed.toml", "invalid TOML", ":10:1"),
        ("unknown-dist.toml", "lognormal", ":14:"),
    ];
    for (file, mention, location) in cases {
        let path = format!("tests/fixtures/bad/{file}");
        let out = costintent(&["check", &path]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}:\n{err}");
        assert!(err.contains(mention), "{file} should mention {mention}:\n{err}");
        assert!(
            err.contains(&format!("{path}{location}")),
            "{file} should point at {location}:\n{err}"
        );
        assert!(!err.contains("panicked"), "{file}:\n{err}");
        // `run` validates the same way before simulating anything.
        let run = costintent(&["run", &path, "--trials", "10"]);
        assert_eq!(run.status.code(), Some(2), "run {file}:\n{}", stderr(&run));
    }
}

#[test]
fn all_errors_of_a_file_are_reported_together() {
    let out = costintent(&["check", "tests/fixtures/bad/several-errors.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for mention in ["requests", "p90", "rate", "colour"] {
        assert!(err.contains(mention), "should mention {mention}:\n{err}");
    }
    assert!(err.contains("4 errors"), "{err}");
}

#[test]
fn a_missing_file_exits_2_with_a_hint() {
    let out = costintent(&["check", "no/such/scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("costintent init"), "{}", stderr(&out));
}

#[test]
fn catalog_show_gives_list_prices_with_sources() {
    let v = json(&costintent(&[
        "catalog",
        "show",
        "anthropic/claude-sonnet-4-5",
        "--date",
        "2026-11-01",
        "--format",
        "json",
    ]));
    assert_eq!(v["model"], "anthropic/claude-sonnet-4-5");
    let prices = v["prices"].as_array().expect("prices array");
    let find = |unit: &str| {
        prices
            .iter()
            .find(|p| p["unit"] == unit && p.get("variant").is_none_or(Value::is_null))
            .unwrap_or_else(|| panic!("no {unit} price in {v}"))
    };
    assert_eq!(find("input_token")["usd"], 3.0);
    assert_eq!(find("output_token")["usd"], 15.0);
    for p in prices {
        assert!(p["source"].as_str().is_some_and(|s| !s.is_empty()), "{p}");
        assert!(p["valid_from"].is_string(), "{p}");
    }
}

#[test]
fn acceptance_sonnet_5_stays_at_2_and_10_and_no_retired_model_is_active() {
    let v = json(&costintent(&[
        "catalog",
        "show",
        "anthropic/claude-sonnet-5",
        "--date",
        "2026-10-01",
        "--format",
        "json",
    ]));
    let price = |unit: &str| {
        v["prices"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["unit"] == unit))
            .map(|p| p["usd"].clone())
    };
    assert_eq!(price("input_token"), Some(Value::from(2.0)));
    assert_eq!(price("output_token"), Some(Value::from(10.0)));
    let rows = json(&costintent(&["catalog", "list", "--date", "2026-12-15", "--format", "json"]));
    let rows = rows.as_array().expect("rows");
    assert!(!rows.is_empty());
    for id in [
        "anthropic/claude-sonnet-4-5",
        "openai/gpt-5-mini",
        "openai/gpt-image-1.5",
        "google/veo-3-fast",
    ] {
        let statuses: Vec<&str> =
            rows.iter().filter(|r| r["model"] == id).filter_map(|r| r["status"].as_str()).collect();
        assert!(!statuses.is_empty(), "{id} is listed with its last prices");
        assert!(statuses.iter().all(|s| *s == "retired"), "{id}: {statuses:?}");
    }
}

#[test]
fn catalog_show_of_an_unknown_model_suggests_the_nearest() {
    let out = costintent(&["catalog", "show", "anthropic/claude-sonet-4-5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("anthropic/claude-sonnet-4-5"), "{}", stderr(&out));
}

#[test]
fn catalog_show_text_renders_rules_in_words() {
    let out = costintent(&["catalog", "show", "anthropic/claude-sonnet-4-6"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        text.contains("long context: above 200000 prompt tokens the whole request is billed at $6.00 input, $22.50 output"),
        "{text}"
    );
    assert!(text.contains("until 2026-03-12"), "{text}");
    assert!(text.contains("batch: 50% off input and output tokens"), "{text}");
    assert!(!text.contains('{') && !text.contains('?'), "no raw JSON:\n{text}");
}

#[test]
fn catalog_list_says_truly_why_nothing_matches() {
    let out = costintent(&["catalog", "list", "--date", "2025-01-01", "--provider", "anthropic"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no `anthropic` model was priced on 2025-01-01"), "{err}");
    assert!(err.contains("the earliest price in the catalog is anthropic/"), "{err}");
    assert!(!err.contains("providers: anthropic"), "no suggestion of the same provider:\n{err}");
    let out = costintent(&["catalog", "list", "--provider", "anthropc"]);
    assert!(stderr(&out).contains("no provider `anthropc`"), "{}", stderr(&out));
}

#[test]
fn catalog_import_genai_prices_keeps_dated_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_file = dir.path().join("genai.toml");
    let out = costintent(&[
        "catalog",
        "import",
        "genai-prices",
        "crates/costintent-scenario/tests/fixtures/catalog/genai_prices_sample.json",
        "--read",
        "2026-11-29",
        "--out",
        out_file.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("imported 2 models"), "{err}");
    assert!(err.contains("skipped 1: time-of-day prices"), "{err}");
    let cat = out_file.to_str().expect("utf-8");
    for (date, usd) in [("2026-08-31", 2.0), ("2026-09-01", 3.0)] {
        let v = json(&costintent(&[
            "catalog",
            "show",
            "acme/acme-chat",
            "--date",
            date,
            "--format",
            "json",
            "--catalog",
            cat,
        ]));
        let input = v["prices"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["unit"] == "input_token"))
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(input["usd"], usd, "{date}");
    }
}

#[test]
fn check_shows_the_token_rescale_factor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("tok.toml");
    std::fs::write(&catalog, TOKENIZER_CATALOG).expect("write");
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[scenario]\nname = \"t\"\nprices = \"2026-11-01\"\n[[workload]]\nname = \"w\"\nkind = \"requests\"\nmodel = \"t/b\"\ntokens_measured_on = \"t/a\"\nrequests = 10\ninput = 1000\noutput = 100\n",
    )
    .expect("write");
    let out = costintent(&[
        "check",
        scenario.to_str().expect("utf-8"),
        "--catalog",
        catalog.to_str().expect("utf-8"),
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        text.contains(
            "tokens  measured on t/a; a tokenizer → b tokenizer: every token count ×1.25"
        ),
        "{text}"
    );
    assert!(text.contains("source: Tokenizer note, read 2026-11-01"), "{text}");
}

/// A catalog with two tokenizer families (b = 1.25 × a) and one model on
/// each, at the same prices.
const TOKENIZER_CATALOG: &str = "[sources.s]\ntitle = \"Tokenizer note\"\nread = 2026-11-01\n\n[tokenizers.a]\nname = \"A\"\n\n[tokenizers.b]\nname = \"B\"\nreference = \"a\"\nratio = 1.25\nsource = \"s\"\n\n[[model]]\nid = \"t/a\"\ntokenizer = \"a\"\nvalid_from = 2026-01-01\nsource = \"s\"\nprices = [ { unit = \"input_token\", usd = 1.0 }, { unit = \"output_token\", usd = 2.0 } ]\n\n[[model]]\nid = \"t/b\"\ntokenizer = \"b\"\nvalid_from = 2026-01-01\nsource = \"s\"\nprices = [ { unit = \"input_token\", usd = 1.0 }, { unit = \"output_token\", usd = 2.0 } ]\n";

fn tokenizer_scenario(model: &str) -> String {
    format!(
        "[scenario]\nname = \"t\"\nprices = \"2026-11-01\"\ntrials = 50\n[[workload]]\nname = \"w\"\nkind = \"requests\"\nmodel = \"{model}\"\ntokens_measured_on = \"t/a\"\nrequests = 1000\ninput = 1000\noutput = 100\n"
    )
}

#[test]
fn compare_and_vary_rescale_token_counts_to_each_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("tok.toml");
    std::fs::write(&catalog, TOKENIZER_CATALOG).expect("write");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, tokenizer_scenario("t/a")).expect("write");
    std::fs::write(&b, tokenizer_scenario("t/b")).expect("write");
    let cat = catalog.to_str().expect("utf-8");
    let v = json(&costintent(&[
        "compare",
        a.to_str().expect("utf-8"),
        b.to_str().expect("utf-8"),
        "--catalog",
        cat,
        "--format",
        "json",
    ]));
    // 1000 requests × (1000 × $1 + 100 × $2) per 1M = $1.20; ×1.25 = $1.50.
    let pa = v["runs"][0]["total"]["p50"].as_f64().expect("number");
    let pb = v["runs"][1]["total"]["p50"].as_f64().expect("number");
    assert!((pa - 1.2).abs() < 1e-9 && (pb - 1.5).abs() < 1e-9, "{pa} {pb}");
    let v = json(&costintent(&[
        "run",
        a.to_str().expect("utf-8"),
        "--catalog",
        cat,
        "--vary",
        "w.model=\"t/a\",\"t/b\"",
        "--format",
        "json",
    ]));
    let pa = v["runs"][0]["total"]["p50"].as_f64().expect("number");
    let pb = v["runs"][1]["total"]["p50"].as_f64().expect("number");
    assert!((pa - 1.2).abs() < 1e-9 && (pb - 1.5).abs() < 1e-9, "{pa} {pb}");
}

#[test]
fn fixed_inputs_give_exact_dollars_at_every_percentile() {
    let v = json(&costintent(&["run", "tests/fixtures/exact-a.toml", "--format", "json"]));
    for key in ["mean", "min", "p50", "p90", "p95", "p99", "max"] {
        assert_eq!(v["total"][key], 2.0, "{key} in {}", v["total"]);
    }
    assert_eq!(v["total"]["sd"], 0.0);
}

#[test]
fn json_report_has_the_fixed_schema() {
    let v = json(&costintent(&[
        "run",
        "scenarios/coding-agent.toml",
        "--trials",
        "400",
        "--format",
        "json",
    ]));
    assert_eq!(v["schema"], "costintent.report/v1");
    assert_eq!(v["trials"], 400);
    assert_eq!(v["seed"], 42);
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["period"], "30d");
    for key in ["mean", "mean_stderr", "sd", "min", "p50", "p90", "p95", "p99", "max"] {
        assert!(v["total"][key].is_number(), "total.{key}");
    }
    assert_eq!(v["budget"]["amount"], 6000.0);
    let ci = v["budget"]["p_exceed_ci"].as_array().expect("interval");
    assert_eq!(ci.len(), 2);
    let w = &v["workloads"][0];
    assert_eq!(w["name"], "agent");
    assert_eq!(w["kind"], "agent");
    assert_eq!(w["model"], "anthropic/claude-sonnet-4-6");
    for key in ["mean", "p50", "p90", "p99"] {
        assert!(w["spend"][key].is_number(), "spend.{key}");
    }
    for key in ["waste", "attempts", "lost_requests"] {
        assert!(w[key]["mean"].is_number(), "{key}.mean");
    }
    // With prompt caching every prompt token is a cache read or a cache write
    // (scenario-format.md's rule), so no token is billed at the plain input price.
    for key in ["output_tokens", "reasoning_tokens", "cache_read_tokens", "cache_write_tokens"] {
        assert!(w["units"][key].as_f64().is_some_and(|x| x > 0.0), "units.{key} in {}", w["units"]);
    }
    assert!(w["units"].get("images").is_none(), "only units the workload uses");
}

#[test]
fn json_is_byte_identical_on_any_thread_count() {
    let run = |threads: &str, seed: &str| {
        let out = costintent(&[
            "run",
            "scenarios/mixed.toml",
            "--trials",
            "600",
            "--seed",
            seed,
            "--threads",
            threads,
            "--format",
            "json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    };
    let one = run("1", "9");
    assert_eq!(one, run("2", "9"));
    assert_eq!(one, run("7", "9"));
    assert_ne!(one, run("2", "10"), "a different seed gives different draws");
}

#[test]
fn budget_flags_override_and_gate() {
    let v = json(&costintent(&[
        "run",
        "tests/fixtures/exact-a.toml",
        "--budget",
        "1.5",
        "--format",
        "json",
    ]));
    assert_eq!(v["budget"]["amount"], 1.5);
    assert_eq!(v["budget"]["p_exceed"], 1.0);
    let gate = costintent(&[
        "run",
        "tests/fixtures/exact-a.toml",
        "--budget",
        "1.5",
        "--fail-over-budget",
    ]);
    assert_eq!(gate.status.code(), Some(3), "{}", stderr(&gate));
    let pass = costintent(&[
        "run",
        "tests/fixtures/exact-a.toml",
        "--budget",
        "2.5",
        "--fail-over-budget",
    ]);
    assert_eq!(pass.status.code(), Some(0), "{}", stderr(&pass));
}

#[test]
fn table_output_is_readable_and_plain_without_a_terminal() {
    let out = costintent(&["run", "scenarios/image-feature.toml", "--trials", "300"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in ["p50", "p90", "p99", "thumbnails", "hero-images", "$"] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
    assert!(!text.contains('\u{1b}'), "no ANSI colour when stdout is not a terminal");
}

#[test]
fn init_writes_a_scenario_that_passes_check_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    for template in ["agent", "image", "video", "voice", "batch", "mixed"] {
        let path = dir.path().join(format!("{template}.toml"));
        let p = path.to_str().expect("utf-8");
        let out = costintent(&["init", "--template", template, p]);
        assert!(out.status.success(), "{}", stderr(&out));
        let check = costintent(&["check", p]);
        assert_eq!(check.status.code(), Some(0), "{template}: {}", stderr(&check));
        let written = std::fs::read_to_string(&path).expect("written");
        assert!(written.contains(&format!("# Run it:   costintent run {p}\n")), "{written}");
        let again = costintent(&["init", "--template", template, p]);
        assert_eq!(again.status.code(), Some(2), "refuses to overwrite");
        assert!(stderr(&again).contains("--force"));
        assert!(costintent(&["init", "--template", template, "--force", p]).status.success());
    }
}

#[test]
fn compare_of_a_scenario_with_itself_is_zero_in_every_trial() {
    let v = json(&costintent(&[
        "compare",
        "scenarios/coding-agent.toml",
        "scenarios/coding-agent.toml",
        "--trials",
        "300",
        "--format",
        "json",
    ]));
    let diff = &v["differences"][0];
    // min = max = 0 means the difference is zero in every single trial.
    for key in ["mean", "p50", "p90", "min", "max", "sd"] {
        assert_eq!(diff["per_trial"][key], 0.0, "{key} in {diff}");
    }
    assert_eq!(diff["equal_share"], 1.0);
}

#[test]
fn compare_of_two_priced_models_gives_the_price_ratio() {
    let v = json(&costintent(&[
        "compare",
        "tests/fixtures/exact-a.toml",
        "tests/fixtures/exact-b.toml",
        "--format",
        "json",
    ]));
    let a = v["runs"][0]["total"]["p50"].as_f64().expect("number");
    let b = v["runs"][1]["total"]["p50"].as_f64().expect("number");
    assert_eq!(a, 2.0);
    assert_eq!(b, 6.0);
    assert_eq!(b / a, 3.0);
    // B is dearer in every trial, by exactly $4.
    assert_eq!(v["differences"][0]["cheaper_share"], 0.0);
    assert_eq!(v["differences"][0]["per_trial"]["min"], 4.0);
    assert_eq!(v["differences"][0]["per_trial"]["max"], 4.0);
}

#[test]
fn run_out_writes_every_report_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("report");
    let out = costintent(&[
        "run",
        "scenarios/video-product.toml",
        "--trials",
        "300",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in [
        "report.md",
        "report.html",
        "summary.json",
        "trials.csv",
        "histogram.svg",
        "histogram.png",
        "exceedance.svg",
        "exceedance.png",
        "breakdown.svg",
        "breakdown.png",
    ] {
        let meta = std::fs::metadata(out_dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(meta.len() > 0, "{name} is empty");
    }
    let csv = std::fs::read_to_string(out_dir.join("trials.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 301, "a header and one row per trial");
    let html = std::fs::read_to_string(out_dir.join("report.html")).expect("html");
    assert!(html.contains("<svg"), "charts are inline");
    assert!(
        !html.contains("http://") && !html.contains("https://") || !html.contains("<script src")
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("summary.json")).expect("json"))
            .expect("valid json");
    assert_eq!(summary["schema"], "costintent.report/v1");
    // No temporary files are left behind by the atomic writes.
    for entry in std::fs::read_dir(&out_dir).expect("dir") {
        let name = entry.expect("entry").file_name();
        assert!(!name.to_string_lossy().starts_with(".costintent-"), "{name:?}");
    }
}

#[test]
fn plan_expected_cost_matches_run_on_the_same_volume() {
    let plan = json(&costintent(&[
        "plan",
        "scenarios/small-prepaid-test.toml",
        "--steps",
        "100",
        "--format",
        "json",
    ]));
    let run = json(&costintent(&["run", "scenarios/small-prepaid-test.toml", "--format", "json"]));
    let step = &plan["steps"][0];
    assert_eq!(step["percent"], 100.0);
    assert_eq!(step["expected_spend"], run["total"]["mean"], "{step}");
    assert_eq!(step["p90_spend"], run["total"]["p90"], "{step}");
}

#[test]
fn vary_runs_one_scenario_per_value() {
    let v = json(&costintent(&[
        "run",
        "tests/fixtures/exact-a.toml",
        "--vary",
        "chat.output=500,1500",
        "--format",
        "json",
    ]));
    let runs = v["runs"].as_array().expect("one run per value");
    assert_eq!(runs.len(), 2);
    // 1000 × (1000 × $1 + 1500 × $2) / 1M = $4.
    assert_eq!(runs[0]["total"]["p50"], 2.0);
    assert_eq!(runs[1]["total"]["p50"], 4.0);
}

#[test]
fn a_wallet_without_a_credit_price_buys_credits_at_the_list_price() {
    let v = json(&costintent(&["run", "tests/fixtures/runway-wallet.toml", "--format", "json"]));
    assert_eq!(v["workloads"][0]["spend"]["p50"], 50.0, "{}", v["workloads"][0]);
    assert_eq!(v["workloads"][1]["spend"]["p50"], 50.0, "{}", v["workloads"][1]);
    assert_eq!(v["wallets"][0]["credits_used"]["mean"], 5000.0, "{}", v["wallets"][0]);
}

#[test]
fn a_long_run_off_a_terminal_is_never_silent() {
    // stderr is a pipe here. With lines every 50 ms, a run of a few hundred
    // milliseconds says what it will do, how far it is, and when it is done.
    let out = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", "scenarios/video-product.toml", "--trials", "600", "--format", "json"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COSTINTENT_PROGRESS_SECONDS", "0.05")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("simulating: ")).collect();
    assert!(lines.len() >= 2, "{err}");
    assert!(lines[0].starts_with("simulating: 600 trials to run"), "{err}");
    let last = lines.last().expect("a last line");
    assert!(last.starts_with("simulating: 600 trials done in "), "{err}");
    // stdout stays JSON.
    serde_json::from_slice::<Value>(&out.stdout).expect("stdout is JSON");
    // --quiet silences it, and a default pace keeps a short run quiet.
    let quiet = Command::new(env!("CARGO_BIN_EXE_costintent"))
        .args(["run", "scenarios/coding-agent.toml", "--trials", "300", "--quiet"])
        .current_dir(root())
        .env("COSTINTENT_PROGRESS_SECONDS", "0.05")
        .output()
        .expect("the binary runs");
    assert!(!stderr(&quiet).contains("trials to run"), "{}", stderr(&quiet));
    let short = costintent(&["run", "scenarios/batch-job.toml", "--trials", "200"]);
    assert!(!stderr(&short).contains("trials to run"), "{}", stderr(&short));
}

/// Snapshots `text` as `tests/snapshots/cli__<name>.snap`.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("cli__{name}"), text));
}

#[test]
fn check_of_the_first_draft_warns_about_both_retirements_and_says_what_to_use() {
    // gpt-5-mini retires on day 11 of the period, gpt-image-1.5 the day it
    // starts: each warning names what to plan on, the rejected part of the
    // period is shown as such, money reads as money, batch prices are shown.
    let out = costintent(&["check", "tests/fixtures/launch-first-draft.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    snapshot("check_first_draft_stderr", &stderr(&out));
    snapshot("check_first_draft_stdout", &stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("budget    $15,000.00 for the period"), "{text}");
    assert!(text.contains("batch prices per 1M tokens: input $0.50, output $2.50"), "{text}");
    assert!(
        text.contains(
            "from 2026-12-11 (day 11 of the period): retired; the provider rejects its requests"
        ),
        "{text}"
    );
    let err = stderr(&out);
    assert!(err.contains("plan the period on it with `model = \"openai/gpt-5.6-terra\"`"), "{err}");
    assert!(err.contains("image models the catalog prices on 2026-12-01"), "{err}");
}

#[test]
fn the_launch_scenario_checks_clean_and_shows_its_ramps() {
    let out = costintent(&["check", "scenarios/launch.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no warning");
    snapshot("check_launch", &stdout(&out));
}

#[test]
fn an_ambiguous_period_is_refused_with_both_spellings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("m.toml");
    let text = std::fs::read_to_string(root().join("tests/fixtures/launch-first-draft.toml"))
        .expect("fixture")
        .replace("period = \"30d\"", "period = \"1m\"");
    std::fs::write(&path, text).expect("written");
    let out = costintent(&["check", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`period = \"1m\"` is ambiguous"), "{err}");
    assert!(err.contains("\"1min\"") && err.contains("\"1mo\""), "{err}");
}

/// Issue 14 item 8: a warning of the file is printed once per command,
/// not once per simulation (9 times under --sensitivity before).
#[test]
fn a_warning_is_printed_once_however_many_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root().join("tests/fixtures/exact-a.toml"))
        .expect("fixture")
        + "\n[[wallet]]\nname = \"spare\"\npreset = \"openrouter-card\"\ntopup = 10\n";
    let path = dir.path().join("warned.toml");
    std::fs::write(&path, text).expect("written");
    let path = path.to_str().expect("utf-8");
    let warning = "wallet \"spare\" is not used by any workload";
    for args in [
        vec!["run", path, "--trials", "50", "--sensitivity"],
        vec!["run", path, "--trials", "50", "--vary", "chat.output=400,500,600"],
        vec!["plan", path, "--trials", "50"],
    ] {
        let out = costintent(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).matches(warning).count(), 1, "{args:?}:\n{}", stderr(&out));
    }
}

#[test]
fn a_report_folder_is_named_with_one_slash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = format!("{}/report/", dir.path().to_str().expect("utf-8"));
    let out =
        costintent(&["run", "tests/fixtures/exact-a.toml", "--trials", "50", "--out", &folder]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("report/ (open report.html)"), "{err}");
    assert!(!err.contains("//"), "{err}");
}

#[test]
fn several_vary_options_make_a_grid() {
    let v = json(&costintent(&[
        "run",
        "tests/fixtures/exact-a.toml",
        "--vary",
        "chat.output=500,1500",
        "--vary",
        "chat.input=1000,2000",
        "--format",
        "json",
    ]));
    let names: Vec<&str> =
        v["runs"].as_array().expect("runs").iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "chat.output=500, chat.input=1000",
            "chat.output=500, chat.input=2000",
            "chat.output=1500, chat.input=1000",
            "chat.output=1500, chat.input=2000",
        ]
    );
    // 1000 × (input × $1 + output × $2) / 1M.
    let p50: Vec<f64> = v["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["total"]["p50"].as_f64())
        .collect();
    assert_eq!(p50, [2.0, 3.0, 4.0, 5.0]);
    let twice = costintent(&[
        "run",
        "tests/fixtures/exact-a.toml",
        "--vary",
        "chat.output=500",
        "--vary",
        "chat.output=1500",
    ]);
    assert_eq!(twice.status.code(), Some(2), "{}", stderr(&twice));
}

#[test]
fn compare_gives_the_difference_of_every_workload() {
    let v = json(&costintent(&[
        "compare",
        "tests/fixtures/exact-a.toml",
        "tests/fixtures/exact-b.toml",
        "--format",
        "json",
    ]));
    let workloads = v["differences"][0]["workloads"].as_array().expect("per workload");
    let total_change = v["differences"][0]["per_trial"]["mean"].as_f64().expect("a mean");
    let sum: f64 = workloads.iter().filter_map(|w| w["mean_change"].as_f64()).sum();
    assert!((sum - total_change).abs() < 1e-6, "{sum} against {total_change}");
    assert_eq!(workloads[0]["name"], "chat");
}

/// Issue 9 item 2: a scenario without `trials` runs until its p90 is known
/// within ±0.5% (or --precision); --trials still runs exactly N.
#[test]
fn a_run_without_a_trial_count_stops_at_its_precision() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root().join("scenarios/batch-job.toml"))
        .expect("scenario")
        .lines()
        .filter(|l| !l.starts_with("trials"))
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.path().join("adaptive.toml");
    std::fs::write(&path, text).expect("written");
    let path = path.to_str().expect("utf-8");

    let check = costintent(&["check", path]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check)
            .contains("trials    until the p90 is known within ±0.50% (at most 200,000; seed"),
        "{}",
        stdout(&check)
    );

    let v = json(&costintent(&["run", path, "--format", "json", "--precision", "1%"]));
    assert_eq!(v["adaptive"]["precision"], 0.01);
    assert_eq!(v["adaptive"]["stopped"], "precision reached");
    let trials = v["trials"].as_u64().expect("trials");
    assert!(trials >= 4096 && trials.is_multiple_of(1024), "{trials}");
    let table = costintent(&["run", path, "--precision", "1%", "--max-trials", "5000"]);
    assert!(table.status.success(), "{}", stderr(&table));
    assert!(stdout(&table).contains("adaptive: "), "{}", stdout(&table));

    let fixed = json(&costintent(&["run", path, "--format", "json", "--trials", "300"]));
    assert_eq!(fixed["trials"], 300);
    assert!(fixed.get("adaptive").is_none());

    for (args, wanted) in [
        (vec!["--precision", "0.5"], "write 0.5% for ±0.5%"),
        (vec!["--precision", "abc"], "is not a precision"),
        (vec!["--precision", "20%"], "outside 0.01% to 10%"),
        (vec!["--precision", "1%", "--trials", "100"], "cannot be used with"),
        (vec!["--max-trials", "100"], "at least 4096 trials"),
    ] {
        let mut all = vec!["run", path];
        all.extend(args.iter().copied());
        let out = costintent(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(wanted), "{args:?}: {}", stderr(&out));
    }
}
