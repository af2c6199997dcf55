//! Renders every chart from synthetic spend data, to look at them.
//!
//! ```text
//! cargo run -p costintent-report --no-default-features --example charts_demo [OUTPUT_DIR]
//! ```
//!
//! Writes an SVG and a PNG per chart into OUTPUT_DIR (default `/tmp/charts`).
//! The data is lognormal per-trial spend from a fixed seed, shaped like a
//! month of a coding agent, so the pictures look like real reports.
#![allow(clippy::print_stdout, reason = "an example says where it wrote its files")]

use std::error::Error;
use std::path::{Path, PathBuf};

use costintent_report::charts::{
    Chart, ChartFormat, Mark, TornadoText, exceedance_curve, overlaid_distributions,
    spend_histogram, stacked_breakdown, tornado,
};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, LogNormal};

fn main() -> Result<(), Box<dyn Error>> {
    let out =
        std::env::args_os().nth(1).map_or_else(|| PathBuf::from("/tmp/charts"), PathBuf::from);
    std::fs::create_dir_all(&out)?;

    let totals = lognormal(20_000, 650.0, 0.25, 1);
    let marks = percentile_marks(&totals);
    save(
        &out,
        "histogram",
        &spend_histogram(&totals, &marks, Some(800.0), "Monthly spend, 20,000 trials")?,
    )?;

    let heavy = lognormal(20_000, 120.0, 1.1, 2);
    let heavy_marks = percentile_marks(&heavy);
    save(
        &out,
        "histogram_heavy_tail",
        &spend_histogram(&heavy, &heavy_marks, None, "Heavy-tailed spend")?,
    )?;
    save(
        &out,
        "histogram_far_budget",
        &spend_histogram(&totals, &marks, Some(25_000.0), "Budget far above spend")?,
    )?;
    save(
        &out,
        "histogram_equal",
        &spend_histogram(
            &[700.0; 300],
            &[Mark::new("p50", 700.0)],
            Some(750.0),
            "Every trial costs the same",
        )?,
    )?;
    let huge = lognormal(5_000, 2.4e9, 0.2, 3);
    let huge_marks = percentile_marks(&huge);
    save(&out, "histogram_huge", &spend_histogram(&huge, &huge_marks, Some(3e9), "Billions")?)?;

    let few = lognormal(12, 650.0, 0.25, 6);
    save(
        &out,
        "histogram_few",
        &spend_histogram(&few, &percentile_marks(&few), Some(800.0), "Only twelve trials")?,
    )?;
    save(
        &out,
        "exceedance_few",
        &exceedance_curve(&few, Some(800.0), "Only twelve trials: an exact staircase")?,
    )?;
    save(
        &out,
        "exceedance",
        &exceedance_curve(&totals, Some(800.0), "Chance of spending more than x")?,
    )?;
    save(
        &out,
        "exceedance_heavy_tail",
        &exceedance_curve(&heavy, Some(400.0), "Heavy tail, budget $400")?,
    )?;

    let workloads: Vec<String> =
        ["coding-agent", "nightly-batch-summaries", "support-voice-bot", "product-images"]
            .map(String::from)
            .to_vec();
    let units = vec![
        ("input tokens".to_owned(), vec![210.0, 48.0, 0.0, 0.0]),
        ("output tokens".to_owned(), vec![160.0, 22.0, 0.0, 0.0]),
        ("cache reads".to_owned(), vec![95.0, 0.0, 0.0, 0.0]),
        ("cache writes".to_owned(), vec![40.0, 0.0, 0.0, 0.0]),
        ("audio minutes".to_owned(), vec![0.0, 0.0, 180.0, 0.0]),
        ("images".to_owned(), vec![0.0, 0.0, 0.0, 64.0]),
    ];
    save(
        &out,
        "breakdown",
        &stacked_breakdown(&workloads, &units, "Where the money goes (mean per month)")?,
    )?;
    let many_units: Vec<(String, Vec<f64>)> = (0..9)
        .map(|index| (format!("unit {index}"), vec![10.0 * f64::from(index + 1), 5.0, 1.0]))
        .collect();
    let long_names = vec![
        "a-workload-with-a-remarkably-long-name-that-will-not-fit".to_owned(),
        "short".to_owned(),
        "medium-length-name".to_owned(),
    ];
    save(
        &out,
        "breakdown_many_units",
        &stacked_breakdown(&long_names, &many_units, "Nine billing units")?,
    )?;

    let runs = vec![
        ("baseline".to_owned(), totals.clone()),
        ("prompt caching".to_owned(), lognormal(20_000, 520.0, 0.22, 4)),
        ("smaller model".to_owned(), lognormal(20_000, 310.0, 0.3, 5)),
    ];
    save(
        &out,
        "compare",
        &overlaid_distributions(&runs, Some(800.0), "Three ways to run the agent")?,
    )?;
    save(&out, "compare_single", &overlaid_distributions(&runs[..1], None, "A single run")?)?;
    let seven: Vec<(String, Vec<f64>)> = (0_u32..7)
        .map(|index| {
            let median = 300.0 + 80.0 * f64::from(index);
            (
                format!("variant {}", index + 1),
                lognormal(5_000, median, 0.15, 10 + u64::from(index)),
            )
        })
        .collect();
    save(&out, "compare_seven", &overlaid_distributions(&seven, Some(700.0), "Seven variants")?)?;

    let rows = vec![
        ("coding-agent turns per session".to_owned(), 655.0, 842.0),
        ("coding-agent sessions".to_owned(), 690.0, 790.0),
        ("cache hit share".to_owned(), 775.0, 702.0),
        ("output tokens per turn".to_owned(), 712.0, 768.0),
        ("failure rate".to_owned(), 731.0, 745.0),
        ("batch requests".to_owned(), 736.0, 741.0),
    ];
    save(
        &out,
        "tornado",
        &tornado(738.0, &rows, &TornadoText::percentiles("What moves the p90 (base $738)"))?,
    )?;
    let many_rows: Vec<(String, f64, f64)> = (0..22)
        .map(|index| {
            let swing = 300.0 / f64::from(index + 1);
            (format!("assumption {index}"), 738.0 - swing * 0.6, 738.0 + swing)
        })
        .collect();
    save(
        &out,
        "tornado_tall",
        &tornado(738.0, &many_rows, &TornadoText::percentiles("Twenty-two assumptions"))?,
    )?;
    Ok(())
}

/// Writes a chart as NAME.svg and NAME.png.
fn save(dir: &Path, name: &str, chart: &Chart) -> Result<(), Box<dyn Error>> {
    for format in [ChartFormat::Svg, ChartFormat::Png] {
        let path = dir.join(format!("{name}.{}", format.extension()));
        std::fs::write(&path, chart.bytes(format))?;
        println!("wrote {} ({}×{})", path.display(), chart.width, chart.height);
    }
    Ok(())
}

/// p50, p90 and p99 marks (nearest-rank order statistics).
fn percentile_marks(totals: &[f64]) -> Vec<Mark> {
    let mut sorted = totals.to_vec();
    sorted.sort_by(f64::total_cmp);
    [("p50", 0.50), ("p90", 0.90), ("p99", 0.99)]
        .into_iter()
        .map(|(label, p)| {
            let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
            Mark::new(label, sorted[rank - 1])
        })
        .collect()
}

/// Lognormal totals with the given median and log-space spread.
fn lognormal(count: usize, median: f64, sigma: f64, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let spend = LogNormal::new(median.ln(), sigma).expect("a positive median and spread");
    (0..count).map(|_| spend.sample(&mut rng)).collect()
}
