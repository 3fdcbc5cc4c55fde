//! Words and durations that `sweep`'s search and its length grid both
//! print.

use std::time::Duration;

use bedrock_bench::config::TargetChoice;
use bedrock_bench::plan::us_priced_elsewhere;
use bedrock_bench::sweep::{SweepEnd, SweepOptions};
use bedrock_catalog::prices::Cost;

/// The words that tell a sweep's plan from a length grid's.
pub(super) struct PlanWords {
    /// `sweep` or `grid`.
    pub whole: &'static str,
    /// `step` or `cell`.
    pub part: &'static str,
    /// What happens to a part that does not fit in the calls left.
    pub not_fitting: &'static str,
    /// What the dollar budget may stop it before.
    pub ends_before: &'static str,
    /// How to make its worst case smaller.
    pub narrower: &'static str,
}

/// The plan's last lines, for a sweep or a grid: prices quoted from
/// elsewhere, the call and dollar budgets (a warning when the `worst`
/// case may pass the dollars), the seed and the target.
pub(super) fn print_budgets(
    options: &SweepOptions,
    worst: Option<Cost>,
    choice: TargetChoice,
    words: &PlanWords,
) {
    let PlanWords {
        whole,
        part,
        not_fitting,
        ends_before,
        narrower,
    } = words;
    for warning in us_priced_elsewhere(&options.scenarios, &options.prices) {
        eprintln!("{warning}");
    }
    if let Some(limit) = &options.max_calls {
        eprintln!(
            "call budget: at most {} calls for the whole {whole} ({}); a {part} that does not fit {not_fitting}",
            limit.value, limit.source
        );
    }
    if let Some(limit) = &options.max_cost {
        eprintln!(
            "dollar budget: at most ${} for the whole {whole} ({}); each {part} gets what the {part}s before it left",
            limit.value, limit.source
        );
        if worst.is_none_or(|w| w > limit.value) {
            eprintln!(
                "warning: the {whole}'s worst case may pass the dollar budget, so the {whole} may end before {ends_before}; raise --max-cost or {narrower}"
            );
        }
    }
    eprintln!(
        "seed: {} (--seed {} repeats these arrivals); target: {choice}",
        options.seed, options.seed
    );
}

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
