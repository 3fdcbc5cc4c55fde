//! Reading a request body within the size limit.
//!
//! A body is always read before the request is answered, even when the
//! answer is an error: a server that answers and closes while the client is
//! still sending leaves unread bytes behind, and closing a socket with
//! unread bytes sends a TCP reset, which can destroy the answer before the
//! client reads it. A body over the limit is therefore read to its end and
//! thrown away (within [`DRAIN_MAX_BYTES`] and [`DRAIN_MAX_TIME`]) before
//! the 413 is sent.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::api_error::ApiError;

/// Most bytes of a refused body read and discarded before answering.
pub const DRAIN_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Longest time spent discarding a refused body.
pub const DRAIN_MAX_TIME: Duration = Duration::from_secs(5);

/// Read the whole body if it has at most `limit` bytes; otherwise discard
/// it and return the 413 to send.
pub async fn read_body(
    headers: &HeaderMap,
    body: Incoming,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let too_large = |size: String| {
        ApiError::too_large(format!(
            "The request body ({size}) exceeds the emulator's limit of {limit} bytes."
        ))
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > limit as u64) {
        if !expects_continue(headers) {
            drain(body).await;
        }
        return Err(too_large(format!("{length} bytes")));
    }
    let mut body = body;
    let mut collected = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            ApiError::validation(format!("The request body could not be read: {error}"))
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if collected.len() + data.len() > limit {
            drain(body).await;
            return Err(too_large("more bytes".into()));
        }
        collected.extend_from_slice(&data);
    }
    Ok(collected.freeze())
}

/// With `Expect: 100-continue` the client waits for a go-ahead before
/// sending the body; not reading it means it is never sent.
fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
}

/// Read and discard the rest of a body, within the drain bounds.
async fn drain(mut body: Incoming) {
    let discard = async {
        let mut seen = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                seen += data.len() as u64;
                if seen > DRAIN_MAX_BYTES {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_MAX_TIME, discard).await;
}
