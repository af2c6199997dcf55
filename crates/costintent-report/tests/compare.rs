//! Comparisons with common random numbers.

use crate::common;

use costintent_report::{COMPARE_SCHEMA, ChartLinks, CompareInfo, Comparison, ReportError, Run};

fn info() -> CompareInfo {
    CompareInfo { seed: 42, budget: None }
}

#[test]
fn identical_outcomes_differ_by_zero_in_every_trial() {
    let scenario = common::scenario(Some(150.0));
    let outcomes = common::outcomes(400, 0);
    let runs = [
        Run { name: "a", scenario: &scenario, outcomes: &outcomes },
        Run { name: "b", scenario: &scenario, outcomes: &outcomes },
    ];
    let comparison = Comparison::build(&runs, &info()).expect("paired runs");
    let d = &comparison.differences[0];
    // Every per-trial difference is exactly zero: so are its extremes.
    assert_eq!((d.per_trial.min, d.per_trial.max), (0.0, 0.0));
    assert_eq!((d.per_trial.mean, d.per_trial.sd), (0.0, 0.0));
    assert_eq!(d.equal_trials, 400);
    assert_eq!(d.cheaper.count, 0);
    assert_eq!((d.p50_change, d.p90_change, d.p99_change, d.mean_change), (0.0, 0.0, 0.0, 0.0));
    assert_eq!(
        d.verdict(),
        "switching from a to b changes nothing at p50 and changes nothing at p90; b is cheaper in 0% of trials"
    );
    assert_eq!(comparison.budget, Some(150.0));
    let json = comparison.to_json();
    assert_eq!(json["differences"][0]["equal_share"], 1.0);
    assert_eq!(json["differences"][0]["per_trial"]["p90"], 0.0);
}

#[test]
fn a_run_cheaper_in_every_trial() {
    let scenario = common::scenario(None);
    let baseline = common::outcomes(500, 0);
    let mut cheaper = baseline.clone();
    for t in &mut cheaper.total {
        *t *= 0.8;
    }
    let runs = [
        Run { name: "sonnet", scenario: &scenario, outcomes: &baseline },
        Run { name: "haiku", scenario: &scenario, outcomes: &cheaper },
    ];
    let comparison = Comparison::build(&runs, &info()).expect("paired runs");
    let (a, b) = (&comparison.runs[0].total, &comparison.runs[1].total);
    let d = &comparison.differences[0];
    // Scaling every trial scales every order statistic: the p50 of the run
    // is 0.8 × the p50 of the baseline.
    assert_eq!(b.p50.value, 0.8 * a.p50.value);
    assert_eq!(d.p50_change, b.p50.value - a.p50.value);
    assert_eq!(d.p90_change, b.p90.value - a.p90.value);
    assert!(d.p50_change < 0.0 && d.p90_change < 0.0);
    assert_eq!(d.cheaper.count, 500);
    assert_eq!(d.cheaper.estimate, 1.0);
    // The per-trial difference is −0.2 × the baseline's total, so its
    // largest value (least negative) is −0.2 × the smallest total.
    assert!((d.per_trial.max - (-0.2 * a.min)).abs() < 1e-9);
    let verdict = d.verdict();
    let saves = costintent_report::format::usd(-d.p50_change);
    let saves_p90 = costintent_report::format::usd(-d.p90_change);
    assert_eq!(
        verdict,
        format!(
            "switching from sonnet to haiku saves {saves} at p50 and {saves_p90} at p90; haiku \
             is cheaper in 100.0% of trials"
        )
    );
    assert!(verdict.ends_with("haiku is cheaper in 100.0% of trials"), "{verdict}");

    let table = comparison.render_table(false);
    assert!(table.contains("Switching from sonnet to haiku saves"));
    assert!(!table.contains('\u{1b}'));
    let markdown = comparison.render_markdown(&ChartLinks {
        distributions: Some("distributions.svg".into()),
        ..ChartLinks::default()
    });
    assert!(markdown.starts_with("# Comparison: sonnet vs haiku\n"));
    assert!(markdown.contains("![Spend distributions of the compared runs](distributions.svg)"));
    assert!(markdown.contains("| haiku − sonnet |"));
    let json = comparison.to_json();
    assert_eq!(json["schema"], COMPARE_SCHEMA);
    assert_eq!(json["runs"][1]["name"], "haiku");
    assert_eq!(json["differences"][0]["cheaper_share"], 1.0);
}

#[test]
fn unpaired_runs_are_refused() {
    let scenario = common::scenario(None);
    let a = common::outcomes(100, 0);
    let fewer = common::outcomes(99, 0);
    let shifted = common::outcomes(100, 100);
    let err = Comparison::build(
        &[
            Run { name: "a", scenario: &scenario, outcomes: &a },
            Run { name: "b", scenario: &scenario, outcomes: &fewer },
        ],
        &info(),
    )
    .expect_err("different trial counts");
    assert!(matches!(err, ReportError::UnpairedRuns { ref run, .. } if run == "b"), "{err}");
    assert!(
        Comparison::build(
            &[
                Run { name: "a", scenario: &scenario, outcomes: &a },
                Run { name: "c", scenario: &scenario, outcomes: &shifted },
            ],
            &info(),
        )
        .is_err()
    );
    assert_eq!(Comparison::build(&[], &info()), Err(ReportError::NoRuns));
}

#[test]
fn a_single_run_has_no_differences() {
    let scenario = common::scenario(None);
    let a = common::outcomes(50, 0);
    let comparison =
        Comparison::build(&[Run { name: "only", scenario: &scenario, outcomes: &a }], &info())
            .expect("one run");
    assert!(comparison.differences.is_empty());
    assert!(comparison.render_table(false).contains("only"));
}

#[test]
fn differences_by_workload_add_up_to_the_total() {
    let scenario = common::scenario(None);
    let baseline = common::outcomes(300, 0);
    // The run: the agent costs 10% more in every trial, the rest the same.
    let mut run = baseline.clone();
    let agent = run.workloads.iter_mut().find(|w| w.name == "agent").expect("an agent");
    for (i, spend) in agent.spend.iter_mut().enumerate() {
        let extra = 0.1 * *spend;
        *spend += extra;
        run.total[i] += extra;
    }
    let runs = [
        Run { name: "now", scenario: &scenario, outcomes: &baseline },
        Run { name: "longer prompts", scenario: &scenario, outcomes: &run },
    ];
    let comparison = Comparison::build(&runs, &info()).expect("paired runs");
    let d = &comparison.differences[0];
    let names: Vec<&str> = d.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["agent", "thumbnails", "clips", "wallet fees"]);
    let agent = &d.workloads[0];
    let agent_mean = agent.baseline_mean.expect("in both runs");
    assert!((agent.per_trial.mean - 0.1 * agent_mean).abs() < 1e-9 * agent_mean);
    assert!(d.workloads[1..].iter().all(|w| w.per_trial.mean.abs() < 1e-9));
    let sum: f64 = d.workloads.iter().map(|w| w.per_trial.mean).sum();
    assert!((sum - d.per_trial.mean).abs() < 1e-6, "{sum} against {}", d.per_trial.mean);
    let json = comparison.to_json();
    assert_eq!(json["differences"][0]["workloads"][0]["name"], "agent");
    assert_eq!(json["differences"][0]["workloads"][3]["wallet_fees"], true);
    let table = comparison.render_table(false);
    assert!(table.contains("mean difference by workload: agent +$"), "{table}");
    let markdown = comparison.render_markdown(&ChartLinks::default());
    assert!(markdown.contains("## Differences by workload"), "{markdown}");
    assert!(markdown.contains("| longer prompts − now | agent |"), "{markdown}");
}
