//! `bedrock-bench calibrate` end to end on a small load: the emulator runs
//! as a separate process, every client record joins its ground truth, and
//! the table and CSV come out.

use std::process::Command;

#[test]
fn calibrate_joins_every_call_to_the_ground_truth() {
    let dir = std::env::temp_dir().join(format!("bb-calibrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = Command::new(env!("CARGO_BIN_EXE_bedrock-bench"))
        .args([
            "calibrate",
            "--concurrency",
            "1,4",
            "--calls",
            "8",
            "--tokens",
            "20",
            "--tokens-per-s",
            "400",
            "--ttft",
            "0.02",
            "--out",
        ])
        .arg(&dir)
        .output()
        .expect("calibrate runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("| concurrency |"), "{stdout}");
    let csv_path = stdout
        .lines()
        .find_map(|line| line.strip_prefix("wrote "))
        .expect("the CSV path is printed");
    let mut reader = csv::Reader::from_path(csv_path.trim()).expect("the CSV opens");
    let headers = reader.headers().expect("header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2, "one row per level");
    for (row, concurrency) in rows.iter().zip(["1", "4"]) {
        assert_eq!(&row[column("concurrency")], concurrency);
        assert_eq!(&row[column("calls")], "8");
        assert_eq!(&row[column("errors")], "0");
        assert_eq!(
            &row[column("new_connections")],
            "0",
            "the warm-up opened every connection"
        );
        // 8 calls x (20 deltas + 4 other events).
        assert_eq!(&row[column("events")], "192");
        let ttft_error: f64 = row[column("ttft_error_p50_ms")].parse().expect("a number");
        // Loose: the client's TTFT is a little longer than the server's, never shorter.
        assert!(
            (0.0..50.0).contains(&ttft_error),
            "TTFT error {ttft_error} ms"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
