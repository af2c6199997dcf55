//! The `[scenario]` settings and the `[[wallet]]` tables.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::DeValue;

use super::ctx::{Annotate as _, Ctx, did_you_mean, one_of};
use super::table::{self, Node, Table};
use super::values::{Unit, check_domain, check_magnitude};
use crate::catalog::Catalog;
use crate::date::Date;
use crate::limits::{self, Bound as Limit};
use crate::model::{Domain, Period, Wallet};

pub(super) const SCENARIO_KEYS: &[&str] = &["name", "period", "trials", "seed", "prices", "budget"];

pub(super) const WALLET_KEYS: &[&str] = &[
    "name",
    "credit_usd",
    "fee_percent",
    "fee_min",
    "topup",
    "usage_fee_percent",
    "usage_fee_free_requests_per_month",
    "preset",
];

/// A price date up to this many days after today is not warned about: a
/// forecast of next month is what the tool is for, and the catalog holds
/// the retirements and price changes already announced for it.
const FUTURE_GRACE_DAYS: i64 = 31;

/// Days after the newest source of the catalog beyond which its prices may
/// well have changed.
const STALE_AFTER_DAYS: i64 = 60;

/// Whether `key` is a key of `[scenario]` (for hints elsewhere).
pub(super) fn is_scenario_key(key: &str) -> bool {
    SCENARIO_KEYS.contains(&key)
}

/// The default master seed when `seed` is absent.
pub(super) const DEFAULT_SEED: u64 = 42;

/// `[scenario]`, each field `None` when it was invalid (already reported).
#[derive(Debug)]
pub(super) struct Settings {
    pub(super) name: Option<String>,
    pub(super) period: Option<Period>,
    pub(super) trials: Option<Option<u64>>,
    pub(super) seed: Option<u64>,
    pub(super) prices_date: Option<Date>,
    pub(super) budget: Option<Option<f64>>,
}

/// Parses `[scenario]`; `today` is the default price date and the day a
/// later price date is warned about; `catalog` says how current its prices are.
pub(super) fn settings(ctx: &mut Ctx, node: &Node<'_>, today: Date, catalog: &Catalog) -> Settings {
    let Some(t) = table::table(ctx, node, "scenario", "a table (`[scenario]`)") else {
        return Settings {
            name: None,
            period: None,
            trials: None,
            seed: None,
            prices_date: None,
            budget: None,
        };
    };
    t.check_keys(ctx, SCENARIO_KEYS, "`[scenario]`", &|key| {
        super::workload::is_workload_key(key)
            .then(|| format!("`{key}` belongs in a `[[workload]]`"))
    });
    let what = "`[scenario]`";
    let name = t.require(ctx, "name", what).and_then(|n| non_empty_string(ctx, n, "name"));
    let parsed = match t.get("period") {
        Some(n) => super::period::period(ctx, n),
        None => Some(super::period::default_period()),
    };
    let calendar_start = parsed.as_ref().and_then(|p| p.calendar_start);
    let period = parsed.map(|p| p.period);
    // Absent: the run chooses its trial count (adaptive precision).
    let trials = match t.get("trials") {
        None => Some(None),
        Some(n) => table::integer(ctx, n, "trials").and_then(|x| {
            if x < 1 {
                ctx.error(n.span(), format!("`trials` must be at least 1 (got {x})"))
                    .label("no trials");
                return None;
            }
            u64::try_from(x).ok().map(Some)
        }),
    };
    let seed = match t.get("seed") {
        None => Some(DEFAULT_SEED),
        Some(n) => table::integer(ctx, n, "seed").and_then(|x| {
            let seed = u64::try_from(x).ok();
            if seed.is_none() {
                ctx.error(n.span(), format!("`seed` must not be negative (got {x})"))
                    .label("negative seed");
            }
            seed
        }),
    };
    let prices_date = match (t.get("prices"), calendar_start) {
        // A calendar period starts on its first day, and prices the period
        // from there unless `prices` says the same.
        (None, Some(start)) => Some(start),
        (None, None) => Some(today),
        (Some(n), start) => date(ctx, n, "prices").and_then(|d| {
            if let (Some(start), Some(p)) = (start, &period)
                && d != start
            {
                ctx.error(
                    n.span(),
                    format!(
                        "`prices = \"{d}\"` is not the first day of `period = \"{}\"` ({start})",
                        p.text
                    ),
                )
                .label("the period starts elsewhere")
                .help(format!(
                    "a calendar period starts on its first day and prices the period from it: remove `prices`, or give the period as a length (such as \"{}d\") to start it on {d}",
                    (p.seconds / 86_400.0).round()
                ));
                return None;
            }
            Some(d)
        }),
    };
    if let (Some(d), Some(p), None, Some(n)) =
        (prices_date, &period, calendar_start, t.get("period"))
    {
        warn_almost_a_month(ctx, n.span(), d, p);
    }
    if let Some(d) = prices_date
        && today.days_until(d) > FUTURE_GRACE_DAYS
    {
        let span =
            t.get("prices").or_else(|| t.get("period")).map_or_else(|| t.span(), |n| n.span());
        ctx.warning(span, format!("price date {d} is more than a month after today ({today})"))
            .label("in the future")
            .help("the catalog knows today's prices and the changes announced so far; changes announced later are not in it");
    }
    if let Some(date) = prices_date {
        let span =
            t.get("prices").or_else(|| t.get("period")).map_or_else(|| t.span(), |n| n.span());
        let source = match (t.get("prices"), calendar_start) {
            (Some(_), _) => PriceDate::Written,
            (None, Some(_)) => PriceDate::PeriodStart,
            (None, None) => PriceDate::Today,
        };
        warn_stale(ctx, span, date, catalog, source);
    }
    let budget = match t.get("budget") {
        None => Some(None),
        Some(n) => table::number(ctx, n, "budget").and_then(|x| {
            check_domain(ctx, n, "budget", x, Domain::NonNegative)?;
            check_magnitude(ctx, n, "budget", Unit::Plain, limits::USD)?;
            Some(Some(x))
        }),
    };
    Settings { name, period, trials, seed, prices_date, budget }
}

/// Warns when a length starting on the first day of a month comes within a
/// few days of that month without covering it: "30d" from December 1 ends
/// on December 30, and `"2026-12"` was probably meant.
fn warn_almost_a_month(ctx: &mut Ctx, span: Range<usize>, start: Date, period: &Period) {
    if start.day() != 1 || period.seconds % 86_400.0 != 0.0 {
        return;
    }
    let days = (period.seconds / 86_400.0) as i64;
    let month = format!("{}-{:02}", start.year(), start.month());
    let Some(Ok((_, month_days))) = super::period::calendar(&month) else { return };
    if days == month_days || (days - month_days).abs() > 3 {
        return;
    }
    let last = start.add_days(days - 1);
    ctx.warning(
        span,
        format!(
            "`period = \"{}\"` from {start} ends on {last}, not at the end of {month} ({month_days} days)",
            period.text
        ),
    )
    .label("almost a month")
    .help(format!(
        "to forecast the calendar month, write `period = \"{month}\"` (and drop `prices`, which it sets to {start})"
    ));
}

/// Where the price date came from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PriceDate {
    /// `prices` in the file.
    Written,
    /// The first day of a calendar period.
    PeriodStart,
    /// Today, the default.
    Today,
}

/// Warns when the price date is long after the catalog's newest source:
/// prices may have changed since, and a fresh price file can be laid over.
fn warn_stale(ctx: &mut Ctx, span: Range<usize>, date: Date, catalog: &Catalog, source: PriceDate) {
    let Some(newest) = catalog.newest_source_read() else { return };
    let days = newest.days_until(date);
    if days <= STALE_AFTER_DAYS {
        return;
    }
    let which = match source {
        PriceDate::Today => "today's date (the default of `prices`)",
        PriceDate::PeriodStart => "the price date (the first day of the period)",
        PriceDate::Written => "the price date",
    };
    ctx.warning(
        span,
        format!(
            "{which}, {date}, is {days} days after the newest source of the price catalog (read {newest}): prices, retirements and new models since then are not in it"
        ),
    )
    .label("catalog may be stale")
    .help(
        "lay a fresh price file over the catalog: `costintent catalog import litellm model_prices_and_context_window.json --out fresh.toml` (or `costintent catalog import genai-prices data.json --out fresh.toml`), then pass `--catalog fresh.toml`",
    );
}

fn non_empty_string(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<String> {
    let s = table::string(ctx, node, key)?;
    if s.trim().is_empty() {
        ctx.error(node.span(), format!("`{key}` must not be empty")).label("empty");
        return None;
    }
    Some(s.to_owned())
}

/// A `YYYY-MM-DD` date, as a string or a TOML date.
fn date(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<Date> {
    let parsed = match node.get_ref() {
        DeValue::String(s) => s.parse::<Date>().map_err(|e| e.to_string()),
        DeValue::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => {
                Date::new(i32::from(d.year), d.month, d.day).map_err(|e| e.to_string())
            }
            _ => Err("a price date is a day without a time, such as 2026-11-01".to_owned()),
        },
        other => {
            table::wrong_type(ctx, node, key, other, "a date such as \"2026-11-01\"");
            return None;
        }
    };
    parsed
        .map_err(|why| {
            ctx.error(node.span(), format!("`{key}` is not a valid date: {why}"))
                .label("not a date");
        })
        .ok()
}

/// The `[[wallet]]` tables: each valid wallet, and every name with the span
/// of its value (so `via` can find wallets that had other errors).
#[derive(Debug, Default)]
pub(super) struct Wallets {
    pub(super) wallets: Vec<Option<Wallet>>,
    pub(super) names: Vec<(String, Range<usize>)>,
    /// Whether each wallet states its `credit_usd` (by key or preset); when
    /// it does not, credit-priced models paying through it set it.
    pub(super) credit_usd_given: Vec<bool>,
}

/// Parses the top-level `wallet` array.
pub(super) fn wallets(
    ctx: &mut Ctx,
    node: &Node<'_>,
    catalog: &Catalog,
    date: Option<Date>,
) -> Wallets {
    let mut out = Wallets::default();
    let DeValue::Array(items) = node.get_ref() else {
        ctx.error(node.span(), "`wallet` must be an array of tables")
            .label("not `[[wallet]]`")
            .help("write each wallet as a `[[wallet]]` table (double brackets)");
        return out;
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        let Some(t) = table::table(ctx, item, "wallet", "a table") else {
            out.wallets.push(None);
            out.credit_usd_given.push(true);
            continue;
        };
        out.credit_usd_given.push(t.get("credit_usd").is_some() || t.get("preset").is_some());
        let untitled = format!("wallet #{}", index + 1);
        let named =
            t.get("name").and_then(|n| n.get_ref().as_str()).map(|n| format!("wallet \"{n}\""));
        t.check_keys(ctx, WALLET_KEYS, named.as_deref().unwrap_or(&untitled), &|_| None);
        let name = t.require(ctx, "name", &untitled).and_then(|n| non_empty_string(ctx, n, "name"));
        if let (Some(name), Some(n)) = (&name, t.get("name")) {
            if let Some(first) = seen.get(name) {
                ctx.error(n.span(), format!("duplicate wallet name \"{name}\""))
                    .label("used before")
                    .help(format!(
                        "wallet names must be unique; the first \"{name}\" is on line {first}"
                    ));
            } else {
                seen.insert(name.clone(), ctx.source.line_column(n.span().start).0);
            }
            out.names.push((name.clone(), n.span()));
        }
        let what = name.as_ref().map_or(untitled, |n| format!("wallet \"{n}\""));
        out.wallets.push(wallet(ctx, t, name, &what, catalog, date));
    }
    out
}

fn wallet(
    ctx: &mut Ctx,
    t: Table<'_, '_>,
    name: Option<String>,
    what: &str,
    catalog: &Catalog,
    date: Option<Date>,
) -> Option<Wallet> {
    let preset = match t.get("preset") {
        None => Some(None),
        Some(n) => table::string(ctx, n, "preset").and_then(|p| {
            let found = catalog.wallet_preset(p);
            if found.is_none() {
                let names = catalog.wallet_preset_names();
                let help = did_you_mean(p, names.iter().copied()).unwrap_or_else(|| {
                    if names.is_empty() {
                        "the catalog has no wallet presets; give the fee keys instead".to_owned()
                    } else {
                        format!("the presets are {}", one_of(&names))
                    }
                });
                ctx.error(n.span(), format!("unknown wallet preset `{p}`"))
                    .label("not a preset")
                    .help(help);
            }
            found.map(Some)
        }),
    };
    let preset = preset?;
    let (credit, fee, fee_min, usage) = preset.as_ref().map_or((1.0, 0.0, 0.0, 0.0), |p| {
        (p.credit_usd, p.fee_percent, p.fee_min, p.usage_fee_percent)
    });
    // A preset's free requests apply from the day they started.
    let free = preset.as_ref().map_or(0.0, |p| {
        let started = match (p.usage_fee_free_requests_since, date) {
            (Some(since), Some(date)) => since <= date,
            _ => true,
        };
        if started { p.usage_fee_free_requests_per_month } else { 0.0 }
    });
    let credit_usd = amount(ctx, t, "credit_usd", credit, Bound::Positive(limits::UNIT_PRICE_USD));
    let fee_percent = amount(ctx, t, "fee_percent", fee, Bound::Percent);
    let fee_min = amount(ctx, t, "fee_min", fee_min, Bound::NonNegative(limits::USD));
    let usage_fee_percent = amount(ctx, t, "usage_fee_percent", usage, Bound::Percent);
    let free_requests = amount(
        ctx,
        t,
        "usage_fee_free_requests_per_month",
        free,
        Bound::NonNegative(limits::COUNT),
    );
    let topup = match t.get("topup") {
        Some(_) => amount(ctx, t, "topup", 0.0, Bound::Positive(limits::USD)),
        None if ctx.was_suggested(&t.span(), "topup") => None,
        None => {
            ctx.error(t.span(), format!("missing key `topup` in {what}"))
                .label("`topup` is required here")
                .help("`topup` is the USD of credit one purchase buys, for example `topup = 100`");
            None
        }
    };
    Some(Wallet {
        name: name?,
        credit_usd: credit_usd?,
        fee_percent: fee_percent?,
        fee_min: fee_min?,
        topup: topup?,
        usage_fee_percent: usage_fee_percent?,
        usage_fee_free_requests_per_month: free_requests?,
    })
}

#[derive(Clone, Copy, Debug)]
enum Bound {
    Positive(Limit),
    NonNegative(Limit),
    Percent,
}

/// A wallet amount at `key`, or `default` when absent.
fn amount(ctx: &mut Ctx, t: Table<'_, '_>, key: &str, default: f64, bound: Bound) -> Option<f64> {
    let Some(node) = t.get(key) else { return Some(default) };
    let x = table::number(ctx, node, key)?;
    match bound {
        Bound::Positive(limit) => {
            check_domain(ctx, node, key, x, Domain::Positive)?;
            check_magnitude(ctx, node, key, Unit::Plain, limit)?;
        }
        Bound::NonNegative(limit) => {
            check_domain(ctx, node, key, x, Domain::NonNegative)?;
            check_magnitude(ctx, node, key, Unit::Plain, limit)?;
        }
        Bound::Percent => {
            if !(0.0..=100.0).contains(&x) {
                ctx.error(
                    node.span(),
                    format!("`{key}` is a percentage between 0 and 100 (got {x})"),
                )
                .label("not a percentage")
                .help("write 5.5% as 5.5");
                return None;
            }
        }
    }
    Some(x)
}
