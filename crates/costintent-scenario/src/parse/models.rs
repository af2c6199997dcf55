//! `[models."id"]` tables and the resolution of `model` ids to prices.
//!
//! A table whose id the catalog knows overrides that model: it starts from
//! the catalog's prices on the scenario's price date and replaces only the
//! keys it gives. Any other id is a model of the user's own. Either way the
//! result has `Origin::Scenario` and every price it set carries the
//! scenario file as its source.

use std::collections::BTreeMap;
use std::ops::Range;

use super::ctx::{Annotate as _, Ctx, suggest};
use super::table::{self, Node, Table};
use super::values::{Unit, check_domain, check_magnitude};
use crate::catalog::{Catalog, LookupError};
use crate::date::Date;
use crate::limits;
use crate::model::Domain;
use crate::prices::{AudioPrice, Currency, LongContext, ModelPrice, Origin, PriceLine};

/// The keys of a `[models."id"]` table.
pub(super) const MODEL_KEYS: &[&str] = &[
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
    "reasoning_per_mtok",
    "batch_discount",
    "per_request",
    "per_image",
    "per_video_second",
    "per_task",
    "long_context",
    "audio",
];

pub(super) const LONG_CONTEXT_KEYS: &[&str] = &[
    "above",
    "input_per_mtok",
    "output_per_mtok",
    "cache_read_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
];

pub(super) const AUDIO_KEYS: &[&str] = &[
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "input_tokens_per_minute",
    "output_tokens_per_minute",
];

/// Where in a [`ModelPrice`] a price key is stored.
type PriceField = fn(&mut ModelPrice) -> &mut Option<f64>;

/// The models a scenario file prices itself.
#[derive(Debug, Default)]
pub(super) struct ScenarioModels {
    entries: BTreeMap<String, ScenarioModel>,
}

#[derive(Debug)]
struct ScenarioModel {
    /// The `[models."id"]` header (or inline table) to point warnings at.
    span: Range<usize>,
    /// `None` when the table had errors (already reported).
    price: Option<ModelPrice>,
    used: bool,
}

/// Everything model resolution needs besides the diagnostics sink.
#[derive(Clone, Copy, Debug)]
pub(super) struct Pricing<'a> {
    pub(super) catalog: &'a Catalog,
    /// `None` when `scenario.prices` was invalid (already reported).
    pub(super) date: Option<Date>,
    /// The scenario file's name, for price sources.
    pub(super) file: &'a str,
}

impl ScenarioModels {
    /// Parses the top-level `models` table.
    pub(super) fn parse(ctx: &mut Ctx, node: &Node<'_>, pricing: Pricing<'_>) -> Self {
        let mut models = Self::default();
        let Some(t) =
            table::table(ctx, node, "models", "a table of `[models.\"provider/model\"]` tables")
        else {
            return models;
        };
        for (key, value) in t.map.iter() {
            let id: &str = key.get_ref();
            let price = model_table(ctx, id, value, pricing);
            let span = value.span();
            models.entries.insert(id.to_owned(), ScenarioModel { span, price, used: false });
        }
        models
    }

    /// The prices of `id`, from the file or the catalog; an unknown id, or one
    /// the catalog does not price on the date, is an error at `span`.
    pub(super) fn resolve(
        &mut self,
        ctx: &mut Ctx,
        id: &str,
        span: Range<usize>,
        pricing: Pricing<'_>,
    ) -> Option<ModelPrice> {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.used = true;
            return entry.price.clone();
        }
        let date = pricing.date?;
        match pricing.catalog.resolve(id, date) {
            Ok(price) => {
                super::pricing::warn_documented_later(ctx, span, id, pricing);
                Some(price)
            }
            Err(LookupError::UnknownModel { suggestion }) => {
                let own = suggest(id, self.entries.keys().map(String::as_str)).map(str::to_owned);
                let catalog_ids = pricing.catalog.model_ids();
                let guess = own
                    .or(suggestion)
                    .or_else(|| suggest(id, catalog_ids.iter().copied()).map(str::to_owned));
                let help = match guess {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => format!(
                        "`costintent catalog list` shows the known models; a `[models.\"{id}\"]` table prices a model of your own"
                    ),
                };
                ctx.error(span, format!("unknown model `{id}`"))
                    .label("not in the catalog or the file")
                    .help(help);
                None
            }
            Err(LookupError::NotPricedOn { date, first, documented }) => {
                let (message, help) = match first {
                    Some(first) if documented => (
                        format!(
                            "model `{id}` has no documented price on {date}: the catalog's sources first document its prices on {first}, and what it cost before is unknown"
                        ),
                        format!(
                            "price it in a `[models.\"{id}\"]` table, or set `scenario.prices` to {first} or later"
                        ),
                    ),
                    Some(first) => (
                        format!("model `{id}` has no price on {date}"),
                        format!(
                            "its first price applies from {first}; set `scenario.prices` to that day or later"
                        ),
                    ),
                    None => (
                        format!("model `{id}` has no price on {date}"),
                        "the catalog has no price for it; price it in a `[models]` table"
                            .to_owned(),
                    ),
                };
                ctx.error(span, message).label("not priced on the price date").help(help);
                None
            }
        }
    }

    /// Whether the file prices `id` in its own `[models]` table.
    pub(super) fn defines(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    /// Warns about every `[models]` table no workload uses.
    pub(super) fn warn_unused(&self, ctx: &mut Ctx) {
        for (id, entry) in &self.entries {
            if !entry.used && entry.price.is_some() {
                ctx.warning(
                    entry.span.clone(),
                    format!("`[models.\"{id}\"]` is not used by any workload"),
                )
                .label("unused prices")
                .help(format!("remove it, or set `model = \"{id}\"` in a workload"));
            }
        }
    }
}

/// One `[models."id"]` table.
fn model_table(
    ctx: &mut Ctx,
    id: &str,
    node: &Node<'_>,
    pricing: Pricing<'_>,
) -> Option<ModelPrice> {
    let what = format!("`[models.\"{id}\"]`");
    let t = table::table(ctx, node, id, "a table of prices")?;
    t.check_keys(ctx, MODEL_KEYS, &what, &|_| None);
    let base = pricing.date.and_then(|date| pricing.catalog.resolve(id, date).ok());
    let overrides_catalog = base.is_some();
    let mut price =
        base.unwrap_or_else(|| ModelPrice { id: id.to_owned(), ..ModelPrice::default() });
    price.origin = Origin::Scenario;
    let mut setter = Setter {
        price: &mut price,
        source: format!("scenario file {}", pricing.file),
        ok: true,
        set_any: false,
    };

    let token_keys: [(&str, &str, PriceField); 6] = [
        ("input_per_mtok", "input_token", |p| &mut p.input_per_mtok),
        ("output_per_mtok", "output_token", |p| &mut p.output_per_mtok),
        ("cache_read_per_mtok", "cache_read_token", |p| &mut p.cache_read_per_mtok),
        ("cache_write_per_mtok", "cache_write_5m_token", |p| &mut p.cache_write_5m_per_mtok),
        ("cache_write_1h_per_mtok", "cache_write_1h_token", |p| &mut p.cache_write_1h_per_mtok),
        ("reasoning_per_mtok", "reasoning_token", |p| &mut p.reasoning_per_mtok),
    ];
    for (key, unit, field) in token_keys {
        setter.amount(ctx, t, key, unit, "1M tokens", field);
    }
    let unit_keys: [(&str, &str, &str, PriceField); 4] = [
        ("per_request", "request", "request", |p| &mut p.per_request),
        ("per_task", "task", "task", |p| &mut p.per_task),
        ("per_image", "image", "image", |p| &mut p.per_image),
        ("per_video_second", "video_second", "second", |p| &mut p.per_video_second),
    ];
    for (key, unit, per, field) in unit_keys {
        setter.amount(ctx, t, key, unit, per, field);
    }
    // One price for every image or second replaces the per-variant table, so
    // that an override means what it says.
    if t.has("per_image") {
        setter.price.images.clear();
        setter.price.lines.retain(|l| l.unit != "image" || l.variant.is_empty());
    }
    if t.has("per_video_second") {
        setter.price.video.clear();
        setter.price.lines.retain(|l| l.unit != "video_second" || l.variant.is_empty());
    }
    if let Some(node) = t.get("batch_discount") {
        setter.set_any = true;
        match table::number(ctx, node, "batch_discount") {
            Some(x)
                if check_domain(ctx, node, "batch_discount", x, Domain::Probability).is_some() =>
            {
                setter.price.batch_discount = Some(x);
            }
            _ => setter.ok = false,
        }
    }
    if let Some(node) = t.get("long_context") {
        setter.set_any = true;
        setter.ok &= long_context(ctx, node, &mut setter).is_some();
    }
    if let Some(node) = t.get("audio") {
        setter.set_any = true;
        setter.ok &= audio(ctx, node, &mut setter).is_some();
    }
    let (ok, set_any) = (setter.ok, setter.set_any);
    if !set_any {
        if overrides_catalog {
            ctx.warning(t.span(), format!("{what} changes no price of the catalog model"))
                .label("empty override");
        } else {
            ctx.error(t.span(), format!("{what} sets no price"))
                .label("no prices")
                .help("give at least one price, for example `input_per_mtok = 0.20` and `output_per_mtok = 0.80`");
            return None;
        }
    }
    ok.then_some(price)
}

/// Writes prices given in USD into a [`ModelPrice`], in its currency, with a line each.
struct Setter<'p> {
    price: &'p mut ModelPrice,
    source: String,
    ok: bool,
    set_any: bool,
}

impl Setter<'_> {
    /// Reads `key` (a non-negative USD amount) and stores it in `field`.
    fn amount(
        &mut self,
        ctx: &mut Ctx,
        t: Table<'_, '_>,
        key: &str,
        unit: &str,
        per: &str,
        field: PriceField,
    ) {
        let Some(usd) = self.usd(ctx, t, key) else { return };
        let amount = self.line(unit, "", per, usd);
        *field(self.price) = Some(amount);
    }

    /// A non-negative USD price at `key` within [`limits::UNIT_PRICE_USD`],
    /// if present and valid.
    fn usd(&mut self, ctx: &mut Ctx, t: Table<'_, '_>, key: &str) -> Option<f64> {
        let node = t.get(key)?;
        self.set_any = true;
        let x = table::number(ctx, node, key).and_then(|x| {
            check_domain(ctx, node, key, x, Domain::NonNegative)?;
            check_magnitude(ctx, node, key, Unit::Plain, limits::UNIT_PRICE_USD)?;
            Some(x)
        });
        self.ok &= x.is_some();
        x
    }

    /// Records the provenance line of a USD price and returns the amount in
    /// the model's currency (a credit-priced catalog model stays in credits).
    fn line(&mut self, unit: &str, variant: &str, per: &str, usd: f64) -> f64 {
        let (amount, credits) = match self.price.currency {
            Currency::Usd => (usd, None),
            Currency::Credits { usd_per_credit } => {
                (usd / usd_per_credit, Some(usd / usd_per_credit))
            }
        };
        self.price.lines.retain(|l| !(l.unit == unit && l.variant == variant));
        self.price.lines.push(PriceLine {
            unit: unit.to_owned(),
            variant: variant.to_owned(),
            usd,
            credits,
            per: per.to_owned(),
            valid_from: None,
            valid_until: None,
            source: self.source.clone(),
        });
        amount
    }
}

fn long_context(ctx: &mut Ctx, node: &Node<'_>, setter: &mut Setter<'_>) -> Option<()> {
    let t = table::table(
        ctx,
        node,
        "long_context",
        "a table `{ above, input_per_mtok, output_per_mtok }`",
    )?;
    t.check_keys(ctx, LONG_CONTEXT_KEYS, "`long_context`", &|_| None);
    let base = setter.price.long_context.clone();
    let above = match t.get("above") {
        Some(n) => {
            let x = table::number(ctx, n, "above")?;
            check_domain(ctx, n, "above", x, Domain::Positive)?;
            check_magnitude(ctx, n, "above", Unit::Plain, limits::TOKENS)?;
            Some(x)
        }
        None => base.as_ref().map(|b| b.above),
    };
    let Some(above) = above else {
        t.require(ctx, "above", "`long_context`");
        return None;
    };
    let variant = format!("context_above={above}");
    // A new threshold moves the inherited tier prices with it, keeping their sources.
    if let Some(b) = &base
        && b.above != above
    {
        let old = format!("context_above={}", b.above);
        for line in setter.price.lines.iter_mut().filter(|l| l.variant == old) {
            line.variant.clone_from(&variant);
        }
    }
    let mut read = |ctx: &mut Ctx, key: &str, unit: &str| -> Option<Option<f64>> {
        if !t.has(key) {
            return Some(None);
        }
        let usd = setter.usd(ctx, t, key)?;
        Some(Some(setter.line(unit, &variant, "1M tokens", usd)))
    };
    let input =
        read(ctx, "input_per_mtok", "input_token")?.or(base.as_ref().map(|b| b.input_per_mtok));
    let output =
        read(ctx, "output_per_mtok", "output_token")?.or(base.as_ref().map(|b| b.output_per_mtok));
    let cache_read = read(ctx, "cache_read_per_mtok", "cache_read_token")?
        .or(base.as_ref().and_then(|b| b.cache_read_per_mtok));
    let write_5m = read(ctx, "cache_write_per_mtok", "cache_write_5m_token")?
        .or(base.as_ref().and_then(|b| b.cache_write_5m_per_mtok));
    let write_1h = read(ctx, "cache_write_1h_per_mtok", "cache_write_1h_token")?
        .or(base.as_ref().and_then(|b| b.cache_write_1h_per_mtok));
    let (Some(input_per_mtok), Some(output_per_mtok)) = (input, output) else {
        let missing = if input.is_none() { "input_per_mtok" } else { "output_per_mtok" };
        t.require(ctx, missing, "`long_context`");
        return None;
    };
    setter.price.long_context = Some(LongContext {
        above,
        input_per_mtok,
        output_per_mtok,
        cache_read_per_mtok: cache_read,
        cache_write_5m_per_mtok: write_5m,
        cache_write_1h_per_mtok: write_1h,
    });
    Some(())
}

fn audio(ctx: &mut Ctx, node: &Node<'_>, setter: &mut Setter<'_>) -> Option<()> {
    let t = table::table(ctx, node, "audio", "a table of audio prices")?;
    t.check_keys(ctx, AUDIO_KEYS, "`audio`", &|_| None);
    let base = setter.price.audio.clone();
    let mut price = |ctx: &mut Ctx, key: &str, unit: &str| -> Option<Option<f64>> {
        if !t.has(key) {
            return Some(None);
        }
        let usd = setter.usd(ctx, t, key)?;
        Some(Some(setter.line(unit, "", "1M tokens", usd)))
    };
    let input = price(ctx, "input_per_mtok", "audio_input_token")?
        .or(base.as_ref().map(|b| b.input_per_mtok));
    let output = price(ctx, "output_per_mtok", "audio_output_token")?
        .or(base.as_ref().map(|b| b.output_per_mtok));
    let cached = price(ctx, "cached_input_per_mtok", "audio_cache_read_token")?
        .or(base.as_ref().and_then(|b| b.cached_input_per_mtok));
    let rate = |ctx: &mut Ctx, key: &str| -> Option<Option<f64>> {
        let Some(n) = t.get(key) else { return Some(None) };
        let x = table::number(ctx, n, key)?;
        check_domain(ctx, n, key, x, Domain::Positive)?;
        check_magnitude(ctx, n, key, Unit::Plain, limits::TOKENS)?;
        Some(Some(x))
    };
    let in_rate =
        rate(ctx, "input_tokens_per_minute")?.or(base.as_ref().map(|b| b.input_tokens_per_minute));
    let out_rate = rate(ctx, "output_tokens_per_minute")?
        .or(base.as_ref().map(|b| b.output_tokens_per_minute));
    let required = [
        ("input_per_mtok", input),
        ("output_per_mtok", output),
        ("input_tokens_per_minute", in_rate),
        ("output_tokens_per_minute", out_rate),
    ];
    for (key, value) in required {
        if value.is_none() {
            t.require(ctx, key, "`audio`");
        }
    }
    setter.price.audio = Some(AudioPrice {
        input_per_mtok: input?,
        output_per_mtok: output?,
        cached_input_per_mtok: cached,
        input_tokens_per_minute: in_rate?,
        output_tokens_per_minute: out_rate?,
    });
    Some(())
}

/// The price of one image at `size` and `quality`: a per-variant price, or
/// the model's single per-image price. On failure, says what is priced.
pub(super) fn image_price(price: &ModelPrice, size: &str, quality: &str) -> Result<f64, ImageMiss> {
    if let Some(amount) = price.image_amount(size, quality) {
        return Ok(amount);
    }
    if price.images.is_empty() {
        return Err(ImageMiss::NoImagePrices);
    }
    let mut sizes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &price.images {
        sizes.entry(p.size.as_str()).or_default().push(p.quality.as_str());
    }
    let priced =
        sizes.iter().map(|(s, q)| format!("{s} ({})", q.join(", "))).collect::<Vec<_>>().join("; ");
    let size_known = sizes.contains_key(size);
    let quality_known = price.images.iter().any(|p| p.quality == quality);
    Err(ImageMiss::Variant { priced, size_known, quality_known })
}

/// Why an image price was not found.
#[derive(Debug)]
pub(super) enum ImageMiss {
    /// The model has no image prices at all.
    NoImagePrices,
    /// No price at this size and quality; `priced` lists the sizes with
    /// their qualities, and the flags say whether the size and the quality
    /// exist at all (at some other quality or size).
    Variant { priced: String, size_known: bool, quality_known: bool },
}

/// The price of one second of video at `resolution` (with or without audio):
/// a per-variant price (one without an audio flag matches both), or the
/// model's single per-second price. On failure, the priced variants.
pub(super) fn video_price(
    price: &ModelPrice,
    resolution: &str,
    audio: bool,
) -> Result<f64, Option<String>> {
    if let Some(amount) = price.video_amount(resolution, audio) {
        return Ok(amount);
    }
    if price.video.is_empty() {
        return Err(None);
    }
    let priced = price
        .video
        .iter()
        .map(|p| match p.audio {
            None => p.resolution.clone(),
            Some(true) => format!("{} with audio", p.resolution),
            Some(false) => format!("{} without audio", p.resolution),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Err(Some(priced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prices::{ImagePrice, VideoPrice};

    fn image(size: &str, quality: &str, amount: f64) -> ImagePrice {
        ImagePrice { size: size.to_owned(), quality: quality.to_owned(), amount }
    }

    #[test]
    fn image_prices_match_size_and_quality() {
        let price = ModelPrice {
            images: vec![
                image("1024x1024", "low", 0.011),
                image("1024x1024", "medium", 0.042),
                image("1024x1536", "high", 0.25),
            ],
            ..ModelPrice::default()
        };
        assert_eq!(image_price(&price, "1024x1024", "medium").ok(), Some(0.042));
        let Err(ImageMiss::Variant { priced, size_known: true, quality_known: true }) =
            image_price(&price, "1024x1024", "high")
        else {
            panic!("size and quality priced, not together")
        };
        assert_eq!(priced, "1024x1024 (low, medium); 1024x1536 (high)");
        assert!(matches!(
            image_price(&price, "512x512", "low"),
            Err(ImageMiss::Variant { size_known: false, quality_known: true, .. })
        ));
        assert!(matches!(
            image_price(&price, "banana", "ultra-mega"),
            Err(ImageMiss::Variant { size_known: false, quality_known: false, .. })
        ));
        let flat = ModelPrice { per_image: Some(0.04), ..price };
        assert_eq!(image_price(&flat, "512x512", "low").ok(), Some(0.04));
        assert!(matches!(
            image_price(&ModelPrice::default(), "a", "b"),
            Err(ImageMiss::NoImagePrices)
        ));
    }

    #[test]
    fn video_prices_match_resolution_and_audio() {
        let video = |resolution: &str, audio: Option<bool>, amount: f64| VideoPrice {
            resolution: resolution.to_owned(),
            audio,
            amount,
        };
        let price = ModelPrice {
            video: vec![video("720p", None, 0.30), video("1024p", Some(true), 0.50)],
            ..ModelPrice::default()
        };
        // An entry without an audio flag prices both.
        assert_eq!(video_price(&price, "720p", true), Ok(0.30));
        assert_eq!(video_price(&price, "720p", false), Ok(0.30));
        assert_eq!(video_price(&price, "1024p", true), Ok(0.50));
        assert_eq!(
            video_price(&price, "1024p", false),
            Err(Some("720p, 1024p with audio".to_owned()))
        );
        assert_eq!(video_price(&ModelPrice::default(), "720p", false), Err(None));
    }
}
