//! The time windows of `analyze --window` (see
//! [`crate::analysis::windows`] and [`crate::analysis::drift`]), two
//! tables:
//!
//! - [`windows`]: every group, window by window, as CSV
//!   (`analysis_windows_<ts>.csv`): the window's number, start and span
//!   (seconds of the run), the attempts, successes, errors and throttles
//!   (counts, and successes, errors and throttles as percent of the
//!   attempts), TTFT
//!   p50/p90/p99, total latency p50/p90 and generation OTPS p50 of the
//!   successful calls, calls per second and output tokens per second over
//!   the window, and `thin_percentiles` (the tail percentiles too few
//!   calls left empty, as in the extended summary).
//! - [`drift`]: a row per group, on the terminal, the page and as CSV
//!   (`analysis_drift_<ts>.csv`): the windows, TTFT p50 in the first and
//!   the last window with calls, the windows and calls compared, the
//!   change of TTFT p50 and of total latency p50 from the first quarter
//!   of the windows to the last as a ratio last / first with its 95%
//!   interval (people read `+31% [+22%, +40%]`), the verdict and why there
//!   is none.

use crate::analysis::drift::{Drift, Shift};
use crate::analysis::percentile_rule::thin_list;
use crate::analysis::windows::{WindowStats, Windows};
use crate::stats::Summary;
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// The CSV's headers of [`windows`], in order.
pub const WINDOW_COLUMNS: [&str; 22] = [
    "model",
    "region",
    "performance_config",
    "window",
    "start_s",
    "span_s",
    "calls",
    "successes",
    "errors",
    "throttles",
    "success_pct",
    "error_pct",
    "throttle_pct",
    "ttft_p50",
    "ttft_p90",
    "ttft_p99",
    "total_latency_p50",
    "total_latency_p90",
    "generation_otps_p50",
    "calls_per_s",
    "output_tokens_per_s",
    "thin_percentiles",
];

/// The CSV's headers of [`drift`], in order.
pub const DRIFT_COLUMNS: [&str; 18] = [
    "model",
    "region",
    "performance_config",
    "windows",
    "first_window_ttft_p50",
    "last_window_ttft_p50",
    "first_windows",
    "last_windows",
    "first_calls",
    "last_calls",
    "ttft_p50_ratio",
    "ttft_p50_ratio_ci_low",
    "ttft_p50_ratio_ci_high",
    "total_latency_p50_ratio",
    "total_latency_p50_ratio_ci_low",
    "total_latency_p50_ratio_ci_high",
    "drift",
    "note",
];

fn window_columns() -> Vec<Column> {
    let [
        model,
        region,
        config,
        window,
        start,
        span,
        calls,
        successes,
        errors,
        throttles,
        success_pct,
        error_pct,
        throttle_pct,
        ttft50,
        ttft90,
        ttft99,
        total50,
        total90,
        otps50,
        calls_per_s,
        tokens_per_s,
        thin,
    ] = WINDOW_COLUMNS;
    let s = |name| Column::numbers(name, Format::SECONDS, "s");
    vec![
        Column::new(model, Kind::Id),
        Column::new(region, Kind::Key),
        Column::new(config, Kind::Key),
        Column::counts(window),
        Column::numbers(start, Format::fixed(3), "s"),
        Column::numbers(span, Format::fixed(3), "s"),
        Column::counts(calls),
        Column::counts(successes),
        Column::counts(errors),
        Column::counts(throttles),
        Column::numbers(success_pct, Format::PERCENT, "%"),
        Column::numbers(error_pct, Format::PERCENT, "%"),
        Column::numbers(throttle_pct, Format::PERCENT, "%"),
        s(ttft50),
        s(ttft90),
        s(ttft99),
        s(total50),
        s(total90),
        Column::numbers(otps50, Format::TOKENS_PER_SECOND, "tokens/s"),
        Column::numbers(calls_per_s, Format::PER_SECOND, "calls/s"),
        Column::numbers(tokens_per_s, Format::TOKENS_PER_SECOND, "tokens/s"),
        Column::new(thin, Kind::Text).omitted_when_empty(),
    ]
}

/// A percentile of a summary: the number, [`Cell::Thin`] for a tail of
/// too few calls, empty without calls.
fn percentile(summary: Option<Summary>, p: f64) -> Cell {
    summary.map_or(Cell::Empty, |s| {
        let value = match p {
            50.0 => s.p50,
            90.0 => s.p90,
            _ => s.p99,
        };
        Cell::tail(p, s.count, value)
    })
}

fn window_row(model: &str, region: &str, config: &str, w: &WindowStats) -> Row {
    let c = &w.counts;
    let n = w.successes_in_statistics();
    let thin = if n == 0 {
        String::new()
    } else {
        thin_list(&[90.0, 99.0], &[n])
    };
    Row::new(vec![
        Cell::text(model),
        Cell::text(region),
        Cell::text(config),
        Cell::Count(w.index as u64),
        Cell::Number(w.start_s),
        Cell::Number(w.span_s),
        Cell::Count(c.attempts),
        Cell::Count(c.successes),
        Cell::Count(c.errors),
        Cell::Count(c.throttles),
        Cell::number(w.success_pct()),
        Cell::number(w.error_pct()),
        Cell::number(w.throttle_pct()),
        percentile(w.ttft, 50.0),
        percentile(w.ttft, 90.0),
        percentile(w.ttft, 99.0),
        percentile(w.total, 50.0),
        percentile(w.total, 90.0),
        percentile(w.generation_otps, 50.0),
        Cell::number(w.calls_per_s()),
        Cell::number(w.output_tokens_per_s()),
        Cell::text(thin),
    ])
}

/// Every group's windows, a row per group and window, groups in their
/// order and windows in time order (empty windows included).
pub fn windows(windows: &Windows) -> Table {
    let mut table = Table::new("windows-table", window_columns());
    for g in &windows.groups {
        for w in &g.windows {
            table.push(window_row(&g.model, &g.region, &g.performance_config, w));
        }
    }
    table
}

fn drift_columns() -> Vec<Column> {
    let csv = |range: std::ops::Range<usize>| {
        DRIFT_COLUMNS[range]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    vec![
        Column::new(DRIFT_COLUMNS[0], Kind::Id),
        Column::new(DRIFT_COLUMNS[1], Kind::Key),
        Column::new(DRIFT_COLUMNS[2], Kind::Key),
        Column::counts(DRIFT_COLUMNS[3]),
        Column::numbers("TTFT_p50 first -> last window", Format::SECONDS, "s")
            .csv_fields(csv(4..6)),
        Column::new("compared (windows; calls)", Kind::Text).people_only(),
        Column::counts(DRIFT_COLUMNS[6]).csv_only(),
        Column::counts(DRIFT_COLUMNS[7]).csv_only(),
        Column::counts(DRIFT_COLUMNS[8]).csv_only(),
        Column::counts(DRIFT_COLUMNS[9]).csv_only(),
        Column::numbers("TTFT_p50 change [95% CI]", Format::CHANGE, "").csv_fields(csv(10..13)),
        Column::numbers("total_p50 change [95% CI]", Format::CHANGE, "").csv_fields(csv(13..16)),
        Column::new(DRIFT_COLUMNS[16], Kind::Text),
        Column::new(DRIFT_COLUMNS[17], Kind::Text).omitted_when_empty(),
    ]
}

/// `3-5` (windows 3 to 5), `4` (one window).
fn span(range: &std::ops::Range<usize>) -> String {
    match range.len() {
        0 => String::new(),
        1 => range.start.to_string(),
        _ => format!("{}-{}", range.start, range.end - 1),
    }
}

/// A change as a ratio last / first with its interval.
fn ratio(shift: Option<Shift>) -> Cell {
    match shift {
        Some(s) => Cell::Estimate {
            value: Some(1.0 + s.change),
            low: s.interval.map(|(low, _)| 1.0 + low),
            high: s.interval.map(|(_, high)| 1.0 + high),
        },
        None => Cell::Estimate {
            value: None,
            low: None,
            high: None,
        },
    }
}

/// The drift of every group, a row each: the terminal's short table and
/// `analysis_drift_<ts>.csv`.
pub fn drift(windows: &Windows) -> Table {
    let mut table = Table::new("drift-table", drift_columns());
    for g in &windows.groups {
        let (first, last) = g.first_and_last().map_or((None, None), |(a, b)| {
            (a.ttft.map(|s| s.p50), b.ttft.map(|s| s.p50))
        });
        let mut cells = vec![
            Cell::text(&g.model),
            Cell::text(&g.region),
            Cell::text(&g.performance_config),
            Cell::Count(g.windows.len() as u64),
            Cell::pair(Cell::number(first), Cell::number(last)),
        ];
        match &g.drift {
            Drift::Measured(m) => cells.extend([
                Cell::text(format!(
                    "{} vs {}; {} vs {}",
                    span(&m.first_windows),
                    span(&m.last_windows),
                    m.first_calls,
                    m.last_calls
                )),
                Cell::text(span(&m.first_windows)),
                Cell::text(span(&m.last_windows)),
                Cell::Count(m.first_calls as u64),
                Cell::Count(m.last_calls as u64),
                ratio(m.ttft),
                ratio(m.total),
            ]),
            _ => cells.extend([
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                ratio(None),
                ratio(None),
            ]),
        }
        cells.push(Cell::text(g.drift.verdict()));
        let note = g.drift.note();
        cells.push(if note.is_empty() {
            Cell::Empty
        } else {
            Cell::text(note)
        });
        table.push(Row::new(cells).highlighted(g.drift.drifts()));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Counts;
    use crate::analysis::drift::{Measured, TooFew, Trend};
    use crate::analysis::windows::GroupWindows;

    fn window(index: usize, ttft: &[f64]) -> WindowStats {
        WindowStats {
            index,
            start_s: index as f64 * 10.0,
            span_s: 10.0,
            counts: Counts {
                attempts: ttft.len() as u64 + 1,
                successes: ttft.len() as u64,
                errors: 1,
                throttles: 1,
                ..Counts::default()
            },
            ttft: Summary::of(ttft),
            total: Summary::of(&ttft.iter().map(|v| v * 2.0).collect::<Vec<_>>()),
            generation_otps: None,
            output_tokens: 100.0 * ttft.len() as f64,
        }
    }

    fn group(drift: Drift) -> GroupWindows {
        GroupWindows {
            model: "m".into(),
            region: "us-east-1".into(),
            performance_config: "standard".into(),
            windows: vec![
                window(0, &[1.0, 2.0, 3.0]),
                window(1, &[]),
                window(2, &[4.0]),
            ],
            members: vec![Vec::new(); 3],
            drift,
        }
    }

    fn of(groups: Vec<GroupWindows>) -> Windows {
        Windows {
            width_s: 10.0,
            origin: 0.0,
            run_s: 30.0,
            count: 3,
            groups,
            unplaced: 0,
        }
    }

    #[test]
    fn every_window_is_a_row_and_thin_tails_are_left_empty() {
        let table = windows(&of(vec![group(Drift::TooFew(TooFew::Windows {
            windows: 3,
        }))]));
        assert_eq!(table.csv_header(), WINDOW_COLUMNS);
        assert_eq!(table.rows.len(), 3);
        let first = table.csv_record(&table.rows[0]);
        assert_eq!(
            first,
            [
                "m",
                "us-east-1",
                "standard",
                "0",
                "0.000",
                "10.000",
                "4",
                "3",
                "1",
                "1",
                "75.000000",
                "25.000000",
                "25.000000",
                "2.000000",
                "",
                "",
                "4.000000",
                "",
                "",
                "0.400000",
                "30.000000",
                "p90 n<10; p99 n<100"
            ]
        );
        let empty = table.csv_record(&table.rows[1]);
        assert_eq!(&empty[13..19], ["", "", "", "", "", ""]);
        assert_eq!(empty[21], "");
    }

    #[test]
    fn the_drift_row_has_the_ratio_its_interval_and_the_verdict() {
        let shift = Shift {
            first: 1.0,
            last: 1.5,
            change: 0.5,
            interval: Some((0.3, 0.7)),
            trend: Trend::Slower,
        };
        let measured = Drift::Measured(Measured {
            first_windows: 0..2,
            last_windows: 6..8,
            first_calls: 20,
            last_calls: 18,
            ttft: Some(shift),
            total: None,
        });
        let table = drift(&of(vec![
            group(measured),
            group(Drift::TooFew(TooFew::Windows { windows: 3 })),
        ]));
        assert_eq!(table.csv_header(), DRIFT_COLUMNS);
        let row = table.csv_record(&table.rows[0]);
        assert_eq!(
            row[3..],
            [
                "3",
                "2.000000",
                "4.000000",
                "0-1",
                "6-7",
                "20",
                "18",
                "1.500000",
                "1.300000",
                "1.700000",
                "",
                "",
                "",
                "drift: slower",
                ""
            ]
        );
        assert!(table.rows[0].highlight && !table.rows[1].highlight);
        let people: Vec<String> = table
            .people_columns(&[&table.rows[0]])
            .into_iter()
            .map(|i| table.human(&table.rows[0], i))
            .collect();
        assert!(
            people.contains(&"+50% [+30%, +70%]".to_string()),
            "{people:?}"
        );
        assert!(
            people.contains(&"0-1 vs 6-7; 20 vs 18".to_string()),
            "{people:?}"
        );
        let few = table.csv_record(&table.rows[1]);
        assert_eq!(few[16], "too few windows");
        assert!(few[17].starts_with("too few windows: 3"), "{few:?}");
    }
}
