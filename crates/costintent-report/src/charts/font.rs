//! The embedded DejaVu Sans font: loading, measuring and fitting text.
//!
//! Shipping the font inside the binary makes PNG output identical on every
//! machine and needs no fontconfig or freetype. SVG output only names the
//! family `sans-serif`, so browsers use their own sans-serif font and the
//! SVG stays self-contained; there the embedded font serves to measure text
//! for layout (DejaVu is wider than most sans-serif fonts, so text measured
//! with it fits in any browser).

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::style::{FontStyle, register_font};

use super::error::ChartError;

/// DejaVu Sans (Bitstream Vera licence, see assets/DejaVu-LICENSE.txt).
static REGULAR: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
/// DejaVu Sans Bold, used for titles.
static BOLD: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

/// The family name every chart uses; SVG viewers map it to a local font.
pub(crate) const FAMILY: &str = "sans-serif";

/// The parsed fonts, or `None` if the embedded bytes could not be parsed.
static FONTS: OnceLock<Option<Faces>> = OnceLock::new();

/// The regular and bold faces.
#[derive(Debug)]
struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

/// Parses the embedded fonts and registers them with plotters as
/// `sans-serif`, once per process.
///
/// Charts rasterize their own text (plotters' `ab_glyph` renderer drops each
/// glyph's side bearing, which puts visible gaps around "." and ","), but
/// registering keeps any text plotters draws itself on the same font instead
/// of failing for want of one. Later calls only read the stored outcome, so
/// charts can be drawn from several threads at once.
pub(crate) fn ensure_loaded() -> Result<(), ChartError> {
    if faces().is_some() {
        Ok(())
    } else {
        Err(ChartError::Render("the embedded DejaVu Sans font could not be loaded".to_owned()))
    }
}

/// The regular or bold face, if the embedded fonts loaded.
pub(crate) fn face(bold: bool) -> Option<&'static FontRef<'static>> {
    faces().map(|faces| if bold { &faces.bold } else { &faces.regular })
}

/// The ab_glyph scale that draws `font` with an em of `size` pixels, the way
/// CSS `font-size` does (ab_glyph scales by ascent-to-descent height instead).
pub(crate) fn px_scale(font: &FontRef<'_>, size: f64) -> PxScale {
    let units_per_em = font.units_per_em().unwrap_or(2048.0);
    PxScale::from(size as f32 * font.height_unscaled() / units_per_em)
}

/// The width in pixels that `text` takes with an em of `size` pixels.
///
/// Falls back to an average glyph width if the font is unavailable, so a
/// layout can always be computed.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> i32 {
    match face(bold) {
        Some(font) => advance(font, size, text).ceil() as i32,
        None => (0.6 * size * text.chars().count() as f64).ceil() as i32,
    }
}

/// The pen advance of `text` in pixels, including kerning.
pub(crate) fn advance(font: &FontRef<'_>, size: f64, text: &str) -> f32 {
    let scaled = font.as_scaled(px_scale(font, size));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            width += scaled.kern(previous, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    width
}

/// Shortens `text` with an ellipsis until it fits in `max_width` pixels.
pub(crate) fn fit_width(text: &str, size: f64, bold: bool, max_width: i32) -> String {
    if text_width(text, size, bold) <= max_width {
        return text.to_owned();
    }
    // No chart has room for more than a few hundred characters on one line.
    let mut kept: Vec<char> = text.chars().take(300).collect();
    while !kept.is_empty() {
        kept.pop();
        let candidate: String = kept.iter().collect::<String>().trim_end().to_owned() + "…";
        if text_width(&candidate, size, bold) <= max_width {
            return candidate;
        }
    }
    "…".to_owned()
}

/// Breaks `text` into lines of at most `max_width` pixels at spaces (a
/// single word wider than that is shortened with an ellipsis).
pub(crate) fn wrap_to_width(text: &str, size: f64, bold: bool, max_width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if text_width(&candidate, size, bold) <= max_width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| fit_width(&l, size, bold, max_width)).collect()
}

/// Loads the faces on first use.
fn faces() -> Option<&'static Faces> {
    FONTS
        .get_or_init(|| {
            let regular = FontRef::try_from_slice(REGULAR).ok()?;
            let bold = FontRef::try_from_slice(BOLD).ok()?;
            // Registration can only fail on bytes ab_glyph just parsed.
            register_font(FAMILY, FontStyle::Normal, REGULAR).ok()?;
            register_font(FAMILY, FontStyle::Bold, BOLD).ok()?;
            Some(Faces { regular, bold })
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_load_and_measure() {
        ensure_loaded().unwrap();
        let narrow = text_width("i", 14.0, false);
        let wide = text_width("WWWW", 14.0, false);
        assert!(narrow > 0 && wide > 4 * narrow, "i={narrow}px WWWW={wide}px");
        assert!(text_width("Total", 14.0, true) > text_width("Total", 14.0, false));
        // An em of 20 pixels makes "M" (0.86 em wide in DejaVu Sans) about 17 pixels.
        let m = advance(face(false).unwrap(), 20.0, "M");
        assert!((16.0..=18.5).contains(&m), "M is {m}px");
    }

    #[test]
    fn long_text_is_shortened_with_an_ellipsis() {
        ensure_loaded().unwrap();
        let long = "a-very-long-workload-name-that-does-not-fit";
        let fitted = fit_width(long, 12.0, false, 100);
        assert!(fitted.ends_with('…'), "{fitted}");
        assert!(text_width(&fitted, 12.0, false) <= 100);
        assert_eq!(fit_width("short", 12.0, false, 100), "short");
        assert_eq!(fit_width(long, 12.0, false, 1), "…");
    }
}
