//! The parser never panics, whatever it is given.

use costintent_scenario::{Catalog, LoadOptions, Override};
use proptest::prelude::*;

fn check(text: &str, overrides: &[Override]) {
    let catalog = Catalog::embedded();
    let options = LoadOptions { catalog: &catalog, today: super::today(), overrides };
    match costintent_scenario::load_str("prop.toml", text, &options) {
        Ok(_) => {}
        Err(d) => {
            assert!(!d.errors.is_empty(), "a rejection always says why");
            // Rendering must not panic on any span either.
            let _ = d.render_plain();
        }
    }
}

/// Pieces of real scenarios, so that generated text reaches deep into the
/// validator instead of stopping at the TOML parser.
const PIECES: &[&str] = &[
    "[scenario]\n",
    "name = \"x\"\n",
    "period = \"30d\"\n",
    "period = 0\n",
    "prices = 2026-11-01\n",
    "[[workload]]\n",
    "name = \"a\"\n",
    "kind = \"agent\"\n",
    "kind = \"image\"\n",
    "kind = \"video\"\n",
    "model = \"acme/x\"\n",
    "sessions = { per = \"day\", mean = 5 }\n",
    "requests = { dist = \"negbin\", mean = 3, p90 = 9 }\n",
    "turns = { dist = \"lognormal\", median = { dist = \"gamma\", mean = 2, sd = 1 }, p90 = 5 }\n",
    "input = { dist = \"choice\", values = [1, 2], weights = [0, 0] }\n",
    "output = -3\n",
    "context = { start = 0, window = 10, compact_to = 5 }\n",
    "cache = { ttl = \"5m\", gap = \"20s\" }\n",
    "failures = { rate = 0.1, retries = 2, billed = \"full\" }\n",
    "size = \"1x1\"\nquality = \"low\"\n",
    "seconds = 4\nresolution = \"720p\"\n",
    "[models.\"acme/x\"]\n",
    "input_per_mtok = 1\noutput_per_mtok = 2\nper_image = 1\nper_video_second = 1\n",
    "[[wallet]]\nname = \"w\"\ntopup = 1\n",
    "via = \"w\"\n",
    "é\u{0}\t\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check(&text, &[]);
    }

    #[test]
    fn scenario_shaped_text_never_panics(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)) {
        check(&pieces.concat(), &[]);
    }

    #[test]
    fn arbitrary_overrides_never_panic(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..16),
        path in "[a-z.]{0,12}",
        value in "\\PC{0,24}",
    ) {
        check(&pieces.concat(), &[Override { path, value }]);
    }
}
