//! Resolved prices: what one model costs on the scenario's price date.
//!
//! A [`ModelPrice`] is the engine's view of a model: plain numbers per unit.
//! Where each number came from is kept alongside in [`PriceLine`]s, so that
//! `check`, `catalog show` and the reports can cite a source and a date for
//! every dollar.

use crate::date::Date;

/// The prices one workload pays, in the model's billing currency.
///
/// Token prices are per 1,000,000 tokens. Amounts are in USD unless
/// `currency` is [`Currency::Credits`], in which case they are in credits and
/// convert to USD through the wallet's `credit_usd` (or the provider's list
/// price per credit when the workload has no wallet).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelPrice {
    /// `provider/model`.
    pub id: String,
    /// Where the prices came from.
    pub origin: Origin,
    /// What the amounts are denominated in.
    pub currency: Currency,
    /// Text input tokens.
    pub input_per_mtok: Option<f64>,
    /// Output tokens.
    pub output_per_mtok: Option<f64>,
    /// Reasoning tokens; `None` means billed as output.
    pub reasoning_per_mtok: Option<f64>,
    /// Cache reads (hits).
    pub cache_read_per_mtok: Option<f64>,
    /// Cache writes with a TTL up to 5 minutes.
    pub cache_write_5m_per_mtok: Option<f64>,
    /// Cache writes with a TTL up to 1 hour.
    pub cache_write_1h_per_mtok: Option<f64>,
    /// Share off input and output in batch mode, in [0, 1].
    pub batch_discount: Option<f64>,
    /// Fee per request (attempt).
    pub per_request: Option<f64>,
    /// Fee per task (a unit of async work).
    pub per_task: Option<f64>,
    /// One price for every image, when it does not depend on size or quality.
    pub per_image: Option<f64>,
    /// Per-image prices by size and quality.
    pub images: Vec<ImagePrice>,
    /// One price per second of video, when it does not depend on resolution.
    pub per_video_second: Option<f64>,
    /// Per-second video prices by resolution and audio.
    pub video: Vec<VideoPrice>,
    /// Audio token prices and rates (realtime models).
    pub audio: Option<AudioPrice>,
    /// The whole-request long-context rule.
    pub long_context: Option<LongContext>,
    /// Prompt tokens (input plus cache reads and writes) above which the
    /// provider rejects the request with an error: such an attempt fails,
    /// is not billed, and is lost unless retried smaller (a catalog rule
    /// with `mode = "reject"`).
    pub reject_above: Option<f64>,
    /// The day the model stops being served, if known.
    pub retired_on: Option<Date>,
    /// After `retired_on`, the catalog model that serves this model's
    /// requests and whose prices these are (`after_retirement = "routed"`);
    /// `None` while the model itself serves them.
    pub served_by: Option<String>,
    /// Each price with its provenance, for display.
    pub lines: Vec<PriceLine>,
}

impl ModelPrice {
    /// The price of one image at `size` and `quality`: a per-variant price,
    /// or the model's single per-image price.
    pub fn image_amount(&self, size: &str, quality: &str) -> Option<f64> {
        self.images
            .iter()
            .find(|p| p.size == size && p.quality == quality)
            .map(|p| p.amount)
            .or(self.per_image)
    }

    /// The price of one second of video at `resolution`, with or without
    /// audio: a per-variant price (one without an audio flag matches both),
    /// or the model's single per-second price.
    pub fn video_amount(&self, resolution: &str, audio: bool) -> Option<f64> {
        self.video
            .iter()
            .find(|p| p.resolution == resolution && p.audio.is_none_or(|a| a == audio))
            .map(|p| p.amount)
            .or(self.per_video_second)
    }
}

/// Where a [`ModelPrice`] came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// The catalog embedded in costintent.
    #[default]
    Catalog,
    /// A `[models."id"]` table in the scenario file.
    Scenario,
    /// A catalog file given with `--catalog` (for example a LiteLLM import).
    File(String),
}

/// The unit amounts are denominated in.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Currency {
    /// US dollars.
    #[default]
    Usd,
    /// Provider credits.
    Credits {
        /// The provider's list price of one credit, in USD.
        usd_per_credit: f64,
    },
}

/// A per-image price.
#[derive(Clone, Debug, PartialEq)]
pub struct ImagePrice {
    /// `"1024x1024"`.
    pub size: String,
    /// `"low"`, `"medium"`, `"high"`, or `"standard"`.
    pub quality: String,
    /// Amount per image.
    pub amount: f64,
}

/// A per-second video price.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoPrice {
    /// `"720p"`, `"1080p"`, `"1024p"`.
    pub resolution: String,
    /// `Some(true)` with audio, `Some(false)` without, `None` either way.
    pub audio: Option<bool>,
    /// Amount per second of output.
    pub amount: f64,
}

/// Audio token prices and the tokens a minute of speech becomes.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioPrice {
    /// Audio input tokens, per 1M.
    pub input_per_mtok: f64,
    /// Audio output tokens, per 1M.
    pub output_per_mtok: f64,
    /// Cached audio input tokens, per 1M (`None`: no cache discount).
    pub cached_input_per_mtok: Option<f64>,
    /// Input tokens per minute of user audio.
    pub input_tokens_per_minute: f64,
    /// Output tokens per minute of assistant audio.
    pub output_tokens_per_minute: f64,
}

/// The whole-request long-context rule: a request whose prompt (input plus
/// cache reads and writes) exceeds `above` tokens is billed entirely at these
/// prices. A tier price that is not given scales the base price by
/// `input_per_mtok / base input`.
#[derive(Clone, Debug, PartialEq)]
pub struct LongContext {
    /// Threshold in prompt tokens.
    pub above: f64,
    /// Input price above the threshold.
    pub input_per_mtok: f64,
    /// Output price above the threshold.
    pub output_per_mtok: f64,
    /// Cache-read price above the threshold.
    pub cache_read_per_mtok: Option<f64>,
    /// 5-minute cache-write price above the threshold.
    pub cache_write_5m_per_mtok: Option<f64>,
    /// 1-hour cache-write price above the threshold.
    pub cache_write_1h_per_mtok: Option<f64>,
}

/// One price with its provenance, as `catalog show` and the reports print it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PriceLine {
    /// The billing unit (`input_token`, `cache_write_5m_token`, `image`, `video_second`, …).
    pub unit: String,
    /// Qualifiers such as `size=1024x1024 quality=medium` or `resolution=720p audio=true`; empty when none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// The amount in USD (for credit-priced models: credits × the list price of a credit).
    pub usd: f64,
    /// The amount in provider credits, for credit-priced models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<f64>,
    /// What the amount buys: `"1M tokens"`, `"image"`, `"second"`, `"request"`, `"credit"`.
    pub per: String,
    /// First day the price applies.
    pub valid_from: Option<Date>,
    /// Last day the price applies, if it changed or the model was retired.
    pub valid_until: Option<Date>,
    /// URL or document the price was read from, with the day it was read.
    pub source: String,
}

/// The prices of a workload from a day inside the simulated period on: the
/// period starts on the scenario's `prices` date, and each change bills the
/// rest of the period (up to the next change) at its prices.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceChange {
    /// Seconds after the start of the period (midnight UTC of `date`).
    pub at_seconds: f64,
    /// The day the prices take effect.
    pub date: Date,
    /// The prices from that day.
    pub price: ModelPrice,
}
