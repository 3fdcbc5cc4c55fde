//! The live view as a run's sink: each event is counted into the view's
//! state on the reporter thread; the view draws on its own thread (see
//! [`crate::live`]). `cargo bench`'s scenarios each take the view off the
//! screen when they end, so that criterion's analysis is not drawn over,
//! and leave one line saying what they made.

use std::sync::Arc;
use std::time::Instant;

use super::budget::CallBudget;
use super::record_error::SinkError;
use super::report::{RunEvent, RunSink};
use crate::live::{BoardOutput, FinishedCall, LiveBoard};

/// The live view of a run.
#[derive(Debug)]
pub struct LiveSink {
    board: LiveBoard,
    /// Whether frames are being drawn.
    drawing: bool,
}

impl LiveSink {
    /// The view on `output`, with the dollar budget of `budget` (and its
    /// count of calls started, for the calls in flight) when given.
    pub fn start(
        mut output: BoardOutput,
        budget: Option<Arc<CallBudget>>,
    ) -> std::io::Result<LiveSink> {
        if let Some(budget) = &budget {
            let budget = Arc::clone(budget);
            output.started = Some(Box::new(move || budget.used()));
        }
        let board = LiveBoard::start(output)?;
        board.state().max_cost = budget.as_ref().and_then(|b| b.max_cost());
        Ok(LiveSink {
            board,
            drawing: false,
        })
    }

    /// The view on stderr, sized to the terminal.
    pub fn on_stderr(budget: Option<Arc<CallBudget>>) -> std::io::Result<LiveSink> {
        LiveSink::start(BoardOutput::stderr(), budget)
    }

    fn draw(&mut self) {
        if !self.drawing {
            self.drawing = true;
            self.board.resume();
        }
    }

    fn pause(&mut self) {
        if self.drawing {
            self.drawing = false;
            self.board.pause();
        }
    }
}

impl RunSink for LiveSink {
    fn event(&mut self, event: &RunEvent) -> Result<(), SinkError> {
        match event {
            RunEvent::ExperimentStarted {
                planned_calls,
                arrivals_s,
                ..
            } => {
                self.board
                    .state()
                    .start(Instant::now(), *planned_calls, *arrivals_s);
                self.draw();
            }
            RunEvent::ScenarioStarted {
                name,
                planned_calls,
            } => {
                self.board
                    .state()
                    .scenario_started(Instant::now(), name, *planned_calls);
                self.draw();
            }
            RunEvent::ScenarioFinished => {
                let (scenario, all) = {
                    let mut state = self.board.state();
                    (state.scenario_finished(), state.counts)
                };
                self.pause();
                if let Some(s) = scenario {
                    // Printed by the view's thread, after the frame is off.
                    self.board.say(format!(
                        "{}: {}/{} calls done, {} errors ({} throttled) in {:.1} s; all scenarios: {} calls done",
                        s.name,
                        s.counts.done,
                        s.planned,
                        s.counts.errors,
                        s.counts.throttles,
                        s.started.elapsed().as_secs_f64(),
                        all.done
                    ));
                }
            }
            RunEvent::RetryScheduled => self.board.state().retry_scheduled(),
            RunEvent::CallFinished(record) => {
                let call = &record.call;
                let finished = FinishedCall {
                    group: record.scenario.name.clone(),
                    at: call.end_at.unwrap_or_else(Instant::now),
                    ttft_s: call.ttft(),
                    total_s: call.total_latency(),
                    success: call.status.is_success(),
                    throttle: call.status.is_throttle(),
                    cost: record.cost(),
                };
                self.board.state().record(finished);
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
                self.board.state().stopping = Some(text);
            }
            RunEvent::RunStarted { .. } | RunEvent::RunFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        let last = {
            let state = self.board.state();
            (state.scenario.is_none() && state.counts.done > 0).then(|| {
                format!(
                    "{} calls done, {} errors ({} throttled) in {:.1} s",
                    state.counts.done,
                    state.counts.errors,
                    state.counts.throttles,
                    state.started.elapsed().as_secs_f64()
                )
            })
        };
        self.pause();
        if let Some(line) = last {
            self.board.say(line);
        }
        self.board.stop();
        Ok(())
    }
}
