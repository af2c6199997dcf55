//! Writing a catalog back in the file format it is read from, so an import
//! can be saved, reviewed and edited by hand.
//!
//! What every line of a model shares (dates, source) is written once on
//! the model, which is what a person would write too.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use super::entry::{
    AfterRetirement, CurrencyRule, LongContextMode, ModelEntry, Route, Source, TokenizerFamily,
    Validity,
};
use super::{PresetEntry, WalletPreset};

/// The whole catalog as TOML text.
pub(crate) fn to_toml<'a>(
    models: impl Iterator<Item = &'a ModelEntry> + Clone,
    presets: impl Iterator<Item = &'a PresetEntry> + Clone,
    routes: impl Iterator<Item = &'a Route> + Clone,
    tokenizers: impl Iterator<Item = &'a TokenizerFamily> + Clone,
) -> String {
    let keys =
        SourceKeys::collect(models.clone(), presets.clone(), routes.clone(), tokenizers.clone());
    let mut out = String::new();
    out.push_str(
        "# costintent pricing catalog. Format: see the comment at the top of any file in\n\
         # crates/costintent-scenario/catalog/ (amounts per 1M tokens unless the unit says otherwise).\n",
    );
    for (key, source) in &keys.ordered {
        let _ =
            write!(out, "\n[sources.{}]\ntitle = {}\n", bare_or_quoted(key), string(&source.title));
        if let Some(url) = &source.url {
            let _ = writeln!(out, "url = {}", string(url));
        }
        if let Some(read) = source.read {
            let _ = writeln!(out, "read = {read}");
        }
    }
    for family in tokenizers {
        let _ = write!(
            out,
            "\n[tokenizers.{}]\nname = {}\n",
            bare_or_quoted(&family.key),
            string(&family.name)
        );
        if let Some(rel) = &family.relative {
            let _ = write!(
                out,
                "reference = {}\nratio = {:?}\nsource = {}\n",
                string(&rel.reference),
                rel.ratio,
                string(keys.key(&rel.source))
            );
        }
        if let Some(note) = &family.note {
            let _ = writeln!(out, "note = {}", string(note));
        }
    }
    for model in models {
        write_model(&mut out, model, &keys);
    }
    for preset in presets {
        let WalletPreset {
            name,
            credit_usd,
            fee_percent,
            fee_min,
            usage_fee_percent,
            usage_fee_free_requests_per_month: free,
            usage_fee_free_requests_since: since,
            ..
        } = &preset.preset;
        let _ = write!(
            out,
            "\n[[wallet_preset]]\nname = {}\ncredit_usd = {credit_usd}\nfee_percent = {fee_percent}\n\
             fee_min = {fee_min}\nusage_fee_percent = {usage_fee_percent}\nsource = {}\n",
            string(name),
            string(keys.key(&preset.source)),
        );
        if *free > 0.0 {
            let _ = writeln!(out, "usage_fee_free_requests_per_month = {free}");
        }
        if let Some(since) = since {
            let _ = writeln!(out, "usage_fee_free_requests_since = {since}");
        }
        if let Some(note) = &preset.note {
            let _ = writeln!(out, "note = {}", string(note));
        }
    }
    for route in routes {
        let _ = write!(
            out,
            "\n[[route]]\nprefix = {}\nsource = {}\n",
            string(&route.prefix),
            string(keys.key(&route.source))
        );
        if let Some(note) = &route.note {
            let _ = writeln!(out, "note = {}", string(note));
        }
    }
    out
}

fn write_model(out: &mut String, m: &ModelEntry, keys: &SourceKeys) {
    let _ = write!(out, "\n[[model]]\nid = {}\nname = {}\n", string(&m.id), string(&m.name));
    let _ = writeln!(out, "kind = \"{}\"\nstatus = \"{}\"", m.kind.name(), m.status.name());
    if let Some(day) = m.retired_on {
        let _ = writeln!(out, "retired_on = {day}");
    }
    if let Some(successor) = &m.successor {
        let _ = writeln!(out, "successor = {}", string(successor));
    }
    if m.after_retirement != AfterRetirement::default() {
        let _ = writeln!(out, "after_retirement = \"{}\"", m.after_retirement.name());
    }
    if let Some(tokenizer) = &m.tokenizer {
        let _ = writeln!(out, "tokenizer = {}", string(tokenizer));
    }
    if let Some(note) = &m.note {
        let _ = writeln!(out, "note = {}", string(note));
    }
    // Dates and a source shared by every line and rule are written once.
    let validities: Vec<Validity> = m
        .lines
        .iter()
        .map(|l| l.validity)
        .chain(m.long_context.iter().map(|r| r.validity))
        .chain(m.batch.iter().map(|r| r.validity))
        .collect();
    let shared_from = common(&validities.iter().map(|v| v.from).collect::<Vec<_>>()).flatten();
    let shared_until = common(&validities.iter().map(|v| v.until).collect::<Vec<_>>()).flatten();
    let sources: Vec<&Arc<Source>> = m
        .lines
        .iter()
        .map(|l| &l.source)
        .chain(m.long_context.iter().map(|r| &r.source))
        .chain(m.batch.iter().map(|r| &r.source))
        .collect();
    let shared_source = common(&sources).map(|s| keys.key(s));
    // `start = "documented"` goes on the model when it describes the shared
    // `valid_from` of every line and rule.
    let shared_documented = shared_from.is_some() && validities.iter().all(|v| v.documented_start);
    write_dates(
        out,
        &Validity { from: shared_from, until: shared_until, documented_start: shared_documented },
        "\n",
    );
    if let Some(key) = shared_source {
        let _ = writeln!(out, "source = {}", string(key));
    }
    let own = |v: &Validity, s: &Arc<Source>| {
        let mut extra = String::new();
        let own = Validity {
            from: v.from.filter(|_| shared_from.is_none()),
            until: v.until.filter(|_| shared_until.is_none()),
            documented_start: v.documented_start && !shared_documented,
        };
        write_dates(&mut extra, &own, ", ");
        if shared_source.is_none() {
            let _ = write!(extra, "source = {}, ", string(keys.key(s)));
        }
        extra
    };
    if let CurrencyRule::Credits { usd_per_credit, source } = &m.currency {
        let _ = writeln!(
            out,
            "credits = {{ usd_per_credit = {usd_per_credit}, source = {} }}",
            string(keys.key(source))
        );
    }
    if let Some(r) = &m.audio_rates {
        let _ = writeln!(
            out,
            "audio_rates = {{ input_tokens_per_minute = {}, output_tokens_per_minute = {}, source = {} }}",
            r.input_tokens_per_minute,
            r.output_tokens_per_minute,
            string(keys.key(&r.source))
        );
    }
    let amount_key = if m.currency.is_credits() { "credits" } else { "usd" };
    out.push_str("prices = [\n");
    for l in &m.lines {
        let mut fields = format!("unit = \"{}\", {amount_key} = {:?}, ", l.unit.name(), l.amount);
        let v = &l.variant;
        for (name, value) in
            [("size", &v.size), ("quality", &v.quality), ("resolution", &v.resolution)]
        {
            if let Some(value) = value {
                let _ = write!(fields, "{name} = {}, ", string(value));
            }
        }
        if let Some(audio) = v.audio {
            let _ = write!(fields, "audio = {audio}, ");
        }
        fields.push_str(&own(&l.validity, &l.source));
        if let Some(note) = &l.note {
            let _ = write!(fields, "note = {}, ", string(note));
        }
        let _ = writeln!(out, "  {{ {} }},", fields.trim_end_matches(", "));
    }
    out.push_str("]\n");
    if !m.long_context.is_empty() {
        out.push_str("long_context = [\n");
        for r in &m.long_context {
            let mut fields = format!("above = {}, ", r.above);
            match &r.mode {
                LongContextMode::Reject => fields.push_str("mode = \"reject\", "),
                LongContextMode::Tier(t) => {
                    let _ = write!(
                        fields,
                        "input_token = {:?}, output_token = {:?}, ",
                        t.input, t.output
                    );
                    for (name, value) in [
                        ("cache_read_token", t.cache_read),
                        ("cache_write_5m_token", t.cache_write_5m),
                        ("cache_write_1h_token", t.cache_write_1h),
                    ] {
                        if let Some(value) = value {
                            let _ = write!(fields, "{name} = {value:?}, ");
                        }
                    }
                }
            }
            fields.push_str(&own(&r.validity, &r.source));
            if let Some(note) = &r.note {
                let _ = write!(fields, "note = {}, ", string(note));
            }
            let _ = writeln!(out, "  {{ {} }},", fields.trim_end_matches(", "));
        }
        out.push_str("]\n");
    }
    if !m.batch.is_empty() {
        out.push_str("batch = [\n");
        for r in &m.batch {
            let mut fields = format!("share = {}, ", r.share);
            fields.push_str(&own(&r.validity, &r.source));
            if let Some(note) = &r.note {
                let _ = write!(fields, "note = {}, ", string(note));
            }
            let _ = writeln!(out, "  {{ {} }},", fields.trim_end_matches(", "));
        }
        out.push_str("]\n");
    }
}

fn write_dates(out: &mut String, v: &Validity, separator: &str) {
    for (name, d) in [("valid_from", v.from), ("valid_until", v.until)] {
        if let Some(d) = d {
            let _ = write!(out, "{name} = {d}{separator}");
        }
    }
    if v.documented_start && v.from.is_some() {
        let _ = write!(out, "start = \"documented\"{separator}");
    }
}

/// The value every item shares, if they all share one.
fn common<T: PartialEq + Clone>(items: &[T]) -> Option<T> {
    let first = items.first()?;
    items.iter().all(|x| x == first).then(|| first.clone())
}

/// A TOML string literal with escapes.
fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A table key, quoted only when it has to be.
fn bare_or_quoted(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        key.to_owned()
    } else {
        string(key)
    }
}

/// A unique key per distinct source (two files may reuse a key for
/// different sources; the later one gets a suffix).
struct SourceKeys {
    ordered: BTreeMap<String, Arc<Source>>,
}

impl SourceKeys {
    fn collect<'a>(
        models: impl Iterator<Item = &'a ModelEntry>,
        presets: impl Iterator<Item = &'a PresetEntry>,
        routes: impl Iterator<Item = &'a Route>,
        tokenizers: impl Iterator<Item = &'a TokenizerFamily>,
    ) -> Self {
        let mut all: Vec<&Arc<Source>> = Vec::new();
        for m in models {
            all.extend(m.lines.iter().map(|l| &l.source));
            all.extend(m.long_context.iter().map(|r| &r.source));
            all.extend(m.batch.iter().map(|r| &r.source));
            if let CurrencyRule::Credits { source, .. } = &m.currency {
                all.push(source);
            }
            if let Some(r) = &m.audio_rates {
                all.push(&r.source);
            }
        }
        all.extend(presets.map(|p| &p.source));
        all.extend(routes.map(|r| &r.source));
        all.extend(tokenizers.filter_map(|t| t.relative.as_ref().map(|r| &r.source)));
        let mut ordered: BTreeMap<String, Arc<Source>> = BTreeMap::new();
        for source in all {
            if ordered.values().any(|s| s == source) {
                continue;
            }
            let mut key = source.key.clone();
            let mut n = 2;
            while ordered.contains_key(&key) {
                key = format!("{}-{n}", source.key);
                n += 1;
            }
            ordered.insert(key, Arc::clone(source));
        }
        Self { ordered }
    }

    /// The key a source is written under (every source was collected, so
    /// the fallback to its own key is never taken).
    fn key<'a>(&'a self, source: &'a Source) -> &'a str {
        self.ordered
            .iter()
            .find(|(_, s)| s.as_ref() == source)
            .map_or(source.key.as_str(), |(k, _)| k.as_str())
    }
}
