//! costintent's own JSONL: `costintent.attempt/v1` and `costintent.bucket/v1`
//! lines, as [`crate::write_attempt`] writes them. Reading one back gives
//! the same records (the round trip is tested).

use serde_json::Value;

use super::{Collector, Format, Keyed, LineCtx};
use crate::record::{ATTEMPT_SCHEMA, Attempt, BUCKET_SCHEMA, Bucket};

pub(crate) fn parse_line(bytes: &[u8], ctx: &LineCtx<'_>, out: &mut Collector) {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return out.json_error(ctx, bytes, Format::Costintent, &e),
    };
    match value.get("v").and_then(Value::as_str) {
        Some(ATTEMPT_SCHEMA) => match serde_json::from_value::<Attempt>(value) {
            // A failed attempt may name no model (an HTTP error body, a
            // batch line that errored or expired): the other importers keep
            // those as failures without a model, so `write_attempt` writes
            // them and they must read back. A success needs a model.
            Ok(attempt) if attempt.model.is_empty() && !attempt.status.is_failure() => {
                out.skip(ctx, "costintent: attempt without a model");
            }
            Ok(attempt) => {
                let file = attempt.src.file.clone();
                let line = attempt.src.line;
                out.attempt(ctx, Keyed::plain(attempt));
                // Keep the provenance the record was written with: a
                // simulated log names its trial, not this file.
                if let Some((_, super::LineOut::Attempt(keyed))) = out.items.last_mut()
                    && file.is_some()
                {
                    keyed.attempt.src.file = file;
                    keyed.attempt.src.line = line;
                }
            }
            Err(e) => out.skip(ctx, super::json_error_reason(bytes, Format::Costintent, &e, false)),
        },
        Some(BUCKET_SCHEMA) => match serde_json::from_value::<Bucket>(value) {
            Ok(bucket) => out.bucket(ctx, bucket),
            Err(e) => out.skip(ctx, super::json_error_reason(bytes, Format::Costintent, &e, false)),
        },
        Some(_) => out.skip(ctx, "costintent: unknown schema version in `v`"),
        None => out.skip(ctx, "costintent: line without `v`"),
    }
}
