//! Where a measurement was made: the machine and the commit.

use std::process::Command;

/// This machine in one phrase: `2 vCPU (AMD EPYC 7R13), 24 GiB, Linux
/// 6.18.0`. Parts the OS does not say are left out.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.split_whitespace().collect::<Vec<_>>().join(" "))
        });
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map(|kib| (kib / (1024.0 * 1024.0)).round());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|r| r.trim().to_string());
    let mut parts = vec![match model {
        Some(model) => format!("{cpus} vCPU ({model})"),
        None => format!("{cpus} vCPU"),
    }];
    if let Some(gib) = memory_gib {
        parts.push(format!("{gib} GiB"));
    }
    parts.push(match kernel {
        Some(release) => format!("{} {release}", std::env::consts::OS),
        None => std::env::consts::OS.to_string(),
    });
    parts.join(", ")
}

/// The repository's commit (12 hex digits), with `+changes` when the
/// working tree differs from it; `unknown` outside a git checkout.
pub fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let Some(head) = git(&["rev-parse", "--short=12", "HEAD"]) else {
        return "unknown".into();
    };
    let changed = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    if changed {
        format!("{head}+changes")
    } else {
        head
    }
}
