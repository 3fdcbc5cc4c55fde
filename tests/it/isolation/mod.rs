//! A `bedrock-bench` process with no way to find real AWS credentials or
//! the network: no profile, keys, tokens or target from the environment,
//! config and credentials files that do not exist, and no instance
//! metadata.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// Isolate `command` from the machine's AWS settings; `dir` holds the
/// (absent) config and credentials files.
pub fn isolated<'a>(command: &'a mut Command, dir: &Path) -> &'a mut Command {
    command
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_BEARER_TOKEN_BEDROCK")
        .env_remove("BEDROCK_BENCH_TARGET")
        .env_remove("BEDROCK_BENCH_PROGRESS")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
}
