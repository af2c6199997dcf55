//! Dollar and percentage labels that a manager can read at a glance.
//!
//! Two flavours exist. [`format_usd_axis`] formats one amount on its own
//! (a budget label, a percentile mark) and keeps about three significant
//! digits. [`UsdTicks`] formats every tick of one axis with the same unit and
//! the same number of decimals, so neighbouring ticks never read alike
//! ("$1.25M" next to "$1.50M", never "$1.3M" next to "$1.5M").

/// Formats a dollar amount compactly for chart labels: `$0.0042`, `$12.5`,
/// `$653`, `$1,234`, `$12.3k`, `$1.25M`, `$3.4B`.
///
/// Amounts below $10,000 are written in full (cents only below $100) because
/// that is where people compare budgets line by line; larger amounts switch
/// to k/M/B/T suffixes with three significant digits because a chart label
/// only needs to be recognisable. The function is total: NaN gives `n/a` and
/// infinities give `$∞`, so a label never panics.
pub fn format_usd_axis(value: f64) -> String {
    if value.is_nan() {
        return "n/a".to_owned();
    }
    let magnitude = format_magnitude(value.abs());
    // A negative amount that rounds to zero is shown as zero, not "-$0".
    if value < 0.0 && magnitude != "0" { format!("-${magnitude}") } else { format!("${magnitude}") }
}

/// The unit suffixes used for large amounts, smallest first.
const SUFFIXES: [(f64, &str); 4] = [(1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T")];

/// Formats a non-negative amount without its sign or dollar sign.
fn format_magnitude(amount: f64) -> String {
    if amount.is_infinite() {
        return "∞".to_owned();
    }
    if amount == 0.0 {
        return "0".to_owned();
    }
    if amount < 1e-6 {
        return format!("{amount:.1e}");
    }
    if amount < 0.01 {
        // Two significant digits: $0.0042, $0.00013.
        let decimals = (1 - amount.log10().floor() as i32).max(0) as usize;
        return trim_zeros(format!("{amount:.decimals$}"));
    }
    if amount < 100.0 {
        return trim_zeros(format!("{amount:.2}"));
    }
    let whole = amount.round();
    if whole < 10_000.0 {
        return group_thousands(&format!("{whole:.0}"));
    }
    for (unit, suffix) in SUFFIXES {
        let scaled = amount / unit;
        // Three significant digits: $1.25M, $12.3k, $123k.
        let decimals = if scaled >= 100.0 {
            0
        } else if scaled >= 10.0 {
            1
        } else {
            2
        };
        let text = trim_zeros(format!("{scaled:.decimals$}"));
        // Rounding can carry into the next unit (999.6k is $1M, not $1000k).
        if text.parse::<f64>().is_ok_and(|shown| shown < 1000.0) {
            return format!("{text}{suffix}");
        }
    }
    format!("{amount:.1e}")
}

/// Formats every tick of one dollar axis in a shared unit with shared decimals.
///
/// The unit comes from the largest tick and the decimals from the tick step,
/// so an axis reads "$0, $5k, $10k" and never mixes "$5,000" with "$10k".
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UsdTicks {
    /// The divisor for the suffix (1 for plain dollars).
    unit: f64,
    /// The suffix after the number ("" for plain dollars).
    suffix: &'static str,
    /// The number of decimals every tick shows.
    decimals: usize,
    /// Whether the amounts are beyond any suffix and need scientific notation.
    scientific: bool,
}

impl UsdTicks {
    /// Chooses the unit and decimals for ticks up to `max_abs` spaced `step` apart.
    pub(crate) fn new(max_abs: f64, step: f64) -> Self {
        let max_abs = if max_abs.is_finite() { max_abs.abs() } else { 0.0 };
        if max_abs >= 1e15 {
            return Self { unit: 1.0, suffix: "", decimals: 0, scientific: true };
        }
        let (unit, suffix) = if max_abs >= 1e4 {
            SUFFIXES.iter().rev().copied().find(|(unit, _)| max_abs >= *unit).unwrap_or((1.0, ""))
        } else {
            (1.0, "")
        };
        let mut decimals = decimals_for_step(step / unit);
        // Plain dollars with a fractional step show whole cents ($0.50, $1.00).
        if suffix.is_empty() && decimals == 1 {
            decimals = 2;
        }
        Self { unit, suffix, decimals, scientific: false }
    }

    /// Formats one tick value.
    pub(crate) fn format(&self, value: f64) -> String {
        if self.scientific || !value.is_finite() {
            return format_usd_axis(value);
        }
        let scaled = value / self.unit;
        let decimals = self.decimals;
        let digits = format!("{:.decimals$}", scaled.abs());
        if digits.chars().all(|c| c == '0' || c == '.') {
            return "$0".to_owned();
        }
        let digits = match digits.split_once('.') {
            Some((whole, fraction)) => format!("{}.{fraction}", group_thousands(whole)),
            None => group_thousands(&digits),
        };
        let sign = if value < 0.0 { "-" } else { "" };
        format!("{sign}${digits}{}", self.suffix)
    }
}

/// Formats every tick of one probability axis (values in 0..=1) as percentages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PercentTicks {
    /// The number of decimals every tick shows.
    decimals: usize,
}

impl PercentTicks {
    /// Chooses the decimals for ticks spaced `step` apart (as a fraction).
    pub(crate) fn new(step: f64) -> Self {
        Self { decimals: decimals_for_step(step * 100.0) }
    }

    /// Formats one tick value given as a fraction (0.25 is "25%").
    pub(crate) fn format(&self, value: f64) -> String {
        let decimals = self.decimals;
        let percent = value * 100.0;
        if percent.abs() < 0.5 * 10f64.powi(-(decimals as i32)) {
            return "0%".to_owned();
        }
        format!("{percent:.decimals$}%")
    }
}

/// Formats a probability (0..=1) for a label: `12.3%`, `0.35%`, `<0.01%`, `>99.9%`.
///
/// Extreme values say "less than" or "more than" instead of rounding to 0% or
/// 100%, because a manager reads "0%" as "cannot happen".
pub(crate) fn format_percent(probability: f64) -> String {
    if probability.is_nan() {
        return "n/a".to_owned();
    }
    let percent = probability * 100.0;
    if percent <= 0.0 {
        "0%".to_owned()
    } else if percent >= 100.0 {
        "100%".to_owned()
    } else if percent < 0.01 {
        "<0.01%".to_owned()
    } else if percent > 99.9 {
        ">99.9%".to_owned()
    } else if percent < 1.0 {
        format!("{percent:.2}%")
    } else {
        format!("{percent:.1}%")
    }
}

/// Formats a count with thousands separators: `20,000`.
pub(crate) fn format_count(count: usize) -> String {
    group_thousands(&count.to_string())
}

/// The fewest decimals (up to 6) that represent multiples of `step` exactly.
fn decimals_for_step(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..=6)
        .find(|&decimals| {
            let shifted = step * 10f64.powi(decimals as i32);
            (shifted - shifted.round()).abs() < 1e-6 * shifted.max(1.0)
        })
        .unwrap_or(6)
}

/// Drops trailing zeros after a decimal point, and the point if nothing is left.
fn trim_zeros(text: String) -> String {
    if !text.contains('.') || text.contains('e') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Inserts commas every three digits into a string of ASCII digits.
fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_amounts_read_at_a_glance() {
        let cases = [
            (0.0, "$0"),
            (-0.0, "$0"),
            (0.0042, "$0.0042"),
            (0.000_134, "$0.00013"),
            (0.009_999, "$0.01"),
            (1e-9, "$1.0e-9"),
            (0.25, "$0.25"),
            (0.5, "$0.5"),
            (1.0, "$1"),
            (12.5, "$12.5"),
            (12.345_6, "$12.35"),
            (99.999, "$100"),
            (653.21, "$653"),
            (999.5, "$1,000"),
            (1234.0, "$1,234"),
            (9_999.4, "$9,999"),
            (9_999.6, "$10k"),
            (12_345.0, "$12.3k"),
            (123_456.0, "$123k"),
            (999_600.0, "$1M"),
            (1_200_000.0, "$1.2M"),
            (1_250_000.0, "$1.25M"),
            (1_234_567.0, "$1.23M"),
            (3_400_000_000.0, "$3.4B"),
            (5e12, "$5T"),
            (2.5e15, "$2.5e15"),
            (1.7e308, "$1.7e308"),
            (-1234.0, "-$1,234"),
            (-12_300.0, "-$12.3k"),
            (-0.001, "-$0.001"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_usd_axis(value), expected, "formatting {value}");
        }
    }

    #[test]
    fn non_finite_amounts_do_not_panic() {
        assert_eq!(format_usd_axis(f64::NAN), "n/a");
        assert_eq!(format_usd_axis(f64::INFINITY), "$∞");
        assert_eq!(format_usd_axis(f64::NEG_INFINITY), "-$∞");
    }

    #[test]
    fn axis_ticks_share_a_unit_and_decimals() {
        let ticks = UsdTicks::new(1_500_000.0, 250_000.0);
        let labels: Vec<String> =
            [0.0, 1_000_000.0, 1_250_000.0, 1_500_000.0].iter().map(|&v| ticks.format(v)).collect();
        assert_eq!(labels, ["$0", "$1.00M", "$1.25M", "$1.50M"]);

        let ticks = UsdTicks::new(20_000.0, 5_000.0);
        let labels: Vec<String> = [5_000.0, 20_000.0].iter().map(|&v| ticks.format(v)).collect();
        assert_eq!(labels, ["$5k", "$20k"]);

        let ticks = UsdTicks::new(8_000.0, 2_000.0);
        assert_eq!(ticks.format(6_000.0), "$6,000");

        let ticks = UsdTicks::new(1.5, 0.5);
        assert_eq!(ticks.format(0.5), "$0.50");
        assert_eq!(ticks.format(1.0), "$1.00");

        let ticks = UsdTicks::new(0.1, 0.025);
        assert_eq!(ticks.format(0.075), "$0.075");

        let ticks = UsdTicks::new(25_000.0, 2_500.0);
        assert_eq!(ticks.format(12_500.0), "$12.5k");
        assert_eq!(ticks.format(-2_500.0), "-$2.5k");

        let ticks = UsdTicks::new(3e20, 1e20);
        assert_eq!(ticks.format(2e20), "$2.0e20");
    }

    #[test]
    fn percent_ticks_and_labels() {
        let ticks = PercentTicks::new(0.2);
        assert_eq!(ticks.format(0.0), "0%");
        assert_eq!(ticks.format(0.4), "40%");
        let ticks = PercentTicks::new(0.025);
        assert_eq!(ticks.format(0.075), "7.5%");

        assert_eq!(format_percent(0.0), "0%");
        assert_eq!(format_percent(0.123), "12.3%");
        assert_eq!(format_percent(0.0035), "0.35%");
        assert_eq!(format_percent(0.000_01), "<0.01%");
        assert_eq!(format_percent(0.999_95), ">99.9%");
        assert_eq!(format_percent(1.0), "100%");
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(20_000), "20,000");
        assert_eq!(format_count(1_234_567), "1,234,567");
    }
}
