//! How long `analyze` takes on 1,000,000 raw rows (our format, ~10 delta
//! offsets per row, a few failures and fallbacks), and its peak memory.
//! Targets, on a 2-core machine: the fastest of three analyses at most
//! 4 s (4 s per million rows, at least 1.5 s for a smaller file), and the
//! process's peak resident memory at most 600 MB (the rows are read as
//! they stream, only lean per-call values are kept).
//!
//! Not run by plain `cargo bench` (`bench = false`):
//!
//! ```text
//! cargo bench --bench analyze_scale                   # 1,000,000 rows, three analyses
//! cargo bench --bench analyze_scale -- --test         # quick: 100,000 rows, one analysis
//! cargo bench --bench analyze_scale -- --figures docs/figures/analyze_scale.json
//! ```
//!
//! The file is written once to a temporary directory and removed at the
//! end. Set `ANALYZE_SCALE_DIR=<dir>` to write it there and keep it (for
//! example to measure `bedrock-bench analyze <dir>` with GNU `time -v`),
//! and `ANALYZE_SCALE_ROWS=<n>` for another size (the targets scale with
//! it). The figures are printed (and written with `--figures FILE`); the
//! process exits 1 when a target is missed or a measurement is missing.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bedrock_bench::analysis::{AnalyzeOptions, analyze};
use bedrock_bench::export::RawCsvWriter;
use bedrock_bench::figures::{Figure, FiguresFile, bench_invocation};

#[path = "../tests/it/fixture/mod.rs"]
mod fixture;

use fixture::FixtureRow;

const MODELS: [(&str, bool); 4] = [
    ("us.amazon.nova-pro-v1:0", true),
    ("us.anthropic.claude-3-5-haiku-20241022-v1:0", true),
    ("us.meta.llama3-1-70b-instruct-v1:0", true),
    ("us.amazon.nova-micro-v1:0", false),
];

/// A small deterministic generator (xorshift64*), so the file is the same
/// on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn micros(s: f64) -> f64 {
    (s * 1e6).round() / 1e6
}

/// Write `rows` realistic raw rows to `dir/run_<id>.csv` with the
/// harness's writer; the file written.
fn write_rows(dir: &Path, id: &str, rows: usize) -> std::io::Result<PathBuf> {
    let mut writer = RawCsvWriter::create(dir, id)?;
    let run_started = Instant::now();
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    for i in 0..rows {
        let (model, has_optimized) = MODELS[i % MODELS.len()];
        let optimized = has_optimized && (i / MODELS.len()) % 2 == 1;
        let config = if optimized { "optimized" } else { "standard" };
        let ttft = micros(0.3 + 0.5 * noise.next() + 0.05 * noise.next().powi(8) * 40.0);
        let chunks = 10;
        let gap = if optimized { 0.03 } else { 0.08 };
        let mut offset = ttft;
        let mut offsets = Vec::with_capacity(chunks);
        for _ in 0..chunks {
            offsets.push(format!("{offset:.6}"));
            offset = micros(offset + gap * (0.5 + noise.next()));
        }
        let total = micros(offset + 0.01);
        let failed = noise.next() < 0.02;
        let fallback = optimized && noise.next() < 0.01;
        let output = 50u32;
        let row = FixtureRow {
            time_to_first_byte: (!failed).then_some(ttft),
            time_to_last_byte: Some(total),
            job_timestamp_iso: "2025-07-08T11:29:57.123456Z".into(),
            configured_output_tokens_for_request: 100,
            model_input_tokens: (!failed).then_some(10 + (i % 17) as u32),
            model_output_tokens: (!failed).then_some(output),
            model: model.into(),
            region: "us-east-2".into(),
            invocation_id: format!("r1-s{}-i{}", i % 7, i / 7),
            api_call_status: if failed {
                "ThrottlingException"
            } else {
                "Success"
            }
            .into(),
            full_error_message: if failed {
                "Too many requests, please wait before trying again.".into()
            } else {
                String::new()
            },
            temperature: Some(0.0),
            top_p: Some(0.9),
            top_k: None,
            experiment_name: "scale".into(),
            task_type: "short-answer".into(),
            performance_config: config.into(),
            timestamp: "20250708_112957".into(),
            run_count: 1,
            target: "emulator".into(),
            time_scale: Some(1.0),
            scenario: format!("{model}-{config}"),
            attempt: 1,
            request_id: format!("00000000-0000-4000-8000-{i:012}"),
            time_to_response: Some(micros(ttft * 0.6)),
            performance_config_sent: if optimized { "optimized" } else { "" }.into(),
            served_performance_config: if failed {
                String::new()
            } else if optimized && !fallback {
                "optimized".into()
            } else {
                "standard".into()
            },
            server_latency_ms: Some((total * 900.0) as i64),
            stop_reason: "end_turn".into(),
            worker: Some((i % 4) as u32),
            phase: "run".into(),
            start_offset_s: Some(micros(i as f64 * 0.01)),
            queue_delay_s: Some(0.0),
            delta_offsets: if failed {
                String::new()
            } else {
                offsets.join(" ")
            },
            // No variant axes: the rows of a plain standard/optimized run.
            ..FixtureRow::default()
        };
        writer.write(&row.record(run_started))?;
    }
    writer.finish()
}

/// Peak resident memory of this process so far, in KiB.
fn peak_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } == 0;
    if ok {
        // SAFETY: initialized by the successful call above.
        unsafe { usage.assume_init() }.ru_maxrss
    } else {
        -1
    }
}

/// Seconds per million rows and MB of peak memory allowed.
const TARGET_S_PER_MILLION: f64 = 4.0;
const TARGET_PEAK_MB: f64 = 600.0;
/// The time allowed for a file of any size (the quick mode's 100,000 rows).
const MIN_TARGET_S: f64 = 1.5;

fn main() {
    // Options after `--`: `--test` (quick), `--figures FILE`; criterion's
    // own (`--bench`) are accepted and ignored.
    let mut quick = false;
    let mut figures_path: Option<PathBuf> = None;
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--test" => quick = true,
            "--figures" => figures_path = given.next().map(PathBuf::from),
            _ => {}
        }
    }
    let rows: usize = std::env::var("ANALYZE_SCALE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 100_000 } else { 1_000_000 });
    let repeats = if quick { 1 } else { 3 };
    let keep = std::env::var_os("ANALYZE_SCALE_DIR").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("bb-analyze-scale-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).expect("create the data directory");
    let path = dir.join(format!("run_scale_{rows}.csv"));
    if !path.exists() {
        let started = Instant::now();
        let written = write_rows(&dir, &format!("scale_{rows}"), rows).expect("write the raw CSV");
        assert_eq!(written, path);
        eprintln!(
            "wrote {rows} rows ({} MB) to {} in {:.1?}",
            std::fs::metadata(&path).map_or(0, |m| m.len() / 1_000_000),
            path.display(),
            started.elapsed()
        );
    }
    let options = AnalyzeOptions::default();
    let mut times = Vec::new();
    let mut groups = 0;
    for _ in 0..repeats {
        let started = Instant::now();
        match analyze(&[&path], &options) {
            Ok(analysis) => {
                groups = black_box(analysis.summary.len());
                times.push(started.elapsed().as_secs_f64());
            }
            Err(error) => eprintln!("analyze failed: {error}"),
        }
    }
    let peak_mb = peak_rss_kib() as f64 * 1024.0 / 1e6;
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    times.sort_by(f64::total_cmp);
    // Smaller files have a fixed floor: starting the readers and the
    // statistics costs the same for any size.
    let target_s = (TARGET_S_PER_MILLION * rows as f64 / 1e6).max(MIN_TARGET_S);
    let mut missed = Vec::new();
    match times.first() {
        Some(&fastest) if times.len() == repeats && groups > 0 && peak_mb > 0.0 => {
            println!(
                "analyze {rows} rows: fastest {fastest:.2} s of {repeats} (all: {}), {groups} groups, peak resident memory {peak_mb:.0} MB",
                times
                    .iter()
                    .map(|t| format!("{t:.2} s"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if fastest > target_s {
                missed.push(format!("{fastest:.2} s > {target_s:.2} s"));
            }
            if peak_mb > TARGET_PEAK_MB {
                missed.push(format!("peak memory {peak_mb:.0} MB > {TARGET_PEAK_MB} MB"));
            }
            if let Some(path) = figures_path.filter(|_| missed.is_empty()) {
                let mut figures =
                    FiguresFile::new(bench_invocation("analyze_scale"));
                figures
                    .figure("rows", Figure::new(rows as f64, "", 0))
                    .figure("fastest_s", Figure::new(fastest, "s", 2))
                    .figure("slowest_s", Figure::new(times[times.len() - 1], "s", 2))
                    .figure("peak_mb", Figure::new(peak_mb, "MB", 0));
                figures.write(&path).expect("write the results file");
                println!("wrote {}", path.display());
            }
        }
        _ => missed.push(format!(
            "a measurement is missing: {} of {repeats} analyses timed, {groups} groups, peak memory {peak_mb} MB",
            times.len()
        )),
    }
    if !missed.is_empty() {
        for m in &missed {
            println!("MISSED: {m}");
        }
        std::process::exit(1);
    }
    println!("every target met");
}
