//! The JSON Schema of the scenario format (`scenarios/schema.json`, which
//! editors with TOML schema support use to complete and check keys),
//! generated from the parser's own key tables.
//!
//! Every table's set of keys comes from the constant the parser checks that
//! table against (`SCENARIO_KEYS`, `kind_keys`, `params`, …), so a key the
//! parser accepts is in the schema as soon as it is in the parser's table.
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

use super::{TOP_KEYS, models, scenario, values, workload};
use crate::catalog::Catalog;

/// A duration written as a string: an amount and a unit.
const DURATION_PATTERN: &str = r"^\s*[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*(s|m|h|d|w)\s*$";

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
                let mut keys = workload::COMMON_KEYS.to_vec();
                for kind in workload::KINDS {
                    keys.extend_from_slice(workload::kind_keys(kind));
                }
                keys
            }
            Self::Failures => workload::FAILURES_KEYS.to_vec(),
            Self::Timeout => workload::TIMEOUT_KEYS.to_vec(),
            Self::Context => workload::CONTEXT_KEYS.to_vec(),
            Self::Cache => workload::CACHE_KEYS.to_vec(),
            Self::Tools => workload::TOOLS_KEYS.to_vec(),
            Self::Poll => workload::POLL_KEYS.to_vec(),
            Self::Volume => {
                let mut keys = values::VOLUME_KEYS.to_vec();
                keys.extend_from_slice(values::VOLUME_DIST_EXTRA);
                keys.extend(Self::Dist.keys());
                keys
            }
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
        (T::Scenario, "period") => {
            with_description(reference("duration"), "What one trial simulates, e.g. \"30d\".")
        }
        (T::Scenario, "trials") => json!({
            "type": "integer", "minimum": 1,
            "description": "Trials per run (--trials overrides; default 20000)."
        }),
        (T::Scenario, "seed") => json!({
            "type": "integer", "minimum": 0,
            "description": "Master seed (--seed overrides; default 42)."
        }),
        (T::Scenario, "prices") => json!({
            "type": "string",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "Catalog date YYYY-MM-DD (a TOML date or a string): prices in effect on this day (default today)."
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
            "Requests a month (30 days) without the usage fee before usage_fee_percent applies.",
        ),

        (T::Workload, "name") => string("Unique; also keys the workload's random stream."),
        (T::Workload, "kind") => keyword(workload::KINDS, "What the workload does."),
        (T::Workload, "model") => {
            string("provider/model from `costintent catalog list`, or a [models] table.")
        }
        (T::Workload, "via") => string("Name of the [[wallet]] this workload pays from."),
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
        (T::Workload, "size") => {
            string("image: size, as the model's prices name it (\"1024x1024\").")
        }
        (T::Workload, "quality") => string("image: quality, as the model's prices name it."),
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
/// plus `extra`.
fn dist_names(extra: &[&str]) -> Vec<Value> {
    values::DISTS
        .iter()
        .map(|name| {
            let mut names = vec!["dist"];
            names.extend(values::params(name).iter().map(|(k, _)| *k));
            names.extend_from_slice(extra);
            names_when(
                json!({ "properties": { "dist": { "const": name } }, "required": ["dist"] }),
                &names,
            )
        })
        .collect()
}

/// The schema, or the keys the parser accepts that this module cannot
/// describe yet.
pub fn json_schema() -> Result<Value, Undescribed> {
    let mut undescribed = Vec::new();
    let u = &mut undescribed;

    // A workload: the keys of every kind, limited to its kind's.
    let kinds: Vec<Value> = workload::KINDS
        .iter()
        .map(|kind| {
            let mut names = workload::COMMON_KEYS.to_vec();
            names.extend_from_slice(workload::kind_keys(kind));
            names_when(
                json!({ "properties": { "kind": { "const": kind } }, "required": ["kind"] }),
                &names,
            )
        })
        .collect();
    let workload = closed(
        Table::Workload,
        u,
        json!({ "required": ["name", "kind", "model"], "allOf": kinds }),
    );

    // A distribution's parameters may be distributions (drawn once per
    // trial); `values` and `weights` belong to `choice`. The object rules
    // apply to tables only, so `parameter`, `value`, `draw` and `seconds`
    // accept numbers (and durations) through the same definition.
    let dist_rules = |table: Table, u: &mut Vec<String>, extra: &[&str], required: Value| {
        let mut rules = json!({
            "additionalProperties": false,
            "properties": properties(table, u),
            "allOf": dist_names(extra),
        });
        if let (Value::Object(map), Value::Object(required)) = (&mut rules, required) {
            map.extend(required);
        }
        rules
    };
    let dist = dist_rules(Table::Dist, u, &[], json!({ "required": ["dist"] }));
    let mut volume_rules = dist_rules(Table::Volume, u, values::VOLUME_DIST_EXTRA, json!({}));
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
    define("failures", closed(Table::Failures, u, json!({ "required": ["rate", "billed"] })));
    define("timeout", closed(Table::Timeout, u, json!({ "required": ["after", "latency"] })));
    define(
        "context",
        closed(Table::Context, u, json!({ "required": ["start", "window", "compact_to"] })),
    );
    define("cache", closed(Table::Cache, u, json!({ "required": ["ttl", "gap"] })));
    define("tools", closed(Table::Tools, u, json!({ "required": ["calls", "output"] })));
    define("poll", closed(Table::Poll, u, json!({ "required": ["every"] })));
    define("model", closed(Table::Model, u, json!({})));
    define("long_context", closed(Table::LongContext, u, json!({})));
    define("audio", closed(Table::Audio, u, json!({})));
    define(
        "duration",
        json!({
            "type": ["string", "number"],
            "pattern": DURATION_PATTERN,
            "minimum": 0,
            "description": "A duration: \"20s\", \"4m\", \"2h\", \"1d\", \"1w\", or a number of seconds."
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
            "A count for the period; { per = \"day\", mean = 60 }: Poisson arrivals at that rate; with `per` and `dist`, that count distribution per unit of time; with `dist` alone, a count distribution for the whole period.",
        ),
    );

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
