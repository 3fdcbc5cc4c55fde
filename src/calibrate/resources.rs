//! This process's CPU time and memory, from the OS.

use std::time::Duration;

/// User plus system CPU time used by this process so far, from the
/// process's CPU-time clock (nanosecond resolution; `getrusage` counts in
/// scheduler ticks, so a short stretch of work could read as none).
pub fn cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime(2) fills the struct we own.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        now.tv_sec.max(0) as u64,
        now.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// Resident memory now, in bytes (0 where the OS does not say).
pub fn resident_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf(3) has no side effects.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * page.max(0) as u64
}

/// Raise the open-file limit to its hard maximum (a thousand concurrent
/// streams need a thousand sockets, in this process and the emulator).
pub fn raise_open_file_limit() {
    // SAFETY: getrlimit/setrlimit on a struct we own.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_and_memory_are_read() {
        // Work until the clock moves, for at most five seconds of wall time:
        // the assertion does not depend on how fast the loop runs or on the
        // clock's granularity.
        let before = cpu_time();
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_time() <= before && started.elapsed() < Duration::from_secs(5) {
            for i in 0..10_000u64 {
                x = x.wrapping_add(std::hint::black_box(i * i));
            }
        }
        std::hint::black_box(x);
        let after = cpu_time();
        assert!(after > before, "{before:?} then {after:?}");
        assert!(after - before < Duration::from_secs(5));
        assert!(resident_bytes() > 1 << 20);
    }
}
