//! Authentication: a SigV4 signature (never verified) or a Bedrock API
//! key, `Authorization: Bearer <key>` (Amazon Bedrock User Guide, "Use an
//! Amazon Bedrock API key"). On the Anthropic Messages route the key may
//! also come as `x-api-key` (Anthropic Messages API, "Authentication"),
//! the header Anthropic's SDKs send their `api_key` in.
//!
//! With no key configured, any non-empty bearer token is accepted, as a
//! signature is. With keys configured ([`crate::EmulatorConfig::api_keys`]),
//! a token that is not one of them is refused as Bedrock refuses it: 403
//! AccessDeniedException, `{"Message":"Invalid API Key format: Must start
//! with pre-defined prefix"}` when it lacks a key's prefix
//! (`bedrock-api-key-` or `ABSK`), `{"Message":"Authentication failed:
//! Please make sure your API Key is valid."}` otherwise. A key is never
//! logged nor written to the ground truth: only the scheme is.

use http::HeaderMap;

use crate::api_error::ApiError;

/// The prefixes a Bedrock API key starts with: short-term keys, long-term
/// keys.
pub const KEY_PREFIXES: [&str; 2] = ["bedrock-api-key-", "ABSK"];

/// The valid API keys ([`crate::EmulatorConfig::api_keys`]); empty: any
/// non-empty key is accepted. Its `Debug` shows how many keys there are,
/// never the keys.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKeys(Vec<String>);

impl ApiKeys {
    /// These keys (surrounding blanks trimmed, empty ones dropped).
    pub fn new<I, S>(keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        ApiKeys(
            keys.into_iter()
                .map(|k| k.as_ref().trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
        )
    }

    /// Whether no key is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many keys are configured.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether `key` is one of them.
    fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|k| k == key)
    }
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} configured)", self.0.len())
    }
}

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: AWS4-HMAC-SHA256 ...` (not verified).
    SigV4,
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `x-api-key: <key>` (the Anthropic Messages route only).
    XApiKey,
}

impl AuthScheme {
    /// The ground truth's name: `sigv4`, `bearer` or `x-api-key`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::SigV4 => "sigv4",
            AuthScheme::Bearer => "bearer",
            AuthScheme::XApiKey => "x-api-key",
        }
    }
}

/// The scheme a request's headers claim, before any check: what the
/// ground truth records even for a refused request. `x_api_key`: the
/// route reads `x-api-key` too.
pub fn scheme_of(headers: &HeaderMap, x_api_key: bool) -> Option<AuthScheme> {
    match headers.get(http::header::AUTHORIZATION) {
        Some(value) => {
            let value = value.to_str().unwrap_or("");
            if value.starts_with("AWS4-HMAC-SHA256 ") {
                Some(AuthScheme::SigV4)
            } else if value.starts_with("Bearer ") {
                Some(AuthScheme::Bearer)
            } else {
                None
            }
        }
        None if x_api_key && headers.contains_key("x-api-key") => Some(AuthScheme::XApiKey),
        None => None,
    }
}

/// Require a SigV4 signature or an API key (checked against `keys` when
/// there are any); `x_api_key`: the route also reads the key from
/// `x-api-key`. The scheme used, or the 403 Bedrock answers.
pub fn authorize(
    headers: &HeaderMap,
    keys: &ApiKeys,
    x_api_key: bool,
) -> Result<AuthScheme, ApiError> {
    let scheme = scheme_of(headers, x_api_key);
    let key = match scheme {
        Some(AuthScheme::SigV4) => return Ok(AuthScheme::SigV4),
        Some(AuthScheme::Bearer) => headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or(""),
        Some(AuthScheme::XApiKey) => headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        None if headers.contains_key(http::header::AUTHORIZATION) => {
            return Err(ApiError::access_denied(
                "Authorization header must be a SigV4 signature (AWS4-HMAC-SHA256) or a Bearer token.",
            ));
        }
        None => {
            return Err(ApiError::access_denied(
                "Missing Authentication Token: the request has no Authorization header.",
            ));
        }
    };
    let key = key.trim();
    let scheme = scheme.unwrap_or(AuthScheme::Bearer);
    if keys.is_empty() {
        return if key.is_empty() {
            Err(ApiError::bad_api_key(
                "Invalid API Key format: Must start with pre-defined prefix",
            ))
        } else {
            Ok(scheme)
        };
    }
    if keys.contains(key) {
        Ok(scheme)
    } else if !KEY_PREFIXES.iter().any(|p| key.starts_with(p)) {
        Err(ApiError::bad_api_key(
            "Invalid API Key format: Must start with pre-defined prefix",
        ))
    } else {
        Err(ApiError::bad_api_key(
            "Authentication failed: Please make sure your API Key is valid.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        headers
    }

    #[test]
    fn authorization_is_required_but_a_signature_is_not_verified() {
        let none = HeaderMap::new();
        assert_eq!(
            authorize(&none, &ApiKeys::default(), false)
                .unwrap_err()
                .status,
            403
        );
        let basic = with("authorization", "Basic abc");
        assert_eq!(
            authorize(&basic, &ApiKeys::default(), false)
                .unwrap_err()
                .error_type,
            "AccessDeniedException"
        );
        let bearer = with("authorization", "Bearer token");
        assert_eq!(
            authorize(&bearer, &ApiKeys::default(), false),
            Ok(AuthScheme::Bearer)
        );
        let sigv4 = with(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-2/bedrock/aws4_request, SignedHeaders=host, Signature=00",
        );
        let keys = ApiKeys::new(["bedrock-api-key-good"]);
        assert_eq!(
            authorize(&sigv4, &ApiKeys::default(), false),
            Ok(AuthScheme::SigV4)
        );
        assert_eq!(authorize(&sigv4, &keys, false), Ok(AuthScheme::SigV4));
    }

    #[test]
    fn configured_keys_refuse_the_others_as_bedrock_does() {
        let keys = ApiKeys::new(["bedrock-api-key-good", " ABSKgood ", ""]);
        assert_eq!(keys.len(), 2);
        assert_eq!(format!("{keys:?}"), "ApiKeys(2 configured)");
        for good in ["Bearer bedrock-api-key-good", "Bearer ABSKgood"] {
            assert_eq!(
                authorize(&with("authorization", good), &keys, false),
                Ok(AuthScheme::Bearer)
            );
        }
        let wrong = authorize(
            &with("authorization", "Bearer bedrock-api-key-bad"),
            &keys,
            false,
        )
        .unwrap_err();
        assert_eq!(
            (wrong.status.as_u16(), wrong.error_type),
            (403, "AccessDeniedException")
        );
        assert_eq!(
            wrong.body(),
            r#"{"Message":"Authentication failed: Please make sure your API Key is valid."}"#
        );
        let unprefixed =
            authorize(&with("authorization", "Bearer sk-123"), &keys, false).unwrap_err();
        assert_eq!(
            unprefixed.body(),
            r#"{"Message":"Invalid API Key format: Must start with pre-defined prefix"}"#
        );
    }

    #[test]
    fn x_api_key_counts_only_where_the_route_reads_it() {
        let keys = ApiKeys::new(["bedrock-api-key-good"]);
        let headers = with("x-api-key", "bedrock-api-key-good");
        assert_eq!(authorize(&headers, &keys, true), Ok(AuthScheme::XApiKey));
        assert_eq!(authorize(&headers, &keys, false).unwrap_err().status, 403);
        let bad = with("x-api-key", "ABSKother");
        assert!(
            authorize(&bad, &keys, true)
                .unwrap_err()
                .message
                .starts_with("Authentication failed")
        );
        assert_eq!(scheme_of(&bad, true), Some(AuthScheme::XApiKey));
        assert_eq!(scheme_of(&bad, false), None);
    }
}
