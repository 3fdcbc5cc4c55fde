//! `bedrock-bench compare BASE NEW`: two sets of raw CSVs compared group
//! by group (model, region, variant), per metric with the change, its
//! 95% interval and a verdict; `--fail-if` gates for CI (exit status 1
//! when one fails); the tables on the terminal, and as Markdown, JSON
//! and an HTML page with both sides' TTFT distributions.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bedrock_bench::analysis::ReadOptions;
use bedrock_bench::compare::gate::{Gate, parse_gate};
use bedrock_bench::compare::interval::Resampling;
use bedrock_bench::compare::json::report_json;
use bedrock_bench::compare::markdown::markdown_document;
use bedrock_bench::compare::sides::read_sides;
use bedrock_bench::compare::{CompareReport, GateResult, compare_sides};
use bedrock_bench::files::create_new_dir;
use bedrock_bench::report::compare_page::ComparePage;
use bedrock_bench::table::Table;
use bedrock_bench::tables::compare_changes::{change_text, changes, interval_text, value_text};
use bedrock_bench::tables::compare_groups::{gates, one_sided};
use bedrock_bench::terminal::table::render;
use bedrock_bench::timestamps::local_stamp;
use clap::Args;

/// Exit status when a gate fails.
const GATE_FAILED: u8 = 1;
/// Exit status for unreadable or incomparable inputs, bad gates and
/// outputs that could not be written (clap's usage errors are 2 too).
const UNUSABLE: u8 = 2;
/// Where the page goes without `--out`: `<this>/<timestamp>/`.
const DEFAULT_OUT: &str = "target-reports/compare";

/// Options of `bedrock-bench compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// What is compared against: raw CSV files or directories (every
    /// *.csv directly inside), several joined by commas.
    #[arg(value_name = "BASE", value_parser = path_list)]
    base: PathList,
    /// What is compared: raw CSV files or directories, several joined by
    /// commas.
    #[arg(value_name = "NEW", value_parser = path_list)]
    new: PathList,
    /// The directory of the page (compare.html). Default:
    /// target-reports/compare/<timestamp>/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Compare sides of different targets, emulator time scales or
    /// sampling settings (or a side whose own files differ), with a
    /// warning, instead of refusing them.
    #[arg(long)]
    force: bool,
    /// Fail (exit status 1) when NEW is beyond a threshold: METRIC>T or
    /// METRIC<T, e.g. ttft_p90>+10% (fails when the whole 95% interval
    /// of the change is above +10%), otps_p50<-5%, error_pct>1 (NEW's
    /// error % above 1), throttle_pct>+0.5pp (a change in percentage
    /// points). Metrics: ttft_p50 ttft_p90 ttft_p99 total_p50 total_p90
    /// total_p99 ttft_text_p50 otps_p50 error_pct throttle_pct
    /// cost_per_1k. Repeatable.
    #[arg(long = "fail-if", value_name = "EXPR")]
    fail_if: Vec<String>,
    /// Also write the tables as GitHub-flavoured Markdown (a pull-request
    /// comment, a CI job summary).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Also write everything found as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// One side's paths, given as one argument joined by commas.
#[derive(Debug, Clone)]
struct PathList(Vec<PathBuf>);

/// `a.csv,b/` as its paths; an empty one is refused.
fn path_list(text: &str) -> Result<PathList, String> {
    let paths: Vec<PathBuf> = text
        .split(',')
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect();
    if paths.is_empty() {
        return Err(format!(
            "expected raw CSV files or directories joined by commas, found \"{text}\""
        ));
    }
    Ok(PathList(paths))
}

/// Compare, print, write, and say whether a gate failed.
pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let mut parsed: Vec<Gate> = Vec::new();
    for expression in &args.fail_if {
        match parse_gate(expression) {
            Ok(gate) => parsed.push(gate),
            Err(error) => {
                eprintln!("error: {error}");
                return Ok(ExitCode::from(UNUSABLE));
            }
        }
    }
    let sides = match read_sides(
        &args.base.0,
        &args.new.0,
        &ReadOptions::default(),
        args.force,
    ) {
        Ok(sides) => sides,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(UNUSABLE));
        }
    };
    for warning in &sides.warnings {
        eprintln!("warning: {warning}");
    }
    let report = compare_sides(&sides.base, &sides.new, &parsed, &Resampling::default());
    let names = |paths: &[PathBuf]| -> Vec<String> {
        paths.iter().map(|p| p.display().to_string()).collect()
    };
    let (base_names, new_names) = (names(&args.base.0), names(&args.new.0));
    let mut lines = vec![
        format!("BASE: {}", base_names.join(", ")),
        format!("NEW: {}", new_names.join(", ")),
        "change: NEW against BASE; 95% interval by bootstrap (percentiles) or Newcombe (percentages); no change = within the noise".to_string(),
    ];
    if let Some(simulation) = sides.new.simulation() {
        lines.push(simulation.sentence());
    }
    lines.extend(sides.warnings.iter().cloned());

    let changes_table = changes(&report.matched);
    let one_sided_table = one_sided(&report.one_sided);
    let gates_table = gates(&report.gates);
    let mut sections: Vec<(&str, &Table)> = vec![("BASE against NEW", &changes_table)];
    sections.push(("Groups on one side only", &one_sided_table));
    if !parsed.is_empty() {
        sections.push(("Gates (--fail-if)", &gates_table));
    }

    let mut stdout = String::new();
    for line in &lines[..2] {
        stdout.push_str(line);
        stdout.push('\n');
    }
    for (heading, table) in &sections {
        stdout.push_str(&format!("\n{heading}:\n"));
        if table.rows.is_empty() {
            stdout.push_str("none\n");
        } else {
            stdout.push_str(&render(table));
        }
    }
    print!("{stdout}");

    let mut write_failed = false;
    let mut report_error = |what: &str, error: String| {
        eprintln!("error: could not write the {what}: {error}");
        write_failed = true;
    };
    if let Some(path) = &args.markdown {
        let text = markdown_document("bedrock-bench compare", &lines, &sections);
        match std::fs::write(path, text) {
            Ok(()) => println!("wrote {}", path.display()),
            Err(e) => report_error("Markdown", format!("{}: {e}", path.display())),
        }
    }
    if let Some(path) = &args.json {
        let value = report_json(&report, &base_names, &new_names, &sides.warnings);
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        match std::fs::write(path, text + "\n") {
            Ok(()) => println!("wrote {}", path.display()),
            Err(e) => report_error("JSON", format!("{}: {e}", path.display())),
        }
    }
    let dir = match &args.out {
        Some(dir) => Ok(dir.clone()),
        None => create_new_dir(Path::new(DEFAULT_OUT), &local_stamp())
            .map_err(|e| format!("{DEFAULT_OUT}: {e}")),
    };
    let page = ComparePage {
        report: &report,
        lines: &lines,
        tables: &sections,
    };
    match dir.map(|dir| page.write(&dir).map_err(|e| e.to_string())) {
        Ok(Ok(path)) => println!("wrote {}", path.display()),
        Ok(Err(e)) | Err(e) => report_error("page", e),
    }

    print_failures(&report);
    if write_failed {
        return Ok(ExitCode::from(UNUSABLE));
    }
    if report.failed() {
        return Ok(ExitCode::from(GATE_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Every failed gate with its group and numbers, on stderr.
fn print_failures(report: &CompareReport) {
    let failures: Vec<&GateResult> = report.failures().collect();
    if failures.is_empty() {
        return;
    }
    eprintln!("FAILED: {} gate result(s):", failures.len());
    for f in failures {
        let c = &f.change;
        let value = |v: Option<f64>| v.map(|v| value_text(c.metric, v)).unwrap_or_default();
        let interval = match interval_text(c) {
            text if text.is_empty() => "no interval".to_string(),
            text => format!("95% interval {text}"),
        };
        eprintln!(
            "  {}: {}: {} BASE {} -> NEW {} ({}, {}); decided on {}: {} {} {}",
            f.expression,
            f.id.describe(),
            c.metric.name(),
            value(c.base),
            value(c.new),
            c.change
                .map(|v| change_text(c.metric, v))
                .unwrap_or_default(),
            interval,
            f.outcome.basis.words(),
            f.compared,
            f.op,
            f.threshold,
        );
    }
}
