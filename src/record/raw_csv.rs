//! The raw CSV: one row per call attempt, appended whole as each call
//! ends, so that an interrupted run keeps every finished call and a file
//! never holds a partial row.
//!
//! Columns: [`Column::all`], the Python tool's first, in its order. Times
//! are seconds with microsecond precision, rates have six decimals. The
//! row of an [`AttemptRecord`] exists only here, as the fields of one
//! line.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::record::{AttemptRecord, Column};
use crate::stats::percentile;
use crate::timestamps::iso_micros;

/// Round to microseconds (the precision of every time column).
fn micros(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1e6
}

/// A number as the csv crate writes one (shortest round-trip form).
fn float(value: f64) -> Cow<'static, str> {
    Cow::Owned(ryu::Buffer::new().format(value).to_string())
}

fn float_or_empty(value: Option<f64>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), float)
}

fn single_or_empty(value: Option<f32>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), |v| {
        Cow::Owned(ryu::Buffer::new().format(v).to_string())
    })
}

fn integer_or_empty(value: Option<impl ToString>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string()))
}

/// The gaps between deltas of a record, sorted, and its delta offsets as
/// text: computed once per row.
struct Derived {
    gaps: Vec<f64>,
    offsets: String,
}

impl Derived {
    fn of(record: &AttemptRecord) -> Derived {
        let mut gaps: Vec<f64> = record
            .call
            .inter_chunk_gaps()
            .map(|g| g.as_secs_f64())
            .collect();
        gaps.sort_by(f64::total_cmp);
        let offsets: Vec<String> = record
            .call
            .delta_offsets()
            .map(|s| format!("{s:.6}"))
            .collect();
        Derived {
            gaps,
            offsets: offsets.join(" "),
        }
    }
}

/// The field of `column` for `record`.
fn field<'a>(column: Column, record: &'a AttemptRecord, derived: &'a Derived) -> Cow<'a, str> {
    let call = &record.call;
    let facts = &record.scenario;
    let rate = |value: Option<f64>| float_or_empty(value.map(micros));
    let time = |value: Option<f64>| float_or_empty(value.map(micros));
    let text = |value: &'a Option<String>| Cow::Borrowed(value.as_deref().unwrap_or(""));
    match column {
        Column::TimeToFirstByte => time(call.ttft()),
        Column::TimeToLastByte => time(call.total_latency()),
        Column::JobTimestampIso => Cow::Owned(iso_micros(call.started_at)),
        Column::ConfiguredOutputTokensForRequest => Cow::Owned(record.sent.max_tokens.to_string()),
        Column::ModelInputTokens => integer_or_empty(call.input_tokens()),
        Column::ModelOutputTokens => integer_or_empty(call.output_tokens()),
        Column::Model => Cow::Borrowed(&facts.model),
        Column::Region => Cow::Borrowed(&facts.region),
        Column::InvocationId => Cow::Borrowed(&record.invocation_id),
        Column::ApiCallStatus => Cow::Borrowed(call.status.as_str()),
        Column::FullErrorMessage => text(&call.error_message),
        Column::Temperature => single_or_empty(facts.temperature),
        Column::TopP => single_or_empty(facts.top_p),
        Column::TopK => integer_or_empty(facts.top_k),
        Column::ExperimentName => Cow::Borrowed(&facts.experiment_name),
        Column::TaskType => Cow::Borrowed(&facts.task_type),
        Column::PerformanceConfig => Cow::Borrowed(facts.performance_config().as_str()),
        Column::Timestamp => Cow::Borrowed(&record.run.run_id),
        Column::RunCount => Cow::Owned(record.run.run.to_string()),
        Column::Target => Cow::Borrowed(facts.target.as_str()),
        Column::TimeScale => float_or_empty(facts.time_scale),
        Column::Scenario => Cow::Borrowed(&facts.name),
        Column::Attempt => Cow::Owned(record.attempt.to_string()),
        Column::RequestId => text(&call.request_id),
        Column::TimeToResponse => time(call.time_to_response()),
        Column::PerformanceConfigSent => {
            Cow::Borrowed(facts.performance_sent.map_or("", |p| p.as_str()))
        }
        Column::ServedPerformanceConfig => text(&call.served_performance),
        Column::ServerLatencyMs => integer_or_empty(call.server_latency_ms),
        Column::StopReason => text(&call.stop_reason),
        Column::Otps => rate(call.otps()),
        Column::GenerationOtps => rate(call.generation_otps()),
        Column::Tpot => time(call.tpot()),
        Column::ChunkCount => Cow::Owned(call.chunk_count().to_string()),
        Column::InterChunkGapP50 => time(percentile(&derived.gaps, 50.0)),
        Column::InterChunkGapP90 => time(percentile(&derived.gaps, 90.0)),
        Column::InterChunkGapMax => time(derived.gaps.last().copied()),
        Column::Worker => integer_or_empty(record.worker),
        Column::StartOffsetS => time(Some(record.start_offset())),
        Column::QueueDelayS => time(record.queue_delay()),
        Column::Phase => Cow::Borrowed(record.phase.as_str()),
        Column::ServiceTier => Cow::Borrowed(facts.service_tier.map_or("", |t| t.as_str())),
        Column::ServedServiceTier => text(&call.served_service_tier),
        Column::PromptCache => text(&facts.prompt_cache),
        Column::CacheReadInputTokens => {
            integer_or_empty(call.usage.and_then(|u| u.cache_read_input_tokens))
        }
        Column::CacheWriteInputTokens => {
            integer_or_empty(call.usage.and_then(|u| u.cache_write_input_tokens))
        }
        Column::ReasoningBudgetTokens => integer_or_empty(facts.reasoning_budget_tokens),
        Column::Tools => text(&facts.tools),
        Column::FirstDeltaKind => {
            Cow::Borrowed(call.delta_kinds.first.map_or("", |kind| kind.as_str()))
        }
        Column::TimeToFirstText => time(call.time_to_first_text()),
        Column::ReasoningTime => time(call.reasoning_time()),
        Column::ReasoningChunks => Cow::Owned(call.delta_kinds.reasoning.to_string()),
        Column::ToolUseChunks => Cow::Owned(call.delta_kinds.tool_use.to_string()),
        Column::DeltaOffsets => Cow::Borrowed(&derived.offsets),
        Column::CostUsd => integer_or_empty(record.cost()),
        Column::ScheduledS => time(record.scheduled_offset()),
        Column::DispatchLagS => time(record.dispatch_lag()),
        Column::QueuedS => time(record.queued()),
        Column::TtftFromScheduled => time(record.ttft_from_scheduled()),
        Column::TotalFromScheduled => time(record.total_from_scheduled()),
        Column::PromptId => text(&record.sent.prompt_id),
        Column::TargetInputTokens => integer_or_empty(record.sent.target_input_tokens),
        Column::TargetOutputTokens => integer_or_empty(record.sent.target_output_tokens),
        Column::SessionId => text(&record.sent.session_id),
        Column::Turn => integer_or_empty(record.sent.turn),
        Column::ContextTokens => integer_or_empty(record.sent.context_tokens),
        Column::PrefixGroup => integer_or_empty(record.sent.prefix_group),
        Column::CountedInputTokens => integer_or_empty(record.sent.counted_input_tokens),
        Column::Api => facts.api.as_str().into(),
        Column::Endpoint => facts.endpoint.as_str().into(),
        Column::ServerFirstByteMs => integer_or_empty(call.server_first_byte_ms),
        Column::Guardrail => facts
            .guardrail
            .as_ref()
            .map_or(Cow::Borrowed(""), |guardrail| guardrail.name().into()),
        Column::GuardrailMode => facts
            .guardrail
            .as_ref()
            .map_or("", |guardrail| guardrail.mode.as_str())
            .into(),
        Column::GuardrailAction => match &facts.guardrail {
            None => "".into(),
            Some(_) => call.guardrail_action().unwrap_or_default().into(),
        },
    }
}

/// Appends rows to one raw CSV. Each row is written whole, with one
/// `write` of its complete line, before [`RawCsvWriter::write`]
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
        let (path, file) = crate::files::create_new_file(
            dir,
            &format!("run_{run_id}"),
            "csv",
            OpenOptions::new().append(true),
        )?;
        let mut writer = RawCsvWriter {
            path,
            file,
            len: 0,
            line: Vec::with_capacity(1024),
            rows: 0,
        };
        let mut header = csv::WriterBuilder::new().from_writer(Vec::new());
        header.write_record(Column::all().map(Column::name))?;
        let header = header.into_inner().map_err(|e| e.into_error())?;
        writer.append(&header)?;
        Ok(writer)
    }

    /// Append the row of one attempt, whole, or not at all.
    pub fn write(&mut self, record: &AttemptRecord) -> std::io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let derived = Derived::of(record);
        let mut csv = csv::WriterBuilder::new().from_writer(line);
        let serialized = csv.write_record(Column::all().map(|column| {
            let value = field(column, record, &derived);
            value.into_owned().into_bytes()
        }));
        let line = csv.into_inner().map_err(|e| e.into_error())?;
        let written = serialized
            .map_err(std::io::Error::other)
            .and_then(|()| self.append(&line));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("bb-raw-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = RawCsvWriter::create(&dir, "20250101_000000").expect("create");
        let second = RawCsvWriter::create(&dir, "20250101_000000").expect("create");
        assert_ne!(first.path(), second.path());
        let header = std::fs::read_to_string(first.path()).expect("read");
        let names: Vec<&str> = Column::all().map(Column::name).collect();
        assert_eq!(
            header,
            format!("{}\n", names.join(",")),
            "the header is on disk at once"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
