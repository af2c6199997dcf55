//! The invariants every catalog entry keeps, whether it comes from the
//! embedded files, a user's file or an import: priced, non-negative, dated
//! consistently and never two prices for the same thing on the same day.

use super::entry::{AfterRetirement, ModelEntry, Status, Validity};
use super::unit::PriceUnit;
use crate::limits;
use crate::text::{describe_char, first_unsafe};

/// The part of an entry a problem is about, so the file reader can point
/// at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Locus {
    /// The model as a whole.
    Model,
    /// `prices[i]`.
    Line(usize),
    /// `long_context[i]`.
    LongContext(usize),
    /// `batch[i]`.
    Batch(usize),
}

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    /// Where.
    pub(crate) locus: Locus,
    /// What, as a full sentence fragment.
    pub(crate) message: String,
}

fn invalid(locus: Locus, message: impl Into<String>) -> Invalid {
    Invalid { locus, message: message.into() }
}

/// Checks one entry; the first problem found is returned.
pub(crate) fn validate(entry: &ModelEntry) -> Result<(), Invalid> {
    check_id(&entry.id)?;
    check_text(entry)?;
    if entry.lines.is_empty() {
        return Err(invalid(Locus::Model, format!("model `{}` has no prices", entry.id)));
    }
    if entry.status == Status::Retired && entry.retired_on.is_none() {
        return Err(invalid(Locus::Model, "a retired model needs `retired_on`"));
    }
    if entry.after_retirement == AfterRetirement::Routed {
        if entry.successor.is_none() {
            return Err(invalid(
                Locus::Model,
                "`after_retirement = \"routed\"` needs the `successor` that serves the requests",
            ));
        }
        if entry.retired_on.is_none() {
            return Err(invalid(
                Locus::Model,
                "`after_retirement = \"routed\"` needs `retired_on`, the day routing starts",
            ));
        }
    }
    if entry.successor.as_deref() == Some(entry.id.as_str()) {
        return Err(invalid(Locus::Model, "a model cannot be its own successor"));
    }
    if let super::entry::CurrencyRule::Credits { usd_per_credit, .. } = &entry.currency {
        check_price(Locus::Model, "usd_per_credit", *usd_per_credit, 1.0)?;
        if *usd_per_credit <= 0.0 {
            return Err(invalid(Locus::Model, "usd_per_credit must be positive"));
        }
    }
    if let Some(rates) = &entry.audio_rates {
        for (name, x) in [
            ("input_tokens_per_minute", rates.input_tokens_per_minute),
            ("output_tokens_per_minute", rates.output_tokens_per_minute),
        ] {
            if !(x.is_finite() && x > 0.0) {
                return Err(invalid(Locus::Model, format!("{name} must be a positive number")));
            }
            if !limits::within(x, limits::TOKENS) {
                return Err(invalid(
                    Locus::Model,
                    format!(
                        "{name} of {} is above the sanity bound of {}",
                        limits::show(x),
                        limits::show(limits::TOKENS.max)
                    ),
                ));
            }
        }
    }
    check_lines(entry)?;
    check_rules(entry)?;
    Ok(())
}

fn check_id(id: &str) -> Result<(), Invalid> {
    let ok = match id.split_once('/') {
        Some((provider, model)) => {
            !provider.is_empty() && !model.is_empty() && !id.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(Locus::Model, format!("model id `{id}` is not of the form `provider/model`")))
    }
}

/// Every string an entry shows (id, name, notes, qualifiers) is plain text:
/// `catalog list` and reports print them.
fn check_text(entry: &ModelEntry) -> Result<(), Invalid> {
    let mut strings: Vec<(Locus, &str, &str)> =
        vec![(Locus::Model, "id", &entry.id), (Locus::Model, "name", &entry.name)];
    for (what, s) in [("successor", &entry.successor), ("note", &entry.note)] {
        if let Some(s) = s {
            strings.push((Locus::Model, what, s));
        }
    }
    for (i, line) in entry.lines.iter().enumerate() {
        let v = &line.variant;
        for (what, s) in [
            ("size", &v.size),
            ("quality", &v.quality),
            ("resolution", &v.resolution),
            ("note", &line.note),
        ] {
            if let Some(s) = s {
                strings.push((Locus::Line(i), what, s));
            }
        }
    }
    for (locus, what, s) in strings {
        if let Some(c) = first_unsafe(s) {
            return Err(invalid(
                locus,
                format!("the {what} holds the control character {}", describe_char(c)),
            ));
        }
    }
    Ok(())
}

/// A price: a non-negative number within [`limits::UNIT_PRICE_USD`] once
/// converted to USD with `usd_per_unit` (1 for dollar prices).
fn check_price(locus: Locus, what: &str, x: f64, usd_per_unit: f64) -> Result<(), Invalid> {
    check_amount(locus, what, x)?;
    let usd = x * usd_per_unit;
    if !limits::within(usd, limits::UNIT_PRICE_USD) {
        return Err(invalid(
            locus,
            format!(
                "{what} of {} USD is above the sanity bound of {} USD per unit (token prices are per 1M tokens)",
                limits::show(usd),
                limits::show(limits::UNIT_PRICE_USD.max)
            ),
        ));
    }
    Ok(())
}

fn check_amount(locus: Locus, what: &str, x: f64) -> Result<(), Invalid> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(invalid(
            locus,
            format!("{what} must be a non-negative number, not {}", limits::show(x)),
        ))
    }
}

fn check_validity(locus: Locus, v: &Validity) -> Result<(), Invalid> {
    match (v.from, v.until) {
        (Some(from), Some(until)) if from > until => {
            Err(invalid(locus, format!("valid_from {from} is after valid_until {until}")))
        }
        _ => Ok(()),
    }
}

fn check_lines(entry: &ModelEntry) -> Result<(), Invalid> {
    let usd_per_unit = entry.currency.usd_per_unit();
    for (i, line) in entry.lines.iter().enumerate() {
        let locus = Locus::Line(i);
        check_price(locus, "the amount", line.amount, usd_per_unit)?;
        check_validity(locus, &line.validity)?;
        let v = &line.variant;
        if (v.size.is_some() || v.quality.is_some()) && !line.unit.takes_image_variant() {
            return Err(invalid(
                locus,
                format!("`size` and `quality` apply to images, not `{}`", line.unit),
            ));
        }
        if v.size.is_some() != v.quality.is_some() {
            return Err(invalid(
                locus,
                "an image price needs both `size` and `quality`, or neither",
            ));
        }
        if (v.resolution.is_some() || v.audio.is_some()) && !line.unit.takes_video_variant() {
            return Err(invalid(
                locus,
                format!("`resolution` and `audio` apply to `video_second`, not `{}`", line.unit),
            ));
        }
        if v.audio.is_some() && v.resolution.is_none() {
            return Err(invalid(locus, "a video price with `audio` needs a `resolution` too"));
        }
        if let (Some(until), Some(retired)) = (line.validity.until, entry.retired_on)
            && until >= retired
        {
            return Err(invalid(
                locus,
                format!("price valid until {until}, but the model retires on {retired}"),
            ));
        }
        for (j, earlier) in entry.lines[..i].iter().enumerate() {
            if earlier.unit == line.unit
                && earlier.variant == line.variant
                && earlier.validity.overlaps(&line.validity)
            {
                let what = describe_unit(line.unit, &line.variant.describe());
                return Err(invalid(
                    locus,
                    format!(
                        "two prices for {what} on the same days: prices[{j}] ({}) and prices[{i}] ({})",
                        earlier.validity.describe(),
                        line.validity.describe()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn describe_unit(unit: PriceUnit, variant: &str) -> String {
    if variant.is_empty() { format!("`{unit}`") } else { format!("`{unit}` ({variant})") }
}

fn check_rules(entry: &ModelEntry) -> Result<(), Invalid> {
    let usd_per_unit = entry.currency.usd_per_unit();
    for (i, rule) in entry.long_context.iter().enumerate() {
        let locus = Locus::LongContext(i);
        if !(rule.above.is_finite() && rule.above > 0.0 && rule.above <= limits::TOKENS.max) {
            return Err(invalid(locus, "`above` must be a positive token count of at most 1e9"));
        }
        if let Some(tier) = rule.tier() {
            check_price(locus, "input_token", tier.input, usd_per_unit)?;
            check_price(locus, "output_token", tier.output, usd_per_unit)?;
            for (name, x) in [
                ("cache_read_token", tier.cache_read),
                ("cache_write_5m_token", tier.cache_write_5m),
                ("cache_write_1h_token", tier.cache_write_1h),
            ] {
                if let Some(x) = x {
                    check_price(locus, name, x, usd_per_unit)?;
                }
            }
        }
        check_validity(locus, &rule.validity)?;
        // One tier and one rejection limit at a time; a tier above the
        // limit could never apply.
        for (j, other) in entry.long_context[..i].iter().enumerate() {
            if !other.validity.overlaps(&rule.validity) {
                continue;
            }
            if other.rejects() == rule.rejects() {
                let what = if rule.rejects() { "rejection limit" } else { "tier" };
                return Err(invalid(
                    locus,
                    format!(
                        "long_context[{j}] and long_context[{i}] apply on the same days; one {what} at a time is supported"
                    ),
                ));
            }
            let (tier, limit) = if rule.rejects() { (other, rule) } else { (rule, other) };
            if limit.above <= tier.above {
                return Err(invalid(
                    locus,
                    format!(
                        "the rejection limit ({}) must be above the tier threshold ({}) on the days both apply",
                        limit.above, tier.above
                    ),
                ));
            }
        }
    }
    for (i, rule) in entry.batch.iter().enumerate() {
        let locus = Locus::Batch(i);
        if !(rule.share.is_finite() && (0.0..=1.0).contains(&rule.share)) {
            return Err(invalid(
                locus,
                format!("batch share {} is not between 0 and 1", rule.share),
            ));
        }
        check_validity(locus, &rule.validity)?;
        if let Some(j) = entry.batch[..i].iter().position(|r| r.validity.overlaps(&rule.validity)) {
            return Err(invalid(
                locus,
                format!("batch[{j}] and batch[{i}] apply on the same days"),
            ));
        }
    }
    Ok(())
}
