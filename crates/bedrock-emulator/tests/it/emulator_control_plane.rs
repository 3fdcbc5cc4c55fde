//! The control plane (`aws-sdk-bedrock`) against the emulator:
//! ListFoundationModels lists the catalog, GetFoundationModel finds a model
//! or answers ResourceNotFoundException, ListInferenceProfiles pages
//! through the region's profiles, and the runtime serves every profile
//! listed.

use std::collections::BTreeSet;

use aws_sdk_bedrock::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_bedrock::error::ProvideErrorMetadata;
use aws_sdk_bedrock::types::{InferenceType, ModelModality};
use bedrock_catalog::MODELS;
use bedrock_emulator::{Emulator, EmulatorConfig};

fn start() -> Emulator {
    Emulator::start(EmulatorConfig {
        seed: Some(7),
        time_scale: 0.0,
        ..EmulatorConfig::default()
    })
    .expect("emulator binds 127.0.0.1:0")
}

fn control_client(emulator: &Emulator, region: &str) -> aws_sdk_bedrock::Client {
    let config = aws_sdk_bedrock::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(crate::common::http_client())
        .endpoint_url(emulator.base_url())
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .build();
    aws_sdk_bedrock::Client::from_conf(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_foundation_models_lists_the_catalog() {
    let emulator = start();
    let client = control_client(&emulator, "us-east-2");
    let output = client
        .list_foundation_models()
        .send()
        .await
        .expect("ListFoundationModels");
    let listed: BTreeSet<&str> = output
        .model_summaries()
        .iter()
        .map(|m| m.model_id())
        .collect();
    let catalog: BTreeSet<&str> = MODELS.iter().map(|m| m.id).collect();
    assert_eq!(listed, catalog);
    let nova = output
        .model_summaries()
        .iter()
        .find(|m| m.model_id() == "amazon.nova-pro-v1:0")
        .expect("Nova Pro");
    assert_eq!(nova.provider_name(), Some("Amazon"));
    assert_eq!(nova.model_name(), Some("Nova Pro"));
    assert_eq!(
        nova.model_arn(),
        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0"
    );
    assert_eq!(nova.response_streaming_supported(), Some(true));
    assert_eq!(nova.inference_types_supported(), [InferenceType::OnDemand]);
    assert_eq!(nova.output_modalities(), [ModelModality::Text]);
    let sonnet = output
        .model_summaries()
        .iter()
        .find(|m| m.model_id() == "anthropic.claude-sonnet-4-5-20250929-v1:0")
        .expect("Sonnet 4.5");
    assert_eq!(
        sonnet
            .inference_types_supported()
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
        ["INFERENCE_PROFILE"]
    );

    let anthropic = client
        .list_foundation_models()
        .by_provider("anthropic")
        .send()
        .await
        .expect("ListFoundationModels byProvider");
    assert!(!anthropic.model_summaries().is_empty());
    assert!(
        anthropic
            .model_summaries()
            .iter()
            .all(|m| m.provider_name() == Some("Anthropic"))
    );
    let on_demand = client
        .list_foundation_models()
        .by_inference_type(InferenceType::OnDemand)
        .send()
        .await
        .expect("ListFoundationModels byInferenceType");
    assert!(on_demand.model_summaries().len() < MODELS.len());
    assert!(
        on_demand
            .model_summaries()
            .iter()
            .all(|m| m.inference_types_supported() == [InferenceType::OnDemand])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_foundation_model_finds_a_model_or_answers_not_found() {
    let emulator = start();
    let client = control_client(&emulator, "us-west-2");
    let found = client
        .get_foundation_model()
        .model_identifier("anthropic.claude-3-5-haiku-20241022-v1:0")
        .send()
        .await
        .expect("GetFoundationModel");
    let details = found.model_details().expect("modelDetails");
    assert_eq!(
        details.model_id(),
        "anthropic.claude-3-5-haiku-20241022-v1:0"
    );
    assert_eq!(details.provider_name(), Some("Anthropic"));
    assert_eq!(
        details.model_arn(),
        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"
    );
    let by_arn = client
        .get_foundation_model()
        .model_identifier(details.model_arn())
        .send()
        .await
        .expect("GetFoundationModel by ARN");
    assert_eq!(
        by_arn.model_details().map(|d| d.model_id()),
        Some(details.model_id())
    );

    for unknown in ["example.no-such-model-v1:0", "us.amazon.nova-pro-v1:0"] {
        let error = client
            .get_foundation_model()
            .model_identifier(unknown)
            .send()
            .await
            .expect_err("unknown model");
        let service = error.as_service_error().expect("a service error");
        assert!(service.is_resource_not_found_exception(), "{service:?}");
        assert_eq!(service.code(), Some("ResourceNotFoundException"));
        assert!(service.message().is_some_and(|m| m.contains(unknown)));
        assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(404));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_inference_profiles_pages_through_the_regions_profiles() {
    let emulator = start();
    let client = control_client(&emulator, "us-east-2");
    let all = client
        .list_inference_profiles()
        .send()
        .await
        .expect("ListInferenceProfiles");
    assert!(all.next_token().is_none());
    let ids: Vec<&str> = all
        .inference_profile_summaries()
        .iter()
        .map(|p| p.inference_profile_id())
        .collect();
    assert!(ids.contains(&"us.amazon.nova-pro-v1:0"));
    assert!(ids.contains(&"global.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    assert!(
        ids.iter()
            .all(|id| id.starts_with("us.") || id.starts_with("global."))
    );
    let nova = all
        .inference_profile_summaries()
        .iter()
        .find(|p| p.inference_profile_id() == "us.amazon.nova-pro-v1:0")
        .expect("the us. Nova Pro profile");
    assert_eq!(nova.inference_profile_name(), "US Nova Pro");
    assert_eq!(
        nova.inference_profile_arn(),
        "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
    );
    assert!(nova.created_at().is_some() && nova.updated_at().is_some());
    assert_eq!(nova.status().as_str(), "ACTIVE");
    assert_eq!(nova.r#type().as_str(), "SYSTEM_DEFINED");
    assert_eq!(
        nova.models()[0].model_arn(),
        Some("arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0")
    );

    // Pages of 5: every profile once, in the same order.
    let mut paged = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = client
            .list_inference_profiles()
            .max_results(5)
            .set_next_token(token)
            .send()
            .await
            .expect("a page");
        assert!(page.inference_profile_summaries().len() <= 5);
        paged.extend(
            page.inference_profile_summaries()
                .iter()
                .map(|p| p.inference_profile_id().to_string()),
        );
        pages += 1;
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, ids);
    assert_eq!(pages, ids.len().div_ceil(5));
    // The SDK's paginator follows the tokens too.
    let items: Vec<_> = client
        .list_inference_profiles()
        .max_results(3)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginated");
    assert_eq!(items.len(), ids.len());

    let error = client
        .list_inference_profiles()
        .next_token("not-a-token")
        .send()
        .await
        .expect_err("a bad token");
    assert_eq!(
        error.as_service_error().and_then(|e| e.code()),
        Some("ValidationException")
    );
    let eu = control_client(&emulator, "eu-west-1")
        .list_inference_profiles()
        .send()
        .await
        .expect("eu-west-1");
    assert!(
        eu.inference_profile_summaries()
            .iter()
            .all(|p| p.inference_profile_id().starts_with("eu.")
                || p.inference_profile_id().starts_with("global."))
    );
    assert!(!eu.inference_profile_summaries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_authorization_is_refused() {
    let emulator = start();
    let url = format!("{}/foundation-models", emulator.base_url());
    let (status, body) = tokio::task::spawn_blocking(move || raw_get(&url))
        .await
        .expect("joined");
    assert_eq!(status, 403, "{body}");
}

/// A bare HTTP/1.1 GET with no Authorization header.
fn raw_get(url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = std::net::TcpStream::connect(host).expect("connects");
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("writes");
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("reads");
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}
