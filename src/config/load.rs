//! The experiment's load: the Python tool's closed loop (the default),
//! open-loop arrivals at a rate (`arrival`, `rate`, `burstiness`,
//! `duration_s`, `max_concurrency`), or a fixed number of calls in flight
//! (`arrival` `concurrent`, `concurrency`, `duration_s`).
//!
//! ```text
//! {"arrival": "poisson", "rate": "20/s", "duration_s": 60, "max_concurrency": 200}
//! {"arrival": "gamma", "burstiness": 4, "rate": "1200/min", "max_calls": 5000}
//! {"arrival": "concurrent", "concurrency": 16, "duration_s": 60}
//! {"arrival": "trace", "trace": {"file": "trace.csv", "speedup": 2}, "max_concurrency": 500}
//! ```
//!
//! `trace` replays a file's arrival instants and lengths through the open
//! loop's dispatcher (see [`super::trace_field`]); `duration_s` and
//! `max_calls` may cut it short, the trace's end bounds it.
//!
//! `rate` is a string: a positive number, `/s` or `/min` (requests per
//! second or per minute). An open loop needs a rate and a bound
//! (`duration_s` and/or `max_calls`); the closed loop's own settings
//! (`invocations_per_scenario`, `num_parallel_invocations`,
//! `sleep_between_invocations`, `warmup_invocations`, `max_retries`) are
//! refused with it, and the open-loop settings with the closed loop.

use std::fmt;

use serde_json::Value;

use super::fields::{Fields, describe_found, quote};
use super::limits::{
    MAX_BURSTINESS, MAX_CONCURRENCY, MAX_DURATION_S, MAX_RATE_PER_S, MIN_BURSTINESS,
    MIN_RATE_PER_S, MIN_SECONDS,
};
use super::trace_field::{self, TraceReplay};

/// How calls arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Arrival {
    /// The Python tool's schedule: workers each wait for their call
    /// (`closed`, the default).
    #[default]
    Closed,
    /// Open loop, evenly spaced: one call every 1/rate seconds
    /// (`constant`).
    Constant,
    /// Open loop, exponential inter-arrival times of mean 1/rate
    /// (`poisson`).
    Poisson,
    /// Open loop, gamma inter-arrival times of mean 1/rate, shape
    /// 1/burstiness (`gamma`): burstiness 1 is Poisson, more is burstier.
    Gamma,
    /// `concurrency` users, each starting its next call (a scenario
    /// picked by weight) as soon as its last one ends (`concurrent`):
    /// always that many calls in flight, whatever their scenarios.
    Concurrent,
    /// Open loop at a trace's instants, each call with the trace's input
    /// and output lengths (`trace`).
    Trace,
}

impl Arrival {
    /// Every value, in the order `closed`, `constant`, `poisson`,
    /// `gamma`, `concurrent`.
    pub const ALL: [Arrival; 6] = [
        Self::Closed,
        Self::Constant,
        Self::Poisson,
        Self::Gamma,
        Self::Concurrent,
        Self::Trace,
    ];

    /// The lowercase config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Constant => "constant",
            Self::Poisson => "poisson",
            Self::Gamma => "gamma",
            Self::Concurrent => "concurrent",
            Self::Trace => "trace",
        }
    }

    /// Whether calls arrive at a rate, whatever the calls in flight.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Constant | Self::Poisson | Self::Gamma | Self::Trace
        )
    }

    /// Whether this is not the Python tool's schedule: an open loop, or
    /// a fixed concurrency (both bounded by `duration_s` and/or
    /// `max_calls`, without retries, the scenarios picked by weight).
    pub fn is_load_driven(self) -> bool {
        self != Self::Closed
    }
}

impl fmt::Display for Arrival {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The load settings of an experiment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Load {
    /// How calls arrive (default closed).
    pub arrival: Arrival,
    /// Requests per second (open loop only; `rate` divided by 60 when
    /// given per minute), from [`MIN_RATE_PER_S`] to [`MAX_RATE_PER_S`].
    pub rate_per_s: Option<f64>,
    /// The gamma distribution's burstiness (the inverse of its shape;
    /// `gamma` only, from [`MIN_BURSTINESS`] to [`MAX_BURSTINESS`], default 1).
    pub burstiness: Option<f64>,
    /// Seconds during which calls arrive (open loop only, from
    /// [`MIN_SECONDS`] to [`MAX_DURATION_S`]).
    pub duration_s: Option<f64>,
    /// The most open-loop calls in flight at once (>= 1, at most
    /// [`MAX_CONCURRENCY`]); an arrival over the cap waits for a slot,
    /// and the wait is recorded (`queued_s`). `None`: no cap.
    pub max_concurrency: Option<u32>,
    /// `concurrent` only: the calls kept in flight (>= 1, at most
    /// [`MAX_CONCURRENCY`]).
    pub concurrency: Option<u32>,
    /// `trace` only: the trace replayed.
    pub trace: Option<TraceReplay>,
}

impl Load {
    /// The gamma shape (1 / burstiness), 1 when none is set.
    pub fn gamma_shape(&self) -> f64 {
        1.0 / self.burstiness.unwrap_or(1.0)
    }
}

/// The closed loop's own keys: refused with an open-loop arrival.
const CLOSED_LOOP_KEYS: [&str; 5] = [
    "invocations_per_scenario",
    "num_parallel_invocations",
    "sleep_between_invocations",
    "warmup_invocations",
    "max_retries",
];

/// What an experiment is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExperimentUse {
    /// `run` and `cargo bench`: the load as written. An open loop needs
    /// its `rate`, `concurrent` its `concurrency`, and both a bound
    /// (`duration_s` and/or `max_calls`).
    #[default]
    Run,
    /// `sweep`: every step sets its own rate (`--rates`) or concurrency
    /// (`--concurrencies`) and duration (`--step-duration`), so the
    /// experiment needs none of them (those it gives are still checked).
    Sweep,
}

/// Parse the load keys of an experiment line, with their cross-checks
/// (`max_calls_set`: whether the line bounds the calls; `use_`: what the
/// experiment is read for).
pub(crate) fn parse(
    fields: &mut Fields<'_>,
    max_calls_set: bool,
    use_: ExperimentUse,
    base_dir: &std::path::Path,
) -> Load {
    let arrivals = Arrival::ALL.map(|value| (value.as_str(), value));
    let arrival_given = fields.is_present("arrival");
    let chosen = fields.choice("arrival", &arrivals);
    let arrival = chosen.unwrap_or_default();
    let rate_per_s = rate(fields);
    let burstiness = fields.number(
        "burstiness",
        "a number from 0.001 to 1000 (1 is Poisson)",
        |b| (MIN_BURSTINESS..=MAX_BURSTINESS).contains(&b),
    );
    let duration_s = fields.number(
        "duration_s",
        "a number of seconds from 0.001 to 86400",
        |s| (MIN_SECONDS..=MAX_DURATION_S).contains(&s),
    );
    let max_concurrency = fields.positive_u32("max_concurrency", MAX_CONCURRENCY);
    let concurrency = fields.positive_u32("concurrency", MAX_CONCURRENCY);
    let trace = trace_field::parse(fields, base_dir);
    let load = Load {
        arrival,
        rate_per_s,
        burstiness,
        duration_s,
        max_concurrency,
        concurrency,
        trace,
    };
    if chosen != Some(Arrival::Trace) && fields.is_present("trace") {
        fields.error(
            Some("trace"),
            "`\"arrival\": \"trace\"` with a `trace` (it replays the trace's instants)",
            format!("arrival {}", arrival.as_str()),
        );
    }
    match chosen {
        None if !arrival_given => closed_checks(fields, "closed (the default)"),
        // An invalid `arrival` is its own error; nothing to check it against.
        None => {}
        Some(Arrival::Closed) => closed_checks(fields, "closed"),
        Some(Arrival::Concurrent) => concurrent_checks(fields, max_calls_set, use_),
        Some(Arrival::Trace) => trace_checks(fields, use_),
        Some(open) => open_checks(fields, open, max_calls_set, use_),
    }
    load
}

fn closed_checks(fields: &mut Fields<'_>, arrival: &str) {
    for key in [
        "rate",
        "burstiness",
        "duration_s",
        "max_concurrency",
        "concurrency",
    ] {
        if fields.is_present(key) {
            fields.error(
                Some(key),
                format!(
                    "no `{key}` with the closed loop (arrival {arrival}); set `arrival` to \"constant\", \"poisson\" or \"gamma\" for an open loop, or \"concurrent\" for a fixed concurrency"
                ),
                "both",
            );
        }
    }
}

fn concurrent_checks(fields: &mut Fields<'_>, max_calls_set: bool, use_: ExperimentUse) {
    if use_ == ExperimentUse::Run {
        if !fields.is_present("concurrency") {
            fields.error(
                Some("concurrency"),
                "the number of calls to keep in flight, such as 16, with arrival \"concurrent\" (the field is required)",
                "nothing",
            );
        }
        bound_check(fields, "concurrent", max_calls_set);
    }
    for key in ["rate", "burstiness", "max_concurrency"] {
        if fields.is_present(key) {
            fields.error(
                Some(key),
                format!(
                    "no `{key}` with arrival \"concurrent\": its load is `concurrency` calls in flight (use \"constant\", \"poisson\" or \"gamma\" for a rate)"
                ),
                "both",
            );
        }
    }
    closed_loop_keys_check(fields, "concurrent");
}

fn trace_checks(fields: &mut Fields<'_>, use_: ExperimentUse) {
    if use_ == ExperimentUse::Sweep {
        fields.error(
            Some("arrival"),
            "an arrival process whose rate a sweep can raise (\"constant\", \"poisson\", \"gamma\"); replay a trace with `run`, or speed it up with `trace.speedup`",
            "\"trace\"",
        );
    }
    if !fields.is_present("trace") {
        fields.error(
            Some("trace"),
            "the trace file to replay with arrival \"trace\" (the field is required)",
            "nothing",
        );
    }
    for key in ["rate", "burstiness", "concurrency"] {
        if fields.is_present(key) {
            fields.error(
                Some(key),
                format!(
                    "no `{key}` with arrival \"trace\": the trace sets the instants (`trace.speedup` replays it faster)"
                ),
                "both",
            );
        }
    }
    closed_loop_keys_check(fields, "trace");
}

fn bound_check(fields: &mut Fields<'_>, name: &str, max_calls_set: bool) {
    if !fields.is_present("duration_s") && !max_calls_set {
        fields.error(
            Some("duration_s"),
            format!(
                "a `duration_s` and/or a `max_calls` with arrival \"{name}\" (it needs a bound)"
            ),
            "neither",
        );
    }
}

fn closed_loop_keys_check(fields: &mut Fields<'_>, name: &str) {
    for key in CLOSED_LOOP_KEYS {
        if fields.is_present(key) {
            fields.error(
                Some(key),
                format!(
                    "no `{key}` with arrival \"{name}\": it is a closed-loop setting (this load is bounded by `duration_s` and/or `max_calls`, and does not retry)"
                ),
                "both",
            );
        }
    }
}

fn open_checks(
    fields: &mut Fields<'_>,
    arrival: Arrival,
    max_calls_set: bool,
    use_: ExperimentUse,
) {
    let name = arrival.as_str();
    if use_ == ExperimentUse::Run {
        if !fields.is_present("rate") {
            fields.error(
                Some("rate"),
                format!(
                    "a rate such as \"20/s\" or \"1200/min\" with arrival \"{name}\" (the field is required for an open loop)"
                ),
                "nothing",
            );
        }
        bound_check(fields, name, max_calls_set);
    }
    if fields.is_present("concurrency") {
        fields.error(
            Some("concurrency"),
            format!(
                "no `concurrency` with arrival \"{name}\" (only with \"concurrent\"; `max_concurrency` caps an open loop's calls in flight)"
            ),
            "both",
        );
    }
    if arrival != Arrival::Gamma && fields.is_present("burstiness") {
        fields.error(
            Some("burstiness"),
            format!("no `burstiness` with arrival \"{name}\" (only with \"gamma\")"),
            "both",
        );
    }
    closed_loop_keys_check(fields, name);
}

/// `rate`: `"<positive number>/s"` or `"<positive number>/min"`, as
/// requests per second.
fn rate(fields: &mut Fields<'_>) -> Option<f64> {
    let expected = "a rate such as \"20/s\" or \"1200/min\" (requests per second or per minute, from 0.001/s = 0.06/min to 10000/s)";
    let text = match fields.value("rate")? {
        Value::String(text) => text,
        other => {
            fields.error(Some("rate"), expected, describe_found(other));
            return None;
        }
    };
    match parse_rate(text) {
        Some(per_s) => Some(per_s),
        None => {
            fields.error(Some("rate"), expected, quote(text));
            None
        }
    }
}

/// Requests per second of a rate text (`20/s`, `1200/min`), if valid:
/// from [`MIN_RATE_PER_S`] to [`MAX_RATE_PER_S`].
pub fn parse_rate(text: &str) -> Option<f64> {
    let (number, unit) = text.trim().split_once('/')?;
    let divisor = match unit.trim() {
        "s" => 1.0,
        "min" => 60.0,
        _ => return None,
    };
    let number: f64 = number.trim().parse().ok()?;
    let per_s = number / divisor;
    (MIN_RATE_PER_S..=MAX_RATE_PER_S)
        .contains(&per_s)
        .then_some(per_s)
}

#[cfg(test)]
mod tests {
    use super::parse_rate;

    #[test]
    fn rates_per_second_and_per_minute() {
        assert_eq!(parse_rate("20/s"), Some(20.0));
        assert_eq!(parse_rate("1200/min"), Some(20.0));
        assert_eq!(parse_rate("0.5/s"), Some(0.5));
        assert_eq!(parse_rate("0.001/s"), Some(0.001));
        assert_eq!(parse_rate("0.06/min"), Some(0.001));
        for bad in [
            "20",
            "0/s",
            "-1/s",
            "20/h",
            "inf/s",
            "NaN/s",
            "10001/s",
            "/s",
            "1e-300/s",
            "0.0009/s",
            "0.05/min",
            "1e300/min",
        ] {
            assert_eq!(parse_rate(bad), None, "{bad}");
        }
    }
}
