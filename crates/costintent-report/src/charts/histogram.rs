//! The spend histogram: how total spend is distributed over the trials.

use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::style::{Color, RGBColor};

use super::annotate::VLine;
use super::canvas::{Canvas, render};
use super::data::{self, Bins, Window};
use super::error::ChartError;
use super::frame::Frame;
use super::layout::Rect;
use super::legend::{LegendEntry, Swatch};
use super::palette;
use super::spend::{Labels, SpendData, SpendFigure, budget_line, sorted_totals, spend_axis};
use super::ticks::Axis;
use super::{Chart, Mark};
use crate::format::{percent_label, plain_number, usd_compact};
use crate::stats::sorted_share_above;

/// Draws a histogram of per-trial spend totals (USD) with labelled
/// percentile marks and an optional budget line.
///
/// The y axis is the share of trials in each bin, so charts of different
/// trial counts compare. Bins follow the Freedman–Diaconis rule (10 to 80
/// bins). With a budget, bars above it are tinted vermillion and the legend
/// gives the share of trials over budget; a budget far beyond the spend is
/// shown as an arrow at the edge instead of squashing the bars. When at
/// least 1,000 totals are given and the extreme 0.1% would more than double
/// the axis, that tail is cut and a note says how many trials are not shown.
///
/// The chart is 900×500 pixels. Errors: [`ChartError::NoData`] for no totals,
/// [`ChartError::NotFinite`] for a NaN or infinite total, mark or budget.
pub fn spend_histogram(
    totals: &[f64],
    marks: &[Mark],
    budget: Option<f64>,
    title: &str,
) -> Result<Chart, ChartError> {
    render(&plan(totals, marks, budget, title)?)
}

/// The titles of the x and y axes.
const AXIS_TITLES: (&str, &str) = ("total spend over the period (USD)", "share of trials");

/// Bars as (low USD, high USD, share of trials, colour), and the tallest
/// share of any bin.
#[derive(Debug)]
struct Bars(Vec<(f64, f64, f64, RGBColor)>, f64);

/// Plans the histogram.
fn plan(
    totals: &[f64],
    marks: &[Mark],
    budget: Option<f64>,
    title: &str,
) -> Result<SpendFigure<Bars>, ChartError> {
    let (sorted, shown, non_negative) = sorted_totals(totals, "spend totals")?;
    let mark_values: Vec<f64> = marks.iter().map(|mark| mark.x).collect();
    data::check_finite(&mark_values, "marks")?;
    data::check_optional(budget, "budget")?;
    let near: Vec<f64> = mark_values.iter().chain(budget.iter()).copied().collect();
    let x = spend_axis(&shown, non_negative, &near)?;

    let bins = bins_over(&sorted, &shown, data::bin_count(&sorted, shown.lo, shown.hi), &x);
    let bars = Bars(split_at_budget(&bins, budget), bins.max_share());

    let mut entries = vec![];
    match budget {
        Some(budget) => {
            let over = sorted_share_above(&sorted, budget);
            entries.push(LegendEntry::new(
                Swatch::Box(palette::BLUE),
                format!("within budget: {} of trials", percent_label(1.0 - over)),
            ));
            entries.push(LegendEntry::new(
                Swatch::Box(over_budget_color()),
                format!("over budget: {} of trials", percent_label(over)),
            ));
        }
        None => entries.push(LegendEntry::new(
            Swatch::Box(palette::BLUE),
            format!("{} trials", plain_number(sorted.len() as f64)),
        )),
    }
    let mut lines: Vec<VLine> = marks
        .iter()
        .map(|mark| {
            let text = format!("{} {}", mark.label, usd_compact(mark.x));
            VLine::new(mark.x, text, palette::MARK, true, &x)
        })
        .collect();
    lines.extend(budget.map(|budget| budget_line(budget, &x)));
    SpendFigure::plan(Labels::new(title, AXIS_TITLES, entries, lines), x, &shown, bars)
}

impl SpendData for Bars {
    fn y_axis(&self, plot: &Rect, head_room: i32) -> Result<Axis, ChartError> {
        share_axis(self.1, plot, head_room)
    }

    fn draw_data<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        frame: &Frame,
    ) -> Result<(), ChartError> {
        for &(lo, hi, share, color) in &self.0 {
            let (left, top) = frame.px((lo, share));
            let (right, bottom) = frame.px((hi, 0.0));
            // A one-pixel gap separates neighbouring bars once they are wide enough.
            let right = if right - left >= 4 { right - 1 } else { right.max(left + 1) };
            canvas.root.draw(&Rectangle::new([(left, top), (right, bottom)], color.filled()))?;
        }
        Ok(())
    }
}

/// The colour of bars above the budget: a lighter vermillion than the line.
fn over_budget_color() -> RGBColor {
    palette::tint(palette::BUDGET, 0.6)
}

/// Turns bins into coloured bars, splitting the bin that contains the budget.
fn split_at_budget(bins: &Bins, budget: Option<f64>) -> Vec<(f64, f64, f64, RGBColor)> {
    let over = over_budget_color();
    let mut bars = vec![];
    for (edges, &share) in bins.edges.windows(2).zip(&bins.shares) {
        let (lo, hi) = (edges[0], edges[1]);
        if share <= 0.0 {
            continue;
        }
        match budget {
            Some(budget) if budget > lo && budget < hi => {
                bars.push((lo, budget, share, palette::BLUE));
                bars.push((budget, hi, share, over));
            }
            Some(budget) if lo >= budget => bars.push((lo, hi, share, over)),
            _ => bars.push((lo, hi, share, palette::BLUE)),
        }
    }
    bars
}

/// Counts ascending values into `count` bins over the window, or into one
/// narrow bin centred on the value when every shown value is the same.
pub(crate) fn bins_over(sorted: &[f64], window: &Window, count: usize, x: &Axis) -> Bins {
    if window.hi > window.lo {
        Bins::count(sorted, window.lo, window.hi, count)
    } else {
        let half_width = (x.hi - x.lo) / 120.0;
        Bins::count(sorted, window.lo - half_width, window.hi + half_width, 1)
    }
}

/// A share-of-trials axis from zero that leaves `head_room` pixels (plus a
/// little air) above the tallest bar for line labels.
///
/// Ticks stop at 100%: when a bar holds nearly every trial the axis runs on
/// above 100% without labels, since a share cannot exceed it.
pub(crate) fn share_axis(max_share: f64, plot: &Rect, head_room: i32) -> Result<Axis, ChartError> {
    let height = f64::from(plot.height());
    let free = (height - f64::from(head_room) - 12.0).max(height * 0.3);
    let top = max_share.max(1e-9) * height / free;
    let mut axis = Axis::covering(0.0, top.min(1.0), 5, true)?;
    axis.hi = axis.hi.max(top);
    Ok(axis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bin_holding_the_budget_is_split() {
        let bins = Bins { edges: vec![0.0, 10.0, 20.0, 30.0], shares: vec![0.5, 0.3, 0.2] };
        let bars = split_at_budget(&bins, Some(15.0));
        let spans: Vec<(f64, f64)> = bars.iter().map(|bar| (bar.0, bar.1)).collect();
        assert_eq!(spans, [(0.0, 10.0), (10.0, 15.0), (15.0, 20.0), (20.0, 30.0)]);
        let over: Vec<bool> = bars.iter().map(|bar| bar.3 != palette::BLUE).collect();
        assert_eq!(over, [false, false, true, true]);
        assert_eq!(split_at_budget(&bins, None).len(), 3);
    }

    #[test]
    fn the_share_axis_leaves_room_for_labels() {
        let plot = Rect { left: 80, top: 60, right: 880, bottom: 440 };
        let axis = share_axis(0.05, &plot, 40).unwrap();
        let bar_top_pixels = 0.05 / axis.hi * f64::from(plot.height());
        assert!(bar_top_pixels <= f64::from(plot.height() - 40), "{axis:?}");
        assert_eq!(axis.lo, 0.0);

        // Every trial in one bin: labels stop at 100% but the bar still has room.
        let axis = share_axis(1.0, &plot, 40).unwrap();
        assert_eq!(axis.ticks.last(), Some(&1.0));
        assert!(axis.hi > 1.0);
    }

    #[test]
    fn a_far_budget_is_drawn_off_the_chart() {
        super::super::font::ensure_loaded().unwrap();
        let totals: Vec<f64> = (0..200).map(|index| 600.0 + f64::from(index)).collect();
        let figure = plan(&totals, &[], Some(100_000.0), "far").unwrap();
        assert!(figure.frame.x.hi < 2_000.0, "{:?}", figure.frame.x);
        let near = plan(&totals, &[], Some(1_000.0), "near").unwrap();
        assert!(near.frame.x.hi >= 1_000.0, "{:?}", near.frame.x);
    }
}
