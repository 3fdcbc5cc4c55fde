//! Per-group statistics: what happened to every attempt (counts), and
//! every metric's summary over the successful ones.

use bedrock_catalog::prices::Cost;

use super::dataset::{Dataset, Group};
use super::metrics::{Metric, all_metric_values, summarize};
use crate::axes::{Axis, VariantKey};
use crate::stats::Summary;

/// What happened to the attempts of one group. Nothing is left out:
/// `attempts == successes + errors`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows (call attempts, retries included).
    pub attempts: u64,
    /// Logical calls: distinct `invocation_id`s per file of ours (an
    /// invocation and its retries); every row of the Python tool's files.
    pub invocations: u64,
    /// `api_call_status == "Success"`.
    pub successes: u64,
    /// Every other status.
    pub errors: u64,
    /// `ThrottlingException` (part of `errors`).
    pub throttles: u64,
    /// `Timeout` (the per-call timeout) or `ModelTimeoutException` (part of
    /// `errors`).
    pub timeouts: u64,
    /// Invocations none of whose attempts succeeded.
    pub failed_invocations: u64,
    /// Successful attempts sent with `performanceConfig.latency = optimized`.
    pub sent_optimized: u64,
    /// Sent as optimized, served as standard.
    pub fallbacks: u64,
    /// Successful attempts that sent a service tier and were served
    /// another one (`served_service_tier`).
    pub tier_downgrades: u64,
    /// Successful attempts that sent a cache point and neither read nor
    /// wrote the prompt cache.
    pub cache_unused: u64,
    /// Rows whose `performance_config` was empty (counted as standard).
    pub empty_performance_config: u64,
    /// Successful attempts whose answer stopped before the length drawn
    /// for it (`target_output_tokens`): short answers, which must not
    /// pass for fast ones.
    pub short_answers: u64,
    /// Successful calls whose API reported no output tokens (an empty
    /// `model_output_tokens`: a stream without its usage report), whose
    /// OTPS is therefore unknown.
    pub no_usage: u64,
    /// Successful warm-up calls (`cargo bench`), counted in `successes` but
    /// left out of the statistics.
    pub warmups: u64,
}

impl Counts {
    /// The successful calls not served what they asked on `axis`, and how
    /// many could have been (the calls sent as optimized for the
    /// performance config, every success otherwise); `None` for an axis
    /// without a [`crate::axes::Mismatch`].
    pub fn mismatched(&self, axis: Axis) -> Option<(u64, u64)> {
        match axis {
            Axis::PerformanceConfig => Some((self.fallbacks, self.sent_optimized)),
            Axis::ServiceTier => Some((self.tier_downgrades, self.successes)),
            Axis::Cache => Some((self.cache_unused, self.successes)),
            Axis::Reasoning | Axis::Tools | Axis::Api | Axis::Endpoint | Axis::Guardrail => None,
        }
    }
}

/// What the attempts of one group cost, exactly (sums of
/// [`Cost`]s in picodollars; dollars only for display).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CostStats {
    /// Attempts with a known cost (warm-ups and any failed attempt that
    /// reported usage included: they were billed).
    pub priced: u64,
    /// Successful attempts whose cost is unknown: an empty `cost_usd`
    /// cell, or a price needed that the table does not have. Failed
    /// attempts without usage (throttles, timeouts...) are neither priced
    /// nor unpriced: they reported nothing to price.
    pub unpriced: u64,
    /// The sum of the known costs.
    pub total: Cost,
}

impl CostStats {
    /// The total of the priced attempts; `None` when none was priced
    /// (unknown, never 0).
    pub fn total(&self) -> Option<Cost> {
        (self.priced > 0).then_some(self.total)
    }

    /// The mean cost of the priced attempts times 1,000: what 1,000 such
    /// calls cost, rounded to the nearest picodollar; `None` when none was
    /// priced.
    pub fn per_1k_calls(&self) -> Option<Cost> {
        if self.priced == 0 {
            return None;
        }
        let n = u128::from(self.priced);
        let scaled = (u128::from(self.total.picodollars()) * 1000 + n / 2) / n;
        Some(Cost::from_picodollars(
            u64::try_from(scaled).unwrap_or(u64::MAX),
        ))
    }
}

/// The costs of the attempts of `group` (see [`CostStats`]).
pub fn cost_stats(dataset: &Dataset, group: &Group<'_>) -> CostStats {
    let attempts = dataset.attempts();
    let mut stats = CostStats::default();
    for &index in &group.attempts {
        let a = &attempts[index as usize];
        match a.cost() {
            Some(cost) => {
                stats.priced += 1;
                stats.total = stats.total.saturating_add(cost);
            }
            None if a.is_success() => stats.unpriced += 1,
            None => {}
        }
    }
    stats
}

/// Everything known about one (model, region, performance_config).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStats {
    /// Model or inference profile id.
    pub model: String,
    /// Region.
    pub region: String,
    /// The variant label (the group key's third part): the performance
    /// config, then the other axes (see [`VariantKey::parse_label`]).
    pub performance_config: String,
    /// The variant, axis by axis (parsed from `performance_config`).
    pub variant: VariantKey,
    /// Distinct non-empty `target` values (`aws`, `emulator`), sorted.
    pub targets: Vec<String>,
    /// What happened to the attempts.
    pub counts: Counts,
    /// What the attempts cost.
    pub cost: CostStats,
    /// Per metric (indexed like [`Metric::ALL`]), over successful attempts;
    /// `None` when no successful attempt has a value.
    pub metrics: Vec<Option<Summary>>,
    /// How the open loop kept its schedule, over every attempt with a
    /// `dispatch_lag_s`; `None` for closed-loop groups.
    pub schedule: Option<ScheduleStats>,
    /// How the calls used the prompt cache; `None` when none did.
    pub cache: Option<super::cache_hits::CacheStats>,
    /// Latency by turn of the group's conversations (empty when its calls
    /// are no conversation's turns).
    pub turns: Vec<super::turns::TurnStats>,
}

/// How an open-loop group's calls kept their schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduleStats {
    /// Attempts with a dispatch lag.
    pub calls: u64,
    /// Dispatch lag percentiles and maximum, seconds.
    pub dispatch_lag_p50: f64,
    /// 99th percentile of the dispatch lag, seconds.
    pub dispatch_lag_p99: f64,
    /// The largest dispatch lag, seconds.
    pub dispatch_lag_max: f64,
    /// Calls the concurrency cap held back (`queued_s` > 0).
    pub queued_calls: u64,
    /// The longest wait for a slot, seconds.
    pub queued_max: f64,
}

/// Above this dispatch lag p99 (seconds), `analyze` warns that the client
/// fell behind its schedule.
pub const DISPATCH_LAG_WARN_S: f64 = 0.010;

/// The schedule statistics of `group`, if its attempts have dispatch lags.
fn schedule_stats(dataset: &Dataset, group: &Group<'_>) -> Option<ScheduleStats> {
    let attempts = dataset.attempts();
    let mut lags = Vec::new();
    let (mut queued_calls, mut queued_max) = (0u64, 0.0f64);
    for &index in &group.attempts {
        let a = &attempts[index as usize];
        if a.dispatch_lag.is_nan() {
            continue;
        }
        lags.push(a.dispatch_lag);
        if a.queued > 0.0 {
            queued_calls += 1;
            queued_max = queued_max.max(a.queued);
        }
    }
    if lags.is_empty() {
        return None;
    }
    lags.sort_by(f64::total_cmp);
    let at = |p: f64| crate::stats::percentile(&lags, p).unwrap_or(f64::NAN);
    Some(ScheduleStats {
        calls: lags.len() as u64,
        dispatch_lag_p50: at(50.0),
        dispatch_lag_p99: at(99.0),
        dispatch_lag_max: lags[lags.len() - 1],
        queued_calls,
        queued_max,
    })
}

impl GroupStats {
    /// The summary of `metric` (None when no value).
    pub fn metric(&self, metric: Metric) -> Option<&Summary> {
        self.metrics.get(metric.index()).and_then(Option::as_ref)
    }
}

/// Statistics of every group, in pandas' groupby order (see
/// [`Dataset::groups`]). Large datasets are summarized on every core, a
/// group per task.
pub fn group_stats(dataset: &Dataset) -> Vec<GroupStats> {
    use rayon::prelude::*;
    let groups = dataset.groups();
    if dataset.attempts().len() < 100_000 {
        return groups.iter().map(|g| stats_of(dataset, g)).collect();
    }
    groups.par_iter().map(|g| stats_of(dataset, g)).collect()
}

/// The statistics of one group.
pub fn stats_of(dataset: &Dataset, group: &Group<'_>) -> GroupStats {
    let metrics = all_metric_values(dataset, group)
        .into_iter()
        .map(|mut values| summarize(&mut values))
        .collect();
    GroupStats {
        model: group.model.to_string(),
        region: group.region.to_string(),
        performance_config: group.performance_config.to_string(),
        variant: variant_of(group.performance_config),
        targets: targets(dataset, group),
        counts: counts(dataset, group),
        cost: cost_stats(dataset, group),
        metrics,
        schedule: schedule_stats(dataset, group),
        cache: super::cache_hits::cache_stats(dataset, group),
        turns: super::turns::turn_stats(dataset, group),
    }
}

/// The typed variant of a group's label. Every label is checked as its
/// rows are read (`parse.rs` writes it in the parser's format, refusing a
/// value the parser would not read back); a label from elsewhere keeps
/// its text as its performance config.
fn variant_of(label: &str) -> VariantKey {
    VariantKey::parse_label(label).unwrap_or_else(|_| VariantKey {
        performance_config: label.to_string(),
        service_tier: None,
        cache: None,
        reasoning_budget_tokens: None,
        tools: None,
        api: bedrock_catalog::Api::ConverseStream,
        endpoint: bedrock_catalog::Endpoint::Runtime,
        guardrail: None,
    })
}

fn targets(dataset: &Dataset, group: &Group<'_>) -> Vec<String> {
    let attempts = dataset.attempts();
    let mut syms: Vec<u32> = group
        .attempts
        .iter()
        .map(|&i| attempts[i as usize].target)
        .collect();
    syms.sort_unstable();
    syms.dedup();
    let mut names: Vec<String> = syms
        .into_iter()
        .map(|s| dataset.str(s))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

/// Count what happened to the attempts of `group`.
pub fn counts(dataset: &Dataset, group: &Group<'_>) -> Counts {
    let attempts = dataset.attempts();
    let throttle = dataset.sym("ThrottlingException");
    let timeouts = [dataset.sym("Timeout"), dataset.sym("ModelTimeoutException")];
    let mut counts = Counts::default();
    // (invocation, succeeded) pairs, to count distinct invocations.
    let mut invocations: Vec<(u32, bool)> = Vec::with_capacity(group.attempts.len());
    for &index in &group.attempts {
        let a = &attempts[index as usize];
        counts.attempts += 1;
        if a.is_success() {
            counts.successes += 1;
            if a.is_warmup() {
                counts.warmups += 1;
            }
            if a.sent_optimized() {
                counts.sent_optimized += 1;
            }
            if a.is_tier_downgraded() {
                counts.tier_downgrades += 1;
            }
            if a.is_cache_unused() {
                counts.cache_unused += 1;
            }
            if a.is_short_answer() {
                counts.short_answers += 1;
            }
            if a.output_tokens.is_nan() {
                counts.no_usage += 1;
            }
        } else {
            counts.errors += 1;
            if Some(a.status) == throttle {
                counts.throttles += 1;
            }
            if timeouts.contains(&Some(a.status)) {
                counts.timeouts += 1;
            }
        }
        if a.is_fallback() {
            counts.fallbacks += 1;
        }
        if a.had_empty_config() {
            counts.empty_performance_config += 1;
        }
        invocations.push((a.invocation, a.is_success()));
    }
    // Sorted by invocation, a success sorts after a failure.
    invocations.sort_unstable();
    for (i, &(invocation, succeeded)) in invocations.iter().enumerate() {
        let last_of_invocation = invocations
            .get(i + 1)
            .is_none_or(|&(next, _)| next != invocation);
        if last_of_invocation {
            counts.invocations += 1;
            if !succeeded {
                counts.failed_invocations += 1;
            }
        }
    }
    counts
}
