//! `costintent catalog`: list and show prices, import LiteLLM's price file.

use std::fmt::Write as _;

use costintent_report::format::unit_price;
use std::collections::BTreeSet;

use costintent_scenario::catalog::{ListFilter, LookupError, ModelView, Status, UnitFamily};
use costintent_scenario::{Catalog, Date, PriceLine};

use crate::cli::{
    CatalogArgs, CatalogCommand, ImportArgs, ImportSource, ListArgs, ShowArgs, TextOrJson,
};
use crate::error::CliError;
use crate::files::{Destination, Input, file_destination, read_text, write_file};
use crate::output::{print_stderr, print_stdout};
use costintent_report::pretty_json;

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
    let date = parse_date(args.date.as_deref())?.unwrap_or_else(crate::clock::today);
    let unit = args
        .unit
        .as_deref()
        .map(|u| u.parse::<UnitFamily>().map_err(CliError::input))
        .transpose()?;
    let filter = ListFilter { provider: args.provider.clone(), unit, date: Some(date) };
    let rows = catalog.list(&filter);
    if rows.is_empty() {
        return Err(nothing_listed(&catalog, &filter, date));
    }
    match args.format {
        TextOrJson::Json => {
            let listed: Vec<ListedPrice<'_>> = rows
                .iter()
                .map(|r| ListedPrice { line: &r.line, model: &r.model, status: r.status.name() })
                .collect();
            let json = serde_json::to_value(&listed)
                .map_err(|e| CliError::runtime(format!("catalog list: {e}")))?;
            print_stdout(&pretty_json(&json))
        }
        TextOrJson::Text => {
            let mut out = format!("prices in effect on {date} (USD; tokens per 1M)\n");
            let mut current = "";
            for r in &rows {
                if r.model != current {
                    current = &r.model;
                    let status = match r.retired_on {
                        Some(day) if r.status == Status::Retired => {
                            format!("retired {day}; last prices")
                        }
                        _ => r.status.name().to_owned(),
                    };
                    let _ = writeln!(out, "\n{}  [{status}]", r.model);
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

/// One price of `catalog list --format json`: the price line's keys, then
/// its model and status.
#[derive(serde::Serialize)]
struct ListedPrice<'a> {
    #[serde(flatten)]
    line: &'a PriceLine,
    model: &'a str,
    status: &'a str,
}

fn show(args: &ShowArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.catalog.as_deref())?;
    let date = parse_date(args.date.as_deref())?;
    let view = catalog
        .model_view(&args.model, date)
        .map_err(|e| lookup_error(&catalog, &args.model, &e))?;
    match args.format {
        TextOrJson::Json => {
            let json = serde_json::to_value(&view)
                .map_err(|e| CliError::runtime(format!("catalog view: {e}")))?;
            print_stdout(&pretty_json(&json))
        }
        TextOrJson::Text => print_stdout(&show_text(&view)),
    }
}

/// Why `catalog list` has nothing to show, in words that are true: an
/// unknown provider, a provider with no model priced that day (and when its
/// first price starts), or a unit filter that matches none of its prices.
fn nothing_listed(catalog: &Catalog, filter: &ListFilter, date: Date) -> CliError {
    let providers: BTreeSet<&str> =
        catalog.model_ids().into_iter().filter_map(|id| id.split('/').next()).collect();
    let all = providers.iter().copied().collect::<Vec<_>>().join(", ");
    let wanted = filter.provider.as_deref();
    if let Some(p) = wanted
        && !providers.iter().any(|k| k.eq_ignore_ascii_case(p))
    {
        return CliError::input_with_help(
            format!("no provider `{p}` in the catalog"),
            format!("providers: {all}"),
        );
    }
    let of_provider = |id: &str| {
        wanted.is_none_or(|p| id.split('/').next().is_some_and(|k| k.eq_ignore_ascii_case(p)))
    };
    let who = wanted.map_or_else(|| "model".to_owned(), |p| format!("`{p}` model"));
    let priced_then =
        catalog.entries().filter(|e| of_provider(&e.id)).any(|e| e.effective_date(date).is_some());
    if !priced_then {
        let earliest = catalog
            .entries()
            .filter(|e| of_provider(&e.id))
            .filter_map(|e| e.first_valid_from().map(|d| (d, e.id.clone())))
            .min();
        let help = match earliest {
            Some((day, id)) if day > date => format!(
                "the earliest price in the catalog is {id}'s, from {day}: try --date {day} or later"
            ),
            _ => format!("try another --date; providers: {all}"),
        };
        return CliError::input_with_help(format!("no {who} was priced on {date}"), help);
    }
    let unit = filter.unit.map_or_else(String::new, |u| format!(" in unit family `{u}`"));
    CliError::input_with_help(
        format!("no {who} has a price{unit} on {date}"),
        "drop --unit to see every price of that day",
    )
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
        LookupError::NotPricedOn { first: Some(first), documented: true, .. } => {
            CliError::input_with_help(
                format!("model `{id}`: {err}"),
                format!(
                    "price it in a scenario's `[models.\"{id}\"]` table, or ask for --date {first} or later"
                ),
            )
        }
        LookupError::NotPricedOn { .. } => CliError::input(format!("model `{id}`: {err}")),
    }
}

/// `catalog show` as text: the model, one line per price with its dates and
/// source, then each rule in words.
fn show_text(view: &ModelView) -> String {
    let mut out = String::new();
    let what = match view.date {
        Some(d) => format!("prices in effect on {d}"),
        None => "price history".to_owned(),
    };
    let _ = writeln!(out, "{} ({}, {}): {what}", view.model, view.name, view.kind);
    if let Some(priced_as) = &view.priced_as {
        let _ = writeln!(out, "  priced as {priced_as}");
    }
    let mut status = format!("  status: {}", view.status);
    if let Some(retired) = view.rules.retired_on {
        let after = if view.rules.after_retirement == "routed" {
            " (then served by the successor at its prices)"
        } else {
            " (then requests are rejected)"
        };
        let _ = write!(status, "; retires on {retired}{after}");
    }
    if let Some(successor) = &view.rules.successor {
        let _ = write!(status, "; successor {successor}");
    }
    let _ = writeln!(out, "{status}");
    if let Some(day) = view.prices_of {
        let _ = writeln!(out, "  (retired: these are its last prices, of {day})");
    }
    if let Some(tokenizer) = &view.tokenizer {
        let _ = writeln!(out, "  tokenizer: {tokenizer}");
    }
    for p in &view.prices {
        let variant =
            if p.variant.is_empty() { String::new() } else { format!(" [{}]", p.variant) };
        let credits = p.credits.map(|c| format!(" ({c} credits)")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}{variant}: {}{credits} per {}, {}\n    source: {}",
            p.unit,
            unit_price(p.usd),
            p.per,
            dates(p.valid_from, p.valid_until, p.start.is_some()),
            p.source
        );
        if let Some(note) = &p.note {
            let _ = writeln!(out, "    note: {note}");
        }
    }
    let rules = &view.rules;
    for r in &rules.long_context {
        let rule = match (r.mode, r.input_per_mtok, r.output_per_mtok) {
            ("tier", Some(input), Some(output)) => {
                let mut text = format!(
                    "above {} prompt tokens the whole request is billed at {} input, {} output",
                    r.above,
                    unit_price(input),
                    unit_price(output)
                );
                for (name, price) in [
                    ("cache read", r.cache_read_per_mtok),
                    ("5-minute cache write", r.cache_write_5m_per_mtok),
                    ("1-hour cache write", r.cache_write_1h_per_mtok),
                ] {
                    if let Some(price) = price {
                        let _ = write!(text, ", {} {name}", unit_price(price));
                    }
                }
                text.push_str(" per 1M tokens");
                text
            }
            _ => format!(
                "prompts above {} tokens are rejected by the provider (an error, not billed)",
                r.above
            ),
        };
        let _ = writeln!(
            out,
            "  long context: {rule}, {}\n    source: {}",
            dates(r.valid_from, r.valid_until, false),
            r.source
        );
    }
    for b in &rules.batch_discount {
        let _ = writeln!(
            out,
            "  batch: {}% off {}, {}\n    source: {}",
            b.share * 100.0,
            b.applies_to,
            dates(b.valid_from, b.valid_until, b.start.is_some()),
            b.source
        );
    }
    if let (Some(usd), Some(source)) = (rules.currency.usd_per_credit, &rules.currency.source) {
        let _ =
            writeln!(out, "  currency: credits at {} each\n    source: {source}", unit_price(usd));
    }
    if let Some(a) = &rules.audio {
        let _ = writeln!(
            out,
            "  audio: {} tokens per minute of user audio, {} per minute of assistant audio\n    source: {}",
            a.input_tokens_per_minute, a.output_tokens_per_minute, a.source
        );
    }
    if let Some(note) = &view.note {
        let _ = writeln!(out, "  note: {note}");
    }
    out
}

/// `from 2026-01-01 until 2026-03-12`, with the provenance of the start.
fn dates(from: Option<Date>, until: Option<Date>, documented: bool) -> String {
    let from = match from {
        Some(d) if documented => format!("documented from {d} (may be older)"),
        Some(d) => format!("from {d}"),
        None => "undated".to_owned(),
    };
    let until = until.map(|u| format!(" until {u}")).unwrap_or_default();
    format!("{from}{until}")
}

fn import(args: &ImportArgs) -> Result<(), CliError> {
    if let Some(out) = &args.out {
        // Refused whatever --force says: a link, a device, a FIFO, a folder.
        if file_destination(out)? == Destination::File && !args.force {
            return Err(CliError::input_with_help(
                format!("{} already exists", out.display()),
                "pass --force to overwrite it",
            ));
        }
    }
    let read = parse_date(args.read.as_deref())
        .map_err(|_| {
            CliError::input_with_help("--read: not a date", "for example --read 2026-11-29")
        })?
        .unwrap_or_else(crate::clock::today);
    let name = args.file.display().to_string();
    let text = read_text(&args.file, Input::PRICE_FILE)?;
    let imported = match args.source {
        ImportSource::Litellm => Catalog::import_litellm(&text, &name, Some(read)),
        ImportSource::GenaiPrices => Catalog::import_genai_prices(&text, &name, Some(read)),
    };
    let (catalog, report) = imported.map_err(|e| CliError::input(e.to_string()))?;
    let toml = catalog.to_toml_string();
    let mut summary = report.to_string();
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
