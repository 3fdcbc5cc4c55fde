//! JSON Lines: each non-blank line is one record.

use super::span::{Span, is_json_whitespace};

/// Cuts a buffer into lines, keeping count of line numbers across
/// buffers.
#[derive(Debug)]
pub(crate) struct LineSplitter {
    /// The 1-based line number of the next buffer's first byte.
    next_line: usize,
}

impl LineSplitter {
    /// A splitter whose first buffer starts at 1-based `first_line`.
    pub fn new(first_line: usize) -> Self {
        LineSplitter {
            next_line: first_line,
        }
    }

    /// The 1-based line where the unread part starts.
    pub fn line(&self) -> usize {
        self.next_line
    }

    /// Add the non-blank complete lines of `buffer` to `spans` (a last
    /// line without a line feed only `at_end` of the file); the bytes
    /// used, after which the next buffer starts.
    pub fn split(&mut self, buffer: &[u8], at_end: bool, spans: &mut Vec<Span>) -> usize {
        let mut start = 0;
        while start < buffer.len() {
            let end = match find_newline(&buffer[start..]) {
                Some(length) => start + length,
                None if at_end => buffer.len(),
                None => break,
            };
            if !buffer[start..end]
                .iter()
                .all(|&byte| is_json_whitespace(byte))
            {
                spans.push(Span {
                    start,
                    end,
                    line: self.next_line,
                });
            }
            self.next_line += 1;
            start = end + 1;
        }
        start.min(buffer.len())
    }
}

/// The index of the first line feed in `bytes`, eight bytes at a time.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word) ^ NEWLINES;
        let zero_bytes = word.wrapping_sub(ONES) & !word & HIGHS;
        if zero_bytes != 0 {
            return Some(offset + (zero_bytes.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&byte| byte == b'\n')
        .map(|index| offset + index)
}
