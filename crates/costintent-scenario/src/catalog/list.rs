//! `costintent catalog list [--provider P] [--unit U] [--date D]`: one row
//! per price line, filtered.

use super::entry::{ModelEntry, ModelKind, Status};
use super::resolve::price_line;
use super::unit::{UnitFamily, families};
use crate::date::Date;
use crate::prices::PriceLine;

/// Which lines to list; every filter left `None` keeps everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this provider (the id up to the first `/`), case-insensitive.
    pub provider: Option<String>,
    /// Only lines in this unit family.
    pub unit: Option<UnitFamily>,
    /// Only prices in effect on this day (a retired model shows its last
    /// prices); without a date, the whole history.
    pub date: Option<Date>,
}

/// One listed price.
#[derive(Clone, Debug, PartialEq)]
pub struct ListRow {
    /// `provider/model`.
    pub model: String,
    /// The provider.
    pub provider: String,
    /// What the model produces.
    pub kind: ModelKind,
    /// Lifecycle status on the filter's date (as of the newest source when
    /// no date was given).
    pub status: Status,
    /// The retirement day, if known.
    pub retired_on: Option<crate::date::Date>,
    /// The families the line belongs to.
    pub families: Vec<UnitFamily>,
    /// The price with its dates and source.
    pub line: PriceLine,
}

/// The rows of one entry that pass `filter`.
pub(crate) fn rows(entry: &ModelEntry, filter: &ListFilter) -> Vec<ListRow> {
    if let Some(provider) = &filter.provider
        && !entry.provider().eq_ignore_ascii_case(provider)
    {
        return Vec::new();
    }
    let day = match filter.date {
        Some(date) => match entry.effective_date(date) {
            Some(day) => Some(day),
            None => return Vec::new(),
        },
        None => None,
    };
    entry
        .lines
        .iter()
        .filter(|l| day.is_none_or(|d| l.validity.contains(d)))
        .filter_map(|l| {
            let fams =
                families(l.unit, entry.kind == ModelKind::Video, entry.currency.is_credits());
            if filter.unit.is_some_and(|u| !fams.contains(&u)) {
                return None;
            }
            Some(ListRow {
                model: entry.id.clone(),
                provider: entry.provider().to_owned(),
                kind: entry.kind,
                status: filter.date.map_or(entry.status, |d| entry.status_on(d)),
                retired_on: entry.retired_on,
                families: fams,
                line: price_line(entry, l),
            })
        })
        .collect()
}
