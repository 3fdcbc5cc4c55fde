//! Progress on stderr: an indicatif bar on a terminal, plain lines
//! otherwise (logs, CI). A run shows its calls done of those planned; a
//! front end that makes one scenario's calls at a time (`cargo bench`)
//! announces each ([`RunEvent::ScenarioStarted`] and
//! [`RunEvent::ScenarioFinished`]) and gets a bar, or lines, per
//! scenario.

use std::io::{IsTerminal, Write};
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

/// Plain lines of a run come at most this often.
const RUN_INTERVAL: Duration = Duration::from_secs(10);
/// Plain lines of a scenario come at most this often (and at its start
/// and end).
const SCENARIO_INTERVAL: Duration = Duration::from_secs(1);

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

impl Counts {
    fn errors(&self) -> String {
        format!("{} errors ({} throttled)", self.errors, self.throttles)
    }
}

/// The scenario whose calls are being made.
#[derive(Debug)]
struct Scenario {
    name: String,
    counts: Counts,
    started: Instant,
}

impl Scenario {
    /// `nova/standard: 5/11 calls done, 0 errors (0 throttled)`.
    fn line(&self) -> String {
        format!(
            "{}: {}/{} calls done, {}",
            self.name,
            self.counts.done,
            self.counts.total,
            self.counts.errors()
        )
    }
}

/// The bar's style with `template` (the default bar if it does not parse).
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// The progress sink.
pub struct ProgressSink {
    /// Bars instead of plain lines (stderr is a terminal).
    bars: bool,
    bar: Option<ProgressBar>,
    /// Where lines go (stderr, or a writer given); `None`: nothing is
    /// shown.
    out: Option<Box<dyn Write + Send>>,
    counts: Counts,
    scenario: Option<Scenario>,
    started: Instant,
    last_line: Instant,
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressSink")
            .field("bars", &self.bars)
            .field("counts", &self.counts)
            .field("scenario", &self.scenario)
            .finish_non_exhaustive()
    }
}

impl ProgressSink {
    /// A sink for `mode`, on stderr.
    pub fn new(mode: ProgressMode) -> Self {
        let bars = mode == ProgressMode::Auto && std::io::stderr().is_terminal();
        let out: Option<Box<dyn Write + Send>> = match mode {
            ProgressMode::Off => None,
            _ => Some(Box::new(std::io::stderr())),
        };
        let mut sink = Self::with_output(out);
        sink.bars = bars;
        sink.bar = bars
            .then(|| new_bar("{elapsed_precise} [{wide_bar}] {pos}/{len} calls, {msg}, ETA {eta}"));
        sink
    }

    /// A sink writing plain lines to `out` (no bar): for logs, and to read
    /// back what it shows.
    pub fn plain_to(out: impl Write + Send + 'static) -> Self {
        Self::with_output(Some(Box::new(out)))
    }

    fn with_output(out: Option<Box<dyn Write + Send>>) -> Self {
        ProgressSink {
            bars: false,
            bar: None,
            out,
            counts: Counts::default(),
            scenario: None,
            started: Instant::now(),
            last_line: Instant::now(),
        }
    }

    /// Print `text` on its own line, above the bar when there is one.
    fn say(&mut self, text: &str) {
        match (&self.bar, &mut self.out) {
            (Some(bar), _) => bar.println(text),
            (None, Some(out)) => {
                // Progress never stops a run: a line that cannot be
                // written is dropped.
                let _ = writeln!(out, "{text}");
            }
            (None, None) => {}
        }
    }

    fn message(&self) -> String {
        let errors = self.counts.errors();
        match (&self.scenario, self.counts.arrivals_s) {
            (Some(s), _) => format!(
                "{}; all: {}/{}; {}",
                s.counts.errors(),
                self.counts.done,
                self.counts.total,
                s.name
            ),
            (None, Some(_)) => format!(
                "{} calls done of about {}, {errors}",
                self.counts.done, self.counts.total
            ),
            (None, None) => errors,
        }
    }

    /// Open loop: the bar counts tenths of a second of arrivals.
    fn set_time_position(&self) {
        if let (Some(bar), Some(seconds)) = (&self.bar, self.counts.arrivals_s) {
            let elapsed = self.started.elapsed().as_secs_f64().min(seconds);
            bar.set_position((elapsed * 10.0) as u64);
        }
    }

    /// A plain line when the interval has passed (or `force`).
    fn plain_line(&mut self, force: bool) {
        if self.bar.is_some() || self.out.is_none() {
            return;
        }
        let interval = match self.scenario {
            Some(_) => SCENARIO_INTERVAL,
            None => RUN_INTERVAL,
        };
        if !force && self.last_line.elapsed() < interval {
            return;
        }
        self.last_line = Instant::now();
        let elapsed = self.started.elapsed().as_secs_f64();
        let line = match (&self.scenario, self.counts.arrivals_s) {
            (Some(s), _) => format!("[{elapsed:>7.1} s] {}", s.line()),
            (None, Some(seconds)) => format!(
                "[{elapsed:>7.1} s of {seconds:.1} s of arrivals] {}",
                self.message()
            ),
            (None, None) => format!(
                "[{elapsed:>7.1} s] {}/{} calls done, {}",
                self.counts.done,
                self.counts.total,
                self.message()
            ),
        };
        self.say(&line);
    }

    fn scenario_started(&mut self, name: &str, planned: u64) {
        self.scenario_finished();
        self.scenario = Some(Scenario {
            name: name.to_string(),
            counts: Counts {
                total: planned,
                ..Counts::default()
            },
            started: Instant::now(),
        });
        // The run's bar gives way to the scenario's line and bar.
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.say(&format!(
            "{name}: {planned} calls planned (retries add to them); all scenarios: {}/{} calls done",
            self.counts.done, self.counts.total
        ));
        self.last_line = Instant::now();
        if self.bars {
            // The bar and the counts keep their width; the message (the
            // errors, then the scenario, named on the line above) gives
            // way on a narrow terminal.
            let bar = ProgressBar::hidden();
            bar.set_style(style("[{bar:20}] {pos}/{len} calls, ETA {eta}, {wide_msg}"));
            bar.set_length(planned);
            bar.set_message(self.message());
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar = Some(bar);
        }
    }

    /// The scenario's last line, its bar cleared (so that what is printed
    /// next, such as criterion's analysis, is not drawn over).
    fn scenario_finished(&mut self) {
        let Some(scenario) = self.scenario.take() else {
            return;
        };
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let line = format!(
            "{} in {:.1} s",
            scenario.line(),
            scenario.started.elapsed().as_secs_f64()
        );
        self.say(&line);
    }
}

/// The run's bar, drawn on stderr.
fn new_bar(template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(style(template));
    bar
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
                    bar.set_message(self.message());
                    match arrivals_s {
                        Some(seconds) => {
                            bar.set_style(style("{elapsed_precise} [{wide_bar}] {msg}, ETA {eta}"));
                            bar.set_length((seconds * 10.0).ceil() as u64);
                        }
                        None => bar.set_length(*planned_calls),
                    }
                }
            }
            RunEvent::ScenarioStarted {
                name,
                planned_calls,
            } => self.scenario_started(name, *planned_calls),
            RunEvent::ScenarioFinished => self.scenario_finished(),
            RunEvent::RetryScheduled => {
                self.counts.total += 1;
                let total = match &mut self.scenario {
                    Some(s) => {
                        s.counts.total += 1;
                        s.counts.total
                    }
                    None => self.counts.total,
                };
                if let Some(bar) = &self.bar {
                    bar.set_length(total);
                }
            }
            RunEvent::CallFinished(record) => {
                let success = record.call.status.is_success();
                let throttle = record.call.status.is_throttle();
                let count = |c: &mut Counts| {
                    c.done += 1;
                    c.errors += u64::from(!success);
                    c.throttles += u64::from(throttle);
                };
                count(&mut self.counts);
                if let Some(s) = &mut self.scenario {
                    count(&mut s.counts);
                }
                if let Some(bar) = &self.bar {
                    match (&self.scenario, self.counts.arrivals_s) {
                        (Some(s), _) => bar.set_position(s.counts.done),
                        (None, None) => bar.set_position(self.counts.done),
                        (None, Some(_)) => {}
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
                self.say(&text);
            }
            RunEvent::RunStarted { .. } | RunEvent::RunFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        if self.scenario.is_some() {
            self.scenario_finished();
            return Ok(());
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.plain_line(true);
        Ok(())
    }
}
