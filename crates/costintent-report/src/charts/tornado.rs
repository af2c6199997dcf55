//! The tornado chart: how much each uncertain assumption moves a result.

use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::Chart;
use super::annotate::{LineLabels, VLine};
use super::canvas::{Canvas, Figure, Head, render};
use super::data;
use super::error::ChartError;
use super::font::{fit_width, text_width, wrap_to_width};
use super::frame::{AxisText, Frame, draw_axes};
use super::layout::{self, LABEL_SIZE, Layout, TICK_SIZE};
use super::legend::{Legend, LegendEntry, Swatch};
use super::palette;
use super::text::TextStyle;
use super::ticks::Axis;
use crate::format::{UsdTicks, usd_compact};

/// The words of a tornado chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TornadoText<'a> {
    /// The title.
    pub title: &'a str,
    /// The legend of the upper (blue) bars: what "low" means.
    pub low: &'a str,
    /// The legend of the lower (orange) bars: what "high" means.
    pub high: &'a str,
    /// A note under the legend, wrapped to the chart's width (what the
    /// base is); empty for none.
    pub note: &'a str,
}

impl TornadoText<'_> {
    /// A title with the legend of one-at-a-time percentiles and no note.
    pub fn percentiles(title: &str) -> TornadoText<'_> {
        TornadoText {
            title,
            low: "assumption at its 10th percentile",
            high: "assumption at its 90th percentile",
            note: "",
        }
    }
}

/// Draws a sensitivity tornado around `base` (USD).
///
/// Each row is an assumption with the result (for example the p90 spend)
/// when that assumption is at a low and at a high value (its 10th and 90th
/// percentile, or divided and multiplied by a factor; `text` says which).
/// Every row gets two bars starting at `base`: the upper one (blue) for the
/// low value and the lower one (orange) for the high one, each labelled
/// with the result and its change from base. Two bars rather than one split
/// bar stay readable when both results fall on the same side of base. Rows
/// are sorted by swing (the distance between the two results), largest on
/// top.
///
/// The chart is 900 pixels wide and 500 tall, taller beyond about nine rows
/// (40 pixels per row) and with a long note. Errors: [`ChartError::NoData`]
/// for no rows, [`ChartError::NotFinite`] for a NaN or infinite base or
/// result.
pub fn tornado(
    base: f64,
    rows: &[(String, f64, f64)],
    text: &TornadoText<'_>,
) -> Result<Chart, ChartError> {
    render(&TornadoFigure::plan(base, rows, text)?)
}

/// The height of one assumption's row in pixels.
const ROW_HEIGHT: i32 = 40;
/// The share of a row taken by each of its two bars.
const BAR_SHARE: f64 = 0.32;
/// The widest the assumption label area may get.
const MAX_LABEL_AREA: i32 = 240;
/// The colour for results with the assumption at its 10th percentile.
const LOW_COLOR: RGBColor = palette::BLUE;
/// The colour for results with the assumption at its 90th percentile.
const HIGH_COLOR: RGBColor = palette::ORANGE;

/// One assumption ready to draw.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    label: String,
    at_low: f64,
    at_high: f64,
}

/// A fully planned tornado chart.
#[derive(Debug)]
struct TornadoFigure {
    title: String,
    /// The note's lines, drawn under the legend.
    note: Vec<String>,
    /// The legend's rows (the note starts below them).
    legend_rows: usize,
    base: f64,
    layout: Layout,
    legend: Legend,
    frame: Frame,
    /// Rows in drawing order, top first.
    rows: Vec<Row>,
    lines: LineLabels,
}

impl TornadoFigure {
    fn plan(
        base: f64,
        rows: &[(String, f64, f64)],
        text: &TornadoText<'_>,
    ) -> Result<Self, ChartError> {
        if rows.is_empty() {
            return Err(ChartError::NoData { what: "sensitivity rows".to_owned() });
        }
        data::check_finite(&[base], "base")?;
        for (name, at_low, at_high) in rows {
            data::check_finite(&[*at_low, *at_high], &format!("row {name:?}"))?;
        }
        let mut order: Vec<&(String, f64, f64)> = rows.iter().collect();
        order.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));

        let widest_label =
            rows.iter().map(|(name, ..)| text_width(name, LABEL_SIZE, false)).max().unwrap_or(0);
        let label_area = (widest_label + 18).clamp(60, MAX_LABEL_AREA);
        let rows: Vec<Row> = order
            .into_iter()
            .map(|(name, at_low, at_high)| Row {
                label: fit_width(name, LABEL_SIZE, false, label_area - 14),
                at_low: *at_low,
                at_high: *at_high,
            })
            .collect();

        let legend = Legend::layout(
            vec![
                LegendEntry::new(Swatch::Box(LOW_COLOR), text.low),
                LegendEntry::new(Swatch::Box(HIGH_COLOR), text.high),
            ],
            layout::WIDTH,
        );
        let note_width = layout::to_i32(layout::WIDTH) - 2 * layout::LEFT_MARGIN;
        let note = wrap_to_width(text.note, LABEL_SIZE, false, note_width);
        // The note takes rows of the legend's height under the legend.
        let head_rows = legend.rows() + note.len();
        // One extra row keeps the base label clear of the top bars.
        let height = Layout::height_for_rows(head_rows, rows.len() + 1, ROW_HEIGHT);
        let layout = Layout::new(layout::WIDTH, height, head_rows, label_area);

        let x = value_axis(base, &rows, layout.plot.width())?;
        let base_line =
            VLine::new(base, format!("base {}", usd_compact(base)), palette::MARK, false, &x);
        let count = rows.len() as f64;
        let y = Axis { lo: 0.0, hi: count, ticks: vec![], step: 1.0 };
        let mut frame = Frame { rect: layout.plot, x, y };
        let lines = LineLabels::place(vec![base_line], &frame);
        let plot_height = f64::from(layout.plot.height());
        let free = (plot_height - f64::from(lines.head_room())).max(plot_height * 0.5);
        frame.y.hi = count * plot_height / free;

        Ok(Self {
            title: text.title.to_owned(),
            note,
            legend_rows: legend.rows(),
            base,
            layout,
            legend,
            frame,
            rows,
            lines,
        })
    }

    /// The y ranges of the two bars of row `index` (0 is the top row):
    /// the upper bar for the low case, the lower bar for the high case.
    fn bar_spans(&self, index: usize) -> ((f64, f64), (f64, f64)) {
        let top = self.rows.len() as f64 - index as f64;
        let middle = top - 0.5;
        let gap = 0.03;
        ((middle + gap, middle + gap + BAR_SHARE), (middle - gap - BAR_SHARE, middle - gap))
    }
}

impl Figure for TornadoFigure {
    fn head(&self) -> Head<'_> {
        Head { layout: &self.layout, title: &self.title, legend: &self.legend }
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
        let note_style = TextStyle::new(LABEL_SIZE, palette::TEXT).anchor(HPos::Left, VPos::Center);
        for (index, line) in self.note.iter().enumerate() {
            let row = i32::try_from(self.legend_rows + index).unwrap_or(0);
            let y = layout::LEGEND_TOP + row * layout::LEGEND_ROW + layout::LEGEND_ROW / 2;
            canvas.text(line, (layout::LEFT_MARGIN, y), &note_style)?;
        }
        let frame = &self.frame;
        let x_ticks = UsdTicks::new(frame.x.max_abs(), frame.x.step);
        let x_text = AxisText {
            labels: &|value| x_ticks.format(value),
            title: "p90 spend over the period (USD)",
        };
        draw_axes(canvas, frame, &x_text, None)?;
        let name_style =
            TextStyle::new(LABEL_SIZE, palette::TEXT).anchor(HPos::Right, VPos::Center);
        // Faint lines between rows show which two bars belong together.
        for boundary in 1..self.rows.len() {
            let y = frame.y_px(boundary as f64);
            let line = [(frame.rect.left, y), (frame.rect.right - 1, y)];
            canvas.root.draw(&PathElement::new(line, palette::GRID.stroke_width(1)))?;
        }
        for (index, row) in self.rows.iter().enumerate() {
            let (low_span, high_span) = self.bar_spans(index);
            for (value, span, color) in
                [(row.at_low, low_span, LOW_COLOR), (row.at_high, high_span, HIGH_COLOR)]
            {
                let (start, upper) = frame.px((self.base, span.1));
                let (end, lower) = frame.px((value, span.0));
                let (left, right) =
                    if end >= start { (start, end.max(start + 2)) } else { (end, start) };
                canvas
                    .root
                    .draw(&Rectangle::new([(left, upper), (right, lower)], color.filled()))?;
                let middle = (upper + lower) / 2;
                let (anchor, text_x) = if value >= self.base {
                    (HPos::Left, right + 5)
                } else {
                    (HPos::Right, left - 5)
                };
                let style = TextStyle::new(TICK_SIZE, palette::TEXT).anchor(anchor, VPos::Center);
                canvas.text(&value_label(value, self.base), (text_x, middle), &style)?;
            }
            let row_middle = frame.y_px(low_span.0);
            canvas.text(&row.label, (frame.rect.left - 8, row_middle), &name_style)?;
        }
        self.lines.draw(canvas, frame)
    }
}

/// A bar-end label: the result and its change from base, "$1,290 (+$56)".
///
/// The change is rounded like the result: whole dollars once results reach
/// $100 (a change under $1 keeps its cents so it does not read as zero).
fn value_label(value: f64, base: f64) -> String {
    let change = value - base;
    let shown_change = if value.abs().max(base.abs()) >= 100.0 && change.abs() >= 1.0 {
        change.round()
    } else {
        change
    };
    let sign = if shown_change >= 0.0 { "+" } else { "" };
    format!("{} ({sign}{})", usd_compact(value), usd_compact(shown_change))
}

/// The x axis: every result and the base, with room at each end for the
/// bar-end labels on that side of a plot `plot_width` pixels wide.
fn value_axis(base: f64, rows: &[Row], plot_width: i32) -> Result<Axis, ChartError> {
    let values: Vec<f64> = rows.iter().flat_map(|row| [row.at_low, row.at_high]).collect();
    let lo = values.iter().copied().fold(base, f64::min);
    let hi = values.iter().copied().fold(base, f64::max);
    // A zero-width range still needs a scale for the label room below.
    let span = if hi - lo > 0.0 { hi - lo } else { base.abs().max(1.0) * 0.2 };
    let room = |left_side: bool| {
        values
            .iter()
            .filter(|value| (**value < base) == left_side)
            .map(|value| text_width(&value_label(*value, base), TICK_SIZE, false) + 10)
            .max()
            .unwrap_or(10)
    };
    let (left_room, right_room) = (room(true), room(false));
    let usable = f64::from(plot_width - left_room - right_room).max(f64::from(plot_width) * 0.3);
    let units_per_pixel = span / usable;
    let non_negative = lo >= 0.0;
    let padded_lo = lo - f64::from(left_room) * units_per_pixel;
    let padded_lo = if non_negative { padded_lo.max(0.0) } else { padded_lo };
    Axis::exactly(padded_lo, hi + f64::from(right_room) * units_per_pixel, 8, non_negative)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<(String, f64, f64)> {
        vec![
            ("small".to_owned(), 990.0, 1010.0),
            ("large".to_owned(), 800.0, 1300.0),
            ("same side".to_owned(), 1050.0, 1100.0),
        ]
    }

    #[test]
    fn rows_are_sorted_by_swing() {
        super::super::font::ensure_loaded().unwrap();
        let figure = TornadoFigure::plan(1000.0, &rows(), &TornadoText::percentiles("t")).unwrap();
        let labels: Vec<&str> = figure.rows.iter().map(|row| row.label.as_str()).collect();
        assert_eq!(labels, ["large", "same side", "small"]);
        assert!(figure.frame.x.lo <= 800.0 && figure.frame.x.hi >= 1300.0, "{:?}", figure.frame.x);
    }

    #[test]
    fn labels_show_the_change_from_base() {
        assert_eq!(value_label(1290.0, 1234.0), "$1,290 (+$56)");
        assert_eq!(value_label(1000.0, 1234.0), "$1,000 (-$234)");
        assert_eq!(value_label(5.0, 5.0), "$5 (+$0)");
        assert_eq!(value_label(712.3, 738.0), "$712 (-$26)");
        assert_eq!(value_label(738.4, 738.0), "$738 (+$0.4)");
        assert_eq!(value_label(12.5, 10.25), "$12.5 (+$2.25)");
    }

    #[test]
    fn identical_results_get_a_usable_axis() {
        super::super::font::ensure_loaded().unwrap();
        let rows = vec![("flat".to_owned(), 1000.0, 1000.0)];
        let figure = TornadoFigure::plan(1000.0, &rows, &TornadoText::percentiles("t")).unwrap();
        assert!(figure.frame.x.lo < 1000.0 && figure.frame.x.hi > 1000.0, "{:?}", figure.frame.x);
        let zero = vec![("zero".to_owned(), 0.0, 0.0)];
        let figure = TornadoFigure::plan(0.0, &zero, &TornadoText::percentiles("t")).unwrap();
        assert!(figure.frame.x.lo == 0.0 && figure.frame.x.hi > 0.0, "{:?}", figure.frame.x);
    }

    #[test]
    fn many_rows_make_a_taller_chart() {
        super::super::font::ensure_loaded().unwrap();
        let rows: Vec<(String, f64, f64)> = (0..30)
            .map(|index| (format!("assumption {index}"), 900.0, 1100.0 + f64::from(index)))
            .collect();
        let figure = TornadoFigure::plan(1000.0, &rows, &TornadoText::percentiles("t")).unwrap();
        assert!(figure.layout.height > layout::HEIGHT);
        assert!(figure.layout.plot.height() >= 30 * ROW_HEIGHT);
    }
}
