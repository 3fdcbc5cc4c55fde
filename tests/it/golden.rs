//! Golden files: a fixed set of call attempts (instants, usage, statuses
//! fixed, nothing measured) goes through the raw CSV writer and `analyze`;
//! the raw CSV, the Python tool's summary, the extended summary and the
//! comparison must equal the committed files in `tests/golden/` byte for
//! byte. A change to any output format shows here first.
//!
//! `BEDROCK_BENCH_BLESS=1 cargo test --release --test it golden::` rewrites the
//! expectations (then review the diff before committing it).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bedrock_bench::analysis::{AnalyzeOptions, analyze};
use bedrock_bench::call::{CallRecord, CallStatus, Usage};
use bedrock_bench::config::PerformanceConfig;
use bedrock_bench::export::RawCsvWriter;
use bedrock_bench::record::{AttemptRecord, Phase, RunFacts, ScenarioFacts, Target};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// One attempt to record: its timings in milliseconds after t0.
struct Fixed {
    model: &'static str,
    sent: Option<&'static str>,
    served: Option<&'static str>,
    status: &'static str,
    message: &'static str,
    ttft_ms: Option<u64>,
    gaps_ms: &'static [u64],
    total_ms: u64,
    output_tokens: Option<u32>,
    phase: &'static str,
    invocation: String,
    attempt: u32,
}

/// Every attempt of the golden run: two models, one with both
/// configurations (a comparison), a fallback, a throttle and its retry, a
/// timeout with partial timings, and a warm-up.
fn attempts() -> Vec<Fixed> {
    let mut out = Vec::new();
    let nova = "us.amazon.nova-pro-v1:0";
    let llama = "us.meta.llama3-1-70b-instruct-v1:0";
    for i in 1..=12u64 {
        let success = |model, sent, served, ttft: u64, gap: u64, tokens: u32| Fixed {
            model,
            sent,
            served,
            status: "Success",
            message: "",
            ttft_ms: Some(ttft),
            gaps_ms: match gap {
                20 => &[20, 20, 20, 20],
                25 => &[25, 30, 25, 35],
                _ => &[60, 55, 70, 65],
            },
            total_ms: ttft + gap * 5 + 7 * i,
            output_tokens: Some(tokens),
            phase: "run",
            invocation: format!("r1-s{}-i{i}", if sent == Some("optimized") { 1 } else { 2 }),
            attempt: 1,
        };
        out.push(success(
            nova,
            Some("optimized"),
            Some(if i == 5 { "standard" } else { "optimized" }),
            400 + 13 * i,
            20,
            50,
        ));
        out.push(success(
            nova,
            None,
            None,
            600 + 17 * i,
            25,
            48 + (i % 3) as u32,
        ));
        out.push(Fixed {
            invocation: format!("r1-s3-i{i}"),
            ..success(
                llama,
                Some("standard"),
                Some("standard"),
                800 + 9 * i,
                60,
                45,
            )
        });
    }
    out.push(Fixed {
        model: nova,
        sent: None,
        served: None,
        status: "ThrottlingException",
        message: "Too many requests, please wait before trying again.",
        ttft_ms: None,
        gaps_ms: &[],
        total_ms: 31,
        output_tokens: None,
        phase: "run",
        invocation: "r1-s2-i13".into(),
        attempt: 1,
    });
    out.push(Fixed {
        invocation: "r1-s2-i13".into(),
        attempt: 2,
        ..Fixed {
            model: nova,
            sent: None,
            served: None,
            status: "Success",
            message: "",
            ttft_ms: Some(640),
            gaps_ms: &[25, 25],
            total_ms: 760,
            output_tokens: Some(30),
            phase: "run",
            invocation: String::new(),
            attempt: 0,
        }
    });
    out.push(Fixed {
        model: llama,
        sent: Some("standard"),
        served: None,
        status: "Timeout",
        message: "the call exceeded its timeout of 60.000 s after 2 content deltas",
        ttft_ms: Some(900),
        gaps_ms: &[1000],
        total_ms: 60_000,
        output_tokens: None,
        phase: "run",
        invocation: "r1-s3-i13".into(),
        attempt: 1,
    });
    out.push(Fixed {
        model: llama,
        sent: Some("standard"),
        served: Some("standard"),
        status: "Success",
        message: "",
        ttft_ms: Some(2000),
        gaps_ms: &[60],
        total_ms: 2300,
        output_tokens: Some(12),
        phase: "warmup",
        invocation: "r1-s3-w1".into(),
        attempt: 1,
    });
    out
}

/// The raw CSV of [`attempts`], written by the harness's writer.
fn write_raw(dir: &Path) -> PathBuf {
    let mut writer = RawCsvWriter::create(dir, "20261130_100000").expect("raw CSV");
    let run_started = Instant::now();
    let run = Arc::new(RunFacts {
        run_id: "20261130_100000".into(),
        run: 1,
        started: run_started,
    });
    for (index, fixed) in attempts().into_iter().enumerate() {
        let offset = Duration::from_millis(1000 * index as u64);
        let mut record = CallRecord::start(8);
        record.started_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_032_800) + offset;
        record.t0 = run_started + offset;
        let at = |ms: u64| record.t0 + Duration::from_millis(ms);
        record.response_at = Some(at(fixed.ttft_ms.map_or(fixed.total_ms, |t| t / 2)));
        if let Some(ttft) = fixed.ttft_ms {
            let mut delta = ttft;
            record.deltas.push(at(delta));
            for gap in fixed.gaps_ms {
                delta += gap;
                record.deltas.push(at(delta));
            }
        }
        record.end_at = Some(at(fixed.total_ms));
        record.usage = fixed.output_tokens.map(|output| Usage {
            input_tokens: 10,
            output_tokens: output,
            total_tokens: 10 + output,
            ..Usage::default()
        });
        record.status = CallStatus::from_name(fixed.status);
        if record.status.is_success() {
            record.server_latency_ms = Some(fixed.total_ms as i64 - 3);
            record.stop_reason = Some("end_turn".into());
        }
        record.served_performance = fixed.served.map(str::to_string);
        record.error_message = (!fixed.message.is_empty()).then(|| fixed.message.to_string());
        record.request_id = Some(format!("00000000-0000-4000-8000-{index:012}"));
        let scenario = ScenarioFacts {
            name: format!("{}/{}", fixed.model, fixed.sent.unwrap_or("standard")),
            model: fixed.model.into(),
            region: "us-east-2".into(),
            task_type: "Text-Generation".into(),
            experiment_name: "golden".into(),
            performance_sent: fixed
                .sent
                .map(|p| p.parse::<PerformanceConfig>().expect("config")),
            max_tokens: 50,
            temperature: Some(0.5),
            top_p: None,
            top_k: None,
            target: Target::Emulator,
            time_scale: Some(1.0),
            service_tier: None,
            prompt_cache: None,
            cache_ttl: None,
            reasoning_budget_tokens: None,
            tools: None,
            api: bedrock_catalog::Api::ConverseStream,
            endpoint: bedrock_catalog::Endpoint::Runtime,
            guardrail: None,
            prices: Default::default(),
        };
        let attempt = AttemptRecord {
            sent: bedrock_bench::record::SentRequest::fixed(50),
            scheduled: Some(record.t0 - Duration::from_micros(250 * (index % 3) as u64)),
            open_loop: None,
            call: record,
            scenario: Arc::new(scenario),
            run: Arc::clone(&run),
            invocation_id: fixed.invocation.clone(),
            attempt: fixed.attempt,
            phase: if fixed.phase == "warmup" {
                Phase::Warmup
            } else {
                Phase::Run
            },
            worker: Some((index % 2) as u32),
        };
        writer.write(&attempt).expect("row");
    }
    writer.finish().expect("finish")
}

/// Compare `actual` with the golden file `name`, or rewrite it when
/// blessing.
fn check(name: &str, actual: &str) {
    let path = Path::new(GOLDEN).join(name);
    if std::env::var("BEDROCK_BENCH_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(GOLDEN).expect("golden dir");
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (BEDROCK_BENCH_BLESS=1 writes it)", path.display()));
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .map_or_else(
                || "the line count".to_string(),
                |n| format!("line {}", n + 1),
            );
        panic!(
            "{name} differs from {} at {line}\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}

#[test]
fn every_output_file_matches_its_golden_copy() {
    let dir = std::env::temp_dir().join(format!("bb-golden-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let raw = write_raw(&dir.join("results"));
    check("raw.csv", &std::fs::read_to_string(&raw).expect("raw CSV"));
    let analysis = analyze(&[&raw], &AnalyzeOptions::default()).expect("analyzes");
    let files = analysis
        .write_files(&dir, "20261130_100001")
        .expect("writes");
    for (name, path) in [
        ("summary.csv", &files.summary),
        ("extended.csv", &files.extended),
        ("comparison.csv", &files.comparison),
    ] {
        check(name, &std::fs::read_to_string(path).expect("output"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
