//! The comparisons: per model and region, every pair of groups one
//! variant axis apart (see [`crate::analysis::compare`]).
//!
//! As CSV it is `analysis_comparison_<ts>.csv`: the axis, both group
//! labels and their successful calls, then for each compared metric (TTFT,
//! time to first text, generation OTPS, total latency) both medians,
//! their ratio variant / baseline and its bootstrap 95% interval (6
//! decimals; empty when undefined), then the calls not served what they
//! asked on that axis (empty where not reported), then each side's cost
//! per 1,000 calls (exact dollars, empty when unknown) and their ratio
//! variant / baseline.
//!
//! People read both medians in one cell (`0.702 -> 0.485`), the ratio with
//! its interval in another (`0.690 [0.620, 0.774]`), the costs per 1,000
//! calls (`$0.96 -> $1.68`) and the trade in words (`TTFT -18%, total
//! -9%, cost +75%`); a metric that no row has is left out. The terminal
//! shows one table per axis.

use crate::analysis::{Axis, COMPARED_METRICS, Comparison, CostStats, Metric, RatioEstimate};
use crate::table::format::change;
use crate::table::{Cell, Column, Format, Kind, Row, Sections, Table};

/// The CSV's columns before the metrics.
pub const KEY_COLUMNS: [&str; 7] = [
    "model",
    "region",
    "axis",
    "baseline",
    "variant",
    "n_baseline",
    "n_variant",
];

/// The CSV's columns of each compared metric, as suffixes of
/// `<metric>_p50_`.
pub const RATIO_COLUMNS: [&str; 5] = [
    "baseline",
    "variant",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
];

/// The CSV's cost columns, after `mismatches`.
pub const COST_COLUMNS: [&str; 3] = [
    "cost_per_1k_calls_usd_baseline",
    "cost_per_1k_calls_usd_variant",
    "cost_ratio",
];

/// The short name of a compared metric in people's column headers.
pub fn short_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Ttft => "TTFT",
        Metric::TimeToFirstText => "first_text",
        Metric::GenerationOtps => "gen_OTPS",
        Metric::TotalLatency => "total",
        other => other.name(),
    }
}

/// The latency/cost trade of the pair: `TTFT -18%, total -9%, cost +75%`
/// (each change variant vs baseline, from the ratios of medians and of
/// the mean costs; an unknown part left out).
pub fn trade(c: &Comparison) -> String {
    let mut parts = Vec::new();
    for metric in [Metric::Ttft, Metric::TotalLatency] {
        if let Some(ratio) = c.ratio(metric).and_then(|e| e.ratio)
            && ratio.is_finite()
        {
            parts.push(format!("{} {}", short_name(metric), change(ratio)));
        }
    }
    if let Some(ratio) = c.cost_ratio().filter(|r| r.is_finite()) {
        parts.push(format!("cost {}", change(ratio)));
    }
    parts.join(", ")
}

fn columns() -> Vec<Column> {
    let [
        model,
        region,
        axis,
        baseline,
        variant,
        n_baseline,
        n_variant,
    ] = KEY_COLUMNS;
    let mut columns = vec![
        Column::new(model, Kind::Id),
        Column::new(region, Kind::Key),
        Column::new(axis, Kind::Key),
        Column::new(baseline, Kind::Key),
        Column::new(variant, Kind::Key),
        Column::counts(n_baseline),
        Column::counts(n_variant),
    ];
    for metric in COMPARED_METRICS {
        let (format, unit) = super::metric_format(metric);
        let field = |suffix: &str| format!("{}_p50_{suffix}", metric.name());
        let short = short_name(metric);
        columns.push(
            Column::numbers(&format!("{short}_p50"), format, unit)
                .csv_fields(RATIO_COLUMNS[..2].iter().map(|s| field(s)).collect())
                .omitted_when_empty(),
        );
        columns.push(
            Column::numbers(&format!("{short}_ratio_95%_CI"), Format::RATIO, "")
                .csv_fields(RATIO_COLUMNS[2..].iter().map(|s| field(s)).collect())
                .omitted_when_empty(),
        );
    }
    columns.extend([
        Column::counts("mismatches"),
        Column::dollars("cost/1k_calls")
            .csv_fields(COST_COLUMNS[..2].iter().map(|s| s.to_string()).collect()),
        Column::numbers(COST_COLUMNS[2], Format::CHANGE, "").csv_only(),
        Column::new("trade", Kind::Text).people_only(),
    ]);
    columns
}

fn medians(e: &RatioEstimate) -> [Cell; 2] {
    [
        Cell::pair(Cell::number(e.baseline), Cell::number(e.variant)),
        Cell::Estimate {
            value: e.ratio,
            low: e.ci_low,
            high: e.ci_high,
        },
    ]
}

fn row(c: &Comparison) -> Row {
    let mut cells = vec![
        Cell::text(&c.model),
        Cell::text(&c.region),
        Cell::text(c.axis.name()),
        Cell::text(&c.baseline),
        Cell::text(&c.variant),
        Cell::Count(c.n_baseline),
        Cell::Count(c.n_variant),
    ];
    for estimate in &c.ratios {
        cells.extend(medians(estimate));
    }
    let per_1k = |cost: &CostStats| Cell::money(cost.per_1k_calls());
    cells.extend([
        Cell::count(c.mismatches),
        Cell::pair(per_1k(&c.cost_baseline), per_1k(&c.cost_variant)),
        Cell::number(c.cost_ratio()),
        Cell::text(trade(c)),
    ]);
    Row::new(cells)
}

/// The table of `comparisons`, in their order; on the terminal, one
/// section per axis (in [`Axis::ALL`]'s order).
pub fn comparisons(comparisons: &[Comparison]) -> Table {
    let mut table = Table::new("comparison", columns());
    table.sections = Some(Sections {
        column: 2,
        titles: Axis::ALL
            .iter()
            .map(|axis| {
                (
                    axis.name().to_string(),
                    format!("{} ({})", axis.title(), axis.name()),
                )
            })
            .collect(),
    });
    for c in comparisons {
        table.push(row(c));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_columns_are_the_comparison_files() {
        let header = comparisons(&[]).csv_header();
        assert_eq!(header[..7], KEY_COLUMNS);
        assert_eq!(
            header[7..12],
            [
                "ttft_p50_baseline",
                "ttft_p50_variant",
                "ttft_p50_ratio",
                "ttft_p50_ratio_ci_low",
                "ttft_p50_ratio_ci_high"
            ]
        );
        assert_eq!(header[header.len() - 4], "mismatches");
        assert_eq!(header[header.len() - 3..], COST_COLUMNS);
        assert_eq!(header.len(), 7 + 4 * 5 + 1 + 3);
    }
}
