//! `bedrock-bench calibrate`: how exact is the harness? The runner drives
//! an emulator in a separate process with a fixed profile; every client
//! record is joined to the emulator's ground truth by request id. Per
//! concurrency level it reports the TTFT and total-latency errors, the
//! client's queue delay, events per second, client CPU per event, peak
//! memory, and the emulator's own frame lateness.

mod accuracy;
mod emulator_process;
mod error;
mod figures;
mod report;
mod resources;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use accuracy::{Accuracy, ClientTiming, accuracy};
pub use emulator_process::{EmulatorProcess, EmulatorProgram, EmulatorStats};
pub use error::CalibrateError;
pub use figures::figures;
pub use report::{CSV_COLUMNS, csv_record, table, write_csv};
pub use resources::{cpu_time, raise_open_file_limit, resident_bytes};

use crate::client::Clients;
use crate::config::{ConnectionMode, Experiment, parse_scenarios};
use crate::plan::PlanInput;
use crate::record::AttemptRecord;
use crate::runner::{self, ProgressMode, RunControls, RunEvent, RunSink, SinkError};
use bedrock_emulator::GroundTruthRecord;

/// The model id every calibration call uses (served by the emulator's
/// generic profile).
pub const MODEL_ID: &str = "calibration.fixed-profile-v1:0";

/// The model id of calls through the Anthropic Messages API and
/// InvokeModelWithResponseStream (an Anthropic id: the APIs serve Claude,
/// and the Anthropic body is the one built), on the same generic profile.
pub const ANTHROPIC_MODEL_ID: &str = "anthropic.calibration-fixed-profile-v1:0";

/// The model id of Chat Completions calls on `bedrock-runtime` (which
/// serves OpenAI's models), on the same generic profile.
pub const OPENAI_MODEL_ID: &str = "openai.calibration-fixed-profile-v1:0";

/// What to measure.
#[derive(Debug, Clone)]
pub struct CalibrateOptions {
    /// Concurrency levels (parallel workers), in order.
    pub concurrency: Vec<u32>,
    /// Calls per level; `None` = twice the concurrency, at least 10.
    pub calls: Option<u64>,
    /// Output tokens per call (one token per delta).
    pub tokens: u32,
    /// The profile's decode rate, tokens per second.
    pub tokens_per_s: f64,
    /// The profile's (fixed) time to first token, seconds.
    pub ttft_s: f64,
    /// Where the level's raw CSVs, the ground truth and the results go.
    pub out_dir: PathBuf,
    /// The program that serves the emulator.
    pub emulator: EmulatorProgram,
    /// Worker threads of the client's runtime (the runner's default is one
    /// per core).
    pub client_threads: usize,
    /// Worker threads of the emulator process.
    pub emulator_threads: usize,
    /// Use this model's built-in profile (its TTFT spread, decode rate,
    /// jitter and chunking) instead of the fixed one; only its natural
    /// answer length is raised so that every call makes `tokens` tokens.
    pub model: Option<String>,
    /// The inference API the calls go through (a streaming one).
    pub api: bedrock_catalog::Api,
    /// The endpoint of the API.
    pub endpoint: bedrock_catalog::Endpoint,
    /// The progress display of the measured calls (off by default: one
    /// line per level is printed; `Live` measures the harness with the
    /// live view drawing).
    pub progress: ProgressMode,
}

impl CalibrateOptions {
    /// The model id the calls name: `model`, else a fixed-profile id of a
    /// family the API serves ([`MODEL_ID`] for ConverseStream).
    pub fn model_id(&self) -> &str {
        use bedrock_catalog::{Api, Endpoint};
        match (&self.model, self.api, self.endpoint) {
            (Some(model), _, _) => model,
            (None, Api::AnthropicMessages | Api::InvokeStream, _) => ANTHROPIC_MODEL_ID,
            (None, Api::OpenAiChat, Endpoint::Runtime) => OPENAI_MODEL_ID,
            (None, _, _) => MODEL_ID,
        }
    }

    /// The `api` and `endpoint` fields of the scenarios' lines.
    fn api_fields(&self) -> String {
        format!(
            r#", "api": "{}", "endpoint": "{}""#,
            self.api, self.endpoint
        )
    }

    /// Calls made at `concurrency`.
    pub fn calls_at(&self, concurrency: u32) -> u64 {
        self.calls.unwrap_or((2 * u64::from(concurrency)).max(10))
    }
}

/// The measurements of one concurrency level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelResult {
    /// Parallel workers.
    pub concurrency: u32,
    /// Calls made.
    pub calls: u64,
    /// Calls that did not succeed.
    pub errors: u64,
    /// Errors against the ground truth, queue delay and event count.
    pub accuracy: Accuracy,
    /// Wall time of the level.
    pub wall: Duration,
    /// Client CPU time (user + system) during the level.
    pub cpu: Duration,
    /// Highest resident memory of the client during the level, bytes.
    pub peak_rss: u64,
    /// The emulator's frame lateness during the level.
    pub emulator: EmulatorStats,
    /// Connections the client opened during the measured calls (after the
    /// warm-up, normally none: every call rides an open connection).
    pub new_connections: u64,
}

impl LevelResult {
    /// Events received per second of wall time.
    pub fn events_per_second(&self) -> f64 {
        self.accuracy.events as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Client CPU time per event received, microseconds.
    pub fn cpu_us_per_event(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / (self.accuracy.events.max(1) as f64)
    }
}

/// The emulator profile: every model answers with exactly `ttft_s`, then
/// one token per delta at `tokens_per_s`, never stopping before `tokens`.
/// With a built-in `model`, only that model's natural length is raised
/// (and its rate quotas removed).
fn profile_json(options: &CalibrateOptions) -> String {
    if let Some(model) = &options.model {
        let long = options.tokens.saturating_mul(2);
        let length = serde_json::json!({
            "natural_output_tokens_p50": long,
            "natural_output_tokens_p90": long,
        });
        // No rate quota: calibration measures the harness, not throttling.
        return serde_json::json!({ "models": { model: {
            "standard": length, "quota": null, "optimized_quota": null
        } } })
        .to_string();
    }
    serde_json::json!({
        "generic": {
            "input_token_overhead": 0,
            "max_in_flight": null,
            "optimized": null,
            "standard": {
                "ttft_p50_s": options.ttft_s,
                "ttft_p90_s": options.ttft_s,
                "ttft_per_input_token_s": 0.0,
                "tokens_per_s": options.tokens_per_s,
                "decode_jitter": 0.0,
                "tokens_per_chunk": 1,
                "natural_output_tokens_p50": options.tokens.saturating_mul(2),
                "natural_output_tokens_p90": options.tokens.saturating_mul(2),
                "response_headers_s": 0.0,
            }
        }
    })
    .to_string()
}

/// Run every level; results in order. Prints one line per level on stderr.
pub fn calibrate(options: &CalibrateOptions) -> Result<Vec<LevelResult>, CalibrateError> {
    raise_open_file_limit();
    std::fs::create_dir_all(&options.out_dir).map_err(|source| CalibrateError::CreateDir {
        dir: options.out_dir.clone(),
        source,
    })?;
    let profiles = options.out_dir.join("emulator-profile.json");
    std::fs::write(&profiles, profile_json(options))
        .map_err(|source| CalibrateError::WriteProfile { source })?;
    let ground_truth = options.out_dir.join("ground_truth.jsonl");
    let emulator = EmulatorProcess::start(
        &options.emulator,
        &profiles,
        &ground_truth,
        options.emulator_threads,
    )
    .map_err(|source| CalibrateError::StartEmulator { source })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.client_threads.max(1))
        .enable_all()
        .build()
        .map_err(|source| CalibrateError::Runtime { source })?;
    let clients = Arc::new(Clients::for_endpoint(emulator.url(), ConnectionMode::Warm));
    let mut results = Vec::new();
    for &concurrency in &options.concurrency {
        let result = runtime.block_on(level(
            options,
            concurrency,
            &clients,
            &emulator,
            &ground_truth,
        ))?;
        let a = &result.accuracy;
        eprintln!(
            "concurrency {:>5}: {} calls, TTFT error p50 {:.3} ms p99 {} (request path p99 {}), {:.0} events/s, {:.2} µs CPU/event",
            concurrency,
            result.calls,
            ms(a.ttft_error.map(|s| s.p50)),
            p99_ms(a.ttft_error),
            p99_ms(a.request_path),
            result.events_per_second(),
            result.cpu_us_per_event()
        );
        results.push(result);
    }
    drop(clients);
    emulator.stop();
    Ok(results)
}

fn ms(seconds: Option<f64>) -> f64 {
    seconds.map_or(f64::NAN, |s| s * 1e3)
}

/// `1.234 ms`, or `n<100` for a p99 of too few calls (see
/// `analysis::percentile_rule`).
fn p99_ms(summary: Option<crate::stats::Summary>) -> String {
    match summary {
        Some(s) => crate::analysis::percentile_rule::cell(99.0, s.count, s.p99, |v| {
            format!("{:.3} ms", v * 1e3)
        }),
        None => "NaN ms".to_string(),
    }
}

async fn level(
    options: &CalibrateOptions,
    concurrency: u32,
    clients: &Arc<Clients>,
    emulator: &EmulatorProcess,
    ground_truth: &Path,
) -> Result<LevelResult, CalibrateError> {
    let calls = options.calls_at(concurrency);
    let invocations = calls.div_ceil(u64::from(concurrency.max(1)));
    let scenarios_text: String = (0..concurrency)
        .map(|i| {
            format!(
                "{{\"scenario_name\": \"calibrate-{i}\", \"text_prompt\": \"Count slowly.\", \"expected_output_tokens\": {}, \"model_id\": \"{}\", \"region\": \"us-east-2\"{}}}\n",
                options.tokens,
                options.model_id(),
                options.api_fields()
            )
        })
        .collect();
    let scenarios = parse_scenarios(&scenarios_text, "calibration scenarios", Path::new("."))
        .map_err(CalibrateError::Scenarios)?
        .value;
    let experiment = Experiment {
        experiment_name: format!("calibrate-c{concurrency}"),
        invocations_per_scenario: u32::try_from(invocations).unwrap_or(u32::MAX),
        num_parallel_invocations: concurrency,
        num_runs_per_experiment: 1,
        sleep_between_invocations: Duration::ZERO,
        max_retries: 0,
        call_timeout: Duration::from_secs(600),
        ..Experiment::default()
    };
    let out = options.out_dir.join(format!("c{concurrency}"));
    let timings = Arc::new(std::sync::Mutex::new(Vec::new()));
    let plan = PlanInput::new(scenarios, experiment)
        .seed(u64::from(concurrency))
        .build();
    let controls = RunControls::new(out)
        .progress(options.progress)
        .sink(Box::new(TimingSink(Arc::clone(&timings))));

    warm_up(options, concurrency, clients).await?;
    let before = emulator
        .stats(true)
        .map_err(|source| CalibrateError::ResetCounters { source })?;
    let sampler = MemorySampler::start();
    let cpu_before = cpu_time();
    let started = Instant::now();
    let summary = runner::run(Arc::clone(clients), &plan, controls)
        .await
        .map_err(CalibrateError::Run)?;
    let wall = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    let peak_rss = sampler.stop();
    let emulator_stats = emulator
        .stats(false)
        .map_err(|source| CalibrateError::ReadCounters { source })?;
    // The second stats request opened one connection itself.
    let new_connections = emulator_stats
        .connections
        .saturating_sub(before.connections)
        .saturating_sub(1);

    let rows = std::mem::take(&mut *timings.lock().unwrap_or_else(|p| p.into_inner()));
    let truth = read_ground_truth(ground_truth)?;
    Ok(LevelResult {
        concurrency,
        calls: summary.attempts,
        errors: summary.failures,
        accuracy: accuracy(&rows, &truth, emulator_stats.epoch_unix_us),
        new_connections,
        wall,
        cpu,
        peak_rss,
        emulator: emulator_stats,
    })
}

/// Keeps what the join needs of every attempt (see [`ClientTiming`]).
struct TimingSink(Arc<std::sync::Mutex<Vec<ClientTiming>>>);

impl RunSink for TimingSink {
    fn event(&mut self, event: &RunEvent) -> Result<(), SinkError> {
        if let RunEvent::CallFinished(record) = event {
            let timing = ClientTiming::from(record.as_ref() as &AttemptRecord);
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(timing);
        }
        Ok(())
    }
}

/// One short untimed call per worker first, so that every measured call
/// rides an open connection: connection setup is the network's cost, not
/// the harness's error. (The warm-up's rows go to their own directory.)
async fn warm_up(
    options: &CalibrateOptions,
    concurrency: u32,
    clients: &Arc<Clients>,
) -> Result<(), CalibrateError> {
    let text: String = (0..concurrency)
        .map(|i| {
            format!(
                "{{\"scenario_name\": \"warm-up-{i}\", \"text_prompt\": \"Hi.\", \"expected_output_tokens\": 1, \"model_id\": \"{}\", \"region\": \"us-east-2\"{}}}\n",
                options.model_id(),
                options.api_fields()
            )
        })
        .collect();
    let scenarios = parse_scenarios(&text, "calibration warm-up", Path::new("."))
        .map_err(CalibrateError::Scenarios)?
        .value;
    let experiment = Experiment {
        experiment_name: format!("calibrate-warm-up-c{concurrency}"),
        num_parallel_invocations: concurrency,
        invocations_per_scenario: 1,
        max_retries: 0,
        call_timeout: Duration::from_secs(600),
        ..Experiment::default()
    };
    let plan = PlanInput::new(scenarios, experiment).build();
    let controls = RunControls::new(
        options
            .out_dir
            .join(format!("c{concurrency}"))
            .join("warm-up"),
    );
    let summary = runner::run(Arc::clone(clients), &plan, controls)
        .await
        .map_err(CalibrateError::WarmUp)?;
    if summary.failures > 0 {
        return Err(CalibrateError::WarmUpCalls {
            failed: summary.failures,
            attempts: summary.attempts,
        });
    }
    Ok(())
}

fn read_ground_truth(path: &Path) -> Result<Vec<GroundTruthRecord>, CalibrateError> {
    let text = std::fs::read_to_string(path).map_err(|source| CalibrateError::ReadGroundTruth {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|source| CalibrateError::GroundTruthLine {
                path: path.to_path_buf(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

/// Samples this process's resident memory every 50 ms and keeps the
/// largest value.
struct MemorySampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MemorySampler {
    fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(resident_bytes()));
        let (thread_stop, thread_peak) = (Arc::clone(&stop), Arc::clone(&peak));
        let thread = std::thread::Builder::new()
            .name("memory-sampler".into())
            .spawn(move || {
                while !thread_stop.load(Ordering::Relaxed) {
                    thread_peak.fetch_max(resident_bytes(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
            .ok();
        MemorySampler { stop, peak, thread }
    }

    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.peak.fetch_max(resident_bytes(), Ordering::Relaxed);
        self.peak.load(Ordering::Relaxed)
    }
}
