//! Progress on stderr for long runs, and Ctrl-C handling.
//!
//! On a terminal, a bar appears once a run has taken more than about a
//! second. Anywhere else (a CI log, a pipe, a file), a run is never silent
//! for long: once it has taken [`Pace::first`] (2 s), a line says how many
//! trials will run and roughly how long they take, then a line every
//! [`Pace::every`] (5 s) gives the trials done, the time elapsed and an
//! estimate of the time left, and a last line says when the run is done.
//! Short runs print nothing, so pipelines and tests stay quiet.
//! `COSTINTENT_PROGRESS_SECONDS` sets the interval (and the first line comes
//! no later than it); `--quiet` turns both off.
//!
//! The estimate is the clock's: the time per trial up to the latest chunk
//! of trials that finished (planning the run included, so early estimates
//! err long), times the trials left.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
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

/// When plain progress lines are printed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pace {
    /// The first line, once the run has taken this long.
    pub(crate) first: Duration,
    /// Then a line this often.
    pub(crate) every: Duration,
}

impl Pace {
    /// The default pace, or the interval `COSTINTENT_PROGRESS_SECONDS` gives
    /// (a positive number of seconds; anything else keeps the default).
    fn from_env() -> Self {
        let default = Self { first: Duration::from_secs(2), every: Duration::from_secs(5) };
        let Some(seconds) = std::env::var("COSTINTENT_PROGRESS_SECONDS")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        else {
            return default;
        };
        let every = Duration::from_secs_f64(seconds);
        Self { first: every.min(default.first), every }
    }
}

/// Shared between the workers, the line printer and the caller.
#[derive(Debug)]
struct Counts {
    /// Trials to run; an adaptive run raises it batch by batch.
    total: AtomicU64,
    label: String,
    started: Instant,
    done: AtomicU64,
    /// When the latest chunk finished, and the trials done by then.
    last_chunk: Mutex<Option<(Instant, u64)>>,
}

impl Counts {
    fn snapshot(&self, now: Instant) -> Snapshot {
        let last = *self.last_chunk.lock().unwrap_or_else(PoisonError::into_inner);
        Snapshot {
            total: self.total.load(Ordering::Relaxed),
            done: self.done.load(Ordering::Relaxed),
            elapsed: now.saturating_duration_since(self.started),
            last: last.map(|(at, n)| (at.saturating_duration_since(self.started), n)),
        }
    }
}

/// The state of a run at one moment, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) total: u64,
    pub(crate) done: u64,
    /// Since the run started.
    pub(crate) elapsed: Duration,
    /// When the latest chunk finished (since the start), and the trials
    /// done by then.
    pub(crate) last: Option<(Duration, u64)>,
}

impl Snapshot {
    /// The time the rest of the run should take, when it can be estimated:
    /// the time per trial up to the latest finished chunk (planning
    /// included, so early estimates err long) for the trials not done,
    /// less the time since that chunk.
    pub(crate) fn left(&self) -> Option<Duration> {
        let (at, done) = self.last.filter(|(_, n)| *n > 0)?;
        let per_trial = at.as_secs_f64() / done as f64;
        let rest = self.total.saturating_sub(done) as f64 * per_trial;
        let since = self.elapsed.saturating_sub(at).as_secs_f64();
        Some(Duration::from_secs_f64((rest - since).max(0.0)))
    }

    /// The first line: how many trials will run and roughly how long.
    pub(crate) fn start_line(&self, label: &str) -> String {
        let trials = count(self.total);
        match self.left() {
            Some(left) => format!(
                "{label}: {trials} trials to run, about {} in all (estimated from the first {} trials)\n",
                clock(self.elapsed + left),
                count(self.done)
            ),
            None => format!(
                "{label}: {trials} trials to run; the first are still running, an estimate follows\n"
            ),
        }
    }

    /// A line while the run goes on.
    pub(crate) fn progress_line(&self, label: &str) -> String {
        let share = if self.total > 0 { 100.0 * self.done as f64 / self.total as f64 } else { 0.0 };
        let left = self.left().map_or_else(
            || "estimating the time left".to_owned(),
            |l| format!("about {} left", clock(l)),
        );
        format!(
            "{label}: {} of {} trials ({share:.1}%), {} elapsed, {left}\n",
            count(self.done),
            count(self.total),
            clock(self.elapsed)
        )
    }

    /// The last line.
    pub(crate) fn done_line(&self, label: &str) -> String {
        format!("{label}: {} trials done in {}\n", count(self.done), clock(self.elapsed))
    }
}

/// A duration for people: `4 s`, `1 min 05 s`, `2 h 03 min`.
pub(crate) fn clock(d: Duration) -> String {
    let s = d.as_secs_f64().round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3_600, (s % 3_600) / 60),
    }
}

fn count(n: u64) -> String {
    crate::memory::group(n)
}

/// The thread that prints plain lines, and how to stop it.
#[derive(Debug)]
struct Printer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: JoinHandle<bool>,
}

/// Progress of one simulation: a bar on a terminal, plain lines elsewhere,
/// nothing with `--quiet`.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    counts: Arc<Counts>,
    shown: AtomicBool,
    terminal: bool,
    quiet: bool,
    printer: Mutex<Option<Printer>>,
}

impl Progress {
    pub(crate) fn new(total: u64, label: &str, quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self::with(total, label, quiet, terminal, Pace::from_env())
    }

    fn with(total: u64, label: &str, quiet: bool, terminal: bool, pace: Pace) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix} {bar:30.cyan/blue} {human_pos}/{human_len} trials, eta {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(label.to_owned());
        let counts = Arc::new(Counts {
            total: AtomicU64::new(total),
            label: label.to_owned(),
            started: Instant::now(),
            done: AtomicU64::new(0),
            last_chunk: Mutex::new(None),
        });
        let printer = (!quiet && !terminal).then(|| spawn_printer(Arc::clone(&counts), pace));
        Self {
            bar,
            counts,
            shown: AtomicBool::new(false),
            terminal,
            quiet,
            printer: Mutex::new(printer.flatten()),
        }
    }

    /// Called by worker threads with the trials they just finished.
    pub(crate) fn advance(&self, trials: u64) {
        let done = self.counts.done.fetch_add(trials, Ordering::Relaxed) + trials;
        {
            let mut last = self.counts.last_chunk.lock().unwrap_or_else(PoisonError::into_inner);
            // Chunks finish out of order on several threads: keep the most trials.
            if last.is_none_or(|(_, n)| n < done) {
                *last = Some((Instant::now(), done));
            }
        }
        if self.quiet || !self.terminal {
            return;
        }
        if !self.shown.load(Ordering::Relaxed)
            && self.counts.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(trials);
    }

    /// Sets the trials to run (an adaptive run, at each new batch).
    pub(crate) fn set_total(&self, total: u64) {
        self.counts.total.store(total, Ordering::Relaxed);
        self.bar.set_length(total);
    }

    /// Trials to run, as far as known.
    pub(crate) fn total(&self) -> u64 {
        self.counts.total.load(Ordering::Relaxed)
    }

    /// Trials finished so far.
    pub(crate) fn done(&self) -> u64 {
        self.counts.done.load(Ordering::Relaxed)
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
        let printer = self.printer.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(printer) = printer {
            {
                let (stopped, wake) = &*printer.stop;
                *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
                wake.notify_all();
            }
            let printed = printer.handle.join().unwrap_or(false);
            if printed {
                let snap = self.counts.snapshot(Instant::now());
                crate::output::print_stderr(&snap.done_line(&self.counts.label));
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A run that ends with an error still stops its printer.
        if let Some(printer) = self.printer.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let (stopped, wake) = &*printer.stop;
            *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
            wake.notify_all();
            let _ = printer.handle.join();
        }
    }
}

/// Starts the thread that prints plain lines on `pace`; it returns whether
/// it printed anything. `None` when no thread can be started (the run is
/// then silent, as before, rather than failing).
fn spawn_printer(counts: Arc<Counts>, pace: Pace) -> Option<Printer> {
    let stop = Arc::new((Mutex::new(false), Condvar::new()));
    let flag = Arc::clone(&stop);
    let handle = std::thread::Builder::new()
        .name("progress".into())
        .spawn(move || {
            let (stopped, wake) = &*flag;
            let mut next = counts.started + pace.first;
            let mut printed = false;
            let mut guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                let now = Instant::now();
                if *guard {
                    return printed;
                }
                if now < next {
                    guard = wake
                        .wait_timeout(guard, next - now)
                        .map(|(g, _)| g)
                        .unwrap_or_else(|e| e.into_inner().0);
                    continue;
                }
                let snap = counts.snapshot(now);
                let line = if printed {
                    snap.progress_line(&counts.label)
                } else {
                    snap.start_line(&counts.label)
                };
                crate::output::print_stderr(&line);
                printed = true;
                next = now + pace.every;
            }
        })
        .ok()?;
    Some(Printer { stop, handle })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(done: u64, elapsed: f64, last: Option<(f64, u64)>) -> Snapshot {
        Snapshot {
            total: 20_000,
            done,
            elapsed: Duration::from_secs_f64(elapsed),
            last: last.map(|(t, n)| (Duration::from_secs_f64(t), n)),
        }
    }

    #[test]
    fn the_estimate_is_the_pace_so_far_for_the_trials_left() {
        // 5,120 trials in 40 s: 7.8 ms a trial, so 14,880 left take 116.25 s,
        // of which the 6 s since that chunk have passed.
        let s = snap(5_120, 46.0, Some((40.0, 5_120)));
        let left = s.left().expect("estimate").as_secs_f64();
        assert!((left - (14_880.0 * 40.0 / 5_120.0 - 6.0)).abs() < 1e-6, "{left}");
        // Never below zero, and none before a chunk is done.
        assert_eq!(snap(19_999, 500.0, Some((10.0, 19_999))).left(), Some(Duration::ZERO));
        assert_eq!(snap(0, 3.0, None).left(), None);
    }

    #[test]
    fn lines_say_trials_elapsed_and_time_left() {
        let lines = [
            snap(0, 2.0, None).start_line("simulating"),
            snap(512, 2.0, Some((1.9, 512))).start_line("simulating"),
            snap(5_120, 46.0, Some((40.0, 5_120))).progress_line("simulating"),
            snap(20_000, 1_050.0, Some((1_050.0, 20_000))).done_line("simulating"),
        ];
        insta::assert_snapshot!(lines.concat());
    }

    #[test]
    fn durations_read_as_clock_times() {
        let d = |s: f64| clock(Duration::from_secs_f64(s));
        assert_eq!(
            [d(0.4), d(59.0), d(65.0), d(1_050.0), d(3_725.0)],
            ["0 s", "59 s", "1 min 05 s", "17 min 30 s", "1 h 02 min"]
        );
    }

    #[test]
    fn a_run_off_a_terminal_prints_lines_on_its_pace_and_a_short_one_none() {
        // The printer writes to the process's stderr; what matters here is
        // whether it printed, which `finish` learns from the thread.
        let pace = Pace { first: Duration::from_millis(20), every: Duration::from_millis(20) };
        let slow = Progress::with(100, "t", false, false, pace);
        slow.advance(10);
        std::thread::sleep(Duration::from_millis(120));
        let printer = slow.printer.lock().expect("lock").take().expect("a printer off a terminal");
        {
            let (stopped, wake) = &*printer.stop;
            *stopped.lock().expect("lock") = true;
            wake.notify_all();
        }
        assert!(printer.handle.join().expect("joined"), "a long run prints");

        let pace = Pace { first: Duration::from_secs(30), every: Duration::from_secs(30) };
        let fast = Progress::with(100, "t", false, false, pace);
        fast.advance(100);
        let printer = fast.printer.lock().expect("lock").take().expect("a printer");
        {
            let (stopped, wake) = &*printer.stop;
            *stopped.lock().expect("lock") = true;
            wake.notify_all();
        }
        assert!(!printer.handle.join().expect("joined"), "a short run prints nothing");

        assert!(
            Progress::with(100, "t", true, false, pace).printer.lock().expect("lock").is_none()
        );
        assert!(
            Progress::with(100, "t", false, true, pace).printer.lock().expect("lock").is_none()
        );
    }
}
