//! The fits behind `calibrate`: each takes plain observations and returns
//! the estimate with its own standard error, and for distributions a
//! goodness-of-fit statistic.
//!
//! - [`LogNormalFit`]: maximum likelihood (the mean and standard deviation
//!   of the logs, the latter with divisor n), standard errors from the
//!   Fisher information (σ/√n for μ, σ/√(2n) for σ, uncorrelated), and the
//!   Kolmogorov–Smirnov distance between the sample and the fitted law with
//!   Lilliefors' 5% critical value (the parameters were estimated from the
//!   same sample, so the plain KS table would be too lenient).
//! - [`CountFit`]: Poisson against negative binomial for counts (turns per
//!   session, arrivals per day), both by maximum likelihood (the mean is
//!   the sample mean for both; the negative binomial's size r maximizes
//!   the profile likelihood), chosen by the likelihood-ratio test at 5%:
//!   the null value r = ∞ is on the boundary, so the p-value is half the
//!   χ²₁ tail.
//! - [`RateFit`]: a share of events (failed attempts) with the Jeffreys
//!   posterior Beta(k + ½, n − k + ½): its mean and standard deviation, so
//!   that zero failures in n attempts is not a rate of exactly zero.
//! - [`ShareFit`]: a ratio of sums (cached input tokens over input tokens)
//!   with the ratio estimator's standard error.
//! - [`MeanFit`]: a mean or a difference of means with its standard error.

pub use costintent_report::calibrate::normal_cdf;
use costintent_report::calibrate::{CountFit, CountLaw, LogNormalFit, ShareFit};
use statrs::function::erf::erfc;
use statrs::function::gamma::ln_gamma;

/// Fits `xs`; `None` with fewer than two positive observations.
pub fn lognormal(xs: &[f64]) -> Option<LogNormalFit> {
    let mut logs: Vec<f64> = xs.iter().filter(|x| **x > 0.0).map(|x| x.ln()).collect();
    let n = logs.len();
    if n < 2 {
        return None;
    }
    let mu = logs.iter().sum::<f64>() / n as f64;
    let sigma = (logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n as f64).sqrt();
    logs.sort_by(f64::total_cmp);
    let ks = if sigma > 0.0 {
        let nf = n as f64;
        logs.iter()
            .enumerate()
            .map(|(i, l)| {
                let f = normal_cdf((l - mu) / sigma);
                ((i + 1) as f64 / nf - f).max(f - i as f64 / nf)
            })
            .fold(0.0, f64::max)
    } else {
        0.0
    };
    Some(LogNormalFit { n, excluded: xs.len() - n, mu, sigma, ks, ks_critical: lilliefors_5(n) })
}

/// Lilliefors' 5% critical value of the KS distance for a normal with
/// estimated mean and variance (Lilliefors 1967, the large-sample form
/// 0.886/√n, which the table approaches from n ≈ 30; below that it is
/// slightly lenient).
fn lilliefors_5(n: usize) -> f64 {
    0.886 / (n as f64).sqrt()
}

/// Fits `xs` (whole counts); `None` when empty.
pub fn counts(xs: &[f64]) -> Option<CountFit> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let variance = if n > 1 {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let poisson = poisson_loglik(xs, mean);
    let (r, se_log_r, lr) = if mean > 0.0 && variance > mean && n > 1 {
        let best = maximize(|a| negbin_loglik(xs, mean, a.exp()), -7.0, 20.0);
        let h = 1e-3;
        let curvature = (negbin_loglik(xs, mean, (best + h).exp())
            - 2.0 * negbin_loglik(xs, mean, best.exp())
            + negbin_loglik(xs, mean, (best - h).exp()))
            / (h * h);
        let se = (curvature < 0.0).then(|| (-1.0 / curvature).sqrt());
        let lr = (2.0 * (negbin_loglik(xs, mean, best.exp()) - poisson)).max(0.0);
        (Some(best.exp()), se, lr)
    } else {
        (None, None, 0.0)
    };
    let p_value = 0.5 * erfc((lr / 2.0).sqrt());
    let law = if r.is_some() && p_value < 0.05 { CountLaw::NegBin } else { CountLaw::Poisson };
    Some(CountFit { n, mean, variance, r, se_log_r, lr, p_value, law })
}

fn poisson_loglik(xs: &[f64], mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    xs.iter().map(|&x| x * mean.ln() - mean - ln_gamma(x + 1.0)).sum()
}

fn negbin_loglik(xs: &[f64], mean: f64, r: f64) -> f64 {
    let (log_p, log_q) = ((r / (r + mean)).ln(), (mean / (r + mean)).ln());
    xs.iter()
        .map(|&x| ln_gamma(x + r) - ln_gamma(r) - ln_gamma(x + 1.0) + r * log_p + x * log_q)
        .sum()
}

/// The maximum of a unimodal `f` on [lo, hi] by golden-section search.
fn maximize(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut fa, mut fb) = (f(a), f(b));
    for _ in 0..200 {
        if fa > fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - g * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + g * (hi - lo);
            fb = f(b);
        }
        if hi - lo < 1e-9 {
            break;
        }
    }
    (lo + hi) / 2.0
}

/// Fits pairs (numerator, denominator); `None` when the denominators
/// sum to zero or there are fewer than two pairs.
pub fn share(pairs: &[(f64, f64)]) -> Option<ShareFit> {
    let n = pairs.len();
    let (num, den) = pairs.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    if n < 2 || den <= 0.0 {
        return None;
    }
    let share = num / den;
    let mean_den = den / n as f64;
    let residuals: f64 = pairs.iter().map(|(x, y)| (x - share * y).powi(2)).sum();
    let se = (residuals / (n as f64 * (n - 1) as f64)).sqrt() / mean_den;
    Some(ShareFit { n, share, se })
}

/// Mean and the variance of the mean of `xs` (divisor n − 1).
pub fn mean_and_var_of_mean(xs: &[f64]) -> Option<(f64, f64)> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some((mean, var / n as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use costintent_report::calibrate::RateFit;

    #[test]
    fn lognormal_of_known_logs() {
        // Logs −1, 0, 1 (×2 each): μ = 0, σ² = 2/3.
        let xs: Vec<f64> = [-1.0f64, 0.0, 1.0, -1.0, 0.0, 1.0].iter().map(|l| l.exp()).collect();
        let f = lognormal(&xs).expect("fits");
        assert!(f.mu.abs() < 1e-12);
        assert!((f.sigma - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(f.n, 6);
        assert!((f.median() - 1.0).abs() < 1e-12);
        assert!(lognormal(&[0.0, 5.0]).is_none());
    }

    #[test]
    fn poisson_counts_stay_poisson() {
        let xs = [3.0, 4.0, 5.0, 4.0, 3.0, 5.0, 4.0];
        let f = counts(&xs).expect("fits");
        assert_eq!(f.law, CountLaw::Poisson);
        assert!((f.mean - 4.0).abs() < 1e-12);
        assert_eq!(f.lr, 0.0);
    }

    #[test]
    fn overdispersed_counts_choose_negbin() {
        let xs = [0.0, 1.0, 30.0, 2.0, 50.0, 0.0, 3.0, 40.0, 1.0, 25.0, 0.0, 60.0];
        let f = counts(&xs).expect("fits");
        assert_eq!(f.law, CountLaw::NegBin);
        assert!(f.p_value < 0.001);
        assert!(f.sd() > f.mean.sqrt());
    }

    #[test]
    fn rates_never_claim_zero() {
        let f = RateFit { k: 0, n: 1000 };
        assert!(f.rate() > 0.0 && f.rate() < 0.001);
        let f = RateFit { k: 20, n: 1000 };
        assert!((f.rate() - 0.0205).abs() < 1e-3);
        assert!((f.se() - (0.02f64 * 0.98 / 1000.0).sqrt()).abs() < 5e-4);
    }

    #[test]
    fn shares_of_sums() {
        let f = share(&[(50.0, 100.0), (30.0, 100.0)]).expect("fits");
        assert!((f.share - 0.4).abs() < 1e-12);
        assert!(f.se > 0.0);
    }
}
