//! Branch-free numeric kernels the hot loops share: a vectorisable `exp` and
//! rounding to whole tokens.
//!
//! Both are written as straight-line arithmetic on `f64` and its bit pattern,
//! so that the compiler turns a loop over a slice into SIMD code on the
//! baseline x86-64 target (SSE2), where `f64::exp` is a scalar library call
//! and `f64::round` is too (it needs SSE4.1 to be an instruction), and into
//! AVX2 or AVX-512 code where the lognormal batches are dispatched to them
//! (see `ziggurat::fill_lognormal`). Neither uses fused multiply–add (and
//! Rust never contracts a multiply and an add into one), so results are
//! bit-identical on every machine and every instruction set.

/// `exp(x)`.
///
/// Accuracy: the reduction `x = k · ln 2 / 64 + r` (|r| ≤ ln 2 / 128) uses
/// a two-part Cody–Waite constant, 2^(k/64) comes from a 64-entry table kept
/// as head and tail, and `exp(r)` from a degree-5 fit whose own error is
/// below 5e-18; with rounding in the evaluation the result is within about
/// 1 ulp (2.2e-16 relative) of the true value, which the tests check
/// against `f64::exp` over the whole range.
///
/// Range: arguments are clamped to [−708, 709], where `2^k` stays a normal
/// number. `exp(709) ≈ 8.2e307` and `exp(−708) ≈ 3.3e−308`, so a lognormal
/// draw is only affected when it lies hundreds of standard deviations out.
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    exp_lanes::<1, true>([x])[0]
}

// 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
/// 64 / ln 2.
const INV_LN2_64: f64 = 92.332_482_616_893_66;
// ln 2 / 64 split so that k · LN2_64_HI is exact for |k| < 2^17 (the high
// part has 36 significant bits); computed with mpmath at 60 digits.
const LN2_64_HI: f64 = 0.010_830_424_696_223_417;
const LN2_64_LO: f64 = 2.572_804_622_327_669e-14;
// (exp(r) − 1 − r) / r² on |r| ≤ ln 2 / 128 as a cubic, highest degree
// first (Chebyshev fit, mpmath); 1 + r + r² · cubic is within 4.4e-18 of
// exp(r) there.
const C: [f64; 4] = [
    8.333_339_151_693_497e-3,
    4.166_670_739_519_196e-2,
    1.666_666_666_666_453_4e-1,
    4.999_999_999_998_507_3e-1,
];
/// 2^(j / 64) for j = 0..63 as a head and a tail, `head + tail` within
/// 1e-32 of the true value (mpmath).
const TABLE: [(f64, f64); 64] = [
    (1.0, 0.0),
    (1.0108892860517005, -1.5234778603368577e-17),
    (1.0218971486541166, 5.109225028973444e-17),
    (1.0330248790212284, 7.600838874027088e-18),
    (1.0442737824274138, 8.551889705537965e-17),
    (1.0556451783605572, 1.759325738772092e-18),
    (1.0671404006768237, -7.899853966841582e-17),
    (1.0787607977571199, -6.656660436056593e-17),
    (1.0905077326652577, -3.046782079812471e-17),
    (1.102382583307841, 5.2660368715706944e-17),
    (1.1143867425958924, 1.0410278456845571e-16),
    (1.1265216186082418, 5.165856758795457e-17),
    (1.1387886347566916, 8.912812676025408e-17),
    (1.1511892299529827, 3.250710218863827e-17),
    (1.1637248587775775, 3.8292048369240935e-17),
    (1.1763969916502812, 5.554203254218079e-17),
    (1.189207115002721, 3.982015231465646e-17),
    (1.202156731452703, 6.644981499252301e-17),
    (1.215247359980469, -7.712630692681488e-17),
    (1.22848053610687, -1.89878163130253e-17),
    (1.241857812073484, 4.658027591836937e-17),
    (1.255380757024691, -6.7113898212968784e-18),
    (1.2690509571917332, 2.667932131342186e-18),
    (1.2828700160787783, 1.713594918243561e-17),
    (1.2968395546510096, 2.5382502794888315e-17),
    (1.3109612115247644, -7.181536135519454e-17),
    (1.3252366431597413, -2.8587312100388614e-17),
    (1.339667524053303, 8.927282594831732e-17),
    (1.3542555469368927, 7.70094837980299e-17),
    (1.3690024229745905, 9.593797919118849e-17),
    (1.383909881963832, -6.770511658794786e-17),
    (1.3989796725383112, -9.614213209051323e-17),
    (std::f64::consts::SQRT_2, -9.667293313452913e-17),
    (1.42961333839197, -1.2031642489053655e-17),
    (1.4451808069770467, -3.0237581349939873e-17),
    (1.460917794180647, -5.600377186075216e-17),
    (1.4768261459394993, -3.483994556892796e-17),
    (1.4929077282912648, 1.4192920154284036e-17),
    (1.5091644275934228, -1.016455327754295e-16),
    (1.5255981507445384, -1.1024941712342561e-16),
    (1.5422108254079407, 7.949834809697621e-17),
    (1.559004400237837, 3.7812070533575275e-17),
    (1.5759808451078865, -1.0136916471278304e-17),
    (1.593142151342267, -1.0094406542311964e-16),
    (1.6104903319492543, 2.4707192569797888e-17),
    (1.6280274218573478, -6.712955084707084e-17),
    (1.645755478153965, -1.0125679913674773e-16),
    (1.6636765803267364, 5.8909926967131e-17),
    (1.681792830507429, 8.199010020581497e-17),
    (1.7001063537185235, -8.0237193703977e-18),
    (1.718619298122478, -1.851380418263111e-17),
    (1.7373338352737062, 3.164389299292957e-17),
    (1.7562521603732995, 2.960140695448873e-17),
    (1.7753764925265212, 6.429731796556572e-17),
    (1.7947090750031072, 1.8227458427912087e-17),
    (1.8142521755003989, -9.969531538920349e-17),
    (1.8340080864093424, 3.283107224245627e-17),
    (1.8539791250833855, 9.761887490727594e-17),
    (1.8741676341103, -6.122763413004143e-17),
    (1.8945759815869656, 3.4034035352165297e-17),
    (1.9152065613971474, -1.0619946056195963e-16),
    (1.9360617934922943, 1.0332385960676326e-16),
    (1.9571441241754002, 8.960767791036668e-17),
    (1.978456026387951, 4.0388753109278167e-17),
];

/// `exp` of a group of values, each step applied to the whole group.
///
/// exp(x) = 2^m · 2^(j/64) · exp(r) with k = 64 m + j = round(64 x / ln 2)
/// and |r| ≤ ln 2 / 128; 2^(j/64) comes from [`TABLE`] (head and tail, so
/// the table adds no rounding error of its own) and exp(r) from a degree-5
/// polynomial. `CLAMP = false` promises every argument lies in
/// [−708, 709] already and skips the clamp.
#[inline(always)]
pub(crate) fn exp_lanes<const N: usize, const CLAMP: bool>(x: [f64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    for i in 0..N {
        let mut x = x[i];
        if CLAMP {
            // Comparisons rather than `clamp`, so each bound is one instruction.
            x = if x > -708.0 { x } else { -708.0 };
            x = if x < 709.0 { x } else { 709.0 };
        }
        let t = x * INV_LN2_64 + SHIFTER;
        let kf = t - SHIFTER;
        let r = (x - kf * LN2_64_HI) - kf * LN2_64_LO;
        let cubic = ((C[0] * r + C[1]) * r + C[2]) * r + C[3];
        let q = r + r * r * cubic;
        // The integer k sits in the low bits of t.
        let k = (t.to_bits() as i64).wrapping_sub(SHIFTER.to_bits() as i64);
        let j = (k & 63) as usize;
        let (head, tail) = TABLE[j];
        let mantissa = head + (head * q + tail);
        // (k − j) / 64 = m, shifted into the exponent field: (k − j) << 46.
        let scale =
            f64::from_bits((k.wrapping_sub(j as i64) << 46).wrapping_add(1023 << 52) as u64);
        out[i] = mantissa * scale;
    }
    out
}

/// [`round_count`] for a value known to be in [0, 2^52): two fewer steps.
#[inline(always)]
pub(crate) fn round_small_count(y: f64) -> f64 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let r = (y + TWO52) - TWO52;
    if y - r == 0.5 { r + 1.0 } else { r }
}

/// A draw as a whole count: rounded half away from zero, negative values and
/// NaN to 0.
///
/// Exact for every input: below 2^52, adding and subtracting 2^52 rounds to
/// the nearest integer with ties to even; the difference `y − r` is then
/// exact, and a tie that went down (difference exactly 0.5) is moved up.
/// From 2^52 on every `f64` is already an integer.
#[inline]
pub(crate) fn round_count(x: f64) -> f64 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    // Written as a comparison (not `f64::max`, whose NaN rule costs extra
    // instructions per lane): NaN compares false and maps to 0 as well.
    let y = if x > 0.0 { x } else { 0.0 };
    let r = (y + TWO52) - TWO52;
    let r = if y - r == 0.5 { r + 1.0 } else { r };
    if y < TWO52 { r } else { y }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn exp_matches_libm_within_an_ulp_or_so() {
        // A dense sweep over the whole clamped range plus the points where
        // the reduction switches k.
        let mut worst: f64 = 0.0;
        let n = 2_000_000;
        for i in 0..=n {
            let x = -708.0 + 1417.0 * f64::from(i) / f64::from(n);
            worst = worst.max(rel(exp(x), x.exp()));
        }
        for k in -1000..1000 {
            let x = f64::from(k) * std::f64::consts::LN_2 / 2.0;
            for dx in [-1e-12, 0.0, 1e-12] {
                worst = worst.max(rel(exp(x + dx), (x + dx).exp()));
            }
        }
        // Measured worst case 2.22e-16 (1 ulp); glibc's exp is within an ulp
        // of the truth too.
        assert!(worst < 2.5e-16, "worst relative error {worst:e}");
    }

    #[test]
    fn exp_exact_points_and_clamps() {
        assert_eq!(exp(0.0), 1.0);
        assert!(rel(exp(1.0), std::f64::consts::E) < 2.3e-16);
        assert!(exp(1e6).is_finite());
        assert!(exp(-1e6) > 0.0);
        // The grouped forms agree with the scalar one, with or without the
        // clamp when the arguments are in range.
        let xs = [-700.0, -3.0, 0.5, 36.0];
        let clamped = exp_lanes::<4, true>(xs);
        let unclamped = exp_lanes::<4, false>(xs);
        for ((x, a), b) in xs.iter().zip(clamped).zip(unclamped) {
            assert_eq!(a, exp(*x));
            assert_eq!(b, exp(*x));
        }
    }

    #[test]
    fn round_count_is_half_away_from_zero_and_clamps_negatives() {
        let cases = [
            (0.0, 0.0),
            (0.49999999999999994, 0.0),
            (0.5, 1.0),
            (1.5, 2.0),
            (2.5, 3.0),
            (2.4999999999999996, 2.0),
            (3.7, 4.0),
            (-0.4, 0.0),
            (-3.0, 0.0),
            (f64::NAN, 0.0),
            (4_503_599_627_370_495.5, 4_503_599_627_370_496.0),
            (1e300, 1e300),
            (f64::INFINITY, f64::INFINITY),
        ];
        for (x, want) in cases {
            assert_eq!(round_count(x), want, "round_count({x})");
        }
        for i in 0..100_000 {
            let x = f64::from(i) * 0.173 + 0.25;
            assert_eq!(round_count(x), x.round(), "round_count({x})");
            assert_eq!(round_small_count(x), x.round(), "round_small_count({x})");
        }
        assert_eq!(round_small_count(0.49999999999999994), 0.0);
        assert_eq!(round_small_count(2.5), 3.0);
    }
}
