//! Bedrock API keys (`Authorization: Bearer <key>`): the real SDK with a
//! bearer token against an emulator that knows its key, Bedrock's 403
//! answers to a wrong key and to a key without a key's prefix on every
//! route (in each route's error shape), SigV4 still accepted, and the
//! ground truth naming the scheme, never the key.

use std::sync::Arc;
use std::time::Duration;

use crate::common;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::config::{BehaviorVersion, Region, Token};
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_smithy_types::retry::RetryConfig;
use bedrock_emulator::{ApiKeys, Emulator, EmulatorConfig};
use common::features::*;
use common::raw_http::{RawRequest, send, valid_body};
use common::sse::api_request;
use common::*;
use serde_json::json;

/// The emulator's one valid key.
const GOOD_KEY: &str = "bedrock-api-key-ZW11bGF0b3ItdGVzdA==";
/// A key of the right form that is not the emulator's.
const WRONG_KEY: &str = "bedrock-api-key-d3Jvbmc=";

fn keyed_emulator() -> Arc<Emulator> {
    Arc::new(
        Emulator::start(EmulatorConfig {
            time_scale: 1.0,
            seed: Some(7),
            profiles: fast_profiles("{}"),
            shutdown_grace: Duration::from_millis(500),
            api_keys: ApiKeys::new([GOOD_KEY]),
            ..EmulatorConfig::default()
        })
        .expect("emulator binds 127.0.0.1:0"),
    )
}

/// An SDK client with a bearer token and no AWS credentials.
fn bearer_client(url: &str, key: &str) -> Client {
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(http_client())
        .endpoint_url(url)
        .region(Region::new("us-east-2"))
        .bearer_token(Token::new(key, None))
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_streams_with_the_right_key_and_is_refused_with_a_wrong_one() {
    let emulator = keyed_emulator();
    let output = bearer_client(&emulator.base_url(), GOOD_KEY)
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user("Hello"))
        .inference_config(max_tokens(20))
        .send()
        .await
        .expect("the right key is accepted");
    let collected = collect(output).await;
    assert!(collected.error.is_none(), "{collected:?}");
    let truth = ground_truth_for(&emulator, collected.request_id.as_deref().expect("id"));
    assert_eq!(truth.auth.as_deref(), Some("bearer"));
    assert_eq!(truth.outcome, "complete");
    let line = serde_json::to_string(&truth).expect("json");
    assert!(
        !line.contains(GOOD_KEY),
        "the key is never recorded: {line}"
    );

    let error = bearer_client(&emulator.base_url(), WRONG_KEY)
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user("Hello"))
        .send()
        .await
        .expect_err("a wrong key is refused");
    let service = error.as_service_error().expect("a service error");
    assert!(service.is_access_denied_exception(), "{error:?}");
    assert_eq!(
        error_message(&error),
        "AccessDeniedException: Authentication failed: Please make sure your API Key is valid."
    );
    let id = service.request_id().expect("a request id").to_string();
    let truth = ground_truth_for(&emulator, &id);
    assert_eq!(
        (truth.http_status, truth.auth.as_deref()),
        (403, Some("bearer"))
    );
    let line = serde_json::to_string(&truth).expect("json");
    assert!(
        !line.contains(WRONG_KEY),
        "the key is never recorded: {line}"
    );

    // SigV4 is accepted as before (never verified).
    let output = client_for(&emulator)
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user("Hello"))
        .send()
        .await
        .expect("SigV4 is accepted");
    let collected = collect(output).await;
    let truth = ground_truth_for(&emulator, collected.request_id.as_deref().expect("id"));
    assert_eq!(truth.auth.as_deref(), Some("sigv4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bedrock_route_answers_a_bad_key_as_bedrock_does() {
    let emulator = keyed_emulator();
    let wrong = "Authentication failed: Please make sure your API Key is valid.";
    let format = "Invalid API Key format: Must start with pre-defined prefix";
    let count_body = json!({"input": {"converse": {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}}});
    let routes = [
        (
            "POST",
            format!("/model/{}/converse-stream", "us.amazon.nova-pro-v1%3A0"),
            valid_body(10),
        ),
        (
            "POST",
            format!("/model/{}/converse", "us.amazon.nova-pro-v1%3A0"),
            valid_body(10),
        ),
        (
            "POST",
            format!("/model/{}/invoke", "us.amazon.nova-pro-v1%3A0"),
            "{}".to_string(),
        ),
        (
            "POST",
            format!(
                "/model/{}/invoke-with-response-stream",
                "us.amazon.nova-pro-v1%3A0"
            ),
            "{}".to_string(),
        ),
        (
            "POST",
            format!("/model/{}/count-tokens", "us.amazon.nova-pro-v1%3A0"),
            count_body.to_string(),
        ),
        ("GET", "/foundation-models".to_string(), String::new()),
    ];
    for (method, path, body) in routes {
        for (key, message) in [
            (WRONG_KEY, wrong),
            ("sk-not-a-bedrock-key", format),
            ("ABSKb3RoZXI=", wrong),
        ] {
            let request = RawRequest {
                method: method.into(),
                path: path.clone(),
                headers: vec![
                    ("authorization".into(), format!("Bearer {key}")),
                    ("content-type".into(), "application/json".into()),
                ],
                body: body.clone().into_bytes(),
            };
            let response = send(emulator.addr(), &request).await.expect("a response");
            assert_eq!(response.status, 403, "{method} {path} {key}");
            assert!(
                response
                    .header("x-amzn-errortype")
                    .is_some_and(|t| t.starts_with("AccessDeniedException")),
                "{path}: {:?}",
                response.headers
            );
            assert_eq!(
                response.json(),
                json!({ "Message": message }),
                "{path} {key}"
            );
        }
        // The right key passes authentication (whatever the body says next).
        let request = RawRequest {
            method: method.into(),
            path: path.clone(),
            headers: vec![
                ("authorization".into(), format!("Bearer {GOOD_KEY}")),
                ("content-type".into(), "application/json".into()),
            ],
            body: body.clone().into_bytes(),
        };
        let response = send(emulator.addr(), &request).await.expect("a response");
        assert_ne!(response.status, 403, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_and_anthropic_routes_refuse_a_bad_key_in_their_own_shape() {
    let emulator = keyed_emulator();
    let chat = json!({"model": "deepseek.v3-v1:0", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 5});
    let auth = format!("Bearer {WRONG_KEY}");
    let response = send(
        emulator.addr(),
        &api_request(
            "/openai/v1/chat/completions",
            &[("authorization", &auth)],
            &chat,
        ),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 403);
    assert_eq!(
        response.json(),
        json!({"error": {
            "message": "Authentication failed: Please make sure your API Key is valid.",
            "type": "permission_denied_error", "param": null, "code": "access_denied",
        }})
    );
    let truth = ground_truth_for(&emulator, response.header("x-amzn-requestid").expect("id"));
    assert_eq!(
        (
            truth.operation.as_str(),
            truth.auth.as_deref(),
            truth.http_status
        ),
        ("chat-completions", Some("bearer"), 403)
    );

    let messages = json!({"model": SONNET_4, "max_tokens": 5, "messages": [{"role": "user", "content": "Hi"}]});
    let version = ("anthropic-version", "2023-06-01");
    for headers in [
        vec![version, ("authorization", auth.as_str())],
        vec![version, ("x-api-key", "not-a-key")],
    ] {
        let response = send(
            emulator.addr(),
            &api_request("/anthropic/v1/messages", &headers, &messages),
        )
        .await
        .expect("a response");
        assert_eq!(response.status, 403);
        let error = response.json();
        assert_eq!(error["type"], "error");
        assert_eq!(error["error"]["type"], "permission_error");
    }
    // The right key in either header.
    let good = format!("Bearer {GOOD_KEY}");
    for headers in [
        vec![version, ("authorization", good.as_str())],
        vec![version, ("x-api-key", GOOD_KEY)],
    ] {
        let response = send(
            emulator.addr(),
            &api_request("/anthropic/v1/messages", &headers, &messages),
        )
        .await
        .expect("a response");
        assert_eq!(
            response.status,
            200,
            "{:?}",
            String::from_utf8_lossy(&response.body)
        );
    }
    let response = send(
        emulator.addr(),
        &api_request("/v1/chat/completions", &[("authorization", &good)], &chat),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 200);
}
