//! The transport of the APIs the SDK has no operation for (the
//! OpenAI-compatible Chat Completions API and Anthropic's Messages API):
//! one JSON `POST` through the same HTTP connector the SDK clients are
//! made with (hyper 1 with rustls, the proxy from the environment),
//! authenticated as the SDK authenticates: a Bedrock API key from
//! `AWS_BEARER_TOKEN_BEDROCK` as `Authorization: Bearer`, else SigV4 with
//! the default credential chain's credentials (signing name `bedrock` on
//! `bedrock-runtime`, `bedrock-mantle` on `bedrock-mantle`).
//!
//! Everything that can take time before the request leaves (resolving
//! credentials, signing) happens in [`HttpApi::prepare`], before the
//! timed call's `t0`.

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;
use bedrock_catalog::Endpoint;

use super::redact::redact;

/// The environment variable holding a Bedrock API key.
pub const BEARER_TOKEN_ENV: &str = "AWS_BEARER_TOKEN_BEDROCK";

/// Credentials this close to their expiry are resolved again.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// How the HTTP APIs' requests are authenticated.
pub enum HttpAuth {
    /// A Bedrock API key, sent as `Authorization: Bearer`.
    Bearer(String),
    /// SigV4 with credentials from a provider (cached until near expiry).
    SigV4 {
        /// The provider (the default chain's, or static test credentials).
        provider: SharedCredentialsProvider,
        /// The credentials last resolved.
        cached: tokio::sync::Mutex<Option<Credentials>>,
    },
    /// Neither: every request fails, saying so.
    Missing,
}

impl HttpAuth {
    /// SigV4 with `provider`'s credentials.
    pub fn sigv4(provider: SharedCredentialsProvider) -> HttpAuth {
        HttpAuth::SigV4 {
            provider,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// A Bedrock API key from [`BEARER_TOKEN_ENV`], when it holds one.
    pub fn bearer_from_env() -> Option<HttpAuth> {
        std::env::var(BEARER_TOKEN_ENV)
            .ok()
            .map(|token| token.trim().to_string())
            .filter(|token| !token.is_empty())
            .map(HttpAuth::Bearer)
    }

    /// `bearer` or `sigv4`, as the records say.
    pub fn scheme(&self) -> &'static str {
        match self {
            HttpAuth::Bearer(_) => "bearer",
            HttpAuth::SigV4 { .. } => "sigv4",
            HttpAuth::Missing => "none",
        }
    }

    async fn credentials(
        provider: &SharedCredentialsProvider,
        cached: &tokio::sync::Mutex<Option<Credentials>>,
    ) -> Result<Credentials, String> {
        let mut cached = cached.lock().await;
        let fresh = cached.as_ref().is_some_and(|credentials| {
            credentials.expiry().is_none_or(|expiry| {
                expiry
                    .duration_since(SystemTime::now())
                    .is_ok_and(|left| left > REFRESH_BEFORE_EXPIRY)
            })
        });
        if !fresh {
            let credentials = provider
                .provide_credentials()
                .await
                .map_err(|error| redact(&format!("no AWS credentials: {error}")).into_owned())?;
            *cached = Some(credentials);
        }
        cached
            .clone()
            .ok_or_else(|| "no AWS credentials were resolved".to_string())
    }
}

impl fmt::Debug for HttpAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key or the credentials.
        f.write_str(self.scheme())
    }
}

/// Where the HTTP APIs' requests go.
#[derive(Debug, Clone)]
pub enum HttpBase {
    /// Amazon Bedrock's regional endpoints, or one URL that replaces both
    /// (an endpoint override).
    Aws {
        /// The URL that replaces the regional endpoints.
        override_url: Option<String>,
    },
    /// An emulator, which serves every endpoint's paths at one address.
    Emulator(String),
}

/// A client for the HTTP APIs in one region: a connector (its own
/// connection pool, kept warm across calls as the SDK client's is), the
/// base URL and the authentication.
pub struct HttpApi {
    connector: SharedHttpConnector,
    base: HttpBase,
    region: String,
    auth: HttpAuth,
}

impl fmt::Debug for HttpApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpApi")
            .field("base", &self.base)
            .field("region", &self.region)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// A request ready to leave: built, authenticated, not yet sent.
pub struct Prepared(HttpRequest);

impl HttpApi {
    /// A client for `region` sending through `connector`.
    pub fn new(
        connector: SharedHttpConnector,
        base: HttpBase,
        region: impl Into<String>,
        auth: HttpAuth,
    ) -> HttpApi {
        HttpApi {
            connector,
            base,
            region: region.into(),
            auth,
        }
    }

    /// `bearer` or `sigv4`.
    pub fn auth_scheme(&self) -> &'static str {
        self.auth.scheme()
    }

    /// The URL of `path` on `endpoint`.
    pub fn url(&self, endpoint: Endpoint, path: &str) -> String {
        let base = match &self.base {
            HttpBase::Aws {
                override_url: Some(url),
            }
            | HttpBase::Emulator(url) => url.clone(),
            HttpBase::Aws { override_url: None } => endpoint.base_url(&self.region),
        };
        format!("{}{path}", base.trim_end_matches('/'))
    }

    /// Build and authenticate a JSON `POST` of `body` to `path` on
    /// `endpoint`, with `headers` besides the content type.
    pub async fn prepare(
        &self,
        endpoint: Endpoint,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Prepared, String> {
        let url = self.url(endpoint, path);
        let uri: http::Uri = url
            .parse()
            .map_err(|error| format!("the URL {url} is not valid: {error}"))?;
        let host = uri
            .authority()
            .map(|authority| authority.as_str().to_string())
            .ok_or_else(|| format!("the URL {url} has no host"))?;
        let mut builder = http::Request::builder()
            .method("POST")
            .uri(uri)
            .header("host", host)
            .header("content-type", "application/json")
            .header("accept", "text/event-stream");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder
            .body(SdkBody::empty())
            .map_err(|error| format!("the request could not be built: {error}"))?;
        match &self.auth {
            HttpAuth::Bearer(token) => {
                let value = http::HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| format!("{BEARER_TOKEN_ENV} holds characters a header cannot"))?;
                request.headers_mut().insert("authorization", value);
            }
            HttpAuth::Missing => {
                return Err(format!(
                    "no AWS credentials and no {BEARER_TOKEN_ENV} to call this API with"
                ));
            }
            HttpAuth::SigV4 { provider, cached } => {
                let credentials = HttpAuth::credentials(provider, cached).await?;
                sign_request(
                    &mut request,
                    &body,
                    &credentials,
                    &self.region,
                    endpoint.signing_name(),
                )?;
            }
        }
        *request.body_mut() = SdkBody::from(body);
        HttpRequest::try_from(request)
            .map(Prepared)
            .map_err(|error| format!("the request could not be built: {error}"))
    }

    /// Send a prepared request; the response's head when it arrives.
    pub async fn send(&self, request: Prepared) -> Result<HttpResponse, String> {
        self.connector.call(request.0).await.map_err(|error| {
            redact(&aws_smithy_types::error::display::DisplayErrorContext(&error).to_string())
                .into_owned()
        })
    }
}

/// Sign `request` (whose body is `body`) with SigV4.
fn sign_request(
    request: &mut http::Request<SdkBody>,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    name: &str,
) -> Result<(), String> {
    let identity: Identity = credentials.clone().into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(name)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|error| format!("the request could not be signed: {error}"))?
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|error| format!("the request could not be signed: {error}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|error| format!("the request could not be signed: {error}"))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_endpoint_unless_one_address_replaces_both() {
        let connector = SharedHttpConnector::new(crate::client::http_connector());
        let aws = HttpApi::new(
            connector.clone(),
            HttpBase::Aws { override_url: None },
            "us-west-2",
            HttpAuth::Bearer("k".into()),
        );
        assert_eq!(
            aws.url(Endpoint::Mantle, "/v1/chat/completions"),
            "https://bedrock-mantle.us-west-2.api.aws/v1/chat/completions"
        );
        assert_eq!(
            aws.url(Endpoint::Runtime, "/anthropic/v1/messages"),
            "https://bedrock-runtime.us-west-2.amazonaws.com/anthropic/v1/messages"
        );
        let emulator = HttpApi::new(
            connector,
            HttpBase::Emulator("http://127.0.0.1:9/".into()),
            "us-east-1",
            HttpAuth::Bearer("bedrock-api-key-c2VjcmV0".into()),
        );
        assert_eq!(
            emulator.url(Endpoint::Mantle, "/v1/chat/completions"),
            "http://127.0.0.1:9/v1/chat/completions"
        );
        assert!(
            !format!("{emulator:?}").contains("c2VjcmV0"),
            "{emulator:?}"
        );
    }

    #[tokio::test]
    async fn sigv4_signs_with_the_endpoint_s_signing_name_and_bearer_sends_the_key() {
        let connector = SharedHttpConnector::new(crate::client::http_connector());
        let signed = HttpApi::new(
            connector.clone(),
            HttpBase::Emulator("http://127.0.0.1:9".into()),
            "us-east-1",
            HttpAuth::sigv4(SharedCredentialsProvider::new(
                crate::client::static_test_credentials(),
            )),
        );
        let request = signed
            .prepare(
                Endpoint::Mantle,
                "/v1/chat/completions",
                &[],
                b"{}".to_vec(),
            )
            .await
            .expect("signed");
        let authorization = request.0.headers().get("authorization").expect("signed");
        assert!(
            authorization.contains("/us-east-1/bedrock-mantle/aws4_request"),
            "{authorization}"
        );
        let bearer = HttpApi::new(
            connector,
            HttpBase::Emulator("http://127.0.0.1:9".into()),
            "us-east-1",
            HttpAuth::Bearer("bedrock-api-key-x".into()),
        );
        let request = bearer
            .prepare(
                Endpoint::Runtime,
                "/anthropic/v1/messages",
                &[("anthropic-version", "2023-06-01")],
                b"{}".to_vec(),
            )
            .await
            .expect("built");
        assert_eq!(
            request.0.headers().get("authorization"),
            Some("Bearer bedrock-api-key-x")
        );
        assert_eq!(
            request.0.headers().get("anthropic-version"),
            Some("2023-06-01")
        );
    }
}
