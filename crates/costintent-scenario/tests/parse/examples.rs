//! Valid scenarios parse to the values they say.

use costintent_scenario::{
    Billed, CacheWritePrice, Dist, Draw, LogNormalParams, Mode, NegBinSpread, Origin, Severity,
    TimeUnit, Value, Volume, WorkloadKind,
};

use super::load_ok;

fn fixed(v: &Value) -> f64 {
    v.fixed().expect("a fixed value")
}

#[test]
fn the_format_example_parses_with_its_values() {
    let checked = load_ok("example.toml");
    let s = &checked.scenario;
    assert_eq!(s.name, "Coding agent pilot, 12 engineers");
    assert_eq!(s.period.seconds, 30.0 * 86_400.0);
    assert_eq!(s.period.text, "30d");
    assert_eq!((s.trials, s.seed), (Some(20_000), 42));
    assert_eq!(s.prices_date.to_string(), "2026-11-01");
    assert_eq!(s.budget, Some(2500.0));
    let names: Vec<&str> = s.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["agent", "thumbnails", "clips"]);

    let agent = &s.workloads[0];
    let WorkloadKind::Agent(spec) = &agent.kind else { panic!("agent kind") };
    let Volume::PerUnit { per, units, dist: Dist::Poisson { mean } } = &spec.sessions else {
        panic!("sessions per day, Poisson: {:?}", spec.sessions)
    };
    assert_eq!((*per, *units, fixed(mean)), (TimeUnit::Day, 30.0, 60.0));
    let Draw::Dist(Dist::NegBin { mean, spread: NegBinSpread::P90(p90) }) = &spec.turns else {
        panic!("turns negbin: {:?}", spec.turns)
    };
    assert_eq!((fixed(mean), fixed(p90)), (25.0, 60.0));
    let Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 })) = &spec.input
    else {
        panic!("input lognormal")
    };
    assert_eq!((fixed(median), fixed(p90)), (3000.0, 12_000.0));
    assert_eq!(
        (spec.context.start, spec.context.window, spec.context.compact_to),
        (12_000.0, 200_000.0, 30_000.0)
    );
    assert!(!spec.compaction_cost);
    let cache = spec.cache.as_ref().expect("cache");
    assert_eq!(cache.ttl_seconds, 300.0);
    assert_eq!(cache.write_price, CacheWritePrice::FiveMinutes);
    let Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 })) = &cache.gap else {
        panic!("gap lognormal")
    };
    assert_eq!((fixed(median), fixed(p90)), (20.0, 240.0), "durations in seconds");
    assert_eq!(fixed(&agent.failures.rate), 0.03);
    assert_eq!(fixed(&agent.failures.retries), 3.0);
    assert_eq!(agent.failures.billed, Billed::Input);
    assert!(agent.timeout.is_none() && agent.via.is_none());

    let price = &agent.price;
    assert_eq!(price.id, "acme/sonnet");
    assert_eq!(price.origin, Origin::Scenario);
    assert_eq!((price.input_per_mtok, price.output_per_mtok), (Some(3.0), Some(15.0)));
    assert_eq!(
        (price.cache_write_5m_per_mtok, price.cache_write_1h_per_mtok),
        (Some(3.75), Some(6.0))
    );
    let long = price.long_context.as_ref().expect("long-context rule");
    assert_eq!((long.above, long.input_per_mtok, long.output_per_mtok), (200_000.0, 6.0, 22.5));
    let input_line =
        price.lines.iter().find(|l| l.unit == "input_token" && l.variant.is_empty()).expect("line");
    assert_eq!(input_line.usd, 3.0);
    assert_eq!(input_line.source, "scenario file fixtures/parse/example.toml");

    let WorkloadKind::Image(image) = &s.workloads[1].kind else { panic!("image kind") };
    assert_eq!((image.size.as_str(), image.quality.as_str()), ("1024x1024", "medium"));
    assert_eq!(image.usd_per_image, 0.042);
    assert!(matches!(image.n, Draw::Const(1.0)));
    assert_eq!(fixed(&image.regenerate), 0.0);

    let WorkloadKind::Video(video) = &s.workloads[2].kind else { panic!("video kind") };
    let Draw::Dist(Dist::Choice(choice)) = &video.seconds else { panic!("seconds choice") };
    assert_eq!(choice.values, [4.0, 8.0, 12.0]);
    assert_eq!(choice.cumulative, [0.25, 0.75, 1.0]);
    assert_eq!(
        (video.resolution.as_str(), video.audio, video.usd_per_second),
        ("720p", false, 0.10)
    );

    // `acme/tiny` is priced but used by no workload.
    assert_eq!(checked.warnings.len(), 1, "{:?}", checked.warnings);
    assert_eq!(checked.warnings[0].severity, Severity::Warning);
    assert!(checked.warnings[0].message.contains("acme/tiny"));
}

#[test]
fn every_kind_and_optional_key_is_read() {
    let checked = load_ok("every_kind.toml");
    let s = &checked.scenario;
    assert_eq!(s.period.seconds, 7.0 * 86_400.0);
    assert_eq!((s.trials, s.seed, s.budget), (Some(500), 9, None));
    assert_eq!(s.prices_date.to_string(), "2026-11-01", "a TOML date works too");
    let wallet = &s.wallets[0];
    assert_eq!(
        (
            wallet.credit_usd,
            wallet.fee_percent,
            wallet.fee_min,
            wallet.topup,
            wallet.usage_fee_percent
        ),
        (0.01, 5.5, 0.8, 100.0, 5.0)
    );

    let chat = &s.workloads[0];
    assert_eq!(chat.via, Some(0));
    let WorkloadKind::Requests(r) = &chat.kind else { panic!("requests") };
    assert!(matches!(r.requests, Volume::PerPeriod(Dist::Poisson { .. })));
    assert!(matches!(r.output, Draw::Const(300.0)));
    assert!(matches!(r.reasoning, Some(Draw::Dist(Dist::Uniform { .. }))));
    assert!(
        matches!(&r.cached, Value::PerTrial { dist, domain: costintent_scenario::Domain::Probability } if matches!(**dist, Dist::Beta { .. }))
    );
    assert_eq!(r.mode, Mode::Batch);
    let timeout = chat.timeout.as_ref().expect("timeout");
    assert_eq!(timeout.after_seconds, 30.0);
    let Draw::Dist(Dist::LogNormal(LogNormalParams::MeanSd { mean, sd })) = &timeout.latency else {
        panic!("latency lognormal mean/sd")
    };
    assert_eq!((fixed(mean), fixed(sd)), (6.0, 2.0));
    assert!(matches!(chat.failures.rate, Value::PerTrial { .. }));
    assert_eq!(chat.failures.billed, Billed::Partial);

    let WorkloadKind::Agent(a) = &s.workloads[1].kind else { panic!("agent") };
    let Volume::PerUnit { per, units, dist: Dist::NegBin { spread: NegBinSpread::Sd(_), .. } } =
        &a.sessions
    else {
        panic!("sessions per hour negbin")
    };
    assert_eq!((*per, *units), (TimeUnit::Hour, 168.0));
    assert!(matches!(a.turns, Draw::Dist(Dist::Geometric { .. })));
    assert!(a.compaction_cost);
    let cache = a.cache.as_ref().expect("cache");
    assert_eq!((cache.ttl_seconds, cache.write_price), (3600.0, CacheWritePrice::OneHour));
    assert!(matches!(cache.gap, Draw::Const(30.0)));
    let tools = a.tools.as_ref().expect("tools");
    assert!(matches!(tools.calls, Draw::Dist(Dist::Poisson { .. })));
    assert!(matches!(tools.output, Draw::Const(700.0)));

    let WorkloadKind::Image(i) = &s.workloads[2].kind else { panic!("image") };
    assert!(matches!(i.requests, Volume::Fixed(1000.0)));
    assert_eq!((i.usd_per_image, fixed(&i.regenerate)), (0.17, 0.25));

    let clips = &s.workloads[3];
    let WorkloadKind::Video(v) = &clips.kind else { panic!("video") };
    let Volume::PerUnit { per: TimeUnit::Week, units, dist: Dist::Poisson { mean } } = &v.requests
    else {
        panic!("requests per week")
    };
    assert_eq!(*units, 1.0);
    assert!(matches!(
        mean,
        Value::PerTrial { domain: costintent_scenario::Domain::NonNegative, .. }
    ));
    assert!(v.audio);
    assert_eq!(v.usd_per_second, 0.5);
    let poll = v.poll.expect("poll");
    assert_eq!((poll.every_seconds, poll.usd_per_poll), (10.0, 0.001));
    let timeout = clips.timeout.as_ref().expect("client_timeout becomes the timeout");
    assert_eq!(timeout.after_seconds, 180.0);
    let Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 })) = &timeout.latency
    else {
        panic!("duration lognormal")
    };
    assert_eq!((fixed(median), fixed(p90)), (80.0, 240.0));

    let voice = &s.workloads[4];
    let WorkloadKind::Realtime(rt) = &voice.kind else { panic!("realtime") };
    assert_eq!((fixed(&rt.turns_per_minute), fixed(&rt.user_share)), (4.0, 0.45));
    let audio = voice.price.audio.as_ref().expect("audio prices");
    assert_eq!((audio.input_tokens_per_minute, audio.output_tokens_per_minute), (600.0, 1200.0));
    assert_eq!(audio.cached_input_per_mtok, Some(0.4));

    assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
}

#[test]
fn every_fixed_distribution_converts_to_a_sampler() {
    let checked = load_ok("every_kind.toml");
    let WorkloadKind::Agent(a) = &checked.scenario.workloads[1].kind else { panic!("agent") };
    for draw in [&a.turns, &a.input, a.reasoning.as_ref().expect("reasoning")] {
        let Draw::Dist(dist) = draw else { panic!("a distribution") };
        assert!(matches!(dist.fixed_sampler(), Some(Ok(_))), "{dist:?}");
    }
}
