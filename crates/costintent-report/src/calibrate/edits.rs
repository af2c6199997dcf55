//! A [`Calibration`] as edits of the user's scenario file: each fitted key
//! gets its new value and a comment (the observations behind it, the fit's
//! quality and the value's own standard error); a key the logs could not
//! inform keeps its value and gets a comment saying why.
//!
//! Values are rounded to four significant digits. A fit marked uncertain
//! is written as a parameter drawn per trial from its sampling
//! distribution: a lognormal's mean from a lognormal whose spread is the
//! mean's standard error (the sd stays fixed), a count's mean from a gamma,
//! a rate or share from a beta, each with the estimate as its centre.

use costintent_scenario::edit::{EditValue, KeyEdit};
use costintent_scenario::{Dist, Draw, LogNormalParams, Scenario, Workload, WorkloadKind};

use super::{Calibration, CountFit, CountLaw, Fit, KeyFit, LogNormalFit, Missing, Per, Z90};
use crate::format::{duration, percent, plain_number, quantity};

/// The edits of a calibration and the header comment of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationEdits {
    /// Comment lines for the top of the file.
    pub header: Vec<String>,
    /// One edit per key.
    pub edits: Vec<KeyEdit>,
}

/// The edits that write `calibration` into `scenario`'s file. `keep` lists
/// keys to leave as written (`agent.sessions`, or `sessions` for every
/// workload); `source` says what was read (`3 files`).
pub fn edits(
    scenario: &Scenario,
    calibration: &Calibration,
    keep: &[String],
    source: &str,
) -> CalibrationEdits {
    let mut header = vec![format!(
        "fitted from {} attempts in {source}; ± is one standard error; a value whose",
        quantity(calibration.attempts as f64)
    )];
    header.push(
        "standard error is 5% of it or more is drawn per trial, so the forecast widens".to_owned(),
    );
    if !calibration.unassigned.is_empty() {
        let listed: Vec<String> = calibration
            .unassigned
            .iter()
            .map(|(model, n)| format!("{model} ({})", quantity(*n as f64)))
            .collect();
        header
            .push(format!("attempts no workload claimed (use --workload): {}", listed.join(", ")));
    }
    let mut out = Vec::new();
    for (w, fits) in scenario.workloads.iter().zip(&calibration.workloads) {
        for key in &fits.keys {
            let dotted = key.key();
            let kept = keep.iter().any(|k| {
                *k == dotted
                    || *k == key.path[0]
                    || k.strip_prefix(&w.name)
                        .and_then(|r| r.strip_prefix('.'))
                        .is_some_and(|r| r == dotted || r == key.path[0])
            });
            let (value, mut comment) = describe(w, key);
            let value = if kept { None } else { value };
            if kept {
                comment = format!("kept (--keep); {comment}");
            }
            out.push(KeyEdit {
                workload: w.name.clone(),
                path: key.path.iter().map(|s| (*s).to_owned()).collect(),
                value,
                comment: vec![format!("{dotted}: {comment}")],
            });
        }
    }
    CalibrationEdits { header, edits: out }
}

/// A key's new value (when it gets one) and its comment.
fn describe(w: &Workload, key: &KeyFit) -> (Option<EditValue>, String) {
    let drawn = if key.uncertain {
        format!(
            "; drawn per trial (its standard error is {} of it)",
            percent(key.fit.relative_se().unwrap_or(0.0))
        )
    } else {
        String::new()
    };
    match &key.fit {
        Fit::Tokens { per, fit } => {
            let value = lognormal_value(fit, key.uncertain, written_style(w, &key.path));
            (Some(value), format!("{}{drawn}", tokens_words(fit, *per)))
        }
        Fit::Gap(fit) => {
            let value = EditValue::dist(
                "lognormal",
                vec![
                    ("median", EditValue::Text(duration(round4(fit.median())))),
                    ("p90", EditValue::Text(duration(round4(fit.p90())))),
                ],
            );
            let words = format!(
                "lognormal median {} ± {}, p90 {} ± {}, from {} gaps between turn starts; {}",
                duration(fit.median()),
                percent(fit.se_log_median()),
                duration(fit.p90()),
                percent(fit.se_log_p90()),
                quantity(fit.n as f64),
                ks_words(fit)
            );
            (Some(value), words)
        }
        Fit::GapFromExpiry { expired, ttl, sigma, median, se_median } => {
            let p90 = median * (Z90 * sigma).exp();
            let value = EditValue::dist(
                "lognormal",
                vec![
                    ("median", EditValue::Text(duration(round4(*median)))),
                    ("p90", EditValue::Text(duration(round4(p90)))),
                ],
            );
            let words = format!(
                "median {} ± {} from the share of turns that found the cache expired ({} ± {} of {} turns, TTL {}); the spread is the file's (σ = {}); the logs carry no times",
                duration(*median),
                duration(*se_median),
                percent(expired.rate()),
                percent(expired.se()),
                quantity(expired.n as f64),
                duration(*ttl),
                plain_number(round4(*sigma))
            );
            (Some(value), words)
        }
        Fit::Count { per, fit } => {
            let value = count_value(fit, key.uncertain, *per == Per::Day);
            (Some(value), format!("{}{drawn}", count_words(fit, *per)))
        }
        Fit::Rate(r) => {
            let value = share_value(r.rate(), r.se(), key.uncertain);
            let words = format!(
                "{} ± {} ({} failed of {} attempts; client errors other than 408 and 429 left out){drawn}",
                percent(r.rate()),
                percent(r.se()),
                quantity(r.k as f64),
                quantity(r.n as f64)
            );
            // A file without failures gets a whole table (`billed` is required).
            if key.path == ["failures", "rate"] && failures_absent(w) {
                if r.k == 0 {
                    return (None, format!("no failed attempt in {}; kept", quantity(r.n as f64)));
                }
                let table = EditValue::table(vec![
                    ("rate", value),
                    ("retries", EditValue::Number(0.0)),
                    ("billed", EditValue::Text("input".to_owned())),
                ]);
                return (
                    Some(table),
                    format!(
                        "{words}; added with billed = \"input\" (the cautious choice: check what your provider bills)"
                    ),
                );
            }
            (Some(value), words)
        }
        Fit::Share(s) => (
            Some(share_value(s.share, s.se, key.uncertain)),
            format!(
                "{} ± {} of input tokens read from the cache, over {} requests{drawn}",
                percent(s.share),
                percent(s.se),
                quantity(s.n as f64)
            ),
        ),
        Fit::Level(m) => (
            Some(EditValue::Number(round4(m.value))),
            format!(
                "{} ± {} tokens, from {} prompts less the input per turn",
                quantity(m.value),
                quantity(m.se),
                quantity(m.n as f64)
            ),
        ),
        Fit::Retries { max_attempt, raise } => {
            let words = format!(
                "a request took up to {} attempt{}",
                max_attempt,
                if *max_attempt == 1 { "" } else { "s" }
            );
            if *raise && !failures_absent(w) {
                let retries = f64::from(max_attempt.saturating_sub(1));
                (Some(EditValue::Number(retries)), format!("{words}; raised to {retries}"))
            } else {
                (None, format!("{words}; kept (the client's policy)"))
            }
        }
        Fit::Window { largest_prompt, compactions } => (
            None,
            format!(
                "kept (the model's); prompts up to {} tokens, {} compaction{} seen",
                quantity(*largest_prompt),
                compactions,
                if *compactions == 1 { "" } else { "s" }
            ),
        ),
        Fit::NotInformed(why) => (None, format!("kept, not informed: {}", missing_words(why))),
    }
}

/// Whether the workload has no `failures` table (its rate, retries and
/// billing are the defaults).
fn failures_absent(w: &Workload) -> bool {
    w.failures.rate.fixed() == Some(0.0)
        && w.failures.retries.fixed() == Some(0.0)
        && w.failures.billed == costintent_scenario::Billed::None
}

/// How the file writes a lognormal key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    MedianP90,
    MeanSd,
}

fn written_style(w: &Workload, path: &[&str]) -> Style {
    let draw = match (&w.kind, path) {
        (WorkloadKind::Requests(r), ["input"]) => Some(&r.input),
        (WorkloadKind::Requests(r), ["output"]) => Some(&r.output),
        (WorkloadKind::Requests(r), ["reasoning"]) => r.reasoning.as_ref(),
        (WorkloadKind::Agent(a), ["input"]) => Some(&a.input),
        (WorkloadKind::Agent(a), ["output"]) => Some(&a.output),
        (WorkloadKind::Agent(a), ["reasoning"]) => a.reasoning.as_ref(),
        (WorkloadKind::Agent(a), ["tools", "output"]) => a.tools.as_ref().map(|t| &t.output),
        _ => None,
    };
    match draw {
        Some(Draw::Dist(Dist::LogNormal(LogNormalParams::MeanSd { .. }))) => Style::MeanSd,
        _ => Style::MedianP90,
    }
}

fn lognormal_value(fit: &LogNormalFit, uncertain: bool, style: Style) -> EditValue {
    if uncertain {
        let mean = round4(fit.mean());
        let p90 = round4(fit.mean() * (Z90 * fit.se_log_mean()).exp());
        return EditValue::dist(
            "lognormal",
            vec![
                (
                    "mean",
                    EditValue::dist(
                        "lognormal",
                        vec![("median", EditValue::Number(mean)), ("p90", EditValue::Number(p90))],
                    ),
                ),
                ("sd", EditValue::Number(round4(fit.sd()))),
            ],
        );
    }
    match style {
        Style::MedianP90 => EditValue::dist(
            "lognormal",
            vec![
                ("median", EditValue::Number(round4(fit.median()))),
                ("p90", EditValue::Number(round4(fit.p90()))),
            ],
        ),
        Style::MeanSd => EditValue::dist(
            "lognormal",
            vec![
                ("mean", EditValue::Number(round4(fit.mean()))),
                ("sd", EditValue::Number(round4(fit.sd()))),
            ],
        ),
    }
}

fn count_value(fit: &CountFit, uncertain: bool, per_day: bool) -> EditValue {
    let mean = if uncertain {
        EditValue::dist(
            "gamma",
            vec![
                ("mean", EditValue::Number(round4(fit.mean))),
                ("sd", EditValue::Number(round4(fit.se_mean()))),
            ],
        )
    } else {
        EditValue::Number(round4(fit.mean))
    };
    let mut entries = Vec::new();
    if per_day {
        entries.push(("per", EditValue::Text("day".to_owned())));
    }
    let dist = match fit.law {
        CountLaw::Poisson if per_day => None,
        CountLaw::Poisson => Some("poisson"),
        CountLaw::NegBin => Some("negbin"),
    };
    if let Some(d) = dist {
        entries.push(("dist", EditValue::Text(d.to_owned())));
    }
    entries.push(("mean", mean));
    if fit.law == CountLaw::NegBin {
        entries.push(("sd", EditValue::Number(round4(fit.sd()))));
    }
    EditValue::table(entries)
}

fn share_value(share: f64, se: f64, uncertain: bool) -> EditValue {
    if uncertain {
        EditValue::dist(
            "beta",
            vec![("mean", EditValue::Number(round4(share))), ("sd", EditValue::Number(round4(se)))],
        )
    } else {
        EditValue::Number(round4(share))
    }
}

fn tokens_words(fit: &LogNormalFit, per: Per) -> String {
    let mut words = format!(
        "lognormal median {} ± {}, p90 {} ± {} (mean {} ± {}) tokens per {}, from {} {}s; {}",
        quantity(fit.median()),
        percent(fit.se_log_median()),
        quantity(fit.p90()),
        percent(fit.se_log_p90()),
        quantity(fit.mean()),
        percent(fit.se_log_mean()),
        per.word(),
        quantity(fit.n as f64),
        per.word(),
        ks_words(fit)
    );
    if fit.excluded > 0 {
        words.push_str(&format!("; {} zero counts left out", quantity(fit.excluded as f64)));
    }
    words
}

fn ks_words(fit: &LogNormalFit) -> String {
    if fit.fits() {
        format!(
            "KS {} ≤ {} (5% critical): fits",
            plain_number(fit.ks),
            plain_number(fit.ks_critical)
        )
    } else {
        format!(
            "KS {} > {} (5% critical): a lognormal fits poorly",
            plain_number(fit.ks),
            plain_number(fit.ks_critical)
        )
    }
}

fn count_words(fit: &CountFit, per: Per) -> String {
    let (what, unit) = match per {
        Per::Day => ("a day".to_owned(), format!("over {} days", quantity(fit.n as f64))),
        _ => (
            format!("per {}", per.word()),
            format!("from {} {}s", quantity(fit.n as f64), per.word()),
        ),
    };
    let test = if fit.r.is_none() {
        "no over-dispersion".to_owned()
    } else {
        format!("Poisson vs negbin LR {}, p {}", quantity(fit.lr), p_value(fit.p_value))
    };
    match fit.law {
        CountLaw::Poisson => format!(
            "Poisson mean {} ± {} {what} {unit} (variance {}; {test})",
            quantity(fit.mean),
            quantity(fit.se_mean()),
            quantity(fit.variance)
        ),
        CountLaw::NegBin => format!(
            "negbin mean {} ± {}, sd {} ± {} {what} {unit} ({test})",
            quantity(fit.mean),
            quantity(fit.se_mean()),
            quantity(fit.sd()),
            quantity(fit.se_sd())
        ),
    }
}

fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("= {}", plain_number((p * 1000.0).round() / 1000.0))
    }
}

fn missing_words(why: &Missing) -> String {
    match why {
        Missing::NoRecords => "no record in the logs belongs to this workload".to_owned(),
        Missing::TooFew => "fewer than two observations".to_owned(),
        Missing::NoTimes => {
            "the records carry no times (none, or all the same instant, as in a simulated trial)"
                .to_owned()
        }
        Missing::NoSessions => "the records carry no session ids".to_owned(),
        Missing::NoCacheCounts => "the records report no cache reads or writes".to_owned(),
        Missing::ToolsNotCounted { mean_new_tokens } => format!(
            "turns add {} new tokens on average, user input and tool output together, and the logs do not count tool calls to tell them apart",
            quantity(*mean_new_tokens)
        ),
        Missing::VolumeShape { per_day } => format!(
            "the logs show {} a day on average; the file's volume is not a rate per unit of time",
            quantity(*per_day)
        ),
        Missing::NotFitted => "calibrate does not fit this key".to_owned(),
    }
}

/// `x` to four significant digits (the precision a scenario needs; a
/// value's standard error is rarely below 0.1%).
fn round4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let scale = 10f64.powi(3 - magnitude);
    let rounded = (x * scale).round() / scale;
    // Whole numbers above 1,000 stay whole.
    if magnitude >= 3 { rounded.round() } else { rounded }
}
