//! `limits`: the spend limits to set at the provider, from the forecast.
//!
//! Per workload, two distributions of spend are simulated:
//!
//! - one day: the workload alone over a one-day period at the prices of the
//!   period's start. A count per unit of time (`per = "day"`, `"hour"`, …)
//!   is drawn for one day exactly as the engine draws a day (a negative
//!   binomial day keeps its day-to-day spread); a ramp or growth is scaled
//!   to its busiest day's share of the expected volume (when its parameters
//!   are fixed; else to an average day); a count for the whole period is
//!   scaled to one day's share of it (`--scale`-style thinning, which keeps
//!   its mean but not a day's own spread);
//! - one month: the whole scenario's period spend of the workload, scaled
//!   to 30 days when the period is not a month (28 to 31 days).
//!
//! The limits are the `probability`-quantiles of these (the p99 by default):
//! a normal day and a normal month pass with that probability. Workloads
//! that name the same `api_key` add up trial by trial (each workload draws
//! from its own random streams, so their sum is what a joint run gives).

use costintent_report::{LimitGroup, LimitInputs, Limits};
use costintent_scenario::{Period, Scenario, Volume, WorkloadKind};
use costintent_sim::SimOptions;

use crate::{AnalysisError, RunPlan, Runner, Settings, Source, Warnings};

/// The default probability a normal day or month passes.
pub const DEFAULT_PROBABILITY: f64 = 0.99;

/// The spend limits of `source` at `probability` (in (0, 1)).
pub fn limits<R: Runner>(
    source: &Source<'_>,
    settings: &Settings,
    probability: f64,
    runner: &mut R,
) -> Result<Limits, R::Error> {
    if !(probability > 0.0 && probability < 1.0) {
        return Err(AnalysisError::input(
            "the probability must be between 0 and 1",
            "for example --probability 0.99",
        )
        .into());
    }
    let checked = source.load(&[])?;
    let warnings = Warnings::of(&checked);
    let scenario = &checked.scenario;
    let options = settings.options_for(scenario);
    let days: Vec<(Scenario, f64)> =
        (0..scenario.workloads.len()).map(|w| one_day(scenario, w)).collect();
    runner.prepare(&RunPlan {
        warnings: &warnings.0,
        kept: vec![("period", scenario)],
        transient: days.first().map(|(s, _)| s),
        options,
        comparison: false,
        batch: None,
    })?;
    let period = runner.simulate(scenario, &options, "period")?;
    let period_days = scenario.period.days();
    let to_month = if (28.0..=31.0).contains(&period_days) { 1.0 } else { 30.0 / period_days };
    let mut groups: Vec<LimitGroup> = Vec::new();
    let mut keys: Vec<LimitGroup> = Vec::new();
    for (w, (day, scale)) in days.iter().enumerate() {
        let workload = &scenario.workloads[w];
        let day_options = SimOptions { scale: options.scale * scale, ..options };
        let label = format!("one day: {}", workload.name);
        let daily = runner.simulate(day, &day_options, &label)?;
        let daily = daily.workloads.first().map(|o| o.spend.clone()).unwrap_or_default();
        let monthly: Vec<f64> = period
            .workloads
            .get(w)
            .map(|o| o.spend.iter().map(|s| s * to_month).collect())
            .unwrap_or_default();
        let provider = workload.price.id.split('/').next().unwrap_or_default().to_owned();
        let group = LimitGroup {
            name: workload.name.clone(),
            is_key: false,
            workloads: vec![workload.name.clone()],
            providers: vec![provider.clone()],
            daily,
            monthly,
        };
        if let Some(key) = &workload.api_key {
            match keys.iter_mut().find(|k| &k.name == key) {
                Some(k) => {
                    k.workloads.push(workload.name.clone());
                    if !k.providers.contains(&provider) {
                        k.providers.push(provider.clone());
                    }
                    add(&mut k.daily, &group.daily);
                    add(&mut k.monthly, &group.monthly);
                }
                None => keys.push(LimitGroup { name: key.clone(), is_key: true, ..group.clone() }),
            }
        }
        groups.push(group);
    }
    groups.extend(keys);
    let mut notes = Vec::new();
    if to_month != 1.0 {
        notes.push(format!(
            "the period is {} days: monthly figures are its spend scaled to 30 days",
            costintent_report::format::plain_number(period_days)
        ));
    }
    if !scenario.wallets.is_empty() {
        notes.push("wallet fees are not in the limits (providers cap usage)".to_owned());
    }
    Ok(Limits::build(LimitInputs { scenario: scenario.name.clone(), probability, groups, notes }))
}

fn add(sum: &mut [f64], more: &[f64]) {
    for (s, m) in sum.iter_mut().zip(more) {
        *s += m;
    }
}

/// Workload `w` alone over one day, and the factor on its volume that
/// makes its count one day's (module documentation).
fn one_day(scenario: &Scenario, w: usize) -> (Scenario, f64) {
    let mut day = scenario.clone();
    let days = scenario.period.days().max(1e-12);
    day.period = Period { seconds: 86_400.0, text: "1d".to_owned() };
    let mut scale = 1.0 / days;
    day.workloads = scenario.workloads.get(w).cloned().into_iter().collect();
    if let Some(workload) = day.workloads.first_mut() {
        workload.price_changes.clear();
        let volume = match &mut workload.kind {
            WorkloadKind::Requests(r) => &mut r.requests,
            WorkloadKind::Agent(a) => &mut a.sessions,
            WorkloadKind::Image(i) => &mut i.requests,
            WorkloadKind::Video(v) => &mut v.requests,
            WorkloadKind::Realtime(r) => &mut r.sessions,
        };
        match volume {
            Volume::PerUnit { per, units, .. } => {
                *units = 86_400.0 / per.seconds();
                scale = 1.0;
            }
            Volume::Profile(profile) => {
                if let Some(by_day) = profile.fixed_expected_by_day() {
                    let total: f64 = by_day.iter().sum();
                    let busiest = by_day.iter().copied().fold(0.0, f64::max);
                    if total > 0.0 {
                        scale = busiest / total;
                    }
                }
            }
            Volume::Fixed(_) | Volume::PerPeriod(_) => {}
        }
    }
    (day, scale)
}
