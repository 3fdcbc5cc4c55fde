//! The guardrail's trace and action in an answer (Amazon Bedrock API
//! Reference, "GuardrailTraceAssessment", "GuardrailAssessment",
//! "GuardrailInvocationMetrics"; User Guide, "Use a guardrail with
//! streaming"): Converse's `trace.guardrail` (in ConverseStream's
//! metadata event), and InvokeModel's `amazon-bedrock-guardrailAction`
//! and `amazon-bedrock-trace` (in the last chunk of a stream).
//!
//! The emulated guardrail is taken to have a content filter and a word
//! filter (the blocked words): each assessment bills one text unit per
//! 1,000 characters (rounded up) to each, and guards every character.

use serde_json::{Map, Value, json};

use crate::guardrail_outcome::GuardrailOutcome;
use crate::plan::StreamPlan;

/// `actionReason` when the guardrail let the answer through.
pub const NO_ACTION: &str = "No action.";
/// `actionReason` when a blocked word stopped the input.
pub const BLOCKED_REASON: &str = "Guardrail blocked: word policy (a blocked word in the input).";

/// One `GuardrailAssessment`: its invocation metrics and, when `word`
/// was blocked, the word policy that blocked it.
fn assessment(latency_ms: u64, chars: u32, word: Option<&str>) -> Value {
    let units = chars.div_ceil(1000);
    let mut value = json!({
        "invocationMetrics": {
            "guardrailProcessingLatency": latency_ms,
            "usage": {
                "topicPolicyUnits": 0,
                "contentPolicyUnits": units,
                "wordPolicyUnits": units,
                "sensitiveInformationPolicyUnits": 0,
                "sensitiveInformationPolicyFreeUnits": 0,
                "contextualGroundingPolicyUnits": 0,
            },
            "guardrailCoverage": {
                "textCharacters": { "guarded": chars, "total": chars },
            },
        },
    });
    if let (Some(word), Some(object)) = (word, value.as_object_mut()) {
        object.insert(
            "wordPolicy".into(),
            json!({
                "customWords": [{ "match": word, "action": "BLOCKED", "detected": true }],
                "managedWordLists": [],
            }),
        );
    }
    value
}

fn action_reason(outcome: &GuardrailOutcome) -> &'static str {
    if outcome.intervened() {
        BLOCKED_REASON
    } else {
        NO_ACTION
    }
}

/// The input assessment and the output assessments, in order.
fn assessments(outcome: &GuardrailOutcome) -> (Value, Vec<Value>) {
    let input = assessment(
        outcome.input_check_ms,
        outcome.input_chars,
        outcome.blocked_word.as_deref(),
    );
    let outputs = outcome
        .units
        .iter()
        .map(|unit| assessment(unit.check_ms, unit.chars, None))
        .collect();
    (input, outputs)
}

/// The guardrail whose trace `plan` carries, if the request asked for one.
fn traced(plan: &StreamPlan) -> Option<&GuardrailOutcome> {
    plan.guardrail
        .as_ref()
        .filter(|outcome| outcome.request.trace.is_on())
}

/// Converse's `trace` (`{"guardrail": GuardrailTraceAssessment}`), when
/// the request asked for the trace.
pub fn converse_trace(plan: &StreamPlan) -> Option<Value> {
    let outcome = traced(plan)?;
    let id = outcome.request.id().to_string();
    let (input, outputs) = assessments(outcome);
    let mut guardrail = Map::new();
    guardrail.insert("inputAssessment".into(), json!({ id.clone(): input }));
    if !outputs.is_empty() {
        guardrail.insert("outputAssessments".into(), json!({ id: outputs }));
    }
    guardrail.insert("actionReason".into(), json!(action_reason(outcome)));
    Some(json!({ "guardrail": guardrail }))
}

/// Add InvokeModel's guardrail fields to `body` (the last chunk of a
/// stream, or the whole answer): `amazon-bedrock-guardrailAction` whenever
/// the request had a guardrail, and `amazon-bedrock-trace` when it asked
/// for the trace.
pub fn add_invoke_fields(plan: &StreamPlan, body: &mut Value) {
    let (Some(outcome), Some(object)) = (&plan.guardrail, body.as_object_mut()) else {
        return;
    };
    let action = if outcome.intervened() {
        "INTERVENED"
    } else {
        "NONE"
    };
    object.insert("amazon-bedrock-guardrailAction".into(), json!(action));
    if !outcome.request.trace.is_on() {
        return;
    }
    let id = outcome.request.id().to_string();
    let (input, outputs) = assessments(outcome);
    let outputs: Vec<Value> = outputs
        .into_iter()
        .map(|output| json!({ id.clone(): output }))
        .collect();
    object.insert(
        "amazon-bedrock-trace".into(),
        json!({
            "guardrail": {
                "input": { id: input },
                "outputs": outputs,
                "actionReason": action_reason(outcome),
            }
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrail::{GuardrailMode, GuardrailRequest, GuardrailTrace};
    use crate::guardrail_outcome::UnitCheck;

    fn outcome(trace: GuardrailTrace, word: Option<&str>) -> GuardrailOutcome {
        GuardrailOutcome {
            request: GuardrailRequest {
                identifier: "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1".into(),
                version: "1".into(),
                trace,
                mode: GuardrailMode::Sync,
            },
            mode: GuardrailMode::Sync,
            input_check_s: 0.02,
            input_check_ms: 20,
            input_chars: 1500,
            units: vec![
                UnitCheck {
                    check_s: 0.15,
                    check_ms: 150,
                    chars: 200,
                },
                UnitCheck {
                    check_s: 0.15,
                    check_ms: 150,
                    chars: 100,
                },
            ],
            blocked_word: word.map(str::to_string),
            delay_s: 0.0,
        }
    }

    fn plan_with(outcome: GuardrailOutcome) -> StreamPlan {
        let mut plan = StreamPlan::empty();
        plan.guardrail = Some(outcome);
        plan
    }

    #[test]
    fn the_converse_trace_carries_the_latencies_units_and_coverage() {
        let plan = plan_with(outcome(GuardrailTrace::Enabled, None));
        let trace = converse_trace(&plan).expect("trace");
        let input = &trace["guardrail"]["inputAssessment"]["gr1"]["invocationMetrics"];
        assert_eq!(input["guardrailProcessingLatency"], 20);
        assert_eq!(input["usage"]["contentPolicyUnits"], 2);
        assert_eq!(
            input["guardrailCoverage"]["textCharacters"]["guarded"],
            1500
        );
        let outputs = trace["guardrail"]["outputAssessments"]["gr1"]
            .as_array()
            .expect("list");
        assert_eq!(outputs.len(), 2);
        assert_eq!(trace["guardrail"]["actionReason"], NO_ACTION);
        let plan = plan_with(outcome(GuardrailTrace::Disabled, None));
        assert_eq!(converse_trace(&plan), None);
    }

    #[test]
    fn invoke_fields_name_the_action_and_the_blocked_word() {
        let mut body = json!({});
        let plan = plan_with(outcome(GuardrailTrace::Disabled, Some("secret")));
        add_invoke_fields(&plan, &mut body);
        assert_eq!(body["amazon-bedrock-guardrailAction"], "INTERVENED");
        assert!(body.get("amazon-bedrock-trace").is_none());
        let plan = plan_with(outcome(GuardrailTrace::EnabledFull, Some("secret")));
        add_invoke_fields(&plan, &mut body);
        let guardrail = &body["amazon-bedrock-trace"]["guardrail"];
        assert_eq!(
            guardrail["input"]["gr1"]["wordPolicy"]["customWords"][0]["match"],
            "secret"
        );
        assert_eq!(guardrail["outputs"].as_array().map(Vec::len), Some(2));
        assert_eq!(guardrail["actionReason"], BLOCKED_REASON);
    }
}
