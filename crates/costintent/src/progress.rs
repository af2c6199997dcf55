//! Progress on stderr for long runs, and Ctrl-C handling.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Set by Ctrl-C, SIGTERM or SIGHUP; the engine checks it between trials and
/// the file writers before each file and before putting anything in place.
/// A second signal ends the process at once (exit code 130), in case some
/// long step does not check the flag.
pub(crate) fn cancel_flag() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler_flag = Arc::clone(&flag);
        // If the handler cannot be installed, the signals keep their default
        // behaviour (the process ends at once), which is still safe: files
        // and report folders are only ever put in place complete.
        let _ = ctrlc::set_handler(move || {
            if handler_flag.swap(true, Ordering::SeqCst) {
                std::process::exit(i32::from(crate::error::exit::INTERRUPTED));
            }
        });
        flag
    })
}

/// A progress bar that appears only when a run has taken more than about a
/// second and stderr is a terminal, so short runs and pipelines stay quiet.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    done: AtomicU64,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(total: u64, label: &str, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix} {bar:30.cyan/blue} {human_pos}/{human_len} trials, eta {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(label.to_owned());
        Self {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            done: AtomicU64::new(0),
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Called by worker threads with the trials they just finished.
    pub(crate) fn advance(&self, trials: u64) {
        self.done.fetch_add(trials, Ordering::Relaxed);
        if !self.enabled {
            return;
        }
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(trials);
    }

    /// Trials finished so far.
    pub(crate) fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
