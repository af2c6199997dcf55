//! The title and the legend, both drawn above the plot so they never cover data.

use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::canvas::Canvas;
use super::error::ChartError;
use super::font::{fit_width, text_width};
use super::layout::{LABEL_SIZE, LEGEND_ROW, LEGEND_TOP, TITLE_SIZE, TITLE_TOP, to_i32};
use super::palette;
use super::text::TextStyle;

/// The small sample drawn before a legend label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Swatch {
    /// A solid box, for bars.
    Box(RGBColor),
    /// A translucent box with a solid outline, for overlaid histograms.
    SoftBox(RGBColor),
    /// A solid line, for curves.
    Line(RGBColor),
    /// No swatch: a note such as "and 4 more".
    Nothing,
}

/// One legend entry: a swatch and its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendEntry {
    /// What the entry looks like in the chart.
    pub(crate) swatch: Swatch,
    /// What it means.
    pub(crate) label: String,
}

impl LegendEntry {
    /// An entry with a swatch and a label.
    pub(crate) fn new(swatch: Swatch, label: impl Into<String>) -> Self {
        Self { swatch, label: label.into() }
    }
}

/// Legend entries placed in centred rows under the title.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Legend {
    /// Each entry with the x of its swatch and its row.
    placed: Vec<(LegendEntry, i32, usize)>,
    /// The number of rows used.
    rows: usize,
}

/// The width of a swatch.
const SWATCH_WIDTH: i32 = 18;
/// The space between a swatch and its label.
const SWATCH_GAP: i32 = 6;
/// The space between entries in a row.
const ENTRY_GAP: i32 = 22;
/// The space kept free at each side of the canvas.
const SIDE_MARGIN: i32 = 20;
/// The most legend rows shown; further entries are summarised as "and N more".
const MAX_ROWS: usize = 5;

impl Legend {
    /// Places entries left to right, starting a new row when one is full.
    pub(crate) fn layout(entries: Vec<LegendEntry>, canvas_width: u32) -> Self {
        let canvas_width = to_i32(canvas_width);
        let max_row = canvas_width - 2 * SIDE_MARGIN;
        let max_label = max_row - SWATCH_WIDTH - SWATCH_GAP;
        let mut rows: Vec<Vec<(LegendEntry, i32)>> = vec![];
        let mut row_width = 0;
        for mut entry in entries {
            entry.label = fit_width(&entry.label, LABEL_SIZE, false, max_label);
            let width = entry_width(&entry);
            let needed = if row_width == 0 { width } else { row_width + ENTRY_GAP + width };
            match rows.last_mut() {
                Some(row) if needed <= max_row => {
                    row.push((entry, width));
                    row_width = needed;
                }
                _ => {
                    rows.push(vec![(entry, width)]);
                    row_width = width;
                }
            }
        }
        if rows.len() > MAX_ROWS {
            summarise_overflow(&mut rows, max_row);
        }
        let row_count = rows.len();
        let mut placed = vec![];
        for (row_index, row) in rows.into_iter().enumerate() {
            let total: i32 = row.iter().map(|(_, width)| width).sum::<i32>()
                + ENTRY_GAP * (to_i32_len(&row) - 1);
            let mut x = (canvas_width - total) / 2;
            for (entry, width) in row {
                placed.push((entry, x, row_index));
                x += width + ENTRY_GAP;
            }
        }
        Self { placed, rows: row_count }
    }

    /// The number of rows the legend takes.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Draws the legend on the canvas.
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
    ) -> Result<(), ChartError> {
        let root = canvas.root;
        let label_style = TextStyle::new(LABEL_SIZE, palette::TEXT);
        for (entry, x, row) in &self.placed {
            let y = LEGEND_TOP + LEGEND_ROW * i32::try_from(*row).unwrap_or(0) + LEGEND_ROW / 2;
            let label_x = match entry.swatch {
                Swatch::Nothing => *x,
                _ => *x + SWATCH_WIDTH + SWATCH_GAP,
            };
            match entry.swatch {
                Swatch::Box(color) => {
                    root.draw(&Rectangle::new(
                        [(*x, y - 6), (*x + SWATCH_WIDTH, y + 6)],
                        color.filled(),
                    ))?;
                }
                Swatch::SoftBox(color) => {
                    let corners = [(*x, y - 6), (*x + SWATCH_WIDTH, y + 6)];
                    root.draw(&Rectangle::new(corners, color.mix(0.3).filled()))?;
                    root.draw(&Rectangle::new(corners, color.stroke_width(2)))?;
                }
                Swatch::Line(color) => {
                    root.draw(&PathElement::new(
                        [(*x, y), (*x + SWATCH_WIDTH, y)],
                        color.stroke_width(3),
                    ))?;
                }
                Swatch::Nothing => {}
            }
            canvas.text(&entry.label, (label_x, y), &label_style)?;
        }
        Ok(())
    }
}

/// Draws the title centred at the top, shortened with an ellipsis if too long.
pub(crate) fn draw_title<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    title: &str,
    canvas_width: u32,
) -> Result<(), ChartError> {
    let width = to_i32(canvas_width);
    let title = fit_width(title, TITLE_SIZE, true, width - 2 * SIDE_MARGIN);
    let style = TextStyle::new(TITLE_SIZE, palette::TEXT).bold().anchor(HPos::Center, VPos::Top);
    canvas.text(&title, (width / 2, TITLE_TOP), &style)
}

/// The width of an entry: its swatch (if any) and its label.
fn entry_width(entry: &LegendEntry) -> i32 {
    let swatch = if entry.swatch == Swatch::Nothing { 0 } else { SWATCH_WIDTH + SWATCH_GAP };
    swatch + text_width(&entry.label, LABEL_SIZE, false)
}

/// Cuts rows beyond [`MAX_ROWS`] and ends the last row with "and N more",
/// so a comparison of many runs cannot push the plot off the canvas.
fn summarise_overflow(rows: &mut Vec<Vec<(LegendEntry, i32)>>, max_row: i32) {
    let mut hidden: usize = rows.drain(MAX_ROWS..).map(|row| row.len()).sum();
    let Some(last) = rows.last_mut() else {
        return;
    };
    loop {
        let note = LegendEntry::new(Swatch::Nothing, format!("and {hidden} more"));
        let width = entry_width(&note);
        let used: i32 = last.iter().map(|(_, width)| width + ENTRY_GAP).sum();
        if used + width <= max_row || last.is_empty() {
            last.push((note, width));
            return;
        }
        last.pop();
        hidden += 1;
    }
}

/// The length of a short vector as `i32`.
fn to_i32_len<T>(items: &[T]) -> i32 {
    i32::try_from(items.len()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::font::ensure_loaded;
    use super::*;

    #[test]
    fn entries_wrap_into_rows_that_fit() {
        ensure_loaded().unwrap();
        let entries: Vec<LegendEntry> = (0..12)
            .map(|index| LegendEntry::new(Swatch::Box(palette::BLUE), format!("series {index}")))
            .collect();
        let legend = Legend::layout(entries, 900);
        assert!(legend.rows() >= 2, "{legend:?}");
        for (entry, x, _) in &legend.placed {
            let right = x + SWATCH_WIDTH + SWATCH_GAP + text_width(&entry.label, LABEL_SIZE, false);
            assert!(*x >= SIDE_MARGIN && right <= 900 - SIDE_MARGIN, "{entry:?} at {x}");
        }
        assert_eq!(Legend::layout(vec![], 900).rows(), 0);
    }

    #[test]
    fn too_many_entries_end_in_a_summary() {
        ensure_loaded().unwrap();
        let entries: Vec<LegendEntry> = (0..200)
            .map(|index| {
                LegendEntry::new(Swatch::Box(palette::BLUE), format!("run number {index}"))
            })
            .collect();
        let legend = Legend::layout(entries, 900);
        assert_eq!(legend.rows(), MAX_ROWS);
        let (last, _, _) = legend.placed.last().unwrap();
        assert_eq!(last.swatch, Swatch::Nothing);
        let shown = legend.placed.len() - 1;
        assert_eq!(last.label, format!("and {} more", 200 - shown));
    }

    #[test]
    fn an_overlong_label_is_shortened() {
        ensure_loaded().unwrap();
        let entry = LegendEntry::new(Swatch::Line(palette::BLUE), "x".repeat(500));
        let legend = Legend::layout(vec![entry], 900);
        assert_eq!(legend.rows(), 1);
        assert!(legend.placed[0].0.label.ends_with('…'));
    }
}
