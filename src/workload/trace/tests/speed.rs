//! The time to open a million records (ignored: run it on its own, in
//! release, with `--ignored --nocapture`).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::TestDir;
use crate::workload::trace::{Trace, TraceFormat};

/// The records written.
const RECORDS: usize = 1_000_000;

/// The most time opening them may take.
const LIMIT: Duration = Duration::from_millis(1500);

/// Opens `path`, checks its length and format, and prints the time.
fn time_open(path: &std::path::Path, format: TraceFormat) -> Duration {
    let started = Instant::now();
    let trace = Trace::open(path, None).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(trace.len(), RECORDS);
    assert_eq!(trace.format(), format);
    let bytes = std::fs::metadata(path).map_or(0, |metadata| metadata.len());
    println!(
        "{format}: {RECORDS} records ({:.1} MB) opened in {:.3} s",
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    elapsed
}

#[test]
#[ignore = "a timing: run alone with --release --ignored --nocapture"]
fn a_million_records_open_in_time() {
    let dir = TestDir::new("speed");
    let mut mooncake = String::with_capacity(RECORDS * 120);
    let mut plain = String::with_capacity(RECORDS * 40);
    plain.push_str("arrival_s,input_tokens,output_tokens,session_id\n");
    for i in 0..RECORDS {
        let input = 100 + (i * 7919) % 20_000;
        let output = (i * 104_729) % 2_000;
        let first_block = i % 5_000;
        let blocks = input / 512 + 1;
        let ids: Vec<String> = (first_block..first_block + blocks.min(12))
            .map(|id| id.to_string())
            .collect();
        let _ = writeln!(
            mooncake,
            "{{\"timestamp\": {}, \"input_length\": {input}, \"output_length\": {output}, \"hash_ids\": [{}]}}",
            i * 3,
            ids.join(", ")
        );
        let _ = writeln!(
            plain,
            "{}.{:03},{input},{output},s{}",
            i / 1000,
            i % 1000,
            i % 997
        );
    }
    let mooncake_path = dir.write("mooncake.jsonl", mooncake);
    let plain_path = dir.write("plain.csv", plain);
    let mooncake_time = time_open(&mooncake_path, TraceFormat::Mooncake);
    let plain_time = time_open(&plain_path, TraceFormat::Plain);
    assert!(mooncake_time < LIMIT, "Mooncake: {mooncake_time:?}");
    assert!(plain_time < LIMIT, "plain: {plain_time:?}");
}
