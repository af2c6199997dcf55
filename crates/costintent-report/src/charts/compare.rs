//! Overlaid spend distributions, for comparing scenarios or variants.

use plotters::element::{PathElement, Polygon};
use plotters::prelude::DrawingBackend;
use plotters::style::{Color, RGBColor};

use super::Chart;
use super::canvas::{Canvas, render};
use super::data::{self, Bins, Window};
use super::error::ChartError;
use super::frame::Frame;
use super::histogram::{bins_over, share_axis};
use super::layout::Rect;
use super::legend::{LegendEntry, Swatch};
use super::palette;
use super::spend::{Labels, SpendData, SpendFigure, budget_line, spend_axis};
use super::ticks::Axis;
use crate::format::{percent_label, usd_compact};
use crate::stats::{sorted_quantile, sorted_share_above};

/// Draws one translucent histogram per run on shared axes, for `compare`.
///
/// Each run is a name and its per-trial spend totals (USD). All runs share
/// the same bins and the y axis is the share of each run's trials, so runs
/// with different trial counts compare. The legend gives each run's p50 and
/// p90 (exact order statistics: the smallest total with at least 50% or 90%
/// of trials at or below it) and, with a budget, its share of trials over
/// budget. A single run is drawn like a plain histogram. Colours repeat
/// after six runs.
///
/// The chart is 900×500 pixels. Errors: [`ChartError::NoData`] for no runs or
/// a run without totals, [`ChartError::NotFinite`] for a NaN or infinite
/// total or budget.
pub fn overlaid_distributions(
    runs: &[(String, Vec<f64>)],
    budget: Option<f64>,
    title: &str,
) -> Result<Chart, ChartError> {
    render(&plan(runs, budget, title)?)
}

/// The titles of the x and y axes.
const AXIS_TITLES: (&str, &str) =
    ("total spend over the period (USD)", "share of each run's trials");
/// The opacity of each run's fill, low enough that overlaps stay visible.
const FILL_OPACITY: f64 = 0.22;

/// One run's histogram ready to draw.
#[derive(Debug)]
struct RunShape {
    color: RGBColor,
    bins: Bins,
}

/// Every run's histogram, in order.
#[derive(Debug)]
struct Shapes(Vec<RunShape>);

impl Shapes {
    /// The tallest share of any bin of any run.
    fn max_share(&self) -> f64 {
        self.0.iter().map(|shape| shape.bins.max_share()).fold(0.0, f64::max)
    }
}

/// Plans the overlaid distributions.
fn plan(
    runs: &[(String, Vec<f64>)],
    budget: Option<f64>,
    title: &str,
) -> Result<SpendFigure<Shapes>, ChartError> {
    if runs.is_empty() {
        return Err(ChartError::NoData { what: "runs".to_owned() });
    }
    for (name, totals) in runs {
        if totals.is_empty() {
            return Err(ChartError::NoData { what: format!("run {name:?}") });
        }
        data::check_finite(totals, &format!("run {name:?}"))?;
    }
    data::check_optional(budget, "budget")?;

    let sorted: Vec<Vec<f64>> = runs.iter().map(|(_, totals)| data::sorted(totals)).collect();
    let windows: Vec<Window> = sorted.iter().map(|run| Window::of(run)).collect();
    let mut shown = Window {
        lo: windows.iter().map(|window| window.lo).fold(f64::INFINITY, f64::min),
        hi: windows.iter().map(|window| window.hi).fold(f64::NEG_INFINITY, f64::max),
        hidden_below: 0,
        hidden_above: 0,
    };
    for run in &sorted {
        shown.hidden_below += run.partition_point(|value| *value < shown.lo);
        shown.hidden_above += run.len() - run.partition_point(|value| *value <= shown.hi);
    }
    let non_negative = sorted.iter().all(|run| run.first().is_some_and(|min| *min >= 0.0));
    let x = spend_axis(&shown, non_negative, &budget.into_iter().collect::<Vec<_>>())?;

    let mut counts: Vec<usize> =
        sorted.iter().map(|run| data::bin_count(run, shown.lo, shown.hi)).collect();
    counts.sort_unstable();
    let count = counts[counts.len() / 2];
    let shapes: Vec<RunShape> = sorted
        .iter()
        .enumerate()
        .map(|(index, run)| RunShape {
            color: palette::series_color(index),
            bins: bins_over(run, &shown, count, &x),
        })
        .collect();

    let entries = runs
        .iter()
        .zip(&sorted)
        .zip(&shapes)
        .map(|(((name, _), run), shape)| {
            let mut label = format!(
                "{name}: p50 {}, p90 {}",
                usd_compact(sorted_quantile(run, 0.5).unwrap_or(f64::NAN)),
                usd_compact(sorted_quantile(run, 0.9).unwrap_or(f64::NAN))
            );
            if let Some(budget) = budget {
                let over = percent_label(sorted_share_above(run, budget));
                label.push_str(&format!(", {over} over budget"));
            }
            LegendEntry::new(Swatch::SoftBox(shape.color), label)
        })
        .collect();
    let line = budget.map(|budget| budget_line(budget, &x));
    let labels = Labels::new(title, AXIS_TITLES, entries, line.into_iter().collect());
    SpendFigure::plan(labels, x, &shown, Shapes(shapes))
}

impl SpendData for Shapes {
    fn y_axis(&self, plot: &Rect, head_room: i32) -> Result<Axis, ChartError> {
        share_axis(self.max_share(), plot, head_room)
    }

    fn draw_data<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        frame: &Frame,
    ) -> Result<(), ChartError> {
        let outlines: Vec<Vec<(i32, i32)>> = self
            .0
            .iter()
            .map(|run| step_outline(&run.bins).into_iter().map(|point| frame.px(point)).collect())
            .collect();
        // Fills first, then outlines, so no fill covers another run's outline.
        for (run, outline) in self.0.iter().zip(&outlines) {
            let fill = run.color.mix(FILL_OPACITY).filled();
            canvas.root.draw(&Polygon::new(outline.clone(), fill))?;
        }
        for (run, outline) in self.0.iter().zip(&outlines) {
            canvas.root.draw(&PathElement::new(outline.clone(), run.color.stroke_width(2)))?;
        }
        Ok(())
    }
}

/// The outline of a histogram as a closed staircase along the x axis.
fn step_outline(bins: &Bins) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(bins.shares.len() * 2 + 2);
    let (Some(&first), Some(&last)) = (bins.edges.first(), bins.edges.last()) else {
        return points;
    };
    points.push((first, 0.0));
    for (edges, &share) in bins.edges.windows(2).zip(&bins.shares) {
        points.push((edges[0], share));
        points.push((edges[1], share));
    }
    points.push((last, 0.0));
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_are_staircases_from_and_to_the_axis() {
        let bins = Bins { edges: vec![0.0, 1.0, 2.0], shares: vec![0.25, 0.75] };
        assert_eq!(
            step_outline(&bins),
            [(0.0, 0.0), (0.0, 0.25), (1.0, 0.25), (1.0, 0.75), (2.0, 0.75), (2.0, 0.0)]
        );
    }

    #[test]
    fn runs_share_bins_and_hidden_counts_add_up() {
        super::super::font::ensure_loaded().unwrap();
        let narrow: Vec<f64> = (0..2000).map(|index| 100.0 + f64::from(index % 100)).collect();
        let mut wide: Vec<f64> = (0..2000).map(|index| 50.0 + f64::from(index % 200)).collect();
        wide.push(1e6);
        let runs = vec![("narrow".to_owned(), narrow), ("wide".to_owned(), wide)];
        let figure = plan(&runs, None, "t").unwrap();
        assert_eq!(figure.data.0[0].bins.edges, figure.data.0[1].bins.edges);
        assert!(figure.frame.x.hi < 1e5, "the outlier run's tail is cut: {:?}", figure.frame.x);
        assert!(figure.hidden_above.is_some());
    }

    #[test]
    fn an_empty_run_is_named_in_the_error() {
        let runs = vec![("base".to_owned(), vec![1.0]), ("empty".to_owned(), vec![])];
        let error = plan(&runs, None, "t").unwrap_err();
        assert_eq!(error, ChartError::NoData { what: "run \"empty\"".to_owned() });
    }
}
