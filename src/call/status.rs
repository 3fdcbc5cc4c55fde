//! The outcome of a call, named as the Python tool's `api_call_status`:
//! `Success`, `Timeout`, or the error's type name.

use super::redact::redact;
use aws_sdk_bedrockruntime::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamError;
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CallStatus {
    /// The stream ended normally after its metadata event.
    Success,
    /// The per-call timeout expired (before the response or mid-stream).
    Timeout,
    /// The run was interrupted (second Ctrl-C) while the call was in flight.
    Cancelled,
    /// An error, by type name: a modelled Bedrock error such as
    /// `ThrottlingException` (before or during the stream), or the SDK's
    /// kind of failure (`DispatchFailure`, `ResponseError`...), or
    /// `IncompleteStream` when the stream ended without its metadata.
    Error(String),
}

impl CallStatus {
    /// The name written in `api_call_status`.
    pub fn as_str(&self) -> &str {
        match self {
            CallStatus::Success => "Success",
            CallStatus::Timeout => "Timeout",
            CallStatus::Cancelled => "Cancelled",
            CallStatus::Error(name) => name,
        }
    }

    /// Parse a name written by [`CallStatus::as_str`].
    pub fn from_name(name: &str) -> CallStatus {
        match name {
            "Success" => CallStatus::Success,
            "Timeout" => CallStatus::Timeout,
            "Cancelled" => CallStatus::Cancelled,
            other => CallStatus::Error(other.to_string()),
        }
    }

    /// Whether the call succeeded.
    pub fn is_success(&self) -> bool {
        *self == CallStatus::Success
    }

    /// Whether Bedrock throttled the call (before or during the stream).
    pub fn is_throttle(&self) -> bool {
        matches!(self, CallStatus::Error(name) if name == "ThrottlingException")
    }

    /// Whether trying again may succeed: throttling, transient service
    /// errors and connection failures. Validation and access errors, and
    /// timeouts (a stalled stream would stall again and cost again), are not
    /// retried.
    pub fn is_retryable(&self) -> bool {
        match self {
            CallStatus::Error(name) => matches!(
                name.as_str(),
                "ThrottlingException"
                    | "ServiceUnavailableException"
                    | "InternalServerException"
                    | "ModelStreamErrorException"
                    | "ModelNotReadyException"
                    | "DispatchFailure"
            ),
            _ => false,
        }
    }
}

impl std::fmt::Display for CallStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Status and message of an error from `send()`.
pub fn classify_send_error<R>(error: &SdkError<ConverseStreamError, R>) -> (CallStatus, String)
where
    R: std::fmt::Debug,
{
    classify(error, |err| match err {
        ConverseStreamError::AccessDeniedException(_) => "AccessDeniedException",
        ConverseStreamError::InternalServerException(_) => "InternalServerException",
        ConverseStreamError::ModelErrorException(_) => "ModelErrorException",
        ConverseStreamError::ModelNotReadyException(_) => "ModelNotReadyException",
        ConverseStreamError::ModelTimeoutException(_) => "ModelTimeoutException",
        ConverseStreamError::ResourceNotFoundException(_) => "ResourceNotFoundException",
        ConverseStreamError::ServiceUnavailableException(_) => "ServiceUnavailableException",
        ConverseStreamError::ThrottlingException(_) => "ThrottlingException",
        ConverseStreamError::ValidationException(_) => "ValidationException",
        ConverseStreamError::ModelStreamErrorException(_) => "ModelStreamErrorException",
        other => other.code().unwrap_or("UnhandledError"),
    })
}

/// Status and message of an error from the event stream's `recv()`.
pub fn classify_stream_error<R>(
    error: &SdkError<ConverseStreamOutputError, R>,
) -> (CallStatus, String)
where
    R: std::fmt::Debug,
{
    classify(error, |err| match err {
        ConverseStreamOutputError::InternalServerException(_) => "InternalServerException",
        ConverseStreamOutputError::ModelStreamErrorException(_) => "ModelStreamErrorException",
        ConverseStreamOutputError::ServiceUnavailableException(_) => "ServiceUnavailableException",
        ConverseStreamOutputError::ThrottlingException(_) => "ThrottlingException",
        ConverseStreamOutputError::ValidationException(_) => "ValidationException",
        other => other.code().unwrap_or("UnhandledStreamError"),
    })
}

/// Status and message of any operation's error (Converse,
/// InvokeModelWithResponseStream and its stream): the service's error
/// code, as [`classify_send_error`] names ConverseStream's, or how the
/// request failed to reach it.
pub fn classify_error<E, R>(error: &SdkError<E, R>) -> (CallStatus, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    classify(error, |err| err.code().unwrap_or("UnhandledError"))
}

/// A failed CountTokens call as a status and a message, named as
/// [`classify_send_error`] names a call's errors (the service's error code,
/// or how the request failed to reach it).
pub fn classify_count_error<R>(
    error: &SdkError<aws_sdk_bedrockruntime::operation::count_tokens::CountTokensError, R>,
) -> (CallStatus, String)
where
    R: std::fmt::Debug,
{
    classify(error, |err| err.code().unwrap_or("UnknownServiceError"))
}

/// A modelled error by its type name (from `name`) with its message; any
/// other SDK failure by its kind, with the whole error chain as message.
/// Anything credential-like in the message is redacted (see
/// [`super::redact`]).
fn classify<E, R>(error: &SdkError<E, R>, name: impl Fn(&E) -> &str) -> (CallStatus, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match error {
        SdkError::ServiceError(context) => {
            let err = context.err();
            let message = err
                .message()
                .map_or_else(|| DisplayErrorContext(err).to_string(), str::to_string);
            (
                CallStatus::Error(name(err).to_string()),
                redact(&message).into_owned(),
            )
        }
        other => (
            CallStatus::Error(sdk_failure_name(other).to_string()),
            redact(&DisplayErrorContext(other).to_string()).into_owned(),
        ),
    }
}

fn sdk_failure_name<E, R>(error: &SdkError<E, R>) -> &'static str {
    match error {
        SdkError::ConstructionFailure(_) => "ConstructionFailure",
        SdkError::TimeoutError(_) => "SdkTimeout",
        SdkError::DispatchFailure(_) => "DispatchFailure",
        SdkError::ResponseError(_) => "ResponseError",
        SdkError::ServiceError(_) => "ServiceError",
        _ => "SdkError",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_classify() {
        for status in [
            CallStatus::Success,
            CallStatus::Timeout,
            CallStatus::Cancelled,
            CallStatus::Error("ThrottlingException".into()),
        ] {
            assert_eq!(CallStatus::from_name(status.as_str()), status);
        }
        let throttle = CallStatus::Error("ThrottlingException".into());
        assert!(throttle.is_throttle() && throttle.is_retryable());
        assert!(!CallStatus::Error("ValidationException".into()).is_retryable());
        assert!(!CallStatus::Timeout.is_retryable());
        assert!(!CallStatus::Success.is_throttle());
    }
}
