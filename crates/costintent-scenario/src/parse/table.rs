//! Typed reads of the spanned TOML tree: tables checked against the keys
//! they allow, and scalars of the expected type.
//!
//! Every read reports its own problem at the value's span and returns
//! `None`, so callers simply skip what failed and keep going; the parse as a
//! whole fails if any error was recorded.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ctx::{Annotate as _, Ctx, did_you_mean, one_of, suggest};

/// A value of the TOML tree with its byte span.
pub(super) type Node<'i> = Spanned<DeValue<'i>>;

/// A TOML table with the span to point at when a key is missing: the
/// `[header]` of a standard table, the braces of an inline one.
#[derive(Clone, Copy, Debug)]
pub(super) struct Table<'t, 'i> {
    pub(super) map: &'t DeTable<'i>,
    span: (usize, usize),
}

impl<'t, 'i> Table<'t, 'i> {
    pub(super) fn new(map: &'t DeTable<'i>, span: Range<usize>) -> Self {
        Self { map, span: (span.start, span.end) }
    }

    pub(super) fn span(&self) -> Range<usize> {
        self.span.0..self.span.1
    }

    pub(super) fn get(&self, key: &str) -> Option<&'t Node<'i>> {
        self.map.get(key)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The span of `key` itself (not its value).
    pub(super) fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.map.get_key_value(key).map(|(k, _)| k.span())
    }

    /// The value of `key`, or an error at the table when it is missing.
    pub(super) fn require(&self, ctx: &mut Ctx, key: &str, what: &str) -> Option<&'t Node<'i>> {
        let node = self.get(key);
        // A misspelling of the key was already reported with a suggestion;
        // saying that the key is missing too would only repeat it.
        if node.is_none() && !ctx.was_suggested(&self.span(), key) {
            ctx.error(self.span(), format!("missing key `{key}` in {what}"))
                .label(format!("`{key}` is required here"));
        }
        node
    }

    /// Reports every key not in `allowed`, with a did-you-mean among them;
    /// `hint` may explain a key that belongs elsewhere when no close match exists.
    pub(super) fn check_keys(
        &self,
        ctx: &mut Ctx,
        allowed: &[&str],
        what: &str,
        hint: &dyn Fn(&str) -> Option<String>,
    ) {
        for (key, _) in self.map.iter() {
            let key_text: &str = key.get_ref();
            if allowed.contains(&key_text) {
                continue;
            }
            let suggestion = suggest(key_text, allowed.iter().copied());
            if let Some(s) = suggestion {
                ctx.note_suggestion(self.span(), s);
            }
            let help = suggestion
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| hint(key_text))
                .unwrap_or_else(|| format!("the keys of {what} are {}", one_of(allowed)));
            ctx.error(key.span(), format!("unknown key `{key_text}` in {what}"))
                .label("unknown key")
                .help(help);
        }
    }
}

/// The node as a table, or an error saying what was expected.
pub(super) fn table<'t, 'i>(
    ctx: &mut Ctx,
    node: &'t Node<'i>,
    key: &str,
    expected: &str,
) -> Option<Table<'t, 'i>> {
    match node.get_ref() {
        DeValue::Table(map) => Some(Table::new(map, node.span())),
        other => {
            wrong_type(ctx, node, key, other, expected);
            None
        }
    }
}

/// Reports a value of the wrong type.
pub(super) fn wrong_type(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    found: &DeValue<'_>,
    expected: &str,
) {
    ctx.error(node.span(), format!("`{key}` must be {expected}, not {}", type_name(found)))
        .label(format!("this is {}", type_name(found)));
}

/// A TOML type with its article, for messages.
pub(super) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The number a TOML integer or float holds, if it is one; `Err` for an
/// integer too large to be represented or a float that does not parse.
pub(super) fn raw_number(value: &DeValue<'_>) -> Option<Result<f64, ()>> {
    match value {
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            Some(i128::from_str_radix(&digits, i.radix()).map(|n| n as f64).map_err(|_| ()))
        }
        DeValue::Float(f) => Some(f.as_str().replace('_', "").parse::<f64>().map_err(|_| ())),
        _ => None,
    }
}

/// A finite number (integer or float).
pub(super) fn number(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<f64> {
    match raw_number(node.get_ref()) {
        Some(Ok(x)) if x.is_finite() => Some(x),
        Some(_) => {
            ctx.error(node.span(), format!("`{key}` must be a finite number"))
                .label("not a finite number");
            None
        }
        None => {
            wrong_type(ctx, node, key, node.get_ref(), "a number");
            None
        }
    }
}

/// A whole number (a float such as `3.0` is accepted when it is whole).
pub(super) fn integer(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<i64> {
    let x = number(ctx, node, key)?;
    if x.fract() != 0.0 || x.abs() > 9.0e15 {
        ctx.error(node.span(), format!("`{key}` must be a whole number, not {x}"))
            .label("not a whole number");
        return None;
    }
    Some(x as i64)
}

/// A string.
pub(super) fn string<'t>(ctx: &mut Ctx, node: &'t Node<'_>, key: &str) -> Option<&'t str> {
    match node.get_ref() {
        DeValue::String(s) => Some(s.as_ref()),
        other => {
            wrong_type(ctx, node, key, other, "a string");
            None
        }
    }
}

/// A boolean.
pub(super) fn boolean(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<bool> {
    match node.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        other => {
            wrong_type(ctx, node, key, other, "`true` or `false`");
            None
        }
    }
}

/// One of `choices`, with a did-you-mean when it is not.
pub(super) fn keyword<'c>(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    choices: &[&'c str],
) -> Option<&'c str> {
    let text = string(ctx, node, key)?;
    if let Some(found) = choices.iter().find(|c| **c == text) {
        return Some(found);
    }
    let help = did_you_mean(text, choices.iter().copied())
        .unwrap_or_else(|| format!("`{key}` is one of {}", one_of(choices)));
    ctx.error(node.span(), format!("`{text}` is not a valid `{key}`"))
        .label(format!("unknown `{key}`"))
        .help(help);
    None
}

/// The units a duration string may end in: the unit, its length in seconds
/// and what it means. One table for the parser, its messages and the docs.
/// `m` (minutes) is refused in a `period`, where it could mean months.
pub(crate) const DURATION_UNITS: &[(&str, f64, &str)] = &[
    ("s", 1.0, "seconds"),
    ("min", 60.0, "minutes"),
    ("m", 60.0, "minutes (not in a `period`)"),
    ("h", 3_600.0, "hours"),
    ("d", 86_400.0, "days"),
    ("w", 604_800.0, "weeks of 7 days"),
    ("mo", 2_592_000.0, "months of 30 days (for a calendar month write it: \"2026-12\")"),
    ("y", 31_536_000.0, "years of 365 days (for a calendar year write it: \"2027\")"),
];

/// How the duration units are listed in messages.
const UNIT_LIST: &str = "s, min, h, d, w, mo or y";

/// The help of a duration that does not parse.
pub(super) const DURATION_HELP: &str = "write a duration as a number with a unit: \"20s\", \"4min\", \"2h\", \"1d\", \"1w\" or \"1mo\" (30 days)";

/// A duration in seconds: a number of seconds or a string such as `"20s"`,
/// `"4m"`, `"2h"`, `"1d"`, `"1w"`. Never negative.
pub(super) fn duration(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<f64> {
    let seconds = match node.get_ref() {
        DeValue::String(s) => match parse_duration(s) {
            Ok(seconds) => seconds,
            Err(why) => {
                ctx.error(node.span(), format!("`{key}`: {why}"))
                    .label("not a duration")
                    .help(DURATION_HELP);
                return None;
            }
        },
        DeValue::Integer(_) | DeValue::Float(_) => number(ctx, node, key)?,
        other => {
            wrong_type(ctx, node, key, other, "a duration such as \"20s\" or a number of seconds");
            return None;
        }
    };
    if seconds < 0.0 {
        ctx.error(node.span(), format!("`{key}` must not be negative (got {seconds} s)"))
            .label("negative duration");
        return None;
    }
    Some(seconds)
}

/// A duration string cut into its number and its unit (`"1.5h"` →
/// `("1.5", "h")`), both trimmed.
pub(super) fn split_duration(text: &str) -> (&str, &str) {
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(trimmed.len());
    let (amount, unit) = trimmed.split_at(split);
    (amount.trim(), unit.trim())
}

/// The unit a spelled-out time unit stands for (`days` → `d`).
fn unit_alias(unit: &str) -> Option<&'static str> {
    let unit = unit.to_ascii_lowercase();
    Some(match unit.as_str() {
        "sec" | "secs" | "second" | "seconds" => "s",
        "mins" | "minute" | "minutes" => "min",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "day" | "days" => "d",
        "wk" | "wks" | "week" | "weeks" => "w",
        "mon" | "mos" | "month" | "months" => "mo",
        "yr" | "yrs" | "year" | "years" => "y",
        _ => return None,
    })
}

/// Seconds in a duration string (`"90s"`, `"1.5h"`, `"30d"`).
pub(super) fn parse_duration(text: &str) -> Result<f64, String> {
    let (amount, unit) = split_duration(text);
    let scale = match DURATION_UNITS.iter().find(|(u, _, _)| *u == unit) {
        Some((_, seconds, _)) => *seconds,
        None if unit.is_empty() => return Err(format!("\"{text}\" has no unit")),
        None => {
            return Err(match unit_alias(unit) {
                Some(short) => {
                    format!("unknown time unit `{unit}` in \"{text}\": write \"{amount}{short}\"")
                }
                None => format!("unknown time unit `{unit}` in \"{text}\" (use {UNIT_LIST})"),
            });
        }
    };
    let amount: f64 =
        amount.parse().map_err(|_| format!("\"{text}\" does not start with a number"))?;
    if !amount.is_finite() {
        return Err(format!("\"{text}\" is not a finite duration"));
    }
    if amount < 0.0 {
        return Err(format!("\"{text}\" is negative"));
    }
    Ok(amount * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_each_unit() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("4m"), Ok(240.0));
        assert_eq!(parse_duration("1.5h"), Ok(5_400.0));
        assert_eq!(parse_duration("30d"), Ok(2_592_000.0));
        assert_eq!(parse_duration("1w"), Ok(604_800.0));
        assert_eq!(parse_duration("4min"), Ok(240.0));
        assert_eq!(parse_duration("1mo"), Ok(2_592_000.0));
        assert_eq!(parse_duration("1y"), Ok(31_536_000.0));
        assert!(parse_duration("20").is_err());
        assert!(parse_duration("5yr").is_err());
        assert!(parse_duration("5M").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("infs").is_err());
    }
}
