//! `costintent limits`: the spend limits to set at the provider
//! (`costintent_analysis::limits` makes the runs).

use costintent_report::pretty_json;

use super::{CliRunner, ScenarioText};
use crate::cli::{LimitsArgs, TextOrJson};
use crate::error::CliError;
use crate::output::print_stdout;

pub(crate) fn limits(args: &LimitsArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    let settings = super::settings(&args.sim)?;
    let file = ScenarioText::read(&args.scenario)?;
    let limits = costintent_analysis::limits(
        &file.source(&catalog),
        &settings,
        args.probability,
        &mut CliRunner::new(args.sim.quiet),
    )?;
    match args.format {
        TextOrJson::Json => print_stdout(&pretty_json(&limits.to_json())),
        TextOrJson::Text => print_stdout(&limits.render_text()),
    }
}
