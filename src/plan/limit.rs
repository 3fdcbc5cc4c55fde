//! A budget's value and where it was set.

/// A limit (the most calls, the most dollars) and where it was set:
/// `--max-cost`, `max_cost_usd in experiment_config.jsonl`,
/// `BEDROCK_BENCH_MAX_COST`, what a sweep has left...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit<T> {
    /// The limit.
    pub value: T,
    /// Where it was set, as messages name it.
    pub source: String,
}

impl<T> Limit<T> {
    /// `value`, set by `source`.
    pub fn new(value: T, source: impl Into<String>) -> Self {
        Limit {
            value,
            source: source.into(),
        }
    }
}
