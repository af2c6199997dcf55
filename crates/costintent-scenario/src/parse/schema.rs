//! The JSON Schema of the scenario format (`scenarios/schema.json`, which
//! editors with TOML schema support use to complete and check keys),
//! generated from the parser's own key tables.
//!
//! Every table's set of keys comes from the constant the parser checks that
//! table against (`SCENARIO_KEYS`, `kind_key_table`, `params`, …), so a key
//! the parser accepts is in the schema as soon as it is in the parser's
//! table; the keys those tables mark required are the schema's `required`
//! (by kind for workloads), and the duration units come from the parser's
//! `DURATION_UNITS`.
//! What each key holds (a number, a duration, a distribution, a nested
//! table) and its description are said here, in [`describe`]; a key the
//! parser accepts but [`describe`] does not know is reported by
//! [`json_schema`] instead of being left out. The crate's `tests/schema.rs`
//! checks that the committed file is what this module generates, that every
//! bundled scenario is valid against it, and, independently of these
//! tables, that at every table of a set of scenarios the keys the parser
//! accepts are exactly the keys the schema accepts.
//!
//! Per-kind and per-distribution keys are expressed with `if`/`then`
//! (draft-07): the `properties` of a workload list the keys of every kind
//! (for completion), and a `then` per kind limits the names to that kind's.

use serde_json::{Map, Value, json};

use super::table::DURATION_UNITS;
use super::workload::{Need, names};
use super::{TOP_KEYS, models, scenario, values, workload};
use crate::catalog::Catalog;

/// A duration written as a string: an amount (what Rust reads as a
/// number) and one of `units`, with spaces allowed around either.
fn duration_pattern(units: &[&str]) -> String {
    // Longest first, so that `min` and `mo` are not read as `m`.
    let mut units = units.to_vec();
    units.sort_by_key(|u| std::cmp::Reverse(u.len()));
    format!(r"^\s*\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*({})\s*$", units.join("|"))
}

/// Every duration unit the parser reads.
fn duration_units() -> Vec<&'static str> {
    DURATION_UNITS.iter().map(|(unit, _, _)| *unit).collect()
}

/// The units of a `period`: `m` is refused there (minutes or months?).
fn period_units() -> Vec<&'static str> {
    duration_units().into_iter().filter(|u| *u != "m").collect()
}

/// A calendar period: a year, a month of it or a quarter
/// (`parse::period::calendar`).
const CALENDAR_PATTERN: &str = r"^\s*[0-9]{4}(-(0[1-9]|1[0-2])|-[Qq][1-4])?\s*$";

/// The keys a key table marks required.
fn required(table: &[(&'static str, Need)]) -> Vec<&'static str> {
    table.iter().filter(|(_, need)| *need == Need::Required).map(|(k, _)| *k).collect()
}

/// Keys the parser accepts that [`describe`] does not describe: the schema
/// cannot say what they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undescribed {
    /// `table: key`, one per key.
    pub keys: Vec<String>,
}

impl std::fmt::Display for Undescribed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the parser accepts keys the schema generator does not describe ({}): add them to `describe` in crates/costintent-scenario/src/parse/schema.rs",
            self.keys.join(", ")
        )
    }
}

impl std::error::Error for Undescribed {}

/// The tables of the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Top,
    Scenario,
    Wallet,
    Workload,
    Failures,
    Timeout,
    Context,
    Cache,
    Tools,
    Poll,
    Volume,
    Ramp,
    Growth,
    Dist,
    Model,
    LongContext,
    Audio,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Self::Top => "the scenario file",
            Self::Scenario => "[scenario]",
            Self::Wallet => "[[wallet]]",
            Self::Workload => "[[workload]]",
            Self::Failures => "failures",
            Self::Timeout => "timeout",
            Self::Context => "context",
            Self::Cache => "cache",
            Self::Tools => "tools",
            Self::Poll => "poll",
            Self::Volume => "a volume",
            Self::Ramp => "ramp",
            Self::Growth => "growth",
            Self::Dist => "a distribution",
            Self::Model => "[models.\"id\"]",
            Self::LongContext => "long_context",
            Self::Audio => "audio",
        }
    }

    /// The keys the parser accepts in the table (the union over kinds and
    /// distributions where they differ), in the parser's order.
    fn keys(self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = match self {
            Self::Top => TOP_KEYS.to_vec(),
            Self::Scenario => scenario::SCENARIO_KEYS.to_vec(),
            Self::Wallet => scenario::WALLET_KEYS.to_vec(),
            Self::Workload => {
                let mut keys = names(workload::COMMON_KEYS);
                for kind in workload::KINDS {
                    keys.extend(workload::kind_keys(kind));
                }
                keys
            }
            Self::Failures => names(workload::FAILURES_KEYS),
            Self::Timeout => names(workload::TIMEOUT_KEYS),
            Self::Context => names(workload::CONTEXT_KEYS),
            Self::Cache => names(workload::CACHE_KEYS),
            Self::Tools => names(workload::TOOLS_KEYS),
            Self::Poll => names(workload::POLL_KEYS),
            Self::Volume => {
                let mut keys = values::VOLUME_KEYS.to_vec();
                keys.extend_from_slice(values::VOLUME_RATE_DIST_EXTRA);
                keys.extend_from_slice(values::VOLUME_DIST_EXTRA);
                keys.extend(Self::Dist.keys());
                keys
            }
            Self::Ramp => names(values::RAMP_KEYS),
            Self::Growth => values::GROWTH_KEYS.iter().map(|(k, _)| *k).collect(),
            Self::Dist => {
                let mut keys = vec!["dist"];
                for name in values::DISTS {
                    keys.extend(values::params(name).iter().map(|(k, _)| *k));
                }
                keys
            }
            Self::Model => models::MODEL_KEYS.to_vec(),
            Self::LongContext => models::LONG_CONTEXT_KEYS.to_vec(),
            Self::Audio => models::AUDIO_KEYS.to_vec(),
        };
        let mut seen = std::collections::HashSet::new();
        keys.retain(|k| seen.insert(*k));
        keys
    }
}

fn reference(definition: &str) -> Value {
    json!({ "$ref": format!("#/definitions/{definition}") })
}

fn with_description(mut schema: Value, description: &str) -> Value {
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), Value::String(description.into()));
    }
    schema
}

fn non_negative(description: &str) -> Value {
    json!({ "type": "number", "minimum": 0, "description": description })
}

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn keyword(words: &[&str], description: &str) -> Value {
    json!({ "enum": words, "description": description })
}

/// What `key` of `table` holds; `None` for a key this generator does not
/// know (the parser gained a key: describe it here).
fn describe(table: Table, key: &str) -> Option<Value> {
    use Table as T;
    let value = |d: &str| with_description(reference("value"), d);
    let draw = |d: &str| with_description(reference("draw"), d);
    let duration = |d: &str| with_description(reference("duration"), d);
    let seconds = |d: &str| with_description(reference("seconds"), d);
    let volume = |d: &str| with_description(reference("volume"), d);
    let per_mtok = |d: &str| non_negative(&format!("{d}, USD per 1M tokens."));
    Some(match (table, key) {
        (T::Top, "scenario") => reference("scenario"),
        (T::Top, "workload") => json!({
            "type": "array",
            "items": reference("workload"),
            "description": "The workloads whose spend is simulated ([[workload]] tables)."
        }),
        (T::Top, "wallet") => json!({
            "type": "array",
            "items": reference("wallet"),
            "description": "Prepaid credit that workloads pay from (`via`)."
        }),
        (T::Top, "models") => json!({
            "type": "object",
            "additionalProperties": reference("model"),
            "description": "Prices of your own models, or overrides of catalog models: [models.\"provider/model\"]."
        }),

        (T::Scenario, "name") => string("Shown in reports."),
        (T::Scenario, "period") => reference("period"),
        (T::Scenario, "trials") => json!({
            "type": "integer", "minimum": 1,
            "description": "Exactly this many trials per run (--trials overrides). Absent: run stops when the p90 is known within ±0.5% (--precision), compare, plan and --vary run 20000."
        }),
        (T::Scenario, "seed") => json!({
            "type": "integer", "minimum": 0,
            "description": "Master seed (--seed overrides; default 42)."
        }),
        (T::Scenario, "prices") => json!({
            "type": "string",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "Catalog date YYYY-MM-DD (a TOML date or a string): prices in effect on this day, the first day of the period. Default: the first day of a calendar period, else today. With a calendar period it must be that first day."
        }),
        (T::Scenario, "budget") => {
            non_negative("USD for the period; the report gives P(spend > budget).")
        }

        (T::Wallet, "name") => string("Named by the `via` of the workloads that pay from it."),
        (T::Wallet, "preset") => {
            let presets = Catalog::embedded();
            let names = presets.wallet_preset_names();
            keyword(&names, "Fees of a known route; keys given next to it override it.")
        }
        (T::Wallet, "credit_usd") => non_negative(
            "USD per credit (default: the list price of the credit-priced models paying through it, else 1).",
        ),
        (T::Wallet, "fee_percent") => json!({
            "type": "number", "minimum": 0, "maximum": 100,
            "description": "Fee on each purchase, in percent."
        }),
        (T::Wallet, "fee_min") => non_negative("Minimum fee per purchase, USD."),
        (T::Wallet, "topup") => non_negative("USD of credit bought per purchase."),
        (T::Wallet, "usage_fee_percent") => json!({
            "type": "number", "minimum": 0, "maximum": 100,
            "description": "Fee on every charge, in percent (OpenRouter BYOK)."
        }),
        (T::Wallet, "usage_fee_free_requests_per_month") => non_negative(
            "Requests a month (30 days) that carry no usage fee before usage_fee_percent applies (OpenRouter BYOK: 1,000,000 since 2025-10-01, set by the openrouter-byok preset).",
        ),

        (T::Workload, "name") => string("Unique; also keys the workload's random stream."),
        (T::Workload, "kind") => keyword(workload::KINDS, "What the workload does."),
        (T::Workload, "model") => {
            string("provider/model from `costintent catalog list`, or a [models] table.")
        }
        (T::Workload, "via") => string("Name of the [[wallet]] this workload pays from."),
        (T::Workload, "api_key") => json!({
            "type": "string", "minLength": 1,
            "description": "Name (never the secret) of the API key, workspace or project this workload is billed to; `costintent limits` gives limits per key."
        }),
        (T::Workload, "failures") => reference("failures"),
        (T::Workload, "timeout") => reference("timeout"),
        (T::Workload, "requests") => volume("Requests (jobs) in the period."),
        (T::Workload, "sessions") => volume("Sessions in the period."),
        (T::Workload, "input") => draw("New input tokens per request or turn."),
        (T::Workload, "output") => draw("Output tokens per request or turn."),
        (T::Workload, "reasoning") => {
            draw("Reasoning tokens, billed as output, not kept in context.")
        }
        (T::Workload, "cached") => {
            value("requests: share of input tokens read from the cache, 0..1.")
        }
        (T::Workload, "mode") => keyword(workload::MODES, "requests: standard or batch prices."),
        (T::Workload, "tokens_measured_on") => string(
            "requests, agent: the catalog model the token counts were measured on; counts are rescaled to the workload model's tokenizer where the catalog has a sourced ratio.",
        ),
        (T::Workload, "turns") => draw("agent: model calls per session."),
        (T::Workload, "context") => reference("context"),
        (T::Workload, "compaction_cost") => json!({
            "type": "boolean",
            "description": "agent: bill each compaction as one extra call."
        }),
        (T::Workload, "cache") => reference("cache"),
        (T::Workload, "tools") => reference("tools"),
        (T::Workload, "size") => string(
            "image (required): a size the model is priced at, as its prices name it (\"1024x1024\"; check lists them).",
        ),
        (T::Workload, "quality") => string(
            "image (required): a quality the model is priced at, as its prices name it (check lists them).",
        ),
        (T::Workload, "n") => draw("image: images per request."),
        (T::Workload, "regenerate") => {
            value("image: probability that the user asks again, after each result.")
        }
        (T::Workload, "seconds") => seconds("video: seconds of video per job."),
        (T::Workload, "resolution") => string("video: resolution, as the model's prices name it."),
        (T::Workload, "audio") => json!({ "type": "boolean", "description": "video: with audio." }),
        (T::Workload, "poll") => reference("poll"),
        (T::Workload, "client_timeout") => duration(
            "video: the client abandons a job slower than this and resubmits it; the provider still bills it.",
        ),
        (T::Workload, "duration") => seconds("video: how long a job takes."),
        (T::Workload, "minutes") => draw("realtime: minutes per session."),
        (T::Workload, "turns_per_minute") => value("realtime: turns per minute of conversation."),
        (T::Workload, "user_share") => {
            value("realtime: share of spoken time that is the user's, 0..1 (default 0.5).")
        }

        (T::Failures, "rate") => value("Probability that an attempt fails, 0..1."),
        (T::Failures, "retries") => value("Retries after a failed attempt (0 = give up at once)."),
        (T::Failures, "billed") => keyword(workload::BILLED, "What a failed attempt costs."),

        (T::Timeout, "after") => duration(
            "The client abandons an attempt slower than this and retries; the provider still bills it.",
        ),
        (T::Timeout, "latency") => seconds("How long an attempt takes."),

        (T::Context, "start") => non_negative("Tokens in the context before the first turn."),
        (T::Context, "window") => {
            non_negative("Tokens at which the context is compacted (the harness's limit).")
        }
        (T::Context, "compact_to") => {
            non_negative("Tokens the context restarts at after compaction.")
        }

        (T::Cache, "ttl") => duration("Cache lifetime: up to 5 minutes or up to 1 hour."),
        (T::Cache, "gap") => seconds("Time between turns."),

        (T::Tools, "calls") => draw("Tool calls per turn."),
        (T::Tools, "output") => draw("Tokens each tool call returns (input of the next turn)."),

        (T::Poll, "every") => duration("Time between status polls of a running job."),
        (T::Poll, "cost") => non_negative("USD per poll."),

        (T::Volume, "per") => {
            let words: Vec<&str> = values::TIME_UNITS.iter().map(|u| u.keyword()).collect();
            keyword(&words, "Arrivals per unit of time (`month` = 30 days).")
        }
        (T::Volume, "ramp") => with_description(
            reference("ramp"),
            "A rate that goes linearly from `from` on the first day to `to` on the last (Poisson arrivals unless arrivals = \"exact\"). Not with `mean` or `dist`.",
        ),
        (T::Volume, "growth") => with_description(
            reference("growth"),
            "With `mean` (the first day's rate) or a `dist` per day (per = \"day\"): the rate grows by this share per day, week or month, compounded daily; above -1.",
        ),
        (T::Volume, "daily") => json!({
            "type": "array",
            "items": { "type": "number", "minimum": 0 },
            "description": "The rate of each day of the period, one value per day (per = \"day\"). Not with `mean` or `dist`."
        }),
        (T::Volume, "arrivals") => keyword(
            values::ARRIVALS,
            "With ramp, growth or daily (not with `dist`): Poisson arrivals at the day's rate (default), or exactly the day's rate (fractions rounded stochastically).",
        ),
        (T::Ramp, "from") => value("The rate on the first day (per `per`)."),
        (T::Ramp, "to") => value("The rate on the last day; linear in between."),
        (T::Growth, "per_day") => value("Growth a day (0.02 = 2%)."),
        (T::Growth, "per_week") => value("Growth a week, compounded daily (0.25 = 25%)."),
        (T::Growth, "per_month") => value("Growth a month of 30 days, compounded daily."),
        (T::Volume | T::Dist, "dist") => keyword(values::DISTS, "The distribution."),
        (T::Volume | T::Dist, "values") => json!({
            "type": "array",
            "items": { "type": ["number", "string"] },
            "description": "choice: the values."
        }),
        (T::Volume | T::Dist, "weights") => json!({
            "type": "array",
            "items": { "type": "number", "minimum": 0 },
            "description": "choice: their weights (default equal)."
        }),
        (T::Volume | T::Dist, "mean" | "median" | "p90" | "sd" | "min" | "max") => {
            with_description(reference("parameter"), "A parameter of the distribution.")
        }

        (T::Model, "long_context") => reference("long_context"),
        (T::Model, "audio") => reference("audio"),
        (T::Model, "batch_discount") => json!({
            "type": "number", "minimum": 0, "maximum": 1,
            "description": "Share taken off in batch mode, 0..1."
        }),
        (T::Model, "per_request") => non_negative("USD per request."),
        (T::Model, "per_image") => {
            non_negative("USD per image (replaces the catalog's per-size prices).")
        }
        (T::Model, "per_video_second") => {
            non_negative("USD per second of video (replaces the catalog's per-resolution prices).")
        }
        (T::Model, "per_task") => non_negative("USD per task."),
        (T::Model | T::LongContext, "input_per_mtok") => per_mtok("Input"),
        (T::Model | T::LongContext, "output_per_mtok") => per_mtok("Output"),
        (T::Model | T::LongContext, "cache_read_per_mtok") => per_mtok("Cache reads"),
        (T::Model | T::LongContext, "cache_write_per_mtok") => per_mtok("Cache writes (5-minute)"),
        (T::Model | T::LongContext, "cache_write_1h_per_mtok") => per_mtok("Cache writes (1-hour)"),
        (T::Model, "reasoning_per_mtok") => per_mtok("Reasoning"),
        (T::LongContext, "above") => {
            non_negative("A prompt above this many tokens is billed entirely at these prices.")
        }
        (T::Audio, "input_per_mtok") => per_mtok("Audio input"),
        (T::Audio, "output_per_mtok") => per_mtok("Audio output"),
        (T::Audio, "cached_input_per_mtok") => per_mtok("Cached audio input"),
        (T::Audio, "input_tokens_per_minute") => {
            non_negative("Audio input tokens per minute of speech.")
        }
        (T::Audio, "output_tokens_per_minute") => {
            non_negative("Audio output tokens per minute of speech.")
        }
        _ => return None,
    })
}

/// The keys of `table` with what each holds, and the undescribed ones.
fn properties(table: Table, undescribed: &mut Vec<String>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in table.keys() {
        match describe(table, key) {
            Some(schema) => {
                out.insert(key.to_owned(), schema);
            }
            None => undescribed.push(format!("{}: {key}", table.name())),
        }
    }
    out
}

/// A table that accepts its keys and no others.
fn closed(table: Table, undescribed: &mut Vec<String>, extra: Value) -> Value {
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties(table, undescribed),
    });
    if let (Value::Object(map), Value::Object(extra)) = (&mut schema, extra) {
        map.extend(extra);
    }
    schema
}

/// `then` limits the key names to `names` when `when` holds.
fn names_when(when: Value, names: &[&str]) -> Value {
    json!({ "if": when, "then": { "propertyNames": { "enum": names } } })
}

/// Per-distribution key names: `dist` and the distribution's parameters,
/// plus `extra`; when `per` is `Some(given)`, only for tables that give
/// `per` (or do not).
fn dist_names(extra: &[&str], per: Option<bool>) -> Vec<Value> {
    values::DISTS
        .iter()
        .map(|name| {
            let mut names = vec!["dist"];
            names.extend(values::params(name).iter().map(|(k, _)| *k));
            names.extend_from_slice(extra);
            let when = match per {
                None => {
                    json!({ "properties": { "dist": { "const": name } }, "required": ["dist"] })
                }
                Some(true) => json!({
                    "properties": { "dist": { "const": name } }, "required": ["dist", "per"]
                }),
                Some(false) => json!({
                    "properties": { "dist": { "const": name } }, "required": ["dist"],
                    "not": { "required": ["per"] }
                }),
            };
            names_when(when, &names)
        })
        .collect()
}

/// How the format's distributions are written, from the parser's table of
/// their parameters.
fn dist_description() -> String {
    let each: Vec<String> = values::DISTS
        .iter()
        .map(|name| {
            let params: Vec<&str> = values::params(name).iter().map(|(k, _)| *k).collect();
            format!("{name} {{ {} }}", params.join(", "))
        })
        .collect();
    format!(
        "A distribution. Parameters by kind: {}; negbin takes mean with p90 or sd, lognormal median and p90 or mean and sd, choice's weights are optional (default equal). Any numeric parameter may itself be a distribution (drawn once per trial).",
        each.join("; ")
    )
}

/// The schema, or the keys the parser accepts that this module cannot
/// describe yet.
pub fn json_schema() -> Result<Value, Undescribed> {
    let mut undescribed = Vec::new();
    let u = &mut undescribed;

    // A workload: the keys of every kind, limited to its kind's, with the
    // kind's required keys.
    let kinds: Vec<Value> = workload::KINDS
        .iter()
        .map(|kind| {
            let mut names = names(workload::COMMON_KEYS);
            names.extend(workload::kind_keys(kind));
            json!({
                "if": { "properties": { "kind": { "const": kind } }, "required": ["kind"] },
                "then": {
                    "propertyNames": { "enum": names },
                    "required": required(workload::kind_key_table(kind)),
                },
            })
        })
        .collect();
    let by_kind: Vec<String> = workload::KINDS
        .iter()
        .map(|kind| format!("{kind}: {}", required(workload::kind_key_table(kind)).join(", ")))
        .collect();
    let workload = closed(
        Table::Workload,
        u,
        json!({
            "required": required(workload::COMMON_KEYS),
            "allOf": kinds,
            "description": format!(
                "A workload. Required keys by kind: {} (and {} for all).",
                by_kind.join("; "),
                required(workload::COMMON_KEYS).join(", ")
            ),
        }),
    );

    // A distribution's parameters may be distributions (drawn once per
    // trial); `values` and `weights` belong to `choice`. The object rules
    // apply to tables only, so `parameter`, `value`, `draw` and `seconds`
    // accept numbers (and durations) through the same definition.
    let dist_rules = |table: Table, u: &mut Vec<String>, names: Vec<Value>, required: Value| {
        let mut rules = json!({
            "additionalProperties": false,
            "properties": properties(table, u),
            "allOf": names,
        });
        if let (Value::Object(map), Value::Object(required)) = (&mut rules, required) {
            map.extend(required);
        }
        rules
    };
    let dist = dist_rules(
        Table::Dist,
        u,
        dist_names(&[], None),
        json!({ "required": ["dist"], "description": dist_description() }),
    );
    // A volume's distribution has `per` (a count per unit of time, which
    // may change day by day) or not (a count for the whole period).
    let mut volume_names = dist_names(values::VOLUME_RATE_DIST_EXTRA, Some(true));
    volume_names.extend(dist_names(values::VOLUME_DIST_EXTRA, Some(false)));
    let mut volume_rules = dist_rules(Table::Volume, u, volume_names, json!({}));
    if let Value::Object(map) = &mut volume_rules
        && let Some(Value::Array(all)) = map.get_mut("allOf")
    {
        all.push(names_when(json!({ "not": { "required": ["dist"] } }), values::VOLUME_KEYS));
    }
    // The table rules of `definition` (which name no type, so that they
    // hold for tables only) for a value of these types.
    let with_type = |types: Value, definition: &str, description: &str| {
        json!({
            "type": types,
            "allOf": [reference(definition)],
            "description": description,
        })
    };

    let mut definitions = Map::new();
    let mut define = |name: &str, schema: Value| {
        definitions.insert(name.to_owned(), schema);
    };
    define("dist", dist);
    define("volume_table", volume_rules);
    define("scenario", closed(Table::Scenario, u, json!({ "required": ["name"] })));
    define("wallet", closed(Table::Wallet, u, json!({ "required": ["name"] })));
    define("workload", workload);
    let needs = |table: &[(&'static str, Need)]| json!({ "required": required(table) });
    define("failures", closed(Table::Failures, u, needs(workload::FAILURES_KEYS)));
    define("timeout", closed(Table::Timeout, u, needs(workload::TIMEOUT_KEYS)));
    define("context", closed(Table::Context, u, needs(workload::CONTEXT_KEYS)));
    define("cache", closed(Table::Cache, u, needs(workload::CACHE_KEYS)));
    define("tools", closed(Table::Tools, u, needs(workload::TOOLS_KEYS)));
    define("poll", closed(Table::Poll, u, needs(workload::POLL_KEYS)));
    define("ramp", closed(Table::Ramp, u, needs(values::RAMP_KEYS)));
    // Exactly one growth rate: at least one key, and any one given rules
    // out the others (said of each other key, where an editor shows it).
    let growth_keys: Vec<&str> = values::GROWTH_KEYS.iter().map(|(k, _)| *k).collect();
    let one_rate: Vec<Value> = growth_keys
        .iter()
        .map(|given| {
            let others: Map<String, Value> = growth_keys
                .iter()
                .filter(|k| *k != given)
                .map(|k| ((*k).to_owned(), Value::Bool(false)))
                .collect();
            json!({ "if": { "required": [given] }, "then": { "properties": others } })
        })
        .collect();
    define("growth", closed(Table::Growth, u, json!({ "minProperties": 1, "allOf": one_rate })));
    define("model", closed(Table::Model, u, json!({})));
    define("long_context", closed(Table::LongContext, u, json!({})));
    define("audio", closed(Table::Audio, u, json!({})));
    define(
        "duration",
        json!({
            "type": ["string", "number"],
            "pattern": duration_pattern(&duration_units()),
            "minimum": 0,
            "description": "A duration: \"20s\", \"4m\" or \"4min\" (minutes), \"2h\", \"1d\", \"1w\", \"1mo\" (30 days), \"1y\" (365 days), or a number of seconds."
        }),
    );
    define(
        "period",
        json!({
            "oneOf": [
                {
                    "type": "string",
                    "pattern": duration_pattern(&period_units()),
                    "description": "A length: \"30d\", \"12h\", \"90min\", \"1w\", \"1mo\" (30 days), \"1y\" (365 days). `m` is refused: write min or mo."
                },
                {
                    "type": "string",
                    "pattern": CALENDAR_PATTERN,
                    "description": "A calendar period: a month \"2026-12\" (31 days), a quarter \"2026-Q1\" or a year \"2027\"; it starts on its first day, which is the default `prices` date."
                },
                { "type": "number", "exclusiveMinimum": 0, "description": "Seconds." }
            ],
            "description": "What one trial simulates: a length such as \"30d\" (default), or a calendar month, quarter or year such as \"2026-12\"."
        }),
    );
    define(
        "parameter",
        with_type(
            json!(["number", "string", "object"]),
            "dist",
            "A number (a duration for time keys) or a distribution drawn once per trial.",
        ),
    );
    define(
        "value",
        with_type(
            json!(["number", "object"]),
            "dist",
            "A number, or a distribution drawn once per trial (an uncertain assumption).",
        ),
    );
    define(
        "draw",
        with_type(
            json!(["number", "object"]),
            "dist",
            "A fixed number, or a distribution sampled at the key's grain (per request, turn or session).",
        ),
    );
    define(
        "seconds",
        with_type(
            json!(["number", "string", "object"]),
            "dist",
            "A duration (\"20s\" or seconds), or a distribution of durations sampled at the key's grain.",
        ),
    );
    define(
        "volume",
        with_type(
            json!(["number", "object"]),
            "volume_table",
            "A count for the period; { per = \"day\", mean = 60 }: Poisson arrivals at that rate; with `per` and `dist`, that count distribution per unit of time; ramp = { from, to }, growth = { per_week = … } with mean (or with a dist per day), or daily = [...] for a rate that changes day by day; with `dist` alone, a count distribution for the whole period.",
        ),
    );
    // A count is never negative (the minimum holds for numbers only).
    if let Some(Value::Object(volume)) = definitions.get_mut("volume") {
        volume.insert("minimum".into(), json!(0));
    }

    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": "Generated from the parser's key tables by costintent_scenario::schema::json_schema(); do not edit by hand. Regenerate: COSTINTENT_WRITE_SCHEMA=1 cargo test -p costintent-scenario --test schema",
        "title": "costintent scenario (format v1)",
        "description": "A costintent scenario: workloads whose AI API spend is simulated. See README.md, 'Scenario reference'.",
        "type": "object",
        "required": ["scenario", "workload"],
        "additionalProperties": false,
        "properties": properties(Table::Top, u),
        "definitions": definitions,
    });
    if undescribed.is_empty() { Ok(schema) } else { Err(Undescribed { keys: undescribed }) }
}
