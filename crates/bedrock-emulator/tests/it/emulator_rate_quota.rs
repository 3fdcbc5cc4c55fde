//! Requests-per-minute and tokens-per-minute quotas through the SDK: the
//! burst admitted, then 429 ThrottlingException with Bedrock's messages,
//! recorded in the ground truth; admitted again at the quota's rate; the
//! tokens reserved by `maxTokens`; bad quota values named.

use crate::common;

use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use common::features::*;
use common::*;

/// Send one request; `Ok(())` when it streamed to its end, `Err(message)`
/// for a ThrottlingException.
async fn call(client: &Client, max: i32) -> Result<(), String> {
    let sent = client
        .converse_stream()
        .model_id("us.amazon.nova-pro-v1:0")
        .messages(user("Hello there."))
        .inference_config(max_tokens(max))
        .send()
        .await;
    match sent {
        Ok(output) => {
            let c = collect(output).await;
            assert!(c.error.is_none(), "{:?}", c.error);
            Ok(())
        }
        Err(error) => {
            let service = error.into_service_error();
            assert!(service.is_throttling_exception(), "{service:?}");
            Err(service.message().unwrap_or_default().to_string())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_beyond_the_rpm_burst_are_throttled_then_admitted_at_the_quota_rate() {
    // 600 requests per minute (10 per second), a bucket of 1 s: 10
    // requests. Each call takes at least its 20 ms TTFT, so 20 calls in a
    // row outrun the refill.
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"amazon.nova-pro-v1:0": {"quota": {"requests_per_minute": 600, "burst_s": 1}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    let started = Instant::now();
    let mut results = Vec::new();
    for _ in 0..20 {
        results.push(call(&client, 5).await);
    }
    let elapsed = started.elapsed();
    let admitted = results.iter().filter(|r| r.is_ok()).count();
    // 10 from the bucket, plus at most what refilled meanwhile.
    let refilled = (elapsed.as_secs_f64() * 10.0).ceil() as usize;
    assert!(
        admitted >= 10 && admitted <= 10 + refilled && admitted < 20,
        "{admitted} admitted in {elapsed:?}"
    );
    assert!(
        results[..10].iter().all(Result::is_ok),
        "the burst is admitted"
    );
    let refused: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        refused
            .iter()
            .all(|m| m.as_str() == "Too many requests, please wait before trying again.")
    );
    let throttled = emulator
        .ground_truth()
        .iter()
        .filter(|t| t.faults == ["requests_per_minute"])
        .count();
    assert_eq!(
        throttled,
        refused.len(),
        "each refusal is in the ground truth"
    );
    // Drain the bucket, then wait for one request's refill (100 ms).
    let drained = {
        let mut drained = false;
        for _ in 0..50 {
            if call(&client, 5).await.is_err() {
                drained = true;
                break;
            }
        }
        drained
    };
    assert!(drained, "calls faster than the refill drain the bucket");
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(call(&client, 5).await, Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_tokens_reserves_the_tokens_per_minute_quota() {
    // 600 tokens per minute, a bucket of 100 s: 1,000 tokens, refilled at
    // 10 tokens per second (time scale 1): a few within the test.
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"amazon.nova-pro-v1:0": {"quota": {"tokens_per_minute": 600, "burst_s": 100}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    // A short answer under a large maxTokens: admitted (the bucket is
    // full), and the unused part comes back.
    assert_eq!(call(&client, 900).await, Ok(()));
    assert_eq!(call(&client, 900).await, Ok(()));
    // What remains (about 1,000 - 2 x (prompt + 9) tokens) is less than a
    // request asking for 995 output tokens.
    assert_eq!(
        call(&client, 995).await,
        Err("Too many tokens, please wait before trying again.".to_string())
    );
    let throttled = emulator
        .ground_truth()
        .iter()
        .filter(|t| t.faults == ["tokens_per_minute"])
        .count();
    assert_eq!(throttled, 1);
    // A small request still fits.
    assert_eq!(call(&client, 10).await, Ok(()));
}

#[test]
fn bad_quota_values_are_named() {
    let mut set = bedrock_emulator::ProfileSet::builtin();
    let error = set
        .apply_overrides(
            r#"{"models": {"amazon.nova-pro-v1:0": {"quota": {"requests_per_minute": 0}}}}"#,
            "quota test",
        )
        .expect_err("0 is refused");
    assert!(error.to_string().contains("requests_per_minute"), "{error}");
    let error = set
        .apply_overrides(
            r#"{"models": {"amazon.nova-pro-v1:0": {"quota": {"burst_seconds": 3}}}}"#,
            "quota test",
        )
        .expect_err("unknown field");
    assert!(error.to_string().contains("burst_seconds"), "{error}");
}
