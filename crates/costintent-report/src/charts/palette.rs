//! Colours: the Okabe–Ito palette, which stays distinguishable for the common
//! forms of colour blindness, plus neutral greys for text and grid lines.

use plotters::style::RGBColor;

/// Okabe–Ito blue: the main data colour.
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito orange.
pub(crate) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe–Ito bluish green.
pub(crate) const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe–Ito reddish purple.
pub(crate) const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Okabe–Ito sky blue.
pub(crate) const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe–Ito vermillion: reserved for the budget so it never means a series.
pub(crate) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito yellow: last in the series order because it is faint on white.
pub(crate) const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);

/// The budget line and its label.
pub(crate) const BUDGET: RGBColor = VERMILLION;
/// Titles and labels.
pub(crate) const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text such as notes about hidden values.
pub(crate) const MUTED_TEXT: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Percentile marks and reference lines.
pub(crate) const MARK: RGBColor = RGBColor(0x33, 0x33, 0x33);
/// Axis lines.
pub(crate) const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
/// Grid lines behind the data.
pub(crate) const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
/// The merged "other" series.
pub(crate) const OTHER: RGBColor = RGBColor(0xA0, 0xA0, 0xA0);
/// The background.
pub(crate) const BACKGROUND: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

/// Colours for series in order, without vermillion (the budget's colour).
pub(crate) const SERIES: [RGBColor; 6] = [BLUE, ORANGE, GREEN, PURPLE, SKY, YELLOW];

/// The colour of the `index`-th series, repeating after six.
pub(crate) fn series_color(index: usize) -> RGBColor {
    SERIES[index % SERIES.len()]
}

/// `color` mixed with white: `strength` 1 is the colour itself, 0 is white.
///
/// Used instead of transparency where shapes must look the same in SVG and
/// PNG regardless of what is drawn beneath them.
pub(crate) fn tint(color: RGBColor, strength: f64) -> RGBColor {
    let strength = strength.clamp(0.0, 1.0);
    let mix = |channel: u8| (255.0 - (255.0 - f64::from(channel)) * strength).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_colours_never_use_the_budget_colour() {
        assert!((0..20).all(|index| series_color(index) != BUDGET));
        assert_eq!(series_color(0), BLUE);
        assert_eq!(series_color(SERIES.len()), BLUE);
    }

    #[test]
    fn tints_run_from_white_to_the_colour() {
        assert_eq!(tint(BLUE, 1.0), BLUE);
        assert_eq!(tint(BLUE, 0.0), BACKGROUND);
        assert_eq!(tint(RGBColor(0, 100, 255), 0.5), RGBColor(128, 178, 255));
    }
}
