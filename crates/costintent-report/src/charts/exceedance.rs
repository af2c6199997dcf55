//! The exceedance curve: for every amount, the chance that spend exceeds it.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Polygon};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, WHITE};

use super::Chart;
use super::annotate::Placement;
use super::canvas::{Canvas, render};
use super::data;
use super::error::ChartError;
use super::frame::Frame;
use super::layout::{LABEL_SIZE, Rect};
use super::legend::{LegendEntry, Swatch};
use super::palette;
use super::spend::{Labels, SpendData, SpendFigure, budget_line, sorted_totals, spend_axis};
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
    render(&plan(totals, budget, title)?)
}

/// The titles of the x and y axes.
const AXIS_TITLES: (&str, &str) =
    ("spend over the period, x (USD)", "chance of spending more than x");

/// The curve and the budget dot.
#[derive(Debug)]
struct Curve {
    /// The curve as (USD, probability) points.
    points: Vec<(f64, f64)>,
    /// The budget and the chance of exceeding it, when a budget is on the chart.
    budget_point: Option<(f64, f64)>,
}

/// Plans the exceedance curve.
fn plan(
    totals: &[f64],
    budget: Option<f64>,
    title: &str,
) -> Result<SpendFigure<Curve>, ChartError> {
    let (sorted, shown, non_negative) = sorted_totals(totals, "spend totals")?;
    data::check_optional(budget, "budget")?;
    let x = spend_axis(&shown, non_negative, &budget.into_iter().collect::<Vec<_>>())?;

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
    let line = budget.map(|budget| budget_line(budget, &x));
    let budget_point = match &line {
        Some(line) if line.placement == Placement::Inside => {
            Some((line.value, sorted_share_above(&sorted, line.value)))
        }
        _ => None,
    };
    let curve = Curve { points: curve_points(&sorted, &x), budget_point };
    SpendFigure::plan(
        Labels::new(title, AXIS_TITLES, entries, line.into_iter().collect()),
        x,
        &shown,
        curve,
    )
}

impl SpendData for Curve {
    fn y_axis(&self, plot: &Rect, head_room: i32) -> Result<Axis, ChartError> {
        Ok(probability_axis(plot, head_room))
    }

    fn draw_data<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        frame: &Frame,
    ) -> Result<(), ChartError> {
        let curve: Vec<(i32, i32)> = self.points.iter().map(|point| frame.px(*point)).collect();
        let mut area = curve.clone();
        area.push(frame.px((frame.x.hi, 0.0)));
        area.push(frame.px((frame.x.lo, 0.0)));
        let root = canvas.root;
        root.draw(&Polygon::new(area, palette::tint(palette::BLUE, 0.15).filled()))?;
        root.draw(&PathElement::new(curve, palette::BLUE.stroke_width(2)))?;
        Ok(())
    }

    fn draw_over_lines<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        frame: &Frame,
    ) -> Result<(), ChartError> {
        let root = canvas.root;
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
        Ok(())
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
        let figure = plan(&totals, Some(90.0), "curve").unwrap();
        let first = figure.data.points.first().unwrap();
        let last = figure.data.points.last().unwrap();
        assert_eq!(first.1, 1.0);
        assert_eq!(last.1, 0.0);
        assert!(figure.data.points.windows(2).all(|pair| pair[1].1 <= pair[0].1));
        let (budget, chance) = figure.data.budget_point.unwrap();
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
