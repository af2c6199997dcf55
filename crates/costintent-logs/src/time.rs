//! Timestamps as the logs write them, reduced to what pricing and grouping
//! need: the UTC day, and milliseconds since the epoch for durations.
//!
//! Accepted: RFC 3339 (`2026-09-01T10:04:11.502Z`, `…+02:00`), the same with
//! a space instead of `T` and no zone (OpenRouter's CSV, UTC), a bare date,
//! and unix seconds (OpenAI's `created`).

use costintent_scenario::Date;

/// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339-like timestamp.
pub fn parse_millis(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])? as i32;
    let month = digits(&b[5..7])? as u8;
    let day = digits(&b[8..10])? as u8;
    let date = Date::new(year, month, day).ok()?;
    let mut millis = date.days_since_epoch() * 86_400_000;
    if b.len() == 10 {
        return Some(millis);
    }
    if !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') || b.len() < 19 {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    millis += ((hour * 60 + minute) * 60 + second) as i64 * 1000;
    let mut rest = &b[19..];
    if let Some((&b'.', frac)) = rest.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut ms = 0i64;
        for (i, c) in frac[..n.min(3)].iter().enumerate() {
            ms += i64::from(c - b'0') * [100, 10, 1][i];
        }
        millis += ms;
        rest = &frac[n..];
    }
    match rest {
        [] | [b'Z'] | [b'z'] => Some(millis),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let offset = (digits(&[*h1, *h2])? * 60 + digits(&[*m1, *m2])?) as i64 * 60_000;
            Some(if *sign == b'+' { millis - offset } else { millis + offset })
        }
        _ => None,
    }
}

/// The UTC day of a timestamp.
pub fn parse_day(text: &str) -> Option<Date> {
    parse_millis(text).map(day_of_millis)
}

/// The UTC day of a count of milliseconds since the epoch.
pub fn day_of_millis(millis: i64) -> Date {
    Date::from_days_since_epoch(millis.div_euclid(86_400_000))
}

/// RFC 3339 with milliseconds, UTC: `2026-09-01T10:04:11.502Z`.
pub fn format_millis(millis: i64) -> String {
    let date = day_of_millis(millis);
    let in_day = millis.rem_euclid(86_400_000);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{date}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// RFC 3339 of unix seconds (OpenAI `created`, `start_time`).
pub fn format_unix_seconds(seconds: i64) -> String {
    format_millis(seconds.saturating_mul(1000))
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_logs_use() {
        let z = parse_millis("2026-09-01T10:04:11.502Z").unwrap();
        assert_eq!(format_millis(z), "2026-09-01T10:04:11.502Z");
        assert_eq!(parse_millis("2026-09-01T12:04:11.502+02:00"), Some(z));
        assert_eq!(parse_millis("2026-09-01 10:04:11.502"), Some(z));
        assert_eq!(parse_millis("2026-09-01T10:04:11.502123Z"), Some(z));
        assert_eq!(parse_day("2026-08-31T23:30:00-01:00").unwrap().to_string(), "2026-09-01");
        assert_eq!(parse_day("2026-09-01").unwrap().to_string(), "2026-09-01");
        assert_eq!(format_unix_seconds(1_767_225_600), "2026-01-01T00:00:00.000Z");
        for bad in ["", "2026-13-01", "2026-02-30T00:00:00Z", "yesterday", "2026-09-01T10:04"] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }
}
