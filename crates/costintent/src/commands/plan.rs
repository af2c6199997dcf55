//! `costintent plan`: the small prepaid test before scaling, derived from
//! the scenario itself (`costintent_analysis::plan` makes the runs).

use costintent_report::pretty_json;

use super::{CliRunner, ScenarioText};
use crate::cli::{PlanArgs, TextOrJson};
use crate::error::CliError;
use crate::output::print_stdout;

pub(crate) fn plan(args: &PlanArgs) -> Result<(), CliError> {
    if args.steps.is_empty() || args.steps.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
        return Err(CliError::input_with_help(
            "--steps must be positive percentages",
            "for example --steps 1,10,100",
        ));
    }
    let catalog = super::load_catalog(args.sim.catalog.as_deref())?;
    let settings = super::settings(&args.sim)?;
    let file = ScenarioText::read(&args.scenario)?;
    let plan = costintent_analysis::plan(
        &file.source(&catalog),
        &settings,
        &args.steps,
        &mut CliRunner::new(args.sim.quiet),
    )?;
    match args.format {
        TextOrJson::Json => print_stdout(&pretty_json(&plan.to_json())),
        TextOrJson::Text => print_stdout(&plan.render_text()),
    }
}
