//! Numbers that may be uncertain: fixed values, per-trial assumptions,
//! per-event draws and volumes.
//!
//! A plain number is fixed. A table with `dist` is a distribution whose own
//! parameters may again be distributions (drawn once per trial). Every
//! distribution whose parameters are fixed is converted here with
//! [`Dist::fixed_sampler`], so the engine never meets invalid parameters, and
//! every per-trial parameter is checked to stay inside its key's domain.

use std::sync::Arc;

use toml::de::DeValue;

use super::ctx::{Annotate as _, Ctx, did_you_mean, one_of};
use super::table::{self, Node, Table};
use super::workload::{Need, names};
use crate::limits::{self, Bound};
use crate::model::{
    Choice, DayCount, Dist, Domain, Draw, LogNormalParams, NegBinSpread, RateProfile, RateShape,
    Sampler, TimeUnit, Value, Volume,
};

/// How a number is written: plainly, or as a duration (`"20s"` or seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    Plain,
    Seconds,
}

/// The distribution keywords, in the order the format documents them.
pub(super) const DISTS: &[&str] = &[
    "poisson",
    "negbin",
    "geometric",
    "lognormal",
    "normal",
    "uniform",
    "gamma",
    "beta",
    "choice",
];

/// The keys of a volume table without `dist` (with `dist`, the
/// distribution's keys and [`VOLUME_DIST_EXTRA`] or [`VOLUME_RATE_DIST_EXTRA`]).
pub(super) const VOLUME_KEYS: &[&str] =
    &["per", "mean", "dist", "ramp", "growth", "daily", "arrivals"];

/// The keys that make a volume's rate change over the period.
pub(super) const PROFILE_KEYS: &[&str] = &["ramp", "growth", "daily"];

/// The key a volume's distribution for the whole period (no `per`) has
/// besides the distribution's own.
pub(super) const VOLUME_DIST_EXTRA: &[&str] = &["per"];

/// The keys a volume's distribution per unit of time (with `per`) has
/// besides the distribution's own: `growth` grows it day by day; `ramp`,
/// `daily` and `arrivals` are keys of the table too, refused with `dist`
/// by a message that says why (not as unknown keys). `mean` is not among
/// them: it is a key only of the distributions that have it.
pub(super) const VOLUME_RATE_DIST_EXTRA: &[&str] = &["per", "ramp", "growth", "daily", "arrivals"];

/// The keys of `ramp = { … }`.
pub(super) const RAMP_KEYS: &[(&str, Need)] = &[("from", Need::Required), ("to", Need::Required)];

/// The keys of `growth`, exactly one of which is given: the period its
/// rate is stated per.
pub(super) const GROWTH_KEYS: &[(&str, TimeUnit)] =
    &[("per_day", TimeUnit::Day), ("per_week", TimeUnit::Week), ("per_month", TimeUnit::Month)];

/// What `arrivals` may say.
pub(super) const ARRIVALS: &[&str] = &["poisson", "exact"];

/// The units of time a volume's `per` names.
pub(super) const TIME_UNITS: [TimeUnit; 4] =
    [TimeUnit::Hour, TimeUnit::Day, TimeUnit::Week, TimeUnit::Month];

/// How deeply parameter distributions may nest (a mean drawn from a
/// lognormal whose median is drawn from a gamma is already unusual).
const MAX_DEPTH: usize = 4;

/// A fixed value or a per-trial assumption that must lie in `domain`.
pub(super) fn value(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    domain: Domain,
) -> Option<Value> {
    value_at(ctx, node, key, unit, domain, 0)
}

fn value_at(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    domain: Domain,
    depth: usize,
) -> Option<Value> {
    if let DeValue::Table(_) = node.get_ref() {
        let dist = dist_at(ctx, node, key, unit, &[], depth + 1)?;
        if !dist.fits(domain) {
            report_domain_misfit(ctx, node, key, &dist, domain);
            return None;
        }
        return Some(Value::PerTrial { dist: Box::new(dist), domain });
    }
    let x = scalar(ctx, node, key, unit, "a number or a distribution")?;
    check_domain(ctx, node, key, x, domain)?;
    Some(Value::Fixed(x))
}

/// What a per-event quantity may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DrawRule {
    /// A token count, a duration, a number of turns: never negative.
    NonNegative,
    /// A count of things asked for (`n` images): a whole number, at least 1.
    AtLeastOne,
}

/// A fixed value or a per-trial assumption in `domain` that must also stay
/// within `bound` (every number written in it, and its distribution's tail).
pub(super) fn bounded_value(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    domain: Domain,
    bound: Bound,
) -> Option<Value> {
    let within = check_magnitude(ctx, node, key, unit, bound);
    let value = value(ctx, node, key, unit, domain)?;
    within?;
    if let Value::PerTrial { dist, .. } = &value {
        check_tail(ctx, node, key, dist, bound)?;
    }
    Some(value)
}

/// A quantity sampled at its key's grain (per request, per turn, …), within
/// `bound`: every number written in it, and its distribution's tail.
pub(super) fn draw(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    rule: DrawRule,
    bound: Bound,
) -> Option<Draw> {
    let within = check_magnitude(ctx, node, key, unit, bound);
    let draw = unbounded_draw(ctx, node, key, unit, rule)?;
    within?;
    if let Draw::Dist(dist) = &draw {
        check_tail(ctx, node, key, dist, bound)?;
    }
    Some(draw)
}

fn unbounded_draw(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    rule: DrawRule,
) -> Option<Draw> {
    if let DeValue::Table(_) = node.get_ref() {
        let dist = dist_at(ctx, node, key, unit, &[], 1)?;
        // A normal is truncated at 0 by the engine, so only other shapes can
        // produce values the key cannot take.
        let truncated = matches!(dist, Dist::Normal { .. });
        if !truncated && !dist.fits(Domain::NonNegative) {
            report_domain_misfit(ctx, node, key, &dist, Domain::NonNegative);
            return None;
        }
        return Some(Draw::Dist(dist));
    }
    let x = scalar(ctx, node, key, unit, "a number or a distribution")?;
    match rule {
        DrawRule::NonNegative => check_domain(ctx, node, key, x, Domain::NonNegative)?,
        DrawRule::AtLeastOne => {
            if x < 1.0 || x.fract() != 0.0 {
                ctx.error(
                    node.span(),
                    format!("`{key}` must be a whole number of at least 1, not {x}"),
                )
                .label("not a count of at least 1");
                return None;
            }
        }
    }
    Some(Draw::Const(x))
}

/// Reports every number written in `node` (a scalar, a duration, or the
/// parameters of a distribution at any depth) that exceeds `bound`.
/// Numbers that are not finite are left to the type checks.
pub(super) fn check_magnitude(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    bound: Bound,
) -> Option<()> {
    let mut ok = true;
    magnitudes(ctx, node, key, key, unit, bound, &mut ok);
    ok.then_some(())
}

fn magnitudes(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    param: &str,
    unit: Unit,
    bound: Bound,
    ok: &mut bool,
) {
    let x = match (node.get_ref(), unit) {
        (DeValue::Integer(_) | DeValue::Float(_), _) => match table::raw_number(node.get_ref()) {
            Some(Ok(x)) if x.is_finite() => x,
            _ => return,
        },
        (DeValue::String(s), Unit::Seconds) => match table::parse_duration(s) {
            Ok(x) => x,
            Err(_) => return,
        },
        (DeValue::Table(map), _) => {
            for (k, v) in map.iter() {
                let name: &str = k.get_ref();
                // Keywords and relative weights are not quantities.
                if !matches!(name, "dist" | "per" | "weights") {
                    magnitudes(ctx, v, key, name, unit, bound, ok);
                }
            }
            return;
        }
        (DeValue::Array(items), _) => {
            for item in items.iter() {
                magnitudes(ctx, item, key, param, unit, bound, ok);
            }
            return;
        }
        _ => return,
    };
    if limits::within(x, bound) {
        return;
    }
    *ok = false;
    let whose = if param == key { format!("`{key}`") } else { format!("`{param}` of `{key}`") };
    ctx.error(
        node.span(),
        format!(
            "{whose} is {}, above the sanity bound of {}",
            limits::show_in(x, bound),
            limits::show_in(bound.max, bound)
        ),
    )
    .label("too large")
    .help(bound.why);
}

/// The value a sampler exceeds with probability [`limits::TAIL_PROBABILITY`]
/// (approximated for counts, whose exact quantiles are slow for huge means);
/// `None` when it cannot be computed.
fn tail(sampler: &Sampler) -> Option<f64> {
    let p = 1.0 - limits::TAIL_PROBABILITY;
    let q = match sampler {
        Sampler::Poisson { mean } => mean + 6.0 * mean.sqrt() + 10.0,
        Sampler::NegBin { r, mean } => {
            // λ ~ Gamma(r, mean / r), then Poisson noise around it.
            let lambda = Sampler::Gamma { shape: *r, scale: mean / r }.quantile(p);
            lambda + 6.0 * lambda.sqrt() + 10.0
        }
        other => other.quantile(p),
    };
    (!q.is_nan()).then_some(q)
}

/// Checks that `dist`, and every parameter distribution in it, stays within
/// `bound` but for a one-in-a-million tail.
fn check_tail(ctx: &mut Ctx, node: &Node<'_>, key: &str, dist: &Dist, bound: Bound) -> Option<()> {
    let mut widest: Option<(f64, &'static str)> = None;
    let mut visit = |d: &Dist| {
        if let Some(Ok(sampler)) = d.fixed_sampler()
            && let Some(q) = tail(&sampler)
            && !limits::within(q, bound)
            && widest.is_none_or(|(w, _)| q > w)
        {
            widest = Some((q, d.keyword()));
        }
    };
    visit_dists(dist, &mut visit);
    let Some((q, keyword)) = widest else { return Some(()) };
    ctx.error(
        node.span(),
        format!(
            "`{key}` is drawn from a `{keyword}` whose 99.9999th percentile is {}, above the sanity bound of {}",
            limits::show_in(q, bound),
            limits::show_in(bound.max, bound)
        ),
    )
    .label("too wide")
    .help(
        "narrow the distribution: one draw in a million would be that large (for a lognormal, the p90 is too far above the median)",
    );
    None
}

/// Calls `f` on `dist` and on every distribution among its parameters.
fn visit_dists<'d>(dist: &'d Dist, f: &mut dyn FnMut(&'d Dist)) {
    f(dist);
    let mut param = |v: &'d Value| {
        if let Value::PerTrial { dist, .. } = v {
            visit_dists(dist, f);
        }
    };
    match dist {
        Dist::Poisson { mean } | Dist::Geometric { mean } => param(mean),
        Dist::NegBin { mean, spread } => {
            param(mean);
            match spread {
                NegBinSpread::P90(v) | NegBinSpread::Sd(v) => param(v),
            }
        }
        Dist::LogNormal(LogNormalParams::MedianP90 { median: a, p90: b })
        | Dist::LogNormal(LogNormalParams::MeanSd { mean: a, sd: b })
        | Dist::Normal { mean: a, sd: b }
        | Dist::Uniform { min: a, max: b }
        | Dist::Gamma { mean: a, sd: b }
        | Dist::Beta { mean: a, sd: b } => {
            param(a);
            param(b);
        }
        Dist::Choice(_) => {}
    }
}

/// A volume within [`limits::VOLUME`], with a warning above
/// [`limits::VOLUME_WARNING`].
pub(super) fn bounded_volume(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    period_seconds: Option<f64>,
) -> Option<Volume> {
    let within = check_magnitude(ctx, node, key, Unit::Plain, limits::VOLUME);
    let volume = volume(ctx, node, key, period_seconds)?;
    within?;
    // A count per unit of time is checked by its mean over the period below.
    if let Volume::PerPeriod(d) = &volume {
        check_tail(ctx, node, key, d, limits::VOLUME)?;
    }
    let Some(mean) = volume.mean() else { return Some(volume) };
    if !limits::within(mean, limits::VOLUME) {
        ctx.error(
            node.span(),
            format!(
                "`{key}` comes to {} per period on average, above the sanity bound of {}",
                limits::show(mean),
                limits::show(limits::VOLUME.max)
            ),
        )
        .label("too many")
        .help(limits::VOLUME.why);
        return None;
    }
    if mean > limits::VOLUME_WARNING {
        ctx.warning(
            node.span(),
            format!(
                "`{key}` comes to {} per period on average, more than any real workload ({} is the usual ceiling)",
                limits::show(mean),
                limits::show(limits::VOLUME_WARNING)
            ),
        )
        .label("absurd volume")
        .help("check `per` and the unit; simulating this volume may take long");
    }
    Some(volume)
}

/// A volume (`requests`, `sessions`): a number per period, `{ per, mean }`,
/// `{ per, dist, … }` or `{ dist, … }` for the whole period.
/// `period_seconds` is `None` when the period itself was invalid (already reported).
fn volume(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    period_seconds: Option<f64>,
) -> Option<Volume> {
    let DeValue::Table(map) = node.get_ref() else {
        let x = scalar(ctx, node, key, Unit::Plain, "a number, `{ per, mean }` or a distribution")?;
        check_domain(ctx, node, key, x, Domain::NonNegative)?;
        return Some(Volume::Fixed(x));
    };
    let t = Table::new(map, node.span());
    let Some(per_node) = t.get("per") else {
        if !t.has("dist") {
            t.check_keys(ctx, VOLUME_KEYS, &format!("`{key}`"), &|_| None);
            let span = t.span();
            if ctx.was_suggested(&span, "per") || ctx.was_suggested(&span, "dist") {
                return None;
            }
            let help = if t.has("mean") || PROFILE_KEYS.iter().any(|k| t.has(k)) {
                "add `per = \"day\"` (or hour, week, month) for arrivals at that rate".to_owned()
            } else {
                format!(
                    "write `{key} = {{ per = \"day\", mean = 100 }}`, a plain number, or a distribution with `dist`"
                )
            };
            let needs = match PROFILE_KEYS.iter().find(|k| t.has(k)) {
                Some(k) => format!("`{key}` needs `per` with `{k}`"),
                None => format!("`{key}` needs `per` with `mean`, or a `dist`"),
            };
            ctx.error(node.span(), needs).label("incomplete volume").help(help);
            return None;
        }
        // `per` is absent here, but it is a key of this table all the same:
        // listed among the keys, a misspelt `per` gets its did-you-mean.
        let dist = dist_at(ctx, node, key, Unit::Plain, VOLUME_DIST_EXTRA, 1)?;
        check_count_dist(ctx, node, key, &dist)?;
        return Some(Volume::PerPeriod(dist));
    };
    let per = time_unit(ctx, per_node);
    if PROFILE_KEYS.iter().any(|k| t.has(k)) || t.has("arrivals") {
        let (per, period_seconds) = (per?, period_seconds?);
        return profile(ctx, node, t, key, per, period_seconds).map(Volume::Profile);
    }
    let dist = if t.has("dist") {
        dist_at(ctx, node, key, Unit::Plain, VOLUME_RATE_DIST_EXTRA, 1)
    } else {
        t.check_keys(ctx, VOLUME_KEYS, &format!("`{key}`"), &|_| None);
        let mean = t
            .require(ctx, "mean", &format!("`{key}`"))
            .and_then(|m| value_at(ctx, m, "mean", Unit::Plain, Domain::NonNegative, 1));
        mean.map(|mean| Dist::Poisson { mean })
    };
    let (per, dist) = (per?, dist?);
    check_count_dist(ctx, node, key, &dist)?;
    let units = period_seconds? / per.seconds();
    Some(Volume::PerUnit { per, units, dist })
}

/// A volume whose rate changes from day to day: `ramp`, `growth` (with
/// `mean`, or with a `dist` per day) or `daily`, with `arrivals`.
fn profile(
    ctx: &mut Ctx,
    node: &Node<'_>,
    t: Table<'_, '_>,
    key: &str,
    per: TimeUnit,
    period_seconds: f64,
) -> Option<RateProfile> {
    let what = format!("`{key}`");
    let given: Vec<&str> = PROFILE_KEYS.iter().copied().filter(|k| t.has(k)).collect();
    let days = period_seconds / 86_400.0;
    if t.has("dist") {
        // A distribution per day, grown day by day: the only shape it takes.
        let dist = dist_at(ctx, node, key, Unit::Plain, VOLUME_RATE_DIST_EXTRA, 1);
        if let Some(other) = given.iter().find(|k| **k != "growth") {
            ctx.error(
                t.key_span(other).unwrap_or_else(|| t.span()),
                format!("`{other}` sets the rate itself, so it cannot go with `dist`"),
            )
            .label("rate given twice")
            .help(format!(
                "for Poisson arrivals at a changing rate remove `dist`; to grow a `dist` per day use `growth`, such as `{key} = {{ per = \"day\", dist = \"negbin\", mean = 60, p90 = 100, growth = {{ per_week = 0.1 }} }}`"
            ));
            return None;
        }
        if t.has("arrivals") {
            ctx.error(
                t.key_span("arrivals").unwrap_or_else(|| t.span()),
                "`arrivals` applies to a rate (`mean`, `ramp`, `daily`), not to a `dist`",
            )
            .label("not with `dist`")
            .help("the distribution already says how a day's count varies: remove `arrivals`");
            return None;
        }
        // With `dist`, only `growth` is left (`ramp`, `daily` and `arrivals`
        // were reported above).
        let growth_node = t.get("growth")?;
        if per != TimeUnit::Day {
            ctx.error(
                t.get("per").map_or_else(|| t.span(), |n| n.span()),
                format!(
                    "a `dist` that grows day by day is a count per day, not per {}",
                    per.keyword()
                ),
            )
            .label("needs `per = \"day\"`")
            .help("write the distribution of one day's count with `per = \"day\"`");
            return None;
        }
        let dist = dist?;
        check_count_dist(ctx, node, key, &dist)?;
        let (rate, every) = growth(ctx, growth_node)?;
        return Some(RateProfile {
            per,
            days,
            shape: RateShape::Growth { start: Value::Fixed(1.0), rate, every },
            count: DayCount::Scaled(dist),
        });
    }
    t.check_keys(ctx, VOLUME_KEYS, &what, &|_| None);
    if given.len() > 1 {
        ctx.error(
            t.key_span(given[1]).unwrap_or_else(|| t.span()),
            format!("give one of `ramp`, `growth` and `daily` in {what}, not {}", given.join(" and ")),
        )
        .label("second rate shape")
        .help("`ramp` goes from one rate to another, `growth` compounds a first day's `mean`, `daily` lists every day's rate");
        return None;
    }
    let count = match t.get("arrivals") {
        None => Some(DayCount::Poisson),
        Some(n) => table::keyword(ctx, n, "arrivals", ARRIVALS)
            .map(|a| if a == "exact" { DayCount::Exact } else { DayCount::Poisson }),
    };
    let Some(&shape_key) = given.first() else {
        ctx.error(
            t.key_span("arrivals").unwrap_or_else(|| t.span()),
            format!("`arrivals` needs a rate that changes over the period in {what}"),
        )
        .label("no `ramp`, `growth` or `daily`")
        .help("add `ramp = { from, to }`, `growth = { per_week = … }` with `mean`, or `daily = [...]`");
        return None;
    };
    if shape_key != "growth"
        && let Some(span) = t.key_span("mean")
    {
        ctx.error(
            span,
            format!("`mean` cannot go with `{shape_key}`, which sets the rate of every day"),
        )
        .label("rate given twice")
        .help(format!("remove `mean`; `{shape_key}` gives the rates"));
        return None;
    }
    let day_count = (days - 1e-9).ceil().max(1.0) as usize;
    let shape = match shape_key {
        "ramp" => ramp(ctx, t.get("ramp")?, day_count),
        "growth" => {
            let start = t
                .require(ctx, "mean", &what)
                .and_then(|m| value_at(ctx, m, "mean", Unit::Plain, Domain::NonNegative, 1));
            let growth = t.get("growth").and_then(|g| growth(ctx, g));
            let (start, (rate, every)) = (start?, growth?);
            Some(RateShape::Growth { start, rate, every })
        }
        _ => daily(ctx, t.get("daily")?, per, day_count, days),
    };
    Some(RateProfile { per, days, shape: shape?, count: count? })
}

/// `ramp = { from, to }`: the first and the last day's rates.
fn ramp(ctx: &mut Ctx, node: &Node<'_>, day_count: usize) -> Option<RateShape> {
    let t = table::table(ctx, node, "ramp", "a table `{ from, to }`")?;
    t.check_keys(ctx, &names(RAMP_KEYS), "`ramp`", &|_| None);
    let mut end = |key: &str| {
        t.require(ctx, key, "`ramp`")
            .and_then(|n| value_at(ctx, n, key, Unit::Plain, Domain::NonNegative, 1))
    };
    let (from, to) = (end("from"), end("to"));
    if day_count < 2 {
        ctx.error(node.span(), "a `ramp` needs a period of at least two days")
            .label("one day only")
            .help("with a period of one day or less, give the rate with `mean`");
        return None;
    }
    Some(RateShape::Ramp { from: from?, to: to? })
}

/// `growth = { per_week = 0.25 }`: the growth rate and what it is per.
fn growth(ctx: &mut Ctx, node: &Node<'_>) -> Option<(Value, TimeUnit)> {
    let t = table::table(ctx, node, "growth", "a table such as `{ per_week = 0.25 }`")?;
    let keys: Vec<&str> = GROWTH_KEYS.iter().map(|(k, _)| *k).collect();
    t.check_keys(ctx, &keys, "`growth`", &|_| None);
    let given: Vec<(&str, TimeUnit)> =
        GROWTH_KEYS.iter().copied().filter(|(k, _)| t.has(k)).collect();
    let [(key, every)] = given.as_slice() else {
        if given.is_empty() && t.map.iter().next().is_some() {
            return None; // an unknown key, reported above
        }
        ctx.error(node.span(), "`growth` takes one of `per_day`, `per_week` and `per_month`")
            .label(if given.is_empty() { "no growth rate" } else { "more than one growth rate" })
            .help("for example `growth = { per_week = 0.25 }` for 25% more every week (compounded daily)");
        return None;
    };
    let n = t.get(key)?;
    let rate = value_at(ctx, n, key, Unit::Plain, Domain::Real, 1)?;
    let lowest = match &rate {
        Value::Fixed(x) => *x,
        Value::PerTrial { dist, .. } => dist.support().0,
    };
    if lowest <= -1.0 {
        ctx.error(
            n.span(),
            format!("`{key}` must be above -1 (a decline of 100% or more leaves nothing)"),
        )
        .label("at or below -1")
        .help("growth is a share: 0.25 is 25% more, -0.1 is 10% less");
        return None;
    }
    Some((rate, *every))
}

/// `daily = [...]`: one rate per day of the period.
fn daily(
    ctx: &mut Ctx,
    node: &Node<'_>,
    per: TimeUnit,
    day_count: usize,
    days: f64,
) -> Option<RateShape> {
    let DeValue::Array(items) = node.get_ref() else {
        table::wrong_type(ctx, node, "daily", node.get_ref(), "an array of numbers, one per day");
        return None;
    };
    if per != TimeUnit::Day {
        ctx.error(
            node.span(),
            format!("`daily` lists rates per day, but `per` is \"{}\"", per.keyword()),
        )
        .label("per day")
        .help("write `per = \"day\"` with `daily`");
        return None;
    }
    if items.len() != day_count {
        let which = if items.len() < day_count { "too few" } else { "too many" };
        ctx.error(
            node.span(),
            if days.fract() == 0.0 {
                format!("`daily` has {} values, but the period has {day_count} days", items.len())
            } else {
                format!(
                    "`daily` has {} values, but the period touches {day_count} days (it is {} days long)",
                    items.len(),
                    (days * 1000.0).round() / 1000.0
                )
            },
        )
        .label(format!("{which} days"))
        .help("give one rate per day of the period, the first for its first day");
        return None;
    }
    let mut rates = Vec::with_capacity(items.len());
    for item in items.iter() {
        let x = table::number(ctx, item, "daily");
        if let Some(x) = x {
            check_domain(ctx, item, "daily", x, Domain::NonNegative);
        }
        rates.push(x);
    }
    let rates: Vec<f64> = rates.into_iter().collect::<Option<_>>()?;
    if rates.iter().any(|x| *x < 0.0) {
        return None;
    }
    Some(RateShape::Daily(rates))
}

fn time_unit(ctx: &mut Ctx, node: &Node<'_>) -> Option<TimeUnit> {
    let words: Vec<&str> = TIME_UNITS.iter().map(|u| u.keyword()).collect();
    let word = table::keyword(ctx, node, "per", &words)?;
    TIME_UNITS.into_iter().find(|u| u.keyword() == word)
}

fn check_count_dist(ctx: &mut Ctx, node: &Node<'_>, key: &str, dist: &Dist) -> Option<()> {
    if dist.fits(Domain::NonNegative) {
        return Some(());
    }
    report_domain_misfit(ctx, node, key, dist, Domain::NonNegative);
    None
}

/// A number, or a duration when `unit` says so; `expected` names what the
/// key accepts for wrong-type messages.
fn scalar(ctx: &mut Ctx, node: &Node<'_>, key: &str, unit: Unit, expected: &str) -> Option<f64> {
    match (node.get_ref(), unit) {
        (DeValue::Integer(_) | DeValue::Float(_), _) => table::number(ctx, node, key),
        (DeValue::String(_), Unit::Seconds) => table::duration(ctx, node, key),
        (other, Unit::Seconds) => {
            table::wrong_type(
                ctx,
                node,
                key,
                other,
                "a duration such as \"20s\", a number of seconds, or a distribution",
            );
            None
        }
        (other, Unit::Plain) => {
            table::wrong_type(ctx, node, key, other, expected);
            None
        }
    }
}

/// Checks that a fixed number lies in its domain.
pub(super) fn check_domain(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    x: f64,
    domain: Domain,
) -> Option<()> {
    let (ok, what, help) = match domain {
        Domain::Real => (true, "", None),
        Domain::NonNegative => (x >= 0.0, "must not be negative", None),
        Domain::Positive => (x > 0.0, "must be greater than 0", None),
        Domain::Probability => (
            (0.0..=1.0).contains(&x),
            "must be between 0 and 1",
            Some(if x > 1.0 && x <= 100.0 {
                format!("a probability is a share: write {x}% as {}", x / 100.0)
            } else {
                "a probability is a share between 0 and 1, such as 0.03 for 3%".to_owned()
            }),
        ),
    };
    if ok {
        return Some(());
    }
    let label = match domain {
        Domain::Probability => "not a probability",
        Domain::Positive if x == 0.0 => "zero",
        _ => "negative",
    };
    ctx.error(node.span(), format!("`{key}` {what} (got {x})")).label(label).help_opt(help);
    None
}

fn domain_words(domain: Domain) -> &'static str {
    match domain {
        Domain::Real => "any number",
        Domain::NonNegative => "0 or more",
        Domain::Positive => "greater than 0",
        Domain::Probability => "between 0 and 1",
    }
}

fn report_domain_misfit(ctx: &mut Ctx, node: &Node<'_>, key: &str, dist: &Dist, domain: Domain) {
    let help = match domain {
        Domain::Probability => "for an uncertain rate or share use `dist = \"beta\"` with `mean` and `sd`".to_owned(),
        _ => "for a quantity that cannot be negative use `lognormal`, `gamma` or `poisson`, or `uniform` with `min` ≥ 0"
            .to_owned(),
    };
    ctx.error(
        node.span(),
        format!(
            "`{key}` is drawn from a `{}` that can produce values outside {}",
            dist.keyword(),
            range_words(domain)
        ),
    )
    .label(format!("`{key}` must be {}", domain_words(domain)))
    .help(help);
}

fn range_words(domain: Domain) -> &'static str {
    match domain {
        Domain::Probability => "[0, 1]",
        Domain::Positive => "(0, ∞)",
        Domain::NonNegative | Domain::Real => "[0, ∞)",
    }
}

/// The parameter keys of each distribution, and the domain each lives in.
pub(super) fn params(name: &str) -> &'static [(&'static str, Domain)] {
    match name {
        "poisson" => &[("mean", Domain::NonNegative)],
        "negbin" => {
            &[("mean", Domain::Positive), ("p90", Domain::NonNegative), ("sd", Domain::Positive)]
        }
        "geometric" => &[("mean", Domain::Positive)],
        "lognormal" => &[
            ("median", Domain::Positive),
            ("p90", Domain::Positive),
            ("mean", Domain::Positive),
            ("sd", Domain::NonNegative),
        ],
        "normal" => &[("mean", Domain::Real), ("sd", Domain::NonNegative)],
        "uniform" => &[("min", Domain::Real), ("max", Domain::Real)],
        "gamma" => &[("mean", Domain::Positive), ("sd", Domain::Positive)],
        "beta" => &[("mean", Domain::Probability), ("sd", Domain::Positive)],
        "choice" => &[("values", Domain::Real), ("weights", Domain::NonNegative)],
        _ => &[],
    }
}

/// Parses and validates a distribution table; `extra` lists keys the
/// caller reads itself (`per` of a volume).
fn dist_at(
    ctx: &mut Ctx,
    node: &Node<'_>,
    key: &str,
    unit: Unit,
    extra: &[&str],
    depth: usize,
) -> Option<Dist> {
    let t = table::table(ctx, node, key, "a distribution table")?;
    if depth > MAX_DEPTH {
        ctx.error(
            node.span(),
            format!("distributions nest more than {MAX_DEPTH} levels deep in `{key}`"),
        )
        .label("too deep");
        return None;
    }
    let Some(dist_node) = t.get("dist") else {
        let guess = if t.has("median") {
            "lognormal"
        } else if t.has("min") {
            "uniform"
        } else if t.has("values") {
            "choice"
        } else {
            "poisson"
        };
        ctx.error(node.span(), format!("`{key}` is a table without `dist`"))
            .label("which distribution?")
            .help(format!("add `dist = \"{guess}\"` (the distributions are {})", one_of(DISTS)));
        return None;
    };
    let name = table::string(ctx, dist_node, "dist")?;
    if !DISTS.contains(&name) {
        let help = did_you_mean(name, DISTS.iter().copied())
            .unwrap_or_else(|| format!("the distributions are {}", one_of(DISTS)));
        ctx.error(dist_node.span(), format!("unknown distribution `{name}`"))
            .label("not a distribution")
            .help(help);
        return None;
    }
    let mut allowed: Vec<&str> = vec!["dist"];
    allowed.extend(params(name).iter().map(|(k, _)| *k));
    allowed.extend_from_slice(extra);
    t.check_keys(ctx, &allowed, &format!("a `{name}` distribution"), &|_| None);

    let dist = if name == "choice" {
        choice(ctx, t, unit)
    } else {
        params_dist(ctx, t, name, unit, depth)
    }?;
    if let Some(Err(err)) = dist.fixed_sampler() {
        let span = t.get(err.key).map_or_else(|| node.span(), |n| n.span());
        ctx.error(span, err.message)
            .label(format!("invalid `{}` for this `{name}`", err.key))
            .help_opt(err.help);
        return None;
    }
    Some(dist)
}

/// The distributions whose parameters are numbers.
fn params_dist(
    ctx: &mut Ctx,
    t: Table<'_, '_>,
    name: &str,
    unit: Unit,
    depth: usize,
) -> Option<Dist> {
    let what = format!("a `{name}` distribution");
    let get = |ctx: &mut Ctx, key: &str| -> Option<Option<Value>> {
        let Some(node) = t.get(key) else { return Some(None) };
        let domain = params(name).iter().find(|(k, _)| *k == key).map_or(Domain::Real, |(_, d)| *d);
        value_at(ctx, node, key, unit, domain, depth).map(Some)
    };
    let need = |ctx: &mut Ctx, key: &str| -> Option<Value> {
        t.require(ctx, key, &what)?;
        get(ctx, key)?
    };
    match name {
        "poisson" => Some(Dist::Poisson { mean: need(ctx, "mean")? }),
        "geometric" => Some(Dist::Geometric { mean: need(ctx, "mean")? }),
        "negbin" => {
            let mean = need(ctx, "mean");
            let spread = match (t.get("p90"), t.get("sd")) {
                (Some(_), Some(sd)) => {
                    ctx.error(sd.span(), "a `negbin` takes `p90` or `sd`, not both")
                        .label("remove one");
                    None
                }
                (Some(_), None) => get(ctx, "p90")?.map(NegBinSpread::P90),
                (None, Some(_)) => get(ctx, "sd")?.map(NegBinSpread::Sd),
                (None, None) => {
                    ctx.error(t.span(), "a `negbin` needs `p90` or `sd` besides `mean`")
                        .label("spread missing")
                        .help("for example `p90 = 60` (the 90th percentile); with no extra spread use `poisson`");
                    None
                }
            };
            Some(Dist::NegBin { mean: mean?, spread: spread? })
        }
        "lognormal" => {
            let has = |k: &str| t.has(k);
            if has("median") || has("p90") {
                if let Some(stray) = ["mean", "sd"].into_iter().find(|k| has(k)) {
                    let span = t.key_span(stray).unwrap_or_else(|| t.span());
                    ctx.error(span, format!("a `lognormal` takes `median` with `p90`, or `mean` with `sd`, not `{stray}` with them"))
                        .label("mixed parameterisations");
                    return None;
                }
                let (median, p90) = (need(ctx, "median"), need(ctx, "p90"));
                Some(Dist::LogNormal(LogNormalParams::MedianP90 { median: median?, p90: p90? }))
            } else if has("mean") || has("sd") {
                let (mean, sd) = (need(ctx, "mean"), need(ctx, "sd"));
                Some(Dist::LogNormal(LogNormalParams::MeanSd { mean: mean?, sd: sd? }))
            } else {
                ctx.error(t.span(), "a `lognormal` needs `median` and `p90`, or `mean` and `sd`")
                    .label("parameters missing")
                    .help("for example `median = 3000, p90 = 12000`");
                None
            }
        }
        "normal" => {
            let (mean, sd) = (need(ctx, "mean"), need(ctx, "sd"));
            Some(Dist::Normal { mean: mean?, sd: sd? })
        }
        "uniform" => {
            let (min, max) = (need(ctx, "min"), need(ctx, "max"));
            Some(Dist::Uniform { min: min?, max: max? })
        }
        "gamma" => {
            let (mean, sd) = (need(ctx, "mean"), need(ctx, "sd"));
            Some(Dist::Gamma { mean: mean?, sd: sd? })
        }
        "beta" => {
            let (mean, sd) = (need(ctx, "mean"), need(ctx, "sd"));
            Some(Dist::Beta { mean: mean?, sd: sd? })
        }
        _ => None,
    }
}

/// `choice`: `values` with optional `weights` (equal when absent).
fn choice(ctx: &mut Ctx, t: Table<'_, '_>, unit: Unit) -> Option<Dist> {
    let values_node = t.require(ctx, "values", "a `choice` distribution")?;
    let values = number_list(ctx, values_node, "values", unit)?;
    if values.is_empty() {
        ctx.error(values_node.span(), "`values` of a `choice` must not be empty")
            .label("no values");
        return None;
    }
    let weights = match t.get("weights") {
        None => vec![1.0; values.len()],
        Some(node) => {
            let weights = number_list(ctx, node, "weights", Unit::Plain)?;
            if weights.len() != values.len() {
                ctx.error(
                    node.span(),
                    format!("{} weights for {} values", weights.len(), values.len()),
                )
                .label("one weight per value");
                return None;
            }
            if let Some(w) = weights.iter().find(|w| **w < 0.0) {
                ctx.error(node.span(), format!("weights must not be negative (got {w})"))
                    .label("negative weight");
                return None;
            }
            if weights.iter().sum::<f64>() <= 0.0 {
                ctx.error(node.span(), "weights sum to zero").label("no value can be chosen");
                return None;
            }
            weights
        }
    };
    let total: f64 = weights.iter().sum();
    let mut running = 0.0;
    let mut cumulative: Vec<f64> = weights
        .iter()
        .map(|w| {
            running += w;
            running / total
        })
        .collect();
    if let Some(last) = cumulative.last_mut() {
        *last = 1.0;
    }
    Some(Dist::Choice(Arc::new(Choice { values, cumulative })))
}

fn number_list(ctx: &mut Ctx, node: &Node<'_>, key: &str, unit: Unit) -> Option<Vec<f64>> {
    let DeValue::Array(items) = node.get_ref() else {
        table::wrong_type(ctx, node, key, node.get_ref(), "an array of numbers");
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items.iter() {
        match scalar(ctx, item, key, unit, "a number") {
            Some(x) => out.push(x),
            None => ok = false,
        }
    }
    ok.then_some(out)
}
