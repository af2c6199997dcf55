//! Format-preserving edits of a scenario file (`costintent calibrate`).
//!
//! [`apply`] sets values of workload keys in the user's own text and adds a
//! comment above each key it touched, keeping everything else as written:
//! the order of tables and keys, inline or standard tables, blank lines and
//! every comment the user wrote (a trailing comment stays on its line when
//! its value is replaced). Comments this module wrote earlier start with
//! [`MARK`] and are replaced, not repeated, when a calibrated file is
//! calibrated again.
//!
//! The result is text, not a validated scenario: the caller loads it with
//! [`crate::load_str`] like any other file.

use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value as TomlValue};

/// The start of every comment line this module writes.
pub const MARK: &str = "# calibrate:";

/// A value to write.
#[derive(Clone, Debug, PartialEq)]
pub enum EditValue {
    /// A number, written as an integer when it is whole.
    Number(f64),
    /// A string (`"input"`, a duration such as `"25s"`).
    Text(String),
    /// A distribution: `{ dist = "…", param = … }`, or without `dist` when
    /// `dist` is `None` (a volume such as `{ per = "day", mean = 40 }`).
    Table {
        /// The `dist` keyword, first in the table.
        dist: Option<String>,
        /// The other keys, in order.
        entries: Vec<(String, EditValue)>,
    },
}

impl EditValue {
    /// A distribution table `{ dist = name, … }`.
    pub fn dist(name: &str, entries: Vec<(&str, EditValue)>) -> Self {
        Self::Table {
            dist: Some(name.to_owned()),
            entries: entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }
    }

    /// A table without `dist`.
    pub fn table(entries: Vec<(&str, EditValue)>) -> Self {
        Self::Table {
            dist: None,
            entries: entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }
    }
}

/// One edit of a workload key: a new value and comment lines, or comment
/// lines only (a key the logs could not inform).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyEdit {
    /// The workload's `name`.
    pub workload: String,
    /// The key path inside the workload (`["cache", "gap"]`).
    pub path: Vec<String>,
    /// The new value; `None` keeps the value and only comments on it.
    pub value: Option<EditValue>,
    /// Comment lines, without the leading `#` (each is written after [`MARK`]).
    pub comment: Vec<String>,
}

/// An edit that could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError {
    /// What went wrong, naming the workload and key.
    pub message: String,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EditError {}

/// Applies `edits` to the scenario `text` and puts `header` (comment lines,
/// without `#`) above the `[scenario]` table. Comments are attached to the
/// workload's top-level key of each path (`cache` for `cache.gap`), below
/// the user's own comments on it. A key whose parent table is missing is
/// added to the workload (the parents as inline tables).
pub fn apply(text: &str, header: &[String], edits: &[KeyEdit]) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| EditError {
        message: format!("the scenario is not valid TOML: {}", e.message()),
    })?;
    strip_marks(doc.as_table_mut());

    if !header.is_empty() {
        let lines: Vec<&String> = header.iter().collect();
        if let Some(scenario) = doc.get_mut("scenario").and_then(Item::as_table_mut) {
            let prefix = scenario.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
            let prefix = with_marked_lines(prefix, &lines);
            scenario.decor_mut().set_prefix(prefix);
        }
    }

    for edit in edits {
        let Some(first) = edit.path.first() else {
            return Err(EditError {
                message: format!("an edit of `{}` names no key", edit.workload),
            });
        };
        let table = workload_table(&mut doc, &edit.workload)?;
        if let Some(value) = &edit.value {
            set(table, &edit.path, value).map_err(|why| EditError {
                message: format!("cannot set `{}.{}`: {why}", edit.workload, edit.path.join(".")),
            })?;
        }
        if !edit.comment.is_empty() {
            let Some(mut key) = table.key_mut(first) else {
                return Err(EditError {
                    message: format!("workload `{}` has no key `{first}`", edit.workload),
                });
            };
            let decor = key.leaf_decor_mut();
            let prefix = decor.prefix().and_then(|p| p.as_str()).unwrap_or("").to_owned();
            let lines: Vec<&String> = edit.comment.iter().collect();
            decor.set_prefix(with_marked_lines(&prefix, &lines));
        }
    }
    Ok(doc.to_string())
}

/// The `[[workload]]` table named `name`.
fn workload_table<'a>(doc: &'a mut DocumentMut, name: &str) -> Result<&'a mut Table, EditError> {
    let missing = || EditError { message: format!("the scenario has no workload named `{name}`") };
    let workloads =
        doc.get_mut("workload").and_then(Item::as_array_of_tables_mut).ok_or_else(missing)?;
    workloads
        .iter_mut()
        .find(|t| t.get("name").and_then(Item::as_str) == Some(name))
        .ok_or_else(missing)
}

/// Sets `path` under `table` to `value`, keeping the decor (a trailing
/// comment) of a value it replaces.
fn set(table: &mut dyn TableLike, path: &[String], value: &EditValue) -> Result<(), String> {
    let (key, rest) = path.split_first().ok_or("empty key path")?;
    if rest.is_empty() {
        let mut new = to_toml(value);
        match table.get_mut(key) {
            Some(Item::Value(old)) => {
                *new.decor_mut() = old.decor().clone();
                *old = new;
            }
            Some(Item::Table(_)) | Some(Item::ArrayOfTables(_)) => {
                return Err(format!(
                    "`{key}` is a table in the file; write it inline to calibrate it"
                ));
            }
            Some(Item::None) | None => {
                new.decor_mut().set_prefix(" ");
                table.insert(key, Item::Value(new));
            }
        }
        return Ok(());
    }
    if table.get(key).is_none() {
        table.insert(key, Item::Value(TomlValue::InlineTable(InlineTable::new())));
    }
    let child = table
        .get_mut(key)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| format!("`{key}` is not a table"))?;
    set(child, rest, value)
}

/// The TOML value of an edit value.
fn to_toml(value: &EditValue) -> TomlValue {
    match value {
        EditValue::Number(x) => number(*x),
        EditValue::Text(s) => TomlValue::from(s.as_str()),
        EditValue::Table { dist, entries } => {
            let mut t = InlineTable::new();
            if let Some(d) = dist {
                t.insert("dist", TomlValue::from(d.as_str()));
            }
            for (k, v) in entries {
                t.insert(k, to_toml(v));
            }
            t.fmt();
            TomlValue::InlineTable(t)
        }
    }
}

/// An integer when `x` is whole and small enough, else a float.
fn number(x: f64) -> TomlValue {
    if x.fract() == 0.0 && x.abs() < 1e15 { TomlValue::from(x as i64) } else { TomlValue::from(x) }
}

/// `prefix` with marked comment lines appended after the user's lines.
fn with_marked_lines(prefix: &str, lines: &[&String]) -> String {
    let mut out = prefix.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        // The prefix ends with indentation: comments go on lines of their
        // own, with the same indentation before the key.
        let indent_start = out.rfind('\n').map_or(0, |i| i + 1);
        let indent = out[indent_start..].to_owned();
        out.truncate(indent_start);
        for line in lines {
            out.push_str(&format!("{indent}{MARK} {line}\n"));
        }
        out.push_str(&indent);
        return out;
    }
    for line in lines {
        out.push_str(&format!("{MARK} {line}\n"));
    }
    out
}

/// Removes every line starting with [`MARK`] from the decor of the
/// `[scenario]` table and of every workload key.
fn strip_marks(root: &mut Table) {
    let strip = |prefix: &str| -> String {
        prefix.split_inclusive('\n').filter(|line| !line.trim_start().starts_with(MARK)).collect()
    };
    if let Some(scenario) = root.get_mut("scenario").and_then(Item::as_table_mut) {
        let prefix = scenario.decor().prefix().and_then(|p| p.as_str()).map(strip);
        if let Some(p) = prefix {
            scenario.decor_mut().set_prefix(p);
        }
    }
    let Some(workloads) = root.get_mut("workload").and_then(Item::as_array_of_tables_mut) else {
        return;
    };
    for table in workloads.iter_mut() {
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
        for k in keys {
            if let Some(mut key) = table.key_mut(&k) {
                let decor = key.leaf_decor_mut();
                let prefix = decor.prefix().and_then(|p| p.as_str()).map(strip);
                if let Some(p) = prefix {
                    decor.set_prefix(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"#:schema ./schema.json
# A team's agent.

[scenario]
name = "t"   # the name
period = "30d"

[[workload]]
name = "agent"
kind = "agent"
model = "anthropic/claude-sonnet-4-6"
# How busy the team is.
sessions = { per = "day", mean = 45 }
input = { dist = "lognormal", median = 2500, p90 = 10000 }    # new tokens per turn
cache = { ttl = "5m", gap = { dist = "lognormal", median = "25s", p90 = "6m" } }
"#;

    fn edit(path: &[&str], value: Option<EditValue>, comment: &str) -> KeyEdit {
        KeyEdit {
            workload: "agent".into(),
            path: path.iter().map(|s| s.to_string()).collect(),
            value,
            comment: vec![comment.to_owned()],
        }
    }

    #[test]
    fn replaces_values_and_keeps_comments() {
        let edits = [
            edit(
                &["input"],
                Some(EditValue::dist(
                    "lognormal",
                    vec![("median", EditValue::Number(2712.0)), ("p90", EditValue::Number(9100.5))],
                )),
                "input: from 400 turns",
            ),
            edit(
                &["cache", "gap"],
                Some(EditValue::dist(
                    "lognormal",
                    vec![
                        ("median", EditValue::Text("31s".into())),
                        ("p90", EditValue::Text("6.2m".into())),
                    ],
                )),
                "gap: from 380 gaps",
            ),
            edit(&["sessions"], None, "sessions: not informed"),
        ];
        let out = apply(TEXT, &["fitted from 2 files".into()], &edits).expect("applies");
        assert!(out.contains(
            "input = { dist = \"lognormal\", median = 2712, p90 = 9100.5 }    # new tokens per turn"
        ), "{out}");
        assert!(out.contains(
            "cache = { ttl = \"5m\", gap = { dist = \"lognormal\", median = \"31s\", p90 = \"6.2m\" } }"
        ), "{out}");
        assert!(out.contains("# How busy the team is.\n# calibrate: sessions: not informed\nsessions = { per = \"day\", mean = 45 }"), "{out}");
        assert!(
            out.contains("# A team's agent.\n\n# calibrate: fitted from 2 files\n[scenario]"),
            "{out}"
        );
        assert!(out.contains("name = \"t\"   # the name"), "{out}");
        // Calibrating the output again replaces the marked lines.
        let again = apply(&out, &["fitted from 2 files".into()], &edits).expect("applies");
        assert_eq!(again, out);
    }

    #[test]
    fn adds_missing_keys_and_names_missing_workloads() {
        let edits = [edit(
            &["failures", "rate"],
            Some(EditValue::Number(0.02)),
            "failures: 8 of 400 attempts",
        )];
        let out = apply(TEXT, &[], &edits).expect("applies");
        assert!(
            out.contains("# calibrate: failures: 8 of 400 attempts\nfailures = { rate = 0.02 }"),
            "{out}"
        );
        let mut bad = edits[0].clone();
        bad.workload = "nope".into();
        let err = apply(TEXT, &[], &[bad]).expect_err("no such workload");
        assert!(err.message.contains("no workload named `nope`"));
    }
}
