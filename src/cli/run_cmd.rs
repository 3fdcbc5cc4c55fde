//! `bedrock-bench run`: the Python tool's experiment, one raw CSV per run.

use std::ffi::OsStr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bedrock_bench::analysis::Simulation;
use bedrock_bench::client::{
    Clients, RUN_EMULATOR_HINT, Target, TargetSettings, choose_target, resolve_target,
};
use bedrock_bench::config::{ExperimentUse, TargetChoice};
use bedrock_bench::hint;
use bedrock_bench::plan::{
    Plan, PlanInput, Shard, ShardError, estimated_call_time, human_duration,
};
use bedrock_bench::runner::{self, Refusal, RunControls, RunError, RunSummary, StopSignal};
use clap::Args;

use super::plan_args::PlanArgs;

/// Options of `bedrock-bench run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    plan: PlanArgs,
    /// Make only shard I of N of the experiment (I from 0, as Kubernetes'
    /// JOB_COMPLETION_INDEX), one process per machine: the N shards
    /// together make every call once. Needs the same --seed and files on
    /// every shard; --max-calls and --max-cost stay the whole
    /// experiment's (each shard keeps its part).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
}

/// The exit status of a usage error.
const USAGE: u8 = 2;

fn parse_shard(value: &str) -> Result<Shard, String> {
    value.parse().map_err(|error: ShardError| error.to_string())
}

/// Load, plan, confirm the budget, run, report.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let flags = &args.plan;
    if let (Some(shard), None) = (args.shard, flags.seed) {
        eprintln!(
            "error: --shard {shard} needs --seed: every shard must draw the same schedule from the same seed, so pass the same --seed N to all {} shards (for example --seed 42)",
            shard.count()
        );
        return Ok(ExitCode::from(USAGE));
    }
    let progress = flags.progress_mode()?;
    let (scenarios, experiment) = flags.load(ExperimentUse::Run)?;
    let choice = choose_target(flags.target, experiment.target)?;
    let settings = TargetSettings::for_experiment(choice, &experiment, RUN_EMULATOR_HINT)?;
    let prices = flags.prices(&scenarios)?;
    let plan = PlanInput::new(scenarios, experiment)
        .seed(flags.seed())
        .shard(args.shard)
        .prices(prices)
        .max_calls(flags.max_calls_limit())
        .max_cost(flags.max_cost_limit())
        .build();
    for line in plan.describe(choice, settings.emulator.time_scale) {
        eprintln!("{line}");
    }
    plan.check().map_err(|error| anyhow::anyhow!("{error}"))?;
    let dry_run = flags.dry_run;
    let out = flags.out.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let time_scale = settings.emulator.time_scale;
        // The dry run resolves the target and the credentials as the run
        // does (an undefined AWS_PROFILE fails both alike); it calls no
        // model and starts no emulator.
        let resolved = resolve_target(&settings)
            .await
            .context("preparing the target")?;
        print_estimate(&plan, resolved.choice(), time_scale);
        if dry_run {
            eprintln!(
                "target: {} (resolved as the run would)",
                resolved.describe(&settings)
            );
            print!("{}", plan.schedule.describe(&plan.scenarios));
            eprintln!("dry run: no call was made.");
            return Ok(ExitCode::SUCCESS);
        }
        let clients =
            Arc::new(Clients::from_resolved(resolved, settings).context("preparing the target")?);
        let simulated = clients.target() == Target::Emulator;
        if simulated {
            eprintln!("target: {}; every number is SIMULATED.", clients.describe());
        } else {
            eprintln!("target: {}.", clients.describe());
        }
        let stop = StopSignal::new();
        runner::watch_stop_signals(stop.clone(), runner::STOP_GRACE)
            .context("installing the SIGINT, SIGTERM and SIGHUP handlers")?;
        let simulation = simulated.then(|| Simulation::of_run(clients.time_scale()));
        let controls = RunControls::new(out.clone()).progress(progress).stop(stop);
        let outcome = runner::run(clients, &plan, controls).await;
        report(outcome, &plan, &out, simulation.as_ref())
    })
}

/// The `analyze` command for this run's files: each file written (they
/// are comparable, and other files in the directory may not be), and
/// `--out` where the run wrote them, so the summaries go beside them.
fn analyze_hint(summary: &RunSummary, out: &Path) -> String {
    let mut words: Vec<&OsStr> = vec!["bedrock-bench".as_ref(), "analyze".as_ref()];
    words.extend(summary.files.iter().map(|f| f.path.as_os_str()));
    words.push("--out".as_ref());
    words.push(out.as_os_str());
    hint::command(words)
}

/// The estimated duration against the resolved `target`: real latencies
/// for AWS, the emulator's latencies times its time scale for the
/// emulator.
fn print_estimate(plan: &Plan, target: TargetChoice, time_scale: f64) {
    let estimate = |scale: f64| {
        let call_times: Vec<_> = plan
            .scenarios
            .iter()
            .map(|s| estimated_call_time(s, scale))
            .collect();
        human_duration(plan.schedule.estimate(&call_times))
    };
    let source = "from the built-in latency table; real latencies vary";
    match target {
        TargetChoice::Emulator if time_scale != 1.0 => eprintln!(
            "estimated duration: about {} on the emulator at time scale {time_scale} ({source})",
            estimate(time_scale)
        ),
        _ => eprintln!("estimated duration: about {} ({source})", estimate(1.0)),
    }
}

fn report(
    outcome: Result<RunSummary, RunError>,
    plan: &Plan,
    out: &Path,
    simulation: Option<&Simulation>,
) -> anyhow::Result<ExitCode> {
    let summary = match outcome {
        Ok(summary) => summary,
        Err(RunError::Report { error, summary }) => {
            print_summary(&summary, out, simulation);
            let error = RunError::Report { error, summary };
            anyhow::bail!("{error}");
        }
        Err(other) => return Err(other.into()),
    };
    print_summary(&summary, out, simulation);
    if let Some(overrun) = &summary.overrun {
        eprintln!(
            "error: {}; the run stopped at once ({} calls made, every one in the files above; calls in flight were cancelled). The price table or the worst case understated a call: check --prices and the scenario's prompt and tools.",
            overrun.describe(),
            summary.attempts
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Some(cause) = summary.stop_cause {
        eprintln!(
            "interrupted by {}: {} calls were made and every one of them is in the files above (calls still in flight were cancelled and keep their partial timings).",
            cause.name(),
            summary.attempts
        );
        return Ok(ExitCode::from(cause.exit_code()));
    }
    if summary.budget_exhausted {
        let which = match summary.budget_refusal {
            Some(Refusal::Dollars | Refusal::Overrun) => {
                "the dollar budget had no room left for another call at its worst case"
            }
            Some(Refusal::Calls) | None => "the call budget was used up by retries",
        };
        // Retries come on top of the planned calls, and an open loop's
        // count is an estimate: the calls made are not "N of M".
        let retries = match plan.schedule.open {
            None => " without retries",
            Some(_) => "",
        };
        eprintln!(
            "stopped: {which} before the schedule finished: {} calls made, retries included; the schedule planned {}{retries}.",
            summary.attempts,
            plan.planned_text(summary.planned_calls)
        );
        return Ok(ExitCode::FAILURE);
    }
    let failed: Vec<_> = summary.failed_scenarios().collect();
    if !failed.is_empty() {
        eprintln!(
            "error: {} of {} scenarios had no successful call, so they have no latency to report:",
            failed.len(),
            summary.scenarios.len()
        );
        for scenario in failed {
            eprintln!("  {}", scenario.describe_failures());
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(summary: &RunSummary, out: &Path, simulation: Option<&Simulation>) {
    for file in &summary.files {
        eprintln!("wrote {} ({} rows)", file.path.display(), file.rows);
    }
    eprintln!(
        "{} calls: {} succeeded, {} failed ({} throttled){}",
        summary.attempts,
        summary.successes,
        summary.failures,
        summary.throttles,
        match simulation {
            Some(simulation) => format!(
                "; numbers are SIMULATED by the emulator at {}",
                simulation.scale_text()
            ),
            None => String::new(),
        }
    );
    let unpriced = match summary.unpriced_attempts {
        0 => String::new(),
        n => format!(" ({n} calls with an unknown price are not included)"),
    };
    eprintln!(
        "cost: ${} for these calls{unpriced}{}",
        summary.cost,
        if simulation.is_some() {
            ", at Bedrock's prices for the usage the emulator reported (nothing was billed)"
        } else {
            ", at the price table's prices (see the AWS bill for what was charged)"
        }
    );
    if !summary.files.is_empty() {
        eprintln!("next: {}", analyze_hint(summary, out));
    }
}
