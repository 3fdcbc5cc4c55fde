//! The harness's integration tests, linked into one binary: a cold
//! `cargo test --release` links one test binary for the harness instead
//! of one per file, and that was most of its time. Each former
//! `tests/FILE.rs` is the module `FILE`.
//!
//! Nothing here may rely on owning its process: tests run side by side on
//! the harness's threads. A test that must change process-wide settings
//! (`full_disk`: the file-size limit) re-runs this binary with one test
//! name in a child process; tests that start `cargo bench`'s harness hand
//! it their own stop signal so that no signal handler is installed in
//! this process (Ctrl-C must still end `cargo test`).

// Helpers shared by the test modules.
mod analyze_support;
mod common;
mod fixture;
mod isolation;
#[path = "../../crates/bedrock-emulator/tests/it/layout.rs"]
mod layout;
mod report_support;
// The emulator crate's helpers, one definition for both crates.
#[path = "../../crates/bedrock-emulator/tests/it/common/child_guard.rs"]
mod child_guard;
#[path = "../../crates/bedrock-emulator/tests/it/external/mod.rs"]
mod external;

// One module per test file, named as the file: a test's full name is
// `FILE::TEST` (`cargo test --release --test it FILE::` runs one file).
mod analyze_axes;
mod analyze_cli;
mod analyze_compare;
mod analyze_cost;
mod analyze_output;
mod analyze_prefill;
mod analyze_read_errors;
mod analyze_summary;
mod analyze_trust;
mod analyze_variants;
mod analyze_windows;
mod api_keys;
mod apis;
mod bench_apis;
mod bench_baseline;
mod bench_errors;
mod bench_stop;
mod bounds_cli;
mod budget_guard;
mod calibrate_cli;
mod catalog_guard_cli;
mod compare_cli;
mod config_fuzz;
mod config_variants;
mod cost;
mod count_tokens;
mod doc_links;
mod docs;
mod examples;
mod figures;
mod full_disk;
mod golden;
mod guardrails;
mod identifiers_cli;
mod live_view;
mod models_cli;
mod open_loop;
mod progress;
mod report_chromium;
mod report_edges;
mod report_files;
mod report_groups;
mod report_simulated;
mod run_cli;
mod runner;
mod secrets;
mod shard;
mod side_files_cli;
mod sweep;
mod sweep_args_cli;
mod sweep_grid;
mod timed_call;
mod timed_call_variants;
mod workload;
mod workload_conversation;
mod workload_trace;

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
