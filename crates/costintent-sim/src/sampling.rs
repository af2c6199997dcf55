//! Drawing from a [`Sampler`]: exact in distribution, fast where it matters.
//!
//! [`Fast`] is a sampler with its constants precomputed. [`Source`] is one
//! draw site of a workload (input tokens per turn, gaps, tool calls, …): it
//! rounds counts to whole numbers and, for the lognormal that dominates token
//! draws, produces values in batches (ziggurat normals, a vectorised `exp`
//! and the rounding, fused in one pass: see [`fill_lognormal`]). A refill draws
//! 16 values, then 32, doubling up to 256, so a site that needs few draws
//! per trial wastes little. The sequence a site yields is an i.i.d. sample
//! whatever the batch sizes, and it is a fixed function of the stream.
//!
//! Conventions, the same for every site: counts and token draws are rounded
//! half away from zero and negative values become 0; continuous quantities
//! (seconds, minutes, gaps, latencies) are not rounded and negative values
//! become 0. A normal is redrawn while negative (a normal truncated at 0;
//! every quantity a scenario draws is non-negative), with Robert's (1995)
//! exponential proposal when 0 lies far above the mean so that it never
//! loops for long. A geometric count (1, 2, …) is `1 + ⌊E / λ⌋` with `E` a
//! standard exponential (ziggurat) and `λ = −ln(1 − p)`: the floor of an
//! exponential of rate λ is geometric, P(⌊E / λ⌋ ≥ k) = e^(−λk) = (1 − p)^k,
//! so this is exact, and it needs no logarithm per draw (it is the inverse
//! CDF `⌊ln U / ln(1 − p)⌋` with `−ln U` replaced by an exponential drawn
//! faster). A negative binomial is a gamma–Poisson mixture.

use std::sync::Arc;

use costintent_scenario::{Choice, Sampler};
use rand_distr::{Beta, Binomial, Distribution as _, Gamma, Poisson};

use crate::math::round_count;
use crate::rng::{SimRng, uniform, uniform_open};
use crate::ziggurat::{MAX_BATCH, fill_lognormal, standard_normal};

/// A sampler with its constants precomputed.
#[derive(Clone, Debug)]
pub(crate) enum Fast {
    /// Always this value.
    Const(f64),
    /// Poisson with mean in (0, `Poisson::MAX_LAMBDA`].
    Poisson(Poisson<f64>),
    /// Poisson with a mean beyond what `rand_distr` takes (above 1.8e19):
    /// the normal approximation, whose relative error there is below 1e-9.
    PoissonHuge {
        /// The mean.
        mean: f64,
    },
    /// Gamma–Poisson mixture: λ ~ `gamma`, X ~ Poisson(λ).
    NegBin {
        /// Distribution of the Poisson rate.
        gamma: Gamma<f64>,
    },
    /// Geometric on 1, 2, …: `1 + ⌊E · inv_rate⌋`, E ~ Exp(1).
    Geometric {
        /// 1 / −ln(1 − p), positive.
        inv_rate: f64,
    },
    /// exp(mu + sigma · Z).
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// N(mean, sd²) truncated at 0.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Uniform on [min, min + width).
    Uniform {
        /// Lower end.
        min: f64,
        /// max − min.
        width: f64,
    },
    /// Gamma.
    Gamma(Gamma<f64>),
    /// Beta.
    Beta(Beta<f64>),
    /// One of listed values.
    Choice(Arc<Choice>),
}

impl Fast {
    /// Precomputes the constants of `sampler`. Parameters that no
    /// distribution takes (validation rules them out) become the nearest
    /// degenerate sampler rather than a panic.
    pub(crate) fn new(sampler: &Sampler) -> Self {
        match *sampler {
            Sampler::Const(x) => Self::Const(x),
            Sampler::Poisson { mean } => poisson(mean),
            Sampler::NegBin { r, mean } => match Gamma::new(r, mean / r) {
                Ok(gamma) if mean > 0.0 => Self::NegBin { gamma },
                _ => poisson(mean),
            },
            Sampler::Geometric { p } => {
                if p >= 1.0 || p.is_nan() {
                    Self::Const(1.0)
                } else if p <= 0.0 {
                    Self::Const(f64::INFINITY)
                } else {
                    Self::Geometric { inv_rate: geometric_inv_rate(p) }
                }
            }
            Sampler::LogNormal { mu, sigma } => {
                if sigma > 0.0 {
                    Self::LogNormal { mu, sigma }
                } else {
                    Self::Const(mu.exp())
                }
            }
            Sampler::Normal { mean, sd } => {
                if sd > 0.0 {
                    Self::Normal { mean, sd }
                } else {
                    Self::Const(mean.max(0.0))
                }
            }
            Sampler::Uniform { min, max } => Self::Uniform { min, width: (max - min).max(0.0) },
            Sampler::Gamma { shape, scale } => match Gamma::new(shape, scale) {
                Ok(g) => Self::Gamma(g),
                Err(_) => Self::Const((shape * scale).max(0.0)),
            },
            Sampler::Beta { a, b } => match Beta::new(a, b) {
                Ok(d) => Self::Beta(d),
                Err(_) => Self::Const((a / (a + b)).clamp(0.0, 1.0)),
            },
            Sampler::Choice(ref choice) => {
                if choice.values.is_empty() {
                    Self::Const(0.0)
                } else {
                    Self::Choice(choice.clone())
                }
            }
        }
    }

    /// One draw, unrounded.
    pub(crate) fn sample(&self, rng: &mut SimRng) -> f64 {
        match self {
            Self::Const(x) => *x,
            Self::Poisson(d) => d.sample(rng),
            Self::PoissonHuge { mean } => mean + mean.sqrt() * standard_normal(rng),
            Self::NegBin { gamma } => poisson(gamma.sample(rng)).sample(rng),
            Self::Geometric { inv_rate } => 1.0 + floor_non_negative(exponential(rng) * inv_rate),
            Self::LogNormal { mu, sigma } => crate::math::exp(mu + sigma * standard_normal(rng)),
            Self::Normal { mean, sd } => truncated_normal(rng, *mean, *sd),
            Self::Uniform { min, width } => min + width * uniform(rng),
            Self::Gamma(d) => d.sample(rng),
            Self::Beta(d) => d.sample(rng),
            Self::Choice(c) => {
                let u = uniform(rng);
                let i = c.cumulative.partition_point(|&cum| cum <= u);
                c.values.get(i).or(c.values.last()).copied().unwrap_or(0.0)
            }
        }
    }
}

/// A standard exponential draw (rand_distr's ziggurat).
#[inline]
pub(crate) fn exponential(rng: &mut SimRng) -> f64 {
    rand_distr::Exp1.sample(rng)
}

/// `1 / λ` with `λ = −ln(1 − p)`, so that `⌊E / λ⌋` (E ~ Exp(1)) counts the
/// failures before the first success of Bernoulli(p) trials; 0 for p = 1.
pub(crate) fn geometric_inv_rate(p: f64) -> f64 {
    1.0 / -(-p).ln_1p()
}

/// `⌊x⌋` for `x ≥ 0`, without a library call on the baseline target: below
/// 2^52 truncation is the floor, and from 2^52 on every `f64` is whole.
#[inline]
pub(crate) fn floor_non_negative(x: f64) -> f64 {
    if x < 4_503_599_627_370_496.0 { (x as u64) as f64 } else { x }
}

/// A Poisson sampler for any mean, degenerate at 0 for a mean of 0 (or a
/// mean that is not a number, which validation rules out).
fn poisson(mean: f64) -> Fast {
    if mean > Poisson::<f64>::MAX_LAMBDA && mean.is_finite() {
        return Fast::PoissonHuge { mean };
    }
    match Poisson::new(mean) {
        Ok(d) => Fast::Poisson(d),
        Err(_) => Fast::Const(0.0),
    }
}

/// Draws a Poisson count with any mean (for scaled volumes).
pub(crate) fn poisson_count(rng: &mut SimRng, mean: f64) -> f64 {
    round_count(poisson(mean).sample(rng))
}

/// Draws Binomial(n, p); `n` is a whole count.
pub(crate) fn binomial_count(rng: &mut SimRng, n: f64, p: f64) -> f64 {
    match Binomial::new(n as u64, p.clamp(0.0, 1.0)) {
        Ok(d) => d.sample(rng) as f64,
        Err(_) => 0.0,
    }
}

/// N(mean, sd²) conditioned on being ≥ 0.
fn truncated_normal(rng: &mut SimRng, mean: f64, sd: f64) -> f64 {
    // The lower bound in standard units.
    let a = -mean / sd;
    if a <= 0.3 {
        // Plain rejection accepts with probability P(Z ≥ a) ≥ 0.38.
        loop {
            let x = mean + sd * standard_normal(rng);
            if x >= 0.0 {
                return x;
            }
        }
    }
    // Robert (1995): exponential proposal with the optimal rate for a
    // one-sided truncation at a; acceptance is above 0.8 for every a ≥ 0.3.
    let alpha = 0.5 * (a + (a * a + 4.0).sqrt());
    loop {
        let z = a - uniform_open(rng).ln() / alpha;
        if uniform(rng) <= (-0.5 * (z - alpha) * (z - alpha)).exp() {
            return (mean + sd * z).max(0.0);
        }
    }
}

/// How a draw site turns a raw draw into a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rounding {
    /// A count: whole numbers, at least 0.
    Count,
    /// A continuous quantity: at least 0.
    Continuous,
}

impl Rounding {
    #[inline]
    fn apply(self, x: f64) -> f64 {
        match self {
            Self::Count => round_count(x),
            Self::Continuous => x.max(0.0),
        }
    }
}

/// One draw site of a workload: the sampler, its rounding, and a buffer of
/// lognormal values produced in batches.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    fast: Fast,
    rounding: Rounding,
    /// Lognormal values ready to hand out: `buf[pos..len]`.
    buf: Box<[f64; MAX_BATCH]>,
    pos: usize,
    len: usize,
    /// Size of the next refill (16, doubling up to `MAX_BATCH`).
    next_batch: usize,
}

/// The first refill of a trial: small, so a site used a few times per trial
/// does not pay for 256 draws.
const FIRST_BATCH: usize = 16;

impl Source {
    /// A site that always yields 0 until [`Source::reset`] gives it a sampler.
    pub(crate) fn new(rounding: Rounding) -> Self {
        Self {
            fast: Fast::Const(0.0),
            rounding,
            buf: Box::new([0.0; MAX_BATCH]),
            pos: 0,
            len: 0,
            next_batch: FIRST_BATCH,
        }
    }

    /// Starts a trial with this sampler: buffered values of the previous
    /// trial are dropped, so a trial's draws depend on its own stream only.
    pub(crate) fn reset(&mut self, fast: &Fast) {
        self.fast = match *fast {
            // Round a constant once, here, rather than on every draw.
            Fast::Const(x) => Fast::Const(self.rounding.apply(x)),
            ref other => other.clone(),
        };
        self.pos = 0;
        self.len = 0;
        self.next_batch = FIRST_BATCH;
    }

    /// The next value.
    #[inline]
    pub(crate) fn next(&mut self, rng: &mut SimRng) -> f64 {
        match self.fast {
            Fast::Const(x) => x,
            Fast::LogNormal { mu, sigma } => {
                if self.pos == self.len {
                    self.refill(rng, mu, sigma);
                }
                let x = self.buf[self.pos];
                self.pos += 1;
                x
            }
            ref other => self.rounding.apply(other.sample(rng)),
        }
    }

    /// The sum of `n` independent values (tool output over a turn's calls).
    pub(crate) fn sum_of(&mut self, rng: &mut SimRng, n: f64) -> f64 {
        match self.fast {
            Fast::Const(x) => x * n,
            _ => {
                let mut total = 0.0;
                let mut i = 0.0;
                while i < n {
                    total += self.next(rng);
                    i += 1.0;
                }
                total
            }
        }
    }

    #[cold]
    fn refill(&mut self, rng: &mut SimRng, mu: f64, sigma: f64) {
        let n = self.next_batch;
        self.next_batch = (n * 2).min(MAX_BATCH);
        fill_lognormal(rng, &mut self.buf[..n], mu, sigma, self.rounding == Rounding::Count);
        self.pos = 0;
        self.len = n;
    }
}

/// Draws from a [`Sampler`] exactly as the engine does, for benchmarks and
/// for checking the samplers against their closed forms.
#[derive(Clone, Debug)]
pub struct Draws {
    source: Source,
    rng: SimRng,
}

impl Draws {
    /// A draw site for `sampler` on the stream `seed`; `counts` rounds every
    /// value to a whole number, as token and count sites do.
    pub fn new(sampler: &Sampler, counts: bool, seed: u64) -> Self {
        let rounding = if counts { Rounding::Count } else { Rounding::Continuous };
        let mut source = Source::new(rounding);
        source.reset(&Fast::new(sampler));
        let rng = crate::rng::stream(seed, 0, 0, crate::rng::Stream::Usage);
        Self { source, rng }
    }

    /// The next value.
    pub fn next_value(&mut self) -> f64 {
        self.source.next(&mut self.rng)
    }

    /// Fills `out` with the next values.
    pub fn fill(&mut self, out: &mut [f64]) {
        for x in out {
            *x = self.source.next(&mut self.rng);
        }
    }
}
