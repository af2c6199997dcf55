//! `costintent check`: validate a scenario and show what it will be priced at.

use std::fmt::Write as _;

use costintent_report::format::unit_price;
use costintent_scenario::{Checked, Scenario, Volume, Workload, WorkloadKind};

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
    let need = Need { kept: vec![s], transient: None, trials: s.trials, csv: false };
    let bytes = need.bytes();
    let available = memory::available()?;
    let usable = memory::usable(&available);
    if bytes >= SHOW_MEMORY_FROM || bytes > usable {
        text.push_str(&format!(
            "\nmemory    about {} for {} trials ({} usable here)\n",
            memory::bytes_text(bytes),
            memory::group(s.trials),
            memory::bytes_text(usable)
        ));
    }
    if bytes > usable {
        print_stderr(&format!(
            "warning: `trials = {}` needs about {} of memory, more than the {} usable here: `run` will refuse it\n  = help: lower `trials`, or pass a smaller --trials to `run`\n",
            memory::group(s.trials),
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
    let _ = writeln!(out, "period    {} ({} days)", s.period.text, trim(s.period.days()));
    let _ = writeln!(out, "prices    as of {}", s.prices_date);
    let _ = writeln!(out, "trials    {} (seed {})", s.trials, s.seed);
    match s.budget {
        Some(b) => {
            let _ = writeln!(out, "budget    ${b}");
        }
        None => {
            let _ = writeln!(out, "budget    none");
        }
    }
    for wallet in &s.wallets {
        let _ = writeln!(
            out,
            "wallet    {}: top-up ${} at ${} per credit, fee {}% (min ${}){}",
            wallet.name,
            wallet.topup,
            wallet.credit_usd,
            wallet.fee_percent,
            wallet.fee_min,
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
    let _ = writeln!(out, "  volume  {} {}", describe_volume(volume.1), volume.0);
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
    if let Some(retired) = w.price.retired_on {
        match &w.price.served_by {
            Some(by) => {
                let _ = writeln!(out, "  retired {retired}; served by {by} at its prices");
            }
            None => {
                let _ = writeln!(out, "  retired {retired}");
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
    if let Some(share) = w.price.batch_discount
        && matches!(&w.kind, WorkloadKind::Requests(r) if r.mode == costintent_scenario::Mode::Batch)
    {
        let _ = writeln!(out, "  batch   {}% off input and output", trim(share * 100.0));
    }
    describe_lines(out, &w.price.lines);
    for change in &w.price_changes {
        let by = change
            .price
            .served_by
            .as_ref()
            .map(|s| format!(" (served by {s})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  from {} (day {} of the period){by}",
            change.date,
            trim(change.at_seconds / 86_400.0 + 1.0)
        );
        describe_lines(out, &change.price.lines);
    }
}

fn describe_lines(out: &mut String, lines: &[costintent_scenario::PriceLine]) {
    let _ = writeln!(out, "  prices");
    for line in lines {
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

fn describe_volume(v: &Volume) -> String {
    match v {
        Volume::Fixed(n) => format!("exactly {}", trim(*n)),
        Volume::PerPeriod(d) => format!("{} per period", d.keyword()),
        Volume::PerUnit { per, units, dist } => {
            format!(
                "{} per {} over {} {}s",
                dist.keyword(),
                per.keyword(),
                trim(*units),
                per.keyword()
            )
        }
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
