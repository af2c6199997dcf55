//! From scenario text to a validated [`Scenario`], or to every error in it.
//!
//! The file is parsed with spans by `toml`, command-line overrides are laid
//! over the tree, and the tree is walked by hand against an explicit key
//! schema per table. Each read reports its own problem and returns `None`, so
//! one pass finds every error of the file; nothing is assembled unless no
//! error was found.
//!
//! Modules: `ctx` (the diagnostic sink and did-you-mean), `table` (typed
//! reads), `values` (numbers, distributions, volumes), `scenario`
//! (`[scenario]` and wallets), `models` (`[models]` and model resolution),
//! `workload` (each workload kind), `overrides`; `schema` generates the
//! JSON Schema of the format from the key tables the others check against.

mod ctx;
mod models;
mod overrides;
mod period;
mod pricing;
mod scenario;
pub mod schema;
mod table;
mod values;
mod workload;

use std::sync::Arc;

use toml::de::DeTable;

use self::ctx::{Annotate as _, Ctx};
use self::models::{Pricing, ScenarioModels};
use self::table::Table;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile};
use crate::model::Scenario;
use crate::{Checked, LoadOptions};

/// The top-level keys of a scenario file.
const TOP_KEYS: &[&str] = &["scenario", "workload", "wallet", "models"];

/// Parses and validates scenario text; `name` is the file name used in messages.
pub(crate) fn parse(
    name: &str,
    text: &str,
    options: &LoadOptions<'_>,
) -> Result<Checked, Diagnostics> {
    let source = Arc::new(SourceFile::new(name, text));
    let mut ctx = Ctx::new(Arc::clone(&source));
    let scenario = match DeTable::parse(text) {
        Ok(root) => {
            let mut root = root.into_inner();
            overrides::apply(&mut ctx, &mut root, options.overrides);
            for found in crate::text::unsafe_strings(&root) {
                ctx.error(found.span.clone(), found.message()).label("control character").help(
                    "remove it: escape sequences and NUL bytes would reach terminals and reports",
                );
            }
            scenario(&mut ctx, &root, options, name)
        }
        Err(err) => {
            toml_error(&mut ctx, &err);
            None
        }
    };
    let had_errors = ctx.error_count() > 0;
    let (mut errors, warnings) = ctx.finish();
    match scenario {
        Some(scenario) if !had_errors => Ok(Checked { scenario, warnings }),
        _ => {
            if errors.is_empty() {
                // Every failed read reports an error, so this is a bug; still
                // never return an empty error list.
                errors.push(Diagnostic::error(
                    &source,
                    None,
                    "internal error: the scenario was rejected without a reason",
                ));
            }
            Err(Diagnostics { file: name.to_owned(), source, errors })
        }
    }
}

/// A malformed file: one diagnostic at the parser's span.
fn toml_error(ctx: &mut Ctx, err: &toml::de::Error) {
    let mut lines = err.message().lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid TOML");
    let rest: Vec<&str> = lines.collect();
    let message = format!("invalid TOML: {}", lowercase_first(first));
    let diagnostic = match err.span() {
        Some(span) => ctx.error(span, message),
        None => ctx.error_unlocated(message),
    };
    diagnostic.label("here");
    if !rest.is_empty() {
        diagnostic.help(rest.join("; "));
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

fn scenario(
    ctx: &mut Ctx,
    root: &DeTable<'_>,
    options: &LoadOptions<'_>,
    file: &str,
) -> Option<Scenario> {
    let top = Table::new(root, 0..0);
    top.check_keys(ctx, TOP_KEYS, "the scenario file", &|key| {
        if scenario::is_scenario_key(key) {
            Some(format!("`{key}` belongs in the `[scenario]` table"))
        } else if workload::is_workload_key(key) {
            Some(format!("`{key}` belongs in a `[[workload]]`"))
        } else {
            None
        }
    });
    let Some(settings_node) = top.get("scenario") else {
        ctx.error(0..0, "missing `[scenario]` table")
            .label("expected `[scenario]`")
            .help("start the file with `[scenario]`, `name = \"…\"` and `period = \"30d\"`");
        // Still check the rest of the file so every error shows at once.
        let today = options.today;
        return rest_of_file(ctx, root, options, file, None, Some(today)).and(None);
    };
    let settings = scenario::settings(ctx, settings_node, options.today, options.catalog);
    let period_seconds = settings.period.as_ref().map(|p| p.seconds);
    let prices_date = settings.prices_date;
    let (workloads, wallets) = rest_of_file(ctx, root, options, file, period_seconds, prices_date)?;
    Some(Scenario {
        name: settings.name?,
        period: settings.period?,
        trials: settings.trials?,
        seed: settings.seed?,
        prices_date: settings.prices_date?,
        budget: settings.budget?,
        workloads,
        wallets,
    })
}

/// Models, wallets and workloads, with the warnings about unused ones.
fn rest_of_file(
    ctx: &mut Ctx,
    root: &DeTable<'_>,
    options: &LoadOptions<'_>,
    file: &str,
    period_seconds: Option<f64>,
    date: Option<crate::Date>,
) -> Option<(Vec<crate::model::Workload>, Vec<crate::model::Wallet>)> {
    let pricing = Pricing { catalog: options.catalog, date, file };
    let mut models =
        root.get("models").map(|n| ScenarioModels::parse(ctx, n, pricing)).unwrap_or_default();
    let wallets = root
        .get("wallet")
        .map(|n| scenario::wallets(ctx, n, options.catalog, date))
        .unwrap_or_default();
    let mut env = workload::Env {
        period_seconds,
        wallet_names: &wallets.names,
        wallet_used: vec![false; wallets.names.len()],
        pricing,
        models: &mut models,
    };
    let workloads = match root.get("workload") {
        Some(node) => workload::workloads(ctx, node, &mut env),
        None => {
            ctx.error(0..0, "the scenario has no workloads")
                .label("no `[[workload]]`")
                .help("add a `[[workload]]` table with `name`, `kind` and `model`");
            None
        }
    };
    let wallet_used = std::mem::take(&mut env.wallet_used);
    models.warn_unused(ctx);
    for ((name, span), used) in wallets.names.iter().zip(wallet_used) {
        if !used && workloads.is_some() {
            ctx.warning(span.clone(), format!("wallet \"{name}\" is not used by any workload"))
                .label("unused wallet")
                .help(format!("set `via = \"{name}\"` in the workloads that pay from it"));
        }
    }
    let mut wallets: Vec<_> = wallets
        .wallets
        .into_iter()
        .zip(wallets.credit_usd_given)
        .map(|(w, given)| w.map(|w| (w, given)))
        .collect::<Option<_>>()?;
    let workloads = workloads?;
    credit_price_from_models(&mut wallets, &workloads);
    Some((workloads, wallets.into_iter().map(|(w, _)| w).collect()))
}

/// A wallet that does not state `credit_usd` buys credits at the list price
/// of the credit-priced models that pay through it (Runway: $0.01), not at
/// the default of $1, which would bill such a model 100 times over.
fn credit_price_from_models(
    wallets: &mut [(crate::model::Wallet, bool)],
    workloads: &[crate::model::Workload],
) {
    for (index, (wallet, given)) in wallets.iter_mut().enumerate() {
        if *given {
            continue;
        }
        let listed = workloads.iter().filter(|w| w.via == Some(index)).find_map(|w| {
            match w.price.currency {
                crate::prices::Currency::Credits { usd_per_credit } => Some(usd_per_credit),
                crate::prices::Currency::Usd => None,
            }
        });
        if let Some(usd_per_credit) = listed {
            wallet.credit_usd = usd_per_credit;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::date::Date;

    fn check(text: &str) -> Result<Checked, Diagnostics> {
        let catalog = Catalog::embedded();
        let today = Date::new(2026, 11, 25).expect("valid date");
        parse("t.toml", text, &LoadOptions { catalog: &catalog, today, overrides: &[] })
    }

    fn errors(text: &str) -> Vec<String> {
        match check(text) {
            Ok(_) => panic!("should be rejected:\n{text}"),
            Err(d) => d.errors.into_iter().map(|e| e.message).collect(),
        }
    }

    const MODEL: &str = "[models.\"a/b\"]\ninput_per_mtok = 1\noutput_per_mtok = 2\n";

    fn with_workload(scenario: &str, workload: &str) -> String {
        format!(
            "[scenario]\n{scenario}\n[[workload]]\nname = \"w\"\nkind = \"requests\"\nmodel = \"a/b\"\n{workload}\n{MODEL}"
        )
    }

    const REQUESTS: &str = "requests = 10\ninput = 100\noutput = 10\n";

    #[test]
    fn an_empty_file_needs_a_scenario_and_a_workload() {
        assert_eq!(errors(""), ["missing `[scenario]` table", "the scenario has no workloads"]);
    }

    #[test]
    fn a_duplicate_key_is_a_located_toml_error() {
        let d = check("[scenario]\nname = \"a\"\nname = \"b\"\n").expect_err("duplicate key");
        assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
        assert!(
            d.errors[0].message.starts_with("invalid TOML: duplicate key"),
            "{}",
            d.errors[0].message
        );
        assert_eq!(d.errors[0].line(), Some(3));
    }

    #[test]
    fn defaults_fill_the_optional_scenario_keys() {
        let checked =
            check(&with_workload("name = \"x\"\nperiod = 3600", REQUESTS)).expect("valid");
        let s = checked.scenario;
        assert_eq!((s.trials, s.seed, s.budget), (None, 42, None));
        assert_eq!(s.prices_date.to_string(), "2026-11-25", "today");
        assert_eq!((s.period.seconds, s.period.text.as_str()), (3600.0, "3600s"));
        let w = &s.workloads[0];
        assert_eq!(w.failures.rate.fixed(), Some(0.0));
        assert_eq!(w.failures.billed, crate::model::Billed::None);
    }

    #[test]
    fn scenario_keys_are_checked() {
        let found = errors(&with_workload(
            "name = \"\"\nperiod = \"0s\"\ntrials = 1.5\nseed = -1\nprices = 2026-11-01T10:00:00\n",
            REQUESTS,
        ));
        assert_eq!(
            found,
            [
                "`name` must not be empty",
                "`period` must be longer than 0",
                "`trials` must be a whole number, not 1.5",
                "`seed` must not be negative (got -1)",
                "`prices` is not a valid date: a price date is a day without a time, such as 2026-11-01",
            ]
        );
        let found = errors(&with_workload(
            "name = \"x\"\nperiod = \"1d\"\nprices = \"2026-02-30\"",
            REQUESTS,
        ));
        assert_eq!(
            found,
            ["`prices` is not a valid date: day 30 does not exist in 2026-02 (it has 28 days)"]
        );
    }

    #[test]
    fn a_single_workload_table_asks_for_double_brackets() {
        let found = errors("[scenario]\nname = \"x\"\nperiod = \"1d\"\n[workload]\nname = \"w\"\n");
        assert_eq!(found, ["`workload` must be an array of tables"]);
    }

    #[test]
    fn wallets_are_checked() {
        let text = format!(
            "{}\n[[wallet]]\nname = \"w1\"\npreset = \"no-such-preset\"\ntopup = 10\n[[wallet]]\nname = \"w2\"\ntopup = 0\nusage_fee_percent = -1\n[[wallet]]\nname = \"w3\"\n",
            with_workload("name = \"x\"\nperiod = \"1d\"", REQUESTS)
        );
        let found = errors(&text);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("unknown wallet preset `no-such-preset`"));
        assert_eq!(found[1], "`topup` must be greater than 0 (got 0)");
        assert_eq!(found[2], "`usage_fee_percent` is a percentage between 0 and 100 (got -1)");
        assert_eq!(found[3], "missing key `topup` in wallet \"w3\"");
    }

    #[test]
    fn top_level_typos_are_caught() {
        let text =
            with_workload("name = \"x\"\nperiod = \"1d\"", REQUESTS).replace("[models.", "[model.");
        let d = check(&text).expect_err("`model` is not a top-level table");
        let e = d
            .errors
            .iter()
            .find(|e| e.message.starts_with("unknown key `model`"))
            .expect("reported");
        assert_eq!(e.help.as_deref(), Some("did you mean `models`?"));
    }

    #[test]
    fn keys_of_other_kinds_are_explained() {
        let found = check(&with_workload(
            "name = \"x\"\nperiod = \"1d\"",
            "requests = 1\ninput = 1\noutput = 1\nturns = 3",
        ))
        .expect_err("turns is an agent key");
        assert_eq!(found.errors.len(), 1);
        assert_eq!(
            found.errors[0].help.as_deref(),
            Some("`turns` is a key of agent workloads, not of requests ones")
        );
    }

    #[test]
    fn nested_distributions_are_checked_at_every_level() {
        let found = errors(&with_workload(
            "name = \"x\"\nperiod = \"1d\"",
            "requests = { per = \"day\", mean = { dist = \"normal\", mean = 10, sd = 3 } }\ninput = { dist = \"lognormal\", median = { dist = \"gamma\", mean = 100, sd = -1 }, p90 = 500 }\noutput = { dist = \"choice\", values = [1, 2], weights = [1] }\n",
        ));
        assert_eq!(
            found,
            [
                "`mean` is drawn from a `normal` that can produce values outside [0, ∞)",
                "`sd` must be greater than 0 (got -1)",
                "1 weights for 2 values",
            ]
        );
    }

    #[test]
    fn a_misspelled_volume_key_is_reported_once() {
        let workload = "requests = { pre = \"day\", mean = 5 }\ninput = 1\noutput = 1";
        let d = check(&with_workload("name = \"x\"\nperiod = \"1d\"", workload)).expect_err("typo");
        assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
        assert_eq!(d.errors[0].message, "unknown key `pre` in `requests`");
        assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `per`?"));
    }

    #[test]
    fn batch_mode_needs_a_batch_price() {
        let found = errors(&with_workload(
            "name = \"x\"\nperiod = \"1d\"",
            &format!("{REQUESTS}mode = \"batch\""),
        ));
        assert_eq!(found, ["model `a/b` has no batch price"]);
    }

    #[test]
    fn a_timeout_and_a_client_timeout_conflict() {
        let text = "[scenario]\nname = \"x\"\nperiod = \"1d\"\n[[workload]]\nname = \"v\"\nkind = \"video\"\nmodel = \"a/v\"\nrequests = 1\nseconds = 4\nresolution = \"720p\"\ntimeout = { after = \"1m\", latency = \"30s\" }\nclient_timeout = \"2m\"\nduration = \"1m\"\n[models.\"a/v\"]\nper_video_second = 0.1\n";
        assert_eq!(errors(text), ["give `timeout` or `client_timeout` with `duration`, not both"]);
        let polled = text.replace("timeout = { after = \"1m\", latency = \"30s\" }\nclient_timeout = \"2m\"\nduration = \"1m\"\n", "poll = { every = \"5s\" }\n");
        assert_eq!(
            errors(&polled),
            ["`poll` needs a job `duration` to know how many polls a job takes"]
        );
        let waited = polled.replace(
            "poll = { every = \"5s\" }\n",
            "poll = { every = \"5s\" }\nduration = \"1m\"\n",
        );
        let checked = check(&waited).expect("a duration without a client timeout is valid");
        let timeout = checked.scenario.workloads[0].timeout.as_ref().expect("job duration kept");
        assert!(timeout.after_seconds.is_infinite());
    }

    /// Every key the tables mark required is reported missing when left
    /// out, and a workload with only the required keys is valid: the
    /// tables say what the parser does (the schema and README follow them).
    #[test]
    fn the_key_tables_say_which_keys_are_required() {
        use super::values::RAMP_KEYS;
        use super::workload::{
            CACHE_KEYS, COMMON_KEYS, CONTEXT_KEYS, FAILURES_KEYS, Need, POLL_KEYS, TIMEOUT_KEYS,
            TOOLS_KEYS, kind_key_table,
        };
        let model = "[models.\"a/b\"]\ninput_per_mtok = 1\noutput_per_mtok = 2\nper_image = 0.01\nper_video_second = 0.1\naudio = { input_per_mtok = 1, output_per_mtok = 2, input_tokens_per_minute = 600, output_tokens_per_minute = 600 }\n";
        let sample = |key: &str| -> &str {
            match key {
                "name" => "\"w\"",
                "model" => "\"a/b\"",
                "requests" => "10",
                "sessions" => "1",
                "turns" | "seconds" | "minutes" | "turns_per_minute" => "2",
                "input" | "output" => "10",
                "context" => "{ start = 0, window = 1000, compact_to = 10 }",
                "size" => "\"1024x1024\"",
                "quality" => "\"low\"",
                "resolution" => "\"720p\"",
                "failures" => "{ rate = 0.1, billed = \"none\" }",
                other => panic!("no sample for required key `{other}`"),
            }
        };
        for kind in ["requests", "agent", "image", "video", "realtime"] {
            let required: Vec<&str> = COMMON_KEYS
                .iter()
                .chain(kind_key_table(kind))
                .filter(|(_, need)| *need == Need::Required)
                .map(|(k, _)| *k)
                .collect();
            let workload = |skip: Option<&str>| {
                let mut text =
                    "[scenario]\nname = \"x\"\nperiod = \"1d\"\n[[workload]]\n".to_owned();
                for key in required.iter().filter(|k| Some(**k) != skip) {
                    let value =
                        if *key == "kind" { format!("\"{kind}\"") } else { sample(key).to_owned() };
                    text.push_str(&format!("{key} = {value}\n"));
                }
                // Optional nested tables carry their own required keys.
                text.push_str("failures = { rate = 0.1, billed = \"none\" }\n");
                format!("{text}{model}")
            };
            if let Err(d) = check(&workload(None)) {
                panic!("{kind} with its required keys only:\n{}", d.render_plain());
            }
            for key in &required {
                let found = errors(&workload(Some(key)));
                assert!(
                    found.iter().any(|m| m.starts_with(&format!("missing key `{key}`"))),
                    "{kind} without `{key}`: {found:?}"
                );
            }
        }
        // Each nested table: its keys, a valid content, and a workload
        // that holds it at `@`.
        let agent = "kind = \"agent\"\nsessions = 1\nturns = 2\ninput = 10\noutput = 10\n";
        let context = "context = { start = 0, window = 1000, compact_to = 10 }\n";
        type KeyTable = &'static [(&'static str, Need)];
        let nested: [(&str, KeyTable, &str, String); 7] = [
            (
                "failures",
                FAILURES_KEYS,
                "rate = 0.1, retries = 1, billed = \"none\"",
                format!("{agent}{context}failures = {{ @ }}\n"),
            ),
            (
                "context",
                CONTEXT_KEYS,
                "start = 0, window = 1000, compact_to = 10",
                format!("{agent}context = {{ @ }}\n"),
            ),
            (
                "timeout",
                TIMEOUT_KEYS,
                "after = \"30s\", latency = 5",
                format!("{agent}{context}timeout = {{ @ }}\n"),
            ),
            ("cache", CACHE_KEYS, "ttl = \"5m\", gap = 10", format!("{agent}{context}cache = {{ @ }}\n")),
            ("tools", TOOLS_KEYS, "calls = 1, output = 100", format!("{agent}{context}tools = {{ @ }}\n")),
            (
                "poll",
                POLL_KEYS,
                "every = \"5s\", cost = 0",
                "kind = \"video\"\nrequests = 10\nseconds = 4\nresolution = \"720p\"\nduration = 60\npoll = { @ }\n"
                    .to_owned(),
            ),
            (
                "ramp",
                RAMP_KEYS,
                "from = 1, to = 2",
                "kind = \"requests\"\nrequests = { per = \"day\", ramp = { @ } }\ninput = 10\noutput = 10\n"
                    .to_owned(),
            ),
        ];
        for (table, keys, valid, holder) in nested {
            let document = |inner: &str| {
                format!(
                    "[scenario]\nname = \"x\"\nperiod = \"7d\"\n[[workload]]\nname = \"w\"\nmodel = \"a/b\"\n{}{model}",
                    holder.replace('@', inner)
                )
            };
            if let Err(d) = check(&document(valid)) {
                panic!("{table} = {{ {valid} }}:\n{}", d.render_plain());
            }
            for (key, need) in keys {
                let without: Vec<&str> =
                    valid.split(", ").filter(|kv| !kv.starts_with(&format!("{key} ="))).collect();
                assert!(without.len() < valid.split(", ").count(), "{table}: no sample of `{key}`");
                let missing = format!("missing key `{key}`");
                match check(&document(&without.join(", "))) {
                    Ok(_) => assert_eq!(*need, Need::Optional, "{table}.{key} is required"),
                    Err(d) => {
                        let found = d.errors.iter().any(|e| e.message.starts_with(&missing));
                        assert_eq!(
                            found,
                            *need == Need::Required,
                            "{table}.{key}: {}",
                            d.render_plain()
                        );
                    }
                }
            }
        }
    }

    /// With `per`, a volume's distribution may grow day by day, so `growth`
    /// (and `ramp`, `daily`, `arrivals`, refused with a reason) are keys of
    /// it; `mean` is not, for a distribution without a mean: it would
    /// otherwise be read as nothing at all.
    #[test]
    fn a_growing_distribution_takes_only_its_own_parameters() {
        let volume = |dist: &str| {
            with_workload(
                "name = \"x\"\nperiod = \"7d\"",
                &format!(
                    "requests = {{ per = \"day\", {dist}, growth = {{ per_week = 0.1 }} }}\ninput = 100\noutput = 10\n"
                ),
            )
        };
        check(&volume("dist = \"negbin\", mean = 60, p90 = 100")).expect("negbin has a mean");
        let found = errors(&volume("dist = \"uniform\", min = 10, max = 20, mean = 9999"));
        assert_eq!(found, ["unknown key `mean` in a `uniform` distribution"]);
        let Err(d) = check(&with_workload(
            "name = \"x\"\nperiod = \"7d\"",
            "requests = { per = \"day\", dist = \"poisson\", mean = 60, grwth = { per_week = 0.1 } }\ninput = 100\noutput = 10\n",
        )) else {
            panic!("a misspelt `growth` is refused");
        };
        let error = &d.errors[0];
        assert_eq!(error.message, "unknown key `grwth` in a `poisson` distribution");
        assert!(error.help.as_deref().is_some_and(|h| h.contains("`growth`")), "{error:?}");
    }

    #[test]
    fn a_custom_model_without_prices_is_an_error() {
        let text = with_workload("name = \"x\"\nperiod = \"1d\"", REQUESTS)
            .replace(MODEL, "[models.\"a/b\"]\n");
        let found = errors(&text);
        assert_eq!(found, ["`[models.\"a/b\"]` sets no price"]);
    }
}
