//! Statistics and renderers for costintent.
//!
//! The engine hands over per-trial columns ([`Outcomes`]); this crate turns
//! them into a [`Report`] (exact percentiles with Monte Carlo confidence
//! intervals, the chance of exceeding the budget, where the money and the
//! waste go, the assumptions and prices behind it) and renders that report
//! as a terminal table, Markdown, self-contained HTML, JSON, CSV or Parquet.
//! [`Comparison`] does the same for several runs that share their random
//! numbers.
//!
//! Renderers return strings or bytes and never write files, read the
//! environment or look at the terminal: colour and chart links are passed
//! in, and the CLI decides where output goes. Nothing here depends on the
//! thread count of the run, so output is byte-identical however the trials
//! were computed.
//!
//! ```no_run
//! # fn demo(scenario: &costintent_scenario::Scenario, outcomes: &costintent_sim::Outcomes)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! use costintent_report::charts::ChartFormat;
//! use costintent_report::{Report, ReportCharts, RunInfo};
//!
//! let info = RunInfo { trials: outcomes.trials() as u64, seed: 42, scale: 1.0, budget: None };
//! let report = Report::build(scenario, outcomes, &info)?;
//! let json = serde_json::to_string_pretty(&report.to_json())?;
//! let table = report.render_table(false);
//! let charts = report.charts(outcomes)?;
//! // The CLI writes `charts.files(ChartFormat::Svg)` next to report.md.
//! let markdown = report.render_markdown(&ReportCharts::links(ChartFormat::Svg));
//! let html = report.render_html(&charts.svgs());
//! # let _ = (json, table, markdown, html);
//! # Ok(())
//! # }
//! ```
//!
//! [`Outcomes`]: costintent_sim::Outcomes

mod breakdown;
pub mod calibrate;
pub mod charts;
pub mod compare;
mod csv;
mod describe;
mod document;
mod error;
mod folder;
pub mod format;
mod html;
mod json;
mod limits;
pub mod logs;
mod markdown;
#[cfg(feature = "parquet")]
mod parquet;
mod plan;
pub mod provider;
mod reconcile;
mod report;
mod report_charts;
mod sensitivity;
pub mod shard;
pub mod sketch;
pub mod stats;
mod table;

pub use breakdown::{BreakdownItem, BreakdownLine};
pub use compare::{
    COMPARE_SCHEMA, CompareInfo, Comparison, Difference, Run, RunStats, WorkloadDifference,
};
pub use csv::trials_csv;
pub use describe::{Assumption, WorkloadAssumptions, volume as volume_words};
pub use document::{ChartLinks, ChartSvgs, PerChart};
pub use error::ReportError;
pub use folder::ReportFile;
pub use json::{REPORT_SCHEMA, money as json_money, pretty as pretty_json};
pub use limits::{
    LIMITS_SCHEMA, LimitGroup, LimitInputs, LimitRow, Limits, PROVIDERS, ProviderLimits,
};
#[cfg(feature = "parquet")]
pub use parquet::trials_parquet;
pub use plan::{
    PLAN_SCHEMA, Plan, PlanCache, PlanKind, PlanStep, RequestUsage, StepRun, WalletPlan,
    WorkloadPlan,
};
pub use reconcile::{
    Cause, EarlyWarning, PriceCheck, PriceMismatch, Projection, RECONCILE_SCHEMA, ReconcileInputs,
    Reconciliation, RecordCounts, Spread, WorkloadGap,
};
pub use report::{
    AdaptiveRun, BudgetStats, PricesUsed, Report, RunInfo, TestPlan, UnitStats, WalletStats,
    WasteStats, WorkloadStats,
};
pub use report_charts::ReportCharts;
pub use sensitivity::{Change, Sensitivity, SensitivityRow};
pub use shard::{
    SHARD_SCHEMA, Shard, ShardError, ShardIndex, ShardRun, ShardScenario, ShardStep, StepData,
    check_shards,
};
pub use sketch::{RELATIVE_ACCURACY, SketchedOutcomes};
