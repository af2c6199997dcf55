//! Bad inputs: each fixture's rendered diagnostics are snapshotted (read
//! them: they are what a user sees), and the key facts are asserted too.

use costintent_scenario::diagnostics::render_plain_list;
use costintent_scenario::{Diagnostics, Severity};

use super::{fixture_path, load_err, load_ok};

/// Snapshots `text` as `tests/snapshots/parse__<name>.snap`.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("parse__{name}"), text));
}

fn messages(d: &Diagnostics) -> Vec<&str> {
    d.errors.iter().map(|e| e.message.as_str()).collect()
}

fn only_error(d: &Diagnostics) -> &costintent_scenario::Diagnostic {
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    &d.errors[0]
}

#[test]
fn misspelled_key_suggests_the_real_one() {
    let d = load_err("misspelled_key.toml");
    snapshot("misspelled_key", &d.render_plain());
    let e = only_error(&d);
    assert_eq!(e.message, "unknown key `turnz` in workload \"agent\"");
    assert_eq!(e.help.as_deref(), Some("did you mean `turns`?"));
    assert_eq!((e.line(), e.column()), (Some(10), Some(1)));
    // The misspelled key does not also count as the missing `turns`.
    assert!(d.errors.iter().all(|e| !e.message.contains("missing key")));
}

#[test]
fn misspelled_model_suggests_the_file_s_own_model() {
    let d = load_err("misspelled_model.toml");
    snapshot("misspelled_model", &d.render_plain());
    let e = only_error(&d);
    assert_eq!(e.message, "unknown model `acme/tinny`");
    assert_eq!(e.help.as_deref(), Some("did you mean `acme/tiny`?"));
    assert_eq!((e.line(), e.column()), (Some(8), Some(9)));
}

#[test]
fn rate_above_one_is_pointed_at() {
    let d = load_err("rate_above_one.toml");
    snapshot("rate_above_one", &d.render_plain());
    let e = only_error(&d);
    assert_eq!(e.message, "`rate` must be between 0 and 1 (got 1.5)");
    assert_eq!((e.line(), e.column()), (Some(12), Some(21)));
    let span = e.location.as_ref().map(|l| l.span.clone()).expect("located");
    assert_eq!(&super::fixture("rate_above_one.toml").1[span], "1.5");
}

#[test]
fn p90_below_median_points_at_p90() {
    let d = load_err("p90_below_median.toml");
    snapshot("p90_below_median", &d.render_plain());
    let e = only_error(&d);
    assert!(e.message.contains("p90 (3000) is below the median (12000)"), "{}", e.message);
    assert_eq!((e.line(), e.column()), (Some(10), Some(53)));
}

#[test]
fn negative_counts_are_errors() {
    let d = load_err("negative_count.toml");
    snapshot("negative_count", &d.render_plain());
    assert_eq!(
        messages(&d),
        ["`requests` must not be negative (got -1000)", "`retries` must not be negative (got -2)"]
    );
}

#[test]
fn malformed_toml_is_one_located_error() {
    let d = load_err("malformed.toml");
    snapshot("malformed", &d.render_plain());
    let e = only_error(&d);
    assert!(e.message.starts_with("invalid TOML: "), "{}", e.message);
    assert_eq!(e.line(), Some(5));
}

#[test]
fn a_missing_file_says_how_to_start_one() {
    // The crate does not read files; the caller turns a read error into a
    // diagnostic with `Diagnostics::io`.
    let path = fixture_path("does-not-exist.toml");
    let err = std::fs::read_to_string(&path).expect_err("no such file");
    let d = costintent_scenario::Diagnostics::io(&path.display().to_string(), &err);
    // The absolute path differs between machines; the snapshot shows a stable one.
    let shown =
        d.render_plain().replace(&path.display().to_string(), "fixtures/parse/does-not-exist.toml");
    snapshot("missing_file", &shown);
    let e = only_error(&d);
    assert!(e.message.starts_with("cannot read scenario file: "));
    assert_eq!(e.location, None);
}

#[test]
fn unknown_distribution_suggests_the_real_one() {
    let d = load_err("unknown_dist.toml");
    snapshot("unknown_dist", &d.render_plain());
    let e = only_error(&d);
    assert_eq!(e.message, "unknown distribution `lognormall`");
    assert_eq!(e.help.as_deref(), Some("did you mean `lognormal`?"));
    assert_eq!((e.line(), e.column()), (Some(10), Some(18)));
}

#[test]
fn every_error_of_a_file_is_reported_at_once() {
    let d = load_err("many_errors.toml");
    snapshot("many_errors", &d.render_plain());
    let found = messages(&d);
    for expected in [
        "`period`: unknown time unit `days` in \"30days\": write \"30d\"",
        "`trials` must be at least 1 (got 0)",
        "`budget` must not be negative (got -5)",
        "unknown key `turnz` in workload \"agent\"",
        "p90 (1000) is below the median (3000)",
        "`compact_to` (300000) must be below `window` (200000)",
        "a cache TTL of 7200 s is longer than the 1-hour maximum",
        "`rate` must be between 0 and 1 (got 1.5)",
        "`sometimes` is not a valid `billed`",
        "`requets` is not a valid `kind`",
    ] {
        assert!(found.contains(&expected), "missing {expected:?} in {found:#?}");
    }
    // Reported in file order.
    let lines: Vec<usize> = d.errors.iter().filter_map(|e| e.line()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    assert!(
        d.render_plain()
            .ends_with(&format!("{} errors in fixtures/parse/many_errors.toml\n", d.errors.len()))
    );
}

#[test]
fn errors_that_need_the_whole_file_are_found() {
    let d = load_err("semantic_errors.toml");
    snapshot("semantic_errors", &d.render_plain());
    let found = messages(&d);
    for expected in [
        "`fee_percent` is a percentage between 0 and 100 (got 150)",
        "model `acme/pictures` has no input or output token price, which a requests workload needs",
        "`requests` must be a number, `{ per, mean }` or a distribution, not a string",
        "max (100) is below min (500)",
        "`rate` is drawn from a `lognormal` that can produce values outside [0, 1]",
        "no wallet named \"openruoter\"",
        "duplicate workload name \"chat\"",
        "model `acme/tiny` has no image price",
        "missing key `mean` in `requests`",
        "model `acme/pictures` has no video price",
        "missing key `input` in workload \"agent\"",
    ] {
        assert!(found.contains(&expected), "missing {expected:?} in {found:#?}");
    }
    let rate =
        d.errors.iter().find(|e| e.message.starts_with("`rate` is drawn")).expect("rate error");
    assert!(rate.help.as_deref().is_some_and(|h| h.contains("beta")));
    let via = d.errors.iter().find(|e| e.message.starts_with("no wallet")).expect("via error");
    assert_eq!(via.help.as_deref(), Some("did you mean `openrouter`?"));
}

#[test]
fn warnings_are_located_and_rendered() {
    let checked = load_ok("warnings.toml");
    let text = render_plain_list("fixtures/parse/warnings.toml", &checked.warnings);
    snapshot("warnings", &text);
    assert!(checked.warnings.iter().all(|w| w.severity == Severity::Warning && w.line().is_some()));
    let found: Vec<&str> = checked.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "price date 2027-01-15 is more than a month after today (2026-11-25)",
            "wallet \"spare\" is not used by any workload",
            "model `acme/no-cache` has no cache-read price: cache reads will be billed at the input price",
            "`billed = \"partial\"` has no output tokens to split in an image workload: a failed attempt is billed a uniform random share of its images",
            "`[models.\"acme/unused\"]` is not used by any workload",
        ]
    );
    // Each warning renders on its own, with its source line.
    assert!(checked.warnings[0].render_plain().contains("prices = \"2027-01-15\""));
}

#[test]
fn miette_renders_every_error_with_its_source_line() {
    let d = load_err("negative_count.toml");
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    handler.render_report(&mut out, &d).expect("rendering to a string");
    assert!(out.contains("2 errors in fixtures/parse/negative_count.toml"), "{out}");
    assert!(out.contains("requests = -1000"), "{out}");
    assert!(out.contains("failures = { rate = 0.01, retries = -2"), "{out}");
    assert!(out.contains("fixtures/parse/negative_count.toml:9:12"), "{out}");

    // A single warning renders on its own, without its file's Diagnostics.
    let checked = load_ok("warnings.toml");
    let mut out = String::new();
    handler.render_report(&mut out, &checked.warnings[0]).expect("rendering to a string");
    assert!(out.contains("prices = \"2027-01-15\""), "{out}");
    assert!(out.contains("in the future"), "{out}");
}
