//! The terminal table (`costintent run` without `--format`).
//!
//! Plain text aligned in columns, with ANSI styles only when the caller says
//! the terminal takes colour; this module never looks at the terminal.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::document::{Inline, ci_text, headline};
use crate::format::{percent, period_words, plain_number, quantity, usd};
use crate::report::Report;
use crate::stats::CONFIDENCE;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const HEADER: Style = Style::new().bold().underline();
/// Rows sit this far right of their column headers.
const ROW_INDENT: &str = "  ";
const WARN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));

impl Report {
    /// The report as an aligned terminal table. With `color`, headings and
    /// the answering numbers are styled with ANSI escapes; without, the text
    /// is plain (for pipes, files and `NO_COLOR`).
    pub fn render_table(&self, color: bool) -> String {
        let paint = Painter { color };
        let mut out = String::new();
        let _ = writeln!(out, "{}", paint.apply(BOLD, &self.scenario));
        let scale = if self.scale == 1.0 {
            String::new()
        } else {
            format!(" · volumes × {}", plain_number(self.scale))
        };
        let _ = writeln!(
            out,
            "{}",
            paint.apply(
                DIM,
                &format!(
                    "{} trials of {} · seed {} · prices of {}{scale}",
                    plain_number(self.trials as f64),
                    period_words(&self.period),
                    self.seed,
                    self.prices_date
                )
            )
        );
        if let Some(adaptive) = &self.adaptive {
            let _ = writeln!(
                out,
                "{}",
                paint.apply(DIM, &format!("adaptive: {}", adaptive.stop_words()))
            );
        }
        out.push('\n');
        let _ = writeln!(out, "{}\n", paint.inline(&headline(self)));

        self.spend_grid(&paint, &mut out);
        if let Some(sentence) = crate::document::sketch_sentence(self) {
            let _ = writeln!(out, "{}\n", paint.apply(DIM, &sentence));
        }
        self.workload_grid(&paint, &mut out);

        let _ = writeln!(
            out,
            "{} {} per period on average ({} of spend; p90 {})",
            paint.apply(HEADER, "Waste"),
            paint.apply(BOLD, &usd(self.waste.mean)),
            percent(self.waste.share_of_spend),
            usd(self.waste.p90)
        );
        for wallet in &self.wallets {
            let _ = writeln!(
                out,
                "{} {}: purchase fees {}, usage fees {}; credit bought {}, used {}, unused {} \
                 ({})",
                paint.apply(HEADER, "Wallet"),
                wallet.name,
                usd(wallet.purchase_fees_mean),
                usd(wallet.usage_fees_mean),
                quantity(wallet.credits_bought_mean),
                quantity(wallet.credits_used_mean),
                quantity(wallet.unused_credits_mean),
                usd(wallet.unused_usd_mean)
            );
        }
        if !self.warnings.is_empty() {
            out.push('\n');
            for warning in &self.warnings {
                let _ = writeln!(out, "{} {warning}", paint.apply(WARN, "warning:"));
            }
        }
        if let Some(sensitivity) = &self.sensitivity {
            out.push('\n');
            out.push_str(&sensitivity.render_table(color));
        }
        out
    }

    fn spend_grid(&self, paint: &Painter, out: &mut String) {
        let total = &self.total;
        let mut grid = Grid::new(vec![
            Column::left(format!("Spend per {}", period_words(&self.period))),
            Column::right("USD"),
            Column::right(format!("{:.0}% interval", CONFIDENCE * 100.0)),
        ]);
        grid.row(vec![
            Cell::plain("mean"),
            Cell::styled(usd(total.mean), BOLD),
            Cell::styled(format!("± {} (std. error)", usd(total.mean_stderr)), DIM),
        ]);
        for (label, estimate) in total.percentiles() {
            grid.row(vec![
                Cell::plain(label),
                Cell::styled(usd(estimate.value), BOLD),
                Cell::styled(ci_text(estimate), DIM),
            ]);
        }
        grid.row(vec![Cell::plain("min"), Cell::plain(usd(total.min)), Cell::plain("")]);
        grid.row(vec![Cell::plain("max"), Cell::plain(usd(total.max)), Cell::plain("")]);
        grid.render(paint, out);
        if let Some(budget) = &self.budget {
            let _ = writeln!(
                out,
                "P(spend > {}) = {} ({:.0}% interval {} – {}; {} of {} trials)",
                usd(budget.amount),
                paint.apply(BOLD, &percent(budget.exceed.estimate)),
                CONFIDENCE * 100.0,
                percent(budget.exceed.ci.lo),
                percent(budget.exceed.ci.hi),
                plain_number(budget.exceed.count as f64),
                plain_number(budget.exceed.n as f64)
            );
        }
        let [p90, p95, p99] = self.budget_for_probability();
        let _ = writeln!(
            out,
            "Budget that holds with 90% / 95% / 99% probability: {} / {} / {}\n",
            usd(p90.1.value),
            usd(p95.1.value),
            usd(p99.1.value)
        );
    }

    fn workload_grid(&self, paint: &Painter, out: &mut String) {
        let mut grid = Grid::new(vec![
            Column::left("Workload"),
            Column::left("kind"),
            Column::left("model"),
            Column::right("mean"),
            Column::right("p50"),
            Column::right("p90"),
            Column::right("waste"),
            Column::right("attempts"),
            Column::right("lost"),
        ]);
        for w in &self.workloads {
            grid.row(vec![
                Cell::plain(&w.name),
                Cell::plain(&w.kind),
                Cell::styled(&w.model, DIM),
                Cell::styled(usd(w.spend.mean), BOLD),
                Cell::plain(usd(w.spend.p50.value)),
                Cell::plain(usd(w.spend.p90.value)),
                Cell::plain(usd(w.waste_mean)),
                Cell::plain(quantity(w.attempts_mean)),
                Cell::plain(quantity(w.lost_mean)),
            ]);
        }
        grid.render(paint, out);
        out.push('\n');
    }
}

/// Applies styles only when colour is on.
pub(crate) struct Painter {
    pub(crate) color: bool,
}

impl Painter {
    pub(crate) fn apply(&self, style: Style, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    fn inline(&self, runs: &[Inline]) -> String {
        runs.iter()
            .map(|run| match run {
                Inline::Text(s) | Inline::Code(s) => s.clone(),
                Inline::Strong(s) => self.apply(BOLD, s),
            })
            .collect()
    }
}

/// A column of a [`Grid`].
pub(crate) struct Column {
    title: String,
    right: bool,
}

impl Column {
    pub(crate) fn left(title: impl Into<String>) -> Self {
        Self { title: title.into(), right: false }
    }

    pub(crate) fn right(title: impl Into<String>) -> Self {
        Self { title: title.into(), right: true }
    }
}

/// A cell: text and the style it takes when colour is on.
pub(crate) struct Cell {
    text: String,
    style: Style,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Self { text: text.into(), style: Style::new() }
    }

    pub(crate) fn styled(text: impl Into<String>, style: Style) -> Self {
        Self { text: text.into(), style }
    }
}

/// Rows aligned in columns. Widths count characters, and padding is added
/// before styling so escape codes never shift the columns.
pub(crate) struct Grid {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

impl Grid {
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Self { columns, rows: Vec::new() }
    }

    /// A grid of a document table's cells, unstyled.
    pub(crate) fn from_table(table: &crate::document::Table) -> Self {
        let columns =
            table
                .header
                .iter()
                .zip(&table.numeric)
                .map(|(title, numeric)| {
                    if *numeric {
                        Column::right(title.clone())
                    } else {
                        Column::left(title.clone())
                    }
                })
                .collect();
        let rows = table.rows.iter().map(|row| row.iter().map(Cell::plain).collect()).collect();
        Self { columns, rows }
    }

    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self, paint: &Painter, out: &mut String) {
        let width = |s: &str| s.chars().count();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                // Rows are indented by two spaces under the first header.
                let indent = if i == 0 { ROW_INDENT.len() } else { 0 };
                self.rows
                    .iter()
                    .filter_map(|row| row.get(i))
                    .map(|cell| width(&cell.text) + indent)
                    .chain(std::iter::once(width(&column.title)))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // Padding stays outside the styled text, so underlines and colours
        // cover the words only.
        let pad_to = |text: &str, style: Style, i: usize, indent: usize| {
            let fill = " ".repeat(widths[i].saturating_sub(width(text) + indent));
            let styled = paint.apply(style, text);
            if self.columns[i].right {
                format!("{fill}{styled}")
            } else {
                format!("{styled}{fill}")
            }
        };
        let header: Vec<String> =
            self.columns.iter().enumerate().map(|(i, c)| pad_to(&c.title, HEADER, i, 0)).collect();
        let _ = writeln!(out, "{}", header.join("  ").trim_end());
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .take(widths.len())
                .map(|(i, cell)| {
                    if i == 0 {
                        format!(
                            "{ROW_INDENT}{}",
                            pad_to(&cell.text, cell.style, i, ROW_INDENT.len())
                        )
                    } else {
                        pad_to(&cell.text, cell.style, i, 0)
                    }
                })
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
    }
}
