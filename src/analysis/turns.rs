//! Latency by turn: for a group whose calls are conversation turns, each
//! turn's calls, TTFT and total latency, and its `model_input_tokens`
//! (the uncached input: without a cache, the conversation so far), so
//! that a context that grows turn by turn shows what it costs.

use super::dataset::{Dataset, Group};

/// One turn of a group's conversations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TurnStats {
    /// The turn, from 1.
    pub turn: u16,
    /// Successful, non-warm-up calls of that turn.
    pub calls: u64,
    /// TTFT p50, seconds.
    pub ttft_p50: f64,
    /// TTFT p90, seconds.
    pub ttft_p90: f64,
    /// Total latency p50, seconds.
    pub total_p50: f64,
    /// `model_input_tokens` p50: the uncached input (the tokens read from
    /// or written to the prompt cache are not in it).
    pub input_tokens_p50: f64,
}

/// The turns of `group`, in order; empty when its calls are no
/// conversation's turns.
pub fn turn_stats(dataset: &Dataset, group: &Group<'_>) -> Vec<TurnStats> {
    let attempts = dataset.attempts();
    let mut by_turn: Vec<(u16, [Vec<f64>; 3])> = Vec::new();
    for &index in &group.attempts {
        let a = &attempts[index as usize];
        if a.turn == 0 || !a.in_statistics() {
            continue;
        }
        let slot = match by_turn.binary_search_by_key(&a.turn, |(turn, _)| *turn) {
            Ok(at) => at,
            Err(at) => {
                by_turn.insert(at, (a.turn, Default::default()));
                at
            }
        };
        let [ttft, total, input] = &mut by_turn[slot].1;
        ttft.push(a.ttft);
        total.push(a.total_latency);
        input.push(a.input_tokens);
    }
    by_turn
        .into_iter()
        .map(|(turn, [mut ttft, mut total, mut input])| {
            let at = |values: &mut Vec<f64>, p: f64| {
                values.retain(|v| !v.is_nan());
                values.sort_by(f64::total_cmp);
                crate::stats::percentile(values, p).unwrap_or(f64::NAN)
            };
            TurnStats {
                turn,
                calls: ttft.len() as u64,
                ttft_p50: at(&mut ttft, 50.0),
                ttft_p90: at(&mut ttft, 90.0),
                total_p50: at(&mut total, 50.0),
                input_tokens_p50: at(&mut input, 50.0),
            }
        })
        .collect()
}
