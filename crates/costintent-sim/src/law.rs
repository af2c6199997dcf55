//! Probabilities of the engine's draws, for the fast path's stratification:
//! the probability that a draw site yields a given whole count.
//!
//! A count site rounds half away from zero and turns negative values into 0
//! ([`crate::sampling`]), so `P(count = k) = P(k − ½ ≤ X < k + ½)` for
//! `k ≥ 1` and `P(X < ½)` for `k = 0` (a normal is truncated at 0 first).
//! Poisson, negative binomial and geometric draws are already whole.

use costintent_scenario::Sampler;
use statrs::distribution::{
    Beta, ContinuousCDF, Discrete, Gamma, LogNormal, NegativeBinomial, Normal, Poisson,
};

/// `P(X < x)` of a continuous sampler's draw after the site clamps
/// negative values to 0 (so `P(X < x) = 0` for `x ≤ 0`). `None` for
/// discrete samplers and parameters statrs does not take.
pub(crate) fn cdf(sampler: &Sampler, x: f64) -> Option<f64> {
    if x <= 0.0 {
        return Some(0.0);
    }
    let p = match *sampler {
        Sampler::Const(c) => f64::from(u8::from(c.max(0.0) < x)),
        Sampler::LogNormal { mu, sigma } => {
            if sigma > 0.0 {
                LogNormal::new(mu, sigma).ok()?.cdf(x)
            } else {
                f64::from(u8::from(mu.exp() < x))
            }
        }
        Sampler::Normal { mean, sd } => {
            // Truncated at 0: redrawn while negative.
            let n = Normal::new(mean, sd).ok()?;
            let below_zero = n.cdf(0.0);
            if below_zero >= 1.0 {
                return Some(1.0);
            }
            (n.cdf(x) - below_zero) / (1.0 - below_zero)
        }
        Sampler::Uniform { min, max } => {
            if max > min {
                ((x - min) / (max - min)).clamp(0.0, 1.0)
            } else {
                f64::from(u8::from(min.max(0.0) < x))
            }
        }
        Sampler::Gamma { shape, scale } => Gamma::new(shape, 1.0 / scale).ok()?.cdf(x),
        Sampler::Beta { a, b } => Beta::new(a, b).ok()?.cdf(x.min(1.0)),
        Sampler::Choice(ref c) => {
            let mut below = 0.0;
            let mut prev = 0.0;
            for (v, &cum) in c.values.iter().zip(&c.cumulative) {
                if v.max(0.0) < x {
                    below += cum - prev;
                }
                prev = cum;
            }
            below
        }
        Sampler::Poisson { .. } | Sampler::NegBin { .. } | Sampler::Geometric { .. } => {
            return None;
        }
    };
    Some(p.clamp(0.0, 1.0))
}

/// `P(count = k)` for a count site (rounded, at least 0). `None` where the
/// probability is not available.
pub(crate) fn count_pmf(sampler: &Sampler, k: u64) -> Option<f64> {
    let kf = k as f64;
    match *sampler {
        Sampler::Poisson { mean } => {
            if mean <= 0.0 {
                return Some(f64::from(u8::from(k == 0)));
            }
            Some(Poisson::new(mean).ok()?.pmf(k))
        }
        Sampler::NegBin { r, mean } => {
            if mean <= 0.0 {
                return Some(f64::from(u8::from(k == 0)));
            }
            // Gamma(r, mean / r)–Poisson: negative binomial with success
            // probability r / (r + mean), counting failures.
            Some(NegativeBinomial::new(r, r / (r + mean)).ok()?.pmf(k))
        }
        Sampler::Geometric { p } => {
            if k == 0 || !(p > 0.0 && p <= 1.0) {
                return Some(0.0);
            }
            Some(p * (1.0 - p).powf(kf - 1.0))
        }
        _ => {
            let upper = cdf(sampler, kf + 0.5)?;
            let lower = if k == 0 { 0.0 } else { cdf(sampler, kf - 0.5)? };
            Some((upper - lower).max(0.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::{Fast, Rounding, Source};

    /// The pmf against the engine's own draws (rounded where they round).
    fn check(sampler: Sampler) {
        let mut site = Source::new(Rounding::Count);
        site.reset(&Fast::new(&sampler));
        let mut rng = crate::rng::stream(7, 0, 0, crate::rng::Stream::Usage);
        let n = 200_000;
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..n {
            *counts.entry(site.next(&mut rng) as u64).or_insert(0u64) += 1;
        }
        let mut total = 0.0;
        for (&k, &c) in &counts {
            let p = count_pmf(&sampler, k).expect("available");
            total += p;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let freq = c as f64 / n as f64;
            assert!((freq - p).abs() < 5.0 * se + 1e-9, "{sampler:?} k={k}: {freq} vs {p}");
        }
        assert!(total > 0.999, "{sampler:?}: mass {total}");
    }

    #[test]
    fn count_probabilities_match_the_draws() {
        check(Sampler::Poisson { mean: 3.5 });
        check(Sampler::NegBin { r: 2.0, mean: 25.0 });
        check(Sampler::Geometric { p: 0.2 });
        check(Sampler::LogNormal { mu: 2.0_f64.ln(), sigma: 0.8 });
        check(Sampler::Normal { mean: 3.0, sd: 2.0 });
        check(Sampler::Uniform { min: 0.0, max: 7.3 });
        check(Sampler::Gamma { shape: 2.0, scale: 1.5 });
    }
}
