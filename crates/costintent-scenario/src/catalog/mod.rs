//! The dated pricing catalog: what every model costs on a given day, with
//! the source and date of every number.
//!
//! The catalog is data. The files in `crates/costintent-scenario/catalog/`
//! (one per provider, embedded in the binary) say, per model, a list of
//! prices with their unit, qualifiers, amount, validity dates and source,
//! plus rules: the whole-request long-context tier, the batch discount, the
//! credit price of credit-priced models and the audio tokens per minute of
//! realtime models. The format is documented at the top of each file. A
//! user's file in the same format (`--catalog prices.toml`) is laid over the
//! embedded one; [`Catalog::import_litellm`] writes one from LiteLLM's price
//! map.
//!
//! Dates decide everything: [`Catalog::resolve`] uses only the prices valid
//! on the scenario's price date, so a simulation of March 2026 bills Claude
//! Sonnet 4.6 with the long-context surcharge that was dropped on
//! 2026-03-13, and one of April does not. A retired model keeps resolving
//! at its last prices (its [`ModelPrice::retired_on`] lets the scenario
//! checker warn).
//!
//! Routes such as OpenRouter pass provider prices through:
//! `openrouter/anthropic/claude-sonnet-4-5` resolves to the prices of
//! `anthropic/claude-sonnet-4-5`, and the OpenRouter fees live in wallet
//! presets (`openrouter-card`, `openrouter-crypto`, `openrouter-byok`).

mod embedded;
mod entry;
mod error;
mod file;
mod json;
mod list;
mod litellm;
mod resolve;
mod suggest;
mod unit;
mod validate;
mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub use entry::{
    AudioRates, BatchRule, CurrencyRule, LineEntry, LongContextRule, ModelEntry, ModelKind, Route,
    Source, Status, Validity, Variant,
};
pub use error::CatalogError;
pub use list::{ListFilter, ListRow};
pub use litellm::{ImportReport, Skipped};
pub use unit::{Unit, UnitFamily};

use crate::date::Date;
use crate::prices::{ModelPrice, Origin};

/// Model prices with dates and sources, wallet presets and routes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    models: BTreeMap<String, ModelEntry>,
    presets: BTreeMap<String, PresetEntry>,
    routes: BTreeMap<String, Route>,
}

/// Why a model id could not be priced on a date.
#[derive(Clone, Debug, PartialEq)]
pub enum LookupError {
    /// No model with this id; `suggestion` is the nearest known id.
    UnknownModel {
        /// The nearest known id, if any is close.
        suggestion: Option<String>,
    },
    /// The model exists but has no price in effect on `date`.
    NotPricedOn {
        /// The date asked for.
        date: Date,
        /// First day any price of the model applies.
        first: Option<Date>,
    },
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownModel { suggestion: Some(s) } => {
                write!(f, "unknown model; did you mean `{s}`?")
            }
            Self::UnknownModel { suggestion: None } => f.write_str("unknown model"),
            Self::NotPricedOn { date, first: Some(first) } => {
                write!(f, "no price in effect on {date}; the first price applies from {first}")
            }
            Self::NotPricedOn { date, first: None } => write!(f, "no price in effect on {date}"),
        }
    }
}

impl std::error::Error for LookupError {}

/// Fees of a known credit route (`[[wallet]] preset = "openrouter-card"`).
#[derive(Clone, Debug, PartialEq)]
pub struct WalletPreset {
    /// Preset name.
    pub name: String,
    /// USD per credit.
    pub credit_usd: f64,
    /// Purchase fee, percent.
    pub fee_percent: f64,
    /// Minimum fee per purchase, USD.
    pub fee_min: f64,
    /// Fee on every charge, percent.
    pub usage_fee_percent: f64,
    /// Where the fees come from.
    pub source: String,
}

/// A wallet preset with the source it was read from, so a catalog can be
/// written back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PresetEntry {
    pub(crate) preset: WalletPreset,
    pub(crate) source: Arc<Source>,
    pub(crate) note: Option<String>,
}

/// Maps LiteLLM's `model_prices_and_context_window.json` to a catalog; the
/// same as [`Catalog::import_litellm`].
pub fn import_litellm(
    json_text: &str,
    file_name: &str,
) -> Result<(Catalog, ImportReport), CatalogError> {
    Catalog::import_litellm(json_text, file_name)
}

impl Catalog {
    /// The catalog embedded in the binary (parsed once per process).
    pub fn embedded() -> Catalog {
        embedded::catalog().clone()
    }

    /// Reads a catalog file in the embedded format (`--catalog file`);
    /// `name` is the file name used in errors and in the prices' origin.
    /// Errors point at file, line and column.
    pub fn from_toml_str(name: &str, text: &str) -> Result<Catalog, CatalogError> {
        let origin = Origin::File(name.to_owned());
        let mut catalog = Catalog::default();
        catalog.add_file(name, text, &origin)?;
        Ok(catalog)
    }

    /// `self` with `other` laid over it: models, presets and routes of
    /// `other` replace those with the same id or name.
    pub fn overlay(&self, other: &Catalog) -> Catalog {
        let mut out = self.clone();
        out.models.extend(other.models.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.presets.extend(other.presets.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.routes.extend(other.routes.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// The catalog in its file format (what `catalog import --out` writes).
    pub fn to_toml_string(&self) -> String {
        write::to_toml(self.models.values(), self.presets.values(), self.routes.values())
    }

    /// Maps LiteLLM's `model_prices_and_context_window.json` to a catalog.
    /// LiteLLM has no dates, so the imported prices apply on any day; the
    /// report counts what was imported and every entry skipped, with why.
    pub fn import_litellm(
        json_text: &str,
        file_name: &str,
    ) -> Result<(Catalog, ImportReport), CatalogError> {
        let (models, report) = litellm::import(json_text, file_name)?;
        let models = models.into_iter().map(|m| (m.id.clone(), m)).collect();
        Ok((Catalog { models, ..Catalog::default() }, report))
    }

    /// The prices of `id` in effect on `date`. A retired model resolves at
    /// its last prices for later dates (with `retired_on` set).
    pub fn resolve(&self, id: &str, date: Date) -> Result<ModelPrice, LookupError> {
        let entry = self.entry_for(id)?;
        let day = entry
            .effective_date(date)
            .ok_or(LookupError::NotPricedOn { date, first: entry.first_valid_from() })?;
        Ok(resolve::model_price(&entry, id, day))
    }

    /// `catalog show`: the model's prices and rules as JSON, only those in
    /// effect on `date` when given (a retired model shows its last prices),
    /// its whole history otherwise.
    pub fn model_json(
        &self,
        id: &str,
        date: Option<Date>,
    ) -> Result<serde_json::Value, LookupError> {
        let entry = self.entry_for(id)?;
        let day = match date {
            Some(date) => Some(
                entry
                    .effective_date(date)
                    .ok_or(LookupError::NotPricedOn { date, first: entry.first_valid_from() })?,
            ),
            None => None,
        };
        Ok(json::model_json(&entry, id, day, date))
    }

    /// The catalog entry behind `id` (for a route, the underlying model's).
    pub fn entry(&self, id: &str) -> Result<&ModelEntry, LookupError> {
        if let Some(entry) = self.models.get(id) {
            return Ok(entry);
        }
        if let Some((_, rest)) = self.route_of(id)
            && let Some(entry) = self.models.get(rest)
        {
            return Ok(entry);
        }
        Err(LookupError::UnknownModel { suggestion: self.suggest(id) })
    }

    /// Every model id, sorted (routes are not expanded).
    pub fn model_ids(&self) -> Vec<&str> {
        self.models.keys().map(String::as_str).collect()
    }

    /// Every model entry, sorted by id.
    pub fn entries(&self) -> impl Iterator<Item = &ModelEntry> {
        self.models.values()
    }

    /// The price lines that pass `filter`, model by model in id order.
    pub fn list(&self, filter: &ListFilter) -> Vec<ListRow> {
        self.models.values().flat_map(|m| list::rows(m, filter)).collect()
    }

    /// The routes (resellers that pass prices through), sorted by prefix.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.values()
    }

    /// A wallet preset by name.
    pub fn wallet_preset(&self, name: &str) -> Option<WalletPreset> {
        self.presets.get(name).map(|p| p.preset.clone())
    }

    /// Names of the wallet presets.
    pub fn wallet_preset_names(&self) -> Vec<&str> {
        self.presets.keys().map(String::as_str).collect()
    }

    /// Reads one file into `self`; an id defined twice across files is an
    /// error (the embedded files must not disagree).
    fn add_file(&mut self, name: &str, text: &str, origin: &Origin) -> Result<(), CatalogError> {
        let contents = file::read(name, text, origin)?;
        for model in contents.models {
            if self.models.contains_key(&model.id) {
                return Err(CatalogError::whole(
                    name,
                    format!("model `{}` is already defined", model.id),
                ));
            }
            self.models.insert(model.id.clone(), model);
        }
        for preset in contents.presets {
            if self.presets.contains_key(&preset.preset.name) {
                return Err(CatalogError::whole(
                    name,
                    format!("wallet preset `{}` is already defined", preset.preset.name),
                ));
            }
            self.presets.insert(preset.preset.name.clone(), preset);
        }
        for route in contents.routes {
            if self.routes.contains_key(&route.prefix) {
                return Err(CatalogError::whole(
                    name,
                    format!("route `{}` is already defined", route.prefix),
                ));
            }
            self.routes.insert(route.prefix.clone(), route);
        }
        Ok(())
    }

    /// The entry to price `id` with: the model itself, or for a route id
    /// the underlying model with the route's source added to every price.
    fn entry_for(&self, id: &str) -> Result<std::borrow::Cow<'_, ModelEntry>, LookupError> {
        if let Some(entry) = self.models.get(id) {
            return Ok(std::borrow::Cow::Borrowed(entry));
        }
        if let Some((route, rest)) = self.route_of(id)
            && let Some(entry) = self.models.get(rest)
        {
            return Ok(std::borrow::Cow::Owned(through_route(entry, route)));
        }
        Err(LookupError::UnknownModel { suggestion: self.suggest(id) })
    }

    /// The route and the rest of the id, for `prefix/…` ids.
    fn route_of<'a>(&self, id: &'a str) -> Option<(&Route, &'a str)> {
        let (prefix, rest) = id.split_once('/')?;
        self.routes.get(prefix).map(|route| (route, rest))
    }

    fn suggest(&self, id: &str) -> Option<String> {
        if let Some((route, rest)) = self.route_of(id) {
            return suggest::nearest(rest, self.models.keys().map(String::as_str))
                .map(|s| format!("{}/{s}", route.prefix));
        }
        suggest::nearest(id, self.models.keys().map(String::as_str))
    }
}

/// `entry` as sold through `route`: the same prices, each citing the
/// route's pass-through statement as well.
fn through_route(entry: &ModelEntry, route: &Route) -> ModelEntry {
    let cite = |source: &Arc<Source>| {
        Arc::new(Source {
            key: source.key.clone(),
            title: format!(
                "{}; passed through by {} ({})",
                source.citation(),
                route.prefix,
                route.source.citation()
            ),
            url: None,
            read: None,
        })
    };
    let mut out = entry.clone();
    for line in &mut out.lines {
        line.source = cite(&line.source);
    }
    for rule in &mut out.long_context {
        rule.source = cite(&rule.source);
    }
    for rule in &mut out.batch {
        rule.source = cite(&rule.source);
    }
    out
}
