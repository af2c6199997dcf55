//! Standard normal draws by the ziggurat method, one at a time, or in
//! batches turned straight into lognormal draws.
//!
//! The algorithm is Marsaglia and Tsang's (2000) with 256 layers, in the
//! layout of Doornik's ZIGNOR (2005): one 64-bit word gives the layer (low 8
//! bits) and a signed uniform (top 52 bits); about 98.8 % of draws are
//! accepted on that word alone. The rest take the exact slow path: the wedge
//! test against the density, or Marsaglia's exponential method in the tail.
//!
//! The batch form runs the fast path over a whole buffer, notes the slots it
//! could not accept, and finishes those with the slow path afterwards. Each
//! slot's value is a function of its own uniforms only, and different slots
//! use disjoint uniforms, so the batch is an i.i.d. sample of the exact
//! normal — the same distribution as the scalar form, in a different order
//! of consuming the stream.

use rand::Rng as _;

use crate::math::{exp, exp_lanes, round_count, round_small_count};
use crate::rng::{SimRng, uniform, uniform_open};
use crate::ziggurat_tables::{F, R, X};

/// Largest batch [`fill_lognormal`] takes in one call.
pub(crate) const MAX_BATCH: usize = 256;

/// One standard normal draw.
pub(crate) fn standard_normal(rng: &mut SimRng) -> f64 {
    let bits = rng.next_u64();
    let (x, layer) = fast_candidate(bits);
    if x.abs() < X[layer + 1] {
        return x;
    }
    finish(rng, x, layer)
}

/// Fills `out` (at most [`MAX_BATCH`] long) with lognormal draws
/// `exp(mu + sigma · Z)`, rounded to whole counts when `counts` is set.
///
/// Normals and their `exp` are fused into one pass over groups of slots
/// (four, or eight where the processor has AVX-512): the generator's
/// integer dependency chain and the floating-point `exp` of the previous
/// group then run side by side on different execution units instead of one
/// pass after the other. Slots the fast path cannot accept (about 1.2 %)
/// are noted and finished afterwards, each from its own further uniforms
/// (the branch that notes them is rarely taken and so well predicted; a
/// branch-free counter would chain every slot's store to the previous
/// slot's comparison).
///
/// The loop is compiled several times and the best version for the
/// processor is chosen at run time (pulp's dispatch: AVX-512, AVX2 with
/// FMA, or the baseline SSE2). Every version gives the same values, bit for
/// bit: slot `i` always takes the stream's `i`-th word and pending slots are
/// finished in slot order whatever the group size, and the arithmetic is
/// plain IEEE additions and multiplications, which Rust never fuses into
/// FMA (contraction is not allowed), so wider registers change the speed
/// and not a single rounding. `every_instruction_set_gives_the_same_draws`
/// checks this on the machine the tests run on.
pub(crate) fn fill_lognormal(rng: &mut SimRng, out: &mut [f64], mu: f64, sigma: f64, counts: bool) {
    // Every draw is exp(mu + sigma · z) with |z| ≤ Z_MAX, so when that
    // range maps into [e^−708, e^36] (36 < ln 2^52) the exp needs no clamp
    // and the rounding no branch for huge values.
    let (lo, hi) = (mu - Z_MAX * sigma.abs(), mu + Z_MAX * sigma.abs());
    let small = counts && lo >= -708.0 && hi <= 36.0;
    pulp::Arch::new().dispatch(Fill { rng, out, mu, sigma, counts, small });
}

/// The arguments of one [`fill_lognormal`] call, handed to pulp so that
/// [`Fill::with_simd`] is compiled once per instruction set.
struct Fill<'a> {
    rng: &'a mut SimRng,
    out: &'a mut [f64],
    mu: f64,
    sigma: f64,
    counts: bool,
    small: bool,
}

impl pulp::WithSimd for Fill<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let Self { rng, out, mu, sigma, counts, small } = self;
        // Eight slots per group where a register holds eight f64.
        if S::F64_LANES >= 8 {
            if small {
                fill_lognormal_with::<true, 8>(rng, out, mu, sigma, counts);
            } else {
                fill_lognormal_with::<false, 8>(rng, out, mu, sigma, counts);
            }
        } else if small {
            fill_lognormal_with::<true, 4>(rng, out, mu, sigma, counts);
        } else {
            fill_lognormal_with::<false, 4>(rng, out, mu, sigma, counts);
        }
    }
}

/// Bound on |z| for every draw of [`standard_normal`] and the batch forms:
/// the fast path and the wedge give |z| < `X[0]` ≈ 3.91, and the tail gives
/// `R − ln(U) / R` with `U ≥ 2^−53` (see [`uniform_open`]), at most
/// 3.654 + 36.74 / 3.654 ≈ 13.71.
pub(crate) const Z_MAX: f64 = 13.75;

/// [`fill_lognormal`] in groups of `LANES` slots; `SMALL` promises counts
/// whose every value lies in [e^−708, e^36].
#[inline(always)]
fn fill_lognormal_with<const SMALL: bool, const LANES: usize>(
    rng: &mut SimRng,
    out: &mut [f64],
    mu: f64,
    sigma: f64,
    counts: bool,
) {
    debug_assert!(out.len() <= MAX_BATCH);
    let n = out.len().min(MAX_BATCH);
    let out = &mut out[..n];
    let mut pending = [0u32; MAX_BATCH];
    let mut n_pending = 0;
    let mut groups = out.chunks_exact_mut(LANES);
    for (g, group) in (&mut groups).enumerate() {
        let group_pending = n_pending;
        let mut z = [0.0; LANES];
        for (i, z) in z.iter_mut().enumerate() {
            let (x, layer) = fast_candidate(rng.next_u64());
            *z = x;
            if x.abs() >= X[layer + 1] {
                pending[n_pending] = (((g * LANES + i) as u32) << 8) | layer as u32;
                n_pending += 1;
            }
        }
        let v = z.map(|z| mu + sigma * z);
        if SMALL {
            let e = exp_lanes::<LANES, false>(v);
            for (out, e) in group.iter_mut().zip(e) {
                *out = round_small_count(e);
            }
        } else {
            let e = exp_lanes::<LANES, true>(v);
            for (out, e) in group.iter_mut().zip(e) {
                *out = if counts { round_count(e) } else { e };
            }
        }
        // Keep the normal of a pending slot: the slow path continues from it.
        for p in &pending[group_pending..n_pending] {
            let i = (p >> 8) as usize % LANES;
            group[i] = z[i];
        }
    }
    let start = n - groups.into_remainder().len();
    for (slot, out) in out.iter_mut().enumerate().skip(start) {
        let (x, layer) = fast_candidate(rng.next_u64());
        *out = x;
        if x.abs() >= X[layer + 1] {
            pending[n_pending] = ((slot as u32) << 8) | layer as u32;
            n_pending += 1;
        } else {
            *out = transform(x, mu, sigma, counts);
        }
    }
    for &p in &pending[..n_pending] {
        let (slot, layer) = ((p >> 8) as usize, (p & 0xff) as usize);
        out[slot] = transform(finish(rng, out[slot], layer), mu, sigma, counts);
    }
}

fn transform(z: f64, mu: f64, sigma: f64, counts: bool) -> f64 {
    let e = exp(mu + sigma * z);
    if counts { round_count(e) } else { e }
}

/// The fast-path candidate from one word: a point `u · X[layer]` with `u`
/// uniform on [−1, 1).
#[inline(always)]
fn fast_candidate(bits: u64) -> (f64, usize) {
    let layer = (bits & 0xff) as usize;
    // 52 random bits as the mantissa of a number in [2, 4), minus 3.
    let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
    (u * X[layer], layer)
}

/// The slow path for a candidate the fast path did not accept: the wedge
/// test (or the tail for the base layer), then fresh draws until accepted.
#[cold]
fn finish(rng: &mut SimRng, mut x: f64, mut layer: usize) -> f64 {
    loop {
        if layer == 0 {
            return tail(rng, x < 0.0);
        }
        let y = F[layer] + (F[layer + 1] - F[layer]) * uniform(rng);
        if y < (-0.5 * x * x).exp() {
            return x;
        }
        (x, layer) = fast_candidate(rng.next_u64());
        if x.abs() < X[layer + 1] {
            return x;
        }
    }
}

/// A draw from the normal tail beyond `R` (Marsaglia 1964).
fn tail(rng: &mut SimRng, negative: bool) -> f64 {
    loop {
        let x = -uniform_open(rng).ln() / R;
        let y = -uniform_open(rng).ln();
        if 2.0 * y >= x * x {
            return if negative { -(R + x) } else { R + x };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};

    /// Standard normal CDF via statrs, for the goodness-of-fit checks.
    fn phi(x: f64) -> f64 {
        0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
    }

    /// Checks moments and a binned chi-square against N(0, 1).
    fn check_normal(sample: &[f64]) {
        let n = sample.len() as f64;
        let mean = sample.iter().sum::<f64>() / n;
        let var = sample.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let kurt = sample.iter().map(|x| x.powi(4)).sum::<f64>() / n;
        // Standard errors: mean 1/√n, variance √(2/n), fourth moment √(96/n)
        // (Var X⁴ = 105 − 9); 5 standard errors each.
        assert!(mean.abs() < 5.0 / n.sqrt(), "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n).sqrt(), "variance {var}");
        assert!((kurt - 3.0).abs() < 5.0 * (96.0 / n).sqrt(), "fourth moment {kurt}");
        // Chi-square over 40 equiprobable-ish bins between −4 and 4 plus the
        // two tails; 41 degrees of freedom, mean 41, sd √82 ≈ 9: accept up
        // to 41 + 5 · 9.
        let edges: Vec<f64> = (0..=40).map(|i| -4.0 + 0.2 * f64::from(i)).collect();
        let mut counts = vec![0.0; edges.len() + 1];
        for &x in sample {
            let bin = edges.partition_point(|&e| e <= x);
            counts[bin] += 1.0;
        }
        let mut chi2 = 0.0;
        for (bin, &count) in counts.iter().enumerate() {
            let lo = if bin == 0 { 0.0 } else { phi(edges[bin - 1]) };
            let hi = if bin == edges.len() { 1.0 } else { phi(edges[bin]) };
            let expected = n * (hi - lo);
            chi2 += (count - expected).powi(2) / expected;
        }
        assert!(chi2 < 41.0 + 5.0 * 82f64.sqrt(), "chi-square {chi2}");
    }

    #[test]
    fn scalar_draws_are_standard_normal() {
        let mut rng = stream(7, 0, 0, Stream::Usage);
        let sample: Vec<f64> = (0..400_000).map(|_| standard_normal(&mut rng)).collect();
        check_normal(&sample);
    }

    #[test]
    fn batch_lognormals_have_standard_normal_logs() {
        let mut rng = stream(7, 1, 0, Stream::Usage);
        let mut sample = vec![0.0; 400_000];
        // 255-slot batches exercise the remainder after the groups too.
        for chunk in sample.chunks_mut(MAX_BATCH - 1) {
            fill_lognormal(&mut rng, chunk, 0.0, 1.0, false);
        }
        for x in &mut sample {
            *x = x.ln();
        }
        check_normal(&sample);
    }

    #[test]
    fn the_small_count_path_gives_the_general_paths_values() {
        // Same stream, same mu and sigma: the specialised path (no clamp, no
        // huge-value branch) must give exactly what the general one gives.
        let (mu, sigma) = (3000f64.ln(), 1.08);
        let mut fast = stream(3, 0, 0, Stream::Usage);
        let mut general = stream(3, 0, 0, Stream::Usage);
        let (mut a, mut b) = ([0.0; 200], [0.0; 200]);
        for _ in 0..500 {
            fill_lognormal_with::<true, 4>(&mut fast, &mut a, mu, sigma, true);
            fill_lognormal_with::<false, 4>(&mut general, &mut b, mu, sigma, true);
            assert_eq!(a, b);
        }
    }

    #[test]
    fn every_instruction_set_gives_the_same_draws() {
        // One batch sequence through a given version of the loop.
        fn draws<S: pulp::Simd>(simd: S, mu: f64, sigma: f64, counts: bool) -> Vec<u64> {
            let mut rng = stream(11, 0, 0, Stream::Usage);
            let mut values = Vec::new();
            let mut buf = [0.0; MAX_BATCH];
            // Batch sizes that leave remainders after groups of 4 and of 8.
            for n in [16, 37, 256, 255, 3, 256, 250, 256] {
                let (lo, hi) = (mu - Z_MAX * sigma.abs(), mu + Z_MAX * sigma.abs());
                let small = counts && lo >= -708.0 && hi <= 36.0;
                let out = &mut buf[..n];
                simd.vectorize(Fill { rng: &mut rng, out, mu, sigma, counts, small });
                values.extend(buf[..n].iter().map(|x| x.to_bits()));
            }
            values
        }
        // Tokens, seconds, and parameters that reach the clamps of exp.
        let cases = [
            (3000f64.ln(), 1.08, true),
            (3.0, 2.0, false),
            (-700.0, 3.0, false),
            (700.0, 4.0, true),
        ];
        let mut versions = 1;
        for (mu, sigma, counts) in cases {
            let baseline = draws(pulp::Scalar::new(), mu, sigma, counts);
            #[cfg(target_arch = "x86_64")]
            if let Some(v3) = pulp::x86::V3::try_new() {
                assert_eq!(
                    baseline,
                    draws(v3, mu, sigma, counts),
                    "AVX2 differs for {mu}, {sigma}"
                );
                versions = versions.max(2);
            }
            #[cfg(target_arch = "x86_64")]
            if let Some(v4) = pulp::x86::V4::try_new() {
                assert_eq!(
                    baseline,
                    draws(v4, mu, sigma, counts),
                    "AVX-512 differs for {mu}, {sigma}"
                );
                versions = versions.max(3);
            }
        }
        // Says on stderr which versions this machine could compare.
        #[allow(clippy::print_stderr)]
        {
            eprintln!("compared {versions} instruction-set versions of the lognormal batches");
        }
    }

    #[test]
    fn the_tail_is_reached_with_the_right_frequency() {
        // P(|Z| > R) = 2 (1 − Φ(R)) ≈ 2.58e-4; 2,000,000 draws give ~516
        // with a binomial sd of ~22.7: accept 5 sd.
        let mut rng = stream(9, 0, 0, Stream::Usage);
        let n = 2_000_000;
        let mut buf = [0.0; MAX_BATCH];
        let mut beyond = 0.0;
        for _ in 0..n / MAX_BATCH {
            fill_lognormal(&mut rng, &mut buf, 0.0, 1.0, false);
            beyond += buf.iter().filter(|x| x.ln().abs() > R).count() as f64;
        }
        let draws = (n / MAX_BATCH * MAX_BATCH) as f64;
        let p = 2.0 * (1.0 - phi(R));
        let sd = (draws * p * (1.0 - p)).sqrt();
        assert!((beyond - draws * p).abs() < 5.0 * sd, "{beyond} beyond R, expected {}", draws * p);
    }
}
