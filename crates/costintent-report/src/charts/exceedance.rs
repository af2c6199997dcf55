//! The exceedance curve: for every amount, the chance that spend exceeds it.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Polygon};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, WHITE};

use super::Chart;
use super::annotate::{LineLabels, Placement, VLine, draw_hidden_notes};
use super::canvas::{Canvas, Figure, render};
use super::data::{self, Window};
use super::error::ChartError;
use super::frame::{Frame, draw_usd_percent_axes};
use super::histogram::hidden_note;
use super::layout::{self, LABEL_SIZE, Layout, Rect};
use super::legend::{Legend, LegendEntry, Swatch, draw_title};
use super::palette;
use super::text::TextStyle;
use super::ticks::Axis;
use crate::format::{percent_label, usd_compact};
use crate::stats::sorted_share_above;

/// Draws P(spend > x) against x for per-trial spend totals (USD), with an
/// optional budget line and the chance of exceeding it.
///
/// Reading it: pick an amount on the x axis; the curve's height is the
/// share of trials that spent more. Where the curve crosses 10% is the p90.
/// With a budget, a dot marks the chance of exceeding it, repeated in the
/// legend; a far-off budget is an arrow at the edge. The same tail cut as
/// [`spend_histogram`](super::spend_histogram) applies, with a note.
///
/// The chart is 900×500 pixels. Errors: [`ChartError::NoData`] for no totals,
/// [`ChartError::NotFinite`] for a NaN or infinite total or budget.
pub fn exceedance_curve(
    totals: &[f64],
    budget: Option<f64>,
    title: &str,
) -> Result<Chart, ChartError> {
    render(&ExceedanceFigure::plan(totals, budget, title)?)
}

/// The width of the y label area: percentages plus the axis description.
const Y_LABEL_AREA: i32 = 70;

/// A fully planned exceedance curve.
#[derive(Debug)]
struct ExceedanceFigure {
    title: String,
    layout: Layout,
    legend: Legend,
    frame: Frame,
    /// The curve as (USD, probability) points.
    curve: Vec<(f64, f64)>,
    /// The budget and the chance of exceeding it, when a budget is on the chart.
    budget_point: Option<(f64, f64)>,
    lines: LineLabels,
    hidden_below: Option<String>,
    hidden_above: Option<String>,
}

impl ExceedanceFigure {
    fn plan(totals: &[f64], budget: Option<f64>, title: &str) -> Result<Self, ChartError> {
        if totals.is_empty() {
            return Err(ChartError::NoData { what: "spend totals".to_owned() });
        }
        data::check_finite(totals, "spend totals")?;
        data::check_optional(budget, "budget")?;

        let sorted = data::sorted(totals);
        let shown = Window::of(&sorted);
        let non_negative = sorted.first().is_some_and(|min| *min >= 0.0);
        let mut window = shown.clone();
        window.widen_if_degenerate(non_negative);
        if let Some(budget) = budget {
            window.include(budget);
        }
        let x = Axis::covering(window.lo, window.hi, 8, non_negative)?;

        let mut entries =
            vec![LegendEntry::new(Swatch::Line(palette::BLUE), "chance that spend exceeds x")];
        if let Some(budget) = budget {
            let over = sorted_share_above(&sorted, budget);
            entries.push(LegendEntry::new(
                Swatch::Line(palette::BUDGET),
                format!(
                    "budget {} is exceeded in {} of trials",
                    usd_compact(budget),
                    percent_label(over)
                ),
            ));
        }
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
        let budget_point = match &budget_line {
            Some(line) if line.placement == Placement::Inside => {
                Some((line.value, sorted_share_above(&sorted, line.value)))
            }
            _ => None,
        };
        let mut frame = Frame { rect: layout.plot, x, y: probability_axis(&layout.plot, 0) };
        let lines = LineLabels::place(budget_line.into_iter().collect(), &frame);
        frame.y = probability_axis(&layout.plot, lines.head_room());
        let curve = curve_points(&sorted, &frame.x);

        Ok(Self {
            title: title.to_owned(),
            layout,
            legend,
            frame,
            curve,
            budget_point,
            lines,
            hidden_below: hidden_note(shown.hidden_below, "below", shown.lo),
            hidden_above: hidden_note(shown.hidden_above, "above", shown.hi),
        })
    }
}

impl Figure for ExceedanceFigure {
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
            "spend over the period, x (USD)",
            "chance of spending more than x",
        )?;

        let curve: Vec<(i32, i32)> = self.curve.iter().map(|point| frame.px(*point)).collect();
        let mut area = curve.clone();
        area.push(frame.px((frame.x.hi, 0.0)));
        area.push(frame.px((frame.x.lo, 0.0)));
        let root = canvas.root;
        root.draw(&Polygon::new(area, palette::tint(palette::BLUE, 0.15).filled()))?;
        root.draw(&PathElement::new(curve, palette::BLUE.stroke_width(2)))?;

        self.lines.draw(canvas, frame)?;
        if let Some((budget, chance)) = self.budget_point {
            let (x, y) = frame.px((budget, chance));
            // A dashed guide from the y axis to the dot lets the chance be read off the axis.
            draw_horizontal_dashes(root, frame.rect.left, x, y)?;
            root.draw(&Circle::new((x, y), 5, palette::BUDGET.filled()))?;
            root.draw(&Circle::new((x, y), 5, WHITE.stroke_width(1)))?;
            let style =
                TextStyle::new(LABEL_SIZE, palette::BUDGET).bold().anchor(HPos::Left, VPos::Bottom);
            canvas.text(&percent_label(chance), (x + 8, y - 4), &style)?;
        }
        draw_hidden_notes(canvas, frame, self.hidden_below.as_deref(), self.hidden_above.as_deref())
    }
}

/// The most distinct values drawn as an exact staircase.
const MAX_EXACT_STEPS: usize = 400;
/// The number of evenly spaced points used for larger inputs.
const SAMPLED_POINTS: usize = 300;

/// The points of P(spend > x) across the axis for ascending values.
///
/// With few distinct values the curve is the exact staircase (it drops at
/// every value); with more, each step is about a pixel high or less, so
/// evenly spaced samples draw the same picture with far fewer points.
fn curve_points(sorted: &[f64], x: &Axis) -> Vec<(f64, f64)> {
    let above = |value: f64| sorted_share_above(sorted, value);
    let mut visible: Vec<f64> =
        sorted.iter().copied().filter(|value| *value > x.lo && *value <= x.hi).collect();
    visible.dedup();
    if visible.len() <= MAX_EXACT_STEPS {
        let count = sorted.len() as f64;
        let mut points = vec![(x.lo, above(x.lo))];
        for value in visible {
            let at_or_above =
                (sorted.len() - sorted.partition_point(|v| *v < value)) as f64 / count;
            points.push((value, at_or_above));
            points.push((value, above(value)));
        }
        points.push((x.hi, above(x.hi)));
        return points;
    }
    (0..=SAMPLED_POINTS)
        .map(|index| {
            let value = x.lo + (x.hi - x.lo) * index as f64 / SAMPLED_POINTS as f64;
            (value, above(value))
        })
        .collect()
}

/// A probability axis labelled 0% to 100% that extends above 100% just far
/// enough to leave `head_room` pixels for line labels.
fn probability_axis(plot: &Rect, head_room: i32) -> Axis {
    let height = f64::from(plot.height());
    let free = f64::from(plot.height() - head_room - 6).max(height * 0.5);
    Axis { lo: 0.0, hi: height / free, ticks: vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0], step: 0.2 }
}

/// A thin dashed horizontal guide from `left` to `right` at height `y`.
fn draw_horizontal_dashes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    left: i32,
    right: i32,
    y: i32,
) -> Result<(), ChartError> {
    let mut x = left;
    while x < right {
        let end = (x + 5).min(right);
        root.draw(&PathElement::new([(x, y), (end, y)], palette::BUDGET.stroke_width(1)))?;
        x = end + 4;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_falls_from_one_to_zero() {
        super::super::font::ensure_loaded().unwrap();
        let totals: Vec<f64> = (1..=100).map(f64::from).collect();
        let figure = ExceedanceFigure::plan(&totals, Some(90.0), "curve").unwrap();
        let first = figure.curve.first().unwrap();
        let last = figure.curve.last().unwrap();
        assert_eq!(first.1, 1.0);
        assert_eq!(last.1, 0.0);
        assert!(figure.curve.windows(2).all(|pair| pair[1].1 <= pair[0].1));
        let (budget, chance) = figure.budget_point.unwrap();
        assert_eq!(budget, 90.0);
        assert!((chance - 0.10).abs() < 1e-12);
    }

    #[test]
    fn few_values_give_an_exact_staircase() {
        let axis = Axis { lo: 0.0, hi: 4.0, ticks: vec![0.0, 4.0], step: 4.0 };
        let points = curve_points(&[1.0, 2.0, 2.0, 3.0], &axis);
        assert_eq!(
            points,
            [
                (0.0, 1.0),
                (1.0, 1.0),
                (1.0, 0.75),
                (2.0, 0.75),
                (2.0, 0.25),
                (3.0, 0.25),
                (3.0, 0.0),
                (4.0, 0.0)
            ]
        );
        let many: Vec<f64> = (0..5000).map(f64::from).collect();
        let axis = Axis { lo: 0.0, hi: 5000.0, ticks: vec![0.0, 5000.0], step: 5000.0 };
        assert_eq!(curve_points(&many, &axis).len(), SAMPLED_POINTS + 1);
    }

    #[test]
    fn the_probability_axis_stops_labelling_at_100_percent() {
        let plot = Rect { left: 80, top: 60, right: 880, bottom: 440 };
        let axis = probability_axis(&plot, 24);
        assert!(axis.hi > 1.0);
        assert_eq!(axis.ticks.last(), Some(&1.0));
        assert_eq!(probability_axis(&plot, 0).ticks.len(), 6);
    }
}
