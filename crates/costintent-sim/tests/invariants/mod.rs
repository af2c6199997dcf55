//! The engine's invariants, checked on any run's outcomes.
//!
//! Shared by the property tests (`tests/properties.rs`) and the fuzz
//! targets that simulate what they parse (`fuzz/checks/simulate.rs`
//! includes this file), so that both hold the engine to the same rules:
//!
//! - every number is finite; spend, waste, counts, quantities and fees are
//!   never negative;
//! - a trial's total is its workloads' spend plus every wallet's purchase
//!   and usage fees;
//! - a workload's spend is the sum of its billing units' USD, and a unit
//!   with no quantity costs nothing;
//! - attempts ≥ requests ≥ lost, and waste ≤ spend;
//! - a wallet never uses more credit than it bought;
//! - every column has one value per trial, and the reported percentiles of
//!   the total (through the report crate's statistics) are ordered, each
//!   inside its confidence interval and between the smallest and the
//!   largest trial.
//!
//! Sums are compared with a relative tolerance of 1e-9: the engine adds in
//! its own order, and a few ulps of rounding are not a broken invariant.

#![allow(dead_code, unreachable_pub)]

use costintent_report::stats::{QuantileEstimate, Summary};
use costintent_sim::Outcomes;

/// How far two sums of the same money may differ through rounding.
const RELATIVE_TOLERANCE: f64 = 1e-9;

/// Whether `a` and `b` are the same amount up to rounding.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= RELATIVE_TOLERANCE * (1.0 + a.abs().max(b.abs()))
}

/// Whether `a ≤ b` up to rounding.
fn at_most(a: f64, b: f64) -> bool {
    a <= b || same(a, b)
}

/// Collects the first violations (a run breaks an invariant in every trial
/// alike, so a few lines say enough).
#[derive(Debug, Default)]
struct Found {
    lines: Vec<String>,
}

impl Found {
    const KEEP: usize = 12;

    fn check(&mut self, ok: bool, line: impl FnOnce() -> String) {
        if !ok && self.lines.len() < Self::KEEP {
            self.lines.push(line());
        }
    }
}

/// Every broken invariant of `outcomes`, a run of `trials` trials of a
/// scenario with `workloads` workloads and `wallets` wallets (empty when all
/// hold).
pub fn violations(
    outcomes: &Outcomes,
    trials: usize,
    workloads: usize,
    wallets: usize,
) -> Vec<String> {
    let mut found = Found::default();
    let f = &mut found;
    f.check(outcomes.total.len() == trials, || {
        format!("{} totals for {trials} trials", outcomes.total.len())
    });
    f.check(outcomes.workloads.len() == workloads, || {
        format!("{} workload outcomes for {workloads} workloads", outcomes.workloads.len())
    });
    f.check(outcomes.methods.len() == workloads, || {
        format!("{} methods for {workloads} workloads", outcomes.methods.len())
    });
    f.check(outcomes.wallets.len() == wallets, || {
        format!("{} wallet outcomes for {wallets} wallets", outcomes.wallets.len())
    });
    if !f.lines.is_empty() {
        return found.lines;
    }
    let columns_of = |name: &str, columns: &[(&str, &Vec<f64>)], f: &mut Found| {
        for (column, values) in columns {
            f.check(values.len() == trials, || {
                format!("{name}: {} values of `{column}` for {trials} trials", values.len())
            });
        }
    };
    for w in &outcomes.workloads {
        let mut columns = vec![
            ("spend", &w.spend),
            ("waste", &w.waste),
            ("attempts", &w.attempts),
            ("requests", &w.requests),
            ("lost", &w.lost),
        ];
        for u in &w.units {
            columns.push(("quantity", &u.quantity));
            columns.push(("usd", &u.usd));
        }
        columns_of(&w.name, &columns, f);
    }
    for w in &outcomes.wallets {
        columns_of(
            &w.name,
            &[
                ("topups", &w.topups),
                ("purchase_fees", &w.purchase_fees),
                ("usage_fees", &w.usage_fees),
                ("credits_bought", &w.credits_bought),
                ("credits_used", &w.credits_used),
            ],
            f,
        );
    }
    if !f.lines.is_empty() {
        return found.lines;
    }

    for t in 0..trials {
        trial(outcomes, t, f);
    }
    percentiles(&outcomes.total, f);
    found.lines
}

/// A non-negative finite number.
fn amount(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

fn trial(outcomes: &Outcomes, t: usize, f: &mut Found) {
    let total = outcomes.total[t];
    f.check(amount(total), || format!("trial {t}: total {total} is not a finite amount ≥ 0"));
    let mut sum = 0.0;
    for w in &outcomes.workloads {
        let name = &w.name;
        let (spend, waste) = (w.spend[t], w.waste[t]);
        let (attempts, requests, lost) = (w.attempts[t], w.requests[t], w.lost[t]);
        for (what, x) in
            [("spend", spend), ("waste", waste), ("attempts", attempts), ("requests", requests)]
        {
            f.check(amount(x), || format!("trial {t}, {name}: {what} {x} is not finite and ≥ 0"));
        }
        f.check(amount(lost), || format!("trial {t}, {name}: lost {lost} is not finite and ≥ 0"));
        sum += spend;
        let mut units = 0.0;
        for u in &w.units {
            let (q, usd) = (u.quantity[t], u.usd[t]);
            let unit = u.unit.json_key();
            f.check(amount(q) && amount(usd), || {
                format!(
                    "trial {t}, {name}: {unit} quantity {q} or USD {usd} is negative or not finite"
                )
            });
            f.check(q > 0.0 || usd == 0.0, || {
                format!("trial {t}, {name}: {unit} costs ${usd} for a quantity of {q}")
            });
            units += usd;
        }
        f.check(same(spend, units), || {
            format!("trial {t}, {name}: spend {spend} is not the sum of its units' USD {units}")
        });
        f.check(at_most(requests, attempts), || {
            format!("trial {t}, {name}: {requests} requests but only {attempts} attempts")
        });
        f.check(at_most(lost, requests), || {
            format!("trial {t}, {name}: {lost} lost of {requests} requests")
        });
        f.check(at_most(waste, spend), || {
            format!("trial {t}, {name}: waste {waste} is more than the spend {spend}")
        });
    }
    for w in &outcomes.wallets {
        let name = &w.name;
        let columns = [
            ("topups", w.topups[t]),
            ("purchase_fees", w.purchase_fees[t]),
            ("usage_fees", w.usage_fees[t]),
            ("credits_bought", w.credits_bought[t]),
            ("credits_used", w.credits_used[t]),
        ];
        for (what, x) in columns {
            f.check(amount(x), || {
                format!("trial {t}, wallet {name}: {what} {x} is not finite and ≥ 0")
            });
        }
        let (bought, used) = (w.credits_bought[t], w.credits_used[t]);
        f.check(at_most(used, bought), || {
            format!("trial {t}, wallet {name}: used {used} credits of {bought} bought")
        });
        sum += w.purchase_fees[t] + w.usage_fees[t];
    }
    f.check(same(total, sum), || {
        format!("trial {t}: total {total} is not the workloads' spend plus the wallets' fees {sum}")
    });
}

/// The report's percentiles of the total: ordered, each inside its interval,
/// all between the smallest and the largest trial.
fn percentiles(total: &[f64], f: &mut Found) {
    if total.iter().any(|x| !x.is_finite()) {
        return; // already reported per trial
    }
    let Some(s) = Summary::of(total) else {
        f.check(total.is_empty(), || "no summary of a non-empty total".to_owned());
        return;
    };
    let ps: [&QuantileEstimate; 4] = [&s.p50, &s.p90, &s.p95, &s.p99];
    f.check(s.min <= s.p50.value, || format!("min {} above p50 {}", s.min, s.p50.value));
    for pair in ps.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        f.check(a.value <= b.value, || {
            format!("p{} = {} above p{} = {}", a.p * 100.0, a.value, b.p * 100.0, b.value)
        });
    }
    f.check(s.p99.value <= s.max, || format!("p99 {} above max {}", s.p99.value, s.max));
    for q in ps {
        f.check(q.ci.lo <= q.value && q.value <= q.ci.hi, || {
            format!("p{} = {} outside its interval {:?}", q.p * 100.0, q.value, q.ci)
        });
        f.check(s.min <= q.ci.lo && q.ci.hi <= s.max, || {
            format!("the interval {:?} of p{} leaves [min, max]", q.ci, q.p * 100.0)
        });
    }
    f.check(at_most(s.min, s.mean) && at_most(s.mean, s.max), || {
        format!("mean {} outside [{}, {}]", s.mean, s.min, s.max)
    });
}
