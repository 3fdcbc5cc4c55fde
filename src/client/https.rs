//! The HTTP client of every SDK client and credential provider: hyper 1
//! with rustls on the `ring` crypto provider and the system's root
//! certificates, made as the SDK's own default client is made (each
//! client's connector settings and sleep, the proxy from `HTTPS_PROXY`,
//! `HTTP_PROXY` and `NO_PROXY`), without that default's C build of aws-lc.
//! The SDK crates are built without a default client, so a client or
//! credential provider not handed this one fails at once, saying so.

use aws_sdk_bedrockruntime::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder};

/// A new HTTPS (and plain HTTP) client with its own connection pool: the
/// default credential chain's providers (SSO, STS web identity, ECS and
/// EC2 metadata) and the runtime and control-plane clients use it.
pub fn https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::Ring));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// A connector of its own (a new connection pool) for the requests the
/// SDK has no operation for (the OpenAI-compatible and Anthropic Messages
/// APIs), made as [`https_client`]'s connectors are: rustls on `ring`, the
/// system's root certificates, the proxy from the environment.
pub fn http_connector() -> aws_smithy_http_client::Connector {
    let mut connector =
        ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::Ring));
    connector.set_proxy_config(Some(ProxyConfig::from_env()));
    connector.build()
}
