//! Feed recorded call values to criterion, one value per iteration.
//!
//! criterion runs each benchmark as one warm-up routine call followed by
//! `sample_size` samples; with a 1 ns warm-up time and a 1 ns measurement
//! time it asks for exactly one iteration each time, so a scenario's
//! warm-up call and sample calls are consumed in the order they were made.

use std::time::{Duration, Instant};

use criterion::Bencher;
use criterion::measurement::Measurement;

/// The recorded values of one metric of one scenario.
#[derive(Debug, Clone)]
pub struct Replay {
    label: String,
    values: Vec<Duration>,
    next: usize,
}

impl Replay {
    /// Values in call order (warm-up first); `label` names the benchmark in
    /// messages.
    pub fn new(label: impl Into<String>, values: Vec<Duration>) -> Self {
        Replay {
            label: label.into(),
            values,
            next: 0,
        }
    }

    /// Values not handed out yet.
    pub fn remaining(&self) -> usize {
        self.values.len() - self.next
    }

    /// The criterion routine: `iters` recorded values, summed.
    pub fn routine<M: Measurement<Value = Duration>>(&mut self, bencher: &mut Bencher<'_, M>) {
        bencher.iter_custom(|iters| {
            let started = Instant::now();
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let Some(value) = self.values.get(self.next) else {
                    panic!(
                        "criterion asked for more iterations of {} than calls were made ({}); this is a bedrock-bench bug, please report it",
                        self.label,
                        self.values.len()
                    );
                };
                total += *value;
                self.next += 1;
            }
            // criterion ends its warm-up once the routine's wall time passes
            // the (1 ns) warm-up time: make sure the clock visibly moves.
            while started.elapsed() < Duration::from_micros(1) {
                std::hint::spin_loop();
            }
            total
        });
    }
}
