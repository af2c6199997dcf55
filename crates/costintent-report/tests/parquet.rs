//! The per-trial Parquet file reads back with polars to the simulated values.

#![cfg(feature = "parquet")]

use crate::common;

use std::io::Cursor;

use costintent_report::trials_parquet;
use polars::prelude::{DataType, ParquetReader, SerReader};

#[test]
fn parquet_reads_back_with_every_row_and_value() {
    let mut outcomes = common::outcomes(300, 7_000);
    outcomes.total[0] = 0.1 + 0.2;
    let bytes = trials_parquet(&outcomes).expect("writes");
    assert_eq!(&bytes[..4], b"PAR1", "Parquet magic number");

    let frame = ParquetReader::new(Cursor::new(bytes)).finish().expect("reads back");
    assert_eq!(frame.height(), 300);
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["trial", "total", "agent", "thumbnails", "clips"]);

    let trial = frame.column("trial").expect("trial column");
    assert_eq!(trial.dtype(), &DataType::UInt64);
    let trial = trial.u64().expect("u64");
    assert_eq!(trial.get(0), Some(7_000));
    assert_eq!(trial.get(299), Some(7_299));

    let total = frame.column("total").expect("total column").f64().expect("f64");
    for (i, expected) in outcomes.total.iter().enumerate() {
        assert_eq!(total.get(i).map(f64::to_bits), Some(expected.to_bits()), "trial {i}");
    }
    for (w, name) in ["agent", "thumbnails", "clips"].iter().enumerate() {
        let column = frame.column(name).expect("workload column").f64().expect("f64");
        for (i, expected) in outcomes.workloads[w].spend.iter().enumerate() {
            assert_eq!(column.get(i), Some(*expected), "{name}, trial {i}");
        }
    }
}

#[test]
fn parquet_bytes_are_deterministic() {
    let outcomes = common::outcomes(50, 0);
    assert_eq!(trials_parquet(&outcomes), trials_parquet(&outcomes));
}
