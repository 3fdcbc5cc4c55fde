//! A run on the emulator at time scale 0.05 says so everywhere its
//! numbers appear: `run`'s own lines, `analyze`'s first and last lines,
//! the report page, and every chart image (a strip across its top, in the
//! SVG's own text and in the PNG's height). The pause between
//! invocations shrinks with the scale, like the latencies. A run measured
//! on AWS gets no such note.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::isolation;
use crate::report_support;

use bedrock_bench::analysis::{AnalyzeOptions, analyze};
use bedrock_bench::plot::NOTE_HEIGHT;
use bedrock_bench::report::write_report_with;
use isolation::isolated;
use report_support::{TempDir, fixture, fixture_rows};

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

const NOTE: &str = "SIMULATED (emulator, time scale 0.05): not measured on Amazon Bedrock";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn bedrock_bench(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .current_dir(dir)
        .env("BEDROCK_BENCH_TIME_SCALE", "0.05")
        .args(args)
        .output()
        .expect("bedrock-bench runs")
}

/// The text of every `<text>` element of an SVG document, joined.
fn svg_text(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

/// A column of a raw CSV, by name.
fn column(csv: &Path, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(csv).expect("raw CSV");
    let at = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    reader
        .records()
        .map(|r| r.expect("row")[at].to_string())
        .collect()
}

#[test]
fn a_run_at_time_scale_0_05_says_so_in_its_lines_its_report_and_every_chart() {
    let dir = TempDir::new("scaled");
    let d = dir.path();
    std::fs::write(
        d.join("scenarios.jsonl"),
        "{\"text_prompt\": \"Explain machine learning.\", \"expected_output_tokens\": 30, \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\"}\n\
         {\"text_prompt\": \"Explain machine learning.\", \"expected_output_tokens\": 30, \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\", \"performance_config\": \"optimized\"}\n",
    )
    .expect("scenarios");
    // Two seconds between invocations: 0.1 s at the scale.
    std::fs::write(
        d.join("experiment.jsonl"),
        r#"{"experiment_name": "scaled", "invocations_per_scenario": 4, "num_parallel_invocations": 1, "sleep_between_invocations": 2}"#,
    )
    .expect("experiment");
    let run = bedrock_bench(
        d,
        &[
            "run",
            "--target",
            "emulator",
            "--scenarios",
            "scenarios.jsonl",
            "--experiment",
            "experiment.jsonl",
            "--out",
            "out",
            "--seed",
            "1",
        ],
    );
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 s between invocations (0.1 s on the emulator at time scale 0.05)"),
        "the plan says what the scale makes of the pause: {stderr}"
    );
    assert!(
        stderr.contains("numbers are SIMULATED by the emulator at time scale 0.05"),
        "{stderr}"
    );
    let csvs = files_with(&d.join("out/results"), "csv");
    assert_eq!(csvs.len(), 1, "{csvs:?}");
    let raw = &csvs[0];
    assert!(column(raw, "time_scale").iter().all(|s| s == "0.05"));

    // One worker: each call starts the pause after the one before it
    // ended, which is 0.1 s at the scale (2 s unscaled).
    let starts: Vec<f64> = column(raw, "start_offset_s")
        .iter()
        .map(|s| s.parse().expect("start"))
        .collect();
    let totals: Vec<f64> = column(raw, "time_to_last_byte")
        .iter()
        .map(|s| s.parse().expect("total"))
        .collect();
    let mut order: Vec<usize> = (0..starts.len()).collect();
    order.sort_by(|a, b| starts[*a].total_cmp(&starts[*b]));
    let mut pauses = Vec::new();
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        pauses.push(starts[b] - (starts[a] + totals[a]));
    }
    assert_eq!(pauses.len(), 7);
    // The first call of the second scenario follows the first one's last
    // call without a pause; the others wait about 0.1 s.
    let paused: Vec<f64> = pauses.iter().copied().filter(|p| *p > 0.05).collect();
    assert!(paused.len() >= 6, "{pauses:?}");
    assert!(
        paused.iter().all(|p| *p < 1.0),
        "pauses follow the scale (0.1 s), not the file's 2 s: {pauses:?}"
    );

    let raw_text = raw.to_str().expect("utf-8 path");
    let analysis = bedrock_bench(d, &["analyze", raw_text, "--out", "out"]);
    let stdout = text(&analysis.stdout);
    assert!(analysis.status.success(), "{}", text(&analysis.stderr));
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    for line in [lines[0], lines[lines.len() - 1]] {
        assert!(
            line.contains(
                "SIMULATED: these numbers come from the built-in emulator at time scale 0.05 (every latency 0.05 x its profile's, so tokens per second 20 x higher)"
            ),
            "first and last lines: {line}"
        );
    }

    let page = std::fs::read_to_string(d.join("out/index.html")).expect("index.html");
    assert!(
        page.contains("at time scale 0.05 (every latency 0.05 x its profile"),
        "the page's banner names the scale"
    );
    assert!(
        page.contains("<th>time scale</th><td>time scale 0.05"),
        "the settings table names the scale"
    );
    let plots: Vec<PathBuf> = std::fs::read_dir(d.join("out/plots"))
        .expect("plots")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(plots.len(), 1);
    let svgs = files_with(&plots[0], "svg");
    assert!(svgs.len() >= 6, "{svgs:?}");
    for svg in &svgs {
        let document = std::fs::read_to_string(svg).expect("svg");
        assert!(
            svg_text(&document).contains(NOTE),
            "{}: the chart carries the note",
            svg.display()
        );
        let png = std::fs::read(svg.with_extension("png")).expect("png");
        let root = roxmltree::Document::parse(&document).expect("svg");
        let height: u32 = root
            .root_element()
            .attribute("height")
            .and_then(|h| h.parse().ok())
            .expect("height");
        assert_eq!(png_size(&png).1, height, "{}", svg.display());
    }
}

#[test]
fn charts_of_a_run_on_aws_carry_no_note_and_keep_their_height() {
    let dir = TempDir::new("aws");
    let measured: Vec<_> = fixture_rows()
        .into_iter()
        .map(|mut row| {
            row.target = "aws".into();
            row.time_scale = None;
            row
        })
        .collect();
    let simulated: Vec<_> = fixture_rows()
        .into_iter()
        .map(|mut row| {
            row.time_scale = Some(0.05);
            row
        })
        .collect();
    let mut heights = Vec::new();
    for (tag, rows) in [("aws", measured), ("emulator", simulated)] {
        let root = dir.path().join(tag);
        let csv = fixture::write_rows(&root.join("results"), "20250708_110000", &rows);
        let analysis = analyze(&[csv], &AnalyzeOptions::default()).expect("analyze");
        let files = write_report_with(&analysis, &root, "stamp", &[]).expect("report");
        let page = std::fs::read_to_string(&files.index).expect("page");
        let noted = files
            .charts
            .charts
            .iter()
            .filter(|c| svg_text(&c.rendered.svg).contains(NOTE))
            .count();
        if tag == "aws" {
            assert_eq!(noted, 0, "measured: no note");
            assert!(!page.contains("id=\"simulated\""));
            assert!(page.contains("<th>time scale</th><td>none: measured on Amazon Bedrock"));
        } else {
            assert_eq!(noted, files.charts.charts.len(), "every chart");
            assert!(page.contains("id=\"simulated\""));
        }
        heights.push(
            files
                .charts
                .charts
                .iter()
                .map(|c| c.rendered.height)
                .collect::<Vec<_>>(),
        );
    }
    // The note is a strip above the chart, which keeps its own size.
    for (aws, emulator) in heights[0].iter().zip(&heights[1]) {
        assert_eq!(aws + NOTE_HEIGHT, *emulator);
    }
}
