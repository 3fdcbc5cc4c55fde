//! Warnings about groups: what was asked and not served (an optimized
//! request served as standard, a service tier served as another, a cache
//! point that never hit), answers shorter than the length drawn for
//! them, calls whose API reported no usage, groups called through
//! Converse (no time to first token), groups
//! with no successful call, and open-loop
//! groups whose client fell behind its schedule. Each says
//! what it means for the numbers and what to do.

use super::extended::{DISPATCH_LAG_WARN_S, GroupStats};
use crate::axes::Axis;

/// Warnings about groups, in group order: each axis's mismatches (its
/// [`crate::axes::Mismatch`]: silent optimized-to-standard fallbacks, tier
/// downgrades, cache points that never hit), a client behind its schedule,
/// groups with no successful call.
pub fn group_warnings(groups: &[GroupStats]) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        let c = &g.counts;
        let group = format!("{} in {} ({})", g.model, g.region, g.performance_config);
        for axis in Axis::ALL {
            if let (Some(mismatch), Some((count, of))) = (axis.spec().mismatch, c.mismatched(axis))
                && count > 0
            {
                out.push(mismatch.warning(count, of, &g.variant.value(axis), &group));
            }
        }
        if let Some(s) = &g.schedule
            && (s.dispatch_lag_p99 > DISPATCH_LAG_WARN_S || s.queued_calls > 0)
        {
            out.push(format!(
                "the client fell behind its schedule for {} in {} ({}): dispatch lag p99 {:.1} ms (max {:.1} ms, warned above {:.0} ms), {} of {} calls held back by max_concurrency (longest wait {:.3} s); latencies from the scheduled time include it (ttft_from_scheduled, total_from_scheduled)",
                g.model,
                g.region,
                g.performance_config,
                s.dispatch_lag_p99 * 1e3,
                s.dispatch_lag_max * 1e3,
                DISPATCH_LAG_WARN_S * 1e3,
                s.queued_calls,
                s.calls,
                s.queued_max
            ));
        }
        if c.short_answers > 0 {
            out.push(format!(
                "{} of {} successful calls of {group} stopped before the answer length drawn for them (target_output_tokens): short answers end sooner, so this group's total latency reads lower than answers of the asked length would take; compare generation OTPS, ask for the length in the prompt, or filter on stop_reason = max_tokens",
                c.short_answers, c.successes
            ));
        }
        if c.no_usage > 0 {
            out.push(format!(
                "{} of {} successful calls of {group} reported no token usage (an empty model_output_tokens: the API's stream ended without its usage report, as a Chat Completions stream may when the service ignores stream_options.include_usage): their OTPS and token averages are unknown and left out; their TTFT and total latency stand",
                c.no_usage, c.successes
            ));
        }
        if g.variant.api == bedrock_catalog::Api::Converse && c.successes > 0 {
            out.push(format!(
                "{group} went through Converse, which answers all at once: its TTFT, time to first text and generation OTPS are empty by design, and its total latency is the one figure to compare with a streaming API"
            ));
        }
        if c.successes == 0 {
            out.push(format!(
                "all {} attempts failed for {} in {} ({}): no statistics",
                c.attempts, g.model, g.region, g.performance_config
            ));
        }
    }
    out
}
