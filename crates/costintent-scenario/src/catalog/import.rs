//! What the importers of other tools' price files share: the report of
//! what was imported and skipped, the collection of imported models (with
//! duplicate ids and invalid prices skipped, never silently kept), and JSON
//! reading with located errors.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::entry::{ModelEntry, Source};
use super::error::CatalogError;
use super::validate::validate;

/// Which tool's file an import read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImportFormat {
    /// LiteLLM's `model_prices_and_context_window.json` (no dates).
    #[default]
    Litellm,
    /// pydantic/genai-prices' `data.json` (dated price changes).
    GenaiPrices,
}

impl ImportFormat {
    /// The name `catalog import` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Litellm => "litellm",
            Self::GenaiPrices => "genai-prices",
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The file name as given.
    pub file: String,
    /// Which tool's format it was read as.
    pub format: ImportFormat,
    /// Model entries in the file.
    pub entries: usize,
    /// Models imported.
    pub models: usize,
    /// Price lines imported (all models).
    pub lines: usize,
    /// Price lines that start or end on a date (dated price changes).
    pub dated_lines: usize,
    /// Long-context rules imported (from tiered prices).
    pub long_context_rules: usize,
    /// Per-size image entries merged into their base model as variants
    /// (LiteLLM only).
    pub merged_variants: usize,
    /// Entries not imported, each with why.
    pub skipped: Vec<Skipped>,
    /// Unsupported price fields, with the number of entries that had each;
    /// the rest of those entries was imported.
    pub dropped_fields: BTreeMap<String, usize>,
}

/// One entry that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's key in the imported file.
    pub key: String,
    /// The kind of reason (`sample_spec`, `no price fields`, `duplicate id`…),
    /// shared by entries skipped for the same reason.
    pub reason: String,
    /// Specifics for this entry.
    pub detail: Option<String>,
}

impl ImportReport {
    /// Skipped entries counted by reason.
    pub fn skipped_by_reason(&self) -> BTreeMap<&str, usize> {
        let mut out = BTreeMap::new();
        for s in &self.skipped {
            *out.entry(s.reason.as_str()).or_insert(0) += 1;
        }
        out
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} entries; imported {} models with {} price lines",
            self.file, self.entries, self.models, self.lines
        )?;
        match self.format {
            ImportFormat::Litellm => write!(
                f,
                " ({} per-size image entries merged into their models)",
                self.merged_variants
            )?,
            ImportFormat::GenaiPrices => write!(
                f,
                " ({} dated, {} long-context rules)",
                self.dated_lines, self.long_context_rules
            )?,
        }
        writeln!(f, "; skipped {}", self.skipped.len())?;
        for (reason, n) in self.skipped_by_reason() {
            writeln!(f, "  skipped {n}: {}", crate::diagnostics::printable(reason))?;
        }
        if !self.dropped_fields.is_empty() {
            writeln!(f, "  price fields not imported (entries that had them):")?;
            for (field, n) in &self.dropped_fields {
                // Field names come from the file.
                writeln!(f, "    {}: {n}", crate::diagnostics::printable(field))?;
            }
        }
        match self.format {
            ImportFormat::Litellm => {
                writeln!(f, "  LiteLLM has no dates: the imported prices apply on any date.")
            }
            ImportFormat::GenaiPrices => writeln!(
                f,
                "  Dated price changes are kept as dated lines; a model's first price applies on any earlier date."
            ),
        }
    }
}

/// The models an import collects, and its report.
#[derive(Debug)]
pub(crate) struct Collector {
    /// The file name as given.
    pub(crate) file: String,
    /// The source every imported price cites.
    pub(crate) source: Arc<Source>,
    /// Imported models by id.
    pub(crate) models: BTreeMap<String, ModelEntry>,
    /// The file's key each imported id came from.
    origin_key: BTreeMap<String, String>,
    /// What was done so far.
    pub(crate) report: ImportReport,
}

impl Collector {
    pub(crate) fn new(file: &str, format: ImportFormat, source: Source) -> Self {
        Self {
            file: file.to_owned(),
            source: Arc::new(source),
            models: BTreeMap::new(),
            origin_key: BTreeMap::new(),
            report: ImportReport { file: file.to_owned(), format, ..ImportReport::default() },
        }
    }

    /// Records an entry that was not imported.
    pub(crate) fn skip(&mut self, key: &str, reason: &str, detail: Option<String>) {
        self.report.skipped.push(Skipped {
            key: key.to_owned(),
            reason: reason.to_owned(),
            detail,
        });
    }

    /// Counts an unsupported price field of an imported entry.
    pub(crate) fn drop_field(&mut self, field: impl Into<String>) {
        *self.report.dropped_fields.entry(field.into()).or_insert(0) += 1;
    }

    /// Adds an imported model unless its id is taken or its prices break
    /// a catalog invariant (both skipped with the reason).
    pub(crate) fn insert(&mut self, key: &str, entry: ModelEntry) {
        if let Some(kept) = self.models.get(&entry.id) {
            let first = self.origin_key.get(&entry.id).cloned().unwrap_or_default();
            let same = kept.lines == entry.lines
                && kept.long_context == entry.long_context
                && kept.batch == entry.batch;
            let detail = if same {
                format!("`{}` again, with the same prices as key `{first}`", entry.id)
            } else {
                format!(
                    "`{}` again, with other prices than key `{first}`, which was kept",
                    entry.id
                )
            };
            self.skip(key, "duplicate id", Some(detail));
            return;
        }
        if let Err(e) = validate(&entry) {
            self.skip(key, "invalid prices", Some(e.message));
            return;
        }
        self.origin_key.insert(entry.id.clone(), key.to_owned());
        self.models.insert(entry.id.clone(), entry);
    }

    /// The imported models and the final report.
    pub(crate) fn finish(self) -> (Vec<ModelEntry>, ImportReport) {
        let models: Vec<ModelEntry> = self.models.into_values().collect();
        let mut report = self.report;
        report.models = models.len();
        report.lines = models.iter().map(|m| m.lines.len()).sum();
        report.dated_lines = models
            .iter()
            .flat_map(|m| &m.lines)
            .filter(|l| l.validity.from.is_some() || l.validity.until.is_some())
            .count();
        report.long_context_rules = models.iter().map(|m| m.long_context.len()).sum();
        (models, report)
    }
}

/// Parses JSON text; a syntax error points at its line and column.
pub(crate) fn parse_json(json_text: &str, file_name: &str) -> Result<Value, CatalogError> {
    serde_json::from_str(json_text).map_err(|e| {
        let message = e.to_string();
        let message = message.rfind(" at line ").map_or(message.as_str(), |i| &message[..i]);
        CatalogError::at_line(file_name, e.line(), e.column(), format!("invalid JSON: {message}"))
    })
}

/// Rounds away binary noise of unit conversions (3e-06 × 1e6 is
/// 3.0000000000000004): ten decimal places are far below any price.
pub(crate) fn round(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

/// `a number`, `an object`… for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_removes_conversion_noise() {
        assert_eq!(round(3e-06 * 1e6), 3.0);
        assert_eq!(round(3.75e-06 * 1e6), 3.75);
        assert_eq!(round(1.25e-08 * 1e6), 0.0125);
    }
}
