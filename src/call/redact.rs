//! Secrets out of error messages. A service, proxy or endpoint may echo a
//! request's headers in its error text; every message the harness stores
//! (raw CSV, reports) or prints passes through [`redact`] first, which
//! replaces anything credential-like:
//!
//! - the values of `Authorization`, `X-Amz-Security-Token` and
//!   `X-Amz-Credential` / `X-Amz-Signature`, however they are quoted;
//! - SigV4's `Credential=...`, `Signature=...`, and `Bearer ...` tokens;
//! - AWS access key ids (`AKIA...`, `ASIA...`);
//! - `aws_secret_access_key` / `aws_session_token` style assignments;
//! - long base64 runs (session tokens are hundreds of characters);
//! - the exact values registered with [`register_secret`] (the bearer
//!   token and the credentials in use), wherever they appear.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not registered: replacing every
/// occurrence of a short string would mangle ordinary text.
const MIN_SECRET_CHARS: usize = 8;

static KNOWN_SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // Header values: `Authorization: ...`, `"authorization": "..."`,
        // `x-amz-security-token=...`, up to the end of the value.
        (
            r#"(?i)((?:authorization|x-amz-security-token|x-amz-credential|x-amz-signature)["']?\s*[:=]\s*["']?)[^"'\r\n,}]+"#,
            "${1}[REDACTED]",
        ),
        (r"(?i)(Bearer\s+)[A-Za-z0-9._~+/=-]+", "${1}[REDACTED]"),
        (r"(?i)((?:Credential|Signature)=)[^\s,;]+", "${1}[REDACTED]"),
        (
            r#"(?i)((?:aws_secret_access_key|aws_session_token|secret_access_key|session_token|secretaccesskey|sessiontoken)["']?\s*[:=]\s*["']?)[^"'\s,}]+"#,
            "${1}[REDACTED]",
        ),
        (r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b", "[REDACTED]"),
        (r"[A-Za-z0-9+/]{100,}={0,2}", "[REDACTED]"),
    ]
    .into_iter()
    .map(|(pattern, replacement)| {
        // The patterns are constants, tested below.
        (
            Regex::new(pattern).unwrap_or_else(|e| panic!("redaction pattern {pattern}: {e}")),
            replacement,
        )
    })
    .collect()
});

/// Remember `secret` (a token or key in use) so that [`redact`] removes it
/// wherever it appears. Short values are ignored.
pub fn register_secret(secret: &str) {
    let secret = secret.trim();
    if secret.chars().count() < MIN_SECRET_CHARS {
        return;
    }
    let mut known = KNOWN_SECRETS.write().unwrap_or_else(|p| p.into_inner());
    if !known.iter().any(|s| s == secret) {
        known.push(secret.to_string());
    }
}

/// Register the secrets the environment holds for the AWS SDK: the Bedrock
/// bearer token and static credentials.
pub fn register_environment_secrets() {
    for variable in [
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ACCESS_KEY_ID",
    ] {
        if let Ok(value) = std::env::var(variable) {
            register_secret(&value);
        }
    }
}

/// `message` with everything credential-like replaced by [`REDACTED`].
pub fn redact(message: &str) -> Cow<'_, str> {
    let mut text = Cow::Borrowed(message);
    {
        let known = KNOWN_SECRETS.read().unwrap_or_else(|p| p.into_inner());
        for secret in known.iter() {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
    }
    for (pattern, replacement) in PATTERNS.iter() {
        if let Cow::Owned(replaced) = pattern.replace_all(&text, *replacement) {
            text = Cow::Owned(replaced);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_headers_and_keys_are_redacted() {
        let echoed = "Invalid request. Headers: {\"authorization\": \"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-2/bedrock/aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024\", \"x-amz-security-token\": \"IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMiJHMEUCIQ\"}";
        let clean = redact(echoed);
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
            "IQoJb3JpZ2luX2VjEJr",
            "AWS4-HMAC-SHA256 Credential",
        ] {
            assert!(!clean.contains(secret), "{secret} left in {clean}");
        }
        assert!(clean.starts_with("Invalid request. Headers: "), "{clean}");
        let bearer = redact("Authorization: Bearer ABSKQmVkcm9ja0FQSUtleS1hYmNk\nnext line");
        assert_eq!(bearer, "Authorization: [REDACTED]\nnext line");
        let bare = redact("token was Bearer abc.def-ghi_jkl and more");
        assert_eq!(bare, "token was Bearer [REDACTED] and more");
        let assignment = redact("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY;");
        assert!(!assignment.contains("wJalrXUtnFEMI"), "{assignment}");
        let long = format!("session {} end", "A".repeat(400));
        assert_eq!(redact(&long), "session [REDACTED] end");
    }

    #[test]
    fn registered_secrets_are_redacted_anywhere_and_plain_text_is_kept() {
        register_secret("my-very-own-secret-value");
        register_secret("short");
        let clean = redact("echo my-very-own-secret-value; short stays");
        assert_eq!(clean, "echo [REDACTED]; short stays");
        let plain = "The provided model identifier is invalid.";
        assert!(
            matches!(redact(plain), Cow::Borrowed(_)),
            "no copy without a secret"
        );
        assert_eq!(
            redact("request 0b6f2c7e-5f51-4d43-9a0e-1c5b8d7f3a21 failed"),
            "request 0b6f2c7e-5f51-4d43-9a0e-1c5b8d7f3a21 failed"
        );
    }
}
