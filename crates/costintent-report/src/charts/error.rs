//! The one error type every chart function returns.

use std::fmt;

use plotters::drawing::DrawingAreaErrorKind;

/// Why a chart could not be drawn.
///
/// Bad input is reported as data (which slice, which index) rather than a
/// panic, so a report can skip one chart and still print its numbers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChartError {
    /// There is nothing to draw, for example an empty slice of trial totals.
    ///
    /// Callers that may legitimately have no data (a scenario without
    /// uncertain assumptions has no tornado) should skip the chart on this.
    NoData {
        /// What was empty, in words (for example `spend totals`).
        what: String,
    },
    /// A value is NaN or infinite, which would make every axis meaningless.
    NotFinite {
        /// Which input held the value (for example `spend totals`).
        what: String,
        /// The position of the value inside that input.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A dollar amount that must not be negative is negative.
    Negative {
        /// Which input held the value.
        what: String,
        /// The position of the value inside that input.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A series does not have one value per category.
    LengthMismatch {
        /// The name of the series with the wrong length.
        series: String,
        /// The number of categories.
        expected: usize,
        /// The number of values the series has.
        found: usize,
    },
    /// The values are finite but too far apart or too large for an axis.
    OutOfRange {
        /// What could not be placed on an axis.
        what: String,
    },
    /// The drawing backend or the PNG encoder failed; this is a bug, not bad input.
    Render(String),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoData { what } => write!(f, "nothing to chart: {what} is empty"),
            Self::NotFinite { what, index, value } => {
                write!(f, "cannot chart {what}: value {index} is {value}, not a finite number")
            }
            Self::Negative { what, index, value } => {
                write!(f, "cannot chart {what}: value {index} is negative ({value})")
            }
            Self::LengthMismatch { series, expected, found } => write!(
                f,
                "series {series:?} has {found} values but there are {expected} categories"
            ),
            Self::OutOfRange { what } => write!(f, "{what} are too large to place on a chart axis"),
            Self::Render(message) => write!(f, "chart rendering failed: {message}"),
        }
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        Self::Render(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_input_and_the_position() {
        let error =
            ChartError::NotFinite { what: "spend totals".into(), index: 3, value: f64::NAN };
        assert_eq!(
            error.to_string(),
            "cannot chart spend totals: value 3 is NaN, not a finite number"
        );
        let error = ChartError::LengthMismatch { series: "input".into(), expected: 2, found: 3 };
        assert_eq!(error.to_string(), "series \"input\" has 3 values but there are 2 categories");
        let error = ChartError::NoData { what: "runs".into() };
        assert_eq!(error.to_string(), "nothing to chart: runs is empty");
    }
}
