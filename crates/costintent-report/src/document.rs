//! A small document model shared by the Markdown and HTML renderers.
//!
//! The report's content (which sections, which tables, which sentences) is
//! decided once, here; `markdown.rs` and `html.rs` only know how to print
//! headings, paragraphs, tables, lists and charts. That keeps report.md and
//! report.html saying the same thing.

use costintent_sim::Method;

use crate::format::{percent, period_words, plain_number, quantity, unit_price, usd};
use crate::report::{Report, TestPlan};
use crate::stats::{CONFIDENCE, QuantileEstimate};

/// The charts a report or comparison can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChartKind {
    /// Histogram of total spend with percentile marks.
    Histogram,
    /// P(spend > x) against x.
    Exceedance,
    /// Spend stacked by workload and billing unit.
    Breakdown,
    /// Sensitivity of the p90 to each assumption.
    Tornado,
    /// Several runs' spend distributions on shared axes (`compare`).
    Distributions,
}

impl ChartKind {
    /// Alternative text for the chart.
    pub(crate) fn alt(self) -> &'static str {
        match self {
            Self::Histogram => "Histogram of spend per period",
            Self::Exceedance => "Probability that spend exceeds each amount",
            Self::Breakdown => "Spend by workload and billing unit",
            Self::Tornado => "Sensitivity of p90 spend to each assumption",
            Self::Distributions => "Spend distributions of the compared runs",
        }
    }
}

/// One optional text per chart a report or comparison can show; a chart
/// that is `None` is left out. The Markdown renderers take relative file
/// names to link ([`ChartLinks`], for example `histogram.svg`), the HTML
/// renderers SVG documents to inline ([`ChartSvgs`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerChart {
    /// Histogram of total spend.
    pub histogram: Option<String>,
    /// Exceedance curve, P(spend > x).
    pub exceedance: Option<String>,
    /// Stacked breakdown by workload and billing unit.
    pub breakdown: Option<String>,
    /// Sensitivity tornado.
    pub tornado: Option<String>,
    /// Overlaid distributions of compared runs.
    pub distributions: Option<String>,
}

/// Relative file names of charts for the Markdown renderers.
pub type ChartLinks = PerChart;

/// SVG documents of charts to inline in the HTML renderers.
pub type ChartSvgs = PerChart;

impl PerChart {
    /// The file names the CLI writes next to report.md: `histogram.svg`,
    /// `exceedance.svg` and `breakdown.svg`.
    pub fn standard() -> Self {
        Self {
            histogram: Some("histogram.svg".into()),
            exceedance: Some("exceedance.svg".into()),
            breakdown: Some("breakdown.svg".into()),
            tornado: None,
            distributions: None,
        }
    }

    pub(crate) fn get(&self, kind: ChartKind) -> Option<&str> {
        match kind {
            ChartKind::Histogram => self.histogram.as_deref(),
            ChartKind::Exceedance => self.exceedance.as_deref(),
            ChartKind::Breakdown => self.breakdown.as_deref(),
            ChartKind::Tornado => self.tornado.as_deref(),
            ChartKind::Distributions => self.distributions.as_deref(),
        }
    }
}

/// A document: a title and blocks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Document {
    pub(crate) title: String,
    pub(crate) blocks: Vec<Block>,
}

/// A block of content.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Block {
    /// A heading of level 2 or 3 (the title is level 1).
    Heading(u8, String),
    /// A paragraph of inline runs.
    Paragraph(Vec<Inline>),
    /// The one-sentence answer, set apart.
    Headline(Vec<Inline>),
    /// A table.
    Table(Table),
    /// A list of inline runs.
    List {
        /// Numbered rather than bulleted.
        ordered: bool,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
    /// A chart, shown when the renderer has it.
    Chart(ChartKind),
}

/// A run of text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasised text (the numbers that answer the question).
    Strong(String),
    /// Identifiers: model ids, workload names, keys.
    Code(String),
}

/// A table with a header row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Table {
    pub(crate) header: Vec<String>,
    /// Right-aligned (numeric) columns.
    pub(crate) numeric: Vec<bool>,
    pub(crate) rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column titles, each `true` when the
    /// column is numeric (right-aligned).
    pub(crate) fn new(header: &[(&str, bool)]) -> Self {
        Self {
            header: header.iter().map(|(h, _)| (*h).to_owned()).collect(),
            numeric: header.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// A percentile's interval as `$lo – $hi`.
pub(crate) fn ci_text(estimate: &QuantileEstimate) -> String {
    format!("{} – {}", usd(estimate.ci.lo), usd(estimate.ci.hi))
}

/// The sentence that answers "what will it cost": the p90, then either the
/// chance of exceeding the budget or the budgets that hold with 90/95/99%
/// probability.
pub(crate) fn headline(report: &Report) -> Vec<Inline> {
    let mut runs = vec![
        text(format!("p90 spend for {}: ", period_words(&report.period))),
        strong(usd(report.total.p90.value)),
    ];
    match &report.budget {
        Some(budget) => {
            runs.push(text("; a "));
            runs.push(strong(usd(budget.amount)));
            runs.push(text(" budget is exceeded with probability "));
            runs.push(strong(percent(budget.exceed.estimate)));
            runs.push(text(format!(
                " ({:.0}% interval {} – {}).",
                CONFIDENCE * 100.0,
                percent(budget.exceed.ci.lo),
                percent(budget.exceed.ci.hi)
            )));
        }
        None => {
            runs.push(text(". Budgets that hold with 90%, 95% and 99% probability: "));
            let [p90, p95, p99] = report.budget_for_probability();
            runs.push(strong(usd(p90.1.value)));
            runs.push(text(", "));
            runs.push(strong(usd(p95.1.value)));
            runs.push(text(" and "));
            runs.push(strong(usd(p99.1.value)));
            runs.push(text("."));
        }
    }
    runs
}

impl Report {
    /// The report as Markdown. Charts appear as images linked by the
    /// relative file names in `charts`; a chart without a link is left out.
    pub fn render_markdown(&self, charts: &ChartLinks) -> String {
        crate::markdown::render(&report_document(self, charts), charts)
    }

    /// The report as one self-contained HTML page, with `charts` inlined as
    /// SVG; a chart that is `None` is left out.
    pub fn render_html(&self, charts: &ChartSvgs) -> String {
        crate::html::render(&report_document(self, charts), charts)
    }
}

/// The report as a document. `charts` says which charts the renderer
/// can show, so that a section made only of a missing chart is left out.
fn report_document(report: &Report, charts: &PerChart) -> Document {
    let has_chart = |kind| charts.get(kind).is_some();
    let mut blocks = Vec::new();
    let scale = if report.scale == 1.0 {
        String::new()
    } else {
        format!(", volumes × {}", plain_number(report.scale))
    };
    let adaptive = report.adaptive.map_or(String::new(), |a| {
        format!(
            " The trial count is adaptive: {} trials, {}.",
            plain_number(report.trials as f64),
            a.stop_words()
        )
    });
    blocks.push(Block::Paragraph(vec![text(format!(
        "{} trials of {}, seed {}, prices of {}{scale}.{adaptive}",
        plain_number(report.trials as f64),
        period_words(&report.period),
        report.seed,
        report.prices_date
    ))]));
    blocks.push(Block::Headline(headline(report)));
    blocks.push(Block::Paragraph(vec![
        text("Mean spend "),
        strong(usd(report.total.mean)),
        text(format!(
            " ± {} (standard error of the Monte Carlo mean).",
            usd(report.total.mean_stderr)
        )),
    ]));

    spend_section(&mut blocks, report);
    if let Some(sentence) = sketch_sentence(report) {
        blocks.push(Block::Paragraph(vec![text(sentence)]));
    }
    workloads_section(&mut blocks, report);
    breakdown_section(&mut blocks, report, has_chart(ChartKind::Breakdown));
    waste_section(&mut blocks, report);
    wallets_section(&mut blocks, report);
    if let Some(sensitivity) = &report.sensitivity {
        blocks.push(Block::Heading(2, "Sensitivity of p90 spend".into()));
        blocks.extend(sensitivity.blocks());
    }
    if let Some(plan) = &report.test_plan {
        plan_section(&mut blocks, plan);
    }
    assumptions_section(&mut blocks, report);
    prices_section(&mut blocks, report);
    if !report.warnings.is_empty() {
        blocks.push(Block::Heading(2, "Warnings".into()));
        blocks.push(Block::List {
            ordered: false,
            items: report.warnings.iter().map(|w| vec![text(w)]).collect(),
        });
    }
    method_section(&mut blocks, report);
    Document { title: report.scenario.clone(), blocks }
}

/// With `--sketch`: how exact the percentiles are, and that no trial was
/// kept (the terminal table says the same).
pub(crate) fn sketch_sentence(report: &Report) -> Option<String> {
    let accuracy = percent(report.sketch?);
    Some(format!(
        "Percentiles are read from quantile sketches (--sketch; DDSketch, relative accuracy \
         {accuracy}): each percentile and interval end is within ±{accuracy} of the trial at its \
         rank, and the ranks themselves are exact. Means, standard deviations, min, max and \
         P(spend > budget) are exact. The p90+ trials of the breakdown are those within the \
         sketch bucket of the p90 and above. No trial was kept, so trials.csv and trials.parquet \
         are not written."
    ))
}

fn spend_section(blocks: &mut Vec<Block>, report: &Report) {
    let total = &report.total;
    blocks.push(Block::Heading(2, format!("Spend per {}", period_words(&report.period))));
    let mut table = Table::new(&[("statistic", false), ("USD", true), ("95% interval", true)]);
    let z = crate::stats::z_for_level(CONFIDENCE).unwrap_or(1.96);
    table.row(vec![
        "mean".into(),
        usd(total.mean),
        format!(
            "{} – {}",
            usd(total.mean - z * total.mean_stderr),
            usd(total.mean + z * total.mean_stderr)
        ),
    ]);
    for (label, estimate) in total.percentiles() {
        table.row(vec![label.into(), usd(estimate.value), ci_text(estimate)]);
    }
    table.row(vec!["min".into(), usd(total.min), String::new()]);
    table.row(vec!["max".into(), usd(total.max), String::new()]);
    table.row(vec!["standard deviation".into(), usd(total.sd), String::new()]);
    blocks.push(Block::Table(table));
    blocks.push(Block::Chart(ChartKind::Histogram));

    blocks.push(Block::Heading(2, "Budget".into()));
    if let Some(budget) = &report.budget {
        blocks.push(Block::Paragraph(vec![
            text(format!("A budget of {} is exceeded in ", usd(budget.amount))),
            strong(format!(
                "{} of {}",
                plain_number(budget.exceed.count as f64),
                plain_number(budget.exceed.n as f64)
            )),
            text(format!(
                " trials: probability {} ({:.0}% Wilson interval {} – {}).",
                percent(budget.exceed.estimate),
                CONFIDENCE * 100.0,
                percent(budget.exceed.ci.lo),
                percent(budget.exceed.ci.hi)
            )),
        ]));
    }
    let mut table = Table::new(&[
        ("budget holds with probability", false),
        ("budget", true),
        ("95% interval", true),
    ]);
    for (p, estimate) in report.budget_for_probability() {
        table.row(vec![format!("{:.0}%", p * 100.0), usd(estimate.value), ci_text(estimate)]);
    }
    blocks.push(Block::Table(table));
    blocks.push(Block::Chart(ChartKind::Exceedance));
}

fn workloads_section(blocks: &mut Vec<Block>, report: &Report) {
    blocks.push(Block::Heading(2, "Workloads".into()));
    let mut table = Table::new(&[
        ("workload", false),
        ("kind", false),
        ("model", false),
        ("mean", true),
        ("p50", true),
        ("p90", true),
        ("p99", true),
        ("waste", true),
        ("requests", true),
        ("attempts", true),
        ("lost", true),
    ]);
    for w in &report.workloads {
        table.row(vec![
            w.name.clone(),
            w.kind.clone(),
            w.model.clone(),
            usd(w.spend.mean),
            usd(w.spend.p50.value),
            usd(w.spend.p90.value),
            usd(w.spend.p99.value),
            usd(w.waste_mean),
            quantity(w.requests_mean),
            quantity(w.attempts_mean),
            quantity(w.lost_mean),
        ]);
    }
    blocks.push(Block::Table(table));
    blocks.push(Block::Paragraph(vec![text(
        "Spend excludes wallet fees; requests, attempts and lost requests are means per period.",
    )]));
}

fn breakdown_section(blocks: &mut Vec<Block>, report: &Report, with_chart: bool) {
    blocks.push(Block::Heading(2, "Where the money goes".into()));
    let mut table = Table::new(&[
        ("workload", false),
        ("billing unit", false),
        ("quantity", true),
        ("USD", true),
        ("share", true),
        ("share in p90+ trials", true),
    ]);
    for line in &report.breakdown {
        let (group, item) = match &line.item {
            crate::BreakdownItem::Unit { workload, unit } => {
                (workload.clone(), report.unit_label(workload, *unit).to_owned())
            }
            crate::BreakdownItem::WorkloadOther { workload } => (workload.clone(), "other".into()),
            crate::BreakdownItem::PurchaseFees { wallet } => {
                (format!("wallet {wallet}"), "purchase fees".into())
            }
            crate::BreakdownItem::UsageFees { wallet } => {
                (format!("wallet {wallet}"), "usage fees".into())
            }
            crate::BreakdownItem::Unattributed => (String::new(), "unattributed".into()),
        };
        let quantity_mean = match &line.item {
            crate::BreakdownItem::Unit { workload, unit } => report
                .workloads
                .iter()
                .find(|w| &w.name == workload)
                .and_then(|w| w.units.iter().find(|u| u.unit == *unit))
                .map_or(String::new(), |u| quantity(u.quantity_mean)),
            _ => String::new(),
        };
        table.row(vec![
            group,
            item,
            quantity_mean,
            usd(line.usd_mean),
            percent(line.share_of_mean),
            percent(line.share_in_tail),
        ]);
    }
    blocks.push(Block::Table(table));
    blocks.push(Block::Paragraph(vec![text(format!(
        "Means per period. The p90+ trials are the {} trials whose total is at least the p90 of \
         {}: the share there says what drives the expensive periods.",
        plain_number(report.tail_trials as f64),
        usd(report.total.p90.value)
    ))]));
    if with_chart {
        blocks.push(Block::Chart(ChartKind::Breakdown));
    }
}

fn waste_section(blocks: &mut Vec<Block>, report: &Report) {
    blocks.push(Block::Heading(2, "Waste".into()));
    blocks.push(Block::Paragraph(vec![
        text("Attempts that produced nothing the user kept (failures, abandoned timeouts, lost requests) cost "),
        strong(usd(report.waste.mean)),
        text(format!(
            " per period on average, {} of spend; p90 {}.",
            percent(report.waste.share_of_spend),
            usd(report.waste.p90)
        )),
    ]));
    let mut table = Table::new(&[
        ("workload", false),
        ("waste", true),
        ("share of its spend", true),
        ("attempts per request", true),
        ("lost requests", true),
    ]);
    for w in &report.workloads {
        let per_request = if w.requests_mean > 0.0 {
            format!("{:.3}", w.attempts_mean / w.requests_mean)
        } else {
            String::new()
        };
        table.row(vec![
            w.name.clone(),
            usd(w.waste_mean),
            percent(crate::breakdown::ratio(w.waste_mean, w.spend.mean)),
            per_request,
            quantity(w.lost_mean),
        ]);
    }
    blocks.push(Block::Table(table));
}

fn wallets_section(blocks: &mut Vec<Block>, report: &Report) {
    if report.wallets.is_empty() {
        return;
    }
    blocks.push(Block::Heading(2, "Prepaid credit".into()));
    let mut table = Table::new(&[
        ("wallet", false),
        ("top-ups", true),
        ("purchase fees", true),
        ("usage fees", true),
        ("credits bought", true),
        ("credits used", true),
        ("unused credit", true),
    ]);
    for w in &report.wallets {
        table.row(vec![
            w.name.clone(),
            quantity(w.topups_mean),
            usd(w.purchase_fees_mean),
            usd(w.usage_fees_mean),
            quantity(w.credits_bought_mean),
            quantity(w.credits_used_mean),
            usd(w.unused_usd_mean),
        ]);
    }
    blocks.push(Block::Table(table));
    blocks.push(Block::Paragraph(vec![text(
        "Means per period. Fees count as spend; unused credit is still yours and does not.",
    )]));
}

fn plan_section(blocks: &mut Vec<Block>, plan: &TestPlan) {
    blocks.push(Block::Heading(2, "Prepaid test plan".into()));
    if !plan.summary.is_empty() {
        blocks.push(Block::Paragraph(vec![text(&plan.summary)]));
    }
    if !plan.facts.is_empty() {
        let mut table = Table::new(&[("", false), ("", true)]);
        for (label, value) in &plan.facts {
            table.row(vec![label.clone(), value.clone()]);
        }
        blocks.push(Block::Table(table));
    }
    if !plan.steps.is_empty() {
        blocks.push(Block::List {
            ordered: true,
            items: plan.steps.iter().map(|s| vec![text(s)]).collect(),
        });
    }
}

fn assumptions_section(blocks: &mut Vec<Block>, report: &Report) {
    blocks.push(Block::Heading(2, "Assumptions".into()));
    for workload in &report.assumptions {
        blocks.push(Block::Heading(3, format!("{} ({})", workload.workload, workload.kind)));
        let mut items = vec![vec![code("model"), text(": "), code(&workload.model)]];
        items.extend(
            workload.items.iter().map(|a| vec![code(&a.key), text(format!(": {}", a.text))]),
        );
        blocks.push(Block::List { ordered: false, items });
    }
}

fn prices_section(blocks: &mut Vec<Block>, report: &Report) {
    blocks.push(Block::Heading(2, "Prices".into()));
    blocks.push(Block::Paragraph(vec![text(format!(
        "Prices in effect on {}, each with its source.",
        report.prices_date
    ))]));
    for model in &report.prices {
        blocks.push(Block::Heading(3, model.model.clone()));
        let retired = model.retired_on.map(|d| format!("; retired on {d}")).unwrap_or_default();
        blocks.push(Block::Paragraph(vec![text(format!(
            "From the {}, in {}{retired}; used by {}.",
            model.origin,
            model.currency,
            model.workloads.join(", ")
        ))]));
        if model.lines.is_empty() {
            continue;
        }
        let mut table = Table::new(&[
            ("unit", false),
            ("variant", false),
            ("USD", true),
            ("per", false),
            ("valid", false),
            ("source", false),
        ]);
        for line in &model.lines {
            let valid = match (line.valid_from, line.valid_until) {
                (Some(from), Some(until)) => format!("{from} to {until}"),
                (Some(from), None) => format!("from {from}"),
                (None, Some(until)) => format!("until {until}"),
                (None, None) => String::new(),
            };
            table.row(vec![
                line.unit.clone(),
                line.variant.clone(),
                unit_price(line.usd),
                line.per.clone(),
                valid,
                line.source.clone(),
            ]);
        }
        blocks.push(Block::Table(table));
    }
}

fn method_section(blocks: &mut Vec<Block>, report: &Report) {
    blocks.push(Block::Heading(2, "Method".into()));
    let mut sentences = format!(
        "Each of the {} trials simulates a period of {} with its own random numbers. Percentiles are \
         order statistics of the trial totals (the p-th percentile is the ⌈p·n⌉-th smallest \
         total, so a budget at the p90 is exceeded in at most 10% of trials). Their 95% \
         intervals are distribution-free, from exact binomial ranks; the chance of exceeding the \
         budget has a Wilson 95% interval.",
        plain_number(report.trials as f64),
        period_words(&report.period)
    );
    if report.clamped_draws > 0 {
        sentences.push_str(&format!(
            " {} per-trial parameter draws were clamped into their valid range.",
            plain_number(report.clamped_draws as f64)
        ));
    }
    blocks.push(Block::Paragraph(vec![text(sentences)]));
    for w in &report.workloads {
        if let Some(line) = w.method.as_ref().and_then(|m| method_sentence(&w.name, &w.kind, m)) {
            blocks.push(Block::Paragraph(vec![text(line)]));
        }
    }
}

/// How one workload was simulated, in a sentence; `None` when every unit of
/// every trial was simulated because `--exact` asked for it.
pub(crate) fn method_sentence(name: &str, kind: &str, m: &Method) -> Option<String> {
    let units = match kind {
        "agent" | "realtime" => "sessions",
        "video" => "jobs",
        _ => "requests",
    };
    match m {
        Method::Exact { reason: None } => None,
        Method::Exact { reason: Some(reason) } => Some(format!(
            "`{name}`: every one of its {units} was simulated in every trial ({reason})."
        )),
        Method::Fast { pool_units, min_units, mean_rse, fast_trials } => Some(format!(
            "`{name}`: in the {} trials with at least {} {units}, their total was drawn as a \
             compound sum from the moments of {} {units} simulated once (mean cost per unit \
             known to ±{}, a shift shared by every trial); the other trials simulated every \
             unit. `--exact` simulates every unit everywhere.",
            plain_number(*fast_trials as f64),
            plain_number(*min_units),
            plain_number(*pool_units as f64),
            percent(*mean_rse),
        )),
    }
}
