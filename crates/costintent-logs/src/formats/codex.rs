//! OpenAI Codex CLI rollouts: `sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`.
//!
//! Usage comes in `event_msg` lines of type `token_count` whose
//! `info.total_token_usage` is cumulative for the session. One attempt is
//! the difference between consecutive totals; a `token_count` that repeats
//! the previous total (Codex writes them on rate-limit updates too) adds
//! nothing and is counted as ignored. When the totals go down (a new
//! session's counters in the same file), the line's `last_token_usage` is
//! used. The model is only in `turn_context` lines; before one, the model
//! is unknown and the tokens are reported under `codex (model not logged)`.
//! Rollouts have no request ids and no retry records.
//!
//! Lines are parsed in parallel like every other format; the subtraction
//! runs afterwards, in file order, in [`Assembler`].

use serde::Deserialize;

use super::{Collector, Format, LineCtx, LineOut, Reason};
use crate::record::{Attempt, Src, Status, Tokens, Units};

/// `src.kind` of rollout records.
pub(crate) const KIND: &str = "codex.rollout";

/// The model name used when no `turn_context` preceded the usage.
pub const UNKNOWN_MODEL: &str = "codex (model not logged)";

/// What one rollout line says, before the stateful pass.
#[derive(Debug)]
pub(crate) enum Event {
    Session { id: String },
    Model { model: String },
    Usage { timestamp: Option<String>, total: Option<Counters>, last: Option<Counters> },
}

/// One `TokenUsage` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct Counters {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cached_input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    reasoning_output_tokens: u64,
}

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    payload: Option<Payload>,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    info: Option<Info>,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    total_token_usage: Option<Counters>,
    #[serde(default)]
    last_token_usage: Option<Counters>,
}

pub(crate) fn parse_line(bytes: &[u8], ctx: &LineCtx<'_>, out: &mut Collector) {
    let line: Line = match serde_json::from_slice(bytes) {
        Ok(line) => line,
        Err(e) => return out.json_error(ctx, bytes, Format::Codex, &e),
    };
    let payload = line.payload;
    let event = match (line.kind.as_deref(), payload) {
        (Some("session_meta"), Some(p)) => match p.id {
            Some(id) => Event::Session { id },
            None => return out.skip(ctx, "codex: session_meta without an id"),
        },
        (Some("turn_context"), Some(p)) => match p.model {
            Some(model) => Event::Model { model },
            None => return out.ignore("codex: turn_context without a model"),
        },
        (Some("event_msg"), Some(p)) if p.kind.as_deref() == Some("token_count") => match p.info {
            Some(info) => Event::Usage {
                timestamp: line.timestamp,
                total: info.total_token_usage,
                last: info.last_token_usage,
            },
            None => return out.ignore("codex: token_count without info"),
        },
        (Some(_), _) => return out.ignore("codex: line without usage"),
        (None, _) => return out.skip(ctx, "codex: line without a type"),
    };
    out.items.push((ctx.line, LineOut::Codex(Box::new(event))));
}

/// The per-file state of the stateful pass.
#[derive(Debug, Default)]
pub(crate) struct Assembler {
    session: Option<String>,
    model: Option<String>,
    previous: Option<Counters>,
}

/// What the assembler made of one event.
pub(crate) enum Assembled {
    Attempt(Box<Attempt>),
    Nothing,
    Ignored(Reason),
    Skipped(Reason),
}

impl Assembler {
    pub(crate) fn feed(&mut self, event: Event) -> Assembled {
        match event {
            Event::Session { id } => {
                self.session = Some(id);
                Assembled::Nothing
            }
            Event::Model { model } => {
                self.model = Some(model);
                Assembled::Nothing
            }
            Event::Usage { timestamp, total, last } => self.usage(timestamp, total, last),
        }
    }

    fn usage(
        &mut self,
        timestamp: Option<String>,
        total: Option<Counters>,
        last: Option<Counters>,
    ) -> Assembled {
        let delta = match (total, self.previous) {
            (Some(t), Some(p)) if t == p => {
                return Assembled::Ignored(
                    "codex: token_count repeating the previous total".into(),
                );
            }
            (Some(t), Some(p)) => match difference(t, p) {
                Some(d) => d,
                None => match last {
                    Some(l) => l,
                    None => {
                        self.previous = Some(t);
                        return Assembled::Skipped(
                            "codex: cumulative counters went down, and no last_token_usage".into(),
                        );
                    }
                },
            },
            (Some(t), None) => t,
            (None, _) => match last {
                Some(l) => l,
                None => return Assembled::Skipped("codex: token_count without usage".into()),
            },
        };
        if total.is_some() {
            self.previous = total;
        }
        Assembled::Attempt(Box::new(Attempt {
            src: Src { kind: KIND.to_owned(), ..Src::default() },
            provider: "openai".to_owned(),
            api: Some("responses".to_owned()),
            model: self.model.clone().unwrap_or_else(|| UNKNOWN_MODEL.to_owned()),
            session_id: self.session.clone(),
            ts_end: timestamp,
            status: Status::Ok,
            tokens: Tokens {
                input: Some(delta.input_tokens),
                output: Some(delta.output_tokens),
                cache_read: Some(delta.cached_input_tokens),
                reasoning: Some(delta.reasoning_output_tokens),
                ..Tokens::default()
            },
            units: Units { requests: Some(1), ..Units::default() },
            billable: Some(true),
            ..Attempt::default()
        }))
    }
}

fn difference(now: Counters, before: Counters) -> Option<Counters> {
    Some(Counters {
        input_tokens: now.input_tokens.checked_sub(before.input_tokens)?,
        cached_input_tokens: now.cached_input_tokens.checked_sub(before.cached_input_tokens)?,
        output_tokens: now.output_tokens.checked_sub(before.output_tokens)?,
        reasoning_output_tokens: now
            .reasoning_output_tokens
            .checked_sub(before.reasoning_output_tokens)?,
    })
}
