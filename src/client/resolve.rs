//! Resolving the target as a run would, without making a call: `aws`
//! needs credentials, `auto` takes AWS when the default chain resolves
//! some and the emulator (with a loud notice) otherwise, and an
//! `AWS_PROFILE` that names no profile is an error either way.

use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_types::retry::RetryConfig;

use super::aws_files::{check_named_profile, check_shared_files};
use super::{ClientError, Target, TargetSettings};
use crate::call::redact;
use crate::config::TargetChoice;

/// How long `auto` waits for the credential chain before choosing the
/// emulator.
const CREDENTIAL_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the calls of a run would go, once the credentials are known.
#[derive(Debug)]
pub enum ResolvedTarget {
    /// Amazon Bedrock, with the default chain's settings (credentials
    /// resolved).
    Aws(Box<SdkConfig>),
    /// The built-in emulator (not started yet).
    Emulator,
}

impl ResolvedTarget {
    /// `aws` or `emulator`.
    pub fn target(&self) -> Target {
        match self {
            ResolvedTarget::Aws(_) => Target::Aws,
            ResolvedTarget::Emulator => Target::Emulator,
        }
    }

    /// What the calls would reach, in words, as [`super::Clients::describe`]
    /// says once they are made: Amazon Bedrock, an endpoint override, or
    /// the built-in emulator and its time scale.
    pub fn describe(&self, settings: &TargetSettings) -> String {
        match self {
            ResolvedTarget::Aws(sdk) => super::describe_aws(settings.endpoint_url.as_deref(), sdk),
            ResolvedTarget::Emulator => format!(
                "the built-in emulator (time scale {})",
                settings.emulator.time_scale
            ),
        }
    }

    /// [`TargetChoice::Aws`] or [`TargetChoice::Emulator`].
    pub fn choice(&self) -> TargetChoice {
        match self {
            ResolvedTarget::Aws(_) => TargetChoice::Aws,
            ResolvedTarget::Emulator => TargetChoice::Emulator,
        }
    }
}

/// Resolve `settings.choice` as a run does before its first call: the
/// AWS shared files and `AWS_PROFILE` are checked, the default credential
/// chain is asked (within [`CREDENTIAL_PROBE_TIMEOUT`]); `auto` without
/// credentials is the emulator, with a notice on stderr. No model is
/// called and no emulator is started.
pub async fn resolve_target(settings: &TargetSettings) -> Result<ResolvedTarget, ClientError> {
    if settings.choice == TargetChoice::Emulator {
        return Ok(ResolvedTarget::Emulator);
    }
    check_shared_files()?;
    check_named_profile()?;
    let sdk = load_aws_config().await;
    match (probe_credentials(&sdk).await, settings.choice) {
        (Ok(()), _) => Ok(ResolvedTarget::Aws(Box::new(sdk))),
        (Err(reason), TargetChoice::Aws) => Err(ClientError::NoCredentials {
            reason,
            emulator_hint: settings.emulator_hint,
        }),
        (Err(reason), _) => {
            eprintln!(
                "\n*** bedrock-bench: no AWS credentials resolved ({reason}).\n\
                 *** Benchmarking the BUILT-IN EMULATOR: every number is SIMULATED, not Amazon Bedrock.\n\
                 *** Configure credentials (profile, SSO or environment) to measure Bedrock,\n\
                 *** or choose the emulator explicitly to silence this notice: {}\n",
                settings.emulator_hint
            );
            Ok(ResolvedTarget::Emulator)
        }
    }
}

async fn load_aws_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(super::https_client())
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// Whether the default chain yields credentials (or a Bedrock bearer
/// token), within a bounded time. The error says why not.
async fn probe_credentials(sdk: &SdkConfig) -> Result<(), String> {
    redact::register_environment_secrets();
    if std::env::var("AWS_BEARER_TOKEN_BEDROCK").is_ok_and(|t| !t.is_empty()) {
        return Ok(());
    }
    let Some(provider) = sdk.credentials_provider() else {
        return Err("no credentials provider is configured".into());
    };
    match tokio::time::timeout(CREDENTIAL_PROBE_TIMEOUT, provider.provide_credentials()).await {
        Ok(Ok(credentials)) => {
            // Never echoed back into a row or a report (see call::redact).
            redact::register_secret(credentials.access_key_id());
            redact::register_secret(credentials.secret_access_key());
            if let Some(token) = credentials.session_token() {
                redact::register_secret(token);
            }
            Ok(())
        }
        Ok(Err(error)) => Err(match std::error::Error::source(&error) {
            Some(cause) => format!("{error}: {cause}"),
            None => error.to_string(),
        }),
        Err(_) => Err(format!(
            "the credential chain did not answer within {} s",
            CREDENTIAL_PROBE_TIMEOUT.as_secs()
        )),
    }
}
