//! Sanity bounds: the largest values a scenario (or a catalog) may hold.
//!
//! Each bound is far beyond any real workload, and low enough that no draw,
//! price, product or sum in a trial can overflow a floating-point number:
//! the largest trial total they allow is about 10¹⁵ requests × 10⁹ tokens ×
//! $10⁴ per 10⁶ tokens = $10²², against an `f64` limit of 10³⁰⁸. A value
//! beyond its bound is an error at validation (`check` and `run` both exit
//! with code 2 and point at the value), never an infinite or `null`
//! statistic later. Volumes above [`VOLUME_WARNING`] are allowed with a
//! warning.
//!
//! A distribution is checked twice: every number written in it must be
//! within the key's bound, and so must its 99.9999th percentile
//! ([`TAIL_PROBABILITY`]), so that a lognormal with a p90 a billion times
//! its median is refused even when both numbers are small.

/// The largest value of a key, and what it counts, for messages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The largest accepted value.
    pub max: f64,
    /// The unit of the value, as messages print it (`tokens`).
    pub unit: &'static str,
    /// Why the bound is safe to apply, as the help line of the error.
    pub why: &'static str,
}

/// Tokens in one request, turn or tool result, and a context window.
pub const TOKENS: Bound = Bound {
    max: 1e9,
    unit: "tokens",
    why: "no request or context holds a billion tokens; check the unit (tokens, not characters or dollars)",
};

/// Counts per event: turns per session, tool calls per turn, images per
/// request, turns per minute of a realtime session.
pub const COUNT: Bound = Bound {
    max: 1e6,
    unit: "per request or session",
    why: "a million turns, calls or images in one request or session is beyond any real workload",
};

/// Seconds of one event: video length, job duration, latency, the gap
/// between two turns (a week).
pub const EVENT_SECONDS: Bound = Bound {
    max: 7.0 * 86_400.0,
    unit: "seconds",
    why: "one video, job, call or pause longer than a week is beyond any real workload; check the unit",
};

/// Minutes of one realtime session (a week).
pub const SESSION_MINUTES: Bound = Bound {
    max: 7.0 * 24.0 * 60.0,
    unit: "minutes",
    why: "a voice session longer than a week is beyond any real workload; `minutes` is per session",
};

/// Retries of one request.
pub const RETRIES: Bound =
    Bound { max: 1_000.0, unit: "retries", why: "more retries than this are a typo" };

/// Requests or sessions in one period: more is an error (counts above
/// 2⁵³ ≈ 9 × 10¹⁵ are no longer whole numbers in floating point).
pub const VOLUME: Bound = Bound {
    max: 1e15,
    unit: "per period",
    why: "a quadrillion requests in one period is beyond any real workload; check `per` and the unit",
};

/// Requests or sessions per period above which `check` warns: beyond any
/// real workload, so probably a unit mistake (a rate per day written for
/// a second, a `--scale` too many).
pub const VOLUME_WARNING: f64 = 1e9;

/// The longest period one trial may simulate: 3,660 days (ten years).
pub const PERIOD_SECONDS: Bound = Bound {
    max: 3_660.0 * 86_400.0,
    unit: "seconds",
    why: "a trial simulates one budget period, such as \"30d\"; prices do not hold for ten years",
};

/// A price: USD per 1M tokens, per image, per second of video, per
/// request, per task, per poll or per credit.
pub const UNIT_PRICE_USD: Bound = Bound {
    max: 10_000.0,
    unit: "USD",
    why: "no provider charges $10,000 per 1M tokens, image, second or request; token prices are per 1M tokens",
};

/// An amount of money: a budget, a top-up, a minimum fee.
pub const USD: Bound = Bound {
    max: 1e12,
    unit: "USD",
    why: "a trillion dollars is beyond any budget; amounts are in USD",
};

/// The shortest status-poll interval of a video job, in seconds.
pub const MIN_POLL_SECONDS: f64 = 1.0;

/// The tail a distribution's bound is checked at: its 1 − 10⁻⁶ quantile.
pub const TAIL_PROBABILITY: f64 = 1e-6;

/// Whether `x` is within `bound` (and finite).
pub fn within(x: f64, bound: Bound) -> bool {
    x.is_finite() && x.abs() <= bound.max
}

/// `1e9`, `1.2e44`, `4.709e29`, `10000`, `0.5`: a value as messages print
/// it, with at most four significant digits in exponent form (never the 301
/// digits Rust's `Display` gives `1e300`).
pub fn show(x: f64) -> String {
    if !x.is_finite() || x.abs() >= 1e7 || (x != 0.0 && x.abs() < 1e-4) {
        let text = format!("{x:.3e}");
        return match text.split_once('e') {
            Some((mantissa, exponent)) if mantissa.contains('.') => {
                format!("{}e{exponent}", mantissa.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => text,
        };
    }
    format!("{x}")
}

/// A value of `bound`'s unit as messages print it: seconds of a day or
/// more as days (`1e20 days`), anything else as [`show`] and the unit.
pub fn show_in(x: f64, bound: Bound) -> String {
    if bound.unit == "seconds" && x >= 86_400.0 {
        format!("{} days", show(x / 86_400.0))
    } else {
        format!("{} {}", show(x), bound.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_print_readably() {
        assert_eq!(show(1e9), "1e9");
        assert_eq!(show(1e15), "1e15");
        assert_eq!(show(10_000.0), "10000");
        assert_eq!(show(604_800.0), "604800");
        assert_eq!(show(2.5e20), "2.5e20");
        assert_eq!(show(1.2e44), "1.2e44");
        assert_eq!(show(0.25), "0.25");
        assert_eq!(show(-100.0), "-100");
        assert_eq!(show(f64::INFINITY), "inf");
        assert_eq!(show(4.709_052_905_353_030_6e29), "4.709e29");
        assert_eq!(show_in(8.64e24, PERIOD_SECONDS), "1e20 days");
        assert_eq!(show_in(PERIOD_SECONDS.max, PERIOD_SECONDS), "3660 days");
        assert_eq!(show_in(90.0, EVENT_SECONDS), "90 seconds");
    }

    #[test]
    fn the_largest_trial_stays_far_from_overflow() {
        let worst = VOLUME.max * TOKENS.max * UNIT_PRICE_USD.max / 1e6 * (1.0 + RETRIES.max);
        assert!(worst < 1e30, "{worst}");
        assert!(within(1e9, TOKENS) && !within(1.0e9 + 1.0, TOKENS) && !within(f64::NAN, TOKENS));
    }
}
