//! `compare`: two sets of raw CSVs, BASE and NEW, group by group.
//!
//! ```text
//! read_sides (analyze's reader, each side; comparable sides)     sides.rs
//!   -> compare_sides: groups matched by model, region, variant    mod.rs
//!        per metric: values, change, interval, verdict            change.rs, interval.rs
//!   -> gates (--fail-if) on every matched group                    gate.rs
//!   -> tables (crate::tables::compare), Markdown, JSON, page        markdown.rs, json.rs, page.rs
//! ```
//!
//! Groups are matched by their full key: model, region and variant
//! label (every variant axis). A group on one side only is listed as
//! such, never dropped.

pub mod change;
pub mod drift;
pub mod gate;
pub mod interval;
pub mod json;
pub mod markdown;
pub mod metric;

pub mod sides;

use change::{MetricChange, SideSample, metric_change};
use gate::{Gate, GateOutcome};
use interval::{Resampling, stream_id};
use metric::CompareMetric;
use sides::SideName;

use crate::analysis::{Analysis, GroupStats, Metric, metric_values};

/// A group's key: model, region, variant label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId {
    /// Model or inference profile id.
    pub model: String,
    /// Region.
    pub region: String,
    /// The variant label (`standard`, `optimized+priority`...).
    pub variant: String,
}

impl GroupId {
    fn of(stats: &GroupStats) -> GroupId {
        GroupId {
            model: stats.model.clone(),
            region: stats.region.clone(),
            variant: stats.performance_config.clone(),
        }
    }

    /// `model region variant`.
    pub fn describe(&self) -> String {
        format!("{} {} {}", self.model, self.region, self.variant)
    }
}

/// A group found on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedGroup {
    /// Its key.
    pub id: GroupId,
    /// Successful calls of BASE (warm-ups left out).
    pub base_calls: u64,
    /// Successful calls of NEW.
    pub new_calls: u64,
    /// One change per metric of [`CompareMetric::ALL`], in order.
    pub changes: Vec<MetricChange>,
    /// BASE's TTFT values (for the chart).
    pub base_ttft: Vec<f64>,
    /// NEW's TTFT values.
    pub new_ttft: Vec<f64>,
}

impl MatchedGroup {
    /// The change of `metric`.
    pub fn change(&self, metric: CompareMetric) -> Option<&MetricChange> {
        self.changes.iter().find(|c| c.metric == metric)
    }
}

/// A group found on one side only.
#[derive(Debug, Clone, PartialEq)]
pub struct OneSidedGroup {
    /// Its key.
    pub id: GroupId,
    /// The side it is on.
    pub side: SideName,
    /// Its attempts.
    pub attempts: u64,
    /// Its successful calls (warm-ups left out).
    pub calls: u64,
}

/// A gate applied to one matched group.
#[derive(Debug, Clone, PartialEq)]
pub struct GateResult {
    /// The gate's expression.
    pub expression: String,
    /// The group.
    pub id: GroupId,
    /// The change gated.
    pub change: MetricChange,
    /// The outcome.
    pub outcome: GateOutcome,
    /// `>` or `<`.
    pub op: &'static str,
    /// The threshold in words.
    pub threshold: String,
    /// The value compared, in words (empty when not evaluated).
    pub compared: String,
}

/// Everything `compare` found.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareReport {
    /// Groups on both sides, in BASE's group order.
    pub matched: Vec<MatchedGroup>,
    /// Groups on one side only (BASE's first).
    pub one_sided: Vec<OneSidedGroup>,
    /// Every gate on every matched group, gate by gate.
    pub gates: Vec<GateResult>,
}

impl CompareReport {
    /// The gate results that failed.
    pub fn failures(&self) -> impl Iterator<Item = &GateResult> {
        self.gates.iter().filter(|g| g.outcome.failed)
    }

    /// Whether any gate failed.
    pub fn failed(&self) -> bool {
        self.failures().next().is_some()
    }
}

/// The samples of every group of an analysis, with its key and stats.
fn samples(analysis: &Analysis) -> Vec<(GroupId, &GroupStats, SideSample)> {
    let dataset = &analysis.dataset;
    let groups = dataset.groups();
    groups
        .iter()
        .zip(&analysis.groups)
        .map(|(group, stats)| {
            let values = |metric| metric_values(dataset, group, metric);
            let sample = SideSample {
                ttft: values(Metric::Ttft),
                total: values(Metric::TotalLatency),
                ttft_text: values(Metric::TimeToFirstText),
                otps: values(Metric::GenerationOtps),
                attempts: stats.counts.attempts,
                errors: stats.counts.errors,
                throttles: stats.counts.throttles,
                cost_per_1k: stats
                    .cost
                    .per_1k_calls()
                    .map(|c| c.picodollars() as f64 / 1e12),
                priced: stats.cost.priced,
            };
            (GroupId::of(stats), stats, sample)
        })
        .collect()
}

fn calls(stats: &GroupStats) -> u64 {
    stats.counts.successes - stats.counts.warmups
}

/// Compare `new` with `base`, group by group, and apply `gates`.
pub fn compare_sides(
    base: &Analysis,
    new: &Analysis,
    gates: &[Gate],
    resampling: &Resampling,
) -> CompareReport {
    let base_samples = samples(base);
    let new_samples = samples(new);
    let mut matched = Vec::new();
    let mut one_sided = Vec::new();
    for (id, stats, base_sample) in &base_samples {
        let Some((_, new_stats, new_sample)) = new_samples.iter().find(|(n, _, _)| n == id) else {
            one_sided.push(OneSidedGroup {
                id: id.clone(),
                side: SideName::Base,
                attempts: stats.counts.attempts,
                calls: calls(stats),
            });
            continue;
        };
        let changes = CompareMetric::ALL
            .iter()
            .map(|&metric| {
                let stream = stream_id(&[&id.model, &id.region, &id.variant, metric.name()]);
                metric_change(metric, base_sample, new_sample, resampling, stream)
            })
            .collect();
        matched.push(MatchedGroup {
            id: id.clone(),
            base_calls: calls(stats),
            new_calls: calls(new_stats),
            changes,
            base_ttft: base_sample.ttft.clone(),
            new_ttft: new_sample.ttft.clone(),
        });
    }
    for (id, stats, _) in &new_samples {
        if !base_samples.iter().any(|(b, _, _)| b == id) {
            one_sided.push(OneSidedGroup {
                id: id.clone(),
                side: SideName::New,
                attempts: stats.counts.attempts,
                calls: calls(stats),
            });
        }
    }
    let mut results = Vec::new();
    for gate in gates {
        for group in &matched {
            let Some(change) = group.change(gate.metric) else {
                continue;
            };
            let outcome = gate.check(change);
            results.push(GateResult {
                expression: gate.expression.clone(),
                id: group.id.clone(),
                change: change.clone(),
                op: gate.op.symbol(),
                threshold: gate.threshold_text(),
                compared: outcome
                    .compared
                    .map(|v| gate.value_text(v))
                    .unwrap_or_default(),
                outcome,
            });
        }
    }
    CompareReport {
        matched,
        one_sided,
        gates: results,
    }
}
