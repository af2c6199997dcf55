//! The catalog's dated rules seen through a scenario: rejection limits,
//! documented start dates, routed retirements, tokenizer families, wallet
//! free requests, staleness and price changes inside the simulated period.
//!
//! The catalog here is hand-written (laid over the embedded one) so that
//! each rule is tested on data made for it.

use costintent_scenario::catalog::{Catalog, LookupError, NoTokenRatio, Status};
use costintent_scenario::{
    Checked, Date, Diagnostics, Dist, Draw, LoadOptions, LogNormalParams, Override, Value,
    WorkloadKind,
};

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

const CATALOG: &str = r#"
[sources.test]
title = "Test price page"
read = 2026-10-01

[tokenizers.old]
name = "Old tokenizer"

[tokenizers.new]
name = "New tokenizer"
reference = "old"
ratio = 1.30
source = "test"

[tokenizers.other]
name = "A tokenizer nothing relates"

[[model]]
id = "acme/long"
kind = "text"
status = "deprecated"
tokenizer = "old"
valid_from = 2026-01-01
source = "test"
prices = [
  { unit = "input_token", usd = 3.0 },
  { unit = "output_token", usd = 15.0 },
]
long_context = [
  { above = 200000, input_token = 6.0, output_token = 22.5, valid_until = 2026-04-30 },
  { above = 200000, mode = "reject", valid_from = 2026-05-01 },
]

[[model]]
id = "acme/new"
kind = "text"
tokenizer = "new"
valid_from = 2026-01-01
source = "test"
prices = [
  { unit = "input_token", usd = 2.0, valid_until = 2026-12-09 },
  { unit = "output_token", usd = 10.0, valid_until = 2026-12-09 },
  { unit = "input_token", usd = 2.5, valid_from = 2026-12-10 },
  { unit = "output_token", usd = 12.5, valid_from = 2026-12-10 },
]

[[model]]
id = "acme/alien"
kind = "text"
tokenizer = "other"
valid_from = 2026-01-01
source = "test"
prices = [
  { unit = "input_token", usd = 1.0 },
  { unit = "output_token", usd = 1.0 },
]

[[model]]
id = "acme/routed"
kind = "text"
status = "deprecated"
retired_on = 2026-12-15
successor = "acme/new"
after_retirement = "routed"
tokenizer = "old"
valid_from = 2026-01-01
valid_until = 2026-12-14
source = "test"
prices = [
  { unit = "input_token", usd = 1.0 },
  { unit = "output_token", usd = 5.0 },
]

[[model]]
id = "acme/gone"
kind = "text"
status = "retired"
retired_on = 2026-12-20
successor = "acme/new"
valid_from = 2026-01-01
valid_until = 2026-12-19
source = "test"
prices = [
  { unit = "input_token", usd = 1.0 },
  { unit = "output_token", usd = 5.0 },
]

[[model]]
id = "acme/video"
kind = "video"
valid_from = 2026-07-24
start = "documented"
source = "test"
prices = [
  { unit = "video_second", usd = 0.40 },
]

[[model]]
id = "acme/batchy"
kind = "text"
valid_from = 2026-01-01
source = "test"
prices = [
  { unit = "input_token", usd = 1.0 },
  { unit = "output_token", usd = 2.0 },
  { unit = "cache_read_token", usd = 0.1, valid_from = 2026-09-20, start = "documented" },
]
batch = [
  { share = 0.5, valid_from = 2026-09-20, start = "documented" },
]

[[model]]
id = "acme/ending"
kind = "text"
valid_from = 2026-01-01
valid_until = 2026-12-05
source = "test"
prices = [
  { unit = "input_token", usd = 1.0 },
  { unit = "output_token", usd = 2.0 },
]

[[wallet_preset]]
name = "byok-test"
usage_fee_percent = 5.0
usage_fee_free_requests_per_month = 1000000
usage_fee_free_requests_since = 2025-10-01
source = "test"
"#;

fn catalog() -> Catalog {
    let user = Catalog::from_toml_str("test.toml", CATALOG).unwrap_or_else(|e| panic!("{e}"));
    Catalog::embedded().overlay(&user)
}

fn load_with(text: &str, overrides: &[Override], today: &str) -> Result<Checked, Diagnostics> {
    let catalog = catalog();
    let options = LoadOptions { catalog: &catalog, today: d(today), overrides };
    costintent_scenario::load_str("s.toml", text, &options)
}

fn load(text: &str) -> Checked {
    load_with(text, &[], "2026-11-29").unwrap_or_else(|e| panic!("{}", e.render_plain()))
}

fn warnings(checked: &Checked) -> Vec<String> {
    checked.warnings.iter().map(|w| w.message.clone()).collect()
}

fn requests(model: &str, prices: &str, extra: &str) -> String {
    format!(
        "[scenario]\nname = \"t\"\nprices = \"{prices}\"\n\n[[workload]]\nname = \"w\"\nkind = \"requests\"\nmodel = \"{model}\"\nrequests = 100\ninput = {{ dist = \"lognormal\", median = 20000, p90 = 60000 }}\noutput = 500\n{extra}"
    )
}

fn agent(model: &str, prices: &str, window: u32, extra: &str) -> String {
    format!(
        "[scenario]\nname = \"t\"\nprices = \"{prices}\"\n\n[[workload]]\nname = \"a\"\nkind = \"agent\"\nmodel = \"{model}\"\nsessions = 10\nturns = 20\ninput = 1000\noutput = 200\ncontext = {{ start = 10000, window = {window}, compact_to = 30000 }}\n{extra}"
    )
}

#[test]
fn the_period_defaults_to_30_days() {
    let checked = load(&requests("acme/new", "2026-11-01", ""));
    assert_eq!(checked.scenario.period.seconds, 30.0 * 86_400.0);
    assert_eq!(checked.scenario.period.text, "30d");
}

#[test]
fn a_reject_rule_sets_reject_above_and_ends_the_tier() {
    let c = catalog();
    let april = c.resolve("acme/long", d("2026-04-30")).expect("priced");
    assert_eq!(april.long_context.as_ref().map(|l| l.input_per_mtok), Some(6.0));
    assert_eq!(april.reject_above, None);
    for day in ["2026-05-01", "2026-06-01"] {
        let may = c.resolve("acme/long", d(day)).expect("priced");
        assert_eq!(may.long_context, None, "{day}");
        assert_eq!(may.reject_above, Some(200_000.0), "{day}");
    }
}

#[test]
fn reject_rules_are_checked_in_catalog_files() {
    let bad = CATALOG.replace(
        "{ above = 200000, mode = \"reject\", valid_from = 2026-05-01 }",
        "{ above = 200000, mode = \"reject\", input_token = 1.0, valid_from = 2026-05-01 }",
    );
    let e = Catalog::from_toml_str("bad.toml", &bad).expect_err("priced reject rule");
    assert!(e.message.contains("bills nothing"), "{e}");
    let bad = CATALOG.replace("mode = \"reject\"", "mode = \"refuse\"");
    let e = Catalog::from_toml_str("bad.toml", &bad).expect_err("unknown mode");
    assert!(e.message.contains("unknown long-context mode `refuse`"), "{e}");
    // A tier and a limit may overlap, but the limit must be above the tier.
    let bad = CATALOG.replace(
        "{ above = 200000, mode = \"reject\", valid_from = 2026-05-01 }",
        "{ above = 100000, mode = \"reject\", valid_from = 2026-04-01 }",
    );
    let e = Catalog::from_toml_str("bad.toml", &bad).expect_err("limit below tier");
    assert!(e.message.contains("must be above the tier threshold"), "{e}");
}

#[test]
fn check_warns_when_prompts_can_exceed_the_rejection_limit() {
    // An agent whose window is above the limit.
    let over = load(&agent("acme/long", "2026-06-01", 1_000_000, ""));
    let w = warnings(&over);
    assert!(
        w.iter().any(|m| m.contains("rejects prompts above 200000 tokens")
            && m.contains("window of 1000000")),
        "{w:#?}"
    );
    // Within the limit, or before the rule: no warning.
    assert!(
        !warnings(&load(&agent("acme/long", "2026-06-01", 200_000, "")))
            .iter()
            .any(|m| m.contains("rejects"))
    );
    assert!(
        !warnings(&load(&agent("acme/long", "2026-03-01", 1_000_000, "")))
            .iter()
            .any(|m| m.contains("rejects"))
    );
    // A requests workload whose input reaches the limit at its p99.9:
    // lognormal(median 20k, p90 60k) has p99.9 ≈ 20k·3^(3.09/1.28) ≈ 284k.
    let w = warnings(&load(&requests("acme/long", "2026-06-01", "")));
    let m = w.iter().find(|m| m.contains("rejects prompts")).expect("warned");
    assert!(m.contains("99.9th percentile"), "{m}");
    let small = requests("acme/long", "2026-06-01", "").replace("p90 = 60000", "p90 = 30000");
    assert!(!warnings(&load(&small)).iter().any(|m| m.contains("rejects")));
}

#[test]
fn a_documented_start_gives_a_clear_message_before_it() {
    let c = catalog();
    match c.resolve("acme/video", d("2026-06-01")) {
        Err(e @ LookupError::NotPricedOn { documented: true, .. }) => {
            let text = e.to_string();
            assert!(text.contains("first document its prices on 2026-07-24"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let text = "[scenario]\nname = \"t\"\nprices = \"2026-06-01\"\n[[workload]]\nname = \"v\"\nkind = \"video\"\nmodel = \"acme/video\"\nrequests = 10\nseconds = 8\nresolution = \"720p\"\n";
    let e = load_with(text, &[], "2026-11-29").expect_err("not documented then");
    let err = &e.errors[0];
    assert!(err.message.contains("no documented price on 2026-06-01"), "{}", err.message);
    assert!(err.message.contains("acme/video") && err.message.contains("2026-07-24"));
    let help = err.help.as_deref().unwrap_or("");
    assert!(help.contains("[models.\"acme/video\"]") && help.contains("2026-07-24"), "{help}");
    // A price given in the file prices it.
    let priced = format!("{text}[models.\"acme/video\"]\nper_video_second = 0.5\n");
    assert!(load_with(&priced, &[], "2026-11-29").is_ok());
}

#[test]
fn a_documented_line_is_named_when_missing_on_the_price_date() {
    let w = warnings(&load(&requests("acme/batchy", "2026-08-01", "cached = 0.5\n")));
    assert!(
        w.iter().any(|m| m.contains("no cache_read_token on 2026-08-01")
            && m.contains("first document it on 2026-09-20")),
        "{w:#?}"
    );
    let e =
        load_with(&requests("acme/batchy", "2026-08-01", "mode = \"batch\"\n"), &[], "2026-11-29")
            .expect_err("no batch price then");
    assert!(e.errors.iter().any(|x| x.message.contains("no batch price")));
    let w =
        warnings(&load(&requests("acme/batchy", "2026-10-01", "mode = \"batch\"\ncached = 0.5\n")));
    assert!(!w.iter().any(|m| m.contains("document")), "{w:#?}");
}

#[test]
fn a_routed_retirement_bills_the_successor() {
    let c = catalog();
    let before = c.resolve("acme/routed", d("2026-12-14")).expect("priced");
    assert_eq!((before.input_per_mtok, before.served_by.as_deref()), (Some(1.0), None));
    for day in ["2026-12-15", "2027-02-01"] {
        let after = c.resolve("acme/routed", d(day)).expect("priced");
        assert_eq!(after.id, "acme/routed");
        assert_eq!(after.served_by.as_deref(), Some("acme/new"));
        assert_eq!(after.input_per_mtok, Some(2.5), "the successor's price on {day}");
        assert_eq!(after.retired_on, Some(d("2026-12-15")));
    }
    let w = warnings(&load(&requests("acme/routed", "2027-01-01", "")));
    assert!(
        w.iter().any(|m| m.contains("`acme/routed` was retired on 2026-12-15")
            && m.contains("served by `acme/new`")),
        "{w:#?}"
    );
    // A rejected retirement keeps the last prices, and says requests fail.
    let gone = c.resolve("acme/gone", d("2027-01-01")).expect("last prices");
    assert_eq!((gone.input_per_mtok, gone.served_by), (Some(1.0), None));
    let w = warnings(&load(&requests("acme/gone", "2027-01-01", "")));
    assert!(w.iter().any(|m| m.contains("rejects its requests")), "{w:#?}");
    let e = Catalog::from_toml_str(
        "bad.toml",
        &CATALOG.replace("successor = \"acme/new\"\nafter_retirement", "after_retirement"),
    )
    .expect_err("routed without successor");
    assert!(e.message.contains("needs the `successor`"), "{e}");
}

#[test]
fn changes_inside_the_period_are_resolved_and_warned() {
    // Period 2026-12-01 – 2026-12-30: acme/routed changes prices on 12-10
    // (its successor's change does not count before routing) and is
    // routed from 12-15; acme/new's own change on 12-10.
    let checked = load(&requests("acme/routed", "2026-12-01", ""));
    let w = &checked.scenario.workloads[0];
    let days: Vec<String> = w.price_changes.iter().map(|c| c.date.to_string()).collect();
    assert_eq!(days, ["2026-12-15"]);
    let change = &w.price_changes[0];
    assert_eq!(change.at_seconds, 14.0 * 86_400.0);
    assert_eq!(change.price.served_by.as_deref(), Some("acme/new"));
    assert_eq!(change.price.input_per_mtok, Some(2.5));
    let msgs = warnings(&checked);
    assert!(
        msgs.iter().any(|m| m.contains(
            "retires on 2026-12-15, inside the simulated period (2026-12-01 – 2026-12-30)"
        ) && m.contains("served by `acme/new`")),
        "{msgs:#?}"
    );

    let checked = load(&requests("acme/new", "2026-12-01", ""));
    let w = &checked.scenario.workloads[0];
    assert_eq!(w.price.input_per_mtok, Some(2.0));
    assert_eq!(w.price_changes.len(), 1);
    assert_eq!(w.price_changes[0].date, d("2026-12-10"));
    assert_eq!(w.price_changes[0].at_seconds, 9.0 * 86_400.0);
    assert_eq!(w.price_changes[0].price.input_per_mtok, Some(2.5));
    let msgs = warnings(&checked);
    assert!(
        msgs.iter().any(|m| m.contains("the prices of `acme/new` change on 2026-12-10")
            && m.contains("input_token $2 → $2.5 per 1M tokens")),
        "{msgs:#?}"
    );

    // A rejected retirement inside the period names the successor.
    let checked = load(&requests("acme/gone", "2026-12-01", ""));
    let msgs = warnings(&checked);
    assert!(
        msgs.iter()
            .any(|m| m.contains("retires on 2026-12-20") && m.contains("rejects its requests")),
        "{msgs:#?}"
    );
    let help = checked
        .warnings
        .iter()
        .find(|w| w.message.contains("retires on"))
        .and_then(|w| w.help.clone());
    assert!(help.is_some_and(|h| h.contains("`acme/new`")));

    // A period that ends before the change has none; so does a period that
    // starts on the day of the change.
    let short =
        requests("acme/new", "2026-12-01", "").replace("prices =", "period = \"9d\"\nprices =");
    assert!(load(&short).scenario.workloads[0].price_changes.is_empty());
    let on = load(&requests("acme/new", "2026-12-10", ""));
    assert!(on.scenario.workloads[0].price_changes.is_empty());
    assert_eq!(on.scenario.workloads[0].price.input_per_mtok, Some(2.5));

    // Prices from the file's own table stay fixed, with a warning.
    let own = format!(
        "{}[models.\"acme/new\"]\ninput_per_mtok = 1.0\n",
        requests("acme/new", "2026-12-01", "")
    );
    let checked = load(&own);
    assert!(checked.scenario.workloads[0].price_changes.is_empty());
    assert!(warnings(&checked).iter().any(|m| m.contains("fixes its prices for the whole period")));
}

#[test]
fn prices_that_end_inside_the_period_are_warned_not_dropped() {
    let checked = load(&requests("acme/ending", "2026-12-01", ""));
    assert!(checked.scenario.workloads[0].price_changes.is_empty());
    let w = warnings(&checked);
    assert!(
        w.iter().any(|m| m.contains("`acme/ending` has no catalog price from 2026-12-06")
            && m.contains("keeps the earlier prices")),
        "{w:#?}"
    );
}

#[test]
fn status_as_of_a_date() {
    let c = catalog();
    let gone = c.entry("acme/gone").expect("entry");
    assert_eq!(gone.status_on(d("2026-12-19")), Status::Deprecated);
    assert_eq!(gone.status_on(d("2026-12-20")), Status::Retired);
    let routed = c.entry("acme/routed").expect("entry");
    assert_eq!(routed.status_on(d("2026-12-15")), Status::Retired);
    assert_eq!(routed.status_on(d("2026-12-01")), Status::Deprecated);
}

#[test]
fn token_ratios_follow_sourced_chains_only() {
    let c = catalog();
    let r = c.token_ratio("old", "new").expect("sourced");
    assert!((r.factor - 1.3).abs() < 1e-12);
    assert!(r.sources.iter().any(|s| s.contains("Test price page")));
    let back = c.token_ratio("new", "old").expect("sourced");
    assert!((back.factor - 1.0 / 1.3).abs() < 1e-12);
    assert_eq!(
        c.token_ratio("old", "other"),
        Err(NoTokenRatio::Unrelated { from: "old".into(), to: "other".into() })
    );
    assert_eq!(c.token_ratio("old", "nope"), Err(NoTokenRatio::UnknownFamily("nope".into())));
}

fn lognormal(draw: &Draw) -> (f64, f64) {
    match draw {
        Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 })) => {
            (median.fixed().unwrap_or(f64::NAN), p90.fixed().unwrap_or(f64::NAN))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn token_counts_are_rescaled_to_the_billing_tokenizer() {
    let text =
        requests("acme/new", "2026-11-01", "tokens_measured_on = \"acme/long\"\nreasoning = 100\n");
    let checked = load(&text);
    let w = &checked.scenario.workloads[0];
    let r = w.tokens_rescaled.as_ref().expect("rescaled");
    assert_eq!((r.from_family.as_str(), r.to_family.as_str()), ("old", "new"));
    assert!((r.factor - 1.3).abs() < 1e-12);
    let WorkloadKind::Requests(spec) = &w.kind else { panic!("requests") };
    let (median, p90) = lognormal(&spec.input);
    assert!((median - 26_000.0).abs() < 1e-6 && (p90 - 78_000.0).abs() < 1e-6);
    assert!(matches!(spec.output, Draw::Const(x) if (x - 650.0).abs() < 1e-9));
    assert!(matches!(spec.reasoning, Some(Draw::Const(x)) if (x - 130.0).abs() < 1e-9));
    assert!(matches!(spec.cached, Value::Fixed(x) if x == 0.0));

    // Measured on the same tokenizer: factor 1, counts as written.
    let same = load(&requests("acme/long", "2026-03-01", "tokens_measured_on = \"acme/routed\"\n"));
    let w = &same.scenario.workloads[0];
    assert_eq!(w.tokens_rescaled.as_ref().map(|r| r.factor), Some(1.0));
    let WorkloadKind::Requests(spec) = &w.kind else { panic!("requests") };
    assert_eq!(lognormal(&spec.input), (20_000.0, 60_000.0));

    // No sourced ratio: a warning, and no rescale.
    let alien = load(&requests("acme/alien", "2026-11-01", "tokens_measured_on = \"acme/long\"\n"));
    assert!(alien.scenario.workloads[0].tokens_rescaled.is_none());
    assert!(
        warnings(&alien).iter().any(|m| m.contains("are not rescaled") && m.contains("no source"))
    );
    let WorkloadKind::Requests(spec) = &alien.scenario.workloads[0].kind else { panic!() };
    assert_eq!(lognormal(&spec.input), (20_000.0, 60_000.0));

    // An unknown measuring model is an error with a suggestion.
    let e = load_with(
        &requests("acme/new", "2026-11-01", "tokens_measured_on = \"acme/lnog\"\n"),
        &[],
        "2026-11-29",
    )
    .expect_err("unknown");
    assert_eq!(e.errors[0].help.as_deref(), Some("did you mean `acme/long`?"));
}

#[test]
fn vary_of_the_model_rescales_through_the_same_resolution() {
    let text = agent("acme/long", "2026-03-01", 200_000, "tokens_measured_on = \"acme/long\"\n");
    let overrides = [Override { path: "a.model".into(), value: "\"acme/new\"".into() }];
    let varied = load_with(&text, &overrides, "2026-11-29")
        .unwrap_or_else(|e| panic!("{}", e.render_plain()));
    let w = &varied.scenario.workloads[0];
    assert_eq!(w.price.id, "acme/new");
    assert!((w.tokens_rescaled.as_ref().map_or(0.0, |r| r.factor) - 1.3).abs() < 1e-12);
    let WorkloadKind::Agent(a) = &w.kind else { panic!("agent") };
    assert!(matches!(a.input, Draw::Const(x) if (x - 1300.0).abs() < 1e-9));
    assert!((a.context.start - 13_000.0).abs() < 1e-9);
    assert_eq!(a.context.window, 200_000.0);
    let plain = load(&text);
    let WorkloadKind::Agent(a) = &plain.scenario.workloads[0].kind else { panic!("agent") };
    assert!(matches!(a.input, Draw::Const(x) if x == 1000.0));
}

#[test]
fn wallet_free_requests_come_from_the_preset_or_the_key() {
    let wallet = |prices: &str, extra: &str| {
        format!(
            "{}via = \"byok\"\n[[wallet]]\nname = \"byok\"\npreset = \"byok-test\"\ntopup = 10\n{extra}",
            requests("acme/new", prices, "")
        )
    };
    let checked = load(&wallet("2026-11-01", ""));
    let w = &checked.scenario.wallets[0];
    assert_eq!((w.usage_fee_percent, w.usage_fee_free_requests_per_month), (5.0, 1_000_000.0));
    // Before the free requests started, none.
    let early = load(&wallet("2026-01-01", "").replace("acme/new", "acme/long"));
    assert_eq!(
        early.scenario.wallets[0].usage_fee_free_requests_per_month, 1_000_000.0,
        "2026 is after 2025-10-01"
    );
    let catalog_text = CATALOG.replace("2025-10-01", "2026-06-01");
    let user = Catalog::from_toml_str("t.toml", &catalog_text).expect("valid");
    let catalog = Catalog::embedded().overlay(&user);
    let options = LoadOptions { catalog: &catalog, today: d("2026-11-29"), overrides: &[] };
    let before = costintent_scenario::load_str(
        "s.toml",
        &wallet("2026-03-01", "").replace("acme/new", "acme/long"),
        &options,
    )
    .unwrap_or_else(|e| panic!("{}", e.render_plain()));
    assert_eq!(before.scenario.wallets[0].usage_fee_free_requests_per_month, 0.0);
    // The key overrides the preset.
    let own = load(&wallet("2026-11-01", "usage_fee_free_requests_per_month = 500\n"));
    assert_eq!(own.scenario.wallets[0].usage_fee_free_requests_per_month, 500.0);
    let e = load_with(
        &wallet("2026-11-01", "usage_fee_free_requests_per_month = -1\n"),
        &[],
        "2026-11-29",
    )
    .expect_err("negative");
    assert!(e.errors[0].message.contains("usage_fee_free_requests_per_month"));
}

#[test]
fn staleness_warning() {
    // The newest source of the embedded catalog and the test file bounds
    // how current prices are; 60 days later is fine, 61 is stale.
    let c = catalog();
    let newest = c.newest_source_read().expect("dated sources");
    let fine = newest.add_days(60).to_string();
    let stale = newest.add_days(61).to_string();
    let today = newest.add_days(400).to_string();
    let quiet = load_with(&requests("acme/new", &fine, ""), &[], &today).expect("valid");
    assert!(!warnings(&quiet).iter().any(|m| m.contains("newest source")));
    let checked = load_with(&requests("acme/new", &stale, ""), &[], &today).expect("valid");
    let w = checked.warnings.iter().find(|w| w.message.contains("newest source")).expect("warned");
    assert!(w.message.contains("61 days after"), "{}", w.message);
    // The snapshot fixes the wording on a catalog with a known newest day.
    let user = Catalog::from_toml_str("test.toml", CATALOG).expect("valid");
    let options = LoadOptions { catalog: &user, today: d("2027-06-01"), overrides: &[] };
    let text = "[scenario]\nname = \"stale\"\nprices = \"2027-01-15\"\n\n[[workload]]\nname = \"w\"\nkind = \"requests\"\nmodel = \"acme/new\"\nrequests = 1\ninput = 1\noutput = 1\n";
    let checked = costintent_scenario::load_str("stale.toml", text, &options).expect("valid");
    let stale: Vec<_> =
        checked.warnings.iter().filter(|w| w.message.contains("newest source")).collect();
    assert_eq!(stale.len(), 1);
    insta::assert_snapshot!("staleness_warning", stale[0].render_plain());
}

#[test]
fn a_one_hour_ttl_without_a_one_hour_price_is_an_error() {
    let text =
        agent("acme/new", "2026-11-01", 200_000, "cache = { ttl = \"1h\", gap = \"30s\" }\n");
    let e = load_with(&text, &[], "2026-11-29").expect_err("no 1-hour price");
    let err = e.errors.iter().find(|x| x.message.contains("1-hour")).expect("1h error");
    assert!(err.help.as_deref().is_some_and(|h| h.contains("cache_write_1h_per_mtok")), "{err:?}");
    let priced = format!(
        "{text}[models.\"acme/new\"]\ncache_read_per_mtok = 0.2\ncache_write_per_mtok = 2.5\ncache_write_1h_per_mtok = 4\n"
    );
    assert!(load_with(&priced, &[], "2026-11-29").is_ok());
}
