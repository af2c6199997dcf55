//! The spend breakdown: one horizontal bar per category (workload), split
//! into coloured segments by series (billing unit).

use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::Chart;
use super::canvas::{Canvas, Figure, Head, render};
use super::data;
use super::error::ChartError;
use super::font::{fit_width, text_width};
use super::frame::{AxisText, Frame, draw_axes};
use super::layout::{self, LABEL_SIZE, Layout};
use super::legend::{Legend, LegendEntry, Swatch};
use super::palette;
use super::text::TextStyle;
use super::ticks::Axis;
use crate::format::{UsdTicks, usd_compact};

/// Draws one horizontal bar per category, stacked by series, in USD.
///
/// `series` holds, for each series (billing unit), one non-negative amount
/// per category (workload), in the order of `categories`. Bars are sorted
/// by total, largest on top, and each bar's total is written at its end;
/// horizontal bars keep long workload names readable. With more than six
/// series the five largest keep their colours and the rest are merged into
/// a grey "other", because more colours stop being distinguishable.
///
/// The chart is 900 pixels wide and 500 tall, taller when there are more
/// than about twelve categories (28 pixels per bar). Errors:
/// [`ChartError::NoData`] for no categories or no series,
/// [`ChartError::LengthMismatch`] when a series has the wrong number of
/// values, [`ChartError::NotFinite`] or [`ChartError::Negative`] for a bad value.
pub fn stacked_breakdown(
    categories: &[String],
    series: &[(String, Vec<f64>)],
    title: &str,
) -> Result<Chart, ChartError> {
    render(&BreakdownFigure::plan(categories, series, title)?)
}

/// The most series drawn with their own colour before merging into "other".
const MAX_SERIES: usize = 6;
/// The minimum height of one bar's row in pixels.
const ROW_HEIGHT: i32 = 28;
/// The share of a row the bar fills.
const BAR_FILL: f64 = 0.64;
/// The thickest a bar gets in pixels.
const MAX_BAR: f64 = 40.0;
/// The widest the category label area may get.
const MAX_LABEL_AREA: i32 = 240;

/// One series ready to draw: its name, colour and one amount per category.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    name: String,
    color: RGBColor,
    values: Vec<f64>,
}

/// A fully planned breakdown chart.
#[derive(Debug)]
struct BreakdownFigure {
    title: String,
    layout: Layout,
    legend: Legend,
    frame: Frame,
    /// Category labels, already shortened to fit, in drawing order (top first).
    labels: Vec<String>,
    /// Category totals in drawing order.
    totals: Vec<f64>,
    /// Series with values in drawing order.
    segments: Vec<Segment>,
}

impl BreakdownFigure {
    fn plan(
        categories: &[String],
        series: &[(String, Vec<f64>)],
        title: &str,
    ) -> Result<Self, ChartError> {
        if categories.is_empty() {
            return Err(ChartError::NoData { what: "categories".to_owned() });
        }
        if series.is_empty() {
            return Err(ChartError::NoData { what: "series".to_owned() });
        }
        for (name, values) in series {
            if values.len() != categories.len() {
                return Err(ChartError::LengthMismatch {
                    series: name.clone(),
                    expected: categories.len(),
                    found: values.len(),
                });
            }
            data::check_non_negative(values, &format!("series {name:?}"))?;
        }

        let segments = merge_small_series(series);
        let totals: Vec<f64> = (0..categories.len())
            .map(|category| segments.iter().map(|segment| segment.values[category]).sum())
            .collect();
        let mut order: Vec<usize> = (0..categories.len()).collect();
        order.sort_by(|a, b| totals[*b].total_cmp(&totals[*a]));
        let segments: Vec<Segment> = segments
            .into_iter()
            .map(|segment| Segment {
                values: order.iter().map(|category| segment.values[*category]).collect(),
                ..segment
            })
            .collect();
        let totals: Vec<f64> = order.iter().map(|category| totals[*category]).collect();

        let widest_label =
            categories.iter().map(|label| text_width(label, LABEL_SIZE, false)).max().unwrap_or(0);
        let label_area = (widest_label + 18).clamp(60, MAX_LABEL_AREA);
        let labels = order
            .iter()
            .map(|category| fit_width(&categories[*category], LABEL_SIZE, false, label_area - 14))
            .collect();

        let legend = Legend::layout(
            segments
                .iter()
                .map(|segment| LegendEntry::new(Swatch::Box(segment.color), segment.name.clone()))
                .collect(),
            layout::WIDTH,
        );
        let height = Layout::height_for_rows(legend.rows(), categories.len(), ROW_HEIGHT);
        let layout = Layout::new(layout::WIDTH, height, legend.rows(), label_area);

        // Leave room right of the longest bar for its total.
        let max_total = totals.iter().copied().fold(0.0, f64::max);
        let total_label = totals
            .iter()
            .map(|total| text_width(&usd_compact(*total), LABEL_SIZE, false))
            .max()
            .unwrap_or(0);
        let plot_width = f64::from(layout.plot.width());
        let usable = (plot_width - f64::from(total_label + 12)).max(plot_width * 0.5);
        let x = Axis::covering(0.0, max_total * plot_width / usable, 8, true)?;
        let rows = categories.len() as f64;
        let y = Axis { lo: 0.0, hi: rows, ticks: vec![], step: 1.0 };

        let frame = Frame { rect: layout.plot, x, y };
        Ok(Self { title: title.to_owned(), layout, legend, frame, labels, totals, segments })
    }

    /// The y range of the bar in row `index` (0 is the top row).
    fn bar_span(&self, index: usize) -> (f64, f64) {
        let top = self.frame.y.hi - index as f64;
        let row_pixels = f64::from(self.frame.rect.height()) / self.frame.y.hi;
        // Bars fill most of a row but stop growing at MAX_BAR pixels, so a
        // chart with two workloads does not turn into two slabs.
        let fill = BAR_FILL.min(MAX_BAR / row_pixels);
        let pad = (1.0 - fill) / 2.0;
        (top - 1.0 + pad, top - pad)
    }
}

impl Figure for BreakdownFigure {
    fn head(&self) -> Head<'_> {
        Head { layout: &self.layout, title: &self.title, legend: &self.legend }
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let frame = &self.frame;
        let x_ticks = UsdTicks::new(frame.x.max_abs(), frame.x.step);
        let x_text = AxisText { labels: &|value| x_ticks.format(value), title: "spend (USD)" };
        draw_axes(canvas, frame, &x_text, None)?;
        let label_style =
            TextStyle::new(LABEL_SIZE, palette::TEXT).anchor(HPos::Right, VPos::Center);
        let total_style = TextStyle::new(LABEL_SIZE, palette::TEXT);
        for (row, (label, total)) in self.labels.iter().zip(&self.totals).enumerate() {
            let (bottom, top) = self.bar_span(row);
            let mut start = 0.0;
            for segment in &self.segments {
                let value = segment.values[row];
                if value <= 0.0 {
                    continue;
                }
                let (left, upper) = frame.px((start, top));
                let (right, lower) = frame.px((start + value, bottom));
                // A one-pixel white gap separates segments that are wide enough.
                let right = if right - left >= 3 { right - 1 } else { right.max(left + 1) };
                let corners = [(left, upper), (right, lower)];
                canvas.root.draw(&Rectangle::new(corners, segment.color.filled()))?;
                start += value;
            }
            let middle = frame.y_px((bottom + top) / 2.0);
            canvas.text(label, (frame.rect.left - 8, middle), &label_style)?;
            let end = frame.x_px(*total);
            canvas.text(&usd_compact(*total), (end + 6, middle), &total_style)?;
        }
        Ok(())
    }
}

/// Keeps up to six series; with more, keeps the five largest by total (in
/// their original order) and merges the rest into a grey "other".
fn merge_small_series(series: &[(String, Vec<f64>)]) -> Vec<Segment> {
    let colored = |index: usize, (name, values): &(String, Vec<f64>)| Segment {
        name: name.clone(),
        color: palette::series_color(index),
        values: values.clone(),
    };
    if series.len() <= MAX_SERIES {
        return series.iter().enumerate().map(|(index, one)| colored(index, one)).collect();
    }
    let sum = |values: &[f64]| values.iter().sum::<f64>();
    let mut by_size: Vec<usize> = (0..series.len()).collect();
    by_size.sort_by(|a, b| sum(&series[*b].1).total_cmp(&sum(&series[*a].1)));
    let mut keep = by_size[..MAX_SERIES - 1].to_vec();
    keep.sort_unstable();
    let mut segments: Vec<Segment> =
        keep.iter().enumerate().map(|(color, index)| colored(color, &series[*index])).collect();
    let mut other = vec![0.0; series[0].1.len()];
    for (_, values) in
        series.iter().enumerate().filter(|(index, _)| !keep.contains(index)).map(|(_, one)| one)
    {
        for (slot, value) in other.iter_mut().zip(values) {
            *slot += value;
        }
    }
    let merged = series.len() - keep.len();
    segments.push(Segment {
        name: format!("other ({merged} smaller)"),
        color: palette::OTHER,
        values: other,
    });
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(count: usize) -> Vec<(String, Vec<f64>)> {
        (0..count).map(|index| (format!("unit {index}"), vec![index as f64 + 1.0, 1.0])).collect()
    }

    #[test]
    fn up_to_six_series_keep_their_colours() {
        let segments = merge_small_series(&series(6));
        assert_eq!(segments.len(), 6);
        assert!(segments.iter().all(|segment| segment.color != palette::OTHER));
    }

    #[test]
    fn more_series_merge_the_smallest_into_other() {
        let segments = merge_small_series(&series(9));
        assert_eq!(segments.len(), 6);
        let names: Vec<&str> = segments.iter().map(|segment| segment.name.as_str()).collect();
        assert_eq!(names, ["unit 4", "unit 5", "unit 6", "unit 7", "unit 8", "other (4 smaller)"]);
        // Units 0..=3 have 1+2+3+4 in the first category and 1 each in the second.
        assert_eq!(segments[5].values, [10.0, 4.0]);
        let total: f64 = segments.iter().flat_map(|segment| &segment.values).sum();
        let expected: f64 = series(9).iter().flat_map(|(_, values)| values).sum();
        assert!((total - expected).abs() < 1e-9);
    }

    #[test]
    fn bars_are_sorted_largest_first() {
        super::super::font::ensure_loaded().unwrap();
        let categories = vec!["small".to_owned(), "large".to_owned()];
        let series =
            vec![("input".to_owned(), vec![1.0, 5.0]), ("output".to_owned(), vec![1.0, 2.0])];
        let figure = BreakdownFigure::plan(&categories, &series, "t").unwrap();
        assert_eq!(figure.labels, ["large", "small"]);
        assert_eq!(figure.totals, [7.0, 2.0]);
        assert_eq!(figure.segments[0].values, [5.0, 1.0]);
        assert!(figure.frame.x.hi >= 7.0);
    }

    #[test]
    fn bad_shapes_and_values_are_errors() {
        let categories = vec!["a".to_owned()];
        let long = vec![("input".to_owned(), vec![1.0, 2.0])];
        let error = BreakdownFigure::plan(&categories, &long, "t").unwrap_err();
        assert!(matches!(error, ChartError::LengthMismatch { expected: 1, found: 2, .. }));
        let negative = vec![("input".to_owned(), vec![-1.0])];
        let error = BreakdownFigure::plan(&categories, &negative, "t").unwrap_err();
        assert!(matches!(error, ChartError::Negative { .. }));
        assert!(matches!(
            BreakdownFigure::plan(&[], &long, "t").unwrap_err(),
            ChartError::NoData { .. }
        ));
        assert!(matches!(
            BreakdownFigure::plan(&categories, &[], "t").unwrap_err(),
            ChartError::NoData { .. }
        ));
    }
}
