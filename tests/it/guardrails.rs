//! A scenario's guardrail through the harness, against the emulator's
//! model of guardrails: with ConverseStream and
//! InvokeModelWithResponseStream, a synchronous guardrail delays the
//! first delta by what the emulator planned (a unit of output generated,
//! then checked) and the client measures it; an asynchronous one does
//! not delay it; every call's TTFT stays within the harness's usual bound
//! of the plan; the raw CSV records the guardrail, its mode and its
//! action; a blocked prompt is recorded as an intervention.

use crate::common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::call::{CallSpec, CallStatus, timed_call};
use bedrock_bench::config::{parse_experiment, parse_scenarios};
use bedrock_emulator::{Emulator, EmulatorConfig, GuardrailTiming};
use common::*;

const MODEL: &str = "us.amazon.nova-pro-v1:0";
const UNIT_CHECK_MS: u64 = 120;

fn spec(api: &str, guardrail: Option<&str>, prompt: &str) -> CallSpec {
    let guardrail = guardrail.map_or(String::new(), |mode| {
        format!(r#", "guardrail": {{"id": "gr1", "version": "1", "mode": "{mode}"}}"#)
    });
    let line = format!(
        r#"{{"text_prompt": "{prompt}", "model_id": "{MODEL}", "region": "us-east-1", "expected_output_tokens": 40, "api": "{api}"{guardrail}}}"#
    );
    let scenario = parse_scenarios(&line, "scenarios.jsonl", Path::new("."))
        .unwrap_or_else(|errors| panic!("{errors}"))
        .value
        .remove(0);
    let experiment = parse_experiment("{}", "experiment.jsonl")
        .expect("experiment")
        .value;
    CallSpec::from_scenario(&scenario, &experiment)
}

fn emulator() -> Arc<Emulator> {
    let profile = fixed_profile(0.2, 100.0, 1, 30);
    Arc::new(
        Emulator::start(EmulatorConfig {
            time_scale: 1.0,
            seed: Some(3),
            profiles: uniform(fixed_model(profile.clone(), profile)),
            shutdown_grace: Duration::from_millis(200),
            guardrail: GuardrailTiming {
                input_check: Duration::ZERO,
                unit_tokens: 10,
                unit_check: Duration::from_millis(UNIT_CHECK_MS),
            },
            guardrail_blocked_words: vec!["forbidden".into()],
            ..EmulatorConfig::default()
        })
        .expect("emulator binds 127.0.0.1:0"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_guardrail_delays_the_first_delta_and_an_async_one_does_not() {
    let emulator = emulator();
    let caller = clients(&emulator).caller("us-east-1");
    // Warm the connection so that no call pays for its setup.
    let _ = timed_call(&caller, &spec("converse-stream", None, "Hi")).await;
    for api in ["converse-stream", "invoke-stream"] {
        let mut ttft = std::collections::HashMap::new();
        for mode in [None, Some("sync"), Some("async")] {
            let record = timed_call(&caller, &spec(api, mode, "Explain guardrails.")).await;
            assert_eq!(
                record.status,
                CallStatus::Success,
                "{api} {mode:?}: {:?}",
                record.error_message
            );
            assert_eq!(
                record.guardrail_action(),
                Some("NONE"),
                "{api} {mode:?}: no intervention"
            );
            let truth = ground_truth_for(&emulator, record.request_id.as_deref().expect("an id"));
            let planned = truth.planned_ttft_s.expect("a planned TTFT");
            let measured = record.ttft().expect("a TTFT");
            assert!(
                (-0.001..0.05).contains(&(measured - planned)),
                "{api} {mode:?}: TTFT {measured} s, planned {planned} s"
            );
            assert_eq!(truth.guardrail_mode, mode.unwrap_or(""), "{api}");
            match mode {
                Some("sync") => assert!(
                    truth.guardrail_delay_ms >= UNIT_CHECK_MS as f64,
                    "{api}: a unit generated, then checked: {} ms",
                    truth.guardrail_delay_ms
                ),
                _ => assert_eq!(truth.guardrail_delay_ms, 0.0, "{api} {mode:?}"),
            }
            ttft.insert(mode.unwrap_or("none"), measured);
        }
        let (none, sync, not_held) = (ttft["none"], ttft["sync"], ttft["async"]);
        // Synchronous: 9 token-times (90 ms) and a check (120 ms) later,
        // measured by the client within a margin this machine meets.
        assert!(
            sync - none >= 0.8 * 0.21,
            "{api}: sync TTFT {sync} s, none {none} s"
        );
        assert!(
            (not_held - none).abs() < 0.04,
            "{api}: async TTFT {not_held} s, none {none} s"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_prompt_is_recorded_as_an_intervention() {
    let emulator = emulator();
    let caller = clients(&emulator).caller("us-east-1");
    for api in ["converse-stream", "invoke-stream", "converse"] {
        let record = timed_call(
            &caller,
            &spec(api, Some("sync"), "Tell me the forbidden thing."),
        )
        .await;
        assert_eq!(
            record.status,
            CallStatus::Success,
            "{api}: {:?}",
            record.error_message
        );
        assert_eq!(record.guardrail_action(), Some("INTERVENED"), "{api}");
    }
}

#[test]
fn guardrail_settings_are_checked_before_any_call() {
    let refused = |extra: &str| {
        let model = if extra.contains("anthropic-messages") {
            "us.anthropic.claude-3-5-haiku-20241022-v1:0"
        } else {
            MODEL
        };
        let line = format!(
            r#"{{"text_prompt": "Hi", "model_id": "{model}", "region": "us-east-1"{extra}}}"#
        );
        parse_scenarios(&line, "scenarios.jsonl", Path::new("."))
            .expect_err("refused")
            .to_string()
    };
    let errors = refused(r#", "guardrail": {"id": "Bad Id", "version": "1"}"#);
    assert!(errors.contains("guardrail.id"), "{errors}");
    let errors = refused(
        r#", "api": "converse", "guardrail": {"id": "g", "version": "1", "mode": "async"}"#,
    );
    assert!(errors.contains("guardrail.mode"), "{errors}");
    let errors =
        refused(r#", "api": "anthropic-messages", "guardrail": {"id": "g", "version": "1"}"#);
    assert!(
        errors.contains("no guardrail with `api` \"anthropic-messages\""),
        "{errors}"
    );
}
