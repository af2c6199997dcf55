//! `scenario.period`: a length (`"30d"`, `"1mo"`) or a calendar period
//! (`"2026-12"`, `"2026-Q1"`, `"2027"`), which also fixes the first day.
//!
//! A length is a number with a unit from [`table::DURATION_UNITS`]; `m` is
//! refused here because a period of "1m" is as likely to mean a month as a
//! minute. A calendar period is that month, quarter or year, with its real
//! number of days, and starts on its first day (the default `prices` date).

use toml::de::DeValue;

use super::ctx::{Annotate as _, Ctx};
use super::table::{self, Node};
use super::values::{Unit, check_magnitude};
use crate::date::Date;
use crate::limits;
use crate::model::Period;

/// The period as parsed: its length, and its first day when it is a
/// calendar period.
#[derive(Clone, Debug)]
pub(super) struct Parsed {
    pub(super) period: Period,
    /// The first day of a calendar period; `None` for a length.
    pub(super) calendar_start: Option<Date>,
}

/// The period when `[scenario]` does not say.
pub(super) const DEFAULT_PERIOD: &str = "30d";

/// The default period: 30 days from the price date.
pub(super) fn default_period() -> Parsed {
    Parsed {
        period: Period { seconds: 30.0 * 86_400.0, text: DEFAULT_PERIOD.to_owned() },
        calendar_start: None,
    }
}

/// Parses `period`, reporting what is wrong with it.
pub(super) fn period(ctx: &mut Ctx, node: &Node<'_>) -> Option<Parsed> {
    if let DeValue::String(text) = node.get_ref() {
        let text = text.trim();
        match calendar(text) {
            Some(Ok((start, days))) => {
                let period = Period { seconds: days as f64 * 86_400.0, text: text.to_owned() };
                return Some(Parsed { period, calendar_start: Some(start) });
            }
            Some(Err(why)) => {
                ctx.error(node.span(), format!("`period = \"{text}\"` is not a calendar period: {why}"))
                    .label("not a calendar period")
                    .help("a calendar period is a month (\"2026-12\"), a quarter (\"2026-Q1\") or a year (\"2027\")");
                return None;
            }
            None => {}
        }
        let (amount, unit) = table::split_duration(text);
        if unit == "m" {
            ctx.error(
                node.span(),
                format!("`period = \"{text}\"` is ambiguous: `m` could mean minutes or months"),
            )
            .label("minutes or months?")
            .help(format!(
                "write \"{amount}min\" for minutes, or \"{amount}mo\" for months of 30 days (a calendar month is written as itself, such as \"2026-12\")"
            ));
            return None;
        }
    }
    let seconds = match node.get_ref() {
        DeValue::String(s) => match table::parse_duration(s) {
            Ok(seconds) => seconds,
            Err(why) => {
                ctx.error(node.span(), format!("`period`: {why}"))
                    .label("not a period")
                    .help(format!(
                        "{}; or a calendar month (\"2026-12\"), quarter (\"2026-Q1\") or year (\"2027\")",
                        table::DURATION_HELP
                    ));
                return None;
            }
        },
        _ => table::duration(ctx, node, "period")?,
    };
    if seconds <= 0.0 {
        ctx.error(node.span(), "`period` must be longer than 0")
            .label("empty period")
            .help("for example `period = \"30d\"` or `period = \"2026-12\"`");
        return None;
    }
    check_magnitude(ctx, node, "period", Unit::Seconds, limits::PERIOD_SECONDS)?;
    let text = match node.get_ref() {
        DeValue::String(s) => s.trim().to_owned(),
        _ => format!("{seconds}s"),
    };
    Some(Parsed { period: Period { seconds, text }, calendar_start: None })
}

/// A calendar period's first day and its number of days: `Some(Err)` for
/// text shaped like one that is not valid (`"2026-13"`), `None` for text
/// that is not shaped like one (a length such as `"30d"`).
pub(super) fn calendar(text: &str) -> Option<Result<(Date, i64), String>> {
    let (year, rest) = match text.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (text, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let span = |first: (i32, u8), end: (i32, u8)| -> Result<(Date, i64), String> {
        let start = Date::new(first.0, first.1, 1).map_err(|e| e.to_string())?;
        let after = Date::new(end.0, end.1, 1).map_err(|e| e.to_string())?;
        Ok((start, start.days_until(after)))
    };
    Some(match rest {
        None => span((year, 1), (year + 1, 1)),
        Some(q) if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
            match q[1..].parse::<u8>() {
                Ok(n @ 1..=4) => {
                    let first = 3 * (n - 1) + 1;
                    let end = if n == 4 { (year + 1, 1) } else { (year, first + 3) };
                    span((year, first), end)
                }
                _ => Err(format!("{q} is not a quarter (Q1 to Q4)")),
            }
        }
        Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => match m.parse::<u8>() {
            Ok(month @ 1..=12) => {
                let end = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
                span((year, month), end)
            }
            _ => Err(format!("month {m} is not between 01 and 12")),
        },
        Some(other) => Err(format!(
            "`{other}` after the year is neither a month (01 to 12) nor a quarter (Q1 to Q4)"
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> (String, i64) {
        let (start, days) = calendar(text).expect("calendar shaped").expect("valid");
        (start.to_string(), days)
    }

    #[test]
    fn calendar_periods_have_their_real_length() {
        assert_eq!(days("2026-12"), ("2026-12-01".into(), 31));
        assert_eq!(days("2026-11"), ("2026-11-01".into(), 30));
        assert_eq!(days("2028-02"), ("2028-02-01".into(), 29));
        assert_eq!(days("2027-02"), ("2027-02-01".into(), 28));
        assert_eq!(days("2026-Q1"), ("2026-01-01".into(), 90));
        assert_eq!(days("2028-q1"), ("2028-01-01".into(), 91));
        assert_eq!(days("2026-Q4"), ("2026-10-01".into(), 92));
        assert_eq!(days("2027"), ("2027-01-01".into(), 365));
        assert_eq!(days("2028"), ("2028-01-01".into(), 366));
    }

    #[test]
    fn lengths_are_not_calendar_periods() {
        for text in ["30d", "1mo", "12h", "1m", "20260", "026-12"] {
            assert!(calendar(text).is_none(), "{text}");
        }
        for text in ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-1", "2026-12-01", "2026-Dec"]
        {
            assert!(matches!(calendar(text), Some(Err(_))), "{text}");
        }
    }
}
