//! Costs and the dollar budget against the built-in emulator (loopback
//! only): `cost_usd` is exactly tokens x the price file's prices; a dollar
//! budget smaller than the plan's worst case refuses the run before any
//! call; under throttling and retries the spending never passes the
//! budget.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bedrock_bench::plan::PROMPT_TEMPLATE_TOKENS;
use bedrock_catalog::prices::Cost;
use bedrock_catalog::tokens::max_tokens;

use crate::isolation;

use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");
const PROMPT: &str = "Explain machine learning in simple terms.";
const MAX_TOKENS: u64 = 20;
/// The price file's prices, micro-dollars per million tokens (=
/// picodollars per token): Nova Pro 1.25 in / 2.5 out, Llama 0.5 / 0.75.
const PRICES: &str = r#"{"model": "amazon.nova-pro-v1:0", "input": 1.25, "output": 2.5, "cache_read": 0.1, "cache_write": 1.25}
{"model": "meta.llama3-1-70b-instruct-v1:0", "input": 0.5, "output": 0.75}
"#;

fn price_of(model: &str) -> (u64, u64) {
    if model.contains("nova-pro") {
        (1_250_000, 2_500_000)
    } else {
        (500_000, 750_000)
    }
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("cost", name)
}

/// Scenarios (Nova Pro and Llama 3.1 70B), the experiment, the price file.
fn write_files(dir: &Path, experiment: &str) -> (PathBuf, PathBuf, PathBuf) {
    let scenarios = dir.join("scenarios.jsonl");
    let mut text = String::new();
    for model in [
        "us.amazon.nova-pro-v1:0",
        "us.meta.llama3-1-70b-instruct-v1:0",
    ] {
        text.push_str(&format!(
            "{{\"text_prompt\": \"{PROMPT}\", \"expected_output_tokens\": {MAX_TOKENS}, \"model_id\": \"{model}\", \"region\": \"us-east-2\"}}\n"
        ));
    }
    std::fs::write(&scenarios, text).expect("write scenarios");
    let experiment_path = dir.join("experiment.jsonl");
    std::fs::write(&experiment_path, experiment).expect("write experiment");
    let prices = dir.join("prices.jsonl");
    std::fs::write(&prices, PRICES).expect("write prices");
    (scenarios, experiment_path, prices)
}

/// `bedrock-bench run --target emulator` at time scale 0, isolated from
/// the machine's AWS settings, with `profiles` (faults) if given.
fn run(dir: &Path, experiment: &str, args: &[&str], profiles: Option<&str>) -> Output {
    let (scenarios, experiment, prices) = write_files(dir, experiment);
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .env("BEDROCK_BENCH_TIME_SCALE", "0")
        .env_remove("BEDROCK_BENCH_EMULATOR_PROFILES");
    if let Some(profiles) = profiles {
        let path = dir.join("profiles.json");
        std::fs::write(&path, profiles).expect("write profiles");
        command.env("BEDROCK_BENCH_EMULATOR_PROFILES", path);
    }
    command
        .args(["run", "--target", "emulator", "--seed", "7", "--prices"])
        .arg(prices)
        .arg("--scenarios")
        .arg(scenarios)
        .arg("--experiment")
        .arg(experiment)
        .arg("--out")
        .arg(dir.join("out"))
        .args(args)
        .output()
        .expect("runs")
}

/// Every row of every raw CSV under `dir/out/results`, as header-keyed
/// maps.
fn rows(dir: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut out = Vec::new();
    let results = dir.join("out").join("results");
    for entry in std::fs::read_dir(results).expect("results") {
        let path = entry.expect("entry").path();
        let mut reader = csv::Reader::from_path(&path).expect("opens");
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        for record in reader.records() {
            let record = record.expect("row");
            out.push(
                header
                    .iter()
                    .cloned()
                    .zip(record.iter().map(str::to_string))
                    .collect(),
            );
        }
    }
    out
}

/// The worst case of one attempt, picodollars: the prompt's bytes (an
/// upper bound of its tokens) and the template's allowance at the input
/// price, `maxTokens` at the output price.
fn worst_case(model: &str) -> u64 {
    let (input, output) = price_of(model);
    (max_tokens(PROMPT) + PROMPT_TEMPLATE_TOKENS) * input + MAX_TOKENS * output
}

#[test]
fn cost_usd_is_tokens_times_the_price_file_exactly() {
    let dir = temp_dir("exact");
    let output = run(&dir, r#"{"invocations_per_scenario": 3}"#, &[], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let rows = rows(&dir);
    assert_eq!(rows.len(), 6, "{stderr}");
    let mut total = Cost::ZERO;
    for row in &rows {
        let (input, output) = price_of(&row["model"]);
        let tokens = |column: &str| row[column].parse::<u64>().unwrap_or(0);
        let expected = Cost::from_picodollars(
            tokens("model_input_tokens") * input + tokens("model_output_tokens") * output,
        );
        assert!(tokens("model_output_tokens") > 0, "{row:?}");
        assert_eq!(row["cost_usd"], expected.to_string(), "{row:?}");
        assert_eq!(row["cost_usd"].parse::<Cost>(), Ok(expected));
        total = total + expected;
    }
    assert!(
        stderr.contains(&format!("cost: ${total} for these calls")),
        "{stderr}"
    );
    assert!(
        stderr.contains("cost: at most $"),
        "the plan's worst case: {stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_dollar_budget_smaller_than_the_plan_refuses_the_run_before_any_call() {
    let dir = temp_dir("refuse");
    let plan: u64 = 4 * (worst_case("nova-pro") + worst_case("llama"));
    let budget = Cost::from_picodollars(plan - 1_000_000).to_string();
    for (experiment, args) in [
        (
            format!(r#"{{"invocations_per_scenario": 4, "max_cost_usd": {budget}}}"#),
            vec![],
        ),
        (
            r#"{"invocations_per_scenario": 4}"#.to_string(),
            vec!["--max-cost", budget.as_str()],
        ),
    ] {
        let output = run(&dir, &experiment, &args, None);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!("up to ${}", Cost::from_picodollars(plan)))
                && stderr.contains(&format!("budget of ${budget}")),
            "{stderr}"
        );
        assert!(!dir.join("out").exists(), "no call, no file: {stderr}");
        // --dry-run refuses too, and prints the worst case.
        let mut dry = args.clone();
        dry.push("--dry-run");
        let output = run(&dir, &experiment, &dry, None);
        assert!(!output.status.success());
    }
    // The exact worst case is accepted.
    let exact = Cost::from_picodollars(plan).to_string();
    let output = run(
        &dir,
        r#"{"invocations_per_scenario": 4}"#,
        &["--max-cost", &exact, "--dry-run"],
        None,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("cost: at most ${exact} for the planned calls")),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_dollar_budget_is_never_exceeded_under_throttling_and_retries() {
    let profiles = r#"{"all": {"standard": {"ttft_p50_s": 0.01, "ttft_p90_s": 0.01, "tokens_per_s": 1000, "decode_jitter": 0,
        "faults": {"throttle_before_stream": 0.3, "throttle_mid_stream": 0.3}}}}"#;
    for (seed_dir, workers) in [("serial", 1), ("parallel", 4)] {
        let dir = temp_dir(seed_dir);
        let plan: u64 = 10 * (worst_case("nova-pro") + worst_case("llama"));
        let budget = Cost::from_picodollars(plan);
        let experiment = format!(
            r#"{{"invocations_per_scenario": 10, "num_parallel_invocations": {workers}, "max_retries": 3, "max_cost_usd": {budget}}}"#
        );
        let output = run(&dir, &experiment, &[], Some(profiles));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let rows = rows(&dir);
        assert!(rows.len() >= 10, "{stderr}");
        // What each attempt may have been billed: its cost, or, for an
        // attempt cut mid-stream without usage, its whole worst case.
        let mut charged = 0u64;
        let mut throttled = 0;
        for row in &rows {
            if row["api_call_status"] == "ThrottlingException" {
                throttled += 1;
            }
            charged += match row["cost_usd"].as_str() {
                "" if row["chunk_count"] == "0" => 0,
                "" => worst_case(&row["model"]),
                cost => cost.parse::<Cost>().expect("a cost").picodollars(),
            };
        }
        assert!(throttled > 0, "the faults throttled: {stderr}");
        assert!(
            charged <= budget.picodollars(),
            "{charged} > {budget}: {stderr}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The extended summary's rows of `analyze`'s output under `out`, as
/// header-keyed maps.
fn extended_rows(out: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let dir = out.join("results-analysis");
    let path = std::fs::read_dir(&dir)
        .expect("results-analysis")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("analysis_extended_"))
        })
        .expect("an extended summary");
    let mut reader = csv::Reader::from_path(&path).expect("opens");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.expect("row").iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn analyze(dir: &Path, out: &str, extra: &[&str]) -> Output {
    Command::new(BIN)
        .arg("analyze")
        .arg(dir.join("out").join("results"))
        .arg("--out")
        .arg(dir.join(out))
        .args(extra)
        .output()
        .expect("analyze runs")
}

#[test]
fn analyze_sums_the_cost_usd_cells_and_prices_reprices_exactly() {
    let dir = temp_dir("analyze");
    let output = run(&dir, r#"{"invocations_per_scenario": 4}"#, &[], None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = rows(&dir);
    assert_eq!(rows.len(), 8);

    // Without --prices: the cells, summed exactly.
    let output = analyze(&dir, "a1", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("Costs: from the files' cost_usd cells"),
        "{stdout}"
    );
    let extended = extended_rows(&dir.join("a1"));
    assert_eq!(extended.len(), 2);
    for group in &extended {
        let cells: Vec<Cost> = rows
            .iter()
            .filter(|r| r["model"] == group["model"] && !r["cost_usd"].is_empty())
            .map(|r| r["cost_usd"].parse().expect("cost"))
            .collect();
        let total: Cost = cells.iter().copied().sum();
        assert_eq!(group["calls_priced"], cells.len().to_string());
        assert_eq!(group["unpriced_calls"], "0");
        assert_eq!(group["cost_usd_total"], total.to_string(), "{group:?}");
        let n = cells.len() as u64;
        let per_1k = Cost::from_picodollars((total.picodollars() * 1000 + n / 2) / n);
        assert_eq!(group["cost_per_1k_calls_usd"], per_1k.to_string());
    }

    // --prices: every row re-priced from its tokens, exactly.
    let prices = dir.join("other-prices.jsonl");
    std::fs::write(
        &prices,
        "{\"model\": \"amazon.nova-pro-v1:0\", \"input\": 3, \"output\": 7}\n{\"model\": \"meta.llama3-1-70b-instruct-v1:0\", \"input\": 0.25, \"output\": 0.5}\n",
    )
    .expect("write prices");
    let output = analyze(&dir, "a2", &["--prices", prices.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("re-priced from its tokens with"),
        "{stdout}"
    );
    for group in extended_rows(&dir.join("a2")) {
        let (input, output) = if group["model"].contains("nova-pro") {
            (3_000_000, 7_000_000)
        } else {
            (250_000, 500_000)
        };
        let total: u64 = rows
            .iter()
            .filter(|r| r["model"] == group["model"] && r["api_call_status"] == "Success")
            .map(|r| {
                r["model_input_tokens"].parse::<u64>().expect("input") * input
                    + r["model_output_tokens"].parse::<u64>().expect("output") * output
            })
            .sum();
        assert_eq!(
            group["cost_usd_total"],
            Cost::from_picodollars(total).to_string(),
            "{group:?}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_dollar_budget_refusal_exits_as_the_call_budget_and_config_errors_do() {
    let dir = temp_dir("exit");
    let plan: u64 = 2 * (worst_case("nova-pro") + worst_case("llama"));
    let small = Cost::from_picodollars(plan - 1).to_string();
    let code = |experiment: &str, args: &[&str]| {
        let output = run(&dir, experiment, args, None);
        let _ = std::fs::remove_dir_all(dir.join("out"));
        output.status.code()
    };
    let calls = code(r#"{"invocations_per_scenario": 2, "max_calls": 3}"#, &[]);
    let config = code(r#"{"invocations_per_scenario": 2, "maxCalls": 3}"#, &[]);
    let dollars_flag = code(
        r#"{"invocations_per_scenario": 2}"#,
        &["--max-cost", &small],
    );
    let dollars_file = code(
        &format!(r#"{{"invocations_per_scenario": 2, "max_cost_usd": {small}}}"#),
        &[],
    );
    assert_eq!(calls, Some(1), "the call budget's refusal");
    assert_eq!(config, Some(1), "a config error");
    assert_eq!(dollars_flag, calls, "--max-cost below the plan");
    assert_eq!(dollars_file, calls, "max_cost_usd below the plan");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_mix_of_scenarios_is_planned_at_the_dearest_worst_case() {
    use bedrock_bench::call::CallSpec;
    use bedrock_bench::config::{Experiment, parse_scenarios};
    use bedrock_bench::plan::{CostPlan, attempt_worst_case};
    use bedrock_catalog::prices::PriceTable;
    let scenarios = parse_scenarios(
        r#"{"text_prompt": "Explain.", "expected_output_tokens": 100, "model_id": "us.amazon.nova-micro-v1:0", "region": "us-east-1"}
{"text_prompt": "Explain.", "expected_output_tokens": 100, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1"}"#,
        "mix.jsonl",
        Path::new("."),
    )
    .expect("scenarios")
    .value;
    let experiment = Experiment::default();
    let specs: Vec<CallSpec> = scenarios
        .iter()
        .map(|s| CallSpec::from_scenario(s, &experiment))
        .collect();
    let prices = PriceTable::default();
    let worst: Vec<Cost> = specs
        .iter()
        .map(|spec| attempt_worst_case(spec, &prices).expect("priced"))
        .collect();
    assert!(worst[1] > worst[0], "Nova Pro is dearer than Nova Micro");
    let names = ["micro", "pro"];
    let plan = CostPlan::for_mix(
        names.iter().copied().zip(worst.iter().copied().map(Some)),
        7,
    );
    assert_eq!(plan.planned, Some(worst[1].saturating_mul(7)));
    assert_eq!(plan.with_retries, plan.planned, "no retries");
}
