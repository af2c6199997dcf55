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
//! - A rate that changes over the period (`ramp`, `growth`, `daily`) gives
//!   each day `i` an expected count `e_i` (its rate times its length in
//!   days), with this trial's values of the shape's parameters (the ramp's
//!   ends, the first day's mean, the growth rate, in that order). Poisson
//!   arrivals are one draw with mean `K · Σ e_i`: a sum of independent daily
//!   Poisson counts is exactly that, so the day-by-day simulation needs no
//!   draw per day. `arrivals = "exact"` gives day `i` `⌊K · e_i + U_i⌋`. A
//!   `dist` grown day by day draws the day's count `X_i`, thins it to a
//!   partial last day with Binomial(`X_i`, `ℓ_i`), and scales it by
//!   `K · g_i` (its growth factor) with stochastic rounding.
//!
//! Volumes are drawn from their own stream, so scaling a volume leaves the
//! usage draws of the first requests unchanged (common random numbers for
//! `--scale` comparisons).
//!
//! Where the period's prices change, a trial's units are split over the
//! price segments ([`Drawn::split`]): in proportion to each segment's
//! length for a constant rate, in proportion to its share of the expected
//! volume for a Poisson rate that changes, and as the day counts drawn for
//! counts drawn day by day.

use costintent_scenario::{DayCount, Dist, RateProfile, Sampler, Value, Volume};

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
    /// A rate that changes from day to day.
    Profile {
        /// The rates.
        profile: RateProfile,
        /// How a day's count follows from its rate.
        count: DayLaw,
    },
}

/// How a day's count follows from its rate, converted once per run.
#[derive(Clone, Debug)]
pub(crate) enum DayLaw {
    /// Poisson arrivals.
    Poisson,
    /// The expected count, rounded stochastically.
    Exact,
    /// A draw of a count distribution, scaled by the day's growth factor.
    Scaled(DrawSpec),
}

/// A trial's volume and, for a rate that changes over the period, how it
/// spreads over the days.
#[derive(Clone, Debug)]
pub(crate) struct Drawn {
    /// Units in the period.
    pub(crate) total: f64,
    /// How the units spread over the days.
    pub(crate) by_day: ByDay,
    /// The period's length in days.
    pub(crate) days: f64,
}

/// How a trial's units spread over the days of the period.
#[derive(Clone, Debug)]
pub(crate) enum ByDay {
    /// Evenly: a constant rate.
    Even,
    /// In proportion to each day's expected count (Poisson arrivals).
    Expected(Vec<f64>),
    /// Exactly these counts per day.
    Counts(Vec<f64>),
}

/// How a trial's units fall into the price segments of the period.
#[derive(Clone, Debug)]
pub(crate) enum Split {
    /// In proportion to each segment's length.
    ByLength,
    /// In proportion to these weights (each segment's expected units).
    Weights(Vec<f64>),
    /// Exactly these units per segment.
    Counts(Vec<f64>),
}

impl Drawn {
    /// How the units fall into segments that start at `starts` (shares of
    /// the period, the first 0, in order). A day belongs to the segment its middle falls in (prices change
    /// at midnight, so a day lies in one segment).
    pub(crate) fn split(&self, starts: &[f64]) -> Split {
        let days = self.days;
        let per_day = match &self.by_day {
            ByDay::Even => return Split::ByLength,
            ByDay::Expected(v) | ByDay::Counts(v) => v,
        };
        let mut sums = vec![0.0; starts.len()];
        for (i, x) in per_day.iter().enumerate() {
            let middle = (i as f64 + 0.5 * (days - i as f64).clamp(0.0, 1.0)) / days.max(1e-12);
            let segment = starts.iter().rposition(|s| *s <= middle).unwrap_or(0);
            if let Some(sum) = sums.get_mut(segment) {
                *sum += x;
            }
        }
        match self.by_day {
            ByDay::Counts(_) => Split::Counts(sums),
            _ => Split::Weights(sums),
        }
    }
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
            Volume::Profile(profile) => Self::Profile {
                profile: profile.clone(),
                count: match &profile.count {
                    DayCount::Poisson => DayLaw::Poisson,
                    DayCount::Exact => DayLaw::Exact,
                    DayCount::Scaled(dist) => DayLaw::Scaled(DrawSpec::from_dist(dist)),
                },
            },
        }
    }

    /// This trial's volume: parameters from `params`, the draw from `rng`.
    pub(crate) fn draw(&self, params: &mut ParamDraws<'_>, rng: &mut SimRng, scale: f64) -> f64 {
        self.draw_by_day(params, rng, scale).total
    }

    /// This trial's volume and how it spreads over the days (the same
    /// draws as [`VolumeSpec::draw`]).
    pub(crate) fn draw_by_day(
        &self,
        params: &mut ParamDraws<'_>,
        rng: &mut SimRng,
        scale: f64,
    ) -> Drawn {
        let total = match self {
            Self::Profile { profile, count } => {
                return draw_profile(profile, count, params, rng, scale);
            }
            other => other.draw_constant(params, rng, scale),
        };
        Drawn { total, by_day: ByDay::Even, days: 0.0 }
    }

    /// A volume whose rate is constant over the period.
    fn draw_constant(&self, params: &mut ParamDraws<'_>, rng: &mut SimRng, scale: f64) -> f64 {
        match self {
            Self::Profile { .. } => 0.0,
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

/// A day-by-day volume: this trial's daily expected counts from the shape's
/// parameters (drawn from `params` in the order [`RateProfile::shape_values`]
/// lists them), then the counts.
fn draw_profile(
    profile: &RateProfile,
    count: &DayLaw,
    params: &mut ParamDraws<'_>,
    rng: &mut SimRng,
    scale: f64,
) -> Drawn {
    // The values are resolved first, in the documented order, so the
    // stream of per-trial draws does not depend on the shape's arithmetic.
    let values: Vec<f64> = profile.shape_values().into_iter().map(|v| params.value(v)).collect();
    let mut next = values.into_iter();
    let mut value = |_: &Value| next.next().unwrap_or(0.0);
    let mut expected = Vec::with_capacity(profile.day_count());
    profile.expected_by_day(&mut value, &mut expected);
    match count {
        DayLaw::Poisson => {
            let mean: f64 = expected.iter().sum();
            let total = poisson_count(rng, scale * mean);
            Drawn { total, by_day: ByDay::Expected(expected), days: profile.days }
        }
        DayLaw::Exact => {
            let counts: Vec<f64> =
                expected.iter().map(|e| (scale * e + uniform(rng)).floor().max(0.0)).collect();
            Drawn { total: counts.iter().sum(), by_day: ByDay::Counts(counts), days: profile.days }
        }
        DayLaw::Scaled(spec) => {
            let fast = params.sampler(spec);
            let counts: Vec<f64> = expected
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let length = profile.day_length(i);
                    let mut x = round_count(fast.sample(rng));
                    if length < 1.0 {
                        x = binomial_count(rng, x, length);
                    }
                    // `e` is the growth factor times the day's length.
                    let factor = if length > 0.0 { e / length } else { 0.0 };
                    let k = scale * factor;
                    if k == 1.0 { x } else { (k * x + uniform(rng)).floor().max(0.0) }
                })
                .collect();
            Drawn { total: counts.iter().sum(), by_day: ByDay::Counts(counts), days: profile.days }
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
