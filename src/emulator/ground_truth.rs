//! Ground truth: one record per request, with the server-side times of the
//! actual writes, as JSON lines to a file and in memory for tests.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What the emulator did for one request. Times are seconds since the
/// emulator started, on its monotonic clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The response head was handed to the connection.
    pub headers_written_s: Option<f64>,
    /// The first `contentBlockDelta` frame was handed to the connection.
    pub first_delta_written_s: Option<f64>,
    /// The last frame was handed to the connection.
    pub last_frame_written_s: Option<f64>,
    /// The largest lateness of any frame (actual minus scheduled write).
    pub max_frame_lateness_s: Option<f64>,
    /// When the plan put the first `contentBlockDelta`, in seconds after
    /// `received_s` (time scale applied); `null` for errors before the
    /// stream. Repeatable for a given seed and request order.
    #[serde(default)]
    pub planned_ttft_s: Option<f64>,
    /// When the plan put the last frame (metadata, or the exception), in
    /// seconds after `received_s` (time scale applied); `null` for errors
    /// before the stream.
    #[serde(default)]
    pub planned_total_s: Option<f64>,
}

/// Where ground truth goes: an optional JSON-lines file (flushed after
/// every record) and an optional in-memory list.
#[derive(Debug)]
pub struct GroundTruthLog {
    file: Mutex<Option<BufWriter<File>>>,
    memory: Option<Mutex<Vec<GroundTruthRecord>>>,
}

impl GroundTruthLog {
    /// A log writing to `path` if given, and keeping records in memory if
    /// `keep_in_memory`. An existing file is never overwritten: that is an
    /// `AlreadyExists` error.
    pub fn new(path: Option<&Path>, keep_in_memory: bool) -> std::io::Result<Self> {
        let file = match path {
            Some(path) => Some(BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)?,
            )),
            None => None,
        };
        Ok(GroundTruthLog {
            file: Mutex::new(file),
            memory: keep_in_memory.then(|| Mutex::new(Vec::new())),
        })
    }

    /// Record one request.
    pub fn push(&self, record: GroundTruthRecord) {
        if let Ok(mut file) = self.file.lock()
            && let Some(writer) = file.as_mut()
        {
            // A failing ground-truth file must not break the stream being
            // served; the error shows as a missing line and in flush().
            if let Ok(line) = serde_json::to_string(&record) {
                let _ = writeln!(writer, "{line}").and_then(|()| writer.flush());
            }
        }
        if let Some(memory) = &self.memory
            && let Ok(mut memory) = memory.lock()
        {
            memory.push(record);
        }
    }

    /// Every record so far (empty when not kept in memory).
    pub fn records(&self) -> Vec<GroundTruthRecord> {
        self.memory
            .as_ref()
            .and_then(|m| m.lock().ok().map(|m| m.clone()))
            .unwrap_or_default()
    }

    /// Flush the file, if any.
    pub fn flush(&self) -> std::io::Result<()> {
        match self.file.lock() {
            Ok(mut file) => file.as_mut().map_or(Ok(()), |w| w.flush()),
            Err(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
