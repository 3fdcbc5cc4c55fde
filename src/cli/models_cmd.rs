//! `bedrock-bench models`: the models and inference profiles of a region,
//! which offer latency-optimized inference and which service tiers, and
//! optionally a scenarios file for them.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::client::{Clients, RUN_EMULATOR_HINT, Target, TargetSettings, choose_target};
use bedrock_bench::config::{TargetChoice, UnknownChoice};
use bedrock_bench::discovery::{self, Filter, ModelRow, scenarios};
use bedrock_bench::hint;
use bedrock_catalog::{REGION_SHAPE, is_region_name, region_suggestion};
use clap::Args;

/// The region when neither `--region` nor the AWS configuration names
/// one: the Python tool's.
const DEFAULT_REGION: &str = "us-east-2";

/// Options of `bedrock-bench models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Region to list, such as us-east-2 (default: the AWS configuration's
    /// region, else us-east-2).
    #[arg(long, value_name = "R", value_parser = parse_region)]
    region: Option<String>,
    /// Only this provider's models, such as Anthropic, Amazon, Meta
    /// (case-insensitive).
    #[arg(long, value_name = "P")]
    provider: Option<String>,
    /// Only models whose id or name contains ID (case-insensitive);
    /// repeatable. A full model id that the region does not have is an
    /// error.
    #[arg(long = "model", value_name = "ID")]
    models: Vec<String>,
    /// Only models that offer latency-optimized inference in the region.
    #[arg(long)]
    optimized: bool,
    /// Print the rows as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Write a scenarios file for the listed models: one standard and,
    /// where the region offers it, one optimized scenario each.
    #[arg(long, value_name = "FILE")]
    write_scenarios: Option<PathBuf>,
    /// Replace the --write-scenarios file if it exists.
    #[arg(long, requires = "write_scenarios")]
    force: bool,
    /// Where the control-plane calls go: aws, emulator or auto (AWS when
    /// credentials resolve). Overrides BEDROCK_BENCH_TARGET.
    #[arg(long, value_parser = parse_target)]
    target: Option<TargetChoice>,
}

fn parse_target(value: &str) -> Result<TargetChoice, String> {
    value
        .parse()
        .map_err(|error: UnknownChoice| error.to_string())
}

/// List, print, and write the scenarios if asked.
pub fn run(args: ModelsArgs) -> anyhow::Result<ExitCode> {
    let choice = choose_target(args.target, None)?;
    let settings = TargetSettings::new(choice)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let clients = Clients::connect(TargetSettings {
            emulator_hint: RUN_EMULATOR_HINT,
            ..settings
        })
        .await
        .context("preparing the target")?;
        let simulated = clients.target() == Target::Emulator;
        let region = match args.region.clone() {
            Some(region) => region,
            None => configured_region(&clients)?,
        };
        if simulated {
            eprintln!(
                "control plane: {}; these are the EMULATOR's models (its catalog), not necessarily those of Amazon Bedrock in {region}.",
                clients.describe_control_plane()
            );
        } else {
            eprintln!("control plane: {}.", clients.describe_control_plane());
        }
        let client = clients.control_plane(&region);
        check_exact_ids(&client, &region, &args.models, args.target).await?;
        let filter = Filter {
            provider: args.provider.clone(),
            models: args.models.clone(),
            optimized_only: args.optimized,
        };
        let rows = discovery::list_models(&client, &region, &filter).await?;
        print_rows(&rows, &region, simulated, args.json)?;
        if let Some(path) = &args.write_scenarios {
            let written = scenarios::write(path, &rows, args.force)?;
            let mut words = vec![
                "bedrock-bench".to_string(),
                "run".to_string(),
                "--scenarios".to_string(),
                path.display().to_string(),
            ];
            words.extend(target_words(args.target));
            eprintln!(
                "wrote {written} scenarios to {}\nnext: {}",
                path.display(),
                hint::command(words)
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `--region`: a region name (`US-EAST-2` gets a did-you-mean).
fn parse_region(value: &str) -> Result<String, String> {
    if is_region_name(value) {
        return Ok(value.to_string());
    }
    Err(match region_suggestion(value) {
        Some(suggestion) => format!("expected {REGION_SHAPE} (did you mean {suggestion}?)"),
        None => format!("expected {REGION_SHAPE}"),
    })
}

/// The region of the AWS configuration (the profile's `region`,
/// `AWS_REGION`, `AWS_DEFAULT_REGION`), else [`DEFAULT_REGION`]; one that
/// is not a region name is an error naming where it came from.
fn configured_region(clients: &Clients) -> anyhow::Result<String> {
    let from_env = || {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .into_iter()
            .find_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|region| !region.trim().is_empty())
                    .map(|region| (region, name))
            })
    };
    let found = clients
        .configured_region()
        .map(|region| {
            (
                region,
                "the AWS configuration (AWS_REGION or the profile's region)",
            )
        })
        .or_else(from_env);
    match found {
        None => Ok(DEFAULT_REGION.to_string()),
        Some((region, _)) if is_region_name(&region) => Ok(region),
        Some((region, source)) => anyhow::bail!(
            "the region {region:?} from {source} is not {REGION_SHAPE}; fix it, or give --region"
        ),
    }
}

/// Every `--model` value that is a full model id (`provider.name:version`)
/// must be a model of the region (GetFoundationModel), so that a typo is
/// an error rather than an empty table.
async fn check_exact_ids(
    client: &aws_sdk_bedrock::Client,
    region: &str,
    models: &[String],
    target: Option<TargetChoice>,
) -> anyhow::Result<()> {
    let mut unknown = Vec::new();
    for id in models.iter().filter(|m| m.contains('.') && m.contains(':')) {
        if discovery::get_model(client, region, id).await?.is_none() {
            unknown.push(id.as_str());
        }
    }
    if !unknown.is_empty() {
        let mut words = vec![
            "bedrock-bench".to_string(),
            "models".to_string(),
            "--region".to_string(),
            region.to_string(),
        ];
        words.extend(target_words(target));
        anyhow::bail!(
            "no foundation model {} in {region} (GetFoundationModel: ResourceNotFoundException); `{}` lists them",
            unknown.join(", "),
            hint::command(words)
        );
    }
    Ok(())
}

/// `--target X` when the command was given one, so that a hint reaches
/// the same target.
fn target_words(target: Option<TargetChoice>) -> Vec<String> {
    target
        .map(|t| vec!["--target".to_string(), t.to_string()])
        .unwrap_or_default()
}

fn print_rows(rows: &[ModelRow], region: &str, simulated: bool, json: bool) -> anyhow::Result<()> {
    if json {
        let document = serde_json::json!({
            "region": region,
            "target": if simulated { "emulator" } else { "aws" },
            "models": rows,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print!("{}", discovery::render_table(rows));
    }
    Ok(())
}
