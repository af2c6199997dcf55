//! The per-trial CSV reads back to exactly the simulated values.

use crate::common;

use costintent_report::trials_csv;

#[test]
fn csv_round_trips_every_value_exactly() {
    let mut outcomes = common::outcomes(25, 500);
    // Values whose shortest decimal form is long or unusual.
    outcomes.total[0] = 0.1 + 0.2;
    outcomes.total[1] = 1e-17;
    outcomes.total[2] = 123_456_789.123_456_79;
    outcomes.workloads[0].spend[3] = 2.0f64.sqrt();
    outcomes.workloads[1].name = "thumbs, \"hi-res\"".into();

    let csv = trials_csv(&outcomes);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("trial,total,agent,\"thumbs, \"\"hi-res\"\"\",clips"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 25);
    for (i, row) in rows.iter().enumerate() {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), 5);
        assert_eq!(fields[0].parse::<u64>(), Ok(500 + i as u64));
        let total: f64 = fields[1].parse().expect("a number");
        assert_eq!(total.to_bits(), outcomes.total[i].to_bits(), "trial {i}");
        for (w, field) in fields[2..].iter().enumerate() {
            let spend: f64 = field.parse().expect("a number");
            assert_eq!(spend.to_bits(), outcomes.workloads[w].spend[i].to_bits());
        }
    }
    assert!(csv.ends_with('\n'));
}

#[test]
fn a_workload_named_like_a_fixed_column_is_renamed() {
    let mut outcomes = common::outcomes(2, 0);
    outcomes.workloads[0].name = "total".into();
    let csv = trials_csv(&outcomes);
    assert!(csv.starts_with("trial,total,workload:total,thumbnails,clips\n"));
}
