//! The log importers on any bytes, detected or forced: no panic; reading
//! the records and summarizing them agree (same counts, same accounting of
//! skipped and ignored lines); every attempt read writes back as
//! `costintent.attempt/v1` and reads back the same; `logs review` of a
//! request that was read finds it.
//!
//! Used by the `logs_detect` and `logs_format` fuzz targets, and by
//! `crates/costintent-logs/tests/fuzz_regressions.rs`, which replays the
//! kept corpus and every crash found (it includes this file by path).

use std::sync::OnceLock;

use costintent_logs::{
    Format, GroupBy, ImportOptions, Input, SummaryOptions, read_records, review, summarize,
    write_attempt,
};
use costintent_scenario::{Catalog, Date};

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::embedded)
}

fn today() -> Date {
    Date::new(2026, 11, 29).unwrap_or_else(|e| panic!("a valid date: {e:?}"))
}

/// The `logs_detect` input: the first byte says whether the file was named
/// on the command line (an unknown format is then an error) or found in a
/// folder, and which extension it has; the rest is the file.
pub fn detect(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else { return };
    let name = ["fuzz.jsonl", "fuzz.json", "fuzz.csv", "fuzz"][usize::from(first >> 1) % 4];
    import(bytes, name, first & 1 == 0, None);
}

/// The `logs_format` input: the first byte picks the format to force
/// (`--log-format`); the rest is the file.
pub fn forced(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else { return };
    let format = Format::ALL[usize::from(first) % Format::ALL.len()];
    let name = if format.is_csv() { "fuzz.csv" } else { "fuzz.jsonl" };
    import(bytes, name, true, Some(format));
}

/// The first byte of a `logs_format` input that forces `format`.
pub fn format_byte(format: Format) -> u8 {
    Format::ALL.iter().position(|f| *f == format).map_or(0, |i| i as u8)
}

fn import(bytes: &[u8], name: &str, explicit: bool, format: Option<Format>) {
    let inputs = || {
        let mut input = Input::from_bytes(name, bytes.to_vec());
        input.explicit = explicit;
        vec![input]
    };
    let import = ImportOptions { format };
    let records = read_records(&inputs(), &import);
    for by in [GroupBy::Model, GroupBy::Day, GroupBy::Session, GroupBy::Workload] {
        let options = SummaryOptions { catalog: catalog(), by, undated_prices: today() };
        let summary = summarize(&inputs(), &import, &options);
        match (&records, &summary) {
            (Ok(records), Ok(summary)) => {
                assert_eq!(summary.stats, records.stats, "the same lines read, skipped, ignored");
                assert_eq!(summary.records, records.attempts.len() as u64, "attempts kept");
                assert_eq!(summary.duplicates_dropped, records.duplicates_dropped);
                assert_eq!(summary.totals.attempts, summary.records, "attempts in the totals");
                assert!(summary.totals.requests <= summary.totals.attempts);
                assert!(summary.totals.failures <= summary.totals.attempts);
                for note in &summary.notes {
                    assert!(!note.is_empty());
                }
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "the same error"),
            (a, b) => panic!("read_records and summarize disagree: {a:?} / {b:?}"),
        }
    }
    let Ok(records) = records else { return };
    assert_eq!(records.stats.files.len(), 1, "one input, one file entry");

    // costintent.attempt/v1 round trip.
    let mut written = Vec::new();
    let mut want = records.attempts.clone();
    for attempt in &mut want {
        write_attempt(&mut written, attempt)
            .unwrap_or_else(|e| panic!("writing to memory cannot fail: {e}"));
        attempt.v = costintent_logs::ATTEMPT_SCHEMA.to_owned();
        attempt.ensure_record_id();
    }
    let again = read_records(
        &[Input::from_bytes("again.jsonl", written.clone())],
        &ImportOptions { format: Some(Format::Costintent) },
    )
    .unwrap_or_else(|e| panic!("written attempts read back: {e}"));
    assert_eq!(again.attempts.len(), want.len(), "attempts written read back");
    for (read, wanted) in again.attempts.iter().zip(&want) {
        assert_eq!(
            read,
            wanted,
            "an attempt written as costintent.attempt/v1 reads back the same:\n{}",
            String::from_utf8_lossy(&written)
        );
    }

    // `logs review` finds a request that was read.
    if let Some(id) = records.attempts.iter().find_map(|a| a.request_id.clone()) {
        let found = review(&id, &inputs(), &import, catalog(), today())
            .unwrap_or_else(|e| panic!("the same input reads again: {e}"));
        assert!(!found.attempts.is_empty(), "review finds request {id:?}");
    }
}
