//! Which API a request speaks, chosen by its path, and the error shape of
//! each: Bedrock's (`x-amzn-ErrorType` and `{"message": ...}`), the
//! OpenAI-compatible one (`{"error": {"message", "type", "param",
//! "code"}}`, Amazon Bedrock User Guide, "OpenAI Chat Completions API")
//! and Anthropic's (`{"type": "error", "error": {"type", "message"}}`,
//! Anthropic Messages API, "Errors"). The status is the same in all
//! three, except that a model failure (Bedrock's 424) is a 500 on the
//! other two.

use http::StatusCode;
use serde_json::json;

use crate::api_error::ApiError;

/// The API a request speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Bedrock's runtime API (Converse, InvokeModel, CountTokens...).
    Bedrock,
    /// The OpenAI-compatible Chat Completions API.
    OpenAi,
    /// The Anthropic Messages API.
    Anthropic,
}

/// The Chat Completions paths (runtime `/openai/v1`, and the `/v1` the
/// other host uses: the emulator is one server for both).
pub const CHAT_PATHS: [&str; 2] = ["/openai/v1/chat/completions", "/v1/chat/completions"];
/// The Anthropic Messages paths.
pub const MESSAGES_PATHS: [&str; 2] = ["/anthropic/v1/messages", "/v1/messages"];

impl Dialect {
    /// The dialect of a request to `path`.
    pub fn of_path(path: &str) -> Dialect {
        if CHAT_PATHS.contains(&path) {
            Dialect::OpenAi
        } else if MESSAGES_PATHS.contains(&path) {
            Dialect::Anthropic
        } else {
            Dialect::Bedrock
        }
    }

    /// The status `error` is answered with in this dialect.
    pub fn status(self, error: &ApiError) -> StatusCode {
        match self {
            Dialect::Bedrock => error.status,
            _ if error.status == StatusCode::FAILED_DEPENDENCY => StatusCode::INTERNAL_SERVER_ERROR,
            _ => error.status,
        }
    }

    /// The JSON body of `error` in this dialect.
    pub fn error_body(self, error: &ApiError) -> String {
        match self {
            Dialect::Bedrock => error.body(),
            Dialect::OpenAi => {
                let (kind, code) = openai_kind(self.status(error));
                json!({
                    "error": {
                        "message": error.message,
                        "type": kind,
                        "param": null,
                        "code": code,
                    }
                })
                .to_string()
            }
            Dialect::Anthropic => json!({
                "type": "error",
                "error": {
                    "type": anthropic_kind(self.status(error)),
                    "message": error.message,
                },
            })
            .to_string(),
        }
    }
}

/// The OpenAI error `type` and `code` of a status.
pub fn openai_kind(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 | 408 | 413 => ("invalid_request_error", "validation_error"),
        401 => ("authentication_error", "invalid_api_key"),
        403 => ("permission_denied_error", "access_denied"),
        404 => ("not_found_error", "not_found"),
        429 => ("rate_limit_error", "rate_limit_exceeded"),
        503 => ("service_unavailable_error", "service_unavailable"),
        _ => ("api_error", "internal_error"),
    }
}

/// The Anthropic error `type` of a status.
pub fn anthropic_kind(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 408 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 | 529 => "overloaded_error",
        _ => "api_error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_path_chooses_the_dialect() {
        assert_eq!(
            Dialect::of_path("/openai/v1/chat/completions"),
            Dialect::OpenAi
        );
        assert_eq!(Dialect::of_path("/v1/chat/completions"), Dialect::OpenAi);
        assert_eq!(
            Dialect::of_path("/anthropic/v1/messages"),
            Dialect::Anthropic
        );
        assert_eq!(Dialect::of_path("/model/x/converse"), Dialect::Bedrock);
    }

    #[test]
    fn each_dialect_has_its_error_shape() {
        let error = ApiError::throttling("slow down");
        let openai: Value = serde_json::from_str(&Dialect::OpenAi.error_body(&error)).unwrap();
        assert_eq!(
            openai,
            json!({"error": {"message": "slow down", "type": "rate_limit_error", "param": null, "code": "rate_limit_exceeded"}})
        );
        let anthropic: Value =
            serde_json::from_str(&Dialect::Anthropic.error_body(&error)).unwrap();
        assert_eq!(
            anthropic,
            json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})
        );
        let model = ApiError::model_error("boom");
        assert_eq!(Dialect::Bedrock.status(&model), 424);
        assert_eq!(Dialect::OpenAi.status(&model), 500);
        assert_eq!(Dialect::Anthropic.status(&model), 500);
    }
}
