//! Reading a request body within the size limit, the body read timeout
//! and the buffer limit (see [`super::request_bodies`]).
//!
//! A body is always read before the request is answered, even when the
//! answer is an error: a server that answers and closes while the client is
//! still sending leaves unread bytes behind, and closing a socket with
//! unread bytes sends a TCP reset, which can destroy the answer before the
//! client reads it. A refused HTTP/1.1 body is therefore read to its end
//! and thrown away (within [`DRAIN_MAX_BYTES`], [`DRAIN_MAX_TIME`] and the
//! body's deadline) before the error is sent. An HTTP/2 stream needs no
//! such care: its answer is sent at once, and the rest of its body reset.
//!
//! A body that is not complete by its deadline is not drained: its client
//! has stopped sending, and the answer (408) closes the connection.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Version};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::api_error::ApiError;
use super::faults::Fault;
use super::request_bodies::{BufferShare, RequestBodies};

/// Most bytes of a refused body read and discarded before answering.
pub const DRAIN_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Longest time spent discarding a refused body.
pub const DRAIN_MAX_TIME: Duration = Duration::from_secs(5);

/// A whole request body, and its share of the emulator's body buffer
/// (released when this is dropped).
#[derive(Debug)]
pub struct ReadBody {
    /// The body.
    pub bytes: Bytes,
    _share: BufferShare,
}

/// Why a body could not be read: the error to answer and, when the
/// request never arrived whole (its body timed out or did not fit the
/// buffer), the fault to record; such an error is answered before any
/// other.
#[derive(Debug)]
pub struct BodyError {
    /// The answer.
    pub error: ApiError,
    /// `body_read_timeout` or `body_buffer_full`.
    pub incomplete: Option<Fault>,
}

/// Read the whole body of a request whose head was read at `received`:
/// at most the size limit, complete within the read timeout, each of its
/// bytes counted against the buffer limit.
pub async fn read_body(
    headers: &HeaderMap,
    version: Version,
    body: Incoming,
    bodies: &std::sync::Arc<RequestBodies>,
    received: Instant,
) -> Result<ReadBody, BodyError> {
    let limits = *bodies.limits();
    let limit = limits.max_body_bytes;
    let deadline = received
        .checked_add(limits.read_timeout)
        .unwrap_or(received);
    let drains = version < Version::HTTP_2;
    let too_large = |size: String| BodyError {
        error: ApiError::too_large(format!(
            "The request body ({size}) exceeds the emulator's limit of {limit} bytes."
        )),
        incomplete: None,
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > limit as u64) {
        if drains && !expects_continue(headers) {
            drain(body, deadline).await;
        }
        return Err(too_large(format!("{length} bytes")));
    }
    let mut body = body;
    let mut share = bodies.share();
    let mut collected = BytesMut::new();
    loop {
        let next = tokio::time::timeout_at(deadline.into(), body.frame()).await;
        let frame = match next {
            Err(_) => {
                bodies.note_timed_out();
                return Err(BodyError {
                    error: ApiError::request_timeout(format!(
                        "The request body was not complete within {} s of the request's headers \
                         (the emulator's body read timeout, --body-timeout); {} bytes had arrived.",
                        limits.read_timeout.as_secs_f64(),
                        collected.len()
                    )),
                    incomplete: Some(Fault::BodyReadTimeout),
                });
            }
            Ok(None) => break,
            Ok(Some(frame)) => frame,
        };
        let frame = frame.map_err(|error| BodyError {
            error: ApiError::validation(format!("The request body could not be read: {error}")),
            incomplete: None,
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if collected.len() + data.len() > limit {
            drop((collected, share));
            if drains {
                drain(body, deadline).await;
            }
            return Err(too_large("more bytes".into()));
        }
        if let Err(full) = share.grow(data.len()) {
            let had = collected.len();
            // Release what this body held before waiting on anything.
            drop((collected, share));
            if drains {
                drain(body, deadline).await;
            }
            return Err(BodyError {
                error: ApiError::service_unavailable(format!(
                    "The emulator holds {} bytes of request bodies, its limit of {} \
                     (--max-buffered-body-mib); this request's body ({} bytes so far) does not \
                     fit. Retry the request.",
                    full.held,
                    limits.max_buffered_bytes,
                    had + full.asked
                ))
                .closing(),
                incomplete: Some(Fault::BodyBufferFull),
            });
        }
        collected.extend_from_slice(&data);
    }
    Ok(ReadBody {
        bytes: collected.freeze(),
        _share: share,
    })
}

/// With `Expect: 100-continue` the client waits for a go-ahead before
/// sending the body; not reading it means it is never sent.
fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
}

/// Read and discard the rest of a body, within the drain bounds and the
/// body's deadline.
async fn drain(mut body: Incoming, deadline: Instant) {
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
    let until = deadline.min(Instant::now() + DRAIN_MAX_TIME);
    let _ = tokio::time::timeout_at(until.into(), discard).await;
}
