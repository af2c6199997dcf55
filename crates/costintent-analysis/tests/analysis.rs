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
    Settings { trials: Some(trials), seed: None, threads: 1, scale: 1.0, exact: false }
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
