//! Bedrock's control plane, read-only and from the catalog: the REST-JSON
//! operations `ListFoundationModels` (`GET /foundation-models`),
//! `GetFoundationModel` (`GET /foundation-models/{modelIdentifier}`) and
//! `ListInferenceProfiles` (`GET /inference-profiles`), on the same port
//! as the runtime, so that `aws-sdk-bedrock` (and `aws bedrock ...`) can
//! be pointed at the emulator and list exactly the models it serves.
//!
//! The region is the one of the request's SigV4 credential scope
//! (`us-east-1` for a bearer token): it goes into the ARNs and picks the
//! inference profiles listed (the region's geography and `global`). Every
//! catalog model is listed in every region.

use bedrock_catalog::availability::{
    on_demand, profile_destinations, profile_geographies, profile_id, provider_name,
};
use bedrock_catalog::{MODELS, ModelInfo};
use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::api_error::ApiError;

/// The account id in the emulator's inference-profile ARNs.
const ACCOUNT: &str = "123456789012";
/// `createdAt` and `updatedAt` of every inference profile (ISO 8601, as
/// the API writes them).
const PROFILE_TIME: &str = "2024-11-01T00:00:00Z";
/// `maxResults` of ListInferenceProfiles when none is asked (the API's
/// largest).
const MAX_RESULTS: usize = 1000;
/// The region when the request names none (a bearer token).
const DEFAULT_REGION: &str = "us-east-1";

/// A control-plane operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlOperation {
    /// `GET /foundation-models`.
    ListFoundationModels,
    /// `GET /foundation-models/{modelIdentifier}`, percent-decoded.
    GetFoundationModel(String),
    /// `GET /inference-profiles`.
    ListInferenceProfiles,
}

/// The control-plane operation at `path`: `None` when the path is not a
/// control-plane path (the runtime's routes then apply), an error for a
/// method other than GET or an identifier that does not decode.
pub fn route(method: &Method, path: &str) -> Option<Result<ControlOperation, ApiError>> {
    let operation = match path.trim_end_matches('/') {
        "/foundation-models" => Ok(ControlOperation::ListFoundationModels),
        "/inference-profiles" => Ok(ControlOperation::ListInferenceProfiles),
        other => {
            let raw = other.strip_prefix("/foundation-models/")?;
            percent_decode_str(raw)
                .decode_utf8()
                .map(|id| ControlOperation::GetFoundationModel(id.into_owned()))
                .map_err(|_| {
                    ApiError::validation(
                        "The model identifier is not valid UTF-8 after percent-decoding.",
                    )
                })
        }
    };
    if method != Method::GET {
        return Some(Err(ApiError::unknown_operation(format!(
            "The control-plane operations at {path} take GET, not {method}."
        ))));
    }
    Some(operation)
}

/// The region of the request: the SigV4 credential scope's
/// (`Credential=AKID/20250101/us-east-2/bedrock/aws4_request`), else
/// `us-east-1`.
pub fn region(headers: &HeaderMap) -> String {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("Credential=").nth(1))
        .and_then(|scope| scope.split(['/', ',']).nth(2))
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(DEFAULT_REGION)
        .to_string()
}

/// Answer `operation` for `region` with the request's query string: the
/// JSON body of a 200, or the error.
pub fn answer(
    operation: &ControlOperation,
    region: &str,
    query: Option<&str>,
) -> Result<String, ApiError> {
    let query = parse_query(query);
    let body = match operation {
        ControlOperation::ListFoundationModels => list_foundation_models(region, &query),
        ControlOperation::GetFoundationModel(id) => {
            let base = if id.starts_with("arn:") {
                id.rsplit('/').next().unwrap_or(id)
            } else {
                id
            };
            let model = MODELS.iter().find(|m| m.id == base).ok_or_else(|| {
                ApiError::resource_not_found(format!(
                    "Could not resolve the foundation model from the provided model identifier {id}."
                ))
            })?;
            json!({ "modelDetails": model_summary(model, region) })
        }
        ControlOperation::ListInferenceProfiles => list_inference_profiles(region, &query)?,
    };
    Ok(body.to_string())
}

fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

fn param<'q>(query: &'q [(String, String)], key: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn inference_types(model: &ModelInfo) -> &'static [&'static str] {
    if on_demand(model) {
        &["ON_DEMAND"]
    } else {
        &["INFERENCE_PROFILE"]
    }
}

fn model_arn(region: &str, model: &ModelInfo) -> String {
    format!("arn:aws:bedrock:{region}::foundation-model/{}", model.id)
}

/// A `FoundationModelSummary` (also the shape of `modelDetails`).
fn model_summary(model: &ModelInfo, region: &str) -> Value {
    json!({
        "modelArn": model_arn(region, model),
        "modelId": model.id,
        "modelName": model.name,
        "providerName": provider_name(model),
        "inputModalities": ["TEXT"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": true,
        "customizationsSupported": [],
        "inferenceTypesSupported": inference_types(model),
        "modelLifecycle": { "status": "ACTIVE" },
    })
}

fn list_foundation_models(region: &str, query: &[(String, String)]) -> Value {
    let provider = param(query, "byProvider");
    let output = param(query, "byOutputModality");
    let inference = param(query, "byInferenceType");
    let customization = param(query, "byCustomizationType");
    let summaries: Vec<Value> = MODELS
        .iter()
        .filter(|m| provider.is_none_or(|p| provider_name(m).eq_ignore_ascii_case(p)))
        .filter(|_| output.is_none_or(|o| o == "TEXT"))
        .filter(|m| inference.is_none_or(|t| inference_types(m).contains(&t)))
        // No model of the emulator can be customized.
        .filter(|_| customization.is_none())
        .map(|m| model_summary(m, region))
        .collect();
    json!({ "modelSummaries": summaries })
}

fn profile_summary(model: &ModelInfo, geography: &str, region: &str) -> Value {
    let id = profile_id(geography, model);
    let destinations = profile_destinations(geography, region);
    json!({
        "inferenceProfileName": format!("{} {}", geography.to_uppercase(), model.name),
        "inferenceProfileArn": format!("arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{id}"),
        "inferenceProfileId": id,
        "description": format!("Routes requests to {} in {}.", model.name, destinations.join(", ")),
        "createdAt": PROFILE_TIME,
        "updatedAt": PROFILE_TIME,
        "models": destinations
            .iter()
            .map(|r| json!({ "modelArn": model_arn(r, model) }))
            .collect::<Vec<_>>(),
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    })
}

fn list_inference_profiles(region: &str, query: &[(String, String)]) -> Result<Value, ApiError> {
    let max = match param(query, "maxResults") {
        None => MAX_RESULTS,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_RESULTS).contains(&n) => n,
            _ => {
                return Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{text}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {MAX_RESULTS}"
                )));
            }
        },
    };
    let start = match param(query, "nextToken") {
        None => 0,
        Some(token) => token
            .strip_prefix("emulator-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::validation("The pagination token is invalid."))?,
    };
    let all: Vec<Value> = match param(query, "type") {
        // The emulator has no application inference profiles.
        Some(kind) if kind != "SYSTEM_DEFINED" => Vec::new(),
        _ => MODELS
            .iter()
            .flat_map(|m| {
                profile_geographies(m, region)
                    .into_iter()
                    .map(move |geo| profile_summary(m, geo, region))
            })
            .collect(),
    };
    if start > all.len() {
        return Err(ApiError::validation("The pagination token is invalid."));
    }
    let end = (start + max).min(all.len());
    let mut body = json!({ "inferenceProfileSummaries": all[start..end] });
    if end < all.len() {
        body["nextToken"] = json!(format!("emulator-{end}"));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_regions() {
        assert_eq!(
            route(&Method::GET, "/foundation-models").map(Result::unwrap),
            Some(ControlOperation::ListFoundationModels)
        );
        assert_eq!(
            route(&Method::GET, "/foundation-models/amazon.nova-pro-v1%3A0").map(Result::unwrap),
            Some(ControlOperation::GetFoundationModel(
                "amazon.nova-pro-v1:0".into()
            ))
        );
        assert!(route(&Method::POST, "/inference-profiles").is_some_and(|r| r.is_err()));
        assert!(route(&Method::POST, "/model/x/converse-stream").is_none());
        let mut headers = HeaderMap::new();
        assert_eq!(region(&headers), "us-east-1");
        headers.insert(
            http::header::AUTHORIZATION,
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/bedrock/aws4_request, SignedHeaders=host, Signature=abc"
                .parse()
                .unwrap(),
        );
        assert_eq!(region(&headers), "eu-west-1");
    }

    #[test]
    fn profiles_page_through_every_profile_once() {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let query = match &token {
                Some(t) => format!("maxResults=7&nextToken={t}"),
                None => "maxResults=7".to_string(),
            };
            let body: Value = serde_json::from_str(
                &answer(
                    &ControlOperation::ListInferenceProfiles,
                    "us-east-2",
                    Some(&query),
                )
                .unwrap(),
            )
            .unwrap();
            let page = body["inferenceProfileSummaries"].as_array().unwrap();
            assert!(page.len() <= 7);
            seen.extend(page.iter().map(|p| p["inferenceProfileId"].clone()));
            match body["nextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        let all: Value = serde_json::from_str(
            &answer(&ControlOperation::ListInferenceProfiles, "us-east-2", None).unwrap(),
        )
        .unwrap();
        let all: Vec<Value> = all["inferenceProfileSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["inferenceProfileId"].clone())
            .collect();
        assert_eq!(seen, all);
        assert!(all.contains(&json!("us.amazon.nova-pro-v1:0")));
        assert!(!all.contains(&json!("eu.amazon.nova-pro-v1:0")));
    }
}
