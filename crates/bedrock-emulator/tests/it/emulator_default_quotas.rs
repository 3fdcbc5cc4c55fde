//! The default emulator carries Bedrock's default quotas: a rising load, as
//! a sweep offers it, is served in full below a model's default
//! tokens-per-minute quota and throttled above it, where the calls
//! admitted come at about the quota's rate. `--no-quotas` (or a profile
//! file) removes them.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::types::{PerformanceConfigLatency, PerformanceConfiguration};
use bedrock_emulator::{Emulator, EmulatorConfig, ProfileSet};
use common::features::*;
use common::*;

/// Llama 3.1 70B's latency-optimized calls: the smallest published
/// default quota (40,000 tokens per minute).
const MODEL: &str = "us.meta.llama3-1-70b-instruct-v1:0";
/// A minute of model time lasts 0.6 s: the quota admits 100 times its
/// calls per real minute.
const TIME_SCALE: f64 = 0.01;
/// Each step offers calls at a constant rate for this long.
const STEP: Duration = Duration::from_millis(1500);

/// About 2,000 prompt tokens (one per word), so that each call's cost is
/// its prompt's, known exactly from its usage.
fn prompt() -> String {
    "lorem ".repeat(2000)
}

/// `Ok(tokens charged)` for a call served, `Err(message)` for a throttle.
async fn call(client: &Client, prompt: &str) -> Result<u64, String> {
    let sent = client
        .converse_stream()
        .model_id(MODEL)
        .messages(user(prompt))
        .inference_config(max_tokens(1))
        .performance_config(
            PerformanceConfiguration::builder()
                .latency(PerformanceConfigLatency::Optimized)
                .build(),
        )
        .send()
        .await;
    match sent {
        Ok(output) => {
            let c = collect(output).await;
            assert!(c.error.is_none(), "{:?}", c.error);
            let usage = c.usage.expect("usage");
            Ok((usage.input_tokens() + usage.output_tokens()) as u64)
        }
        Err(error) => {
            let service = error.into_service_error();
            assert!(service.is_throttling_exception(), "{service:?}");
            Err(service.message().unwrap_or_default().to_string())
        }
    }
}

/// Offer calls at `rate` per second for [`STEP`]; (served, throttled).
async fn step(client: &Client, prompt: &Arc<String>, rate: f64) -> (usize, usize) {
    let started = Instant::now();
    let calls = (rate * STEP.as_secs_f64()).round() as u32;
    let mut pending = Vec::new();
    for i in 0..calls {
        let at = started + Duration::from_secs_f64(f64::from(i) / rate);
        tokio::time::sleep_until(at.into()).await;
        let (client, prompt) = (client.clone(), Arc::clone(prompt));
        pending.push(tokio::spawn(async move { call(&client, &prompt).await }));
    }
    let mut served = 0;
    let mut throttled = 0;
    for call in pending {
        match call.await.expect("the call's task") {
            Ok(_) => served += 1,
            Err(message) => {
                assert_eq!(message, "Too many tokens, please wait before trying again.");
                throttled += 1;
            }
        }
    }
    (served, throttled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rising_load_is_throttled_near_the_default_quota() {
    let profiles = ProfileSet::builtin();
    let tokens_per_minute = profiles
        .lookup(MODEL)
        .and_then(|m| m.optimized_quota)
        .and_then(|q| q.tokens_per_minute)
        .expect("a default latency-optimized quota");
    assert_eq!(tokens_per_minute, 40_000, "the published default");
    let emulator = Emulator::start(EmulatorConfig {
        time_scale: TIME_SCALE,
        seed: Some(9),
        ..EmulatorConfig::default()
    })
    .expect("emulator binds 127.0.0.1:0");
    let client = client_for(&emulator);
    let prompt = Arc::new(prompt());
    let cost = call(&client, &prompt)
        .await
        .expect("the first call is served");
    assert!(cost > 2000, "{cost}");
    // The quota's rate in calls per real second.
    let quota_rate = tokens_per_minute as f64 / cost as f64 / (60.0 * TIME_SCALE);

    let mut steps = Vec::new();
    for factor in [0.5, 0.75, 1.5, 2.0, 3.0] {
        // A quiet spell refills the bucket (10 s of model time: 0.1 s).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (served, throttled) = step(&client, &prompt, factor * quota_rate).await;
        steps.push((factor, served, throttled));
    }
    let report = format!("quota {quota_rate:.1} calls/s; (factor, served, throttled): {steps:?}");
    eprintln!("{report}");
    for &(factor, served, throttled) in &steps {
        // The bucket holds about 3 calls: a client stalled on a loaded
        // machine that then sends 4 at once at 0.75 x the quota may see one
        // refused; at half the quota it would take a stall of 0.2 s.
        if factor <= 0.5 {
            assert_eq!(throttled, 0, "throttled below the quota: {report}");
        } else if factor < 1.0 {
            assert!(throttled <= 1, "throttled below the quota: {report}");
        } else {
            assert!(throttled > 0, "not throttled above the quota: {report}");
        }
        if factor >= 3.0 {
            // The bucket's burst (10 s of quota) lets a few more through.
            let served_rate = served as f64 / STEP.as_secs_f64();
            assert!(
                (0.8 * quota_rate..1.35 * quota_rate).contains(&served_rate),
                "served {served_rate:.1}/s at {factor} x the quota: {report}"
            );
        }
    }
    let throttles = emulator
        .ground_truth()
        .iter()
        .filter(|t| t.faults == ["tokens_per_minute"])
        .count();
    assert_eq!(
        throttles,
        steps.iter().map(|s| s.2).sum::<usize>(),
        "{report}"
    );
    // The standard calls of the same model have their own, larger quota.
    let standard = client
        .converse_stream()
        .model_id(MODEL)
        .messages(user(&prompt))
        .inference_config(max_tokens(1))
        .send()
        .await;
    assert!(standard.is_ok(), "{standard:?}");
}

#[test]
fn every_built_in_model_has_a_quota_and_it_can_be_removed() {
    let mut profiles = ProfileSet::builtin();
    for id in profiles.model_ids().map(str::to_string).collect::<Vec<_>>() {
        let model = profiles.lookup(&id).expect("listed");
        assert!(model.quota.tokens_per_minute.is_some(), "{id} has no quota");
        assert_eq!(
            model.quota.requests_per_minute, None,
            "{id}: RPM quotas were removed"
        );
    }
    assert!(profiles.generic().quota.tokens_per_minute.is_none());
    // A profile file removes one model's...
    profiles
        .apply_overrides(
            r#"{"models": {"us.amazon.nova-pro-v1:0": {"quota": null}}}"#,
            "quota test",
        )
        .expect("applies");
    let nova = profiles.lookup("us.amazon.nova-pro-v1:0").expect("nova");
    assert!(!nova.quota.is_limited());
    assert!(
        nova.sources
            .quota
            .describe()
            .contains("profile file quota test"),
        "{:?}",
        nova.sources.quota
    );
    // ...or everyone's.
    profiles
        .apply_overrides(
            r#"{"all": {"quota": null, "optimized_quota": null}}"#,
            "all",
        )
        .expect("applies");
    let llama = profiles.lookup(MODEL).expect("llama");
    assert!(!llama.quota.is_limited() && llama.optimized_quota.is_none());
    let mut removed = ProfileSet::builtin();
    removed.remove_rate_quotas("--no-quotas");
    assert!(
        removed
            .model_ids()
            .all(|id| removed.lookup(id).is_some_and(|m| !m.quota.is_limited()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_time_scale_zero_no_quota_is_reached() {
    let emulator = Emulator::start(EmulatorConfig {
        time_scale: 0.0,
        seed: Some(9),
        ..EmulatorConfig::default()
    })
    .expect("emulator binds 127.0.0.1:0");
    let client = client_for(&emulator);
    let prompt = prompt();
    // 40 calls of 2,000 tokens: twice the quota's minute, in no time.
    for _ in 0..40 {
        call(&client, &prompt).await.expect("never throttled");
    }
}
