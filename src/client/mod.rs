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

mod aws_files;
mod env;
mod https;
mod resolve;

use aws_config::BehaviorVersion;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::config::{Region, StalledStreamProtectionConfig};
use aws_smithy_runtime_api::client::http::SharedHttpConnector;
use aws_smithy_types::retry::RetryConfig;

use crate::call::{Caller, HttpApi, HttpAuth, HttpBase};
use crate::config::{ConnectionMode, TargetChoice, UnknownChoice};
use bedrock_emulator::{Emulator, EmulatorConfig, EmulatorError};

/// Environment variable that picks the target (`aws`, `emulator`, `auto`).
pub const TARGET_ENV: &str = "BEDROCK_BENCH_TARGET";
/// Environment variable with the emulator's time scale (default 1).
pub const TIME_SCALE_ENV: &str = "BEDROCK_BENCH_TIME_SCALE";
/// Environment variable naming a profile override file for the emulator.
pub const EMULATOR_PROFILES_ENV: &str = "BEDROCK_BENCH_EMULATOR_PROFILES";

pub use crate::record::Target;
pub use env::{profiles_from_env, time_scale_from_env};
pub use https::{http_connector, https_client};
pub use resolve::{ResolvedTarget, resolve_target};

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
        "target `aws` needs AWS credentials, and none resolved ({reason}). Configure a profile, SSO, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK), or use the emulator: {emulator_hint}"
    )]
    NoCredentials {
        /// Why the credential chain gave none.
        reason: String,
        /// How to choose the emulator with the command in use.
        emulator_hint: &'static str,
    },
    /// `AWS_PROFILE` names a profile that no AWS config file defines: an
    /// error, never a silent switch to the emulator.
    #[error(
        "AWS_PROFILE={profile:?} names a profile that is not defined in {searched} ({known}). Fix AWS_PROFILE, or unset it to use the default credential chain."
    )]
    NoSuchProfile {
        /// The profile asked for.
        profile: String,
        /// The files looked in.
        searched: String,
        /// The profiles that are defined, in words.
        known: String,
    },
    /// An AWS shared config or credentials file cannot be read as one (a
    /// FIFO, a device, a file larger than [`MAX_SIDE_FILE_BYTES`]...).
    #[error(
        "the AWS shared file {path} cannot be used: {reason}. Point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at a regular file, or remove it."
    )]
    SharedFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
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
    /// How to choose the emulator with the command in use, for notices
    /// and errors (`run` has `--target emulator`; `cargo bench` does not).
    pub emulator_hint: &'static str,
}

/// [`TargetSettings::emulator_hint`] for `bedrock-bench run` and `sweep`.
pub const RUN_EMULATOR_HINT: &str = "--target emulator (or BEDROCK_BENCH_TARGET=emulator)";
/// [`TargetSettings::emulator_hint`] for `cargo bench`.
pub const BENCH_EMULATOR_HINT: &str = "BEDROCK_BENCH_TARGET=emulator cargo bench";

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
            emulator_hint: RUN_EMULATOR_HINT,
        })
    }
}

impl TargetSettings {
    /// [`TargetSettings::new`] with the experiment file's endpoint URL and
    /// connection mode, and `emulator_hint` for the command in use.
    pub fn for_experiment(
        choice: TargetChoice,
        experiment: &crate::config::Experiment,
        emulator_hint: &'static str,
    ) -> Result<Self, ClientError> {
        let mut settings = TargetSettings::new(choice)?;
        settings.endpoint_url.clone_from(&experiment.endpoint_url);
        settings.connection = experiment.connection;
        settings.emulator_hint = emulator_hint;
        Ok(settings)
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
        return value
            .trim()
            .parse()
            .map_err(|error: UnknownChoice| ClientError::Env {
                name: TARGET_ENV,
                value,
                expected: error.to_string(),
            });
    }
    Ok(file.unwrap_or(TargetChoice::Auto))
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
    per_region: Mutex<HashMap<String, Caller>>,
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
    /// Resolve the target ([`resolve_target`]) and prepare clients. `auto`
    /// probes the default credential chain and falls back to the emulator
    /// with a notice on stderr.
    pub async fn connect(settings: TargetSettings) -> Result<Clients, ClientError> {
        let resolved = resolve_target(&settings).await?;
        Self::from_resolved(resolved, settings)
    }

    /// Clients for a target already resolved by [`resolve_target`]:
    /// starts the built-in emulator when it is the target.
    pub fn from_resolved(
        resolved: ResolvedTarget,
        settings: TargetSettings,
    ) -> Result<Clients, ClientError> {
        match resolved {
            ResolvedTarget::Aws(sdk) => Ok(Self::aws(*sdk, &settings)),
            ResolvedTarget::Emulator => Self::emulator(settings),
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
            Backend::Aws(sdk) => describe_aws(self.endpoint_url.as_deref(), sdk),
        }
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

    /// A control-plane client (`aws-sdk-bedrock`: ListFoundationModels,
    /// ListInferenceProfiles...) for `region`, with the SDK's standard
    /// retries: for AWS, from the default chain's settings, which honour
    /// `AWS_ENDPOINT_URL_BEDROCK` (or `AWS_ENDPOINT_URL`); for the
    /// emulator, its endpoint, which serves the control plane from the
    /// same catalog as its runtime.
    pub fn control_plane(&self, region: &str) -> aws_sdk_bedrock::Client {
        let builder = match &self.backend {
            Backend::Aws(sdk) => aws_sdk_bedrock::config::Builder::from(sdk.as_ref()),
            Backend::Emulator { endpoint, .. } => aws_sdk_bedrock::config::Builder::new()
                .behavior_version(aws_sdk_bedrock::config::BehaviorVersion::latest())
                .http_client(https_client())
                .credentials_provider(static_test_credentials())
                .endpoint_url(endpoint.clone()),
        };
        aws_sdk_bedrock::Client::from_conf(
            builder
                .region(aws_sdk_bedrock::config::Region::new(region.to_string()))
                .retry_config(RetryConfig::standard())
                .build(),
        )
    }

    /// What control-plane calls reach, in words (as [`Clients::describe`]
    /// for the runtime): the emulator, Amazon Bedrock, or the endpoint of
    /// `AWS_ENDPOINT_URL_BEDROCK` or `AWS_ENDPOINT_URL`.
    pub fn describe_control_plane(&self) -> String {
        match &self.backend {
            Backend::Aws(sdk) => match std::env::var("AWS_ENDPOINT_URL_BEDROCK")
                .ok()
                .filter(|url| !url.trim().is_empty())
                .or_else(|| sdk.endpoint_url().map(str::to_string))
            {
                Some(url) => format!(
                    "the endpoint {url} with AWS credentials (an endpoint override: check it is the one you meant)"
                ),
                None => "Amazon Bedrock's control plane (listing is free)".to_string(),
            },
            Backend::Emulator { .. } => self.describe(),
        }
    }

    /// The region of the AWS configuration (`AWS_REGION`, the profile's
    /// `region`), when the target is AWS and one is set.
    pub fn configured_region(&self) -> Option<String> {
        match &self.backend {
            Backend::Aws(sdk) => sdk.region().map(|r| r.to_string()),
            Backend::Emulator { .. } => None,
        }
    }

    /// Warm or cold connections.
    pub fn connection(&self) -> ConnectionMode {
        self.connection
    }

    /// The SDK client for `region`: the region's shared client (warm) or a
    /// new one with its own connection pool (cold).
    pub fn client(&self, region: &str) -> Client {
        self.caller(region).sdk
    }

    /// The SDK client and the HTTP APIs' client for `region`: the
    /// region's shared ones (warm) or new ones with their own connection
    /// pools (cold).
    pub fn caller(&self, region: &str) -> Caller {
        if self.connection == ConnectionMode::Cold {
            return self.build(region, true);
        }
        let mut callers = self.per_region.lock().unwrap_or_else(|p| p.into_inner());
        callers
            .entry(region.to_string())
            .or_insert_with(|| self.build(region, false))
            .clone()
    }

    fn build(&self, region: &str, fresh_http_client: bool) -> Caller {
        let mut builder = match &self.backend {
            Backend::Aws(sdk) => aws_sdk_bedrockruntime::config::Builder::from(sdk.as_ref()),
            Backend::Emulator { endpoint, .. } => aws_sdk_bedrockruntime::config::Builder::new()
                .behavior_version(BehaviorVersion::latest())
                .http_client(https_client())
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
            builder = builder.http_client(https_client());
        }
        let (base, auth) = match &self.backend {
            Backend::Aws(sdk) => (
                HttpBase::Aws {
                    override_url: runtime_endpoint_override(self.endpoint_url.as_deref(), sdk),
                },
                HttpAuth::bearer_from_env().unwrap_or_else(|| {
                    sdk.credentials_provider()
                        .map_or(HttpAuth::Missing, HttpAuth::sigv4)
                }),
            ),
            Backend::Emulator { endpoint, .. } => (
                HttpBase::Emulator(endpoint.clone()),
                HttpAuth::sigv4(SharedCredentialsProvider::new(static_test_credentials())),
            ),
        };
        let http = HttpApi::new(
            SharedHttpConnector::new(http_connector()),
            base,
            region,
            auth,
        );
        Caller {
            sdk: Client::from_conf(builder.build()),
            http: Arc::new(http),
        }
    }
}

/// The URL that replaces Bedrock's regional runtime endpoint, when one
/// does: `endpoint_url`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` or
/// `AWS_ENDPOINT_URL`. The HTTP APIs send to it on both endpoints.
fn runtime_endpoint_override(endpoint_url: Option<&str>, sdk: &SdkConfig) -> Option<String> {
    endpoint_url
        .map(str::to_string)
        .or_else(|| {
            std::env::var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
                .ok()
                .filter(|url| !url.trim().is_empty())
        })
        .or_else(|| sdk.endpoint_url().map(str::to_string))
}

/// What calls to AWS reach, in words: Amazon Bedrock, or the endpoint
/// that replaces its regional endpoint (`endpoint_url`,
/// `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` or `AWS_ENDPOINT_URL`).
fn describe_aws(endpoint_url: Option<&str>, sdk: &SdkConfig) -> String {
    match runtime_endpoint_override(endpoint_url, sdk) {
        Some(url) => format!(
            "the endpoint {url} with AWS credentials (an endpoint override: check it is the one you meant)"
        ),
        None => "Amazon Bedrock (calls cost money)".to_string(),
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
