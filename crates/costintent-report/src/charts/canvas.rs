//! Drawing one planned figure onto both backends: an SVG string and a PNG.
//!
//! Each chart module turns its input into a plan (a type implementing
//! [`Figure`]) whose `draw` is generic over the plotters backend, so the SVG
//! and the PNG come from the same code and always agree.

use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::prelude::{BitMapBackend, DrawingBackend, SVGBackend};

use super::Chart;
use super::error::ChartError;
use super::font;
use super::layout::Layout;
use super::legend::{Legend, draw_title};
use super::palette;
use super::text::{TextMode, TextStyle, draw_text};

/// A chart that is fully planned and only needs drawing.
pub(crate) trait Figure {
    /// The canvas, the title and the legend every chart has.
    fn head(&self) -> Head<'_>;

    /// Draws the figure below its title and legend, on a white canvas of
    /// the head's size.
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Result<(), ChartError>;
}

/// What every chart draws first: the canvas size comes from the layout,
/// then the title and the legend above the plot.
pub(crate) struct Head<'a> {
    /// The canvas and plot area.
    pub(crate) layout: &'a Layout,
    /// The title, centred at the top.
    pub(crate) title: &'a str,
    /// The legend under the title.
    pub(crate) legend: &'a Legend,
}

/// A drawing area plus the way text is drawn on it.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    /// The whole canvas in pixel coordinates, for shapes.
    pub(crate) root: &'a DrawingArea<DB, Shift>,
    /// Whether text becomes SVG text or rasterized pixels.
    mode: TextMode,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    /// Draws `text` with its anchor at `at` (pixels).
    pub(crate) fn text(
        &self,
        text: &str,
        at: (i32, i32),
        style: &TextStyle,
    ) -> Result<(), ChartError> {
        draw_text(self.root, self.mode, text, at, style)
    }
}

/// Renders a figure to SVG text and PNG bytes.
pub(crate) fn render(figure: &impl Figure) -> Result<Chart, ChartError> {
    font::ensure_loaded()?;
    let head = figure.head();
    let (width, height) = (head.layout.width, head.layout.height);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&palette::BACKGROUND)?;
        draw_head(&head, &Canvas { root: &root, mode: TextMode::Svg })?;
        figure.draw(&Canvas { root: &root, mode: TextMode::Svg })?;
        root.present()?;
    }
    let mut pixels = vec![0_u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&palette::BACKGROUND)?;
        draw_head(&head, &Canvas { root: &root, mode: TextMode::Raster })?;
        figure.draw(&Canvas { root: &root, mode: TextMode::Raster })?;
        root.present()?;
    }
    let png = encode_png(&pixels, width, height)?;
    Ok(Chart { width, height, svg, png })
}

/// Draws the title and the legend.
fn draw_head<DB: DrawingBackend>(
    head: &Head<'_>,
    canvas: &Canvas<'_, DB>,
) -> Result<(), ChartError> {
    draw_title(canvas, head.title, head.layout.width)?;
    head.legend.draw(canvas)
}

/// Encodes 8-bit RGB pixels as a PNG file in memory.
fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let to_error = |error: png::EncodingError| ChartError::Render(format!("PNG encoding: {error}"));
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(to_error)?;
    writer.write_image_data(pixels).map_err(to_error)?;
    writer.finish().map_err(to_error)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A figure that draws nothing (no title, an empty legend), to test
    /// the rendering pipeline alone.
    struct Blank {
        layout: Layout,
        legend: Legend,
    }

    impl Figure for Blank {
        fn head(&self) -> Head<'_> {
            Head { layout: &self.layout, title: "", legend: &self.legend }
        }

        fn draw<DB: DrawingBackend>(&self, _canvas: &Canvas<'_, DB>) -> Result<(), ChartError> {
            Ok(())
        }
    }

    #[test]
    fn a_blank_figure_becomes_a_white_png_and_an_svg() {
        let blank =
            Blank { layout: Layout::new(400, 300, 0, 0), legend: Legend::layout(vec![], 400) };
        let chart = render(&blank).unwrap();
        assert!(chart.svg.starts_with("<svg"), "{}", chart.svg);
        let decoder = png::Decoder::new(chart.png.as_slice());
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).unwrap();
        assert_eq!((info.width, info.height), (400, 300));
        assert!(buffer[..info.buffer_size()].iter().all(|byte| *byte == 255));
    }
}
