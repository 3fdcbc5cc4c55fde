//! Shared helpers for the emulator's integration tests.
#![allow(dead_code)]

pub mod child_guard;
pub mod emulators;
pub mod features;
pub mod frames;
pub mod raw_h2;
pub mod raw_http;
pub mod script_output;
pub mod sdk;
pub mod sse;

#[allow(unused_imports)]
pub use child_guard::ChildGuard;
#[allow(unused_imports)]
pub use emulators::*;
