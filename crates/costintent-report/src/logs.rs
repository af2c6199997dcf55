//! Renderers of `logs summarize` and `logs review` (the summaries of
//! `costintent_logs`): JSON, a terminal table, the Budget Review card and
//! its Markdown form. Money goes through [`crate::format`] and
//! [`crate::json_money`] like every other output of costintent.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::format::{quantity, unit_price, usd};
use crate::json::money as json_money;
use costintent_logs::{Mismatch, Review, Row, Summary};
use serde_json::{Map, Value, json};

/// Schema tag of `logs summarize --format json`.
pub const SUMMARY_SCHEMA: &str = "costintent.logs-summary/v1";
/// Schema tag of `logs review --format json`.
pub const REVIEW_SCHEMA: &str = "costintent.logs-review/v1";

fn money(x: Option<f64>) -> Value {
    x.map_or(Value::Null, json_money)
}

fn row_json(row: &Row) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("requests".into(), json!(row.requests));
    m.insert("attempts".into(), json!(row.attempts));
    m.insert("failures".into(), json!(row.failures));
    m.insert("retries".into(), json!(row.retries));
    m.insert("input_tokens".into(), json!(row.input_tokens));
    m.insert("output_tokens".into(), json!(row.output_tokens));
    m.insert("cache_read_tokens".into(), json!(row.cache_read_tokens));
    m.insert("cache_write_tokens".into(), json!(row.cache_write_tokens));
    m.insert("reasoning_tokens".into(), json!(row.reasoning_tokens));
    m.insert("tool_calls".into(), json!(row.tool_calls));
    m.insert("web_searches".into(), json!(row.web_searches));
    m.insert("cost_usd".into(), money(row.cost_usd));
    m.insert("billed_usd".into(), money(row.billed_usd));
    m.insert("catalog_usd".into(), money(row.catalog_usd));
    m.insert("catalog_usd_of_billed".into(), money(row.catalog_usd_of_billed));
    m.insert("client_estimate_usd".into(), money(row.client_estimate_usd));
    m.insert("unpriced_attempts".into(), json!(row.unpriced_attempts));
    m
}

/// `logs summarize --format json`.
pub fn summary_json(s: &Summary, passed_over: u64) -> Value {
    let mut formats: BTreeMap<&str, u64> = BTreeMap::new();
    for f in &s.stats.files {
        *formats.entry(f.format.as_deref().unwrap_or("none")).or_default() += 1;
    }
    let by_model: Map<String, Value> = s
        .by_model
        .iter()
        .map(|(id, m)| {
            let mut row = row_json(&m.row);
            row.insert("logged_as".into(), json!(m.logged_as));
            (id.clone(), Value::Object(row))
        })
        .collect();
    let unknown: Map<String, Value> =
        s.unknown_models.iter().map(|(k, r)| (k.clone(), Value::Object(row_json(r)))).collect();
    let mut out = Map::new();
    out.insert("schema".into(), json!(SUMMARY_SCHEMA));
    out.insert("records".into(), json!(s.records));
    out.insert("duplicates_dropped".into(), json!(s.duplicates_dropped));
    out.insert(
        "skipped".into(),
        Value::Array(
            s.stats
                .skipped
                .iter()
                .map(|k| json!({"reason": k.reason, "count": k.count, "first": k.first}))
                .collect(),
        ),
    );
    out.insert(
        "ignored".into(),
        Value::Array(
            s.stats.ignored.iter().map(|(r, n)| json!({"reason": r, "count": n})).collect(),
        ),
    );
    out.insert(
        "input".into(),
        json!({
            "files": s.stats.files.len(),
            "files_passed_over": passed_over,
            "bytes": s.stats.bytes(),
            "lines": s.stats.lines(),
            "formats": formats,
        }),
    );
    out.insert("totals".into(), Value::Object(row_json(&s.totals)));
    out.insert("by_model".into(), Value::Object(by_model));
    out.insert("unknown_models".into(), Value::Object(unknown));
    out.insert("without_model".into(), Value::Object(row_json(&s.without_model)));
    if !s.groups.is_empty() {
        out.insert("by".into(), json!(s.by.name()));
        let groups: Map<String, Value> =
            s.groups.iter().map(|(k, r)| (k.clone(), Value::Object(row_json(r)))).collect();
        out.insert("groups".into(), Value::Object(groups));
    }
    if !s.exports.is_empty() {
        let exports: Map<String, Value> = s
            .exports
            .iter()
            .map(|(k, e)| {
                (
                    k.clone(),
                    json!({
                        "rows": e.rows,
                        "requests": e.requests,
                        "input_tokens": e.input_tokens,
                        "output_tokens": e.output_tokens,
                        "cache_read_tokens": e.cache_read_tokens,
                        "cache_write_tokens": e.cache_write_tokens,
                        "amount_usd": money(e.amount_usd),
                    }),
                )
            })
            .collect();
        out.insert("billing_exports".into(), Value::Object(exports));
    }
    out.insert("notes".into(), json!(s.notes));
    Value::Object(out)
}

fn cost_cell(row: &Row) -> String {
    match row.cost_usd {
        None if row.unpriced_attempts == 0 => "–".to_owned(),
        None => "not priced".to_owned(),
        Some(c) if row.unpriced_attempts > 0 => format!("≥ {}", usd(c)),
        Some(c) => usd(c),
    }
}

/// `logs summarize` as a table.
pub fn summary_table(s: &Summary, passed_over: u64) -> String {
    let mut out = String::new();
    let st = &s.stats;
    let _ = writeln!(
        out,
        "{} files, {} lines: {} attempt records, {} duplicate lines dropped, {} lines skipped",
        st.files.len(),
        quantity(st.lines() as f64),
        quantity(s.records as f64),
        quantity(s.duplicates_dropped as f64),
        quantity(st.skipped_lines() as f64),
    );
    if passed_over > 0 {
        let _ = writeln!(
            out,
            "{passed_over} files in the folders were passed over: not .jsonl, .ndjson, .json or .csv"
        );
    }
    let _ = writeln!(
        out,
        "input tokens include cache reads and writes; output tokens include reasoning\n"
    );
    let header = [
        "",
        "requests",
        "attempts",
        "failed",
        "retries",
        "input",
        "cache read",
        "cache write",
        "output",
        "cost",
        "billed",
        "catalog",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let line = |name: &str, r: &Row| -> Vec<String> {
        vec![
            name.to_owned(),
            quantity(r.requests as f64),
            quantity(r.attempts as f64),
            quantity(r.failures as f64),
            quantity(r.retries as f64),
            quantity(r.input_tokens as f64),
            quantity(r.cache_read_tokens as f64),
            quantity(r.cache_write_tokens as f64),
            quantity(r.output_tokens as f64),
            cost_cell(r),
            r.billed_usd.map_or("–".to_owned(), usd),
            r.catalog_usd.map_or("–".to_owned(), usd),
        ]
    };
    for (id, m) in &s.by_model {
        rows.push(line(id, &m.row));
    }
    for (name, r) in &s.unknown_models {
        rows.push(line(&format!("{name} (not in catalog)"), r));
    }
    if s.without_model.attempts > 0 {
        rows.push(line("(no model: failed attempts)", &s.without_model));
    }
    rows.push(line("total", &s.totals));
    push_table(&mut out, &header, &rows);
    if !s.groups.is_empty() {
        let _ = writeln!(out, "\nby {}", s.by.name());
        let mut rows = Vec::new();
        for (name, r) in &s.groups {
            rows.push(line(name, r));
        }
        push_table(&mut out, &header, &rows);
    }
    if !s.exports.is_empty() {
        let _ = writeln!(out, "\nbilling exports (aggregates, not attempts)");
        let header =
            ["", "rows", "requests", "input", "cache read", "cache write", "output", "amount"];
        let rows: Vec<Vec<String>> = s
            .exports
            .iter()
            .map(|(k, e)| {
                vec![
                    k.clone(),
                    quantity(e.rows as f64),
                    e.requests.map_or("–".to_owned(), |n| quantity(n as f64)),
                    quantity(e.input_tokens as f64),
                    quantity(e.cache_read_tokens as f64),
                    quantity(e.cache_write_tokens as f64),
                    quantity(e.output_tokens as f64),
                    e.amount_usd.map_or("–".to_owned(), usd),
                ]
            })
            .collect();
        push_table(&mut out, &header, &rows);
    }
    if !st.skipped.is_empty() {
        let _ = writeln!(out, "\nskipped");
        for k in &st.skipped {
            let _ = writeln!(
                out,
                "  {:>8}  {} (first: {})",
                quantity(k.count as f64),
                k.reason,
                k.first
            );
        }
    }
    if !st.ignored.is_empty() {
        let _ = writeln!(out, "\nignored (no usage by design)");
        for (reason, n) in &st.ignored {
            let _ = writeln!(out, "  {:>8}  {reason}", quantity(*n as f64));
        }
    }
    if !s.notes.is_empty() {
        let _ = writeln!(out, "\nnotes");
        for note in &s.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out
}

fn push_table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut emit = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            let pad = w - cell.chars().count();
            if i == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    };
    emit(&mut header.iter().copied());
    for row in rows {
        emit(&mut row.iter().map(String::as_str));
    }
}

/// The card's lines as (label, value), shared by the text and Markdown forms.
fn card_fields(r: &Review) -> Vec<(&'static str, String)> {
    let t = &r.tokens;
    let model = match (&r.model, &r.catalog_model) {
        (Some(m), Some(c)) if m != c => format!("{m} (catalog: {c})"),
        (Some(m), _) => m.clone(),
        (None, _) => "–".to_owned(),
    };
    let attempts = format!(
        "{} ({} {}, {} failed)",
        r.attempt_count,
        r.retries,
        if r.retries == 1 { "retry" } else { "retries" },
        r.failures
    );
    let duration =
        r.duration_ms.map_or("–".to_owned(), |ms| format!("{:.3} s", ms as f64 / 1000.0));
    let sources = r
        .sources
        .iter()
        .map(|(k, n)| format!("{k} ({n} {})", if *n == 1 { "attempt" } else { "attempts" }))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        ("request id", r.request_id.clone().unwrap_or_else(|| "–".to_owned())),
        ("job id", r.job_id.clone().unwrap_or_else(|| "–".to_owned())),
        ("model", model),
        (
            "tokens in",
            format!(
                "{} ({} read from cache, {} written to cache)",
                group(t.input),
                group(t.cache_read),
                group(t.cache_write)
            ),
        ),
        ("tokens out", format!("{} ({} reasoning)", group(t.output), group(t.reasoning))),
        ("tool calls", group(r.tool_calls)),
        ("attempts", attempts),
        ("duration", duration),
        ("pricing unit", r.pricing_unit.clone()),
        ("catalog cost", r.catalog_usd.map_or("not priced".to_owned(), unit_price)),
        (
            "billed cost",
            r.billed_usd.map_or("– (the logs carry no billed amount)".to_owned(), unit_price),
        ),
        ("sources", sources),
    ]
}

fn group(n: u64) -> String {
    crate::format::plain_number(n as f64)
}

fn verdict_lines(r: &Review) -> (String, Vec<String>) {
    if !r.compared {
        return ("nothing to match: one source and no billed amount".to_owned(), Vec::new());
    }
    if r.mismatches.is_empty() {
        return ("logs matched".to_owned(), Vec::new());
    }
    let lines = r
        .mismatches
        .iter()
        .map(|m| match m {
            Mismatch::Tokens { class, primary, other } => {
                let diff = other.1 as i128 - primary.1 as i128;
                format!(
                    "{class} tokens: {} says {}, {} says {} ({}{} tokens)",
                    primary.0,
                    group(primary.1),
                    other.0,
                    group(other.1),
                    if diff > 0 { "+" } else { "" },
                    diff
                )
            }
            Mismatch::Attempts { primary, other } => {
                format!("attempts: {} has {}, {} has {}", primary.0, primary.1, other.0, other.1)
            }
            Mismatch::AboveLimit { model, day, prompt_tokens, limit } => format!(
                "prompt: {} tokens, above the {} that the catalog says {model} rejects on {day}, yet the log shows it answered; the catalog has no price for it",
                group(*prompt_tokens),
                group(*limit)
            ),
            Mismatch::Dollars { billed, catalog } => {
                let diff = billed - catalog;
                format!(
                    "cost: billed {} vs catalog {}: {} {} than the catalog price",
                    unit_price(*billed),
                    unit_price(*catalog),
                    unit_price(diff.abs()),
                    if diff > 0.0 { "more" } else { "less" }
                )
            }
        })
        .collect();
    ("logs do not match".to_owned(), lines)
}

/// `logs review` as text.
pub fn review_card(r: &Review) -> String {
    let mut out = format!("Budget Review: {}\n", r.id);
    for (label, value) in card_fields(r) {
        let _ = writeln!(out, "  {label:<13} {value}");
    }
    let (verdict, lines) = verdict_lines(r);
    let _ = writeln!(out, "\n{verdict}");
    for line in lines {
        let _ = writeln!(out, "  - {line}");
    }
    for note in &r.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

/// `logs review --format markdown`, for a ticket.
pub fn review_markdown(r: &Review) -> String {
    let mut out = format!("### Budget Review: `{}`\n\n| | |\n| --- | --- |\n", r.id);
    for (label, value) in card_fields(r) {
        let _ = writeln!(out, "| {label} | {} |", value.replace('|', "\\|"));
    }
    let (verdict, lines) = verdict_lines(r);
    let _ = writeln!(out, "\n**{verdict}**");
    if !lines.is_empty() {
        out.push('\n');
        for line in lines {
            let _ = writeln!(out, "- {line}");
        }
    }
    if !r.notes.is_empty() {
        out.push('\n');
        for note in &r.notes {
            let _ = writeln!(out, "> {note}");
        }
    }
    out
}

/// `logs review --format json`.
pub fn review_json(r: &Review) -> Value {
    let t = &r.tokens;
    let mismatches: Vec<Value> = r
        .mismatches
        .iter()
        .map(|m| match m {
            Mismatch::Tokens { class, primary, other } => json!({
                "kind": "tokens", "class": class,
                "primary": {"source": primary.0, "tokens": primary.1},
                "other": {"source": other.0, "tokens": other.1},
                "difference": other.1 as i128 - primary.1 as i128,
            }),
            Mismatch::Attempts { primary, other } => json!({
                "kind": "attempts",
                "primary": {"source": primary.0, "attempts": primary.1},
                "other": {"source": other.0, "attempts": other.1},
            }),
            Mismatch::AboveLimit { model, day, prompt_tokens, limit } => json!({
                "kind": "above_reject_limit",
                "model": model,
                "day": day,
                "prompt_tokens": prompt_tokens,
                "limit_tokens": limit,
            }),
            Mismatch::Dollars { billed, catalog } => json!({
                "kind": "dollars",
                "billed_usd": json_money(*billed),
                "catalog_usd": json_money(*catalog),
                "difference_usd": json_money(billed - catalog),
            }),
        })
        .collect();
    json!({
        "schema": REVIEW_SCHEMA,
        "id": r.id,
        "request_id": r.request_id,
        "job_id": r.job_id,
        "model": r.model,
        "catalog_model": r.catalog_model,
        "tokens": {
            "input": t.input, "cache_read": t.cache_read, "cache_write": t.cache_write,
            "output": t.output, "reasoning": t.reasoning,
        },
        "tool_calls": r.tool_calls,
        "web_searches": r.web_searches,
        "attempts": r.attempt_count,
        "retries": r.retries,
        "failures": r.failures,
        "duration_ms": r.duration_ms,
        "pricing_unit": r.pricing_unit,
        "catalog_usd": money(r.catalog_usd),
        "billed_usd": money(r.billed_usd),
        "client_estimate_usd": money(r.client_estimate_usd),
        "matched": if r.compared { json!(r.mismatches.is_empty()) } else { Value::Null },
        "mismatches": mismatches,
        "sources": r.sources.iter().map(|(k, n)| json!({"kind": k, "attempts": n})).collect::<Vec<_>>(),
        "duplicates_dropped": r.duplicates_dropped,
        "records": r.attempts,
        "notes": r.notes,
    })
}
