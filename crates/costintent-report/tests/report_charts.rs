//! The report's charts: drawn from its numbers, linked from Markdown and
//! inlined in HTML.

use crate::common;

use costintent_report::charts::ChartFormat;
use costintent_report::{CompareInfo, Comparison, Report, ReportCharts, Run, RunInfo};

#[test]
fn report_charts_are_drawn_linked_and_inlined() {
    let scenario = common::scenario(Some(150.0));
    let outcomes = common::outcomes(1_000, 0);
    let info = RunInfo { trials: 1_000, seed: 42, scale: 1.0, budget: None };
    let report = Report::build(&scenario, &outcomes, &info).expect("consistent");
    let charts = report.charts(&outcomes).expect("charts render");

    assert!(charts.histogram.svg.contains("Spend per 30 days: 1,000 trials"));
    assert!(charts.histogram.svg.contains("budget"));
    assert!(charts.exceedance.svg.contains("budget"));
    for category in ["agent", "thumbnails", "clips", "wallet openrouter"] {
        assert!(charts.breakdown.svg.contains(category), "breakdown shows {category}");
    }
    // Seven series (four agent units, images, video seconds, purchase
    // fees): the chart keeps the five largest and merges the two smallest
    // (purchase fees, $3.84, and agent input, $8.97) into "other".
    for label in ["output", "cache read", "cache write", "image", "video second"] {
        assert!(charts.breakdown.svg.contains(label), "breakdown legend has {label}");
    }
    assert!(charts.breakdown.svg.contains("other (2 smaller)"));
    assert_eq!(&charts.histogram.png[..8], b"\x89PNG\r\n\x1a\n");

    let files = charts.files(ChartFormat::Png);
    assert_eq!(files[0].0, "histogram.png");
    assert_eq!(files[2].1, charts.breakdown.png.as_slice());

    let markdown = report.render_markdown(&ReportCharts::links(ChartFormat::Svg));
    for file in ["histogram.svg", "exceedance.svg", "breakdown.svg"] {
        assert!(markdown.contains(&format!("]({file})")), "{file} is linked");
    }
    let html = report.render_html(&charts.svgs());
    assert_eq!(html.matches("<svg").count(), 3, "three inline charts");
    assert!(!html.contains("<?xml"));
}

#[test]
fn comparison_chart_overlays_the_runs() {
    let scenario = common::scenario(None);
    let a = common::outcomes(500, 0);
    let mut b = a.clone();
    b.total.iter_mut().for_each(|t| *t *= 1.2);
    let runs = [
        Run { name: "today", scenario: &scenario, outcomes: &a },
        Run { name: "next year", scenario: &scenario, outcomes: &b },
    ];
    let comparison = Comparison::build(&runs, &CompareInfo { seed: 1, budget: Some(160.0) })
        .expect("paired runs");
    let chart = comparison.distributions_chart(&runs).expect("renders");
    assert!(chart.svg.contains("today") && chart.svg.contains("next year"));
}
