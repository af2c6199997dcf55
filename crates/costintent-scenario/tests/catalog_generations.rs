//! The models and dated changes encoded from the research of 2026-11-29:
//! every new model's units, and each dated change before, on and after its
//! day. Values are the provider's, as cited in the catalog files.

use costintent_scenario::catalog::{Catalog, ListFilter, LookupError, Status};
use costintent_scenario::{Date, ModelPrice};

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

fn resolve(id: &str, date: &str) -> ModelPrice {
    Catalog::embedded().resolve(id, d(date)).unwrap_or_else(|e| panic!("{id} on {date}: {e:?}"))
}

/// (input, output, cache write 5m, cache write 1h, cache read) per 1M.
fn tokens(p: &ModelPrice) -> [Option<f64>; 5] {
    [
        p.input_per_mtok,
        p.output_per_mtok,
        p.cache_write_5m_per_mtok,
        p.cache_write_1h_per_mtok,
        p.cache_read_per_mtok,
    ]
}

#[test]
fn anthropic_current_generation_units() {
    let cases: [(&str, &str, [f64; 5]); 8] = [
        ("anthropic/claude-opus-4-7", "2026-04-16", [5.0, 25.0, 6.25, 10.0, 0.50]),
        ("anthropic/claude-opus-4-8", "2026-05-28", [5.0, 25.0, 6.25, 10.0, 0.50]),
        ("anthropic/claude-opus-5", "2026-07-24", [5.0, 25.0, 6.25, 10.0, 0.50]),
        ("anthropic/claude-opus-5-5", "2026-09-22", [4.0, 20.0, 5.0, 8.0, 0.20]),
        ("anthropic/claude-sonnet-5-5", "2026-09-28", [2.0, 10.0, 2.5, 4.0, 0.10]),
        ("anthropic/claude-haiku-5-5", "2026-10-07", [0.10, 0.50, 0.125, 0.20, 0.01]),
        ("anthropic/claude-fable-5", "2026-06-09", [10.0, 50.0, 12.5, 20.0, 1.00]),
        ("anthropic/claude-fable-5-1", "2026-09-01", [10.0, 50.0, 12.5, 20.0, 0.25]),
    ];
    for (id, released, units) in cases {
        let p = resolve(id, "2026-12-15");
        assert_eq!(tokens(&p), units.map(Some), "{id}");
        assert_eq!(p.batch_discount, Some(0.5), "{id}");
        assert_eq!(p.retired_on, None, "{id}");
        assert!(p.lines.iter().all(|l| l.source.contains("read 2026-")), "{id}");
        // Released on that day, not before.
        assert!(Catalog::embedded().resolve(id, d(released)).is_ok(), "{id} on {released}");
        let before = d(released).add_days(-1);
        assert!(
            matches!(
                Catalog::embedded().resolve(id, before),
                Err(LookupError::NotPricedOn { documented: false, .. })
            ),
            "{id} before {released}"
        );
    }
    for id in
        ["anthropic/claude-opus-5-5", "anthropic/claude-fable-5-1", "anthropic/claude-sonnet-5-5"]
    {
        assert_eq!(resolve(id, "2026-12-15").long_context, None, "{id}: flat across 1M");
    }
}

#[test]
fn haiku_5_5_moves_the_whole_request_above_100k() {
    let p = resolve("anthropic/claude-haiku-5-5", "2026-12-01");
    let lc = p.long_context.expect("100k tier");
    assert_eq!(lc.above, 100_000.0);
    assert_eq!((lc.input_per_mtok, lc.output_per_mtok), (0.50, 2.50));
    assert_eq!(
        (lc.cache_read_per_mtok, lc.cache_write_5m_per_mtok, lc.cache_write_1h_per_mtok),
        (Some(0.05), Some(0.625), Some(1.00))
    );
}

#[test]
fn sonnet_5_5_cache_reads_cut_on_2026_10_07() {
    assert_eq!(
        resolve("anthropic/claude-sonnet-5-5", "2026-10-06").cache_read_per_mtok,
        Some(0.20)
    );
    assert_eq!(
        resolve("anthropic/claude-sonnet-5-5", "2026-10-07").cache_read_per_mtok,
        Some(0.10)
    );
    assert_eq!(
        resolve("anthropic/claude-sonnet-5-5", "2026-11-01").cache_read_per_mtok,
        Some(0.10)
    );
    // Nothing else changed.
    let before = resolve("anthropic/claude-sonnet-5-5", "2026-10-06");
    assert_eq!((before.input_per_mtok, before.cache_write_5m_per_mtok), (Some(2.0), Some(2.5)));
}

#[test]
fn opus_4_6_tier_ends_on_2026_03_13() {
    assert!(resolve("anthropic/claude-opus-4-6", "2026-03-12").long_context.is_some());
    assert!(resolve("anthropic/claude-opus-4-6", "2026-03-13").long_context.is_none());
    assert!(resolve("anthropic/claude-opus-4-6", "2026-03-14").long_context.is_none());
}

#[test]
fn claude_tokenizers_differ_from_opus_4_7_on() {
    let catalog = Catalog::embedded();
    let family = |id: &str| catalog.entry(id).ok().and_then(|e| e.tokenizer.clone());
    let old = family("anthropic/claude-sonnet-4-6").expect("sonnet 4.6 family");
    for id in
        ["anthropic/claude-opus-4-7", "anthropic/claude-sonnet-5", "anthropic/claude-haiku-5-5"]
    {
        let new = family(id).expect("family");
        let ratio = catalog.token_ratio(&old, &new).expect("sourced ratio");
        assert!((ratio.factor - 1.30).abs() < 1e-12, "{id}");
        assert!(ratio.sources.iter().any(|s| s.contains("platform.claude.com")));
    }
    for id in
        ["anthropic/claude-haiku-4-5", "anthropic/claude-opus-4-6", "anthropic/claude-sonnet-4-5"]
    {
        assert_eq!(family(id).as_deref(), Some(old.as_str()), "{id}");
    }
    // No sourced ratio for other providers: none is claimed.
    assert_eq!(family("openai/gpt-5"), None);
    assert_eq!(family("google/gemini-3.8-flash"), None);
}

#[test]
fn openai_new_models_units() {
    let sol = resolve("openai/gpt-5.6-sol", "2026-12-01");
    assert_eq!(tokens(&sol), [Some(5.0), Some(30.0), Some(6.25), None, Some(0.5)]);
    let lc = sol.long_context.expect("272k rule");
    assert_eq!((lc.above, lc.input_per_mtok, lc.output_per_mtok), (272_000.0, 10.0, 45.0));
    assert_eq!(sol.batch_discount, Some(0.5));
    let terra = resolve("openai/gpt-5.6-terra", "2026-12-01");
    assert_eq!(tokens(&terra), [Some(2.0), Some(12.0), Some(2.5), None, Some(0.2)]);
    assert_eq!(
        terra.long_context.map(|l| (l.input_per_mtok, l.output_per_mtok)),
        Some((4.0, 18.0))
    );
    let gpt55 = resolve("openai/gpt-5.5", "2026-12-01");
    assert_eq!(tokens(&gpt55), [Some(5.0), Some(30.0), None, None, Some(0.5)]);
    let six = resolve("openai/gpt-6-sol", "2026-12-01");
    assert_eq!(tokens(&six), [Some(2.0), Some(10.0), Some(2.5), None, Some(0.2)]);
    let lc = six.long_context.expect("272k rule");
    assert_eq!(
        (lc.input_per_mtok, lc.output_per_mtok, lc.cache_read_per_mtok, lc.cache_write_5m_per_mtok),
        (4.0, 15.0, Some(0.4), Some(5.0))
    );
    let six_one = resolve("openai/gpt-6.1-sol", "2026-12-01");
    assert_eq!(tokens(&six_one), [Some(2.0), Some(10.0), Some(2.5), None, Some(0.1)]);
    assert_eq!(six_one.batch_discount, None, "not stated for this model");
    let rt = resolve("openai/gpt-realtime-2", "2026-12-01");
    assert_eq!(
        (rt.input_per_mtok, rt.output_per_mtok, rt.cache_read_per_mtok),
        (Some(4.0), Some(24.0), Some(0.4))
    );
    let audio = rt.audio.expect("audio");
    assert_eq!(
        (audio.input_per_mtok, audio.output_per_mtok, audio.cached_input_per_mtok),
        (32.0, 64.0, Some(0.4))
    );
    // Third-party release dates are marked: asking before them says so.
    match Catalog::embedded().resolve("openai/gpt-6-sol", d("2026-09-01")) {
        Err(e @ LookupError::NotPricedOn { documented: true, .. }) => {
            assert!(e.to_string().contains("2026-09-22"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn openai_retirements_and_successors() {
    let catalog = Catalog::embedded();
    for (id, retired, successor) in [
        ("openai/gpt-5", "2026-12-11", Some("openai/gpt-5.6-sol")),
        ("openai/gpt-5-mini", "2026-12-11", Some("openai/gpt-5.6-terra")),
        ("openai/gpt-realtime", "2027-01-20", None),
        ("openai/gpt-realtime-mini", "2027-01-20", None),
    ] {
        let entry = catalog.entry(id).expect("entry");
        assert_eq!(entry.retired_on, Some(d(retired)), "{id}");
        assert_eq!(entry.successor.as_deref(), successor, "{id}");
        let last = d(retired).add_days(-1);
        assert_eq!(entry.status_on(last), Status::Deprecated, "{id}");
        assert_eq!(entry.status_on(d(retired)), Status::Retired, "{id}");
        // Rejected after retirement: the last prices, with retired_on set.
        let after = resolve(id, "2027-02-01");
        assert_eq!(after.served_by, None);
        assert_eq!(after.input_per_mtok, resolve(id, &last.to_string()).input_per_mtok);
    }
}

#[test]
fn gemini_3_8_flash_doubles_on_2027_01_01() {
    let before = resolve("google/gemini-3.8-flash", "2026-12-31");
    assert_eq!((before.input_per_mtok, before.output_per_mtok), (Some(0.75), Some(3.75)));
    for day in ["2027-01-01", "2027-06-01"] {
        let after = resolve("google/gemini-3.8-flash", day);
        assert_eq!(
            (after.input_per_mtok, after.output_per_mtok),
            (Some(1.50), Some(7.50)),
            "{day}"
        );
    }
    let days = Catalog::embedded().change_days(
        "google/gemini-3.8-flash",
        d("2026-12-15"),
        d("2027-01-14"),
    );
    assert_eq!(days, vec![d("2027-01-01")]);
}

#[test]
fn google_new_models_units() {
    let pro = resolve("google/gemini-3.1-pro-preview", "2026-12-01");
    assert_eq!((pro.input_per_mtok, pro.output_per_mtok), (Some(2.0), Some(12.0)));
    let lc = pro.long_context.expect("200k tier");
    assert_eq!((lc.above, lc.input_per_mtok, lc.output_per_mtok), (200_000.0, 4.0, 18.0));
    assert_eq!(pro.cache_read_per_mtok, None, "third-party only: not encoded");
    let flash = resolve("google/gemini-3.5-flash", "2026-12-01");
    assert_eq!((flash.input_per_mtok, flash.output_per_mtok), (Some(1.5), Some(9.0)));
    let lite = resolve("google/gemini-3.5-flash-lite", "2026-12-01");
    assert_eq!((lite.input_per_mtok, lite.output_per_mtok), (Some(0.3), Some(2.5)));
    let f36 = resolve("google/gemini-3.6-flash", "2026-12-01");
    assert_eq!((f36.input_per_mtok, f36.output_per_mtok), (Some(1.5), Some(7.5)));
    let image = resolve("google/gemini-3-pro-image", "2026-12-01");
    let per = |size: &str| image.images.iter().find(|i| i.size == size).map(|i| i.amount);
    assert_eq!((per("1K"), per("2K"), per("4K")), (Some(0.134), Some(0.134), Some(0.24)));
    let veo = resolve("google/veo-3.1", "2026-12-01");
    let at = |r: &str| veo.video.iter().find(|v| v.resolution == r).map(|v| (v.amount, v.audio));
    assert_eq!(
        (at("720p"), at("1080p"), at("4k")),
        (Some((0.4, Some(true))), Some((0.4, Some(true))), Some((0.6, Some(true))))
    );
}

#[test]
fn google_retirements_and_real_start_dates() {
    let catalog = Catalog::embedded();
    for id in ["google/veo-3", "google/veo-3-fast"] {
        let e = catalog.entry(id).expect("entry");
        assert_eq!(e.retired_on, Some(d("2026-06-30")), "{id}");
        assert_eq!(e.status_on(d("2026-06-29")), Status::Deprecated);
        assert!(catalog.resolve(id, d("2025-07-29")).is_ok(), "{id}: released 2025-07-29");
        assert!(catalog.resolve(id, d("2025-07-28")).is_err());
    }
    assert_eq!(
        catalog.entry("google/veo-3").ok().and_then(|e| e.successor.clone()).as_deref(),
        Some("google/veo-3.1")
    );
    for id in ["google/imagen-4", "google/imagen-4-fast", "google/imagen-4-ultra"] {
        let e = catalog.entry(id).expect("entry");
        assert_eq!(e.retired_on, Some(d("2026-08-17")), "{id}");
        assert_eq!(e.status, Status::Retired);
        // Documented only from the snapshot day: asking earlier says so.
        assert!(matches!(
            catalog.resolve(id, d("2026-01-01")),
            Err(LookupError::NotPricedOn { documented: true, .. })
        ));
    }
    // The Gemini batch discount started on 2025-07-07.
    for id in ["google/gemini-2.5-pro", "google/gemini-2.5-flash"] {
        assert_eq!(resolve(id, "2025-07-06").batch_discount, None, "{id}");
        assert_eq!(resolve(id, "2025-07-07").batch_discount, Some(0.5), "{id}");
        assert_eq!(resolve(id, "2026-01-01").batch_discount, Some(0.5), "{id}");
    }
    // Claude release dates that were snapshot dates.
    assert!(catalog.resolve("anthropic/claude-haiku-4-5", d("2025-10-14")).is_err());
    assert!(catalog.resolve("anthropic/claude-haiku-4-5", d("2025-10-15")).is_ok());
    assert!(catalog.resolve("anthropic/claude-sonnet-4", d("2025-05-21")).is_err());
    assert!(catalog.resolve("anthropic/claude-sonnet-4", d("2025-05-22")).is_ok());
}

#[test]
fn runway_credit_rates() {
    let cases = [
        ("runway/gen4.5", 12.0),
        ("runway/gen4_turbo", 5.0),
        ("runway/gen4_aleph", 15.0),
        ("runway/act_two", 5.0),
        ("runway/veo3", 40.0),
    ];
    for (id, credits) in cases {
        let p = resolve(id, "2026-12-01");
        assert_eq!(p.per_video_second, Some(credits), "{id}");
        let line = p.lines.iter().find(|l| l.unit == "video_second").expect("line");
        assert!((line.usd - credits * 0.01).abs() < 1e-12, "{id}");
        assert!(line.source.contains("runwayml/skills"), "{id}: {}", line.source);
    }
    assert_eq!(
        resolve("runway/gemini_2.5_flash", "2026-12-01").image_amount("1K", "standard"),
        Some(5.0)
    );
    let turbo = resolve("runway/gen4_image_turbo", "2026-12-01");
    for size in ["720p", "1080p"] {
        assert_eq!(turbo.image_amount(size, "standard"), Some(2.0), "{size}");
    }
}

#[test]
fn byok_preset_has_a_million_free_requests_since_2025_10_01() {
    let byok = Catalog::embedded().wallet_preset("openrouter-byok").expect("preset");
    assert_eq!(byok.usage_fee_percent, 5.0);
    assert_eq!(byok.usage_fee_free_requests_per_month, 1_000_000.0);
    assert_eq!(byok.usage_fee_free_requests_since, Some(d("2025-10-01")));
    assert!(byok.source.contains("1-million-free-byok-requests"), "{}", byok.source);
}

#[test]
fn no_retired_model_is_listed_as_active_on_2026_12_15() {
    let rows = Catalog::embedded()
        .list(&ListFilter { date: Some(d("2026-12-15")), ..ListFilter::default() });
    assert!(!rows.is_empty());
    for row in rows {
        if row.retired_on.is_some_and(|r| r <= d("2026-12-15")) {
            assert_eq!(row.status, Status::Retired, "{}", row.model);
        }
    }
    let sonnet45 = Catalog::embedded()
        .list(&ListFilter {
            date: Some(d("2026-12-15")),
            provider: Some("anthropic".into()),
            ..ListFilter::default()
        })
        .into_iter()
        .find(|r| r.model == "anthropic/claude-sonnet-4-5")
        .expect("listed with its last prices");
    assert_eq!(sonnet45.status, Status::Retired);
}

#[test]
fn every_successor_and_tokenizer_exists() {
    let catalog = Catalog::embedded();
    for e in catalog.entries() {
        if let Some(s) = &e.successor {
            assert!(catalog.entry(s).is_ok(), "{}: successor {s}", e.id);
        }
        if let Some(t) = &e.tokenizer {
            assert!(catalog.tokenizer(t).is_some(), "{}: tokenizer {t}", e.id);
        }
    }
    for t in catalog.tokenizers() {
        if let Some(r) = &t.relative {
            assert!(catalog.tokenizer(&r.reference).is_some(), "{}", t.key);
            assert!(r.source.read.is_some());
        }
    }
}
