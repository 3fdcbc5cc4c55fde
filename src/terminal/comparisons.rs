//! The comparisons on the terminal: one table per variant axis, each row
//! a pair of groups of one model and region, each compared metric as the
//! two medians (`baseline -> variant`) and the ratio with its interval.

use std::fmt::Write as _;

use super::table;
use crate::analysis::{Axis, COMPARED_METRICS, Comparison, Metric, RatioEstimate};
use crate::export::cost_text::{change, usd_or_empty};

/// The short name of a compared metric in column headers.
pub(crate) fn short_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Ttft => "TTFT",
        Metric::TimeToFirstText => "first_text",
        Metric::GenerationOtps => "gen_OTPS",
        Metric::TotalLatency => "total",
        other => other.name(),
    }
}

fn three(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_default()
}

/// `0.702 -> 0.485` (an empty side stays empty).
fn medians(e: &RatioEstimate) -> String {
    if e.baseline.is_none() && e.variant.is_none() {
        return String::new();
    }
    format!("{} -> {}", three(e.baseline), three(e.variant))
}

/// `0.690 [0.620, 0.774]`, or the ratio alone without an interval.
fn ratio(e: &RatioEstimate) -> String {
    match (e.ratio, e.ci_low, e.ci_high) {
        (Some(r), Some(low), Some(high)) => format!("{r:.3} [{low:.3}, {high:.3}]"),
        (Some(r), _, _) => format!("{r:.3}"),
        _ => String::new(),
    }
}

/// `$0.96 -> $1.68` (empty when neither side was priced).
fn cost_per_1k(c: &Comparison) -> String {
    let (base, var) = (
        c.cost_baseline.per_1k_calls(),
        c.cost_variant.per_1k_calls(),
    );
    if base.is_none() && var.is_none() {
        return String::new();
    }
    format!("{} -> {}", usd_or_empty(base), usd_or_empty(var))
}

/// The latency/cost trade of the pair: `TTFT -18%, total -9%, cost +75%`
/// (each change variant vs baseline, from the ratios of medians and of
/// the mean costs; an unknown part left out).
pub(crate) fn trade(c: &Comparison) -> String {
    let mut parts = Vec::new();
    for metric in [Metric::Ttft, Metric::TotalLatency] {
        let text = change(c.ratio(metric).and_then(|e| e.ratio));
        if !text.is_empty() {
            parts.push(format!("{} {text}", short_name(metric)));
        }
    }
    let cost = change(c.cost_ratio());
    if !cost.is_empty() {
        parts.push(format!("cost {cost}"));
    }
    parts.join(", ")
}

/// The comparisons section: a heading and one table per axis that has
/// any, or a line saying there is nothing to compare. Metrics that no row
/// of a table has (time to first text in files without it) are left out
/// of that table.
pub fn section(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Comparisons (groups one variant axis apart; medians baseline -> variant, ratio variant/baseline with bootstrap 95% CI; cost per 1,000 calls baseline -> variant; trade: the variant's changes):"
    );
    if comparisons.is_empty() {
        let _ = writeln!(
            out,
            "  no model and region has two groups one axis apart (standard vs optimized, default vs another tier, cache write vs read, no reasoning vs a budget, no tools vs tools)."
        );
        return out;
    }
    for axis in Axis::ALL {
        let rows: Vec<&Comparison> = comparisons.iter().filter(|c| c.axis == axis).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} ({}):", axis.title(), axis.name());
        let metrics: Vec<(usize, Metric)> = COMPARED_METRICS
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| {
                rows.iter()
                    .any(|c| c.ratios[i].baseline.is_some() || c.ratios[i].variant.is_some())
            })
            .collect();
        let mut header: Vec<String> = [
            "model",
            "region",
            "baseline",
            "variant",
            "n_baseline",
            "n_variant",
        ]
        .map(String::from)
        .to_vec();
        for &(_, metric) in &metrics {
            header.push(format!("{}_p50", short_name(metric)));
            header.push(format!("{}_ratio_95%_CI", short_name(metric)));
        }
        header.push("mismatches".to_string());
        header.push("cost/1k_calls".to_string());
        header.push("trade".to_string());
        let body: Vec<Vec<String>> = rows
            .iter()
            .map(|c| {
                let mut row = vec![
                    c.model.clone(),
                    c.region.clone(),
                    c.baseline.clone(),
                    c.variant.clone(),
                    c.n_baseline.to_string(),
                    c.n_variant.to_string(),
                ];
                for &(i, _) in &metrics {
                    row.push(medians(&c.ratios[i]));
                    row.push(ratio(&c.ratios[i]));
                }
                row.push(c.mismatches.map(|n| n.to_string()).unwrap_or_default());
                row.push(cost_per_1k(c));
                row.push(trade(c));
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&table::render(&header, &body));
    }
    out
}
