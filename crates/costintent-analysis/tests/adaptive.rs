//! Adaptive trial counts end to end: the run stops when the p90 (and the
//! budget probability) are known to the precision asked for, the result
//! depends on the seed and the precision only, and every trial is the
//! trial a fixed run of the same length draws (unit by unit).

use std::sync::atomic::AtomicBool;

use costintent_analysis::{
    AnalysisError, BATCH_UNIT, FIRST_BATCH, RunPlan, RunRequest, Runner, Scenario, Settings,
    Source, TrialCount,
};
use costintent_report::stats::{CONFIDENCE, SortedSample};
use costintent_scenario::{Catalog, Date};
use costintent_sim::{EngineMode, Outcomes, SimOptions};

/// Simulates with the engine on a fixed number of threads; counts batches.
struct Engine {
    threads: usize,
    batches: usize,
}

impl Runner for Engine {
    type Error = AnalysisError;

    fn prepare(&mut self, _: &RunPlan<'_>) -> Result<(), AnalysisError> {
        Ok(())
    }

    fn simulate(
        &mut self,
        scenario: &Scenario,
        options: &SimOptions,
        _: &str,
    ) -> Result<Outcomes, AnalysisError> {
        self.batches += 1;
        let options = SimOptions { threads: self.threads, ..*options };
        Ok(costintent_sim::simulate(scenario, &options, &|_| {}, &AtomicBool::new(false))
            .expect("not cancelled"))
    }
}

/// Requests with lognormal tokens and no `trials`: adaptive by default.
const REQUESTS: &str = r#"[scenario]
name = "adaptive"
period = "7d"
seed = 5
prices = "2026-11-01"
budget = 3.2

[[workload]]
name = "chat"
kind = "requests"
model = "openai/gpt-5-mini"
requests = { per = "day", mean = 200 }
input = { dist = "lognormal", median = 2000, p90 = 6000 }
output = { dist = "lognormal", median = 500, p90 = 1500 }
"#;

fn settings(mode: EngineMode, precision: Option<f64>, trials: Option<u64>) -> Settings {
    Settings { trials, seed: None, threads: 2, scale: 1.0, mode, precision, max_trials: None }
}

fn run(text: &str, settings: &Settings, threads: usize) -> (costintent_analysis::RunOutput, usize) {
    let catalog = Catalog::embedded();
    let today = Date::new(2026, 11, 29).expect("a date");
    let source = Source { name: "adaptive.toml", text, catalog: &catalog, today };
    let mut engine = Engine { threads, batches: 0 };
    let output = costintent_analysis::run(&source, settings, &RunRequest::default(), &mut engine)
        .expect("runs");
    (output, engine.batches)
}

#[test]
fn a_scenario_without_trials_runs_until_the_p90_is_precise() {
    let (output, batches) = run(REQUESTS, &settings(EngineMode::Exact, None, None), 2);
    let report = &output.report;
    let adaptive = report.adaptive.expect("an adaptive run");
    assert!(adaptive.reached, "{adaptive:?}");
    assert_eq!(adaptive.precision, 0.005);
    assert_eq!(adaptive.batches as usize, batches);
    let n = report.trials;
    assert!(n > FIRST_BATCH, "this scenario needs more than one batch: {n}");
    assert_eq!((n - FIRST_BATCH) % BATCH_UNIT, 0, "{n}");
    // The goal holds on the outcomes themselves, computed here anew.
    let sorted = SortedSample::from_slice(&output.outcomes.total);
    let p90 = sorted.estimate(0.9, CONFIDENCE).expect("a p90");
    let half = (p90.value - p90.ci.lo).max(p90.ci.hi - p90.value) / p90.value;
    assert!(half <= 0.005, "{half}");
    assert!((half - adaptive.p90_half_width).abs() < 1e-12);
    let over = report.budget.expect("a budget").exceed;
    let budget_half = (over.estimate - over.ci.lo).max(over.ci.hi - over.estimate);
    assert!(budget_half <= 0.005, "{budget_half}");
    // One batch fewer would not have been precise enough: the run did not
    // stop late. (The goal is checked only at batch ends.)
    let json = report.to_json();
    assert_eq!(json["adaptive"]["stopped"], "precision reached");
    assert_eq!(json["trials"], n);
}

#[test]
fn the_result_depends_on_the_seed_and_precision_not_on_threads() {
    for mode in [EngineMode::Auto, EngineMode::Exact] {
        let s = settings(mode, Some(0.01), Some(3));
        // --trials wins over --precision in Settings (the CLI refuses both).
        let (fixed, _) = run(REQUESTS, &s, 2);
        assert_eq!(fixed.report.trials, 3);
        let s = Settings { trials: None, ..s };
        let (two, _) = run(REQUESTS, &s, 2);
        let (one, _) = run(REQUESTS, &s, 1);
        assert_eq!(two.report.to_json().to_string(), one.report.to_json().to_string(), "{mode:?}");
    }
}

#[test]
fn every_trial_is_the_trial_a_fixed_run_draws() {
    // Unit by unit, trial i does not depend on the run's length or its
    // batches: the adaptive run's outcomes are a fixed run's of that length.
    let (adaptive, _) = run(REQUESTS, &settings(EngineMode::Exact, Some(0.01), None), 2);
    let n = adaptive.report.trials;
    let (fixed, batches) = run(REQUESTS, &settings(EngineMode::Exact, None, Some(n)), 2);
    assert_eq!(batches, 1);
    assert_eq!(adaptive.outcomes.total, fixed.outcomes.total);
    let mut fixed_report = fixed.report.clone();
    fixed_report.adaptive = adaptive.report.adaptive;
    assert_eq!(adaptive.report.to_json(), fixed_report.to_json());
}

#[test]
fn a_scenario_with_trials_runs_exactly_that_many_unless_precision_is_asked() {
    let text = REQUESTS.replace("seed = 5", "seed = 5\ntrials = 700");
    let (output, _) = run(&text, &settings(EngineMode::Auto, None, None), 2);
    assert_eq!(output.report.trials, 700);
    assert!(output.report.adaptive.is_none());
    let (output, _) = run(&text, &settings(EngineMode::Auto, Some(0.02), None), 2);
    assert!(output.report.adaptive.is_some());
    assert!(matches!(
        settings(EngineMode::Auto, Some(0.02), None).trial_count(&scenario(&text)),
        TrialCount::Adaptive { precision, .. } if precision == 0.02
    ));
}

#[test]
fn the_run_stops_at_the_most_trials_allowed() {
    let s = Settings { max_trials: Some(5_000), ..settings(EngineMode::Auto, Some(1e-4), None) };
    let (output, batches) = run(REQUESTS, &s, 2);
    assert_eq!(output.report.trials, 5_000);
    assert_eq!(batches, 2);
    let adaptive = output.report.adaptive.expect("adaptive");
    assert!(!adaptive.reached);
    assert_eq!(output.report.to_json()["adaptive"]["stopped"], "max trials");
    let text = output.report.render_markdown(&Default::default());
    assert!(text.contains("stopped at the most trials allowed (5,000)"), "{text}");
}

fn scenario(text: &str) -> Scenario {
    let catalog = Catalog::embedded();
    let today = Date::new(2026, 11, 29).expect("a date");
    let source = Source { name: "adaptive.toml", text, catalog: &catalog, today };
    source.load(&[]).expect("valid").scenario
}
