//! One typed record of a call attempt, from the timed call to every sink
//! (the raw CSV, the progress display, criterion, calibrate):
//!
//! ```text
//! CallRecord (raw instants, what the service reported)
//!   + ScenarioFacts (what the scenario sent, where, to which target)
//!   + RunFacts (which run, when it started)
//!   + the attempt's place (invocation, attempt, phase, worker, schedule)
//!   = AttemptRecord
//! ```
//!
//! Instants stay raw; every duration and rate is derived by a method (the
//! formulas are in the crate's `metrics` module). The CSV row exists only
//! inside the raw CSV writer ([`RawCsvWriter`], here beside the record it
//! writes); [`Column`] is the one definition of its columns, for the
//! writer and for `analyze`.

pub(crate) mod columns;
mod raw_csv;
mod run_file;
mod sent;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::axes::{BilledTokens, CallPricing, ServedOrSent};
use crate::call::{CallRecord, CallSpec, takes_top_k};
use crate::config::{Experiment, Guardrail, PerformanceConfig, Scenario};
use bedrock_catalog::prices::{Cost, PriceTable};
use bedrock_catalog::{Api, CacheTtl, Endpoint, ServiceTier};

pub use columns::Column;
pub use raw_csv::RawCsvWriter;
pub use run_file::RunFile;
pub use sent::SentRequest;

/// Where the calls went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Amazon Bedrock (or an endpoint URL given for it).
    Aws,
    /// The built-in emulator (or one elsewhere).
    Emulator,
}

impl Target {
    /// `aws` or `emulator`, as written in every output row.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Aws => "aws",
            Target::Emulator => "emulator",
        }
    }
}

/// What an attempt was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// A call of `run`'s schedule.
    Run,
    /// A warm-up call: recorded, left out of the statistics.
    Warmup,
    /// A criterion sample of `cargo bench`.
    Sample,
}

impl Phase {
    /// `run`, `warmup` or `sample`, as in the raw CSV's `phase` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Run => "run",
            Phase::Warmup => "warmup",
            Phase::Sample => "sample",
        }
    }
}

/// What every attempt of one scenario shares: what was sent, where, and
/// to which target.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioFacts {
    /// The scenario's name.
    pub name: String,
    /// Model or inference profile id.
    pub model: String,
    /// AWS region.
    pub region: String,
    /// `task_type`.
    pub task_type: String,
    /// `experiment_name`.
    pub experiment_name: String,
    /// `performanceConfig.latency` sent; `None` when nothing was sent.
    pub performance_sent: Option<PerformanceConfig>,
    /// `maxTokens` sent.
    pub max_tokens: u32,
    /// `temperature` sent.
    pub temperature: Option<f32>,
    /// `topP` sent.
    pub top_p: Option<f32>,
    /// top-k sent (`None` also for families without top-k).
    pub top_k: Option<u32>,
    /// Where the calls went.
    pub target: Target,
    /// The emulator's time scale, when known.
    pub time_scale: Option<f64>,
    /// `serviceTier.type` sent; `None` when none was.
    pub service_tier: Option<ServiceTier>,
    /// The prompt-cache setting sent, as labelled in reports.
    pub prompt_cache: Option<String>,
    /// The TTL of the cache point sent (`5m` when the setting names none).
    pub cache_ttl: Option<CacheTtl>,
    /// The reasoning budget sent.
    pub reasoning_budget_tokens: Option<u32>,
    /// The tools sent, as labelled in reports.
    pub tools: Option<String>,
    /// The inference API the calls go through.
    pub api: Api,
    /// The endpoint the API is called on.
    pub endpoint: Endpoint,
    /// The guardrail applied, if any.
    pub guardrail: Option<Guardrail>,
    /// The prices the attempts' costs are computed with (the built-in
    /// table unless a price file overrides it).
    pub prices: Arc<PriceTable>,
}

impl ScenarioFacts {
    /// The facts of `scenario`'s calls (`spec`) under `experiment`, sent
    /// to `target`.
    pub fn new(
        scenario: &Scenario,
        spec: &CallSpec,
        experiment: &Experiment,
        target: Target,
        time_scale: Option<f64>,
    ) -> Self {
        ScenarioFacts {
            name: scenario.name.clone(),
            model: scenario.model_id.clone(),
            region: scenario.region.clone(),
            task_type: scenario.task_type.clone(),
            experiment_name: experiment.experiment_name.clone(),
            performance_sent: spec.performance,
            max_tokens: spec.max_tokens,
            temperature: spec.temperature,
            top_p: spec.top_p,
            top_k: spec.top_k.filter(|_| takes_top_k(&spec.model_id)),
            target,
            time_scale,
            service_tier: spec.variant.service_tier,
            prompt_cache: spec
                .variant
                .prompt_cache
                .as_ref()
                .map(|cache| cache.label()),
            cache_ttl: spec
                .variant
                .prompt_cache
                .as_ref()
                .map(|cache| cache.ttl.unwrap_or(CacheTtl::FiveMinutes)),
            reasoning_budget_tokens: spec.variant.reasoning_budget_tokens,
            tools: spec.variant.tools.as_ref().map(|tools| tools.label()),
            api: spec.variant.api,
            endpoint: spec.variant.endpoint,
            guardrail: spec.variant.guardrail.clone(),
            prices: Arc::default(),
        }
    }

    /// The same facts with costs computed from `prices`.
    pub fn with_prices(mut self, prices: Arc<PriceTable>) -> Self {
        self.prices = prices;
        self
    }

    /// The performance config reports show: what was sent, `standard`
    /// when nothing was (that is what Bedrock serves).
    pub fn performance_config(&self) -> PerformanceConfig {
        self.performance_sent.unwrap_or(PerformanceConfig::Standard)
    }
}

/// One run of an experiment (`cargo bench` is one run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFacts {
    /// `YYYYmmdd_HHMMSS`, as in the raw CSV's name.
    pub run_id: String,
    /// The run number, from 1.
    pub run: u32,
    /// When the run started (start offsets are measured from it).
    pub started: Instant,
}

/// One call attempt, as recorded.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    /// The call: raw instants and what the service reported.
    pub call: CallRecord,
    /// What this call's request sent that its scenario does not fix.
    pub sent: SentRequest,
    /// The scenario's facts.
    pub scenario: Arc<ScenarioFacts>,
    /// The run's facts.
    pub run: Arc<RunFacts>,
    /// The logical call, shared by its retries (`r1-s3-i2`,
    /// `bench-s1-warmup`...).
    pub invocation_id: String,
    /// Attempt number of the invocation, from 1.
    pub attempt: u32,
    /// What the attempt was for.
    pub phase: Phase,
    /// The worker that made it, for `run`.
    pub worker: Option<u32>,
    /// When the schedule wanted it to start, if it had a schedule.
    pub scheduled: Option<Instant>,
    /// The schedule facts of an open-loop call; `None` in the closed loop.
    pub open_loop: Option<OpenLoopTimes>,
}

/// When an open-loop call was due and how long the concurrency cap held
/// it back. With the call's t0 (taken when the request is sent), these
/// give its dispatch lag and its latencies from the scheduled time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenLoopTimes {
    /// The instant the arrival process planned for the call.
    pub scheduled: Instant,
    /// How long the call waited for a slot under `max_concurrency` (zero
    /// when it was not held back).
    pub queued: Duration,
}

impl AttemptRecord {
    /// t0, seconds after the run started.
    pub fn start_offset(&self) -> f64 {
        self.call
            .t0
            .saturating_duration_since(self.run.started)
            .as_secs_f64()
    }

    /// How long after its scheduled start the call started, seconds.
    pub fn queue_delay(&self) -> Option<f64> {
        self.scheduled
            .map(|at| self.call.t0.saturating_duration_since(at).as_secs_f64())
    }

    /// The attempt's exact cost: its usage (input, output, cache read and
    /// cache write tokens) times the price of its model and region group at
    /// the tier and performance config served (as reported by the service;
    /// else as sent; else `default` and `standard`). `None` without usage
    /// or when a price needed is unknown.
    pub fn cost(&self) -> Option<Cost> {
        let usage = self.call.usage?;
        let facts = &self.scenario;
        let pricing = CallPricing {
            model: &facts.model,
            tier: ServedOrSent {
                served: self
                    .call
                    .served_service_tier
                    .as_deref()
                    .and_then(|tier| tier.parse().ok()),
                sent: facts.service_tier,
            },
            performance: ServedOrSent {
                served: self
                    .call
                    .served_performance
                    .as_deref()
                    .and_then(|p| p.parse().ok()),
                sent: facts.performance_sent,
            },
            one_hour_cache: facts.cache_ttl == Some(CacheTtl::OneHour),
        };
        let tokens = BilledTokens {
            input: u64::from(usage.input_tokens),
            output: u64::from(usage.output_tokens),
            cache_read: u64::from(usage.cache_read_input_tokens.unwrap_or(0)),
            cache_write: u64::from(usage.cache_write_input_tokens.unwrap_or(0)),
        };
        pricing.cost(&facts.prices, tokens)
    }

    /// Open loop: the scheduled instant, seconds after the run started.
    pub fn scheduled_offset(&self) -> Option<f64> {
        self.open_loop.map(|times| {
            times
                .scheduled
                .saturating_duration_since(self.run.started)
                .as_secs_f64()
        })
    }

    /// Open loop: t0 minus the scheduled instant, seconds (the wait for a
    /// slot under the cap included).
    pub fn dispatch_lag(&self) -> Option<f64> {
        self.open_loop.map(|times| {
            self.call
                .t0
                .saturating_duration_since(times.scheduled)
                .as_secs_f64()
        })
    }

    /// Open loop: how long the concurrency cap held the call, seconds.
    pub fn queued(&self) -> Option<f64> {
        self.open_loop.map(|times| times.queued.as_secs_f64())
    }

    /// Open loop: TTFT measured from the scheduled instant, seconds.
    pub fn ttft_from_scheduled(&self) -> Option<f64> {
        Some(self.dispatch_lag()? + self.call.ttft()?)
    }

    /// Open loop: total latency measured from the scheduled instant,
    /// seconds.
    pub fn total_from_scheduled(&self) -> Option<f64> {
        Some(self.dispatch_lag()? + self.call.total_latency()?)
    }

    /// Whether the attempt's values enter the statistics.
    pub fn in_statistics(&self) -> bool {
        self.call.status.is_success() && self.phase != Phase::Warmup
    }
}
