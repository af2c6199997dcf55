//! Overlaid spend distributions, for comparing scenarios or variants.

use plotters::element::{PathElement, Polygon};
use plotters::prelude::DrawingBackend;
use plotters::style::{Color, RGBColor};

use super::Chart;
use super::annotate::{LineLabels, VLine, draw_hidden_notes};
use super::canvas::{Canvas, Figure, render};
use super::data::{self, Bins, Window};
use super::error::ChartError;
use super::frame::{Frame, draw_usd_percent_axes};
use super::histogram::{bins_over, hidden_note, share_axis};
use super::layout::{self, Layout};
use super::legend::{Legend, LegendEntry, Swatch, draw_title};
use super::palette;
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
    render(&CompareFigure::plan(runs, budget, title)?)
}

/// The width of the y label area: percentages plus the axis description.
const Y_LABEL_AREA: i32 = 70;
/// The opacity of each run's fill, low enough that overlaps stay visible.
const FILL_OPACITY: f64 = 0.22;

/// One run's histogram ready to draw.
#[derive(Debug)]
struct RunShape {
    color: RGBColor,
    bins: Bins,
}

/// A fully planned comparison chart.
#[derive(Debug)]
struct CompareFigure {
    title: String,
    layout: Layout,
    legend: Legend,
    frame: Frame,
    runs: Vec<RunShape>,
    lines: LineLabels,
    hidden_below: Option<String>,
    hidden_above: Option<String>,
}

impl CompareFigure {
    fn plan(
        runs: &[(String, Vec<f64>)],
        budget: Option<f64>,
        title: &str,
    ) -> Result<Self, ChartError> {
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
        let mut window = shown.clone();
        window.widen_if_degenerate(non_negative);
        if let Some(budget) = budget {
            window.include(budget);
        }
        let x = Axis::covering(window.lo, window.hi, 8, non_negative)?;

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
        let legend = Legend::layout(entries, layout::WIDTH);
        let layout = Layout::new(layout::WIDTH, layout::HEIGHT, legend.rows(), Y_LABEL_AREA);

        let budget_line = budget.map(|budget| {
            VLine::new(
                budget,
                format!("budget {}", usd_compact(budget)),
                palette::BUDGET,
                false,
                &x,
            )
        });
        let mut frame = Frame { rect: layout.plot, x, y: Axis::covering(0.0, 1.0, 5, true)? };
        let lines = LineLabels::place(budget_line.into_iter().collect(), &frame);
        let max_share = shapes.iter().map(|shape| shape.bins.max_share()).fold(0.0, f64::max);
        frame.y = share_axis(max_share, &layout.plot, lines.head_room())?;

        Ok(Self {
            title: title.to_owned(),
            layout,
            legend,
            frame,
            runs: shapes,
            lines,
            hidden_below: hidden_note(shown.hidden_below, "below", shown.lo),
            hidden_above: hidden_note(shown.hidden_above, "above", shown.hi),
        })
    }
}

impl Figure for CompareFigure {
    fn size(&self) -> (u32, u32) {
        (self.layout.width, self.layout.height)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        draw_title(canvas, &self.title, self.layout.width)?;
        self.legend.draw(canvas)?;
        let frame = &self.frame;
        draw_usd_percent_axes(
            canvas,
            frame,
            "total spend over the period (USD)",
            "share of each run's trials",
        )?;
        let outlines: Vec<Vec<(i32, i32)>> = self
            .runs
            .iter()
            .map(|run| step_outline(&run.bins).into_iter().map(|point| frame.px(point)).collect())
            .collect();
        // Fills first, then outlines, so no fill covers another run's outline.
        for (run, outline) in self.runs.iter().zip(&outlines) {
            let fill = run.color.mix(FILL_OPACITY).filled();
            canvas.root.draw(&Polygon::new(outline.clone(), fill))?;
        }
        for (run, outline) in self.runs.iter().zip(&outlines) {
            canvas.root.draw(&PathElement::new(outline.clone(), run.color.stroke_width(2)))?;
        }
        self.lines.draw(canvas, frame)?;
        draw_hidden_notes(canvas, frame, self.hidden_below.as_deref(), self.hidden_above.as_deref())
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
        let figure = CompareFigure::plan(&runs, None, "t").unwrap();
        assert_eq!(figure.runs[0].bins.edges, figure.runs[1].bins.edges);
        assert!(figure.frame.x.hi < 1e5, "the outlier run's tail is cut: {:?}", figure.frame.x);
        assert!(figure.hidden_above.is_some());
    }

    #[test]
    fn an_empty_run_is_named_in_the_error() {
        let runs = vec![("base".to_owned(), vec![1.0]), ("empty".to_owned(), vec![])];
        let error = CompareFigure::plan(&runs, None, "t").unwrap_err();
        assert_eq!(error, ChartError::NoData { what: "run \"empty\"".to_owned() });
    }
}
