//! The conversation's content: token counts, prompt-cache checkpoints and
//! the content rules Bedrock enforces (alternating roles, no blank text).
//!
//! The prompt is read in the order models cache it: tool definitions,
//! then `system`, then `messages`. Every `cachePoint` block closes a
//! *prefix* (everything before it, in that order); its identity is a
//! 64-bit hash of the canonical JSON of every block before it.
//!
//! Token counts are estimates ([`estimate_tokens`] for text, tool
//! definitions, tool inputs and results); media are counted from their
//! size, see [`image_tokens`] and [`document_tokens`].

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::request_options::constraint;
use bedrock_catalog::tokens::estimate_tokens;

/// An image's tokens when its size is unknown (a source other than
/// inline bytes), and the most one image counts: Anthropic's figure for
/// a full-size image (about 1.15 megapixels / 750).
pub const IMAGE_MAX_TOKENS: u32 = 1600;
/// The fewest tokens an image counts.
pub const IMAGE_MIN_TOKENS: u32 = 85;
/// Encoded image bytes per token (the dimensions are not decoded: this
/// stands for Anthropic's `width * height / 750` at typical compression).
pub const IMAGE_BYTES_PER_TOKEN: u64 = 750;
/// Document bytes per token (text-like content).
pub const DOCUMENT_BYTES_PER_TOKEN: u64 = 4;
/// A document's tokens when its size is unknown (a source other than
/// inline bytes).
pub const DOCUMENT_UNKNOWN_TOKENS: u32 = 1000;

pub use bedrock_catalog::CacheTtl;

/// One `cachePoint`: the prefix before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheCheckpoint {
    /// Estimated tokens of the prefix (before the model's template
    /// overhead).
    pub tokens: u32,
    /// Hash of the prefix's content.
    pub hash: u64,
    /// The requested time to live.
    pub ttl: CacheTtl,
}

/// What the content walk found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    /// Estimated tokens of everything (tools, system, messages).
    pub tokens: u32,
    /// Every `cachePoint`, in prompt order.
    pub checkpoints: Vec<CacheCheckpoint>,
    /// The text of the last user message (for the `auto` tool rule).
    pub last_user_text: String,
    /// The text of every user message (for a guardrail's blocked words).
    pub user_text: String,
    /// Characters of the messages' text blocks (what a guardrail
    /// assesses on input).
    pub message_chars: u32,
}

/// Accumulates tokens and the running prefix hash.
#[derive(Debug)]
pub struct ContentWalk {
    content: Content,
    hasher: DefaultHasher,
}

impl Default for ContentWalk {
    fn default() -> Self {
        Self::new()
    }
}

impl ContentWalk {
    /// An empty walk.
    pub fn new() -> Self {
        ContentWalk {
            content: Content::default(),
            hasher: DefaultHasher::new(),
        }
    }

    /// Add a block of `tokens` whose identity is `block`.
    pub fn add(&mut self, block: &Value, tokens: u32) {
        block.to_string().hash(&mut self.hasher);
        self.content.tokens = self.content.tokens.saturating_add(tokens);
    }

    /// A `cachePoint` block at `path`.
    pub fn cache_point(&mut self, point: &Value, path: &str) -> Result<(), ApiError> {
        let Value::Object(point) = point else {
            return Err(constraint(point, path, "Member must be a structure"));
        };
        match point.get("type") {
            Some(Value::String(t)) if t == "default" => {}
            other => {
                return Err(constraint(
                    other.unwrap_or(&Value::Null),
                    &format!("{path}.type"),
                    "Member must satisfy enum value set: [default]",
                ));
            }
        }
        let known = match point.get("ttl") {
            None | Some(Value::Null) => Some(CacheTtl::FiveMinutes),
            Some(Value::String(t)) => CacheTtl::from_name(t),
            Some(_) => None,
        };
        let ttl = match known {
            Some(ttl) => ttl,
            None => {
                let other = point.get("ttl").unwrap_or(&Value::Null);
                return Err(constraint(
                    other,
                    &format!("{path}.ttl"),
                    "Member must satisfy enum value set: [5m, 1h]",
                ));
            }
        };
        self.content.checkpoints.push(CacheCheckpoint {
            tokens: self.content.tokens,
            hash: self.hasher.finish(),
            ttl,
        });
        Ok(())
    }

    /// The section marker between tools, system and messages (so that
    /// the same blocks in another section make another prefix).
    pub fn section(&mut self, name: &str) {
        name.hash(&mut self.hasher);
    }

    /// The result.
    pub fn finish(self) -> Content {
        self.content
    }
}

fn blank(kind: &str, path: &str) -> ApiError {
    ApiError::validation(format!(
        "The text field in the {kind} object at {path} is blank. Add text to the text field, and try again."
    ))
}

/// `system`: text blocks and cache points.
pub fn system(root: &Map<String, Value>, walk: &mut ContentWalk) -> Result<(), ApiError> {
    walk.section("system");
    let blocks = match root.get("system") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(blocks)) => blocks,
        Some(other) => return Err(constraint(other, "system", "Member must be a list")),
    };
    for (i, block) in blocks.iter().enumerate() {
        let path = format!("system.{i}");
        if let Some(point) = block.get("cachePoint") {
            walk.cache_point(point, &format!("{path}.cachePoint"))?;
            continue;
        }
        if let Some(text) = block.get("text") {
            let text = text.as_str().unwrap_or("");
            if text.trim().is_empty() {
                return Err(blank("SystemContentBlock", &path));
            }
            walk.add(block, estimate_tokens(text));
        } else {
            walk.add(block, 0);
        }
    }
    Ok(())
}

/// `messages`: roles alternate from `user`, every message has content,
/// no text block is blank.
pub fn messages(root: &Map<String, Value>, walk: &mut ContentWalk) -> Result<(), ApiError> {
    walk.section("messages");
    let messages = match root.get("messages") {
        None | Some(Value::Null) => {
            return Err(ApiError::validation(
                "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
            ));
        }
        Some(Value::Array(list)) => list,
        Some(other) => return Err(constraint(other, "messages", "Member must be a list")),
    };
    let start_with_user = || {
        ApiError::validation(
            "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
        )
    };
    if messages.is_empty() {
        return Err(start_with_user());
    }
    let mut previous_role = None;
    for (index, message) in messages.iter().enumerate() {
        let path = format!("messages.{}", index + 1);
        let Value::Object(message) = message else {
            return Err(constraint(message, &path, "Member must be a structure"));
        };
        let role = match message.get("role").and_then(Value::as_str) {
            Some(role @ ("user" | "assistant")) => role,
            _ => {
                let role = message.get("role").cloned().unwrap_or(Value::Null);
                return Err(constraint(
                    &role,
                    &format!("{path}.role"),
                    "Member must satisfy enum value set: [user, assistant]",
                ));
            }
        };
        if index == 0 && role != "user" {
            return Err(start_with_user());
        }
        if previous_role == Some(role) {
            return Err(ApiError::validation(format!(
                "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again. (messages.{index} and messages.{} are both {role} messages.)",
                index + 1
            )));
        }
        previous_role = Some(role);
        let content = match message.get("content") {
            Some(Value::Array(content)) if !content.is_empty() => content,
            other => {
                return Err(constraint(
                    other.unwrap_or(&Value::Null),
                    &format!("{path}.content"),
                    "Member must be a non-empty list of content blocks",
                ));
            }
        };
        role.hash(&mut walk.hasher);
        let mut user_text = String::new();
        for (i, block) in content.iter().enumerate() {
            let block_path = format!("messages.{index}.content.{i}");
            if let Some(point) = block.get("cachePoint") {
                walk.cache_point(point, &format!("{block_path}.cachePoint"))?;
                continue;
            }
            if let Some(text) = block.get("text") {
                let text = text.as_str().unwrap_or("");
                if text.trim().is_empty() {
                    return Err(blank("ContentBlock", &block_path));
                }
                user_text.push_str(text);
                user_text.push('\n');
                let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
                walk.content.message_chars = walk.content.message_chars.saturating_add(chars);
            }
            walk.add(block, block_tokens(block));
        }
        if role == "user" {
            walk.content.user_text.push_str(&user_text);
            walk.content.last_user_text = user_text;
        }
    }
    Ok(())
}

/// Estimated tokens of one content block of a message.
fn block_tokens(block: &Value) -> u32 {
    if let Some(text) = block.get("text").and_then(Value::as_str) {
        return estimate_tokens(text);
    }
    if let Some(image) = block.get("image") {
        return image_tokens(image);
    }
    if let Some(document) = block.get("document") {
        return document_tokens(document);
    }
    if let Some(tool_use) = block.get("toolUse") {
        return estimate_tokens(&tool_use.to_string());
    }
    if let Some(result) = block.get("toolResult") {
        return estimate_tokens(&result.get("content").unwrap_or(&Value::Null).to_string());
    }
    if let Some(reasoning) = block.get("reasoningContent") {
        let text = reasoning
            .pointer("/reasoningText/text")
            .and_then(Value::as_str)
            .unwrap_or("");
        return estimate_tokens(text);
    }
    0
}

/// The decoded size of a `source.bytes` (base64 text: 3 bytes per 4
/// characters), or `None` for other sources (`s3Location`).
fn source_bytes(media: &Value) -> Option<u64> {
    media
        .pointer("/source/bytes")
        .and_then(Value::as_str)
        .map(|b64| b64.trim_end_matches('=').len() as u64 * 3 / 4)
}

/// An image's tokens: one per [`IMAGE_BYTES_PER_TOKEN`] encoded bytes,
/// between [`IMAGE_MIN_TOKENS`] and [`IMAGE_MAX_TOKENS`]; the maximum
/// when the bytes are not inline.
pub fn image_tokens(image: &Value) -> u32 {
    match source_bytes(image) {
        Some(bytes) => (bytes / IMAGE_BYTES_PER_TOKEN)
            .clamp(u64::from(IMAGE_MIN_TOKENS), u64::from(IMAGE_MAX_TOKENS))
            as u32,
        None => IMAGE_MAX_TOKENS,
    }
}

/// A document's tokens: one per [`DOCUMENT_BYTES_PER_TOKEN`] bytes (at
/// least 1); [`DOCUMENT_UNKNOWN_TOKENS`] when the bytes are not inline.
pub fn document_tokens(document: &Value) -> u32 {
    match source_bytes(document) {
        Some(bytes) => (bytes / DOCUMENT_BYTES_PER_TOKEN).clamp(1, u64::from(u32::MAX)) as u32,
        None => DOCUMENT_UNKNOWN_TOKENS,
    }
}
