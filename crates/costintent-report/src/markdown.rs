//! Markdown rendering (report.md).
//!
//! The output is CommonMark with GitHub tables. User text (workload names,
//! sources) is escaped, and so is every `$`, because GitHub would otherwise
//! read `$1.00 – $2.00` as inline mathematics.

use std::fmt::Write;

use crate::document::{Block, ChartLinks, Document, Inline, Table};

/// Renders a document, linking charts by `charts`.
pub(crate) fn render(document: &Document, charts: &ChartLinks) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&document.title));
    for block in &document.blocks {
        match block {
            Block::Heading(level, title) => {
                let _ = writeln!(out, "{} {}\n", "#".repeat(usize::from(*level)), escape(title));
            }
            Block::Paragraph(runs) => {
                let _ = writeln!(out, "{}\n", inline(runs));
            }
            Block::Headline(runs) => {
                let _ = writeln!(out, "> {}\n", inline(runs));
            }
            Block::Table(table) => render_table(&mut out, table),
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let marker = if *ordered { format!("{}.", i + 1) } else { "-".to_owned() };
                    let _ = writeln!(out, "{marker} {}", inline(item));
                }
                out.push('\n');
            }
            Block::Chart(kind) => {
                if let Some(link) = charts.get(*kind) {
                    let _ = writeln!(out, "![{}]({})\n", escape(kind.alt()), link_target(link));
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn render_table(out: &mut String, table: &Table) {
    let cells = |row: &[String]| row.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(out, "| {} |", cells(&table.header));
    let rule: Vec<&str> =
        table.numeric.iter().map(|&numeric| if numeric { "---:" } else { "---" }).collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for row in &table.rows {
        let _ = writeln!(out, "| {} |", cells(row));
    }
    out.push('\n');
}

fn inline(runs: &[Inline]) -> String {
    runs.iter()
        .map(|run| match run {
            Inline::Text(s) => escape(s),
            Inline::Strong(s) => format!("**{}**", escape(s)),
            Inline::Code(s) => code_span(s),
        })
        .collect()
}

/// `s` as a code span. A code span cannot escape backticks; it is fenced
/// with more backticks than it contains, padded when it touches one.
pub(crate) fn code_span(s: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn longest_backtick_run(s: &str) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for c in s.chars() {
        if c == '`' {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// Escapes Markdown punctuation in user text, and newlines (which would
/// break a table row or a list item) become spaces.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            // An underscore inside a word never starts emphasis, so
            // `input_token` stays readable in the raw file.
            '_' if i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push(c);
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '$' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A link target in angle brackets when it holds spaces or parentheses.
fn link_target(link: &str) -> String {
    if link.contains([' ', '(', ')']) {
        format!("<{}>", link.replace(['<', '>'], ""))
    } else {
        link.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_dollars() {
        assert_eq!(escape("a|b *c* $1"), "a\\|b \\*c\\* \\$1");
        assert_eq!(escape("input_token _x_"), "input_token \\_x\\_");
        assert_eq!(inline(&[Inline::Code("a`b".into())]), "``a`b``");
        assert_eq!(link_target("my charts/h.svg"), "<my charts/h.svg>");
    }
}
