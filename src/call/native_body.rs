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
//!   sampling (Amazon Bedrock User Guide, "Meta Llama models");
//! - Mistral AI: a `prompt` in Mistral's `[INST]` template, `max_tokens`,
//!   sampling (Amazon Bedrock User Guide, "Mistral AI text completion");
//! - DeepSeek: a `prompt` in DeepSeek-R1's template, `max_tokens`,
//!   sampling (Amazon Bedrock User Guide, "DeepSeek models");
//! - any model: the scenario's `invoke_body`, sent as written with its
//!   placeholders filled (see [`fill_template`]).

use bedrock_catalog::Family;
use serde_json::{Map, Value, json};

use super::CallSpec;
use crate::workload::dataset::Role;

/// The native body for `spec`: its `invoke_body` filled in, else its
/// family's; `None` for a family without one here and no `invoke_body`.
pub fn native_body(spec: &CallSpec) -> Option<Value> {
    if let Some(template) = &spec.variant.invoke_body {
        return Some(fill_template(&Value::Object(template.clone()), spec));
    }
    match Family::of(&spec.model_id) {
        Family::Anthropic => Some(anthropic(spec)),
        Family::AmazonNova => Some(nova(spec)),
        Family::Meta => Some(llama(spec)),
        Family::Mistral => Some(mistral(spec)),
        Family::DeepSeek => Some(deepseek(spec)),
        _ => None,
    }
}

/// A scenario's `invoke_body` with its placeholders filled: a string
/// that is exactly `{{max_tokens}}` becomes the answer length (a number),
/// `{{temperature}}`/`{{top_p}}` the sampling settings (or null), and
/// `{{prompt}}`/`{{system}}` anywhere in a string the user message and
/// the system prompt (empty when there is none).
pub fn fill_template(template: &Value, spec: &CallSpec) -> Value {
    match template {
        Value::String(text) => match text.as_str() {
            "{{max_tokens}}" => spec.max_tokens.into(),
            "{{temperature}}" => spec
                .temperature
                .map_or(Value::Null, |t| f64::from(t).into()),
            "{{top_p}}" => spec.top_p.map_or(Value::Null, |p| f64::from(p).into()),
            _ => text
                .replace("{{prompt}}", &spec.user_text)
                .replace("{{system}}", spec.system.as_deref().unwrap_or_default())
                .into(),
        },
        Value::Array(items) => items.iter().map(|item| fill_template(item, spec)).collect(),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), fill_template(value, spec)))
                .collect(),
        ),
        other => other.clone(),
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

/// Mistral's instruction template: each user turn between `[INST]` and
/// `[/INST]`, each answer after it ending with `</s>`; the system prompt
/// before the first user message.
fn mistral_prompt(spec: &CallSpec) -> String {
    let mut prompt = String::from("<s>");
    let mut first = true;
    for (role, text) in turns(spec) {
        if role == "user" {
            prompt.push_str("[INST] ");
            if first && let Some(system) = &spec.system {
                prompt.push_str(system);
                prompt.push_str("\n\n");
            }
            first = false;
            prompt.push_str(text);
            prompt.push_str(" [/INST]");
        } else {
            prompt.push(' ');
            prompt.push_str(text);
            prompt.push_str("</s>");
        }
    }
    prompt
}

fn mistral(spec: &CallSpec) -> Value {
    let mut body = Map::new();
    body.insert("prompt".into(), mistral_prompt(spec).into());
    body.insert("max_tokens".into(), spec.max_tokens.into());
    insert_some(&mut body, "temperature", spec.temperature.map(f64::from));
    insert_some(&mut body, "top_p", spec.top_p.map(f64::from));
    insert_some(&mut body, "top_k", spec.top_k);
    Value::Object(body)
}

/// DeepSeek-R1's template (Amazon Bedrock User Guide, "DeepSeek models"):
/// the system prompt, each turn after its role marker, and the assistant's
/// marker with its thinking opened for the model to continue.
fn deepseek_prompt(spec: &CallSpec) -> String {
    let mut prompt = String::from("<｜begin▁of▁sentence｜>");
    if let Some(system) = &spec.system {
        prompt.push_str(system);
    }
    for (role, text) in turns(spec) {
        prompt.push_str(if role == "user" {
            "<｜User｜>"
        } else {
            "<｜Assistant｜>"
        });
        prompt.push_str(text);
    }
    prompt.push_str("<｜Assistant｜><think>\n");
    prompt
}

fn deepseek(spec: &CallSpec) -> Value {
    let mut body = Map::new();
    body.insert("prompt".into(), deepseek_prompt(spec).into());
    body.insert("max_tokens".into(), spec.max_tokens.into());
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
        let mistral = native_body(&spec("mistral.mistral-large-2402-v1:0")).expect("a body");
        assert_eq!(
            mistral["prompt"],
            "<s>[INST] Be brief.\n\nExplain machine learning. [/INST]"
        );
        assert_eq!(mistral["max_tokens"], 64);
        let deepseek = native_body(&spec("us.deepseek.r1-v1:0")).expect("a body");
        assert!(
            deepseek["prompt"]
                .as_str()
                .is_some_and(|p| p.contains("<｜User｜>Explain machine learning.<｜Assistant｜>"))
        );
        assert_eq!(native_body(&spec("amazon.titan-text-express-v1")), None);
        let mut raw = spec("cohere.command-r-v1:0");
        raw.variant.invoke_body = Some(
            json!({"message": "{{system}} {{prompt}}", "max_tokens": "{{max_tokens}}", "temperature": "{{temperature}}", "p": "{{top_p}}", "k": 5})
                .as_object()
                .cloned()
                .expect("an object"),
        );
        assert_eq!(
            native_body(&raw),
            Some(
                json!({"message": "Be brief. Explain machine learning.", "max_tokens": 64, "temperature": 0.5, "p": null, "k": 5})
            )
        );

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
