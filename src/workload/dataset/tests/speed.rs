//! How long opening a large JSON Lines file takes (ignored by default:
//! `cargo test --release --lib workload::dataset -- --ignored --nocapture`).

use std::io::Write;
use std::time::Instant;

use super::*;

#[test]
#[ignore = "writes a 100 MB file and times opening it"]
fn a_million_short_prompts_open_quickly() {
    const RECORDS: usize = 1_000_000;
    let dir = TempDir::new("speed");
    let path = dir.0.join("million.jsonl");
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = std::io::BufWriter::new(file);
    for index in 0..RECORDS {
        writeln!(
            writer,
            r#"{{"id": {index}, "prompt": "Summarise record {index:07} of the benchmark in two short sentences, please."}}"#
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    writer.flush().unwrap_or_else(|e| panic!("{e}"));
    drop(writer);
    let bytes = std::fs::metadata(&path).map_or(0, |metadata| metadata.len());
    let started = Instant::now();
    let dataset = Dataset::open(&path, DatasetOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    println!(
        "opened {} records ({:.1} MB) in {:.3} s",
        dataset.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    assert_eq!(dataset.len(), RECORDS);
    assert_eq!(dataset.entry(RECORDS - 1).map(|entry| entry.id).ok(), Some("999999".to_owned()));
    assert!(elapsed.as_secs_f64() < 1.5, "{elapsed:?}");
}
