//! `scenarios/schema.json` stays true to the parser.
//!
//! 1. The committed file is exactly what `schema::json_schema()` generates
//!    from the parser's key tables. After a change of the format, regenerate
//!    it with `COSTINTENT_WRITE_SCHEMA=1 cargo test -p costintent-scenario
//!    --test schema` (and describe a new key in `src/parse/schema.rs` when
//!    the generator says so).
//! 2. Every bundled scenario is valid against it (and against the parser).
//! 3. Independently of the key tables: at every table of the bundled
//!    scenarios and of `fixtures/schema/every_key.toml`, the keys the parser
//!    accepts (asked by adding an unknown key and reading the list its error
//!    gives) are exactly the keys the schema accepts there (asked with a
//!    JSON Schema validator, by adding each key of the format in turn). This
//!    catches a key accepted outside the key tables, or a table the
//!    generator places wrongly.
//! 4. Every key and keyword of the schema occurs in those files, so that
//!    (3) reaches every table, every kind and every distribution: a key
//!    added to the format must be added to `every_key.toml`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use costintent_scenario::{Catalog, Date, LoadOptions};
use serde_json::Value as Json;
use toml::Value as Toml;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_path() -> PathBuf {
    root().join("scenarios/schema.json")
}

fn generated() -> String {
    let schema = costintent_scenario::schema::json_schema().unwrap_or_else(|e| panic!("{e}"));
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_else(|e| panic!("{e}"));
    text.push('\n');
    text
}

fn committed() -> Json {
    if std::env::var_os("COSTINTENT_WRITE_SCHEMA").is_some() {
        // Being rewritten by the first test: check what it writes.
        return serde_json::from_str(&generated()).unwrap_or_else(|e| panic!("{e}"));
    }
    let text = std::fs::read_to_string(schema_path()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("scenarios/schema.json: {e}"))
}

/// The files whose tables are probed: the bundled scenarios and a fixture
/// with every key; each must be a valid scenario.
fn probed_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut add_dir = |dir: PathBuf, prefix: &str| {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let name =
                format!("{prefix}{}", path.file_name().unwrap_or_default().to_string_lossy());
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            files.push((name, text));
        }
    };
    add_dir(root().join("scenarios"), "scenarios/");
    add_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema"),
        "fixtures/schema/",
    );
    assert!(files.len() >= 9, "the bundled scenarios and the fixture");
    files
}

fn load(name: &str, text: &str) -> Result<(), String> {
    let catalog = Catalog::embedded();
    let today = Date::new(2026, 11, 29).unwrap_or_else(|e| panic!("{e:?}"));
    let options = LoadOptions { catalog: &catalog, today, overrides: &[] };
    costintent_scenario::load_str(name, text, &options).map(|_| ()).map_err(|d| d.render_plain())
}

/// TOML as the JSON a schema validator sees (dates become strings, as
/// editors validate them).
fn to_json(value: &Toml) -> Json {
    match value {
        Toml::String(s) => Json::String(s.clone()),
        Toml::Integer(i) => Json::from(*i),
        Toml::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Toml::Boolean(b) => Json::Bool(*b),
        Toml::Datetime(d) => Json::String(d.to_string()),
        Toml::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Toml::Table(t) => Json::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

fn validator(schema: &Json) -> jsonschema::Validator {
    jsonschema::draft7::new(schema).unwrap_or_else(|e| panic!("not a valid draft-07 schema: {e}"))
}

#[test]
fn the_committed_schema_is_the_one_generated_from_the_key_tables() {
    let want = generated();
    if std::env::var_os("COSTINTENT_WRITE_SCHEMA").is_some() {
        std::fs::write(schema_path(), &want).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let have = std::fs::read_to_string(schema_path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        have == want,
        "scenarios/schema.json is not what the parser's key tables give; regenerate it with\n  \
         COSTINTENT_WRITE_SCHEMA=1 cargo test -p costintent-scenario --test schema\n\
         and review the difference"
    );
}

#[test]
fn every_bundled_scenario_is_valid_against_the_schema() {
    let validator = validator(&committed());
    for (name, text) in probed_files() {
        load(&name, &text).unwrap_or_else(|e| panic!("the parser rejects {name}:\n{e}"));
        let document: Toml = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&to_json(&document))
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} is not valid against the schema:\n{}",
            errors.join("\n")
        );
    }
}

/// A step into a TOML document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path of every table of `document`, the root first.
fn table_paths(document: &Toml) -> Vec<Vec<Step>> {
    fn walk(value: &Toml, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match value {
            Toml::Table(t) => {
                out.push(path.clone());
                for (k, v) in t {
                    path.push(Step::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            Toml::Array(items) => {
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
    walk(document, &mut Vec::new(), &mut out);
    out
}

fn toml_at<'a>(value: &'a mut Toml, path: &[Step]) -> &'a mut toml::Table {
    let mut at = value;
    for step in path {
        at = match (step, at) {
            (Step::Key(k), Toml::Table(t)) => t.get_mut(k).unwrap_or_else(|| panic!("{k}")),
            (Step::Index(i), Toml::Array(a)) => &mut a[*i],
            (step, _) => panic!("no {step:?}"),
        };
    }
    match at {
        Toml::Table(t) => t,
        _ => panic!("not a table at {path:?}"),
    }
}

fn json_at<'a>(value: &'a mut Json, path: &[Step]) -> &'a mut serde_json::Map<String, Json> {
    let mut at = value;
    for step in path {
        at = match (step, at) {
            (Step::Key(k), Json::Object(t)) => t.get_mut(k).unwrap_or_else(|| panic!("{k}")),
            (Step::Index(i), Json::Array(a)) => &mut a[*i],
            (step, _) => panic!("no {step:?}"),
        };
    }
    match at {
        Json::Object(t) => t,
        _ => panic!("not an object at {path:?}"),
    }
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => format!("/{i}"),
        })
        .collect()
}

const PROBE: &str = "zz_not_a_key";

/// The keys the parser accepts in the table at `path`: those its error
/// about an unknown key there lists; `None` when it takes any key (the
/// `[models]` table, keyed by model id).
fn parser_keys(name: &str, document: &Toml, path: &[Step]) -> Option<BTreeSet<String>> {
    let mut probed = document.clone();
    toml_at(&mut probed, path).insert(PROBE.to_owned(), Toml::Integer(0));
    let text = toml::to_string(&probed).unwrap_or_else(|e| panic!("{e}"));
    let catalog = Catalog::embedded();
    let today = Date::new(2026, 11, 29).unwrap_or_else(|e| panic!("{e:?}"));
    let options = LoadOptions { catalog: &catalog, today, overrides: &[] };
    let Err(diagnostics) = costintent_scenario::load_str(name, &text, &options) else {
        panic!("{name}: the parser accepts `{PROBE}` at {}", pointer(path));
    };
    let unknown = format!("unknown key `{PROBE}`");
    // No unknown-key error: the table takes any key.
    let error = diagnostics.errors.iter().find(|e| e.message.starts_with(&unknown))?;
    let help = error.help.as_deref().unwrap_or_default();
    assert!(
        help.starts_with("the keys of "),
        "{name} at {}: the error does not list the keys: {help}",
        pointer(path)
    );
    // "the keys of `[scenario]` are `name`, `period` or `budget`"
    let list = help.split_once(" are ").map_or("", |(_, list)| list);
    let keys: BTreeSet<String> = list.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    assert!(!keys.is_empty(), "{name} at {}: no keys in {help}", pointer(path));
    Some(keys)
}

/// Whether the schema accepts the name `key` in the object at `path` of
/// `document` (a valid document): with the key added (as `null`, which no
/// key of the format holds), no error comes from a rule on the object's
/// key names (`additionalProperties` or `propertyNames`). Other errors are
/// about the key's value, or say that it cannot go with another key (one
/// growth rate only), which the parser reports by name too.
fn schema_accepts(
    validator: &jsonschema::Validator,
    document: &Json,
    path: &[Step],
    key: &str,
) -> bool {
    let mut probed = document.clone();
    json_at(&mut probed, path).insert(key.to_owned(), Json::Null);
    let errors: Vec<String> =
        validator.iter_errors(&probed).map(|e| e.evaluation_path().to_string()).collect();
    assert!(!errors.is_empty(), "null is valid for `{key}` at {}", pointer(path));
    // `additionalProperties: false` fails at the rule itself (a rule inside
    // it, as for `[models]`, is about the value); `propertyNames` at a rule
    // inside it.
    !errors.iter().any(|rule| {
        rule.ends_with("/additionalProperties") || rule.split('/').any(|s| s == "propertyNames")
    })
}

/// Every property name and every keyword (`enum`, `const`) of the schema.
fn vocabulary(schema: &Json, keys: &mut BTreeSet<String>, words: &mut BTreeSet<String>) {
    match schema {
        Json::Object(map) => {
            for (k, v) in map {
                if k == "properties"
                    && let Json::Object(props) = v
                {
                    keys.extend(props.keys().cloned());
                }
                if k == "enum" || k == "const" {
                    let values = match v {
                        Json::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    };
                    words.extend(values.iter().filter_map(|w| w.as_str().map(str::to_owned)));
                }
                vocabulary(v, keys, words);
            }
        }
        Json::Array(items) => items.iter().for_each(|v| vocabulary(v, keys, words)),
        _ => {}
    }
}

#[test]
fn the_parser_and_the_schema_accept_the_same_keys_in_every_table() {
    let schema = committed();
    let validator = validator(&schema);
    let (mut keys, mut words) = (BTreeSet::new(), BTreeSet::new());
    vocabulary(&schema, &mut keys, &mut words);
    keys.insert(PROBE.to_owned());
    let mut tables = 0;
    for (name, text) in probed_files() {
        let document: Toml = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json = to_json(&document);
        assert!(validator.is_valid(&json), "{name} is valid against the schema");
        for path in table_paths(&document) {
            let at = pointer(&path);
            let accepted = parser_keys(&name, &document, &path);
            for key in &keys {
                let parser = accepted.as_ref().is_none_or(|a| a.contains(key));
                let schema = schema_accepts(&validator, &json, &path, key);
                assert_eq!(
                    schema,
                    parser,
                    "{name}, table {at}: the parser {} `{key}` but the schema {}",
                    if parser { "accepts" } else { "rejects" },
                    if schema { "accepts it" } else { "rejects it" },
                );
            }
            if let Some(accepted) = &accepted {
                let unknown: Vec<&String> = accepted.difference(&keys).collect();
                assert!(
                    unknown.is_empty(),
                    "{name}, table {at}: the parser accepts {unknown:?}, which the schema names nowhere"
                );
            }
            tables += 1;
        }
    }
    assert!(tables > 100, "{tables} tables probed");
}

#[test]
fn the_probed_files_use_every_key_and_keyword_of_the_schema() {
    let schema = committed();
    let (mut keys, mut words) = (BTreeSet::new(), BTreeSet::new());
    vocabulary(&schema, &mut keys, &mut words);
    assert!(!words.is_empty());
    let (mut used_keys, mut used_words) = (BTreeSet::new(), BTreeSet::new());
    fn walk(value: &Toml, keys: &mut BTreeSet<String>, words: &mut BTreeSet<String>) {
        match value {
            Toml::Table(t) => {
                for (k, v) in t {
                    keys.insert(k.clone());
                    walk(v, keys, words);
                }
            }
            Toml::Array(items) => items.iter().for_each(|v| walk(v, keys, words)),
            Toml::String(s) => {
                words.insert(s.clone());
            }
            _ => {}
        }
    }
    for (name, text) in probed_files() {
        let document: Toml = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        walk(&document, &mut used_keys, &mut used_words);
    }
    let unused_keys: Vec<&String> = keys.difference(&used_keys).collect();
    assert!(
        unused_keys.is_empty(),
        "keys of the schema that no probed file uses (add them to tests/fixtures/schema/every_key.toml): {unused_keys:?}"
    );
    // Keywords that select keys: the kinds and the distributions (presets,
    // modes, units and billing policies change no key, and one file cannot
    // use every preset).
    let listed = |definition: &str, key: &str| -> Vec<String> {
        schema["definitions"][definition]["properties"][key]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("the schema lists the values of {definition}.{key}"))
            .iter()
            .filter_map(|w| w.as_str().map(str::to_owned))
            .collect()
    };
    let mut selecting = listed("workload", "kind");
    selecting.extend(listed("dist", "dist"));
    let unused: Vec<&String> = selecting.iter().filter(|w| !used_words.contains(*w)).collect();
    assert!(
        unused.is_empty(),
        "kinds or distributions that no probed file uses (add them to every_key.toml): {unused:?}"
    );
}
