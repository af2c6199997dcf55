//! Structure-aware scenario inputs: a valid scenario (a bundled one, or a
//! test fixture with every kind and key), changed by a few edits of its
//! TOML tree that the fuzzer's bytes choose, and possibly a `--vary`-style
//! override.
//!
//! Random text mostly stops at the TOML parser; edits of a valid tree reach
//! the validator's checks of every key and, when the result is still
//! valid, the engine. The edits set, delete, insert, rename, copy and swap
//! values, nudge numbers to the edges of their range (0, negative, huge,
//! NaN, infinite, just above or below a bound) and duplicate or drop
//! workloads. Keys and keywords come from `scenarios/schema.json`, so keys
//! added to the format are fuzzed as soon as the schema has them.

use std::sync::OnceLock;

use costintent_scenario::Override;
use toml::{Table, Value};

/// The valid scenarios edits start from.
const BASES: &[&str] = &[
    include_str!("../../scenarios/coding-agent.toml"),
    include_str!("../../scenarios/coding-agent-openrouter.toml"),
    include_str!("../../scenarios/image-feature.toml"),
    include_str!("../../scenarios/video-product.toml"),
    include_str!("../../scenarios/voice-bot.toml"),
    include_str!("../../scenarios/batch-job.toml"),
    include_str!("../../scenarios/mixed.toml"),
    include_str!("../../scenarios/small-prepaid-test.toml"),
    include_str!("../../crates/costintent-scenario/tests/fixtures/parse/every_kind.toml"),
    include_str!("../../crates/costintent-scenario/tests/fixtures/parse/catalog_models.toml"),
    include_str!("../../crates/costintent-scenario/tests/fixtures/parse/example.toml"),
    // A calendar period and rates that ramp up; every key of the format,
    // rate profiles (ramp, growth, daily) among them.
    include_str!("../../scenarios/launch.toml"),
    include_str!("../../crates/costintent-scenario/tests/fixtures/schema/every_key.toml"),
];

const SCHEMA: &str = include_str!("../../scenarios/schema.json");

/// One structured input: the scenario text and its overrides.
#[derive(Clone, Debug)]
pub struct Case {
    /// The edited scenario, as TOML.
    pub text: String,
    /// Overrides applied when it is loaded.
    pub overrides: Vec<Override>,
}

impl Case {
    /// The case as one TOML file: the overrides as comment lines at the
    /// top (the form `fuzz/regressions` keeps; see `scenario::overrides_in`).
    pub fn to_file(&self) -> String {
        let mut out = String::new();
        for o in &self.overrides {
            // An override value with a line break cannot be a comment line;
            // TOML values need none.
            let value = o.value.replace('\n', " ");
            out.push_str(&format!("{}{} = {value}\n", crate::scenario::OVERRIDE_LINE, o.path));
        }
        out.push_str(&self.text);
        out
    }
}

/// The case `data` describes; `None` when the bytes do not make one (an
/// edit produced a tree TOML cannot write).
pub fn case(data: &[u8]) -> Option<Case> {
    let mut bytes = Bytes { data, at: 0 };
    let base = BASES[bytes.below(BASES.len())];
    let mut root: Table = toml::from_str(base).ok()?;
    let edits = 1 + bytes.below(6);
    for _ in 0..edits {
        edit(&mut root, &mut bytes);
    }
    let overrides =
        if bytes.byte().is_multiple_of(4) { vec![an_override(&root, &mut bytes)] } else { vec![] };
    let text = toml::to_string(&root).ok()?;
    Some(Case { text, overrides })
}

/// The fuzzer's bytes, read as choices; zeros once they run out.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A choice in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        if n <= 256 { usize::from(self.byte()) % n } else { usize::from(self.u16()) % n }
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

/// A step of a path in the tree.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path to a value, depth first.
fn paths(root: &Table) -> Vec<Vec<Step>> {
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match value {
            Value::Table(t) => {
                for (k, v) in t {
                    path.push(Step::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut path = Vec::new();
    for (k, v) in root {
        path.push(Step::Key(k.clone()));
        walk(v, &mut path, &mut out);
        path.pop();
    }
    out
}

fn get_mut<'a>(root: &'a mut Table, path: &[Step]) -> Option<&'a mut Value> {
    let (Step::Key(first), rest) = path.split_first()? else { return None };
    let mut value = root.get_mut(first)?;
    for step in rest {
        value = match (step, value) {
            (Step::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The table or array holding `path`'s value, and the step to it.
fn parent_mut<'a>(root: &'a mut Table, path: &'a [Step]) -> Option<(Parent<'a>, &'a Step)> {
    let (last, init) = path.split_last()?;
    if init.is_empty() {
        return Some((Parent::Table(root), last));
    }
    match get_mut(root, init)? {
        Value::Table(t) => Some((Parent::Table(t), last)),
        Value::Array(a) => Some((Parent::Array(a), last)),
        _ => None,
    }
}

enum Parent<'a> {
    Table(&'a mut Table),
    Array(&'a mut Vec<Value>),
}

fn edit(root: &mut Table, bytes: &mut Bytes<'_>) {
    let all = paths(root);
    if all.is_empty() {
        return;
    }
    let path = bytes.pick(&all).clone();
    match bytes.byte() % 9 {
        // Replace the value.
        0 | 1 => {
            let value = a_value(root, bytes);
            if let Some(v) = get_mut(root, &path) {
                *v = value;
            }
        }
        // Nudge a number (or a duration) to an edge.
        2 | 3 => {
            let factor = *bytes.pick(&FACTORS);
            let shift = *bytes.pick(&[0.0, 1.0, -1.0, 0.5, 1e-9]);
            if let Some(v) = get_mut(root, &path) {
                nudge(v, factor, shift);
            }
        }
        // Delete the key or element.
        4 => match parent_mut(root, &path) {
            Some((Parent::Table(t), Step::Key(k))) => {
                t.remove(k);
            }
            Some((Parent::Array(a), Step::Index(i))) if *i < a.len() => {
                a.remove(*i);
            }
            _ => {}
        },
        // Insert a key of the format into this table.
        5 => {
            let key = bytes.pick(&vocabulary().keys).clone();
            let value = a_value(root, bytes);
            if let Some(Value::Table(t)) = get_mut(root, &path) {
                t.insert(key, value);
            } else if let Some((Parent::Table(t), _)) = parent_mut(root, &path) {
                t.insert(key, value);
            }
        }
        // Rename the key.
        6 => {
            let key = bytes.pick(&vocabulary().keys).clone();
            if let Some((Parent::Table(t), Step::Key(k))) = parent_mut(root, &path)
                && let Some(v) = t.remove(k)
            {
                t.insert(key, v);
            }
        }
        // Duplicate an array element (a workload, a wallet, a choice value).
        7 => {
            let rename = bytes.byte();
            if let Some((Parent::Array(a), Step::Index(i))) = parent_mut(root, &path)
                && let Some(item) = a.get(*i).cloned()
            {
                let mut item = item;
                if let Value::Table(t) = &mut item
                    && rename.is_multiple_of(2)
                    && let Some(Value::String(name)) = t.get_mut("name")
                {
                    name.push_str("-copy");
                }
                a.push(item);
            }
        }
        // Swap with another value of the tree.
        _ => {
            let other = bytes.pick(&all).clone();
            let a = get_mut(root, &path).cloned();
            let b = get_mut(root, &other).cloned();
            if let (Some(a), Some(b)) = (a, b) {
                if let Some(v) = get_mut(root, &path) {
                    *v = b;
                }
                if let Some(v) = get_mut(root, &other) {
                    *v = a;
                }
            }
        }
    }
}

const FACTORS: [f64; 14] = [
    0.0,
    -1.0,
    2.0,
    10.0,
    1e3,
    1e6,
    1e9,
    1e15,
    1e300,
    1e-6,
    0.999_999,
    1.000_001,
    f64::NAN,
    f64::INFINITY,
];

fn nudge(value: &mut Value, factor: f64, shift: f64) {
    match value {
        Value::Integer(i) => {
            let x = (*i as f64) * factor + shift;
            *value = if x.fract() == 0.0 && x.abs() < 9.2e18 {
                Value::Integer(x as i64)
            } else {
                Value::Float(x)
            };
        }
        Value::Float(x) => *x = *x * factor + shift,
        Value::String(s) => {
            // A duration: scale its amount, keep its unit.
            let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
            if let Ok(amount) = s[..split].trim().parse::<f64>() {
                *s = format!("{}{}", amount * factor + shift, &s[split..]);
            }
        }
        Value::Table(t) => {
            if let Some((_, v)) = t.iter_mut().next() {
                nudge(v, factor, shift);
            }
        }
        _ => {}
    }
}

/// A value to put somewhere: an edge number, a keyword, a duration, a
/// distribution or volume table, or a copy of a value elsewhere in the tree.
fn a_value(root: &Table, bytes: &mut Bytes<'_>) -> Value {
    match bytes.byte() % 8 {
        0 | 1 => Value::Float(*bytes.pick(&NUMBERS)),
        2 => Value::Integer(*bytes.pick(&INTEGERS)),
        3 => Value::String(bytes.pick(&vocabulary().words).clone()),
        4 => Value::String((*bytes.pick(&STRINGS)).to_owned()),
        5 => Value::Table(a_distribution(bytes, 0)),
        6 => {
            let mut t = Table::new();
            t.insert(
                "per".into(),
                Value::String((*bytes.pick(&["hour", "day", "week", "month", "year"])).into()),
            );
            if bytes.byte().is_multiple_of(3) {
                t.extend(a_distribution(bytes, 1));
            } else {
                t.insert("mean".into(), Value::Float(*bytes.pick(&NUMBERS)));
            }
            Value::Table(t)
        }
        _ => {
            let all = paths(root);
            if all.is_empty() {
                return Value::Boolean(true);
            }
            let path = bytes.pick(&all).clone();
            let mut copy = root.clone();
            get_mut(&mut copy, &path).cloned().unwrap_or(Value::Boolean(false))
        }
    }
}

const NUMBERS: [f64; 22] = [
    0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    3.0,
    60.0,
    1000.0,
    1e6,
    1e9,
    1e12,
    1e15,
    1e300,
    -1e300,
    1e-9,
    5e-324,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.999_999_9,
    3600.0,
    86_400.0,
];

const INTEGERS: [i64; 10] = [0, 1, -1, 2, 20, 255, 65_536, 4_294_967_296, i64::MAX, i64::MIN];

const STRINGS: [&str; 16] = [
    "",
    "30d",
    "7d",
    "12h",
    "1w",
    "0s",
    "5m",
    "1h",
    "20s",
    "-5s",
    "1e400d",
    "nan",
    "1.5h",
    "\u{1b}[31mred",
    "2026-11-01",
    "x/y",
];

/// A distribution table with parameters that may themselves be
/// distributions.
fn a_distribution(bytes: &mut Bytes<'_>, depth: usize) -> Table {
    const DISTS: [&str; 9] = [
        "poisson",
        "negbin",
        "geometric",
        "lognormal",
        "normal",
        "uniform",
        "gamma",
        "beta",
        "choice",
    ];
    const PARAMS: [&str; 8] = ["mean", "median", "p90", "sd", "min", "max", "values", "weights"];
    let mut t = Table::new();
    t.insert("dist".into(), Value::String((*bytes.pick(&DISTS)).into()));
    let n = 1 + bytes.below(3);
    for _ in 0..n {
        let key = *bytes.pick(&PARAMS);
        let value = match (key, bytes.byte() % 5) {
            ("values" | "weights", _) => {
                let len = bytes.below(4);
                Value::Array((0..len).map(|_| Value::Float(*bytes.pick(&NUMBERS))).collect())
            }
            (_, 0) if depth < 5 => Value::Table(a_distribution(bytes, depth + 1)),
            (_, 1) => Value::String((*bytes.pick(&STRINGS)).into()),
            _ => Value::Float(*bytes.pick(&NUMBERS)),
        };
        t.insert(key.into(), value);
    }
    t
}

/// A `--vary`-style override of a key that exists in the tree.
fn an_override(root: &Table, bytes: &mut Bytes<'_>) -> Override {
    let mut names: Vec<String> = vec!["scenario".into()];
    if let Some(Value::Array(ws)) = root.get("workload") {
        for w in ws {
            if let Some(Value::String(n)) = w.get("name") {
                names.push(n.clone());
            }
        }
    }
    let name = bytes.pick(&names).clone();
    let key = bytes.pick(&vocabulary().keys).clone();
    let path = if bytes.byte().is_multiple_of(3) {
        format!("{name}.{key}.{}", bytes.pick(&vocabulary().keys))
    } else {
        format!("{name}.{key}")
    };
    let value = match a_value(root, bytes) {
        Value::String(s) if bytes.byte().is_multiple_of(2) => s, // not TOML: a bare word
        v => v.to_string(),
    };
    Override { path, value }
}

/// Keys and keywords of the format, from the schema.
struct Vocabulary {
    keys: Vec<String>,
    words: Vec<String>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap_or_default();
        let mut keys = std::collections::BTreeSet::new();
        let mut words = std::collections::BTreeSet::new();
        collect(&schema, &mut keys, &mut words);
        let catalog = costintent_scenario::Catalog::embedded();
        words.extend(catalog.model_ids().into_iter().map(str::to_owned));
        words.extend(catalog.wallet_preset_names().into_iter().map(str::to_owned));
        keys.insert("no_such_key".into());
        words.insert("no-such-word".into());
        Vocabulary { keys: keys.into_iter().collect(), words: words.into_iter().collect() }
    })
}

fn collect(
    schema: &serde_json::Value,
    keys: &mut std::collections::BTreeSet<String>,
    words: &mut std::collections::BTreeSet<String>,
) {
    match schema {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "properties"
                    && let serde_json::Value::Object(props) = v
                {
                    keys.extend(props.keys().cloned());
                }
                if k == "enum" || k == "const" {
                    let values = match v {
                        serde_json::Value::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    };
                    words.extend(values.iter().filter_map(|w| w.as_str().map(str::to_owned)));
                }
                collect(v, keys, words);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, keys, words)),
        _ => {}
    }
}
