//! `kind = "video"`: asynchronous jobs priced per second of output.
//!
//! Each job requests `s` seconds (a draw, not rounded: providers bill the
//! seconds requested) and every billed attempt costs `s ×` the price per
//! second. With `client_timeout` and a job `duration`, an attempt whose
//! duration exceeds the timeout is abandoned and resubmitted while the first
//! job still runs and bills in full. Status polls are counted per attempt
//! (see [`crate::attempts`]) and cost `poll.cost` each, as their own unit.
//! A failed attempt billed `"input"` pays the request and task fees only.

use costintent_scenario::VideoSpec;

use crate::kinds::{Ctx, count};
use crate::ledger::Parts;
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::idx;
use crate::sampling::{Rounding, Source};

/// A video workload, converted once per run.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    seconds: DrawSpec,
    polls: bool,
    fees: [(usize, f64); 2],
}

impl Spec {
    /// Converts the scenario's video spec.
    pub(crate) fn new(v: &VideoSpec, fees: [(usize, f64); 2]) -> Self {
        Self { seconds: DrawSpec::new(&v.seconds), polls: v.poll.is_some(), fees }
    }

    /// The units a video workload bills, besides fees.
    pub(crate) fn units(v: &VideoSpec) -> Vec<Unit> {
        let mut units = vec![Unit::VideoSeconds];
        if v.poll.is_some() {
            units.push(Unit::Polls);
        }
        units
    }
}

/// Draw sites of a video workload.
#[derive(Clone, Debug)]
pub(crate) struct State {
    seconds: Source,
}

impl State {
    /// Allocates the draw sites.
    pub(crate) fn new() -> Self {
        Self { seconds: Source::new(Rounding::Continuous) }
    }

    /// Resolves this trial's samplers.
    pub(crate) fn reset(&mut self, spec: &Spec, params: &mut ParamDraws<'_>) {
        self.seconds.reset(&params.sampler(&spec.seconds));
    }

    /// Submits `jobs` jobs.
    pub(crate) fn run(&mut self, spec: &Spec, ctx: &mut Ctx<'_>, jobs: f64) {
        for k in 0..count(jobs) {
            if ctx.stop(k) {
                break;
            }
            ctx.unit_started();
            let s = self.seconds.next(ctx.usage);
            let parts = Parts::new(
                [spec.fees[0], spec.fees[1], (0, 0.0), (0, 0.0)],
                [(idx(Unit::VideoSeconds), s), (0, 0.0)],
            );
            let o = ctx.request(0, &parts);
            if spec.polls {
                ctx.ledger.add(Unit::Polls, o.polls_kept, o.polls_wasted);
            }
        }
    }
}
