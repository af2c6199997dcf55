//! Axis ranges with round tick values.
//!
//! plotters can pick ticks itself, but its algorithm asserts on NaN and
//! does not tell the label formatter its step. Computing the ticks here keeps
//! every axis on 1, 2, 2.5 or 5 times a power of ten, lets labels share one
//! unit and precision, and makes degenerate ranges safe.

use super::error::ChartError;

/// A numeric axis: the drawn range and the values that get a label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    /// The low end of the drawn range, always a tick.
    pub(crate) lo: f64,
    /// The high end of the drawn range, always a tick.
    pub(crate) hi: f64,
    /// The labelled values from `lo` to `hi`, evenly spaced.
    pub(crate) ticks: Vec<f64>,
    /// The distance between neighbouring ticks.
    pub(crate) step: f64,
}

impl Axis {
    /// Builds an axis covering `lo..=hi` with about `target` ticks, extended
    /// outwards to round values.
    ///
    /// A zero-width range (all values equal) is widened by 10% of the value,
    /// or to 0..1 around zero. With `non_negative` the widened range never
    /// dips below zero, because a spend axis that shows "-$5" confuses readers.
    pub(crate) fn covering(
        lo: f64,
        hi: f64,
        target: usize,
        non_negative: bool,
    ) -> Result<Self, ChartError> {
        let out_of_range = || ChartError::OutOfRange { what: "the values".to_owned() };
        if !(lo.is_finite() && hi.is_finite()) {
            return Err(out_of_range());
        }
        let (lo, hi) = widen_degenerate(lo.min(hi), lo.max(hi), non_negative);
        let span = hi - lo;
        if !(span.is_finite() && span > 0.0) {
            return Err(out_of_range());
        }
        let step = nice_step(span / target.max(1) as f64);
        if !(step.is_finite() && step > 0.0) {
            return Err(out_of_range());
        }
        // A small tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a tick.
        let first = (lo / step + 1e-9).floor();
        let last = (hi / step - 1e-9).ceil();
        let count = last - first;
        if !(count.is_finite() && (0.0..=1000.0).contains(&count)) {
            return Err(out_of_range());
        }
        let ticks: Vec<f64> =
            (0..=count as usize).map(|offset| tidy((first + offset as f64) * step)).collect();
        let lo = ticks.first().copied().ok_or_else(out_of_range)?;
        let hi = ticks.last().copied().ok_or_else(out_of_range)?;
        if hi <= lo {
            return Err(out_of_range());
        }
        Ok(Self { lo, hi, ticks, step })
    }

    /// Like [`Axis::covering`], but the axis ends exactly at `lo` and `hi`
    /// and only the round values between them get ticks.
    ///
    /// For charts whose ends are already padded for labels, where rounding
    /// outwards would waste a large share of the width.
    pub(crate) fn exactly(
        lo: f64,
        hi: f64,
        target: usize,
        non_negative: bool,
    ) -> Result<Self, ChartError> {
        let covering = Self::covering(lo, hi, target, non_negative)?;
        let (lo, hi) = widen_degenerate(lo.min(hi), lo.max(hi), non_negative);
        let tolerance = covering.step * 1e-9;
        let ticks: Vec<f64> = covering
            .ticks
            .iter()
            .copied()
            .filter(|tick| *tick >= lo - tolerance && *tick <= hi + tolerance)
            .collect();
        Ok(Self { lo, hi, ticks, step: covering.step })
    }

    /// The largest absolute tick value, which decides the label unit.
    pub(crate) fn max_abs(&self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    /// The pixel of `value` when `lo..=hi` spans the pixels `limit.0..=limit.1`.
    ///
    /// The same rounding as plotters' own `f64` axes, so charts look alike.
    pub(crate) fn map(&self, value: f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.lo) / (self.hi - self.lo);
        let length = f64::from(limit.1 - limit.0);
        if !share.is_finite() {
            return if share > 0.0 { limit.1 } else { limit.0 };
        }
        // Saturating float-to-int conversion keeps far-off values harmless.
        limit.0.saturating_add((length * share + 1e-3).floor() as i32)
    }
}

/// Widens a range whose ends are equal, or equal to within float precision.
fn widen_degenerate(lo: f64, hi: f64, non_negative: bool) -> (f64, f64) {
    let scale = lo.abs().max(hi.abs());
    if hi - lo > scale * 1e-9 {
        return (lo, hi);
    }
    let middle = lo + (hi - lo) / 2.0;
    let pad = if middle == 0.0 { 1.0 } else { middle.abs() * 0.1 };
    let widened_lo = if non_negative && lo >= 0.0 { (middle - pad).max(0.0) } else { middle - pad };
    (widened_lo, middle + pad)
}

/// The smallest step of the form {1, 2, 2.5, 5} × 10^k that is at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|multiple| multiple * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// Rounds away float noise such as 0.30000000000000004 and negative zero.
fn tidy(value: f64) -> f64 {
    if value == 0.0 {
        return 0.0;
    }
    let digits = 12 - value.abs().log10().floor() as i32;
    if !(0..=300).contains(&digits) {
        return value;
    }
    let scale = 10f64.powi(digits);
    let rounded = (value * scale).round() / scale;
    if rounded.is_finite() { rounded } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let axis = Axis::covering(523.0, 891.0, 6, true).unwrap();
        assert_eq!(axis.step, 100.0);
        assert_eq!(axis.ticks, [500.0, 600.0, 700.0, 800.0, 900.0]);

        let axis = Axis::covering(523.0, 891.0, 10, true).unwrap();
        assert_eq!(axis.step, 50.0);
        assert_eq!((axis.lo, axis.hi), (500.0, 900.0));

        let axis = Axis::covering(0.0, 1.0, 5, true).unwrap();
        assert_eq!(axis.ticks, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);

        let axis = Axis::covering(0.3, 0.7, 4, true).unwrap();
        assert_eq!(axis.ticks, [0.3, 0.4, 0.5, 0.6, 0.7]);

        let axis = Axis::covering(0.0, 23_000.0, 8, true).unwrap();
        assert_eq!(axis.step, 5_000.0);
        assert_eq!(axis.hi, 25_000.0);
    }

    #[test]
    fn exact_axes_keep_their_ends() {
        let axis = Axis::exactly(486.0, 1123.0, 8, true).unwrap();
        assert_eq!((axis.lo, axis.hi), (486.0, 1123.0));
        assert_eq!(axis.ticks, [500.0, 600.0, 700.0, 800.0, 900.0, 1000.0, 1100.0]);
        let flat = Axis::exactly(10.0, 10.0, 8, true).unwrap();
        assert!(flat.lo < 10.0 && flat.hi > 10.0 && !flat.ticks.is_empty());
    }

    #[test]
    fn degenerate_ranges_are_widened() {
        let axis = Axis::covering(700.0, 700.0, 6, true).unwrap();
        assert!(axis.lo < 700.0 && axis.hi > 700.0, "{axis:?}");

        let axis = Axis::covering(0.0, 0.0, 6, true).unwrap();
        assert_eq!(axis.lo, 0.0);
        assert!(axis.hi >= 1.0);

        let axis = Axis::covering(5.0, 5.0, 6, true).unwrap();
        assert!(axis.lo >= 0.0);

        let axis = Axis::covering(-3.0, -3.0, 6, false).unwrap();
        assert!(axis.lo < -3.0 && axis.hi > -3.0);

        // Equal to within float precision at a large magnitude.
        let axis = Axis::covering(1e12, 1e12 + 1e-4, 6, true).unwrap();
        assert!(axis.hi - axis.lo > 1e10);
    }

    #[test]
    fn values_map_to_pixels_like_plotters() {
        let axis = Axis::covering(0.0, 100.0, 5, true).unwrap();
        assert_eq!(axis.map(0.0, (80, 879)), 80);
        assert_eq!(axis.map(50.0, (80, 879)), 479);
        assert_eq!(axis.map(100.0, (80, 879)), 879);
        // Reversed limits, as used for y axes, run upwards.
        assert_eq!(axis.map(100.0, (440, 60)), 60);
    }

    #[test]
    fn huge_and_invalid_ranges_do_not_panic() {
        let axis = Axis::covering(0.0, 1e300, 6, true).unwrap();
        assert!(axis.hi >= 1e300);
        assert!(Axis::covering(-1.7e308, 1.7e308, 6, false).is_err());
        assert!(Axis::covering(f64::NAN, 1.0, 6, true).is_err());
        assert!(Axis::covering(0.0, f64::INFINITY, 6, true).is_err());
    }
}
