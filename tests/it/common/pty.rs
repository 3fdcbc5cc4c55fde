//! A program run in a pseudo-terminal: its stdin, stdout and stderr are
//! the terminal's side (so it sees a terminal of the given size), and all
//! it writes is read back from the other side until it exits.

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// What a program wrote to its terminal, and how it ended.
pub struct PtyOutput {
    /// Everything written, escape sequences included.
    pub text: String,
    /// Its exit status.
    pub status: ExitStatus,
}

/// Run `command` in a new pseudo-terminal of `columns` x `rows`; kill it
/// after `limit`.
pub fn run_in_pty(command: &mut Command, columns: u16, rows: u16, limit: Duration) -> PtyOutput {
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let size = libc::winsize {
        ws_row: rows,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two file descriptors into the integers given;
    // the name and the terminal settings are not asked for (null), the
    // size is read from a valid struct.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    for fd in [master, slave] {
        // SAFETY: fcntl on descriptors just opened. Without close-on-exec
        // every program another test starts meanwhile would keep the
        // terminal open, and reading would never end.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: both descriptors were just opened and are owned here only.
    let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let stdio = || Stdio::from(slave.try_clone().expect("dup the terminal"));
    let mut child = command
        .env("TERM", "xterm-256color")
        .stdin(stdio())
        .stdout(stdio())
        .stderr(stdio())
        .spawn()
        .expect("the program starts");
    // Only the child holds the terminal side now: when it exits, reading
    // ends.
    drop(slave);
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn({
        let bytes = Arc::clone(&bytes);
        move || {
            let mut master = master;
            let mut buffer = [0u8; 8192];
            loop {
                match master.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => bytes.lock().expect("bytes").extend_from_slice(&buffer[..n]),
                    // EIO: the other side is closed.
                    Err(_) => break,
                }
            }
            let _ = done_tx.send(());
        }
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // What the program wrote is read by now, or within a moment (the
    // reader is left behind if something else still holds the terminal).
    let _ = done.recv_timeout(Duration::from_secs(5));
    let bytes = bytes.lock().expect("bytes").clone();
    PtyOutput {
        text: String::from_utf8_lossy(&bytes).into_owned(),
        status,
    }
}
