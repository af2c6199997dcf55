//! Per-trial spend as CSV (`--trials-out trials.csv`), for analysis in other
//! tools.
//!
//! One row per trial: `trial,total,<workload>,…` in USD. Numbers are printed
//! with Rust's shortest round-trip formatting, so parsing the file gives back
//! exactly the simulated values.

use std::fmt::Write;

use costintent_sim::Outcomes;

/// The per-trial table's column names: `trial`, `total`, then one per
/// workload in scenario order.
///
/// A workload named like an earlier column (`trial` or `total`) is renamed
/// `workload:<name>` so that every column name is unique; Parquet requires
/// it and CSV readers silently drop or rename duplicates otherwise.
pub(crate) fn trial_columns(outcomes: &Outcomes) -> Vec<String> {
    let mut names = vec!["trial".to_owned(), "total".to_owned()];
    for workload in &outcomes.workloads {
        let name = if names.contains(&workload.name) {
            format!("workload:{}", workload.name)
        } else {
            workload.name.clone()
        };
        names.push(name);
    }
    names
}

/// The trials as CSV with a header row: `trial,total,<workload>,…`, one row
/// per trial in trial order (the trial index is `first_trial + i`), money
/// in USD with full precision. Workload names are quoted per RFC 4180 when
/// they hold a comma, a quote or a line break.
pub fn trials_csv(outcomes: &Outcomes) -> String {
    let columns = trial_columns(outcomes);
    let mut out = String::with_capacity(outcomes.trials() * 12 * columns.len());
    let header: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for (i, total) in outcomes.total.iter().enumerate() {
        let _ = write!(out, "{},{total}", outcomes.first_trial + i as u64);
        for workload in &outcomes.workloads {
            match workload.spend.get(i) {
                Some(spend) => {
                    let _ = write!(out, ",{spend}");
                }
                None => out.push(','),
            }
        }
        out.push('\n');
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_awkward_names() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
