//! What a workload's prices mean over the simulated period: retirements and
//! dated price changes inside it, prompts the provider rejects, prices the
//! catalog only documents from a later day, and token counts measured on
//! another model's tokenizer.

use std::ops::Range;

use super::ctx::{Annotate as _, Ctx, suggest};
use super::models::Pricing;
use super::table::{self, Node};
use crate::catalog::{Catalog, Status};
use crate::date::Date;
use crate::model::{Dist, Draw, TokenRescale, Value, WorkloadKind};
use crate::prices::{ModelPrice, PriceChange};

/// The quantile of a requests workload's `input` compared with a rejection
/// limit: rare prompts matter, since each rejected one is a failed request.
const INPUT_QUANTILE: f64 = 0.999;

/// Uncertain (per-trial) parameters are taken at this quantile for that
/// comparison, so that a plausible trial is covered too.
const PARAMETER_QUANTILE: f64 = 0.99;

/// The first and last day of the period (the period starts at midnight UTC
/// of the `prices` date) and its length.
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    pub(super) start: Date,
    pub(super) seconds: f64,
}

impl Span {
    /// The day after the last day the period touches.
    fn end(self) -> Date {
        self.start.add_days((self.seconds / 86_400.0).ceil() as i64)
    }

    /// `2026-12-01 – 2026-12-30`, the days the period covers.
    fn describe(self) -> String {
        format!("{} – {}", self.start, self.end().add_days(-1))
    }
}

/// The prices of `price.id` on every day inside the period on which the
/// catalog changes them, each with a warning. A model priced by the file's
/// own `[models]` table keeps those prices all period (with a warning when
/// the catalog changes the model's prices inside it).
pub(super) fn price_changes(
    ctx: &mut Ctx,
    span: Range<usize>,
    price: &ModelPrice,
    own_table: bool,
    pricing: Pricing<'_>,
    period: Option<Span>,
) -> Vec<PriceChange> {
    let Some(period) = period else { return Vec::new() };
    let catalog = pricing.catalog;
    let days = catalog.change_days(&price.id, period.start, period.end());
    if days.is_empty() {
        return Vec::new();
    }
    if own_table {
        let listed: Vec<String> = days.iter().map(Date::to_string).collect();
        ctx.warning(
            span,
            format!(
                "the catalog changes the prices of `{}` on {}, inside the simulated period ({}), but the file's `[models.\"{}\"]` table fixes its prices for the whole period",
                price.id,
                listed.join(", "),
                period.describe(),
                price.id
            ),
        )
        .label("dated change not applied")
        .help("remove the table to bill each part of the period at the catalog's prices of that day");
        return Vec::new();
    }
    let successor = catalog.entry(&price.id).ok().and_then(|e| e.successor.clone());
    let mut out = Vec::new();
    let mut before = price.clone();
    for date in days {
        let next = match catalog.resolve(&price.id, date) {
            Ok(next) => next,
            Err(why) => {
                ctx.warning(
                    span.clone(),
                    format!(
                        "`{}` has no catalog price from {date}, inside the simulated period ({}): {why}; the simulation keeps the earlier prices",
                        price.id,
                        period.describe()
                    ),
                )
                .label("prices end during the period")
                .help("end the period before that day, or price the model in a `[models]` table");
                continue;
            }
        };
        let at_seconds = period.start.days_until(date) as f64 * 86_400.0;
        warn_change(ctx, span.clone(), &before, &next, date, period, successor.as_deref(), catalog);
        before = next.clone();
        out.push(PriceChange { at_seconds, date, price: next });
    }
    out
}

/// What to plan on when a model retires and the catalog names no
/// successor: the models of its kind the catalog prices and that are not
/// deprecated on `date`, the same provider's first (at most four).
pub(super) fn no_successor_help(catalog: &Catalog, id: &str, date: Date) -> String {
    let Ok(entry) = catalog.entry(id) else {
        return "the catalog knows no successor: plan the period on another model".to_owned();
    };
    let mut served: Vec<&crate::catalog::ModelEntry> = catalog
        .entries()
        .filter(|e| e.id != id && e.kind == entry.kind)
        .filter(|e| e.status_on(date) == Status::Active)
        .filter(|e| e.lines.iter().any(|l| l.validity.contains(date)))
        .collect();
    served.sort_by_key(|e| (e.provider() != entry.provider(), e.id.clone()));
    let names: Vec<String> = served.iter().take(4).map(|e| format!("`{}`", e.id)).collect();
    let which = format!(
        "the catalog names no successor (`costintent catalog show {id}` says what the provider announced)"
    );
    if names.is_empty() {
        format!("{which}: plan the period on another model, priced in a `[models]` table")
    } else {
        format!(
            "{which}; {} models the catalog prices on {date}: {}",
            entry.kind.name(),
            names.join(", ")
        )
    }
}

#[expect(clippy::too_many_arguments, reason = "one warning, every fact it names")]
fn warn_change(
    ctx: &mut Ctx,
    span: Range<usize>,
    before: &ModelPrice,
    after: &ModelPrice,
    date: Date,
    period: Span,
    successor: Option<&str>,
    catalog: &Catalog,
) {
    let id = &after.id;
    let inside = format!("inside the simulated period ({})", period.describe());
    if after.retired_on == Some(date) {
        let (message, help) = match &after.served_by {
            Some(served_by) => (
                format!(
                    "model `{id}` retires on {date}, {inside}: from then its requests are served by `{served_by}` and billed at its prices"
                ),
                "the simulation bills each part of the period at the prices of its day".to_owned(),
            ),
            None => (
                format!(
                    "model `{id}` retires on {date}, {inside}: from then the provider rejects its requests"
                ),
                match successor {
                    Some(s) => format!(
                        "the provider's successor is `{s}`: plan the period on it with `model = \"{s}\"`"
                    ),
                    None => no_successor_help(catalog, id, period.start),
                },
            ),
        };
        ctx.warning(span, message).label("retires during the period").help(help);
        return;
    }
    let changes = describe_differences(before, after);
    let what =
        if changes.is_empty() { "its price rules change".to_owned() } else { changes.join("; ") };
    ctx.warning(span, format!("the prices of `{id}` change on {date}, {inside}: {what}"))
        .label("price change during the period")
        .help("the simulation bills each part of the period at the prices of its day");
}

/// What differs between two resolutions, line by line, in USD.
fn describe_differences(before: &ModelPrice, after: &ModelPrice) -> Vec<String> {
    let mut out = Vec::new();
    let key = |l: &crate::prices::PriceLine| (l.unit.clone(), l.variant.clone());
    let name = |unit: &str, variant: &str| {
        if variant.is_empty() { unit.to_owned() } else { format!("{unit} [{variant}]") }
    };
    for line in &after.lines {
        match before.lines.iter().find(|b| key(b) == key(line)) {
            Some(b) if (b.usd - line.usd).abs() > 1e-12 => out.push(format!(
                "{} ${} → ${} per {}",
                name(&line.unit, &line.variant),
                b.usd,
                line.usd,
                line.per
            )),
            Some(_) => {}
            None => out.push(format!(
                "{} ${} per {} from then",
                name(&line.unit, &line.variant),
                line.usd,
                line.per
            )),
        }
    }
    for line in &before.lines {
        if !after.lines.iter().any(|a| key(a) == key(line)) {
            out.push(format!("no {} price from then", name(&line.unit, &line.variant)));
        }
    }
    if before.batch_discount != after.batch_discount {
        out.push(match after.batch_discount {
            Some(share) => format!("batch discount {}%", share * 100.0),
            None => "no batch discount".to_owned(),
        });
    }
    if before.reject_above != after.reject_above {
        out.push(match after.reject_above {
            Some(above) => format!("prompts above {above} tokens are rejected"),
            None => "no rejection limit".to_owned(),
        });
    }
    out
}

/// Warns when prompts of the workload can exceed the model's rejection
/// limit, on the price date or from a change inside the period.
pub(super) fn warn_rejections(
    ctx: &mut Ctx,
    span: Range<usize>,
    price: &ModelPrice,
    changes: &[PriceChange],
    kind: &WorkloadKind,
) {
    let mut seen = None;
    let dated =
        std::iter::once((None, price)).chain(changes.iter().map(|c| (Some(c.date), &c.price)));
    for (from, p) in dated {
        let Some(above) = p.reject_above else { continue };
        if seen == Some(above) {
            continue;
        }
        seen = Some(above);
        let when = from.map_or_else(String::new, |d| format!(" from {d}"));
        let id = &p.id;
        match kind {
            WorkloadKind::Agent(a) if a.context.window > above => {
                ctx.warning(
                    span.clone(),
                    format!(
                        "model `{id}` rejects prompts above {above} tokens{when}, and this agent's context grows to its window of {} tokens: those turns fail and are not billed",
                        a.context.window
                    ),
                )
                .label("prompts above the model's limit")
                .help(format!(
                    "compact earlier with `context.window` at most {above}, or use a model that accepts longer prompts"
                ));
            }
            WorkloadKind::Requests(r) => {
                let Some(q) = upper_quantile(&r.input) else { continue };
                if q > above {
                    ctx.warning(
                        span.clone(),
                        format!(
                            "model `{id}` rejects prompts above {above} tokens{when}, and this workload's `input` reaches {} tokens at its 99.9th percentile (uncertain parameters at their 99th): those requests fail and are not billed",
                            q.round()
                        ),
                    )
                    .label("prompts above the model's limit")
                    .help("split long inputs, or use a model that accepts longer prompts");
                }
            }
            _ => {}
        }
    }
}

/// The 99.9th percentile of a draw, with uncertain parameters at their
/// 99th; `None` when it cannot be computed.
fn upper_quantile(draw: &Draw) -> Option<f64> {
    match draw {
        Draw::Const(x) => Some(*x),
        Draw::Dist(dist) => {
            let resolved = dist.resolve(&mut |v| (parameter_quantile(v), false));
            let q = resolved.sampler.quantile(INPUT_QUANTILE);
            q.is_finite().then_some(q)
        }
    }
}

fn parameter_quantile(value: &Value) -> f64 {
    match value {
        Value::Fixed(x) => *x,
        Value::PerTrial { dist, domain } => {
            let q = match dist.fixed_sampler() {
                Some(Ok(s)) => s.quantile(PARAMETER_QUANTILE),
                _ => nested_quantile(dist),
            };
            domain.clamp(q).0
        }
    }
}

/// A parameter whose own parameters are uncertain: take those at their
/// upper quantile too.
fn nested_quantile(dist: &Dist) -> f64 {
    dist.resolve(&mut |v| (parameter_quantile(v), false)).sampler.quantile(PARAMETER_QUANTILE)
}

/// `tokens_measured_on`: how the workload's token counts convert to the
/// tokenizer of `price`'s model. `None` after an error; `Some(None)` when
/// no rescale applies (with a warning saying why).
pub(super) fn token_rescale(
    ctx: &mut Ctx,
    node: &Node<'_>,
    price: &ModelPrice,
    catalog: &Catalog,
) -> Option<Option<TokenRescale>> {
    let measured = table::string(ctx, node, "tokens_measured_on")?;
    let measured_entry = match catalog.entry(measured) {
        Ok(entry) => entry,
        Err(_) => {
            let ids = catalog.model_ids();
            let help = suggest(measured, ids.iter().copied()).map_or_else(
                || "name the catalog model the token counts were measured on (`costintent catalog list`)".to_owned(),
                |s| format!("did you mean `{s}`?"),
            );
            ctx.error(node.span(), format!("unknown model `{measured}`"))
                .label("not in the catalog")
                .help(help);
            return None;
        }
    };
    // After retirement with routing, the successor's tokenizer bills.
    let billed_id = price.served_by.as_deref().unwrap_or(&price.id);
    let Some(from) = measured_entry.tokenizer.clone() else {
        ctx.warning(
            node.span(),
            format!(
                "the catalog knows no tokenizer of `{measured}`: the token counts are used as written"
            ),
        )
        .label("tokenizer unknown");
        return Some(None);
    };
    let Some(to) = catalog.entry(billed_id).ok().and_then(|e| e.tokenizer.clone()) else {
        ctx.warning(
            node.span(),
            format!(
                "the catalog knows no tokenizer of `{billed_id}`: the token counts measured on `{measured}` are used as written"
            ),
        )
        .label("tokenizer unknown");
        return Some(None);
    };
    if from == to {
        return Some(Some(TokenRescale {
            measured_on: measured.to_owned(),
            from_family: from,
            to_family: to,
            factor: 1.0,
            sources: Vec::new(),
        }));
    }
    match catalog.token_ratio(&from, &to) {
        Ok(ratio) => Some(Some(TokenRescale {
            measured_on: measured.to_owned(),
            from_family: from,
            to_family: to,
            factor: ratio.factor,
            sources: ratio.sources,
        })),
        Err(why) => {
            ctx.warning(
                node.span(),
                format!(
                    "token counts measured on `{measured}` ({from} tokenizer) are not rescaled for `{billed_id}` ({to} tokenizer): {why}"
                ),
            )
            .label("no sourced ratio")
            .help("the counts are used as written; measure them on the workload's model, or give both models' tokenizers a sourced ratio in a catalog file");
            Some(None)
        }
    }
}

/// The first distribution of `kind` whose fixed parameters became invalid
/// by rescaling (a count distribution scaled below its minimum spread),
/// with the key and why.
pub(super) fn invalid_after_rescale(kind: &WorkloadKind) -> Option<(&'static str, String)> {
    let draws: Vec<(&'static str, &Draw)> = match kind {
        WorkloadKind::Requests(r) => {
            let mut v = vec![("input", &r.input), ("output", &r.output)];
            v.extend(r.reasoning.as_ref().map(|d| ("reasoning", d)));
            v
        }
        WorkloadKind::Agent(a) => {
            let mut v = vec![("input", &a.input), ("output", &a.output)];
            v.extend(a.reasoning.as_ref().map(|d| ("reasoning", d)));
            v.extend(a.tools.as_ref().map(|t| ("tools.output", &t.output)));
            v
        }
        _ => Vec::new(),
    };
    draws.into_iter().find_map(|(key, draw)| match draw {
        Draw::Dist(dist) => match dist.fixed_sampler() {
            Some(Err(e)) => Some((key, e.to_string())),
            _ => None,
        },
        Draw::Const(_) => None,
    })
}

/// Warns about parts of the model's price that the catalog documents only
/// from a day after the price date (they are missing on that date).
pub(super) fn warn_documented_later(
    ctx: &mut Ctx,
    span: Range<usize>,
    id: &str,
    pricing: Pricing<'_>,
) {
    let Some(date) = pricing.date else { return };
    for (what, from) in pricing.catalog.documented_after(id, date) {
        ctx.warning(
            span.clone(),
            format!(
                "model `{id}` has no {what} on {date}: the catalog's sources first document it on {from}, and what applied before is unknown"
            ),
        )
        .label("not documented on the price date")
        .help(format!(
            "give the price in a `[models.\"{id}\"]` table, or set `scenario.prices` to {from} or later"
        ));
    }
}
