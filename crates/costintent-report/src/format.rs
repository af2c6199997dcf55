//! Human formatting of money, shares, quantities and durations.
//!
//! Every renderer goes through these functions so that the terminal table,
//! Markdown and HTML print the same number the same way.

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
        let decimals = if magnitude >= 100.0 {
            0
        } else if magnitude >= 10.0 {
            1
        } else {
            2
        };
        let text = format!("{magnitude:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        let sign = if text == "0" { "" } else { sign };
        return format!("{sign}{}", group_thousands(text));
    };
    let decimals = if scaled >= 100.0 {
        0
    } else if scaled >= 10.0 {
        1
    } else {
        2
    };
    format!("{sign}{scaled:.decimals$}{suffix}")
}

/// A parameter value with thousands separators and at most four decimals,
/// trailing zeros dropped: `3,000`, `0.25`, `1,234.5`.
pub fn plain_number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let text = format!("{:.4}", x.abs());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let sign = if x < 0.0 && text != "0" { "-" } else { "" };
    format!("{sign}{}", group_thousands(text))
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
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{unit}")
}

/// The period in words for headlines: `30 days`, `12 hours`, `1 day`.
pub fn period_words(period: &Period) -> String {
    let seconds = period.seconds;
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
}
