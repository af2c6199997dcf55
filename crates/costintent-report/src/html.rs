//! HTML rendering (report.html): one self-contained page.
//!
//! Styles are inline, charts are inline SVG, and there is no script and no
//! external URL, so the file opens offline, survives being mailed, and
//! prints cleanly.

use std::fmt::Write;

use crate::document::{Block, ChartSvgs, Document, Inline, Table};

const STYLE: &str = "\
:root { color-scheme: light; }
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1b1f24;
  margin: 0; background: #f6f7f9; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.7em; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
h3 { font-size: 1.05em; margin-top: 1.3em; }
.headline { font-size: 1.2em; background: #eef5ff; border-left: 4px solid #0072b2;
  padding: 12px 16px; margin: 16px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 0.92em; }
th, td { border: 1px solid #d8dde3; padding: 4px 10px; vertical-align: top; }
th { background: #f0f2f5; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.92em;
  background: #f0f2f5; padding: 0 3px; border-radius: 3px; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #57606a; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  .headline { border: 1px solid #0072b2; }
}
";

/// Renders a document as a page, inlining `charts`.
pub(crate) fn render(document: &Document, charts: &ChartSvgs) -> String {
    let mut out = String::new();
    let title = escape(&document.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
    );
    for block in &document.blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Paragraph(runs) => {
                let _ = writeln!(out, "<p>{}</p>", inline(runs));
            }
            Block::Headline(runs) => {
                let _ = writeln!(out, "<p class=\"headline\">{}</p>", inline(runs));
            }
            Block::Table(table) => render_table(&mut out, table),
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                let _ = writeln!(out, "<{tag}>");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", inline(item));
                }
                let _ = writeln!(out, "</{tag}>");
            }
            Block::Chart(kind) => {
                if let Some(svg) = charts.get(*kind) {
                    let _ = writeln!(
                        out,
                        "<figure role=\"img\" aria-label=\"{alt}\">\n{}\n<figcaption>{alt}</figcaption>\n</figure>",
                        strip_prolog(svg),
                        alt = escape(kind.alt())
                    );
                }
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn render_table(out: &mut String, table: &Table) {
    let class = |numeric: bool| if numeric { " class=\"num\"" } else { "" };
    out.push_str("<table>\n<thead><tr>");
    for (header, &numeric) in table.header.iter().zip(&table.numeric) {
        let _ = write!(out, "<th{}>{}</th>", class(numeric), escape(header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let numeric = table.numeric.get(i).copied().unwrap_or(false);
            let _ = write!(out, "<td{}>{}</td>", class(numeric), escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn inline(runs: &[Inline]) -> String {
    runs.iter()
        .map(|run| match run {
            Inline::Text(s) => escape(s),
            Inline::Strong(s) => format!("<strong>{}</strong>", escape(s)),
            Inline::Code(s) => format!("<code>{}</code>", escape(s)),
        })
        .collect()
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Drops an XML declaration and a doctype before the `<svg` element: both
/// are invalid inside an HTML body.
fn strip_prolog(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |start| &svg[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(strip_prolog("<?xml version=\"1.0\"?>\n<svg></svg>"), "<svg></svg>");
        assert_eq!(strip_prolog("no svg"), "no svg");
    }
}
