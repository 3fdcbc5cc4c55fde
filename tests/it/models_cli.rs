//! `bedrock-bench models` as a process, against the emulator's control
//! plane: the catalog's rows with the optimized column of the Python
//! tool's table (README.md), `--json`, the filters, and a scenarios file
//! that loads and runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bedrock_catalog::MODELS;
use serde_json::Value;

use crate::isolation;

use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("models", name)
}

/// `bedrock-bench <args>` with no way to find real AWS credentials, the
/// network or an endpoint override.
fn bench(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .args(args)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_BEDROCK")
        .env("BEDROCK_BENCH_TIME_SCALE", "0.01")
        .output()
        .expect("bedrock-bench runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn models_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["models", "--target", "emulator", "--json"];
    args.extend_from_slice(extra);
    let out = bench(dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// The README's table of latency-optimized models (the Python tool's):
/// model name -> regions.
fn readme_optimized_table() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("| Provider | Model | Regions supporting latency-optimized inference |")
        .expect("the README's table");
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let regions = cells[3].split(',').map(|r| r.trim().to_string()).collect();
            (cells[2].to_string(), regions)
        })
        .collect()
}

#[test]
fn models_lists_the_catalog_with_the_python_tools_optimized_column() {
    let dir = temp_dir("catalog");
    let table = readme_optimized_table();
    assert_eq!(table.len(), 4, "{table:?}");
    for region in ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"] {
        let document = models_json(&dir, &["--region", region]);
        assert_eq!(document["region"], region);
        assert_eq!(document["target"], "emulator");
        let rows = document["models"].as_array().expect("models");
        let listed: BTreeSet<&str> = rows
            .iter()
            .map(|r| r["model_id"].as_str().expect("model_id"))
            .collect();
        let catalog: BTreeSet<&str> = MODELS.iter().map(|m| m.id).collect();
        assert_eq!(listed, catalog, "{region}");
        let optimized: BTreeSet<String> = rows
            .iter()
            .filter(|r| r["optimized"] == true)
            .map(|r| r["name"].as_str().expect("name").to_string())
            .collect();
        let expected: BTreeSet<String> = table
            .iter()
            .filter(|(_, regions)| regions.iter().any(|r| r == region))
            .map(|(name, _)| name.clone())
            .collect();
        assert_eq!(optimized, expected, "{region}");
        for row in rows {
            let info = bedrock_catalog::model(row["model_id"].as_str().unwrap()).unwrap();
            assert_eq!(
                row["optimized"],
                info.optimized_regions.contains(&region),
                "{region} {row}"
            );
            let tiers: Vec<&str> = info.tiers.iter().map(|t| t.as_str()).collect();
            assert_eq!(row["tiers"], serde_json::json!(tiers));
            assert_eq!(row["streaming"], true);
        }
    }
    let us = models_json(&dir, &["--region", "us-east-2"]);
    let nova = us["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model_id"] == "amazon.nova-pro-v1:0")
        .expect("Nova Pro")
        .clone();
    assert_eq!(nova["invoke_id"], "us.amazon.nova-pro-v1:0");
    assert_eq!(nova["on_demand"], true);
    assert_eq!(nova["provider"], "Amazon");
    assert_eq!(
        nova["inference_profiles"],
        serde_json::json!(["us.amazon.nova-pro-v1:0"])
    );
    let eu = models_json(&dir, &["--region", "eu-west-1"]);
    let premier = eu["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model_id"] == "amazon.nova-premier-v1:0")
        .expect("Nova Premier");
    // Only a us. profile, and not on demand: not callable from eu-west-1.
    assert_eq!(premier["invoke_id"], Value::Null);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_credentials_models_uses_the_emulator_and_says_so() {
    let dir = temp_dir("auto");
    let out = bench(&dir, &["models", "--region", "us-east-2"]);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("BUILT-IN EMULATOR"), "{stderr}");
    assert!(stderr.contains("EMULATOR's models"), "{stderr}");
    let header: Vec<&str> = stdout
        .lines()
        .next()
        .expect("a header")
        .split('|')
        .map(str::trim)
        .collect();
    let optimized = header
        .iter()
        .position(|h| *h == "optimized")
        .expect("an optimized column");
    let model = header.iter().position(|h| *h == "model").expect("model");
    let cell = |name: &str| {
        stdout
            .lines()
            .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
            .find(|cells| cells.get(model) == Some(&name))
            .unwrap_or_else(|| panic!("a row for {name}:\n{stdout}"))[optimized]
            .to_string()
    };
    assert_eq!(cell("Nova Pro"), "yes");
    assert_eq!(cell("Claude 3.5 Haiku"), "yes");
    assert_eq!(cell("Llama 3.1 70B Instruct"), "yes");
    assert_eq!(cell("Nova Lite"), "no");
    assert!(stdout.contains("from the built-in catalog"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn provider_and_model_filters() {
    let dir = temp_dir("filters");
    let meta = models_json(&dir, &["--provider", "meta"]);
    let rows = meta["models"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["provider"] == "Meta"), "{meta}");
    let haiku = models_json(&dir, &["--model", "haiku", "--optimized"]);
    let ids: Vec<&str> = haiku["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["model_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["anthropic.claude-3-5-haiku-20241022-v1:0"]);

    let out = bench(
        &dir,
        &[
            "models",
            "--target",
            "emulator",
            "--model",
            "example.no-such-model-v1:0",
        ],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("example.no-such-model-v1:0")
            && stderr.contains("ResourceNotFoundException"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn written_scenarios_load_run_and_are_never_overwritten_unasked() {
    let dir = temp_dir("scenarios");
    let file = dir.join("scenarios.jsonl");
    let file_arg = file.to_str().unwrap();
    let out = bench(
        &dir,
        &[
            "models",
            "--target",
            "emulator",
            "--region",
            "us-east-2",
            "--optimized",
            "--write-scenarios",
            file_arg,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&file).expect("the scenarios file");
    let lines: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    // Four optimized models in us-east-2, each optimized and standard.
    assert_eq!(lines.len(), 8, "{written}");
    // The Python tool's six shipped scenarios (the root file) are among
    // them, line for line.
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios_config.jsonl"),
    )
    .expect("the shipped scenarios");
    assert_eq!(shipped.lines().count(), 6);
    for line in shipped.lines().filter(|l| !l.trim().is_empty()) {
        let value: Value = serde_json::from_str(line).unwrap();
        assert!(lines.contains(&value), "{line} not in\n{written}");
    }

    // It loads as a scenarios file...
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(
        &experiment,
        r#"{"invocations_per_scenario": 1, "num_parallel_invocations": 4, "sleep_between_invocations": 0, "max_retries": 0}"#,
    )
    .expect("experiment");
    let configs = bedrock_bench::config::load_configs(&file, &experiment).expect("it loads");
    assert_eq!(configs.scenarios.len(), 8);
    // ... and runs against the emulator, every scenario with a success.
    let out_dir = dir.join("out");
    let run = bench(
        &dir,
        &[
            "run",
            "--target",
            "emulator",
            "--scenarios",
            file_arg,
            "--experiment",
            experiment.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--seed",
            "1",
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let results: Vec<_> = std::fs::read_dir(out_dir.join("results"))
        .expect("results")
        .collect();
    assert_eq!(results.len(), 1);

    // Not overwritten without --force; replaced with it.
    std::fs::write(&file, "precious\n").expect("overwrite by hand");
    let again = bench(
        &dir,
        &[
            "models",
            "--target",
            "emulator",
            "--write-scenarios",
            file_arg,
        ],
    );
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious\n");
    let forced = bench(
        &dir,
        &[
            "models",
            "--target",
            "emulator",
            "--provider",
            "Amazon",
            "--write-scenarios",
            file_arg,
            "--force",
        ],
    );
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let replaced = std::fs::read_to_string(&file).unwrap();
    assert!(
        replaced.contains("\"us.amazon.nova-pro-v1:0\""),
        "{replaced}"
    );
    assert!(!replaced.contains("anthropic"), "{replaced}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_aws_target_follows_aws_endpoint_url_bedrock_to_an_emulator() {
    let dir = temp_dir("endpoint");
    let emulator = bedrock_emulator::Emulator::start(bedrock_emulator::EmulatorConfig::default())
        .expect("emulator binds 127.0.0.1:0");
    let url = emulator.base_url();
    let out = Command::new(BIN)
        .args([
            "models",
            "--target",
            "aws",
            "--region",
            "us-west-2",
            "--json",
        ])
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_BEARER_TOKEN_BEDROCK")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("BEDROCK_BENCH_TARGET")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_ENDPOINT_URL_BEDROCK", &url)
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("bedrock-bench runs");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("the endpoint {url}")), "{stderr}");
    let document: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(document["target"], "aws");
    let rows = document["models"].as_array().expect("models");
    assert_eq!(rows.len(), MODELS.len());
    assert!(rows.iter().any(
        |r| r["invoke_id"] == "us.anthropic.claude-3-5-haiku-20241022-v1:0"
            && r["optimized"] == true
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_region_that_is_not_a_region_name_is_refused_by_the_flag_or_its_source() {
    let dir = temp_dir("region");
    let out = bench(
        &dir,
        &["models", "--target", "emulator", "--region", "US-EAST-2"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid value 'US-EAST-2' for '--region <R>': expected an AWS region name: lowercase, such as us-east-1, eu-central-2 or us-gov-west-1 (did you mean us-east-2?)"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "no table: {}", text(&out.stdout));
    for bad in ["../../etc", "üñí"] {
        let out = bench(&dir, &["models", "--target", "emulator", "--region", bad]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    }
    let mut command = Command::new(BIN);
    let out = isolated(&mut command, &dir)
        .args(["models", "--target", "emulator"])
        .env("AWS_REGION", "us_east_2")
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .expect("runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the region \"us_east_2\" from AWS_REGION is not an AWS region name")
            && stderr.contains("give --region"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
