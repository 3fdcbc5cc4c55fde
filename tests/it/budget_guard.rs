//! The dollar budget is a promise: against the emulator (loopback only),
//! whatever the scenarios send (tools that invite long inputs, descriptions
//! and prompts made of whitespace, reasoning), whatever the calls do (time
//! out, stall, throttle) and however many run at once, the calls are never
//! charged more than the budget; and a call charged more than it reserved
//! ends the run at once, naming the excess.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::config::{Experiment, Scenario, parse_scenarios};
use bedrock_bench::plan::Limit;
use bedrock_bench::runner::{Backoff, RunSummary, StopCause};
use bedrock_catalog::prices::Cost;
use bedrock_emulator::{FaultRates, ProfileSet};
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::absent_dir("budget", name)
}

fn options(
    scenarios: Vec<Scenario>,
    experiment: Experiment,
    out_dir: PathBuf,
    max_cost: Cost,
) -> Job {
    let mut job = Job::new(scenarios, experiment, out_dir).seed(3);
    job.input.max_cost = Some(Limit::new(max_cost, "--max-cost"));
    job.controls = job.controls.backoff(Backoff {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
    });
    job
}

/// What each row may have been billed, as the budget promises to bound
/// it: its `cost_usd`; for a row without one, nothing when the service
/// refused it before any stream (no chunk, no tokens, an error status),
/// else its whole worst case (a timeout or a broken stream may be billed
/// for what was generated: `worst` by the row's scenario name and the
/// `maxTokens` it sent, since two scenarios of one model share a name).
/// Also the rows whose output passed the `maxTokens` they sent, which no
/// row may.
fn billed(out: &Path, worst: impl Fn(&str, u64) -> Cost) -> (Cost, usize, Vec<String>) {
    let mut total = Cost::ZERO;
    let mut rows = 0;
    let mut past_max = Vec::new();
    let results = out.join("results");
    let Ok(entries) = std::fs::read_dir(&results) else {
        return (total, rows, past_max);
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let mut reader = csv::Reader::from_path(&path).expect("opens");
        let header = reader.headers().expect("header").clone();
        let column = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (cost, chunks, status, scenario, output, sent_max) = (
            column("cost_usd"),
            column("chunk_count"),
            column("api_call_status"),
            column("scenario"),
            column("model_output_tokens"),
            column("configured_output_tokens_for_request"),
        );
        for record in reader.records() {
            let record = record.expect("row");
            rows += 1;
            let max_tokens: u64 = record[sent_max].parse().expect("maxTokens sent");
            if let Ok(tokens) = record[output].parse::<u64>()
                && tokens > max_tokens
            {
                past_max.push(format!(
                    "{}: {tokens} output tokens > maxTokens {max_tokens}",
                    &record[scenario],
                ));
            }
            total = total
                + match &record[cost] {
                    "" if record[chunks] == *"0" && record[status] != *"Success" => {
                        let status = &record[status];
                        if status.contains("Timeout") || status.contains("Cancelled") {
                            worst(&record[scenario], max_tokens)
                        } else {
                            Cost::ZERO
                        }
                    }
                    "" => worst(&record[scenario], max_tokens),
                    cell => cell.parse::<Cost>().expect("a cost"),
                };
        }
    }
    (total, rows, past_max)
}

/// One random case: the scenarios file's text, the experiment, and the
/// emulator's faults.
#[derive(Debug, Clone)]
struct Case {
    scenarios: String,
    parallel: u32,
    invocations: u32,
    retries: u32,
    timeout_s: f64,
    faults: FaultRates,
    /// The budget, as a fraction of the way from the plan's worst case to
    /// its worst case with every retry.
    budget_at: f64,
}

fn whitespace(max: usize) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop_oneof![Just('\n'), Just(' '), Just('\t')], 0..8),
        0..max,
    )
        .prop_map(|(chars, repeat)| {
            let unit: String = chars.into_iter().collect();
            unit.repeat(repeat)
        })
}

fn scenario_line() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("us.amazon.nova-lite-v1:0"),
            Just("us.amazon.nova-pro-v1:0"),
            Just("us.anthropic.claude-3-5-haiku-20241022-v1:0"),
            Just("us.anthropic.claude-sonnet-4-20250514-v1:0"),
        ],
        whitespace(2_000),
        1u32..300,
        prop::option::of((
            whitespace(20_000),
            prop_oneof![Just("auto"), Just("any"), Just("tool")],
            1usize..60,
            0usize..3_000,
        )),
        prop::option::of(1024u32..2048),
    )
        .prop_map(|(model, padding, max_tokens, tools, reasoning)| {
            // Reasoning cannot be combined with a forced tool.
            let forced = tools
                .as_ref()
                .is_some_and(|(_, choice, _, _)| *choice != "auto");
            let prompt = serde_json::to_string(&format!("Tell me{padding}about the weather."))
                .expect("a string");
            let mut line = format!(
                r#"{{"text_prompt": {prompt}, "expected_output_tokens": {max_tokens}, "model_id": "{model}", "region": "us-east-1""#
            );
            if let Some((description, choice, fields, enum_len)) = tools {
                let description = serde_json::to_string(&format!(
                    "Report the weather{description}in as much detail as you can."
                ))
                .expect("a string");
                let choice = match choice {
                    "auto" => r#"{"auto": {}}"#.to_string(),
                    "any" => r#"{"any": {}}"#.to_string(),
                    _ => r#"{"tool": {"name": "report"}}"#.to_string(),
                };
                // A schema that invites a long input: many fields, and an
                // enum whose first value is long.
                let mut properties = serde_json::Map::new();
                for i in 0..fields {
                    properties.insert(
                        format!("field_{i}_with_a_rather_long_name"),
                        serde_json::json!({"type": "string", "description": "a very long essay"}),
                    );
                }
                properties.insert(
                    "kind".into(),
                    serde_json::json!({"type": "string", "enum": ["word ".repeat(enum_len), "short"]}),
                );
                let schema = serde_json::json!({"type": "object", "properties": properties});
                line.push_str(&format!(
                    r#", "tool_config": {{"tools": [{{"toolSpec": {{"name": "report", "description": {description}, "inputSchema": {{"json": {schema}}}}}}}], "toolChoice": {choice}}}"#
                ));
            }
            if let Some(budget) = reasoning.filter(|_| model.contains("sonnet-4") && !forced) {
                let max = budget + max_tokens;
                line = line.replace(
                    &format!(r#""expected_output_tokens": {max_tokens}"#),
                    &format!(r#""expected_output_tokens": {max}, "reasoning_budget_tokens": {budget}"#),
                );
            }
            line.push('}');
            line
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(scenario_line(), 1..4),
        1u32..5,
        1u32..5,
        0u32..3,
        prop_oneof![Just(0.05), Just(2.0)],
        (0.0f64..0.3, 0.0f64..0.3, 0.0f64..0.3),
        0.0f64..1.0,
    )
        .prop_map(
            |(lines, parallel, invocations, retries, timeout_s, rates, budget_at)| Case {
                scenarios: lines.join("\n"),
                parallel,
                invocations,
                retries,
                timeout_s,
                faults: FaultRates {
                    throttle_before_stream: rates.0,
                    throttle_mid_stream: rates.1,
                    stall_mid_stream: rates.2,
                    stall_s: 0.2,
                    ..FaultRates::default()
                },
                budget_at,
            },
        )
}

fn fast_profiles(faults: FaultRates) -> ProfileSet {
    let mut standard = fixed_profile(0.001, 20_000.0, 8, 40);
    standard.faults = faults;
    uniform(fixed_model(standard.clone(), standard))
}

fn check(case: &Case, index: usize) -> Result<(), TestCaseError> {
    let scenarios = parse_scenarios(&case.scenarios, "random.jsonl", Path::new("."))
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", case.scenarios)))?
        .value;
    let experiment = Experiment {
        num_runs_per_experiment: 1,
        invocations_per_scenario: case.invocations,
        num_parallel_invocations: case.parallel,
        sleep_between_invocations: Duration::ZERO,
        call_timeout: Duration::from_secs_f64(case.timeout_s),
        max_retries: case.retries,
        ..Experiment::default()
    };
    let emulator = start_emulator(fast_profiles(case.faults.clone()), 1.0);
    let clients = Arc::new(clients(&emulator));
    let out = temp_dir(&format!("prop-{index}"));
    let probe = options(
        scenarios.clone(),
        experiment.clone(),
        out.clone(),
        Cost::ZERO,
    );
    let plan = probe.input.build().costs;
    let (Some(planned), Some(with_retries)) = (plan.planned, plan.with_retries) else {
        return Err(TestCaseError::fail("every model is priced"));
    };
    let span = with_retries.picodollars() - planned.picodollars();
    let budget =
        Cost::from_picodollars(planned.picodollars() + (span as f64 * case.budget_at) as u64);
    // The largest worst case among the scenarios a row may come from (one
    // model's scenarios share a name; the row says the maxTokens it sent).
    let worst = |name: &str, max_tokens: u64| {
        scenarios
            .iter()
            .zip(&plan.attempts)
            .filter(|(s, _)| s.name == name && u64::from(s.expected_output_tokens) == max_tokens)
            .map(|(_, attempt)| attempt.1.expect("priced"))
            .max()
            .expect("a scenario")
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let outcome = runtime.block_on(
        (options(scenarios.clone(), experiment, out.clone(), budget)).run(Arc::clone(&clients)),
    );
    let summary: RunSummary = outcome.map_err(|e| TestCaseError::fail(e.to_string()))?;
    let (charged, rows, past_max) = billed(&out, worst);
    let _ = std::fs::remove_dir_all(&out);
    prop_assert!(
        past_max.is_empty(),
        "maxTokens bounds everything generated: {past_max:?}"
    );
    prop_assert!(
        summary.overrun.is_none(),
        "no call may be charged more than it reserved: {:?}\n{}",
        summary.overrun,
        case.scenarios
    );
    prop_assert!(rows as u64 == summary.attempts, "one row per attempt");
    prop_assert!(
        charged <= budget,
        "charged ${charged} > budget ${budget} ({rows} rows)\n{}",
        case.scenarios
    );
    prop_assert!(summary.charged <= budget, "the runner's own count");
    Ok(())
}

#[test]
fn no_scenario_tool_whitespace_timeout_or_concurrency_spends_past_the_budget() {
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let index = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&case(), |case| {
            check(
                &case,
                index.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            )
        })
        .expect("every case keeps its budget");
}

#[test]
fn a_call_charged_more_than_it_reserved_ends_the_run_and_names_the_excess() {
    // A model whose template adds a million input tokens: far beyond what
    // any reservation allows for (a price or profile the worst case does not
    // know about).
    let mut model = fixed_model(
        fixed_profile(0.001, 20_000.0, 8, 40),
        fixed_profile(0.001, 20_000.0, 8, 40),
    );
    model.input_token_overhead = 1_000_000;
    let emulator = start_emulator(uniform(model), 1.0);
    let clients = Arc::new(clients(&emulator));
    let scenarios = parse_scenarios(
        r#"{"text_prompt": "Hi.", "expected_output_tokens": 10, "model_id": "us.amazon.nova-lite-v1:0", "region": "us-east-1"}"#,
        "one.jsonl",
        Path::new("."),
    )
    .expect("loads")
    .value;
    let experiment = Experiment {
        invocations_per_scenario: 20,
        num_parallel_invocations: 1,
        sleep_between_invocations: Duration::ZERO,
        ..Experiment::default()
    };
    let out = temp_dir("overrun");
    let probe = options(
        scenarios.clone(),
        experiment.clone(),
        out.clone(),
        Cost::ZERO,
    );
    let planned = probe.input.build().costs.planned.expect("priced");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let summary = runtime
        .block_on((options(scenarios, experiment, out.clone(), planned)).run(clients))
        .expect("the run records");
    let overrun = summary
        .overrun
        .expect("the first call overran its reservation");
    assert_eq!(summary.attempts, 1, "the run ended at the first overrun");
    assert_eq!(summary.stop_cause, Some(StopCause::BudgetOverrun));
    assert!(overrun.charged > overrun.reserved);
    assert!(
        overrun.describe().contains("more than the $"),
        "{}",
        overrun.describe()
    );
    // A million Nova Lite input tokens cost more than 20 small calls'
    // worst cases: the budget itself was passed, and the message says by how
    // much.
    assert!(overrun.total > planned, "{overrun:?}");
    assert!(
        overrun.describe().starts_with(&format!(
            "budget exceeded by ${}",
            overrun.total.saturating_sub(planned)
        )),
        "{}",
        overrun.describe()
    );
    let _ = std::fs::remove_dir_all(out);
}
