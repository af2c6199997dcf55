//! Each sampler's sample mean and variance against its closed form, within
//! 5 standard errors. The SE of a mean is σ / √n; the SE of a sample
//! variance is √((μ4 − σ⁴) / n), with the fourth central moment μ4
//! estimated from the sample itself.

// Test helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;

use costintent_scenario::{Choice, Sampler};
use costintent_sim::Draws;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

fn sample(sampler: &Sampler, counts: bool, n: usize, seed: u64) -> Vec<f64> {
    let mut d = Draws::new(sampler, counts, seed);
    let mut out = vec![0.0; n];
    d.fill(&mut out);
    out
}

fn check(name: &str, sampler: Sampler, counts: bool, mean: f64, var: f64) {
    let n = 400_000;
    let x = sample(&sampler, counts, n, 11);
    let m = common::mean(&x);
    let v = common::var(&x);
    let mu4 = x.iter().map(|y| (y - m).powi(4)).sum::<f64>() / n as f64;
    let se_mean = (var / n as f64).sqrt();
    let se_var = ((mu4 - v * v).max(0.0) / n as f64).sqrt();
    assert!((m - mean).abs() <= 5.0 * se_mean + 1e-12, "{name}: mean {m} vs {mean} (SE {se_mean})");
    assert!((v - var).abs() <= 5.0 * se_var + 1e-12, "{name}: variance {v} vs {var} (SE {se_var})");
}

#[test]
fn discrete_samplers() {
    check("poisson(400)", Sampler::Poisson { mean: 400.0 }, true, 400.0, 400.0);
    check("poisson(3.5)", Sampler::Poisson { mean: 3.5 }, true, 3.5, 3.5);
    // Support 1, 2, …: mean 1/p, variance (1 − p) / p².
    check("geometric(0.04)", Sampler::Geometric { p: 0.04 }, true, 25.0, 0.96 / 0.0016);
    check("geometric(0.9)", Sampler::Geometric { p: 0.9 }, true, 1.0 / 0.9, 0.1 / 0.81);
    // Variance mean + mean² / r.
    check("negbin(r 2, mean 25)", Sampler::NegBin { r: 2.0, mean: 25.0 }, true, 25.0, 337.5);
    let choice = Choice { values: vec![4.0, 8.0, 12.0], cumulative: vec![0.25, 0.75, 1.0] };
    // Mean 8; variance 0.25·16 + 0.25·16 = 8.
    check("choice", Sampler::Choice(Arc::new(choice)), false, 8.0, 8.0);
    check("const", Sampler::Const(7.0), true, 7.0, 0.0);
}

#[test]
fn geometric_point_probabilities() {
    // P(X = k) = (1 − p)^(k − 1) p; binomial SE √(q (1 − q) / n).
    let p: f64 = 0.3;
    let n = 400_000;
    let x = sample(&Sampler::Geometric { p }, true, n, 21);
    for k in 1..=6 {
        let q = (1.0 - p).powi(k - 1) * p;
        let seen = x.iter().filter(|&&v| v == f64::from(k)).count() as f64 / n as f64;
        let se = (q * (1.0 - q) / n as f64).sqrt();
        assert!((seen - q).abs() < 5.0 * se, "P(X = {k}) = {seen}, want {q}");
    }
    assert!(x.iter().all(|&v| v >= 1.0 && v.fract() == 0.0));
}

#[test]
fn continuous_samplers() {
    let (mu, sigma): (f64, f64) = (3.0, 0.5);
    let ln_mean = (mu + sigma * sigma / 2.0).exp();
    let ln_var = ((sigma * sigma).exp() - 1.0) * (2.0 * mu + sigma * sigma).exp();
    check("lognormal", Sampler::LogNormal { mu, sigma }, false, ln_mean, ln_var);
    check("uniform(2, 10)", Sampler::Uniform { min: 2.0, max: 10.0 }, false, 6.0, 64.0 / 12.0);
    check("gamma(2, 3)", Sampler::Gamma { shape: 2.0, scale: 3.0 }, false, 6.0, 18.0);
    check("beta(2, 5)", Sampler::Beta { a: 2.0, b: 5.0 }, false, 2.0 / 7.0, 10.0 / (49.0 * 8.0));
}

/// Mean and variance of N(mean, sd²) truncated to [0, ∞).
fn truncated_moments(mean: f64, sd: f64) -> (f64, f64) {
    let z = Normal::new(0.0, 1.0).unwrap();
    let alpha = -mean / sd;
    let lambda = z.pdf(alpha) / (1.0 - z.cdf(alpha));
    (mean + sd * lambda, sd * sd * (1.0 + alpha * lambda - lambda * lambda))
}

#[test]
fn normals_are_truncated_at_zero() {
    // Mostly positive: plain rejection.
    let (m, v) = truncated_moments(5.0, 2.0);
    check("normal(5, 2)", Sampler::Normal { mean: 5.0, sd: 2.0 }, false, m, v);
    // Around 0: half the mass is cut.
    let (m, v) = truncated_moments(0.0, 3.0);
    check("normal(0, 3)", Sampler::Normal { mean: 0.0, sd: 3.0 }, false, m, v);
    // 0 lies 5 sd above the mean: the exponential proposal.
    let (m, v) = truncated_moments(-10.0, 2.0);
    check("normal(-10, 2)", Sampler::Normal { mean: -10.0, sd: 2.0 }, false, m, v);
    let x = sample(&Sampler::Normal { mean: -10.0, sd: 2.0 }, false, 10_000, 3);
    assert!(x.iter().all(|&v| v >= 0.0));
}

#[test]
fn token_counts_are_whole_and_close_to_the_continuous_mean() {
    let (mu, sigma): (f64, f64) = (3000f64.ln(), 1.08);
    let x = sample(&Sampler::LogNormal { mu, sigma }, true, 400_000, 5);
    assert!(x.iter().all(|v| v.fract() == 0.0 && *v >= 0.0));
    // Rounding moves each draw by at most 1/2, so the mean of the counts is
    // within 1/2 of the lognormal mean, up to 5 SE.
    let mean = (mu + sigma * sigma / 2.0).exp();
    let sd = (((sigma * sigma).exp() - 1.0).sqrt()) * mean;
    let se = sd / (x.len() as f64).sqrt();
    assert!((common::mean(&x) - mean).abs() <= 0.5 + 5.0 * se);
}
