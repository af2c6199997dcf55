//! The sensitivity ranking of `run --sensitivity`: which assumptions move
//! p90 spend most, and its renderers (terminal table, Markdown, JSON and the
//! tornado chart).
//!
//! The runs behind it are made by the analysis layer
//! (`costintent_analysis::sensitivity`); this module only holds and prints
//! their p90s.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::charts::{Chart, ChartError, tornado};
use crate::format::{short_number, usd};
use crate::json::money;
use crate::markdown::escape;

/// The p90 spend of the base run and of each assumption at its low and
/// high value, largest swing first.
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    /// p90 spend with every assumption at its base value.
    pub base_p90: f64,
    /// One row per assumption, sorted by swing (largest first, then by path).
    pub rows: Vec<SensitivityRow>,
    /// Assumptions that could not be varied, each with the reason.
    pub skipped: Vec<String>,
}

/// One assumption at its low and high value.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityRow {
    /// The override path that sets it (`agent.failures.rate.mean`).
    pub path: String,
    /// Its low value (the p10 of its distribution).
    pub low_value: f64,
    /// Its high value (the p90 of its distribution).
    pub high_value: f64,
    /// p90 spend with the assumption at its low value.
    pub p90_at_low: f64,
    /// p90 spend with the assumption at its high value.
    pub p90_at_high: f64,
}

impl SensitivityRow {
    /// How far apart the two p90s are.
    pub fn swing(&self) -> f64 {
        (self.p90_at_high - self.p90_at_low).abs()
    }
}

impl Sensitivity {
    /// The ranking: `rows` sorted by swing, largest first (ties by path).
    pub fn new(base_p90: f64, mut rows: Vec<SensitivityRow>, skipped: Vec<String>) -> Self {
        rows.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then_with(|| a.path.cmp(&b.path)));
        Self { base_p90, rows, skipped }
    }

    /// The tornado chart, or `None` when there is nothing to rank.
    pub fn chart(&self) -> Result<Option<Chart>, ChartError> {
        if self.rows.is_empty() {
            return Ok(None);
        }
        let rows: Vec<(String, f64, f64)> =
            self.rows.iter().map(|r| (r.path.clone(), r.p90_at_low, r.p90_at_high)).collect();
        tornado(self.base_p90, &rows, "p90 spend with each assumption at its p10 and p90").map(Some)
    }

    /// The ranking as the `sensitivity` object of the JSON report.
    pub fn to_json(&self) -> Value {
        json!({
            "method": "one at a time: each uncertain parameter at its p10 and p90, the others at their medians, common random numbers",
            "base_p90": money(self.base_p90),
            "assumptions": self.rows.iter().map(|r| json!({
                "path": r.path,
                "p10": r.low_value,
                "p90": r.high_value,
                "p90_spend_at_p10": money(r.p90_at_low),
                "p90_spend_at_p90": money(r.p90_at_high),
                "swing": money(r.swing()),
            })).collect::<Vec<_>>(),
            "skipped": self.skipped,
        })
    }

    /// The ranking as an aligned terminal table.
    pub fn render_table(&self) -> String {
        let mut out = String::from(
            "Sensitivity of p90 spend (one assumption at a time, others at their medians)\n",
        );
        if self.rows.is_empty() {
            out.push_str(
                "  no uncertain assumptions to rank: write a parameter as a distribution, for example\n  rate = { dist = \"beta\", mean = 0.03, sd = 0.01 }\n",
            );
        } else {
            let _ = writeln!(out, "  base p90 (all at medians): {}", usd(self.base_p90));
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
                    short_number(r.low_value),
                    short_number(r.high_value),
                    usd(r.p90_at_low),
                    usd(r.p90_at_high),
                    usd(r.swing())
                );
            }
        }
        for s in &self.skipped {
            let _ = writeln!(out, "  skipped {s}");
        }
        out
    }

    /// The ranking as Markdown (sensitivity.md), linking `tornado.svg`.
    pub fn render_markdown(&self) -> String {
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
                short_number(r.low_value),
                short_number(r.high_value),
                md_usd(r.p90_at_low),
                md_usd(r.p90_at_high),
                md_usd(r.swing())
            );
        }
        out.push_str("\n![tornado](tornado.svg)\n");
        out
    }
}

/// Dollars for Markdown, escaped so that GitHub does not read `$a … $b` as maths.
fn md_usd(x: f64) -> String {
    escape(&usd(x))
}
