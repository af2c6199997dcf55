//! Per-trial spend as Parquet, for notebooks and data warehouses.
//!
//! The columns are those of the CSV (`trial` as UInt64, then `total` and one
//! column per workload as Float64 USD), written with polars into memory.

use std::io::Cursor;

use costintent_sim::Outcomes;
use polars::prelude::{Column, DataFrame, ParquetWriter};

use crate::csv::trial_columns;
use crate::error::ReportError;

/// The trials as a Parquet file in memory: `trial` (UInt64, `first_trial +
/// i`), `total` and one Float64 column of USD per workload, named as in
/// [`trials_csv`](crate::trials_csv).
///
/// Encoding runs on one thread so the bytes never depend on the machine.
pub fn trials_parquet(outcomes: &Outcomes) -> Result<Vec<u8>, ReportError> {
    let n = outcomes.trials();
    let names = trial_columns(outcomes);
    let trial: Vec<u64> = (0..n as u64).map(|i| outcomes.first_trial + i).collect();
    let mut columns = Vec::with_capacity(names.len());
    columns.push(Column::new(names[0].as_str().into(), trial));
    columns.push(Column::new(names[1].as_str().into(), outcomes.total.as_slice()));
    for (name, workload) in names[2..].iter().zip(&outcomes.workloads) {
        if workload.spend.len() != n {
            return Err(ReportError::ColumnLength {
                column: format!("workload.{}.spend", workload.name),
                expected: n,
                found: workload.spend.len(),
            });
        }
        columns.push(Column::new(name.as_str().into(), workload.spend.as_slice()));
    }
    let mut frame = DataFrame::new(n, columns).map_err(|e| ReportError::Parquet(e.to_string()))?;
    let mut buffer = Cursor::new(Vec::new());
    ParquetWriter::new(&mut buffer)
        .set_parallel(false)
        .finish(&mut frame)
        .map_err(|e| ReportError::Parquet(e.to_string()))?;
    Ok(buffer.into_inner())
}
