//! `scenario.period`: lengths with explicit units, the ambiguous `m`, and
//! calendar periods that also fix the price date; and volumes whose rate
//! changes over the period (`ramp`, `growth`, `daily`).

use costintent_scenario::{
    Catalog, Checked, DayCount, Diagnostics, LoadOptions, RateShape, TimeUnit, Value, Volume,
    WorkloadKind,
};

use super::today;

/// A scenario with `settings` in `[scenario]` and one requests workload
/// whose `requests` is `volume`, priced in the file.
fn text(settings: &str, volume: &str) -> String {
    format!(
        "[scenario]\nname = \"p\"\n{settings}\n\n[[workload]]\nname = \"chat\"\nkind = \"requests\"\nmodel = \"acme/tiny\"\nrequests = {volume}\ninput = 100\noutput = 10\n\n[models.\"acme/tiny\"]\ninput_per_mtok = 1\noutput_per_mtok = 2\n"
    )
}

fn load(text: &str) -> Result<Checked, Diagnostics> {
    let catalog = Catalog::embedded();
    let options = LoadOptions { catalog: &catalog, today: today(), overrides: &[] };
    costintent_scenario::load_str("p.toml", text, &options)
}

fn ok(text: &str) -> Checked {
    load(text).unwrap_or_else(|d| panic!("should be valid:\n{}\n{text}", d.render_plain()))
}

fn err(text: &str) -> Diagnostics {
    match load(text) {
        Ok(_) => panic!("should be rejected:\n{text}"),
        Err(d) => d,
    }
}

/// Snapshots `text` as `tests/snapshots/parse__<name>.snap`.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("parse__{name}"), text));
}

const POISSON: &str = "{ per = \"day\", mean = 10 }";

#[test]
fn every_unit_of_a_length_means_what_the_readme_says() {
    for (period, days) in [
        ("\"30d\"", 30.0),
        ("\"1w\"", 7.0),
        ("\"12h\"", 0.5),
        ("\"90min\"", 90.0 / 1440.0),
        ("\"3600s\"", 1.0 / 24.0),
        ("\"1mo\"", 30.0),
        ("\"2mo\"", 60.0),
        ("\"1y\"", 365.0),
        ("86400", 1.0),
    ] {
        let checked = ok(&text(&format!("period = {period}\nprices = \"2026-11-01\""), POISSON));
        let got = checked.scenario.period.days();
        assert!((got - days).abs() < 1e-9, "{period}: {got} days, expected {days}");
    }
}

#[test]
fn a_period_in_m_is_ambiguous_and_says_how_to_write_either() {
    let d = err(&text("period = \"1m\"", POISSON));
    snapshot("ambiguous_period", &d.render_plain());
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    let e = &d.errors[0];
    assert_eq!(e.message, "`period = \"1m\"` is ambiguous: `m` could mean minutes or months");
    let help = e.help.as_deref().unwrap_or_default();
    assert!(help.contains("\"1min\"") && help.contains("\"1mo\""), "{help}");
    assert_eq!((e.line(), e.column()), (Some(3), Some(10)));
}

#[test]
fn minutes_elsewhere_keep_their_meaning() {
    // A cache TTL, a gap and a latency in `m` are minutes, as always.
    let text = "[scenario]\nname = \"p\"\nperiod = \"1d\"\nprices = \"2026-11-01\"\n\n[[workload]]\nname = \"a\"\nkind = \"agent\"\nmodel = \"acme/tiny\"\nsessions = 3\nturns = 2\ninput = 10\noutput = 10\ncontext = { start = 0, window = 1000, compact_to = 10 }\ncache = { ttl = \"5m\", gap = { dist = \"lognormal\", median = \"20s\", p90 = \"4m\" } }\ntimeout = { after = \"2m\", latency = \"1min\" }\nfailures = { rate = 0, retries = 1, billed = \"none\" }\n\n[models.\"acme/tiny\"]\ninput_per_mtok = 1\noutput_per_mtok = 2\ncache_read_per_mtok = 0.1\n";
    let checked = ok(text);
    let w = &checked.scenario.workloads[0];
    let WorkloadKind::Agent(a) = &w.kind else { panic!("agent") };
    assert_eq!(a.cache.as_ref().map(|c| c.ttl_seconds), Some(300.0));
    assert_eq!(w.timeout.as_ref().map(|t| t.after_seconds), Some(120.0));
}

#[test]
fn spelled_out_units_get_their_short_form() {
    let d = err(&text("period = \"2 months\"", POISSON));
    assert_eq!(
        d.errors[0].message,
        "`period`: unknown time unit `months` in \"2 months\": write \"2mo\""
    );
}

#[test]
fn a_calendar_month_is_its_days_and_sets_the_price_date() {
    let checked = ok(&text("period = \"2026-12\"", POISSON));
    let s = &checked.scenario;
    assert_eq!((s.period.days(), s.period.text.as_str()), (31.0, "2026-12"));
    assert_eq!(s.prices_date.to_string(), "2026-12-01");
    // A per-day rate covers the month's 31 days.
    let WorkloadKind::Requests(r) = &s.workloads[0].kind else { panic!("requests") };
    let Volume::PerUnit { units, .. } = &r.requests else { panic!("per day") };
    assert_eq!(*units, 31.0);
    // 2026-12-01 is 6 days after the tests' today: no warning.
    assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
}

#[test]
fn quarters_and_years_are_calendar_periods_too() {
    for (period, days, first) in [
        ("2027-Q1", 90.0, "2027-01-01"),
        ("2028-Q1", 91.0, "2028-01-01"),
        ("2026-Q4", 92.0, "2026-10-01"),
        ("2027", 365.0, "2027-01-01"),
    ] {
        let checked = ok(&text(&format!("period = \"{period}\""), POISSON));
        assert_eq!(checked.scenario.period.days(), days, "{period}");
        assert_eq!(checked.scenario.prices_date.to_string(), first, "{period}");
    }
}

#[test]
fn a_price_date_that_is_not_the_calendar_period_s_first_day_is_an_error() {
    let same = ok(&text("period = \"2026-12\"\nprices = \"2026-12-01\"", POISSON));
    assert_eq!(same.scenario.prices_date.to_string(), "2026-12-01");
    let d = err(&text("period = \"2026-12\"\nprices = \"2026-11-15\"", POISSON));
    snapshot("calendar_period_prices", &d.render_plain());
    assert_eq!(d.errors.len(), 1);
    assert_eq!(
        d.errors[0].message,
        "`prices = \"2026-11-15\"` is not the first day of `period = \"2026-12\"` (2026-12-01)"
    );
    assert_eq!(d.errors[0].line(), Some(4));
}

#[test]
fn a_malformed_calendar_period_says_what_is_wrong() {
    let d = err(&text("period = \"2026-13\"", POISSON));
    assert_eq!(
        d.errors[0].message,
        "`period = \"2026-13\"` is not a calendar period: month 13 is not between 01 and 12"
    );
    let d = err(&text("period = \"2026-Q5\"", POISSON));
    assert!(d.errors[0].message.contains("Q5 is not a quarter"), "{}", d.errors[0].message);
}

#[test]
fn a_far_future_calendar_period_is_warned_about() {
    let checked = ok(&text("period = \"2027-06\"", POISSON));
    let found: Vec<&str> = checked.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0], "price date 2027-06-01 is more than a month after today (2026-11-25)");
    assert!(
        found[1].starts_with("the price date (the first day of the period), 2027-06-01, is "),
        "{}",
        found[1]
    );
    // Both point at the period, which set the date.
    assert!(checked.warnings.iter().all(|w| w.line() == Some(3)));
}

fn profile(volume: &Volume) -> &costintent_scenario::RateProfile {
    match volume {
        Volume::Profile(p) => p,
        other => panic!("expected a rate profile, got {other:?}"),
    }
}

fn requests(checked: &Checked) -> &Volume {
    match &checked.scenario.workloads[0].kind {
        WorkloadKind::Requests(r) => &r.requests,
        _ => panic!("requests"),
    }
}

fn by_day(p: &costintent_scenario::RateProfile) -> Vec<f64> {
    let mut out = Vec::new();
    p.expected_by_day(&mut |v: &Value| v.fixed().unwrap_or(f64::NAN), &mut out);
    out
}

#[test]
fn a_ramp_goes_linearly_from_the_first_day_to_the_last() {
    let checked =
        ok(&text("period = \"30d\"", "{ per = \"day\", ramp = { from = 200, to = 1400 } }"));
    let p = profile(requests(&checked));
    assert!(matches!(p.count, DayCount::Poisson));
    let days = by_day(p);
    assert_eq!(days.len(), 30);
    assert_eq!((days[0], days[29]), (200.0, 1400.0));
    // 30 · (200 + 1400) / 2 = 24,000, exactly.
    assert_eq!(days.iter().sum::<f64>(), 24_000.0);
    assert_eq!(requests(&checked).mean(), Some(24_000.0));
}

#[test]
fn a_weekly_ramp_is_converted_to_days_and_a_partial_last_day_counts_its_share() {
    let checked = ok(&text(
        "period = \"36h\"",
        "{ per = \"week\", ramp = { from = 70, to = 140 }, arrivals = \"exact\" }",
    ));
    let p = profile(requests(&checked));
    assert!(matches!(p.count, DayCount::Exact));
    // 10 a day on the first day, 20 on the second, of which half is in the period.
    assert_eq!(by_day(p), [10.0, 10.0]);
}

#[test]
fn growth_compounds_from_the_first_day_s_mean() {
    let checked = ok(&text(
        "period = \"2026-12\"",
        "{ per = \"day\", mean = 100, growth = { per_week = 0.25 } }",
    ));
    let p = profile(requests(&checked));
    let RateShape::Growth { every, .. } = &p.shape else { panic!("growth") };
    assert_eq!(*every, TimeUnit::Week);
    let days = by_day(p);
    assert_eq!(days.len(), 31);
    assert_eq!(days[0], 100.0);
    assert!((days[7] - 125.0).abs() < 1e-9, "{}", days[7]);
    assert!((days[14] - 156.25).abs() < 1e-9, "{}", days[14]);
}

#[test]
fn a_distribution_per_day_can_grow() {
    let checked = ok(&text(
        "period = \"7d\"",
        "{ per = \"day\", dist = \"negbin\", mean = 60, p90 = 100, growth = { per_day = 0.1 } }",
    ));
    let p = profile(requests(&checked));
    assert!(matches!(p.count, DayCount::Scaled(_)));
    let days = by_day(p);
    assert!((days[1] - 1.1).abs() < 1e-12, "factors: {days:?}");
    // The mean is 60 on the first day, growing 10% a day.
    let expected: f64 = (0..7).map(|i| 60.0 * 1.1f64.powi(i)).sum();
    assert!((requests(&checked).mean().unwrap_or(0.0) - expected).abs() < 1e-6);
}

#[test]
fn a_daily_table_gives_each_day_its_rate() {
    let checked = ok(&text("period = \"3d\"", "{ per = \"day\", daily = [0, 500, 1000] }"));
    let p = profile(requests(&checked));
    assert_eq!(by_day(p), [0.0, 500.0, 1000.0]);
    assert_eq!(requests(&checked).mean(), Some(1500.0));
}

#[test]
fn uncertain_ramp_ends_and_growth_are_sensitivity_parameters() {
    let checked = ok(&text(
        "period = \"30d\"",
        "{ per = \"day\", ramp = { from = 100, to = { dist = \"uniform\", min = 500, max = 900 } } }",
    ));
    let paths: Vec<String> =
        checked.scenario.uncertain_parameters().into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["chat.requests.ramp.to"]);
    let checked = ok(&text(
        "period = \"30d\"",
        "{ per = \"day\", mean = 100, growth = { per_week = { dist = \"beta\", mean = 0.2, sd = 0.05 } } }",
    ));
    let paths: Vec<String> =
        checked.scenario.uncertain_parameters().into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["chat.requests.growth.per_week"]);
}

#[test]
fn rate_profiles_that_do_not_fit_are_errors() {
    let cases = [
        ("period = \"30d\"", "{ per = \"day\", daily = [1, 2, 3] }"),
        ("period = \"30d\"", "{ per = \"day\", mean = 5, ramp = { from = 1, to = 2 } }"),
        (
            "period = \"30d\"",
            "{ per = \"day\", ramp = { from = 1, to = 2 }, growth = { per_week = 0.1 } }",
        ),
        ("period = \"30d\"", "{ per = \"day\", mean = 5, growth = { per_week = -1 } }"),
        ("period = \"30d\"", "{ per = \"day\", mean = 5, growth = { per_year = 0.1 } }"),
        ("period = \"30d\"", "{ per = \"day\", mean = 5, growth = { } }"),
        ("period = \"12h\"", "{ per = \"day\", ramp = { from = 1, to = 2 } }"),
        (
            "period = \"30d\"",
            "{ per = \"day\", dist = \"negbin\", mean = 5, sd = 4, ramp = { from = 1, to = 2 } }",
        ),
        (
            "period = \"30d\"",
            "{ per = \"week\", dist = \"negbin\", mean = 5, sd = 4, growth = { per_week = 0.1 } }",
        ),
        ("period = \"30d\"", "{ per = \"hour\", daily = [1] }"),
        ("period = \"30d\"", "{ per = \"day\", mean = 5, arrivals = \"exact\" }"),
        (
            "period = \"30d\"",
            "{ per = \"day\", ramp = { from = 1, to = 2 }, arrivals = \"sometimes\" }",
        ),
        ("period = \"30d\"", "{ ramp = { from = 1, to = 2 } }"),
    ];
    let mut rendered = String::new();
    for (settings, volume) in cases {
        let d = err(&text(settings, volume));
        rendered.push_str(&format!("# {settings}, requests = {volume}\n{}\n", d.render_plain()));
    }
    snapshot("rate_profile_errors", &rendered);
}

/// An image workload on a catalog model, with `size` and `quality`.
fn image(model: &str, size: &str, quality: &str) -> String {
    format!(
        "[scenario]\nname = \"i\"\nperiod = \"30d\"\nprices = \"2026-11-01\"\n\n[[workload]]\nname = \"pics\"\nkind = \"image\"\nmodel = \"{model}\"\nrequests = 100\nsize = \"{size}\"\nquality = \"{quality}\"\n"
    )
}

#[test]
fn a_flat_priced_image_model_refuses_sizes_and_qualities_it_does_not_make() {
    // One price for every image, and still only the sizes it makes.
    let ok_text = image("google/gemini-2.5-flash-image", "1K", "standard");
    let checked = ok(&ok_text);
    let WorkloadKind::Image(i) = &checked.scenario.workloads[0].kind else { panic!("image") };
    assert_eq!(i.usd_per_image, 0.039);
    let d = err(&image("google/gemini-2.5-flash-image", "banana", "ultra-mega"));
    snapshot("image_unknown_size_and_quality", &d.render_plain());
    let found: Vec<&str> = d.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "model `google/gemini-2.5-flash-image` makes no images of size `banana`",
            "model `google/gemini-2.5-flash-image` has no quality `ultra-mega`",
        ]
    );
    assert!(
        d.errors.iter().all(|e| e.help.as_deref().is_some_and(|h| h.contains("1K (standard)")))
    );
    // A size it makes at another quality is named as such.
    let d = err(&image("openai/gpt-image-1.5", "1024x1024", "ultra"));
    assert_eq!(d.errors[0].message, "model `openai/gpt-image-1.5` has no quality `ultra`");
    let d = err(&image("runway/gen4_image_turbo", "4K", "standard"));
    assert_eq!(d.errors[0].message, "model `runway/gen4_image_turbo` makes no images of size `4K`");
}

#[test]
fn required_keys_are_reported_missing() {
    // `size` and `quality` of an image workload, `context` of an agent, and
    // `billed` of `failures` have no default.
    let text = "[scenario]\nname = \"r\"\nperiod = \"1d\"\nprices = \"2026-11-01\"\n\n[[workload]]\nname = \"pics\"\nkind = \"image\"\nmodel = \"openai/gpt-image-1.5\"\nrequests = 10\nfailures = { rate = 0.1, retries = 1 }\n\n[[workload]]\nname = \"a\"\nkind = \"agent\"\nmodel = \"anthropic/claude-haiku-4-5\"\nsessions = 1\nturns = 1\ninput = 1\noutput = 1\n";
    let d = err(text);
    let found: Vec<&str> = d.errors.iter().map(|e| e.message.as_str()).collect();
    for missing in [
        "missing key `size` in workload \"pics\"",
        "missing key `quality` in workload \"pics\"",
        "missing key `billed` in `failures`",
        "missing key `context` in workload \"a\"",
    ] {
        assert!(found.contains(&missing), "{missing} not in {found:#?}");
    }
}

#[test]
fn thirty_days_from_the_first_of_a_31_day_month_is_pointed_out() {
    let checked = ok(&text("period = \"30d\"\nprices = \"2026-12-01\"", POISSON));
    let found: Vec<&str> = checked.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        found,
        [
            "`period = \"30d\"` from 2026-12-01 ends on 2026-12-30, not at the end of 2026-12 (31 days)"
        ]
    );
    let help = checked.warnings[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("`period = \"2026-12\"`"), "{help}");
    // A whole month, another day, or a length far from a month: no warning.
    for settings in [
        "period = \"30d\"\nprices = \"2026-11-01\"",
        "period = \"31d\"\nprices = \"2026-12-01\"",
        "period = \"30d\"\nprices = \"2026-12-02\"",
        "period = \"7d\"\nprices = \"2026-12-01\"",
    ] {
        let checked = ok(&text(settings, POISSON));
        assert!(checked.warnings.is_empty(), "{settings}: {:?}", checked.warnings);
    }
}
