//! Bedrock's error shape: a status, `x-amzn-ErrorType: <Name>:<namespace>`
//! and a JSON body `{"message": ...}`.

use http::StatusCode;

/// The namespace suffix real Bedrock puts after the error name.
const ERROR_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazon.bedrock/";

/// An error answered before the stream starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Modelled error name, such as `ThrottlingException`.
    pub error_type: &'static str,
    /// Human-readable message.
    pub message: String,
    /// Whether an HTTP/1.1 connection is closed after this answer (the
    /// rest of the request body was not read; HTTP/2 closes the stream
    /// only).
    pub closes_connection: bool,
    /// The body's key is `Message` (capital M), as in the answers to a
    /// bad Bedrock API key, instead of `message`.
    pub capital_message: bool,
}

impl ApiError {
    /// 400 ValidationException.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationException", message)
    }

    /// 403 AccessDeniedException.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "AccessDeniedException", message)
    }

    /// 429 ThrottlingException.
    pub fn throttling(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlingException",
            message,
        )
    }

    /// 503 ServiceUnavailableException.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailableException",
            message,
        )
    }

    /// 424 ModelErrorException (the model failed while answering a
    /// non-streaming Converse request).
    pub fn model_error(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FAILED_DEPENDENCY,
            "ModelErrorException",
            message,
        )
    }

    /// 404 UnknownOperationException, for paths that are not ConverseStream.
    pub fn unknown_operation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "UnknownOperationException", message)
    }

    /// 404 ResourceNotFoundException (the control plane's unknown model).
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "ResourceNotFoundException", message)
    }

    /// 413 ValidationException for a body over the emulator's limit; the
    /// connection closes after it.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "ValidationException",
            message,
        )
        .closing()
    }

    /// 408 RequestTimeoutException for a body not complete within the
    /// emulator's body read timeout; the connection closes after it.
    pub fn request_timeout(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "RequestTimeoutException",
            message,
        )
        .closing()
    }

    /// 403 AccessDeniedException for a refused Bedrock API key: the body
    /// is `{"Message": ...}` (capital M), as Bedrock answers it.
    pub fn bad_api_key(message: impl Into<String>) -> Self {
        let mut error = Self::access_denied(message);
        error.capital_message = true;
        error
    }

    /// The same error, closing an HTTP/1.1 connection after it.
    pub fn closing(mut self) -> Self {
        self.closes_connection = true;
        self
    }

    fn new(status: StatusCode, error_type: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error_type,
            message: message.into(),
            closes_connection: false,
            capital_message: false,
        }
    }

    /// The `x-amzn-ErrorType` header value.
    pub fn error_type_header(&self) -> String {
        format!("{}:{ERROR_NAMESPACE}", self.error_type)
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        if self.capital_message {
            serde_json::json!({ "Message": self.message }).to_string()
        } else {
            serde_json::json!({ "message": self.message }).to_string()
        }
    }
}
