//! `GET /_emulator/stats`: the emulator's own health, for load tests and
//! `bedrock-bench calibrate`. Not a Bedrock route; needs no credentials.
//! `?reset=1` zeroes the lateness counters after reading them, to measure
//! one phase at a time.

use bytes::Bytes;
use http::{HeaderValue, Method, Response};

use super::body::ResponseBody;
use super::state::Shared;

/// The path of the stats route.
pub const STATS_PATH: &str = "/_emulator/stats";

/// Whether a request is for the stats route.
pub fn is_stats_request(method: &Method, path: &str) -> bool {
    method == Method::GET && path == STATS_PATH
}

/// The stats as JSON: frames written and their lateness (actual minus
/// scheduled write time) in microseconds, connection counts and limits,
/// request-body counts and limits, and ground-truth records lost.
pub fn stats_response(shared: &Shared, query: Option<&str>) -> Response<ResponseBody> {
    let lateness = shared.lateness.summary();
    let connections = shared.connections.stats();
    let limits = shared.connections.limits();
    let ground_truth = shared.ground_truth.errors();
    let bodies = shared.bodies.stats();
    let body_limits = shared.bodies.limits();
    let body = serde_json::json!({
        "uptime_s": shared.seconds_since_start(std::time::Instant::now()),
        "epoch_unix_us": shared
            .epoch_wall
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64),
        "time_scale": shared.time_scale,
        "frames": lateness.frames,
        "connections_accepted": connections.accepted,
        "connections_open": connections.open,
        "connections_closed_idle": connections.closed_idle,
        "connections_closed_header_timeout": connections.closed_header_timeout,
        "connections_closed_for_room": connections.closed_for_room,
        "connections_deferred_at_limit": connections.deferred_at_limit,
        "accept_errors": connections.accept_errors,
        "connections_http2": connections.http2,
        "max_connections": limits.max_connections,
        "header_read_timeout_s": limits.header_read_timeout.as_secs_f64(),
        "idle_timeout_s": limits.idle_timeout.as_secs_f64(),
        "request_bodies_timed_out": bodies.timed_out,
        "request_bodies_refused_buffer_full": bodies.refused_buffer_full,
        "request_body_bytes_buffered": bodies.buffered_bytes,
        "request_body_bytes_buffered_peak": bodies.peak_buffered_bytes,
        "max_buffered_body_bytes": body_limits.max_buffered_bytes,
        "max_body_bytes": body_limits.max_body_bytes,
        "body_read_timeout_s": body_limits.read_timeout.as_secs_f64(),
        "ground_truth_write_errors": ground_truth.write_errors,
        "ground_truth_records_lost": ground_truth.records_lost,
        "lateness_us": {
            "p50": lateness.p50.as_micros() as u64,
            "p99": lateness.p99.as_micros() as u64,
            "p999": lateness.p999.as_micros() as u64,
            "max": lateness.max.as_micros() as u64,
        },
    })
    .to_string();
    if query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair == "reset=1" || pair == "reset=true")
    }) {
        shared.lateness.reset();
    }
    let mut response = Response::new(ResponseBody::Full(Some(Bytes::from(body))));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
