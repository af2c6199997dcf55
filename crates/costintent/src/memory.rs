//! Memory: what a command will need, what the machine has, and refusing a
//! run that cannot fit before anything is allocated.
//!
//! The engine keeps every trial (a row of numbers per trial, and the same
//! again while the rows are turned into columns: [`Engine::memory_needed`]).
//! A command may hold several runs at once (`--vary`, `compare`) and, while
//! the report is built, sorted copies of the totals and the trials as CSV.
//! The estimate adds these up; a run is refused (exit code 2) when it
//! exceeds [`USABLE_SHARE`] of the memory available, with the estimate and
//! the largest trial count that fits.

use std::path::Path;

use costintent_scenario::Scenario;
use costintent_sim::Engine;

use crate::error::CliError;

/// Overrides the available memory, in bytes (`2G`, `512M`, `300000` …):
/// for tests, and for users who want a run to stay well below the machine's
/// memory. Documented in the README.
pub(crate) const LIMIT_ENV: &str = "COSTINTENT_MEMORY_LIMIT";

/// Used when the available memory cannot be read (not Linux): 8 GiB.
const FALLBACK_BYTES: u64 = 8 << 30;

/// A run may use at most this share of the available memory; the rest is
/// headroom for the estimate's approximations and the rest of the system.
const USABLE_SHARE: f64 = 0.9;

/// Bytes of one trial's row of CSV per column (a shortest round-trip `f64`
/// and a comma, generously).
const CSV_BYTES_PER_VALUE: u64 = 24;

/// How much memory is available and where the figure comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Available {
    pub(crate) bytes: u64,
    pub(crate) source: &'static str,
}

/// The memory available to this process: [`LIMIT_ENV`] when set, else the
/// smaller of Linux's `MemAvailable` and the cgroup's remaining limit, else
/// a fixed [`FALLBACK_BYTES`].
pub(crate) fn available() -> Result<Available, CliError> {
    if let Some(text) = std::env::var_os(LIMIT_ENV) {
        let text = text.to_string_lossy();
        let bytes = parse_bytes(&text).ok_or_else(|| {
            CliError::input_with_help(
                format!("{LIMIT_ENV}={text} is not an amount of memory"),
                "write bytes, or a number with K, M or G (binary units), such as 2G",
            )
        })?;
        return Ok(Available { bytes, source: LIMIT_ENV });
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok().and_then(|t| mem_available(&t));
    let cgroup = cgroup_remaining(Path::new("/sys/fs/cgroup"));
    Ok(match (meminfo, cgroup) {
        (Some(m), Some(c)) => Available { bytes: m.min(c), source: "available memory" },
        (Some(m), None) => Available { bytes: m, source: "available memory" },
        (None, Some(c)) => Available { bytes: c, source: "the cgroup's memory limit" },
        (None, None) => Available {
            bytes: FALLBACK_BYTES,
            source: "a fixed cap (the available memory is unknown on this system)",
        },
    })
}

/// `MemAvailable` of /proc/meminfo, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// What a cgroup v2 memory limit leaves (`memory.max` − `memory.current`),
/// when there is a limit.
fn cgroup_remaining(root: &Path) -> Option<u64> {
    let max = std::fs::read_to_string(root.join("memory.max")).ok()?;
    let max: u64 = max.trim().parse().ok()?; // "max" means no limit
    let current: u64 = std::fs::read_to_string(root.join("memory.current"))
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(0);
    Some(max.saturating_sub(current))
}

/// `2G`, `512M`, `64K`, `1000` (binary units).
fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, shift) = match text.char_indices().last()? {
        (i, 'K' | 'k') => (&text[..i], 10),
        (i, 'M' | 'm') => (&text[..i], 20),
        (i, 'G' | 'g') => (&text[..i], 30),
        (i, 'T' | 't') => (&text[..i], 40),
        _ => (text, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1 << shift)
}

/// `17.6 GiB`, `512.0 MiB`, `900 bytes`.
pub(crate) fn bytes_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// What a command will hold in memory.
#[derive(Clone, Debug)]
pub(crate) struct Need<'a> {
    /// Each run the command keeps until its report is built (one for `run`,
    /// one per value for `--vary`, one per file for `compare`).
    pub(crate) kept: Vec<&'a Scenario>,
    /// Runs made one after another and dropped (the steps of the test plan,
    /// the runs of `--sensitivity`): they need room for one more run.
    pub(crate) transient: Option<&'a Scenario>,
    /// Trials per run.
    pub(crate) trials: u64,
    /// Whether trials.csv is built.
    pub(crate) csv: bool,
    /// Whether the refusal suggests `--sketch` (a single run that keeps
    /// every trial).
    pub(crate) sketch_hint: bool,
}

impl Need<'_> {
    /// Estimated peak bytes: the kept runs' columns, one run's rows and
    /// columns at once while it is simulated, sorted copies of the totals
    /// and per-workload spend for the statistics, and the CSV text.
    pub(crate) fn bytes(&self) -> u64 {
        let run_bytes = |s: &Scenario| Engine::new(s).memory_needed(self.trials);
        // A kept run holds its columns (half of what it needs while running).
        let kept: u64 = self.kept.iter().map(|s| run_bytes(s) / 2).fold(0, u64::saturating_add);
        // The largest run needs its rows as well as its columns at its peak.
        let peak = self
            .kept
            .iter()
            .chain(self.transient.iter())
            .map(|s| run_bytes(s) / 2)
            .max()
            .unwrap_or(0);
        let extra_for_transient = if self.transient.is_some() { peak } else { 0 };
        let report: u64 = self
            .kept
            .iter()
            .map(|s| {
                let columns = 2 + s.workloads.len() as u64;
                let sorted = self.trials.saturating_mul(8).saturating_mul(columns);
                let csv = if self.csv {
                    self.trials.saturating_mul(CSV_BYTES_PER_VALUE).saturating_mul(columns)
                } else {
                    0
                };
                sorted.saturating_add(csv)
            })
            .fold(0, u64::saturating_add);
        kept.saturating_add(peak).saturating_add(extra_for_transient).saturating_add(report)
    }

    /// The largest trial count whose estimate fits in `budget` bytes.
    fn trials_that_fit(&self, budget: u64) -> u64 {
        // Every term of the estimate is proportional to the trial count.
        let per_trial = Need { trials: 1, ..self.clone() }.bytes().max(1);
        budget / per_trial
    }

    /// Refuses the command when its estimate exceeds the usable memory.
    pub(crate) fn ensure_fits(&self, available: &Available) -> Result<(), CliError> {
        let need = self.bytes();
        let usable = usable(available);
        if need <= usable {
            return Ok(());
        }
        let runs = self.kept.len();
        let runs_text =
            if runs > 1 { format!(" for {runs} runs kept side by side") } else { String::new() };
        let fit = self.trials_that_fit(usable);
        let help = if fit == 0 {
            format!(
                "even one trial per run does not fit in {}: compare fewer files or values at once",
                bytes_text(usable)
            )
        } else {
            format!(
                "lower the trial count to at most {} (--trials {}); every trial is kept in memory",
                group(fit),
                fit
            )
        };
        let help = if self.sketch_hint {
            format!(
                "{help}; or add --sketch to keep quantile sketches instead of every trial (memory then does not grow with the trial count), or split the run with --shard I/N"
            )
        } else {
            help
        };
        Err(CliError::input_with_help(
            format!(
                "{} trials need about {} of memory{runs_text}, more than the {} this run may use ({}% of {} from {})",
                group(self.trials),
                bytes_text(need),
                bytes_text(usable),
                (USABLE_SHARE * 100.0).round(),
                bytes_text(available.bytes),
                available.source
            ),
            help,
        ))
    }
}

/// The share of the available memory a run may use.
pub(crate) fn usable(available: &Available) -> u64 {
    (available.bytes as f64 * USABLE_SHARE) as u64
}

/// `100,000,000` (trial counts are below 2⁵³, exact as `f64`).
pub(crate) fn group(n: u64) -> String {
    costintent_report::format::plain_number(n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_available_and_byte_amounts() {
        let meminfo = "MemTotal:       24684084 kB\nMemFree:        22563656 kB\nMemAvailable:   24125188 kB\n";
        assert_eq!(mem_available(meminfo), Some(24_125_188 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(parse_bytes("2G"), Some(2 << 30));
        assert_eq!(parse_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(parse_bytes("99999999999999999999G"), None);
    }

    #[test]
    fn formats_bytes_and_counts() {
        assert_eq!(bytes_text(900), "900 bytes");
        assert_eq!(bytes_text(8_800_000_000), "8.2 GiB");
        assert_eq!(bytes_text(64 << 20), "64.0 MiB");
        assert_eq!(group(100_000_000), "100,000,000");
        assert_eq!(group(7), "7");
    }

    #[test]
    fn a_cgroup_limit_counts_what_is_left() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(cgroup_remaining(dir.path()), None);
        std::fs::write(dir.path().join("memory.max"), "max\n").expect("write");
        assert_eq!(cgroup_remaining(dir.path()), None, "no limit");
        std::fs::write(dir.path().join("memory.max"), "1000\n").expect("write");
        std::fs::write(dir.path().join("memory.current"), "300\n").expect("write");
        assert_eq!(cgroup_remaining(dir.path()), Some(700));
    }
}
