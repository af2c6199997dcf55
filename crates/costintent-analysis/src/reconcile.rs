//! `reconcile`: the logs of a period against the scenario's forecast.
//!
//! # The window
//!
//! The period is the scenario's length, starting on `--from` or else on the
//! first day the logs show (UTC). Records dated before it or after its end
//! (or, with `--as-of DAY`, after that day) are left out and counted;
//! undated records are counted in.
//!
//! # Records to workloads
//!
//! A record belongs to the workload its `dims.workload` names, else to the
//! first workload whose catalog model its model maps to. Others are
//! "records of no workload": their spend is a line of the gap.
//!
//! # The actual spend
//!
//! Each record counts its billed amount when the log has one, else its
//! catalog price on its day (long-context tier, batch discount, cache
//! reads and writes, the catalog's rejection limits as in `logs
//! summarize`); a record with neither is counted at $0 and the count says
//! so. Billing-export rows count their amount.
//!
//! # The gap, by assumption
//!
//! The gap is the actual spend minus the forecast's mean. Per workload, the
//! forecast's mean spend is `R · a · Σ_u q_u · p_u`: requests `R`, attempts
//! per request `a`, quantity per attempt `q_u` of each billed unit (input,
//! cache reads and writes, output, reasoning, images, seconds, fees) and its
//! effective price `p_u` (the forecast's mean dollars over its mean
//! quantity, which is exact: the mean of a sum is the sum of the means).
//! The gap is explained by changing one factor at a time from the
//! forecast's value to the logs', in this order, each step's change in
//! dollars being that assumption's part:
//!
//! 1. volume: `R`;
//! 2. failure rate: `a` (failed, timed-out and retried attempts);
//! 3. tokens per request: the input (with cache reads and writes) and the
//!    output per attempt scaled to the logs' totals, keeping the forecast's
//!    split of the input between uncached, cache reads and cache writes;
//!    images, seconds and fees per attempt set to the logs';
//! 4. cache share: the logs' split of the input;
//! 5. price changes: the logs' quantities at the catalog's prices of the
//!    logged days instead of the forecast's effective prices;
//! 6. billed vs catalog: the billed amounts instead of the catalog prices.
//!
//! Records of no workload, billing-export rows and the forecast's wallet
//! fees (which no log shows) are lines of their own. Mid-period, the
//! forecast's means are those of the part of the period elapsed (its share
//! of each workload's expected volume, and of the period's time for wallet
//! fees). The lines add up to
//! the gap exactly (up to floating-point sums). A sequential decomposition
//! depends on its order; this one follows the order in which a forecast is
//! built (how many, how big, what they cost).
//!
//! # Mid-period (`--as-of`)
//!
//! The spend so far is the logs' spend through the end of the `--as-of`
//! day. The rest of the period is simulated per workload, conditioned on
//! what the logs show: its volume is the forecast's share of the expected
//! volume still to come (by the days of a ramp or growth, else by time)
//! times the ratio of the requests logged so far to the forecast's expected
//! requests so far; its spend is multiplied by the ratio of the logged cost
//! per request to the forecast's. Each workload is simulated on its own
//! with that volume factor (with the scenario's seed, so the runs share
//! their random numbers with the forecast), and trial `i` of the projection
//! is the spend so far plus every workload's trial `i`. The per-trial
//! parameters keep their spread (the logs shift the forecast, they do not
//! narrow it), prices are the period's as the forecast has them, and wallet
//! fees are left out of the projection.

use std::collections::HashMap;

use costintent_logs::pricing::{self, Length, PriceClass, TokenSums};
use costintent_logs::time::{day_of_millis, parse_millis};
use costintent_logs::{Attempt, MATCH_USD, ModelMap, Records};

/// Billed and catalog amounts closer than this share of the larger match.
const MATCH_SHARE: f64 = 1e-4;
use costintent_report::{
    Cause, EarlyWarning, PriceCheck, PriceMismatch, ReconcileInputs, Reconciliation, RecordCounts,
    WorkloadGap,
};
use costintent_scenario::{Date, Scenario, Volume, WorkloadKind};
use costintent_sim::{Outcomes, SimOptions, Unit};

use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

const DAY_MS: i64 = 86_400_000;

/// What to reconcile.
#[derive(Clone, Copy, Debug)]
pub struct ReconcileRequest<'a> {
    /// The records of the logs or billing exports.
    pub records: &'a Records,
    /// The period's first day (default: the first day the logs show).
    pub from: Option<Date>,
    /// Mid-period: the last day the logs count.
    pub as_of: Option<Date>,
    /// The budget (default: the scenario's).
    pub budget: Option<f64>,
}

/// Quantity classes of the gap's cost model, per workload.
const INPUT: usize = 0;
const CACHE_READ: usize = 1;
const CACHE_WRITE: usize = 2;
const OUTPUT: usize = 3;
const REASONING: usize = 4;
const IMAGES: usize = 5;
const SECONDS: usize = 6;
const FEES: usize = 7;
const CLASSES: usize = 8;
const INPUT_SIDE: [usize; 3] = [INPUT, CACHE_READ, CACHE_WRITE];
const OUTPUT_SIDE: [usize; 2] = [OUTPUT, REASONING];

/// The class a simulated billing unit counts in.
fn class_of(unit: Unit) -> usize {
    match unit {
        Unit::InputTokens | Unit::AudioInputTokens => INPUT,
        Unit::AudioCachedInputTokens | Unit::CacheReadTokens => CACHE_READ,
        Unit::CacheWriteTokens => CACHE_WRITE,
        Unit::OutputTokens | Unit::AudioOutputTokens => OUTPUT,
        Unit::ReasoningTokens => REASONING,
        Unit::Images => IMAGES,
        Unit::VideoSeconds => SECONDS,
        Unit::Requests | Unit::Tasks | Unit::Polls => FEES,
    }
}

/// What the logs show of one workload in the window.
#[derive(Clone, Debug, Default)]
struct Observed {
    requests: f64,
    attempts: f64,
    quantities: [f64; CLASSES],
    /// Billed where logged, else catalog.
    usd: f64,
    /// Catalog where priced, else billed.
    catalog_usd: f64,
}

/// Reconciles `request.records` with the forecast of `source`.
pub fn reconcile<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    request: &ReconcileRequest<'_>,
    runner: &mut R,
) -> Result<Reconciliation, R::Error> {
    let checked = source.load(&[])?;
    let warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let budget = request.budget.or(scenario.budget);
    if let Some(b) = request.budget
        && !(b.is_finite() && b > 0.0)
    {
        return Err(AnalysisError::input(
            "--budget must be a positive amount",
            "for example --budget 5000",
        )
        .into());
    }
    let records = request.records;
    let start = match request.from.or_else(|| first_day(records)) {
        Some(day) => day,
        None => {
            return Err(AnalysisError::input(
                "the logs have no dated record, so the period's start is unknown",
                "pass --from DATE (the period's first day)",
            )
            .into());
        }
    };
    let period_days = scenario.period.days();
    let start_ms = start.days_since_epoch() * DAY_MS;
    let end_ms = start_ms + (period_days * DAY_MS as f64).round() as i64;
    let window_end_ms = match request.as_of {
        Some(day) => {
            let cut = (day.days_since_epoch() + 1) * DAY_MS;
            if cut <= start_ms {
                return Err(AnalysisError::input(
                    format!("--as-of {day} is before the period's start, {start}"),
                    "give a day inside the period (or --from an earlier start)",
                )
                .into());
            }
            cut.min(end_ms)
        }
        None => end_ms,
    };
    let elapsed_days = (window_end_ms - start_ms) as f64 / DAY_MS as f64;

    let mut observed = vec![Observed::default(); scenario.workloads.len()];
    let mut counts = RecordCounts::default();
    let mut unmatched_usd = 0.0;
    let mut check = PriceCheck::default();
    let mut mismatches: Vec<PriceMismatch> = Vec::new();
    let mut prices = PriceCache::new(source.catalog);
    for a in &records.attempts {
        counts.attempts += 1;
        let millis = a.timestamp().and_then(parse_millis);
        match millis {
            Some(t) if t < start_ms => {
                counts.before += 1;
                continue;
            }
            Some(t) if t >= window_end_ms => {
                counts.after += 1;
                continue;
            }
            Some(_) => {}
            None => counts.undated += 1,
        }
        counts.in_window += 1;
        let day = millis.map_or(start, day_of_millis);
        let catalog_id = prices.models.catalog_id(&a.provider, &a.model);
        let catalog = catalog_id.as_deref().and_then(|id| prices.price(id, day, a));
        let billed = a.cost.billed.as_ref().and_then(|m| m.as_usd());
        if let (Some(b), Some(c)) = (billed, catalog) {
            check.compared += 1;
            check.billed_usd += b;
            check.catalog_usd += c;
            // A part in 10,000 (or half a micro-dollar) is rounding: of
            // the provider's amount, or of fractional tokens in a log.
            if (b - c).abs() > MATCH_USD.max(MATCH_SHARE * b.abs().max(c.abs())) {
                check.mismatched += 1;
                mismatches.push(PriceMismatch {
                    record: a
                        .request_id
                        .clone()
                        .or_else(|| a.record_id.clone())
                        .unwrap_or_else(|| a.src.file.clone().unwrap_or_default()),
                    model: a.model.clone(),
                    day: day.to_string(),
                    billed_usd: b,
                    catalog_usd: c,
                });
            }
        }
        let usd = match billed.or(catalog) {
            Some(x) => x,
            None => {
                counts.unpriced += 1;
                0.0
            }
        };
        let Some(w) = workload_of(scenario, a, catalog_id.as_deref()) else {
            counts.unmatched += 1;
            unmatched_usd += usd;
            continue;
        };
        let o = &mut observed[w];
        o.attempts += 1.0;
        o.requests += f64::from(u8::from(a.starts_request()));
        add_quantities(&mut o.quantities, a);
        o.usd += usd;
        o.catalog_usd += catalog.unwrap_or(usd);
    }
    mismatches.sort_by(|x, y| {
        (y.billed_usd - y.catalog_usd).abs().total_cmp(&(x.billed_usd - x.catalog_usd).abs())
    });
    mismatches.truncate(5);
    check.largest = mismatches;

    let mut export_usd = 0.0;
    for b in &records.buckets {
        let millis = b.window_start.as_deref().and_then(parse_millis);
        if millis.is_some_and(|t| t < start_ms || t >= window_end_ms) {
            continue;
        }
        counts.export_rows += 1;
        export_usd += b.amount.as_ref().and_then(|m| m.as_usd()).unwrap_or(0.0);
    }

    // The forecast.
    let options = settings.options_for(scenario);
    let singles: Vec<Scenario> = if request.as_of.is_some() {
        (0..scenario.workloads.len()).map(|w| only_workload(scenario, w)).collect()
    } else {
        Vec::new()
    };
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: vec![("forecast", scenario)],
        transient: singles.first(),
        options,
        comparison: false,
        batch: None,
    })?;
    let forecast = runner.simulate(scenario, &options, "forecast")?;

    // Mid-period, the gap is to the forecast's mean of the part elapsed.
    let share_of = |w: usize| match request.as_of {
        Some(_) => elapsed_share(scenario, w, elapsed_days, period_days),
        None => 1.0,
    };
    let mut workloads = Vec::with_capacity(scenario.workloads.len());
    for (w, o) in observed.iter().enumerate() {
        workloads.push(explain(scenario, &forecast, w, share_of(w), o));
    }
    let fees: f64 =
        forecast.wallets.iter().map(|w| mean(&w.purchase_fees) + mean(&w.usage_fees)).sum();
    let fees_share =
        if request.as_of.is_some() { elapsed_days / period_days.max(1e-12) } else { 1.0 };
    let other = vec![
        (Cause::Unmatched, unmatched_usd),
        (Cause::ExportRows, export_usd),
        (Cause::WalletFees, -fees * fees_share),
    ];
    let expected_usd = workloads.iter().map(|w| w.expected_usd).sum::<f64>() + fees * fees_share;
    let actual_usd = observed.iter().map(|o| o.usd).sum::<f64>() + unmatched_usd + export_usd;

    let mut notes = Vec::new();
    if counts.unpriced > 0 {
        notes.push(format!(
            "{} records have neither a billed amount nor a catalog price and count as $0: the actual spend is a lower bound",
            counts.unpriced
        ));
    }
    if !records.attempts.is_empty() && !records.buckets.is_empty() {
        notes.push(
            "the inputs hold both request records and billing-export rows, and both are counted: give one source per request".to_owned(),
        );
    }
    if request.as_of.is_none() && elapsed_days + 1e-9 < period_days {
        notes.push(format!(
            "the period ends after the logs' window ({} of {} days)",
            costintent_report::format::plain_number(elapsed_days),
            costintent_report::format::plain_number(period_days)
        ));
    }

    let early_warning = match request.as_of {
        Some(day) => Some(project(
            &Projecting {
                scenario,
                singles: &singles,
                forecast: &forecast,
                observed: &observed,
                options: &options,
                elapsed_days,
                period_days,
                spend_so_far: actual_usd,
                as_of: day,
            },
            runner,
        )?),
        None => None,
    };
    if early_warning.is_some() && fees > 0.0 {
        notes.push("wallet fees are left out of the projection".to_owned());
    }

    Ok(Reconciliation::build(ReconcileInputs {
        scenario: scenario.name.clone(),
        period: scenario.period.text.clone(),
        from: start.to_string(),
        to: day_of_millis(end_ms + DAY_MS - 1).to_string(),
        budget,
        actual_usd,
        expected_usd,
        forecast: forecast.total.clone(),
        workloads,
        other,
        price_check: check,
        records: counts,
        early_warning,
        notes,
    }))
}

/// The first UTC day of any dated record.
fn first_day(records: &Records) -> Option<Date> {
    let attempts = records.attempts.iter().filter_map(|a| a.timestamp().and_then(parse_millis));
    let buckets =
        records.buckets.iter().filter_map(|b| b.window_start.as_deref().and_then(parse_millis));
    attempts.chain(buckets).min().map(day_of_millis)
}

/// The workload a record belongs to.
fn workload_of(scenario: &Scenario, a: &Attempt, catalog_id: Option<&str>) -> Option<usize> {
    if let Some(name) = a.dims.workload.as_deref()
        && let Some(i) = scenario.workloads.iter().position(|w| w.name == name)
    {
        return Some(i);
    }
    let id = catalog_id?;
    scenario.workloads.iter().position(|w| w.price.id == id)
}

/// Adds a record's quantities by class (tokens in the log convention:
/// input includes cache reads and writes, output includes reasoning).
fn add_quantities(q: &mut [f64; CLASSES], a: &Attempt) {
    let t = &a.tokens;
    let read = t.cache_read.unwrap_or(0) as f64;
    let write = t.cache_write_total() as f64;
    let input = t.input.unwrap_or(0) as f64;
    let output = t.output.unwrap_or(0) as f64;
    let reasoning = (t.reasoning.unwrap_or(0) as f64).min(output);
    q[INPUT] += (input - read - write).max(0.0);
    q[CACHE_READ] += read;
    q[CACHE_WRITE] += write;
    q[OUTPUT] += output - reasoning;
    q[REASONING] += reasoning;
    q[IMAGES] += a.units.images.unwrap_or(0) as f64;
    q[SECONDS] += a.units.video_seconds.unwrap_or(0.0);
    q[FEES] += a.units.requests.unwrap_or(0) as f64 + a.units.tasks.unwrap_or(0) as f64;
}

fn mean(x: &[f64]) -> f64 {
    costintent_report::stats::mean(x)
}

/// The forecast's means of one workload: requests, attempts, and each
/// class's quantity and dollars.
struct Expected {
    requests: f64,
    attempts: f64,
    quantities: [f64; CLASSES],
    usd: [f64; CLASSES],
}

impl Expected {
    fn of(forecast: &Outcomes, w: usize) -> Self {
        let mut e = Expected {
            requests: 0.0,
            attempts: 0.0,
            quantities: [0.0; CLASSES],
            usd: [0.0; CLASSES],
        };
        if let Some(o) = forecast.workloads.get(w) {
            e.requests = mean(&o.requests);
            e.attempts = mean(&o.attempts);
            for series in &o.units {
                let class = class_of(series.unit);
                e.quantities[class] += mean(&series.quantity);
                e.usd[class] += mean(&series.usd);
            }
        }
        e
    }

    /// The means of the first `share` of the expected volume.
    fn scaled(mut self, share: f64) -> Self {
        self.requests *= share;
        self.attempts *= share;
        for c in 0..CLASSES {
            self.quantities[c] *= share;
            self.usd[c] *= share;
        }
        self
    }

    fn spend(&self) -> f64 {
        self.usd.iter().sum()
    }
}

/// The gap of workload `w`, explained step by step (module documentation).
fn explain(
    scenario: &Scenario,
    forecast: &Outcomes,
    w: usize,
    share: f64,
    o: &Observed,
) -> WorkloadGap {
    let e = Expected::of(forecast, w).scaled(share);
    let list = list_prices(scenario, w);
    // Effective prices: the forecast's where it billed the class, else the
    // list price of the period's start.
    let mut p = [0.0; CLASSES];
    for c in 0..CLASSES {
        p[c] = if e.quantities[c] > 0.0 { e.usd[c] / e.quantities[c] } else { list[c] };
    }
    let cost = |q: &[f64; CLASSES]| -> f64 { q.iter().zip(&p).map(|(q, p)| q * p).sum() };
    let per = |total: f64, n: f64| if n > 0.0 { total / n } else { 0.0 };
    // Per request and per attempt; where the forecast has none, the logs'.
    let a_e = if e.requests > 0.0 { e.attempts / e.requests } else { per(o.attempts, o.requests) };
    let a_o = per(o.attempts, o.requests);
    let mut q_e = [0.0; CLASSES];
    let mut q_o = [0.0; CLASSES];
    for c in 0..CLASSES {
        q_o[c] = per(o.quantities[c], o.attempts);
        q_e[c] = if e.attempts > 0.0 { e.quantities[c] / e.attempts } else { q_o[c] };
    }
    // Step 3's quantities: the logs' input and output totals per attempt,
    // split as the forecast splits them.
    let mut q_t = q_o;
    let sum = |q: &[f64; CLASSES], side: &[usize]| side.iter().map(|&c| q[c]).sum::<f64>();
    for side in [&INPUT_SIDE[..], &OUTPUT_SIDE[..]] {
        let (te, to) = (sum(&q_e, side), sum(&q_o, side));
        if te > 0.0 {
            for &c in side {
                q_t[c] = q_e[c] * to / te;
            }
        }
    }
    // Output and reasoning keep the logs' split: only the input's split is
    // the cache share.
    for &c in &OUTPUT_SIDE {
        q_t[c] = q_o[c];
    }
    let expected = e.spend();
    let step0 = expected;
    let step1 = o.requests * a_e * cost(&q_e);
    let step2 = o.requests * a_o * cost(&q_e);
    let step3 = o.requests * a_o * cost(&q_t);
    let step4 = cost(&o.quantities);
    let mut by_cause = vec![
        (Cause::Volume, step1 - step0),
        (Cause::FailureRate, step2 - step1),
        (Cause::TokensPerRequest, step3 - step2),
        (Cause::CacheShare, step4 - step3),
        (Cause::Prices, o.catalog_usd - step4),
        (Cause::Billing, o.usd - o.catalog_usd),
    ];
    // Records with attempts but no request start (retries of requests
    // begun before the window) have no per-request figures: their dollars
    // are volume.
    if o.requests == 0.0 && o.attempts > 0.0 {
        by_cause = vec![
            (Cause::Volume, o.catalog_usd - expected),
            (Cause::Billing, o.usd - o.catalog_usd),
        ];
    }
    WorkloadGap {
        name: scenario.workloads[w].name.clone(),
        expected_usd: expected,
        actual_usd: o.usd,
        expected_requests: e.requests,
        actual_requests: o.requests,
        by_cause,
    }
}

/// The list prices of workload `w` at the period's start, per unit of each
/// class (for classes the forecast never billed).
fn list_prices(scenario: &Scenario, w: usize) -> [f64; CLASSES] {
    let mut p = [0.0; CLASSES];
    let Some(workload) = scenario.workloads.get(w) else { return p };
    let price = &workload.price;
    let to_usd = match price.currency {
        costintent_scenario::Currency::Usd => 1.0,
        costintent_scenario::Currency::Credits { usd_per_credit } => usd_per_credit,
    };
    let input = price.input_per_mtok.unwrap_or(0.0);
    let output = price.output_per_mtok.unwrap_or(0.0);
    p[INPUT] = input;
    p[CACHE_READ] = price.cache_read_per_mtok.unwrap_or(input);
    p[CACHE_WRITE] = price.cache_write_5m_per_mtok.unwrap_or(input);
    p[OUTPUT] = output;
    p[REASONING] = price.reasoning_per_mtok.unwrap_or(output);
    for x in &mut p {
        *x *= to_usd / 1e6;
    }
    match &workload.kind {
        WorkloadKind::Image(i) => p[IMAGES] = i.usd_per_image,
        WorkloadKind::Video(v) => p[SECONDS] = v.usd_per_second,
        _ => {}
    }
    p
}

/// Catalog prices of the records' days, looked up once per (model, day).
struct PriceCache<'a> {
    catalog: &'a costintent_scenario::Catalog,
    models: ModelMap<'a>,
    resolved: HashMap<(String, Date), Option<costintent_scenario::ModelPrice>>,
}

impl<'a> PriceCache<'a> {
    fn new(catalog: &'a costintent_scenario::Catalog) -> Self {
        Self { catalog, models: ModelMap::new(catalog), resolved: HashMap::new() }
    }

    /// The catalog price of attempt `a` of model `id` on `day`, by the
    /// rules of `logs summarize`; `None` when the catalog has none (an
    /// unknown model, images or video whose price depends on a size, an
    /// answered prompt above the provider's limit).
    fn price(&mut self, id: &str, day: Date, a: &Attempt) -> Option<f64> {
        let catalog = self.catalog;
        let price = self
            .resolved
            .entry((id.to_owned(), day))
            .or_insert_with(|| catalog.resolve(id, day).ok())
            .as_ref()?;
        let prompt = a.tokens.input.unwrap_or(0);
        let long_context = match pricing::length(price, prompt) {
            Length::AboveLimit { .. } => {
                // Refused and not billed when it failed; served, it has no
                // catalog price.
                return a.status.is_failure().then_some(0.0);
            }
            Length::LongContext => true,
            Length::Standard => false,
        };
        let batch = a.tier.as_deref() == Some("batch");
        let billable = a.billable.unwrap_or(true);
        if !billable {
            return Some(0.0);
        }
        let priced =
            pricing::price(price, PriceClass { batch, long_context }, &TokenSums::of_attempt(a));
        (!priced.unpriced_units).then_some(priced.usd)
    }
}

/// The scenario with only workload `w` (its wallets kept, so its prices
/// convert as in the whole scenario).
fn only_workload(scenario: &Scenario, w: usize) -> Scenario {
    let mut one = scenario.clone();
    one.workloads = scenario.workloads.get(w).cloned().into_iter().collect();
    one
}

struct Projecting<'a> {
    scenario: &'a Scenario,
    singles: &'a [Scenario],
    forecast: &'a Outcomes,
    observed: &'a [Observed],
    options: &'a SimOptions,
    elapsed_days: f64,
    period_days: f64,
    spend_so_far: f64,
    as_of: Date,
}

/// The share of workload `w`'s expected volume that falls in the first
/// `elapsed` days: by the days of a ramp or growth whose parameters are
/// fixed, else by time.
fn elapsed_share(scenario: &Scenario, w: usize, elapsed: f64, period: f64) -> f64 {
    let by_time = (elapsed / period.max(1e-12)).clamp(0.0, 1.0);
    let Some(workload) = scenario.workloads.get(w) else { return by_time };
    let volume = match &workload.kind {
        WorkloadKind::Requests(r) => &r.requests,
        WorkloadKind::Agent(a) => &a.sessions,
        WorkloadKind::Image(i) => &i.requests,
        WorkloadKind::Video(v) => &v.requests,
        WorkloadKind::Realtime(r) => &r.sessions,
    };
    let Volume::Profile(profile) = volume else { return by_time };
    let Some(days) = profile.fixed_expected_by_day() else { return by_time };
    let total: f64 = days.iter().sum();
    if total <= 0.0 {
        return by_time;
    }
    let mut so_far = 0.0;
    for (i, x) in days.iter().enumerate() {
        let start = i as f64;
        let length = profile.day_length(i);
        let overlap = (elapsed - start).clamp(0.0, length);
        if length > 0.0 {
            so_far += x * overlap / length;
        }
    }
    (so_far / total).clamp(0.0, 1.0)
}

/// The conditioned forecast of the period's end (module documentation).
fn project<R: Runner>(p: &Projecting<'_>, runner: &mut R) -> Result<EarlyWarning, R::Error> {
    let trials = p.forecast.trials();
    let mut projected = vec![p.spend_so_far; trials];
    let mut factors = Vec::new();
    for (w, single) in p.singles.iter().enumerate() {
        let e = Expected::of(p.forecast, w);
        let o = &p.observed[w];
        let share = elapsed_share(p.scenario, w, p.elapsed_days, p.period_days);
        let expected_so_far = e.requests * share;
        let volume = if expected_so_far > 0.0 { o.requests / expected_so_far } else { 1.0 };
        let cost = if o.requests > 0.0 && e.requests > 0.0 && e.spend() > 0.0 {
            (o.usd / o.requests) / (e.spend() / e.requests)
        } else {
            1.0
        };
        factors.push((
            single.workloads.first().map(|x| x.name.clone()).unwrap_or_default(),
            volume,
            cost,
        ));
        let scale = p.options.scale * (1.0 - share) * volume;
        if scale <= 0.0 || !scale.is_finite() {
            continue;
        }
        let options = SimOptions { scale, ..*p.options };
        let label = format!("rest of the period: {}", factors.last().map_or("", |f| f.0.as_str()));
        let rest = runner.simulate(single, &options, &label)?;
        if let Some(spend) = rest.workloads.first().map(|x| &x.spend) {
            for (total, s) in projected.iter_mut().zip(spend) {
                *total += cost * s;
            }
        }
    }
    Ok(EarlyWarning {
        as_of: p.as_of.to_string(),
        elapsed_days: p.elapsed_days,
        remaining_days: (p.period_days - p.elapsed_days).max(0.0),
        spend_so_far: p.spend_so_far,
        workloads: factors,
        projected,
    })
}
