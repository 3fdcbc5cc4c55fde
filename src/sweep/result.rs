//! What a sweep found, apart from how it searched: its steps and their
//! statistics, the knee, and the words for its levels and latencies. The
//! sweep's CSV, chart and page read these types and nothing of the
//! engine that made them (the levels' search, the runner).

use std::fmt::Write as _;
use std::path::PathBuf;

use bedrock_catalog::prices::Cost;

use crate::record::RunFile;
use crate::stats::percentile;

/// What a sweep's levels are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LevelKind {
    /// Open-loop arrivals at a rate, requests per second.
    #[default]
    Rate,
    /// A fixed number of calls in flight (`arrival` `concurrent`).
    Concurrency,
}

impl LevelKind {
    /// `level` in words.
    pub fn describe(self, level: f64) -> String {
        match self {
            LevelKind::Rate => format!("{level:.3} requests/s"),
            LevelKind::Concurrency => format!("{level:.0} concurrent calls"),
        }
    }

    /// The x axis of the sweep's chart.
    pub fn axis(self) -> &'static str {
        match self {
            LevelKind::Rate => "offered rate (requests/s)",
            LevelKind::Concurrency => "calls in flight (concurrency)",
        }
    }

    /// The option that sets the levels.
    pub fn option(self) -> &'static str {
        match self {
            LevelKind::Rate => "--rates",
            LevelKind::Concurrency => "--concurrencies",
        }
    }
}

/// A latency a bound applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LatencyMetric {
    /// Time to first token, from the call's start.
    Ttft,
    /// Total latency, from the call's start.
    Total,
    /// Time to first token, from the scheduled instant.
    TtftFromScheduled,
    /// Total latency, from the scheduled instant.
    TotalFromScheduled,
}

impl LatencyMetric {
    /// Every metric, in the order of the sweep CSV.
    pub const ALL: [LatencyMetric; 4] = [
        Self::Ttft,
        Self::Total,
        Self::TtftFromScheduled,
        Self::TotalFromScheduled,
    ];

    /// The spelling in `--slo` and in the sweep CSV's columns.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ttft => "ttft",
            Self::Total => "total",
            Self::TtftFromScheduled => "ttft_sched",
            Self::TotalFromScheduled => "total_sched",
        }
    }
}

/// The percentiles a latency bound may name.
pub const PERCENTILES: [u8; 4] = [50, 90, 95, 99];

/// p50, p90, p95 and p99 of one latency over a step's successes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    /// The values they are of: whether a tail percentile is presented
    /// follows `analysis::percentile_rule`.
    pub count: usize,
    /// Median, seconds.
    pub p50: f64,
    /// 90th percentile, seconds.
    pub p90: f64,
    /// 95th percentile, seconds.
    pub p95: f64,
    /// 99th percentile, seconds.
    pub p99: f64,
}

impl Percentiles {
    /// The percentiles of `values` (`None` when there is none).
    pub fn of(mut values: Vec<f64>) -> Option<Percentiles> {
        values.sort_by(f64::total_cmp);
        Some(Percentiles {
            count: values.len(),
            p50: percentile(&values, 50.0)?,
            p90: percentile(&values, 90.0)?,
            p95: percentile(&values, 95.0)?,
            p99: percentile(&values, 99.0)?,
        })
    }

    /// The `p`th percentile (50, 90, 95 or 99).
    pub fn get(&self, p: u8) -> Option<f64> {
        match p {
            50 => Some(self.p50),
            90 => Some(self.p90),
            95 => Some(self.p95),
            99 => Some(self.p99),
            _ => None,
        }
    }
}

/// The statistics of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepStats {
    /// The load offered: requests per second, or calls in flight (see
    /// [`LevelKind`]).
    pub level: f64,
    /// How long arrivals lasted, seconds (the step's duration).
    pub duration_s: f64,
    /// Calls made.
    pub calls: u64,
    /// Calls that succeeded.
    pub successes: u64,
    /// Calls Bedrock throttled.
    pub throttles: u64,
    /// Calls that failed otherwise.
    pub errors: u64,
    /// Successful calls that met every latency bound of the SLO.
    pub good_calls: u64,
    /// Each latency's percentiles over the successes (`None`: no success
    /// has it).
    pub latencies: Vec<(LatencyMetric, Option<Percentiles>)>,
    /// The 99th percentile of the dispatch lag, seconds.
    pub dispatch_lag_p99: Option<f64>,
    /// The calls with a dispatch lag (the p99's values).
    pub dispatch_lags: usize,
}

impl StepStats {
    /// `level` in words: `12.5 requests/s` or `8 concurrent calls`.
    pub fn describe_level(&self, kind: LevelKind) -> String {
        kind.describe(self.level)
    }

    /// Calls made per second of the step.
    pub fn achieved_rate(&self) -> f64 {
        self.calls as f64 / self.duration_s
    }

    /// Successful calls per second.
    pub fn success_rate(&self) -> f64 {
        self.successes as f64 / self.duration_s
    }

    /// Good calls (successful, within every latency bound) per second.
    pub fn goodput(&self) -> f64 {
        self.good_calls as f64 / self.duration_s
    }

    /// Throttled calls, percent of the calls.
    pub fn throttle_pct(&self) -> f64 {
        pct(self.throttles, self.calls)
    }

    /// Other failures, percent of the calls.
    pub fn error_pct(&self) -> f64 {
        pct(self.errors, self.calls)
    }

    /// The percentiles of `metric`.
    pub fn latency(&self, metric: LatencyMetric) -> Option<Percentiles> {
        self.latencies
            .iter()
            .find(|(m, _)| *m == metric)
            .and_then(|(_, p)| *p)
    }
}

fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// One step done.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepStep {
    /// From 1.
    pub index: usize,
    /// What its calls did.
    pub stats: StepStats,
    /// The objectives it failed, with what was measured (empty: it met the
    /// SLO).
    pub failures: Vec<String>,
    /// Its raw CSVs.
    pub files: Vec<RunFile>,
    /// The step's directory.
    pub dir: PathBuf,
    /// What the step's calls cost, where known.
    pub cost: Cost,
    /// What the step's calls were charged against the dollar budget (a
    /// call that may have been billed without a known cost, such as a
    /// timeout, at its worst case); at least `cost`.
    pub charged: Cost,
    /// A stop request cut it short (its statistics cover less than its
    /// duration, and the search ended with it).
    pub interrupted: bool,
}

impl SweepStep {
    /// Whether the step met the SLO.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && !self.interrupted
    }
}

/// The knee of a sweep's steps (interrupted steps are left out: they
/// did not offer their rate for their whole duration).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Knee {
    /// What the levels are.
    pub kind: LevelKind,
    /// The highest rate that met the SLO (requests per second), with its
    /// goodput (good calls per second).
    pub highest_passing: Option<(f64, f64)>,
    /// The lowest rate that failed it, with the objectives it failed.
    pub lowest_failing: Option<(f64, Vec<String>)>,
    /// The lowest rate at which any call was throttled: where throttling
    /// began (the service's quota lies between the highest rate without
    /// a throttle and this one).
    pub throttle_onset: Option<f64>,
    /// The highest rate without any throttle.
    pub highest_unthrottled: Option<f64>,
    /// The most successful calls per second a throttling step got: under
    /// a requests-per-minute quota, about the quota.
    pub throttled_ceiling: Option<f64>,
    /// The highest goodput of any step, with its rate.
    pub best_goodput: Option<(f64, f64)>,
}

impl Knee {
    /// The findings in sentences, one per line.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        match &self.highest_passing {
            Some((rate, goodput)) => {
                let _ = writeln!(
                    out,
                    "knee: {} is the highest load that met the SLO (goodput {goodput:.3} good calls/s)",
                    self.kind.describe(*rate)
                );
            }
            None => {
                let _ = writeln!(out, "knee: no load tried met the SLO");
            }
        }
        if let Some((rate, failures)) = &self.lowest_failing {
            let _ = writeln!(
                out,
                "first failure: {} failed {}",
                self.kind.describe(*rate),
                failures.join("; ")
            );
        } else if self.highest_passing.is_some() {
            let _ = writeln!(
                out,
                "every load tried met the SLO: the knee lies above the highest load tried"
            );
        }
        match (self.throttle_onset, self.highest_unthrottled) {
            (Some(onset), Some(below)) => {
                let _ = writeln!(
                    out,
                    "throttling began at {} (none at {}); the most successful calls a throttled step got: {:.3}/s",
                    self.kind.describe(onset),
                    self.kind.describe(below),
                    self.throttled_ceiling.unwrap_or(0.0)
                );
            }
            (Some(onset), None) => {
                let _ = writeln!(
                    out,
                    "throttling began at or below {}, the lowest load tried",
                    self.kind.describe(onset)
                );
            }
            (None, _) => {
                let _ = writeln!(out, "no call was throttled");
            }
        }
        out
    }
}
