//! `sweep.csv`: one row per sweep step, written again after every step so
//! that a sweep cut short keeps every step it finished.
//!
//! Columns: the step, the offered rate (or concurrency) and the achieved
//! rate, what happened to
//! the calls, goodput, whether the step met the SLO (and which objectives
//! it failed), the 99th percentile of the dispatch lag, which tail
//! percentiles had too few calls to be given (`thin_percentiles`, see
//! [`crate::analysis::percentile_rule`]: their cells are empty),
//! p50/p90/p95/p99 of each latency ([`crate::sweep::result::LatencyMetric`]) over
//! the successes, the cost and the step's directory. Times in seconds, 6
//! decimals; empty when undefined.

use std::io::Write;
use std::path::Path;

use crate::analysis::percentile_rule::{is_shown, thin_list};
use crate::sweep::result::{LatencyMetric, LevelKind, PERCENTILES, StepStats, SweepStep};

/// The columns before the latencies.
pub const STEP_COLUMNS: [&str; 16] = [
    "step",
    "offered_rate_per_s",
    "concurrency",
    "achieved_rate_per_s",
    "duration_s",
    "calls",
    "successes",
    "throttles",
    "errors",
    "throttle_pct",
    "error_pct",
    "goodput_per_s",
    "slo_met",
    "slo_failures",
    "dispatch_lag_p99_s",
    "thin_percentiles",
];

/// The columns after the latencies.
pub const TAIL_COLUMNS: [&str; 3] = ["interrupted", "cost_usd", "dir"];

/// Every column, in order.
pub fn columns() -> Vec<String> {
    let mut out: Vec<String> = STEP_COLUMNS.iter().map(|c| c.to_string()).collect();
    for metric in LatencyMetric::ALL {
        for p in PERCENTILES {
            out.push(format!("{}_p{p}_s", metric.as_str()));
        }
    }
    out.extend(TAIL_COLUMNS.iter().map(|c| c.to_string()));
    out
}

fn number(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map_or_else(String::new, |v| format!("{v:.6}"))
}

/// The tail percentiles of `stats` left empty for too few values: `p90
/// n<10; p95 n<20; p99 n<100` (over every latency and the dispatch lag).
pub fn thin_percentiles(stats: &StepStats) -> String {
    let mut counts: Vec<usize> = stats
        .latencies
        .iter()
        .filter_map(|(_, p)| p.map(|p| p.count))
        .collect();
    if stats.dispatch_lag_p99.is_some() {
        counts.push(stats.dispatch_lags);
    }
    let tails: Vec<f64> = PERCENTILES
        .iter()
        .map(|&p| f64::from(p))
        .filter(|&p| p > 50.0)
        .collect();
    thin_list(&tails, &counts)
}

/// Write `steps` (levels of `kind`) as CSV to `out`.
pub fn write<W: Write>(out: W, kind: LevelKind, steps: &[SweepStep]) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(columns())?;
    for step in steps {
        let s = &step.stats;
        let mut row = vec![
            step.index.to_string(),
            number((kind == LevelKind::Rate).then_some(s.level)),
            match kind {
                LevelKind::Rate => String::new(),
                LevelKind::Concurrency => format!("{:.0}", s.level),
            },
            number(Some(s.achieved_rate())),
            number(Some(s.duration_s)),
            s.calls.to_string(),
            s.successes.to_string(),
            s.throttles.to_string(),
            s.errors.to_string(),
            number(Some(s.throttle_pct())),
            number(Some(s.error_pct())),
            number(Some(s.goodput())),
            step.passed().to_string(),
            step.failures.join("; "),
            number(
                s.dispatch_lag_p99
                    .filter(|_| is_shown(99.0, s.dispatch_lags)),
            ),
            thin_percentiles(s),
        ];
        for metric in LatencyMetric::ALL {
            let percentiles = s.latency(metric);
            for p in PERCENTILES {
                row.push(number(
                    percentiles
                        .filter(|q| is_shown(f64::from(p), q.count))
                        .and_then(|q| q.get(p)),
                ));
            }
        }
        row.push(step.interrupted.to_string());
        row.push(step.cost.to_string());
        row.push(step.dir.display().to_string());
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

/// Write `steps` to `path` whole: a temporary file renamed over it, so
/// the file is never seen half written.
pub fn write_file(path: &Path, kind: LevelKind, steps: &[SweepStep]) -> std::io::Result<()> {
    let partial = path.with_extension("csv.partial");
    {
        let file = std::fs::File::create(&partial)?;
        let mut buffered = std::io::BufWriter::new(file);
        write(&mut buffered, kind, steps).map_err(std::io::Error::other)?;
        buffered.flush()?;
        buffered.get_ref().sync_all()?;
    }
    std::fs::rename(&partial, path)
}
