//! Reading the catalog file format (documented at the top of every file in
//! `crates/costintent-scenario/catalog/` and in [`super`]).
//!
//! Parsing keeps the spans of models and lines, so every problem, from a
//! TOML syntax error to two prices overlapping in time, is reported at its
//! file, line and column.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::entry::{
    AfterRetirement, AudioRates, BatchRule, CurrencyRule, LineEntry, LongContextMode,
    LongContextRule, ModelEntry, ModelKind, Route, Source, Status, TierPrices, TokenizerFamily,
    TokenizerRatio, Validity, Variant,
};
use super::error::CatalogError;
use super::unit::PriceUnit;
use super::validate::{Locus, validate};
use super::{PresetEntry, WalletPreset};
use crate::date::Date;
use crate::prices::Origin;

/// Everything one catalog file defines.
#[derive(Debug, Default)]
pub(crate) struct FileContents {
    pub(crate) models: Vec<ModelEntry>,
    pub(crate) presets: Vec<PresetEntry>,
    pub(crate) routes: Vec<Route>,
    pub(crate) tokenizers: Vec<TokenizerFamily>,
}

/// Reads and validates catalog text; `file` names it in errors.
pub(crate) fn read(file: &str, text: &str, origin: &Origin) -> Result<FileContents, CatalogError> {
    // Names, ids and sources reach terminals and reports: no control characters.
    if let Ok(root) = toml::de::DeTable::parse(text)
        && let Some(found) = crate::text::unsafe_strings(root.get_ref()).first()
    {
        return Err(CatalogError::at(file, text, found.span.start, found.message()));
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| match e.span() {
        Some(span) => CatalogError::at(file, text, span.start, e.message().trim()),
        None => CatalogError::whole(file, e.message().trim()),
    })?;
    let reader = Reader { file, text, sources: sources(file, text, raw.sources)? };
    let mut out = FileContents::default();
    let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
    for model in raw.model {
        let span = model.span();
        let entry = reader.model(model, origin)?;
        if let Some(first) = seen.insert(entry.id.clone(), span.clone()) {
            let (line, _) = position(text, first.start);
            return Err(reader.error(
                span.start,
                format!("model `{}` is defined twice (first at line {line})", entry.id),
            ));
        }
        out.models.push(entry);
    }
    for preset in raw.wallet_preset {
        out.presets.push(reader.preset(preset)?);
    }
    for route in raw.route {
        out.routes.push(reader.route(route)?);
    }
    for (key, family) in raw.tokenizers {
        out.tokenizers.push(reader.tokenizer(key, family)?);
    }
    Ok(out)
}

/// 1-based line and column of a byte offset, for messages that refer back.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let e = CatalogError::at("", text, offset, "");
    (e.line.unwrap_or(1), e.column.unwrap_or(1))
}

fn sources(
    file: &str,
    text: &str,
    raw: BTreeMap<String, Spanned<RawSource>>,
) -> Result<BTreeMap<String, Arc<Source>>, CatalogError> {
    let mut out = BTreeMap::new();
    for (key, spanned) in raw {
        let span = spanned.span();
        let raw = spanned.into_inner();
        if raw.title.trim().is_empty() {
            return Err(CatalogError::at(
                file,
                text,
                span.start,
                format!("source `{key}` has an empty title"),
            ));
        }
        let source = Source {
            key: key.clone(),
            title: raw.title,
            url: raw.url,
            read: raw.read.map(|d| d.0),
        };
        out.insert(key, Arc::new(source));
    }
    Ok(out)
}

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    sources: BTreeMap<String, Arc<Source>>,
}

impl Reader<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> CatalogError {
        CatalogError::at(self.file, self.text, offset, message)
    }

    /// The source a key names, or an error with the nearest key.
    fn source(
        &self,
        key: Option<&str>,
        offset: usize,
        what: &str,
    ) -> Result<Arc<Source>, CatalogError> {
        let Some(key) = key else {
            return Err(self.error(
                offset,
                format!("{what} has no `source` (set it on the line or the model)"),
            ));
        };
        if let Some(source) = self.sources.get(key) {
            return Ok(Arc::clone(source));
        }
        let hint = super::suggest::nearest(key, self.sources.keys().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; sources are defined in `[sources.<key>]` tables".to_owned());
        Err(self.error(offset, format!("unknown source `{key}`{hint}")))
    }

    fn model(
        &self,
        spanned: Spanned<RawModel>,
        origin: &Origin,
    ) -> Result<ModelEntry, CatalogError> {
        let model_span = spanned.span();
        let raw = spanned.into_inner();
        let at = model_span.start;
        let parse_err = |e: String| self.error(at, format!("model `{}`: {e}", raw.id));
        let kind =
            raw.kind.as_deref().map(str::parse::<ModelKind>).transpose().map_err(parse_err)?;
        let status =
            raw.status.as_deref().map(str::parse::<Status>).transpose().map_err(parse_err)?;
        let after_retirement = raw
            .after_retirement
            .as_deref()
            .map(str::parse::<AfterRetirement>)
            .transpose()
            .map_err(parse_err)?;
        let documented = start_is_documented(raw.start.as_deref()).map_err(parse_err)?;
        if documented.is_some() && raw.valid_from.is_none() {
            return Err(parse_err(
                "`start` describes `valid_from`, which the model does not set".into(),
            ));
        }
        let defaults = Defaults {
            validity: Validity {
                from: raw.valid_from.map(|d| d.0),
                until: raw.valid_until.map(|d| d.0),
                documented_start: documented.unwrap_or(false),
            },
            source: raw.source.clone(),
        };
        let currency = match &raw.credits {
            None => CurrencyRule::Usd,
            Some(c) => CurrencyRule::Credits {
                usd_per_credit: c.usd_per_credit,
                source: self.source(
                    c.source.as_deref().or(defaults.source.as_deref()),
                    at,
                    "`credits`",
                )?,
            },
        };
        let mut line_spans = Vec::with_capacity(raw.prices.len());
        let mut lines = Vec::with_capacity(raw.prices.len());
        for line in raw.prices {
            line_spans.push(line.span());
            lines.push(self.line(line, &defaults, currency.is_credits())?);
        }
        let mut rule_spans = Vec::new();
        let mut long_context = Vec::new();
        for rule in raw.long_context {
            rule_spans.push(rule.span());
            long_context.push(self.long_context(rule, &defaults)?);
        }
        let mut batch_spans = Vec::new();
        let mut batch = Vec::new();
        for rule in raw.batch {
            batch_spans.push(rule.span());
            batch.push(self.batch(rule, &defaults)?);
        }
        let audio_rates = match raw.audio_rates {
            None => None,
            Some(r) => Some(AudioRates {
                input_tokens_per_minute: r.input_tokens_per_minute,
                output_tokens_per_minute: r.output_tokens_per_minute,
                source: self.source(
                    r.source.as_deref().or(defaults.source.as_deref()),
                    at,
                    "`audio_rates`",
                )?,
            }),
        };
        let entry = ModelEntry {
            name: raw
                .name
                .unwrap_or_else(|| raw.id.split_once('/').map_or(&*raw.id, |(_, m)| m).to_owned()),
            id: raw.id,
            kind: kind.unwrap_or_default(),
            status: status.unwrap_or_default(),
            retired_on: raw.retired_on.map(|d| d.0),
            successor: raw.successor,
            after_retirement: after_retirement.unwrap_or_default(),
            tokenizer: raw.tokenizer,
            note: raw.note,
            currency,
            lines,
            long_context,
            batch,
            audio_rates,
            origin: origin.clone(),
        };
        validate(&entry).map_err(|e| {
            let offset = match e.locus {
                Locus::Model => at,
                Locus::Line(i) => line_spans.get(i).map_or(at, |s| s.start),
                Locus::LongContext(i) => rule_spans.get(i).map_or(at, |s| s.start),
                Locus::Batch(i) => batch_spans.get(i).map_or(at, |s| s.start),
            };
            self.error(offset, format!("model `{}`: {}", entry.id, e.message))
        })?;
        Ok(entry)
    }

    fn line(
        &self,
        spanned: Spanned<RawLine>,
        defaults: &Defaults,
        credits: bool,
    ) -> Result<LineEntry, CatalogError> {
        let at = spanned.span().start;
        let raw = spanned.into_inner();
        let unit: PriceUnit = raw.unit.parse().map_err(|e: String| self.error(at, e))?;
        let amount = match (raw.usd, raw.credits, credits) {
            (Some(usd), None, false) => usd,
            (None, Some(c), true) => c,
            (Some(_), _, true) => {
                return Err(self
                    .error(at, "this model is priced in credits: write `credits = …`, not `usd`"));
            }
            (_, Some(_), false) => {
                return Err(self.error(
                    at,
                    "`credits` needs the model's `credits = { usd_per_credit = … }`; write `usd = …` for dollar prices",
                ));
            }
            (None, None, _) => return Err(self.error(at, "a price needs an amount: `usd = …`")),
        };
        Ok(LineEntry {
            unit,
            variant: Variant {
                size: raw.size,
                quality: raw.quality,
                resolution: raw.resolution,
                audio: raw.audio,
            },
            amount,
            validity: self.validity(defaults, raw.valid_from, raw.valid_until, raw.start, at)?,
            source: self.source(
                raw.source.as_deref().or(defaults.source.as_deref()),
                at,
                "the price",
            )?,
            note: raw.note,
        })
    }

    fn long_context(
        &self,
        spanned: Spanned<RawLongContext>,
        defaults: &Defaults,
    ) -> Result<LongContextRule, CatalogError> {
        let at = spanned.span().start;
        let raw = spanned.into_inner();
        let prices = [
            ("input_token", raw.input_token),
            ("output_token", raw.output_token),
            ("cache_read_token", raw.cache_read_token),
            ("cache_write_5m_token", raw.cache_write_5m_token),
            ("cache_write_1h_token", raw.cache_write_1h_token),
        ];
        let mode = match raw.mode.as_deref().unwrap_or("tier") {
            "tier" => {
                let (Some(input), Some(output)) = (raw.input_token, raw.output_token) else {
                    return Err(self.error(
                        at,
                        "a `tier` long-context rule needs `input_token` and `output_token` (or `mode = \"reject\"` for prompts the provider refuses)",
                    ));
                };
                LongContextMode::Tier(TierPrices {
                    input,
                    output,
                    cache_read: raw.cache_read_token,
                    cache_write_5m: raw.cache_write_5m_token,
                    cache_write_1h: raw.cache_write_1h_token,
                })
            }
            "reject" => {
                if let Some((name, _)) = prices.iter().find(|(_, x)| x.is_some()) {
                    return Err(self.error(
                        at,
                        format!("a `reject` long-context rule bills nothing: remove `{name}`"),
                    ));
                }
                LongContextMode::Reject
            }
            other => {
                return Err(self.error(
                    at,
                    format!(
                        "unknown long-context mode `{other}`; expected \"tier\" (billed at tier prices) or \"reject\" (the provider refuses the request)"
                    ),
                ));
            }
        };
        Ok(LongContextRule {
            above: raw.above,
            mode,
            validity: self.validity(defaults, raw.valid_from, raw.valid_until, raw.start, at)?,
            source: self.source(
                raw.source.as_deref().or(defaults.source.as_deref()),
                at,
                "the long-context rule",
            )?,
            note: raw.note,
        })
    }

    fn batch(
        &self,
        spanned: Spanned<RawBatch>,
        defaults: &Defaults,
    ) -> Result<BatchRule, CatalogError> {
        let at = spanned.span().start;
        let raw = spanned.into_inner();
        Ok(BatchRule {
            share: raw.share,
            validity: self.validity(defaults, raw.valid_from, raw.valid_until, raw.start, at)?,
            source: self.source(
                raw.source.as_deref().or(defaults.source.as_deref()),
                at,
                "the batch rule",
            )?,
            note: raw.note,
        })
    }

    /// The dates of a line or rule: its own, else the model's. A line that
    /// inherits `valid_from` inherits its provenance (`start`) too.
    fn validity(
        &self,
        defaults: &Defaults,
        from: Option<RawDate>,
        until: Option<RawDate>,
        start: Option<String>,
        at: usize,
    ) -> Result<Validity, CatalogError> {
        let documented = start_is_documented(start.as_deref()).map_err(|e| self.error(at, e))?;
        let documented_start = match (from.is_some(), documented) {
            (_, Some(d)) => d,
            (true, None) => false,
            (false, None) => defaults.validity.documented_start,
        };
        let from = from.map(|d| d.0).or(defaults.validity.from);
        if documented_start && from.is_none() {
            return Err(self.error(at, "`start = \"documented\"` needs a `valid_from`"));
        }
        Ok(Validity {
            from,
            until: until.map(|d| d.0).or(defaults.validity.until),
            documented_start,
        })
    }

    fn tokenizer(
        &self,
        key: String,
        spanned: Spanned<RawTokenizer>,
    ) -> Result<TokenizerFamily, CatalogError> {
        let at = spanned.span().start;
        let raw = spanned.into_inner();
        let relative = match (raw.reference, raw.ratio) {
            (None, None) => None,
            (Some(reference), Some(ratio)) => {
                if !(ratio.is_finite() && ratio > 0.0) {
                    return Err(self.error(
                        at,
                        format!("tokenizer `{key}`: ratio must be a positive number, not {ratio}"),
                    ));
                }
                if reference == key {
                    return Err(
                        self.error(at, format!("tokenizer `{key}` cannot be its own reference"))
                    );
                }
                let source = self.source(
                    raw.source.as_deref(),
                    at,
                    &format!("the ratio of tokenizer `{key}`"),
                )?;
                Some(TokenizerRatio { reference, ratio, source })
            }
            (Some(_), None) => {
                return Err(self.error(
                    at,
                    format!("tokenizer `{key}` names a `reference` without a `ratio`"),
                ));
            }
            (None, Some(_)) => {
                return Err(self.error(
                    at,
                    format!(
                        "tokenizer `{key}` has a `ratio` but no `reference` family it is relative to"
                    ),
                ));
            }
        };
        Ok(TokenizerFamily { key, name: raw.name, relative, note: raw.note })
    }

    fn preset(&self, spanned: Spanned<RawPreset>) -> Result<PresetEntry, CatalogError> {
        let at = spanned.span().start;
        let raw = spanned.into_inner();
        let source = self.source(Some(&raw.source), at, "the wallet preset")?;
        for (name, x) in [
            ("credit_usd", raw.credit_usd),
            ("fee_percent", raw.fee_percent),
            ("fee_min", raw.fee_min),
            ("usage_fee_percent", raw.usage_fee_percent),
            ("usage_fee_free_requests_per_month", raw.usage_fee_free_requests_per_month),
        ] {
            if !(x.is_finite() && x >= 0.0) {
                return Err(self.error(
                    at,
                    format!("wallet preset `{}`: {name} must be a non-negative number", raw.name),
                ));
            }
        }
        if raw.credit_usd <= 0.0 {
            return Err(self
                .error(at, format!("wallet preset `{}`: credit_usd must be positive", raw.name)));
        }
        Ok(PresetEntry {
            preset: WalletPreset {
                name: raw.name,
                credit_usd: raw.credit_usd,
                fee_percent: raw.fee_percent,
                fee_min: raw.fee_min,
                usage_fee_percent: raw.usage_fee_percent,
                usage_fee_free_requests_per_month: raw.usage_fee_free_requests_per_month,
                usage_fee_free_requests_since: raw.usage_fee_free_requests_since.map(|d| d.0),
                source: source.citation(),
            },
            source,
            note: raw.note,
        })
    }

    fn route(&self, spanned: Spanned<RawRoute>) -> Result<Route, CatalogError> {
        let at = spanned.span().start;
        let raw = spanned.into_inner();
        if raw.prefix.is_empty() || raw.prefix.contains('/') {
            return Err(self
                .error(at, format!("route prefix `{}` must be one word without `/`", raw.prefix)));
        }
        Ok(Route {
            source: self.source(Some(&raw.source), at, "the route")?,
            prefix: raw.prefix,
            note: raw.note,
        })
    }
}

/// What lines and rules inherit from their model.
struct Defaults {
    validity: Validity,
    source: Option<String>,
}

/// `start = "documented"` → `Some(true)`, `"actual"` → `Some(false)`.
fn start_is_documented(start: Option<&str>) -> Result<Option<bool>, String> {
    match start {
        None => Ok(None),
        Some("documented") => Ok(Some(true)),
        Some("actual") => Ok(Some(false)),
        Some(other) => Err(format!(
            "unknown start `{other}`; expected \"documented\" (valid_from is the earliest day a source documents the price) or \"actual\" (the day it started)"
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    sources: BTreeMap<String, Spanned<RawSource>>,
    #[serde(default)]
    model: Vec<Spanned<RawModel>>,
    #[serde(default)]
    wallet_preset: Vec<Spanned<RawPreset>>,
    #[serde(default)]
    route: Vec<Spanned<RawRoute>>,
    #[serde(default)]
    tokenizers: BTreeMap<String, Spanned<RawTokenizer>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTokenizer {
    name: String,
    reference: Option<String>,
    ratio: Option<f64>,
    source: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: String,
    url: Option<String>,
    read: Option<RawDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    id: String,
    name: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    retired_on: Option<RawDate>,
    successor: Option<String>,
    after_retirement: Option<String>,
    tokenizer: Option<String>,
    note: Option<String>,
    valid_from: Option<RawDate>,
    valid_until: Option<RawDate>,
    start: Option<String>,
    source: Option<String>,
    credits: Option<RawCredits>,
    prices: Vec<Spanned<RawLine>>,
    #[serde(default)]
    long_context: Vec<Spanned<RawLongContext>>,
    #[serde(default)]
    batch: Vec<Spanned<RawBatch>>,
    audio_rates: Option<RawAudioRates>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredits {
    usd_per_credit: f64,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    unit: String,
    usd: Option<f64>,
    credits: Option<f64>,
    size: Option<String>,
    quality: Option<String>,
    resolution: Option<String>,
    audio: Option<bool>,
    valid_from: Option<RawDate>,
    valid_until: Option<RawDate>,
    start: Option<String>,
    source: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLongContext {
    above: f64,
    mode: Option<String>,
    input_token: Option<f64>,
    output_token: Option<f64>,
    cache_read_token: Option<f64>,
    cache_write_5m_token: Option<f64>,
    cache_write_1h_token: Option<f64>,
    valid_from: Option<RawDate>,
    valid_until: Option<RawDate>,
    start: Option<String>,
    source: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBatch {
    share: f64,
    valid_from: Option<RawDate>,
    valid_until: Option<RawDate>,
    start: Option<String>,
    source: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudioRates {
    input_tokens_per_minute: f64,
    output_tokens_per_minute: f64,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPreset {
    name: String,
    #[serde(default = "one")]
    credit_usd: f64,
    #[serde(default)]
    fee_percent: f64,
    #[serde(default)]
    fee_min: f64,
    #[serde(default)]
    usage_fee_percent: f64,
    #[serde(default)]
    usage_fee_free_requests_per_month: f64,
    usage_fee_free_requests_since: Option<RawDate>,
    source: String,
    note: Option<String>,
}

fn one() -> f64 {
    1.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    prefix: String,
    source: String,
    note: Option<String>,
}

/// A date written as a TOML date (`2026-11-30`) or a string (`"2026-11-30"`).
struct RawDate(Date);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(s) => s.parse().map(RawDate).map_err(D::Error::custom),
            toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day)
                    .map(RawDate)
                    .map_err(D::Error::custom),
                _ => Err(D::Error::custom(format!("`{dt}` is not a plain date (YYYY-MM-DD)"))),
            },
            other => Err(D::Error::custom(format!(
                "expected a date (YYYY-MM-DD), found a {}",
                other.type_str()
            ))),
        }
    }
}
