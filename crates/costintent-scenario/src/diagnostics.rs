//! Located, batched messages about a scenario file.
//!
//! The parser collects every problem of a file in one pass, so a user fixes
//! them all at once instead of one per run. Each [`Diagnostic`] carries the
//! byte span it is about, the 1-based line and column computed from it, a
//! short label for the underlined text and an optional suggestion, plus a
//! shared handle on the file's text so it can be rendered on its own (the
//! warnings of a valid scenario travel without their file).
//!
//! Two renderings exist: [`miette`]'s graphical handler (the CLI's choice for
//! a terminal, through the [`miette::Diagnostic`] implementations here) and
//! [`Diagnostics::render_plain`], a stable plain-text form for logs and
//! snapshot tests.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The scenario is invalid.
    Error,
    /// Allowed, but probably not meant.
    Warning,
}

impl Severity {
    /// The word that starts a rendered diagnostic.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// A scenario file's name and text, shared by every diagnostic about it so
/// that each one can show the offending line without a separate lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The name used in messages (usually the path as given).
    pub name: String,
    /// The full text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// A source file from its name and text.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self { name: name.into(), text: text.into() }
    }

    /// The line and column (both 1-based, the column counted in characters)
    /// of a byte offset; offsets past the end or inside a character are moved
    /// back to the nearest character boundary.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let before = &self.text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

/// Where in the file a diagnostic points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Byte range in the file's text.
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
}

/// One located message.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong: a lowercase sentence fragment without a trailing period.
    pub message: String,
    /// The span it is about; `None` for problems that are not in the file
    /// (an unreadable file, a command-line override).
    pub location: Option<Location>,
    /// A few words shown under the underlined text.
    pub label: Option<String>,
    /// How to fix it, if we can say (`did you mean `turns`?`).
    pub help: Option<String>,
    /// The file the span refers to, so the diagnostic renders on its own.
    pub source: Option<Arc<SourceFile>>,
}

impl Diagnostic {
    /// An error about `span` of `source` (or about nothing in particular
    /// when `span` is `None`).
    pub fn error(
        source: &Arc<SourceFile>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, source, span, message)
    }

    /// A warning about `span` of `source`.
    pub fn warning(
        source: &Arc<SourceFile>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, source, span, message)
    }

    fn new(
        severity: Severity,
        source: &Arc<SourceFile>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let location = span.map(|span| {
            let (line, column) = source.line_column(span.start);
            Location { span, line, column }
        });
        Self {
            severity,
            message: message.into(),
            location,
            label: None,
            help: None,
            source: Some(Arc::clone(source)),
        }
    }

    /// The same diagnostic with a label under the underlined text.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The same diagnostic with a suggestion.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The 1-based line, when the diagnostic points into the file.
    pub fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }

    /// The 1-based column, when the diagnostic points into the file.
    pub fn column(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.column)
    }

    /// Plain text without colour: the message, `--> file:line:column`, the
    /// source line with a caret underline and the label, and the help.
    /// Stable, so tests can snapshot it and logs can keep it.
    pub fn render_plain(&self) -> String {
        let mut out = String::new();
        self.write_plain(&mut out);
        out
    }

    /// Text for a terminal: miette's graphical report (colours, box art)
    /// when `color` is true, else the plain form, which suits logs and pipes.
    pub fn render(&self, color: bool) -> String {
        if color { render_graphical(self) } else { self.render_plain() }
    }

    fn write_plain(&self, out: &mut String) {
        let file = self.source.as_ref().map_or("<unknown>", |s| s.name.as_str());
        // Writing to a String cannot fail, so the results are ignored.
        let _ = writeln!(out, "{}: {}", self.severity.keyword(), self.message);
        let (Some(location), Some(source)) = (&self.location, &self.source) else {
            let _ = writeln!(out, " --> {file}");
            if let Some(help) = &self.help {
                let _ = writeln!(out, "  = help: {help}");
            }
            return;
        };
        let gutter = location.line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {file}:{}:{}", location.line, location.column);
        let line_text = source.text.lines().nth(location.line - 1).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text).replace('\t', " ");
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {line_text}", location.line);
        let start = floor_char_boundary(&source.text, location.span.start);
        let end = floor_char_boundary(&source.text, location.span.end.max(start));
        let spanned = source.text[start..end].lines().next().unwrap_or("");
        let available = line_text.chars().count().saturating_sub(location.column - 1);
        let carets = spanned.chars().count().min(available).max(1);
        let _ = write!(out, "{pad} | {}{}", " ".repeat(location.column - 1), "^".repeat(carets));
        if let Some(label) = &self.label {
            let _ = write!(out, " {label}");
        }
        out.push('\n');
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.location.as_ref()?;
        self.source.as_deref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let location = self.location.as_ref()?;
        let span = SourceSpan::from(location.span.clone());
        let label = LabeledSpan::new_primary_with_span(self.label.clone(), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// Every error found in one file.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    /// File name.
    pub file: String,
    /// The file's name and text, shared with each diagnostic.
    pub source: Arc<SourceFile>,
    /// The errors, in file order (problems outside the file last).
    pub errors: Vec<Diagnostic>,
}

impl Diagnostics {
    /// A file that could not be read.
    pub fn io(file: &str, err: &std::io::Error) -> Self {
        let source = Arc::new(SourceFile::new(file, ""));
        let mut diagnostic =
            Diagnostic::error(&source, None, format!("cannot read scenario file: {err}"));
        if err.kind() == std::io::ErrorKind::NotFound {
            diagnostic =
                diagnostic.with_help("check the path; `costintent init` writes a starter scenario");
        }
        Self { file: file.to_owned(), source, errors: vec![diagnostic] }
    }

    /// Plain text for every error, one block each, then a count line
    /// (`3 errors in scenarios/x.toml`).
    pub fn render_plain(&self) -> String {
        render_plain_list(&self.file, &self.errors)
    }

    /// Text for a terminal: miette's graphical report of every error when
    /// `color` is true, else [`Diagnostics::render_plain`].
    pub fn render(&self, color: bool) -> String {
        if color { render_graphical(self) } else { self.render_plain() }
    }
}

/// miette's graphical rendering with colours; falls back to the plain form
/// if the handler fails (it only fails on a formatter error).
fn render_graphical(diagnostic: &dyn miette::Diagnostic) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode())
        .with_width(100);
    let mut out = String::new();
    match handler.render_report(&mut out, diagnostic) {
        Ok(()) => out,
        Err(_) => diagnostic.to_string(),
    }
}

/// Plain text for a list of diagnostics about one file (for example a
/// [`crate::Checked`]'s warnings), one block each, then a count line such as
/// `2 warnings in scenarios/x.toml`. Empty when the list is.
pub fn render_plain_list(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    if diagnostics.is_empty() {
        return out;
    }
    for diagnostic in diagnostics {
        diagnostic.write_plain(&mut out);
        out.push('\n');
    }
    out.push_str(&count_line(file, diagnostics));
    out.push('\n');
    out
}

fn count_line(file: &str, diagnostics: &[Diagnostic]) -> String {
    let count = |severity: Severity| diagnostics.iter().filter(|d| d.severity == severity).count();
    let plural = |n: usize, word: &str| {
        if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let what = match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    format!("{what} in {file}")
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [only] => write!(f, "{only}"),
            errors => f.write_str(&count_line(&self.file, errors)),
        }
    }
}

impl std::error::Error for Diagnostics {}

impl miette::Diagnostic for Diagnostics {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source.as_ref())
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn miette::Diagnostic)))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text.as_ref().read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The largest character boundary at or before `offset` (clamped to the text).
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("s.toml", text))
    }

    #[test]
    fn line_and_column_count_characters() {
        let s = source("a = 1\nbé = 2\n  c = 3");
        assert_eq!(s.line_column(0), (1, 1));
        assert_eq!(s.line_column(6), (2, 1));
        // `=` on line 2 sits after `bé `: byte 10, character column 4.
        assert_eq!(s.line_column(10), (2, 4));
        assert_eq!(s.line_column(16), (3, 3));
        assert_eq!(s.line_column(1000), (3, 8));
    }

    #[test]
    fn plain_rendering_underlines_the_span() {
        let s = source("[scenario]\nturnz = 3\n");
        let d = Diagnostic::error(&s, Some(11..16), "unknown key `turnz`")
            .with_label("not a key here")
            .with_help("did you mean `turns`?");
        assert_eq!(
            d.render_plain(),
            "error: unknown key `turnz`\n --> s.toml:2:1\n  |\n2 | turnz = 3\n  | ^^^^^ not a key here\n  = help: did you mean `turns`?\n"
        );
    }

    #[test]
    fn count_line_names_both_severities() {
        let s = source("x");
        let list = [
            Diagnostic::error(&s, None, "a"),
            Diagnostic::error(&s, None, "b"),
            Diagnostic::warning(&s, None, "c"),
        ];
        assert_eq!(count_line("s.toml", &list), "2 errors and 1 warning in s.toml");
        assert_eq!(count_line("s.toml", &list[2..]), "1 warning in s.toml");
    }

    #[test]
    fn colour_rendering_uses_the_graphical_report() {
        let s = source("[scenario]\nturnz = 3\n");
        let d =
            Diagnostic::error(&s, Some(11..16), "unknown key `turnz`").with_label("unknown key");
        let plain = d.render(false);
        assert_eq!(plain, d.render_plain());
        let fancy = d.render(true);
        assert_ne!(fancy, plain);
        assert!(
            fancy.contains("turnz = 3")
                && fancy.contains("unknown key")
                && fancy.contains('\u{1b}')
        );
    }

    #[test]
    fn io_errors_suggest_init_when_missing() {
        let err = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let d = Diagnostics::io("x.toml", &err);
        assert_eq!(d.errors.len(), 1);
        assert!(d.errors[0].help.as_deref().is_some_and(|h| h.contains("costintent init")));
        assert_eq!(d.errors[0].location, None);
    }
}
