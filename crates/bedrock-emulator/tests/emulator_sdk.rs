//! The real SDK client against the emulator: the answer's events, every
//! error as its modelled type, model ids, and the per-model quota.

mod common;

use std::sync::Arc;

use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamError;
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use bedrock_catalog::tokens::estimate_tokens;
use bedrock_emulator::{Emulator, ProfileSet};
use common::sdk::{Ask, PROMPT, SendError, converse, drain, send};
use common::*;

const NOVA_LITE: &str = "us.amazon.nova-lite-v1:0";
const LLAMA_8B: &str = "us.meta.llama3-1-8b-instruct-v1:0";
const NOVA_PRO_ARN: &str =
    "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0";

/// Every model answers 9 tokens fast; overrides then change some models.
fn profiles(overrides: &str) -> ProfileSet {
    let mut set = uniform(fixed_model(
        fixed_profile(0.02, 1000.0, 2, 9),
        fixed_profile(0.01, 2000.0, 2, 9),
    ));
    set.apply_overrides(overrides, "test overrides")
        .expect("test overrides apply");
    set
}

fn service_error(error: &SendError) -> &ConverseStreamError {
    error
        .as_service_error()
        .unwrap_or_else(|| panic!("not a service error: {error:?}"))
}

fn status_of(error: &SendError) -> u16 {
    error
        .raw_response()
        .map(|r| r.status().as_u16())
        .expect("an HTTP response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_answer_decodes_in_order() {
    let emulator = start_emulator(profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let streamed = converse(&client, &Ask::new(NOVA_PRO, 50).optimized()).await;

    assert!(streamed.error.is_none(), "{:?}", streamed.error);
    assert_eq!(
        streamed.events,
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    assert_eq!(streamed.role.as_deref(), Some("assistant"));
    assert!(
        streamed.text.starts_with("Machine learning is"),
        "{:?}",
        streamed.text
    );
    assert_eq!(streamed.text.split(' ').count(), 9, "{:?}", streamed.text);
    assert_eq!(streamed.stop_reason.as_deref(), Some("end_turn"));
    let input = i32::try_from(estimate_tokens(PROMPT)).expect("small");
    assert_eq!(streamed.usage, Some((input, 9, input + 9)));
    assert!(streamed.latency_ms.is_some_and(|ms| ms >= 10));
    assert_eq!(streamed.served.as_deref(), Some("optimized"));

    let request_id = streamed.request_id.expect("request id");
    let truth = ground_truth_for(&emulator, &request_id);
    assert_eq!(truth.model_id, NOVA_PRO);
    assert_eq!(truth.outcome, "complete");
    assert_eq!(truth.deltas_written, 5);

    // Capped by maxTokens, no performanceConfig asked: none reported.
    let capped = converse(&client, &Ask::new(NOVA_MICRO, 4)).await;
    assert_eq!(capped.stop_reason.as_deref(), Some("max_tokens"));
    assert_eq!(capped.usage.map(|u| u.1), Some(4));
    assert_eq!(capped.deltas, 2);
    assert_eq!(capped.served, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pre_stream_errors_arrive_as_their_modelled_types() {
    let emulator = start_emulator(
        profiles(
            r#"{"models": {
                "us.amazon.nova-lite-v1:0": {"standard": {"faults": {"throttle_before_stream": 1.0}}},
                "us.meta.llama3-1-8b-instruct-v1:0": {"standard": {"faults": {"service_unavailable": 1.0}}}
            }}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);

    let mut validation = Vec::new();
    validation.push(("maxTokens 0", Ask::new(NOVA_PRO, 0)));
    validation.push(("maxTokens -5", Ask::new(NOVA_PRO, -5)));
    let mut hot = Ask::new(NOVA_PRO, 10);
    hot.temperature = Some(1.5);
    validation.push(("temperature 1.5", hot));
    let mut cold = Ask::new(NOVA_PRO, 10);
    cold.temperature = Some(-0.1);
    validation.push(("temperature -0.1", cold));
    let mut wide = Ask::new(NOVA_PRO, 10);
    wide.top_p = Some(1.01);
    validation.push(("topP 1.01", wide));
    let mut narrow = Ask::new(NOVA_PRO, 10);
    narrow.top_p = Some(-1.0);
    validation.push(("topP -1", narrow));
    validation.push((
        "unknown model",
        Ask::new("us.example.no-such-model-v1:0", 10),
    ));
    validation.push(("optimized without it", Ask::new(NOVA_MICRO, 10).optimized()));
    for (what, ask) in validation {
        let error = send(&client, &ask).await.expect_err(what);
        assert!(
            matches!(
                service_error(&error),
                ConverseStreamError::ValidationException(_)
            ),
            "{what}: {error:?}"
        );
        assert_eq!(status_of(&error), 400, "{what}");
        assert!(error.message().is_some_and(|m| !m.is_empty()), "{what}");
        let id = error.request_id().expect("request id on an error");
        let truth = ground_truth_for(&emulator, id);
        assert_eq!(
            (truth.http_status, truth.outcome.as_str()),
            (400, "ValidationException"),
            "{what}"
        );
    }

    let error = send(&client, &Ask::new(NOVA_LITE, 10))
        .await
        .expect_err("throttled");
    assert!(matches!(
        service_error(&error),
        ConverseStreamError::ThrottlingException(_)
    ));
    assert_eq!(status_of(&error), 429);
    let truth = ground_truth_for(&emulator, error.request_id().expect("id"));
    assert_eq!(truth.faults, ["throttle_before_stream"]);

    let error = send(&client, &Ask::new(LLAMA_8B, 10))
        .await
        .expect_err("unavailable");
    assert!(matches!(
        service_error(&error),
        ConverseStreamError::ServiceUnavailableException(_)
    ));
    assert_eq!(status_of(&error), 503);
    let truth = ground_truth_for(&emulator, error.request_id().expect("id"));
    assert_eq!(truth.outcome, "ServiceUnavailableException");

    // The connection is still good after all of that.
    let fine = converse(&client, &Ask::new(NOVA_PRO, 10)).await;
    assert!(fine.error.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mid_stream_exceptions_arrive_from_recv_as_their_modelled_types() {
    let emulator = start_emulator(
        profiles(
            r#"{"models": {
                "us.amazon.nova-lite-v1:0": {"standard": {"natural_output_tokens_p50": 40, "natural_output_tokens_p90": 40,
                                                          "faults": {"throttle_mid_stream": 1.0}}},
                "us.meta.llama3-1-8b-instruct-v1:0": {"standard": {"natural_output_tokens_p50": 40, "natural_output_tokens_p90": 40,
                                                                   "faults": {"model_stream_error": 1.0}}}
            }}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    for (model, wire_name) in [
        (NOVA_LITE, "throttlingException"),
        (LLAMA_8B, "modelStreamErrorException"),
    ] {
        let streamed = converse(&client, &Ask::new(model, 40)).await;
        let error = streamed.error.expect("an exception from recv()");
        let exception = error
            .as_service_error()
            .unwrap_or_else(|| panic!("{model}: not a service error: {error:?}"));
        match wire_name {
            "throttlingException" => assert!(
                matches!(exception, ConverseStreamOutputError::ThrottlingException(_)),
                "{exception:?}"
            ),
            _ => assert!(
                matches!(
                    exception,
                    ConverseStreamOutputError::ModelStreamErrorException(_)
                ),
                "{exception:?}"
            ),
        }
        assert!(exception.message().is_some_and(|m| !m.is_empty()));
        assert_eq!(streamed.events[0], "messageStart");
        assert!(
            streamed.deltas >= 1,
            "at least one delta before the exception"
        );
        assert!(!streamed.events.contains(&"metadata"));
        let truth = ground_truth_for(&emulator, &streamed.request_id.expect("id"));
        assert_eq!(truth.outcome, wire_name);
        assert_eq!(truth.deltas_written as usize, streamed.deltas);
        assert_eq!(truth.http_status, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_ids_with_colons_and_slashes_reach_their_profile() {
    // Nova Pro answers 7 tokens, every other model 9.
    let emulator = start_emulator(
        profiles(
            r#"{"models": {"amazon.nova-pro-v1:0": {"standard": {"natural_output_tokens_p50": 7, "natural_output_tokens_p90": 7}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    for (model, tokens) in [
        (NOVA_PRO, 7),
        ("amazon.nova-pro-v1:0", 7),
        ("eu.amazon.nova-pro-v1:0", 7),
        (NOVA_PRO_ARN, 7),
        (NOVA_MICRO, 9),
        (
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-micro-v1:0",
            9,
        ),
    ] {
        let streamed = converse(&client, &Ask::new(model, 50)).await;
        assert!(streamed.error.is_none(), "{model}: {:?}", streamed.error);
        assert_eq!(streamed.usage.map(|u| u.1), Some(tokens), "{model}");
        let truth = ground_truth_for(&emulator, &streamed.request_id.expect("id"));
        assert_eq!(
            truth.model_id, model,
            "the id arrives percent-decoded, whole"
        );
    }
}

/// Start `n` long streams at once; returns (successes, throttles).
async fn concurrent_streams(emulator: &Arc<Emulator>, n: usize) -> (usize, usize, Vec<String>) {
    let client = client_for(emulator);
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for _ in 0..n {
        let client = client.clone();
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            match send(&client, &Ask::new(NOVA_PRO, 20)).await {
                Ok(output) => Ok(drain(output).await),
                Err(error) => Err(error),
            }
        }));
    }
    let (mut ok, mut throttled, mut ids) = (0, 0, Vec::new());
    for task in tasks {
        match task.await.expect("task runs") {
            Ok(streamed) => {
                assert!(streamed.error.is_none(), "{:?}", streamed.error);
                ids.push(streamed.request_id.expect("id"));
                ok += 1;
            }
            Err(error) => {
                assert!(
                    matches!(
                        service_error(&error),
                        ConverseStreamError::ThrottlingException(_)
                    ),
                    "{error:?}"
                );
                assert_eq!(status_of(&error), 429);
                ids.push(error.request_id().expect("id").to_string());
                throttled += 1;
            }
        }
    }
    (ok, throttled, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quota_throttles_exactly_the_streams_beyond_it() {
    // Streams of about 1.2 s: all 5 are in flight together.
    const LIMIT: usize = 3;
    const EXTRA: usize = 2;
    let mut set = uniform(fixed_model(
        fixed_profile(0.2, 20.0, 1, 20),
        fixed_profile(0.2, 20.0, 1, 20),
    ));
    set.apply_overrides(
        &format!(r#"{{"models": {{"amazon.nova-pro-v1:0": {{"max_in_flight": {LIMIT}}}}}}}"#),
        "quota",
    )
    .expect("applies");
    let emulator = start_emulator(set, 1.0);
    let (ok, throttled, ids) = concurrent_streams(&emulator, LIMIT + EXTRA).await;
    assert_eq!((ok, throttled), (LIMIT, EXTRA));

    let truths: Vec<_> = ids
        .iter()
        .map(|id| ground_truth_for(&emulator, id))
        .collect();
    let quota_hits = truths
        .iter()
        .filter(|t| t.faults == ["quota_exceeded"] && t.outcome == "ThrottlingException")
        .count();
    assert_eq!(quota_hits, EXTRA);
    assert_eq!(
        truths.iter().filter(|t| t.outcome == "complete").count(),
        LIMIT
    );
    for _ in 0..200 {
        if emulator.in_flight(NOVA_PRO) == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(emulator.in_flight(NOVA_PRO), 0, "slots come back");

    // Once the streams have ended there is room again.
    let streamed = converse(&client_for(&emulator), &Ask::new(NOVA_PRO, 2)).await;
    assert!(streamed.error.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_client_configuration_works() {
    // The Rust snippet of docs/emulator/clients.md, as written there.
    use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};

    let emulator = start_emulator(profiles("{}"), 1.0);
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(emulator.base_url())
        .region(Region::new("us-east-2"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "emulator",
        ))
        .retry_config(aws_sdk_bedrockruntime::config::retry::RetryConfig::disabled())
        .build();
    let client = aws_sdk_bedrockruntime::Client::from_conf(config);
    let streamed = converse(&client, &Ask::new(NOVA_PRO, 50)).await;
    assert!(streamed.error.is_none(), "{:?}", streamed.error);
    assert_eq!(streamed.stop_reason.as_deref(), Some("end_turn"));
}
