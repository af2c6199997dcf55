//! Rescaling a workload's token counts from the tokenizer they were measured
//! on (`tokens_measured_on`) to the tokenizer of the model that bills them.
//!
//! The same text is a different number of tokens on different tokenizers,
//! so a count measured on one model is multiplied by the sourced ratio of
//! the two tokenizer families. Every token count of the workload is scaled:
//! input, output and reasoning per request or turn, the context's `start`
//! and `compact_to`, and the tokens each tool call returns. The context
//! `window` is not: it is the limit at which the harness compacts, stated in
//! the tokens of the model it runs on. Shares (`cached`) and counts of
//! things (requests, turns, tool calls) are not token counts.
//!
//! A distribution is scaled through its location and scale parameters
//! (lognormal median and p90, or mean and sd; gamma and normal mean and sd;
//! uniform min and max; choice values), which scales the distribution
//! exactly. Count distributions (poisson, negbin, geometric) keep their
//! family with a scaled mean (and p90 or sd), which approximates the shape
//! of the scaled counts. Parameters drawn once per trial are scaled inside
//! their own distributions, recursively.

use std::sync::Arc;

use crate::model::{
    AgentSpec, Choice, Dist, Draw, LogNormalParams, NegBinSpread, RequestsSpec, Value, WorkloadKind,
};

/// Multiplies every token count of `kind` by `factor` (> 0). Kinds without
/// token counts (image, video, realtime) are left as they are.
pub(crate) fn rescale_tokens(kind: &mut WorkloadKind, factor: f64) {
    match kind {
        WorkloadKind::Requests(RequestsSpec { input, output, reasoning, .. }) => {
            scale_draw(input, factor);
            scale_draw(output, factor);
            if let Some(r) = reasoning {
                scale_draw(r, factor);
            }
        }
        WorkloadKind::Agent(AgentSpec { input, output, reasoning, context, tools, .. }) => {
            scale_draw(input, factor);
            scale_draw(output, factor);
            if let Some(r) = reasoning {
                scale_draw(r, factor);
            }
            context.start *= factor;
            context.compact_to *= factor;
            if let Some(t) = tools {
                scale_draw(&mut t.output, factor);
            }
        }
        WorkloadKind::Image(_) | WorkloadKind::Video(_) | WorkloadKind::Realtime(_) => {}
    }
}

pub(crate) fn scale_draw(draw: &mut Draw, factor: f64) {
    match draw {
        Draw::Const(x) => *x *= factor,
        Draw::Dist(dist) => scale_dist(dist, factor),
    }
}

/// Scales the location and scale parameters of `dist` by `factor`.
fn scale_dist(dist: &mut Dist, factor: f64) {
    match dist {
        Dist::Poisson { mean } | Dist::Geometric { mean } => scale_value(mean, factor),
        Dist::NegBin { mean, spread } => {
            scale_value(mean, factor);
            match spread {
                NegBinSpread::P90(p90) => scale_value(p90, factor),
                NegBinSpread::Sd(sd) => scale_value(sd, factor),
            }
        }
        Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 }) => {
            scale_value(median, factor);
            scale_value(p90, factor);
        }
        Dist::LogNormal(LogNormalParams::MeanSd { mean, sd })
        | Dist::Normal { mean, sd }
        | Dist::Gamma { mean, sd } => {
            scale_value(mean, factor);
            scale_value(sd, factor);
        }
        Dist::Uniform { min, max } => {
            scale_value(min, factor);
            scale_value(max, factor);
        }
        // A rate is not a token count; a token key never holds one.
        Dist::Beta { .. } => {}
        Dist::Choice(choice) => {
            let values = choice.values.iter().map(|v| v * factor).collect();
            *choice = Arc::new(Choice { values, cumulative: choice.cumulative.clone() });
        }
    }
}

fn scale_value(value: &mut Value, factor: f64) {
    match value {
        Value::Fixed(x) => *x *= factor,
        Value::PerTrial { dist, .. } => scale_dist(dist, factor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Context, Domain, Mode, Tools, Volume};

    fn fixed(v: &Value) -> f64 {
        v.fixed().unwrap_or(f64::NAN)
    }

    #[test]
    fn lognormal_scaling_scales_every_quantile() {
        let mut draw = Draw::Dist(Dist::LogNormal(LogNormalParams::MedianP90 {
            median: Value::Fixed(1000.0),
            p90: Value::Fixed(4000.0),
        }));
        let before = match &draw {
            Draw::Dist(d) => d.fixed_sampler().and_then(Result::ok).map(|s| s.quantile(0.99)),
            Draw::Const(_) => None,
        };
        scale_draw(&mut draw, 1.3);
        let Draw::Dist(d) = &draw else { panic!("still a distribution") };
        let after = d.fixed_sampler().and_then(Result::ok).map(|s| s.quantile(0.99));
        let (Some(before), Some(after)) = (before, after) else { panic!("valid samplers") };
        assert!((after / before - 1.3).abs() < 1e-12, "{before} → {after}");
    }

    #[test]
    fn uncertain_parameters_are_scaled_inside_their_distributions() {
        let mut draw = Draw::Dist(Dist::Gamma {
            mean: Value::PerTrial {
                dist: Box::new(Dist::Uniform {
                    min: Value::Fixed(100.0),
                    max: Value::Fixed(200.0),
                }),
                domain: Domain::Positive,
            },
            sd: Value::Fixed(30.0),
        });
        scale_draw(&mut draw, 2.0);
        let Draw::Dist(Dist::Gamma { mean: Value::PerTrial { dist, .. }, sd }) = &draw else {
            panic!("shape kept")
        };
        let Dist::Uniform { min, max } = dist.as_ref() else { panic!("uniform kept") };
        assert_eq!((fixed(min), fixed(max), fixed(sd)), (200.0, 400.0, 60.0));
    }

    #[test]
    fn choices_and_counts_scale_their_values_and_means() {
        let mut choice = Draw::Dist(Dist::Choice(Arc::new(Choice {
            values: vec![10.0, 20.0],
            cumulative: vec![0.5, 1.0],
        })));
        scale_draw(&mut choice, 1.5);
        let Draw::Dist(Dist::Choice(c)) = &choice else { panic!("choice") };
        assert_eq!(c.values, vec![15.0, 30.0]);
        assert_eq!(c.cumulative, vec![0.5, 1.0]);
        let mut negbin = Draw::Dist(Dist::NegBin {
            mean: Value::Fixed(100.0),
            spread: NegBinSpread::P90(Value::Fixed(180.0)),
        });
        scale_draw(&mut negbin, 1.3);
        let Draw::Dist(Dist::NegBin { mean, spread: NegBinSpread::P90(p90) }) = &negbin else {
            panic!("negbin")
        };
        assert!((fixed(mean) - 130.0).abs() < 1e-9 && (fixed(p90) - 234.0).abs() < 1e-9);
    }

    #[test]
    fn agent_context_content_scales_but_the_window_does_not() {
        let mut kind = WorkloadKind::Agent(AgentSpec {
            sessions: Volume::Fixed(1.0),
            turns: Draw::Const(10.0),
            input: Draw::Const(1000.0),
            output: Draw::Const(200.0),
            context: Context { start: 10_000.0, window: 200_000.0, compact_to: 30_000.0 },
            compaction_cost: false,
            cache: None,
            tools: Some(Tools { calls: Draw::Const(2.0), output: Draw::Const(500.0) }),
            reasoning: Some(Draw::Const(100.0)),
        });
        rescale_tokens(&mut kind, 1.3);
        let WorkloadKind::Agent(a) = &kind else { panic!("agent") };
        let c = |d: &Draw| match d {
            Draw::Const(x) => *x,
            Draw::Dist(_) => f64::NAN,
        };
        assert!((c(&a.input) - 1300.0).abs() < 1e-9);
        assert!((c(&a.output) - 260.0).abs() < 1e-9);
        assert!((a.context.start - 13_000.0).abs() < 1e-9);
        assert!((a.context.compact_to - 39_000.0).abs() < 1e-9);
        assert_eq!(a.context.window, 200_000.0);
        let tools = a.tools.as_ref().map(|t| (c(&t.calls), c(&t.output)));
        assert_eq!(tools.map(|(calls, _)| calls), Some(2.0), "calls are not tokens");
        assert!(tools.is_some_and(|(_, out)| (out - 650.0).abs() < 1e-9));
        assert_eq!(c(&a.turns), 10.0);
        let mut requests = WorkloadKind::Requests(RequestsSpec {
            requests: Volume::Fixed(5.0),
            input: Draw::Const(100.0),
            output: Draw::Const(10.0),
            reasoning: None,
            cached: Value::Fixed(0.5),
            mode: Mode::Standard,
        });
        rescale_tokens(&mut requests, 2.0);
        let WorkloadKind::Requests(r) = &requests else { panic!("requests") };
        assert_eq!((c(&r.input), c(&r.output), fixed(&r.cached)), (200.0, 20.0, 0.5));
    }
}
