//! The raw CSV: one row per call attempt, appended whole as each call
//! ends, so that an interrupted run keeps every finished call and a file
//! never holds a partial row.
//!
//! Columns: first the Python tool's, in its order
//! ([`PYTHON_COLUMNS`]), then the extended ones. Times are seconds with
//! microsecond precision.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::call::{CallRecord, CallSpec, takes_top_k};
use crate::config::{Experiment, Scenario};
use crate::stats::percentile;

/// The Python tool's raw columns, in its order.
pub const PYTHON_COLUMNS: [&str; 19] = [
    "time_to_first_byte",
    "time_to_last_byte",
    "job_timestamp_iso",
    "configured_output_tokens_for_request",
    "model_input_tokens",
    "model_output_tokens",
    "model",
    "region",
    "invocation_id",
    "api_call_status",
    "full_error_message",
    "temperature",
    "top_p",
    "top_k",
    "experiment_name",
    "task_type",
    "performance_config",
    "timestamp",
    "run_count",
];

/// One call attempt. Field order is column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RawRow {
    /// TTFT: first `contentBlockDelta`, seconds after t0.
    pub time_to_first_byte: Option<f64>,
    /// Total latency: end of the stream (or of the failed call), seconds after t0.
    pub time_to_last_byte: Option<f64>,
    /// Wall-clock start of the call, RFC 3339 UTC.
    pub job_timestamp_iso: String,
    /// `maxTokens` sent.
    pub configured_output_tokens_for_request: u32,
    /// `usage.inputTokens`.
    pub model_input_tokens: Option<u32>,
    /// `usage.outputTokens`.
    pub model_output_tokens: Option<u32>,
    /// Model or inference profile id.
    pub model: String,
    /// AWS region.
    pub region: String,
    /// The logical invocation (shared by its retries): `r<run>-s<scenario>-i<n>`.
    pub invocation_id: String,
    /// `Success`, `Timeout` or the error's type name.
    pub api_call_status: String,
    /// The error message (empty on success).
    pub full_error_message: String,
    /// `temperature` sent (empty when not sent).
    pub temperature: Option<f32>,
    /// `topP` sent.
    pub top_p: Option<f32>,
    /// top-k sent (empty when not sent, including families without top-k).
    pub top_k: Option<u32>,
    /// `experiment_name`.
    pub experiment_name: String,
    /// `task_type`.
    pub task_type: String,
    /// The scenario's performance config, `standard` when absent.
    pub performance_config: String,
    /// The run's id (`YYYYmmdd_HHMMSS`, as in the file name).
    pub timestamp: String,
    /// The run number, from 1.
    pub run_count: u32,
    // ----- extended columns -----
    /// `aws` or `emulator`.
    pub target: String,
    /// The emulator's time scale (1 = real time) when the target is the
    /// built-in emulator; empty for AWS or an emulator of unknown scale.
    /// Files of different time scales do not compare.
    pub time_scale: Option<f64>,
    /// The scenario's name.
    pub scenario: String,
    /// Attempt number of this invocation, from 1.
    pub attempt: u32,
    /// `x-amzn-RequestId`.
    pub request_id: String,
    /// `send()` returned, seconds after t0.
    pub time_to_response: Option<f64>,
    /// What was sent as `performanceConfig.latency` (empty: not sent).
    pub performance_config_sent: String,
    /// `metadata.performanceConfig.latency` (what was served).
    pub served_performance_config: String,
    /// `metadata.metrics.latencyMs`.
    pub server_latency_ms: Option<i64>,
    /// `messageStop.stopReason`.
    pub stop_reason: String,
    /// output tokens / total latency.
    pub otps: Option<f64>,
    /// (output tokens - 1) / (total latency - TTFT).
    pub generation_otps: Option<f64>,
    /// (total latency - TTFT) / (output tokens - 1).
    pub tpot: Option<f64>,
    /// `contentBlockDelta` events received.
    pub chunk_count: u32,
    /// Median gap between deltas, seconds.
    pub inter_chunk_gap_p50: Option<f64>,
    /// 90th percentile gap, seconds.
    pub inter_chunk_gap_p90: Option<f64>,
    /// Largest gap, seconds.
    pub inter_chunk_gap_max: Option<f64>,
    /// Worker that made the call (from 0), when run by the runner.
    pub worker: Option<u32>,
    /// When the call started, seconds after the run started.
    pub start_offset_s: Option<f64>,
    /// How long the call waited beyond its scheduled start, seconds.
    pub queue_delay_s: Option<f64>,
    /// `run` (the experiment runner), or `warmup` / `sample` (`cargo
    /// bench`); warm-up calls are recorded but left out of statistics.
    pub phase: String,
    /// Receipt of every delta, seconds after t0, separated by spaces.
    pub delta_offsets: String,
}

/// Where a call sits in an experiment: what [`RawRow::from_call`] needs
/// beyond the [`CallRecord`].
#[derive(Debug, Clone, Default)]
pub struct RowContext {
    /// `aws` or `emulator`.
    pub target: String,
    /// The emulator's time scale, when known.
    pub time_scale: Option<f64>,
    /// The run's id (`YYYYmmdd_HHMMSS`).
    pub run_id: String,
    /// Run number from 1.
    pub run_count: u32,
    /// `experiment_name`.
    pub experiment_name: String,
    /// Scenario name.
    pub scenario: String,
    /// `task_type`.
    pub task_type: String,
    /// Model id.
    pub model: String,
    /// Region.
    pub region: String,
    /// `standard` or `optimized` as reported.
    pub performance_config: String,
    /// What was sent (`""` when nothing was).
    pub performance_config_sent: String,
    /// `maxTokens`.
    pub max_tokens: u32,
    /// `temperature` sent.
    pub temperature: Option<f32>,
    /// `topP` sent.
    pub top_p: Option<f32>,
    /// top-k sent.
    pub top_k: Option<u32>,
    /// Logical invocation id.
    pub invocation_id: String,
    /// Attempt from 1.
    pub attempt: u32,
    /// Worker index.
    pub worker: Option<u32>,
    /// Call start, seconds after the run start.
    pub start_offset_s: Option<f64>,
    /// Wait beyond the schedule, seconds.
    pub queue_delay_s: Option<f64>,
    /// `run`, `warmup` or `sample`.
    pub phase: String,
}

impl RowContext {
    /// The fields every call of `scenario` shares; run, invocation and
    /// attempt fields are left for the caller.
    pub fn for_scenario(
        scenario: &Scenario,
        spec: &CallSpec,
        experiment: &Experiment,
        target: &str,
        time_scale: Option<f64>,
    ) -> RowContext {
        RowContext {
            target: target.to_string(),
            time_scale,
            experiment_name: experiment.experiment_name.clone(),
            scenario: scenario.name.clone(),
            task_type: scenario.task_type.clone(),
            model: scenario.model_id.clone(),
            region: scenario.region.clone(),
            performance_config: scenario.reported_performance().as_str().to_string(),
            performance_config_sent: scenario
                .performance_config
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            max_tokens: spec.max_tokens,
            temperature: spec.temperature,
            top_p: spec.top_p,
            top_k: spec.top_k.filter(|_| takes_top_k(&spec.model_id)),
            phase: "run".to_string(),
            ..RowContext::default()
        }
    }
}

/// Round to microseconds (the precision of every time column).
pub fn micros(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1e6
}

/// Round a rate to 6 decimals.
fn rate(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

impl RawRow {
    /// The row of one call attempt.
    pub fn from_call(context: &RowContext, record: &CallRecord) -> RawRow {
        let mut gaps: Vec<f64> = record.inter_chunk_gaps().map(|g| g.as_secs_f64()).collect();
        gaps.sort_by(f64::total_cmp);
        let offsets: Vec<String> = record.delta_offsets().map(|s| format!("{s:.6}")).collect();
        let started: DateTime<Utc> = record.started_at.into();
        RawRow {
            time_to_first_byte: record.ttft().map(micros),
            time_to_last_byte: record.total_latency().map(micros),
            job_timestamp_iso: started.to_rfc3339_opts(SecondsFormat::Micros, true),
            configured_output_tokens_for_request: context.max_tokens,
            model_input_tokens: record.input_tokens(),
            model_output_tokens: record.output_tokens(),
            model: context.model.clone(),
            region: context.region.clone(),
            invocation_id: context.invocation_id.clone(),
            api_call_status: record.status.as_str().to_string(),
            full_error_message: record.error_message.clone().unwrap_or_default(),
            temperature: context.temperature,
            top_p: context.top_p,
            top_k: context.top_k,
            experiment_name: context.experiment_name.clone(),
            task_type: context.task_type.clone(),
            performance_config: context.performance_config.clone(),
            timestamp: context.run_id.clone(),
            run_count: context.run_count,
            target: context.target.clone(),
            time_scale: context.time_scale,
            scenario: context.scenario.clone(),
            attempt: context.attempt,
            request_id: record.request_id.clone().unwrap_or_default(),
            time_to_response: record.time_to_response().map(micros),
            performance_config_sent: context.performance_config_sent.clone(),
            served_performance_config: record.served_performance.clone().unwrap_or_default(),
            server_latency_ms: record.server_latency_ms,
            stop_reason: record.stop_reason.clone().unwrap_or_default(),
            otps: record.otps().map(rate),
            generation_otps: record.generation_otps().map(rate),
            tpot: record.tpot().map(micros),
            chunk_count: u32::try_from(record.chunk_count()).unwrap_or(u32::MAX),
            inter_chunk_gap_p50: percentile(&gaps, 50.0).map(micros),
            inter_chunk_gap_p90: percentile(&gaps, 90.0).map(micros),
            inter_chunk_gap_max: gaps.last().copied().map(micros),
            worker: context.worker,
            start_offset_s: context.start_offset_s.map(micros),
            queue_delay_s: context.queue_delay_s.map(micros),
            phase: context.phase.clone(),
            delta_offsets: offsets.join(" "),
        }
    }
}

/// Appends rows to one raw CSV. Each row is written whole, with one
/// `write` of its complete line, before [`RawCsvWriter::write_row`]
/// returns; if the write fails (a full disk), whatever part of the line
/// reached the file is cut off again, so the file only ever holds whole
/// rows.
#[derive(Debug)]
pub struct RawCsvWriter {
    path: PathBuf,
    file: File,
    /// Bytes of whole lines in the file.
    len: u64,
    /// One row's line, reused.
    line: Vec<u8>,
    rows: u64,
}

impl RawCsvWriter {
    /// Create `dir/run_<run_id>.csv` (and `dir`). An existing file is
    /// never overwritten: a suffix `_2`, `_3`... is added instead.
    pub fn create(dir: &Path, run_id: &str) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mut n = 1;
        loop {
            let name = if n == 1 {
                format!("run_{run_id}.csv")
            } else {
                format!("run_{run_id}_{n}.csv")
            };
            let path = dir.join(name);
            match OpenOptions::new().append(true).create_new(true).open(&path) {
                Ok(file) => {
                    let mut writer = RawCsvWriter {
                        path,
                        file,
                        len: 0,
                        line: Vec::with_capacity(1024),
                        rows: 0,
                    };
                    let mut header = csv::WriterBuilder::new().from_writer(Vec::new());
                    header.write_record(column_names())?;
                    let header = header.into_inner().map_err(|e| e.into_error())?;
                    writer.append(&header)?;
                    return Ok(writer);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Append one row, whole, or not at all.
    pub fn write_row(&mut self, row: &RawRow) -> std::io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(line);
        let serialized = csv.serialize(row).map_err(std::io::Error::other);
        let line = csv.into_inner().map_err(|e| e.into_error())?;
        let written = serialized.and_then(|()| self.append(&line));
        self.line = line;
        written?;
        self.rows += 1;
        Ok(())
    }

    /// Write `bytes` (whole lines) at the end of the file; on failure, cut
    /// the file back to its last whole line.
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self.file.write_all(bytes) {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(error) => {
                // Best effort: a part of the line may have been written.
                let _ = self.file.set_len(self.len);
                Err(error)
            }
        }
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Sync to disk.
    pub fn finish(self) -> std::io::Result<PathBuf> {
        self.file.sync_all()?;
        Ok(self.path)
    }
}

/// The extended columns, after [`PYTHON_COLUMNS`].
pub const EXTENDED_COLUMNS: [&str; 22] = [
    "target",
    "time_scale",
    "scenario",
    "attempt",
    "request_id",
    "time_to_response",
    "performance_config_sent",
    "served_performance_config",
    "server_latency_ms",
    "stop_reason",
    "otps",
    "generation_otps",
    "tpot",
    "chunk_count",
    "inter_chunk_gap_p50",
    "inter_chunk_gap_p90",
    "inter_chunk_gap_max",
    "worker",
    "start_offset_s",
    "queue_delay_s",
    "phase",
    "delta_offsets",
];

/// Every column name, in order (the header line).
pub fn column_names() -> impl Iterator<Item = &'static str> {
    PYTHON_COLUMNS.into_iter().chain(EXTENDED_COLUMNS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_python_columns_then_the_extended_ones() {
        let seed = include_str!("../../tests/fixtures/seed/seed_raw_columns.txt");
        assert_eq!(seed.trim(), PYTHON_COLUMNS.join(","));
        // serde's field order must match the declared columns exactly.
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(RawRow::default()).expect("serialize");
        let bytes = writer.into_inner().expect("bytes");
        let header = String::from_utf8(bytes).expect("utf8");
        let expected: Vec<&str> = column_names().collect();
        assert_eq!(header.lines().next(), Some(expected.join(",").as_str()));
    }

    #[test]
    fn files_are_never_overwritten_and_rows_reach_disk() {
        let dir = std::env::temp_dir().join(format!("bb-raw-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut first = RawCsvWriter::create(&dir, "20250101_000000").expect("create");
        let second = RawCsvWriter::create(&dir, "20250101_000000").expect("create");
        assert_ne!(first.path(), second.path());
        let row = RawRow {
            model: "m".into(),
            api_call_status: "Success".into(),
            time_to_first_byte: Some(0.5),
            ..RawRow::default()
        };
        first.write_row(&row).expect("write");
        let text = std::fs::read_to_string(first.path()).expect("read");
        assert_eq!(
            text.lines().count(),
            2,
            "header and the row are on disk before finish()"
        );
        assert!(text.lines().nth(1).is_some_and(|l| l.starts_with("0.5,")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
