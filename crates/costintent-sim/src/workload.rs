//! One workload, compiled once per run and simulated one trial at a time.
//!
//! Per trial, in this order: the workload's parameters are resolved from its
//! "params" stream (failure rate, retries, latency, the kind's draw sites in
//! the order the kind lists them, then the volume's distribution), its volume
//! is drawn from the "volume" stream, and its requests run on the "usage"
//! and "attempts" streams (see [`crate::rng`]).

use std::sync::atomic::AtomicBool;

use costintent_scenario::{
    Billed, CacheWritePrice, Mode, ModelPrice, Sampler, Scenario, Value, Workload, WorkloadKind,
};

use crate::attempts::{AttemptParams, Attempts};
use crate::fast::FastPlan;
use crate::kinds::{self, Ctx, fee_parts};
use crate::ledger::{Ledger, Totals};
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::{Conversion, N_UNITS, PriceTable, TokenOptions, fee_units, idx};
use crate::rng::{SimRng, Stream, name_hash, stream};
use crate::sampling::{Rounding, Source, binomial_count};
use crate::trace::Tracer;
use crate::volume::{ByDay, Split, VolumeSpec};

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
    /// The period's parts between dated price changes, in order; the first
    /// starts at 0. A trial's units are spread over them in proportion to
    /// their length (or, for a rate that changes over the period, to their
    /// share of its expected volume; see [`crate::volume::Drawn::split`]),
    /// and each part bills at its own prices.
    pub(crate) segments: Vec<Segment>,
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

/// A part of the period with one price list.
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    /// Where it starts, as a share of the period.
    pub(crate) start: f64,
    /// Its prices. A model retired during the period with no successor
    /// serving it rejects every request from that day (`reject` = −∞).
    pub(crate) prices: PriceTable,
}

/// The price table a workload pays under `price` (its kind's image, video,
/// poll and audio prices included); `start` is the period's first price,
/// whose image or video amount is kept when `price` lists none for the
/// workload's variant.
fn price_table(
    w: &Workload,
    price: &ModelPrice,
    wallet: Option<&costintent_scenario::Wallet>,
    start: &ModelPrice,
) -> PriceTable {
    let conv = Conversion::new(price, wallet);
    let token_prices =
        |cache_write, batch| PriceTable::tokens(price, conv, TokenOptions { cache_write, batch });
    let five = CacheWritePrice::FiveMinutes;
    match &w.kind {
        WorkloadKind::Requests(r) => token_prices(five, r.mode == Mode::Batch),
        WorkloadKind::Agent(a) => token_prices(kinds::agent::Spec::cache_write_price(a), false),
        WorkloadKind::Image(i) => {
            let mut prices = token_prices(five, false);
            // `usd_per_image` is the start's amount, in USD at the list
            // price of a credit; a later price list is converted the same way.
            let amount = if std::ptr::eq(price, start) {
                i.usd_per_image
            } else {
                price
                    .image_amount(&i.size, &i.quality)
                    .map_or(i.usd_per_image, |a| a * Conversion::new(price, None).model)
            };
            prices.set_flat(Unit::Images, amount * conv.listed_usd);
            prices
        }
        WorkloadKind::Video(v) => {
            let mut prices = token_prices(five, false);
            let amount = if std::ptr::eq(price, start) {
                v.usd_per_second
            } else {
                price
                    .video_amount(&v.resolution, v.audio)
                    .map_or(v.usd_per_second, |a| a * Conversion::new(price, None).model)
            };
            prices.set_flat(Unit::VideoSeconds, amount * conv.listed_usd);
            if let Some(poll) = v.poll {
                prices.set_flat(Unit::Polls, poll.usd_per_poll);
            }
            prices
        }
        WorkloadKind::Realtime(_) => {
            let mut prices = token_prices(five, false);
            let per_token = conv.model / 1e6;
            if let Some(a) = price.audio.as_ref() {
                let cached = a.cached_input_per_mtok.unwrap_or(a.input_per_mtok);
                prices.set_flat(Unit::AudioInputTokens, a.input_per_mtok * per_token);
                prices.set_flat(Unit::AudioCachedInputTokens, cached * per_token);
                prices.set_flat(Unit::AudioOutputTokens, a.output_per_mtok * per_token);
            }
            prices
        }
    }
}

/// Reusable per-chunk state of one workload (draw-site buffers).
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub(crate) latency: Source,
    /// This trial's latency distribution, when a timeout is set.
    latency_law: Option<Sampler>,
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
    /// Whether some segment was drawn as a compound sum (fast path).
    pub(crate) summed: bool,
    /// Quantities billed, over the whole period.
    pub(crate) ledger: Ledger,
    /// USD per unit (each segment at its own prices).
    pub(crate) usd: [f64; N_UNITS],
    /// USD billed and wasted.
    pub(crate) totals: Totals,
    /// Per-trial parameter draws that were clamped.
    pub(crate) clamped: u64,
}

impl TrialResult {
    /// Adds a segment's ledger, priced at its prices.
    fn add(&mut self, segment: &Ledger, units: &[Unit], prices: &PriceTable) {
        let totals = segment.totals(units, prices);
        self.totals.spend += totals.spend;
        self.totals.waste += totals.waste;
        for &unit in units {
            self.usd[idx(unit)] += segment.usd(unit, prices);
        }
        self.ledger.merge(segment);
    }
}

impl Compiled {
    /// Converts a workload of `scenario`.
    pub(crate) fn new(w: &Workload, scenario: &Scenario) -> Self {
        let wallet = w.via.and_then(|i| scenario.wallets.get(i));
        // Fee units are charged per attempt when any of the period's price
        // lists has them (priced at 0 where one does not).
        let prices_over_period =
            std::iter::once(&w.price).chain(w.price_changes.iter().map(|c| &c.price));
        let mut fees = [(idx(Unit::Requests), 0.0), (idx(Unit::Tasks), 0.0)];
        let mut units: Vec<Unit> = Vec::new();
        for price in prices_over_period {
            for (slot, (_, q)) in fees.iter_mut().zip(fee_parts(price)) {
                slot.1 = f64::max(slot.1, q);
            }
            units.extend(fee_units(price));
        }
        let mut poll_every = None;
        let (volume, mut kind_units, kind) = match &w.kind {
            WorkloadKind::Requests(r) => (
                &r.requests,
                kinds::requests::Spec::units(r),
                KindSpec::Requests(kinds::requests::Spec::new(r, fees)),
            ),
            WorkloadKind::Agent(a) => (
                &a.sessions,
                kinds::agent::Spec::units(a),
                KindSpec::Agent(kinds::agent::Spec::new(a, fees)),
            ),
            WorkloadKind::Image(i) => {
                (&i.requests, vec![Unit::Images], KindSpec::Image(kinds::image::Spec::new(i, fees)))
            }
            WorkloadKind::Video(v) => {
                poll_every = v.poll.map(|poll| poll.every_seconds);
                (
                    &v.requests,
                    kinds::video::Spec::units(v),
                    KindSpec::Video(kinds::video::Spec::new(v, fees)),
                )
            }
            WorkloadKind::Realtime(r) => {
                let audio = w.price.audio.as_ref();
                let units = kinds::realtime::Spec::units(audio);
                let spec = kinds::realtime::Spec::new(r, audio, fees);
                (&r.sessions, units, KindSpec::Realtime(spec))
            }
        };
        units.append(&mut kind_units);
        units.sort_by_key(|u| idx(*u));
        units.dedup();
        let period = scenario.period.seconds;
        let mut segments =
            vec![Segment { start: 0.0, prices: price_table(w, &w.price, wallet, &w.price) }];
        for change in &w.price_changes {
            // A model retired during the period with nobody serving its
            // requests rejects them from that day.
            let retired = change.price.served_by.is_none()
                && change.price.retired_on.is_some_and(|d| d <= change.date);
            let start =
                if period > 0.0 { (change.at_seconds / period).clamp(0.0, 1.0) } else { 1.0 };
            let mut prices = price_table(w, &change.price, wallet, &w.price);
            if retired {
                prices.reject = f64::NEG_INFINITY;
            }
            segments.push(Segment { start, prices });
        }
        Self {
            name_hash: name_hash(&w.name),
            volume: VolumeSpec::new(volume),
            rate: w.failures.rate.clone(),
            retries: w.failures.retries.clone(),
            billed: w.failures.billed,
            timeout: w.timeout.as_ref().map(|t| (t.after_seconds, DrawSpec::new(&t.latency))),
            poll_every,
            segments,
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
        State { latency: Source::new(Rounding::Continuous), latency_law: None, kind }
    }

    /// Resolves this trial's unit parameters into `state` (failure rate,
    /// retries, latency and the kind's draw sites, in that order) and
    /// returns the attempt settings.
    pub(crate) fn prepare(&self, state: &mut State, params: &mut ParamDraws<'_>) -> AttemptParams {
        let rate = params.value(&self.rate);
        let retries = params.value(&self.retries);
        let after = match &self.timeout {
            Some((after, latency)) => {
                let (fast, law) = params.sampler_with_law(latency);
                state.latency.reset(&fast);
                state.latency_law = Some(law);
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

    /// The probability that a request that is not rejected outright is
    /// lost, with this trial's parameters (in `state` and `attempts`).
    pub(crate) fn lost_probability(&self, state: &State, attempts: &AttemptParams) -> f64 {
        match &state.latency_law {
            Some(law) => {
                let cdf = |x: f64| crate::law::cdf(law, x);
                attempts.lost_probability(Some(&cdf))
            }
            None => attempts.lost_probability(None),
        }
    }

    /// The probability that one unit makes `k` requests (agent and
    /// realtime turns per session, image requests per initial request), with
    /// this trial's parameters in `state`; `None` for kinds whose units are
    /// single requests (nothing to stratify on).
    pub(crate) fn requests_pmf(&self, state: &State, k: u64) -> Option<f64> {
        match &state.kind {
            KindState::Agent(st) => st.requests_pmf(k),
            KindState::Realtime(st) => st.requests_pmf(k),
            KindState::Image(st) => st.requests_pmf(k),
            KindState::Requests(_) | KindState::Video(_) => None,
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

    /// Simulates trial `trial` of this workload. Its units are spread over
    /// the period's price segments; each segment is simulated unit by unit,
    /// or, with a fast plan and at least its minimum number of units, drawn
    /// as a compound sum.
    ///
    /// With `trace`, every unit is simulated and every attempt recorded
    /// (the same draws as any run of the trial).
    pub(crate) fn run(
        &self,
        state: &mut State,
        key: TrialKey,
        cancel: &AtomicBool,
        plans: &[Option<&FastPlan>],
        mut trace: Option<&mut Tracer>,
    ) -> TrialResult {
        let TrialKey { seed, trial, scale } = key;
        let mut params_rng = stream(seed, trial, self.name_hash, Stream::Params);
        let mut params = ParamDraws::new(&mut params_rng);
        let attempt_params = self.prepare(state, &mut params);
        // The per-trial unit parameter, if any (the fast path's grid).
        let theta: Vec<f64> = params.recorded.iter().copied().take(1).collect();
        let mut volume_rng = stream(seed, trial, self.name_hash, Stream::Volume);
        let drawn = self.volume.draw_by_day(&mut params, &mut volume_rng, scale);
        let volume = drawn.total;
        let clamped = params.clamped;

        let mut result = TrialResult { clamped, ..TrialResult::default() };
        let mut attempts =
            Attempts::new(stream(seed, trial, self.name_hash, Stream::Attempts), attempt_params);
        if trace.is_some() {
            attempts.force_slow();
        }
        let plans = if trace.is_some() { &[][..] } else { plans };
        let mut usage: SimRng = stream(seed, trial, self.name_hash, Stream::Usage);
        let mut sum_rng: Option<SimRng> = None;
        let mut left = volume;
        // With one price list, every unit falls in it; otherwise the volume
        // says how its units spread over the period.
        let split = if self.segments.len() > 1 && !matches!(drawn.by_day, ByDay::Even) {
            let starts: Vec<f64> = self.segments.iter().map(|s| s.start).collect();
            drawn.split(&starts)
        } else {
            Split::ByLength
        };
        if let Some(t) = trace.as_deref_mut() {
            let starts: Vec<f64> = self.segments.iter().map(|s| s.start).collect();
            t.arrivals(
                stream(seed, trial, self.name_hash, Stream::Arrival),
                &starts,
                &drawn.by_day,
            );
        }
        for (j, segment) in self.segments.iter().enumerate() {
            // Units fall in a segment in proportion to its length (a
            // constant rate) or to its share of the expected volume (a rate
            // that changes): a binomial share of those not yet placed; counts
            // drawn day by day fall in the segment of their day. The last
            // segment takes the rest.
            let n = match (&split, self.segments.get(j + 1)) {
                (_, None) => left,
                (Split::Counts(counts), Some(_)) => counts.get(j).copied().unwrap_or(0.0).min(left),
                (Split::Weights(weights), Some(_)) => {
                    let rest: f64 = weights.iter().skip(j).sum();
                    let share =
                        if rest > 0.0 { weights.get(j).map_or(0.0, |w| w / rest) } else { 0.0 };
                    binomial_count(&mut volume_rng, left, share)
                }
                (Split::ByLength, Some(next)) => {
                    let rest = 1.0 - segment.start;
                    let share = if rest > 0.0 { (next.start - segment.start) / rest } else { 1.0 };
                    binomial_count(&mut volume_rng, left, share)
                }
            };
            left -= n;
            let mut ledger = Ledger::default();
            let plan = plans.get(j).copied().flatten();
            match plan.and_then(|p| p.sampler_for(n, &theta).map(|s| (p, s))) {
                Some((plan, sampler)) => {
                    let rng = sum_rng
                        .get_or_insert_with(|| stream(seed, trial, self.name_hash, Stream::Sum));
                    let lost = self.lost_probability(state, &attempt_params);
                    plan.draw(&sampler, n, lost, rng, &mut ledger);
                    result.summed = true;
                }
                _ => {
                    if let Some(t) = trace.as_deref_mut() {
                        t.segment = j;
                    }
                    let mut ctx = Ctx {
                        usage: &mut usage,
                        attempts: &mut attempts,
                        latency: &mut state.latency,
                        ledger: &mut ledger,
                        billed: self.billed,
                        prices: &segment.prices,
                        cancel,
                        trace: trace.as_deref_mut(),
                    };
                    self.simulate_units(&mut state.kind, &mut ctx, n);
                }
            }
            result.add(&ledger, &self.units, &segment.prices);
        }
        result
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
