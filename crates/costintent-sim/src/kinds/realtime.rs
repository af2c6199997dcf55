//! `kind = "realtime"`: voice sessions billed by audio tokens.
//!
//! A session of `m` minutes (a draw, not rounded) has
//! `N = round(m × turns_per_minute)` turns; a session of no turns (nobody
//! spoke) bills nothing, as providers bill audio, not connection time. Each
//! turn carries
//! `m / N × user_share` minutes of user audio and `m / N × (1 − user_share)`
//! minutes of assistant audio, converted to tokens at the model's
//! `input_tokens_per_minute` and `output_tokens_per_minute` and rounded to
//! whole tokens, as providers bill them. Turn `t` bills as input the whole
//! conversation so far — every earlier turn's user and assistant audio
//! tokens — at the cached audio price when the model has one (else the full
//! audio input price), plus its new user audio at the audio input price, and
//! bills its assistant audio as audio output. A lost turn adds nothing to
//! the conversation.

use costintent_scenario::{AudioPrice, RealtimeSpec, Sampler, Value};

use crate::kinds::{Ctx, count};
use crate::ledger::Parts;
use crate::math::round_count;
use crate::outcome::Unit;
use crate::params::{DrawSpec, ParamDraws};
use crate::prices::idx;
use crate::sampling::{Rounding, Source};

/// A realtime workload, converted once per run.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    minutes: DrawSpec,
    turns_per_minute: Value,
    user_share: Value,
    input_tokens_per_minute: f64,
    output_tokens_per_minute: f64,
    /// Unit the conversation so far is billed as.
    history_unit: Unit,
    fees: [(usize, f64); 2],
}

impl Spec {
    /// Converts the scenario's realtime spec.
    pub(crate) fn new(
        r: &RealtimeSpec,
        audio: Option<&AudioPrice>,
        fees: [(usize, f64); 2],
    ) -> Self {
        Self {
            minutes: DrawSpec::new(&r.minutes),
            turns_per_minute: r.turns_per_minute.clone(),
            user_share: r.user_share.clone(),
            input_tokens_per_minute: audio.map_or(0.0, |a| a.input_tokens_per_minute),
            output_tokens_per_minute: audio.map_or(0.0, |a| a.output_tokens_per_minute),
            history_unit: Self::history_unit(audio),
            fees,
        }
    }

    fn history_unit(audio: Option<&AudioPrice>) -> Unit {
        match audio {
            Some(a) if a.cached_input_per_mtok.is_some() => Unit::AudioCachedInputTokens,
            _ => Unit::AudioInputTokens,
        }
    }

    /// The units a realtime workload bills, besides fees.
    pub(crate) fn units(audio: Option<&AudioPrice>) -> Vec<Unit> {
        let mut units = vec![Unit::AudioInputTokens, Unit::AudioOutputTokens];
        if Self::history_unit(audio) == Unit::AudioCachedInputTokens {
            units.push(Unit::AudioCachedInputTokens);
        }
        units
    }
}

/// Draw sites of a realtime workload.
#[derive(Clone, Debug)]
pub(crate) struct State {
    minutes: Source,
    /// This trial's distribution of session minutes.
    minutes_law: Sampler,
    turns_per_minute: f64,
    user_share: f64,
}

impl State {
    /// Allocates the draw sites.
    pub(crate) fn new() -> Self {
        Self {
            minutes: Source::new(Rounding::Continuous),
            minutes_law: Sampler::Const(0.0),
            turns_per_minute: 0.0,
            user_share: 0.5,
        }
    }

    /// Resolves this trial's samplers and parameters, in a fixed order.
    pub(crate) fn reset(&mut self, spec: &Spec, params: &mut ParamDraws<'_>) {
        let (minutes, law) = params.sampler_with_law(&spec.minutes);
        self.minutes.reset(&minutes);
        self.minutes_law = law;
        self.turns_per_minute = params.value(&spec.turns_per_minute).max(0.0);
        self.user_share = params.value(&spec.user_share).clamp(0.0, 1.0);
    }

    /// The probability that a session has `k` turns (each turn is one
    /// request): `round(m × turns_per_minute) = k`.
    pub(crate) fn requests_pmf(&self, k: u64) -> Option<f64> {
        let tpm = self.turns_per_minute;
        if tpm <= 0.0 {
            return Some(f64::from(u8::from(k == 0)));
        }
        let kf = k as f64;
        let upper = crate::law::cdf(&self.minutes_law, (kf + 0.5) / tpm)?;
        let lower =
            if k == 0 { 0.0 } else { crate::law::cdf(&self.minutes_law, (kf - 0.5) / tpm)? };
        Some((upper - lower).max(0.0))
    }

    /// Runs `sessions` sessions.
    pub(crate) fn run(&mut self, spec: &Spec, ctx: &mut Ctx<'_>, sessions: f64) {
        for k in 0..count(sessions) {
            if ctx.stop(k) {
                break;
            }
            ctx.unit_started();
            let m = self.minutes.next(ctx.usage);
            let turns = round_count(m * self.turns_per_minute);
            if turns < 1.0 {
                continue;
            }
            let per_turn = m / turns;
            // Whole tokens, as providers bill and log them.
            let user = (per_turn * self.user_share * spec.input_tokens_per_minute).round();
            let assistant =
                (per_turn * (1.0 - self.user_share) * spec.output_tokens_per_minute).round();
            let mut history = 0.0;
            for t in 0..count(turns) {
                if ctx.stop(t + 1) {
                    return;
                }
                let parts = Parts::new(
                    [
                        (idx(spec.history_unit), history),
                        (idx(Unit::AudioInputTokens), user),
                        spec.fees[0],
                        spec.fees[1],
                    ],
                    [(idx(Unit::AudioOutputTokens), assistant), (0, 0.0)],
                );
                if ctx.request(0, &parts).ok {
                    history += user + assistant;
                }
            }
        }
    }
}
