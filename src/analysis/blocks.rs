//! Cutting a file into blocks that end at record boundaries, so that
//! blocks can be parsed independently.

use std::fs::File;
use std::io::Read;

/// Reads a file in blocks that end at record boundaries.
pub(super) struct Blocks {
    file: File,
    block_size: usize,
    carry: Vec<u8>,
    eof: bool,
}

impl Blocks {
    pub(super) fn new(file: File, block_size: usize) -> Blocks {
        Blocks {
            file,
            block_size,
            carry: Vec::new(),
            eof: false,
        }
    }

    /// The next block: whole records only (but the last block of the file,
    /// which is whatever remains, possibly a record cut short). `None` at
    /// the end.
    pub(super) fn next_block(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut want = self.block_size.max(buf.len() + 1);
        loop {
            if !self.eof && buf.len() < want {
                buf.reserve_exact(want - buf.len());
                let wanted = (want - buf.len()) as u64;
                let got = (&mut self.file).take(wanted).read_to_end(&mut buf)?;
                if (got as u64) < wanted {
                    self.eof = true;
                }
            }
            if self.eof {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            match last_record_end(&buf) {
                Some(end) => {
                    self.carry = buf[end..].to_vec();
                    buf.truncate(end);
                    return Ok(Some(buf));
                }
                // One record longer than the block: read more.
                None => want = buf.len() * 2,
            }
        }
    }
}

/// The number of `"` in `bytes`.
pub(super) fn count_quotes(bytes: &[u8]) -> usize {
    // 64 bytes at a time into a u8 counter: vectorizes well.
    let mut chunks = bytes.chunks_exact(64);
    let mut total = 0usize;
    for chunk in &mut chunks {
        let n: u8 = chunk.iter().map(|&b| u8::from(b == b'"')).sum();
        total += usize::from(n);
    }
    total + chunks.remainder().iter().filter(|&&b| b == b'"').count()
}

pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Just past the last line break outside quotes (the buffer starts outside
/// quotes). In RFC 4180 CSV a line break is inside a quoted field exactly
/// when an odd number of `"` precede it.
fn last_record_end(buf: &[u8]) -> Option<usize> {
    let mut at = buf.iter().rposition(|&b| b == b'\n')?;
    let mut quotes = count_quotes(&buf[..at]);
    loop {
        if quotes.is_multiple_of(2) {
            return Some(at + 1);
        }
        let previous = buf[..at].iter().rposition(|&b| b == b'\n')?;
        quotes -= count_quotes(&buf[previous..at]);
        at = previous;
    }
}

/// Just past the first line break outside quotes.
pub(super) fn record_end(buf: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_at_line_breaks_outside_quotes() {
        let buf = b"a,b\n1,\"x\ny\"\n2,\"z\n";
        assert_eq!(record_end(buf), Some(4));
        // The last line break is inside an open quote: cut after `y"\n`.
        assert_eq!(last_record_end(buf), Some(12));
        assert_eq!(last_record_end(b"a,\"b\nc"), None);
        assert_eq!(last_record_end(b"a,b"), None);
        assert_eq!(record_end(b"a,\"b\nc\"\n"), Some(8));
    }
}
