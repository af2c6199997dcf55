//! Drawing text the same way in SVG and PNG.
//!
//! In SVG, text stays text (`<text font-family="sans-serif">`) so it is
//! sharp, selectable and searchable. In PNG, glyphs are rasterized here from
//! the embedded font with their side bearings and kerning, and placed with
//! the same anchor rules SVG uses (`dy` of 0.76em for top, 0.5ex for centre),
//! so both formats put every label in the same spot.

use ab_glyph::{Font, ScaleFont, point};
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Text;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBColor};

use super::error::ChartError;
use super::font::{FAMILY, advance, face, px_scale};

/// How text reaches the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// As SVG text elements that the viewer renders.
    Svg,
    /// As anti-aliased pixels rasterized from the embedded font.
    Raster,
}

/// The look and anchoring of a piece of text.
#[derive(Clone, Copy)]
pub(crate) struct TextStyle {
    /// The em size in pixels, as CSS `font-size`.
    pub(crate) size: f64,
    /// Whether to use the bold face.
    pub(crate) bold: bool,
    /// The text colour.
    pub(crate) color: RGBColor,
    /// Which horizontal part of the text sits at the anchor point.
    pub(crate) h: HPos,
    /// Which vertical part of the text sits at the anchor point.
    pub(crate) v: VPos,
    /// Whether the text reads upwards (rotated 90° anticlockwise), for y axis titles.
    pub(crate) vertical: bool,
}

impl TextStyle {
    /// Regular horizontal text anchored at its left end, centred vertically.
    pub(crate) fn new(size: f64, color: RGBColor) -> Self {
        Self { size, bold: false, color, h: HPos::Left, v: VPos::Center, vertical: false }
    }

    /// The same style in bold.
    pub(crate) fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    /// The same style anchored differently.
    pub(crate) fn anchor(self, h: HPos, v: VPos) -> Self {
        Self { h, v, ..self }
    }

    /// The same style reading upwards.
    pub(crate) fn vertical(self) -> Self {
        Self { vertical: true, ..self }
    }
}

/// The share of an em from the anchor to the baseline for top-anchored text
/// (SVG `dy="0.76em"`, as plotters writes it).
const TOP_TO_BASELINE: f64 = 0.76;
/// Half the x-height of DejaVu Sans in ems (SVG `dy="0.5ex"` for centred text).
const HALF_X_HEIGHT: f64 = 0.273;

/// Draws `text` with its anchor at `at` (pixels).
pub(crate) fn draw_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    mode: TextMode,
    text: &str,
    at: (i32, i32),
    style: &TextStyle,
) -> Result<(), ChartError> {
    if text.is_empty() {
        return Ok(());
    }
    match mode {
        TextMode::Svg => draw_svg_text(root, text, at, style),
        TextMode::Raster => draw_raster_text(root, text, at, style),
    }
}

/// Emits an SVG text element through plotters.
fn draw_svg_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle,
) -> Result<(), ChartError> {
    let face = if style.bold { FontStyle::Bold } else { FontStyle::Normal };
    let transform = if style.vertical { FontTransform::Rotate270 } else { FontTransform::None };
    let font = FontDesc::new(FontFamily::Name(FAMILY), plotters_size(style.size), face)
        .transform(transform);
    let text_style = font.color(&style.color).pos(Pos::new(style.h, style.v));
    root.draw(&Text::new(text.to_owned(), at, text_style))?;
    Ok(())
}

/// Rasterizes glyphs and blends them onto the canvas pixel by pixel.
fn draw_raster_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle,
) -> Result<(), ChartError> {
    let Some(font) = face(style.bold) else {
        return Err(ChartError::Render("the embedded font is not loaded".to_owned()));
    };
    let scaled = font.as_scaled(px_scale(font, style.size));
    let width = f64::from(advance(font, style.size, text));
    let start = match style.h {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    };
    let baseline = style.size
        * match style.v {
            VPos::Top => TOP_TO_BASELINE,
            VPos::Center => HALF_X_HEIGHT,
            VPos::Bottom => -HALF_X_HEIGHT,
        };
    // Coverage per pixel in text-local coordinates (x along the text, y down).
    let mut coverage: Vec<(i32, i32, f32)> = vec![];
    let mut pen = start as f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            pen += scaled.kern(previous, id);
        }
        let glyph = id.with_scale_and_position(scaled.scale(), point(pen, baseline as f32));
        pen += scaled.h_advance(id);
        previous = Some(id);
        if let Some(outlined) = font.outline_glyph(glyph) {
            let bounds = outlined.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outlined.draw(|x, y, amount| {
                if amount > 0.0 {
                    coverage.push((left + x as i32, top + y as i32, amount));
                }
            });
        }
    }
    for (x, y, amount) in coverage {
        // Rotating by 270° maps "along the text" to "up the canvas".
        let pixel = if style.vertical { (at.0 + y, at.1 - x) } else { (at.0 + x, at.1 + y) };
        root.draw_pixel(pixel, &style.color.mix(f64::from(amount.min(1.0))))?;
    }
    Ok(())
}

/// The size to give plotters so its SVG `font-size` (size / 1.24) is exactly `size`.
///
/// Searches a few units in the last place around `size × 1.24` so the SVG
/// says `font-size="12.5"` and not `"12.500000000000002"`. Some sizes (13)
/// have no exact round trip; the chart sizes are chosen among those that do.
fn plotters_size(size: f64) -> f64 {
    let product = size * 1.24;
    let (mut down, mut up) = (product, product);
    for _ in 0..40 {
        if down / 1.24 == size {
            return down;
        }
        if up / 1.24 == size {
            return up;
        }
        down = down.next_down();
        up = up.next_up();
    }
    product
}

#[cfg(test)]
mod tests {
    use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
    use plotters::style::WHITE;

    use super::super::font::{ensure_loaded, text_width};
    use super::*;

    /// Draws one piece of text on a small white bitmap and returns its pixels.
    fn raster(text: &str, at: (i32, i32), style: &TextStyle) -> Vec<u8> {
        ensure_loaded().unwrap();
        let mut pixels = vec![0; 200 * 60 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (200, 60)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            draw_text(&root, TextMode::Raster, text, at, style).unwrap();
            root.present().unwrap();
        }
        pixels
    }

    /// The bounding box (left, top, right, bottom) of non-white pixels.
    fn ink_box(pixels: &[u8]) -> (usize, usize, usize, usize) {
        let mut bounds = (usize::MAX, usize::MAX, 0, 0);
        for (index, pixel) in pixels.chunks_exact(3).enumerate() {
            if pixel.iter().any(|channel| *channel < 200) {
                let (x, y) = (index % 200, index / 200);
                bounds = (bounds.0.min(x), bounds.1.min(y), bounds.2.max(x), bounds.3.max(y));
            }
        }
        bounds
    }

    #[test]
    fn raster_text_follows_its_anchor() {
        let style = TextStyle::new(20.0, RGBColor(0, 0, 0));
        let width = text_width("$1,234", 20.0, false) as usize;
        let (left, top, right, bottom) = ink_box(&raster("$1,234", (10, 30), &style));
        assert!((10..=12).contains(&left), "left {left}");
        assert!(right <= 10 + width && right + 4 >= 10 + width, "right {right}, width {width}");
        // Centred on y = 30: digits span roughly the cap height around the middle.
        assert!(top < 30 && bottom > 30 && bottom - top < 24, "{top}..{bottom}");

        let right_anchored = style.anchor(HPos::Right, VPos::Top);
        let (_, top, right, _) = ink_box(&raster("$1,234", (190, 5), &right_anchored));
        assert!((186..=190).contains(&right), "right {right}");
        assert!((5..=9).contains(&top), "top {top}");
    }

    #[test]
    fn vertical_text_reads_upwards() {
        let style =
            TextStyle::new(16.0, RGBColor(0, 0, 0)).anchor(HPos::Left, VPos::Center).vertical();
        let (left, top, right, bottom) = ink_box(&raster("share", (100, 55), &style));
        // The text runs up from y = 55 and is narrow horizontally.
        assert!(bottom <= 56 && top < 25, "{top}..{bottom}");
        assert!(right - left < 20, "{left}..{right}");
    }

    #[test]
    fn svg_text_is_text_with_a_clean_font_size() {
        ensure_loaded().unwrap();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (200, 60)).into_drawing_area();
            let style = TextStyle::new(12.5, RGBColor(0, 0, 0)).bold();
            draw_text(&root, TextMode::Svg, "p90 $1,234", (5, 5), &style).unwrap();
            root.present().unwrap();
        }
        assert!(svg.contains("font-size=\"12.5\""), "{svg}");
        assert!(svg.contains("font-weight=\"bold\""));
        assert!(svg.contains(">\np90 $1,234\n<") || svg.contains(">p90 $1,234<"), "{svg}");
    }

    #[test]
    fn svg_font_sizes_round_trip() {
        use super::super::layout::{LABEL_SIZE, TICK_SIZE, TITLE_SIZE};
        for size in [TITLE_SIZE, LABEL_SIZE, TICK_SIZE, 10.0, 14.0] {
            assert_eq!(plotters_size(size) / 1.24, size);
        }
    }
}
