//! Where the money goes: spend split by workload × billing unit, plus wallet
//! fees, as a share of mean spend and as a share of spend in the costly
//! trials.
//!
//! The lines add up to the total in every trial: a workload's spend that no
//! billing unit accounts for becomes an `other` line, and total spend that
//! neither workloads nor wallet fees account for becomes an `unattributed`
//! line. Those two lines appear only when they exceed a micro-dollar in some
//! trial, so with a consistent engine they never show.

use costintent_sim::{Outcomes, Unit};

use crate::sketch::{BreakdownColumn, SketchedOutcomes};

use crate::stats::mean;

/// Residuals up to this many USD in every trial are rounding, not money.
const RESIDUAL_USD: f64 = 1e-6;

/// What a breakdown line counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BreakdownItem {
    /// One billing unit of one workload.
    Unit {
        /// The workload.
        workload: String,
        /// The unit.
        unit: Unit,
    },
    /// A workload's spend that its billing units do not account for.
    WorkloadOther {
        /// The workload.
        workload: String,
    },
    /// Purchase fees of a wallet's top-ups.
    PurchaseFees {
        /// The wallet.
        wallet: String,
    },
    /// A wallet's fee on every charge.
    UsageFees {
        /// The wallet.
        wallet: String,
    },
    /// Total spend that no workload or wallet accounts for.
    Unattributed,
}

impl BreakdownItem {
    /// The workload the line belongs to, if any.
    pub fn workload(&self) -> Option<&str> {
        match self {
            Self::Unit { workload, .. } | Self::WorkloadOther { workload } => Some(workload),
            _ => None,
        }
    }

    /// The wallet the line belongs to, if any.
    pub fn wallet(&self) -> Option<&str> {
        match self {
            Self::PurchaseFees { wallet } | Self::UsageFees { wallet } => Some(wallet),
            _ => None,
        }
    }

    /// The machine key of what is counted (`input_tokens`, `purchase_fees`, …).
    pub fn key(&self) -> &'static str {
        match self {
            Self::Unit { unit, .. } => unit.json_key(),
            Self::WorkloadOther { .. } => "other",
            Self::PurchaseFees { .. } => "purchase_fees",
            Self::UsageFees { .. } => "usage_fees",
            Self::Unattributed => "unattributed",
        }
    }
}

/// One line of the breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakdownLine {
    /// What the line counts.
    pub item: BreakdownItem,
    /// Mean USD per trial.
    pub usd_mean: f64,
    /// `usd_mean` over the mean total spend.
    pub share_of_mean: f64,
    /// The line's share of spend summed over the p90 trial set (the trials
    /// whose total is at least the p90): what drives the expensive months.
    pub share_in_tail: f64,
}

/// The breakdown of `outcomes`, with the tail set being the trials whose
/// total is at least `tail_threshold`. Columns must already be checked to
/// have one value per trial.
pub(crate) fn breakdown(outcomes: &Outcomes, tail_threshold: f64) -> Vec<BreakdownLine> {
    let n = outcomes.trials();
    let in_tail: Vec<bool> = outcomes.total.iter().map(|&t| t >= tail_threshold).collect();
    let total_mean = mean(&outcomes.total);
    let tail_total = tail_sum(&outcomes.total, &in_tail);
    let line = |item: BreakdownItem, usd: &[f64]| {
        let usd_mean = mean(usd);
        BreakdownLine {
            item,
            usd_mean,
            share_of_mean: ratio(usd_mean, total_mean),
            share_in_tail: ratio(tail_sum(usd, &in_tail), tail_total),
        }
    };

    let mut lines = Vec::new();
    let mut accounted = vec![0.0; n];
    for workload in &outcomes.workloads {
        let mut units_sum = vec![0.0; n];
        for series in &workload.units {
            add(&mut units_sum, &series.usd);
            lines.push(line(
                BreakdownItem::Unit { workload: workload.name.clone(), unit: series.unit },
                &series.usd,
            ));
        }
        let other: Vec<f64> = workload.spend.iter().zip(&units_sum).map(|(s, u)| s - u).collect();
        if is_material(&other) {
            lines.push(line(
                BreakdownItem::WorkloadOther { workload: workload.name.clone() },
                &other,
            ));
        }
        add(&mut accounted, &workload.spend);
    }
    for wallet in &outcomes.wallets {
        lines.push(line(
            BreakdownItem::PurchaseFees { wallet: wallet.name.clone() },
            &wallet.purchase_fees,
        ));
        add(&mut accounted, &wallet.purchase_fees);
        if wallet.usage_fees.iter().any(|&fee| fee != 0.0) {
            lines.push(line(
                BreakdownItem::UsageFees { wallet: wallet.name.clone() },
                &wallet.usage_fees,
            ));
        }
        add(&mut accounted, &wallet.usage_fees);
    }
    let unattributed: Vec<f64> =
        outcomes.total.iter().zip(&accounted).map(|(t, a)| t - a).collect();
    if is_material(&unattributed) {
        lines.push(line(BreakdownItem::Unattributed, &unattributed));
    }
    lines
}

/// The breakdown of a run kept as sketches, with the p90+ set read by
/// sketch bucket (the trials in the bucket of `tail_threshold` and above),
/// and the number of trials in that set. The same lines, in the same
/// order and on the same conditions, as [`breakdown`].
pub(crate) fn breakdown_sketched(
    outcomes: &SketchedOutcomes,
    tail_threshold: f64,
) -> (Vec<BreakdownLine>, u64) {
    let n = outcomes.trials() as f64;
    let columns = outcomes.breakdown_columns();
    let (sums, tail_trials) = outcomes.breakdown_sums(tail_threshold);
    let Some(&(total_sum, tail_total, _)) = sums.last() else { return (Vec::new(), 0) };
    let total_mean = total_sum / n;
    let mut lines = Vec::new();
    for (column, &(sum, tail, largest)) in columns.iter().zip(&sums) {
        let item = match column {
            BreakdownColumn::Unit { workload, unit } => BreakdownItem::Unit {
                workload: outcomes.workloads[*workload].name.clone(),
                unit: *unit,
            },
            BreakdownColumn::WorkloadOther { workload } if largest > RESIDUAL_USD => {
                BreakdownItem::WorkloadOther {
                    workload: outcomes.workloads[*workload].name.clone(),
                }
            }
            BreakdownColumn::PurchaseFees { wallet } => {
                BreakdownItem::PurchaseFees { wallet: outcomes.wallets[*wallet].name.clone() }
            }
            BreakdownColumn::UsageFees { wallet } if largest != 0.0 => {
                BreakdownItem::UsageFees { wallet: outcomes.wallets[*wallet].name.clone() }
            }
            BreakdownColumn::Unattributed if largest > RESIDUAL_USD => BreakdownItem::Unattributed,
            _ => continue,
        };
        let usd_mean = sum / n;
        lines.push(BreakdownLine {
            item,
            usd_mean,
            share_of_mean: ratio(usd_mean, total_mean),
            share_in_tail: ratio(tail, tail_total),
        });
    }
    (lines, tail_trials)
}

/// `numerator / denominator`, or 0 when the denominator is 0 (no spend at
/// all: every line is then 0% of it).
pub(crate) fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 { 0.0 } else { numerator / denominator }
}

fn add(into: &mut [f64], values: &[f64]) {
    for (acc, v) in into.iter_mut().zip(values) {
        *acc += v;
    }
}

fn tail_sum(values: &[f64], in_tail: &[bool]) -> f64 {
    values.iter().zip(in_tail).filter(|(_, t)| **t).map(|(v, _)| v).sum()
}

fn is_material(residual: &[f64]) -> bool {
    residual.iter().any(|r| r.abs() > RESIDUAL_USD)
}
