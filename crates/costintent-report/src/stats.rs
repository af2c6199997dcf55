//! Statistics of Monte Carlo trial columns: exact percentiles with
//! distribution-free confidence intervals, moments, and proportions.
//!
//! # Percentile definition
//!
//! The `p`-quantile of `n` trials is the order statistic
//! `q(p) = x_(r)` with `r = ⌈p·n⌉` (1-based, clamped to `1..=n`) on the
//! trials sorted ascending: the inverse of the empirical distribution
//! function, Hyndman and Fan's type 1. It is always one of the simulated
//! values, never an interpolation between two, and at most a share `1 − p`
//! of the trials lies strictly above it, so a budget of `q(0.9)` is exceeded
//! in at most 10% of the trials. Because `p·n` is computed in floating point,
//! a product within four ulps of a whole number counts as that whole number
//! (so `0.29 × 100` is rank 29, not 30).
//!
//! # Confidence interval of a percentile
//!
//! The number `B` of trials at or below the true quantile `ξ_p` follows
//! Binomial(n, p), whatever the distribution of spend. The interval
//! `[x_(l), x_(u)]` contains `ξ_p` whenever `l ≤ B ≤ u − 1`. The ranks are
//! exact binomial quantiles, equal-tailed: `l − 1` is the largest `k` with
//! `P(B ≤ k) ≤ α/2` and `u − 1` the smallest `k` with `P(B ≤ k) ≥ 1 − α/2`.
//! Each end therefore misses with probability at most `α/2`, and the
//! coverage is at least `1 − α` for continuous spend (ties only make it more
//! conservative). When a rank would fall outside `1..=n` (too few trials for
//! the percentile, typically p99 with fewer than a few hundred trials) it is
//! clamped to the smallest or largest trial and the interval is flagged as
//! [`RankInterval::clamped`]: it then covers with less than the stated
//! probability, and the remedy is more trials.
//!
//! # Sums
//!
//! Every sum runs in trial order over the caller's slice, so results do not
//! depend on how the trials were computed.

use statrs::distribution::{ContinuousCDF, Normal};

/// The confidence level of every interval in the reports.
pub const CONFIDENCE: f64 = 0.95;

/// The percentiles the reports show, in display order.
pub const REPORTED_PERCENTILES: [f64; 4] = [0.50, 0.90, 0.95, 0.99];

/// Binomial weights below this share of the mode's weight are dropped when
/// computing rank intervals. The dropped mass is below `1e-40 × n`, which is
/// negligible against any tail probability a confidence level asks for.
const NEGLIGIBLE_WEIGHT: f64 = 1e-40;

/// A closed interval of real numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl Interval {
    /// Whether `x` lies in the interval, ends included.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// `hi − lo`.
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// The 1-based ranks of a percentile's confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RankInterval {
    /// Rank of the lower end, in `1..=n`.
    pub lo: usize,
    /// Rank of the upper end, in `1..=n`.
    pub hi: usize,
    /// True when a rank had to be clamped into `1..=n`, so that the interval
    /// covers with less than the stated probability.
    pub clamped: bool,
}

/// A percentile of a sample with its confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantileEstimate {
    /// The probability, in [0, 1].
    pub p: f64,
    /// The type-1 percentile (see the module documentation).
    pub value: f64,
    /// The confidence interval, at [`CONFIDENCE`] unless built otherwise.
    pub ci: Interval,
    /// The order statistics the interval is made of.
    pub ranks: RankInterval,
}

/// Mean, standard deviation and standard error of the mean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moments {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean, summed in the slice's order.
    pub mean: f64,
    /// Sample standard deviation (divisor `n − 1`; 0 for a single value,
    /// where it cannot be estimated).
    pub sd: f64,
    /// Standard error of the mean, `sd / √n`: the Monte Carlo error of the
    /// mean.
    pub mean_stderr: f64,
}

/// An estimated probability with its Wilson score interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Proportion {
    /// How many trials had the property.
    pub count: u64,
    /// How many trials there were (> 0).
    pub n: u64,
    /// `count / n`.
    pub estimate: f64,
    /// Wilson score interval at [`CONFIDENCE`] unless built otherwise.
    pub ci: Interval,
}

/// A sample sorted ascending (by `f64::total_cmp`), ready for any number of
/// percentile queries.
///
/// Sorting costs O(n log n) once; each percentile is then O(1) and each
/// confidence interval O(√n).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SortedSample {
    values: Vec<f64>,
}

impl SortedSample {
    /// Sorts `values` in place and keeps them.
    pub fn new(mut values: Vec<f64>) -> Self {
        values.sort_unstable_by(f64::total_cmp);
        Self { values }
    }

    /// Sorts a copy of `values`.
    pub fn from_slice(values: &[f64]) -> Self {
        Self::new(values.to_vec())
    }

    /// The sorted values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The smallest value.
    pub fn min(&self) -> Option<f64> {
        self.values.first().copied()
    }

    /// The largest value.
    pub fn max(&self) -> Option<f64> {
        self.values.last().copied()
    }

    /// The type-1 `p`-quantile; `None` for an empty sample or a NaN `p`.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        sorted_quantile(&self.values, p)
    }

    /// The type-1 `p`-quantile with its confidence interval at `level`;
    /// `None` for an empty sample, a NaN `p` or a level outside (0, 1).
    pub fn estimate(&self, p: f64, level: f64) -> Option<QuantileEstimate> {
        let n = self.values.len();
        let rank = quantile_rank(n, p)?;
        let ranks = rank_interval(n, p, level)?;
        Some(QuantileEstimate {
            p: p.clamp(0.0, 1.0),
            value: self.values[rank - 1],
            ci: Interval { lo: self.values[ranks.lo - 1], hi: self.values[ranks.hi - 1] },
            ranks,
        })
    }

    /// How many values are strictly greater than `x`.
    pub fn count_above(&self, x: f64) -> usize {
        self.values.iter().filter(|&&v| v > x).count()
    }
}

/// The 1-based rank `⌈p·n⌉` of the type-1 `p`-quantile of `n` values,
/// clamped to `1..=n` (`p` is clamped to [0, 1] first). `None` when `n` is 0
/// or `p` is NaN.
pub fn quantile_rank(n: usize, p: f64) -> Option<usize> {
    if n == 0 || p.is_nan() {
        return None;
    }
    let x = p.clamp(0.0, 1.0) * n as f64;
    let nearest = x.round();
    let rank = if (x - nearest).abs() <= 4.0 * f64::EPSILON * x { nearest } else { x.ceil() };
    Some((rank as usize).clamp(1, n))
}

/// The type-1 `p`-quantile of values already sorted ascending, in O(1);
/// `None` for an empty slice or a NaN `p`. [`SortedSample`] keeps a sorted
/// sample; the charts sort their own copies.
pub fn sorted_quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let rank = quantile_rank(sorted.len(), p)?;
    sorted.get(rank - 1).copied()
}

/// The share of values, sorted ascending, strictly above `x` (0 for no
/// values), in O(log n).
pub fn sorted_share_above(sorted: &[f64], x: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at_or_below = sorted.partition_point(|value| *value <= x);
    (sorted.len() - at_or_below) as f64 / sorted.len() as f64
}

/// Where `x` falls in a sample sorted ascending, as a percentile from 0 to
/// 100: the share of values below `x` plus half the share equal to it (the
/// mid-rank, so a value in the middle of the sample reads 50 and ties do not
/// push it to either end). 0 for no values.
pub fn sorted_percentile_of(sorted: &[f64], x: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let below = sorted.partition_point(|value| *value < x);
    let at_or_below = sorted.partition_point(|value| *value <= x);
    let ties = at_or_below - below;
    100.0 * (below as f64 + 0.5 * ties as f64) / sorted.len() as f64
}

/// The type-1 `p`-quantile of `values` in O(n), reordering the slice.
///
/// Use this when one percentile is all that is needed; for several, sort
/// once with [`SortedSample`]. `None` for an empty slice or a NaN `p`.
pub fn select_quantile(values: &mut [f64], p: f64) -> Option<f64> {
    let rank = quantile_rank(values.len(), p)?;
    let (_, nth, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    Some(*nth)
}

/// The ranks of the distribution-free confidence interval of the
/// `p`-quantile of `n` values at `level` (exact binomial quantiles, see the
/// module documentation).
///
/// `None` when `n` is 0, `p` is NaN or `level` is not in (0, 1). For `p` of 0
/// or 1 the quantile is the minimum or maximum and the interval is that one
/// order statistic.
pub fn rank_interval(n: usize, p: f64, level: f64) -> Option<RankInterval> {
    if n == 0 || p.is_nan() || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let p = p.clamp(0.0, 1.0);
    if p == 0.0 {
        return Some(RankInterval { lo: 1, hi: 1, clamped: false });
    }
    if p == 1.0 {
        return Some(RankInterval { lo: n, hi: n, clamped: false });
    }
    let tail = (1.0 - level) / 2.0;
    let weights = BinomialWeights::new(n, p);
    let threshold = tail * weights.total;

    // Lower end: l − 1 is the largest k with P(B ≤ k) ≤ α/2. Every k below
    // the first kept weight has negligible cumulative mass, so k = first − 1
    // always qualifies; that is k = −1 (no lower bound at all) only when the
    // first kept weight is at k = 0.
    let mut lo_minus_1: Option<usize> = weights.first.checked_sub(1);
    let mut cumulative = 0.0;
    for (offset, w) in weights.values.iter().enumerate() {
        cumulative += w;
        if cumulative > threshold {
            break;
        }
        lo_minus_1 = Some(weights.first + offset);
    }

    // Upper end: u − 1 is the smallest k with P(B > k) ≤ α/2, found by
    // summing the survival function from the right.
    let last = weights.first + weights.values.len() - 1;
    let mut hi_minus_1 = last;
    let mut survival = 0.0;
    for (offset, w) in weights.values.iter().enumerate().rev() {
        let k = weights.first + offset;
        // `survival` is P(B > k) here; step down while P(B > k − 1) stays small.
        survival += w;
        if survival > threshold || k == 0 {
            break;
        }
        hi_minus_1 = k - 1;
    }

    let (lo, lo_clamped) = match lo_minus_1 {
        Some(k) => (k + 1, false),
        None => (1, true),
    };
    let (hi, hi_clamped) = if hi_minus_1 + 1 > n { (n, true) } else { (hi_minus_1 + 1, false) };
    Some(RankInterval { lo: lo.min(n), hi: hi.max(lo.min(n)), clamped: lo_clamped || hi_clamped })
}

/// Mean, standard deviation and standard error of `values`, summed in
/// slice order (two passes, for accuracy). `None` when empty.
pub fn moments(values: &[f64]) -> Option<Moments> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = mean(values);
    let sd = if n > 1 {
        let squares: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
        (squares / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    Some(Moments { n, mean, sd, mean_stderr: sd / (n as f64).sqrt() })
}

/// The arithmetic mean, summed in slice order; 0 for an empty slice (the
/// mean of no trials of a quantity that was never used).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The two-sided standard normal quantile for `level` (1.959964 for 95%).
pub fn z_for_level(level: f64) -> Option<f64> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    let standard = Normal::standard();
    Some(standard.inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

/// The Wilson score interval for `count` successes in `n` trials at
/// `level`. It stays inside [0, 1] and behaves at 0 and `n` successes, where
/// the textbook `p̂ ± z·SE` interval collapses to a point. `None` when `n`
/// is 0, `count > n` or `level` is not in (0, 1).
pub fn wilson_interval(count: u64, n: u64, level: f64) -> Option<Interval> {
    if n == 0 || count > n {
        return None;
    }
    let z = z_for_level(level)?;
    let nf = n as f64;
    let phat = count as f64 / nf;
    let z2 = z * z;
    let denominator = 1.0 + z2 / nf;
    let center = (phat + z2 / (2.0 * nf)) / denominator;
    let half = z / denominator * (phat * (1.0 - phat) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // At 0 and n successes the ends are exactly 0 and 1; rounding would
    // otherwise leave a stray 1e-17.
    let lo = if count == 0 { 0.0 } else { (center - half).max(0.0) };
    let hi = if count == n { 1.0 } else { (center + half).min(1.0) };
    Some(Interval { lo, hi })
}

/// The share of `n` trials with a property, with its Wilson interval at
/// [`CONFIDENCE`]. `None` when `n` is 0 or `count > n`.
pub fn proportion(count: u64, n: u64) -> Option<Proportion> {
    let ci = wilson_interval(count, n, CONFIDENCE)?;
    Some(Proportion { count, n, estimate: count as f64 / n as f64, ci })
}

/// Everything the reports say about one column of trials.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Number of trials.
    pub n: usize,
    /// Mean over trials.
    pub mean: f64,
    /// Monte Carlo standard error of the mean.
    pub mean_stderr: f64,
    /// Standard deviation across trials.
    pub sd: f64,
    /// Smallest trial.
    pub min: f64,
    /// Largest trial.
    pub max: f64,
    /// Median with its confidence interval.
    pub p50: QuantileEstimate,
    /// 90th percentile: the budget that holds with 90% probability.
    pub p90: QuantileEstimate,
    /// 95th percentile.
    pub p95: QuantileEstimate,
    /// 99th percentile.
    pub p99: QuantileEstimate,
}

impl Summary {
    /// Summarises `values` (in trial order); sorts a copy once. `None` when
    /// empty.
    pub fn of(values: &[f64]) -> Option<Self> {
        Self::from_sorted(values, &SortedSample::from_slice(values))
    }

    /// Summarises `values` (in trial order, for the sums) given the same
    /// values already sorted. `None` when empty or when the lengths differ.
    pub fn from_sorted(values: &[f64], sorted: &SortedSample) -> Option<Self> {
        if values.len() != sorted.len() {
            return None;
        }
        let moments = moments(values)?;
        let estimate = |p| sorted.estimate(p, CONFIDENCE);
        Some(Self {
            n: moments.n,
            mean: moments.mean,
            mean_stderr: moments.mean_stderr,
            sd: moments.sd,
            min: sorted.min()?,
            max: sorted.max()?,
            p50: estimate(0.50)?,
            p90: estimate(0.90)?,
            p95: estimate(0.95)?,
            p99: estimate(0.99)?,
        })
    }

    /// Summarises `n` values known through their moments, extremes and a
    /// reader of the value at a 1-based rank (a quantile sketch): the same
    /// ranks and intervals as [`Summary::from_sorted`], with each order
    /// statistic read from `at_rank`. `None` when `n` is 0 or a rank cannot
    /// be read.
    pub fn from_ranks(
        n: usize,
        mean: f64,
        sd: f64,
        (min, max): (f64, f64),
        at_rank: impl Fn(usize) -> Option<f64>,
    ) -> Option<Self> {
        if n == 0 {
            return None;
        }
        let estimate = |p: f64| -> Option<QuantileEstimate> {
            let rank = quantile_rank(n, p)?;
            let ranks = rank_interval(n, p, CONFIDENCE)?;
            Some(QuantileEstimate {
                p,
                value: at_rank(rank)?,
                ci: Interval { lo: at_rank(ranks.lo)?, hi: at_rank(ranks.hi)? },
                ranks,
            })
        };
        Some(Self {
            n,
            mean,
            mean_stderr: sd / (n as f64).sqrt(),
            sd,
            min,
            max,
            p50: estimate(0.50)?,
            p90: estimate(0.90)?,
            p95: estimate(0.95)?,
            p99: estimate(0.99)?,
        })
    }

    /// The reported percentiles in display order, with their labels.
    pub fn percentiles(&self) -> [(&'static str, &QuantileEstimate); 4] {
        [("p50", &self.p50), ("p90", &self.p90), ("p95", &self.p95), ("p99", &self.p99)]
    }
}

/// Unnormalised Binomial(n, p) probabilities over the ranks that carry
/// non-negligible mass, relative to the mode's weight of 1.
///
/// Walking outward from the mode with the ratio of consecutive
/// probabilities needs no factorials or incomplete beta functions and keeps
/// full precision in both tails; it costs O(√n) for a central `p`.
struct BinomialWeights {
    /// The `k` of `values[0]`.
    first: usize,
    /// Weights for `k = first, first + 1, …`.
    values: Vec<f64>,
    /// Sum of `values`.
    total: f64,
}

impl BinomialWeights {
    /// Requires `n ≥ 1` and `0 < p < 1`.
    fn new(n: usize, p: f64) -> Self {
        let nf = n as f64;
        let odds = p / (1.0 - p);
        let mode = (((nf + 1.0) * p).floor() as usize).min(n);

        let mut below = Vec::new();
        let mut w = 1.0;
        let mut k = mode;
        while k > 0 {
            // P(k − 1) / P(k) = k / (n − k + 1) · (1 − p) / p.
            w *= k as f64 / ((nf - k as f64 + 1.0) * odds);
            if w < NEGLIGIBLE_WEIGHT {
                break;
            }
            below.push(w);
            k -= 1;
        }

        let mut above = Vec::new();
        let mut w = 1.0;
        let mut k = mode;
        while k < n {
            // P(k + 1) / P(k) = (n − k) / (k + 1) · p / (1 − p).
            w *= (nf - k as f64) / (k as f64 + 1.0) * odds;
            if w < NEGLIGIBLE_WEIGHT {
                break;
            }
            above.push(w);
            k += 1;
        }

        let first = mode - below.len();
        let mut values = below;
        values.reverse();
        values.push(1.0);
        values.extend(above);
        let total = values.iter().sum();
        Self { first, values, total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentile_of_a_value_is_its_mid_rank() {
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(sorted_percentile_of(&sorted, 0.5), 0.0);
        assert_eq!(sorted_percentile_of(&sorted, 2.5), 50.0);
        assert_eq!(sorted_percentile_of(&sorted, 2.0), 37.5);
        assert_eq!(sorted_percentile_of(&sorted, 9.0), 100.0);
        assert_eq!(sorted_percentile_of(&[5.0, 5.0], 5.0), 50.0);
        assert_eq!(sorted_percentile_of(&[], 5.0), 0.0);
    }

    #[test]
    fn rank_is_the_ceiling_of_p_times_n() {
        assert_eq!(quantile_rank(10, 0.5), Some(5));
        assert_eq!(quantile_rank(10, 0.51), Some(6));
        assert_eq!(quantile_rank(10, 0.9), Some(9));
        assert_eq!(quantile_rank(10, 0.99), Some(10));
        assert_eq!(quantile_rank(10, 0.0), Some(1));
        assert_eq!(quantile_rank(10, 1.0), Some(10));
        assert_eq!(quantile_rank(1, 0.5), Some(1));
        assert_eq!(quantile_rank(0, 0.5), None);
        assert_eq!(quantile_rank(10, f64::NAN), None);
        // 0.29 × 100 is 28.999999999999996 in floating point; it is rank 29.
        assert_eq!(quantile_rank(100, 0.29), Some(29));
        assert_eq!(quantile_rank(20_000, 0.9), Some(18_000));
        assert_eq!(quantile_rank(20_001, 0.9), Some(18_001));
    }

    #[test]
    fn sorted_quantiles_are_order_statistics() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(sorted_quantile(&values, 0.5), Some(50.0));
        assert_eq!(sorted_quantile(&values, 0.9), Some(90.0));
        assert_eq!(sorted_quantile(&values, 0.901), Some(91.0));
        assert_eq!(sorted_quantile(&values, 0.0), Some(1.0));
        assert_eq!(sorted_quantile(&values, 1.0), Some(100.0));
        assert_eq!(sorted_quantile(&[], 0.5), None);
        let values = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(sorted_share_above(&values, 2.0), 0.25);
        assert_eq!(sorted_share_above(&values, 0.0), 1.0);
        assert_eq!(sorted_share_above(&values, 3.0), 0.0);
        assert_eq!(sorted_share_above(&[], 3.0), 0.0);
    }

    #[test]
    fn select_agrees_with_sorting() {
        let values = [5.0, 1.0, 4.0, 2.0, 3.0, 9.0, 7.0, 8.0, 6.0, 10.0];
        let sorted = SortedSample::from_slice(&values);
        for p in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0] {
            let mut scratch = values;
            assert_eq!(select_quantile(&mut scratch, p), sorted.quantile(p), "p = {p}");
        }
    }

    #[test]
    fn median_interval_of_ten_matches_the_binomial_table() {
        // Binomial(10, 0.5): P(B ≤ 1) = 11/1024 ≤ 0.025 < P(B ≤ 2) = 56/1024,
        // so l = 2; P(B > 8) = 11/1024 ≤ 0.025 < P(B > 7), so u = 9.
        assert_eq!(
            rank_interval(10, 0.5, 0.95),
            Some(RankInterval { lo: 2, hi: 9, clamped: false })
        );
    }

    #[test]
    fn extreme_percentile_of_few_trials_is_clamped() {
        let ranks = rank_interval(50, 0.99, 0.95).expect("valid input");
        assert!(ranks.clamped);
        assert_eq!(ranks.hi, 50);
        let ranks = rank_interval(20_000, 0.99, 0.95).expect("valid input");
        assert!(!ranks.clamped);
        assert!(ranks.lo < 19_800 && ranks.hi > 19_800);
    }

    #[test]
    fn large_sample_interval_matches_the_normal_approximation() {
        // For n = 1,000,000 and p = 0.9 the exact ranks sit within two ranks of
        // the normal approximation np ± 1.96 √(np(1 − p)) = 900,000 ± 588.
        let ranks = rank_interval(1_000_000, 0.9, 0.95).expect("valid input");
        assert!((ranks.lo as f64 - (900_000.0 - 588.0)).abs() <= 2.0, "{ranks:?}");
        assert!((ranks.hi as f64 - (900_000.0 + 588.0)).abs() <= 2.0, "{ranks:?}");
    }

    #[test]
    fn moments_of_a_small_sample() {
        let m = moments(&[1.0, 2.0, 3.0, 4.0]).expect("non-empty");
        assert_eq!(m.mean, 2.5);
        // Sample variance (1.5² + 0.5² + 0.5² + 1.5²) / 3 = 5/3.
        assert!((m.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!((m.mean_stderr - m.sd / 2.0).abs() < 1e-15);
        assert_eq!(moments(&[]), None);
        assert_eq!(moments(&[7.0]).map(|m| m.sd), Some(0.0));
    }
}
