//! The uncertain assumptions of a scenario: every parameter written as a
//! distribution (drawn once per trial), with the key path that sets it.
//!
//! Sensitivity analysis fixes one of them at a time, through an
//! [`Override`](crate::Override) on its path, so that it goes through the
//! same validation as the file itself.

use crate::model::{
    DayCount, Dist, Domain, Draw, LogNormalParams, NegBinSpread, RateShape, Scenario, Value,
    Volume, WorkloadKind,
};

/// One uncertain parameter.
#[derive(Clone, Debug)]
pub struct UncertainParameter {
    /// `workload.key.param`, as an override path (`agent.sessions.mean`).
    pub path: String,
    /// The distribution the parameter is drawn from.
    pub dist: Dist,
    /// Where the drawn value must lie.
    pub domain: Domain,
}

impl UncertainParameter {
    /// The parameter's `p`-quantile, clamped to its domain; `None` when the
    /// distribution's own parameters are uncertain too.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let sampler = self.dist.fixed_sampler()?.ok()?;
        Some(self.domain.clamp(sampler.quantile(p)).0)
    }
}

impl Scenario {
    /// Every uncertain parameter, in file order.
    pub fn uncertain_parameters(&self) -> Vec<UncertainParameter> {
        let mut out = Vec::new();
        for w in &self.workloads {
            let mut c = Collector { prefix: w.name.clone(), out: &mut out };
            c.value("failures.rate", &w.failures.rate);
            c.value("failures.retries", &w.failures.retries);
            let timeout_key = if matches!(w.kind, WorkloadKind::Video(_)) {
                "duration"
            } else {
                "timeout.latency"
            };
            if let Some(t) = &w.timeout {
                c.draw(timeout_key, &t.latency);
            }
            match &w.kind {
                WorkloadKind::Requests(r) => {
                    c.volume("requests", &r.requests);
                    c.draw("input", &r.input);
                    c.draw("output", &r.output);
                    if let Some(d) = &r.reasoning {
                        c.draw("reasoning", d);
                    }
                    c.value("cached", &r.cached);
                }
                WorkloadKind::Agent(a) => {
                    c.volume("sessions", &a.sessions);
                    c.draw("turns", &a.turns);
                    c.draw("input", &a.input);
                    c.draw("output", &a.output);
                    if let Some(d) = &a.reasoning {
                        c.draw("reasoning", d);
                    }
                    if let Some(t) = &a.tools {
                        c.draw("tools.calls", &t.calls);
                        c.draw("tools.output", &t.output);
                    }
                    if let Some(cache) = &a.cache {
                        c.draw("cache.gap", &cache.gap);
                    }
                }
                WorkloadKind::Image(i) => {
                    c.volume("requests", &i.requests);
                    c.draw("n", &i.n);
                    c.value("regenerate", &i.regenerate);
                }
                WorkloadKind::Video(v) => {
                    c.volume("requests", &v.requests);
                    c.draw("seconds", &v.seconds);
                }
                WorkloadKind::Realtime(r) => {
                    c.volume("sessions", &r.sessions);
                    c.draw("minutes", &r.minutes);
                    c.value("turns_per_minute", &r.turns_per_minute);
                    c.value("user_share", &r.user_share);
                }
            }
        }
        out
    }
}

struct Collector<'a> {
    prefix: String,
    out: &'a mut Vec<UncertainParameter>,
}

impl Collector<'_> {
    fn value(&mut self, key: &str, v: &Value) {
        if let Value::PerTrial { dist, domain } = v {
            self.out.push(UncertainParameter {
                path: format!("{}.{key}", self.prefix),
                dist: (**dist).clone(),
                domain: *domain,
            });
        }
    }

    fn draw(&mut self, key: &str, d: &Draw) {
        if let Draw::Dist(dist) = d {
            self.dist(key, dist);
        }
    }

    fn volume(&mut self, key: &str, v: &Volume) {
        match v {
            Volume::Fixed(_) => {}
            Volume::PerPeriod(dist) | Volume::PerUnit { dist, .. } => self.dist(key, dist),
            Volume::Profile(p) => {
                match &p.shape {
                    RateShape::Ramp { from, to } => {
                        self.value(&format!("{key}.ramp.from"), from);
                        self.value(&format!("{key}.ramp.to"), to);
                    }
                    RateShape::Growth { start, rate, every } => {
                        self.value(&format!("{key}.mean"), start);
                        self.value(&format!("{key}.growth.per_{}", every.keyword()), rate);
                    }
                    RateShape::Daily(_) => {}
                }
                if let DayCount::Scaled(dist) = &p.count {
                    self.dist(key, dist);
                }
            }
        }
    }

    fn dist(&mut self, key: &str, dist: &Dist) {
        let mut param = |name: &str, v: &Value| self.value(&format!("{key}.{name}"), v);
        match dist {
            Dist::Poisson { mean } | Dist::Geometric { mean } => param("mean", mean),
            Dist::NegBin { mean, spread } => {
                param("mean", mean);
                match spread {
                    NegBinSpread::P90(p90) => param("p90", p90),
                    NegBinSpread::Sd(sd) => param("sd", sd),
                }
            }
            Dist::LogNormal(LogNormalParams::MedianP90 { median, p90 }) => {
                param("median", median);
                param("p90", p90);
            }
            Dist::LogNormal(LogNormalParams::MeanSd { mean, sd })
            | Dist::Normal { mean, sd }
            | Dist::Gamma { mean, sd }
            | Dist::Beta { mean, sd } => {
                param("mean", mean);
                param("sd", sd);
            }
            Dist::Uniform { min, max } => {
                param("min", min);
                param("max", max);
            }
            Dist::Choice(_) => {}
        }
    }
}
