//! `bedrock-bench sweep --grid-input ... --grid-output ...`: the length
//! grid's plan, its run (a line per cell, `length_grid.csv` after every
//! cell) and its report (the cells' table, the CSV, the heatmaps, the
//! page).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use bedrock_bench::analysis::Simulation;
use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, TargetChoice};
use bedrock_bench::hint;
use bedrock_bench::plan::human_duration;
use bedrock_bench::publish;
use bedrock_bench::report::sweep_page::GridPage;
use bedrock_bench::sweep::{
    self, CellResult, GridOptions, GridOutcome, GridView, LengthGrid, LevelKind, SweepEnd,
};

use super::sweep_words::{PlanWords, end_text, print_budgets, seconds};

/// Print the grid's plan: the load, every cell with its calls, the worst
/// case of every cell together and the budgets.
pub fn print_grid_plan(grid: &GridOptions, choice: TargetChoice) {
    let options = &grid.sweep;
    let arrival = sweep::step_experiment(&options.experiment, options.kind, 1.0, 1.0)
        .load
        .arrival;
    let cells = grid.cells();
    eprintln!(
        "plan: a length grid of {} cells ({} input lengths x {} output lengths) at {} ({}), each {} ({} apart); the SLO is judged per cell and every cell runs",
        cells.len(),
        grid.grid.inputs.len(),
        grid.grid.outputs.len(),
        options.kind.describe(grid.level),
        match options.kind {
            LevelKind::Rate => format!("{arrival} arrivals"),
            LevelKind::Concurrency => "a fixed concurrency".to_string(),
        },
        human_duration(seconds(options.step_duration_s)),
        human_duration(seconds(options.pause_s)),
    );
    for (index, cell) in cells.iter().enumerate() {
        let worst = grid
            .cell_worst_case(*cell)
            .map_or_else(|| "unknown".to_string(), |cost| format!("${cost}"));
        eprintln!(
            "  cell {}: {}: about {} calls, worst case {worst}",
            index + 1,
            cell.describe(),
            grid.cell_calls(*cell)
        );
    }
    eprintln!("SLO: {}", options.slo);
    let most = grid.total_calls();
    let calls = match (options.kind, arrival) {
        (LevelKind::Rate, Arrival::Constant) => format!("at most {most} calls"),
        (LevelKind::Rate, _) => {
            format!("about {most} calls (an expected count: random arrivals may make more)")
        }
        (LevelKind::Concurrency, _) => {
            format!("about {most} calls (estimated from the built-in latency table)")
        }
    };
    eprintln!(
        "{calls} and about {} in all; no retries",
        human_duration(seconds(
            (options.step_duration_s + options.pause_s) * cells.len() as f64
        ))
    );
    let worst = grid.total_worst_case();
    match worst {
        Some(cost) => eprintln!(
            "worst case: ${cost} for every cell (every call at its cell's maxTokens with the dearest scenario's prices)"
        ),
        None => eprintln!("worst case: unknown (a scenario's price is unknown)"),
    }
    print_budgets(
        options,
        worst,
        choice,
        &PlanWords {
            whole: "grid",
            part: "cell",
            not_fitting: "is not started and ends the grid",
            ends_before: "its last cell",
            narrower: "shorten the lengths",
        },
    );
}

fn describe_cell(cells: usize, done: &CellResult) -> String {
    let s = &done.step.stats;
    let value =
        |v: Option<f64>, unit: &str| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}{unit}"));
    let verdict = match done.verdict().as_str() {
        "met" => "SLO met".to_string(),
        other => format!("SLO {other}"),
    };
    format!(
        "cell {} of {cells}: {}, {} calls, {} successes, TTFT p50 {}, generation {} tokens/s p50, total p50 {}: {verdict}",
        done.step.index,
        done.cell.describe(),
        s.calls,
        s.successes,
        value(done.ttft_p50(), "s"),
        value(done.generation_otps_p50, ""),
        value(done.latency(sweep::LatencyMetric::Total, 50), "s"),
    )
}

/// The grid's lengths and load, for the views of its cells.
struct Shape {
    kind: LevelKind,
    level: f64,
    lengths: LengthGrid,
}

impl Shape {
    fn view<'a>(&'a self, cells: &'a [CellResult]) -> GridView<'a> {
        GridView {
            kind: self.kind,
            level: self.level,
            inputs: &self.lengths.inputs,
            outputs: &self.lengths.outputs,
            cells,
        }
    }
}

/// Run every cell, then publish the grid and report how it ended.
pub async fn run_grid(
    clients: Arc<Clients>,
    grid: GridOptions,
    dir: &Path,
    simulation: Option<&Simulation>,
) -> anyhow::Result<ExitCode> {
    let slo = grid.sweep.slo.to_string();
    let shape = Shape {
        kind: grid.kind(),
        level: grid.level,
        lengths: grid.grid.clone(),
    };
    let total = grid.cells().len();
    let outcome = sweep::run_grid(clients, grid, |cells| {
        if let Some(done) = cells.last() {
            eprintln!("{}", describe_cell(total, done));
        }
        // Each cell's row is on disk before the next cell starts.
        if let Err(error) = publish::sweep::grid_so_far(dir, &shape.view(cells)) {
            eprintln!("warning: {}", publish::chain(&error));
        }
    })
    .await;
    report(&outcome, &shape, total, dir, &slo, simulation)
}

fn report(
    outcome: &GridOutcome,
    shape: &Shape,
    total: usize,
    dir: &Path,
    slo: &str,
    simulation: Option<&Simulation>,
) -> anyhow::Result<ExitCode> {
    let end = match outcome.end {
        SweepEnd::Done => "the grid finished: every cell ran".to_string(),
        ref other => end_text(other).replace("the sweep", "the grid"),
    };
    let page = GridPage {
        grid: shape.view(&outcome.cells),
        slo,
        end: &end,
        simulation,
    };
    let published = publish::sweep::publish_grid(&page, dir, &mut std::io::stderr().lock());
    for done in &outcome.cells {
        if let Some(error) = &done.analysis_error {
            eprintln!(
                "warning: {}'s generation speed is unknown: its raw CSV could not be read: {error}",
                done.cell.describe()
            );
        }
    }
    let met = outcome.cells.iter().filter(|c| c.step.passed()).count();
    eprintln!(
        "{end}; {} of {total} cells, {met} met the SLO, {} calls, ${} at the price table's prices{}",
        outcome.cells.len(),
        outcome.calls,
        outcome.cost,
        match simulation {
            Some(simulation) => format!(
                " (SIMULATED by the emulator at {}: nothing was billed)",
                simulation.scale_text()
            ),
            None => String::new(),
        }
    );
    if let Some(done) = outcome.cells.last() {
        eprintln!("each cell's raw CSVs: {}/cell-*/results/", dir.display());
        let results = done.step.dir.join("results");
        let words: [&std::ffi::OsStr; 5] = [
            "bedrock-bench".as_ref(),
            "analyze".as_ref(),
            results.as_os_str(),
            "--out".as_ref(),
            done.step.dir.as_os_str(),
        ];
        eprintln!(
            "next: {} (the calls of the last cell, {}; any cell's directory works alike)",
            hint::command(words),
            done.cell.describe()
        );
    }
    if let Some(overrun) = &outcome.overrun {
        eprintln!(
            "error: {}; the grid stopped at once. The price table or the worst case understated a call: check --prices and the scenario's prompt and tools.",
            overrun.describe()
        );
    }
    if !published.errors.is_empty() {
        anyhow::bail!(
            "{} (each cell's raw CSVs are in its directory under {})",
            published.errors,
            dir.display()
        );
    }
    Ok(match &outcome.end {
        SweepEnd::Done => ExitCode::SUCCESS,
        SweepEnd::Overrun => ExitCode::FAILURE,
        SweepEnd::Stopped(cause) => ExitCode::from(cause.exit_code()),
        SweepEnd::CallBudget { .. } | SweepEnd::DollarBudget { .. } => ExitCode::FAILURE,
        SweepEnd::RecordFailed(error) => anyhow::bail!("{error}"),
    })
}
