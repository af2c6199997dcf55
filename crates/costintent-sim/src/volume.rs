//! How many requests or sessions a trial has, and what `--scale K` does.
//!
//! - A plain number `n` gives `⌊K · n + U⌋` every trial (exactly `n` when K is 1), so the mean is K · n.
//! - A distribution for the whole period gives one draw `X`. A Poisson count
//!   is drawn with mean `K · mean` (scaling a rate); any other count is drawn
//!   unscaled, rounded to a whole number, and then scaled with stochastic
//!   rounding, `⌊K · X + U⌋` with `U` uniform on [0, 1), whose mean is
//!   exactly `K · X`.
//! - A count per unit of time (`per = "day"`) over a period of `u` units: a
//!   Poisson count is drawn once with mean `K · mean · u`. Another count is
//!   the sum of `⌊u⌋` independent draws plus, for the fractional part `f` of
//!   `u`, one more draw thinned by Binomial(draw, f) (each of its arrivals
//!   falls in the partial unit with probability `f`); the sum is then scaled
//!   like a per-period draw.
//!
//! Volumes are drawn from their own stream, so scaling a volume leaves the
//! usage draws of the first requests unchanged (common random numbers for
//! `--scale` comparisons).

use costintent_scenario::{Dist, Sampler, Volume};

use crate::math::round_count;
use crate::params::{DrawSpec, ParamDraws};
use crate::rng::{SimRng, uniform};
use crate::sampling::{Fast, binomial_count, poisson_count};

/// A volume, converted once per run.
#[derive(Clone, Debug)]
pub(crate) enum VolumeSpec {
    /// `⌊K · n + U⌋` (stochastic rounding keeps the mean at K · n).
    Fixed(f64),
    /// One draw per period.
    PerPeriod(CountSpec),
    /// Draws per unit of time over `units` units.
    PerUnit {
        /// Units of time in the period (may be fractional).
        units: f64,
        /// The count in one unit.
        count: CountSpec,
    },
}

/// A count distribution: Poisson (scaled through its mean) or any other.
#[derive(Clone, Debug)]
pub(crate) enum CountSpec {
    /// Poisson with this mean (per period or per unit).
    Poisson(PoissonMean),
    /// Any other distribution.
    Other(DrawSpec),
}

/// A Poisson mean, fixed or drawn per trial.
#[derive(Clone, Debug)]
pub(crate) enum PoissonMean {
    /// Fixed mean.
    Fixed(f64),
    /// A Poisson whose mean is drawn per trial.
    PerTrial(Dist),
}

impl VolumeSpec {
    /// Converts a scenario volume.
    pub(crate) fn new(volume: &Volume) -> Self {
        match volume {
            Volume::Fixed(n) => Self::Fixed(*n),
            Volume::PerPeriod(dist) => Self::PerPeriod(CountSpec::new(dist)),
            Volume::PerUnit { units, dist, .. } => {
                Self::PerUnit { units: *units, count: CountSpec::new(dist) }
            }
        }
    }

    /// This trial's volume: parameters from `params`, the draw from `rng`.
    pub(crate) fn draw(&self, params: &mut ParamDraws<'_>, rng: &mut SimRng, scale: f64) -> f64 {
        match self {
            Self::Fixed(n) => scaled(rng, *n, scale),
            Self::PerPeriod(count) => match count.resolve(params) {
                Resolved::Poisson(mean) => poisson_count(rng, scale * mean),
                Resolved::Other(fast) => {
                    let x = round_count(fast.sample(rng));
                    scaled(rng, x, scale)
                }
            },
            Self::PerUnit { units, count } => match count.resolve(params) {
                Resolved::Poisson(mean) => poisson_count(rng, scale * mean * units),
                Resolved::Other(fast) => {
                    let units = units.max(0.0);
                    let whole = units.floor();
                    let mut total = 0.0;
                    let mut i = 0.0;
                    while i < whole {
                        total += round_count(fast.sample(rng));
                        i += 1.0;
                    }
                    let frac = units - whole;
                    if frac > 0.0 {
                        let extra = round_count(fast.sample(rng));
                        total += binomial_count(rng, extra, frac);
                    }
                    scaled(rng, total, scale)
                }
            },
        }
    }
}

/// A count distribution with this trial's parameters.
enum Resolved {
    Poisson(f64),
    Other(Fast),
}

impl CountSpec {
    fn new(dist: &Dist) -> Self {
        match dist {
            Dist::Poisson { mean } => match mean.fixed() {
                Some(m) => Self::Poisson(PoissonMean::Fixed(m)),
                None => Self::Poisson(PoissonMean::PerTrial(dist.clone())),
            },
            other => Self::Other(DrawSpec::from_dist(other)),
        }
    }

    fn resolve(&self, params: &mut ParamDraws<'_>) -> Resolved {
        match self {
            Self::Poisson(PoissonMean::Fixed(mean)) => Resolved::Poisson(*mean),
            Self::Poisson(PoissonMean::PerTrial(dist)) => match params.resolve(dist) {
                Sampler::Poisson { mean } => Resolved::Poisson(mean),
                other => Resolved::Other(Fast::new(&other)),
            },
            Self::Other(spec) => Resolved::Other(params.sampler(spec)),
        }
    }
}

/// `⌊K · x + U⌋`, or `x` itself when `K` is 1.
fn scaled(rng: &mut SimRng, x: f64, scale: f64) -> f64 {
    if scale == 1.0 {
        return x;
    }
    (scale * x + uniform(rng)).floor().max(0.0)
}
