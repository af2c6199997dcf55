//! Errors of catalog files and imports, located by file, line and column.

use std::fmt;

/// A catalog or import file that cannot be read, with where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    /// The file name as given.
    pub file: String,
    /// 1-based line, when the problem has a place in the text.
    pub line: Option<usize>,
    /// 1-based column (in characters), with `line`.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl CatalogError {
    /// A problem at byte `offset` of `text`.
    pub(crate) fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(text, offset);
        Self {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// A problem at a known line and column (serde_json reports those).
    pub(crate) fn at_line(
        file: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// A problem of the file as a whole.
    pub(crate) fn whole(file: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line: None, column: None, message: message.into() }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)
            }
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for CatalogError {}

/// The 1-based line and character column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // Byte 9 is the space after the two-byte é: the third character of line 2.
        assert_eq!(line_column(text, 9), (2, 3));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn display_names_the_place() {
        let e = CatalogError::at("x.toml", "a\nb", 2, "bad");
        assert_eq!(e.to_string(), "x.toml:2:1: bad");
        assert_eq!(CatalogError::whole("x.toml", "bad").to_string(), "x.toml: bad");
    }
}
