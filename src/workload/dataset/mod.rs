//! Datasets of prompts and conversations: a user's file that a scenario
//! takes its prompts from, one record a call.
//!
//! The file is JSON Lines (blank lines skipped) or one JSON array of
//! records (a UTF-8 byte order mark ignored), its records in one of four
//! shapes ([`DatasetFormat`]): prompts, Bedrock Converse, OpenAI chat or
//! ShareGPT. The caller names the format, or the first record's keys
//! decide it. Every record becomes a conversation ([`DatasetEntry`]): an
//! optional system prompt and turns that start with a user turn and
//! alternate, every text non-empty.
//!
//! [`Dataset::open`] reads the whole file once, in large blocks, and
//! checks every record (in parallel, errors at the earliest line), before
//! any call. It keeps no text: for each record, where its bytes are and
//! its token estimates (32 bytes a record), so that budgets and context
//! limits are known up front. [`Dataset::entry`] reads one record again
//! when a call needs it.
//!
//! Several texts of one place (system messages, content blocks) are
//! joined with a blank line (`"\n\n"`).

mod array_scanner;
mod conversation;
mod detect;
mod entry;
mod error;
mod format;
mod formats;
mod index;
mod json_shape;
mod lines;
mod load;
mod parse;
mod problem;
mod raw;
mod reader;
mod span;

#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

pub use entry::{DatasetEntry, Role, Turn};
pub use error::{DatasetError, SkippedRecord};
pub use format::DatasetFormat;

use index::RecordSummary;
use parse::check_record;

/// How to open a dataset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DatasetOptions {
    /// The records' format; `None`: detected from the first record.
    pub format: Option<DatasetFormat>,
    /// Skip invalid records (and count them) instead of refusing the
    /// file. A broken JSON array is refused all the same, and so is a
    /// file without a valid record.
    pub skip_invalid: bool,
}

/// A checked dataset file: its records' places and estimates, and the
/// file to read a record from again.
///
/// `Send + Sync`: [`entry`](Self::entry) takes `&self` and reads behind a
/// lock.
pub struct Dataset {
    /// The file, as given.
    path: PathBuf,
    /// The file as messages name it.
    name: String,
    /// The records' format.
    format: DatasetFormat,
    /// Every valid record, in file order.
    records: Vec<RecordSummary>,
    /// The largest prompt estimate.
    longest_prompt_tokens: u32,
    /// The first skipped records.
    skipped: Vec<SkippedRecord>,
    /// How many records were skipped.
    skipped_count: usize,
    /// The open file, read again by [`entry`](Self::entry).
    file: Mutex<File>,
}

impl Dataset {
    /// Open `path` and check every record: the dataset, or the first
    /// problem (the earliest line).
    ///
    /// The format is `options.format`, or detected from the first record
    /// (the first valid one with `skip_invalid`): `conversations` is
    /// ShareGPT; `messages` is Converse when the first message's
    /// `content` is an array of blocks without `type`, else OpenAI chat;
    /// `prompt` or `text` is prompts.
    pub fn open(path: &Path, options: DatasetOptions) -> Result<Dataset, DatasetError> {
        Dataset::open_in_blocks(path, options, reader::BLOCK_BYTES)
    }

    /// [`open`](Self::open), reading blocks of `block_bytes`.
    fn open_in_blocks(
        path: &Path,
        options: DatasetOptions,
        block_bytes: usize,
    ) -> Result<Dataset, DatasetError> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|source| DatasetError::Unreadable {
            file: name.clone(),
            source,
        })?;
        let mut loaded = load::load(file, &name, options, block_bytes)?;
        loaded.records.shrink_to_fit();
        let longest_prompt_tokens = loaded
            .records
            .iter()
            .map(|record| record.prompt_tokens)
            .max()
            .unwrap_or(0);
        Ok(Dataset {
            path: path.to_path_buf(),
            name,
            format: loaded.format,
            records: loaded.records,
            longest_prompt_tokens,
            skipped: loaded.skipped,
            skipped_count: loaded.skipped_count,
            file: Mutex::new(loaded.file),
        })
    }

    /// The file, as given to [`open`](Self::open).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The records' format (named or detected).
    pub fn format(&self) -> DatasetFormat {
        self.format
    }

    /// The number of valid records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there is no record (never, for an opened dataset).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Record `index` (0-based, in file order), read again from the file
    /// and parsed. An index out of range is an error, and so is a record
    /// that no longer reads as it did when the dataset was opened.
    pub fn entry(&self, index: usize) -> Result<DatasetEntry, DatasetError> {
        let record = self
            .records
            .get(index)
            .ok_or_else(|| DatasetError::IndexOutOfRange {
                file: self.name.clone(),
                index,
                len: self.records.len(),
            })?;
        let line = record.line as usize;
        let bytes = self
            .read_record(record)
            .map_err(|source| match source.kind() {
                io::ErrorKind::UnexpectedEof => DatasetError::Changed {
                    file: self.name.clone(),
                    line,
                    reason: format!(
                        "expected {} bytes at byte {}, found the end of the file",
                        record.length, record.offset
                    ),
                },
                _ => DatasetError::Unreadable {
                    file: self.name.clone(),
                    source,
                },
            })?;
        match check_record(&bytes, Some(self.format)) {
            Ok((_, conversation)) => Ok(conversation.into_entry(line)),
            Err(problem) => Err(DatasetError::Changed {
                file: self.name.clone(),
                line,
                reason: problem.reason(),
            }),
        }
    }

    /// Estimated tokens of what a single-turn call of record `index`
    /// sends: the system prompt and [`DatasetEntry::prompt_turns`]. 0 for
    /// an index out of range.
    pub fn prompt_tokens(&self, index: usize) -> u32 {
        self.records
            .get(index)
            .map_or(0, |record| record.prompt_tokens)
    }

    /// Estimated tokens of record `index`'s
    /// [`reference_answer`](DatasetEntry::reference_answer), if it has one.
    pub fn answer_tokens(&self, index: usize) -> Option<u32> {
        self.records.get(index)?.answer_tokens()
    }

    /// How many user turns record `index` has (0 for an index out of
    /// range).
    pub fn user_turn_count(&self, index: usize) -> u32 {
        self.records
            .get(index)
            .map_or(0, |record| record.user_turns)
    }

    /// The largest [`prompt_tokens`](Self::prompt_tokens) of all records.
    pub fn longest_prompt_tokens(&self) -> u32 {
        self.longest_prompt_tokens
    }

    /// The most bytes any record takes in the file: an upper bound of the
    /// bytes of its texts (JSON writes every character of a text in at
    /// least its UTF-8 bytes) and of its turns' framing, which the dollar
    /// budget's worst case reserves.
    pub fn longest_record_bytes(&self) -> u64 {
        self.records
            .iter()
            .map(|record| u64::from(record.length))
            .max()
            .unwrap_or(0)
    }

    /// Estimated tokens of record `index`'s system prompt and every turn:
    /// a replayed conversation's last request sends at most this. 0 for
    /// an index out of range.
    pub fn conversation_tokens(&self, index: usize) -> u32 {
        self.records
            .get(index)
            .map_or(0, |record| record.conversation_tokens)
    }

    /// The first skipped records (at most 100), with
    /// [`DatasetOptions::skip_invalid`].
    pub fn skipped(&self) -> &[SkippedRecord] {
        &self.skipped
    }

    /// How many records were skipped, all of them counted.
    pub fn skipped_count(&self) -> usize {
        self.skipped_count
    }

    /// The bytes of `record`, read from the file.
    fn read_record(&self, record: &RecordSummary) -> io::Result<Vec<u8>> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.seek(SeekFrom::Start(record.offset))?;
        let mut bytes = vec![0; record.length as usize];
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("len", &self.records.len())
            .field("skipped_count", &self.skipped_count)
            .finish_non_exhaustive()
    }
}
