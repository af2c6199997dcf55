//! The per-request assumptions of a scenario (token counts per request or
//! turn, turns per session, tool calls, images per request, the
//! regeneration rate, seconds per clip, minutes per call), and the scenario
//! with one of them scaled by a factor.
//!
//! The sensitivity ranking moves each of them down and up by a stated
//! factor, because a per-request figure is the kind of assumption a
//! forecast gets wrong by a ratio (a prompt half again as long, a third
//! fewer turns), and most scenarios write them as fixed distributions that
//! are not drawn once per trial, so they have no p10 and p90 of their own.
//!
//! Scaling follows [`crate::rescale`]: a distribution is scaled through its
//! location and scale parameters, which scales every quantile (lognormal,
//! gamma, normal, uniform, choice) or, for count families, the mean and
//! spread. A fixed whole count times a factor is rarely whole, and the
//! engine rounds counts, so `n = 1` times 1.5 would round to 2: a fixed
//! count becomes a choice of the two nearest whole numbers with the exact
//! scaled mean instead. A geometric mean is kept at its minimum of 1, and a
//! probability at its maximum; the result says when that happened.

use std::sync::Arc;

use crate::model::{Choice, Dist, Draw, MAX_REGENERATE, Scenario, Value, Workload, WorkloadKind};
use crate::rescale::scale_draw;

/// A per-request assumption that can be scaled by a factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestAssumption {
    /// `workload.key`, as an override path names it (`agent.input`).
    pub path: String,
    /// What it is, in words (`new input tokens per turn`).
    pub what: &'static str,
}

/// A scenario with one assumption scaled.
#[derive(Clone, Debug)]
pub struct Scaled {
    /// The scenario.
    pub scenario: Scenario,
    /// What was kept in bounds, or how a fixed count was spread, when
    /// something was (`geometric mean kept at its minimum of 1`).
    pub note: Option<String>,
}

/// How a key's values are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    /// Whole numbers: the engine rounds a draw half away from zero.
    Count,
    /// Any non-negative number.
    Continuous,
}

/// The key a path names, inside a workload.
enum Target<'a> {
    /// A value drawn per request, session or turn.
    Draw(&'a mut Draw, Measure),
    /// A probability, at most `max`.
    Probability(&'a mut Value, f64),
}

/// The per-request keys of a workload kind, with what each is in words.
fn keys(kind: &WorkloadKind) -> Vec<(&'static str, &'static str)> {
    match kind {
        WorkloadKind::Requests(r) => {
            let mut keys = vec![
                ("input", "input tokens per request"),
                ("output", "output tokens per request"),
            ];
            if r.reasoning.is_some() {
                keys.push(("reasoning", "reasoning tokens per request"));
            }
            keys
        }
        WorkloadKind::Agent(a) => {
            let mut keys = vec![
                ("turns", "turns per session"),
                ("input", "new input tokens per turn"),
                ("output", "output tokens per turn"),
            ];
            if a.reasoning.is_some() {
                keys.push(("reasoning", "reasoning tokens per turn"));
            }
            if a.tools.is_some() {
                keys.push(("tools.calls", "tool calls per turn"));
                keys.push(("tools.output", "tokens each tool call returns"));
            }
            keys
        }
        WorkloadKind::Image(_) => {
            vec![("n", "images per request"), ("regenerate", "regeneration rate")]
        }
        WorkloadKind::Video(_) => vec![("seconds", "seconds per clip")],
        WorkloadKind::Realtime(_) => vec![("minutes", "minutes per call")],
    }
}

fn target<'a>(workload: &'a mut Workload, key: &str) -> Option<Target<'a>> {
    use Measure::{Continuous, Count};
    Some(match (&mut workload.kind, key) {
        (WorkloadKind::Requests(r), "input") => Target::Draw(&mut r.input, Count),
        (WorkloadKind::Requests(r), "output") => Target::Draw(&mut r.output, Count),
        (WorkloadKind::Requests(r), "reasoning") => Target::Draw(r.reasoning.as_mut()?, Count),
        (WorkloadKind::Agent(a), "turns") => Target::Draw(&mut a.turns, Count),
        (WorkloadKind::Agent(a), "input") => Target::Draw(&mut a.input, Count),
        (WorkloadKind::Agent(a), "output") => Target::Draw(&mut a.output, Count),
        (WorkloadKind::Agent(a), "reasoning") => Target::Draw(a.reasoning.as_mut()?, Count),
        (WorkloadKind::Agent(a), "tools.calls") => {
            Target::Draw(&mut a.tools.as_mut()?.calls, Count)
        }
        (WorkloadKind::Agent(a), "tools.output") => {
            Target::Draw(&mut a.tools.as_mut()?.output, Count)
        }
        (WorkloadKind::Image(i), "n") => Target::Draw(&mut i.n, Count),
        (WorkloadKind::Image(i), "regenerate") => {
            Target::Probability(&mut i.regenerate, MAX_REGENERATE)
        }
        (WorkloadKind::Video(v), "seconds") => Target::Draw(&mut v.seconds, Continuous),
        (WorkloadKind::Realtime(r), "minutes") => Target::Draw(&mut r.minutes, Continuous),
        _ => return None,
    })
}

impl Scenario {
    /// Every per-request assumption, in workload order.
    pub fn request_assumptions(&self) -> Vec<RequestAssumption> {
        let mut out = Vec::new();
        for w in &self.workloads {
            for (key, what) in keys(&w.kind) {
                out.push(RequestAssumption { path: format!("{}.{key}", w.name), what });
            }
        }
        out
    }

    /// The scenario with the assumption at `path` (a path of
    /// [`Scenario::request_assumptions`]) multiplied by `factor` (> 0).
    /// Fails, with the reason, when the path names no such assumption or
    /// the scaled value is not valid.
    pub fn with_request_assumption_scaled(
        &self,
        path: &str,
        factor: f64,
    ) -> Result<Scaled, String> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(format!("the factor must be a positive number, not {factor}"));
        }
        let mut scenario = self.clone();
        // Names may hold dots: the workload is the one whose name and one of
        // its keys make up the path.
        let found = scenario.workloads.iter_mut().find_map(|w| {
            let key = path.strip_prefix(w.name.as_str())?.strip_prefix('.')?;
            let known = keys(&w.kind).iter().any(|(k, _)| *k == key);
            known.then_some((w, key))
        });
        let Some((workload, key)) = found else {
            return Err(format!("`{path}` is not a per-request assumption of any workload"));
        };
        let note = match target(workload, key) {
            Some(Target::Draw(draw, measure)) => scale_checked(draw, factor, measure)?,
            Some(Target::Probability(value, max)) => scale_probability(value, factor, max)?,
            None => return Err(format!("`{path}` is not a per-request assumption")),
        };
        Ok(Scaled { scenario, note })
    }
}

/// Scales a draw and checks that its fixed parameters still make a
/// distribution.
fn scale_checked(draw: &mut Draw, factor: f64, measure: Measure) -> Result<Option<String>, String> {
    if let (Draw::Const(x), Measure::Count) = (&*draw, measure) {
        return Ok(spread_count(draw, *x * factor));
    }
    scale_draw(draw, factor);
    let mut note = None;
    if let Draw::Dist(Dist::Geometric { mean: Value::Fixed(mean) }) = draw
        && *mean < 1.0
    {
        *mean = 1.0;
        note = Some("its geometric mean kept at its minimum of 1".to_owned());
    }
    if let Draw::Dist(dist) = draw
        && let Some(Err(e)) = dist.fixed_sampler()
    {
        return Err(format!("scaled by {factor}, its `{}` {}", e.key, e.message));
    }
    Ok(note)
}

/// A fixed count of mean `mean`: the whole number itself, or a choice of
/// the two nearest whole numbers whose mean is exactly `mean`.
fn spread_count(draw: &mut Draw, mean: f64) -> Option<String> {
    let (low, high) = (mean.floor(), mean.ceil());
    if low == high {
        *draw = Draw::Const(mean);
        return None;
    }
    let weight_high = mean - low;
    *draw = Draw::Dist(Dist::Choice(Arc::new(Choice {
        values: vec![low, high],
        cumulative: vec![1.0 - weight_high, 1.0],
    })));
    Some(format!("{low} or {high}, {mean:.3} on average"))
}

/// Scales a fixed probability, keeping it at most `max`; an uncertain one
/// (drawn per trial) is ranked at its own p10 and p90 instead.
fn scale_probability(value: &mut Value, factor: f64, max: f64) -> Result<Option<String>, String> {
    match value {
        Value::Fixed(p) => {
            let scaled = *p * factor;
            if scaled > max {
                *p = max;
                Ok(Some(format!("kept at its maximum of {max}")))
            } else {
                *p = scaled;
                Ok(None)
            }
        }
        Value::PerTrial { .. } => {
            Err("it is drawn per trial, so it is ranked at its own p10 and p90".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice_mean(draw: &Draw) -> f64 {
        match draw {
            Draw::Dist(Dist::Choice(c)) => {
                let mut previous = 0.0;
                c.values
                    .iter()
                    .zip(&c.cumulative)
                    .map(|(v, cum)| {
                        let w = cum - previous;
                        previous = *cum;
                        v * w
                    })
                    .sum()
            }
            Draw::Const(x) => *x,
            Draw::Dist(_) => f64::NAN,
        }
    }

    #[test]
    fn a_fixed_count_is_spread_over_its_two_nearest_whole_numbers() {
        let mut draw = Draw::Const(1.0);
        let note = scale_checked(&mut draw, 1.5, Measure::Count).expect("valid");
        assert!((choice_mean(&draw) - 1.5).abs() < 1e-12);
        assert_eq!(note.as_deref(), Some("1 or 2, 1.500 on average"));
        let mut draw = Draw::Const(1.0);
        scale_checked(&mut draw, 1.0 / 1.5, Measure::Count).expect("valid");
        assert!((choice_mean(&draw) - 2.0 / 3.0).abs() < 1e-12);
        let mut draw = Draw::Const(30.0);
        assert_eq!(scale_checked(&mut draw, 1.5, Measure::Count).expect("valid"), None);
        assert!(matches!(draw, Draw::Const(x) if x == 45.0));
        let mut draw = Draw::Const(90.0);
        scale_checked(&mut draw, 1.5, Measure::Continuous).expect("valid");
        assert!(matches!(draw, Draw::Const(x) if x == 135.0));
    }

    #[test]
    fn a_geometric_mean_stays_at_least_one() {
        let mut draw = Draw::Dist(Dist::Geometric { mean: Value::Fixed(1.2) });
        let note = scale_checked(&mut draw, 1.0 / 1.5, Measure::Count).expect("valid");
        assert!(matches!(draw, Draw::Dist(Dist::Geometric { mean: Value::Fixed(m) }) if m == 1.0));
        assert!(note.is_some());
    }

    #[test]
    fn a_probability_stays_in_bounds_and_an_uncertain_one_is_left_alone() {
        let mut value = Value::Fixed(0.8);
        let note = scale_probability(&mut value, 1.5, MAX_REGENERATE).expect("valid");
        assert_eq!(value.fixed(), Some(MAX_REGENERATE));
        assert!(note.is_some());
        let mut value = Value::Fixed(0.2);
        scale_probability(&mut value, 1.5, MAX_REGENERATE).expect("valid");
        assert!((value.fixed().unwrap_or(0.0) - 0.3).abs() < 1e-12);
        let mut value = Value::PerTrial {
            dist: Box::new(Dist::Beta { mean: Value::Fixed(0.2), sd: Value::Fixed(0.05) }),
            domain: crate::model::Domain::Probability,
        };
        assert!(scale_probability(&mut value, 1.5, MAX_REGENERATE).is_err());
    }
}
