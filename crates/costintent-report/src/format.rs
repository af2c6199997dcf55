//! Human formatting of money, shares, quantities and durations: the one
//! place in the workspace that turns a number into text for a reader.
//!
//! Every renderer goes through these functions so that the terminal table,
//! Markdown, HTML and the charts print the same number the same way. There
//! are two flavours of money: [`usd`] (cents, for tables and sentences) and
//! [`usd_compact`] (about three significant digits, for chart labels), plus
//! `UsdTicks`, which formats every tick of one chart axis alike; and two
//! of shares: [`percent`] and [`percent_label`], which never rounds an
//! event that happened to "0%" or "100%".

use costintent_scenario::Period;

/// Dollars with thousands separators and cents: `$1,234.56`, `-$3.20`.
///
/// Amounts below one cent keep two significant digits (`$0.0042`) rather
/// than printing as `$0.00`, because a per-request cost is often that small.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let magnitude = x.abs();
    let decimals = if magnitude == 0.0 || magnitude >= 0.01 {
        2
    } else {
        // Two significant digits: 0.0042 needs 4 decimals, 0.00042 needs 5.
        ((-magnitude.log10()).ceil() as usize + 1).clamp(3, 10)
    };
    let text = format!("{magnitude:.decimals$}");
    if text.bytes().all(|b| b == b'0' || b == b'.') {
        return "$0.00".to_owned();
    }
    format!("{sign}${}", group_thousands(&text))
}

/// A unit price with the precision prices are quoted in: at least cents,
/// and up to six decimals when the price needs them (`$0.042` per image,
/// `$3.75` per million tokens, `$0.00015` per request).
pub fn unit_price(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let text = format!("{:.6}", x.abs());
    let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() && integer.bytes().all(|b| b == b'0') && x != 0.0 {
        // Below a millionth of a dollar: fall back to significant digits.
        return format!("{sign}${:.2e}", x.abs());
    }
    let fraction = format!("{fraction:0<2}");
    format!("{sign}${}.{fraction}", group_thousands(integer))
}

/// A probability as a percentage: `12.3%`, `0.25%`, `<0.01%`, `0%`.
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        return "n/a".to_owned();
    }
    let v = p * 100.0;
    if v == 0.0 {
        "0%".to_owned()
    } else if v.abs() >= 1.0 {
        format!("{v:.1}%")
    } else if v.abs() >= 0.01 {
        format!("{v:.2}%")
    } else if v > 0.0 {
        "<0.01%".to_owned()
    } else {
        ">-0.01%".to_owned()
    }
}

/// A probability for a chart label: [`percent`], except that it never
/// reads "100.0%" or rounds up to it (`100%`, `>99.9%`) and a share at or
/// below zero is `0%`, because a manager reads "0%" or "100%" as "never" or
/// "always".
pub fn percent_label(probability: f64) -> String {
    if probability.is_nan() {
        return "n/a".to_owned();
    }
    let percentage = probability * 100.0;
    if percentage <= 0.0 {
        "0%".to_owned()
    } else if percentage >= 100.0 {
        "100%".to_owned()
    } else if percentage > 99.9 {
        ">99.9%".to_owned()
    } else {
        percent(probability)
    }
}

/// A count or mean quantity, compact above ten thousand: `950`, `1,234`,
/// `12.3k`, `4.56M`, `7.89B`.
pub fn quantity(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let magnitude = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    let (scaled, suffix) = if magnitude >= 1e9 {
        (magnitude / 1e9, "B")
    } else if magnitude >= 1e6 {
        (magnitude / 1e6, "M")
    } else if magnitude >= 1e4 {
        (magnitude / 1e3, "k")
    } else {
        // Means of counts: whole units above 100, then one or two decimals,
        // trailing zeros dropped (`1,904`, `88.5`, `0.25`, `40`).
        let text = format!("{magnitude:.decimals$}", decimals = three_significant(magnitude));
        let text = trim_zeros(&text);
        let sign = if text == "0" { "" } else { sign };
        return format!("{sign}{}", group_thousands(text));
    };
    format!("{sign}{scaled:.decimals$}{suffix}", decimals = three_significant(scaled))
}

/// A parameter value with thousands separators and at most four decimals,
/// trailing zeros dropped: `3,000`, `0.25`, `1,234.5`.
pub fn plain_number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let text = format!("{:.4}", x.abs());
    let text = trim_zeros(&text);
    let sign = if x < 0.0 && text != "0" { "-" } else { "" };
    format!("{sign}{}", group_thousands(text))
}

/// A parameter value with about four significant digits, compact from a
/// thousand on: `0.1032`, `12.35`, `3,200`, `12.3k`.
pub fn short_number(x: f64) -> String {
    if x.abs() >= 1000.0 {
        quantity(x.round())
    } else {
        let digits =
            if x == 0.0 { 0 } else { (3 - x.abs().log10().floor() as i32).max(0) as usize };
        trim_zeros(&format!("{x:.digits$}")).to_owned()
    }
}

/// A duration in seconds in the scenario file's own units: `20s`, `4m`,
/// `1.5h`, `30d`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "n/a".to_owned();
    }
    let magnitude = seconds.abs();
    let (value, unit) = if magnitude >= 86_400.0 {
        (seconds / 86_400.0, "d")
    } else if magnitude >= 3_600.0 {
        (seconds / 3_600.0, "h")
    } else if magnitude >= 60.0 {
        (seconds / 60.0, "m")
    } else {
        (seconds, "s")
    };
    let text = format!("{value:.2}");
    let text = trim_zeros(&text);
    format!("{text}{unit}")
}

/// The period in words for headlines: `30 days`, `12 hours`, `1 day`.
pub fn period_words(period: &Period) -> String {
    duration_words(period.seconds)
}

/// A duration in seconds in words when it is a whole number of days, hours
/// or minutes (`30 days`, `5 minutes`, `1 hour`), else as [`duration`].
pub fn duration_words(seconds: f64) -> String {
    let whole = |unit: f64| (seconds / unit).fract().abs() < 1e-9 && seconds >= unit;
    let (value, singular, plural) = if whole(86_400.0) {
        (seconds / 86_400.0, "day", "days")
    } else if whole(3_600.0) {
        (seconds / 3_600.0, "hour", "hours")
    } else if whole(60.0) {
        (seconds / 60.0, "minute", "minutes")
    } else {
        return duration(seconds);
    };
    let unit = if value == 1.0 { singular } else { plural };
    format!("{} {unit}", plain_number(value))
}

/// Dollars compactly, for chart labels: `$0.0042`, `$12.5`, `$653`,
/// `$1,234`, `$12.3k`, `$1.25M`, `$3.4B`.
///
/// Amounts below $10,000 are written in full (cents only below $100) because
/// that is where people compare budgets line by line; larger amounts switch
/// to k/M/B/T suffixes with three significant digits because a label only
/// needs to be recognisable. The function is total: NaN gives `n/a` and
/// infinities give `$∞`, so a label never panics.
pub fn usd_compact(value: f64) -> String {
    if value.is_nan() {
        return "n/a".to_owned();
    }
    let magnitude = compact_magnitude(value.abs());
    // A negative amount that rounds to zero is shown as zero, not "-$0".
    if value < 0.0 && magnitude != "0" { format!("-${magnitude}") } else { format!("${magnitude}") }
}

/// The unit suffixes of compact amounts, smallest first.
const SUFFIXES: [(f64, &str); 4] = [(1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T")];

/// A non-negative amount for [`usd_compact`], without sign or dollar sign.
fn compact_magnitude(amount: f64) -> String {
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
        return trim_zeros(&format!("{amount:.decimals$}")).to_owned();
    }
    if amount < 100.0 {
        return trim_zeros(&format!("{amount:.2}")).to_owned();
    }
    let whole = amount.round();
    if whole < 10_000.0 {
        return group_thousands(&format!("{whole:.0}"));
    }
    for (unit, suffix) in SUFFIXES {
        let scaled = amount / unit;
        let text = format!("{scaled:.decimals$}", decimals = three_significant(scaled));
        let text = trim_zeros(&text);
        // Rounding can carry into the next unit (999.6k is $1M, not $1000k).
        if text.parse::<f64>().is_ok_and(|shown| shown < 1000.0) {
            return format!("{text}{suffix}");
        }
    }
    format!("{amount:.1e}")
}

/// Decimals that give a number from 1 to 1000 three significant digits.
fn three_significant(scaled: f64) -> usize {
    if scaled >= 100.0 {
        0
    } else if scaled >= 10.0 {
        1
    } else {
        2
    }
}

/// Formats every tick of one dollar axis in a shared unit with shared
/// decimals.
///
/// The unit comes from the largest tick and the decimals from the tick step,
/// so an axis reads "$0, $5k, $10k" and never mixes "$5,000" with "$10k", and
/// neighbouring ticks never read alike ("$1.25M" next to "$1.50M", never
/// "$1.3M" next to "$1.5M").
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
            return usd_compact(value);
        }
        let scaled = value / self.unit;
        let decimals = self.decimals;
        let digits = format!("{:.decimals$}", scaled.abs());
        if digits.chars().all(|c| c == '0' || c == '.') {
            return "$0".to_owned();
        }
        let sign = if value < 0.0 { "-" } else { "" };
        format!("{sign}${}{}", group_thousands(&digits), self.suffix)
    }
}

/// Formats every tick of one probability axis (values in 0..=1) as
/// percentages with shared decimals.
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

/// Drops trailing zeros after a decimal point, and the point if nothing is
/// left; text without a point (or in scientific notation) is kept.
fn trim_zeros(text: &str) -> &str {
    if !text.contains('.') || text.contains('e') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.')
}

/// Inserts a comma every three digits of the integer part of a plain
/// decimal string (`1234567.89` → `1,234,567.89`).
fn group_thousands(text: &str) -> String {
    let (integer, fraction) = match text.find('.') {
        Some(dot) => text.split_at(dot),
        None => (text, ""),
    };
    let mut grouped = String::with_capacity(text.len() + integer.len() / 3);
    for (i, digit) in integer.chars().enumerate() {
        if i > 0 && (integer.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped.push_str(fraction);
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(1234.564), "$1,234.56");
        assert_eq!(usd(1_234.565_1), "$1,234.57");
        assert_eq!(usd(999.999), "$1,000.00");
        assert_eq!(usd(1_234_567.0), "$1,234,567.00");
        assert_eq!(usd(-3.2), "-$3.20");
        assert_eq!(usd(0.05), "$0.05");
        assert_eq!(usd(0.0042), "$0.0042");
        assert_eq!(usd(0.000_42), "$0.00042");
        assert_eq!(usd(f64::NAN), "n/a");
    }

    #[test]
    fn prices() {
        assert_eq!(unit_price(0.042), "$0.042");
        assert_eq!(unit_price(3.0), "$3.00");
        assert_eq!(unit_price(3.75), "$3.75");
        assert_eq!(unit_price(1.125), "$1.125");
        assert_eq!(unit_price(0.000_15), "$0.00015");
        assert_eq!(unit_price(1500.0), "$1,500.00");
        assert_eq!(unit_price(0.0), "$0.00");
        assert_eq!(unit_price(2e-8), "$2.00e-8");
    }

    #[test]
    fn shares() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.123_45), "12.3%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(0.0025), "0.25%");
        assert_eq!(percent(0.000_01), "<0.01%");
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity(950.0), "950");
        assert_eq!(quantity(1234.5), "1,234");
        assert_eq!(quantity(1903.9965), "1,904");
        assert_eq!(quantity(88.54), "88.5");
        assert_eq!(quantity(0.9995), "1");
        assert_eq!(quantity(0.25), "0.25");
        assert_eq!(quantity(40.0), "40");
        assert_eq!(quantity(12_345.0), "12.3k");
        assert_eq!(quantity(4_560_000.0), "4.56M");
        assert_eq!(quantity(123_456_789.0), "123M");
        assert_eq!(quantity(7.89e9), "7.89B");
        assert_eq!(plain_number(3000.0), "3,000");
        assert_eq!(plain_number(0.25), "0.25");
        assert_eq!(plain_number(-0.000_01), "0");
        assert_eq!(short_number(0.103_249), "0.1032");
        assert_eq!(short_number(12.3456), "12.35");
        assert_eq!(short_number(3_200.4), "3,200");
        assert_eq!(short_number(12_345.0), "12.3k");
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(2.0), "2");
    }

    #[test]
    fn durations_and_periods() {
        assert_eq!(duration(20.0), "20s");
        assert_eq!(duration(240.0), "4m");
        assert_eq!(duration(90.0), "1.5m");
        assert_eq!(duration(3_600.0), "1h");
        assert_eq!(duration(30.0 * 86_400.0), "30d");
        let period = |seconds: f64| Period { seconds, text: String::new() };
        assert_eq!(period_words(&period(30.0 * 86_400.0)), "30 days");
        assert_eq!(period_words(&period(86_400.0)), "1 day");
        assert_eq!(period_words(&period(12.0 * 3_600.0)), "12 hours");
        assert_eq!(period_words(&period(45.0)), "45s");
    }
    #[test]
    fn compact_amounts_read_at_a_glance() {
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
            assert_eq!(usd_compact(value), expected, "formatting {value}");
        }
        assert_eq!(usd_compact(f64::NAN), "n/a");
        assert_eq!(usd_compact(f64::INFINITY), "$∞");
        assert_eq!(usd_compact(f64::NEG_INFINITY), "-$∞");
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

        assert_eq!(percent_label(0.0), "0%");
        assert_eq!(percent_label(-0.1), "0%");
        assert_eq!(percent_label(0.123), "12.3%");
        assert_eq!(percent_label(0.0035), "0.35%");
        assert_eq!(percent_label(0.000_01), "<0.01%");
        assert_eq!(percent_label(0.999_95), ">99.9%");
        assert_eq!(percent_label(1.0), "100%");
        assert_eq!(percent_label(f64::NAN), "n/a");
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(plain_number(0.0), "0");
        assert_eq!(plain_number(999.0), "999");
        assert_eq!(plain_number(20_000.0), "20,000");
        assert_eq!(plain_number(1_234_567.0), "1,234,567");
    }
}
