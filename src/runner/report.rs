//! What a run reports, and to whom: events go over a channel to one
//! reporter thread that fans them out to every sink (the raw CSV, the
//! progress display...). File writes never block the calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use super::record_error::{RecordError, SinkError};
use crate::record::AttemptRecord;

/// Something that happened during a run.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The experiment is about to start.
    ExperimentStarted {
        /// Calls planned (no retries).
        planned_calls: u64,
        /// Runs.
        runs: u32,
        /// Open loop: seconds of arrivals over all runs (the calls planned
        /// are then an expected count, and progress is measured in time).
        arrivals_s: Option<f64>,
    },
    /// Run `run` (from 1) started; its id is `run_id`.
    RunStarted {
        /// Run number from 1.
        run: u32,
        /// `YYYYmmdd_HHMMSS`.
        run_id: String,
    },
    /// A scenario's calls begin: a front end that makes one scenario's
    /// calls at a time (`cargo bench`) says so, for a progress per
    /// scenario.
    ScenarioStarted {
        /// The scenario, as the front end names it (`model/variant`).
        name: String,
        /// Its calls planned (no retries; each retry is announced by
        /// [`RunEvent::RetryScheduled`]).
        planned_calls: u64,
    },
    /// The scenario started last has made its calls (or was cut short).
    ScenarioFinished,
    /// A call attempt ended.
    CallFinished(Box<AttemptRecord>),
    /// A retry was scheduled (the planned total grows by one).
    RetryScheduled,
    /// Run `run` ended.
    RunFinished {
        /// Run number from 1.
        run: u32,
    },
    /// A stop was requested; calls in flight are finishing.
    Stopping {
        /// Whether the calls in flight were cancelled too.
        cancelled: bool,
    },
}

/// A destination for run events. Called on the reporter thread, one event
/// at a time, in order.
pub trait RunSink: Send {
    /// Handle one event. An error stops the run (nothing more is called)
    /// and is reported to the user.
    fn event(&mut self, event: &RunEvent) -> Result<(), SinkError>;

    /// The run is over; flush and release everything.
    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

/// The sending side handed to the runner.
#[derive(Debug, Clone)]
pub struct ReportSender {
    tx: mpsc::Sender<RunEvent>,
    failed: Arc<AtomicBool>,
}

impl ReportSender {
    /// Send an event (dropped silently only if the reporter already stopped
    /// after a sink failure, which [`ReportSender::failed`] tells).
    pub fn send(&self, event: RunEvent) {
        let _ = self.tx.send(event);
    }

    /// Whether a sink failed (the run should stop).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }
}

/// The reporter thread and its sinks.
#[derive(Debug)]
pub struct Reporter {
    sender: ReportSender,
    thread: JoinHandle<Result<(), RecordError>>,
}

impl Reporter {
    /// Start the reporter thread with these sinks.
    pub fn start(mut sinks: Vec<Box<dyn RunSink>>) -> std::io::Result<Reporter> {
        let (tx, rx) = mpsc::channel::<RunEvent>();
        let failed = Arc::new(AtomicBool::new(false));
        let thread_failed = Arc::clone(&failed);
        let thread = std::thread::Builder::new()
            .name("bedrock-bench-report".into())
            .spawn(move || {
                let mut first_error = None;
                for event in rx {
                    if first_error.is_some() {
                        continue;
                    }
                    for sink in sinks.iter_mut() {
                        if let Err(error) = sink.event(&event) {
                            thread_failed.store(true, Ordering::SeqCst);
                            first_error = Some(RecordError::Sink(Arc::new(error)));
                            break;
                        }
                    }
                }
                for sink in sinks.iter_mut() {
                    if let Err(error) = sink.finish() {
                        first_error.get_or_insert(RecordError::Sink(Arc::new(error)));
                    }
                }
                first_error.map_or(Ok(()), Err)
            })?;
        Ok(Reporter {
            sender: ReportSender { tx, failed },
            thread,
        })
    }

    /// A sender for the runner's tasks.
    pub fn sender(&self) -> ReportSender {
        self.sender.clone()
    }

    /// Wait until every event is handled and every sink finished; the first
    /// sink error, if any.
    pub fn finish(self) -> Result<(), RecordError> {
        drop(self.sender);
        self.thread
            .join()
            .unwrap_or(Err(RecordError::ReporterPanicked))
    }
}
