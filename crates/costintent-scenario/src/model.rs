//! The validated scenario: what the engine simulates.
//!
//! Everything here has passed validation. Rates are in [0, 1], counts are not
//! negative, every workload's model has the prices its kind needs, and every
//! distribution whose parameters are fixed converts to a sampler. Parameters
//! that are themselves distributions (uncertain assumptions, drawn once per
//! trial) are converted per trial by [`Dist::sampler`], which clamps a draw
//! that falls outside its domain and says so.

use std::sync::Arc;

use crate::date::Date;
use crate::prices::{ModelPrice, PriceChange};

/// A whole scenario file, validated.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// `scenario.name`.
    pub name: String,
    /// What one trial simulates (`scenario.period`).
    pub period: Period,
    /// The trial count the file gives (`scenario.trials`); the command line
    /// overrides it. `None`: the run chooses (adaptive precision).
    pub trials: Option<u64>,
    /// Default master seed (`scenario.seed`); the command line overrides it.
    pub seed: u64,
    /// Catalog date: prices in effect on this day (`scenario.prices`).
    pub prices_date: Date,
    /// Budget for the period in USD (`scenario.budget`).
    pub budget: Option<f64>,
    /// The workloads, in file order. Names are unique.
    pub workloads: Vec<Workload>,
    /// Prepaid credit wallets (`[[wallet]]`), in file order. Names are unique.
    pub wallets: Vec<Wallet>,
}

/// Token counts measured on one model's tokenizer, rescaled to the
/// tokenizer of the workload's model (`tokens_measured_on`).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRescale {
    /// The catalog model the counts were measured on.
    pub measured_on: String,
    /// Its tokenizer family.
    pub from_family: String,
    /// The tokenizer family of the workload's model.
    pub to_family: String,
    /// Tokens on the workload's model per measured token (every token count
    /// of the workload was multiplied by it).
    pub factor: f64,
    /// Where the ratios come from.
    pub sources: Vec<String>,
}

/// The simulated period.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    /// Length in seconds (> 0).
    pub seconds: f64,
    /// As written, for reports (`"30d"`).
    pub text: String,
}

impl Period {
    /// Length in days.
    pub fn days(&self) -> f64 {
        self.seconds / 86_400.0
    }
}

/// One workload (`[[workload]]`).
#[derive(Clone, Debug)]
pub struct Workload {
    /// Unique name; also keys the workload's random sub-stream.
    pub name: String,
    /// The model and the prices it resolved to on the scenario's `prices`
    /// date (the start of the period).
    pub price: ModelPrice,
    /// Later prices inside the period, in date order (empty when the
    /// catalog knows no change of this model's prices, rules, batch share
    /// or retirement before the period ends).
    pub price_changes: Vec<PriceChange>,
    /// How the workload's token counts were rescaled from the tokenizer
    /// they were measured on (`tokens_measured_on`); `None` when they were
    /// not.
    pub tokens_rescaled: Option<TokenRescale>,
    /// Failures and retries for every attempt.
    pub failures: Failures,
    /// Client timeouts: an attempt slower than `after` is abandoned and retried.
    pub timeout: Option<Timeout>,
    /// Index into [`Scenario::wallets`] when the workload pays from prepaid credit.
    pub via: Option<usize>,
    /// The name of the API key, workspace or project its requests are
    /// billed to (`api_key`; a label, never the secret), for `limits`.
    pub api_key: Option<String>,
    /// What the workload does.
    pub kind: WorkloadKind,
}

/// The workload kinds of the scenario format.
#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "a scenario holds a handful of workloads; boxing would only add indirection"
)]
pub enum WorkloadKind {
    /// Independent API calls.
    Requests(RequestsSpec),
    /// Sessions of turns that re-send a growing context.
    Agent(AgentSpec),
    /// Image generation, priced per image.
    Image(ImageSpec),
    /// Async video generation, priced per second of output.
    Video(VideoSpec),
    /// Realtime voice sessions priced by audio tokens.
    Realtime(RealtimeSpec),
}

impl WorkloadKind {
    /// The `kind` keyword as written in scenario files.
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Requests(_) => "requests",
            Self::Agent(_) => "agent",
            Self::Image(_) => "image",
            Self::Video(_) => "video",
            Self::Realtime(_) => "realtime",
        }
    }
}

/// `kind = "requests"`.
#[derive(Clone, Debug)]
pub struct RequestsSpec {
    /// Requests in the period.
    pub requests: Volume,
    /// Input tokens per request.
    pub input: Draw,
    /// Output tokens per request.
    pub output: Draw,
    /// Reasoning tokens per request, billed as output (0 when absent).
    pub reasoning: Option<Draw>,
    /// Share of input tokens read from the prompt cache, in [0, 1].
    pub cached: Value,
    /// Standard or batch prices.
    pub mode: Mode,
}

/// Price list a request uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// List prices.
    Standard,
    /// The catalog's batch prices (`batch_discount` off input and output).
    Batch,
}

/// `kind = "agent"`.
#[derive(Clone, Debug)]
pub struct AgentSpec {
    /// Sessions in the period.
    pub sessions: Volume,
    /// Model calls per session (a draw of 0 is a session with no turns).
    pub turns: Draw,
    /// New tokens per turn.
    pub input: Draw,
    /// Generated tokens per turn (kept in the context).
    pub output: Draw,
    /// Context growth and compaction.
    pub context: Context,
    /// Whether compaction is itself a billed model call (`compaction_cost`).
    pub compaction_cost: bool,
    /// Prompt caching; `None` bills every prompt token at the input price.
    pub cache: Option<Cache>,
    /// Tool calls per turn and the tokens each returns (added to the next turn's input).
    pub tools: Option<Tools>,
    /// Reasoning tokens per turn, billed as output and not kept in the context.
    pub reasoning: Option<Draw>,
}

/// `context = { start, window, compact_to }`, in tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Context {
    /// Tokens in the first prompt before the first input (system prompt, files).
    pub start: f64,
    /// A prompt that would exceed this many tokens triggers compaction.
    pub window: f64,
    /// Tokens the context restarts at after compaction.
    pub compact_to: f64,
}

/// `cache = { ttl, gap }`.
#[derive(Clone, Debug)]
pub struct Cache {
    /// Time to live in seconds.
    pub ttl_seconds: f64,
    /// Which cache-write price the TTL pays.
    pub write_price: CacheWritePrice,
    /// Seconds between consecutive turns of a session.
    pub gap: Draw,
}

/// Cache-write price tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheWritePrice {
    /// The 5-minute write price (TTL up to 5 minutes).
    FiveMinutes,
    /// The 1-hour write price (TTL above 5 minutes, up to 1 hour).
    OneHour,
}

/// `tools = { calls, output }`.
#[derive(Clone, Debug)]
pub struct Tools {
    /// Tool calls per turn.
    pub calls: Draw,
    /// Tokens each call returns.
    pub output: Draw,
}

/// The largest `regenerate` probability a scenario may give (and the cap on
/// a per-trial draw): a request then leads to 10,000 requests on average.
pub const MAX_REGENERATE: f64 = 0.9999;

/// `kind = "image"`.
#[derive(Clone, Debug)]
pub struct ImageSpec {
    /// Requests in the period.
    pub requests: Volume,
    /// `size` as the catalog names it (`"1024x1024"`).
    pub size: String,
    /// `quality` as the catalog names it (`"medium"`).
    pub quality: String,
    /// Images per request.
    pub n: Draw,
    /// Probability that the user asks again, each time (a new request).
    pub regenerate: Value,
    /// The resolved price of one image at this size and quality, in USD (for
    /// a credit-priced model: credits × the provider's list price of a credit).
    pub usd_per_image: f64,
}

/// `kind = "video"`.
#[derive(Clone, Debug)]
pub struct VideoSpec {
    /// Jobs in the period.
    pub requests: Volume,
    /// Seconds of output per job.
    pub seconds: Draw,
    /// `resolution` as the catalog names it (`"720p"`).
    pub resolution: String,
    /// Whether the output has audio.
    pub audio: bool,
    /// Status polling while a job runs.
    pub poll: Option<Poll>,
    /// The resolved price of one second of output, in USD (for a
    /// credit-priced model: credits × the provider's list price of a credit).
    pub usd_per_second: f64,
}

/// `poll = { every, cost }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Poll {
    /// Seconds between status polls.
    pub every_seconds: f64,
    /// USD per poll (0 for every provider we know of).
    pub usd_per_poll: f64,
}

/// `kind = "realtime"`.
#[derive(Clone, Debug)]
pub struct RealtimeSpec {
    /// Voice sessions in the period.
    pub sessions: Volume,
    /// Minutes per session.
    pub minutes: Draw,
    /// Conversational turns per minute of session.
    pub turns_per_minute: Value,
    /// Share of spoken time that is the user's (the rest is the assistant's).
    pub user_share: Value,
}

/// `failures = { rate, retries, billed }`.
#[derive(Clone, Debug)]
pub struct Failures {
    /// Probability that an attempt fails, in [0, 1].
    pub rate: Value,
    /// Retries after a failed attempt (0 = give up at once).
    pub retries: Value,
    /// What a failed attempt costs.
    pub billed: Billed,
}

impl Failures {
    /// No failures at all: the default when `failures` is absent.
    pub fn none() -> Self {
        Self { rate: Value::Fixed(0.0), retries: Value::Fixed(0.0), billed: Billed::None }
    }
}

/// What a failed attempt is billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Billed {
    /// Nothing.
    None,
    /// Its input tokens (or the task fee).
    Input,
    /// The same as a success.
    Full,
    /// Its input plus a uniform share of the output.
    Partial,
}

/// `timeout = { after, latency }` (for video also `client_timeout` with `duration`).
#[derive(Clone, Debug)]
pub struct Timeout {
    /// The client gives up after this many seconds.
    pub after_seconds: f64,
    /// Seconds an attempt takes.
    pub latency: Draw,
}

/// `[[wallet]]`: prepaid credit bought in top-ups with purchase fees.
#[derive(Clone, Debug, PartialEq)]
pub struct Wallet {
    /// Unique name, referred to by `via`.
    pub name: String,
    /// USD per credit.
    pub credit_usd: f64,
    /// Purchase fee in percent of each top-up.
    pub fee_percent: f64,
    /// Minimum fee per purchase, USD.
    pub fee_min: f64,
    /// USD of credit bought per top-up (> 0).
    pub topup: f64,
    /// Fee in percent on every charge (OpenRouter BYOK), USD.
    pub usage_fee_percent: f64,
    /// Requests a month (30 days) that carry no usage fee, before
    /// `usage_fee_percent` applies (OpenRouter BYOK: the first 1M); 0 when
    /// none.
    pub usage_fee_free_requests_per_month: f64,
}

impl Wallet {
    /// The fee paid on one top-up.
    pub fn fee_per_topup(&self) -> f64 {
        (self.topup * self.fee_percent / 100.0).max(self.fee_min)
    }
}

/// How many things happen in the period (`requests`, `sessions`).
#[derive(Clone, Debug)]
pub enum Volume {
    /// Exactly this many per period (a plain number).
    Fixed(f64),
    /// A count distribution for the whole period (`dist` without `per`).
    PerPeriod(Dist),
    /// A count per unit of time, summed over the period (`per` with `mean`,
    /// Poisson by default, or with `dist`).
    PerUnit {
        /// The unit, as written.
        per: TimeUnit,
        /// How many units the period holds (may be fractional).
        units: f64,
        /// The count in one unit.
        dist: Dist,
    },
    /// A rate that changes from day to day (`ramp`, `growth` or `daily`),
    /// simulated day by day.
    Profile(RateProfile),
}

/// A volume whose rate changes over the period, one rate per day.
///
/// The period is cut into days from its start; the last day is shorter
/// when the period is not a whole number of days. Day `i` (from 0) has a
/// rate `r_i` per day and an expected count `r_i · ℓ_i`, where `ℓ_i` is its
/// length in days.
#[derive(Clone, Debug)]
pub struct RateProfile {
    /// The unit the rates are written per (`per`).
    pub per: TimeUnit,
    /// Length of the period in days (> 0; may be fractional).
    pub days: f64,
    /// How the rate moves from day to day.
    pub shape: RateShape,
    /// How a day's count follows from its rate.
    pub count: DayCount,
}

/// The rate of each day, in units of `per`.
#[derive(Clone, Debug)]
pub enum RateShape {
    /// `ramp = { from, to }`: `from` on the first day, `to` on the last,
    /// linear in between (the period has at least two days).
    Ramp {
        /// The first day's rate.
        from: Value,
        /// The last day's rate.
        to: Value,
    },
    /// `mean` with `growth = { per_day | per_week | per_month = g }`: the
    /// first day's rate, multiplied by `1 + g` every day, week or month (30
    /// days), compounded daily (day `i` has `start · (1 + g)^(i / d)`, with
    /// `d` the days of `every`).
    Growth {
        /// The first day's rate (1 with [`DayCount::Scaled`], whose
        /// distribution gives the first day's count).
        start: Value,
        /// Growth per `every` (> −1; negative for a decline).
        rate: Value,
        /// What the growth rate is stated per: a day, a week or a month.
        every: TimeUnit,
    },
    /// `daily = [...]`: each day's rate, one per day of the period.
    Daily(Vec<f64>),
}

/// How a day's count follows from its rate.
#[derive(Clone, Debug)]
pub enum DayCount {
    /// Poisson arrivals at the day's rate (the default).
    Poisson,
    /// Exactly the day's expected count (`arrivals = "exact"`); a fraction
    /// is rounded stochastically, ⌊x + U⌋, so the mean stays x.
    Exact,
    /// A draw of this count distribution per day (`per = "day"` with
    /// `dist` and `growth`), multiplied by the day's growth factor and
    /// rounded stochastically.
    Scaled(Dist),
}

impl RateProfile {
    /// Days the period touches (the last may be partial).
    pub fn day_count(&self) -> usize {
        // A period of 30 days and a rounding error is still 30 days.
        (self.days - 1e-9).ceil().max(1.0) as usize
    }

    /// Length of day `i` in days (1, or less for a partial last day).
    pub fn day_length(&self, i: usize) -> f64 {
        (self.days - i as f64).clamp(0.0, 1.0)
    }

    /// Rates written per `per` times this are rates per day.
    pub fn per_day(&self) -> f64 {
        86_400.0 / self.per.seconds()
    }

    /// The expected count of each day (rate per day × the day's length),
    /// with the values of the shape's parameters that `value` gives (the
    /// engine's per-trial draws, or fixed values). `out` is cleared first.
    pub fn expected_by_day(&self, value: &mut dyn FnMut(&Value) -> f64, out: &mut Vec<f64>) {
        out.clear();
        let n = self.day_count();
        let per_day = self.per_day();
        match &self.shape {
            RateShape::Ramp { from, to } => {
                let (a, b) = (value(from), value(to));
                let steps = (n.max(2) - 1) as f64;
                for i in 0..n {
                    let rate = a + (b - a) * i as f64 / steps;
                    out.push(rate.max(0.0) * per_day * self.day_length(i));
                }
            }
            RateShape::Growth { start, rate, every } => {
                let (start, g) = (value(start), value(rate));
                let factor = (1.0 + g).max(0.0);
                let every_days = every.seconds() / 86_400.0;
                for i in 0..n {
                    let rate = start * factor.powf(i as f64 / every_days);
                    out.push(rate.max(0.0) * per_day * self.day_length(i));
                }
            }
            RateShape::Daily(rates) => {
                for i in 0..n {
                    let rate = rates.get(i).copied().unwrap_or(0.0);
                    out.push(rate.max(0.0) * per_day * self.day_length(i));
                }
            }
        }
    }

    /// The expected count of each day when every parameter is fixed, with
    /// [`DayCount::Scaled`] taken at its distribution's mean.
    pub fn fixed_expected_by_day(&self) -> Option<Vec<f64>> {
        let fixed = self.shape_values().iter().all(|v| v.fixed().is_some());
        let scale = match &self.count {
            DayCount::Scaled(d) => d.fixed_sampler()?.ok()?.mean(),
            DayCount::Poisson | DayCount::Exact => 1.0,
        };
        if !fixed {
            return None;
        }
        let mut out = Vec::new();
        self.expected_by_day(&mut |v| v.fixed().unwrap_or(0.0), &mut out);
        out.iter_mut().for_each(|x| *x *= scale);
        Some(out)
    }

    /// The shape's numeric parameters, in the order the engine draws them.
    pub fn shape_values(&self) -> Vec<&Value> {
        match &self.shape {
            RateShape::Ramp { from, to } => vec![from, to],
            RateShape::Growth { start, rate, .. } => vec![start, rate],
            RateShape::Daily(_) => Vec::new(),
        }
    }
}

/// Units of time for `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// 3600 s.
    Hour,
    /// 86,400 s.
    Day,
    /// 7 days.
    Week,
    /// 30 days.
    Month,
}

impl TimeUnit {
    /// Length in seconds.
    pub fn seconds(self) -> f64 {
        match self {
            Self::Hour => 3_600.0,
            Self::Day => 86_400.0,
            Self::Week => 7.0 * 86_400.0,
            Self::Month => 30.0 * 86_400.0,
        }
    }

    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// A quantity sampled at its key's grain (per request, per turn, per session).
#[derive(Clone, Debug)]
pub enum Draw {
    /// A plain number.
    Const(f64),
    /// A distribution; its parameters may be uncertain.
    Dist(Dist),
}

/// A numeric parameter: fixed, or an uncertain assumption drawn once per trial.
#[derive(Clone, Debug)]
pub enum Value {
    /// A plain number.
    Fixed(f64),
    /// Drawn once per trial from this distribution, then clamped to `domain`.
    PerTrial {
        /// The distribution of the assumption.
        dist: Box<Dist>,
        /// Where the drawn value must lie.
        domain: Domain,
    },
}

impl Value {
    /// The value when it is fixed.
    pub fn fixed(&self) -> Option<f64> {
        match self {
            Self::Fixed(x) => Some(*x),
            Self::PerTrial { .. } => None,
        }
    }
}

/// The set a parameter lives in; per-trial draws outside it are clamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Any real number.
    Real,
    /// [0, ∞).
    NonNegative,
    /// (0, ∞), clamped to the smallest positive normal number.
    Positive,
    /// [0, 1].
    Probability,
}

impl Domain {
    /// `x` moved to the nearest point of the domain; the flag says whether it moved.
    pub fn clamp(self, x: f64) -> (f64, bool) {
        let y = match self {
            Self::Real => x,
            Self::NonNegative => x.max(0.0),
            Self::Positive => x.max(f64::MIN_POSITIVE),
            Self::Probability => x.clamp(0.0, 1.0),
        };
        (y, y != x)
    }
}

/// A distribution in the parameterisation the user wrote.
#[derive(Clone, Debug)]
pub enum Dist {
    /// `poisson`: `mean`.
    Poisson {
        /// Mean (≥ 0).
        mean: Value,
    },
    /// `negbin`: `mean` with `p90` or `sd`.
    NegBin {
        /// Mean (> 0).
        mean: Value,
        /// The over-dispersion, as given.
        spread: NegBinSpread,
    },
    /// `geometric`: `mean` (support 1, 2, 3, …).
    Geometric {
        /// Mean (≥ 1).
        mean: Value,
    },
    /// `lognormal`: `median` with `p90`, or `mean` with `sd`.
    LogNormal(LogNormalParams),
    /// `normal`: `mean`, `sd`, truncated at 0 for quantities that cannot be negative.
    Normal {
        /// Mean.
        mean: Value,
        /// Standard deviation (≥ 0).
        sd: Value,
    },
    /// `uniform`: `min`, `max`.
    Uniform {
        /// Lower end.
        min: Value,
        /// Upper end (≥ min).
        max: Value,
    },
    /// `gamma`: `mean`, `sd`.
    Gamma {
        /// Mean (> 0).
        mean: Value,
        /// Standard deviation (> 0).
        sd: Value,
    },
    /// `beta`: `mean`, `sd` (for rates).
    Beta {
        /// Mean, in (0, 1).
        mean: Value,
        /// Standard deviation, with sd² < mean (1 − mean).
        sd: Value,
    },
    /// `choice`: `values` with optional `weights`.
    Choice(Arc<Choice>),
}

/// How a negative binomial's dispersion is given.
#[derive(Clone, Debug)]
pub enum NegBinSpread {
    /// The 90th percentile (≥ the Poisson p90 of the same mean).
    P90(Value),
    /// The standard deviation (sd² > mean).
    Sd(Value),
}

/// The two lognormal parameterisations.
#[derive(Clone, Debug)]
pub enum LogNormalParams {
    /// `median` and `p90` (p90 ≥ median > 0).
    MedianP90 {
        /// Median.
        median: Value,
        /// 90th percentile.
        p90: Value,
    },
    /// `mean` and `sd` (mean > 0, sd ≥ 0).
    MeanSd {
        /// Mean.
        mean: Value,
        /// Standard deviation.
        sd: Value,
    },
}

/// A discrete distribution over listed values.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The values.
    pub values: Vec<f64>,
    /// Cumulative normalised weights, ending at exactly 1.
    pub cumulative: Vec<f64>,
}

/// A distribution with concrete parameters, ready to sample.
///
/// The engine implements sampling; this crate owns the conversion from the
/// user's parameterisation, so that `check` and the engine agree on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Sampler {
    /// Always this value.
    Const(f64),
    /// Poisson with this mean.
    Poisson {
        /// Mean (≥ 0).
        mean: f64,
    },
    /// Negative binomial as a gamma–Poisson mixture: λ ~ Gamma(r, mean / r), X ~ Poisson(λ).
    NegBin {
        /// Size (dispersion) r > 0.
        r: f64,
        /// Mean.
        mean: f64,
    },
    /// Geometric on 1, 2, 3, … with success probability `p` (mean 1 / p).
    Geometric {
        /// Success probability in (0, 1].
        p: f64,
    },
    /// exp(N(mu, sigma²)).
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log (≥ 0).
        sigma: f64,
    },
    /// N(mean, sd²), redrawn while negative when the key cannot be negative.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Uniform on [min, max).
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Gamma with shape k and scale θ.
    Gamma {
        /// Shape k > 0.
        shape: f64,
        /// Scale θ > 0.
        scale: f64,
    },
    /// Beta(a, b).
    Beta {
        /// a > 0.
        a: f64,
        /// b > 0.
        b: f64,
    },
    /// One of the listed values.
    Choice(Arc<Choice>),
}
