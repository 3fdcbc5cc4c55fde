//! Where one record is in the reader's buffer, and JSON's whitespace.

/// A record's bytes in the reader's buffer and its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// Index of the record's first byte in the buffer.
    pub start: usize,
    /// Index one past its last byte.
    pub end: usize,
    /// The 1-based line of the file where it starts.
    pub line: usize,
}

/// Whether `byte` is JSON whitespace (space, tab, line feed, carriage
/// return).
pub(crate) fn is_json_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}
