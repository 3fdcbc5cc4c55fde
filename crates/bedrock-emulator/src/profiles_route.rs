//! `GET /_emulator/profiles`: every model the emulator serves, with its
//! profiles, quotas and where they come from (`sources`), as in force
//! (built-in table, overrides applied). Not a Bedrock route; needs no
//! credentials.

use bytes::Bytes;
use http::{HeaderValue, Method, Response};
use serde_json::{Map, Value};

use super::body::ResponseBody;
use super::state::Shared;

/// The path of the profiles route.
pub const PROFILES_PATH: &str = "/_emulator/profiles";

/// Whether a request is for the profiles route.
pub fn is_profiles_request(method: &Method, path: &str) -> bool {
    method == Method::GET && path == PROFILES_PATH
}

/// The profiles as JSON: `time_scale`, `model_minute_s` (real seconds in
/// a minute of model time, the quotas' minute), `models` by base id, and
/// `generic` (unknown ids under `--accept-any-model`).
pub fn profiles_response(shared: &Shared) -> Response<ResponseBody> {
    let models: Map<String, Value> = shared
        .profiles
        .model_ids()
        .filter_map(|id| {
            let profile = shared.profiles.lookup(id)?;
            Some((id.to_string(), serde_json::to_value(profile).ok()?))
        })
        .collect();
    let body = serde_json::json!({
        "time_scale": shared.time_scale,
        "model_minute_s": shared.minute_s(),
        "models": models,
        "generic": serde_json::to_value(shared.profiles.generic()).unwrap_or(Value::Null),
    })
    .to_string();
    let mut response = Response::new(ResponseBody::Full(Some(Bytes::from(body))));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
