//! Emulators with exactly known timings on 127.0.0.1 port 0, and SDK
//! clients pointed at them (the harness's tests include this file too).

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::config::{
    BehaviorVersion, Credentials, Region, SharedHttpClient, StalledStreamProtectionConfig,
};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_types::retry::RetryConfig;
use bedrock_emulator::{
    Emulator, EmulatorConfig, FaultRates, GroundTruthRecord, LatencyProfile, ModelProfile,
    ProfileSet,
};

/// Nova Pro's inference profile id (offers `optimized`).
pub const NOVA_PRO: &str = "us.amazon.nova-pro-v1:0";
/// Nova Micro (no `optimized`).
pub const NOVA_MICRO: &str = "us.amazon.nova-micro-v1:0";

/// A profile with no randomness: fixed TTFT, exact gaps, fixed length.
pub fn fixed_profile(
    ttft_s: f64,
    tokens_per_s: f64,
    tokens_per_chunk: u32,
    natural_tokens: u32,
) -> LatencyProfile {
    LatencyProfile {
        ttft_p50_s: ttft_s,
        ttft_p90_s: ttft_s,
        ttft_per_input_token_s: 0.0,
        tokens_per_s,
        decode_jitter: 0.0,
        tokens_per_chunk,
        natural_output_tokens_p50: natural_tokens,
        natural_output_tokens_p90: natural_tokens,
        response_headers_s: 0.0,
        faults: FaultRates::default(),
    }
}

/// A model with fixed standard and optimized profiles.
pub fn fixed_model(standard: LatencyProfile, optimized: LatencyProfile) -> ModelProfile {
    ModelProfile {
        input_token_overhead: 0,
        max_in_flight: None,
        quota: Default::default(),
        optimized_quota: None,
        standard,
        optimized: Some(optimized),
        tiers: Default::default(),
        reasoning: Default::default(),
        sources: Default::default(),
    }
}

/// Every model answers with `model` (optimized only where Bedrock offers it).
pub fn uniform(model: ModelProfile) -> ProfileSet {
    ProfileSet::uniform(model)
}

/// Start an emulator on 127.0.0.1:0 with these profiles and time scale.
pub fn start_emulator(profiles: ProfileSet, time_scale: f64) -> Arc<Emulator> {
    let config = EmulatorConfig {
        time_scale,
        seed: Some(42),
        profiles,
        shutdown_grace: Duration::from_millis(500),
        ..EmulatorConfig::default()
    };
    Arc::new(Emulator::start(config).expect("emulator binds 127.0.0.1:0"))
}

/// The HTTP client of the SDK clients here: the workspace builds the SDK
/// without its default client (whose TLS is aws-lc, a C build), so each
/// client is handed one, rustls on ring as the harness's (a user's SDK with
/// its default features brings its own).
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// An SDK client for the server at `endpoint`, as a user would make one:
/// static test credentials, any region, SDK retries and stalled-stream
/// protection off (so that every answer is seen as it is).
pub fn sdk_client(endpoint: &str) -> Client {
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(http_client())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-2"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "emulator-test-secret",
            None,
            None,
            "emulator-tests",
        ))
        .retry_config(RetryConfig::disabled())
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// An SDK client for an in-process emulator.
pub fn client_for(emulator: &Emulator) -> Client {
    sdk_client(&emulator.base_url())
}

/// Poll the emulator for a request's ground truth (it is pushed as the
/// last frame is handed over, so it may trail the client by a moment).
pub fn ground_truth_for(emulator: &Emulator, request_id: &str) -> GroundTruthRecord {
    for _ in 0..200 {
        if let Some(record) = emulator.ground_truth_for(request_id) {
            return record;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("no ground truth for request {request_id} within 2 s");
}
