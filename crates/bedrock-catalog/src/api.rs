//! The inference APIs a model is called through, the endpoints they are
//! served on, and which ones a model is offered on (as of [`APIS_AS_OF`]).
//!
//! On the `bedrock-runtime` endpoint every text model takes Converse and
//! ConverseStream (Amazon Bedrock User Guide, "Carry out a conversation
//! with the Converse API operations") and InvokeModelWithResponseStream
//! with its family's native body (Amazon Bedrock User Guide, "Inference
//! request parameters and response fields for foundation models"). The
//! OpenAI-compatible and Anthropic APIs are listed below. The OpenAI-compatible Chat Completions API is served on
//! `bedrock-runtime` (`/openai/v1`, OpenAI's open-weight models) and on
//! `bedrock-mantle` (`/v1`, the open-weight catalog but not Claude, Nova
//! or Llama); Anthropic's Messages API (`/anthropic/v1/messages`) serves
//! Claude on both (Amazon Bedrock User Guide, "APIs supported by Amazon
//! Bedrock", "Endpoints supported by Amazon Bedrock", "Generate responses
//! using OpenAI APIs", "Use the Anthropic Messages API").
use std::fmt;
use std::str::FromStr;

use crate::family::Family;
use crate::model_id::base_model_id;
use crate::performance::UnknownValue;

/// When the table of APIs per model was last checked.
pub const APIS_AS_OF: &str = "2026-12";

/// The endpoint every API is served on (see [`Endpoint::Runtime`]).
pub const RUNTIME_ENDPOINT: &str = "bedrock-runtime";

/// An endpoint that serves inference APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Endpoint {
    /// `bedrock-runtime.{region}.amazonaws.com`: every API (the baseline).
    #[default]
    Runtime,
    /// `bedrock-mantle.{region}.api.aws`: the OpenAI-compatible and
    /// Anthropic Messages APIs, with quotas of its own.
    Mantle,
}

impl Endpoint {
    /// Both endpoints, the baseline first.
    pub const ALL: [Endpoint; 2] = [Endpoint::Runtime, Endpoint::Mantle];

    /// The name scenarios, labels and raw CSVs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Runtime => RUNTIME_ENDPOINT,
            Endpoint::Mantle => "bedrock-mantle",
        }
    }

    /// The SigV4 signing name of requests to it.
    pub fn signing_name(self) -> &'static str {
        match self {
            Endpoint::Runtime => "bedrock",
            Endpoint::Mantle => "bedrock-mantle",
        }
    }

    /// Its regional base URL on AWS.
    pub fn base_url(self, region: &str) -> String {
        match self {
            Endpoint::Runtime => format!("https://bedrock-runtime.{region}.amazonaws.com"),
            Endpoint::Mantle => format!("https://bedrock-mantle.{region}.api.aws"),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Endpoint {
    type Err = UnknownValue;

    fn from_str(text: &str) -> Result<Endpoint, UnknownValue> {
        Endpoint::ALL
            .into_iter()
            .find(|endpoint| endpoint.as_str() == text)
            .ok_or_else(|| UnknownValue {
                found: text.to_string(),
                expected: "bedrock-runtime or bedrock-mantle",
            })
    }
}

/// An inference API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Api {
    /// `ConverseStream`: the baseline.
    #[default]
    ConverseStream,
    /// `Converse`: the whole answer at once (no time to first token).
    Converse,
    /// `InvokeModelWithResponseStream` with the model family's native body.
    InvokeStream,
    /// The OpenAI-compatible Chat Completions API, streaming (server-sent
    /// events).
    OpenAiChat,
    /// Anthropic's Messages API, streaming (server-sent events).
    AnthropicMessages,
}

impl Api {
    /// Every API, the baseline first.
    pub const ALL: [Api; 5] = [
        Api::ConverseStream,
        Api::Converse,
        Api::InvokeStream,
        Api::OpenAiChat,
        Api::AnthropicMessages,
    ];

    /// The name scenarios, labels and raw CSVs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Api::ConverseStream => "converse-stream",
            Api::Converse => "converse",
            Api::InvokeStream => "invoke-stream",
            Api::OpenAiChat => "openai-chat",
            Api::AnthropicMessages => "anthropic-messages",
        }
    }

    /// The operation's name in Bedrock's documentation.
    pub fn operation(self) -> &'static str {
        match self {
            Api::ConverseStream => "ConverseStream",
            Api::Converse => "Converse",
            Api::InvokeStream => "InvokeModelWithResponseStream",
            Api::OpenAiChat => "Chat Completions (OpenAI-compatible)",
            Api::AnthropicMessages => "Messages (Anthropic)",
        }
    }

    /// Whether the answer streams (so that a time to first token exists).
    pub fn streams(self) -> bool {
        !matches!(self, Api::Converse)
    }

    /// The endpoints it is served on, the baseline first.
    pub fn endpoints(self) -> &'static [Endpoint] {
        match self {
            Api::OpenAiChat | Api::AnthropicMessages => &Endpoint::ALL,
            _ => &[Endpoint::Runtime],
        }
    }

    /// The endpoint it is served on by default.
    pub fn endpoint(self) -> &'static str {
        RUNTIME_ENDPOINT
    }

    /// The path of a request for `model_id` on `endpoint`.
    pub fn path(self, model_id: &str, endpoint: Endpoint) -> String {
        let model = percent_encode_model(model_id);
        match (self, endpoint) {
            (Api::ConverseStream, _) => format!("/model/{model}/converse-stream"),
            (Api::Converse, _) => format!("/model/{model}/converse"),
            (Api::InvokeStream, _) => format!("/model/{model}/invoke-with-response-stream"),
            (Api::OpenAiChat, Endpoint::Runtime) => "/openai/v1/chat/completions".into(),
            (Api::OpenAiChat, Endpoint::Mantle) => "/v1/chat/completions".into(),
            (Api::AnthropicMessages, _) => "/anthropic/v1/messages".into(),
        }
    }

    /// Whether `model_id` can be called through this API on the
    /// `bedrock-runtime` endpoint.
    pub fn offered_for(self, model_id: &str) -> bool {
        self.offered_on(model_id, Endpoint::Runtime)
    }

    /// Whether `model_id` can be called through this API on `endpoint`.
    pub fn offered_on(self, model_id: &str, endpoint: Endpoint) -> bool {
        if !self.endpoints().contains(&endpoint) {
            return false;
        }
        let family = Family::of(model_id);
        match self {
            Api::ConverseStream | Api::Converse => true,
            // Every model takes InvokeModel with its own native body.
            Api::InvokeStream => true,
            Api::OpenAiChat => match endpoint {
                Endpoint::Runtime => base_model_id(model_id).starts_with("openai."),
                Endpoint::Mantle => !matches!(
                    family,
                    Family::Anthropic | Family::AmazonNova | Family::Amazon | Family::Meta
                ),
            },
            Api::AnthropicMessages => family == Family::Anthropic,
        }
    }

    /// Whether bedrock-bench builds `model_id`'s native InvokeModel body
    /// from a scenario (Anthropic, Amazon Nova, Meta Llama, Mistral AI and
    /// DeepSeek); any other model's is a scenario's `invoke_body`.
    pub fn native_body_built(model_id: &str) -> bool {
        matches!(
            Family::of(model_id),
            Family::Anthropic
                | Family::AmazonNova
                | Family::Meta
                | Family::Mistral
                | Family::DeepSeek
        )
    }

    /// The APIs `model_id` can be called through (on any endpoint).
    pub fn offered(model_id: &str) -> Vec<Api> {
        Api::ALL
            .into_iter()
            .filter(|api| {
                api.endpoints()
                    .iter()
                    .any(|&endpoint| api.offered_on(model_id, endpoint))
            })
            .collect()
    }

    /// Every pair of an API and an endpoint `model_id` is offered on, in
    /// words: `converse-stream, openai-chat (bedrock-mantle)`.
    pub fn offered_routes(model_id: &str) -> Vec<String> {
        Api::ALL
            .into_iter()
            .flat_map(|api| {
                api.endpoints()
                    .iter()
                    .filter(move |&&endpoint| api.offered_on(model_id, endpoint))
                    .map(move |&endpoint| match endpoint {
                        Endpoint::Runtime => api.as_str().to_string(),
                        Endpoint::Mantle => format!("{api} ({endpoint})"),
                    })
            })
            .collect()
    }

    /// Every API's name, comma-separated.
    pub fn names() -> String {
        Api::ALL.map(Api::as_str).join(", ")
    }
}

/// A model id as a path segment (`:` and `/` percent-encoded, as the SDK
/// sends them).
fn percent_encode_model(model_id: &str) -> String {
    model_id
        .replace('%', "%25")
        .replace(':', "%3A")
        .replace('/', "%2F")
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Api {
    type Err = UnknownValue;

    fn from_str(text: &str) -> Result<Api, UnknownValue> {
        Api::ALL
            .into_iter()
            .find(|api| api.as_str() == text)
            .ok_or_else(|| UnknownValue {
                found: text.to_string(),
                expected: "converse-stream, converse, invoke-stream, openai-chat or anthropic-messages",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for api in Api::ALL {
            assert_eq!(api.as_str().parse::<Api>(), Ok(api));
        }
        assert!("invoke".parse::<Api>().is_err());
    }

    #[test]
    fn every_model_takes_invoke_and_open_weights_take_chat_completions() {
        assert!(Api::InvokeStream.offered_for("us.anthropic.claude-3-5-haiku-20241022-v1:0"));
        assert!(Api::InvokeStream.offered_for("mistral.mistral-large-2402-v1:0"));
        assert_eq!(
            Api::offered("deepseek.r1-v1:0"),
            vec![
                Api::ConverseStream,
                Api::Converse,
                Api::InvokeStream,
                Api::OpenAiChat
            ]
        );
    }

    #[test]
    fn the_http_apis_serve_their_families_on_their_endpoints() {
        let claude = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
        for endpoint in Endpoint::ALL {
            assert!(Api::AnthropicMessages.offered_on(claude, endpoint));
            assert!(!Api::OpenAiChat.offered_on(claude, endpoint));
            assert!(!Api::OpenAiChat.offered_on("us.amazon.nova-pro-v1:0", endpoint));
        }
        assert!(Api::OpenAiChat.offered_on("openai.gpt-oss-20b-1:0", Endpoint::Runtime));
        assert!(!Api::OpenAiChat.offered_on("deepseek.v3-v1:0", Endpoint::Runtime));
        assert!(Api::OpenAiChat.offered_on("deepseek.v3-v1:0", Endpoint::Mantle));
        assert!(!Api::ConverseStream.offered_on(claude, Endpoint::Mantle));
        assert_eq!(
            Api::offered_routes(claude),
            [
                "converse-stream",
                "converse",
                "invoke-stream",
                "anthropic-messages",
                "anthropic-messages (bedrock-mantle)"
            ]
        );
        assert_eq!(
            Api::OpenAiChat.path("x", Endpoint::Runtime),
            "/openai/v1/chat/completions"
        );
        assert_eq!(
            Api::OpenAiChat.path("x", Endpoint::Mantle),
            "/v1/chat/completions"
        );
        assert_eq!(
            Api::InvokeStream.path("us.a.b-v1:0", Endpoint::Runtime),
            "/model/us.a.b-v1%3A0/invoke-with-response-stream"
        );
        for endpoint in Endpoint::ALL {
            assert_eq!(endpoint.as_str().parse::<Endpoint>(), Ok(endpoint));
        }
    }
}
