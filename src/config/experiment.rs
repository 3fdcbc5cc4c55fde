//! The first line of `experiment_config.jsonl`: how many calls, how fast,
//! with which inference parameters.
//!
//! Keys of the Python tool: `sleep_between_invocations`,
//! `invocations_per_scenario`, `num_parallel_invocations`,
//! `num_runs_per_experiment`, `temperature`, `top_p`, `top_k`,
//! `experiment_name`. Extensions: `target`, `max_retries`, `max_calls`,
//! `max_cost_usd`, `call_timeout_s`, `connection`, `endpoint_url`, `warmup_invocations`,
//! and the load (`arrival`, `rate`, `burstiness`, `duration_s`,
//! `max_concurrency`: see [`super::load`]).
//! Every key is optional.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use bedrock_catalog::prices::Cost;
use serde_json::{Map, Value};

use super::error::{ConfigError, SourceLocation};
use super::fields::{Fields, describe_found, did_you_mean, quote, unknown_key_error};
use super::identifiers;
use super::limits::{
    MAX_CALLS, MAX_INVOCATIONS_PER_SCENARIO, MAX_PARALLEL_INVOCATIONS, MAX_RETRIES,
    MAX_RUNS_PER_EXPERIMENT, MAX_SECONDS, MAX_TOP_K, MAX_WARMUP_INVOCATIONS, MIN_SECONDS,
    valid_max_cost,
};
use super::load::{self, ExperimentUse, Load};
use super::unknown_choice::UnknownChoice;

/// Every key an experiment line may have.
pub const EXPERIMENT_KEYS: &[&str] = &[
    "sleep_between_invocations",
    "invocations_per_scenario",
    "num_parallel_invocations",
    "num_runs_per_experiment",
    "temperature",
    "top_p",
    "top_k",
    "experiment_name",
    "target",
    "max_retries",
    "max_calls",
    "max_cost_usd",
    "call_timeout_s",
    "connection",
    "endpoint_url",
    "warmup_invocations",
    "arrival",
    "rate",
    "burstiness",
    "duration_s",
    "max_concurrency",
    "concurrency",
    "trace",
];

/// Where calls go: real Bedrock, the built-in emulator, or AWS when
/// credentials are available and the emulator otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetChoice {
    /// Amazon Bedrock (`aws`).
    Aws,
    /// The local emulator (`emulator`).
    Emulator,
    /// AWS if credentials are found, else the emulator (`auto`).
    Auto,
}

impl TargetChoice {
    /// All values, in the order `aws`, `emulator`, `auto`.
    pub const ALL: [TargetChoice; 3] = [Self::Aws, Self::Emulator, Self::Auto];

    /// The lowercase config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::Emulator => "emulator",
            Self::Auto => "auto",
        }
    }
}

/// How connections are used: one reused client per region (`warm`), or a
/// new connection for every call (`cold`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConnectionMode {
    /// One reused client (and connection pool) per region; the default.
    #[default]
    Warm,
    /// A new connection per call, so each call pays connection setup.
    Cold,
}

impl ConnectionMode {
    /// Both values, in the order `warm`, `cold`.
    pub const ALL: [ConnectionMode; 2] = [Self::Warm, Self::Cold];

    /// The lowercase config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warm => "warm",
            Self::Cold => "cold",
        }
    }
}

/// Display and FromStr (lowercase, [`UnknownChoice`] as the error) for
/// the enums above.
macro_rules! lowercase_enum_text {
    ($type:ty, $expected:literal) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $type {
            type Err = UnknownChoice;

            /// The exact lowercase spelling; the error message says what was
            /// expected (with a did-you-mean for near misses) and what was
            /// found.
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                if let Some(value) = Self::ALL.into_iter().find(|value| value.as_str() == text) {
                    return Ok(value);
                }
                let names = Self::ALL.map(Self::as_str);
                Err(UnknownChoice {
                    expected: $expected,
                    suggestion: did_you_mean(text, &names),
                    found: text.to_string(),
                })
            }
        }
    };
}

lowercase_enum_text!(TargetChoice, r#""aws", "emulator" or "auto""#);
lowercase_enum_text!(ConnectionMode, r#""warm" or "cold""#);

/// The experiment settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// The file and 1-based line this came from (`<defaults>`, 0 for
    /// [`Experiment::default`]).
    pub source: SourceLocation,
    /// A label for the results (default `bedrock-bench`).
    pub experiment_name: String,
    /// How long each worker sleeps between calls (default none, at most
    /// [`MAX_SECONDS`] seconds).
    pub sleep_between_invocations: Duration,
    /// Calls per scenario per run (default 10, >= 1).
    pub invocations_per_scenario: u32,
    /// Parallel workers (default 1, >= 1).
    pub num_parallel_invocations: u32,
    /// Runs, each with its own shuffled order (default 1, >= 1).
    pub num_runs_per_experiment: u32,
    /// Sent as `temperature` when set (0..=1); `None` leaves the model's
    /// default.
    pub temperature: Option<f32>,
    /// Sent as `topP` when set (0..=1).
    pub top_p: Option<f32>,
    /// Sent as `top_k` in `additionalModelRequestFields` for models that
    /// take it, when set (>= 1).
    pub top_k: Option<u32>,
    /// Where calls go; `None` when the file does not say.
    pub target: Option<TargetChoice>,
    /// Retries of a failed call (default 3; 0 allowed).
    pub max_retries: u32,
    /// Refuse runs that would make more calls than this (1 to
    /// [`MAX_CALLS`]).
    pub max_calls: Option<u64>,
    /// Refuse runs whose worst case costs more than this many US dollars,
    /// and start no call that could take the spending past it (from
    /// [`super::limits::MIN_COST_USD`] to [`super::limits::MAX_COST_USD`]).
    pub max_cost_usd: Option<Cost>,
    /// Per-call timeout (`call_timeout_s`; default 60 s, from
    /// [`MIN_SECONDS`] to [`MAX_SECONDS`] seconds).
    pub call_timeout: Duration,
    /// Warm (reused client per region, default) or cold connections.
    pub connection: ConnectionMode,
    /// An endpoint to call instead of the region's (starts with `http://`
    /// or `https://`).
    pub endpoint_url: Option<String>,
    /// Warm-up calls of `run` before each scenario's invocations (default
    /// 0, as the Python tool): recorded with phase `warmup`, left out of
    /// the statistics.
    pub warmup_invocations: u32,
    /// The load: the closed loop (default) or open-loop arrivals.
    pub load: Load,
}

impl Default for Experiment {
    /// Every default, with source `<defaults>` line 0.
    fn default() -> Self {
        Self {
            source: SourceLocation::new("<defaults>", 0),
            experiment_name: "bedrock-bench".to_owned(),
            sleep_between_invocations: Duration::ZERO,
            invocations_per_scenario: 10,
            num_parallel_invocations: 1,
            num_runs_per_experiment: 1,
            temperature: None,
            top_p: None,
            top_k: None,
            target: None,
            max_retries: 3,
            max_calls: None,
            max_cost_usd: None,
            call_timeout: Duration::from_secs(60),
            connection: ConnectionMode::Warm,
            endpoint_url: None,
            warmup_invocations: 0,
            load: Load::default(),
        }
    }
}

impl Experiment {
    /// The pause between two calls of a scenario against a target whose
    /// time runs `time_scale` times real time (the built-in emulator's;
    /// `None`: real time): the pause shrinks with the latencies.
    pub fn sleep_between_at(&self, time_scale: Option<f64>) -> Duration {
        // The time scale is at most 100 and the pause at most a day: the
        // product is a finite, non-negative number of seconds.
        self.sleep_between_invocations
            .mul_f64(time_scale.unwrap_or(1.0).clamp(0.0, 1e6))
    }

    /// Builds the experiment from the JSON object of its line, read for
    /// `use_`. Unknown keys and every invalid field are errors.
    pub(crate) fn from_object(
        map: &Map<String, Value>,
        location: SourceLocation,
        use_: ExperimentUse,
        base_dir: &std::path::Path,
    ) -> Result<Self, Vec<ConfigError>> {
        let mut fields = Fields::new(map, location.clone(), EXPERIMENT_KEYS);
        let unknown: Vec<ConfigError> = fields
            .unknown_keys()
            .into_iter()
            .map(|(key, suggestion)| unknown_key_error(&location, key, suggestion, EXPERIMENT_KEYS))
            .collect();

        let defaults = Self::default();
        let targets = TargetChoice::ALL.map(|value| (value.as_str(), value));
        let connections = ConnectionMode::ALL.map(|value| (value.as_str(), value));
        let max_calls_set = fields.is_present("max_calls");
        let load = load::parse(&mut fields, max_calls_set, use_, base_dir);
        let experiment = Self {
            source: location,
            experiment_name: {
                let name = fields.non_empty_string("experiment_name");
                identifiers::label(&mut fields, "experiment_name", name)
                    .unwrap_or(defaults.experiment_name)
            },
            sleep_between_invocations: fields
                .number(
                    "sleep_between_invocations",
                    "a number of seconds from 0 to 86400",
                    |seconds| (0.0..=MAX_SECONDS).contains(&seconds),
                )
                .map(Duration::from_secs_f64)
                .unwrap_or(defaults.sleep_between_invocations),
            invocations_per_scenario: fields
                .positive_u32("invocations_per_scenario", MAX_INVOCATIONS_PER_SCENARIO)
                .unwrap_or(defaults.invocations_per_scenario),
            num_parallel_invocations: fields
                .positive_u32("num_parallel_invocations", MAX_PARALLEL_INVOCATIONS)
                .unwrap_or(defaults.num_parallel_invocations),
            num_runs_per_experiment: fields
                .positive_u32("num_runs_per_experiment", MAX_RUNS_PER_EXPERIMENT)
                .unwrap_or(defaults.num_runs_per_experiment),
            temperature: fields.unit_interval("temperature"),
            top_p: fields.unit_interval("top_p"),
            top_k: fields.positive_u32("top_k", MAX_TOP_K),
            target: fields.choice("target", &targets),
            max_retries: fields
                .non_negative_u32("max_retries", MAX_RETRIES)
                .unwrap_or(defaults.max_retries),
            max_calls: fields.integer("max_calls", 1, MAX_CALLS, "a positive integer"),
            max_cost_usd: fields
                .number(
                    "max_cost_usd",
                    "a number of US dollars from 0.000001 to 1000000",
                    valid_max_cost,
                )
                .and_then(|usd| Cost::from_usd(usd).ok()),
            call_timeout: fields
                .number(
                    "call_timeout_s",
                    "a number of seconds from 0.001 to 86400",
                    |seconds| (MIN_SECONDS..=MAX_SECONDS).contains(&seconds),
                )
                .map(Duration::from_secs_f64)
                .unwrap_or(defaults.call_timeout),
            connection: fields
                .choice("connection", &connections)
                .unwrap_or(defaults.connection),
            endpoint_url: endpoint_url(&mut fields),
            warmup_invocations: fields
                .non_negative_u32("warmup_invocations", MAX_WARMUP_INVOCATIONS)
                .unwrap_or(defaults.warmup_invocations),
            load,
        };
        let mut errors = unknown;
        errors.extend(fields.finish());
        if errors.is_empty() {
            Ok(experiment)
        } else {
            Err(errors)
        }
    }
}

/// `endpoint_url`: `http://` or `https://` followed by a host, no spaces.
fn endpoint_url(fields: &mut Fields<'_>) -> Option<String> {
    let expected = "a URL starting with http:// or https://";
    let url = match fields.value("endpoint_url")? {
        Value::String(url) => url,
        other => {
            fields.error(Some("endpoint_url"), expected, describe_found(other));
            return None;
        }
    };
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(rest) if !rest.is_empty() && !url.chars().any(char::is_whitespace) => {
            Some(url.clone())
        }
        _ => {
            fields.error(Some("endpoint_url"), expected, quote(url));
            None
        }
    }
}

#[cfg(test)]
mod tests;
