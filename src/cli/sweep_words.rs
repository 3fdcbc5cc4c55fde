//! Words and durations that `sweep`'s search and its length grid both
//! print.

use std::time::Duration;

use bedrock_bench::sweep::SweepEnd;

/// `seconds` as a duration, [`Duration::MAX`] when it is too long for one.
pub(super) fn seconds(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

/// How a sweep (or a grid) ended, in words.
pub(super) fn end_text(end: &SweepEnd) -> String {
    match end {
        SweepEnd::Done => "the sweep finished".into(),
        SweepEnd::Stopped(cause) => format!("stopped by {}", cause.name()),
        SweepEnd::CallBudget {
            step,
            planned,
            left,
        } => format!(
            "the call budget ended the sweep: step {step} plans about {planned} calls and {left} were left"
        ),
        SweepEnd::DollarBudget { step, reason } => {
            format!("the dollar budget ended the sweep at step {step}: {reason}")
        }
        SweepEnd::RecordFailed(error) => format!("recording failed: {error}"),
        SweepEnd::Overrun => "the dollar budget's guard ended the sweep".into(),
    }
}
