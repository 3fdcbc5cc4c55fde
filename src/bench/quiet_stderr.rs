//! Drop one expected criterion warning from stderr, pass everything else.
//!
//! criterion prints "Warning: Unable to complete N samples in ..." whenever
//! a sample holds a single iteration. Here that is the design (each sample
//! is exactly one paid call, see `measurement`), so the warning would only
//! teach users to ignore warnings. stderr is routed through a pipe whose
//! reader thread forwards every other line unchanged, and the original
//! stderr comes back when the guard is dropped.
//!
//! Every step that can fail (the pipe, the copy of stderr, the thread)
//! happens before stderr is touched, and redirecting it is the last step:
//! on any error nothing has changed and `install` returns `None`.

use std::fs::File;
use std::io::{BufRead, BufReader, PipeReader, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::thread::JoinHandle;

/// The start of the suppressed line.
const SUPPRESSED: &str = "Warning: Unable to complete ";

/// Restores stderr (and flushes the filter) on drop.
#[derive(Debug)]
pub struct QuietStderr {
    saved: OwnedFd,
    thread: Option<JoinHandle<()>>,
}

impl QuietStderr {
    /// Route stderr through the filter. On any OS error stderr is left
    /// untouched and `None` is returned (the warning then shows; nothing
    /// else changes).
    pub fn install() -> Option<QuietStderr> {
        let (reader, writer) = std::io::pipe().ok()?;
        let saved = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
        let original = File::from(saved.try_clone().ok()?);
        // The thread ends when every write end is closed: `writer` here,
        // then stderr itself once it is put back.
        let thread = std::thread::Builder::new()
            .name("stderr-filter".into())
            .spawn(move || forward(BufReader::new(reader), original))
            .ok()?;
        if !redirect_stderr(writer.as_fd()) {
            drop(writer);
            let _ = thread.join();
            return None;
        }
        drop(writer);
        Some(QuietStderr {
            saved,
            thread: Some(thread),
        })
    }
}

/// Make file descriptor 2 a copy of `to`; false (and stderr unchanged) on
/// error.
fn redirect_stderr(to: BorrowedFd<'_>) -> bool {
    let _ = std::io::stderr().flush();
    // SAFETY: dup2(2) on two open descriptors; it shares no memory, and
    // replacing descriptor 2 is what this guard is for.
    unsafe { libc::dup2(to.as_raw_fd(), libc::STDERR_FILENO) >= 0 }
}

fn forward(reader: BufReader<PipeReader>, mut out: File) {
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
        // Putting the saved descriptor back closes the pipe's last write
        // end, so the reader thread forwards what is left and ends.
        redirect_stderr(self.saved.as_fd());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// The device and inode that descriptor 2 refers to.
    fn stderr_identity() -> (u64, u64) {
        let copy = std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .expect("stderr is open");
        let metadata = File::from(copy).metadata().expect("fstat");
        (metadata.dev(), metadata.ino())
    }

    #[test]
    fn stderr_is_the_same_file_after_the_guard_as_before() {
        let before = stderr_identity();
        let guard = QuietStderr::install().expect("installs");
        assert_ne!(
            stderr_identity(),
            before,
            "stderr goes to the filter's pipe"
        );
        eprintln!("a line through the filter");
        drop(guard);
        assert_eq!(stderr_identity(), before, "stderr is back");
        // A second guard after the first works the same way.
        drop(QuietStderr::install().expect("installs again"));
        assert_eq!(stderr_identity(), before);
    }
}
