//! The small prepaid test before scaling (`costintent plan`, and the test
//! plan section of a report folder): what to confirm, run, check and expect.
//!
//! [`Plan::build`] reduces the runs the analysis layer made (the scenario at
//! 100% of its volume and at each smaller step, all with the same seed) to
//! the figures a first test should reproduce; the renderers below turn them
//! into text, JSON and the report's [`TestPlan`] section. Every figure comes
//! from the engine, so the 100% step matches `run` exactly.

use std::fmt::Write as _;

use costintent_scenario::catalog::short_citation;
use costintent_scenario::{CacheWritePrice, PriceLine, Scenario, Workload, WorkloadKind};
use costintent_sim::{Outcomes, Unit, WorkloadOutcome};
use serde_json::{Value, json};

use crate::error::ReportError;
use crate::format::{duration_words, percent, quantity, unit_price, usd};
use crate::json::money;
use crate::provider::{Api, unit_label, write_price};
use crate::report::TestPlan;
use crate::stats::{Summary, mean};

/// The schema id of the plan JSON.
pub const PLAN_SCHEMA: &str = "costintent.plan/v1";

/// The plan: what to confirm, run, check and expect.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The scenario's name.
    pub scenario: String,
    /// The period as written (`30d`).
    pub period: String,
    /// One entry per workload, in scenario order, from the 100% run.
    pub workloads: Vec<WorkloadPlan>,
    /// The scale-up steps, smallest first.
    pub steps: Vec<PlanStep>,
    /// The scenario's wallets.
    pub wallets: Vec<WalletPlan>,
}

/// What a workload's first requests should show.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadPlan {
    /// The workload's name.
    pub name: String,
    /// Its model id.
    pub model: String,
    /// What it does, with the details its log checks name.
    pub kind: PlanKind,
    /// The API its requests go through, whose usage fields the log checks
    /// name.
    pub api: Api,
    /// Its prompt cache, when it has one (agents).
    pub cache: Option<PlanCache>,
    /// Each price line the workload pays (not the image sizes, video
    /// resolutions or cache prices it does not use), with its source.
    pub prices: Vec<PriceLine>,
    /// Mean USD per logical request (request, turn, image request, job).
    pub cost_per_request: f64,
    /// Mean attempts per logical request.
    pub attempts_per_request: f64,
    /// Share of logical requests lost after every retry.
    pub lost_share: f64,
    /// Share of spend wasted on failures.
    pub waste_share: f64,
    /// Mean quantities per logical request.
    pub usage: RequestUsage,
    /// The billing units the workload actually pays for, in display order.
    pub billed_units: Vec<Unit>,
}

/// An agent's prompt cache and the model's cache-write prices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanCache {
    /// How long a cached prompt lives, in seconds.
    pub ttl_seconds: f64,
    /// Which write price the TTL pays.
    pub tier: CacheWritePrice,
    /// The model's 5-minute write price per 1M tokens, if it bills one.
    pub write_5m_per_mtok: Option<f64>,
    /// The model's 1-hour write price per 1M tokens, if it bills one.
    pub write_1h_per_mtok: Option<f64>,
}

impl PlanCache {
    /// Whether the model bills the writes of this TTL as cache writes
    /// (else a prompt not read from the cache is plain input).
    pub fn writes_billed(&self) -> bool {
        self.write_price().is_some()
    }

    /// The write price this TTL pays, per 1M tokens.
    pub fn write_price(&self) -> Option<f64> {
        match self.tier {
            CacheWritePrice::FiveMinutes => self.write_5m_per_mtok,
            CacheWritePrice::OneHour => self.write_1h_per_mtok,
        }
    }
}

/// A workload's kind, with what its log checks name.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanKind {
    /// `requests`.
    Requests,
    /// `agent`.
    Agent,
    /// `image` at one size and quality.
    Image {
        /// `1024x1024`.
        size: String,
        /// `medium`.
        quality: String,
    },
    /// `video` at one resolution.
    Video {
        /// `720p`.
        resolution: String,
    },
    /// `realtime`.
    Realtime,
}

impl PlanKind {
    fn of(kind: &WorkloadKind) -> Self {
        match kind {
            WorkloadKind::Requests(_) => Self::Requests,
            WorkloadKind::Agent(_) => Self::Agent,
            WorkloadKind::Image(i) => {
                Self::Image { size: i.size.clone(), quality: i.quality.clone() }
            }
            WorkloadKind::Video(v) => Self::Video { resolution: v.resolution.clone() },
            WorkloadKind::Realtime(_) => Self::Realtime,
        }
    }

    /// The `kind` keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Requests => "requests",
            Self::Agent => "agent",
            Self::Image { .. } => "image",
            Self::Video { .. } => "video",
            Self::Realtime => "realtime",
        }
    }
}

/// Mean quantities per logical request, from the 100% run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RequestUsage {
    /// Input tokens billed at the input price.
    pub input_tokens: f64,
    /// Output tokens.
    pub output_tokens: f64,
    /// Reasoning tokens.
    pub reasoning_tokens: f64,
    /// Tokens read from the prompt cache.
    pub cache_read_tokens: f64,
    /// Tokens written to the prompt cache.
    pub cache_write_tokens: f64,
    /// Images.
    pub images: f64,
    /// Seconds of video.
    pub video_seconds: f64,
    /// Audio input tokens, cached or not.
    pub audio_input_tokens: f64,
    /// Audio input tokens read from the cache.
    pub audio_cached_tokens: f64,
    /// Audio output tokens.
    pub audio_output_tokens: f64,
}

/// One scale-up step.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanStep {
    /// Percent of the scenario's volume.
    pub percent: f64,
    /// The volume factor the step was simulated at.
    pub scale: f64,
    /// Total spend of the step.
    pub spend: Summary,
    /// Mean USD of usage (spend without wallet fees): what a dashboard shows.
    pub usage: f64,
    /// Mean logical requests (requests, turns, images, jobs) in the step.
    pub requests: f64,
    /// Cash to have on the account: the p90 of purchases (credit plus fees)
    /// when the scenario has wallets, else the p90 spend.
    pub credit_to_buy: f64,
}

/// A prepaid wallet's top-up terms.
#[derive(Clone, Debug, PartialEq)]
pub struct WalletPlan {
    /// The wallet's name.
    pub name: String,
    /// USD of credit bought per top-up.
    pub topup: f64,
    /// The fee of one top-up, USD.
    pub fee_per_topup: f64,
    /// The purchase fee in percent.
    pub fee_percent: f64,
    /// The minimum purchase fee, USD.
    pub fee_min: f64,
}

/// One simulated step of the plan: its percent of the volume, the volume
/// factor it ran at, and its outcomes.
#[derive(Clone, Copy, Debug)]
pub struct StepRun<'a> {
    /// Percent of the scenario's volume.
    pub percent: f64,
    /// The `--scale` factor of the run.
    pub scale: f64,
    /// Its outcomes.
    pub outcomes: &'a Outcomes,
}

impl Plan {
    /// Builds the plan from `base`, the outcomes of the scenario at 100% of
    /// its volume, and the reduced steps (smallest first; see
    /// [`PlanStep::build`], which lets each step's run be dropped before the
    /// next is simulated).
    pub fn build(scenario: &Scenario, base: &Outcomes, steps: Vec<PlanStep>) -> Plan {
        Plan {
            scenario: scenario.name.clone(),
            period: scenario.period.text.clone(),
            workloads: scenario
                .workloads
                .iter()
                .zip(&base.workloads)
                .map(|(w, o)| workload_plan(w, o))
                .collect(),
            steps,
            wallets: scenario
                .wallets
                .iter()
                .map(|w| WalletPlan {
                    name: w.name.clone(),
                    topup: w.topup,
                    fee_per_topup: w.fee_per_topup(),
                    fee_percent: w.fee_percent,
                    fee_min: w.fee_min,
                })
                .collect(),
        }
    }
}

impl PlanStep {
    /// Reduces one step's run. Fails when the run has no trials.
    pub fn build(scenario: &Scenario, run: &StepRun<'_>) -> Result<PlanStep, ReportError> {
        step(scenario, run)
    }
}

fn step(scenario: &Scenario, run: &StepRun<'_>) -> Result<PlanStep, ReportError> {
    let outcomes = run.outcomes;
    let spend = Summary::of(&outcomes.total).ok_or(ReportError::NoTrials)?;
    let credit_to_buy = if scenario.wallets.is_empty() {
        spend.p90.value
    } else {
        // Per trial: every purchase of every wallet, credit plus fees.
        let purchases: Vec<f64> = (0..outcomes.trials())
            .map(|i| {
                scenario
                    .wallets
                    .iter()
                    .zip(&outcomes.wallets)
                    .map(|(w, o)| o.topups[i] * w.topup + o.purchase_fees[i])
                    .sum()
            })
            .collect();
        Summary::of(&purchases).map_or(spend.p90.value, |s| s.p90.value)
    };
    let requests = outcomes.workloads.iter().map(|w| mean(&w.requests)).sum();
    let usage = outcomes.workloads.iter().map(|w| mean(&w.spend)).sum();
    Ok(PlanStep { percent: run.percent, scale: run.scale, spend, usage, requests, credit_to_buy })
}

fn workload_plan(w: &Workload, o: &WorkloadOutcome) -> WorkloadPlan {
    let requests = mean(&o.requests);
    let per = |x: f64| if requests > 0.0 { x / requests } else { 0.0 };
    let spend = mean(&o.spend);
    let quantity_of = |unit: Unit| {
        o.units.iter().find(|u| u.unit == unit).map_or(0.0, |u| per(mean(&u.quantity)))
    };
    WorkloadPlan {
        name: w.name.clone(),
        model: w.price.id.clone(),
        kind: PlanKind::of(&w.kind),
        api: Api::of_model(&w.price.id),
        cache: match &w.kind {
            WorkloadKind::Agent(agent) => agent.cache.as_ref().map(|cache| PlanCache {
                ttl_seconds: cache.ttl_seconds,
                tier: cache.write_price,
                write_5m_per_mtok: write_price(&w.price, CacheWritePrice::FiveMinutes),
                write_1h_per_mtok: write_price(&w.price, CacheWritePrice::OneHour),
            }),
            _ => None,
        },
        prices: w.price.lines.iter().filter(|line| line_is_paid(line, w, o)).cloned().collect(),
        cost_per_request: per(spend),
        attempts_per_request: per(mean(&o.attempts)),
        lost_share: per(mean(&o.lost)),
        waste_share: if spend > 0.0 { mean(&o.waste) / spend } else { 0.0 },
        usage: RequestUsage {
            input_tokens: quantity_of(Unit::InputTokens),
            output_tokens: quantity_of(Unit::OutputTokens),
            reasoning_tokens: quantity_of(Unit::ReasoningTokens),
            cache_read_tokens: quantity_of(Unit::CacheReadTokens),
            cache_write_tokens: quantity_of(Unit::CacheWriteTokens),
            images: quantity_of(Unit::Images),
            video_seconds: quantity_of(Unit::VideoSeconds),
            audio_input_tokens: quantity_of(Unit::AudioInputTokens)
                + quantity_of(Unit::AudioCachedInputTokens),
            audio_cached_tokens: quantity_of(Unit::AudioCachedInputTokens),
            audio_output_tokens: quantity_of(Unit::AudioOutputTokens),
        },
        billed_units: o.units.iter().map(|u| u.unit).collect(),
    }
}

/// Whether the workload pays this price line: an image price of its size
/// and quality, a video price of its resolution and audio, a cache price
/// of the cache it uses, a reasoning or cached-audio price when it has
/// those tokens, text prices of a voice model when it bills text. Other
/// lines (input and output of token workloads, fees) always apply.
fn line_is_paid(line: &PriceLine, w: &Workload, o: &WorkloadOutcome) -> bool {
    let billed = |unit: Unit| o.units.iter().any(|u| u.unit == unit);
    let qualifier = |key: &str| {
        line.variant
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(key).and_then(|rest| rest.strip_prefix('=')))
    };
    let matches = |key: &str, value: &str| qualifier(key).is_none_or(|q| q == value);
    let cache_tier = match &w.kind {
        WorkloadKind::Agent(agent) => agent.cache.as_ref().map(|c| c.write_price),
        _ => None,
    };
    match (line.unit.as_str(), &w.kind) {
        ("image", WorkloadKind::Image(i)) => {
            matches("size", &i.size) && matches("quality", &i.quality)
        }
        ("video_second", WorkloadKind::Video(v)) => {
            matches("resolution", &v.resolution) && matches("audio", &v.audio.to_string())
        }
        ("cache_read_token", _) => billed(Unit::CacheReadTokens),
        ("cache_write_5m_token", _) => cache_tier == Some(CacheWritePrice::FiveMinutes),
        ("cache_write_1h_token", _) => cache_tier == Some(CacheWritePrice::OneHour),
        ("reasoning_token", _) => billed(Unit::ReasoningTokens),
        ("audio_cache_read_token", _) => billed(Unit::AudioCachedInputTokens),
        // A voice session bills audio; its model's text prices apply only
        // when the engine bills text tokens.
        ("input_token", WorkloadKind::Realtime(_)) => billed(Unit::InputTokens),
        ("output_token", WorkloadKind::Realtime(_)) => billed(Unit::OutputTokens),
        _ => true,
    }
}

impl WorkloadPlan {
    /// Each price in words with a short name of its source (the reports'
    /// price tables give the full citation).
    pub fn price_texts(&self) -> Vec<String> {
        self.prices
            .iter()
            .map(|l| {
                let variant =
                    if l.variant.is_empty() { String::new() } else { format!(" [{}]", l.variant) };
                let date =
                    l.valid_from.map_or_else(|| "undated".to_owned(), |d| format!("from {d}"));
                format!(
                    "{}{variant}: {} per {} ({date}; {})",
                    l.unit,
                    unit_price(l.usd),
                    l.per,
                    short_citation(&l.source)
                )
            })
            .collect()
    }

    /// What to look for in the logs, one fragment each, naming the usage
    /// fields of the workload's own API.
    pub fn log_checks(&self) -> Vec<String> {
        let u = &self.usage;
        let mut checks = vec![
            "every attempt has its own request ID; retries show as extra IDs for the same logical request".to_owned(),
            format!(
                "about {:.3} attempts per request and {} of requests lost after all retries",
                self.attempts_per_request,
                percent(self.lost_share)
            ),
        ];
        match &self.kind {
            PlanKind::Requests | PlanKind::Agent => {
                checks.extend(self.token_checks());
                checks.extend(self.cache_ttl_check());
            }
            PlanKind::Image { size, quality } => checks.push(format!(
                "images billed per request at {size} {quality}: about {:.2} images per request",
                u.images
            )),
            PlanKind::Video { resolution } => checks.push(format!(
                "seconds billed per job at {resolution}: about {:.1}; a job the client resubmitted after a timeout bills twice",
                u.video_seconds
            )),
            PlanKind::Realtime => checks.push(self.audio_check()),
        }
        checks
    }

    /// The prompt and output token counts as the workload's API reports
    /// them per request (a request, or an agent's turn).
    fn token_checks(&self) -> Vec<String> {
        let u = &self.usage;
        let reads = self.billed_units.contains(&Unit::CacheReadTokens);
        // Only writes the model bills as writes are cache writes; the
        // engine's other "writes" are prompt tokens billed as plain input.
        let writes = self.billed_units.contains(&Unit::CacheWriteTokens)
            && self.cache.is_some_and(|c| c.writes_billed());
        let counts = TokenCounts {
            prompt: quantity(u.input_tokens + u.cache_read_tokens + u.cache_write_tokens),
            read: reads.then(|| quantity(u.cache_read_tokens)),
            written: writes.then(|| quantity(u.cache_write_tokens)),
            output: quantity(u.output_tokens + u.reasoning_tokens),
            reasoning: (u.reasoning_tokens > 0.0).then(|| quantity(u.reasoning_tokens)),
        };
        match self.api {
            Api::Anthropic => self.anthropic_checks(&counts),
            Api::OpenAi => counts.inclusive(&OPENAI_FIELDS),
            Api::OpenRouter => {
                let mut checks = counts.inclusive(&OPENROUTER_FIELDS);
                checks.push("`usage.cost` is what OpenRouter charged, in credits of $1".to_owned());
                checks
            }
            Api::Gemini => {
                // Gemini counts thinking apart from the candidates.
                let mut checks =
                    TokenCounts { written: None, ..counts.clone() }.inclusive(&GEMINI_FIELDS);
                let mut output = format!(
                    "`usageMetadata.candidatesTokenCount` per request: about {}",
                    quantity(u.output_tokens)
                );
                if let Some(thinking) = &counts.reasoning {
                    output.push_str(&format!(
                        ", plus about {thinking} thinking tokens in `thoughtsTokenCount`, counted apart and billed as output"
                    ));
                }
                checks[1] = output;
                checks
            }
            Api::Other => counts.inclusive(&UsageFields::default()),
        }
    }

    /// Anthropic counts cache reads and writes apart from `input_tokens`.
    fn anthropic_checks(&self, counts: &TokenCounts) -> Vec<String> {
        let u = &self.usage;
        let prompt = &counts.prompt;
        let input = if counts.read.is_some() || counts.written.is_some() {
            let mut parts = Vec::new();
            if let Some(read) = &counts.read {
                parts.push(format!("cache reads (`cache_read_input_tokens`, about {read})"));
            }
            if let Some(written) = &counts.written {
                parts
                    .push(format!("cache writes (`cache_creation_input_tokens`, about {written})"));
            }
            let uncached =
                u.input_tokens + if counts.written.is_some() { 0.0 } else { u.cache_write_tokens };
            let input = if uncached < 0.5 {
                "close to 0, as every prompt token here is read from or written to the cache"
                    .to_owned()
            } else {
                format!("about {}, the uncached input only", quantity(uncached))
            };
            format!(
                "`usage.input_tokens` per request: {input}; {} are counted apart, for a prompt of about {prompt}",
                parts.join(" and ")
            )
        } else {
            format!(
                "`usage.input_tokens` per request: about {prompt}, the whole prompt (no prompt cache)"
            )
        };
        let output = match &counts.reasoning {
            Some(thinking) => format!(
                "`usage.output_tokens` per request: about {}, thinking included (about {thinking} of it, also in `output_tokens_details.thinking_tokens`)",
                counts.output
            ),
            None => format!("`usage.output_tokens` per request: about {}", counts.output),
        };
        vec![input, output]
    }

    /// What the cache's TTL costs, with the model's own write prices.
    fn cache_ttl_check(&self) -> Option<String> {
        let cache = self.cache?;
        let (five, hour) = (cache.write_5m_per_mtok?, cache.write_1h_per_mtok);
        match cache.tier {
            CacheWritePrice::FiveMinutes => hour.map(|hour| {
                format!(
                    "a turn more than {} after the previous one finds the cache expired and writes its whole prompt again at the 5-minute write price of {} per 1M tokens; a 1-hour TTL writes at {} per 1M and keeps the prompt for an hour (compare the two with --vary {}.cache.ttl=5m,1h)",
                    duration_words(cache.ttl_seconds),
                    unit_price(five),
                    unit_price(hour),
                    self.name
                )
            }),
            CacheWritePrice::OneHour => hour.map(|hour| {
                let field = if self.api == Api::Anthropic {
                    " (`cache_creation.ephemeral_1h_input_tokens`)"
                } else {
                    ""
                };
                format!(
                    "cache writes{field} pay the 1-hour write price of {} per 1M tokens, against {} for a 5-minute TTL",
                    unit_price(hour),
                    unit_price(five)
                )
            }),
        }
    }

    /// The audio tokens of a voice turn.
    fn audio_check(&self) -> String {
        let u = &self.usage;
        let (input, output) = (quantity(u.audio_input_tokens), quantity(u.audio_output_tokens));
        if self.api != Api::OpenAi {
            return format!(
                "audio tokens per turn: about {input} in (most of it the re-sent conversation) and {output} out"
            );
        }
        let cached = if u.audio_cached_tokens > 0.0 {
            format!(
                ", of which about {} read from the cache (`input_token_details.cached_tokens_details.audio_tokens`)",
                quantity(u.audio_cached_tokens)
            )
        } else {
            String::new()
        };
        format!(
            "in each turn's `response.done` event, `usage.input_token_details.audio_tokens`: about {input} (most of it the re-sent conversation){cached}; `usage.output_token_details.audio_tokens`: about {output}"
        )
    }

    /// The billing units the workload pays for, in words.
    pub fn unit_labels(&self) -> Vec<&'static str> {
        let writes_billed = self.cache.is_some_and(|c| c.writes_billed());
        self.billed_units.iter().map(|u| unit_label(*u, writes_billed)).collect()
    }
}

/// Per-request token counts in words, each `None` when the workload has none.
#[derive(Clone, Debug)]
struct TokenCounts {
    prompt: String,
    read: Option<String>,
    written: Option<String>,
    output: String,
    reasoning: Option<String>,
}

/// Where an API whose prompt count includes cached tokens reports each
/// count; an empty name is left out.
#[derive(Clone, Copy, Debug, Default)]
struct UsageFields {
    prompt: &'static str,
    read: &'static str,
    write: &'static str,
    output: &'static str,
    reasoning: &'static str,
}

const OPENAI_FIELDS: UsageFields = UsageFields {
    prompt: "`usage.prompt_tokens` (Chat Completions) or `usage.input_tokens` (Responses)",
    read: "`prompt_tokens_details.cached_tokens`, in Responses `input_tokens_details.cached_tokens`",
    write: "`prompt_tokens_details.cache_write_tokens`, in Responses `input_tokens_details.cache_write_tokens`",
    output: "`usage.completion_tokens` (Responses: `output_tokens`)",
    reasoning: "`completion_tokens_details.reasoning_tokens`, in Responses `output_tokens_details.reasoning_tokens`",
};

const OPENROUTER_FIELDS: UsageFields = UsageFields {
    prompt: "`usage.prompt_tokens`",
    read: "`prompt_tokens_details.cached_tokens`",
    write: "`prompt_tokens_details.cache_write_tokens`",
    output: "`usage.completion_tokens`",
    reasoning: "`completion_tokens_details.reasoning_tokens`",
};

const GEMINI_FIELDS: UsageFields = UsageFields {
    prompt: "`usageMetadata.promptTokenCount`",
    read: "`cachedContentTokenCount`",
    write: "",
    output: "",
    reasoning: "",
};

impl TokenCounts {
    /// The prompt and output checks of an API whose prompt count includes
    /// cached tokens and whose output count includes reasoning; with no
    /// field names (an API costintent does not know), neither is claimed.
    fn inclusive(&self, fields: &UsageFields) -> Vec<String> {
        let in_parentheses =
            |name: &str| if name.is_empty() { String::new() } else { format!(" ({name})") };
        let mut input = if fields.prompt.is_empty() {
            format!("prompt tokens per request: about {}", self.prompt)
        } else {
            format!("{} per request: about {}, cached tokens included", fields.prompt, self.prompt)
        };
        if let Some(read) = &self.read {
            let field = in_parentheses(fields.read);
            input.push_str(&format!("; about {read} of them read from the cache{field}"));
        }
        if let Some(written) = &self.written {
            let field = in_parentheses(fields.write);
            input.push_str(&format!("; about {written} written to it{field}"));
        }
        let mut output = if fields.output.is_empty() {
            format!("output tokens per request: about {}", self.output)
        } else {
            format!("{} per request: about {}", fields.output, self.output)
        };
        if let Some(reasoning) = &self.reasoning {
            let field = if fields.reasoning.is_empty() {
                String::new()
            } else {
                format!(": {}", fields.reasoning)
            };
            output.push_str(&format!(", reasoning included (about {reasoning} of it{field})"));
        }
        vec![input, output]
    }
}

impl WalletPlan {
    /// The wallet's terms in words.
    pub fn text(&self) -> String {
        format!(
            "{}: buys ${} of credit at a time for a fee of {} (a {}% fee, at least {})",
            self.name,
            self.topup,
            usd(self.fee_per_topup),
            self.fee_percent,
            usd(self.fee_min)
        )
    }
}

impl Plan {
    /// The smallest step that sends at least one request on average: the
    /// one to compare with the dashboard.
    fn first_step(&self) -> Option<&PlanStep> {
        self.steps.iter().find(|s| s.requests >= 1.0).or(self.steps.last())
    }

    /// The plan as the test plan section of the reports.
    pub fn to_test_plan(&self) -> TestPlan {
        let mut steps = Vec::new();
        for w in &self.workloads {
            let units = w.unit_labels();
            steps.push(format!(
                "Confirm the model and pricing unit of \"{}\": {} ({}), billed per {}.",
                w.name,
                w.model,
                w.kind.keyword(),
                units.join(", ")
            ));
        }
        for w in &self.workloads {
            steps.push(format!(
                "Run one small request on \"{}\" and check its cost: about {} per request on average.",
                w.name,
                usd(w.cost_per_request)
            ));
        }
        for w in &self.workloads {
            steps.push(format!("Check the logs of \"{}\": {}.", w.name, w.log_checks().join("; ")));
        }
        if let Some(first) = self.first_step() {
            let fees = first.spend.mean - first.usage;
            steps.push(format!(
                "Run the {}% step (about {} requests) and compare the provider's usage dashboard: expect about {} of usage{} (90% of the time at most {} in total).",
                first.percent,
                quantity(first.requests),
                usd(first.usage),
                if fees > 1e-9 {
                    format!(" plus {} of wallet fees (credit purchases and usage fees)", usd(fees))
                } else {
                    String::new()
                },
                usd(first.spend.p90.value)
            ));
        }
        steps.push(format!(
            "Scale slowly: {}.",
            self.steps
                .iter()
                .map(|s| format!(
                    "{}% → {} expected, {} at p90",
                    s.percent,
                    usd(s.spend.mean),
                    usd(s.spend.p90.value)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        let mut facts: Vec<(String, String)> = self
            .steps
            .iter()
            .map(|s| {
                (
                    format!("credit to buy for the {}% step (p90, with fees)", s.percent),
                    usd(s.credit_to_buy),
                )
            })
            .collect();
        facts.extend(self.wallets.iter().map(|w| ("wallet".to_owned(), w.text())));
        TestPlan {
            summary: format!(
                "Before scaling \"{}\", confirm on a small prepaid test that the model, its pricing unit and the logs match these assumptions, then grow the volume step by step.",
                self.scenario
            ),
            steps,
            facts,
        }
    }

    /// The plan as JSON (schema `costintent.plan/v1`).
    pub fn to_json(&self) -> Value {
        json!({
            "schema": PLAN_SCHEMA,
            "scenario": self.scenario,
            "period": self.period,
            "workloads": self.workloads.iter().map(|w| json!({
                "name": w.name,
                "model": w.model,
                "kind": w.kind.keyword(),
                "prices": w.price_texts(),
                "cost_per_request": money(w.cost_per_request),
                "attempts_per_request": w.attempts_per_request,
                "lost_share": w.lost_share,
                "waste_share": w.waste_share,
                "log_checks": w.log_checks(),
            })).collect::<Vec<_>>(),
            "wallets": self.wallets.iter().map(WalletPlan::text).collect::<Vec<_>>(),
            "steps": self.steps.iter().map(|s| json!({
                "percent": s.percent,
                "scale": s.scale,
                "requests": s.requests,
                "usage": money(s.usage),
                "expected_spend": money(s.spend.mean),
                "p90_spend": money(s.spend.p90.value),
                "p99_spend": money(s.spend.p99.value),
                "credit_to_buy": money(s.credit_to_buy),
            })).collect::<Vec<_>>(),
        })
    }

    /// The plan as text for the terminal.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Prepaid test plan: {} ({} at 100%)", self.scenario, self.period);
        let _ = writeln!(out, "\n1. Confirm the model and the pricing unit");
        for w in &self.workloads {
            let _ = writeln!(out, "   {} ({}) on {}:", w.name, w.kind.keyword(), w.model);
            for p in w.price_texts() {
                let _ = writeln!(out, "     - {p}");
            }
        }
        let _ = writeln!(out, "\n2. Run one small request first");
        for w in &self.workloads {
            let _ = writeln!(
                out,
                "   {}: about {} per request on average ({:.3} attempts per request, {} of spend wasted on failures)",
                w.name,
                usd(w.cost_per_request),
                w.attempts_per_request,
                percent(w.waste_share)
            );
        }
        let _ = writeln!(out, "\n3. Check the logs and request IDs");
        for w in &self.workloads {
            let _ = writeln!(out, "   {}:", w.name);
            for c in w.log_checks() {
                let _ = writeln!(out, "     - {c}");
            }
        }
        if let Some(first) = self.first_step() {
            let _ = writeln!(out, "\n4. Compare the provider dashboard");
            let _ = writeln!(
                out,
                "   after the {}% step (about {} requests) the usage dashboard should show about {}{}; total spend is about {} (90% of the time at most {}); a larger gap means an assumption is off",
                first.percent,
                quantity(first.requests),
                usd(first.usage),
                if first.spend.mean > first.usage + 1e-9 {
                    format!(
                        ", plus {} of wallet fees (credit purchases and usage fees)",
                        usd(first.spend.mean - first.usage)
                    )
                } else {
                    String::new()
                },
                usd(first.spend.mean),
                usd(first.spend.p90.value)
            );
        }
        let _ = writeln!(out, "\n5. Scale slowly");
        let _ = writeln!(
            out,
            "   {:>8}  {:>10}  {:>12}  {:>12}  {:>12}  {:>14}",
            "volume", "requests", "expected", "p90", "p99", "credit to buy"
        );
        for s in &self.steps {
            let _ = writeln!(
                out,
                "   {:>7}%  {:>10}  {:>12}  {:>12}  {:>12}  {:>14}{}",
                s.percent,
                quantity(s.requests),
                usd(s.spend.mean),
                usd(s.spend.p90.value),
                usd(s.spend.p99.value),
                usd(s.credit_to_buy),
                if s.requests < 1.0 { "  (under one request: too small to test)" } else { "" }
            );
        }
        for w in &self.wallets {
            let _ = writeln!(out, "   wallet {}", w.text());
        }
        let _ = writeln!(
            out,
            "   (credit to buy: the p90 of purchases including fees, so 9 tests in 10 need no second top-up)"
        );
        out
    }
}
