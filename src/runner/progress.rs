//! Progress on stderr: the live view on a terminal (see
//! [`super::live_sink`]), plain lines otherwise (logs, CI). A run shows
//! its calls done of those planned; a front end that makes one
//! scenario's calls at a time (`cargo bench`) announces each
//! ([`RunEvent::ScenarioStarted`] and [`RunEvent::ScenarioFinished`]) and
//! gets lines per scenario.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::budget::CallBudget;
use super::live_sink::LiveSink;
use super::record_error::SinkError;
use super::report::{RunEvent, RunSink};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// The live view when stderr is a terminal, else plain lines.
    Auto,
    /// The live view even when stderr is not a terminal.
    Live,
    /// Plain lines every few seconds.
    Plain,
    /// Nothing.
    Off,
}

/// The environment variable that sets the progress mode of `cargo bench`
/// (and the default of `run` and `sweep`): `auto`, `live`, `plain`, `off`.
pub const PROGRESS_ENV: &str = "BEDROCK_BENCH_PROGRESS";

impl ProgressMode {
    /// Every mode's name, as the command line and [`PROGRESS_ENV`] take it.
    pub const NAMES: [&'static str; 4] = ["auto", "live", "plain", "off"];

    /// The mode named `name`.
    pub fn from_name(name: &str) -> Option<ProgressMode> {
        match name {
            "auto" => Some(ProgressMode::Auto),
            "live" => Some(ProgressMode::Live),
            "plain" => Some(ProgressMode::Plain),
            "off" => Some(ProgressMode::Off),
            _ => None,
        }
    }

    /// The mode [`PROGRESS_ENV`] names, `Auto` when it is not set; an
    /// error naming the variable and the modes when it names none.
    pub fn from_env() -> Result<ProgressMode, String> {
        match std::env::var(PROGRESS_ENV) {
            Ok(value) => ProgressMode::from_name(value.trim()).ok_or_else(|| {
                format!(
                    "{PROGRESS_ENV}={value:?} is not a progress mode: expected one of {}",
                    ProgressMode::NAMES.join(", ")
                )
            }),
            Err(_) => Ok(ProgressMode::Auto),
        }
    }

    /// Whether this mode shows the live view (`Auto`: when stderr is a
    /// terminal).
    pub fn is_live(self) -> bool {
        match self {
            ProgressMode::Live => true,
            ProgressMode::Auto => std::io::stderr().is_terminal(),
            ProgressMode::Plain | ProgressMode::Off => false,
        }
    }
}

/// The progress sink for `mode`: the live view (with the calls in flight
/// from `budget`'s count of calls started) or plain lines. A live view
/// that cannot start its thread falls back to plain lines.
pub fn progress_sink(mode: ProgressMode, budget: Option<Arc<CallBudget>>) -> Box<dyn RunSink> {
    if mode.is_live() {
        match LiveSink::on_stderr(budget) {
            Ok(sink) => return Box::new(sink),
            Err(error) => eprintln!(
                "warning: the live view cannot start ({error}); showing plain progress lines"
            ),
        }
    }
    Box::new(ProgressSink::new(mode))
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

/// The plain progress sink: a line every few seconds.
pub struct ProgressSink {
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
            .field("counts", &self.counts)
            .field("scenario", &self.scenario)
            .finish_non_exhaustive()
    }
}

impl ProgressSink {
    /// Plain lines on stderr (nothing for [`ProgressMode::Off`]).
    pub fn new(mode: ProgressMode) -> Self {
        let out: Option<Box<dyn Write + Send>> = match mode {
            ProgressMode::Off => None,
            _ => Some(Box::new(std::io::stderr())),
        };
        Self::with_output(out)
    }

    /// A sink writing plain lines to `out`: for logs, and to read back
    /// what it shows.
    pub fn plain_to(out: impl Write + Send + 'static) -> Self {
        Self::with_output(Some(Box::new(out)))
    }

    fn with_output(out: Option<Box<dyn Write + Send>>) -> Self {
        ProgressSink {
            out,
            counts: Counts::default(),
            scenario: None,
            started: Instant::now(),
            last_line: Instant::now(),
        }
    }

    /// Print `text` on its own line.
    fn say(&mut self, text: &str) {
        if let Some(out) = &mut self.out {
            // Progress never stops a run: a line that cannot be written
            // is dropped.
            let _ = writeln!(out, "{text}");
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

    /// A plain line when the interval has passed (or `force`).
    fn plain_line(&mut self, force: bool) {
        if self.out.is_none() {
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
        self.say(&format!(
            "{name}: {planned} calls planned (retries add to them); all scenarios: {}/{} calls done",
            self.counts.done, self.counts.total
        ));
        self.last_line = Instant::now();
    }

    /// The scenario's last line.
    fn scenario_finished(&mut self) {
        let Some(scenario) = self.scenario.take() else {
            return;
        };
        let line = format!(
            "{} in {:.1} s",
            scenario.line(),
            scenario.started.elapsed().as_secs_f64()
        );
        self.say(&line);
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
            }
            RunEvent::ScenarioStarted {
                name,
                planned_calls,
            } => self.scenario_started(name, *planned_calls),
            RunEvent::ScenarioFinished => self.scenario_finished(),
            RunEvent::RetryScheduled => {
                self.counts.total += 1;
                if let Some(s) = &mut self.scenario {
                    s.counts.total += 1;
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
        self.plain_line(true);
        Ok(())
    }
}
