//! The price importers (LiteLLM, genai-prices) and the catalog file parser
//! (`--catalog`) on any bytes: no panic; an error names the file; what is
//! imported is a catalog that `--catalog` reads back as the same prices; a
//! catalog file that reads is queried on every model without a panic.
//!
//! Used by the `catalog_litellm`, `catalog_genai_prices` and `catalog_file`
//! fuzz targets, and by
//! `crates/costintent-scenario/tests/fuzz_regressions.rs`, which replays the
//! kept corpus and every crash found (it includes this file by path).

use costintent_scenario::catalog::{ListFilter, UnitFamily};
use costintent_scenario::{Catalog, Date};

const FILE: &str = "fuzz-input";

fn day(year: i32, month: u8, day: u8) -> Date {
    Date::new(year, month, day).unwrap_or_else(|e| panic!("a valid date: {e:?}"))
}

/// `catalog import litellm`.
pub fn litellm(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    imported(Catalog::import_litellm(text, FILE, Some(day(2026, 11, 29))));
}

/// `catalog import genai-prices`.
pub fn genai_prices(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    imported(Catalog::import_genai_prices(text, FILE, Some(day(2026, 11, 29))));
}

/// `--catalog FILE`.
pub fn catalog_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Catalog::from_toml_str(FILE, text) {
        Ok(catalog) => {
            round_trip(&catalog);
            explore(&Catalog::embedded().overlay(&catalog), &catalog);
        }
        Err(e) => assert_eq!(e.file, FILE, "the error names the file: {e}"),
    }
}

fn imported(
    result: Result<
        (Catalog, costintent_scenario::catalog::ImportReport),
        costintent_scenario::catalog::CatalogError,
    >,
) {
    match result {
        Ok((catalog, report)) => {
            let _ = report.to_string();
            round_trip(&catalog);
            explore(&catalog, &catalog);
        }
        Err(e) => assert_eq!(e.file, FILE, "the error names the file: {e}"),
    }
}

/// What `catalog import --out` writes reads back with the same models and
/// prices, and writing it again gives the same text.
fn round_trip(catalog: &Catalog) {
    let text = catalog.to_toml_string();
    let again = Catalog::from_toml_str(FILE, &text)
        .unwrap_or_else(|e| panic!("the written catalog does not read back: {e}\n{text}"));
    assert_eq!(again.model_ids(), catalog.model_ids(), "models of the written catalog");
    for id in catalog.model_ids() {
        assert_eq!(again.model_json(id, None), catalog.model_json(id, None), "{id}");
    }
    assert_eq!(again.wallet_preset_names(), catalog.wallet_preset_names());
    assert_eq!(again.to_toml_string(), text, "writing a catalog is stable");
}

/// Every query the commands make, on every model of `own`, in `catalog`.
fn explore(catalog: &Catalog, own: &Catalog) {
    let days = [day(2020, 1, 1), day(2026, 4, 30), day(2026, 11, 1), day(2030, 12, 31)];
    for id in own.model_ids() {
        for &date in &days {
            if let Ok(price) = catalog.resolve(id, date) {
                for x in [price.input_per_mtok, price.output_per_mtok, price.per_image] {
                    assert!(x.is_none_or(|x| x.is_finite()), "{id}: a price that is not finite");
                }
            }
            let _ = catalog.model_json(id, Some(date));
            let _ = catalog.documented_after(id, date);
        }
        let _ = catalog.change_days(id, days[0], days[3]);
        let _ = catalog.model_json(id, None);
    }
    for unit in [None, Some(UnitFamily::Token)] {
        let filter = ListFilter { provider: None, unit, date: Some(days[2]) };
        let _ = catalog.list(&filter);
    }
    let _ = catalog.newest_source_read();
}
