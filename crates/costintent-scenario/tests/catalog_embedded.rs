//! The embedded catalog: every price sourced and dated, and the prices the
//! design notes fix (pricing-notes.md) resolve as stated on the right days.

use costintent_scenario::catalog::{
    Catalog, CurrencyRule, ListFilter, LookupError, ModelKind, PriceUnit, Status, UnitFamily,
};
use costintent_scenario::{Currency, Date, ModelPrice, Origin};
use serde_json::Value;

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

fn resolve(id: &str, date: &str) -> ModelPrice {
    Catalog::embedded().resolve(id, d(date)).unwrap_or_else(|e| panic!("{id} on {date}: {e:?}"))
}

/// Prices are decimal numbers typed from the sources; compare them exactly
/// up to float noise.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn every_line_is_sourced_and_dated() {
    let catalog = Catalog::embedded();
    assert!(catalog.entries().count() >= 30, "the catalog lost models");
    for model in catalog.entries() {
        assert!(!model.lines.is_empty(), "{} has no price", model.id);
        for line in &model.lines {
            let what = format!("{} {} {}", model.id, line.unit, line.variant.describe());
            assert!(!line.source.title.trim().is_empty(), "{what}: empty source");
            assert!(
                line.source.read.is_some(),
                "{what}: source `{}` has no read date",
                line.source.key
            );
            let from = line.validity.from.unwrap_or_else(|| panic!("{what}: no valid_from"));
            if let Some(until) = line.validity.until {
                assert!(from <= until, "{what}: valid_from {from} after valid_until {until}");
            }
            assert!(
                line.amount.is_finite() && line.amount >= 0.0,
                "{what}: amount {}",
                line.amount
            );
        }
        for rule in &model.long_context {
            assert!(
                rule.validity.from.is_some(),
                "{}: long-context rule without valid_from",
                model.id
            );
            assert!(!rule.source.citation().is_empty());
        }
        for rule in &model.batch {
            assert!(rule.validity.from.is_some(), "{}: batch rule without valid_from", model.id);
        }
    }
}

#[test]
fn no_two_prices_of_a_model_overlap_in_time() {
    for model in Catalog::embedded().entries() {
        for (i, a) in model.lines.iter().enumerate() {
            for b in &model.lines[i + 1..] {
                if a.unit == b.unit && a.variant == b.variant {
                    assert!(
                        !a.validity.overlaps(&b.validity),
                        "{}: two {} {} prices overlap ({} and {})",
                        model.id,
                        a.unit,
                        a.variant.describe(),
                        a.validity.describe(),
                        b.validity.describe()
                    );
                }
            }
        }
        for (i, a) in model.long_context.iter().enumerate() {
            for b in &model.long_context[i + 1..] {
                assert!(
                    !a.validity.overlaps(&b.validity),
                    "{}: long-context rules overlap",
                    model.id
                );
            }
        }
    }
}

#[test]
fn retired_models_stop_pricing_before_retirement() {
    for model in Catalog::embedded().entries() {
        if model.status == Status::Retired {
            assert!(model.retired_on.is_some(), "{} is retired without retired_on", model.id);
        }
        if let Some(retired) = model.retired_on {
            for line in &model.lines {
                let until = line.validity.until.unwrap_or_else(|| {
                    panic!(
                        "{}: a price of a model retiring on {retired} has no valid_until",
                        model.id
                    )
                });
                assert!(
                    until < retired,
                    "{}: price valid until {until}, retired {retired}",
                    model.id
                );
            }
        }
        if let Some(successor) = &model.successor {
            assert!(
                Catalog::embedded().resolve(successor, d("2026-11-01")).is_ok(),
                "{}: successor {successor}",
                model.id
            );
        }
    }
}

#[test]
fn every_unit_family_has_prices() {
    let catalog = Catalog::embedded();
    for family in UnitFamily::ALL {
        let rows = catalog.list(&ListFilter { unit: Some(family), ..ListFilter::default() });
        assert!(!rows.is_empty(), "no {family} prices");
        assert!(rows.iter().all(|r| r.families.contains(&family)));
    }
}

#[test]
fn sonnet_4_5_on_2026_11_01() {
    let p = resolve("anthropic/claude-sonnet-4-5", "2026-11-01");
    assert_eq!(p.input_per_mtok, Some(3.0));
    assert_eq!(p.output_per_mtok, Some(15.0));
    assert_eq!(p.cache_write_5m_per_mtok, Some(3.75));
    assert_eq!(p.cache_write_1h_per_mtok, Some(6.0));
    assert_eq!(p.cache_read_per_mtok, Some(0.30));
    assert_eq!(p.batch_discount, Some(0.5));
    assert_eq!(p.retired_on, Some(d("2026-11-30")));
    assert_eq!(p.origin, Origin::Catalog);
    assert_eq!(p.currency, Currency::Usd);
    // The 1M-context beta ended on 2026-04-30: above 200k the request is
    // rejected, not billed at the tier.
    assert_eq!(p.long_context, None);
    assert_eq!(p.reject_above, Some(200_000.0));
    let input = p
        .lines
        .iter()
        .find(|l| l.unit == "input_token" && l.variant.is_empty())
        .expect("input line");
    assert_eq!(input.usd, 3.0);
    assert_eq!(input.per, "1M tokens");
    assert!(
        input.source.contains("platform.claude.com/docs/en/about-claude/pricing"),
        "{}",
        input.source
    );
    assert!(input.source.contains("read 2026-08-22"), "{}", input.source);
    assert_eq!(input.valid_from, Some(d("2025-09-29")));
    assert!(!p.lines.iter().any(|l| l.variant.starts_with("context_above")));
}

#[test]
fn sonnet_4_5_and_4_long_context_tier_then_rejection_from_2026_04_30() {
    for id in ["anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4"] {
        let before = resolve(id, "2026-04-29");
        let lc = before.long_context.as_ref().unwrap_or_else(|| panic!("{id}: tier on 04-29"));
        assert_eq!((lc.above, lc.input_per_mtok, lc.output_per_mtok), (200_000.0, 6.0, 22.5));
        assert_eq!(before.reject_above, None, "{id}");
        // The tier prices are cited too.
        assert!(before.lines.iter().any(|l| l.unit == "input_token"
            && l.variant == "context_above=200000"
            && l.usd == 6.0));
        for day in ["2026-04-30", "2026-05-15"] {
            let after = resolve(id, day);
            assert_eq!(after.long_context, None, "{id} {day}");
            assert_eq!(after.reject_above, Some(200_000.0), "{id} {day}");
        }
    }
    // Sonnet 4's tier started with the 1M beta on 2025-08-12.
    assert_eq!(resolve("anthropic/claude-sonnet-4", "2025-08-11").long_context, None);
    assert!(resolve("anthropic/claude-sonnet-4", "2025-08-12").long_context.is_some());
}

#[test]
fn sonnet_4_5_after_retirement_keeps_its_last_prices() {
    let p = resolve("anthropic/claude-sonnet-4-5", "2027-01-15");
    assert_eq!(p.input_per_mtok, Some(3.0));
    assert_eq!(p.retired_on, Some(d("2026-11-30")));
    assert_eq!(p.served_by, None, "requests are rejected, not routed");
    assert_eq!(p.reject_above, Some(200_000.0));
    let before = resolve("anthropic/claude-sonnet-4-5", "2026-11-29");
    assert_eq!(before.input_per_mtok, Some(3.0));
}

#[test]
fn sonnet_4_6_long_context_tier_ends_on_2026_03_13() {
    let march = resolve("anthropic/claude-sonnet-4-6", "2026-03-12");
    let lc = march.long_context.expect("tier before 2026-03-13");
    assert_eq!((lc.above, lc.input_per_mtok, lc.output_per_mtok), (200_000.0, 6.0, 22.5));
    let april = resolve("anthropic/claude-sonnet-4-6", "2026-04-01");
    assert_eq!(april.long_context, None);
    assert_eq!(april.input_per_mtok, Some(3.0));
    assert!(resolve("anthropic/claude-sonnet-4-6", "2026-03-13").long_context.is_none());
}

#[test]
fn sonnet_4_6_is_not_priced_before_its_release() {
    // The brief asked for the tier on 2026-01-01, but Anthropic released
    // Sonnet 4.6 on 2026-02-17 (its model page), so no price applies then.
    let err = Catalog::embedded().resolve("anthropic/claude-sonnet-4-6", d("2026-01-01"));
    assert_eq!(
        err,
        Err(LookupError::NotPricedOn {
            date: d("2026-01-01"),
            first: Some(d("2026-02-17")),
            documented: false
        })
    );
}

#[test]
fn opus_4_6_tier_and_sonnet_5_price_change_are_dated() {
    let lc = resolve("anthropic/claude-opus-4-6", "2026-02-20").long_context.expect("tier");
    assert_eq!((lc.input_per_mtok, lc.output_per_mtok), (10.0, 37.5));
    assert!(resolve("anthropic/claude-opus-4-6", "2026-06-01").long_context.is_none());
    // The step to $3 / $15 on 2026-09-01 was cancelled on 2026-08-10.
    for day in ["2026-08-31", "2026-09-01", "2026-10-01", "2027-03-01"] {
        let p = resolve("anthropic/claude-sonnet-5", day);
        assert_eq!((p.input_per_mtok, p.output_per_mtok), (Some(2.0), Some(10.0)), "{day}");
        assert_eq!(
            (p.cache_write_5m_per_mtok, p.cache_write_1h_per_mtok, p.cache_read_per_mtok),
            (Some(2.5), Some(4.0), Some(0.2)),
            "{day}"
        );
    }
}

#[test]
fn retired_anthropic_models_are_marked() {
    let opus = Catalog::embedded().entry("anthropic/claude-opus-4-1").expect("opus 4.1").clone();
    assert_eq!(opus.status, Status::Retired);
    assert_eq!(
        resolve("anthropic/claude-opus-4-1", "2026-11-01").retired_on,
        Some(d("2026-08-05"))
    );
    let sonnet4 = Catalog::embedded().entry("anthropic/claude-sonnet-4").expect("sonnet 4").clone();
    assert_eq!(sonnet4.status, Status::Retired);
    assert!(sonnet4.note.as_deref().unwrap_or("").contains("Bedrock and Google Cloud"));
    assert_eq!(resolve("anthropic/claude-haiku-4-5", "2026-11-01").input_per_mtok, Some(1.0));
}

#[test]
fn openai_text_models() {
    let gpt5 = resolve("openai/gpt-5", "2026-11-01");
    assert_eq!(
        (gpt5.input_per_mtok, gpt5.output_per_mtok, gpt5.cache_read_per_mtok),
        (Some(1.25), Some(10.0), Some(0.125))
    );
    assert_eq!(gpt5.batch_discount, Some(0.5), "the Batch guide's 50%");
    let mini = resolve("openai/gpt-5-mini", "2026-11-01");
    assert_eq!((mini.input_per_mtok, mini.output_per_mtok), (Some(0.25), Some(2.0)));
    let gpt41 = resolve("openai/gpt-4.1", "2026-11-01");
    assert_eq!((gpt41.input_per_mtok, gpt41.batch_discount), (Some(2.0), Some(0.5)));
    let gpt4o = resolve("openai/gpt-4o", "2026-11-01");
    assert_eq!((gpt4o.input_per_mtok, gpt4o.cache_read_per_mtok), (Some(2.5), Some(1.25)));
    let gpt54 = resolve("openai/gpt-5.4", "2026-11-01");
    let lc = gpt54.long_context.expect("272k tier");
    assert_eq!(
        (lc.above, lc.input_per_mtok, lc.output_per_mtok, lc.cache_read_per_mtok),
        (272_000.0, 5.0, 22.5, Some(0.5))
    );
}

#[test]
fn gpt_image_1_resolves_after_shutdown_with_retired_on() {
    let p = resolve("openai/gpt-image-1", "2026-11-01");
    assert_eq!(p.retired_on, Some(d("2026-10-23")));
    assert_eq!(p.images.len(), 9);
    let medium =
        p.images.iter().find(|i| i.size == "1024x1024" && i.quality == "medium").expect("medium");
    assert_eq!(medium.amount, 0.042);
    let high =
        p.images.iter().find(|i| i.size == "1536x1024" && i.quality == "high").expect("high");
    assert_eq!(high.amount, 0.25);
    assert_eq!(p.per_image, None);
    let line = p.lines.iter().find(|l| l.variant == "size=1024x1024 quality=medium").expect("line");
    assert_eq!((line.per.as_str(), line.valid_until), ("image", Some(d("2026-10-22"))));
}

#[test]
fn gpt_image_1_5_per_image_table() {
    let p = resolve("openai/gpt-image-1.5", "2026-11-01");
    let price = |size: &str, quality: &str| {
        p.images.iter().find(|i| i.size == size && i.quality == quality).map(|i| i.amount)
    };
    assert_eq!(price("1024x1024", "low"), Some(0.009));
    assert_eq!(price("1024x1024", "medium"), Some(0.034));
    assert_eq!(price("1024x1024", "high"), Some(0.133));
    assert_eq!(price("1024x1536", "high"), Some(0.20));
}

#[test]
fn sora_prices_by_resolution() {
    let pro = resolve("openai/sora-2-pro", "2026-06-01");
    let at = |r: &str| pro.video.iter().find(|v| v.resolution == r).map(|v| (v.amount, v.audio));
    assert_eq!(at("1024p"), Some((0.50, None)));
    assert_eq!(at("720p"), Some((0.30, None)));
    assert_eq!(pro.per_video_second, None);
    let sora = resolve("openai/sora-2", "2026-06-01");
    assert_eq!(sora.video.len(), 1);
    assert_eq!((sora.video[0].resolution.as_str(), sora.video[0].amount), ("720p", 0.10));
    // An 8-second clip of Sora 2 Pro at 1024p is $4.00 (pricing-notes §5.7).
    assert!(close(8.0 * at("1024p").map_or(0.0, |x| x.0), 4.0));
}

#[test]
fn realtime_models_have_audio_prices_and_rates() {
    let rt = resolve("openai/gpt-realtime", "2026-11-01");
    let audio = rt.audio.expect("audio prices");
    assert_eq!(
        (audio.input_per_mtok, audio.output_per_mtok, audio.cached_input_per_mtok),
        (32.0, 64.0, Some(0.40))
    );
    assert_eq!((audio.input_tokens_per_minute, audio.output_tokens_per_minute), (600.0, 1200.0));
    assert_eq!(
        (rt.input_per_mtok, rt.output_per_mtok, rt.cache_read_per_mtok),
        (Some(4.0), Some(16.0), Some(0.40))
    );
    // A minute of user audio costs $0.0192 on gpt-realtime (pricing-notes §5.1).
    assert!(close(audio.input_tokens_per_minute * audio.input_per_mtok / 1e6, 0.0192));
    let mini = resolve("openai/gpt-realtime-mini", "2026-11-01").audio.expect("audio prices");
    assert_eq!(
        (mini.input_per_mtok, mini.output_per_mtok, mini.cached_input_per_mtok),
        (10.0, 20.0, Some(0.30))
    );
    assert!(close(mini.output_tokens_per_minute * mini.output_per_mtok / 1e6, 0.024));
}

#[test]
fn gemini_2_5_pro_tier_and_dated_cache_price() {
    let p = resolve("google/gemini-2.5-pro", "2026-11-01");
    assert_eq!(
        (p.input_per_mtok, p.output_per_mtok, p.cache_read_per_mtok),
        (Some(1.25), Some(10.0), Some(0.125))
    );
    let lc = p.long_context.expect("200k tier");
    assert_eq!(
        (lc.above, lc.input_per_mtok, lc.output_per_mtok, lc.cache_read_per_mtok),
        (200_000.0, 2.5, 15.0, Some(0.25))
    );
    assert_eq!(p.batch_discount, Some(0.5));
    // Before the current cache price was documented, none is claimed.
    let july = resolve("google/gemini-2.5-pro", "2025-07-01");
    assert_eq!(july.cache_read_per_mtok, None);
    assert_eq!(july.long_context.map(|lc| lc.cache_read_per_mtok), Some(None));
}

#[test]
fn veo_is_priced_with_audio_only() {
    let veo = resolve("google/veo-3", "2026-11-01");
    assert!(veo.video.iter().all(|v| v.audio == Some(true) && v.amount == 0.40));
    assert!(veo.video.iter().any(|v| v.resolution == "720p"));
    assert_eq!(veo.per_video_second, None, "no price may match audio = false");
    let fast = resolve("google/veo-3-fast", "2026-11-01");
    assert!(fast.video.iter().all(|v| v.audio == Some(true) && v.amount == 0.15));
    let note =
        Catalog::embedded().entry("google/veo-3").expect("veo").note.clone().unwrap_or_default();
    assert!(note.contains("not confirmed"), "{note}");
}

#[test]
fn image_models_priced_per_image() {
    // One price for every size the model makes, each size listed, so that a
    // size or quality it does not make is an error, not silently priced.
    let flash = resolve("google/gemini-2.5-flash-image", "2026-09-01");
    assert_eq!(flash.per_image, None);
    assert_eq!(flash.image_amount("1K", "standard"), Some(0.039));
    assert_eq!(flash.image_amount("2K", "standard"), None);
    let imagen = resolve("google/imagen-4", "2026-08-01");
    for size in ["1K", "2K"] {
        assert_eq!(imagen.image_amount(size, "standard"), Some(0.04), "{size}");
    }
    assert_eq!(resolve("google/imagen-4-fast", "2026-08-01").image_amount("2K", "standard"), None);
    // No image model of the catalog is priced without its sizes.
    for entry in Catalog::embedded().entries() {
        for line in
            entry.lines.iter().filter(|l| l.unit == costintent_scenario::catalog::PriceUnit::Image)
        {
            assert!(
                line.variant.size.is_some() && line.variant.quality.is_some(),
                "{}: an image price without size and quality",
                entry.id
            );
        }
    }
}

#[test]
fn runway_gen4_turbo_is_priced_in_credits() {
    let p = resolve("runway/gen4_turbo", "2026-11-01");
    assert_eq!(p.currency, Currency::Credits { usd_per_credit: 0.01 });
    assert_eq!(p.per_video_second, Some(5.0), "amounts stay in credits");
    let line = p.lines.iter().find(|l| l.unit == "video_second").expect("line");
    assert_eq!(line.credits, Some(5.0));
    assert!(close(line.usd, 0.05));
    assert_eq!(line.per, "second");
    let aleph = resolve("runway/gen4_aleph", "2026-11-01");
    assert_eq!(aleph.per_video_second, Some(15.0));
    let entry = Catalog::embedded().entry("runway/gen4_turbo").expect("entry").clone();
    assert!(matches!(entry.currency, CurrencyRule::Credits { .. }));
    assert_eq!(entry.kind, ModelKind::Video);
}

#[test]
fn pika_clip_is_a_task_price() {
    let p = resolve("fal/pika-v2.2-720p", "2026-11-25");
    assert_eq!(p.per_task, Some(0.20));
    assert_eq!(resolve("fal/pika-v2.2-1080p", "2026-12-01").per_task, Some(0.45));
}

#[test]
fn openrouter_route_passes_prices_through() {
    let direct = resolve("anthropic/claude-sonnet-4-5", "2026-11-01");
    let routed = resolve("openrouter/anthropic/claude-sonnet-4-5", "2026-11-01");
    assert_eq!(routed.id, "openrouter/anthropic/claude-sonnet-4-5");
    assert_eq!(routed.input_per_mtok, direct.input_per_mtok);
    assert_eq!(routed.output_per_mtok, direct.output_per_mtok);
    assert_eq!(routed.cache_write_5m_per_mtok, direct.cache_write_5m_per_mtok);
    assert_eq!(routed.long_context, direct.long_context);
    assert_eq!(routed.lines.len(), direct.lines.len());
    assert!(
        routed.lines.iter().all(|l| l.source.contains("openrouter.ai/docs/faq")),
        "the route is cited"
    );
    assert!(matches!(
        Catalog::embedded().resolve("openrouter/anthropic/claude-sonet-4-5", d("2026-11-01")),
        Err(LookupError::UnknownModel { suggestion: Some(s) }) if s == "openrouter/anthropic/claude-sonnet-4-5"
    ));
}

#[test]
fn openrouter_wallet_presets() {
    let catalog = Catalog::embedded();
    assert_eq!(
        catalog.wallet_preset_names(),
        vec!["openrouter-byok", "openrouter-card", "openrouter-crypto"]
    );
    let card = catalog.wallet_preset("openrouter-card").expect("card");
    assert_eq!(
        (card.credit_usd, card.fee_percent, card.fee_min, card.usage_fee_percent),
        (1.0, 5.5, 0.80, 0.0)
    );
    assert!(card.source.contains("openrouter.ai/docs/faq"));
    let crypto = catalog.wallet_preset("openrouter-crypto").expect("crypto");
    assert_eq!((crypto.fee_percent, crypto.fee_min), (5.0, 0.0));
    let byok = catalog.wallet_preset("openrouter-byok").expect("byok");
    assert_eq!((byok.fee_percent, byok.usage_fee_percent), (0.0, 5.0));
    assert_eq!(catalog.wallet_preset("openrouter-paypal"), None);
}

#[test]
fn unknown_ids_get_a_suggestion() {
    let catalog = Catalog::embedded();
    let miss = |id: &str| match catalog.resolve(id, d("2026-11-01")) {
        Err(LookupError::UnknownModel { suggestion }) => suggestion,
        other => panic!("{id}: {other:?}"),
    };
    assert_eq!(miss("anthropic/claude-sonet-4-5").as_deref(), Some("anthropic/claude-sonnet-4-5"));
    assert_eq!(miss("anthropic/claude-sonnet-4.5").as_deref(), Some("anthropic/claude-sonnet-4-5"));
    assert_eq!(miss("claude-haiku-4-5").as_deref(), Some("anthropic/claude-haiku-4-5"));
    assert_eq!(miss("openai/gpt5-mini").as_deref(), Some("openai/gpt-5-mini"));
    assert_eq!(miss("acme/totally-different-thing"), None);
}

#[test]
fn listing_filters_by_provider_unit_and_date() {
    let catalog = Catalog::embedded();
    let anthropic =
        catalog.list(&ListFilter { provider: Some("Anthropic".into()), ..ListFilter::default() });
    assert!(!anthropic.is_empty());
    assert!(anthropic.iter().all(|r| r.model.starts_with("anthropic/")));
    let seconds = catalog.list(&ListFilter {
        unit: Some(UnitFamily::Second),
        date: Some(d("2026-11-01")),
        ..ListFilter::default()
    });
    assert!(seconds.iter().all(|r| r.line.unit == PriceUnit::VideoSecond.name()));
    assert!(seconds.iter().any(|r| r.model == "runway/gen4_turbo" && r.line.credits == Some(5.0)));
    assert!(
        seconds.iter().any(|r| r.model == "openai/sora-2"),
        "a retired model lists its last prices"
    );
    // Sonnet 5 lists one input price on a date, both in its history.
    let history =
        catalog.list(&ListFilter { provider: Some("anthropic".into()), ..ListFilter::default() });
    let sonnet5 = |rows: &[costintent_scenario::catalog::ListRow]| {
        rows.iter()
            .filter(|r| r.model == "anthropic/claude-sonnet-5" && r.line.unit == "input_token")
            .count()
    };
    assert_eq!(sonnet5(&history), 1, "one price: the $3 step never happened");
    let on_day = catalog.list(&ListFilter {
        provider: Some("anthropic".into()),
        date: Some(d("2026-11-01")),
        ..ListFilter::default()
    });
    assert_eq!(sonnet5(&on_day), 1);
    let credits =
        catalog.list(&ListFilter { unit: Some(UnitFamily::Credit), ..ListFilter::default() });
    assert!(credits.iter().all(|r| r.provider == "runway"));
    let video =
        catalog.list(&ListFilter { unit: Some(UnitFamily::Video), ..ListFilter::default() });
    assert!(video.iter().any(|r| r.model == "fal/pika-v2.2-720p" && r.line.unit == "task"));
}

#[test]
fn model_json_has_the_documented_shape() {
    let catalog = Catalog::embedded();
    let v = catalog.model_json("anthropic/claude-sonnet-4-5", Some(d("2026-11-01"))).expect("json");
    assert_eq!(v["model"], "anthropic/claude-sonnet-4-5");
    let prices = v["prices"].as_array().expect("prices");
    assert_eq!(prices.len(), 5);
    for p in prices {
        for key in ["unit", "usd", "per", "valid_from", "valid_until", "source"] {
            assert!(p.get(key).is_some(), "price without `{key}`: {p}");
        }
    }
    let input = prices.iter().find(|p| p["unit"] == "input_token").expect("input");
    assert_eq!(input["usd"], 3.0);
    assert_eq!(input["valid_from"], "2025-09-29");
    let rules = &v["rules"];
    assert_eq!(rules["long_context"][0]["above"], 200_000.0);
    assert_eq!(rules["long_context"][0]["mode"], "reject");
    assert_eq!(rules["long_context"][0]["input_per_mtok"], Value::Null);
    let april =
        catalog.model_json("anthropic/claude-sonnet-4-5", Some(d("2026-04-01"))).expect("json");
    assert_eq!(april["rules"]["long_context"][0]["mode"], "tier");
    assert_eq!(april["rules"]["long_context"][0]["input_per_mtok"], 6.0);
    assert_eq!(rules["batch_discount"][0]["share"], 0.5);
    assert_eq!(rules["currency"]["unit"], "usd");
    assert_eq!(rules["retired_on"], "2026-11-30");
    let ttl: Vec<&str> = rules["cache_ttl"]
        .as_array()
        .expect("ttl")
        .iter()
        .filter_map(|t| t["ttl"].as_str())
        .collect();
    assert_eq!(ttl, vec!["5m", "1h"]);

    // Without a date, the whole history: Sonnet 4.6's ended tier is there.
    let history = catalog.model_json("anthropic/claude-sonnet-4-6", None).expect("json");
    assert_eq!(history["rules"]["long_context"][0]["valid_until"], "2026-03-12");
    let today =
        catalog.model_json("anthropic/claude-sonnet-4-6", Some(d("2026-04-01"))).expect("json");
    assert_eq!(today["rules"]["long_context"].as_array().map(Vec::len), Some(0));

    let runway = catalog.model_json("runway/gen4_turbo", Some(d("2026-11-01"))).expect("json");
    assert_eq!(runway["prices"][0]["credits"], 5.0);
    assert_eq!(runway["rules"]["currency"]["usd_per_credit"], 0.01);

    assert!(matches!(
        catalog.model_json("openai/gpt-6", None),
        Err(LookupError::UnknownModel { .. })
    ));
}
