//! The timed call through the real SDK against the emulator: instants,
//! ground truth, usage, served config, and every failure mode.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::call::{CallSpec, CallStatus, timed_converse_stream};
use bedrock_bench::client::Clients;
use bedrock_bench::config::{ConnectionMode, PerformanceConfig};
use bedrock_catalog::tokens::estimate_tokens;
use common::*;

const PROMPT: &str = "Explain the concept of machine learning in simple terms.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instants_are_ordered_and_match_the_ground_truth() {
    // 20 tokens, one per delta: first at 200 ms, then every 10 ms, end 10 ms
    // later; the response head goes out at 50 ms.
    let mut profile = fixed_profile(0.2, 100.0, 1, 1000);
    profile.response_headers_s = 0.05;
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = clients(&emulator);
    let client = clients.client("us-east-2");
    // Warm the connection so that connection setup is not part of the comparison.
    let _ = timed_converse_stream(&client, &CallSpec::new(NOVA_PRO, PROMPT, 1)).await;

    let record = timed_converse_stream(&client, &CallSpec::new(NOVA_PRO, PROMPT, 20)).await;
    assert_eq!(
        record.status,
        CallStatus::Success,
        "{:?}",
        record.error_message
    );

    let response = record.response_at.expect("response instant");
    let end = record.end_at.expect("end instant");
    assert!(record.t0 <= response);
    assert!(response <= record.deltas[0]);
    assert!(record.deltas.windows(2).all(|w| w[0] <= w[1]));
    assert!(*record.deltas.last().expect("deltas") <= end);
    assert_eq!(record.chunk_count(), 20);
    // send() returns with the response head, well before the first token.
    let to_response = record.time_to_response().expect("time to response");
    assert!(
        (0.05..0.075).contains(&to_response),
        "time to response {to_response}"
    );

    let truth = ground_truth_for(&emulator, record.request_id.as_deref().expect("request id"));
    // The server's clock starts when the request is whole (its body read).
    let server_ttft = truth.first_delta_written_s.expect("first delta") - truth.plan_start_s();
    let server_total = truth.last_frame_written_s.expect("last frame") - truth.plan_start_s();
    let ttft = record.ttft().expect("ttft");
    let total = record.total_latency().expect("total");
    // The client's clock starts before the server's and stops after it.
    assert!(
        ttft >= server_ttft,
        "client TTFT {ttft} < server {server_ttft}"
    );
    assert!(
        ttft - server_ttft < 0.025,
        "client TTFT {ttft} vs server {server_ttft}"
    );
    assert!(
        total >= server_total,
        "client total {total} < server {server_total}"
    );
    assert!(
        total - server_total < 0.025,
        "client total {total} vs server {server_total}"
    );
    // And the server kept to the profile.
    assert!(
        (0.2..0.23).contains(&server_ttft),
        "server TTFT {server_ttft}"
    );
    assert!(
        (0.4..0.43).contains(&server_total),
        "server total {server_total}"
    );
    // Decode speed: 19 tokens over 200 ms.
    let generation = record.generation_otps().expect("generation otps");
    assert!(
        (80.0..=100.0).contains(&generation),
        "generation OTPS {generation}"
    );

    let usage = record.usage.expect("usage");
    assert_eq!(usage.output_tokens, 20);
    assert_eq!(usage.input_tokens, estimate_tokens(PROMPT));
    assert_eq!(usage.input_tokens, truth.input_tokens);
    assert_eq!(truth.output_tokens, 20);
    assert_eq!(record.stop_reason.as_deref(), Some("max_tokens"));
    assert_eq!(
        record.served_performance, None,
        "no performanceConfig was sent"
    );
    assert!(
        record
            .server_latency_ms
            .is_some_and(|ms| (400..=420).contains(&ms))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_performance_config_is_reported() {
    let emulator = start_emulator(
        uniform(fixed_model(
            fixed_profile(0.05, 500.0, 2, 8),
            fixed_profile(0.02, 900.0, 2, 8),
        )),
        1.0,
    );
    let client = clients(&emulator).client("us-east-2");
    let mut spec = CallSpec::new(NOVA_PRO, PROMPT, 50);
    spec.performance = Some(PerformanceConfig::Optimized);
    let record = timed_converse_stream(&client, &spec).await;
    assert_eq!(
        record.status,
        CallStatus::Success,
        "{:?}",
        record.error_message
    );
    assert_eq!(record.served_performance.as_deref(), Some("optimized"));
    assert_eq!(record.stop_reason.as_deref(), Some("end_turn"));
    assert_eq!(record.output_tokens(), Some(8));
    assert_eq!(record.chunk_count(), 4);
    let truth = ground_truth_for(&emulator, record.request_id.as_deref().expect("id"));
    assert_eq!(truth.requested_performance.as_deref(), Some("optimized"));
    assert_eq!(truth.served_performance.as_deref(), Some("optimized"));

    spec.performance = Some(PerformanceConfig::Standard);
    let record = timed_converse_stream(&client, &spec).await;
    assert_eq!(record.served_performance.as_deref(), Some("standard"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fallback_to_standard_shows_in_the_record() {
    let mut optimized = fixed_profile(0.02, 900.0, 1, 5);
    optimized.faults.optimized_served_as_standard = 1.0;
    let emulator = start_emulator(
        uniform(fixed_model(fixed_profile(0.05, 500.0, 1, 5), optimized)),
        1.0,
    );
    let client = clients(&emulator).client("us-east-2");
    let mut spec = CallSpec::new(NOVA_PRO, PROMPT, 50);
    spec.performance = Some(PerformanceConfig::Optimized);
    let record = timed_converse_stream(&client, &spec).await;
    assert_eq!(record.status, CallStatus::Success);
    assert_eq!(record.served_performance.as_deref(), Some("standard"));
    let truth = ground_truth_for(&emulator, record.request_id.as_deref().expect("id"));
    assert_eq!(truth.faults, vec!["served_as_standard".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mid_stream_exception_keeps_partial_timings() {
    for (fault, status) in [
        ("model_stream_error", "ModelStreamErrorException"),
        ("throttle_mid_stream", "ThrottlingException"),
    ] {
        let mut standard = fixed_profile(0.05, 200.0, 1, 40);
        match fault {
            "model_stream_error" => standard.faults.model_stream_error = 1.0,
            _ => standard.faults.throttle_mid_stream = 1.0,
        }
        let emulator = start_emulator(uniform(fixed_model(standard.clone(), standard)), 1.0);
        let client = clients(&emulator).client("us-east-2");
        let record = timed_converse_stream(&client, &CallSpec::new(NOVA_PRO, PROMPT, 20)).await;
        assert_eq!(record.status.as_str(), status, "{:?}", record.error_message);
        assert!(!record.status.is_success());
        assert!(
            record
                .error_message
                .as_deref()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(
            record.ttft().is_some(),
            "at least one delta arrived before the exception"
        );
        assert!(record.response_at.is_some());
        assert!(record.total_latency().expect("end") >= record.ttft().expect("ttft"));
        assert!(record.usage.is_none(), "no metadata after an exception");
        let truth = ground_truth_for(&emulator, record.request_id.as_deref().expect("id"));
        assert_eq!(truth.deltas_written as usize, record.chunk_count());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_past_the_timeout_is_a_timeout_record() {
    let mut standard = fixed_profile(0.05, 200.0, 1, 40);
    standard.faults.stall_mid_stream = 1.0;
    standard.faults.stall_s = 30.0;
    let emulator = start_emulator(uniform(fixed_model(standard.clone(), standard)), 1.0);
    let client = clients(&emulator).client("us-east-2");
    let mut spec = CallSpec::new(NOVA_PRO, PROMPT, 20);
    spec.timeout = Duration::from_millis(800);
    let record = timed_converse_stream(&client, &spec).await;
    assert_eq!(record.status, CallStatus::Timeout);
    assert!(record.ttft().is_some(), "deltas before the stall are kept");
    assert!(record.chunk_count() < 20);
    let total = record.total_latency().expect("end");
    assert!(
        (0.8..1.5).contains(&total),
        "timeout ended the call at {total} s"
    );
    assert!(
        record
            .error_message
            .as_deref()
            .is_some_and(|m| m.contains("timeout"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_before_the_stream_are_named_by_type() {
    let mut throttled = fixed_profile(0.05, 200.0, 1, 10);
    throttled.faults.throttle_before_stream = 1.0;
    let mut unavailable = fixed_profile(0.05, 200.0, 1, 10);
    unavailable.faults.service_unavailable = 1.0;
    let cases = [
        (throttled, "ThrottlingException"),
        (unavailable, "ServiceUnavailableException"),
    ];
    for (profile, status) in cases {
        let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
        let client = clients(&emulator).client("us-east-2");
        let record = timed_converse_stream(&client, &CallSpec::new(NOVA_PRO, PROMPT, 10)).await;
        assert_eq!(record.status.as_str(), status, "{:?}", record.error_message);
        assert!(record.response_at.is_none() && record.deltas.is_empty());
        assert!(record.end_at.is_some() && record.request_id.is_some());
        assert_eq!(record.status.is_throttle(), status == "ThrottlingException");
    }

    let emulator = start_emulator(
        uniform(fixed_model(
            fixed_profile(0.05, 200.0, 1, 10),
            fixed_profile(0.05, 200.0, 1, 10),
        )),
        1.0,
    );
    let client = clients(&emulator).client("us-east-2");
    let unknown = timed_converse_stream(
        &client,
        &CallSpec::new("us.example.no-such-model-v1:0", PROMPT, 10),
    )
    .await;
    assert_eq!(unknown.status.as_str(), "ValidationException");
    assert!(
        unknown
            .error_message
            .as_deref()
            .is_some_and(|m| m.contains("model identifier"))
    );
    let mut not_offered = CallSpec::new(NOVA_MICRO, PROMPT, 10);
    not_offered.performance = Some(PerformanceConfig::Optimized);
    let record = timed_converse_stream(&client, &not_offered).await;
    assert_eq!(record.status.as_str(), "ValidationException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_connections_work_and_nothing_listens_gives_a_dispatch_failure() {
    let profile = fixed_profile(0.01, 1000.0, 1, 3);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let cold = Clients::for_emulator(Arc::clone(&emulator), ConnectionMode::Cold);
    for _ in 0..2 {
        let record = timed_converse_stream(
            &cold.client("us-east-2"),
            &CallSpec::new(NOVA_PRO, PROMPT, 3),
        )
        .await;
        assert_eq!(
            record.status,
            CallStatus::Success,
            "{:?}",
            record.error_message
        );
    }
    let url = emulator.base_url();
    drop(cold);
    drop(emulator);
    let gone = Clients::for_endpoint(&url, ConnectionMode::Warm);
    let record = timed_converse_stream(
        &gone.client("us-east-2"),
        &CallSpec::new(NOVA_PRO, PROMPT, 3),
    )
    .await;
    assert_eq!(
        record.status.as_str(),
        "DispatchFailure",
        "{:?}",
        record.error_message
    );
    assert!(record.status.is_retryable());
}
