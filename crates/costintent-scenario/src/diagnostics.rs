//! Diagnostics (stub: replaced by the parser work).

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The scenario is invalid.
    Error,
    /// Allowed, but probably not meant.
    Warning,
}

/// One located message.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The message.
    pub message: String,
}

/// Every error found in one file.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    /// File name.
    pub file: String,
    /// The errors.
    pub errors: Vec<Diagnostic>,
}

impl Diagnostics {
    /// A file that could not be read.
    pub fn io(file: &str, err: &std::io::Error) -> Self {
        Self {
            file: file.to_owned(),
            errors: vec![Diagnostic { severity: Severity::Error, message: err.to_string() }],
        }
    }
}
