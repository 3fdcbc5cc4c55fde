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
    assert_eq!(
        dataset.entry(RECORDS - 1).map(|entry| entry.id).ok(),
        Some("999999".to_owned())
    );
    assert!(elapsed.as_secs_f64() < 1.5, "{elapsed:?}");
}

#[test]
#[ignore = "writes a 100 MB file and times opening it"]
fn a_large_sharegpt_array_opens_quickly() {
    const RECORDS: usize = 200_000;
    let dir = TempDir::new("speed-array");
    let path = dir.0.join("sharegpt.json");
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = std::io::BufWriter::new(file);
    writer.write_all(b"[\n").unwrap_or_else(|e| panic!("{e}"));
    for index in 0..RECORDS {
        let separator = if index + 1 == RECORDS { "" } else { "," };
        writeln!(
            writer,
            r#"  {{"id": "sg-{index}", "conversations": [{{"from": "human", "value": "Question {index}: what does \"latency\" mean for a streamed answer [in brief]?"}}, {{"from": "gpt", "value": "It is the time from sending the request to the first token {{and}} to the last one; both matter, and they are measured separately for every call made."}}, {{"from": "human", "value": "And throughput?"}}, {{"from": "gpt", "value": "Output tokens per second after the first token arrives."}}]}}{separator}"#
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    writer.write_all(b"]\n").unwrap_or_else(|e| panic!("{e}"));
    writer.flush().unwrap_or_else(|e| panic!("{e}"));
    drop(writer);
    let bytes = std::fs::metadata(&path).map_or(0, |metadata| metadata.len());
    let started = Instant::now();
    let dataset = Dataset::open(&path, DatasetOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    println!(
        "opened {} ShareGPT records ({:.1} MB, one array) in {:.3} s",
        dataset.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    assert_eq!(dataset.len(), RECORDS);
    assert_eq!(dataset.format(), DatasetFormat::ShareGpt);
    assert_eq!(dataset.user_turn_count(RECORDS - 1), 2);
    assert_eq!(
        dataset.entry(RECORDS - 1).map(|entry| entry.line).ok(),
        Some(RECORDS + 1)
    );
}
