//! The native request body of InvokeModelWithResponseStream, built from
//! the same [`CallSpec`] as a Converse request, for the families whose
//! native format this project writes:
//!
//! - Anthropic Claude: the Messages API on Bedrock (`anthropic_version`
//!   `bedrock-2023-05-31`, `max_tokens`, `messages`, `system`, sampling,
//!   `thinking`) (Amazon Bedrock User Guide, "Anthropic Claude Messages
//!   API");
//! - Amazon Nova: `schemaVersion` `messages-v1`, `messages`, `system`,
//!   `inferenceConfig` (Amazon Nova User Guide, "Using the Invoke API");
//! - Meta Llama: a `prompt` in Llama 3's chat template, `max_gen_len`,
//!   sampling (Amazon Bedrock User Guide, "Meta Llama models").

use bedrock_catalog::Family;
use serde_json::{Map, Value, json};

use super::CallSpec;
use crate::workload::dataset::Role;

/// The native body for `spec`, or `None` for a family without one here.
pub fn native_body(spec: &CallSpec) -> Option<Value> {
    match Family::of(&spec.model_id) {
        Family::Anthropic => Some(anthropic(spec)),
        Family::AmazonNova => Some(nova(spec)),
        Family::Meta => Some(llama(spec)),
        _ => None,
    }
}

/// The conversation as (role, text) pairs: the history, then the user
/// message.
pub(crate) fn turns(spec: &CallSpec) -> impl Iterator<Item = (&'static str, &str)> {
    spec.history
        .iter()
        .map(|turn| {
            let role = match turn.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            (role, turn.text.as_str())
        })
        .chain(std::iter::once(("user", spec.user_text.as_str())))
}

fn insert_some<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value.into());
    }
}

/// The body of Anthropic's Messages API (its own endpoint's, not
/// InvokeModel's): [`anthropic`]'s with `model` and `stream: true` in
/// place of `anthropic_version` (which goes in a header).
pub(crate) fn messages_body(spec: &CallSpec) -> Value {
    let mut body = anthropic(spec);
    if let Value::Object(fields) = &mut body {
        fields.remove("anthropic_version");
        fields.insert("model".into(), spec.model_id.clone().into());
        fields.insert("stream".into(), true.into());
    }
    body
}

fn anthropic(spec: &CallSpec) -> Value {
    let messages: Vec<Value> = turns(spec)
        .map(|(role, text)| json!({"role": role, "content": [{"type": "text", "text": text}]}))
        .collect();
    let mut body = Map::new();
    body.insert("anthropic_version".into(), "bedrock-2023-05-31".into());
    body.insert("max_tokens".into(), spec.max_tokens.into());
    body.insert("messages".into(), messages.into());
    insert_some(&mut body, "system", spec.system.clone());
    insert_some(&mut body, "temperature", spec.temperature.map(f64::from));
    insert_some(&mut body, "top_p", spec.top_p.map(f64::from));
    insert_some(&mut body, "top_k", spec.top_k);
    if let Some(budget) = spec.variant.reasoning_budget_tokens {
        body.insert(
            "thinking".into(),
            json!({"type": "enabled", "budget_tokens": budget}),
        );
    }
    Value::Object(body)
}

fn nova(spec: &CallSpec) -> Value {
    let messages: Vec<Value> = turns(spec)
        .map(|(role, text)| json!({"role": role, "content": [{"text": text}]}))
        .collect();
    let mut inference = Map::new();
    inference.insert("maxTokens".into(), spec.max_tokens.into());
    insert_some(
        &mut inference,
        "temperature",
        spec.temperature.map(f64::from),
    );
    insert_some(&mut inference, "topP", spec.top_p.map(f64::from));
    insert_some(&mut inference, "topK", spec.top_k);
    let mut body = Map::new();
    body.insert("schemaVersion".into(), "messages-v1".into());
    body.insert("messages".into(), messages.into());
    if let Some(system) = &spec.system {
        body.insert("system".into(), json!([{"text": system}]));
    }
    body.insert("inferenceConfig".into(), Value::Object(inference));
    Value::Object(body)
}

/// Llama 3's chat template: each turn between header tokens, ending with
/// the assistant's header for the model to continue.
fn llama_prompt(spec: &CallSpec) -> String {
    let mut prompt = String::from("<|begin_of_text|>");
    let mut turn = |role: &str, text: &str| {
        prompt.push_str("<|start_header_id|>");
        prompt.push_str(role);
        prompt.push_str("<|end_header_id|>\n\n");
        prompt.push_str(text);
        prompt.push_str("<|eot_id|>");
    };
    if let Some(system) = &spec.system {
        turn("system", system);
    }
    for (role, text) in turns(spec) {
        turn(role, text);
    }
    prompt.push_str("<|start_header_id|>assistant<|end_header_id|>\n\n");
    prompt
}

fn llama(spec: &CallSpec) -> Value {
    let mut body = Map::new();
    body.insert("prompt".into(), llama_prompt(spec).into());
    body.insert("max_gen_len".into(), spec.max_tokens.into());
    insert_some(&mut body, "temperature", spec.temperature.map(f64::from));
    insert_some(&mut body, "top_p", spec.top_p.map(f64::from));
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(model: &str) -> CallSpec {
        let mut spec = CallSpec::new(model, "Explain machine learning.", 64);
        spec.system = Some("Be brief.".into());
        spec.temperature = Some(0.5);
        spec
    }

    #[test]
    fn each_family_gets_its_native_body() {
        let claude =
            native_body(&spec("us.anthropic.claude-3-5-haiku-20241022-v1:0")).expect("a body");
        assert_eq!(claude["anthropic_version"], "bedrock-2023-05-31");
        assert_eq!(claude["max_tokens"], 64);
        assert_eq!(claude["system"], "Be brief.");
        assert_eq!(
            claude["messages"][0]["content"][0]["text"],
            "Explain machine learning."
        );

        let nova = native_body(&spec("us.amazon.nova-pro-v1:0")).expect("a body");
        assert_eq!(nova["schemaVersion"], "messages-v1");
        assert_eq!(nova["inferenceConfig"]["maxTokens"], 64);
        assert_eq!(nova["inferenceConfig"]["temperature"], 0.5);
        assert_eq!(nova["system"][0]["text"], "Be brief.");

        let llama = native_body(&spec("us.meta.llama3-1-70b-instruct-v1:0")).expect("a body");
        assert_eq!(llama["max_gen_len"], 64);
        assert_eq!(
            llama["prompt"],
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nExplain machine learning.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        );
        assert_eq!(native_body(&spec("mistral.mistral-large-2402-v1:0")), None);

        let messages = messages_body(&spec("us.anthropic.claude-3-5-haiku-20241022-v1:0"));
        assert_eq!(
            messages["model"],
            "us.anthropic.claude-3-5-haiku-20241022-v1:0"
        );
        assert_eq!(messages["stream"], true);
        assert_eq!(messages["max_tokens"], 64);
        assert!(messages.get("anthropic_version").is_none());
    }
}
