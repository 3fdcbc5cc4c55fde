//! One frame of the live view as lines of text: the run's progress, the
//! rate, the calls in flight, errors, throttles and cost, then one row
//! per group with its rolling TTFT and total-latency percentiles. Pure:
//! the same state, instant and size give the same lines.

use std::time::Instant;

use crate::analysis::percentile_rule;

use super::rolling::{MIN_VALUES, ROLLING_WINDOW, Rolling};
use super::state::{Counts, LiveState};

/// Lines besides the group rows (progress, bar, counts, header, footer...).
const FIXED_LINES: usize = 7;
/// The widest group-name column.
const MAX_NAME: usize = 72;
/// The columns of a group row besides its name.
const FIGURE_COLUMNS: usize = 77;
/// The widest progress bar.
const MAX_BAR: usize = 60;

/// What the frame is drawn into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
}

/// `0:01:23` (or `1:02:03:04` beyond a day, as days:hours:minutes:seconds).
pub fn clock(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (days, rest) = (total / 86_400, total % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 {
        format!("{days}:{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h}:{m:02}:{s:02}")
    }
}

/// A latency for a narrow column: `8.2 ms`, `412 ms`, `12.35 s`.
pub fn latency(seconds: f64) -> String {
    let ms = seconds * 1e3;
    if !ms.is_finite() {
        "-".to_string()
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{seconds:.2} s")
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn bar(fraction: f64, width: usize) -> String {
    let inner = width.saturating_sub(2).min(MAX_BAR);
    let filled = ((fraction.clamp(0.0, 1.0) * inner as f64).round() as usize).min(inner);
    let head = usize::from(filled < inner && filled > 0);
    format!(
        "[{}{}{}]",
        "=".repeat(filled.saturating_sub(head)),
        ">".repeat(head),
        " ".repeat(inner - filled.saturating_sub(head) - head)
    )
}

/// The progress line and the fraction done.
fn progress(state: &LiveState, now: Instant) -> (String, f64) {
    let elapsed = now.saturating_duration_since(state.started).as_secs_f64();
    let left = match state.seconds_left(now) {
        Some(seconds) => format!("about {} left", clock(seconds)),
        None => "time left not known yet".to_string(),
    };
    if let Some(arrivals) = state.arrivals_s {
        let fraction = if arrivals > 0.0 {
            elapsed / arrivals
        } else {
            1.0
        };
        return (
            format!(
                "{} of {} of arrivals, {left}; {} calls done of about {}",
                clock(elapsed.min(arrivals)),
                clock(arrivals),
                state.counts.done,
                state.planned
            ),
            fraction,
        );
    }
    let (done, planned) = match &state.scenario {
        Some(s) => (s.counts.done, s.planned),
        None => (state.counts.done, state.planned),
    };
    let fraction = if planned > 0 {
        done as f64 / planned as f64
    } else {
        0.0
    };
    let calls = match &state.scenario {
        Some(s) => format!(
            "{}: {done}/{planned} calls; all scenarios: {}/{}",
            s.name, state.counts.done, state.planned
        ),
        None => format!("{done}/{planned} calls ({})", percent(done, planned)),
    };
    (
        format!("{} elapsed, {left}; {calls}", clock(elapsed)),
        fraction,
    )
}

fn errors(counts: &Counts) -> String {
    format!(
        "errors {} ({}), throttled {}",
        counts.errors,
        percent(counts.errors, counts.done),
        counts.throttles
    )
}

fn money(state: &LiveState) -> String {
    let mut text = format!("cost ${:.4}", state.cost.usd());
    if let Some(max) = state.max_cost {
        text.push_str(&format!(" of ${:.2} budget", max.usd()));
    }
    if state.unpriced > 0 {
        text.push_str(&format!(" (+{} calls without a price)", state.unpriced));
    }
    text
}

/// `p`'s cell for `rolling`: the latency, or the thin mark when there are
/// too few values for that percentile (`n<100`), or `-` when none.
fn cell(rolling: &Rolling, p: f64, value: Option<f64>) -> String {
    match value {
        Some(v) => percentile_rule::cell(p, rolling.len(), v, latency),
        None => "-".to_string(),
    }
}

fn group_rows(state: &LiveState, rows: usize, width: usize) -> Vec<String> {
    let name_width = state
        .groups
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(5)
        .min(width.saturating_sub(FIGURE_COLUMNS).min(MAX_NAME))
        .max(5);
    let mut lines = vec![format!(
        "{:<name_width$} {:>6} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "group", "calls", "err", "thr", "TTFT p50", "p90", "p99", "total p50", "p90"
    )];
    let shown = if state.groups.len() > rows {
        rows.saturating_sub(1)
    } else {
        rows
    };
    for group in state.groups.iter().take(shown) {
        let ttft = group.ttft.percentiles([50.0, 90.0, 99.0]);
        let total = group.total.percentiles([50.0, 90.0]);
        let name: String = if group.name.chars().count() > name_width {
            let mut cut: String = group.name.chars().take(name_width - 1).collect();
            cut.push('…');
            cut
        } else {
            group.name.clone()
        };
        lines.push(format!(
            "{name:<name_width$} {:>6} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}",
            group.counts.done,
            group.counts.errors,
            group.counts.throttles,
            cell(&group.ttft, 50.0, ttft.map(|t| t[0])),
            cell(&group.ttft, 90.0, ttft.map(|t| t[1])),
            cell(&group.ttft, 99.0, ttft.map(|t| t[2])),
            cell(&group.total, 50.0, total.map(|t| t[0])),
            cell(&group.total, 90.0, total.map(|t| t[1])),
        ));
    }
    let hidden = state.groups.len() - shown.min(state.groups.len());
    if hidden > 0 {
        lines.push(format!(
            "... and {hidden} more group(s): every call is in the raw CSV"
        ));
    }
    lines
}

/// Cut `line` to `width` columns.
fn fit(line: String, width: usize) -> String {
    if line.chars().count() <= width {
        return line;
    }
    let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The frame for `state` at `now` in `size`; `in_flight` when known.
pub fn frame(state: &LiveState, now: Instant, in_flight: Option<u64>, size: Size) -> Vec<String> {
    let (progress, fraction) = progress(state, now);
    let mut lines = vec![progress, bar(fraction, size.width)];
    let mut counts = Vec::new();
    if let Some(n) = in_flight {
        counts.push(format!("in flight {n}"));
    }
    counts.push(format!("{:.1} calls/s", state.calls_per_s(now)));
    counts.push(errors(&state.counts));
    counts.push(money(state));
    lines.push(counts.join(" · "));
    let rows = size.height.saturating_sub(FIXED_LINES).max(3);
    lines.extend(group_rows(state, rows, size.width));
    lines.push(format!(
        "percentiles of each group's successful calls of the last {} s (at least its last {}); Ctrl-C stops, keeping every row",
        ROLLING_WINDOW.as_secs(),
        MIN_VALUES
    ));
    if let Some(stopping) = &state.stopping {
        lines.push(stopping.clone());
    }
    lines.into_iter().map(|l| fit(l, size.width)).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bedrock_catalog::prices::Cost;

    use super::*;
    use crate::live::state::FinishedCall;

    const SIZE: Size = Size {
        width: 120,
        height: 40,
    };

    fn state_with(groups: usize, calls: u64) -> (LiveState, Instant) {
        let start = Instant::now();
        let mut state = LiveState::new(start);
        state.start(start, 200, None);
        state.max_cost = Some(Cost::from_usd(5.0).expect("amount"));
        for i in 0..calls {
            state.record(FinishedCall {
                group: format!("model-{}/standard", i as usize % groups),
                at: start + Duration::from_millis(i * 10),
                ttft_s: Some(0.2 + (i % 10) as f64 * 0.01),
                total_s: Some(1.5),
                success: i % 50 != 49,
                throttle: i % 100 == 99,
                cost: Some(Cost::from_picodollars(1_000_000_000)),
            });
        }
        (state, start)
    }

    #[test]
    fn the_frame_shows_progress_rate_errors_cost_and_each_group() {
        let (state, start) = state_with(2, 100);
        let lines = frame(&state, start + Duration::from_secs(2), Some(7), SIZE);
        let text = lines.join("\n");
        assert!(text.contains("100/200 calls (50.0%)"), "{text}");
        assert!(text.contains("about 0:00:02 left"), "{text}");
        assert!(text.contains("in flight 7"), "{text}");
        assert!(text.contains("errors 2 (2.0%), throttled 1"), "{text}");
        assert!(text.contains("cost $0.1000 of $5.00 budget"), "{text}");
        let row = lines
            .iter()
            .find(|l| l.starts_with("model-0/standard"))
            .expect("a row for model-0");
        // 50 calls, 1 failed; 49 TTFTs: p50 and p90 shown, p99 thin.
        assert!(row.contains(" 50 "), "{row}");
        assert!(row.contains("n<100"), "{row}");
        assert!(row.contains("1500 ms"), "{row}");
    }

    #[test]
    fn rows_beyond_the_height_are_summed_up() {
        let (state, start) = state_with(30, 300);
        let size = Size {
            width: 100,
            height: 12,
        };
        let lines = frame(&state, start, None, size);
        assert!(lines.len() <= size.height, "{}", lines.len());
        assert!(
            lines.iter().any(|l| l.contains("and 26 more group(s)")),
            "{lines:#?}"
        );
    }

    #[test]
    fn every_line_fits_the_width() {
        let (state, start) = state_with(3, 30);
        let size = Size {
            width: 50,
            height: 30,
        };
        for line in frame(&state, start, Some(1), size) {
            assert!(line.chars().count() <= 50, "{line}");
        }
    }

    #[test]
    fn an_open_loop_shows_time_of_arrivals() {
        let start = Instant::now();
        let mut state = LiveState::new(start);
        state.start(start, 600, Some(60.0));
        let lines = frame(&state, start + Duration::from_secs(15), None, SIZE);
        assert!(
            lines[0].starts_with("0:00:15 of 0:01:00 of arrivals, about 0:00:45 left"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn clocks_bars_and_latencies_read_well() {
        assert_eq!(clock(83.4), "0:01:23");
        assert_eq!(clock(90_061.0), "1:01:01:01");
        assert_eq!(latency(0.0082), "8.2 ms");
        assert_eq!(latency(0.412), "412 ms");
        assert_eq!(latency(12.345), "12.35 s");
        assert_eq!(bar(0.5, 12), "[====>     ]");
        assert_eq!(bar(1.0, 12), "[==========]");
        assert_eq!(bar(0.0, 12), "[          ]");
    }
}
