//! Overrides set values as if the file said so, and are checked like them.

use costintent_scenario::{Override, Value, Volume, WorkloadKind};

use super::load_with;

fn ov(path: &str, value: &str) -> Override {
    Override { path: path.to_owned(), value: value.to_owned() }
}

#[test]
fn override_values_are_used() {
    let overrides = [
        ov("agent.failures.rate", "0.05"),
        ov("scenario.budget", "3000"),
        ov("thumbnails.requests", "{ per = \"hour\", mean = 10 }"),
        ov("clips.model", "acme/tiny-video"),
    ];
    let Err(d) = load_with("example.toml", &overrides[..4]) else {
        panic!("acme/tiny-video is not priced")
    };
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    assert!(d.errors[0].message.contains("acme/tiny-video"));

    let mut kept = overrides.to_vec();
    kept.remove(3);
    let checked =
        load_with("example.toml", &kept).unwrap_or_else(|d| panic!("{}", d.render_plain()));
    let s = &checked.scenario;
    assert_eq!(s.budget, Some(3000.0));
    assert_eq!(s.workloads[0].failures.rate.fixed(), Some(0.05));
    // Keys the override did not name keep the file's values.
    assert_eq!(s.workloads[0].failures.retries.fixed(), Some(3.0));
    let WorkloadKind::Image(image) = &s.workloads[1].kind else { panic!("image") };
    let Volume::PerUnit { units, .. } = &image.requests else { panic!("per hour") };
    assert_eq!(*units, 720.0);
}

/// A missing intermediate table is created (`tools` is not in the file),
/// and then validated like any other.
#[test]
fn an_incomplete_table_created_by_an_override_is_an_error() {
    let Err(d) = load_with("example.toml", &[ov("agent.tools.calls", "2")]) else {
        panic!("tools without output")
    };
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    let e = &d.errors[0];
    assert_eq!(
        e.message,
        "missing key `output` in `tools` (set by override `agent.tools.calls=2`)"
    );
    assert_eq!(e.location, None);
}

#[test]
fn override_strings_need_no_quotes() {
    let checked =
        load_with("example.toml", &[ov("thumbnails.quality", "high"), ov("scenario.period", "7d")])
            .unwrap_or_else(|d| panic!("{}", d.render_plain()));
    let WorkloadKind::Image(image) = &checked.scenario.workloads[1].kind else { panic!("image") };
    assert_eq!(image.quality, "high");
    assert_eq!(checked.scenario.period.seconds, 7.0 * 86_400.0);
}

#[test]
fn override_distributions_are_parsed() {
    let checked = load_with(
        "example.toml",
        &[ov("agent.failures.rate", "{ dist = \"beta\", mean = 0.03, sd = 0.01 }")],
    )
    .unwrap_or_else(|d| panic!("{}", d.render_plain()));
    assert!(matches!(checked.scenario.workloads[0].failures.rate, Value::PerTrial { .. }));
}

#[test]
fn an_unknown_workload_in_an_override_is_an_error() {
    let Err(d) = load_with("example.toml", &[ov("agnet.failures.rate", "0.05")]) else {
        panic!("unknown workload")
    };
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    let e = &d.errors[0];
    assert_eq!(e.message, "override `agnet.failures.rate=0.05` names no workload \"agnet\"");
    assert_eq!(e.help.as_deref(), Some("did you mean `agent`?"));
    assert_eq!(e.location, None);
}

#[test]
fn an_invalid_override_value_names_the_override() {
    let Err(d) = load_with("example.toml", &[ov("agent.failures.rate", "1.5")]) else {
        panic!("rate 1.5")
    };
    assert_eq!(d.errors.len(), 1, "{}", d.render_plain());
    let e = &d.errors[0];
    assert_eq!(
        e.message,
        "`rate` must be between 0 and 1 (got 1.5) (set by override `agent.failures.rate=1.5`)"
    );
    assert_eq!(e.location, None);
    let Err(d) = load_with("example.toml", &[ov("agent.failurs.rate", "0.1")]) else {
        panic!("unknown key")
    };
    assert!(d.errors[0].message.starts_with("unknown key `failurs`"), "{}", d.render_plain());
    assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `failures`?"));
}

#[test]
fn an_override_into_a_number_is_an_error() {
    let Err(d) = load_with("example.toml", &[ov("agent.turns.mean.x", "5")]) else {
        panic!("mean is a number")
    };
    assert_eq!(
        d.errors[0].message,
        "override `agent.turns.mean.x=5` cannot set a key inside `turns.mean`, which is an integer"
    );
    let Err(d) = load_with("example.toml", &[ov("thumbnails.size.x", "5")]) else {
        panic!("size is a string")
    };
    assert_eq!(
        d.errors[0].message,
        "override `thumbnails.size.x=5` cannot set a key inside `size`, which is a string"
    );
}
