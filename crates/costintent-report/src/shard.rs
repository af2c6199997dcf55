//! Shard files (`costintent run --shard I/N`): one contiguous range of a
//! run's trials, written by one machine of a batch job and merged into the
//! single run's report by `costintent merge`.
//!
//! # Format `costintent.shard/v1`
//!
//! ```text
//! bytes 0..17   the magic line  "costintent-shard\n"
//! bytes 17..21  H, the header's length in bytes (u32, little-endian)
//! next H bytes  the header, UTF-8 JSON (below)
//! the rest      each step's payload, in the header's order, of the
//!               length its `bytes` gives
//! ```
//!
//! The header says what was run and which part of it this shard is:
//! `schema` (`costintent.shard/v1`), `scenario` (`file` as given, `hash`
//! an FNV-1a 64 of the scenario text and the catalog file text, `text`,
//! `catalog`: the `--catalog` file's text or null, `today` and the
//! resolved `prices_date`), `run` (`seed`, `trials` of the whole run,
//! `scale`, `mode` `auto` or `exact`, `budget` given with `--budget` or
//! null, `storage` `trials` or `sketch`), `shard` (`index` from 0, `count`,
//! `first_trial`, `trials`) and `steps`: the runs the report needs (the
//! prepaid test plan's 1% and 10% steps and the 100% run), each with
//! `percent`, `clamped_draws`, `methods` (how each workload's trials were
//! simulated), the `workloads` (name and billing-unit keys), the `wallets`
//! and the payload's `bytes`. Non-integer numbers are strings (Rust's
//! shortest round-trip text), so that they read back bit for bit.
//!
//! A `trials` payload holds every trial's value of every column as an
//! `f64`, little-endian, column after column (bit-exact, so a merge
//! reproduces the single run to the last bit): `total`; per workload in
//! order `spend`, `waste`, `attempts`, `requests`, `lost`, then per billing
//! unit its quantity and USD; per wallet `topups`, `purchase_fees`,
//! `usage_fees`, `credits_bought`, `credits_used`. A `sketch` payload is a
//! [`SketchedOutcomes`](crate::SketchedOutcomes) in its own encoding.
//!
//! Merging checks that every shard comes from the same scenario, catalog,
//! seed, trial count, scale, mode, budget and storage, and that the indices
//! `0..count` are each there exactly once.

use costintent_scenario::Date;
use costintent_sim::{Method, Outcomes, Unit, UnitSeries, WalletOutcome, WorkloadOutcome};
use serde_json::{Value, json};

use crate::sketch::SketchedOutcomes;

/// The schema id in every shard file's header.
pub const SHARD_SCHEMA: &str = "costintent.shard/v1";

/// The first bytes of every shard file.
const MAGIC: &[u8] = b"costintent-shard\n";

/// The scenario a shard was run from, as the merge needs it to load the
/// scenario again.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardScenario {
    /// The scenario file as the user named it (for messages).
    pub file: String,
    /// The scenario file's text.
    pub text: String,
    /// The `--catalog` file's text, if one was given.
    pub catalog: Option<String>,
    /// The day that counted as today (the default prices date).
    pub today: Date,
    /// The prices date the scenario resolved to.
    pub prices_date: Date,
}

impl ShardScenario {
    /// FNV-1a 64 of the scenario and catalog texts, as 16 hex digits: a
    /// short name for "the same inputs" in messages (the texts themselves
    /// are compared too).
    pub fn hash(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        feed(self.text.as_bytes());
        feed(&[0xff]);
        if let Some(catalog) = &self.catalog {
            feed(catalog.as_bytes());
        }
        format!("{hash:016x}")
    }
}

/// How the whole run was made (the same in every shard of it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShardRun {
    /// Master seed.
    pub seed: u64,
    /// Trials of the whole run.
    pub trials: u64,
    /// `--scale`.
    pub scale: f64,
    /// `--exact`.
    pub exact: bool,
    /// `--budget`, when given.
    pub budget: Option<f64>,
    /// `--sketch`: sketches instead of every trial.
    pub sketch: bool,
}

/// Which part of the run a shard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardIndex {
    /// From 0.
    pub index: u64,
    /// Shards in the run.
    pub count: u64,
}

impl ShardIndex {
    /// The trial range `first .. end` of this shard of a run of `trials`:
    /// contiguous ranges that differ in size by at most one trial.
    pub fn range(&self, trials: u64) -> (u64, u64) {
        let at = |i: u64| ((u128::from(i) * u128::from(trials)) / u128::from(self.count)) as u64;
        (at(self.index), at(self.index + 1))
    }
}

/// One run a report needs, for this shard's trials.
#[derive(Clone, Debug, PartialEq)]
pub enum StepData {
    /// Every trial.
    Trials(Outcomes),
    /// Sketches of the trials.
    Sketch(Box<SketchedOutcomes>),
}

/// One run (a step of the test plan, or the 100% run) of a shard.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardStep {
    /// Percent of the scenario's volume.
    pub percent: f64,
    /// The step's outcomes over the shard's trials.
    pub data: StepData,
}

/// A shard: what was run, which trials, and their outcomes.
#[derive(Clone, Debug, PartialEq)]
pub struct Shard {
    /// The scenario.
    pub scenario: ShardScenario,
    /// The run.
    pub run: ShardRun,
    /// Which shard.
    pub index: ShardIndex,
    /// The steps, smallest percent first; the last is the 100% run.
    pub steps: Vec<ShardStep>,
}

/// Why bytes are not a shard file, or shards do not make one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl ShardError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self { message: message.into(), help: help.into() }
    }

    fn corrupt(message: impl Into<String>) -> Self {
        Self::new(
            message,
            "run the shard again; a shard file is written whole or not at all, so this one was changed after it was written",
        )
    }
}

impl std::fmt::Display for ShardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShardError {}

impl Shard {
    /// The trials of this shard.
    pub fn trials(&self) -> u64 {
        let (first, end) = self.index.range(self.run.trials);
        end - first
    }

    /// The shard file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let payloads: Vec<Vec<u8>> = self
            .steps
            .iter()
            .map(|step| match &step.data {
                StepData::Trials(outcomes) => encode_columns(outcomes),
                StepData::Sketch(sketch) => sketch.to_bytes(),
            })
            .collect();
        let (first, _) = self.index.range(self.run.trials);
        let steps: Vec<Value> = self
            .steps
            .iter()
            .zip(&payloads)
            .map(|(step, payload)| {
                let (workloads, wallets, clamped, methods) = match &step.data {
                    StepData::Trials(o) => shape(o),
                    StepData::Sketch(s) => (s.workload_shapes(), s.wallet_names(), 0, Vec::new()),
                };
                json!({
                    "percent": number(step.percent),
                    "clamped_draws": clamped,
                    "methods": methods.iter().map(method_json).collect::<Vec<_>>(),
                    "workloads": workloads.iter().map(|(name, units)| json!({
                        "name": name,
                        "units": units.iter().map(|u| u.json_key()).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                    "wallets": wallets,
                    "bytes": payload.len(),
                })
            })
            .collect();
        let header = json!({
            "schema": SHARD_SCHEMA,
            "scenario": {
                "file": self.scenario.file,
                "hash": self.scenario.hash(),
                "text": self.scenario.text,
                "catalog": self.scenario.catalog,
                "today": self.scenario.today.to_string(),
                "prices_date": self.scenario.prices_date.to_string(),
            },
            "run": {
                "seed": self.run.seed,
                "trials": self.run.trials,
                "scale": number(self.run.scale),
                "mode": if self.run.exact { "exact" } else { "auto" },
                "budget": self.run.budget.map(number),
                "storage": if self.run.sketch { "sketch" } else { "trials" },
            },
            "shard": {
                "index": self.index.index,
                "count": self.index.count,
                "first_trial": first,
                "trials": self.trials(),
            },
            "steps": steps,
        });
        let header = header.to_string().into_bytes();
        let mut bytes = Vec::with_capacity(
            MAGIC.len() + 4 + header.len() + payloads.iter().map(Vec::len).sum::<usize>(),
        );
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&header);
        for payload in payloads {
            bytes.extend_from_slice(&payload);
        }
        bytes
    }

    /// Reads a shard file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Shard, ShardError> {
        let Some(rest) = bytes.strip_prefix(MAGIC) else {
            return Err(ShardError::new(
                "this is not a costintent shard file (it does not start with `costintent-shard`)",
                "give the folders that `costintent run --shard I/N --out DIR` wrote",
            ));
        };
        let (len, rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| ShardError::corrupt("the shard file ends inside its header"))?;
        let len = u32::from_le_bytes(*len) as usize;
        if rest.len() < len {
            return Err(ShardError::corrupt("the shard file ends inside its header"));
        }
        let (header, mut payload) = rest.split_at(len);
        let header: Value = serde_json::from_slice(header).map_err(|e| {
            ShardError::corrupt(format!("the shard file's header is not JSON: {e}"))
        })?;
        let schema = header["schema"].as_str().unwrap_or("");
        if schema != SHARD_SCHEMA {
            return Err(ShardError::new(
                format!(
                    "the shard file's format is `{schema}`, and this costintent reads `{SHARD_SCHEMA}`"
                ),
                "merge shards with the costintent version that wrote them, or run the shards again",
            ));
        }
        let field = Fields(&header);
        let scenario = ShardScenario {
            file: field.string("/scenario/file")?,
            text: field.string("/scenario/text")?,
            catalog: match header.pointer("/scenario/catalog") {
                Some(Value::Null) | None => None,
                Some(_) => Some(field.string("/scenario/catalog")?),
            },
            today: field.date("/scenario/today")?,
            prices_date: field.date("/scenario/prices_date")?,
        };
        if field.string("/scenario/hash")? != scenario.hash() {
            return Err(ShardError::corrupt(
                "the shard file's scenario text does not match its hash",
            ));
        }
        let run = ShardRun {
            seed: field.u64("/run/seed")?,
            trials: field.u64("/run/trials")?,
            scale: field.f64("/run/scale")?,
            exact: match field.string("/run/mode")?.as_str() {
                "exact" => true,
                "auto" => false,
                other => return Err(ShardError::corrupt(format!("unknown mode `{other}`"))),
            },
            budget: match header.pointer("/run/budget") {
                Some(Value::Null) | None => None,
                Some(_) => Some(field.f64("/run/budget")?),
            },
            sketch: match field.string("/run/storage")?.as_str() {
                "sketch" => true,
                "trials" => false,
                other => return Err(ShardError::corrupt(format!("unknown storage `{other}`"))),
            },
        };
        let index =
            ShardIndex { index: field.u64("/shard/index")?, count: field.u64("/shard/count")? };
        if index.count == 0 || index.index >= index.count || run.trials < index.count {
            return Err(ShardError::corrupt(format!(
                "shard {}/{} of {} trials is not a valid shard",
                index.index, index.count, run.trials
            )));
        }
        let (first, end) = index.range(run.trials);
        if field.u64("/shard/first_trial")? != first || field.u64("/shard/trials")? != end - first {
            return Err(ShardError::corrupt("the shard's trial range is not its index's"));
        }
        let Some(steps_json) = header["steps"].as_array() else {
            return Err(ShardError::corrupt("the shard file's header has no steps"));
        };
        let mut steps = Vec::with_capacity(steps_json.len());
        for (i, step) in steps_json.iter().enumerate() {
            let at = |key: &str| format!("/steps/{i}/{key}");
            let bytes = usize::try_from(field.u64(&at("bytes"))?).unwrap_or(usize::MAX);
            if payload.len() < bytes {
                return Err(ShardError::corrupt("the shard file is shorter than its header says"));
            }
            let (body, rest) = payload.split_at(bytes);
            payload = rest;
            let workloads = workload_shapes(step)?;
            let wallets: Vec<String> = step["wallets"]
                .as_array()
                .map(|a| a.iter().filter_map(|w| w.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let data = if run.sketch {
                StepData::Sketch(Box::new(SketchedOutcomes::from_bytes(body).ok_or_else(|| {
                    ShardError::corrupt("a sketch in the shard file cannot be read")
                })?))
            } else {
                let methods = step["methods"]
                    .as_array()
                    .map(|a| a.iter().map(parse_method).collect::<Option<Vec<_>>>())
                    .unwrap_or_default()
                    .ok_or_else(|| ShardError::corrupt("a method in the shard file is invalid"))?;
                let mut outcomes = decode_columns(body, end - first, first, &workloads, &wallets)?;
                outcomes.clamped_draws = field.u64(&at("clamped_draws"))?;
                outcomes.methods = methods;
                StepData::Trials(outcomes)
            };
            steps.push(ShardStep { percent: field.f64(&at("percent"))?, data });
        }
        if !payload.is_empty() {
            return Err(ShardError::corrupt("the shard file is longer than its header says"));
        }
        Ok(Shard { scenario, run, index, steps })
    }
}

/// Checks that `shards` are the whole of one run: the same inputs and
/// settings, every index `0..count` once. Returns them in index order.
pub fn check_shards(mut shards: Vec<(String, Shard)>) -> Result<Vec<Shard>, ShardError> {
    let Some((first_name, first)) = shards.first().cloned() else {
        return Err(ShardError::new(
            "no shards to merge",
            "give the shard folders: costintent merge shard-*/ --out report/",
        ));
    };
    let help = "merge only the shards of one run: the same scenario, catalog, --seed, --trials, --scale, --budget, --exact and --sketch";
    for (name, shard) in &shards[1..] {
        let mismatch = |what: String| {
            Err(ShardError::new(
                format!("{name} is not a shard of the same run as {first_name}: {what}"),
                help,
            ))
        };
        if shard.scenario.text != first.scenario.text
            || shard.scenario.catalog != first.scenario.catalog
        {
            return mismatch(format!(
                "it was run from a different scenario or catalog (hash {}, not {})",
                shard.scenario.hash(),
                first.scenario.hash()
            ));
        }
        if shard.scenario.prices_date != first.scenario.prices_date {
            return mismatch(format!(
                "its prices are of {}, not {} (the scenario has no `prices` date and the shards ran on different days)",
                shard.scenario.prices_date, first.scenario.prices_date
            ));
        }
        let (a, b) = (&shard.run, &first.run);
        let differs = [
            (a.seed != b.seed, format!("seed {}, not {}", a.seed, b.seed)),
            (a.trials != b.trials, format!("{} trials, not {}", a.trials, b.trials)),
            (a.scale.to_bits() != b.scale.to_bits(), format!("scale {}, not {}", a.scale, b.scale)),
            (a.exact != b.exact, format!("--exact {}, not {}", a.exact, b.exact)),
            (
                a.budget.map(f64::to_bits) != b.budget.map(f64::to_bits),
                format!("budget {:?}, not {:?}", a.budget, b.budget),
            ),
            (
                a.sketch != b.sketch,
                format!(
                    "it keeps {}, not {}",
                    if a.sketch { "sketches" } else { "every trial" },
                    if b.sketch { "sketches" } else { "every trial" }
                ),
            ),
            (
                shard.index.count != first.index.count,
                format!("it is one of {} shards, not {}", shard.index.count, first.index.count),
            ),
        ];
        if let Some((_, what)) = differs.into_iter().find(|(d, _)| *d) {
            return mismatch(what);
        }
    }
    shards.sort_by_key(|(_, s)| s.index.index);
    for pair in shards.windows(2) {
        if pair[0].1.index.index == pair[1].1.index.index {
            return Err(ShardError::new(
                format!(
                    "{} and {} are both shard {}/{}",
                    pair[0].0, pair[1].0, pair[0].1.index.index, pair[0].1.index.count
                ),
                "give each shard once",
            ));
        }
    }
    let count = first.index.count;
    let missing: Vec<String> = (0..count)
        .filter(|i| !shards.iter().any(|(_, s)| s.index.index == *i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(8).map(String::as_str).collect();
        return Err(ShardError::new(
            format!(
                "{} of the {count} shards {} missing: {}{}",
                missing.len(),
                if missing.len() == 1 { "is" } else { "are" },
                shown.join(", "),
                if missing.len() > shown.len() { ", …" } else { "" }
            ),
            "run the missing shards (costintent run --shard I/N --out DIR), then merge all of them",
        ));
    }
    Ok(shards.into_iter().map(|(_, s)| s).collect())
}

type WorkloadShape = (String, Vec<Unit>);

fn shape(o: &Outcomes) -> (Vec<WorkloadShape>, Vec<String>, u64, Vec<Method>) {
    (
        o.workloads
            .iter()
            .map(|w| (w.name.clone(), w.units.iter().map(|u| u.unit).collect()))
            .collect(),
        o.wallets.iter().map(|w| w.name.clone()).collect(),
        o.clamped_draws,
        o.methods.clone(),
    )
}

fn workload_shapes(step: &Value) -> Result<Vec<WorkloadShape>, ShardError> {
    let bad = || ShardError::corrupt("a workload in the shard file's header is invalid");
    let Some(list) = step["workloads"].as_array() else { return Err(bad()) };
    list.iter()
        .map(|w| {
            let name = w["name"].as_str().ok_or_else(bad)?.to_owned();
            let units = w["units"]
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|u| {
                    let key = u.as_str()?;
                    Unit::ALL.into_iter().find(|unit| unit.json_key() == key)
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(bad)?;
            Ok((name, units))
        })
        .collect()
}

/// The columns of `outcomes` in the order of the module documentation.
fn columns(outcomes: &Outcomes) -> Vec<&[f64]> {
    let mut columns: Vec<&[f64]> = vec![&outcomes.total];
    for w in &outcomes.workloads {
        columns.extend([&w.spend[..], &w.waste, &w.attempts, &w.requests, &w.lost]);
        for u in &w.units {
            columns.extend([&u.quantity[..], &u.usd]);
        }
    }
    for w in &outcomes.wallets {
        columns.extend([
            &w.topups[..],
            &w.purchase_fees,
            &w.usage_fees,
            &w.credits_bought,
            &w.credits_used,
        ]);
    }
    columns
}

fn encode_columns(outcomes: &Outcomes) -> Vec<u8> {
    let columns = columns(outcomes);
    let mut bytes = Vec::with_capacity(columns.iter().map(|c| c.len() * 8).sum());
    for column in columns {
        for value in column {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
    }
    bytes
}

fn decode_columns(
    body: &[u8],
    trials: u64,
    first_trial: u64,
    workloads: &[WorkloadShape],
    wallets: &[String],
) -> Result<Outcomes, ShardError> {
    let n = usize::try_from(trials).map_err(|_| ShardError::corrupt("too many trials"))?;
    let count = 1
        + workloads.iter().map(|(_, units)| 5 + 2 * units.len()).sum::<usize>()
        + 5 * wallets.len();
    if Some(body.len()) != count.checked_mul(n).and_then(|c| c.checked_mul(8)) {
        return Err(ShardError::corrupt(format!(
            "a step of the shard file holds {} bytes, not {count} columns of {n} trials",
            body.len()
        )));
    }
    let mut chunks = body.chunks_exact(n * 8).map(|column| {
        column
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            .collect::<Vec<f64>>()
    });
    let mut next = || chunks.next().unwrap_or_default();
    let total = next();
    let workloads = workloads
        .iter()
        .map(|(name, units)| WorkloadOutcome {
            name: name.clone(),
            spend: next(),
            waste: next(),
            attempts: next(),
            requests: next(),
            lost: next(),
            units: units
                .iter()
                .map(|&unit| UnitSeries { unit, quantity: next(), usd: next() })
                .collect(),
        })
        .collect();
    let wallets = wallets
        .iter()
        .map(|name| WalletOutcome {
            name: name.clone(),
            topups: next(),
            purchase_fees: next(),
            usage_fees: next(),
            credits_bought: next(),
            credits_used: next(),
        })
        .collect();
    Ok(Outcomes { first_trial, total, workloads, wallets, clamped_draws: 0, methods: Vec::new() })
}

fn method_json(method: &Method) -> Value {
    match method {
        Method::Exact { reason } => json!({"kind": "exact", "reason": reason}),
        Method::Fast { pool_units, min_units, mean_rse, fast_trials } => json!({
            "kind": "fast",
            "pool_units": pool_units,
            "min_units": number(*min_units),
            "mean_rse": number(*mean_rse),
            "fast_trials": fast_trials,
        }),
    }
}

fn parse_method(value: &Value) -> Option<Method> {
    match value["kind"].as_str()? {
        "exact" => Some(Method::Exact {
            reason: match &value["reason"] {
                Value::Null => None,
                reason => Some(reason.as_str()?.to_owned()),
            },
        }),
        "fast" => Some(Method::Fast {
            pool_units: value["pool_units"].as_u64()?,
            min_units: parse_number(&value["min_units"])?,
            mean_rse: parse_number(&value["mean_rse"])?,
            fast_trials: value["fast_trials"].as_u64()?,
        }),
        _ => None,
    }
}

/// A number of the header as text: Rust prints the shortest decimal that
/// reads back to the same `f64`, and reads it back exactly (a JSON number
/// may lose the last bit on the way).
fn number(x: f64) -> Value {
    Value::String(format!("{x:?}"))
}

fn parse_number(value: &Value) -> Option<f64> {
    value.as_str()?.parse().ok()
}

/// Typed access to the header's fields, with a message naming the field.
struct Fields<'a>(&'a Value);

impl Fields<'_> {
    fn get(&self, pointer: &str) -> Result<&Value, ShardError> {
        self.0.pointer(pointer).ok_or_else(|| {
            ShardError::corrupt(format!("the shard file's header has no `{pointer}`"))
        })
    }

    fn invalid(pointer: &str) -> ShardError {
        ShardError::corrupt(format!("the shard file's header has an invalid `{pointer}`"))
    }

    fn string(&self, pointer: &str) -> Result<String, ShardError> {
        self.get(pointer)?.as_str().map(str::to_owned).ok_or_else(|| Self::invalid(pointer))
    }

    fn u64(&self, pointer: &str) -> Result<u64, ShardError> {
        self.get(pointer)?.as_u64().ok_or_else(|| Self::invalid(pointer))
    }

    fn f64(&self, pointer: &str) -> Result<f64, ShardError> {
        parse_number(self.get(pointer)?).ok_or_else(|| Self::invalid(pointer))
    }

    fn date(&self, pointer: &str) -> Result<Date, ShardError> {
        self.string(pointer)?.parse().map_err(|_| Self::invalid(pointer))
    }
}
