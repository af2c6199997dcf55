//! `run --attempts-log FILE [--trial N]`: one simulated trial, attempt by
//! attempt, as a usage log in costintent's own format
//! (`costintent.attempt/v1` JSON lines), which `logs summarize` reads back.
//!
//! Each attempt of the trial ([`costintent_sim::Engine::trace`]) becomes a
//! record: the workload's catalog model id and provider, a session per unit
//! (agent or voice session, initial image request), a parent id per request
//! shared by its retries, the attempt number, the status, the tokens by
//! class in the log convention (input includes cache reads and writes,
//! output includes reasoning), images, video seconds and fees, and the
//! simulated charge as the billed cost. The engine does not simulate times
//! of day; the trace dates each unit (session, request, job) with an
//! arrival drawn over the period (uniform, or following a ramp's or
//! growth's daily rates, within the part of the period between price
//! changes that the unit fell in: see `costintent_sim::TraceAttempt`), and
//! every attempt of the unit carries it, to the millisecond. Records are
//! written in time order (attempts of one unit keep their order).

use std::path::Path;

use costintent_logs::{Attempt, Cost, Dims, Money, Src, Status, Tokens, Units};
use costintent_scenario::{Billed, CacheWritePrice, Mode, Scenario, WorkloadKind};
use costintent_sim::{AttemptStatus, Engine, TraceAttempt, Unit};

use crate::error::CliError;
use crate::files::write_file;

/// Writes trial `trial`'s attempts to `path`; returns how many.
pub(crate) fn write(
    scenario: &Scenario,
    seed: u64,
    scale: f64,
    trial: u64,
    path: &Path,
) -> Result<usize, CliError> {
    let mut attempts = Engine::new(scenario).trace(seed, trial, scale);
    // A stable sort keeps each unit's attempts (which share a time) in order.
    attempts.sort_by(|a, b| a.at_days.total_cmp(&b.at_days));
    let mut bytes = Vec::new();
    for a in &attempts {
        let record = record(scenario, trial, a);
        costintent_logs::write_attempt(&mut bytes, &record)
            .map_err(|e| CliError::runtime(format!("cannot encode an attempt: {e}")))?;
    }
    write_file(path, &bytes)?;
    Ok(attempts.len())
}

fn record(scenario: &Scenario, trial: u64, a: &TraceAttempt) -> Attempt {
    let Some(w) = scenario.workloads.get(a.workload) else {
        return Attempt::default();
    };
    let q = |unit: Unit| -> f64 {
        a.quantities.iter().filter(|(u, _)| *u == unit).map(|(_, x)| x).sum()
    };
    let whole = |x: f64| (x > 0.0).then(|| x.round() as u64);
    let (read, write) = (q(Unit::CacheReadTokens), q(Unit::CacheWriteTokens));
    let reasoning = q(Unit::ReasoningTokens);
    let audio_cached = q(Unit::AudioCachedInputTokens);
    let (audio_in, audio_out) =
        (q(Unit::AudioInputTokens) + audio_cached, q(Unit::AudioOutputTokens));
    let one_hour = matches!(&w.kind, WorkloadKind::Agent(agent)
        if agent.cache.as_ref().is_some_and(|c| c.write_price == CacheWritePrice::OneHour));
    let tokens = Tokens {
        input: whole(q(Unit::InputTokens) + read + write + audio_in),
        output: whole(q(Unit::OutputTokens) + reasoning + audio_out),
        cache_read: whole(read + audio_cached),
        cache_read_audio: whole(audio_cached),
        cache_write: whole(write),
        cache_write_5m: if one_hour { None } else { whole(write) },
        cache_write_1h: if one_hour { whole(write) } else { None },
        reasoning: whole(reasoning),
        input_audio: whole(audio_in),
        output_audio: whole(audio_out),
        ..Tokens::default()
    };
    let units = Units {
        requests: whole(q(Unit::Requests)),
        images: whole(q(Unit::Images)),
        tasks: whole(q(Unit::Tasks)),
        video_seconds: (q(Unit::VideoSeconds) > 0.0).then(|| q(Unit::VideoSeconds)),
        ..Units::default()
    };
    let (status, billable) = match a.status {
        AttemptStatus::Ok | AttemptStatus::Compaction => (Status::Ok, true),
        AttemptStatus::Abandoned => (Status::Timeout, true),
        AttemptStatus::Failed => (Status::Error, w.failures.billed != Billed::None),
        AttemptStatus::Rejected => (Status::Error, false),
    };
    let start_millis = scenario.prices_date.days_since_epoch() * 86_400_000;
    // Whole milliseconds, floored, so a time stays inside its day.
    let millis = start_millis + (a.at_days * 86_400_000.0).floor() as i64;
    let batch = matches!(&w.kind, WorkloadKind::Requests(r) if r.mode == Mode::Batch);
    let id = |what: &str| format!("sim-t{trial}-{}-{what}", w.name);
    Attempt {
        src: Src {
            kind: "costintent.sim".into(),
            file: Some(format!("trial-{trial}")),
            line: None,
        },
        provider: w.price.id.split('/').next().unwrap_or_default().to_owned(),
        model: w.price.id.clone(),
        request_id: Some(id(&format!("r{}-a{}", a.request, a.attempt))),
        parent_id: Some(id(&format!("r{}", a.request))),
        session_id: Some(id(&format!("u{}", a.unit))),
        attempt: Some(a.attempt),
        ts_start: Some(costintent_logs::time::format_millis(millis)),
        status,
        http_status: (a.status == AttemptStatus::Rejected).then_some(400),
        error_type: match a.status {
            AttemptStatus::Rejected => Some("rejected".into()),
            AttemptStatus::Failed => Some("failed".into()),
            _ => None,
        },
        tier: batch.then(|| "batch".into()),
        tokens,
        units,
        cost: Cost { billed: Some(Money::usd(a.usd)), client_estimate: None },
        billable: Some(billable),
        dims: Dims { workload: Some(w.name.clone()), ..Dims::default() },
        ..Attempt::default()
    }
}
