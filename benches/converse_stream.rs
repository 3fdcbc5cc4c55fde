//! `cargo bench`: TTFT, total latency and OTPS of every scenario in
//! `scenarios_config.jsonl`, measured with criterion. See the README's
//! "cargo bench" section; the harness lives in `bedrock_bench::bench`.

fn main() -> std::process::ExitCode {
    bedrock_bench::bench::main()
}
