//! Per-trial parameters: uncertain assumptions drawn once per trial.
//!
//! A [`Value::PerTrial`] is drawn from its distribution on the workload's
//! "params" stream and clamped to its domain; a distribution with such
//! parameters is rebuilt per trial with [`Dist::resolve`], which also
//! replaces a combination that does not fit together (a drawn p90 below the
//! drawn median) by the nearest valid one. Every draw that had to move, and
//! every combination that had to be replaced, is counted, and the count is
//! reported as `Outcomes::clamped_draws`.
//!
//! Parameters that are fixed are converted once per run ([`DrawSpec`]).

use costintent_scenario::{Dist, Draw, Sampler, Value};

use crate::rng::SimRng;
use crate::sampling::Fast;

/// A draw site's sampler: converted once, or rebuilt every trial.
#[derive(Clone, Debug)]
pub(crate) enum DrawSpec {
    /// Every parameter is fixed: the sampler, converted.
    Fixed(Fast, Sampler),
    /// Some parameter is drawn per trial.
    PerTrial(Dist),
}

impl DrawSpec {
    /// Converts what can be converted once.
    pub(crate) fn new(draw: &Draw) -> Self {
        match draw {
            Draw::Const(x) => Self::Fixed(Fast::Const(*x), Sampler::Const(*x)),
            Draw::Dist(dist) => Self::from_dist(dist),
        }
    }

    /// As [`DrawSpec::new`], for a bare distribution.
    pub(crate) fn from_dist(dist: &Dist) -> Self {
        if dist.fixed_sampler().is_none() {
            return Self::PerTrial(dist.clone());
        }
        // All parameters are fixed, so `resolve` never calls the closure; it
        // maps an invalid fixed combination (ruled out by validation) to the
        // nearest valid sampler instead of failing.
        let resolved = dist.resolve(&mut |v| (v.fixed().unwrap_or(0.0), false));
        Self::Fixed(Fast::new(&resolved.sampler), resolved.sampler)
    }
}

/// Draws the per-trial parameters of one workload and counts clamps.
#[derive(Debug)]
pub(crate) struct ParamDraws<'a> {
    rng: &'a mut SimRng,
    /// Draws moved into their domain, and replaced combinations.
    pub(crate) clamped: u64,
    /// Per-trial values drawn so far (the fast path checks whether a
    /// workload's unit distribution depends on any).
    pub(crate) drawn: u64,
    /// The per-trial values drawn at the top level, in order (a parameter
    /// of a parameter's distribution is not listed; see `nested`).
    pub(crate) recorded: Vec<f64>,
    /// Whether some per-trial parameter's distribution has per-trial
    /// parameters of its own.
    pub(crate) nested: bool,
    /// Values the per-trial parameters take, in order, instead of being
    /// drawn (the fast path evaluates a workload at chosen parameters).
    replay: Option<&'a [f64]>,
    replayed: usize,
    depth: u32,
}

impl<'a> ParamDraws<'a> {
    /// Draws from `rng`.
    pub(crate) fn new(rng: &'a mut SimRng) -> Self {
        Self {
            rng,
            clamped: 0,
            drawn: 0,
            recorded: Vec::new(),
            nested: false,
            replay: None,
            replayed: 0,
            depth: 0,
        }
    }

    /// Takes the per-trial parameters from `values`, in the order they are
    /// asked for, instead of drawing them from `rng`.
    pub(crate) fn replaying(rng: &'a mut SimRng, values: &'a [f64]) -> Self {
        Self { replay: Some(values), ..Self::new(rng) }
    }

    /// This trial's value of a parameter.
    pub(crate) fn value(&mut self, value: &Value) -> f64 {
        match value {
            Value::Fixed(x) => *x,
            Value::PerTrial { dist, domain } => {
                self.drawn += 1;
                self.nested |= self.depth > 0;
                if let Some(values) = self.replay {
                    let x = values.get(self.replayed).copied().unwrap_or(0.0);
                    self.replayed += 1;
                    return x;
                }
                self.depth += 1;
                let fast = self.dist(dist);
                self.depth -= 1;
                let (x, moved) = domain.clamp(fast.sample(self.rng));
                self.clamped += u64::from(moved);
                if self.depth == 0 {
                    self.recorded.push(x);
                }
                x
            }
        }
    }

    /// This trial's sampler for a draw site.
    pub(crate) fn sampler(&mut self, spec: &DrawSpec) -> Fast {
        match spec {
            DrawSpec::Fixed(fast, _) => fast.clone(),
            DrawSpec::PerTrial(dist) => self.dist(dist),
        }
    }

    /// This trial's distribution for a draw site, converted and as given
    /// (the fast path needs the latter's probabilities).
    pub(crate) fn sampler_with_law(&mut self, spec: &DrawSpec) -> (Fast, Sampler) {
        match spec {
            DrawSpec::Fixed(fast, sampler) => (fast.clone(), sampler.clone()),
            DrawSpec::PerTrial(dist) => {
                let sampler = self.resolve(dist);
                (Fast::new(&sampler), sampler)
            }
        }
    }

    /// A distribution with this trial's parameters.
    pub(crate) fn dist(&mut self, dist: &Dist) -> Fast {
        Fast::new(&self.resolve(dist))
    }

    /// The sampler of a distribution with this trial's parameters.
    pub(crate) fn resolve(&mut self, dist: &Dist) -> Sampler {
        let mut moved = 0u64;
        let resolved = dist.resolve(&mut |v| {
            let before = self.clamped;
            let x = self.value(v);
            moved += self.clamped - before;
            (x, self.clamped > before)
        });
        // `resolve` flags a replaced combination as clamped too; count it
        // once when no individual draw explains the flag.
        if resolved.clamped && moved == 0 {
            self.clamped += 1;
        }
        resolved.sampler
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use costintent_scenario::{Domain, LogNormalParams};

    #[test]
    fn fixed_distributions_convert_once() {
        let d = Dist::Poisson { mean: Value::Fixed(4.0) };
        assert!(matches!(DrawSpec::from_dist(&d), DrawSpec::Fixed(Fast::Poisson(_), _)));
        assert!(matches!(DrawSpec::new(&Draw::Const(3.0)), DrawSpec::Fixed(Fast::Const(3.0), _)));
    }

    #[test]
    fn per_trial_values_are_clamped_and_counted() {
        // A rate drawn from Uniform(−1, 2): about two thirds of draws fall
        // outside [0, 1] and are clamped.
        let rate = Value::PerTrial {
            dist: Box::new(Dist::Uniform { min: Value::Fixed(-1.0), max: Value::Fixed(2.0) }),
            domain: Domain::Probability,
        };
        let mut rng = stream(1, 0, 0, Stream::Params);
        let mut p = ParamDraws::new(&mut rng);
        let n = 30_000;
        for _ in 0..n {
            let x = p.value(&rate);
            assert!((0.0..=1.0).contains(&x));
        }
        let share = p.clamped as f64 / f64::from(n);
        // Binomial(30000, 2/3): sd of the share ≈ 0.0027; 5 sd.
        assert!((share - 2.0 / 3.0).abs() < 0.014, "{share}");
    }

    #[test]
    fn invalid_combinations_count_once() {
        // p90 drawn in [1, 2) is always below the median 100: replaced.
        let d = Dist::LogNormal(LogNormalParams::MedianP90 {
            median: Value::Fixed(100.0),
            p90: Value::PerTrial {
                dist: Box::new(Dist::Uniform { min: Value::Fixed(1.0), max: Value::Fixed(2.0) }),
                domain: Domain::Positive,
            },
        });
        let spec = DrawSpec::from_dist(&d);
        assert!(matches!(spec, DrawSpec::PerTrial(_)));
        let mut rng = stream(1, 0, 0, Stream::Params);
        let mut p = ParamDraws::new(&mut rng);
        let fast = p.sampler(&spec);
        assert_eq!(p.clamped, 1);
        // The nearest valid lognormal has sigma 0: a constant at the median.
        match fast {
            Fast::Const(x) => assert!((x - 100.0).abs() < 1e-9),
            other => panic!("unexpected {other:?}"),
        }
    }
}
