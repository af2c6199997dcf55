//! The charts of a report, drawn from its numbers by the `charts` module.
//!
//! This is the glue between [`Report`] and the chart functions: it picks
//! the data, marks and titles, and hands back charts together with the
//! links and inline SVGs that the Markdown and HTML renderers take.

use costintent_sim::{Outcomes, Unit};

use crate::breakdown::BreakdownItem;
use crate::charts::{
    Chart, ChartError, ChartFormat, Mark, exceedance_curve, overlaid_distributions,
    spend_histogram, stacked_breakdown,
};
use crate::compare::{Comparison, Run};
use crate::document::{ChartLinks, ChartSvgs};
use crate::format::{period_words, plain_number};
use crate::report::Report;

/// Values drawn from a sketch for the histogram and exceedance curve.
pub(crate) const SKETCH_CHART_POINTS: usize = 20_000;

/// The charts of a run report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportCharts {
    /// Histogram of total spend with p50, p90 and p99 marks and the budget.
    pub histogram: Chart,
    /// P(spend > x) against x, with the budget.
    pub exceedance: Chart,
    /// Mean spend per workload (and wallet fees), stacked by billing unit.
    pub breakdown: Chart,
}

impl ReportCharts {
    /// The charts with the file names the Markdown report links to
    /// (`histogram.svg`, `exceedance.svg`, `breakdown.svg`, or `.png`),
    /// for the CLI to write next to report.md.
    pub fn files(&self, format: ChartFormat) -> [(String, &[u8]); 3] {
        let name = |stem: &str| format!("{stem}.{}", format.extension());
        [
            (name("histogram"), self.histogram.bytes(format)),
            (name("exceedance"), self.exceedance.bytes(format)),
            (name("breakdown"), self.breakdown.bytes(format)),
        ]
    }

    /// Links to the files of [`ReportCharts::files`] in `format`, for
    /// [`Report::render_markdown`].
    pub fn links(format: ChartFormat) -> ChartLinks {
        let name = |stem: &str| Some(format!("{stem}.{}", format.extension()));
        ChartLinks {
            histogram: name("histogram"),
            exceedance: name("exceedance"),
            breakdown: name("breakdown"),
            tornado: None,
            distributions: None,
        }
    }

    /// The SVGs to inline in [`Report::render_html`].
    pub fn svgs(&self) -> ChartSvgs {
        ChartSvgs {
            histogram: Some(self.histogram.svg.clone()),
            exceedance: Some(self.exceedance.svg.clone()),
            breakdown: Some(self.breakdown.svg.clone()),
            tornado: None,
            distributions: None,
        }
    }
}

impl Report {
    /// Draws the report's charts. `outcomes` must be the ones the report was
    /// built from (the histogram and exceedance curve need every trial).
    pub fn charts(&self, outcomes: &Outcomes) -> Result<ReportCharts, ChartError> {
        self.charts_of(&outcomes.total)
    }

    /// The charts of a report built from sketches: the histogram and the
    /// exceedance curve are drawn from the sketch's values at evenly spaced
    /// ranks (as many as there were trials, at most [`SKETCH_CHART_POINTS`]).
    pub fn charts_sketched(
        &self,
        outcomes: &crate::SketchedOutcomes,
    ) -> Result<ReportCharts, ChartError> {
        let n = usize::try_from(outcomes.trials()).unwrap_or(usize::MAX);
        let points = n.min(SKETCH_CHART_POINTS);
        let totals: Vec<f64> = (0..points)
            .filter_map(|j| {
                let rank = ((j as f64 + 0.5) / points as f64 * n as f64).ceil() as usize;
                outcomes.total.at_rank(rank.clamp(1, n))
            })
            .collect();
        self.charts_of(&totals)
    }

    fn charts_of(&self, totals: &[f64]) -> Result<ReportCharts, ChartError> {
        let period = period_words(&self.period);
        let budget = self.budget.map(|b| b.amount);
        let marks = [
            Mark::new("p50", self.total.p50.value),
            Mark::new("p90", self.total.p90.value),
            Mark::new("p99", self.total.p99.value),
        ];
        let histogram = spend_histogram(
            totals,
            &marks,
            budget,
            &format!("Spend per {period}: {} trials", plain_number(self.trials as f64)),
        )?;
        let exceedance = exceedance_curve(
            totals,
            budget,
            &format!("Chance that spend per {period} exceeds each amount"),
        )?;
        let (categories, series) = self.breakdown_series();
        let breakdown = stacked_breakdown(
            &categories,
            &series,
            &format!("Mean spend per {period} by workload and billing unit"),
        )?;
        Ok(ReportCharts { histogram, exceedance, breakdown })
    }

    /// One category per workload (then one per wallet with fees) and one
    /// series per billing unit, in display order, with mean USD values.
    fn breakdown_series(&self) -> (Vec<String>, Vec<(String, Vec<f64>)>) {
        let mut categories: Vec<String> = self.workloads.iter().map(|w| w.name.clone()).collect();
        for line in &self.breakdown {
            if let Some(wallet) = line.item.wallet() {
                let category = format!("wallet {wallet}");
                if line.usd_mean > 0.0 && !categories.contains(&category) {
                    categories.push(category);
                }
            }
        }
        if self.breakdown.iter().any(|l| l.item == BreakdownItem::Unattributed) {
            categories.push("unattributed".to_owned());
        }

        let mut labels: Vec<&'static str> = Vec::new();
        let mut push_label = |label: &'static str| {
            if !labels.contains(&label) {
                labels.push(label);
            }
        };
        for unit in Unit::ALL {
            for line in &self.breakdown {
                if let BreakdownItem::Unit { workload, unit: u } = &line.item
                    && *u == unit
                {
                    push_label(self.unit_label(workload, unit));
                }
            }
        }
        for line in self.breakdown.iter().filter(|l| l.usd_mean != 0.0) {
            match line.item {
                BreakdownItem::Unit { .. } => {}
                BreakdownItem::WorkloadOther { .. } | BreakdownItem::Unattributed => {
                    push_label("other");
                }
                BreakdownItem::PurchaseFees { .. } => push_label("purchase fees"),
                BreakdownItem::UsageFees { .. } => push_label("usage fees"),
            }
        }

        let series = labels
            .iter()
            .map(|&label| {
                let values = categories
                    .iter()
                    .map(|category| {
                        self.breakdown
                            .iter()
                            .filter(|line| self.line_label(&line.item) == label)
                            .filter(|line| line_category(&line.item) == *category)
                            .map(|line| line.usd_mean)
                            .sum()
                    })
                    .collect();
                (label.to_owned(), values)
            })
            .collect();
        (categories, series)
    }
}

impl Report {
    /// The series a breakdown line belongs to.
    fn line_label(&self, item: &BreakdownItem) -> &'static str {
        match item {
            BreakdownItem::Unit { workload, unit } => self.unit_label(workload, *unit),
            BreakdownItem::WorkloadOther { .. } | BreakdownItem::Unattributed => "other",
            BreakdownItem::PurchaseFees { .. } => "purchase fees",
            BreakdownItem::UsageFees { .. } => "usage fees",
        }
    }
}

fn line_category(item: &BreakdownItem) -> String {
    match item {
        BreakdownItem::Unit { workload, .. } | BreakdownItem::WorkloadOther { workload } => {
            workload.clone()
        }
        BreakdownItem::PurchaseFees { wallet } | BreakdownItem::UsageFees { wallet } => {
            format!("wallet {wallet}")
        }
        BreakdownItem::Unattributed => "unattributed".to_owned(),
    }
}

impl Comparison {
    /// The runs' spend distributions on shared axes, for
    /// [`Comparison::render_markdown`] (as `ChartLinks::distributions`) and
    /// [`Comparison::render_html`]. `runs` are the runs the comparison was
    /// built from, in the same order.
    pub fn distributions_chart(&self, runs: &[Run<'_>]) -> Result<Chart, ChartError> {
        let data: Vec<(String, Vec<f64>)> =
            runs.iter().map(|run| (run.name.to_owned(), run.outcomes.total.clone())).collect();
        overlaid_distributions(
            &data,
            self.budget,
            &format!("Spend per {} by run", period_words(&self.period)),
        )
    }
}
