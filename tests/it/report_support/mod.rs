//! Shared by the `report_*` tests: a temporary directory, and a fixed raw
//! CSV in our format with two models (one about ten times slower), each
//! standard and optimized, throttled and failed attempts, a group with
//! no successful call, fallbacks and a warm-up call.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub(crate) use crate::fixture;
use bedrock_bench::analysis::{Analysis, AnalyzeOptions, analyze};

pub use fixture::FixtureRow;

/// The fast model.
pub const FAST: &str = "us.amazon.nova-pro-v1:0";
/// The model about ten times slower.
pub const SLOW: &str = "us.meta.llama3-1-405b-instruct-v1:0";
/// A model id with markup in it, whose every call fails.
pub const BROKEN: &str = "us.example.<b>broken</b>&\"model\"-v1:0";
/// The throttling message of the broken model (markup too).
pub const BROKEN_MESSAGE: &str = "Rate exceeded <script>alert(\"x\")</script> & try later";

/// A fresh directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("bb-report-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A deterministic generator in [0, 1).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn micros(s: f64) -> f64 {
    (s * 1e6).round() / 1e6
}

/// How one group's successful calls look.
struct Shape {
    model: &'static str,
    config: &'static str,
    ttft: f64,
    spread: f64,
    rate: f64,
}

fn base(model: &str, config: &str, invocation: String, start: f64) -> FixtureRow {
    FixtureRow {
        job_timestamp_iso: format!(
            "2025-07-08T11:{:02}:{:02}.000000Z",
            (start / 60.0) as u32 % 60,
            (start % 60.0) as u32
        ),
        configured_output_tokens_for_request: 200,
        model: model.into(),
        region: "us-east-2".into(),
        invocation_id: invocation,
        temperature: Some(0.7),
        top_p: Some(0.9),
        top_k: None,
        experiment_name: "report-fixture".into(),
        task_type: "short-answer".into(),
        performance_config: config.into(),
        performance_config_sent: if config == "optimized" {
            "optimized".into()
        } else {
            String::new()
        },
        timestamp: "20250708_110000".into(),
        run_count: 1,
        target: "emulator".into(),
        scenario: format!("{model}-{config}"),
        attempt: 1,
        start_offset_s: Some(micros(start)),
        queue_delay_s: Some(0.0),
        phase: "run".into(),
        ..FixtureRow::default()
    }
}

fn success(shape: &Shape, noise: &mut Noise, invocation: String, start: f64) -> FixtureRow {
    let mut row = base(shape.model, shape.config, invocation, start);
    let u = noise.next();
    let tail = if noise.next() < 0.05 { 2.5 } else { 1.0 };
    let ttft = micros((shape.ttft + shape.spread * u * u) * tail);
    let output = 120u32 + (noise.next() * 60.0) as u32;
    // Chunks of about three tokens, jittered.
    let mut offsets = vec![ttft];
    let mut t = ttft;
    let chunks = output / 3;
    for _ in 1..chunks {
        t = micros(t + 3.0 / shape.rate * (0.6 + 0.8 * noise.next()));
        offsets.push(t);
    }
    let total = micros(t + 0.01);
    row.time_to_first_byte = Some(ttft);
    row.time_to_last_byte = Some(total);
    row.time_to_response = Some(micros(ttft * 0.7));
    row.model_input_tokens = Some(40);
    row.model_output_tokens = Some(output);
    row.api_call_status = "Success".into();
    row.served_performance_config = shape.config.into();
    row.server_latency_ms = Some((total * 950.0) as i64);
    row.stop_reason = "end_turn".into();
    row.delta_offsets = offsets
        .iter()
        .map(|o| format!("{o:.6}"))
        .collect::<Vec<_>>()
        .join(" ");
    row
}

fn failure(
    model: &str,
    config: &str,
    invocation: String,
    start: f64,
    status: &str,
    message: &str,
    total: Option<f64>,
) -> FixtureRow {
    let mut row = base(model, config, invocation, start);
    row.api_call_status = status.into();
    row.full_error_message = message.into();
    row.time_to_last_byte = total;
    row
}

/// The fixture's rows, in call order.
pub fn fixture_rows() -> Vec<FixtureRow> {
    let shapes = [
        Shape {
            model: FAST,
            config: "standard",
            ttft: 0.30,
            spread: 0.25,
            rate: 80.0,
        },
        Shape {
            model: FAST,
            config: "optimized",
            ttft: 0.20,
            spread: 0.15,
            rate: 140.0,
        },
        Shape {
            model: SLOW,
            config: "standard",
            ttft: 3.0,
            spread: 2.5,
            rate: 25.0,
        },
        Shape {
            model: SLOW,
            config: "optimized",
            ttft: 2.0,
            spread: 1.5,
            rate: 60.0,
        },
    ];
    let counts = [60usize, 60, 40, 40];
    let mut noise = Noise(0x2545_F491_4F6C_DD1D);
    let mut rows = Vec::new();
    let mut start = 0.0;
    let mut n = 0;
    // A warm-up call first (recorded, left out of the statistics).
    let mut warm = success(&shapes[0], &mut noise, "warmup-0".into(), start);
    warm.phase = "warmup".into();
    rows.push(warm);
    for round in 0..60 {
        for (s, shape) in shapes.iter().enumerate() {
            if round >= counts[s] {
                continue;
            }
            start += 2.5;
            n += 1;
            let id = format!("r1-s{s}-i{round}");
            // The slow model is throttled now and then, mostly later in
            // the run; the throttled attempt is retried.
            if shape.model == SLOW && round % 7 == 3 {
                rows.push(failure(
                    SLOW,
                    shape.config,
                    id.clone(),
                    start,
                    "ThrottlingException",
                    "Too many requests, please wait before trying again.",
                    Some(0.08),
                ));
                start += 1.0;
            }
            let mut row = success(shape, &mut noise, id, start);
            row.attempt = if shape.model == SLOW && round % 7 == 3 {
                2
            } else {
                1
            };
            // A few optimized requests are served as standard.
            if shape.model == FAST && shape.config == "optimized" && round % 20 == 5 {
                row.served_performance_config = "standard".into();
            }
            rows.push(row);
        }
        if round == 30 {
            start += 1.0;
            rows.push(failure(
                SLOW,
                "standard",
                format!("r1-timeout-{round}"),
                start,
                "ModelTimeoutException",
                "Model has timed out in processing the request.",
                None,
            ));
        }
        if round % 8 == 0 {
            start += 1.0;
            let status = if round == 16 || round == 40 {
                "ServiceUnavailableException"
            } else {
                "ThrottlingException"
            };
            rows.push(failure(
                BROKEN,
                "standard",
                format!("r1-broken-{round}"),
                start,
                status,
                BROKEN_MESSAGE,
                Some(0.05),
            ));
        }
    }
    assert!(n > 0);
    rows
}

/// Write the fixture into `dir` with the crate's own writer.
pub fn write_fixture(dir: &Path) -> PathBuf {
    fixture::write_rows(dir, "20250708_110000", &fixture_rows())
}

/// The fixture written into `dir/results` and analyzed.
pub fn analyzed(dir: &Path) -> Analysis {
    let csv = write_fixture(&dir.join("results"));
    analyze(&[csv], &AnalyzeOptions::default()).expect("analyze the fixture")
}
