//! Model names as logs write them, mapped to catalog ids.
//!
//! Logs name the served snapshot (`claude-sonnet-4-5-20250929`,
//! `gpt-5-mini-2025-08-07`), sometimes with a provider prefix
//! (`anthropic/…`, `models/gemini-2.5-flash`, Bedrock's
//! `us.anthropic.claude-…-v1:0`, Vertex's `…@20250929`), and OpenRouter uses
//! its own slugs (`anthropic/claude-sonnet-4.6`, permaslugs such as
//! `anthropic/claude-4.6-sonnet-20260217`). The mapping strips what is not
//! part of the catalog id and tries the few spellings that remain against
//! the catalog, so a name maps only to a model the catalog really has; a
//! name that maps to nothing stays unknown (reported by name, never priced).

use std::collections::HashMap;

use costintent_scenario::Catalog;

/// Caches the mapping of (provider, logged name) to a catalog id.
#[derive(Debug)]
pub struct ModelMap<'a> {
    catalog: &'a Catalog,
    cache: HashMap<(String, String), Option<String>>,
}

const PROVIDERS: [&str; 7] = ["anthropic", "openai", "google", "runway", "fal", "xai", "mistral"];

impl<'a> ModelMap<'a> {
    /// A mapping onto `catalog`.
    pub fn new(catalog: &'a Catalog) -> Self {
        Self { catalog, cache: HashMap::new() }
    }

    /// The catalog id of `name` as logged by a record of `provider`
    /// (`openrouter` ids come back as `openrouter/<id>`, the catalog's route).
    pub fn catalog_id(&mut self, provider: &str, name: &str) -> Option<String> {
        let key = (provider.to_owned(), name.to_owned());
        if let Some(hit) = self.cache.get(&key) {
            return hit.clone();
        }
        let found = self.lookup(provider, name);
        self.cache.insert(key, found.clone());
        found
    }

    fn lookup(&self, provider: &str, name: &str) -> Option<String> {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() {
            return None;
        }
        let routed = provider == "openrouter" && !name.starts_with("openrouter/");
        if !routed && name.contains('/') && self.catalog.entry(&name).is_ok() {
            return Some(name);
        }
        let (route, name) = match name.strip_prefix("openrouter/") {
            Some(rest) => (Some("openrouter"), rest.to_owned()),
            None if provider == "openrouter" => (Some("openrouter"), name),
            None => (None, name),
        };
        let (provider_hint, bare) = split_provider(&name, provider);
        let provider = provider_hint?;
        for candidate in spellings(&bare) {
            let id = format!("{provider}/{candidate}");
            let id = match route {
                Some(route) => format!("{route}/{id}"),
                None => id,
            };
            if self.catalog.entry(&id).is_ok() {
                return Some(id);
            }
        }
        None
    }
}

/// The provider named in the string (`anthropic/…`, `us.anthropic.…`) and
/// the name without it and without other known prefixes.
fn split_provider(name: &str, provider: &str) -> (Option<String>, String) {
    let mut rest = name;
    for prefix in ["models/", "bedrock/", "vertex_ai/", "azure/", "publishers/"] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let mut named = None;
    if let Some((head, tail)) = rest.split_once('/')
        && PROVIDERS.contains(&head)
    {
        named = Some(head.to_owned());
        rest = tail;
    }
    // Bedrock: `us.anthropic.claude-…`, `anthropic.claude-…`.
    for region in ["us.", "eu.", "apac.", "global.", ""] {
        if let Some(tail) = rest.strip_prefix(&format!("{region}anthropic.")) {
            named = Some("anthropic".to_owned());
            rest = tail;
            break;
        }
    }
    // The model's maker, not the billing counterparty: Vertex bills Claude.
    let fallback = PROVIDERS.contains(&provider).then(|| provider.to_owned());
    (named.or_else(|| infer_provider(rest)).or(fallback), rest.to_owned())
}

fn infer_provider(name: &str) -> Option<String> {
    let p = if name.starts_with("claude") {
        "anthropic"
    } else if name.starts_with("gpt")
        || name.starts_with("chatgpt")
        || name.starts_with("o1")
        || name.starts_with("o3")
        || name.starts_with("o4")
        || name.starts_with("codex")
        || name.starts_with("sora")
        || name.starts_with("dall-e")
    {
        "openai"
    } else if name.starts_with("gemini") || name.starts_with("imagen") || name.starts_with("veo") {
        "google"
    } else {
        return None;
    };
    Some(p.to_owned())
}

/// The spellings of a bare name to try, most specific first.
fn spellings(name: &str) -> Vec<String> {
    let mut base = name.to_owned();
    // Bedrock's `-v1:0`, Vertex's `@20250929`.
    if let Some(i) = base.find('@') {
        base.truncate(i);
    }
    if let Some(i) = base.rfind("-v") {
        let tail = &base[i + 2..];
        if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit() || c == ':') {
            base.truncate(i);
        }
    }
    let undated = strip_date(&base);
    let mut out = Vec::new();
    for name in [base.clone(), undated.clone()] {
        for form in [name.clone(), dots_to_dashes(&name), reorder_claude(&dots_to_dashes(&name))] {
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
    for suffix in ["-latest", "-001", "-002"] {
        if let Some(stem) = undated.strip_suffix(suffix) {
            out.push(stem.to_owned());
        }
    }
    out
}

/// Drops a dated snapshot suffix: `-20250929` or `-2025-08-07`.
fn strip_date(name: &str) -> String {
    let b = name.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if b.len() > 9 && b[b.len() - 9] == b'-' && digits(&b[b.len() - 8..]) {
        return name[..name.len() - 9].to_owned();
    }
    if b.len() > 11
        && b[b.len() - 11] == b'-'
        && digits(&b[b.len() - 10..b.len() - 6])
        && b[b.len() - 6] == b'-'
        && digits(&b[b.len() - 5..b.len() - 3])
        && b[b.len() - 3] == b'-'
        && digits(&b[b.len() - 2..])
    {
        return name[..name.len() - 11].to_owned();
    }
    name.to_owned()
}

/// `claude-sonnet-4.5` → `claude-sonnet-4-5` (OpenRouter writes versions with dots).
fn dots_to_dashes(name: &str) -> String {
    let b = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        let between_digits = c == '.'
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        out.push(if between_digits { '-' } else { c });
    }
    out
}

/// `claude-4-6-sonnet` → `claude-sonnet-4-6` (OpenRouter permaslugs and the
/// Claude 3 naming put the version first).
fn reorder_claude(name: &str) -> String {
    let Some(rest) = name.strip_prefix("claude-") else { return name.to_owned() };
    for family in ["sonnet", "opus", "haiku"] {
        if let Some(version) = rest.strip_suffix(&format!("-{family}"))
            && version.chars().all(|c| c.is_ascii_digit() || c == '-')
        {
            return format!("claude-{family}-{version}");
        }
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_names_map_to_catalog_ids() {
        let catalog = Catalog::embedded();
        let mut map = ModelMap::new(&catalog);
        let cases = [
            ("anthropic", "claude-sonnet-4-5-20250929", Some("anthropic/claude-sonnet-4-5")),
            ("anthropic", "claude-haiku-4-5", Some("anthropic/claude-haiku-4-5")),
            (
                "anthropic",
                "us.anthropic.claude-opus-4-1-20250805-v1:0",
                Some("anthropic/claude-opus-4-1"),
            ),
            ("google", "claude-sonnet-4-5@20250929", Some("anthropic/claude-sonnet-4-5")),
            ("openai", "gpt-5-mini-2025-08-07", Some("openai/gpt-5-mini")),
            ("openai", "gpt-5.4", Some("openai/gpt-5.4")),
            ("openai", "openai/gpt-4.1", Some("openai/gpt-4.1")),
            ("google", "models/gemini-2.5-flash", Some("google/gemini-2.5-flash")),
            (
                "openrouter",
                "anthropic/claude-sonnet-4.6",
                Some("openrouter/anthropic/claude-sonnet-4-6"),
            ),
            (
                "openrouter",
                "anthropic/claude-4.6-sonnet-20260217",
                Some("openrouter/anthropic/claude-sonnet-4-6"),
            ),
            ("openrouter", "openai/gpt-5-mini", Some("openrouter/openai/gpt-5-mini")),
            ("openai", "gpt-5.3-codex", None),
            ("anthropic", "<synthetic>", None),
            ("acme", "acme-large", None),
            ("anthropic", "", None),
        ];
        for (provider, name, want) in cases {
            assert_eq!(map.catalog_id(provider, name).as_deref(), want, "{provider} {name}");
        }
    }
}
