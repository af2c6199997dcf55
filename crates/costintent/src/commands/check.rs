//! `costintent check`: validate a scenario and show what it will be priced at.

use std::fmt::Write as _;

use costintent_report::format::{period_words, unit_price, usd};
use costintent_report::volume_words;
use costintent_scenario::{Checked, Mode, ModelPrice, PriceLine, Scenario, Workload, WorkloadKind};

use crate::cli::CheckArgs;
use crate::error::CliError;
use crate::memory::{self, Need};
use crate::output::{print_stderr, print_stdout};

/// Estimates at or above this are shown by `check` (1 GiB).
const SHOW_MEMORY_FROM: u64 = 1 << 30;

pub(crate) fn check(args: &CheckArgs) -> Result<(), CliError> {
    let catalog = super::load_catalog(args.catalog.as_deref())?;
    let checked = super::load_scenario(&args.scenario, &catalog, &[])?;
    let mut text = describe(&args.scenario.display().to_string(), &checked);
    let s = &checked.scenario;
    // An adaptive run may take up to its most trials.
    let trials = s.trials.unwrap_or(costintent_analysis::DEFAULT_MAX_TRIALS);
    let need = Need { kept: vec![s], transient: None, trials, csv: false, sketch_hint: false };
    let bytes = need.bytes();
    let available = memory::available()?;
    let usable = memory::usable(&available);
    if bytes >= SHOW_MEMORY_FROM || bytes > usable {
        text.push_str(&format!(
            "\nmemory    about {} for {} trials ({} usable here)\n",
            memory::bytes_text(bytes),
            memory::group(trials),
            memory::bytes_text(usable)
        ));
    }
    if bytes > usable {
        print_stderr(&format!(
            "warning: {} trials need about {} of memory, more than the {} usable here: `run` will refuse it\n  = help: lower `trials`, or pass a smaller --trials (or --max-trials) to `run`\n",
            memory::group(trials),
            memory::bytes_text(bytes),
            memory::bytes_text(usable)
        ));
    }
    print_stdout(&text)
}

/// The resolved scenario in words: workloads, volumes and the prices each
/// one will use, with their sources and dates.
pub(crate) fn describe(file: &str, checked: &Checked) -> String {
    let s = &checked.scenario;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{file}: ok ({} warning{})",
        checked.warnings.len(),
        plural(checked.warnings.len())
    );
    let _ = writeln!(out, "scenario  {}", s.name);
    let last_day = s.prices_date.add_days((s.period.days() - 1e-9).ceil().max(1.0) as i64 - 1);
    let _ = writeln!(
        out,
        "period    {} ({}, {} – {})",
        s.period.text,
        period_words(&s.period),
        s.prices_date,
        last_day
    );
    let _ = writeln!(out, "prices    as of {}", s.prices_date);
    match s.trials {
        Some(n) => {
            let _ = writeln!(out, "trials    {} (seed {})", memory::group(n), s.seed);
        }
        None => {
            let _ = writeln!(
                out,
                "trials    until the p90 is known within ±{} (at most {}; seed {})",
                costintent_report::format::percent(costintent_analysis::DEFAULT_PRECISION),
                memory::group(costintent_analysis::DEFAULT_MAX_TRIALS),
                s.seed
            );
        }
    }
    match s.budget {
        Some(b) => {
            let _ = writeln!(out, "budget    {} for the period", usd(b));
        }
        None => {
            let _ = writeln!(out, "budget    none");
        }
    }
    for wallet in &s.wallets {
        let _ = writeln!(
            out,
            "wallet    {}: top-up {} at {} per credit, fee {}% (min {}){}",
            wallet.name,
            usd(wallet.topup),
            unit_price(wallet.credit_usd),
            wallet.fee_percent,
            usd(wallet.fee_min),
            match (wallet.usage_fee_percent > 0.0, wallet.usage_fee_free_requests_per_month > 0.0) {
                (true, true) => format!(
                    ", {}% on usage after the first {} requests a month",
                    wallet.usage_fee_percent,
                    trim(wallet.usage_fee_free_requests_per_month)
                ),
                (true, false) => format!(", {}% on usage", wallet.usage_fee_percent),
                _ => String::new(),
            }
        );
    }
    for w in &s.workloads {
        describe_workload(&mut out, s, w);
    }
    out
}

fn describe_workload(out: &mut String, s: &Scenario, w: &Workload) {
    let _ = writeln!(out, "\nworkload  {} ({}) on {}", w.name, w.kind.keyword(), w.price.id);
    let volume = match &w.kind {
        WorkloadKind::Requests(r) => ("requests", &r.requests),
        WorkloadKind::Agent(a) => ("sessions", &a.sessions),
        WorkloadKind::Image(i) => ("requests", &i.requests),
        WorkloadKind::Video(v) => ("jobs", &v.requests),
        WorkloadKind::Realtime(r) => ("sessions", &r.sessions),
    };
    let _ = writeln!(out, "  volume  {}: {}", volume.0, volume_words(volume.1, &s.period));
    if let Some(wallet) = w.via.and_then(|i| s.wallets.get(i)) {
        let _ = writeln!(out, "  paid    from wallet {}", wallet.name);
    }
    match &w.kind {
        WorkloadKind::Image(i) => {
            let _ = writeln!(
                out,
                "  image   {} {}: {} each",
                i.size,
                i.quality,
                unit_price(i.usd_per_image)
            );
        }
        WorkloadKind::Video(v) => {
            let _ = writeln!(
                out,
                "  video   {}{}: {} per second",
                v.resolution,
                if v.audio { " with audio" } else { "" },
                unit_price(v.usd_per_second)
            );
        }
        _ => {}
    }
    if let Some(r) = &w.tokens_rescaled {
        let how = if r.factor == 1.0 {
            format!("same tokenizer ({}): counts as written", r.to_family)
        } else {
            format!(
                "{} tokenizer → {} tokenizer: every token count ×{}",
                r.from_family,
                r.to_family,
                trim(r.factor)
            )
        };
        let _ = writeln!(out, "  tokens  measured on {}; {how}", r.measured_on);
        for source in &r.sources {
            let _ = writeln!(out, "      source: {source}");
        }
    }
    if let Some(retired) = w.price.retired_on
        && retired <= s.prices_date
    {
        match &w.price.served_by {
            Some(by) => {
                let _ = writeln!(out, "  retired {retired}; served by {by} at its prices");
            }
            None => {
                let _ = writeln!(
                    out,
                    "  retired {retired}: the provider rejects its requests; priced below at its last prices"
                );
            }
        }
    }
    if let Some(above) = w.price.reject_above {
        let _ = writeln!(
            out,
            "  limit   prompts above {} tokens are rejected (not billed)",
            trim(above)
        );
    }
    let batch = matches!(&w.kind, WorkloadKind::Requests(r) if r.mode == Mode::Batch);
    describe_batch(out, &w.price, batch);
    describe_lines(out, w, &w.price.lines);
    for change in &w.price_changes {
        let day = trim(change.at_seconds / 86_400.0 + 1.0);
        let rejected = change.price.served_by.is_none()
            && change.price.retired_on.is_some_and(|d| d <= change.date);
        if rejected {
            // The engine rejects every request from that day: no price applies.
            let _ = writeln!(
                out,
                "  from {} (day {day} of the period): retired; the provider rejects its requests, which are counted as lost and not billed",
                change.date
            );
            continue;
        }
        let by = change
            .price
            .served_by
            .as_ref()
            .map(|s| format!(": retired, served by {s} at its prices"))
            .unwrap_or_default();
        let _ = writeln!(out, "  from {} (day {day} of the period){by}", change.date);
        describe_batch(out, &change.price, batch);
        describe_lines(out, w, &change.price.lines);
    }
}

/// The batch discount and the token prices it gives, per 1M tokens.
fn describe_batch(out: &mut String, price: &ModelPrice, batch: bool) {
    let Some(share) = price.batch_discount.filter(|_| batch) else { return };
    let effective: Vec<String> = price
        .lines
        .iter()
        .filter(|l| l.unit.ends_with("_token") && !l.unit.starts_with("audio_"))
        .map(|l| {
            let name = l.unit.trim_end_matches("_token").replace('_', " ");
            let name = if l.variant.is_empty() { name } else { format!("{name} [{}]", l.variant) };
            format!("{name} {}", unit_price(l.usd * (1.0 - share)))
        })
        .collect();
    let _ = writeln!(
        out,
        "  batch   {}% off every token price; batch prices per 1M tokens: {}",
        trim(share * 100.0),
        effective.join(", ")
    );
}

/// Whether a price line applies to the workload: every line, except image
/// and video prices of other sizes, qualities or resolutions.
fn line_applies(w: &Workload, line: &PriceLine) -> bool {
    if line.variant.is_empty() {
        return true;
    }
    match &w.kind {
        WorkloadKind::Image(i) if line.unit == "image" => {
            line.variant == format!("size={} quality={}", i.size, i.quality)
        }
        WorkloadKind::Video(v) if line.unit == "video_second" => {
            let mut parts = line.variant.split(' ');
            parts.all(|part| match part.split_once('=') {
                Some(("resolution", r)) => r == v.resolution,
                Some(("audio", a)) => a == if v.audio { "true" } else { "false" },
                _ => true,
            })
        }
        _ => true,
    }
}

fn describe_lines(out: &mut String, w: &Workload, lines: &[PriceLine]) {
    let _ = writeln!(out, "  prices");
    for line in lines.iter().filter(|l| line_applies(w, l)) {
        let variant =
            if line.variant.is_empty() { String::new() } else { format!(" [{}]", line.variant) };
        let from = line.valid_from.map_or_else(|| "undated".to_owned(), |d| format!("from {d}"));
        let until = line.valid_until.map_or_else(String::new, |d| format!(" until {d}"));
        let credits = line.credits.map_or_else(String::new, |c| format!(" ({c} credits)"));
        let _ = writeln!(
            out,
            "    {:<24} {:>10} per {:<10} {from}{until}{variant}{credits}\n      source: {}",
            line.unit,
            unit_price(line.usd),
            line.per,
            line.source
        );
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
