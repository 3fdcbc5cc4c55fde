//! Progress on stderr: an indicatif bar on a terminal, plain periodic
//! lines otherwise (logs, CI).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::record_error::SinkError;
use super::report::{RunEvent, RunSink};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, else plain lines.
    Auto,
    /// Plain lines every few seconds.
    Plain,
    /// Nothing.
    Off,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    done: u64,
    total: u64,
    errors: u64,
    throttles: u64,
    /// Open loop: seconds of arrivals; progress is then time, and the
    /// calls planned an expected count.
    arrivals_s: Option<f64>,
}

/// The bar's style with `template` (the default bar if it does not parse).
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// The progress sink.
#[derive(Debug)]
pub struct ProgressSink {
    bar: Option<ProgressBar>,
    counts: Counts,
    started: Instant,
    last_line: Instant,
    interval: Duration,
    quiet: bool,
}

impl ProgressSink {
    /// A sink for `mode`.
    pub fn new(mode: ProgressMode) -> Self {
        let use_bar = mode == ProgressMode::Auto && std::io::stderr().is_terminal();
        let bar = use_bar.then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(style(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} calls, {msg}, ETA {eta}",
            ));
            bar
        });
        ProgressSink {
            bar,
            counts: Counts::default(),
            started: Instant::now(),
            last_line: Instant::now(),
            interval: Duration::from_secs(10),
            quiet: mode == ProgressMode::Off,
        }
    }

    fn message(&self) -> String {
        let errors = format!(
            "{} errors ({} throttled)",
            self.counts.errors, self.counts.throttles
        );
        match self.counts.arrivals_s {
            Some(_) => format!(
                "{} calls done of about {}, {errors}",
                self.counts.done, self.counts.total
            ),
            None => errors,
        }
    }

    /// Open loop: the bar counts tenths of a second of arrivals.
    fn set_time_position(&self) {
        if let (Some(bar), Some(seconds)) = (&self.bar, self.counts.arrivals_s) {
            let elapsed = self.started.elapsed().as_secs_f64().min(seconds);
            bar.set_position((elapsed * 10.0) as u64);
        }
    }

    fn plain_line(&mut self, force: bool) {
        if self.quiet || self.bar.is_some() {
            return;
        }
        if force || self.last_line.elapsed() >= self.interval {
            self.last_line = Instant::now();
            let elapsed = self.started.elapsed().as_secs_f64();
            match self.counts.arrivals_s {
                Some(seconds) => eprintln!(
                    "[{elapsed:>7.1} s of {seconds:.1} s of arrivals] {}",
                    self.message()
                ),
                None => eprintln!(
                    "[{elapsed:>7.1} s] {}/{} calls done, {}",
                    self.counts.done,
                    self.counts.total,
                    self.message()
                ),
            }
        }
    }
}

impl RunSink for ProgressSink {
    fn event(&mut self, event: &RunEvent) -> Result<(), SinkError> {
        match event {
            RunEvent::ExperimentStarted {
                planned_calls,
                arrivals_s,
                ..
            } => {
                self.counts.total = *planned_calls;
                self.counts.arrivals_s = *arrivals_s;
                self.started = Instant::now();
                if let Some(bar) = &self.bar {
                    match arrivals_s {
                        Some(seconds) => {
                            bar.set_style(style("{elapsed_precise} [{wide_bar}] {msg}, ETA {eta}"));
                            bar.set_length((seconds * 10.0).ceil() as u64);
                        }
                        None => bar.set_length(*planned_calls),
                    }
                    bar.set_message(self.message());
                }
            }
            RunEvent::RetryScheduled => {
                self.counts.total += 1;
                if let Some(bar) = &self.bar {
                    bar.set_length(self.counts.total);
                }
            }
            RunEvent::CallFinished(record) => {
                self.counts.done += 1;
                if !record.call.status.is_success() {
                    self.counts.errors += 1;
                }
                if record.call.status.is_throttle() {
                    self.counts.throttles += 1;
                }
                if let Some(bar) = &self.bar {
                    if self.counts.arrivals_s.is_none() {
                        bar.set_position(self.counts.done);
                    }
                    bar.set_message(self.message());
                }
                self.set_time_position();
                self.plain_line(false);
            }
            RunEvent::Stopping { cancelled } => {
                let text = if *cancelled {
                    "cancelling the calls in flight (their rows keep the timings they reached)"
                        .to_string()
                } else {
                    format!(
                        "stopping: no new calls; the calls in flight get {} s to finish (Ctrl-C again cancels them now)",
                        super::STOP_GRACE.as_secs()
                    )
                };
                match &self.bar {
                    Some(bar) => bar.println(&text),
                    None if !self.quiet => eprintln!("{text}"),
                    None => {}
                }
            }
            RunEvent::RunStarted { .. } | RunEvent::RunFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.plain_line(true);
        Ok(())
    }
}
