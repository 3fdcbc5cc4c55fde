//! The inference APIs a model is called through, and which ones a model
//! is offered on (as of [`APIS_AS_OF`]).
//!
//! On the `bedrock-runtime` endpoint every text model takes Converse and
//! ConverseStream (Amazon Bedrock User Guide, "Carry out a conversation
//! with the Converse API operations"); InvokeModelWithResponseStream
//! takes each family's native body (Amazon Bedrock User Guide, "Inference
//! request parameters and response fields for foundation models"), of
//! which this project builds Anthropic's Messages, Amazon Nova's and Meta
//! Llama's.

use std::fmt;
use std::str::FromStr;

use crate::family::Family;
use crate::performance::UnknownValue;

/// When the table of APIs per model was last checked.
pub const APIS_AS_OF: &str = "2026-12";

/// The endpoint the APIs below are served on.
pub const RUNTIME_ENDPOINT: &str = "bedrock-runtime";

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
}

impl Api {
    /// Every API, the baseline first.
    pub const ALL: [Api; 3] = [Api::ConverseStream, Api::Converse, Api::InvokeStream];

    /// The name scenarios, labels and raw CSVs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Api::ConverseStream => "converse-stream",
            Api::Converse => "converse",
            Api::InvokeStream => "invoke-stream",
        }
    }

    /// The operation's name in Bedrock's API reference.
    pub fn operation(self) -> &'static str {
        match self {
            Api::ConverseStream => "ConverseStream",
            Api::Converse => "Converse",
            Api::InvokeStream => "InvokeModelWithResponseStream",
        }
    }

    /// Whether the answer streams (so that a time to first token exists).
    pub fn streams(self) -> bool {
        !matches!(self, Api::Converse)
    }

    /// The endpoint it is served on.
    pub fn endpoint(self) -> &'static str {
        RUNTIME_ENDPOINT
    }

    /// Whether `model_id` can be called through this API here.
    pub fn offered_for(self, model_id: &str) -> bool {
        match self {
            Api::ConverseStream | Api::Converse => true,
            Api::InvokeStream => matches!(
                Family::of(model_id),
                Family::Anthropic | Family::AmazonNova | Family::Meta
            ),
        }
    }

    /// The APIs `model_id` can be called through.
    pub fn offered(model_id: &str) -> Vec<Api> {
        Api::ALL
            .into_iter()
            .filter(|api| api.offered_for(model_id))
            .collect()
    }

    /// Every API's name, comma-separated.
    pub fn names() -> String {
        Api::ALL.map(Api::as_str).join(", ")
    }
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
                expected: "converse-stream, converse or invoke-stream",
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
    fn invoke_stream_is_offered_for_the_families_with_a_native_body() {
        assert!(Api::InvokeStream.offered_for("us.anthropic.claude-3-5-haiku-20241022-v1:0"));
        assert!(Api::InvokeStream.offered_for("us.amazon.nova-pro-v1:0"));
        assert!(Api::InvokeStream.offered_for("us.meta.llama3-1-70b-instruct-v1:0"));
        assert!(!Api::InvokeStream.offered_for("mistral.mistral-large-2402-v1:0"));
        assert_eq!(
            Api::offered("deepseek.r1-v1:0"),
            vec![Api::ConverseStream, Api::Converse]
        );
    }
}
