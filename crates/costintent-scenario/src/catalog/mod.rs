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
//! 2026-03-13, and one of April does not. A retired model whose requests
//! are rejected keeps resolving at its last prices (its
//! [`ModelPrice::retired_on`] lets the scenario checker warn); one whose
//! requests are routed resolves at its successor's prices
//! ([`ModelPrice::served_by`]). [`Catalog::change_days`] lists the days a
//! model's prices change, which the scenario loader resolves into
//! `Workload::price_changes`.
//!
//! Routes such as OpenRouter pass provider prices through:
//! `openrouter/anthropic/claude-sonnet-4-5` resolves to the prices of
//! `anthropic/claude-sonnet-4-5`, and the OpenRouter fees live in wallet
//! presets (`openrouter-card`, `openrouter-crypto`, `openrouter-byok`).

mod embedded;
mod entry;
mod error;
mod file;
mod genai_prices;
mod import;
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
    AfterRetirement, AudioRates, BatchRule, CurrencyRule, LineEntry, LongContextMode,
    LongContextRule, ModelEntry, ModelKind, Route, Source, Status, TierPrices, TokenizerFamily,
    TokenizerRatio, Validity, Variant, short_citation,
};
pub use error::CatalogError;
pub use import::{ImportFormat, ImportReport, Skipped};
pub use json::{
    AudioView, BatchView, CacheTtlView, CurrencyView, LongContextView, ModelView, PriceView,
    RulesView,
};
pub use list::{ListFilter, ListRow};
pub use unit::{PriceUnit, UnitFamily};

use crate::date::Date;
use crate::prices::{ModelPrice, Origin};

/// Model prices with dates and sources, wallet presets and routes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    models: BTreeMap<String, ModelEntry>,
    presets: BTreeMap<String, PresetEntry>,
    routes: BTreeMap<String, Route>,
    tokenizers: BTreeMap<String, TokenizerFamily>,
}

/// How many routing steps a retired model may take to a serving successor
/// (a longer chain is a cycle in the data).
const MAX_ROUTING: usize = 8;

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
        /// Whether that first day is only the earliest day a source documents
        /// the price (`start = "documented"`), not the day it started.
        documented: bool,
    },
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownModel { suggestion: Some(s) } => {
                write!(f, "unknown model; did you mean `{s}`?")
            }
            Self::UnknownModel { suggestion: None } => f.write_str("unknown model"),
            Self::NotPricedOn { date, first: Some(first), documented: true } => write!(
                f,
                "no price documented on {date}: the catalog's sources first document its prices on {first}; it may have been sold earlier, at prices the catalog does not know"
            ),
            Self::NotPricedOn { date, first: Some(first), documented: false } => {
                write!(f, "no price in effect on {date}; the first price applies from {first}")
            }
            Self::NotPricedOn { date, first: None, .. } => {
                write!(f, "no price in effect on {date}")
            }
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
    /// Requests a month that carry no usage fee (0 when none).
    pub usage_fee_free_requests_per_month: f64,
    /// The first day those free requests apply, if they started on a known day.
    pub usage_fee_free_requests_since: Option<Date>,
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
    read: Option<Date>,
) -> Result<(Catalog, ImportReport), CatalogError> {
    Catalog::import_litellm(json_text, file_name, read)
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

    /// `self` with `other` laid over it: models, presets, routes and
    /// tokenizer families of `other` replace those with the same id or name.
    pub fn overlay(&self, other: &Catalog) -> Catalog {
        let mut out = self.clone();
        out.models.extend(other.models.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.presets.extend(other.presets.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.routes.extend(other.routes.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.tokenizers.extend(other.tokenizers.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// The newest day any source of the catalog was read: prices are as
    /// current as this day at best.
    pub fn newest_source_read(&self) -> Option<Date> {
        let mut newest: Option<Date> = None;
        let mut see = |source: &Source| {
            if let Some(read) = source.read {
                newest = Some(newest.map_or(read, |n: Date| n.max(read)));
            }
        };
        for m in self.models.values() {
            m.lines.iter().for_each(|l| see(&l.source));
            m.long_context.iter().for_each(|r| see(&r.source));
            m.batch.iter().for_each(|r| see(&r.source));
            if let CurrencyRule::Credits { source, .. } = &m.currency {
                see(source);
            }
            if let Some(r) = &m.audio_rates {
                see(&r.source);
            }
        }
        self.presets.values().for_each(|p| see(&p.source));
        self.routes.values().for_each(|r| see(&r.source));
        for t in self.tokenizers.values() {
            if let Some(r) = &t.relative {
                see(&r.source);
            }
        }
        newest
    }

    /// A tokenizer family by key.
    pub fn tokenizer(&self, key: &str) -> Option<&TokenizerFamily> {
        self.tokenizers.get(key)
    }

    /// Every tokenizer family, sorted by key.
    pub fn tokenizers(&self) -> impl Iterator<Item = &TokenizerFamily> {
        self.tokenizers.values()
    }

    /// How many tokens the same text becomes in family `to` per token in
    /// family `from`, through the sourced ratios that link both to a common
    /// reference family.
    pub fn token_ratio(&self, from: &str, to: &str) -> Result<TokenRatio, NoTokenRatio> {
        let (from_root, from_factor, from_sources) = self.to_reference(from)?;
        let (to_root, to_factor, to_sources) = self.to_reference(to)?;
        if from_root != to_root {
            return Err(NoTokenRatio::Unrelated { from: from.to_owned(), to: to.to_owned() });
        }
        let mut sources = from_sources;
        for source in to_sources {
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        Ok(TokenRatio { factor: to_factor / from_factor, sources })
    }

    /// The reference family at the end of `key`'s chain of ratios, the
    /// product of those ratios, and their sources.
    fn to_reference(&self, key: &str) -> Result<(String, f64, Vec<String>), NoTokenRatio> {
        let mut current =
            self.tokenizers.get(key).ok_or_else(|| NoTokenRatio::UnknownFamily(key.to_owned()))?;
        let mut factor = 1.0;
        let mut sources = Vec::new();
        for _ in 0..=self.tokenizers.len() {
            let Some(rel) = &current.relative else {
                return Ok((current.key.clone(), factor, sources));
            };
            factor *= rel.ratio;
            sources.push(rel.source.citation());
            current = self
                .tokenizers
                .get(&rel.reference)
                .ok_or_else(|| NoTokenRatio::UnknownFamily(rel.reference.clone()))?;
        }
        Err(NoTokenRatio::Unrelated { from: key.to_owned(), to: key.to_owned() })
    }

    /// The parts of `id` whose catalog price starts, on a day after `date`,
    /// at a `valid_from` that is only the earliest day a source documents it
    /// (`start = "documented"`), and that have no price on `date`: the
    /// catalog cannot say what they cost then. Each is named as the catalog
    /// lists it (`cache_read_token`, `batch discount`, `long-context rule`).
    pub fn documented_after(&self, id: &str, date: Date) -> Vec<(String, Date)> {
        let Ok(entry) = self.entry(id) else { return Vec::new() };
        let mut out = Vec::new();
        let later = |v: &Validity| v.documented_start && v.from.is_some_and(|f| f > date);
        for line in &entry.lines {
            let covered = entry.lines.iter().any(|l| {
                l.unit == line.unit && l.variant == line.variant && l.validity.contains(date)
            });
            if later(&line.validity) && !covered {
                let mut what = line.unit.name().to_owned();
                if !line.variant.is_empty() {
                    what.push_str(&format!(" ({})", line.variant.describe()));
                }
                out.extend(line.validity.from.map(|f| (what, f)));
            }
        }
        if !entry.batch.iter().any(|r| r.validity.contains(date))
            && let Some(f) = entry
                .batch
                .iter()
                .filter(|r| later(&r.validity))
                .filter_map(|r| r.validity.from)
                .min()
        {
            out.push(("batch discount".to_owned(), f));
        }
        if !entry.long_context.iter().any(|r| r.validity.contains(date))
            && let Some(f) = entry
                .long_context
                .iter()
                .filter(|r| later(&r.validity))
                .filter_map(|r| r.validity.from)
                .min()
        {
            out.push(("long-context rule".to_owned(), f));
        }
        out.dedup();
        out
    }

    /// The catalog in its file format (what `catalog import --out` writes).
    pub fn to_toml_string(&self) -> String {
        write::to_toml(
            self.models.values(),
            self.presets.values(),
            self.routes.values(),
            self.tokenizers.values(),
        )
    }

    /// Maps LiteLLM's `model_prices_and_context_window.json` to a catalog.
    /// LiteLLM has no dates, so the imported prices apply on any day; the
    /// report counts what was imported and every entry skipped, with why.
    /// `read` is the day the file was downloaded (its prices' read date).
    pub fn import_litellm(
        json_text: &str,
        file_name: &str,
        read: Option<Date>,
    ) -> Result<(Catalog, ImportReport), CatalogError> {
        let (models, report) = litellm::import(json_text, file_name, read)?;
        let models = models.into_iter().map(|m| (m.id.clone(), m)).collect();
        Ok((Catalog { models, ..Catalog::default() }, report))
    }

    /// Maps pydantic/genai-prices' `data.json` to a catalog, keeping its
    /// dated price changes as dated lines and its tiered prices as
    /// long-context rules; the report counts what was imported and every
    /// entry or field skipped, with why. `read` is the day the file was
    /// downloaded (its prices' read date).
    pub fn import_genai_prices(
        json_text: &str,
        file_name: &str,
        read: Option<Date>,
    ) -> Result<(Catalog, ImportReport), CatalogError> {
        let (models, report) = genai_prices::import(json_text, file_name, read)?;
        let models = models.into_iter().map(|m| (m.id.clone(), m)).collect();
        Ok((Catalog { models, ..Catalog::default() }, report))
    }

    /// The prices of `id` in effect on `date`. A retired model whose
    /// requests are rejected resolves at its last prices for later dates
    /// (with `retired_on` set); one whose requests are routed to its
    /// successor resolves at the successor's prices (with `served_by` set).
    pub fn resolve(&self, id: &str, date: Date) -> Result<ModelPrice, LookupError> {
        self.resolve_routed(id, date, 0)
    }

    fn resolve_routed(&self, id: &str, date: Date, hops: usize) -> Result<ModelPrice, LookupError> {
        let entry = self.entry_for(id)?;
        if entry.after_retirement == AfterRetirement::Routed
            && entry.is_retired_on(date)
            && let Some(successor) = &entry.successor
            && hops < MAX_ROUTING
        {
            // Through a route, the successor is sold through the same route.
            let successor_id = match self.route_of(id) {
                Some((route, _)) => format!("{}/{successor}", route.prefix),
                None => successor.clone(),
            };
            let mut price = self.resolve_routed(&successor_id, date, hops + 1)?;
            price.served_by = Some(price.served_by.take().unwrap_or(successor_id));
            price.id = id.to_owned();
            price.retired_on = entry.retired_on;
            return Ok(price);
        }
        let day = entry.effective_date(date).ok_or_else(|| not_priced(&entry, date))?;
        Ok(resolve::model_price(&entry, id, day))
    }

    /// Each day inside `(start, end)` on which the prices of `id` change
    /// (a price line, rule or batch share starts or ends, the model
    /// retires, or its routed successor's prices change).
    pub fn change_days(&self, id: &str, start: Date, end: Date) -> Vec<Date> {
        let Ok(entry) = self.entry(id) else { return Vec::new() };
        let mut days = entry.change_days(start, end);
        if entry.after_retirement == AfterRetirement::Routed
            && let (Some(retired), Some(successor)) = (entry.retired_on, &entry.successor)
            && let Ok(next) = self.entry(successor)
        {
            days.extend(next.change_days(start.max(retired), end));
            days.sort();
            days.dedup();
        }
        days
    }

    /// `catalog show`: the model's prices and rules, only those in effect
    /// on `date` when given (a retired model shows its last prices), its
    /// whole history otherwise.
    pub fn model_view(&self, id: &str, date: Option<Date>) -> Result<ModelView, LookupError> {
        let entry = self.entry_for(id)?;
        let day = match date {
            Some(date) => Some(entry.effective_date(date).ok_or_else(|| not_priced(&entry, date))?),
            None => None,
        };
        Ok(json::model_view(&entry, id, day, date))
    }

    /// [`Catalog::model_view`] as JSON (`catalog show --format json`).
    pub fn model_json(
        &self,
        id: &str,
        date: Option<Date>,
    ) -> Result<serde_json::Value, LookupError> {
        let view = self.model_view(id, date)?;
        // A view holds only strings, numbers and dates: it always serialises.
        Ok(serde_json::to_value(view).unwrap_or(serde_json::Value::Null))
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
        for family in contents.tokenizers {
            if self.tokenizers.contains_key(&family.key) {
                return Err(CatalogError::whole(
                    name,
                    format!("tokenizer `{}` is already defined", family.key),
                ));
            }
            self.tokenizers.insert(family.key.clone(), family);
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

/// The error for a model with no price on `date`.
fn not_priced(entry: &ModelEntry, date: Date) -> LookupError {
    let first = entry.first_valid_from();
    let documented = entry
        .lines
        .iter()
        .any(|l| l.validity.documented_start && l.validity.from == first && first.is_some());
    LookupError::NotPricedOn { date, first, documented }
}

/// A token-count ratio between two tokenizer families.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRatio {
    /// Tokens in the target family per token in the source family.
    pub factor: f64,
    /// The sources of the ratios used.
    pub sources: Vec<String>,
}

/// Why no token-count ratio links two tokenizer families.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoTokenRatio {
    /// The catalog has no family of this key.
    UnknownFamily(String),
    /// No sourced chain of ratios links the two families.
    Unrelated {
        /// The family the counts were measured in.
        from: String,
        /// The family they would be billed in.
        to: String,
    },
}

impl fmt::Display for NoTokenRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownFamily(key) => write!(f, "the catalog has no tokenizer family `{key}`"),
            Self::Unrelated { from, to } => write!(
                f,
                "no source in the catalog gives a token-count ratio between the `{from}` and `{to}` tokenizers"
            ),
        }
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
