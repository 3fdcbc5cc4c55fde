//! A local Bedrock runtime emulator (ConverseStream, Converse, InvokeModel,
//! InvokeModelWithResponseStream) that speaks Bedrock's wire protocol.
//!
//! The AWS SDKs (tested: Rust's `aws-sdk-bedrockruntime`, boto3, and the
//! JavaScript SDK v3 with its default HTTP/2 handler) can be pointed at it
//! with an endpoint URL and any credentials; HTTP/1.1 and HTTP/2 (prior
//! knowledge) share its port. It serves
//! `POST /model/{modelId}/converse-stream` with event-stream frames timed by
//! per-model latency profiles (and `/converse` with one JSON answer at the
//! same planned time; `/invoke-with-response-stream` and `/invoke` with
//! the native bodies of Anthropic Claude, Amazon Nova, Meta Llama,
//! Mistral AI and DeepSeek, from the same plan), validates requests like Bedrock, models service
//! tiers, prompt caching, reasoning and tool use, injects faults on
//! request, enforces per-model quotas (Bedrock's default tokens per
//! minute, and streams in flight when set), and records a ground truth of
//! when it actually wrote each response. On the same port it
//! answers the read-only control-plane calls `ListFoundationModels`,
//! `GetFoundationModel` and `ListInferenceProfiles` (`aws-sdk-bedrock`)
//! from the catalog, so that model discovery works offline too, and the
//! runtime's `CountTokens` with the input tokens a call would be billed.
//! It also serves the OpenAI-compatible Chat Completions API
//! (`/openai/v1/chat/completions`, open-weight models) and the Anthropic
//! Messages API (`/anthropic/v1/messages`, Claude), server-sent events or
//! one JSON answer from the same plan as ConverseStream. Every route takes
//! a SigV4 signature (never verified) or a Bedrock API key
//! (`Authorization: Bearer`), checked against
//! [`EmulatorConfig::api_keys`] when any are configured.
//!
//! It is its own crate, and knows nothing of the benchmark harness: it
//! serves any client, and the `bedrock-emulator` binary (or
//! `bedrock-bench emulator`) runs it standalone ([`cli`]).
//!
//! ```no_run
//! use bedrock_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig::default()).expect("binds 127.0.0.1:0");
//! println!("{}", emulator.base_url());
//! ```

#![warn(missing_docs)]

mod activity;
mod admission;
mod api_error;
mod api_key;
mod api_request;
mod body;
pub(crate) mod builtin;
mod builtin_quotas;
pub mod cli;
mod connection;
mod connections;
mod control_plane;
mod converse_body;
mod count_tokens;
mod dialect;
pub mod eventstream;
pub(crate) mod faults;
pub(crate) mod ground_truth;
mod ground_truth_file;
mod guardrail;
mod guardrail_outcome;
mod guardrail_timing;
mod guardrail_trace;
mod handler;
mod invoke_stream;
mod latency_profile;
pub(crate) mod lateness;
pub(crate) mod limits;
mod messages;
mod model_rules;
mod native;
mod openai;
mod override_error;
mod payload;
pub(crate) mod plan;
pub(crate) mod profile;
mod profile_error;
pub(crate) mod profile_set;
mod profiles_route;
mod prompt_cache;
mod provenance;
mod quota;
mod rate_quota;
pub(crate) mod reasoning_profile;
pub(crate) mod request;
mod request_bodies;
mod request_body;
mod request_content;
mod request_options;
mod request_tools;
mod server;
mod slow_down;
mod state;
pub(crate) mod stats;
pub(crate) mod tier_profile;
mod timeline;
mod tracked;
mod wire;
mod words;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

pub use api_key::ApiKeys;
pub use connections::ConnectionStats;
pub use faults::{Fault, FaultRates};
pub use ground_truth::{GroundTruthErrors, GroundTruthRecord};
pub use guardrail_outcome::BLOCKED_MESSAGE;
pub use guardrail_timing::GuardrailTiming;
pub use latency_profile::LatencyProfile;
pub use lateness::LatenessSummary;
pub use limits::{
    ConnectionLimits, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, LimitsError,
    default_max_connections,
};
pub use override_error::OverrideError;
pub use profile::ModelProfile;
pub use profile_error::{FaultRatesError, ProfileError};
pub use profile_set::ProfileSet;
pub use prompt_cache::DEFAULT_CACHE_ENTRIES;
pub use provenance::{ProfileSources, Source};
pub use rate_quota::{DEFAULT_BURST_S, RateQuota};
pub use reasoning_profile::ReasoningProfile;
pub use request_bodies::{
    BodyLimits, BodyLimitsError, BodyStats, DEFAULT_BODY_READ_TIMEOUT,
    DEFAULT_MAX_BUFFERED_BODY_BYTES,
};
pub use slow_down::SlowDown;
pub use tier_profile::{TierAdjust, TierProfiles};

use ground_truth::GroundTruthLog;
use state::Shared;

/// Everything that configures an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind; loopback port 0 by default.
    pub addr: SocketAddr,
    /// Multiplies every delay (0.01 makes a one-second answer take 10 ms;
    /// 0 streams as fast as possible).
    pub time_scale: f64,
    /// Seed for every random draw; `None` draws a fresh seed.
    pub seed: Option<u64>,
    /// Latency profiles.
    pub profiles: ProfileSet,
    /// Serve unknown model ids with the generic profile instead of a
    /// ValidationException.
    pub accept_any_model: bool,
    /// Write one JSON line of ground truth per request to this file.
    pub ground_truth_file: Option<PathBuf>,
    /// Keep ground truth in memory for [`Emulator::ground_truth`].
    pub keep_ground_truth: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A request body must be complete within this time of its request
    /// head, or the request is answered 408 RequestTimeoutException (and
    /// an HTTP/1.1 connection closed). Default
    /// [`DEFAULT_BODY_READ_TIMEOUT`] (60 s); not scaled by the time scale;
    /// must be over 0.
    pub body_read_timeout: Duration,
    /// The bytes of request bodies held at once, over all connections; a
    /// body whose next bytes would pass it is refused with 503
    /// ServiceUnavailableException and its bytes released. Default
    /// [`DEFAULT_MAX_BUFFERED_BODY_BYTES`] (256 MiB); at least 1.
    pub max_buffered_body_bytes: usize,
    /// Worker threads of the emulator's own runtime.
    pub worker_threads: usize,
    /// How long in-flight streams may run on after shutdown starts.
    pub shutdown_grace: Duration,
    /// A request head must be complete within this time (from the accept
    /// for a connection's first request, from its first byte for the next
    /// ones), or the connection is closed without an answer. Default
    /// [`DEFAULT_HEADER_READ_TIMEOUT`] (30 s); not scaled by the
    /// time scale; must be over 0.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight that receives no byte for
    /// this long is closed; a stream in flight is never cut by it. Default
    /// [`DEFAULT_IDLE_TIMEOUT`] (120 s); not scaled by the time
    /// scale; must be over 0.
    pub idle_timeout: Duration,
    /// Connections served at once. At the limit the emulator stops
    /// accepting until a slot frees, and frees one by closing the
    /// connection idle longest (never one with a request in flight).
    /// Default [`default_max_connections`]: half of the open-file limit
    /// after 64 reserved, between 8 and 8192.
    pub max_connections: usize,
    /// Slow every request down by a factor from some real time after the
    /// start on (a service that degrades during a run); `None`: never.
    /// The ground truth records the slowed plan.
    pub slow_down: Option<SlowDown>,
    /// The valid Bedrock API keys (`Authorization: Bearer <key>`). Empty
    /// (the default): any non-empty key is accepted, as any SigV4
    /// signature is. Otherwise another key is refused with Bedrock's 403
    /// AccessDeniedException (in the route's own error shape on the
    /// OpenAI-compatible and Anthropic routes). Keys are never logged nor
    /// recorded.
    pub api_keys: ApiKeys,
    /// The check latencies of a request's guardrail (`guardrailConfig`,
    /// or InvokeModel's guardrail headers): the input check before the
    /// model starts, and in synchronous streaming each output unit's
    /// check before it is released. The defaults are illustrative (no
    /// public figure gives them); model time, on the time scale.
    pub guardrail: GuardrailTiming,
    /// Words a guardrail blocks (case-insensitive): a request with a
    /// guardrail whose user messages contain one is answered
    /// [`BLOCKED_MESSAGE`] with the stop reason `guardrail_intervened`,
    /// without model output. Empty by default.
    pub guardrail_blocked_words: Vec<String>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            time_scale: 1.0,
            seed: None,
            profiles: ProfileSet::builtin(),
            accept_any_model: false,
            ground_truth_file: None,
            keep_ground_truth: true,
            max_body_bytes: 20 * 1024 * 1024,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_buffered_body_bytes: DEFAULT_MAX_BUFFERED_BODY_BYTES,
            worker_threads: 2,
            shutdown_grace: Duration::from_secs(5),
            header_read_timeout: limits::DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: limits::DEFAULT_IDLE_TIMEOUT,
            max_connections: default_max_connections(),
            slow_down: None,
            api_keys: ApiKeys::default(),
            guardrail: GuardrailTiming::default(),
            guardrail_blocked_words: Vec::new(),
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The ground-truth file could not be created.
    #[error(
        "cannot create the ground-truth file {path}: {source} (an existing file is never overwritten: name a new one)"
    )]
    GroundTruth {
        /// The file asked for.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A setting is unusable.
    #[error("invalid emulator setting: {0}")]
    Config(String),
    /// A connection limit is unusable.
    #[error("invalid emulator setting: {0}")]
    Limits(LimitsError),
    /// A request-body limit is unusable.
    #[error("invalid emulator setting: {0}")]
    BodyLimits(BodyLimitsError),
    /// The runtime thread could not start.
    #[error("cannot start the emulator's runtime: {0}")]
    Runtime(std::io::Error),
}

/// A running emulator on its own runtime thread. Dropping it shuts it down.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Bind `config.addr` and serve on a dedicated runtime thread.
    pub fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        if !(config.time_scale.is_finite() && config.time_scale >= 0.0) {
            return Err(EmulatorError::Config(format!(
                "time scale must be a number of at least 0, found {}",
                config.time_scale
            )));
        }
        if let Some(slow_down) = &config.slow_down {
            slow_down.validate().map_err(EmulatorError::Config)?;
        }
        config.guardrail.validate().map_err(EmulatorError::Config)?;
        if config
            .guardrail_blocked_words
            .iter()
            .any(|w| w.trim().is_empty())
        {
            return Err(EmulatorError::Config(
                "a guardrail blocked word must not be empty".into(),
            ));
        }
        let limits = ConnectionLimits {
            header_read_timeout: config.header_read_timeout,
            idle_timeout: config.idle_timeout,
            max_connections: config.max_connections,
        };
        limits.validate().map_err(EmulatorError::Limits)?;
        let body_limits = BodyLimits {
            max_body_bytes: config.max_body_bytes,
            read_timeout: config.body_read_timeout,
            max_buffered_bytes: config.max_buffered_body_bytes,
        };
        body_limits.validate().map_err(EmulatorError::BodyLimits)?;
        let listener =
            std::net::TcpListener::bind(config.addr).map_err(|source| EmulatorError::Bind {
                addr: config.addr,
                source,
            })?;
        let bind_error = |source| EmulatorError::Bind {
            addr: config.addr,
            source,
        };
        listener.set_nonblocking(true).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let log = GroundTruthLog::new(
            config.ground_truth_file.as_deref(),
            config.keep_ground_truth,
        )
        .map_err(|source| EmulatorError::GroundTruth {
            path: config.ground_truth_file.clone().unwrap_or_default(),
            source,
        })?;
        let mut shared = Shared::new(
            config.time_scale,
            config.accept_any_model,
            request_bodies::RequestBodies::new(body_limits),
            config.profiles,
            log,
            config.seed,
            limits,
        );
        shared.slow_down = config.slow_down;
        shared.api_keys = config.api_keys;
        shared.guardrail = config.guardrail;
        shared.guardrail_blocked_words = config
            .guardrail_blocked_words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .collect();
        let shared = Arc::new(shared);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.worker_threads.max(1))
            .thread_name("bedrock-emulator")
            .enable_all()
            .build()
            .map_err(EmulatorError::Runtime)?;
        let (stop, stop_rx) = watch::channel(false);
        let serve_shared = Arc::clone(&shared);
        let grace = config.shutdown_grace;
        let thread = std::thread::Builder::new()
            .name("bedrock-emulator-main".into())
            .spawn(move || {
                let result = runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    server::serve(listener, Arc::clone(&serve_shared), stop_rx, grace).await;
                    Ok::<_, std::io::Error>(serve_shared)
                });
                // Dropping the runtime drops every connection still open,
                // which records their streams as cut; then flush.
                drop(runtime);
                if let Ok(shared) = result {
                    let _ = shared.ground_truth.flush();
                }
            })
            .map_err(EmulatorError::Runtime)?;
        Ok(Emulator {
            addr,
            shared,
            stop,
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the endpoint URL for clients.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every ground-truth record so far (in completion order).
    pub fn ground_truth(&self) -> Vec<GroundTruthRecord> {
        self.shared.ground_truth.records()
    }

    /// The ground-truth record of one request id, if it has completed.
    pub fn ground_truth_for(&self, request_id: &str) -> Option<GroundTruthRecord> {
        self.ground_truth()
            .into_iter()
            .find(|r| r.request_id == request_id)
    }

    /// Lateness of every frame written so far.
    pub fn lateness(&self) -> LatenessSummary {
        self.shared.lateness.summary()
    }

    /// Forget the lateness counted so far (to measure one phase).
    pub fn reset_lateness(&self) {
        self.shared.lateness.reset();
    }

    /// Ground-truth records that did not reach the file so far (each
    /// failure is counted; the first is also reported on stderr).
    pub fn ground_truth_errors(&self) -> GroundTruthErrors {
        self.shared.ground_truth.errors()
    }

    /// Connection counts so far: open now, closed for a timeout or to make
    /// room, deferred at the limit.
    pub fn connection_stats(&self) -> ConnectionStats {
        self.shared.connections.stats()
    }

    /// The connection limits in force.
    pub fn connection_limits(&self) -> ConnectionLimits {
        *self.shared.connections.limits()
    }

    /// Request-body counts so far: bytes held now and at most, bodies
    /// that timed out or did not fit the buffer.
    pub fn body_stats(&self) -> BodyStats {
        self.shared.bodies.stats()
    }

    /// The request-body limits in force.
    pub fn body_limits(&self) -> BodyLimits {
        *self.shared.bodies.limits()
    }

    /// Streams in flight now for a model (matched on its base id).
    pub fn in_flight(&self, model_id: &str) -> u32 {
        self.shared
            .in_flight
            .current(profile_set::base_model_id(model_id))
    }

    /// The time scale in use.
    pub fn time_scale(&self) -> f64 {
        self.shared.time_scale
    }

    /// Seconds since the emulator started, on the ground truth's clock.
    pub fn now_s(&self) -> f64 {
        self.shared.seconds_since_start(std::time::Instant::now())
    }

    /// Stop accepting, let in-flight streams finish (within the grace
    /// period), flush the ground truth and join the runtime thread.
    /// Returns the ground-truth records lost over the whole run, final now
    /// that the records of streams cut by the stop are written too.
    pub fn shutdown(mut self) -> GroundTruthErrors {
        self.stop_and_join();
        self.shared.ground_truth.errors()
    }

    fn stop_and_join(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
