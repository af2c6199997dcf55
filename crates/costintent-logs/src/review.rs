//! `logs review <id>`: one request as the logs tell it (the Budget Review
//! card), and whether the logs agree with each other and with the catalog.
//!
//! Every record whose request id, response id, client request id, job id
//! or parent id equals the id is collected (duplicated transcript lines
//! are merged as in the summary). The first source in input order (by
//! `src.kind`) tells the request; every other source that mentions it is
//! compared with that one token class by token class. Billed amounts are
//! compared with the catalog price. Any difference is reported exactly, in
//! tokens and in dollars; none at all is `logs matched`.
//!
//! An attempt whose prompt is above the limit the catalog says the provider
//! rejects on its day ([`pricing::Length::AboveLimit`]) is compared with
//! the catalog too: failed, it is what the catalog predicts and costs $0
//! (a note says so); answered, the log contradicts the catalog
//! ([`Mismatch::AboveLimit`]) and the catalog has no price for it.

use std::collections::HashMap;

use costintent_scenario::{Catalog, Date};

use crate::formats::Keyed;
use crate::models::ModelMap;
use crate::pricing::{self, Length, PriceClass, TokenSums};
use crate::record::{Attempt, Bucket};
use crate::scan::{ImportStats, Sink};

/// Dollar amounts closer than this are the same (they round to the same
/// micro-dollar in every output).
pub const MATCH_USD: f64 = 5e-7;

/// Token totals of the attempts of one source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenTotals {
    /// Input, cache included.
    pub input: u64,
    /// Of which read from the cache.
    pub cache_read: u64,
    /// Of which written to the cache.
    pub cache_write: u64,
    /// Output, reasoning included.
    pub output: u64,
    /// Of which reasoning.
    pub reasoning: u64,
}

impl TokenTotals {
    fn add(&mut self, a: &Attempt) {
        let t = &a.tokens;
        self.input += t.input.unwrap_or(0);
        self.cache_read += t.cache_read.unwrap_or(0);
        self.cache_write += t.cache_write_total();
        self.output += t.output.unwrap_or(0);
        self.reasoning += t.reasoning.unwrap_or(0);
    }

    /// (name, value) pairs in display order.
    pub fn classes(&self) -> [(&'static str, u64); 5] {
        [
            ("input", self.input),
            ("cache read", self.cache_read),
            ("cache write", self.cache_write),
            ("output", self.output),
            ("reasoning", self.reasoning),
        ]
    }
}

/// One difference between what the logs say.
#[derive(Clone, Debug, PartialEq)]
pub enum Mismatch {
    /// A source reports other token counts than the first source.
    Tokens {
        /// The token class.
        class: &'static str,
        /// The first source and its count.
        primary: (String, u64),
        /// The other source and its count.
        other: (String, u64),
    },
    /// A source reports a different number of attempts.
    Attempts {
        /// The first source and its count.
        primary: (String, u64),
        /// The other source and its count.
        other: (String, u64),
    },
    /// An answered attempt whose prompt is above the limit the catalog says
    /// the provider rejects on that day: the catalog has no price for it.
    AboveLimit {
        /// The catalog model.
        model: String,
        /// The attempt's day.
        day: Date,
        /// Its prompt: input including cache reads and writes.
        prompt_tokens: u64,
        /// The limit.
        limit: u64,
    },
    /// The billed amount differs from the catalog price.
    Dollars {
        /// What the logs say was billed.
        billed: f64,
        /// The catalog price of the same tokens.
        catalog: f64,
    },
}

/// The Budget Review card of one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Review {
    /// The id asked for.
    pub id: String,
    /// Files read and lines skipped.
    pub stats: ImportStats,
    /// The first source's attempts, in log order.
    pub attempts: Vec<Attempt>,
    /// Every source that mentions the id, in input order, with its attempts count.
    pub sources: Vec<(String, u64)>,
    /// Duplicate lines merged.
    pub duplicates_dropped: u64,
    /// Provider request id (first attempt that has one).
    pub request_id: Option<String>,
    /// Job or batch id.
    pub job_id: Option<String>,
    /// The model as logged.
    pub model: Option<String>,
    /// Its catalog id, when the catalog knows it.
    pub catalog_model: Option<String>,
    /// Token totals of the first source.
    pub tokens: TokenTotals,
    /// Tool calls.
    pub tool_calls: u64,
    /// Web searches.
    pub web_searches: u64,
    /// Attempts and how many were retries and failures.
    pub attempt_count: u64,
    /// Attempts numbered above 1.
    pub retries: u64,
    /// Failed attempts.
    pub failures: u64,
    /// From the first start to the last end, or the sum of latencies, ms.
    pub duration_ms: Option<u64>,
    /// How the request is billed: `token`, `token + request`, `token + task`, …
    pub pricing_unit: String,
    /// The catalog price of the first source's attempts (`None`: unknown model).
    pub catalog_usd: Option<f64>,
    /// What the logs say was billed.
    pub billed_usd: Option<f64>,
    /// A tool's estimate (Claude Code `costUSD`).
    pub client_estimate_usd: Option<f64>,
    /// Every disagreement; empty with `compared` true means `logs matched`.
    pub mismatches: Vec<Mismatch>,
    /// Whether anything could be compared at all (a second source, or a
    /// billed amount and a catalog price).
    pub compared: bool,
    /// Caveats.
    pub notes: Vec<String>,
}

impl Review {
    /// `logs matched`: something was compared and nothing differs.
    pub fn matched(&self) -> bool {
        self.compared && self.mismatches.is_empty()
    }
}

/// One source's attempts with their tool-use part hashes.
type Source = Vec<(Attempt, Vec<u64>)>;

pub(crate) struct Collect<'a> {
    id: &'a str,
    held: Vec<(u64, Attempt, Vec<u64>)>,
    by_key: HashMap<u64, usize>,
    duplicates: u64,
}

impl<'a> Collect<'a> {
    pub(crate) fn new(id: &'a str) -> Self {
        Self { id, held: Vec::new(), by_key: HashMap::new(), duplicates: 0 }
    }

    fn matches(&self, a: &Attempt) -> bool {
        [&a.request_id, &a.response_id, &a.client_request_id, &a.job_id, &a.parent_id]
            .iter()
            .any(|v| v.as_deref() == Some(self.id))
    }

    pub(crate) fn finish(
        self,
        stats: ImportStats,
        catalog: &Catalog,
        undated_prices: Date,
    ) -> Review {
        let mut review = Review {
            id: self.id.to_owned(),
            stats,
            duplicates_dropped: self.duplicates,
            ..Review::default()
        };
        let mut by_source: Vec<(String, Source)> = Vec::new();
        for (_, attempt, parts) in self.held {
            let kind = attempt.src.kind.clone();
            match by_source.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, list)) => list.push((attempt, parts)),
                None => by_source.push((kind, vec![(attempt, parts)])),
            }
        }
        review.sources = by_source.iter().map(|(k, l)| (k.clone(), l.len() as u64)).collect();
        let Some((primary_kind, primary)) = by_source.first() else { return review };
        let mut map = ModelMap::new(catalog);
        let mut totals = TokenTotals::default();
        let mut catalog_usd = Some(0.0);
        let mut billed: Option<f64> = None;
        let mut estimate: Option<f64> = None;
        let mut units = vec!["token"];
        let (mut first_start, mut last_end, mut latency) = (None::<i64>, None::<i64>, None::<u64>);
        for (a, parts) in primary {
            totals.add(a);
            review.attempt_count += 1;
            review.retries += u64::from(a.attempt.is_some_and(|n| n > 1));
            review.failures += u64::from(a.status.is_failure());
            review.tool_calls +=
                if parts.is_empty() { a.units.tool_calls.unwrap_or(0) } else { parts.len() as u64 };
            review.web_searches += a.units.web_searches.unwrap_or(0);
            review.request_id = review.request_id.take().or_else(|| a.request_id.clone());
            review.job_id = review.job_id.take().or_else(|| a.job_id.clone());
            if review.model.is_none() && !a.model.is_empty() && a.model != "<synthetic>" {
                review.model = Some(a.model.clone());
            }
            if let Some(b) = a.cost.billed.as_ref().and_then(|m| m.as_usd()) {
                billed = Some(billed.unwrap_or(0.0) + b);
            }
            if let Some(e) = a.cost.client_estimate.as_ref().and_then(|m| m.as_usd()) {
                estimate = Some(estimate.unwrap_or(0.0) + e);
            }
            let start = a.ts_start.as_deref().and_then(crate::time::parse_millis);
            let end = a.ts_end.as_deref().and_then(crate::time::parse_millis);
            if let Some(s) = start.or(end) {
                first_start = Some(first_start.map_or(s, |f: i64| f.min(s)));
            }
            if let Some(e) = end.or(start) {
                last_end = Some(last_end.map_or(e, |l: i64| l.max(e)));
            }
            if let Some(l) = a.latency_ms {
                latency = Some(latency.unwrap_or(0) + l);
            }
            // The catalog price of this attempt, at its own day and class.
            let id = if a.model.is_empty() { None } else { map.catalog_id(&a.provider, &a.model) };
            if a.tokens.is_empty()
                && a.units.tasks.is_none()
                && a.units.images.is_none()
                && a.units.video_seconds.is_none()
            {
                continue;
            }
            let day = a.timestamp().and_then(crate::time::parse_day).unwrap_or(undated_prices);
            match id.as_deref().map(|id| catalog.resolve(id, day)) {
                Some(Ok(price)) => {
                    let prompt_tokens = a.tokens.input.unwrap_or(0);
                    let length = pricing::length(&price, prompt_tokens);
                    let class = PriceClass {
                        batch: a.tier.as_deref() == Some("batch"),
                        long_context: length == Length::LongContext,
                    };
                    if price.per_request.is_some() && !units.contains(&"request") {
                        units.push("request");
                    }
                    if price.per_task.is_some() && !units.contains(&"task") {
                        units.push("task");
                    }
                    if a.units.images.is_some_and(|n| n > 0) && !units.contains(&"image") {
                        units.push("image");
                    }
                    if a.units.video_seconds.is_some_and(|s| s > 0.0)
                        && !units.contains(&"video second")
                    {
                        units.push("video second");
                    }
                    review.catalog_model = Some(price.id.clone());
                    if let Length::AboveLimit { limit } = length {
                        if a.status.is_failure() {
                            review.notes.push(format!(
                                "a failed attempt on {day} had a prompt of {prompt_tokens} tokens, above the {limit} that the catalog says {} rejects: rejected, as the catalog says, and not billed ($0)",
                                price.id
                            ));
                        } else {
                            review.compared = true;
                            review.mismatches.push(Mismatch::AboveLimit {
                                model: price.id.clone(),
                                day,
                                prompt_tokens,
                                limit,
                            });
                            catalog_usd = None;
                        }
                        continue;
                    }
                    let p = pricing::price(&price, class, &TokenSums::of_attempt(a));
                    if p.unpriced_units {
                        review.notes.push(format!(
                            "images or video of {} are not priced: the catalog price depends on a size, quality or resolution the log does not give",
                            price.id
                        ));
                        catalog_usd = None;
                    }
                    catalog_usd = catalog_usd.map(|c| c + p.usd);
                    review.notes.extend(p.notes().into_iter().map(str::to_owned));
                }
                Some(Err(e)) => {
                    review.notes.push(format!("{}: {e}", id.unwrap_or_default()));
                    catalog_usd = None;
                }
                None => {
                    review
                        .notes
                        .push(format!("model `{}` is not in the catalog; not priced", a.model));
                    catalog_usd = None;
                }
            }
        }
        if review.web_searches > 0 {
            units.push("web search");
        }
        review.pricing_unit = units.join(" + ");
        review.duration_ms = match (first_start, last_end) {
            (Some(s), Some(e)) if e > s => Some((e - s) as u64),
            _ => latency,
        };
        if billed.is_none() {
            // The provider's record of the charge may come from another
            // source (an OpenRouter export next to the application's log).
            billed = by_source.iter().skip(1).find_map(|(_, list)| {
                list.iter()
                    .filter_map(|(a, _)| a.cost.billed.as_ref().and_then(|m| m.as_usd()))
                    .reduce(|x, y| x + y)
            });
        }
        review.tokens = totals.clone();
        review.catalog_usd = catalog_usd;
        review.billed_usd = billed;
        review.client_estimate_usd = estimate;
        if let (Some(b), Some(c)) = (billed, catalog_usd) {
            review.compared = true;
            if (b - c).abs() >= MATCH_USD {
                review.mismatches.push(Mismatch::Dollars { billed: b, catalog: c });
            }
        }
        for (kind, list) in by_source.iter().skip(1) {
            review.compared = true;
            let mut other = TokenTotals::default();
            for (a, _) in list {
                other.add(a);
            }
            if list.len() != primary.len() {
                review.mismatches.push(Mismatch::Attempts {
                    primary: (primary_kind.clone(), primary.len() as u64),
                    other: (kind.clone(), list.len() as u64),
                });
            }
            for ((class, mine), (_, theirs)) in totals.classes().into_iter().zip(other.classes()) {
                if mine != theirs {
                    review.mismatches.push(Mismatch::Tokens {
                        class,
                        primary: (primary_kind.clone(), mine),
                        other: (kind.clone(), theirs),
                    });
                }
            }
        }
        review.notes.dedup();
        review.attempts = by_source.swap_remove(0).1.into_iter().map(|(a, _)| a).collect();
        review
    }
}

impl Sink for Collect<'_> {
    fn attempt(&mut self, keyed: Keyed, position: u64) {
        if !self.matches(&keyed.attempt) {
            return;
        }
        let Keyed { attempt, dedup, parts } = keyed;
        let Some(key) = dedup else {
            self.held.push((position, attempt, parts));
            return;
        };
        match self.by_key.get(&key) {
            None => {
                self.by_key.insert(key, self.held.len());
                self.held.push((position, attempt, parts));
            }
            Some(&i) => {
                self.duplicates += 1;
                let (_, old, old_parts) = &mut self.held[i];
                for part in &parts {
                    if !old_parts.contains(part) {
                        old_parts.push(*part);
                    }
                }
                let out = |a: &Attempt| (a.tokens.output.unwrap_or(0), a.tokens.input.unwrap_or(0));
                if out(&attempt) >= out(old) {
                    *old = attempt;
                }
            }
        }
    }

    fn bucket(&mut self, _bucket: Bucket) {}
}
