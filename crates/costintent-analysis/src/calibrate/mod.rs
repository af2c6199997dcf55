//! `costintent calibrate`: the scenario's distributions fitted to usage
//! logs.
//!
//! [`calibrate`] assigns each attempt to a workload, groups attempts into
//! logical requests (by `parent_id`) and sessions (by `session_id`), and
//! fits per workload what its kind simulates. Each fitted key comes back as
//! a [`KeyFit`]: the estimate with its own standard error, the number of
//! observations behind it and the fit's quality, or why the logs could not
//! inform it. The report crate turns the result into scenario edits and a
//! table; the scenario crate writes the edits into the user's file.
//!
//! What is fitted:
//! - tokens per request or turn (`input`, `output`, `reasoning`, tool
//!   output): lognormal by maximum likelihood with a KS statistic;
//! - volume (`requests`, `sessions`): arrivals per UTC day, from the first
//!   day the logs show to the last, Poisson or negative binomial by the
//!   likelihood-ratio test; needs dated records;
//! - `turns` per session and `tools.calls` per turn: the same count fit;
//! - `failures.rate`: failed attempts over attempts (client errors other
//!   than 408 and 429 are not failures a retry policy meets, and are left
//!   out); `failures.retries` is raised when a request was tried more often
//!   than it allows;
//! - `cached` (requests): input tokens read from the cache over input;
//! - `cache.gap` (agent): the time between consecutive turns' starts, or,
//!   when the records carry no times, the share of turns whose cache had
//!   expired, which fixes the median for the spread the file gives;
//! - the agent's context rule (`context.start`, `context.compact_to`, the
//!   input per turn): see [`agent`].
//!
//! A parameter whose standard error is at least [`UNCERTAIN_ABOVE`] of its
//! value is marked uncertain: the scenario then draws it per trial from its
//! sampling distribution, so a forecast from a short test widens instead of
//! pretending to know the mean.

mod agent;
pub mod fit;

use std::collections::BTreeMap;

use costintent_logs::{Attempt, Status};
use costintent_scenario::{Dist, Draw, LogNormalParams, Scenario, Volume, Workload, WorkloadKind};

pub use costintent_report::calibrate::{
    Calibration, CountFit, CountLaw, Fit, KeyFit, LogNormalFit, MeanFit, Missing, Per, RateFit,
    ShareFit, WorkloadFit,
};

/// Relative standard error from which a fitted parameter is drawn per trial.
pub const UNCERTAIN_ABOVE: f64 = 0.05;

/// What `calibrate` needs besides the scenario and the records.
#[derive(Clone, Copy, Debug, Default)]
pub struct CalibrateOptions<'a> {
    /// Assign every attempt to this workload (`--workload`).
    pub workload: Option<&'a str>,
}

/// A calibration that cannot start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalibrateError {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// A key's fit, uncertain when its relative standard error is at least
/// [`UNCERTAIN_ABOVE`].
fn key_fit(path: &[&'static str], fit: Fit) -> KeyFit {
    let uncertain = fit.relative_se().is_some_and(|r| r >= UNCERTAIN_ABOVE);
    KeyFit { path: path.to_vec(), fit, uncertain }
}

/// Fits `scenario`'s workloads to `attempts`.
pub fn calibrate(
    scenario: &Scenario,
    attempts: &[Attempt],
    options: &CalibrateOptions<'_>,
) -> Result<Calibration, CalibrateError> {
    if let Some(name) = options.workload
        && !scenario.workloads.iter().any(|w| w.name == name)
    {
        let names: Vec<&str> = scenario.workloads.iter().map(|w| w.name.as_str()).collect();
        return Err(CalibrateError {
            message: format!("--workload {name}: the scenario has no workload of that name"),
            help: format!("use one of: {}", names.join(", ")),
        });
    }
    let mut by_workload: Vec<Vec<&Attempt>> = vec![Vec::new(); scenario.workloads.len()];
    let mut unassigned: BTreeMap<String, usize> = BTreeMap::new();
    for a in attempts {
        match assign(scenario, a, options.workload) {
            Some(i) => by_workload[i].push(a),
            None => *unassigned.entry(a.model.clone()).or_default() += 1,
        }
    }
    let workloads = scenario
        .workloads
        .iter()
        .zip(&by_workload)
        .map(|(w, records)| fit_workload(scenario, w, records))
        .collect();
    Ok(Calibration {
        attempts: attempts.len(),
        unassigned: unassigned.into_iter().collect(),
        workloads,
    })
}

/// The workload an attempt belongs to: `--workload`, else the workload the
/// record names (costintent's own logs), else the only workload whose model
/// it used, else the only workload.
fn assign(scenario: &Scenario, a: &Attempt, forced: Option<&str>) -> Option<usize> {
    let position = |name: &str| scenario.workloads.iter().position(|w| w.name == name);
    if let Some(name) = forced {
        return position(name);
    }
    if let Some(i) = a.dims.workload.as_deref().and_then(position) {
        return Some(i);
    }
    let same_model: Vec<usize> = scenario
        .workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| same_model(&w.price.id, &a.model))
        .map(|(i, _)| i)
        .collect();
    match (same_model.as_slice(), scenario.workloads.len()) {
        ([i], _) => Some(*i),
        (_, 1) => Some(0),
        _ => None,
    }
}

/// Whether a log's model name is the catalog id `id` (`anthropic/x`),
/// ignoring the provider prefix and a trailing date (`x-20250929`).
fn same_model(id: &str, logged: &str) -> bool {
    let bare = |s: &str| -> String {
        let s = s.rsplit('/').next().unwrap_or(s);
        let trimmed = match s.rsplit_once('-') {
            Some((head, tail)) if tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_digit()) => {
                head
            }
            _ => s,
        };
        trimmed.to_ascii_lowercase()
    };
    bare(id) == bare(logged)
}

/// One logical request: its attempts in order.
#[derive(Debug)]
struct Request<'a> {
    attempts: Vec<&'a Attempt>,
    /// Start of the first attempt, ms since the epoch.
    start_ms: Option<i64>,
}

impl Request<'_> {
    /// The attempt that succeeded, if one did.
    fn success(&self) -> Option<&Attempt> {
        self.attempts.iter().copied().find(|a| !a.status.is_failure())
    }
}

/// Milliseconds since the epoch of an attempt's start (else its end).
fn start_ms(a: &Attempt) -> Option<i64> {
    a.ts_start.as_deref().or(a.ts_end.as_deref()).and_then(costintent_logs::time::parse_millis)
}

/// Attempts grouped into requests (by `parent_id`, else one per attempt),
/// in order of their first attempt.
fn requests<'a>(records: &[&'a Attempt]) -> Vec<Request<'a>> {
    let mut out: Vec<Request<'a>> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for a in records {
        let slot = match a.parent_id.as_deref() {
            Some(p) => match index.get(p) {
                Some(&i) => Some(i),
                None => {
                    index.insert(p, out.len());
                    None
                }
            },
            None => None,
        };
        match slot {
            Some(i) => out[i].attempts.push(a),
            None => out.push(Request { attempts: vec![a], start_ms: start_ms(a) }),
        }
    }
    for r in &mut out {
        r.attempts.sort_by_key(|a| a.attempt.unwrap_or(1));
    }
    out
}

/// Requests grouped into sessions by `session_id`, each in time order
/// (input order when times tie or are missing); `None` when a request has
/// no session id.
fn sessions<'r, 'a>(requests: &'r [Request<'a>]) -> Option<Vec<Vec<&'r Request<'a>>>> {
    let mut out: Vec<Vec<&Request<'a>>> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for r in requests {
        let id = r.attempts.first().and_then(|a| a.session_id.as_deref())?;
        let i = *index.entry(id).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[i].push(r);
    }
    for s in &mut out {
        s.sort_by_key(|r| r.start_ms.unwrap_or(i64::MIN));
    }
    Some(out)
}

/// Whether the times of `requests` say when things happened: every
/// request is dated and not all at one instant.
fn dated(requests: &[&Request<'_>]) -> bool {
    let mut times = requests.iter().map(|r| r.start_ms);
    let Some(Some(first)) = times.next() else {
        return false;
    };
    let mut varied = false;
    for t in times {
        match t {
            None => return false,
            Some(t) => varied |= t != first,
        }
    }
    varied
}

/// Arrivals per UTC day, from the first day to the last (days without any
/// arrival count as zero).
fn per_day(starts: &[i64]) -> Vec<f64> {
    const DAY: i64 = 86_400_000;
    let (Some(first), Some(last)) = (starts.iter().min(), starts.iter().max()) else {
        return Vec::new();
    };
    let (first, last) = (first.div_euclid(DAY), last.div_euclid(DAY));
    let mut counts = vec![0.0; (last - first + 1) as usize];
    for s in starts {
        counts[(s.div_euclid(DAY) - first) as usize] += 1.0;
    }
    counts
}

/// Whether an attempt failed in the sense of `failures.rate`.
fn failed(a: &Attempt) -> bool {
    let client_error =
        a.http_status.is_some_and(|s| (400..500).contains(&s) && s != 408 && s != 429);
    a.status.is_failure() && a.status != Status::Cancelled && !client_error
}

fn fit_workload(scenario: &Scenario, w: &Workload, records: &[&Attempt]) -> WorkloadFit {
    let reqs = requests(records);
    let mut out = WorkloadFit {
        name: w.name.clone(),
        attempts: records.len(),
        requests: reqs.len(),
        sessions: 0,
        keys: Vec::new(),
    };
    let keys = &mut out.keys;
    if records.is_empty() {
        for path in kind_paths(w) {
            keys.push(key_fit(path, Fit::NotInformed(Missing::NoRecords)));
        }
        return out;
    }
    let all: Vec<&Request<'_>> = reqs.iter().collect();
    match &w.kind {
        WorkloadKind::Requests(r) => {
            keys.push(volume(&["requests"], &r.requests, &all, None));
            let ok: Vec<&Attempt> = reqs.iter().filter_map(Request::success).collect();
            keys.push(tokens(&["input"], Per::Request, ok.iter().map(|a| a.tokens.input)));
            let has_reasoning = r.reasoning.is_some();
            keys.push(tokens(
                &["output"],
                Per::Request,
                ok.iter().map(|a| kept_output(a, has_reasoning)),
            ));
            if has_reasoning {
                keys.push(tokens(
                    &["reasoning"],
                    Per::Request,
                    ok.iter().map(|a| a.tokens.reasoning),
                ));
            }
            let pairs: Vec<(f64, f64)> = ok
                .iter()
                .filter_map(|a| Some((a.tokens.cache_read? as f64, a.tokens.input? as f64)))
                .collect();
            keys.push(key_fit(
                &["cached"],
                match fit::share(&pairs) {
                    Some(s) => Fit::Share(s),
                    None if pairs.is_empty() => Fit::NotInformed(Missing::NoCacheCounts),
                    None => Fit::NotInformed(Missing::TooFew),
                },
            ));
        }
        WorkloadKind::Agent(spec) => match sessions(&reqs) {
            None => {
                for path in kind_paths(w) {
                    if path[0] != "failures" {
                        keys.push(key_fit(path, Fit::NotInformed(Missing::NoSessions)));
                    }
                }
            }
            Some(groups) => {
                out.sessions = groups.len();
                let firsts: Vec<&Request<'_>> =
                    groups.iter().filter_map(|s| s.first().copied()).collect();
                keys.push(volume(&["sessions"], &spec.sessions, &firsts, Some(&all)));
                let turns: Vec<f64> = groups.iter().map(|s| s.len() as f64).collect();
                keys.push(key_fit(
                    &["turns"],
                    fit::counts(&turns).map_or(Fit::NotInformed(Missing::TooFew), |fit| {
                        Fit::Count { per: Per::Session, fit }
                    }),
                ));
                keys.extend(agent::fit(scenario, spec, &groups));
            }
        },
        WorkloadKind::Image(i) => {
            keys.push(volume(&["requests"], &i.requests, &all, None));
            for path in [&["n"][..], &["regenerate"]] {
                keys.push(key_fit(path, Fit::NotInformed(Missing::NotFitted)));
            }
        }
        WorkloadKind::Video(v) => {
            keys.push(volume(&["requests"], &v.requests, &all, None));
            keys.push(key_fit(&["seconds"], Fit::NotInformed(Missing::NotFitted)));
        }
        WorkloadKind::Realtime(r) => {
            let groups = sessions(&reqs);
            let firsts: Vec<&Request<'_>> = match &groups {
                Some(g) => g.iter().filter_map(|s| s.first().copied()).collect(),
                None => Vec::new(),
            };
            out.sessions = firsts.len();
            keys.push(if groups.is_some() {
                volume(&["sessions"], &r.sessions, &firsts, Some(&all))
            } else {
                key_fit(&["sessions"], Fit::NotInformed(Missing::NoSessions))
            });
            keys.push(key_fit(&["minutes"], Fit::NotInformed(Missing::NotFitted)));
        }
    }
    let attempts_n = records.iter().filter(|a| !client_error(a)).count() as u64;
    let failed_n = records.iter().filter(|a| failed(a)).count() as u64;
    keys.push(key_fit(&["failures", "rate"], Fit::Rate(RateFit { k: failed_n, n: attempts_n })));
    let max_attempt = reqs
        .iter()
        .map(|r| r.attempts.len() as u32)
        .max()
        .unwrap_or(1)
        .max(records.iter().filter_map(|a| a.attempt).max().unwrap_or(1));
    let allowed = w.failures.retries.fixed().unwrap_or(f64::INFINITY);
    keys.push(key_fit(
        &["failures", "retries"],
        Fit::Retries { max_attempt, raise: f64::from(max_attempt) - 1.0 > allowed },
    ));
    out
}

fn client_error(a: &Attempt) -> bool {
    a.http_status.is_some_and(|s| (400..500).contains(&s) && s != 408 && s != 429)
        || a.status == Status::Cancelled
}

/// Output kept in the context or billed as the scenario's `output`: the
/// logged output (which includes reasoning) less the reasoning when the
/// scenario draws reasoning separately.
fn kept_output(a: &Attempt, separate_reasoning: bool) -> Option<u64> {
    let out = a.tokens.output?;
    Some(if separate_reasoning { out.saturating_sub(a.tokens.reasoning.unwrap_or(0)) } else { out })
}

/// A token key fitted to the reported counts (unreported ones are left out).
fn tokens(path: &[&'static str], per: Per, counts: impl Iterator<Item = Option<u64>>) -> KeyFit {
    let xs: Vec<f64> = counts.flatten().map(|c| c as f64).collect();
    key_fit(
        path,
        match fit::lognormal(&xs) {
            Some(fit) => Fit::Tokens { per, fit },
            None => Fit::NotInformed(Missing::TooFew),
        },
    )
}

/// The volume key: arrivals per day of `arrivals` (their first requests);
/// `all` (every request) decides whether the records are dated.
fn volume(
    path: &[&'static str],
    written: &Volume,
    arrivals: &[&Request<'_>],
    all: Option<&[&Request<'_>]>,
) -> KeyFit {
    if !dated(all.unwrap_or(arrivals)) {
        return key_fit(path, Fit::NotInformed(Missing::NoTimes));
    }
    let starts: Vec<i64> = arrivals.iter().filter_map(|r| r.start_ms).collect();
    let days = per_day(&starts);
    let Some(fit) = fit::counts(&days) else {
        return key_fit(path, Fit::NotInformed(Missing::TooFew));
    };
    let rate_shape = matches!(written, Volume::PerUnit { .. });
    if !rate_shape {
        return key_fit(path, Fit::NotInformed(Missing::VolumeShape { per_day: fit.mean }));
    }
    key_fit(path, Fit::Count { per: Per::Day, fit })
}

/// Every key calibrate reports for a workload's kind (for a workload
/// without records).
fn kind_paths(w: &Workload) -> Vec<&'static [&'static str]> {
    let mut paths: Vec<&'static [&'static str]> = match &w.kind {
        WorkloadKind::Requests(_) => vec![&["requests"], &["input"], &["output"], &["cached"]],
        WorkloadKind::Agent(_) => {
            vec![&["sessions"], &["turns"], &["input"], &["output"], &["context"], &["cache"]]
        }
        WorkloadKind::Image(_) | WorkloadKind::Video(_) => vec![&["requests"]],
        WorkloadKind::Realtime(_) => vec![&["sessions"]],
    };
    paths.push(&["failures"]);
    paths
}

/// σ of a lognormal draw whose parameters are fixed.
fn lognormal_sigma(d: &Draw) -> Option<f64> {
    match d {
        Draw::Dist(
            dist @ Dist::LogNormal(
                LogNormalParams::MedianP90 { .. } | LogNormalParams::MeanSd { .. },
            ),
        ) => match dist.fixed_sampler()?.ok()? {
            costintent_scenario::Sampler::LogNormal { sigma, .. } => Some(sigma),
            _ => None,
        },
        _ => None,
    }
}
