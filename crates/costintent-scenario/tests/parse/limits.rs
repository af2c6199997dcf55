//! Sanity bounds (`costintent_scenario::limits`) and control characters:
//! what overflows or cannot be printed is refused at validation, located.

use costintent_scenario::{Catalog, Diagnostics, LoadOptions, Override, Severity};

use super::today;

const HEAD: &str = "[scenario]\nname = \"t\"\nperiod = \"30d\"\n\n[models.\"acme/a\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n\n[[workload]]\nname = \"w\"\nkind = \"requests\"\nmodel = \"acme/a\"\n";

fn load(text: &str, overrides: &[Override]) -> Result<costintent_scenario::Checked, Diagnostics> {
    let catalog = Catalog::embedded();
    let options = LoadOptions { catalog: &catalog, today: today(), overrides };
    costintent_scenario::load_str("t.toml", text, &options)
}

fn errors(body: &str) -> Vec<(String, Option<usize>, Option<usize>)> {
    match load(&format!("{HEAD}{body}"), &[]) {
        Ok(_) => Vec::new(),
        Err(d) => d.errors.iter().map(|e| (e.message.clone(), e.line(), e.column())).collect(),
    }
}

#[test]
fn token_counts_and_their_distributions_are_bounded() {
    assert!(
        errors("requests = 10\ninput = 1e9\noutput = 5").is_empty(),
        "the bound itself is fine"
    );
    let e = errors("requests = 10\ninput = 1.5e9\noutput = 5");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, "`input` is 1.5e9 tokens, above the sanity bound of 1e9 tokens");
    assert_eq!((e[0].1, e[0].2), (Some(14), Some(9)));
    // Every parameter, at any depth.
    let e = errors(
        "requests = 10\ninput = { dist = \"poisson\", mean = { dist = \"gamma\", mean = 10, sd = 1e12 } }\noutput = 5",
    );
    assert!(
        e.iter()
            .any(|(m, ..)| m
                == "`sd` of `input` is 1e12 tokens, above the sanity bound of 1e9 tokens"),
        "{e:?}"
    );
    // Small numbers, explosive tail: median 1e-300 and p90 1000.
    let e = errors(
        "requests = 10\ninput = { dist = \"lognormal\", median = 1e-300, p90 = 1000 }\noutput = 5",
    );
    assert!(e.iter().any(|(m, ..)| m.contains("99.9999th percentile is inf tokens")), "{e:?}");
    // An ordinary heavy-tailed input passes.
    assert!(errors("requests = 10\ninput = { dist = \"lognormal\", median = 3000, p90 = 12000 }\noutput = 5").is_empty());
}

#[test]
fn counts_durations_prices_and_money_are_bounded() {
    let huge_gap = "[scenario]\nname = \"t\"\nperiod = \"30d\"\n\n[models.\"acme/a\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n\n[[workload]]\nname = \"w\"\nkind = \"agent\"\nmodel = \"acme/a\"\nsessions = 10\nturns = 2e6\ninput = 10\noutput = 5\ncontext = { start = 0, window = 2e9, compact_to = 10 }\ncache = { ttl = \"5m\", gap = \"8d\" }\n";
    let Err(d) = load(huge_gap, &[]) else { panic!("refused") };
    let messages: Vec<&str> = d.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.contains(&"`turns` is 2000000 per request or session, above the sanity bound of 1000000 per request or session"), "{messages:?}");
    assert!(
        messages.contains(&"`window` is 2e9 tokens, above the sanity bound of 1e9 tokens"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"`gap` is 8 days, above the sanity bound of 7 days"),
        "{messages:?}"
    );
    let e = errors(
        "requests = 10\ninput = 10\noutput = 5\nfailures = { rate = 0.1, retries = { dist = \"poisson\", mean = 5000 }, billed = \"none\" }",
    );
    assert!(e.iter().any(|(m, ..)| m.starts_with("`mean` of `retries` is 5000 retries")), "{e:?}");
    let pricey = HEAD.replace("output_per_mtok = 2.0", "output_per_mtok = 10001");
    let Err(d) = load(&format!("{pricey}requests = 1\ninput = 1\noutput = 1\n"), &[]) else {
        panic!("refused")
    };
    assert_eq!(
        d.errors[0].message,
        "`output_per_mtok` is 10001 USD, above the sanity bound of 10000 USD"
    );
}

#[test]
fn volumes_warn_when_absurd_and_fail_when_they_would_lose_precision() {
    let Ok(checked) = load(&format!("{HEAD}requests = 2e9\ninput = 1\noutput = 1\n"), &[]) else {
        panic!("allowed");
    };
    let warning =
        checked.warnings.iter().find(|w| w.message.contains("more than any real workload"));
    let warning = warning.expect("a warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.line(), Some(13));
    let e = errors(
        "requests = { per = \"hour\", dist = \"poisson\", mean = 1e13 }\ninput = 1\noutput = 1",
    );
    assert!(
        e.iter().any(|(m, ..)| m.starts_with("`requests` comes to 7.2e15 per period")),
        "{e:?}"
    );
}

#[test]
fn overrides_are_bounded_like_the_file() {
    let text = format!("{HEAD}requests = 10\ninput = 10\noutput = 5\n");
    let o = [Override { path: "w.input".into(), value: "1e300".into() }];
    let Err(d) = load(&text, &o) else { panic!("refused") };
    assert!(
        d.errors[0].message.contains("1e300 tokens") && d.errors[0].message.contains("override"),
        "{}",
        d.errors[0].message
    );
}

#[test]
fn control_characters_are_refused_in_every_name_and_key() {
    for (text, line) in [
        (HEAD.replace("name = \"w\"", "name = \"w\\u001b[2J\""), 10),
        (HEAD.replace("name = \"t\"", "name = \"t\\u0000\""), 2),
        (HEAD.replace("acme/a", "acme/\\u0007a"), 5),
        (format!("{HEAD}requests = 10\ninput = 10\noutput = 5\n\"k\\u001b\" = 1\n"), 16),
        (
            format!(
                "{HEAD}requests = 10\ninput = 10\noutput = 5\n[[wallet]]\nname = \"\\u202Eevil\"\ntopup = 10\n"
            ),
            17,
        ),
    ] {
        let Err(d) = load(&text, &[]) else { panic!("refused:\n{text}") };
        let e = d.errors.iter().find(|e| e.message.contains("control character")).expect("found");
        assert_eq!(e.line(), Some(line), "{}", e.message);
        let shown = d.render_plain();
        assert!(
            !shown.contains('\u{1b}')
                && !shown.contains('\0')
                && !shown.contains('\u{7}')
                && !shown.contains('\u{202e}'),
            "{shown}"
        );
    }
}

#[test]
fn regenerate_is_bounded_at_check_not_clamped_at_run() {
    // Probe row 9: 0.9999 is the largest `regenerate` (10,000 requests per
    // initial request on average); above it, and at 1, `check` says so.
    let text = |g: &str| {
        format!(
            "[scenario]\nname = \"t\"\nprices = \"2026-11-01\"\n\n[models.\"acme/img\"]\nper_image = 0.04\n\n[[workload]]\nname = \"img\"\nkind = \"image\"\nmodel = \"acme/img\"\nrequests = 10\nsize = \"1024x1024\"\nquality = \"medium\"\nregenerate = {g}\n"
        )
    };
    let catalog = costintent_scenario::Catalog::embedded();
    let options = costintent_scenario::LoadOptions {
        catalog: &catalog,
        today: super::today(),
        overrides: &[],
    };
    for ok in ["0.999", "0.9999"] {
        assert!(costintent_scenario::load_str("t.toml", &text(ok), &options).is_ok(), "{ok}");
    }
    for bad in ["0.99999", "1", "1.0"] {
        let d = costintent_scenario::load_str("t.toml", &text(bad), &options).expect_err(bad);
        let e = &d.errors[0];
        assert!(e.message.contains("`regenerate`"), "{bad}: {}", e.message);
        assert_eq!(e.line(), Some(15), "{bad}");
    }
}
