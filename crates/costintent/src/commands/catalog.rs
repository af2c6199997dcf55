//! `costintent catalog`: list and show prices, import LiteLLM's price file.

use std::fmt::Write as _;

use costintent_report::format::unit_price;
use costintent_scenario::catalog::{ListFilter, LookupError, UnitFamily};
use costintent_scenario::diagnostics::printable;
use costintent_scenario::{Catalog, Date};
use serde_json::Value;

use crate::cli::{
    CatalogArgs, CatalogCommand, ImportArgs, ImportSource, ListArgs, ShowArgs, TextOrJson,
};
use crate::error::CliError;
use crate::files::{Destination, Input, file_destination, read_text, write_file};
use crate::output::{pretty_json, print_stderr, print_stdout};

pub(crate) fn catalog(args: CatalogArgs) -> Result<(), CliError> {
    match args.command {
        None => list(&args.list),
        Some(CatalogCommand::List(list_args)) => list(&list_args),
        Some(CatalogCommand::Show(show_args)) => show(&show_args),
        Some(CatalogCommand::Import(import_args)) => import(&import_args),
    }
}

fn parse_date(text: Option<&str>) -> Result<Option<Date>, CliError> {
    text.map(|t| {
        t.parse::<Date>().map_err(|e| {
            CliError::input_with_help(format!("--date: {e}"), "for example --date 2026-11-01")
        })
    })
    .transpose()
}

fn list(args: &ListArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.catalog.as_deref())?;
    let date = parse_date(args.date.as_deref())?.unwrap_or_else(Date::today_utc);
    let unit = args
        .unit
        .as_deref()
        .map(|u| u.parse::<UnitFamily>().map_err(CliError::input))
        .transpose()?;
    let filter = ListFilter { provider: args.provider.clone(), unit, date: Some(date) };
    let rows = catalog.list(&filter);
    if rows.is_empty() {
        let providers: std::collections::BTreeSet<&str> =
            catalog.model_ids().into_iter().filter_map(|id| id.split('/').next()).collect();
        return Err(CliError::input_with_help(
            format!("no prices match these filters on {date}"),
            format!("providers: {}", providers.into_iter().collect::<Vec<_>>().join(", ")),
        ));
    }
    match args.format {
        TextOrJson::Json => {
            let json: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let mut line = serde_json::to_value(&r.line).unwrap_or(Value::Null);
                    if let Value::Object(map) = &mut line {
                        map.insert("model".into(), Value::from(r.model.clone()));
                        map.insert("status".into(), Value::from(r.status.name()));
                    }
                    line
                })
                .collect();
            print_stdout(&pretty_json(&Value::Array(json)))
        }
        TextOrJson::Text => {
            let mut out = format!("prices in effect on {date} (USD; tokens per 1M)\n");
            let mut current = "";
            for r in &rows {
                if r.model != current {
                    current = &r.model;
                    let _ = writeln!(out, "\n{}  [{}]", r.model, r.status.name());
                }
                let variant = if r.line.variant.is_empty() {
                    String::new()
                } else {
                    format!("  {}", r.line.variant)
                };
                let credits =
                    r.line.credits.map_or_else(String::new, |c| format!("  ({c} credits)"));
                let _ = writeln!(
                    out,
                    "  {:<26} {:>10}  per {}{variant}{credits}",
                    r.line.unit,
                    unit_price(r.line.usd),
                    r.line.per
                );
            }
            let _ = writeln!(
                out,
                "\n`costintent catalog show <model>` gives each price's source and dates."
            );
            print_stdout(&out)
        }
    }
}

fn show(args: &ShowArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.catalog.as_deref())?;
    let date = parse_date(args.date.as_deref())?;
    let json = catalog
        .model_json(&args.model, date)
        .map_err(|e| lookup_error(&catalog, &args.model, &e))?;
    match args.format {
        TextOrJson::Json => print_stdout(&pretty_json(&json)),
        TextOrJson::Text => print_stdout(&show_text(&json, date)),
    }
}

fn lookup_error(catalog: &Catalog, id: &str, err: &LookupError) -> CliError {
    match err {
        LookupError::UnknownModel { suggestion: Some(s) } => CliError::input_with_help(
            format!("unknown model `{id}`"),
            format!("did you mean `{s}`?"),
        ),
        LookupError::UnknownModel { suggestion: None } => CliError::input_with_help(
            format!("unknown model `{id}`"),
            format!(
                "`costintent catalog list` shows the {} known models; ids look like `provider/model`",
                catalog.model_ids().len()
            ),
        ),
        LookupError::NotPricedOn { .. } => CliError::input(format!("model `{id}`: {err}")),
    }
}

/// The JSON of `catalog show`, as text: one line per price with its dates and
/// source, then the rules.
fn show_text(json: &Value, date: Option<Date>) -> String {
    let mut out = String::new();
    let model = json["model"].as_str().unwrap_or("?");
    match date {
        Some(d) => {
            let _ = writeln!(out, "{model}: prices in effect on {d}");
        }
        None => {
            let _ = writeln!(out, "{model}: price history");
        }
    }
    if let Some(prices) = json["prices"].as_array() {
        for p in prices {
            let unit = p["unit"].as_str().unwrap_or("?");
            let variant = p
                .get("variant")
                .and_then(Value::as_str)
                .map(|v| format!(" [{v}]"))
                .unwrap_or_default();
            let usd = p["usd"].as_f64().map_or_else(|| "?".to_owned(), unit_price);
            let credits = p
                .get("credits")
                .and_then(Value::as_f64)
                .map(|c| format!(" ({c} credits)"))
                .unwrap_or_default();
            let per = p["per"].as_str().unwrap_or("?");
            let from = p["valid_from"]
                .as_str()
                .map_or_else(|| "undated".to_owned(), |d| format!("from {d}"));
            let until =
                p["valid_until"].as_str().map(|u| format!(" until {u}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {unit}{variant}: {usd}{credits} per {per}, {from}{until}\n    source: {}",
                p["source"].as_str().unwrap_or("?")
            );
        }
    }
    if let Some(rules) = json.get("rules").filter(|r| r.as_object().is_some_and(|m| !m.is_empty()))
    {
        let _ = writeln!(out, "rules:\n{}", indent(&pretty_json(rules), "  "));
    }
    out
}

fn import(args: &ImportArgs) -> Result<(), CliError> {
    let ImportSource::Litellm = args.source;
    if let Some(out) = &args.out {
        // Refused whatever --force says: a link, a device, a FIFO, a folder.
        if file_destination(out)? == Destination::File && !args.force {
            return Err(CliError::input_with_help(
                format!("{} already exists", out.display()),
                "pass --force to overwrite it",
            ));
        }
    }
    let name = args.file.display().to_string();
    let text = read_text(&args.file, Input::PRICE_FILE)?;
    let (catalog, report) =
        Catalog::import_litellm(&text, &name).map_err(|e| CliError::input(e.to_string()))?;
    let toml = catalog.to_toml_string();
    let mut summary = format!(
        "imported {} models ({} price lines) from {} entries of {name}\n",
        report.models, report.lines, report.entries
    );
    if !report.skipped.is_empty() {
        let _ = writeln!(summary, "skipped {} entries:", report.skipped.len());
        for (reason, count) in report.skipped_by_reason() {
            let _ = writeln!(summary, "  {count:>5}  {}", printable(reason));
        }
    }
    if !report.dropped_fields.is_empty() {
        let _ =
            writeln!(summary, "price fields not imported (costintent does not model them yet):");
        for (field, count) in &report.dropped_fields {
            // Field names come from the file: print them harmlessly.
            let _ = writeln!(summary, "  {count:>5}  {}", printable(field));
        }
    }
    let _ = writeln!(summary, "LiteLLM has no dates: imported prices apply on any `prices` date.");
    match &args.out {
        Some(out) => {
            write_file(out, toml.as_bytes())?;
            let _ = writeln!(
                summary,
                "wrote {0}; use it with `costintent run <scenario> --catalog {0}`",
                out.display()
            );
            print_stderr(&summary);
            Ok(())
        }
        None => {
            print_stderr(&summary);
            print_stdout(&toml)
        }
    }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}
