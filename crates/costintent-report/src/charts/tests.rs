//! Tests across all charts: both formats are valid, the documented sizes
//! hold, titles and budget labels appear, and bad input never panics.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use super::*;

/// Lognormal spend totals around `median` dollars, from a fixed seed.
fn lognormal_totals(count: usize, median: f64, sigma: f64, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            // Box–Muller: two uniforms give one standard normal.
            let u1: f64 = 1.0 - rng.random::<f64>();
            let u2: f64 = rng.random::<f64>();
            let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            median * (sigma * normal).exp()
        })
        .collect()
}

/// Decodes a PNG into (width, height, RGB pixels).
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// How many pixels have exactly the colour `rgb`.
fn count_pixels(pixels: &[u8], rgb: (u8, u8, u8)) -> usize {
    pixels.chunks_exact(3).filter(|pixel| (pixel[0], pixel[1], pixel[2]) == rgb).count()
}

/// Checks both formats of a chart and returns the decoded PNG pixels.
fn check_chart(chart: &Chart, size: (u32, u32), texts: &[&str]) -> Vec<u8> {
    assert_eq!((chart.width, chart.height), size);
    assert!(chart.svg.starts_with("<svg"), "not an SVG document");
    assert!(chart.svg.trim_end().ends_with("</svg>"), "SVG is not closed");
    for text in texts {
        assert!(chart.svg.contains(text), "SVG lacks {text:?}");
    }
    // Self-contained: no external fonts, images or stylesheets.
    for reference in ["href", "url(", "@font-face", "@import"] {
        assert!(!chart.svg.contains(reference), "SVG references {reference}");
    }
    assert!(chart.svg.contains("font-family=\"sans-serif\""));
    assert_eq!(&chart.png[..8], b"\x89PNG\r\n\x1a\n");
    let (width, height, pixels) = decode_png(&chart.png);
    assert_eq!((width, height), size);
    let drawn = pixels.chunks_exact(3).filter(|pixel| pixel != &[255, 255, 255]).count();
    assert!(drawn > 5_000, "only {drawn} non-white pixels");
    pixels
}

/// The budget colour as an RGB triple.
const BUDGET_RGB: (u8, u8, u8) = (palette::BUDGET.0, palette::BUDGET.1, palette::BUDGET.2);

#[test]
fn histogram_shows_title_marks_and_budget() {
    let totals = lognormal_totals(20_000, 650.0, 0.25, 1);
    let marks = [Mark::new("p50", 650.0), Mark::new("p90", 890.0), Mark::new("p99", 1150.0)];
    let chart = spend_histogram(&totals, &marks, Some(900.0), "Monthly spend").unwrap();
    let pixels = check_chart(
        &chart,
        (900, 500),
        &["Monthly spend", "budget $900", "p50 $650", "p90 $890", "p99 $1,150"],
    );
    assert!(count_pixels(&pixels, BUDGET_RGB) > 200, "the budget line is missing");
    assert!(chart.svg.contains("over budget: "));
}

#[test]
fn exceedance_curve_shows_title_and_budget() {
    let totals = lognormal_totals(5_000, 650.0, 0.25, 2);
    let chart = exceedance_curve(&totals, Some(800.0), "Chance of overspending").unwrap();
    let pixels = check_chart(&chart, (900, 500), &["Chance of overspending", "budget $800"]);
    assert!(count_pixels(&pixels, BUDGET_RGB) > 200, "the budget line is missing");
    // The curve's colour is present.
    let blue = (palette::BLUE.0, palette::BLUE.1, palette::BLUE.2);
    assert!(count_pixels(&pixels, blue) > 500);
}

#[test]
fn breakdown_shows_categories_series_and_totals() {
    let categories = vec!["coding-agent".to_owned(), "batch-summaries".to_owned()];
    let series = vec![
        ("input".to_owned(), vec![300.0, 40.0]),
        ("output".to_owned(), vec![200.0, 10.0]),
        ("cache read".to_owned(), vec![50.0, 0.0]),
    ];
    let chart = stacked_breakdown(&categories, &series, "Where the money goes").unwrap();
    check_chart(
        &chart,
        (900, 500),
        &["Where the money goes", "coding-agent", "batch-summaries", "cache read", "$550", "$50"],
    );
}

#[test]
fn overlaid_distributions_show_every_run_and_the_budget() {
    let runs = vec![
        ("baseline".to_owned(), lognormal_totals(4_000, 650.0, 0.2, 3)),
        ("with caching".to_owned(), lognormal_totals(4_000, 480.0, 0.2, 4)),
    ];
    let chart = overlaid_distributions(&runs, Some(700.0), "Baseline vs caching").unwrap();
    let pixels = check_chart(
        &chart,
        (900, 500),
        &["Baseline vs caching", "budget $700", "baseline: p50", "with caching: p50"],
    );
    assert!(count_pixels(&pixels, BUDGET_RGB) > 200);
}

#[test]
fn tornado_shows_rows_and_base() {
    let rows = vec![
        ("turns per session".to_owned(), 610.0, 840.0),
        ("cache hit share".to_owned(), 760.0, 690.0),
        ("sessions".to_owned(), 700.0, 745.0),
    ];
    let chart = tornado(720.0, &rows, &TornadoText::percentiles("What moves the p90")).unwrap();
    check_chart(
        &chart,
        (900, 500),
        &["What moves the p90", "turns per session", "base $720", "$840 (+$120)"],
    );
}

#[test]
fn tornado_wraps_its_note_under_the_legend() {
    let rows = vec![("agent.input".to_owned(), 610.0, 840.0)];
    let note = "The base run fixes every parameter drawn per trial at its median, so its p90 \
                leaves out the spread they add and is lower than the headline p90, which \
                includes it; each row moves one assumption from that base.";
    let text = TornadoText { title: "t", low: "÷1.5", high: "×1.5", note };
    let chart = tornado(720.0, &rows, &text).unwrap();
    check_chart(&chart, (900, 500), &["÷1.5", "×1.5", "The base run fixes", "one assumption"]);
    let plain = tornado(720.0, &rows, &TornadoText::percentiles("t")).unwrap();
    assert!(!plain.svg.contains("The base run"));
}

#[test]
fn tornado_grows_with_rows() {
    let rows: Vec<(String, f64, f64)> = (0..25)
        .map(|index| (format!("assumption {index}"), 700.0, 800.0 + f64::from(index)))
        .collect();
    let chart = tornado(750.0, &rows, &TornadoText::percentiles("Many assumptions")).unwrap();
    assert!(chart.height > 500);
    check_chart(&chart, (900, chart.height), &["Many assumptions", "assumption 24"]);
}

#[test]
fn empty_inputs_are_clear_errors() {
    let no_data =
        |result: Result<Chart, ChartError>| matches!(result, Err(ChartError::NoData { .. }));
    assert!(no_data(spend_histogram(&[], &[], None, "t")));
    assert!(no_data(exceedance_curve(&[], Some(1.0), "t")));
    assert!(no_data(stacked_breakdown(&[], &[], "t")));
    assert!(no_data(overlaid_distributions(&[], None, "t")));
    assert!(no_data(overlaid_distributions(&[("a".to_owned(), vec![])], None, "t")));
    assert!(no_data(tornado(1.0, &[], &TornadoText::percentiles("t"))));
}

#[test]
fn nan_and_infinity_are_clear_errors() {
    let not_finite =
        |result: Result<Chart, ChartError>| matches!(result, Err(ChartError::NotFinite { .. }));
    assert!(not_finite(spend_histogram(&[1.0, f64::NAN], &[], None, "t")));
    assert!(not_finite(spend_histogram(&[1.0], &[Mark::new("p50", f64::NAN)], None, "t")));
    assert!(not_finite(spend_histogram(&[1.0], &[], Some(f64::INFINITY), "t")));
    assert!(not_finite(exceedance_curve(&[f64::NEG_INFINITY], None, "t")));
    assert!(not_finite(exceedance_curve(&[1.0], Some(f64::NAN), "t")));
    let categories = vec!["a".to_owned()];
    assert!(not_finite(stacked_breakdown(&categories, &[("s".to_owned(), vec![f64::NAN])], "t")));
    assert!(not_finite(overlaid_distributions(&[("a".to_owned(), vec![f64::NAN])], None, "t")));
    assert!(not_finite(tornado(
        f64::NAN,
        &[("a".to_owned(), 1.0, 2.0)],
        &TornadoText::percentiles("t")
    )));
    assert!(not_finite(tornado(
        1.0,
        &[("a".to_owned(), 1.0, f64::NAN)],
        &TornadoText::percentiles("t")
    )));
}

#[test]
fn degenerate_inputs_still_draw() {
    // All totals equal, a single total, zero spend, and everything at one value.
    let equal = vec![700.0; 500];
    check_chart(
        &spend_histogram(&equal, &[Mark::new("p50", 700.0)], Some(700.0), "Equal").unwrap(),
        (900, 500),
        &["Equal", "budget $700"],
    );
    check_chart(&exceedance_curve(&equal, None, "Equal").unwrap(), (900, 500), &["Equal"]);
    check_chart(&spend_histogram(&[42.0], &[], None, "Single").unwrap(), (900, 500), &["Single"]);
    check_chart(
        &spend_histogram(&[0.0; 10], &[], Some(0.0), "Zero").unwrap(),
        (900, 500),
        &["Zero"],
    );
    check_chart(
        &overlaid_distributions(&[("only".to_owned(), vec![5.0; 3])], Some(5.0), "One").unwrap(),
        (900, 500),
        &["One", "only: p50 $5"],
    );
    let zeros = vec![("input".to_owned(), vec![0.0, 0.0])];
    let categories = vec!["a".to_owned(), "b".to_owned()];
    check_chart(
        &stacked_breakdown(&categories, &zeros, "Nothing").unwrap(),
        (900, 500),
        &["Nothing"],
    );
    check_chart(
        &tornado(10.0, &[("flat".to_owned(), 10.0, 10.0)], &TornadoText::percentiles("Flat"))
            .unwrap(),
        (900, 500),
        &["Flat", "base $10"],
    );
}

#[test]
fn huge_values_draw_or_fail_cleanly() {
    let trillions: Vec<f64> = lognormal_totals(1_000, 2e12, 0.3, 5);
    let chart = spend_histogram(&trillions, &[Mark::new("p50", 2e12)], Some(3e12), "Huge").unwrap();
    check_chart(&chart, (900, 500), &["Huge", "budget $3T"]);
    // Amounts beyond a quadrillion switch to scientific labels.
    let astronomical = vec![1e300, 2e300, 3e300];
    let chart = exceedance_curve(&astronomical, None, "Astronomical").unwrap();
    check_chart(&chart, (900, 500), &["Astronomical"]);
    // A range too wide for f64 arithmetic is an error, not a panic.
    let extreme = vec![-1.7e308, 1.7e308];
    assert!(matches!(
        spend_histogram(&extreme, &[], None, "t"),
        Err(ChartError::OutOfRange { .. })
    ));
    let breakdown = stacked_breakdown(&["a".to_owned()], &[("s".to_owned(), vec![1e15])], "Big");
    check_chart(&breakdown.unwrap(), (900, 500), &["Big"]);
}

#[test]
fn many_runs_keep_the_plot_on_the_canvas() {
    let runs: Vec<(String, Vec<f64>)> = (0..40_u32)
        .map(|index| {
            (format!("variant {index}"), lognormal_totals(200, 500.0, 0.2, u64::from(index)))
        })
        .collect();
    let chart = overlaid_distributions(&runs, None, "Forty variants").unwrap();
    check_chart(&chart, (900, 500), &["Forty variants", "variant 0: p50", "more"]);
}

#[test]
fn a_budget_far_from_the_spend_becomes_an_arrow() {
    let totals = lognormal_totals(2_000, 650.0, 0.2, 6);
    let chart = spend_histogram(&totals, &[], Some(50_000.0), "Far budget").unwrap();
    check_chart(&chart, (900, 500), &["Far budget", "budget $50k →"]);
    // Spend near $10k with a $1,000 budget: the budget is off the left end.
    let narrow = lognormal_totals(2_000, 10_000.0, 0.05, 6);
    let chart = exceedance_curve(&narrow, Some(1_000.0), "Small budget").unwrap();
    check_chart(&chart, (900, 500), &["Small budget", "← budget $1,000"]);
}

#[test]
fn special_characters_in_labels_keep_the_svg_valid() {
    let categories = vec!["R&D <agents>".to_owned()];
    let series = vec![("\"input\"".to_owned(), vec![10.0])];
    let chart = stacked_breakdown(&categories, &series, "Costs & <risks>").unwrap();
    check_chart(&chart, (900, 500), &["Costs &amp; &lt;risks&gt;", "R&amp;D &lt;agents&gt;"]);
}

#[test]
fn rendering_is_deterministic() {
    let totals = lognormal_totals(3_000, 100.0, 0.5, 7);
    let first = spend_histogram(&totals, &[Mark::new("p90", 190.0)], Some(150.0), "Same").unwrap();
    let second = spend_histogram(&totals, &[Mark::new("p90", 190.0)], Some(150.0), "Same").unwrap();
    assert_eq!(first, second);
}

#[test]
fn charts_render_from_several_threads_at_once() {
    let totals = lognormal_totals(1_000, 100.0, 0.3, 8);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|index| {
                let totals = &totals;
                scope.spawn(move || {
                    exceedance_curve(totals, Some(120.0), &format!("thread {index}"))
                })
            })
            .collect();
        for handle in handles {
            assert!(handle.join().unwrap().is_ok());
        }
    });
}

#[test]
fn formats_expose_bytes_extension_and_media_type() {
    let chart = spend_histogram(&[1.0, 2.0, 3.0], &[], None, "Formats").unwrap();
    assert_eq!(chart.bytes(ChartFormat::Svg), chart.svg.as_bytes());
    assert_eq!(chart.bytes(ChartFormat::Png), chart.png.as_slice());
    assert_eq!(ChartFormat::Svg.extension(), "svg");
    assert_eq!(ChartFormat::Png.media_type(), "image/png");
}
