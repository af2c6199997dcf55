//! The clock: the only place costintent reads the time of day.
//!
//! The library crates take "today" as an argument (the default `prices`
//! date of a scenario, the read date of an imported price file, the price
//! date of log records that carry no time), so that the same inputs give
//! the same output whenever they run.

use costintent_scenario::Date;

/// Today in UTC, from the system clock (1970-01-01 if the clock is set
/// before the epoch).
pub(crate) fn today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    Date::from_days_since_epoch((seconds / 86_400) as i64)
}
