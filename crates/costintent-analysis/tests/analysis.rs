//! The analysis layer end to end, on scenarios priced by the embedded
//! catalog and simulated by the engine (few trials).

use std::sync::atomic::AtomicBool;

use costintent_analysis::{AnalysisError, RunPlan, RunRequest, Runner, Scenario, Settings, Source};
use costintent_scenario::{Catalog, Date};
use costintent_sim::{Outcomes, SimOptions};

/// Simulates with the engine and records what the analysis asked for.
#[derive(Default)]
struct Recorder {
    prepared: Vec<(Vec<String>, Vec<String>, bool)>,
    simulated: Vec<String>,
}

impl Runner for Recorder {
    type Error = AnalysisError;

    fn prepare(&mut self, plan: &RunPlan<'_>) -> Result<(), AnalysisError> {
        let warnings = plan.warnings.iter().map(|w| w.message.clone()).collect();
        let kept = plan.kept.iter().map(|(label, _)| (*label).to_owned()).collect();
        self.prepared.push((warnings, kept, plan.transient.is_some()));
        Ok(())
    }

    fn simulate(
        &mut self,
        scenario: &Scenario,
        options: &SimOptions,
        label: &str,
    ) -> Result<Outcomes, AnalysisError> {
        self.simulated.push(label.to_owned());
        Ok(costintent_sim::simulate(scenario, options, &|_| {}, &AtomicBool::new(false))
            .expect("not cancelled"))
    }
}

fn settings(trials: u64) -> Settings {
    Settings {
        trials: Some(trials),
        seed: None,
        threads: 1,
        scale: 1.0,
        mode: costintent_sim::EngineMode::Auto,
        precision: None,
        max_trials: None,
    }
}

fn today() -> Date {
    Date::new(2026, 11, 29).expect("a valid date")
}

/// A coding agent on `model` with a 5-minute prompt cache.
fn agent(model: &str) -> String {
    format!(
        r#"[scenario]
name = "agent on {model}"
period = "7d"
seed = 7
prices = "2026-11-01"

[[workload]]
name = "coder"
kind = "agent"
model = "{model}"
sessions = {{ per = "day", mean = 4 }}
turns = {{ dist = "poisson", mean = 8 }}
input = {{ dist = "lognormal", median = 1500, p90 = 6000 }}
output = {{ dist = "lognormal", median = 400, p90 = 1500 }}
reasoning = {{ dist = "lognormal", median = 200, p90 = 900 }}
context = {{ start = 8000, window = 120000, compact_to = 20000 }}
cache = {{ ttl = "5m", gap = {{ dist = "lognormal", median = "40s", p90 = "8m" }} }}
"#
    )
}

#[test]
fn an_openai_agent_never_reads_of_cache_writes() {
    let catalog = Catalog::embedded();
    let text = agent("openai/gpt-5-mini");
    let source = Source { name: "openai.toml", text: &text, catalog: &catalog, today: today() };
    let request = RunRequest { budget: None, test_plan: true, sensitivity: false };
    let output =
        costintent_analysis::run(&source, &settings(200), &request, &mut Recorder::default())
            .expect("runs");
    let report = &output.report;
    let plan = report.test_plan.as_ref().expect("a test plan");
    let plan_text =
        format!("{}\n{}", plan.steps.join("\n"), report.render_markdown(&Default::default()));
    assert!(plan_text.contains("input (cache miss)"), "{plan_text}");
    // The breakdown row, the billed units and the log checks; "bills no
    // cache writes" in the assumptions is the one mention allowed.
    for wrong in
        ["| cache write |", ", cache write", "cache_creation", "cache_write_tokens", "written to"]
    {
        assert!(!plan_text.contains(wrong), "{wrong:?} in:\n{plan_text}");
    }
    assert!(plan_text.contains("`usage.prompt_tokens` (Chat Completions)"), "{plan_text}");
    assert!(plan_text.contains("bills no cache writes"), "{plan_text}");

    let text = agent("anthropic/claude-sonnet-4-6");
    let source = Source { name: "anthropic.toml", text: &text, catalog: &catalog, today: today() };
    let output =
        costintent_analysis::run(&source, &settings(200), &request, &mut Recorder::default())
            .expect("runs");
    let plan = output.report.test_plan.as_ref().expect("a test plan");
    let steps = plan.steps.join("\n");
    assert!(steps.contains("cache write"), "{steps}");
    assert!(steps.contains("`cache_creation_input_tokens`"), "{steps}");
    assert!(steps.contains("the 5-minute write price of $3.75 per 1M tokens"), "{steps}");
    assert!(steps.contains("a 1-hour TTL writes at $6.00 per 1M"), "{steps}");
}

/// A fixed volume of fixed-size requests on a model priced per token, so
/// every trial costs the same and a factor on a token count moves the p90
/// by a closed form; plus an uncertain failure rate (billed `none`).
const FIXED: &str = r#"[scenario]
name = "fixed"
period = "30d"
seed = 3
prices = "2026-11-01"

[[workload]]
name = "chat"
kind = "requests"
model = "anthropic/claude-sonnet-4-6"
requests = 1000
input = 1200
output = 300
failures = { rate = { dist = "beta", mean = 0.1, sd = 0.05 }, retries = 0, billed = "none" }
"#;

#[test]
fn sensitivity_moves_per_request_assumptions_by_the_stated_factor() {
    let catalog = Catalog::embedded();
    let source = Source { name: "fixed.toml", text: FIXED, catalog: &catalog, today: today() };
    let request = RunRequest { budget: None, test_plan: false, sensitivity: true };
    let mut recorder = Recorder::default();
    let output =
        costintent_analysis::run(&source, &settings(400), &request, &mut recorder).expect("runs");
    let s = output.report.sensitivity.as_ref().expect("a ranking");
    assert_eq!(s.factor, costintent_analysis::FACTOR);
    assert_eq!(s.fixed_at_median, 1);
    let row = |path: &str| s.rows.iter().find(|r| r.path == path).expect(path);
    // Sonnet 4.6: $3 input and $15 output per 1M tokens. With the failure
    // rate at its median m, a trial keeps n ~ Binomial(1000, 1 − m) requests
    // (failures cost nothing here), so every p90 is n₉₀ × the cost of one
    // request: the ratio of two rows' p90s is the ratio of those costs.
    let per_request = |input: f64, output: f64| (input * 3.0 + output * 15.0) / 1e6;
    let base = per_request(1200.0, 300.0);
    let input = row("chat.input");
    assert!((input.p90_at_high / s.base_p90 - per_request(1800.0, 300.0) / base).abs() < 1e-9);
    assert!((input.p90_at_low / s.base_p90 - per_request(800.0, 300.0) / base).abs() < 1e-9);
    let output_row = row("chat.output");
    assert!((output_row.p90_at_high / s.base_p90 - per_request(1200.0, 450.0) / base).abs() < 1e-9);
    assert!(matches!(input.change, costintent_report::Change::Factor(f) if f == 1.5));
    assert_eq!(input.what, "input tokens per request");
    // The failure rate is drawn per trial: moved to its p10 and p90; a
    // lower failure rate keeps more requests, so spend goes up.
    let rate = row("chat.failures.rate");
    assert!(
        matches!(rate.change, costintent_report::Change::Percentiles { p10, p90 } if p10 < 0.1 && p90 > 0.1)
    );
    assert!(rate.p90_at_low > rate.p90_at_high);
    // Every run of the ranking shares the main run's options: the main
    // run, the base, then two runs per assumption.
    assert_eq!(recorder.simulated.len(), 1 + 1 + 2 * s.rows.len());
    // The base and the headline differ (the headline draws the failure
    // rate per trial); the sentence says which way and why.
    assert_eq!(s.headline_p90, output.report.total.p90.value);
    let sentence = s.base_sentence();
    assert!(sentence.contains("the one parameter drawn per trial at its median"), "{sentence}");
    let relation = if s.base_p90 < s.headline_p90 { "is lower than" } else { "is higher than" };
    assert!(sentence.contains(relation), "{sentence}");
    let table = output.report.render_table(false);
    assert!(table.contains(&sentence), "{table}");
    assert!(table.contains("chat.input: input tokens per request"), "{table}");
}

#[test]
fn a_plan_lists_only_the_prices_a_workload_pays_with_short_sources() {
    let catalog = Catalog::embedded();
    let text = format!(
        "{}\n{}",
        agent("anthropic/claude-sonnet-4-6"),
        r#"[[workload]]
name = "heroes"
kind = "image"
model = "openai/gpt-image-1.5"
requests = { per = "day", mean = 20 }
size = "1024x1536"
quality = "high"
"#
    );
    let source = Source { name: "mixed.toml", text: &text, catalog: &catalog, today: today() };
    let plan = costintent_analysis::plan(
        &source,
        &settings(100),
        &[10.0, 100.0],
        &mut Recorder::default(),
    )
    .expect("a plan");
    let prices = |name: &str| -> Vec<String> {
        plan.workloads.iter().find(|w| w.name == name).expect(name).price_texts()
    };
    let images = prices("heroes");
    assert_eq!(images.len(), 1, "{images:?}");
    assert!(images[0].starts_with("image [size=1024x1536 quality=high]: "), "{images:?}");
    let agent = prices("coder");
    assert!(agent.iter().any(|p| p.starts_with("cache_write_5m_token")), "{agent:?}");
    assert!(!agent.iter().any(|p| p.starts_with("cache_write_1h_token")), "{agent:?}");
    for line in images.iter().chain(&agent) {
        assert!(!line.contains("mirror") && !line.contains("commit"), "{line}");
        assert!(line.contains(", read 20"), "{line}");
    }
}

#[test]
fn warnings_are_shown_once_per_command() {
    let catalog = Catalog::embedded();
    // An unused wallet is a warning of the file, whatever the overrides.
    let text = format!(
        "{FIXED}\n[[wallet]]\nname = \"spare\"\npreset = \"openrouter-card\"\ntopup = 10\n"
    );
    let source = Source { name: "warned.toml", text: &text, catalog: &catalog, today: today() };
    let request = RunRequest { budget: None, test_plan: true, sensitivity: true };
    let mut recorder = Recorder::default();
    costintent_analysis::run(&source, &settings(50), &request, &mut recorder).expect("runs");
    // One preparation, before the first of many simulations, with the
    // warning once although every run of the ranking validated the file.
    assert_eq!(recorder.prepared.len(), 1);
    let (warnings, kept, transient) = &recorder.prepared[0];
    assert_eq!(warnings, &["wallet \"spare\" is not used by any workload".to_owned()]);
    assert_eq!(kept, &["simulating".to_owned()]);
    assert!(*transient);
    assert!(recorder.simulated.len() > 9, "{:?}", recorder.simulated);
}
