//! `cargo bench`: TTFT, total latency and OTPS of every scenario in
//! `scenarios_config.jsonl`, measured with criterion. See
//! docs/guide/cargo-bench.md; the harness lives in `bedrock_bench::bench`.

fn main() -> std::process::ExitCode {
    bedrock_bench::bench::main()
}
