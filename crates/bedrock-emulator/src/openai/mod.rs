//! The OpenAI-compatible Chat Completions API (Amazon Bedrock User Guide,
//! "OpenAI Chat Completions API"): `POST /openai/v1/chat/completions` and
//! `POST /v1/chat/completions`. A request is translated into the Converse
//! request that asks the same ([`chat::parse`]), which goes through the
//! same validation, quotas, faults and plan as ConverseStream: the same
//! prompt gets the same tokens, timing and text. The answer is written as
//! `chat.completion.chunk` server-sent events or one `chat.completion`
//! object ([`stream::ChatWire`]).

pub mod chat;
pub mod stream;
