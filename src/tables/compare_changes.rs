//! `compare`'s main table: per group found on both sides and per
//! metric, BASE's value, NEW's, the change, its 95% interval and the
//! verdict. A side with too few calls for a tail percentile shows its
//! thin mark (`n<100`) instead of the value; its change has no interval.

use crate::analysis::percentile_rule::{is_shown, thin_mark};
use crate::compare::MatchedGroup;
use crate::compare::change::MetricChange;
use crate::compare::metric::CompareMetric;
use crate::table::format::{fixed, usd};
use crate::table::{Cell, Column, Kind, Row, Table};
use bedrock_catalog::prices::Cost;

fn columns() -> Vec<Column> {
    vec![
        Column::new("model", Kind::Id),
        Column::new("region", Kind::Key),
        Column::new("variant", Kind::Key),
        Column::new("metric", Kind::Key),
        Column::new("base", Kind::Number),
        Column::new("new", Kind::Number),
        Column::new("change", Kind::Number),
        Column::new("ci_95", Kind::Key),
        Column::new("verdict", Kind::Text),
    ]
}

/// A metric's value as people read it: seconds and tokens/s with 3
/// decimals, percentages with 2, dollars as [`usd`].
pub fn value_text(metric: CompareMetric, value: f64) -> String {
    match metric {
        CompareMetric::ErrorPct | CompareMetric::ThrottlePct => format!("{}%", fixed(value, 2)),
        CompareMetric::CostPer1k => usd(Cost::from_picodollars(
            (value * 1e12).round().max(0.0) as u64
        )),
        _ => fixed(value, 3),
    }
}

/// A change as people read it: `+30.0%` (relative) or `+1.20 pp`
/// (percentage points).
pub fn change_text(metric: CompareMetric, change: f64) -> String {
    if metric.is_percentage() {
        format!("{change:+.2} pp")
    } else {
        format!("{:+.1}%", change * 100.0)
    }
}

/// The interval of a change as people read it, `[+12.0%, +45.1%]`;
/// empty without one.
pub fn interval_text(change: &MetricChange) -> String {
    match change.interval {
        Some(i) => format!(
            "[{}, {}]",
            change_text(change.metric, i.low),
            change_text(change.metric, i.high)
        ),
        None => String::new(),
    }
}

/// One side's value: the number, its thin mark, or nothing.
pub fn side_text(change: &MetricChange, value: Option<f64>, n: u64) -> String {
    match (value, change.thin) {
        (Some(_), Some(p)) if !is_shown(p, n as usize) => thin_mark(p),
        (Some(v), _) => value_text(change.metric, v),
        (None, _) => String::new(),
    }
}

/// The verdict as people read it: the word, and why there is no interval
/// where there is none (`too few calls (n<100)`, `worse (no interval)`).
pub fn verdict_text(change: &MetricChange) -> String {
    let word = change.verdict.word();
    match (change.thin, change.metric) {
        (Some(p), _) => format!("{word} ({})", thin_mark(p)),
        (None, CompareMetric::CostPer1k) if change.change.is_some() => {
            format!("{word} (no interval)")
        }
        _ => word.to_string(),
    }
}

/// The changes of every matched group, a row per metric.
pub fn changes(groups: &[MatchedGroup]) -> Table {
    let mut table = Table::new("compare-changes", columns());
    for group in groups {
        for c in &group.changes {
            table.push(Row::new(vec![
                Cell::text(&group.id.model),
                Cell::text(&group.id.region),
                Cell::text(&group.id.variant),
                Cell::text(c.metric.name()),
                Cell::text(side_text(c, c.base, c.base_n)),
                Cell::text(side_text(c, c.new, c.new_n)),
                Cell::text(
                    c.change
                        .map(|v| change_text(c.metric, v))
                        .unwrap_or_default(),
                ),
                Cell::text(interval_text(c)),
                Cell::text(verdict_text(c)),
            ]));
        }
    }
    table
}
