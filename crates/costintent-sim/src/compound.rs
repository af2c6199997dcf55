//! Compound sums: the total of `N` independent, identically distributed
//! unit vectors, drawn without simulating the units.
//!
//! Within a trial, a workload's units (requests, sessions, jobs) are
//! independent given the trial's parameters, so the trial's ledger is a sum
//! `S = X₁ + … + X_N` of i.i.d. vectors (quantities by unit and price tier,
//! billed and wasted, attempts, requests, lost). Its exact distribution is
//! out of reach, but for large `N` it is close to normal, with a skewness
//! that shrinks like `1/√N` (the collective risk model of actuarial science;
//! Daykin, Pentikäinen and Pesonen, *Practical Risk Theory for Actuaries*,
//! 1994, ch. 3, on the normal power approximation).
//!
//! [`UnitMoments`] holds the per-unit mean vector `m`, covariance `C`, and
//! the skewness `γ` and excess kurtosis `κ` of the unit's cost `c = pᵀX`
//! (`p` the prices of the cells). [`SumSampler`] draws `S` for a given `N`:
//!
//! 1. The cost total `T = N·μ_c + √N·σ_c·q(w)`, `w` standard normal, with the
//!    Cornish–Fisher transform `q(w) = w + γ_N/6·(w² − 1) + κ_N/24·(w³ − 3w)
//!    − γ_N²/36·(2w³ − 5w)`, `γ_N = γ/√N` and `κ_N = κ/N` the skewness and
//!    excess kurtosis of the sum. `E[q(w)] = 0`, so the mean is exact; the
//!    variance and skewness are right to the order of the expansion.
//! 2. The cells given the total: `S = N·m + √N·(β·σ_c·q(w) + r)` with
//!    `β = C·p / σ_c²` (the regression of each cell on the cost) and `r` a
//!    normal vector with the conditional covariance `C − β·βᵀ·σ_c²`, drawn
//!    as `u − β·(pᵀu)` from `u ~ N(0, C)`. Then `pᵀr = 0`, so the cells add
//!    up to `T` exactly (up to rounding), and every cell's mean is exact.
//!
//! The caller only uses this above a unit count where every cell's sum is
//! at least four standard deviations above zero, so the rare negative cell
//! (clamped to 0) has no measurable effect; below it, units are simulated.

/// Per-unit moments of a unit vector, from a pool of simulated units.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UnitMoments {
    /// Mean of each cell.
    pub(crate) mean: Vec<f64>,
    /// Covariance, row-major `d × d`.
    pub(crate) cov: Vec<f64>,
    /// Prices of the cells (0 for counters): the unit's cost is `pᵀX`.
    pub(crate) prices: Vec<f64>,
    /// Skewness of the unit's cost.
    pub(crate) skew: f64,
    /// Excess kurtosis of the unit's cost.
    pub(crate) kurt: f64,
}

impl UnitMoments {
    /// Number of cells.
    pub(crate) fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Mean of the unit's cost.
    pub(crate) fn cost_mean(&self) -> f64 {
        dot(&self.prices, &self.mean)
    }

    /// Variance of the unit's cost, `pᵀCp`.
    pub(crate) fn cost_var(&self) -> f64 {
        let d = self.dim();
        let mut v = 0.0;
        for i in 0..d {
            for j in 0..d {
                v += self.prices[i] * self.cov[i * d + j] * self.prices[j];
            }
        }
        v.max(0.0)
    }

    /// The unit count from which [`SumSampler`] is accurate: the sum's
    /// skewness is at most 0.25 and every cell's mean is at least four
    /// standard deviations above 0 (cells in `rare` are exempt: counters
    /// the caller draws otherwise). `None` when some cell can never get
    /// there (a mean of 0 with a positive variance).
    pub(crate) fn min_units(&self, rare: &[bool]) -> Option<f64> {
        let d = self.dim();
        // γ / √N ≤ 0.25  ⇔  N ≥ 16 γ².
        let mut n = 16.0 * self.skew * self.skew;
        for i in 0..d {
            let var = self.cov[i * d + i];
            if var <= 0.0 || rare.get(i).copied().unwrap_or(false) {
                continue;
            }
            let mean = self.mean[i];
            if mean <= 0.0 {
                return None;
            }
            // N·m ≥ 4·√(N·v)  ⇔  N ≥ 16·v / m².
            n = n.max(16.0 * var / (mean * mean));
        }
        Some(n.max(1.0))
    }
}

/// Accumulates moments of unit vectors in chunks, merged in a fixed order
/// (Chan, Golub and LeVeque's pairwise update, extended to the third and
/// fourth moments of the cost by Pébay, 2008), so that the result does not
/// depend on how the chunks were spread over threads.
#[derive(Clone, Debug)]
pub(crate) struct MomentSums {
    n: f64,
    mean: Vec<f64>,
    /// Sum of centred cross-products, `d × d`.
    m2: Vec<f64>,
    cost_mean: f64,
    cost_m2: f64,
    cost_m3: f64,
    cost_m4: f64,
}

impl MomentSums {
    /// Empty sums for vectors of `d` cells.
    pub(crate) fn new(d: usize) -> Self {
        Self {
            n: 0.0,
            mean: vec![0.0; d],
            m2: vec![0.0; d * d],
            cost_mean: 0.0,
            cost_m2: 0.0,
            cost_m3: 0.0,
            cost_m4: 0.0,
        }
    }

    /// Moments of a chunk of vectors (row-major, `d` cells each), two-pass.
    pub(crate) fn of_chunk(rows: &[f64], d: usize, prices: &[f64]) -> Self {
        let mut s = Self::new(d);
        if d == 0 {
            return s;
        }
        let n = rows.len() / d;
        if n == 0 {
            return s;
        }
        s.n = n as f64;
        for row in rows.chunks_exact(d) {
            for (m, x) in s.mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        for m in &mut s.mean {
            *m /= s.n;
        }
        s.cost_mean = dot(prices, &s.mean);
        let mut centred = vec![0.0; d];
        for row in rows.chunks_exact(d) {
            for ((c, x), m) in centred.iter_mut().zip(row).zip(&s.mean) {
                *c = x - m;
            }
            for (i, &ci) in centred.iter().enumerate() {
                if ci == 0.0 {
                    continue;
                }
                for (m, &cj) in s.m2[i * d..(i + 1) * d].iter_mut().zip(&centred) {
                    *m += ci * cj;
                }
            }
            let dc = dot(prices, &centred);
            let dc2 = dc * dc;
            s.cost_m2 += dc2;
            s.cost_m3 += dc2 * dc;
            s.cost_m4 += dc2 * dc2;
        }
        s
    }

    /// Merges `other` (the later chunk) into `self`.
    pub(crate) fn merge(&mut self, other: &Self) {
        if other.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            *self = other.clone();
            return;
        }
        let (na, nb) = (self.n, other.n);
        let n = na + nb;
        let d = self.mean.len();
        let delta: Vec<f64> = other.mean.iter().zip(&self.mean).map(|(b, a)| b - a).collect();
        for i in 0..d {
            for j in 0..d {
                self.m2[i * d + j] += other.m2[i * d + j] + delta[i] * delta[j] * na * nb / n;
            }
        }
        for (m, dl) in self.mean.iter_mut().zip(&delta) {
            *m += dl * nb / n;
        }
        // Pébay (2008), eq. 2.1–2.3, for the scalar cost.
        let dc = other.cost_mean - self.cost_mean;
        let (a2, b2) = (self.cost_m2, other.cost_m2);
        let (a3, b3) = (self.cost_m3, other.cost_m3);
        let m4 = self.cost_m4
            + other.cost_m4
            + dc.powi(4) * na * nb * (na * na - na * nb + nb * nb) / n.powi(3)
            + 6.0 * dc * dc * (na * na * b2 + nb * nb * a2) / (n * n)
            + 4.0 * dc * (na * b3 - nb * a3) / n;
        let m3 = a3
            + b3
            + dc.powi(3) * na * nb * (na - nb) / (n * n)
            + 3.0 * dc * (na * b2 - nb * a2) / n;
        self.cost_m2 = a2 + b2 + dc * dc * na * nb / n;
        self.cost_m3 = m3;
        self.cost_m4 = m4;
        self.cost_mean += dc * nb / n;
        self.n = n;
    }

    /// Cells per unit vector.
    pub(crate) fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Units accumulated.
    pub(crate) fn count(&self) -> f64 {
        self.n
    }

    /// The moments of a mixture: part `i` holds units drawn with weight
    /// `w_i` (the weights sum to 1), as in post-stratification, where each
    /// stratum's probability is known and its units were sampled at
    /// whatever frequency they came. Also returns the variance of the
    /// estimated mean cost, `Σ w_i² s_i² / n_i`, and the mean and the
    /// variance of the estimated mean of another linear combination of the
    /// cells, `other` (the engine's waste).
    pub(crate) fn mixture(
        parts: &[(f64, &Self)],
        prices: &[f64],
        other: &[f64],
    ) -> (UnitMoments, f64, (f64, f64)) {
        let d = prices.len();
        let mut mean = vec![0.0; d];
        let mut cost_mean = 0.0;
        for (w, p) in parts {
            for (m, x) in mean.iter_mut().zip(&p.mean) {
                *m += w * x;
            }
            cost_mean += w * p.cost_mean;
        }
        let mut cov = vec![0.0; d * d];
        let (mut c2, mut c3, mut c4, mut mean_var) = (0.0, 0.0, 0.0, 0.0);
        let mut other_var = 0.0;
        for (w, p) in parts {
            let n = p.n.max(1.0);
            let mut quad = 0.0;
            for i in 0..d {
                for j in 0..d {
                    quad += other[i] * p.m2[i * d + j] * other[j];
                }
            }
            other_var += w * w * quad.max(0.0) / (n - 1.0).max(1.0) / n;
            let delta: Vec<f64> = p.mean.iter().zip(&mean).map(|(a, b)| a - b).collect();
            for i in 0..d {
                for j in 0..d {
                    cov[i * d + j] += w * (p.m2[i * d + j] / n + delta[i] * delta[j]);
                }
            }
            let (p2, p3, p4) = (p.cost_m2 / n, p.cost_m3 / n, p.cost_m4 / n);
            let dc = p.cost_mean - cost_mean;
            c2 += w * (p2 + dc * dc);
            c3 += w * (p3 + 3.0 * p2 * dc + dc.powi(3));
            c4 += w * (p4 + 4.0 * p3 * dc + 6.0 * p2 * dc * dc + dc.powi(4));
            mean_var += w * w * p.cost_m2 / (n - 1.0).max(1.0) / n;
        }
        let (skew, kurt) =
            if c2 > 0.0 { (c3 / c2.powf(1.5), c4 / (c2 * c2) - 3.0) } else { (0.0, 0.0) };
        let other_mean = dot(other, &mean);
        (
            UnitMoments { mean, cov, prices: prices.to_vec(), skew, kurt },
            mean_var,
            (other_mean, other_var),
        )
    }
}

/// Draws sums of `N` units with given [`UnitMoments`].
#[derive(Clone, Debug)]
pub(crate) struct SumSampler {
    moments: UnitMoments,
    /// Lower-triangular factor of the covariance (row-major), `C = L·Lᵀ`.
    chol: Vec<f64>,
    /// Regression of each cell on the cost, `C·p / σ_c²`.
    beta: Vec<f64>,
    cost_sd: f64,
}

impl SumSampler {
    /// Precomputes the factorisation.
    pub(crate) fn new(moments: UnitMoments) -> Self {
        let d = moments.dim();
        let chol = semidefinite_cholesky(&moments.cov, d);
        let var = moments.cost_var();
        let beta = if var > 0.0 {
            (0..d).map(|i| dot(&moments.cov[i * d..(i + 1) * d], &moments.prices) / var).collect()
        } else {
            vec![0.0; d]
        };
        Self { moments, chol, beta, cost_sd: var.sqrt() }
    }

    /// Number of standard normals one draw needs.
    pub(crate) fn normals(&self) -> usize {
        1 + self.moments.dim()
    }

    /// The sum of `n` units into `out` (one value per cell), from
    /// `self.normals()` independent standard normals `z`.
    pub(crate) fn draw(&self, n: f64, z: &[f64], out: &mut [f64]) {
        let d = self.moments.dim();
        let root = n.sqrt();
        let (w, z) = match z.split_first() {
            Some((w, rest)) => (*w, rest),
            None => (0.0, z),
        };
        let g = self.moments.skew / root;
        let k = self.moments.kurt / n;
        let w2 = w * w;
        let q = w + g / 6.0 * (w2 - 1.0) + k / 24.0 * (w2 * w - 3.0 * w)
            - g * g / 36.0 * (2.0 * w2 * w - 5.0 * w);
        // u = L z, then r = u − β (pᵀu).
        let mut pu = 0.0;
        for i in 0..d {
            let row = &self.chol[i * d..i * d + i + 1];
            let u = dot(row, &z[..=i]);
            out[i] = u;
            pu += self.moments.prices[i] * u;
        }
        for ((x, &beta), &mean) in out.iter_mut().zip(&self.beta).zip(&self.moments.mean) {
            let r = *x - beta * pu;
            *x = (n * mean + root * (beta * self.cost_sd * q + r)).max(0.0);
        }
    }
}

/// `L` with `A = L·Lᵀ` for a symmetric positive semidefinite `A` (row-major,
/// `d × d`). A pivot at or below `1e-12` of the largest diagonal entry
/// (a cell that is constant, or a linear combination of earlier cells) gets
/// a zero column, which keeps `L·Lᵀ = A` up to that tolerance.
pub(crate) fn semidefinite_cholesky(a: &[f64], d: usize) -> Vec<f64> {
    let mut l = vec![0.0; d * d];
    let scale = (0..d).map(|i| a[i * d + i]).fold(0.0, f64::max);
    let tol = 1e-12 * scale;
    for j in 0..d {
        let mut pivot = a[j * d + j];
        for k in 0..j {
            pivot -= l[j * d + k] * l[j * d + k];
        }
        if pivot <= tol {
            continue;
        }
        let root = pivot.sqrt();
        l[j * d + j] = root;
        for i in j + 1..d {
            let mut s = a[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            l[i * d + j] = s / root;
        }
    }
    l
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reproduces_a_semidefinite_matrix() {
        // Rank 2: the third row is the sum of the first two.
        let a = [4.0, 2.0, 6.0, 2.0, 3.0, 5.0, 6.0, 5.0, 11.0];
        let l = semidefinite_cholesky(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((s - a[i * 3 + j]).abs() < 1e-9, "{i},{j}: {s}");
            }
        }
        assert_eq!(l[8], 0.0, "the dependent column gets no pivot");
    }

    #[test]
    fn merged_chunks_equal_one_pass() {
        let d = 2;
        let rows: Vec<f64> = (0..200).map(|i| ((i * 37 % 101) as f64).powf(1.3)).collect();
        let prices = [1.0, 0.5];
        let whole = MomentSums::mixture(
            &[(1.0, &MomentSums::of_chunk(&rows, d, &prices))],
            &prices,
            &[0.0; 2],
        )
        .0;
        let mut merged = MomentSums::new(d);
        for chunk in rows.chunks(6 * d) {
            merged.merge(&MomentSums::of_chunk(chunk, d, &prices));
        }
        let merged = MomentSums::mixture(&[(1.0, &merged)], &prices, &[0.0; 2]).0;
        for (a, b) in whole.mean.iter().zip(&merged.mean) {
            assert!((a - b).abs() < 1e-9 * a.abs());
        }
        for (a, b) in whole.cov.iter().zip(&merged.cov) {
            assert!((a - b).abs() < 1e-9 * a.abs().max(1.0));
        }
        assert!((whole.skew - merged.skew).abs() < 1e-9);
        assert!((whole.kurt - merged.kurt).abs() < 1e-9);
    }

    #[test]
    fn cells_add_up_to_the_cost_and_keep_their_means() {
        let m = UnitMoments {
            mean: vec![100.0, 10.0, 1.0],
            cov: vec![400.0, 30.0, 0.0, 30.0, 25.0, 0.0, 0.0, 0.0, 0.0],
            prices: vec![1.0, 3.0, 0.0],
            skew: 2.0,
            kurt: 6.0,
        };
        let s = SumSampler::new(m.clone());
        let n = 1000.0;
        let mut out = vec![0.0; 3];
        let mut sums = [0.0; 3];
        let trials = 20_000;
        let mut rng = crate::rng::stream(1, 0, 0, crate::rng::Stream::Usage);
        let mut z = vec![0.0; s.normals()];
        let mut costs = Vec::new();
        for _ in 0..trials {
            for x in &mut z {
                *x = crate::ziggurat::standard_normal(&mut rng);
            }
            s.draw(n, &z, &mut out);
            for (a, x) in sums.iter_mut().zip(&out) {
                *a += x;
            }
            costs.push(out[0] + 3.0 * out[1]);
            assert_eq!(out[2], 1000.0, "a constant cell is exact");
        }
        for (i, a) in sums.iter().enumerate() {
            let mean = a / trials as f64;
            let sd = (n * m.cov[i * 3 + i]).sqrt();
            assert!((mean - n * m.mean[i]).abs() < 5.0 * sd / (trials as f64).sqrt() + 1e-9);
        }
        // The cost's variance: N · pᵀCp = 1000 · (400 + 2·3·30 + 9·25).
        let mc = costs.iter().sum::<f64>() / trials as f64;
        let var = costs.iter().map(|c| (c - mc).powi(2)).sum::<f64>() / (trials as f64 - 1.0);
        let want = n * (400.0 + 180.0 + 225.0);
        assert!((var / want - 1.0).abs() < 0.05, "{var} vs {want}");
    }
}
