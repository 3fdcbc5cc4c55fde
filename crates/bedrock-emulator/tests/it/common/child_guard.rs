#![allow(dead_code)]

//! A child process that never outlives its test: killed (and reaped) when
//! the guard is dropped, which a failed assertion's unwinding does too, and
//! sent SIGKILL by the kernel if the test process dies first
//! (`PR_SET_PDEATHSIG`). The harness's tests include this file as well.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Output};

/// A spawned child, killed on drop unless it was waited for.
#[derive(Debug)]
pub struct ChildGuard {
    child: Option<Child>,
}

impl ChildGuard {
    /// Spawn `command` as a child that dies with this process.
    pub fn spawn(command: &mut Command) -> io::Result<ChildGuard> {
        // SAFETY: the closure runs in the child between fork and exec and
        // makes only async-signal-safe system calls (prctl, getppid, kill).
        unsafe {
            let parent = libc::getpid();
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died before prctl took effect.
                if libc::getppid() != parent {
                    libc::kill(libc::getpid(), libc::SIGKILL);
                }
                Ok(())
            });
        }
        Ok(ChildGuard {
            child: Some(command.spawn()?),
        })
    }

    /// The child (for its pipes and its id).
    pub fn child(&mut self) -> &mut Child {
        self.child
            .as_mut()
            .expect("the child is held until waited for")
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Send `signal` to the child.
    pub fn signal(&self, signal: libc::c_int) {
        if let Some(child) = &self.child {
            // SAFETY: kill(2) on our own child's pid, not yet reaped.
            unsafe {
                libc::kill(child.id() as libc::pid_t, signal);
            }
        }
    }

    /// SIGTERM, then wait for the child to end.
    pub fn stop(mut self) -> io::Result<ExitStatus> {
        self.signal(libc::SIGTERM);
        self.take().wait()
    }

    /// Wait for the child to end by itself, collecting its piped output.
    pub fn wait_with_output(mut self) -> io::Result<Output> {
        self.take().wait_with_output()
    }

    /// Wait for the child to end by itself.
    pub fn wait(mut self) -> io::Result<ExitStatus> {
        self.take().wait()
    }

    fn take(&mut self) -> Child {
        self.child
            .take()
            .expect("the child is held until waited for")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
