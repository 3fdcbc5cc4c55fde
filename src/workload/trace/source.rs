//! Opening a trace file for reading, streamed: a regular file only, its
//! UTF-8 byte order mark dropped, its leading blank lines skipped, its
//! first line kept to tell JSON Lines from CSV.

use std::fs::File;
use std::io::{BufRead, BufReader, Chain, Cursor, Read};
use std::path::Path;

use crate::side_file;

use super::error::TraceError;

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The read buffer's size.
const BUFFER_BYTES: usize = 256 * 1024;

/// A trace file's bytes, after its byte order mark.
pub(super) type Source = BufReader<Chain<Cursor<Vec<u8>>, File>>;

/// The first line with something other than spaces.
pub(super) struct FirstLine {
    /// Its bytes, with its line ending.
    pub bytes: Vec<u8>,
    /// Its 1-based number.
    pub number: u32,
}

impl FirstLine {
    /// Whether it starts a JSON object (its first non-blank byte is `{`).
    pub(super) fn is_json(&self) -> bool {
        self.bytes
            .iter()
            .find(|byte| !byte.is_ascii_whitespace())
            .is_some_and(|byte| *byte == b'{')
    }
}

/// The file at `path`, open at its first byte past a byte order mark.
pub(super) fn open(path: &Path, file_name: &str) -> Result<Source, TraceError> {
    let unreadable = |found: String| TraceError::Unreadable {
        file: file_name.to_owned(),
        found,
    };
    let mut file = open_without_waiting(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            match side_file::close_match(path) {
                Some(close) => unreadable(format!("no such file (did you mean {close}?)")),
                None => unreadable("no such file".to_owned()),
            }
        } else {
            unreadable(error.to_string())
        }
    })?;
    let metadata = file
        .metadata()
        .map_err(|error| unreadable(error.to_string()))?;
    if !metadata.is_file() {
        let kind = side_file::not_regular(path).unwrap_or("not a regular file");
        return Err(unreadable(format!("{kind}, not a regular file")));
    }
    let mut head = Vec::with_capacity(BOM.len());
    (&mut file)
        .take(BOM.len() as u64)
        .read_to_end(&mut head)
        .map_err(|error| unreadable(error.to_string()))?;
    if head == BOM {
        head.clear();
    }
    Ok(BufReader::with_capacity(
        BUFFER_BYTES,
        Cursor::new(head).chain(file),
    ))
}

/// Open `path` for reading; on Unix without blocking on a FIFO (nor
/// making a terminal the controlling one).
fn open_without_waiting(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Reads the next line into `line` (cleared first); `false` at the end.
pub(super) fn next_line(
    source: &mut impl BufRead,
    line: &mut Vec<u8>,
    file_name: &str,
) -> Result<bool, TraceError> {
    line.clear();
    source
        .read_until(b'\n', line)
        .map(|read| read > 0)
        .map_err(|error| TraceError::Unreadable {
            file: file_name.to_owned(),
            found: error.to_string(),
        })
}

/// Whether `line` holds only spaces and line endings.
pub(super) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// The first line that is not blank, or `None` when there is none.
pub(super) fn first_line(
    source: &mut Source,
    file_name: &str,
) -> Result<Option<FirstLine>, TraceError> {
    let mut bytes = Vec::new();
    let mut number = 0u32;
    while next_line(source, &mut bytes, file_name)? {
        number = number.saturating_add(1);
        if !is_blank(&bytes) {
            return Ok(Some(FirstLine { bytes, number }));
        }
    }
    Ok(None)
}
