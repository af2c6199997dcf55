//! `costintent init`: write a commented starter scenario.

use crate::cli::{InitArgs, Template};
use crate::error::CliError;
use crate::files::{Destination, file_destination, write_file};
use crate::output::print_stderr;

/// The starter scenarios are the bundled examples themselves, so every
/// template is run by the test suite and always passes `check`.
pub(crate) fn template_text(template: Template) -> &'static str {
    match template {
        Template::Agent => include_str!("../../../../scenarios/coding-agent.toml"),
        Template::Image => include_str!("../../../../scenarios/image-feature.toml"),
        Template::Video => include_str!("../../../../scenarios/video-product.toml"),
        Template::Voice => include_str!("../../../../scenarios/voice-bot.toml"),
        Template::Mixed => include_str!("../../../../scenarios/mixed.toml"),
    }
}

pub(crate) fn init(args: &InitArgs) -> Result<(), CliError> {
    // Refused whatever --force says: a link, a device, a FIFO, a folder.
    let existing = file_destination(&args.path)?;
    if existing == Destination::File && !args.force {
        return Err(CliError::input_with_help(
            format!("{} already exists", args.path.display()),
            "pass --force to overwrite it, or give another path",
        ));
    }
    // The bundled files point editors at the schema next to them; a copy
    // elsewhere has no schema beside it, so drop that line.
    let text: String = template_text(args.template)
        .lines()
        .filter(|line| !line.starts_with("#:schema"))
        .map(|line| format!("{line}\n"))
        .collect();
    write_file(&args.path, text.as_bytes())?;
    print_stderr(&format!(
        "wrote {}\nnext: costintent check {0} && costintent run {0}\n",
        args.path.display()
    ));
    Ok(())
}
