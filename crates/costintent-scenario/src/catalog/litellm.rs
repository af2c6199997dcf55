//! Importing LiteLLM's `model_prices_and_context_window.json`.
//!
//! LiteLLM keeps one current price per key, in USD per unit (per token, per
//! image, per second), with no dates. The importer maps what costintent can
//! simulate and accounts for everything else:
//!
//! - token prices ×1e6 become per-1M lines: input, output, reasoning, cache
//!   read, cache write (`cache_creation_input_token_cost` is the 5-minute
//!   write, `…_above_1hr` the 1-hour write) and audio tokens;
//! - `*_above_<N>k_tokens` prices become the whole-request long-context
//!   rule (the lowest complete tier; LiteLLM applies the tier to the whole
//!   request, like the providers);
//! - `*_batches` prices become the batch discount;
//! - `output_cost_per_image` and, for image-generation entries,
//!   `input_cost_per_image` become per-image lines (LiteLLM files OpenAI's
//!   per-image output prices under `input_cost_per_image`, on keys such as
//!   `high/1024-x-1536/gpt-image-1`, which are merged into the base model
//!   as `size` and `quality` variants);
//! - `output_cost_per_second` and `output_cost_per_video_per_second` of
//!   video-generation entries, with an optional `_<resolution>` suffix,
//!   become per-second video lines;
//! - `input_cost_per_request` becomes a per-request fee, and
//!   `deprecation_date` the retirement day.
//!
//! Any other field whose name mentions a cost, a pricing or a multiplier
//! (per-pixel and per-character prices, service tiers, search fees…) is not
//! imported and is counted in [`ImportReport::dropped_fields`]; an entry left
//! with no price at all is skipped with its reason. Other fields are
//! metadata (`mode`, `max_tokens`, `supports_*`…) and are ignored.
//!
//! Imported ids are `<litellm_provider>/<key without its provider prefix>`.
//! Imported prices have no dates and apply on any day.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::entry::{
    AfterRetirement, BatchRule, CurrencyRule, LineEntry, LongContextMode, LongContextRule,
    ModelEntry, ModelKind, Source, Status, TierPrices, Validity, Variant,
};
use super::error::CatalogError;
use super::import::{Collector, ImportFormat, ImportReport, json_type, parse_json, round};
use super::unit::PriceUnit;
use super::validate::validate;
use crate::date::Date;
use crate::prices::Origin;

/// Imports LiteLLM's JSON; errors only for text that is not a JSON object.
pub(crate) fn import(
    json_text: &str,
    file_name: &str,
    read: Option<Date>,
) -> Result<(Vec<ModelEntry>, ImportReport), CatalogError> {
    let root = parse_json(json_text, file_name)?;
    let Value::Object(root) = root else {
        return Err(CatalogError::whole(
            file_name,
            "expected a JSON object mapping model names to prices",
        ));
    };
    let source = Source {
        key: "litellm".to_owned(),
        title: format!("LiteLLM model_prices_and_context_window.json ({file_name})"),
        url: None,
        read,
    };
    let mut importer = Importer(Collector::new(file_name, ImportFormat::Litellm, source));
    importer.report.entries = root.len();
    let mut variants = Vec::new();
    for (key, value) in &root {
        if let Some(variant) = importer.entry(key, value) {
            variants.push(variant);
        }
    }
    // Per-size image entries join their base model once every base is in.
    for variant in variants {
        importer.image_variant(variant);
    }
    Ok(importer.0.finish())
}

/// A per-size image entry waiting for its base model.
struct ImageVariant<'a> {
    key: &'a str,
    id: String,
    size: String,
    quality: String,
    fields: &'a Map<String, Value>,
}

/// The LiteLLM mapping on top of the shared collector.
struct Importer(Collector);

impl std::ops::Deref for Importer {
    type Target = Collector;

    fn deref(&self) -> &Collector {
        &self.0
    }
}

impl std::ops::DerefMut for Importer {
    fn deref_mut(&mut self) -> &mut Collector {
        &mut self.0
    }
}

impl Importer {
    /// Imports one entry, or returns it for the second pass when it is a
    /// per-size image price.
    fn entry<'a>(&mut self, key: &'a str, value: &'a Value) -> Option<ImageVariant<'a>> {
        if key == "sample_spec" {
            self.skip(
                key,
                "sample_spec",
                Some("LiteLLM's documentation of the fields, not a model".into()),
            );
            return None;
        }
        if crate::text::first_unsafe(key).is_some() {
            // Its id would carry the character into catalogs, lists and terminals.
            self.skip(key, "control characters in the key", None);
            return None;
        }
        let Value::Object(fields) = value else {
            self.skip(key, "not a model entry", Some(format!("the value is {}", json_type(value))));
            return None;
        };
        let Some(provider) = fields.get("litellm_provider").and_then(Value::as_str) else {
            self.skip(key, "no litellm_provider", None);
            return None;
        };
        let parts = match split_key(key, provider) {
            Ok(parts) => parts,
            Err(qualifier) => {
                self.skip(key, "unsupported qualifier", Some(format!("`{qualifier}` in the key")));
                return None;
            }
        };
        let id = format!("{provider}/{}", parts.model);
        if let Some(size) = parts.size {
            let quality = parts.quality.unwrap_or_else(|| "standard".to_owned());
            return Some(ImageVariant { key, id, size, quality, fields });
        }
        let entry = self.model(key, &id, fields)?;
        self.insert(key, entry);
        None
    }

    /// The catalog entry for one LiteLLM entry, or `None` (skipped) when it
    /// has no price costintent can use.
    fn model(&mut self, key: &str, id: &str, fields: &Map<String, Value>) -> Option<ModelEntry> {
        let mode = fields.get("mode").and_then(Value::as_str).unwrap_or("");
        let kind = match mode {
            "image_generation" | "image_edit" => ModelKind::Image,
            "video_generation" => ModelKind::Video,
            "realtime" => ModelKind::Realtime,
            _ => ModelKind::Text,
        };
        let mut lines: Vec<LineEntry> = Vec::new();
        let mut tiers: BTreeMap<u64, Vec<(&str, TierField, f64)>> = BTreeMap::new();
        let mut batches: Vec<(&str, f64)> = Vec::new();
        let mut dropped: Vec<String> = Vec::new();
        let mut retired_on = None;
        let has_audio_read = fields.contains_key("cache_read_input_audio_token_cost");
        let has_output_image = fields.contains_key("output_cost_per_image");
        for (name, value) in fields {
            let name = name.as_str();
            if name == "deprecation_date" {
                match value.as_str().and_then(|s| s.parse::<Date>().ok()) {
                    Some(day) => retired_on = Some(day),
                    None => dropped.push("deprecation_date (not a YYYY-MM-DD date)".to_owned()),
                }
                continue;
            }
            if !is_price_field(name) {
                continue;
            }
            let amount = match value {
                Value::Null => continue,
                Value::Number(n) => match n.as_f64() {
                    Some(x) => x,
                    None => {
                        dropped.push(format!("{name} (not a number)"));
                        continue;
                    }
                },
                _ => {
                    dropped.push(name.to_owned());
                    continue;
                }
            };
            let per_mtok = round(amount * 1e6);
            let unit = match name {
                "input_cost_per_token" => Some((PriceUnit::InputToken, per_mtok)),
                "output_cost_per_token" => Some((PriceUnit::OutputToken, per_mtok)),
                "output_cost_per_reasoning_token" => Some((PriceUnit::ReasoningToken, per_mtok)),
                "cache_read_input_token_cost" => Some((PriceUnit::CacheReadToken, per_mtok)),
                "cache_creation_input_token_cost" => Some((PriceUnit::CacheWrite5mToken, per_mtok)),
                "cache_creation_input_token_cost_above_1hr" => {
                    Some((PriceUnit::CacheWrite1hToken, per_mtok))
                }
                "input_cost_per_audio_token" => Some((PriceUnit::AudioInputToken, per_mtok)),
                "output_cost_per_audio_token" => Some((PriceUnit::AudioOutputToken, per_mtok)),
                "cache_read_input_audio_token_cost" => {
                    Some((PriceUnit::AudioCacheReadToken, per_mtok))
                }
                // LiteLLM files OpenAI's cached audio input price of
                // gpt-realtime here; OpenAI bills no audio cache writes.
                "cache_creation_input_audio_token_cost" if !has_audio_read => {
                    Some((PriceUnit::AudioCacheReadToken, per_mtok))
                }
                "input_cost_per_request" => Some((PriceUnit::Request, round(amount))),
                "output_cost_per_image" => Some((PriceUnit::Image, round(amount))),
                "input_cost_per_image" if kind == ModelKind::Image && !has_output_image => {
                    Some((PriceUnit::Image, round(amount)))
                }
                _ => None,
            };
            if let Some((unit, amount)) = unit {
                lines.push(self.line(unit, Variant::default(), amount));
                continue;
            }
            if kind == ModelKind::Video
                && let Some(resolution) = video_second_field(name)
            {
                let variant = Variant { resolution, ..Variant::default() };
                match lines
                    .iter()
                    .find(|l| l.unit == PriceUnit::VideoSecond && l.variant == variant)
                {
                    Some(l) if l.amount == round(amount) => {}
                    Some(_) => {
                        dropped.push(format!("{name} (a second, different per-second price)"))
                    }
                    None => lines.push(self.line(PriceUnit::VideoSecond, variant, round(amount))),
                }
                continue;
            }
            if let Some((base, above)) = tier_field(name)
                && let Some(field) = TierField::of(base)
            {
                tiers.entry(above).or_default().push((name, field, per_mtok));
                continue;
            }
            if let Some(base) = name.strip_suffix("_batches")
                && matches!(base, "input_cost_per_token" | "output_cost_per_token")
            {
                batches.push((name, amount));
                continue;
            }
            dropped.push(name.to_owned());
        }
        let long_context = self.long_context(tiers, &mut dropped);
        let batch = self.batch(fields, &batches, &mut dropped);
        for field in &dropped {
            self.drop_field(field.clone());
        }
        if lines.is_empty() {
            let (reason, detail) = if dropped.is_empty() {
                ("no price fields", None)
            } else {
                ("no supported price fields", Some(format!("has only: {}", dropped.join(", "))))
            };
            self.skip(key, reason, detail);
            return None;
        }
        let mut note = format!(
            "Imported from {} (key `{key}`). LiteLLM has no dates, so these prices apply on any date.",
            self.source.title
        );
        if lines.iter().any(|l| l.unit == PriceUnit::AudioInputToken) {
            note.push_str(
                " LiteLLM gives no audio tokens per minute; a realtime workload needs them from the embedded catalog or a [models] table.",
            );
        }
        Some(ModelEntry {
            id: id.to_owned(),
            name: key.to_owned(),
            kind,
            status: if retired_on.is_some() { Status::Deprecated } else { Status::Active },
            retired_on,
            successor: None,
            after_retirement: AfterRetirement::Rejected,
            tokenizer: None,
            note: Some(note),
            currency: CurrencyRule::Usd,
            lines,
            long_context,
            batch,
            audio_rates: None,
            origin: Origin::File(self.file.clone()),
        })
    }

    fn line(&self, unit: PriceUnit, variant: Variant, amount: f64) -> LineEntry {
        LineEntry {
            unit,
            variant,
            amount,
            validity: Validity::default(),
            source: Arc::clone(&self.source),
            note: None,
        }
    }

    /// The lowest complete tier (input and output prices given) as the
    /// long-context rule; every other tier field is reported as dropped.
    fn long_context(
        &self,
        tiers: BTreeMap<u64, Vec<(&str, TierField, f64)>>,
        dropped: &mut Vec<String>,
    ) -> Vec<LongContextRule> {
        let mut rule = None;
        for (above, fields) in tiers {
            let get = |f: TierField| fields.iter().find(|(_, g, _)| *g == f).map(|(_, _, x)| *x);
            match (rule.is_none(), get(TierField::Input), get(TierField::Output)) {
                (true, Some(input), Some(output)) => {
                    rule = Some(LongContextRule {
                        above: above as f64,
                        mode: LongContextMode::Tier(TierPrices {
                            input,
                            output,
                            cache_read: get(TierField::CacheRead),
                            cache_write_5m: get(TierField::CacheWrite5m),
                            cache_write_1h: get(TierField::CacheWrite1h),
                        }),
                        validity: Validity::default(),
                        source: Arc::clone(&self.source),
                        note: None,
                    });
                }
                (true, _, _) => dropped.extend(
                    fields
                        .iter()
                        .map(|(n, _, _)| format!("{n} (a tier without input and output prices)")),
                ),
                (false, _, _) => dropped
                    .extend(fields.iter().map(|(n, _, _)| format!("{n} (a second context tier)"))),
            }
        }
        rule.into_iter().collect()
    }

    /// The batch discount from `*_batches` prices, when the input and
    /// output discounts agree.
    fn batch(
        &self,
        fields: &Map<String, Value>,
        batches: &[(&str, f64)],
        dropped: &mut Vec<String>,
    ) -> Vec<BatchRule> {
        let mut shares = Vec::new();
        for (name, batch_price) in batches {
            let base_name = name.trim_end_matches("_batches");
            match fields.get(base_name).and_then(Value::as_f64) {
                Some(base) if base > 0.0 => shares.push((*name, round(1.0 - batch_price / base))),
                _ => dropped.push(format!("{name} (no standard price to compare with)")),
            }
        }
        let Some(&(_, share)) = shares.first() else { return Vec::new() };
        if shares.iter().any(|(_, s)| (s - share).abs() > 1e-6) {
            dropped.extend(
                shares.iter().map(|(n, _)| format!("{n} (input and output discounts differ)")),
            );
            return Vec::new();
        }
        vec![BatchRule {
            share,
            validity: Validity::default(),
            source: Arc::clone(&self.source),
            note: None,
        }]
    }

    /// Adds a per-size image price to its base model (created if missing).
    fn image_variant(&mut self, v: ImageVariant<'_>) {
        let kind_is_image =
            v.fields.get("mode").and_then(Value::as_str) == Some("image_generation");
        let price = v.fields.get("output_cost_per_image").and_then(Value::as_f64).or_else(|| {
            kind_is_image
                .then(|| v.fields.get("input_cost_per_image").and_then(Value::as_f64))
                .flatten()
        });
        let others: Vec<String> = v
            .fields
            .keys()
            .filter(|k| {
                is_price_field(k)
                    && !matches!(k.as_str(), "output_cost_per_image" | "input_cost_per_image")
            })
            .cloned()
            .collect();
        let Some(price) = price else {
            let detail = if others.is_empty() {
                None
            } else {
                Some(format!("has only: {}", others.join(", ")))
            };
            let reason =
                if others.is_empty() { "no price fields" } else { "no supported price fields" };
            self.skip(v.key, reason, detail);
            return;
        };
        for field in others {
            self.drop_field(field);
        }
        let variant =
            Variant { size: Some(v.size), quality: Some(v.quality), ..Variant::default() };
        let line = self.line(PriceUnit::Image, variant, round(price));
        if price < 0.0 || !price.is_finite() {
            self.skip(v.key, "invalid prices", Some(format!("per-image price {price}")));
            return;
        }
        let source = Arc::clone(&self.source);
        let file = self.file.clone();
        let mut model = self.models.get(&v.id).cloned().unwrap_or_else(|| ModelEntry {
            id: v.id.clone(),
            name: v.id.split_once('/').map_or(v.id.as_str(), |(_, m)| m).to_owned(),
            kind: ModelKind::Image,
            status: Status::Active,
            retired_on: None,
            successor: None,
            after_retirement: AfterRetirement::Rejected,
            tokenizer: None,
            note: Some(format!(
                "Imported from {} (per-size entries). LiteLLM has no dates, so these prices apply on any date.",
                source.title
            )),
            currency: CurrencyRule::Usd,
            lines: Vec::new(),
            long_context: Vec::new(),
            batch: Vec::new(),
            audio_rates: None,
            origin: Origin::File(file),
        });
        if let Some(existing) =
            model.lines.iter().find(|l| l.unit == PriceUnit::Image && l.variant == line.variant)
        {
            let detail = if existing.amount == line.amount {
                format!("{} {} again, same price", v.id, line.variant.describe())
            } else {
                format!(
                    "{} {} again, other price; the first was kept",
                    v.id,
                    line.variant.describe()
                )
            };
            self.skip(v.key, "duplicate variant", Some(detail));
            return;
        }
        model.lines.push(line);
        model.kind = ModelKind::Image;
        // The same invariants as every other imported entry (a key such as
        // `low/1024-x-1024/gpt image` would give an id the catalog format
        // refuses, so that the written file would not read back).
        if let Err(e) = validate(&model) {
            self.skip(v.key, "invalid prices", Some(e.message));
            return;
        }
        self.models.insert(v.id.clone(), model);
        self.report.merged_variants += 1;
    }
}

/// The parts of a LiteLLM key.
#[derive(Debug, PartialEq, Eq)]
struct KeyParts {
    model: String,
    size: Option<String>,
    quality: Option<String>,
}

/// Splits `high/1024-x-1536/gpt-image-1` into size, quality and model,
/// dropping a leading provider segment (`gemini/…`, `vertex_ai/…` for
/// `vertex_ai-video-models`). Fails on qualifiers costintent has no
/// dimension for (`50-steps`), returning the qualifier.
fn split_key(key: &str, provider: &str) -> Result<KeyParts, String> {
    let mut segments: Vec<&str> = key.split('/').collect();
    if segments.len() > 1 && is_provider_prefix(segments[0], provider) {
        segments.remove(0);
    }
    let mut size = None;
    let mut quality = None;
    let mut model = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if !last
            && let Some((w, h)) = seg.split_once("-x-")
            && is_digits(w)
            && is_digits(h)
        {
            size = Some(format!("{w}x{h}"));
            continue;
        }
        if !last && matches!(*seg, "low" | "medium" | "high" | "standard" | "hd" | "auto") {
            quality = Some((*seg).to_owned());
            continue;
        }
        if !last && (seg.ends_with("-steps") || seg.starts_with("max-steps")) {
            return Err((*seg).to_owned());
        }
        model.push(*seg);
    }
    if quality.is_some() && size.is_none() {
        // A quality without a size is part of a name we do not understand.
        return Err(quality.unwrap_or_default());
    }
    Ok(KeyParts { model: model.join("/"), size, quality })
}

fn is_provider_prefix(segment: &str, provider: &str) -> bool {
    segment == provider
        || provider
            .strip_prefix(segment)
            .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('_'))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a field is a price (as opposed to metadata such as `mode`).
fn is_price_field(name: &str) -> bool {
    name.contains("cost")
        || name.contains("pricing")
        || name.contains("multiplier")
        || name == "provider_specific_entry"
}

/// `Some(resolution)` for a per-second video output field:
/// `output_cost_per_second` → `Some(None)`, `…_1080p` → `Some(Some("1080p"))`.
fn video_second_field(name: &str) -> Option<Option<String>> {
    for base in ["output_cost_per_video_per_second", "output_cost_per_second"] {
        if name == base {
            return Some(None);
        }
        if let Some(res) = name.strip_prefix(base).and_then(|r| r.strip_prefix('_'))
            && !res.is_empty()
            && !res.contains("above")
        {
            return Some(Some(res.to_owned()));
        }
    }
    None
}

/// `("input_cost_per_token", 200000)` for `input_cost_per_token_above_200k_tokens`.
fn tier_field(name: &str) -> Option<(&str, u64)> {
    let rest = name.strip_suffix("k_tokens")?;
    let at = rest.rfind("_above_")?;
    let thousands: u64 = rest[at + "_above_".len()..].parse().ok()?;
    Some((&rest[..at], thousands * 1000))
}

/// Which price of a long-context tier a field gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TierField {
    Input,
    Output,
    CacheRead,
    CacheWrite5m,
    CacheWrite1h,
}

impl TierField {
    fn of(base: &str) -> Option<Self> {
        Some(match base {
            "input_cost_per_token" => Self::Input,
            "output_cost_per_token" => Self::Output,
            "cache_read_input_token_cost" => Self::CacheRead,
            "cache_creation_input_token_cost" => Self::CacheWrite5m,
            "cache_creation_input_token_cost_above_1hr" => Self::CacheWrite1h,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_into_size_quality_and_model() {
        assert_eq!(
            split_key("high/1024-x-1536/gpt-image-1", "openai"),
            Ok(KeyParts {
                model: "gpt-image-1".into(),
                size: Some("1024x1536".into()),
                quality: Some("high".into())
            })
        );
        assert_eq!(
            split_key("azure/low/1024-x-1024/gpt-image-1", "azure"),
            Ok(KeyParts {
                model: "gpt-image-1".into(),
                size: Some("1024x1024".into()),
                quality: Some("low".into())
            })
        );
        assert_eq!(
            split_key("vertex_ai/veo-3.0-generate-001", "vertex_ai-video-models"),
            Ok(KeyParts { model: "veo-3.0-generate-001".into(), size: None, quality: None })
        );
        assert_eq!(
            split_key("openrouter/anthropic/claude-sonnet-4.5", "openrouter"),
            Ok(KeyParts { model: "anthropic/claude-sonnet-4.5".into(), size: None, quality: None })
        );
        assert_eq!(
            split_key("1024-x-1024/50-steps/stability/sdxl", "bedrock"),
            Err("50-steps".into())
        );
    }

    #[test]
    fn tier_and_video_fields_are_recognised() {
        assert_eq!(
            tier_field("input_cost_per_token_above_200k_tokens"),
            Some(("input_cost_per_token", 200_000))
        );
        assert_eq!(
            tier_field("cache_creation_input_token_cost_above_1hr_above_200k_tokens"),
            Some(("cache_creation_input_token_cost_above_1hr", 200_000))
        );
        assert_eq!(tier_field("input_cost_per_token_above_200k_tokens_priority"), None);
        assert_eq!(video_second_field("output_cost_per_second"), Some(None));
        assert_eq!(video_second_field("output_cost_per_second_1080p"), Some(Some("1080p".into())));
        assert_eq!(video_second_field("output_cost_per_video_per_second"), Some(None));
        assert_eq!(video_second_field("input_cost_per_video_per_second"), None);
    }
}
