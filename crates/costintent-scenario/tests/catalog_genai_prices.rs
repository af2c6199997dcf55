//! The genai-prices importer on a hand-written file in its format: dated
//! changes before, on and after their day, tiers as long-context rules, and
//! every skipped entry and dropped field accounted for.

use costintent_scenario::catalog::{Catalog, ImportFormat, ImportReport, ModelKind, Status};
use costintent_scenario::{Date, Origin};

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

const SAMPLE: &str = include_str!("fixtures/catalog/genai_prices_sample.json");

fn sample() -> (Catalog, ImportReport) {
    Catalog::import_genai_prices(SAMPLE, "data.json", Some(d("2026-11-29"))).expect("valid JSON")
}

#[test]
fn a_dated_change_applies_from_its_day() {
    let (catalog, _) = sample();
    let price = |day: &str| catalog.resolve("acme/acme-chat", d(day)).expect("priced");
    for day in ["2025-01-01", "2026-08-31"] {
        let p = price(day);
        assert_eq!((p.input_per_mtok, p.output_per_mtok), (Some(2.0), Some(10.0)), "{day}");
        assert_eq!(p.cache_write_5m_per_mtok, Some(2.5));
        assert_eq!(p.cache_write_1h_per_mtok, Some(4.0));
        assert_eq!(p.cache_read_per_mtok, Some(0.2));
        let lc = p.long_context.expect("tier before the change");
        assert_eq!((lc.above, lc.input_per_mtok, lc.output_per_mtok), (200_000.0, 4.0, 15.0));
        // Units without a tier keep their price above the threshold.
        assert_eq!(lc.cache_read_per_mtok, Some(0.2));
    }
    for day in ["2026-09-01", "2027-06-01"] {
        let p = price(day);
        assert_eq!((p.input_per_mtok, p.output_per_mtok), (Some(3.0), Some(15.0)), "{day}");
        assert_eq!(p.cache_write_5m_per_mtok, Some(3.75));
        assert_eq!(p.long_context, None, "no tier after the change");
    }
    let on = price("2026-09-01");
    let line = on.lines.iter().find(|l| l.unit == "input_token").expect("line");
    assert_eq!(line.valid_from, Some(d("2026-09-01")));
    assert_eq!(line.source, "pydantic/genai-prices data.json (data.json), read 2026-11-29");
    assert_eq!(on.origin, Origin::File("data.json".into()));
    let before = price("2026-08-31");
    let line = before.lines.iter().find(|l| l.unit == "input_token" && l.variant.is_empty());
    assert_eq!(line.map(|l| (l.valid_from, l.valid_until)), Some((None, Some(d("2026-08-31")))));
    let entry = catalog.entry("acme/acme-chat").expect("entry");
    assert_eq!(entry.name, "Acme Chat");
    assert!(entry.note.as_deref().unwrap_or("").contains("Introductory price"));
    assert_eq!(catalog.newest_source_read(), Some(d("2026-11-29")));
}

#[test]
fn audio_and_request_prices_and_deprecation() {
    let (catalog, _) = sample();
    let p = catalog.resolve("acme/acme-voice", d("2026-11-01")).expect("priced");
    assert_eq!(p.per_request, Some(0.002), "$2 per thousand requests");
    assert_eq!((p.input_per_mtok, p.output_per_mtok), (Some(4.0), Some(16.0)));
    let entry = catalog.entry("acme/acme-voice").expect("entry");
    assert_eq!(entry.status, Status::Deprecated);
    assert_eq!(entry.kind, ModelKind::Realtime);
    assert!(
        entry.lines.iter().any(|l| l.unit.name() == "audio_cache_read_token" && l.amount == 0.4)
    );
}

#[test]
fn skipped_entries_and_dropped_fields_are_reported() {
    let (catalog, report) = sample();
    assert_eq!(report.format, ImportFormat::GenaiPrices);
    assert_eq!((report.entries, report.models), (5, 2));
    assert_eq!(report.entries, report.models + report.skipped.len());
    let why: Vec<(&str, &str)> =
        report.skipped.iter().map(|s| (s.key.as_str(), s.reason.as_str())).collect();
    assert_eq!(
        why,
        [
            ("acme/acme-night", "time-of-day prices"),
            ("acme/acme-image", "no supported price fields"),
            ("acme/acme-chat", "duplicate id"),
        ]
    );
    assert!(catalog.resolve("acme/acme-night", d("2026-11-01")).is_err(), "not half-imported");
    assert_eq!(report.dropped_fields.get("web_searches_kcount"), Some(&1));
    assert_eq!(report.dropped_fields.get("output_mtok (a second context tier)"), Some(&1));
    assert_eq!(report.long_context_rules, 1);
    assert_eq!(report.dated_lines, 10, "5 units before the change, 5 after");
    let text = report.to_string();
    assert!(text.contains("skipped 1: time-of-day prices"), "{text}");
    assert!(text.contains("Dated price changes are kept"), "{text}");
}

#[test]
fn the_import_writes_a_catalog_that_reads_back_the_same() {
    let (catalog, _) = sample();
    let text = catalog.to_toml_string();
    let back =
        Catalog::from_toml_str("genai.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    for day in ["2026-08-31", "2026-09-01"] {
        let a = catalog.resolve("acme/acme-chat", d(day)).expect("priced");
        let b = back.resolve("acme/acme-chat", d(day)).expect("priced");
        assert_eq!(a.input_per_mtok, b.input_per_mtok);
        assert_eq!(a.long_context, b.long_context);
    }
}

#[test]
fn a_file_of_another_shape_is_a_located_error() {
    let e = Catalog::import_genai_prices("{\"a\": 1}", "x.json", None).expect_err("object");
    assert!(e.message.contains("a JSON list of providers"), "{e}");
    let e = Catalog::import_genai_prices("[1,", "x.json", None).expect_err("broken");
    assert_eq!(e.line, Some(1));
}
