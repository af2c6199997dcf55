//! Scenarios for the benchmarks: one small, representative scenario per
//! workload kind (custom prices, so catalog edits do not move the numbers),
//! plus the reference workload of `benches/compare.sh`.

use costintent_scenario::{Catalog, Date, LoadOptions, Scenario};

/// The workload kinds, as `scenario` takes them.
pub const KINDS: [&str; 6] = ["requests", "agent", "agent-cached", "image", "video", "realtime"];

/// The reference workload (`benches/reference.toml`).
pub const REFERENCE: &str = include_str!("reference.toml");

const PRICES: &str = r#"
[models."bench/text"]
input_per_mtok = 3.0
output_per_mtok = 15.0
cache_read_per_mtok = 0.3
cache_write_per_mtok = 3.75
long_context = { above = 200000, input_per_mtok = 6.0, output_per_mtok = 22.5 }

[models."bench/image"]
per_image = 0.04

[models."bench/video"]
per_video_second = 0.15

[models."bench/voice"]
audio = { input_per_mtok = 10, output_per_mtok = 20, cached_input_per_mtok = 0.3, input_tokens_per_minute = 600, output_tokens_per_minute = 1200 }
"#;

fn workload(kind: &str) -> &'static str {
    match kind {
        "requests" => {
            r#"
[[workload]]
name = "w"
kind = "requests"
model = "bench/text"
requests = { per = "day", mean = 300 }
input = { dist = "lognormal", median = 1500, p90 = 5000 }
output = { dist = "lognormal", median = 300, p90 = 1200 }
cached = 0.3
failures = { rate = 0.02, retries = 2, billed = "input" }
"#
        }
        "agent" => {
            r#"
[[workload]]
name = "w"
kind = "agent"
model = "bench/text"
sessions = { per = "day", mean = 10 }
turns = { dist = "geometric", mean = 25 }
input = { dist = "lognormal", median = 3000, p90 = 12000 }
output = { dist = "lognormal", median = 600, p90 = 2500 }
context = { start = 10000, window = 200000, compact_to = 20000 }
failures = { rate = 0.03, retries = 3, billed = "input" }
"#
        }
        "agent-cached" => {
            r#"
[[workload]]
name = "w"
kind = "agent"
model = "bench/text"
sessions = { per = "day", mean = 10 }
turns = { dist = "negbin", mean = 25, p90 = 60 }
input = { dist = "lognormal", median = 3000, p90 = 12000 }
output = { dist = "lognormal", median = 600, p90 = 2500 }
reasoning = { dist = "lognormal", median = 300, p90 = 2000 }
tools = { calls = { dist = "poisson", mean = 1.5 }, output = { dist = "lognormal", median = 800, p90 = 6000 } }
context = { start = 15000, window = 200000, compact_to = 30000 }
cache = { ttl = "5m", gap = { dist = "lognormal", median = "25s", p90 = "6m" } }
failures = { rate = 0.02, retries = 3, billed = "input" }
"#
        }
        "image" => {
            r#"
[[workload]]
name = "w"
kind = "image"
model = "bench/image"
requests = { per = "day", mean = 300 }
size = "1024x1024"
quality = "medium"
regenerate = 0.15
failures = { rate = 0.02, retries = 2, billed = "none" }
"#
        }
        "video" => {
            r#"
[[workload]]
name = "w"
kind = "video"
model = "bench/video"
requests = { per = "day", mean = 100 }
seconds = { dist = "choice", values = [4, 6, 8] }
resolution = "720p"
client_timeout = "3m"
duration = { dist = "lognormal", median = "80s", p90 = "4m" }
poll = { every = "10s", cost = 0 }
failures = { rate = 0.05, retries = 1, billed = "none" }
"#
        }
        _ => {
            r#"
[[workload]]
name = "w"
kind = "realtime"
model = "bench/voice"
sessions = { per = "day", mean = 30 }
minutes = { dist = "lognormal", median = 3, p90 = 9 }
turns_per_minute = 4
"#
        }
    }
}

/// A 30-day scenario with one workload of `kind` (one of [`KINDS`]).
///
/// # Panics
///
/// If the scenario text does not validate, which is a bug in this file.
pub fn scenario(kind: &str) -> Scenario {
    let text = format!(
        "[scenario]\nname = \"bench {kind}\"\nperiod = \"30d\"\nprices = \"2026-11-01\"\n{PRICES}{}",
        workload(kind)
    );
    load(&format!("bench-{kind}.toml"), &text)
}

/// The reference workload as a validated scenario.
///
/// # Panics
///
/// If `benches/reference.toml` does not validate.
pub fn reference() -> Scenario {
    load("benches/reference.toml", REFERENCE)
}

fn load(name: &str, text: &str) -> Scenario {
    let catalog = Catalog::embedded();
    let options = LoadOptions {
        catalog: &catalog,
        today: Date::new(2026, 11, 25).unwrap_or_else(|_| Date::from_days_since_epoch(20_417)),
        overrides: &[],
    };
    match costintent_scenario::load_str(name, text, &options) {
        Ok(checked) => checked.scenario,
        Err(d) => panic!("benchmark scenario {name} is invalid:\n{}", d.render_plain()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_benchmark_scenario_validates() {
        for kind in KINDS {
            assert_eq!(scenario(kind).workloads.len(), 1, "{kind}");
        }
        assert_eq!(reference().workloads[0].name, "agent");
    }
}
