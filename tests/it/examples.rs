//! The runnable configs under `examples/` stay valid and do what their
//! README says: each is run against the built-in emulator (fast time
//! scale), and its raw CSV shows the axis it is about.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

type Rows = (csv::StringRecord, Vec<csv::StringRecord>);

fn read_csv(file: &Path) -> Rows {
    let mut reader = csv::Reader::from_path(file).expect("opens");
    let header = reader.headers().expect("header").clone();
    let rows = reader.records().map(|r| r.expect("whole row")).collect();
    (header, rows)
}

/// Run the example `name` on the emulator and return its raw CSV's rows
/// as (header, records).
fn run(name: &str) -> Rows {
    let out = out_dir(name);
    let rows = run_into(name, &out);
    let _ = std::fs::remove_dir_all(out);
    rows
}

fn out_dir(name: &str) -> PathBuf {
    let out = std::env::temp_dir().join(format!("bb-example-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    out
}

/// Run the example `name` on the emulator with its output in `out`.
fn run_into(name: &str, out: &Path) -> Rows {
    let dir = example(name);
    let output = Command::new(BIN)
        .args(["run", "--target", "emulator", "--scenarios"])
        .arg(dir.join("scenarios_config.jsonl"))
        .arg("--experiment")
        .arg(dir.join("experiment_config.jsonl"))
        .arg("--out")
        .arg(out)
        .env("BEDROCK_BENCH_TIME_SCALE", "0.05")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_BEARER_TOKEN_BEDROCK")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{name}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let results = out.join("results");
    let file = std::fs::read_dir(&results)
        .expect("results")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.extension().is_some_and(|e| e == "csv"))
        .expect("a raw CSV");
    read_csv(&file)
}

/// The values of `column` in the rows of scenario `scenario`.
fn column<'a>((header, rows): &'a Rows, scenario: &str, column: &str) -> Vec<&'a str> {
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (scenario_at, column_at) = (at("scenario"), at(column));
    rows.iter()
        .filter(|row| &row[scenario_at] == scenario)
        .map(|row| &row[column_at])
        .collect()
}

#[test]
fn service_tiers_are_served_as_asked_and_priority_decodes_faster() {
    let out = out_dir("service-tiers");
    let run = run_into("service-tiers", &out);
    assert!(
        column(&run, "sonnet-4.5 priority", "served_service_tier")
            .iter()
            .all(|tier| *tier == "priority")
    );
    assert!(
        column(&run, "sonnet-4.5 flex", "served_service_tier")
            .iter()
            .all(|tier| *tier == "flex")
    );
    assert_eq!(column(&run, "sonnet-4.5 default", "service_tier")[0], "");

    // analyze compares each tier with the default one: the emulator's
    // priority profile decodes 1.25 times as fast, flex 0.75 times.
    let output = Command::new(BIN)
        .arg("analyze")
        .arg(out.join("results"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("analyze runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = std::fs::read_dir(out.join("results-analysis"))
        .expect("analysis files")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.to_string_lossy().contains("analysis_comparison_"))
        .expect("a comparison CSV");
    let comparisons = read_csv(&file);
    let at = |name: &str| comparisons.0.iter().position(|h| h == name).expect(name);
    let ratio_bounds = |variant: &str| {
        let row = comparisons
            .1
            .iter()
            .find(|row| &row[at("axis")] == "service_tier" && row[at("variant")].ends_with(variant))
            .unwrap_or_else(|| panic!("a {variant} comparison"));
        let value = |name: &str| row[at(name)].parse::<f64>().expect(name);
        (
            value("generation_otps_p50_ratio_ci_low"),
            value("generation_otps_p50_ratio_ci_high"),
        )
    };
    let (low, high) = ratio_bounds("priority");
    assert!(
        low > 1.0,
        "priority's decode-speed interval [{low}, {high}] should exclude 1"
    );
    let (low, high) = ratio_bounds("flex");
    assert!(
        high < 1.0,
        "flex's decode-speed interval [{low}, {high}] should exclude 1"
    );
    let _ = std::fs::remove_dir_all(out);
}

/// `analyze` of the run in `out`: what it said, and its comparison CSV.
fn analyze(out: &Path) -> (String, Rows) {
    let output = Command::new(BIN)
        .arg("analyze")
        .arg(out.join("results"))
        .arg("--out")
        .arg(out)
        .output()
        .expect("analyze runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let file = std::fs::read_dir(out.join("results-analysis"))
        .expect("analysis files")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.to_string_lossy().contains("analysis_comparison_"))
        .expect("a comparison CSV");
    (said, read_csv(&file))
}

/// The comparison rows on `axis`: (model, baseline label, variant label,
/// TTFT p50 ratio's verdict column values kept whole).
fn comparisons_on<'a>((header, rows): &'a Rows, axis: &str) -> Vec<&'a csv::StringRecord> {
    let at = header.iter().position(|h| h == "axis").expect("axis");
    rows.iter().filter(|row| &row[at] == axis).collect()
}

fn value<'a>((header, _): &Rows, row: &'a csv::StringRecord, name: &str) -> &'a str {
    &row[header.iter().position(|h| h == name).expect(name)]
}

#[test]
fn each_api_answers_and_analyze_compares_it_with_converse_stream() {
    let out = out_dir("apis");
    let run = run_into("apis", &out);
    for (scenario, api, endpoint) in [
        (
            "haiku-3.5 converse-stream",
            "converse-stream",
            "bedrock-runtime",
        ),
        ("haiku-3.5 converse", "converse", "bedrock-runtime"),
        (
            "haiku-3.5 invoke-stream",
            "invoke-stream",
            "bedrock-runtime",
        ),
        (
            "haiku-3.5 anthropic-messages",
            "anthropic-messages",
            "bedrock-runtime",
        ),
        (
            "haiku-3.5 anthropic-messages mantle",
            "anthropic-messages",
            "bedrock-mantle",
        ),
        (
            "nova-pro converse-stream",
            "converse-stream",
            "bedrock-runtime",
        ),
        ("nova-pro invoke-stream", "invoke-stream", "bedrock-runtime"),
        (
            "llama-3.1-70b invoke-stream",
            "invoke-stream",
            "bedrock-runtime",
        ),
        (
            "deepseek-v3.1 converse-stream",
            "converse-stream",
            "bedrock-runtime",
        ),
        (
            "deepseek-v3.1 openai-chat mantle",
            "openai-chat",
            "bedrock-mantle",
        ),
    ] {
        let apis = column(&run, scenario, "api");
        assert_eq!(apis.len(), 20, "{scenario}");
        assert!(apis.iter().all(|a| *a == api), "{scenario}: {apis:?}");
        let endpoints = column(&run, scenario, "endpoint");
        assert!(
            endpoints.iter().all(|e| *e == endpoint),
            "{scenario}: {endpoints:?}"
        );
        let statuses = column(&run, scenario, "api_call_status");
        assert!(
            statuses.iter().all(|s| *s == "Success"),
            "{scenario}: {statuses:?}"
        );
        let ttft = column(&run, scenario, "time_to_first_byte");
        let first_byte = column(&run, scenario, "server_first_byte_ms");
        let output = column(&run, scenario, "model_output_tokens");
        assert!(
            output.iter().all(|n| n.parse::<u32>().unwrap_or(0) > 0),
            "{scenario}: usage"
        );
        match api {
            // Converse: the whole answer at once, no time to first token.
            "converse" => assert!(ttft.iter().all(|t| t.is_empty()), "{scenario}"),
            "invoke-stream" => {
                assert!(ttft.iter().all(|t| !t.is_empty()), "{scenario}");
                assert!(first_byte.iter().all(|ms| !ms.is_empty()), "{scenario}");
            }
            _ => {
                assert!(ttft.iter().all(|t| !t.is_empty()), "{scenario}");
                assert!(first_byte.iter().all(|ms| ms.is_empty()), "{scenario}");
            }
        }
    }
    let (said, comparisons) = analyze(&out);
    assert!(
        said.contains("went through Converse, which answers all at once"),
        "Converse's empty TTFT is explained:\n{said}"
    );
    let api_rows = comparisons_on(&comparisons, "api");
    for (model, variant) in [
        ("haiku", "+via:converse"),
        ("haiku", "+via:invoke-stream"),
        ("haiku", "+via:anthropic-messages"),
        ("deepseek", "+via:openai-chat+at:mantle"),
    ] {
        assert!(
            api_rows
                .iter()
                .any(|row| value(&comparisons, row, "variant").ends_with(variant)
                    && value(&comparisons, row, "model").contains(model)),
            "a {model} {variant} comparison: {api_rows:?}"
        );
    }
    let endpoint_rows = comparisons_on(&comparisons, "endpoint");
    assert!(
        endpoint_rows
            .iter()
            .any(|row| value(&comparisons, row, "variant")
                .ends_with("+via:anthropic-messages+at:mantle")),
        "mantle against runtime: {endpoint_rows:?}"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn each_per_api_example_runs() {
    let dir = example("apis");
    for api in [
        "converse-stream",
        "converse",
        "invoke-stream",
        "openai-chat",
        "anthropic-messages",
    ] {
        let out = out_dir(&format!("per-api-{api}"));
        let output = Command::new(BIN)
            .args(["run", "--target", "emulator", "--scenarios"])
            .arg(dir.join("per-api").join(format!("{api}.jsonl")))
            .arg("--experiment")
            .arg(dir.join("experiment_config.jsonl"))
            .arg("--out")
            .arg(&out)
            .env("BEDROCK_BENCH_TIME_SCALE", "0.05")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_BEARER_TOKEN_BEDROCK")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{api}: {stderr}");
        let file = std::fs::read_dir(out.join("results"))
            .expect("results")
            .map(|entry| entry.expect("entry").path())
            .find(|path| path.extension().is_some_and(|e| e == "csv"))
            .expect("a raw CSV");
        let (header, rows) = read_csv(&file);
        let at = |name: &str| header.iter().position(|h| h == name).expect(name);
        assert!(!rows.is_empty(), "{api}");
        assert!(rows.iter().all(|row| &row[at("api")] == api), "{api}");
        assert!(
            rows.iter()
                .all(|row| &row[at("api_call_status")] == "Success"),
            "{api}: {stderr}"
        );
        let _ = std::fs::remove_dir_all(out);
    }
}

#[test]
fn a_sync_guardrail_delays_the_first_token_and_analyze_compares_the_modes() {
    let out = out_dir("guardrails");
    let run = run_into("guardrails", &out);
    let median = |scenario: &str| {
        let mut ttft: Vec<f64> = column(&run, scenario, "time_to_first_byte")
            .iter()
            .map(|t| t.parse().expect("a TTFT"))
            .collect();
        assert_eq!(ttft.len(), 20, "{scenario}");
        ttft.sort_by(f64::total_cmp);
        ttft[10]
    };
    let none = median("nova-pro no guardrail");
    let sync = median("nova-pro guardrail sync");
    let not_held = median("nova-pro guardrail async");
    assert!(sync > none * 1.3, "sync {sync} s, none {none} s");
    assert!(not_held < sync, "async {not_held} s, sync {sync} s");
    for (scenario, mode) in [
        ("nova-pro guardrail sync", "sync"),
        ("nova-pro guardrail async", "async"),
        ("nova-pro invoke-stream guardrail sync", "sync"),
    ] {
        assert!(
            column(&run, scenario, "guardrail_mode")
                .iter()
                .all(|m| *m == mode)
        );
        assert!(
            column(&run, scenario, "guardrail")
                .iter()
                .all(|g| *g == "replacewithyourid:1")
        );
        assert!(
            column(&run, scenario, "guardrail_action")
                .iter()
                .all(|a| *a == "NONE")
        );
    }
    assert!(
        column(&run, "nova-pro no guardrail", "guardrail_action")
            .iter()
            .all(|a| a.is_empty())
    );
    let (_, comparisons) = analyze(&out);
    let rows = comparisons_on(&comparisons, "guardrail");
    let pair = |base: &str, variant: &str| {
        rows.iter().any(|row| {
            value(&comparisons, row, "baseline") == base
                && value(&comparisons, row, "variant") == variant
        })
    };
    assert!(pair("standard", "standard+guard:sync"), "{rows:?}");
    assert!(pair("standard", "standard+guard:async"), "{rows:?}");
    assert!(
        pair("standard+guard:sync", "standard+guard:async"),
        "{rows:?}"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn prompt_caching_writes_fresh_prefixes_and_reads_a_shared_one() {
    let run = run("prompt-caching");
    let positive = |values: Vec<&str>| {
        values
            .iter()
            .filter(|v| v.parse::<u32>().unwrap_or(0) > 0)
            .count()
    };
    let shared = "sonnet-4 cache reads";
    assert_eq!(column(&run, shared, "cache_read_input_tokens").len(), 20);
    assert!(positive(column(&run, shared, "cache_read_input_tokens")) >= 19);
    assert!(positive(column(&run, shared, "cache_write_input_tokens")) <= 1);
    let fresh = "sonnet-4 cache writes";
    assert_eq!(
        positive(column(&run, fresh, "cache_write_input_tokens")),
        20
    );
    assert_eq!(positive(column(&run, fresh, "cache_read_input_tokens")), 0);
}

#[test]
fn reasoning_comes_before_the_text() {
    let run = run("reasoning");
    for scenario in ["sonnet-4 thinking 2048", "deepseek-r1"] {
        let kinds = column(&run, scenario, "first_delta_kind");
        assert!(
            !kinds.is_empty() && kinds.iter().all(|k| *k == "reasoning"),
            "{scenario}: {kinds:?}"
        );
        assert!(
            column(&run, scenario, "reasoning_time")
                .iter()
                .all(|t| !t.is_empty())
        );
    }
    assert!(
        column(&run, "sonnet-4 no thinking", "first_delta_kind")
            .iter()
            .all(|k| *k == "text")
    );
}

#[test]
fn a_forced_tool_answers_with_tool_use() {
    let run = run("tool-use");
    let kinds = column(&run, "nova-pro forced tool", "first_delta_kind");
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "tool_use"),
        "{kinds:?}"
    );
    assert!(
        column(&run, "nova-pro forced tool", "stop_reason")
            .iter()
            .all(|r| *r == "tool_use")
    );
    assert!(
        column(&run, "nova-pro forced tool", "tools")
            .iter()
            .all(|t| *t == "tools:get_weather")
    );
}

/// The non-empty values of `column` for `scenario`, parsed as numbers.
fn numbers(rows: &Rows, scenario: &str, name: &str) -> Vec<f64> {
    column(rows, scenario, name)
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<f64>().expect("a number"))
        .collect()
}

#[test]
fn workload_examples_send_their_prompts_lengths_sessions_groups_and_trace() {
    let dataset = run("workloads/dataset");
    for scenario in ["nova-pro/prompts", "nova-micro/prompts"] {
        let ids = column(&dataset, scenario, "prompt_id");
        assert_eq!(ids.len(), 24, "{scenario}");
        assert!(ids.iter().all(|id| id.starts_with('w')), "{ids:?}");
    }

    let lengths = run("workloads/lengths");
    let scenario = "nova-pro/lognormal-in/uniform-out";
    let inputs = numbers(&lengths, scenario, "target_input_tokens");
    assert_eq!(inputs.len(), 30);
    assert!(inputs.iter().all(|n| (1.0..=8000.0).contains(n)));
    let outputs = numbers(&lengths, scenario, "target_output_tokens");
    assert!(outputs.iter().all(|n| (50.0..=400.0).contains(n)));

    let sharegpt = run("workloads/sharegpt");
    assert!(
        column(&sharegpt, "nova-pro/chats", "prompt_id")
            .iter()
            .all(|id| id.starts_with('c'))
    );

    let conversations = run("workloads/conversations");
    let turns = numbers(&conversations, "nova-pro/cached-chats", "turn");
    assert_eq!(turns.iter().filter(|t| **t == 4.0).count(), 6, "{turns:?}");
    let reads: Vec<(f64, f64)> = numbers(&conversations, "nova-pro/cached-chats", "turn")
        .into_iter()
        .zip(numbers(
            &conversations,
            "nova-pro/cached-chats",
            "cache_read_input_tokens",
        ))
        .collect();
    assert!(
        reads
            .iter()
            .filter(|(turn, _)| *turn > 1.0)
            .all(|(_, read)| *read > 0.0),
        "every turn from the second reads the cache: {reads:?}"
    );
    assert!(!column(&conversations, "nova-pro/chats", "session_id").is_empty());

    let groups = run("workloads/prefix-groups");
    let group_ids = numbers(&groups, "nova-pro/8-tenants", "prefix_group");
    assert_eq!(group_ids.len(), 32);
    assert!(group_ids.iter().all(|g| (0.0..8.0).contains(g)));
    let busted = numbers(&groups, "nova-pro/busted", "cache_read_input_tokens");
    assert!(busted.iter().all(|read| *read == 0.0), "{busted:?}");

    let trace = run("workloads/trace");
    let scheduled = numbers(&trace, "nova-micro/replayed", "scheduled_s");
    assert_eq!(
        scheduled.len(),
        294,
        "one call per record of data/trace.csv"
    );
    assert!(
        scheduled.iter().all(|s| *s < 12.1),
        "10 times faster than 120 s"
    );
}

/// Split a shell command line into words (single and double quotes,
/// no expansion).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn every_command_of_the_ci_workflow_is_accepted() {
    let workflow =
        std::fs::read_to_string(example("ci").join("bedrock-bench.yml")).expect("the workflow");
    // Continuation lines joined, then each bedrock-bench command found.
    let joined = workflow.replace("\\\n", " ");
    let mut commands = 0;
    for line in joined.lines() {
        let rest = if let Some((_, rest)) = line.split_once("bin/bedrock-bench\" ") {
            rest
        } else if let Some((_, rest)) = line.split_once("cargo run --release -- ") {
            rest
        } else {
            continue;
        };
        let rest = rest.split(" || ").next().unwrap_or(rest);
        let args = shell_words(rest);
        let output = Command::new(BIN)
            .args(&args)
            .arg("--help")
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "`bedrock-bench {}` is not accepted: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        commands += 1;
    }
    assert_eq!(
        commands, 5,
        "run twice and compare on the emulator, run and compare on Bedrock"
    );
}
