//! Reports of awkward data never fail and never draw nonsense: every call
//! failed, a single call, zero latencies, a header without rows, many
//! groups with long model ids.

use crate::report_support;

use std::path::Path;

use bedrock_bench::analysis::{AnalyzeOptions, analyze};
use bedrock_bench::report::{ReportFiles, write_report_with};
use report_support::{FixtureRow, TempDir, fixture};

fn row(
    model: &str,
    config: &str,
    status: &str,
    ttft: Option<f64>,
    total: Option<f64>,
) -> FixtureRow {
    FixtureRow {
        time_to_first_byte: ttft,
        time_to_last_byte: total,
        model_input_tokens: ttft.map(|_| 10),
        model_output_tokens: ttft.map(|_| 20),
        model: model.into(),
        region: "us-west-2".into(),
        invocation_id: format!("{model}-{config}-{status}-{ttft:?}"),
        api_call_status: status.into(),
        performance_config: config.into(),
        target: "aws".into(),
        start_offset_s: Some(1.0),
        delta_offsets: match (ttft, total) {
            (Some(a), Some(b)) => format!("{a:.6} {b:.6}"),
            _ => String::new(),
        },
        ..FixtureRow::default()
    }
}

fn report_of(dir: &Path, rows: &[FixtureRow]) -> ReportFiles {
    let csv = fixture::write_rows(&dir.join("results"), "20250101_000000", rows);
    let analysis = analyze(&[csv], &AnalyzeOptions::default()).expect("analyze");
    let files = write_report_with(&analysis, dir, "20250101_000001", &[]).expect("report");
    for chart in &files.charts.charts {
        let svg = std::fs::read_to_string(&chart.files.svg).expect("svg");
        roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{}: not well-formed: {e}", chart.name));
        assert!(
            std::fs::read(&chart.files.png)
                .expect("png")
                .starts_with(b"\x89PNG")
        );
    }
    files
}

#[test]
fn every_call_failed() {
    let dir = TempDir::new("all-failed");
    let rows = [
        row("m1", "standard", "ThrottlingException", None, Some(0.1)),
        row("m1", "optimized", "ThrottlingException", None, None),
        row("m2", "standard", "ValidationException", None, Some(0.2)),
    ];
    let files = report_of(dir.path(), &rows);
    let notes = files.charts.charts.iter().filter(|c| c.is_note).count();
    assert_eq!(notes, 3, "one note per group");
    let html = std::fs::read_to_string(&files.index).expect("index");
    assert!(html.contains("No successful call: 1 attempt, 1 throttled. No histogram"));
    // The standard/optimized pair has no ratio: the chart says so.
    let comparison = files
        .charts
        .charts
        .iter()
        .find(|c| c.name == "comparison")
        .expect("comparison chart");
    assert!(
        comparison
            .rendered
            .svg
            .contains("no ratio: 0 standard, 0 optimized")
    );
}

#[test]
fn one_call_and_zero_latencies() {
    let dir = TempDir::new("one");
    let rows = [
        row("m1", "standard", "Success", Some(0.5), Some(1.0)),
        row("m2", "standard", "Success", Some(0.0), Some(0.0)),
        row("m2", "standard", "Success", Some(0.0), Some(0.3)),
    ];
    let files = report_of(dir.path(), &rows);
    assert!(files.charts.charts.iter().all(|c| !c.is_note));
}

#[test]
fn a_header_without_rows() {
    let dir = TempDir::new("empty");
    let files = report_of(dir.path(), &[]);
    // Nothing per group, no timeline, no comparison; the rest still draws.
    assert!(files.charts.charts.iter().all(|c| c.group.is_none()));
    let html = std::fs::read_to_string(&files.index).expect("index");
    assert!(html.contains("0 calls"));
}

#[test]
fn many_groups_with_long_model_ids_stay_readable() {
    let dir = TempDir::new("many");
    let mut rows = Vec::new();
    for m in 0..12 {
        let model = format!(
            "us.vendor.a-really-quite-long-model-name-variant-{m:02}-instruct-2025-01-01-v1:0"
        );
        for config in ["standard", "optimized"] {
            for i in 0..5 {
                let ttft = 0.2 * (1 + m) as f64 + 0.01 * i as f64;
                rows.push(row(&model, config, "Success", Some(ttft), Some(ttft + 1.0)));
            }
        }
    }
    let files = report_of(dir.path(), &rows);
    let boxes = files
        .charts
        .charts
        .iter()
        .find(|c| c.name == "box_ttft")
        .expect("box plot");
    // Labels are cut to 30 characters, and all distinct.
    let doc = roxmltree::Document::parse(&boxes.rendered.svg).expect("svg");
    let labels: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .filter(|t| t.contains('…'))
        .collect();
    assert_eq!(labels.len(), 12, "{labels:?}");
    assert!(labels.iter().all(|l| l.chars().count() <= 30), "{labels:?}");
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 12, "{labels:?}");
    assert!(boxes.rendered.height > 12 * 60, "a row per model");
}
