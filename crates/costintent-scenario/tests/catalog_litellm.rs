//! The LiteLLM importer: what it maps, what it skips and why, and that it
//! agrees with the embedded catalog on the prices both contain.
//!
//! Both fixtures are hand-written in LiteLLM's format. The cross-check one
//! carries the values of pricing-notes.md, so a disagreement means either
//! the importer or the embedded data is wrong.

use std::collections::BTreeMap;

use costintent_scenario::catalog::{Catalog, ImportReport, ModelKind, Status};
use costintent_scenario::{Currency, Date, ModelPrice, Origin};

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

const SAMPLE: &str = include_str!("fixtures/catalog/litellm_sample.json");
const CROSSCHECK: &str = include_str!("fixtures/catalog/litellm_crosscheck.json");

fn sample() -> (Catalog, ImportReport) {
    Catalog::import_litellm(SAMPLE, "sample.json", None).expect("valid JSON")
}

fn skipped(report: &ImportReport) -> BTreeMap<&str, &str> {
    report.skipped.iter().map(|s| (s.key.as_str(), s.reason.as_str())).collect()
}

#[test]
fn maps_token_prices_tiers_batch_and_retirement() {
    let (catalog, _) = sample();
    // LiteLLM has no dates: any day resolves the same prices.
    for day in ["1999-01-01", "2026-11-01", "2040-12-31"] {
        let p = catalog.resolve("acme/acme-chat", d(day)).expect("priced every day");
        assert_eq!(p.input_per_mtok, Some(1.0));
    }
    let p = catalog.resolve("acme/acme-chat", d("2026-11-01")).expect("priced");
    assert_eq!(p.output_per_mtok, Some(4.0));
    assert_eq!(p.cache_read_per_mtok, Some(0.1));
    assert_eq!(p.cache_write_5m_per_mtok, Some(1.25));
    assert_eq!(p.cache_write_1h_per_mtok, Some(2.0));
    assert_eq!(p.batch_discount, Some(0.5));
    assert_eq!(p.retired_on, Some(d("2027-01-31")));
    assert_eq!(p.origin, Origin::File("sample.json".into()));
    let lc = p.long_context.expect("200k tier");
    assert_eq!(
        (lc.above, lc.input_per_mtok, lc.output_per_mtok, lc.cache_read_per_mtok),
        (200_000.0, 2.0, 6.0, Some(0.2))
    );
    assert!(p.lines.iter().all(|l| l.valid_from.is_none() && l.valid_until.is_none()));
    assert!(
        p.lines
            .iter()
            .all(|l| l.source == "LiteLLM model_prices_and_context_window.json (sample.json)")
    );
    let entry = catalog.entry("acme/acme-chat").expect("entry");
    assert_eq!(entry.status, Status::Deprecated);
    assert!(entry.note.as_deref().unwrap_or("").contains("apply on any date"));
}

#[test]
fn maps_media_request_and_audio_prices() {
    let (catalog, report) = sample();
    let day = d("2026-11-01");
    let image = catalog.resolve("acme/acme-image", day).expect("image model");
    let mut images: Vec<(String, String, f64)> =
        image.images.iter().map(|i| (i.size.clone(), i.quality.clone(), i.amount)).collect();
    images.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        images,
        vec![("1024x1024".into(), "low".into(), 0.01), ("1024x1536".into(), "high".into(), 0.2)],
        "per-size entries (LiteLLM's input_cost_per_image quirk) join the base model"
    );
    assert_eq!(image.input_per_mtok, Some(5.0));
    assert_eq!(catalog.entry("acme/acme-image").map(|e| e.kind), Ok(ModelKind::Image));
    assert_eq!(report.merged_variants, 2);
    assert_eq!(catalog.resolve("acme/acme-painter", day).map(|p| p.per_image), Ok(Some(0.03)));

    let video = catalog.resolve("acme/acme-video", day).expect("video model");
    assert_eq!(video.per_video_second, Some(0.1));
    assert_eq!(video.video.len(), 1);
    assert_eq!((video.video[0].resolution.as_str(), video.video[0].amount), ("1080p", 0.2));

    let search = catalog.resolve("acme/acme-search", day).expect("priced");
    assert_eq!(search.per_request, Some(0.005));

    let realtime = catalog.resolve("acme/acme-realtime", day).expect("priced");
    let line = |unit: &str| realtime.lines.iter().find(|l| l.unit == unit).map(|l| l.usd);
    assert_eq!(line("audio_input_token"), Some(32.0));
    assert_eq!(line("audio_output_token"), Some(64.0));
    assert_eq!(line("audio_cache_read_token"), Some(0.4), "LiteLLM's cache_creation audio quirk");
    assert_eq!(realtime.audio, None, "LiteLLM has no audio tokens per minute");

    assert!(catalog.resolve("gemini/acme-pro", day).is_ok(), "ids are <litellm_provider>/<name>");
}

#[test]
fn skips_entries_with_reasons() {
    let (catalog, report) = sample();
    let why = skipped(&report);
    assert_eq!(why.get("sample_spec"), Some(&"sample_spec"));
    assert_eq!(why.get("last_updated"), Some(&"not a model entry"));
    assert_eq!(why.get("acme/acme-chat"), Some(&"duplicate id"));
    assert_eq!(why.get("acme-embed"), Some(&"no price fields"));
    assert_eq!(why.get("acme-tts"), Some(&"no supported price fields"));
    assert_eq!(why.get("hd/1024-x-1792/acme-image"), Some(&"no supported price fields"));
    assert_eq!(why.get("1024-x-1024/30-steps/acme-diffusion"), Some(&"unsupported qualifier"));
    assert_eq!(why.get("acme-broken"), Some(&"invalid prices"));
    assert_eq!(why.get("orphan-model"), Some(&"no litellm_provider"));
    assert_eq!(why.len(), 9, "{why:?}");
    let tts = report.skipped.iter().find(|s| s.key == "acme-tts").expect("tts");
    assert!(tts.detail.as_deref().unwrap_or("").contains("input_cost_per_character"), "{tts:?}");
    let dup = report.skipped.iter().find(|s| s.key == "acme/acme-chat").expect("dup");
    assert!(
        dup.detail.as_deref().unwrap_or("").contains("other prices than key `acme-chat`"),
        "{dup:?}"
    );
    assert!(catalog.resolve("acme/acme-broken", d("2026-11-01")).is_err());

    assert_eq!(report.entries, 19);
    assert_eq!(report.models, catalog.model_ids().len());
    assert_eq!(report.models, 8);
    let lines: usize = catalog.entries().map(|m| m.lines.len()).sum();
    assert_eq!(report.lines, lines);
    // Every key is accounted for: a model, a skip, or a variant merged into
    // a model that has its own key.
    assert_eq!(report.entries, report.models + report.skipped.len() + report.merged_variants);
}

#[test]
fn unsupported_price_fields_are_counted_not_lost() {
    let (catalog, report) = sample();
    let dropped = &report.dropped_fields;
    assert_eq!(dropped.get("input_cost_per_token_priority"), Some(&1));
    assert_eq!(dropped.get("search_context_cost_per_query"), Some(&1));
    assert_eq!(dropped.get("input_cost_per_video_per_second"), Some(&1));
    assert_eq!(
        dropped.get("input_cost_per_pixel"),
        Some(&1),
        "the per-pixel twin of a per-image price"
    );
    assert!(
        dropped.keys().any(|k| k.starts_with("input_cost_per_token_above_256k_tokens")),
        "{dropped:?}"
    );
    // The lower tier of a two-tier entry is kept.
    let two = catalog.resolve("acme/acme-two-tiers", d("2026-11-01")).expect("priced");
    assert_eq!(two.long_context.map(|lc| (lc.above, lc.input_per_mtok)), Some((128_000.0, 0.4)));
    let text = report.to_string();
    assert!(text.contains("sample.json: 19 entries; imported 8 models"), "{text}");
    assert!(text.contains("skipped 1: sample_spec"), "{text}");
    assert!(text.contains("apply on any date"), "{text}");
}

#[test]
fn an_import_is_saved_and_read_back_as_a_catalog_file() {
    let (catalog, _) = sample();
    let text = catalog.to_toml_string();
    let again =
        Catalog::from_toml_str("litellm.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(again.model_ids(), catalog.model_ids());
    for id in catalog.model_ids() {
        assert_eq!(again.model_json(id, None), catalog.model_json(id, None), "{id}");
    }
    // Laid over the embedded catalog, imported ids add to it.
    let merged = Catalog::embedded().overlay(&again);
    assert!(merged.resolve("acme/acme-chat", d("2026-11-01")).is_ok());
    assert!(merged.resolve("anthropic/claude-sonnet-4-5", d("2026-11-01")).is_ok());
}

#[test]
fn malformed_json_is_an_error_with_line_and_column() {
    let text = "{\n  \"a\": {\n    \"litellm_provider\": \"x\",\n  }\n}\n";
    let e = Catalog::import_litellm(text, "broken.json", None).expect_err("trailing comma");
    assert_eq!(e.file, "broken.json");
    assert_eq!(e.line, Some(4));
    assert!(e.column.is_some());
    assert!(e.to_string().starts_with("broken.json:4:"), "{e}");
    assert!(!e.message.contains(" at line "), "the location is not repeated: {e}");
    let e = Catalog::import_litellm("[1, 2]", "list.json", None).expect_err("not an object");
    assert!(e.message.contains("JSON object"), "{e}");
}

/// USD per second of video at `resolution`: a matching variant, or the
/// single per-second price (LiteLLM has no resolution for Sora), converted
/// from credits where the model is credit-priced.
fn video_usd(p: &ModelPrice, resolution: &str) -> Option<f64> {
    let amount = p
        .video
        .iter()
        .find(|v| v.resolution == resolution)
        .map(|v| v.amount)
        .or(p.per_video_second)?;
    Some(match p.currency {
        Currency::Usd => amount,
        Currency::Credits { usd_per_credit } => amount * usd_per_credit,
    })
}

/// Every non-video line as (unit, variant) → USD, long-context tier lines
/// included (their variant names the threshold).
fn usd_lines(p: &ModelPrice) -> BTreeMap<(String, String), f64> {
    p.lines
        .iter()
        .filter(|l| l.unit != "video_second")
        .map(|l| ((l.unit.clone(), l.variant.clone()), l.usd))
        .collect()
}

#[test]
fn importer_and_embedded_catalog_agree() {
    let (imported, report) =
        Catalog::import_litellm(CROSSCHECK, "crosscheck.json", None).expect("valid");
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.dropped_fields.is_empty(), "{:?}", report.dropped_fields);
    let embedded = Catalog::embedded();
    // (embedded id, imported id, a day the embedded price applies)
    let pairs = [
        // Before 2026-04-30, when its tier ended (LiteLLM keeps it, undated).
        ("anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-5", "2026-04-01"),
        ("anthropic/claude-haiku-4-5", "anthropic/claude-haiku-4-5", "2026-11-01"),
        ("anthropic/claude-opus-4-1", "anthropic/claude-opus-4-1", "2026-06-01"),
        ("openai/gpt-5", "openai/gpt-5", "2026-11-01"),
        ("openai/gpt-5.4", "openai/gpt-5.4", "2026-11-01"),
        ("openai/gpt-4.1", "openai/gpt-4.1", "2026-11-01"),
        ("openai/gpt-4o", "openai/gpt-4o", "2026-11-01"),
        ("openai/gpt-image-1", "openai/gpt-image-1", "2026-06-01"),
        ("openai/gpt-realtime", "openai/gpt-realtime", "2026-11-01"),
        ("openai/gpt-realtime-mini", "openai/gpt-realtime-mini", "2026-11-01"),
        ("google/gemini-2.5-pro", "gemini/gemini-2.5-pro", "2026-11-01"),
        ("google/imagen-4", "gemini/imagen-4.0-generate-001", "2026-11-01"),
    ];
    for (ours, theirs, day) in pairs {
        let mut a = embedded.resolve(ours, d(day)).unwrap_or_else(|e| panic!("{ours}: {e}"));
        let b = imported.resolve(theirs, d(day)).unwrap_or_else(|e| panic!("{theirs}: {e}"));
        // LiteLLM has one price for every size of a flat-priced image model;
        // the catalog lists the sizes the model makes, each at that price.
        if let (Some(flat), None) = (b.per_image, a.per_image) {
            assert!(!a.images.is_empty(), "{ours}: sizes listed");
            assert!(a.images.iter().all(|i| i.amount == flat), "{ours}: {:?}", a.images);
            a.per_image = Some(flat);
            a.images.clear();
            a.lines.retain(|l| l.unit != "image");
            let mut theirs_lines = usd_lines(&b);
            theirs_lines.retain(|(unit, _), _| unit != "image");
            assert_eq!(usd_lines(&a), theirs_lines, "{ours} vs {theirs}");
        } else {
            assert_eq!(usd_lines(&a), usd_lines(&b), "{ours} vs {theirs}");
        }
        // OpenAI's Batch guide gives GPT-5 50%; LiteLLM has no batch keys for it.
        if ours != "openai/gpt-5" {
            assert_eq!(a.batch_discount, b.batch_discount, "{ours}: batch");
        }
        assert_eq!(a.long_context, b.long_context, "{ours}: long context");
        assert_eq!(a.images, b.images, "{ours}: images");
        assert_eq!(a.per_image, b.per_image, "{ours}: per image");
    }
    // Video: LiteLLM has one Sora price per key (1024p is its own key) and
    // Runway in dollars, the catalog per resolution and in credits.
    let video = [
        ("openai/sora-2", "720p", "openai/sora-2"),
        ("openai/sora-2-pro", "720p", "openai/sora-2-pro"),
        ("openai/sora-2-pro", "1024p", "openai/sora-2-pro-high-res"),
        ("runway/gen4_turbo", "", "runwayml/gen4_turbo"),
        ("runway/gen4_aleph", "", "runwayml/gen4_aleph"),
    ];
    for (ours, resolution, theirs) in video {
        let a = embedded
            .resolve(ours, d("2026-06-01"))
            .or_else(|_| embedded.resolve(ours, d("2026-11-01")));
        let a = a.unwrap_or_else(|e| panic!("{ours}: {e}"));
        let b =
            imported.resolve(theirs, d("2026-11-01")).unwrap_or_else(|e| panic!("{theirs}: {e}"));
        let (ua, ub) = (video_usd(&a, resolution), video_usd(&b, resolution));
        assert!(
            ua.is_some() && ua.zip(ub).is_some_and(|(x, y)| (x - y).abs() < 1e-12),
            "{ours} {resolution}: {ua:?} vs {ub:?}"
        );
    }
}

#[test]
fn entries_with_control_characters_or_absurd_prices_are_skipped() {
    let json = r#"{
  "good": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06 },
  "evil\u001b[2J": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06 },
  "dear": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1.2e38, "output_cost_per_token": 2e-06 },
  "odd": { "litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "x\u001b_cost_per_token": 1 }
}"#;
    let (catalog, report) = Catalog::import_litellm(json, "p.json", None).expect("valid JSON");
    let why = skipped(&report);
    assert_eq!(why.get("evil\u{1b}[2J"), Some(&"control characters in the key"));
    assert_eq!(why.get("dear"), Some(&"invalid prices"));
    assert!(catalog.resolve("acme/good", d("2026-11-01")).is_ok());
    assert!(!report.to_string().contains('\u{1b}'), "{report}");
}

#[test]
fn a_per_size_image_key_whose_id_the_catalog_refuses_is_skipped() {
    // Found by fuzzing: the per-size entries joined their base model without
    // the invariants every other entry is checked against, so an id with a
    // space was written into a catalog file that `--catalog` then refused.
    let text = r#"{
      "low/1024-x-1024/gpt image-1": { "litellm_provider": "openai", "mode": "image_generation", "input_cost_per_image": 0.011 },
      "low/1024-x-1024/gpt-image-1": { "litellm_provider": "openai", "mode": "image_generation", "input_cost_per_image": 0.011 }
    }"#;
    let (catalog, report) = Catalog::import_litellm(text, "x.json", None).unwrap();
    assert_eq!(catalog.model_ids(), vec!["openai/gpt-image-1"]);
    assert_eq!(report.skipped_by_reason().get("invalid prices"), Some(&1));
    let written = catalog.to_toml_string();
    Catalog::from_toml_str("x.toml", &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
}
