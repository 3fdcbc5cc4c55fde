//! Ground truth: one record per request, with the server-side times of the
//! actual writes, as JSON lines to a file and in memory for tests.
//! Records that cannot be written are counted, never silently dropped.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

pub use super::ground_truth_file::GroundTruthErrors;
use super::ground_truth_file::GroundTruthFile;

/// What the emulator did for one request. Times are seconds since the
/// emulator started, on its monotonic clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroundTruthRecord {
    /// The `x-amzn-RequestId` it returned.
    pub request_id: String,
    /// The model id as the client sent it (percent-decoded).
    pub model_id: String,
    /// `performanceConfig.latency` of the request, if any.
    pub requested_performance: Option<String>,
    /// What the metadata event said was served, if the stream got that far
    /// and the request asked for one.
    pub served_performance: Option<String>,
    /// HTTP status of the response; 0 when the request ended before any
    /// response was sent (client gone, or emulator stopped).
    pub http_status: u16,
    /// `complete`, the error type of a pre-stream error
    /// (`ThrottlingException`...), the exception type of a mid-stream
    /// exception (`throttlingException`...), or `client_disconnected` /
    /// `shutdown` when the request or its stream was cut short (before or
    /// after the response head).
    pub outcome: String,
    /// Injected faults, by name (`throttle_before_stream`, `stall`...).
    pub faults: Vec<String>,
    /// `usage.inputTokens` reported (or that would have been).
    pub input_tokens: u32,
    /// Output tokens actually written in deltas.
    pub output_tokens: u32,
    /// `contentBlockDelta` frames actually written.
    pub deltas_written: u32,
    /// The request's headers were read.
    pub received_s: f64,
    /// The request's body was read in full: the plan's clock starts here
    /// (every `planned_*` time and every frame's lateness count from it).
    /// `null` when the body never was (a body timeout or refusal, a body
    /// over the size limit, a client gone) and in records written before
    /// this field existed, whose plans counted from `received_s`.
    #[serde(default)]
    pub body_complete_s: Option<f64>,
    /// The response head was handed to the connection.
    pub headers_written_s: Option<f64>,
    /// The first `contentBlockDelta` frame was handed to the connection.
    pub first_delta_written_s: Option<f64>,
    /// The last frame was handed to the connection.
    pub last_frame_written_s: Option<f64>,
    /// The largest lateness of any frame (actual minus scheduled write).
    pub max_frame_lateness_s: Option<f64>,
    /// When the plan put the first `contentBlockDelta`, in seconds after
    /// `body_complete_s` (time scale applied); `null` for errors before the
    /// stream. Repeatable for a given seed and request order.
    #[serde(default)]
    pub planned_ttft_s: Option<f64>,
    /// When the plan put the last frame (metadata, or the exception), in
    /// seconds after `body_complete_s` (time scale applied); `null` for
    /// errors before the stream.
    #[serde(default)]
    pub planned_total_s: Option<f64>,
    /// `converse-stream`, `converse`, `invoke-with-response-stream`,
    /// `invoke`, `chat-completions` or `messages` (records written before
    /// this field existed read as `converse-stream`).
    #[serde(default = "converse_stream")]
    pub operation: String,
    /// `serviceTier.type` of the request, if any.
    #[serde(default)]
    pub requested_tier: Option<String>,
    /// The tier served (what the answer reports when the request asked
    /// for one): the requested one, `default` when none was asked, or
    /// `default` after a `priority_served_as_default` fault; `null` for
    /// errors before the stream.
    #[serde(default)]
    pub served_tier: Option<String>,
    /// `usage.cacheReadInputTokens` (0 without a cache read).
    #[serde(default)]
    pub cache_read_input_tokens: u32,
    /// `usage.cacheWriteInputTokens` (0 without a cache write).
    #[serde(default)]
    pub cache_write_input_tokens: u32,
    /// Reasoning tokens planned (part of `output_tokens` when written).
    #[serde(default)]
    pub reasoning_tokens: u32,
    /// Planned reasoning time: from the first reasoning delta to the first
    /// delta of the answer's block, seconds (time scale applied); `null`
    /// without reasoning.
    #[serde(default)]
    pub reasoning_s: Option<f64>,
    /// Tool-use content blocks in the answer (0 or 1).
    #[serde(default)]
    pub tool_use_blocks: u32,
    /// How the request authenticated: `sigv4`, `bearer` (a Bedrock API
    /// key) or `x-api-key` (a key in that header, Messages route only);
    /// `null` without a usable `Authorization` header, and in records
    /// written before this field existed. The key itself is never
    /// recorded.
    #[serde(default)]
    pub auth: Option<String>,
    /// The request's guardrail, `<identifier>:<version>`; empty without
    /// one (and in records written before this field existed).
    #[serde(default)]
    pub guardrail: String,
    /// How the guardrail checked the output: `sync` (held until checked;
    /// always for Converse and InvokeModel, whose whole answer is
    /// checked) or `async`; empty without a guardrail.
    #[serde(default)]
    pub guardrail_mode: String,
    /// How much later the guardrail planned the first delta than the
    /// same request without one, milliseconds (time scale applied; 0
    /// when it planned it no later, as async mode with no input check
    /// does, or without a guardrail). `planned_ttft_s` already includes
    /// it.
    #[serde(default)]
    pub guardrail_delay_ms: f64,
}

impl GroundTruthRecord {
    /// When the plan's clock started, seconds since the emulator started:
    /// `body_complete_s`, or `received_s` for a record without it (an older
    /// file, whose plans counted from the headers, or a request whose body
    /// never completed). The emulator's own time to first token is
    /// `first_delta_written_s - plan_start_s()`; every join of client
    /// timings to the ground truth uses this instant.
    pub fn plan_start_s(&self) -> f64 {
        self.body_complete_s.unwrap_or(self.received_s)
    }
}

fn converse_stream() -> String {
    "converse-stream".to_string()
}

/// Where ground truth goes: an optional JSON-lines file (one write per
/// record; failures counted and reported, see [`GroundTruthErrors`]) and an
/// optional in-memory list.
#[derive(Debug)]
pub struct GroundTruthLog {
    file: Mutex<Option<GroundTruthFile>>,
    memory: Option<Mutex<Vec<GroundTruthRecord>>>,
}

impl GroundTruthLog {
    /// A log writing to `path` if given, and keeping records in memory if
    /// `keep_in_memory`. An existing file is never overwritten: that is an
    /// `AlreadyExists` error.
    pub fn new(path: Option<&Path>, keep_in_memory: bool) -> std::io::Result<Self> {
        let file = path.map(GroundTruthFile::create).transpose()?;
        Ok(Self::with_file(file, keep_in_memory))
    }

    /// A log writing its lines to `writer` (called `name` in messages),
    /// for tests of what happens when writes fail.
    #[cfg(test)]
    pub fn with_writer(
        writer: Box<dyn std::io::Write + Send>,
        name: &str,
        keep_in_memory: bool,
    ) -> Self {
        Self::with_file(
            Some(GroundTruthFile::from_writer(writer, name)),
            keep_in_memory,
        )
    }

    fn with_file(file: Option<GroundTruthFile>, keep_in_memory: bool) -> Self {
        GroundTruthLog {
            file: Mutex::new(file),
            memory: keep_in_memory.then(|| Mutex::new(Vec::new())),
        }
    }

    fn file(&self) -> MutexGuard<'_, Option<GroundTruthFile>> {
        self.file.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Record one request. A failing file never breaks the stream being
    /// served: the record is counted as lost (see [`GroundTruthLog::errors`]).
    pub fn push(&self, record: GroundTruthRecord) {
        if let Some(file) = self.file().as_mut() {
            match serde_json::to_vec(&record) {
                Ok(mut line) => {
                    line.push(b'\n');
                    file.write_line(&line);
                }
                Err(error) => file.write_failed(&std::io::Error::other(error)),
            }
        }
        if let Some(memory) = &self.memory {
            memory
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(record);
        }
    }

    /// Every record so far (empty when not kept in memory).
    pub fn records(&self) -> Vec<GroundTruthRecord> {
        self.memory
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default()
    }

    /// Records that did not reach the file so far (none without a file).
    pub fn errors(&self) -> GroundTruthErrors {
        self.file()
            .as_ref()
            .map(|f| f.errors().clone())
            .unwrap_or_default()
    }

    /// Flush the file, if any.
    pub fn flush(&self) -> std::io::Result<()> {
        self.file().as_mut().map_or(Ok(()), |f| f.flush())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let path = std::env::temp_dir().join(format!("bb-gt-exists-{}.jsonl", std::process::id()));
        std::fs::write(&path, "earlier run\n").expect("write");
        let error = GroundTruthLog::new(Some(&path), false).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "earlier run\n"
        );
        let _ = std::fs::remove_file(&path);
    }

    /// Fails every write, like a full disk.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from_raw_os_error(28))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn records_that_miss_the_file_are_counted_and_still_kept_in_memory() {
        let log = GroundTruthLog::with_writer(Box::new(Full), "full.jsonl", true);
        assert_eq!(log.errors(), GroundTruthErrors::default());
        let record: GroundTruthRecord = serde_json::from_str(
            r#"{"request_id":"r","model_id":"m","requested_performance":null,
               "served_performance":null,"http_status":200,"outcome":"complete",
               "faults":[],"input_tokens":1,"output_tokens":2,"deltas_written":2,
               "received_s":0.0,"headers_written_s":null,"first_delta_written_s":null,
               "last_frame_written_s":null,"max_frame_lateness_s":null}"#,
        )
        .expect("a record");
        log.push(record.clone());
        log.push(record.clone());
        let errors = log.errors();
        assert_eq!(errors.records_lost, 2);
        assert!(errors.write_errors >= 1);
        assert!(
            errors
                .first_error
                .as_deref()
                .is_some_and(|m| m.contains("cannot write ground truth to full.jsonl")),
            "{errors:?}"
        );
        assert_eq!(log.records(), vec![record.clone(), record]);
    }
}
