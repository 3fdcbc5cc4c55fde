//! Warnings about groups: what was asked and not served (an optimized
//! request served as standard, a service tier served as another, a cache
//! point that never hit), groups with no successful call, and open-loop
//! groups whose client fell behind its schedule. Each says
//! what it means for the numbers and what to do.

use super::extended::{DISPATCH_LAG_WARN_S, GroupStats};

/// Warnings about groups, in group order: silent optimized-to-standard
/// fallbacks, tier downgrades, cache points that never hit, groups with no
/// successful call.
pub fn group_warnings(groups: &[GroupStats]) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        let c = &g.counts;
        if c.fallbacks > 0 {
            out.push(format!(
                "{} of {} successful requests sent as optimized were served as standard for {} in {} (performance_config {}): their latencies are standard latencies",
                c.fallbacks, c.sent_optimized, g.model, g.region, g.performance_config
            ));
        }
        if c.tier_downgrades > 0 {
            out.push(format!(
                "{} of {} successful requests sent with service tier {} were served at another tier (served_service_tier) for {} in {} ({}): their latencies are that tier's, not {}'s; check the tier's availability and quotas for this model and region, and look at served_service_tier in the raw CSV before comparing tiers",
                c.tier_downgrades,
                c.successes,
                g.variant.reported_tier(),
                g.model,
                g.region,
                g.performance_config,
                g.variant.reported_tier()
            ));
        }
        if c.cache_unused > 0 {
            out.push(format!(
                "{} of {} successful requests sent a cache point but neither read nor wrote the prompt cache for {} in {} ({}): they were not cached at all (the prefix before the cache point is likely shorter than the model's minimum cacheable length, or the model does not cache here); lengthen the shared prefix or check the model's prompt-caching support",
                c.cache_unused, c.successes, g.model, g.region, g.performance_config
            ));
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
        if c.successes == 0 {
            out.push(format!(
                "all {} attempts failed for {} in {} ({}): no statistics",
                c.attempts, g.model, g.region, g.performance_config
            ));
        }
    }
    out
}
