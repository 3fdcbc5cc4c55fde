//! Guardrails through the real SDK: a synchronous guardrail holds the
//! output back and releases it in checked units (its first delta later by
//! a unit's generation plus its check), an asynchronous one does not; the
//! trace decodes with the modelled latencies; InvokeModelWithResponseStream
//! takes the guardrail headers and ends with the guardrail's action and
//! trace; bad guardrail settings are refused naming the field; a blocked
//! word intervenes.

use crate::common;

use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::{
    ConverseOutput as Output, ConverseStreamOutput as Event, GuardrailConfiguration,
    GuardrailStreamConfiguration, GuardrailStreamProcessingMode, GuardrailTrace,
    GuardrailTraceAssessment, ResponseStream, StopReason, Trace,
};
use aws_smithy_types::Blob;
use bedrock_emulator::{BLOCKED_MESSAGE, Emulator, EmulatorConfig, GuardrailTiming};
use common::features::*;
use common::*;
use serde_json::{Value, json};

/// First token at 0.2 s, then one token every 10 ms, one per delta, 40
/// tokens.
const TTFT_S: f64 = 0.2;
const TOKENS: usize = 40;
/// Sync units of 8 tokens, each checked in 150 ms; no input check unless
/// a test sets one.
const UNIT: usize = 8;
const UNIT_CHECK_MS: u64 = 150;
/// The first unit's last token exists 7 token-times after the first, and
/// goes out a check later.
const SYNC_DELAY_S: f64 = 7.0 * 0.01 + UNIT_CHECK_MS as f64 / 1000.0;

fn start(input_check_ms: u64, blocked: &[&str]) -> Emulator {
    let profile = fixed_profile(TTFT_S, 100.0, 1, TOKENS as u32);
    Emulator::start(EmulatorConfig {
        time_scale: 1.0,
        seed: Some(7),
        profiles: uniform(fixed_model(profile.clone(), profile)),
        shutdown_grace: Duration::from_millis(200),
        guardrail: GuardrailTiming {
            input_check: Duration::from_millis(input_check_ms),
            unit_tokens: UNIT as u32,
            unit_check: Duration::from_millis(UNIT_CHECK_MS),
        },
        guardrail_blocked_words: blocked.iter().map(|w| w.to_string()).collect(),
        ..EmulatorConfig::default()
    })
    .expect("emulator binds 127.0.0.1:0")
}

fn stream_config(mode: &str, trace: &str) -> GuardrailStreamConfiguration {
    GuardrailStreamConfiguration::builder()
        .guardrail_identifier("gr1")
        .guardrail_version("1")
        .stream_processing_mode(GuardrailStreamProcessingMode::from(mode))
        .trace(GuardrailTrace::from(trace))
        .build()
}

/// What a ConverseStream answer looked like at the client.
#[derive(Debug, Default)]
struct Seen {
    request_id: String,
    /// Seconds from the send to each delta.
    deltas: Vec<f64>,
    text: String,
    stop: Option<StopReason>,
    guardrail: Option<GuardrailTraceAssessment>,
}

async fn converse_stream(
    client: &Client,
    prompt: &str,
    guardrail: Option<GuardrailStreamConfiguration>,
) -> Seen {
    let t0 = Instant::now();
    let output = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user(prompt))
        .inference_config(max_tokens(TOKENS as i32))
        .set_guardrail_config(guardrail)
        .send()
        .await
        .unwrap_or_else(|e| panic!("converse-stream: {}", error_message(&e)));
    let mut seen = Seen {
        request_id: output.request_id().unwrap_or_default().to_string(),
        ..Seen::default()
    };
    let mut stream = output.stream;
    for _ in 0..1000 {
        match stream.recv().await.expect("a well-formed stream") {
            Some(Event::ContentBlockDelta(delta)) => {
                seen.deltas.push(t0.elapsed().as_secs_f64());
                if let Some(text) = delta.delta().and_then(|d| d.as_text().ok()) {
                    seen.text.push_str(text);
                }
            }
            Some(Event::MessageStop(stop)) => seen.stop = Some(stop.stop_reason().clone()),
            Some(Event::Metadata(metadata)) => {
                seen.guardrail = metadata.trace().and_then(|t| t.guardrail()).cloned();
            }
            Some(_) => {}
            None => break,
        }
    }
    seen
}

/// Warm the connection (its setup must not count in a TTFT).
async fn warm(client: &Client) {
    converse_stream(client, "Hello.", None).await;
}

/// The sizes of the bursts in which `deltas` arrived (a gap over 30 ms
/// starts a new burst).
fn bursts(deltas: &[f64]) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut previous: Option<f64> = None;
    for at in deltas {
        match (previous, sizes.last_mut()) {
            (Some(p), Some(size)) if at - p <= 0.03 => *size += 1,
            _ => sizes.push(1),
        }
        previous = Some(*at);
    }
    sizes
}

fn latency(assessment: &aws_sdk_bedrockruntime::types::GuardrailAssessment) -> i64 {
    assessment
        .invocation_metrics()
        .and_then(|m| m.guardrail_processing_latency())
        .expect("a processing latency")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_guardrail_delays_the_first_delta_and_releases_units() {
    let emulator = start(0, &[]);
    let client = client_for(&emulator);
    warm(&client).await;
    let plain = converse_stream(&client, "Explain machine learning.", None).await;
    let sync = converse_stream(
        &client,
        "Explain machine learning.",
        Some(stream_config("sync", "disabled")),
    )
    .await;
    assert_eq!(sync.text, plain.text, "the same answer, released later");
    let added = sync.deltas[0] - plain.deltas[0];
    assert!(
        (0.8 * SYNC_DELAY_S..SYNC_DELAY_S + 0.1).contains(&added),
        "sync added {added} s to the first delta, planned {SYNC_DELAY_S} s"
    );
    assert_eq!(
        bursts(&sync.deltas),
        vec![UNIT; TOKENS / UNIT],
        "{:?}",
        sync.deltas
    );
    assert_eq!(bursts(&plain.deltas).len(), 1, "unguarded deltas flow");
    let truth = ground_truth_for(&emulator, &sync.request_id);
    assert_eq!(
        (truth.guardrail.as_str(), truth.guardrail_mode.as_str()),
        ("gr1:1", "sync")
    );
    assert!(
        (truth.guardrail_delay_ms - SYNC_DELAY_S * 1000.0).abs() < 1e-6,
        "{}",
        truth.guardrail_delay_ms
    );
    let planned = truth.planned_ttft_s.expect("planned");
    assert!(
        (planned - (TTFT_S + SYNC_DELAY_S)).abs() < 1e-6,
        "{planned}"
    );
    let first = truth.first_delta_written_s.expect("written") - truth.plan_start_s();
    assert!(
        (planned..planned + 0.05).contains(&first),
        "written at {first} s"
    );
    let plain_truth = ground_truth_for(&emulator, &plain.request_id);
    assert_eq!(
        (
            plain_truth.guardrail.as_str(),
            plain_truth.guardrail_delay_ms
        ),
        ("", 0.0)
    );
    assert!(sync.guardrail.is_none(), "no trace unless asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_guardrail_does_not_delay_the_deltas() {
    let emulator = start(0, &[]);
    let client = client_for(&emulator);
    warm(&client).await;
    let plain = converse_stream(&client, "Explain machine learning.", None).await;
    let guarded = converse_stream(
        &client,
        "Explain machine learning.",
        Some(stream_config("async", "enabled")),
    )
    .await;
    let added = guarded.deltas[0] - plain.deltas[0];
    assert!(added.abs() < 0.05, "async added {added} s");
    assert_eq!(bursts(&guarded.deltas).len(), 1, "{:?}", guarded.deltas);
    let truth = ground_truth_for(&emulator, &guarded.request_id);
    assert_eq!(
        (truth.guardrail_mode.as_str(), truth.guardrail_delay_ms),
        ("async", 0.0)
    );
    let ttft = truth.planned_ttft_s.expect("planned");
    assert!((ttft - TTFT_S).abs() < 1e-6, "{ttft}");
    // The checks still ran (in the background): the trace says so.
    let trace = guarded.guardrail.expect("a trace");
    let outputs = &trace.output_assessments().expect("outputs")["gr1"];
    assert_eq!(outputs.len(), TOKENS / UNIT);
    assert_eq!(trace.action_reason(), Some("No action."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trace_decodes_with_the_modelled_latencies() {
    let emulator = start(40, &[]);
    let client = client_for(&emulator);
    warm(&client).await;
    let prompt = "Explain machine learning.";
    let seen = converse_stream(&client, prompt, Some(stream_config("sync", "enabled_full"))).await;
    let trace = seen.guardrail.expect("metadata.trace.guardrail");
    let input = &trace.input_assessment().expect("input")["gr1"];
    assert_eq!(latency(input), 40);
    let metrics = input.invocation_metrics().expect("metrics");
    let coverage = metrics
        .guardrail_coverage()
        .and_then(|c| c.text_characters())
        .expect("coverage");
    assert_eq!(coverage.guarded(), Some(prompt.len() as i32));
    assert_eq!(metrics.usage().map(|u| u.content_policy_units()), Some(1));
    let outputs = &trace.output_assessments().expect("outputs")["gr1"];
    let total: i64 = outputs.iter().map(latency).sum();
    assert_eq!(total, (TOKENS / UNIT) as i64 * UNIT_CHECK_MS as i64);
    let truth = ground_truth_for(&emulator, &seen.request_id);
    assert!((truth.guardrail_delay_ms - (40.0 + SYNC_DELAY_S * 1000.0)).abs() < 1e-6);

    // Converse: the whole answer waits for the input check and every
    // unit's check; its trace is the response's.
    let t0 = Instant::now();
    let output = client
        .converse()
        .model_id(NOVA_PRO)
        .messages(user(prompt))
        .inference_config(max_tokens(TOKENS as i32))
        .guardrail_config(
            GuardrailConfiguration::builder()
                .guardrail_identifier("gr1")
                .guardrail_version("DRAFT")
                .trace(GuardrailTrace::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("converse: {}", error_message(&e)));
    let took = t0.elapsed().as_secs_f64();
    let planned = TTFT_S + TOKENS as f64 * 0.01 + 0.04 + 5.0 * UNIT_CHECK_MS as f64 / 1000.0;
    assert!(
        (planned * 0.95..planned + 0.15).contains(&took),
        "{took} s, planned {planned} s"
    );
    let trace = output.trace().and_then(|t| t.guardrail()).expect("a trace");
    assert_eq!(
        latency(&trace.input_assessment().expect("input")["gr1"]),
        40
    );
    let truth = ground_truth_for(&emulator, output.request_id().expect("id"));
    assert!((truth.planned_total_s.expect("total") - planned).abs() < 1e-6);
    assert_eq!(truth.guardrail, "gr1:DRAFT");
    assert!(matches!(output.output(), Some(Output::Message(_))));
}

/// Everything read from a native stream: the send-relative time of the
/// first chunk with text, and the decoded events.
async fn invoke_stream(
    client: &Client,
    body: Value,
    guardrail: bool,
    trace: Option<Trace>,
) -> (String, Option<f64>, Vec<Value>) {
    let t0 = Instant::now();
    let mut send = client
        .invoke_model_with_response_stream()
        .model_id(NOVA_PRO)
        .content_type("application/json")
        .body(Blob::new(body.to_string()))
        .set_trace(trace);
    if guardrail {
        send = send.guardrail_identifier("gr1").guardrail_version("1");
    }
    let output = send
        .send()
        .await
        .unwrap_or_else(|e| panic!("invoke stream: {}", error_message(&e)));
    let request_id = output.request_id().unwrap_or_default().to_string();
    let mut first_text = None;
    let mut events = Vec::new();
    let mut receiver = output.body;
    for _ in 0..1000 {
        match receiver.recv().await.expect("a well-formed stream") {
            Some(ResponseStream::Chunk(part)) => {
                let bytes = part.bytes().expect("bytes").as_ref();
                let event: Value = serde_json::from_slice(bytes).expect("json");
                if event.pointer("/contentBlockDelta/delta/text").is_some() {
                    first_text.get_or_insert(t0.elapsed().as_secs_f64());
                }
                events.push(event);
            }
            Some(_) => {}
            None => break,
        }
    }
    (request_id, first_text, events)
}

fn nova_body(prompt: &str, mode: Option<&str>) -> Value {
    let mut body = json!({
        "schemaVersion": "messages-v1",
        "messages": [{"role": "user", "content": [{"text": prompt}]}],
        "inferenceConfig": {"maxTokens": TOKENS},
    });
    if let Some(mode) = mode {
        body["amazon-bedrock-guardrailConfig"] = json!({ "streamProcessingMode": mode });
    }
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_streams_take_the_guardrail_headers() {
    let emulator = start(0, &[]);
    let client = client_for(&emulator);
    warm(&client).await;
    let prompt = "Explain machine learning.";
    let (_, plain, events) = invoke_stream(&client, nova_body(prompt, None), false, None).await;
    let last = events.last().expect("a last chunk");
    assert!(last.get("amazon-bedrock-guardrailAction").is_none());
    let (id, sync, events) =
        invoke_stream(&client, nova_body(prompt, None), true, Some(Trace::Enabled)).await;
    let added = sync.expect("text") - plain.expect("text");
    assert!(
        (0.8 * SYNC_DELAY_S..SYNC_DELAY_S + 0.1).contains(&added),
        "sync added {added} s"
    );
    let last = events.last().expect("a last chunk");
    assert_eq!(last["amazon-bedrock-guardrailAction"], "NONE");
    let guardrail = &last["amazon-bedrock-trace"]["guardrail"];
    assert_eq!(
        guardrail["input"]["gr1"]["invocationMetrics"]["guardrailProcessingLatency"],
        0
    );
    let outputs = guardrail["outputs"].as_array().expect("outputs");
    assert_eq!(outputs.len(), TOKENS / UNIT);
    assert_eq!(
        outputs[0]["gr1"]["invocationMetrics"]["guardrailProcessingLatency"],
        UNIT_CHECK_MS
    );
    let truth = ground_truth_for(&emulator, &id);
    assert_eq!(
        (truth.guardrail.as_str(), truth.guardrail_mode.as_str()),
        ("gr1:1", "sync")
    );
    assert!((truth.guardrail_delay_ms - SYNC_DELAY_S * 1000.0).abs() < 1e-6);

    // ASYNCHRONOUS in the body: no delay, the action without a trace.
    let (id, guarded, events) =
        invoke_stream(&client, nova_body(prompt, Some("ASYNCHRONOUS")), true, None).await;
    let added = guarded.expect("text") - plain.expect("text");
    assert!(added.abs() < 0.05, "async added {added} s");
    let last = events.last().expect("a last chunk");
    assert_eq!(last["amazon-bedrock-guardrailAction"], "NONE");
    assert!(last.get("amazon-bedrock-trace").is_none());
    let truth = ground_truth_for(&emulator, &id);
    assert_eq!(
        (truth.guardrail_mode.as_str(), truth.guardrail_delay_ms),
        ("async", 0.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_guardrail_settings_are_refused_naming_the_field() {
    let emulator = start(0, &[]);
    let client = client_for(&emulator);
    let config = |id: &str, version: &str, mode: &str, trace: &str| {
        GuardrailStreamConfiguration::builder()
            .guardrail_identifier(id)
            .guardrail_version(version)
            .stream_processing_mode(GuardrailStreamProcessingMode::from(mode))
            .trace(GuardrailTrace::from(trace))
            .build()
    };
    let cases = [
        (
            config("gr1", "", "sync", "enabled"),
            "guardrailConfig.guardrailVersion",
        ),
        (
            config("", "1", "sync", "enabled"),
            "guardrailConfig.guardrailIdentifier",
        ),
        (
            config("GR-1", "1", "sync", "enabled"),
            "'GR-1' at 'guardrailConfig.guardrailIdentifier'",
        ),
        (
            config("gr1", "0", "sync", "enabled"),
            "'0' at 'guardrailConfig.guardrailVersion'",
        ),
        (
            config("gr1", "1", "SYNC", "enabled"),
            "'SYNC' at 'guardrailConfig.streamProcessingMode'",
        ),
        (
            config("gr1", "1", "sync", "on"),
            "'on' at 'guardrailConfig.trace'",
        ),
    ];
    for (guardrail, needle) in cases {
        let error = client
            .converse_stream()
            .model_id(NOVA_PRO)
            .messages(user("Hi."))
            .guardrail_config(guardrail)
            .send()
            .await
            .expect_err("refused");
        let message = error_message(&error);
        assert!(
            message.contains("ValidationException") || message.contains("validation"),
            "{message}"
        );
        assert!(message.contains(needle), "{needle}: {message}");
    }
    let refused = |send: aws_sdk_bedrockruntime::operation::invoke_model_with_response_stream::builders::InvokeModelWithResponseStreamFluentBuilder| async move {
        error_message(&send.send().await.expect_err("refused"))
    };
    let base = || {
        client
            .invoke_model_with_response_stream()
            .model_id(NOVA_PRO)
            .content_type("application/json")
            .body(Blob::new(nova_body("Hi.", None).to_string()))
    };
    let message = refused(base().guardrail_identifier("gr1")).await;
    assert!(
        message.contains("X-Amzn-Bedrock-GuardrailVersion"),
        "{message}"
    );
    let message = refused(
        base()
            .guardrail_identifier("gr1")
            .guardrail_version("1")
            .trace(Trace::from("on")),
    )
    .await;
    assert!(message.contains("X-Amzn-Bedrock-Trace"), "{message}");
    let message = refused(
        client
            .invoke_model_with_response_stream()
            .model_id(NOVA_PRO)
            .content_type("application/json")
            .body(Blob::new(nova_body("Hi.", Some("async")).to_string()))
            .guardrail_identifier("gr1")
            .guardrail_version("1"),
    )
    .await;
    assert!(message.contains("streamProcessingMode"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_word_intervenes() {
    let emulator = start(30, &["Secret"]);
    let client = client_for(&emulator);
    let seen = converse_stream(
        &client,
        "Tell me the SECRET recipe.",
        Some(stream_config("sync", "enabled")),
    )
    .await;
    assert_eq!(seen.text, BLOCKED_MESSAGE);
    assert_eq!(seen.stop, Some(StopReason::GuardrailIntervened));
    let trace = seen.guardrail.expect("a trace");
    assert!(
        trace
            .action_reason()
            .is_some_and(|r| r.contains("word policy")),
        "{:?}",
        trace.action_reason()
    );
    let word = trace.input_assessment().expect("input")["gr1"]
        .word_policy()
        .map(|w| w.custom_words()[0].r#match().to_string());
    assert_eq!(word.as_deref(), Some("secret"));
    let truth = ground_truth_for(&emulator, &seen.request_id);
    assert_eq!(truth.output_tokens, 0);
    assert!((truth.planned_ttft_s.expect("planned") - 0.03).abs() < 1e-6);

    // Without a guardrail the word is nothing special.
    let plain = converse_stream(&client, "Tell me the SECRET recipe.", None).await;
    assert_eq!(plain.stop, Some(StopReason::EndTurn));

    let (_, _, events) =
        invoke_stream(&client, nova_body("A secret, please.", None), true, None).await;
    let last = events.last().expect("a last chunk");
    assert_eq!(last["amazon-bedrock-guardrailAction"], "INTERVENED");
    let text: String = events
        .iter()
        .filter_map(|e| {
            e.pointer("/contentBlockDelta/delta/text")
                .and_then(Value::as_str)
        })
        .collect();
    assert_eq!(text, BLOCKED_MESSAGE);
}

#[test]
fn bad_guardrail_flags_are_refused_naming_the_flag() {
    const BINARY: &str = env!("CARGO_BIN_EXE_bedrock-emulator");
    for (args, flag) in [
        (["--guardrail-unit-tokens", "0"], "--guardrail-unit-tokens"),
        (
            ["--guardrail-unit-tokens", "many"],
            "--guardrail-unit-tokens",
        ),
        (
            ["--guardrail-input-check-ms", "soon"],
            "--guardrail-input-check-ms",
        ),
        (
            ["--guardrail-unit-check-ms=-5", "--time-scale=1"],
            "--guardrail-unit-check-ms",
        ),
        (
            ["--guardrail-unit-check-ms", "1e12"],
            "--guardrail-unit-check-ms",
        ),
        (
            ["--guardrail-blocked-word", " "],
            "--guardrail-blocked-word",
        ),
    ] {
        let output = std::process::Command::new(BINARY)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs");
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(output.stdout.is_empty(), "{args:?} printed a URL");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}
