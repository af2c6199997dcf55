//! `run --sensitivity`: which uncertain assumptions move p90 spend most.
//!
//! One at a time: every uncertain parameter (a parameter written as a
//! distribution) is fixed at its median for the base run; then each one in
//! turn is set to its p10 and to its p90 while the others stay at their
//! medians. All runs share the seed, so trial i sees the same usage draws in
//! every run (common random numbers) and the differences are the
//! assumption's effect, not noise. Parameters are fixed through overrides,
//! so each run is validated exactly like the file.

use std::fmt::Write as _;
use std::path::Path;

use costintent_report::charts::{Chart, ChartError, tornado};
use costintent_report::stats::Summary;
use costintent_report::{format, json_money};
use costintent_scenario::{Catalog, Override, UncertainParameter};
use costintent_sim::SimOptions;
use serde_json::{Value, json};

use crate::cli::SimArgs;
use crate::error::CliError;

/// The result: p90 spend of the base run and of each assumption at its p10
/// and p90.
#[derive(Clone, Debug)]
pub(crate) struct Sensitivity {
    base_p90: f64,
    rows: Vec<Row>,
    /// Parameters that could not be varied (their own parameters are
    /// uncertain), with the reason.
    skipped: Vec<String>,
}

#[derive(Clone, Debug)]
struct Row {
    path: String,
    low_value: f64,
    high_value: f64,
    p90_at_low: f64,
    p90_at_high: f64,
}

impl Row {
    fn swing(&self) -> f64 {
        (self.p90_at_high - self.p90_at_low).abs()
    }
}

pub(crate) fn sensitivity(
    scenario_path: &Path,
    catalog: &Catalog,
    sim: &SimArgs,
    options: &SimOptions,
    budget: Option<f64>,
) -> Result<Sensitivity, CliError> {
    let _ = budget;
    let base = super::load_scenario(scenario_path, catalog, &[])?.scenario;
    let mut params: Vec<(UncertainParameter, [f64; 3])> = Vec::new();
    let mut skipped = Vec::new();
    for p in base.uncertain_parameters() {
        match (p.quantile(0.1), p.quantile(0.5), p.quantile(0.9)) {
            (Some(lo), Some(mid), Some(hi)) => {
                let q = if p.path.ends_with("retries") {
                    [lo.round(), mid.round(), hi.round()]
                } else {
                    [lo, mid, hi]
                };
                params.push((p, q));
            }
            _ => skipped
                .push(format!("{}: its distribution has uncertain parameters itself", p.path)),
        }
    }
    let at = |i: Option<(usize, usize)>| -> Vec<Override> {
        params
            .iter()
            .enumerate()
            .map(|(j, (p, q))| {
                let which = match i {
                    Some((k, level)) if k == j => level,
                    _ => 1,
                };
                Override { path: p.path.clone(), value: format!("{:?}", q[which]) }
            })
            .collect()
    };
    let p90_of = |overrides: &[Override], label: &str| -> Result<f64, CliError> {
        let checked = super::load_scenario(scenario_path, catalog, overrides)?;
        let outcomes = super::simulate(&checked.scenario, options, label, sim.quiet)?;
        Summary::of(&outcomes.total)
            .map(|s| s.p90.value)
            .ok_or_else(|| CliError::runtime("the simulation returned no trials"))
    };
    let base_p90 = p90_of(&at(None), "sensitivity: base")?;
    let mut rows = Vec::new();
    for (i, (p, q)) in params.iter().enumerate() {
        let p90_at_low = p90_of(&at(Some((i, 0))), &format!("{} at p10", p.path))?;
        let p90_at_high = p90_of(&at(Some((i, 2))), &format!("{} at p90", p.path))?;
        rows.push(Row {
            path: p.path.clone(),
            low_value: q[0],
            high_value: q[2],
            p90_at_low,
            p90_at_high,
        });
    }
    rows.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then_with(|| a.path.cmp(&b.path)));
    Ok(Sensitivity { base_p90, rows, skipped })
}

impl Sensitivity {
    /// The tornado chart, or `None` when there is nothing to rank.
    pub(crate) fn chart(&self) -> Result<Option<Chart>, ChartError> {
        if self.rows.is_empty() {
            return Ok(None);
        }
        let rows: Vec<(String, f64, f64)> =
            self.rows.iter().map(|r| (r.path.clone(), r.p90_at_low, r.p90_at_high)).collect();
        tornado(self.base_p90, &rows, "p90 spend with each assumption at its p10 and p90").map(Some)
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "method": "one at a time: each uncertain parameter at its p10 and p90, the others at their medians, common random numbers",
            "base_p90": json_money(self.base_p90),
            "assumptions": self.rows.iter().map(|r| json!({
                "path": r.path,
                "p10": r.low_value,
                "p90": r.high_value,
                "p90_spend_at_p10": json_money(r.p90_at_low),
                "p90_spend_at_p90": json_money(r.p90_at_high),
                "swing": json_money(r.swing()),
            })).collect::<Vec<_>>(),
            "skipped": self.skipped,
        })
    }

    pub(crate) fn render_table(&self) -> String {
        let mut out = String::from(
            "Sensitivity of p90 spend (one assumption at a time, others at their medians)\n",
        );
        if self.rows.is_empty() {
            out.push_str(
                "  no uncertain assumptions to rank: write a parameter as a distribution, for example\n  rate = { dist = \"beta\", mean = 0.03, sd = 0.01 }\n",
            );
        } else {
            let _ = writeln!(out, "  base p90 (all at medians): {}", format::usd(self.base_p90));
            let _ = writeln!(
                out,
                "  {:<32} {:>12} {:>12} {:>14} {:>14} {:>10}",
                "assumption", "p10", "p90", "p90 $ at p10", "p90 $ at p90", "swing"
            );
            for r in &self.rows {
                let _ = writeln!(
                    out,
                    "  {:<32} {:>12} {:>12} {:>14} {:>14} {:>10}",
                    r.path,
                    short(r.low_value),
                    short(r.high_value),
                    format::usd(r.p90_at_low),
                    format::usd(r.p90_at_high),
                    format::usd(r.swing())
                );
            }
        }
        for s in &self.skipped {
            let _ = writeln!(out, "  skipped {s}");
        }
        out
    }

    pub(crate) fn render_markdown(&self) -> String {
        let mut out = String::from(
            "# Sensitivity of p90 spend\n\nOne assumption at a time at its p10 and p90, the others at their medians; every run uses the same random numbers.\n\n",
        );
        if self.rows.is_empty() {
            out.push_str("No uncertain assumptions to rank.\n");
            return out;
        }
        let _ = writeln!(
            out,
            "Base p90 (all assumptions at their medians): {}\n",
            md_usd(self.base_p90)
        );
        out.push_str("| assumption | p10 | p90 | p90 spend at p10 | p90 spend at p90 | swing |\n|---|---:|---:|---:|---:|---:|\n");
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                r.path,
                short(r.low_value),
                short(r.high_value),
                md_usd(r.p90_at_low),
                md_usd(r.p90_at_high),
                md_usd(r.swing())
            );
        }
        out.push_str("\n![tornado](tornado.svg)\n");
        out
    }
}

/// A parameter value with four significant digits (`3,200`, `0.1032`).
fn short(x: f64) -> String {
    if x.abs() >= 1000.0 {
        format::quantity(x.round())
    } else {
        let digits =
            if x == 0.0 { 0 } else { (3 - x.abs().log10().floor() as i32).max(0) as usize };
        let s = format!("{x:.digits$}");
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
    }
}

/// Dollars for Markdown, escaped so that GitHub does not read `$a … $b` as maths.
fn md_usd(x: f64) -> String {
    format::usd(x).replace('$', "\\$")
}
