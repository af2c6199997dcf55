//! The catalog's data: models with dated price lines and rules, each citing
//! where it came from.
//!
//! These types hold exactly what a catalog file says, after validation.
//! [`super::Catalog::resolve`] turns an entry into the engine's flat
//! [`ModelPrice`](crate::prices::ModelPrice) for one day.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use super::unit::PriceUnit;
use crate::date::Date;
use crate::prices::Origin;

/// Where a price or rule was read, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The key the catalog file names the source by (`anthropic-pricing`).
    pub key: String,
    /// What was read: page or file, with the mirror or commit if any.
    pub title: String,
    /// Where it lives, if it has an address.
    pub url: Option<String>,
    /// The day it was read (for a data snapshot: the snapshot's date).
    pub read: Option<Date>,
}

impl Source {
    /// The one-line citation shown next to a price:
    /// `Title (url), read 2026-08-22`.
    pub fn citation(&self) -> String {
        let mut out = self.title.clone();
        if let Some(url) = &self.url {
            out.push_str(&format!(" ({url})"));
        }
        if let Some(read) = self.read {
            out.push_str(&format!(", read {read}"));
        }
        out
    }
}

/// A citation of [`Source::citation`] shortened for a list of prices: the
/// title up to its first aside (a parenthesis, a comma or a colon) and the
/// read date, `Anthropic pricing page, read 2026-08-22`. Any other text is
/// shortened the same way.
pub fn short_citation(citation: &str) -> String {
    let (body, read) = match citation.rsplit_once(", read ") {
        Some((body, date)) if date.parse::<Date>().is_ok() => (body, Some(date)),
        _ => (citation, None),
    };
    let end = [" (", ", ", ": "].iter().filter_map(|aside| body.find(aside)).min();
    let title = end.map_or(body, |end| &body[..end]).trim();
    match read {
        Some(date) => format!("{title}, read {date}"),
        None => title.to_owned(),
    }
}

/// The days a price or rule applies, both ends inclusive; an open end
/// reaches as far as the catalog goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validity {
    /// First day, if known.
    pub from: Option<Date>,
    /// Last day, if the price changed or the model was retired.
    pub until: Option<Date>,
    /// Whether `from` is only the earliest day a source documents the price
    /// (`start = "documented"`), not the day it really started: the price
    /// may be older, but the catalog cannot say what applied before.
    pub documented_start: bool,
}

impl Validity {
    /// Whether `date` falls in the period.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| from <= date) && self.until.is_none_or(|until| date <= until)
    }

    /// Whether the two periods share a day.
    pub fn overlaps(&self, other: &Validity) -> bool {
        let starts_before_other_ends = match (self.from, other.until) {
            (Some(from), Some(until)) => from <= until,
            _ => true,
        };
        let other_starts_before_end = match (other.from, self.until) {
            (Some(from), Some(until)) => from <= until,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }

    /// `from … until` as messages print it.
    pub fn describe(&self) -> String {
        let end =
            |d: Option<Date>, open: &str| d.map_or_else(|| open.to_owned(), |d| d.to_string());
        format!("{} to {}", end(self.from, "the start"), end(self.until, "now"))
    }
}

/// Lifecycle of a model at its provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// Current and recommended.
    #[default]
    Active,
    /// Still served, no longer updated.
    Legacy,
    /// Still served, with a shutdown date announced.
    Deprecated,
    /// No longer served by the provider's own API.
    Retired,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] =
        [Status::Active, Status::Legacy, Status::Deprecated, Status::Retired];

    /// The name used in catalog files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Legacy => "legacy",
            Self::Deprecated => "deprecated",
            Self::Retired => "retired",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL.into_iter().find(|x| x.name() == s).ok_or_else(|| {
            format!("unknown status `{s}`; expected one of active, legacy, deprecated, retired")
        })
    }
}

/// What a model produces, which decides the workloads it can price.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModelKind {
    /// Text (chat, completion, embedding): `requests` and `agent` workloads.
    #[default]
    Text,
    /// Image generation.
    Image,
    /// Video generation.
    Video,
    /// Realtime voice.
    Realtime,
}

impl ModelKind {
    /// Every kind.
    pub const ALL: [ModelKind; 4] =
        [ModelKind::Text, ModelKind::Image, ModelKind::Video, ModelKind::Realtime];

    /// The name used in catalog files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Image => "image",
            Self::Video => "video",
            Self::Realtime => "realtime",
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelKind::ALL.into_iter().find(|x| x.name() == s).ok_or_else(|| {
            format!("unknown kind `{s}`; expected one of text, image, video, realtime")
        })
    }
}

/// Qualifiers that select one price among several of the same unit.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Variant {
    /// Image size, `1024x1024`.
    pub size: Option<String>,
    /// Image quality, `low`, `medium`, `high` or `standard`.
    pub quality: Option<String>,
    /// Video resolution, `720p`.
    pub resolution: Option<String>,
    /// Video with (`true`) or without (`false`) audio; absent: either way.
    pub audio: Option<bool>,
}

impl Variant {
    /// Whether no qualifier is set.
    pub fn is_empty(&self) -> bool {
        self.size.is_none()
            && self.quality.is_none()
            && self.resolution.is_none()
            && self.audio.is_none()
    }

    /// `size=1024x1024 quality=medium`; empty when no qualifier is set.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(size) = &self.size {
            parts.push(format!("size={size}"));
        }
        if let Some(quality) = &self.quality {
            parts.push(format!("quality={quality}"));
        }
        if let Some(resolution) = &self.resolution {
            parts.push(format!("resolution={resolution}"));
        }
        if let Some(audio) = self.audio {
            parts.push(format!("audio={audio}"));
        }
        parts.join(" ")
    }
}

/// One dated price.
#[derive(Clone, Debug, PartialEq)]
pub struct LineEntry {
    /// What the amount buys.
    pub unit: PriceUnit,
    /// Size, quality, resolution or audio qualifiers.
    pub variant: Variant,
    /// The amount in the model's currency (USD, or credits).
    pub amount: f64,
    /// The days it applies.
    pub validity: Validity,
    /// Where it was read.
    pub source: Arc<Source>,
    /// Caveats worth showing with the price.
    pub note: Option<String>,
}

/// What a model's amounts are denominated in.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum CurrencyRule {
    /// US dollars.
    #[default]
    Usd,
    /// Provider credits at a list price.
    Credits {
        /// USD per credit.
        usd_per_credit: f64,
        /// Where the credit price was read.
        source: Arc<Source>,
    },
}

impl CurrencyRule {
    /// USD per unit of amount (1 for dollar-priced models).
    pub fn usd_per_unit(&self) -> f64 {
        match self {
            Self::Usd => 1.0,
            Self::Credits { usd_per_credit, .. } => *usd_per_credit,
        }
    }

    /// Whether amounts are in credits.
    pub fn is_credits(&self) -> bool {
        matches!(self, Self::Credits { .. })
    }
}

/// A rule about prompts above a number of tokens: either a whole-request
/// price tier or a limit above which the provider rejects the request.
#[derive(Clone, Debug, PartialEq)]
pub struct LongContextRule {
    /// Threshold in prompt tokens (input plus cache reads and writes).
    pub above: f64,
    /// What happens above the threshold.
    pub mode: LongContextMode,
    /// The days the rule applies.
    pub validity: Validity,
    /// Where it was read.
    pub source: Arc<Source>,
    /// Caveats.
    pub note: Option<String>,
}

impl LongContextRule {
    /// The tier prices, for a `tier` rule.
    pub fn tier(&self) -> Option<&TierPrices> {
        match &self.mode {
            LongContextMode::Tier(prices) => Some(prices),
            LongContextMode::Reject => None,
        }
    }

    /// Whether prompts above the threshold are rejected (not billed).
    pub fn rejects(&self) -> bool {
        self.mode == LongContextMode::Reject
    }
}

/// What a long-context rule does to a prompt above its threshold.
#[derive(Clone, Debug, PartialEq)]
pub enum LongContextMode {
    /// `mode = "tier"` (the default): the whole request is billed at these
    /// prices.
    Tier(TierPrices),
    /// `mode = "reject"`: the provider answers with an error and bills
    /// nothing.
    Reject,
}

impl LongContextMode {
    /// The name used in catalog files.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Tier(_) => "tier",
            Self::Reject => "reject",
        }
    }
}

/// Prices of a whole-request long-context tier (model currency, per 1M
/// tokens).
#[derive(Clone, Debug, PartialEq)]
pub struct TierPrices {
    /// Input price above the threshold.
    pub input: f64,
    /// Output price above the threshold.
    pub output: f64,
    /// Cache-read price above the threshold, if the source gives one.
    pub cache_read: Option<f64>,
    /// 5-minute cache-write price above the threshold.
    pub cache_write_5m: Option<f64>,
    /// 1-hour cache-write price above the threshold.
    pub cache_write_1h: Option<f64>,
}

/// The batch discount: a share off input and output prices.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchRule {
    /// Share off, in [0, 1] (0.5 for half price).
    pub share: f64,
    /// The days it applies.
    pub validity: Validity,
    /// Where it was read.
    pub source: Arc<Source>,
    /// Caveats.
    pub note: Option<String>,
}

/// How many audio tokens a minute of speech becomes (realtime models).
#[derive(Clone, Debug, PartialEq)]
pub struct AudioRates {
    /// Tokens per minute of user audio.
    pub input_tokens_per_minute: f64,
    /// Tokens per minute of assistant audio.
    pub output_tokens_per_minute: f64,
    /// Where the rates were read.
    pub source: Arc<Source>,
}

/// One model of the catalog with its whole price history.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelEntry {
    /// `provider/model`.
    pub id: String,
    /// Human name, `Claude Sonnet 4.5`.
    pub name: String,
    /// What it produces.
    pub kind: ModelKind,
    /// Lifecycle status as of the newest source.
    pub status: Status,
    /// The day the provider stopped (or stops) serving it.
    pub retired_on: Option<Date>,
    /// The catalog id the provider recommends instead.
    pub successor: Option<String>,
    /// What happens to requests from `retired_on` on.
    pub after_retirement: AfterRetirement,
    /// The tokenizer family (a key of the catalog's `[tokenizers]`), if known.
    pub tokenizer: Option<String>,
    /// Caveats: where dates come from, what is not confirmed.
    pub note: Option<String>,
    /// USD or credits.
    pub currency: CurrencyRule,
    /// Every price, across time.
    pub lines: Vec<LineEntry>,
    /// Long-context tiers, across time.
    pub long_context: Vec<LongContextRule>,
    /// Batch discounts, across time.
    pub batch: Vec<BatchRule>,
    /// Audio tokens per minute (realtime models).
    pub audio_rates: Option<AudioRates>,
    /// The embedded catalog or the file the entry came from.
    pub origin: Origin,
}

impl ModelEntry {
    /// The provider: the id up to the first `/`.
    pub fn provider(&self) -> &str {
        self.id.split_once('/').map_or(self.id.as_str(), |(provider, _)| provider)
    }

    /// The first day any price applies (`None` when some price has no start).
    pub fn first_valid_from(&self) -> Option<Date> {
        self.lines.iter().map(|l| l.validity.from).collect::<Option<Vec<_>>>()?.into_iter().min()
    }

    /// The day whose prices apply on `date`: `date` itself when some price
    /// is valid then; for a retired model asked about a day after its last
    /// price, that last day (it keeps its last prices); otherwise `None`.
    pub fn effective_date(&self, date: Date) -> Option<Date> {
        if self.lines.iter().any(|l| l.validity.contains(date)) {
            return Some(date);
        }
        self.retired_on?;
        let last = self.lines.iter().map(|l| l.validity.until).collect::<Option<Vec<_>>>()?;
        last.into_iter().max().filter(|&last| last < date)
    }

    /// Whether the model is retired on `date`.
    pub fn is_retired_on(&self, date: Date) -> bool {
        self.retired_on.is_some_and(|day| day <= date)
    }

    /// The lifecycle status on `date`: retired from `retired_on`; a model
    /// the newest source calls retired was still served before that day
    /// (shown as deprecated, since its shutdown date was set).
    pub fn status_on(&self, date: Date) -> Status {
        if self.is_retired_on(date) {
            Status::Retired
        } else if self.status == Status::Retired {
            Status::Deprecated
        } else {
            self.status
        }
    }

    /// Every day in `(after, before)` on which some price, rule, batch share
    /// or the retirement of this model changes, in order.
    pub fn change_days(&self, after: Date, before: Date) -> Vec<Date> {
        let mut days = Vec::new();
        let validities = self
            .lines
            .iter()
            .map(|l| l.validity)
            .chain(self.long_context.iter().map(|r| r.validity))
            .chain(self.batch.iter().map(|r| r.validity));
        for v in validities {
            days.extend(v.from);
            days.extend(v.until.map(|u| u.add_days(1)));
        }
        days.extend(self.retired_on);
        days.retain(|&d| after < d && d < before);
        days.sort();
        days.dedup();
        days
    }
}

/// What a provider does with requests to a model after its retirement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AfterRetirement {
    /// `after_retirement = "rejected"` (the default): requests fail.
    #[default]
    Rejected,
    /// `after_retirement = "routed"`: requests are served by the model's
    /// `successor` and billed at its prices.
    Routed,
}

impl AfterRetirement {
    /// The name used in catalog files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rejected => "rejected",
            Self::Routed => "routed",
        }
    }
}

impl FromStr for AfterRetirement {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "rejected" => Ok(Self::Rejected),
            "routed" => Ok(Self::Routed),
            _ => Err(format!(
                "unknown after_retirement `{s}`; expected \"rejected\" (requests fail) or \"routed\" (served by the successor)"
            )),
        }
    }
}

/// A tokenizer family: how many tokens the same text becomes, relative to a
/// reference family, where a source states it.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenizerFamily {
    /// The key models name it by (`claude-5`).
    pub key: String,
    /// Human name.
    pub name: String,
    /// The family the ratio is relative to, with the ratio: the same text is
    /// `ratio` times as many tokens in this family as in `reference`.
    pub relative: Option<TokenizerRatio>,
    /// Caveats.
    pub note: Option<String>,
}

/// A sourced token-count ratio between two tokenizer families.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenizerRatio {
    /// The reference family's key.
    pub reference: String,
    /// Tokens in this family per token of the reference family, same text.
    pub ratio: f64,
    /// Where the ratio was read.
    pub source: Arc<Source>,
}

/// A reseller that passes provider prices through: `openrouter/<id>`
/// resolves to the catalog's `<id>` prices.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The id prefix, `openrouter`.
    pub prefix: String,
    /// Where the pass-through is stated.
    pub source: Arc<Source>,
    /// Caveats.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }

    fn period(from: Option<&str>, until: Option<&str>) -> Validity {
        Validity { from: from.map(d), until: until.map(d), documented_start: false }
    }

    #[test]
    fn validity_contains_its_ends() {
        let v = period(Some("2026-01-01"), Some("2026-03-12"));
        assert!(v.contains(d("2026-01-01")));
        assert!(v.contains(d("2026-03-12")));
        assert!(!v.contains(d("2026-03-13")));
        assert!(!v.contains(d("2025-12-31")));
        assert!(period(None, None).contains(d("1999-01-01")));
    }

    #[test]
    fn validity_overlap_is_inclusive() {
        let a = period(Some("2026-01-01"), Some("2026-03-12"));
        assert!(!a.overlaps(&period(Some("2026-03-13"), None)));
        assert!(a.overlaps(&period(Some("2026-03-12"), None)));
        assert!(a.overlaps(&period(None, Some("2026-01-01"))));
        assert!(!a.overlaps(&period(None, Some("2025-12-31"))));
        assert!(period(None, None).overlaps(&a));
    }

    #[test]
    fn a_short_citation_keeps_the_title_and_the_read_date() {
        let cases = [
            (
                "Anthropic pricing page (gpambrozio/ClaudeDocs mirror, commit ff5b8ed9) (platform.claude.com/docs/en/about-claude/pricing), read 2026-08-22",
                "Anthropic pricing page, read 2026-08-22",
            ),
            (
                "Gemini API pricing page, as transcribed verbatim by api-evangelist (x), read 2026-07-01",
                "Gemini API pricing page, read 2026-07-01",
            ),
            ("OpenAI Batch API guide: '50% cost discount' (stored copy)", "OpenAI Batch API guide"),
            ("scenario file", "scenario file"),
        ];
        for (citation, short) in cases {
            assert_eq!(short_citation(citation), short);
        }
    }

    #[test]
    fn citation_reads_naturally() {
        let source = Source {
            key: "a".into(),
            title: "Anthropic pricing page".into(),
            url: Some("platform.claude.com/docs/en/about-claude/pricing".into()),
            read: Some(d("2026-08-22")),
        };
        assert_eq!(
            source.citation(),
            "Anthropic pricing page (platform.claude.com/docs/en/about-claude/pricing), read 2026-08-22"
        );
    }

    #[test]
    fn variant_describes_qualifiers_in_a_fixed_order() {
        let v = Variant {
            size: Some("1024x1024".into()),
            quality: Some("medium".into()),
            ..Variant::default()
        };
        assert_eq!(v.describe(), "size=1024x1024 quality=medium");
        let v =
            Variant { resolution: Some("720p".into()), audio: Some(true), ..Variant::default() };
        assert_eq!(v.describe(), "resolution=720p audio=true");
        assert!(Variant::default().is_empty());
    }
}
