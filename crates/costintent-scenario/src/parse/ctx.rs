//! The diagnostic sink the parser writes to, and did-you-mean suggestions.

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Severity, SourceFile};

/// Collects every diagnostic of one parse.
///
/// Values set by command-line overrides live in the same tree as the file's
/// values but with spans past the end of the file (see `overrides.rs`); the
/// sink turns such a span into a file-less diagnostic that names the
/// override instead of a line.
#[derive(Debug)]
pub(super) struct Ctx {
    pub(super) source: Arc<SourceFile>,
    /// Byte ranges (past the end of the file) of each override's value, with
    /// the override as the user wrote it.
    overrides: Vec<(Range<usize>, String)>,
    /// Keys that an unknown-key error already suggested, with the span of
    /// their table: such a key is not reported missing as well.
    suggested: Vec<(Range<usize>, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl Ctx {
    /// An empty sink for diagnostics about `source`.
    pub(super) fn new(source: Arc<SourceFile>) -> Self {
        Self { source, overrides: Vec::new(), suggested: Vec::new(), diagnostics: Vec::new() }
    }

    /// Registers the virtual span of an override, for messages about it.
    pub(super) fn add_override_region(&mut self, span: Range<usize>, text: String) {
        self.overrides.push((span, text));
    }

    /// Records an error at `span` and returns it so labels and help can be added.
    pub(super) fn error(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Severity::Error, Some(span), message.into())
    }

    /// Records an error that is not about any place in the file.
    pub(super) fn error_unlocated(&mut self, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Error, None, message.into())
    }

    /// Records a warning at `span`.
    pub(super) fn warning(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Severity::Warning, Some(span), message.into())
    }

    /// Remembers that an unknown key in the table at `table` was probably
    /// meant to be `key`.
    pub(super) fn note_suggestion(&mut self, table: Range<usize>, key: &str) {
        self.suggested.push((table, key.to_owned()));
    }

    /// Whether an unknown-key error in the table at `table` already
    /// suggested `key`.
    pub(super) fn was_suggested(&self, table: &Range<usize>, key: &str) -> bool {
        self.suggested.iter().any(|(span, k)| span == table && k == key)
    }

    /// How many errors (not warnings) were recorded so far.
    pub(super) fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The errors and the warnings, each sorted by position in the file
    /// (diagnostics without a position last, in the order they were found).
    pub(super) fn finish(self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut all = self.diagnostics;
        all.sort_by_key(|d| d.location.as_ref().map_or(usize::MAX, |l| l.span.start));
        all.into_iter().partition(|d| d.severity == Severity::Error)
    }

    fn push(
        &mut self,
        severity: Severity,
        span: Option<Range<usize>>,
        mut message: String,
    ) -> &mut Diagnostic {
        let file_len = self.source.text.len();
        let span = match span {
            Some(span) if span.start > file_len => {
                if let Some((_, text)) =
                    self.overrides.iter().find(|(r, _)| r.contains(&span.start))
                {
                    message = format!("{message} (set by override `{text}`)");
                }
                None
            }
            other => other,
        };
        let diagnostic = match severity {
            Severity::Error => Diagnostic::error(&self.source, span, message),
            Severity::Warning => Diagnostic::warning(&self.source, span, message),
        };
        self.diagnostics.push(diagnostic);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }
}

/// Builder-style setters on a recorded diagnostic.
pub(super) trait Annotate {
    /// Sets the words shown under the underlined text.
    fn label(&mut self, label: impl Into<String>) -> &mut Self;
    /// Sets the suggestion.
    fn help(&mut self, help: impl Into<String>) -> &mut Self;
    /// Sets the suggestion when there is one.
    fn help_opt(&mut self, help: Option<String>) -> &mut Self;
}

impl Annotate for Diagnostic {
    fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    fn help_opt(&mut self, help: Option<String>) -> &mut Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Jaro–Winkler rewards a shared prefix (`turnz` → `turns`), and the
/// optimal-string-alignment distance catches short words and transpositions
/// (`rtae` → `rate`); either one being close is enough.
pub(super) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = word.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let jw = strsim::jaro_winkler(&lower, &candidate.to_lowercase());
        let edits = strsim::osa_distance(&lower, &candidate.to_lowercase());
        let max_edits = if candidate.len() <= 3 { 1 } else { 2 };
        let close = jw >= 0.88 || (edits <= max_edits && edits < candidate.len());
        if close && best.is_none_or(|(_, score)| jw > score) {
            best = Some((candidate, jw));
        }
    }
    best.map(|(c, _)| c)
}

/// `did you mean `x`?` for the closest candidate, if any.
pub(super) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// `a`, `a` or `b`, `a`, `b` or `c`: a list of keywords for messages.
pub(super) fn one_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["turns", "sessions", "input", "output", "context", "cache"];
        assert_eq!(suggest("turnz", keys), Some("turns"));
        assert_eq!(suggest("sesions", keys), Some("sessions"));
        assert_eq!(suggest("ouptut", keys), Some("output"));
        assert_eq!(suggest("banana", keys), None);
        assert_eq!(suggest("lognormall", ["lognormal", "normal", "poisson"]), Some("lognormal"));
    }

    #[test]
    fn lists_keywords() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
