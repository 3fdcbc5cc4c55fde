//! The events of `cargo bench`'s calls, sent to its sinks (the progress
//! display, and any other [`RunSink`]) as `runner::run` sends a run's:
//! the experiment, each scenario's start and end, every attempt and
//! retry. The calls are made one at a time, so the events go to the
//! sinks directly, after each attempt's row is written.

use crate::runner::{RunEvent, RunSink, SinkError};

/// The sinks of a `cargo bench`; they are finished when dropped (a bar is
/// cleared even when the benchmarks end early).
pub struct BenchSinks {
    sinks: Vec<Box<dyn RunSink>>,
    error: Option<SinkError>,
    finished: bool,
}

impl std::fmt::Debug for BenchSinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BenchSinks")
            .field("sinks", &self.sinks.len())
            .field("error", &self.error)
            .finish()
    }
}

impl BenchSinks {
    /// Events will go to `sinks`, in order.
    pub fn new(sinks: Vec<Box<dyn RunSink>>) -> BenchSinks {
        BenchSinks {
            sinks,
            error: None,
            finished: false,
        }
    }

    /// Hand `event` to every sink. After a sink fails, no sink gets
    /// another event, and this returns `false` (the benchmarks stop, as a
    /// run does; [`BenchSinks::take_error`] says why).
    pub fn send(&mut self, event: &RunEvent) -> bool {
        if self.error.is_some() {
            return false;
        }
        for sink in &mut self.sinks {
            if let Err(error) = sink.event(event) {
                self.error = Some(error);
                return false;
            }
        }
        true
    }

    /// The first error of a sink, once.
    pub fn take_error(&mut self) -> Option<SinkError> {
        self.error.take()
    }

    /// Finish every sink; the first error, if any.
    pub fn finish(&mut self) -> Result<(), SinkError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        let mut first = None;
        for sink in &mut self.sinks {
            if let Err(error) = sink.finish() {
                first.get_or_insert(error);
            }
        }
        first.map_or(Ok(()), Err)
    }
}

impl Drop for BenchSinks {
    fn drop(&mut self) {
        // An error here has nowhere to go: the benchmarks already ended
        // with another one.
        let _ = self.finish();
    }
}
