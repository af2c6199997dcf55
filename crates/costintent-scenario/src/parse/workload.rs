//! `[[workload]]` tables: the keys every kind shares, then each kind.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::DeValue;

use super::ctx::{Annotate as _, Ctx, did_you_mean};
use super::models::{self, ImageMiss, Pricing, ScenarioModels};
use super::pricing;
use super::table::{self, Node, Table};
use super::values::{self, DrawRule, Unit, check_domain};
use crate::limits::{self, Bound};
use crate::model::{
    AgentSpec, Billed, Cache, CacheWritePrice, Context, Domain, Draw, Failures, ImageSpec,
    MAX_REGENERATE, Mode, Poll, RealtimeSpec, RequestsSpec, Timeout, Tools, Value, VideoSpec,
    Workload, WorkloadKind,
};
use crate::prices::ModelPrice;

/// The `kind` keywords.
pub(super) const KINDS: &[&str] = &["requests", "agent", "image", "video", "realtime"];

/// Whether a key must be given. The key tables below are the one list of
/// each table's keys (the parser checks against them, `tests` checks that
/// every key marked required is reported missing and no other is, and the
/// JSON schema and README mark the same keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// Has no default: leaving it out is an error.
    Required,
    /// Has a default (or is a feature that is off when absent).
    Optional,
}

use Need::{Optional, Required};

/// Keys every kind accepts.
pub(crate) const COMMON_KEYS: &[(&str, Need)] = &[
    ("name", Required),
    ("kind", Required),
    ("model", Required),
    ("failures", Optional),
    ("timeout", Optional),
    ("via", Optional),
    ("api_key", Optional),
];

/// The keys of `failures = { … }`.
pub(crate) const FAILURES_KEYS: &[(&str, Need)] =
    &[("rate", Required), ("retries", Optional), ("billed", Required)];

/// The keys of an agent's `context = { … }`.
pub(crate) const CONTEXT_KEYS: &[(&str, Need)] =
    &[("start", Required), ("window", Required), ("compact_to", Required)];

/// The keys of `timeout = { … }`.
pub(crate) const TIMEOUT_KEYS: &[(&str, Need)] = &[("after", Required), ("latency", Required)];

/// The keys of an agent's `cache = { … }`.
pub(crate) const CACHE_KEYS: &[(&str, Need)] = &[("ttl", Required), ("gap", Required)];

/// The keys of an agent's `tools = { … }`.
pub(crate) const TOOLS_KEYS: &[(&str, Need)] = &[("calls", Required), ("output", Required)];

/// The keys of a video's `poll = { … }`.
pub(crate) const POLL_KEYS: &[(&str, Need)] = &[("every", Required), ("cost", Optional)];

/// What `failures.billed` may say.
pub(super) const BILLED: &[&str] = &["none", "input", "full", "partial"];

/// What `mode` (requests) may say.
pub(super) const MODES: &[&str] = &["standard", "batch"];

/// The keys of each kind, besides [`COMMON_KEYS`].
pub(crate) fn kind_key_table(kind: &str) -> &'static [(&'static str, Need)] {
    match kind {
        "requests" => &[
            ("requests", Required),
            ("input", Required),
            ("output", Required),
            ("reasoning", Optional),
            ("cached", Optional),
            ("mode", Optional),
            ("tokens_measured_on", Optional),
        ],
        "agent" => &[
            ("tokens_measured_on", Optional),
            ("sessions", Required),
            ("turns", Required),
            ("input", Required),
            ("output", Required),
            ("context", Required),
            ("compaction_cost", Optional),
            ("cache", Optional),
            ("tools", Optional),
            ("reasoning", Optional),
        ],
        "image" => &[
            ("requests", Required),
            ("size", Required),
            ("quality", Required),
            ("n", Optional),
            ("regenerate", Optional),
        ],
        "video" => &[
            ("requests", Required),
            ("seconds", Required),
            ("resolution", Required),
            ("audio", Optional),
            ("poll", Optional),
            ("client_timeout", Optional),
            ("duration", Optional),
        ],
        "realtime" => &[
            ("sessions", Required),
            ("minutes", Required),
            ("turns_per_minute", Required),
            ("user_share", Optional),
        ],
        _ => &[],
    }
}

/// The longest TTL a provider sells a cache write for.
const MAX_CACHE_TTL_SECONDS: f64 = 3_600.0;

/// The TTL up to which a cache write pays the 5-minute price.
const FIVE_MINUTES: f64 = 300.0;

/// The names of a key table.
pub(super) fn names(table: &[(&'static str, Need)]) -> Vec<&'static str> {
    table.iter().map(|(k, _)| *k).collect()
}

/// The keys of one kind besides [`COMMON_KEYS`].
pub(super) fn kind_keys(kind: &str) -> Vec<&'static str> {
    names(kind_key_table(kind))
}

/// `a requests workload`, `an agent workload`, … for messages.
fn kind_phrase(kind: &str) -> &'static str {
    match kind {
        "requests" => "a requests workload",
        "agent" => "an agent workload",
        "image" => "an image workload",
        "video" => "a video workload",
        _ => "a realtime workload",
    }
}

/// Whether `key` is a key of some workload kind (for hints elsewhere).
pub(super) fn is_workload_key(key: &str) -> bool {
    COMMON_KEYS.iter().any(|(k, _)| *k == key) || KINDS.iter().any(|k| kind_keys(k).contains(&key))
}

/// What workloads need from the rest of the file.
#[derive(Debug)]
pub(super) struct Env<'a, 'c> {
    /// `None` when the period was invalid (already reported).
    pub(super) period_seconds: Option<f64>,
    /// Wallet names in file order, with the span of each name.
    pub(super) wallet_names: &'a [(String, Range<usize>)],
    /// Which wallets some workload pays from (parallel to `wallet_names`).
    pub(super) wallet_used: Vec<bool>,
    pub(super) pricing: Pricing<'c>,
    pub(super) models: &'a mut ScenarioModels,
}

/// Parses the top-level `workload` array; `None` when anything failed.
pub(super) fn workloads(
    ctx: &mut Ctx,
    node: &Node<'_>,
    env: &mut Env<'_, '_>,
) -> Option<Vec<Workload>> {
    let DeValue::Array(items) = node.get_ref() else {
        ctx.error(node.span(), "`workload` must be an array of tables")
            .label("not `[[workload]]`")
            .help("write each workload as a `[[workload]]` table (double brackets)");
        return None;
    };
    if items.is_empty() {
        ctx.error(node.span(), "the scenario has no workloads")
            .label("empty")
            .help("add a `[[workload]]` table");
        return None;
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if let DeValue::Table(map) = item.get_ref()
            && let Some(name_node) = map.get("name")
            && let DeValue::String(name) = name_node.get_ref()
        {
            if let Some(first) = seen.get(name.as_ref()) {
                ctx.error(name_node.span(), format!("duplicate workload name \"{name}\""))
                    .label("used before")
                    .help(format!(
                        "workload names must be unique (each keys its own random stream); the first \"{name}\" is on line {first}"
                    ));
            } else {
                seen.insert(name.to_string(), ctx.source.line_column(name_node.span().start).0);
            }
        }
        out.push(workload(ctx, item, index, env));
    }
    out.into_iter().collect()
}

fn workload(
    ctx: &mut Ctx,
    item: &Node<'_>,
    index: usize,
    env: &mut Env<'_, '_>,
) -> Option<Workload> {
    let t = table::table(ctx, item, "workload", "a table")?;
    let untitled = format!("workload #{}", index + 1);
    // The keys are checked first so that a misspelled required key is
    // reported once, as unknown with a suggestion, not also as missing.
    let kind = t.get("kind").and_then(|n| table::keyword(ctx, n, "kind", KINDS));
    let named =
        t.get("name").and_then(|n| n.get_ref().as_str()).map(|n| format!("workload \"{n}\""));
    check_workload_keys(ctx, t, kind, named.as_deref().unwrap_or(&untitled));
    let name = t.require(ctx, "name", &untitled).and_then(|n| {
        let s = table::string(ctx, n, "name")?;
        if s.trim().is_empty() {
            ctx.error(n.span(), "`name` must not be empty").label("empty");
            return None;
        }
        Some(s.to_owned())
    });
    let what = name.as_ref().map_or(untitled, |n| format!("workload \"{n}\""));
    if !t.has("kind") {
        t.require(ctx, "kind", &what);
    }

    let model = t
        .require(ctx, "model", &what)
        .and_then(|n| Some((table::string(ctx, n, "model")?, n.span())));
    let price = model.clone().and_then(|(id, span)| {
        let price = env.models.resolve(ctx, id, span.clone(), env.pricing)?;
        warn_retired(ctx, &price, span, env.pricing);
        Some(price)
    });
    let own_table = model.as_ref().is_some_and(|(id, _)| env.models.defines(id));
    let model_span = t.get("model").map_or_else(|| t.span(), |n| n.span());
    let failures = match t.get("failures") {
        None => Some(Failures::none()),
        Some(n) => failures(ctx, n, kind),
    };
    let timeout = optional(t.get("timeout"), |n| timeout(ctx, n));
    let via = optional(t.get("via"), |n| via(ctx, n, env));
    let api_key = optional(t.get("api_key"), |n| api_key(ctx, n));
    let kind_spec = kind.and_then(|kind| {
        let spec = Spec { t, what: &what, price: price.as_ref(), model_span };
        match kind {
            "requests" => requests(ctx, &spec, env).map(|k| (k, None)),
            "agent" => agent(ctx, &spec, env).map(|k| (k, None)),
            "image" => image(ctx, &spec, env).map(|k| (k, None)),
            "video" => video(ctx, &spec, env),
            _ => realtime(ctx, &spec, env).map(|k| (k, None)),
        }
    });
    let (mut kind_spec, video_timeout) = kind_spec?;
    let tokens_rescaled = match (t.get("tokens_measured_on"), &price) {
        (Some(node), Some(price)) => {
            let rescale = pricing::token_rescale(ctx, node, price, env.pricing.catalog)?;
            if let Some(r) = &rescale
                && r.factor != 1.0
            {
                crate::rescale::rescale_tokens(&mut kind_spec, r.factor);
                if let Some((key, why)) = pricing::invalid_after_rescale(&kind_spec) {
                    ctx.error(
                        node.span(),
                        format!(
                            "after rescaling the token counts by ×{:.4}, `{key}` is invalid: {why}",
                            r.factor
                        ),
                    )
                    .label("rescaled counts")
                    .help("describe the counts with a lognormal or gamma, which scale exactly");
                    return None;
                }
            }
            rescale
        }
        _ => None,
    };
    let price_changes = match (&price, model) {
        (Some(price), Some((_, span))) => {
            let period = match (env.pricing.date, env.period_seconds) {
                (Some(start), Some(seconds)) => Some(pricing::Span { start, seconds }),
                _ => None,
            };
            let changes =
                pricing::price_changes(ctx, span.clone(), price, own_table, env.pricing, period);
            pricing::warn_rejections(ctx, span, price, &changes, &kind_spec);
            changes
        }
        _ => Vec::new(),
    };
    let timeout = match (timeout?, video_timeout) {
        (Some(_), Some(_)) => {
            let span = t
                .key_span("client_timeout")
                .or_else(|| t.key_span("duration"))
                .unwrap_or_else(|| t.span());
            ctx.error(span, "give `timeout` or `client_timeout` with `duration`, not both")
                .label("second timeout")
                .help("`client_timeout` and `duration` are the video spelling of `timeout = { after, latency }`");
            return None;
        }
        (a, b) => a.or(b),
    };
    let failures = failures?;
    if let Some(t_out) = &timeout
        && t_out.after_seconds.is_finite()
        && failures.retries.fixed() == Some(0.0)
    {
        let span = t
            .key_span("timeout")
            .or_else(|| t.key_span("client_timeout"))
            .unwrap_or_else(|| t.span());
        ctx.warning(
            span,
            "an attempt the client abandons uses a retry, and `failures.retries` is 0: every abandoned request is lost, though the provider still bills it",
        )
        .label("no resubmission")
        .help("let the client resubmit: `failures = { rate = 0, retries = 2, billed = \"none\" }`");
    }
    Some(Workload {
        name: name?,
        price: price?,
        price_changes,
        tokens_rescaled,
        failures,
        timeout,
        via: via?,
        api_key: api_key?,
        kind: kind_spec,
    })
}

/// `api_key = "name"`: the name of the key, workspace or project, never
/// the secret itself (a value shaped like one is refused, so that a
/// scenario file, which is shared, does not carry a credential).
fn api_key(ctx: &mut Ctx, n: &Node<'_>) -> Option<String> {
    let s = table::string(ctx, n, "api_key")?;
    if s.trim().is_empty() {
        ctx.error(n.span(), "`api_key` must not be empty").label("empty");
        return None;
    }
    let secret = ["sk-", "sk_", "sess-", "AIza"].iter().any(|p| s.starts_with(p)) && s.len() > 20;
    if secret {
        ctx.error(n.span(), "`api_key` looks like a secret key; give the key's name instead")
            .label("a secret")
            .help("write the name the provider shows for the key, workspace or project, e.g. `api_key = \"support-bot-prod\"`");
        return None;
    }
    Some(s.to_owned())
}

/// What each kind's parser reads besides the environment.
struct Spec<'s, 't, 'i> {
    t: Table<'t, 'i>,
    what: &'s str,
    price: Option<&'s ModelPrice>,
    model_span: Range<usize>,
}

fn check_workload_keys(ctx: &mut Ctx, t: Table<'_, '_>, kind: Option<&str>, what: &str) {
    let mut allowed: Vec<&str> = names(COMMON_KEYS);
    match kind {
        Some(kind) => allowed.extend(kind_keys(kind)),
        // With an unknown kind, keys of any kind are not reported again.
        None => KINDS.iter().for_each(|k| allowed.extend(kind_keys(k))),
    }
    let hint = |key: &str| -> Option<String> {
        let kind = kind?;
        let owners: Vec<&str> =
            KINDS.iter().copied().filter(|k| kind_keys(k).contains(&key)).collect();
        if owners.is_empty() {
            return None;
        }
        Some(format!("`{key}` is a key of {} workloads, not of {kind} ones", owners.join(" and ")))
    };
    t.check_keys(ctx, &allowed, what, &hint);
}

/// `Some(None)` when absent, `Some(Some(x))` when valid, `None` after an error.
fn optional<'n, 'i, T>(
    node: Option<&'n Node<'i>>,
    parse: impl FnOnce(&'n Node<'i>) -> Option<T>,
) -> Option<Option<T>> {
    match node {
        None => Some(None),
        Some(n) => parse(n).map(Some),
    }
}

fn warn_retired(ctx: &mut Ctx, price: &ModelPrice, span: Range<usize>, pricing: Pricing<'_>) {
    let (Some(retired), Some(date)) = (price.retired_on, pricing.date) else { return };
    if retired > date {
        return;
    }
    if let Some(served_by) = &price.served_by {
        ctx.warning(
            span,
            format!(
                "model `{}` was retired on {retired}: its requests are served by `{served_by}` and billed at its prices",
                price.id
            ),
        )
        .label("retired, routed to its successor")
        .help(format!("write `model = \"{served_by}\"` to say so"));
        return;
    }
    let successor = pricing.catalog.entry(&price.id).ok().and_then(|e| e.successor.clone());
    let help = match successor {
        Some(s) => format!(
            "the provider's successor is `{s}`: use `model = \"{s}\"`, or an earlier `scenario.prices`"
        ),
        None => format!(
            "{}; or an earlier `scenario.prices`",
            pricing::no_successor_help(pricing.catalog, &price.id, date)
        ),
    };
    ctx.warning(
        span,
        format!(
            "model `{}` was retired on {retired}: the provider rejects its requests, so this forecast (billed at its last known prices) would not happen",
            price.id
        ),
    )
    .label("retired")
    .help(help);
}

fn failures(ctx: &mut Ctx, node: &Node<'_>, kind: Option<&str>) -> Option<Failures> {
    let t = table::table(ctx, node, "failures", "a table `{ rate, retries, billed }`")?;
    t.check_keys(ctx, &names(FAILURES_KEYS), "`failures`", &|_| None);
    let rate = t
        .require(ctx, "rate", "`failures`")
        .and_then(|n| values::value(ctx, n, "rate", Unit::Plain, Domain::Probability));
    let retries = match t.get("retries") {
        None => Some(Value::Fixed(0.0)),
        Some(n) => values::bounded_value(
            ctx,
            n,
            "retries",
            Unit::Plain,
            Domain::NonNegative,
            limits::RETRIES,
        )
        .and_then(|v| {
            if let Value::Fixed(x) = v
                && x.fract() != 0.0
            {
                ctx.error(n.span(), format!("`retries` must be a whole number, not {x}"))
                    .label("not a whole number");
                return None;
            }
            Some(v)
        }),
    };
    let billed_node = t.get("billed");
    let billed = match billed_node {
        None if ctx.was_suggested(&t.span(), "billed") => None,
        None => {
            ctx.error(t.span(), "missing key `billed` in `failures`").label("what does a failed attempt cost?").help(
                "`billed` is \"none\" (free), \"input\" (its input tokens), \"full\" (like a success) or \"partial\" (input and part of the output)",
            );
            None
        }
        Some(n) => table::keyword(ctx, n, "billed", BILLED).map(|b| match b {
            "none" => Billed::None,
            "input" => Billed::Input,
            "full" => Billed::Full,
            _ => Billed::Partial,
        }),
    };
    if let (Some(Billed::Partial), Some(kind @ ("image" | "video")), Some(n)) =
        (billed, kind, billed_node)
    {
        let unit = if kind == "image" { "images" } else { "seconds" };
        ctx.warning(
            n.span(),
            format!(
                "`billed = \"partial\"` has no output tokens to split in {}: a failed attempt is billed a uniform random share of its {unit}",
                kind_phrase(kind)
            ),
        )
        .label("no output tokens")
        .help("say `none`, `input` or `full` if that is not what the provider bills");
    }
    Some(Failures { rate: rate?, retries: retries?, billed: billed? })
}

fn timeout(ctx: &mut Ctx, node: &Node<'_>) -> Option<Timeout> {
    let t = table::table(ctx, node, "timeout", "a table `{ after, latency }`")?;
    t.check_keys(ctx, &names(TIMEOUT_KEYS), "`timeout`", &|_| None);
    let after =
        t.require(ctx, "after", "`timeout`").and_then(|n| positive_duration(ctx, n, "after"));
    let latency = t.require(ctx, "latency", "`timeout`").and_then(|n| {
        values::draw(ctx, n, "latency", Unit::Seconds, DrawRule::NonNegative, limits::EVENT_SECONDS)
    });
    Some(Timeout { after_seconds: after?, latency: latency? })
}

fn positive_duration(ctx: &mut Ctx, node: &Node<'_>, key: &str) -> Option<f64> {
    let seconds = table::duration(ctx, node, key)?;
    if seconds <= 0.0 {
        ctx.error(node.span(), format!("`{key}` must be longer than 0")).label("zero duration");
        return None;
    }
    Some(seconds)
}

fn via(ctx: &mut Ctx, node: &Node<'_>, env: &mut Env<'_, '_>) -> Option<usize> {
    let name = table::string(ctx, node, "via")?;
    if let Some(index) = env.wallet_names.iter().position(|(n, _)| n == name) {
        if let Some(used) = env.wallet_used.get_mut(index) {
            *used = true;
        }
        return Some(index);
    }
    let help = if env.wallet_names.is_empty() {
        format!("the file has no `[[wallet]]`; add one with `name = \"{name}\"` and a `topup`")
    } else {
        did_you_mean(name, env.wallet_names.iter().map(|(n, _)| n.as_str()))
            .unwrap_or_else(|| format!("add a `[[wallet]]` with `name = \"{name}\"`"))
    };
    ctx.error(node.span(), format!("no wallet named \"{name}\""))
        .label("unknown wallet")
        .help(help);
    None
}

/// A required per-event quantity within `bound`.
fn required_draw(
    ctx: &mut Ctx,
    spec: &Spec<'_, '_, '_>,
    key: &str,
    unit: Unit,
    bound: Bound,
) -> Option<Draw> {
    spec.t
        .require(ctx, key, spec.what)
        .and_then(|n| values::draw(ctx, n, key, unit, DrawRule::NonNegative, bound))
}

/// An optional per-event quantity within `bound`.
fn optional_draw(
    ctx: &mut Ctx,
    spec: &Spec<'_, '_, '_>,
    key: &str,
    unit: Unit,
    bound: Bound,
) -> Option<Option<Draw>> {
    optional(spec.t.get(key), |n| values::draw(ctx, n, key, unit, DrawRule::NonNegative, bound))
}

/// A required volume.
fn required_volume(
    ctx: &mut Ctx,
    spec: &Spec<'_, '_, '_>,
    key: &str,
    env: &Env<'_, '_>,
) -> Option<crate::model::Volume> {
    spec.t
        .require(ctx, key, spec.what)
        .and_then(|n| values::bounded_volume(ctx, n, key, env.period_seconds))
}

/// Checks that the model has the token prices a text workload bills.
fn need_token_prices(ctx: &mut Ctx, spec: &Spec<'_, '_, '_>, kind: &str) -> Option<()> {
    let price = spec.price?;
    let missing: Vec<(&str, &str)> = [
        ("input", price.input_per_mtok.is_none(), "input_per_mtok"),
        ("output", price.output_per_mtok.is_none(), "output_per_mtok"),
    ]
    .into_iter()
    .filter(|(_, missing, _)| *missing)
    .map(|(what, _, key)| (what, key))
    .collect();
    if missing.is_empty() {
        return Some(());
    }
    let words: Vec<&str> = missing.iter().map(|(w, _)| *w).collect();
    let keys: Vec<String> = missing.iter().map(|(_, k)| format!("`{k}`")).collect();
    ctx.error(
        spec.model_span.clone(),
        format!(
            "model `{}` has no {} token price, which {} needs",
            price.id,
            words.join(" or "),
            kind_phrase(kind)
        ),
    )
    .label("missing prices")
    .help(format!("give it {} in a `[models.\"{}\"]` table", keys.join(" and "), price.id));
    None
}

fn warn_no_cache_price(ctx: &mut Ctx, price: Option<&ModelPrice>, span: Range<usize>) {
    if let Some(price) = price
        && price.cache_read_per_mtok.is_none()
    {
        ctx.warning(
            span,
            format!(
                "model `{}` has no cache-read price: cache reads will be billed at the input price",
                price.id
            ),
        )
        .label("no cache-read price")
        .help(format!("add `cache_read_per_mtok` to a `[models.\"{}\"]` table", price.id));
    }
}

fn requests(ctx: &mut Ctx, spec: &Spec<'_, '_, '_>, env: &Env<'_, '_>) -> Option<WorkloadKind> {
    let t = spec.t;
    let requests = required_volume(ctx, spec, "requests", env);
    let input = required_draw(ctx, spec, "input", Unit::Plain, limits::TOKENS);
    let output = required_draw(ctx, spec, "output", Unit::Plain, limits::TOKENS);
    let reasoning = optional_draw(ctx, spec, "reasoning", Unit::Plain, limits::TOKENS);
    let cached = match t.get("cached") {
        None => Some(Value::Fixed(0.0)),
        Some(n) => values::value(ctx, n, "cached", Unit::Plain, Domain::Probability).inspect(|v| {
            if v.fixed() != Some(0.0) {
                warn_no_cache_price(ctx, spec.price, n.span());
            }
        }),
    };
    let mode = match t.get("mode") {
        None => Some(Mode::Standard),
        Some(n) => table::keyword(ctx, n, "mode", MODES).and_then(|m| {
            if m == "standard" {
                return Some(Mode::Standard);
            }
            if let Some(price) = spec.price
                && price.batch_discount.is_none()
            {
                ctx.error(n.span(), format!("model `{}` has no batch price", price.id))
                    .label("batch not priced")
                    .help(format!(
                        "use `mode = \"standard\"`, or set `batch_discount` in a `[models.\"{}\"]` table",
                        price.id
                    ));
                return None;
            }
            Some(Mode::Batch)
        }),
    };
    need_token_prices(ctx, spec, "requests")?;
    Some(WorkloadKind::Requests(RequestsSpec {
        requests: requests?,
        input: input?,
        output: output?,
        reasoning: reasoning?,
        cached: cached?,
        mode: mode?,
    }))
}

fn agent(ctx: &mut Ctx, spec: &Spec<'_, '_, '_>, env: &Env<'_, '_>) -> Option<WorkloadKind> {
    let t = spec.t;
    let sessions = required_volume(ctx, spec, "sessions", env);
    let turns = required_draw(ctx, spec, "turns", Unit::Plain, limits::COUNT);
    let input = required_draw(ctx, spec, "input", Unit::Plain, limits::TOKENS);
    let output = required_draw(ctx, spec, "output", Unit::Plain, limits::TOKENS);
    let context = t.require(ctx, "context", spec.what).and_then(|n| context(ctx, n));
    let compaction_cost =
        optional(t.get("compaction_cost"), |n| table::boolean(ctx, n, "compaction_cost"))
            .map(|b| b.unwrap_or(false));
    let cache = optional(t.get("cache"), |n| {
        let cache = cache(ctx, n)?;
        warn_no_cache_price(ctx, spec.price, n.span());
        if let Some(price) = spec.price
            && cache.write_price == CacheWritePrice::OneHour
            && price.cache_write_1h_per_mtok.is_none()
        {
            ctx.error(
                n.span(),
                format!("model `{}` has no 1-hour cache-write price, which a TTL above 5 minutes pays", price.id),
            )
            .label("no 1-hour cache-write price")
            .help(format!(
                "give `cache_write_1h_per_mtok` in a `[models.\"{}\"]` table (the provider's price for writes kept an hour), or use `ttl = \"5m\"`",
                price.id
            ));
            return None;
        }
        Some(cache)
    });
    let tools = optional(t.get("tools"), |n| tools(ctx, n));
    let reasoning = optional_draw(ctx, spec, "reasoning", Unit::Plain, limits::TOKENS);
    need_token_prices(ctx, spec, "agent")?;
    Some(WorkloadKind::Agent(AgentSpec {
        sessions: sessions?,
        turns: turns?,
        input: input?,
        output: output?,
        context: context?,
        compaction_cost: compaction_cost?,
        cache: cache?,
        tools: tools?,
        reasoning: reasoning?,
    }))
}

fn context(ctx: &mut Ctx, node: &Node<'_>) -> Option<Context> {
    let t = table::table(ctx, node, "context", "a table `{ start, window, compact_to }`")?;
    t.check_keys(ctx, &names(CONTEXT_KEYS), "`context`", &|_| None);
    let mut tokens = |key: &str, domain: Domain| {
        let n = t.require(ctx, key, "`context`")?;
        let x = table::number(ctx, n, key)?;
        check_domain(ctx, n, key, x, domain)?;
        values::check_magnitude(ctx, n, key, Unit::Plain, limits::TOKENS)?;
        Some((x, n.span()))
    };
    let start = tokens("start", Domain::NonNegative);
    let window = tokens("window", Domain::Positive);
    let compact_to = tokens("compact_to", Domain::NonNegative);
    let ((start, start_span), (window, _), (compact_to, compact_span)) =
        (start?, window?, compact_to?);
    if compact_to >= window {
        ctx.error(compact_span, format!("`compact_to` ({compact_to}) must be below `window` ({window})"))
            .label("no room after compaction")
            .help("compaction restarts the context at `compact_to` tokens, which must leave room in the window");
        return None;
    }
    if start >= window {
        ctx.error(start_span, format!("`start` ({start}) must be below `window` ({window})"))
            .label("the first prompt would not fit");
        return None;
    }
    Some(Context { start, window, compact_to })
}

fn cache(ctx: &mut Ctx, node: &Node<'_>) -> Option<Cache> {
    let t = table::table(ctx, node, "cache", "a table `{ ttl, gap }`")?;
    t.check_keys(ctx, &names(CACHE_KEYS), "`cache`", &|_| None);
    let ttl = t.require(ctx, "ttl", "`cache`").and_then(|n| {
        let ttl = positive_duration(ctx, n, "ttl")?;
        if ttl > MAX_CACHE_TTL_SECONDS {
            ctx.error(n.span(), format!("a cache TTL of {ttl} s is longer than the 1-hour maximum"))
                .label("too long")
                .help("providers sell 5-minute and 1-hour cache writes: use `ttl = \"5m\"` or `ttl = \"1h\"`");
            return None;
        }
        Some(ttl)
    });
    let gap = t.require(ctx, "gap", "`cache`").and_then(|n| {
        values::draw(ctx, n, "gap", Unit::Seconds, DrawRule::NonNegative, limits::EVENT_SECONDS)
    });
    let ttl_seconds = ttl?;
    let write_price = if ttl_seconds <= FIVE_MINUTES {
        CacheWritePrice::FiveMinutes
    } else {
        CacheWritePrice::OneHour
    };
    Some(Cache { ttl_seconds, write_price, gap: gap? })
}

fn tools(ctx: &mut Ctx, node: &Node<'_>) -> Option<Tools> {
    let t = table::table(ctx, node, "tools", "a table `{ calls, output }`")?;
    t.check_keys(ctx, &names(TOOLS_KEYS), "`tools`", &|_| None);
    let calls = t.require(ctx, "calls", "`tools`").and_then(|n| {
        values::draw(ctx, n, "calls", Unit::Plain, DrawRule::NonNegative, limits::COUNT)
    });
    let output = t.require(ctx, "output", "`tools`").and_then(|n| {
        values::draw(ctx, n, "output", Unit::Plain, DrawRule::NonNegative, limits::TOKENS)
    });
    Some(Tools { calls: calls?, output: output? })
}

fn image(ctx: &mut Ctx, spec: &Spec<'_, '_, '_>, env: &Env<'_, '_>) -> Option<WorkloadKind> {
    let t = spec.t;
    let requests = required_volume(ctx, spec, "requests", env);
    let size = t
        .require(ctx, "size", spec.what)
        .and_then(|n| Some((table::string(ctx, n, "size")?, n.span())));
    let quality = t
        .require(ctx, "quality", spec.what)
        .and_then(|n| Some((table::string(ctx, n, "quality")?, n.span())));
    let n = match t.get("n") {
        None => Some(Draw::Const(1.0)),
        Some(node) => {
            values::draw(ctx, node, "n", Unit::Plain, DrawRule::AtLeastOne, limits::COUNT)
        }
    };
    let regenerate = match t.get("regenerate") {
        None => Some(Value::Fixed(0.0)),
        Some(node) => values::value(ctx, node, "regenerate", Unit::Plain, Domain::Probability).and_then(|v| {
            let too_high = match &v {
                Value::Fixed(x) => *x > MAX_REGENERATE,
                // A per-trial draw (a beta, say) can come arbitrarily close
                // to 1; the engine caps a draw at MAX_REGENERATE and counts
                // it as clamped, which the report shows.
                Value::PerTrial { .. } => false,
            };
            if too_high {
                ctx.error(node.span(), format!("`regenerate` must be at most {MAX_REGENERATE}"))
                    .label(if matches!(v, Value::Fixed(x) if x >= 1.0) {
                        "users would ask again forever"
                    } else {
                        "more than 10,000 requests per initial request on average"
                    })
                    .help("`regenerate` is the chance that a user asks again after each result, such as 0.15; a request leads to 1 / (1 − regenerate) requests on average");
                return None;
            }
            Some(v)
        }),
    };
    let ((size, size_span), (quality, quality_span)) = (size?, quality?);
    let usd_per_image = match spec.price {
        None => None,
        Some(price) => match models::image_price(price, size, quality) {
            Ok(amount) => Some(at_list_usd(price, amount)),
            Err(ImageMiss::NoImagePrices) => {
                ctx.error(
                    spec.model_span.clone(),
                    format!("model `{}` has no image price", price.id),
                )
                .label("not an image model")
                .help(format!("give it `per_image` in a `[models.\"{}\"]` table", price.id));
                None
            }
            Err(ImageMiss::Variant { priced, size_known, quality_known }) => {
                let help = format!("`{}` makes these sizes (qualities): {priced}", price.id);
                if !size_known {
                    ctx.error(
                        size_span,
                        format!("model `{}` makes no images of size `{size}`", price.id),
                    )
                    .label("unknown size")
                    .help(help.clone());
                }
                if !quality_known {
                    ctx.error(
                        quality_span.clone(),
                        format!("model `{}` has no quality `{quality}`", price.id),
                    )
                    .label("unknown quality")
                    .help(help.clone());
                }
                if size_known && quality_known {
                    ctx.error(
                        quality_span,
                        format!(
                            "model `{}` has no price for {size} images at quality {quality}",
                            price.id
                        ),
                    )
                    .label("quality not priced at this size")
                    .help(help);
                }
                None
            }
        },
    };
    Some(WorkloadKind::Image(ImageSpec {
        requests: requests?,
        size: size.to_owned(),
        quality: quality.to_owned(),
        n: n?,
        regenerate: regenerate?,
        usd_per_image: usd_per_image?,
    }))
}

/// A video workload, and the timeout its `client_timeout` and `duration` describe.
fn video(
    ctx: &mut Ctx,
    spec: &Spec<'_, '_, '_>,
    env: &Env<'_, '_>,
) -> Option<(WorkloadKind, Option<Timeout>)> {
    let t = spec.t;
    let requests = required_volume(ctx, spec, "requests", env);
    let seconds = required_draw(ctx, spec, "seconds", Unit::Seconds, limits::EVENT_SECONDS);
    let resolution = t
        .require(ctx, "resolution", spec.what)
        .and_then(|n| Some((table::string(ctx, n, "resolution")?, n.span())));
    let audio =
        optional(t.get("audio"), |n| table::boolean(ctx, n, "audio")).map(|a| a.unwrap_or(false));
    let poll = optional(t.get("poll"), |n| poll(ctx, n));
    let client_timeout =
        optional(t.get("client_timeout"), |n| positive_duration(ctx, n, "client_timeout"));
    let duration = optional_draw(ctx, spec, "duration", Unit::Seconds, limits::EVENT_SECONDS);
    let timeout = match (client_timeout?, duration?) {
        (Some(after_seconds), Some(latency)) => Some(Timeout { after_seconds, latency }),
        (Some(_), None) => {
            let span = t.key_span("client_timeout").unwrap_or_else(|| t.span());
            ctx.error(span, "`client_timeout` needs a job `duration`")
                .label("timeout without a duration")
                .help("add how long a job takes, such as `duration = { dist = \"lognormal\", median = \"80s\", p90 = \"4m\" }`");
            return None;
        }
        // A job duration without a client timeout still drives polling: the
        // client waits for as long as the job takes.
        (None, Some(latency)) => Some(Timeout { after_seconds: f64::INFINITY, latency }),
        (None, None) => None,
    };
    let poll = poll?;
    if poll.is_some() && timeout.is_none() && !t.has("timeout") {
        let span = t.key_span("poll").unwrap_or_else(|| t.span());
        ctx.error(span, "`poll` needs a job `duration` to know how many polls a job takes")
            .label("polling without a duration")
            .help("add `duration`, the distribution of how long a job takes");
        return None;
    }
    let ((resolution, resolution_span), audio) = (resolution?, audio?);
    let usd_per_second = match spec.price {
        None => None,
        Some(price) => match models::video_price(price, resolution, audio) {
            Ok(amount) => Some(at_list_usd(price, amount)),
            Err(None) => {
                ctx.error(
                    spec.model_span.clone(),
                    format!("model `{}` has no video price", price.id),
                )
                .label("not a video model")
                .help(format!("give it `per_video_second` in a `[models.\"{}\"]` table", price.id));
                None
            }
            Err(Some(priced)) => {
                let with = if audio { "with" } else { "without" };
                ctx.error(
                    resolution_span,
                    format!(
                        "model `{}` has no price for {resolution} video {with} audio",
                        price.id
                    ),
                )
                .label("resolution not priced")
                .help(format!("priced: {priced}"));
                None
            }
        },
    };
    let spec = VideoSpec {
        requests: requests?,
        seconds: seconds?,
        resolution: resolution.to_owned(),
        audio,
        poll,
        usd_per_second: usd_per_second?,
    };
    Some((WorkloadKind::Video(spec), timeout))
}

fn poll(ctx: &mut Ctx, node: &Node<'_>) -> Option<Poll> {
    let t = table::table(ctx, node, "poll", "a table `{ every, cost }`")?;
    t.check_keys(ctx, &names(POLL_KEYS), "`poll`", &|_| None);
    let every = t.require(ctx, "every", "`poll`").and_then(|n| {
        let every = positive_duration(ctx, n, "every")?;
        if every < limits::MIN_POLL_SECONDS {
            ctx.error(
                n.span(),
                format!(
                    "`every` of {} s polls more often than once per {} s",
                    limits::show(every),
                    limits::show(limits::MIN_POLL_SECONDS)
                ),
            )
            .label("too often")
            .help("providers ask clients to poll every few seconds, such as `every = \"5s\"`");
            return None;
        }
        Some(every)
    });
    let cost = match t.get("cost") {
        None => Some(0.0),
        Some(n) => table::number(ctx, n, "cost").and_then(|x| {
            check_domain(ctx, n, "cost", x, Domain::NonNegative)?;
            values::check_magnitude(ctx, n, "cost", Unit::Plain, limits::UNIT_PRICE_USD)?;
            Some(x)
        }),
    };
    Some(Poll { every_seconds: every?, usd_per_poll: cost? })
}

fn realtime(ctx: &mut Ctx, spec: &Spec<'_, '_, '_>, env: &Env<'_, '_>) -> Option<WorkloadKind> {
    let t = spec.t;
    let sessions = required_volume(ctx, spec, "sessions", env);
    let minutes = required_draw(ctx, spec, "minutes", Unit::Plain, limits::SESSION_MINUTES);
    let turns_per_minute = t.require(ctx, "turns_per_minute", spec.what).and_then(|n| {
        values::bounded_value(
            ctx,
            n,
            "turns_per_minute",
            Unit::Plain,
            Domain::NonNegative,
            limits::COUNT,
        )
    });
    let user_share = match t.get("user_share") {
        None => Some(Value::Fixed(0.5)),
        Some(n) => values::value(ctx, n, "user_share", Unit::Plain, Domain::Probability),
    };
    if let Some(price) = spec.price
        && price.audio.is_none()
    {
        ctx.error(spec.model_span.clone(), format!("model `{}` has no audio prices, which a realtime workload needs", price.id))
            .label("not a realtime model")
            .help(format!(
                "give it `audio = {{ input_per_mtok, output_per_mtok, input_tokens_per_minute, output_tokens_per_minute }}` in a `[models.\"{}\"]` table",
                price.id
            ));
        return None;
    }
    Some(WorkloadKind::Realtime(RealtimeSpec {
        sessions: sessions?,
        minutes: minutes?,
        turns_per_minute: turns_per_minute?,
        user_share: user_share?,
    }))
}

/// An amount in the model's currency as USD at the provider's list price of
/// a credit (the engine rescales it when a wallet buys credits at another
/// price), so that `usd_per_image` and `usd_per_second` are always dollars.
fn at_list_usd(price: &crate::prices::ModelPrice, amount: f64) -> f64 {
    match price.currency {
        crate::prices::Currency::Usd => amount,
        crate::prices::Currency::Credits { usd_per_credit } => amount * usd_per_credit,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::catalog::Catalog;
    use crate::date::Date;
    use crate::diagnostics::{Severity, SourceFile};

    #[test]
    fn a_model_retired_by_the_price_date_is_a_warning() {
        let catalog = Catalog::embedded();
        let mut ctx = Ctx::new(Arc::new(SourceFile::new("t.toml", "model = \"a/b\"")));
        let day = |d: &str| d.parse::<Date>().expect("valid date");
        let price = ModelPrice {
            id: "a/b".to_owned(),
            retired_on: Some(day("2026-10-23")),
            ..ModelPrice::default()
        };
        let on = |date: &str| Pricing { catalog: &catalog, date: Some(day(date)), file: "t.toml" };
        warn_retired(&mut ctx, &price, 8..13, on("2026-10-22"));
        warn_retired(&mut ctx, &price, 8..13, on("2026-10-23"));
        warn_retired(&mut ctx, &price, 8..13, on("2026-11-01"));
        let (errors, warnings) = ctx.finish();
        assert!(errors.is_empty());
        assert_eq!(warnings.len(), 2, "retired on the day itself and after, not before");
        assert_eq!(warnings[0].severity, Severity::Warning);
        assert_eq!(
            warnings[0].message,
            "model `a/b` was retired on 2026-10-23: the provider rejects its requests, so this forecast (billed at its last known prices) would not happen"
        );
        let routed = ModelPrice { served_by: Some("a/c".to_owned()), ..price };
        let mut ctx = Ctx::new(Arc::new(SourceFile::new("t.toml", "model = \"a/b\"")));
        warn_retired(&mut ctx, &routed, 8..13, on("2026-11-01"));
        let (_, warnings) = ctx.finish();
        assert_eq!(
            warnings[0].message,
            "model `a/b` was retired on 2026-10-23: its requests are served by `a/c` and billed at its prices"
        );
        assert_eq!(warnings[0].column(), Some(9));
    }
}
