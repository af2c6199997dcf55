//! The sensitivity ranking of `run --sensitivity`: which assumptions move
//! p90 spend most, and its renderers (terminal table, Markdown and HTML
//! blocks, JSON and the tornado chart).
//!
//! The runs behind it are made by the analysis layer
//! (`costintent_analysis::sensitivity`); this module only holds and words
//! their p90s. Two kinds of assumption are moved, one at a time from a
//! common base: a parameter drawn once per trial goes to its p10 and its
//! p90, and a per-request assumption (tokens, turns, tool calls, images,
//! regenerations, seconds, minutes) is divided and multiplied by a stated
//! factor. The base fixes every parameter drawn per trial at its median, so
//! its p90 differs from the headline p90 of the run, which includes their
//! spread; every rendering says so in one sentence.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::charts::{Chart, ChartError, TornadoText, tornado};
use crate::document::{Block, ChartKind, ChartLinks, Document, Inline, Table};
use crate::format::{plain_number, short_number, usd};
use crate::json::money;
use crate::table::{Grid, Painter};

/// The p90 spend of the base run and of each assumption moved down and up,
/// largest swing first.
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    /// p90 spend of the base run.
    pub base_p90: f64,
    /// p90 spend of the run as written (the report's headline).
    pub headline_p90: f64,
    /// How many parameters drawn per trial the base fixes at their medians
    /// (0: the base is the scenario as written).
    pub fixed_at_median: usize,
    /// The factor per-request assumptions are divided and multiplied by.
    pub factor: f64,
    /// One row per assumption, sorted by swing (largest first, then by path).
    pub rows: Vec<SensitivityRow>,
    /// Assumptions that could not be moved, each with the reason.
    pub skipped: Vec<String>,
}

/// One assumption at its low and high value.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityRow {
    /// The override path that sets it (`agent.input`,
    /// `agent.failures.rate.mean`).
    pub path: String,
    /// What it is, in words (`new input tokens per turn`).
    pub what: String,
    /// How it was moved.
    pub change: Change,
    /// p90 spend with the assumption at its low value.
    pub p90_at_low: f64,
    /// p90 spend with the assumption at its high value.
    pub p90_at_high: f64,
    /// What was kept in bounds when it was moved, if anything.
    pub note: Option<String>,
}

/// How an assumption was moved from the base.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    /// A parameter drawn per trial, set to its p10 and its p90.
    Percentiles {
        /// Its 10th percentile.
        p10: f64,
        /// Its 90th percentile.
        p90: f64,
    },
    /// A per-request assumption divided and multiplied by the factor.
    Factor(f64),
}

impl Change {
    /// The low value in words (`÷1.5`, `0.0087 (p10)`).
    fn low_text(self) -> String {
        match self {
            Self::Percentiles { p10, .. } => format!("{} (p10)", short_number(p10)),
            Self::Factor(f) => format!("÷{}", plain_number(f)),
        }
    }

    /// The high value in words (`×1.5`, `0.033 (p90)`).
    fn high_text(self) -> String {
        match self {
            Self::Percentiles { p90, .. } => format!("{} (p90)", short_number(p90)),
            Self::Factor(f) => format!("×{}", plain_number(f)),
        }
    }
}

impl SensitivityRow {
    /// How far apart the two p90s are.
    pub fn swing(&self) -> f64 {
        (self.p90_at_high - self.p90_at_low).abs()
    }

    /// The assumption and what it is (`agent.input: new input tokens per turn`).
    fn label(&self) -> String {
        format!("{}: {}", self.path, self.what)
    }

    /// The row's cells in every table: assumption, low, high, p90 at low,
    /// p90 at high, swing.
    fn cells(&self) -> Vec<String> {
        vec![
            self.label(),
            self.change.low_text(),
            self.change.high_text(),
            usd(self.p90_at_low),
            usd(self.p90_at_high),
            usd(self.swing()),
        ]
    }
}

impl Sensitivity {
    /// The ranking: `rows` sorted by swing, largest first (ties by path).
    pub fn new(
        base_p90: f64,
        headline_p90: f64,
        fixed_at_median: usize,
        factor: f64,
        mut rows: Vec<SensitivityRow>,
        skipped: Vec<String>,
    ) -> Self {
        rows.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then_with(|| a.path.cmp(&b.path)));
        Self { base_p90, headline_p90, fixed_at_median, factor, rows, skipped }
    }

    /// What the base is, and why its p90 is not the headline p90, in one
    /// sentence.
    pub fn base_sentence(&self) -> String {
        let (base, headline) = (usd(self.base_p90), usd(self.headline_p90));
        if self.fixed_at_median == 0 {
            return format!(
                "The base run is the scenario as written, so its p90 is the headline p90 of \
                 {headline}; each row moves one assumption from it and keeps the others."
            );
        }
        let fixed = if self.fixed_at_median == 1 {
            "the one parameter drawn per trial at its median".to_owned()
        } else {
            format!("each of the {} parameters drawn per trial at its median", self.fixed_at_median)
        };
        let relation = if self.base_p90 < self.headline_p90 {
            "lower than"
        } else if self.base_p90 > self.headline_p90 {
            "higher than"
        } else {
            "the same as"
        };
        format!(
            "The base run fixes {fixed}, so its p90 of {base} leaves out the spread those draws \
             add and is {relation} the headline p90 of {headline}, which includes it; each row \
             moves one assumption from that base and keeps the others."
        )
    }

    /// How the assumptions are moved, in one sentence.
    pub fn method_sentence(&self) -> String {
        format!(
            "A parameter drawn per trial moves to its p10 and its p90; a per-request assumption \
             (tokens, turns, tool calls, images, regenerations, seconds, minutes) is divided and \
             multiplied by {}. Every run uses the same random numbers, so each difference is \
             the assumption's effect, not noise.",
            plain_number(self.factor)
        )
    }

    /// The tornado chart, or `None` when there is nothing to rank.
    pub fn chart(&self) -> Result<Option<Chart>, ChartError> {
        if self.rows.is_empty() {
            return Ok(None);
        }
        let rows: Vec<(String, f64, f64)> =
            self.rows.iter().map(|r| (r.path.clone(), r.p90_at_low, r.p90_at_high)).collect();
        let factor = plain_number(self.factor);
        let percentiles = self.rows.iter().any(|r| matches!(r.change, Change::Percentiles { .. }));
        let (low, high) = if percentiles {
            (
                format!("low: ÷{factor}, or the p10 of a parameter drawn per trial"),
                format!("high: ×{factor}, or the p90 of a parameter drawn per trial"),
            )
        } else {
            (format!("÷{factor}"), format!("×{factor}"))
        };
        let note = self.base_sentence();
        let text = TornadoText {
            title: "p90 spend with one assumption moved at a time",
            low: &low,
            high: &high,
            note: &note,
        };
        tornado(self.base_p90, &rows, &text).map(Some)
    }

    /// The ranking as the `sensitivity` object of the JSON report.
    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method_sentence(),
            "base": self.base_sentence(),
            "factor": self.factor,
            "base_p90": money(self.base_p90),
            "headline_p90": money(self.headline_p90),
            "fixed_at_median": self.fixed_at_median,
            "assumptions": self.rows.iter().map(|r| {
                let (moved, low, high) = match r.change {
                    Change::Percentiles { p10, p90 } => ("p10 and p90", p10, p90),
                    Change::Factor(f) => ("divided and multiplied by the factor", 1.0 / f, f),
                };
                json!({
                    "path": r.path,
                    "what": r.what,
                    "moved": moved,
                    "low": low,
                    "high": high,
                    "p90_spend_at_low": money(r.p90_at_low),
                    "p90_spend_at_high": money(r.p90_at_high),
                    "swing": money(r.swing()),
                    "note": r.note,
                })
            }).collect::<Vec<_>>(),
            "skipped": self.skipped,
        })
    }

    /// The ranking as an aligned terminal table.
    pub fn render_table(&self, color: bool) -> String {
        let paint = Painter { color };
        let mut out = String::from("Sensitivity of p90 spend, one assumption at a time\n");
        let _ = writeln!(out, "  {}", self.base_sentence());
        let _ = writeln!(out, "  {}", self.method_sentence());
        if self.rows.is_empty() {
            out.push_str("  no assumption could be moved\n");
        } else {
            out.push('\n');
            Grid::from_table(&self.table()).render(&paint, &mut out);
        }
        for line in self.notes() {
            let _ = writeln!(out, "  {line}");
        }
        out
    }

    /// The rows as a table.
    fn table(&self) -> Table {
        let mut table = Table::new(&[
            ("assumption", false),
            ("low", true),
            ("high", true),
            ("p90 at low", true),
            ("p90 at high", true),
            ("swing", true),
        ]);
        for r in &self.rows {
            table.row(r.cells());
        }
        table
    }

    /// The notes and skipped assumptions, one line each.
    fn notes(&self) -> Vec<String> {
        let notes =
            self.rows.iter().filter_map(|r| r.note.as_ref().map(|n| format!("{}: {n}", r.path)));
        notes.chain(self.skipped.iter().map(|s| format!("not moved: {s}"))).collect()
    }

    /// The blocks of the sensitivity section of the Markdown and HTML
    /// documents, with the tornado chart where the renderer has it.
    pub(crate) fn blocks(&self) -> Vec<Block> {
        let mut blocks = vec![
            Block::Paragraph(vec![Inline::Text(self.base_sentence())]),
            Block::Paragraph(vec![Inline::Text(self.method_sentence())]),
        ];
        if !self.rows.is_empty() {
            blocks.push(Block::Table(self.table()));
            blocks.push(Block::Chart(ChartKind::Tornado));
        }
        let notes = self.notes();
        if !notes.is_empty() {
            blocks.push(Block::List {
                ordered: false,
                items: notes.into_iter().map(|n| vec![Inline::Text(n)]).collect(),
            });
        }
        blocks
    }

    /// The ranking as Markdown (sensitivity.md), linking `tornado.svg`.
    pub fn render_markdown(&self) -> String {
        let document =
            Document { title: "Sensitivity of p90 spend".to_owned(), blocks: self.blocks() };
        let links = ChartLinks { tornado: Some("tornado.svg".into()), ..ChartLinks::default() };
        crate::markdown::render(&document, &links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, change: Change, low: f64, high: f64) -> SensitivityRow {
        SensitivityRow {
            path: path.to_owned(),
            what: "what".to_owned(),
            change,
            p90_at_low: low,
            p90_at_high: high,
            note: None,
        }
    }

    #[test]
    fn the_base_sentence_says_why_it_is_not_the_headline() {
        let as_written = Sensitivity::new(100.0, 100.0, 0, 1.5, Vec::new(), Vec::new());
        assert!(as_written.base_sentence().contains("the scenario as written"));
        assert!(as_written.base_sentence().contains("$100.00"));
        let lower = Sensitivity::new(80.0, 100.0, 3, 1.5, Vec::new(), Vec::new());
        let sentence = lower.base_sentence();
        assert!(sentence.contains("each of the 3 parameters drawn per trial"), "{sentence}");
        assert!(sentence.contains("$80.00 leaves out the spread"), "{sentence}");
        assert!(sentence.contains("is lower than the headline p90 of $100.00"), "{sentence}");
        let higher = Sensitivity::new(120.0, 100.0, 1, 1.5, Vec::new(), Vec::new());
        assert!(higher.base_sentence().contains("is higher than"));
    }

    #[test]
    fn rows_are_ranked_by_swing_and_say_how_they_moved() {
        let s = Sensitivity::new(
            100.0,
            110.0,
            1,
            1.5,
            vec![
                row("a.input", Change::Factor(1.5), 90.0, 115.0),
                row("a.rate", Change::Percentiles { p10: 0.01, p90: 0.05 }, 70.0, 160.0),
            ],
            vec!["a.regenerate: it is drawn per trial".to_owned()],
        );
        assert_eq!(s.rows[0].path, "a.rate");
        let table = s.render_table(false);
        assert!(table.contains("÷1.5") && table.contains("×1.5"), "{table}");
        assert!(table.contains("0.01 (p10)") && table.contains("0.05 (p90)"), "{table}");
        assert!(table.contains("not moved: a.regenerate"), "{table}");
        let json = s.to_json();
        assert_eq!(json["assumptions"][1]["moved"], "divided and multiplied by the factor");
        assert_eq!(json["assumptions"][1]["high"], 1.5);
        assert_eq!(json["headline_p90"], 110.0);
        let markdown = s.render_markdown();
        assert!(markdown.contains(&s.base_sentence().replace('$', "\\$")), "{markdown}");
        assert!(markdown.contains("(tornado.svg)"), "{markdown}");
    }
}
