//! The costintent scenario language and pricing catalog.
//!
//! This is the only crate that knows the file format. It turns a scenario
//! file into a validated [`Scenario`] whose invariants hold (rates in [0, 1],
//! p90 ≥ median, every model priced, durations positive), or into
//! [`Diagnostics`] that point at file, line and column with a suggestion.
//! The dated pricing catalog, with a source for every price, is embedded
//! here too.
//!
//! The crate never touches the file system or the clock: the caller reads
//! the file (the CLI does, with size and type limits) and passes its text, a
//! name for messages, and the day that counts as today.
//!
//! ```no_run
//! use costintent_scenario::{Catalog, Date, LoadOptions};
//!
//! let catalog = Catalog::embedded();
//! let today = Date::new(2026, 11, 29).expect("a valid date");
//! let options = LoadOptions { catalog: &catalog, today, overrides: &[] };
//! let text = "[scenario]\nname = \"demo\"\nperiod = \"30d\"\n";
//! match costintent_scenario::load_str("demo.toml", text, &options) {
//!     Ok(checked) => println!("{} workloads", checked.scenario.workloads.len()),
//!     Err(diagnostics) => eprintln!("{}", diagnostics.render_plain()),
//! }
//! ```

mod assumptions;
pub mod catalog;
pub mod convert;
pub mod date;
pub mod diagnostics;
pub mod edit;
pub mod limits;
pub mod model;
mod parse;
pub mod prices;
mod rescale;
pub use parse::schema;
pub mod text;
mod uncertain;

pub use assumptions::{RequestAssumption, Scaled};
pub use catalog::Catalog;
pub use date::Date;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use model::*;
pub use prices::*;
pub use uncertain::UncertainParameter;

/// What loading a scenario needs besides the text.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions<'a> {
    /// Where `model` ids are looked up (the embedded catalog, possibly with a
    /// user catalog laid over it).
    pub catalog: &'a Catalog,
    /// The default for `scenario.prices`, and the day warnings compare against.
    pub today: Date,
    /// `--vary`-style overrides applied to the file's values before
    /// validation, as if the file said so (empty for a plain load).
    pub overrides: &'a [Override],
}

/// A value set from outside the file: `agent.failures.rate=0.05` sets
/// `failures.rate` of the workload named `agent`; `scenario.budget=3000` sets
/// a `[scenario]` key. The value is TOML (`0.05`, `"openai/gpt-5"`,
/// `{ dist = "poisson", mean = 3 }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// `scenario` or a workload name, then the dotted key path.
    pub path: String,
    /// A TOML value.
    pub value: String,
}

/// A scenario that passed validation, with the warnings `check` prints.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Things that are allowed but probably not meant (a retired model, a
    /// price date in the future, a cache without a cache price).
    pub warnings: Vec<Diagnostic>,
}

/// Validates scenario text; `name` is the file name used in messages.
pub fn load_str(name: &str, text: &str, options: &LoadOptions<'_>) -> Result<Checked, Diagnostics> {
    parse::parse(name, text, options)
}
