//! The file read in large blocks and cut into records, one buffer at a
//! time: a UTF-8 byte order mark skipped, JSON Lines or one JSON array
//! told apart by the first visible byte.

use std::fs::File;
use std::io::{self, Read};

use super::array_scanner::{ArrayScanner, StructureProblem};
use super::lines::LineSplitter;
use super::span::{Span, is_json_whitespace};

/// The size of the blocks the file is read in.
pub(crate) const BLOCK_BYTES: usize = 8 << 20;

/// The longest record (its length is kept in 32 bits).
const MAX_RECORD_BYTES: usize = u32::MAX as usize;

/// The UTF-8 byte order mark, ignored at the start of the file.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Why the records cannot be read.
#[derive(Debug)]
pub(crate) enum ReadProblem {
    /// The operating system's error.
    Io(io::Error),
    /// The JSON array is broken.
    Structure(StructureProblem),
    /// A record is longer than [`MAX_RECORD_BYTES`]; it starts at `line`.
    TooLong {
        /// The 1-based line where it starts.
        line: usize,
    },
}

impl From<io::Error> for ReadProblem {
    fn from(error: io::Error) -> Self {
        ReadProblem::Io(error)
    }
}

/// What a file holds, once its first visible byte is known.
pub(crate) enum Contents {
    /// No record: no byte (besides a byte order mark), or only whitespace.
    Blank {
        /// Whether there was no byte at all.
        empty: bool,
    },
    /// Records to read.
    Records(RecordReader),
}

/// How the records are laid out.
#[derive(Debug)]
enum Splitter {
    /// One a line.
    Lines(LineSplitter),
    /// As the elements of one array.
    Array(ArrayScanner),
}

/// A batch of records: spans into `bytes`, which start at byte `offset`
/// of the file.
pub(crate) struct Batch<'r> {
    /// The buffer the spans index.
    pub bytes: &'r [u8],
    /// The file offset of `bytes[0]`.
    pub offset: u64,
    /// The records, in file order.
    pub spans: &'r [Span],
}

/// Reads a file's records, a buffer at a time.
#[derive(Debug)]
pub(crate) struct RecordReader {
    /// The file, read from front to back.
    file: File,
    /// The bytes read and not yet handed out, from `consumed` to `filled`.
    buffer: Vec<u8>,
    /// The file offset of `buffer[0]`.
    buffer_offset: u64,
    /// How much of `buffer` holds file bytes.
    filled: usize,
    /// How much of `buffer` was handed out in records (or skipped).
    consumed: usize,
    /// Whether the file has no more bytes.
    at_end: bool,
    /// How records are cut out.
    splitter: Splitter,
    /// The last batch's spans.
    spans: Vec<Span>,
}

impl RecordReader {
    /// Start reading `file` in blocks of `block_bytes`: what it holds.
    pub fn start(file: File, block_bytes: usize) -> io::Result<Contents> {
        let mut reader = RecordReader {
            file,
            buffer: vec![0; block_bytes.max(16)],
            buffer_offset: 0,
            filled: 0,
            consumed: 0,
            at_end: false,
            splitter: Splitter::Lines(LineSplitter::new(1)),
            spans: Vec::new(),
        };
        reader.fill()?;
        if reader.buffer.starts_with(BYTE_ORDER_MARK) && reader.filled >= BYTE_ORDER_MARK.len() {
            reader.consumed = BYTE_ORDER_MARK.len();
        }
        let empty = reader.consumed == reader.filled && reader.at_end;
        let mut line = 1;
        loop {
            let unread = &reader.buffer[reader.consumed..reader.filled];
            match unread.iter().position(|&byte| !is_json_whitespace(byte)) {
                Some(index) => {
                    reader.splitter = if unread[index] == b'[' {
                        Splitter::Array(ArrayScanner::new(line))
                    } else {
                        Splitter::Lines(LineSplitter::new(line))
                    };
                    return Ok(Contents::Records(reader));
                }
                None if reader.at_end => return Ok(Contents::Blank { empty }),
                None => {
                    line += unread.iter().filter(|&&byte| byte == b'\n').count();
                    reader.consumed = reader.filled;
                    reader.fill()?;
                }
            }
        }
    }

    /// The next records, in file order; `None` after the last.
    pub fn next_batch(&mut self) -> Result<Option<Batch<'_>>, ReadProblem> {
        loop {
            self.fill()?;
            self.spans.clear();
            let unread = &self.buffer[..self.filled];
            self.consumed = match &mut self.splitter {
                Splitter::Lines(lines) => lines.split(unread, self.at_end, &mut self.spans),
                Splitter::Array(array) => array
                    .split(unread, self.at_end, &mut self.spans)
                    .map_err(ReadProblem::Structure)?,
            };
            if !self.spans.is_empty() {
                return Ok(Some(Batch {
                    bytes: &self.buffer[..self.filled],
                    offset: self.buffer_offset,
                    spans: &self.spans,
                }));
            }
            if self.at_end {
                return Ok(None);
            }
            if self.consumed == 0 && self.filled == self.buffer.len() {
                self.grow()?;
            }
        }
    }

    /// Whether the records are the elements of one JSON array.
    pub fn is_array(&self) -> bool {
        matches!(self.splitter, Splitter::Array(_))
    }

    /// The file, for reading records again.
    pub fn into_file(self) -> File {
        self.file
    }

    /// Double the buffer for a record longer than it.
    fn grow(&mut self) -> Result<(), ReadProblem> {
        if self.buffer.len() >= MAX_RECORD_BYTES {
            let line = match &self.splitter {
                Splitter::Lines(lines) => lines.line(),
                Splitter::Array(array) => array.line(),
            };
            return Err(ReadProblem::TooLong { line });
        }
        let length = self.buffer.len().saturating_mul(2).min(MAX_RECORD_BYTES);
        self.buffer.resize(length, 0);
        Ok(())
    }

    /// Drop the consumed bytes and read until the buffer is full or the
    /// file ends.
    fn fill(&mut self) -> io::Result<()> {
        if self.consumed > 0 {
            self.buffer.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.buffer_offset += self.consumed as u64;
            self.consumed = 0;
        }
        while !self.at_end && self.filled < self.buffer.len() {
            match self.file.read(&mut self.buffer[self.filled..]) {
                Ok(0) => self.at_end = true,
                Ok(read) => self.filled += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
}
