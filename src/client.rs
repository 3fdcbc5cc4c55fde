//! Targets and SDK clients: Amazon Bedrock through the default credential
//! chain, or the built-in emulator on loopback.
//!
//! Every client has SDK retries off (one attempt per call: the caller
//! retries, so that every attempt is measured and recorded) and the SDK's
//! stalled-stream protection off (the harness's own per-call timeout ends a
//! stalled stream, as a `Timeout` record that keeps its partial timings).
//! With [`ConnectionMode::Warm`] there is one client per region, reused, so
//! calls after the first ride a warm connection; with
//! [`ConnectionMode::Cold`] each call gets a new HTTP client and therefore a
//! new TCP (and TLS) connection, whose setup then counts in TTFT.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::config::{Region, StalledStreamProtectionConfig};
use aws_smithy_http_client::tls;
use aws_smithy_types::retry::RetryConfig;

use crate::config::{ConnectionMode, TargetChoice};
use crate::emulator::{Emulator, EmulatorConfig, EmulatorError, ProfileSet};

/// Environment variable that picks the target (`aws`, `emulator`, `auto`).
pub const TARGET_ENV: &str = "BEDROCK_BENCH_TARGET";
/// Environment variable with the emulator's time scale (default 1).
pub const TIME_SCALE_ENV: &str = "BEDROCK_BENCH_TIME_SCALE";
/// Environment variable naming a profile override file for the emulator.
pub const EMULATOR_PROFILES_ENV: &str = "BEDROCK_BENCH_EMULATOR_PROFILES";
/// How long `auto` waits for the credential chain before choosing the
/// emulator.
const CREDENTIAL_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The resolved target of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Amazon Bedrock (or an endpoint URL given for it).
    Aws,
    /// The built-in emulator.
    Emulator,
}

impl Target {
    /// `aws` or `emulator`, as written in every output row.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Aws => "aws",
            Target::Emulator => "emulator",
        }
    }
}

/// Why no client could be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// `BEDROCK_BENCH_TARGET`, `BEDROCK_BENCH_TIME_SCALE` or
    /// `BEDROCK_BENCH_EMULATOR_PROFILES` holds an unusable value.
    #[error("environment variable {name}={value:?}: {expected}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// `aws` was asked for but no credentials resolved.
    #[error(
        "target `aws` needs AWS credentials, and none resolved ({0}). Configure a profile, SSO, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK), or use --target emulator"
    )]
    NoCredentials(String),
    /// The emulator did not start.
    #[error(transparent)]
    Emulator(#[from] EmulatorError),
}

/// Settings that choose and shape the target.
#[derive(Debug, Clone)]
pub struct TargetSettings {
    /// The choice, already merged from CLI, environment and file
    /// (see [`choose_target`]).
    pub choice: TargetChoice,
    /// Endpoint URL for the `aws` target (the environment's
    /// `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` is honoured without it).
    pub endpoint_url: Option<String>,
    /// Warm (reused) or cold (new per call) connections.
    pub connection: ConnectionMode,
    /// The emulator's settings when it is the target.
    pub emulator: EmulatorConfig,
}

impl TargetSettings {
    /// Settings for `choice` with warm connections and an emulator whose
    /// time scale comes from `BEDROCK_BENCH_TIME_SCALE` (default 1) and
    /// whose profiles come from the file named by
    /// `BEDROCK_BENCH_EMULATOR_PROFILES` (default: built in).
    pub fn new(choice: TargetChoice) -> Result<Self, ClientError> {
        Ok(TargetSettings {
            choice,
            endpoint_url: None,
            connection: ConnectionMode::Warm,
            emulator: EmulatorConfig {
                time_scale: time_scale_from_env()?,
                profiles: profiles_from_env()?,
                // Nobody reads it here; a long run must not grow with it.
                keep_ground_truth: false,
                ..EmulatorConfig::default()
            },
        })
    }
}

/// Merge the target choice: the command line wins, then
/// `BEDROCK_BENCH_TARGET`, then the experiment file, else `auto`.
pub fn choose_target(
    cli: Option<TargetChoice>,
    file: Option<TargetChoice>,
) -> Result<TargetChoice, ClientError> {
    if let Some(choice) = cli {
        return Ok(choice);
    }
    if let Ok(value) = std::env::var(TARGET_ENV)
        && !value.trim().is_empty()
    {
        return value.trim().parse().map_err(|expected| ClientError::Env {
            name: TARGET_ENV,
            value,
            expected,
        });
    }
    Ok(file.unwrap_or(TargetChoice::Auto))
}

/// The emulator's profiles: the built-in table with the overrides of the
/// file named by `BEDROCK_BENCH_EMULATOR_PROFILES`, if set.
pub fn profiles_from_env() -> Result<ProfileSet, ClientError> {
    match std::env::var(EMULATOR_PROFILES_ENV) {
        Ok(path) if !path.trim().is_empty() => {
            ProfileSet::from_override_file(std::path::Path::new(path.trim())).map_err(|expected| {
                ClientError::Env {
                    name: EMULATOR_PROFILES_ENV,
                    value: path,
                    expected,
                }
            })
        }
        _ => Ok(ProfileSet::builtin()),
    }
}

/// The emulator time scale from `BEDROCK_BENCH_TIME_SCALE`, default 1.
pub fn time_scale_from_env() -> Result<f64, ClientError> {
    match std::env::var(TIME_SCALE_ENV) {
        Ok(value) if !value.trim().is_empty() => match value.trim().parse::<f64>() {
            Ok(scale) if scale.is_finite() && scale >= 0.0 => Ok(scale),
            _ => Err(ClientError::Env {
                name: TIME_SCALE_ENV,
                value,
                expected: "a number of at least 0 (1 = real time, 0.1 = ten times faster)".into(),
            }),
        },
        _ => Ok(1.0),
    }
}

enum Backend {
    Aws(Box<SdkConfig>),
    /// An emulator in this process (`Some`) or elsewhere (`None`).
    Emulator {
        emulator: Option<Arc<Emulator>>,
        endpoint: String,
    },
}

/// SDK clients for one target: one per region, reused (warm), or a new one
/// per call (cold).
pub struct Clients {
    backend: Backend,
    connection: ConnectionMode,
    endpoint_url: Option<String>,
    per_region: Mutex<HashMap<String, Client>>,
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clients")
            .field("target", &self.target())
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

impl Clients {
    /// Resolve the target and prepare clients. `auto` probes the default
    /// credential chain and falls back to the emulator with a notice on
    /// stderr.
    pub async fn connect(settings: TargetSettings) -> Result<Clients, ClientError> {
        match settings.choice {
            TargetChoice::Emulator => Self::emulator(settings),
            TargetChoice::Aws => {
                let sdk = load_aws_config().await;
                probe_credentials(&sdk)
                    .await
                    .map_err(ClientError::NoCredentials)?;
                Ok(Self::aws(sdk, &settings))
            }
            TargetChoice::Auto => {
                let sdk = load_aws_config().await;
                match probe_credentials(&sdk).await {
                    Ok(()) => Ok(Self::aws(sdk, &settings)),
                    Err(reason) => {
                        eprintln!(
                            "\n*** bedrock-bench: no AWS credentials resolved ({reason}).\n\
                             *** Benchmarking the BUILT-IN EMULATOR: every number is SIMULATED, not Amazon Bedrock.\n\
                             *** Configure credentials (profile, SSO or environment) to measure Bedrock,\n\
                             *** or pass --target emulator (BEDROCK_BENCH_TARGET=emulator) to silence this notice.\n"
                        );
                        Self::emulator(settings)
                    }
                }
            }
        }
    }

    /// Clients for an emulator that is already running (tests, calibrate).
    pub fn for_emulator(emulator: Arc<Emulator>, connection: ConnectionMode) -> Clients {
        let endpoint = emulator.base_url();
        Clients {
            backend: Backend::Emulator {
                emulator: Some(emulator),
                endpoint,
            },
            connection,
            endpoint_url: None,
            per_region: Mutex::new(HashMap::new()),
        }
    }

    /// Clients for an emulator (or any ConverseStream server) running
    /// elsewhere at `endpoint`, with static test credentials. Rows name
    /// `emulator` as their target.
    pub fn for_endpoint(endpoint: &str, connection: ConnectionMode) -> Clients {
        Clients {
            backend: Backend::Emulator {
                emulator: None,
                endpoint: endpoint.to_string(),
            },
            connection,
            endpoint_url: None,
            per_region: Mutex::new(HashMap::new()),
        }
    }

    fn emulator(settings: TargetSettings) -> Result<Clients, ClientError> {
        let emulator = Arc::new(Emulator::start(settings.emulator)?);
        Ok(Self::for_emulator(emulator, settings.connection))
    }

    fn aws(sdk: SdkConfig, settings: &TargetSettings) -> Clients {
        Clients {
            backend: Backend::Aws(Box::new(sdk)),
            connection: settings.connection,
            endpoint_url: settings.endpoint_url.clone(),
            per_region: Mutex::new(HashMap::new()),
        }
    }

    /// Which target the calls reach.
    pub fn target(&self) -> Target {
        match self.backend {
            Backend::Aws(_) => Target::Aws,
            Backend::Emulator { .. } => Target::Emulator,
        }
    }

    /// What the calls reach, in words for the notices on stderr: the
    /// emulator and its address, Amazon Bedrock, or the endpoint that
    /// replaces Bedrock's (`endpoint_url`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`
    /// or `AWS_ENDPOINT_URL`).
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Emulator {
                emulator: Some(emulator),
                ..
            } => format!(
                "the built-in emulator at {} (time scale {})",
                emulator.base_url(),
                emulator.time_scale()
            ),
            Backend::Emulator {
                emulator: None,
                endpoint,
            } => format!("the emulator at {endpoint}"),
            Backend::Aws(sdk) => match self.endpoint_override(sdk) {
                Some(url) => format!(
                    "the endpoint {url} with AWS credentials (an endpoint override: check it is the one you meant)"
                ),
                None => "Amazon Bedrock (calls cost money)".to_string(),
            },
        }
    }

    fn endpoint_override(&self, sdk: &SdkConfig) -> Option<String> {
        self.endpoint_url
            .clone()
            .or_else(|| {
                std::env::var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
                    .ok()
                    .filter(|url| !url.trim().is_empty())
            })
            .or_else(|| sdk.endpoint_url().map(str::to_string))
    }

    /// The time scale of the in-process emulator when it is the target
    /// (`None` for AWS, and for an emulator elsewhere, whose scale is not
    /// known here).
    pub fn time_scale(&self) -> Option<f64> {
        self.emulator_handle().map(|emulator| emulator.time_scale())
    }

    /// The in-process emulator, when it is the target.
    pub fn emulator_handle(&self) -> Option<&Arc<Emulator>> {
        match &self.backend {
            Backend::Emulator { emulator, .. } => emulator.as_ref(),
            Backend::Aws(_) => None,
        }
    }

    /// Warm or cold connections.
    pub fn connection(&self) -> ConnectionMode {
        self.connection
    }

    /// The client for `region`: the region's shared client (warm) or a new
    /// one with its own connection pool (cold).
    pub fn client(&self, region: &str) -> Client {
        if self.connection == ConnectionMode::Cold {
            return self.build(region, true);
        }
        let mut clients = self.per_region.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry(region.to_string())
            .or_insert_with(|| self.build(region, false))
            .clone()
    }

    fn build(&self, region: &str, fresh_http_client: bool) -> Client {
        let mut builder = match &self.backend {
            Backend::Aws(sdk) => aws_sdk_bedrockruntime::config::Builder::from(sdk.as_ref()),
            Backend::Emulator { endpoint, .. } => aws_sdk_bedrockruntime::config::Builder::new()
                .behavior_version(BehaviorVersion::latest())
                .credentials_provider(static_test_credentials())
                .endpoint_url(endpoint.clone()),
        };
        builder = builder
            .region(Region::new(region.to_string()))
            .retry_config(RetryConfig::disabled())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled());
        if let Some(url) = &self.endpoint_url {
            builder = builder.endpoint_url(url.clone());
        }
        if fresh_http_client {
            builder = builder.http_client(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(tls::Provider::Rustls(
                        tls::rustls_provider::CryptoMode::AwsLc,
                    ))
                    .build_https(),
            );
        }
        Client::from_conf(builder.build())
    }
}

/// Credentials for the emulator, which requires an Authorization header
/// but never checks the signature.
pub fn static_test_credentials() -> Credentials {
    Credentials::new(
        "AKIDBEDROCKBENCHEMU",
        "bedrock-bench-emulator-secret",
        None,
        None,
        "bedrock-bench-emulator",
    )
}

async fn load_aws_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// Whether the default chain yields credentials (or a Bedrock bearer
/// token), within a bounded time. The error says why not.
async fn probe_credentials(sdk: &SdkConfig) -> Result<(), String> {
    if std::env::var("AWS_BEARER_TOKEN_BEDROCK").is_ok_and(|t| !t.is_empty()) {
        return Ok(());
    }
    let Some(provider) = sdk.credentials_provider() else {
        return Err("no credentials provider is configured".into());
    };
    match tokio::time::timeout(CREDENTIAL_PROBE_TIMEOUT, provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(()),
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
