//! Windows (bounds, re-basing, empty windows) and speed-ups (exact
//! instants, bad factors).

use std::time::Duration;

use super::{TestDir, instants, ms};
use crate::workload::trace::{Trace, TraceError};

/// Records at 0, 1, 2, 3 and 4 s (lines 2 to 6), opened from a test's
/// directory (returned, to keep it until the test ends).
fn five_seconds(test: &str) -> (TestDir, Trace) {
    let dir = TestDir::new(test);
    let path = dir.write(
        "trace.csv",
        "arrival_s,input_tokens,output_tokens\n0,10,1\n1,11,1\n2,12,1\n3,13,1\n4,14,1\n",
    );
    let trace = Trace::open(&path, None).unwrap();
    (dir, trace)
}

#[test]
fn a_window_keeps_its_start_and_not_its_end_and_is_rebased() {
    let (_dir, trace) = five_seconds("window-bounds");
    let window = trace
        .window(Duration::from_secs(1), Some(Duration::from_secs(2)))
        .unwrap();
    assert_eq!(instants(&window), vec![ms(0), ms(1000)]);
    let inputs: Vec<u32> = window.records().iter().map(|r| r.input_tokens).collect();
    assert_eq!(inputs, vec![11, 12]);
    let lines: Vec<u32> = window.records().iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 4]);
    assert_eq!(window.format(), trace.format());
    assert_eq!(window.path(), trace.path());
}

#[test]
fn a_window_between_records_is_rebased_on_its_start() {
    let (_dir, trace) = five_seconds("window-rebase");
    let window = trace.window(ms(2500), None).unwrap();
    assert_eq!(instants(&window), vec![ms(500), ms(1500)]);
    assert_eq!(window.span(), ms(1500));
    let whole = trace.window(Duration::ZERO, None).unwrap();
    assert_eq!(whole, trace);
}

#[test]
fn an_empty_window_says_the_span() {
    let (dir, trace) = five_seconds("window-empty");
    let message = |error: TraceError| dir.relative(&error.to_string());
    assert_eq!(
        message(trace.window(Duration::from_secs(10), None).unwrap_err()),
        "trace.csv: window from 10.0 s to the end: expected at least one record in it, \
         found none (the trace spans 0.0 s to 4.0 s, 5 records)"
    );
    assert_eq!(
        message(trace.window(ms(1200), Some(ms(500))).unwrap_err()),
        "trace.csv: window from 1.2 s for 0.5 s: expected at least one record in it, \
         found none (the trace spans 0.0 s to 4.0 s, 5 records)"
    );
    assert!(matches!(
        trace.window(Duration::from_secs(1), Some(Duration::ZERO)),
        Err(TraceError::EmptyWindow { .. })
    ));
    assert!(trace.window(Duration::from_secs(4), Some(ms(1))).is_ok());
}

#[test]
fn a_speed_up_divides_every_instant() {
    let (_dir, trace) = five_seconds("sped-up");
    let twice = trace.sped_up(2.0).unwrap();
    assert_eq!(
        instants(&twice),
        vec![ms(0), ms(500), ms(1000), ms(1500), ms(2000)]
    );
    let thrice = trace.sped_up(3.0).unwrap();
    assert_eq!(thrice.records()[3].at, Duration::from_secs(1));
    assert_eq!(thrice.records()[1].at, Duration::from_nanos(333_333_333));
    let slower = trace.sped_up(0.5).unwrap();
    assert_eq!(slower.span(), Duration::from_secs(8));
    assert_eq!(trace.sped_up(1.0).unwrap(), trace);
    assert_eq!(twice.records()[4].input_tokens, 14);
}

#[test]
fn a_window_then_a_speed_up() {
    let (_dir, trace) = five_seconds("window-sped-up");
    let replay = trace
        .window(Duration::from_secs(2), None)
        .unwrap()
        .sped_up(4.0)
        .unwrap();
    assert_eq!(instants(&replay), vec![ms(0), ms(250), ms(500)]);
    assert_eq!(replay.arrival_rate(), Some(6.0));
}

#[test]
fn bad_speed_up_factors_are_named() {
    let (dir, trace) = five_seconds("sped-up-bad");
    for (factor, shown) in [
        (0.0, "0.0"),
        (-2.0, "-2.0"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
    ] {
        let error = trace.sped_up(factor).unwrap_err();
        assert_eq!(
            dir.relative(&error.to_string()),
            format!(
                "trace.csv: speed-up factor: expected a finite number greater than 0, found {shown}"
            )
        );
    }
    let error = trace.sped_up(1e-300).unwrap_err();
    assert_eq!(
        dir.relative(&error.to_string()),
        "trace.csv: speed-up factor: expected a factor that keeps the trace's span under 584 years, \
         found 1e-300"
    );
}
