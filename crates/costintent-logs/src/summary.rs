//! `logs summarize`: requests, attempts, failures, retries, tokens by class
//! and cost, by model and by day, session or workload.
//!
//! Records stream through in input order and are reduced at once to a few
//! integers per (group, model, day, price class); only records that may
//! have duplicates (Claude Code lines, Gemini stream chunks) are held, one
//! compact entry (about 150 bytes, no strings) per distinct response, until
//! the end. That bounds memory by the number of distinct responses, never
//! by file size: about 40 MB per million responses.
//!
//! Cost: billed where the log has it, else the catalog price at the
//! request's day; both are reported where both exist. A record whose prompt
//! is above the limit the catalog says the provider rejects that day
//! ([`pricing::Length::AboveLimit`]) has no catalog price: a failed attempt
//! costs nothing (the catalog says it was refused unbilled), an answered one
//! contradicts the catalog and is left unpriced (its tokens counted, its
//! billed amount kept); a note says which and how many. Token sums are exact
//! integers and are priced per class at the end, and the few floating-point
//! sums (billed amounts, client estimates) run in input order, so a summary
//! is the same on any thread count.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use costintent_scenario::catalog::LookupError;
use costintent_scenario::{Catalog, Date, ModelPrice};

use crate::formats::Keyed;
use crate::models::ModelMap;
use crate::pricing::{self, Length, PriceClass, TokenSums};
use crate::record::{Attempt, Bucket, Tokens};
use crate::scan::{ImportStats, Sink};

/// What the summary is grouped by besides the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// Only by model.
    #[default]
    Model,
    /// By UTC day of the request.
    Day,
    /// By agent session or conversation.
    Session,
    /// By the record's `dims.workload` (costintent's own attempt logs), else
    /// by the source kind (`claude_code.transcript`, `openai.chat`, …).
    Workload,
}

impl GroupBy {
    /// The name `--by` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Day => "day",
            Self::Session => "session",
            Self::Workload => "workload",
        }
    }
}

/// How to summarize.
#[derive(Clone, Copy, Debug)]
pub struct SummaryOptions<'a> {
    /// Prices and model ids.
    pub catalog: &'a Catalog,
    /// Grouping besides the model.
    pub by: GroupBy,
    /// The day whose prices apply to records that carry no time (the CLI
    /// passes today).
    pub undated_prices: Date,
}

/// One row of a summary: a model, a group, or the totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Logical requests: attempts that are not retries (and not Claude Code
    /// API-error lines).
    pub requests: u64,
    /// Every attempt record.
    pub attempts: u64,
    /// Attempts that failed (error, timeout, rate limited, cancelled,
    /// filtered, expired).
    pub failures: u64,
    /// Attempts numbered above 1.
    pub retries: u64,
    /// Input tokens, cache reads and writes included.
    pub input_tokens: u64,
    /// Output tokens, reasoning included.
    pub output_tokens: u64,
    /// Cache reads (⊆ input).
    pub cache_read_tokens: u64,
    /// Cache writes (⊆ input).
    pub cache_write_tokens: u64,
    /// Reasoning (⊆ output).
    pub reasoning_tokens: u64,
    /// Tool calls the models made.
    pub tool_calls: u64,
    /// Server-side web searches (counted, not priced: the catalog has no
    /// per-search price).
    pub web_searches: u64,
    /// Billed where the log has it, else the catalog price; `None` when
    /// nothing could be priced (an unknown model without billed amounts).
    pub cost_usd: Option<f64>,
    /// Sum of the amounts the logs say were billed; `None` when no record has one.
    pub billed_usd: Option<f64>,
    /// Records with a billed amount.
    pub billed_records: u64,
    /// The catalog price of every record that can be priced.
    pub catalog_usd: Option<f64>,
    /// The catalog price of the records that also have a billed amount
    /// (to set against `billed_usd`).
    pub catalog_usd_of_billed: Option<f64>,
    /// Tools' own estimates (Claude Code `costUSD`).
    pub client_estimate_usd: Option<f64>,
    /// Attempts with neither a billed amount nor a catalog price (an
    /// unknown model, images of a size-dependent price, an answered request
    /// above the limit the catalog says the provider rejects): when above
    /// zero, `cost_usd` leaves them out.
    pub unpriced_attempts: u64,
}

fn add_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

impl Row {
    /// Adds another row.
    pub fn add(&mut self, o: &Row) {
        self.requests += o.requests;
        self.attempts += o.attempts;
        self.failures += o.failures;
        self.retries += o.retries;
        self.input_tokens += o.input_tokens;
        self.output_tokens += o.output_tokens;
        self.cache_read_tokens += o.cache_read_tokens;
        self.cache_write_tokens += o.cache_write_tokens;
        self.reasoning_tokens += o.reasoning_tokens;
        self.tool_calls += o.tool_calls;
        self.web_searches += o.web_searches;
        self.cost_usd = add_opt(self.cost_usd, o.cost_usd);
        self.billed_usd = add_opt(self.billed_usd, o.billed_usd);
        self.billed_records += o.billed_records;
        self.catalog_usd = add_opt(self.catalog_usd, o.catalog_usd);
        self.catalog_usd_of_billed = add_opt(self.catalog_usd_of_billed, o.catalog_usd_of_billed);
        self.client_estimate_usd = add_opt(self.client_estimate_usd, o.client_estimate_usd);
        self.unpriced_attempts += o.unpriced_attempts;
    }
}

/// A model's row with the names the logs gave it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelRow {
    /// The figures.
    pub row: Row,
    /// Model names as logged that mapped to this id.
    pub logged_as: Vec<String>,
}

/// Billing-export rows (buckets), summed by model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportRow {
    /// Bucket rows.
    pub rows: u64,
    /// Requests, where the export counts them.
    pub requests: Option<u64>,
    /// Input tokens (cache included).
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Cache reads.
    pub cache_read_tokens: u64,
    /// Cache writes.
    pub cache_write_tokens: u64,
    /// Amounts the export says were billed.
    pub amount_usd: Option<f64>,
}

/// The result of `logs summarize`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Files, lines, and every skipped or ignored line with its reason.
    pub stats: ImportStats,
    /// Attempt records after deduplication.
    pub records: u64,
    /// Lines dropped as duplicates of a response already counted.
    pub duplicates_dropped: u64,
    /// Everything.
    pub totals: Row,
    /// By catalog id (OpenRouter routes as `openrouter/<id>`).
    pub by_model: BTreeMap<String, ModelRow>,
    /// Models the catalog does not know, by the name logged; never priced.
    pub unknown_models: BTreeMap<String, Row>,
    /// Failed attempts that name no model (Claude Code's synthetic API-error lines, HTTP error bodies).
    pub without_model: Row,
    /// The grouping of `groups`.
    pub by: GroupBy,
    /// Rows by day, session or workload (empty when grouped by model).
    pub groups: BTreeMap<String, Row>,
    /// Billing-export rows by model (catalog id, else the name as exported).
    pub exports: BTreeMap<String, ExportRow>,
    /// What was approximated, as sentences.
    pub notes: Vec<String>,
}

/// One attempt reduced to what the summary needs.
#[derive(Clone, Debug)]
struct Compact {
    position: u64,
    group: u32,
    model: u32,
    day: Option<Date>,
    batch: bool,
    failure: bool,
    starts_request: bool,
    retry: bool,
    /// Index + 1 into `tiers` of a tier the catalog has no prices for; 0 otherwise.
    unpriced_tier: u16,
    fast: bool,
    tokens: [u64; 9],
    /// Tasks, images and video milliseconds.
    units: [u64; 3],
    tool_calls: u64,
    web_searches: u64,
    billed: Option<f64>,
    client_estimate: Option<f64>,
    parts: Vec<u64>,
}

const NO_MODEL: u32 = u32::MAX;

/// Per model: its key and whether the catalog knows it.
#[derive(Debug)]
struct ModelSlot {
    key: String,
    known: bool,
    logged_as: BTreeSet<String>,
}

/// Attempts of one model, limit and outcome (answered or failed) whose
/// prompts were above the limit the catalog says the provider rejects on
/// their day.
#[derive(Debug, Default)]
struct AboveLimit {
    attempts: u64,
    /// Answered ones without a billed amount: left unpriced.
    unbilled: u64,
    longest_prompt: u64,
    first_day: Option<Date>,
    last_day: Option<Date>,
}

#[derive(Debug, Default)]
struct Cell {
    row: Row,
    /// (day, class, has a billed amount) → counts.
    classes: BTreeMap<(Date, PriceClass, bool), TokenSums>,
}

pub(crate) struct Summarizer<'a> {
    options: SummaryOptions<'a>,
    map: ModelMap<'a>,
    models: Vec<ModelSlot>,
    model_index: HashMap<(String, String), u32>,
    groups: Vec<String>,
    group_index: HashMap<String, u32>,
    dedup: HashMap<u64, Compact>,
    cells: HashMap<(u32, u32), Cell>,
    prices: HashMap<(u32, Date), Result<ModelPrice, LookupError>>,
    records: u64,
    duplicates: u64,
    undated: u64,
    tiers: Vec<String>,
    unpriced_tiers: BTreeMap<String, u64>,
    fast: u64,
    /// By (model, limit, failed).
    above_limit: HashMap<(u32, u64, bool), AboveLimit>,
    exports: BTreeMap<String, ExportRow>,
}

impl<'a> Summarizer<'a> {
    pub(crate) fn new(options: SummaryOptions<'a>) -> Self {
        Self {
            options,
            map: ModelMap::new(options.catalog),
            models: Vec::new(),
            model_index: HashMap::new(),
            groups: Vec::new(),
            group_index: HashMap::new(),
            dedup: HashMap::new(),
            cells: HashMap::new(),
            prices: HashMap::new(),
            records: 0,
            duplicates: 0,
            undated: 0,
            tiers: Vec::new(),
            unpriced_tiers: BTreeMap::new(),
            fast: 0,
            above_limit: HashMap::new(),
            exports: BTreeMap::new(),
        }
    }

    fn model_slot(&mut self, provider: &str, name: &str) -> u32 {
        if name.is_empty() || name == "<synthetic>" {
            return NO_MODEL;
        }
        let key = (provider.to_owned(), name.to_owned());
        if let Some(&i) = self.model_index.get(&key) {
            return i;
        }
        let (slot_key, known) = match self.map.catalog_id(provider, name) {
            Some(id) => (id, true),
            None => (name.to_owned(), false),
        };
        let index = match self.models.iter().position(|m| m.key == slot_key && m.known == known) {
            Some(i) => i as u32,
            None => {
                self.models.push(ModelSlot { key: slot_key, known, logged_as: BTreeSet::new() });
                (self.models.len() - 1) as u32
            }
        };
        self.models[index as usize].logged_as.insert(name.to_owned());
        self.model_index.insert(key, index);
        index
    }

    fn group_slot(&mut self, label: &str) -> u32 {
        if let Some(&i) = self.group_index.get(label) {
            return i;
        }
        self.groups.push(label.to_owned());
        let i = (self.groups.len() - 1) as u32;
        self.group_index.insert(label.to_owned(), i);
        i
    }

    fn compact(&mut self, keyed: Keyed, position: u64) -> Compact {
        let a = &keyed.attempt;
        let day = a.timestamp().and_then(crate::time::parse_day);
        let label = match self.options.by {
            GroupBy::Model => String::new(),
            GroupBy::Day => day.map_or_else(|| "(no time)".to_owned(), |d| d.to_string()),
            GroupBy::Session => a.session_id.clone().unwrap_or_else(|| "(no session)".to_owned()),
            GroupBy::Workload => a.dims.workload.clone().unwrap_or_else(|| a.src.kind.clone()),
        };
        let group = self.group_slot(&label);
        let model = self.model_slot(&a.provider, &a.model);
        let unpriced_tier = self.unpriced_tier(a);
        let a = &keyed.attempt;
        let t = &a.tokens;
        Compact {
            position,
            group,
            model,
            day,
            batch: a.tier.as_deref() == Some("batch"),
            failure: a.status.is_failure(),
            starts_request: a.starts_request(),
            retry: a.attempt.is_some_and(|n| n > 1),
            unpriced_tier,
            fast: a.speed.as_deref() == Some("fast"),
            tokens: [
                t.input.unwrap_or(0),
                t.output.unwrap_or(0),
                t.cache_read.unwrap_or(0),
                t.cache_write_total(),
                t.cache_write_1h.unwrap_or(0),
                t.reasoning.unwrap_or(0),
                t.input_audio.unwrap_or(0),
                t.output_audio.unwrap_or(0),
                t.cache_read_audio.unwrap_or(0),
            ],
            units: {
                let sums = TokenSums::of_attempt(a);
                [sums.tasks, sums.images, sums.video_ms]
            },
            tool_calls: a.units.tool_calls.unwrap_or(0),
            web_searches: a.units.web_searches.unwrap_or(0),
            billed: a.cost.billed.as_ref().and_then(|m| m.as_usd()),
            client_estimate: a.cost.client_estimate.as_ref().and_then(|m| m.as_usd()),
            parts: keyed.parts,
        }
    }

    /// A tier the catalog has no prices for, interned (0 for none).
    fn unpriced_tier(&mut self, attempt: &Attempt) -> u16 {
        let Some(tier) = attempt.tier.as_deref() else { return 0 };
        if matches!(tier, "standard" | "default" | "batch" | "auto" | "on_demand" | "ON_DEMAND") {
            return 0;
        }
        let index = match self.tiers.iter().position(|t| t == tier) {
            Some(i) => i,
            None => {
                self.tiers.push(tier.to_owned());
                self.tiers.len() - 1
            }
        };
        u16::try_from(index + 1).unwrap_or(u16::MAX)
    }

    fn price_of(&mut self, model: u32, day: Date) -> Option<&ModelPrice> {
        let slot = self.models.get(model as usize)?;
        if !slot.known {
            return None;
        }
        let catalog = self.options.catalog;
        let key = slot.key.clone();
        self.prices.entry((model, day)).or_insert_with(|| catalog.resolve(&key, day)).as_ref().ok()
    }

    fn add(&mut self, c: Compact) {
        self.records += 1;
        if c.unpriced_tier > 0
            && let Some(tier) = self.tiers.get(usize::from(c.unpriced_tier) - 1)
        {
            *self.unpriced_tiers.entry(tier.clone()).or_default() += 1;
        }
        self.fast += u64::from(c.fast);
        let day = c.day.unwrap_or_else(|| {
            self.undated += 1;
            self.options.undated_prices
        });
        let tokens = Tokens {
            input: Some(c.tokens[0]),
            output: Some(c.tokens[1]),
            cache_read: Some(c.tokens[2]),
            cache_write: Some(c.tokens[3]),
            cache_write_1h: Some(c.tokens[4]),
            reasoning: Some(c.tokens[5]),
            input_audio: Some(c.tokens[6]),
            output_audio: Some(c.tokens[7]),
            cache_read_audio: Some(c.tokens[8]),
            ..Tokens::default()
        };
        let length = match self.price_of(c.model, day) {
            Some(price) => pricing::length(price, c.tokens[0]),
            None => Length::Standard,
        };
        let tool_calls = if c.parts.is_empty() { c.tool_calls } else { c.parts.len() as u64 };
        let cell = self.cells.entry((c.group, c.model)).or_default();
        let row = &mut cell.row;
        row.attempts += 1;
        row.requests += u64::from(c.starts_request);
        row.failures += u64::from(c.failure);
        row.retries += u64::from(c.retry);
        row.input_tokens += c.tokens[0];
        row.output_tokens += c.tokens[1];
        row.cache_read_tokens += c.tokens[2];
        row.cache_write_tokens += c.tokens[3];
        row.reasoning_tokens += c.tokens[5];
        row.tool_calls += tool_calls;
        row.web_searches += c.web_searches;
        if let Some(billed) = c.billed {
            row.billed_usd = Some(row.billed_usd.unwrap_or(0.0) + billed);
            row.billed_records += 1;
        }
        if let Some(estimate) = c.client_estimate {
            row.client_estimate_usd = Some(row.client_estimate_usd.unwrap_or(0.0) + estimate);
        }
        if let Length::AboveLimit { limit } = length {
            // No price class: see the module documentation.
            let tally = self.above_limit.entry((c.model, limit, c.failure)).or_default();
            tally.attempts += 1;
            tally.longest_prompt = tally.longest_prompt.max(c.tokens[0]);
            tally.first_day = Some(tally.first_day.map_or(day, |d| d.min(day)));
            tally.last_day = Some(tally.last_day.map_or(day, |d| d.max(day)));
            if !c.failure && c.billed.is_none() {
                tally.unbilled += 1;
                row.unpriced_attempts += 1;
            }
            return;
        }
        let class = PriceClass { batch: c.batch, long_context: length == Length::LongContext };
        let sums = TokenSums {
            tasks: c.units[0],
            images: c.units[1],
            video_ms: c.units[2],
            ..TokenSums::of(&tokens, 1)
        };
        cell.classes.entry((day, class, c.billed.is_some())).or_default().add(&sums);
    }

    /// Keeps the final snapshot of a response: the most output tokens, then
    /// the most input, then the last line.
    fn keep_best(&mut self, key: u64, mut c: Compact) {
        match self.dedup.get_mut(&key) {
            None => {
                self.dedup.insert(key, c);
            }
            Some(old) => {
                self.duplicates += 1;
                let better = (c.tokens[1], c.tokens[0], c.position)
                    > (old.tokens[1], old.tokens[0], old.position);
                for part in std::mem::take(&mut c.parts) {
                    if !old.parts.contains(&part) {
                        old.parts.push(part);
                    }
                }
                if better {
                    c.parts = std::mem::take(&mut old.parts);
                    *old = c;
                }
            }
        }
    }

    pub(crate) fn finish(mut self, stats: ImportStats) -> Summary {
        let mut held: Vec<Compact> = std::mem::take(&mut self.dedup).into_values().collect();
        held.sort_by_key(|c| c.position);
        for c in held {
            self.add(c);
        }
        let mut notes = Vec::new();
        let mut keys: Vec<(u32, u32)> = self.cells.keys().copied().collect();
        keys.sort_by(|a, b| {
            (self.groups[a.0 as usize].as_str(), a.1)
                .cmp(&(self.groups[b.0 as usize].as_str(), b.1))
        });
        let mut summary = Summary {
            stats,
            records: self.records,
            duplicates_dropped: self.duplicates,
            by: self.options.by,
            ..Summary::default()
        };
        let mut batch_without_discount = BTreeSet::new();
        let mut unpriced_units = BTreeSet::new();
        let mut not_priced = BTreeSet::new();
        for key in keys {
            let Some(mut cell) = self.cells.remove(&key) else { continue };
            let (group, model) = key;
            for ((day, class, has_billed), sums) in std::mem::take(&mut cell.classes) {
                let priced = match self.price_of(model, day) {
                    Some(price) => Some(pricing::price(price, class, &sums)),
                    None => {
                        if let Some(slot) = self.models.get(model as usize)
                            && slot.known
                        {
                            not_priced.insert(format!("{} on {day}", slot.key));
                        }
                        None
                    }
                };
                let row = &mut cell.row;
                match priced {
                    Some(p) if p.unpriced_units => {
                        if let Some(slot) = self.models.get(model as usize) {
                            unpriced_units.insert(slot.key.clone());
                        }
                        if !has_billed {
                            row.unpriced_attempts += sums.requests;
                        }
                    }
                    Some(p) => {
                        if p.batch_without_discount
                            && let Some(slot) = self.models.get(model as usize)
                        {
                            batch_without_discount.insert(slot.key.clone());
                        }
                        row.catalog_usd = Some(row.catalog_usd.unwrap_or(0.0) + p.usd);
                        if has_billed {
                            row.catalog_usd_of_billed =
                                Some(row.catalog_usd_of_billed.unwrap_or(0.0) + p.usd);
                        } else {
                            row.cost_usd = Some(row.cost_usd.unwrap_or(0.0) + p.usd);
                        }
                    }
                    // Attempts without tokens (failed ones) cost nothing to price.
                    None if !has_billed
                        && sums
                            != TokenSums { requests: sums.requests, ..TokenSums::default() } =>
                    {
                        row.unpriced_attempts += sums.requests;
                    }
                    None => {}
                }
            }
            let row = &mut cell.row;
            row.cost_usd = add_opt(row.cost_usd, row.billed_usd);
            summary.totals.add(row);
            if self.options.by != GroupBy::Model {
                summary.groups.entry(self.groups[group as usize].clone()).or_default().add(row);
            }
            match self.models.get(model as usize) {
                None => summary.without_model.add(row),
                Some(slot) if slot.known => {
                    let entry = summary.by_model.entry(slot.key.clone()).or_default();
                    entry.row.add(row);
                    for name in &slot.logged_as {
                        if !entry.logged_as.contains(name) {
                            entry.logged_as.push(name.clone());
                        }
                    }
                }
                Some(slot) => summary.unknown_models.entry(slot.key.clone()).or_default().add(row),
            }
        }
        if self.undated > 0 {
            notes.push(format!(
                "{} records carry no time; they are priced at the prices of {}",
                self.undated, self.options.undated_prices
            ));
        }
        for (tier, n) in &self.unpriced_tiers {
            notes.push(format!(
                "{n} records on the `{tier}` tier are priced at standard prices (the catalog has no `{tier}` prices)"
            ));
        }
        notes.extend(self.above_limit_notes());
        if self.fast > 0 {
            notes.push(format!(
                "{} records in fast mode are priced at standard-speed prices (fast mode is not in the catalog)",
                self.fast
            ));
        }
        for model in batch_without_discount {
            notes.push(format!(
                "batch requests of {model} are priced at the standard price: the catalog has no batch discount for it"
            ));
        }
        for model in unpriced_units {
            notes.push(format!(
                "images or video of {model} are not priced: the catalog price depends on a size, quality or resolution the log does not give"
            ));
        }
        for what in not_priced {
            notes.push(format!("{what}: the catalog has no price in effect that day; not priced"));
        }
        for (name, row) in &summary.unknown_models {
            notes.push(format!(
                "model `{name}` is not in the catalog: {} {}, {} input and {} output tokens left unpriced",
                row.attempts,
                if row.attempts == 1 { "attempt" } else { "attempts" },
                row.input_tokens,
                row.output_tokens
            ));
        }
        if summary.totals.web_searches > 0 {
            notes.push(format!(
                "{} server-side web searches are counted but not priced (the catalog has no per-search price)",
                summary.totals.web_searches
            ));
        }
        summary.exports = std::mem::take(&mut self.exports);
        summary.notes = notes;
        summary
    }

    /// One note per model, limit and outcome, in model order: what the logs
    /// say about prompts the catalog says the provider rejects.
    fn above_limit_notes(&self) -> Vec<String> {
        let mut tallies: Vec<(&str, u64, bool, &AboveLimit)> = self
            .above_limit
            .iter()
            .filter_map(|((model, limit, failed), t)| {
                Some((self.models.get(*model as usize)?.key.as_str(), *limit, *failed, t))
            })
            .collect();
        tallies.sort_by_key(|(model, limit, failed, _)| (*model, *limit, *failed));
        tallies
            .into_iter()
            .map(|(model, limit, failed, t)| {
                let (days, those) = match (t.first_day, t.last_day) {
                    (Some(a), Some(b)) if a != b => (format!("{a} to {b}"), "those days"),
                    (Some(a), _) => (a.to_string(), "that day"),
                    _ => (String::new(), "that day"),
                };
                let (n, attempts, prompts) = match t.attempts {
                    1 => (1, "attempt", "a prompt"),
                    n => (n, "attempts", "prompts"),
                };
                if failed {
                    format!(
                        "{model}: {n} failed {attempts} on {days} had {prompts} above {limit} tokens: rejected, as the catalog says, and not billed ($0)"
                    )
                } else {
                    format!(
                        "{model}: {n} answered {attempts} on {days} had {prompts} above {limit} tokens (up to {}), which the catalog says the provider rejects with an error on {those}: the logs contradict the catalog (a platform with other limits, or a catalog out of date?), so the catalog has no price for them; {} without a billed amount left unpriced, tokens counted",
                        t.longest_prompt, t.unbilled
                    )
                }
            })
            .collect()
    }

    fn export(&mut self, bucket: Bucket) {
        let key = match &bucket.model {
            Some(name) => {
                self.map.catalog_id(&bucket.provider, name).unwrap_or_else(|| name.clone())
            }
            None => "(no model)".to_owned(),
        };
        let row = self.exports.entry(key).or_default();
        row.rows += 1;
        if let Some(n) = bucket.requests {
            row.requests = Some(row.requests.unwrap_or(0) + n);
        }
        let t = &bucket.tokens;
        row.input_tokens += t.input.unwrap_or(0);
        row.output_tokens += t.output.unwrap_or(0);
        row.cache_read_tokens += t.cache_read.unwrap_or(0);
        row.cache_write_tokens += t.cache_write_total();
        if let Some(usd) = bucket.amount.as_ref().and_then(|m| m.as_usd()) {
            row.amount_usd = Some(row.amount_usd.unwrap_or(0.0) + usd);
        }
    }
}

impl Sink for Summarizer<'_> {
    fn attempt(&mut self, keyed: Keyed, position: u64) {
        let key = keyed.dedup;
        let compact = self.compact(keyed, position);
        match key {
            Some(key) => self.keep_best(key, compact),
            None => self.add(compact),
        }
    }

    fn bucket(&mut self, bucket: Bucket) {
        self.export(bucket);
    }
}
