//! Renderers of a [`Comparison`]: JSON, Markdown, HTML and a terminal table.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use super::{COMPARE_SCHEMA, Comparison, Difference};
use crate::document::{Block, ChartKind, ChartLinks, ChartSvgs, Document, Inline, Table};
use crate::format::{percent, period_words, plain_number, usd};
use crate::json::{money, summary_ci_json, summary_json};
use crate::stats::{CONFIDENCE, z_for_level};
use crate::table::{Cell, Column, Grid, Painter};

const BOLD: anstyle::Style = anstyle::Style::new().bold();

impl Difference {
    /// The answer in one sentence: "switching from A to B saves $X at p50
    /// and $Y at p90; B is cheaper in Z% of trials".
    pub fn verdict(&self) -> String {
        format!(
            "switching from {} to {} {}; {} is cheaper in {} of trials",
            self.baseline,
            self.run,
            changes_words(self.p50_change, self.p90_change),
            self.run,
            percent(self.cheaper.estimate)
        )
    }
}

/// The p50 and p90 changes in words, sharing the verb when both go the
/// same way: `saves $X at p50 and $Y at p90`.
fn changes_words(p50: f64, p90: f64) -> String {
    if p50 < 0.0 && p90 < 0.0 {
        format!("saves {} at p50 and {} at p90", usd(-p50), usd(-p90))
    } else if p50 > 0.0 && p90 > 0.0 {
        format!("costs {} more at p50 and {} more at p90", usd(p50), usd(p90))
    } else {
        format!("{} and {}", change_words(p50, "p50"), change_words(p90, "p90"))
    }
}

/// `saves $X at p50`, `costs $X more at p90` or `changes nothing at p50`.
fn change_words(change: f64, label: &str) -> String {
    if change < 0.0 {
        format!("saves {} at {label}", usd(-change))
    } else if change > 0.0 {
        format!("costs {} more at {label}", usd(change))
    } else {
        format!("changes nothing at {label}")
    }
}

impl Comparison {
    /// The comparison as JSON (schema `costintent.compare/v1`). Money is
    /// rounded to a micro-dollar, as in the run report.
    pub fn to_json(&self) -> Value {
        let z = z_for_level(CONFIDENCE).unwrap_or(1.959_963_984_540_054);
        let runs: Vec<Value> = self
            .runs
            .iter()
            .map(|run| {
                let workloads: Map<String, Value> =
                    run.workloads.iter().map(|(name, mean)| (name.clone(), money(*mean))).collect();
                json!({
                    "name": run.name,
                    "scenario": run.scenario,
                    "total": summary_json(&run.total),
                    "total_ci": summary_ci_json(&run.total, z),
                    "budget": run.budget.map(money),
                    "p_exceed": run.exceed.map(|p| p.estimate),
                    "p_exceed_ci": run.exceed.map(|p| [p.ci.lo, p.ci.hi]),
                    "workload_spend_mean": workloads,
                })
            })
            .collect();
        let differences: Vec<Value> = self
            .differences
            .iter()
            .map(|d| {
                json!({
                    "baseline": d.baseline,
                    "run": d.run,
                    "per_trial": {
                        "mean": money(d.per_trial.mean),
                        "mean_stderr": money(d.per_trial.mean_stderr),
                        "sd": money(d.per_trial.sd),
                        "min": money(d.per_trial.min),
                        "p50": money(d.per_trial.p50.value),
                        "p90": money(d.per_trial.p90.value),
                        "max": money(d.per_trial.max),
                        "ci": summary_ci_json(&d.per_trial, z),
                    },
                    "percentile_change": {
                        "mean": money(d.mean_change),
                        "p50": money(d.p50_change),
                        "p90": money(d.p90_change),
                        "p95": money(d.p95_change),
                        "p99": money(d.p99_change),
                    },
                    "cheaper_share": d.cheaper.estimate,
                    "cheaper_share_ci": [d.cheaper.ci.lo, d.cheaper.ci.hi],
                    "equal_share": d.equal_trials as f64 / self.trials as f64,
                    "verdict": d.verdict(),
                    "workloads": d.workloads.iter().map(|w| json!({
                        "name": w.name,
                        "wallet_fees": w.wallet_fees,
                        "baseline_mean": w.baseline_mean.map(money),
                        "run_mean": w.run_mean.map(money),
                        "mean_change": money(w.per_trial.mean),
                        "per_trial": {
                            "mean_stderr": money(w.per_trial.mean_stderr),
                            "p50": money(w.per_trial.p50.value),
                            "p90": money(w.per_trial.p90.value),
                        },
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "schema": COMPARE_SCHEMA,
            "trials": self.trials,
            "first_trial": self.first_trial,
            "seed": self.seed,
            "currency": "USD",
            "period": self.period.text,
            "budget": self.budget.map(money),
            "baseline": self.runs.first().map(|r| r.name.clone()),
            "runs": runs,
            "differences": differences,
            "warnings": self.warnings,
        })
    }

    /// The comparison as Markdown; the overlaid distributions chart is
    /// linked when `charts.distributions` is set.
    pub fn render_markdown(&self, charts: &ChartLinks) -> String {
        crate::markdown::render(&self.document(), charts)
    }

    /// The comparison as one self-contained HTML page; the overlaid
    /// distributions chart is inlined when `charts.distributions` is set.
    pub fn render_html(&self, charts: &ChartSvgs) -> String {
        crate::html::render(&self.document(), charts)
    }

    /// The comparison as an aligned terminal table, styled only when
    /// `color` is true.
    pub fn render_table(&self, color: bool) -> String {
        let paint = Painter { color };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            paint.apply(
                BOLD,
                &format!(
                    "Comparison over {} trials of {} (seed {}, common random numbers)",
                    plain_number(self.trials as f64),
                    period_words(&self.period),
                    self.seed
                )
            )
        );
        out.push('\n');
        let mut columns = vec![Column::left("Spend")];
        columns.extend(self.runs.iter().map(|r| Column::right(r.name.clone())));
        let mut grid = Grid::new(columns);
        for (label, row) in self.side_by_side() {
            let mut cells = vec![Cell::plain(label)];
            cells.extend(row.into_iter().map(Cell::plain));
            grid.row(cells);
        }
        grid.render(&paint, &mut out);
        out.push('\n');
        for d in &self.differences {
            let _ = writeln!(out, "{}", paint.apply(BOLD, &capitalize(&d.verdict())));
            let _ = writeln!(
                out,
                "  per-trial difference {} − {}: mean {} ± {}, p50 {}, p90 {}",
                d.run,
                d.baseline,
                usd(d.per_trial.mean),
                usd(d.per_trial.mean_stderr),
                usd(d.per_trial.p50.value),
                usd(d.per_trial.p90.value)
            );
            let by_workload: Vec<String> = d
                .workloads
                .iter()
                .map(|w| format!("{} {}", w.name, signed_usd(w.per_trial.mean)))
                .collect();
            let _ = writeln!(out, "  mean difference by workload: {}", by_workload.join(", "));
        }
        for warning in &self.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
        out
    }

    /// Rows of the side-by-side table: a label and one cell per run.
    fn side_by_side(&self) -> Vec<(String, Vec<String>)> {
        let mut rows = vec![(
            "mean".to_owned(),
            self.runs.iter().map(|r| usd(r.total.mean)).collect::<Vec<_>>(),
        )];
        for (i, label) in ["p50", "p90", "p95", "p99"].iter().enumerate() {
            rows.push((
                (*label).to_owned(),
                self.runs.iter().map(|r| usd(r.total.percentiles()[i].1.value)).collect(),
            ));
        }
        let exceed = || -> Vec<String> {
            self.runs
                .iter()
                .map(|r| r.exceed.map_or(String::new(), |p| percent(p.estimate)))
                .collect()
        };
        if let Some(budget) = self.budget {
            rows.push((format!("P(spend > {})", usd(budget)), exceed()));
        } else if self.runs.iter().any(|r| r.budget.is_some()) {
            // Each run against its own budget (`--vary scenario.budget=…`).
            rows.push((
                "budget".to_owned(),
                self.runs.iter().map(|r| r.budget.map_or_else(|| "none".to_owned(), usd)).collect(),
            ));
            rows.push(("P(spend > budget)".to_owned(), exceed()));
        }
        rows
    }

    fn document(&self) -> Document {
        let names: Vec<&str> = self.runs.iter().map(|r| r.name.as_str()).collect();
        let mut blocks = vec![Block::Paragraph(vec![Inline::Text(format!(
            "{} trials of {} per run, seed {}. Every run saw the same usage draws in the same \
             trial (common random numbers), so per-trial differences show the effect of what \
             changed, not usage noise.",
            plain_number(self.trials as f64),
            period_words(&self.period),
            self.seed
        ))])];
        for d in &self.differences {
            blocks.push(Block::Headline(vec![Inline::Text(capitalize(&d.verdict()) + ".")]));
        }

        blocks.push(Block::Heading(2, "Side by side".into()));
        let mut header: Vec<(&str, bool)> = vec![("spend", false)];
        header.extend(names.iter().map(|n| (*n, true)));
        let mut table = Table::new(&header);
        for (label, cells) in self.side_by_side() {
            let mut row = vec![label];
            row.extend(cells);
            table.row(row);
        }
        blocks.push(Block::Table(table));
        blocks.push(Block::Chart(ChartKind::Distributions));

        if !self.differences.is_empty() {
            blocks.push(Block::Heading(2, "Differences from the baseline".into()));
            let mut table = Table::new(&[
                ("run − baseline", false),
                ("mean difference", true),
                ("p50 of difference", true),
                ("p90 of difference", true),
                ("p50 change", true),
                ("p90 change", true),
                ("cheaper in", true),
            ]);
            for d in &self.differences {
                table.row(vec![
                    format!("{} − {}", d.run, d.baseline),
                    format!("{} ± {}", usd(d.per_trial.mean), usd(d.per_trial.mean_stderr)),
                    usd(d.per_trial.p50.value),
                    usd(d.per_trial.p90.value),
                    usd(d.p50_change),
                    usd(d.p90_change),
                    format!(
                        "{} ({} – {})",
                        percent(d.cheaper.estimate),
                        percent(d.cheaper.ci.lo),
                        percent(d.cheaper.ci.hi)
                    ),
                ]);
            }
            blocks.push(Block::Table(table));
            blocks.push(Block::Paragraph(vec![Inline::Text(
                "The difference columns describe the per-trial difference (negative: the run \
                 costs less in that trial); the change columns are the difference of the two \
                 runs' percentiles. Intervals are 95%."
                    .into(),
            )]));
            blocks.push(Block::Heading(2, "Differences by workload".into()));
            let mut table = Table::new(&[
                ("run − baseline", false),
                ("workload", false),
                ("baseline mean", true),
                ("run mean", true),
                ("mean difference", true),
                ("p90 of difference", true),
            ]);
            let absent = |mean: Option<f64>| mean.map_or_else(|| "none".to_owned(), usd);
            for d in &self.differences {
                for w in &d.workloads {
                    table.row(vec![
                        format!("{} − {}", d.run, d.baseline),
                        w.name.clone(),
                        absent(w.baseline_mean),
                        absent(w.run_mean),
                        format!("{} ± {}", usd(w.per_trial.mean), usd(w.per_trial.mean_stderr)),
                        usd(w.per_trial.p90.value),
                    ]);
                }
            }
            blocks.push(Block::Table(table));
            blocks.push(Block::Paragraph(vec![Inline::Text(
                "Workloads are matched by name; one that only one run has counts as no spend in \
                 the other. Wallet fees (credit purchases and usage fees) belong to no workload, \
                 so they are a line of their own, and the mean differences add up to the \
                 total's."
                    .into(),
            )]));
        }
        if !self.warnings.is_empty() {
            blocks.push(Block::Heading(2, "Warnings".into()));
            blocks.push(Block::List {
                ordered: false,
                items: self.warnings.iter().map(|w| vec![Inline::Text(w.clone())]).collect(),
            });
        }
        Document { title: format!("Comparison: {}", names.join(" vs ")), blocks }
    }
}

/// Dollars with an explicit sign: `+$12.50`, `-$3.00`, `$0.00`.
fn signed_usd(x: f64) -> String {
    if x > 0.0 && usd(x) != "$0.00" { format!("+{}", usd(x)) } else { usd(x) }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_words_read_naturally() {
        assert_eq!(change_words(-12.5, "p50"), "saves $12.50 at p50");
        assert_eq!(change_words(3.0, "p90"), "costs $3.00 more at p90");
        assert_eq!(change_words(0.0, "p90"), "changes nothing at p90");
        assert_eq!(capitalize("switching"), "Switching");
        assert_eq!(changes_words(-1.0, -2.0), "saves $1.00 at p50 and $2.00 at p90");
        assert_eq!(changes_words(1.0, 2.0), "costs $1.00 more at p50 and $2.00 more at p90");
        assert_eq!(changes_words(-1.0, 2.0), "saves $1.00 at p50 and costs $2.00 more at p90");
    }
}
