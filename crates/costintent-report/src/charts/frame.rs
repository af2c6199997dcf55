//! The plot frame: where values land in pixels, and the grid, axes, tick
//! labels and axis titles around the data.
//!
//! Everything is drawn in pixels from one mapping, so bars, lines and their
//! labels can never disagree about where a value is.

use plotters::element::PathElement;
use plotters::prelude::DrawingBackend;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::Canvas;
use super::error::ChartError;
use super::font::text_width;
use super::layout::{LABEL_SIZE, LEFT_MARGIN, Rect, TICK_SIZE};
use super::palette;
use super::text::TextStyle;
use super::ticks::Axis;
use crate::format::{PercentTicks, UsdTicks};

/// A plotting rectangle with an axis along each side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frame {
    /// The plotting area in pixels, inside the axis lines.
    pub(crate) rect: Rect,
    /// The horizontal axis.
    pub(crate) x: Axis,
    /// The vertical axis.
    pub(crate) y: Axis,
}

impl Frame {
    /// The pixel column of an x value.
    pub(crate) fn x_px(&self, value: f64) -> i32 {
        self.x.map(value, (self.rect.left, self.rect.right - 1))
    }

    /// The pixel row of a y value (larger values are higher up).
    pub(crate) fn y_px(&self, value: f64) -> i32 {
        self.y.map(value, (self.rect.bottom - 1, self.rect.top))
    }

    /// The pixel of an (x, y) point.
    pub(crate) fn px(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (self.x_px(x), self.y_px(y))
    }
}

/// The labels and title of one axis.
pub(crate) struct AxisText<'a> {
    /// Formats one tick value.
    pub(crate) labels: &'a dyn Fn(f64) -> String,
    /// The axis title.
    pub(crate) title: &'a str,
}

/// The axes of a distribution chart: dollars across, a share of trials up.
pub(crate) fn draw_usd_percent_axes<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    frame: &Frame,
    x_title: &str,
    y_title: &str,
) -> Result<(), ChartError> {
    let x_ticks = UsdTicks::new(frame.x.max_abs(), frame.x.step);
    let y_ticks = PercentTicks::new(frame.y.step);
    draw_axes(
        canvas,
        frame,
        &AxisText { labels: &|value| x_ticks.format(value), title: x_title },
        Some(&AxisText { labels: &|value| y_ticks.format(value), title: y_title }),
    )
}

/// The length of tick marks in pixels.
const TICK_LENGTH: i32 = 4;
/// The space between neighbouring x tick labels.
const TICK_LABEL_GAP: i32 = 12;

/// Draws grid lines at the ticks, the axis lines, tick labels and titles.
///
/// Without `y` the y axis has no ticks, grid or title (bar charts label their
/// rows themselves). Call before drawing data so the grid stays behind it.
pub(crate) fn draw_axes<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    frame: &Frame,
    x: &AxisText<'_>,
    y: Option<&AxisText<'_>>,
) -> Result<(), ChartError> {
    let root = canvas.root;
    let rect = frame.rect;
    let grid = palette::GRID.stroke_width(1);
    let axis = palette::AXIS.stroke_width(1);
    let tick_style = TextStyle::new(TICK_SIZE, palette::TEXT);

    for &tick in &frame.x.ticks {
        let column = frame.x_px(tick);
        root.draw(&PathElement::new([(column, rect.top), (column, rect.bottom)], grid))?;
    }
    if y.is_some() {
        for &tick in &frame.y.ticks {
            let row = frame.y_px(tick);
            root.draw(&PathElement::new([(rect.left, row), (rect.right - 1, row)], grid))?;
        }
    }
    root.draw(&PathElement::new(
        [(rect.left - 1, rect.bottom), (rect.right - 1, rect.bottom)],
        axis,
    ))?;
    root.draw(&PathElement::new([(rect.left - 1, rect.top), (rect.left - 1, rect.bottom)], axis))?;

    let labels: Vec<(i32, String)> =
        frame.x.ticks.iter().map(|&tick| (frame.x_px(tick), (x.labels)(tick))).collect();
    let every = label_stride(&labels);
    for (index, (column, label)) in labels.iter().enumerate() {
        root.draw(&PathElement::new(
            [(*column, rect.bottom), (*column, rect.bottom + TICK_LENGTH)],
            axis,
        ))?;
        if index % every == 0 {
            let style = tick_style.anchor(HPos::Center, VPos::Top);
            canvas.text(label, (*column, rect.bottom + TICK_LENGTH + 3), &style)?;
        }
    }
    let title_style = TextStyle::new(LABEL_SIZE, palette::TEXT);
    let middle = (rect.left + rect.right) / 2;
    canvas.text(
        x.title,
        (middle, rect.bottom + 28),
        &title_style.anchor(HPos::Center, VPos::Top),
    )?;

    if let Some(y) = y {
        for &tick in &frame.y.ticks {
            let row = frame.y_px(tick);
            root.draw(&PathElement::new(
                [(rect.left - 1 - TICK_LENGTH, row), (rect.left - 1, row)],
                axis,
            ))?;
            let style = tick_style.anchor(HPos::Right, VPos::Center);
            canvas.text(&(y.labels)(tick), (rect.left - TICK_LENGTH - 5, row), &style)?;
        }
        let style = title_style.anchor(HPos::Center, VPos::Top).vertical();
        canvas.text(y.title, (LEFT_MARGIN, (rect.top + rect.bottom) / 2), &style)?;
    }
    Ok(())
}

/// Labels every n-th x tick so neighbouring labels never touch.
fn label_stride(labels: &[(i32, String)]) -> usize {
    let widest = labels.iter().map(|(_, label)| text_width(label, TICK_SIZE, false)).max();
    let spacing = match labels {
        [(first, _), (second, _), ..] => (second - first).abs(),
        _ => return 1,
    };
    let needed = widest.unwrap_or(0) + TICK_LABEL_GAP;
    if spacing <= 0 {
        return labels.len().max(1);
    }
    usize::try_from((needed + spacing - 1) / spacing).unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::super::font::ensure_loaded;
    use super::*;

    fn frame() -> Frame {
        Frame {
            rect: Rect { left: 80, top: 60, right: 880, bottom: 440 },
            x: Axis { lo: 0.0, hi: 1000.0, ticks: vec![0.0, 500.0, 1000.0], step: 500.0 },
            y: Axis { lo: 0.0, hi: 1.0, ticks: vec![0.0, 1.0], step: 1.0 },
        }
    }

    #[test]
    fn values_map_into_the_rectangle() {
        let frame = frame();
        assert_eq!(frame.px((0.0, 0.0)), (80, 439));
        assert_eq!(frame.px((1000.0, 1.0)), (879, 60));
        assert_eq!(frame.x_px(500.0), 479);
    }

    #[test]
    fn crowded_tick_labels_are_thinned() {
        ensure_loaded().unwrap();
        let wide: Vec<(i32, String)> =
            (0..10).map(|index| (index * 30, format!("${index},000,000"))).collect();
        assert!(label_stride(&wide) >= 2);
        let roomy: Vec<(i32, String)> =
            (0..5).map(|index| (index * 150, format!("${index}"))).collect();
        assert_eq!(label_stride(&roomy), 1);
        assert_eq!(label_stride(&[]), 1);
    }
}
