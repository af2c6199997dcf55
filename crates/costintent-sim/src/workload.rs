//! One workload, compiled once per run and simulated one trial at a time.
//!
//! Per trial, in this order: the workload's parameters are resolved from its
//! "params" stream (failure rate, retries, latency, the kind's draw sites in
//! the order the kind lists them, then the volume's distribution), its volume
//! is drawn from the "volume" stream, and its requests run on the "usage"
//! and "attempts" streams (see [`crate::rng`]).

use std::sync::atomic::AtomicBool;

use costintent_scenario::{Billed, CacheWritePrice, Mode, Scenario, Value, Workload, WorkloadKind};

use crate::attempts::{AttemptParams, Attempts};
use crate::fast::FastPlan;
use crate::kinds::{self, Ctx, fee_parts};
use crate::ledger::{Ledger, Totals};
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::{Conversion, PriceTable, TokenOptions, fee_units, idx};
use crate::rng::{SimRng, Stream, name_hash, stream};
use crate::sampling::{Rounding, Source};
use crate::volume::VolumeSpec;

/// A workload converted once per run.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    name_hash: u64,
    volume: VolumeSpec,
    rate: Value,
    retries: Value,
    billed: Billed,
    /// Client timeout in seconds and the latency of an attempt.
    timeout: Option<(f64, DrawSpec)>,
    /// Seconds between status polls (video).
    poll_every: Option<f64>,
    /// USD per unit.
    pub(crate) prices: PriceTable,
    /// The units this workload bills, in [`Unit::ALL`] order.
    pub(crate) units: Vec<Unit>,
    /// The wallet it pays from.
    pub(crate) via: Option<usize>,
    kind: KindSpec,
}

#[derive(Clone, Debug)]
#[expect(clippy::large_enum_variant, reason = "one per workload; boxing would buy nothing")]
enum KindSpec {
    Requests(kinds::requests::Spec),
    Agent(kinds::agent::Spec),
    Image(kinds::image::Spec),
    Video(kinds::video::Spec),
    Realtime(kinds::realtime::Spec),
}

/// Reusable per-chunk state of one workload (draw-site buffers).
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub(crate) latency: Source,
    pub(crate) kind: KindState,
}

#[derive(Clone, Debug)]
#[expect(clippy::large_enum_variant, reason = "one per workload and chunk")]
pub(crate) enum KindState {
    Requests(kinds::requests::State),
    Agent(kinds::agent::State),
    Image(kinds::image::State),
    Video(kinds::video::State),
    Realtime(kinds::realtime::State),
}

/// What one workload did in one trial.
#[derive(Clone, Debug, Default)]
pub(crate) struct TrialResult {
    /// Whether the trial was drawn as a compound sum (fast path).
    pub(crate) summed: bool,
    /// Quantities billed.
    pub(crate) ledger: Ledger,
    /// USD billed and wasted.
    pub(crate) totals: Totals,
    /// Per-trial parameter draws that were clamped.
    pub(crate) clamped: u64,
}

impl Compiled {
    /// Converts a workload of `scenario`.
    pub(crate) fn new(w: &Workload, scenario: &Scenario) -> Self {
        let wallet = w.via.and_then(|i| scenario.wallets.get(i));
        let conv = Conversion::new(&w.price, wallet);
        let fees = fee_parts(&w.price);
        let token_prices = |cache_write, batch| {
            PriceTable::tokens(&w.price, conv, TokenOptions { cache_write, batch })
        };
        let five = CacheWritePrice::FiveMinutes;
        let mut poll_every = None;
        let (volume, prices, mut units, kind) = match &w.kind {
            WorkloadKind::Requests(r) => (
                &r.requests,
                token_prices(five, r.mode == Mode::Batch),
                kinds::requests::Spec::units(r),
                KindSpec::Requests(kinds::requests::Spec::new(r, fees)),
            ),
            WorkloadKind::Agent(a) => (
                &a.sessions,
                token_prices(kinds::agent::Spec::cache_write_price(a), false),
                kinds::agent::Spec::units(a),
                KindSpec::Agent(kinds::agent::Spec::new(a, fees)),
            ),
            WorkloadKind::Image(i) => {
                let mut prices = token_prices(five, false);
                prices.set_flat(Unit::Images, i.usd_per_image * conv.listed_usd);
                (
                    &i.requests,
                    prices,
                    vec![Unit::Images],
                    KindSpec::Image(kinds::image::Spec::new(i, fees)),
                )
            }
            WorkloadKind::Video(v) => {
                let mut prices = token_prices(five, false);
                prices.set_flat(Unit::VideoSeconds, v.usd_per_second * conv.listed_usd);
                if let Some(poll) = v.poll {
                    prices.set_flat(Unit::Polls, poll.usd_per_poll);
                    poll_every = Some(poll.every_seconds);
                }
                let units = kinds::video::Spec::units(v);
                (&v.requests, prices, units, KindSpec::Video(kinds::video::Spec::new(v, fees)))
            }
            WorkloadKind::Realtime(r) => {
                let audio = w.price.audio.as_ref();
                let mut prices = token_prices(five, false);
                let per_token = conv.model / 1e6;
                if let Some(a) = audio {
                    let cached = a.cached_input_per_mtok.unwrap_or(a.input_per_mtok);
                    prices.set_flat(Unit::AudioInputTokens, a.input_per_mtok * per_token);
                    prices.set_flat(Unit::AudioCachedInputTokens, cached * per_token);
                    prices.set_flat(Unit::AudioOutputTokens, a.output_per_mtok * per_token);
                }
                let units = kinds::realtime::Spec::units(audio);
                let spec = kinds::realtime::Spec::new(r, audio, fees);
                (&r.sessions, prices, units, KindSpec::Realtime(spec))
            }
        };
        units.extend(fee_units(&w.price));
        units.sort_by_key(|u| idx(*u));
        units.dedup();
        Self {
            name_hash: name_hash(&w.name),
            volume: VolumeSpec::new(volume),
            rate: w.failures.rate.clone(),
            retries: w.failures.retries.clone(),
            billed: w.failures.billed,
            timeout: w.timeout.as_ref().map(|t| (t.after_seconds, DrawSpec::new(&t.latency))),
            poll_every,
            prices,
            units,
            via: w.via,
            kind,
        }
    }

    /// Fresh per-chunk state.
    pub(crate) fn state(&self) -> State {
        let kind = match &self.kind {
            KindSpec::Requests(_) => KindState::Requests(kinds::requests::State::new()),
            KindSpec::Agent(_) => KindState::Agent(kinds::agent::State::new()),
            KindSpec::Image(_) => KindState::Image(kinds::image::State::new()),
            KindSpec::Video(_) => KindState::Video(kinds::video::State::new()),
            KindSpec::Realtime(_) => KindState::Realtime(kinds::realtime::State::new()),
        };
        State { latency: Source::new(Rounding::Continuous), kind }
    }

    /// Resolves this trial's unit parameters into `state` (failure rate,
    /// retries, latency and the kind's draw sites, in that order) and
    /// returns the attempt settings.
    pub(crate) fn prepare(&self, state: &mut State, params: &mut ParamDraws<'_>) -> AttemptParams {
        let rate = params.value(&self.rate);
        let retries = params.value(&self.retries);
        let after = match &self.timeout {
            Some((after, latency)) => {
                state.latency.reset(&params.sampler(latency));
                Some(*after)
            }
            None => None,
        };
        match (&self.kind, &mut state.kind) {
            (KindSpec::Requests(spec), KindState::Requests(st)) => st.reset(spec, params),
            (KindSpec::Agent(spec), KindState::Agent(st)) => st.reset(spec, params),
            (KindSpec::Image(spec), KindState::Image(st)) => st.reset(spec, params),
            (KindSpec::Video(spec), KindState::Video(st)) => st.reset(spec, params),
            (KindSpec::Realtime(spec), KindState::Realtime(st)) => st.reset(spec, params),
            // `state()` builds the state from the same spec, so kinds match.
            _ => {}
        }
        AttemptParams {
            rate,
            retries: retries_count(retries),
            billed: self.billed,
            after,
            poll_every: self.poll_every,
            cache_ttl: match &self.kind {
                KindSpec::Agent(spec) => spec.cache_ttl(),
                _ => None,
            },
        }
    }

    /// Simulates `volume` units one by one into `ctx`.
    pub(crate) fn simulate_units(&self, kind: &mut KindState, ctx: &mut Ctx<'_>, volume: f64) {
        match (&self.kind, kind) {
            (KindSpec::Requests(spec), KindState::Requests(st)) => st.run(spec, ctx, volume),
            (KindSpec::Agent(spec), KindState::Agent(st)) => st.run(spec, ctx, volume),
            (KindSpec::Image(spec), KindState::Image(st)) => st.run(spec, ctx, volume),
            (KindSpec::Video(spec), KindState::Video(st)) => st.run(spec, ctx, volume),
            (KindSpec::Realtime(spec), KindState::Realtime(st)) => st.run(spec, ctx, volume),
            _ => {}
        }
    }

    /// The stable hash of the workload's name (keys its streams).
    pub(crate) fn name_hash(&self) -> u64 {
        self.name_hash
    }

    /// This trial's volume (the parameters of its distribution come from
    /// `params`, after the unit parameters).
    pub(crate) fn draw_volume(
        &self,
        params: &mut ParamDraws<'_>,
        seed: u64,
        trial: u64,
        scale: f64,
    ) -> f64 {
        let mut volume_rng = stream(seed, trial, self.name_hash, Stream::Volume);
        self.volume.draw(params, &mut volume_rng, scale)
    }

    /// Simulates trial `trial` of this workload: unit by unit, or, with a
    /// fast plan and at least its minimum number of units, as a compound sum.
    pub(crate) fn run(
        &self,
        state: &mut State,
        key: TrialKey,
        cancel: &AtomicBool,
        plan: Option<&FastPlan>,
    ) -> TrialResult {
        let TrialKey { seed, trial, scale } = key;
        let mut params_rng = stream(seed, trial, self.name_hash, Stream::Params);
        let mut params = ParamDraws::new(&mut params_rng);
        let attempt_params = self.prepare(state, &mut params);
        let volume = self.draw_volume(&mut params, seed, trial, scale);
        let clamped = params.clamped;

        let mut ledger = Ledger::default();
        let summed = plan.is_some_and(|p| volume >= p.min_units());
        match plan {
            Some(plan) if summed => {
                let mut rng = stream(seed, trial, self.name_hash, Stream::Sum);
                plan.draw(volume, &mut rng, &mut ledger);
            }
            _ => {
                let mut attempts = Attempts::new(
                    stream(seed, trial, self.name_hash, Stream::Attempts),
                    attempt_params,
                );
                let mut usage: SimRng = stream(seed, trial, self.name_hash, Stream::Usage);
                let mut ctx = Ctx {
                    usage: &mut usage,
                    attempts: &mut attempts,
                    latency: &mut state.latency,
                    ledger: &mut ledger,
                    billed: self.billed,
                    prices: &self.prices,
                    cancel,
                };
                self.simulate_units(&mut state.kind, &mut ctx, volume);
            }
        }
        let totals = ledger.totals(&self.units, &self.prices);
        TrialResult { summed, ledger, totals, clamped }
    }

    /// The workload's billed units.
    pub(crate) fn units(&self) -> &[Unit] {
        &self.units
    }

    /// What a failed attempt is billed.
    pub(crate) fn billed(&self) -> Billed {
        self.billed
    }
}

/// Which trial to simulate, and how.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TrialKey {
    /// Master seed.
    pub(crate) seed: u64,
    /// Trial index.
    pub(crate) trial: u64,
    /// `--scale`.
    pub(crate) scale: f64,
}

/// Retries as a whole count: rounded half away from zero, at least 0.
fn retries_count(x: f64) -> u32 {
    crate::math::round_count(x).min(f64::from(u32::MAX)) as u32
}
