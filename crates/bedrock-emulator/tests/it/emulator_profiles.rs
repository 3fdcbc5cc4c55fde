//! Profile files: the shipped example loads and every override in it takes
//! effect, bad files are refused with their name, and extreme but valid
//! values do not break the emulator.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamError;
use bedrock_emulator::{Emulator, EmulatorConfig, ProfileSet};
use common::sdk::{Ask, converse, send};
use common::*;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/emulator-profiles.example.json"
);
const NEW_MODEL: &str = "us.example.my-fine-tune-v1:0";

fn scratch_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", std::process::id()))
}

#[test]
fn the_example_file_uses_every_override_feature() {
    let set = ProfileSet::from_override_file(Path::new(EXAMPLE)).expect("the example loads");
    let builtin = ProfileSet::builtin();

    // `all`: every standard profile gets the faults, every optimized one
    // the fallback, and no model gains an optimized profile.
    for id in builtin.model_ids() {
        let model = set.lookup(id).expect("still known");
        assert_eq!(model.standard.faults.model_stream_error, 0.005, "{id}");
        let before = builtin.lookup(id).expect("builtin");
        if let Some(optimized) = &model.optimized {
            assert_eq!(optimized.faults.optimized_served_as_standard, 0.05, "{id}");
            assert!(before.optimized.is_some(), "{id} gained optimized");
        }
    }
    let micro = set.lookup(NOVA_MICRO).expect("micro");
    assert_eq!(micro.standard.faults.throttle_before_stream, 0.01);
    assert_eq!(
        micro.standard.ttft_p50_s,
        builtin
            .lookup(NOVA_MICRO)
            .expect("micro")
            .standard
            .ttft_p50_s,
        "only what is named changes"
    );

    // `generic`.
    assert_eq!(set.generic().input_token_overhead, 4);
    assert_eq!(set.generic().standard.tokens_per_s, 70.0);

    // `models`: an existing model, `max_in_flight` and a partial optimized.
    let pro = set.lookup(NOVA_PRO).expect("pro");
    let builtin_pro = builtin.lookup(NOVA_PRO).expect("pro");
    assert_eq!(pro.max_in_flight, Some(8));
    let optimized = pro.optimized.as_ref().expect("optimized");
    assert_eq!(
        (optimized.ttft_p50_s, optimized.tokens_per_s),
        (0.35, 140.0)
    );
    assert_eq!(
        optimized.tokens_per_chunk,
        builtin_pro.optimized.as_ref().expect("o").tokens_per_chunk
    );
    assert_eq!(pro.standard.tokens_per_s, builtin_pro.standard.tokens_per_s);

    // Rate quotas: an account's own value, a latency-optimized quota,
    // and `null`, which removes one.
    assert_eq!(
        (pro.quota.tokens_per_minute, pro.quota.burst_s),
        (Some(400_000), 5.0)
    );
    let llama_70b = set
        .lookup("us.meta.llama3-1-70b-instruct-v1:0")
        .expect("70b");
    assert_eq!(
        llama_70b.optimized_quota.and_then(|q| q.tokens_per_minute),
        Some(80_000)
    );
    assert_eq!(
        llama_70b.quota,
        builtin_quota_of(&builtin, "us.meta.llama3-1-70b-instruct-v1:0")
    );
    assert!(
        !set.lookup("us.anthropic.claude-3-haiku-20240307-v1:0")
            .expect("haiku")
            .quota
            .is_limited()
    );

    // `"optimized": null` removes it.
    let llama = set
        .lookup("us.meta.llama3-1-405b-instruct-v1:0")
        .expect("405b");
    assert!(llama.optimized.is_none());

    // Fault rates per model.
    let haiku = set
        .lookup("us.anthropic.claude-3-haiku-20240307-v1:0")
        .expect("haiku");
    assert_eq!(haiku.standard.faults.service_unavailable, 0.02);
    assert_eq!(haiku.standard.faults.stall_s, 20.0);
    assert_eq!(
        haiku.standard.faults.throttle_before_stream, 0.01,
        "from `all`"
    );

    // A new model id, starting from `generic`.
    assert!(builtin.lookup(NEW_MODEL).is_none());
    let new = set.lookup(NEW_MODEL).expect("the new model is known");
    assert_eq!(new.max_in_flight, Some(2));
    assert_eq!(new.input_token_overhead, 12);
    assert_eq!(new.standard.tokens_per_chunk, 3);
    assert!(new.optimized.is_none());
    assert!(set.lookup("example.my-fine-tune-v1:0").is_some());
    // It states where its latencies come from; Nova Pro's changed parts
    // name the file.
    assert!(
        matches!(
            &new.sources.latency,
            bedrock_emulator::Source::Measured {
                calls_per_configuration: 50,
                ..
            }
        ),
        "{:?}",
        new.sources.latency
    );
    assert!(
        pro.sources
            .latency
            .describe()
            .contains("emulator-profiles.example.json"),
        "{:?}",
        pro.sources.latency
    );
}

/// A built-in model's quota.
fn builtin_quota_of(builtin: &ProfileSet, id: &str) -> bedrock_emulator::RateQuota {
    builtin.lookup(id).expect("built in").quota
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_profiles_serve() {
    let mut set = ProfileSet::from_override_file(Path::new(EXAMPLE)).expect("loads");
    // No random faults here: this checks the models, not the dice.
    set.apply_overrides(
        r#"{"all": {"standard": {"faults": {"throttle_before_stream": 0, "model_stream_error": 0,
            "service_unavailable": 0, "throttle_mid_stream": 0, "stall_mid_stream": 0}},
            "optimized": {"faults": {"optimized_served_as_standard": 0}}}}"#,
        "no faults",
    )
    .expect("applies");
    let emulator = start_emulator(set, 0.0);
    let client = client_for(&emulator);
    let streamed = converse(&client, &Ask::new(NEW_MODEL, 10)).await;
    assert!(streamed.error.is_none(), "{:?}", streamed.error);
    let (input, output, _) = streamed.usage.expect("usage");
    assert_eq!(output, 10);
    assert_eq!(
        input,
        i32::try_from(bedrock_catalog::tokens::estimate_tokens(
            common::sdk::PROMPT
        ))
        .expect("small")
            + 12
    );
    assert_eq!(streamed.deltas, 4, "3 tokens per chunk");

    let error = send(
        &client,
        &Ask::new("us.meta.llama3-1-405b-instruct-v1:0", 10).optimized(),
    )
    .await
    .expect_err("optimized was removed");
    assert!(matches!(
        error.as_service_error(),
        Some(ConverseStreamError::ValidationException(_))
    ));
}

#[test]
fn bad_files_are_refused_with_their_name() {
    let missing = scratch_file("no-such-profiles.json");
    let error = ProfileSet::from_override_file(&missing)
        .expect_err("missing file")
        .to_string();
    assert!(error.contains("no-such-profiles.json"), "{error}");

    let typo = scratch_file("typo-profiles.json");
    std::fs::write(
        &typo,
        r#"{"models": {"us.amazon.nova-pro-v1:0": {"standard": {"tokens_per_sec": 10}}}}"#,
    )
    .expect("writes");
    let error = ProfileSet::from_override_file(&typo)
        .expect_err("typo")
        .to_string();
    assert!(
        error.contains("typo-profiles.json") && error.contains("tokens_per_sec"),
        "{error}"
    );
    std::fs::write(
        &typo,
        r#"{"all": {"standard": {"faults": {"stall_mid_stream": 2}}}}"#,
    )
    .expect("writes");
    let error = ProfileSet::from_override_file(&typo)
        .expect_err("probability 2")
        .to_string();
    assert!(error.contains("stall_mid_stream"), "{error}");
    let _ = std::fs::remove_file(&typo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_but_valid_values_do_not_break_the_emulator() {
    // A stall of 1e300 s, a decode rate of 1e-300 tok/s and an absurd TTFT
    // spread: all valid, all far beyond any clock. The emulator clamps
    // them and keeps answering.
    let mut stalled = fixed_profile(0.01, 1000.0, 1, 5);
    stalled.faults.stall_mid_stream = 1.0;
    stalled.faults.stall_s = 1e300;
    let mut set = uniform(fixed_model(stalled.clone(), stalled));
    set.apply_overrides(
        r#"{"models": {
            "amazon.nova-micro-v1:0": {"standard": {"tokens_per_s": 1e-300}},
            "amazon.nova-lite-v1:0": {"standard": {"ttft_p50_s": 0.001, "ttft_p90_s": 1e300}}
        }}"#,
        "extreme",
    )
    .expect("valid values");
    let emulator = Emulator::start(EmulatorConfig {
        seed: Some(1),
        profiles: set,
        shutdown_grace: Duration::from_millis(100),
        ..EmulatorConfig::default()
    })
    .expect("starts");
    let client = client_for(&emulator);
    for model in [NOVA_PRO, NOVA_MICRO, "us.amazon.nova-lite-v1:0"] {
        let mut output =
            tokio::time::timeout(Duration::from_secs(5), send(&client, &Ask::new(model, 5)))
                .await
                .expect("the response head comes at once")
                .unwrap_or_else(|e| panic!("{model}: {e:?}"));
        // The stream is open and stays open (the next event is far away,
        // or comes now); either way the connection is alive.
        let next = tokio::time::timeout(Duration::from_millis(200), output.stream.recv()).await;
        if let Ok(event) = next {
            assert!(event.is_ok(), "{model}: {event:?}");
        }
    }
    // The streams were dropped with their outputs: each has its record,
    // with planned times clamped to finite numbers.
    drop(client);
    let mut records = Vec::new();
    for _ in 0..200 {
        records = emulator.ground_truth();
        if records.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(records.len(), 3, "{records:#?}");
    for record in &records {
        let total = record.planned_total_s.expect("planned");
        assert!(total.is_finite() && total <= 7.0 * 86_400.0, "{record:?}");
        assert!(
            record.planned_ttft_s.is_some_and(f64::is_finite),
            "{record:?}"
        );
    }
    emulator.shutdown();
}
