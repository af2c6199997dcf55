//! Characters that must not reach a terminal from a file: control
//! characters (ESC starts a terminal escape sequence, NUL ends a C string,
//! a newline breaks a table row) and the Unicode bidirectional overrides
//! that make text display in another order than it reads.
//!
//! Scenario and catalog files are checked with [`unsafe_strings`]: every key
//! and string value holding such a character is an error at its place.
//! Diagnostics that echo text from a file pass it through
//! [`crate::diagnostics::printable`] as well, so that not even an error
//! message can carry one to the terminal.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Whether `c` must not appear in a name, id or keyword.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first unsafe character of `text`.
pub fn first_unsafe(text: &str) -> Option<char> {
    text.chars().find(|&c| is_unsafe_char(c))
}

/// `U+001B (escape)`: how messages name a character.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\u{1b}' => " (escape)",
        '\n' => " (line feed)",
        '\r' => " (carriage return)",
        '\t' => " (tab)",
        '\u{7f}' => " (delete)",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => " (a bidirectional override)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

/// A key or string value that holds an unsafe character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnsafeString {
    /// Where the key or value is.
    pub(crate) span: Range<usize>,
    /// The key the string is (for a key) or belongs to (for a value).
    pub(crate) key: String,
    /// Whether the key itself holds the character.
    pub(crate) in_key: bool,
    /// The first unsafe character.
    pub(crate) found: char,
}

impl UnsafeString {
    /// The error message: which string, which character.
    pub(crate) fn message(&self) -> String {
        let what = if self.in_key { "a key".to_owned() } else { format!("`{}`", self.key) };
        format!(
            "{what} holds the control character {}; names, ids and keywords must be plain text",
            describe_char(self.found)
        )
    }
}

/// Every key and string value of `root`, at any depth, that holds an unsafe
/// character, in file order.
pub(crate) fn unsafe_strings(root: &DeTable<'_>) -> Vec<UnsafeString> {
    let mut out = Vec::new();
    walk_table(root, &mut out);
    out.sort_by_key(|u| u.span.start);
    out
}

fn walk_table(table: &DeTable<'_>, out: &mut Vec<UnsafeString>) {
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        if let Some(found) = first_unsafe(name) {
            out.push(UnsafeString { span: key.span(), key: name.to_owned(), in_key: true, found });
        }
        walk_value(name, value, out);
    }
}

fn walk_value(key: &str, value: &Spanned<DeValue<'_>>, out: &mut Vec<UnsafeString>) {
    match value.get_ref() {
        DeValue::String(s) => {
            if let Some(found) = first_unsafe(s) {
                out.push(UnsafeString {
                    span: value.span(),
                    key: key.to_owned(),
                    in_key: false,
                    found,
                });
            }
        }
        DeValue::Table(t) => walk_table(t, out),
        DeValue::Array(items) => items.iter().for_each(|item| walk_value(key, item, out)),
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_escapes_in_keys_and_values_at_any_depth() {
        let text = "[scenario]\nname = \"a\\u001b[31mred\"\n[[workload]]\nname = \"ok\"\nx = [\"b\\u0000\"]\n\"k\\u0007\" = 1\n";
        let root = DeTable::parse(text).expect("valid TOML").into_inner();
        let found = unsafe_strings(&root);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].found, '\u{1b}');
        assert_eq!(&text[found[0].span.clone()], "\"a\\u001b[31mred\"");
        assert_eq!(found[1].found, '\0');
        assert!(found[2].in_key);
        assert!(found[0].message().contains("U+001B (escape)"));
    }

    #[test]
    fn plain_text_and_unicode_are_fine() {
        assert_eq!(first_unsafe("Équipe café — 日本"), None);
        assert_eq!(first_unsafe("a\tb"), Some('\t'));
        assert_eq!(first_unsafe("\u{202E}evil"), Some('\u{202E}'));
        assert_eq!(first_unsafe("a\u{9b}b"), Some('\u{9b}'), "C1 controls too");
    }
}
