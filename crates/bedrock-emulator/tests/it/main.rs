//! The emulator's integration tests, linked into one binary: a cold
//! `cargo test --release` links one test binary for the emulator instead
//! of one per file. Each former `tests/FILE.rs` is the module `FILE`.
//!
//! Nothing here may rely on owning its process: tests run side by side on
//! the harness's threads. Tests that change a process's limits (the full
//! disk of `emulator_process`) set them in the child they start.

// Helpers shared by the test modules (the harness's tests include some of
// them by path).
mod common;
mod external;
mod layout;

// One module per test file, named as the file: a test's full name is
// `FILE::TEST` (`cargo test --release --test it FILE::` runs one file).
mod boto3_client;
mod emulator_api_keys;
mod emulator_cache;
mod emulator_chat_completions;
mod emulator_connections;
mod emulator_control_plane;
mod emulator_converse;
mod emulator_count_tokens;
mod emulator_default_quotas;
mod emulator_fuzz;
mod emulator_guardrails;
mod emulator_http2;
mod emulator_http_errors;
mod emulator_invoke;
mod emulator_invoke_reasoning;
mod emulator_lifecycle;
mod emulator_max_tokens;
mod emulator_messages;
mod emulator_process;
mod emulator_profiles;
mod emulator_rate_quota;
mod emulator_reasoning;
mod emulator_sdk;
mod emulator_sources;
mod emulator_tiers;
mod emulator_timing;
mod emulator_tools;
mod emulator_upload_clock;
mod emulator_uploads;
mod emulator_validation;
mod eventstream_vectors;
mod js_client;
mod python_api_sdks;

/// Every `.rs` file and helper folder beside this one is a module of this
/// binary: a file left out would compile into nothing and its tests would
/// silently never run.
#[test]
fn every_file_beside_main_is_a_module_of_this_binary() {
    layout::assert_every_file_is_a_module(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it"),
        include_str!("main.rs"),
    );
}
