//! Each workload's parameters in words, for the assumptions section.
//!
//! A reader who never saw the scenario file should be able to check every
//! assumption behind the numbers: volumes, distributions with their
//! parameters, failures, timeouts, and the resolved per-unit prices.

use costintent_scenario::{
    AgentSpec, Billed, CacheWritePrice, DayCount, Dist, Draw, ImageSpec, LogNormalParams, Mode,
    NegBinSpread, Period, RateProfile, RateShape, RealtimeSpec, RequestsSpec, Scenario, Value,
    VideoSpec, Volume, Workload, WorkloadKind,
};
use serde::Serialize;

use crate::format::{duration, percent, period_words, plain_number, unit_price, usd};

/// One assumption of a workload: the scenario key and what it says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assumption {
    /// The scenario key (`sessions`, `turns`, `failures`, …).
    pub key: String,
    /// The value in words.
    pub text: String,
}

/// A workload's assumptions, in the order a reader checks them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkloadAssumptions {
    /// The workload's name.
    pub workload: String,
    /// Its kind keyword.
    pub kind: String,
    /// Its model id.
    pub model: String,
    /// Each key in words.
    pub items: Vec<Assumption>,
}

/// What a number measures, so it prints with its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    /// A count of things or tokens.
    Count,
    /// Seconds, printed as `20s`, `4m`.
    Seconds,
    /// A probability or share, printed as a percentage.
    Share,
}

/// Describes every workload of `scenario`.
pub(crate) fn describe_scenario(scenario: &Scenario) -> Vec<WorkloadAssumptions> {
    scenario.workloads.iter().map(|w| describe_workload(scenario, w)).collect()
}

fn describe_workload(scenario: &Scenario, workload: &Workload) -> WorkloadAssumptions {
    let mut items = Items::default();
    match &workload.kind {
        WorkloadKind::Requests(spec) => requests(&mut items, spec, &scenario.period),
        WorkloadKind::Agent(spec) => {
            agent(
                &mut items,
                spec,
                &scenario.period,
                crate::provider::bills_cache_writes(workload),
            );
        }
        WorkloadKind::Image(spec) => image(&mut items, spec, &scenario.period),
        WorkloadKind::Video(spec) => video(&mut items, spec, &scenario.period),
        WorkloadKind::Realtime(spec) => realtime(&mut items, spec, &scenario.period),
    }
    items.push("failures", failures_text(workload));
    if let Some(timeout) = &workload.timeout {
        items.push(
            "timeout",
            format!(
                "the client gives up after {} and sends the attempt again (the abandoned one \
                 still bills); latency per attempt: {}",
                duration(timeout.after_seconds),
                draw(&timeout.latency, Measure::Seconds)
            ),
        );
    }
    if let Some(wallet) = workload.via.and_then(|i| scenario.wallets.get(i)) {
        let fees = if wallet.usage_fee_percent > 0.0 {
            format!(", plus a {}% fee on every charge", plain_number(wallet.usage_fee_percent))
        } else {
            String::new()
        };
        items.push(
            "via",
            format!(
                "paid from prepaid wallet `{}`: top-ups of {} with a fee of {}% (at least {}) \
                 each{fees}",
                wallet.name,
                usd(wallet.topup),
                plain_number(wallet.fee_percent),
                usd(wallet.fee_min)
            ),
        );
    }
    WorkloadAssumptions {
        workload: workload.name.clone(),
        kind: workload.kind.keyword().to_owned(),
        model: workload.price.id.clone(),
        items: items.0,
    }
}

#[derive(Default)]
struct Items(Vec<Assumption>);

impl Items {
    fn push(&mut self, key: &str, text: String) {
        self.0.push(Assumption { key: key.to_owned(), text });
    }
}

fn requests(items: &mut Items, spec: &RequestsSpec, period: &Period) {
    items.push("requests", volume(&spec.requests, period));
    items.push("input", format!("{} tokens per request", draw(&spec.input, Measure::Count)));
    items.push("output", format!("{} tokens per request", draw(&spec.output, Measure::Count)));
    if let Some(reasoning) = &spec.reasoning {
        items.push(
            "reasoning",
            format!("{} tokens per request, billed as output", draw(reasoning, Measure::Count)),
        );
    }
    items.push(
        "cached",
        format!(
            "{} of input tokens read from the prompt cache",
            value(&spec.cached, Measure::Share)
        ),
    );
    let mode = match spec.mode {
        Mode::Standard => "standard (list prices)",
        Mode::Batch => "batch (the model's batch discount on input and output)",
    };
    items.push("mode", mode.to_owned());
}

fn agent(items: &mut Items, spec: &AgentSpec, period: &Period, cache_writes_billed: bool) {
    items.push("sessions", volume(&spec.sessions, period));
    items.push("turns", format!("{} model calls per session", draw(&spec.turns, Measure::Count)));
    items.push("input", format!("{} new tokens per turn", draw(&spec.input, Measure::Count)));
    items.push(
        "output",
        format!(
            "{} tokens generated per turn, kept in the context",
            draw(&spec.output, Measure::Count)
        ),
    );
    let compaction = if spec.compaction_cost {
        "compaction is billed as a model call"
    } else {
        "compaction itself is not billed"
    };
    items.push(
        "context",
        format!(
            "starts at {} tokens; a prompt above {} tokens is compacted to {} tokens \
             ({compaction})",
            plain_number(spec.context.start),
            plain_number(spec.context.window),
            plain_number(spec.context.compact_to)
        ),
    );
    match &spec.cache {
        Some(cache) => {
            let writes = match (cache_writes_billed, cache.write_price) {
                (true, CacheWritePrice::FiveMinutes) => "writes at the 5-minute write price",
                (true, CacheWritePrice::OneHour) => "writes at the 1-hour write price",
                // The provider bills no cache writes: what is not read from
                // the cache is plain input.
                (false, _) => {
                    "the model bills no cache writes: a prompt not read from the cache is billed as input"
                }
            };
            items.push(
                "cache",
                format!(
                    "prompt cached for {} ({writes}); gap between turns: {}",
                    duration(cache.ttl_seconds),
                    draw(&cache.gap, Measure::Seconds)
                ),
            );
        }
        None => items.push("cache", "none: every prompt token is billed at the input price".into()),
    }
    if let Some(tools) = &spec.tools {
        items.push(
            "tools",
            format!(
                "{} tool calls per turn, each returning {} tokens into the next turn's input",
                draw(&tools.calls, Measure::Count),
                draw(&tools.output, Measure::Count)
            ),
        );
    }
    if let Some(reasoning) = &spec.reasoning {
        items.push(
            "reasoning",
            format!(
                "{} tokens per turn, billed as output and not kept in the context",
                draw(reasoning, Measure::Count)
            ),
        );
    }
}

fn image(items: &mut Items, spec: &ImageSpec, period: &Period) {
    items.push("requests", volume(&spec.requests, period));
    items.push(
        "size",
        format!(
            "{} at quality {}, priced {} per image",
            spec.size,
            spec.quality,
            unit_price(spec.usd_per_image)
        ),
    );
    let images = match spec.n {
        Draw::Const(1.0) => "1 image per request".to_owned(),
        _ => format!("{} images per request", draw(&spec.n, Measure::Count)),
    };
    items.push("n", images);
    items.push(
        "regenerate",
        format!(
            "{} chance that the user asks again, each time",
            value(&spec.regenerate, Measure::Share)
        ),
    );
}

fn video(items: &mut Items, spec: &VideoSpec, period: &Period) {
    items.push("requests", volume(&spec.requests, period));
    items.push("seconds", format!("{} of output per job", draw(&spec.seconds, Measure::Seconds)));
    items.push(
        "resolution",
        format!(
            "{}{}, priced {} per second of output",
            spec.resolution,
            if spec.audio { " with audio" } else { " without audio" },
            unit_price(spec.usd_per_second)
        ),
    );
    if let Some(poll) = &spec.poll {
        items.push(
            "poll",
            format!(
                "status polled every {} at {} per poll",
                duration(poll.every_seconds),
                unit_price(poll.usd_per_poll)
            ),
        );
    }
}

fn realtime(items: &mut Items, spec: &RealtimeSpec, period: &Period) {
    items.push("sessions", volume(&spec.sessions, period));
    items.push("minutes", format!("{} minutes per session", draw(&spec.minutes, Measure::Count)));
    items.push(
        "turns_per_minute",
        format!(
            "{} turns per minute; each turn re-bills the conversation so far as input",
            value(&spec.turns_per_minute, Measure::Count)
        ),
    );
    items.push(
        "user_share",
        format!("{} of spoken time is the user's", value(&spec.user_share, Measure::Share)),
    );
}

fn failures_text(workload: &Workload) -> String {
    let failures = &workload.failures;
    if failures.rate.fixed() == Some(0.0) {
        return "none".to_owned();
    }
    let billed = match failures.billed {
        Billed::None => "not billed",
        Billed::Input => "billed for its input tokens (or the task fee)",
        Billed::Full => "billed as a success",
        Billed::Partial => "billed for its input and a uniform share of its output",
    };
    let retries = match failures.retries.fixed() {
        Some(0.0) => "never retried".to_owned(),
        Some(1.0) => "retried once".to_owned(),
        _ => format!("retried up to {} times", value(&failures.retries, Measure::Count)),
    };
    format!(
        "{} of attempts fail; a failed request is {retries}; a failed attempt is {billed}",
        value(&failures.rate, Measure::Share)
    )
}

/// How many things happen in the period, with the expected total when the
/// count is Poisson with a fixed rate (`check` and the assumptions section).
pub fn volume(volume: &Volume, period: &Period) -> String {
    match volume {
        Volume::Fixed(n) => format!("exactly {} in {}", plain_number(*n), period_words(period)),
        Volume::PerPeriod(d) => format!("{} in {}", dist(d, Measure::Count), period_words(period)),
        Volume::PerUnit { per, units, dist: d } => {
            let unit = per.keyword();
            match d {
                Dist::Poisson { mean: Value::Fixed(mean) } => format!(
                    "Poisson arrivals, mean {} a {unit} ({} expected in {})",
                    plain_number(*mean),
                    plain_number(mean * units),
                    period_words(period)
                ),
                _ => format!(
                    "{} per {unit}, over {} {unit}s",
                    dist(d, Measure::Count),
                    plain_number(*units)
                ),
            }
        }
        Volume::Profile(p) => rate_profile(p, period),
    }
}

/// A rate that changes over the period in words: its law, its shape, the
/// rate on a few days (every week, and the last day) and the expected total.
/// Uncertain parameters are taken at their means for the day-by-day figures.
fn rate_profile(p: &RateProfile, period: &Period) -> String {
    let per = p.per.keyword();
    let law = match &p.count {
        DayCount::Poisson => "Poisson arrivals".to_owned(),
        DayCount::Exact => "exact counts".to_owned(),
        DayCount::Scaled(d) => format!("{} per day", dist(d, Measure::Count)),
    };
    let shape = match &p.shape {
        RateShape::Ramp { from, to } => format!(
            "at a rate ramping linearly from {} a {per} on the first day to {} on the last",
            value(from, Measure::Count),
            value(to, Measure::Count)
        ),
        RateShape::Growth { start, rate, every } => {
            let first = match &p.count {
                DayCount::Scaled(_) => String::new(),
                _ => format!("from {} a {per} on the first day, ", value(start, Measure::Count)),
            };
            format!(
                "{first}growing {} a {} (compounded daily)",
                value(rate, Measure::Share),
                every.keyword()
            )
        }
        RateShape::Daily(_) => "at the daily rates listed".to_owned(),
    };
    let mut text = format!("{law} {shape}");
    if let Some(days) = mean_by_day(p) {
        let rate = |i: usize| {
            let length = p.day_length(i);
            if length > 0.0 { days[i] / length } else { 0.0 }
        };
        let last = days.len().saturating_sub(1);
        let step = 7 * days.len().div_ceil(42).max(1);
        let mut shown: Vec<String> = (0..days.len())
            .step_by(step)
            .filter(|i| *i != last)
            .map(|i| format!("day {}: {}", i + 1, plain_number(rate(i).round())))
            .collect();
        shown.push(format!("day {}: {}", last + 1, plain_number(rate(last).round())));
        let uncertain = if p.shape_values().iter().any(|v| v.fixed().is_none()) {
            ", at the means of the uncertain parameters"
        } else {
            ""
        };
        text.push_str(&format!(
            " ({} a day; {} expected in {}{uncertain})",
            shown.join(" · "),
            plain_number(days.iter().sum::<f64>().round()),
            period_words(period)
        ));
    }
    text
}

/// Each day's expected count, with uncertain parameters at their means
/// (`None` when a mean is unknown, such as a mean whose own parameters are
/// uncertain).
fn mean_by_day(p: &RateProfile) -> Option<Vec<f64>> {
    let mut ok = true;
    let mut value = |v: &Value| match v {
        Value::Fixed(x) => *x,
        Value::PerTrial { dist, domain } => match dist.fixed_sampler().and_then(Result::ok) {
            Some(s) => domain.clamp(s.mean()).0,
            None => {
                ok = false;
                0.0
            }
        },
    };
    let mut out = Vec::new();
    p.expected_by_day(&mut value, &mut out);
    let scale = match &p.count {
        DayCount::Scaled(d) => d.fixed_sampler()?.ok()?.mean(),
        DayCount::Poisson | DayCount::Exact => 1.0,
    };
    out.iter_mut().for_each(|x| *x *= scale);
    ok.then_some(out)
}

fn draw(d: &Draw, measure: Measure) -> String {
    match d {
        Draw::Const(x) => number(*x, measure),
        Draw::Dist(d) => dist(d, measure),
    }
}

fn value(v: &Value, measure: Measure) -> String {
    match v {
        Value::Fixed(x) => number(*x, measure),
        Value::PerTrial { dist: d, .. } => {
            format!("[uncertain, drawn once per trial: {}]", dist(d, measure))
        }
    }
}

fn number(x: f64, measure: Measure) -> String {
    match measure {
        Measure::Count => plain_number(x),
        Measure::Seconds => duration(x),
        Measure::Share => percent(x),
    }
}

fn dist(d: &Dist, m: Measure) -> String {
    match d {
        Dist::Poisson { mean } => format!("Poisson (mean {})", value(mean, m)),
        Dist::NegBin { mean, spread } => {
            let spread = match spread {
                NegBinSpread::P90(p90) => format!("p90 {}", value(p90, m)),
                NegBinSpread::Sd(sd) => format!("sd {}", value(sd, m)),
            };
            format!("negative binomial (mean {}, {spread})", value(mean, m))
        }
        Dist::Geometric { mean } => format!("geometric (mean {})", value(mean, m)),
        Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 }) => {
            format!("lognormal (median {}, p90 {})", value(median, m), value(p90, m))
        }
        Dist::LogNormal(LogNormalParams::MeanSd { mean, sd }) => {
            format!("lognormal (mean {}, sd {})", value(mean, m), value(sd, m))
        }
        Dist::Normal { mean, sd } => {
            format!("normal (mean {}, sd {})", value(mean, m), value(sd, m))
        }
        Dist::Uniform { min, max } => {
            format!("uniform (from {} to {})", value(min, m), value(max, m))
        }
        Dist::Gamma { mean, sd } => format!("gamma (mean {}, sd {})", value(mean, m), value(sd, m)),
        Dist::Beta { mean, sd } => format!("beta (mean {}, sd {})", value(mean, m), value(sd, m)),
        Dist::Choice(choice) => {
            let weights: Vec<f64> = choice
                .cumulative
                .iter()
                .scan(0.0, |previous, &c| {
                    let w = c - *previous;
                    *previous = c;
                    Some(w)
                })
                .collect();
            let equal = weights.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-12);
            let shown: Vec<String> = choice
                .values
                .iter()
                .zip(&weights)
                .map(|(&v, &w)| {
                    if equal { number(v, m) } else { format!("{} ({})", number(v, m), percent(w)) }
                })
                .collect();
            let tail = if equal && shown.len() > 1 { ", equally likely" } else { "" };
            format!("one of {}{tail}", shown.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use costintent_scenario::{Choice, Domain, TimeUnit};

    use super::*;

    fn period() -> Period {
        Period { seconds: 30.0 * 86_400.0, text: "30d".into() }
    }

    #[test]
    fn poisson_volume_states_the_expected_total() {
        let v = Volume::PerUnit {
            per: TimeUnit::Day,
            units: 30.0,
            dist: Dist::Poisson { mean: Value::Fixed(60.0) },
        };
        assert_eq!(
            volume(&v, &period()),
            "Poisson arrivals, mean 60 a day (1,800 expected in 30 days)"
        );
        assert_eq!(volume(&Volume::Fixed(400.0), &period()), "exactly 400 in 30 days");
    }

    #[test]
    fn distributions_print_their_parameters_with_units() {
        let gap = Dist::LogNormal(LogNormalParams::MedianP90 {
            median: Value::Fixed(20.0),
            p90: Value::Fixed(240.0),
        });
        assert_eq!(dist(&gap, Measure::Seconds), "lognormal (median 20s, p90 4m)");
        let choice = Dist::Choice(Arc::new(Choice {
            values: vec![4.0, 8.0, 12.0],
            cumulative: vec![0.25, 0.75, 1.0],
        }));
        assert_eq!(dist(&choice, Measure::Seconds), "one of 4s (25.0%), 8s (50.0%), 12s (25.0%)");
        let uncertain = Value::PerTrial {
            dist: Box::new(Dist::Beta { mean: Value::Fixed(0.03), sd: Value::Fixed(0.01) }),
            domain: Domain::Probability,
        };
        assert_eq!(
            value(&uncertain, Measure::Share),
            "[uncertain, drawn once per trial: beta (mean 3.0%, sd 1.0%)]"
        );
    }
}
