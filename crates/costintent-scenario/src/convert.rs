//! From the user's parameterisation of a distribution to a [`Sampler`].
//!
//! `check` and the engine both go through [`Dist::sampler`], so a scenario
//! that passes `check` samples exactly what `check` validated. The
//! conversions are closed forms except the negative binomial's `p90`, which
//! is solved numerically for the dispersion.

use statrs::distribution::{ContinuousCDF, DiscreteCDF, Normal, Poisson};

use crate::model::{Dist, Domain, LogNormalParams, NegBinSpread, Sampler, Value, Volume};

/// The 0.9 quantile of the standard normal distribution.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A parameter combination that no distribution has.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError {
    /// The key the problem is about (`"p90"`, `"sd"`, `"max"`, …).
    pub key: &'static str,
    /// What is wrong, as a sentence fragment.
    pub message: String,
    /// What would fix it, if we can say.
    pub help: Option<String>,
}

impl ParamError {
    fn new(key: &'static str, message: impl Into<String>) -> Self {
        Self { key, message: message.into(), help: None }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.key, self.message)
    }
}

impl std::error::Error for ParamError {}

/// A sampler built from per-trial draws, and whether any draw or the
/// combination had to be moved to the nearest valid value.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The sampler.
    pub sampler: Sampler,
    /// True when a drawn parameter was clamped into its domain or an invalid
    /// combination (for example a drawn p90 below the drawn median) was
    /// replaced by the nearest valid one.
    pub clamped: bool,
}

impl Dist {
    /// The sampler for fixed parameters, or why they are invalid.
    ///
    /// Returns `None` when a parameter is uncertain (drawn per trial); those
    /// are checked per trial by [`Dist::resolve`].
    pub fn fixed_sampler(&self) -> Option<Result<Sampler, ParamError>> {
        let mut all_fixed = true;
        let mut get = |v: &Value| match v {
            Value::Fixed(x) => *x,
            Value::PerTrial { .. } => {
                all_fixed = false;
                f64::NAN
            }
        };
        let result = self.sampler_with(&mut get);
        all_fixed.then_some(result)
    }

    /// The sampler for this trial: `draw` gives the value of each uncertain
    /// parameter (already clamped to its domain, with a flag if it moved).
    /// Invalid combinations are replaced by the nearest valid sampler.
    pub fn resolve(&self, draw: &mut dyn FnMut(&Value) -> (f64, bool)) -> Resolved {
        let mut clamped = false;
        let mut get = |v: &Value| match v {
            Value::Fixed(x) => *x,
            Value::PerTrial { .. } => {
                let (x, moved) = draw(v);
                clamped |= moved;
                x
            }
        };
        match self.sampler_with(&mut get) {
            Ok(sampler) => Resolved { sampler, clamped },
            Err(_) => Resolved { sampler: self.nearest_valid(&mut get), clamped: true },
        }
    }

    /// Converts with the given parameter values; errors name the key at fault.
    pub fn sampler_with(&self, get: &mut dyn FnMut(&Value) -> f64) -> Result<Sampler, ParamError> {
        match self {
            Self::Poisson { mean } => {
                let mean = non_negative("mean", get(mean))?;
                Ok(Sampler::Poisson { mean })
            }
            Self::NegBin { mean, spread } => {
                let mean = positive("mean", get(mean))?;
                let r = match spread {
                    NegBinSpread::Sd(sd) => negbin_r_from_sd(mean, get(sd))?,
                    NegBinSpread::P90(p90) => negbin_r_from_p90(mean, get(p90))?,
                };
                Ok(Sampler::NegBin { r, mean })
            }
            Self::Geometric { mean } => {
                let mean = finite("mean", get(mean))?;
                if mean < 1.0 {
                    return Err(ParamError::new(
                        "mean",
                        format!(
                            "a geometric count (1, 2, 3, …) has a mean of at least 1, not {mean}"
                        ),
                    )
                    .help("counts that can be 0 are better described by `poisson` or `negbin`"));
                }
                Ok(Sampler::Geometric { p: 1.0 / mean })
            }
            Self::LogNormal(LogNormalParams::MedianP90 { median, p90 }) => {
                let (mu, sigma) = lognormal_from_median_p90(get(median), get(p90))?;
                Ok(Sampler::LogNormal { mu, sigma })
            }
            Self::LogNormal(LogNormalParams::MeanSd { mean, sd }) => {
                let (mu, sigma) = lognormal_from_mean_sd(get(mean), get(sd))?;
                Ok(Sampler::LogNormal { mu, sigma })
            }
            Self::Normal { mean, sd } => {
                let mean = finite("mean", get(mean))?;
                let sd = non_negative("sd", get(sd))?;
                Ok(Sampler::Normal { mean, sd })
            }
            Self::Uniform { min, max } => {
                let min = finite("min", get(min))?;
                let max = finite("max", get(max))?;
                if min > max {
                    return Err(ParamError::new(
                        "max",
                        format!("max ({max}) is below min ({min})"),
                    )
                    .help("swap `min` and `max`"));
                }
                Ok(Sampler::Uniform { min, max })
            }
            Self::Gamma { mean, sd } => {
                let (shape, scale) = gamma_from_mean_sd(get(mean), get(sd))?;
                Ok(Sampler::Gamma { shape, scale })
            }
            Self::Beta { mean, sd } => {
                let (a, b) = beta_from_mean_sd(get(mean), get(sd))?;
                Ok(Sampler::Beta { a, b })
            }
            Self::Choice(choice) => Ok(Sampler::Choice(choice.clone())),
        }
    }

    /// The closest valid sampler when drawn parameters do not fit together.
    fn nearest_valid(&self, get: &mut dyn FnMut(&Value) -> f64) -> Sampler {
        let pos = |x: f64| if x.is_finite() && x > 0.0 { x } else { f64::MIN_POSITIVE };
        match self {
            Self::Poisson { mean } => Sampler::Poisson { mean: get(mean).max(0.0) },
            // Too little spread for a negative binomial: the Poisson limit.
            Self::NegBin { mean, .. } => Sampler::Poisson { mean: get(mean).max(0.0) },
            Self::Geometric { mean } => Sampler::Geometric { p: 1.0 / get(mean).max(1.0) },
            Self::LogNormal(LogNormalParams::MedianP90 { median, .. }) => {
                Sampler::LogNormal { mu: pos(get(median)).ln(), sigma: 0.0 }
            }
            Self::LogNormal(LogNormalParams::MeanSd { mean, .. }) => {
                Sampler::LogNormal { mu: pos(get(mean)).ln(), sigma: 0.0 }
            }
            Self::Normal { mean, sd } => Sampler::Normal { mean: get(mean), sd: get(sd).max(0.0) },
            Self::Uniform { min, max } => {
                let (a, b) = (get(min), get(max));
                Sampler::Uniform { min: a.min(b), max: a.max(b) }
            }
            Self::Gamma { mean, .. } => Sampler::Const(get(mean).max(0.0)),
            Self::Beta { mean, .. } => Sampler::Const(get(mean).clamp(0.0, 1.0)),
            Self::Choice(choice) => Sampler::Choice(choice.clone()),
        }
    }

    /// The smallest and largest values the distribution can produce, for
    /// fixed parameters (used to check that a parameter distribution fits its
    /// domain: a `rate` drawn from a lognormal could exceed 1).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Self::Poisson { .. } | Self::NegBin { .. } => (0.0, f64::INFINITY),
            Self::Geometric { .. } => (1.0, f64::INFINITY),
            Self::LogNormal(_) | Self::Gamma { .. } => (0.0, f64::INFINITY),
            Self::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Self::Uniform { min, max } => {
                (min.fixed().unwrap_or(f64::NEG_INFINITY), max.fixed().unwrap_or(f64::INFINITY))
            }
            Self::Beta { .. } => (0.0, 1.0),
            Self::Choice(c) => c
                .values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v))),
        }
    }

    /// Whether every value the distribution can produce lies in `domain`.
    pub fn fits(&self, domain: Domain) -> bool {
        let (lo, hi) = self.support();
        match domain {
            Domain::Real => true,
            Domain::NonNegative => lo >= 0.0,
            Domain::Positive => lo >= 0.0, // a zero draw is clamped to the smallest positive number
            Domain::Probability => lo >= 0.0 && hi <= 1.0,
        }
    }

    /// The `dist` keyword as written.
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Poisson { .. } => "poisson",
            Self::NegBin { .. } => "negbin",
            Self::Geometric { .. } => "geometric",
            Self::LogNormal(_) => "lognormal",
            Self::Normal { .. } => "normal",
            Self::Uniform { .. } => "uniform",
            Self::Gamma { .. } => "gamma",
            Self::Beta { .. } => "beta",
            Self::Choice(_) => "choice",
        }
    }
}

impl Volume {
    /// The mean count per period, when every parameter is fixed.
    pub fn mean(&self) -> Option<f64> {
        let mean = |d: &Dist| d.fixed_sampler().and_then(Result::ok).map(|s| s.mean());
        match self {
            Volume::Fixed(n) => Some(*n),
            Volume::PerPeriod(d) => mean(d),
            Volume::PerUnit { units, dist, .. } => mean(dist).map(|m| m * units),
            Volume::Profile(p) => p.fixed_expected_by_day().map(|days| days.iter().sum()),
        }
    }
}

impl Sampler {
    /// The mean of the distribution (the truncated normal's is approximated
    /// by the untruncated mean when it lies more than 4 sd above 0).
    pub fn mean(&self) -> f64 {
        match self {
            Self::Const(x) => *x,
            Self::Poisson { mean } | Self::NegBin { mean, .. } => *mean,
            Self::Geometric { p } => 1.0 / p,
            Self::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Self::Normal { mean, .. } => *mean,
            Self::Uniform { min, max } => (min + max) / 2.0,
            Self::Gamma { shape, scale } => shape * scale,
            Self::Beta { a, b } => a / (a + b),
            Self::Choice(c) => {
                let mut prev = 0.0;
                c.values
                    .iter()
                    .zip(&c.cumulative)
                    .map(|(v, &cum)| {
                        let w = cum - prev;
                        prev = cum;
                        v * w
                    })
                    .sum()
            }
        }
    }
}

impl Sampler {
    /// The `p`-quantile (the smallest x with P(X ≤ x) ≥ p for counts).
    pub fn quantile(&self, p: f64) -> f64 {
        use statrs::distribution::{Beta, Gamma, NegativeBinomial};
        let p = p.clamp(0.0, 1.0);
        match self {
            Self::Const(x) => *x,
            Self::Poisson { mean } => {
                if *mean == 0.0 {
                    return 0.0;
                }
                Poisson::new(*mean).map_or(f64::NAN, |d| d.inverse_cdf(p) as f64)
            }
            Self::NegBin { r, mean } => NegativeBinomial::new(*r, r / (r + mean))
                .map_or(f64::NAN, |d| d.inverse_cdf(p) as f64),
            Self::Geometric { p: q } => {
                if *q >= 1.0 {
                    return 1.0;
                }
                // Smallest k ≥ 1 with 1 − (1 − q)^k ≥ p.
                ((1.0 - p).ln() / (1.0 - q).ln()).ceil().max(1.0)
            }
            Self::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(p)).exp(),
            Self::Normal { mean, sd } => mean + sd * normal_quantile(p),
            Self::Uniform { min, max } => min + (max - min) * p,
            Self::Gamma { shape, scale } => {
                Gamma::new(*shape, 1.0 / scale).map_or(f64::NAN, |d| d.inverse_cdf(p))
            }
            Self::Beta { a, b } => Beta::new(*a, *b).map_or(f64::NAN, |d| d.inverse_cdf(p)),
            Self::Choice(c) => {
                let i = c.cumulative.iter().position(|&cum| cum >= p).unwrap_or(c.values.len() - 1);
                c.values.get(i).copied().unwrap_or(f64::NAN)
            }
        }
    }
}

fn finite(key: &'static str, x: f64) -> Result<f64, ParamError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(ParamError::new(key, format!("{x} is not a finite number")))
    }
}

fn non_negative(key: &'static str, x: f64) -> Result<f64, ParamError> {
    let x = finite(key, x)?;
    if x < 0.0 {
        return Err(ParamError::new(key, format!("must not be negative (got {x})")));
    }
    Ok(x)
}

fn positive(key: &'static str, x: f64) -> Result<f64, ParamError> {
    let x = finite(key, x)?;
    if x <= 0.0 {
        return Err(ParamError::new(key, format!("must be greater than 0 (got {x})")));
    }
    Ok(x)
}

/// Lognormal `mu`, `sigma` from the median and the 90th percentile.
pub fn lognormal_from_median_p90(median: f64, p90: f64) -> Result<(f64, f64), ParamError> {
    let median = positive("median", median)?;
    let p90 = positive("p90", p90)?;
    if p90 < median {
        return Err(ParamError::new("p90", format!("p90 ({p90}) is below the median ({median})"))
            .help("the 90th percentile of a quantity is at least its median; did you swap them?"));
    }
    Ok((median.ln(), (p90 / median).ln() / Z90))
}

/// Lognormal `mu`, `sigma` from the mean and standard deviation.
pub fn lognormal_from_mean_sd(mean: f64, sd: f64) -> Result<(f64, f64), ParamError> {
    let mean = positive("mean", mean)?;
    let sd = non_negative("sd", sd)?;
    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
    Ok((mean.ln() - sigma2 / 2.0, sigma2.sqrt()))
}

/// Gamma shape and scale from the mean and standard deviation.
pub fn gamma_from_mean_sd(mean: f64, sd: f64) -> Result<(f64, f64), ParamError> {
    let mean = positive("mean", mean)?;
    let sd = positive("sd", sd)?;
    Ok(((mean / sd).powi(2), sd * sd / mean))
}

/// Beta a, b from the mean and standard deviation.
pub fn beta_from_mean_sd(mean: f64, sd: f64) -> Result<(f64, f64), ParamError> {
    let mean = finite("mean", mean)?;
    if mean <= 0.0 || mean >= 1.0 {
        return Err(ParamError::new(
            "mean",
            format!("a beta mean lies strictly between 0 and 1 (got {mean})"),
        ));
    }
    let sd = positive("sd", sd)?;
    let max_var = mean * (1.0 - mean);
    if sd * sd >= max_var {
        return Err(ParamError::new(
            "sd",
            format!(
                "sd {sd} is too large for a beta with mean {mean}: sd must be below {:.4}",
                max_var.sqrt()
            ),
        ));
    }
    let common = max_var / (sd * sd) - 1.0;
    Ok((mean * common, (1.0 - mean) * common))
}

/// Negative binomial size `r` from the mean and standard deviation:
/// var = mean + mean² / r.
pub fn negbin_r_from_sd(mean: f64, sd: f64) -> Result<f64, ParamError> {
    let sd = positive("sd", sd)?;
    let excess = sd * sd - mean;
    if excess <= 0.0 {
        return Err(ParamError::new(
            "sd",
            format!(
                "a negative binomial is over-dispersed: sd² must exceed the mean ({mean}), but sd² is {}",
                sd * sd
            ),
        )
        .help("with this little spread, use `dist = \"poisson\"`"));
    }
    Ok(mean * mean / excess)
}

/// Negative binomial size `r` such that the 90th percentile is `p90`.
///
/// The p90 of a count is the smallest k with P(X ≤ k) ≥ 0.9, a step function
/// of r. We solve P(X ≤ p90) = 0.9 on the continuous extension
/// I_q(r, k + 1) of the CDF (q = r / (r + mean)) by bisection on log r, which
/// gives the r at which `p90` is reached exactly at the 0.9 level; the
/// resulting distribution has that p90 (tested below).
pub fn negbin_r_from_p90(mean: f64, p90: f64) -> Result<f64, ParamError> {
    let p90 = non_negative("p90", p90)?;
    if p90 <= mean {
        return Err(ParamError::new("p90", format!("p90 ({p90}) must be above the mean ({mean})"))
            .help("a negative binomial's p90 lies above its mean; for less spread use `poisson`"));
    }
    // The Poisson limit (r → ∞) has the least spread a negative binomial can have.
    let poisson_p90 = Poisson::new(mean).map(|d| d.inverse_cdf(0.9)).unwrap_or(0);
    if p90 < poisson_p90 as f64 {
        return Err(ParamError::new(
            "p90",
            format!(
                "p90 ({p90}) is below the p90 of a Poisson count with the same mean ({poisson_p90})"
            ),
        )
        .help("that is less spread than random arrivals have; use `dist = \"poisson\"`"));
    }
    let cdf_at = |r: f64| -> f64 {
        let q = r / (r + mean);
        statrs::function::beta::beta_reg(r, p90 + 1.0, q)
    };
    // F(p90; r) is not monotone in r: a tiny r puts almost all mass at 0
    // (F near 1), F then falls to a minimum and rises again towards the
    // Poisson CDF as r grows. We want the branch that joins the Poisson
    // limit, so find the minimum on a log grid and bisect to its right.
    let (lo_ln, hi_ln) = (1e-4_f64.ln(), 1e9_f64.ln());
    let steps = 600;
    let (mut min_ln, mut min_cdf) = (hi_ln, f64::INFINITY);
    for i in 0..=steps {
        let x = lo_ln + (hi_ln - lo_ln) * f64::from(i) / f64::from(steps);
        let c = cdf_at(x.exp());
        if c < min_cdf {
            (min_ln, min_cdf) = (x, c);
        }
    }
    if min_cdf >= 0.9 {
        return Err(ParamError::new(
            "p90",
            format!("no negative binomial with mean {mean} has a p90 as high as {p90}"),
        )
        .help("describe this heavy tail with a `lognormal` or `gamma` count instead"));
    }
    let (mut lo, mut hi) = (min_ln, hi_ln);
    if cdf_at(hi.exp()) < 0.9 {
        return Ok(hi.exp());
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf_at(mid.exp()) < 0.9 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(hi.exp())
}

/// The normal quantile, for tests and reports.
pub fn normal_quantile(p: f64) -> f64 {
    Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Choice;
    use statrs::distribution::{Beta, Gamma, LogNormal, NegativeBinomial};
    use statrs::statistics::{DiscreteDistribution as _, Distribution as _};
    use std::sync::Arc;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-12)
    }

    #[test]
    fn z90_is_the_normal_quantile() {
        assert!(close(normal_quantile(0.9), Z90, 1e-12));
    }

    #[test]
    fn lognormal_median_p90_hits_its_quantiles() {
        for (median, p90) in [(3000.0, 12000.0), (600.0, 2500.0), (20.0, 240.0), (5.0, 5.0)] {
            let (mu, sigma) = lognormal_from_median_p90(median, p90).expect("valid");
            if sigma == 0.0 {
                assert!(close(mu.exp(), median, 1e-12));
                continue;
            }
            let d = LogNormal::new(mu, sigma).expect("valid lognormal");
            assert!(close(d.inverse_cdf(0.5), median, 1e-9), "median of {median}/{p90}");
            assert!(close(d.inverse_cdf(0.9), p90, 1e-9), "p90 of {median}/{p90}");
        }
    }

    #[test]
    fn lognormal_mean_sd_hits_its_moments() {
        let (mu, sigma) = lognormal_from_mean_sd(100.0, 50.0).expect("valid");
        let d = LogNormal::new(mu, sigma).expect("valid lognormal");
        assert!(close(d.mean().expect("mean"), 100.0, 1e-12));
        assert!(close(d.std_dev().expect("sd"), 50.0, 1e-12));
    }

    #[test]
    fn gamma_and_beta_hit_their_moments() {
        let (k, theta) = gamma_from_mean_sd(8.0, 2.0).expect("valid");
        let g = Gamma::new(k, 1.0 / theta).expect("valid gamma");
        assert!(close(g.mean().expect("mean"), 8.0, 1e-12));
        assert!(close(g.std_dev().expect("sd"), 2.0, 1e-12));

        let (a, b) = beta_from_mean_sd(0.03, 0.01).expect("valid");
        let d = Beta::new(a, b).expect("valid beta");
        assert!(close(d.mean().expect("mean"), 0.03, 1e-12));
        assert!(close(d.std_dev().expect("sd"), 0.01, 1e-9));
        assert!(beta_from_mean_sd(0.5, 0.6).is_err());
        assert!(beta_from_mean_sd(1.5, 0.1).is_err());
    }

    #[test]
    fn negbin_sd_hits_its_moments() {
        let r = negbin_r_from_sd(25.0, 20.0).expect("valid");
        let var = 25.0 + 25.0 * 25.0 / r;
        assert!(close(var.sqrt(), 20.0, 1e-12));
        assert!(negbin_r_from_sd(25.0, 4.0).is_err());
    }

    #[test]
    fn negbin_p90_hits_its_quantile() {
        for (mean, p90) in [(25.0, 60.0), (60.0, 100.0), (3.0, 8.0), (1000.0, 1400.0)] {
            let r = negbin_r_from_p90(mean, p90).expect("valid");
            // statrs parameterises by r and the success probability p = r / (r + mean).
            let d = NegativeBinomial::new(r, r / (r + mean)).expect("valid negbin");
            assert!(close(d.mean().expect("mean"), mean, 1e-9));
            let k = p90 as u64;
            assert!(d.cdf(k) >= 0.9 - 1e-9, "P(X <= {k}) = {} for mean {mean}", d.cdf(k));
            assert!(d.cdf(k - 1) < 0.9, "P(X <= {}) = {} for mean {mean}", k - 1, d.cdf(k - 1));
        }
    }

    #[test]
    fn negbin_p90_below_poisson_is_an_error() {
        let err = negbin_r_from_p90(25.0, 30.0).expect_err("Poisson(25) has p90 32");
        assert_eq!(err.key, "p90");
        assert!(negbin_r_from_p90(25.0, 20.0).is_err());
    }

    #[test]
    fn invalid_combinations_name_the_key() {
        assert_eq!(lognormal_from_median_p90(3000.0, 1000.0).map_err(|e| e.key), Err("p90"));
        assert_eq!(lognormal_from_median_p90(-1.0, 1000.0).map_err(|e| e.key), Err("median"));
        let uniform = Dist::Uniform { min: Value::Fixed(5.0), max: Value::Fixed(1.0) };
        assert_eq!(uniform.fixed_sampler().map(|r| r.map_err(|e| e.key)), Some(Err("max")));
    }

    #[test]
    fn resolve_replaces_invalid_draws() {
        let d = Dist::LogNormal(LogNormalParams::MedianP90 {
            median: Value::Fixed(100.0),
            p90: Value::PerTrial {
                dist: Box::new(Dist::Uniform { min: Value::Fixed(0.0), max: Value::Fixed(1.0) }),
                domain: Domain::Positive,
            },
        });
        assert_eq!(d.fixed_sampler(), None);
        let r = d.resolve(&mut |_| (50.0, false));
        assert!(r.clamped);
        assert_eq!(r.sampler, Sampler::LogNormal { mu: 100f64.ln(), sigma: 0.0 });
        let ok = d.resolve(&mut |_| (400.0, false));
        assert!(!ok.clamped);
    }

    #[test]
    fn sampler_quantiles_invert_the_cdf() {
        let (mu, sigma) = lognormal_from_median_p90(45.0, 70.0).expect("valid");
        let ln = Sampler::LogNormal { mu, sigma };
        assert!(close(ln.quantile(0.5), 45.0, 1e-12));
        assert!(close(ln.quantile(0.9), 70.0, 1e-12));
        assert!(close(Sampler::Uniform { min: 2.0, max: 4.0 }.quantile(0.25), 2.5, 1e-12));
        // Geometric(p = 0.5) on 1, 2, …: P(X ≤ 1) = 0.5, P(X ≤ 2) = 0.75.
        let g = Sampler::Geometric { p: 0.5 };
        assert_eq!(g.quantile(0.5), 1.0);
        assert_eq!(g.quantile(0.6), 2.0);
        assert_eq!(g.quantile(0.75), 2.0);
        // Poisson(3): P(X ≤ 4) = 0.815, P(X ≤ 5) = 0.916.
        assert_eq!(Sampler::Poisson { mean: 3.0 }.quantile(0.9), 5.0);
        let (a, b) = beta_from_mean_sd(0.02, 0.01).expect("valid");
        let beta = Sampler::Beta { a, b };
        assert!(beta.quantile(0.1) < 0.02 && 0.02 < beta.quantile(0.9));
        let choice = Sampler::Choice(Arc::new(Choice {
            values: vec![4.0, 8.0],
            cumulative: vec![0.25, 1.0],
        }));
        assert_eq!(choice.quantile(0.2), 4.0);
        assert_eq!(choice.quantile(0.3), 8.0);
    }

    #[test]
    fn sampler_means() {
        assert!(close(Sampler::Geometric { p: 0.04 }.mean(), 25.0, 1e-12));
        let (mu, sigma) = lognormal_from_mean_sd(10.0, 3.0).expect("valid");
        assert!(close(Sampler::LogNormal { mu, sigma }.mean(), 10.0, 1e-12));
    }
}
