//! Where things go on the canvas: the title, the legend rows and the plot.
//!
//! Every chart plans its layout in pixels before drawing, because label
//! placement (rows of percentile labels, room for bar totals) depends on how
//! wide the plot is. Both backends then draw the same plan.

/// The width of every chart in pixels.
pub(crate) const WIDTH: u32 = 900;
/// The height of every chart in pixels, unless rows force it taller.
pub(crate) const HEIGHT: u32 = 500;

/// Title size in pixels (em size, as CSS `font-size`).
pub(crate) const TITLE_SIZE: f64 = 18.0;
/// Legend, annotation and axis-title size in pixels.
pub(crate) const LABEL_SIZE: f64 = 12.5;
/// Tick label size in pixels.
pub(crate) const TICK_SIZE: f64 = 12.0;

/// The top of the title.
pub(crate) const TITLE_TOP: i32 = 12;
/// The top of the first legend row.
pub(crate) const LEGEND_TOP: i32 = 44;
/// The height of one legend row.
pub(crate) const LEGEND_ROW: i32 = 20;
/// The space between the last legend row and the plot.
const GAP_BELOW_LEGEND: i32 = 14;
/// The space to the right of the plot, so the last tick label fits.
const RIGHT_MARGIN: i32 = 28;
/// The space below the x axis description.
const BOTTOM_MARGIN: i32 = 8;
/// The height reserved under the plot for tick labels and the axis description.
const X_LABEL_AREA: i32 = 48;
/// The space left of the y label area, where the y axis title goes.
pub(crate) const LEFT_MARGIN: i32 = 10;

/// A pixel rectangle on the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    /// The leftmost pixel column.
    pub(crate) left: i32,
    /// The topmost pixel row.
    pub(crate) top: i32,
    /// One past the rightmost pixel column.
    pub(crate) right: i32,
    /// One past the bottom pixel row.
    pub(crate) bottom: i32,
}

impl Rect {
    /// The width in pixels.
    pub(crate) fn width(&self) -> i32 {
        self.right - self.left
    }

    /// The height in pixels.
    pub(crate) fn height(&self) -> i32 {
        self.bottom - self.top
    }
}

/// The planned positions of a chart's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The canvas width in pixels.
    pub(crate) width: u32,
    /// The canvas height in pixels.
    pub(crate) height: u32,
    /// The plotting area, inside the axes.
    pub(crate) plot: Rect,
}

impl Layout {
    /// Plans a canvas with `legend_rows` rows of legend under the title and
    /// `y_label_area` pixels of labels left of the plot.
    pub(crate) fn new(width: u32, height: u32, legend_rows: usize, y_label_area: i32) -> Self {
        let rows = i32::try_from(legend_rows).unwrap_or(0);
        let top = LEGEND_TOP + rows * LEGEND_ROW + GAP_BELOW_LEGEND;
        let left = LEFT_MARGIN + y_label_area;
        let plot = Rect {
            left,
            top,
            right: to_i32(width) - RIGHT_MARGIN,
            bottom: to_i32(height) - BOTTOM_MARGIN - X_LABEL_AREA,
        };
        Self { width, height, plot }
    }

    /// The canvas height needed so each of `rows` rows gets `row_height`
    /// pixels, never less than the standard height.
    pub(crate) fn height_for_rows(legend_rows: usize, rows: usize, row_height: i32) -> u32 {
        let fixed = Self::new(WIDTH, HEIGHT, legend_rows, 0);
        let chrome = to_i32(HEIGHT) - fixed.plot.height();
        let rows = i32::try_from(rows).unwrap_or(i32::MAX / 2);
        let needed = chrome.saturating_add(rows.saturating_mul(row_height));
        u32::try_from(needed).unwrap_or(HEIGHT).clamp(HEIGHT, 20_000)
    }
}

/// Converts a pixel size to `i32`, saturating.
pub(crate) fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_sits_below_the_legend_and_inside_the_canvas() {
        let layout = Layout::new(WIDTH, HEIGHT, 2, 70);
        assert_eq!(layout.plot.top, LEGEND_TOP + 2 * LEGEND_ROW + GAP_BELOW_LEGEND);
        assert!(layout.plot.bottom < HEIGHT as i32 && layout.plot.height() > 250);
        assert_eq!(layout.plot.left, 80);
        assert!(layout.plot.right < WIDTH as i32);
    }

    #[test]
    fn tall_charts_grow_with_rows() {
        assert_eq!(Layout::height_for_rows(1, 3, 30), HEIGHT);
        let tall = Layout::height_for_rows(1, 40, 30);
        let layout = Layout::new(WIDTH, tall, 1, 100);
        assert!(layout.plot.height() >= 40 * 30, "{layout:?}");
        assert_eq!(Layout::height_for_rows(1, usize::MAX, 30), 20_000);
    }
}
