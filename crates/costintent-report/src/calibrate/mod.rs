//! What `costintent calibrate` found: per workload, each key's fit with
//! its own standard error and the fit's quality, or why the logs could not
//! inform it ([`Calibration`], built by the analysis crate, which holds the
//! estimators); the scenario edits that write it ([`edits()`]) and the
//! terminal table ([`table()`]).

mod edits;
mod table;

pub use edits::{CalibrationEdits, edits};
pub use table::table;

use statrs::function::erf::erfc;

/// Everything fitted, per workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// Attempts read.
    pub attempts: usize,
    /// Attempts no workload claimed, by model, in model order.
    pub unassigned: Vec<(String, usize)>,
    /// One entry per workload of the scenario, in file order.
    pub workloads: Vec<WorkloadFit>,
}

/// The fits of one workload.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadFit {
    /// The workload's name.
    pub name: String,
    /// Attempts assigned to it.
    pub attempts: usize,
    /// Logical requests (turns for an agent).
    pub requests: usize,
    /// Sessions (agent and realtime workloads; 0 otherwise).
    pub sessions: usize,
    /// The keys, in the order of the scenario format.
    pub keys: Vec<KeyFit>,
}

/// One key of a workload and what the logs say about it.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyFit {
    /// The key path inside the workload (`["cache", "gap"]`).
    pub path: Vec<&'static str>,
    /// The fit, or why there is none.
    pub fit: Fit,
    /// Whether the estimate is too imprecise to be written as a fixed
    /// value, so the scenario draws it per trial (the analysis crate's
    /// rule: a relative standard error of 5% or more).
    pub uncertain: bool,
}

impl KeyFit {
    /// The dotted key (`cache.gap`).
    pub fn key(&self) -> String {
        self.path.join(".")
    }
}

/// What one observation of a fit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Per {
    /// A request.
    Request,
    /// An agent turn.
    Turn,
    /// A session.
    Session,
    /// A UTC day.
    Day,
}

impl Per {
    /// The word, singular.
    pub fn word(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Turn => "turn",
            Self::Session => "session",
            Self::Day => "day",
        }
    }
}

/// A fitted key, or why the logs cannot inform it.
#[derive(Clone, Debug, PartialEq)]
pub enum Fit {
    /// Token counts (lognormal).
    Tokens {
        /// What one observation is.
        per: Per,
        /// The fit.
        fit: LogNormalFit,
    },
    /// Seconds between the starts of consecutive turns (lognormal).
    Gap(LogNormalFit),
    /// The gap's median from the share of turns whose cache had expired,
    /// with the file's spread (σ) kept.
    GapFromExpiry {
        /// Turns whose cache had expired, of turns that could read it.
        expired: RateFit,
        /// The cache's TTL in seconds.
        ttl: f64,
        /// σ of the file's gap distribution (kept).
        sigma: f64,
        /// The median that gives P(gap ≥ ttl) = the expired share.
        median: f64,
        /// Its standard error (delta method through the share).
        se_median: f64,
    },
    /// Counts (turns per session, tool calls per turn, arrivals per day).
    Count {
        /// What one observation is.
        per: Per,
        /// The fit.
        fit: CountFit,
    },
    /// A share of events (`failures.rate`).
    Rate(RateFit),
    /// A share of tokens (`cached`).
    Share(ShareFit),
    /// A level in tokens (`context.start`, `context.compact_to`).
    Level(MeanFit),
    /// Retries: the most attempts any request took.
    Retries {
        /// The largest attempt number seen.
        max_attempt: u32,
        /// Whether that needs more retries than the file allows.
        raise: bool,
    },
    /// The context window: what the logs show about it (it is the model's,
    /// not fitted).
    Window {
        /// The largest prompt seen.
        largest_prompt: f64,
        /// Compactions seen.
        compactions: usize,
    },
    /// The key is kept as written.
    NotInformed(Missing),
}

impl Fit {
    /// The relative standard error of the estimate's location (what a
    /// forecast's mean moves with), for the keys that can be drawn per
    /// trial.
    pub fn relative_se(&self) -> Option<f64> {
        match self {
            Self::Tokens { fit, .. } => Some(fit.se_log_mean()),
            Self::Count { fit, .. } => (fit.mean > 0.0).then(|| fit.se_mean() / fit.mean),
            Self::Rate(r) => Some(r.se() / r.rate()),
            Self::Share(s) => (s.share > 0.0).then(|| s.se / s.share),
            // The gap and the context levels are written as fixed values
            // (the levels take no per-trial draws; a gap's is rarely what
            // moves spend): their errors are stated in the comment.
            Self::Gap(_)
            | Self::GapFromExpiry { .. }
            | Self::Level(_)
            | Self::Retries { .. }
            | Self::Window { .. }
            | Self::NotInformed(_) => None,
        }
    }
}

/// Why a key is kept as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Missing {
    /// No record was assigned to the workload.
    NoRecords,
    /// Too few observations to fit (fewer than two).
    TooFew,
    /// The records carry no usable times (none, or all the same instant,
    /// as in a simulated trial's log).
    NoTimes,
    /// The records carry no session ids.
    NoSessions,
    /// The records do not report cache reads and writes.
    NoCacheCounts,
    /// Turns' new tokens mix user input and tool output, and the logs do
    /// not count tool calls.
    ToolsNotCounted {
        /// Mean new tokens per turn (input and tool output together).
        mean_new_tokens: f64,
    },
    /// The volume is not a rate per unit of time (a fixed count, a count
    /// per period, a ramp or growth).
    VolumeShape {
        /// Mean arrivals per day in the logs.
        per_day: f64,
    },
    /// `calibrate` does not fit this key.
    NotFitted,
}

/// The standard normal's 90th percentile.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A lognormal fitted by maximum likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct LogNormalFit {
    /// Positive observations used.
    pub n: usize,
    /// Observations left out because they were zero or negative (a
    /// lognormal cannot produce them).
    pub excluded: usize,
    /// Mean of the logs.
    pub mu: f64,
    /// Standard deviation of the logs (maximum likelihood, divisor n).
    pub sigma: f64,
    /// Kolmogorov–Smirnov distance between the sample and the fitted law.
    pub ks: f64,
    /// Lilliefors' 5% critical value of `ks` for this sample size.
    pub ks_critical: f64,
}

impl LogNormalFit {
    /// Whether the KS distance is below its 5% critical value.
    pub fn fits(&self) -> bool {
        self.ks <= self.ks_critical
    }

    /// Standard error of `mu`.
    pub fn se_mu(&self) -> f64 {
        self.sigma / (self.n as f64).sqrt()
    }

    /// Standard error of `sigma`.
    pub fn se_sigma(&self) -> f64 {
        self.sigma / (2.0 * self.n as f64).sqrt()
    }

    /// The median, exp(μ).
    pub fn median(&self) -> f64 {
        self.mu.exp()
    }

    /// The 90th percentile, exp(μ + z₉₀ σ).
    pub fn p90(&self) -> f64 {
        (self.mu + Z90 * self.sigma).exp()
    }

    /// The mean, exp(μ + σ²/2).
    pub fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    /// The standard deviation, mean · √(exp(σ²) − 1).
    pub fn sd(&self) -> f64 {
        self.mean() * (self.sigma * self.sigma).exp_m1().sqrt()
    }

    /// Standard error of log(median) (= of μ); the median's relative error.
    pub fn se_log_median(&self) -> f64 {
        self.se_mu()
    }

    /// Standard error of log(p90).
    pub fn se_log_p90(&self) -> f64 {
        self.se_mu().hypot(Z90 * self.se_sigma())
    }

    /// Standard error of log(mean): √(se_μ² + σ² se_σ²).
    pub fn se_log_mean(&self) -> f64 {
        self.se_mu().hypot(self.sigma * self.se_sigma())
    }

    /// Standard error of log(sd).
    pub fn se_log_sd(&self) -> f64 {
        let s2 = self.sigma * self.sigma;
        // d log(sd) / dσ = σ + σ e^{σ²} / (e^{σ²} − 1).
        let d_sigma = if s2 > 0.0 { self.sigma + self.sigma * s2.exp() / s2.exp_m1() } else { 0.0 };
        self.se_mu().hypot(d_sigma * self.se_sigma())
    }
}

/// Which count law the data chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountLaw {
    /// Variance equal to the mean.
    Poisson,
    /// Over-dispersed (variance above the mean).
    NegBin,
}

/// Counts fitted by Poisson and by negative binomial.
#[derive(Clone, Debug, PartialEq)]
pub struct CountFit {
    /// Observations (sessions, days).
    pub n: usize,
    /// Sample mean (the maximum likelihood mean of both laws).
    pub mean: f64,
    /// Sample variance (divisor n − 1).
    pub variance: f64,
    /// The negative binomial's size r (maximum likelihood); `None` when the
    /// sample is not over-dispersed, where the likelihood peaks at r = ∞.
    pub r: Option<f64>,
    /// Standard error of ln r.
    pub se_log_r: Option<f64>,
    /// The likelihood-ratio statistic, 2 (ℓ_negbin − ℓ_Poisson) ≥ 0.
    pub lr: f64,
    /// Its p-value against the Poisson (half the χ²₁ tail).
    pub p_value: f64,
    /// The law chosen at 5%.
    pub law: CountLaw,
}

impl CountFit {
    /// The chosen law's standard deviation.
    pub fn sd(&self) -> f64 {
        match (self.law, self.r) {
            (CountLaw::NegBin, Some(r)) => (self.mean + self.mean * self.mean / r).sqrt(),
            _ => self.mean.sqrt(),
        }
    }

    /// Standard error of the mean under the chosen law.
    pub fn se_mean(&self) -> f64 {
        self.sd() / (self.n as f64).sqrt()
    }

    /// Standard error of the chosen law's standard deviation (delta
    /// method; the negative binomial's mean and size are orthogonal).
    pub fn se_sd(&self) -> f64 {
        let sd = self.sd();
        if sd <= 0.0 {
            return 0.0;
        }
        let m = self.mean;
        match (self.law, self.r, self.se_log_r) {
            (CountLaw::NegBin, Some(r), Some(se_log_r)) => {
                let d_mean = (1.0 + 2.0 * m / r) / (2.0 * sd);
                let d_log_r = -(m * m / r) / (2.0 * sd);
                (d_mean * self.se_mean()).hypot(d_log_r * se_log_r)
            }
            _ => self.se_mean() / (2.0 * sd),
        }
    }
}

/// A share of events with the Jeffreys posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct RateFit {
    /// Events (failed attempts).
    pub k: u64,
    /// Trials (attempts).
    pub n: u64,
}

impl RateFit {
    /// The posterior mean, (k + ½) / (n + 1).
    pub fn rate(&self) -> f64 {
        (self.k as f64 + 0.5) / (self.n as f64 + 1.0)
    }

    /// The posterior standard deviation.
    pub fn se(&self) -> f64 {
        let (a, b) = (self.k as f64 + 0.5, (self.n - self.k.min(self.n)) as f64 + 0.5);
        (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt()
    }
}

/// A ratio of sums, Σ num / Σ den, over n observations.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareFit {
    /// Observations.
    pub n: usize,
    /// The ratio.
    pub share: f64,
    /// Its standard error (the ratio estimator's linearization).
    pub se: f64,
}

/// A mean (or difference of means) and its standard error.
#[derive(Clone, Debug, PartialEq)]
pub struct MeanFit {
    /// Observations behind the first mean.
    pub n: usize,
    /// The estimate.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

/// The standard normal CDF.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}
