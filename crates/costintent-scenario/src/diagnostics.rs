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
//!
//! Both stay short and harmless whatever the file holds: a quoted source
//! line longer than [`MAX_QUOTED_CHARS`] is cut to a window around the
//! error (so a 60 MB one-line file gives a few lines of error), messages are
//! cut at [`MAX_MESSAGE_CHARS`], at most [`MAX_SHOWN`] diagnostics of a file
//! are printed, and control characters from the file are shown as visible
//! symbols, never sent to the terminal. The graphical form is used only when
//! none of this is needed.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// The longest source line quoted in full; a longer one is cut to this many
/// characters around the error column, with an ellipsis on the cut side(s).
pub const MAX_QUOTED_CHARS: usize = 200;

/// The longest message, label or help printed; longer ones (which can echo a
/// huge key or value) end in an ellipsis.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// At most this many diagnostics of one file are printed, then a count of
/// the rest.
pub const MAX_SHOWN: usize = 50;

/// Text safe to print: control characters and bidirectional overrides are
/// replaced by their escapes (`\u{1b}`), so no file can send a terminal
/// escape sequence through a message that quotes it.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(crate::text::is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if crate::text::is_unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// [`printable`], then cut at `max` characters with an ellipsis.
fn clipped(text: &str, max: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= max {
        return text.into_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

/// One character of a quoted source line as shown: a control character
/// becomes its visible symbol (␛ for ESC, ␀ for NUL), so that the caret
/// underline stays aligned and nothing reaches the terminal.
fn visible(c: char) -> char {
    match u32::from(c) {
        code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
        0x7f => '\u{2421}',
        _ if crate::text::is_unsafe_char(c) => '\u{fffd}',
        _ => c,
    }
}

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
    /// A diagnostic with a very long line or control characters is always
    /// rendered plain (cut and made visible).
    pub fn render(&self, color: bool) -> String {
        if color && self.fits_graphical() { render_graphical(self) } else { self.render_plain() }
    }

    fn write_plain(&self, out: &mut String) {
        let file = self.source.as_ref().map_or("<unknown>", |s| s.name.as_str());
        let file = printable(file);
        // Writing to a String cannot fail, so the results are ignored.
        let _ = writeln!(
            out,
            "{}: {}",
            self.severity.keyword(),
            clipped(&self.message, MAX_MESSAGE_CHARS)
        );
        let help = self.help.as_deref().map(|h| clipped(h, MAX_MESSAGE_CHARS));
        let (Some(location), Some(source)) = (&self.location, &self.source) else {
            let _ = writeln!(out, " --> {file}");
            if let Some(help) = &help {
                let _ = writeln!(out, "  = help: {help}");
            }
            return;
        };
        let gutter = location.line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {file}:{}:{}", location.line, location.column);
        let line_text = source.text.lines().nth(location.line - 1).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let start = floor_char_boundary(&source.text, location.span.start);
        let end = floor_char_boundary(&source.text, location.span.end.max(start));
        let spanned = source.text[start..end].lines().next().unwrap_or("");
        let quoted = Quoted::new(line_text, location.column, spanned.chars().count());
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", location.line, quoted.text);
        let _ =
            write!(out, "{pad} | {}{}", " ".repeat(quoted.column - 1), "^".repeat(quoted.carets));
        if let Some(label) = &self.label {
            let _ = write!(out, " {}", clipped(label, MAX_MESSAGE_CHARS));
        }
        out.push('\n');
        if let Some(help) = &help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
    }

    /// Whether miette's graphical report can show this diagnostic as is:
    /// a short source line and messages without control characters.
    fn fits_graphical(&self) -> bool {
        let short_and_clean = |t: &str| {
            t.chars().count() <= MAX_MESSAGE_CHARS && !t.chars().any(crate::text::is_unsafe_char)
        };
        let texts_ok = short_and_clean(&self.message)
            && self.label.as_deref().is_none_or(short_and_clean)
            && self.help.as_deref().is_none_or(short_and_clean);
        let line_ok = match (&self.location, &self.source) {
            (Some(location), Some(source)) => {
                let line = source.text.lines().nth(location.line - 1).unwrap_or("");
                line.chars().count() <= MAX_QUOTED_CHARS
                    && !line.chars().any(|c| c != '\t' && crate::text::is_unsafe_char(c))
            }
            _ => true,
        };
        texts_ok && line_ok
    }
}

/// A source line as quoted under a diagnostic: tabs as spaces, control
/// characters as visible symbols, cut to a window of [`MAX_QUOTED_CHARS`]
/// around the error; with the caret column and count in that window.
struct Quoted {
    text: String,
    /// 1-based column of the first caret in `text`.
    column: usize,
    carets: usize,
}

impl Quoted {
    fn new(line: &str, column: usize, spanned_chars: usize) -> Self {
        let chars: Vec<char> =
            line.chars().map(|c| if c == '\t' { ' ' } else { visible(c) }).collect();
        let at = column.saturating_sub(1).min(chars.len());
        let (from, to) = if chars.len() <= MAX_QUOTED_CHARS {
            (0, chars.len())
        } else {
            // Keep some context before the error and the rest after it.
            let from = at.saturating_sub(MAX_QUOTED_CHARS / 4);
            let to = (from + MAX_QUOTED_CHARS).min(chars.len());
            (to.saturating_sub(MAX_QUOTED_CHARS).min(from), to)
        };
        let mut text = String::new();
        let lead = usize::from(from > 0);
        if from > 0 {
            text.push('…');
        }
        text.extend(&chars[from..to]);
        if to < chars.len() {
            text.push('…');
        }
        let column = at - from + lead + 1;
        let available = to.saturating_sub(at);
        Self { text, column, carets: spanned_chars.min(available).max(1) }
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
    /// `color` is true, else [`Diagnostics::render_plain`] (also used when an
    /// error cannot be shown graphically, or there are very many).
    pub fn render(&self, color: bool) -> String {
        let graphical = color
            && self.errors.len() <= MAX_SHOWN
            && self.errors.iter().all(Diagnostic::fits_graphical);
        if graphical { render_graphical(self) } else { self.render_plain() }
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
    for diagnostic in diagnostics.iter().take(MAX_SHOWN) {
        diagnostic.write_plain(&mut out);
        out.push('\n');
    }
    if diagnostics.len() > MAX_SHOWN {
        let _ = writeln!(out, "… {} more not shown", diagnostics.len() - MAX_SHOWN);
    }
    out.push_str(&printable(&count_line(file, diagnostics)));
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
    fn long_lines_are_cut_around_the_error() {
        let mut text = "x".repeat(1_000_000);
        text.push_str(" = oops");
        let s = source(&text);
        let d = Diagnostic::error(&s, Some(1_000_003..1_000_007), "bad value").with_label("here");
        let plain = d.render_plain();
        assert!(plain.len() < 600, "{} bytes", plain.len());
        let lines: Vec<&str> = plain.lines().collect();
        let quoted = lines[3].trim_start_matches("1 | ");
        assert!(quoted.starts_with('…') && quoted.ends_with("= oops"), "{quoted}");
        // The carets still sit under `oops`.
        let caret_line = lines[4].trim_start_matches("  | ");
        let at = caret_line.find('^').expect("carets");
        assert_eq!(quoted.chars().skip(at).take(4).collect::<String>(), "oops");
        // Graphical rendering is not used for it (it would quote the whole line).
        assert_eq!(d.render(true), plain);
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let s = source("name = \"a\u{1b}[2Jb\"\n");
        let d = Diagnostic::error(&s, Some(7..15), "bad name `a\u{1b}[2Jb`").with_help("x\u{0}y");
        let plain = d.render(true);
        assert!(!plain.contains('\u{1b}') && !plain.contains('\0'), "{plain:?}");
        assert!(plain.contains("a\u{241b}[2Jb"), "the quoted line shows ␛: {plain}");
        assert!(plain.contains("bad name `a\\u{1b}[2Jb`"), "the message escapes it: {plain}");
        assert_eq!(printable("plain text"), "plain text");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn very_many_errors_are_counted_not_all_printed() {
        let s = source("x");
        let list: Vec<Diagnostic> =
            (0..200).map(|i| Diagnostic::error(&s, None, format!("e{i}"))).collect();
        let text = render_plain_list("s.toml", &list);
        assert!(
            text.contains("… 150 more not shown") && text.ends_with("200 errors in s.toml\n"),
            "{text}"
        );
        assert!(!text.contains("e60"));
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
