//! Service tiers through the SDK: the tier served in the metadata, each
//! tier's latency, the priority fallback fault, flex throttled first, and
//! tier settings in profile files.

use crate::common;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{ServiceTier, ServiceTierType};
use bedrock_emulator::ProfileSet;
use common::features::*;
use common::*;

fn tier(kind: ServiceTierType) -> ServiceTier {
    ServiceTier::builder().r#type(kind).build().expect("tier")
}

async fn ask(client: &Client, kind: Option<ServiceTierType>) -> Collected {
    let output = client
        .converse_stream()
        .model_id(SONNET_4_5)
        .messages(user("Hello there."))
        .set_service_tier(kind.map(tier))
        .send()
        .await
        .expect("stream");
    collect(output).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tier_is_served_and_timed_by_its_factors() {
    // A fixed 200 ms TTFT: priority x0.75, flex x1.6 (exact: no spread).
    let emulator = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"ttft_p50_s": 0.2, "ttft_p90_s": 0.2}}}"#),
        1.0,
    );
    let client = client_for(&emulator);
    for (kind, ttft) in [
        (Some(ServiceTierType::Priority), 0.15),
        (Some(ServiceTierType::Default), 0.2),
        (Some(ServiceTierType::Flex), 0.32),
        (Some(ServiceTierType::Reserved), 0.2),
        (None, 0.2),
    ] {
        let c = ask(&client, kind.clone()).await;
        assert!(c.error.is_none(), "{:?}", c.error);
        assert_eq!(
            c.tier.as_deref(),
            kind.as_ref().map(ServiceTierType::as_str),
            "metadata.serviceTier only when asked"
        );
        let truth = ground_truth_for(&emulator, c.request_id.as_deref().expect("id"));
        let planned = truth.planned_ttft_s.expect("planned");
        assert!((planned - ttft).abs() < 1e-6, "{kind:?}: {planned}");
        assert_eq!(
            truth.requested_tier.as_deref(),
            kind.as_ref().map(ServiceTierType::as_str)
        );
        assert_eq!(
            truth.served_tier.as_deref(),
            Some(kind.as_ref().map_or("default", ServiceTierType::as_str))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn priority_can_be_served_as_default() {
    let emulator = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"faults": {"priority_served_as_default": 1.0}}}}"#),
        1.0,
    );
    let client = client_for(&emulator);
    let c = ask(&client, Some(ServiceTierType::Priority)).await;
    assert_eq!(c.tier.as_deref(), Some("default"));
    let truth = ground_truth_for(&emulator, c.request_id.as_deref().expect("id"));
    assert_eq!(truth.faults, ["served_as_default"]);
    assert_eq!(truth.served_tier.as_deref(), Some("default"));
    assert_eq!(truth.requested_tier.as_deref(), Some("priority"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flex_is_throttled_first_as_the_quota_fills() {
    // Four streams at most; flex may fill three. Streams last 3 s.
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"anthropic.claude-sonnet-4-5-20250929-v1:0": {"max_in_flight": 4,
                "standard": {"ttft_p50_s": 3.0, "ttft_p90_s": 3.0, "response_headers_s": 0.0}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    let send = |kind: ServiceTierType| {
        client
            .converse_stream()
            .model_id(SONNET_4_5)
            .messages(user("Hello there."))
            .service_tier(tier(kind))
            .send()
    };
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(send(ServiceTierType::Default).await.expect("admitted"));
    }
    let flex = send(ServiceTierType::Flex)
        .await
        .expect_err("flex throttled");
    assert!(
        error_message(&flex).starts_with("ThrottlingException"),
        "{flex:?}"
    );
    held.push(
        send(ServiceTierType::Priority)
            .await
            .expect("priority admitted"),
    );
    let full = send(ServiceTierType::Default)
        .await
        .expect_err("quota full");
    assert!(error_message(&full).starts_with("ThrottlingException"));
    drop(held);
}

#[test]
fn profile_files_set_tiers_and_refuse_unknown_fields() {
    let mut set = ProfileSet::builtin();
    set.apply_overrides(
        r#"{"models": {"us.amazon.nova-pro-v1:0": {"tiers": {"flex": {"ttft_factor": 3.0}, "flex_share": 0.5}}}}"#,
        "tiers.json",
    )
    .expect("applies");
    let nova = set.lookup("amazon.nova-pro-v1:0").expect("nova");
    assert_eq!(nova.tiers.flex.ttft_factor, 3.0);
    assert_eq!(nova.tiers.flex.tokens_per_s_factor, 0.75, "the rest kept");
    assert_eq!(nova.tiers.flex_share, 0.5);
    let error = set
        .apply_overrides(
            r#"{"models": {"us.amazon.nova-pro-v1:0": {"tiers": {"flex": {"ttft": 3.0}}}}}"#,
            "typo.json",
        )
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("typo.json") && error.contains("ttft"),
        "{error}"
    );
    let error = set
        .apply_overrides(r#"{"all": {"tiers": {"flex_share": 0}}}"#, "zero.json")
        .unwrap_err()
        .to_string();
    assert!(error.contains("flex_share"), "{error}");
}
