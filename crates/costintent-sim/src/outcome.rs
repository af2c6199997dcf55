//! What a simulation returns: per-trial columns, in trial order.

/// Per-trial results of a run, one value per trial in every column.
///
/// Columns are in trial order (trial `first_trial + i` at index `i`),
/// whatever the thread count, so every reduction over them is deterministic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcomes {
    /// Index of the first trial (non-zero for a shard of a larger run).
    pub first_trial: u64,
    /// Spend for the period: every workload's spend plus every wallet's fees.
    pub total: Vec<f64>,
    /// One entry per workload, in scenario order.
    pub workloads: Vec<WorkloadOutcome>,
    /// One entry per wallet, in scenario order.
    pub wallets: Vec<WalletOutcome>,
    /// How many per-trial parameter draws fell outside their domain (or
    /// formed an invalid combination) and were moved to the nearest valid
    /// value. Reports warn when this is not zero.
    pub clamped_draws: u64,
    /// How each workload's trials were simulated, in scenario order.
    pub methods: Vec<crate::fast::Method>,
}

impl Outcomes {
    /// Number of trials.
    pub fn trials(&self) -> usize {
        self.total.len()
    }

    /// Appends the outcomes of the trials that follow these (the next batch
    /// of the same run, planned alike): columns grow, clamped draws and the
    /// methods' counts of trials drawn as sums add up.
    pub fn append(&mut self, mut next: Self) {
        if self.workloads.is_empty() && self.total.is_empty() {
            let first = self.first_trial;
            *self = next;
            self.first_trial = first;
            return;
        }
        self.total.append(&mut next.total);
        for (w, n) in self.workloads.iter_mut().zip(next.workloads) {
            w.spend.extend(n.spend);
            w.waste.extend(n.waste);
            w.attempts.extend(n.attempts);
            w.requests.extend(n.requests);
            w.lost.extend(n.lost);
            for (u, v) in w.units.iter_mut().zip(n.units) {
                u.quantity.extend(v.quantity);
                u.usd.extend(v.usd);
            }
        }
        for (w, n) in self.wallets.iter_mut().zip(next.wallets) {
            w.topups.extend(n.topups);
            w.purchase_fees.extend(n.purchase_fees);
            w.usage_fees.extend(n.usage_fees);
            w.credits_bought.extend(n.credits_bought);
            w.credits_used.extend(n.credits_used);
        }
        self.clamped_draws += next.clamped_draws;
        for (m, n) in self.methods.iter_mut().zip(next.methods) {
            if let (
                crate::fast::Method::Fast { fast_trials, .. },
                crate::fast::Method::Fast { fast_trials: more, .. },
            ) = (m, n)
            {
                *fast_trials += more;
            }
        }
    }
}

/// Per-trial results of one workload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkloadOutcome {
    /// The workload's name.
    pub name: String,
    /// USD spent (credit used, converted to USD; wallet fees are not included).
    pub spend: Vec<f64>,
    /// USD spent on attempts that produced nothing the user kept: failed
    /// attempts, attempts abandoned by a client timeout, and every attempt of
    /// a lost request.
    pub waste: Vec<f64>,
    /// Attempts sent (successes, failures and timed-out attempts).
    pub attempts: Vec<f64>,
    /// Logical requests: requests, agent turns, image requests (with
    /// regenerations), video jobs, realtime turns.
    pub requests: Vec<f64>,
    /// Requests whose every attempt failed.
    pub lost: Vec<f64>,
    /// Billing units the workload uses, each with its quantity and USD.
    pub units: Vec<UnitSeries>,
}

/// Quantity and USD of one billing unit, per trial.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitSeries {
    /// The unit.
    pub unit: Unit,
    /// Quantity per trial (tokens, images, seconds, requests, …).
    pub quantity: Vec<f64>,
    /// USD per trial.
    pub usd: Vec<f64>,
}

/// Per-trial results of one wallet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WalletOutcome {
    /// The wallet's name.
    pub name: String,
    /// Top-ups bought.
    pub topups: Vec<f64>,
    /// USD of purchase fees.
    pub purchase_fees: Vec<f64>,
    /// USD of usage fees (`usage_fee_percent` of every charge).
    pub usage_fees: Vec<f64>,
    /// Credits bought.
    pub credits_bought: Vec<f64>,
    /// Credits used.
    pub credits_used: Vec<f64>,
}

/// Billing units, as the breakdowns and the JSON report name them.
///
/// A simulated quantity's unit, not a catalog price line's (that is
/// `costintent_scenario::catalog::PriceUnit`, which splits cache writes by
/// TTL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// Text input tokens billed at the input price.
    InputTokens,
    /// Output tokens.
    OutputTokens,
    /// Reasoning tokens (billed as output unless the model prices them).
    ReasoningTokens,
    /// Tokens read from the prompt cache.
    CacheReadTokens,
    /// Tokens written to the prompt cache.
    CacheWriteTokens,
    /// Audio input tokens at the full audio input price.
    AudioInputTokens,
    /// Audio input tokens at the cached audio price.
    AudioCachedInputTokens,
    /// Audio output tokens.
    AudioOutputTokens,
    /// Images generated.
    Images,
    /// Seconds of video generated.
    VideoSeconds,
    /// Per-request fees.
    Requests,
    /// Per-task fees.
    Tasks,
    /// Status polls.
    Polls,
}

impl Unit {
    /// Every unit, in display order.
    pub const ALL: [Unit; 13] = [
        Unit::InputTokens,
        Unit::OutputTokens,
        Unit::ReasoningTokens,
        Unit::CacheReadTokens,
        Unit::CacheWriteTokens,
        Unit::AudioInputTokens,
        Unit::AudioCachedInputTokens,
        Unit::AudioOutputTokens,
        Unit::Images,
        Unit::VideoSeconds,
        Unit::Requests,
        Unit::Tasks,
        Unit::Polls,
    ];

    /// The key in the JSON report's `units` object.
    pub fn json_key(self) -> &'static str {
        match self {
            Self::InputTokens => "input_tokens",
            Self::OutputTokens => "output_tokens",
            Self::ReasoningTokens => "reasoning_tokens",
            Self::CacheReadTokens => "cache_read_tokens",
            Self::CacheWriteTokens => "cache_write_tokens",
            Self::AudioInputTokens => "audio_input_tokens",
            Self::AudioCachedInputTokens => "audio_cached_input_tokens",
            Self::AudioOutputTokens => "audio_output_tokens",
            Self::Images => "images",
            Self::VideoSeconds => "video_seconds",
            Self::Requests => "requests",
            Self::Tasks => "tasks",
            Self::Polls => "polls",
        }
    }

    /// A short human label for tables and charts.
    pub fn label(self) -> &'static str {
        match self {
            Self::InputTokens => "input",
            Self::OutputTokens => "output",
            Self::ReasoningTokens => "reasoning",
            Self::CacheReadTokens => "cache read",
            Self::CacheWriteTokens => "cache write",
            Self::AudioInputTokens => "audio input",
            Self::AudioCachedInputTokens => "audio cached input",
            Self::AudioOutputTokens => "audio output",
            Self::Images => "image",
            Self::VideoSeconds => "video second",
            Self::Requests => "request fee",
            Self::Tasks => "task",
            Self::Polls => "poll",
        }
    }
}
