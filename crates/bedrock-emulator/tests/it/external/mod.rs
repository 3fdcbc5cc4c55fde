//! Tests that need a program beyond Rust (Chromium, python3 with boto3,
//! node): on a machine without it they are skipped, and say so on the
//! terminal; with `BEDROCK_BENCH_REQUIRE_EXTERNAL=1` (which CI sets) a
//! missing program is a failure instead.
#![allow(dead_code)]

use std::io::Write;

/// The variable that turns a missing program into a test failure.
pub const REQUIRE_ENV: &str = "BEDROCK_BENCH_REQUIRE_EXTERNAL";

/// Whether missing programs must fail the test (CI).
pub fn required() -> bool {
    std::env::var(REQUIRE_ENV).is_ok_and(|value| value.trim() == "1")
}

/// Decide what a test does when the program it needs is missing:
/// `Ok(())` when it is there; otherwise a panic (when [`required`]) or a
/// line on the terminal saying the test was skipped and why, and
/// `Err(())` so that the test returns.
pub fn available(test: &str, missing: Option<String>) -> Result<(), ()> {
    let Some(reason) = missing else {
        return Ok(());
    };
    if required() {
        panic!("{test}: {reason} ({REQUIRE_ENV}=1 makes this a failure)");
    }
    // Written to the process's stderr directly, not through `eprintln!`,
    // which the test harness captures: the skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: {reason}. Set {REQUIRE_ENV}=1 to make a missing program a failure."
    );
    Err(())
}
