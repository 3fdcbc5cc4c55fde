//! The last record of a file: whole, or cut short by a crash or a full
//! disk. Rows are appended one at a time, so only the last one can be
//! incomplete; such a row is skipped with a warning instead of being read
//! as a complete row.

use std::fmt;

use super::blocks::count_quotes;

/// Why the last row of a file is incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Incomplete {
    /// The file ends inside the record: no line break after it (or the
    /// last one is inside an open quote).
    NoTerminator,
    /// Fewer fields than the header.
    Fields {
        /// Fields in the record.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// `delta_offsets` does not hold `chunk_count` offsets.
    Offsets {
        /// Offsets in `delta_offsets`.
        offsets: u64,
        /// `chunk_count`.
        chunks: u64,
    },
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incomplete::NoTerminator => {
                write!(f, "no line terminator (the writer was interrupted)")
            }
            Incomplete::Fields { found, expected } => write!(
                f,
                "{found} of the header's {expected} fields (the writer was interrupted)"
            ),
            Incomplete::Offsets { offsets, chunks } => write!(
                f,
                "delta_offsets holds {offsets} offsets where chunk_count says {chunks} (the row was cut short)"
            ),
        }
    }
}

/// Whether the last block of a file (which starts at a record boundary)
/// ends with a line break outside quotes, i.e. with a whole record.
pub(crate) fn ends_with_terminator(block: &[u8]) -> bool {
    matches!(block.last(), Some(b'\n' | b'\r')) && count_quotes(block).is_multiple_of(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_whole_when_it_ends_with_a_line_break_outside_quotes() {
        assert!(ends_with_terminator(b"a,b\n1,2\n"));
        assert!(ends_with_terminator(b"a,b\r\n1,2\r\n"));
        assert!(ends_with_terminator(b"1,\"x\ny\"\n\n"));
        assert!(!ends_with_terminator(b"a,b\n1,2"));
        assert!(!ends_with_terminator(b""));
        // The line break is inside a quoted message that was cut.
        assert!(!ends_with_terminator(b"1,\"message line one\n"));
        assert_eq!(
            Incomplete::NoTerminator.to_string(),
            "no line terminator (the writer was interrupted)"
        );
    }
}
