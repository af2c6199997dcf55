//! Labelled vertical lines (percentile marks, budgets, baselines) and notes.
//!
//! Labels are placed in rows at the top of the plot: each label goes in the
//! first row where it does not touch another, so p90 and p99 lines a few
//! pixels apart still get readable labels. Charts reserve head room above
//! their data for the rows this needs.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, WHITE};

use super::canvas::Canvas;
use super::error::ChartError;
use super::font::text_width;
use super::frame::Frame;
use super::layout::{LABEL_SIZE, TICK_SIZE};
use super::palette;
use super::text::TextStyle;
use super::ticks::Axis;

/// The height of one row of line labels.
pub(crate) const LABEL_ROW: i32 = 18;
/// The space between a line and its label, and between labels in a row.
const LABEL_GAP: i32 = 5;

/// Where a labelled value sits relative to the visible axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Inside the axis range: a line across the plot.
    Inside,
    /// Beyond the right end: only a label with an arrow at the right edge.
    OffRight,
    /// Below the left end: only a label with an arrow at the left edge.
    OffLeft,
}

/// A vertical line at a value with a label near the top of the plot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VLine {
    /// The value on the x axis.
    pub(crate) value: f64,
    /// The label text, without arrows.
    pub(crate) text: String,
    /// The colour of the line and its label.
    pub(crate) color: RGBColor,
    /// Whether the line is dashed (percentile marks) or solid (budget).
    pub(crate) dashed: bool,
    /// Whether the value is on the axis or beyond one end.
    pub(crate) placement: Placement,
}

impl VLine {
    /// A line whose placement follows from the axis range.
    pub(crate) fn new(value: f64, text: String, color: RGBColor, dashed: bool, x: &Axis) -> Self {
        let placement = if value > x.hi {
            Placement::OffRight
        } else if value < x.lo {
            Placement::OffLeft
        } else {
            Placement::Inside
        };
        Self { value, text, color, dashed, placement }
    }

    /// The label as drawn, with an arrow pointing off the chart if needed.
    fn shown_text(&self) -> String {
        match self.placement {
            Placement::Inside => self.text.clone(),
            Placement::OffRight => format!("{} →", self.text),
            Placement::OffLeft => format!("← {}", self.text),
        }
    }
}

/// Labelled lines with their label positions decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineLabels {
    /// Each line with the left x of its label and its row.
    placed: Vec<(VLine, i32, usize)>,
    /// The number of label rows used.
    rows: usize,
}

impl LineLabels {
    /// Places the labels of `lines` over the plot of `frame`; only its x axis
    /// and rectangle matter, so the y axis can be chosen afterwards.
    pub(crate) fn place(mut lines: Vec<VLine>, frame: &Frame) -> Self {
        let plot = &frame.rect;
        lines.sort_by(|a, b| a.value.total_cmp(&b.value));
        let mut row_ends: Vec<i32> = vec![];
        let mut placed = vec![];
        for line in lines {
            let width = text_width(&line.shown_text(), LABEL_SIZE, false);
            let left = match line.placement {
                Placement::OffRight => plot.right - 2 - width,
                Placement::OffLeft => plot.left + 2,
                Placement::Inside => {
                    let line_x = frame.x_px(line.value);
                    if line_x + LABEL_GAP + width <= plot.right - 2 {
                        line_x + LABEL_GAP
                    } else {
                        line_x - LABEL_GAP - width
                    }
                }
            };
            let row = match row_ends.iter().position(|end| left > end + LABEL_GAP) {
                Some(row) => row,
                None => {
                    row_ends.push(i32::MIN / 2);
                    row_ends.len() - 1
                }
            };
            row_ends[row] = left + width;
            placed.push((line, left, row));
        }
        Self { placed, rows: row_ends.len() }
    }

    /// The pixels at the top of the plot that the labels occupy.
    pub(crate) fn head_room(&self) -> i32 {
        i32::try_from(self.rows).unwrap_or(0) * LABEL_ROW + if self.rows > 0 { 6 } else { 0 }
    }

    /// Draws the lines and their labels over the plot of `frame`.
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        frame: &Frame,
    ) -> Result<(), ChartError> {
        let plot = &frame.rect;
        for (line, left, row) in &self.placed {
            let row = i32::try_from(*row).unwrap_or(0);
            let label_y = plot.top + 4 + row * LABEL_ROW + LABEL_ROW / 2;
            if line.placement == Placement::Inside {
                let line_top = label_y - LABEL_ROW / 2 + 2;
                let line_x = frame.x_px(line.value);
                draw_vertical(canvas.root, line_x, line_top, plot.bottom, line.color, line.dashed)?;
            }
            let text = line.shown_text();
            let width = text_width(&text, LABEL_SIZE, false);
            // A light backing keeps the label readable over grid lines and bars.
            canvas.root.draw(&Rectangle::new(
                [
                    (left - 2, label_y - LABEL_ROW / 2 + 1),
                    (left + width + 2, label_y + LABEL_ROW / 2 - 1),
                ],
                WHITE.mix(0.85).filled(),
            ))?;
            canvas.text(&text, (*left, label_y), &TextStyle::new(LABEL_SIZE, line.color))?;
        }
        Ok(())
    }
}

/// Draws a vertical line from `top` to `bottom`, solid or dashed.
pub(crate) fn draw_vertical<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    x: i32,
    top: i32,
    bottom: i32,
    color: RGBColor,
    dashed: bool,
) -> Result<(), ChartError> {
    if !dashed {
        root.draw(&PathElement::new([(x, top), (x, bottom)], color.stroke_width(2)))?;
        return Ok(());
    }
    const DASH: i32 = 6;
    const SPACE: i32 = 4;
    let mut y = bottom;
    while y > top {
        let end = (y - DASH).max(top);
        root.draw(&PathElement::new([(x, y), (x, end)], color.stroke_width(2)))?;
        y = end - SPACE;
    }
    Ok(())
}

/// Notes under the x axis saying how many values a cut tail hides.
pub(crate) fn draw_hidden_notes<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    frame: &Frame,
    below: Option<&str>,
    above: Option<&str>,
) -> Result<(), ChartError> {
    let plot = &frame.rect;
    let y = plot.bottom + 36;
    let style = TextStyle::new(TICK_SIZE, palette::MUTED_TEXT);
    if let Some(note) = below {
        canvas.text(&format!("← {note}"), (plot.left, y), &style)?;
    }
    if let Some(note) = above {
        let style = style.anchor(HPos::Right, VPos::Center);
        canvas.text(&format!("{note} →"), (plot.right, y), &style)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::font::ensure_loaded;
    use super::super::layout::Rect;
    use super::*;

    fn frame() -> Frame {
        let axis = Axis { lo: 0.0, hi: 1000.0, ticks: vec![0.0, 500.0, 1000.0], step: 500.0 };
        Frame {
            rect: Rect { left: 80, top: 60, right: 880, bottom: 440 },
            x: axis.clone(),
            y: axis,
        }
    }

    fn line(value: f64, text: &str) -> VLine {
        VLine::new(value, text.to_owned(), palette::MARK, true, &frame().x)
    }

    #[test]
    fn close_labels_go_to_separate_rows() {
        ensure_loaded().unwrap();
        let labels = LineLabels::place(
            vec![line(500.0, "p50 $500"), line(510.0, "p90 $510"), line(900.0, "p99 $900")],
            &frame(),
        );
        assert_eq!(labels.rows, 2);
        let rows: Vec<usize> = labels.placed.iter().map(|(_, _, row)| *row).collect();
        assert_eq!(rows, [0, 1, 0]);
        assert_eq!(labels.head_room(), 2 * LABEL_ROW + 6);
    }

    #[test]
    fn labels_stay_inside_the_plot() {
        ensure_loaded().unwrap();
        let frame = frame();
        let lines = vec![
            line(1000.0, "p99 $1,000"),
            VLine::new(5000.0, "budget $5,000".into(), palette::BUDGET, false, &frame.x),
            VLine::new(-10.0, "budget -$10".into(), palette::BUDGET, false, &frame.x),
        ];
        assert_eq!(lines[1].placement, Placement::OffRight);
        assert_eq!(lines[2].placement, Placement::OffLeft);
        let labels = LineLabels::place(lines, &frame);
        for (line, left, _) in &labels.placed {
            let right = left + text_width(&line.shown_text(), LABEL_SIZE, false);
            let inside = *left >= frame.rect.left && right <= frame.rect.right;
            assert!(inside, "{line:?} at {left}..{right}");
        }
    }
}
