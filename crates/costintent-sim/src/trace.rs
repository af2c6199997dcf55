//! One trial, attempt by attempt: what a provider's usage log would show.
//!
//! [`crate::Engine::trace`] simulates a single trial unit by unit (never as
//! compound sums) with the same draws as any run of that trial, and records
//! every attempt the trial sends: its workload, unit (session, initial
//! request, job), request and attempt numbers, what happened to it, and the
//! quantities and dollars it billed. The attempts of a trial add up to that
//! trial's ledger exactly in quantities (and to its dollars up to the
//! order of floating-point sums), so a log written from them and read back
//! gives the trial's totals: a round trip that tests the log importers, and
//! a log users can feed to their dashboards and alerts.
//!
//! The engine does not simulate the order of a request's attempts, only
//! how many of each kind there were; a trace lists the failed attempts
//! first (those that wrote nothing to the cache before those that read it),
//! then the abandoned ones, then the kept one. A `partial` failure's output
//! (the request's total share, rounded to whole tokens or images as billed)
//! is split in whole units over its failed attempts, and status polls are
//! counted on the attempts that made them.
//!
//! The engine does not simulate times of day either. A trace dates each
//! unit with an arrival time drawn from a stream of its own
//! (`Stream::Arrival`, so runs, which never draw from it, are unchanged):
//! uniform over the part of the period between price changes that the unit
//! fell in, or, for a rate that changes over the period (ramps, growth,
//! daily draws), over that part's days in proportion to each day's expected
//! or drawn count (the same days that split the units over the parts), then
//! uniform within the day. Every attempt of a unit carries its arrival:
//! a session's turns are not spread over the session.

use crate::attempts::Outcome;
use crate::ledger::Parts;
use crate::outcome::Unit;
use crate::prices::PriceTable;
use crate::rng::{SimRng, uniform};
use crate::volume::ByDay;

/// What happened to one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptStatus {
    /// It succeeded and its result was kept.
    Ok,
    /// It failed (billed according to the workload's `failures.billed`).
    Failed,
    /// The client gave up waiting (the provider finished and billed it).
    Abandoned,
    /// The provider rejected it outright (a prompt above the model's limit,
    /// a retired model): not billed.
    Rejected,
    /// An agent's context compaction call, billed when it costs.
    Compaction,
}

/// One attempt of a traced trial.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceAttempt {
    /// Index of the workload in the scenario.
    pub workload: usize,
    /// Index of the price segment of the period it fell in (0 without
    /// dated price changes).
    pub segment: usize,
    /// The unit within the workload and trial (agent or voice session,
    /// initial image request, request, job), from 0.
    pub unit: u64,
    /// When its unit arrived, in days from the start of the period (in
    /// `[0, period)`; see the module documentation).
    pub at_days: f64,
    /// The request within the workload and trial, from 0.
    pub request: u64,
    /// The attempt within the request, from 1.
    pub attempt: u32,
    /// What happened.
    pub status: AttemptStatus,
    /// Whether it was billed at the long-context tier.
    pub long_context: bool,
    /// Quantities billed, by unit (tokens, images, seconds, fees, polls).
    pub quantities: Vec<(Unit, f64)>,
    /// USD billed.
    pub usd: f64,
}

/// Collects the attempts of one workload's trial.
#[derive(Debug, Default)]
pub(crate) struct Tracer {
    pub(crate) workload: usize,
    pub(crate) segment: usize,
    /// Units started so far (the current unit is `units - 1`).
    pub(crate) units: u64,
    requests: u64,
    pub(crate) attempts: Vec<TraceAttempt>,
    /// The period's length in days.
    period_days: f64,
    /// Where units arrive; `None` until [`Tracer::arrivals`] is called
    /// (every unit then arrives at the period's start).
    arrivals: Option<Arrivals>,
    /// The current unit's arrival, in days from the period's start.
    at_days: f64,
}

/// How the units of a traced trial are dated.
#[derive(Debug)]
struct Arrivals {
    rng: SimRng,
    /// Where each price segment starts, as a share of the period.
    starts: Vec<f64>,
    /// Each day's weight (its expected or drawn count); empty for a
    /// constant rate.
    day_weights: Vec<f64>,
}

impl Tracer {
    /// A tracer for workload `workload` over a period of `period_days`.
    pub(crate) fn new(workload: usize, period_days: f64) -> Self {
        Self { workload, period_days, ..Self::default() }
    }

    /// Dates units from now on with draws of `rng`: segments start at
    /// `starts` (shares of the period), and the trial's units spread over
    /// the days as `by_day` says.
    pub(crate) fn arrivals(&mut self, rng: SimRng, starts: &[f64], by_day: &ByDay) {
        let day_weights = match by_day {
            ByDay::Even => Vec::new(),
            ByDay::Expected(v) | ByDay::Counts(v) => v.clone(),
        };
        self.arrivals = Some(Arrivals { rng, starts: starts.to_vec(), day_weights });
    }

    /// A new unit begins (in segment `self.segment`).
    pub(crate) fn unit(&mut self) {
        self.units += 1;
        let days = self.period_days.max(0.0);
        let segment = self.segment;
        if let Some(a) = self.arrivals.as_mut() {
            self.at_days = a.draw(segment, days);
        }
    }

    fn push(
        &mut self,
        request: u64,
        attempt: u32,
        status: AttemptStatus,
        tier: usize,
        quantities: Vec<(Unit, f64)>,
        prices: &PriceTable,
    ) {
        let usd =
            quantities.iter().map(|&(u, q)| q * prices.usd[tier][crate::prices::idx(u)]).sum();
        self.attempts.push(TraceAttempt {
            workload: self.workload,
            segment: self.segment,
            unit: self.units.saturating_sub(1),
            at_days: self.at_days,
            request,
            attempt,
            status,
            long_context: tier == 1,
            quantities,
            usd,
        });
    }

    /// Records a request the provider rejected.
    pub(crate) fn rejected(&mut self, prices: &PriceTable) {
        let request = self.next_request();
        self.push(request, 1, AttemptStatus::Rejected, 0, Vec::new(), prices);
    }

    /// Records a compaction call that billed these quantities.
    pub(crate) fn compaction(
        &mut self,
        tier: usize,
        quantities: Vec<(Unit, f64)>,
        prices: &PriceTable,
    ) {
        let request = self.next_request();
        self.push(request, 1, AttemptStatus::Compaction, tier, quantities, prices);
    }

    fn next_request(&mut self) -> u64 {
        let r = self.requests;
        self.requests += 1;
        r
    }

    /// Records the attempts of one request, as [`crate::ledger::Ledger::settle`]
    /// billed them, and its status polls (video).
    pub(crate) fn request(
        &mut self,
        tier: usize,
        parts: &Parts,
        o: &Outcome,
        billed: costintent_scenario::Billed,
        prices: &PriceTable,
    ) {
        use costintent_scenario::Billed;
        let request = self.next_request();
        // `partial`: the failed attempts' output, rounded as the ledger
        // bills it, is spread in whole units over them (the first ones get
        // the remainder).
        let failed = o.failed;
        let partial_out = |u_out: f64, k: u32| -> f64 {
            let total = crate::math::round_count(u_out * o.partial_share);
            let each = (total / f64::from(failed.max(1))).floor();
            let extra = total - each * f64::from(failed.max(1));
            each + f64::from(u8::from(f64::from(k) < extra))
        };
        let side = |input: &[(usize, f64); 4], output: Option<u32>| -> Vec<(Unit, f64)> {
            let mut q: Vec<(Unit, f64)> = Vec::new();
            for &(u, x) in input {
                add(&mut q, u, x);
            }
            for &(u, x) in &parts.output {
                // `None`: the whole output; `Some(k)`: failed attempt k's
                // part of a partial output.
                add(&mut q, u, output.map_or(x, |k| partial_out(x, k)));
            }
            q
        };
        let mut attempt = 0u32;
        let polls_wasted_each = {
            let wasted_attempts = f64::from(o.failed + o.abandoned);
            if wasted_attempts > 0.0 { o.polls_wasted / wasted_attempts } else { 0.0 }
        };
        let with_polls = |mut q: Vec<(Unit, f64)>, polls: f64| {
            if polls > 0.0 {
                q.push((Unit::Polls, polls));
            }
            q
        };
        for k in 0..failed {
            attempt += 1;
            // Billed failures: the first writes the cache, later ones read it.
            let warm = k >= failed - o.failed_warm;
            let input = if warm { &parts.warm_input } else { &parts.input };
            let q = match billed {
                Billed::None => Vec::new(),
                Billed::Input => input.iter().fold(Vec::new(), |mut q, &(u, x)| {
                    add(&mut q, u, x);
                    q
                }),
                Billed::Full => side(input, None),
                Billed::Partial => side(input, Some(k)),
            };
            self.push(
                request,
                attempt,
                AttemptStatus::Failed,
                tier,
                with_polls(q, polls_wasted_each),
                prices,
            );
        }
        for k in 0..o.abandoned {
            attempt += 1;
            let warm = k >= o.abandoned - o.abandoned_warm;
            let input = if warm { &parts.warm_input } else { &parts.input };
            let q = with_polls(side(input, None), polls_wasted_each);
            self.push(request, attempt, AttemptStatus::Abandoned, tier, q, prices);
        }
        if o.ok {
            attempt += 1;
            let input = if o.kept_warm { &parts.warm_input } else { &parts.input };
            let q = with_polls(side(input, None), o.polls_kept);
            self.push(request, attempt, AttemptStatus::Ok, tier, q, prices);
        }
    }
}

impl Arrivals {
    /// An arrival in segment `segment` of a period of `days` days.
    fn draw(&mut self, segment: usize, days: f64) -> f64 {
        let from = self.starts.get(segment).copied().unwrap_or(0.0) * days;
        let to = self.starts.get(segment + 1).map_or(days, |s| s * days);
        let u = uniform(&mut self.rng);
        // The days of the segment (a day belongs to the segment its middle
        // falls in, as in `Drawn::split`), each with its length and weight.
        let in_segment = |i: usize| {
            let start = i as f64;
            let length = (days - start).clamp(0.0, 1.0);
            let middle = start + 0.5 * length;
            (middle >= from && middle < to).then_some((start, length))
        };
        let total: f64 = (0..self.day_weights.len())
            .filter(|&i| in_segment(i).is_some())
            .map(|i| self.day_weights[i].max(0.0))
            .sum();
        if total > 0.0 {
            let mut target = u * total;
            let mut last = None;
            for (i, w) in self.day_weights.iter().enumerate() {
                let Some((start, length)) = in_segment(i) else { continue };
                let w = w.max(0.0);
                if w <= 0.0 {
                    continue;
                }
                last = Some((start, length));
                if target < w {
                    return start + uniform(&mut self.rng) * length;
                }
                target -= w;
            }
            // Rounding left the target past the last day: it is that day.
            if let Some((start, length)) = last {
                return start + uniform(&mut self.rng) * length;
            }
        }
        from + u * (to - from)
    }
}

/// Adds `x` of unit index `u` (skipping zeros).
fn add(q: &mut Vec<(Unit, f64)>, u: usize, x: f64) {
    if x == 0.0 {
        return;
    }
    let unit = Unit::ALL[u];
    match q.iter_mut().find(|(v, _)| *v == unit) {
        Some((_, y)) => *y += x,
        None => q.push((unit, x)),
    }
}
