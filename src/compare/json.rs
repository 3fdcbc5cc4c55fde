//! `compare --json FILE`: everything `compare` found, for machines:
//! every matched group with every metric (both values, the calls behind
//! them, the change, its interval, the thin percentile, the verdict),
//! the groups on one side only, and every gate's result. Changes are
//! fractions for relative changes (`0.3`: +30%) and percentage points
//! for percentages, as [`MetricChange`] holds them.

use serde_json::{Value, json};

use super::CompareReport;
use super::change::MetricChange;

fn change_json(c: &MetricChange) -> Value {
    json!({
        "metric": c.metric.name(),
        "unit": c.metric.unit(),
        "change_unit": if c.metric.is_percentage() { "percentage_points" } else { "relative" },
        "base": c.base,
        "new": c.new,
        "base_n": c.base_n,
        "new_n": c.new_n,
        "change": c.change,
        "ci_low": c.interval.map(|i| i.low),
        "ci_high": c.interval.map(|i| i.high),
        "thin_percentile": c.thin,
        "verdict": c.verdict.word(),
    })
}

/// The report as a JSON document; `sides` says what each side was
/// (its paths), `warnings` what the reader should know.
pub fn report_json(
    report: &CompareReport,
    base_paths: &[String],
    new_paths: &[String],
    warnings: &[String],
) -> Value {
    let matched: Vec<Value> = report
        .matched
        .iter()
        .map(|g| {
            json!({
                "model": g.id.model,
                "region": g.id.region,
                "variant": g.id.variant,
                "base_calls": g.base_calls,
                "new_calls": g.new_calls,
                "metrics": g.changes.iter().map(change_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let one_sided: Vec<Value> = report
        .one_sided
        .iter()
        .map(|g| {
            json!({
                "side": g.side.word(),
                "model": g.id.model,
                "region": g.id.region,
                "variant": g.id.variant,
                "attempts": g.attempts,
                "calls": g.calls,
            })
        })
        .collect();
    let gates: Vec<Value> = report
        .gates
        .iter()
        .map(|r| {
            json!({
                "expression": r.expression,
                "model": r.id.model,
                "region": r.id.region,
                "variant": r.id.variant,
                "metric": r.change.metric.name(),
                "failed": r.outcome.failed,
                "basis": r.outcome.basis.words(),
                "compared": r.outcome.compared,
                "threshold": r.threshold,
            })
        })
        .collect();
    json!({
        "base": base_paths,
        "new": new_paths,
        "warnings": warnings,
        "matched": matched,
        "one_sided": one_sided,
        "gates": gates,
        "failed": report.failed(),
    })
}
