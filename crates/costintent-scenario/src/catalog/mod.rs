//! The dated pricing catalog. (Stub: the API the rest of the workspace uses;
//! the implementation and data replace this.)

use crate::date::Date;
use crate::prices::ModelPrice;

/// Model prices with dates and sources.
#[derive(Clone, Debug, Default)]
pub struct Catalog {}

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

impl Catalog {
    /// The catalog embedded in the binary.
    pub fn embedded() -> Catalog {
        Catalog {}
    }

    /// The prices of `id` in effect on `date`.
    pub fn resolve(&self, id: &str, date: Date) -> Result<ModelPrice, LookupError> {
        let _ = (id, date);
        Err(LookupError::UnknownModel { suggestion: None })
    }

    /// Every model id, sorted.
    pub fn model_ids(&self) -> Vec<&str> {
        Vec::new()
    }

    /// A wallet preset by name.
    pub fn wallet_preset(&self, name: &str) -> Option<WalletPreset> {
        let _ = name;
        None
    }

    /// Names of the wallet presets.
    pub fn wallet_preset_names(&self) -> Vec<&str> {
        Vec::new()
    }
}
