//! Charts of simulated spend, rendered to SVG text and PNG bytes.
//!
//! Every function takes plain numbers (trial totals in USD, labels) and
//! returns a [`Chart`] holding the same picture in both formats; nothing here
//! writes files or knows about other report types, so the renderers decide
//! where charts go. All charts are 900×500 pixels except the tornado and the
//! breakdown, which grow taller when they have many rows.
//!
//! Design rules shared by all charts:
//! - Dollar axes use [`crate::format::usd_compact`] labels ($1,234, $12.3k, $1.2M).
//! - Colours come from the Okabe–Ito palette, which stays distinguishable
//!   under colour blindness; vermillion is reserved for the budget.
//! - Titles and legends sit above the plot, labels of vertical lines are
//!   stacked in rows so they never overlap, and data never hides under text.
//! - Bad input (empty slices, NaN, mismatched lengths) is a [`ChartError`],
//!   never a panic; degenerate ranges such as all-equal totals are widened.
//! - Text is drawn with an embedded copy of DejaVu Sans, so PNGs look the same
//!   on every machine and no system font library is needed. SVGs ask for the
//!   generic `sans-serif` family and reference no external files.

mod annotate;
mod breakdown;
mod canvas;
mod compare;
mod data;
mod error;
mod exceedance;
mod font;
mod frame;
mod histogram;
mod layout;
mod legend;
mod palette;
mod spend;
mod text;
mod ticks;
mod tornado;

pub use breakdown::stacked_breakdown;
pub use compare::overlaid_distributions;
pub use error::ChartError;
pub use exceedance::exceedance_curve;
pub use histogram::spend_histogram;
pub use tornado::{TornadoText, tornado};

/// A rendered chart in both formats.
///
/// Both are produced together because the report usually needs both (SVG
/// inline in HTML, PNG for Markdown and chat tools) and they share all the
/// layout work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The width in pixels.
    pub width: u32,
    /// The height in pixels.
    pub height: u32,
    /// A self-contained SVG document (no external fonts or images).
    pub svg: String,
    /// A PNG file, 8-bit RGB, `width` × `height` pixels.
    pub png: Vec<u8>,
}

impl Chart {
    /// The chart encoded in `format`, ready to write to a file.
    pub fn bytes(&self, format: ChartFormat) -> &[u8] {
        match format {
            ChartFormat::Svg => self.svg.as_bytes(),
            ChartFormat::Png => &self.png,
        }
    }
}

/// An image format a [`Chart`] is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartFormat {
    /// Scalable vector graphics: sharp at any size, embeddable in HTML.
    Svg,
    /// A bitmap for places that cannot show SVG (Markdown viewers, chat tools).
    Png,
}

impl ChartFormat {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
        }
    }

    /// The media type, for `data:` URLs and HTTP headers.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Svg => "image/svg+xml",
            Self::Png => "image/png",
        }
    }
}

/// A labelled vertical line on a spend axis, such as a percentile.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The label shown before the amount, for example `p90`.
    pub label: String,
    /// The amount in USD where the line is drawn.
    pub x: f64,
}

impl Mark {
    /// A mark labelled `label` at `x` USD.
    pub fn new(label: impl Into<String>, x: f64) -> Self {
        Self { label: label.into(), x }
    }
}

#[cfg(test)]
mod tests;
