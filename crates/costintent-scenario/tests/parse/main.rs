//! Tests of the scenario parser: valid files and their typed values, every
//! kind of input error with a snapshot of what the user sees, overrides, and
//! robustness against arbitrary text.
//!
//! All scenarios price their models in `[models."acme/…"]` tables, so the
//! results do not depend on the embedded catalog's data.

mod catalog;
mod diagnostics;
mod examples;
mod limits;
mod overrides;
mod periods;
mod properties;

use std::path::PathBuf;

use costintent_scenario::{Catalog, Checked, Date, Diagnostics, LoadOptions, Override};

/// The day the tests pretend it is.
fn today() -> Date {
    Date::new(2026, 11, 25).expect("valid date")
}

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse").join(name)
}

/// The fixture's text, and the name messages show for it.
fn fixture(name: &str) -> (String, String) {
    let text = std::fs::read_to_string(fixture_path(name)).expect("fixture exists");
    (format!("fixtures/parse/{name}"), text)
}

fn load_with(name: &str, overrides: &[Override]) -> Result<Checked, Diagnostics> {
    let (file, text) = fixture(name);
    let catalog = Catalog::embedded();
    let options = LoadOptions { catalog: &catalog, today: today(), overrides };
    costintent_scenario::load_str(&file, &text, &options)
}

fn load(name: &str) -> Result<Checked, Diagnostics> {
    load_with(name, &[])
}

fn load_ok(name: &str) -> Checked {
    match load(name) {
        Ok(checked) => checked,
        Err(d) => panic!("{name} should be valid:\n{}", d.render_plain()),
    }
}

fn load_err(name: &str) -> Diagnostics {
    match load(name) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(d) => d,
    }
}
