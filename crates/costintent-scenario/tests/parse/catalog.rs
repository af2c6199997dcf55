//! How the parser uses the catalog, on a small catalog of invented models
//! (loaded through the catalog's public API, not the embedded data).

use costintent_scenario::{Catalog, Currency, LoadOptions, Origin, WorkloadKind};

use super::{fixture, today};

fn small_catalog() -> Catalog {
    let (name, text) = fixture("small_catalog.toml");
    Catalog::from_toml_str(&name, &text).unwrap_or_else(|e| panic!("small catalog: {e}"))
}

fn load(text: &str) -> Result<costintent_scenario::Checked, costintent_scenario::Diagnostics> {
    let catalog = small_catalog();
    let options = LoadOptions { catalog: &catalog, today: today(), overrides: &[] };
    costintent_scenario::load_str("s.toml", text, &options)
}

#[test]
fn a_models_table_overrides_only_the_keys_it_gives() {
    let (_, text) = fixture("catalog_models.toml");
    let checked = load(&text).unwrap_or_else(|d| panic!("{}", d.render_plain()));
    let chat = &checked.scenario.workloads[0].price;
    assert_eq!(chat.origin, Origin::Scenario);
    assert_eq!(chat.input_per_mtok, Some(2.0), "overridden");
    assert_eq!(chat.output_per_mtok, Some(15.0), "kept from the catalog");
    assert_eq!(chat.cache_read_per_mtok, Some(0.3), "kept from the catalog");
    let long = chat.long_context.as_ref().expect("tier kept");
    assert_eq!((long.above, long.input_per_mtok, long.output_per_mtok), (100_000.0, 6.0, 22.5));
    let input =
        chat.lines.iter().find(|l| l.unit == "input_token" && l.variant.is_empty()).expect("line");
    assert_eq!((input.usd, input.source.as_str()), (2.0, "scenario file s.toml"));
    let output =
        chat.lines.iter().find(|l| l.unit == "output_token" && l.variant.is_empty()).expect("line");
    assert_ne!(output.source, "scenario file s.toml", "the catalog's source stays with its price");

    // A USD price given for a credit-priced model is stored in credits, and
    // replaces the per-resolution prices; the workload's resolved price is
    // dollars again, at the provider's list price of a credit.
    let clips = &checked.scenario.workloads[2];
    assert_eq!(clips.price.currency, Currency::Credits { usd_per_credit: 0.01 });
    let WorkloadKind::Video(video) = &clips.kind else { panic!("video") };
    assert_eq!(clips.price.per_video_second, Some(8.0), "8 credits");
    assert!((video.usd_per_second - 0.08).abs() < 1e-12, "$0.08, got {}", video.usd_per_second);
}

#[test]
fn a_retired_model_is_a_warning_naming_the_day() {
    let (_, text) = fixture("catalog_models.toml");
    let checked = load(&text).unwrap_or_else(|d| panic!("{}", d.render_plain()));
    let retired: Vec<_> =
        checked.warnings.iter().filter(|w| w.message.contains("retired")).collect();
    assert_eq!(retired.len(), 1, "{:?}", checked.warnings);
    assert_eq!(
        retired[0].message,
        "model `test/old-chat` was retired on 2026-06-01: the provider rejects its requests, so this forecast (billed at its last known prices) would not happen"
    );
    assert_eq!(retired[0].line(), Some(18));
    assert_eq!(checked.scenario.workloads[1].price.input_per_mtok, Some(1.0), "last known price");
}

#[test]
fn catalog_lookups_fail_with_a_reason() {
    let (_, text) = fixture("catalog_models.toml");
    let text = text
        .replace("model = \"test/old-chat\"", "model = \"test/future-chat\"")
        .replace("model = \"test/chat\"", "model = \"test/chta\"");
    let d = load(&text).expect_err("unknown and unpriced models");
    let messages: Vec<&str> = d.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["unknown model `test/chta`", "model `test/future-chat` has no price on 2026-11-01"]
    );
    assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `test/chat`?"));
    assert!(
        d.errors[1].help.as_deref().is_some_and(|h| h.contains("2027-03-01")),
        "{:?}",
        d.errors[1].help
    );
}

#[test]
fn an_unpriced_resolution_lists_the_priced_ones() {
    let (_, text) = fixture("catalog_models.toml");
    let text = text.replace("[models.\"test/credit-video\"]\nper_video_second = 0.08\n", "");
    let d = load(&text).expect_err("1080p is not priced");
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    assert_eq!(
        d.errors[0].message,
        "model `test/credit-video` has no price for 1080p video without audio"
    );
    assert_eq!(d.errors[0].help.as_deref(), Some("priced: 720p"));
    assert_eq!((d.errors[0].line(), d.errors[0].column()), (Some(29), Some(14)));
}
