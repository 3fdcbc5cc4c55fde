//! A request's input tokens counted before it is sent, through Bedrock's
//! CountTokens (free, and no model call), and a synthetic prompt sized to
//! a counted length. Both run before `t0`, off the timed path.
//!
//! CountTokens counts only some models, by their base id (an inference
//! profile's model is counted by the base id behind it); for the others
//! the count is the catalog's estimate, and says so ([`Counted::Estimated`]).

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{ConverseTokensRequest, CountTokensInput};
use bedrock_catalog::tokens::{estimate_tokens, synthetic_prompt};

use super::spec::CallSpec;
use super::status::classify_count_error;

/// At most this many CountTokens calls size one synthetic prompt.
pub const MAX_SIZING_ROUNDS: u32 = 8;

/// An input length, counted by the service or estimated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    /// CountTokens' `inputTokens`: what a call with this input is billed.
    Exact(u32),
    /// The catalog's estimate of the text (without the model's template),
    /// and why the service did not count it.
    Estimated {
        /// The estimate.
        tokens: u32,
        /// Why: the model is not counted, or the service refused.
        why: String,
    },
}

impl Counted {
    /// The number of tokens, exact or estimated.
    pub fn tokens(&self) -> u32 {
        match self {
            Counted::Exact(tokens) | Counted::Estimated { tokens, .. } => *tokens,
        }
    }
}

/// Why a count failed: the service answered an error other than "this
/// model is not counted" (throttling, access, network...).
#[derive(Debug, thiserror::Error)]
#[error("CountTokens for {model_id}: {status}: {message}")]
pub struct CountError {
    /// The model id sent (its base id).
    pub model_id: String,
    /// The error's name, as the raw CSV names call errors.
    pub status: String,
    /// Its message.
    pub message: String,
}

/// Whether CountTokens counts `model_id` (any form), as the catalog knows.
pub fn counts_tokens(model_id: &str) -> bool {
    bedrock_catalog::model(model_id).is_some_and(|info| info.counts_tokens)
}

/// The input tokens of `spec`'s request (its messages, system prompt and
/// tools) for its model: counted by the service where the catalog lists
/// token counting, else estimated from its user and system text.
pub async fn count_input_tokens(client: &Client, spec: &CallSpec) -> Result<Counted, CountError> {
    if !counts_tokens(&spec.model_id) {
        return Ok(estimated(spec, not_counted(&spec.model_id)));
    }
    let parts = spec.to_request_parts();
    let mut request = ConverseTokensRequest::builder()
        .set_messages(Some(parts.messages))
        .set_system(parts.system)
        .set_tool_config(parts.tool_config);
    if let Some(fields) = parts.additional_fields {
        request = request.additional_model_request_fields(fields);
    }
    let base = bedrock_catalog::base_model_id(&spec.model_id).to_string();
    let sent = client
        .count_tokens()
        .model_id(&base)
        .input(CountTokensInput::Converse(request.build()))
        .send()
        .await;
    match sent {
        Ok(output) => Ok(Counted::Exact(
            u32::try_from(output.input_tokens()).unwrap_or(0),
        )),
        Err(error) => {
            let (status, message) = classify_count_error(&error);
            let status = status.as_str().to_string();
            if status == "ValidationException" && message.contains("support counting tokens") {
                Ok(estimated(
                    spec,
                    format!("the service does not count {base}: {message}"),
                ))
            } else {
                Err(CountError {
                    model_id: base,
                    status,
                    message,
                })
            }
        }
    }
}

/// A synthetic user prompt whose request counts `target` input tokens for
/// `spec`'s model (its system prompt and tools included), and its count
/// ([`sized_prompt`] of [`synthetic_prompt`]):
/// sized with CountTokens in at most [`MAX_SIZING_ROUNDS`] rounds (each
/// adjusting the filler by the difference), else by the estimate. The
/// closest count is returned when no filler length hits `target` exactly
/// (a target below the request's fixed part, or a tokenizer that counts
/// filler words in steps).
pub async fn sized_synthetic_prompt(
    client: &Client,
    spec: &CallSpec,
    target: u32,
) -> Result<(String, Counted), CountError> {
    sized_prompt(client, spec, target, synthetic_prompt).await
}

/// [`sized_synthetic_prompt`] of the prompts `make` builds: `make(n)` is a
/// prompt of `n` tokens by the estimate (a synthetic prompt, one that ends
/// with an instruction...), sized so that the request counts `target`.
pub async fn sized_prompt(
    client: &Client,
    spec: &CallSpec,
    target: u32,
    make: impl Fn(u32) -> String,
) -> Result<(String, Counted), CountError> {
    let mut filler = target;
    let mut best: Option<(String, Counted)> = None;
    for _ in 0..MAX_SIZING_ROUNDS {
        let text = make(filler);
        let mut probe = spec.clone();
        probe.user_text = text.clone();
        let counted = count_input_tokens(client, &probe).await?;
        let exact = matches!(counted, Counted::Exact(_));
        let tokens = counted.tokens();
        let closer = best
            .as_ref()
            .is_none_or(|(_, b)| tokens.abs_diff(target) < b.tokens().abs_diff(target));
        if closer {
            best = Some((text, counted));
        }
        if tokens == target || !exact {
            break;
        }
        let next = i64::from(filler) + i64::from(target) - i64::from(tokens);
        let next = u32::try_from(next.max(1)).unwrap_or(u32::MAX);
        if next == filler {
            break;
        }
        filler = next;
    }
    Ok(best.expect("at least one round"))
}

fn not_counted(model_id: &str) -> String {
    format!(
        "the built-in catalog does not list token counting (CountTokens) for {model_id}: the length is the estimate"
    )
}

/// The estimate of `spec`'s user and system text.
fn estimated(spec: &CallSpec, why: String) -> Counted {
    let system = spec.system.as_deref().map_or(0, estimate_tokens);
    Counted::Estimated {
        tokens: estimate_tokens(&spec.user_text).saturating_add(system),
        why,
    }
}
