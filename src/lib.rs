//! bedrock-bench: how fast Amazon Bedrock models really stream.
//!
//! The library holds the pieces the `bedrock-bench` binary and the
//! criterion benches are made of: config loading ([`config`]), the SDK
//! client per target ([`client`]), the timed ConverseStream call
//! ([`call`]). The emulator it measures against offline is its own crate,
//! `bedrock_emulator`; what both know about models is in `bedrock_catalog`.

#![warn(missing_docs)]

pub mod analysis;
pub mod axes;
pub mod bench;
pub mod calibrate;
pub mod call;
pub mod client;
pub mod compare;
pub mod config;
pub mod discovery;
pub mod docs;
pub mod export;
pub mod figures;
pub mod files;
pub mod fonts;
pub mod hint;
pub mod live;
pub(crate) mod measurement;
pub(crate) mod metrics;
pub mod plan;
pub mod plot;
pub mod publish;
pub mod record;
pub mod report;
pub mod runner;
pub mod side_file;
pub(crate) mod stats;
pub mod sweep;
pub mod table;
pub mod tables;
pub mod terminal;
pub mod timestamps;
pub mod workload;
