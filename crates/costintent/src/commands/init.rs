//! `costintent init`: write a commented starter scenario.

use costintent_scenario::Date;

use crate::cli::{InitArgs, Template};
use crate::error::CliError;
use crate::files::{Destination, file_destination, write_file};
use crate::output::print_stderr;

/// The bundled example a template starts from, and its path in the
/// repository (which its comments may name).
fn bundled(template: Template) -> (&'static str, &'static str) {
    match template {
        Template::Agent => {
            (include_str!("../../../../scenarios/coding-agent.toml"), "scenarios/coding-agent.toml")
        }
        Template::Image => (
            include_str!("../../../../scenarios/image-feature.toml"),
            "scenarios/image-feature.toml",
        ),
        Template::Video => (
            include_str!("../../../../scenarios/video-product.toml"),
            "scenarios/video-product.toml",
        ),
        Template::Voice => {
            (include_str!("../../../../scenarios/voice-bot.toml"), "scenarios/voice-bot.toml")
        }
        Template::Batch => {
            (include_str!("../../../../scenarios/batch-job.toml"), "scenarios/batch-job.toml")
        }
        Template::Mixed => {
            (include_str!("../../../../scenarios/mixed.toml"), "scenarios/mixed.toml")
        }
    }
}

/// The starter scenario written to `path` on `today`: the bundled example
/// (so every template is run by the test suite), priced from `today`
/// instead of the example's fixed date, with the commands to check and run
/// the file just written. The `#:schema` line is dropped: a copy elsewhere
/// has no schema beside it.
pub(crate) fn template_text(template: Template, path: &str, today: Date) -> String {
    let (text, own_path) = bundled(template);
    let mut out = String::new();
    let mut header = true;
    for line in text.lines() {
        if line.starts_with("#:schema")
            || line.starts_with("# Run it:")
            || line.starts_with("# Check it:")
        {
            continue;
        }
        if header && !line.starts_with('#') {
            // The end of the leading comment: say how to use this file.
            header = false;
            let commands = format!(
                "#\n# Check it: costintent check {path}\n# Run it:   costintent run {path}\n"
            );
            out.push_str(&commands.replace("#\n#\n", "#\n"));
        }
        if line.starts_with("prices = ") {
            out.push_str(&format!(
                "prices = \"{today}\"     # the first day of the simulated period: the day this file was written\n"
            ));
            continue;
        }
        out.push_str(&line.replace(own_path, path));
        out.push('\n');
    }
    // A comment block that ended in a blank comment line does not get two.
    out.replace("#\n#\n# Check it:", "#\n# Check it:")
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
    let path = args.path.display().to_string();
    let text = template_text(args.template, &path, crate::clock::today());
    write_file(&args.path, text.as_bytes())?;
    print_stderr(&format!(
        "wrote {path}\nnext: costintent check {path} && costintent run {path}\n"
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use costintent_scenario::{Catalog, LoadOptions};

    use super::*;

    const ALL: [Template; 6] = [
        Template::Agent,
        Template::Image,
        Template::Video,
        Template::Voice,
        Template::Batch,
        Template::Mixed,
    ];

    fn today() -> Date {
        Date::new(2026, 11, 29).expect("date")
    }

    #[test]
    fn a_template_names_the_file_just_written_and_is_priced_from_today() {
        for template in ALL {
            let text = template_text(template, "plans/q4.toml", today());
            assert!(text.contains("# Run it:   costintent run plans/q4.toml\n"), "{text}");
            assert!(text.contains("# Check it: costintent check plans/q4.toml\n"), "{text}");
            assert!(!text.contains("scenarios/"), "{template:?} names a bundled file:\n{text}");
            assert!(!text.contains("#:schema"));
            assert!(text.contains("prices = \"2026-11-29\""), "{text}");
            assert!(!text.contains("2026-11-01"), "{template:?} keeps the example's date");
            assert_eq!(text.matches("# Run it:").count(), 1);
            assert!(!text.contains("#\n#\n"), "no doubled blank comment:\n{text}");
        }
    }

    #[test]
    fn the_agent_template_reads_as_written() {
        let text = template_text(Template::Agent, "my-team.toml", today());
        let head: Vec<&str> = text.lines().take(7).collect();
        insta::assert_snapshot!(head.join("\n"));
    }

    /// Every template passes `check` on the day it is written without a
    /// single warning: no model it names retires inside its first period,
    /// so a first run counts no request as rejected for that reason.
    #[test]
    fn every_template_passes_check_on_the_day_it_is_written() {
        let catalog = Catalog::embedded();
        for template in ALL {
            let text = template_text(template, "t.toml", today());
            let options = LoadOptions { catalog: &catalog, today: today(), overrides: &[] };
            let checked = costintent_scenario::load_str("t.toml", &text, &options)
                .unwrap_or_else(|d| panic!("{template:?}:\n{}", d.render_plain()));
            let warnings: Vec<&str> = checked.warnings.iter().map(|w| w.message.as_str()).collect();
            assert!(warnings.is_empty(), "{template:?} warns on {}: {warnings:?}", today());
        }
    }
}
