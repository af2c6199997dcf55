//! The scenario parser and validator on any text: it never panics, a
//! rejection always says why and where, and every place it names is inside
//! the file.
//!
//! Used by the `scenario_text` and `scenario_structured` fuzz targets, and by
//! `crates/costintent-sim/tests/fuzz_regressions.rs`, which replays the kept
//! corpus and every crash found (it includes this file by path).

use std::sync::OnceLock;

use costintent_scenario::{Catalog, Date, Diagnostic, LoadOptions, Override, Scenario, Severity};

/// How a kept input states its overrides: one comment line each at the top
/// of the file, `# fuzz-override: path = value`.
pub const OVERRIDE_LINE: &str = "# fuzz-override: ";

/// The overrides a kept input states (see [`OVERRIDE_LINE`]).
pub fn overrides_in(text: &str) -> Vec<Override> {
    text.lines()
        .filter_map(|line| line.strip_prefix(OVERRIDE_LINE))
        .filter_map(|o| o.split_once(" = "))
        .map(|(path, value)| Override { path: path.to_owned(), value: value.to_owned() })
        .collect()
}

/// The embedded catalog, parsed once per process.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::embedded)
}

/// A fixed "today", so that a crash replays the same way on any day.
pub fn today() -> Date {
    Date::new(2026, 11, 29).unwrap_or_else(|e| panic!("a valid date: {e:?}"))
}

/// Parses and validates `text` with `overrides`; the scenario when it is
/// valid. Panics when an invariant of the diagnostics does not hold.
pub fn load(text: &str, overrides: &[Override]) -> Option<Scenario> {
    let options = LoadOptions { catalog: catalog(), today: today(), overrides };
    match costintent_scenario::load_str("fuzz.toml", text, &options) {
        Ok(checked) => {
            for warning in &checked.warnings {
                assert_eq!(warning.severity, Severity::Warning, "{warning:?}");
                check_place(warning, text);
                let _ = warning.render_plain();
            }
            assert!(!checked.scenario.workloads.is_empty(), "a valid scenario has workloads");
            Some(checked.scenario)
        }
        Err(diagnostics) => {
            assert!(!diagnostics.errors.is_empty(), "a rejection always says why");
            for error in &diagnostics.errors {
                assert_eq!(error.severity, Severity::Error, "{error:?}");
                assert!(
                    !error.message.starts_with("internal error"),
                    "the parser rejected the file without a reason: {error:?}"
                );
                check_place(error, text);
                // Without overrides, every error is about a place in the file.
                assert!(
                    !overrides.is_empty() || error.location.is_some(),
                    "an error without a line and column: {error:?}"
                );
            }
            let _ = diagnostics.render_plain();
            let _ = diagnostics.render(true);
            None
        }
    }
}

/// A diagnostic's place is inside the text, on character boundaries, and
/// its line and column are the span's.
fn check_place(diagnostic: &Diagnostic, text: &str) {
    let Some(location) = &diagnostic.location else { return };
    let span = &location.span;
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a text of {} bytes: {diagnostic:?}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character: {diagnostic:?}"
    );
    let line = text[..span.start].matches('\n').count() + 1;
    assert_eq!(location.line, line, "line of {diagnostic:?}");
    assert!(location.column >= 1, "column of {diagnostic:?}");
}
