//! Drop one expected criterion warning from stderr, pass everything else.
//!
//! criterion prints "Warning: Unable to complete N samples in ..." whenever
//! a sample holds a single iteration. Here that is the design (each sample
//! is exactly one paid call, see `measurement`), so the warning would only
//! teach users to ignore warnings. stderr is routed through a pipe whose
//! reader thread forwards every other line unchanged, and the original
//! stderr comes back when the guard is dropped.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::thread::JoinHandle;

/// The start of the suppressed line.
const SUPPRESSED: &str = "Warning: Unable to complete ";

/// Restores stderr (and flushes the filter) on drop.
#[derive(Debug)]
pub struct QuietStderr {
    saved: RawFd,
    thread: Option<JoinHandle<()>>,
}

impl QuietStderr {
    /// Route stderr through the filter. On any OS error stderr is left
    /// untouched and `None` is returned (the warning then shows; nothing
    /// else changes).
    pub fn install() -> Option<QuietStderr> {
        let mut fds = [0 as RawFd; 2];
        // SAFETY: pipe(2) writes two descriptors into the array we own.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return None;
        }
        let [read_end, write_end] = fds;
        // SAFETY: dup(2)/dup2(2)/close(2) on descriptors this function owns
        // or on stderr; no memory is shared.
        let saved = unsafe { libc::dup(libc::STDERR_FILENO) };
        if saved < 0 || unsafe { libc::dup2(write_end, libc::STDERR_FILENO) } < 0 {
            unsafe {
                libc::close(read_end);
                libc::close(write_end);
            }
            return None;
        }
        unsafe { libc::close(write_end) };
        // SAFETY: both descriptors are fresh and owned by the thread's files.
        let (reader, original) = unsafe {
            (
                File::from_raw_fd(read_end),
                File::from_raw_fd(libc::dup(saved)),
            )
        };
        let thread = std::thread::Builder::new()
            .name("stderr-filter".into())
            .spawn(move || forward(BufReader::new(reader), original))
            .ok()?;
        Some(QuietStderr {
            saved,
            thread: Some(thread),
        })
    }
}

fn forward(reader: BufReader<File>, mut out: File) {
    // A blank line right before the warning belongs to it (criterion writes
    // "\nWarning: ..."), so hold blank lines back until the next line.
    let mut held_blank = false;
    for line in reader.split(b'\n') {
        let Ok(line) = line else { break };
        if line.starts_with(SUPPRESSED.as_bytes()) {
            held_blank = false;
            continue;
        }
        if held_blank {
            let _ = out.write_all(b"\n");
            held_blank = false;
        }
        if line.is_empty() || line == b"\r" {
            held_blank = true;
            continue;
        }
        let _ = out.write_all(&line).and_then(|()| out.write_all(b"\n"));
    }
    if held_blank {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
}

impl Drop for QuietStderr {
    fn drop(&mut self) {
        let _ = std::io::stderr().flush();
        // SAFETY: put the saved descriptor back on stderr; this closes the
        // pipe's last write end, so the reader thread sees end of file.
        unsafe {
            libc::dup2(self.saved, libc::STDERR_FILENO);
            libc::close(self.saved);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
