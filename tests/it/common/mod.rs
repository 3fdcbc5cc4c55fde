//! Shared helpers for the harness's integration tests: the emulator
//! crate's test emulators (one definition, included from there) and the
//! harness's clients for them; scratch folders (`dirs`), the CLI tests'
//! config files and command (`cli`), and the open loop's two scenarios
//! (`two_scenarios`).
#![allow(dead_code)]

pub mod cli;
pub mod dirs;
#[path = "../../../crates/bedrock-emulator/tests/it/common/emulators.rs"]
mod emulators;
#[path = "../../../crates/bedrock-emulator/tests/it/common/features.rs"]
pub mod features;
pub mod job;
pub mod pty;
pub mod two_scenarios;

use std::sync::Arc;

use bedrock_bench::client::Clients;
use bedrock_bench::config::ConnectionMode;
use bedrock_emulator::Emulator;

#[allow(unused_imports)]
pub use emulators::*;
#[allow(unused_imports)]
pub use job::Job;

/// The harness's warm clients for an in-process emulator.
pub fn clients(emulator: &Arc<Emulator>) -> Clients {
    Clients::for_emulator(Arc::clone(emulator), ConnectionMode::Warm)
}
