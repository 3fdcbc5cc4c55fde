//! The emulator as a separate process, so that its work does not share the
//! client's runtime: started from this same binary (`bedrock-bench
//! emulator`), stopped with SIGTERM. It never outlives `calibrate`: the
//! kernel sends it SIGTERM when the thread that started it ends, however
//! that happens (an error, a signal, even SIGKILL), and dropping the
//! handle kills it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `bedrock-bench emulator` child.
#[derive(Debug)]
pub struct EmulatorProcess {
    child: Child,
    url: String,
}

/// Lateness of the frames the emulator wrote, from `GET /_emulator/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EmulatorStats {
    /// Frames written since the last reset.
    pub frames: u64,
    /// 99th percentile of frame lateness, microseconds.
    pub lateness_p99_us: u64,
    /// Largest frame lateness, microseconds.
    pub lateness_max_us: u64,
    /// Wall-clock time (µs since the Unix epoch) of the emulator's clock
    /// zero: ground-truth second `s` is `epoch_unix_us + s * 1e6`.
    pub epoch_unix_us: u64,
    /// TCP connections the emulator accepted since it started.
    pub connections: u64,
}

/// The program calibrate starts as the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmulatorProgram {
    /// A `bedrock-bench` binary, started as `<binary> emulator ...` (the
    /// default: this program itself).
    Harness(PathBuf),
    /// A standalone `bedrock-emulator` binary, started as `<binary> ...`:
    /// to measure another build of the emulator against the same client.
    Standalone(PathBuf),
}

impl EmulatorProcess {
    /// Start `<binary> emulator` with these profiles and ground-truth file,
    /// on `threads` worker threads. Call it from a thread that lives as long
    /// as the emulator is needed (the main thread): the child is stopped
    /// when that thread ends.
    pub fn start(
        program: &EmulatorProgram,
        profiles: &Path,
        ground_truth: &Path,
        threads: usize,
    ) -> std::io::Result<Self> {
        let mut command = match program {
            EmulatorProgram::Harness(binary) => {
                let mut command = Command::new(binary);
                command.arg("emulator");
                command
            }
            EmulatorProgram::Standalone(binary) => Command::new(binary),
        };
        // SAFETY: the closure runs in the child between fork and exec and
        // only makes async-signal-safe system calls (prctl, getppid, kill).
        unsafe {
            let parent = libc::getpid();
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl took effect.
                if libc::getppid() != parent {
                    libc::kill(libc::getpid(), libc::SIGTERM);
                }
                Ok(())
            });
        }
        let mut child = command
            .args([
                "--seed",
                "1",
                "--accept-any-model",
                "--threads",
                &threads.to_string(),
                "--profiles",
            ])
            .arg(profiles)
            .arg("--ground-truth")
            .arg(ground_truth)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err(std::io::Error::other("the emulator has no stdout"));
        };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line.trim().to_string();
        if !url.starts_with("http://") {
            let _ = child.kill();
            return Err(std::io::Error::other(format!(
                "the emulator did not print its URL (got {url:?})"
            )));
        }
        Ok(EmulatorProcess { child, url })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Read (and with `reset`, zero) the emulator's frame lateness.
    pub fn stats(&self, reset: bool) -> std::io::Result<EmulatorStats> {
        let authority = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(authority)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let query = if reset { "?reset=1" } else { "" };
        write!(
            stream,
            "GET /_emulator/stats{query} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
        let json: serde_json::Value = serde_json::from_str(body)
            .map_err(|e| std::io::Error::other(format!("bad stats response: {e}")))?;
        Ok(EmulatorStats {
            frames: json["frames"].as_u64().unwrap_or(0),
            lateness_p99_us: json["lateness_us"]["p99"].as_u64().unwrap_or(0),
            lateness_max_us: json["lateness_us"]["max"].as_u64().unwrap_or(0),
            epoch_unix_us: json["epoch_unix_us"].as_u64().unwrap_or(0),
            connections: json["connections_accepted"].as_u64().unwrap_or(0),
        })
    }

    /// SIGTERM, then wait (the emulator flushes its ground truth).
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
