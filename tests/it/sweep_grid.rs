//! The length grid against the in-process emulator: a 2x2 grid runs its
//! four cells in order (input lengths outer), each cell's raw CSV rows
//! carry the cell's input length (the emulator counts the synthetic
//! prompt's estimate exactly: the profile adds no input overhead) and
//! its output length as asked; `length_grid.csv` has a row per cell with
//! a TTFT p50, and the heatmaps and the page are written; the call
//! budget ends the grid at the first cell that does not fit, keeping the
//! cells done.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::config::{Arrival, Experiment, Load, Scenario, parse_scenarios};
use bedrock_bench::publish;
use bedrock_bench::report::sweep_page::GridPage;
use bedrock_bench::runner::{ProgressMode, StopSignal};
use bedrock_bench::sweep::{
    GridOptions, GridView, LengthGrid, LevelKind, Levels, Slo, SweepEnd, SweepOptions, run_grid,
};
use common::*;

const SCENARIO: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 2, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;

fn scenarios() -> Vec<Scenario> {
    parse_scenarios(SCENARIO, "grid_scenarios.jsonl", Path::new("."))
        .expect("scenarios load")
        .value
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("sweep-grid", name)
}

fn options(out: PathBuf) -> SweepOptions {
    SweepOptions {
        scenarios: scenarios(),
        experiment: Experiment {
            call_timeout: Duration::from_secs_f64(10.0),
            load: Load {
                arrival: Arrival::Constant,
                rate_per_s: Some(1.0),
                duration_s: Some(1.0),
                ..Load::default()
            },
            ..Experiment::default()
        },
        kind: LevelKind::Rate,
        levels: Levels::parse("10/s", 2.0, 0.1).expect("levels"),
        step_duration_s: 0.3,
        pause_s: 0.0,
        slo: Slo::with_defaults(vec!["ttft_p50<=0.12s".parse().expect("objective")]),
        out_dir: out,
        seed: 7,
        max_calls: None,
        max_cost: None,
        prices: Default::default(),
        progress: ProgressMode::Off,
        stop: StopSignal::new(),
    }
}

/// Each raw CSV row's value of `column`, over the files of `dir`.
fn column_values(dir: &Path, column: &str) -> Vec<String> {
    let mut values = Vec::new();
    for entry in std::fs::read_dir(dir.join("results")).expect("results") {
        let path = entry.expect("entry").path();
        let mut reader = csv::Reader::from_path(&path).expect("raw CSV");
        let header = reader.headers().expect("header").clone();
        let index = header.iter().position(|h| h == column).expect(column);
        for row in reader.records() {
            values.push(row.expect("row")[index].to_string());
        }
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_by_two_grid_runs_every_cell_at_its_lengths() {
    // TTFT grows with the input (0.1 ms per token), decoding runs at
    // 1,000 tokens/s, and every answer runs to maxTokens.
    let mut profile = fixed_profile(0.02, 1000.0, 2, 500);
    profile.ttft_per_input_token_s = 0.0001;
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = Arc::new(clients(&emulator));
    let out = temp_dir("two-by-two");
    let grid = LengthGrid::from_flags(Some("100,1500"), Some("8,40"))
        .expect("flags")
        .expect("a grid");
    let options = GridOptions::new(options(out.clone()), grid.clone(), "10/s").expect("one load");
    let worst = options.total_worst_case().expect("priced");
    assert!(worst > bedrock_catalog::prices::Cost::ZERO);
    let mut seen = Vec::new();
    let outcome = run_grid(clients, options, |cells| seen.push(cells.len())).await;
    assert_eq!(outcome.end, SweepEnd::Done, "{:?}", outcome.end);
    assert_eq!(seen, [1, 2, 3, 4], "on_cell after every cell");
    let order: Vec<(u32, u32)> = outcome
        .cells
        .iter()
        .map(|c| (c.cell.input_tokens, c.cell.output_tokens))
        .collect();
    assert_eq!(order, [(100, 8), (100, 40), (1500, 8), (1500, 40)]);
    for (index, done) in outcome.cells.iter().enumerate() {
        assert_eq!(done.step.index, index + 1);
        assert_eq!(done.step.stats.level, 10.0);
        assert_eq!(done.step.dir, out.join(done.cell.dir_name()));
        assert_eq!(done.step.stats.calls, 3, "0.3 s at 10/s, constant");
        assert_eq!(done.step.stats.successes, 3);
        let inputs = column_values(&done.step.dir, "model_input_tokens");
        assert_eq!(inputs.len(), 3);
        assert!(
            inputs
                .iter()
                .all(|v| *v == done.cell.input_tokens.to_string()),
            "{:?}: {inputs:?}",
            done.cell
        );
        let asked = column_values(&done.step.dir, "configured_output_tokens_for_request");
        assert!(
            asked
                .iter()
                .all(|v| *v == done.cell.output_tokens.to_string()),
            "{:?}: {asked:?}",
            done.cell
        );
        let outputs = column_values(&done.step.dir, "model_output_tokens");
        assert!(
            outputs
                .iter()
                .all(|v| *v == done.cell.output_tokens.to_string()),
            "{:?}: {outputs:?}",
            done.cell
        );
        let speed = done.generation_otps_p50.expect("a generation speed");
        assert!(
            (500.0..2000.0).contains(&speed),
            "{:?}: {speed} tokens/s at 1,000",
            done.cell
        );
        assert_eq!(done.analysis_error, None);
    }
    // TTFT follows the input: 0.03 s at 100 tokens, 0.17 s at 1,500; the
    // SLO (TTFT p50 <= 0.12 s) fails the long inputs without ending the
    // grid.
    let ttft = |i: usize| outcome.cells[i].ttft_p50().expect("ttft");
    assert!(ttft(0) < 0.1 && ttft(2) > 0.15, "{} {}", ttft(0), ttft(2));
    let passed: Vec<bool> = outcome.cells.iter().map(|c| c.step.passed()).collect();
    assert_eq!(passed, [true, true, false, false]);
    assert_eq!(outcome.calls, 12);
    assert_eq!(emulator.ground_truth().len(), 12);

    let page = GridPage {
        grid: GridView {
            kind: LevelKind::Rate,
            level: 10.0,
            inputs: &grid.inputs,
            outputs: &grid.outputs,
            cells: &outcome.cells,
        },
        slo: "ttft_p50<=0.12s",
        end: "the sweep finished",
        simulation: None,
    };
    let mut printed = Vec::new();
    let published = publish::sweep::publish_grid(&page, &out, &mut printed);
    assert!(published.errors.is_empty(), "{}", published.errors);
    let printed = String::from_utf8(printed).expect("text");
    assert!(printed.starts_with("Length grid:\n"), "{printed}");
    let mut reader = csv::Reader::from_path(out.join("length_grid.csv")).expect("CSV");
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4);
    for (row, done) in rows.iter().zip(&outcome.cells) {
        assert_eq!(
            row[column("input_tokens")],
            done.cell.input_tokens.to_string()
        );
        assert_eq!(
            row[column("output_tokens")],
            done.cell.output_tokens.to_string()
        );
        let ttft: f64 = row[column("ttft_p50_s")].parse().expect("a TTFT p50");
        assert!(ttft.is_finite() && ttft > 0.0, "{ttft}");
        let speed: f64 = row[column("generation_otps_p50")].parse().expect("a speed");
        assert!(speed.is_finite() && speed > 0.0);
        assert_eq!(row[column("calls")], *"3");
        assert_eq!(row[column("slo_met")], done.step.passed().to_string());
    }
    for name in [
        "index.html",
        "heatmap_ttft_p50.svg",
        "heatmap_ttft_p50.png",
        "heatmap_generation_otps_p50.svg",
        "heatmap_generation_otps_p50.png",
    ] {
        let path = out.join(name);
        assert!(
            std::fs::metadata(&path).is_ok_and(|m| m.len() > 0),
            "{name}"
        );
    }
    let svg = std::fs::read_to_string(out.join("heatmap_ttft_p50.svg")).expect("svg");
    assert!(
        svg.contains("1500") && svg.contains("40"),
        "the axes' lengths"
    );
    let html = std::fs::read_to_string(out.join("index.html")).expect("page");
    assert!(html.contains("id=\"length-grid\"") && html.contains("4 cells"));
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_budget_ends_the_grid_and_keeps_the_cells_done() {
    let emulator = start_emulator(
        uniform(fixed_model(
            fixed_profile(0.01, 2000.0, 2, 500),
            fixed_profile(0.01, 2000.0, 2, 500),
        )),
        1.0,
    );
    let out = temp_dir("budget");
    let mut sweep = options(out.clone());
    // Three calls a cell: the third cell does not fit in seven.
    sweep.max_calls = Some(bedrock_bench::plan::Limit::new(7, "--max-calls"));
    let grid = LengthGrid::from_flags(Some("50,60"), Some("4,6"))
        .expect("flags")
        .expect("a grid");
    let options = GridOptions::new(sweep, grid, "10/s").expect("one load");
    assert_eq!(options.total_calls(), 12);
    let outcome = run_grid(Arc::new(clients(&emulator)), options, |_| {}).await;
    assert_eq!(
        outcome.end,
        SweepEnd::CallBudget {
            step: 3,
            planned: 3,
            left: 1
        }
    );
    assert_eq!(outcome.cells.len(), 2);
    assert_eq!(outcome.calls, 6);
    assert_eq!(
        emulator.ground_truth().len(),
        6,
        "no call beyond the budget"
    );
    assert!(
        !out.join("cell-in60-out4").exists(),
        "the third cell never started"
    );
    let _ = std::fs::remove_dir_all(out);
}
