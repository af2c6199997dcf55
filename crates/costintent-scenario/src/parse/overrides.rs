//! Command-line overrides (`agent.failures.rate=0.05`) applied to the TOML
//! tree before validation, so that an overridden value is checked exactly
//! like one written in the file.
//!
//! Each override's nodes get spans past the end of the file (one region per
//! override), so the diagnostics sink can tell that a problem is about an
//! override rather than a line of the file, and say which one.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ctx::{Annotate as _, Ctx, did_you_mean};
use super::table::Node;
use crate::Override;

/// Override values nest at most this deep (a distribution with a
/// distribution parameter is three levels).
const MAX_DEPTH: usize = 16;

/// Applies every override in order; problems are reported and the override
/// is skipped.
pub(super) fn apply<'i>(ctx: &mut Ctx, root: &mut DeTable<'i>, overrides: &'i [Override]) {
    let mut offset = ctx.source.text.len() + 1;
    for o in overrides {
        let shown = format!("{}={}", o.path, o.value);
        let region = offset..offset + shown.len() + 1;
        ctx.add_override_region(region.clone(), shown.clone());
        offset = region.end + 1;
        apply_one(ctx, root, o, &shown, region);
    }
}

fn apply_one<'i>(
    ctx: &mut Ctx,
    root: &mut DeTable<'i>,
    o: &'i Override,
    shown: &str,
    region: Range<usize>,
) {
    let key_span = region.start..region.start + o.path.len();
    let value_start = region.start + o.path.len() + 1;
    let Some(value) = parse_value(ctx, &o.value, value_start, shown) else { return };
    let path = o.path.trim();
    let (target, rest) = if let Some(rest) = path.strip_prefix("scenario.") {
        let scenario = root
            .entry(Spanned::new(key_span.clone(), Cow::Borrowed("scenario")))
            .or_insert_with(|| Spanned::new(key_span.clone(), DeValue::Table(DeTable::new())));
        match scenario.get_mut() {
            DeValue::Table(t) => (t, rest),
            _ => return,
        }
    } else {
        match workload_table(ctx, root, path, shown) {
            Some(found) => found,
            None => return,
        }
    };
    let segments: Vec<&'i str> = rest.split('.').map(str::trim).collect();
    if segments.iter().any(|s| s.is_empty()) {
        ctx.error_unlocated(format!("override `{shown}` has an empty key in its path"))
            .help("write the path as `<workload>.<key>` or `<workload>.<table>.<key>`, such as `agent.failures.rate`");
        return;
    }
    set(ctx, target, &segments, value, key_span, shown);
}

/// The table of the workload whose name starts the path, and the rest of the path.
fn workload_table<'r, 'i>(
    ctx: &mut Ctx,
    root: &'r mut DeTable<'i>,
    path: &'i str,
    shown: &str,
) -> Option<(&'r mut DeTable<'i>, &'i str)> {
    let mut names: Vec<String> = Vec::new();
    let mut best: Option<(usize, usize)> = None;
    if let Some(node) = root.get("workload")
        && let DeValue::Array(items) = node.get_ref()
    {
        for (index, item) in items.iter().enumerate() {
            if let DeValue::Table(t) = item.get_ref()
                && let Some(name) = t.get("name").and_then(|n| n.get_ref().as_str())
            {
                names.push(name.to_owned());
                let matches = path.len() > name.len() + 1
                    && path.starts_with(name)
                    && path.as_bytes().get(name.len()) == Some(&b'.');
                if matches && best.is_none_or(|(_, len)| name.len() > len) {
                    best = Some((index, name.len()));
                }
            }
        }
    }
    let Some((index, len)) = best else {
        let first = path.split('.').next().unwrap_or(path);
        let mut candidates: Vec<&str> = names.iter().map(String::as_str).collect();
        candidates.push("scenario");
        let help = did_you_mean(first, candidates.iter().copied()).unwrap_or_else(|| {
            if path.contains('.') {
                format!(
                    "the workloads are {}",
                    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                )
            } else {
                "write `<workload>.<key>=<value>` or `scenario.<key>=<value>`".to_owned()
            }
        });
        let message = if path.contains('.') {
            format!("override `{shown}` names no workload \"{first}\"")
        } else {
            format!("override `{shown}` has no key after \"{first}\"")
        };
        ctx.error_unlocated(message).help(help);
        return None;
    };
    let node = root.get_mut("workload")?;
    let DeValue::Array(items) = node.get_mut() else { return None };
    let DeValue::Table(t) = items.get_mut(index)?.get_mut() else { return None };
    Some((t, &path[len + 1..]))
}

/// Sets `segments` (a dotted key path) in `table`, creating tables on the way.
fn set<'i>(
    ctx: &mut Ctx,
    table: &mut DeTable<'i>,
    segments: &[&'i str],
    value: Node<'i>,
    key_span: Range<usize>,
    shown: &str,
) {
    let Some((last, init)) = segments.split_last() else { return };
    let mut current = table;
    for (depth, segment) in init.iter().enumerate() {
        let entry = current
            .entry(Spanned::new(key_span.clone(), Cow::Borrowed(*segment)))
            .or_insert_with(|| Spanned::new(key_span.clone(), DeValue::Table(DeTable::new())));
        match entry.get_mut() {
            DeValue::Table(t) => current = t,
            other => {
                let path = segments[..=depth].join(".");
                ctx.error_unlocated(format!(
                    "override `{shown}` cannot set a key inside `{path}`, which is {}",
                    super::table::type_name(other)
                ))
                .help(format!("override `{path}` as a whole instead"));
                return;
            }
        }
    }
    current.insert(Spanned::new(key_span, Cow::Borrowed(*last)), value);
}

/// Parses an override value as TOML; a bare word that is not TOML (such as
/// `openai/gpt-5` or `30s`) is taken as a string, so shells need no quotes.
fn parse_value<'i>(ctx: &mut Ctx, text: &'i str, start: usize, shown: &str) -> Option<Node<'i>> {
    match DeValue::parse(text) {
        Ok(node) => shift(ctx, node, start, 0, shown),
        Err(err) => {
            let bare = !text.trim().is_empty()
                && !text.contains(['{', '}', '[', ']', '"', '\'', '=', ',', '\n']);
            if bare {
                let trimmed = text.trim();
                return Some(Spanned::new(
                    start..start + text.len(),
                    DeValue::String(Cow::Borrowed(trimmed)),
                ));
            }
            let message = err.message().lines().next().unwrap_or("invalid value").to_owned();
            ctx.error_unlocated(format!("override `{shown}` is not a TOML value: {message}"))
                .help("values are TOML: 0.05, \"openai/gpt-5\", { dist = \"poisson\", mean = 3 }");
            None
        }
    }
}

/// Moves every span of an override value into its region past the file.
fn shift<'i>(
    ctx: &mut Ctx,
    node: Node<'i>,
    by: usize,
    depth: usize,
    shown: &str,
) -> Option<Node<'i>> {
    if depth > MAX_DEPTH {
        ctx.error_unlocated(format!("override `{shown}` nests more than {MAX_DEPTH} levels deep"));
        return None;
    }
    let span = node.span();
    let value = match node.into_inner() {
        DeValue::Table(t) => {
            let mut out = DeTable::new();
            for (key, value) in t {
                let key_span = key.span();
                let key = Spanned::new(key_span.start + by..key_span.end + by, key.into_inner());
                out.insert(key, shift(ctx, value, by, depth + 1, shown)?);
            }
            DeValue::Table(out)
        }
        DeValue::Array(items) => DeValue::Array(
            items
                .into_iter()
                .map(|v| shift(ctx, v, by, depth + 1, shown))
                .collect::<Option<_>>()?,
        ),
        other => other,
    };
    Some(Spanned::new(span.start + by..span.end + by, value))
}
