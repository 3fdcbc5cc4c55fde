//! Reading a request of the OpenAI-compatible or Anthropic Messages API
//! into the Converse request the plan uses, the wire its answer is
//! written with, and whether it streams.

use http::HeaderMap;

use crate::api_error::ApiError;
use crate::messages;
use crate::native::{self, Native, NativeFamily};
use crate::openai::chat;
use crate::openai::stream::ChatWire;
use crate::request::{ConverseRequest, Operation, parse_object};
use crate::wire::Wire;

/// A Chat Completions or Messages request.
#[derive(Debug)]
pub struct ApiRequest {
    /// The Converse request asking the same.
    pub converse: ConverseRequest,
    /// How the answer is written.
    pub wire: Wire,
    /// Whether the answer streams.
    pub streams: bool,
}

/// Parse the body of an `operation` of [`Operation::is_api`]; the model
/// must be one the route serves. The performance configuration and the
/// service tier may come in Bedrock's request headers.
pub fn parse(
    operation: Operation,
    body: &[u8],
    headers: &HeaderMap,
    request_id: &str,
) -> Result<ApiRequest, ApiError> {
    let (model, parts, wire, streams) = match operation {
        Operation::Messages => {
            let request = messages::parse(body, headers)?;
            messages::check_model(&request.model)?;
            let wire = Wire::Messages(Native::new(
                NativeFamily::Anthropic,
                &request.model,
                request_id,
            ));
            (request.model, request.parts, wire, request.stream)
        }
        _ => {
            let request = chat::parse(body)?;
            chat::check_model(&request.model)?;
            let wire = Wire::Chat(ChatWire::new(
                &request.model,
                request_id,
                request.include_usage,
            ));
            (request.model, request.parts, wire, request.stream)
        }
    };
    let mut converse = parse_object(model, &parts.into_body())?;
    converse.latency = native::latency_header(headers)?;
    converse.service_tier = native::tier_header(headers)?;
    Ok(ApiRequest {
        converse,
        wire,
        streams,
    })
}
