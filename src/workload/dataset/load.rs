//! Opening a dataset: every record read once, checked (in parallel, a
//! buffer at a time, results kept in file order) and summarised; invalid
//! records refused at their line or skipped and counted.

use std::fs::File;

use rayon::prelude::*;

use super::DatasetOptions;
use super::conversation::Conversation;
use super::error::{DatasetError, SkippedRecord};
use super::format::DatasetFormat;
use super::index::RecordSummary;
use super::parse::check_record;
use super::problem::RecordProblem;
use super::reader::{Contents, ReadProblem, RecordReader};
use super::span::Span;

/// How many skipped records keep their reason.
pub(crate) const KEPT_SKIPPED_REASONS: usize = 100;

/// What opening found: the records' summaries and what was skipped.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The file, for reading records again.
    pub file: File,
    /// The records' format.
    pub format: DatasetFormat,
    /// Every valid record, in file order.
    pub records: Vec<RecordSummary>,
    /// The first skipped records.
    pub skipped: Vec<SkippedRecord>,
    /// How many records were skipped.
    pub skipped_count: usize,
}

/// Read and check every record of `file` (shown as `name`), in blocks of
/// `block_bytes`.
pub(crate) fn load(
    file: File,
    name: &str,
    options: DatasetOptions,
    block_bytes: usize,
) -> Result<Loaded, DatasetError> {
    let unreadable = |source| DatasetError::Unreadable {
        file: name.to_owned(),
        source,
    };
    let mut reader = match RecordReader::start(file, block_bytes).map_err(unreadable)? {
        Contents::Records(reader) => reader,
        Contents::Blank { empty } => {
            return Err(empty_error(
                name,
                if empty {
                    "an empty file"
                } else {
                    "only whitespace"
                },
            ));
        }
    };
    let is_array = reader.is_array();
    let mut loader = Loader {
        name,
        skip_invalid: options.skip_invalid,
        format: options.format,
        records: Vec::new(),
        skipped: Vec::new(),
        skipped_count: 0,
    };
    while let Some(batch) = reader
        .next_batch()
        .map_err(|problem| read_error(name, problem))?
    {
        loader.add_batch(batch.bytes, batch.offset, batch.spans)?;
    }
    let format = match (loader.format, loader.records.is_empty()) {
        (Some(format), false) => format,
        _ => return Err(loader.nothing_valid(is_array)),
    };
    Ok(Loaded {
        file: reader.into_file(),
        format,
        records: loader.records,
        skipped: loader.skipped,
        skipped_count: loader.skipped_count,
    })
}

/// What is gathered while the batches come.
struct Loader<'n> {
    /// The file, as messages name it.
    name: &'n str,
    /// Whether invalid records are skipped rather than refused.
    skip_invalid: bool,
    /// The format, once named or detected.
    format: Option<DatasetFormat>,
    /// The valid records so far.
    records: Vec<RecordSummary>,
    /// The first skipped records.
    skipped: Vec<SkippedRecord>,
    /// How many were skipped.
    skipped_count: usize,
}

impl Loader<'_> {
    /// Check the records of one buffer: one by one until the format is
    /// known, then in parallel.
    fn add_batch(&mut self, bytes: &[u8], offset: u64, spans: &[Span]) -> Result<(), DatasetError> {
        let mut rest = spans;
        while self.format.is_none() {
            let Some((span, later)) = rest.split_first() else {
                return Ok(());
            };
            rest = later;
            let result = check_record(&bytes[span.start..span.end], None).and_then(
                |(format, conversation)| {
                    self.format = Some(format);
                    summarise(offset, span, &conversation)
                },
            );
            self.add(span, result)?;
        }
        let format = self.format;
        let results: Vec<Result<RecordSummary, RecordProblem>> = rest
            .par_iter()
            .map(|span| {
                check_record(&bytes[span.start..span.end], format)
                    .and_then(|(_, conversation)| summarise(offset, span, &conversation))
            })
            .collect();
        self.records.reserve(results.len());
        for (span, result) in rest.iter().zip(results) {
            self.add(span, result)?;
        }
        Ok(())
    }

    /// Keep a record's summary, or skip it, or refuse the file.
    fn add(
        &mut self,
        span: &Span,
        result: Result<RecordSummary, RecordProblem>,
    ) -> Result<(), DatasetError> {
        match result {
            Ok(summary) => {
                self.records.push(summary);
                Ok(())
            }
            Err(problem) if self.skip_invalid => {
                self.skipped_count += 1;
                if self.skipped.len() < KEPT_SKIPPED_REASONS {
                    self.skipped.push(SkippedRecord {
                        line: span.line,
                        reason: problem.reason(),
                    });
                }
                Ok(())
            }
            Err(problem) => Err(problem.into_error(self.name, span.line)),
        }
    }

    /// The error for a file without a valid record.
    fn nothing_valid(&self, is_array: bool) -> DatasetError {
        let found = match self.skipped.first() {
            Some(first) => format!(
                "none valid ({} skipped; the first at line {}: {})",
                self.skipped_count, first.line, first.reason
            ),
            None if is_array => "an empty array".to_owned(),
            None => "no record".to_owned(),
        };
        empty_error(self.name, &found)
    }
}

/// The summary of a valid record at `span` of a buffer starting at file
/// `offset`; a record too long or too far down is a problem.
fn summarise(
    offset: u64,
    span: &Span,
    conversation: &Conversation<'_>,
) -> Result<RecordSummary, RecordProblem> {
    let length = u32::try_from(span.end - span.start).map_err(|_| {
        RecordProblem::shape(
            "",
            "a record shorter than 4 GiB",
            format!("{} bytes", span.end - span.start),
        )
    })?;
    let line = u32::try_from(span.line).map_err(|_| {
        RecordProblem::shape(
            "",
            format!("a record starting within the first {} lines", u32::MAX),
            format!("line {}", span.line),
        )
    })?;
    Ok(RecordSummary::new(
        offset + span.start as u64,
        length,
        line,
        conversation,
    ))
}

/// The empty-dataset error.
fn empty_error(name: &str, found: &str) -> DatasetError {
    DatasetError::Empty {
        file: name.to_owned(),
        found: found.to_owned(),
    }
}

/// A read problem as an error of the file `name`.
fn read_error(name: &str, problem: ReadProblem) -> DatasetError {
    match problem {
        ReadProblem::Io(source) => DatasetError::Unreadable {
            file: name.to_owned(),
            source,
        },
        ReadProblem::Structure(structure) => DatasetError::Structure {
            file: name.to_owned(),
            line: structure.line,
            expected: structure.expected,
            found: structure.found,
        },
        ReadProblem::TooLong { line } => DatasetError::Record {
            file: name.to_owned(),
            line,
            field: String::new(),
            expected: "a record shorter than 4 GiB".to_owned(),
            found: "a longer one".to_owned(),
        },
    }
}
