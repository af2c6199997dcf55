//! The report of one run: JSON schema and snapshot, breakdown shares,
//! budget exceedance, input checks and the renderers.

use crate::common;

use costintent_report::stats::wilson_interval;
use costintent_report::{
    BreakdownItem, ChartLinks, ChartSvgs, REPORT_SCHEMA, Report, ReportError, RunInfo, TestPlan,
};
use serde_json::Value;

fn info(trials: usize) -> RunInfo {
    RunInfo { trials: trials as u64, seed: 42, scale: 1.0, budget: None }
}

fn report(trials: usize, budget: Option<f64>) -> Report {
    let scenario = common::scenario(budget);
    let outcomes = common::outcomes(trials, 0);
    Report::build(&scenario, &outcomes, &info(trials)).expect("consistent outcomes")
}

#[test]
fn json_snapshot() {
    let report = report(20, Some(150.0));
    insta::assert_json_snapshot!(report.to_json());
}

fn assert_number(v: &Value, path: &str) {
    assert!(v.is_number(), "`{path}` should be a number, is {v}");
}

#[test]
fn json_has_every_key_the_format_fixes_with_the_right_types() {
    for budget in [Some(150.0), None] {
        let json = report(200, budget).to_json();
        let root = json.as_object().expect("an object");
        // The fixed keys come first, in the documented order.
        let keys: Vec<&str> = root.keys().map(String::as_str).take(9).collect();
        assert_eq!(
            keys,
            [
                "schema",
                "scenario",
                "trials",
                "seed",
                "currency",
                "period",
                "total",
                "budget",
                "workloads"
            ]
        );
        assert_eq!(json["schema"], REPORT_SCHEMA);
        assert_eq!(json["scenario"], "Pilot, 12 engineers");
        assert!(json["trials"].is_u64() && json["seed"].is_u64());
        assert_eq!(json["trials"], 200);
        assert_eq!(json["currency"], "USD");
        assert_eq!(json["period"], "30d");
        let total = json["total"].as_object().expect("total is an object");
        let total_keys: Vec<&str> = total.keys().map(String::as_str).collect();
        assert_eq!(
            total_keys,
            ["mean", "mean_stderr", "sd", "min", "p50", "p90", "p95", "p99", "max"]
        );
        for (key, value) in total {
            assert_number(value, &format!("total.{key}"));
        }
        match budget {
            Some(amount) => {
                assert_eq!(json["budget"]["amount"].as_f64(), Some(amount));
                assert_number(&json["budget"]["p_exceed"], "budget.p_exceed");
                let ci = json["budget"]["p_exceed_ci"].as_array().expect("an array");
                assert_eq!(ci.len(), 2);
                assert!(ci.iter().all(Value::is_number));
            }
            None => assert!(json["budget"].is_null()),
        }
        let workloads = json["workloads"].as_array().expect("an array");
        assert_eq!(workloads.len(), 3);
        for w in workloads {
            for key in ["name", "kind", "model"] {
                assert!(w[key].is_string(), "workloads[].{key}");
            }
            for key in ["mean", "p50", "p90", "p99"] {
                assert_number(&w["spend"][key], &format!("workloads[].spend.{key}"));
            }
            assert_number(&w["waste"]["mean"], "workloads[].waste.mean");
            assert_number(&w["attempts"]["mean"], "workloads[].attempts.mean");
            assert_number(&w["lost_requests"]["mean"], "workloads[].lost_requests.mean");
            let units = w["units"].as_object().expect("units is an object");
            assert!(!units.is_empty());
            assert!(units.values().all(Value::is_number));
        }
        // Units list only what the workload uses.
        let agent_units: Vec<&str> =
            workloads[0]["units"].as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(
            agent_units,
            ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"]
        );
        let image_units: Vec<&str> =
            workloads[1]["units"].as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(image_units, ["images"]);
        assert_eq!(workloads[0]["kind"], "agent");
        assert_eq!(workloads[0]["model"], "anthropic/claude-sonnet-4-5");
    }
}

#[test]
fn json_numbers_match_the_report() {
    let report = report(200, Some(150.0));
    let json = report.to_json();
    let close = |v: &Value, x: f64| (v.as_f64().expect("a number") - x).abs() <= 5e-7;
    assert!(close(&json["total"]["mean"], report.total.mean));
    assert!(close(&json["total"]["p90"], report.total.p90.value));
    assert!(close(&json["budget_for_probability"]["0.99"], report.total.p99.value));
    assert!(close(&json["total_ci"]["p90"][0], report.total.p90.ci.lo));
    let budget = report.budget.expect("a budget");
    assert_eq!(json["budget"]["p_exceed"].as_f64(), Some(budget.exceed.estimate));
}

#[test]
fn json_output_is_deterministic() {
    let a = serde_json::to_string_pretty(&report(500, Some(150.0)).to_json()).expect("serializes");
    let b = serde_json::to_string_pretty(&report(500, Some(150.0)).to_json()).expect("serializes");
    assert_eq!(a, b);
}

#[test]
fn breakdown_shares_sum_to_one() {
    let report = report(500, None);
    let share: f64 = report.breakdown.iter().map(|l| l.share_of_mean).sum();
    let tail: f64 = report.breakdown.iter().map(|l| l.share_in_tail).sum();
    assert!((share - 1.0).abs() < 1e-9, "shares of the mean sum to {share}");
    assert!((tail - 1.0).abs() < 1e-9, "shares in the p90 trials sum to {tail}");
    let usd: f64 = report.breakdown.iter().map(|l| l.usd_mean).sum();
    assert!((usd - report.total.mean).abs() < 1e-9 * report.total.mean);
    // Four agent units, images, video seconds and the wallet's purchase fees;
    // consistent outcomes need no `other` or `unattributed` line.
    assert_eq!(report.breakdown.len(), 7);
    assert!(report.breakdown.iter().all(|l| !matches!(
        l.item,
        BreakdownItem::WorkloadOther { .. } | BreakdownItem::Unattributed
    )));
}

#[test]
fn breakdown_accounts_for_spend_no_unit_explains() {
    let scenario = common::scenario(None);
    let mut outcomes = common::outcomes(100, 0);
    // The engine reports $2 of agent spend per trial that no unit carries.
    for (spend, total) in outcomes.workloads[0].spend.iter_mut().zip(outcomes.total.iter_mut()) {
        *spend += 2.0;
        *total += 2.0;
    }
    let report = Report::build(&scenario, &outcomes, &info(100)).expect("consistent");
    let other = report
        .breakdown
        .iter()
        .find(|l| l.item == BreakdownItem::WorkloadOther { workload: "agent".into() })
        .expect("an `other` line");
    assert!((other.usd_mean - 2.0).abs() < 1e-9);
    let share: f64 = report.breakdown.iter().map(|l| l.share_of_mean).sum();
    assert!((share - 1.0).abs() < 1e-9);
}

#[test]
fn tail_share_is_computed_over_the_trials_at_or_above_the_p90() {
    // Ten trials; the p90 is the 9th smallest total (rank ⌈0.9 · 10⌉ = 9),
    // so the p90 trial set is the two largest: 90 and 100, all of it images.
    let totals: Vec<f64> = (1..=10).map(|i| f64::from(i) * 10.0).collect();
    let (scenario, outcomes) = common::single_workload(&totals);
    let report = Report::build(&scenario, &outcomes, &info(10)).expect("consistent");
    assert_eq!(report.total.p90.value, outcomes.total[8]);
    assert_eq!(report.tail_trials, 2);
    assert_eq!(report.breakdown.len(), 1);
    assert!((report.breakdown[0].share_in_tail - 1.0).abs() < 1e-12);
}

#[test]
fn budget_exceedance_counts_trials_strictly_above_with_a_wilson_interval() {
    let scenario = common::scenario(None);
    let outcomes = common::outcomes(300, 0);
    let mut sorted = outcomes.total.clone();
    sorted.sort_by(f64::total_cmp);
    let budget = sorted[239]; // 60 trials lie strictly above the 240th smallest
    let run = RunInfo { budget: Some(budget), ..info(300) };
    let report = Report::build(&scenario, &outcomes, &run).expect("consistent");
    let stats = report.budget.expect("the override applies");
    let above = outcomes.total.iter().filter(|&&t| t > budget).count() as u64;
    assert_eq!(stats.exceed.count, above);
    assert_eq!(stats.exceed.estimate, above as f64 / 300.0);
    assert_eq!(Some(stats.exceed.ci), wilson_interval(above, 300, 0.95));
}

#[test]
fn mismatched_or_broken_outcomes_are_errors() {
    let scenario = common::scenario(None);
    let empty = common::outcomes(0, 0);
    assert_eq!(Report::build(&scenario, &empty, &info(0)), Err(ReportError::NoTrials));

    let outcomes = common::outcomes(10, 0);
    assert!(matches!(
        Report::build(&scenario, &outcomes, &info(11)),
        Err(ReportError::TrialCount { expected: 11, found: 10 })
    ));

    let mut short = outcomes.clone();
    short.workloads[1].waste.pop();
    assert!(matches!(
        Report::build(&scenario, &short, &info(10)),
        Err(ReportError::ColumnLength { column, expected: 10, found: 9 }) if column == "workload.thumbnails.waste"
    ));

    let mut nan = common::outcomes(10, 100);
    nan.total[3] = f64::NAN;
    assert_eq!(
        Report::build(&scenario, &nan, &info(10)),
        Err(ReportError::NonFinite { column: "total".into(), trial: 103 })
    );

    let mut renamed = outcomes.clone();
    renamed.workloads[2].name = "videos".into();
    let err = Report::build(&scenario, &renamed, &info(10)).expect_err("names differ");
    assert!(err.to_string().contains("videos"), "{err}");

    let mut walletless = outcomes;
    walletless.wallets.clear();
    assert!(matches!(
        Report::build(&scenario, &walletless, &info(10)),
        Err(ReportError::Mismatch { what: "wallet", .. })
    ));
}

#[test]
fn warnings_flag_too_few_trials_and_clamped_draws() {
    let scenario = common::scenario(None);
    let mut outcomes = common::outcomes(20, 0);
    outcomes.clamped_draws = 3;
    let report = Report::build(&scenario, &outcomes, &info(20)).expect("consistent");
    assert!(report.warnings.iter().any(|w| w.contains("3 per-trial parameter draws")));
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("20 trials are too few for a reliable p90, p95 and p99")),
        "{:?}",
        report.warnings
    );
    let big = report_with_trials(5_000);
    assert!(!big.warnings.iter().any(|w| w.contains("too few")), "{:?}", big.warnings);
}

fn report_with_trials(n: usize) -> Report {
    report(n, None)
}

#[test]
fn table_headline_and_colour() {
    let report = report(200, Some(150.0));
    let plain = report.render_table(false);
    assert!(!plain.contains('\u{1b}'), "no escapes without colour");
    assert!(plain.starts_with("Pilot, 12 engineers\n"));
    assert!(plain.contains(&format!(
        "p90 spend for 30 days: {}",
        costintent_report::format::usd(report.total.p90.value)
    )));
    assert!(plain.contains("P(spend > $150.00) = "));
    assert!(plain.contains("Budget that holds with 90% / 95% / 99% probability"));
    for name in ["agent", "thumbnails", "clips"] {
        assert!(plain.lines().any(|l| l.trim_start().starts_with(name)), "a line for {name}");
    }
    assert!(plain.contains("Wallet openrouter: purchase fees $"));
    let colored = report.render_table(true);
    assert!(colored.contains("\u{1b}["), "escapes with colour");
    // Colour changes styling only, never the text.
    assert_eq!(strip_ansi(&colored), plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn markdown_has_headline_sections_and_only_given_charts() {
    let with_budget = report(200, Some(150.0)).render_markdown(&ChartLinks::standard());
    assert!(with_budget.starts_with("# Pilot, 12 engineers\n"));
    assert!(with_budget.contains("> p90 spend for 30 days: **\\$"));
    assert!(with_budget.contains("budget is exceeded with probability **"));
    for heading in [
        "## Where the money goes",
        "## Waste",
        "## Prepaid credit",
        "## Assumptions",
        "## Prices",
        "## Method",
    ] {
        assert!(with_budget.contains(heading), "{heading}");
    }
    assert!(with_budget.contains("![Histogram of spend per period](histogram.svg)"));
    assert!(with_budget.contains("(exceedance.svg)") && with_budget.contains("(breakdown.svg)"));
    assert!(!with_budget.contains("## Sensitivity"));
    assert!(with_budget.contains("https://www.anthropic.com/pricing (read 2026-11-01)"));
    assert!(with_budget.contains("lognormal (median 20s, p90 4m)"));

    let without = report(200, None).render_markdown(&ChartLinks::default());
    assert!(without.contains("Budgets that hold with 90%, 95% and 99% probability: **\\$"));
    assert!(!without.contains("!["), "no chart links given");
    assert!(!without.contains("## Prepaid test plan"));
}

#[test]
fn test_plan_hook_reaches_every_format() {
    let mut report = report(200, None);
    report.test_plan = Some(TestPlan {
        summary: "Buy a small prepaid credit and run the pilot for a week.".into(),
        steps: vec!["Top up $25.".into(), "Compare the bill with the p90.".into()],
        facts: vec![("credit to buy".into(), "$25.00".into())],
    });
    let md = report.render_markdown(&ChartLinks::default());
    assert!(md.contains("## Prepaid test plan"));
    assert!(md.contains("1. Top up \\$25.\n2. Compare the bill with the p90."));
    assert!(md.contains("| credit to buy | \\$25.00 |"));
    let html = report.render_html(&ChartSvgs::default());
    assert!(html.contains("<h2>Prepaid test plan</h2>"));
    assert!(html.contains("<li>Top up $25.</li>"));
    assert_eq!(report.to_json()["test_plan"]["steps"][1], "Compare the bill with the p90.");
}

#[test]
fn html_is_self_contained_and_escaped() {
    let mut scenario = common::scenario(Some(150.0));
    scenario.name = "Pilot <b>&</b>".into();
    let outcomes = common::outcomes(200, 0);
    let report = Report::build(&scenario, &outcomes, &info(200)).expect("consistent");
    let svgs = ChartSvgs {
        histogram: Some("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>histogram</text></svg>".into()),
        ..ChartSvgs::default()
    };
    let html = report.render_html(&svgs);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Pilot &lt;b&gt;&amp;&lt;/b&gt;</title>"));
    assert!(
        html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>histogram</text></svg>")
    );
    assert!(!html.contains("<?xml"), "the XML prolog is dropped inside HTML");
    for forbidden in ["<script", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    assert!(html.contains("@media print"));
    assert_eq!(html.matches("<svg").count(), 1, "only the given chart is inlined");
}

#[test]
fn scale_and_shard_are_reported() {
    let scenario = common::scenario(None);
    let outcomes = common::outcomes(50, 1_000);
    let run = RunInfo { scale: 10.0, ..info(50) };
    let report = Report::build(&scenario, &outcomes, &run).expect("consistent");
    let json = report.to_json();
    assert_eq!(json["scale"], 10.0);
    assert_eq!(json["first_trial"], 1_000);
    assert!(report.warnings.iter().any(|w| w.contains("multiplied by 10")));
    assert!(report.render_table(false).contains("volumes × 10"));
}

#[test]
fn a_wide_percentile_interval_asks_for_more_trials() {
    // A heavy tail (Pareto with index 1/2 at evenly spaced quantiles): the
    // p99 of 2,000 trials is about $9,000, but its 95% interval spans ranks
    // that differ several-fold in value, so the warning must fire for p99
    // and not for the tight median.
    let n = 2_000;
    let totals: Vec<f64> =
        (1..=n).map(|i| (f64::from(n + 1) / f64::from(n + 1 - i)).powi(2)).collect();
    let (scenario, outcomes) = common::single_workload(&totals);
    let report = Report::build(&scenario, &outcomes, &info(n as usize)).expect("consistent");
    assert!(!report.total.p99.ranks.clamped);
    assert!(report.warnings.iter().any(|w| w.starts_with("the p99 of $")), "{:?}", report.warnings);
    assert!(!report.warnings.iter().any(|w| w.starts_with("the p50 of")));
}
