//! Input checks and the statistics the charts need: the range of values
//! worth showing and histogram bins. Percentiles and shares come from
//! [`crate::stats`], so a chart marks the same p90 as the report prints.

use super::error::ChartError;
use crate::stats::sorted_quantile;

/// Rejects NaN and infinities, naming the input and the position.
pub(crate) fn check_finite(values: &[f64], what: &str) -> Result<(), ChartError> {
    match values.iter().position(|value| !value.is_finite()) {
        Some(index) => {
            Err(ChartError::NotFinite { what: what.to_owned(), index, value: values[index] })
        }
        None => Ok(()),
    }
}

/// Rejects NaN, infinities and negative amounts.
pub(crate) fn check_non_negative(values: &[f64], what: &str) -> Result<(), ChartError> {
    check_finite(values, what)?;
    match values.iter().position(|value| *value < 0.0) {
        Some(index) => {
            Err(ChartError::Negative { what: what.to_owned(), index, value: values[index] })
        }
        None => Ok(()),
    }
}

/// Rejects an optional value that is NaN or infinite.
pub(crate) fn check_optional(value: Option<f64>, what: &str) -> Result<(), ChartError> {
    match value {
        Some(value) if !value.is_finite() => {
            Err(ChartError::NotFinite { what: what.to_owned(), index: 0, value })
        }
        _ => Ok(()),
    }
}

/// Returns an ascending copy of finite values.
pub(crate) fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// The part of the value range a chart shows, and how many values it leaves out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Window {
    /// The lowest value shown.
    pub(crate) lo: f64,
    /// The highest value shown.
    pub(crate) hi: f64,
    /// How many values lie below `lo` and are not drawn.
    pub(crate) hidden_below: usize,
    /// How many values lie above `hi` and are not drawn.
    pub(crate) hidden_above: usize,
}

/// The fewest values for which a tail is ever cut from the window.
const MIN_VALUES_FOR_CLIPPING: usize = 1000;

impl Window {
    /// Chooses the window for ascending values.
    ///
    /// Normally this is min..max. When at least a thousand values are given
    /// and the extreme 0.1% on one side stretches the axis by more than the
    /// whole central 99.8%, that tail is cut at the 0.1% or 99.9% quantile, so
    /// a handful of outliers cannot squash the shape of the distribution into
    /// one bar. Charts say how many values were left out.
    pub(crate) fn of(sorted: &[f64]) -> Self {
        let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
            return Self { lo: 0.0, hi: 0.0, hidden_below: 0, hidden_above: 0 };
        };
        let mut window = Self { lo: min, hi: max, hidden_below: 0, hidden_above: 0 };
        if sorted.len() < MIN_VALUES_FOR_CLIPPING {
            return window;
        }
        let core_lo = sorted_quantile(sorted, 0.001).unwrap_or(min);
        let core_hi = sorted_quantile(sorted, 0.999).unwrap_or(max);
        let core = core_hi - core_lo;
        if core <= 0.0 {
            return window;
        }
        if max - core_hi > core {
            window.hi = core_hi;
            window.hidden_above = sorted.len() - sorted.partition_point(|value| *value <= core_hi);
        }
        if core_lo - min > core {
            window.lo = core_lo;
            window.hidden_below = sorted.partition_point(|value| *value < core_lo);
        }
        window
    }

    /// Widens a window of equal values to 10% either side (or 0..1 around
    /// zero), never below zero when `non_negative`, so a single value sits in
    /// the middle of the chart rather than on its edge.
    pub(crate) fn widen_if_degenerate(&mut self, non_negative: bool) {
        let scale = self.lo.abs().max(self.hi.abs());
        if self.hi - self.lo > scale * 1e-9 {
            return;
        }
        let middle = self.lo + (self.hi - self.lo) / 2.0;
        let pad = if middle == 0.0 { 1.0 } else { middle.abs() * 0.1 };
        self.lo =
            if non_negative && middle >= 0.0 { (middle - pad).max(0.0) } else { middle - pad };
        self.hi = middle + pad;
    }

    /// Extends the window to show `value` if that at most doubles its width;
    /// returns whether `value` is now inside.
    ///
    /// A budget ten times the typical spend would squash the distribution
    /// into a sliver, so such a value is reported as off the chart instead
    /// and drawn as an arrow at the edge.
    pub(crate) fn include(&mut self, value: f64) -> bool {
        let reach = (self.hi - self.lo).max(0.5 * self.lo.abs().max(self.hi.abs()));
        if value < self.lo - reach || value > self.hi + reach {
            return false;
        }
        self.lo = self.lo.min(value);
        self.hi = self.hi.max(value);
        true
    }
}

/// The number of histogram bins for ascending values shown over `lo..hi`:
/// the Freedman–Diaconis rule, kept between 10 and 80 so bars stay visible.
pub(crate) fn bin_count(sorted: &[f64], lo: f64, hi: f64) -> usize {
    const MIN_BINS: usize = 10;
    const MAX_BINS: usize = 80;
    const FALLBACK_BINS: usize = 60;
    let quartile = |p| sorted_quantile(sorted, p).unwrap_or(f64::NAN);
    let iqr = quartile(0.75) - quartile(0.25);
    let width = 2.0 * iqr / (sorted.len() as f64).cbrt();
    let bins = ((hi - lo) / width).ceil();
    if bins.is_finite() && bins >= 1.0 {
        (bins as usize).clamp(MIN_BINS, MAX_BINS)
    } else {
        FALLBACK_BINS
    }
}

/// Equal-width bins over `lo..=hi` and the share of all values in each.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bins {
    /// The bin edges, one more than there are bins.
    pub(crate) edges: Vec<f64>,
    /// For each bin, its values divided by the number of all values
    /// (including any outside `lo..=hi`), so shares of different runs compare.
    pub(crate) shares: Vec<f64>,
}

impl Bins {
    /// Counts ascending values into `count` equal bins over `lo..=hi`.
    ///
    /// The last bin is closed on the right so the maximum is counted; values
    /// outside the range are not counted in any bin.
    pub(crate) fn count(sorted: &[f64], lo: f64, hi: f64, count: usize) -> Self {
        let count = count.max(1);
        let width = (hi - lo) / count as f64;
        let edges: Vec<f64> = (0..=count).map(|index| lo + width * index as f64).collect();
        let total = sorted.len().max(1) as f64;
        let mut counts = vec![0_usize; count];
        for value in sorted.iter().copied().filter(|value| (lo..=hi).contains(value)) {
            let index = if width > 0.0 { ((value - lo) / width) as usize } else { 0 };
            counts[index.min(count - 1)] += 1;
        }
        let shares = counts.into_iter().map(|values| values as f64 / total).collect();
        Self { edges, shares }
    }

    /// The largest share of any bin.
    pub(crate) fn max_share(&self) -> f64 {
        self.shares.iter().copied().fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_the_bad_value() {
        assert!(check_finite(&[1.0, 2.0], "totals").is_ok());
        let error = check_finite(&[1.0, f64::NAN], "totals").unwrap_err();
        assert!(matches!(error, ChartError::NotFinite { index: 1, .. }));
        let error = check_non_negative(&[1.0, -2.0], "values").unwrap_err();
        assert!(matches!(error, ChartError::Negative { index: 1, .. }));
        assert!(check_optional(Some(f64::INFINITY), "budget").is_err());
        assert!(check_optional(None, "budget").is_ok());
    }

    #[test]
    fn window_cuts_only_a_far_tail() {
        // 2,000 values in 0..1 and one outlier at 1,000: the outlier is cut.
        let mut values: Vec<f64> = (0..2000).map(|index| f64::from(index) / 2000.0).collect();
        values.push(1000.0);
        let window = Window::of(&values);
        assert!(window.hi < 1.0, "{window:?}");
        assert_eq!(window.hidden_above, 2);
        assert_eq!(window.hidden_below, 0);

        // Without the outlier nothing is cut.
        values.pop();
        let window = Window::of(&values);
        assert_eq!((window.lo, window.hi, window.hidden_above), (0.0, 1999.0 / 2000.0, 0));

        // Few values are never cut.
        let window = Window::of(&[1.0, 2.0, 1000.0]);
        assert_eq!(window.hi, 1000.0);
    }

    #[test]
    fn window_includes_only_nearby_values() {
        let mut window = Window { lo: 500.0, hi: 800.0, hidden_below: 0, hidden_above: 0 };
        assert!(window.include(1000.0));
        assert_eq!(window.hi, 1000.0);
        assert!(!window.include(10_000.0));
        assert_eq!(window.hi, 1000.0);

        let mut degenerate = Window { lo: 700.0, hi: 700.0, hidden_below: 0, hidden_above: 0 };
        assert!(degenerate.include(800.0));
    }

    #[test]
    fn equal_values_are_widened_around_the_middle() {
        let mut window = Window { lo: 700.0, hi: 700.0, hidden_below: 0, hidden_above: 0 };
        window.widen_if_degenerate(true);
        assert_eq!((window.lo, window.hi), (630.0, 770.0));
        let mut zero = Window { lo: 0.0, hi: 0.0, hidden_below: 0, hidden_above: 0 };
        zero.widen_if_degenerate(true);
        assert_eq!((zero.lo, zero.hi), (0.0, 1.0));
        let mut spread = Window { lo: 1.0, hi: 2.0, hidden_below: 0, hidden_above: 0 };
        spread.widen_if_degenerate(true);
        assert_eq!((spread.lo, spread.hi), (1.0, 2.0));
    }

    #[test]
    fn bins_count_every_shown_value_once() {
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let bins = Bins::count(&values, 0.0, 999.0, 10);
        assert_eq!(bins.edges.len(), 11);
        let total: f64 = bins.shares.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!(bins.shares.iter().all(|share| (share - 0.1).abs() < 0.002));

        // A degenerate range puts everything in one bin without dividing by zero.
        let bins = Bins::count(&[5.0, 5.0], 5.0, 5.0, 1);
        assert_eq!(bins.shares, [1.0]);
    }

    #[test]
    fn bin_count_follows_freedman_diaconis_within_limits() {
        let values: Vec<f64> = (0..8000).map(|index| f64::from(index) / 8000.0).collect();
        // IQR 0.5, n^(1/3) = 20, width 0.05, so 20 bins over 0..1.
        assert_eq!(bin_count(&values, 0.0, 1.0), 20);
        // Equal values have no spread; the fallback applies.
        assert_eq!(bin_count(&[3.0; 50], 3.0, 3.0), 60);
    }
}
