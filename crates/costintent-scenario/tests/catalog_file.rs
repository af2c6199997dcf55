//! User catalog files: the format round-trips, errors are located, and a
//! user file overrides the embedded catalog.

use costintent_scenario::catalog::{Catalog, CatalogError, LookupError};
use costintent_scenario::{Date, Origin};

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

const USER: &str = include_str!("fixtures/catalog/user.toml");

fn err(text: &str) -> CatalogError {
    match Catalog::from_toml_str("bad.toml", text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

const SOURCE: &str = "[sources.s]\ntitle = \"a page\"\nread = 2026-01-01\n";

#[test]
fn user_file_reads_and_overrides_the_embedded_catalog() {
    let user = Catalog::from_toml_str("prices.toml", USER).expect("valid user file");
    assert_eq!(user.model_ids(), vec!["acme/tiny", "anthropic/claude-sonnet-4-5"]);
    let tiny = user.resolve("acme/tiny", d("2026-11-01")).expect("priced");
    assert_eq!(
        (tiny.input_per_mtok, tiny.output_per_mtok, tiny.per_request),
        (Some(0.20), Some(0.80), Some(0.001))
    );
    assert_eq!(tiny.origin, Origin::File("prices.toml".into()));
    assert_eq!(tiny.lines[0].source, "ACME enterprise agreement, schedule B, read 2026-10-01");

    let merged = Catalog::embedded().overlay(&user);
    let sonnet = merged.resolve("anthropic/claude-sonnet-4-5", d("2026-11-01")).expect("priced");
    assert_eq!(sonnet.input_per_mtok, Some(2.70), "the user's entry replaces the embedded one");
    assert_eq!(sonnet.long_context, None, "the whole entry is replaced, rules included");
    assert_eq!(sonnet.origin, Origin::File("prices.toml".into()));
    assert!(merged.resolve("openai/gpt-5", d("2026-11-01")).is_ok(), "other models stay");
    assert!(merged.wallet_preset("acme-prepaid").is_some());
    assert!(merged.wallet_preset("openrouter-card").is_some());
    // The routes of the embedded catalog reach user models too.
    assert!(merged.resolve("openrouter/acme/tiny", d("2026-11-01")).is_ok());
    // Before the user's dates, the user's entry has no price.
    assert_eq!(
        merged.resolve("anthropic/claude-sonnet-4-5", d("2026-09-01")),
        Err(LookupError::NotPricedOn {
            date: d("2026-09-01"),
            first: Some(d("2026-10-01")),
            documented: false
        })
    );
}

#[test]
fn embedded_catalog_round_trips_through_the_file_format() {
    let embedded = Catalog::embedded();
    let text = embedded.to_toml_string();
    let again =
        Catalog::from_toml_str("written.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(again.model_ids(), embedded.model_ids());
    for id in embedded.model_ids() {
        assert_eq!(again.model_json(id, None), embedded.model_json(id, None), "{id}");
    }
    assert_eq!(again.wallet_preset_names(), embedded.wallet_preset_names());
    for name in embedded.wallet_preset_names() {
        assert_eq!(again.wallet_preset(name), embedded.wallet_preset(name));
    }
    assert_eq!(again.routes().count(), 1);
    // Writing is stable: a second round gives the same text.
    assert_eq!(again.to_toml_string(), text);
}

#[test]
fn syntax_errors_name_line_and_column() {
    let e = err("[[model]]\nid = \"a/b\"\nprices = [\n  { unit = \"input_token\", usd = }\n]\n");
    assert_eq!(e.file, "bad.toml");
    assert_eq!(e.line, Some(4));
    assert!(e.column.is_some());
    assert!(e.to_string().starts_with("bad.toml:4:"), "{e}");
}

#[test]
fn unknown_keys_are_errors() {
    let e = err(&format!(
        "{SOURCE}[[model]]\nid = \"a/b\"\nsource = \"s\"\nvalid_from = 2026-01-01\nprize = 3\nprices = []\n"
    ));
    assert!(e.message.contains("prize"), "{e}");
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn overlapping_prices_are_errors_at_the_second_price() {
    let text = format!(
        "{SOURCE}[[model]]\nid = \"a/b\"\nsource = \"s\"\nprices = [\n  {{ unit = \"input_token\", usd = 1, valid_from = 2026-01-01 }},\n  {{ unit = \"input_token\", usd = 2, valid_from = 2026-06-01 }},\n]\n"
    );
    let e = err(&text);
    assert_eq!(e.line, Some(9), "{e}");
    assert!(e.message.contains("two prices for `input_token`"), "{e}");
    // Adjacent periods are fine.
    let ok = text.replace(
        "usd = 1, valid_from = 2026-01-01",
        "usd = 1, valid_from = 2026-01-01, valid_until = 2026-05-31",
    );
    let catalog = Catalog::from_toml_str("ok.toml", &ok).expect("adjacent periods");
    assert_eq!(catalog.resolve("a/b", d("2026-05-31")).map(|p| p.input_per_mtok), Ok(Some(1.0)));
    assert_eq!(catalog.resolve("a/b", d("2026-06-01")).map(|p| p.input_per_mtok), Ok(Some(2.0)));
    // Different qualifiers do not overlap.
    let images = format!(
        "{SOURCE}[[model]]\nid = \"a/img\"\nsource = \"s\"\nprices = [\n  {{ unit = \"image\", usd = 1, size = \"1024x1024\", quality = \"low\" }},\n  {{ unit = \"image\", usd = 2, size = \"1024x1024\", quality = \"high\" }},\n]\n"
    );
    assert!(Catalog::from_toml_str("ok.toml", &images).is_ok());
}

#[test]
fn semantic_errors_are_located_and_explained() {
    let model = |body: &str| format!("{SOURCE}[[model]]\nid = \"a/b\"\nsource = \"s\"\n{body}\n");
    let cases = [
        (model("prices = [ { unit = \"input_tokens\", usd = 1 } ]"), "unknown unit `input_tokens`"),
        (
            model(
                "prices = [ { unit = \"input_token\", usd = 1, valid_from = 2026-05-01, valid_until = 2026-04-01 } ]",
            ),
            "after valid_until",
        ),
        (model("prices = [ { unit = \"input_token\", credits = 5 } ]"), "credits"),
        (
            model(
                "credits = { usd_per_credit = 0.01 }\nprices = [ { unit = \"video_second\", usd = 5 } ]",
            ),
            "priced in credits",
        ),
        (model("prices = [ { unit = \"input_token\", usd = -1 } ]"), "non-negative"),
        (
            model("prices = [ { unit = \"input_token\", usd = 1, valid_from = \"2026-02-30\" } ]"),
            "2026-02",
        ),
        (
            model(
                "prices = [ { unit = \"input_token\", usd = 1, size = \"1024x1024\", quality = \"low\" } ]",
            ),
            "apply to images",
        ),
        (
            model("prices = [ { unit = \"image\", usd = 1, size = \"1024x1024\" } ]"),
            "both `size` and `quality`",
        ),
        (model("prices = []"), "has no prices"),
        (
            model("status = \"retired\"\nprices = [ { unit = \"input_token\", usd = 1 } ]"),
            "needs `retired_on`",
        ),
        (
            model("status = \"gone\"\nprices = [ { unit = \"input_token\", usd = 1 } ]"),
            "unknown status",
        ),
        (
            model(
                "retired_on = 2026-03-01\nprices = [ { unit = \"input_token\", usd = 1, valid_until = 2026-03-01 } ]",
            ),
            "retires on 2026-03-01",
        ),
        (
            model("prices = [ { unit = \"input_token\", usd = 1, source = \"pricing\" } ]"),
            "unknown source `pricing`",
        ),
        (
            model("batch = [ { share = 1.5 } ]\nprices = [ { unit = \"input_token\", usd = 1 } ]"),
            "between 0 and 1",
        ),
        (
            format!(
                "{SOURCE}[[model]]\nid = \"nobody\"\nsource = \"s\"\nprices = [ {{ unit = \"input_token\", usd = 1 }} ]\n"
            ),
            "provider/model",
        ),
        (
            "[[model]]\nid = \"a/b\"\nprices = [ { unit = \"input_token\", usd = 1 } ]\n"
                .to_owned(),
            "no `source`",
        ),
    ];
    for (text, expected) in cases {
        let e = err(&text);
        assert!(e.message.contains(expected), "expected `{expected}` in: {e}\n{text}");
        assert!(e.line.is_some() && e.column.is_some(), "no location: {e}");
    }
}

#[test]
fn a_model_defined_twice_is_an_error_pointing_at_both() {
    let one = "[[model]]\nid = \"a/b\"\nsource = \"s\"\nprices = [ { unit = \"input_token\", usd = 1 } ]\n";
    let e = err(&format!("{SOURCE}{one}{one}"));
    assert!(e.message.contains("defined twice (first at line 4)"), "{e}");
    assert_eq!(e.line, Some(8));
}

#[test]
fn source_typos_get_a_suggestion() {
    let text = "[sources.anthropic-pricing]\ntitle = \"x\"\n[[model]]\nid = \"a/b\"\nsource = \"anthropic-pricng\"\nprices = [ { unit = \"input_token\", usd = 1 } ]\n";
    let e = err(text);
    assert!(e.message.contains("did you mean `anthropic-pricing`"), "{e}");
}

#[test]
fn dates_may_be_toml_dates_or_strings_but_not_datetimes() {
    let text = |date: &str| {
        format!(
            "{SOURCE}[[model]]\nid = \"a/b\"\nsource = \"s\"\nvalid_from = {date}\nprices = [ {{ unit = \"input_token\", usd = 1 }} ]\n"
        )
    };
    for ok in ["2026-01-01", "\"2026-01-01\""] {
        let c = Catalog::from_toml_str("ok.toml", &text(ok)).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.resolve("a/b", d("2026-01-01")).is_ok());
        assert!(c.resolve("a/b", d("2025-12-31")).is_err());
    }
    assert!(err(&text("2026-01-01T10:00:00Z")).message.contains("not a plain date"));
    assert!(err(&text("20260101")).message.contains("date"));
}

#[test]
fn lookup_errors_read_well() {
    let e = LookupError::NotPricedOn {
        date: d("2026-01-01"),
        first: Some(d("2026-02-17")),
        documented: false,
    };
    assert_eq!(
        e.to_string(),
        "no price in effect on 2026-01-01; the first price applies from 2026-02-17"
    );
    let e = LookupError::UnknownModel { suggestion: Some("openai/gpt-5".into()) };
    assert_eq!(e.to_string(), "unknown model; did you mean `openai/gpt-5`?");
}
