//! What the charts of a spend distribution (the histogram, the exceedance
//! curve and the overlaid runs of a comparison) share around their data:
//! title, legend, dollar and share axes, labelled vertical lines, and the
//! notes on tails cut from the window.

use plotters::prelude::DrawingBackend;

use super::annotate::{LineLabels, VLine, draw_hidden_notes};
use super::canvas::{Canvas, Figure, Head};
use super::data::{self, Window};
use super::error::ChartError;
use super::frame::{Frame, draw_usd_percent_axes};
use super::layout::{self, Layout, Rect};
use super::legend::{Legend, LegendEntry};
use super::palette;
use super::ticks::Axis;
use crate::format::{plain_number, usd_compact};

/// The data of one spend-distribution chart, drawn inside its frame.
pub(crate) trait SpendData {
    /// The y axis for a plot area `plot` whose top `head_room` pixels hold
    /// line labels.
    fn y_axis(&self, plot: &Rect, head_room: i32) -> Result<Axis, ChartError>;

    /// Draws the data (bars, curve, outlines) over the axes.
    fn draw_data<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        frame: &Frame,
    ) -> Result<(), ChartError>;

    /// Draws what goes over the labelled lines (nothing by default).
    fn draw_over_lines<DB: DrawingBackend>(
        &self,
        _canvas: &Canvas<'_, DB>,
        _frame: &Frame,
    ) -> Result<(), ChartError> {
        Ok(())
    }
}

/// The width of the y label area: percentages plus the axis description.
const Y_LABEL_AREA: i32 = 70;

/// What a spend-distribution chart says around its data.
#[derive(Debug)]
pub(crate) struct Labels {
    title: String,
    axis_titles: (&'static str, &'static str),
    legend: Vec<LegendEntry>,
    lines: Vec<VLine>,
}

impl Labels {
    /// The title, the x and y axis titles, the legend entries and the
    /// vertical lines (marks, budget).
    pub(crate) fn new(
        title: &str,
        axis_titles: (&'static str, &'static str),
        legend: Vec<LegendEntry>,
        lines: Vec<VLine>,
    ) -> Self {
        Self { title: title.to_owned(), axis_titles, legend, lines }
    }
}

/// A fully planned spend-distribution chart.
#[derive(Debug)]
pub(crate) struct SpendFigure<D> {
    title: String,
    layout: Layout,
    legend: Legend,
    pub(crate) frame: Frame,
    axis_titles: (&'static str, &'static str),
    lines: LineLabels,
    hidden_below: Option<String>,
    pub(crate) hidden_above: Option<String>,
    pub(crate) data: D,
}

impl<D: SpendData> SpendFigure<D> {
    /// Lays out the chart of `data` on the x axis `x`: the legend under the
    /// title, the line labels in the plot, then the y axis below them, and
    /// notes on the trials `shown` leaves out.
    pub(crate) fn plan(
        labels: Labels,
        x: Axis,
        shown: &Window,
        data: D,
    ) -> Result<Self, ChartError> {
        let legend = Legend::layout(labels.legend, layout::WIDTH);
        let layout = Layout::new(layout::WIDTH, layout::HEIGHT, legend.rows(), Y_LABEL_AREA);
        // Line labels are placed by x alone; the y axis then leaves them room.
        let mut frame = Frame { rect: layout.plot, x, y: Axis::covering(0.0, 1.0, 5, true)? };
        let lines = LineLabels::place(labels.lines, &frame);
        frame.y = data.y_axis(&layout.plot, lines.head_room())?;
        Ok(Self {
            title: labels.title,
            layout,
            legend,
            frame,
            axis_titles: labels.axis_titles,
            lines,
            hidden_below: hidden_note(shown.hidden_below, "below", shown.lo),
            hidden_above: hidden_note(shown.hidden_above, "above", shown.hi),
            data,
        })
    }
}

impl<D: SpendData> Figure for SpendFigure<D> {
    fn head(&self) -> Head<'_> {
        Head { layout: &self.layout, title: &self.title, legend: &self.legend }
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let frame = &self.frame;
        draw_usd_percent_axes(canvas, frame, self.axis_titles.0, self.axis_titles.1)?;
        self.data.draw_data(canvas, frame)?;
        self.lines.draw(canvas, frame)?;
        self.data.draw_over_lines(canvas, frame)?;
        draw_hidden_notes(canvas, frame, self.hidden_below.as_deref(), self.hidden_above.as_deref())
    }
}

/// Checks per-trial totals (some, all finite) and sorts them; returns them
/// with the window a chart shows and whether no total is negative.
pub(crate) fn sorted_totals(
    totals: &[f64],
    what: &str,
) -> Result<(Vec<f64>, Window, bool), ChartError> {
    if totals.is_empty() {
        return Err(ChartError::NoData { what: what.to_owned() });
    }
    data::check_finite(totals, what)?;
    let sorted = data::sorted(totals);
    let shown = Window::of(&sorted);
    let non_negative = sorted.first().is_some_and(|min| *min >= 0.0);
    Ok((sorted, shown, non_negative))
}

/// The dollar axis over `shown` (widened when its values are all equal),
/// reaching out to each of `near` (marks, the budget) that is close enough.
pub(crate) fn spend_axis(
    shown: &Window,
    non_negative: bool,
    near: &[f64],
) -> Result<Axis, ChartError> {
    let mut window = shown.clone();
    window.widen_if_degenerate(non_negative);
    for value in near {
        window.include(*value);
    }
    Axis::covering(window.lo, window.hi, 8, non_negative)
}

/// The budget's vertical line, labelled with its amount.
pub(crate) fn budget_line(budget: f64, x: &Axis) -> VLine {
    VLine::new(budget, format!("budget {}", usd_compact(budget)), palette::BUDGET, false, x)
}

/// A note on trials left out of the window, or `None` when none are.
pub(crate) fn hidden_note(count: usize, side: &str, at: f64) -> Option<String> {
    match count {
        0 => None,
        1 => Some(format!("1 trial {side} {} not shown", usd_compact(at))),
        _ => Some(format!(
            "{} trials {side} {} not shown",
            plain_number(count as f64),
            usd_compact(at)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_notes_count_trials() {
        assert_eq!(hidden_note(0, "above", 10.0), None);
        assert_eq!(hidden_note(1, "above", 10.0).unwrap(), "1 trial above $10 not shown");
        assert_eq!(
            hidden_note(1200, "below", 12_345.0).unwrap(),
            "1,200 trials below $12.3k not shown"
        );
    }
}
